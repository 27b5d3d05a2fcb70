package threads

import (
	"context"
	"net/url"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook/graphapi"
)

var _ network.MetricsReader = (*Client)(nil)

// mediaInsights are the Threads media insights metrics
// (analytics.md §1.4; shares is "in development").
var mediaInsights = []string{"views", "likes", "replies", "reposts", "quotes", "shares"}

// MetricsBatch is 1: GET /{media-id}/insights reads one post per call.
func (c *Client) MetricsBatch() int { return 1 }

// PostMetrics reads GET /{media-id}/insights?metric=views,likes,replies,
// reposts,quotes,shares for each post (threads_manage_insights). A
// deleted post (code 100, subcode 33) is Missing; a metric the API
// refuses (no permission, a metric it does not take — asked then one by
// one) is refused, one it has no data for not given.
//
// Readings (docs/metrics.md): views, likes, replies, reposts, quotes,
// shares by the same names; link_clicks not given (Threads counts clicks
// per URL for the whole user only); engagements, of which Threads has no
// figure of its own, the sum of the parts read.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	tok := a.Credentials.AccessToken
	if tok == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Threads access token"}
	}
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pm := network.PostMetrics{RemoteID: p.RemoteID}
		values, refused, err := c.g.Insights(ctx, c.base+"/"+url.PathEscape(p.RemoteID), "insights", tok, mediaInsights, nil)
		switch {
		case graphapi.Gone(err):
			pm.Missing = true
		case err != nil:
			return nil, graphapi.Plain(err)
		default:
			for _, m := range []struct {
				metric soroe.PostMetric
				name   string
			}{{soroe.PostViews, "views"}, {soroe.PostLikes, "likes"}, {soroe.PostReplies, "replies"},
				{soroe.PostReposts, "reposts"}, {soroe.PostQuotes, "quotes"}, {soroe.PostShares, "shares"}} {
				pm.Readings = append(pm.Readings, graphapi.Reading(m.metric, m.name, values, refused))
			}
			pm.Readings = append(pm.Readings, network.NotAvailable(soroe.PostLinkClicks, soroe.UnavailableNotGiven))
			pm.Readings = append(pm.Readings, network.EngagementSum(pm.Readings))
		}
		out = append(out, pm)
	}
	return out, nil
}

// Followers reads GET /me/threads_insights?metric=followers_count, the
// current total (it ignores since/until).
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	tok := a.Credentials.AccessToken
	if tok == "" {
		return 0, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Threads access token"}
	}
	values, refused, err := c.g.Insights(ctx, c.base+"/me", "threads_insights", tok, []string{"followers_count"}, nil)
	if err != nil {
		return 0, graphapi.Plain(err)
	}
	if len(refused) > 0 {
		return 0, &network.Error{Kind: network.ErrAuth, Reason: "Threads refused the followers_count insight; reconnect with threads_manage_insights"}
	}
	n, ok := graphapi.Int(values["followers_count"])
	if !ok {
		return 0, &network.Error{Kind: network.ErrTemporary, Reason: "the answer has no followers_count"}
	}
	return n, nil
}
