package web

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// uiTest runs fn on both engines with a server.
func uiTest(t *testing.T, fn func(t *testing.T, e *env), mods ...func(*Config)) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		fn(t, newEnv(t, db, clock, mods...))
	})
}

// wantRedirect fails unless r is a 303 to a location starting with prefix.
func wantRedirect(t testing.TB, r *resp, prefix string) {
	t.Helper()
	if loc := r.Header.Get("Location"); r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("got %s (Location %q), want 303 to %s", r, loc, prefix)
	}
}

// currentOrg is the organization name the home page shows.
var currentOrgRE = regexp.MustCompile(`<p class="eyebrow">([^<]*)</p>`)

func currentOrg(t testing.TB, c *client) string {
	t.Helper()
	r := c.get(t, "/")
	want(t, r, http.StatusOK)
	m := currentOrgRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no organization on the home page: %s", r)
	}
	return m[1]
}

func TestSetup(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.client()
		wantRedirect(t, c.get(t, "/"), "/login")
		wantRedirect(t, c.get(t, "/login"), "/setup")
		want(t, c.get(t, "/setup"), http.StatusOK)
		form := url.Values{
			"org_name": {"First Org"}, "time_zone": {"Asia/Tokyo"}, "lang": {"en"},
			"name": {"First Owner"}, "email": {"First@Example.com"}, "password": {"short"},
		}
		want(t, c.post(t, "/setup", form), http.StatusUnprocessableEntity)
		if n, _ := e.db.CountUsers(ctx); n != 0 {
			t.Fatalf("a refused setup made %d users", n)
		}
		form.Set("password", "a-long-enough-password")
		wantRedirect(t, c.post(t, "/setup", form), "/")
		if got := currentOrg(t, c); got != "First Org" {
			t.Errorf("current org %q", got)
		}
		u, err := e.db.UserByEmail(ctx, "first@example.com")
		if err != nil || u.Lang != "en" {
			t.Fatalf("user %v %v", u, err)
		}
		ms, _ := e.db.Memberships(ctx, u.ID)
		if len(ms) != 1 || ms[0].Role != soroe.RoleOwner || ms[0].OrgName != "First Org" {
			t.Errorf("memberships %v", ms)
		}
		// Once done, setup is gone, for everyone.
		want(t, c.get(t, "/setup"), http.StatusNotFound)
		other := e.client()
		want(t, other.get(t, "/setup"), http.StatusNotFound)
		form.Set("email", "second@example.com")
		want(t, other.post(t, "/setup", form), http.StatusNotFound)
		if n, _ := e.db.CountUsers(ctx); n != 1 {
			t.Errorf("%d users after a second setup", n)
		}
		want(t, other.get(t, "/login"), http.StatusOK)
	})
}

func TestLogin(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		u := f.Users[soroe.RoleManager]
		c := e.client()
		want(t, c.get(t, "/login"), http.StatusOK)
		before := c.cookie("soroe_session")
		if before == "" {
			t.Fatal("no session cookie before logging in")
		}
		wantRedirect(t, c.post(t, "/login", url.Values{"email": {strings.ToUpper(u.Email)}, "password": {testPassword}}), "/")
		after := c.cookie("soroe_session")
		if after == "" || after == before {
			t.Fatalf("the session cookie was not rotated at login (%q → %q)", before, after)
		}
		want(t, c.get(t, "/settings/account"), http.StatusOK)

		// Whoever planted the pre-login cookie got nothing.
		fixated := e.client()
		base, _ := url.Parse(e.ts.URL)
		fixated.hc.Jar.SetCookies(base, []*http.Cookie{{Name: "soroe_session", Value: before, Path: "/"}})
		wantRedirect(t, fixated.get(t, "/settings/account"), "/login")

		// Logging out ends the session.
		wantRedirect(t, c.post(t, "/logout", nil), "/login")
		wantRedirect(t, c.get(t, "/settings/account"), "/login")

		// next is followed when it stays on the site.
		for next, loc := range map[string]string{
			"/members":          "/members",
			"//evil.example":    "/",
			"/\t/evil.example":  "/",
			"https://evil.test": "/",
		} {
			c := e.client()
			r := c.get(t, "/login?next="+url.QueryEscape(next))
			want(t, r, http.StatusOK)
			r = c.post(t, "/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {next}})
			if got := r.Header.Get("Location"); r.Status != http.StatusSeeOther || got != loc {
				t.Errorf("next=%q: %s Location %q, want %q", next, r, got, loc)
			}
		}
		// An anonymous GET of a page remembers it for after the login.
		wantRedirect(t, e.client().get(t, "/members"), "/login?next=%2Fmembers")
	})
}

func TestLoginThrottle(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		u := f.Users[soroe.RoleStaff]
		c := e.client()
		c.get(t, "/login")
		for i := range maxFailuresAccount {
			r := c.post(t, "/login", url.Values{"email": {u.Email}, "password": {"wrong password " + strconv.Itoa(i)}})
			want(t, r, http.StatusUnprocessableEntity)
		}
		// Now even the right password is refused, with a time to wait.
		retry := func() int {
			t.Helper()
			r := c.post(t, "/login", url.Values{"email": {u.Email}, "password": {testPassword}})
			want(t, r, http.StatusTooManyRequests)
			n, err := strconv.Atoi(r.Header.Get("Retry-After"))
			if err != nil || n < 1 || n > int(throttleWindow.Seconds())+1 {
				t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			return n
		}
		first := retry()
		// Another account from the same address is not affected.
		e.loggedIn(t, f.Users[soroe.RoleManager])

		e.clock.Add(14 * time.Minute)
		if n := retry(); n >= first || n > 61 {
			t.Errorf("Retry-After went from %d to %d after 14 minutes", first, n)
		}
		e.clock.Add(time.Minute + time.Second)
		wantRedirect(t, c.post(t, "/login", url.Values{"email": {u.Email}, "password": {testPassword}}), "/")
	})
}

func TestCSRF(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		c := e.loggedIn(t, f.Users[soroe.RoleOwner])
		form := url.Values{"name": {"Changed"}, "time_zone": {"UTC"}, "lang": {"en"}}
		unchanged := func() {
			t.Helper()
			if o, _ := e.db.Org(context.Background(), f.A.ID); o.Name != f.A.Name {
				t.Fatalf("the org was renamed to %q", o.Name)
			}
		}
		want(t, c.postRaw(t, "/org/settings", form), http.StatusForbidden)
		unchanged()
		bad := url.Values{"csrf_token": {"forged"}}
		for k, v := range form {
			bad[k] = v
		}
		want(t, c.postRaw(t, "/org/settings", bad), http.StatusForbidden)
		unchanged()
		// A token from another session does not do either.
		other := e.loggedIn(t, f.Users[soroe.RoleOwner])
		bad.Set("csrf_token", other.csrf)
		want(t, c.postRaw(t, "/org/settings", bad), http.StatusForbidden)
		unchanged()
		// A cross-site request is refused even with the right token.
		good := url.Values{"csrf_token": {c.csrf}}
		for k, v := range form {
			good[k] = v
		}
		r := c.do(t, "POST", "/org/settings", strings.NewReader(good.Encode()), http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "Sec-Fetch-Site": {"cross-site"},
		})
		want(t, r, http.StatusForbidden)
		unchanged()
		// Logging in (and out) needs the token too.
		anon := e.client()
		anon.get(t, "/login")
		want(t, anon.postRaw(t, "/login", url.Values{"email": {f.Users[soroe.RoleOwner].Email}, "password": {testPassword}}), http.StatusForbidden)
		want(t, c.postRaw(t, "/logout", nil), http.StatusForbidden)
		want(t, c.get(t, "/settings/account"), http.StatusOK)

		// The header works as well as the form field.
		r = c.do(t, "POST", "/org/settings", strings.NewReader(form.Encode()), http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "X-CSRF-Token": {c.csrf},
		})
		wantRedirect(t, r, "/org/settings")
		if o, _ := e.db.Org(context.Background(), f.A.ID); o.Name != "Changed" {
			t.Errorf("org name %q", o.Name)
		}
	})
}

// cookieNamed parses r's Set-Cookie headers.
func cookieNamed(t testing.TB, r *resp, name string) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s cookie set: %v", name, r.Header["Set-Cookie"])
	return nil
}

// TestCookieFlags runs its two servers as named subtests, which keeps the '#'
// that Go adds to a repeated subtest name out of the SQLite data directory's
// path (store.sqliteDSN does not escape it, and SQLite reads it as a URI
// fragment).
func TestCookieFlags(t *testing.T) {
	t.Run("http", func(t *testing.T) { testCookieFlagsHTTP(t) })
	t.Run("https", func(t *testing.T) { testCookieFlagsHTTPS(t) })
}

func testCookieFlagsHTTP(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		e.fixture(t)
		c := e.client()
		r := c.get(t, "/login")
		k := cookieNamed(t, r, "soroe_session")
		if !k.HttpOnly || k.SameSite != http.SameSiteLaxMode || k.Secure || k.Path != "/" {
			t.Errorf("session cookie %+v", k)
		}
		if r.Header.Get("Strict-Transport-Security") != "" {
			t.Error("HSTS on plain HTTP")
		}
		l := cookieNamed(t, c.post(t, "/lang", url.Values{"lang": {"en"}}), "soroe_lang")
		if !l.HttpOnly || l.SameSite != http.SameSiteLaxMode {
			t.Errorf("lang cookie %+v", l)
		}
	})
}

func testCookieFlagsHTTPS(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		e.fixture(t)
		r := e.client().get(t, "/login")
		if k := cookieNamed(t, r, "soroe_session"); !k.Secure || !k.HttpOnly || k.SameSite != http.SameSiteLaxMode {
			t.Errorf("session cookie behind https %+v", k)
		}
		if r.Header.Get("Strict-Transport-Security") == "" {
			t.Error("no HSTS behind https")
		}
	}, func(c *Config) { c.BaseURL = "https://soroe.example" })
}

func TestPasswordChange(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		u := f.Users[soroe.RoleExecutive]
		here := e.loggedIn(t, u)
		elsewhere := e.loggedIn(t, u)
		e.clock.Add(time.Second)

		change := func(cur, pw, confirm string) *resp {
			return here.post(t, "/settings/password", url.Values{"current_password": {cur}, "new_password": {pw}, "confirm_password": {confirm}})
		}
		want(t, change("not the password", "a-new-password", "a-new-password"), http.StatusUnprocessableEntity)
		want(t, change(testPassword, "a-new-password", "another-password"), http.StatusUnprocessableEntity)
		want(t, change(testPassword, "short", "short"), http.StatusUnprocessableEntity)
		want(t, elsewhere.get(t, "/settings/account"), http.StatusOK)

		before := here.cookie("soroe_session")
		wantRedirect(t, change(testPassword, "a-new-password", "a-new-password"), "/settings/account")
		if here.cookie("soroe_session") == before {
			t.Error("the session token was not renewed")
		}
		want(t, here.get(t, "/settings/account"), http.StatusOK)
		if got := currentOrg(t, here); got != f.A.Name {
			t.Errorf("current org after the change %q", got)
		}
		wantRedirect(t, elsewhere.get(t, "/settings/account"), "/login")
		wantRedirect(t, elsewhere.get(t, "/"), "/login")

		c := e.client()
		c.get(t, "/login")
		want(t, c.post(t, "/login", url.Values{"email": {u.Email}, "password": {testPassword}}), http.StatusUnprocessableEntity)
		c.login(t, u.Email, "a-new-password")
	})
}

func TestOrgSwitch(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		// The owner of B also works in A, as staff.
		e.join(t, f.A, f.Outsider, soroe.RoleStaff)
		stranger := e.user(t, "Stranger", "stranger@gamma.example")
		c3 := e.org(t, "Gamma Org", stranger)

		c := e.loggedIn(t, f.Outsider)
		if got := currentOrg(t, c); got != f.A.Name { // organizations sort by name
			t.Fatalf("current org %q", got)
		}
		want(t, c.get(t, "/org/settings"), http.StatusForbidden) // staff in A
		wantRedirect(t, c.post(t, "/orgs/switch", url.Values{"org_id": {strconv.FormatInt(f.B.ID, 10)}}), "/")
		if got := currentOrg(t, c); got != f.B.Name {
			t.Fatalf("after switching, current org %q", got)
		}
		want(t, c.get(t, "/org/settings"), http.StatusOK) // owner in B

		for _, id := range []string{strconv.FormatInt(c3.ID, 10), "abc", "", "0"} {
			r := c.post(t, "/orgs/switch", url.Values{"org_id": {id}})
			want(t, r, http.StatusNotFound)
			if strings.Contains(r.Body, "Gamma Org") {
				t.Error("the 404 names the other organization")
			}
		}
		if got := currentOrg(t, c); got != f.B.Name {
			t.Errorf("a refused switch moved to %q", got)
		}
		// Removed from the current organization, one lands in another.
		wantRedirect(t, c.post(t, "/orgs/switch", url.Values{"org_id": {strconv.FormatInt(f.A.ID, 10)}}), "/")
		if err := e.db.RemoveMember(context.Background(), f.A.ID, f.Outsider.ID); err != nil {
			t.Fatal(err)
		}
		if got := currentOrg(t, c); got != f.B.Name {
			t.Errorf("after removal, current org %q", got)
		}
	})
}

func TestInviteLoggedIn(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		c := e.loggedIn(t, f.Outsider)
		path := "/invite/" + f.InvSecret
		r := c.get(t, path)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, f.A.Name) || !strings.Contains(r.Body, `action="`+path+`"`) {
			t.Fatalf("invitation page: %s", r)
		}
		wantRedirect(t, c.post(t, path, nil), "/")
		if m, err := e.db.Member(ctx, f.A.ID, f.Outsider.ID); err != nil || m.Role != f.Inv.Role {
			t.Fatalf("membership %v %v", m, err)
		}
		if got := currentOrg(t, c); got != f.A.Name {
			t.Errorf("after joining, current org %q", got)
		}
		// Still owner of B.
		if m, _ := e.db.Member(ctx, f.B.ID, f.Outsider.ID); m == nil || m.Role != soroe.RoleOwner {
			t.Errorf("B membership %v", m)
		}
		want(t, c.post(t, path, nil), http.StatusConflict)
		want(t, c.get(t, "/invite/inv_no-such-secret"), http.StatusNotFound)
		want(t, c.post(t, "/invite/inv_no-such-secret", nil), http.StatusNotFound)

		// An expired link.
		inv := &soroe.Invitation{OrgID: f.A.ID, Role: soroe.RoleExecutive, CreatedBy: f.Users[soroe.RoleOwner].ID}
		secret, err := e.db.CreateInvitation(ctx, inv)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(soroe.InvitationLifetime + time.Second)
		late := e.loggedIn(t, f.Users[soroe.RoleStaff])
		want(t, late.get(t, "/invite/"+secret), http.StatusOK)
		want(t, late.post(t, "/invite/"+secret, nil), http.StatusConflict)
		if m, _ := e.db.Member(ctx, f.A.ID, f.Users[soroe.RoleStaff].ID); m.Role != soroe.RoleStaff {
			t.Errorf("an expired link changed the role to %s", m.Role)
		}
	})
}

func TestLangSwitch(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		c := e.client()
		r := c.get(t, "/login")
		if !strings.Contains(r.Body, `<html lang="ja">`) || !strings.Contains(r.Body, "ログイン") {
			t.Fatalf("default page is not Japanese: %s", r)
		}
		wantRedirect(t, c.post(t, "/lang", url.Values{"lang": {"en"}, "next": {"/login"}}), "/login")
		r = c.get(t, "/login")
		if !strings.Contains(r.Body, `<html lang="en">`) || !strings.Contains(r.Body, "Log in") || strings.Contains(r.Body, "ログイン") {
			t.Fatalf("page after switching is not English: %s", r)
		}
		want(t, c.post(t, "/lang", url.Values{"lang": {"fr"}}), http.StatusBadRequest)
		if got := c.post(t, "/lang", url.Values{"lang": {"ja"}, "next": {"//evil.example"}}).Header.Get("Location"); got != "/" {
			t.Errorf("next=//evil.example redirected to %q", got)
		}

		// A logged-in user's choice is saved to the account.
		u := f.Users[soroe.RoleStaff]
		lc := e.loggedIn(t, u)
		if r := lc.get(t, "/"); !strings.Contains(r.Body, `<html lang="ja">`) {
			t.Fatal("home is not Japanese")
		}
		wantRedirect(t, lc.post(t, "/lang", url.Values{"lang": {"en"}, "next": {"/"}}), "/")
		if r := lc.get(t, "/"); !strings.Contains(r.Body, `<html lang="en">`) {
			t.Error("home is not English after switching")
		}
		if got, _ := e.db.User(context.Background(), u.ID); got.Lang != "en" {
			t.Errorf("user lang %q", got.Lang)
		}
		// ... and follows the user to another browser.
		if r := e.loggedIn(t, u).get(t, "/"); !strings.Contains(r.Body, `<html lang="en">`) {
			t.Error("another browser is not English")
		}
	})
}

// TestCatalogKeys: every message key the templates and handlers use exists in
// every catalog, and every action a template asks about is in the table.
func TestCatalogKeys(t *testing.T) {
	cat := i18n.Default()
	keys := map[string]string{} // key → where
	pages, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatal(pages, err)
	}
	lit := regexp.MustCompile(`\.T "([^"]+)"`)
	can := regexp.MustCompile(`\.Can "([^"]+)"`)
	for _, p := range pages {
		b, _ := fs.ReadFile(templateFiles, p)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = p
		}
		for _, m := range can.FindAllStringSubmatch(string(b), -1) {
			if _, ok := soroe.RightFor(soroe.Action(m[1])); !ok {
				t.Errorf("%s asks .Can %q, which is not an action of soroe.Rights", p, m[1])
			}
		}
	}
	// Keys built at run time.
	for _, r := range soroe.Roles {
		keys["role."+string(r)] = "roleKey"
		keys["home.focus."+string(r)+".title"] = "home focus"
		keys["home.focus."+string(r)+".body"] = "home focus"
	}
	for _, l := range i18n.Langs {
		keys["lang."+l] = "home.html lang"
	}
	// Keys named in the web package's Go code (page titles, flashes, error
	// pages, navigation): string literals that look like catalog keys.
	prefixes := map[string]bool{}
	for _, k := range cat.Keys(soroe.LangEN) {
		prefixes[k[:strings.IndexByte(k+".", '.')]] = true
	}
	keyLike := regexp.MustCompile(`^[a-z_]+(\.[a-z_0-9]+)+$`)
	goFiles, _ := filepath.Glob("*.go")
	for _, file := range goFiles {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
				s, _ := strconv.Unquote(bl.Value)
				if keyLike.MatchString(s) && prefixes[s[:strings.IndexByte(s, '.')]] {
					keys[s] = file
				}
			}
			return true
		})
	}
	// Error messages this package makes are shown as "error.<message>".
	msg := regexp.MustCompile(`(?:Invalid\("\w+", |Message: )"([a-z_]+)"`)
	for _, file := range goFiles {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msg.FindAllStringSubmatch(string(b), -1) {
			keys["error."+m[1]] = file
		}
	}
	// The scans see each kind of source.
	for k, from := range map[string]string{"login.submit": ".html", "login.title": ".go", "error.too_many_logins": ".go"} {
		if !strings.HasSuffix(keys[k], from) {
			t.Errorf("the scan did not find %q in a %s file (found in %q)", k, from, keys[k])
		}
	}
	for k, where := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k) {
				t.Errorf("%s uses %q, missing from the %s catalog", where, k, l)
			}
		}
	}
}

func TestHealthz(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		r := e.client().get(t, "/healthz")
		want(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		if h := r.json(t); h["status"] != "ok" || h["database"] != string(e.db.Engine) {
			t.Errorf("healthz %v", h)
		}
	})
}

func TestMetrics(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		c := e.client()
		c.get(t, "/healthz")
		c.get(t, "/no-such-page-987654321")
		r := c.get(t, "/metrics")
		want(t, r, http.StatusOK)
		for _, s := range []string{"soroe_http_requests_total", `route="GET /healthz"`, `code="200"`, "soroe_http_request_duration_seconds", "go_goroutines"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("/metrics has no %s", s)
			}
		}
		if strings.Contains(r.Body, "987654321") {
			t.Error("a raw path became a metric label")
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		e.fixture(t)
		for _, r := range []*resp{
			e.client().get(t, "/login"),
			e.api(t, "GET", "/api/v1/me", "", nil),
			e.client().get(t, "/no-such-page"),
		} {
			h := r.Header
			csp := h.Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("CSP %q lacks %s", csp, d)
				}
			}
			if strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP allows inline code: %q", csp)
			}
			if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
				t.Errorf("headers %v", h)
			}
		}
		if cc := e.client().get(t, "/login").Header.Values("Cache-Control"); !slices.Contains(cc, "no-store") {
			t.Errorf("pages are cacheable: %q", cc)
		}
	})
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "/",
		"/":                 "/",
		"/members":          "/members",
		"/members?x=1#y":    "/members?x=1#y",
		"//evil":            "/",
		"//evil.example/x":  "/",
		"/\\evil":           "/",
		"https://evil":      "/",
		"http://evil":       "/",
		"javascript:alert":  "/",
		"evil":              "/",
		"/\t/evil":          "/",
		"/\n/evil":          "/",
		"/\r\n/evil":        "/",
		" //evil":           "/",
		"/%2F%2Fevil":       "/%2F%2Fevil",
		"/org/settings?a=b": "/org/settings?a=b",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}
