// Package line publishes to a LINE official account as a broadcast (a
// message to all its friends) through the Messaging API, with the channel
// access token (platforms.md §8).
//
// Every broadcast carries X-Line-Retry-Key, a UUID derived from
// Post.IdempotencyKey: LINE executes a request once per key and answers a
// retry of an accepted request with 409, which this adapter reports as
// success. So after ErrUnknownOutcome or ErrTemporary, re-sending the same
// Post (same IdempotencyKey) is safe (Capabilities.Idempotent). LINE keeps
// retry keys for 24 hours [M]: retry within that.
package line

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/google/uuid"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// DefaultBaseURL is the Messaging API host.
const DefaultBaseURL = "https://api.line.me"

// MaxTextLength is a text message's limit in UTF-16 code units.
const MaxTextLength = 5000

// DefaultRateLimitWait is how long to wait after a 429, which carries no
// reset header: broadcast and narrowcast share a limit of 60 requests per
// hour per channel (platforms.md §8), so one slot frees within a minute on
// average.
const DefaultRateLimitWait = time.Minute

// retryKeyNamespace is the UUID v5 namespace of Soroe's retry keys.
var retryKeyNamespace = uuid.MustParse("6d1f3c1e-93b7-4c8f-9a55-0c3f1e2b7a10")

// RetryKey is the X-Line-Retry-Key for an idempotency key: a UUID v5, the
// same for the same key on every attempt and every process.
func RetryKey(idempotencyKey string) string {
	return uuid.NewSHA1(retryKeyNamespace, []byte(idempotencyKey)).String()
}

// Options configure a Client; the zero value talks to api.line.me.
type Options struct {
	BaseURL       string
	HTTPClient    *http.Client
	RateLimitWait time.Duration    // 0: DefaultRateLimitWait
	Now           func() time.Time // for tests
}

// Client is the LINE adapter, a network.Publisher.
type Client struct {
	base string
	http *http.Client
	wait time.Duration
	now  func() time.Time
}

var _ network.Publisher = (*Client)(nil)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{base: strings.TrimRight(o.BaseURL, "/"), http: o.HTTPClient, wait: o.RateLimitWait, now: o.Now}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	if c.wait <= 0 {
		c.wait = DefaultRateLimitWait
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Capabilities: the retry key makes a broadcast idempotent; LINE cannot list
// past broadcasts. Images go as image messages after the text (a broadcast
// holds 5 messages [V], so 4 images), fetched by LINE from Media.URL,
// which serves as previewImageUrl too; so an image must meet the preview's
// limits: JPEG or PNG ≤ 1 MB [M: LINE's image message reference, not in
// platforms.md; the original may be 10 MB]. Video is refused: a video
// message needs a separate preview image, which Soroe does not make.
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkLINE, Idempotent: true, CanFindRecent: false,
		MaxMediaPerPost: 4, MaxImages: 4, MaxImageBytes: 1 << 20, MediaByURL: true,
		MediaTypes: []string{"image/jpeg", "image/png"}}
}

// TextLength is s's length as LINE counts it, in UTF-16 code units.
func TextLength(s string) int { return len(utf16.Encode([]rune(s))) }

// Publish broadcasts p.Text as one text message, followed by one image
// message per attachment, in one request: POST /v2/bot/message/broadcast.
// RemoteID is the request ID (X-Line-Request-Id; on a 409 the ID of the
// accepted request, X-Line-Accepted-Request-Id), which the insight API takes;
// broadcasts have no URL.
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if a == nil || a.Credentials.AccessToken == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "no channel access token"}
	}
	if p.IdempotencyKey == "" {
		// Without a stable key a retry could broadcast twice.
		return network.Published{}, errors.New("line: Post.IdempotencyKey is required")
	}
	if strings.TrimSpace(p.Text) == "" {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: "empty text"}
	}
	if n := TextLength(p.Text); n > MaxTextLength {
		return network.Published{}, &network.Error{Kind: network.ErrRejected,
			Reason: "text is longer than 5000 characters (UTF-16 units): " + strconv.Itoa(n)}
	}
	if err := network.CheckMedia(c.Capabilities(), p.Media); err != nil {
		return network.Published{}, network.MediaError(err)
	}
	msgs := []map[string]string{{"type": "text", "text": p.Text}}
	for _, m := range p.Media {
		if !strings.HasPrefix(m.URL, "https://") || len(m.URL) > 2000 {
			return network.Published{}, &network.Error{Kind: network.ErrRejected,
				Reason: "attachment " + m.Filename + " needs a public HTTPS URL of at most 2000 characters for LINE"}
		}
		msgs = append(msgs, map[string]string{"type": "image", "originalContentUrl": m.URL, "previewImageUrl": m.URL})
	}
	body, _ := json.Marshal(map[string]any{"messages": msgs})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v2/bot/message/broadcast", strings.NewReader(string(body)))
	if err != nil {
		return network.Published{}, err
	}
	key := RetryKey(p.IdempotencyKey)
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Retry-Key", key)

	resp, wrote, err := network.Send(c.http, req)
	if err != nil {
		return network.Published{}, network.TransportError(err, wrote)
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch st := resp.StatusCode; {
	case st == http.StatusOK:
		// The body ({}) does not matter; a read error after 200 does not
		// undo the broadcast.
		id := resp.Header.Get("X-Line-Request-Id")
		if id == "" {
			id = key
		}
		return network.Published{RemoteID: id}, nil
	case st == http.StatusConflict:
		// The retry key was accepted before: the broadcast went out.
		id := resp.Header.Get("X-Line-Accepted-Request-Id")
		if id == "" {
			id = key
		}
		return network.Published{RemoteID: id}, nil
	case rerr != nil:
		return network.Published{}, &network.Error{Kind: network.ErrTemporary, Status: st, Reason: rerr.Error()}
	default:
		return network.Published{}, c.classify(st, data)
	}
}

type errorResponse struct {
	Message string `json:"message"`
	Details []struct {
		Message  string `json:"message"`
		Property string `json:"property"`
	} `json:"details"`
}

func (c *Client) classify(st int, data []byte) error {
	var er errorResponse
	_ = json.Unmarshal(data, &er)
	reason := er.Message
	for _, d := range er.Details {
		part := d.Message
		if d.Property != "" {
			part = d.Property + ": " + d.Message
		}
		reason += "; " + part
	}
	reason = strings.TrimPrefix(reason, "; ")
	if reason == "" {
		reason = strings.TrimSpace(string(data))
		if len(reason) > 200 {
			reason = reason[:200] + "…"
		}
	}
	e := &network.Error{Status: st, Reason: reason}
	switch {
	case st == http.StatusTooManyRequests && strings.Contains(strings.ToLower(er.Message), "monthly limit"):
		// The plan's monthly message quota is spent: waiting minutes will
		// not help; the post fails with LINE's reason.
		e.Kind = network.ErrRejected
	case st == http.StatusTooManyRequests:
		e.Kind = network.ErrRateLimited
		e.RetryAfter = c.now().Add(c.wait)
	case st == http.StatusUnauthorized:
		e.Kind = network.ErrAuth
	case st >= 500:
		e.Kind = network.ErrTemporary
	default: // 400 invalid message, 403 not allowed for this channel's plan, …
		e.Kind = network.ErrRejected
	}
	return e
}
