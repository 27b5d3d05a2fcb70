package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

const userCols = "id, email, name, lang, password_hash, password_changed_at, created_at"

func scanUser(row interface{ Scan(...any) error }) (*soroe.User, error) {
	var u soroe.User
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.Lang, &u.PasswordHash, &u.PasswordChangedAt, &u.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	u.PasswordChangedAt, u.CreatedAt = u.PasswordChangedAt.UTC(), u.CreatedAt.UTC()
	return &u, nil
}

// NormalizeEmail is how emails are compared and stored.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validUser checks what CreateUser and UpdateUser store.
func validUser(u *soroe.User) error {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if u.Email == "" || !strings.Contains(u.Email, "@") || strings.ContainsAny(u.Email, " \t\r\n<>") || len(u.Email) > 254 {
		return soroe.Invalid("email", "invalid_email")
	}
	if u.Name == "" {
		u.Name = u.Email[:strings.IndexByte(u.Email, '@')]
	}
	if len([]rune(u.Name)) > 100 {
		return soroe.Invalid("name", "too_long")
	}
	if u.Lang == "" {
		u.Lang = soroe.DefaultLang
	}
	if !soroe.ValidLang(u.Lang) {
		return soroe.Invalid("lang", "unknown_language")
	}
	return nil
}

// CreateUser stores a new user; u.PasswordHash must already be set. It
// returns an EConflict error when the email is taken.
func (db *DB) CreateUser(ctx context.Context, u *soroe.User) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return createUser(ctx, tx, db.Now(), u) })
}

func createUser(ctx context.Context, tx *sql.Tx, now time.Time, u *soroe.User) error {
	if err := validUser(u); err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return soroe.Invalid("password", "required")
	}
	u.CreatedAt, u.PasswordChangedAt = now, now
	err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, lang, password_hash, password_changed_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		u.Email, u.Name, u.Lang, u.PasswordHash, u.PasswordChangedAt, u.CreatedAt).Scan(&u.ID)
	if isUnique(err) {
		return soroe.Invalid("email", "email_taken")
	}
	return err
}

// User returns a user by ID.
func (db *DB) User(ctx context.Context, id int64) (*soroe.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = $1", id))
}

// UserByEmail returns a user by email, compared case-insensitively.
func (db *DB) UserByEmail(ctx context.Context, email string) (*soroe.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE email = $1", NormalizeEmail(email)))
}

// CountUsers returns how many users exist (zero before first-run setup).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}

// UpdateUser saves a user's name and language.
func (db *DB) UpdateUser(ctx context.Context, u *soroe.User) error {
	if err := validUser(u); err != nil {
		return err
	}
	res, err := db.w.ExecContext(ctx, "UPDATE users SET name = $1, lang = $2 WHERE id = $3", u.Name, u.Lang, u.ID)
	return affected(res, err)
}

// SetPassword replaces a user's password hash and records when, which ends
// every session that logged in before.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string) (time.Time, error) {
	now := db.Now()
	res, err := db.w.ExecContext(ctx, "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3", hash, now, userID)
	return now, affected(res, err)
}

// affected returns ErrNotFound when an UPDATE or DELETE touched no row.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return soroe.ErrNotFound
	}
	return nil
}

// AllUsers returns every user of the installation, by ID (for the CLI).
func (db *DB) AllUsers(ctx context.Context) ([]*soroe.User, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
