package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/plan"
)

// templateCreate is the body of POST /api/v1/templates: the goal and every
// field of a version.
type templateCreate struct {
	GoalID int64 `json:"goal_id"`
	soroe.TemplateBody
}

// templatePatch is the body of PATCH /api/v1/templates/{template}: the
// fields given replace the current version's (frequency, drafters and
// approvers each as a whole); the result is a new version.
type templatePatch struct {
	Name      *string          `json:"name"`
	Theme     *string          `json:"theme"`
	Structure *string          `json:"structure"`
	Tone      *string          `json:"tone"`
	ToneNotes *string          `json:"tone_notes"`
	Format    *string          `json:"format"`
	Networks  *[]soroe.Network `json:"networks"`
	Frequency *soroe.Frequency `json:"frequency"`
	Hashtags  *[]string        `json:"hashtags"`
	CTA       *string          `json:"cta"`
	Link      *string          `json:"link"`
	Dos       *[]string        `json:"dos"`
	Donts     *[]string        `json:"donts"`
	Checklist *[]string        `json:"checklist"`
	Drafters  *soroe.Assignees `json:"drafters"`
	Approvers *soroe.Assignees `json:"approvers"`
}

func tplSet[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (p *templatePatch) apply(b *soroe.TemplateBody) {
	tplSet(&b.Name, p.Name)
	tplSet(&b.Theme, p.Theme)
	tplSet(&b.Structure, p.Structure)
	tplSet(&b.Tone, p.Tone)
	tplSet(&b.ToneNotes, p.ToneNotes)
	tplSet(&b.Format, p.Format)
	tplSet(&b.Networks, p.Networks)
	tplSet(&b.Frequency, p.Frequency)
	tplSet(&b.Hashtags, p.Hashtags)
	tplSet(&b.CTA, p.CTA)
	tplSet(&b.Link, p.Link)
	tplSet(&b.Dos, p.Dos)
	tplSet(&b.Donts, p.Donts)
	tplSet(&b.Checklist, p.Checklist)
	tplSet(&b.Drafters, p.Drafters)
	tplSet(&b.Approvers, p.Approvers)
}

// planSlotJSON is a planned slot as the API shows it.
type planSlotJSON struct {
	TemplateID   int64      `json:"template_id"`
	TemplateName string     `json:"template_name"`
	Version      int        `json:"version"`
	GoalID       int64      `json:"goal_id"`
	At           time.Time  `json:"at"`
	Day          soroe.Date `json:"day"`
	Local        string     `json:"local"`
	DrafterID    *int64     `json:"drafter_id"`
	DrafterName  *string    `json:"drafter_name"`
}

func planSlotsJSON(slots []plannedSlot, names map[int64]string) []planSlotJSON {
	out := make([]planSlotJSON, 0, len(slots))
	for _, sl := range slots {
		a := planSlotJSON{
			TemplateID: sl.Template.ID, TemplateName: sl.Template.Name, Version: sl.Template.Version,
			GoalID: sl.Template.GoalID, At: sl.At, Day: sl.Day, Local: sl.Local,
		}
		if sl.DrafterID != 0 {
			id, n := sl.DrafterID, names[sl.DrafterID]
			a.DrafterID, a.DrafterName = &id, &n
		}
		out = append(out, a)
	}
	return out
}

// planMaxDays is the longest window the slot routes lay out.
const planMaxDays = 366

// planRange reads ?from= and ?to= (local days, both included); from
// defaults to def, to to from+days-1.
func planRange(r *http.Request, def soroe.Date, days int) (from, to soroe.Date, err error) {
	return dateRange(r, def, func(from soroe.Date) soroe.Date { return from.AddDays(days - 1) })
}

// dateRange reads ?from= and ?to= (local days, both included, at most
// planMaxDays): from defaults to def, to to defTo(from).
func dateRange(r *http.Request, def soroe.Date, defTo func(from soroe.Date) soroe.Date) (from, to soroe.Date, err error) {
	q := r.URL.Query()
	from = def
	if v := q.Get("from"); v != "" {
		if from, err = soroe.ParseDate(v); err != nil {
			return "", "", soroe.Invalid("from", "invalid_date")
		}
	}
	to = defTo(from)
	if v := q.Get("to"); v != "" {
		if to, err = soroe.ParseDate(v); err != nil {
			return "", "", soroe.Invalid("to", "invalid_date")
		}
	}
	switch n := from.DaysUntil(to); {
	case n < 0:
		return "", "", soroe.Invalid("to", "range_reversed")
	case n >= planMaxDays:
		return "", "", soroe.Invalid("to", "range_too_long")
	}
	return from, to, nil
}

func (s *Server) apiTemplates(w http.ResponseWriter, r *http.Request) {
	ctx, org := r.Context(), who(r).Org
	var gid int64
	if v := strings.TrimSpace(r.URL.Query().Get("goal")); v != "" {
		var err error
		if gid, err = strconv.ParseInt(v, 10, 64); err == nil {
			_, err = s.db.Goal(ctx, org.ID, gid)
		} else {
			err = soroe.ErrNotFound
		}
		if err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	ts, err := s.db.Templates(ctx, org.ID, gid)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": nonNil(ts)})
}

func (s *Server) apiCreateTemplate(w http.ResponseWriter, r *http.Request) {
	var in templateCreate
	if !s.decode(w, r, &in) {
		return
	}
	id := who(r)
	t := &soroe.Template{OrgID: id.Org.ID, GoalID: in.GoalID, CreatedBy: id.User.ID, TemplateBody: in.TemplateBody}
	if err := s.db.CreateTemplate(r.Context(), t); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/templates/%d", t.ID))
	writeJSON(w, http.StatusCreated, t)
}

func (s *Server) apiTemplate(w http.ResponseWriter, r *http.Request) {
	version, err := tplVersionParam(r)
	var t *soroe.Template
	if err == nil {
		t, err = s.loadTemplate(r, version)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) apiUpdateTemplate(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	cur, err := s.loadTemplate(r, 0)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in templatePatch
	if !s.decode(w, r, &in) {
		return
	}
	b := cur.TemplateBody
	in.apply(&b)
	t, err := s.db.UpdateTemplate(r.Context(), id.Org.ID, cur.ID, b, id.User.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (s *Server) apiDeleteTemplate(w http.ResponseWriter, r *http.Request) {
	tid, err := pathID(r, "template")
	if err == nil {
		err = s.db.DeleteTemplate(r.Context(), who(r).Org.ID, tid)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiTemplateVersions(w http.ResponseWriter, r *http.Request) {
	tid, err := pathID(r, "template")
	var vs []*soroe.Template
	if err == nil {
		vs, err = s.db.TemplateVersions(r.Context(), who(r).Org.ID, tid)
	}
	if err == nil && len(vs) == 0 {
		err = soroe.ErrNotFound
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": vs})
}

// planWindow is what the slot routes answer with.
type planWindow struct {
	TimeZone string         `json:"time_zone"`
	From     soroe.Date     `json:"from"`
	To       soroe.Date     `json:"to"`
	Slots    []planSlotJSON `json:"slots"`
}

func (s *Server) apiTemplateSlots(w http.ResponseWriter, r *http.Request) {
	ctx, org := r.Context(), who(r).Org
	t, err := s.loadTemplate(r, 0)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	from, to, err := planRange(r, s.planToday(org), tplUpcomingDays)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	ms, err := s.db.Members(ctx, org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	slots := planSlots([]*soroe.Template{t}, ms, org.Location(), from, to)
	writeJSON(w, http.StatusOK, planWindow{TimeZone: org.TimeZone, From: from, To: to, Slots: planSlotsJSON(slots, tplMemberNames(ms))})
}

// planTotal is one 型's planned and done posts in a window.
type planTotal struct {
	TemplateID   int64  `json:"template_id"`
	TemplateName string `json:"template_name"`
	GoalID       int64  `json:"goal_id"`
	Planned      int    `json:"planned"`
	Written      int    `json:"written"` // slots a post fills
	Done         int    `json:"done"`    // slots whose post has gone out (ui_slots.go)
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	ts, ms, _, err := s.planLoad(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	mon, _ := plan.WeekOf(s.now(), id.Org.Location())
	from, to, err := planRange(r, mon, 7)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	mine := false
	switch v := r.URL.Query().Get("mine"); v {
	case "", "0", "false":
	case "1", "true":
		mine = true
	default:
		s.apiError(w, r, soroe.Invalid("mine", "invalid_flag"))
		return
	}
	var slots []plannedSlot
	for _, sl := range planSlots(ts, ms, id.Org.Location(), from, to) {
		if !mine || sl.DrafterID == id.User.ID {
			slots = append(slots, sl)
		}
	}
	fills, err := s.slotFills(r.Context(), id.Org, from, to)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	totals := make([]planTotal, 0, len(ts))
	for _, t := range ts {
		tt := planTotal{TemplateID: t.ID, TemplateName: t.Name, GoalID: t.GoalID}
		for _, sl := range slots {
			if sl.Template.ID != t.ID {
				continue
			}
			tt.Planned++
			if f := fills[slotKey(t.ID, sl.At)]; f != nil {
				tt.Written++
				if f.Done() {
					tt.Done++
				}
			}
		}
		if mine && tt.Planned == 0 {
			continue
		}
		totals = append(totals, tt)
	}
	writeJSON(w, http.StatusOK, struct {
		planWindow
		Mine      bool        `json:"mine"`
		Templates []planTotal `json:"templates"`
	}{planWindow{TimeZone: id.Org.TimeZone, From: from, To: to, Slots: planSlotsJSON(slots, tplMemberNames(ms))}, mine, totals})
}
