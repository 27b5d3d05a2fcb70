package bluesky

import (
	"context"
	"net/http"
	"net/url"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// MaxMetricsBatch is app.bsky.feed.getPosts' limit on uris (the lexicon's
// maxLength).
const MaxMetricsBatch = 25

var _ network.MetricsReader = (*Client)(nil)

// MetricsBatch is the 25 URIs of getPosts.
func (c *Client) MetricsBatch() int { return MaxMetricsBatch }

// postCounts are the counts of an app.bsky.feed.defs#postView; all are
// optional in the lexicon.
type postCounts struct {
	URI       string `json:"uri"`
	Likes     *int64 `json:"likeCount"`
	Reposts   *int64 `json:"repostCount"`
	Replies   *int64 `json:"replyCount"`
	Quotes    *int64 `json:"quoteCount"`
	Bookmarks *int64 `json:"bookmarkCount"`
}

// PostMetrics reads the posts' counts with app.bsky.feed.getPosts (the
// PDS proxies it to the AppView) in the account's session. Bluesky gives
// no impressions or views: they are not given. engagements is the
// documented sum of the counts. A post missing from the answer (deleted,
// or taken down) is Missing.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	if len(posts) > MaxMetricsBatch {
		return nil, &network.Error{Kind: network.ErrRejected, Reason: "more than 25 posts in one metrics call"}
	}
	if len(posts) == 0 {
		return nil, nil
	}
	q := url.Values{}
	for _, p := range posts {
		q.Add("uris", p.RemoteID)
	}
	var out struct {
		Posts []postCounts `json:"posts"`
	}
	res, err := c.authed(ctx, a, false, func(s *Session) (result, error) {
		return c.do(ctx, http.MethodGet, host(a)+"/xrpc/app.bsky.feed.getPosts", s.AccessJwt, q, nil, &out)
	})
	if err != nil {
		return nil, err
	}
	if !res.ok() {
		return nil, c.failure(res, false)
	}
	found := map[string]postCounts{}
	for _, p := range out.Posts {
		found[p.URI] = p
	}
	got := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pc, ok := found[p.RemoteID]
		if !ok {
			got = append(got, network.PostMetrics{RemoteID: p.RemoteID, Missing: true})
			continue
		}
		got = append(got, network.PostMetrics{RemoteID: p.RemoteID, Readings: readings(pc)})
	}
	return got, nil
}

func count(m soroe.PostMetric, v *int64) soroe.Reading {
	if v == nil {
		return network.NotAvailable(m, soroe.UnavailableNotGiven)
	}
	return network.Count(m, *v)
}

func readings(p postCounts) []soroe.Reading {
	rs := []soroe.Reading{
		network.NotAvailable(soroe.PostImpressions, soroe.UnavailableNotGiven),
		network.NotAvailable(soroe.PostViews, soroe.UnavailableNotGiven),
		count(soroe.PostLikes, p.Likes),
		count(soroe.PostReplies, p.Replies),
		count(soroe.PostReposts, p.Reposts),
		count(soroe.PostQuotes, p.Quotes),
		count(soroe.PostBookmarks, p.Bookmarks),
	}
	return append(rs, network.EngagementSum(rs))
}

// Followers reads app.bsky.actor.getProfile followersCount for the
// session's DID.
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	var out struct {
		Followers *int64 `json:"followersCount"`
	}
	res, err := c.authed(ctx, a, false, func(s *Session) (result, error) {
		return c.do(ctx, http.MethodGet, host(a)+"/xrpc/app.bsky.actor.getProfile", s.AccessJwt, url.Values{"actor": {s.DID}}, nil, &out)
	})
	if err != nil {
		return 0, err
	}
	if !res.ok() {
		return 0, c.failure(res, false)
	}
	if out.Followers == nil {
		return 0, &network.Error{Kind: network.ErrTemporary, Status: res.status, Reason: "getProfile without followersCount"}
	}
	return *out.Followers, nil
}
