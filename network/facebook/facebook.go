// Package facebook publishes posts to a Facebook Page through the Graph
// API (platforms.md §6): POST /{page-id}/feed with message (and link, or
// photos uploaded unpublished first) and the Page access token →
// {"id":"{page-id}_{post-id}"}; a video post is POST /{page-id}/videos.
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
	"strconv"
	"strings"

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
	return c
}

// Capabilities: not idempotent, no recent-post lookup (yet). Facebook
// fetches media from Media.URL: up to 10 photos, or one video [S: Graph
// API photo and video references as third parties repeat them — photos
// JPEG/PNG/GIF ≤ 4 MB, videos by file_url ≤ 1 GB; the 10-photo figure is
// this adapter's own cap, not a documented one; none is in platforms.md].
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkFacebook, MaxMediaPerPost: 10, MediaByURL: true,
		MaxImages: 10, MaxImageBytes: 4 << 20, MaxVideos: 1, MaxVideoBytes: 1 << 30,
		MediaTypes: []string{"image/jpeg", "image/png", "image/gif", "video/mp4", "video/quicktime"}}
}

// Publish posts p as a Page post. Account.Credentials.AccessToken is the
// Page access token; the Page is the Session's "page_id" when the account
// stored one ({"page_id":"1042…"}), else "me" (which a Page token resolves
// to its Page). The text is checked with text.Check first (empty text is
// fine when there is a link or media).
//
//   - Text (and p.Link as the link attachment): POST /{page}/feed.
//   - Photos: each is uploaded unpublished first (POST /{page}/photos with
//     url, published=false, alt_text_custom) — nothing shows yet — then
//     POST /{page}/feed with message and attached_media[n]={"media_fbid"}.
//     The link is then left to the text.
//   - A video: POST /{page}/videos with file_url and description, which is
//     itself the posting call; RemoteID is the video ID.
//
// RemoteID is otherwise "{page-id}_{post-id}".
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if r := text.Check(soroe.NetworkFacebook, p.Text, text.Options{AllowEmpty: p.Link != "" || len(p.Media) > 0}); !r.Valid {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: r.Problems[0].Message}
	}
	if err := network.CheckMedia(c.Capabilities(), p.Media); err != nil {
		return network.Published{}, network.MediaError(err)
	}
	for _, m := range p.Media {
		if u, err := url.Parse(m.URL); m.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: "attachment " + m.Filename + " has no public URL for Facebook to fetch"}
		}
	}
	tok := a.Credentials.AccessToken
	if tok == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Page access token"}
	}
	page := c.base + "/" + url.PathEscape(pageID(a))
	var out struct {
		ID string `json:"id"`
	}
	if len(p.Media) == 1 && p.Media[0].IsVideo() {
		form := url.Values{"file_url": {p.Media[0].URL}}
		if p.Text != "" {
			form.Set("description", p.Text)
		}
		if err := c.g.Post(ctx, page+"/videos", tok, form, true, &out); err != nil {
			return network.Published{}, err
		}
		if out.ID == "" {
			return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: http.StatusOK,
				Reason: "video posted without an id"}
		}
		return network.Published{RemoteID: out.ID}, nil
	}
	form := url.Values{}
	if p.Text != "" {
		form.Set("message", p.Text)
	}
	if len(p.Media) == 0 && p.Link != "" {
		form.Set("link", p.Link)
	}
	for i, m := range p.Media {
		var ph struct {
			ID string `json:"id"`
		}
		up := url.Values{"url": {m.URL}, "published": {"false"}}
		if m.Alt != "" {
			up.Set("alt_text_custom", m.Alt) // [M] not in platforms.md
		}
		if err := c.g.Post(ctx, page+"/photos", tok, up, false, &ph); err != nil {
			return network.Published{}, network.BeforePosting(err)
		}
		if ph.ID == "" {
			return network.Published{}, &network.Error{Kind: network.ErrTemporary, Reason: "photo uploaded without an id"}
		}
		b, _ := json.Marshal(map[string]string{"media_fbid": ph.ID})
		form.Set("attached_media["+strconv.Itoa(i)+"]", string(b))
	}
	if err := c.g.Post(ctx, page+"/feed", tok, form, true, &out); err != nil {
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
