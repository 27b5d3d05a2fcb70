// Package mastodon publishes statuses to a Mastodon instance with an access
// token, with images or a video uploaded first (media.go). Every post carries Idempotency-Key = Post.IdempotencyKey, which
// the instance honours for an hour: a retry returns the first status
// instead of posting again.
package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// defaultRetryAfter is how long to wait after a 429 that says nothing.
const defaultRetryAfter = 5 * time.Minute

// Options configure a Client. The zero value works.
type Options struct {
	// HTTPClient sends the requests; its Timeout bounds each one. Nil means
	// a client with a 30-second timeout.
	HTTPClient *http.Client
	// Clock is now; nil means soroe.SystemClock.
	Clock soroe.Clock
	// Language is the statuses' language (ISO 639-1); empty means "ja"
	// when the text has kana or kanji, and none otherwise.
	Language string
	// PollInterval is how often an attachment still being processed is
	// checked (default 2 s); MaxWait how long at most (default 2 min),
	// after which the attempt fails with ErrTemporary.
	PollInterval, MaxWait time.Duration
}

// Client is the Mastodon adapter, safe for concurrent use.
type Client struct {
	hc             *http.Client
	now            soroe.Clock
	lang           string
	interval, wait time.Duration
	// legacy are the instances found without GET /api/v1/statuses
	// (older than 4.3), by URL, with when that was found (metrics.go).
	legacy sync.Map
}

var (
	_ network.Publisher    = (*Client)(nil)
	_ network.RecentFinder = (*Client)(nil)
)

// New returns a Client.
func New(o Options) *Client {
	c := &Client{hc: o.HTTPClient, now: o.Clock, lang: o.Language, interval: o.PollInterval, wait: o.MaxWait}
	if c.interval <= 0 {
		c.interval = 2 * time.Second
	}
	if c.wait <= 0 {
		c.wait = 2 * time.Minute
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.now == nil {
		c.now = soroe.SystemClock
	}
	return c
}

// Capabilities: idempotent (for the hour the instance keeps the key) and
// recent statuses can be listed.
func (c *Client) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkMastodon, Idempotent: true, CanFindRecent: true,
		// Four attachments, one video and no images beside it [V: docs,
		// media_ids[]; the mixing rule is the server's 422]. Sizes are
		// upstream's defaults (MediaAttachment IMAGE_LIMIT 16 MB,
		// VIDEO_LIMIT 99 MB) [M — not verified here; an instance may
		// set others in /api/v2/instance configuration.media_attachments].
		MaxMediaPerPost: 4, MaxImages: 4, MaxImageBytes: 16 << 20, MaxVideos: 1, MaxVideoBytes: 99 << 20,
		MediaTypes: []string{"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime"}}
}

// Status is the part of a Mastodon status the adapter reads.
type Status struct {
	ID        string    `json:"id"`
	URI       string    `json:"uri"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
	Content   string    `json:"content"`
}

// Publish posts p as a public status of a.
func (c *Client) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	h, err := instance(a)
	if err != nil {
		return network.Published{}, err
	}
	// Attachments first (POST /api/v2/media); the status then names them.
	// A retry uploads them again and the Idempotency-Key returns the
	// first status; unused uploads are the instance's to clean up.
	ids, err := c.uploadMedia(ctx, h, a, p.Media)
	if err != nil {
		return network.Published{}, err
	}
	in := map[string]any{"status": p.Text, "visibility": "public"}
	if len(ids) > 0 {
		in["media_ids"] = ids
	}
	if l := c.language(p.Text); l != "" {
		in["language"] = l
	}
	var st Status
	res, err := c.do(ctx, http.MethodPost, h+"/api/v1/statuses", a, p.IdempotencyKey, in, &st)
	if err != nil {
		return network.Published{}, network.Outcome(err, true)
	}
	if !res.ok() {
		return network.Published{}, c.failure(res, true)
	}
	pub := published(st)
	pub.Quota = quota(res.header)
	return pub, nil
}

// quota reads X-RateLimit-Remaining and X-RateLimit-Reset (ISO 8601) of a
// successful answer; X-RateLimit-Limit is optional. Nil when either of
// the first two is missing or unreadable.
func quota(h http.Header) *network.RateQuota {
	rem, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Remaining")))
	if err != nil || rem < 0 {
		return nil
	}
	reset, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(h.Get("X-RateLimit-Reset")))
	if err != nil {
		return nil
	}
	q := &network.RateQuota{Remaining: rem, Reset: reset.UTC()}
	if l, err := strconv.Atoi(strings.TrimSpace(h.Get("X-RateLimit-Limit"))); err == nil && l > 0 {
		q.Limit = l
	}
	return q
}

// FindRecent looks for a status with this text among the account's 20
// latest (verify_credentials, then /api/v1/accounts/:id/statuses), created
// (server time) at or after since. Statuses come back as HTML; tags are
// stripped and entities unescaped before comparing, and runs of white
// space count as one space.
func (c *Client) FindRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	h, err := instance(a)
	if err != nil {
		return nil, err
	}
	var me struct {
		ID string `json:"id"`
	}
	res, err := c.do(ctx, http.MethodGet, h+"/api/v1/accounts/verify_credentials", a, "", nil, &me)
	if err != nil {
		return nil, network.Outcome(err, false)
	}
	if !res.ok() {
		return nil, c.failure(res, false)
	}
	var sts []Status
	q := url.Values{"limit": {"20"}, "exclude_reblogs": {"true"}}
	res, err = c.do(ctx, http.MethodGet, h+"/api/v1/accounts/"+url.PathEscape(me.ID)+"/statuses?"+q.Encode(), a, "", nil, &sts)
	if err != nil {
		return nil, network.Outcome(err, false)
	}
	if !res.ok() {
		return nil, c.failure(res, false)
	}
	want := normalize(text)
	for _, st := range sts {
		if !st.CreatedAt.Before(since) && normalize(PlainText(st.Content)) == want {
			pub := published(st)
			return &pub, nil
		}
	}
	return nil, nil
}

func published(st Status) network.Published {
	u := st.URL
	if u == "" {
		u = st.URI
	}
	return network.Published{RemoteID: st.ID, URL: u}
}

func instance(a *network.Account) (string, error) {
	if a.Host == "" {
		return "", &network.Error{Kind: network.ErrAuth, Reason: "the account has no Mastodon instance URL"}
	}
	h := strings.TrimRight(a.Host, "/")
	if !strings.Contains(h, "://") {
		h = "https://" + h
	}
	return h, nil
}

func (c *Client) language(s string) string {
	if c.lang != "" {
		return c.lang
	}
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return "ja"
		}
	}
	return ""
}

// PlainText turns a status's HTML content back into text: <br> is a line
// break, a new paragraph a blank line, tags go, entities are unescaped.
// Mastodon's shortened links keep their hidden parts in invisible spans,
// so the full URL comes back.
func PlainText(content string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(content))
	paragraphs := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "br":
				b.WriteByte('\n')
			case "p":
				if paragraphs > 0 {
					b.WriteString("\n\n")
				}
				paragraphs++
			}
		}
	}
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// failure maps an error answer; posting says the request would have
// created a status (another 4xx is then a rejection).
func (c *Client) failure(res result, posting bool) error {
	e := &network.Error{Status: res.status, Reason: res.reason}
	switch {
	case res.status == http.StatusTooManyRequests:
		e.Kind, e.RetryAfter = network.ErrRateLimited, c.retryAfter(res.header)
	case res.status == http.StatusUnauthorized || res.status == http.StatusForbidden:
		// 401 invalid or revoked token; 403 missing scope or a disabled
		// login: a person must reconnect.
		e.Kind = network.ErrAuth
	case res.status >= 500:
		e.Kind = network.ErrTemporary
	case posting && res.status >= 400:
		e.Kind = network.ErrRejected
	default:
		e.Kind = network.ErrTemporary
	}
	return e
}

// retryAfter reads X-RateLimit-Reset, an ISO 8601 time, then Retry-After.
func (c *Client) retryAfter(h http.Header) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(h.Get("X-RateLimit-Reset"))); err == nil {
		return t.UTC()
	}
	if v, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && v >= 0 {
		return c.now().Add(time.Duration(v) * time.Second)
	}
	return c.now().Add(defaultRetryAfter)
}

type result struct {
	status int
	header http.Header
	reason string // the body's "error", or the status text
}

func (r result) ok() bool { return r.status >= 200 && r.status < 300 }

func (c *Client) do(ctx context.Context, method, u string, a *network.Account, idem string, in, out any) (result, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return result{}, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return result{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	return c.roundTrip(req, out)
}

// roundTrip sends req: a 2xx body is decoded into out, an error body's
// "error" becomes the result's reason; transport failures come back as
// *network.SendError.
func (c *Client) roundTrip(req *http.Request, out any) (result, error) {
	resp, wrote, err := network.Send(c.hc, req)
	if err != nil {
		return result{}, &network.SendError{Wrote: wrote, Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return result{}, &network.SendError{Wrote: true, Err: err}
	}
	res := result{status: resp.StatusCode, header: resp.Header}
	if res.ok() {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				return res, &network.SendError{Wrote: true, Err: err}
			}
		}
		return res, nil
	}
	var eb struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(raw, &eb) == nil && eb.Error != "" {
		res.reason = eb.Error
	} else {
		res.reason = http.StatusText(res.status)
	}
	return res, nil
}
