package nettest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LinkedIn is a fake LinkedIn Posts API built from platforms.md §7:
// POST /rest/posts with Authorization: Bearer, LinkedIn-Version: YYYYMM,
// X-Restli-Protocol-Version: 2.0.0 and a JSON post (author, commentary,
// visibility, distribution, lifecycleState) → 201 Created, empty body, the
// new URN in x-restli-id. The same commentary again is 422 DUPLICATE_POST;
// the daily limit (SetDailyLimit) answers 429. Error bodies are
// {"status":…,"serviceErrorCode":…,"code":…,"message":…}. Media go
// through the Images and Videos APIs first (linkedin_media.go); a post's
// content.media / content.multiImage must reference uploads of its author
// whose bytes arrived.
type LinkedIn struct {
	*httptest.Server

	Token  string
	Author string // the organization the token may post as

	mu       sync.Mutex
	serial   int
	posts    []LinkedInPost
	daily    int
	failNext []LinkedInFailure
	delay    time.Duration
	// Requests counts POST /rest/posts calls.
	Requests int
	// LastBody and LastHeader are the last accepted request's.
	LastBody   map[string]any
	LastHeader http.Header

	uploads    map[string]*LinkedInUpload
	uploadFail map[string][]LinkedInFailure
	partBytes  int64
	// UploadRequests counts the media calls (initializeUpload, PUT,
	// finalizeUpload), failed ones included.
	UploadRequests int

	metrics linkedInMetrics
}

// LinkedInPost is a created post; Commentary is as sent (little format).
// Media are the image or video URNs it references, in order, with their
// altText in Alts.
type LinkedInPost struct {
	URN, Author, Commentary string
	Media, Alts             []string
}

// LinkedInFailure is an answer given once.
type LinkedInFailure struct {
	Status  int
	Code    string
	Message string
	Header  map[string]string
}

// NewLinkedIn starts a fake where token "li-token" may post as
// urn:li:organization:10002687.
func NewLinkedIn() *LinkedIn {
	l := &LinkedIn{Token: "li-token", Author: "urn:li:organization:10002687", serial: 7012345678901234567, daily: -1,
		uploads: map[string]*LinkedInUpload{}, uploadFail: map[string][]LinkedInFailure{}, partBytes: 4 << 20}
	l.Server = httptest.NewServer(http.HandlerFunc(l.serve))
	return l
}

// PostCalls returns how many posting calls the fake has answered, read
// under its lock.
func (l *LinkedIn) PostCalls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Requests
}

// UploadCalls returns how many media upload requests the fake has
// answered, read under its lock.
func (l *LinkedIn) UploadCalls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.UploadRequests
}

// SetDailyLimit sets how many more posts today before 429; negative is
// unlimited.
func (l *LinkedIn) SetDailyLimit(n int) { l.mu.Lock(); l.daily = n; l.mu.Unlock() }

// FailNext makes the next post requests answer these, in order.
func (l *LinkedIn) FailNext(fs ...LinkedInFailure) {
	l.mu.Lock()
	l.failNext = append(l.failNext, fs...)
	l.mu.Unlock()
}

// DelayPost makes a post be created and then answered d late.
func (l *LinkedIn) DelayPost(d time.Duration) { l.mu.Lock(); l.delay = d; l.mu.Unlock() }

// Posts returns the created posts, oldest first.
func (l *LinkedIn) Posts() []LinkedInPost {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]LinkedInPost(nil), l.posts...)
}

func linkedInError(w http.ResponseWriter, f LinkedInFailure) {
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Status)
	b := map[string]any{"status": f.Status, "message": f.Message}
	if f.Code != "" {
		b["code"] = f.Code
	}
	json.NewEncoder(w).Encode(b)
}

var linkedInVersion = regexp.MustCompile(`^20[0-9]{2}(0[1-9]|1[0-2])$`)

func (l *LinkedIn) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+l.Token {
		linkedInError(w, LinkedInFailure{Status: 401, Code: "REVOKED_ACCESS_TOKEN", Message: "The token used in the request has been revoked by the user"})
		return
	}
	switch {
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/dms-uploads/"):
		l.servePut(w, r)
		return
	case r.Method == http.MethodPost && (r.URL.Path == "/rest/images" || r.URL.Path == "/rest/videos"):
		if linkedInHeaders(w, r) {
			l.serveAction(w, r)
		}
		return
	case r.Method == http.MethodGet && (r.URL.Path == "/rest/organizationalEntityShareStatistics" ||
		r.URL.Path == "/rest/memberCreatorPostAnalytics" || strings.HasPrefix(r.URL.Path, "/rest/networkSizes/")):
		if linkedInHeaders(w, r) {
			l.serveMetrics(w, r)
		}
		return
	case r.Method != http.MethodPost || r.URL.Path != "/rest/posts":
		linkedInError(w, LinkedInFailure{Status: 404, Message: "No virtual resource found"})
		return
	}
	if !linkedInHeaders(w, r) {
		return
	}
	var in struct {
		Author         string `json:"author"`
		Commentary     string `json:"commentary"`
		Visibility     string `json:"visibility"`
		LifecycleState string `json:"lifecycleState"`
		Distribution   *struct {
			FeedDistribution string `json:"feedDistribution"`
		} `json:"distribution"`
		Content *linkedInContent `json:"content"`
	}
	var raw map[string]any
	body := http.MaxBytesReader(w, r.Body, 1<<20)
	dec := json.NewDecoder(body)
	if err := dec.Decode(&raw); err != nil {
		linkedInError(w, LinkedInFailure{Status: 400, Message: "Could not parse the request body"})
		return
	}
	b, _ := json.Marshal(raw)
	json.Unmarshal(b, &in)
	l.mu.Lock()
	l.Requests++
	fail := func(f LinkedInFailure) { l.mu.Unlock(); linkedInError(w, f) }
	switch {
	case in.Author != l.Author:
		fail(LinkedInFailure{Status: 403, Code: "ACCESS_DENIED", Message: "Not enough permissions to do that action on " + in.Author})
		return
	case in.Visibility != "PUBLIC" && in.Visibility != "CONNECTIONS" && in.Visibility != "LOGGED_IN":
		fail(LinkedInFailure{Status: 422, Code: "UNPROCESSABLE_ENTITY", Message: "/visibility :: field is required"})
		return
	case in.LifecycleState != "PUBLISHED" && in.LifecycleState != "DRAFT":
		fail(LinkedInFailure{Status: 422, Code: "UNPROCESSABLE_ENTITY", Message: "/lifecycleState :: field is required"})
		return
	case in.Distribution == nil || in.Distribution.FeedDistribution == "":
		fail(LinkedInFailure{Status: 422, Code: "UNPROCESSABLE_ENTITY", Message: "/distribution/feedDistribution :: field is required"})
		return
	case in.Content != nil && l.contentProblem(in.Author, in.Content) != "":
		fail(LinkedInFailure{Status: 422, Code: "UNPROCESSABLE_ENTITY", Message: l.contentProblem(in.Author, in.Content)})
		return
	case l.daily == 0:
		fail(LinkedInFailure{Status: 429, Message: "Resource level throttle APPLICATION DAY limit for calls to this resource is reached."})
		return
	}
	if len(l.failNext) > 0 {
		f := l.failNext[0]
		l.failNext = l.failNext[1:]
		fail(f)
		return
	}
	for _, p := range l.posts {
		if p.Author == in.Author && p.Commentary == in.Commentary {
			fail(LinkedInFailure{Status: 422, Code: "DUPLICATE_POST", Message: "Content is a duplicate of " + p.URN})
			return
		}
	}
	if l.daily > 0 {
		l.daily--
	}
	l.serial++
	p := LinkedInPost{URN: "urn:li:share:" + strconv.Itoa(l.serial), Author: in.Author, Commentary: in.Commentary}
	if in.Content != nil {
		for _, m := range in.Content.items() {
			p.Media, p.Alts = append(p.Media, m.ID), append(p.Alts, m.AltText)
		}
	}
	l.posts = append(l.posts, p)
	l.LastBody, l.LastHeader = raw, r.Header.Clone()
	delay := l.delay
	l.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("x-restli-id", p.URN)
	w.WriteHeader(http.StatusCreated)
}
