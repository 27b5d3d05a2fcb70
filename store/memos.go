package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// SetPostMemo writes the 工夫メモ of a post of the organization, replacing
// the one it had; an empty body removes it (and returns nil, nil).
func (db *DB) SetPostMemo(ctx context.Context, orgID, postID, by int64, body string) (*soroe.Memo, error) {
	body = strings.TrimSpace(body)
	if utf8.RuneCountInString(body) > soroe.MaxMemoRunes {
		return nil, soroe.Invalid("memo", "too_long")
	}
	var out *soroe.Memo
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM posts WHERE id = $1 AND org_id = $2", postID, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.ErrNotFound
		}
		if body == "" {
			_, err := tx.ExecContext(ctx, "DELETE FROM post_memos WHERE post_id = $1", postID)
			return err
		}
		m := &soroe.Memo{PostID: postID, Body: body, UpdatedBy: by, UpdatedAt: db.Now()}
		if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", by).Scan(&m.UpdatedByName); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_memos (post_id, org_id, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (post_id) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			postID, orgID, body, by, m.UpdatedAt); err != nil {
			return err
		}
		out = m
		return nil
	})
	return out, err
}

// PostMemo reads a post's 工夫メモ; ErrNotFound when it has none.
func (db *DB) PostMemo(ctx context.Context, orgID, postID int64) (*soroe.Memo, error) {
	ms, err := db.PostMemos(ctx, orgID, []int64{postID})
	if err != nil {
		return nil, err
	}
	if m := ms[postID]; m != nil {
		return m, nil
	}
	return nil, soroe.ErrNotFound
}

// PostMemos reads the 工夫メモ of the organization's posts among ids, by
// post (posts without one are absent).
func (db *DB) PostMemos(ctx context.Context, orgID int64, ids []int64) (map[int64]*soroe.Memo, error) {
	out := map[int64]*soroe.Memo{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := []any{orgID}
		var ph []string
		for _, id := range chunk {
			args = append(args, id)
			ph = append(ph, "$"+itoa(len(args)))
		}
		rows, err := db.r.QueryContext(ctx, `SELECT m.post_id, m.body, m.updated_by, u.name, m.updated_at
			FROM post_memos m JOIN users u ON u.id = m.updated_by
			WHERE m.org_id = $1 AND m.post_id IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m soroe.Memo
			if err := rows.Scan(&m.PostID, &m.Body, &m.UpdatedBy, &m.UpdatedByName, &m.UpdatedAt); err != nil {
				rows.Close()
				return nil, err
			}
			m.UpdatedAt = m.UpdatedAt.UTC()
			out[m.PostID] = &m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
