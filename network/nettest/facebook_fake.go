package nettest

import (
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
}

// FacebookPost is a published Page post.
type FacebookPost struct {
	ID, Message, Link string
}

// NewFacebook starts a fake for Page 104251234567890 with Page token
// "page-token" (and a user token "user-token" that cannot post).
func NewFacebook() *Facebook {
	f := &Facebook{PageToken: "page-token", UserToken: "user-token", PageID: "104251234567890", serial: 122150000000000000}
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
	if strings.TrimSpace(p["message"]) == "" && p["link"] == "" {
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
