package store

import (
	"context"
	"database/sql"

	"github.com/soroe/soroe"
)

const memberCols = "m.org_id, m.user_id, m.role, u.email, u.name, o.name, m.created_at"
const memberFrom = " FROM members m JOIN users u ON u.id = m.user_id JOIN orgs o ON o.id = m.org_id "

func scanMember(row interface{ Scan(...any) error }) (*soroe.Member, error) {
	var m soroe.Member
	if err := row.Scan(&m.OrgID, &m.UserID, &m.Role, &m.Email, &m.Name, &m.OrgName, &m.CreatedAt); err != nil {
		return nil, notFound(err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

func (db *DB) queryMembers(ctx context.Context, where string, args ...any) ([]*soroe.Member, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+memberCols+memberFrom+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Member returns userID's membership in orgID, or ErrNotFound.
func (db *DB) Member(ctx context.Context, orgID, userID int64) (*soroe.Member, error) {
	return scanMember(db.r.QueryRowContext(ctx, "SELECT "+memberCols+memberFrom+"WHERE m.org_id = $1 AND m.user_id = $2", orgID, userID))
}

// Members lists an organization's members, owners first.
func (db *DB) Members(ctx context.Context, orgID int64) ([]*soroe.Member, error) {
	return db.queryMembers(ctx, `WHERE m.org_id = $1 ORDER BY
		CASE m.role WHEN 'owner' THEN 0 WHEN 'executive' THEN 1 WHEN 'manager' THEN 2 ELSE 3 END, u.name, u.id`, orgID)
}

// Memberships lists the organizations a user belongs to, by name.
func (db *DB) Memberships(ctx context.Context, userID int64) ([]*soroe.Member, error) {
	return db.queryMembers(ctx, "WHERE m.user_id = $1 ORDER BY o.name, o.id", userID)
}

// lastOwnerGuard fails when a change would leave the organization without an
// owner.
func lastOwnerGuard(ctx context.Context, tx *sql.Tx, orgID, userID int64) error {
	var role soroe.Role
	err := tx.QueryRowContext(ctx, "SELECT role FROM members WHERE org_id = $1 AND user_id = $2", orgID, userID).Scan(&role)
	if err != nil {
		return notFound(err)
	}
	if role != soroe.RoleOwner {
		return nil
	}
	var owners int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE org_id = $1 AND role = 'owner'", orgID).Scan(&owners); err != nil {
		return err
	}
	if owners <= 1 {
		return &soroe.Error{Code: soroe.EConflict, Field: "role", Message: "last_owner"}
	}
	return nil
}

// SetRole changes a member's role. The last owner cannot be demoted.
func (db *DB) SetRole(ctx context.Context, orgID, userID int64, role soroe.Role) error {
	if !role.Valid() {
		return soroe.Invalid("role", "unknown_role")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if role != soroe.RoleOwner {
			if err := lastOwnerGuard(ctx, tx, orgID, userID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE members SET role = $1 WHERE org_id = $2 AND user_id = $3", role, orgID, userID)
		return affected(res, err)
	})
}

// RemoveMember takes a user out of an organization (their API tokens there go
// with it). The last owner cannot be removed.
func (db *DB) RemoveMember(ctx context.Context, orgID, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := lastOwnerGuard(ctx, tx, orgID, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM members WHERE org_id = $1 AND user_id = $2", orgID, userID)
		return affected(res, err)
	})
}

// InsertMember adds a user to an organization with role. It never touches an existing membership (so it cannot demote a last owner):
// when the user already belongs, it returns an EConflict error
// "already_member".
func (db *DB) InsertMember(ctx context.Context, orgID, userID int64, role soroe.Role) error {
	if !role.Valid() {
		return soroe.Invalid("role", "unknown_role")
	}
	res, err := db.w.ExecContext(ctx, `INSERT INTO members (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, user_id) DO NOTHING`, orgID, userID, role, db.Now())
	if err := affected(res, err); err == soroe.ErrNotFound {
		return &soroe.Error{Code: soroe.EConflict, Field: "email", Message: "already_member"}
	} else if err != nil {
		return err
	}
	return nil
}
