// Package linkedin publishes posts to LinkedIn through the Posts API
// (platforms.md §7): POST /rest/posts with the LinkedIn-Version and
// X-Restli-Protocol-Version: 2.0.0 headers → 201 Created with the new
// post's URN in the x-restli-id header.
//
// Exactly-once: LinkedIn has no idempotency key (a repeated text is
// refused as 422 DUPLICATE, which is reported as ErrRejected "duplicate").
// When the request was written and no answer came, or a 5xx came back, or
// a 201 without x-restli-id, Publish returns network.ErrUnknownOutcome.
// Media are uploaded first (Images and Videos APIs, media.go); those calls
// create nothing people see, so their failures are never an unknown
// outcome, and a retry uploads again.
package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/text"
)

const (
	// DefaultBaseURL is the API host.
	DefaultBaseURL = "https://api.linkedin.com"
	// DefaultVersion is the LinkedIn-Version (YYYYMM) sent when Options
	// has none. LinkedIn keeps a version active for about a year, so this
	// must be moved forward.
	DefaultVersion = "202510"
	// ReasonDuplicate is Error.Reason for a 422 DUPLICATE.
	ReasonDuplicate = "duplicate"
)

// Options configure a Client. The zero value works.
type Options struct {
	// BaseURL is the API host; empty means DefaultBaseURL.
	BaseURL string
	// Version is the LinkedIn-Version header, YYYYMM; empty means
	// DefaultVersion.
	Version string
	// HTTPClient sends the requests; its Timeout bounds each one. Nil
	// means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Clock is now; nil means soroe.SystemClock.
	Clock soroe.Clock
}

// Client is the LinkedIn adapter, safe for concurrent use.
type Client struct {
	base, version string
	hc            *http.Client
	now           soroe.Clock
}

var _ network.Publisher = (*Client)(nil)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{base: strings.TrimRight(o.BaseURL, "/"), version: o.Version, hc: o.HTTPClient, now: o.Clock}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.version == "" {
		c.version = DefaultVersion
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.now == nil {
		c.now = soroe.SystemClock
	}
	return c
}

// Capabilities: not idempotent, no recent-post lookup (yet). Media: 1–20
// images (JPEG, PNG, GIF) or one MP4 video, uploaded before the post
// (media.go); images and a video do not mix.
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{
		Network:         soroe.NetworkLinkedIn,
		MaxMediaPerPost: MaxImages,
		MediaTypes:      []string{"image/jpeg", "image/png", "image/gif", "video/mp4"},
		MaxImages:       MaxImages,
		MaxImageBytes:   MaxImageBytes,
		MaxVideos:       1,
		MaxVideoBytes:   MaxVideoBytes,
	}
}

// Author is the URN the account posts as: the Session's "author"
// ({"author":"urn:li:organization:123"}) or the Handle when it is a URN.
func Author(a *network.Account) string {
	var s struct {
		Author string `json:"author"`
	}
	if a.Credentials.Session != "" && json.Unmarshal([]byte(a.Credentials.Session), &s) == nil && s.Author != "" {
		return s.Author
	}
	if strings.HasPrefix(a.Handle, "urn:li:") {
		return a.Handle
	}
	return ""
}

// Escape writes s in LinkedIn's little text format: the reserved
// characters \ | { } @ [ ] ( ) < > # * _ ~ get a backslash, or LinkedIn
// would cut the text at them.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\|{}@[]()<>#*_~`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Publish posts p.Text (escaped; p.Link is expected in the text) as a
// PUBLIC main-feed post of the account's author. The text is checked with
// text.Check first (3,000 characters) and the media with
// network.CheckMedia; the media are then uploaded, owned by the author
// (a failure there is never an unknown outcome: nothing was posted), and
// the one posting call references them. RemoteID is the post's URN
// (urn:li:share:… or urn:li:ugcPost:…).
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if r := text.Check(soroe.NetworkLinkedIn, p.Text, text.Options{}); !r.Valid {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: r.Problems[0].Message}
	}
	if err := network.CheckMedia(c.Capabilities(), p.Media); err != nil {
		return network.Published{}, network.MediaError(err)
	}
	author := Author(a)
	if author == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "the account has no LinkedIn author URN"}
	}
	media, err := c.upload(ctx, a, author, p.Media)
	if err != nil {
		return network.Published{}, err
	}
	post := map[string]any{
		"author":     author,
		"commentary": Escape(p.Text),
		"visibility": "PUBLIC",
		"distribution": map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{},
			"thirdPartyDistributionChannels": []any{}},
		"lifecycleState":            "PUBLISHED",
		"isReshareDisabledByAuthor": false,
	}
	if len(media) > 0 {
		post["content"] = content(media, p.Media[0].IsVideo())
	}
	body, _ := json.Marshal(post)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/rest/posts", bytes.NewReader(body))
	if err != nil {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	req.Header.Set("LinkedIn-Version", c.version)
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	req.Header.Set("Content-Type", "application/json")
	resp, wrote, err := network.Send(c.hc, req)
	if err != nil {
		return network.Published{}, network.TransportError(err, wrote)
	}
	defer resp.Body.Close()
	raw, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if id := resp.Header.Get("X-Restli-Id"); id != "" {
			return network.Published{RemoteID: id}, nil
		}
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: resp.StatusCode,
			Reason: "created without an x-restli-id"}
	}
	if rerr != nil && resp.StatusCode >= 500 {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: resp.StatusCode, Reason: rerr.Error()}
	}
	return network.Published{}, c.failure(resp.StatusCode, raw)
}

// failure maps an error answer: 401 and 403 (revoked token, missing
// permission or role) ErrAuth; 429 ErrRateLimited until the next midnight
// UTC, when LinkedIn's daily limits reset; 422 with DUPLICATE ErrRejected
// "duplicate"; a 5xx ErrUnknownOutcome (the post may exist); any other
// 4xx ErrRejected with LinkedIn's message.
func (c *Client) failure(status int, raw []byte) error {
	var eb struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}
	_ = json.Unmarshal(raw, &eb)
	e := &network.Error{Status: status, Reason: eb.Message}
	if e.Reason == "" {
		e.Reason = http.StatusText(status)
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = network.ErrAuth
	case status == http.StatusTooManyRequests:
		n := c.now().UTC()
		e.Kind, e.RetryAfter = network.ErrRateLimited, time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, time.UTC)
	case status == http.StatusUnprocessableEntity && bytes.Contains(raw, []byte("DUPLICATE")):
		e.Kind, e.Reason = network.ErrRejected, ReasonDuplicate
	case status >= 500:
		e.Kind = network.ErrUnknownOutcome
	default:
		e.Kind = network.ErrRejected
	}
	return e
}
