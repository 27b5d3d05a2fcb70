package bluesky_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/bluesky"
	"github.com/soroe/soroe/network/nettest"
)

var _ network.MetricsReader = (*bluesky.Client)(nil)

func ptr(v int64) *int64 { return &v }

func reading(t *testing.T, p network.PostMetrics, m soroe.PostMetric) soroe.Reading {
	t.Helper()
	for _, r := range p.Readings {
		if r.Metric == m {
			return r
		}
	}
	t.Fatalf("post %s has no %s: %+v", p.RemoteID, m, p.Readings)
	return soroe.Reading{}
}

func wantCount(t *testing.T, p network.PostMetrics, m soroe.PostMetric, v int64) {
	t.Helper()
	if r := reading(t, p, m); r.Value == nil || *r.Value != v {
		t.Errorf("post %s %s = %+v, want %d", p.RemoteID, m, r, v)
	}
}

func wantNotGiven(t *testing.T, p network.PostMetrics, m soroe.PostMetric) {
	t.Helper()
	if r := reading(t, p, m); r.Value != nil || r.Unavailable != soroe.UnavailableNotGiven {
		t.Errorf("post %s %s = %+v, want not given (never 0)", p.RemoteID, m, r)
	}
}

func addPosts(f *nettest.Bluesky, n int) []network.MetricsQuery {
	var qs []network.MetricsQuery
	for i := range n {
		rkey := fmt.Sprintf("3l%011d", i)
		f.AddRecord(rkey, fmt.Sprintf("post %d", i), now.Add(-time.Duration(i)*time.Hour))
		uri := "at://" + f.DID + "/app.bsky.feed.post/" + rkey
		f.SetMetrics(uri, nettest.BlueskyCounts{Likes: int64(i), Reposts: 2, Replies: 3, Quotes: 1, Bookmarks: ptr(4)})
		qs = append(qs, network.MetricsQuery{RemoteID: uri, PublishedAt: now.Add(-time.Duration(i) * time.Hour)})
	}
	return qs
}

func TestPostMetrics(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	pub, err := c.Publish(context.Background(), a, post("新商品のお知らせ"))
	if err != nil {
		t.Fatal(err)
	}
	f.SetMetrics(pub.RemoteID, nettest.BlueskyCounts{Likes: 31, Reposts: 5, Replies: 2, Quotes: 1, Bookmarks: ptr(3)})
	older := addPosts(f, 1)[0]
	f.SetMetrics(older.RemoteID, nettest.BlueskyCounts{Likes: 7}) // an AppView without bookmarkCount
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: pub.RemoteID, PublishedAt: now}, older})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].RemoteID != pub.RemoteID || got[0].Missing {
		t.Fatalf("got %+v", got)
	}
	p := got[0]
	wantCount(t, p, soroe.PostLikes, 31)
	wantCount(t, p, soroe.PostReposts, 5)
	wantCount(t, p, soroe.PostReplies, 2)
	wantCount(t, p, soroe.PostQuotes, 1)
	wantCount(t, p, soroe.PostBookmarks, 3)
	wantCount(t, p, soroe.PostEngagements, 31+5+2+1+3)
	wantNotGiven(t, p, soroe.PostImpressions)
	wantNotGiven(t, p, soroe.PostViews)
	wantNotGiven(t, got[1], soroe.PostBookmarks)
	wantCount(t, got[1], soroe.PostEngagements, 7)
	if uris := f.LastGetPosts(); len(uris) != 2 || uris[0] != pub.RemoteID {
		t.Fatalf("asked %v", uris)
	}
}

func TestPostMetricsBatching(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	if c.MetricsBatch() != 25 {
		t.Fatalf("batch %d", c.MetricsBatch())
	}
	qs := addPosts(f, 26)
	got, err := c.PostMetrics(context.Background(), a, qs[:25])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 25 || f.Calls("app.bsky.feed.getPosts") != 1 {
		t.Fatalf("%d answers in %d calls", len(got), f.Calls("app.bsky.feed.getPosts"))
	}
	for i, p := range got {
		if v, ok := p.Value(soroe.PostLikes); !ok || v != int64(i) {
			t.Fatalf("post %d likes %d %v", i, v, ok)
		}
	}
	if _, err := c.PostMetrics(context.Background(), a, qs); err == nil {
		t.Fatal("26 posts accepted")
	}
	if f.Calls("app.bsky.feed.getPosts") != 1 {
		t.Fatal("26 posts were sent")
	}
}

func TestPostMetricsMissing(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	qs := addPosts(f, 3)
	f.DeleteRecord(fmt.Sprintf("3l%011d", 1))
	got, err := c.PostMetrics(context.Background(), a, qs)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range got {
		if p.Missing != (i == 1) {
			t.Fatalf("post %d missing=%v", i, p.Missing)
		}
	}
	if len(got[1].Readings) != 0 {
		t.Fatalf("readings of a missing post: %+v", got[1].Readings)
	}
}

func TestMetricsErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	qs := addPosts(f, 1)

	f.SetReadRateLimit(0)
	_, err := c.PostMetrics(context.Background(), a, qs)
	e := kind(t, err, network.ErrRateLimited)
	if !e.RetryAfter.Equal(f.RateLimitReset) {
		t.Errorf("retry after %v, want %v", e.RetryAfter, f.RateLimitReset)
	}
	_, err = c.Followers(context.Background(), a)
	kind(t, err, network.ErrRateLimited)
	f.SetReadRateLimit(-1)

	f.FailReads(nettest.BlueskyFailure{Status: 502, Error: "UpstreamFailure", Message: "Upstream Failure"})
	_, err = c.PostMetrics(context.Background(), a, qs)
	kind(t, err, network.ErrTemporary)

	// An expired access JWT is refreshed on the way.
	f.ExpireAccess()
	if _, err := c.PostMetrics(context.Background(), a, qs); err != nil {
		t.Fatalf("after expiry: %v", err)
	}

	f.RevokeAll()
	bad := *a
	bad.Credentials = network.Credentials{AppPassword: "wrong-pass-word-xxxx"}
	_, err = c.PostMetrics(context.Background(), &bad, qs)
	kind(t, err, network.ErrAuth)
	_, err = c.Followers(context.Background(), &bad)
	kind(t, err, network.ErrAuth)
}

func TestFollowers(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.SetFollowers(4321)
	n, err := c.Followers(context.Background(), a)
	if err != nil || n != 4321 {
		t.Fatalf("followers %d, %v", n, err)
	}
}
