package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/chart"
	"github.com/soroe/soroe/score"
	"github.com/soroe/soroe/store"
)

// The field's effort (現場の工夫), shown beside the results: per member,
// the posts they made and how many went out on time for their slots, how
// many passed approval the first time, their average reaction score and
// its trend, their best post, their 工夫メモ and the feedback others gave.
// Staff read their own page (「わたしの成果」, /results); executives and
// managers read everyone's (/team).
func (s *Server) registerEffort() error {
	own, all := soroe.ActMetricsRead, soroe.ActEffortRead
	return errors.Join(
		s.ui("GET /results", own, s.myResultsPage),
		s.ui("GET /team", all, s.teamPage),
		s.ui("GET /team/{user}", all, s.memberResultsPage),
		s.api("GET /api/v1/me/results", own, s.apiMyResults),
		s.api("GET /api/v1/team", all, s.apiTeam),
		s.api("GET /api/v1/team/{user}", all, s.apiMemberResults),
	)
}

// memberRef names a member.
type memberRef struct {
	UserID int64      `json:"user_id"`
	Name   string     `json:"name"`
	Role   soroe.Role `json:"role"`
}

// effortRow is one member's period: what the team table shows and the
// member's page starts with.
type effortRow struct {
	Member        memberRef    `json:"member"`
	Effort        score.Effort `json:"effort"`
	OnTimeRate    *float64     `json:"on_time_rate,omitempty"`
	FirstTimeRate *float64     `json:"first_time_rate,omitempty"`
	SlotsDue      int          `json:"slots_due"` // slots of the 型 assigned to them, due by today
	Scored        int64        `json:"scored"`
	AverageScore  *float64     `json:"average_score,omitempty"`
	Memos         int          `json:"memos"` // their posts of the period with a 工夫メモ
	Href          string       `json:"-"`
}

// weekScore is a member's average reaction score of one week's posts.
type weekScore struct {
	Week    soroe.Date `json:"week"` // its Monday
	Posts   int64      `json:"posts"`
	Average *float64   `json:"average,omitempty"`
}

// memberResults is a member's page.
type memberResults struct {
	Period   soroe.Period     `json:"period"`
	Previous soroe.Period     `json:"previous"`
	Current  *effortRow       `json:"current"`
	Before   *effortRow       `json:"previous_period"`
	Trend    []weekScore      `json:"score_trend"`
	Best     *ovPost          `json:"best_post"`
	Posts    []*ovPost        `json:"posts"`
	Feedback []store.Feedback `json:"feedback"`
	chart    template.HTML
}

// trendWeeks is how many weeks the score trend covers.
const trendWeeks = 8

// teamEffort reads every member's period, in the members' order.
func (s *Server) teamEffort(ctx context.Context, org *soroe.Org, p soroe.Period) ([]*effortRow, error) {
	loc := org.Location()
	from, to := p.Bounds(loc)
	ms, err := s.db.Members(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	posts, err := s.db.AuthoredPosts(ctx, org.ID, 0, from, to)
	if err != nil {
		return nil, err
	}
	byAuthor := map[int64][]soroe.AuthoredPost{}
	var ids []int64
	for _, ap := range posts {
		byAuthor[ap.AuthorID] = append(byAuthor[ap.AuthorID], ap)
		ids = append(ids, ap.PostID)
	}
	memos, err := s.db.PostMemos(ctx, org.ID, ids)
	if err != nil {
		return nil, err
	}
	totals, err := s.db.TotalsBy(ctx, org.ID, store.DimMember, string(p.From), string(p.To))
	if err != nil {
		return nil, err
	}
	tpls, err := s.db.Templates(ctx, org.ID, 0)
	if err != nil {
		return nil, err
	}
	due := map[int64]int{}
	now := s.now()
	for _, sl := range planSlots(tpls, ms, loc, p.From, p.To) {
		if !sl.At.After(now) {
			due[sl.DrafterID]++
		}
	}
	out := make([]*effortRow, 0, len(ms))
	for _, m := range ms {
		row := &effortRow{Member: memberRef{UserID: m.UserID, Name: m.Name, Role: m.Role}, Effort: score.EffortOf(byAuthor[m.UserID]),
			SlotsDue: due[m.UserID], Href: "/team/" + strconv.FormatInt(m.UserID, 10)}
		row.OnTimeRate, row.FirstTimeRate = row.Effort.OnTimeRate(), row.Effort.FirstTimeRate()
		for _, ap := range byAuthor[m.UserID] {
			if memos[ap.PostID] != nil {
				row.Memos++
			}
		}
		if t := totals[m.UserID]; t != nil {
			row.Scored = t.Scored
			if avg, ok := t.AverageScore(); ok {
				row.AverageScore = &avg
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// memberResultsOf reads one member's page for a period.
func (s *Server) memberResultsOf(ctx context.Context, l string, org *soroe.Org, userID int64, p soroe.Period) (*memberResults, error) {
	prev := p.Previous()
	cur, err := s.teamEffort(ctx, org, p)
	if err != nil {
		return nil, err
	}
	before, err := s.teamEffort(ctx, org, prev)
	if err != nil {
		return nil, err
	}
	d := &memberResults{Period: p, Previous: prev, Trend: []weekScore{}, Posts: []*ovPost{}}
	for i, r := range cur {
		if r.Member.UserID == userID {
			d.Current, d.Before = r, before[i]
		}
	}
	if d.Current == nil {
		return nil, soroe.ErrNotFound
	}
	names, err := s.historyNames(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	zero := int64(0)
	best, _, err := s.db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: org.ID, AuthorID: userID, FromDay: p.From, ToDay: p.To, Sort: "score", MinScore: &zero, Limit: 1, NoTotal: true})
	if err != nil {
		return nil, err
	}
	list, _, err := s.db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: org.ID, AuthorID: userID, FromDay: p.From, ToDay: p.To, Limit: 20, NoTotal: true})
	if err != nil {
		return nil, err
	}
	rows, err := s.historyRows(ctx, org.ID, names, append(best, list...), "")
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		op := &ovPost{ID: r.ID, Network: r.Network, Account: r.Account, Author: r.Author, Template: r.Template, Text: r.Text,
			PublishedAt: r.PublishedAt, Score: r.Score, Exposure: r.Exposure, Engagement: r.Engagement, Memo: r.Memo, Href: r.Href}
		if i < len(best) {
			d.Best = op
		} else {
			d.Posts = append(d.Posts, op)
		}
	}
	if d.Feedback, err = s.db.FeedbackOn(ctx, org.ID, userID, 10); err != nil {
		return nil, err
	}
	// The score, week by week, for the weeks up to the period's end.
	t, _ := time.Parse(soroe.DateLayout, string(p.To))
	monday := p.To.AddDays(-((int(t.Weekday()) + 6) % 7))
	first := monday.AddDays(-7 * (trendWeeks - 1))
	daily, err := s.db.DailyBy(ctx, org.ID, store.DimMember, string(first), string(p.To))
	if err != nil {
		return nil, err
	}
	weeks := make([]store.DailyTotals, trendWeeks)
	for _, day := range daily[userID] {
		if i := first.DaysUntil(soroe.Date(day.Day)) / 7; i >= 0 && i < trendWeeks {
			weeks[i].Add(day)
		}
	}
	series := chart.Series{Name: s.cat.T(l, "effort.average_score")}
	for i, w := range weeks {
		ws := weekScore{Week: first.AddDays(7 * i), Posts: w.Posts}
		if avg, ok := w.AverageScore(); ok {
			ws.Average = &avg
			series.Points = append(series.Points, chart.Point{At: ws.Week.Time(time.UTC), Value: avg})
		}
		d.Trend = append(d.Trend, ws)
	}
	d.chart = template.HTML(chart.Line{Title: s.cat.T(l, "effort.trend_title"), Desc: s.cat.T(l, "effort.trend_desc"), //nolint:gosec // the chart escapes its text
		Series: []chart.Series{series}, Height: 200}.SVG())
	return d, nil
}

// ---- Pages ----

type effortPageData struct {
	*memberResults
	Own      bool // 「わたしの成果」
	Name     string
	Periods  []periodLink
	Custom   bool
	From, To string
	Chart    template.HTML
	loc      *time.Location
	lang     string
}

func (d *effortPageData) Day(day soroe.Date) string { return fmtShortDay(d.lang, day) }
func (d *effortPageData) Time(t time.Time) string   { return t.In(d.loc).Format("2006-01-02 15:04") }
func (d *effortPageData) Pct(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmtPercent(*r)
}
func (d *effortPageData) Avg(r *float64) string {
	if r == nil {
		return "—"
	}
	return strconv.FormatFloat(float64(int(*r*10+0.5))/10, 'f', 1, 64)
}
func (d *effortPageData) Opt(v *int64) string { return countText(v) }

// pagePeriod reads a page's period; a bad one shows this month with the
// error (422) and what was typed.
func (s *Server) pagePeriod(org *soroe.Org, q url.Values) (soroe.Period, int, map[string]string, error) {
	p, err := s.overviewPeriod(org, q)
	if err == nil {
		return p, http.StatusOK, nil, nil
	}
	var e *soroe.Error
	if !errors.As(err, &e) {
		return p, 0, nil, err
	}
	p, _ = s.overviewPeriod(org, url.Values{})
	return p, http.StatusUnprocessableEntity, map[string]string{e.Field: e.Message}, nil
}

func periodLinks(base string, p soroe.Period) []periodLink {
	var out []periodLink
	for _, k := range soroe.PeriodKinds[:3] {
		out = append(out, periodLink{Kind: k, Href: base + "?period=" + k, Active: p.Kind == k})
	}
	return out
}

func (s *Server) myResultsPage(w http.ResponseWriter, r *http.Request) {
	s.renderResults(w, r, who(r).User.ID, "/results", true)
}

func (s *Server) memberResultsPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "user")
	if err != nil {
		s.notFound(w, r)
		return
	}
	s.renderResults(w, r, id, "/team/"+strconv.FormatInt(id, 10), false)
}

func (s *Server) renderResults(w http.ResponseWriter, r *http.Request, userID int64, base string, own bool) {
	org, l, q := who(r).Org, lang(r), r.URL.Query()
	p, status, errs, err := s.pagePeriod(org, q)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	m, err := s.memberResultsOf(r.Context(), l, org, userID, p)
	if errors.Is(err, soroe.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &effortPageData{memberResults: m, Own: own, Name: m.Current.Member.Name, Periods: periodLinks(base, p),
		Custom: p.Kind == soroe.PeriodCustom || errs != nil, From: string(p.From), To: string(p.To), Chart: m.chart, loc: org.Location(), lang: l}
	if errs != nil {
		d.From, d.To = q.Get("from"), q.Get("to")
	}
	title := "effort.my_title"
	if !own {
		title = "effort.member_title"
	}
	pg := s.newPage(w, r, title, d)
	pg.Errors = errs
	s.render(w, status, "results", pg)
}

type teamPageData struct {
	Rows     []*effortRow
	Period   soroe.Period
	Periods  []periodLink
	Custom   bool
	From, To string
	lang     string
}

func (d *teamPageData) Day(day soroe.Date) string { return fmtShortDay(d.lang, day) }
func (d *teamPageData) Pct(r *float64) string {
	if r == nil {
		return "—"
	}
	return fmtPercent(*r)
}
func (d *teamPageData) Avg(r *float64) string { return (&effortPageData{}).Avg(r) }

func (s *Server) teamPage(w http.ResponseWriter, r *http.Request) {
	org, l, q := who(r).Org, lang(r), r.URL.Query()
	p, status, errs, err := s.pagePeriod(org, q)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	rows, err := s.teamEffort(r.Context(), org, p)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Who did something first, then the others, each by name.
	slices.SortStableFunc(rows, func(a, b *effortRow) int { return b.Effort.Posts + b.SlotsDue - a.Effort.Posts - a.SlotsDue })
	d := &teamPageData{Rows: rows, Period: p, Periods: periodLinks("/team", p), Custom: p.Kind == soroe.PeriodCustom || errs != nil,
		From: string(p.From), To: string(p.To), lang: l}
	for _, row := range rows {
		row.Href = withQuery(row.Href, periodQuery(p))
	}
	if errs != nil {
		d.From, d.To = q.Get("from"), q.Get("to")
	}
	pg := s.newPage(w, r, "effort.team_title", d)
	pg.Errors = errs
	s.render(w, status, "team", pg)
}

// ---- API ----

func (s *Server) apiMyResults(w http.ResponseWriter, r *http.Request) {
	s.apiResults(w, r, who(r).User.ID)
}

func (s *Server) apiMemberResults(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "user")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.apiResults(w, r, id)
}

func (s *Server) apiResults(w http.ResponseWriter, r *http.Request, userID int64) {
	org := who(r).Org
	p, err := s.overviewPeriod(org, r.URL.Query())
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	m, err := s.memberResultsOf(r.Context(), soroe.LangEN, org, userID, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) apiTeam(w http.ResponseWriter, r *http.Request) {
	org := who(r).Org
	p, err := s.overviewPeriod(org, r.URL.Query())
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	rows, err := s.teamEffort(r.Context(), org, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"period": p, "members": rows})
}
