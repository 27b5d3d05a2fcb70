// Package network is the one small interface every social network's
// package implements (network/bluesky, network/mastodon, …), and the errors
// they share. Publishing must be exactly-once (docs/architecture.md): an
// adapter reports what it knows — sent with the remote ID, failed for sure,
// or an outcome it cannot know — and never retries on its own.
package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// Account is a connected account as an adapter needs it: where to post and
// with which credentials (decrypted by the caller).
type Account struct {
	ID      int64
	Network soroe.Network
	Handle  string // @name, handle.bsky.social, …
	// Host is the server for networks that have several: a Mastodon
	// instance (https://mastodon.social) or a Bluesky PDS
	// (https://bsky.social). Empty means the network's default.
	Host        string
	Credentials Credentials
}

// Credentials are what an adapter authenticates with. Which fields are set
// depends on the network.
type Credentials struct {
	AccessToken  string
	RefreshToken string
	ExpiresAt    time.Time // of AccessToken; zero when it does not expire
	AppPassword  string    // Bluesky
	// Session is an adapter's own cached session (e.g. Bluesky's JWTs as
	// JSON); the caller stores it encrypted and hands it back.
	Session string
}

// Post is what to publish on one account.
type Post struct {
	Text string
	Link string // also in Text where the network has no link field
	// IdempotencyKey is stable for one post × account target across
	// attempts; adapters send it where the network honours one (Mastodon
	// Idempotency-Key, LINE X-Line-Retry-Key).
	IdempotencyKey string
	// CreatedAt is the post's time (Bluesky's createdAt).
	CreatedAt time.Time
	// Media are the attachments, in order (images or one video).
	Media []Media
}

// Media is one attachment. Adapters that upload bytes call Open; those
// whose network fetches media by URL (Instagram, Threads, Facebook, LINE)
// use URL, a public, signed, expiring link served by Soroe.
type Media struct {
	Filename    string
	ContentType string // image/jpeg, image/png, image/gif, image/webp, video/mp4, video/quicktime
	Size        int64
	Alt         string // alternative text, where the network takes one
	Open        func(ctx context.Context) (io.ReadCloser, error)
	URL         string
}

// IsVideo reports whether the attachment is a video.
func (m Media) IsVideo() bool { return strings.HasPrefix(m.ContentType, "video/") }

// Published is where a post landed.
type Published struct {
	RemoteID string // the network's ID (Bluesky: the at:// URI)
	URL      string // a link people can open, when the network has one
	// Quota is the account's rate limit as the network reported it on the
	// successful posting call, so that the engine can stop before a 429
	// instead of learning the limit from one. Nil when the answer carried
	// no rate-limit headers or they could not be read.
	Quota *RateQuota
}

// RateQuota is a rate limit as a network's headers describe it after a
// call that counted against it: what is left of the window, and when the
// window resets. Adapters report the limit closest to being spent when
// the network sends several (X's 15-minute and 24-hour limits).
type RateQuota struct {
	// Limit is the window's size, in the units of Remaining; 0 when not
	// given.
	Limit int
	// Remaining is how many more posts the window allows. It is the
	// header's number for X and Mastodon; Bluesky counts its write limits
	// in points, a post costing 3, and its adapter converts.
	Remaining int
	// Reset is when the window starts again.
	Reset time.Time
}

// Capabilities describe a network for the UI, the pre-approval check
// (CheckMedia) and the scheduler.
type Capabilities struct {
	Network       soroe.Network
	Idempotent    bool // a retry with the same key cannot post twice
	CanFindRecent bool // recent posts can be listed to settle an unknown outcome
	// MaxMediaPerPost is how many attachments one post takes in all; 0
	// means the adapter sends no media.
	MaxMediaPerPost int

	// MediaTypes are the content types the adapter accepts
	// (image/jpeg, video/mp4, …).
	MediaTypes []string
	// MaxImages is how many images one post takes (0: no images).
	MaxImages int
	// MaxImageBytes is the largest image accepted, in bytes (0: no limit
	// known).
	MaxImageBytes int64
	// MaxVideos is how many videos one post takes (0: no video).
	MaxVideos int
	// MaxVideoBytes is the largest video accepted, in bytes (0: no limit
	// known).
	MaxVideoBytes int64
	// MixImagesAndVideo says images and a video may share a post.
	MixImagesAndVideo bool
	// MediaRequired says a post needs at least one attachment
	// (Instagram).
	MediaRequired bool
	// MediaByURL says the network fetches media from Media.URL (a public
	// link served by Soroe) instead of taking uploaded bytes.
	MediaByURL bool
}

// AcceptsType reports whether the network takes attachments of this
// content type (parameters such as "; charset" are ignored).
func (c Capabilities) AcceptsType(contentType string) bool {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = strings.TrimSpace(ct[:i])
	}
	for _, t := range c.MediaTypes {
		if t == ct {
			return true
		}
	}
	return false
}

// CheckMedia checks attachments against a network's capabilities, before
// approval and again before publishing. Errors are soroe.Invalid on the
// field "media" with a stable key (translated as "error.<key>"); the first
// problem found is returned. A Size of 0 (unknown) passes the size checks.
func CheckMedia(c Capabilities, media []Media) error {
	if len(media) == 0 {
		if c.MediaRequired {
			return soroe.Invalid("media", "media_required")
		}
		return nil
	}
	if c.MaxMediaPerPost == 0 || len(c.MediaTypes) == 0 {
		return soroe.Invalid("media", "media_not_supported")
	}
	images, videos := 0, 0
	for _, m := range media {
		if !c.AcceptsType(m.ContentType) {
			if m.IsVideo() && c.MaxVideos == 0 {
				return soroe.Invalid("media", "media_video_not_supported")
			}
			return soroe.Invalid("media", "media_type_not_supported")
		}
		if m.IsVideo() {
			videos++
			if c.MaxVideoBytes > 0 && m.Size > c.MaxVideoBytes {
				return soroe.Invalid("media", "media_video_too_large")
			}
		} else {
			images++
			if c.MaxImageBytes > 0 && m.Size > c.MaxImageBytes {
				return soroe.Invalid("media", "media_image_too_large")
			}
		}
	}
	switch {
	case videos > 0 && c.MaxVideos == 0:
		return soroe.Invalid("media", "media_video_not_supported")
	case videos > c.MaxVideos:
		return soroe.Invalid("media", "media_too_many_videos")
	case images > c.MaxImages:
		return soroe.Invalid("media", "media_too_many_images")
	case videos > 0 && images > 0 && !c.MixImagesAndVideo:
		return soroe.Invalid("media", "media_mixed")
	case len(media) > c.MaxMediaPerPost:
		return soroe.Invalid("media", "media_too_many")
	}
	return nil
}

// Publisher posts to one network.
type Publisher interface {
	Capabilities() Capabilities
	Publish(ctx context.Context, a *Account, p Post) (Published, error)
}

// RecentFinder finds, among an account's recent posts, one with this text
// published after since — how an attempt whose outcome is unknown is
// settled without posting again. It returns (nil, nil) when there is none.
type RecentFinder interface {
	FindRecent(ctx context.Context, a *Account, text string, since time.Time) (*Published, error)
}

// Errors adapters return, wrapped in *Error.
var (
	// ErrRateLimited: the network said to wait (Error.RetryAfter).
	ErrRateLimited = errors.New("rate limited")
	// ErrTemporary: a 5xx or a network failure before the request was
	// sent; safe to retry.
	ErrTemporary = errors.New("temporary failure")
	// ErrAuth: the grant is revoked or the credentials are wrong; a person
	// must reconnect the account.
	ErrAuth = errors.New("authorization failed")
	// ErrRejected: the network refused this post for good (too long,
	// duplicate, policy); Error.Reason says why.
	ErrRejected = errors.New("rejected")
	// ErrUnknownOutcome: the request may have reached the network but no
	// answer came (a timeout after sending, a dropped connection). The post
	// must become unconfirmed, never be retried blindly.
	ErrUnknownOutcome = errors.New("outcome unknown")
)

// Error is an adapter's error: a kind above, the HTTP status, the network's
// own reason for people, and when to retry.
type Error struct {
	Kind       error
	Status     int
	Reason     string
	RetryAfter time.Time
}

func (e *Error) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%v (HTTP %d): %s", e.Kind, e.Status, e.Reason)
	}
	return fmt.Sprintf("%v (HTTP %d)", e.Kind, e.Status)
}

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

// ReadMedia reads an attachment whole for adapters that upload bytes. An
// attachment that cannot be opened or read is ErrTemporary (nothing was
// posted; Soroe's own storage may recover); one larger than limit bytes
// (when limit > 0) is ErrRejected.
func ReadMedia(ctx context.Context, m Media, limit int64) ([]byte, error) {
	if m.Open == nil {
		return nil, &Error{Kind: ErrRejected, Reason: "attachment " + m.Filename + " has no content"}
	}
	rc, err := m.Open(ctx)
	if err != nil {
		return nil, &Error{Kind: ErrTemporary, Reason: "opening attachment " + m.Filename + ": " + err.Error()}
	}
	defer rc.Close()
	r := io.Reader(rc)
	if limit > 0 {
		r = io.LimitReader(rc, limit+1)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &Error{Kind: ErrTemporary, Reason: "reading attachment " + m.Filename + ": " + err.Error()}
	}
	if limit > 0 && int64(len(b)) > limit {
		return nil, &Error{Kind: ErrRejected, Reason: fmt.Sprintf("attachment %s is larger than %d bytes", m.Filename, limit)}
	}
	return b, nil
}

// BeforePosting maps an error of a step that comes before the posting
// call (a media upload, a container): nothing was posted yet, so an
// unknown outcome there is only a temporary failure of the attempt.
// Other errors pass unchanged.
func BeforePosting(err error) error {
	var e *Error
	if errors.As(err, &e) && errors.Is(e.Kind, ErrUnknownOutcome) {
		c := *e
		c.Kind = ErrTemporary
		return &c
	}
	return err
}

// MediaError is the ErrRejected an adapter returns when CheckMedia refuses
// a post's attachments; Reason is the stable key.
func MediaError(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: ErrRejected, Reason: soroe.ErrorMessage(err)}
}

// MetricsReader reads the numbers of published posts and the account's
// follower count from a network's API. Adapters implement it where the
// network has a metrics API (the engine pulls at the ages in
// soroe.PullAges).
//
// Errors of the whole call are *Error as for publishing: ErrRateLimited
// (with RetryAfter) when the network says to wait, ErrTemporary for 5xx,
// timeouts and answers that cannot be read, ErrAuth when the grant is gone.
// A post the network no longer has comes back with Missing set, not as an
// error of the call. A metric the network does not give, refuses or
// withholds is a Reading with a nil Value and its reason — never 0.
type MetricsReader interface {
	// MetricsBatch is how many posts one PostMetrics call may ask for
	// (X 100, Bluesky 25, networks without a batch call 1).
	MetricsBatch() int
	// PostMetrics reads the current numbers of up to MetricsBatch posts of
	// account a. The answer has one PostMetrics per asked post, in any
	// order, matched by RemoteID.
	PostMetrics(ctx context.Context, a *Account, posts []MetricsQuery) ([]PostMetrics, error)
	// Followers reads the account's current follower count.
	Followers(ctx context.Context, a *Account) (int64, error)
}

// MetricsQuery names one published post to read.
type MetricsQuery struct {
	RemoteID    string    // Published.RemoteID (Bluesky: the at:// URI)
	PublishedAt time.Time // some metrics exist only for young posts (X non-public, 30 days)
}

// PostMetrics are one post's numbers as the network gave them.
type PostMetrics struct {
	RemoteID string
	// Missing says the network no longer has the post (deleted); Readings
	// is then empty.
	Missing bool
	// Readings has one entry per metric the adapter reads, available or
	// not.
	Readings []soroe.Reading
}

// Value returns a reading's value and whether it is available.
func (p PostMetrics) Value(m soroe.PostMetric) (int64, bool) {
	for _, r := range p.Readings {
		if r.Metric == m && r.Value != nil {
			return *r.Value, true
		}
	}
	return 0, false
}

// Count is a reading with a value.
func Count(m soroe.PostMetric, v int64) soroe.Reading { return soroe.Reading{Metric: m, Value: &v} }

// NotAvailable is a reading without one, and why.
func NotAvailable(m soroe.PostMetric, reason string) soroe.Reading {
	return soroe.Reading{Metric: m, Unavailable: reason}
}

// EngagementSum is the "engagements" reading of a post whose network gives
// no figure of its own: the sum of the soroe.EngagementParts among
// readings that have a value (docs/metrics.md). With none of them
// available it is not available either, never 0.
func EngagementSum(readings []soroe.Reading) soroe.Reading {
	var sum int64
	found := false
	for _, r := range readings {
		if r.Value != nil && slices.Contains(soroe.EngagementParts, r.Metric) {
			sum += *r.Value
			found = true
		}
	}
	if !found {
		return NotAvailable(soroe.PostEngagements, soroe.UnavailableNotGiven)
	}
	return Count(soroe.PostEngagements, sum)
}
