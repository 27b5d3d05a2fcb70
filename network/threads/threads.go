// Package threads publishes text posts to Threads (Meta) through the
// Threads API (platforms.md §4): a TEXT media container is created
// (POST /{threads-user-id}/threads), its status checked
// (GET /{container-id}?fields=status,error_message), then published
// (POST /{threads-user-id}/threads_publish with creation_id).
//
// Exactly-once: Threads has no idempotency key. Creating a container
// publishes nothing (an unused one expires after 24 hours), so any
// failure up to the publish call is safe to retry. The publish call is
// not: when it was written and no answer came, or a 5xx / transient error
// came back, or a success whose body cannot be read, Publish returns
// network.ErrUnknownOutcome.
package threads

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook/graphapi"
	"github.com/soroe/soroe/text"
)

// DefaultBaseURL is the Threads Graph API host and version.
const DefaultBaseURL = "https://graph.threads.net/v1.0"

// Options configure a Client. The zero value works.
type Options struct {
	// BaseURL is the API root with version; empty means DefaultBaseURL.
	BaseURL string
	// HTTPClient sends the requests; its Timeout bounds each one. Nil
	// means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Clock is now; nil means soroe.SystemClock.
	Clock soroe.Clock
	// PollInterval is how often a container's status is checked while it
	// is IN_PROGRESS (default 5 s); MaxWait how long at most (default
	// 1 min), after which the attempt fails with ErrTemporary.
	PollInterval, MaxWait time.Duration
}

// Client is the Threads adapter, safe for concurrent use.
type Client struct {
	g              graphapi.Client
	base           string
	interval, wait time.Duration
}

var _ network.Publisher = (*Client)(nil)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{base: strings.TrimRight(o.BaseURL, "/"), interval: o.PollInterval, wait: o.MaxWait,
		g: graphapi.Client{HTTP: o.HTTPClient, Now: o.Clock}}
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
	return network.Capabilities{Network: soroe.NetworkThreads, MaxMediaPerPost: 20}
}

// Publish posts p.Text as a TEXT post of a, as the Threads user "me" (the
// token's owner). The text is checked first with text.Check (500
// characters with emoji as their UTF-8 bytes, at most 5 links); a text
// that fails is ErrRejected without a call. RemoteID is the Threads media
// ID; URL is empty (the publish answer carries no permalink).
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if r := text.Check(soroe.NetworkThreads, p.Text, text.Options{}); !r.Valid {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: r.Problems[0].Message}
	}
	tok := a.Credentials.AccessToken
	if tok == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Threads access token"}
	}
	user := c.base + "/me"
	var container struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/threads", tok, url.Values{"media_type": {"TEXT"}, "text": {p.Text}}, false, &container); err != nil {
		return network.Published{}, err
	}
	if container.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrTemporary, Reason: "no container id in the answer"}
	}
	if err := c.g.WaitFinished(ctx, c.base, container.ID, tok, "status,error_message", c.interval, c.wait); err != nil {
		return network.Published{}, err
	}
	var media struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/threads_publish", tok, url.Values{"creation_id": {container.ID}}, true, &media); err != nil {
		return network.Published{}, err
	}
	if media.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: http.StatusOK,
			Reason: "published without a media id"}
	}
	return network.Published{RemoteID: media.ID}, nil
}
