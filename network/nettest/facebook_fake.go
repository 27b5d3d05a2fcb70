package nettest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Facebook is a fake Graph API for one Facebook Page, built from
// platforms.md §6: POST /{page-id|me}/feed with message and/or link and
// the Page access token (access_token parameter) → {"id":"{page-id}_{post-id}"}.
// A user access token is refused with the permission error (#200); other
// errors use the Graph envelope.
type Facebook struct {
	*httptest.Server

	PageToken string
	UserToken string
	PageID    string

	mu       sync.Mutex
	serial   int
	posts    []FacebookPost
	failNext []MetaFailure
	delay    time.Duration
	// Requests counts POST /{page}/feed calls.
	Requests int
	// LastPost is the last feed request's parameters.
	LastPost map[string]string
	// Uploads counts /photos and /videos calls.
	Uploads    int
	photos     map[string]*FacebookPhoto
	failUpload []MetaFailure

	metrics     metaMetrics
	failMetrics []MetaFailure
	// MetricsRequests counts metric reads by kind: "post" (post
	// fields), "insights", "page".
	MetricsRequests map[string]int
}

// FacebookPost is a published Page post.
type FacebookPost struct {
	ID, Message, Link string
	// Photos are the attached photos' URLs, in order; Video a video's
	// file_url (a video post).
	Photos []string
	Video  string
}

// FacebookPhoto is an uploaded photo (POST /{page}/photos).
type FacebookPhoto struct {
	ID, URL, Caption, AltText string
	Published, Attached       bool
}

// Photo returns an uploaded photo by ID.
func (f *Facebook) Photo(id string) (FacebookPhoto, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ph, ok := f.photos[id]
	if !ok {
		return FacebookPhoto{}, false
	}
	return *ph, true
}

// FailUpload makes the next /photos or /videos calls answer these.
func (f *Facebook) FailUpload(fs ...MetaFailure) {
	f.mu.Lock()
	f.failUpload = append(f.failUpload, fs...)
	f.mu.Unlock()
}

// media answers POST /{page}/photos (url, published, caption,
// alt_text_custom → {"id"} or, published, {"id","post_id"}) and
// POST /{page}/videos (file_url, description → {"id"}; a published video
// post). The caller holds f.mu; it returns whether the post is stored.
func (f *Facebook) media(w http.ResponseWriter, edge string, p map[string]string) {
	if len(f.failUpload) > 0 {
		fl := f.failUpload[0]
		f.failUpload = f.failUpload[1:]
		metaError(w, fl)
		return
	}
	f.serial++
	id := strconv.Itoa(f.serial)
	if edge == "videos" {
		if !metaPublicURL(p["file_url"]) {
			metaError(w, MetaFailure{Code: 100, Message: "(#100) The video file is missing: file_url or source is required."})
			return
		}
		f.posts = append(f.posts, FacebookPost{ID: id, Message: p["description"], Video: p["file_url"]})
		metaJSON(w, map[string]string{"id": id})
		return
	}
	if !metaPublicURL(p["url"]) {
		metaError(w, MetaFailure{Code: 324, Message: "(#324) Requires upload file"})
		return
	}
	ph := &FacebookPhoto{ID: id, URL: p["url"], Caption: p["caption"], AltText: p["alt_text_custom"], Published: p["published"] != "false"}
	if f.photos == nil {
		f.photos = map[string]*FacebookPhoto{}
	}
	f.photos[id] = ph
	if !ph.Published {
		metaJSON(w, map[string]string{"id": id})
		return
	}
	f.serial++
	post := FacebookPost{ID: f.PageID + "_" + strconv.Itoa(f.serial), Message: p["caption"], Photos: []string{ph.URL}}
	f.posts = append(f.posts, post)
	metaJSON(w, map[string]string{"id": id, "post_id": post.ID})
}

// attached reads attached_media[n]={"media_fbid":"…"} in order: each an
// unpublished, unattached photo of this Page. The caller holds f.mu.
func (f *Facebook) attached(p map[string]string) ([]*FacebookPhoto, string) {
	var out []*FacebookPhoto
	for i := 0; ; i++ {
		v, ok := p["attached_media["+strconv.Itoa(i)+"]"]
		if !ok {
			break
		}
		var am struct {
			MediaFBID string `json:"media_fbid"`
		}
		if json.Unmarshal([]byte(v), &am) != nil {
			return nil, "(#100) param attached_media must be an array of objects with media_fbid"
		}
		ph := f.photos[am.MediaFBID]
		if ph == nil || ph.Published || ph.Attached {
			return nil, "(#100) attached_media " + am.MediaFBID + " is not an unpublished photo of this Page"
		}
		out = append(out, ph)
	}
	return out, ""
}

// NewFacebook starts a fake for Page 104251234567890 with Page token
// "page-token" (and a user token "user-token" that cannot post).
func NewFacebook() *Facebook {
	f := &Facebook{PageToken: "page-token", UserToken: "user-token", PageID: "104251234567890", serial: 122150000000000000,
		metrics: newMetaMetrics(facebookMetrics, facebookDeprecated), MetricsRequests: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// FailNext makes the next feed posts answer these, in order.
func (f *Facebook) FailNext(fs ...MetaFailure) {
	f.mu.Lock()
	f.failNext = append(f.failNext, fs...)
	f.mu.Unlock()
}

// DelayPost makes a feed post be stored and then answered d late.
func (f *Facebook) DelayPost(d time.Duration) { f.mu.Lock(); f.delay = d; f.mu.Unlock() }

// Calls returns the feed posts and photo uploads the fake has answered,
// read under its lock.
func (f *Facebook) Calls() (feed, uploads int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.Requests, f.Uploads
}

// Posts returns the published posts, oldest first.
func (f *Facebook) Posts() []FacebookPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FacebookPost(nil), f.posts...)
}

func (f *Facebook) serve(w http.ResponseWriter, r *http.Request) {
	p, ok := metaParams(r)
	if !ok {
		metaError(w, MetaFailure{Code: 100, Message: "Invalid parameter"})
		return
	}
	tok := p["access_token"]
	if tok != f.PageToken && tok != f.UserToken {
		metaError(w, metaBadToken)
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v23.0"), "/"), "/")
	if r.Method == http.MethodPost && len(parts) == 2 && (parts[1] == "photos" || parts[1] == "videos") &&
		tok == f.PageToken && (parts[0] == f.PageID || parts[0] == "me") {
		f.mu.Lock()
		f.Uploads++
		f.media(w, parts[1], p)
		f.mu.Unlock()
		return
	}
	if r.Method == http.MethodGet && (len(parts) == 1 || (len(parts) == 2 && parts[1] == "insights")) {
		f.mu.Lock()
		f.serveMetrics(w, parts, tok, p)
		f.mu.Unlock()
		return
	}
	if r.Method != http.MethodPost || len(parts) != 2 || parts[1] != "feed" {
		metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
			Message: "Unsupported request - method type: " + strings.ToLower(r.Method)})
		return
	}
	f.mu.Lock()
	f.Requests++
	if tok != f.PageToken {
		f.mu.Unlock()
		metaError(w, MetaFailure{Status: 403, Code: 200,
			Message: "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts permission with page token"})
		return
	}
	if parts[0] != f.PageID && parts[0] != "me" {
		f.mu.Unlock()
		metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
			Message: "Object with ID '" + parts[0] + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation"})
		return
	}
	if len(f.failNext) > 0 {
		fl := f.failNext[0]
		f.failNext = f.failNext[1:]
		f.mu.Unlock()
		metaError(w, fl)
		return
	}
	photos, msg := f.attached(p)
	if msg != "" {
		f.mu.Unlock()
		metaError(w, MetaFailure{Code: 100, Message: msg})
		return
	}
	if strings.TrimSpace(p["message"]) == "" && p["link"] == "" && len(photos) == 0 {
		f.mu.Unlock()
		metaError(w, MetaFailure{Code: 100, Message: "(#100) Missing message or attachment."})
		return
	}
	if utf8.RuneCountInString(p["message"]) > 63206 {
		f.mu.Unlock()
		metaError(w, MetaFailure{Code: 100, Message: "(#100) The message is too long."})
		return
	}
	f.LastPost = p
	f.serial++
	post := FacebookPost{ID: f.PageID + "_" + strconv.Itoa(f.serial), Message: p["message"], Link: p["link"]}
	for _, ph := range photos {
		ph.Attached = true
		post.Photos = append(post.Photos, ph.URL)
	}
	f.posts = append(f.posts, post)
	delay := f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	metaJSON(w, map[string]string{"id": post.ID})
}
