package store

import (
	"context"
	"strings"

	"github.com/soroe/soroe"
)

const accountCols = "id, org_id, network, name, handle, host, status, created_at"

func scanAccount(row interface{ Scan(...any) error }, extra ...any) (*soroe.Account, error) {
	var a soroe.Account
	dest := append([]any{&a.ID, &a.OrgID, &a.Network, &a.Name, &a.Handle, &a.Host, &a.Status, &a.CreatedAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// CreateAccount connects an account to a.OrgID. secret is the credentials
// as the caller sealed them (secretbox); the store keeps it as it is. It
// sets a's ID, Status and CreatedAt.
func (db *DB) CreateAccount(ctx context.Context, a *soroe.Account, secret string) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a.CreatedAt = db.Now()
	return db.w.QueryRowContext(ctx, `INSERT INTO accounts (org_id, network, name, handle, host, secret, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		a.OrgID, a.Network, a.Name, a.Handle, a.Host, secret, a.Status, a.CreatedAt).Scan(&a.ID)
}

// Account returns one of an organization's accounts.
func (db *DB) Account(ctx context.Context, orgID, id int64) (*soroe.Account, error) {
	return scanAccount(db.r.QueryRowContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE id = $1 AND org_id = $2", id, orgID))
}

// AccountSecret returns an account with its sealed credentials, for the
// publisher (which knows the account only by the target's ID).
func (db *DB) AccountSecret(ctx context.Context, id int64) (*soroe.Account, string, error) {
	var secret string
	a, err := scanAccount(db.r.QueryRowContext(ctx, "SELECT "+accountCols+", secret FROM accounts WHERE id = $1", id), &secret)
	return a, secret, err
}

// Accounts returns an organization's accounts, in the order they were
// connected.
func (db *DB) Accounts(ctx context.Context, orgID int64) ([]*soroe.Account, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+accountCols+" FROM accounts WHERE org_id = $1 ORDER BY id", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAccount saves an account's name, handle, host and status.
func (db *DB) UpdateAccount(ctx context.Context, a *soroe.Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return affected(db.w.ExecContext(ctx, `UPDATE accounts SET name = $3, handle = $4, host = $5, status = $6
		WHERE id = $1 AND org_id = $2`, a.ID, a.OrgID, a.Name, a.Handle, a.Host, a.Status))
}

// SetAccountSecret replaces an account's sealed credentials (after a
// reconnect or a token refresh) and marks it ok. An empty secret is
// refused: a stored credential is never blanked.
func (db *DB) SetAccountSecret(ctx context.Context, orgID, id int64, secret string) error {
	if secret == "" {
		return soroe.Invalid("secret", "required")
	}
	return affected(db.w.ExecContext(ctx, "UPDATE accounts SET secret = $3, status = $4 WHERE id = $1 AND org_id = $2",
		id, orgID, secret, soroe.AccountOK))
}

// SetAccountStatus records an account's health (ok, needs_reconnect). It
// reports whether the status changed, so a warning is sent once.
func (db *DB) SetAccountStatus(ctx context.Context, id int64, status string) (bool, error) {
	if status != soroe.AccountOK && status != soroe.AccountNeedsReconnect {
		return false, soroe.Invalid("status", "unknown_status")
	}
	res, err := db.w.ExecContext(ctx, "UPDATE accounts SET status = $2 WHERE id = $1 AND status <> $2", id, status)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// DeleteAccount disconnects an account. One that has posts (targets) is
// kept, for their history: it returns a conflict error.
func (db *DB) DeleteAccount(ctx context.Context, orgID, id int64) error {
	err := affected(db.w.ExecContext(ctx, "DELETE FROM accounts WHERE id = $1 AND org_id = $2", id, orgID))
	if isForeignKey(err) {
		return soroe.Errorf(soroe.EConflict, "account_has_posts")
	}
	return err
}

// isForeignKey reports whether err is a foreign-key violation on either
// engine.
func isForeignKey(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}
