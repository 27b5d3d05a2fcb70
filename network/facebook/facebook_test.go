package facebook_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook"
	"github.com/soroe/soroe/network/nettest"
)

var now = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

const jaText = "新商品を発売しました！ 詳細はこちら"

func setup(t *testing.T, timeout time.Duration) (*nettest.Facebook, *facebook.Client, *network.Account) {
	t.Helper()
	f := nettest.NewFacebook()
	t.Cleanup(f.Close)
	c := facebook.New(facebook.Options{BaseURL: f.URL + "/v23.0", HTTPClient: &http.Client{Timeout: timeout},
		Clock: func() time.Time { return now }})
	a := &network.Account{ID: 5, Handle: "shop", Credentials: network.Credentials{AccessToken: f.PageToken}}
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
	pub, err := c.Publish(context.Background(), a, network.Post{Text: jaText, Link: "https://example.com/p/123"})
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || pub.RemoteID != ps[0].ID || !strings.HasPrefix(pub.RemoteID, f.PageID+"_") ||
		ps[0].Message != jaText || ps[0].Link != "https://example.com/p/123" {
		t.Fatalf("published %+v, posts %+v", pub, ps)
	}
	// A link alone, to the stored Page ID.
	a.Credentials.Session = `{"page_id":"` + f.PageID + `"}`
	if _, err := c.Publish(context.Background(), a, network.Post{Link: "https://example.com/"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.LastPost["message"]; ok {
		t.Fatalf("params %v", f.LastPost)
	}
	// Nothing at all is refused before calling.
	_, err = c.Publish(context.Background(), a, network.Post{Text: " "})
	kind(t, err, network.ErrRejected)
	if feed, _ := f.Calls(); feed != 2 {
		t.Fatalf("requests %d", feed)
	}
}

func TestErrors(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	ctx := context.Background()
	publish := func(a *network.Account) error { _, err := c.Publish(ctx, a, network.Post{Text: jaText}); return err }
	// A user token cannot post to the Page: permission error #200.
	user := *a
	user.Credentials.AccessToken = f.UserToken
	if ne := kind(t, publish(&user), network.ErrAuth); ne.Status != 403 || !strings.Contains(ne.Reason, "pages_manage_posts") {
		t.Fatalf("%+v", ne)
	}
	bad := *a
	bad.Credentials.AccessToken = "nope"
	kind(t, publish(&bad), network.ErrAuth)
	f.FailNext(nettest.MetaFailure{Code: 190, Subcode: 463, Message: "Error validating access token: Session has expired"})
	kind(t, publish(a), network.ErrAuth)
	f.FailNext(nettest.MetaFailure{Code: 32, Message: "Page request limit reached",
		Header: map[string]string{"X-Business-Use-Case-Usage": `{"104251234567890":[{"type":"pages","call_count":100,"total_cputime":3,"total_time":5,"estimated_time_to_regain_access":30}]}`}})
	if ne := kind(t, publish(a), network.ErrRateLimited); !ne.RetryAfter.Equal(now.Add(30 * time.Minute)) {
		t.Fatalf("%+v", ne)
	}
	f.FailNext(nettest.MetaFailure{Code: 80001, Message: "There have been too many calls to this Page account."})
	if ne := kind(t, publish(a), network.ErrRateLimited); !ne.RetryAfter.Equal(now.Add(time.Hour)) {
		t.Fatalf("%+v", ne)
	}
	f.FailNext(nettest.MetaFailure{Code: 368, Message: "It looks like you were misusing this feature by going too fast."})
	if ne := kind(t, publish(a), network.ErrRejected); !strings.Contains(ne.Reason, "misusing") {
		t.Fatalf("%+v", ne)
	}
	// The post call is not idempotent: a 5xx may have posted.
	f.FailNext(nettest.MetaFailure{Status: 500, Code: 2, Message: "An unexpected error has occurred.", Transient: true})
	kind(t, publish(a), network.ErrUnknownOutcome)
	if len(f.Posts()) != 0 {
		t.Fatalf("posts %v", f.Posts())
	}
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
