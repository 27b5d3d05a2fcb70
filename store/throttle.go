package store

import (
	"context"
	"time"
)

// RecordLoginFailure notes one failed login for each key ("email:…", "ip:…").
func (db *DB) RecordLoginFailure(ctx context.Context, keys ...string) error {
	now := db.Now()
	for _, k := range keys {
		if _, err := db.w.ExecContext(ctx, "INSERT INTO login_failures (key, at) VALUES ($1, $2)", k, now); err != nil {
			return err
		}
	}
	return nil
}

// LoginFailures counts a key's failures within the last window, and returns
// the time of the oldest one counted (so callers can say when to retry).
func (db *DB) LoginFailures(ctx context.Context, key string, window time.Duration) (int, time.Time, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT at FROM login_failures WHERE key = $1 AND at > $2 ORDER BY at", key, db.Now().Add(-window))
	if err != nil {
		return 0, time.Time{}, err
	}
	defer rows.Close()
	var (
		n      int
		oldest time.Time
	)
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return 0, time.Time{}, err
		}
		if n == 0 {
			oldest = at.UTC()
		}
		n++
	}
	return n, oldest, rows.Err()
}

// ClearLoginFailures forgets a key's failures (after a successful login).
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := db.w.ExecContext(ctx, "DELETE FROM login_failures WHERE key = $1", key)
	return err
}
