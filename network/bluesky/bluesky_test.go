package bluesky_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/bluesky"
	"github.com/soroe/soroe/network/nettest"
)

var now = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

// The example of platforms.md §2, with offsets computed there in Python.
const jaText = "新商品を発売しました！詳細はこちら https://example.com/p/123 #新商品 #sale"

func setup(t *testing.T, timeout time.Duration) (*nettest.Bluesky, *bluesky.Client, *network.Account) {
	t.Helper()
	f := nettest.NewBluesky()
	t.Cleanup(f.Close)
	c := bluesky.New(bluesky.Options{HTTPClient: &http.Client{Timeout: timeout}, Clock: func() time.Time { return now }})
	a := &network.Account{ID: 1, Handle: "shop.bsky.social", Host: f.URL,
		Credentials: network.Credentials{AppPassword: f.Password}}
	return f, c, a
}

func post(text string) network.Post {
	return network.Post{Text: text, IdempotencyKey: "post-7-account-1", CreatedAt: now}
}

func kind(t *testing.T, err, want error) *network.Error {
	t.Helper()
	var ne *network.Error
	if !errors.As(err, &ne) || !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
	return ne
}

func TestFacetsJapanese(t *testing.T) {
	got, _ := json.Marshal(bluesky.Facets(jaText))
	want := `[{"index":{"byteStart":52,"byteEnd":77},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.com/p/123"}]},` +
		`{"index":{"byteStart":78,"byteEnd":88},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"新商品"}]},` +
		`{"index":{"byteStart":89,"byteEnd":94},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"sale"}]}]`
	if string(got) != want {
		t.Fatalf("facets\n got %s\nwant %s", got, want)
	}
	// The byte ranges cut out exactly what they name.
	for _, f := range bluesky.Facets(jaText) {
		s := jaText[f.Index.ByteStart:f.Index.ByteEnd]
		if ft := f.Features[0]; ft.URI != s && "#"+ft.Tag != s {
			t.Errorf("facet %+v covers %q", f, s)
		}
	}
	// Full-width ＃ (3 bytes) and an emoji (4 bytes) before a link.
	fs := bluesky.Facets("🎉＃祭り http://a.jp")
	if len(fs) != 2 || fs[0].Index != (bluesky.ByteSlice{ByteStart: 4, ByteEnd: 13}) || fs[0].Features[0].Tag != "祭り" ||
		fs[1].Index != (bluesky.ByteSlice{ByteStart: 14, ByteEnd: 25}) {
		t.Fatalf("facets = %+v", fs)
	}
	if fs := bluesky.Facets("リンクなし example.com"); fs != nil {
		t.Fatalf("a bare domain is not a Bluesky link: %+v", fs)
	}
}

func TestRecordKeyIsDeterministicTID(t *testing.T) {
	k := bluesky.RecordKey("post-7-account-1", now)
	if k != bluesky.RecordKey("post-7-account-1", now) {
		t.Fatal("not deterministic")
	}
	if k == bluesky.RecordKey("post-8-account-1", now) {
		t.Fatal("two posts share a key")
	}
	if len(k) != 13 || strings.Trim(k, "234567abcdefghijklmnopqrstuvwxyz") != "" || !strings.ContainsRune("234567abcdefghij", rune(k[0])) {
		t.Fatalf("%q is not a TID", k)
	}
	// Later posts sort later, as TIDs do.
	if !(bluesky.RecordKey("x", now) < bluesky.RecordKey("x", now.Add(time.Millisecond))) {
		t.Fatal("keys do not sort by time")
	}
}

func TestPublish(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	pub, err := c.Publish(context.Background(), a, post(jaText))
	if err != nil {
		t.Fatal(err)
	}
	rkey := bluesky.RecordKey("post-7-account-1", now)
	if pub.RemoteID != "at://"+f.DID+"/app.bsky.feed.post/"+rkey ||
		pub.URL != "https://bsky.app/profile/shop.bsky.social/post/"+rkey {
		t.Fatalf("published = %+v", pub)
	}
	body := f.LastCreate
	if body["repo"] != f.DID || body["collection"] != "app.bsky.feed.post" || body["rkey"] != rkey {
		t.Fatalf("createRecord body = %v", body)
	}
	rec := body["record"].(map[string]any)
	if rec["$type"] != "app.bsky.feed.post" || rec["text"] != jaText || rec["createdAt"] != "2026-11-23T00:30:00.000Z" {
		t.Fatalf("record = %v", rec)
	}
	if l := rec["langs"].([]any); len(l) != 1 || l[0] != "ja" {
		t.Fatalf("langs = %v", rec["langs"])
	}
	b, _ := json.Marshal(rec["facets"])
	if !strings.Contains(string(b), `"byteEnd":77,"byteStart":52`) || !strings.Contains(string(b), `"byteEnd":88,"byteStart":78`) ||
		!strings.Contains(string(b), `"tag":"新商品"`) {
		t.Fatalf("facets sent = %s", b)
	}
	var s bluesky.Session
	if err := json.Unmarshal([]byte(a.Credentials.Session), &s); err != nil || s.DID != f.DID || s.AccessJwt == "" || s.RefreshJwt == "" {
		t.Fatalf("session not kept: %q", a.Credentials.Session)
	}
	// The cached session is used: no second login.
	p2 := post("二つ目")
	p2.IdempotencyKey = "post-8-account-1"
	if _, err := c.Publish(context.Background(), a, p2); err != nil {
		t.Fatal(err)
	}
	if f.Logins != 1 {
		t.Fatalf("logins = %d", f.Logins)
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
	// The same post; only the first answer, a created record, carries a quota.
	if again.RemoteID != first.RemoteID || again.URL != first.URL || len(f.Records()) != 1 || f.Calls("com.atproto.repo.createRecord") != 2 {
		t.Fatalf("retry: %+v vs %+v, %d records", again, first, len(f.Records()))
	}
	found, err := c.Lookup(context.Background(), a, post(jaText))
	if err != nil || found == nil || found.RemoteID != first.RemoteID || found.URL != first.URL {
		t.Fatalf("lookup = %v, %v", found, err)
	}
	other := post(jaText)
	other.IdempotencyKey = "post-9-account-1"
	if found, err := c.Lookup(context.Background(), a, other); err != nil || found != nil {
		t.Fatalf("lookup of an unsent post = %v, %v", found, err)
	}
}

func TestSlowServerIsUnknownThenSettled(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.DelayAfterWrite(2 * time.Second)
	_, err := c.Publish(context.Background(), a, post(jaText))
	kind(t, err, network.ErrUnknownOutcome)
	if len(f.Records()) != 1 {
		t.Fatalf("the fake should hold the post: %d", len(f.Records()))
	}
	f.DelayAfterWrite(0)
	found, err := c.FindRecent(context.Background(), a, jaText, now.Add(-time.Minute))
	if err != nil || found == nil || !strings.HasSuffix(found.RemoteID, bluesky.RecordKey("post-7-account-1", now)) {
		t.Fatalf("FindRecent = %v, %v", found, err)
	}
	// And a retry of the attempt creates nothing new.
	if _, err := c.Publish(context.Background(), a, post(jaText)); err != nil {
		t.Fatal(err)
	}
	if len(f.Records()) != 1 {
		t.Fatalf("%d records after retry", len(f.Records()))
	}
}

func TestUnreachableIsTemporary(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.Close()
	kind(t, func() error { _, err := c.Publish(context.Background(), a, post("x")); return err }(), network.ErrTemporary)
}

func TestRateLimited(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.SetRateLimit(0)
	_, err := c.Publish(context.Background(), a, post(jaText))
	ne := kind(t, err, network.ErrRateLimited)
	if !ne.RetryAfter.Equal(f.RateLimitReset) || ne.Status != 429 || !strings.Contains(ne.Reason, "RateLimitExceeded") {
		t.Fatalf("error = %+v, want RetryAfter %v", ne, f.RateLimitReset)
	}
	if len(f.Records()) != 0 {
		t.Fatal("posted despite 429")
	}
}

func TestExpiredTokenRefreshes(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	if _, err := c.Publish(context.Background(), a, post("一つ目")); err != nil {
		t.Fatal(err)
	}
	old := a.Credentials.Session
	f.ExpireAccess()
	p := post("二つ目")
	p.IdempotencyKey = "k2"
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if f.Calls("com.atproto.server.refreshSession") != 1 || f.Logins != 1 || a.Credentials.Session == old {
		t.Fatalf("refresh %d, logins %d", f.Calls("com.atproto.server.refreshSession"), f.Logins)
	}
	// Sessions revoked: refresh fails, the app password logs in again.
	f.RevokeAll()
	p.IdempotencyKey = "k3"
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if f.Logins != 2 || len(f.Records()) != 3 {
		t.Fatalf("logins %d, records %d", f.Logins, len(f.Records()))
	}
}

func TestAuthFailures(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	a.Credentials.AppPassword = "wrong-pass-word-here"
	_, err := c.Publish(context.Background(), a, post("x"))
	ne := kind(t, err, network.ErrAuth)
	if ne.Status != 401 || !strings.Contains(ne.Reason, "Invalid identifier or password") {
		t.Fatalf("error = %+v", ne)
	}
	// A stale session whose refresh fails and whose password was revoked.
	a.Credentials.Session = `{"accessJwt":"old","refreshJwt":"old-r","handle":"shop.bsky.social","did":"` + f.DID + `"}`
	_, err = c.Publish(context.Background(), a, post("x"))
	kind(t, err, network.ErrAuth)
	if len(f.Records()) != 0 {
		t.Fatal("posted")
	}
}

func TestRejected(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	_, err := c.Publish(context.Background(), a, post(strings.Repeat("あ", 301)))
	ne := kind(t, err, network.ErrRejected)
	if ne.Status != 400 || !strings.Contains(ne.Reason, "InvalidRequest: Record/text must not be longer than 300 graphemes") {
		t.Fatalf("error = %+v", ne)
	}
	if len(f.Records()) != 0 {
		t.Fatal("stored")
	}
}

func TestServerError(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.FailNext(nettest.BlueskyFailure{Status: 502, Error: "UpstreamFailure", Message: "bad gateway"})
	_, err := c.Publish(context.Background(), a, post("x"))
	kind(t, err, network.ErrTemporary)
	// The retry (same record key) goes through once.
	if _, err := c.Publish(context.Background(), a, post("x")); err != nil || len(f.Records()) != 1 {
		t.Fatalf("retry: %v, %d records", err, len(f.Records()))
	}
}

func TestFindRecent(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.AddRecord("3kaaaaaaaaaa2", "古い投稿", now.Add(-2*time.Hour))
	f.AddRecord("3kaaaaaaaaab2", "今日の投稿", now.Add(-time.Minute))
	got, err := c.FindRecent(context.Background(), a, "今日の投稿", now.Add(-10*time.Minute))
	if err != nil || got == nil || got.RemoteID != "at://"+f.DID+"/app.bsky.feed.post/3kaaaaaaaaab2" ||
		got.URL != "https://bsky.app/profile/shop.bsky.social/post/3kaaaaaaaaab2" {
		t.Fatalf("found %+v, %v", got, err)
	}
	if got, err := c.FindRecent(context.Background(), a, "古い投稿", now.Add(-10*time.Minute)); err != nil || got != nil {
		t.Fatalf("a post before since was found: %+v, %v", got, err)
	}
	if got, err := c.FindRecent(context.Background(), a, "ない投稿", now.Add(-10*time.Hour)); err != nil || got != nil {
		t.Fatalf("found %+v, %v", got, err)
	}
}
