package instagram_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/instagram"
	"github.com/soroe/soroe/network/nettest"
)

var now = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

const (
	caption = "新商品を発売しました！ #新商品 #春"
	image   = "https://cdn.example.com/p/123.jpg"
)

func setup(t *testing.T, timeout time.Duration) (*nettest.Instagram, *instagram.Client, *network.Account) {
	t.Helper()
	f := nettest.NewInstagram()
	t.Cleanup(f.Close)
	c := instagram.New(instagram.Options{BaseURL: f.URL + "/v23.0", HTTPClient: &http.Client{Timeout: timeout},
		Clock: func() time.Time { return now }, PollInterval: 5 * time.Millisecond, MaxWait: 200 * time.Millisecond})
	a := &network.Account{ID: 4, Handle: "shop", Credentials: network.Credentials{AccessToken: f.Token}}
	return f, c, a
}

func post(s string) network.Post {
	return network.Post{Text: s, CreatedAt: now, Media: []network.Media{{Filename: "123.jpg", ContentType: "image/jpeg", Size: 1000, URL: image}}}
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
	pub, err := c.Publish(context.Background(), a, post(caption))
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || pub.RemoteID != ps[0].ID || ps[0].Caption != caption || ps[0].ImageURL != image {
		t.Fatalf("published %+v, posts %+v", pub, ps)
	}
	if f.LastContainer["image_url"] != image || f.LastContainer["caption"] != caption {
		t.Fatalf("container params %v", f.LastContainer)
	}
	// The stored user ID is used instead of "me"; an empty caption is fine.
	a.Credentials.Session = `{"user_id":"` + f.UserID + `"}`
	if _, err := c.PublishImage(context.Background(), a, image, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.LastContainer["caption"]; ok {
		t.Fatalf("empty caption sent: %v", f.LastContainer)
	}
	a.Credentials.Session = `{"user_id":"1"}`
	_, err = c.PublishImage(context.Background(), a, image, "x")
	kind(t, err, network.ErrRejected) // the fake knows no user 1
}

func TestWaitsForContainer(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.InProgress(2)
	if _, err := c.Publish(context.Background(), a, post(caption)); err != nil {
		t.Fatal(err)
	}
	if f.Count("status") != 3 {
		t.Fatalf("status checks %d", f.Count("status"))
	}
	f.InProgress(1000)
	done := make(chan error, 1)
	go func() { _, err := c.Publish(context.Background(), a, post(caption)); done <- err }()
	for f.Containers() < 2 {
		time.Sleep(time.Millisecond)
	}
	f.SetContainerStatus("17895695668004553", "ERROR")
	if ne := kind(t, <-done, network.ErrRejected); !strings.Contains(ne.Reason, "2207003") {
		t.Fatalf("%+v", ne)
	}
}

func TestRejectedBeforeCalling(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	for _, p := range []network.Post{
		post(strings.Repeat("あ", 2201)),
		post("#a #b #c #d #e #f"), // 6 hashtags over the default cap of 5
		{Text: caption},           // no image
		{Text: caption, Link: "ftp://x/y.jpg"},
	} {
		_, err := c.Publish(context.Background(), a, p)
		kind(t, err, network.ErrRejected)
	}
	if f.Count("container") != 0 {
		t.Fatalf("containers made: %d", f.Count("container"))
	}
	// The legacy cap lets six through, and the fake (cap 30) accepts them.
	c2 := instagram.New(instagram.Options{BaseURL: f.URL + "/v23.0", HashtagCap: 30})
	if _, err := c2.Publish(context.Background(), a, post("#a #b #c #d #e #f")); err != nil {
		t.Fatal(err)
	}
}

func TestErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	ctx := context.Background()
	publish := func() error { _, err := c.Publish(ctx, a, post(caption)); return err }
	f.FailNext("container", nettest.MetaFailure{Code: 190, Subcode: 460, Message: "Error validating access token: The session has been invalidated because the user changed their password"})
	kind(t, publish(), network.ErrAuth)
	bad := *a
	bad.Credentials.AccessToken = "nope"
	_, err := c.Publish(ctx, &bad, post(caption))
	kind(t, err, network.ErrAuth)
	// The publishing quota, checked by the fake.
	f.SetQuota(0)
	if ne := kind(t, publish(), network.ErrRateLimited); ne.Status != 403 || !ne.RetryAfter.Equal(now.Add(time.Hour)) ||
		!strings.Contains(ne.Reason, "maximum number of posts") {
		t.Fatalf("%+v", ne)
	}
	f.SetQuota(-1)
	f.FailNext("container", nettest.MetaFailure{Code: 4, Message: "Application request limit reached",
		Header: map[string]string{"X-Business-Use-Case-Usage": `{"17841405822304914":[{"type":"instagram","call_count":100,"estimated_time_to_regain_access":12}]}`}})
	if ne := kind(t, publish(), network.ErrRateLimited); !ne.RetryAfter.Equal(now.Add(12 * time.Minute)) {
		t.Fatalf("%+v", ne)
	}
	// The documented image error: a rejection with Meta's message.
	f.FailNext("container", nettest.MetaFailure{Code: 36000, Subcode: 2207004, Message: "The image size is too large.", UserMsg: "The image is too large to download. It should be less than 8 MiB."})
	if ne := kind(t, publish(), network.ErrRejected); !strings.Contains(ne.Reason, "8 MiB") {
		t.Fatalf("%+v", ne)
	}
	f.FailNext("container", nettest.MetaFailure{Status: 500, Code: 2, Message: "Service temporarily unavailable", Transient: true})
	kind(t, publish(), network.ErrTemporary)
	f.FailNext("publish", nettest.MetaFailure{Status: 502, Code: 1, Message: "An unknown error has occurred."})
	kind(t, publish(), network.ErrUnknownOutcome)
	if len(f.Posts()) != 0 {
		t.Fatalf("posts %v", f.Posts())
	}
}

func TestSlowPublishIsUnknown(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.DelayPublish(2 * time.Second)
	_, err := c.Publish(context.Background(), a, post(caption))
	kind(t, err, network.ErrUnknownOutcome)
	if len(f.Posts()) != 1 {
		t.Fatal("the fake did not publish")
	}
}
