package nettest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/soroe/soroe/text"
)

// XFake is an API-faithful stand-in for the parts of X API v2 Soroe uses,
// built from ../shared/reference/platforms.md §1 and docs.x.com:
//
//   - POST /2/tweets: Bearer user token (401 problem body otherwise), JSON
//     body with a non-empty "text" and only known fields (400 otherwise);
//     201 {"data":{"id","text"}} with links rewritten to t.co and &<> escaped
//     as X does; 403 problem body for duplicate text; 429 with
//     x-rate-limit-limit/remaining/reset (epoch seconds) past Limit posts in
//     the window; every answer carries the x-rate-limit-* headers.
//   - GET /2/users/me and GET /2/users/:id/tweets (start_time RFC 3339,
//     max_results 5–100, pagination_token), newest first.
//   - GET /2/tweets?ids= (metrics; ≤ 100 ids) and GET /2/users/me with
//     user.fields=public_metrics: see x_metrics_fake.go.
//   - POST /2/oauth2/token grant_type=refresh_token: form body, client_id,
//     HTTP Basic for a confidential client; rotates the refresh token when
//     RotateRefresh; 400 invalid_request for a spent or unknown token.
//
// Fail answers the next requests with canned errors; CreateDelay makes the
// fake record a post and only then stall, like a server whose answer is
// lost.
type XFake struct {
	*httptest.Server

	mu            sync.Mutex
	AccessToken   string
	RefreshToken  string
	ClientID      string
	ClientSecret  string // empty: public client
	RotateRefresh bool
	UserID        string
	Limit         int       // posts per window; 0 = 100
	Reset         time.Time // end of the current window
	Now           func() time.Time

	// Fail, when not empty, answers the next POST /2/tweets with its
	// first element (and drops it) instead of creating a post.
	Fail []XFailure
	// CreateDelay: after recording a post, wait this long (or until the
	// client goes away) before answering.
	CreateDelay time.Duration

	// MediaFail, when not empty, answers the next media request with its
	// first element.
	MediaFail []XFailure
	// ProcessingPolls is how many STATUS checks a finalized video stays
	// in_progress; ProcessingFails makes STATUS answer "failed".
	ProcessingPolls int
	ProcessingFails bool
	// XMediaByID are the uploads by media id; MediaCalls counts media
	// requests by step (path with {id}, GET with ?command=).
	XMediaByID map[string]*XMedia
	MediaCalls map[string]int

	Posts      []XPost
	reads      xReads // metrics reads (x_metrics_fake.go)
	Creates    int    // POST /2/tweets requests that reached the fake
	Refreshes  int
	nextID     int64
	usedWindow int
}

// XPost is a post the fake holds.
type XPost struct {
	ID        string
	Text      string   // as sent
	MediaIDs  []string // media.media_ids
	CreatedAt time.Time
}

// XFailure is a canned answer.
type XFailure struct {
	Status int
	Body   string
	Header map[string]string
}

// NewXFake starts a fake with a valid access and refresh token.
func NewXFake() *XFake {
	f := &XFake{AccessToken: "x-access-1", RefreshToken: "x-refresh-1", ClientID: "client-abc",
		UserID: "2244994945", nextID: 1445880548472328192, Now: time.Now}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *XFake) now() time.Time { return f.Now() }

func xProblem(w http.ResponseWriter, status int, title, detail, typ string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"title": title, "detail": detail, "type": typ, "status": status})
	_, _ = w.Write(b)
}

func xWriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *XFake) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/2/oauth2/token":
		f.token(w, r)
		return
	case r.URL.Path == "/2/tweets" && r.Method == http.MethodPost:
		f.create(w, r)
		return
	}
	if f.serveMedia(w, r) {
		return
	}
	if !f.authorized(w, r) {
		return
	}
	switch {
	case r.URL.Path == "/2/users/me" && r.Method == http.MethodGet:
		f.me(w, r)
	case r.URL.Path == "/2/tweets" && r.Method == http.MethodGet:
		f.lookup(w, r)
	case strings.HasPrefix(r.URL.Path, "/2/users/") && strings.HasSuffix(r.URL.Path, "/tweets") && r.Method == http.MethodGet:
		f.timeline(w, r)
	default:
		xProblem(w, 404, "Not Found Error", "Sorry, that page does not exist.", "https://api.twitter.com/2/problems/resource-not-found")
	}
}

func (f *XFake) authorized(w http.ResponseWriter, r *http.Request) bool {
	f.mu.Lock()
	ok := r.Header.Get("Authorization") == "Bearer "+f.AccessToken && f.AccessToken != ""
	f.mu.Unlock()
	if !ok {
		xProblem(w, 401, "Unauthorized", "Unauthorized", "about:blank")
	}
	return ok
}

func (f *XFake) create(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.Creates++
	f.mu.Unlock()
	if !f.authorized(w, r) {
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		xProblem(w, 400, "Invalid Request", "Content-Type must be application/json", "https://api.twitter.com/2/problems/invalid-request")
		return
	}
	var body struct {
		Text  *string `json:"text"`
		Media *struct {
			MediaIDs      []string `json:"media_ids"`
			TaggedUserIDs []string `json:"tagged_user_ids"`
		} `json:"media"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(&body)
	if err == nil && body.Media != nil {
		f.mu.Lock()
		msg := f.checkTweetMedia(body.Media.MediaIDs)
		f.mu.Unlock()
		if msg != "" {
			xProblem(w, 400, "Invalid Request", msg, "https://api.twitter.com/2/problems/invalid-request")
			return
		}
		if body.Text == nil {
			empty := ""
			body.Text = &empty
		}
	}
	if err != nil || body.Text == nil || (*body.Text == "" && body.Media == nil) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		_, _ = fmt.Fprintf(w, `{"errors":[{"message":"Requires at least one of text, media"}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}`)
		return
	}
	f.mu.Lock()
	if f.Limit == 0 {
		f.Limit = 100
	}
	now := f.now()
	if !f.Reset.After(now) {
		f.Reset = now.Add(15 * time.Minute).Truncate(time.Second)
		f.usedWindow = 0
	}
	f.usedWindow++
	remaining := max(f.Limit-f.usedWindow, 0)
	w.Header().Set("x-rate-limit-limit", strconv.Itoa(f.Limit))
	w.Header().Set("x-rate-limit-remaining", strconv.Itoa(remaining))
	w.Header().Set("x-rate-limit-reset", strconv.FormatInt(f.Reset.Unix(), 10))
	if len(f.Fail) > 0 {
		fl := f.Fail[0]
		f.Fail = f.Fail[1:]
		f.mu.Unlock()
		for k, v := range fl.Header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.Status)
		_, _ = w.Write([]byte(fl.Body))
		return
	}
	if f.usedWindow > f.Limit {
		f.mu.Unlock()
		xProblem(w, 429, "Too Many Requests", "Too Many Requests", "about:blank")
		return
	}
	for _, p := range f.Posts {
		if p.Text == *body.Text && *body.Text != "" {
			f.mu.Unlock()
			xProblem(w, 403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.", "about:blank")
			return
		}
	}
	f.nextID++
	p := XPost{ID: strconv.FormatInt(f.nextID, 10), Text: *body.Text, CreatedAt: now}
	if body.Media != nil {
		p.MediaIDs = body.Media.MediaIDs
	}
	f.Posts = append(f.Posts, p)
	delay := f.CreateDelay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	xWriteJSON(w, 201, map[string]any{"data": map[string]string{"id": p.ID, "text": xRendered(p.Text)}})
}

// xRendered is a text as X returns it: links as t.co, &<> escaped.
func xRendered(s string) string {
	r := []rune(s)
	var b strings.Builder
	last := 0
	for i, u := range text.ExtractURLs(s, true) {
		b.WriteString(string(r[last:u.Start]))
		fmt.Fprintf(&b, "https://t.co/Ab%08d", i)
		last = u.End
	}
	b.WriteString(string(r[last:]))
	return html.EscapeString(b.String())
}

func (f *XFake) timeline(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2/users/"), "/tweets")
	q := r.URL.Query()
	invalid := func(msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		b, _ := json.Marshal(map[string]any{"errors": []map[string]any{{"message": msg}},
			"title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
			"type": "https://api.twitter.com/2/problems/invalid-request"})
		_, _ = w.Write(b)
	}
	var since time.Time
	if s := q.Get("start_time"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			invalid("Invalid 'start_time':'" + s + "'. 'start_time' must be a valid RFC 3339 timestamp")
			return
		}
		since = t
	}
	n := 10
	if s := q.Get("max_results"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 5 || v > 100 {
			invalid("The `max_results` query parameter value [" + s + "] is not between 5 and 100")
			return
		}
		n = v
	}
	start := 0
	if s := q.Get("pagination_token"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			invalid("Invalid pagination_token")
			return
		}
		start = v
	}
	f.mu.Lock()
	if id != f.UserID {
		f.mu.Unlock()
		xProblem(w, 404, "Not Found Error", "Could not find user with id: ["+id+"].", "https://api.twitter.com/2/problems/resource-not-found")
		return
	}
	var all []map[string]any
	for i := len(f.Posts) - 1; i >= 0; i-- { // newest first
		p := f.Posts[i]
		if p.CreatedAt.Before(since) {
			continue
		}
		all = append(all, map[string]any{"id": p.ID, "text": xRendered(p.Text),
			"created_at":             p.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
			"edit_history_tweet_ids": []string{p.ID}})
	}
	f.mu.Unlock()
	if start > len(all) {
		start = len(all)
	}
	page := all[start:min(start+n, len(all))]
	meta := map[string]any{"result_count": len(page)}
	if len(page) > 0 {
		meta["newest_id"], meta["oldest_id"] = page[0]["id"], page[len(page)-1]["id"]
	}
	if start+n < len(all) {
		meta["next_token"] = strconv.Itoa(start + n)
	}
	out := map[string]any{"meta": meta}
	if len(page) > 0 {
		out["data"] = page
	}
	xWriteJSON(w, 200, out)
}

func (f *XFake) token(w http.ResponseWriter, r *http.Request) {
	oauthErr := func(status int, code, desc string) {
		xWriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthErr(400, "invalid_request", "Missing required parameter [grant_type].")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(400, "invalid_request", err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Refreshes++
	if f.ClientSecret != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(f.ClientID)+":"+url.QueryEscape(f.ClientSecret)))
		if r.Header.Get("Authorization") != want {
			oauthErr(401, "unauthorized_client", "Missing valid authorization header")
			return
		}
	}
	if r.PostForm.Get("client_id") != f.ClientID {
		oauthErr(400, "invalid_request", "Missing required parameter [client_id].")
		return
	}
	if r.PostForm.Get("grant_type") != "refresh_token" {
		oauthErr(400, "invalid_request", "Missing required parameter [grant_type].")
		return
	}
	if rt := r.PostForm.Get("refresh_token"); rt == "" || rt != f.RefreshToken {
		oauthErr(400, "invalid_request", "Value passed for the token was invalid.")
		return
	}
	f.AccessToken = fmt.Sprintf("x-access-%d", f.Refreshes+1)
	out := map[string]any{"token_type": "bearer", "expires_in": 7200, "access_token": f.AccessToken,
		"scope": "tweet.write users.read tweet.read offline.access"}
	if f.RotateRefresh {
		f.RefreshToken = fmt.Sprintf("x-refresh-%d", f.Refreshes+1)
		out["refresh_token"] = f.RefreshToken
	}
	xWriteJSON(w, 200, out)
}

// Snapshot returns the posts the fake holds.
func (f *XFake) Snapshot() []XPost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]XPost(nil), f.Posts...)
}

// Set runs fn with the fake locked, to change its fields safely.
func (f *XFake) Set(fn func(f *XFake)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}
