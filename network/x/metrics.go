package x

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// MaxMetricsBatch is how many ids one GET /2/tweets takes (platforms.md §1).
const MaxMetricsBatch = 100

// NonPublicWindow is how long after publishing X gives a post's
// non-public and organic metrics (docs.x.com/x-api/fundamentals/metrics:
// "created within the last 30 days").
const NonPublicWindow = 30 * 24 * time.Hour

// nonPublicMargin keeps posts this close to the end of the window out of
// the non-public request: X's clock and ours may differ, and one post it
// judges too old fails the whole answer.
const nonPublicMargin = time.Hour

const (
	publicFields = "public_metrics"
	ownedFields  = "public_metrics,non_public_metrics,organic_metrics"
)

var _ network.MetricsReader = (*Client)(nil)

// MetricsBatch is the 100 ids of GET /2/tweets.
func (c *Client) MetricsBatch() int { return MaxMetricsBatch }

// PostMetrics reads the posts' numbers with GET /2/tweets?ids= and the
// user token. The account's own posts published less than 30 days ago
// (less a margin) are asked with public, non-public and organic metrics;
// older ones with public metrics only, in a second request, since X fails
// a whole answer that asks non-public fields of one old post. Should it
// fail anyway (a post at the edge of the window), those posts are asked
// again with public metrics only and their non-public metrics are
// refused. Each post is billed as one Post read (see EstimatePullCost).
//
// Readings (docs/metrics.md): impressions, likes, replies, reposts
// (retweet_count or the newer repost_count), quotes, bookmarks from
// public_metrics; link_clicks and profile_clicks from non_public_metrics
// (organic_metrics as a fallback) — not given for older posts; engagements
// is X's non_public_metrics.engagements, else the documented sum. A post
// X answers as resource-not-found is Missing.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	if a == nil || a.Credentials.AccessToken == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "no access token; reconnect the account"}
	}
	if len(posts) > MaxMetricsBatch {
		return nil, &network.Error{Kind: network.ErrRejected, Reason: "more than 100 posts in one metrics call"}
	}
	now := c.now()
	var young, old []string
	for _, p := range posts {
		if !p.PublishedAt.IsZero() && now.Sub(p.PublishedAt) < NonPublicWindow-nonPublicMargin {
			young = append(young, p.RemoteID)
		} else {
			old = append(old, p.RemoteID)
		}
	}
	var out []network.PostMetrics
	if len(young) > 0 {
		got, refused, err := c.lookup(ctx, a, young, true)
		if err != nil {
			return nil, err
		}
		if refused {
			if got, _, err = c.lookup(ctx, a, young, false); err != nil {
				return nil, err
			}
			for i := range got {
				refuseNonPublic(&got[i])
			}
		}
		out = append(out, got...)
	}
	if len(old) > 0 {
		got, _, err := c.lookup(ctx, a, old, false)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	return out, nil
}

// Followers reads GET /2/users/me?user.fields=public_metrics
// followers_count (a User read).
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	if a == nil || a.Credentials.AccessToken == "" {
		return 0, &network.Error{Kind: network.ErrAuth, Reason: "no access token; reconnect the account"}
	}
	var me struct {
		Data struct {
			PublicMetrics *struct {
				Followers *int64 `json:"followers_count"`
			} `json:"public_metrics"`
		} `json:"data"`
	}
	if err := c.get(ctx, a, "/2/users/me", url.Values{"user.fields": {"public_metrics"}}, &me); err != nil {
		return 0, err
	}
	if me.Data.PublicMetrics == nil || me.Data.PublicMetrics.Followers == nil {
		return 0, &network.Error{Kind: network.ErrTemporary, Reason: "users/me without public_metrics.followers_count"}
	}
	return *me.Data.PublicMetrics.Followers, nil
}

type tweetMetrics struct {
	ID            string `json:"id"`
	PublicMetrics *struct {
		Impressions *int64 `json:"impression_count"`
		Likes       *int64 `json:"like_count"`
		Replies     *int64 `json:"reply_count"`
		Retweets    *int64 `json:"retweet_count"`
		Reposts     *int64 `json:"repost_count"` // the 2026-08 OpenAPI name
		Quotes      *int64 `json:"quote_count"`
		Bookmarks   *int64 `json:"bookmark_count"`
	} `json:"public_metrics"`
	NonPublicMetrics *struct {
		Impressions   *int64 `json:"impression_count"`
		LinkClicks    *int64 `json:"url_link_clicks"`
		ProfileClicks *int64 `json:"user_profile_clicks"`
		Engagements   *int64 `json:"engagements"`
	} `json:"non_public_metrics"`
	OrganicMetrics *struct {
		Impressions   *int64 `json:"impression_count"`
		LinkClicks    *int64 `json:"url_link_clicks"`
		ProfileClicks *int64 `json:"user_profile_clicks"`
	} `json:"organic_metrics"`
}

// lookupAnswer is GET /2/tweets: the posts found and, with HTTP 200, the
// partial errors (resource-not-found for a deleted post,
// not-authorized-for-field for a non-public field refused).
type lookupAnswer struct {
	Data   []tweetMetrics `json:"data"`
	Errors []struct {
		ResourceID string `json:"resource_id"`
		Value      string `json:"value"`
		Type       string `json:"type"`
		Title      string `json:"title"`
		Field      string `json:"field"`
	} `json:"errors"`
}

// lookup asks GET /2/tweets for ids; owned says with the non-public
// fields. refused reports X refused a field (the answer is then not used).
func (c *Client) lookup(ctx context.Context, a *network.Account, ids []string, owned bool) ([]network.PostMetrics, bool, error) {
	fields := publicFields
	if owned {
		fields = ownedFields
	}
	var ans lookupAnswer
	if err := c.get(ctx, a, "/2/tweets", url.Values{"ids": {strings.Join(ids, ",")}, "tweet.fields": {fields}}, &ans); err != nil {
		return nil, false, err
	}
	missing := map[string]bool{}
	other := map[string]bool{}
	for _, e := range ans.Errors {
		id := e.ResourceID
		if id == "" {
			id = e.Value
		}
		switch {
		case strings.HasSuffix(e.Type, "/not-authorized-for-field"):
			if owned {
				return nil, true, nil
			}
			other[id] = true
		case strings.HasSuffix(e.Type, "/resource-not-found"):
			missing[id] = true
		default: // not-authorized-for-resource (protected, suspended)…
			other[id] = true
		}
	}
	byID := map[string]tweetMetrics{}
	for _, t := range ans.Data {
		byID[t.ID] = t
	}
	out := make([]network.PostMetrics, 0, len(ids))
	for _, id := range ids {
		t, ok := byID[id]
		switch {
		case ok:
			out = append(out, network.PostMetrics{RemoteID: id, Readings: readings(t)})
		case missing[id]:
			out = append(out, network.PostMetrics{RemoteID: id, Missing: true})
		case other[id]:
			out = append(out, network.PostMetrics{RemoteID: id, Readings: unavailable(soroe.UnavailableRefused)})
		default:
			return nil, false, &network.Error{Kind: network.ErrTemporary, Status: 200, Reason: "GET /2/tweets answered neither data nor an error for post " + id}
		}
	}
	return out, false, nil
}

// xMetrics are the metrics the adapter reads, in this order.
var xMetrics = []soroe.PostMetric{soroe.PostImpressions, soroe.PostLikes, soroe.PostReplies, soroe.PostReposts,
	soroe.PostQuotes, soroe.PostBookmarks, soroe.PostLinkClicks, soroe.PostProfileClicks, soroe.PostEngagements}

func reading(m soroe.PostMetric, vs ...*int64) soroe.Reading {
	for _, v := range vs {
		if v != nil {
			return network.Count(m, *v)
		}
	}
	return network.NotAvailable(m, soroe.UnavailableNotGiven)
}

func readings(t tweetMetrics) []soroe.Reading {
	var impressions, likes, replies, reposts, quotes, bookmarks *int64
	if pm := t.PublicMetrics; pm != nil {
		impressions, likes, replies, quotes, bookmarks = pm.Impressions, pm.Likes, pm.Replies, pm.Quotes, pm.Bookmarks
		reposts = pm.Retweets
		if reposts == nil {
			reposts = pm.Reposts
		}
	}
	var npImpr, links, profiles, engagements, orgImpr, orgLinks, orgProfiles *int64
	if np := t.NonPublicMetrics; np != nil {
		npImpr, links, profiles, engagements = np.Impressions, np.LinkClicks, np.ProfileClicks, np.Engagements
	}
	if om := t.OrganicMetrics; om != nil {
		orgImpr, orgLinks, orgProfiles = om.Impressions, om.LinkClicks, om.ProfileClicks
	}
	rs := []soroe.Reading{
		reading(soroe.PostImpressions, impressions, npImpr, orgImpr),
		reading(soroe.PostLikes, likes),
		reading(soroe.PostReplies, replies),
		reading(soroe.PostReposts, reposts),
		reading(soroe.PostQuotes, quotes),
		reading(soroe.PostBookmarks, bookmarks),
		reading(soroe.PostLinkClicks, links, orgLinks),
		reading(soroe.PostProfileClicks, profiles, orgProfiles),
	}
	if engagements != nil {
		return append(rs, network.Count(soroe.PostEngagements, *engagements))
	}
	return append(rs, network.EngagementSum(rs))
}

// unavailable is every metric without a value.
func unavailable(reason string) []soroe.Reading {
	rs := make([]soroe.Reading, len(xMetrics))
	for i, m := range xMetrics {
		rs[i] = network.NotAvailable(m, reason)
	}
	return rs
}

// refuseNonPublic marks the non-public metrics of a post read with public
// fields only, after X refused them, as refused rather than not given.
func refuseNonPublic(p *network.PostMetrics) {
	for i, r := range p.Readings {
		if (r.Metric == soroe.PostLinkClicks || r.Metric == soroe.PostProfileClicks) && r.Value == nil {
			p.Readings[i].Unavailable = soroe.UnavailableRefused
		}
	}
}
