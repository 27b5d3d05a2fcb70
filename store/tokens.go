package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

const tokenCols = "id, org_id, user_id, name, prefix, hash, created_at, last_used_at"

func scanToken(row interface{ Scan(...any) error }) (*soroe.Token, error) {
	var (
		t    soroe.Token
		used sql.Null[time.Time]
	)
	if err := row.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Prefix, &t.Hash, &t.CreatedAt, &used); err != nil {
		return nil, notFound(err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if used.Valid {
		u := used.V.UTC()
		t.LastUsedAt = &u
	}
	return &t, nil
}

// CreateToken makes a personal API token for a member of an organization and
// returns its secret, which is shown once and never stored.
func (db *DB) CreateToken(ctx context.Context, t *soroe.Token) (secret string, err error) {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		t.Name = "API"
	}
	if len([]rune(t.Name)) > 100 {
		return "", soroe.Invalid("name", "too_long")
	}
	if _, err := db.Member(ctx, t.OrgID, t.UserID); err != nil {
		return "", err
	}
	secret, t.Hash = soroe.NewSecret(soroe.TokenPrefix)
	t.Prefix = secret[:len(soroe.TokenPrefix)+6]
	t.CreatedAt = db.Now()
	err = db.w.QueryRowContext(ctx, `INSERT INTO api_tokens (org_id, user_id, name, prefix, hash, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.OrgID, t.UserID, t.Name, t.Prefix, t.Hash, t.CreatedAt).Scan(&t.ID)
	return secret, err
}

// TokenBySecret finds a token by its secret and records its use (at most once
// a minute, to keep reads cheap).
func (db *DB) TokenBySecret(ctx context.Context, secret string) (*soroe.Token, error) {
	t, err := scanToken(db.r.QueryRowContext(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE hash = $1", soroe.HashSecret(secret)))
	if err != nil {
		return nil, err
	}
	now := db.Now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
		if _, err := db.w.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now, t.ID); err != nil {
			return nil, err
		}
		t.LastUsedAt = &now
	}
	return t, nil
}

// Tokens lists a user's tokens in one organization, newest first.
func (db *DB) Tokens(ctx context.Context, orgID, userID int64) ([]*soroe.Token, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE org_id = $1 AND user_id = $2 ORDER BY id DESC", orgID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes one of a user's tokens in an organization.
func (db *DB) RevokeToken(ctx context.Context, orgID, userID, id int64) error {
	res, err := db.w.ExecContext(ctx, "DELETE FROM api_tokens WHERE org_id = $1 AND user_id = $2 AND id = $3", orgID, userID, id)
	return affected(res, err)
}
