package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// PostFilter selects posts. Zero fields select everything.
type PostFilter struct {
	OrgID      int64
	States     []string
	GoalID     int64
	TemplateID int64
	AuthorID   int64
	AccountID  int64
	Network    soroe.Network
	// From and To bound the post's time (scheduled, else slot, else
	// created) to [From, To).
	From, To time.Time
	// SlotFrom and SlotTo keep the posts that fill a planned slot (a 型
	// and a slot time) in [SlotFrom, SlotTo), wherever they are scheduled:
	// a post keeps its slot when it is moved.
	SlotFrom, SlotTo time.Time
	// NeedsDecisionBy selects posts in review whose current step this
	// member may decide (checked by the caller; this only narrows to in
	// review).
	Limit, Offset int
	// Newest orders by time descending (history); otherwise ascending
	// (calendar).
	Newest bool
}

// postTime is the time a post is shown at.
const postTime = "COALESCE(p.scheduled_at, p.slot_at, p.created_at)"

// Posts lists posts with their targets, and the total that matched.
func (db *DB) Posts(ctx context.Context, f PostFilter) ([]*soroe.Post, map[int64][]*soroe.Target, int, error) {
	where := []string{"p.org_id = $1"}
	args := []any{f.OrgID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + itoa(len(args))
	}
	if len(f.States) > 0 {
		var ph []string
		for _, s := range f.States {
			ph = append(ph, arg(s))
		}
		where = append(where, "p.state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.GoalID != 0 {
		where = append(where, "p.goal_id = "+arg(f.GoalID))
	}
	if f.TemplateID != 0 {
		where = append(where, "p.template_id = "+arg(f.TemplateID))
	}
	if f.AuthorID != 0 {
		where = append(where, "p.author_id = "+arg(f.AuthorID))
	}
	if f.AccountID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.account_id = "+arg(f.AccountID)+")")
	}
	if f.Network != "" {
		where = append(where, "EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = p.id AND t.network = "+arg(string(f.Network))+")")
	}
	if !f.From.IsZero() {
		where = append(where, postTime+" >= "+arg(ts(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, postTime+" < "+arg(ts(f.To)))
	}
	if !f.SlotFrom.IsZero() || !f.SlotTo.IsZero() {
		where = append(where, "p.template_id IS NOT NULL", "p.slot_at IS NOT NULL")
	}
	if !f.SlotFrom.IsZero() {
		where = append(where, "p.slot_at >= "+arg(ts(f.SlotFrom)))
	}
	if !f.SlotTo.IsZero() {
		where = append(where, "p.slot_at < "+arg(ts(f.SlotTo)))
	}
	w := " WHERE " + strings.Join(where, " AND ")
	var total int
	if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM posts p"+w, args...).Scan(&total); err != nil {
		return nil, nil, 0, err
	}
	order := " ORDER BY " + postTime + ", p.id"
	if f.Newest {
		order = " ORDER BY " + postTime + " DESC, p.id DESC"
	}
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 5000
	}
	cols := "p." + strings.ReplaceAll(postCols, ", ", ", p.")
	q := "SELECT " + cols + " FROM posts p" + w + order + " LIMIT " + arg(limit) + " OFFSET " + arg(max(f.Offset, 0))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, 0, err
	}
	var posts []*soroe.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, nil, 0, err
		}
		posts = append(posts, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, 0, err
	}
	targets := map[int64][]*soroe.Target{}
	for start := 0; start < len(posts); start += 500 {
		chunk := posts[start:min(start+500, len(posts))]
		ids := make([]any, len(chunk))
		for i, p := range chunk {
			ids[i] = p.ID
		}
		ts, err := db.targets(ctx, "SELECT "+targetCols+" FROM post_targets WHERE post_id IN ("+placeholders(1, len(ids))+") ORDER BY id", ids...)
		if err != nil {
			return nil, nil, 0, err
		}
		for _, t := range ts {
			targets[t.PostID] = append(targets[t.PostID], t)
		}
	}
	return posts, targets, total, nil
}

// checkCommentBody tidies a comment's body: required, at most 4,000
// characters.
func checkCommentBody(c *soroe.Comment) error {
	c.Body = strings.TrimSpace(c.Body)
	switch {
	case c.Body == "":
		return soroe.Invalid("body", "required")
	case utf8.RuneCountInString(c.Body) > 4000:
		return soroe.Invalid("body", "too_long")
	}
	return nil
}

// AddComment stores a comment on a post (a reply when ParentID is set, to
// a comment of the same post) and fills in its ID, time and author name.
func (db *DB) AddComment(ctx context.Context, orgID int64, c *soroe.Comment) error {
	if err := checkCommentBody(c); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM posts WHERE id = $1 AND org_id = $2", c.PostID, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.ErrNotFound
		}
		if c.ParentID != nil {
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM post_comments WHERE id = $1 AND post_id = $2", *c.ParentID, c.PostID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return soroe.Invalid("parent_id", "unknown_comment")
			}
		}
		c.CreatedAt = db.Now()
		if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", c.AuthorID).Scan(&c.AuthorName); err != nil {
			return notFound(err)
		}
		return tx.QueryRowContext(ctx, `INSERT INTO post_comments (post_id, parent_id, author_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.PostID, c.ParentID, c.AuthorID, c.Body, c.CreatedAt).Scan(&c.ID)
	})
}

// Comments returns a post's comments, oldest first.
func (db *DB) Comments(ctx context.Context, orgID, postID int64) ([]*soroe.Comment, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.id, c.post_id, c.parent_id, c.author_id, u.name, c.body, c.created_at
		FROM post_comments c JOIN posts p ON p.id = c.post_id JOIN users u ON u.id = c.author_id
		WHERE c.post_id = $1 AND p.org_id = $2 ORDER BY c.id`, postID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Comment
	for rows.Next() {
		var c soroe.Comment
		var parent sql.NullInt64
		if err := rows.Scan(&c.ID, &c.PostID, &parent, &c.AuthorID, &c.AuthorName, &c.Body, &c.CreatedAt); err != nil {
			return nil, err
		}
		if parent.Valid {
			c.ParentID = &parent.Int64
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, &c)
	}
	return out, rows.Err()
}

const mediaCols = "id, post_id, org_id, position, filename, content_type, bytes, sha256, alt, created_by, created_at"

// AddMedia attaches a file to a post, after its other files. The caller
// checks type and size; the store checks that the post is editable. An
// approved or scheduled post goes back to review (steps as in UpdatePost),
// and AddMedia reports whether it did.
func (db *DB) AddMedia(ctx context.Context, m *soroe.Media, data []byte, steps []soroe.ApprovalStep) (bool, error) {
	back := false
	err := db.mediaChange(ctx, m.OrgID, m.PostID, m.CreatedBy, steps, "media_added:"+m.Filename, &back, func(tx *sql.Tx, now time.Time) error {
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM post_media WHERE post_id = $1", m.PostID).Scan(&m.Position); err != nil {
			return err
		}
		return insertMedia(ctx, tx, m, data, now)
	})
	return back, err
}

// MediaUpload is an attachment to store with a new post (CreatePost).
type MediaUpload struct {
	Media *soroe.Media // Filename, ContentType and Alt; the store sets the rest
	Data  []byte
}

// insertMedia stores an attachment whose post, organization, author and
// position are set.
func insertMedia(ctx context.Context, tx *sql.Tx, m *soroe.Media, data []byte, now time.Time) error {
	sum := sha256.Sum256(data)
	m.SHA256, m.Bytes, m.CreatedAt = hex.EncodeToString(sum[:]), int64(len(data)), now
	return tx.QueryRowContext(ctx, `INSERT INTO post_media (post_id, org_id, position, filename, content_type, bytes, sha256, alt, data, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		m.PostID, m.OrgID, m.Position, m.Filename, m.ContentType, m.Bytes, m.SHA256, m.Alt, data, m.CreatedBy, now).Scan(&m.ID)
}

// DeleteMedia removes an attachment of an editable post (sending an
// approved or scheduled one back to review, like AddMedia).
func (db *DB) DeleteMedia(ctx context.Context, orgID, postID, mediaID, actorID int64, steps []soroe.ApprovalStep) (bool, error) {
	back := false
	err := db.mediaChange(ctx, orgID, postID, actorID, steps, "media_removed", &back, func(tx *sql.Tx, _ time.Time) error {
		return affected(tx.ExecContext(ctx, "DELETE FROM post_media WHERE id = $1 AND post_id = $2", mediaID, postID))
	})
	return back, err
}

func (db *DB) mediaChange(ctx context.Context, orgID, postID, actorID int64, steps []soroe.ApprovalStep, detail string, back *bool, fn func(*sql.Tx, time.Time) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		old, err := lockPost(ctx, tx, orgID, postID, now, soroe.PostDraft, soroe.PostInReview, soroe.PostApproved, soroe.PostScheduled)
		if err != nil {
			return err
		}
		if s, err := started(ctx, tx, postID); err != nil {
			return err
		} else if s {
			return ErrPostPublishing
		}
		if err := fn(tx, now); err != nil {
			return err
		}
		*back = old.State != soroe.PostDraft
		if *back {
			if len(steps) == 0 {
				return soroe.Invalid("approval_steps", "required")
			}
			stepsJ, err := stepsJSON(steps)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE posts SET state = $2, round = round + 1, steps = $3, step = 0 WHERE id = $1",
				postID, soroe.PostInReview, stepsJ); err != nil {
				return err
			}
			detail += " back_to_review"
		}
		return addEventBy(ctx, tx, postID, nil, now, EventEdited, detail, &actorID)
	})
}

// PostMedia returns a post's attachments in order, without their bytes.
func (db *DB) PostMedia(ctx context.Context, orgID, postID int64) ([]*soroe.Media, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+mediaCols+" FROM post_media WHERE post_id = $1 AND org_id = $2 ORDER BY position, id", postID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Media
	for rows.Next() {
		var m soroe.Media
		if err := rows.Scan(&m.ID, &m.PostID, &m.OrgID, &m.Position, &m.Filename, &m.ContentType, &m.Bytes, &m.SHA256, &m.Alt, &m.CreatedBy, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, &m)
	}
	return out, rows.Err()
}

// MediaData returns one attachment with its bytes. orgID 0 reads any
// organization's (for the publisher and signed public links).
func (db *DB) MediaData(ctx context.Context, orgID, id int64) (*soroe.Media, []byte, error) {
	var m soroe.Media
	var data []byte
	err := db.r.QueryRowContext(ctx, "SELECT "+mediaCols+", data FROM post_media WHERE id = $1 AND (org_id = $2 OR $2 = 0)", id, orgID).
		Scan(&m.ID, &m.PostID, &m.OrgID, &m.Position, &m.Filename, &m.ContentType, &m.Bytes, &m.SHA256, &m.Alt, &m.CreatedBy, &m.CreatedAt, &data)
	if err != nil {
		return nil, nil, notFound(err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, data, nil
}

// IdempotentReply is a stored reply to a create call with an
// Idempotency-Key; Status 0 means the first request is still running.
type IdempotentReply struct {
	Fingerprint string
	Status      int
	Body        string
}

// idempotencyTTL is how long a reply is kept.
const idempotencyTTL = 24 * time.Hour

// ReserveIdempotencyKey claims a key for a request. It returns nil when
// this request may proceed (and must then Complete or Release the key),
// or the reply already stored under the key — Status 0 while the first
// request runs.
func (db *DB) ReserveIdempotencyKey(ctx context.Context, userID, orgID int64, key, route, fingerprint string) (*IdempotentReply, error) {
	var out *IdempotentReply
	err := db.tx(ctx, func(tx *sql.Tx) error {
		out = nil
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND org_id = $2 AND key = $3 AND route = $4 AND created_at <= $5`,
			userID, orgID, key, route, now.Add(-idempotencyTTL)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, org_id, key, route, fingerprint, status, body, created_at)
			VALUES ($1, $2, $3, $4, $5, 0, '', $6) ON CONFLICT DO NOTHING`, userID, orgID, key, route, fingerprint, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var r IdempotentReply
		err = tx.QueryRowContext(ctx, `SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = $1 AND org_id = $2 AND key = $3 AND route = $4`,
			userID, orgID, key, route).Scan(&r.Fingerprint, &r.Status, &r.Body)
		out = &r
		return err
	})
	return out, err
}

// CompleteIdempotencyKey stores the reply of a request that reserved key.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, userID, orgID int64, key, route string, status int, body string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE idempotency_keys SET status = $5, body = $6 WHERE user_id = $1 AND org_id = $2 AND key = $3 AND route = $4`,
		userID, orgID, key, route, status, body)
	return err
}

// ReleaseIdempotencyKey forgets a reserved key (the request failed on the
// server's side; the client may try again with the same key).
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID, orgID int64, key, route string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND org_id = $2 AND key = $3 AND route = $4`,
		userID, orgID, key, route)
	return err
}
