// Package facebook publishes posts to a Facebook Page through the Graph
// API (platforms.md §6): POST /{page-id}/feed with message (and link) and
// the Page access token → {"id":"{page-id}_{post-id}"}.
//
// Exactly-once: the Graph API has no idempotency key. When the post was
// written and no answer came, or a 5xx / transient error came back, or a
// success without an id, Publish returns network.ErrUnknownOutcome.
package facebook

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

// DefaultBaseURL is the Graph API root with version.
const DefaultBaseURL = "https://graph.facebook.com/v23.0"

// Options configure a Client. The zero value works.
type Options struct {
	// BaseURL is the API root with version; empty means DefaultBaseURL.
	BaseURL string
	// HTTPClient sends the requests; its Timeout bounds each one. Nil
	// means a client with a 30-second timeout.
	HTTPClient *http.Client
	// Clock is now; nil means soroe.SystemClock.
	Clock soroe.Clock
}

// Client is the Facebook Page adapter, safe for concurrent use.
type Client struct {
	g    graphapi.Client
	base string
}

var _ network.Publisher = (*Client)(nil)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{base: strings.TrimRight(o.BaseURL, "/"), g: graphapi.Client{HTTP: o.HTTPClient, Now: o.Clock}}
	if c.base == "" {
		c.base = DefaultBaseURL
	}
	if c.g.HTTP == nil {
		c.g.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	if c.g.Now == nil {
		c.g.Now = soroe.SystemClock
	}
	return c
}

// Capabilities: not idempotent, no recent-post lookup (yet).
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkFacebook, MaxMediaPerPost: 10}
}

// Publish posts p.Text as the Page's message, with p.Link as its link
// attachment when set. Account.Credentials.AccessToken is the Page access
// token; the Page is the Session's "page_id" when the account stored one
// ({"page_id":"1042…"}), else "me" (which a Page token resolves to its
// Page). The text is checked with text.Check first (empty text is fine
// when there is a link). RemoteID is "{page-id}_{post-id}".
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if r := text.Check(soroe.NetworkFacebook, p.Text, text.Options{AllowEmpty: p.Link != ""}); !r.Valid {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: r.Problems[0].Message}
	}
	tok := a.Credentials.AccessToken
	if tok == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Page access token"}
	}
	form := url.Values{}
	if p.Text != "" {
		form.Set("message", p.Text)
	}
	if p.Link != "" {
		form.Set("link", p.Link)
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, c.base+"/"+url.PathEscape(pageID(a))+"/feed", tok, form, true, &out); err != nil {
		return network.Published{}, err
	}
	if out.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: http.StatusOK,
			Reason: "posted without a post id"}
	}
	return network.Published{RemoteID: out.ID}, nil
}

func pageID(a *network.Account) string {
	var s struct {
		PageID string `json:"page_id"`
	}
	if a.Credentials.Session != "" && json.Unmarshal([]byte(a.Credentials.Session), &s) == nil && s.PageID != "" {
		return s.PageID
	}
	return "me"
}
