package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// AuthoredPosts lists the posts whose first target went out in [from, to),
// of one author (0: every author), with their slot and how their review
// went: what a member's effort (現場の工夫) is read from.
func (db *DB) AuthoredPosts(ctx context.Context, orgID, authorID int64, from, to time.Time) ([]soroe.AuthoredPost, error) {
	args := []any{orgID, ts(from), ts(to)}
	who := ""
	if authorID != 0 {
		args = append(args, authorID)
		who = " AND p.author_id = $4"
	}
	rows, err := db.r.QueryContext(ctx, `SELECT x.id, x.author_id, x.slot_at, x.first,
			(SELECT COUNT(*) FROM post_approvals a WHERE a.post_id = x.id AND a.decision = 'approve'),
			(SELECT COUNT(*) FROM post_approvals a WHERE a.post_id = x.id AND a.decision = 'reject')
		FROM (SELECT p.id, p.author_id, p.slot_at, MIN(t.sent_at) AS first FROM post_targets t JOIN posts p ON p.id = t.post_id
			WHERE t.org_id = $1 AND t.state = 'sent' AND t.sent_at < $3`+who+`
			GROUP BY p.id, p.author_id, p.slot_at) x
		WHERE x.first >= $2 ORDER BY x.first, x.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []soroe.AuthoredPost{}
	for rows.Next() {
		var p soroe.AuthoredPost
		var slot, first sqlTime
		if err := rows.Scan(&p.PostID, &p.AuthorID, &slot, &first, &p.Approvals, &p.Rejections); err != nil {
			return nil, err
		}
		if !slot.t.IsZero() {
			p.SlotAt = &slot.t
		}
		p.SentAt = first.t
		out = append(out, p)
	}
	return out, rows.Err()
}

// Feedback is one reaction of someone else to a member's post: a comment,
// or an approver's decision with its comment.
type Feedback struct {
	PostID   int64     `json:"post_id"`
	PostText string    `json:"post_text"`
	Kind     string    `json:"kind"` // comment, approve, reject
	ByID     int64     `json:"by_id,omitempty"`
	ByName   string    `json:"by_name"` // the member's name, or the guest approver's
	Body     string    `json:"body"`
	At       time.Time `json:"at"`
}

// FeedbackOn lists the newest feedback others gave on an author's posts:
// comments, and approvals or send-backs that carry a comment.
func (db *DB) FeedbackOn(ctx context.Context, orgID, authorID int64, limit int) ([]Feedback, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	rows, err := db.r.QueryContext(ctx, `SELECT post_id, post_text, kind, by_id, by_name, body, at FROM (
			SELECT c.post_id, p.text AS post_text, 'comment' AS kind, c.author_id AS by_id, COALESCE(u.name, '') AS by_name, c.body, c.created_at AS at
			FROM post_comments c JOIN posts p ON p.id = c.post_id LEFT JOIN users u ON u.id = c.author_id
			WHERE p.org_id = $1 AND p.author_id = $2 AND c.author_id <> $2
			UNION ALL
			SELECT a.post_id, p.text, a.decision, COALESCE(a.user_id, 0), COALESCE(u.name, a.guest_name), a.comment, a.at
			FROM post_approvals a JOIN posts p ON p.id = a.post_id LEFT JOIN users u ON u.id = a.user_id
			WHERE p.org_id = $1 AND p.author_id = $2 AND a.comment <> '' AND COALESCE(a.user_id, 0) <> $2
		) f ORDER BY at DESC LIMIT $3`, orgID, authorID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Feedback{}
	for rows.Next() {
		var f Feedback
		var at sqlTime
		if err := rows.Scan(&f.PostID, &f.PostText, &f.Kind, &f.ByID, &f.ByName, &f.Body, &at); err != nil {
			return nil, err
		}
		f.At = at.t
		out = append(out, f)
	}
	return out, rows.Err()
}

// PostsWithMedia reports which of the organization's posts among ids have
// a picture or a video attached.
func (db *DB) PostsWithMedia(ctx context.Context, orgID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		args := []any{orgID}
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			marks[i] = "$" + strconv.Itoa(i+2)
		}
		rows, err := db.r.QueryContext(ctx, "SELECT DISTINCT post_id FROM post_media WHERE org_id = $1 AND post_id IN ("+strings.Join(marks, ", ")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
