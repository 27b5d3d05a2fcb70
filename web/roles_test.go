package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// caller is who sends a request in the role walk.
type caller struct {
	name     string
	role     soroe.Role // in org A; owner of org B for the outsider
	anon     bool
	outsider bool // the owner of org B, calling with A's IDs in the path
}

var walkCallers = []caller{
	{name: "anonymous", anon: true},
	{name: "owner", role: soroe.RoleOwner},
	{name: "executive", role: soroe.RoleExecutive},
	{name: "manager", role: soroe.RoleManager},
	{name: "staff", role: soroe.RoleStaff},
	{name: "outsider", role: soroe.RoleOwner, outsider: true},
}

// outcome is what a caller must get from a route.
type outcome int

const (
	outAllowed      outcome = iota // passes the role check: not 401/403, not a redirect to /login
	outSuccess                     // allowed, and acts on A's object: 2xx or 3xx
	outLogin                       // UI: 303 to /login
	outUnauthorized                // API: 401
	outForbidden                   // 403
	outNotFound                    // 404, and nothing of org A in the body
)

func (o outcome) String() string {
	return [...]string{"allowed", "success", "login", "401", "403", "404"}[o]
}

var wildcardRE = regexp.MustCompile(`\{([A-Za-z_]\w*)(?:\.\.\.)?\}`)

// wildcards returns the names of a pattern's path wildcards ({$} is none).
func wildcards(pattern string) []string {
	var out []string
	for _, m := range wildcardRE.FindAllStringSubmatch(pattern, -1) {
		out = append(out, m[1])
	}
	return out
}

// expected is the outcome the roles table (soroe.Rights) gives a caller on a
// route. Path wildcards are always filled with org A's objects.
func expected(rt Route, c caller) (outcome, error) {
	right, ok := soroe.RightFor(rt.Action)
	if !ok {
		return 0, fmt.Errorf("action %q is not in soroe.Rights: add a row to the roles table", rt.Action)
	}
	objects := len(wildcards(rt.Pattern)) > 0
	switch {
	case right.Action == soroe.ActPublic:
		return outAllowed, nil
	case c.anon && rt.API:
		return outUnauthorized, nil
	case c.anon:
		return outLogin, nil
	case soroe.NeedsOrg(rt.Action) && !soroe.Can(c.role, rt.Action):
		return outForbidden, nil
	case objects && c.outsider:
		// A's object seen from B: it does not exist.
		return outNotFound, nil
	case objects && rt.Action == soroe.ActTokenOwn && c.role != soroe.RoleStaff:
		// The {id} is A's staff's token: a token is its user's alone,
		// even an owner cannot touch another's.
		return outNotFound, nil
	case objects && rt.Action == soroe.ActNotificationOwn && c.role != soroe.RoleStaff:
		// The {notification} is A's staff's: only its reader opens it.
		return outNotFound, nil
	case objects:
		return outSuccess, nil
	}
	return outAllowed, nil
}

// walkPath fills a route pattern's wildcards with org A's objects.
func walkPath(rt Route, f *fixture) (string, error) {
	p, exact := strings.CutSuffix(rt.Pattern, "{$}")
	if !exact && strings.HasSuffix(p, "/") {
		p += "no-such-thing" // a subtree pattern ("/", "/static/"): a path below it
	}
	var err error
	p = wildcardRE.ReplaceAllStringFunc(p, func(w string) string {
		name := wildcardRE.FindStringSubmatch(w)[1]
		switch {
		case name == "user":
			return strconv.FormatInt(f.Member.ID, 10)
		case name == "secret":
			return f.InvSecret
		case name == "id" && rt.Action == soroe.ActInvitationAdmin:
			return strconv.FormatInt(f.Inv.ID, 10)
		case name == "id" && rt.Action == soroe.ActTokenOwn:
			return strconv.FormatInt(f.StaffTok.ID, 10)
		case f.Wild[name] != "":
			return f.Wild[name]
		}
		err = errors.Join(err, fmt.Errorf("no org A object for wildcard %s under action %s: teach the role walk which one", w, rt.Action))
		return w
	})
	return p, err
}

// walkDomainRefusals are routes (method and pattern) whose fixture object
// may not be in the state the route changes: past the role gate they may
// answer 409 or 422 (a post that is not a draft cannot be submitted), which
// the walk then counts as getting through.
var walkDomainRefusals = map[string]bool{}

// walkBodies are valid small bodies for the API's unsafe routes; each
// area's test file adds its own in an init function.
var walkBodies = map[string]string{
	"PATCH /api/v1/me":             `{"name":"Walk"}`,
	"POST /api/v1/orgs":            `{"name":"Walk"}`,
	"PATCH /api/v1/org":            `{"name":"Walk"}`,
	"PATCH /api/v1/members/{user}": `{"role":"staff"}`,
	"POST /api/v1/invitations":     `{"role":"staff"}`,
	"POST /api/v1/tokens":          `{"name":"Walk"}`,
}

// TestRouteActions: every route's action is in the table, every action of
// the table is used by a route, and the server refuses a route whose action
// is not in the table.
func TestRouteActions(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		used := map[soroe.Action]bool{}
		for _, rt := range e.srv.Routes() {
			if _, ok := soroe.RightFor(rt.Action); !ok {
				t.Errorf("%s %s: action %q is not in soroe.Rights", rt.Method, rt.Pattern, rt.Action)
			}
			used[rt.Action] = true
		}
		for _, r := range soroe.Rights {
			if !used[r.Action] && soroe.NeedsOrg(r.Action) {
				t.Errorf("action %q is in soroe.Rights but no route uses it", r.Action)
			}
		}
		s := &Server{mux: http.NewServeMux()}
		if err := s.handle("GET /x", soroe.Action("no.such.action"), false, http.NotFoundHandler()); err == nil {
			t.Error("a route with an action outside soroe.Rights was accepted")
		}
	})
}

// TestRoleWalk sends every registered route as every kind of caller and
// checks the answer against the roles table. Each case gets a fresh fixture,
// so destructive routes (remove, revoke) cannot spoil another case.
func TestRoleWalk(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		start := time.Now()
		n := 0
		for _, rt := range e.srv.Routes() {
			method := rt.Method
			if method == "" {
				method = http.MethodGet
			}
			for _, c := range walkCallers {
				name := fmt.Sprintf("%s %s as %s", method, rt.Pattern, c.name)
				want, err := expected(rt, c)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				n++
				f := e.fixture(t)
				path, err := walkPath(rt, f)
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				var r *resp
				if rt.API {
					r, err = walkAPI(t, e, f, rt, method, path, c)
				} else {
					r, err = walkUI(t, e, f, method, path, c)
				}
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				if err := check(r, rt, c, want, f); err != nil {
					t.Errorf("%s (want %s): %v", name, want, err)
				}
				if want != outAllowed && want != outSuccess {
					if err := intact(e, f); err != nil {
						t.Errorf("%s (want %s) changed org A: %v", name, want, err)
					}
				}
			}
		}
		t.Logf("%d cases in %v", n, time.Since(start).Round(time.Millisecond))
	})
}

// walkUI sends a UI request as c, with a valid CSRF token in the form.
func walkUI(t *testing.T, e *env, f *fixture, method, path string, c caller) (*resp, error) {
	cl := e.client()
	switch {
	case c.anon:
		cl.get(t, "/login")
	case c.outsider:
		cl.login(t, f.Outsider.Email, testPassword)
	default:
		cl.login(t, f.Users[c.role].Email, testPassword)
	}
	if !unsafe(method) {
		return cl.do(t, method, path, nil, nil), nil
	}
	// One form that every UI action accepts; fields a handler does not
	// read are ignored.
	form := url.Values{
		"name": {"Walk"}, "role": {"staff"}, "lang": {"ja"}, "time_zone": {"Asia/Tokyo"},
		"org_id": {strconv.FormatInt(f.A.ID, 10)},
	}
	if method != http.MethodPost {
		return nil, fmt.Errorf("the walk sends UI forms by POST only; teach it %s", method)
	}
	return cl.post(t, path, form), nil
}

// walkAPI sends an API request as c, with a token of c's organization.
func walkAPI(t *testing.T, e *env, f *fixture, rt Route, method, path string, c caller) (*resp, error) {
	tok := ""
	switch {
	case c.anon:
	case c.outsider:
		tok = e.token(t, f.B, f.Outsider)
	default:
		tok = e.token(t, f.A, f.Users[c.role])
	}
	var body any
	if unsafe(method) && method != http.MethodDelete {
		b, ok := walkBodies[method+" "+rt.Pattern]
		if !ok && rt.Pattern != "/api/v1/" {
			return nil, fmt.Errorf("no sample body for %s %s: add one to walkBodies", method, rt.Pattern)
		}
		body = b
	}
	return e.api(t, method, path, tok, body), nil
}

// check compares a response with the expected outcome.
func check(r *resp, rt Route, c caller, want outcome, f *fixture) error {
	if r.Status >= 500 {
		return fmt.Errorf("server error: %s", r)
	}
	if c.outsider && !(rt.Action == soroe.ActPublic && len(wildcards(rt.Pattern)) > 0) {
		// An outsider sees nothing of A (except through a public
		// invitation link, which is made to be shared).
		for _, s := range f.secretsOfA() {
			if strings.Contains(r.Body, s) || strings.Contains(r.Header.Get("Location"), s) {
				return fmt.Errorf("org A's %q leaked to the outsider: %s", s, r)
			}
		}
	}
	loc := r.Header.Get("Location")
	// A redirect to the login page is a refusal, except from public routes
	// (logging out sends one there).
	toLogin := r.Status == http.StatusSeeOther && strings.HasPrefix(loc, "/login") && rt.Action != soroe.ActPublic
	switch want {
	case outAllowed, outSuccess:
		if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden || toLogin {
			return fmt.Errorf("refused: %s (Location %q)", r, loc)
		}
		domain := walkDomainRefusals[rt.Method+" "+rt.Pattern] && (r.Status == http.StatusConflict || r.Status == http.StatusUnprocessableEntity)
		if want == outSuccess && r.Status >= 400 && !domain {
			return fmt.Errorf("failed: %s", r)
		}
	case outLogin:
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			return fmt.Errorf("got %s (Location %q), want 303 to /login", r, loc)
		}
	case outUnauthorized:
		if r.Status != http.StatusUnauthorized || r.Header.Get("Content-Type") != "application/problem+json" {
			return fmt.Errorf("got %s (%s), want a 401 problem", r, r.Header.Get("Content-Type"))
		}
	case outForbidden:
		if r.Status != http.StatusForbidden {
			return fmt.Errorf("got %s, want 403", r)
		}
		if rt.API && r.Header.Get("Content-Type") != "application/problem+json" {
			return fmt.Errorf("403 is not a problem document: %s", r.Header.Get("Content-Type"))
		}
	case outNotFound:
		if r.Status != http.StatusNotFound {
			return fmt.Errorf("got %s, want 404", r)
		}
	}
	return nil
}

// intact checks that org A's objects are as the fixture made them.
func intact(e *env, f *fixture) error {
	ctx := context.Background()
	m, err := e.db.Member(ctx, f.A.ID, f.Member.ID)
	if err != nil {
		return fmt.Errorf("member: %w", err)
	}
	if m.Role != soroe.RoleStaff {
		return fmt.Errorf("member's role is %s", m.Role)
	}
	o, err := e.db.Org(ctx, f.A.ID)
	if err != nil || o.Name != f.A.Name {
		return fmt.Errorf("org: %v %v", o, err)
	}
	inv, err := e.db.Invitations(ctx, f.A.ID)
	if err != nil || !slices.ContainsFunc(inv, func(i *soroe.Invitation) bool { return i.ID == f.Inv.ID }) {
		return fmt.Errorf("invitation gone (%v)", err)
	}
	toks, err := e.db.Tokens(ctx, f.A.ID, f.StaffTok.UserID)
	if err != nil || !slices.ContainsFunc(toks, func(k *soroe.Token) bool { return k.ID == f.StaffTok.ID }) {
		return fmt.Errorf("staff token gone (%v)", err)
	}
	for _, u := range f.Users {
		if got, err := e.db.User(ctx, u.ID); err != nil || got.Name != u.Name || got.Lang != u.Lang {
			return fmt.Errorf("user %d changed: %v %v", u.ID, got, err)
		}
	}
	return nil
}
