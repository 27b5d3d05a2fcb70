package score

import (
	"math"
	"testing"

	"github.com/soroe/soroe"
)

func f(v float64) *float64 { return &v }

func near(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9
}

func TestCompute(t *testing.T) {
	// A 30-day November goal.
	const start, deadline = soroe.Date("2026-11-01"), soroe.Date("2026-11-30")
	daily := func(from soroe.Date, n int, v float64) []Day {
		var ds []Day
		for i := range n {
			ds = append(ds, Day{Day: from.AddDays(i), Value: v})
		}
		return ds
	}
	tests := []struct {
		name     string
		k        KPI
		today    soroe.Date
		days     []Day
		actual   float64
		expected float64
		pace     *float64
		forecast *float64
		left     int
		status   Status
	}{
		{
			name: "on track: 10 of 30 days at the needed rate",
			k:    KPI{Target: 30}, today: "2026-11-10", days: daily(start, 10, 1),
			actual: 10, expected: 10, pace: f(1), forecast: f(30), left: 20, status: OnTrack,
		},
		{
			name: "at risk: 80% of the expected",
			k:    KPI{Target: 300}, today: "2026-11-10", days: daily(start, 10, 8),
			actual: 80, expected: 100, pace: f(0.8), forecast: f(240), left: 20, status: AtRisk,
		},
		{
			name: "behind: half the expected",
			k:    KPI{Target: 300}, today: "2026-11-10", days: daily(start, 10, 5),
			actual: 50, expected: 100, pace: f(0.5), forecast: f(150), left: 20, status: Behind,
		},
		{
			name: "no data yet in a running period",
			k:    KPI{Target: 300}, today: "2026-11-05",
			actual: 0, expected: 50, pace: f(0), left: 25, status: NoData,
		},
		{
			name: "goal starting in the future",
			k:    KPI{Target: 300}, today: "2026-10-20", days: daily("2026-10-15", 5, 9),
			actual: 0, expected: 0, left: 30, status: NotStarted,
		},
		{
			name: "achieved early: counts cannot fall back",
			k:    KPI{Target: 20}, today: "2026-11-10", days: daily(start, 10, 3),
			actual: 30, expected: 20.0 / 3, pace: f(4.5), forecast: f(90), left: 20, status: Achieved,
		},
		{
			name: "deadline passed short of the target",
			k:    KPI{Target: 300}, today: "2026-12-05", days: daily(start, 30, 9),
			actual: 270, expected: 300, pace: f(0.9), forecast: f(270), left: 0, status: Missed,
		},
		{
			name: "deadline passed on target; days after the deadline are ignored",
			k:    KPI{Target: 300}, today: "2026-12-05", days: append(daily(start, 30, 10), daily("2026-12-01", 3, 100)...),
			actual: 300, expected: 300, pace: f(1), forecast: f(300), left: 0, status: Achieved,
		},
		{
			name: "zero target counts as reached",
			k:    KPI{Target: 0}, today: "2026-11-10",
			actual: 0, expected: 0, left: 20, status: Achieved,
		},
		{
			name: "days before today only: a future-dated entry does not count yet",
			k:    KPI{Target: 30}, today: "2026-11-10", days: append(daily(start, 10, 1), Day{Day: "2026-11-20", Value: 50}),
			actual: 10, expected: 10, pace: f(1), forecast: f(30), left: 20, status: OnTrack,
		},
		{
			name: "ratio: Σ engagements ÷ Σ impressions; a day without impressions adds nothing",
			k:    KPI{Ratio: true, Target: 0.05}, today: "2026-11-10",
			days:   []Day{{"2026-11-01", 10, 100}, {"2026-11-02", 90, 900}, {"2026-11-03", 0, 0}},
			actual: 0.1, expected: 0.05, pace: f(2), forecast: f(0.1), left: 20, status: OnTrack,
		},
		{
			name: "ratio weighted by impressions",
			k:    KPI{Ratio: true, Target: 0.04}, today: "2026-11-10",
			days: []Day{{"2026-11-01", 1, 10}, {"2026-11-02", 20, 1000}},
			// 21/1010, not (0.1+0.02)/2 = 0.06
			actual: 21.0 / 1010, expected: 0.04, pace: f(21.0 / 1010 / 0.04), forecast: f(21.0 / 1010), left: 20, status: Behind,
		},
		{
			name: "ratio with a baseline: expected moves from baseline to target",
			k:    KPI{Ratio: true, Target: 0.04, Baseline: f(0.01)}, today: "2026-11-10",
			days:   []Day{{"2026-11-05", 2, 100}},
			actual: 0.02, expected: 0.01 + 0.03/3, pace: f(1), forecast: f(0.02), left: 20, status: OnTrack,
		},
		{
			name: "ratio over at the deadline: reached",
			k:    KPI{Ratio: true, Target: 0.03}, today: "2026-12-01",
			days:   []Day{{"2026-11-05", 4, 100}},
			actual: 0.04, expected: 0.03, pace: f(4.0 / 3), forecast: f(0.04), left: 0, status: Achieved,
		},
		{
			name: "ratio with impressions but no engagements is data, not missing",
			k:    KPI{Ratio: true, Target: 0.03}, today: "2026-11-10",
			days:   []Day{{"2026-11-05", 0, 100}},
			actual: 0, expected: 0.03, pace: f(0), forecast: f(0), left: 20, status: Behind,
		},
		{
			name: "ratio without impressions is no data",
			k:    KPI{Ratio: true, Target: 0.03}, today: "2026-11-10",
			actual: 0, expected: 0.03, pace: f(0), left: 20, status: NoData,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Compute(tt.k, start, deadline, tt.today, tt.days)
			if math.Abs(p.Actual-tt.actual) > 1e-9 || math.Abs(p.Expected-tt.expected) > 1e-9 {
				t.Errorf("actual %v expected %v, want %v and %v", p.Actual, p.Expected, tt.actual, tt.expected)
			}
			if !near(p.Pace, tt.pace) {
				t.Errorf("pace %v, want %v", deref(p.Pace), deref(tt.pace))
			}
			if !near(p.Forecast, tt.forecast) {
				t.Errorf("forecast %v, want %v", deref(p.Forecast), deref(tt.forecast))
			}
			if p.DaysLeft != tt.left || p.DaysTotal != 30 {
				t.Errorf("days left %d of %d, want %d of 30", p.DaysLeft, p.DaysTotal, tt.left)
			}
			if p.Status != tt.status {
				t.Errorf("status %s, want %s", p.Status, tt.status)
			}
		})
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestOneDayGoal(t *testing.T) {
	p := Compute(KPI{Target: 5}, "2026-11-20", "2026-11-20", "2026-11-20", []Day{{"2026-11-20", 3, 0}})
	if p.DaysTotal != 1 || p.DaysElapsed != 1 || p.DaysLeft != 0 || p.Expected != 5 || p.Status != Behind {
		t.Errorf("%+v", p)
	}
}

func TestDailyValues(t *testing.T) {
	in := []soroe.KPIEntry{
		{Day: "2026-11-02", Source: soroe.SourceManual, Value: 3},
		{Day: "2026-11-01", Source: soroe.SourceManual, Value: 5},
		{Day: "2026-11-01", Source: "import:ga4", Value: 4},
		{Day: "2026-11-01", Source: "network:x", Value: 2},
		{Day: "2026-11-03", Source: "network:x", Value: 7, Denominator: 70},
	}
	got := DailyValues(in)
	want := []Day{{"2026-11-01", 6, 0}, {"2026-11-02", 3, 0}, {"2026-11-03", 7, 70}}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("day %d: %+v, want %+v (a measured value replaces the hand-entered one)", i, got[i], want[i])
		}
	}
	if len(DailyValues(nil)) != 0 {
		t.Error("no entries, no days")
	}
}

func TestTrend(t *testing.T) {
	// A goal from Wednesday 2026-11-04 to Monday 2026-11-30, 27 days, target 27.
	k := KPI{Target: 27}
	days := []Day{{Day: "2026-11-04", Value: 2}, {Day: "2026-11-10", Value: 5}, {Day: "2026-11-20", Value: 1}, {Day: "2026-12-01", Value: 9}}
	for _, c := range []struct {
		today soroe.Date
		want  []TrendPoint
	}{
		{"2026-11-03", nil},
		{"2026-11-04", []TrendPoint{{"2026-11-04", 2, 1}}},
		{"2026-11-12", []TrendPoint{{"2026-11-08", 2, 5}, {"2026-11-12", 7, 9}}},
		// After the deadline: weeks to the deadline, the day after it ignored.
		{"2026-12-05", []TrendPoint{{"2026-11-08", 2, 5}, {"2026-11-15", 7, 12}, {"2026-11-22", 8, 19}, {"2026-11-29", 8, 26}, {"2026-11-30", 8, 27}}},
	} {
		got := Trend(k, "2026-11-04", "2026-11-30", c.today, days)
		if len(got) != len(c.want) {
			t.Errorf("%s: %+v, want %+v", c.today, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: week %d %+v, want %+v", c.today, i, got[i], c.want[i])
			}
		}
	}
	// A ratio's trend is the ratio to date.
	r := Trend(KPI{Ratio: true, Target: 0.05}, "2026-11-02", "2026-11-15", "2026-11-15",
		[]Day{{Day: "2026-11-02", Value: 3, Denominator: 100}, {Day: "2026-11-09", Value: 1, Denominator: 100}})
	if len(r) != 2 || r[0].Actual != 0.03 || r[1].Actual != 0.02 || r[1].Expected != 0.05 {
		t.Errorf("ratio trend %+v", r)
	}
}
