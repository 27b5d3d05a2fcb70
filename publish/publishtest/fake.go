// Package publishtest has an in-memory network.Publisher for tests of the
// publishing engine: it counts the posts made per idempotency key, so a
// test can assert that every target reached the network exactly once.
package publishtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// Failure is what the next Publish call does instead of succeeding.
type Failure struct {
	Err error
	// Posted: the post is made before Err is returned (the answer was
	// lost on the way back).
	Posted bool
}

// Post is a post the fake holds.
type Post struct {
	ID        string
	AccountID int64
	Text      string
	Key       string
	At        time.Time
}

// Fake is a network in memory, safe for concurrent use.
type Fake struct {
	caps network.Capabilities
	now  soroe.Clock

	mu       sync.Mutex
	posts    []Post
	perKey   map[string]int // posts made per idempotency key
	byKey    map[string]Post
	calls    int
	failures []Failure
	// Delay, when set, is slept in each Publish (for concurrency tests).
	delay time.Duration
}

// New returns a fake network with those capabilities; clock is now (nil:
// soroe.SystemClock).
func New(caps network.Capabilities, clock soroe.Clock) *Fake {
	if clock == nil {
		clock = soroe.SystemClock
	}
	return &Fake{caps: caps, now: clock, perKey: map[string]int{}, byKey: map[string]Post{}}
}

var (
	_ network.Publisher    = (*Fake)(nil)
	_ network.RecentFinder = (*Fake)(nil)
)

// Capabilities implements network.Publisher.
func (f *Fake) Capabilities() network.Capabilities { return f.caps }

// FailNext queues failures for the next Publish calls, in order.
func (f *Fake) FailNext(fs ...Failure) {
	f.mu.Lock()
	f.failures = append(f.failures, fs...)
	f.mu.Unlock()
}

// SetDelay makes each Publish take d.
func (f *Fake) SetDelay(d time.Duration) { f.mu.Lock(); f.delay = d; f.mu.Unlock() }

// Publish implements network.Publisher. With Capabilities().Idempotent, a
// second call with a key already posted returns the first post, as
// Mastodon does.
func (f *Fake) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	f.mu.Lock()
	d := f.delay
	f.mu.Unlock()
	if d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Reason: ctx.Err().Error()}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if p.IdempotencyKey == "" {
		return network.Published{}, &network.Error{Kind: network.ErrRejected, Status: 422, Reason: "no idempotency key"}
	}
	var fail *Failure
	if len(f.failures) > 0 {
		fail = &f.failures[0]
		f.failures = f.failures[1:]
	}
	if fail != nil && !fail.Posted {
		return network.Published{}, fail.Err
	}
	if prev, ok := f.byKey[p.IdempotencyKey]; ok && f.caps.Idempotent {
		return published(prev), nil
	}
	post := f.post(a.ID, p.Text, p.IdempotencyKey)
	if fail != nil {
		return network.Published{}, fail.Err
	}
	return published(post), nil
}

// Post adds a post as if the network had received it (for a test that
// simulates a process killed after the request reached the network).
func (f *Fake) Post(accountID int64, text, key string) Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.post(accountID, text, key)
}

func (f *Fake) post(accountID int64, text, key string) Post {
	p := Post{ID: fmt.Sprintf("%d", len(f.posts)+1), AccountID: accountID, Text: text, Key: key, At: f.now()}
	f.posts = append(f.posts, p)
	f.perKey[key]++
	f.byKey[key] = p
	return p
}

func published(p Post) network.Published {
	return network.Published{RemoteID: p.ID, URL: "https://fake.example/posts/" + p.ID}
}

// FindRecent implements network.RecentFinder.
func (f *Fake) FindRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.posts) - 1; i >= 0; i-- {
		p := f.posts[i]
		if p.AccountID == a.ID && strings.TrimSpace(p.Text) == strings.TrimSpace(text) && !p.At.Before(since) {
			out := published(p)
			return &out, nil
		}
	}
	return nil, nil
}

// Count returns how many posts were made with an idempotency key.
func (f *Fake) Count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.perKey[key]
}

// Posts returns every post made.
func (f *Fake) Posts() []Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Post(nil), f.posts...)
}

// Calls returns how many times Publish was called.
func (f *Fake) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// NoFinder hides a Fake's FindRecent: a network whose recent posts cannot
// be listed.
type NoFinder struct{ F *Fake }

// Capabilities implements network.Publisher.
func (n NoFinder) Capabilities() network.Capabilities {
	c := n.F.Capabilities()
	c.CanFindRecent = false
	return c
}

// Publish implements network.Publisher.
func (n NoFinder) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	return n.F.Publish(ctx, a, p)
}
