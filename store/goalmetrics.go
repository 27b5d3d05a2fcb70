package store

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// MeasuredKPIEntries computes a goal's KPI values per local day from the
// measured data, as entries with Source soroe.SourceMeasured (never
// stored): the rollups of the goal's posts by their publish day
// (impressions — or views, or reach, where a network has no impressions —,
// engagements and their rate), the posts published, the follower change of
// the accounts the goal's posts went to, link clicks (the network's count
// or Soroe's tracked clicks, the larger of the two, never both added), and
// conversions of the KPI's event from GA4 key events and tracked
// conversions. Days outside the goal's period are left out.
func (db *DB) MeasuredKPIEntries(ctx context.Context, g *soroe.Goal) ([]*soroe.KPIEntry, error) {
	from, to := string(g.StartOn), string(g.Deadline)
	days, err := db.DailyMetrics(ctx, g.OrgID, DimGoal, g.ID, from, to)
	if err != nil {
		return nil, err
	}
	var out []*soroe.KPIEntry
	add := func(k *soroe.KPI, day string, v, den float64) {
		if v == 0 && den == 0 {
			return
		}
		out = append(out, &soroe.KPIEntry{KPIID: k.ID, Day: soroe.Date(day), Source: soroe.SourceMeasured, Value: v, Denominator: den})
	}
	var posts, followers, clicks map[string]float64
	for _, k := range g.KPIs {
		switch k.Metric {
		case soroe.MetricImpressions:
			for _, d := range days {
				add(k, d.Day, float64(d.Exposure), 0)
			}
		case soroe.MetricEngagements:
			for _, d := range days {
				add(k, d.Day, float64(d.Engagement), 0)
			}
		case soroe.MetricEngagementRate:
			for _, d := range days {
				if d.Exposure > 0 {
					add(k, d.Day, float64(d.Engagement), float64(d.Exposure))
				}
			}
		case soroe.MetricPostsPublished:
			if posts == nil {
				if posts, err = db.goalPostsPerDay(ctx, g); err != nil {
					return nil, err
				}
			}
			for day, n := range posts {
				add(k, day, n, 0)
			}
		case soroe.MetricFollowersGained:
			if followers == nil {
				if followers, err = db.goalFollowersGained(ctx, g); err != nil {
					return nil, err
				}
			}
			for day, n := range followers {
				add(k, day, n, 0)
			}
		case soroe.MetricLinkClicks:
			if clicks == nil {
				if clicks, err = db.goalTrackedClicks(ctx, g); err != nil {
					return nil, err
				}
			}
			net := map[string]float64{}
			for _, d := range days {
				net[d.Day] = float64(d.Metric(soroe.PostLinkClicks))
			}
			for day, n := range clicks {
				net[day] = max(net[day], n)
			}
			for day, n := range net {
				add(k, day, n, 0)
			}
		case soroe.MetricConversions:
			// GA4's key events and Soroe's own conversions may be the
			// same people: per day the larger of the two, never both.
			ga, err := db.goalConversions(ctx, g, k.Event)
			if err != nil {
				return nil, err
			}
			own, err := db.goalTrackedConversions(ctx, g, k.Event)
			if err != nil {
				return nil, err
			}
			for day, n := range own {
				ga[day] = max(ga[day], n)
			}
			for day, n := range ga {
				add(k, day, n, 0)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out, nil
}

// KPIValues returns a goal's values for progress: the hand-entered entries
// and the measured ones (score.DailyValues lets a measured day win over a
// hand-entered one, never adding them).
func (db *DB) KPIValues(ctx context.Context, g *soroe.Goal) ([]*soroe.KPIEntry, error) {
	manual, err := db.KPIEntries(ctx, g.OrgID, g.ID)
	if err != nil {
		return nil, err
	}
	measured, err := db.MeasuredKPIEntries(ctx, g)
	if err != nil {
		return nil, err
	}
	return append(manual, measured...), nil
}

func (db *DB) orgLoc(ctx context.Context, orgID int64) (*time.Location, error) {
	o, err := db.Org(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return o.Location(), nil
}

// goalPostsPerDay counts the goal's posts by the local day their first
// target was published.
func (db *DB) goalPostsPerDay(ctx context.Context, g *soroe.Goal) (map[string]float64, error) {
	loc, err := db.orgLoc(ctx, g.OrgID)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT MIN(t.sent_at) FROM posts p JOIN post_targets t ON t.post_id = p.id
		WHERE p.org_id = $1 AND p.goal_id = $2 AND t.state = 'sent' AND t.sent_at IS NOT NULL GROUP BY p.id`, g.OrgID, g.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var at sqlTime
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		day := string(soroe.DateOf(at.t, loc))
		if day >= string(g.StartOn) && day <= string(g.Deadline) {
			out[day]++
		}
	}
	return out, rows.Err()
}

// goalFollowersGained is the day-over-day change of the follower totals of
// the accounts the goal's posts were published on, from the day before the
// goal's start.
func (db *DB) goalFollowersGained(ctx context.Context, g *soroe.Goal) (map[string]float64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT f.account_id, f.day, f.followers FROM account_followers f
		WHERE f.org_id = $1 AND f.day >= $3 AND f.day <= $4 AND f.account_id IN (
			SELECT DISTINCT t.account_id FROM post_targets t JOIN posts p ON p.id = t.post_id WHERE p.org_id = $1 AND p.goal_id = $2)
		ORDER BY f.account_id, f.day`, g.OrgID, g.ID, string(g.StartOn.AddDays(-1)), string(g.Deadline))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]float64{}
	var prevAcct, prev int64 = 0, -1
	for rows.Next() {
		var acct, n int64
		var day string
		if err := rows.Scan(&acct, &day, &n); err != nil {
			return nil, err
		}
		if acct != prevAcct {
			prevAcct, prev = acct, -1
		}
		if prev >= 0 && day >= string(g.StartOn) {
			out[day] += float64(n - prev)
		}
		prev = n
	}
	return out, rows.Err()
}

// goalTrackedClicks counts the human clicks on the goal's tracked links
// per local day of the post's publishing (a period's figure is the
// activity of the posts published in it, as for the networks' numbers).
func (db *DB) goalTrackedClicks(ctx context.Context, g *soroe.Goal) (map[string]float64, error) {
	return db.goalOutcomesByPublishDay(ctx, g, `SELECT t.sent_at, COUNT(*) FROM link_clicks c
		JOIN tracked_links l ON l.id = c.link_id JOIN post_targets t ON t.id = l.target_id
		JOIN posts p ON p.id = l.post_id
		WHERE c.org_id = $1 AND p.goal_id = $2 AND t.sent_at IS NOT NULL GROUP BY t.id, t.sent_at`, g.OrgID, g.ID)
}

// goalTrackedConversions counts the goal's conversions of one event that
// were attributed to a tracked link, per local day of that post's
// publishing.
func (db *DB) goalTrackedConversions(ctx context.Context, g *soroe.Goal, event string) (map[string]float64, error) {
	return db.goalOutcomesByPublishDay(ctx, g, `SELECT t.sent_at, COUNT(*) FROM conversions c
		JOIN tracked_links l ON l.id = c.link_id JOIN post_targets t ON t.id = l.target_id
		WHERE c.org_id = $1 AND c.goal_id = $2 AND c.event = $3 AND c.source <> 'ga4' AND t.sent_at IS NOT NULL
		GROUP BY t.id, t.sent_at`, g.OrgID, g.ID, event)
}

func (db *DB) goalOutcomesByPublishDay(ctx context.Context, g *soroe.Goal, query string, args ...any) (map[string]float64, error) {
	loc, err := db.orgLoc(ctx, g.OrgID)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var at sqlTime
		var n int64
		if err := rows.Scan(&at, &n); err != nil {
			return nil, err
		}
		day := string(soroe.DateOf(at.t, loc))
		if day >= string(g.StartOn) && day <= string(g.Deadline) {
			out[day] += float64(n)
		}
	}
	return out, rows.Err()
}

// goalConversions counts a goal's conversions of one event per local day:
// GA4 key events of the goal's campaign (rows that name the event).
func (db *DB) goalConversions(ctx context.Context, g *soroe.Goal, event string) (map[string]float64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT day, events FROM web_traffic WHERE org_id = $1 AND goal_id = $2 AND day >= $3 AND day <= $4`,
		g.OrgID, g.ID, string(g.StartOn), string(g.Deadline))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var day, events string
		if err := rows.Scan(&day, &events); err != nil {
			return nil, err
		}
		for _, e := range strings.Split(events, ",") {
			name, n, ok := strings.Cut(e, "=")
			if !ok || name != event {
				continue
			}
			if v, err := strconv.ParseInt(n, 10, 64); err == nil {
				out[day] += float64(v)
			}
		}
	}
	return out, rows.Err()
}

// sqlTime scans an aggregate of a timestamp column, which SQLite returns
// as text.
type sqlTime struct{ t time.Time }

func (s *sqlTime) Scan(v any) error {
	switch x := v.(type) {
	case time.Time:
		s.t = x.UTC()
		return nil
	case string:
		return s.parse(x)
	case []byte:
		return s.parse(string(x))
	case nil:
		s.t = time.Time{}
		return nil
	}
	var nt sql.NullTime
	if err := nt.Scan(v); err != nil {
		return err
	}
	s.t = nt.Time.UTC()
	return nil
}

func (s *sqlTime) parse(x string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, x); err == nil {
			s.t = t.UTC()
			return nil
		}
	}
	return &time.ParseError{Layout: "timestamp", Value: x}
}
