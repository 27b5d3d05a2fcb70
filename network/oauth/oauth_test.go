package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/network"
)

// fake is every network's token and identity endpoints, as their docs
// describe them, on one loopback server.
type fake struct {
	t  *testing.T
	ts *httptest.Server
	mu sync.Mutex
	// challenge is the PKCE challenge X's authorize URL carried.
	challenge string
	// fail makes the next call of a path answer with this status and body.
	fail map[string]failure
	// rotate counts X refreshes.
	refreshes int
	calls     []string
}

type failure struct {
	status int
	body   string
}

var now = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

func newFake(t *testing.T) (*fake, *Connector) {
	f := &fake{t: t, fail: map[string]failure{}}
	mux := http.NewServeMux()
	f.ts = httptest.NewServer(f.wrap(mux))
	t.Cleanup(f.ts.Close)
	js := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	auth := func(r *http.Request, want string) bool { return r.Header.Get("Authorization") == "Bearer "+want }
	// X
	mux.HandleFunc("POST /x/2/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id, secret, _ := r.BasicAuth()
		if id != "x-client" || secret != "x-secret" {
			http.Error(w, `{"error":"unauthorized_client"}`, http.StatusUnauthorized)
			return
		}
		switch r.PostForm.Get("grant_type") {
		case "authorization_code":
			if r.PostForm.Get("code") != "x-code" || Challenge(r.PostForm.Get("code_verifier")) != f.challenge || r.PostForm.Get("redirect_uri") != "https://soroe.example/cb" {
				w.WriteHeader(400)
				js(w, map[string]string{"error": "invalid_request", "error_description": "Value passed for the authorization code was invalid."})
				return
			}
			js(w, map[string]any{"token_type": "bearer", "access_token": "x-access", "refresh_token": "x-refresh", "expires_in": 7200, "scope": XScopes})
		case "refresh_token":
			if r.PostForm.Get("refresh_token") != "x-refresh" {
				w.WriteHeader(400)
				js(w, map[string]string{"error": "invalid_grant", "error_description": "Value passed for the token was invalid."})
				return
			}
			f.refreshes++
			js(w, map[string]any{"access_token": "x-access-2", "expires_in": 7200}) // no new refresh token
		}
	})
	mux.HandleFunc("GET /x/2/users/me", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r, "x-access") && !auth(r, "x-access-2") {
			w.WriteHeader(401)
			js(w, map[string]any{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
			return
		}
		js(w, map[string]any{"data": map[string]string{"id": "2244994945", "name": "揃え商事", "username": "soroe_jp"}})
	})
	// Meta
	mux.HandleFunc("GET /meta/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != "meta-app" || q.Get("client_secret") != "meta-secret" {
			w.WriteHeader(400)
			js(w, map[string]any{"error": map[string]any{"message": "Error validating client secret.", "type": "OAuthException", "code": 1}})
			return
		}
		switch {
		case q.Get("code") == "meta-code" && q.Get("redirect_uri") == "https://soroe.example/cb":
			js(w, map[string]any{"access_token": "meta-short", "token_type": "bearer", "expires_in": 3600})
		case q.Get("grant_type") == "fb_exchange_token" && (q.Get("fb_exchange_token") == "meta-short" || q.Get("fb_exchange_token") == "meta-long"):
			js(w, map[string]any{"access_token": "meta-long", "token_type": "bearer", "expires_in": 5184000})
		default:
			w.WriteHeader(400)
			js(w, map[string]any{"error": map[string]any{"message": "Error validating access token: Session has expired", "type": "OAuthException", "code": 190, "error_subcode": 463}})
		}
	})
	mux.HandleFunc("GET /meta/me/accounts", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("access_token") != "meta-long" {
			w.WriteHeader(400)
			js(w, map[string]any{"error": map[string]any{"message": "Invalid OAuth access token.", "code": 190}})
			return
		}
		js(w, map[string]any{"data": []any{
			map[string]any{"id": "101", "name": "揃え商事 Page", "access_token": "page-101",
				"instagram_business_account": map[string]string{"id": "17841400000000001", "username": "soroe.ig"}},
			map[string]any{"id": "102", "name": "Second Page", "access_token": "page-102"},
		}})
	})
	mux.HandleFunc("GET /meta/101", func(w http.ResponseWriter, r *http.Request) {
		js(w, map[string]any{"id": "101", "access_token": "page-101-new"})
	})
	mux.HandleFunc("GET /meta/me", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Query().Get("access_token"), "page-") {
			w.WriteHeader(400)
			js(w, map[string]any{"error": map[string]any{"message": "Error validating access token: The user has not authorized application.", "code": 190, "error_subcode": 458}})
			return
		}
		js(w, map[string]any{"id": "101"})
	})
	// Threads
	mux.HandleFunc("POST /threads/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("code") != "th-code" || r.PostForm.Get("client_secret") != "th-secret" {
			w.WriteHeader(400)
			js(w, map[string]any{"error": map[string]any{"message": "Invalid verification code format.", "code": 100}})
			return
		}
		js(w, map[string]any{"access_token": "th-short", "user_id": 1234567890})
	})
	mux.HandleFunc("GET /threads/access_token", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("grant_type") != "th_exchange_token" || r.URL.Query().Get("access_token") != "th-short" {
			w.WriteHeader(400)
			js(w, map[string]any{"error": map[string]any{"message": "bad", "code": 190}})
			return
		}
		js(w, map[string]any{"access_token": "th-long", "token_type": "bearer", "expires_in": 5183944})
	})
	mux.HandleFunc("GET /threads/refresh_access_token", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("grant_type") != "th_refresh_token" || r.URL.Query().Get("access_token") != "th-long" {
			w.WriteHeader(400)
			js(w, map[string]any{"error": map[string]any{"message": "Session has expired", "code": 190}})
			return
		}
		js(w, map[string]any{"access_token": "th-long-2", "token_type": "bearer", "expires_in": 5183944})
	})
	mux.HandleFunc("GET /threads/v1.0/me", func(w http.ResponseWriter, r *http.Request) {
		js(w, map[string]any{"id": "1234567890", "username": "soroe_threads"})
	})
	// LinkedIn
	mux.HandleFunc("POST /li-auth/accessToken", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		switch {
		case r.PostForm.Get("grant_type") == "authorization_code" && r.PostForm.Get("code") == "li-code":
			js(w, map[string]any{"access_token": "li-access", "expires_in": 5183999, "refresh_token": "li-refresh", "refresh_token_expires_in": 31536000, "scope": "openid,profile,w_member_social"})
		case r.PostForm.Get("grant_type") == "refresh_token" && r.PostForm.Get("refresh_token") == "li-refresh":
			js(w, map[string]any{"access_token": "li-access-2", "expires_in": 5183999})
		default:
			w.WriteHeader(400)
			js(w, map[string]any{"error": "invalid_grant", "error_description": "The provided authorization grant or refresh token is invalid, expired or revoked"})
		}
	})
	mux.HandleFunc("GET /li-api/v2/userinfo", func(w http.ResponseWriter, r *http.Request) {
		js(w, map[string]any{"sub": "782bbtaQ", "name": "山田 花子", "given_name": "花子"})
	})
	// Mastodon (the instance is the fake's root)
	mux.HandleFunc("POST /api/v1/apps", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		js(w, map[string]any{"id": "563419", "name": r.PostForm.Get("client_name"), "client_id": "m-client", "client_secret": "m-secret", "redirect_uri": r.PostForm.Get("redirect_uris")})
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("client_secret") != "m-secret" || r.PostForm.Get("code") != "m-code" {
			w.WriteHeader(400)
			js(w, map[string]any{"error": "invalid_grant", "error_description": "The provided authorization grant is invalid"})
			return
		}
		js(w, map[string]any{"access_token": "m-token", "token_type": "Bearer", "scope": MastodonScopes, "created_at": 1573979017})
	})
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r, "m-token") {
			w.WriteHeader(401)
			js(w, map[string]string{"error": "The access token is invalid"})
			return
		}
		js(w, map[string]any{"id": "14715", "username": "soroe", "acct": "soroe", "display_name": "揃え"})
	})
	// Bluesky
	mux.HandleFunc("POST /xrpc/com.atproto.server.createSession", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in["identifier"] != "soroe.bsky.social" || in["password"] != "abcd-efgh-ijkl-mnop" {
			w.WriteHeader(401)
			js(w, map[string]string{"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
			return
		}
		js(w, map[string]any{"accessJwt": "jwt-a", "refreshJwt": "jwt-r", "handle": "soroe.bsky.social", "did": "did:plc:u5cwb2mwiv2bfq53cjufe6yn", "active": true})
	})
	// LINE
	mux.HandleFunc("GET /line/v2/bot/info", func(w http.ResponseWriter, r *http.Request) {
		if !auth(r, "line-token") {
			w.WriteHeader(401)
			js(w, map[string]string{"message": "Authentication failed. Confirm that the access token in the authorization header is valid."})
			return
		}
		js(w, map[string]any{"userId": "Ub9952f8", "basicId": "@216ru0sa", "displayName": "揃え商事", "chatMode": "bot", "markAsReadMode": "auto"})
	})
	c := New(Config{
		X: App{"x-client", "x-secret"}, Meta: App{"meta-app", "meta-secret"}, Threads: App{"th-app", "th-secret"}, LinkedIn: App{"li-client", "li-secret"},
		XAuthorizeURL: f.ts.URL + "/x/authorize", XAPIURL: f.ts.URL + "/x",
		MetaDialogURL: f.ts.URL + "/meta-dialog", MetaGraphURL: f.ts.URL + "/meta",
		ThreadsAuthorizeURL: f.ts.URL + "/threads-authorize", ThreadsGraphURL: f.ts.URL + "/threads",
		LinkedInAuthURL: f.ts.URL + "/li-auth", LinkedInAPIURL: f.ts.URL + "/li-api",
		LINEAPIURL: f.ts.URL + "/line", AllowPrivate: true,
		HTTPClient: &http.Client{Timeout: 2 * time.Second}, Now: func() time.Time { return now },
	})
	return f, c
}

func (f *fake) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.calls = append(f.calls, r.Method+" "+r.URL.Path)
		fl, ok := f.fail[r.URL.Path]
		delete(f.fail, r.URL.Path)
		f.mu.Unlock()
		if ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(fl.status)
			_, _ = w.Write([]byte(fl.body))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (f *fake) failNext(path string, status int, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[path] = failure{status, body}
}

func kindOf(err error) error {
	var ne *network.Error
	if errors.As(err, &ne) {
		return ne.Kind
	}
	return err
}

func TestXFlowWithPKCE(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	p, to, err := c.Start(ctx, FlowX, "https://soroe.example/cb", "")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(to)
	q := u.Query()
	if u.Path != "/x/authorize" || q.Get("client_id") != "x-client" || q.Get("scope") != XScopes || q.Get("state") != p.State ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") != Challenge(p.Verifier) || len(p.Verifier) < 43 {
		t.Fatalf("authorize URL %s, pending %+v", to, p)
	}
	if strings.Contains(to, p.Verifier) {
		t.Fatal("the verifier left the server")
	}
	f.challenge = q.Get("code_challenge")
	// A wrong verifier (another session's) fails.
	other := *p
	other.Verifier = NewVerifier()
	if _, err := c.Finish(ctx, &other, "x-code"); !Revoked(err) {
		t.Fatalf("wrong verifier: %v", err)
	}
	conns, err := c.Finish(ctx, p, "x-code")
	if err != nil {
		t.Fatal(err)
	}
	cn := conns[0]
	if len(conns) != 1 || cn.Network != soroe.NetworkX || cn.Handle != "@soroe_jp" || cn.RemoteID != "2244994945" ||
		cn.Credentials.AccessToken != "x-access" || cn.Credentials.RefreshToken != "x-refresh" || !cn.Credentials.ExpiresAt.Equal(now.Add(2*time.Hour)) {
		t.Fatalf("connection %+v", cn)
	}

	// Refresh: the refresh token X did not send again is kept.
	a := &soroe.Account{ID: 1, Network: soroe.NetworkX}
	got, err := c.Refresh(ctx, a, cn.Credentials)
	if err != nil || got.AccessToken != "x-access-2" || got.RefreshToken != "x-refresh" {
		t.Fatalf("refresh: %+v %v", got, err)
	}
	// An outage is not a revoked grant; invalid_grant is.
	f.failNext("/x/2/oauth2/token", 503, `{"title":"Service Unavailable"}`)
	if _, err := c.Refresh(ctx, a, cn.Credentials); Revoked(err) || kindOf(err) != network.ErrTemporary {
		t.Fatalf("503: %v", err)
	}
	bad := cn.Credentials
	bad.RefreshToken = "revoked"
	if _, err := c.Refresh(ctx, a, bad); !Revoked(err) {
		t.Fatalf("invalid_grant: %v", err)
	}
	if err := c.Verify(ctx, a, cn.Credentials); err != nil {
		t.Fatal(err)
	}
	bad.AccessToken = "nope"
	if err := c.Verify(ctx, a, bad); !Revoked(err) {
		t.Fatalf("verify revoked: %v", err)
	}
	if _, err := c.Refresh(ctx, a, network.Credentials{AccessToken: "a"}); !errors.Is(err, ErrCannotRefresh) {
		t.Fatalf("no refresh token: %v", err)
	}
}

func TestMetaFlow(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	p, to, err := c.Start(ctx, FlowMeta, "https://soroe.example/cb", "")
	if err != nil || !strings.HasPrefix(to, f.ts.URL+"/meta-dialog?") || !strings.Contains(to, "pages_manage_posts") || p.Verifier != "" {
		t.Fatalf("start: %s %v", to, err)
	}
	conns, err := c.Finish(ctx, p, "meta-code")
	if err != nil {
		t.Fatal(err)
	}
	if len(conns) != 3 {
		t.Fatalf("connections: %+v", conns)
	}
	fb, ig := conns[0], conns[1]
	if fb.Network != soroe.NetworkFacebook || fb.RemoteID != "101" || fb.Credentials.AccessToken != "page-101" ||
		fb.Credentials.RefreshToken != "meta-long" || fb.Credentials.Session != `{"page_id":"101"}` ||
		!fb.Credentials.ExpiresAt.Equal(now.Add(60*24*time.Hour)) {
		t.Fatalf("facebook %+v", fb)
	}
	if ig.Network != soroe.NetworkInstagram || ig.RemoteID != "17841400000000001" || ig.Handle != "@soroe.ig" ||
		ig.Credentials.Session != `{"page_id":"101","user_id":"17841400000000001"}` {
		t.Fatalf("instagram %+v", ig)
	}
	got, err := c.Refresh(ctx, &soroe.Account{Network: soroe.NetworkInstagram}, ig.Credentials)
	if err != nil || got.AccessToken != "page-101-new" || got.RefreshToken != "meta-long" || got.Session != ig.Credentials.Session {
		t.Fatalf("refresh %+v %v", got, err)
	}
	expired := ig.Credentials
	expired.RefreshToken = "expired"
	if _, err := c.Refresh(ctx, &soroe.Account{Network: soroe.NetworkInstagram}, expired); !Revoked(err) {
		t.Fatalf("code 190: %v", err)
	}
	f.failNext("/meta/oauth/access_token", 500, `{"error":{"message":"An unexpected error has occurred.","code":2,"is_transient":true}}`)
	if _, err := c.Refresh(ctx, &soroe.Account{Network: soroe.NetworkFacebook}, fb.Credentials); Revoked(err) {
		t.Fatalf("transient: %v", err)
	}
	if err := c.Verify(ctx, &soroe.Account{Network: soroe.NetworkFacebook}, fb.Credentials); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Finish(ctx, p, "wrong-code"); !Revoked(err) {
		t.Fatalf("bad code: %v", err)
	}
}

func TestThreadsAndLinkedIn(t *testing.T) {
	_, c := newFake(t)
	ctx := context.Background()
	p, _, err := c.Start(ctx, FlowThreads, "https://soroe.example/cb", "")
	if err != nil {
		t.Fatal(err)
	}
	conns, err := c.Finish(ctx, p, "th-code")
	if err != nil || len(conns) != 1 || conns[0].Credentials.AccessToken != "th-long" || conns[0].Handle != "@soroe_threads" ||
		!conns[0].Credentials.ExpiresAt.Equal(now.Add(5183944*time.Second)) {
		t.Fatalf("threads %+v %v", conns, err)
	}
	got, err := c.Refresh(ctx, &soroe.Account{Network: soroe.NetworkThreads}, conns[0].Credentials)
	if err != nil || got.AccessToken != "th-long-2" {
		t.Fatalf("threads refresh %+v %v", got, err)
	}
	if _, err := c.Refresh(ctx, &soroe.Account{Network: soroe.NetworkThreads}, network.Credentials{AccessToken: "old"}); !Revoked(err) {
		t.Fatalf("threads expired: %v", err)
	}

	p, to, err := c.Start(ctx, FlowLinkedIn, "https://soroe.example/cb", "")
	if err != nil || !strings.Contains(to, "/li-auth/authorization?") || !strings.Contains(to, "w_member_social") {
		t.Fatalf("linkedin start %s %v", to, err)
	}
	conns, err = c.Finish(ctx, p, "li-code")
	if err != nil {
		t.Fatal(err)
	}
	li := conns[0]
	if li.RemoteID != "urn:li:person:782bbtaQ" || li.Credentials.Session != `{"author":"urn:li:person:782bbtaQ"}` || li.Credentials.RefreshToken != "li-refresh" {
		t.Fatalf("linkedin %+v", li)
	}
	got, err = c.Refresh(ctx, &soroe.Account{Network: soroe.NetworkLinkedIn}, li.Credentials)
	if err != nil || got.AccessToken != "li-access-2" || got.RefreshToken != "li-refresh" {
		t.Fatalf("linkedin refresh %+v %v", got, err)
	}
}

func TestMastodonBlueskyLINE(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	// OAuth with the app registered on the instance.
	p, to, err := c.Start(ctx, FlowMastodon, "https://soroe.example/cb", f.ts.URL+"/")
	if err != nil || p.ClientID != "m-client" || p.Instance != f.ts.URL || !strings.HasPrefix(to, f.ts.URL+"/oauth/authorize?") {
		t.Fatalf("start %+v %s %v", p, to, err)
	}
	conns, err := c.Finish(ctx, p, "m-code")
	if err != nil || conns[0].Credentials.AccessToken != "m-token" || conns[0].Host != f.ts.URL || !strings.HasPrefix(conns[0].Handle, "@soroe@") {
		t.Fatalf("mastodon %+v %v", conns, err)
	}
	// A token.
	m, err := c.ConnectMastodon(ctx, f.ts.URL, "m-token")
	if err != nil || m.RemoteID != "14715" || m.Name != "揃え" {
		t.Fatalf("token %+v %v", m, err)
	}
	if _, err := c.ConnectMastodon(ctx, f.ts.URL, "wrong"); !Revoked(err) {
		t.Fatalf("bad token: %v", err)
	}
	if _, err := c.ConnectMastodon(ctx, "ftp://x", "t"); soroe.ErrorMessage(err) != ErrHostInvalid {
		t.Fatalf("bad instance: %v", err)
	}
	b, err := c.ConnectBluesky(ctx, f.ts.URL, "@soroe.bsky.social", "abcd-efgh-ijkl-mnop")
	if err != nil || b.RemoteID != "did:plc:u5cwb2mwiv2bfq53cjufe6yn" || b.Credentials.AppPassword == "" || !strings.Contains(b.Credentials.Session, "jwt-a") || b.Host != f.ts.URL {
		t.Fatalf("bluesky %+v %v", b, err)
	}
	if _, err := c.ConnectBluesky(ctx, f.ts.URL, "soroe.bsky.social", "wrong"); !Revoked(err) {
		t.Fatalf("bluesky wrong password: %v", err)
	}
	if err := c.Verify(ctx, &soroe.Account{Network: soroe.NetworkBluesky, Handle: b.Handle, Host: b.Host}, b.Credentials); err != nil {
		t.Fatal(err)
	}
	l, err := c.ConnectLINE(ctx, "line-token")
	if err != nil || l.Handle != "@216ru0sa" || l.Name != "揃え商事" {
		t.Fatalf("line %+v %v", l, err)
	}
	if _, err := c.ConnectLINE(ctx, "revoked"); !Revoked(err) {
		t.Fatalf("line revoked: %v", err)
	}
	f.failNext("/line/v2/bot/info", 500, `{"message":"Internal error"}`)
	if err := c.Verify(ctx, &soroe.Account{Network: soroe.NetworkLINE}, l.Credentials); err == nil || Revoked(err) {
		t.Fatalf("line outage: %v", err)
	}
}

// TestSSRFGuard: hosts people type may not be loopback or private, neither
// as typed nor when dialed, unless the installation allows it.
func TestSSRFGuard(t *testing.T) {
	f, _ := newFake(t)
	c := New(Config{})
	ctx := context.Background()
	for _, h := range []string{"http://127.0.0.1", "https://127.0.0.1:8443", "localhost", "https://[::1]/", "https://10.0.0.8", "https://169.254.169.254", "https://[::ffff:192.168.0.1]"} {
		if _, err := c.ConnectMastodon(ctx, h, "t"); soroe.ErrorField(err) != "instance" {
			t.Errorf("%s: %v", h, err)
		}
	}
	for _, h := range []string{"https://m.example/path", "https://user:pw@m.example", "https://m.example/?q=1", "http://m.example"} {
		if _, err := c.ServerURL(h, "instance"); soroe.ErrorMessage(err) != ErrHostInvalid {
			t.Errorf("%s: %v", h, err)
		}
	}
	if got, err := c.ServerURL(" Mastodon.Social/ ", "instance"); err != nil || got != "https://mastodon.social" {
		t.Errorf("normalized %q %v", got, err)
	}
	// The dial-time check catches what the typed check cannot (a name
	// resolving to a private address, a redirect).
	_, err := guardedClient(false).Get(f.ts.URL + "/api/v1/accounts/verify_credentials")
	if !errors.Is(err, material.ErrAddressNotPublic) {
		t.Fatalf("dial to loopback: %v", err)
	}
	if !Revoked(call(guardedClient(false), mustReq(t, f.ts.URL), nil)) {
		t.Error("a blocked address is not reported as refused")
	}
}

func mustReq(t *testing.T, u string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestNotConfigured(t *testing.T) {
	c := New(Config{})
	for _, fl := range []string{FlowX, FlowMeta, FlowThreads, FlowLinkedIn} {
		if c.Configured(fl) {
			t.Errorf("%s configured", fl)
		}
		if _, _, err := c.Start(context.Background(), fl, "https://soroe.example/cb", ""); !errors.Is(err, ErrNotConfigured) {
			t.Errorf("%s: %v", fl, err)
		}
	}
	if !c.Configured(FlowMastodon) {
		t.Error("mastodon needs no app")
	}
	cfg := ConfigFromEnv(func(k string) string {
		return map[string]string{"SOROE_X_CLIENT_ID": " id ", "SOROE_META_APP_ID": "m", "SOROE_META_APP_SECRET": "s"}[k]
	})
	c = New(cfg)
	if !c.Configured(FlowX) || !c.Configured(FlowMeta) || c.Configured(FlowThreads) {
		t.Errorf("from env: %+v", cfg)
	}
}

func TestScrub(t *testing.T) {
	s := Scrub(`Get "https://graph.facebook.com/v23.0/oauth/access_token?client_id=1&client_secret=S3CR3T&fb_exchange_token=EAAB123": dial tcp: timeout`)
	if strings.Contains(s, "S3CR3T") || strings.Contains(s, "EAAB123") || !strings.Contains(s, "client_id=1") {
		t.Fatal(s)
	}
}
