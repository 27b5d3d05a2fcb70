package score

import (
	"time"

	"github.com/soroe/soroe"
)

// OnTimeGrace is how late after its slot a post still counts as on time.
const OnTimeGrace = time.Hour

// Effort is a member's work in a period, as the team sees it.
type Effort struct {
	Posts     int `json:"posts"`      // posts that went out
	ForSlots  int `json:"for_slots"`  // of them, written for a planned slot
	OnTime    int `json:"on_time"`    // of those, out by the slot's time (plus the grace)
	Reviewed  int `json:"reviewed"`   // posts that went through approval
	FirstTime int `json:"first_time"` // of them, approved without being sent back
}

// EffortOf adds up a member's posts.
func EffortOf(posts []soroe.AuthoredPost) Effort {
	var e Effort
	for _, p := range posts {
		e.Posts++
		if p.SlotAt != nil {
			e.ForSlots++
			if !p.SentAt.After(p.SlotAt.Add(OnTimeGrace)) {
				e.OnTime++
			}
		}
		if p.Approvals+p.Rejections > 0 {
			e.Reviewed++
			if p.Rejections == 0 {
				e.FirstTime++
			}
		}
	}
	return e
}

// OnTimeRate is on-time posts ÷ posts written for slots, absent without any.
func (e Effort) OnTimeRate() *float64 { return rate(e.OnTime, e.ForSlots) }

// FirstTimeRate is first-time approvals ÷ reviewed posts, absent without any.
func (e Effort) FirstTimeRate() *float64 { return rate(e.FirstTime, e.Reviewed) }

func rate(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	return ptr(float64(a) / float64(b))
}
