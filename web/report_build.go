package web

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/chart"
	"github.com/soroe/soroe/insight"
	"github.com/soroe/soroe/plan"
	"github.com/soroe/soroe/report"
	"github.com/soroe/soroe/store"
)

// ReportPeriod is the period of a report: a month ("2026-11"), the week
// that holds a day (weekly), or the days from..to (custom).
func ReportPeriod(kind, month string, from, to soroe.Date) (soroe.Period, error) {
	switch kind {
	case report.Monthly:
		t, err := time.Parse("2006-01", strings.TrimSpace(month))
		if err != nil {
			return soroe.Period{}, soroe.Invalid("period", "invalid_month")
		}
		first := soroe.Date(t.Format(soroe.DateLayout))
		return soroe.Period{Kind: soroe.PeriodLastMonth, From: first, To: soroe.Date(t.AddDate(0, 1, -1).Format(soroe.DateLayout))}, nil
	case report.Weekly:
		d, err := soroe.ParseDate(string(from))
		if err != nil {
			return soroe.Period{}, soroe.Invalid("from", "invalid_date")
		}
		t, _ := time.Parse(soroe.DateLayout, string(d))
		monday := d.AddDays(-((int(t.Weekday()) + 6) % 7))
		return soroe.Period{Kind: soroe.PeriodCustom, From: monday, To: monday.AddDays(6)}, nil
	case report.Custom:
		p, err := soroe.ParsePeriod(soroe.PeriodCustom, string(from), string(to), to)
		if err != nil {
			return p, err
		}
		return p, nil
	}
	return soroe.Period{}, soroe.Invalid("kind", "unknown_kind")
}

// BuildReport reads a report of a period as it stands now, in lang: the
// snapshot that is stored and sent.
func (s *Server) BuildReport(ctx context.Context, org *soroe.Org, kind string, p soroe.Period, l string) (*report.Report, error) {
	t := func(key string, args ...any) string { return s.cat.T(l, key, args...) }
	o, err := s.buildOverview(ctx, l, org, p)
	if err != nil {
		return nil, err
	}
	loc := org.Location()
	r := &report.Report{Version: report.Version, Kind: kind, Org: org.Name, Lang: l, TimeZone: loc.String(), Period: p, Previous: o.Previous,
		GeneratedAt: s.now().UTC(),
		PeriodText:  t("report.period_text", "From", fmtDay(l, p.From), "To", fmtDay(l, p.To)),
		Labels: report.Labels{Summary: t("report.summary"), Keep: t("report.keep"), Problem: t("report.problem"), Try: t("report.try"),
			Generated: t("report.generated"), Page: t("report.page")}}
	r.Title = t("report.title."+kind, "Org", org.Name, "Month", fmtMonth(l, p.From), "From", fmtShortDay(l, p.From), "To", fmtShortDay(l, p.To))

	// Purpose and KPIs: one section per goal.
	for _, g := range o.Goals {
		sec := report.Section{Key: fmt.Sprintf("goal-%d", g.ID), Title: t("report.goal", "Goal", g.Title), Lead: g.View.Period + " · " + g.View.When}
		kt := report.Table{Name: t("report.kpis_of", "Goal", g.Title), Head: []string{t("overview.col.kpi"), t("report.col.status"), t("overview.col.actual"),
			t("overview.col.target"), t("report.col.expected"), t("report.col.pace"), t("report.col.forecast")}}
		for _, k := range g.View.KPIs {
			kt.Rows = append(kt.Rows, []report.Cell{report.Text(k.Name), report.Text(k.StatusText), report.Text(k.Actual), report.Text(k.Target),
				report.Text(k.Expected), report.Text(orDash(k.Pace)), report.Text(orDash(k.Forecast))})
			sec.Items = append(sec.Items, t("report.kpi_line", "KPI", k.Name, "Actual", k.Actual, "Target", k.Target, "Status", k.StatusText, "Pace", orDash(k.Pace)))
		}
		f := g.Funnel
		ft := report.Table{Name: t("report.funnel_of", "Goal", g.Title), Head: []string{t("overview.col.exposure"), t("overview.funnel.clicks." + f.ClicksSource),
			t("overview.col.click_rate"), t("overview.col.conversions"), t("overview.col.conversion_rate")},
			Rows: [][]report.Cell{{report.Num(float64(f.Exposure)), report.Num(float64(f.Clicks)), report.Rate(f.ClickRate), report.Num(float64(f.Conversions)), report.Rate(f.ConversionRate)}}}
		sec.Tables = []report.Table{kt, ft}
		if len(g.KPIs) > 0 && len(g.Trend) > 0 {
			k := g.KPIs[0]
			c := &report.Chart{Kind: "line", Title: t("overview.trend_title", "Goal", g.Title, "KPI", k.Name), Desc: t("overview.trend_desc"), Percent: k.Progress.Ratio}
			actual := chart.Series{Name: t("overview.trend_actual")}
			expected := chart.Series{Name: t("overview.trend_expected")}
			for _, pt := range g.Trend {
				at := pt.Day.Time(time.UTC)
				actual.Points = append(actual.Points, chart.Point{At: at, Value: pt.Actual})
				expected.Points = append(expected.Points, chart.Point{At: at, Value: pt.Expected})
			}
			target := chart.Series{Name: t("overview.trend_target"), Target: true, Points: []chart.Point{
				{At: g.Trend[0].Day.Time(time.UTC), Value: k.Progress.Target}, {At: g.Trend[len(g.Trend)-1].Day.Time(time.UTC), Value: k.Progress.Target}}}
			c.Series = []chart.Series{actual, expected, target}
			sec.Chart = c
		}
		r.Sections = append(r.Sections, sec)
	}

	// Per network, with the previous period.
	ns := report.Section{Key: "networks", Title: t("report.networks"), Lead: t("report.networks_lead", "PrevFrom", fmtShortDay(l, o.Previous.From), "PrevTo", fmtShortDay(l, o.Previous.To))}
	nt := report.Table{Name: t("report.networks"), Head: []string{t("overview.col.network"), t("overview.col.followers"), t("overview.col.followers_change"),
		t("overview.col.posts"), t("report.col.prev_posts"), t("overview.col.exposure"), t("report.col.prev_exposure"), t("overview.col.engagements"),
		t("overview.col.engagement_rate"), t("report.col.prev_rate")}}
	bars := &report.Chart{Kind: "bars", Title: t("report.exposure_by_network"), Desc: t("report.exposure_by_network_desc")}
	for _, n := range append(slices.Clone(o.Networks), o.Total) {
		name := t("overview.all_networks")
		if n.Network != "" {
			name = t("templates.network." + string(n.Network))
			bars.Bars = append(bars.Bars, chart.Bar{Label: name, Value: float64(n.Current.Exposure), Note: change(n.Current.Exposure, n.Previous.Exposure)})
		}
		nt.Rows = append(nt.Rows, []report.Cell{report.Text(name), report.Opt(n.Current.Followers), report.Opt(n.Current.FollowersChange),
			report.Num(float64(n.Current.Posts)), report.Num(float64(n.Previous.Posts)), report.Num(float64(n.Current.Exposure)), report.Num(float64(n.Previous.Exposure)),
			report.Num(float64(n.Current.Engagements)), report.Rate(n.Current.Rate), report.Rate(n.Previous.Rate)})
	}
	ns.Tables, ns.Chart = []report.Table{nt}, bars
	ns.Items = []string{t("report.rate_note")}
	r.Sections = append(r.Sections, ns)

	// Trends: exposure per day and network.
	ts := report.Section{Key: "trend", Title: t("report.trend"), Lead: t("overview.daily_desc")}
	dt := report.Table{Name: t("report.daily"), Head: []string{t("overview.col.day")}}
	var series []chart.Series
	for _, n := range o.view.DailyNetworks {
		dt.Head = append(dt.Head, t("templates.network."+string(n)))
		sr := chart.Series{Name: t("templates.network." + string(n))}
		for _, d := range o.Daily {
			sr.Points = append(sr.Points, chart.Point{At: d.Day.Time(time.UTC), Value: float64(d.Exposure[n])})
		}
		series = append(series, sr)
	}
	for _, d := range o.Daily {
		row := []report.Cell{report.Text(string(d.Day))}
		for _, n := range o.view.DailyNetworks {
			row = append(row, report.Num(float64(d.Exposure[n])))
		}
		dt.Rows = append(dt.Rows, row)
	}
	ts.Chart = &report.Chart{Kind: "line", Title: t("overview.daily_title"), Desc: t("overview.daily_desc"), Series: series}
	ts.Tables = []report.Table{dt}
	r.Sections = append(r.Sections, ts)

	// Top and bottom posts.
	for _, x := range []struct {
		key   string
		posts []*ovPost
	}{{"top", o.Top}, {"bottom", o.Bottom}} {
		sec := report.Section{Key: x.key, Title: t("report." + x.key)}
		pt := report.Table{Name: t("report." + x.key), Head: []string{t("overview.col.rank"), t("overview.col.score"), t("overview.col.network"), t("overview.col.account"),
			t("overview.col.published_at"), t("overview.col.exposure"), t("overview.col.text"), t("overview.col.memo")}}
		for i, p := range x.posts {
			pt.Rows = append(pt.Rows, []report.Cell{report.Num(float64(i + 1)), report.Opt(p.Score), report.Text(t("templates.network." + string(p.Network))), report.Text(p.Account),
				report.Text(p.PublishedAt.In(loc).Format("2006-01-02 15:04")), report.Opt(p.Exposure), report.Text(p.Text), report.Text(p.Memo)})
			item := fmt.Sprintf("%s %s — %s", scoreText(p.Score), t("templates.network."+string(p.Network)), clip(strings.Join(strings.Fields(p.Text), " "), 60))
			if p.Memo != "" {
				item += " ／ " + t("posts.memo") + ": " + clip(p.Memo, 60)
			}
			sec.Items = append(sec.Items, item)
		}
		if len(x.posts) == 0 {
			sec.Items = []string{t("overview.no_posts")}
		}
		sec.Tables = []report.Table{pt}
		r.Sections = append(r.Sections, sec)
	}

	// By 型.
	names, err := s.historyNames(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	byTpl, err := s.db.TotalsBy(ctx, org.ID, store.DimTemplate, string(p.From), string(p.To))
	if err != nil {
		return nil, err
	}
	from, to := p.Bounds(loc)
	pub, err := s.db.Published(ctx, org.ID, from, to)
	if err != nil {
		return nil, err
	}
	tt := report.Table{Name: t("report.templates"), Head: []string{t("overview.col.template"), t("overview.col.posts"), t("effort.average_score"),
		t("overview.col.exposure"), t("overview.col.engagements"), t("overview.col.engagement_rate")}}
	ct := report.Table{Name: t("report.cadence"), Head: []string{t("overview.col.template"), t("overview.col.planned"), t("overview.col.published"), t("report.col.share")}}
	tplBars := &report.Chart{Kind: "bars", Title: t("report.templates_chart"), Desc: t("report.templates_chart_desc")}
	for _, tp := range names.Templates {
		if tot := byTpl[tp.ID]; tot != nil {
			var avg *float64
			if a, ok := tot.AverageScore(); ok {
				avg = &a
				tplBars.Bars = append(tplBars.Bars, chart.Bar{Label: clip(tp.Name, 14), Value: math.Round(a*10) / 10})
			}
			tt.Rows = append(tt.Rows, []report.Cell{report.Text(tp.Name), report.Num(float64(pub.ByTemplate[tp.ID])), {N: avg},
				report.Num(float64(tot.Exposure)), report.Num(float64(tot.Engagement)), report.Rate(ratio(tot.Engagement, tot.Exposure))})
		}
		planned := 0
		for range plan.Slots(tp.Frequency, loc, p.From, p.To, nil) {
			planned++
		}
		if planned > 0 || pub.ByTemplate[tp.ID] > 0 {
			ct.Rows = append(ct.Rows, []report.Cell{report.Text(tp.Name), report.Num(float64(planned)), report.Num(float64(pub.ByTemplate[tp.ID])),
				report.Rate(ratio(pub.ByTemplate[tp.ID], int64(planned)))})
		}
	}
	tsec := report.Section{Key: "templates", Title: t("report.templates"), Lead: t("report.templates_lead"), Tables: []report.Table{tt}}
	if len(tplBars.Bars) > 0 {
		tsec.Chart = tplBars
	}
	r.Sections = append(r.Sections, tsec, report.Section{Key: "cadence", Title: t("report.cadence"), Lead: t("report.cadence_lead"), Tables: []report.Table{ct}})

	// Team contributions.
	team, err := s.teamEffort(ctx, org, p)
	if err != nil {
		return nil, err
	}
	et := report.Table{Name: t("report.team"), Head: []string{t("effort.member"), t("effort.posts"), t("effort.on_time"), t("effort.first_time"), t("effort.average_score"), t("effort.memos")}}
	for _, row := range team {
		if row.Effort.Posts == 0 && row.SlotsDue == 0 {
			continue
		}
		et.Rows = append(et.Rows, []report.Cell{report.Text(row.Member.Name), report.Num(float64(row.Effort.Posts)), report.Rate(row.OnTimeRate),
			report.Rate(row.FirstTimeRate), {N: row.AverageScore}, report.Num(float64(row.Memos))})
	}
	r.Sections = append(r.Sections, report.Section{Key: "team", Title: t("report.team"), Lead: t("report.team_lead"), Tables: []report.Table{et}})

	// Insights, and the 総評 prefilled from them.
	ins, err := s.readInsights(ctx, l, org)
	if err != nil {
		return nil, err
	}
	is := report.Section{Key: "insights", Title: t("report.insights")}
	it := report.Table{Name: t("report.insights"), Head: []string{t("report.col.insight"), t("report.col.sure"), t("report.col.posts")}}
	var keep, problem, try []string
	for _, in := range ins {
		text := s.insightText(l, in)
		is.Items = append(is.Items, text)
		it.Rows = append(it.Rows, []report.Cell{report.Text(text), report.Text(t("insights.sure." + in.Sure)), report.Num(float64(in.Posts))})
		switch in.Kind {
		case insight.KindTemplateBest, insight.KindBestHour, insight.KindBestWeekday, insight.KindStandouts:
			keep = append(keep, "・"+text)
		default:
			problem = append(problem, "・"+text)
		}
		if in.Kind != insight.KindTemplateBest {
			try = append(try, "・"+t("insights.action."+in.Kind))
		}
	}
	if len(ins) == 0 {
		is.Items = []string{t("insights.none")}
	}
	is.Tables = []report.Table{it}
	r.Sections = append(r.Sections, is)

	// Actions: open ones, and those finished in the period with what they changed.
	acts, err := s.db.ActionItems(ctx, store.ActionFilter{OrgID: org.ID})
	if err != nil {
		return nil, err
	}
	as := report.Section{Key: "actions", Title: t("report.actions")}
	at := report.Table{Name: t("report.actions"), Head: []string{t("actions.field.title"), t("actions.field.status"), t("actions.field.owner"), t("actions.field.due_on"), t("actions.field.outcome")}}
	for _, a := range acts {
		finished := a.DoneAt != nil && !a.DoneAt.Before(from) && a.DoneAt.Before(to)
		if a.Status.Closed() && !finished {
			continue
		}
		at.Rows = append(at.Rows, []report.Cell{report.Text(a.Title), report.Text(t("actions.status." + string(a.Status))), report.Text(a.Owner), report.Text(string(a.DueOn)), report.Text(a.Outcome)})
		line := fmt.Sprintf("[%s] %s", t("actions.status."+string(a.Status)), a.Title)
		if a.Owner != "" {
			line += " — " + a.Owner
		}
		if a.Outcome != "" {
			line += " ／ " + t("actions.field.outcome") + ": " + a.Outcome
		}
		as.Items = append(as.Items, line)
		if !a.Status.Closed() {
			try = append(try, "・"+a.Title)
		}
	}
	if len(as.Items) == 0 {
		as.Items = []string{t("actions.empty.open")}
	}
	as.Tables = []report.Table{at}
	r.Sections = append(r.Sections, as)
	r.Summary = report.KPT{Keep: strings.Join(keep, "\n"), Problem: strings.Join(problem, "\n"), Try: strings.Join(slices.Compact(try), "\n")}
	return r, nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func scoreText(v *int64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprint(*v)
}

func change(cur, prev int64) string { return (&overviewData{}).Change(cur, prev) }

// fmtMonth writes a month for people.
func fmtMonth(lang string, d soroe.Date) string {
	t := d.Time(time.UTC)
	if lang == soroe.LangJA {
		return t.Format("2006年1月")
	}
	return t.Format("January 2006")
}

// StoreReport builds a report of a period in the organization's language
// and stores it with its 総評 prefilled from the insights; by is the
// member who asked (0: the schedule, once per period).
func (s *Server) StoreReport(ctx context.Context, org *soroe.Org, kind string, p soroe.Period, by int64) (*store.StoredReport, error) {
	l := org.Lang
	if l == "" {
		l = soroe.DefaultLang
	}
	rep, err := s.BuildReport(ctx, org, kind, p, l)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	sr := &store.StoredReport{OrgID: org.ID, Kind: kind, From: p.From, To: p.To, Title: rep.Title, Data: data,
		Keep: rep.Summary.Keep, Problem: rep.Summary.Problem, Try: rep.Summary.Try, CreatedBy: by}
	if _, err := s.db.CreateReport(ctx, sr); err != nil {
		return nil, err
	}
	return sr, nil
}
