package soroe

import "time"

// Period kinds: the overview's and the reports' period picker.
const (
	PeriodWeek      = "week"       // this week, Monday to today
	PeriodMonth     = "month"      // this month, the 1st to today
	PeriodLastMonth = "last_month" // the whole previous calendar month
	PeriodCustom    = "custom"     // From to To
)

// PeriodKinds lists the kinds in the picker's order.
var PeriodKinds = []string{PeriodWeek, PeriodMonth, PeriodLastMonth, PeriodCustom}

// MaxPeriodDays bounds a custom period.
const MaxPeriodDays = 366

// Period is a run of local days in an organization's zone, both ends
// included.
type Period struct {
	Kind string `json:"kind"`
	From Date   `json:"from"`
	To   Date   `json:"to"`
}

// ParsePeriod reads a period of kind (default PeriodMonth) as of today;
// from and to are read only for PeriodCustom. A bad value is an *Error
// naming its parameter (period, from, to).
func ParsePeriod(kind, from, to string, today Date) (Period, error) {
	t, _ := time.Parse(DateLayout, string(today))
	switch kind {
	case "", PeriodMonth:
		return Period{PeriodMonth, Date(t.AddDate(0, 0, 1-t.Day()).Format(DateLayout)), today}, nil
	case PeriodWeek:
		back := (int(t.Weekday()) + 6) % 7 // days since Monday
		return Period{PeriodWeek, today.AddDays(-back), today}, nil
	case PeriodLastMonth:
		first := t.AddDate(0, 0, 1-t.Day())
		return Period{PeriodLastMonth, Date(first.AddDate(0, -1, 0).Format(DateLayout)), Date(first.AddDate(0, 0, -1).Format(DateLayout))}, nil
	case PeriodCustom:
		f, err := ParseDate(from)
		if err != nil {
			return Period{}, Invalid("from", "invalid_date")
		}
		e, err := ParseDate(to)
		if err != nil {
			return Period{}, Invalid("to", "invalid_date")
		}
		if e < f {
			return Period{}, Invalid("to", "before_from")
		}
		if f.DaysUntil(e)+1 > MaxPeriodDays {
			return Period{}, Invalid("to", "period_too_long")
		}
		return Period{PeriodCustom, f, e}, nil
	}
	return Period{}, Invalid("period", "unknown_period")
}

// Days is the number of days in the period.
func (p Period) Days() int { return p.From.DaysUntil(p.To) + 1 }

// Previous is the period to compare with: for this month to date, the
// same days of the previous month (1st to the same day, cut at that
// month's end); for last month, the month before; otherwise as many days
// just before.
func (p Period) Previous() Period {
	f, _ := time.Parse(DateLayout, string(p.From))
	switch p.Kind {
	case PeriodMonth, PeriodLastMonth:
		if f.Day() == 1 {
			prev := f.AddDate(0, -1, 0)
			end := f.AddDate(0, 0, -1) // the previous month's last day
			if p.Kind == PeriodMonth {
				e, _ := time.Parse(DateLayout, string(p.To))
				if same := prev.AddDate(0, 0, e.Day()-1); same.Before(end) {
					end = same
				}
			}
			return Period{p.Kind, Date(prev.Format(DateLayout)), Date(end.Format(DateLayout))}
		}
	}
	n := p.Days()
	return Period{p.Kind, p.From.AddDays(-n), p.From.AddDays(-1)}
}

// Bounds is the period as instants in loc: [start of From, start of the
// day after To).
func (p Period) Bounds(loc *time.Location) (time.Time, time.Time) {
	return p.From.Time(loc), p.To.AddDays(1).Time(loc)
}

// Contains reports whether d is in the period.
func (p Period) Contains(d Date) bool { return d >= p.From && d <= p.To }
