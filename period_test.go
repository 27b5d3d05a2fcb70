package soroe

import (
	"errors"
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	for _, c := range []struct {
		kind, from, to string
		today          Date
		want, prev     Period
		field          string
	}{
		{kind: "", today: "2026-12-07", want: Period{PeriodMonth, "2026-12-01", "2026-12-07"}, prev: Period{PeriodMonth, "2026-11-01", "2026-11-07"}},
		// March 31st to date compares with all of February (cut at its end).
		{kind: "month", today: "2026-03-31", want: Period{PeriodMonth, "2026-03-01", "2026-03-31"}, prev: Period{PeriodMonth, "2026-02-01", "2026-02-28"}},
		{kind: "week", today: "2026-12-07", want: Period{PeriodWeek, "2026-12-07", "2026-12-07"}, prev: Period{PeriodWeek, "2026-12-06", "2026-12-06"}},
		{kind: "week", today: "2026-12-13", want: Period{PeriodWeek, "2026-12-07", "2026-12-13"}, prev: Period{PeriodWeek, "2026-11-30", "2026-12-06"}},
		{kind: "last_month", today: "2026-01-15", want: Period{PeriodLastMonth, "2025-12-01", "2025-12-31"}, prev: Period{PeriodLastMonth, "2025-11-01", "2025-11-30"}},
		{kind: "last_month", today: "2026-03-31", want: Period{PeriodLastMonth, "2026-02-01", "2026-02-28"}, prev: Period{PeriodLastMonth, "2026-01-01", "2026-01-31"}},
		{kind: "custom", from: "2026-11-10", to: "2026-11-19", today: "2026-12-07", want: Period{PeriodCustom, "2026-11-10", "2026-11-19"}, prev: Period{PeriodCustom, "2026-10-31", "2026-11-09"}},
		{kind: "custom", from: "2026-11-10", to: "2026-11-10", today: "2026-12-07", want: Period{PeriodCustom, "2026-11-10", "2026-11-10"}, prev: Period{PeriodCustom, "2026-11-09", "2026-11-09"}},
		{kind: "custom", from: "2026-11-10", to: "2026-11-09", today: "2026-12-07", field: "to"},
		{kind: "custom", from: "2026-13-10", to: "2026-11-09", today: "2026-12-07", field: "from"},
		{kind: "custom", from: "2025-01-01", to: "2026-11-09", today: "2026-12-07", field: "to"},
		{kind: "year", today: "2026-12-07", field: "period"},
	} {
		got, err := ParsePeriod(c.kind, c.from, c.to, c.today)
		if c.field != "" {
			var e *Error
			if !errors.As(err, &e) || e.Field != c.field {
				t.Errorf("%q %s–%s: error %v, want one on %s", c.kind, c.from, c.to, err, c.field)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q %s–%s on %s = %+v, %v; want %+v", c.kind, c.from, c.to, c.today, got, err, c.want)
			continue
		}
		if p := got.Previous(); p != c.prev {
			t.Errorf("%+v.Previous() = %+v, want %+v", got, p, c.prev)
		}
	}
}

func TestPeriodBounds(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	p := Period{PeriodCustom, "2026-11-01", "2026-11-30"}
	from, to := p.Bounds(tokyo)
	if from.UTC().Format(time.RFC3339) != "2026-10-31T15:00:00Z" || to.UTC().Format(time.RFC3339) != "2026-11-30T15:00:00Z" {
		t.Errorf("bounds %v – %v", from.UTC(), to.UTC())
	}
	if p.Days() != 30 || !p.Contains("2026-11-30") || p.Contains("2026-12-01") {
		t.Errorf("days %d", p.Days())
	}
}
