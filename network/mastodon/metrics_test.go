package mastodon_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/mastodon"
	"github.com/soroe/soroe/network/nettest"
)

var _ network.MetricsReader = (*mastodon.Client)(nil)

func ptr(v int64) *int64 { return &v }

func reading(t *testing.T, p network.PostMetrics, m soroe.PostMetric) soroe.Reading {
	t.Helper()
	for _, r := range p.Readings {
		if r.Metric == m {
			return r
		}
	}
	t.Fatalf("status %s has no %s: %+v", p.RemoteID, m, p.Readings)
	return soroe.Reading{}
}

func wantCount(t *testing.T, p network.PostMetrics, m soroe.PostMetric, v int64) {
	t.Helper()
	if r := reading(t, p, m); r.Value == nil || *r.Value != v {
		t.Errorf("status %s %s = %+v, want %d", p.RemoteID, m, r, v)
	}
}

func wantNotGiven(t *testing.T, p network.PostMetrics, m soroe.PostMetric) {
	t.Helper()
	if r := reading(t, p, m); r.Value != nil || r.Unavailable != soroe.UnavailableNotGiven {
		t.Errorf("status %s %s = %+v, want not given (never 0)", p.RemoteID, m, r)
	}
}

func addStatuses(f *nettest.Mastodon, n int) []network.MetricsQuery {
	var qs []network.MetricsQuery
	for i := range n {
		st := f.AddStatus(fmt.Sprintf("status %d", i), now.Add(-time.Duration(i)*time.Hour))
		f.SetMetrics(st.ID, nettest.MastodonCounts{Favourites: int64(i), Reblogs: 2, Replies: 3, Quotes: ptr(1)})
		qs = append(qs, network.MetricsQuery{RemoteID: st.ID, PublishedAt: st.CreatedAt})
	}
	return qs
}

func TestPostMetrics(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	pub, err := c.Publish(context.Background(), a, post("新商品"))
	if err != nil {
		t.Fatal(err)
	}
	f.SetMetrics(pub.RemoteID, nettest.MastodonCounts{Favourites: 112, Reblogs: 98, Replies: 7, Quotes: ptr(4)})
	old := addStatuses(f, 1)[0]
	f.SetMetrics(old.RemoteID, nettest.MastodonCounts{Favourites: 5}) // an instance before 4.5: no quotes_count
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: pub.RemoteID, PublishedAt: now}, old})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].RemoteID != pub.RemoteID || got[0].Missing {
		t.Fatalf("got %+v", got)
	}
	wantCount(t, got[0], soroe.PostLikes, 112)
	wantCount(t, got[0], soroe.PostReposts, 98)
	wantCount(t, got[0], soroe.PostReplies, 7)
	wantCount(t, got[0], soroe.PostQuotes, 4)
	wantCount(t, got[0], soroe.PostEngagements, 112+98+7+4)
	wantNotGiven(t, got[0], soroe.PostImpressions)
	wantNotGiven(t, got[0], soroe.PostViews)
	wantNotGiven(t, got[1], soroe.PostQuotes)
	wantCount(t, got[1], soroe.PostEngagements, 5)
	if n := f.ReadCalls("GET /api/v1/statuses"); n != 1 {
		t.Fatalf("batch calls %d", n)
	}
}

func TestPostMetricsBatching(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	if c.MetricsBatch() != 20 {
		t.Fatalf("batch %d", c.MetricsBatch())
	}
	qs := addStatuses(f, 21)
	got, err := c.PostMetrics(context.Background(), a, qs[:20])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 20 || f.ReadCalls("GET /api/v1/statuses") != 1 || f.ReadCalls("GET /api/v1/statuses/:id") != 0 {
		t.Fatalf("%d answers, calls %d/%d", len(got), f.ReadCalls("GET /api/v1/statuses"), f.ReadCalls("GET /api/v1/statuses/:id"))
	}
	for i, p := range got {
		if v, ok := p.Value(soroe.PostLikes); !ok || v != int64(i) {
			t.Fatalf("status %d likes %d %v", i, v, ok)
		}
	}
	if _, err := c.PostMetrics(context.Background(), a, qs); err == nil {
		t.Fatal("21 statuses accepted")
	}
	// The fake refuses 21 ids as the instance does.
	q := url.Values{}
	for _, s := range qs {
		q.Add("id[]", s.RemoteID)
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL+"/api/v1/statuses?"+q.Encode(), nil)
	req.Header.Set("Authorization", "Bearer "+f.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("21 ids: HTTP %d", resp.StatusCode)
	}
}

func TestPostMetricsMissing(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	qs := addStatuses(f, 3)
	f.DeleteStatus(qs[1].RemoteID)
	got, err := c.PostMetrics(context.Background(), a, qs)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got {
		if p.Missing != (i == 1) {
			t.Fatalf("status %d missing=%v", i, p.Missing)
		}
	}
}

func TestPostMetricsBeforeBatchEndpoint(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.SetBatchEndpoint(false)
	qs := addStatuses(f, 3)
	f.DeleteStatus(qs[2].RemoteID)
	for round := range 2 {
		got, err := c.PostMetrics(context.Background(), a, qs)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].Missing || got[1].Missing || !got[2].Missing {
			t.Fatalf("round %d: %+v", round, got)
		}
		wantCount(t, got[1], soroe.PostLikes, 1)
	}
	// The 404 is learnt once: the second round goes straight to single reads.
	if b, s := f.ReadCalls("GET /api/v1/statuses"), f.ReadCalls("GET /api/v1/statuses/:id"); b != 1 || s != 6 {
		t.Fatalf("batch calls %d, single calls %d", b, s)
	}
}

func TestMetricsErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	qs := addStatuses(f, 1)

	f.SetReadRateLimit(0)
	_, err := c.PostMetrics(context.Background(), a, qs)
	e := kind(t, err, network.ErrRateLimited)
	if !e.RetryAfter.Equal(f.RateLimitReset) {
		t.Errorf("retry after %v, want %v", e.RetryAfter, f.RateLimitReset)
	}
	f.SetReadRateLimit(-1)

	f.FailReads(mastodonFailure(503, "Service Unavailable"))
	_, err = c.PostMetrics(context.Background(), a, qs)
	kind(t, err, network.ErrTemporary)
	// A 404 of one status on an older instance is Missing, a 5xx fails the call.
	f.SetBatchEndpoint(false)
	f.FailReads(mastodonFailure(502, "Bad Gateway"))
	_, err = c.PostMetrics(context.Background(), a, qs)
	kind(t, err, network.ErrTemporary)
	f.SetBatchEndpoint(true)

	bad := *a
	bad.Credentials.AccessToken = "revoked"
	_, err = c.PostMetrics(context.Background(), &bad, qs)
	kind(t, err, network.ErrAuth)
	_, err = c.Followers(context.Background(), &bad)
	kind(t, err, network.ErrAuth)
}

func TestFollowers(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.SetFollowers(320_472)
	n, err := c.Followers(context.Background(), a)
	if err != nil || n != 320_472 {
		t.Fatalf("followers %d, %v", n, err)
	}
}

func mastodonFailure(status int, msg string) nettest.MastodonFailure {
	return nettest.MastodonFailure{Status: status, Error: msg}
}
