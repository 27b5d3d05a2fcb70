// Package bluesky publishes to Bluesky (the AT Protocol): it logs in with a
// handle and an app password on the account's PDS, keeps the session in
// network.Credentials.Session, and writes app.bsky.feed.post records with
// link and hashtag facets, and with images or a video uploaded first
// (com.atproto.repo.uploadBlob; see media.go).
//
// Exactly-once: every post is written under a record key derived from
// Post.IdempotencyKey (RecordKey), so a retry of the same target names the
// same record and the PDS refuses a second copy; the adapter reads that
// record back and reports it as published.
package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// DefaultHost is the PDS used when Account.Host is empty.
const DefaultHost = "https://bsky.social"

// Collection is the NSID of posts.
const Collection = "app.bsky.feed.post"

// defaultRetryAfter is how long to wait after a 429 that says nothing.
const defaultRetryAfter = time.Minute

// Options configure a Client. The zero value works.
type Options struct {
	// HTTPClient sends the requests; its Timeout bounds each one. Nil means
	// a client with a 30-second timeout.
	HTTPClient *http.Client
	// Clock is now; nil means soroe.SystemClock.
	Clock soroe.Clock
	// Langs are the post's langs; nil means ["ja"] when the text has kana
	// or kanji, and none otherwise.
	Langs []string
}

// Client is the Bluesky adapter. It is safe for concurrent use; each call
// updates only the *network.Account it is given.
type Client struct {
	hc    *http.Client
	now   soroe.Clock
	langs []string
}

var (
	_ network.Publisher    = (*Client)(nil)
	_ network.RecentFinder = (*Client)(nil)
)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{hc: o.HTTPClient, now: o.Clock, langs: o.Langs}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.now == nil {
		c.now = soroe.SystemClock
	}
	return c
}

// Capabilities: a retry cannot post twice (the record key is fixed), and
// recent posts can be listed.
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkBluesky, Idempotent: true, CanFindRecent: true,
		MaxMediaPerPost: 4, MaxImages: 4, MaxImageBytes: MaxImageBytes, MaxVideos: 1, MaxVideoBytes: MaxVideoBytes,
		// image/* per the lexicon; the app takes these [S]. Video:
		// mp4 [S] (the blog also names mpeg, webm, mov [S]).
		MediaTypes: []string{"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"}}
}

// Session is what createSession and refreshSession return that the adapter
// keeps; it is stored as JSON in Credentials.Session.
type Session struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
}

// record is an app.bsky.feed.post.
type record struct {
	Type      string   `json:"$type"`
	Text      string   `json:"text"`
	CreatedAt string   `json:"createdAt"`
	Langs     []string `json:"langs,omitempty"`
	Facets    []Facet  `json:"facets,omitempty"`
	Embed     any      `json:"embed,omitempty"`
}

// Publish writes p as a post of a. A.Credentials.Session is updated when
// the adapter logs in or refreshes; the caller stores it.
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if p.IdempotencyKey == "" || p.CreatedAt.IsZero() {
		// A programming error, caught before anything is sent.
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: "bluesky: a post needs an idempotency key and a creation time"}
	}
	rkey := RecordKey(p.IdempotencyKey, p.CreatedAt)
	// Media first: blobs are content-addressed, so uploading them again
	// on a retry of the same target adds nothing but the same blobs.
	embed, err := c.embed(ctx, a, p.Media)
	if err != nil {
		return network.Published{}, err
	}
	rec := record{
		Type:      Collection,
		Text:      p.Text,
		CreatedAt: p.CreatedAt.UTC().Format("2006-01-02T15:04:05.000Z"),
		Langs:     c.langsFor(p.Text),
		Facets:    Facets(p.Text),
		Embed:     embed,
	}
	var out struct {
		URI string `json:"uri"`
		CID string `json:"cid"`
	}
	var sess *Session
	res, err := c.authed(ctx, a, true, func(s *Session) (result, error) {
		sess = s
		in := map[string]any{"repo": s.DID, "collection": Collection, "rkey": rkey, "record": rec}
		return c.do(ctx, http.MethodPost, host(a)+"/xrpc/com.atproto.repo.createRecord", s.AccessJwt, nil, in, &out)
	})
	if err != nil {
		return network.Published{}, err
	}
	if res.ok() {
		pub := c.published(a, sess, out.URI)
		pub.Quota = quota(res.header)
		return pub, nil
	}
	if res.status == http.StatusBadRequest {
		// The record key may already be taken — by an earlier attempt of
		// this very post. Read it back before calling the post rejected.
		got, gerr := c.getRecord(ctx, a, sess, rkey)
		switch {
		case gerr == nil && got != nil && got.Value.Text == p.Text:
			return c.published(a, sess, got.URI), nil
		case gerr == nil && got != nil:
			return network.Published{}, &network.Error{Kind: network.ErrRejected, Status: res.status,
				Reason: "record key " + rkey + " already holds another post"}
		case gerr != nil && mentionsExisting(res.message):
			return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: res.status,
				Reason: res.reason() + " (and the record could not be read back: " + gerr.Error() + ")"}
		}
	}
	return network.Published{}, c.failure(res, true)
}

func mentionsExisting(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "exist") || strings.Contains(m, "already")
}

// Lookup checks whether the record that Publish writes for p exists: the
// exact way to settle an unknown outcome on Bluesky. It returns (nil, nil)
// when there is none.
func (c *Client) Lookup(ctx context.Context, a *network.Account, p network.Post) (*network.Published, error) {
	if p.IdempotencyKey == "" || p.CreatedAt.IsZero() {
		return nil, errors.New("bluesky: lookup needs the post's idempotency key and creation time")
	}
	rkey := RecordKey(p.IdempotencyKey, p.CreatedAt)
	var sess *Session
	var out repoRecord
	res, err := c.authed(ctx, a, false, func(s *Session) (result, error) {
		sess = s
		q := url.Values{"repo": {s.DID}, "collection": {Collection}, "rkey": {rkey}}
		return c.do(ctx, http.MethodGet, host(a)+"/xrpc/com.atproto.repo.getRecord", s.AccessJwt, q, nil, &out)
	})
	switch {
	case err != nil:
		return nil, err
	case res.ok():
		pub := c.published(a, sess, out.URI)
		return &pub, nil
	case res.errName == "RecordNotFound":
		return nil, nil
	}
	return nil, c.failure(res, false)
}

// FindRecent lists the account's latest posts on its PDS
// (com.atproto.repo.listRecords, newest first) and returns one whose text
// is text and whose createdAt is not before since. Bluesky keeps no
// server time in the repository: createdAt is what the adapter sent
// (Post.CreatedAt), so since must not be later than that.
func (c *Client) FindRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	var sess *Session
	cursor := ""
	for page := 0; page < 4; page++ {
		var out struct {
			Cursor  string       `json:"cursor"`
			Records []repoRecord `json:"records"`
		}
		res, err := c.authed(ctx, a, false, func(s *Session) (result, error) {
			sess = s
			q := url.Values{"repo": {s.DID}, "collection": {Collection}, "limit": {"50"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			return c.do(ctx, http.MethodGet, host(a)+"/xrpc/com.atproto.repo.listRecords", s.AccessJwt, q, nil, &out)
		})
		if err != nil {
			return nil, err
		}
		if !res.ok() {
			return nil, c.failure(res, false)
		}
		older := 0
		for _, r := range out.Records {
			t, terr := time.Parse(time.RFC3339Nano, r.Value.CreatedAt)
			if terr != nil {
				continue
			}
			if t.Before(since) {
				older++
				continue
			}
			if r.Value.Text == text {
				pub := c.published(a, sess, r.URI)
				return &pub, nil
			}
		}
		if out.Cursor == "" || len(out.Records) == 0 || older == len(out.Records) {
			return nil, nil
		}
		cursor = out.Cursor
	}
	return nil, nil
}

// repoRecord is an entry of getRecord and listRecords.
type repoRecord struct {
	URI   string `json:"uri"`
	CID   string `json:"cid"`
	Value record `json:"value"`
}

// getRecord reads the post at rkey; (nil, nil) when the PDS has none.
func (c *Client) getRecord(ctx context.Context, a *network.Account, s *Session, rkey string) (*repoRecord, error) {
	var out repoRecord
	q := url.Values{"repo": {s.DID}, "collection": {Collection}, "rkey": {rkey}}
	res, err := c.do(ctx, http.MethodGet, host(a)+"/xrpc/com.atproto.repo.getRecord", s.AccessJwt, q, nil, &out)
	if err != nil {
		return nil, network.Outcome(err, false)
	}
	if res.ok() {
		return &out, nil
	}
	if res.errName == "RecordNotFound" {
		return nil, nil
	}
	return nil, c.failure(res, false)
}

func (c *Client) published(a *network.Account, s *Session, uri string) network.Published {
	handle := s.Handle
	if handle == "" {
		handle = strings.TrimPrefix(a.Handle, "@")
	}
	if handle == "" {
		handle = s.DID
	}
	rkey := uri[strings.LastIndexByte(uri, '/')+1:]
	return network.Published{RemoteID: uri, URL: "https://bsky.app/profile/" + handle + "/post/" + rkey}
}

func (c *Client) langsFor(s string) []string {
	if c.langs != nil {
		return c.langs
	}
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return []string{"ja"}
		}
	}
	return nil
}

func host(a *network.Account) string {
	if a.Host == "" {
		return DefaultHost
	}
	return strings.TrimRight(a.Host, "/")
}

// authed runs call with the account's session, logging in when there is
// none and refreshing (or logging in again) once when the PDS says the
// access token expired or is invalid. Errors returned are *network.Error
// for the session steps and the transport; call's HTTP answer comes back
// as the result.
func (c *Client) authed(ctx context.Context, a *network.Account, posting bool, call func(*Session) (result, error)) (result, error) {
	s, fresh, err := c.session(ctx, a)
	if err != nil {
		return result{}, err
	}
	res, err := call(s)
	if err != nil {
		return res, network.Outcome(err, posting)
	}
	if !res.authProblem() {
		return res, nil
	}
	if fresh {
		return res, c.failure(res, false) // a brand-new session was refused
	}
	if s, err = c.refresh(ctx, a, s); err != nil {
		return result{}, err
	}
	res, err = call(s)
	if err != nil {
		return res, network.Outcome(err, posting)
	}
	if res.authProblem() {
		return res, &network.Error{Kind: network.ErrAuth, Status: res.status, Reason: res.reason()}
	}
	return res, nil
}

// session returns the cached session, or logs in; fresh says it just did.
func (c *Client) session(ctx context.Context, a *network.Account) (*Session, bool, error) {
	if a.Credentials.Session != "" {
		var s Session
		if json.Unmarshal([]byte(a.Credentials.Session), &s) == nil && s.AccessJwt != "" && s.DID != "" {
			return &s, false, nil
		}
	}
	s, err := c.login(ctx, a)
	return s, true, err
}

// login calls com.atproto.server.createSession with the app password.
func (c *Client) login(ctx context.Context, a *network.Account) (*Session, error) {
	if a.Credentials.AppPassword == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "no app password"}
	}
	var s Session
	in := map[string]string{"identifier": strings.TrimPrefix(a.Handle, "@"), "password": a.Credentials.AppPassword}
	res, err := c.do(ctx, http.MethodPost, host(a)+"/xrpc/com.atproto.server.createSession", "", nil, in, &s)
	if err != nil {
		return nil, network.Outcome(err, false)
	}
	if !res.ok() {
		return nil, c.sessionFailure(res)
	}
	return &s, c.keep(a, &s)
}

// refresh calls com.atproto.server.refreshSession with the refresh token,
// and logs in again when that token is expired or invalid too.
func (c *Client) refresh(ctx context.Context, a *network.Account, old *Session) (*Session, error) {
	var s Session
	res, err := c.do(ctx, http.MethodPost, host(a)+"/xrpc/com.atproto.server.refreshSession", old.RefreshJwt, nil, nil, &s)
	if err != nil {
		return nil, network.Outcome(err, false)
	}
	if res.ok() {
		return &s, c.keep(a, &s)
	}
	if res.authProblem() {
		return c.login(ctx, a)
	}
	return nil, c.sessionFailure(res)
}

func (c *Client) keep(a *network.Account, s *Session) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	a.Credentials.Session = string(b)
	return nil
}

// sessionFailure maps a refused login or refresh: nothing was posted, so
// whatever went wrong on the network side is temporary.
func (c *Client) sessionFailure(res result) error {
	switch {
	case res.status == http.StatusTooManyRequests:
		return c.failure(res, false)
	case res.status >= 500:
		return &network.Error{Kind: network.ErrTemporary, Status: res.status, Reason: res.reason()}
	default:
		// 401 AuthenticationRequired (wrong password), AccountTakedown,
		// AuthFactorTokenRequired, …: a person must act.
		return &network.Error{Kind: network.ErrAuth, Status: res.status, Reason: res.reason()}
	}
}

// failure maps an XRPC error answer. posting says the request created a
// post (a 4xx other than auth and rate limits is then a rejection).
func (c *Client) failure(res result, posting bool) error {
	e := &network.Error{Status: res.status, Reason: res.reason()}
	switch {
	case res.status == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = network.ErrRateLimited, c.retryAfter(res.header)
	case res.authProblem() || res.status == http.StatusForbidden:
		e.Kind = network.ErrAuth
	case res.status >= 500:
		e.Kind = network.ErrTemporary
	case posting && res.status >= 400:
		e.Kind = network.ErrRejected
	default:
		e.Kind = network.ErrTemporary
	}
	return e
}

// retryAfter reads RateLimit-Reset (Unix seconds), then Retry-After.
func (c *Client) retryAfter(h http.Header) time.Time {
	if v, err := strconv.ParseInt(strings.TrimSpace(h.Get("RateLimit-Reset")), 10, 64); err == nil && v > 0 {
		return time.Unix(v, 0).UTC()
	}
	if v, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && v >= 0 {
		return c.now().Add(time.Duration(v) * time.Second)
	}
	if t, err := http.ParseTime(h.Get("Retry-After")); err == nil {
		return t.UTC()
	}
	return c.now().Add(defaultRetryAfter)
}

// createPoints is what one createRecord costs of the PDS's write limits
// (5,000 points an hour, 35,000 a day per account; platforms.md).
const createPoints = 3

// quota reads RateLimit-Remaining and RateLimit-Reset (Unix seconds) of a
// successful createRecord; RateLimit-Limit is optional. The numbers are
// the write limits' points, so they are divided by what a post costs:
// with 2 points left no post fits. (When the tightest limit is one counted
// in calls instead, this stops up to two calls early; a 429 would cost
// more.) Nil when either header is missing or unreadable.
func quota(h http.Header) *network.RateQuota {
	rem, err := strconv.Atoi(strings.TrimSpace(h.Get("RateLimit-Remaining")))
	if err != nil || rem < 0 {
		return nil
	}
	v, err := strconv.ParseInt(strings.TrimSpace(h.Get("RateLimit-Reset")), 10, 64)
	if err != nil || v <= 0 {
		return nil
	}
	q := &network.RateQuota{Remaining: rem / createPoints, Reset: time.Unix(v, 0).UTC()}
	if l, err := strconv.Atoi(strings.TrimSpace(h.Get("RateLimit-Limit"))); err == nil && l > 0 {
		q.Limit = l / createPoints
	}
	return q
}

// result is an HTTP answer: its status and, for errors, the XRPC error
// body {error, message}.
type result struct {
	status           int
	header           http.Header
	errName, message string
}

func (r result) ok() bool { return r.status >= 200 && r.status < 300 }

// authProblem: the token was refused (401, or 400 ExpiredToken /
// InvalidToken as the PDS answers for a stale JWT).
func (r result) authProblem() bool {
	return r.status == http.StatusUnauthorized || r.errName == "ExpiredToken" || r.errName == "InvalidToken"
}

func (r result) reason() string {
	switch {
	case r.errName != "" && r.message != "":
		return r.errName + ": " + r.message
	case r.message != "":
		return r.message
	case r.errName != "":
		return r.errName
	}
	return http.StatusText(r.status)
}

// do sends one XRPC request. A 2xx body is decoded into out; an error body
// into the result. Transport failures come back as *network.SendError.
func (c *Client) do(ctx context.Context, method, u, token string, q url.Values, in, out any) (result, error) {
	var body io.Reader
	contentType := "application/json"
	if rb, ok := in.(rawBody); ok {
		body, contentType = bytes.NewReader(rb.b), rb.contentType
	} else if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return result{}, err
		}
		body = bytes.NewReader(b)
	}
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return result{}, err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, wrote, err := network.Send(c.hc, req)
	if err != nil {
		return result{}, &network.SendError{Wrote: wrote, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return result{}, &network.SendError{Wrote: true, Err: err}
	}
	res := result{status: resp.StatusCode, header: resp.Header}
	if res.ok() {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				return res, &network.SendError{Wrote: true, Err: fmt.Errorf("bluesky: reading %s answer: %w", method, err)}
			}
		}
		return res, nil
	}
	var eb struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &eb) == nil {
		res.errName, res.message = eb.Error, eb.Message
	}
	return res, nil
}
