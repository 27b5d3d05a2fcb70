package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// registerHistory registers the shared post history (投稿履歴): every post
// of the organization — published by Soroe, posted by hand, imported as
// external — in one list with filters, a Japanese-capable search and sorting
// by any figure; its export as CSV and XLSX; two 型 versions, members or
// periods side by side; an external post's own page; and the same list in
// the API. Every role reads it.
func (s *Server) registerHistory() error {
	read := soroe.ActPostRead
	return errors.Join(
		s.ui("GET /history", read, s.historyPage),
		s.ui("GET /history/export.csv", read, s.historyCSV),
		s.ui("GET /history/export.xlsx", read, s.historyXLSX),
		s.ui("GET /history/compare", read, s.historyCompare),
		s.ui("GET /history/external/{external}", read, s.externalPostPage),
		s.api("GET /api/v1/history", read, s.apiHistory),
		s.api("GET /api/v1/history/compare", read, s.apiHistoryCompare),
	)
}

// historyPageSize is how many rows a page of the list shows.
const historyPageSize = 50

// maxQueryRunes bounds the search box.
const maxQueryRunes = 200

// historyFilter reads the history's filter from a query string; the page,
// the exports, the compare page and the API read the same parameters:
//
//	q            search (every space-separated term occurs in the text)
//	goal, account, member (the author)   IDs
//	template     a 型 ("12") or one of its versions ("12:2")
//	network      a network
//	from, to     local days (YYYY-MM-DD) in the organization's zone, both included
//	score_min, score_max   0–100, both included
//	state        published, manual, external, unconfirmed, failed (repeatable or comma-separated)
//	sort, order  a key of store.HistorySorts; asc or desc (default)
//
// A bad value is a *soroe.Error naming its parameter.
func historyFilter(orgID int64, q url.Values) (store.AnalyticsFilter, error) {
	f := store.AnalyticsFilter{OrgID: orgID, Query: strings.TrimSpace(q.Get("q")), Network: soroe.Network(q.Get("network")), Sort: q.Get("sort")}
	if utf8.RuneCountInString(f.Query) > maxQueryRunes {
		return f, soroe.Invalid("q", "too_long")
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"goal", &f.GoalID}, {"account", &f.AccountID}, {"member", &f.AuthorID}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return f, soroe.Invalid(p.name, "not_an_id")
			}
			*p.dst = n
		}
	}
	if v := q.Get("template"); v != "" {
		id, ver, err := parseTemplateChoice(v)
		if err != nil {
			return f, err
		}
		f.TemplateID, f.TemplateVersion = id, ver
	}
	if f.Network != "" && !f.Network.Valid() {
		return f, soroe.Invalid("network", "unknown_network")
	}
	for _, p := range []struct {
		name string
		dst  *soroe.Date
	}{{"from", &f.FromDay}, {"to", &f.ToDay}} {
		if v := strings.TrimSpace(q.Get(p.name)); v != "" {
			d, err := soroe.ParseDate(v)
			if err != nil {
				return f, soroe.Invalid(p.name, "invalid_date")
			}
			*p.dst = d
		}
	}
	if f.FromDay != "" && f.ToDay != "" && f.ToDay < f.FromDay {
		return f, soroe.Invalid("to", "before_from")
	}
	for _, p := range []struct {
		name string
		dst  **int64
	}{{"score_min", &f.MinScore}, {"score_max", &f.MaxScore}} {
		if v := strings.TrimSpace(q.Get(p.name)); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 || n > 100 {
				return f, soroe.Invalid(p.name, "score_out_of_range")
			}
			*p.dst = &n
		}
	}
	if f.MinScore != nil && f.MaxScore != nil && *f.MinScore > *f.MaxScore {
		return f, soroe.Invalid("score_max", "below_min")
	}
	for _, v := range q["state"] {
		for _, st := range strings.Split(v, ",") {
			if st = strings.TrimSpace(st); st == "" {
				continue
			}
			if !slices.Contains(store.HistoryStates, st) {
				return f, soroe.Invalid("state", "unknown_state")
			}
			if !slices.Contains(f.States, st) {
				f.States = append(f.States, st)
			}
		}
	}
	if f.Sort != "" && !slices.Contains(store.HistorySorts, f.Sort) {
		return f, soroe.Invalid("sort", "unknown_sort")
	}
	switch q.Get("order") {
	case "", "desc":
	case "asc":
		f.Asc = true
	default:
		return f, soroe.Invalid("order", "unknown_order")
	}
	return f, nil
}

// parseTemplateChoice reads "12" (a 型) or "12:2" (its version 2).
func parseTemplateChoice(v string) (id int64, ver int, err error) {
	idS, verS, hasVer := strings.Cut(v, ":")
	id, err = strconv.ParseInt(idS, 10, 64)
	if err != nil || id <= 0 {
		return 0, 0, soroe.Invalid("template", "not_an_id")
	}
	if hasVer {
		ver, err = strconv.Atoi(verS)
		if err != nil || ver <= 0 {
			return 0, 0, soroe.Invalid("template", "not_an_id")
		}
	}
	return id, ver, nil
}

// ---------------------------------------------------------------------------
// Names: what the list shows for the IDs it holds.

type historyNames struct {
	accounts  map[int64]*soroe.Account
	members   map[int64]string
	goals     map[int64]string
	templates map[int64]*soroe.Template // at the current version

	Accounts  []*soroe.Account
	Members   []*soroe.Member
	Goals     []*soroe.Goal
	Templates []*soroe.Template
}

func (s *Server) historyNames(ctx context.Context, orgID int64) (*historyNames, error) {
	n := &historyNames{accounts: map[int64]*soroe.Account{}, members: map[int64]string{}, goals: map[int64]string{}, templates: map[int64]*soroe.Template{}}
	var err error
	if n.Accounts, err = s.db.Accounts(ctx, orgID); err != nil {
		return nil, err
	}
	if n.Members, err = s.db.Members(ctx, orgID); err != nil {
		return nil, err
	}
	if n.Goals, err = s.db.Goals(ctx, orgID); err != nil {
		return nil, err
	}
	if n.Templates, err = s.db.Templates(ctx, orgID, 0); err != nil {
		return nil, err
	}
	for _, a := range n.Accounts {
		n.accounts[a.ID] = a
	}
	for _, m := range n.Members {
		n.members[m.UserID] = m.Name
	}
	for _, g := range n.Goals {
		n.goals[g.ID] = g.Title
	}
	for _, t := range n.Templates {
		n.templates[t.ID] = t
	}
	return n, nil
}

// author names a post's author; one who has left the organization is
// still named (their posts stay in the history).
func (n *historyNames) author(ctx context.Context, s *Server, id int64) string {
	if id == 0 {
		return ""
	}
	if name, ok := n.members[id]; ok {
		return name
	}
	name := ""
	if u, err := s.db.User(ctx, id); err == nil {
		name = u.Name
	}
	n.members[id] = name
	return name
}

// Networks lists the networks for the filters.
func (n *historyNames) Networks() []soroe.Network { return soroe.Networks }

func (n *historyNames) account(id int64) string {
	if a := n.accounts[id]; a != nil {
		return a.Name
	}
	return ""
}

func (n *historyNames) template(id int64) string {
	if t := n.templates[id]; t != nil {
		return t.Name
	}
	return ""
}

// templateChoice is one option of the 型 select: a 型 (all its versions)
// or one version.
type templateChoice struct {
	Value, Name string
	Version     int // 0: every version
}

func (n *historyNames) templateChoices() []templateChoice {
	var out []templateChoice
	for _, t := range n.Templates {
		id := strconv.FormatInt(t.ID, 10)
		out = append(out, templateChoice{Value: id, Name: t.Name})
		for v := 1; v <= t.Version; v++ {
			out = append(out, templateChoice{Value: id + ":" + strconv.Itoa(v), Name: t.Name, Version: v})
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Rows: one post of the list as the page and the exports show it.

type historyRow struct {
	*store.AnalyticsPost
	Href        string // the post's page, or the external post's
	Account     string
	Author      string
	Goal        string
	Template    string
	Score       *int64
	Exposure    *int64
	ExpKind     string // impressions, views or reach
	Engagement  *int64
	Rate        *float64 // engagement / exposure
	SortedValue *int64   // the sorted metric's value when it has no column
	Memo        string   // the post's 工夫メモ (memos.go)
}

// countText writes a count for the page, "—" when unknown.
func countText(v *int64) string {
	if v == nil {
		return "—"
	}
	return fmtNum(float64(*v))
}

func (r *historyRow) ExposureText() string   { return countText(r.Exposure) }
func (r *historyRow) EngagementText() string { return countText(r.Engagement) }
func (r *historyRow) SortedText() string     { return countText(r.SortedValue) }
func (r *historyRow) RateText() string {
	if r.Rate == nil {
		return "—"
	}
	return fmtPercent(*r.Rate)
}

func (s *Server) historyRows(ctx context.Context, orgID int64, n *historyNames, posts []*store.AnalyticsPost, sortKey string) ([]*historyRow, error) {
	var ids []int64
	for _, p := range posts {
		if !p.External {
			ids = append(ids, p.ID)
		}
	}
	memos, err := s.db.PostMemos(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*historyRow, 0, len(posts))
	for _, p := range posts {
		row := &historyRow{AnalyticsPost: p, Account: n.account(p.AccountID), Author: n.author(ctx, s, p.AuthorID),
			Goal: n.goals[p.GoalID], Template: n.template(p.TemplateID)}
		if p.External {
			row.Href = "/history/external/" + strconv.FormatInt(p.ID, 10)
		} else {
			row.Href = "/posts/" + strconv.FormatInt(p.ID, 10)
			if m := memos[p.ID]; m != nil {
				row.Memo = m.Body
			}
		}
		if l := p.Metrics; l != nil {
			row.Score, row.Exposure, row.ExpKind, row.Engagement = l.Score, l.Exposure, l.ExposureKind, l.Engagement
			if l.Exposure != nil && *l.Exposure > 0 && l.Engagement != nil {
				r := float64(*l.Engagement) / float64(*l.Exposure)
				row.Rate = &r
			}
			if m := soroe.PostMetric(sortKey); m.Valid() {
				if v, ok := l.Value(m); ok {
					row.SortedValue = &v
				}
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// The page.

// historyColumn is a sortable column heading.
type historyColumn struct {
	Key    string // message key of the heading
	Href   string // this column's sort (the other way when it is the current one)
	Active bool
	Asc    bool
	Num    bool
}

type historyData struct {
	Filter      url.Values
	Names       *historyNames
	Choices     []templateChoice
	States      []string
	Sorts       []string
	Metrics     []soroe.PostMetric
	Rows        []*historyRow
	Total       int
	Page, Pages int
	PrevHref    string
	NextHref    string
	Cols        map[string]historyColumn
	SortMetric  soroe.PostMetric // a metric sorted by, shown as its own column
	ExportCSV   string
	ExportXLSX  string
	loc         *time.Location
	lang        string
	First, Last int // 1-based rows shown
}

// Day and Clock write a row's time compactly in the organization's zone:
// the table's first column, day above time.
func (d *historyData) Day(t time.Time) string {
	if d.lang == soroe.LangJA {
		return t.In(d.loc).Format("2006/01/02")
	}
	return t.In(d.loc).Format("Jan 2, 2006")
}

func (d *historyData) Clock(t time.Time) string { return t.In(d.loc).Format("15:04") }

// StateOn reports whether the filter asks for a state.
func (d *historyData) StateOn(st string) bool {
	for _, v := range d.Filter["state"] {
		if slices.Contains(strings.Split(v, ","), st) {
			return true
		}
	}
	return false
}

// Networks lists the networks for the filter.
func (d *historyData) Networks() []soroe.Network { return soroe.Networks }

// withQuery is the path with q, some parameters set ("" removes one).
func withQuery(path string, q url.Values, set ...string) string {
	c := url.Values{}
	for k, v := range q {
		c[k] = slices.Clone(v)
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			c.Del(set[i])
		} else {
			c.Set(set[i], set[i+1])
		}
	}
	for k, v := range c {
		if len(v) == 1 && v[0] == "" {
			c.Del(k)
		}
	}
	if e := c.Encode(); e != "" {
		return path + "?" + e
	}
	return path
}

func (s *Server) historyPage(w http.ResponseWriter, r *http.Request) {
	ctx, org := r.Context(), who(r).Org
	q := r.URL.Query()
	names, err := s.historyNames(ctx, org.ID)
	if s.failed(w, r, err) {
		return
	}
	d := &historyData{Filter: q, Names: names, Choices: names.templateChoices(), States: store.HistoryStates,
		Sorts: store.HistorySorts, Metrics: soroe.PostMetrics, Page: 1, loc: org.Location(), lang: lang(r)}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	p := s.newPage(w, r, "history.title", d)
	p.Form = q
	f, err := historyFilter(org.ID, q)
	var posts []*store.AnalyticsPost
	if err == nil {
		f.Limit, f.Offset = historyPageSize, (d.Page-1)*historyPageSize
		posts, d.Total, err = s.db.AnalyticsPosts(ctx, f)
	}
	status := http.StatusOK
	if err != nil {
		var e *soroe.Error
		if !errors.As(err, &e) {
			s.serverError(w, r, err)
			return
		}
		field := e.Field
		if field == "" {
			field = "_"
		}
		p.Errors = map[string]string{field: e.Message}
		status = http.StatusUnprocessableEntity
	}
	if d.Rows, err = s.historyRows(ctx, org.ID, names, posts, f.Sort); err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Pages = max(1, (d.Total+historyPageSize-1)/historyPageSize)
	if d.Page > 1 {
		d.PrevHref = withQuery("/history", q, "page", strconv.Itoa(d.Page-1))
	}
	if d.Page < d.Pages {
		d.NextHref = withQuery("/history", q, "page", strconv.Itoa(d.Page+1))
	}
	if len(d.Rows) > 0 {
		d.First, d.Last = f.Offset+1, f.Offset+len(d.Rows)
	}
	d.Cols = map[string]historyColumn{}
	for _, c := range []struct {
		sort, key string
		num       bool
	}{
		{store.SortPublished, "history.col.published", false}, {store.SortScore, "history.col.score", true},
		{store.SortExposure, "history.col.exposure", true}, {store.SortEngagement, "history.col.engagement", true},
		{store.SortEngagementRate, "history.col.rate", true}, {store.SortComments, "history.col.comments", true},
	} {
		cur := f.Sort == c.sort || (f.Sort == "" && c.sort == store.SortPublished)
		order := ""
		if cur && !f.Asc {
			order = "asc"
		}
		d.Cols[c.sort] = historyColumn{Key: c.key, Active: cur, Asc: f.Asc, Num: c.num,
			Href: withQuery("/history", q, "sort", c.sort, "order", order, "page", "")}
	}
	if m := soroe.PostMetric(f.Sort); m.Valid() {
		d.SortMetric = m
	}
	d.ExportCSV = withQuery("/history/export.csv", q, "page", "")
	d.ExportXLSX = withQuery("/history/export.xlsx", q, "page", "")
	s.render(w, status, "history", p)
}

// ---------------------------------------------------------------------------
// An external post's page: what was imported of it, its numbers over time
// and its score's breakdown (the 「数値」 card of a post's page).

type externalPostData struct {
	ID       int64
	Post     *soroe.ExternalPost
	Account  *soroe.Account
	Numbers  *postMetricsView
	BackHref string
}

func (s *Server) externalPostPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "external")
	if s.failed(w, r, err) {
		return
	}
	ctx, org := r.Context(), who(r).Org
	e, err := s.db.ExternalPostOf(ctx, org.ID, id)
	if s.failed(w, r, err) {
		return
	}
	d := &externalPostData{ID: id, Post: e, BackHref: "/history"}
	if d.Account, err = s.db.Account(ctx, org.ID, e.AccountID); err != nil && !errors.Is(err, soroe.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	l, err := s.db.LatestOfExternal(ctx, org.ID, id)
	if s.failed(w, r, err) {
		return
	}
	snaps, err := s.db.SnapshotsOf(ctx, org.ID, soroe.Subject{ExternalID: id})
	if s.failed(w, r, err) {
		return
	}
	published := e.PublishedAt
	tm := &targetMetricsOut{AccountID: e.AccountID, Network: e.Network, RemoteID: e.RemoteID, URL: e.URL, PublishedAt: &published,
		Snapshots: []snapshotOut{}, Latest: newMetricsOut(l), latest: l}
	for _, sn := range snaps {
		tm.Snapshots = append(tm.Snapshots, snapshotOut{Metric: sn.Metric, Value: sn.Value, Unavailable: sn.Unavailable,
			CapturedAt: sn.CapturedAt, Source: sn.Source, SourceDetail: sn.SourceDetail})
	}
	account := ""
	if d.Account != nil {
		account = d.Account.Name
	}
	d.Numbers = &postMetricsView{Targets: []*targetMetricsView{s.targetMetrics(lang(r), tm, account)}}
	s.render(w, http.StatusOK, "external_post", s.newPage(w, r, "history.external_title", d))
}

// ---------------------------------------------------------------------------
// The API.

// historyAPIItem is one post of the API's history list.
type historyAPIItem struct {
	*store.AnalyticsPost
	metricsOut
}

// badQuery answers a filter the API cannot read with a 400 naming the
// parameter.
func (s *Server) badQuery(w http.ResponseWriter, r *http.Request, err error) {
	var e *soroe.Error
	if errors.As(err, &e) && e.Code == soroe.EInvalid {
		s.problem(w, r, http.StatusBadRequest, "bad_query", s.cat.T(soroe.LangEN, "error."+e.Message), e.Field)
		return
	}
	s.apiError(w, r, err)
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := historyFilter(who(r).Org.ID, q)
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &f.Limit}, {"offset", &f.Offset}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				s.problem(w, r, http.StatusBadRequest, "bad_query", p.name+" must be a whole number", p.name)
				return
			}
			*p.dst = n
		}
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	posts, total, err := s.db.AnalyticsPosts(r.Context(), f)
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	out := make([]historyAPIItem, len(posts))
	for i, p := range posts {
		out[i] = historyAPIItem{AnalyticsPost: p, metricsOut: newMetricsOut(p.Metrics)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": out, "total": total, "limit": f.Limit, "offset": f.Offset})
}

// exportLimit caps the rows of one export.
const exportLimit = 50_000

// allHistory reads every row of a filter, up to exportLimit.
func (s *Server) allHistory(ctx context.Context, f store.AnalyticsFilter) ([]*store.AnalyticsPost, int, error) {
	var out []*store.AnalyticsPost
	f.Limit, f.Offset = 500, 0
	for {
		posts, total, err := s.db.AnalyticsPosts(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, posts...)
		if len(posts) < f.Limit || len(out) >= total || len(out) >= exportLimit {
			return out[:min(len(out), exportLimit)], total, nil
		}
		f.Offset += len(posts)
	}
}

// localTime writes an instant in the organization's zone for exports.
func localTime(t time.Time, org *soroe.Org) string {
	if t.IsZero() {
		return ""
	}
	return t.In(org.Location()).Format("2006-01-02 15:04")
}
