package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/chart"
)

// overviewViews is what the page adds to the numbers: the period picker,
// the charts (SVG, with their numbers as tables on the page and as CSV).
type overviewViews struct {
	Periods       []periodLink
	Custom        bool
	DailyChart    template.HTML
	DailyNetworks []soroe.Network // the daily table's columns
	Query         string          // the period's query string, for the CSV links
	loc           *time.Location
	lang          string
}

type periodLink struct {
	Kind, Href string
	Active     bool
}

func periodQuery(p soroe.Period) url.Values {
	q := url.Values{"period": {p.Kind}}
	if p.Kind == soroe.PeriodCustom {
		q.Set("from", string(p.From))
		q.Set("to", string(p.To))
	}
	return q
}

func (s *Server) overviewViews(l string, org *soroe.Org, o *overview) *overviewViews {
	v := &overviewViews{Custom: o.Period.Kind == soroe.PeriodCustom, Query: periodQuery(o.Period).Encode(), loc: org.Location(), lang: l}
	v.Periods = periodLinks("/overview", o.Period)
	seen := map[soroe.Network]bool{}
	for _, d := range o.Daily {
		for n := range d.Exposure {
			seen[n] = true
		}
	}
	var series []chart.Series
	for _, n := range soroe.Networks {
		if !seen[n] {
			continue
		}
		v.DailyNetworks = append(v.DailyNetworks, n)
		sr := chart.Series{Name: s.cat.T(l, "templates.network."+string(n))}
		for _, d := range o.Daily {
			sr.Points = append(sr.Points, chart.Point{At: d.Day.Time(time.UTC), Value: float64(d.Exposure[n])})
		}
		series = append(series, sr)
	}
	v.DailyChart = template.HTML(chart.Line{Title: s.cat.T(l, "overview.daily_title"), Desc: s.cat.T(l, "overview.daily_desc"), //nolint:gosec // the chart escapes its text
		Series: series, Height: 220}.SVG())
	return v
}

// trendChart draws a goal's primary KPI week by week against the pace
// that reaches the target and the target itself.
func (s *Server) trendChart(l string, og *ovGoal, k *soroe.KPI) template.HTML {
	ratio := k.Metric.Ratio()
	actual := chart.Series{Name: s.cat.T(l, "overview.trend_actual")}
	expected := chart.Series{Name: s.cat.T(l, "overview.trend_expected")}
	target := chart.Series{Name: s.cat.T(l, "overview.trend_target"), Target: true}
	for _, p := range og.Trend {
		at := p.Day.Time(time.UTC)
		actual.Points = append(actual.Points, chart.Point{At: at, Value: p.Actual})
		expected.Points = append(expected.Points, chart.Point{At: at, Value: p.Expected})
	}
	if n := len(og.Trend); n > 0 {
		target.Points = []chart.Point{{At: og.Trend[0].Day.Time(time.UTC), Value: k.Target}, {At: og.Trend[n-1].Day.Time(time.UTC), Value: k.Target}}
	}
	c := chart.Line{Title: s.cat.T(l, "overview.trend_title", "Goal", og.Title, "KPI", s.kpiName(l, k.Metric, k.Event)),
		Desc: s.cat.T(l, "overview.trend_desc"), Series: []chart.Series{actual, expected, target}, Height: 200}
	if ratio {
		c.Format = fmtPercent
	}
	return template.HTML(c.SVG()) //nolint:gosec // the chart escapes its text
}

// NetworkRows are the networks' rows and the total.
func (d *overviewData) NetworkRows() []*ovNetwork { return append(slices.Clone(d.Networks), d.Total) }

// PostList is the best ("top") or weakest ("bottom") posts.
func (d *overviewData) PostList(which string) []*ovPost {
	if which == "bottom" {
		return d.Bottom
	}
	return d.Top
}

// funnelChart draws a goal's funnel.
func (s *Server) funnelChart(l string, og *ovGoal) template.HTML {
	f := og.Funnel
	note := func(r *float64) string {
		if r == nil {
			return ""
		}
		return "(" + fmtPercent(*r) + ")"
	}
	return template.HTML(chart.Bars{Title: s.cat.T(l, "overview.funnel_title", "Goal", og.Title), Desc: s.cat.T(l, "overview.funnel_desc"), //nolint:gosec // the chart escapes its text
		Width: 360, LabelsAbove: true, ValueWidth: 110,
		Bars: []chart.Bar{
			{Label: s.cat.T(l, "overview.funnel.exposure"), Value: float64(f.Exposure)},
			{Label: s.cat.T(l, "overview.funnel.clicks."+f.ClicksSource), Value: float64(f.Clicks), Note: note(f.ClickRate)},
			{Label: s.cat.T(l, "overview.funnel.conversions"), Value: float64(f.Conversions), Note: note(f.ConversionRate)},
		}}.SVG())
}

// overviewData is the page.
type overviewData struct {
	*overview
	*overviewViews
	From, To string // the custom period's fields
}

// Day writes a day as the page shows it.
func (d *overviewData) Day(day soroe.Date) string { return fmtShortDay(d.lang, day) }

// Time writes a post's time in the organization's zone.
func (d *overviewData) Time(t time.Time) string { return t.In(d.loc).Format("2006-01-02 15:04") }

// Num writes a count, Pct a rate, Change a signed difference.
func (d *overviewData) Num(v int64) string { return fmtNum(float64(v)) }
func (d *overviewData) Pct(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmtPercent(*r)
}
func (d *overviewData) Opt(v *int64) string { return countText(v) }
func (d *overviewData) Change(cur, prev int64) string {
	switch diff := cur - prev; {
	case diff > 0:
		return "+" + fmtNum(float64(diff))
	case diff < 0:
		return "−" + fmtNum(float64(-diff))
	}
	return "±0"
}
func (d *overviewData) Signed(v *int64) string {
	if v == nil {
		return "—"
	}
	return d.Change(*v, 0)
}
func (d *overviewData) Value(ratio bool, f float64) string { return fmtValue(ratio, f) }

func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request) {
	org, l, q := who(r).Org, lang(r), r.URL.Query()
	p, status, errs, err := s.pagePeriod(org, q)
	var o *overview
	if err == nil {
		o, err = s.buildOverview(r.Context(), l, org, p)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &overviewData{overview: o, overviewViews: o.view, From: string(p.From), To: string(p.To)}
	if errs != nil {
		// This month, with the period's fields as typed and the error.
		d.From, d.To, o.view.Custom = q.Get("from"), q.Get("to"), true
	}
	pg := s.newPage(w, r, "overview.title", d)
	pg.Errors = errs
	s.render(w, status, "overview", pg)
}

func (s *Server) apiOverview(w http.ResponseWriter, r *http.Request) {
	org := who(r).Org
	p, err := s.overviewPeriod(org, r.URL.Query())
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	o, err := s.buildOverview(r.Context(), soroe.LangEN, org, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// overviewTables are the overview's CSV downloads, one per chart or table.
var overviewTables = []string{"goals", "funnel", "networks", "daily", "cadence", "posts"}

// overviewCSV answers one of the overview's tables (?table=) for the
// period as CSV, in the reader's language.
func (s *Server) overviewCSV(w http.ResponseWriter, r *http.Request) {
	org, l, q := who(r).Org, lang(r), r.URL.Query()
	table := q.Get("table")
	p, err := s.overviewPeriod(org, q)
	if err != nil || !slices.Contains(overviewTables, table) {
		s.errorPage(w, r, http.StatusBadRequest, "overview.bad_export")
		return
	}
	o, err := s.buildOverview(r.Context(), l, org, p)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	t := s.overviewTable(l, o, table)
	s.writeCSV(w, r, "soroe-overview-"+table+"-"+string(p.From)+"_"+string(p.To)+".csv", t)
}

func (s *Server) overviewTable(l string, o *overview, table string) *exportTable {
	h := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = s.cat.T(l, "overview.col."+k)
		}
		return out
	}
	t := &exportTable{}
	net := func(n soroe.Network) string {
		if n == "" {
			return s.cat.T(l, "overview.all_networks")
		}
		return s.cat.T(l, "templates.network."+string(n))
	}
	switch table {
	case "goals":
		t.head = h("goal", "kpi", "week_end", "actual", "expected", "target")
		for _, g := range o.Goals {
			if len(g.KPIs) == 0 {
				continue
			}
			k := g.KPIs[0]
			for _, p := range g.Trend {
				t.rows = append(t.rows, []exportCell{textCell(g.Title), textCell(k.Name), textCell(string(p.Day)),
					textCell(plainNum(p.Actual)), textCell(plainNum(p.Expected)), textCell(plainNum(k.Progress.Target))})
			}
		}
	case "funnel":
		t.head = h("goal", "exposure", "clicks", "clicks_source", "click_rate", "conversions", "conversion_rate")
		for _, g := range o.Goals {
			f := g.Funnel
			t.rows = append(t.rows, []exportCell{textCell(g.Title), intCell(f.Exposure), intCell(f.Clicks),
				textCell(s.cat.T(l, "overview.funnel.clicks."+f.ClicksSource)), ratioCell(f.ClickRate), intCell(f.Conversions), ratioCell(f.ConversionRate)})
		}
	case "networks":
		t.head = h("network", "period", "from", "to", "accounts", "posts", "exposure", "engagements", "engagement_rate", "followers", "followers_change")
		for _, n := range append(append([]*ovNetwork{}, o.Networks...), o.Total) {
			for i, st := range []ovStats{n.Current, n.Previous} {
				per, which := o.Period, "current"
				if i == 1 {
					per, which = o.Previous, "previous"
				}
				t.rows = append(t.rows, []exportCell{textCell(net(n.Network)), textCell(s.cat.T(l, "overview."+which)), textCell(string(per.From)), textCell(string(per.To)),
					intCell(int64(n.Accounts)), intCell(st.Posts), intCell(st.Exposure), intCell(st.Engagements), ratioCell(st.Rate), countCell(st.Followers), countCell(st.FollowersChange)})
			}
		}
	case "daily":
		t.head = h("day", "network", "exposure", "engagements")
		for _, d := range o.Daily {
			for _, n := range soroe.Networks {
				if e, ok := d.Exposure[n]; ok {
					t.rows = append(t.rows, []exportCell{textCell(string(d.Day)), textCell(net(n)), intCell(e), intCell(d.Engagement[n])})
				}
			}
		}
	case "cadence":
		t.head = h("template", "week", "planned", "due_by_now", "published", "month", "planned", "due_by_now", "published")
		for _, c := range o.Cadence {
			t.rows = append(t.rows, []exportCell{textCell(c.Name), textCell(string(c.Week.From) + "–" + string(c.Week.To)), intCell(int64(c.Week.Planned)), intCell(int64(c.Week.DueByNow)), intCell(c.Week.Published),
				textCell(string(c.Month.From) + "–" + string(c.Month.To)), intCell(int64(c.Month.Planned)), intCell(int64(c.Month.DueByNow)), intCell(c.Month.Published)})
		}
	case "posts":
		t.head = h("rank", "network", "account", "author", "template", "published_at", "score", "exposure", "engagements", "text", "memo")
		for i, list := range [][]*ovPost{o.Top, o.Bottom} {
			which := s.cat.T(l, "overview.top")
			if i == 1 {
				which = s.cat.T(l, "overview.bottom")
			}
			for j, p := range list {
				t.rows = append(t.rows, []exportCell{textCell(which + " " + strconv.Itoa(j+1)), textCell(net(p.Network)), textCell(p.Account), textCell(p.Author), textCell(p.Template),
					textCell(localTimeIn(p.PublishedAt, o.view.loc)), countCell(p.Score), countCell(p.Exposure), countCell(p.Engagement), textCell(p.Text), textCell(p.Memo)})
			}
		}
	}
	return t
}

func localTimeIn(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02 15:04") }
