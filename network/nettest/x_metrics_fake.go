package nettest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The XFake's metrics reads, built from platforms.md §1 ("Read metrics")
// and analytics.md §1.1:
//
//   - GET /2/tweets?ids=1,2,…&tweet.fields=…: 1–100 numeric ids (400
//     invalid-request otherwise), answered in the order asked. A post the
//     fake does not hold (never made, or deleted with DeletePost) comes
//     back in "errors" as a resource-not-found, the others in "data"
//     (HTTP 200 either way). public_metrics for any post; non_public_metrics
//     and organic_metrics only for the account's own posts created within
//     30 days — asking them for an older post answers 200 with only
//     "errors" (Field Authorization Error) and no data at all [S: the
//     twittered PR #366 discussion of 200 answers carrying only errors].
//   - GET /2/users/me?user.fields=public_metrics: followers_count and the
//     other counts.
//
// Each endpoint has its own 15-minute window (x-rate-limit-* on every
// answer; 429 past the limit): GET /2/tweets 5,000 per user, users/me 75
// (rate-limits.mdx), changeable with SetReadLimit.

// XMetricsWindow is how long after creation X gives a post's non-public
// and organic metrics.
const XMetricsWindow = 30 * 24 * time.Hour

// XMetrics are the numbers the fake gives for one post. Engagements is
// non_public_metrics.engagements, which older answers lack (nil: left out).
type XMetrics struct {
	Impressions, Likes, Replies, Retweets, Quotes, Bookmarks int64
	URLLinkClicks, UserProfileClicks                         int64
	Engagements                                              *int64
}

// XLookup is one GET /2/tweets the fake answered (or refused).
type XLookup struct {
	IDs    []string
	Fields []string // tweet.fields
}

type xReads struct {
	metrics   map[string]XMetrics
	deleted   map[string]bool
	followers int64
	limits    map[string]int // per path; unset: the default
	used      map[string]int
	reset     map[string]time.Time
	fail      []XFailure
	calls     map[string]int
	lookups   []XLookup
	// repostNames answers repost_count instead of retweet_count (the
	// 2026-08 OpenAPI names).
	repostNames bool
}

var xDefaultReadLimits = map[string]int{"/2/tweets": 5000, "/2/users/me": 75}

// AddPost stores a post as if it had been published at createdAt.
func (f *XFake) AddPost(text string, createdAt time.Time) XPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	p := XPost{ID: strconv.FormatInt(f.nextID, 10), Text: text, CreatedAt: createdAt}
	f.Posts = append(f.Posts, p)
	return p
}

// SetMetrics sets the numbers X gives for post id.
func (f *XFake) SetMetrics(id string, m XMetrics) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reads.metrics == nil {
		f.reads.metrics = map[string]XMetrics{}
	}
	f.reads.metrics[id] = m
}

// DeletePost makes post id gone, as after its author deleted it.
func (f *XFake) DeletePost(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reads.deleted == nil {
		f.reads.deleted = map[string]bool{}
	}
	f.reads.deleted[id] = true
}

// SetFollowers sets the account's followers_count.
func (f *XFake) SetFollowers(n int64) { f.mu.Lock(); f.reads.followers = n; f.mu.Unlock() }

// SetReadLimit sets how many requests to path ("/2/tweets",
// "/2/users/me") the current window allows before 429.
func (f *XFake) SetReadLimit(path string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reads.limits == nil {
		f.reads.limits = map[string]int{}
	}
	f.reads.limits[path] = n
	f.reads.used = nil
}

// FailReads makes the next metrics reads (GET /2/tweets, GET /2/users/me)
// answer these, in order.
func (f *XFake) FailReads(fs ...XFailure) {
	f.mu.Lock()
	f.reads.fail = append(f.reads.fail, fs...)
	f.mu.Unlock()
}

// UseRepostNames makes public_metrics carry repost_count instead of
// retweet_count, as the 2026-08 OpenAPI spec names it (analytics.md §1.1).
func (f *XFake) UseRepostNames(on bool) { f.mu.Lock(); f.reads.repostNames = on; f.mu.Unlock() }

// ReadCalls returns how many GET requests path received.
func (f *XFake) ReadCalls(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads.calls[path]
}

// Lookups returns the GET /2/tweets requests received, in order.
func (f *XFake) Lookups() []XLookup {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]XLookup(nil), f.reads.lookups...)
}

// readGate counts a read, sets the rate-limit headers and answers a
// canned failure or a 429; false means it answered. The caller holds f.mu.
func (f *XFake) readGate(w http.ResponseWriter, path string) bool {
	if f.reads.calls == nil {
		f.reads.calls = map[string]int{}
	}
	f.reads.calls[path]++
	limit, ok := f.reads.limits[path]
	if !ok {
		limit = xDefaultReadLimits[path]
	}
	if f.reads.used == nil {
		f.reads.used, f.reads.reset = map[string]int{}, map[string]time.Time{}
	}
	now := f.now()
	if !f.reads.reset[path].After(now) {
		f.reads.reset[path] = now.Add(15 * time.Minute).Truncate(time.Second)
		f.reads.used[path] = 0
	}
	f.reads.used[path]++
	w.Header().Set("x-rate-limit-limit", strconv.Itoa(limit))
	w.Header().Set("x-rate-limit-remaining", strconv.Itoa(max(limit-f.reads.used[path], 0)))
	w.Header().Set("x-rate-limit-reset", strconv.FormatInt(f.reads.reset[path].Unix(), 10))
	if len(f.reads.fail) > 0 {
		fl := f.reads.fail[0]
		f.reads.fail = f.reads.fail[1:]
		for k, v := range fl.Header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.Status)
		_, _ = w.Write([]byte(fl.Body))
		return false
	}
	if f.reads.used[path] > limit {
		xProblem(w, 429, "Too Many Requests", "Too Many Requests", "about:blank")
		return false
	}
	return true
}

func xInvalid(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(400)
	b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg}},
		"title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
		"type": "https://api.twitter.com/2/problems/invalid-request"})
	_, _ = w.Write(b)
}

var xTweetFields = []string{"article", "attachments", "author_id", "card_uri", "community_id", "context_annotations",
	"conversation_id", "created_at", "display_text_range", "edit_controls", "edit_history_tweet_ids", "entities", "geo",
	"id", "in_reply_to_user_id", "lang", "media_metadata", "non_public_metrics", "note_tweet", "organic_metrics",
	"possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets", "reply_settings", "scopes",
	"source", "text", "withheld"}

// lookup is GET /2/tweets.
func (f *XFake) lookup(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var ids, fields []string
	if s := q.Get("ids"); s != "" {
		ids = strings.Split(s, ",")
	}
	if s := q.Get("tweet.fields"); s != "" {
		fields = strings.Split(s, ",")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads.lookups = append(f.reads.lookups, XLookup{IDs: ids, Fields: fields})
	if !f.readGate(w, "/2/tweets") {
		return
	}
	switch {
	case len(ids) == 0:
		xInvalid(w, "The `ids` query parameter can not be empty")
		return
	case len(ids) > 100:
		xInvalid(w, "The number of values in the `ids` query parameter list ["+strconv.Itoa(len(ids))+"] is not between 1 and 100")
		return
	}
	for _, id := range ids {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			xInvalid(w, "The `ids` query parameter value ["+id+"] is not valid")
			return
		}
	}
	for _, fl := range fields {
		if !slices.Contains(xTweetFields, fl) {
			xInvalid(w, "The `tweet.fields` query parameter value ["+fl+"] is not one of ["+strings.Join(xTweetFields, ",")+"]")
			return
		}
	}
	posts := map[string]XPost{}
	for _, p := range f.Posts {
		if !f.reads.deleted[p.ID] {
			posts[p.ID] = p
		}
	}
	var data, errs []map[string]any
	var fieldErrs []map[string]any
	now := f.now()
	for _, id := range ids {
		p, ok := posts[id]
		if !ok {
			errs = append(errs, map[string]any{"value": id, "detail": "Could not find tweet with ids: [" + id + "].",
				"title": "Not Found Error", "resource_type": "tweet", "parameter": "ids", "resource_id": id,
				"type": "https://api.twitter.com/2/problems/resource-not-found"})
			continue
		}
		young := now.Sub(p.CreatedAt) <= XMetricsWindow
		t := map[string]any{"id": p.ID, "text": xRendered(p.Text), "edit_history_tweet_ids": []string{p.ID}}
		m := f.reads.metrics[id]
		for _, fl := range fields {
			switch fl {
			case "public_metrics":
				pm := map[string]any{"reply_count": m.Replies, "like_count": m.Likes, "quote_count": m.Quotes,
					"bookmark_count": m.Bookmarks, "impression_count": m.Impressions}
				if f.reads.repostNames {
					pm["repost_count"] = m.Retweets
				} else {
					pm["retweet_count"] = m.Retweets
				}
				t["public_metrics"] = pm
			case "non_public_metrics", "organic_metrics":
				if !young {
					fieldErrs = append(fieldErrs, map[string]any{"value": id,
						"detail": "Sorry, you are not authorized to access '" + fl + "' on the Tweet with ids [" + id + "].",
						"title":  "Field Authorization Error", "resource_type": "tweet", "field": fl, "parameter": fl,
						"resource_id": id, "section": "data", "type": "https://api.twitter.com/2/problems/not-authorized-for-field"})
					continue
				}
				if fl == "non_public_metrics" {
					npm := map[string]any{"impression_count": m.Impressions, "url_link_clicks": m.URLLinkClicks,
						"user_profile_clicks": m.UserProfileClicks}
					if m.Engagements != nil {
						npm["engagements"] = *m.Engagements
					}
					t[fl] = npm
				} else {
					t[fl] = map[string]any{"impression_count": m.Impressions, "like_count": m.Likes, "reply_count": m.Replies,
						"retweet_count": m.Retweets, "url_link_clicks": m.URLLinkClicks, "user_profile_clicks": m.UserProfileClicks}
				}
			case "created_at":
				t["created_at"] = p.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z")
			case "author_id":
				t["author_id"] = f.UserID
			}
		}
		data = append(data, t)
	}
	out := map[string]any{}
	if len(fieldErrs) > 0 {
		// A field the caller may not see fails the whole answer's data.
		out["errors"] = append(errs, fieldErrs...)
		xWriteJSON(w, 200, out)
		return
	}
	if len(data) > 0 {
		out["data"] = data
	}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	xWriteJSON(w, 200, out)
}

// me is GET /2/users/me, with public_metrics when user.fields asks.
func (f *XFake) me(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.readGate(w, "/2/users/me") {
		return
	}
	u := map[string]any{"id": f.UserID, "name": "Shop", "username": "shop"}
	for _, fl := range strings.Split(r.URL.Query().Get("user.fields"), ",") {
		if fl == "public_metrics" {
			u["public_metrics"] = map[string]any{"followers_count": f.reads.followers, "following_count": 12,
				"tweet_count": len(f.Posts), "listed_count": 0, "like_count": 0, "media_count": 0}
		}
	}
	xWriteJSON(w, 200, map[string]any{"data": u})
}
