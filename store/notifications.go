package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// Notify stores one notification per user in userIDs (duplicates and zero
// IDs skipped), all alike but for the user. When once is true a user who
// already has an unread notification of the same kind about the same post
// and account gets no second one (e.g. "account needs reconnecting").
//
// A notification about a post is told what it is about (see
// PostParams): the caller's params win, the post's fill the rest. When
// one of the organization's webhooks wants the kind, the event is queued
// for them in the same transaction (once, whoever it went to).
func (db *DB) Notify(ctx context.Context, n soroe.Notification, once bool, userIDs ...int64) (int, error) {
	if n.PostID != nil {
		n.Params = db.postParams(ctx, n, n.Params)
	}
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
		// The organization's webhooks hear of it once — unless everyone
		// it was for had heard already (once), and never of their own
		// failures.
		if n.Kind == soroe.NotifyWebhookFailed || (sent == 0 && len(userIDs) > 0) {
			return nil
		}
		return queueEvent(ctx, tx, n, string(params), now)
	})
	return sent, err
}

// Params that tell what a notification about a post is about, filled by
// Notify from the post and rendered in the reader's language.
const (
	ParamPost       = "Post"       // the post's first line, trimmed and shortened
	ParamPostAuthor = "PostAuthor" // the post's author's name
	ParamTemplate   = "Template"   // the 型's name
	ParamGoal       = "Goal"       // the goal's title
	ParamDue        = "Due"        // when it is scheduled (or its slot), RFC 3339 in UTC
	ParamStepName   = "StepName"   // the approval step's name ("" when unnamed)
	ParamStepNo     = "StepNo"     // the step's number, from 1
	ParamStepCount  = "StepCount"  // how many steps the approval has
)

// maxPostLine bounds the post's first line in a notification, in runes.
const maxPostLine = 60

// FirstLine is a text's first non-blank line, trimmed and cut to max
// runes (with "…").
func FirstLine(text string, max int) string {
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if r := []rune(line); len(r) > max {
			return string(r[:max-1]) + "…"
		}
		return line
	}
	return ""
}

// postParams adds what the post is about to params (keeping the caller's
// values). A post that cannot be read leaves params as they are: the
// notification still goes out.
func (db *DB) postParams(ctx context.Context, n soroe.Notification, params map[string]string) map[string]string {
	p, err := db.Post(ctx, n.OrgID, *n.PostID)
	if err != nil {
		return params
	}
	out := make(map[string]string, len(params)+8)
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	set(ParamPost, FirstLine(p.Text, maxPostLine))
	if u, err := db.User(ctx, p.AuthorID); err == nil {
		set(ParamPostAuthor, u.Name)
	}
	goalID := p.GoalID
	if p.TemplateID != nil {
		if t, err := db.Template(ctx, n.OrgID, *p.TemplateID, p.TemplateVersion); err == nil {
			set(ParamTemplate, t.Name)
			if goalID == nil {
				goalID = &t.GoalID
			}
		}
	}
	if goalID != nil {
		if g, err := db.Goal(ctx, n.OrgID, *goalID); err == nil {
			set(ParamGoal, g.Title)
		}
	}
	switch {
	case p.ScheduledAt != nil:
		set(ParamDue, p.ScheduledAt.UTC().Format(time.RFC3339))
	case p.SlotAt != nil:
		set(ParamDue, p.SlotAt.UTC().Format(time.RFC3339))
	}
	if n.Kind == soroe.NotifyReviewRequest && p.Step < len(p.Steps) {
		set(ParamStepName, p.Steps[p.Step].Name)
		set(ParamStepNo, strconv.Itoa(p.Step+1))
		set(ParamStepCount, strconv.Itoa(len(p.Steps)))
	}
	maps.Copy(out, params)
	return out
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
	rows, err := db.r.QueryContext(ctx, `SELECT `+notificationCols+`
		FROM notifications WHERE user_id = $1 AND org_id = $2 ORDER BY id DESC LIMIT $3`, userID, orgID, limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*soroe.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	return out, unread, rows.Err()
}

const notificationCols = "id, org_id, user_id, kind, post_id, account_id, params, created_at, read_at"

func scanNotification(row interface{ Scan(...any) error }) (*soroe.Notification, error) {
	var n soroe.Notification
	var post, account sql.NullInt64
	var params string
	var read sql.NullTime
	if err := row.Scan(&n.ID, &n.OrgID, &n.UserID, &n.Kind, &post, &account, &params, &n.CreatedAt, &read); err != nil {
		return nil, notFound(err)
	}
	if post.Valid {
		n.PostID = &post.Int64
	}
	if account.Valid {
		n.AccountID = &account.Int64
	}
	if err := json.Unmarshal([]byte(params), &n.Params); err != nil {
		return nil, err
	}
	n.CreatedAt, n.ReadAt = n.CreatedAt.UTC(), timePtr(read)
	return &n, nil
}

// OpenNotification marks one of a member's notifications read and returns
// it (soroe.ErrNotFound for another member's or another organization's).
func (db *DB) OpenNotification(ctx context.Context, orgID, userID, id int64) (*soroe.Notification, error) {
	if err := db.MarkNotificationsRead(ctx, orgID, userID, id); err != nil {
		return nil, err
	}
	return scanNotification(db.w.QueryRowContext(ctx, "SELECT "+notificationCols+" FROM notifications WHERE id = $1 AND user_id = $2 AND org_id = $3",
		id, userID, orgID))
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

// MarkPostNotificationsRead marks a member's unread notifications about a
// post read: opening the post is reading them, however one got there.
func (db *DB) MarkPostNotificationsRead(ctx context.Context, orgID, userID, postID int64) error {
	_, err := db.w.ExecContext(ctx, "UPDATE notifications SET read_at = $4 WHERE user_id = $1 AND org_id = $2 AND post_id = $3 AND read_at IS NULL",
		userID, orgID, postID, db.Now())
	return err
}
