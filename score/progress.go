// Package score holds Soroe's math as pure functions: KPI progress, pace and
// forecast (and, later, reaction scores and rollups). Nothing here reads a
// clock or a database.
package score

import (
	"sort"
	"time"

	"github.com/soroe/soroe"
)

// Status says how a KPI stands.
type Status string

// Statuses.
const (
	NotStarted Status = "not_started" // the goal's period has not begun
	NoData     Status = "no_data"     // the period has begun but nothing is recorded
	OnTrack    Status = "on_track"    // pace ≥ OnTrackPace
	AtRisk     Status = "at_risk"     // AtRiskPace ≤ pace < OnTrackPace
	Behind     Status = "behind"      // pace < AtRiskPace
	Achieved   Status = "achieved"    // the target is reached (counts: at any time; ratios: at the deadline)
	Missed     Status = "missed"      // the deadline passed short of the target
)

// The thresholds between statuses, as pace (actual ÷ expected by today). The
// UI states them next to every status.
const (
	OnTrackPace = 0.9
	AtRiskPace  = 0.7
)

// Day is one day's value of a KPI. For ratio KPIs Value is the numerator
// (engagements) and Denominator the base (impressions).
type Day struct {
	Day         soroe.Date
	Value       float64
	Denominator float64
}

// DailyValues folds entries from several sources into one value per day.
// Measured sources (imports, networks) win over a hand-entered value for the
// same day; several measured sources add up (X and Instagram impressions of
// one day are both real). So a later import never double-counts a day that
// was entered by hand. The result is sorted by day.
func DailyValues(entries []soroe.KPIEntry) []Day {
	type acc struct {
		manual, measured       Day
		hasManual, hasMeasured bool
	}
	by := map[soroe.Date]*acc{}
	for _, e := range entries {
		a := by[e.Day]
		if a == nil {
			a = &acc{}
			by[e.Day] = a
		}
		if e.Source == soroe.SourceManual {
			a.manual.Value += e.Value
			a.manual.Denominator += e.Denominator
			a.hasManual = true
		} else {
			a.measured.Value += e.Value
			a.measured.Denominator += e.Denominator
			a.hasMeasured = true
		}
	}
	out := make([]Day, 0, len(by))
	for d, a := range by {
		v := a.manual
		if a.hasMeasured {
			v = a.measured
		}
		v.Day = d
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// Progress is where a KPI stands on a given day.
type Progress struct {
	Ratio       bool     `json:"ratio"`
	Target      float64  `json:"target"`
	Actual      float64  `json:"actual"`              // sum to date; for ratios, the ratio to date
	Expected    float64  `json:"expected"`            // what a straight line from start to deadline expects by today
	Pace        *float64 `json:"pace,omitempty"`      // actual ÷ expected; absent when nothing is expected yet
	Forecast    *float64 `json:"forecast,omitempty"`  // value at the deadline at the current rate; absent before data
	OfTarget    *float64 `json:"of_target,omitempty"` // actual ÷ target; absent for a zero target
	DaysTotal   int      `json:"days_total"`          // days in the period, both ends included
	DaysElapsed int      `json:"days_elapsed"`        // days of the period up to and including today
	DaysLeft    int      `json:"days_left"`           // days after today up to the deadline
	Status      Status   `json:"status"`
	LastDay     string   `json:"last_day,omitempty"` // the latest day with data in the period
}

// KPI is what Compute needs of a KPI.
type KPI struct {
	Ratio    bool
	Target   float64
	Baseline *float64
}

// Compute returns a KPI's progress on today, for a goal running from start
// to deadline (both included), from the KPI's daily values. Days outside the
// period are ignored.
//
// Counts add up: the expected value grows linearly from 0 on the day before
// start to the target on the deadline; the forecast carries the average
// daily rate so far to the deadline. Ratios do not add up: the actual value
// is Σ numerators ÷ Σ denominators, the expected value moves linearly from
// the baseline (or the target, without one) to the target, and the forecast
// is the current ratio.
func Compute(k KPI, start, deadline, today soroe.Date, days []Day) Progress {
	p := Progress{Ratio: k.Ratio, Target: k.Target}
	p.DaysTotal = start.DaysUntil(deadline) + 1
	if p.DaysTotal < 1 {
		p.DaysTotal = 1
	}
	p.DaysElapsed = min(max(start.DaysUntil(today)+1, 0), p.DaysTotal)
	p.DaysLeft = min(max(today.DaysUntil(deadline), 0), p.DaysTotal)

	var sum, den float64
	seen := false
	for _, d := range days {
		if d.Day < start || d.Day > deadline || d.Day > today {
			continue
		}
		sum += d.Value
		den += d.Denominator
		seen = true
		if string(d.Day) > p.LastDay {
			p.LastDay = string(d.Day)
		}
	}
	frac := float64(p.DaysElapsed) / float64(p.DaysTotal)
	if k.Ratio {
		seen = seen && den > 0
		if seen {
			p.Actual = sum / den
		}
		from := k.Target
		if k.Baseline != nil {
			from = *k.Baseline
		}
		p.Expected = from + (k.Target-from)*frac
		if p.DaysElapsed == 0 {
			p.Expected = 0
		}
		if seen {
			p.Forecast = ptr(p.Actual)
		}
	} else {
		p.Actual = sum
		p.Expected = k.Target * frac
		if p.DaysElapsed > 0 && seen {
			p.Forecast = ptr(sum / float64(p.DaysElapsed) * float64(p.DaysTotal))
		}
	}
	if p.Expected > 0 {
		p.Pace = ptr(p.Actual / p.Expected)
	}
	if k.Target > 0 {
		p.OfTarget = ptr(p.Actual / k.Target)
	}
	after := today > deadline
	switch {
	case p.DaysElapsed == 0:
		p.Status = NotStarted
	case !k.Ratio && p.Actual >= k.Target:
		p.Status = Achieved
	case after && p.Actual >= k.Target && seen:
		p.Status = Achieved
	case after:
		p.Status = Missed
	case !seen:
		p.Status = NoData
	case p.Pace == nil || *p.Pace >= OnTrackPace:
		p.Status = OnTrack
	case *p.Pace >= AtRiskPace:
		p.Status = AtRisk
	default:
		p.Status = Behind
	}
	return p
}

func ptr(f float64) *float64 { return &f }

// TrendPoint is a KPI's standing at the end of one week.
type TrendPoint struct {
	Day      soroe.Date `json:"day"` // the week's last day counted (a Sunday, or today, or the deadline)
	Actual   float64    `json:"actual"`
	Expected float64    `json:"expected"`
}

// Trend is a KPI's weekly trend from start to today (or the deadline, if
// it has passed): its standing at the end of each week, Monday to Sunday,
// the last week cut at today. Before the start it is empty.
func Trend(k KPI, start, deadline, today soroe.Date, days []Day) []TrendPoint {
	end := min(today, deadline)
	if end < start {
		return nil
	}
	var out []TrendPoint
	t, _ := time.Parse(soroe.DateLayout, string(start))
	// The first Sunday on or after the start.
	d := start.AddDays((7 - int(t.Weekday())) % 7)
	for {
		d = min(d, end)
		p := Compute(k, start, deadline, d, days)
		out = append(out, TrendPoint{Day: d, Actual: p.Actual, Expected: p.Expected})
		if d == end {
			return out
		}
		d = d.AddDays(7)
	}
}
