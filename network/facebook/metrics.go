package facebook

import (
	"context"
	"net/url"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook/graphapi"
)

var _ network.MetricsReader = (*Client)(nil)

// postInsights are the Page post insights asked (analytics.md §1.3):
// post_media_view replaced post_impressions on 2025-11-15;
// post_total_media_view_unique (reach) may be removed (announced for
// 2026-06-15) and is then refused, never 0.
var postInsights = []string{"post_media_view", "post_total_media_view_unique", "post_clicks"}

// MetricsBatch is 1: the insights edge reads one post per call.
func (c *Client) MetricsBatch() int { return 1 }

// PostMetrics reads each Page post with GET /{post-id}?fields=shares,
// comments.summary(true).limit(0),reactions.summary(true).limit(0) (a
// deleted post, code 100 subcode 33, is Missing) and
// GET /{post-id}/insights?metric=post_media_view,
// post_total_media_view_unique,post_clicks with the Page token (the
// ANALYZE task; Pages under 100 likes get no insights: not given). A
// metric the API refuses — deprecated or no permission — is refused, the
// post's own counts still read. A video post (its RemoteID is the video
// ID, without "_") has comments and reactions only.
//
// Readings (docs/metrics.md): impressions refused (deprecated
// 2025-11-15); views (post_media_view); reach
// (post_total_media_view_unique); likes (reactions total, every type);
// replies (comments total); reposts (shares.count, which the Graph API
// leaves out when there are none: 0); link_clicks (post_clicks — every
// click on the post, not only on its link); engagements, of which
// Facebook gives no per-post figure, the sum of the parts read.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	tok := a.Credentials.AccessToken
	if tok == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Page access token"}
	}
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pm, err := c.post(ctx, tok, p.RemoteID)
		if err != nil {
			return nil, graphapi.Plain(err)
		}
		out = append(out, pm)
	}
	return out, nil
}

type summary struct {
	Summary *struct {
		Total *int64 `json:"total_count"`
	} `json:"summary"`
}

func (s *summary) reading(m soroe.PostMetric) soroe.Reading {
	if s == nil || s.Summary == nil || s.Summary.Total == nil {
		return network.NotAvailable(m, soroe.UnavailableNotGiven)
	}
	return network.Count(m, *s.Summary.Total)
}

func (c *Client) post(ctx context.Context, tok, id string) (network.PostMetrics, error) {
	pm := network.PostMetrics{RemoteID: id}
	obj := c.base + "/" + url.PathEscape(id)
	video := !strings.Contains(id, "_")
	fields := "shares,comments.summary(true).limit(0),reactions.summary(true).limit(0)"
	if video {
		fields = "comments.summary(true).limit(0),reactions.summary(true).limit(0)"
	}
	var p struct {
		Shares *struct {
			Count int64 `json:"count"`
		} `json:"shares"`
		Comments  *summary `json:"comments"`
		Reactions *summary `json:"reactions"`
	}
	if err := c.g.Read(ctx, obj, tok, url.Values{"fields": {fields}}, &p); err != nil {
		if graphapi.Gone(err) {
			pm.Missing = true
			return pm, nil
		}
		return pm, err
	}
	reposts := network.NotAvailable(soroe.PostReposts, soroe.UnavailableNotGiven)
	if !video {
		var n int64
		if p.Shares != nil {
			n = p.Shares.Count
		}
		reposts = network.Count(soroe.PostReposts, n)
	}
	insight := func(m soroe.PostMetric, name string) soroe.Reading {
		return network.NotAvailable(m, soroe.UnavailableNotGiven)
	}
	if !video {
		values, refused, err := c.g.Insights(ctx, obj, "insights", tok, postInsights, nil)
		if err != nil {
			if graphapi.Gone(err) {
				pm.Missing = true
				return pm, nil
			}
			return pm, err
		}
		insight = func(m soroe.PostMetric, name string) soroe.Reading {
			return graphapi.Reading(m, name, values, refused)
		}
	}
	pm.Readings = []soroe.Reading{
		network.NotAvailable(soroe.PostImpressions, soroe.UnavailableRefused),
		insight(soroe.PostViews, "post_media_view"),
		insight(soroe.PostReach, "post_total_media_view_unique"),
		p.Reactions.reading(soroe.PostLikes),
		p.Comments.reading(soroe.PostReplies),
		reposts,
		insight(soroe.PostLinkClicks, "post_clicks"),
	}
	pm.Readings = append(pm.Readings, network.EngagementSum(pm.Readings))
	return pm, nil
}

// Followers reads GET /{page}?fields=followers_count,fan_count: the
// Page's followers, or its likes (fan_count) when followers_count is not
// in the answer.
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	tok := a.Credentials.AccessToken
	if tok == "" {
		return 0, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Page access token"}
	}
	var pg struct {
		Followers *int64 `json:"followers_count"`
		Fans      *int64 `json:"fan_count"`
	}
	if err := c.g.Get(ctx, c.base+"/"+url.PathEscape(pageID(a)), tok, url.Values{"fields": {"followers_count,fan_count"}}, &pg); err != nil {
		return 0, err
	}
	switch {
	case pg.Followers != nil:
		return *pg.Followers, nil
	case pg.Fans != nil:
		return *pg.Fans, nil
	}
	return 0, &network.Error{Kind: network.ErrTemporary, Reason: "the answer has neither followers_count nor fan_count"}
}
