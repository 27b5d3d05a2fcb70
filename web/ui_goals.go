package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/score"
)

// registerGoals registers the goal and KPI routes, UI and API.
//
// The form that enters a KPI value posts to /goals/entries with the goal in
// a hidden field (not to a path under the goal): a bad value re-renders the
// goal page with the error, and the path names no object, so the role walk
// checks it like the other create forms.
func (s *Server) registerGoals() error {
	read, write, rec := soroe.ActGoalRead, soroe.ActGoalWrite, soroe.ActKPIRecord
	return errors.Join(
		s.ui("GET /goals", read, s.goalList),
		s.ui("GET /goals/new", write, s.goalNewForm),
		s.ui("POST /goals", write, s.goalCreate),
		s.ui("GET /goals/{goal}", read, s.goalPage),
		s.ui("GET /goals/{goal}/edit", write, s.goalEditForm),
		s.ui("POST /goals/{goal}", write, s.goalUpdate),
		s.ui("GET /goals/{goal}/delete", write, s.goalDeleteForm),
		s.ui("POST /goals/{goal}/delete", write, s.goalDelete),
		s.ui("POST /goals/entries", rec, s.goalRecord),
		s.ui("POST /goals/{goal}/entries/{entry}/delete", rec, s.goalDeleteEntry),

		s.api("GET /api/v1/goals", read, s.apiGoals),
		s.api("POST /api/v1/goals", write, s.apiCreateGoal),
		s.api("GET /api/v1/goals/{goal}", read, s.apiGoal),
		s.api("PATCH /api/v1/goals/{goal}", write, s.apiUpdateGoal),
		s.api("DELETE /api/v1/goals/{goal}", write, s.apiDeleteGoal),
		s.api("GET /api/v1/goals/{goal}/progress", read, s.apiGoalProgress),
		s.api("GET /api/v1/goals/{goal}/entries", read, s.apiGoalEntries),
		s.api("POST /api/v1/goals/{goal}/entries", rec, s.apiRecordEntry),
		s.api("DELETE /api/v1/goals/{goal}/entries/{entry}", rec, s.apiDeleteEntry),
		s.api("GET /api/v1/goals/{goal}/changes", read, s.apiGoalChanges),
	)
}

// ---- Progress, shared by the UI and the API ----

// today is the organization's current day.
func (s *Server) today(org *soroe.Org) soroe.Date { return soroe.DateOf(s.now(), org.Location()) }

// kpiProgress computes every KPI's progress on today from the goal's
// recorded values.
func kpiProgress(g *soroe.Goal, entries []*soroe.KPIEntry, today soroe.Date) map[int64]score.Progress {
	by := map[int64][]soroe.KPIEntry{}
	for _, e := range entries {
		by[e.KPIID] = append(by[e.KPIID], *e)
	}
	out := map[int64]score.Progress{}
	for _, k := range g.KPIs {
		out[k.ID] = score.Compute(score.KPI{Ratio: k.Metric.Ratio(), Target: k.Target, Baseline: k.Baseline},
			g.StartOn, g.Deadline, today, score.DailyValues(by[k.ID]))
	}
	return out
}

// primaryFirst returns the goal's KPIs with the primary one first.
func primaryFirst(g *soroe.Goal) []*soroe.KPI {
	out := slices.Clone(g.KPIs)
	slices.SortStableFunc(out, func(a, b *soroe.KPI) int {
		switch {
		case a.Primary == b.Primary:
			return 0
		case a.Primary:
			return -1
		}
		return 1
	})
	return out
}

// loadGoal reads the {goal} path value; a goal of another organization is
// not found.
func (s *Server) loadGoal(r *http.Request) (*soroe.Goal, error) {
	id, err := pathID(r, "goal")
	if err != nil {
		return nil, err
	}
	return s.db.Goal(r.Context(), who(r).Org.ID, id)
}

// ---- Formatting ----

// fmtNum writes a count with thousands separators: whole from 100 up, with
// at most one decimal below.
func fmtNum(f float64) string {
	neg := f < 0
	f = math.Abs(f)
	if f >= 100 {
		f = math.Round(f)
	} else {
		f = math.Round(f*10) / 10
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	if neg && b.String() != "0" {
		return "-" + b.String()
	}
	return b.String()
}

// fmtPercent writes a ratio as a percentage with up to two decimals.
func fmtPercent(f float64) string {
	return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) + "%"
}

// fmtValue writes a KPI value: a percentage for ratios, a count otherwise.
func fmtValue(ratio bool, f float64) string {
	if ratio {
		return fmtPercent(f)
	}
	return fmtNum(f)
}

// plainNum writes a number for a form field, without float noise.
func plainNum(f float64) string {
	return strconv.FormatFloat(math.Round(f*1e6)/1e6, 'f', -1, 64)
}

// fmtDay writes a day for people.
func fmtDay(lang string, d soroe.Date) string {
	t := d.Time(time.UTC)
	if t.IsZero() {
		return string(d)
	}
	if lang == soroe.LangJA {
		return t.Format("2006年1月2日")
	}
	return t.Format("Jan 2, 2006")
}

// fmtShortDay writes a day without its year.
func fmtShortDay(lang string, d soroe.Date) string {
	t := d.Time(time.UTC)
	if t.IsZero() {
		return string(d)
	}
	if lang == soroe.LangJA {
		return t.Format("1月2日")
	}
	return t.Format("Jan 2")
}

// eventLabel names a conversion event: the catalog's words for the common
// ones, the organization's own name otherwise.
func (s *Server) eventLabel(lang, event string) string {
	if key := "goals.event." + event; s.cat.Has(lang, key) {
		return s.cat.T(lang, key)
	}
	return event
}

// kpiName is a KPI's name for people, e.g. 「コンバージョン: 資料ダウンロード」.
func (s *Server) kpiName(lang string, m soroe.Metric, event string) string {
	if m == soroe.MetricConversions {
		return s.cat.T(lang, "goals.kpi_conversions", "Event", s.eventLabel(lang, event))
	}
	if m.Valid() {
		return s.cat.T(lang, "goals.metric."+string(m))
	}
	return string(m)
}

// kpiNameOfLabel is kpiName for a KPI's label ("metric" or
// "conversions:event").
func (s *Server) kpiNameOfLabel(lang, label string) string {
	m, ev, _ := strings.Cut(label, ":")
	return s.kpiName(lang, soroe.Metric(m), ev)
}

// ---- View models ----

// goalView is a goal with its KPIs' progress, ready to show.
type goalView struct {
	Goal       *soroe.Goal
	Today      soroe.Date
	Period     string
	When       string // 「残り12日」, 「開始まで3日」, 「終了」
	NotStarted bool
	Ended      bool
	KPIs       []*kpiView // primary first
	Primary    *kpiView
}

// kpiView is one KPI with its progress, formatted.
type kpiView struct {
	KPI        *soroe.KPI
	Name       string
	Progress   score.Progress
	Status     score.Status
	StatusText string // the status in words
	BarLabel   string // the bar in words, for screen readers
	Actual     string
	Target     string
	Expected   string
	Forecast   string // "" when there is none yet
	Baseline   string // "" without one
	Pace       string // "" when nothing is expected yet
	Fill       string // the bar: actual as a percentage of the target, 0–100
	Mark       string // the bar's mark: expected by today, 0–100
	Chart      template.HTML
	Legend     []chartLegend
	From, To   string // the chart's first and last day
}

type chartLegend struct{ Class, Text string }

func (s *Server) newGoalView(lang string, g *soroe.Goal, entries []*soroe.KPIEntry, today soroe.Date, charts bool) *goalView {
	v := &goalView{Goal: g, Today: today,
		Period:     s.cat.T(lang, "goals.period", "From", fmtDay(lang, g.StartOn), "To", fmtDay(lang, g.Deadline)),
		NotStarted: today < g.StartOn, Ended: today > g.Deadline}
	switch left := today.DaysUntil(g.Deadline); {
	case v.NotStarted:
		v.When = s.cat.T(lang, "goals.starts_in", "Count", today.DaysUntil(g.StartOn))
	case v.Ended:
		v.When = s.cat.T(lang, "goals.ended")
	case left == 0:
		v.When = s.cat.T(lang, "goals.due_today")
	default:
		v.When = s.cat.T(lang, "goals.days_left", "Count", left)
	}
	progress := kpiProgress(g, entries, today)
	byKPI := map[int64][]soroe.KPIEntry{}
	for _, e := range entries {
		byKPI[e.KPIID] = append(byKPI[e.KPIID], *e)
	}
	for _, k := range primaryFirst(g) {
		p := progress[k.ID]
		kv := &kpiView{KPI: k, Name: s.kpiName(lang, k.Metric, k.Event), Progress: p, Status: p.Status,
			Actual: fmtValue(p.Ratio, p.Actual), Target: fmtValue(p.Ratio, p.Target), Expected: fmtValue(p.Ratio, p.Expected)}
		if p.Forecast != nil {
			kv.Forecast = fmtValue(p.Ratio, *p.Forecast)
		}
		if k.Baseline != nil {
			kv.Baseline = fmtValue(p.Ratio, *k.Baseline)
		}
		if p.Pace != nil {
			kv.Pace = strconv.FormatFloat(math.Round(*p.Pace*100), 'f', 0, 64) + "%"
		}
		fill, mark := 0.0, 0.0
		if p.Target > 0 {
			fill, mark = p.Actual/p.Target, p.Expected/p.Target
		} else if p.DaysElapsed > 0 {
			fill, mark = 1, 1
		}
		kv.Fill, kv.Mark = pct(fill), pct(mark)
		kv.StatusText = s.cat.T(lang, "goals.status."+string(p.Status))
		kv.BarLabel = s.cat.T(lang, "goals.bar_label", "Actual", kv.Actual, "Target", kv.Target, "Expected", kv.Expected)
		if charts {
			kv.Chart, kv.Legend = s.kpiChart(lang, g, k, today, score.DailyValues(byKPI[k.ID]), p)
			kv.From, kv.To = fmtShortDay(lang, g.StartOn), fmtShortDay(lang, g.Deadline)
		}
		v.KPIs = append(v.KPIs, kv)
	}
	if len(v.KPIs) > 0 {
		v.Primary = v.KPIs[0]
	}
	return v
}

// pct writes a fraction as a bar length in percent, clamped to 0–100.
func pct(f float64) string {
	return strconv.FormatFloat(math.Round(min(max(f, 0), 1)*1000)/10, 'f', -1, 64)
}

// The chart's drawing area, in viewBox units; it stretches to the width of
// its card, and its lines keep their width (non-scaling strokes).
const chartW, chartH = 600.0, 160.0

// kpiChart draws a KPI's daily progress as SVG: the cumulative actual value
// (for ratios, the ratio to date) against the straight line that is
// expected, the target, today, and the forecast at the current rate. Labels
// are HTML around the chart (text in a stretched SVG would be distorted).
func (s *Server) kpiChart(lang string, g *soroe.Goal, k *soroe.KPI, today soroe.Date, days []score.Day, p score.Progress) (template.HTML, []chartLegend) {
	total := p.DaysTotal
	byDay := map[soroe.Date]score.Day{}
	for _, d := range days {
		byDay[d.Day] = d
	}
	type pt struct{ i, v float64 }
	var actual []pt
	var sum, den float64
	if !p.Ratio {
		actual = append(actual, pt{0, 0})
	}
	for i := 1; i <= p.DaysElapsed; i++ {
		d := byDay[g.StartOn.AddDays(i-1)]
		sum += d.Value
		den += d.Denominator
		switch {
		case !p.Ratio:
			actual = append(actual, pt{float64(i), sum})
		case den > 0:
			actual = append(actual, pt{float64(i), sum / den})
		}
	}
	from := 0.0
	if p.Ratio {
		from = k.Target
		if k.Baseline != nil {
			from = *k.Baseline
		}
	}
	top := max(p.Target, from)
	for _, a := range actual {
		top = max(top, a.v)
	}
	showForecast := !p.Ratio && p.Forecast != nil && today < g.Deadline && p.DaysElapsed > 0
	if showForecast {
		top = max(top, *p.Forecast)
	}
	if top <= 0 {
		top = 1
	}
	top *= 1.1
	x := func(i float64) float64 { return math.Round(i/float64(total)*chartW*10) / 10 }
	y := func(v float64) float64 { return math.Round((chartH-v/top*(chartH-4))*10) / 10 }
	line := func(class string, x1, y1, x2, y2 float64) string {
		return fmt.Sprintf(`<line class="%s" x1="%g" y1="%g" x2="%g" y2="%g" vector-effect="non-scaling-stroke"/>`, class, x1, y1, x2, y2)
	}
	var b strings.Builder
	label := s.cat.T(lang, "goals.chart_label", "KPI", s.kpiName(lang, k.Metric, k.Event), "Actual", fmtValue(p.Ratio, p.Actual),
		"Expected", fmtValue(p.Ratio, p.Expected), "Target", fmtValue(p.Ratio, p.Target))
	fmt.Fprintf(&b, `<svg class="kpi-chart" viewBox="0 0 %g %g" preserveAspectRatio="none" role="img" aria-label="%s">`,
		chartW, chartH, template.HTMLEscapeString(label))
	for _, f := range []float64{0.25, 0.5, 0.75} {
		b.WriteString(line("chart-grid", 0, y(top/1.1*f), chartW, y(top/1.1*f)))
	}
	b.WriteString(line("chart-axis", 0, chartH, chartW, chartH))
	b.WriteString(line("chart-target", 0, y(p.Target), chartW, y(p.Target)))
	b.WriteString(line("chart-expected", 0, y(from), chartW, y(p.Target)))
	if p.DaysElapsed > 0 && p.DaysElapsed < total {
		b.WriteString(line("chart-today", x(float64(p.DaysElapsed)), 0, x(float64(p.DaysElapsed)), chartH))
	}
	if len(actual) > 0 {
		last := actual[len(actual)-1]
		if showForecast {
			b.WriteString(line("chart-forecast", x(last.i), y(last.v), chartW, y(*p.Forecast)))
		}
		pts := make([]string, len(actual))
		for i, a := range actual {
			pts[i] = fmt.Sprintf("%g,%g", x(a.i), y(a.v))
		}
		if len(actual) == 1 { // one point: a short tick so that it shows
			pts = append(pts, fmt.Sprintf("%g,%g", x(last.i)+2, y(last.v)))
		}
		fmt.Fprintf(&b, `<polyline class="chart-actual" points="%s" vector-effect="non-scaling-stroke"/>`, strings.Join(pts, " "))
	}
	b.WriteString(`</svg>`)

	legend := []chartLegend{
		{"actual", s.cat.T(lang, "goals.legend_actual", "Value", fmtValue(p.Ratio, p.Actual))},
		{"expected", s.cat.T(lang, "goals.legend_expected", "Value", fmtValue(p.Ratio, p.Expected))},
		{"target", s.cat.T(lang, "goals.legend_target", "Value", fmtValue(p.Ratio, p.Target))},
	}
	if p.DaysElapsed > 0 && p.DaysElapsed < total {
		legend = append(legend, chartLegend{"today", s.cat.T(lang, "goals.legend_today", "Day", fmtShortDay(lang, today))})
	}
	if showForecast {
		legend = append(legend, chartLegend{"forecast", s.cat.T(lang, "goals.legend_forecast", "Value", fmtValue(p.Ratio, *p.Forecast))})
	}
	return template.HTML(b.String()), legend //nolint:gosec // numbers and escaped text only
}

// ---- Pages ----

type goalListData struct {
	Goals   []*goalView
	OnTrack int // score.OnTrackPace in percent
	AtRisk  int // score.AtRiskPace in percent
}

func (s *Server) goalViews(ctx context.Context, lang string, org *soroe.Org) ([]*goalView, error) {
	goals, err := s.db.Goals(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	today := s.today(org)
	var running, ended []*goalView
	for _, g := range goals {
		values, err := s.db.KPIValues(ctx, g)
		if err != nil {
			return nil, err
		}
		v := s.newGoalView(lang, g, values, today, false)
		if v.Ended {
			ended = append(ended, v)
		} else {
			running = append(running, v)
		}
	}
	// Goals still running come first, by deadline; ended ones after them,
	// the most recent first.
	slices.Reverse(ended)
	return append(running, ended...), nil
}

func (s *Server) goalList(w http.ResponseWriter, r *http.Request) {
	views, err := s.goalViews(r.Context(), lang(r), who(r).Org)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "goals", s.newPage(w, r, "goals.title", &goalListData{Goals: views,
		OnTrack: int(math.Round(score.OnTrackPace * 100)), AtRisk: int(math.Round(score.AtRiskPace * 100))}))
}

// homeGoalsData is the home page's 「目標の進捗」 card.
type homeGoalsData struct {
	Goals    []*goalView
	CanWrite bool
}

// homeGoals is the goals' progress for the home page: nil when there is
// nothing to show (no goals, and the member may not create one).
func (s *Server) homeGoals(r *http.Request) (any, error) {
	id := who(r)
	if id.Org == nil || !soroe.Can(id.Role, soroe.ActGoalRead) {
		return nil, nil
	}
	views, err := s.goalViews(r.Context(), lang(r), id.Org)
	if err != nil {
		return nil, err
	}
	canWrite := soroe.Can(id.Role, soroe.ActGoalWrite)
	if len(views) == 0 && !canWrite {
		return nil, nil
	}
	return &homeGoalsData{Goals: views, CanWrite: canWrite}, nil
}

// goalPageData is the goal page.
type goalPageData struct {
	View       *goalView
	Entries    []*entryView
	EntryCount int  // all values of the goal's KPIs
	AllEntries bool // every value is listed, not only the latest
	Changes    []*changeView
	Today      soroe.Date
	OnTrack    int // score.OnTrackPace in percent
	AtRisk     int // score.AtRiskPace in percent
	HasRatio   bool
	RecordKPIs []*kpiView
}

type entryView struct {
	Entry  *soroe.KPIEntry
	KPI    string
	Day    string
	Value  string
	By     string
	Manual bool
}

type changeView struct {
	Change *soroe.GoalChange
	Field  string
	Old    string
	New    string
}

// memberNames maps user IDs to names for the organization's members, and
// for anyone else the ids name (people who have left).
func (s *Server) memberNames(ctx context.Context, orgID int64, ids ...int64) (map[int64]string, error) {
	ms, err := s.db.Members(ctx, orgID)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for _, m := range ms {
		out[m.UserID] = m.Name
	}
	for _, id := range ids {
		if _, ok := out[id]; ok || id == 0 {
			continue
		}
		u, err := s.db.User(ctx, id)
		if errors.Is(err, soroe.ErrNotFound) {
			out[id] = "—"
			continue
		} else if err != nil {
			return nil, err
		}
		out[id] = u.Name
	}
	return out, nil
}

func (s *Server) goalPage(w http.ResponseWriter, r *http.Request) {
	g, err := s.loadGoal(r)
	if s.failed(w, r, err) {
		return
	}
	s.renderGoalPage(w, r, http.StatusOK, g, nil, nil)
}

// renderGoalPage shows a goal; after a failed entry form it shows the errors
// with what was typed.
func (s *Server) renderGoalPage(w http.ResponseWriter, r *http.Request, status int, g *soroe.Goal, form url.Values, errs map[string]string) {
	ctx, id, l := r.Context(), who(r), lang(r)
	entries, err := s.db.KPIEntries(ctx, id.Org.ID, g.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	changes, err := s.db.GoalChanges(ctx, id.Org.ID, g.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	var ids []int64
	for _, e := range entries {
		ids = append(ids, e.CreatedBy)
	}
	for _, c := range changes {
		if c.Field == "owner_id" {
			for _, v := range []string{c.Old, c.New} {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					ids = append(ids, n)
				}
			}
		}
	}
	names, err := s.memberNames(ctx, id.Org.ID, ids...)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Progress reads the measured values too; the list below is the
	// hand-entered ones.
	measured, err := s.db.MeasuredKPIEntries(ctx, g)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	today := s.today(id.Org)
	d := &goalPageData{View: s.newGoalView(l, g, append(slices.Clone(entries), measured...), today, true), Today: today,
		OnTrack: int(math.Round(score.OnTrackPace * 100)), AtRisk: int(math.Round(score.AtRiskPace * 100))}
	d.RecordKPIs = d.View.KPIs
	kpis := map[int64]*soroe.KPI{}
	for _, k := range g.KPIs {
		kpis[k.ID] = k
		d.HasRatio = d.HasRatio || k.Metric.Ratio()
	}
	// Newest day first; the latest few unless all are asked for.
	d.EntryCount, d.AllEntries = len(entries), r.URL.Query().Get("entries") == "all" || len(entries) <= entriesShown
	for i := len(entries) - 1; i >= 0 && (d.AllEntries || len(d.Entries) < entriesShown); i-- {
		e := entries[i]
		k := kpis[e.KPIID]
		if k == nil {
			continue
		}
		ev := &entryView{Entry: e, KPI: s.kpiName(l, k.Metric, k.Event), Day: fmtDay(l, e.Day), By: names[e.CreatedBy],
			Manual: e.Source == soroe.SourceManual}
		if k.Metric.Ratio() {
			ev.Value = s.cat.T(l, "goals.entry_ratio", "Engagements", fmtNum(e.Value), "Impressions", fmtNum(e.Denominator),
				"Rate", fmtPercent(e.Value/max(e.Denominator, 1)))
		} else {
			ev.Value = fmtNum(e.Value)
		}
		d.Entries = append(d.Entries, ev)
	}
	for _, c := range changes {
		d.Changes = append(d.Changes, s.changeView(l, c, names))
	}
	p := s.newPage(w, r, "goals.goal_title", d)
	if form != nil {
		p.Form, p.Errors = form, errs
	} else {
		p.Form = url.Values{"day": {string(today)}}
		if pk := g.PrimaryKPI(); pk != nil {
			p.Form.Set("kpi", strconv.FormatInt(pk.ID, 10))
		}
	}
	s.render(w, status, "goal", p)
}

// entriesShown is how many values the goal page lists before "show all".
const entriesShown = 15

// changeView makes one line of the audit trail readable.
func (s *Server) changeView(lang string, c *soroe.GoalChange, names map[int64]string) *changeView {
	v := &changeView{Change: c, Field: c.Field, Old: c.Old, New: c.New}
	none := s.cat.T(lang, "goals.change.none")
	orNone := func(x string) string {
		if x == "" {
			return none
		}
		return x
	}
	kpiValue := func(label, x string) string {
		if x == "" {
			return none
		}
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return x
		}
		m, _, _ := strings.Cut(label, ":")
		return fmtValue(soroe.Metric(m).Ratio(), f)
	}
	targetOf := func(label, x string) string { // "target 30" → 「目標 30」
		if n, ok := strings.CutPrefix(x, "target "); ok {
			return s.cat.T(lang, "goals.change.target_value", "Value", kpiValue(label, n))
		}
		return orNone(x)
	}
	switch f := c.Field; {
	case f == "created":
		v.Field, v.Old, v.New = s.cat.T(lang, "goals.change.created"), "", c.New
	case f == "title" || f == "strategy":
		v.Field = s.cat.T(lang, "goals.field."+f)
		v.Old, v.New = orNone(clip(c.Old, 80)), orNone(clip(c.New, 80))
	case f == "purpose":
		v.Field = s.cat.T(lang, "goals.field.purpose")
		v.Old, v.New = s.purposeName(lang, c.Old), s.purposeName(lang, c.New)
	case f == "owner_id":
		v.Field = s.cat.T(lang, "goals.field.owner")
		name := func(x string) string {
			n, _ := strconv.ParseInt(x, 10, 64)
			if nm, ok := names[n]; ok {
				return nm
			}
			return orNone(x)
		}
		v.Old, v.New = name(c.Old), name(c.New)
	case f == "start_on" || f == "deadline":
		v.Field = s.cat.T(lang, "goals.field."+f)
		v.Old, v.New = orNone(fmtDay(lang, soroe.Date(c.Old))), orNone(fmtDay(lang, soroe.Date(c.New)))
	case strings.HasPrefix(f, "kpi."):
		rest := strings.TrimPrefix(f, "kpi.")
		label, attr := rest, ""
		if i := strings.LastIndexByte(rest, '.'); i > 0 {
			label, attr = rest[:i], rest[i+1:]
		}
		name := s.kpiNameOfLabel(lang, label)
		switch attr {
		case "target":
			v.Field = s.cat.T(lang, "goals.change.kpi_target", "KPI", name)
			v.Old, v.New = kpiValue(label, c.Old), kpiValue(label, c.New)
		case "baseline":
			v.Field = s.cat.T(lang, "goals.change.kpi_baseline", "KPI", name)
			v.Old, v.New = kpiValue(label, c.Old), kpiValue(label, c.New)
		case "primary":
			v.Field = s.cat.T(lang, "goals.change.kpi_primary", "KPI", name)
			yn := func(x string) string {
				if x == "true" {
					return s.cat.T(lang, "goals.change.yes")
				}
				return s.cat.T(lang, "goals.change.no")
			}
			v.Old, v.New = yn(c.Old), yn(c.New)
		default:
			switch {
			case c.Old == "":
				v.Field, v.Old, v.New = s.cat.T(lang, "goals.change.kpi_added", "KPI", name), none, targetOf(label, c.New)
			case c.New == "":
				v.Field, v.Old, v.New = s.cat.T(lang, "goals.change.kpi_removed", "KPI", name), targetOf(label, c.Old), none
			default:
				v.Field = s.cat.T(lang, "goals.change.kpi_metric")
				v.Old, v.New = s.kpiNameOfLabel(lang, c.Old), s.kpiNameOfLabel(lang, c.New)
			}
		}
	}
	return v
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func (s *Server) purposeName(lang, p string) string {
	if soroe.Purpose(p).Valid() {
		return s.cat.T(lang, "goals.purpose."+p)
	}
	if p == "" {
		return s.cat.T(lang, "goals.change.none")
	}
	return p
}

// ---- Entering values by hand ----

func (s *Server) goalRecord(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), who(r)
	gid, err := strconv.ParseInt(r.PostFormValue("goal"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	g, err := s.db.Goal(ctx, id.Org.ID, gid)
	if s.failed(w, r, err) {
		return
	}
	form := r.PostForm
	errs := map[string]string{}
	e := &soroe.KPIEntry{Day: soroe.Date(strings.TrimSpace(form.Get("day"))), Note: strings.TrimSpace(form.Get("note")), CreatedBy: id.User.ID}
	e.KPIID, _ = strconv.ParseInt(form.Get("kpi"), 10, 64)
	var kpi *soroe.KPI
	for _, k := range g.KPIs {
		if k.ID == e.KPIID {
			kpi = k
		}
	}
	if kpi == nil {
		errs["kpi"] = "unknown_kpi"
	}
	if v, msg := parseNumber(form.Get("value")); msg != "" {
		errs["value"] = msg
	} else {
		e.Value = v
	}
	if kpi != nil && kpi.Metric.Ratio() {
		if v, msg := parseNumber(form.Get("impressions")); msg != "" {
			errs["impressions"] = msg
		} else {
			e.Denominator = v
		}
	}
	var replaced bool
	if len(errs) == 0 {
		replaced, err = s.db.RecordManualEntry(ctx, g, e, s.today(id.Org))
		var se *soroe.Error
		if errors.As(err, &se) && se.Code == soroe.EInvalid {
			field := map[string]string{"kpi_id": "kpi", "denominator": "impressions"}[se.Field]
			if field == "" {
				field = se.Field
			}
			errs[field] = se.Message
		} else if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		s.renderGoalPage(w, r, http.StatusUnprocessableEntity, g, form, errs)
		return
	}
	if replaced {
		s.flash(r, "goals.flash.replaced")
	} else {
		s.flash(r, "goals.flash.recorded")
	}
	redirect(w, r, fmt.Sprintf("/goals/%d#entries", g.ID))
}

func (s *Server) goalDeleteEntry(w http.ResponseWriter, r *http.Request) {
	ctx, org := r.Context(), who(r).Org
	g, err := s.loadGoal(r)
	var e *soroe.KPIEntry
	if err == nil {
		var eid int64
		if eid, err = pathID(r, "entry"); err == nil {
			e, err = s.db.KPIEntry(ctx, org.ID, g.ID, eid)
		}
	}
	if s.failed(w, r, err) {
		return
	}
	if e.Source != soroe.SourceManual {
		s.errorPage(w, r, http.StatusConflict, "error.kpi_entry_not_manual")
		return
	}
	if err := s.db.DeleteKPIEntry(ctx, org.ID, e.ID); err != nil && !errors.Is(err, soroe.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "goals.flash.entry_deleted")
	redirect(w, r, fmt.Sprintf("/goals/%d#entries", g.ID))
}

// parseNumber reads a number as people type it: full-width digits, commas
// and spaces are fine. The message is an error key, "" when it is fine.
func parseNumber(s string) (float64, string) {
	s = width.Narrow.String(strings.TrimSpace(s))
	s = strings.NewReplacer(",", "", " ", "", "%", "", "_", "").Replace(s)
	if s == "" {
		return 0, "required"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, "kpi_not_a_number"
	}
	if f < 0 {
		return 0, "negative_value"
	}
	return f, ""
}

// ---- The goal form ----

// goalFormRows is how many KPI rows the form shows: the primary KPI and
// up to five more (soroe.MaxKPIs in all).
const goalFormRows = soroe.MaxKPIs

type goalFormData struct {
	Goal     *soroe.Goal // nil for a new goal
	Members  []*soroe.Member
	Purposes []soroe.Purpose
	Metrics  []soroe.Metric
	Events   []string
	Rows     []goalFormRow
	MoreOpen bool // a KPI row past the second is filled in
}

type goalFormRow struct {
	Index                          int
	Primary                        bool
	ID, Metric, Event              string
	Target, Baseline               string
	ErrMetric, ErrEvent, ErrTarget string
	ErrBaseline                    string
}

// goalFormValues fills the form from a goal.
func goalFormValues(g *soroe.Goal) url.Values {
	v := url.Values{
		"title": {g.Title}, "purpose": {string(g.Purpose)}, "strategy": {g.Strategy},
		"owner_id": {strconv.FormatInt(g.OwnerID, 10)}, "start_on": {string(g.StartOn)}, "deadline": {string(g.Deadline)},
	}
	for i, k := range primaryFirst(g) {
		n := strconv.Itoa(i)
		scale := 1.0
		if k.Metric.Ratio() {
			scale = 100 // the form takes percentages
		}
		v.Set("kpi_id_"+n, strconv.FormatInt(k.ID, 10))
		v.Set("kpi_metric_"+n, string(k.Metric))
		v.Set("kpi_event_"+n, k.Event)
		v.Set("kpi_target_"+n, plainNum(k.Target*scale))
		if k.Baseline != nil {
			v.Set("kpi_baseline_"+n, plainNum(*k.Baseline*scale))
		}
	}
	return v
}

// applyGoalForm sets g from a posted goal form. On an edit (existing goal),
// a field the form does not carry keeps its value, and the KPI list is kept
// unless the form carries KPI rows. rows maps each KPI of the result to its
// form row (for errors). errs holds the fields that are not even numbers.
func applyGoalForm(form url.Values, g *soroe.Goal, editing bool) (rows []int, errs map[string]string) {
	errs = map[string]string{}
	has := func(k string) bool { _, ok := form[k]; return ok || !editing }
	if has("title") {
		g.Title = form.Get("title")
	}
	if has("purpose") {
		g.Purpose = soroe.Purpose(form.Get("purpose"))
	}
	if has("strategy") {
		g.Strategy = form.Get("strategy")
	}
	if has("owner_id") {
		g.OwnerID, _ = strconv.ParseInt(form.Get("owner_id"), 10, 64)
	}
	if has("start_on") {
		g.StartOn = soroe.Date(strings.TrimSpace(form.Get("start_on")))
	}
	if has("deadline") {
		g.Deadline = soroe.Date(strings.TrimSpace(form.Get("deadline")))
	}
	// The checks of Goal.Validate that people trip over, all at once (the
	// store still validates everything, one error at a time).
	switch title := strings.TrimSpace(g.Title); {
	case title == "":
		errs["title"] = "required"
	case len([]rune(title)) > 120:
		errs["title"] = "goal_title_too_long"
	}
	switch {
	case g.Purpose == "":
		errs["purpose"] = "goal_purpose_required"
	case !g.Purpose.Valid():
		errs["purpose"] = "unknown_purpose"
	}
	if len([]rune(strings.TrimSpace(g.Strategy))) > 2000 {
		errs["strategy"] = "goal_strategy_too_long"
	}
	_, startErr := soroe.ParseDate(string(g.StartOn))
	_, endErr := soroe.ParseDate(string(g.Deadline))
	switch {
	case startErr != nil:
		errs["start_on"] = "invalid_date"
	case endErr != nil:
		errs["deadline"] = "invalid_date"
	case g.StartOn.DaysUntil(g.Deadline) < 0:
		errs["deadline"] = "deadline_before_start"
	}
	carries := !editing
	for i := range goalFormRows {
		carries = carries || form.Has(fmt.Sprintf("kpi_metric_%d", i))
	}
	if !carries {
		for i := range g.KPIs {
			rows = append(rows, i)
		}
		return rows, errs
	}
	old := map[int64]bool{}
	for _, k := range g.KPIs {
		old[k.ID] = true
	}
	var kpis []*soroe.KPI
	for i := range goalFormRows {
		n := strconv.Itoa(i)
		get := func(f string) string { return strings.TrimSpace(form.Get("kpi_" + f + "_" + n)) }
		metric, event, target, baseline := get("metric"), get("event"), get("target"), get("baseline")
		// "Document Download" and "document-download" mean document_download.
		event = strings.Join(strings.FieldsFunc(strings.ToLower(width.Narrow.String(event)), func(r rune) bool {
			return r == ' ' || r == '-' || r == '_' || r == '\u3000'
		}), "_")
		if metric == "" && event == "" && target == "" && baseline == "" {
			if i == 0 {
				errs["kpi_metric_0"] = "kpi_primary_required"
			}
			continue
		}
		k := &soroe.KPI{Metric: soroe.Metric(metric), Event: event, Primary: len(kpis) == 0}
		switch {
		case metric == "":
			errs["kpi_metric_"+n] = "kpi_metric_required"
		case !k.Metric.Valid():
			errs["kpi_metric_"+n] = "unknown_metric"
		case k.Metric == soroe.MetricConversions && !formEventName.MatchString(event):
			errs["kpi_event_"+n] = "invalid_event"
		}
		scale := 1.0
		if k.Metric.Ratio() {
			scale = 100
		}
		if f, msg := parseNumber(target); msg != "" {
			errs["kpi_target_"+n] = msg
		} else if k.Target = roundRatio(f / scale); k.Metric.Ratio() && k.Target > 1 {
			errs["kpi_target_"+n] = "invalid_target"
		}
		if baseline != "" {
			if f, msg := parseNumber(baseline); msg != "" {
				errs["kpi_baseline_"+n] = msg
			} else {
				b := roundRatio(f / scale)
				k.Baseline = &b
			}
		}
		if id, err := strconv.ParseInt(get("id"), 10, 64); err == nil && editing && old[id] {
			k.ID = id
		}
		kpis = append(kpis, k)
		rows = append(rows, i)
	}
	g.KPIs = kpis
	return rows, errs
}

// roundRatio drops the float noise of dividing a typed percentage by 100.
func roundRatio(f float64) float64 { return math.Round(f*1e9) / 1e9 }

var (
	kpiField = regexp.MustCompile(`^kpis\[(\d+)\]\.(\w+)$`)
	// formEventName is soroe's rule for event names, checked early.
	formEventName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,49}$`)
)

// goalFormField maps a validation error's field onto the form's fields.
func goalFormField(e *soroe.Error, rows []int) (field, msg string) {
	field, msg = e.Field, e.Message
	if m := kpiField.FindStringSubmatch(field); m != nil {
		i, _ := strconv.Atoi(m[1])
		row := i
		if i < len(rows) {
			row = rows[i]
		}
		attr := m[2]
		if attr == "id" {
			return "kpis", msg
		}
		return fmt.Sprintf("kpi_%s_%d", attr, row), msg
	}
	switch {
	case field == "title" && msg == "too_long":
		msg = "goal_title_too_long"
	case field == "strategy" && msg == "too_long":
		msg = "goal_strategy_too_long"
	case field == "":
		field = "_"
	}
	return field, msg
}

func (s *Server) renderGoalForm(w http.ResponseWriter, r *http.Request, status int, g *soroe.Goal, form url.Values, errs map[string]string) {
	ctx, id := r.Context(), who(r)
	ms, err := s.db.Members(ctx, id.Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	events, err := s.usedEvents(ctx, id.Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &goalFormData{Goal: g, Members: ms, Purposes: soroe.Purposes, Metrics: soroe.Metrics, Events: events}
	title := "goals.new_title"
	if g != nil {
		title = "goals.edit_title"
	}
	p := s.newPage(w, r, title, d)
	p.Form, p.Errors = form, errs
	for i := range goalFormRows {
		n := strconv.Itoa(i)
		f := func(name string) string { return "kpi_" + name + "_" + n }
		d.Rows = append(d.Rows, goalFormRow{Index: i, Primary: i == 0,
			ID: form.Get(f("id")), Metric: form.Get(f("metric")), Event: form.Get(f("event")),
			Target: form.Get(f("target")), Baseline: form.Get(f("baseline")),
			ErrMetric: p.Err(f("metric")), ErrEvent: p.Err(f("event")), ErrTarget: p.Err(f("target")), ErrBaseline: p.Err(f("baseline"))})
		row := d.Rows[i]
		if i >= 2 && (row.Metric+row.Event+row.Target+row.Baseline+row.ErrMetric+row.ErrEvent+row.ErrTarget+row.ErrBaseline) != "" {
			d.MoreOpen = true
		}
	}
	s.render(w, status, "goal_form", p)
}

// usedEvents lists the conversion events the organization's goals use, and
// the common ones, for the form's suggestions.
func (s *Server) usedEvents(ctx context.Context, orgID int64) ([]string, error) {
	goals, err := s.db.Goals(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range goals {
		for _, k := range g.KPIs {
			if k.Event != "" && !slices.Contains(out, k.Event) {
				out = append(out, k.Event)
			}
		}
	}
	slices.Sort(out)
	for _, e := range commonEvents {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// commonEvents are conversion events most organizations have (each has a
// name in the catalogs, goals.event.<name>).
var commonEvents = []string{"document_download", "inquiry", "application", "purchase", "signup"}

func (s *Server) goalNewForm(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	today := s.today(id.Org)
	form := url.Values{
		"owner_id": {strconv.FormatInt(id.User.ID, 10)},
		"start_on": {string(today)},
		"deadline": {string(today.AddDays(90))},
	}
	if p := r.URL.Query().Get("purpose"); soroe.Purpose(p).Valid() {
		form.Set("purpose", p)
	}
	s.renderGoalForm(w, r, http.StatusOK, nil, form, nil)
}

func (s *Server) goalCreate(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	g := &soroe.Goal{OrgID: id.Org.ID}
	rows, errs := applyGoalForm(r.PostForm, g, false)
	if len(errs) == 0 {
		if err := s.db.CreateGoal(r.Context(), g, id.User.ID); err != nil {
			if !s.goalFormErr(w, r, err, rows, errs) {
				return
			}
		}
	}
	if len(errs) > 0 {
		s.renderGoalForm(w, r, http.StatusUnprocessableEntity, nil, r.PostForm, errs)
		return
	}
	s.flash(r, "goals.flash.created")
	redirect(w, r, fmt.Sprintf("/goals/%d", g.ID))
}

// goalFormErr adds a store error to errs; other errors are answered as
// server errors (and false returned).
func (s *Server) goalFormErr(w http.ResponseWriter, r *http.Request, err error, rows []int, errs map[string]string) bool {
	var e *soroe.Error
	if !errors.As(err, &e) || e.Code != soroe.EInvalid {
		s.serverError(w, r, err)
		return false
	}
	field, msg := goalFormField(e, rows)
	errs[field] = msg
	return true
}

func (s *Server) goalEditForm(w http.ResponseWriter, r *http.Request) {
	g, err := s.loadGoal(r)
	if s.failed(w, r, err) {
		return
	}
	s.renderGoalForm(w, r, http.StatusOK, g, goalFormValues(g), nil)
}

func (s *Server) goalUpdate(w http.ResponseWriter, r *http.Request) {
	g, err := s.loadGoal(r)
	if s.failed(w, r, err) {
		return
	}
	orig := *g
	rows, errs := applyGoalForm(r.PostForm, g, true)
	if len(errs) == 0 {
		if err := s.db.UpdateGoal(r.Context(), g, who(r).User.ID); err != nil {
			if !s.goalFormErr(w, r, err, rows, errs) {
				return
			}
		}
	}
	if len(errs) > 0 {
		s.renderGoalForm(w, r, http.StatusUnprocessableEntity, &orig, r.PostForm, errs)
		return
	}
	s.flash(r, "goals.flash.saved")
	redirect(w, r, fmt.Sprintf("/goals/%d", g.ID))
}

type goalDeleteData struct {
	Goal      *soroe.Goal
	Entries   int
	Templates int
}

func (s *Server) goalDeleteForm(w http.ResponseWriter, r *http.Request) {
	ctx, org := r.Context(), who(r).Org
	g, err := s.loadGoal(r)
	if s.failed(w, r, err) {
		return
	}
	entries, err := s.db.KPIEntries(ctx, org.ID, g.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	tpls, err := s.db.Templates(ctx, org.ID, g.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "goal_delete", s.newPage(w, r, "goals.delete_title",
		&goalDeleteData{Goal: g, Entries: len(entries), Templates: len(tpls)}))
}

func (s *Server) goalDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "goal")
	if err == nil {
		err = s.db.DeleteGoal(r.Context(), who(r).Org.ID, id)
	}
	if s.failed(w, r, err) {
		return
	}
	s.flash(r, "goals.flash.deleted")
	redirect(w, r, "/goals")
}
