package facebook_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook"
	"github.com/soroe/soroe/network/nettest"
)

var _ network.MetricsReader = (*facebook.Client)(nil)

func published(t *testing.T, c *facebook.Client, a *network.Account, p network.Post) string {
	t.Helper()
	pub, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	return pub.RemoteID
}

func metrics(t *testing.T, c *facebook.Client, a *network.Account, id string) network.PostMetrics {
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
		t.Fatal(c.MetricsBatch())
	}
	id := published(t, c, a, network.Post{Text: jaText})
	f.SetInsights(id, map[string]any{"reactions": 40, "comments": 6, "shares": 2,
		"post_media_view": 3000, "post_total_media_view_unique": 2100, "post_clicks": 75})
	pm := metrics(t, c, a, id)
	for m, v := range map[soroe.PostMetric]int64{soroe.PostViews: 3000, soroe.PostReach: 2100, soroe.PostLikes: 40,
		soroe.PostReplies: 6, soroe.PostReposts: 2, soroe.PostLinkClicks: 75, soroe.PostEngagements: 123} {
		nettest.WantCount(t, pm, m, v)
	}
	// post_impressions is deprecated: refused, never filled from views.
	nettest.WantUnavailable(t, pm, soroe.PostImpressions, soroe.UnavailableRefused)
	if f.MetricsCalls("post") != 1 || f.MetricsCalls("insights") != 1 {
		t.Fatalf("calls post %d insights %d", f.MetricsCalls("post"), f.MetricsCalls("insights"))
	}

	// No shares: the Graph API leaves the field out, which is 0; a Page
	// without insights data (under 100 likes) gives none: not given.
	id2 := published(t, c, a, network.Post{Text: "二つ目"})
	f.SetInsights(id2, map[string]any{"reactions": 3})
	pm = metrics(t, c, a, id2)
	nettest.WantCount(t, pm, soroe.PostReposts, 0)
	nettest.WantUnavailable(t, pm, soroe.PostViews, soroe.UnavailableNotGiven)
	nettest.WantUnavailable(t, pm, soroe.PostLinkClicks, soroe.UnavailableNotGiven)
	nettest.WantCount(t, pm, soroe.PostEngagements, 3)

	f.SetFollowers(950, 900)
	n, err := c.Followers(context.Background(), a)
	if err != nil || n != 950 {
		t.Fatalf("followers %d, %v", n, err)
	}
}

func TestReachRemoved(t *testing.T) {
	// After the announced removal, asking post_total_media_view_unique
	// fails the whole insights call: reach is refused, the rest read.
	f, c, a := setup(t, 5*time.Second)
	id := published(t, c, a, network.Post{Text: jaText})
	f.SetInsights(id, map[string]any{"reactions": 1, "post_media_view": 10, "post_total_media_view_unique": 8, "post_clicks": 2})
	f.DeprecateMetric("post_total_media_view_unique", "(#100) The value must be a valid insights metric")
	pm := metrics(t, c, a, id)
	nettest.WantUnavailable(t, pm, soroe.PostReach, soroe.UnavailableRefused)
	nettest.WantCount(t, pm, soroe.PostViews, 10)
	nettest.WantCount(t, pm, soroe.PostLinkClicks, 2)

	// Without the ANALYZE task the insights are refused; reactions and
	// comments still read.
	f.RefuseInsights(&nettest.MetaFailure{Status: 403, Code: 10, Message: "(#10) The user must be an admin, editor, or moderator of the page"})
	pm = metrics(t, c, a, id)
	nettest.WantUnavailable(t, pm, soroe.PostViews, soroe.UnavailableRefused)
	nettest.WantCount(t, pm, soroe.PostLikes, 1)
	nettest.WantCount(t, pm, soroe.PostEngagements, 1)
}

func TestVideoMetrics(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	id := published(t, c, a, network.Post{Text: "動画", Media: []network.Media{{ContentType: "video/mp4", Size: 100, URL: "https://cdn.example.com/v.mp4"}}})
	f.SetInsights(id, map[string]any{"reactions": 4, "comments": 1})
	pm := metrics(t, c, a, id)
	nettest.WantCount(t, pm, soroe.PostLikes, 4)
	nettest.WantUnavailable(t, pm, soroe.PostReposts, soroe.UnavailableNotGiven)
	nettest.WantUnavailable(t, pm, soroe.PostViews, soroe.UnavailableNotGiven)
	if f.MetricsCalls("insights") != 0 {
		t.Fatal("insights asked for a video")
	}
}

func TestMetricsErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	id := published(t, c, a, network.Post{Text: jaText})
	f.DeletePost(id)
	if pm := metrics(t, c, a, id); !pm.Missing || len(pm.Readings) != 0 {
		t.Fatalf("deleted %+v", pm)
	}
	live := published(t, c, a, network.Post{Text: "残る投稿"})

	f.FailMetrics(nettest.MetaFailure{Code: 32, Message: "(#32) Page request limit reached",
		Header: map[string]string{"X-Page-Usage": `{"call_count":100,"estimated_time_to_regain_access":25}`}})
	_, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: live}})
	if e := kind(t, err, network.ErrRateLimited); !e.RetryAfter.Equal(now.Add(25 * time.Minute)) {
		t.Fatalf("retry after %v", e.RetryAfter)
	}
	f.SetReadBudget(1, 5) // the post read passes, the insights read is throttled
	_, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: live}})
	kind(t, err, network.ErrRateLimited)
	f.SetReadBudget(-1, 0)

	f.FailMetrics(nettest.MetaFailure{Status: 500, Code: 1, Message: "An unknown error occurred"})
	_, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: live}})
	kind(t, err, network.ErrTemporary)

	// A user token reads the post but not its insights (#190).
	a.Credentials.AccessToken = f.UserToken
	_, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: live}})
	kind(t, err, network.ErrAuth)
	a.Credentials.AccessToken = "revoked"
	_, err = c.Followers(context.Background(), a)
	kind(t, err, network.ErrAuth)
}
