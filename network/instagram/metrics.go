package instagram

import (
	"context"
	"net/url"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook/graphapi"
)

var _ network.MetricsReader = (*Client)(nil)

// The media insights asked (analytics.md §1.2): views replaced
// impressions in 2025; follows and profile_visits exist for feed posts
// only, not for reels.
var (
	feedInsights  = []string{"views", "reach", "shares", "saved", "total_interactions", "follows", "profile_visits"}
	reelsInsights = []string{"views", "reach", "shares", "saved", "total_interactions"}
)

// MetricsBatch is 1: the media insights edge reads one media per call and
// no batch call is documented for it.
func (c *Client) MetricsBatch() int { return 1 }

// PostMetrics reads each media with two calls: GET /{media-id}?fields=
// media_product_type,like_count,comments_count (a deleted media, code 100
// subcode 33, is Missing) and GET /{media-id}/insights?metric=… (the
// instagram_manage_insights permission). A metric the insights edge
// refuses — deprecated, not for this media type, no permission — is
// refused; likes and replies still come from the media's own counts.
//
// Readings (docs/metrics.md): views (views), reach (reach), likes
// (like_count), replies (comments_count), shares (shares), saves (saved),
// follows (follows), profile_clicks (profile_visits; feed posts only),
// engagements (total_interactions, Instagram's own; else the sum of the
// parts read), and impressions, refused: Instagram answers an error for
// media created after 2024-07-02 and it is never merged into views.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	tok := a.Credentials.AccessToken
	if tok == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Instagram access token"}
	}
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pm, err := c.media(ctx, tok, p.RemoteID)
		if err != nil {
			return nil, graphapi.Plain(err)
		}
		out = append(out, pm)
	}
	return out, nil
}

func (c *Client) media(ctx context.Context, tok, id string) (network.PostMetrics, error) {
	pm := network.PostMetrics{RemoteID: id}
	obj := c.base + "/" + url.PathEscape(id)
	var m struct {
		ProductType string `json:"media_product_type"`
		Likes       *int64 `json:"like_count"`
		Comments    *int64 `json:"comments_count"`
	}
	if err := c.g.Read(ctx, obj, tok, url.Values{"fields": {"media_product_type,like_count,comments_count"}}, &m); err != nil {
		if graphapi.Gone(err) {
			pm.Missing = true
			return pm, nil
		}
		return pm, err
	}
	asked := feedInsights
	if m.ProductType == "REELS" {
		asked = reelsInsights
	}
	values, refused, err := c.g.Insights(ctx, obj, "insights", tok, asked, nil)
	if err != nil {
		if graphapi.Gone(err) {
			pm.Missing = true
			return pm, nil
		}
		return pm, err
	}
	get := func(metric soroe.PostMetric, name string) soroe.Reading {
		for _, n := range asked {
			if n == name {
				return graphapi.Reading(metric, name, values, refused)
			}
		}
		return network.NotAvailable(metric, soroe.UnavailableNotGiven)
	}
	count := func(metric soroe.PostMetric, v *int64) soroe.Reading {
		if v == nil {
			return network.NotAvailable(metric, soroe.UnavailableNotGiven)
		}
		return network.Count(metric, *v)
	}
	pm.Readings = []soroe.Reading{
		network.NotAvailable(soroe.PostImpressions, soroe.UnavailableRefused),
		get(soroe.PostViews, "views"),
		get(soroe.PostReach, "reach"),
		count(soroe.PostLikes, m.Likes),
		count(soroe.PostReplies, m.Comments),
		get(soroe.PostShares, "shares"),
		get(soroe.PostSaves, "saved"),
		get(soroe.PostFollows, "follows"),
		get(soroe.PostProfileClicks, "profile_visits"),
	}
	eng := get(soroe.PostEngagements, "total_interactions")
	if eng.Value == nil {
		eng = network.EngagementSum(pm.Readings)
	}
	pm.Readings = append(pm.Readings, eng)
	return pm, nil
}

// Followers reads GET /{ig-user-id}?fields=followers_count.
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	tok := a.Credentials.AccessToken
	if tok == "" {
		return 0, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Instagram access token"}
	}
	var u struct {
		Followers *int64 `json:"followers_count"`
	}
	if err := c.g.Get(ctx, c.base+"/"+url.PathEscape(userID(a)), tok, url.Values{"fields": {"followers_count"}}, &u); err != nil {
		return 0, err
	}
	if u.Followers == nil {
		return 0, &network.Error{Kind: network.ErrTemporary, Reason: "the answer has no followers_count"}
	}
	return *u.Followers, nil
}
