package threads_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/network/threads"
)

var now = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

const jaText = "新商品を発売しました！ https://example.com/p/123 #新商品 🎉"

func setup(t *testing.T, timeout time.Duration) (*nettest.Threads, *threads.Client, *network.Account) {
	t.Helper()
	f := nettest.NewThreads()
	t.Cleanup(f.Close)
	c := threads.New(threads.Options{BaseURL: f.URL + "/v1.0", HTTPClient: &http.Client{Timeout: timeout},
		Clock: func() time.Time { return now }, PollInterval: 5 * time.Millisecond, MaxWait: 200 * time.Millisecond})
	a := &network.Account{ID: 3, Handle: "shop", Credentials: network.Credentials{AccessToken: f.Token}}
	return f, c, a
}

func post(s string) network.Post {
	return network.Post{Text: s, IdempotencyKey: "p-1-a-3", CreatedAt: now}
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
	ps := f.Posts()
	if len(ps) != 1 || pub.RemoteID != ps[0].ID || ps[0].Text != jaText || pub.URL != "" {
		t.Fatalf("published %+v, posts %+v", pub, ps)
	}
	if f.LastContainer["media_type"] != "TEXT" || f.LastContainer["text"] != jaText {
		t.Fatalf("container params %v", f.LastContainer)
	}
	if f.Count("container") != 1 || f.Count("status") != 1 || f.Count("publish") != 1 {
		t.Fatalf("containers %d, status checks %d, publishes %d", f.Count("container"), f.Count("status"), f.Count("publish"))
	}
}

func TestWaitsForContainer(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.InProgress(3)
	if _, err := c.Publish(context.Background(), a, post("hello")); err != nil {
		t.Fatal(err)
	}
	if f.Count("status") != 4 || len(f.Posts()) != 1 {
		t.Fatalf("containers %d, status checks %d, publishes %d", f.Count("container"), f.Count("status"), f.Count("publish"))
	}
	// A container that never finishes fails for sure: nothing published.
	f.InProgress(1000)
	_, err := c.Publish(context.Background(), a, post("again"))
	kind(t, err, network.ErrTemporary)
	if len(f.Posts()) != 1 {
		t.Fatal("published while in progress")
	}
}

func TestRejectedBeforeCalling(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	for _, s := range []string{
		strings.Repeat("あ", 501),
		strings.Repeat("あ", 480) + strings.Repeat("🎉", 5), // 480 + 5×4 bytes = 500 is fine…
		"a b.com c.com d.com e.com f.com g.com",
		"   ",
	} {
		_, err := c.Publish(context.Background(), a, post(s))
		if strings.HasSuffix(s, "🎉") {
			if err != nil {
				t.Fatalf("500 counted units rejected: %v", err)
			}
			continue
		}
		kind(t, err, network.ErrRejected)
	}
	if _, err := c.Publish(context.Background(), a, post(strings.Repeat("あ", 481)+strings.Repeat("🎉", 5))); err == nil {
		t.Fatal("501 counted units accepted")
	}
	if f.Count("container") != 1 {
		t.Fatalf("containers made for invalid texts: %d", f.Count("container"))
	}
}

func TestErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	ctx := context.Background()
	// Token expired.
	f.FailNext("container", nettest.MetaFailure{Code: 190, Subcode: 463, Message: "Error validating access token: Session has expired"})
	ne := kind(t, func() error { _, err := c.Publish(ctx, a, post("x")); return err }(), network.ErrAuth)
	if !strings.Contains(ne.Reason, "Session has expired") || ne.Status != 400 {
		t.Fatalf("%+v", ne)
	}
	// A wrong token, checked by the fake.
	bad := *a
	bad.Credentials.AccessToken = "nope"
	_, err := c.Publish(ctx, &bad, post("x"))
	kind(t, err, network.ErrAuth)
	// Throttled with a business-use-case header: wait what it says.
	f.FailNext("container", nettest.MetaFailure{Status: 400, Code: 32, Message: "Page request limit reached",
		Header: map[string]string{"X-Business-Use-Case-Usage": `{"1784":[{"type":"pages","call_count":100,"total_cputime":10,"total_time":20,"estimated_time_to_regain_access":7}]}`}})
	_, err = c.Publish(ctx, a, post("x"))
	if ne := kind(t, err, network.ErrRateLimited); !ne.RetryAfter.Equal(now.Add(7 * time.Minute)) {
		t.Fatalf("retry after %v", ne.RetryAfter)
	}
	// Throttled with only X-App-Usage: the default hour.
	f.FailNext("publish", nettest.MetaFailure{Status: 403, Code: 4, Message: "Application request limit reached",
		Header: map[string]string{"X-App-Usage": `{"call_count":100,"total_time":25,"total_cputime":25}`}})
	_, err = c.Publish(ctx, a, post("x"))
	if ne := kind(t, err, network.ErrRateLimited); !ne.RetryAfter.Equal(now.Add(time.Hour)) {
		t.Fatalf("retry after %v", ne.RetryAfter)
	}
	for _, code := range []int{17, 613} {
		f.FailNext("publish", nettest.MetaFailure{Code: code, Message: "limit"})
		_, err = c.Publish(ctx, a, post("x"))
		kind(t, err, network.ErrRateLimited)
	}
	// Other Graph errors are rejections with Meta's message.
	f.FailNext("container", nettest.MetaFailure{Code: 100, Message: "Invalid parameter"})
	_, err = c.Publish(ctx, a, post("x"))
	if ne := kind(t, err, network.ErrRejected); !strings.Contains(ne.Reason, "Invalid parameter (code 100") {
		t.Fatalf("%+v", ne)
	}
	// 5xx on the container step is temporary…
	f.FailNext("container", nettest.MetaFailure{Status: 500, Code: 2, Message: "An unexpected error has occurred. Please retry your request later.", Transient: true})
	_, err = c.Publish(ctx, a, post("x"))
	kind(t, err, network.ErrTemporary)
	// …and on the status check.
	f.FailNext("status", nettest.MetaFailure{Status: 503, Code: 2, Message: "Service temporarily unavailable"})
	_, err = c.Publish(ctx, a, post("x"))
	kind(t, err, network.ErrTemporary)
	// On the publish step a 5xx may have published: unknown.
	f.FailNext("publish", nettest.MetaFailure{Status: 500, Code: 1, Message: "An unknown error has occurred."})
	_, err = c.Publish(ctx, a, post("x"))
	kind(t, err, network.ErrUnknownOutcome)
	if len(f.Posts()) != 0 {
		t.Fatalf("posts %v", f.Posts())
	}
}

func TestContainerStates(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.InProgress(1000)
	done := make(chan error, 1)
	go func() { _, err := c.Publish(context.Background(), a, post("x")); done <- err }()
	for f.Containers() == 0 {
		time.Sleep(time.Millisecond)
	}
	f.SetContainerStatus("17889615691921649", "ERROR")
	ne := kind(t, <-done, network.ErrRejected)
	if ne.Reason != "FAILED_PROCESSING_TEXT" {
		t.Fatalf("%+v", ne)
	}
}

func TestSlowPublishIsUnknown(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.DelayPublish(2 * time.Second)
	_, err := c.Publish(context.Background(), a, post(jaText))
	kind(t, err, network.ErrUnknownOutcome)
	if len(f.Posts()) != 1 {
		t.Fatal("the fake did not publish")
	}
	// The server being unreachable before anything is sent is temporary.
	f.Close()
	_, err = c.Publish(context.Background(), a, post(jaText))
	kind(t, err, network.ErrTemporary)
}

// The fake enforces the documented rules itself, so a drift in the local
// check would show: six links fail at container creation.
func TestFakeLinkLimit(t *testing.T) {
	f, _, _ := setup(t, 5*time.Second)
	form := url.Values{"media_type": {"TEXT"}, "text": {"a.com b.com c.com d.com e.com f.com"}, "access_token": {f.Token}}
	resp, err := http.PostForm(f.URL+"/v1.0/me/threads", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), "THREADS_API__LINK_LIMIT_EXCEEDED") || f.Containers() != 0 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
}
