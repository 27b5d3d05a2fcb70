package linkedin

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

var _ network.MetricsReader = (*Client)(nil)

// MaxStatisticsBatch is how many posts one organizationalEntityShareStatistics
// call names (shares=List(…) and ugcPosts=List(…) together). The
// documentation states no maximum [M]: 20 keeps the URL short.
const MaxStatisticsBatch = 20

// StatisticsWindow is how far back LinkedIn keeps organization share
// statistics ("past 12 months, rolling", analytics.md §1.5).
const StatisticsWindow = 365 * 24 * time.Hour

// memberQueries are memberCreatorPostAnalytics' queryType values, one call
// each, and the metrics they fill. POST_SAVE and POST_SEND exist from
// LinkedIn-Version 202606 [S]; an older version refuses them.
var memberQueries = []struct {
	queryType string
	metric    soroe.PostMetric
}{
	{"IMPRESSION", soroe.PostImpressions}, {"MEMBERS_REACHED", soroe.PostReach}, {"REACTION", soroe.PostLikes},
	{"COMMENT", soroe.PostReplies}, {"RESHARE", soroe.PostReposts}, {"POST_SAVE", soroe.PostSaves},
	{"POST_SEND", soroe.PostShares},
}

// MetricsBatch is MaxStatisticsBatch (organization posts are read
// together; a member's posts one by one within the call).
func (c *Client) MetricsBatch() int { return MaxStatisticsBatch }

// PostMetrics reads the posts' lifetime numbers, organic only.
//
// Organization posts (the author is urn:li:organization:…):
// GET /rest/organizationalEntityShareStatistics?q=organizationalEntity
// &organizationalEntity=…&shares=List(…)&ugcPosts=List(…), one call
// (rw_organization_admin, ADMINISTRATOR of the page). Readings:
// impressions (impressionCount), reach (uniqueImpressionsCount), likes
// (likeCount), replies (commentCount), reposts (shareCount), link_clicks
// (clickCount: clicks on the post), saves not given, and engagements the
// sum of those parts — LinkedIn's "engagement" is a rate
// ((clicks+likes+comments+shares)/impressions), never stored as a count.
// A post missing from the answer is Missing when younger than
// StatisticsWindow, else not given.
//
// Member posts (urn:li:person:…): GET /rest/memberCreatorPostAnalytics
// ?q=entity&entity=(share:…)&queryType=…&aggregation=TOTAL
// (r_member_postAnalytics), one call per queryType and post: impressions
// (IMPRESSION), reach (MEMBERS_REACHED), likes (REACTION), replies
// (COMMENT), reposts (RESHARE), saves (POST_SAVE), shares (POST_SEND,
// sends in messages), link_clicks not given, engagements the sum. A 404 is
// Missing; a queryType refused (400) is refused.
//
// A 403 (the permission or the page role is missing) refuses every
// reading; 401 is ErrAuth, 429 ErrRateLimited, 5xx ErrTemporary.
func (c *Client) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	author := Author(a)
	if author == "" || a.Credentials.AccessToken == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "the account has no LinkedIn author URN or token"}
	}
	if len(posts) > MaxStatisticsBatch {
		return nil, &network.Error{Kind: network.ErrRejected, Reason: "more than 20 posts in one metrics call"}
	}
	if strings.HasPrefix(author, "urn:li:organization:") {
		return c.organizationMetrics(ctx, a, author, posts)
	}
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pm, err := c.memberMetrics(ctx, a, p.RemoteID)
		if err != nil {
			return nil, err
		}
		out = append(out, pm)
	}
	return out, nil
}

// ShareStatistics is organizationalEntityShareStatistics'
// totalShareStatistics. Engagement is LinkedIn's rate, not a count.
type ShareStatistics struct {
	Impressions       *int64   `json:"impressionCount"`
	UniqueImpressions *int64   `json:"uniqueImpressionsCount"`
	Clicks            *int64   `json:"clickCount"`
	Likes             *int64   `json:"likeCount"`
	Comments          *int64   `json:"commentCount"`
	Shares            *int64   `json:"shareCount"`
	Engagement        *float64 `json:"engagement"`
}

// Readings maps the statistics to the vocabulary (see PostMetrics).
func (s ShareStatistics) Readings() []soroe.Reading {
	count := func(m soroe.PostMetric, v *int64) soroe.Reading {
		if v == nil {
			return network.NotAvailable(m, soroe.UnavailableNotGiven)
		}
		return network.Count(m, *v)
	}
	rs := []soroe.Reading{
		count(soroe.PostImpressions, s.Impressions), count(soroe.PostReach, s.UniqueImpressions),
		count(soroe.PostLikes, s.Likes), count(soroe.PostReplies, s.Comments), count(soroe.PostReposts, s.Shares),
		count(soroe.PostLinkClicks, s.Clicks), network.NotAvailable(soroe.PostSaves, soroe.UnavailableNotGiven),
	}
	return append(rs, network.EngagementSum(rs))
}

func (c *Client) organizationMetrics(ctx context.Context, a *network.Account, author string, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	var shares, ugc []string
	for _, p := range posts {
		if strings.HasPrefix(p.RemoteID, "urn:li:ugcPost:") {
			ugc = append(ugc, url.QueryEscape(p.RemoteID))
		} else {
			shares = append(shares, url.QueryEscape(p.RemoteID))
		}
	}
	q := "q=organizationalEntity&organizationalEntity=" + url.QueryEscape(author)
	if len(shares) > 0 {
		q += "&shares=List(" + strings.Join(shares, ",") + ")"
	}
	if len(ugc) > 0 {
		q += "&ugcPosts=List(" + strings.Join(ugc, ",") + ")"
	}
	var ans struct {
		Elements []struct {
			Share   string          `json:"share"`
			UGCPost string          `json:"ugcPost"`
			Total   ShareStatistics `json:"totalShareStatistics"`
		} `json:"elements"`
	}
	status, err := c.get(ctx, a, "/rest/organizationalEntityShareStatistics?"+q, &ans)
	if status == http.StatusForbidden {
		return refusedAll(posts, []soroe.PostMetric{soroe.PostImpressions, soroe.PostReach, soroe.PostLikes,
			soroe.PostReplies, soroe.PostReposts, soroe.PostLinkClicks, soroe.PostSaves, soroe.PostEngagements}), nil
	}
	if err != nil {
		return nil, err
	}
	byURN := map[string]ShareStatistics{}
	for _, e := range ans.Elements {
		byURN[e.Share+e.UGCPost] = e.Total
	}
	now := c.now()
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pm := network.PostMetrics{RemoteID: p.RemoteID}
		s, ok := byURN[p.RemoteID]
		switch {
		case ok:
			pm.Readings = s.Readings()
		case !p.PublishedAt.IsZero() && now.Sub(p.PublishedAt) > StatisticsWindow:
			pm.Readings = ShareStatistics{}.Readings() // past the window: nothing given
		default:
			pm.Missing = true
		}
		out = append(out, pm)
	}
	return out, nil
}

func (c *Client) memberMetrics(ctx context.Context, a *network.Account, urn string) (network.PostMetrics, error) {
	pm := network.PostMetrics{RemoteID: urn}
	kind := "share"
	if strings.HasPrefix(urn, "urn:li:ugcPost:") {
		kind = "ugcPost"
	}
	for i, mq := range memberQueries {
		var ans struct {
			Elements []struct {
				Count *int64 `json:"count"`
			} `json:"elements"`
		}
		status, err := c.get(ctx, a, "/rest/memberCreatorPostAnalytics?q=entity&entity=("+kind+":"+url.QueryEscape(urn)+
			")&queryType="+mq.queryType+"&aggregation=TOTAL", &ans)
		switch {
		case status == http.StatusNotFound && i == 0:
			pm.Missing = true
			return pm, nil
		case status == http.StatusForbidden:
			pm.Readings = refusedAll([]network.MetricsQuery{{RemoteID: urn}}, []soroe.PostMetric{soroe.PostImpressions,
				soroe.PostReach, soroe.PostLikes, soroe.PostReplies, soroe.PostReposts, soroe.PostSaves, soroe.PostShares,
				soroe.PostLinkClicks, soroe.PostEngagements})[0].Readings
			return pm, nil
		case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
			pm.Readings = append(pm.Readings, network.NotAvailable(mq.metric, soroe.UnavailableRefused))
		case err != nil:
			return pm, err
		case len(ans.Elements) == 0 || ans.Elements[0].Count == nil:
			pm.Readings = append(pm.Readings, network.NotAvailable(mq.metric, soroe.UnavailableNotGiven))
		default:
			var sum int64
			for _, e := range ans.Elements {
				if e.Count != nil {
					sum += *e.Count
				}
			}
			pm.Readings = append(pm.Readings, network.Count(mq.metric, sum))
		}
	}
	pm.Readings = append(pm.Readings, network.NotAvailable(soroe.PostLinkClicks, soroe.UnavailableNotGiven))
	pm.Readings = append(pm.Readings, network.EngagementSum(pm.Readings))
	return pm, nil
}

func refusedAll(posts []network.MetricsQuery, metrics []soroe.PostMetric) []network.PostMetrics {
	out := make([]network.PostMetrics, 0, len(posts))
	for _, p := range posts {
		pm := network.PostMetrics{RemoteID: p.RemoteID}
		for _, m := range metrics {
			pm.Readings = append(pm.Readings, network.NotAvailable(m, soroe.UnavailableRefused))
		}
		out = append(out, pm)
	}
	return out
}

// Followers reads an organization's follower count,
// GET /rest/networkSizes/{urn}?edgeType=COMPANY_FOLLOWED_BY_MEMBER →
// firstDegreeSize [S]. LinkedIn gives no follower count of a member
// through its API (not found): ErrRejected.
func (c *Client) Followers(ctx context.Context, a *network.Account) (int64, error) {
	author := Author(a)
	if author == "" || a.Credentials.AccessToken == "" {
		return 0, &network.Error{Kind: network.ErrAuth, Reason: "the account has no LinkedIn author URN or token"}
	}
	if !strings.HasPrefix(author, "urn:li:organization:") {
		return 0, &network.Error{Kind: network.ErrRejected, Reason: "LinkedIn gives no follower count for a member"}
	}
	var ans struct {
		Size *int64 `json:"firstDegreeSize"`
	}
	if _, err := c.get(ctx, a, "/rest/networkSizes/"+url.PathEscape(author)+"?edgeType=COMPANY_FOLLOWED_BY_MEMBER", &ans); err != nil {
		return 0, err
	}
	if ans.Size == nil {
		return 0, &network.Error{Kind: network.ErrTemporary, Reason: "the answer has no firstDegreeSize"}
	}
	return *ans.Size, nil
}

// get reads path (with its query, already Rest.li-encoded) and decodes a
// 200 into out. It returns the status with the error of c.failure, a 5xx
// being ErrTemporary (a read is safe to repeat).
func (c *Client) get(ctx context.Context, a *network.Account, path string, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, &network.Error{Kind: network.ErrRejected, Reason: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	req.Header.Set("LinkedIn-Version", c.version)
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	resp, _, err := network.Send(c.hc, req)
	if err != nil {
		return 0, network.TransportError(err, false)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return resp.StatusCode, &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: err.Error()}
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, network.BeforePosting(c.failure(resp.StatusCode, raw))
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return resp.StatusCode, &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: "unreadable answer: " + err.Error()}
	}
	return resp.StatusCode, nil
}
