package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/soroe/soroe"
)

const orgCols = "o.id, o.name, o.time_zone, o.lang, o.created_at"

func scanOrg(row interface{ Scan(...any) error }) (*soroe.Org, error) {
	var o soroe.Org
	if err := row.Scan(&o.ID, &o.Name, &o.TimeZone, &o.Lang, &o.CreatedAt); err != nil {
		return nil, notFound(err)
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return &o, nil
}

// CreateOrg stores a new organization with owner as its first member (role
// owner), in one transaction.
func (db *DB) CreateOrg(ctx context.Context, o *soroe.Org, ownerID int64) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return createOrg(ctx, tx, db.Now(), o, ownerID) })
}

func createOrg(ctx context.Context, tx *sql.Tx, now time.Time, o *soroe.Org, ownerID int64) error {
	o.CreatedAt = now
	err := tx.QueryRowContext(ctx, "INSERT INTO orgs (name, time_zone, lang, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
		o.Name, o.TimeZone, o.Lang, o.CreatedAt).Scan(&o.ID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO members (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
		o.ID, ownerID, soroe.RoleOwner, now)
	return err
}

// CreateUserWithOrg creates the first user of a new organization (first-run
// setup, demo seeding) in one transaction.
func (db *DB) CreateUserWithOrg(ctx context.Context, u *soroe.User, o *soroe.Org) error {
	if err := o.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if err := createUser(ctx, tx, now, u); err != nil {
			return err
		}
		return createOrg(ctx, tx, now, o, u.ID)
	})
}

// Org returns an organization by ID.
func (db *DB) Org(ctx context.Context, id int64) (*soroe.Org, error) {
	return scanOrg(db.r.QueryRowContext(ctx, "SELECT "+orgCols+" FROM orgs o WHERE o.id = $1", id))
}

// UpdateOrg saves an organization's name, time zone and default language.
func (db *DB) UpdateOrg(ctx context.Context, o *soroe.Org) error {
	if err := o.Validate(); err != nil {
		return err
	}
	res, err := db.w.ExecContext(ctx, "UPDATE orgs SET name = $1, time_zone = $2, lang = $3 WHERE id = $4",
		o.Name, o.TimeZone, o.Lang, o.ID)
	return affected(res, err)
}

// Orgs returns every organization (for the CLI), by ID.
func (db *DB) Orgs(ctx context.Context) ([]*soroe.Org, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+orgCols+" FROM orgs o ORDER BY o.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
