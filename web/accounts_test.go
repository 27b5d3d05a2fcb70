package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network/oauth"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// Every fixture's org A has a manual account; the role walk fills
// {account} with it.
func init() {
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		name := fmt.Sprintf("Alpha secret account %d", seq.Add(1))
		a := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkManual, Name: name}
		if err := e.db.ConnectAccount(context.Background(), a, "", store.AccountHealth{}); err != nil {
			t.Fatal(err)
		}
		f.Wild["account"] = strconv.FormatInt(a.ID, 10)
		f.Secrets = append(f.Secrets, name)
	})
	walkBodies["POST /api/v1/accounts"] = `{"network":"manual","name":"Walk"}`
}

// netFake is X's OAuth endpoints, Meta's, LINE's bot info and a Mastodon
// instance, on loopback.
type netFake struct {
	ts        *httptest.Server
	mu        sync.Mutex
	challenge string
}

func newNetFake(t *testing.T) *netFake {
	f := &netFake{}
	mux := http.NewServeMux()
	js := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /x/authorize", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.challenge = r.URL.Query().Get("code_challenge")
		f.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("POST /x/2/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		ok := r.PostForm.Get("code") == "x-code" && oauth.Challenge(r.PostForm.Get("code_verifier")) == f.challenge
		f.mu.Unlock()
		if !ok {
			js(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
			return
		}
		js(w, http.StatusOK, map[string]any{"access_token": "x-access-SECRET", "refresh_token": "x-refresh-SECRET", "expires_in": 7200})
	})
	mux.HandleFunc("GET /x/2/users/me", func(w http.ResponseWriter, r *http.Request) {
		js(w, http.StatusOK, map[string]any{"data": map[string]string{"id": "2244994945", "name": "揃え商事", "username": "soroe_jp"}})
	})
	mux.HandleFunc("GET /meta/oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		js(w, http.StatusOK, map[string]any{"access_token": "meta-SECRET", "expires_in": 5184000})
	})
	mux.HandleFunc("GET /meta/me/accounts", func(w http.ResponseWriter, r *http.Request) {
		js(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"id": "101", "name": "揃え Page", "access_token": "page-SECRET",
			"instagram_business_account": map[string]string{"id": "178414", "username": "soroe.ig"}}}})
	})
	mux.HandleFunc("GET /line/v2/bot/info", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer line-ok-SECRET" {
			js(w, http.StatusUnauthorized, map[string]string{"message": "Authentication failed."})
			return
		}
		js(w, http.StatusOK, map[string]string{"userId": "U1", "basicId": "@216ru0sa", "displayName": "揃え LINE"})
	})
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer m-SECRET" {
			js(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
			return
		}
		js(w, http.StatusOK, map[string]string{"id": "14715", "username": "soroe", "display_name": "揃え"})
	})
	f.ts = httptest.NewServer(mux)
	t.Cleanup(f.ts.Close)
	return f
}

// accountsEnv sets the environment the account routes read and starts a
// server with a secrets box (unless noBox).
func accountsEnv(t *testing.T, db *store.DB, clock *storetest.Clock, noBox bool) (*env, *netFake) {
	f := newNetFake(t)
	for k, v := range map[string]string{
		"SOROE_X_CLIENT_ID": "x-client", "SOROE_X_AUTHORIZE_URL": f.ts.URL + "/x/authorize", "SOROE_X_API_URL": f.ts.URL + "/x",
		"SOROE_META_APP_ID": "meta-app", "SOROE_META_APP_SECRET": "meta-secret", "SOROE_META_DIALOG_URL": f.ts.URL + "/meta-dialog",
		"SOROE_META_GRAPH_URL": f.ts.URL + "/meta", "SOROE_LINE_API_URL": f.ts.URL + "/line", "SOROE_ALLOW_PRIVATE_URLS": "1",
		"SOROE_THREADS_APP_ID": "", "SOROE_LINKEDIN_CLIENT_ID": "",
	} {
		t.Setenv(k, v)
	}
	var box *secretbox.Box
	if !noBox {
		var err error
		if box, err = secretbox.New(strings.Repeat("s", 32)); err != nil {
			t.Fatal(err)
		}
	}
	return newEnv(t, db, clock, func(c *Config) { c.Secrets = box }), f
}

func noSecrets(t *testing.T, body string) {
	t.Helper()
	for _, s := range []string{"-SECRET", "line-ok", "x-refresh"} {
		if strings.Contains(body, s) {
			t.Fatalf("a credential (%s) is shown: %s", s, body)
		}
	}
}

func TestAccountsTokenUI(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e, nf := accountsEnv(t, db, clock, false)
		f := e.fixture(t)
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		r := mgr.get(t, "/accounts")
		want(t, r, http.StatusOK)
		for _, s := range []string{"SOROE_THREADS_APP_ID", "SOROE_LINKEDIN_CLIENT_SECRET", `action="/accounts/oauth/x"`, "/accounts/oauth/threads/callback", `href="/accounts"`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the page has no %q", s)
			}
		}
		// LINE: checked against the bot info, stored sealed.
		r = mgr.post(t, "/accounts", url.Values{"network": {"line"}, "token": {"line-ok-SECRET"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("connect LINE: %s", r)
		}
		r = mgr.get(t, "/accounts")
		if !strings.Contains(r.Body, "揃え LINE") || !strings.Contains(r.Body, "@216ru0sa") || !strings.Contains(r.Body, "接続しました") {
			t.Fatalf("list: %s", r)
		}
		noSecrets(t, r.Body)
		infos, _ := db.AccountInfos(context.Background(), f.A.ID)
		line := infos[len(infos)-1]
		a, secret, err := db.AccountSecret(context.Background(), line.ID)
		if err != nil || strings.Contains(secret, "line-ok") {
			t.Fatalf("stored in clear: %q %v", secret, err)
		}
		if c, err := publish.Opener(e.srv.cfg.Secrets)(a, secret); err != nil || c.AccessToken != "line-ok-SECRET" {
			t.Fatalf("sealed credentials: %+v %v", c, err)
		}
		// A refused token: 422 with the reason, nothing stored, the token
		// not shown back.
		r = mgr.post(t, "/accounts", url.Values{"network": {"line"}, "token": {"line-bad-SECRET"}, "name": {"Bad"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "認証情報を受け付けませんでした") {
			t.Errorf("no reason: %s", r)
		}
		noSecrets(t, r.Body)
		// Mastodon with a token; the instance is checked (private allowed
		// here by SOROE_ALLOW_PRIVATE_URLS=1).
		r = mgr.post(t, "/accounts", url.Values{"network": {"mastodon"}, "instance": {nf.ts.URL}, "token": {"m-SECRET"}, "name": {"公式マストドン"}})
		want(t, r, http.StatusSeeOther)
		// OAuth networks are not connected with a token.
		r = mgr.post(t, "/accounts", url.Values{"network": {"x"}, "token": {"t"}})
		want(t, r, http.StatusUnprocessableEntity)
		// Reconnect with a new token; disconnect.
		r = mgr.post(t, "/accounts/"+strconv.FormatInt(line.ID, 10)+"/reconnect", url.Values{"token": {"line-ok-SECRET"}})
		want(t, r, http.StatusSeeOther)
		if _, err := db.SetAccountStatus(context.Background(), line.ID, soroe.AccountNeedsReconnect); err != nil {
			t.Fatal(err)
		}
		if r = mgr.get(t, "/accounts"); !strings.Contains(r.Body, "再接続が必要") {
			t.Errorf("status not shown")
		}
		r = mgr.post(t, "/accounts/"+strconv.FormatInt(line.ID, 10)+"/reconnect", url.Values{"token": {"line-ok-SECRET"}})
		want(t, r, http.StatusSeeOther)
		if i, _ := db.AccountInfoOf(context.Background(), f.A.ID, line.ID); i.Status != soroe.AccountOK {
			t.Errorf("not ok after reconnecting: %s", i.Status)
		}
		r = mgr.post(t, "/accounts/"+strconv.FormatInt(line.ID, 10)+"/delete", nil)
		want(t, r, http.StatusSeeOther)
		if _, err := db.AccountInfoOf(context.Background(), f.A.ID, line.ID); soroe.ErrorCode(err) != soroe.ENotFound {
			t.Errorf("not deleted: %v", err)
		}
		// Staff sees the list, not the forms, and may not connect.
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		r = staff.get(t, "/accounts")
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, `action="/accounts"`) || !strings.Contains(r.Body, "公式マストドン") {
			t.Errorf("staff page: %s", r)
		}
		want(t, staff.post(t, "/accounts", url.Values{"network": {"manual"}, "name": {"x"}}), http.StatusForbidden)
	})
}

func TestAccountsOAuth(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e, nf := accountsEnv(t, db, clock, false)
		f := e.fixture(t)
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		mgr.get(t, "/accounts")
		before, _ := db.AccountInfos(context.Background(), f.A.ID) // the fixture's
		r := mgr.post(t, "/accounts/oauth/x", nil)
		want(t, r, http.StatusSeeOther)
		loc, _ := url.Parse(r.Header.Get("Location"))
		q := loc.Query()
		if !strings.HasPrefix(loc.String(), nf.ts.URL+"/x/authorize?") || q.Get("code_challenge_method") != "S256" ||
			q.Get("redirect_uri") != e.ts.URL+"/accounts/oauth/x/callback" || q.Get("scope") != oauth.XScopes {
			t.Fatalf("authorize URL %s", loc)
		}
		if res, err := http.Get(loc.String()); err == nil { // the person at X
			res.Body.Close()
		}
		state := q.Get("state")
		// Another person's session cannot use the state.
		other := e.loggedIn(t, f.Users[soroe.RoleOwner])
		r = other.get(t, "/accounts/oauth/x/callback?code=x-code&state="+url.QueryEscape(state))
		want(t, r, http.StatusSeeOther)
		if r = other.get(t, "/accounts"); !strings.Contains(r.Body, "別のブラウザー") {
			t.Errorf("stolen state not refused")
		}
		// A wrong state is refused and spends the flow.
		r = mgr.get(t, "/accounts/oauth/x/callback?code=x-code&state=forged")
		want(t, r, http.StatusSeeOther)
		r = mgr.get(t, "/accounts/oauth/x/callback?code=x-code&state="+url.QueryEscape(state))
		want(t, r, http.StatusSeeOther)
		if infos, _ := db.AccountInfos(context.Background(), f.A.ID); len(infos) != len(before) {
			t.Fatalf("connected after a forged state: %d", len(infos))
		}
		// Start again and finish.
		r = mgr.post(t, "/accounts/oauth/x", nil)
		loc, _ = url.Parse(r.Header.Get("Location"))
		if res, err := http.Get(loc.String()); err == nil {
			res.Body.Close()
		}
		cb := "/accounts/oauth/x/callback?code=x-code&state=" + url.QueryEscape(loc.Query().Get("state"))
		r = mgr.get(t, cb)
		want(t, r, http.StatusSeeOther)
		r = mgr.get(t, "/accounts")
		if !strings.Contains(r.Body, "@soroe_jp") || !strings.Contains(r.Body, "アカウントを接続しました") {
			t.Fatalf("X not connected: %s", regexpFlash(r.Body))
		}
		noSecrets(t, r.Body)
		infos, _ := db.AccountInfos(context.Background(), f.A.ID)
		x := infos[len(infos)-1]
		if x.Network != soroe.NetworkX || x.RemoteID != "2244994945" || x.TokenExpiresAt == nil {
			t.Fatalf("X account %+v %+v", x.Account, x.AccountHealth)
		}
		// The state is single-use.
		r = mgr.get(t, cb)
		want(t, r, http.StatusSeeOther)
		if infos2, _ := db.AccountInfos(context.Background(), f.A.ID); len(infos2) != len(infos) {
			t.Fatal("a replayed callback connected again")
		}
		// Reconnect goes through X again and updates the same account.
		r = mgr.post(t, "/accounts/"+strconv.FormatInt(x.ID, 10)+"/reconnect", nil)
		loc, _ = url.Parse(r.Header.Get("Location"))
		if res, err := http.Get(loc.String()); err == nil {
			res.Body.Close()
		}
		want(t, mgr.get(t, "/accounts/oauth/x/callback?code=x-code&state="+url.QueryEscape(loc.Query().Get("state"))), http.StatusSeeOther)
		if infos2, _ := db.AccountInfos(context.Background(), f.A.ID); len(infos2) != len(infos) {
			t.Fatal("a reconnect made a new account")
		}
		// A network the server has no app for.
		r = mgr.post(t, "/accounts/oauth/threads", nil)
		want(t, r, http.StatusSeeOther)
		if r = mgr.get(t, "/accounts"); !strings.Contains(r.Body, "設定されていません") {
			t.Error("no not-configured message")
		}

		// Meta: Pages and Instagram accounts, chosen by the person.
		r = mgr.post(t, "/accounts/oauth/meta", nil)
		loc, _ = url.Parse(r.Header.Get("Location"))
		r = mgr.get(t, "/accounts/oauth/meta/callback?code=meta-code&state="+url.QueryEscape(loc.Query().Get("state")))
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "揃え Page") || !strings.Contains(r.Body, "@soroe.ig") {
			t.Fatalf("choices: %s", r)
		}
		noSecrets(t, r.Body)
		want(t, mgr.post(t, "/accounts/oauth/choose", url.Values{"pick": {"1"}}), http.StatusSeeOther)
		infos, _ = db.AccountInfos(context.Background(), f.A.ID)
		ig := infos[len(infos)-1]
		if ig.Network != soroe.NetworkInstagram || ig.RemoteID != "178414" {
			t.Fatalf("instagram %+v", ig.Account)
		}
		// The choice is spent.
		want(t, mgr.post(t, "/accounts/oauth/choose", url.Values{"pick": {"0"}}), http.StatusSeeOther)
		if infos2, _ := db.AccountInfos(context.Background(), f.A.ID); len(infos2) != len(infos) {
			t.Fatal("a spent choice connected")
		}
	})
}

func TestAccountsAPI(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e, nf := accountsEnv(t, db, clock, false)
		f := e.fixture(t)
		d := loadOpenAPI(t)
		owner := e.token(t, f.A, f.Users[soroe.RoleOwner])
		staff := e.token(t, f.A, f.Users[soroe.RoleStaff])
		before, _ := db.AccountInfos(context.Background(), f.A.ID) // the fixture's

		r := e.api(t, "POST", "/api/v1/accounts", owner, map[string]any{"network": "mastodon", "instance": nf.ts.URL, "token": "m-SECRET"})
		want(t, r, http.StatusCreated)
		d.checkResponse(t, "POST /api/v1/accounts", r)
		noSecrets(t, r.Body)
		acc := r.json(t)
		if acc["name"] != "揃え" || acc["remote_id"] != "14715" || acc["status"] != "ok" {
			t.Fatalf("account %v", acc)
		}
		r = e.api(t, "POST", "/api/v1/accounts", owner, map[string]any{"network": "mastodon", "instance": nf.ts.URL, "token": "m-SECRET"})
		want(t, r, http.StatusOK) // the same account: reconnected
		d.checkResponse(t, "POST /api/v1/accounts", r)
		for _, c := range []struct {
			body   any
			status int
		}{
			{map[string]any{"network": "mastodon", "instance": nf.ts.URL, "token": "wrong"}, 422},
			{map[string]any{"network": "linkedin", "token": "t"}, 422},
			{map[string]any{"network": "bluesky", "token": "t"}, 422},
			{map[string]any{"network": "manual"}, 422},
			{map[string]any{"network": "mastodon", "instance": "http://127.0.0.1:1", "token": "m"}, 502},
			{`{"network":"line","secret":"x"}`, 400},
		} {
			r = e.api(t, "POST", "/api/v1/accounts", owner, c.body)
			if r.Status != c.status {
				t.Errorf("%v: %s", c.body, r)
			}
			d.checkResponse(t, "POST /api/v1/accounts", r)
		}
		want(t, e.api(t, "POST", "/api/v1/accounts", staff, map[string]any{"network": "manual", "name": "x"}), http.StatusForbidden)

		r = e.api(t, "GET", "/api/v1/accounts", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/accounts", r)
		noSecrets(t, r.Body)
		if n := len(r.json(t)["accounts"].([]any)); n != len(before)+1 {
			t.Fatalf("%d accounts", n)
		}
		id := fmt.Sprint(acc["id"])
		r = e.api(t, "DELETE", "/api/v1/accounts/"+id, owner, nil)
		want(t, r, http.StatusNoContent)
		r = e.api(t, "DELETE", "/api/v1/accounts/"+id, owner, nil)
		want(t, r, http.StatusNotFound)
		d.checkResponse(t, "DELETE /api/v1/accounts/{account}", r)
	})
}

// TestAccountsGuards: without SOROE_SECRET_KEY nothing with credentials is
// connected (503), and without SOROE_ALLOW_PRIVATE_URLS a private instance
// is refused.
func TestAccountsGuards(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e, nf := accountsEnv(t, db, clock, true)
		f := e.fixture(t)
		owner := e.token(t, f.A, f.Users[soroe.RoleOwner])
		r := e.api(t, "POST", "/api/v1/accounts", owner, map[string]any{"network": "line", "token": "line-ok-SECRET"})
		r.problem(t, http.StatusServiceUnavailable, "secret_key_missing")
		loadOpenAPI(t).checkResponse(t, "POST /api/v1/accounts", r)
		want(t, e.api(t, "POST", "/api/v1/accounts", owner, map[string]any{"network": "manual", "name": "手動"}), http.StatusCreated)
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		r = mgr.get(t, "/accounts")
		if !strings.Contains(r.Body, "SOROE_SECRET_KEY") {
			t.Error("the page does not say why")
		}
		r = mgr.post(t, "/accounts", url.Values{"network": {"line"}, "token": {"line-ok-SECRET"}})
		want(t, r, http.StatusServiceUnavailable)
		want(t, mgr.post(t, "/accounts/oauth/x", nil), http.StatusSeeOther)

		t.Setenv("SOROE_ALLOW_PRIVATE_URLS", "")
		e2 := newEnv(t, db, clock, func(c *Config) { c.Secrets, _ = secretbox.New(strings.Repeat("s", 32)) })
		r = e2.api(t, "POST", "/api/v1/accounts", owner, map[string]any{"network": "mastodon", "instance": nf.ts.URL, "token": "m-SECRET"})
		if p := r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid); p["field"] != "instance" {
			t.Errorf("private instance: %v", p)
		}
		r = e2.api(t, "POST", "/api/v1/accounts", owner, map[string]any{"network": "bluesky", "instance": "https://10.1.2.3", "handle": "a.example", "token": "p"})
		r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
	})
}

func regexpFlash(body string) string {
	if i := strings.Index(body, `class="flash"`); i >= 0 {
		return body[i:min(len(body), i+300)]
	}
	return "no flash"
}
