package nettest

import (
	"net/http"
	"strings"
)

// The Page post insights metrics the fake accepts, and those deprecated
// on 2025-11-15 in all versions (analytics.md §1.3), answered "(#100) The
// value must be a valid insights metric" like the Graph API.
var (
	facebookMetrics = []string{"post_media_view", "post_total_media_view_unique", "post_clicks", "post_clicks_by_type",
		"post_reactions_by_type_total"}
	facebookDeprecated = map[string]string{}
)

func init() {
	for _, m := range []string{"post_impressions", "post_impressions_unique", "post_impressions_paid", "post_impressions_paid_unique",
		"post_impressions_fan", "post_impressions_fan_unique", "post_impressions_organic", "post_impressions_organic_unique",
		"post_impressions_viral", "post_impressions_viral_unique", "post_impressions_nonviral", "post_impressions_nonviral_unique"} {
		facebookDeprecated[m] = "(#100) The value must be a valid insights metric"
	}
}

// SetInsights sets a published post's numbers: insights metric names
// (post_media_view, post_total_media_view_unique, post_clicks,
// post_reactions_by_type_total as map[string]int…) and the post's own
// counts "reactions", "comments" (summary total_count) and "shares"
// (shares.count, left out of the answer when 0 as the Graph API does).
// Values add to those set before.
func (f *Facebook) SetInsights(postID string, values map[string]any) {
	f.mu.Lock()
	f.metrics.set(postID, values)
	f.mu.Unlock()
}

// DeletePost makes a published post answer as deleted (code 100,
// subcode 33).
func (f *Facebook) DeletePost(postID string) {
	f.mu.Lock()
	f.metrics.deleted[postID] = true
	f.mu.Unlock()
}

// SetFollowers sets the Page's followers_count and fan_count (likes).
func (f *Facebook) SetFollowers(followers, fans int64) {
	f.mu.Lock()
	f.metrics.followers = followers
	f.metrics.set("page", map[string]any{"fan_count": fans})
	f.mu.Unlock()
}

// DeprecateMetric makes any insights call naming metric fail with code
// 100 and msg ("(#100) The value must be a valid insights metric"), as
// after the announced removal of post_total_media_view_unique.
func (f *Facebook) DeprecateMetric(name, msg string) {
	f.mu.Lock()
	f.metrics.deprecated = cloneAdd(f.metrics.deprecated, name, msg)
	f.mu.Unlock()
}

// RefuseInsights makes every insights call answer fl (no read_insights
// or ANALYZE task: code 10); nil stops it.
func (f *Facebook) RefuseInsights(fl *MetaFailure) {
	f.mu.Lock()
	f.metrics.permission = fl
	f.mu.Unlock()
}

// SetReadBudget sets how many more metric reads are answered before
// code 4 with usage headers saying access comes back in regainMinutes;
// negative is unlimited.
func (f *Facebook) SetReadBudget(n, regainMinutes int) {
	f.mu.Lock()
	f.metrics.budget, f.metrics.regain = n, regainMinutes
	f.mu.Unlock()
}

// FailMetrics makes the next metric reads answer these, in order.
func (f *Facebook) FailMetrics(fs ...MetaFailure) {
	f.mu.Lock()
	f.failMetrics = append(f.failMetrics, fs...)
	f.mu.Unlock()
}

// MetricsCalls returns how many metric reads of a kind ("post",
// "insights", "page") the fake has answered.
func (f *Facebook) MetricsCalls(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.MetricsRequests[kind]
}

// serveMetrics answers GET /{post-id}?fields=shares,comments.summary(true),
// reactions.summary(true), GET /{post-id}/insights?metric=… (Page token
// only) and GET /{page|me}?fields=followers_count,fan_count. The caller
// holds f.mu.
func (f *Facebook) serveMetrics(w http.ResponseWriter, parts []string, tok string, p map[string]string) {
	kind := "post"
	switch {
	case len(parts) == 2:
		kind = "insights"
	case parts[0] == f.PageID || parts[0] == "me":
		kind = "page"
	}
	f.MetricsRequests[kind]++
	if len(f.failMetrics) > 0 {
		fl := f.failMetrics[0]
		f.failMetrics = f.failMetrics[1:]
		metaError(w, fl)
		return
	}
	if f.metrics.throttled(w) {
		return
	}
	id := parts[0]
	var post *FacebookPost
	for i := range f.posts {
		if f.posts[i].ID == id {
			post = &f.posts[i]
		}
	}
	switch kind {
	case "page":
		out := map[string]any{"id": f.PageID}
		for _, fl := range strings.Split(p["fields"], ",") {
			switch fl {
			case "followers_count":
				out[fl] = f.metrics.followers
			case "fan_count":
				out[fl] = f.metrics.count("page", "fan_count")
			case "name":
				out[fl] = "Soroe Shop"
			}
		}
		metaJSON(w, out)
	case "insights":
		if tok != f.PageToken {
			metaError(w, MetaFailure{Code: 190, Message: "(#190) This method must be called with a Page Access Token"})
			return
		}
		f.metrics.insights(w, id, p["metric"], p["period"], post != nil && post.Video == "")
	case "post":
		if post == nil || f.metrics.deleted[id] {
			f.metrics.gone(w, id)
			return
		}
		out := map[string]any{"id": id}
		node := "Post"
		if post.Video != "" {
			node = "Video"
		}
		for _, fl := range strings.Split(p["fields"], ",") {
			name := fl
			if i := strings.IndexAny(name, ".{"); i >= 0 {
				name = name[:i]
			}
			switch name {
			case "shares":
				if node == "Video" {
					metaError(w, MetaFailure{Code: 100, Message: "(#100) Tried accessing nonexisting field (shares) on node type (Video)"})
					return
				}
				if n := f.metrics.count(id, "shares"); n > 0 {
					out["shares"] = map[string]any{"count": n}
				}
			case "comments", "reactions":
				if !strings.Contains(fl, "summary(true)") {
					out[name] = map[string]any{"data": []any{}}
					continue
				}
				out[name] = map[string]any{"data": []any{}, "summary": map[string]any{"total_count": f.metrics.count(id, name)}}
			case "id", "":
			case "message":
				out[name] = post.Message
			default:
				metaError(w, MetaFailure{Code: 100, Message: "(#100) Tried accessing nonexisting field (" + name + ") on node type (" + node + ")"})
				return
			}
		}
		metaJSON(w, out)
	}
}
