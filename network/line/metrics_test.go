package line_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/line"
	"github.com/soroe/soroe/network/nettest"
)

var _ network.MetricsReader = (*line.Client)(nil)

// 2026-11-23 00:30 UTC is 09:30 on the 23rd in Japan.
var now = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

func clocked(t *testing.T) (*nettest.LINEFake, *line.Client, *network.Account) {
	f, _, a := setup(t)
	c := line.New(line.Options{BaseURL: f.URL, HTTPClient: f.Client(), Now: func() time.Time { return now }})
	return f, c, a
}

func broadcast(t *testing.T, c *line.Client, a *network.Account, key string) string {
	t.Helper()
	pub, err := c.Publish(context.Background(), a, network.Post{Text: "今週のお知らせ https://example.com/s/1", IdempotencyKey: key})
	if err != nil {
		t.Fatal(err)
	}
	return pub.RemoteID
}

func insight(t *testing.T, c *line.Client, a *network.Account, id string) network.PostMetrics {
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
	f, c, a := clocked(t)
	if c.MetricsBatch() != 1 {
		t.Fatal(c.MetricsBatch())
	}
	id := broadcast(t, c, a, "p1")
	f.SetInsight(id, nettest.LINEInsight{Delivered: 5000, UniqueImpression: 2100, UniqueClick: 140,
		Impressions: []int64{2600, 1900}, Clicks: []nettest.LINEClick{{Seq: 1, URL: "https://example.com/s/1", Click: 180, UniqueClick: 140}}})
	pm := insight(t, c, a, id)
	nettest.WantCount(t, pm, soroe.PostImpressions, 2600)
	nettest.WantCount(t, pm, soroe.PostReach, 2100)
	nettest.WantCount(t, pm, soroe.PostLinkClicks, 180)
	nettest.WantCount(t, pm, soroe.PostEngagements, 180)
	if f.InsightCount("message/event") != 1 {
		t.Fatal(f.InsightCount("message/event"))
	}
}

func TestUnder20IsPrivacy(t *testing.T) {
	// LINE answers every value under 20 as null: not available
	// (privacy), never 0.
	f, c, a := clocked(t)
	id := broadcast(t, c, a, "p2")
	f.SetInsight(id, nettest.LINEInsight{Delivered: 300, UniqueImpression: 120, UniqueClick: 7,
		Impressions: []int64{150}, Clicks: []nettest.LINEClick{{Seq: 1, URL: "https://example.com/s/1", Click: 9, UniqueClick: 7}}})
	pm := insight(t, c, a, id)
	nettest.WantCount(t, pm, soroe.PostReach, 120)
	nettest.WantUnavailable(t, pm, soroe.PostLinkClicks, soroe.UnavailablePrivacy)
	nettest.WantUnavailable(t, pm, soroe.PostEngagements, soroe.UnavailablePrivacy)

	small := broadcast(t, c, a, "p3")
	f.SetInsight(small, nettest.LINEInsight{Delivered: 30, UniqueImpression: 12, Impressions: []int64{15}})
	pm = insight(t, c, a, small)
	nettest.WantUnavailable(t, pm, soroe.PostImpressions, soroe.UnavailablePrivacy)
	nettest.WantUnavailable(t, pm, soroe.PostReach, soroe.UnavailablePrivacy)
	nettest.WantUnavailable(t, pm, soroe.PostLinkClicks, soroe.UnavailablePrivacy)
}

func TestMetricsErrors(t *testing.T) {
	f, c, a := clocked(t)
	if pm := insight(t, c, a, "00000000-0000-4000-8000-000000000000"); !pm.Missing || len(pm.Readings) != 0 {
		t.Fatalf("unknown request %+v", pm)
	}
	id := broadcast(t, c, a, "p4")
	f.Set(func(f *nettest.LINEFake) { f.InsightLimit = 2 })
	insight(t, c, a, id)
	_, err := c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id}})
	if e := netErr(t, err, network.ErrRateLimited); !e.RetryAfter.Equal(now.Add(line.DefaultRateLimitWait)) {
		t.Fatalf("retry after %v", e.RetryAfter)
	}
	f.Set(func(f *nettest.LINEFake) {
		f.InsightLimit = 0
		f.InsightFail = []nettest.LINEFailure{{Status: 500, Body: `{"message":"Internal error"}`}}
	})
	_, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id}})
	netErr(t, err, network.ErrTemporary)

	a.Credentials.AccessToken = "wrong"
	_, err = c.PostMetrics(context.Background(), a, []network.MetricsQuery{{RemoteID: id}})
	netErr(t, err, network.ErrAuth)
	_, err = c.Followers(context.Background(), a)
	netErr(t, err, network.ErrAuth)
}

func TestFollowersLatestReadyDay(t *testing.T) {
	f, c, a := clocked(t)
	// Yesterday in Japan (the 22nd) is not computed yet; the 21st is.
	f.SetFollowerStats("20261121", nettest.LINEFollowers{Status: "ready", Followers: 7620, TargetedReaches: 5848, Blocks: 237})
	n, err := c.Followers(context.Background(), a)
	if err != nil || n != 7620-237 {
		t.Fatalf("followers %d %v", n, err)
	}
	if f.InsightCount("followers") != 2 {
		t.Fatalf("days asked %d", f.InsightCount("followers"))
	}

	f2, c2, a2 := clocked(t)
	_, err = c2.Followers(context.Background(), a2)
	netErr(t, err, network.ErrTemporary)
	f2.SetFollowerStats("20261122", nettest.LINEFollowers{Status: "out_of_service"})
	_, err = c2.Followers(context.Background(), a2)
	netErr(t, err, network.ErrRejected)
}
