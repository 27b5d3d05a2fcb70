package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/soroe/soroe"
)

// DailyTotals are the summed latest numbers of the posts published on a
// day (or, added up, in a period) in one dimension.
type DailyTotals struct {
	Day        string          `json:"day,omitempty"`
	Posts      int64           `json:"posts"`
	Metrics    [nMetrics]int64 `json:"-"`
	Exposure   int64           `json:"exposure"`   // impressions, else views, else reach, per post
	Engagement int64           `json:"engagement"` // the network's engagements, else the documented sum
	Scored     int64           `json:"scored"`
	ScoreSum   int64           `json:"score_sum"`
}

// Metric returns the total of one vocabulary metric.
func (d *DailyTotals) Metric(m soroe.PostMetric) int64 {
	if i := metricIndex(m); i >= 0 {
		return d.Metrics[i]
	}
	return 0
}

// Add adds another day's totals (the day is dropped).
func (d *DailyTotals) Add(o DailyTotals) {
	d.Day = ""
	d.Posts += o.Posts
	for i := range d.Metrics {
		d.Metrics[i] += o.Metrics[i]
	}
	d.Exposure += o.Exposure
	d.Engagement += o.Engagement
	d.Scored += o.Scored
	d.ScoreSum += o.ScoreSum
}

// AverageScore is the mean reaction score of the scored posts, or false.
func (d *DailyTotals) AverageScore() (float64, bool) {
	if d.Scored == 0 {
		return 0, false
	}
	return float64(d.ScoreSum) / float64(d.Scored), true
}

func (d *DailyTotals) dest() []any {
	out := []any{&d.Day, &d.Posts}
	for i := range d.Metrics {
		out = append(out, &d.Metrics[i])
	}
	return append(out, &d.Exposure, &d.Engagement, &d.Scored, &d.ScoreSum)
}

// DailyMetrics returns one dimension's rollups per day from day from to
// day to (YYYY-MM-DD, both included), oldest first. For DimTemplate every
// version is summed; DailyMetricsVersion reads one.
func (db *DB) DailyMetrics(ctx context.Context, orgID int64, dim string, id int64, from, to string) ([]DailyTotals, error) {
	return db.dailyMetrics(ctx, orgID, dim, id, -1, from, to)
}

// DailyMetricsVersion returns a 型 version's rollups per day.
func (db *DB) DailyMetricsVersion(ctx context.Context, orgID, templateID int64, version int, from, to string) ([]DailyTotals, error) {
	return db.dailyMetrics(ctx, orgID, DimTemplate, templateID, version, from, to)
}

func (db *DB) dailyMetrics(ctx context.Context, orgID int64, dim string, id int64, ver int, from, to string) ([]DailyTotals, error) {
	sums := make([]string, 0, nRollup)
	for _, c := range strings.Split(rollupCols, ", ") {
		sums = append(sums, "SUM("+c+")")
	}
	q := `SELECT day, ` + strings.Join(sums, ", ") + ` FROM metric_daily
		WHERE org_id = $1 AND dim = $2 AND dim_id = $3 AND day >= $4 AND day <= $5`
	args := []any{orgID, dim, id, from, to}
	if ver >= 0 {
		q += " AND dim_ver = $6"
		args = append(args, ver)
	}
	rows, err := db.r.QueryContext(ctx, q+" GROUP BY day ORDER BY day", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DailyTotals
	for rows.Next() {
		var d DailyTotals
		if err := rows.Scan(d.dest()...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RebuildRollups recomputes an organization's rollups from the latest
// values (which the snapshots wrote): after a change of formula or a
// repair. It runs in one transaction.
func (db *DB) RebuildRollups(ctx context.Context, orgID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM metric_daily WHERE org_id = $1", orgID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+latestCols+" FROM metric_latest WHERE org_id = $1", orgID)
		if err != nil {
			return err
		}
		roll := rollups{}
		for rows.Next() {
			s, err := scanLatest(rows)
			if err != nil {
				rows.Close()
				return err
			}
			roll.add(s, s.vector())
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return roll.flush(ctx, tx)
	})
}

// RebuildLatest recomputes every latest row of an organization from its
// snapshots, in capture order, then the rollups: the repair for a latest
// table that went wrong.
func (db *DB) RebuildLatest(ctx context.Context, orgID int64) (posts int, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM metric_latest WHERE org_id = $1", orgID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM metric_daily WHERE org_id = $1", orgID); err != nil {
			return err
		}
		type snap struct {
			in MetricInput
		}
		rows, err := tx.QueryContext(ctx, `SELECT target_id, external_id, captured_at, source, unavailable, `+metricCols+`
			FROM metric_snapshots WHERE org_id = $1 ORDER BY captured_at, id`, orgID)
		if err != nil {
			return err
		}
		var all []snap
		for rows.Next() {
			var target, external sql.NullInt64
			var x values
			var in MetricInput
			var unavailable string
			if err := rows.Scan(append([]any{&target, &external, &in.CapturedAt, &in.Source, &unavailable}, x.scanDest()...)...); err != nil {
				rows.Close()
				return err
			}
			x.decodeUnavailable(unavailable)
			in.Subject = soroe.Subject{TargetID: target.Int64, ExternalID: external.Int64}
			in.Readings = x.readings()
			all = append(all, snap{in})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rec, err := newRecorder(ctx, tx, db.Engine, orgID, db.Now())
		if err != nil {
			return err
		}
		// Replay without adding snapshots: latest rows and rollups only.
		rec.replay = true
		seen := map[soroe.Subject]bool{}
		for _, s := range all {
			if _, err := rec.record(ctx, s.in); err != nil {
				return err
			}
			seen[s.in.Subject] = true
		}
		posts = len(seen)
		return rec.close(ctx)
	})
	return posts, err
}
