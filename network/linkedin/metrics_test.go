package linkedin_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/linkedin"
	"github.com/soroe/soroe/network/nettest"
)

var _ network.MetricsReader = (*linkedin.Client)(nil)

func created(t *testing.T, c *linkedin.Client, a *network.Account, text string) string {
	t.Helper()
	pub, err := c.Publish(context.Background(), a, network.Post{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return pub.RemoteID
}

func byID(t *testing.T, got []network.PostMetrics, id string) network.PostMetrics {
	t.Helper()
	for _, pm := range got {
		if pm.RemoteID == id {
			return pm
		}
	}
	t.Fatalf("%s not in %+v", id, got)
	return network.PostMetrics{}
}

func TestOrganizationMetrics(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	if c.MetricsBatch() != linkedin.MaxStatisticsBatch {
		t.Fatal(c.MetricsBatch())
	}
	one, two, gone := created(t, c, a, "一つ目"), created(t, c, a, "二つ目"), created(t, c, a, "消す投稿")
	f.SetStats(one, nettest.LinkedInStats{Impressions: 1000, UniqueImpressions: 700, Clicks: 30, Likes: 12, Comments: 3, Shares: 5})
	f.DeletePost(gone)
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{
		{RemoteID: one, PublishedAt: now.Add(-time.Hour)}, {RemoteID: two, PublishedAt: now.Add(-time.Hour)},
		{RemoteID: gone, PublishedAt: now.Add(-time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || f.MetricsCalls("share_statistics") != 1 {
		t.Fatalf("answer %+v, calls %d", got, f.MetricsCalls("share_statistics"))
	}
	pm := byID(t, got, one)
	for m, v := range map[soroe.PostMetric]int64{soroe.PostImpressions: 1000, soroe.PostReach: 700, soroe.PostLinkClicks: 30,
		soroe.PostLikes: 12, soroe.PostReplies: 3, soroe.PostReposts: 5} {
		nettest.WantCount(t, pm, m, v)
	}
	// LinkedIn's engagement is a rate (0.05 here): engagements is the
	// count of the parts, 30+12+3+5, never the rate.
	nettest.WantCount(t, pm, soroe.PostEngagements, 50)
	nettest.WantUnavailable(t, pm, soroe.PostSaves, soroe.UnavailableNotGiven)
	nettest.WantCount(t, byID(t, got, two), soroe.PostImpressions, 0) // LinkedIn's own zeros
	if g := byID(t, got, gone); !g.Missing || len(g.Readings) != 0 {
		t.Fatalf("deleted %+v", g)
	}

	// Older than the 12-month window: nothing given, not Missing.
	got, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: gone, PublishedAt: now.AddDate(-2, 0, 0)}})
	if err != nil || got[0].Missing {
		t.Fatalf("%+v %v", got, err)
	}
	nettest.WantUnavailable(t, got[0], soroe.PostImpressions, soroe.UnavailableNotGiven)

	f.SetFollowers(5120)
	n, err := c.Followers(context.Background(), a)
	if err != nil || n != 5120 {
		t.Fatalf("followers %d %v", n, err)
	}

	var many []network.MetricsQuery
	for range linkedin.MaxStatisticsBatch + 1 {
		many = append(many, network.MetricsQuery{RemoteID: one})
	}
	_, err = c.PostMetrics(context.Background(), a, many)
	kind(t, err, network.ErrRejected)
}

func TestMemberMetrics(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.Author = "urn:li:person:8675309"
	a.Credentials.Session = `{"author":"urn:li:person:8675309"}`
	id := created(t, c, a, "個人の投稿")
	f.SetStats(id, nettest.LinkedInStats{Impressions: 400, UniqueImpressions: 300, Likes: 9, Comments: 2, Shares: 1, Saves: 4, Sends: 2})
	got, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id, PublishedAt: now}})
	if err != nil || len(got) != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	pm := got[0]
	nettest.WantCount(t, pm, soroe.PostImpressions, 400)
	nettest.WantCount(t, pm, soroe.PostReach, 300)
	nettest.WantCount(t, pm, soroe.PostLikes, 9)
	// The default LinkedIn-Version predates POST_SAVE / POST_SEND: refused.
	nettest.WantUnavailable(t, pm, soroe.PostSaves, soroe.UnavailableRefused)
	nettest.WantUnavailable(t, pm, soroe.PostShares, soroe.UnavailableRefused)
	nettest.WantCount(t, pm, soroe.PostEngagements, 12)
	if n := f.MetricsCalls("member_analytics"); n != 7 {
		t.Fatalf("member calls %d", n)
	}

	c2 := linkedin.New(linkedin.Options{BaseURL: f.URL, Version: "202606", HTTPClient: &http.Client{Timeout: 5 * time.Second}, Clock: func() time.Time { return now }})
	got, err = c2.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id, PublishedAt: now}})
	if err != nil {
		t.Fatal(err)
	}
	nettest.WantCount(t, got[0], soroe.PostSaves, 4)
	nettest.WantCount(t, got[0], soroe.PostShares, 2)
	nettest.WantCount(t, got[0], soroe.PostEngagements, 18)

	f.DeletePost(id)
	got, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id}})
	if err != nil || !got[0].Missing {
		t.Fatalf("%+v %v", got, err)
	}
	_, err = c.Followers(context.Background(), a)
	kind(t, err, network.ErrRejected)
}

func TestMetricsErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	id := created(t, c, a, "投稿")
	q := []network.MetricsQuery{{RemoteID: id, PublishedAt: now}}

	f.RefuseStatistics(true)
	got, err := c.PostMetrics(context.Background(), a, q)
	if err != nil {
		t.Fatal(err)
	}
	nettest.WantUnavailable(t, got[0], soroe.PostImpressions, soroe.UnavailableRefused)
	nettest.WantUnavailable(t, got[0], soroe.PostEngagements, soroe.UnavailableRefused)
	f.RefuseStatistics(false)

	f.SetReadLimit(0)
	_, err = c.PostMetrics(context.Background(), a, q)
	if e := kind(t, err, network.ErrRateLimited); !e.RetryAfter.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("retry after %v", e.RetryAfter)
	}
	f.SetReadLimit(-1)

	f.FailMetrics(nettest.LinkedInFailure{Status: 503, Message: "Service unavailable"})
	_, err = c.PostMetrics(context.Background(), a, q)
	kind(t, err, network.ErrTemporary)

	a.Credentials.AccessToken = "revoked"
	_, err = c.PostMetrics(context.Background(), a, q)
	kind(t, err, network.ErrAuth)
	_, err = c.Followers(context.Background(), a)
	kind(t, err, network.ErrAuth)
}
