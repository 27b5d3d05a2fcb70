// Package x publishes to X (Twitter) through API v2 with an OAuth 2.0 user
// access token (Authorization Code Flow with PKCE), and refreshes that token.
//
// X has no idempotency key (platforms.md, "Quick comparison"), so a request
// whose answer was lost is reported as network.ErrUnknownOutcome and must be
// settled with FindRecent, never re-sent blindly.
package x

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// DefaultBaseURL is X's API host.
const DefaultBaseURL = "https://api.x.com"

// ReasonDuplicate is the Reason of the ErrRejected that X's 403 "You are not
// allowed to create a Tweet with duplicate content" becomes.
//
// A duplicate means an identical post already exists on the account. The
// publisher settles it with FindRecent(text, since = the target's first
// attempt): if the identical post is found there, it is this target's own
// post from an earlier attempt whose answer was lost — mark the target sent
// with that remote ID; if it is not found, the identical post is an older,
// unrelated one — mark the target failed with "duplicate" for its author.
const ReasonDuplicate = "duplicate"

// defaultRateLimitWait is how long to wait after a 429 that carries no
// x-rate-limit-reset: X's rate-limit windows are 15 minutes
// (docs.x.com/fundamentals/rate-limits).
const defaultRateLimitWait = 15 * time.Minute

// Options configure a Client. The zero value posts to api.x.com with
// http.DefaultClient; ClientID (and ClientSecret for a confidential client)
// are needed only by RefreshToken.
type Options struct {
	BaseURL      string
	HTTPClient   *http.Client
	ClientID     string
	ClientSecret string           // empty for a public client
	Now          func() time.Time // for tests
	// MediaPollInterval is how often a video's processing is checked;
	// 0 means what X's check_after_secs says. MediaMaxWait is how long at
	// most (default 3 min), after which the attempt fails with
	// ErrTemporary.
	MediaPollInterval, MediaMaxWait time.Duration
}

// Client is the X adapter: a network.Publisher and network.RecentFinder.
type Client struct {
	base   string
	http   *http.Client
	id     string
	secret string
	now    func() time.Time

	mediaPoll, mediaWait time.Duration
}

var (
	_ network.Publisher    = (*Client)(nil)
	_ network.RecentFinder = (*Client)(nil)
)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{base: strings.TrimRight(o.BaseURL, "/"), http: o.HTTPClient,
		id: o.ClientID, secret: o.ClientSecret, now: o.Now, mediaPoll: o.MediaPollInterval, mediaWait: o.MediaMaxWait}
	if c.mediaWait <= 0 {
		c.mediaWait = 3 * time.Minute
	}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Capabilities: X has no idempotency key; recent posts can be listed. Up
// to 4 images or one video (limits in media.go).
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkX, Idempotent: false, CanFindRecent: true,
		MaxMediaPerPost: 4, MaxImages: 4, MaxImageBytes: MaxImageBytes, MaxVideos: 1, MaxVideoBytes: MaxVideoBytes,
		MediaTypes: []string{"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"}}
}

// PostURL is the link to a post by its ID, valid whatever the account's
// handle.
func PostURL(id string) string { return "https://x.com/i/web/status/" + id }

// Publish creates a post: POST /2/tweets {"text": …, "media":
// {"media_ids": […]}} with the user token, after uploading the media.
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if a == nil || a.Credentials.AccessToken == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "no access token; reconnect the account"}
	}
	if strings.TrimSpace(p.Text) == "" && len(p.Media) == 0 {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: "empty text"}
	}
	ids, err := c.mediaIDs(ctx, a, p.Media)
	if err != nil {
		return network.Published{}, err
	}
	in := map[string]any{"text": p.Text}
	if len(ids) > 0 {
		in["media"] = map[string]any{"media_ids": ids}
	}
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/2/tweets", strings.NewReader(string(body)))
	if err != nil {
		return network.Published{}, err
	}
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, data, err := c.do(req, true)
	if err != nil {
		return network.Published{}, err
	}
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
		var out struct {
			Data struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"data"`
		}
		if json.Unmarshal(data, &out) != nil || out.Data.ID == "" {
			// X said yes but we cannot tell where: the post may exist.
			return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: resp.StatusCode,
				Reason: "success without a post id: " + snippet(data)}
		}
		return network.Published{RemoteID: out.Data.ID, URL: PostURL(out.Data.ID), Quota: quota(resp.Header)}, nil
	}
	return network.Published{}, c.classify(resp, data)
}

// do sends req and reads the whole answer. A transport failure becomes
// ErrTemporary when the request never went out (or when unsafe is false:
// a read that can be repeated), ErrUnknownOutcome when it was written and the
// answer was lost.
func (c *Client) do(req *http.Request, unsafe bool) (*http.Response, []byte, error) {
	resp, wrote, err := network.Send(c.http, req)
	if err != nil {
		return nil, nil, network.TransportError(err, unsafe && wrote)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		// The status line arrived; for a success the body is what we lack.
		unknown := unsafe && resp.StatusCode < 300
		return nil, nil, network.TransportError(err, unknown)
	}
	return resp, data, nil
}

// apiError is both of X's error shapes: v2 problem details
// {"title","detail","type","status"} and {"errors":[{"message","code"} or
// {"title","detail"}]} (v1.1 style, also v2 partial errors).
type apiError struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Errors []struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
		Title   string `json:"title"`
		Detail  string `json:"detail"`
	} `json:"errors"`
}

func (e apiError) reason() string {
	if e.Detail != "" {
		return e.Detail
	}
	var parts []string
	for _, x := range e.Errors {
		switch {
		case x.Detail != "":
			parts = append(parts, x.Detail)
		case x.Message != "":
			parts = append(parts, x.Message)
		case x.Title != "":
			parts = append(parts, x.Title)
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, "; ")
	}
	return e.Title
}

func parseError(data []byte) apiError {
	var e apiError
	_ = json.Unmarshal(data, &e)
	return e
}

// classify turns a non-success answer into a *network.Error.
func (c *Client) classify(resp *http.Response, data []byte) error {
	e := parseError(data)
	reason := e.reason()
	if reason == "" {
		reason = snippet(data)
	}
	st := resp.StatusCode
	out := &network.Error{Status: st, Reason: reason}
	switch {
	case st == http.StatusTooManyRequests:
		out.Kind = network.ErrRateLimited
		out.RetryAfter = c.retryAfter(resp.Header)
	case st == http.StatusUnauthorized:
		out.Kind = network.ErrAuth
	case st == http.StatusForbidden && isDuplicate(reason):
		out.Kind = network.ErrRejected
		out.Reason = ReasonDuplicate
	case st >= 500:
		// A 5xx from X is a temporary failure. X has no idempotency key
		// and a gateway error can in rare cases follow a post that was
		// created, so a cautious publisher calls FindRecent before it
		// retries a post after a 5xx.
		out.Kind = network.ErrTemporary
	default: // 400, 403 (policy, suspended app…), 404, 422…
		out.Kind = network.ErrRejected
	}
	return out
}

func isDuplicate(reason string) bool {
	return strings.Contains(strings.ToLower(reason), "duplicate content")
}

// IsDuplicate reports whether err is X's duplicate-content rejection.
func IsDuplicate(err error) bool {
	var e *network.Error
	return errors.As(err, &e) && errors.Is(e.Kind, network.ErrRejected) && e.Reason == ReasonDuplicate
}

// retryAfter is when a 429 may be retried: the latest reset among the
// exhausted limits (the 15-minute x-rate-limit-* and the daily
// x-user-limit-24hour-* / x-app-limit-24hour-*), all epoch seconds; with no
// usable header, 15 minutes from now. X sends no Retry-After.
func (c *Client) retryAfter(h http.Header) time.Time {
	var best time.Time
	for _, prefix := range []string{"x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"} {
		reset, ok := epoch(h.Get(prefix + "-reset"))
		if !ok {
			continue
		}
		// A limit with remaining left is not the one that stopped us; the
		// 15-minute headers count when nothing says otherwise.
		if rem := h.Get(prefix + "-remaining"); rem != "" && rem != "0" && prefix != "x-rate-limit" {
			continue
		}
		if reset.After(best) {
			best = reset
		}
	}
	if best.IsZero() || !best.After(c.now()) {
		return c.now().Add(defaultRateLimitWait)
	}
	return best
}

// quota reads the rate limits a successful POST /2/tweets reports: the
// 15-minute x-rate-limit-* and, when sent, the daily
// x-user-limit-24hour-* and x-app-limit-24hour-*. It returns the one with
// the fewest posts left (on a tie, the later reset), or nil when none has
// a readable remaining and reset.
func quota(h http.Header) *network.RateQuota {
	var best *network.RateQuota
	for _, prefix := range []string{"x-rate-limit", "x-user-limit-24hour", "x-app-limit-24hour"} {
		rem, err := strconv.Atoi(strings.TrimSpace(h.Get(prefix + "-remaining")))
		if err != nil || rem < 0 {
			continue
		}
		reset, ok := epoch(h.Get(prefix + "-reset"))
		if !ok {
			continue
		}
		q := &network.RateQuota{Remaining: rem, Reset: reset}
		if l, err := strconv.Atoi(strings.TrimSpace(h.Get(prefix + "-limit"))); err == nil && l > 0 {
			q.Limit = l
		}
		if best == nil || q.Remaining < best.Remaining || (q.Remaining == best.Remaining && q.Reset.After(best.Reset)) {
			best = q
		}
	}
	return best
}

func epoch(s string) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
