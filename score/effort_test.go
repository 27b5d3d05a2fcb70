package score

import (
	"testing"
	"time"

	"github.com/soroe/soroe"
)

func TestEffortOf(t *testing.T) {
	slot := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return slot.Add(d) }
	s := func() *time.Time { v := slot; return &v }
	for name, c := range map[string]struct {
		posts             []soroe.AuthoredPost
		want              Effort
		onTime, firstTime *float64
	}{
		"nothing": {nil, Effort{}, nil, nil},
		"on time, early, at the grace's end, late": {[]soroe.AuthoredPost{
			{SlotAt: s(), SentAt: at(0)}, {SlotAt: s(), SentAt: at(-24 * time.Hour)},
			{SlotAt: s(), SentAt: at(OnTimeGrace)}, {SlotAt: s(), SentAt: at(OnTimeGrace + time.Second)},
			{SentAt: at(0)}, // not for a slot
		}, Effort{Posts: 5, ForSlots: 4, OnTime: 3}, ptr(0.75), nil},
		"approved first time, sent back once, never reviewed": {[]soroe.AuthoredPost{
			{SentAt: at(0), Approvals: 2}, {SentAt: at(0), Approvals: 1, Rejections: 1}, {SentAt: at(0)},
		}, Effort{Posts: 3, Reviewed: 2, FirstTime: 1}, nil, ptr(0.5)},
	} {
		got := EffortOf(c.posts)
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", name, got, c.want)
		}
		for what, pair := range map[string][2]*float64{"on time": {got.OnTimeRate(), c.onTime}, "first time": {got.FirstTimeRate(), c.firstTime}} {
			if (pair[0] == nil) != (pair[1] == nil) || (pair[0] != nil && *pair[0] != *pair[1]) {
				t.Errorf("%s: %s rate %v, want %v", name, what, pair[0], pair[1])
			}
		}
	}
}
