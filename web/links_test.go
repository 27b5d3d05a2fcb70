package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// linkFixture is a published-looking post of org A with a tracked link.
func linkFixture(t testing.TB, e *env, f *fixture) *soroe.Link {
	t.Helper()
	ctx := context.Background()
	a := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkMastodon, Name: fmt.Sprintf("links %d", seq.Add(1))}
	if err := e.db.CreateAccount(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	p := &soroe.Post{OrgID: f.A.ID, AuthorID: f.Users[soroe.RoleStaff].ID, Link: "https://example.jp/fair?x=1"}
	tg := &soroe.Target{AccountID: a.ID, Text: "フェア https://example.jp/fair?x=1"}
	if err := e.db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
		t.Fatal(err)
	}
	dest, err := soroe.WithUTM(p.Link, a.Network, "goal-1", p.ID)
	if err != nil {
		t.Fatal(err)
	}
	l, err := e.db.EnsureLink(ctx, &soroe.Link{OrgID: f.A.ID, PostID: p.ID, TargetID: tg.ID, Network: a.Network, Destination: dest})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func init() {
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		f.Wild["code"] = linkFixture(t, e, f).Code
	})
	walkBodies["POST /api/v1/conversions"] = `{"event":"download","value":1}`
	walkBodies["PATCH /api/v1/link-settings"] = `{"attribution_window_days":30}`
	walkBodies["PUT /api/v1/posts/{post}/tracking"] = `{"track":true}`
}

func TestParseClick(t *testing.T) {
	const human = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
	for _, c := range []struct {
		name, method, ua string
		bot              bool
		class            string
	}{
		{"iphone", "GET", human, false, soroe.UAMobile},
		{"desktop", "GET", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", false, soroe.UADesktop},
		{"line app", "GET", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.20.0", false, soroe.UAInApp},
		{"instagram app", "GET", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 Instagram 312.0", false, soroe.UAInApp},
		{"head", "HEAD", human, true, ""},
		{"empty", "GET", "", true, ""},
		{"twitterbot", "GET", "Twitterbot/1.0", true, ""},
		{"facebook", "GET", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", true, ""},
		{"slack", "GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", true, ""},
		{"linkedin", "GET", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", true, ""},
		{"discord", "GET", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", true, ""},
		{"telegram", "GET", "TelegramBot (like TwitterBot)", true, ""},
		{"whatsapp", "GET", "WhatsApp/2.23.20.0", true, ""},
		{"line preview", "GET", "facebookexternalhit/1.1;line-poker/1.0", true, ""},
		{"googlebot", "GET", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true, ""},
		{"bingbot", "GET", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true, ""},
		{"crawler", "GET", "SomeCrawler/3.1", true, ""},
		{"spider", "GET", "Baiduspider+(+http://www.baidu.com/search/spider.htm)", true, ""},
		{"preview", "GET", "Mozilla/5.0 LinkPreview/1.0", true, ""},
		{"mastodon", "GET", "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)", true, ""},
		{"bluesky", "GET", "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)", true, ""},
		{"curl", "GET", "curl/8.4.0", true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, ok := parseClick(c.method, "AbCd1234", "https://t.co/xyz", c.ua)
			if !ok || p.Bot != c.bot || (!c.bot && p.UAClass != c.class) || p.ReferrerHost != "t.co" {
				t.Errorf("%+v ok=%v, want bot %v class %q", p, ok, c.bot, c.class)
			}
		})
	}
	for _, code := range []string{"", "abc", "has-dash1", "日本語コード", strings.Repeat("a", 33)} {
		if _, ok := parseClick("GET", code, "", "x"); ok {
			t.Errorf("code %q accepted", code)
		}
	}
}

func TestLinkRedirect(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		l := linkFixture(t, e, f)
		c := e.client()
		h := http.Header{"User-Agent": {"Mozilla/5.0 (iPhone) Mobile Safari"}, "Referer": {"https://t.co/abc"}}
		r := c.do(t, "GET", "/l/"+l.Code, nil, h)
		want(t, r, http.StatusFound)
		u, err := url.Parse(r.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Host != "example.jp" || q.Get("x") != "1" || q.Get("utm_source") != "mastodon" || q.Get("utm_medium") != "social" ||
			q.Get("utm_campaign") != "goal-1" || q.Get("utm_content") != strconv.FormatInt(l.PostID, 10) || q.Get("soroe_c") != l.Code {
			t.Fatalf("Location %s", u)
		}
		if sc := r.Header.Get("Set-Cookie"); sc != "" {
			t.Errorf("the redirect sets a cookie: %s", sc)
		}
		c.do(t, "GET", "/l/"+l.Code, nil, http.Header{"User-Agent": {"Twitterbot/1.0"}})
		c.do(t, "HEAD", "/l/"+l.Code, nil, h)
		want(t, c.do(t, "GET", "/l/Nope1234", nil, h), http.StatusNotFound)
		want(t, c.do(t, "GET", "/l/no-such", nil, h), http.StatusNotFound)
		e.srv.Close()
		day := soroe.DateOf(clock.Now(), time.UTC)
		got, err := db.ClicksByDay(context.Background(), f.A.ID, clock.Now().Add(-time.Hour), clock.Now().Add(time.Hour), time.UTC, store.LinkFilter{})
		if err != nil || len(got) != 1 || got[0] != (store.DayCount{Day: day, Count: 1}) {
			t.Fatalf("clicks %+v %v, want one (bots and HEAD not counted)", got, err)
		}
	})
}

// TestClicksSurviveShutdown serves for real, clicks, shuts down, and
// counts the rows: nothing buffered is lost.
func TestClicksSurviveShutdown(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		l := linkFixture(t, e, f)
		srv, err := New(Config{Store: db, Clock: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		// A long flush interval: the clicks stay in memory until shutdown.
		srv.clicks.Close()
		srv.clicks = newClickBatcher(db.RecordClicks, time.Hour, 10000, func(err error, n int) { t.Errorf("lost %d: %v", n, err) })
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ctx, ln, 5*time.Second) }()
		hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		const n = 50
		for i := range n {
			req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/l/"+l.Code, nil)
			req.Header.Set("User-Agent", "Mozilla/5.0 (Macintosh) Safari/"+strconv.Itoa(i))
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusFound {
				t.Fatalf("status %d", res.StatusCode)
			}
		}
		out, _ := db.PostOutcomes(context.Background(), f.A.ID, l.PostID)
		if o := out[l.PostID]; o != nil && o.Clicks == n {
			t.Fatal("clicks were written before shutdown: the test proves nothing")
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		out, err = db.PostOutcomes(context.Background(), f.A.ID, l.PostID)
		if o := out[l.PostID]; err != nil || o == nil || o.Clicks != n {
			t.Fatalf("after shutdown %+v %v, want %d clicks", o, err, n)
		}
	})
}

func TestConversionsAPIAndPixel(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		l := linkFixture(t, e, f)
		c := e.client()
		c.do(t, "GET", "/l/"+l.Code, nil, http.Header{"User-Agent": {"Mozilla/5.0 (iPhone) Mobile"}})
		e.srv.clicks.Close() // written now
		e.srv.clicks = newClickBatcher(e.db.RecordClicks, time.Millisecond, 1, func(error, int) {})

		hdr := http.Header{"Idempotency-Key": {"order-1"}, "Content-Type": {"application/json"}}
		body := `{"event":"download","value":3000,"code":"` + l.Code + `"}`
		r := e.apiRaw(t, "POST", "/api/v1/conversions", owner, strings.NewReader(body), hdr)
		want(t, r, http.StatusCreated)
		first := r.json(t)
		if first["post_id"] != float64(l.PostID) || first["source"] != "api" {
			t.Fatalf("not attributed: %v", first)
		}
		r = e.apiRaw(t, "POST", "/api/v1/conversions", owner, strings.NewReader(`{"event":"download","value":1}`), hdr)
		want(t, r, http.StatusOK)
		if again := r.json(t); again["id"] != first["id"] || again["value"] != float64(3000) {
			t.Fatalf("repeated key made %v", again)
		}
		want(t, e.api(t, "POST", "/api/v1/conversions", staff, map[string]any{"event": "download"}), http.StatusForbidden)
		e.api(t, "POST", "/api/v1/conversions", owner, map[string]any{"event": "Bad Event!"}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		e.api(t, "POST", "/api/v1/conversions", owner, map[string]any{"event": "x", "occurred_at": "yesterday"}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)

		r = e.api(t, "GET", "/api/v1/link-settings", staff, nil)
		want(t, r, http.StatusOK)
		key, _ := r.json(t)["site_key"].(string)
		want(t, e.api(t, "PATCH", "/api/v1/link-settings", staff, map[string]any{"attribution_window_days": 7}), http.StatusForbidden)
		e.api(t, "PATCH", "/api/v1/link-settings", owner, map[string]any{"attribution_window_days": 0}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		r = e.api(t, "PATCH", "/api/v1/link-settings", owner, map[string]any{"attribution_window_days": 7, "track": false})
		if want(t, r, http.StatusOK); r.json(t)["attribution_window_days"] != float64(7) {
			t.Fatalf("settings %s", r)
		}

		// The pixel: a GIF whatever happens; the status says what it did.
		for _, p := range []struct {
			q      string
			status int
		}{
			{"k=" + key + "&e=apply&c=" + l.Code + "&v=1&id=p1", http.StatusOK},
			{"k=" + key + "&e=apply&c=" + l.Code + "&id=p1", http.StatusOK}, // same key: nothing added
			{"k=" + key + "&e=apply", http.StatusOK},                        // unattributed, counted
			{"k=sk_unknown&e=apply", http.StatusBadRequest},
			{"k=" + key + "&e=", http.StatusBadRequest},
			{"k=" + key + "&e=apply&v=NaN", http.StatusBadRequest},
			{"k=" + key + "&e=apply&c=../../x", http.StatusBadRequest},
		} {
			r := c.do(t, "GET", "/t.gif?"+p.q, nil, nil)
			if r.Status != p.status || r.Header.Get("Content-Type") != "image/gif" || len(r.Body) == 0 {
				t.Errorf("%s: %d %s", p.q, r.Status, r.Header.Get("Content-Type"))
			}
		}
		r = e.api(t, "GET", "/api/v1/conversions", staff, nil)
		want(t, r, http.StatusOK)
		if cs := r.json(t)["conversions"].([]any); len(cs) != 3 {
			t.Fatalf("conversions %d: %s", len(cs), r)
		}
		r = e.api(t, "GET", fmt.Sprintf("/api/v1/posts/%d/links", l.PostID), staff, nil)
		want(t, r, http.StatusOK)
		if j := r.json(t); j["clicks"] != float64(1) || j["track"] != false {
			t.Fatalf("post links %s", r)
		}
		want(t, e.api(t, "PUT", fmt.Sprintf("/api/v1/posts/%d/tracking", l.PostID), staff, map[string]any{"track": true}), http.StatusOK)
		if on, _ := e.db.PostTracking(context.Background(), f.A.ID, l.PostID); !on {
			t.Fatal("tracking not set")
		}
		js := c.get(t, "/t.js")
		if want(t, js, http.StatusOK); !strings.Contains(js.Body, "soroe_c") || !strings.Contains(js.Body, "localStorage") {
			t.Fatalf("script %s", js.Body)
		}
	})
}

func TestLinkSettingsPage(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		m := e.loggedIn(t, f.Users[soroe.RoleManager])
		r := m.get(t, "/org/links")
		want(t, r, http.StatusOK)
		set, _ := db.LinkSettings(context.Background(), f.A.ID)
		if !strings.Contains(r.Body, set.SiteKey) || !strings.Contains(r.Body, `value="30"`) {
			t.Fatalf("page %s", r.Body)
		}
		r = m.post(t, "/org/links", url.Values{"attribution_window_days": {"14"}})
		want(t, r, http.StatusSeeOther)
		if set, _ := db.LinkSettings(context.Background(), f.A.ID); set.WindowDays != 14 || set.Track {
			t.Fatalf("saved %+v", set)
		}
		r = m.post(t, "/org/links", url.Values{"attribution_window_days": {"999"}, "track": {"1"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("out of range: %s", r)
		}
	})
}

func FuzzParseClick(f *testing.F) {
	f.Add("GET", "AbCd1234", "https://t.co/x", "Mozilla/5.0")
	f.Add("HEAD", "", "::bad", "Twitterbot")
	f.Fuzz(func(t *testing.T, method, code, ref, ua string) {
		p, ok := parseClick(method, code, ref, ua)
		if ok && (!soroe.ValidLinkCode(p.Code) || p.Code != code) {
			t.Fatalf("accepted %q as %q", code, p.Code)
		}
		if ok && method != "GET" && !p.Bot {
			t.Fatal("a non-GET counted")
		}
	})
}

func FuzzParsePixel(f *testing.F) {
	f.Add("k=sk_abc&e=download&c=AbCd1234&v=12.5&id=x")
	f.Add("k=sk_&e=&v=1e400")
	f.Add("e=%ff%fe&v=-0")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parsePixel(q)
		if err != nil {
			return
		}
		c := soroe.Conversion{Event: p.Event, Value: p.Value, Code: p.Code, Source: soroe.ConversionPixel}
		if c.Validate() != nil || !strings.HasPrefix(p.SiteKey, "sk_") || (p.Value != nil && *p.Value != *p.Value) {
			t.Fatalf("accepted junk %+v", p)
		}
	})
}

// BenchmarkLinkRedirect measures the redirect handler with the click
// batcher on SQLite (docs/benchmarks.md).
func BenchmarkLinkRedirect(b *testing.B) {
	db, err := store.Open(context.Background(), store.Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	owner := &soroe.User{Email: "bench@example.jp", Name: "B", PasswordHash: "x"}
	org := &soroe.Org{Name: "Bench"}
	if err := db.CreateUserWithOrg(context.Background(), owner, org); err != nil {
		b.Fatal(err)
	}
	a := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: "x"}
	if err := db.CreateAccount(context.Background(), a, ""); err != nil {
		b.Fatal(err)
	}
	p := &soroe.Post{OrgID: org.ID, AuthorID: owner.ID, Link: "https://example.jp/"}
	tg := &soroe.Target{AccountID: a.ID, Text: "x https://example.jp/"}
	if err := db.CreatePost(context.Background(), p, []*soroe.Target{tg}); err != nil {
		b.Fatal(err)
	}
	l, err := db.EnsureLink(context.Background(), &soroe.Link{OrgID: org.ID, PostID: p.ID, TargetID: tg.ID, Network: a.Network, Destination: "https://example.jp/?utm_source=x"})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(Config{Store: db})
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			start := time.Now()
			req := httptest.NewRequest("GET", "/l/"+l.Code, nil)
			req.Header.Set("User-Agent", "Mozilla/5.0 (iPhone) Mobile Safari")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			if w.Code != http.StatusFound {
				b.Fatalf("status %d", w.Code)
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "µs-p99")
	}
	start := time.Now()
	srv.Close()
	b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms-final-flush")
}

func TestPostEditorTracking(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		ctx := context.Background()
		m := e.loggedIn(t, f.Users[soroe.RoleManager])
		r := m.get(t, "/posts/new")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `name="track_link" value="1" checked`) {
			t.Fatal("the new post's box is not checked by the organization's default")
		}
		pid, _ := strconv.ParseInt(f.Wild["post"], 10, 64)
		if err := db.SetPostTracking(ctx, f.A.ID, pid, false); err != nil {
			t.Fatal(err)
		}
		tok := e.token(t, f.A, f.Users[soroe.RoleManager])
		r = e.api(t, "POST", "/api/v1/posts", tok, map[string]any{"text": "計測しない投稿", "link": "https://example.jp/", "track_link": false})
		want(t, r, http.StatusCreated)
		id := int64(r.json(t)["id"].(float64))
		if on, _ := db.PostTracking(ctx, f.A.ID, id); on {
			t.Fatal("track_link false ignored")
		}
		r = m.get(t, fmt.Sprintf("/posts/%d/edit", id))
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, `name="track_link" value="1" checked`) {
			t.Fatal("the editor shows the box checked for a post that opted out")
		}
	})
}
