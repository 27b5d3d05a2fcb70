// Package instagram publishes image, reel and carousel posts to an
// Instagram professional account through the Instagram Graph API
// (platforms.md §5): a container is created (POST /{ig-user-id}/media with
// image_url or video_url and caption), its status_code checked, then published
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
	if c.interval <= 0 {
		c.interval = 5 * time.Second
	}
	if c.wait <= 0 {
		c.wait = time.Minute
	}
	return c
}

// Capabilities: not idempotent, no recent-post lookup (yet). Instagram
// fetches media from Media.URL and needs at least one: an image, a video
// (published as a reel) or a carousel of 2–10 that may mix them. Figures:
// images ≤ 8 MiB [V: the 2207004 error example in platforms.md says "less
// than 8 MiB"], JPEG only [S: Meta's reference as third parties repeat
// it]; videos MP4/MOV ≤ 1 GB for reels [S, not verified here; carousel
// videos may have a lower cap]; 10 carousel items [S].
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkInstagram, MaxMediaPerPost: 10, MediaRequired: true, MediaByURL: true,
		MaxImages: 10, MaxImageBytes: 8 << 20, MaxVideos: 10, MaxVideoBytes: 1 << 30, MixImagesAndVideo: true,
		MediaTypes: []string{"image/jpeg", "video/mp4", "video/quicktime"}}
}

// Publish posts p.Media with p.Text as the caption. The caption is checked
// first with text.Check (2,200 characters, the hashtag cap) and the media
// with network.CheckMedia; either failing is ErrRejected without a call.
// One image is an image container (image_url, alt_text), one video a
// REELS container (video_url), several a CAROUSEL of item containers;
// videos are polled until FINISHED. The user is the Session's "user_id"
// when the account stored one ({"user_id":"1784…"}), else "me". RemoteID
// is the Instagram media ID.
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if r := text.Check(soroe.NetworkInstagram, p.Text, text.Options{InstagramHashtagCap: c.hashtagCap, AllowEmpty: true}); !r.Valid {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: r.Problems[0].Message}
	}
	if err := network.CheckMedia(c.Capabilities(), p.Media); err != nil {
		return network.Published{}, network.MediaError(err)
	}
	for _, m := range p.Media {
		if u, err := url.Parse(m.URL); m.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return network.Published{}, &network.Error{Kind: network.ErrRejected, Reason: "an Instagram post needs its media at a public URL"}
		}
	}
	tok := a.Credentials.AccessToken
	if tok == "" {
		return network.Published{}, &network.Error{Kind: network.ErrAuth, Reason: "the account has no Instagram access token"}
	}
	user := c.base + "/" + url.PathEscape(userID(a))
	var form url.Values
	if len(p.Media) == 1 {
		form = item(p.Media[0], false)
	} else {
		var ids []string
		for _, m := range p.Media {
			id, err := c.container(ctx, user, tok, item(m, true))
			if err != nil {
				return network.Published{}, network.BeforePosting(err)
			}
			ids = append(ids, id)
		}
		form = url.Values{"media_type": {"CAROUSEL"}, "children": {strings.Join(ids, ",")}}
	}
	if p.Text != "" {
		form.Set("caption", p.Text)
	}
	id, err := c.container(ctx, user, tok, form)
	if err != nil {
		return network.Published{}, err
	}
	var media struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/media_publish", tok, url.Values{"creation_id": {id}}, true, &media); err != nil {
		return network.Published{}, err
	}
	if media.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: http.StatusOK,
			Reason: "published without a media id"}
	}
	return network.Published{RemoteID: media.ID}, nil
}

// PublishImage posts the JPEG at the public imageURL with caption.
func (c *Client) PublishImage(ctx context.Context, a *network.Account, imageURL, caption string) (network.Published, error) {
	return c.Publish(ctx, a, network.Post{Text: caption, Media: []network.Media{{ContentType: "image/jpeg", URL: imageURL}}})
}

// item is the container request of one attachment; in a carousel a video
// is media_type VIDEO, alone it is a reel (REELS).
func item(m network.Media, carousel bool) url.Values {
	f := url.Values{"image_url": {m.URL}}
	if m.IsVideo() {
		f = url.Values{"media_type": {"REELS"}, "video_url": {m.URL}}
		if carousel {
			f.Set("media_type", "VIDEO")
		}
	} else if m.Alt != "" {
		f.Set("alt_text", m.Alt) // images only, since 2025-03-24
	}
	if carousel {
		f.Set("is_carousel_item", "true")
	}
	return f
}

// container creates a container and waits until it is FINISHED.
func (c *Client) container(ctx context.Context, user, tok string, form url.Values) (string, error) {
	var container struct {
		ID string `json:"id"`
	}
	if err := c.g.Post(ctx, user+"/media", tok, form, false, &container); err != nil {
		return "", err
	}
	if container.ID == "" {
		return "", &network.Error{Kind: network.ErrTemporary, Reason: "no container id in the answer"}
	}
	if err := c.g.WaitFinished(ctx, c.base, container.ID, tok, "status_code,status", c.interval, c.wait); err != nil {
		return "", err
	}
	return container.ID, nil
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
