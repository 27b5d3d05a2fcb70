package x_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/network/x"
)

func setup(t *testing.T) (*nettest.XFake, *x.Client, *network.Account) {
	t.Helper()
	f := nettest.NewXFake()
	t.Cleanup(f.Close)
	c := x.New(x.Options{BaseURL: f.URL, HTTPClient: f.Client(), ClientID: "client-abc"})
	a := &network.Account{ID: 1, Network: "x", Handle: "@shop",
		Credentials: network.Credentials{AccessToken: "x-access-1", RefreshToken: "x-refresh-1"}}
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

func TestPublishSuccess(t *testing.T) {
	f, c, a := setup(t)
	txt := "新商品を発売しました！ https://example.com/p/123 #新商品 & more"
	got, err := c.Publish(context.Background(), a, network.Post{Text: txt, IdempotencyKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	posts := f.Snapshot()
	if len(posts) != 1 || posts[0].Text != txt {
		t.Fatalf("fake holds %+v", posts)
	}
	if got.RemoteID != posts[0].ID || got.URL != "https://x.com/i/web/status/"+posts[0].ID {
		t.Fatalf("published %+v, fake id %s", got, posts[0].ID)
	}
	if caps := c.Capabilities(); caps.Idempotent || !caps.CanFindRecent || caps.Network != "x" {
		t.Fatalf("capabilities %+v", caps)
	}
}

func TestPublishErrors(t *testing.T) {
	reset := time.Now().Add(7 * time.Minute).Truncate(time.Second)
	day := time.Now().Add(20 * time.Hour).Truncate(time.Second)
	tests := []struct {
		name       string
		fail       nettest.XFailure
		token      string
		kind       error
		status     int
		reason     string
		retryAfter time.Time
	}{
		{name: "bad token", token: "wrong", kind: network.ErrAuth, status: 401, reason: "Unauthorized"},
		{name: "429 problem body, 15-minute window",
			fail: nettest.XFailure{Status: 429, Body: `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`,
				Header: map[string]string{"x-rate-limit-remaining": "0", "x-rate-limit-reset": strconv.FormatInt(reset.Unix(), 10)}},
			kind: network.ErrRateLimited, status: 429, reason: "Too Many Requests", retryAfter: reset},
		{name: "429 legacy errors body, daily user cap is later",
			fail: nettest.XFailure{Status: 429, Body: `{"errors":[{"code":88,"message":"Rate limit exceeded"}]}`,
				Header: map[string]string{"x-rate-limit-reset": strconv.FormatInt(reset.Unix(), 10),
					"x-user-limit-24hour-limit": "25", "x-user-limit-24hour-remaining": "0",
					"x-user-limit-24hour-reset": strconv.FormatInt(day.Unix(), 10)}},
			kind: network.ErrRateLimited, status: 429, reason: "Rate limit exceeded", retryAfter: day},
		{name: "usage cap",
			fail: nettest.XFailure{Status: 429, Body: `{"title":"UsageCapExceeded","detail":"Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped"}`,
				Header: map[string]string{"x-rate-limit-reset": strconv.FormatInt(reset.Unix(), 10)}},
			kind: network.ErrRateLimited, status: 429, reason: "Monthly product cap", retryAfter: reset},
		{name: "403 policy",
			fail: nettest.XFailure{Status: 403, Body: `{"title":"Forbidden","detail":"You are not permitted to perform this action.","type":"about:blank","status":403}`},
			kind: network.ErrRejected, status: 403, reason: "You are not permitted to perform this action."},
		{name: "400 errors array",
			fail: nettest.XFailure{Status: 400, Body: `{"errors":[{"message":"Your Tweet text is too long."},{"message":"second"}],"title":"Invalid Request"}`},
			kind: network.ErrRejected, status: 400, reason: "Your Tweet text is too long.; second"},
		{name: "503",
			fail: nettest.XFailure{Status: 503, Body: `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`},
			kind: network.ErrTemporary, status: 503, reason: "Service Unavailable"},
		{name: "500 without a body", fail: nettest.XFailure{Status: 500}, kind: network.ErrTemporary, status: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c, a := setup(t)
			if tt.fail.Status != 0 {
				f.Set(func(f *nettest.XFake) { f.Fail = []nettest.XFailure{tt.fail} })
			}
			if tt.token != "" {
				a.Credentials.AccessToken = tt.token
			}
			_, err := c.Publish(context.Background(), a, network.Post{Text: "こんにちは"})
			e := netErr(t, err, tt.kind)
			if e.Status != tt.status || e.Reason != tt.reason {
				t.Errorf("got status %d reason %q, want %d %q", e.Status, e.Reason, tt.status, tt.reason)
			}
			if !e.RetryAfter.Equal(tt.retryAfter) {
				t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tt.retryAfter)
			}
			if len(f.Snapshot()) != 0 {
				t.Error("a failed request created a post")
			}
		})
	}
}

func TestRateLimitFromFakeWindow(t *testing.T) {
	f, c, a := setup(t)
	f.Set(func(f *nettest.XFake) { f.Limit = 1 })
	if _, err := c.Publish(context.Background(), a, network.Post{Text: "one"}); err != nil {
		t.Fatal(err)
	}
	_, err := c.Publish(context.Background(), a, network.Post{Text: "two"})
	e := netErr(t, err, network.ErrRateLimited)
	var reset time.Time
	f.Set(func(f *nettest.XFake) { reset = f.Reset })
	if !e.RetryAfter.Equal(reset) {
		t.Fatalf("RetryAfter %v, want the fake's x-rate-limit-reset %v", e.RetryAfter, reset)
	}
}

func TestRateLimitWithoutHeaders(t *testing.T) {
	now := time.Date(2026, 9, 1, 3, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(429)
		fmt.Fprint(w, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`)
	}))
	defer srv.Close()
	c := x.New(x.Options{BaseURL: srv.URL, Now: func() time.Time { return now }})
	_, err := c.Publish(context.Background(), &network.Account{Credentials: network.Credentials{AccessToken: "t"}}, network.Post{Text: "a"})
	if e := netErr(t, err, network.ErrRateLimited); !e.RetryAfter.Equal(now.Add(15 * time.Minute)) {
		t.Fatalf("RetryAfter %v", e.RetryAfter)
	}
}

// A duplicate is ErrRejected "duplicate"; FindRecent settles whether it is
// this target's own earlier post.
func TestDuplicate(t *testing.T) {
	f, c, a := setup(t)
	since := time.Now().Add(-time.Minute)
	txt := "本日発売 https://example.com/p/1"
	first, err := c.Publish(context.Background(), a, network.Post{Text: txt})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Publish(context.Background(), a, network.Post{Text: txt})
	e := netErr(t, err, network.ErrRejected)
	if e.Status != 403 || e.Reason != x.ReasonDuplicate || !x.IsDuplicate(err) {
		t.Fatalf("got %+v", e)
	}
	found, err := c.FindRecent(context.Background(), a, txt, since)
	if err != nil || found == nil || found.RemoteID != first.RemoteID {
		t.Fatalf("FindRecent = %+v, %v; want %s", found, err, first.RemoteID)
	}
	// Posted before the attempt: not ours.
	if found, err := c.FindRecent(context.Background(), a, txt, time.Now().Add(time.Minute)); err != nil || found != nil {
		t.Fatalf("FindRecent after = %+v, %v", found, err)
	}
	if len(f.Snapshot()) != 1 {
		t.Fatal("duplicate posted")
	}
}

// The fake records the post and stalls; the client gives up: the outcome is
// unknown, and FindRecent finds the post that did land.
func TestUnknownOutcomeThenFindRecent(t *testing.T) {
	f, _, a := setup(t)
	f.Set(func(f *nettest.XFake) { f.CreateDelay = 5 * time.Second })
	hc := f.Client()
	hc.Timeout = time.Second // room for a loaded CI machine; the fake stalls 5 s
	c := x.New(x.Options{BaseURL: f.URL, HTTPClient: hc})
	since := time.Now()
	txt := "セール開始 & 送料無料 https://example.com/sale?a=1&b=2 #sale"
	_, err := c.Publish(context.Background(), a, network.Post{Text: txt})
	netErr(t, err, network.ErrUnknownOutcome)
	posts := f.Snapshot()
	if len(posts) != 1 {
		t.Fatalf("fake holds %d posts", len(posts))
	}
	f.Set(func(f *nettest.XFake) { f.CreateDelay = 0 })
	found, err := c.FindRecent(context.Background(), a, txt, since)
	if err != nil || found == nil || found.RemoteID != posts[0].ID {
		t.Fatalf("FindRecent = %+v, %v; want %s", found, err, posts[0].ID)
	}
	if found, _ := c.FindRecent(context.Background(), a, "セール開始", since); found != nil {
		t.Fatalf("a different text matched: %+v", found)
	}
}

func TestUnknownOutcomeOnContextDeadline(t *testing.T) {
	f, c, a := setup(t)
	f.Set(func(f *nettest.XFake) { f.CreateDelay = 5 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.Publish(ctx, a, network.Post{Text: "deadline"})
	netErr(t, err, network.ErrUnknownOutcome)
}

// Nothing was sent: safe to retry.
func TestConnectionRefusedIsTemporary(t *testing.T) {
	f, c, a := setup(t)
	f.Close()
	_, err := c.Publish(context.Background(), a, network.Post{Text: "a"})
	netErr(t, err, network.ErrTemporary)
}

func TestFindRecentPages(t *testing.T) {
	f, c, a := setup(t)
	f.Set(func(f *nettest.XFake) { f.Limit = 1000 })
	since := time.Now().Add(-time.Second)
	for i := range 150 {
		if _, err := c.Publish(context.Background(), a, network.Post{Text: fmt.Sprintf("post %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	want := f.Snapshot()[0]
	found, err := c.FindRecent(context.Background(), a, "post 0", since)
	if err != nil || found == nil || found.RemoteID != want.ID {
		t.Fatalf("FindRecent = %+v, %v; want %s", found, err, want.ID)
	}
	a.Credentials.AccessToken = "revoked"
	_, err = c.FindRecent(context.Background(), a, "post 0", since)
	netErr(t, err, network.ErrAuth)
}

func TestRefreshToken(t *testing.T) {
	now := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	t.Run("rotating", func(t *testing.T) {
		f, _, a := setup(t)
		f.Set(func(f *nettest.XFake) { f.RotateRefresh = true })
		c := x.New(x.Options{BaseURL: f.URL, ClientID: "client-abc", Now: func() time.Time { return now }})
		cr, err := c.RefreshToken(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		if cr.AccessToken != "x-access-2" || cr.RefreshToken != "x-refresh-2" || !cr.ExpiresAt.Equal(now.Add(2*time.Hour)) {
			t.Fatalf("got %+v", cr)
		}
		a.Credentials = cr
		if _, err := c.Publish(context.Background(), a, network.Post{Text: "with the new token"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("answer without refresh_token keeps the stored one", func(t *testing.T) {
		f, c, a := setup(t)
		a.Credentials.Session = "kept"
		cr, err := c.RefreshToken(context.Background(), a)
		if err != nil {
			t.Fatal(err)
		}
		if cr.RefreshToken != "x-refresh-1" || cr.AccessToken != "x-access-2" || cr.Session != "kept" {
			t.Fatalf("got %+v", cr)
		}
		_ = f
	})
	t.Run("confidential client sends Basic auth", func(t *testing.T) {
		f, _, a := setup(t)
		f.Set(func(f *nettest.XFake) { f.ClientSecret = "s3cret:/+" })
		good := x.New(x.Options{BaseURL: f.URL, ClientID: "client-abc", ClientSecret: "s3cret:/+"})
		if _, err := good.RefreshToken(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		bad := x.New(x.Options{BaseURL: f.URL, ClientID: "client-abc", ClientSecret: "wrong"})
		e := netErr(t, mustErr(bad.RefreshToken(context.Background(), a)), network.ErrAuth)
		if e.Status != 401 {
			t.Fatalf("got %+v", e)
		}
	})
	t.Run("revoked grant is ErrAuth", func(t *testing.T) {
		_, c, a := setup(t)
		a.Credentials.RefreshToken = "revoked"
		e := netErr(t, mustErr(c.RefreshToken(context.Background(), a)), network.ErrAuth)
		if e.Status != 400 || e.Reason != "invalid_request: Value passed for the token was invalid." {
			t.Fatalf("got %+v", e)
		}
	})
	t.Run("spent rotated token is ErrAuth", func(t *testing.T) {
		f, c, a := setup(t)
		f.Set(func(f *nettest.XFake) { f.RotateRefresh = true })
		if _, err := c.RefreshToken(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		netErr(t, mustErr(c.RefreshToken(context.Background(), a)), network.ErrAuth)
	})
	t.Run("invalid_grant is ErrAuth", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"Refresh token revoked"}`)
		}))
		defer srv.Close()
		c := x.New(x.Options{BaseURL: srv.URL, ClientID: "id"})
		e := netErr(t, mustErr(c.RefreshToken(context.Background(), &network.Account{Credentials: network.Credentials{RefreshToken: "r"}})), network.ErrAuth)
		if e.Reason != "invalid_grant: Refresh token revoked" {
			t.Fatalf("reason %q", e.Reason)
		}
	})
	t.Run("5xx is temporary", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(503)
			fmt.Fprint(w, `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`)
		}))
		defer srv.Close()
		c := x.New(x.Options{BaseURL: srv.URL, ClientID: "id"})
		netErr(t, mustErr(c.RefreshToken(context.Background(), &network.Account{Credentials: network.Credentials{RefreshToken: "r"}})), network.ErrTemporary)
	})
	t.Run("network failure is temporary", func(t *testing.T) {
		f, c, a := setup(t)
		f.Close()
		netErr(t, mustErr(c.RefreshToken(context.Background(), a)), network.ErrTemporary)
	})
	t.Run("no refresh token", func(t *testing.T) {
		f, c, a := setup(t)
		a.Credentials.RefreshToken = ""
		netErr(t, mustErr(c.RefreshToken(context.Background(), a)), network.ErrAuth)
		f.Set(func(ff *nettest.XFake) {
			if ff.Refreshes != 0 {
				t.Error("asked X without a refresh token")
			}
		})
	})
}

func mustErr(_ network.Credentials, err error) error { return err }

// A success carries the quota of x-rate-limit-*: posts left and the reset.
func TestQuotaOnSuccess(t *testing.T) {
	f, c, a := setup(t)
	f.Set(func(f *nettest.XFake) { f.Limit = 2 })
	for i, want := range []int{1, 0} {
		got, err := c.Publish(context.Background(), a, network.Post{Text: fmt.Sprint("post ", i)})
		if err != nil {
			t.Fatal(err)
		}
		var reset time.Time
		f.Set(func(f *nettest.XFake) { reset = f.Reset })
		if q := got.Quota; q == nil || q.Remaining != want || q.Limit != 2 || !q.Reset.Equal(reset) {
			t.Fatalf("post %d: quota %+v, want %d of 2 left until %v", i, q, want, reset)
		}
	}
}

// The limit closest to spent wins; absent or malformed headers give none.
func TestQuotaHeaders(t *testing.T) {
	reset := time.Now().Add(7 * time.Minute).Truncate(time.Second)
	day := time.Now().Add(20 * time.Hour).Truncate(time.Second)
	r, d := strconv.FormatInt(reset.Unix(), 10), strconv.FormatInt(day.Unix(), 10)
	tests := []struct {
		name   string
		header map[string]string
		want   *network.RateQuota
	}{
		{"none", nil, nil},
		{"15 minutes", map[string]string{"x-rate-limit-limit": "100", "x-rate-limit-remaining": "42", "x-rate-limit-reset": r},
			&network.RateQuota{Limit: 100, Remaining: 42, Reset: reset}},
		{"daily user cap is closer", map[string]string{"x-rate-limit-remaining": "42", "x-rate-limit-reset": r,
			"x-user-limit-24hour-limit": "25", "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": d},
			&network.RateQuota{Limit: 25, Remaining: 0, Reset: day}},
		{"remaining not a number", map[string]string{"x-rate-limit-remaining": "lots", "x-rate-limit-reset": r}, nil},
		{"negative remaining", map[string]string{"x-rate-limit-remaining": "-1", "x-rate-limit-reset": r}, nil},
		{"reset not epoch seconds", map[string]string{"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset.Format(time.RFC3339)}, nil},
		{"no reset", map[string]string{"x-rate-limit-remaining": "0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(201)
				fmt.Fprint(w, `{"data":{"id":"1","text":"a"}}`)
			}))
			defer srv.Close()
			c := x.New(x.Options{BaseURL: srv.URL})
			got, err := c.Publish(context.Background(), &network.Account{Credentials: network.Credentials{AccessToken: "t"}}, network.Post{Text: "a"})
			if err != nil {
				t.Fatal(err)
			}
			if got.RemoteID != "1" {
				t.Fatalf("published %+v", got)
			}
			switch q := got.Quota; {
			case tt.want == nil && q != nil:
				t.Fatalf("quota %+v, want none", q)
			case tt.want != nil && (q == nil || q.Limit != tt.want.Limit || q.Remaining != tt.want.Remaining || !q.Reset.Equal(tt.want.Reset)):
				t.Fatalf("quota %+v, want %+v", q, tt.want)
			}
		})
	}
}
