package soroe

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Purpose is what a goal serves: the category that picks starter 型 and,
// later, what the AI generator writes for.
type Purpose string

// Purposes.
const (
	PurposeRecruiting     Purpose = "recruiting"      // 採用
	PurposeLeadGeneration Purpose = "lead_generation" // 資料請求・問い合わせ
	PurposeAwareness      Purpose = "awareness"       // ブランド認知
	PurposeSales          Purpose = "sales"           // 販売
	PurposeCommunity      Purpose = "community"       // ファン
	PurposeOther          Purpose = "other"
)

// Purposes lists every purpose in display order.
var Purposes = []Purpose{PurposeRecruiting, PurposeLeadGeneration, PurposeAwareness, PurposeSales, PurposeCommunity, PurposeOther}

// Valid reports whether p is one of Purposes.
func (p Purpose) Valid() bool { return slices.Contains(Purposes, p) }

// Metric is what a KPI counts.
type Metric string

// Metrics. Every metric but engagement rate adds up over days; engagement
// rate is a ratio (engagements ÷ impressions) and is never summed.
const (
	MetricImpressions     Metric = "impressions"
	MetricEngagements     Metric = "engagements"
	MetricEngagementRate  Metric = "engagement_rate"
	MetricFollowersGained Metric = "followers_gained"
	MetricLinkClicks      Metric = "link_clicks"
	MetricPostsPublished  Metric = "posts_published"
	MetricConversions     Metric = "conversions" // of a named event, e.g. document_download
)

// Metrics lists every metric in display order.
var Metrics = []Metric{MetricImpressions, MetricEngagements, MetricEngagementRate, MetricFollowersGained, MetricLinkClicks, MetricPostsPublished, MetricConversions}

// Valid reports whether m is one of Metrics.
func (m Metric) Valid() bool { return slices.Contains(Metrics, m) }

// Ratio reports whether the metric is a ratio rather than a count.
func (m Metric) Ratio() bool { return m == MetricEngagementRate }

// Date is a calendar day in an organization's time zone, as "2006-01-02".
type Date string

// DateLayout is how a Date is written.
const DateLayout = "2006-01-02"

// ParseDate checks and returns a Date.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return "", Invalid("date", "invalid_date")
	}
	return Date(t.Format(DateLayout)), nil
}

// DateOf returns the day t falls on in loc.
func DateOf(t time.Time, loc *time.Location) Date { return Date(t.In(loc).Format(DateLayout)) }

// Time returns midnight of the day in loc.
func (d Date) Time(loc *time.Location) time.Time {
	t, _ := time.ParseInLocation(DateLayout, string(d), loc)
	return t
}

// DaysUntil returns the number of calendar days from d to e (negative when
// e is before d).
func (d Date) DaysUntil(e Date) int {
	a, _ := time.Parse(DateLayout, string(d))
	b, _ := time.Parse(DateLayout, string(e))
	return int(b.Sub(a).Hours() / 24)
}

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date {
	t, _ := time.Parse(DateLayout, string(d))
	return Date(t.AddDate(0, 0, n).Format(DateLayout))
}

// Goal is a purpose put into words: a KPI with a numeric target, a deadline,
// and the strategy it serves.
type Goal struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	Title     string    `json:"title"`
	Purpose   Purpose   `json:"purpose"`
	Strategy  string    `json:"strategy"`
	OwnerID   int64     `json:"owner_id"`
	OwnerName string    `json:"owner_name,omitempty"`
	StartOn   Date      `json:"start_on"`
	Deadline  Date      `json:"deadline"`
	KPIs      []*KPI    `json:"kpis"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// KPI is one measured target of a goal. Exactly one KPI of a goal is
// primary.
type KPI struct {
	ID       int64    `json:"id"`
	GoalID   int64    `json:"goal_id"`
	Primary  bool     `json:"primary"`
	Metric   Metric   `json:"metric"`
	Event    string   `json:"event,omitempty"` // for MetricConversions: the organization's own event name
	Target   float64  `json:"target"`
	Baseline *float64 `json:"baseline,omitempty"`
}

var eventName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)

// Label is a short stable name: the metric, or "conversions:<event>".
func (k *KPI) Label() string {
	if k.Metric == MetricConversions {
		return string(k.Metric) + ":" + k.Event
	}
	return string(k.Metric)
}

// MaxKPIs is how many KPIs one goal may have.
const MaxKPIs = 6

// Validate checks a goal and its KPIs before they are stored.
func (g *Goal) Validate() error {
	g.Title = strings.TrimSpace(g.Title)
	g.Strategy = strings.TrimSpace(g.Strategy)
	switch {
	case g.Title == "":
		return Invalid("title", "required")
	case len([]rune(g.Title)) > 120:
		return Invalid("title", "too_long")
	case !g.Purpose.Valid():
		return Invalid("purpose", "unknown_purpose")
	case len([]rune(g.Strategy)) > 2000:
		return Invalid("strategy", "too_long")
	case g.OwnerID == 0:
		return Invalid("owner_id", "required")
	}
	if _, err := ParseDate(string(g.StartOn)); err != nil {
		return Invalid("start_on", "invalid_date")
	}
	if _, err := ParseDate(string(g.Deadline)); err != nil {
		return Invalid("deadline", "invalid_date")
	}
	if g.StartOn.DaysUntil(g.Deadline) < 0 {
		return Invalid("deadline", "deadline_before_start")
	}
	if len(g.KPIs) == 0 {
		return Invalid("kpis", "kpi_required")
	}
	if len(g.KPIs) > MaxKPIs {
		return Invalid("kpis", "too_many_kpis")
	}
	primaries := 0
	seen := map[string]bool{}
	for i, k := range g.KPIs {
		field := fmt.Sprintf("kpis[%d]", i)
		k.Event = strings.TrimSpace(k.Event)
		if !k.Metric.Valid() {
			return Invalid(field+".metric", "unknown_metric")
		}
		if k.Metric == MetricConversions && !eventName.MatchString(k.Event) {
			return Invalid(field+".event", "invalid_event")
		}
		if k.Metric != MetricConversions {
			k.Event = ""
		}
		if k.Target < 0 || (k.Metric.Ratio() && k.Target > 1) {
			return Invalid(field+".target", "invalid_target")
		}
		if k.Baseline != nil && (*k.Baseline < 0 || (k.Metric.Ratio() && *k.Baseline > 1)) {
			return Invalid(field+".baseline", "invalid_target")
		}
		if seen[k.Label()] {
			return Invalid(field+".metric", "duplicate_kpi")
		}
		seen[k.Label()] = true
		if k.Primary {
			primaries++
		}
	}
	if primaries == 0 {
		g.KPIs[0].Primary = true
	} else if primaries > 1 {
		return Invalid("kpis", "one_primary_kpi")
	}
	return nil
}

// PrimaryKPI returns the goal's primary KPI.
func (g *Goal) PrimaryKPI() *KPI {
	for _, k := range g.KPIs {
		if k.Primary {
			return k
		}
	}
	if len(g.KPIs) > 0 {
		return g.KPIs[0]
	}
	return nil
}

// Entry sources. Values entered by hand are kept apart from measured ones,
// so that an import of the same day never counts twice (see
// score.DailyValues).
const SourceManual = "manual"

// SourceMeasured marks KPI values computed from the measured data of a
// goal's posts (snapshots, tracked clicks, conversions), never stored as
// entries: a period's figure is the activity of the posts published in it.
const SourceMeasured = "measured"

// KPIEntry is one day's value of a KPI from one source. For ratio metrics
// Value is the numerator (engagements) and Denominator the impressions.
type KPIEntry struct {
	ID          int64     `json:"id"`
	KPIID       int64     `json:"kpi_id"`
	Day         Date      `json:"day"`
	Source      string    `json:"source"`
	Value       float64   `json:"value"`
	Denominator float64   `json:"denominator,omitempty"`
	Note        string    `json:"note,omitempty"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// GoalChange is one line of a goal's audit trail: a change to a target,
// a deadline, or any other field, with who and when.
type GoalChange struct {
	ID        int64     `json:"id"`
	GoalID    int64     `json:"goal_id"`
	UserID    int64     `json:"user_id"`
	UserName  string    `json:"user_name,omitempty"`
	Field     string    `json:"field"`
	Old       string    `json:"old"`
	New       string    `json:"new"`
	CreatedAt time.Time `json:"created_at"`
}
