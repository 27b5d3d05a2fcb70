package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestMain(m *testing.M) {
	// Production argon2 costs 64 MiB per hash; tests log in hundreds of times.
	soroe.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	os.Exit(m.Run())
}

// testPassword is every fixture user's password.
const testPassword = "correct-horse-battery"

var (
	hashOnce sync.Once
	hashVal  string
)

// testHash is testPassword's hash, computed once (fixtures make many users).
func testHash(t testing.TB) string {
	hashOnce.Do(func() {
		var err error
		if hashVal, err = soroe.HashPassword(testPassword); err != nil {
			panic(err)
		}
	})
	return hashVal
}

// env is one server on one fresh database.
type env struct {
	t     *testing.T
	db    *store.DB
	clock *storetest.Clock
	srv   *Server
	ts    *httptest.Server
}

// newEnv starts a server on db; mods adjust the configuration.
func newEnv(t *testing.T, db *store.DB, clock *storetest.Clock, mods ...func(*Config)) *env {
	t.Helper()
	cfg := Config{Store: db, Clock: clock.Now, Logger: slog.New(slog.DiscardHandler)}
	for _, m := range mods {
		m(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, db: db, clock: clock, srv: srv, ts: ts}
}

// seq makes names and emails unique within a test binary.
var seq atomic.Int64

// user creates a user (password testPassword) directly in the store.
func (e *env) user(t testing.TB, name, email string) *soroe.User {
	t.Helper()
	u := &soroe.User{Email: email, Name: name, PasswordHash: testHash(t)}
	if err := e.db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

// org creates an organization owned by owner.
func (e *env) org(t testing.TB, name string, owner *soroe.User) *soroe.Org {
	t.Helper()
	o := &soroe.Org{Name: name}
	if err := e.db.CreateOrg(context.Background(), o, owner.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

// join adds u to o with role.
func (e *env) join(t testing.TB, o *soroe.Org, u *soroe.User, role soroe.Role) {
	t.Helper()
	if err := e.db.InsertMember(context.Background(), o.ID, u.ID, role); err != nil {
		t.Fatal(err)
	}
}

// token makes an API token for u in o and returns its secret.
func (e *env) token(t testing.TB, o *soroe.Org, u *soroe.User) string {
	t.Helper()
	secret, err := e.db.CreateToken(context.Background(), &soroe.Token{OrgID: o.ID, UserID: u.ID, Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// fixture is org A with one user per role plus one more staff member (the
// target of member routes), an open invitation and a token of A's staff;
// and org B with its own owner, who must never see anything of A.
type fixture struct {
	A, B      *soroe.Org
	Users     map[soroe.Role]*soroe.User // org A, one per role
	Member    *soroe.User                // another staff member of org A
	Outsider  *soroe.User                // owner of org B
	Inv       *soroe.Invitation          // open invitation of org A
	InvSecret string
	StaffTok  *soroe.Token // a token of org A's staff user
	// Wild holds org A's objects of each area (goals, 型, …) by path
	// wildcard name ({goal}, {template}, …), as fixtureHooks add them.
	Wild map[string]string
	// Secrets are more strings of org A that an outsider must never see.
	Secrets []string
}

// fixtureHooks let each area's test file add its org A objects to every
// fixture: append one in an init function.
var fixtureHooks []func(t testing.TB, e *env, f *fixture)

// fixture builds a fresh fixture; names are unique so that many fixtures
// share one database.
func (e *env) fixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	n := seq.Add(1)
	f := &fixture{Users: map[soroe.Role]*soroe.User{}, Wild: map[string]string{}}
	for _, r := range soroe.Roles {
		f.Users[r] = e.user(t, fmt.Sprintf("Alpha %s %d", r, n), fmt.Sprintf("%s-%d@alpha.example", r, n))
	}
	f.A = e.org(t, fmt.Sprintf("Alpha Org %d", n), f.Users[soroe.RoleOwner])
	for _, r := range soroe.Roles[1:] {
		e.join(t, f.A, f.Users[r], r)
	}
	f.Member = e.user(t, fmt.Sprintf("Alpha member %d", n), fmt.Sprintf("member-%d@alpha.example", n))
	e.join(t, f.A, f.Member, soroe.RoleStaff)
	f.Outsider = e.user(t, fmt.Sprintf("Beta owner %d", n), fmt.Sprintf("owner-%d@beta.example", n))
	f.B = e.org(t, fmt.Sprintf("Beta Org %d", n), f.Outsider)

	f.Inv = &soroe.Invitation{OrgID: f.A.ID, Role: soroe.RoleManager, CreatedBy: f.Users[soroe.RoleOwner].ID}
	var err error
	if f.InvSecret, err = e.db.CreateInvitation(ctx, f.Inv); err != nil {
		t.Fatal(err)
	}
	f.StaffTok = &soroe.Token{OrgID: f.A.ID, UserID: f.Users[soroe.RoleStaff].ID, Name: "staff token"}
	if _, err := e.db.CreateToken(ctx, f.StaffTok); err != nil {
		t.Fatal(err)
	}
	for _, hook := range fixtureHooks {
		hook(t, e, f)
	}
	return f
}

// secretsOfA are strings that belong to org A and must never reach an
// outsider.
func (f *fixture) secretsOfA() []string {
	s := []string{f.A.Name, f.Member.Name, f.Member.Email, f.InvSecret}
	for _, u := range f.Users {
		s = append(s, u.Name, u.Email)
	}
	return append(s, f.Secrets...)
}

// resp is a finished response.
type resp struct {
	Status int
	Header http.Header
	Body   string
}

func (r *resp) String() string {
	b := r.Body
	if len(b) > 600 {
		b = b[:600] + "…"
	}
	return fmt.Sprintf("%d %s", r.Status, b)
}

// json decodes the body into a generic map.
func (r *resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r)
	}
	return m
}

// problem checks that r is an RFC 9457 problem with status and code, and
// returns it.
func (r *resp) problem(t testing.TB, status int, code string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	p := r.json(t)
	if got, _ := p["status"].(float64); int(got) != status {
		t.Errorf("problem status %v, want %d", p["status"], status)
	}
	if p["code"] != code {
		t.Errorf("problem code %v, want %q", p["code"], code)
	}
	for _, k := range []string{"type", "title"} {
		if _, ok := p[k].(string); !ok {
			t.Errorf("problem has no %s: %v", k, p)
		}
	}
	return p
}

func readResp(t testing.TB, res *http.Response) *resp {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &resp{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// client is a browser: a cookie jar, no redirect following (tests look at
// the 303s), and the CSRF token of the last page it saw.
type client struct {
	e    *env
	hc   *http.Client
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, hc: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)">`)

// do sends a request; an HTML answer's CSRF token is remembered.
func (c *client) do(t testing.TB, method, path string, body io.Reader, hdr http.Header) *resp {
	t.Helper()
	req, err := http.NewRequest(method, c.e.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := readResp(t, res)
	if m := csrfMeta.FindStringSubmatch(r.Body); m != nil && m[1] != "" {
		c.csrf = html.UnescapeString(m[1])
	}
	return r
}

func (c *client) get(t testing.TB, path string) *resp { return c.do(t, http.MethodGet, path, nil, nil) }

// post sends a form with the CSRF token (unless form already has one).
func (c *client) post(t testing.TB, path string, form url.Values) *resp {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if !f.Has("csrf_token") {
		if c.csrf == "" {
			t.Fatalf("POST %s: no CSRF token yet (GET a page first)", path)
		}
		f.Set("csrf_token", c.csrf)
	}
	return c.postRaw(t, path, f)
}

// postRaw sends a form as is.
func (c *client) postRaw(t testing.TB, path string, form url.Values) *resp {
	t.Helper()
	return c.do(t, http.MethodPost, path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

// cookie returns the value of the client's cookie name, or "".
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.e.ts.URL)
	for _, k := range c.hc.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// login logs in through the real form and fails the test otherwise; the
// client then holds the new session's CSRF token.
func (c *client) login(t testing.TB, email, password string) {
	t.Helper()
	if r := c.get(t, "/login"); r.Status != http.StatusOK {
		t.Fatalf("GET /login: %s", r)
	}
	r := c.post(t, "/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("login %s: %s (Location %q)", email, r, r.Header.Get("Location"))
	}
	if r := c.get(t, "/settings/account"); r.Status != http.StatusOK {
		t.Fatalf("GET /settings/account after login: %s", r)
	}
}

// loggedIn returns a client logged in as u.
func (e *env) loggedIn(t testing.TB, u *soroe.User) *client {
	t.Helper()
	c := e.client()
	c.login(t, u.Email, testPassword)
	return c
}

// api sends an API request with a bearer token ("" for none). body is nil,
// a string sent as is, or a value encoded as JSON; both are sent as
// application/json.
func (e *env) api(t testing.TB, method, path, token string, body any) *resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = strings.NewReader(string(j))
	}
	hdr := http.Header{}
	if rd != nil {
		hdr.Set("Content-Type", "application/json")
	}
	return e.apiRaw(t, method, path, token, rd, hdr)
}

// apiRaw sends an API request with exactly the given headers.
func (e *env) apiRaw(t testing.TB, method, path, token string, body io.Reader, hdr http.Header) *resp {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readResp(t, res)
}

// want fails the test unless r has status.
func want(t testing.TB, r *resp, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r)
	}
}
