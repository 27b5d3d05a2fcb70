package instagram_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/instagram"
	"github.com/soroe/soroe/network/nettest"
)

var _ network.MetricsReader = (*instagram.Client)(nil)

func publish(t *testing.T, f *nettest.Instagram, c *instagram.Client, a *network.Account, p network.Post) string {
	t.Helper()
	pub, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	return pub.RemoteID
}

func read(t *testing.T, c *instagram.Client, a *network.Account, id string) network.PostMetrics {
	t.Helper()
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id, PublishedAt: now}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].RemoteID != id {
		t.Fatalf("answer %+v", got)
	}
	return got[0]
}

func TestPostMetrics(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	if c.MetricsBatch() != 1 {
		t.Fatalf("batch %d", c.MetricsBatch())
	}
	id := publish(t, f, c, a, post(caption))
	f.SetInsights(id, map[string]any{"views": 1200, "reach": 800, "likes": 51, "comments": 4, "shares": 3, "saved": 9,
		"total_interactions": 67, "follows": 2, "profile_visits": 11})
	pm := read(t, c, a, id)
	for m, v := range map[soroe.PostMetric]int64{soroe.PostViews: 1200, soroe.PostReach: 800, soroe.PostLikes: 51,
		soroe.PostReplies: 4, soroe.PostShares: 3, soroe.PostSaves: 9, soroe.PostFollows: 2, soroe.PostProfileClicks: 11,
		soroe.PostEngagements: 67} {
		nettest.WantCount(t, pm, m, v)
	}
	// Impressions are gone since 2025 and never filled from views.
	nettest.WantUnavailable(t, pm, soroe.PostImpressions, soroe.UnavailableRefused)
	if f.Count("media") != 1 || f.Count("insights") != 1 {
		t.Fatalf("calls media %d insights %d", f.Count("media"), f.Count("insights"))
	}

	// Metrics Instagram has no data for are not given, not 0;
	// engagements is then the sum of the parts read.
	id2 := publish(t, f, c, a, post("二つ目"))
	f.SetInsights(id2, map[string]any{"likes": 5, "comments": 1, "saved": 2})
	pm = read(t, c, a, id2)
	nettest.WantUnavailable(t, pm, soroe.PostViews, soroe.UnavailableNotGiven)
	nettest.WantUnavailable(t, pm, soroe.PostReach, soroe.UnavailableNotGiven)
	nettest.WantCount(t, pm, soroe.PostEngagements, 8)

	f.SetFollowers(4321)
	n, err := c.Followers(context.Background(), a)
	if err != nil || n != 4321 {
		t.Fatalf("followers %d, %v", n, err)
	}
}

func TestReelsAndRefusedInsights(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.VideoPolls = 1
	id := publish(t, f, c, a, network.Post{Text: "reel", Media: []network.Media{{ContentType: "video/mp4", Size: 1000, URL: "https://cdn.example.com/v.mp4"}}})
	f.SetInsights(id, map[string]any{"views": 90, "reach": 70, "likes": 7, "comments": 1, "shares": 0, "saved": 1, "total_interactions": 9})
	pm := read(t, c, a, id)
	nettest.WantCount(t, pm, soroe.PostViews, 90)
	nettest.WantCount(t, pm, soroe.PostShares, 0) // Instagram's own 0 is kept
	nettest.WantUnavailable(t, pm, soroe.PostFollows, soroe.UnavailableNotGiven)
	nettest.WantUnavailable(t, pm, soroe.PostProfileClicks, soroe.UnavailableNotGiven)

	// Without the insights permission the insights are refused, the
	// media's own counts still read, and engagements is their sum.
	f.RefuseInsights(&nettest.MetaFailure{Status: 403, Code: 10, Message: "(#10) Application does not have permission for this action"})
	pm = read(t, c, a, id)
	nettest.WantUnavailable(t, pm, soroe.PostViews, soroe.UnavailableRefused)
	nettest.WantUnavailable(t, pm, soroe.PostReach, soroe.UnavailableRefused)
	nettest.WantCount(t, pm, soroe.PostLikes, 7)
	nettest.WantCount(t, pm, soroe.PostReplies, 1)
	nettest.WantCount(t, pm, soroe.PostEngagements, 8)
}

func TestMissingRateLimitAuth(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	id := publish(t, f, c, a, post(caption))
	f.DeleteMedia(id)
	pm := read(t, c, a, id)
	if !pm.Missing || len(pm.Readings) != 0 {
		t.Fatalf("deleted media %+v", pm)
	}
	pm = read(t, c, a, "17800000000000001") // never existed
	if !pm.Missing {
		t.Fatalf("unknown media %+v", pm)
	}

	f.SetReadBudget(0, 17)
	_, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id}})
	if e := kind(t, err, network.ErrRateLimited); !e.RetryAfter.Equal(now.Add(17 * time.Minute)) {
		t.Fatalf("retry after %v", e.RetryAfter)
	}
	_, err = c.Followers(context.Background(), a)
	kind(t, err, network.ErrRateLimited)
	f.SetReadBudget(-1, 0)

	live := publish(t, f, c, a, post("まだある"))
	f.FailNext("insights", nettest.MetaFailure{Status: 500, Code: 1, Message: "An unknown error occurred"})
	_, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: live}})
	kind(t, err, network.ErrTemporary)
	if _, ok := err.(*network.Error); !ok {
		t.Fatalf("%T, want *network.Error", err)
	}

	a.Credentials.AccessToken = "revoked"
	_, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: live}})
	kind(t, err, network.ErrAuth)
	_, err = c.Followers(context.Background(), a)
	kind(t, err, network.ErrAuth)
}

func TestDeprecatedMetricRefused(t *testing.T) {
	// A metric Instagram stops taking fails the whole insights call
	// (code 100); the adapter asks metric by metric and refuses only it.
	f, c, a := setup(t, 5*time.Second)
	id := publish(t, f, c, a, post(caption))
	f.SetInsights(id, map[string]any{"views": 10, "reach": 9, "likes": 1, "saved": 1, "shares": 1, "total_interactions": 3, "follows": 0, "profile_visits": 1})
	f.DeprecateMetric("reach", "(#100) The reach metric is no longer supported.")
	pm := read(t, c, a, id)
	nettest.WantUnavailable(t, pm, soroe.PostReach, soroe.UnavailableRefused)
	nettest.WantCount(t, pm, soroe.PostViews, 10)
	nettest.WantCount(t, pm, soroe.PostEngagements, 3)
	if n := f.Count("insights"); n != 1+7 {
		t.Fatalf("insights calls %d, want the list then each of 7 alone", n)
	}
}
