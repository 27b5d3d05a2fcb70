package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

const accountCols = "id, org_id, network, name, handle, host, status, created_at, no_api"

func scanAccount(row interface{ Scan(...any) error }, extra ...any) (*soroe.Account, error) {
	var a soroe.Account
	dest := append([]any{&a.ID, &a.OrgID, &a.Network, &a.Name, &a.Handle, &a.Host, &a.Status, &a.CreatedAt, &a.NoAPI}, extra...)
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
	return db.w.QueryRowContext(ctx, `INSERT INTO accounts (org_id, network, name, handle, host, secret, status, created_at, no_api)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.OrgID, a.Network, a.Name, a.Handle, a.Host, secret, a.Status, a.CreatedAt, a.NoAPI).Scan(&a.ID)
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
// reconnect or a token refresh) and marks it ok, its last error and
// warning cleared. An empty secret is refused: a stored credential is never
// blanked.
func (db *DB) SetAccountSecret(ctx context.Context, orgID, id int64, secret string) error {
	if secret == "" {
		return soroe.Invalid("secret", "required")
	}
	return affected(db.w.ExecContext(ctx, `UPDATE accounts SET secret = $3, status = $4, last_error = '', warned_at = NULL
		WHERE id = $1 AND org_id = $2`, id, orgID, secret, soroe.AccountOK))
}

// SetAccountStatus records an account's health (ok, needs_reconnect). It
// reports whether the status changed, so a warning is sent once. Back to
// ok, the account may be warned about again the next time it needs
// reconnecting.
func (db *DB) SetAccountStatus(ctx context.Context, id int64, status string) (bool, error) {
	if status != soroe.AccountOK && status != soroe.AccountNeedsReconnect {
		return false, soroe.Invalid("status", "unknown_status")
	}
	q := "UPDATE accounts SET status = $2 WHERE id = $1 AND status <> $2"
	if status == soroe.AccountOK {
		q = "UPDATE accounts SET status = $2, warned_at = NULL WHERE id = $1 AND status <> $2"
	}
	res, err := db.w.ExecContext(ctx, q, id, status)
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

// ---- Health ----

// AccountHealth is what the store knows of an account besides what
// soroe.Account holds: the network's own ID of it, its token's expiry, the
// last check and its error, and when people were warned that it needs
// reconnecting. None of it is secret.
type AccountHealth struct {
	RemoteID       string     `json:"remote_id,omitempty"`        // the network's ID of the account
	TokenExpiresAt *time.Time `json:"token_expires_at,omitempty"` // nil: does not expire (or unknown)
	CheckedAt      *time.Time `json:"checked_at,omitempty"`       // last refresh or verification
	LastError      string     `json:"last_error,omitempty"`       // of the last check; "" when it went well
	WarnedAt       *time.Time `json:"-"`                          // owners and managers were told it needs reconnecting
}

// AccountInfo is an account with its health.
type AccountInfo struct {
	*soroe.Account
	AccountHealth
}

const healthCols = "remote_id, token_expires_at, checked_at, last_error, warned_at"

func scanAccountInfo(row interface{ Scan(...any) error }) (*AccountInfo, error) {
	var (
		h                      AccountHealth
		expires, checked, warn sql.NullTime
	)
	a, err := scanAccount(row, &h.RemoteID, &expires, &checked, &h.LastError, &warn)
	if err != nil {
		return nil, err
	}
	h.TokenExpiresAt, h.CheckedAt, h.WarnedAt = utcPtr(expires), utcPtr(checked), utcPtr(warn)
	return &AccountInfo{Account: a, AccountHealth: h}, nil
}

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func tsPtr(t *time.Time) any {
	if t == nil || t.IsZero() {
		return nil
	}
	return ts(*t)
}

// ConnectAccount connects an account with its sealed credentials (as
// CreateAccount) and what is known of it: the network's ID and the
// token's expiry. It counts as checked now.
func (db *DB) ConnectAccount(ctx context.Context, a *soroe.Account, secret string, h AccountHealth) error {
	if err := a.Validate(); err != nil {
		return err
	}
	a.CreatedAt = db.Now()
	return db.w.QueryRowContext(ctx, `INSERT INTO accounts (org_id, network, name, handle, host, secret, status, created_at,
		remote_id, token_expires_at, checked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8) RETURNING id`,
		a.OrgID, a.Network, a.Name, a.Handle, a.Host, secret, a.Status, a.CreatedAt,
		h.RemoteID, tsPtr(h.TokenExpiresAt)).Scan(&a.ID)
}

// ReconnectAccount stores new credentials for an account a person
// connected again: the account is ok, its handle (when not empty), the
// network's ID and the token's expiry are the new ones, its last error and
// warning are cleared. An empty secret is refused.
func (db *DB) ReconnectAccount(ctx context.Context, orgID, id int64, secret, handle string, h AccountHealth) error {
	if secret == "" {
		return soroe.Invalid("secret", "required")
	}
	return affected(db.w.ExecContext(ctx, `UPDATE accounts SET secret = $3, status = $4, handle = CASE WHEN $5 = '' THEN handle ELSE $5 END,
		remote_id = CASE WHEN $6 = '' THEN remote_id ELSE $6 END, token_expires_at = $7, checked_at = $8, last_error = '', warned_at = NULL,
		no_api = FALSE
		WHERE id = $1 AND org_id = $2`,
		id, orgID, secret, soroe.AccountOK, strings.TrimSpace(handle), h.RemoteID, tsPtr(h.TokenExpiresAt), db.Now()))
}

// AccountInfos returns an organization's accounts with their health, in
// the order they were connected.
func (db *DB) AccountInfos(ctx context.Context, orgID int64) ([]*AccountInfo, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+accountCols+", "+healthCols+" FROM accounts WHERE org_id = $1 ORDER BY id", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AccountInfo
	for rows.Next() {
		a, err := scanAccountInfo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccountInfoOf returns one of an organization's accounts with its health.
func (db *DB) AccountInfoOf(ctx context.Context, orgID, id int64) (*AccountInfo, error) {
	return scanAccountInfo(db.r.QueryRowContext(ctx, "SELECT "+accountCols+", "+healthCols+
		" FROM accounts WHERE id = $1 AND org_id = $2", id, orgID))
}

// RefreshAccountSecret saves credentials the health job refreshed, only if
// the stored ones are still oldSecret (a person may have reconnected the
// account meanwhile: their credentials win). The account is then ok, with
// the new expiry, checked now, its error and warning cleared. It reports
// whether the credentials were saved. An empty secret is refused.
func (db *DB) RefreshAccountSecret(ctx context.Context, id int64, oldSecret, secret string, expiresAt *time.Time) (bool, error) {
	if secret == "" {
		return false, soroe.Invalid("secret", "required")
	}
	res, err := db.w.ExecContext(ctx, `UPDATE accounts SET secret = $3, status = $4, token_expires_at = $5, checked_at = $6,
		last_error = '', warned_at = NULL WHERE id = $1 AND secret = $2`,
		id, oldSecret, secret, soroe.AccountOK, tsPtr(expiresAt), db.Now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// RecordAccountCheck notes that an account was checked now, with the
// error met ("" when none; it is cut to 500 bytes and must hold no
// secret).
func (db *DB) RecordAccountCheck(ctx context.Context, id int64, lastError string) error {
	if len(lastError) > 500 {
		lastError = strings.ToValidUTF8(lastError[:500], "")
	}
	return affected(db.w.ExecContext(ctx, "UPDATE accounts SET checked_at = $2, last_error = $3 WHERE id = $1",
		id, db.Now(), lastError))
}

// AccountsToRefresh returns the IDs of ok accounts whose token expires
// before the given time, soonest first, at most limit.
func (db *DB) AccountsToRefresh(ctx context.Context, before time.Time, limit int) ([]int64, error) {
	return db.ids(ctx, `SELECT id FROM accounts WHERE status = $1 AND token_expires_at IS NOT NULL
		AND token_expires_at < $2 ORDER BY token_expires_at, id LIMIT $3`, soroe.AccountOK, ts(before), limit)
}

// AccountsToCheck returns the IDs of ok accounts (manual ones aside) not
// checked since the given time, least recently checked first, at most
// limit.
func (db *DB) AccountsToCheck(ctx context.Context, since time.Time, limit int) ([]int64, error) {
	return db.ids(ctx, `SELECT id FROM accounts WHERE status = $1 AND network <> $2 AND NOT no_api
		AND (checked_at IS NULL OR checked_at < $3) ORDER BY checked_at IS NOT NULL, checked_at, id LIMIT $4`,
		soroe.AccountOK, soroe.NetworkManual, ts(since), limit)
}

// AccountsToWarn returns the accounts that need reconnecting and whose
// owners and managers have not been warned yet, at most limit.
func (db *DB) AccountsToWarn(ctx context.Context, limit int) ([]*soroe.Account, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+accountCols+` FROM accounts WHERE status = $1 AND warned_at IS NULL
		ORDER BY id LIMIT $2`, soroe.AccountNeedsReconnect, limit)
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

// MarkAccountWarned records that people were warned about an account that
// needs reconnecting. It reports false when the account was warned
// already (by another instance) or is ok again: then no one is warned.
func (db *DB) MarkAccountWarned(ctx context.Context, id int64) (bool, error) {
	res, err := db.w.ExecContext(ctx, "UPDATE accounts SET warned_at = $2 WHERE id = $1 AND warned_at IS NULL AND status = $3",
		id, db.Now(), soroe.AccountNeedsReconnect)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
