package soroe

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Conversion sources.
const (
	ConversionAPI   = "api"
	ConversionPixel = "pixel"
	ConversionGA4   = "ga4"
)

// DefaultAttributionWindow is how long after a click a conversion is
// credited to it, unless the organization says otherwise.
const DefaultAttributionWindow = 30

// Link is a tracked link: one per post target, so each network has its own
// short code and utm_source. Destination already carries the UTM parameters.
type Link struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	PostID      int64     `json:"post_id"`
	TargetID    int64     `json:"target_id"`
	Network     Network   `json:"network"`
	GoalID      *int64    `json:"goal_id,omitempty"`
	Destination string    `json:"destination"`
	Code        string    `json:"code"`
	CreatedAt   time.Time `json:"created_at"`
}

// Click is one human click on a tracked link. No IP address is kept.
type Click struct {
	LinkID       int64
	OrgID        int64
	At           time.Time
	ReferrerHost string
	UAClass      string
}

// Conversion is one outcome (資料DL, 応募, 問い合わせ…) on the
// organization's site.
type Conversion struct {
	ID             int64     `json:"id"`
	OrgID          int64     `json:"org_id"`
	Event          string    `json:"event"`
	Value          *float64  `json:"value,omitempty"`
	At             time.Time `json:"occurred_at"`
	LinkID         *int64    `json:"link_id,omitempty"`
	PostID         *int64    `json:"post_id,omitempty"`
	GoalID         *int64    `json:"goal_id,omitempty"`
	Source         string    `json:"source"`
	IdempotencyKey string    `json:"-"`
	Attribution    string    `json:"attribution"`
	CreatedAt      time.Time `json:"created_at"`
	// Code, or else UTMSource and UTMContent (network and post ID), say
	// which click brought it; they are read, not stored.
	Code       string `json:"-"`
	UTMSource  string `json:"-"`
	UTMContent string `json:"-"`
}

// Validate checks a conversion before it is stored.
func (c *Conversion) Validate() error {
	c.Event = strings.ToLower(strings.TrimSpace(c.Event)) // the KPIs' event names
	switch {
	case c.Event == "":
		return Invalid("event", "required")
	case !eventName.MatchString(c.Event):
		return Invalid("event", "invalid_event")
	case c.Value != nil && (*c.Value != *c.Value || *c.Value > 1e12 || *c.Value < -1e12):
		return Invalid("value", "out_of_range")
	case c.Source != ConversionAPI && c.Source != ConversionPixel && c.Source != ConversionGA4:
		return Invalid("source", "invalid")
	case len(c.IdempotencyKey) > 200:
		return Invalid("idempotency_key", "too_long")
	case c.Code != "" && !ValidLinkCode(c.Code):
		return Invalid("code", "invalid")
	}
	return nil
}

// LinkSettings are an organization's tracking settings.
type LinkSettings struct {
	OrgID int64 `json:"-"`
	// Track is whether posts' links are tracked unless a post says no.
	Track bool `json:"track"`
	// WindowDays is the attribution window: a conversion is credited to
	// the last click at most this many days before it.
	WindowDays int `json:"attribution_window_days"`
	// SiteKey is the public key of the thank-you page's script and pixel.
	SiteKey string `json:"site_key"`
}

// Validate checks the settings.
func (s *LinkSettings) Validate() error {
	if s.WindowDays < 1 || s.WindowDays > 365 {
		return Invalid("attribution_window_days", "out_of_range")
	}
	return nil
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// LinkCodeLen is the length of a short code: 62^8 ≈ 2×10^14, unguessable
// enough for counting clicks.
const LinkCodeLen = 8

// NewLinkCode returns a random base62 code.
func NewLinkCode() string {
	return randomBase62(LinkCodeLen)
}

// NewSiteKey returns a random public site key.
func NewSiteKey() string { return "sk_" + randomBase62(20) }

func randomBase62(n int) string {
	b := make([]byte, n)
	m := big.NewInt(int64(len(base62)))
	for i := range b {
		x, err := rand.Int(rand.Reader, m)
		if err != nil {
			panic(err) // crypto/rand does not fail
		}
		b[i] = base62[x.Int64()]
	}
	return string(b)
}

// ValidLinkCode reports whether s can be a short code (letters and digits,
// 4 to 32 of them).
func ValidLinkCode(s string) bool {
	if len(s) < 4 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(base62, s[i]) < 0 {
			return false
		}
	}
	return true
}

// GoalSlug is a goal's utm_campaign: "goal-<id>", followed by the ASCII
// words of its title where it has some ("goal-12-spring-fair").
func GoalSlug(g *Goal) string {
	if g == nil {
		return "none"
	}
	var b strings.Builder
	dash := true
	for _, r := range strings.ToLower(g.Title) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		return fmt.Sprintf("goal-%d", g.ID)
	}
	return fmt.Sprintf("goal-%d-%s", g.ID, s)
}

// WithUTM adds the UTM parameters to a link, keeping its query and any utm_*
// it already has. campaign is the goal's slug; content the post's ID.
func WithUTM(link string, n Network, campaign string, postID int64) (string, error) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", Invalid("link", "invalid_link")
	}
	q := u.Query()
	for k, v := range map[string]string{
		"utm_source": string(n), "utm_medium": "social", "utm_campaign": campaign,
		"utm_content": strconv.FormatInt(postID, 10),
	} {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// WithParam sets one query parameter on a URL (soroe_c on the redirect).
func WithParam(link, key, value string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// User-agent classes of a click.
const (
	UAMobile  = "mobile"
	UADesktop = "desktop"
	UAInApp   = "in_app" // a network's own browser
	UAOther   = "other"
)

// botMarks are substrings (lower case) of the user agents of crawlers and
// link-preview fetchers, which every network sends when a link is posted.
var botMarks = []string{
	"bot", "crawler", "spider", "preview", "facebookexternalhit", "facebookcatalog",
	"whatsapp", "line-poker", "linespider", "embedly", "quora link", "vkshare",
	"skypeuripreview", "outbrain", "pinterest", "bitlybot", "tumblr", "redditbot",
	"mastodon", "misskey", "pleroma", "akkoma", "bluesky cardyb", "cardyb", "iframely",
	"headlesschrome", "phantomjs", "python-requests", "python-urllib", "curl/", "wget/",
	"go-http-client", "java/", "okhttp", "apache-httpclient", "node-fetch", "axios/",
	"http_request", "libwww", "feedfetcher", "slack-imgproxy", "google-pagerenderer",
	"lighthouse", "ahrefs", "semrush", "yandex", "baiduspider", "applebot", "duckduckgo",
}

// ClassifyUserAgent tells a bot or link-preview fetcher (bot true: the
// click is not counted) from a person, and gives a coarse class.
func ClassifyUserAgent(ua string) (class string, bot bool) {
	l := strings.ToLower(strings.TrimSpace(ua))
	if l == "" {
		return "", true
	}
	for _, m := range botMarks {
		if strings.Contains(l, m) {
			return "", true
		}
	}
	switch {
	case strings.Contains(l, "fban") || strings.Contains(l, "fbav") || strings.Contains(l, "instagram") ||
		strings.Contains(l, " line/") || strings.Contains(l, "twitter") || strings.Contains(l, "barcelona") ||
		strings.Contains(l, "linkedinapp"):
		return UAInApp, false
	case strings.Contains(l, "mobile") || strings.Contains(l, "iphone") || strings.Contains(l, "android"):
		return UAMobile, false
	case strings.Contains(l, "mozilla/"):
		return UADesktop, false
	}
	return UAOther, false
}
