package store

import (
	"context"
	"database/sql"
	"time"
)

// Sessions is the web session store (it implements scs.CtxStore). scs hashes
// session tokens before they reach it. scs sets expiry times from the wall
// clock, so this store compares them with the wall clock too, not with the
// store's (injectable) clock.
type Sessions struct{ db *DB }

// wallNow is the wall clock that session expiry is measured against.
func wallNow() time.Time { return ts(time.Now()) }

// Sessions returns the session store.
func (db *DB) Sessions() *Sessions { return &Sessions{db} }

// FindCtx returns a live session's data.
func (s *Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.r.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = $1 AND expiry > $2", token, wallNow()).Scan(&b)
	if err != nil {
		if notFound(err) != err {
			return nil, false, nil
		}
		return nil, false, err
	}
	return b, true, nil
}

// CommitCtx saves a session.
func (s *Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.db.w.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, ts(expiry))
	return err
}

// DeleteCtx deletes a session.
func (s *Sessions) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.w.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx variants.
func (s *Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (s *Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (s *Sessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// CleanUp deletes expired sessions (by the wall clock, like scs) and login
// failures older than keep (by the store's clock); it returns how many rows
// went. The periodic clean-up job calls it.
func (db *DB) CleanUp(ctx context.Context, keep time.Duration) (int64, error) {
	now := db.Now()
	var n int64
	// One transaction: both deletions become visible together.
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= $1", wallNow())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		res, err = tx.ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", now.Add(-keep))
		if err != nil {
			return err
		}
		m, _ := res.RowsAffected()
		n += m
		return nil
	})
	return n, err
}

// CountSessions returns how many sessions are stored, expired or not.
func (db *DB) CountSessions(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions").Scan(&n)
	return n, err
}
