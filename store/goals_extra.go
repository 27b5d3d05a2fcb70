package store

import (
	"context"

	"github.com/soroe/soroe"
)

// RecordManualEntry records a value entered by hand for one KPI of goal g on
// one day, as the UI, the API and the CLI do: the KPI must belong to g, and
// the day must lie in the goal's period and not after today (the
// organization's today). A value already entered by hand for that KPI and
// day is replaced; replaced says so.
func (db *DB) RecordManualEntry(ctx context.Context, g *soroe.Goal, e *soroe.KPIEntry, today soroe.Date) (replaced bool, err error) {
	found := false
	for _, k := range g.KPIs {
		found = found || k.ID == e.KPIID
	}
	if !found {
		return false, soroe.Invalid("kpi_id", "unknown_kpi")
	}
	day, err := soroe.ParseDate(string(e.Day))
	if err != nil {
		return false, soroe.Invalid("day", "invalid_date")
	}
	switch {
	case day > today:
		return false, soroe.Invalid("day", "kpi_day_in_future")
	case day < g.StartOn || day > g.Deadline:
		return false, soroe.Invalid("day", "kpi_day_outside_period")
	}
	e.Day, e.Source = day, soroe.SourceManual
	var n int
	err = db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM kpi_entries WHERE org_id = $1 AND kpi_id = $2 AND day = $3 AND source = $4",
		g.OrgID, e.KPIID, day, soroe.SourceManual).Scan(&n)
	if err != nil {
		return false, err
	}
	if err := db.SetKPIEntry(ctx, g.OrgID, e); err != nil {
		return false, err
	}
	return n > 0, nil
}

// KPIEntry returns one recorded value of one of a goal's KPIs.
func (db *DB) KPIEntry(ctx context.Context, orgID, goalID, id int64) (*soroe.KPIEntry, error) {
	var e soroe.KPIEntry
	err := db.r.QueryRowContext(ctx, `SELECT e.id, e.kpi_id, e.day, e.source, e.value, e.denominator, e.note, e.created_by, e.created_at
		FROM kpi_entries e JOIN kpis k ON k.id = e.kpi_id WHERE e.org_id = $1 AND k.goal_id = $2 AND e.id = $3`, orgID, goalID, id).
		Scan(&e.ID, &e.KPIID, &e.Day, &e.Source, &e.Value, &e.Denominator, &e.Note, &e.CreatedBy, &e.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return &e, nil
}
