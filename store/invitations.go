package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

const invCols = "id, org_id, email, role, token_hash, created_by, created_at, expires_at, accepted_at, accepted_by"

func scanInvitation(row interface{ Scan(...any) error }) (*soroe.Invitation, error) {
	var (
		i  soroe.Invitation
		at sql.Null[time.Time]
		by sql.NullInt64
	)
	if err := row.Scan(&i.ID, &i.OrgID, &i.Email, &i.Role, &i.TokenHash, &i.CreatedBy, &i.CreatedAt, &i.ExpiresAt, &at, &by); err != nil {
		return nil, notFound(err)
	}
	i.CreatedAt, i.ExpiresAt = i.CreatedAt.UTC(), i.ExpiresAt.UTC()
	if at.Valid {
		t := at.V.UTC()
		i.AcceptedAt = &t
	}
	if by.Valid {
		i.AcceptedBy = &by.Int64
	}
	return &i, nil
}

// CreateInvitation stores an invitation; it returns the secret for the link,
// which is not kept.
func (db *DB) CreateInvitation(ctx context.Context, inv *soroe.Invitation) (secret string, err error) {
	if !inv.Role.Valid() {
		return "", soroe.Invalid("role", "unknown_role")
	}
	inv.Email = NormalizeEmail(inv.Email)
	if inv.Email != "" && (!strings.Contains(inv.Email, "@") || len(inv.Email) > 254) {
		return "", soroe.Invalid("email", "invalid_email")
	}
	secret, inv.TokenHash = soroe.NewSecret(soroe.InvitationPrefix)
	inv.CreatedAt = db.Now()
	inv.ExpiresAt = inv.CreatedAt.Add(soroe.InvitationLifetime)
	err = db.w.QueryRowContext(ctx, `INSERT INTO invitations (org_id, email, role, token_hash, created_by, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		inv.OrgID, inv.Email, inv.Role, inv.TokenHash, inv.CreatedBy, inv.CreatedAt, inv.ExpiresAt).Scan(&inv.ID)
	return secret, err
}

// InvitationBySecret finds an invitation by the secret in its link.
func (db *DB) InvitationBySecret(ctx context.Context, secret string) (*soroe.Invitation, error) {
	return scanInvitation(db.r.QueryRowContext(ctx, "SELECT "+invCols+" FROM invitations WHERE token_hash = $1", soroe.HashSecret(secret)))
}

// Invitations lists an organization's open (unaccepted, unexpired)
// invitations, newest first.
func (db *DB) Invitations(ctx context.Context, orgID int64) ([]*soroe.Invitation, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+invCols+` FROM invitations
		WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC, id DESC`, orgID, db.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Invitation
	for rows.Next() {
		i, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// RevokeInvitation deletes an invitation of orgID.
func (db *DB) RevokeInvitation(ctx context.Context, orgID, id int64) error {
	res, err := db.w.ExecContext(ctx, "DELETE FROM invitations WHERE org_id = $1 AND id = $2 AND accepted_at IS NULL", orgID, id)
	return affected(res, err)
}

// AcceptInvitation makes userID a member with the invitation's role and marks
// the invitation used, in one transaction; a second accept of the same link
// fails with EConflict. An invitation with an email can only be accepted by
// the user with that email. An invitation only adds members: one who already
// belongs keeps their role.
func (db *DB) AcceptInvitation(ctx context.Context, secret string, userID int64) (*soroe.Invitation, error) {
	var inv *soroe.Invitation
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		inv, err = scanInvitation(tx.QueryRowContext(ctx, "SELECT "+invCols+" FROM invitations WHERE token_hash = $1", soroe.HashSecret(secret)))
		if err != nil {
			return err
		}
		now := db.Now()
		if !inv.Usable(now) {
			return &soroe.Error{Code: soroe.EConflict, Message: "invitation_used_or_expired"}
		}
		if inv.Email != "" {
			// An invitation addressed to someone is for them alone.
			var email string
			if err := tx.QueryRowContext(ctx, "SELECT email FROM users WHERE id = $1", userID).Scan(&email); err != nil {
				return notFound(err)
			}
			if email != inv.Email {
				return soroe.Invalid("email", "invitation_other_email")
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE id = $3 AND accepted_at IS NULL", now, userID, inv.ID)
		if err := affected(res, err); err != nil {
			return &soroe.Error{Code: soroe.EConflict, Message: "invitation_used_or_expired"}
		}
		inv.AcceptedAt, inv.AcceptedBy = &now, &userID
		_, err = tx.ExecContext(ctx, `INSERT INTO members (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, user_id) DO NOTHING`, inv.OrgID, userID, inv.Role, now)
		return err
	})
	return inv, err
}
