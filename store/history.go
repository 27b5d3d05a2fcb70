package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// The post history's states of a row: how it came to be posted (or not).
const (
	HistoryPublished   = "published"   // sent by Soroe through the network's API
	HistoryManual      = "manual"      // posted by hand, its URL recorded by a member
	HistoryExternal    = "external"    // posted outside Soroe, known from an import
	HistoryUnconfirmed = "unconfirmed" // sent, outcome unknown until checked
	HistoryFailed      = "failed"      // publishing failed
)

// HistoryStates lists the states in the order lists show them.
var HistoryStates = []string{HistoryPublished, HistoryManual, HistoryExternal, HistoryUnconfirmed, HistoryFailed}

// historyPosted are the states a filter without states selects: what is
// out on a network.
var historyPosted = []string{HistoryPublished, HistoryManual, HistoryExternal}

// History sort keys besides the metrics of the vocabulary
// (soroe.PostMetrics), which sort by their latest value.
const (
	SortPublished      = "published"
	SortScore          = "score"
	SortExposure       = "exposure"
	SortEngagement     = "engagement"
	SortEngagementRate = "engagement_rate"
	SortComments       = "comments"
)

// HistorySorts lists every sort key a filter accepts.
var HistorySorts = func() []string {
	out := []string{SortPublished, SortScore, SortExposure, SortEngagement, SortEngagementRate, SortComments}
	for _, m := range soroe.PostMetrics {
		out = append(out, string(m))
	}
	return out
}()

// Search limits: terms beyond maxSearchTerms are ignored, a longer term is
// cut to maxTermRunes.
const (
	maxSearchTerms = 8
	maxTermRunes   = 100
	trigramRunes   = 3 // a term shorter than this cannot use the trigram index
)

// SearchTerms splits a search query into its terms: words separated by
// spaces (ASCII or full-width); every term must occur in the text.
func SearchTerms(q string) []string {
	var out []string
	for _, f := range strings.Fields(q) {
		if len(out) == maxSearchTerms {
			break
		}
		if utf8.RuneCountInString(f) > maxTermRunes {
			f = string([]rune(f)[:maxTermRunes])
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// likeEscape makes s a LIKE pattern matching s anywhere (escape \).
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// ftsPhrase quotes s as one FTS5 phrase (its trigrams in sequence: the
// substring).
func ftsPhrase(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// historyQuery is a filter turned into SQL: the rows (a UNION of post
// targets and external posts, one column per figure the list filters or
// sorts by) and the conditions on them.
type historyQuery struct {
	args []any
	base string // SELECT … UNION ALL SELECT …
	cond string // " WHERE …" on the base's rows, or ""
}

func (q *historyQuery) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

// historyCols are the base's columns after the identifying ones: the latest
// row's figures (NULL when none).
var historyCols = "l.id AS latest_id, l.score, l.exposure, COALESCE(l.exposure_kind, '') AS exposure_kind, l.engagement, " +
	func() string {
		var b []string
		for _, m := range soroe.PostMetrics {
			b = append(b, "l."+string(m))
		}
		return strings.Join(b, ", ")
	}()

// targetState is a post target's history state.
const targetState = `CASE WHEN t.state = 'sent' AND (t.network = 'manual' OR EXISTS (SELECT 1 FROM post_events ev
		WHERE ev.post_id = t.post_id AND ev.target_id = t.id AND ev.kind = 'sent' AND ev.detail LIKE 'recorded by hand:%'))
	THEN 'manual' WHEN t.state = 'sent' THEN 'published' ELSE t.state END`

// buildHistory turns f into SQL on engine e; loc is the organization's
// zone (for FromDay and ToDay).
func buildHistory(e Engine, f AnalyticsFilter, loc locationer) (*historyQuery, error) {
	q := &historyQuery{}
	org := q.arg(f.OrgID)
	states := f.States
	if len(states) == 0 {
		states = historyPosted
	}
	for _, s := range states {
		if !slices.Contains(HistoryStates, s) {
			return nil, soroe.Invalid("state", "unknown_state")
		}
	}
	if f.Sort != "" && !slices.Contains(HistorySorts, f.Sort) {
		return nil, soroe.Invalid("sort", "unknown_sort")
	}
	if f.MinScore != nil && f.MaxScore != nil && *f.MinScore > *f.MaxScore {
		return nil, soroe.Invalid("score_max", "below_min")
	}
	if f.Network != "" && !f.Network.Valid() {
		return nil, soroe.Invalid("network", "unknown_network")
	}
	// Search: each term in the text, by the trigram index where the term is
	// long enough, else by LIKE.
	var targetSearch, externalSearch []string
	for _, term := range SearchTerms(f.Query) {
		switch {
		case e == Postgres:
			p := q.arg(likeEscape(term))
			targetSearch = append(targetSearch, "t.text ILIKE "+p+` ESCAPE '\'`)
			externalSearch = append(externalSearch, "e.text ILIKE "+p+` ESCAPE '\'`)
		case utf8.RuneCountInString(term) >= trigramRunes:
			p := q.arg(ftsPhrase(term))
			targetSearch = append(targetSearch, "t.id IN (SELECT rowid FROM post_targets_fts WHERE post_targets_fts MATCH "+p+")")
			externalSearch = append(externalSearch, "e.id IN (SELECT rowid FROM external_posts_fts WHERE external_posts_fts MATCH "+p+")")
		default:
			p := q.arg(likeEscape(term))
			targetSearch = append(targetSearch, "t.text LIKE "+p+` ESCAPE '\'`)
			externalSearch = append(externalSearch, "e.text LIKE "+p+` ESCAPE '\'`)
		}
	}
	and := func(conds []string) string {
		if len(conds) == 0 {
			return ""
		}
		return " AND " + strings.Join(conds, " AND ")
	}
	var parts []string
	var targetStates []string
	for _, s := range states {
		switch s {
		case HistoryPublished, HistoryManual:
			if !slices.Contains(targetStates, "'sent'") {
				targetStates = append(targetStates, "'sent'")
			}
		case HistoryUnconfirmed:
			targetStates = append(targetStates, "'unconfirmed'")
		case HistoryFailed:
			targetStates = append(targetStates, "'failed'")
		}
	}
	if len(targetStates) > 0 {
		parts = append(parts, `SELECT FALSE AS external, t.post_id AS id, t.id AS target_id, t.account_id, t.network, t.remote_id, t.url, t.text,
			'' AS kind, COALESCE(t.sent_at, t.last_attempt_at, t.next_attempt_at) AS published_at, COALESCE(p.goal_id, 0) AS goal_id,
			COALESCE(p.template_id, 0) AS template_id, p.template_version AS template_ver, p.author_id, `+targetState+` AS state,
			(SELECT COUNT(*) FROM post_comments c WHERE c.post_id = p.id) AS comments, `+historyCols+`
		FROM post_targets t JOIN posts p ON p.id = t.post_id LEFT JOIN metric_latest l ON l.target_id = t.id
		WHERE t.org_id = `+org+` AND t.state IN (`+strings.Join(targetStates, ", ")+`)`+and(targetSearch))
	}
	if slices.Contains(states, HistoryExternal) {
		parts = append(parts, `SELECT TRUE AS external, e.id AS id, 0 AS target_id, e.account_id, e.network, e.remote_id, e.url, e.text, e.kind,
			e.published_at, 0 AS goal_id, 0 AS template_id, 0 AS template_ver, 0 AS author_id, 'external' AS state, 0 AS comments, `+historyCols+`
		FROM external_posts e LEFT JOIN metric_latest l ON l.external_id = e.id
		WHERE e.org_id = `+org+and(externalSearch))
	}
	q.base = strings.Join(parts, "\n\t\tUNION ALL\n\t\t")

	var where []string
	if len(f.States) > 0 {
		var ph []string
		for _, s := range f.States {
			ph = append(ph, q.arg(s))
		}
		where = append(where, "state IN ("+strings.Join(ph, ", ")+")")
	}
	if f.AccountID != 0 {
		where = append(where, "account_id = "+q.arg(f.AccountID))
	}
	if f.GoalID != 0 {
		where = append(where, "goal_id = "+q.arg(f.GoalID))
	}
	if f.TemplateID != 0 {
		where = append(where, "template_id = "+q.arg(f.TemplateID))
		if f.TemplateVersion != 0 {
			where = append(where, "template_ver = "+q.arg(f.TemplateVersion))
		}
	}
	if f.AuthorID != 0 {
		where = append(where, "author_id = "+q.arg(f.AuthorID))
	}
	if f.Network != "" {
		where = append(where, "network = "+q.arg(string(f.Network)))
	}
	from, to := f.From, f.To
	if f.FromDay != "" || f.ToDay != "" {
		l, err := loc()
		if err != nil {
			return nil, err
		}
		if f.FromDay != "" {
			d, err := soroe.ParseDate(string(f.FromDay))
			if err != nil {
				return nil, soroe.Invalid("from", "invalid_date")
			}
			if t := d.Time(l); from.IsZero() || t.After(from) {
				from = t
			}
		}
		if f.ToDay != "" {
			d, err := soroe.ParseDate(string(f.ToDay))
			if err != nil {
				return nil, soroe.Invalid("to", "invalid_date")
			}
			if t := d.AddDays(1).Time(l); to.IsZero() || t.Before(to) {
				to = t
			}
		}
	}
	if !from.IsZero() {
		where = append(where, "published_at >= "+q.arg(ts(from)))
	}
	if !to.IsZero() {
		where = append(where, "published_at < "+q.arg(ts(to)))
	}
	if f.MinScore != nil {
		where = append(where, "score >= "+q.arg(*f.MinScore))
	}
	if f.MaxScore != nil {
		where = append(where, "score <= "+q.arg(*f.MaxScore))
	}
	if len(where) > 0 {
		q.cond = " WHERE " + strings.Join(where, " AND ")
	}
	return q, nil
}

// locationer gives the organization's zone when a filter needs it.
type locationer func() (*time.Location, error)

// orgLocation reads an organization's zone when asked.
func (db *DB) orgLocation(ctx context.Context, orgID int64) locationer {
	return func() (*time.Location, error) {
		o, err := db.Org(ctx, orgID)
		if err != nil {
			return nil, err
		}
		return o.Location(), nil
	}
}

// order is the ORDER BY of f's sort: the key (rows without it last, in
// either direction), then the newest first.
func historyOrder(f AnalyticsFilter) string {
	dir := " DESC"
	if f.Asc {
		dir = " ASC"
	}
	var key string
	switch f.Sort {
	case "", SortPublished:
		return " ORDER BY published_at" + dir + ", target_id" + dir + ", id" + dir
	case SortEngagementRate:
		key = "CASE WHEN exposure > 0 THEN CAST(engagement AS DOUBLE PRECISION) / exposure END"
	default:
		key = f.Sort // a checked column name: score, exposure, engagement, comments or a metric
	}
	return " ORDER BY (" + key + ") IS NULL, " + key + dir + ", published_at DESC, target_id DESC, id DESC"
}

// HistorySummary is what the compare page puts side by side: how many
// posts, their average score, total impressions and engagement, and the
// engagement rate over the posts that have both an exposure and an
// engagement, with the kinds of exposure that rate divides by.
type HistorySummary struct {
	Posts       int      `json:"posts"`
	Scored      int      `json:"scored"`
	ScoreSum    int64    `json:"-"`
	Impressions int64    `json:"impressions"`
	WithImpr    int      `json:"posts_with_impressions"`
	Engagement  int64    `json:"engagement"`
	Rated       int      `json:"posts_rated"`     // posts in the rate
	RateExp     int64    `json:"rate_exposure"`   // the rate's denominator
	RateEng     int64    `json:"rate_engagement"` // the rate's numerator
	RatePer     []string `json:"rate_per"`        // exposure kinds in the denominator: impressions, views, reach
	AvgScore    *float64 `json:"average_score"`   // nil when none is scored
	Rate        *float64 `json:"engagement_rate"` // nil when no post has both figures
}

// HistorySummary sums the posts a filter selects (its Sort, Limit and
// Offset do not matter).
func (db *DB) HistorySummary(ctx context.Context, f AnalyticsFilter) (*HistorySummary, error) {
	q, err := buildHistory(db.Engine, f, db.orgLocation(ctx, f.OrgID))
	if err != nil {
		return nil, err
	}
	out := &HistorySummary{RatePer: []string{}}
	if q.base == "" {
		return out, nil
	}
	const rated = "exposure > 0 AND engagement IS NOT NULL"
	err = db.r.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(score), CAST(COALESCE(SUM(score), 0) AS BIGINT),
			CAST(COALESCE(SUM(impressions), 0) AS BIGINT), COUNT(impressions), CAST(COALESCE(SUM(engagement), 0) AS BIGINT),
			COUNT(CASE WHEN `+rated+` THEN 1 END),
			CAST(COALESCE(SUM(CASE WHEN `+rated+` THEN exposure END), 0) AS BIGINT),
			CAST(COALESCE(SUM(CASE WHEN `+rated+` THEN engagement END), 0) AS BIGINT)
		FROM (`+q.base+`) x`+q.cond, q.args...).
		Scan(&out.Posts, &out.Scored, &out.ScoreSum, &out.Impressions, &out.WithImpr, &out.Engagement, &out.Rated, &out.RateExp, &out.RateEng)
	if err != nil {
		return nil, err
	}
	if out.Scored > 0 {
		avg := float64(out.ScoreSum) / float64(out.Scored)
		out.AvgScore = &avg
	}
	if out.RateExp > 0 {
		r := float64(out.RateEng) / float64(out.RateExp)
		out.Rate = &r
		cond := " WHERE " + rated
		if q.cond != "" {
			cond = q.cond + " AND " + rated
		}
		rows, err := db.r.QueryContext(ctx, "SELECT DISTINCT exposure_kind FROM ("+q.base+") x"+cond, q.args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return nil, err
			}
			out.RatePer = append(out.RatePer, k)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		// The vocabulary's order: impressions, views, reach.
		slices.SortFunc(out.RatePer, func(a, b string) int {
			return metricIndex(soroe.PostMetric(a)) - metricIndex(soroe.PostMetric(b))
		})
	}
	return out, nil
}
