package material_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
)

const page = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>採用情報｜山田工務店</title>
<style>body{color:red}</style><script>var x = "スクリプトの文字";</script></head>
<body><header><nav><a href="/">ホーム</a> <a href="/about">会社概要</a></nav></header>
<main><h1>一緒に家をつくる仲間を募集しています</h1>
<p>山田工務店は浜松で40年、地域の家づくりを続けてきました。</p>
<h2>仕事の内容</h2><p>現場監督として、職人さんとお客様の間に立って工事を進めます。<br>未経験でも先輩が一から教えます。</p>
<ul><li>週休二日制</li><li>資格取得支援</li></ul></main>
<aside>関連リンク</aside><footer>© 山田工務店</footer></body></html>`

func server(t *testing.T, h http.HandlerFunc) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func addrPort(t *testing.T, s *httptest.Server) netip.AddrPort {
	u, _ := url.Parse(s.URL)
	ap, err := netip.ParseAddrPort(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

func wantURLErr(t *testing.T, err error, key string) {
	t.Helper()
	if soroe.ErrorCode(err) != soroe.EInvalid || soroe.ErrorField(err) != "url" || soroe.ErrorMessage(err) != key {
		t.Errorf("error %v, want url %s", err, key)
	}
}

var allow = material.FetchOptions{AllowPrivate: true}

func TestFetchHTML(t *testing.T) {
	var hits atomic.Int32
	s := server(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	// Loopback is refused by default, before any request reaches it.
	_, _, _, err := material.Fetch(t.Context(), s.URL+"/recruit", material.FetchOptions{})
	wantURLErr(t, err, material.ErrURLForbidden)
	// So is a name that resolves to loopback: the check is on the address.
	_, _, _, err = material.Fetch(t.Context(), strings.Replace(s.URL, "127.0.0.1", "localhost", 1), material.FetchOptions{})
	wantURLErr(t, err, material.ErrURLForbidden)
	if hits.Load() != 0 {
		t.Fatalf("%d requests reached the loopback server", hits.Load())
	}

	title, kind, data, err := material.Fetch(t.Context(), s.URL+"/recruit", allow)
	if err != nil {
		t.Fatal(err)
	}
	if title != "採用情報｜山田工務店" || kind != material.HTML {
		t.Errorf("title %q kind %q", title, kind)
	}
	secs, err := material.Extract(kind, data)
	if err != nil {
		t.Fatal(err)
	}
	all := joinSections(secs)
	for _, want := range []string{"一緒に家をつくる仲間", "浜松で40年", "現場監督として", "未経験でも", "週休二日制"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in %q", want, all)
		}
	}
	for _, gone := range []string{"スクリプト", "color:red", "ホーム", "関連リンク", "©"} {
		if strings.Contains(all, gone) {
			t.Errorf("%q kept in %q", gone, all)
		}
	}
	if secs[0].Locator != "§1" || secs[1].Locator != "§2" || !strings.HasPrefix(secs[1].Text, "仕事の内容") {
		t.Errorf("sections: %q", secs)
	}
}

func joinSections(secs []material.Section) string {
	var b strings.Builder
	for _, s := range secs {
		b.WriteString(s.Locator + ": " + s.Text + "\n")
	}
	return b.String()
}

func TestFetchKinds(t *testing.T) {
	pdf := materialtest.PDF("Company profile", []string{"We build warm houses."})
	s := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/sjis":
			w.Header().Set("Content-Type", "text/html; charset=Shift_JIS")
			w.Write(materialtest.ShiftJIS("<html><head><title>会社案内</title></head><body><p>断熱改修が得意です。</p></body></html>"))
		case "/meta-sjis": // the charset only in <meta>
			w.Header().Set("Content-Type", "text/html")
			w.Write(materialtest.ShiftJIS(`<html><head><meta charset="shift_jis"><title>お知らせ</title></head><body><p>見学会を開きます。</p></body></html>`))
		case "/notes.txt":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, "地域の皆様へ。\n\n工事のお知らせです。")
		case "/readme.md":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "# 施工事例\n\n**耐震**リフォームの事例です。")
		case "/profile.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(pdf)
		case "/image.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n\x1a\n"))
		case "/missing":
			http.NotFound(w, r)
		}
	})
	for _, c := range []struct {
		path, title, kind, text string
	}{
		{"/sjis", "会社案内", material.HTML, "断熱改修が得意です。"},
		{"/meta-sjis", "お知らせ", material.HTML, "見学会を開きます。"},
		{"/notes.txt", "notes.txt", material.TXT, "工事のお知らせです。"},
		{"/readme.md", "施工事例", material.Markdown, "耐震リフォームの事例です。"},
		{"/profile.pdf", "Company profile", material.PDF, "We build warm houses."},
	} {
		title, kind, data, err := material.Fetch(t.Context(), s.URL+c.path, allow)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		secs, err := material.Extract(kind, data)
		if title != c.title || kind != c.kind || err != nil || !strings.Contains(joinSections(secs), c.text) {
			t.Errorf("%s: title %q kind %q text %q err %v", c.path, title, kind, joinSections(secs), err)
		}
	}
	_, _, _, err := material.Fetch(t.Context(), s.URL+"/image.png", allow)
	wantURLErr(t, err, material.ErrURLType)
	_, _, _, err = material.Fetch(t.Context(), s.URL+"/missing", allow)
	wantURLErr(t, err, material.ErrURLStatus)
}

func TestFetchInvalidURL(t *testing.T) {
	for _, u := range []string{"", "example.jp", "ftp://example.jp/a", "file:///etc/passwd", "javascript:alert(1)",
		"http://user:pass@example.jp/", "https://", "gopher://x/"} {
		_, _, _, err := material.Fetch(t.Context(), u, allow)
		wantURLErr(t, err, material.ErrURLInvalid)
	}
}

func TestFetchRedirects(t *testing.T) {
	var inner atomic.Int32
	private := server(t, func(w http.ResponseWriter, r *http.Request) {
		inner.Add(1)
		fmt.Fprint(w, "社外秘")
	})
	public := server(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-private":
			http.Redirect(w, r, private.URL+"/secret", http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/to-ftp":
			http.Redirect(w, r, "ftp://example.jp/", http.StatusFound)
		case "/ok":
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "届きました")
		default: // /hop/N redirects N more times, then to /ok
			var n int
			fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
			if n <= 0 {
				http.Redirect(w, r, "/ok", http.StatusFound)
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
		}
	})
	// Only the "public" server's address is allowed: a stand-in for a
	// public site whose redirect points inside.
	pub := addrPort(t, public)
	opts := material.WithAddrPolicy(material.FetchOptions{}, func(ap netip.AddrPort) bool {
		return ap == pub || material.PublicAddr(ap.Addr())
	})
	if _, _, data, err := material.Fetch(t.Context(), public.URL+"/ok", opts); err != nil || string(data) != "届きました" {
		t.Fatalf("allowed server: %q %v", data, err)
	}
	_, _, _, err := material.Fetch(t.Context(), public.URL+"/to-private", opts)
	wantURLErr(t, err, material.ErrURLForbidden)
	if inner.Load() != 0 {
		t.Error("the redirect reached the private server")
	}
	_, _, _, err = material.Fetch(t.Context(), public.URL+"/to-metadata", opts)
	wantURLErr(t, err, material.ErrURLForbidden)
	_, _, _, err = material.Fetch(t.Context(), public.URL+"/to-ftp", opts)
	wantURLErr(t, err, material.ErrURLInvalid)

	// Five redirects are followed; a sixth is not.
	if _, _, data, err := material.Fetch(t.Context(), public.URL+"/hop/4", opts); err != nil || string(data) != "届きました" {
		t.Errorf("5 redirects: %q %v", data, err)
	}
	_, _, _, err = material.Fetch(t.Context(), public.URL+"/hop/5", opts)
	wantURLErr(t, err, material.ErrURLTooManyRedirs)

	// With AllowPrivate, the redirect to the private server is followed.
	if _, _, data, err := material.Fetch(t.Context(), public.URL+"/to-private", allow); err != nil || string(data) != "社外秘" {
		t.Errorf("allowed private redirect: %q %v", data, err)
	}
}

func TestFetchLimits(t *testing.T) {
	big := strings.Repeat("あ", 400) // 1,200 bytes
	s := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch r.URL.Path {
		case "/big": // declared length over the cap
			fmt.Fprint(w, big)
		case "/big-chunked": // no length declared: the cap is found while reading
			w.(http.Flusher).Flush()
			for range 4 {
				fmt.Fprint(w, big)
				w.(http.Flusher).Flush()
			}
		case "/slow-headers":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		case "/slow-body":
			fmt.Fprint(w, "はじめ")
			w.(http.Flusher).Flush()
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		default:
			fmt.Fprint(w, "小さい")
		}
	})
	opts := allow
	opts.MaxBytes = 1000
	opts.Timeout = 300 * time.Millisecond
	if _, _, _, err := material.Fetch(t.Context(), s.URL+"/small", opts); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, key string }{
		{"/big", material.ErrURLTooLarge},
		{"/big-chunked", material.ErrURLTooLarge},
		{"/slow-headers", material.ErrURLTimeout},
		{"/slow-body", material.ErrURLTimeout},
	} {
		start := time.Now()
		_, _, _, err := material.Fetch(t.Context(), s.URL+c.path, opts)
		wantURLErr(t, err, c.key)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %v", c.path, d)
		}
	}
	// A cancelled caller stops the fetch too.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, _, err := material.Fetch(ctx, s.URL+"/small", allow)
	if err == nil {
		t.Error("cancelled fetch succeeded")
	}
	// Nothing listens on port 1 of loopback: unreachable, quickly.
	_, _, _, err = material.Fetch(t.Context(), "http://127.0.0.1:1/", allow)
	wantURLErr(t, err, material.ErrURLUnreachable)
}

func TestPublicAddr(t *testing.T) {
	for _, c := range []struct {
		ip     string
		public bool
	}{
		{"93.184.216.34", true}, {"8.8.8.8", true}, {"2606:4700::1111", true}, {"133.242.0.1", true},
		{"127.0.0.1", false}, {"127.8.9.10", false}, {"::1", false},
		{"10.0.0.1", false}, {"172.16.0.1", false}, {"172.31.255.255", false}, {"192.168.1.1", false},
		{"172.32.0.1", true},
		{"fc00::1", false}, {"fd12:3456::1", false},
		{"169.254.169.254", false}, {"169.254.0.1", false}, {"fe80::1", false},
		{"0.0.0.0", false}, {"::", false}, {"0.1.2.3", false},
		{"224.0.0.1", false}, {"239.255.255.250", false}, {"ff02::1", false},
		{"100.64.0.1", false}, {"100.127.255.255", false}, {"100.128.0.1", true},
		{"255.255.255.255", false}, {"198.18.0.1", false},
		{"::ffff:127.0.0.1", false}, {"::ffff:10.1.2.3", false}, {"::ffff:8.8.8.8", true},
		{"64:ff9b::a9fe:a9fe", false}, {"64:ff9b::808:808", true}, // NAT64 of 169.254.169.254 / 8.8.8.8
		{"2002:c0a8:0101::1", false}, {"2002:0808:0808::1", true}, // 6to4 of 192.168.1.1 / 8.8.8.8
		{"::7f00:1", false},
	} {
		if got := material.PublicAddr(netip.MustParseAddr(c.ip)); got != c.public {
			t.Errorf("PublicAddr(%s) = %v, want %v", c.ip, got, c.public)
		}
	}
}

func TestFetchOptionsFromEnv(t *testing.T) {
	t.Setenv(material.EnvAllowPrivateURLs, "1")
	if !material.FetchOptionsFromEnv().AllowPrivate {
		t.Error("SOROE_ALLOW_PRIVATE_URLS=1 not honoured")
	}
	t.Setenv(material.EnvAllowPrivateURLs, "")
	if material.FetchOptionsFromEnv().AllowPrivate {
		t.Error("private URLs allowed by default")
	}
}
