// Package plan lays out when a 型 is to be posted: the planned slots that a
// frequency produces, in an organization's time zone. Pure functions.
package plan

import (
	"math"
	"slices"
	"time"

	"github.com/soroe/soroe"
)

// Slot is one planned post.
type Slot struct {
	At        time.Time  `json:"at"`    // in UTC
	Day       soroe.Date `json:"day"`   // the local day
	Local     string     `json:"local"` // the local time, "HH:MM"
	DrafterID int64      `json:"drafter_id,omitempty"`
	Ordinal   int        `json:"-"` // stable number of the slot, for assignment
}

// defaultTime is used when a frequency names no time.
const defaultTime = "12:00"

// workdays are the days used when a frequency names none.
var workdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

// spread picks n of m candidates as evenly as possible, each pick at the
// middle of its share (3 of Monday–Friday: Monday, Wednesday, Friday; 2 of
// them: Tuesday, Thursday); when n > m it goes round again. It returns the
// candidate index of each pick and how many rounds came before it.
func spread(n, m int) (idx, round []int) {
	if m == 0 {
		return nil, nil
	}
	for i := range n {
		r := i / m
		j := i % m
		per := min(n-r*m, m) // picks in this round
		k := int(math.Round((float64(j)+0.5)*float64(m)/float64(per) - 0.5))
		idx = append(idx, min(max(k, 0), m-1))
		round = append(round, r)
	}
	return idx, round
}

// Slots returns the slots a frequency plans between from and to (local days,
// both included), assigning drafters round-robin. Weeks run Monday to
// Sunday; a week or month cut by the window keeps its own plan (the slots
// outside the window are just not listed), so the plan for a day never
// depends on the window asked for.
func Slots(f soroe.Frequency, loc *time.Location, from, to soroe.Date, drafters []int64) []Slot {
	if f.Count < 1 || from > to {
		return nil
	}
	times := slices.Clone(f.Times)
	slices.Sort(times)
	if len(times) == 0 {
		times = []string{defaultTime}
	}
	var out []Slot
	add := func(day soroe.Date, nth, ordinal, round int) {
		if day < from || day > to {
			return
		}
		hm := times[nth%len(times)]
		t, _ := time.Parse("15:04", hm)
		// A second pass over the same days (more posts than days) moves
		// later by two hours a pass.
		t = t.Add(time.Duration(round) * 2 * time.Hour)
		d := day.Time(loc)
		at := localTime(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), loc)
		s := Slot{At: at.UTC(), Day: soroe.DateOf(at, loc), Local: at.Format("15:04"), Ordinal: ordinal}
		if len(drafters) > 0 {
			s.DrafterID = drafters[ordinal%len(drafters)]
		}
		out = append(out, s)
	}
	switch f.Per {
	case "week":
		cands := f.Weekdays
		if len(cands) == 0 {
			cands = workdays
		}
		// Order Monday first.
		cands = slices.Clone(cands)
		slices.SortFunc(cands, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
		for monday := mondayOf(from); monday <= to; monday = monday.AddDays(7) {
			week := epochMonday.DaysUntil(monday) / 7
			idx, round := spread(f.Count, len(cands))
			for i := range idx {
				day := monday.AddDays((int(cands[idx[i]]) + 6) % 7)
				add(day, i, week*f.Count+i, round[i])
			}
		}
	case "month":
		allowed := f.Weekdays
		if len(allowed) == 0 {
			allowed = workdays
		}
		first := from.Time(time.UTC)
		for m := time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC); soroe.DateOf(m, time.UTC) <= to; m = m.AddDate(0, 1, 0) {
			var days []soroe.Date
			for d := m; d.Month() == m.Month(); d = d.AddDate(0, 0, 1) {
				if slices.Contains(allowed, d.Weekday()) {
					days = append(days, soroe.DateOf(d, time.UTC))
				}
			}
			month := m.Year()*12 + int(m.Month()) - 1
			idx, round := spread(f.Count, len(days))
			for i := range idx {
				add(days[idx[i]], i, month*f.Count+i, round[i])
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Slot) int { return a.At.Compare(b.At) })
	return out
}

// localTime is time.Date, except for a wall time that a clock change skips
// (02:30 on the night summer time starts): it moves forward by the gap, as
// the clocks do (02:30 becomes 03:30), where time.Date may move it back.
func localTime(y int, mo time.Month, d, h, mi int, loc *time.Location) time.Time {
	at := time.Date(y, mo, d, h, mi, 0, 0, loc)
	if at.Hour() == h && at.Minute() == mi {
		return at
	}
	_, before := at.Add(-6 * time.Hour).Zone()
	return time.Date(y, mo, d, h, mi, 0, 0, time.FixedZone("", before)).In(loc)
}

var epochMonday = soroe.Date("2001-01-01") // a Monday

// mondayOf returns the Monday on or before d.
func mondayOf(d soroe.Date) soroe.Date {
	wd := d.Time(time.UTC).Weekday()
	return d.AddDays(-((int(wd) + 6) % 7))
}

// WeekOf returns the Monday and Sunday of the week t falls in, in loc.
func WeekOf(t time.Time, loc *time.Location) (soroe.Date, soroe.Date) {
	m := mondayOf(soroe.DateOf(t, loc))
	return m, m.AddDays(6)
}
