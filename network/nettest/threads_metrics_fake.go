package nettest

import (
	"net/http"
	"strings"
)

// The Threads media insights metrics (developers.facebook.com/
// documentation/threads/insights, analytics.md §1.4) and the user
// insights ones.
var (
	threadsMetrics     = []string{"views", "likes", "replies", "reposts", "quotes", "shares"}
	threadsUserMetrics = []string{"views", "likes", "replies", "reposts", "quotes", "clicks", "followers_count", "follower_demographics"}
)

// SetInsights sets the numbers of a published post by insights metric
// name (views, likes, replies, reposts, quotes, shares). Values add to
// those set before.
func (t *Threads) SetInsights(mediaID string, values map[string]any) {
	t.mu.Lock()
	t.metrics.set(mediaID, values)
	t.mu.Unlock()
}

// DeletePost makes a published post answer as deleted (code 100,
// subcode 33).
func (t *Threads) DeletePost(mediaID string) {
	t.mu.Lock()
	t.metrics.deleted[mediaID] = true
	t.mu.Unlock()
}

// SetFollowers sets the user insight followers_count.
func (t *Threads) SetFollowers(n int64) { t.mu.Lock(); t.metrics.followers = n; t.mu.Unlock() }

// RefuseInsights makes every insights call answer f (no
// threads_manage_insights: code 10); nil stops it.
func (t *Threads) RefuseInsights(f *MetaFailure) {
	t.mu.Lock()
	t.metrics.permission = f
	t.mu.Unlock()
}

// DeprecateMetric makes any insights call naming metric fail with code
// 100 and msg, as the API does for a metric it no longer takes.
func (t *Threads) DeprecateMetric(name, msg string) {
	t.mu.Lock()
	t.metrics.deprecated = cloneAdd(t.metrics.deprecated, name, msg)
	t.mu.Unlock()
}

// SetReadBudget sets how many more insights reads are answered before
// code 4 with usage headers saying access comes back in regainMinutes;
// negative is unlimited.
func (t *Threads) SetReadBudget(n, regainMinutes int) {
	t.mu.Lock()
	t.metrics.budget, t.metrics.regain = n, regainMinutes
	t.mu.Unlock()
}

// serveMetrics answers GET /{media-id}/insights?metric=… and
// GET /{user}/threads_insights?metric=followers_count (a total_value, not
// values). The caller holds t.mu.
func (t *Threads) serveMetrics(w http.ResponseWriter, step, id string, p map[string]string) {
	if t.metrics.throttled(w) {
		return
	}
	if step == "insights" {
		known := false
		for _, post := range t.posts {
			known = known || post.ID == id
		}
		t.metrics.insights(w, id, p["metric"], p["period"], known)
		return
	}
	if t.metrics.permission != nil {
		metaError(w, *t.metrics.permission)
		return
	}
	var data []map[string]any
	for _, n := range strings.Split(p["metric"], ",") {
		ok := false
		for _, v := range threadsUserMetrics {
			ok = ok || v == n
		}
		if !ok {
			metaError(w, MetaFailure{Code: 100, Message: "(#100) Param metric must be one of " + strings.Join(threadsUserMetrics, ", ")})
			return
		}
		if n == "followers_count" {
			data = append(data, map[string]any{"name": n, "period": "day", "title": "followers_count",
				"total_value": map[string]any{"value": t.metrics.followers}, "id": t.UserID + "/insights/followers_count/day"})
		}
	}
	metaJSON(w, map[string]any{"data": data})
}
