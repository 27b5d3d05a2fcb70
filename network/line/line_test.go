package line_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/line"
	"github.com/soroe/soroe/network/nettest"
)

func setup(t *testing.T) (*nettest.LINEFake, *line.Client, *network.Account) {
	t.Helper()
	f := nettest.NewLINEFake()
	t.Cleanup(f.Close)
	c := line.New(line.Options{BaseURL: f.URL, HTTPClient: f.Client()})
	a := &network.Account{ID: 7, Network: "line", Credentials: network.Credentials{AccessToken: "line-channel-token"}}
	return f, c, a
}

func netErr(t *testing.T, err error, kind error) *network.Error {
	t.Helper()
	var e *network.Error
	if !errors.As(err, &e) || !errors.Is(err, kind) {
		t.Fatalf("err = %v, want a *network.Error of kind %v", err, kind)
	}
	return e
}

func TestRetryKey(t *testing.T) {
	k := line.RetryKey("post:42/account:7")
	u, err := uuid.Parse(k)
	if err != nil || u.Version() != 5 || u.Variant() != uuid.RFC4122 {
		t.Fatalf("%q: %v %v %v", k, err, u.Version(), u.Variant())
	}
	if k != line.RetryKey("post:42/account:7") || k == line.RetryKey("post:42/account:8") {
		t.Fatal("retry key not deterministic or not distinct")
	}
}

func TestPublishSuccess(t *testing.T) {
	f, c, a := setup(t)
	txt := "【新商品】本日発売！ https://example.com/p/123 🍎"
	got, err := c.Publish(context.Background(), a, network.Post{Text: txt, IdempotencyKey: "p1"})
	if err != nil {
		t.Fatal(err)
	}
	bs, reqs := f.Snapshot()
	if len(bs) != 1 || len(bs[0].Texts) != 1 || bs[0].Texts[0] != txt {
		t.Fatalf("broadcasts %+v", bs)
	}
	if bs[0].RetryKey != line.RetryKey("p1") || reqs[0].RetryKey != line.RetryKey("p1") {
		t.Fatalf("retry key %q", bs[0].RetryKey)
	}
	if got.RemoteID != bs[0].RequestID || got.URL != "" {
		t.Fatalf("published %+v, want request id %s", got, bs[0].RequestID)
	}
	if caps := c.Capabilities(); !caps.Idempotent || caps.CanFindRecent || caps.Network != "line" {
		t.Fatalf("capabilities %+v", caps)
	}
}

// A second attempt with the same key after an accepted one is a 409: success,
// named by the accepted request, and nothing broadcast twice.
func TestRetryKeyConflictIsSuccess(t *testing.T) {
	f, c, a := setup(t)
	p := network.Post{Text: "お知らせ", IdempotencyKey: "post-9"}
	first, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	bs, reqs := f.Snapshot()
	if len(bs) != 1 || len(reqs) != 2 || reqs[1].Status != 409 || reqs[1].RetryKey != reqs[0].RetryKey {
		t.Fatalf("broadcasts %+v requests %+v", bs, reqs)
	}
	if again.RemoteID != first.RemoteID {
		t.Fatalf("retry named %q, first %q", again.RemoteID, first.RemoteID)
	}
}

// The fake accepts the broadcast and stalls; the client gives up: unknown
// outcome. The retry sends the same key, gets 409, and succeeds.
func TestUnknownOutcomeThenSafeRetry(t *testing.T) {
	f, _, a := setup(t)
	f.Set(func(f *nettest.LINEFake) { f.AcceptDelay = 5 * time.Second })
	hc := f.Client()
	hc.Timeout = time.Second // room for a loaded CI machine; the fake stalls 5 s
	c := line.New(line.Options{BaseURL: f.URL, HTTPClient: hc})
	p := network.Post{Text: "タイムセール", IdempotencyKey: "post-10"}
	_, err := c.Publish(context.Background(), a, p)
	netErr(t, err, network.ErrUnknownOutcome)

	f.Set(func(f *nettest.LINEFake) { f.AcceptDelay = 0 })
	got, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	bs, reqs := f.Snapshot()
	if len(bs) != 1 || got.RemoteID != bs[0].RequestID {
		t.Fatalf("broadcasts %+v, got %+v", bs, got)
	}
	if len(reqs) != 2 || reqs[0].RetryKey != reqs[1].RetryKey || reqs[1].Status != 409 {
		t.Fatalf("requests %+v", reqs)
	}
}

// After a 5xx the retry with the same key really sends.
func TestTemporaryThenRetry(t *testing.T) {
	f, c, a := setup(t)
	f.Set(func(f *nettest.LINEFake) {
		f.Fail = []nettest.LINEFailure{{Status: 500, Body: `{"message":"An error occurred on the server."}`}}
	})
	p := network.Post{Text: "a", IdempotencyKey: "post-11"}
	e := netErr(t, mustErr(c.Publish(context.Background(), a, p)), network.ErrTemporary)
	if e.Status != 500 || e.Reason != "An error occurred on the server." {
		t.Fatalf("got %+v", e)
	}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if bs, _ := f.Snapshot(); len(bs) != 1 {
		t.Fatalf("broadcasts %+v", bs)
	}
}

func TestPublishErrors(t *testing.T) {
	now := time.Date(2026, 9, 1, 3, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		setup      func(f *nettest.LINEFake)
		text       string
		token      string
		kind       error
		status     int
		reason     string
		retryAfter time.Time
		noRequest  bool
	}{
		{name: "bad token", token: "wrong", kind: network.ErrAuth, status: 401,
			reason: "Authentication failed. Confirm that the access token in the authorization header is valid."},
		{name: "rate limit", setup: func(f *nettest.LINEFake) { f.Limit = 1; f.Broadcasts = []nettest.LINEBroadcast{{RequestID: "earlier"}} }, kind: network.ErrRateLimited, status: 429,
			reason: "The API rate limit has been exceeded. Try again later.", retryAfter: now.Add(line.DefaultRateLimitWait)},
		{name: "monthly quota", kind: network.ErrRejected, status: 429, reason: "You have reached your monthly limit.",
			setup: func(f *nettest.LINEFake) {
				f.Fail = []nettest.LINEFailure{{Status: 429, Body: `{"message":"You have reached your monthly limit."}`}}
			}},
		{name: "400 with details", kind: network.ErrRejected, status: 400,
			reason: "The request body has 1 error(s); messages[0].text: May not be empty",
			setup: func(f *nettest.LINEFake) {
				f.Fail = []nettest.LINEFailure{{Status: 400, Body: `{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}`}}
			}},
		{name: "403 plan", kind: network.ErrRejected, status: 403, reason: "Access to this API is not available for your account",
			setup: func(f *nettest.LINEFake) {
				f.Fail = []nettest.LINEFailure{{Status: 403, Body: `{"message":"Access to this API is not available for your account"}`}}
			}},
		{name: "503 without body", kind: network.ErrTemporary, status: 503,
			setup: func(f *nettest.LINEFake) { f.Fail = []nettest.LINEFailure{{Status: 503}} }},
		{name: "too long", text: strings.Repeat("🍎", 2501), kind: network.ErrRejected, noRequest: true,
			reason: "text is longer than 5000 characters (UTF-16 units): 5002"},
		{name: "empty", text: "  ", kind: network.ErrRejected, noRequest: true, reason: "empty text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, a := setup(t)
			c := line.New(line.Options{BaseURL: f.URL, Now: func() time.Time { return now }})
			if tt.setup != nil {
				f.Set(tt.setup)
			}
			if tt.token != "" {
				a.Credentials.AccessToken = tt.token
			}
			txt := tt.text
			if txt == "" {
				txt = "こんにちは"
			}
			e := netErr(t, mustErr(c.Publish(context.Background(), a, network.Post{Text: txt, IdempotencyKey: "k"})), tt.kind)
			if e.Status != tt.status || e.Reason != tt.reason || !e.RetryAfter.Equal(tt.retryAfter) {
				t.Errorf("got %d %q %v, want %d %q %v", e.Status, e.Reason, e.RetryAfter, tt.status, tt.reason, tt.retryAfter)
			}
			bs, reqs := f.Snapshot()
			if len(bs) != 0 && bs[len(bs)-1].RequestID != "earlier" {
				t.Error("broadcast sent")
			}
			if tt.noRequest && len(reqs) != 0 {
				t.Error("request sent for a post LINE would refuse")
			}
		})
	}
}

// 5000 UTF-16 units exactly is allowed; the fake checks the same limit.
func TestLengthLimitEdge(t *testing.T) {
	f, c, a := setup(t)
	if _, err := c.Publish(context.Background(), a, network.Post{Text: strings.Repeat("🍎", 2500), IdempotencyKey: "edge"}); err != nil {
		t.Fatal(err)
	}
	if bs, _ := f.Snapshot(); len(bs) != 1 {
		t.Fatal("not sent")
	}
}

func TestConnectionRefusedIsTemporary(t *testing.T) {
	f, c, a := setup(t)
	f.Close()
	netErr(t, mustErr(c.Publish(context.Background(), a, network.Post{Text: "a", IdempotencyKey: "k"})), network.ErrTemporary)
}

func TestMissingIdempotencyKey(t *testing.T) {
	f, c, a := setup(t)
	if _, err := c.Publish(context.Background(), a, network.Post{Text: "a"}); err == nil {
		t.Fatal("published without an idempotency key")
	}
	if _, reqs := f.Snapshot(); len(reqs) != 0 {
		t.Fatal("request sent")
	}
}

func mustErr(_ network.Published, err error) error { return err }
