package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/plan"
	"github.com/soroe/soroe/store"
)

// Slots and the posts that fill them.
//
// A slot is one post a 型's frequency plans (plan.Slots): a 型 and an
// instant, with the member whose turn it is to draft it. Slots are not
// stored; they are laid out again from the 型 whenever a page asks.
//
// A post fills a slot when it names both, its template_id and its slot_at.
// The 「書く」 link of a slot (home, /plan, the calendar, the 型's page)
// opens the editor with them, and the post keeps its slot when it is moved
// to another time, so a slot is counted for the week it was planned in.
// Posts of a 型 written outside any slot fill none: they are extra, not
// the plan. When several posts name the same slot, the first one made
// fills it.
//
// The plan counts, per 型 and week:
//   - planned: the slots;
//   - written (作成済み): the slots a post fills, whatever its state;
//   - done (実施): the slots whose post has gone out — published, or
//     failed on some accounts but sent on at least one. A draft or a post
//     waiting for approval or for its time is written, not yet done.

// slotFill is the post that fills a slot.
type slotFill struct {
	Post *soroe.Post
	Sent bool // it went out on at least one account
}

// Done reports whether the slot's post has gone out (実施).
func (f *slotFill) Done() bool { return f != nil && (f.Post.State == soroe.PostPublished || f.Sent) }

// slotFills loads the posts that fill the slots of the local days from..to
// (both included), by slotKey.
func (s *Server) slotFills(ctx context.Context, org *soroe.Org, from, to soroe.Date) (map[string]*slotFill, error) {
	loc := org.Location()
	posts, targets, _, err := s.db.Posts(ctx, store.PostFilter{OrgID: org.ID, SlotFrom: from.Time(loc), SlotTo: to.AddDays(1).Time(loc)})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(posts, func(a, b *soroe.Post) int { return int(a.ID - b.ID) })
	out := map[string]*slotFill{}
	for _, p := range posts {
		k := slotKey(*p.TemplateID, *p.SlotAt)
		if out[k] != nil {
			continue
		}
		f := &slotFill{Post: p}
		for _, t := range targets[p.ID] {
			if t.State == soroe.TargetSent {
				f.Sent = true
			}
		}
		out[k] = f
	}
	return out, nil
}

// mayFill reports whether the caller may start the post of a slot that
// drafter (0: nobody) is to draft: whoever writes posts may write their
// own slots and those nobody drafts; those who design the plan (who may
// change 型) may write any, to cover for a colleague.
func mayFill(id *identity, drafter int64) bool {
	if !soroe.Can(id.Role, soroe.ActPostWrite) {
		return false
	}
	return drafter == 0 || drafter == id.User.ID || soroe.Can(id.Role, soroe.ActTemplateWrite)
}

// Upcoming slots on the home page: the caller's from now to the end of
// next week, and at least homeMinSlots of them (looking further ahead, up
// to homeLookahead days, for a 型 planned once a month), at most
// homeMaxSlots.
const (
	homeMinSlots  = 3
	homeMaxSlots  = 10
	homeLookahead = 92
)

// upcomingSlots returns the caller's next slots after now: every one until
// the end of next week, then more until there are homeMinSlots.
func upcomingSlots(all []plannedSlot, me int64, now time.Time, loc *time.Location) []plannedSlot {
	_, sun := plan.WeekOf(now, loc)
	end := sun.AddDays(8).Time(loc) // the Monday after next week
	var out []plannedSlot
	for _, sl := range all {
		if sl.DrafterID != me || !sl.At.After(now) {
			continue
		}
		if sl.At.Before(end) || len(out) < homeMinSlots {
			out = append(out, sl)
		}
	}
	return out
}

// slotActionData is the slot_action partial's input.
type slotActionData struct {
	Page *page
	Row  planRow
}

// slotOption is a slot the editor offers a post to fill.
type slotOption struct {
	Value    string // RFC 3339, UTC
	Label    string // 「11月27日（金） 12:00」
	Local    string // the slot's time for the schedule field, in the org's zone
	Mine     bool
	Selected bool
}

// postSlotMax bounds the slots the editor offers.
const postSlotMax = 12

// postSlotOptions lists the slots of the form's 型 that the post may fill:
// those ahead in the next tplUpcomingDays that no other post fills and
// that the caller may write (mayFill), and the chosen one whatever it is.
// It notes when another post already fills the chosen slot.
func (s *Server) postSlotOptions(r *http.Request, d *postFormData, p *soroe.Post) error {
	ctx, id, l := r.Context(), who(r), lang(r)
	loc, now := id.Org.Location(), s.now()
	from := s.planToday(id.Org)
	to := from.AddDays(tplUpcomingDays - 1)
	var chosen time.Time
	if at, err := time.Parse(time.RFC3339, d.SlotAt); err == nil {
		chosen = at.UTC()
		day := soroe.DateOf(chosen, loc)
		from, to = min(from, day), max(to, day)
	}
	ms, err := s.db.Members(ctx, id.Org.ID)
	if err != nil {
		return err
	}
	fills, err := s.slotFills(ctx, id.Org, from, to)
	if err != nil {
		return err
	}
	label := func(at time.Time) string {
		return s.planDayLabel(l, soroe.DateOf(at, loc)) + " " + at.In(loc).Format("15:04")
	}
	option := func(at time.Time, drafter int64) slotOption {
		return slotOption{Value: at.UTC().Format(time.RFC3339), Label: label(at), Local: at.In(loc).Format("2006-01-02T15:04"),
			Mine: drafter != 0 && drafter == id.User.ID}
	}
	found := false
	for _, sl := range planSlots([]*soroe.Template{d.Template}, ms, loc, from, to) {
		f := fills[slotKey(d.Template.ID, sl.At)]
		other := f != nil && (p == nil || f.Post.ID != p.ID)
		if !chosen.IsZero() && sl.At.Equal(chosen) {
			found = true
			if other {
				d.SlotTaken = f.Post.ID
			}
			o := option(sl.At, sl.DrafterID)
			o.Selected = true
			d.Slots = append(d.Slots, o)
			continue
		}
		if !sl.At.After(now) || other || !mayFill(id, sl.DrafterID) || len(d.Slots) >= postSlotMax {
			continue
		}
		d.Slots = append(d.Slots, option(sl.At, sl.DrafterID))
	}
	if !chosen.IsZero() {
		d.SlotLabel = label(chosen)
		if !found {
			// No longer a slot of the 型 (its frequency changed): kept as it
			// is, so that saving does not drop it.
			o := option(chosen, 0)
			o.Selected = true
			d.Slots = append([]slotOption{o}, d.Slots...)
		}
	}
	return nil
}

// checkPostSlot makes sure the slot a post names is one of its 型's (the
// 型 may have been changed in the form after a slot was chosen), unless the
// post had that slot already; a slot without a 型 is dropped, as only a 型
// plans slots.
func (s *Server) checkPostSlot(r *http.Request, p, old *soroe.Post) error {
	if p.SlotAt == nil {
		return nil
	}
	if p.TemplateID == nil {
		p.SlotAt = nil
		return nil
	}
	if old != nil && old.SlotAt != nil && old.TemplateID != nil && *old.TemplateID == *p.TemplateID && old.SlotAt.Equal(*p.SlotAt) {
		return nil
	}
	org := who(r).Org
	t, err := s.db.Template(r.Context(), org.ID, *p.TemplateID, 0)
	if errors.Is(err, soroe.ErrNotFound) {
		return nil // the workflow refuses a 型 that is not the organization's
	} else if err != nil {
		return err
	}
	loc := org.Location()
	day := soroe.DateOf(*p.SlotAt, loc)
	for _, sl := range plan.Slots(t.Frequency, loc, day, day, nil) {
		if sl.At.Equal(*p.SlotAt) {
			return nil
		}
	}
	return soroe.Invalid("slot_at", "not_a_slot")
}
