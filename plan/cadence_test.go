package plan

import (
	"testing"
	"time"

	"github.com/soroe/soroe"
)

func load(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWeeklyAcrossAMonthInTwoZones(t *testing.T) {
	f := soroe.Frequency{Count: 3, Per: "week", Weekdays: []time.Weekday{time.Friday, time.Monday, time.Wednesday}, Times: []string{"09:00"}}
	// March 2026: New York moves to summer time on Sunday the 8th; Tokyo never does.
	for _, tt := range []struct {
		zone        string
		before, aft int // the UTC hour of 09:00 local before and after the change
	}{
		{"Asia/Tokyo", 0, 0},
		{"America/New_York", 14, 13},
	} {
		t.Run(tt.zone, func(t *testing.T) {
			slots := Slots(f, load(t, tt.zone), "2026-03-01", "2026-03-31", []int64{7, 8})
			want := []string{"02", "04", "06", "09", "11", "13", "16", "18", "20", "23", "25", "27", "30"}
			if len(slots) != len(want) {
				t.Fatalf("%d slots, want %d: %+v", len(slots), len(want), slots)
			}
			for i, s := range slots {
				if string(s.Day) != "2026-03-"+want[i] || s.Local != "09:00" {
					t.Errorf("slot %d: %s %s, want 2026-03-%s 09:00", i, s.Day, s.Local, want[i])
				}
				hour := tt.before
				if s.Day >= "2026-03-08" {
					hour = tt.aft
				}
				if s.At.Hour() != hour || s.At.Location() != time.UTC {
					t.Errorf("slot %d (%s): %v, want %02d:00 UTC", i, s.Day, s.At, hour)
				}
				if s.DrafterID != 7 && s.DrafterID != 8 {
					t.Errorf("slot %d: drafter %d", i, s.DrafterID)
				}
				if i > 0 && s.DrafterID == slots[i-1].DrafterID {
					t.Errorf("slot %d: the same drafter twice in a row", i)
				}
			}
		})
	}
}

func TestMonthlyInTwoZones(t *testing.T) {
	f := soroe.Frequency{Count: 4, Per: "month", Times: []string{"18:30"}}
	// November 2026 has 21 weekdays; four posts land on the 3rd, 8th, 14th
	// and 19th of them. Berlin left summer time on 25 October.
	for _, zone := range []string{"Asia/Tokyo", "Europe/Berlin"} {
		slots := Slots(f, load(t, zone), "2026-11-01", "2026-11-30", nil)
		want := []soroe.Date{"2026-11-04", "2026-11-11", "2026-11-19", "2026-11-26"}
		if len(slots) != 4 {
			t.Fatalf("%s: %d slots", zone, len(slots))
		}
		for i, s := range slots {
			if s.Day != want[i] || s.Local != "18:30" || s.DrafterID != 0 {
				t.Errorf("%s slot %d: %+v, want %s 18:30", zone, i, s, want[i])
			}
		}
		if zone == "Europe/Berlin" && slots[0].At.Hour() != 17 {
			t.Errorf("Berlin in November is UTC+1: %v", slots[0].At)
		}
		if zone == "Asia/Tokyo" && slots[0].At.Hour() != 9 {
			t.Errorf("Tokyo is UTC+9: %v", slots[0].At)
		}
	}
}

func TestDefaultsAndEdges(t *testing.T) {
	tokyo := load(t, "Asia/Tokyo")
	// No days named: three posts go Monday, Wednesday, Friday at noon.
	s := Slots(soroe.Frequency{Count: 3, Per: "week"}, tokyo, "2026-11-23", "2026-11-29", nil)
	if len(s) != 3 || s[0].Day != "2026-11-23" || s[1].Day != "2026-11-25" || s[2].Day != "2026-11-27" || s[0].Local != "12:00" {
		t.Errorf("default spread: %+v", s)
	}
	// Two times alternate.
	s = Slots(soroe.Frequency{Count: 2, Per: "week", Weekdays: []time.Weekday{time.Tuesday, time.Thursday}, Times: []string{"18:00", "08:00"}}, tokyo, "2026-11-23", "2026-11-29", nil)
	if len(s) != 2 || s[0].Local != "08:00" || s[1].Local != "18:00" {
		t.Errorf("times: %+v", s)
	}
	// More posts than days: the days take a second round, two hours later.
	s = Slots(soroe.Frequency{Count: 4, Per: "week", Weekdays: []time.Weekday{time.Monday, time.Friday}, Times: []string{"10:00"}}, tokyo, "2026-11-23", "2026-11-29", nil)
	if len(s) != 4 || s[0].Local != "10:00" || s[1].Local != "12:00" || s[1].Day != "2026-11-23" || s[3].Day != "2026-11-27" {
		t.Errorf("second round: %+v", s)
	}
	// A Sunday slot in a week: weeks run Monday to Sunday.
	s = Slots(soroe.Frequency{Count: 1, Per: "week", Weekdays: []time.Weekday{time.Sunday}}, tokyo, "2026-11-23", "2026-11-29", nil)
	if len(s) != 1 || s[0].Day != "2026-11-29" {
		t.Errorf("sunday: %+v", s)
	}
	// A local time that does not exist (New York, 8 March 2026, 02:30) moves
	// forward by the gap, as the clocks do.
	ny := load(t, "America/New_York")
	s = Slots(soroe.Frequency{Count: 1, Per: "week", Weekdays: []time.Weekday{time.Sunday}, Times: []string{"02:30"}}, ny, "2026-03-02", "2026-03-08", nil)
	if len(s) != 1 || s[0].Local != "03:30" || !s[0].At.Equal(time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC)) {
		t.Errorf("DST gap: %+v", s)
	}
	if Slots(soroe.Frequency{Count: 0, Per: "week"}, tokyo, "2026-11-01", "2026-11-30", nil) != nil {
		t.Error("a zero count plans nothing")
	}
	if Slots(soroe.Frequency{Count: 1, Per: "week"}, tokyo, "2026-11-30", "2026-11-01", nil) != nil {
		t.Error("an empty window plans nothing")
	}
}

// The plan of a day, and who drafts it, does not depend on the window asked.
func TestStableAcrossWindows(t *testing.T) {
	tokyo := load(t, "Asia/Tokyo")
	f := soroe.Frequency{Count: 2, Per: "week"}
	people := []int64{1, 2, 3}
	month := Slots(f, tokyo, "2026-11-01", "2026-11-30", people)
	week := Slots(f, tokyo, "2026-11-18", "2026-11-22", people)
	if len(week) == 0 {
		t.Fatal("no slots in the week")
	}
	for _, w := range week {
		found := false
		for _, m := range month {
			if m.At.Equal(w.At) {
				found = true
				if m.DrafterID != w.DrafterID {
					t.Errorf("%s: drafter %d in the month view, %d in the week view", w.Day, m.DrafterID, w.DrafterID)
				}
			}
		}
		if !found {
			t.Errorf("%s %s is not in the month's plan", w.Day, w.Local)
		}
	}
	mon, sun := WeekOf(time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC), tokyo) // Friday 05:00 in Tokyo
	if mon != "2026-11-23" || sun != "2026-11-29" {
		t.Errorf("week of: %s–%s", mon, sun)
	}
}
