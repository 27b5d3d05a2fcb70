package x_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/network/x"
)

var _ network.MetricsReader = (*x.Client)(nil)

var mnow = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)

func metricsSetup(t *testing.T) (*nettest.XFake, *x.Client, *network.Account) {
	t.Helper()
	f := nettest.NewXFake()
	f.Now = func() time.Time { return mnow }
	t.Cleanup(f.Close)
	c := x.New(x.Options{BaseURL: f.URL, HTTPClient: f.Client(), Now: func() time.Time { return mnow }})
	a := &network.Account{ID: 1, Network: "x", Credentials: network.Credentials{AccessToken: "x-access-1"}}
	return f, c, a
}

func ptr(v int64) *int64 { return &v }

// want checks one post's readings: a number, or nil with its reason.
func want(t *testing.T, p network.PostMetrics, m soroe.PostMetric, v any) {
	t.Helper()
	for _, r := range p.Readings {
		if r.Metric != m {
			continue
		}
		switch w := v.(type) {
		case int:
			if r.Value == nil || *r.Value != int64(w) {
				t.Errorf("post %s %s = %+v, want %d", p.RemoteID, m, r, w)
			}
		case string:
			if r.Value != nil || r.Unavailable != w {
				t.Errorf("post %s %s = %+v (value %v), want not available (%s)", p.RemoteID, m, r, r.Value, w)
			}
		}
		return
	}
	t.Errorf("post %s has no %s reading: %+v", p.RemoteID, m, p.Readings)
}

func byID(t *testing.T, got []network.PostMetrics) map[string]network.PostMetrics {
	t.Helper()
	out := map[string]network.PostMetrics{}
	for _, p := range got {
		out[p.RemoteID] = p
	}
	return out
}

var xm = nettest.XMetrics{Impressions: 1834, Likes: 25, Replies: 1, Retweets: 3, Quotes: 2, Bookmarks: 4,
	URLLinkClicks: 12, UserProfileClicks: 5}

func TestPostMetricsYoung(t *testing.T) {
	f, c, a := metricsSetup(t)
	p := f.AddPost("新商品", mnow.Add(-2*time.Hour))
	q := f.AddPost("セール", mnow.Add(-3*time.Hour))
	f.SetMetrics(p.ID, xm)
	withEng := xm
	withEng.Engagements = ptr(77)
	f.SetMetrics(q.ID, withEng)
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{
		{RemoteID: p.ID, PublishedAt: p.CreatedAt}, {RemoteID: q.ID, PublishedAt: q.CreatedAt}})
	if err != nil {
		t.Fatal(err)
	}
	m := byID(t, got)
	pm := m[p.ID]
	for metric, v := range map[soroe.PostMetric]int{soroe.PostImpressions: 1834, soroe.PostLikes: 25, soroe.PostReplies: 1,
		soroe.PostReposts: 3, soroe.PostQuotes: 2, soroe.PostBookmarks: 4, soroe.PostLinkClicks: 12, soroe.PostProfileClicks: 5,
		// no figure from X: the documented sum 25+1+3+2+4+12+5
		soroe.PostEngagements: 52} {
		want(t, pm, metric, v)
	}
	want(t, m[q.ID], soroe.PostEngagements, 77) // X's own figure
	ls := f.Lookups()
	if len(ls) != 1 || !slices.Equal(ls[0].Fields, []string{"public_metrics", "non_public_metrics", "organic_metrics"}) {
		t.Fatalf("lookups %+v", ls)
	}
}

func TestPostMetricsOldAndYoungAreSplit(t *testing.T) {
	f, c, a := metricsSetup(t)
	young := f.AddPost("young", mnow.Add(-24*time.Hour))
	old := f.AddPost("old", mnow.Add(-40*24*time.Hour))
	edge := f.AddPost("edge", mnow.Add(-x.NonPublicWindow+30*time.Minute)) // inside X's window, inside our margin
	for _, p := range []nettest.XPost{young, old, edge} {
		f.SetMetrics(p.ID, xm)
	}
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{
		{RemoteID: old.ID, PublishedAt: old.CreatedAt}, {RemoteID: young.ID, PublishedAt: young.CreatedAt},
		{RemoteID: edge.ID, PublishedAt: edge.CreatedAt}})
	if err != nil {
		t.Fatal(err)
	}
	ls := f.Lookups()
	if len(ls) != 2 {
		t.Fatalf("want 2 lookups (young, old), got %+v", ls)
	}
	if !slices.Equal(ls[0].IDs, []string{young.ID}) || !slices.Contains(ls[0].Fields, "non_public_metrics") {
		t.Errorf("young lookup %+v", ls[0])
	}
	if !slices.Equal(ls[1].IDs, []string{old.ID, edge.ID}) || !slices.Equal(ls[1].Fields, []string{"public_metrics"}) {
		t.Errorf("old lookup %+v", ls[1])
	}
	m := byID(t, got)
	want(t, m[young.ID], soroe.PostLinkClicks, 12)
	for _, id := range []string{old.ID, edge.ID} {
		// Never 0: not given for old posts.
		want(t, m[id], soroe.PostLinkClicks, soroe.UnavailableNotGiven)
		want(t, m[id], soroe.PostProfileClicks, soroe.UnavailableNotGiven)
		want(t, m[id], soroe.PostImpressions, 1834)
		want(t, m[id], soroe.PostLikes, 25)
		want(t, m[id], soroe.PostEngagements, 25+1+3+2+4) // the public parts
	}
}

func TestPostMetricsFieldRefusedFallsBackToPublic(t *testing.T) {
	f, c, a := metricsSetup(t)
	p := f.AddPost("old on X", mnow.Add(-31*24*time.Hour))
	f.SetMetrics(p.ID, xm)
	// Soroe believes the post is young (a wrong publish time): X refuses
	// the non-public fields and fails the whole answer.
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: p.ID, PublishedAt: mnow.Add(-time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Lookups()); n != 2 {
		t.Fatalf("lookups = %d, want 2 (refused, then public)", n)
	}
	want(t, got[0], soroe.PostLikes, 25)
	want(t, got[0], soroe.PostLinkClicks, soroe.UnavailableRefused)
	want(t, got[0], soroe.PostProfileClicks, soroe.UnavailableRefused)
}

func TestPostMetricsBatching(t *testing.T) {
	f, c, a := metricsSetup(t)
	if c.MetricsBatch() != 100 {
		t.Fatalf("batch %d", c.MetricsBatch())
	}
	var qs []network.MetricsQuery
	for i := range 101 {
		p := f.AddPost("post "+strconv.Itoa(i), mnow.Add(-time.Duration(i+1)*time.Hour))
		f.SetMetrics(p.ID, nettest.XMetrics{Likes: int64(i)})
		qs = append(qs, network.MetricsQuery{RemoteID: p.ID, PublishedAt: p.CreatedAt})
	}
	got, err := c.PostMetrics(context.Background(), a, qs[:100])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 100 || f.ReadCalls("/2/tweets") != 1 {
		t.Fatalf("%d answers in %d calls", len(got), f.ReadCalls("/2/tweets"))
	}
	for i, p := range got {
		if v, ok := p.Value(soroe.PostLikes); !ok || v != int64(i) {
			t.Fatalf("answer %d likes %d %v", i, v, ok)
		}
	}
	if _, err := c.PostMetrics(context.Background(), a, qs); err == nil {
		t.Fatal("101 posts accepted")
	}
	// The fake refuses more than 100 ids as X does.
	ids := make([]string, 101)
	for i, q := range qs {
		ids[i] = q.RemoteID
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/2/tweets?tweet.fields=public_metrics&ids="+strings.Join(ids, ","), nil)
	req.Header.Set("Authorization", "Bearer x-access-1")
	resp, err := f.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("101 ids: HTTP %d", resp.StatusCode)
	}
}

func TestPostMetricsMissing(t *testing.T) {
	f, c, a := metricsSetup(t)
	kept := f.AddPost("kept", mnow.Add(-2*time.Hour))
	gone := f.AddPost("gone", mnow.Add(-2*time.Hour))
	f.SetMetrics(kept.ID, xm)
	f.DeletePost(gone.ID)
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{
		{RemoteID: gone.ID, PublishedAt: gone.CreatedAt}, {RemoteID: kept.ID, PublishedAt: kept.CreatedAt},
		{RemoteID: "1999999999999999999", PublishedAt: mnow.Add(-40 * 24 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	m := byID(t, got)
	if !m[gone.ID].Missing || len(m[gone.ID].Readings) != 0 || !m["1999999999999999999"].Missing {
		t.Fatalf("deleted posts: %+v", got)
	}
	if m[kept.ID].Missing {
		t.Fatal("kept post missing")
	}
	want(t, m[kept.ID], soroe.PostLikes, 25)
}

func TestPostMetricsRepostName(t *testing.T) {
	f, c, a := metricsSetup(t)
	p := f.AddPost("p", mnow.Add(-40*24*time.Hour))
	f.SetMetrics(p.ID, xm)
	f.UseRepostNames(true)
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: p.ID, PublishedAt: p.CreatedAt}})
	if err != nil {
		t.Fatal(err)
	}
	want(t, got[0], soroe.PostReposts, 3)
}

func TestMetricsErrors(t *testing.T) {
	f, c, a := metricsSetup(t)
	p := f.AddPost("p", mnow.Add(-time.Hour))
	qs := []network.MetricsQuery{{RemoteID: p.ID, PublishedAt: p.CreatedAt}}

	f.SetReadLimit("/2/tweets", 0)
	_, err := c.PostMetrics(context.Background(), a, qs)
	e := netErr(t, err, network.ErrRateLimited)
	if !e.RetryAfter.Equal(mnow.Add(15 * time.Minute)) {
		t.Errorf("retry after %v", e.RetryAfter)
	}
	f.SetReadLimit("/2/tweets", 5000)

	f.FailReads(nettest.XFailure{Status: 503, Body: `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`})
	_, err = c.PostMetrics(context.Background(), a, qs)
	netErr(t, err, network.ErrTemporary)

	bad := *a
	bad.Credentials.AccessToken = "revoked"
	_, err = c.PostMetrics(context.Background(), &bad, qs)
	netErr(t, err, network.ErrAuth)
	_, err = c.Followers(context.Background(), &bad)
	netErr(t, err, network.ErrAuth)

	f.SetReadLimit("/2/users/me", 0)
	_, err = c.Followers(context.Background(), a)
	netErr(t, err, network.ErrRateLimited)
}

func TestFollowers(t *testing.T) {
	f, c, a := metricsSetup(t)
	f.SetFollowers(12_345)
	n, err := c.Followers(context.Background(), a)
	if err != nil || n != 12_345 {
		t.Fatalf("followers %d, %v", n, err)
	}
}

func TestEstimatePullCost(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name string
		plan x.PullPlan
		want x.Cost
	}{
		{"nothing", x.PullPlan{}, x.Cost{}},
		// Noon in Japan: 1 h and 6 h fall on the publish day, then 24 h,
		// 3 d, 7 d, 30 d: 5 billable reads a post.
		{"1,000 posts at noon JST, followers daily", x.PullPlan{PostsPerMonth: 1000, PublishAt: 3 * h, FollowerDays: 30},
			x.Cost{PostReads: 5000, UserReads: 30, Micros: 5000*5_000 + 30*10_000}},
		// 23:30 UTC: 1 h, 6 h and 24 h all land on the next UTC day.
		{"late UTC", x.PullPlan{PostsPerMonth: 100, PublishAt: 23*h + 30*time.Minute},
			x.Cost{PostReads: 400, Micros: 400 * 5_000}},
		{"custom ages, hand refreshes", x.PullPlan{PostsPerMonth: 10, Ages: []time.Duration{h, 48 * h}, RefreshesPerMonth: 3},
			x.Cost{PostReads: 23, Micros: 23 * 5_000}},
		{"follower days capped at 31", x.PullPlan{FollowerDays: 45}, x.Cost{UserReads: 31, Micros: 310_000}},
		{"over the monthly cap", x.PullPlan{PostsPerMonth: 700_000, PublishAt: 3 * h},
			x.Cost{PostReads: 3_500_000, Micros: 3_500_000 * 5_000, OverCap: true}},
		{"negative is nothing", x.PullPlan{PostsPerMonth: -5, FollowerDays: -1}, x.Cost{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := x.EstimatePullCost(tt.plan); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := x.EstimatePullCost(x.PullPlan{PostsPerMonth: 1000, PublishAt: 3 * h, FollowerDays: 30}).USD(); got != 25.30 {
		t.Fatalf("USD %v", got)
	}
	if n := x.ReadsPerPost(-21*h, nil); n != 5 { // = 03:00
		t.Fatalf("reads per post %d", n)
	}
}
