package store

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/soroe/soroe"
)

const actionCols = `a.id, a.org_id, a.title, a.detail, COALESCE(a.owner_id, 0), COALESCE(u.name, ''), a.due_on, a.status, COALESCE(a.goal_id, 0),
	a.source_kind, a.source_ref, a.source_note, a.outcome, a.created_by, a.created_at, a.updated_at, a.done_at,
	(SELECT COUNT(*) FROM action_comments c WHERE c.action_id = a.id)`

const actionFrom = ` FROM action_items a LEFT JOIN users u ON u.id = a.owner_id`

func scanAction(row interface{ Scan(...any) error }) (*soroe.ActionItem, error) {
	var a soroe.ActionItem
	var created, updated, done sqlTime
	err := row.Scan(&a.ID, &a.OrgID, &a.Title, &a.Detail, &a.OwnerID, &a.Owner, &a.DueOn, &a.Status, &a.GoalID,
		&a.Source.Kind, &a.Source.Ref, &a.Source.Note, &a.Outcome, &a.CreatedBy, &created, &updated, &done, &a.Comments)
	if err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt, a.UpdatedAt = created.t, updated.t
	if !done.t.IsZero() {
		a.DoneAt = &done.t
	}
	return &a, nil
}

// checkActionRefs: the owner is a member and the goal is the
// organization's.
func checkActionRefs(ctx context.Context, tx *sql.Tx, a *soroe.ActionItem) error {
	var n int
	if a.OwnerID != 0 {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE org_id = $1 AND user_id = $2", a.OrgID, a.OwnerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.Invalid("owner_id", "not_a_member")
		}
	}
	if a.GoalID != 0 {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM goals WHERE org_id = $1 AND id = $2", a.OrgID, a.GoalID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.Invalid("goal_id", "unknown_goal")
		}
	}
	return nil
}

// CreateActionItem records a new action.
func (db *DB) CreateActionItem(ctx context.Context, a *soroe.ActionItem) error {
	if err := a.Check(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkActionRefs(ctx, tx, a); err != nil {
			return err
		}
		now := db.Now()
		a.CreatedAt, a.UpdatedAt, a.DoneAt = now, now, nil
		if a.Status.Closed() {
			a.DoneAt = &now
		}
		var done any
		if a.DoneAt != nil {
			done = *a.DoneAt
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO action_items (org_id, title, detail, owner_id, due_on, status, goal_id, source_kind, source_ref, source_note,
			outcome, created_by, created_at, updated_at, done_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING id`,
			a.OrgID, a.Title, a.Detail, nullID(a.OwnerID), string(a.DueOn), string(a.Status), nullID(a.GoalID), a.Source.Kind, a.Source.Ref, a.Source.Note,
			a.Outcome, a.CreatedBy, now, done).Scan(&a.ID)
		if err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT COALESCE((SELECT name FROM users WHERE id = $1), '')", nullID(a.OwnerID)).Scan(&a.Owner)
	})
}

// UpdateActionItem writes an action's fields (all of them, as a read and
// changed); moving to done or dropped stamps done_at, reopening clears it.
func (db *DB) UpdateActionItem(ctx context.Context, a *soroe.ActionItem) error {
	if err := a.Check(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanAction(tx.QueryRowContext(ctx, "SELECT "+actionCols+actionFrom+" WHERE a.id = $1 AND a.org_id = $2", a.ID, a.OrgID))
		if err != nil {
			return err
		}
		if err := checkActionRefs(ctx, tx, a); err != nil {
			return err
		}
		now := db.Now()
		a.DoneAt = old.DoneAt
		switch {
		case a.Status.Closed() && !old.Status.Closed():
			a.DoneAt = &now
		case !a.Status.Closed():
			a.DoneAt = nil
		}
		var done any
		if a.DoneAt != nil {
			done = *a.DoneAt
		}
		a.UpdatedAt, a.CreatedAt, a.CreatedBy, a.Comments = now, old.CreatedAt, old.CreatedBy, old.Comments
		if _, err := tx.ExecContext(ctx, `UPDATE action_items SET title = $3, detail = $4, owner_id = $5, due_on = $6, status = $7, goal_id = $8,
			source_kind = $9, source_ref = $10, source_note = $11, outcome = $12, updated_at = $13, done_at = $14 WHERE id = $1 AND org_id = $2`,
			a.ID, a.OrgID, a.Title, a.Detail, nullID(a.OwnerID), string(a.DueOn), string(a.Status), nullID(a.GoalID),
			a.Source.Kind, a.Source.Ref, a.Source.Note, a.Outcome, now, done); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT COALESCE((SELECT name FROM users WHERE id = $1), '')", nullID(a.OwnerID)).Scan(&a.Owner)
	})
}

// ActionItem reads one action of the organization.
func (db *DB) ActionItem(ctx context.Context, orgID, id int64) (*soroe.ActionItem, error) {
	return scanAction(db.r.QueryRowContext(ctx, "SELECT "+actionCols+actionFrom+" WHERE a.id = $1 AND a.org_id = $2", id, orgID))
}

// ActionFilter selects actions.
type ActionFilter struct {
	OrgID   int64
	OwnerID int64
	Open    bool               // open and doing only
	Status  soroe.ActionStatus // one status only
	Limit   int
}

// ActionItems lists actions: open ones first by due day (no day last),
// then the closed ones, the latest first.
func (db *DB) ActionItems(ctx context.Context, f ActionFilter) ([]*soroe.ActionItem, error) {
	q := "SELECT " + actionCols + actionFrom + " WHERE a.org_id = $1"
	args := []any{f.OrgID}
	if f.OwnerID != 0 {
		args = append(args, f.OwnerID)
		q += " AND a.owner_id = $" + strconv.Itoa(len(args))
	}
	if f.Open {
		q += " AND a.status IN ('open', 'doing')"
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		q += " AND a.status = $" + strconv.Itoa(len(args))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	q += ` ORDER BY CASE WHEN a.status IN ('open', 'doing') THEN 0 ELSE 1 END,
		CASE WHEN a.status IN ('open', 'doing') AND a.due_on <> '' THEN a.due_on ELSE '9999' END, a.done_at DESC, a.id DESC LIMIT ` + strconv.Itoa(limit)
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*soroe.ActionItem{}
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddActionComment adds a member's comment to an action.
func (db *DB) AddActionComment(ctx context.Context, orgID int64, c *soroe.Comment) error {
	if err := checkCommentBody(c); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM action_items WHERE id = $1 AND org_id = $2", c.PostID, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.ErrNotFound
		}
		c.CreatedAt = db.Now()
		if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", c.AuthorID).Scan(&c.AuthorName); err != nil {
			return notFound(err)
		}
		return tx.QueryRowContext(ctx, `INSERT INTO action_comments (action_id, org_id, author_id, body, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, c.PostID, orgID, c.AuthorID, c.Body, c.CreatedAt).Scan(&c.ID)
	})
}

// ActionComments lists an action's comments, oldest first (PostID holds
// the action's ID).
func (db *DB) ActionComments(ctx context.Context, orgID, actionID int64) ([]*soroe.Comment, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.id, c.action_id, c.author_id, COALESCE(u.name, ''), c.body, c.created_at
		FROM action_comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.org_id = $1 AND c.action_id = $2 ORDER BY c.id`, orgID, actionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*soroe.Comment{}
	for rows.Next() {
		var c soroe.Comment
		var at sqlTime
		if err := rows.Scan(&c.ID, &c.PostID, &c.AuthorID, &c.AuthorName, &c.Body, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = at.t
		out = append(out, &c)
	}
	return out, rows.Err()
}
