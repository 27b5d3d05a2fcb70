package nettest

import (
	"net/http"
	"strings"
)

// The Instagram media insights metrics the fake accepts
// (…/instagram-media/insights, analytics.md §1.2), and the ones removed
// on 2025-04-21, answered with code 100 like the API.
var (
	instagramMetrics = []string{"views", "reach", "likes", "comments", "shares", "saved", "total_interactions",
		"follows", "profile_visits", "profile_activity", "replies", "navigation",
		"ig_reels_avg_watch_time", "ig_reels_video_view_total_time"}
	instagramDeprecated = map[string]string{
		"impressions":         "(#100) Starting from v22.0, the impressions metric is no longer supported for media created on or after July 2, 2024. Please use views instead.",
		"plays":               "(#100) The plays metric is no longer supported. Please use views instead.",
		"video_views":         "(#100) The video_views metric is no longer supported. Please use views instead.",
		"clips_replays_count": "(#100) The clips_replays_count metric is no longer supported.",
	}
	// instagramFeedOnly are refused for reels ("does not support the
	// follows metric for this media product type").
	instagramFeedOnly = []string{"follows", "profile_visits", "profile_activity"}
)

// SetInsights sets the numbers of a published media: insights metric
// names (views, reach, likes, comments, shares, saved, total_interactions,
// follows, profile_visits…) to a number; "likes" and "comments" are also
// the media's like_count and comments_count fields. Values add to those
// set before.
func (t *Instagram) SetInsights(mediaID string, values map[string]any) {
	t.mu.Lock()
	t.metrics.set(mediaID, values)
	t.mu.Unlock()
}

// DeleteMedia makes a published media answer as deleted (code 100,
// subcode 33).
func (t *Instagram) DeleteMedia(mediaID string) {
	t.mu.Lock()
	t.metrics.deleted[mediaID] = true
	t.mu.Unlock()
}

// DeprecateMetric makes the insights edge answer a metric as removed:
// any call naming it fails with code 100 and msg.
func (t *Instagram) DeprecateMetric(name, msg string) {
	t.mu.Lock()
	t.metrics.deprecated = cloneAdd(t.metrics.deprecated, name, msg)
	t.mu.Unlock()
}

// SetFollowers sets the user's followers_count.
func (t *Instagram) SetFollowers(n int64) { t.mu.Lock(); t.metrics.followers = n; t.mu.Unlock() }

// RefuseInsights makes every insights call answer f (a missing
// instagram_manage_insights permission: code 10); nil stops it.
func (t *Instagram) RefuseInsights(f *MetaFailure) {
	t.mu.Lock()
	t.metrics.permission = f
	t.mu.Unlock()
}

// SetReadBudget sets how many more metric reads (media fields, insights,
// user) are answered before code 4 with usage headers saying access comes
// back in regainMinutes; negative is unlimited.
func (t *Instagram) SetReadBudget(n, regainMinutes int) {
	t.mu.Lock()
	t.metrics.budget, t.metrics.regain = n, regainMinutes
	t.mu.Unlock()
}

// post returns a published post by media ID. The caller holds t.mu.
func (t *Instagram) post(id string) *InstagramPost {
	for i := range t.posts {
		if t.posts[i].ID == id {
			return &t.posts[i]
		}
	}
	return nil
}

// serveMetrics answers GET /{media-id}?fields=… ("media"),
// GET /{media-id}/insights?metric=… ("insights") and
// GET /{user}?fields=followers_count ("user"). The caller holds t.mu.
func (t *Instagram) serveMetrics(w http.ResponseWriter, step, id string, p map[string]string) {
	if t.metrics.throttled(w) {
		return
	}
	switch step {
	case "user":
		out := map[string]any{"id": t.UserID}
		for _, f := range strings.Split(p["fields"], ",") {
			switch f {
			case "followers_count":
				out[f] = t.metrics.followers
			case "username":
				out[f] = "shop"
			}
		}
		metaJSON(w, out)
	case "media":
		post := t.post(id)
		if post == nil || t.metrics.deleted[id] {
			t.metrics.gone(w, id)
			return
		}
		mt, pt := instagramTypes(post.MediaType)
		out := map[string]any{"id": id}
		for _, f := range strings.Split(p["fields"], ",") {
			switch f {
			case "media_type":
				out[f] = mt
			case "media_product_type":
				out[f] = pt
			case "like_count":
				out[f] = t.metrics.count(id, "likes")
			case "comments_count":
				out[f] = t.metrics.count(id, "comments")
			case "caption":
				out[f] = post.Caption
			case "id", "":
			default:
				metaError(w, MetaFailure{Code: 100, Message: "(#100) Tried accessing nonexisting field (" + f + ") on node type (ShadowIGMedia)"})
				return
			}
		}
		metaJSON(w, out)
	case "insights":
		post := t.post(id)
		if post != nil {
			if _, pt := instagramTypes(post.MediaType); pt == "REELS" {
				for _, n := range strings.Split(p["metric"], ",") {
					for _, f := range instagramFeedOnly {
						if n == f && t.metrics.permission == nil && !t.metrics.deleted[id] {
							metaError(w, MetaFailure{Code: 100, Message: "(#100) The Media Insights API does not support the " + n + " metric for this media product type."})
							return
						}
					}
				}
			}
		}
		t.metrics.insights(w, id, p["metric"], p["period"], post != nil)
	}
}

// instagramTypes are a post's media_type and media_product_type.
func instagramTypes(containerType string) (string, string) {
	switch containerType {
	case "REELS":
		return "VIDEO", "REELS"
	case "CAROUSEL":
		return "CAROUSEL_ALBUM", "FEED"
	}
	return "IMAGE", "FEED"
}
