package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// TotalsBy sums one dimension's rollups over the days from..to
// (YYYY-MM-DD, both included), per dimension ID; a 型's versions are
// added up. One query, however many posts: the overview reads this, never
// the snapshots.
func (db *DB) TotalsBy(ctx context.Context, orgID int64, dim, from, to string) (map[int64]*DailyTotals, error) {
	sums := make([]string, 0, nRollup)
	for _, c := range strings.Split(rollupCols, ", ") {
		sums = append(sums, "SUM("+c+")")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT '', `+strings.Join(sums, ", ")+`, dim_id FROM metric_daily
		WHERE org_id = $1 AND dim = $2 AND day >= $3 AND day <= $4 GROUP BY dim_id`, orgID, dim, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*DailyTotals{}
	for rows.Next() {
		var d DailyTotals
		var id int64
		if err := rows.Scan(append(d.dest(), &id)...); err != nil {
			return nil, err
		}
		out[id] = &d
	}
	return out, rows.Err()
}

// DailyBy returns one dimension's rollups per day and dimension ID from
// day from to day to, oldest first (a 型's versions added up).
func (db *DB) DailyBy(ctx context.Context, orgID int64, dim, from, to string) (map[int64][]DailyTotals, error) {
	sums := make([]string, 0, nRollup)
	for _, c := range strings.Split(rollupCols, ", ") {
		sums = append(sums, "SUM("+c+")")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT day, `+strings.Join(sums, ", ")+`, dim_id FROM metric_daily
		WHERE org_id = $1 AND dim = $2 AND day >= $3 AND day <= $4 GROUP BY dim_id, day ORDER BY dim_id, day`, orgID, dim, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]DailyTotals{}
	for rows.Next() {
		var d DailyTotals
		var id int64
		if err := rows.Scan(append(d.dest(), &id)...); err != nil {
			return nil, err
		}
		out[id] = append(out[id], d)
	}
	return out, rows.Err()
}

// FollowersOn returns each account's follower total on a day: the latest
// reading on or before it. Accounts with no reading by then are absent.
func (db *DB) FollowersOn(ctx context.Context, orgID int64, day string) (map[int64]int64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT f.account_id, f.followers FROM account_followers f
		WHERE f.org_id = $1 AND f.day = (SELECT MAX(g.day) FROM account_followers g WHERE g.account_id = f.account_id AND g.day <= $2)`, orgID, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// PublishedCounts counts what went out in [from, to): per account, the
// published targets (sent by Soroe or recorded by hand) and the external
// posts; per 型, the posts whose first target went out then (a post to
// three accounts is one post of its 型).
type PublishedCounts struct {
	ByAccount  map[int64]int64
	ByTemplate map[int64]int64
}

// Published counts the posts that went out in [from, to).
func (db *DB) Published(ctx context.Context, orgID int64, from, to time.Time) (*PublishedCounts, error) {
	out := &PublishedCounts{ByAccount: map[int64]int64{}, ByTemplate: map[int64]int64{}}
	count := func(dst map[int64]int64, q string) error {
		rows, err := db.r.QueryContext(ctx, q, orgID, ts(from), ts(to))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id sql.NullInt64
			var n int64
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			dst[id.Int64] += n
		}
		return rows.Err()
	}
	if err := count(out.ByAccount, `SELECT account_id, COUNT(*) FROM post_targets
		WHERE org_id = $1 AND state = 'sent' AND sent_at >= $2 AND sent_at < $3 GROUP BY account_id`); err != nil {
		return nil, err
	}
	if err := count(out.ByAccount, `SELECT account_id, COUNT(*) FROM external_posts
		WHERE org_id = $1 AND published_at >= $2 AND published_at < $3 GROUP BY account_id`); err != nil {
		return nil, err
	}
	if err := count(out.ByTemplate, `SELECT template_id, COUNT(*) FROM (
			SELECT p.template_id, MIN(t.sent_at) AS first FROM post_targets t JOIN posts p ON p.id = t.post_id
			WHERE t.org_id = $1 AND t.state = 'sent' AND t.sent_at < $3 AND p.template_id IS NOT NULL
			GROUP BY p.id, p.template_id) x
		WHERE first >= $2 GROUP BY template_id`); err != nil {
		return nil, err
	}
	return out, nil
}
