package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// apiTest runs fn on both engines with a server, a fixture, and tokens for
// org A's owner and staff.
func apiTest(t *testing.T, fn func(t *testing.T, e *env, f *fixture, owner, staff string)) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		fn(t, e, f, e.token(t, f.A, f.Users[soroe.RoleOwner]), e.token(t, f.A, f.Users[soroe.RoleStaff]))
	})
}

func TestAPIMe(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		r := e.api(t, "GET", "/api/v1/me", staff, nil)
		want(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type %q", ct)
		}
		me := r.json(t)
		u := me["user"].(map[string]any)
		if u["email"] != f.Users[soroe.RoleStaff].Email || u["lang"] != "ja" {
			t.Errorf("user = %v", u)
		}
		if _, ok := u["password_hash"]; ok {
			t.Error("the password hash is in the answer")
		}
		if o := me["org"].(map[string]any); o["name"] != f.A.Name {
			t.Errorf("org = %v", o)
		}
		if me["role"] != "staff" {
			t.Errorf("role = %v", me["role"])
		}
		if ms := me["memberships"].([]any); len(ms) != 1 {
			t.Errorf("memberships = %v", ms)
		}

		r = e.api(t, "PATCH", "/api/v1/me", staff, map[string]any{"lang": "en"})
		want(t, r, http.StatusOK)
		if got := r.json(t)["lang"]; got != "en" {
			t.Errorf("PATCH answered lang %v", got)
		}
		if got := e.api(t, "GET", "/api/v1/me", staff, nil).json(t)["user"].(map[string]any)["lang"]; got != "en" {
			t.Errorf("after PATCH, lang is %v", got)
		}
		// The name was left alone.
		if u, _ := e.db.User(context.Background(), f.Users[soroe.RoleStaff].ID); u.Name != f.Users[soroe.RoleStaff].Name {
			t.Errorf("name changed to %q", u.Name)
		}
		p := e.api(t, "PATCH", "/api/v1/me", staff, map[string]any{"lang": "fr"}).problem(t, http.StatusUnprocessableEntity, "invalid")
		if p["field"] != "lang" {
			t.Errorf("field = %v", p["field"])
		}
	})
}

func TestAPIOrgs(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		r := e.api(t, "GET", "/api/v1/orgs", staff, nil)
		want(t, r, http.StatusOK)
		if ms := r.json(t)["memberships"].([]any); len(ms) != 1 || ms[0].(map[string]any)["org_name"] != f.A.Name {
			t.Errorf("memberships = %v", ms)
		}
		r = e.api(t, "POST", "/api/v1/orgs", staff, map[string]any{"name": "Staff's own", "time_zone": "Europe/Paris", "lang": "en"})
		want(t, r, http.StatusCreated)
		o := r.json(t)
		if o["name"] != "Staff's own" || o["time_zone"] != "Europe/Paris" || o["lang"] != "en" {
			t.Errorf("created %v", o)
		}
		if loc := r.Header.Get("Location"); loc != "/api/v1/org" {
			t.Errorf("Location %q", loc)
		}
		ms := e.api(t, "GET", "/api/v1/orgs", staff, nil).json(t)["memberships"].([]any)
		if len(ms) != 2 {
			t.Fatalf("memberships = %v", ms)
		}
		for _, m := range ms {
			m := m.(map[string]any)
			if m["org_name"] == "Staff's own" && m["role"] != "owner" {
				t.Errorf("the creator is %v of the new org", m["role"])
			}
		}
		e.api(t, "POST", "/api/v1/orgs", staff, map[string]any{"name": ""}).problem(t, http.StatusUnprocessableEntity, "invalid")
	})
}

func TestAPIOrg(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		r := e.api(t, "GET", "/api/v1/org", staff, nil)
		want(t, r, http.StatusOK)
		if o := r.json(t); o["name"] != f.A.Name || o["time_zone"] != "Asia/Tokyo" {
			t.Errorf("org = %v", o)
		}
		p := e.api(t, "PATCH", "/api/v1/org", owner, map[string]any{"time_zone": "Mars/Olympus_Mons"}).
			problem(t, http.StatusUnprocessableEntity, "invalid")
		if p["field"] != "time_zone" {
			t.Errorf("field = %v", p["field"])
		}
		if o, _ := e.db.Org(context.Background(), f.A.ID); o.TimeZone != "Asia/Tokyo" {
			t.Errorf("a refused PATCH changed the time zone to %q", o.TimeZone)
		}
		r = e.api(t, "PATCH", "/api/v1/org", owner, map[string]any{"name": "Renamed", "time_zone": "Europe/Berlin"})
		want(t, r, http.StatusOK)
		if o := r.json(t); o["name"] != "Renamed" || o["time_zone"] != "Europe/Berlin" || o["lang"] != "ja" {
			t.Errorf("patched org = %v", o)
		}
		if o := e.api(t, "GET", "/api/v1/org", staff, nil).json(t); o["name"] != "Renamed" {
			t.Errorf("after PATCH, org = %v", o)
		}
		// The refusal says which right the role lacks and who has it.
		p = e.api(t, "PATCH", "/api/v1/org", staff, map[string]any{"name": "Staff coup"}).problem(t, http.StatusForbidden, "forbidden")
		act, _ := p["action"].(string)
		right, ok := soroe.RightFor(soroe.Action(act))
		if !ok || p["role"] != string(soroe.RoleStaff) {
			t.Fatalf("the 403 names no known action or role: %v", p)
		}
		var roles []string
		for _, r := range soroe.Roles {
			if soroe.Can(r, right.Action) {
				roles = append(roles, string(r))
			}
		}
		got := fmt.Sprint(p["roles"])
		if got != fmt.Sprint(roles) || slices.Contains(roles, string(soroe.RoleStaff)) {
			t.Errorf("roles %s, want %v", got, roles)
		}
		if d, _ := p["detail"].(string); !strings.Contains(d, right.EN) || !strings.Contains(d, "Roles that may: ") || !strings.Contains(d, "Your role, ") {
			t.Errorf("detail %q does not say what the role lacks and who may", d)
		}
	})
}

func TestAPIMembers(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		r := e.api(t, "GET", "/api/v1/members", staff, nil)
		want(t, r, http.StatusOK)
		ms := r.json(t)["members"].([]any)
		if len(ms) != 5 || ms[0].(map[string]any)["role"] != "owner" {
			t.Fatalf("members = %v", ms)
		}
		path := fmt.Sprintf("/api/v1/members/%d", f.Member.ID)
		r = e.api(t, "PATCH", path, owner, map[string]any{"role": "manager"})
		want(t, r, http.StatusOK)
		if m := r.json(t); m["role"] != "manager" || m["user_id"] != float64(f.Member.ID) {
			t.Errorf("PATCH answered %v", m)
		}
		e.api(t, "PATCH", path, owner, map[string]any{"role": "king"}).problem(t, http.StatusUnprocessableEntity, "invalid")
		e.api(t, "PATCH", "/api/v1/members/abc", owner, map[string]any{"role": "staff"}).problem(t, http.StatusNotFound, "not_found")
		e.api(t, "PATCH", "/api/v1/members/999999", owner, map[string]any{"role": "staff"}).problem(t, http.StatusNotFound, "not_found")

		// The last owner can be neither demoted nor removed.
		ownerPath := fmt.Sprintf("/api/v1/members/%d", f.Users[soroe.RoleOwner].ID)
		p := e.api(t, "PATCH", ownerPath, owner, map[string]any{"role": "staff"}).problem(t, http.StatusConflict, "conflict")
		if p["field"] != "role" {
			t.Errorf("field = %v", p["field"])
		}
		e.api(t, "DELETE", ownerPath, owner, nil).problem(t, http.StatusConflict, "conflict")
		// With a second owner, the first may step down.
		want(t, e.api(t, "PATCH", path, owner, map[string]any{"role": "owner"}), http.StatusOK)
		want(t, e.api(t, "PATCH", ownerPath, owner, map[string]any{"role": "executive"}), http.StatusOK)
		// ... and, now an executive, may no longer manage members.
		e.api(t, "DELETE", path, owner, nil).problem(t, http.StatusForbidden, "forbidden")

		newOwner := e.token(t, f.A, f.Member)
		staffPath := fmt.Sprintf("/api/v1/members/%d", f.Users[soroe.RoleStaff].ID)
		r = e.api(t, "DELETE", staffPath, newOwner, nil)
		want(t, r, http.StatusNoContent)
		if r.Body != "" {
			t.Errorf("204 with a body: %q", r.Body)
		}
		e.api(t, "DELETE", staffPath, newOwner, nil).problem(t, http.StatusNotFound, "not_found")
		if ms := e.api(t, "GET", "/api/v1/members", newOwner, nil).json(t)["members"].([]any); len(ms) != 4 {
			t.Errorf("after DELETE, %d members", len(ms))
		}
		// The removed member's token died with the membership.
		e.api(t, "GET", "/api/v1/me", staff, nil).problem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestAPIInvitations(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		r := e.api(t, "POST", "/api/v1/invitations", owner, map[string]any{"role": "executive", "email": "New.Person@Example.com"})
		want(t, r, http.StatusCreated)
		inv := r.json(t)
		if inv["role"] != "executive" || inv["email"] != "new.person@example.com" || inv["org_id"] != float64(f.A.ID) {
			t.Errorf("created %v", inv)
		}
		link, _ := inv["url"].(string)
		u, err := url.Parse(link)
		if err != nil || !strings.HasPrefix(u.Path, "/invite/"+soroe.InvitationPrefix) || u.Host != strings.TrimPrefix(e.ts.URL, "http://") {
			t.Fatalf("url = %q", link)
		}
		if _, ok := inv["token_hash"]; ok {
			t.Error("the hash is in the answer")
		}

		r = e.api(t, "GET", "/api/v1/invitations", owner, nil)
		want(t, r, http.StatusOK)
		if list := r.json(t)["invitations"].([]any); len(list) != 2 {
			t.Errorf("invitations = %v", list)
		}
		if strings.Contains(r.Body, strings.TrimPrefix(u.Path, "/invite/")) {
			t.Error("the list shows a secret")
		}

		// Accepting the link in the UI signs up a member with the role.
		c := e.client()
		if r := c.get(t, u.Path); r.Status != http.StatusOK || !strings.Contains(r.Body, f.A.Name) {
			t.Fatalf("GET %s: %s", u.Path, r)
		}
		r = c.post(t, u.Path, url.Values{"name": {"New Person"}, "email": {"new.person@example.com"}, "password": {"a-new-password"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/" {
			t.Fatalf("accept: %s", r)
		}
		if r := c.get(t, "/"); r.Status != http.StatusOK || !strings.Contains(r.Body, "New Person") {
			t.Fatalf("home after signing up: %s", r)
		}
		nu, err := e.db.UserByEmail(context.Background(), "new.person@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if m, err := e.db.Member(context.Background(), f.A.ID, nu.ID); err != nil || m.Role != soroe.RoleExecutive {
			t.Fatalf("membership %v %v", m, err)
		}
		// Used: gone from the list, and the link no longer works.
		if list := e.api(t, "GET", "/api/v1/invitations", owner, nil).json(t)["invitations"].([]any); len(list) != 1 {
			t.Errorf("after accepting, invitations = %v", list)
		}
		c2 := e.client()
		c2.get(t, u.Path)
		want(t, c2.post(t, u.Path, url.Values{"name": {"Late"}, "email": {"late@example.com"}, "password": {"a-new-password"}}), http.StatusConflict)

		// Revoking.
		path := fmt.Sprintf("/api/v1/invitations/%d", f.Inv.ID)
		want(t, e.api(t, "DELETE", path, owner, nil), http.StatusNoContent)
		e.api(t, "DELETE", path, owner, nil).problem(t, http.StatusNotFound, "not_found")
		if list := e.api(t, "GET", "/api/v1/invitations", owner, nil).json(t)["invitations"].([]any); len(list) != 0 {
			t.Errorf("after revoking, invitations = %v", list)
		}
		want(t, e.client().get(t, "/invite/"+f.InvSecret), http.StatusNotFound)

		e.api(t, "POST", "/api/v1/invitations", owner, map[string]any{"role": "emperor"}).problem(t, http.StatusUnprocessableEntity, "invalid")
		e.api(t, "POST", "/api/v1/invitations", owner, map[string]any{"role": "staff", "email": "not-an-email"}).problem(t, http.StatusUnprocessableEntity, "invalid")
		e.api(t, "GET", "/api/v1/invitations", staff, nil).problem(t, http.StatusForbidden, "forbidden")
	})
}

func TestAPITokens(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		r := e.api(t, "POST", "/api/v1/tokens", staff, map[string]any{"name": "ci"})
		want(t, r, http.StatusCreated)
		tok := r.json(t)
		secret, _ := tok["secret"].(string)
		if !strings.HasPrefix(secret, soroe.TokenPrefix) || tok["name"] != "ci" || !strings.HasPrefix(secret, tok["prefix"].(string)) {
			t.Fatalf("created %v", tok)
		}
		if _, ok := tok["hash"]; ok {
			t.Error("the hash is in the answer")
		}
		want(t, e.api(t, "GET", "/api/v1/me", secret, nil), http.StatusOK)

		r = e.api(t, "GET", "/api/v1/tokens", staff, nil)
		want(t, r, http.StatusOK)
		list := r.json(t)["tokens"].([]any)
		// The fixture's token, the one the test uses, and the new one.
		if len(list) != 3 {
			t.Errorf("tokens = %v", list)
		}
		if strings.Contains(r.Body, secret) || strings.Contains(r.Body, `"secret"`) {
			t.Error("the list shows a secret")
		}
		// Only one's own tokens: the owner sees one (their own).
		if l := e.api(t, "GET", "/api/v1/tokens", owner, nil).json(t)["tokens"].([]any); len(l) != 1 {
			t.Errorf("owner's tokens = %v", l)
		}

		path := fmt.Sprintf("/api/v1/tokens/%d", int64(tok["id"].(float64)))
		e.api(t, "DELETE", path, owner, nil).problem(t, http.StatusNotFound, "not_found")
		want(t, e.api(t, "DELETE", path, staff, nil), http.StatusNoContent)
		r = e.api(t, "GET", "/api/v1/me", secret, nil)
		r.problem(t, http.StatusUnauthorized, "unauthorized")
		if h := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
			t.Errorf("WWW-Authenticate %q", h)
		}
		e.api(t, "DELETE", path, staff, nil).problem(t, http.StatusNotFound, "not_found")
		e.api(t, "POST", "/api/v1/tokens", staff, map[string]any{"name": strings.Repeat("x", 101)}).problem(t, http.StatusUnprocessableEntity, "invalid")
	})
}

func TestAPIErrors(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		e.api(t, "GET", "/api/v1/xyz", staff, nil).problem(t, http.StatusNotFound, "not_found")
		e.api(t, "GET", "/api/v1/xyz", "", nil).problem(t, http.StatusNotFound, "not_found")
		// A known path with an unknown method.
		if r := e.api(t, "PUT", "/api/v1/me", staff, `{}`); r.Status != http.StatusMethodNotAllowed && r.Status != http.StatusNotFound {
			t.Errorf("PUT /api/v1/me: %s", r)
		}

		e.apiRaw(t, "PATCH", "/api/v1/me", staff, strings.NewReader(`{"lang":"en"}`), http.Header{"Content-Type": {"text/plain"}}).
			problem(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		e.apiRaw(t, "PATCH", "/api/v1/me", staff, strings.NewReader(`{"lang":"en"}`), nil).
			problem(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		// A charset parameter is fine.
		want(t, e.apiRaw(t, "PATCH", "/api/v1/me", staff, strings.NewReader(`{"lang":"ja"}`),
			http.Header{"Content-Type": {"application/json; charset=utf-8"}}), http.StatusOK)

		e.api(t, "PATCH", "/api/v1/me", staff, `{"lang":"en","admin":true}`).problem(t, http.StatusBadRequest, "bad_json")
		e.api(t, "PATCH", "/api/v1/me", staff, `{"lang":"en"} {"lang":"ja"}`).problem(t, http.StatusBadRequest, "bad_json")
		e.api(t, "PATCH", "/api/v1/me", staff, `{"lang":`).problem(t, http.StatusBadRequest, "bad_json")
		e.api(t, "PATCH", "/api/v1/me", staff, `{"lang":"`+strings.Repeat("x", maxJSONBytes)+`"}`).problem(t, http.StatusBadRequest, "bad_json")
		if u, _ := e.db.User(context.Background(), f.Users[soroe.RoleStaff].ID); u.Lang != "ja" {
			t.Errorf("a refused body changed lang to %q", u.Lang)
		}

		for _, auth := range []string{"", "Bearer ", "Bearer nope", "Basic " + staff, "bearer" + staff} {
			r := e.apiRaw(t, "GET", "/api/v1/me", "", nil, http.Header{"Authorization": {auth}})
			r.problem(t, http.StatusUnauthorized, "unauthorized")
			if r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("Authorization %q: no WWW-Authenticate", auth)
			}
		}

		// A removed member's token stops working at once.
		want(t, e.api(t, "GET", "/api/v1/me", staff, nil), http.StatusOK)
		if err := e.db.RemoveMember(context.Background(), f.A.ID, f.Users[soroe.RoleStaff].ID); err != nil {
			t.Fatal(err)
		}
		e.api(t, "GET", "/api/v1/me", staff, nil).problem(t, http.StatusUnauthorized, "unauthorized")

		// A demoted member's token loses the rights at once: the role is
		// read at every request, not when the token was made.
		ctx := context.Background()
		if err := e.db.SetRole(ctx, f.A.ID, f.Member.ID, soroe.RoleOwner); err != nil {
			t.Fatal(err)
		}
		mt := e.token(t, f.A, f.Member)
		want(t, e.api(t, "PATCH", "/api/v1/org", mt, map[string]any{"lang": "en"}), http.StatusOK)
		if err := e.db.SetRole(ctx, f.A.ID, f.Member.ID, soroe.RoleStaff); err != nil {
			t.Fatal(err)
		}
		e.api(t, "PATCH", "/api/v1/org", mt, map[string]any{"lang": "ja"}).problem(t, http.StatusForbidden, "forbidden")
		if got := e.api(t, "GET", "/api/v1/me", mt, nil).json(t)["role"]; got != "staff" {
			t.Errorf("after demotion the token's role is %v", got)
		}
	})
}
