package store

import (
	"context"
	"database/sql"

	"github.com/soroe/soroe"
)

// EventImport is the detail of the "approved" event of a post approved by
// the member who imported it from a content plan.
const EventImport = "import"

// BatchPost is one post of a batch that CreatePosts stores: the post (its
// State, Round, Steps and Step as they should be stored), its targets, and
// the history lines written after "created", all by the batch's actor.
type BatchPost struct {
	Post    *soroe.Post
	Targets []*soroe.Target
	Events  []BatchEvent
}

// BatchEvent is one history line of a BatchPost.
type BatchEvent struct {
	Kind, Detail string
}

// CreatePosts stores every post of a batch in one transaction — all of
// them or, on any error (or if the process stops midway), none. Each post
// is checked and stored as CreatePost does (a "created" event by its
// author, then the post's Events by actorID), targets queued with fresh
// idempotency keys and due at the post's time.
func (db *DB) CreatePosts(ctx context.Context, actorID int64, posts []BatchPost) error {
	for _, bp := range posts {
		p := bp.Post
		if err := p.Validate(); err != nil {
			return err
		}
		if len(bp.Targets) == 0 && p.State != soroe.PostDraft {
			return soroe.Invalid("accounts", "required")
		}
		if err := checkTargets(bp.Targets); err != nil {
			return err
		}
	}
	now := db.Now()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		names := map[int64]string{}
		name := func(id int64) (string, error) {
			if n, ok := names[id]; ok {
				return n, nil
			}
			var n string
			if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", id).Scan(&n); err != nil {
				return "", notFound(err)
			}
			names[id] = n
			return n, nil
		}
		actorName, err := name(actorID)
		if err != nil {
			return err
		}
		for _, bp := range posts {
			p := bp.Post
			steps, err := stepsJSON(p.Steps)
			if err != nil {
				return err
			}
			p.CreatedAt, p.UpdatedAt = now, now
			if p.ScheduledAt != nil {
				at := ts(*p.ScheduledAt)
				p.ScheduledAt = &at
			}
			if p.SlotAt != nil {
				at := ts(*p.SlotAt)
				p.SlotAt = &at
			}
			due := now
			if p.ScheduledAt != nil {
				due = *p.ScheduledAt
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO posts (org_id, goal_id, template_id, template_version, author_id, state, scheduled_at, link,
					text, round, steps, step, slot_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
				p.OrgID, p.GoalID, p.TemplateID, p.TemplateVersion, p.AuthorID, p.State, p.ScheduledAt, p.Link,
				p.Text, p.Round, steps, p.Step, p.SlotAt, now).Scan(&p.ID)
			if err != nil {
				return err
			}
			for _, t := range bp.Targets {
				if err := insertTarget(ctx, tx, p, t, due); err != nil {
					return err
				}
			}
			author, err := name(p.AuthorID)
			if err != nil {
				return err
			}
			if err := addEventBy(ctx, tx, p.ID, nil, now, EventCreated, p.State, &p.AuthorID, author); err != nil {
				return err
			}
			for _, e := range bp.Events {
				if err := addEventBy(ctx, tx, p.ID, nil, now, e.Kind, e.Detail, &actorID, actorName); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		for _, bp := range posts {
			bp.Post.ID = 0 // nothing was stored
		}
	}
	return err
}
