// Package graphapi is what Meta's Graph APIs share — Facebook Pages,
// Instagram and Threads (platforms.md §4–6): form-encoded calls with an
// access_token parameter, the error envelope
// {"error":{"message","type","code","error_subcode","is_transient","fbtrace_id"}},
// throttling codes and usage headers, mapped to network.Error kinds.
package graphapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// DefaultRetryAfter is how long to wait after a throttling error whose
// usage headers say nothing about when access comes back: Meta's
// platform rate limits are a rolling one-hour window.
const DefaultRetryAfter = time.Hour

// Client sends Graph API calls. A nil HTTP is a client with a 30-second
// timeout; a nil Now the system clock.
type Client struct {
	HTTP *http.Client
	Now  soroe.Clock
	// RateCodes are the error codes that mean "throttled" beyond the shared
	// ones (4 app, 17 user, 32 page, 613 custom, 80000–80014 business use
	// case); Instagram adds 9 (publishing limit).
	RateCodes []int
}

// Envelope is the Graph error body.
type Envelope struct {
	Error struct {
		Message     string `json:"message"`
		Type        string `json:"type"`
		Code        int    `json:"code"`
		Subcode     int    `json:"error_subcode"`
		IsTransient bool   `json:"is_transient"`
		UserTitle   string `json:"error_user_title"`
		UserMsg     string `json:"error_user_msg"`
		FBTraceID   string `json:"fbtrace_id"`
	} `json:"error"`
}

// Post sends form (with access_token added) to u, form-encoded, and
// decodes a 2xx answer into out. unsafe says the call may create
// something that must not be created twice: when it was written and no
// answer came, or a 5xx or transient error came back, or a 2xx whose body
// cannot be read, the error is ErrUnknownOutcome rather than ErrTemporary.
func (c *Client) Post(ctx context.Context, u, token string, form url.Values, unsafe bool, out any) error {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("access_token", token)
	return c.do(ctx, http.MethodPost, u, strings.NewReader(f.Encode()), unsafe, false, out)
}

// Get reads u with query q (access_token added); it is always safe to
// repeat.
func (c *Client) Get(ctx context.Context, u, token string, q url.Values, out any) error {
	f := url.Values{}
	for k, v := range q {
		f[k] = v
	}
	f.Set("access_token", token)
	return c.do(ctx, http.MethodGet, u+"?"+f.Encode(), nil, false, false, out)
}

// do sends the call; coded says an error answer comes back as *APIError
// (its Graph code kept) rather than the bare *network.Error.
func (c *Client) do(ctx context.Context, method, u string, body io.Reader, unsafe, coded bool, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return &network.Error{Kind: network.ErrRejected, Reason: err.Error()}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, wrote, err := network.Send(c.httpClient(), req)
	if err != nil {
		return network.TransportError(err, unsafe && wrote)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return network.TransportError(err, unsafe)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return network.TransportError(fmt.Errorf("unreadable answer: %w", err), unsafe)
		}
		return nil
	}
	err = c.Failure(resp.StatusCode, resp.Header, raw, unsafe)
	if coded {
		var env Envelope
		_ = json.Unmarshal(raw, &env)
		return &APIError{Err: err.(*network.Error), Status: resp.StatusCode, Code: env.Error.Code, Subcode: env.Error.Subcode}
	}
	return err
}

// Failure maps an error answer: 190/102 (token expired, revoked, session
// invalid) and 10/200–299 (permission missing) are ErrAuth; throttling
// codes ErrRateLimited with RetryAfter from the usage headers; a 5xx,
// codes 1/2 or is_transient ErrTemporary (ErrUnknownOutcome when unsafe);
// any other 4xx ErrRejected with Meta's message.
func (c *Client) Failure(status int, h http.Header, raw []byte, unsafe bool) error {
	var env Envelope
	_ = json.Unmarshal(raw, &env)
	g := env.Error
	e := &network.Error{Status: status, Reason: reason(status, env)}
	switch {
	case g.Code == 190 || g.Code == 102 || g.Code == 10 || (g.Code >= 200 && g.Code <= 299) ||
		(g.Code == 0 && (status == http.StatusUnauthorized || status == http.StatusForbidden)):
		e.Kind = network.ErrAuth
	case c.rateCode(g.Code) || (g.Code == 0 && status == http.StatusTooManyRequests):
		e.Kind, e.RetryAfter = network.ErrRateLimited, c.retryAfter(h)
	case status >= 500 || g.Code == 1 || g.Code == 2 || g.IsTransient:
		e.Kind = network.ErrTemporary
		if unsafe {
			e.Kind = network.ErrUnknownOutcome
		}
	default:
		e.Kind = network.ErrRejected
	}
	return e
}

func reason(status int, env Envelope) string {
	g := env.Error
	if g.Message == "" {
		return http.StatusText(status)
	}
	s := g.Message
	if g.UserMsg != "" && g.UserMsg != g.Message {
		s += ": " + g.UserMsg
	}
	s += fmt.Sprintf(" (code %d", g.Code)
	if g.Subcode != 0 {
		s += fmt.Sprintf(", subcode %d", g.Subcode)
	}
	if g.FBTraceID != "" {
		s += ", fbtrace_id " + g.FBTraceID
	}
	return s + ")"
}

func (c *Client) rateCode(code int) bool {
	switch {
	case code == 4 || code == 17 || code == 32 || code == 613 || (code >= 80000 && code <= 80014):
		return true
	}
	for _, k := range c.RateCodes {
		if k == code {
			return true
		}
	}
	return false
}

// retryAfter reads estimated_time_to_regain_access (minutes) from
// X-Business-Use-Case-Usage ({"<id>":[{…}]}) or X-Page-Usage / X-App-Usage
// ({…}), the largest one; without one it is DefaultRetryAfter.
func (c *Client) retryAfter(h http.Header) time.Time {
	longest := -1
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" {
		var buc map[string][]usage
		if json.Unmarshal([]byte(v), &buc) == nil {
			for _, us := range buc {
				for _, u := range us {
					longest = max(longest, u.Regain)
				}
			}
		}
	}
	for _, k := range []string{"X-Page-Usage", "X-App-Usage"} {
		var u usage
		if v := h.Get(k); v != "" && json.Unmarshal([]byte(v), &u) == nil {
			longest = max(longest, u.Regain)
		}
	}
	if longest > 0 {
		return c.now().Add(time.Duration(longest) * time.Minute)
	}
	return c.now().Add(DefaultRetryAfter)
}

type usage struct {
	Regain int `json:"estimated_time_to_regain_access"`
}

// Container is a media container's state (Threads "status", Instagram
// "status_code").
type Container struct {
	Status       string `json:"status"`
	StatusCode   string `json:"status_code"`
	ErrorMessage string `json:"error_message"`
}

// WaitFinished polls GET {base}/{id}?fields=… every interval until the
// container is FINISHED, for at most wait. ERROR is ErrRejected with the
// container's message; EXPIRED, or still IN_PROGRESS at the end,
// ErrTemporary (nothing was published, a new container may be made);
// PUBLISHED ErrUnknownOutcome (it went out without this call publishing
// it).
func (c *Client) WaitFinished(ctx context.Context, base, id, token, fields string, interval, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		var st Container
		if err := c.Get(ctx, base+"/"+url.PathEscape(id), token, url.Values{"fields": {fields}}, &st); err != nil {
			return err
		}
		s := st.StatusCode // Instagram; its "status" is a sentence
		if s == "" {
			s = st.Status // Threads
		}
		switch s {
		case "FINISHED", "":
			return nil
		case "ERROR":
			r := st.ErrorMessage
			if r == "" && st.StatusCode != "" {
				r = st.Status
			}
			if r == "" {
				r = "the media container could not be processed"
			}
			return &network.Error{Kind: network.ErrRejected, Reason: r}
		case "EXPIRED":
			return &network.Error{Kind: network.ErrTemporary, Reason: "the media container expired"}
		case "PUBLISHED":
			return &network.Error{Kind: network.ErrUnknownOutcome, Reason: "the media container is already published"}
		}
		if !time.Now().Add(interval).Before(deadline) {
			return &network.Error{Kind: network.ErrTemporary, Reason: "the media container is still " + s}
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return &network.Error{Kind: network.ErrTemporary, Reason: ctx.Err().Error()}
		case <-t.C:
		}
	}
}

// defaultHTTP serves clients that set no HTTP client.
var defaultHTTP = &http.Client{Timeout: 30 * time.Second}

func (c *Client) httpClient() *http.Client {
	if c.HTTP == nil {
		return defaultHTTP
	}
	return c.HTTP
}

func (c *Client) now() time.Time {
	if c.Now == nil {
		return soroe.SystemClock()
	}
	return c.Now()
}
