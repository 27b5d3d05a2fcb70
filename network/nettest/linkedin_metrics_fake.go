package nettest

import (
	"net/http"
	"net/url"
	"strings"
)

// LinkedInStats are a post's lifetime organic numbers as the fake gives
// them: organizationalEntityShareStatistics' totalShareStatistics for an
// organization's post (with engagement computed as LinkedIn's rate,
// (clicks+likes+comments+shares)/impressions), memberCreatorPostAnalytics'
// counts per queryType for a member's (Saves and Sends only from
// LinkedIn-Version 202606).
type LinkedInStats struct {
	Impressions, UniqueImpressions, Clicks, Likes, Comments, Shares int64
	Saves, Sends                                                    int64
}

// linkedInMaxEntities is the most posts the fake takes in one statistics
// call (LinkedIn documents none [M]; the adapter's batch).
const linkedInMaxEntities = 20

type linkedInMetrics struct {
	stats     map[string]LinkedInStats
	deleted   map[string]bool
	followers int64
	refused   bool
	budget    int // reads left before 429, when limited
	limited   bool
	fail      []LinkedInFailure
	calls     map[string]int
}

// SetStats sets a created post's numbers.
func (l *LinkedIn) SetStats(urn string, s LinkedInStats) {
	l.mu.Lock()
	if l.metrics.stats == nil {
		l.metrics.stats = map[string]LinkedInStats{}
	}
	l.metrics.stats[urn] = s
	l.mu.Unlock()
}

// DeletePost makes a created post gone: left out of the share statistics,
// 404 from memberCreatorPostAnalytics.
func (l *LinkedIn) DeletePost(urn string) {
	l.mu.Lock()
	if l.metrics.deleted == nil {
		l.metrics.deleted = map[string]bool{}
	}
	l.metrics.deleted[urn] = true
	l.mu.Unlock()
}

// SetFollowers sets the organization's networkSizes firstDegreeSize.
func (l *LinkedIn) SetFollowers(n int64) { l.mu.Lock(); l.metrics.followers = n; l.mu.Unlock() }

// RefuseStatistics makes the statistics calls answer 403 (no
// rw_organization_admin / r_member_postAnalytics, or not an
// ADMINISTRATOR of the page).
func (l *LinkedIn) RefuseStatistics(refuse bool) {
	l.mu.Lock()
	l.metrics.refused = refuse
	l.mu.Unlock()
}

// SetReadLimit makes the metric reads after the next n answer 429
// (LinkedIn's daily application limit); negative is unlimited.
func (l *LinkedIn) SetReadLimit(n int) {
	l.mu.Lock()
	l.metrics.budget, l.metrics.limited = n, n >= 0
	l.mu.Unlock()
}

// FailMetrics makes the next metric reads answer these, in order.
func (l *LinkedIn) FailMetrics(fs ...LinkedInFailure) {
	l.mu.Lock()
	l.metrics.fail = append(l.metrics.fail, fs...)
	l.mu.Unlock()
}

// MetricsCalls returns how many metric reads of an endpoint
// ("share_statistics", "member_analytics", "network_sizes") the fake
// has answered.
func (l *LinkedIn) MetricsCalls(endpoint string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.metrics.calls[endpoint]
}

func restliList(s string) []string {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "List("), ")")
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func (l *LinkedIn) serveMetrics(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		linkedInError(w, LinkedInFailure{Status: 400, Message: "Invalid query parameters"})
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	m := &l.metrics
	if m.calls == nil {
		m.calls = map[string]int{}
	}
	endpoint := "network_sizes"
	switch r.URL.Path {
	case "/rest/organizationalEntityShareStatistics":
		endpoint = "share_statistics"
	case "/rest/memberCreatorPostAnalytics":
		endpoint = "member_analytics"
	}
	m.calls[endpoint]++
	if len(m.fail) > 0 {
		f := m.fail[0]
		m.fail = m.fail[1:]
		linkedInError(w, f)
		return
	}
	if m.limited {
		if m.budget <= 0 {
			linkedInError(w, LinkedInFailure{Status: 429, Message: "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."})
			return
		}
		m.budget--
	}
	if m.refused && endpoint != "network_sizes" {
		linkedInError(w, LinkedInFailure{Status: 403, Code: "ACCESS_DENIED", Message: "Not enough permissions to access: " + endpoint})
		return
	}
	switch endpoint {
	case "network_sizes":
		urn, _ := url.PathUnescape(strings.TrimPrefix(r.URL.EscapedPath(), "/rest/networkSizes/"))
		if urn != l.Author || q.Get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER" {
			linkedInError(w, LinkedInFailure{Status: 404, Message: "Not found: " + urn})
			return
		}
		metaJSON(w, map[string]any{"firstDegreeSize": m.followers})
	case "share_statistics":
		if q.Get("q") != "organizationalEntity" || q.Get("organizationalEntity") != l.Author {
			linkedInError(w, LinkedInFailure{Status: 403, Code: "ACCESS_DENIED", Message: "Not enough permissions to access organizationalEntity " + q.Get("organizationalEntity")})
			return
		}
		shares, ugc := restliList(q.Get("shares")), restliList(q.Get("ugcPosts"))
		if len(shares)+len(ugc) > linkedInMaxEntities {
			linkedInError(w, LinkedInFailure{Status: 400, Message: "Too many entities requested"})
			return
		}
		elements := []map[string]any{}
		for _, kind := range []struct {
			key  string
			urns []string
		}{{"share", shares}, {"ugcPost", ugc}} {
			for _, urn := range kind.urns {
				if !l.created(urn) || m.deleted[urn] {
					continue
				}
				s := m.stats[urn]
				var rate float64
				if s.Impressions > 0 {
					rate = float64(s.Clicks+s.Likes+s.Comments+s.Shares) / float64(s.Impressions)
				}
				elements = append(elements, map[string]any{kind.key: urn, "organizationalEntity": l.Author,
					"totalShareStatistics": map[string]any{"impressionCount": s.Impressions, "uniqueImpressionsCount": s.UniqueImpressions,
						"clickCount": s.Clicks, "likeCount": s.Likes, "commentCount": s.Comments, "shareCount": s.Shares, "engagement": rate}})
			}
		}
		metaJSON(w, map[string]any{"elements": elements, "paging": map[string]any{"count": 10, "start": 0, "links": []any{}}})
	case "member_analytics":
		entity := q.Get("entity") // (share:urn:li:share:…)
		i := strings.IndexByte(entity, ':')
		if q.Get("q") != "entity" || i < 0 || !strings.HasPrefix(entity, "(") || !strings.HasSuffix(entity, ")") {
			linkedInError(w, LinkedInFailure{Status: 400, Message: "Invalid entity " + entity})
			return
		}
		urn := entity[i+1 : len(entity)-1]
		s := m.stats[urn]
		counts := map[string]int64{"IMPRESSION": s.Impressions, "MEMBERS_REACHED": s.UniqueImpressions, "RESHARE": s.Shares,
			"REACTION": s.Likes, "COMMENT": s.Comments}
		if r.Header.Get("LinkedIn-Version") >= "202606" {
			counts["POST_SAVE"], counts["POST_SEND"] = s.Saves, s.Sends
		}
		n, ok := counts[q.Get("queryType")]
		if !ok {
			linkedInError(w, LinkedInFailure{Status: 400, Message: "Invalid value for queryType: " + q.Get("queryType")})
			return
		}
		if !l.created(urn) || m.deleted[urn] {
			linkedInError(w, LinkedInFailure{Status: 404, Message: "Entity " + urn + " not found"})
			return
		}
		metaJSON(w, map[string]any{"elements": []map[string]any{{"count": n,
			"metricType": map[string]string{"com.linkedin.adsexternalapi.memberanalytics.v1.CreatorPostAnalyticsMetricTypeV1": q.Get("queryType")},
			"entity":     map[string]string{entity[1:i]: urn}}}, "paging": map[string]any{"count": 10, "start": 0, "links": []any{}}})
	}
}

// created reports whether urn is a post of the fake's author. The caller
// holds l.mu.
func (l *LinkedIn) created(urn string) bool {
	for _, p := range l.posts {
		if p.URN == urn && p.Author == l.Author {
			return true
		}
	}
	return false
}
