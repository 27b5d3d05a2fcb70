package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"slices"

	"github.com/soroe/soroe"
)

const tplCols = "t.id, t.org_id, t.goal_id, v.version, t.source, v.created_by, v.created_at, v.body"

func scanTemplate(row interface{ Scan(...any) error }) (*soroe.Template, error) {
	var (
		t    soroe.Template
		body string
	)
	if err := row.Scan(&t.ID, &t.OrgID, &t.GoalID, &t.Version, &t.Source, &t.CreatedBy, &t.CreatedAt, &body); err != nil {
		return nil, notFound(err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(body), &t.TemplateBody); err != nil {
		return nil, err
	}
	return &t, nil
}

// checkAssignees fails when a drafter or approver that was not listed
// before (in prev, nil for a new 型) is not a member. Someone listed before
// who has since left does not block saving; the plan skips them.
func checkAssignees(ctx context.Context, q querier, orgID int64, b, prev *soroe.TemplateBody) error {
	for field, a := range map[string]soroe.Assignees{"drafters": b.Drafters, "approvers": b.Approvers} {
		var before []int64
		if prev != nil {
			before = append(prev.Drafters.UserIDs, prev.Approvers.UserIDs...)
		}
		for _, id := range a.UserIDs {
			if slices.Contains(before, id) {
				continue
			}
			if err := checkMember(ctx, q, orgID, id, field); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateTemplate stores a new 型 as version 1 of a goal's template.
func (db *DB) CreateTemplate(ctx context.Context, t *soroe.Template) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if t.Source == "" {
		t.Source = "manual"
	}
	body, err := json.Marshal(&t.TemplateBody)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM goals WHERE id = $1 AND org_id = $2", t.GoalID, t.OrgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return soroe.Invalid("goal_id", "unknown_goal")
		}
		if err := checkAssignees(ctx, tx, t.OrgID, &t.TemplateBody, nil); err != nil {
			return err
		}
		now := db.Now()
		t.Version, t.CreatedAt = 1, now
		err := tx.QueryRowContext(ctx, `INSERT INTO templates (org_id, goal_id, current_version, source, created_by, created_at, updated_at)
			VALUES ($1, $2, 1, $3, $4, $5, $5) RETURNING id`, t.OrgID, t.GoalID, t.Source, t.CreatedBy, now).Scan(&t.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO template_versions (template_id, version, body, created_by, created_at) VALUES ($1, 1, $2, $3, $4)",
			t.ID, string(body), t.CreatedBy, now)
		return err
	})
}

// UpdateTemplate saves a new version of a 型 (when the body changed) and
// returns the template at its current version. Earlier versions stay as
// they were.
func (db *DB) UpdateTemplate(ctx context.Context, orgID, id int64, b soroe.TemplateBody, by int64) (*soroe.Template, error) {
	if err := b.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(&b)
	if err != nil {
		return nil, err
	}
	var t *soroe.Template
	err = db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := templateTx(ctx, tx, orgID, id, 0)
		if err != nil {
			return err
		}
		if reflect.DeepEqual(cur.TemplateBody, b) {
			t = cur
			return nil
		}
		if err := checkAssignees(ctx, tx, orgID, &b, &cur.TemplateBody); err != nil {
			return err
		}
		now := db.Now()
		v := cur.Version + 1
		if _, err := tx.ExecContext(ctx, "INSERT INTO template_versions (template_id, version, body, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
			id, v, string(body), by, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE templates SET current_version = $1, updated_at = $2 WHERE id = $3", v, now, id); err != nil {
			return err
		}
		t = cur
		t.Version, t.CreatedBy, t.CreatedAt, t.TemplateBody = v, by, now, b
		return nil
	})
	return t, err
}

// Template returns a 型 at a version (0: the current one).
func (db *DB) Template(ctx context.Context, orgID, id int64, version int) (*soroe.Template, error) {
	return templateTx(ctx, db.r, orgID, id, version)
}

func templateTx(ctx context.Context, q querier, orgID, id int64, version int) (*soroe.Template, error) {
	return scanTemplate(q.QueryRowContext(ctx, "SELECT "+tplCols+` FROM templates t
		JOIN template_versions v ON v.template_id = t.id AND v.version = CASE WHEN CAST($3 AS INTEGER) > 0 THEN CAST($3 AS INTEGER) ELSE t.current_version END
		WHERE t.org_id = $1 AND t.id = $2`, orgID, id, version))
}

// TemplateVersions returns every version of a 型, newest first.
func (db *DB) TemplateVersions(ctx context.Context, orgID, id int64) ([]*soroe.Template, error) {
	return db.queryTemplates(ctx, " FROM templates t JOIN template_versions v ON v.template_id = t.id WHERE t.org_id = $1 AND t.id = $2 ORDER BY v.version DESC", orgID, id)
}

// Templates lists an organization's 型 at their current versions; goalID
// 0 lists every goal's.
func (db *DB) Templates(ctx context.Context, orgID, goalID int64) ([]*soroe.Template, error) {
	return db.queryTemplates(ctx, ` FROM templates t JOIN template_versions v ON v.template_id = t.id AND v.version = t.current_version
		WHERE t.org_id = $1 AND (CAST($2 AS BIGINT) = 0 OR t.goal_id = CAST($2 AS BIGINT)) ORDER BY t.goal_id, t.id`, orgID, goalID)
}

func (db *DB) queryTemplates(ctx context.Context, from string, args ...any) ([]*soroe.Template, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+tplCols+from, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteTemplate deletes a 型 with all its versions.
func (db *DB) DeleteTemplate(ctx context.Context, orgID, id int64) error {
	res, err := db.w.ExecContext(ctx, "DELETE FROM templates WHERE org_id = $1 AND id = $2", orgID, id)
	return affected(res, err)
}

// Setup steps of a new organization.
const (
	SetupGoals     = "goals"
	SetupTemplates = "templates"
	SetupTeam      = "team"
	SetupDone      = "done"
	SetupSkipped   = "skipped"
)

// SetupStep returns where an organization is in the three-step setup; ""
// when it has not begun.
func (db *DB) SetupStep(ctx context.Context, orgID int64) (string, error) {
	var s string
	err := db.r.QueryRowContext(ctx, "SELECT step FROM org_setup WHERE org_id = $1", orgID).Scan(&s)
	if notFound(err) == soroe.ErrNotFound {
		return "", nil
	}
	return s, err
}

// SetSetupStep records where an organization is in the setup.
func (db *DB) SetSetupStep(ctx context.Context, orgID int64, step string) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO org_setup (org_id, step, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET step = excluded.step, updated_at = excluded.updated_at`, orgID, step, db.Now())
	return err
}
