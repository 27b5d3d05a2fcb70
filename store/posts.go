package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/soroe/soroe"
)

// ErrTargetState is returned by a target transition whose target is no
// longer in a state it may leave that way (another worker got there
// first, or the target is already final). Nothing was changed.
var ErrTargetState = &soroe.Error{Code: soroe.EConflict, Message: "target_state_changed"}

// Post event kinds written by the store.
const (
	EventCreated     = "created"
	EventClaimed     = "attempt"
	EventSent        = "sent"
	EventRetry       = "retry"
	EventFailed      = "failed"
	EventUnconfirmed = "unconfirmed"
	EventRequeued    = "requeued"
	EventNote        = "note"
	EventPublished   = "published"
)

// maxTargetText bounds a target's text (the longest network allows far less).
const maxTargetText = 100_000

const postCols = "id, org_id, goal_id, template_id, template_version, author_id, state, scheduled_at, link, text, round, steps, step, slot_at, created_at, updated_at"

func scanPost(row interface{ Scan(...any) error }) (*soroe.Post, error) {
	var p soroe.Post
	var goal, tpl sql.NullInt64
	var at, slot sql.NullTime
	var steps string
	err := row.Scan(&p.ID, &p.OrgID, &goal, &tpl, &p.TemplateVersion, &p.AuthorID, &p.State, &at, &p.Link,
		&p.Text, &p.Round, &steps, &p.Step, &slot, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	if steps != "" {
		if err := json.Unmarshal([]byte(steps), &p.Steps); err != nil {
			return nil, fmt.Errorf("post %d: approval steps: %w", p.ID, err)
		}
	}
	p.SlotAt = timePtr(slot)
	if goal.Valid {
		p.GoalID = &goal.Int64
	}
	if tpl.Valid {
		p.TemplateID = &tpl.Int64
	}
	p.ScheduledAt = timePtr(at)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

const targetCols = `id, post_id, org_id, account_id, network, text, state, attempts, next_attempt_at, idempotency_key,
	first_attempt_at, last_attempt_at, remote_id, url, last_error, sent_at`

func scanTarget(row interface{ Scan(...any) error }) (*soroe.Target, error) {
	var t soroe.Target
	var first, last, sent sql.NullTime
	err := row.Scan(&t.ID, &t.PostID, &t.OrgID, &t.AccountID, &t.Network, &t.Text, &t.State, &t.Attempts, &t.NextAttemptAt,
		&t.IdempotencyKey, &first, &last, &t.RemoteID, &t.URL, &t.LastError, &sent)
	if err != nil {
		return nil, notFound(err)
	}
	t.NextAttemptAt = t.NextAttemptAt.UTC()
	t.FirstAttemptAt, t.LastAttemptAt, t.SentAt = timePtr(first), timePtr(last), timePtr(sent)
	return &t, nil
}

// CreatePost stores a post and its targets, one per account, each queued
// with a fresh random idempotency key and due at the post's scheduled time
// (now when it has none). Each target needs AccountID and Text; the
// accounts must belong to the post's organization. It fills in the IDs
// and the fields the store sets, and writes a "created" event. Attachments
// chosen with the first draft are stored with it, in the same transaction,
// in their order (the caller checks type and size, as for AddMedia).
func (db *DB) CreatePost(ctx context.Context, p *soroe.Post, targets []*soroe.Target, media ...MediaUpload) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if len(targets) == 0 && p.State != soroe.PostDraft {
		return soroe.Invalid("accounts", "required")
	}
	steps, err := stepsJSON(p.Steps)
	if err != nil {
		return err
	}
	now := db.Now()
	p.CreatedAt, p.UpdatedAt = now, now
	if p.ScheduledAt != nil {
		at := ts(*p.ScheduledAt)
		p.ScheduledAt = &at
	}
	due := now
	if p.ScheduledAt != nil {
		due = *p.ScheduledAt
	}
	if err := checkTargets(targets); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if p.SlotAt != nil {
			at := ts(*p.SlotAt)
			p.SlotAt = &at
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO posts (org_id, goal_id, template_id, template_version, author_id, state, scheduled_at, link,
				text, round, steps, step, slot_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			p.OrgID, p.GoalID, p.TemplateID, p.TemplateVersion, p.AuthorID, p.State, p.ScheduledAt, p.Link,
			p.Text, p.Round, steps, p.Step, p.SlotAt, now).Scan(&p.ID)
		if err != nil {
			return err
		}
		for _, t := range targets {
			if err := insertTarget(ctx, tx, p, t, due); err != nil {
				return err
			}
		}
		for i, u := range media {
			u.Media.PostID, u.Media.OrgID, u.Media.CreatedBy, u.Media.Position = p.ID, p.OrgID, p.AuthorID, i+1
			if err := insertMedia(ctx, tx, u.Media, u.Data, now); err != nil {
				return err
			}
		}
		return addEventBy(ctx, tx, p.ID, nil, now, EventCreated, p.State, &p.AuthorID)
	})
}

// insertTarget adds a queued target to p, due at due, with a fresh random
// idempotency key; the account must be p's organization's.
func insertTarget(ctx context.Context, tx *sql.Tx, p *soroe.Post, t *soroe.Target, due time.Time) error {
	err := tx.QueryRowContext(ctx, "SELECT network FROM accounts WHERE id = $1 AND org_id = $2", t.AccountID, p.OrgID).Scan(&t.Network)
	if errors.Is(err, sql.ErrNoRows) {
		return soroe.Invalid("accounts", "unknown_account")
	} else if err != nil {
		return err
	}
	t.PostID, t.OrgID, t.State, t.Attempts, t.NextAttemptAt = p.ID, p.OrgID, soroe.TargetQueued, 0, due
	t.IdempotencyKey = rand.Text()
	t.FirstAttemptAt, t.LastAttemptAt, t.SentAt, t.RemoteID, t.URL, t.LastError = nil, nil, nil, "", "", ""
	return tx.QueryRowContext(ctx, `INSERT INTO post_targets (post_id, org_id, account_id, network, text, state, next_attempt_at, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		t.PostID, t.OrgID, t.AccountID, t.Network, t.Text, t.State, t.NextAttemptAt, t.IdempotencyKey).Scan(&t.ID)
}

func stepsJSON(steps []soroe.ApprovalStep) (string, error) {
	if len(steps) == 0 {
		return "", nil
	}
	b, err := json.Marshal(steps)
	return string(b), err
}

func addEvent(ctx context.Context, tx *sql.Tx, postID int64, targetID *int64, at time.Time, kind, detail string) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO post_events (post_id, target_id, at, kind, detail) VALUES ($1, $2, $3, $4, $5)",
		postID, targetID, at, kind, detail)
	return err
}

// addEventBy writes an event done by a member (actorID) or, when actorID
// is nil and actorName set, by a guest.
func addEventBy(ctx context.Context, tx *sql.Tx, postID int64, targetID *int64, at time.Time, kind, detail string, actorID *int64, actorName ...string) error {
	name := ""
	if len(actorName) > 0 {
		name = actorName[0]
	}
	if actorID != nil && name == "" {
		if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", *actorID).Scan(&name); err != nil {
			return notFound(err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO post_events (post_id, target_id, at, kind, detail, actor_id, actor_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, postID, targetID, at, kind, detail, actorID, name)
	return err
}

// Post returns one of an organization's posts.
func (db *DB) Post(ctx context.Context, orgID, id int64) (*soroe.Post, error) {
	return scanPost(db.r.QueryRowContext(ctx, "SELECT "+postCols+" FROM posts WHERE id = $1 AND org_id = $2", id, orgID))
}

// Target returns one target, of any organization (for the publisher).
func (db *DB) Target(ctx context.Context, id int64) (*soroe.Target, error) {
	return scanTarget(db.r.QueryRowContext(ctx, "SELECT "+targetCols+" FROM post_targets WHERE id = $1", id))
}

// Targets returns a post's targets.
func (db *DB) Targets(ctx context.Context, orgID, postID int64) ([]*soroe.Target, error) {
	return db.targets(ctx, "SELECT "+targetCols+" FROM post_targets WHERE post_id = $1 AND org_id = $2 ORDER BY id", postID, orgID)
}

func (db *DB) targets(ctx context.Context, q string, args ...any) ([]*soroe.Target, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PostEvents returns a post's history, oldest first.
func (db *DB) PostEvents(ctx context.Context, orgID, postID int64) ([]*soroe.PostEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, e.post_id, e.target_id, e.at, e.kind, e.detail, e.actor_id, e.actor_name FROM post_events e
		JOIN posts p ON p.id = e.post_id WHERE e.post_id = $1 AND p.org_id = $2 ORDER BY e.id`, postID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.PostEvent
	for rows.Next() {
		var e soroe.PostEvent
		var tid, actor sql.NullInt64
		if err := rows.Scan(&e.ID, &e.PostID, &tid, &e.At, &e.Kind, &e.Detail, &actor, &e.ActorName); err != nil {
			return nil, err
		}
		if actor.Valid {
			e.ActorID = &actor.Int64
		}
		if tid.Valid {
			e.TargetID = &tid.Int64
		}
		e.At = e.At.UTC()
		out = append(out, &e)
	}
	return out, rows.Err()
}

// DueTargets returns the IDs of up to limit targets to publish now: queued,
// of a scheduled post whose time has come, and not waiting for a retry.
func (db *DB) DueTargets(ctx context.Context, limit int) ([]int64, error) {
	now := db.Now()
	return db.ids(ctx, `SELECT t.id FROM post_targets t JOIN posts p ON p.id = t.post_id
		WHERE t.state = $1 AND p.state = $2 AND p.scheduled_at <= $3 AND t.next_attempt_at <= $3
		ORDER BY t.next_attempt_at, t.id LIMIT $4`, soroe.TargetQueued, soroe.PostScheduled, now, limit)
}

// UnconfirmedTargets returns up to limit targets whose outcome is unknown,
// those checked longest ago first.
func (db *DB) UnconfirmedTargets(ctx context.Context, limit int) ([]*soroe.Target, error) {
	return db.targets(ctx, "SELECT "+targetCols+" FROM post_targets WHERE state = $1 ORDER BY last_attempt_at, id LIMIT $2",
		soroe.TargetUnconfirmed, limit)
}

// transition runs one guarded UPDATE of a target (its WHERE names the
// states it may leave; $1 is the target's ID) and, when it changed the
// row, writes the event and settles the post; ErrTargetState otherwise.
func (db *DB) transition(ctx context.Context, id int64, kind, detail string, query string, args ...any) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var postID int64
		err := tx.QueryRowContext(ctx, query+" RETURNING post_id", append([]any{id}, args...)...).Scan(&postID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTargetState
		} else if err != nil {
			return err
		}
		now := db.Now()
		if err := addEvent(ctx, tx, postID, &id, now, kind, detail); err != nil {
			return err
		}
		return settlePost(ctx, tx, postID, now)
	})
}

// settlePost marks a scheduled post published once every target is sent,
// or failed once every target is settled and one failed.
func settlePost(ctx context.Context, tx *sql.Tx, postID int64, now time.Time) error {
	var open, failed int
	err := tx.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN state NOT IN ('sent', 'failed') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0)
		FROM post_targets WHERE post_id = $1`, postID).Scan(&open, &failed)
	if err != nil || open > 0 {
		return err
	}
	state := soroe.PostPublished
	if failed > 0 {
		state = soroe.PostFailed
	}
	res, err := tx.ExecContext(ctx, "UPDATE posts SET state = $2, updated_at = $3 WHERE id = $1 AND state = $4",
		postID, state, now, soroe.PostScheduled)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return addEvent(ctx, tx, postID, nil, now, EventPublished, state)
	}
	return nil
}

// ClaimTarget records an attempt before the network is called: a queued
// target of a scheduled post becomes sending, with one more attempt and a
// lease until now+lease. It reports whether this caller claimed it; of two
// callers, exactly one does.
func (db *DB) ClaimTarget(ctx context.Context, id int64, lease time.Duration) (bool, error) {
	now := db.Now()
	err := db.transition(ctx, id, EventClaimed, "", `UPDATE post_targets
		SET state = 'sending', attempts = attempts + 1, lease_until = $2, last_attempt_at = $3,
			first_attempt_at = COALESCE(first_attempt_at, $3)
		WHERE id = $1 AND state = 'queued'
			AND EXISTS (SELECT 1 FROM posts p WHERE p.id = post_targets.post_id AND p.state = 'scheduled')`,
		now.Add(lease), now)
	if errors.Is(err, ErrTargetState) {
		return false, nil
	}
	return err == nil, err
}

// MarkSent records where a target landed. It is final: only a sending
// target (or an unconfirmed one found on the network) becomes sent.
func (db *DB) MarkSent(ctx context.Context, id int64, remoteID, url string) error {
	// The first metrics pull is due PullAges[0] after publishing.
	now := db.Now()
	return db.transition(ctx, id, EventSent, url, `UPDATE post_targets
		SET state = 'sent', remote_id = $2, url = $3, sent_at = $4, lease_until = NULL, last_error = '',
			metrics_next_at = $5
		WHERE id = $1 AND state IN ('sending', 'unconfirmed')`, remoteID, url, now, ts(now.Add(soroe.PullAges[0])))
}

// MarkRetry puts a sending target back in the queue, due at next: the
// network refused it for now (rate limit, 5xx before the post was made).
func (db *DB) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return db.transition(ctx, id, EventRetry, reason, `UPDATE post_targets
		SET state = 'queued', next_attempt_at = $2, last_error = $3, lease_until = NULL
		WHERE id = $1 AND state = 'sending'`, ts(next), reason)
}

// MarkFailed records that a sending target will not be published; reason
// is the network's, for people.
func (db *DB) MarkFailed(ctx context.Context, id int64, reason string) error {
	return db.transition(ctx, id, EventFailed, reason, `UPDATE post_targets
		SET state = 'failed', last_error = $2, lease_until = NULL
		WHERE id = $1 AND state = 'sending'`, reason)
}

// MarkUnconfirmed records that a sending target's outcome is unknown: it
// is checked against the network, never re-sent blindly.
func (db *DB) MarkUnconfirmed(ctx context.Context, id int64, reason string) error {
	return db.transition(ctx, id, EventUnconfirmed, reason, `UPDATE post_targets
		SET state = 'unconfirmed', last_error = $2, lease_until = NULL
		WHERE id = $1 AND state = 'sending'`, reason)
}

// RequeueTarget puts an unconfirmed target back in the queue, due now —
// only once it is known that a new attempt cannot post twice (the network
// honours the idempotency key, or the post is not on the network).
func (db *DB) RequeueTarget(ctx context.Context, id int64, reason string) error {
	return db.transition(ctx, id, EventRequeued, reason, `UPDATE post_targets
		SET state = 'queued', next_attempt_at = $2, last_error = $3
		WHERE id = $1 AND state = 'unconfirmed'`, db.Now(), reason)
}

// NoteTarget leaves a note for people on an unconfirmed target (e.g. that it
// must be checked by hand); it does nothing when the note is already there.
func (db *DB) NoteTarget(ctx context.Context, id int64, note string) error {
	err := db.transition(ctx, id, EventNote, note, `UPDATE post_targets SET last_error = $2
		WHERE id = $1 AND state = 'unconfirmed' AND last_error <> $2`, note)
	if errors.Is(err, ErrTargetState) {
		return nil
	}
	return err
}

// LeaseExpired is the reason ExpireLeases records.
const LeaseExpired = "lease_expired: the attempt did not report back (the process may have stopped during the call)"

// ExpireLeases turns sending targets whose lease has passed — their worker
// died during the call — into unconfirmed, never back to queued. It
// returns their IDs.
func (db *DB) ExpireLeases(ctx context.Context) ([]int64, error) {
	now := db.Now()
	var ids []int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		rows, err := tx.QueryContext(ctx, `UPDATE post_targets SET state = 'unconfirmed', last_error = $2, lease_until = NULL
			WHERE state = 'sending' AND lease_until < $1 RETURNING id, post_id`, now, LeaseExpired)
		if err != nil {
			return err
		}
		type row struct{ id, post int64 }
		var got []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.post); err != nil {
				rows.Close()
				return err
			}
			got = append(got, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range got {
			ids = append(ids, r.id)
			if err := addEvent(ctx, tx, r.post, &r.id, now, EventUnconfirmed, LeaseExpired); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}

// DeferAccount holds an account's queued targets until at least until
// (the network's rate limit for that account), and returns how many it
// moved.
func (db *DB) DeferAccount(ctx context.Context, accountID int64, until time.Time) (int64, error) {
	res, err := db.w.ExecContext(ctx, `UPDATE post_targets SET next_attempt_at = $2
		WHERE account_id = $1 AND state = 'queued' AND next_attempt_at < $2`, accountID, ts(until))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
