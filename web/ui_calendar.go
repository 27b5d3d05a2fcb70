package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/plan"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// registerCalendar registers the calendar: a month or week of planned slots
// (every 型's cadence) and posts, filtered by goal, 型, network and member;
// posts are moved to another day by dragging (calendar.js) or with a small
// form; the current user's open slots link to a new draft from their 型.
func (s *Server) registerCalendar() error {
	return errors.Join(
		s.ui("GET /calendar", soroe.ActPostRead, s.calendarPage),
		s.ui("POST /calendar/posts/{post}/move", soroe.ActPostWrite, s.calendarMove),

		s.api("GET /api/v1/calendar", soroe.ActPostRead, s.apiCalendar),
	)
}

// ---------------------------------------------------------------------------
// Loading: slots and posts of a window, shared by the page and the API.

// calFilter narrows the calendar; zero fields select everything. MemberID
// keeps the slots the member drafts and the posts they wrote.
type calFilter struct {
	GoalID     int64
	TemplateID int64
	Network    soroe.Network
	MemberID   int64
}

// calSlot is a planned slot with the post that fills it, if any.
type calSlot struct {
	plannedSlot
	FilledBy *soroe.Post
}

// calPost is a post at its calendar time (scheduled, else its slot, else
// when it was created).
type calPost struct {
	*soroe.Post
	Targets []*soroe.Target
	At      time.Time
}

// calWindow is what the calendar shows between two local days.
type calWindow struct {
	Slots []calSlot
	Posts []calPost
	Names map[int64]string // user ID → name
}

// calTime is the time a post is shown at.
func calTime(p *soroe.Post) time.Time {
	switch {
	case p.ScheduledAt != nil:
		return *p.ScheduledAt
	case p.SlotAt != nil:
		return *p.SlotAt
	}
	return p.CreatedAt
}

// slotKey names a slot of a 型 at an instant.
func slotKey(templateID int64, at time.Time) string {
	return strconv.FormatInt(templateID, 10) + "@" + strconv.FormatInt(at.Unix(), 10)
}

// calLoad lays out the slots of every 型 and loads the posts between the
// local days from and to (both included).
func (s *Server) calLoad(ctx context.Context, org *soroe.Org, from, to soroe.Date, f calFilter) (*calWindow, error) {
	loc := org.Location()
	ts, err := s.db.Templates(ctx, org.ID, 0)
	if err != nil {
		return nil, err
	}
	ms, err := s.db.Members(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	start, end := from.Time(loc), to.AddDays(1).Time(loc)

	// The posts that fill slots, whoever wrote them and whatever the filter
	// (ui_slots.go).
	fills, err := s.slotFills(ctx, org, from, to)
	if err != nil {
		return nil, err
	}

	w := &calWindow{Names: tplMemberNames(ms)}
	for _, sl := range planSlots(ts, ms, loc, from, to) {
		t := sl.Template
		switch {
		case f.GoalID != 0 && t.GoalID != f.GoalID,
			f.TemplateID != 0 && t.ID != f.TemplateID,
			f.Network != "" && !slices.Contains(t.Networks, f.Network),
			f.MemberID != 0 && sl.DrafterID != f.MemberID:
			continue
		}
		cs := calSlot{plannedSlot: sl}
		if f := fills[slotKey(t.ID, sl.At)]; f != nil {
			cs.FilledBy = f.Post
		}
		w.Slots = append(w.Slots, cs)
	}

	posts, targets, _, err := s.db.Posts(ctx, store.PostFilter{
		OrgID: org.ID, GoalID: f.GoalID, TemplateID: f.TemplateID, AuthorID: f.MemberID, Network: f.Network,
		From: start, To: end,
	})
	if err != nil {
		return nil, err
	}
	for _, p := range posts {
		w.Posts = append(w.Posts, calPost{Post: p, Targets: targets[p.ID], At: calTime(p)})
	}
	return w, nil
}

// calFilterOf reads the filter's query parameters. A goal, 型 or member
// that is not the organization's is not found; a network that does not
// exist is invalid.
func (s *Server) calFilterOf(ctx context.Context, org *soroe.Org, q url.Values) (calFilter, error) {
	var f calFilter
	id := func(name string) (int64, error) {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return 0, soroe.ErrNotFound
		}
		return n, nil
	}
	var err error
	if f.GoalID, err = id("goal"); err != nil {
		return f, err
	} else if f.GoalID != 0 {
		if _, err := s.db.Goal(ctx, org.ID, f.GoalID); err != nil {
			return f, err
		}
	}
	if f.TemplateID, err = id("template"); err != nil {
		return f, err
	} else if f.TemplateID != 0 {
		if _, err := s.db.Template(ctx, org.ID, f.TemplateID, 0); err != nil {
			return f, err
		}
	}
	if f.MemberID, err = id("member"); err != nil {
		return f, err
	} else if f.MemberID != 0 {
		if _, err := s.db.Member(ctx, org.ID, f.MemberID); err != nil {
			return f, err
		}
	}
	if v := strings.TrimSpace(q.Get("network")); v != "" {
		f.Network = soroe.Network(v)
		if !f.Network.Valid() {
			return f, soroe.Invalid("network", "unknown_network")
		}
	}
	return f, nil
}

// ---------------------------------------------------------------------------
// GET /calendar

// calItem is one line of a day: a planned slot or a post.
type calItem struct {
	At    time.Time
	Local string // HH:MM
	Slot  *calSlotView
	Post  *calPostView
}

type calSlotView struct {
	TemplateID   int64
	TemplateName string
	GoalTitle    string
	Drafter      string // "" when nobody drafts
	Mine         bool
	Past         bool
	FilledBy     int64  // the post that fills it, 0 when open
	FillURL      string // for the current user's open slots
}

type calPostView struct {
	ID       int64
	State    string
	Excerpt  string
	Author   string
	Template string
	Networks []string
	URLs     []string
	// Partly says the post went out on some networks and waits for the
	// rest; Pending names the accounts whose by-hand post is due.
	Partly  bool
	Pending []string
	Movable bool
	AtValue string // "2006-01-02T15:04", local, for the move form
}

type calDay struct {
	Date    soroe.Date
	Num     int    // day of month
	Label   string // 「12月7日（月）」
	InRange bool   // in the month shown (always in the week view)
	Today   bool
	Items   []calItem
}

type calOption struct {
	Value, Label string
	Selected     bool
}

type calMineRow struct {
	Day          string
	Local        string
	TemplateID   int64
	TemplateName string
	Past         bool
	FilledBy     int64
	FillURL      string
}

type calPageData struct {
	View      string // "month" or "week"
	Heading   string
	Date      soroe.Date
	PrevURL   string
	NextURL   string
	TodayURL  string
	MonthURL  string
	WeekURL   string
	ClearURL  string
	IsCurrent bool
	Weekdays  []string
	Weeks     [][]calDay
	Goals     []calOption
	Templates []calOption
	Networks  []calOption
	Members   []calOption
	Mine      bool
	Filtered  bool
	SlotCount int
	PostCount int
	MyWeek    []calMineRow
	TimeZone  string
	Return    string // this page, for the move forms
	CanWrite  bool
	CanFill   bool
}

// calExcerpt is the start of a post's text, for a card.
func calExcerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}

// calFillURL is the link that starts a draft for a slot.
func calFillURL(templateID int64, at time.Time) string {
	return "/posts/new?" + url.Values{
		"template": {strconv.FormatInt(templateID, 10)},
		"slot":     {at.UTC().Format(time.RFC3339)},
	}.Encode()
}

// calMovable reports whether the current member may move a post: it has
// not gone out, nothing of it is being sent, and it is theirs to edit.
func calMovable(a workflow.Actor, p *soroe.Post, ts []*soroe.Target) bool {
	return soroe.Can(a.Role, soroe.ActPostWrite) && workflow.MayEdit(a, p) && p.Editable(ts)
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request) {
	ctx, id, l := r.Context(), who(r), lang(r)
	org, loc := id.Org, id.Org.Location()
	q := r.URL.Query()
	today := s.planToday(org)

	view := q.Get("view")
	if view != "week" {
		view = "month"
	}
	anchor := today
	if d, err := soroe.ParseDate(q.Get("date")); err == nil {
		anchor = d
	}
	f, err := s.calFilterOf(ctx, org, q)
	if err != nil {
		// A filter that names nothing of this organization is dropped
		// rather than refused: the page stays usable.
		f = calFilter{}
	}
	// "Mine only": asked for, or by default for staff in the week view
	// (until the filter form has been sent once: f=1).
	mine := q.Get("mine") == "1"
	if q.Get("f") == "" && view == "week" && id.Role == soroe.RoleStaff {
		mine = true
	}
	if mine {
		f.MemberID = id.User.ID
	}

	asked := anchor
	// The window: a week, or the whole weeks that cover the month.
	var from, to soroe.Date
	var prev, next soroe.Date
	var heading string
	cur, _ := plan.WeekOf(s.now(), loc)
	isCurrent := false
	if view == "week" {
		mon, sun := plan.WeekOf(anchor.Time(loc).Add(12*time.Hour), loc)
		from, to, prev, next = mon, sun, mon.AddDays(-7), mon.AddDays(7)
		heading = s.planWeekLabel(l, mon, sun)
		isCurrent = mon == cur
	} else {
		a := anchor.Time(time.UTC)
		first := time.Date(a.Year(), a.Month(), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1)
		from, _ = plan.WeekOf(first, time.UTC)
		_, to = plan.WeekOf(last, time.UTC)
		prev = soroe.DateOf(first.AddDate(0, -1, 0), time.UTC)
		next = soroe.DateOf(first.AddDate(0, 1, 0), time.UTC)
		heading = calMonthLabel(l, first)
		t := today.Time(time.UTC)
		isCurrent = t.Year() == first.Year() && t.Month() == first.Month()
		anchor = soroe.DateOf(first, time.UTC)
	}

	// The week view opens on the week of the day asked for (today's by
	// default).
	weekOf := asked

	win, err := s.calLoad(ctx, org, from, to, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	goals, err := s.db.Goals(ctx, org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ts, err := s.db.Templates(ctx, org.ID, 0)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ms, err := s.db.Members(ctx, org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	accounts, err := s.db.Accounts(ctx, org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	account := accountFinder(accounts)
	titles := map[int64]string{}
	for _, g := range goals {
		titles[g.ID] = g.Title
	}
	tplNames := map[int64]string{}
	for _, t := range ts {
		tplNames[t.ID] = t.Name
	}

	// The filter, kept in every link of the page.
	keep := url.Values{}
	if f.GoalID != 0 {
		keep.Set("goal", strconv.FormatInt(f.GoalID, 10))
	}
	if f.TemplateID != 0 {
		keep.Set("template", strconv.FormatInt(f.TemplateID, 10))
	}
	if f.Network != "" {
		keep.Set("network", string(f.Network))
	}
	if mine {
		keep.Set("mine", "1")
	} else if f.MemberID != 0 {
		keep.Set("member", strconv.FormatInt(f.MemberID, 10))
	}
	if q.Get("f") != "" {
		keep.Set("f", "1")
	}
	link := func(v string, d soroe.Date) string {
		u := url.Values{}
		for k, vs := range keep {
			u[k] = vs
		}
		u.Set("view", v)
		if d != "" {
			u.Set("date", string(d))
		}
		return "/calendar?" + u.Encode()
	}

	actor := workflow.Actor{UserID: id.User.ID, OrgID: org.ID, Role: id.Role}
	now := s.now()
	d := &calPageData{
		View: view, Heading: heading, Date: anchor, IsCurrent: isCurrent,
		PrevURL: link(view, prev), NextURL: link(view, next), TodayURL: link(view, ""),
		MonthURL: link("month", anchor), WeekURL: link("week", weekOf),
		ClearURL: "/calendar?" + url.Values{"view": {view}, "date": {string(anchor)}, "f": {"1"}}.Encode(),
		Mine:     mine, Filtered: f != calFilter{}, TimeZone: org.TimeZone,
		Return:   r.URL.RequestURI(),
		CanWrite: soroe.Can(id.Role, soroe.ActPostWrite),
	}
	d.CanFill = d.CanWrite
	for i := range 7 {
		d.Weekdays = append(d.Weekdays, s.tplWeekdayLabel(l, time.Weekday((i+1)%7)))
	}

	// The days, and what falls on each.
	byDay := map[soroe.Date][]calItem{}
	for _, sl := range win.Slots {
		v := &calSlotView{
			TemplateID: sl.Template.ID, TemplateName: sl.Template.Name, GoalTitle: titles[sl.Template.GoalID],
			Drafter: win.Names[sl.DrafterID], Mine: sl.DrafterID != 0 && sl.DrafterID == id.User.ID,
			Past: sl.At.Before(now),
		}
		if sl.FilledBy != nil {
			v.FilledBy = sl.FilledBy.ID
		} else if !v.Past && mayFill(id, sl.DrafterID) {
			v.FillURL = calFillURL(sl.Template.ID, sl.At)
		}
		byDay[sl.Day] = append(byDay[sl.Day], calItem{At: sl.At, Local: sl.Local, Slot: v})
		d.SlotCount++
	}
	for _, p := range win.Posts {
		v := &calPostView{
			ID: p.ID, State: p.State, Excerpt: calExcerpt(p.Text), Author: win.Names[p.AuthorID],
			Movable: calMovable(actor, p.Post, p.Targets), AtValue: p.At.In(loc).Format("2006-01-02T15:04"),
			Partly: partlyPublished(p.Post, p.Targets), Pending: pendingByHand(p.Targets, account),
		}
		if p.TemplateID != nil {
			v.Template = tplNames[*p.TemplateID]
		}
		seen := map[soroe.Network]bool{}
		for _, t := range p.Targets {
			if !seen[t.Network] {
				seen[t.Network] = true
				v.Networks = append(v.Networks, s.tplNetworkLabel(l, t.Network))
			}
			if t.State == soroe.TargetSent && calSafeURL(t.URL) {
				v.URLs = append(v.URLs, t.URL)
			}
		}
		day := soroe.DateOf(p.At, loc)
		byDay[day] = append(byDay[day], calItem{At: p.At, Local: p.At.In(loc).Format("15:04"), Post: v})
		d.PostCount++
	}
	month := anchor.Time(time.UTC).Month()
	for day := from; day <= to; day = day.AddDays(7) {
		var week []calDay
		for i := range 7 {
			dd := day.AddDays(i)
			items := byDay[dd]
			slices.SortStableFunc(items, func(a, b calItem) int {
				if c := a.At.Compare(b.At); c != 0 {
					return c
				}
				// A slot before the post that fills it.
				return calKind(a) - calKind(b)
			})
			t := dd.Time(time.UTC)
			week = append(week, calDay{
				Date: dd, Num: t.Day(), Label: s.planDayLabel(l, dd), Today: dd == today,
				InRange: view == "week" || t.Month() == month, Items: items,
			})
		}
		d.Weeks = append(d.Weeks, week)
	}

	// "My slots this week", whatever is shown.
	mw, err := s.calLoad(ctx, org, cur, cur.AddDays(6), calFilter{MemberID: id.User.ID})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.MyWeek = s.calMineRows(l, mw.Slots, now, d.CanFill)

	// The filter's choices.
	for _, g := range goals {
		d.Goals = append(d.Goals, calOption{strconv.FormatInt(g.ID, 10), g.Title, g.ID == f.GoalID})
	}
	for _, t := range ts {
		d.Templates = append(d.Templates, calOption{strconv.FormatInt(t.ID, 10), t.Name, t.ID == f.TemplateID})
	}
	for _, n := range soroe.Networks {
		d.Networks = append(d.Networks, calOption{string(n), s.tplNetworkLabel(l, n), n == f.Network})
	}
	for _, m := range ms {
		d.Members = append(d.Members, calOption{strconv.FormatInt(m.UserID, 10), m.Name, !mine && m.UserID == f.MemberID})
	}
	s.render(w, http.StatusOK, "calendar", s.newPage(w, r, "calendar.title", d))
}

// calMineRows lists the current user's slots of a week (the window's slots
// already keep only theirs).
func (s *Server) calMineRows(l string, slots []calSlot, now time.Time, canFill bool) []calMineRow {
	var out []calMineRow
	for _, sl := range slots {
		row := calMineRow{
			Day: s.planDayLabel(l, sl.Day), Local: sl.Local, TemplateID: sl.Template.ID,
			TemplateName: sl.Template.Name, Past: sl.At.Before(now),
		}
		if sl.FilledBy != nil {
			row.FilledBy = sl.FilledBy.ID
		} else if !row.Past && canFill {
			row.FillURL = calFillURL(sl.Template.ID, sl.At)
		}
		out = append(out, row)
	}
	return out
}

func calKind(it calItem) int {
	if it.Slot != nil {
		return 0
	}
	return 1
}

// calSafeURL reports whether a network's URL may be linked to.
func calSafeURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// calMonthLabel is a month's name: 「2026年12月」, "December 2026".
func calMonthLabel(l string, first time.Time) string {
	if l == soroe.LangJA {
		return fmt.Sprintf("%d年%d月", first.Year(), first.Month())
	}
	return first.Format("January 2006")
}

// ---------------------------------------------------------------------------
// POST /calendar/posts/{post}/move

// calMoveErrors are the workflow's refusals said for the calendar.
var calMoveErrors = map[string]string{
	store.ErrPostPublishing.Message: "calendar.error.publishing",
	workflow.ErrInPast.Message:      "calendar.error.in_past",
	workflow.ErrNotYours.Message:    "calendar.error.not_yours",
	"invalid_date":                  "calendar.error.invalid_date",
	"required":                      "calendar.error.invalid_date",
}

// calMoveTime reads where a post goes: at ("2006-01-02T15:04", local), or
// date (a local day, keeping the post's local time of day).
func calMoveTime(r *http.Request, p *soroe.Post, loc *time.Location) (time.Time, error) {
	if v := strings.TrimSpace(r.PostFormValue("at")); v != "" {
		for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
			if t, err := time.ParseInLocation(layout, v, loc); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, soroe.Invalid("at", "invalid_date")
	}
	v := strings.TrimSpace(r.PostFormValue("date"))
	if v == "" {
		return time.Time{}, soroe.Invalid("date", "required")
	}
	d, err := soroe.ParseDate(v)
	if err != nil {
		return time.Time{}, err
	}
	was := calTime(p).In(loc)
	day := d.Time(loc)
	return time.Date(day.Year(), day.Month(), day.Day(), was.Hour(), was.Minute(), 0, 0, loc).UTC(), nil
}

// calReturn is where the no-script form goes back to: a calendar page.
func calReturn(r *http.Request) string {
	next := r.PostFormValue("next")
	if next == "/calendar" || strings.HasPrefix(next, "/calendar?") {
		return next
	}
	return "/calendar"
}

func (s *Server) calendarMove(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), who(r)
	loc := id.Org.Location()
	asJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	reply := func(status int, key string, extra map[string]any) {
		if !asJSON {
			s.flash(r, key)
			redirect(w, r, calReturn(r))
			return
		}
		body := map[string]any{"ok": status < 300, "message": s.cat.T(lang(r), key)}
		for k, v := range extra {
			body[k] = v
		}
		writeJSON(w, status, body)
	}
	notFound := func() {
		if asJSON {
			writeJSON(w, http.StatusNotFound, map[string]any{"ok": false, "message": s.cat.T(lang(r), "error.not_found")})
			return
		}
		s.notFound(w, r)
	}

	pid, err := pathID(r, "post")
	if err != nil {
		notFound()
		return
	}
	p, err := s.db.Post(ctx, id.Org.ID, pid)
	if errors.Is(err, soroe.ErrNotFound) {
		notFound()
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	at, err := calMoveTime(r, p, loc)
	if err == nil {
		wf := &workflow.Service{DB: s.db}
		err = wf.Reschedule(ctx, workflow.Actor{UserID: id.User.ID, OrgID: id.Org.ID, Role: id.Role}, pid, &at)
	}
	var e *soroe.Error
	switch {
	case err == nil:
		reply(http.StatusOK, "calendar.flash.moved", map[string]any{
			"id": pid, "at": at.Format(time.RFC3339), "day": soroe.DateOf(at, loc), "local": at.In(loc).Format("15:04"),
			"at_local": at.In(loc).Format("2006-01-02T15:04"),
		})
	case errors.Is(err, soroe.ErrNotFound):
		notFound()
	case errors.As(err, &e):
		key, ok := calMoveErrors[e.Message]
		if !ok {
			key = "error." + e.Message
			if !s.cat.Has(lang(r), key) {
				key = "calendar.error.not_moved"
			}
		}
		status := map[string]int{
			soroe.EConflict: http.StatusConflict, soroe.EForbidden: http.StatusForbidden,
		}[e.Code]
		if status == 0 {
			status = http.StatusUnprocessableEntity
		}
		reply(status, key, map[string]any{"code": e.Message})
	default:
		s.serverError(w, r, err)
	}
}

// ---------------------------------------------------------------------------
// GET /api/v1/calendar

type calSlotJSON struct {
	planSlotJSON
	FilledBy *int64 `json:"filled_by"`
}

type calPostJSON struct {
	ID          int64           `json:"id"`
	State       string          `json:"state"`
	At          time.Time       `json:"at"`
	Day         soroe.Date      `json:"day"`
	Local       string          `json:"local"`
	GoalID      *int64          `json:"goal_id"`
	TemplateID  *int64          `json:"template_id"`
	AuthorID    int64           `json:"author_id"`
	AuthorName  string          `json:"author_name"`
	ScheduledAt *time.Time      `json:"scheduled_at"`
	SlotAt      *time.Time      `json:"slot_at"`
	Text        string          `json:"text"`
	Networks    []soroe.Network `json:"networks"`
	URLs        []string        `json:"urls"`
}

type calendarJSON struct {
	TimeZone string        `json:"time_zone"`
	From     soroe.Date    `json:"from"`
	To       soroe.Date    `json:"to"`
	Slots    []calSlotJSON `json:"slots"`
	Posts    []calPostJSON `json:"posts"`
}

// calRange reads ?from= and ?to= (local days, both included); without
// them, the current month (to: the end of from's month).
func (s *Server) calRange(r *http.Request, org *soroe.Org) (from, to soroe.Date, err error) {
	firstOf := func(d soroe.Date) time.Time {
		t := d.Time(time.UTC)
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return dateRange(r, soroe.DateOf(firstOf(s.planToday(org)), time.UTC), func(from soroe.Date) soroe.Date {
		return soroe.DateOf(firstOf(from).AddDate(0, 1, -1), time.UTC)
	})
}

func (s *Server) apiCalendar(w http.ResponseWriter, r *http.Request) {
	ctx, org := r.Context(), who(r).Org
	loc := org.Location()
	from, to, err := s.calRange(r, org)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	f, err := s.calFilterOf(ctx, org, r.URL.Query())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	win, err := s.calLoad(ctx, org, from, to, f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := calendarJSON{TimeZone: org.TimeZone, From: from, To: to, Slots: []calSlotJSON{}, Posts: []calPostJSON{}}
	slots := make([]plannedSlot, len(win.Slots))
	for i, sl := range win.Slots {
		slots[i] = sl.plannedSlot
	}
	for i, js := range planSlotsJSON(slots, win.Names) {
		cs := calSlotJSON{planSlotJSON: js}
		if p := win.Slots[i].FilledBy; p != nil {
			cs.FilledBy = &p.ID
		}
		out.Slots = append(out.Slots, cs)
	}
	for _, p := range win.Posts {
		j := calPostJSON{
			ID: p.ID, State: p.State, At: p.At, Day: soroe.DateOf(p.At, loc), Local: p.At.In(loc).Format("15:04"),
			GoalID: p.GoalID, TemplateID: p.TemplateID, AuthorID: p.AuthorID, AuthorName: win.Names[p.AuthorID],
			ScheduledAt: p.ScheduledAt, SlotAt: p.SlotAt, Text: p.Text, Networks: []soroe.Network{}, URLs: []string{},
		}
		for _, t := range p.Targets {
			if !slices.Contains(j.Networks, t.Network) {
				j.Networks = append(j.Networks, t.Network)
			}
			if t.State == soroe.TargetSent && t.URL != "" {
				j.URLs = append(j.URLs, t.URL)
			}
		}
		out.Posts = append(out.Posts, j)
	}
	writeJSON(w, http.StatusOK, out)
}
