package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// Post workflow events.
const (
	EventEdited       = "edited"        // content changed (detail: "back_to_review" when it left approval)
	EventSubmitted    = "submitted"     // draft → in review (detail: the round)
	EventStepApproved = "step_approved" // one approval of a step (detail: the comment)
	EventApproved     = "approved"      // every step done
	EventRejected     = "rejected"      // 差し戻し (detail: the comment)
	EventScheduled    = "scheduled"     // approved → scheduled (detail: the time, RFC 3339)
	EventRescheduled  = "rescheduled"   // the time changed (detail: the new time, or "" when cleared)
	EventUnscheduled  = "unscheduled"   // scheduled → approved
	EventGuestLink    = "guest_link"    // a guest approver's link was issued (detail: the guest's email)
	EventRecordedURL  = "recorded_by_hand"
)

// ErrPostState is returned when a post is not in a state that allows the
// change (someone else changed it first, or it is already publishing).
var ErrPostState = &soroe.Error{Code: soroe.EConflict, Message: "post_state_changed"}

// ErrPostPublishing is returned for a change of a post whose targets have
// already gone to a network.
var ErrPostPublishing = &soroe.Error{Code: soroe.EConflict, Message: "post_publishing"}

// lockPost takes a post's row for the rest of tx (PostgreSQL row lock;
// SQLite has one writer) if it is in one of states, and returns it.
func lockPost(ctx context.Context, tx *sql.Tx, orgID, id int64, now time.Time, states ...string) (*soroe.Post, error) {
	q := "UPDATE posts SET updated_at = $3 WHERE id = $1 AND org_id = $2"
	args := []any{id, orgID, now}
	if len(states) > 0 {
		q += " AND state IN (" + placeholders(len(args)+1, len(states)) + ")"
		for _, s := range states {
			args = append(args, s)
		}
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM posts WHERE id = $1 AND org_id = $2", id, orgID).Scan(&exists); err != nil {
			return nil, err
		}
		if exists == 0 {
			return nil, soroe.ErrNotFound
		}
		return nil, ErrPostState
	}
	return scanPost(tx.QueryRowContext(ctx, "SELECT "+postCols+" FROM posts WHERE id = $1", id))
}

// placeholders returns "$from, $from+1, …" n times.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$")
		b.WriteString(itoa(from + i))
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

// started reports whether any target of a post has gone to a network.
func started(ctx context.Context, tx *sql.Tx, postID int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM post_targets WHERE post_id = $1 AND (attempts > 0 OR state <> 'queued')", postID).Scan(&n)
	return n > 0, err
}

// UpdatePost saves a post's content — goal, 型, text, link, times — and its
// targets: targets of accounts still listed keep their idempotency key and
// take the new text; others are removed; new accounts get new targets. A
// post in review, approved or scheduled goes back to review in a new round
// with steps (frozen anew): an edit needs approval again. It refuses a
// post whose targets have gone to a network. It reports whether the post
// went back to review.
func (db *DB) UpdatePost(ctx context.Context, p *soroe.Post, targets []*soroe.Target, steps []soroe.ApprovalStep, actorID int64) (bool, error) {
	if err := p.Validate(); err != nil {
		return false, err
	}
	if err := checkTargets(targets); err != nil {
		return false, err
	}
	stepsJ, err := stepsJSON(steps)
	if err != nil {
		return false, err
	}
	back := false
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		old, err := lockPost(ctx, tx, p.OrgID, p.ID, now, soroe.PostDraft, soroe.PostInReview, soroe.PostApproved, soroe.PostScheduled)
		if err != nil {
			return err
		}
		if s, err := started(ctx, tx, p.ID); err != nil {
			return err
		} else if s {
			return ErrPostPublishing
		}
		if len(targets) == 0 && old.State != soroe.PostDraft {
			return soroe.Invalid("accounts", "required")
		}
		state, round, step := old.State, old.Round, old.Step
		back = old.State != soroe.PostDraft
		if back && len(steps) == 0 {
			return soroe.Invalid("approval_steps", "required")
		}
		if back {
			state, round, step = soroe.PostInReview, old.Round+1, 0
		} else {
			stepsJ = "" // a draft's steps are frozen when it is submitted
		}
		if p.ScheduledAt != nil {
			at := ts(*p.ScheduledAt)
			p.ScheduledAt = &at
		}
		if p.SlotAt != nil {
			at := ts(*p.SlotAt)
			p.SlotAt = &at
		}
		_, err = tx.ExecContext(ctx, `UPDATE posts SET goal_id = $2, template_id = $3, template_version = $4, scheduled_at = $5, link = $6,
			text = $7, slot_at = $8, state = $9, round = $10, steps = $11, step = $12, updated_at = $13 WHERE id = $1`,
			p.ID, p.GoalID, p.TemplateID, p.TemplateVersion, p.ScheduledAt, p.Link, p.Text, p.SlotAt, state, round, stepsJ, step, now)
		if err != nil {
			return err
		}
		due := now
		if p.ScheduledAt != nil {
			due = *p.ScheduledAt
		}
		var keep []any
		for _, t := range targets {
			res, err := tx.ExecContext(ctx, "UPDATE post_targets SET text = $3, next_attempt_at = $4 WHERE post_id = $1 AND account_id = $2",
				p.ID, t.AccountID, t.Text, due)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				if err := insertTarget(ctx, tx, p, t, due); err != nil {
					return err
				}
			}
			keep = append(keep, t.AccountID)
		}
		q := "DELETE FROM post_targets WHERE post_id = $1"
		if len(keep) > 0 {
			q += " AND account_id NOT IN (" + placeholders(2, len(keep)) + ")"
		}
		if _, err := tx.ExecContext(ctx, q, append([]any{p.ID}, keep...)...); err != nil {
			return err
		}
		detail := ""
		if back {
			detail = "back_to_review"
		}
		p.State, p.Round, p.Step, p.UpdatedAt = state, round, step, now
		if back {
			p.Steps = steps
		}
		return addEventBy(ctx, tx, p.ID, nil, now, EventEdited, detail, &actorID)
	})
	return back, err
}

func checkTargets(targets []*soroe.Target) error {
	seen := map[int64]bool{}
	for _, t := range targets {
		if seen[t.AccountID] {
			return soroe.Invalid("accounts", "duplicate_account")
		}
		seen[t.AccountID] = true
		if strings.TrimSpace(t.Text) == "" {
			return soroe.Invalid("text", "required")
		}
		if utf8.RuneCountInString(t.Text) > maxTargetText {
			return soroe.Invalid("text", "too_long")
		}
	}
	return nil
}

// SubmitPost sends a draft to review: a new round, with the approval steps
// frozen as they are now.
func (db *DB) SubmitPost(ctx context.Context, orgID, id int64, steps []soroe.ApprovalStep, actorID int64) (*soroe.Post, error) {
	if len(steps) == 0 {
		return nil, soroe.Invalid("approval_steps", "required")
	}
	stepsJ, err := stepsJSON(steps)
	if err != nil {
		return nil, err
	}
	var p *soroe.Post
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		old, err := lockPost(ctx, tx, orgID, id, now, soroe.PostDraft)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM post_targets WHERE post_id = $1", id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.Invalid("accounts", "required")
		}
		_, err = tx.ExecContext(ctx, "UPDATE posts SET state = $2, round = $3, steps = $4, step = 0 WHERE id = $1",
			id, soroe.PostInReview, old.Round+1, stepsJ)
		if err != nil {
			return err
		}
		if err := addEventBy(ctx, tx, id, nil, now, EventSubmitted, itoa(old.Round+1), &actorID); err != nil {
			return err
		}
		p, err = scanPost(tx.QueryRowContext(ctx, "SELECT "+postCols+" FROM posts WHERE id = $1", id))
		return err
	})
	return p, err
}

// Decision is one approver's decision on the step a post waits at.
type Decision struct {
	Round    int // the round the approver saw; a stale one is refused
	Step     int
	UserID   int64 // a member, or 0 for a guest
	Guest    soroe.Guest
	Decision string // soroe.DecisionApprove or soroe.DecisionReject
	Comment  string
}

// DecidePost records a decision on the step a post in review waits at.
// The decider must be allowed to decide it (a member among the step's
// approvers, or a guest the step names). A rejection sends the post back
// to its author as a draft (差し戻し); an approval that completes the last
// step makes it approved — or scheduled, when it has a time still to come.
// It returns the post after the decision.
func (db *DB) DecidePost(ctx context.Context, orgID, id int64, d Decision) (*soroe.Post, error) {
	if d.Decision != soroe.DecisionApprove && d.Decision != soroe.DecisionReject {
		return nil, soroe.Invalid("decision", "unknown_decision")
	}
	d.Comment = strings.TrimSpace(d.Comment)
	if d.Decision == soroe.DecisionReject && d.Comment == "" {
		return nil, soroe.Invalid("comment", "required")
	}
	if utf8.RuneCountInString(d.Comment) > 4000 {
		return nil, soroe.Invalid("comment", "too_long")
	}
	members, err := db.Members(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out *soroe.Post
	err = db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		p, err := lockPost(ctx, tx, orgID, id, now, soroe.PostInReview)
		if err != nil {
			return err
		}
		if p.Round != d.Round || p.Step != d.Step {
			return ErrPostState
		}
		var actor *int64
		name := d.Guest.Name
		if d.UserID != 0 {
			if !soroe.MayDecide(p.Steps, p.Step, members, d.UserID) {
				return &soroe.Error{Code: soroe.EForbidden, Message: "not_an_approver"}
			}
			actor, name = &d.UserID, ""
		} else if d.Step >= len(p.Steps) || !slices.ContainsFunc(p.Steps[d.Step].Guests, func(g soroe.Guest) bool { return g.Email == d.Guest.Email }) {
			return &soroe.Error{Code: soroe.EForbidden, Message: "not_an_approver"}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO post_approvals (post_id, round, step, user_id, guest_email, guest_name, decision, comment, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, p.Round, p.Step, actor, d.Guest.Email, d.Guest.Name, d.Decision, d.Comment, now)
		if err != nil {
			return err
		}
		if d.Decision == soroe.DecisionReject {
			if _, err := tx.ExecContext(ctx, "UPDATE posts SET state = $2, step = 0 WHERE id = $1", id, soroe.PostDraft); err != nil {
				return err
			}
			if err := addEventBy(ctx, tx, id, nil, now, EventRejected, d.Comment, actor, name); err != nil {
				return err
			}
		} else {
			if err := addEventBy(ctx, tx, id, nil, now, EventStepApproved, d.Comment, actor, name); err != nil {
				return err
			}
			approvals, err := approvalsTx(ctx, tx, id, p.Round)
			if err != nil {
				return err
			}
			_, current := soroe.Progress(p.Steps, members, approvals)
			state := soroe.PostInReview
			if current >= len(p.Steps) {
				state = soroe.PostApproved
				if p.ScheduledAt != nil && p.ScheduledAt.After(now) {
					state = soroe.PostScheduled
				}
			}
			if _, err := tx.ExecContext(ctx, "UPDATE posts SET state = $2, step = $3 WHERE id = $1", id, state, min(current, len(p.Steps))); err != nil {
				return err
			}
			if state != soroe.PostInReview {
				if err := addEventBy(ctx, tx, id, nil, now, EventApproved, "", actor, name); err != nil {
					return err
				}
			}
			if state == soroe.PostScheduled {
				if err := addEventBy(ctx, tx, id, nil, now, EventScheduled, p.ScheduledAt.Format(time.RFC3339), actor, name); err != nil {
					return err
				}
			}
		}
		out, err = scanPost(tx.QueryRowContext(ctx, "SELECT "+postCols+" FROM posts WHERE id = $1", id))
		return err
	})
	return out, err
}

func approvalsTx(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, postID int64, round int) ([]*soroe.Approval, error) {
	query := `SELECT id, post_id, round, step, user_id, guest_email, guest_name, decision, comment, at FROM post_approvals
		WHERE post_id = $1`
	args := []any{postID}
	if round > 0 {
		query += " AND round = $2"
		args = append(args, round)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Approval
	for rows.Next() {
		var a soroe.Approval
		var uid sql.NullInt64
		if err := rows.Scan(&a.ID, &a.PostID, &a.Round, &a.Step, &uid, &a.GuestEmail, &a.GuestName, &a.Decision, &a.Comment, &a.At); err != nil {
			return nil, err
		}
		if uid.Valid {
			a.UserID = &uid.Int64
		}
		a.At = a.At.UTC()
		out = append(out, &a)
	}
	return out, rows.Err()
}

// Approvals returns a post's decisions, of one round (round > 0) or all.
func (db *DB) Approvals(ctx context.Context, orgID, postID int64, round int) ([]*soroe.Approval, error) {
	if _, err := db.Post(ctx, orgID, postID); err != nil {
		return nil, err
	}
	return approvalsTx(ctx, db.r, postID, round)
}

// SchedulePost sets an approved or scheduled post to go out at at: it
// becomes scheduled and its targets are due then. Nothing of it may have
// gone to a network yet.
func (db *DB) SchedulePost(ctx context.Context, orgID, id int64, at time.Time, actorID int64) error {
	at = ts(at)
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		old, err := lockPost(ctx, tx, orgID, id, now, soroe.PostApproved, soroe.PostScheduled)
		if err != nil {
			return err
		}
		if s, err := started(ctx, tx, id); err != nil {
			return err
		} else if s {
			return ErrPostPublishing
		}
		if _, err := tx.ExecContext(ctx, "UPDATE posts SET state = $2, scheduled_at = $3 WHERE id = $1", id, soroe.PostScheduled, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE post_targets SET next_attempt_at = $2 WHERE post_id = $1 AND state = 'queued'", id, at); err != nil {
			return err
		}
		kind := EventScheduled
		if old.State == soroe.PostScheduled {
			kind = EventRescheduled
		}
		return addEventBy(ctx, tx, id, nil, now, kind, at.Format(time.RFC3339), &actorID)
	})
}

// ReschedulePost changes the planned time of a post that has not gone to
// a network, in any state before publishing, without changing its state
// (moving a draft on the calendar, or a scheduled post to another time).
// A nil at clears the time (a scheduled post cannot lose it).
func (db *DB) ReschedulePost(ctx context.Context, orgID, id int64, at *time.Time, actorID int64) error {
	if at != nil {
		t := ts(*at)
		at = &t
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		old, err := lockPost(ctx, tx, orgID, id, now, soroe.PostDraft, soroe.PostInReview, soroe.PostApproved, soroe.PostScheduled)
		if err != nil {
			return err
		}
		if old.State == soroe.PostScheduled && at == nil {
			return soroe.Invalid("scheduled_at", "required")
		}
		if s, err := started(ctx, tx, id); err != nil {
			return err
		} else if s {
			return ErrPostPublishing
		}
		if _, err := tx.ExecContext(ctx, "UPDATE posts SET scheduled_at = $2 WHERE id = $1", id, at); err != nil {
			return err
		}
		due := now
		detail := ""
		if at != nil {
			due, detail = *at, at.Format(time.RFC3339)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE post_targets SET next_attempt_at = $2 WHERE post_id = $1 AND state = 'queued'", id, due); err != nil {
			return err
		}
		return addEventBy(ctx, tx, id, nil, now, EventRescheduled, detail, &actorID)
	})
}

// UnschedulePost takes a scheduled post off the schedule (back to
// approved) while nothing of it has gone to a network.
func (db *DB) UnschedulePost(ctx context.Context, orgID, id int64, actorID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if _, err := lockPost(ctx, tx, orgID, id, now, soroe.PostScheduled); err != nil {
			return err
		}
		if s, err := started(ctx, tx, id); err != nil {
			return err
		} else if s {
			return ErrPostPublishing
		}
		if _, err := tx.ExecContext(ctx, "UPDATE posts SET state = $2 WHERE id = $1", id, soroe.PostApproved); err != nil {
			return err
		}
		return addEventBy(ctx, tx, id, nil, now, EventUnscheduled, "", &actorID)
	})
}

// DeletePost deletes a post nothing of which has gone to a network.
func (db *DB) DeletePost(ctx context.Context, orgID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := lockPost(ctx, tx, orgID, id, db.Now()); err != nil {
			return err
		}
		if s, err := started(ctx, tx, id); err != nil {
			return err
		} else if s {
			return ErrPostPublishing
		}
		for _, q := range []string{"DELETE FROM post_targets WHERE post_id = $1", "DELETE FROM posts WHERE id = $1"} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddPostEvent writes a history line by a member or a guest (e.g. a guest
// approver's link was issued).
func (db *DB) AddPostEvent(ctx context.Context, orgID, postID int64, kind, detail string, actorID *int64, actorName string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM posts WHERE id = $1 AND org_id = $2", postID, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.ErrNotFound
		}
		return addEventBy(ctx, tx, postID, nil, db.Now(), kind, detail, actorID, actorName)
	})
}
