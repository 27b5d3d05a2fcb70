package linkedin_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/linkedin"
	"github.com/soroe/soroe/network/nettest"
)

var now = time.Date(2026, 11, 23, 15, 30, 0, 0, time.UTC)

const jaText = "新商品を発売しました！ #新商品 (詳細) https://example.com/p/1_2"

func setup(t *testing.T, timeout time.Duration) (*nettest.LinkedIn, *linkedin.Client, *network.Account) {
	t.Helper()
	f := nettest.NewLinkedIn()
	t.Cleanup(f.Close)
	c := linkedin.New(linkedin.Options{BaseURL: f.URL, HTTPClient: &http.Client{Timeout: timeout}, Clock: func() time.Time { return now }})
	a := &network.Account{ID: 6, Handle: "shop", Credentials: network.Credentials{AccessToken: f.Token,
		Session: `{"author":"` + f.Author + `"}`}}
	return f, c, a
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
	pub, err := c.Publish(context.Background(), a, network.Post{Text: jaText})
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	want := `新商品を発売しました！ \#新商品 \(詳細\) https://example.com/p/1\_2`
	if len(ps) != 1 || pub.RemoteID != ps[0].URN || !strings.HasPrefix(pub.RemoteID, "urn:li:share:") || ps[0].Commentary != want {
		t.Fatalf("published %+v, posts %+v", pub, ps)
	}
	b := f.LastBody
	d, _ := b["distribution"].(map[string]any)
	if b["author"] != f.Author || b["visibility"] != "PUBLIC" || b["lifecycleState"] != "PUBLISHED" || d["feedDistribution"] != "MAIN_FEED" {
		t.Fatalf("body %v", b)
	}
	h := f.LastHeader
	if h.Get("LinkedIn-Version") != linkedin.DefaultVersion || h.Get("X-Restli-Protocol-Version") != "2.0.0" ||
		h.Get("Authorization") != "Bearer li-token" || h.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", h)
	}
	// The Handle may carry the URN.
	a2 := &network.Account{Handle: f.Author, Credentials: network.Credentials{AccessToken: f.Token}}
	if _, err := c.Publish(context.Background(), a2, network.Post{Text: "second"}); err != nil {
		t.Fatal(err)
	}
}

func TestEscape(t *testing.T) {
	if got := linkedin.Escape(`a\b|{c}@[d](e)<f>#g*h_i~j`); got != `a\\b\|\{c\}\@\[d\]\(e\)\<f\>\#g\*h\_i\~j` {
		t.Fatal(got)
	}
}

func TestErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	ctx := context.Background()
	publish := func(a *network.Account, s string) error {
		_, err := c.Publish(ctx, a, network.Post{Text: s})
		return err
	}
	// Checked before calling.
	kind(t, publish(a, strings.Repeat("a", 3001)), network.ErrRejected)
	kind(t, publish(&network.Account{Credentials: network.Credentials{AccessToken: f.Token}}, "x"), network.ErrAuth)
	if n := f.PostCalls(); n != 0 {
		t.Fatalf("requests %d", n)
	}
	// Checked by the fake.
	bad := *a
	bad.Credentials.AccessToken = "nope"
	if ne := kind(t, publish(&bad, "x"), network.ErrAuth); ne.Status != 401 {
		t.Fatalf("%+v", ne)
	}
	other := *a
	other.Credentials.Session = `{"author":"urn:li:organization:1"}`
	if ne := kind(t, publish(&other, "x"), network.ErrAuth); ne.Status != 403 {
		t.Fatalf("%+v", ne)
	}
	old := linkedin.New(linkedin.Options{BaseURL: f.URL, Version: "2023"})
	if ne := kind(t, publish2(old, a, "x"), network.ErrRejected); ne.Status != 426 {
		t.Fatalf("%+v", ne)
	}
	if err := publish(a, "once"); err != nil {
		t.Fatal(err)
	}
	if ne := kind(t, publish(a, "once"), network.ErrRejected); ne.Status != 422 || ne.Reason != linkedin.ReasonDuplicate {
		t.Fatalf("%+v", ne)
	}
	f.SetDailyLimit(0)
	if ne := kind(t, publish(a, "x"), network.ErrRateLimited); !ne.RetryAfter.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v", ne)
	}
	f.SetDailyLimit(-1)
	f.FailNext(nettest.LinkedInFailure{Status: 422, Code: "UNPROCESSABLE_ENTITY", Message: "/commentary :: invalid"})
	if ne := kind(t, publish(a, "x"), network.ErrRejected); ne.Reason != "/commentary :: invalid" {
		t.Fatalf("%+v", ne)
	}
	f.FailNext(nettest.LinkedInFailure{Status: 504, Message: "Gateway Timeout"})
	kind(t, publish(a, "x"), network.ErrUnknownOutcome)
	if len(f.Posts()) != 1 {
		t.Fatalf("posts %v", f.Posts())
	}
}

func publish2(c *linkedin.Client, a *network.Account, s string) error {
	_, err := c.Publish(context.Background(), a, network.Post{Text: s})
	return err
}

func TestSlowPostIsUnknown(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.DelayPost(2 * time.Second)
	_, err := c.Publish(context.Background(), a, network.Post{Text: jaText})
	kind(t, err, network.ErrUnknownOutcome)
	if len(f.Posts()) != 1 {
		t.Fatal("the fake did not post")
	}
	f.Close()
	_, err = c.Publish(context.Background(), a, network.Post{Text: jaText})
	kind(t, err, network.ErrTemporary)
}
