package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/insight"
	"github.com/soroe/soroe/plan"
	"github.com/soroe/soroe/store"
)

// Insights (改善点の共有): what the history says, with its evidence and how
// sure it is, each one a click away from becoming an action.
func (s *Server) registerInsights() error {
	read := soroe.ActMetricsRead
	return errors.Join(
		s.ui("GET /insights", read, s.insightsPage),
		s.api("GET /api/v1/insights", read, s.apiInsights),
	)
}

// insightWindow is how far back the insights read.
const insightWindow = 90 * 24 * time.Hour

// insightPostCap bounds the posts read for them (the newest).
const insightPostCap = 5000

// readInsights computes the organization's insights as of now.
func (s *Server) readInsights(ctx context.Context, l string, org *soroe.Org) ([]insight.Insight, error) {
	loc := org.Location()
	now := s.now()
	today := s.today(org)
	in := insight.Input{Now: now, Loc: loc}
	names, err := s.historyNames(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range names.Templates {
		in.Templates = append(in.Templates, insight.Template{ID: t.ID, Name: t.Name, GoalID: t.GoalID})
	}
	for _, a := range names.Accounts {
		in.Accounts = append(in.Accounts, insight.Account{ID: a.ID, Name: a.Name, Network: a.Network})
	}
	for _, g := range names.Goals {
		entries, err := s.db.KPIValues(ctx, g)
		if err != nil {
			return nil, err
		}
		ks := primaryFirst(g)
		if len(ks) == 0 {
			continue
		}
		in.Goals = append(in.Goals, insight.Goal{ID: g.ID, Title: g.Title, KPI: s.kpiName(l, ks[0].Metric, ks[0].Event), Progress: kpiProgress(g, entries, today)[ks[0].ID]})
	}
	from := soroe.DateOf(now.Add(-insightWindow), loc)
	var ids []int64
	for off := 0; off < insightPostCap; off += 500 {
		page, _, err := s.db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: org.ID, FromDay: from, Limit: 500, Offset: off, NoTotal: true})
		if err != nil {
			return nil, err
		}
		for _, p := range page {
			ip := insight.Post{ID: p.ID, External: p.External, AccountID: p.AccountID, Network: p.Network, GoalID: p.GoalID,
				TemplateID: p.TemplateID, TemplateVersion: p.TemplateVersion, PublishedAt: p.PublishedAt,
				Media: p.External && (p.Kind == "image" || p.Kind == "video" || p.Kind == "carousel" || p.Kind == "reel")}
			if m := p.Metrics; m != nil {
				ip.Score, ip.Exposure = m.Score, m.Exposure
			}
			if !p.External {
				ids = append(ids, p.ID)
			}
			in.Posts = append(in.Posts, ip)
		}
		if len(page) < 500 {
			break
		}
	}
	memos, err := s.db.PostMemos(ctx, org.ID, ids)
	if err != nil {
		return nil, err
	}
	media, err := s.db.PostsWithMedia(ctx, org.ID, ids)
	if err != nil {
		return nil, err
	}
	for i := range in.Posts {
		p := &in.Posts[i]
		if p.External {
			continue
		}
		if m := memos[p.ID]; m != nil {
			p.Memo = m.Body
		}
		p.Media = media[p.ID]
	}
	// Cadence over the last weeks.
	start := today.AddDays(-7*insight.CadenceWeeks + 1)
	a, _ := soroe.Period{From: start, To: today}.Bounds(loc)
	pub, err := s.db.Published(ctx, org.ID, a, now)
	if err != nil {
		return nil, err
	}
	for _, t := range names.Templates {
		c := insight.Cadence{TemplateID: t.ID, Published: int(pub.ByTemplate[t.ID])}
		for _, sl := range plan.Slots(t.Frequency, loc, start, today, nil) {
			if !sl.At.After(now) {
				c.Planned++
			}
		}
		in.Cadence = append(in.Cadence, c)
	}
	return insight.Compute(in), nil
}

// insightView is an insight as the page shows it.
type insightView struct {
	insight.Insight
	Text       string
	ActionHref string
	Evidence   []insightRef
}

type insightRef struct{ Href, Label string }

// insightText writes an insight in the reader's language.
func (s *Server) insightText(l string, in insight.Insight) string {
	args := []any{}
	for k, v := range in.Params {
		switch k {
		case "Network":
			v = s.cat.T(l, "templates.network."+v)
		case "Weekday":
			v = s.cat.T(l, "insights.weekday."+v)
		}
		args = append(args, k, v)
	}
	key := "insights.kind." + in.Kind
	switch {
	case in.Kind == insight.KindGoalPace && in.Params["More"] == "":
		key += "_start"
	case in.Kind == insight.KindStandouts:
		text := s.cat.T(l, key, args...)
		for _, p := range []string{"Template", "Hour", "Media", "Word"} {
			if _, ok := in.Params[p]; ok {
				text += s.cat.T(l, "insights.common."+p, args...)
			}
		}
		return text
	}
	return s.cat.T(l, key, args...)
}

func (s *Server) insightViews(l string, ins []insight.Insight, canAct bool) []*insightView {
	out := make([]*insightView, 0, len(ins))
	for _, in := range ins {
		v := &insightView{Insight: in, Text: s.insightText(l, in)}
		if canAct {
			q := url.Values{"source_kind": {"insight"}, "source_ref": {in.Key}, "source_note": {v.Text},
				"title": {s.cat.T(l, "insights.action."+in.Kind)}}
			if in.GoalID != 0 {
				q.Set("goal_id", strconv.FormatInt(in.GoalID, 10))
			}
			v.ActionHref = "/actions?" + q.Encode() + "#act-new"
		}
		for i, e := range in.Evidence {
			href := "/posts/" + strconv.FormatInt(e.ID, 10)
			if e.External {
				href = "/history/external/" + strconv.FormatInt(e.ID, 10)
			}
			v.Evidence = append(v.Evidence, insightRef{Href: href, Label: s.cat.T(l, "insights.evidence_n", "N", i+1)})
		}
		out = append(out, v)
	}
	return out
}

type insightsData struct {
	Insights []*insightView
	Days     int
}

func (s *Server) insightsPage(w http.ResponseWriter, r *http.Request) {
	id, l := who(r), lang(r)
	ins, err := s.readInsights(r.Context(), l, id.Org)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "insights", s.newPage(w, r, "insights.title",
		&insightsData{Insights: s.insightViews(l, ins, soroe.Can(id.Role, soroe.ActActionWrite)), Days: int(insightWindow.Hours() / 24)}))
}

func (s *Server) apiInsights(w http.ResponseWriter, r *http.Request) {
	ins, err := s.readInsights(r.Context(), soroe.LangEN, who(r).Org)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type item struct {
		insight.Insight
		Text string `json:"text"`
	}
	out := make([]item, 0, len(ins))
	for _, in := range ins {
		if in.Evidence == nil {
			in.Evidence = []insight.Ref{}
		}
		out = append(out, item{in, s.insightText(soroe.LangEN, in)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"insights": out, "window_days": int(insightWindow.Hours() / 24)})
}
