package soroe

import (
	"slices"
	"time"
)

// PostMetric is one name of Soroe's metric vocabulary, shared by every network
// (docs/metrics.md says where each network's figure comes from).
type PostMetric string

// The vocabulary. Every metric is a count.
const (
	PostImpressions   PostMetric = "impressions"    // times shown (X, LinkedIn, LINE)
	PostViews         PostMetric = "views"          // Instagram/Facebook/Threads "views" (replaced impressions in 2025)
	PostReach         PostMetric = "reach"          // unique accounts reached
	PostLikes         PostMetric = "likes"          // likes, favourites, reactions
	PostReplies       PostMetric = "replies"        // replies, comments
	PostReposts       PostMetric = "reposts"        // retweets, reblogs, reshares
	PostQuotes        PostMetric = "quotes"         // quote posts
	PostShares        PostMetric = "shares"         // shares/sends outside the network's repost
	PostSaves         PostMetric = "saves"          // Instagram saves, LinkedIn POST_SAVE
	PostBookmarks     PostMetric = "bookmarks"      // X and Bluesky bookmarks
	PostLinkClicks    PostMetric = "link_clicks"    // clicks on the post's link
	PostProfileClicks PostMetric = "profile_clicks" // visits to the profile from the post
	PostFollows       PostMetric = "follows"        // follows from the post
	PostVideoViews    PostMetric = "video_views"    // video plays
	PostEngagements   PostMetric = "engagements"    // the network's own figure, else the documented sum
)

// PostMetrics lists the vocabulary in display order.
var PostMetrics = []PostMetric{
	PostImpressions, PostViews, PostReach, PostLikes, PostReplies, PostReposts, PostQuotes,
	PostShares, PostSaves, PostBookmarks, PostLinkClicks, PostProfileClicks, PostFollows,
	PostVideoViews, PostEngagements,
}

// Valid reports whether m is in the vocabulary.
func (m PostMetric) Valid() bool { return slices.Contains(PostMetrics, m) }

// EngagementParts are the interactions summed into "engagements" where a
// network gives no figure of its own (docs/metrics.md).
var EngagementParts = []PostMetric{
	PostLikes, PostReplies, PostReposts, PostQuotes, PostShares, PostSaves, PostBookmarks,
	PostLinkClicks, PostProfileClicks,
}

// Sources of a number (and SourceManual, typed in by a person).
const (
	SourceAPI = "api" // pulled from the network's API
	SourceCSV = "csv" // imported from an export file
)

// Reasons a metric is not available (stored with no value, never as 0).
const (
	UnavailableNotGiven = "not_given" // the network does not give it for this post
	UnavailablePrivacy  = "privacy"   // withheld below a threshold (LINE: under 20)
	UnavailableRefused  = "refused"   // the network refused the metric (deprecated, no permission)
)

// Subject is what a number is about: a post target (published through
// Soroe) or an external post (posted outside Soroe, known from an import).
// Exactly one is set.
type Subject struct {
	TargetID   int64 `json:"target_id,omitempty"`
	ExternalID int64 `json:"external_id,omitempty"`
}

// Snapshot is one reading of one metric of one post: append-only. A nil
// Value is "not available" (Unavailable says why), never 0.
type Snapshot struct {
	ID          int64      `json:"id"`
	OrgID       int64      `json:"org_id"`
	Subject     Subject    `json:"subject"`
	Metric      PostMetric `json:"metric"`
	Value       *int64     `json:"value"`
	Unavailable string     `json:"unavailable,omitempty"`
	CapturedAt  time.Time  `json:"captured_at"`
	Source      string     `json:"source"`
	// SourceDetail says where the number came from for people: the file
	// name and line, the API endpoint, who typed it.
	SourceDetail string `json:"source_detail,omitempty"`
}

// Reading is one metric of a post as an adapter or an import reads it: a
// value, or the reason there is none.
type Reading struct {
	Metric      PostMetric `json:"metric"`
	Value       *int64     `json:"value"`
	Unavailable string     `json:"unavailable,omitempty"`
}

// ExternalPost is a post of a connected (or API-less) account that was
// published outside Soroe and is known from an export or typed in; it is
// scored and counted in the history like Soroe's own.
type ExternalPost struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	AccountID   int64     `json:"account_id"`
	Network     Network   `json:"network"`
	RemoteID    string    `json:"remote_id"`
	URL         string    `json:"url,omitempty"`
	Text        string    `json:"text"`
	Kind        string    `json:"kind,omitempty"` // post type from the export: image, reel, carousel, video, text
	PublishedAt time.Time `json:"published_at"`
	CreatedAt   time.Time `json:"created_at"`
}

// FollowerCount is an account's follower total on one local day.
type FollowerCount struct {
	AccountID int64     `json:"account_id"`
	Day       string    `json:"day"` // YYYY-MM-DD in the organization's zone
	Followers int64     `json:"followers"`
	Source    string    `json:"source"`
	At        time.Time `json:"at"`
}

// PullAges are the ages after publishing at which a post's numbers are
// pulled from the network's API; after the last one pulls stop.
var PullAges = []time.Duration{
	time.Hour, 6 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// NextPull returns when a post published at publishedAt is next due for a
// pull after its pull number done (0 when never pulled), and false when its
// schedule is over. ages defaults to PullAges.
func NextPull(publishedAt time.Time, done int, ages []time.Duration) (time.Time, bool) {
	if ages == nil {
		ages = PullAges
	}
	if done < 0 || done >= len(ages) {
		return time.Time{}, false
	}
	return publishedAt.Add(ages[done]), true
}
