package nettest

import (
	"net/http"
	"strconv"
	"strings"
)

// The fake PDS's metrics reads, from platforms.md §2 ("Read counts"),
// analytics.md §1.6 and the lexicons app.bsky.feed.getPosts and
// app.bsky.feed.defs#postView:
//
//   - app.bsky.feed.getPosts?uris=…&uris=…: 1–25 at-URIs (400
//     InvalidRequest otherwise); the posts found, in the order asked, as
//     postViews with replyCount, repostCount, likeCount, quoteCount and
//     bookmarkCount (all optional in the lexicon). A post the fake does not
//     hold (never made, or deleted with DeleteRecord) is left out of the
//     answer, as the AppView does.
//   - app.bsky.actor.getProfile?actor=: a profileViewDetailed with
//     followersCount, followsCount, postsCount.
//
// Both need a live access JWT and count against a read budget
// (SetReadRateLimit) sent as RateLimit-* headers, 3,000 per 5 minutes
// (the per-IP limit of all API requests).

// BlueskyMaxGetPosts is getPosts' uris maxLength.
const BlueskyMaxGetPosts = 25

// BlueskyCounts are a post's counts. Bookmarks nil leaves bookmarkCount
// out, as an AppView that does not count bookmarks does.
type BlueskyCounts struct {
	Likes, Reposts, Replies, Quotes int64
	Bookmarks                       *int64
}

type bskyReads struct {
	counts    map[string]BlueskyCounts // by URI
	followers int64
	limit     int // reads left; negative: unlimited
	fail      []BlueskyFailure
	// lastURIs are the uris of the last getPosts.
	lastURIs []string
}

// SetMetrics sets the counts of the post at uri.
func (f *Bluesky) SetMetrics(uri string, c BlueskyCounts) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reads.counts == nil {
		f.reads.counts = map[string]BlueskyCounts{}
	}
	f.reads.counts[uri] = c
}

// SetFollowers sets the account's followersCount.
func (f *Bluesky) SetFollowers(n int64) { f.mu.Lock(); f.reads.followers = n; f.mu.Unlock() }

// DeleteRecord removes the post at rkey, as its author deleting it.
func (f *Bluesky) DeleteRecord(rkey string) { f.mu.Lock(); delete(f.records, rkey); f.mu.Unlock() }

// SetReadRateLimit sets how many getPosts and getProfile calls are left
// before 429; negative is unlimited.
func (f *Bluesky) SetReadRateLimit(n int) { f.mu.Lock(); f.reads.limit = n; f.mu.Unlock() }

// FailReads makes the next getPosts or getProfile calls answer these.
func (f *Bluesky) FailReads(fs ...BlueskyFailure) {
	f.mu.Lock()
	f.reads.fail = append(f.reads.fail, fs...)
	f.mu.Unlock()
}

// LastGetPosts returns the uris of the last getPosts call.
func (f *Bluesky) LastGetPosts() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.reads.lastURIs...)
}

// readGate checks the token and the read budget; false means it answered.
// The caller holds f.mu.
func (f *Bluesky) readGate(w http.ResponseWriter, r *http.Request) bool {
	if !f.authorize(w, r) {
		return false
	}
	h := w.Header()
	h.Set("RateLimit-Limit", "3000")
	h.Set("RateLimit-Policy", "3000;w=300")
	h.Set("RateLimit-Reset", strconv.FormatInt(f.RateLimitReset.Unix(), 10))
	switch {
	case f.reads.limit < 0:
		h.Set("RateLimit-Remaining", "2999")
	case f.reads.limit == 0:
		h.Set("RateLimit-Remaining", "0")
		bskyError(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		return false
	default:
		f.reads.limit--
		h.Set("RateLimit-Remaining", strconv.Itoa(f.reads.limit))
	}
	if len(f.reads.fail) > 0 {
		fl := f.reads.fail[0]
		f.reads.fail = f.reads.fail[1:]
		bskyError(w, fl.Status, fl.Error, fl.Message)
		return false
	}
	return true
}

func (f *Bluesky) getPosts(w http.ResponseWriter, r *http.Request) {
	uris := r.URL.Query()["uris"]
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads.lastURIs = uris
	if !f.readGate(w, r) {
		return
	}
	switch {
	case len(uris) == 0:
		bskyError(w, http.StatusBadRequest, "InvalidRequest", `Error: Params must have the property "uris"`)
		return
	case len(uris) > BlueskyMaxGetPosts:
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Error: uris must not have more than 25 elements")
		return
	}
	for i, u := range uris {
		if !strings.HasPrefix(u, "at://") {
			bskyError(w, http.StatusBadRequest, "InvalidRequest", "Error: uris/"+strconv.Itoa(i)+" must be a valid at-uri")
			return
		}
	}
	byURI := map[string]BlueskyRecord{}
	for _, rec := range f.records {
		byURI[rec.URI] = rec
	}
	posts := []map[string]any{}
	for _, u := range uris {
		rec, ok := byURI[u]
		if !ok {
			continue
		}
		c := f.reads.counts[u]
		pv := map[string]any{"uri": rec.URI, "cid": rec.CID, "record": rec.Value,
			"author":    map[string]any{"did": f.DID, "handle": f.Handle},
			"indexedAt": rec.Value["createdAt"], "labels": []any{},
			"replyCount": c.Replies, "repostCount": c.Reposts, "likeCount": c.Likes, "quoteCount": c.Quotes}
		if c.Bookmarks != nil {
			pv["bookmarkCount"] = *c.Bookmarks
		}
		posts = append(posts, pv)
	}
	bskyWriteJSON(w, map[string]any{"posts": posts})
}

func (f *Bluesky) getProfile(w http.ResponseWriter, r *http.Request) {
	actor := r.URL.Query().Get("actor")
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.readGate(w, r) {
		return
	}
	if actor == "" {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", `Error: Params must have the property "actor"`)
		return
	}
	if actor != f.DID && actor != f.Handle {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
		return
	}
	bskyWriteJSON(w, map[string]any{"did": f.DID, "handle": f.Handle, "displayName": "Shop",
		"followersCount": f.reads.followers, "followsCount": 12, "postsCount": len(f.records)})
}
