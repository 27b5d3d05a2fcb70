package line

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

var _ network.MetricsReader = (*Client)(nil)

// jst is UTC+9, the zone of the insight API's dates.
var jst = time.FixedZone("JST", 9*60*60)

// followerDays is how many days back Followers looks for a day whose
// statistics are ready: LINE computes a day's friends "usually in about
// one day", so today is never ready and yesterday may not be yet.
const followerDays = 4

// MetricsBatch is 1: GET /v2/bot/insight/message/event takes one request
// ID.
func (c *Client) MetricsBatch() int { return 1 }

type eventAnswer struct {
	Overview struct {
		RequestID        string `json:"requestId"`
		Delivered        *int64 `json:"delivered"`
		UniqueImpression *int64 `json:"uniqueImpression"`
		UniqueClick      *int64 `json:"uniqueClick"`
	} `json:"overview"`
	Messages []struct {
		Seq        int    `json:"seq"`
		Impression *int64 `json:"impression"`
	} `json:"messages"`
	Clicks []struct {
		URL   string `json:"url"`
		Click *int64 `json:"click"`
	} `json:"clicks"`
}

// private is a LINE value: null means under 20, withheld (privacy), never
// 0.
func private(m soroe.PostMetric, v *int64) soroe.Reading {
	if v == nil {
		return network.NotAvailable(m, soroe.UnavailablePrivacy)
	}
	return network.Count(m, *v)
}

// PostMetrics reads GET /v2/bot/insight/message/event?requestId= for each
// broadcast (RemoteID is its request ID). LINE answers every value under
// 20 as null: such a reading is not available (privacy), never 0. An
// unknown request ID (404) is Missing [M: the answer for one is not
// documented].
//
// Readings (docs/metrics.md): impressions (the first message's
// messages[].impression: a broadcast's text and images are separate
// messages, each counted), reach (overview.uniqueImpression), link_clicks
// (the sum of clicks[].click over the URLs; privacy when one of them is
// null; overview.uniqueClick when no URL is listed), engagements the sum
// of the parts (link clicks; privacy when they are). LINE has no likes,
// replies or reposts of a broadcast.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	if a == nil || a.Credentials.AccessToken == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "no channel access token"}
	}
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pm := network.PostMetrics{RemoteID: p.RemoteID}
		var ev eventAnswer
		status, err := c.insight(ctx, a, "/v2/bot/insight/message/event?requestId="+url.QueryEscape(p.RemoteID), &ev)
		switch {
		case status == http.StatusNotFound:
			pm.Missing = true
			out = append(out, pm)
			continue
		case err != nil:
			return nil, err
		}
		impressions := network.NotAvailable(soroe.PostImpressions, soroe.UnavailableNotGiven)
		if len(ev.Messages) > 0 {
			first := ev.Messages[0]
			for _, m := range ev.Messages {
				if m.Seq == 1 {
					first = m
				}
			}
			impressions = private(soroe.PostImpressions, first.Impression)
		}
		clicks := private(soroe.PostLinkClicks, ev.Overview.UniqueClick)
		if len(ev.Clicks) > 0 {
			var sum int64
			for _, cl := range ev.Clicks {
				if cl.Click == nil {
					sum = -1
					break
				}
				sum += *cl.Click
			}
			clicks = private(soroe.PostLinkClicks, nil)
			if sum >= 0 {
				clicks = network.Count(soroe.PostLinkClicks, sum)
			}
		}
		pm.Readings = []soroe.Reading{impressions, private(soroe.PostReach, ev.Overview.UniqueImpression), clicks}
		eng := network.EngagementSum(pm.Readings)
		if eng.Value == nil && clicks.Unavailable == soroe.UnavailablePrivacy {
			eng = network.NotAvailable(soroe.PostEngagements, soroe.UnavailablePrivacy)
		}
		pm.Readings = append(pm.Readings, eng)
		out = append(out, pm)
	}
	return out, nil
}

// Followers reads GET /v2/bot/insight/followers?date=yyyyMMdd (UTC+9)
// from yesterday back, at most followerDays days, and returns the first
// ready day's friends who have not blocked the account (followers minus
// blocks: LINE's followers never decrease). No ready day is
// ErrTemporary; out_of_service ErrRejected.
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	if a == nil || a.Credentials.AccessToken == "" {
		return 0, &network.Error{Kind: network.ErrAuth, Reason: "no channel access token"}
	}
	day := c.now().In(jst)
	for i := 1; i <= followerDays; i++ {
		date := day.AddDate(0, 0, -i).Format("20060102")
		var ans struct {
			Status    string `json:"status"`
			Followers *int64 `json:"followers"`
			Blocks    *int64 `json:"blocks"`
		}
		if _, err := c.insight(ctx, a, "/v2/bot/insight/followers?date="+date, &ans); err != nil {
			return 0, err
		}
		switch ans.Status {
		case "ready":
			if ans.Followers == nil {
				return 0, &network.Error{Kind: network.ErrTemporary, Reason: "friend statistics of " + date + " without followers"}
			}
			n := *ans.Followers
			if ans.Blocks != nil {
				n -= *ans.Blocks
			}
			return max(n, 0), nil
		case "out_of_service":
			return 0, &network.Error{Kind: network.ErrRejected, Reason: "LINE has no friend statistics for " + date}
		}
	}
	return 0, &network.Error{Kind: network.ErrTemporary, Reason: "LINE's friend statistics are not ready yet"}
}

// insight GETs path and decodes a 200 into out; errors are classify's
// with the status.
func (c *Client) insight(ctx context.Context, a *network.Account, path string, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, &network.Error{Kind: network.ErrRejected, Reason: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	resp, _, err := network.Send(c.http, req)
	if err != nil {
		return 0, network.TransportError(err, false)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return resp.StatusCode, &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, c.classify(resp.StatusCode, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return resp.StatusCode, &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: "unreadable answer: " + err.Error()}
	}
	return resp.StatusCode, nil
}
