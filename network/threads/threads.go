// Package threads publishes posts to Threads (Meta) through the Threads
// API (platforms.md §4): a TEXT, IMAGE, VIDEO or CAROUSEL container is created
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
	if c.interval <= 0 {
		c.interval = 5 * time.Second
	}
	if c.wait <= 0 {
		c.wait = time.Minute
	}
	return c
}

// Capabilities: not idempotent, no recent-post lookup (yet). Threads
// fetches media from Media.URL: one image or video, or a carousel of 2–20
// that may mix them [S: Threads media guidelines as third parties repeat
// them: JPEG/PNG images ≤ 8 MB, MP4/MOV videos ≤ 1 GB and ≤ 5 min, 20
// carousel items; not in platforms.md].
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkThreads, MaxMediaPerPost: 20,
		MaxImages: 20, MaxImageBytes: 8 << 20, MaxVideos: 20, MaxVideoBytes: 1 << 30, MixImagesAndVideo: true, MediaByURL: true,
		MediaTypes: []string{"image/jpeg", "image/png", "video/mp4", "video/quicktime"}}
}

// Publish posts p as the Threads user "me" (the token's owner): a TEXT
// post, an IMAGE or VIDEO post (image_url / video_url = Media.URL, with
// alt_text), or a CAROUSEL of item containers. The text is checked first
// with text.Check (500 characters with emoji as their UTF-8 bytes, at most
// 5 links); a text that fails is ErrRejected without a call. RemoteID is
// the Threads media ID; URL is empty (the publish answer carries no
// permalink).
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if r := text.Check(soroe.NetworkThreads, p.Text, text.Options{AllowEmpty: len(p.Media) > 0}); !r.Valid {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: r.Problems[0].Message}
	}
	if err := network.CheckMedia(c.Capabilities(), p.Media); err != nil {
		return network.Published{}, network.MediaError(err)
	}
	for _, m := range p.Media {
		if !publicURL(m.URL) {
			return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: "attachment " + m.Filename + " has no public URL for Threads to fetch"}
		}
	}
	tok := a.Credentials.AccessToken
	if tok == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Threads access token"}
	}
	user := c.base + "/me"
	form := url.Values{"media_type": {"TEXT"}}
	switch len(p.Media) {
	case 0:
	case 1:
		form = item(p.Media[0])
	default:
		// Carousel: one item container each, all FINISHED, then the
		// carousel naming them. Nothing is published until the end.
		var ids []string
		for _, m := range p.Media {
			f := item(m)
			f.Set("is_carousel_item", "true")
			id, err := c.container(ctx, user, tok, f)
			if err != nil {
				return network.Published{}, network.BeforePosting(err)
			}
			ids = append(ids, id)
		}
		form = url.Values{"media_type": {"CAROUSEL"}, "children": {strings.Join(ids, ",")}}
	}
	if p.Text != "" {
		form.Set("text", p.Text)
	}
	id, err := c.container(ctx, user, tok, form)
	if err != nil {
		return network.Published{}, err
	}
	var media struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/threads_publish", tok, url.Values{"creation_id": {id}}, true, &media); err != nil {
		return network.Published{}, err
	}
	if media.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: http.StatusOK,
			Reason: "published without a media id"}
	}
	return network.Published{RemoteID: media.ID}, nil
}

// item is the container request of one attachment.
func item(m network.Media) url.Values {
	f := url.Values{"media_type": {"IMAGE"}, "image_url": {m.URL}}
	if m.IsVideo() {
		f = url.Values{"media_type": {"VIDEO"}, "video_url": {m.URL}}
	}
	if m.Alt != "" {
		f.Set("alt_text", m.Alt)
	}
	return f
}

// container creates a container and waits until it is FINISHED (videos
// are processed first).
func (c *Client) container(ctx context.Context, user, tok string, form url.Values) (string, error) {
	var container struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/threads", tok, form, false, &container); err != nil {
		return "", err
	}
	if container.ID == "" {
		return "", &network.Error{Kind: network.ErrTemporary, Reason: "no container id in the answer"}
	}
	if err := c.g.WaitFinished(ctx, c.base, container.ID, tok, "status,error_message", c.interval, c.wait); err != nil {
		return "", err
	}
	return container.ID, nil
}

func publicURL(s string) bool {
	u, err := url.Parse(s)
	return s != "" && err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
