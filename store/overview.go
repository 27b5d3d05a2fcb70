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

// Published counts the posts that went out in [from, to), per account and
// per 型.
func (db *DB) Published(ctx context.Context, orgID int64, from, to time.Time) (*PublishedCounts, error) {
	out := &PublishedCounts{}
	var err error
	if out.ByAccount, err = db.PublishedByAccount(ctx, orgID, from, to); err != nil {
		return nil, err
	}
	if out.ByTemplate, err = db.PublishedByTemplate(ctx, orgID, from, to); err != nil {
		return nil, err
	}
	return out, nil
}

func (db *DB) countBy(ctx context.Context, q string, args ...any) (map[int64]int64, error) {
	out := map[int64]int64{}
	for _, one := range strings.Split(q, ";") {
		rows, err := db.r.QueryContext(ctx, one, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id sql.NullInt64
			var n int64
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id.Int64] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PublishedByAccount counts, per account, the published targets (sent by
// Soroe or recorded by hand) and external posts of [from, to).
func (db *DB) PublishedByAccount(ctx context.Context, orgID int64, from, to time.Time) (map[int64]int64, error) {
	return db.countBy(ctx, `SELECT account_id, COUNT(*) FROM post_targets
		WHERE org_id = $1 AND state = 'sent' AND sent_at >= $2 AND sent_at < $3 GROUP BY account_id;
		SELECT account_id, COUNT(*) FROM external_posts
		WHERE org_id = $1 AND published_at >= $2 AND published_at < $3 GROUP BY account_id`, orgID, ts(from), ts(to))
}

// PublishedByTemplate counts, per 型, the posts whose first target went
// out in [from, to): a post to three accounts is one post of its 型.
func (db *DB) PublishedByTemplate(ctx context.Context, orgID int64, from, to time.Time) (map[int64]int64, error) {
	return db.countBy(ctx, `SELECT p.template_id, COUNT(DISTINCT p.id) FROM post_targets t JOIN posts p ON p.id = t.post_id
		WHERE t.org_id = $1 AND t.state = 'sent' AND t.sent_at >= $2 AND t.sent_at < $3 AND p.template_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM post_targets o WHERE o.post_id = t.post_id AND o.state = 'sent' AND o.sent_at < $2)
		GROUP BY p.template_id`, orgID, ts(from), ts(to))
}

// ScoredPost is a post of the history with its score, for the best and
// weakest of a period.
type ScoredPost struct {
	External    bool
	ID          int64 // the post's ID, or the external post's
	AccountID   int64
	Network     string
	TemplateID  int64
	AuthorID    int64
	Text        string
	PublishedAt time.Time
	Score       int64
	Exposure    *int64
	Engagement  *int64
}

// TopScored returns up to n posts published on the days from..to with a
// score, the best first (or the weakest, with weakest); it walks the score
// index, not the period's posts.
func (db *DB) TopScored(ctx context.Context, orgID int64, from, to string, n int, weakest bool) ([]*ScoredPost, error) {
	order := "DESC"
	if weakest {
		order = "ASC"
	}
	rows, err := db.r.QueryContext(ctx, `SELECT l.external_id IS NOT NULL, COALESCE(l.post_id, l.external_id, 0), l.account_id, l.network, l.template_id, l.author_id,
			COALESCE(t.text, e.text, ''), l.published_at, l.score, l.exposure, l.engagement
		FROM metric_latest l LEFT JOIN post_targets t ON t.id = l.target_id LEFT JOIN external_posts e ON e.id = l.external_id
		WHERE l.org_id = $1 AND l.score IS NOT NULL AND l.day >= $2 AND l.day <= $3
		ORDER BY l.score `+order+`, l.day `+order+`, l.id `+order+` LIMIT $4`, orgID, from, to, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ScoredPost
	for rows.Next() {
		var p ScoredPost
		var at sqlTime
		if err := rows.Scan(&p.External, &p.ID, &p.AccountID, &p.Network, &p.TemplateID, &p.AuthorID, &p.Text, &at, &p.Score, &p.Exposure, &p.Engagement); err != nil {
			return nil, err
		}
		p.PublishedAt = at.t
		out = append(out, &p)
	}
	return out, rows.Err()
}
