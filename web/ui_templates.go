package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/plan"
)

// registerTemplates registers the 型 and plan routes, UI and API.
func (s *Server) registerTemplates() error {
	read, write := soroe.ActTemplateRead, soroe.ActTemplateWrite
	return errors.Join(
		// UI.
		s.ui("GET /templates", read, s.templateList),
		s.ui("GET /templates/new", write, s.templateNew),
		s.ui("POST /templates", write, s.templateCreate),
		s.ui("GET /templates/{template}", read, s.templateShow),
		s.ui("GET /templates/{template}/edit", write, s.templateEdit),
		s.ui("POST /templates/{template}", write, s.templateUpdate),
		s.ui("POST /templates/{template}/delete", write, s.templateDelete),
		s.ui("GET /plan", read, s.planWeek),

		// API.
		s.api("GET /api/v1/templates", read, s.apiTemplates),
		s.api("POST /api/v1/templates", write, s.apiCreateTemplate),
		s.api("GET /api/v1/templates/{template}", read, s.apiTemplate),
		s.api("PATCH /api/v1/templates/{template}", write, s.apiUpdateTemplate),
		s.api("DELETE /api/v1/templates/{template}", write, s.apiDeleteTemplate),
		s.api("GET /api/v1/templates/{template}/versions", read, s.apiTemplateVersions),
		s.api("GET /api/v1/templates/{template}/slots", read, s.apiTemplateSlots),
		s.api("GET /api/v1/plan", read, s.apiPlan),
	)
}

// ---------------------------------------------------------------------------
// Planning: who drafts, and the slots of every 型.

// tplAssignees resolves who a 型 names: the listed members and every member
// with the role, sorted by user ID (the order drafters take turns in).
// Listed users who left the organization are dropped.
func tplAssignees(a soroe.Assignees, ms []*soroe.Member) []int64 {
	var ids []int64
	for _, m := range ms {
		if (a.Role != "" && m.Role == a.Role) || slices.Contains(a.UserIDs, m.UserID) {
			ids = append(ids, m.UserID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// plannedSlot is one planned post of one 型.
type plannedSlot struct {
	plan.Slot
	Template *soroe.Template
}

// planSlots lays out the slots of every template between from and to
// (local days, both included), in time order.
func planSlots(ts []*soroe.Template, ms []*soroe.Member, loc *time.Location, from, to soroe.Date) []plannedSlot {
	var out []plannedSlot
	for _, t := range ts {
		for _, sl := range plan.Slots(t.Frequency, loc, from, to, tplAssignees(t.Drafters, ms)) {
			out = append(out, plannedSlot{Slot: sl, Template: t})
		}
	}
	slices.SortStableFunc(out, func(a, b plannedSlot) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return int(a.Template.ID - b.Template.ID)
	})
	return out
}

// planToday is the current day in the organization's time zone.
func (s *Server) planToday(org *soroe.Org) soroe.Date { return soroe.DateOf(s.now(), org.Location()) }

// tplMemberNames maps user IDs to names.
func tplMemberNames(ms []*soroe.Member) map[int64]string {
	out := make(map[int64]string, len(ms))
	for _, m := range ms {
		out[m.UserID] = m.Name
	}
	return out
}

// ---------------------------------------------------------------------------
// Words: labels, frequencies and days in the page's language.

func (s *Server) tplToneLabel(lang, tone string) string { return s.cat.T(lang, "templates.tone."+tone) }
func (s *Server) tplFormatLabel(lang, f string) string  { return s.cat.T(lang, "templates.format."+f) }
func (s *Server) tplNetworkLabel(lang string, n soroe.Network) string {
	return s.cat.T(lang, "templates.network."+string(n))
}
func (s *Server) tplWeekdayLabel(lang string, d time.Weekday) string {
	return s.cat.T(lang, fmt.Sprintf("templates.weekday.%d", int(d)))
}

// tplFreqWords says a frequency in words: 「週3回・月水金 12:00」, "3 a week ·
// Mon, Wed, Fri 12:00". What the plan does by default is said too (no
// weekdays: weekdays; no time: 12:00).
func (s *Server) tplFreqWords(lang string, f soroe.Frequency) string {
	key := "templates.freq.week"
	if f.Per == "month" {
		key = "templates.freq.month"
	}
	out := s.cat.T(lang, key, "Count", f.Count)
	days := slices.Clone(f.Weekdays)
	slices.SortFunc(days, func(a, b time.Weekday) int { return (int(a)+6)%7 - (int(b)+6)%7 })
	days = slices.Compact(days)
	var when string
	switch {
	case len(days) == 0 || slices.Equal(days, []time.Weekday{1, 2, 3, 4, 5}):
		when = s.cat.T(lang, "templates.freq.weekdays")
	case len(days) == 7:
		when = s.cat.T(lang, "templates.freq.every_day")
	default:
		names := make([]string, len(days))
		for i, d := range days {
			names[i] = s.tplWeekdayLabel(lang, d)
		}
		sep := ", "
		if lang == soroe.LangJA {
			sep = ""
		}
		when = strings.Join(names, sep)
	}
	times := f.Times
	if len(times) == 0 {
		times = []string{"12:00"}
	}
	tsep := ", "
	if lang == soroe.LangJA {
		tsep = "、"
	}
	return out + s.cat.T(lang, "templates.freq.sep") + when + " " + strings.Join(times, tsep)
}

// planDayLabel is a local day with its weekday: 「11月23日（月）」, "Mon, Nov 23".
func (s *Server) planDayLabel(lang string, d soroe.Date) string {
	t := d.Time(time.UTC)
	wd := s.tplWeekdayLabel(lang, t.Weekday())
	if lang == soroe.LangJA {
		return fmt.Sprintf("%d月%d日（%s）", t.Month(), t.Day(), wd)
	}
	return wd + ", " + t.Format("Jan 2")
}

// planWeekLabel is a week's span: 「2026年11月23日（月）〜11月29日（日）」.
func (s *Server) planWeekLabel(lang string, mon, sun soroe.Date) string {
	if lang == soroe.LangJA {
		return fmt.Sprintf("%d年%s〜%s", mon.Time(time.UTC).Year(), s.planDayLabel(lang, mon), s.planDayLabel(lang, sun))
	}
	return fmt.Sprintf("%s – %s, %d", s.planDayLabel(lang, mon), s.planDayLabel(lang, sun), sun.Time(time.UTC).Year())
}

// tplAssigneeWords names who a 型 assigns: listed members, then the role.
func (s *Server) tplAssigneeWords(lang string, a soroe.Assignees, names map[int64]string) string {
	var parts []string
	for _, id := range a.UserIDs {
		if n, ok := names[id]; ok {
			parts = append(parts, n)
		} else {
			parts = append(parts, s.cat.T(lang, "templates.former_member"))
		}
	}
	if a.Role != "" {
		parts = append(parts, s.cat.T(lang, "templates.everyone_in", "Role", s.cat.T(lang, "role."+string(a.Role))))
	}
	if len(parts) == 0 {
		return "—"
	}
	sep := ", "
	if lang == soroe.LangJA {
		sep = "、"
	}
	return strings.Join(parts, sep)
}

// templateCard is a 型 with everything said in words, for lists and pages.
type templateCard struct {
	*soroe.Template
	Freq      string
	ToneText  string
	Format    string
	Networks  []string
	Drafters  string
	Approvers string
}

func (s *Server) tplCard(lang string, t *soroe.Template, names map[int64]string) templateCard {
	c := templateCard{
		Template: t, Freq: s.tplFreqWords(lang, t.Frequency), ToneText: s.tplToneLabel(lang, t.Tone),
		Format:    s.tplFormatLabel(lang, t.Format),
		Drafters:  s.tplAssigneeWords(lang, t.Drafters, names),
		Approvers: s.tplAssigneeWords(lang, t.Approvers, names),
	}
	for _, n := range t.Networks {
		c.Networks = append(c.Networks, s.tplNetworkLabel(lang, n))
	}
	return c
}

// planRow is one planned slot, ready to show.
type planRow struct {
	At           time.Time // the slot's instant (UTC)
	Date         soroe.Date
	Day          string
	Soon         string // "today" or "tomorrow" (local), else ""
	Local        string
	TemplateID   int64
	TemplateName string
	GoalTitle    string
	DrafterID    int64
	Drafter      string // "" when nobody drafts
	Mine         bool
	Past         bool
	PostID       int64  // the post that fills the slot, if any
	PostState    string // its state
	Done         bool   // it has gone out (実施)
	FillURL      string // starts the slot's post, when it is open and the caller may write it
}

// planRows makes slots ready to show, with the posts that fill them (fills
// may be nil: nothing is filled).
func (s *Server) planRows(r *http.Request, slots []plannedSlot, names map[int64]string, goals map[int64]string, fills map[string]*slotFill) []planRow {
	id, lang, now := who(r), lang(r), s.now()
	today := s.planToday(id.Org)
	out := make([]planRow, 0, len(slots))
	for _, sl := range slots {
		row := planRow{
			At: sl.At.UTC(), Date: sl.Day, Day: s.planDayLabel(lang, sl.Day), Local: sl.Local,
			TemplateID: sl.Template.ID, TemplateName: sl.Template.Name, GoalTitle: goals[sl.Template.GoalID],
			DrafterID: sl.DrafterID, Drafter: names[sl.DrafterID],
			Mine: sl.DrafterID != 0 && sl.DrafterID == id.User.ID, Past: sl.At.Before(now),
		}
		switch sl.Day {
		case today:
			row.Soon = "today"
		case today.AddDays(1):
			row.Soon = "tomorrow"
		}
		if f := fills[slotKey(sl.Template.ID, sl.At)]; f != nil {
			row.PostID, row.PostState, row.Done = f.Post.ID, f.Post.State, f.Done()
		} else if !row.Past && mayFill(id, sl.DrafterID) {
			row.FillURL = calFillURL(sl.Template.ID, sl.At)
		}
		out = append(out, row)
	}
	return out
}

// ---------------------------------------------------------------------------
// GET /templates

type tplGoalGroup struct {
	Goal      *soroe.Goal
	Templates []templateCard
}

type tplListData struct {
	Groups []tplGoalGroup
	Goals  []*soroe.Goal
	GoalID int64 // the goal filter, 0 for all
	Count  int
}

// tplGoalFilter reads ?goal=; an unknown goal (or one of another
// organization) is not found.
func (s *Server) tplGoalFilter(r *http.Request, goals []*soroe.Goal) (int64, error) {
	v := strings.TrimSpace(r.URL.Query().Get("goal"))
	if v == "" {
		return 0, nil
	}
	gid, err := strconv.ParseInt(v, 10, 64)
	if err != nil || !slices.ContainsFunc(goals, func(g *soroe.Goal) bool { return g.ID == gid }) {
		return 0, soroe.ErrNotFound
	}
	return gid, nil
}

func (s *Server) templateList(w http.ResponseWriter, r *http.Request) {
	ctx, org, l := r.Context(), who(r).Org, lang(r)
	goals, err := s.db.Goals(ctx, org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	gid, err := s.tplGoalFilter(r, goals)
	if err != nil {
		s.notFound(w, r)
		return
	}
	ts, err := s.db.Templates(ctx, org.ID, gid)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ms, err := s.db.Members(ctx, org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := tplMemberNames(ms)
	d := &tplListData{Goals: goals, GoalID: gid, Count: len(ts)}
	for _, g := range goals {
		if gid != 0 && g.ID != gid {
			continue
		}
		grp := tplGoalGroup{Goal: g}
		for _, t := range ts {
			if t.GoalID == g.ID {
				grp.Templates = append(grp.Templates, s.tplCard(l, t, names))
			}
		}
		d.Groups = append(d.Groups, grp)
	}
	s.render(w, http.StatusOK, "templates", s.newPage(w, r, "templates.title", d))
}

// ---------------------------------------------------------------------------
// GET /templates/{template}

type tplPart struct {
	Text string
	Slot bool
}

// tplSlotRE finds the named slots of a structure, as soroe.TemplateBody.Slots
// does.
var tplSlotRE = regexp.MustCompile(`\{([^{}\n]{1,40})\}`)

// tplParts splits a structure into text and slots, to mark the slots.
func tplParts(s string) []tplPart {
	var out []tplPart
	last := 0
	for _, m := range tplSlotRE.FindAllStringIndex(s, -1) {
		if m[0] > last {
			out = append(out, tplPart{Text: s[last:m[0]]})
		}
		out = append(out, tplPart{Text: s[m[0]:m[1]], Slot: true})
		last = m[1]
	}
	if last < len(s) {
		out = append(out, tplPart{Text: s[last:]})
	}
	return out
}

type tplVersionRow struct {
	Version int
	By      string
	At      time.Time
	Current bool
	Viewing bool
}

type tplPageData struct {
	templateCard
	Goal      *soroe.Goal
	Parts     []tplPart
	SlotNames []string
	Current   int  // the current version
	Old       bool // an earlier version is shown
	Versions  []tplVersionRow
	Upcoming  []planRow
	From, To  string
	TimeZone  string
	CanWrite  bool // may start a post from the 型
}

// loadTemplate reads the {template} of the path at a version (0: current).
func (s *Server) loadTemplate(r *http.Request, version int) (*soroe.Template, error) {
	tid, err := pathID(r, "template")
	if err != nil {
		return nil, err
	}
	return s.db.Template(r.Context(), who(r).Org.ID, tid, version)
}

// tplVersionParam reads ?version=; anything but a positive number is not found.
func tplVersionParam(r *http.Request) (int, error) {
	v := r.URL.Query().Get("version")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, soroe.ErrNotFound
	}
	return n, nil
}

// tplUpcomingDays is how far ahead a 型's page shows its cadence.
const tplUpcomingDays = 28

func (s *Server) templateShow(w http.ResponseWriter, r *http.Request) {
	ctx, id, l := r.Context(), who(r), lang(r)
	version, err := tplVersionParam(r)
	var t, cur *soroe.Template
	if err == nil {
		cur, err = s.loadTemplate(r, 0)
	}
	if err == nil {
		t = cur
		if version != 0 && version != cur.Version {
			t, err = s.loadTemplate(r, version)
		}
	}
	if s.failed(w, r, err) {
		return
	}
	ms, err := s.db.Members(ctx, id.Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	g, err := s.db.Goal(ctx, id.Org.ID, t.GoalID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	vs, err := s.db.TemplateVersions(ctx, id.Org.ID, t.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	names := tplMemberNames(ms)
	d := &tplPageData{
		templateCard: s.tplCard(l, t, names), Goal: g, Parts: tplParts(t.Structure), SlotNames: t.Slots(),
		Current: cur.Version, Old: t.Version != cur.Version, TimeZone: id.Org.TimeZone,
	}
	for _, v := range vs {
		by, ok := names[v.CreatedBy]
		if !ok {
			by = s.cat.T(l, "templates.former_member")
		}
		d.Versions = append(d.Versions, tplVersionRow{Version: v.Version, By: by, At: v.CreatedAt, Current: v.Version == cur.Version, Viewing: v.Version == t.Version})
	}
	if !d.Old {
		from := s.planToday(id.Org)
		to := from.AddDays(tplUpcomingDays - 1)
		d.From, d.To = s.planDayLabel(l, from), s.planDayLabel(l, to)
		slots := planSlots([]*soroe.Template{t}, ms, id.Org.Location(), from, to)
		fills, err := s.slotFills(ctx, id.Org, from, to)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Upcoming = s.planRows(r, slots, names, map[int64]string{g.ID: g.Title}, fills)
		d.CanWrite = soroe.Can(id.Role, soroe.ActPostWrite)
	}
	s.render(w, http.StatusOK, "template", s.newPage(w, r, "templates.page_title", d))
}

// ---------------------------------------------------------------------------
// The form: GET /templates/new, POST /templates, GET /templates/{t}/edit,
// POST /templates/{t}.

type tplOption struct {
	Value, Label string
	Checked      bool
}

type tplMember struct {
	ID       int64
	Name     string
	Role     soroe.Role
	Drafter  bool
	Approver bool
}

type tplFormView struct {
	Template      *soroe.Template // nil for a new 型
	Goal          *soroe.Goal     // the 型's goal, when editing
	NextVersion   int
	Action        string
	Goals         []tplOption
	Tones         []tplOption
	Formats       []tplOption
	Networks      []tplOption
	Pers          []tplOption
	Weekdays      []tplOption
	Members       []tplMember
	DrafterRoles  []tplOption
	ApproverRoles []tplOption
	Steps         []tplStepRow // up to three approval steps
	ErrorCount    int
}

// tplStepRow is one approval step in the form (step_<i>_…).
type tplStepRow struct {
	Index   int
	Name    string
	Modes   []tplOption
	Roles   []tplOption
	Members []tplOption
	Guests  string // "name <email>" per line
}

// Form field names. A checkbox group also sends a hidden "has_<group>" so
// that "none checked" can be told from "not in the form"; a form that
// leaves a field out keeps the 型's current value.
const (
	tfGoal, tfName, tfTheme, tfStructure      = "goal_id", "name", "theme", "structure"
	tfTone, tfToneNotes, tfFormat, tfNetworks = "tone", "tone_notes", "format", "networks"
	tfCount, tfPer, tfWeekdays, tfTimes       = "freq_count", "freq_per", "weekdays", "times"
	tfHashtags, tfCTA, tfLink                 = "hashtags", "cta", "link"
	tfDos, tfDonts, tfChecklist               = "dos", "donts", "checklist"
	tfDrafterIDs, tfDrafterRole               = "drafter_ids", "drafter_role"
	tfApproverIDs, tfApproverRole             = "approver_ids", "approver_role"
	tfHasPrefix                               = "has_"
	tfErrFreqCount, tfErrWeekdays             = "frequency.count", "frequency.weekdays"
)

// tplSplitList splits text typed as a list: one per line, or separated by
// commas (half- or full-width).
func tplSplitList(s string, commas bool) []string {
	seps := "\n\r"
	if commas {
		seps += ",、，"
	}
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// tplBodyForm writes a body into form values, to fill the edit form.
func tplBodyForm(b soroe.TemplateBody) url.Values {
	v := url.Values{
		tfName: {b.Name}, tfTheme: {b.Theme}, tfStructure: {b.Structure}, tfTone: {b.Tone}, tfToneNotes: {b.ToneNotes},
		tfFormat: {b.Format}, tfCount: {strconv.Itoa(b.Frequency.Count)}, tfPer: {b.Frequency.Per},
		tfTimes: {strings.Join(b.Frequency.Times, ", ")}, tfHashtags: {strings.Join(b.Hashtags, " ")},
		tfCTA: {b.CTA}, tfLink: {b.Link}, tfDos: {strings.Join(b.Dos, "\n")}, tfDonts: {strings.Join(b.Donts, "\n")},
		tfChecklist: {strings.Join(b.Checklist, "\n")}, tfDrafterRole: {string(b.Drafters.Role)}, tfApproverRole: {string(b.Approvers.Role)},
	}
	for _, n := range b.Networks {
		v.Add(tfNetworks, string(n))
	}
	for _, d := range b.Frequency.Weekdays {
		v.Add(tfWeekdays, strconv.Itoa(int(d)))
	}
	for _, id := range b.Drafters.UserIDs {
		v.Add(tfDrafterIDs, strconv.FormatInt(id, 10))
	}
	for _, id := range b.Approvers.UserIDs {
		v.Add(tfApproverIDs, strconv.FormatInt(id, 10))
	}
	tplStepsForm(v, b.ApprovalSteps)
	return v
}

// tplParseBody reads a body from a form on top of base (the current version,
// or an empty body for a new 型). Input that cannot even be read (a count
// that is not a number) is reported in errs.
func tplParseBody(form url.Values, base soroe.TemplateBody) (soroe.TemplateBody, map[string]string) {
	b := base
	errs := map[string]string{}
	has := func(k string) bool { _, ok := form[k]; return ok || form.Has(tfHasPrefix+k) }
	text := func(k string, dst *string) {
		if has(k) {
			*dst = form.Get(k)
		}
	}
	list := func(k string, dst *[]string, commas bool) {
		if has(k) {
			*dst = tplSplitList(form.Get(k), commas)
		}
	}
	text(tfName, &b.Name)
	text(tfTheme, &b.Theme)
	text(tfStructure, &b.Structure)
	text(tfTone, &b.Tone)
	text(tfToneNotes, &b.ToneNotes)
	text(tfFormat, &b.Format)
	text(tfCTA, &b.CTA)
	text(tfLink, &b.Link)
	b.ToneNotes = strings.TrimSpace(b.ToneNotes)
	if has(tfNetworks) {
		b.Networks = nil
		for _, n := range form[tfNetworks] {
			b.Networks = append(b.Networks, soroe.Network(n))
		}
	}
	if has(tfHashtags) {
		b.Hashtags = strings.FieldsFunc(form.Get(tfHashtags), func(r rune) bool {
			return r == ' ' || r == '\u3000' || r == ',' || r == '、' || r == '\n' || r == '\r' || r == '\t'
		})
	}
	list(tfDos, &b.Dos, false)
	list(tfDonts, &b.Donts, false)
	list(tfChecklist, &b.Checklist, false)
	f := &b.Frequency
	f.Weekdays, f.Times = slices.Clone(f.Weekdays), slices.Clone(f.Times)
	if has(tfCount) {
		n, err := strconv.Atoi(strings.TrimSpace(form.Get(tfCount)))
		if err != nil {
			errs[tfErrFreqCount] = "invalid_frequency"
			n = 1
		}
		f.Count = n
	}
	text(tfPer, &f.Per)
	if has(tfWeekdays) {
		f.Weekdays = nil
		for _, v := range form[tfWeekdays] {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 6 {
				errs[tfErrWeekdays] = "invalid_frequency"
				continue
			}
			f.Weekdays = append(f.Weekdays, time.Weekday(n))
		}
	}
	list(tfTimes, &f.Times, true)
	for i, t := range f.Times {
		// "9:30" means 09:30.
		if len(t) == 4 && t[1] == ':' {
			f.Times[i] = "0" + t
		}
	}
	ids := func(k string, dst *[]int64, field string) {
		if !has(k) {
			return
		}
		*dst = nil
		for _, v := range form[k] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				errs[field] = "not_a_member"
				continue
			}
			*dst = append(*dst, id)
		}
	}
	ids(tfDrafterIDs, &b.Drafters.UserIDs, "drafters")
	ids(tfApproverIDs, &b.Approvers.UserIDs, "approvers")
	if has(tfDrafterRole) {
		b.Drafters.Role = soroe.Role(form.Get(tfDrafterRole))
	}
	if has(tfApproverRole) {
		b.Approvers.Role = soroe.Role(form.Get(tfApproverRole))
	}
	tplParseSteps(form, &b, errs)
	return b, errs
}

// tplBodyErrors validates a body and returns the error of every field, not
// only the first: after each error the field is set to a valid value and
// the body is checked again. Listed drafters and approvers must be members.
func tplBodyErrors(b soroe.TemplateBody, ms []*soroe.Member, errs map[string]string) map[string]string {
	isMember := func(id int64) bool {
		return slices.ContainsFunc(ms, func(m *soroe.Member) bool { return m.UserID == id })
	}
	for field, a := range map[string]soroe.Assignees{"drafters": b.Drafters, "approvers": b.Approvers} {
		if a.Role != "" && !a.Role.Valid() {
			errs[field] = "unknown_role"
		}
		for _, id := range a.UserIDs {
			if !isMember(id) {
				errs[field] = "not_a_member"
			}
		}
	}
	for _, st := range b.ApprovalSteps {
		for _, id := range st.Approvers.UserIDs {
			if !isMember(id) {
				errs["approval_steps"] = "not_a_member"
			}
		}
	}
	b.Drafters, b.Approvers = soroe.Assignees{}, soroe.Assignees{}
	for range 20 {
		c := b
		c.Networks, c.Hashtags, c.Dos, c.Donts, c.Checklist = slices.Clone(b.Networks), slices.Clone(b.Hashtags), slices.Clone(b.Dos), slices.Clone(b.Donts), slices.Clone(b.Checklist)
		c.Frequency.Weekdays, c.Frequency.Times = slices.Clone(b.Frequency.Weekdays), slices.Clone(b.Frequency.Times)
		err := c.Validate()
		if err == nil {
			break
		}
		field := soroe.ErrorField(err)
		if _, seen := errs[field]; !seen {
			errs[field] = soroe.ErrorMessage(err)
		}
		switch field {
		case "name":
			b.Name = "x"
		case "structure":
			b.Structure = "x"
		case "tone":
			b.Tone = "friendly"
		case "format":
			b.Format = "text"
		case "networks":
			b.Networks = []soroe.Network{soroe.NetworkX}
		case "link":
			b.Link = ""
		case "frequency.per":
			b.Frequency.Per = "week"
		case "frequency.count":
			b.Frequency.Count = 1
		case "frequency.weekdays":
			b.Frequency.Weekdays = nil
		case "frequency.times":
			b.Frequency.Times = nil
		case "approval_steps":
			b.ApprovalSteps = nil
		default:
			return errs
		}
	}
	return errs
}

// tplFormData builds the form's choices from the values in p.Form.
func (s *Server) tplFormData(p *page, goals []*soroe.Goal, ms []*soroe.Member, d *tplFormView) {
	l, v := p.Lang, p.Form
	checked := func(k, val string) bool { return slices.Contains(v[k], val) }
	for _, g := range goals {
		d.Goals = append(d.Goals, tplOption{Value: strconv.FormatInt(g.ID, 10), Label: g.Title, Checked: v.Get(tfGoal) == strconv.FormatInt(g.ID, 10)})
	}
	for _, t := range soroe.Tones {
		d.Tones = append(d.Tones, tplOption{Value: t, Label: s.tplToneLabel(l, t), Checked: v.Get(tfTone) == t})
	}
	for _, f := range soroe.Formats {
		d.Formats = append(d.Formats, tplOption{Value: f, Label: s.tplFormatLabel(l, f), Checked: v.Get(tfFormat) == f})
	}
	for _, n := range soroe.Networks {
		d.Networks = append(d.Networks, tplOption{Value: string(n), Label: s.tplNetworkLabel(l, n), Checked: checked(tfNetworks, string(n))})
	}
	for _, per := range []string{"week", "month"} {
		d.Pers = append(d.Pers, tplOption{Value: per, Label: s.cat.T(l, "templates.per."+per), Checked: v.Get(tfPer) == per})
	}
	for i := range 7 {
		wd := time.Weekday((i + 1) % 7) // Monday first
		val := strconv.Itoa(int(wd))
		d.Weekdays = append(d.Weekdays, tplOption{Value: val, Label: s.tplWeekdayLabel(l, wd), Checked: checked(tfWeekdays, val)})
	}
	for _, m := range ms {
		id := strconv.FormatInt(m.UserID, 10)
		d.Members = append(d.Members, tplMember{ID: m.UserID, Name: m.Name, Role: m.Role,
			Drafter: checked(tfDrafterIDs, id), Approver: checked(tfApproverIDs, id)})
	}
	roles := func(k string) []tplOption {
		out := []tplOption{{Value: "", Label: s.cat.T(l, "templates.no_role"), Checked: v.Get(k) == ""}}
		for _, r := range soroe.Roles {
			out = append(out, tplOption{Value: string(r), Label: s.cat.T(l, "templates.everyone_in", "Role", s.cat.T(l, "role."+string(r))), Checked: v.Get(k) == string(r)})
		}
		return out
	}
	d.DrafterRoles, d.ApproverRoles = roles(tfDrafterRole), roles(tfApproverRole)
	for i := range soroe.MaxApprovalSteps {
		k := func(f string) string { return fmt.Sprintf("step_%d_%s", i, f) }
		row := tplStepRow{Index: i, Name: v.Get(k("name")), Roles: roles(k("role")), Guests: v.Get(k("guests"))}
		for _, mode := range []string{soroe.ApproveAny, soroe.ApproveAll} {
			row.Modes = append(row.Modes, tplOption{Value: mode, Label: s.cat.T(l, "posts.mode."+mode), Checked: v.Get(k("mode")) == mode})
		}
		for _, m := range ms {
			id := strconv.FormatInt(m.UserID, 10)
			row.Members = append(row.Members, tplOption{Value: id, Label: m.Name, Checked: checked(k("ids"), id)})
		}
		d.Steps = append(d.Steps, row)
	}
	d.ErrorCount = len(p.Errors)
}

// tplStepsForm writes approval steps into form values.
func tplStepsForm(v url.Values, steps []soroe.ApprovalStep) {
	for i, st := range steps {
		k := func(f string) string { return fmt.Sprintf("step_%d_%s", i, f) }
		v.Set(k("name"), st.Name)
		v.Set(k("mode"), st.Mode)
		v.Set(k("role"), string(st.Approvers.Role))
		for _, id := range st.Approvers.UserIDs {
			v.Add(k("ids"), strconv.FormatInt(id, 10))
		}
		var lines []string
		for _, g := range st.Guests {
			lines = append(lines, g.Name+" <"+g.Email+">")
		}
		v.Set(k("guests"), strings.Join(lines, "\n"))
	}
}

// tplParseSteps reads the approval steps of the form (when it has them):
// rows with no name, approvers or guests are left out.
func tplParseSteps(form url.Values, b *soroe.TemplateBody, errs map[string]string) {
	if !form.Has("has_steps") {
		return
	}
	b.ApprovalSteps = nil
	for i := range soroe.MaxApprovalSteps {
		k := func(f string) string { return fmt.Sprintf("step_%d_%s", i, f) }
		st := soroe.ApprovalStep{Name: strings.TrimSpace(form.Get(k("name"))), Mode: form.Get(k("mode")),
			Approvers: soroe.Assignees{Role: soroe.Role(form.Get(k("role")))}}
		for _, v := range form[k("ids")] {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				errs["approval_steps"] = "not_a_member"
				continue
			}
			st.Approvers.UserIDs = append(st.Approvers.UserIDs, id)
		}
		for _, line := range tplSplitList(form.Get(k("guests")), false) {
			g := soroe.Guest{Email: line}
			if a, err := mail.ParseAddress(line); err == nil {
				g = soroe.Guest{Name: a.Name, Email: a.Address}
			}
			st.Guests = append(st.Guests, g)
		}
		if st.Name == "" && st.Approvers.Empty() && len(st.Guests) == 0 {
			continue
		}
		b.ApprovalSteps = append(b.ApprovalSteps, st)
	}
}

// tplFormContext loads what the form needs: the goals and the members.
func (s *Server) tplFormContext(r *http.Request) ([]*soroe.Goal, []*soroe.Member, error) {
	org := who(r).Org
	goals, err := s.db.Goals(r.Context(), org.ID)
	if err != nil {
		return nil, nil, err
	}
	ms, err := s.db.Members(r.Context(), org.ID)
	return goals, ms, err
}

// renderTplForm shows the form with p.Form's values and p.Errors.
func (s *Server) renderTplForm(w http.ResponseWriter, r *http.Request, status int, p *page, d *tplFormView, goals []*soroe.Goal, ms []*soroe.Member) {
	s.tplFormData(p, goals, ms, d)
	p.Data = d
	s.render(w, status, "template_form", p)
}

func (s *Server) templateNew(w http.ResponseWriter, r *http.Request) {
	goals, ms, err := s.tplFormContext(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "templates.new_title", nil)
	p.Form = url.Values{
		tfGoal: {r.URL.Query().Get("goal")}, tfTone: {"friendly"}, tfFormat: {"text"}, tfCount: {"3"}, tfPer: {"week"},
		tfTimes: {"12:00"}, tfDrafterRole: {string(soroe.RoleStaff)}, tfApproverRole: {string(soroe.RoleManager)},
	}
	if len(goals) == 1 {
		p.Form.Set(tfGoal, strconv.FormatInt(goals[0].ID, 10))
	}
	s.renderTplForm(w, r, http.StatusOK, p, &tplFormView{Action: "/templates"}, goals, ms)
}

func (s *Server) templateCreate(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	goals, ms, err := s.tplFormContext(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	_ = r.ParseForm()
	b, errs := tplParseBody(r.PostForm, soroe.TemplateBody{})
	gid, _ := strconv.ParseInt(r.PostFormValue(tfGoal), 10, 64)
	if !slices.ContainsFunc(goals, func(g *soroe.Goal) bool { return g.ID == gid }) {
		errs["goal_id"] = "unknown_goal"
	}
	errs = tplBodyErrors(b, ms, errs)
	t := &soroe.Template{OrgID: id.Org.ID, GoalID: gid, CreatedBy: id.User.ID, TemplateBody: b}
	if len(errs) == 0 {
		err = s.db.CreateTemplate(r.Context(), t)
		if f := soroe.ErrorField(err); soroe.ErrorCode(err) == soroe.EInvalid {
			errs[cmp.Or(f, "_")] = soroe.ErrorMessage(err)
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		p := s.newPage(w, r, "templates.new_title", nil)
		p.Form, p.Errors = r.PostForm, errs
		s.renderTplForm(w, r, http.StatusUnprocessableEntity, p, &tplFormView{Action: "/templates"}, goals, ms)
		return
	}
	s.flash(r, "templates.flash.created")
	redirect(w, r, fmt.Sprintf("/templates/%d", t.ID))
}

// tplEditForm is the form for a new version of t.
func (s *Server) tplEditForm(t *soroe.Template, goals []*soroe.Goal) *tplFormView {
	d := &tplFormView{Template: t, NextVersion: t.Version + 1, Action: fmt.Sprintf("/templates/%d", t.ID)}
	for _, g := range goals {
		if g.ID == t.GoalID {
			d.Goal = g
		}
	}
	return d
}

func (s *Server) templateEdit(w http.ResponseWriter, r *http.Request) {
	t, err := s.loadTemplate(r, 0)
	if s.failed(w, r, err) {
		return
	}
	goals, ms, err := s.tplFormContext(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "templates.edit_title", nil)
	p.Form = tplBodyForm(t.TemplateBody)
	s.renderTplForm(w, r, http.StatusOK, p, s.tplEditForm(t, goals), goals, ms)
}

func (s *Server) templateUpdate(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	t, err := s.loadTemplate(r, 0)
	if s.failed(w, r, err) {
		return
	}
	goals, ms, err := s.tplFormContext(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	_ = r.ParseForm()
	b, errs := tplParseBody(r.PostForm, t.TemplateBody)
	errs = tplBodyErrors(b, ms, errs)
	var saved *soroe.Template
	if len(errs) == 0 {
		saved, err = s.db.UpdateTemplate(r.Context(), id.Org.ID, t.ID, b, id.User.ID)
		if errors.Is(err, soroe.ErrNotFound) {
			s.notFound(w, r)
			return
		} else if f := soroe.ErrorField(err); soroe.ErrorCode(err) == soroe.EInvalid {
			errs[cmp.Or(f, "_")] = soroe.ErrorMessage(err)
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		p := s.newPage(w, r, "templates.edit_title", nil)
		p.Form, p.Errors = r.PostForm, errs
		s.renderTplForm(w, r, http.StatusUnprocessableEntity, p, s.tplEditForm(t, goals), goals, ms)
		return
	}
	if saved.Version == t.Version {
		s.flash(r, "templates.flash.unchanged")
	} else {
		s.flash(r, "templates.flash.saved")
	}
	redirect(w, r, fmt.Sprintf("/templates/%d", t.ID))
}

func (s *Server) templateDelete(w http.ResponseWriter, r *http.Request) {
	tid, err := pathID(r, "template")
	if err == nil {
		err = s.db.DeleteTemplate(r.Context(), who(r).Org.ID, tid)
	}
	if s.failed(w, r, err) {
		return
	}
	s.flash(r, "templates.flash.deleted")
	redirect(w, r, "/templates")
}

// ---------------------------------------------------------------------------
// GET /plan

type planDay struct {
	Date  soroe.Date
	Label string
	Today bool
	Slots []planRow
}

type planSummary struct {
	TemplateID int64
	Name       string
	GoalTitle  string
	Planned    int
	Written    int // slots a post fills (作成済み)
	Done       int // slots whose post has gone out (実施); see ui_slots.go
}

type planData struct {
	Range        string
	Prev, Next   soroe.Date
	ThisWeek     bool
	When         string // the week shown against today's: "past", "this" or "future"
	Days         []planDay
	Mine         []planRow
	MineLeft     int // the caller's slots still to come
	MineWritten  int // the caller's slots a post fills
	Summary      []planSummary
	Total        int
	Unassigned   int
	HasTemplates bool
	TimeZone     string
}

// planWeekParam reads ?week= (any day of the week); without it, or when it is
// not a date, the current week.
func (s *Server) planWeekParam(r *http.Request, org *soroe.Org) (mon, sun soroe.Date) {
	loc := org.Location()
	at := s.now()
	if d, err := soroe.ParseDate(r.URL.Query().Get("week")); err == nil {
		at = d.Time(loc).Add(12 * time.Hour)
	}
	return plan.WeekOf(at, loc)
}

// planLoad loads every 型, the members and the goal titles of the org.
func (s *Server) planLoad(r *http.Request) ([]*soroe.Template, []*soroe.Member, map[int64]string, error) {
	ctx, org := r.Context(), who(r).Org
	ts, err := s.db.Templates(ctx, org.ID, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	ms, err := s.db.Members(ctx, org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	goals, err := s.db.Goals(ctx, org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	titles := map[int64]string{}
	for _, g := range goals {
		titles[g.ID] = g.Title
	}
	return ts, ms, titles, nil
}

func (s *Server) planWeek(w http.ResponseWriter, r *http.Request) {
	id, l := who(r), lang(r)
	ts, ms, titles, err := s.planLoad(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	mon, sun := s.planWeekParam(r, id.Org)
	cur, _ := plan.WeekOf(s.now(), id.Org.Location())
	today := s.planToday(id.Org)
	fills, err := s.slotFills(r.Context(), id.Org, mon, sun)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows := s.planRows(r, planSlots(ts, ms, id.Org.Location(), mon, sun), tplMemberNames(ms), titles, fills)
	d := &planData{
		Range: s.planWeekLabel(l, mon, sun), Prev: mon.AddDays(-7), Next: mon.AddDays(7), ThisWeek: mon == cur,
		Total: len(rows), HasTemplates: len(ts) > 0, TimeZone: id.Org.TimeZone,
	}
	switch {
	case mon == cur:
		d.When = "this"
	case mon < cur:
		d.When = "past"
	default:
		d.When = "future"
	}
	for i := range 7 {
		day := mon.AddDays(i)
		pd := planDay{Date: day, Label: s.planDayLabel(l, day), Today: day == today}
		for _, row := range rows {
			if row.Date == day {
				pd.Slots = append(pd.Slots, row)
			}
		}
		d.Days = append(d.Days, pd)
	}
	sums := map[int64]*planSummary{}
	for _, t := range ts {
		d.Summary = append(d.Summary, planSummary{TemplateID: t.ID, Name: t.Name, GoalTitle: titles[t.GoalID]})
	}
	for i := range d.Summary {
		sums[d.Summary[i].TemplateID] = &d.Summary[i]
	}
	for _, row := range rows {
		sum := sums[row.TemplateID]
		sum.Planned++
		if row.PostID != 0 {
			sum.Written++
		}
		if row.Done {
			sum.Done++
		}
		if row.Mine {
			d.Mine = append(d.Mine, row)
			if !row.Past {
				d.MineLeft++
			}
			if row.PostID != 0 {
				d.MineWritten++
			}
		}
		if row.DrafterID == 0 {
			d.Unassigned++
		}
	}
	s.render(w, http.StatusOK, "plan", s.newPage(w, r, "plan.title", d))
}

// ---------------------------------------------------------------------------
// The home page.

type homeSlotsData struct {
	Mine     []planRow // the caller's next slots (ui_slots.go: upcomingSlots)
	More     int       // the caller's slots until the end of next week not listed
	OrgTotal int       // the organization's slots this week
	ShowOrg  bool
}

// homeSlots is the current user's next slots, each with its 「書く」 link
// or its post, for the home page; nil when the organization has no 型 yet.
func (s *Server) homeSlots(r *http.Request) (any, error) {
	id := who(r)
	if !soroe.Can(id.Role, soroe.ActTemplateRead) {
		return nil, nil
	}
	ts, ms, titles, err := s.planLoad(r)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	loc, now := id.Org.Location(), s.now()
	mon, sun := plan.WeekOf(now, loc)
	to := max(sun.AddDays(7), s.planToday(id.Org).AddDays(homeLookahead))
	all := planSlots(ts, ms, loc, mon, to)
	d := &homeSlotsData{ShowOrg: soroe.Can(id.Role, soroe.ActTemplateWrite)}
	for _, sl := range all {
		if sl.Day <= sun {
			d.OrgTotal++
		}
	}
	next := upcomingSlots(all, id.User.ID, now, loc)
	if len(next) > homeMaxSlots {
		d.More = len(next) - homeMaxSlots
		next = next[:homeMaxSlots]
	}
	if len(next) == 0 {
		return d, nil
	}
	fills, err := s.slotFills(r.Context(), id.Org, next[0].Day, next[len(next)-1].Day)
	if err != nil {
		return nil, err
	}
	d.Mine = s.planRows(r, next, tplMemberNames(ms), titles, fills)
	return d, nil
}
