// Package instagram publishes image posts to an Instagram professional
// account through the Instagram Graph API (platforms.md §5): an image
// container is created (POST /{ig-user-id}/media with image_url and
// caption), its status_code checked, then published
// (POST /{ig-user-id}/media_publish with creation_id).
//
// Exactly-once: Instagram has no idempotency key. An unpublished container
// publishes nothing, so failures up to the publish call are safe to retry;
// when the publish call was written and no answer came, or a 5xx /
// transient error came back, Publish returns network.ErrUnknownOutcome.
package instagram

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook/graphapi"
	"github.com/soroe/soroe/text"
)

// DefaultBaseURL is the Instagram Login host (graph.facebook.com serves
// the same calls for Facebook Login tokens).
const DefaultBaseURL = "https://graph.instagram.com/v23.0"

// Options configure a Client. The zero value works.
type Options struct {
	// BaseURL is the API root with version; empty means DefaultBaseURL.
	BaseURL string
	// HTTPClient sends the requests; its Timeout bounds each one. Nil
	// means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Clock is now; nil means soroe.SystemClock.
	Clock soroe.Clock
	// HashtagCap is text.Options.InstagramHashtagCap: 0 means 5 (the rule
	// since December 2025), 30 the legacy rule, negative no cap.
	HashtagCap int
	// PollInterval is how often a container's status_code is checked
	// while IN_PROGRESS (default 5 s); MaxWait how long at most (default
	// 1 min), after which the attempt fails with ErrTemporary.
	PollInterval, MaxWait time.Duration
}

// Client is the Instagram adapter, safe for concurrent use.
type Client struct {
	g              graphapi.Client
	base           string
	hashtagCap     int
	interval, wait time.Duration
}

var _ network.Publisher = (*Client)(nil)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{base: strings.TrimRight(o.BaseURL, "/"), hashtagCap: o.HashtagCap, interval: o.PollInterval, wait: o.MaxWait,
		// Code 9 (subcode 2207042) is the 24-hour publishing quota.
		g: graphapi.Client{HTTP: o.HTTPClient, Now: o.Clock, RateCodes: []int{9}}}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.g.HTTP == nil {
		c.g.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if c.g.Now == nil {
		c.g.Now = soroe.SystemClock
	}
	if c.interval <= 0 {
		c.interval = 5 * time.Second
	}
	if c.wait <= 0 {
		c.wait = time.Minute
	}
	return c
}

// Capabilities: not idempotent, no recent-post lookup (yet).
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkInstagram, MaxMediaPerPost: 1}
}

// Publish posts an image with p.Text as its caption. network.Post has no
// media field yet, so p.Link is taken as the image's public URL (Instagram
// has no link posts; links in captions are not clickable); see
// PublishImage.
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	return c.PublishImage(ctx, a, p.Link, p.Text)
}

// PublishImage posts the image at imageURL (public, JPEG) with caption.
// The caption is checked first with text.Check (2,200 characters, the
// hashtag cap); one that fails is ErrRejected without a call. The user is
// the Session's "user_id" when the account stored one
// ({"user_id":"1784…"}), else "me". RemoteID is the Instagram media ID.
func (c *Client) PublishImage(ctx context.Context, a *network.Account, imageURL, caption string) (network.Published, error) {
	if r := text.Check(soroe.NetworkInstagram, caption, text.Options{InstagramHashtagCap: c.hashtagCap, AllowEmpty: true}); !r.Valid {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: r.Problems[0].Message}
	}
	if u, err := url.Parse(imageURL); imageURL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: "an Instagram post needs an image at a public URL"}
	}
	tok := a.Credentials.AccessToken
	if tok == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Instagram access token"}
	}
	user := c.base + "/" + url.PathEscape(userID(a))
	form := url.Values{"image_url": {imageURL}}
	if caption != "" {
		form.Set("caption", caption)
	}
	var container struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/media", tok, form, false, &container); err != nil {
		return network.Published{}, err
	}
	if container.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrTemporary, Reason: "no container id in the answer"}
	}
	if err := c.g.WaitFinished(ctx, c.base, container.ID, tok, "status_code,status", c.interval, c.wait); err != nil {
		return network.Published{}, err
	}
	var media struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/media_publish", tok, url.Values{"creation_id": {container.ID}}, true, &media); err != nil {
		return network.Published{}, err
	}
	if media.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: http.StatusOK,
			Reason: "published without a media id"}
	}
	return network.Published{RemoteID: media.ID}, nil
}

func userID(a *network.Account) string {
	var s struct {
		UserID string `json:"user_id"`
	}
	if a.Credentials.Session != "" && json.Unmarshal([]byte(a.Credentials.Session), &s) == nil && s.UserID != "" {
		return s.UserID
	}
	return "me"
}
