package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/soroe/soroe"
)

const goalCols = "g.id, g.org_id, g.title, g.purpose, g.strategy, g.owner_id, u.name, g.start_on, g.deadline, g.created_at, g.updated_at"
const goalFrom = " FROM goals g JOIN users u ON u.id = g.owner_id "

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanGoal(row interface{ Scan(...any) error }) (*soroe.Goal, error) {
	var g soroe.Goal
	err := row.Scan(&g.ID, &g.OrgID, &g.Title, &g.Purpose, &g.Strategy, &g.OwnerID, &g.OwnerName, &g.StartOn, &g.Deadline, &g.CreatedAt, &g.UpdatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	return &g, nil
}

// loadKPIs fills the KPIs of goals, in their order.
func loadKPIs(ctx context.Context, q querier, orgID int64, goals ...*soroe.Goal) error {
	if len(goals) == 0 {
		return nil
	}
	by := map[int64]*soroe.Goal{}
	for _, g := range goals {
		by[g.ID] = g
		g.KPIs = nil
	}
	query := "SELECT id, goal_id, is_primary, metric, event, target, baseline FROM kpis WHERE org_id = $1"
	args := []any{orgID}
	if len(goals) == 1 {
		query += " AND goal_id = $2"
		args = append(args, goals[0].ID)
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY goal_id, position, id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k    soroe.KPI
			base sql.NullFloat64
		)
		if err := rows.Scan(&k.ID, &k.GoalID, &k.Primary, &k.Metric, &k.Event, &k.Target, &base); err != nil {
			return err
		}
		if base.Valid {
			k.Baseline = &base.Float64
		}
		if g := by[k.GoalID]; g != nil {
			g.KPIs = append(g.KPIs, &k)
		}
	}
	return rows.Err()
}

// checkMember fails with an EInvalid error on field when userID is not a
// member of orgID.
func checkMember(ctx context.Context, q querier, orgID, userID int64, field string) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM members WHERE org_id = $1 AND user_id = $2", orgID, userID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return soroe.Invalid(field, "not_a_member")
	}
	return nil
}

// CreateGoal stores a goal with its KPIs; by is who creates it (recorded in
// the audit trail).
func (db *DB) CreateGoal(ctx context.Context, g *soroe.Goal, by int64) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkMember(ctx, tx, g.OrgID, g.OwnerID, "owner_id"); err != nil {
			return err
		}
		now := db.Now()
		g.CreatedAt, g.UpdatedAt = now, now
		err := tx.QueryRowContext(ctx, `INSERT INTO goals (org_id, title, purpose, strategy, owner_id, start_on, deadline, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
			g.OrgID, g.Title, g.Purpose, g.Strategy, g.OwnerID, g.StartOn, g.Deadline, now).Scan(&g.ID)
		if err != nil {
			return err
		}
		for i, k := range g.KPIs {
			k.ID = 0
			if err := insertKPI(ctx, tx, g, k, i); err != nil {
				return err
			}
		}
		return logChange(ctx, tx, now, g, by, "created", "", g.Title)
	})
}

func insertKPI(ctx context.Context, tx *sql.Tx, g *soroe.Goal, k *soroe.KPI, pos int) error {
	k.GoalID = g.ID
	return tx.QueryRowContext(ctx, `INSERT INTO kpis (org_id, goal_id, is_primary, metric, event, target, baseline, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		g.OrgID, g.ID, k.Primary, k.Metric, k.Event, k.Target, k.Baseline, pos).Scan(&k.ID)
}

func logChange(ctx context.Context, tx *sql.Tx, now time.Time, g *soroe.Goal, by int64, field, old, new string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO goal_changes (org_id, goal_id, user_id, field, old_value, new_value, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, g.OrgID, g.ID, by, field, old, new, now)
	return err
}

// Goal returns one goal of an organization with its KPIs.
func (db *DB) Goal(ctx context.Context, orgID, id int64) (*soroe.Goal, error) {
	return goalTx(ctx, db.r, orgID, id)
}

func goalTx(ctx context.Context, q querier, orgID, id int64) (*soroe.Goal, error) {
	g, err := scanGoal(q.QueryRowContext(ctx, "SELECT "+goalCols+goalFrom+"WHERE g.org_id = $1 AND g.id = $2", orgID, id))
	if err != nil {
		return nil, err
	}
	return g, loadKPIs(ctx, q, orgID, g)
}

// Goals lists an organization's goals with their KPIs, by deadline.
func (db *DB) Goals(ctx context.Context, orgID int64) ([]*soroe.Goal, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+goalCols+goalFrom+"WHERE g.org_id = $1 ORDER BY g.deadline, g.id", orgID)
	if err != nil {
		return nil, err
	}
	var out []*soroe.Goal
	for rows.Next() {
		g, err := scanGoal(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, loadKPIs(ctx, db.r, orgID, out...)
}

func fmtFloat(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// UpdateGoal saves a goal and its KPIs. KPIs keep their IDs (and their
// recorded values) when given with their ID; KPIs without an ID are added;
// KPIs left out are removed with their values. Every changed field, target
// and deadline goes to the audit trail.
func (db *DB) UpdateGoal(ctx context.Context, g *soroe.Goal, by int64) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := goalTx(ctx, tx, g.OrgID, g.ID)
		if err != nil {
			return err
		}
		if err := checkMember(ctx, tx, g.OrgID, g.OwnerID, "owner_id"); err != nil {
			return err
		}
		now := db.Now()
		changes := [][3]string{
			{"title", old.Title, g.Title},
			{"purpose", string(old.Purpose), string(g.Purpose)},
			{"strategy", old.Strategy, g.Strategy},
			{"owner_id", fmt.Sprint(old.OwnerID), fmt.Sprint(g.OwnerID)},
			{"start_on", string(old.StartOn), string(g.StartOn)},
			{"deadline", string(old.Deadline), string(g.Deadline)},
		}
		oldKPIs := map[int64]*soroe.KPI{}
		for _, k := range old.KPIs {
			oldKPIs[k.ID] = k
		}
		keep := map[int64]bool{}
		for i, k := range g.KPIs {
			if k.ID != 0 {
				ok := oldKPIs[k.ID]
				if ok == nil {
					return soroe.Invalid(fmt.Sprintf("kpis[%d].id", i), "unknown_kpi")
				}
				keep[k.ID] = true
				if ok.Label() != k.Label() {
					changes = append(changes, [3]string{"kpi." + ok.Label(), ok.Label(), k.Label()})
				}
				changes = append(changes,
					[3]string{"kpi." + k.Label() + ".target", fmtFloat(&ok.Target), fmtFloat(&k.Target)},
					[3]string{"kpi." + k.Label() + ".baseline", fmtFloat(ok.Baseline), fmtFloat(k.Baseline)},
					[3]string{"kpi." + k.Label() + ".primary", fmt.Sprint(ok.Primary), fmt.Sprint(k.Primary)})
				k.GoalID = g.ID
				_, err := tx.ExecContext(ctx, `UPDATE kpis SET is_primary = $1, metric = $2, event = $3, target = $4, baseline = $5, position = $6
					WHERE id = $7 AND goal_id = $8`, k.Primary, k.Metric, k.Event, k.Target, k.Baseline, i, k.ID, g.ID)
				if err != nil {
					return err
				}
				continue
			}
			if err := insertKPI(ctx, tx, g, k, i); err != nil {
				return err
			}
			changes = append(changes, [3]string{"kpi." + k.Label(), "", "target " + fmtFloat(&k.Target)})
		}
		for id, k := range oldKPIs {
			if keep[id] {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM kpis WHERE id = $1", id); err != nil {
				return err
			}
			changes = append(changes, [3]string{"kpi." + k.Label(), "target " + fmtFloat(&k.Target), ""})
		}
		for _, c := range changes {
			if c[1] != c[2] {
				if err := logChange(ctx, tx, now, g, by, c[0], c[1], c[2]); err != nil {
					return err
				}
			}
		}
		g.CreatedAt, g.UpdatedAt = old.CreatedAt, now
		_, err = tx.ExecContext(ctx, `UPDATE goals SET title = $1, purpose = $2, strategy = $3, owner_id = $4, start_on = $5, deadline = $6, updated_at = $7
			WHERE id = $8 AND org_id = $9`, g.Title, g.Purpose, g.Strategy, g.OwnerID, g.StartOn, g.Deadline, now, g.ID, g.OrgID)
		return err
	})
}

// DeleteGoal deletes a goal with its KPIs, values, 型 and audit trail.
func (db *DB) DeleteGoal(ctx context.Context, orgID, id int64) error {
	res, err := db.w.ExecContext(ctx, "DELETE FROM goals WHERE org_id = $1 AND id = $2", orgID, id)
	return affected(res, err)
}

// GoalChanges returns a goal's audit trail, newest first.
func (db *DB) GoalChanges(ctx context.Context, orgID, goalID int64) ([]*soroe.GoalChange, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.id, c.goal_id, c.user_id, u.name, c.field, c.old_value, c.new_value, c.created_at
		FROM goal_changes c JOIN users u ON u.id = c.user_id WHERE c.org_id = $1 AND c.goal_id = $2 ORDER BY c.id DESC`, orgID, goalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.GoalChange
	for rows.Next() {
		var c soroe.GoalChange
		if err := rows.Scan(&c.ID, &c.GoalID, &c.UserID, &c.UserName, &c.Field, &c.Old, &c.New, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, &c)
	}
	return out, rows.Err()
}

// SetKPIEntry records one day's value of a KPI from one source, replacing
// the value that source gave that day before.
func (db *DB) SetKPIEntry(ctx context.Context, orgID int64, e *soroe.KPIEntry) error {
	day, err := soroe.ParseDate(string(e.Day))
	if err != nil {
		return soroe.Invalid("day", "invalid_date")
	}
	e.Day = day
	if e.Source == "" {
		e.Source = soroe.SourceManual
	}
	if e.Value < 0 || e.Denominator < 0 {
		return soroe.Invalid("value", "negative_value")
	}
	if len([]rune(e.Note)) > 500 {
		return soroe.Invalid("note", "too_long")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var metric soroe.Metric
		err := tx.QueryRowContext(ctx, "SELECT metric FROM kpis WHERE id = $1 AND org_id = $2", e.KPIID, orgID).Scan(&metric)
		if err != nil {
			return notFound(err)
		}
		if metric.Ratio() && e.Denominator <= 0 {
			return soroe.Invalid("denominator", "denominator_required")
		}
		if metric.Ratio() && e.Value > e.Denominator {
			return soroe.Invalid("value", "ratio_over_one")
		}
		if !metric.Ratio() {
			e.Denominator = 0
		}
		e.CreatedAt = db.Now()
		return tx.QueryRowContext(ctx, `INSERT INTO kpi_entries (org_id, kpi_id, day, source, value, denominator, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (kpi_id, day, source) DO UPDATE SET value = excluded.value, denominator = excluded.denominator,
				note = excluded.note, created_by = excluded.created_by, created_at = excluded.created_at
			RETURNING id`, orgID, e.KPIID, e.Day, e.Source, e.Value, e.Denominator, e.Note, e.CreatedBy, e.CreatedAt).Scan(&e.ID)
	})
}

// DeleteKPIEntry deletes one recorded value.
func (db *DB) DeleteKPIEntry(ctx context.Context, orgID, id int64) error {
	res, err := db.w.ExecContext(ctx, "DELETE FROM kpi_entries WHERE org_id = $1 AND id = $2", orgID, id)
	return affected(res, err)
}

// KPIEntries returns the recorded values of a goal's KPIs, by day.
func (db *DB) KPIEntries(ctx context.Context, orgID, goalID int64) ([]*soroe.KPIEntry, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.id, e.kpi_id, e.day, e.source, e.value, e.denominator, e.note, e.created_by, e.created_at
		FROM kpi_entries e JOIN kpis k ON k.id = e.kpi_id WHERE e.org_id = $1 AND k.goal_id = $2 ORDER BY e.day, e.id`, orgID, goalID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.KPIEntry
	for rows.Next() {
		var e soroe.KPIEntry
		if err := rows.Scan(&e.ID, &e.KPIID, &e.Day, &e.Source, &e.Value, &e.Denominator, &e.Note, &e.CreatedBy, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, &e)
	}
	return out, rows.Err()
}
