package mastodon_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/mastodon"
	"github.com/soroe/soroe/network/nettest"
)

var now = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

const jaText = "新商品を発売しました！ https://example.com/p/123/a-rather-long-path-segment?x=1&y=2 #新商品\n詳細は<こちら> & more"

func setup(t *testing.T, timeout time.Duration) (*nettest.Mastodon, *mastodon.Client, *network.Account) {
	t.Helper()
	f := nettest.NewMastodon()
	f.Now = func() time.Time { return now }
	t.Cleanup(f.Close)
	c := mastodon.New(mastodon.Options{HTTPClient: &http.Client{Timeout: timeout}, Clock: func() time.Time { return now }})
	a := &network.Account{ID: 2, Handle: "@shop", Host: f.URL, Credentials: network.Credentials{AccessToken: f.Token}}
	return f, c, a
}

func post(text string) network.Post {
	return network.Post{Text: text, IdempotencyKey: "post-7-account-2", CreatedAt: now}
}

func kind(t *testing.T, err, want error) *network.Error {
	t.Helper()
	var ne *network.Error
	if !errors.As(err, &ne) || !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
	return ne
}

func TestPublish(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	pub, err := c.Publish(context.Background(), a, post(jaText))
	if err != nil {
		t.Fatal(err)
	}
	sts := f.Statuses()
	if len(sts) != 1 || pub.RemoteID != sts[0].ID || pub.URL != f.URL+"/@shop/"+sts[0].ID {
		t.Fatalf("published %+v, statuses %+v", pub, sts)
	}
	if f.LastPost["status"] != jaText || f.LastPost["visibility"] != "public" || f.LastPost["language"] != "ja" {
		t.Fatalf("params = %v", f.LastPost)
	}
	if f.LastHeader.Get("Idempotency-Key") != "post-7-account-2" || f.LastHeader.Get("Authorization") != "Bearer token-shop" ||
		f.LastHeader.Get("Content-Type") != "application/json" {
		t.Fatalf("headers = %v", f.LastHeader)
	}
	// An English post has no language guessed.
	p := post("hello")
	p.IdempotencyKey = "k2"
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.LastPost["language"]; ok {
		t.Fatalf("language sent for English: %v", f.LastPost)
	}
}

func TestRetryPostsOnce(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	first, err := c.Publish(context.Background(), a, post(jaText))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Publish(context.Background(), a, post(jaText))
	if err != nil {
		t.Fatal(err)
	}
	// The same status (the quota may differ: it is the answer's).
	if again.RemoteID != first.RemoteID || again.URL != first.URL || len(f.Statuses()) != 1 || f.PostRequests != 2 {
		t.Fatalf("retry gave %+v vs %+v; %d statuses", again, first, len(f.Statuses()))
	}
}

func TestSlowServerIsUnknown(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.DelayAfterWrite(2 * time.Second)
	_, err := c.Publish(context.Background(), a, post(jaText))
	kind(t, err, network.ErrUnknownOutcome)
	if len(f.Statuses()) != 1 {
		t.Fatal("the fake should hold the status")
	}
	f.DelayAfterWrite(0)
	// Settled by looking, and a retry with the key posts nothing new.
	found, err := c.FindRecent(context.Background(), a, jaText, now.Add(-time.Minute))
	if err != nil || found == nil || found.RemoteID != f.Statuses()[0].ID {
		t.Fatalf("FindRecent = %+v, %v", found, err)
	}
	if _, err := c.Publish(context.Background(), a, post(jaText)); err != nil || len(f.Statuses()) != 1 {
		t.Fatalf("retry: %v, %d statuses", err, len(f.Statuses()))
	}
}

func TestUnreachableIsTemporary(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.Close()
	_, err := c.Publish(context.Background(), a, post("x"))
	kind(t, err, network.ErrTemporary)
}

func TestRateLimited(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.SetRateLimit(0)
	_, err := c.Publish(context.Background(), a, post(jaText))
	ne := kind(t, err, network.ErrRateLimited)
	if !ne.RetryAfter.Equal(f.RateLimitReset) || ne.Status != 429 || ne.Reason != "Too many requests" {
		t.Fatalf("error = %+v, want RetryAfter %v", ne, f.RateLimitReset)
	}
	if len(f.Statuses()) != 0 {
		t.Fatal("posted")
	}
}

func TestAuthFailure(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	a.Credentials.AccessToken = "revoked"
	_, err := c.Publish(context.Background(), a, post("x"))
	ne := kind(t, err, network.ErrAuth)
	if ne.Status != 401 || ne.Reason != "The access token is invalid" {
		t.Fatalf("error = %+v", ne)
	}
	_, err = c.FindRecent(context.Background(), a, "x", now)
	kind(t, err, network.ErrAuth)
	if len(f.Statuses()) != 0 {
		t.Fatal("posted")
	}
	_, err = c.Publish(context.Background(), &network.Account{Credentials: a.Credentials}, post("x"))
	kind(t, err, network.ErrAuth)
}

func TestRejected(t *testing.T) {
	_, c, a := setup(t, 5*time.Second)
	_, err := c.Publish(context.Background(), a, post(strings.Repeat("あ", 501)))
	ne := kind(t, err, network.ErrRejected)
	if ne.Status != 422 || ne.Reason != "Validation failed: Text character limit of 500 exceeded" {
		t.Fatalf("error = %+v", ne)
	}
	_, err = c.Publish(context.Background(), a, post("  "))
	if ne := kind(t, err, network.ErrRejected); ne.Reason != "Validation failed: Text can't be blank" {
		t.Fatalf("error = %+v", ne)
	}
}

func TestServerError(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.FailNext(nettest.MastodonFailure{Status: 503, Error: "Service Unavailable"})
	_, err := c.Publish(context.Background(), a, post("x"))
	kind(t, err, network.ErrTemporary)
	if len(f.Statuses()) != 0 {
		t.Fatal("posted")
	}
}

func TestFindRecent(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.AddStatus("古い "+jaText, now.Add(-2*time.Hour))
	want := f.AddStatus(jaText, now.Add(-time.Minute))
	f.AddStatus("別の投稿", now)
	if !strings.Contains(want.Content, `<span class="invisible">https://</span>`) || !strings.Contains(want.Content, "&lt;こちら&gt; &amp;") {
		t.Fatalf("the fake renders unlike Mastodon: %s", want.Content)
	}
	got, err := c.FindRecent(context.Background(), a, jaText, now.Add(-10*time.Minute))
	if err != nil || got == nil || got.RemoteID != want.ID || got.URL != want.URL {
		t.Fatalf("found %+v, %v", got, err)
	}
	if got, err := c.FindRecent(context.Background(), a, "古い "+jaText, now.Add(-10*time.Minute)); err != nil || got != nil {
		t.Fatalf("a status before since was found: %+v, %v", got, err)
	}
	if got, err := c.FindRecent(context.Background(), a, "ない", now.Add(-10*time.Hour)); err != nil || got != nil {
		t.Fatalf("found %+v, %v", got, err)
	}
}

func TestPlainText(t *testing.T) {
	in := `<p>一行目<br />二行目 <a href="https://example.com/p/123" rel="nofollow noopener"><span class="invisible">https://</span><span class="">example.com/p/123</span><span class="invisible"></span></a></p><p><a href="https://m.example/tags/新商品" class="mention hashtag" rel="tag">#<span>新商品</span></a> &amp; &lt;b&gt;</p>`
	want := "一行目\n二行目 https://example.com/p/123\n\n#新商品 & <b>"
	if got := mastodon.PlainText(in); got != want {
		t.Fatalf("PlainText = %q, want %q", got, want)
	}
}
