package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/chart"
)

// postMetricsView is the post page's 「数値」 card: per published target its
// latest numbers with their sources, the engagement rate with its
// denominator named, the reaction score's breakdown, and a chart of the
// numbers over time with the same numbers as a table.
type postMetricsView struct {
	Targets    []*targetMetricsView
	CanRecord  bool
	CanRefresh bool
	Metrics    []soroe.PostMetric // the manual entry form's fields
}

type targetMetricsView struct {
	TargetID    int64
	Network     soroe.Network
	Account     string
	Rows        []metricRow
	Rate        string // "3.2%"
	RatePer     string // message key of the denominator
	Score       *int64
	Breakdown   []string
	Chart       template.HTML
	Snapshots   []snapshotOut
	LastAt      *time.Time
	Unavailable bool // nothing known yet
}

type metricRow struct {
	Metric soroe.PostMetric
	Value  string // formatted, or "" when not available
	Reason string // message key of why not
	Source string
}

// loadPostMetrics builds the card from the API's own reading of a post.
func (s *Server) loadPostMetrics(r *http.Request, v *postView) (*postMetricsView, error) {
	id := who(r)
	out := &postMetricsView{Metrics: soroe.PostMetrics,
		CanRecord:  soroe.Can(id.Role, soroe.ActMetricsRecord) && (id.Role != soroe.RoleStaff || v.AuthorID == id.User.ID),
		CanRefresh: soroe.Can(id.Role, soroe.ActMetricsRefresh) && s.cfg.RefreshMetrics != nil}
	tms, err := s.postMetrics(r, v.ID)
	if err != nil {
		return nil, err
	}
	l := lang(r)
	for _, tm := range tms {
		account := ""
		for _, t := range v.Targets {
			if t.ID == tm.TargetID && t.Account != nil {
				account = t.Account.Name
			}
		}
		out.Targets = append(out.Targets, s.targetMetrics(l, tm, account))
	}
	return out, nil
}

// targetMetrics is one published target's (or external post's) part of the
// card: its latest numbers with their sources, the engagement rate with its
// denominator, the score's breakdown and the chart.
func (s *Server) targetMetrics(l string, tm *targetMetricsOut, account string) *targetMetricsView {
	tv := &targetMetricsView{TargetID: tm.TargetID, Network: tm.Network, Account: account, Snapshots: tm.Snapshots}
	source := map[soroe.PostMetric]string{}
	for _, sn := range tm.Snapshots {
		source[sn.Metric] = sn.Source
		at := sn.CapturedAt
		tv.LastAt = &at
	}
	lm := tm.Latest
	for _, m := range soroe.PostMetrics {
		if val, ok := lm.Metrics[string(m)]; ok {
			tv.Rows = append(tv.Rows, metricRow{Metric: m, Value: fmtNum(float64(val)), Source: source[m]})
		} else if why, ok := lm.Unavailable[string(m)]; ok {
			tv.Rows = append(tv.Rows, metricRow{Metric: m, Reason: "metrics.unavailable." + why, Source: source[m]})
		}
	}
	tv.Unavailable = len(tv.Rows) == 0
	if lm.EngagementRate != nil {
		tv.Rate, tv.RatePer = fmtPercent(lm.EngagementRate.Value), "metrics.per."+lm.EngagementRate.Per
	}
	if lm.Score != nil {
		tv.Score = &lm.Score.Value
		tv.Breakdown = scoreLines(lm.Score.Breakdown, l)
	}
	tv.Chart = s.metricsChart(l, tm)
	return tv
}

// scoreLines reads the plain-language breakdown stored with a score:
// {"ja": [...], "en": [...]}.
func scoreLines(raw json.RawMessage, l string) []string {
	var by struct {
		JA []string `json:"ja"`
		EN []string `json:"en"`
	}
	if json.Unmarshal(raw, &by) != nil {
		return nil
	}
	if l == soroe.LangJA {
		return by.JA
	}
	return by.EN
}

// metricsChart draws the target's most telling numbers over time: up to
// four metrics with values, largest first.
func (s *Server) metricsChart(l string, tm *targetMetricsOut) template.HTML {
	series := map[soroe.PostMetric]*chart.Series{}
	for _, sn := range tm.Snapshots {
		if sn.Value == nil {
			continue
		}
		sr := series[sn.Metric]
		if sr == nil {
			sr = &chart.Series{Name: s.cat.T(l, "metrics.metric."+string(sn.Metric))}
			series[sn.Metric] = sr
		}
		sr.Points = append(sr.Points, chart.Point{At: sn.CapturedAt, Value: float64(*sn.Value)})
	}
	if len(series) == 0 {
		return ""
	}
	ms := make([]soroe.PostMetric, 0, len(series))
	for m := range series {
		ms = append(ms, m)
	}
	last := func(m soroe.PostMetric) float64 { p := series[m].Points; return p[len(p)-1].Value }
	sort.Slice(ms, func(i, j int) bool {
		if last(ms[i]) != last(ms[j]) {
			return last(ms[i]) > last(ms[j])
		}
		return ms[i] < ms[j]
	})
	c := chart.Line{Title: s.cat.T(l, "metrics.chart_title"), Desc: s.cat.T(l, "metrics.chart_desc"), Height: 200}
	for _, m := range ms[:min(4, len(ms))] {
		c.Series = append(c.Series, *series[m])
	}
	return template.HTML(c.SVG()) //nolint:gosec // chart escapes every text it draws
}

// accountPageData is an account's page: followers per day (chart and
// table), pull health and schedule, the estimated monthly cost of the
// schedule, and its pull setting.
type accountPageData struct {
	Account   *soroe.Account
	Numbers   *accountMetricsOut
	Chart     template.HTML
	CanConfig bool
	Days      int
	Change    string // followers gained over the period, signed
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if s.failed(w, r, err) {
		return
	}
	ctx, who := r.Context(), who(r)
	a, err := s.db.Account(ctx, who.Org.ID, id)
	if s.failed(w, r, err) {
		return
	}
	const days = 90
	out, err := s.accountMetrics(r, id, days)
	if s.failed(w, r, err) {
		return
	}
	d := &accountPageData{Account: a, Numbers: out, Days: days, CanConfig: soroe.Can(who.Role, soroe.ActMetricsConfig)}
	l := lang(r)
	if n := len(out.Followers); n > 0 {
		series := chart.Series{Name: s.cat.T(l, "metrics.followers")}
		loc := who.Org.Location()
		for _, f := range out.Followers {
			series.Points = append(series.Points, chart.Point{At: soroe.Date(f.Day).Time(loc), Value: float64(f.Followers)})
		}
		c := chart.Line{Title: s.cat.T(l, "metrics.followers_chart", "Days", days), Desc: s.cat.T(l, "metrics.chart_desc"), Series: []chart.Series{series}, Height: 200}
		d.Chart = template.HTML(c.SVG()) //nolint:gosec // chart escapes every text it draws
		ch := out.Followers[n-1].Followers - out.Followers[0].Followers
		d.Change = fmtNum(float64(ch))
		if ch > 0 {
			d.Change = "+" + d.Change
		}
	}
	s.render(w, http.StatusOK, "account_numbers", s.newPage(w, r, "metrics.account_title", d))
}
