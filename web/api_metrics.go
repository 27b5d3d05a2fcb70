package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network/x"
	"github.com/soroe/soroe/store"
)

// registerMetrics registers the measurement routes: a post's numbers, the
// analytics list, numbers typed in by hand, a refresh from the API, and
// each account's followers and pull settings.
func (s *Server) registerMetrics() error {
	read, record, refresh, config := soroe.ActMetricsRead, soroe.ActMetricsRecord, soroe.ActMetricsRefresh, soroe.ActMetricsConfig
	return errors.Join(
		s.api("GET /api/v1/posts/{post}/metrics", read, s.apiPostMetrics),
		s.api("POST /api/v1/posts/{post}/metrics", record, s.apiRecordPostMetrics),
		s.api("POST /api/v1/posts/{post}/metrics/refresh", refresh, s.apiRefreshPostMetrics),
		s.api("GET /api/v1/analytics/posts", read, s.apiAnalyticsPosts),
		s.api("GET /api/v1/accounts/{account}/metrics", read, s.apiAccountMetrics),
		s.api("PATCH /api/v1/accounts/{account}/metrics", config, s.apiSetAccountMetrics),
		s.ui("POST /posts/{post}/metrics", record, s.postRecordMetrics),
		s.ui("POST /posts/{post}/metrics/refresh", refresh, s.postRefreshMetrics),
		s.ui("GET /accounts/{account}", read, s.accountPage),
		s.ui("POST /accounts/{account}/metrics", config, s.accountMetricsSettings),
		s.registerMetricsImport(),
	)
}

// metricsOut is a post's latest numbers in the API: metric → value for
// those known, metric → reason for those the network does not give.
type metricsOut struct {
	Metrics        map[string]int64  `json:"metrics"`
	Unavailable    map[string]string `json:"unavailable,omitempty"`
	Exposure       *int64            `json:"exposure"`
	ExposureKind   string            `json:"exposure_kind,omitempty"`
	Engagement     *int64            `json:"engagement"`
	EngagementRate *rateOut          `json:"engagement_rate"`
	Score          *scoreOut         `json:"score"`
	CapturedAt     *time.Time        `json:"captured_at,omitempty"`
}

// rateOut is an engagement rate with its denominator named.
type rateOut struct {
	Value float64 `json:"value"`
	Per   string  `json:"per"` // impressions, views or reach
}

type scoreOut struct {
	Value     int64           `json:"value"`
	Version   int             `json:"version"`
	Breakdown json.RawMessage `json:"breakdown,omitempty"`
}

func newMetricsOut(l *store.LatestMetrics) metricsOut {
	out := metricsOut{Metrics: map[string]int64{}}
	if l == nil {
		return out
	}
	for _, r := range l.Readings {
		if r.Value != nil {
			out.Metrics[string(r.Metric)] = *r.Value
		} else {
			if out.Unavailable == nil {
				out.Unavailable = map[string]string{}
			}
			out.Unavailable[string(r.Metric)] = r.Unavailable
		}
	}
	out.Exposure, out.ExposureKind, out.Engagement = l.Exposure, l.ExposureKind, l.Engagement
	if l.Exposure != nil && *l.Exposure > 0 && l.Engagement != nil {
		out.EngagementRate = &rateOut{Value: float64(*l.Engagement) / float64(*l.Exposure), Per: l.ExposureKind}
	}
	if l.Score != nil {
		out.Score = &scoreOut{Value: *l.Score, Version: l.ScoreVersion}
		if json.Valid([]byte(l.ScoreDetail)) {
			out.Score.Breakdown = json.RawMessage(l.ScoreDetail)
		}
	}
	return out
}

type targetMetricsOut struct {
	TargetID    int64         `json:"target_id"`
	AccountID   int64         `json:"account_id"`
	Network     soroe.Network `json:"network"`
	RemoteID    string        `json:"remote_id,omitempty"`
	URL         string        `json:"url,omitempty"`
	PublishedAt *time.Time    `json:"published_at,omitempty"`
	Snapshots   []snapshotOut `json:"snapshots"`
	Latest      metricsOut    `json:"latest"`
	latest      *store.LatestMetrics
}

type snapshotOut struct {
	Metric       soroe.PostMetric `json:"metric"`
	Value        *int64           `json:"value"`
	Unavailable  string           `json:"unavailable,omitempty"`
	CapturedAt   time.Time        `json:"captured_at"`
	Source       string           `json:"source"`
	SourceDetail string           `json:"source_detail,omitempty"`
}

// postMetrics reads a post's targets with their numbers and snapshots.
func (s *Server) postMetrics(r *http.Request, postID int64) ([]*targetMetricsOut, error) {
	ctx, org := r.Context(), who(r).Org
	targets, err := s.db.Targets(ctx, org.ID, postID)
	if err != nil {
		return nil, err
	}
	latest, err := s.db.PostLatestMetrics(ctx, org.ID, postID)
	if err != nil {
		return nil, err
	}
	out := []*targetMetricsOut{}
	for _, t := range targets {
		if t.State != soroe.TargetSent {
			continue
		}
		tm := &targetMetricsOut{TargetID: t.ID, AccountID: t.AccountID, Network: t.Network, RemoteID: t.RemoteID, URL: t.URL,
			PublishedAt: t.SentAt, Snapshots: []snapshotOut{}}
		for _, l := range latest {
			if l.Subject.TargetID == t.ID {
				tm.latest = l
			}
		}
		tm.Latest = newMetricsOut(tm.latest)
		snaps, err := s.db.SnapshotsOf(ctx, org.ID, soroe.Subject{TargetID: t.ID})
		if err != nil {
			return nil, err
		}
		for _, sn := range snaps {
			tm.Snapshots = append(tm.Snapshots, snapshotOut{Metric: sn.Metric, Value: sn.Value, Unavailable: sn.Unavailable,
				CapturedAt: sn.CapturedAt, Source: sn.Source, SourceDetail: sn.SourceDetail})
		}
		out = append(out, tm)
	}
	return out, nil
}

func (s *Server) apiPostMetrics(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if _, err := s.db.Post(r.Context(), who(r).Org.ID, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.postMetrics(r, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"post_id": id, "targets": out})
}

// metricsInput is numbers typed in by hand for one target of a post.
type metricsInput struct {
	TargetID int64            `json:"target_id"`
	Metrics  map[string]int64 `json:"metrics"`
}

// recordByHand stores numbers a person typed in for one of a post's sent
// targets. Staff may record only on their own posts.
func (s *Server) recordByHand(r *http.Request, postID int64, in metricsInput) (int, error) {
	ctx, id := r.Context(), who(r)
	p, err := s.db.Post(ctx, id.Org.ID, postID)
	if err != nil {
		return 0, err
	}
	if id.Role == soroe.RoleStaff && p.AuthorID != id.User.ID {
		return 0, &soroe.Error{Code: soroe.EForbidden, Message: "own_posts_only"}
	}
	targets, err := s.db.Targets(ctx, id.Org.ID, postID)
	if err != nil {
		return 0, err
	}
	ok := false
	for _, t := range targets {
		ok = ok || (t.ID == in.TargetID && t.State == soroe.TargetSent)
	}
	if !ok {
		return 0, soroe.Invalid("target_id", "not_published")
	}
	if len(in.Metrics) == 0 {
		return 0, soroe.Invalid("metrics", "required")
	}
	var rs []soroe.Reading
	for name, v := range in.Metrics {
		m := soroe.PostMetric(name)
		if !m.Valid() {
			return 0, soroe.Invalid(name, "unknown_metric")
		}
		if v < 0 {
			return 0, soroe.Invalid(name, "negative")
		}
		rs = append(rs, soroe.Reading{Metric: m, Value: &v})
	}
	return s.db.RecordMetrics(ctx, id.Org.ID, []store.MetricInput{{Subject: soroe.Subject{TargetID: in.TargetID}, Readings: rs,
		Source: soroe.SourceManual, SourceDetail: id.User.Name}})
}

func (s *Server) apiRecordPostMetrics(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in metricsInput
	if !s.decode(w, r, &in) {
		return
	}
	n, err := s.recordByHand(r, id, in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.postMetrics(r, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"post_id": id, "snapshots_added": n, "targets": out})
}

// refresh enqueues a pull of a post's numbers now.
func (s *Server) refresh(r *http.Request, postID int64) error {
	if _, err := s.db.Post(r.Context(), who(r).Org.ID, postID); err != nil {
		return err
	}
	if s.cfg.RefreshMetrics == nil {
		return &soroe.Error{Code: soroe.EConflict, Message: "metrics_pull_off"}
	}
	return s.cfg.RefreshMetrics(r.Context(), who(r).Org.ID, postID)
}

func (s *Server) apiRefreshPostMetrics(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.refresh(r, id); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"post_id": id, "queued": true})
}

// analyticsItem is one post of the analytics list.
type analyticsItem struct {
	*store.AnalyticsPost
	metricsOut
}

func (s *Server) apiAnalyticsPosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.AnalyticsFilter{OrgID: who(r).Org.ID, Network: soroe.Network(q.Get("network"))}
	if f.Network != "" && !f.Network.Valid() {
		s.problem(w, r, http.StatusBadRequest, "bad_query", "network must be one of the networks", "network")
		return
	}
	for name, dst := range map[string]*int64{"goal": &f.GoalID, "account": &f.AccountID} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				s.problem(w, r, http.StatusBadRequest, "bad_query", name+" must be an ID", name)
				return
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				s.problem(w, r, http.StatusBadRequest, "bad_query", name+" must be an RFC 3339 time", name)
				return
			}
			*dst = t
		}
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	posts, total, err := s.db.AnalyticsPosts(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]analyticsItem, len(posts))
	for i, p := range posts {
		out[i] = analyticsItem{AnalyticsPost: p, metricsOut: newMetricsOut(p.Metrics)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": out, "total": total})
}

// accountMetricsOut is an account's followers, pull health and schedule
// cost.
type accountMetricsOut struct {
	AccountID int64                 `json:"account_id"`
	Network   soroe.Network         `json:"network"`
	Health    *store.MetricsHealth  `json:"health"`
	Followers []soroe.FollowerCount `json:"followers"`
	Cost      *pullCost             `json:"estimated_monthly_cost,omitempty"`
}

// pullCost is what an account's pull schedule reads in a month and, where
// the network bills reads, what that costs.
type pullCost struct {
	PostsPerMonth int     `json:"posts_per_month"`
	PostReads     int     `json:"post_reads"`
	FollowerReads int     `json:"follower_reads"`
	USD           float64 `json:"usd"`
	Billed        bool    `json:"billed"` // the network bills API reads (X)
	PriceNote     string  `json:"price_note,omitempty"`
	OverCap       bool    `json:"over_cap,omitempty"` // over X's monthly read cap
}

func (s *Server) accountMetrics(r *http.Request, accountID int64, days int) (*accountMetricsOut, error) {
	ctx, org := r.Context(), who(r).Org
	a, err := s.db.Account(ctx, org.ID, accountID)
	if err != nil {
		return nil, err
	}
	h, err := s.db.AccountMetricsHealth(ctx, org.ID, accountID)
	if err != nil {
		return nil, err
	}
	today := s.today(org)
	fc, err := s.db.Followers(ctx, org.ID, accountID, string(today.AddDays(-days)), string(today))
	if err != nil {
		return nil, err
	}
	out := &accountMetricsOut{AccountID: a.ID, Network: a.Network, Health: h, Followers: nonNil(fc)}
	if a.Network != soroe.NetworkManual && !h.NoAPI {
		posts, err := s.db.PostsLastMonth(ctx, accountID)
		if err != nil {
			return nil, err
		}
		out.Cost = estimateCost(a.Network, org.Location(), posts, h.Pull)
	}
	return out, nil
}

func (s *Server) apiAccountMetrics(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	days, _ := strconv.Atoi(r.URL.Query().Get("days"))
	if days <= 0 || days > 730 {
		days = 90
	}
	out, err := s.accountMetrics(r, id, days)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

type accountMetricsInput struct {
	Pull  *bool `json:"pull"`
	NoAPI *bool `json:"no_api"`
}

func (s *Server) apiSetAccountMetrics(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in accountMetricsInput
	if !s.decode(w, r, &in) {
		return
	}
	if err := s.setAccountMetrics(r, id, in); err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.accountMetrics(r, id, 90)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) setAccountMetrics(r *http.Request, id int64, in accountMetricsInput) error {
	ctx, org := r.Context(), who(r).Org
	if in.Pull == nil && in.NoAPI == nil {
		return soroe.Invalid("pull", "required")
	}
	if in.Pull != nil {
		if err := s.db.SetAccountMetrics(ctx, org.ID, id, *in.Pull); err != nil {
			return err
		}
	}
	if in.NoAPI != nil {
		if err := s.db.SetAccountNoAPI(ctx, org.ID, id, *in.NoAPI); err != nil {
			return err
		}
	}
	return nil
}

// ---- UI forms ----

func (s *Server) postRecordMetrics(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "metrics.flash.recorded", func(id int64) error {
		in := metricsInput{Metrics: map[string]int64{}}
		in.TargetID, _ = strconv.ParseInt(r.PostForm.Get("target_id"), 10, 64)
		for _, m := range soroe.PostMetrics {
			v := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("m_"+string(m)), ",", ""))
			if v == "" {
				continue
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return soroe.Invalid(string(m), "not_a_number")
			}
			in.Metrics[string(m)] = n
		}
		_, err := s.recordByHand(r, id, in)
		return err
	})
}

func (s *Server) postRefreshMetrics(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "metrics.flash.refresh_queued", func(id int64) error { return s.refresh(r, id) })
}

func (s *Server) accountMetricsSettings(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if s.failed(w, r, err) {
		return
	}
	pull := r.PostFormValue("pull") == "on"
	if err := s.setAccountMetrics(r, id, accountMetricsInput{Pull: &pull}); s.failed(w, r, err) {
		return
	}
	s.flash(r, "metrics.flash.settings_saved")
	http.Redirect(w, r, "/accounts/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// estimateCost prices a month of an account's reads where the network
// bills them: X's pay-per-use (network/x.EstimatePullCost: per post read,
// a post's pulls on one UTC day billed once; posts assumed out at noon in
// the organization's zone).
func estimateCost(n soroe.Network, loc *time.Location, posts int, pull bool) (c *pullCost) {
	c = &pullCost{PostsPerMonth: posts}
	if !pull {
		return c
	}
	c.PostReads, c.FollowerReads = posts*len(soroe.PullAges), 30
	if n != soroe.NetworkX {
		return c
	}
	noon := time.Date(2026, 1, 1, 12, 0, 0, 0, loc).UTC()
	est := x.EstimatePullCost(x.PullPlan{PostsPerMonth: posts, PublishAt: time.Duration(noon.Hour())*time.Hour + time.Duration(noon.Minute())*time.Minute, FollowerDays: 30})
	c.PostReads, c.FollowerReads, c.USD, c.Billed = est.PostReads, est.UserReads, est.USD(), true
	c.PriceNote = fmt.Sprintf("X pay-per-use: $%.3f per post read, $%.3f per user read", float64(x.PostReadMicros)/1e6, float64(x.UserReadMicros)/1e6)
	c.OverCap = est.OverCap
	return c
}
