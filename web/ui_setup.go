package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/library"
	"github.com/soroe/soroe/store"
)

// The three-step setup walks a new organization's owner through the
// method: (1) purposes, goals and KPIs, (2) starter 型 from the library for
// each goal, (3) invitations for the team. Where the organization stands is
// kept in the store (store.SetupStep); it can be skipped and resumed.

// registerSetup registers the three-step setup's routes.
func (s *Server) registerSetup() error {
	a := soroe.ActSetup
	return errors.Join(
		s.ui("GET /setup/resume", a, s.setupResume),
		s.ui("GET /setup/goals", a, s.setupGoalsForm),
		s.ui("POST /setup/goals", a, s.setupGoals),
		s.ui("GET /setup/templates", a, s.setupTemplatesForm),
		s.ui("POST /setup/templates", a, s.setupTemplates),
		s.ui("GET /setup/team", a, s.setupTeamForm),
		s.ui("POST /setup/team", a, s.setupTeam),
		s.ui("POST /setup/finish", a, s.setupFinish),
		s.ui("POST /setup/skip", a, s.setupSkip),
		s.api("GET /api/v1/library", soroe.ActTemplateRead, s.apiLibrary),
	)
}

// setupSteps are the wizard's steps in order; store.SetupDone follows them.
var setupSteps = []string{store.SetupGoals, store.SetupTemplates, store.SetupTeam}

// setupStepView is one step of the progress indicator.
type setupStepView struct {
	N       int
	Step    string
	Href    string
	Done    bool
	Current bool // the page shown (on step pages) or the step to continue with (home)
}

// Key is the step's name in the catalog.
func (v setupStepView) Key() string { return "setup.step." + v.Step }

// BodyKey is the step's one-line description in the catalog.
func (v setupStepView) BodyKey() string { return "setup.step." + v.Step + "_body" }

// setupProgress returns the progress indicator: steps before resume are
// done; current is highlighted.
func setupProgress(resume, current string) []setupStepView {
	reached := slices.Index(setupSteps, resume)
	if resume == store.SetupDone {
		reached = len(setupSteps)
	}
	out := make([]setupStepView, len(setupSteps))
	for i, st := range setupSteps {
		out[i] = setupStepView{N: i + 1, Step: st, Href: "/setup/" + st, Done: i < reached, Current: st == current}
	}
	return out
}

// setupResumeStep is the step to continue with: the stored one while the
// wizard runs; for an organization that has not begun, or skipped, the
// first step its data has not done yet.
func (s *Server) setupResumeStep(ctx context.Context, orgID int64) (stored, resume string, err error) {
	stored, err = s.db.SetupStep(ctx, orgID)
	if err != nil {
		return "", "", err
	}
	switch stored {
	case store.SetupGoals, store.SetupTemplates, store.SetupTeam, store.SetupDone:
		return stored, stored, nil
	}
	goals, err := s.db.Goals(ctx, orgID)
	if err != nil {
		return "", "", err
	}
	if len(goals) == 0 {
		return stored, store.SetupGoals, nil
	}
	bare, err := s.setupBareGoals(ctx, orgID, goals)
	if err != nil {
		return "", "", err
	}
	if len(bare) > 0 {
		return stored, store.SetupTemplates, nil
	}
	return stored, store.SetupTeam, nil
}

// setupBareGoals returns the goals that have no 型 yet.
func (s *Server) setupBareGoals(ctx context.Context, orgID int64, goals []*soroe.Goal) ([]*soroe.Goal, error) {
	tpls, err := s.db.Templates(ctx, orgID, 0)
	if err != nil {
		return nil, err
	}
	has := map[int64]bool{}
	for _, t := range tpls {
		has[t.GoalID] = true
	}
	var out []*soroe.Goal
	for _, g := range goals {
		if !has[g.ID] {
			out = append(out, g)
		}
	}
	return out, nil
}

// setupHome is the home page's setup card.
type setupHome struct {
	Steps   []setupStepView
	Next    string // where "continue" leads
	Started bool   // a step is done already
	Skipped bool   // skipped: only a small reminder
}

// homeSetup is the setup's state for the home page: the card for the owner
// while the setup is neither done nor skipped (a small reminder when it was
// skipped before any goal exists), nothing for anyone else.
func (s *Server) homeSetup(r *http.Request) (any, error) {
	id := who(r)
	if id.Org == nil || !soroe.Can(id.Role, soroe.ActSetup) {
		return nil, nil
	}
	ctx := r.Context()
	stored, resume, err := s.setupResumeStep(ctx, id.Org.ID)
	if err != nil {
		return nil, err
	}
	switch stored {
	case store.SetupDone:
		return nil, nil
	case store.SetupSkipped:
		goals, err := s.db.Goals(ctx, id.Org.ID)
		if err != nil || len(goals) > 0 {
			return nil, err
		}
		return &setupHome{Skipped: true, Next: "/setup/resume"}, nil
	}
	h := &setupHome{Steps: setupProgress(resume, resume), Next: "/setup/" + resume}
	h.Started = h.Steps[0].Done
	return h, nil
}

// setupResume sends the owner to the step to continue with.
func (s *Server) setupResume(w http.ResponseWriter, r *http.Request) {
	_, resume, err := s.setupResumeStep(r.Context(), who(r).Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if resume == store.SetupDone {
		resume = store.SetupGoals
	}
	redirect(w, r, "/setup/"+resume)
}

func (s *Server) setupFinish(w http.ResponseWriter, r *http.Request) {
	if err := s.db.SetSetupStep(r.Context(), who(r).Org.ID, store.SetupDone); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "setup.flash.done")
	redirect(w, r, "/")
}

func (s *Server) setupSkip(w http.ResponseWriter, r *http.Request) {
	if err := s.db.SetSetupStep(r.Context(), who(r).Org.ID, store.SetupSkipped); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "setup.flash.skipped")
	redirect(w, r, "/")
}

// setupAdvance moves the stored step forward to step (never back, and
// never out of "done").
func (s *Server) setupAdvance(ctx context.Context, orgID int64, step string) error {
	cur, err := s.db.SetupStep(ctx, orgID)
	if err != nil {
		return err
	}
	if cur == store.SetupDone || slices.Index(setupSteps, cur) >= slices.Index(setupSteps, step) {
		return nil
	}
	return s.db.SetSetupStep(ctx, orgID, step)
}

// setupProgressFor is the indicator on a step page.
func (s *Server) setupProgressFor(ctx context.Context, orgID int64, current string) ([]setupStepView, error) {
	_, resume, err := s.setupResumeStep(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return setupProgress(resume, current), nil
}

// ---- Step 1: purposes, goals and KPIs ----

// setupPurpose is one purpose's block of the goals form.
type setupPurpose struct {
	Purpose   soroe.Purpose
	Checked   bool
	Title     string
	Deadline  string
	Metric    string
	Event     string
	Target    string
	Strategy  string
	Secondary []*setupSecondary
}

// setupSecondary is a secondary KPI the library suggests for a purpose.
type setupSecondary struct {
	N       int // its position among the purpose's KPIs (1, 2, …)
	Metric  soroe.Metric
	Event   string
	Checked bool
	Target  string
}

// Name is a form field's name for this purpose.
func (p *setupPurpose) Name(field string) string { return string(p.Purpose) + "." + field }

// SecName is the form field of a secondary KPI.
func (p *setupPurpose) SecName(k *setupSecondary, field string) string {
	return fmt.Sprintf("%s.kpi%d%s", p.Purpose, k.N, field)
}

type setupGoalsData struct {
	Steps    []setupStepView
	Purposes []*setupPurpose
	Existing []*soroe.Goal
	Metrics  []soroe.Metric
	Today    soroe.Date
}

// setupFmtTarget writes a target for a form: ratios as percentages.
func setupFmtTarget(m soroe.Metric, v float64) string {
	if m.Ratio() {
		v *= 100
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// setupParseNumber reads a number typed by a person: full-width digits,
// thousands separators and a trailing % or unit are allowed.
func setupParseNumber(s string) (float64, bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == '．':
			b.WriteRune('.')
		case r == ',' || r == '，' || r == ' ' || r == '%' || r == '％':
		default:
			b.WriteRune(r)
		}
	}
	t := strings.TrimRight(b.String(), "件回人")
	v, err := strconv.ParseFloat(t, 64)
	return v, err == nil && t != "" && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// setupDeadline is Months months from today.
func setupDeadline(today soroe.Date, loc *time.Location) soroe.Date {
	return soroe.DateOf(today.Time(loc).AddDate(0, library.Months, 0), loc)
}

// setupSuggested fills the form with the library's suggestions, in the
// organization's language (goals are the organization's, like its 型).
func setupSuggested(lang string, deadline soroe.Date) []*setupPurpose {
	var out []*setupPurpose
	for _, p := range soroe.Purposes {
		sg := library.SuggestGoal(p, lang)
		ks := library.SuggestedKPIs(p)
		sp := &setupPurpose{Purpose: p, Title: sg.Title, Strategy: sg.Strategy, Deadline: string(deadline),
			Metric: string(ks[0].Metric), Event: ks[0].Event, Target: setupFmtTarget(ks[0].Metric, ks[0].Target)}
		for i, k := range ks[1:] {
			sp.Secondary = append(sp.Secondary, &setupSecondary{N: i + 1, Metric: k.Metric, Event: k.Event,
				Checked: true, Target: setupFmtTarget(k.Metric, k.Target)})
		}
		out = append(out, sp)
	}
	return out
}

func (s *Server) setupGoalsPage(w http.ResponseWriter, r *http.Request, status int, d *setupGoalsData, errs map[string]string) {
	var err error
	id := who(r)
	if d.Steps, err = s.setupProgressFor(r.Context(), id.Org.ID, store.SetupGoals); err == nil {
		d.Existing, err = s.db.Goals(r.Context(), id.Org.ID)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Metrics = soroe.Metrics
	p := s.newPage(w, r, "setup.goals.title", d)
	p.Errors = errs
	s.render(w, status, "setup_goals", p)
}

func (s *Server) setupGoalsForm(w http.ResponseWriter, r *http.Request) {
	o := who(r).Org
	today := soroe.DateOf(s.now(), o.Location())
	d := &setupGoalsData{Today: today, Purposes: setupSuggested(o.Lang, setupDeadline(today, o.Location()))}
	s.setupGoalsPage(w, r, http.StatusOK, d, nil)
}

// setupGoals creates a goal for each chosen purpose. All are checked
// before any is stored, so an error leaves nothing half made.
func (s *Server) setupGoals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := who(r)
	o := id.Org
	today := soroe.DateOf(s.now(), o.Location())
	d := &setupGoalsData{Today: today, Purposes: setupSuggested(o.Lang, setupDeadline(today, o.Location()))}
	errs := map[string]string{}
	var goals []*soroe.Goal
	chosen := r.PostForm["purpose"]
	for _, sp := range d.Purposes {
		sp.Checked = slices.Contains(chosen, string(sp.Purpose))
		if !sp.Checked {
			continue
		}
		before := len(errs)
		sp.Title, sp.Deadline, sp.Strategy = r.PostFormValue(sp.Name("title")), r.PostFormValue(sp.Name("deadline")), r.PostFormValue(sp.Name("strategy"))
		sp.Metric, sp.Event, sp.Target = r.PostFormValue(sp.Name("metric")), strings.TrimSpace(r.PostFormValue(sp.Name("event"))), r.PostFormValue(sp.Name("target"))
		g := &soroe.Goal{OrgID: o.ID, Title: sp.Title, Purpose: sp.Purpose, Strategy: sp.Strategy, OwnerID: id.User.ID, StartOn: today}
		// kpiField maps the goal's KPIs onto this form's fields.
		kpiField := []string{"metric"}
		primary := &soroe.KPI{Primary: true, Metric: soroe.Metric(sp.Metric), Event: sp.Event}
		if t, ok := setupParseNumber(sp.Target); ok {
			primary.Target = t
			if primary.Metric.Ratio() {
				primary.Target = t / 100
			}
		} else {
			errs[sp.Name("target")] = "invalid_target"
		}
		g.KPIs = append(g.KPIs, primary)
		for _, k := range sp.Secondary {
			k.Checked = r.PostFormValue(sp.SecName(k, "")) != ""
			k.Target = r.PostFormValue(sp.SecName(k, "_target"))
			if !k.Checked {
				continue
			}
			sec := &soroe.KPI{Metric: k.Metric, Event: k.Event}
			if sec.Label() == primary.Label() {
				continue // the owner made it the primary KPI
			}
			t, ok := setupParseNumber(k.Target)
			if !ok {
				errs[sp.SecName(k, "_target")] = "invalid_target"
				continue
			}
			sec.Target = t
			if sec.Metric.Ratio() {
				sec.Target = t / 100
			}
			g.KPIs = append(g.KPIs, sec)
			kpiField = append(kpiField, sp.SecName(k, "_target"))
		}
		dl, err := soroe.ParseDate(sp.Deadline)
		if err != nil {
			errs[sp.Name("deadline")] = "invalid_date"
		}
		g.Deadline = dl
		if len(errs) > before {
			continue
		}
		if err := g.Validate(); err != nil {
			var e *soroe.Error
			if !errors.As(err, &e) {
				s.serverError(w, r, err)
				return
			}
			errs[setupGoalField(sp, e.Field, kpiField)] = e.Message
			continue
		}
		goals = append(goals, g)
	}
	if len(chosen) == 0 {
		existing, err := s.db.Goals(ctx, o.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		if len(existing) > 0 {
			// Nothing more to add: on to the 型.
			if err := s.setupAdvance(ctx, o.ID, store.SetupTemplates); err != nil {
				s.serverError(w, r, err)
				return
			}
			redirect(w, r, "/setup/templates")
			return
		}
		errs["_"] = "setup_purpose_required"
	}
	if len(errs) > 0 {
		s.setupGoalsPage(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	for _, g := range goals {
		if err := s.db.CreateGoal(ctx, g, id.User.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if err := s.setupAdvance(ctx, o.ID, store.SetupTemplates); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "setup.flash.goals")
	redirect(w, r, "/setup/templates")
}

// setupGoalField maps a field of soroe.Goal.Validate onto the form.
func setupGoalField(sp *setupPurpose, field string, kpiField []string) string {
	switch field {
	case "title", "deadline", "strategy":
		return sp.Name(field)
	case "start_on":
		return sp.Name("deadline")
	}
	var i int
	var sub string
	if n, _ := fmt.Sscanf(field, "kpis[%d].%s", &i, &sub); n == 2 && i < len(kpiField) {
		if i == 0 {
			if sub == "event" || sub == "target" {
				return sp.Name(sub)
			}
			return sp.Name("metric")
		}
		return kpiField[i]
	}
	return sp.Name("metric")
}

// ---- Step 2: starter 型 ----

// setupStarter is one starter 型 offered for a goal.
type setupStarter struct {
	Value    string // goal ID and library key, as submitted
	Body     soroe.TemplateBody
	Parts    []setupPart
	Freq     string
	Networks string
	Checked  bool
}

// setupPart is a piece of a structure: text, or a named slot.
type setupPart struct {
	Text string
	Slot bool
}

// setupSplitStructure cuts a structure into text and {slots}, for display.
func setupSplitStructure(s string) []setupPart {
	var out []setupPart
	for s != "" {
		i := strings.IndexByte(s, '{')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i:], '}')
		}
		if i < 0 || j < 0 || strings.ContainsRune(s[i:i+j], '\n') {
			out = append(out, setupPart{Text: s})
			break
		}
		if i > 0 {
			out = append(out, setupPart{Text: s[:i]})
		}
		out = append(out, setupPart{Text: s[i+1 : i+j], Slot: true})
		s = s[i+j+1:]
	}
	return out
}

// setupNetworkNames are how networks are written in every language.
var setupNetworkNames = map[soroe.Network]string{
	soroe.NetworkX: "X", soroe.NetworkInstagram: "Instagram", soroe.NetworkFacebook: "Facebook",
	soroe.NetworkThreads: "Threads", soroe.NetworkLinkedIn: "LinkedIn", soroe.NetworkBluesky: "Bluesky",
	soroe.NetworkMastodon: "Mastodon", soroe.NetworkLINE: "LINE", soroe.NetworkManual: "Manual",
}

// setupFrequencyText writes a frequency for people: 「週1回 · 水 · 12:00」.
func (s *Server) setupFrequencyText(l string, f soroe.Frequency) string {
	parts := []string{s.cat.T(l, "setup.freq."+f.Per, "Count", f.Count)}
	if len(f.Weekdays) > 0 {
		var ds []string
		for _, d := range f.Weekdays {
			ds = append(ds, s.cat.T(l, fmt.Sprintf("setup.weekday.%d", d)))
		}
		sep := ", "
		if l == soroe.LangJA {
			sep = "・"
		}
		parts = append(parts, strings.Join(ds, sep))
	}
	if len(f.Times) > 0 {
		parts = append(parts, strings.Join(f.Times, ", "))
	}
	return strings.Join(parts, " · ")
}

// setupGoalStarters is a goal with the starter 型 offered for it.
type setupGoalStarters struct {
	Goal     *soroe.Goal
	Starters []*setupStarter
}

type setupTemplatesData struct {
	Steps   []setupStepView
	Goals   []*setupGoalStarters
	Covered int // goals that have 型 already
	Lang    string
}

func (s *Server) setupTemplatesData(r *http.Request, checked func(value string) bool) (*setupTemplatesData, error) {
	ctx := r.Context()
	o := who(r).Org
	d := &setupTemplatesData{Lang: o.Lang}
	var err error
	if d.Steps, err = s.setupProgressFor(ctx, o.ID, store.SetupTemplates); err != nil {
		return nil, err
	}
	goals, err := s.db.Goals(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	bare, err := s.setupBareGoals(ctx, o.ID, goals)
	if err != nil {
		return nil, err
	}
	d.Covered = len(goals) - len(bare)
	ul := lang(r)
	for _, g := range bare {
		gs := &setupGoalStarters{Goal: g}
		for _, e := range library.Entries(g.Purpose, o.Lang) {
			v := fmt.Sprintf("%d/%s", g.ID, e.Key)
			st := &setupStarter{Value: v, Body: e.Body, Parts: setupSplitStructure(e.Body.Structure),
				Freq: s.setupFrequencyText(ul, e.Body.Frequency), Checked: checked(v)}
			var ns []string
			for _, n := range e.Body.Networks {
				ns = append(ns, setupNetworkNames[n])
			}
			st.Networks = strings.Join(ns, " · ")
			gs.Starters = append(gs.Starters, st)
		}
		d.Goals = append(d.Goals, gs)
	}
	return d, nil
}

func (s *Server) setupTemplatesForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.setupTemplatesData(r, func(string) bool { return true })
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "setup_templates", s.newPage(w, r, "setup.templates.title", d))
}

// setupTemplates creates the chosen starter 型 (source "library").
func (s *Server) setupTemplates(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := who(r)
	chosen := r.PostForm["starter"]
	d, err := s.setupTemplatesData(r, func(v string) bool { return slices.Contains(chosen, v) })
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, gs := range d.Goals {
		for _, st := range gs.Starters {
			if !st.Checked {
				continue
			}
			t := &soroe.Template{OrgID: id.Org.ID, GoalID: gs.Goal.ID, Source: "library", CreatedBy: id.User.ID, TemplateBody: st.Body}
			if err := s.db.CreateTemplate(ctx, t); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
	}
	if err := s.setupAdvance(ctx, id.Org.ID, store.SetupTeam); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "setup.flash.templates")
	redirect(w, r, "/setup/team")
}

// ---- Step 3: the team ----

// setupInviteRows is how many invitations the form offers at once.
const setupInviteRows = 5

type setupInviteRow struct {
	N     int
	Email string
	Role  string
}

type setupLink struct {
	N     int
	URL   string
	Role  soroe.Role
	Email string
}

type setupTeamData struct {
	Steps   []setupStepView
	Rows    []setupInviteRow
	Roles   []soroe.Role
	Links   []setupLink
	Members int
	Open    int // open invitations
}

func (s *Server) setupTeamPage(w http.ResponseWriter, r *http.Request, status int, d *setupTeamData, errs map[string]string) {
	ctx := r.Context()
	o := who(r).Org
	var err error
	if d.Steps, err = s.setupProgressFor(ctx, o.ID, store.SetupTeam); err != nil {
		s.serverError(w, r, err)
		return
	}
	ms, err := s.db.Members(ctx, o.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	inv, err := s.db.Invitations(ctx, o.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Members, d.Open = len(ms), len(inv)
	d.Roles = []soroe.Role{soroe.RoleExecutive, soroe.RoleManager, soroe.RoleStaff, soroe.RoleOwner}
	p := s.newPage(w, r, "setup.team.title", d)
	p.Errors = errs
	s.render(w, status, "setup_team", p)
}

func setupEmptyRows() []setupInviteRow {
	rows := make([]setupInviteRow, setupInviteRows)
	for i := range rows {
		rows[i].N = i + 1
	}
	return rows
}

func (s *Server) setupTeamForm(w http.ResponseWriter, r *http.Request) {
	s.setupTeamPage(w, r, http.StatusOK, &setupTeamData{Rows: setupEmptyRows()}, nil)
}

// setupTeam makes an invitation link for each filled row and shows the
// links once.
func (s *Server) setupTeam(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := who(r)
	d := &setupTeamData{Rows: setupEmptyRows()}
	errs := map[string]string{}
	var invs []*soroe.Invitation
	for i := range d.Rows {
		row := &d.Rows[i]
		row.Email = strings.TrimSpace(r.PostFormValue(fmt.Sprintf("email%d", row.N)))
		row.Role = r.PostFormValue(fmt.Sprintf("role%d", row.N))
		if row.Role == "" {
			if row.Email != "" {
				errs[fmt.Sprintf("role%d", row.N)] = "setup_role_required"
			}
			continue
		}
		role, err := soroe.ParseRole(row.Role)
		if err != nil {
			errs[fmt.Sprintf("role%d", row.N)] = "unknown_role"
			continue
		}
		email := store.NormalizeEmail(row.Email)
		if email != "" && (!strings.Contains(email, "@") || len(email) > 254) {
			errs[fmt.Sprintf("email%d", row.N)] = "invalid_email"
			continue
		}
		invs = append(invs, &soroe.Invitation{OrgID: id.Org.ID, Email: email, Role: role, CreatedBy: id.User.ID})
	}
	if len(invs) == 0 && len(errs) == 0 {
		errs["_"] = "setup_invite_required"
	}
	if len(errs) > 0 {
		s.setupTeamPage(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	for i, inv := range invs {
		secret, err := s.db.CreateInvitation(ctx, inv)
		if err != nil {
			var e *soroe.Error
			if errors.As(err, &e) && e.Code == soroe.EInvalid {
				s.setupTeamPage(w, r, http.StatusUnprocessableEntity, d, map[string]string{"_": e.Message})
				return
			}
			s.serverError(w, r, err)
			return
		}
		d.Links = append(d.Links, setupLink{N: i + 1, URL: s.inviteURL(r, secret), Role: inv.Role, Email: inv.Email})
	}
	if err := s.setupAdvance(ctx, id.Org.ID, store.SetupTeam); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Rows = setupEmptyRows()
	s.setupTeamPage(w, r, http.StatusCreated, d, nil)
}

// ---- API: the builtin library ----

type libraryJSON struct {
	Lang     string               `json:"lang"`
	Months   int                  `json:"months"` // the period the suggested targets are for
	Purposes []libraryPurposeJSON `json:"purposes"`
}

type libraryPurposeJSON struct {
	Purpose  soroe.Purpose        `json:"purpose"`
	Goal     libraryGoalJSON      `json:"goal"`
	KPIs     []libraryKPIJSON     `json:"kpis"`
	Starters []libraryStarterJSON `json:"starters"`
}

type libraryGoalJSON struct {
	Title    string `json:"title"`
	Strategy string `json:"strategy"`
}

type libraryKPIJSON struct {
	Primary bool         `json:"primary"`
	Metric  soroe.Metric `json:"metric"`
	Event   string       `json:"event,omitempty"`
	Target  float64      `json:"target"`
}

type libraryStarterJSON struct {
	Key      string             `json:"key"`
	Template soroe.TemplateBody `json:"template"`
}

// apiLibrary lists the builtin starter 型 with the goal and KPIs each
// purpose usually starts from, in the organization's language unless
// ?lang= says otherwise; ?purpose= picks one purpose.
func (s *Server) apiLibrary(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	l := q.Get("lang")
	if l == "" {
		l = who(r).Org.Lang
	}
	if !soroe.ValidLang(l) {
		s.apiError(w, r, soroe.Invalid("lang", "unknown_language"))
		return
	}
	purposes := soroe.Purposes
	if p := soroe.Purpose(q.Get("purpose")); p != "" {
		if !p.Valid() {
			s.apiError(w, r, soroe.Invalid("purpose", "unknown_purpose"))
			return
		}
		purposes = []soroe.Purpose{p}
	}
	out := libraryJSON{Lang: l, Months: library.Months, Purposes: []libraryPurposeJSON{}}
	for _, p := range purposes {
		sg := library.SuggestGoal(p, l)
		lp := libraryPurposeJSON{Purpose: p, Goal: libraryGoalJSON{Title: sg.Title, Strategy: sg.Strategy},
			KPIs: []libraryKPIJSON{}, Starters: []libraryStarterJSON{}}
		for _, k := range library.SuggestedKPIs(p) {
			lp.KPIs = append(lp.KPIs, libraryKPIJSON{Primary: k.Primary, Metric: k.Metric, Event: k.Event, Target: k.Target})
		}
		for _, e := range library.Entries(p, l) {
			// As it would be stored: hashtags normalized, default drafters
			// (staff) and approvers (PR).
			if err := e.Body.Validate(); err != nil {
				s.apiError(w, r, err)
				return
			}
			lp.Starters = append(lp.Starters, libraryStarterJSON{Key: e.Key, Template: e.Body})
		}
		out.Purposes = append(out.Purposes, lp)
	}
	writeJSON(w, http.StatusOK, out)
}
