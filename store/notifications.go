package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/soroe/soroe"
)

// Notify stores one notification per user in userIDs (duplicates and zero
// IDs skipped), all alike but for the user. When once is true a user who
// already has an unread notification of the same kind about the same post
// and account gets no second one (e.g. "account needs reconnecting").
func (db *DB) Notify(ctx context.Context, n soroe.Notification, once bool, userIDs ...int64) (int, error) {
	params, err := json.Marshal(n.Params)
	if err != nil {
		return 0, err
	}
	if n.Params == nil {
		params = []byte("{}")
	}
	now := db.Now()
	sent := 0
	err = db.tx(ctx, func(tx *sql.Tx) error {
		sent = 0
		seen := map[int64]bool{}
		for _, uid := range userIDs {
			if uid == 0 || seen[uid] {
				continue
			}
			seen[uid] = true
			if once {
				var dup int
				err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND org_id = $2 AND kind = $3
					AND read_at IS NULL AND COALESCE(post_id, 0) = $4 AND COALESCE(account_id, 0) = $5`,
					uid, n.OrgID, n.Kind, deref(n.PostID), deref(n.AccountID)).Scan(&dup)
				if err != nil {
					return err
				}
				if dup > 0 {
					continue
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO notifications (org_id, user_id, kind, post_id, account_id, params, created_at)
				SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM members WHERE org_id = $1 AND user_id = $2)`,
				n.OrgID, uid, n.Kind, n.PostID, n.AccountID, string(params), now)
			if err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Notifications returns a member's latest notifications in an
// organization, newest first, and how many are unread.
func (db *DB) Notifications(ctx context.Context, orgID, userID int64, limit int) ([]*soroe.Notification, int, error) {
	var unread int
	err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND org_id = $2 AND read_at IS NULL",
		userID, orgID).Scan(&unread)
	if err != nil || limit <= 0 {
		return nil, unread, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, org_id, user_id, kind, post_id, account_id, params, created_at, read_at
		FROM notifications WHERE user_id = $1 AND org_id = $2 ORDER BY id DESC LIMIT $3`, userID, orgID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*soroe.Notification
	for rows.Next() {
		var n soroe.Notification
		var post, account sql.NullInt64
		var params string
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.OrgID, &n.UserID, &n.Kind, &post, &account, &params, &n.CreatedAt, &read); err != nil {
			return nil, 0, err
		}
		if post.Valid {
			n.PostID = &post.Int64
		}
		if account.Valid {
			n.AccountID = &account.Int64
		}
		if err := json.Unmarshal([]byte(params), &n.Params); err != nil {
			return nil, 0, err
		}
		n.CreatedAt, n.ReadAt = n.CreatedAt.UTC(), timePtr(read)
		out = append(out, &n)
	}
	return out, unread, rows.Err()
}

// MarkNotificationsRead marks a member's notifications read: those in ids,
// or all of them in the organization when ids is empty.
func (db *DB) MarkNotificationsRead(ctx context.Context, orgID, userID int64, ids ...int64) error {
	now := db.Now()
	if len(ids) == 0 {
		_, err := db.w.ExecContext(ctx, "UPDATE notifications SET read_at = $3 WHERE user_id = $1 AND org_id = $2 AND read_at IS NULL", userID, orgID, now)
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE notifications SET read_at = $4 WHERE id = $3 AND user_id = $1 AND org_id = $2 AND read_at IS NULL",
				userID, orgID, id, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// MembersWithRole returns the IDs of an organization's members with any of
// the roles (e.g. the managers and owners to warn).
func (db *DB) MembersWithRole(ctx context.Context, orgID int64, roles ...soroe.Role) ([]int64, error) {
	ms, err := db.Members(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, m := range ms {
		for _, r := range roles {
			if m.Role == r {
				out = append(out, m.UserID)
				break
			}
		}
	}
	return out, nil
}
