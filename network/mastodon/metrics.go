package mastodon

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// MaxMetricsBatch is how many id[] GET /api/v1/statuses takes: upstream's
// check_statuses_limit refuses more than DEFAULT_STATUSES_LIMIT (20) with
// a 422 [V: code; the value 20 M].
const MaxMetricsBatch = 20

// legacyRecheck is how long an instance found without the batch endpoint
// is read one status at a time before the batch is tried again (it may
// have been upgraded).
const legacyRecheck = 24 * time.Hour

var _ network.MetricsReader = (*Client)(nil)

// MetricsBatch is the 20 ids of GET /api/v1/statuses.
func (c *Client) MetricsBatch() int { return MaxMetricsBatch }

// statusCounts are the counts of a Status entity; quotes_count exists from
// 4.5 on.
type statusCounts struct {
	ID         string `json:"id"`
	Favourites *int64 `json:"favourites_count"`
	Reblogs    *int64 `json:"reblogs_count"`
	Replies    *int64 `json:"replies_count"`
	Quotes     *int64 `json:"quotes_count"`
}

// PostMetrics reads the statuses' counts with GET /api/v1/statuses?id[]=
// (Mastodon 4.3+), or with GET /api/v1/statuses/:id one by one on an
// instance that answers the batch with 404 (remembered for a day). A
// status left out of the batch answer, or a 404 for one, is Missing
// (deleted, or no longer visible to the account). Mastodon gives no
// impressions or views; engagements is the documented sum.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	h, err := instance(a)
	if err != nil {
		return nil, err
	}
	if len(posts) > MaxMetricsBatch {
		return nil, &network.Error{Kind: network.ErrRejected, Reason: "more than 20 posts in one metrics call"}
	}
	if len(posts) == 0 {
		return nil, nil
	}
	if !c.isLegacy(h) {
		q := url.Values{}
		for _, p := range posts {
			q.Add("id[]", p.RemoteID)
		}
		var sts []statusCounts
		res, err := c.do(ctx, http.MethodGet, h+"/api/v1/statuses?"+q.Encode(), a, "", nil, &sts)
		if err != nil {
			return nil, network.Outcome(err, false)
		}
		if res.ok() {
			found := map[string]statusCounts{}
			for _, st := range sts {
				found[st.ID] = st
			}
			out := make([]network.PostMetrics, 0, len(posts))
			for _, p := range posts {
				st, ok := found[p.RemoteID]
				out = append(out, metrics(p.RemoteID, st, ok))
			}
			return out, nil
		}
		if res.status != http.StatusNotFound {
			return nil, c.failure(res, false)
		}
		c.legacy.Store(h, c.now())
	}
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		var st statusCounts
		res, err := c.do(ctx, http.MethodGet, h+"/api/v1/statuses/"+url.PathEscape(p.RemoteID), a, "", nil, &st)
		if err != nil {
			return nil, network.Outcome(err, false)
		}
		switch {
		case res.ok():
			out = append(out, metrics(p.RemoteID, st, true))
		case res.status == http.StatusNotFound:
			out = append(out, metrics(p.RemoteID, st, false))
		default:
			return nil, c.failure(res, false)
		}
	}
	return out, nil
}

func (c *Client) isLegacy(h string) bool {
	v, ok := c.legacy.Load(h)
	if !ok {
		return false
	}
	if c.now().Sub(v.(time.Time)) >= legacyRecheck {
		c.legacy.Delete(h)
		return false
	}
	return true
}

func count(m soroe.PostMetric, v *int64) soroe.Reading {
	if v == nil {
		return network.NotAvailable(m, soroe.UnavailableNotGiven)
	}
	return network.Count(m, *v)
}

func metrics(id string, st statusCounts, found bool) network.PostMetrics {
	if !found {
		return network.PostMetrics{RemoteID: id, Missing: true}
	}
	rs := []soroe.Reading{
		network.NotAvailable(soroe.PostImpressions, soroe.UnavailableNotGiven),
		network.NotAvailable(soroe.PostViews, soroe.UnavailableNotGiven),
		count(soroe.PostLikes, st.Favourites),
		count(soroe.PostReplies, st.Replies),
		count(soroe.PostReposts, st.Reblogs),
		count(soroe.PostQuotes, st.Quotes),
	}
	return network.PostMetrics{RemoteID: id, Readings: append(rs, network.EngagementSum(rs))}
}

// Followers reads followers_count of GET /api/v1/accounts/verify_credentials.
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	h, err := instance(a)
	if err != nil {
		return 0, err
	}
	var me struct {
		Followers *int64 `json:"followers_count"`
	}
	res, err := c.do(ctx, http.MethodGet, h+"/api/v1/accounts/verify_credentials", a, "", nil, &me)
	if err != nil {
		return 0, network.Outcome(err, false)
	}
	if !res.ok() {
		return 0, c.failure(res, false)
	}
	if me.Followers == nil {
		return 0, &network.Error{Kind: network.ErrTemporary, Status: res.status, Reason: "verify_credentials without followers_count"}
	}
	return *me.Followers, nil
}
