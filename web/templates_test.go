package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
)

// The templates area adds to every fixture a goal of org A and a 型 of it,
// drafted by the other staff member (f.Member) and the staff role.
func init() {
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		n := seq.Add(1)
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], fmt.Sprintf("Tpl goal %d 採用", n))
		tpl := &soroe.Template{OrgID: f.A.ID, GoalID: g.ID, CreatedBy: f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
			Name: fmt.Sprintf("Secret template %d", n), Structure: fmt.Sprintf("{社員名}さんの一日 secret-structure-%d", n),
			Networks: []soroe.Network{soroe.NetworkX}, Frequency: soroe.Frequency{Count: 3, Per: "week"},
			Drafters: soroe.Assignees{UserIDs: []int64{f.Member.ID}, Role: soroe.RoleStaff},
		}}
		if err := e.db.CreateTemplate(context.Background(), tpl); err != nil {
			t.Fatal(err)
		}
		f.Wild["template"] = strconv.FormatInt(tpl.ID, 10)
		f.Secrets = append(f.Secrets, tpl.Name, tpl.Structure, g.Title)
		// The sample body names this fixture's goal: allowed roles create a
		// 型, and an outsider (whose token is of org B) is told the goal
		// does not exist. The walk runs its cases one after another.
		walkBodies["POST /api/v1/templates"] = fmt.Sprintf(
			`{"goal_id":%d,"name":"Walk","structure":"{a}","networks":["x"],"frequency":{"count":1,"per":"week"}}`, g.ID)
	})
	walkBodies["PATCH /api/v1/templates/{template}"] = `{"name":"Walk"}`
}

// tplGoal creates a goal of org o directly in the store.
func tplGoal(t testing.TB, e *env, o *soroe.Org, owner *soroe.User, title string) *soroe.Goal {
	t.Helper()
	g := &soroe.Goal{
		OrgID: o.ID, Title: title, Purpose: soroe.PurposeRecruiting, Strategy: "若手の応募を増やす",
		OwnerID: owner.ID, StartOn: "2026-11-01", Deadline: "2027-03-31",
		KPIs: []*soroe.KPI{{Metric: soroe.MetricConversions, Event: "application", Target: 30}},
	}
	if err := e.db.CreateGoal(context.Background(), g, owner.ID); err != nil {
		t.Fatal(err)
	}
	return g
}

// fixtureTemplate returns the fixture's 型.
func fixtureTemplate(t testing.TB, e *env, f *fixture) *soroe.Template {
	t.Helper()
	id, _ := strconv.ParseInt(f.Wild["template"], 10, 64)
	tpl, err := e.db.Template(context.Background(), f.A.ID, id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// apiSlotsOf decodes the slots of a slot or plan answer.
func apiSlotsOf(t testing.TB, r *resp) []map[string]any {
	t.Helper()
	var out []map[string]any
	list, ok := r.json(t)["slots"].([]any)
	if !ok {
		t.Fatalf("no slots: %s", r)
	}
	for _, s := range list {
		out = append(out, s.(map[string]any))
	}
	return out
}

// TestTemplateCadenceAPI: the slots the API lays out for a frequency are
// at the right local times and instants, in a zone with summer time and in
// one without, and drafters take turns.
func TestTemplateCadenceAPI(t *testing.T) {
	type slot struct{ day, local, at string }
	cases := []struct {
		zone     string
		freq     map[string]any
		from, to string
		want     []slot
	}{
		{
			// New York moves to summer time on Sunday 2026-03-08: 09:00
			// stays 09:00 local, one hour earlier in UTC.
			"America/New_York", map[string]any{"count": 3, "per": "week", "weekdays": []int{1, 3, 5}, "times": []string{"09:00"}},
			"2026-03-02", "2026-03-15",
			[]slot{
				{"2026-03-02", "09:00", "2026-03-02T14:00:00Z"}, {"2026-03-04", "09:00", "2026-03-04T14:00:00Z"}, {"2026-03-06", "09:00", "2026-03-06T14:00:00Z"},
				{"2026-03-09", "09:00", "2026-03-09T13:00:00Z"}, {"2026-03-11", "09:00", "2026-03-11T13:00:00Z"}, {"2026-03-13", "09:00", "2026-03-13T13:00:00Z"},
			},
		},
		{
			// 02:30 does not exist on 2026-03-08 in New York: the slot moves
			// forward with the clocks, to 03:30.
			"America/New_York", map[string]any{"count": 1, "per": "week", "weekdays": []int{0}, "times": []string{"02:30"}},
			"2026-03-01", "2026-03-15",
			[]slot{{"2026-03-01", "02:30", "2026-03-01T07:30:00Z"}, {"2026-03-08", "03:30", "2026-03-08T07:30:00Z"}, {"2026-03-15", "02:30", "2026-03-15T06:30:00Z"}},
		},
		{
			// 4 a month on Tuesdays and Thursdays: spread over March's nine.
			"America/New_York", map[string]any{"count": 4, "per": "month", "weekdays": []int{2, 4}, "times": []string{"10:00"}},
			"2026-03-01", "2026-03-31",
			[]slot{{"2026-03-05", "10:00", "2026-03-05T15:00:00Z"}, {"2026-03-12", "10:00", "2026-03-12T14:00:00Z"}, {"2026-03-19", "10:00", "2026-03-19T14:00:00Z"}, {"2026-03-26", "10:00", "2026-03-26T14:00:00Z"}},
		},
		{
			// Tokyo has no summer time: 09:00 is always 00:00 UTC.
			"Asia/Tokyo", map[string]any{"count": 3, "per": "week", "weekdays": []int{1, 3, 5}, "times": []string{"09:00"}},
			"2026-03-02", "2026-03-15",
			[]slot{
				{"2026-03-02", "09:00", "2026-03-02T00:00:00Z"}, {"2026-03-04", "09:00", "2026-03-04T00:00:00Z"}, {"2026-03-06", "09:00", "2026-03-06T00:00:00Z"},
				{"2026-03-09", "09:00", "2026-03-09T00:00:00Z"}, {"2026-03-11", "09:00", "2026-03-11T00:00:00Z"}, {"2026-03-13", "09:00", "2026-03-13T00:00:00Z"},
			},
		},
		{
			// No days and no time: weekdays at 12:00; 2 a week are spread
			// over Monday to Friday: Tuesday and Thursday.
			"Asia/Tokyo", map[string]any{"count": 2, "per": "week"},
			"2026-11-23", "2026-11-29",
			[]slot{{"2026-11-24", "12:00", "2026-11-24T03:00:00Z"}, {"2026-11-26", "12:00", "2026-11-26T03:00:00Z"}},
		},
	}
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		ctx := context.Background()
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "Cadence goal")
		staffID, memberID := f.Users[soroe.RoleStaff].ID, f.Member.ID
		for i, c := range cases {
			o := *f.A
			o.TimeZone = c.zone
			if err := e.db.UpdateOrg(ctx, &o); err != nil {
				t.Fatal(err)
			}
			r := e.api(t, "POST", "/api/v1/templates", owner, map[string]any{
				"goal_id": g.ID, "name": fmt.Sprintf("Cadence %d", i), "structure": "{x}", "networks": []string{"x"},
				"frequency": c.freq, "drafters": map[string]any{"user_ids": []int64{staffID, memberID}},
			})
			want(t, r, http.StatusCreated)
			id := int64(r.json(t)["id"].(float64))
			r = e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d/slots?from=%s&to=%s", id, c.from, c.to), staff, nil)
			want(t, r, http.StatusOK)
			d.checkResponse(t, "GET /api/v1/templates/{template}/slots", r)
			body := r.json(t)
			if body["time_zone"] != c.zone || body["from"] != c.from || body["to"] != c.to {
				t.Errorf("%s case %d: window %v %v %v", c.zone, i, body["time_zone"], body["from"], body["to"])
			}
			got := apiSlotsOf(t, r)
			if len(got) != len(c.want) {
				t.Fatalf("%s case %d: %d slots, want %d: %s", c.zone, i, len(got), len(c.want), r)
			}
			var prev float64
			for j, s := range got {
				w := c.want[j]
				if s["day"] != w.day || s["local"] != w.local || s["at"] != w.at {
					t.Errorf("%s case %d slot %d: %v %v %v, want %v", c.zone, i, j, s["day"], s["local"], s["at"], w)
				}
				// Two drafters, sorted by user ID, take turns.
				did, _ := s["drafter_id"].(float64)
				if int64(did) != staffID && int64(did) != memberID {
					t.Errorf("slot %d: drafter %v", j, s["drafter_id"])
				}
				wantName := f.Users[soroe.RoleStaff].Name
				if int64(did) == memberID {
					wantName = f.Member.Name
				}
				if s["drafter_name"] != wantName {
					t.Errorf("slot %d: drafter_name %v, want %q", j, s["drafter_name"], wantName)
				}
				if j > 0 && did == prev {
					t.Errorf("%s case %d: slots %d and %d have the same drafter", c.zone, i, j-1, j)
				}
				prev = did
				if s["template_id"] != float64(id) || s["version"] != float64(1) || s["goal_id"] != float64(g.ID) {
					t.Errorf("slot %d: %v", j, s)
				}
			}
		}
	})
}

// TestTemplateVersionsAPI: PATCH makes a new version, the old one stays
// readable, and an unchanged body makes none.
func TestTemplateVersionsAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "Versions goal")
		manager := e.token(t, f.A, f.Users[soroe.RoleManager])
		r := e.api(t, "POST", "/api/v1/templates", manager, map[string]any{
			"goal_id": g.ID, "name": "社員の一日", "theme": "若手の働き方", "structure": "{社員名}さんの一日: {エピソード} #採用",
			"tone": "friendly", "format": "image", "networks": []string{"instagram", "x"},
			"frequency": map[string]any{"count": 2, "per": "week", "weekdays": []int{2, 4}, "times": []string{"12:00"}},
			"hashtags":  []string{"採用", "#社員紹介"}, "cta": "採用サイトへ", "link": "https://example.jp/recruit",
			"dos": []string{"笑顔の写真"}, "donts": []string{"個人情報"}, "checklist": []string{"掲載許可"},
			"drafters": map[string]any{"role": "staff"}, "approvers": map[string]any{"user_ids": []int64{f.Users[soroe.RoleManager].ID}},
		})
		want(t, r, http.StatusCreated)
		d.checkResponse(t, "POST /api/v1/templates", r)
		v1 := r.json(t)
		id := int64(v1["id"].(float64))
		if r.Header.Get("Location") != fmt.Sprintf("/api/v1/templates/%d", id) {
			t.Errorf("Location %q", r.Header.Get("Location"))
		}
		if v1["version"] != float64(1) || v1["source"] != "manual" || v1["created_by"] != float64(f.Users[soroe.RoleManager].ID) {
			t.Errorf("v1: %v", v1)
		}
		if tags := fmt.Sprint(v1["hashtags"]); tags != "[#採用 #社員紹介]" {
			t.Errorf("hashtags %s", tags)
		}

		// Staff may read but not write.
		want(t, e.api(t, "PATCH", fmt.Sprintf("/api/v1/templates/%d", id), staff, map[string]any{"name": "x"}), http.StatusForbidden)

		r = e.api(t, "PATCH", fmt.Sprintf("/api/v1/templates/%d", id), owner, map[string]any{
			"name": "社員の一日 v2", "frequency": map[string]any{"count": 3, "per": "week"},
		})
		want(t, r, http.StatusOK)
		d.checkResponse(t, "PATCH /api/v1/templates/{template}", r)
		v2 := r.json(t)
		if v2["version"] != float64(2) || v2["name"] != "社員の一日 v2" || v2["created_by"] != float64(f.Users[soroe.RoleOwner].ID) {
			t.Errorf("v2: %v", v2)
		}
		// Fields not given stay; the frequency is replaced as a whole.
		if v2["structure"] != v1["structure"] || v2["link"] != v1["link"] || fmt.Sprint(v2["networks"]) != "[instagram x]" {
			t.Errorf("v2 lost fields: %v", v2)
		}
		if fq := v2["frequency"].(map[string]any); fq["count"] != float64(3) || fq["weekdays"] != nil || fq["times"] != nil {
			t.Errorf("v2 frequency %v", fq)
		}

		r = e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d", id), staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/templates/{template}", r)
		if r.json(t)["version"] != float64(2) {
			t.Errorf("current: %s", r)
		}
		r = e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d?version=1", id), staff, nil)
		want(t, r, http.StatusOK)
		if old := r.json(t); old["version"] != float64(1) || old["name"] != "社員の一日" || old["frequency"].(map[string]any)["count"] != float64(2) {
			t.Errorf("v1 read back: %v", old)
		}
		for _, v := range []string{"3", "0", "-1", "abc"} {
			r := e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d?version=%s", id, v), staff, nil)
			r.problem(t, http.StatusNotFound, "not_found")
			d.checkResponse(t, "GET /api/v1/templates/{template}", r)
		}

		// The same body again makes no version.
		r = e.api(t, "PATCH", fmt.Sprintf("/api/v1/templates/%d", id), owner, map[string]any{"name": "社員の一日 v2"})
		want(t, r, http.StatusOK)
		if r.json(t)["version"] != float64(2) {
			t.Errorf("an unchanged body made a version: %s", r)
		}

		r = e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d/versions", id), staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/templates/{template}/versions", r)
		vs := r.json(t)["versions"].([]any)
		if len(vs) != 2 || vs[0].(map[string]any)["version"] != float64(2) || vs[1].(map[string]any)["name"] != "社員の一日" {
			t.Errorf("versions: %s", r)
		}

		// Lists, with and without the goal filter.
		r = e.api(t, "GET", fmt.Sprintf("/api/v1/templates?goal=%d", g.ID), staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/templates", r)
		if l := r.json(t)["templates"].([]any); len(l) != 1 || l[0].(map[string]any)["version"] != float64(2) {
			t.Errorf("by goal: %s", r)
		}
		r = e.api(t, "GET", "/api/v1/templates", staff, nil)
		if l := r.json(t)["templates"].([]any); len(l) != 2 {
			t.Errorf("all: %d templates, want 2 (the fixture's and this one)", len(l))
		}
		for _, q := range []string{"?goal=abc", "?goal=999999"} {
			r := e.api(t, "GET", "/api/v1/templates"+q, staff, nil)
			r.problem(t, http.StatusNotFound, "not_found")
			d.checkResponse(t, "GET /api/v1/templates", r)
		}

		r = e.api(t, "DELETE", fmt.Sprintf("/api/v1/templates/%d", id), manager, nil)
		want(t, r, http.StatusNoContent)
		d.checkResponse(t, "DELETE /api/v1/templates/{template}", r)
		for _, p := range []string{"", "?version=1", "/versions", "/slots"} {
			e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d%s", id, p), staff, nil).problem(t, http.StatusNotFound, "not_found")
		}
		e.api(t, "DELETE", fmt.Sprintf("/api/v1/templates/%d", id), manager, nil).problem(t, http.StatusNotFound, "not_found")
	})
}

// TestTemplateValidationAPI: invalid input is a 422 naming the field.
func TestTemplateValidationAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "Validation goal")
		ok := func() map[string]any {
			return map[string]any{"goal_id": g.ID, "name": "N", "structure": "{x}", "networks": []string{"x"}, "frequency": map[string]any{"count": 1, "per": "week"}}
		}
		with := func(k string, v any) map[string]any { b := ok(); b[k] = v; return b }
		without := func(k string) map[string]any { b := ok(); delete(b, k); return b }
		other := e.fixture(t) // another organization's goal and users
		otherGoal := tplGoal(t, e, other.A, other.Users[soroe.RoleOwner], "Other goal")
		cases := []struct {
			body         any
			field, msg   string
			status, code int
		}{
			{without("name"), "name", "required", 422, 0},
			{with("name", strings.Repeat("長", 101)), "name", "too_long", 422, 0},
			{without("structure"), "structure", "required", 422, 0},
			{with("tone", "angry"), "tone", "unknown_tone", 422, 0},
			{with("format", "podcast"), "format", "unknown_format", 422, 0},
			{without("networks"), "networks", "network_required", 422, 0},
			{with("networks", []string{"myspace"}), "networks", "unknown_network", 422, 0},
			{with("link", "ftp://x"), "link", "invalid_url", 422, 0},
			{with("frequency", map[string]any{"count": 0, "per": "week"}), "frequency.count", "invalid_frequency", 422, 0},
			{with("frequency", map[string]any{"count": 15, "per": "week"}), "frequency.count", "invalid_frequency", 422, 0},
			{with("frequency", map[string]any{"count": 1, "per": "day"}), "frequency.per", "invalid_frequency", 422, 0},
			{with("frequency", map[string]any{"count": 1, "per": "week", "weekdays": []int{7}}), "frequency.weekdays", "invalid_frequency", 422, 0},
			{with("frequency", map[string]any{"count": 1, "per": "week", "times": []string{"25:00"}}), "frequency.times", "invalid_time", 422, 0},
			{with("goal_id", 0), "goal_id", "required", 422, 0},
			{with("goal_id", otherGoal.ID), "goal_id", "unknown_goal", 422, 0},
			{with("drafters", map[string]any{"user_ids": []int64{other.Users[soroe.RoleStaff].ID}}), "drafters", "not_a_member", 422, 0},
			{with("approvers", map[string]any{"user_ids": []int64{other.Outsider.ID}}), "approvers", "not_a_member", 422, 0},
			{with("drafters", map[string]any{"role": "intern"}), "drafters", "unknown_role", 422, 0},
			{with("source", "llm"), "", "", 400, 0},
			{`{"name":`, "", "", 400, 0},
		}
		for i, c := range cases {
			r := e.api(t, "POST", "/api/v1/templates", owner, c.body)
			code := "invalid"
			if c.status == 400 {
				code = "bad_json"
			}
			p := r.problem(t, c.status, code)
			if c.field != "" && p["field"] != c.field {
				t.Errorf("case %d: field %v, want %s: %s", i, p["field"], c.field, r)
			}
			if c.msg != "" && p["detail"] == "error."+c.msg {
				t.Errorf("case %d: detail is the bare key %v", i, p["detail"])
			}
			d.checkResponse(t, "POST /api/v1/templates", r)
		}
		tpl := fixtureTemplate(t, e, f)
		r := e.api(t, "PATCH", fmt.Sprintf("/api/v1/templates/%d", tpl.ID), owner, map[string]any{"networks": []string{}})
		if p := r.problem(t, 422, "invalid"); p["field"] != "networks" {
			t.Errorf("patch: %s", r)
		}
		r = e.api(t, "PATCH", fmt.Sprintf("/api/v1/templates/%d", tpl.ID), owner, map[string]any{"goal_id": 1})
		r.problem(t, 400, "bad_json")
		if cur := fixtureTemplate(t, e, f); cur.Version != 1 {
			t.Errorf("failed patches made version %d", cur.Version)
		}
		// Windows of the slot routes.
		for q, field := range map[string]string{"from=2026-13-01": "from", "to=tomorrow": "to", "from=2026-03-10&to=2026-03-01": "to", "from=2026-01-01&to=2027-06-01": "to"} {
			r := e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d/slots?%s", tpl.ID, q), staff, nil)
			if p := r.problem(t, 422, "invalid"); p["field"] != field {
				t.Errorf("%s: field %v", q, p["field"])
			}
			d.checkResponse(t, "GET /api/v1/templates/{template}/slots", r)
			r = e.api(t, "GET", "/api/v1/plan?"+q, staff, nil)
			r.problem(t, 422, "invalid")
			d.checkResponse(t, "GET /api/v1/plan", r)
		}
		e.api(t, "GET", "/api/v1/plan?mine=yes", staff, nil).problem(t, 422, "invalid")
	})
}

// TestTemplateCrossOrg: another organization's 型 does not exist, through
// the API and the UI.
func TestTemplateCrossOrg(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		tpl := fixtureTemplate(t, e, f)
		out := e.token(t, f.B, f.Outsider)
		base := fmt.Sprintf("/api/v1/templates/%d", tpl.ID)
		leaks := func(r *resp) {
			t.Helper()
			for _, s := range f.secretsOfA() {
				if strings.Contains(r.Body, s) {
					t.Errorf("%q leaked: %s", s, r)
				}
			}
		}
		for _, c := range []struct{ method, path string }{
			{"GET", base}, {"GET", base + "?version=1"}, {"GET", base + "/versions"}, {"GET", base + "/slots"},
			{"PATCH", base}, {"DELETE", base}, {"GET", fmt.Sprintf("/api/v1/templates?goal=%d", tpl.GoalID)},
		} {
			var body any
			if c.method == "PATCH" {
				body = map[string]any{"name": "stolen"}
			}
			r := e.api(t, c.method, c.path, out, body)
			r.problem(t, http.StatusNotFound, "not_found")
			leaks(r)
		}
		r := e.api(t, "POST", "/api/v1/templates", out, map[string]any{"goal_id": tpl.GoalID, "name": "N", "structure": "{x}", "networks": []string{"x"}, "frequency": map[string]any{"count": 1, "per": "week"}})
		if p := r.problem(t, 422, "invalid"); p["field"] != "goal_id" {
			t.Errorf("create under A's goal: %s", r)
		}
		for _, p := range []string{"/api/v1/templates", "/api/v1/plan"} {
			r := e.api(t, "GET", p, out, nil)
			want(t, r, http.StatusOK)
			leaks(r)
		}
		if cur := fixtureTemplate(t, e, f); cur.Version != 1 || cur.Name != tpl.Name {
			t.Errorf("A's 型 changed: %+v", cur)
		}

		c := e.loggedIn(t, f.Outsider)
		for _, p := range []string{"/templates/" + f.Wild["template"], "/templates/" + f.Wild["template"] + "/edit", "/templates/" + f.Wild["template"] + "?version=1", fmt.Sprintf("/templates?goal=%d", tpl.GoalID)} {
			r := c.get(t, p)
			want(t, r, http.StatusNotFound)
			leaks(r)
		}
		for _, p := range []string{"/templates", "/plan", "/"} {
			r := c.get(t, p)
			want(t, r, http.StatusOK)
			leaks(r)
		}
		r = c.post(t, "/templates/"+f.Wild["template"], url.Values{"name": {"stolen"}})
		want(t, r, http.StatusNotFound)
		r = c.post(t, "/templates/"+f.Wild["template"]+"/delete", nil)
		want(t, r, http.StatusNotFound)
		r = c.post(t, "/templates", url.Values{"goal_id": {strconv.FormatInt(tpl.GoalID, 10)}, "name": {"N"}, "structure": {"{x}"}, "networks": {"x"}, "freq_count": {"1"}, "freq_per": {"week"}})
		want(t, r, http.StatusUnprocessableEntity)
		if cur := fixtureTemplate(t, e, f); cur.Version != 1 || cur.Name != tpl.Name {
			t.Errorf("A's 型 changed through the UI: %+v", cur)
		}
	})
}

// TestTemplateDrafters: slots go to the listed members and the members
// with the role, in turns sorted by user ID; someone who leaves drops out.
func TestTemplateDrafters(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		ctx := context.Background()
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "Drafters goal")
		mgr := f.Users[soroe.RoleManager]
		r := e.api(t, "POST", "/api/v1/templates", owner, map[string]any{
			"goal_id": g.ID, "name": "D", "structure": "{x}", "networks": []string{"x"},
			"frequency": map[string]any{"count": 7, "per": "week", "weekdays": []int{0, 1, 2, 3, 4, 5, 6}},
			"drafters":  map[string]any{"user_ids": []int64{mgr.ID}, "role": "staff"},
		})
		want(t, r, http.StatusCreated)
		id := int64(r.json(t)["id"].(float64))
		slots := func() []int64 {
			r := e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d/slots?from=2026-11-23&to=2026-11-29", id), staff, nil)
			want(t, r, http.StatusOK)
			var ids []int64
			for _, s := range apiSlotsOf(t, r) {
				ids = append(ids, int64(s["drafter_id"].(float64)))
			}
			return ids
		}
		got := slots()
		// The manager (listed), the staff user and the other staff member
		// (the role), sorted by ID, round and round.
		turn := []int64{mgr.ID, f.Users[soroe.RoleStaff].ID, f.Member.ID}
		if len(got) != 7 {
			t.Fatalf("%d slots", len(got))
		}
		for i := 1; i < len(got); i++ {
			a, b := indexOf(turn, got[i-1]), indexOf(turn, got[i])
			if a < 0 || b != (a+1)%3 {
				t.Fatalf("drafters out of turn: %v (turn %v)", got, turn)
			}
		}
		if err := e.db.RemoveMember(ctx, f.A.ID, f.Member.ID); err != nil {
			t.Fatal(err)
		}
		for _, d := range slots() {
			if d == f.Member.ID {
				t.Fatalf("a former member still drafts")
			}
		}
		// Nobody to draft: slots without a drafter.
		r = e.api(t, "PATCH", fmt.Sprintf("/api/v1/templates/%d", id), owner, map[string]any{"drafters": map[string]any{"role": "executive"}})
		want(t, r, http.StatusOK)
		if err := e.db.SetRole(ctx, f.A.ID, f.Users[soroe.RoleExecutive].ID, soroe.RoleStaff); err != nil {
			t.Fatal(err)
		}
		r = e.api(t, "GET", fmt.Sprintf("/api/v1/templates/%d/slots?from=2026-11-23&to=2026-11-23", id), staff, nil)
		want(t, r, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "GET /api/v1/templates/{template}/slots", r)
		if s := apiSlotsOf(t, r); len(s) != 1 || s[0]["drafter_id"] != nil || s[0]["drafter_name"] != nil {
			t.Errorf("unassigned slot: %s", r)
		}
	})
}

func indexOf(s []int64, v int64) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// TestMySlots: "my slots" lists only the caller's, in the API, on the plan
// page and on the home page.
func TestMySlots(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		ctx := context.Background()
		staffU := f.Users[soroe.RoleStaff]
		// Only the two 型 below: the fixture's goes.
		if err := e.db.DeleteTemplate(ctx, f.A.ID, fixtureTemplate(t, e, f).ID); err != nil {
			t.Fatal(err)
		}
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "採用を増やす")
		mk := func(name string, drafter int64, days []int) {
			tpl := &soroe.Template{OrgID: f.A.ID, GoalID: g.ID, CreatedBy: f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
				Name: name, Structure: "{x}", Networks: []soroe.Network{soroe.NetworkX},
				Frequency: soroe.Frequency{Count: len(days), Per: "week", Weekdays: weekdays(days...), Times: []string{"12:00"}},
				Drafters:  soroe.Assignees{UserIDs: []int64{drafter}},
			}}
			if err := e.db.CreateTemplate(ctx, tpl); err != nil {
				t.Fatal(err)
			}
		}
		mk("スタッフの型", staffU.ID, []int{1, 3})
		mk("メンバーの型", f.Member.ID, []int{2, 4, 5})

		// API: the week of the clock (Monday 2026-11-23 in Tokyo).
		d := loadOpenAPI(t)
		r := e.api(t, "GET", "/api/v1/plan", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/plan", r)
		all := r.json(t)
		if all["from"] != "2026-11-23" || all["to"] != "2026-11-29" || len(all["slots"].([]any)) != 5 || all["mine"] != false {
			t.Errorf("plan: %s", r)
		}
		for _, tt := range all["templates"].([]any) {
			if m := tt.(map[string]any); m["done"] != float64(0) || (m["planned"] != float64(2) && m["planned"] != float64(3)) {
				t.Errorf("totals: %v", m)
			}
		}
		r = e.api(t, "GET", "/api/v1/plan?mine=1", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/plan", r)
		mine := apiSlotsOf(t, r)
		if len(mine) != 2 || r.json(t)["mine"] != true || len(r.json(t)["templates"].([]any)) != 1 {
			t.Fatalf("mine: %s", r)
		}
		for _, s := range mine {
			if s["drafter_id"] != float64(staffU.ID) || s["template_name"] != "スタッフの型" {
				t.Errorf("not the caller's: %v", s)
			}
		}
		if s := apiSlotsOf(t, e.api(t, "GET", "/api/v1/plan?mine=1&from=2026-11-30&to=2026-12-13", e.token(t, f.A, f.Member), nil)); len(s) != 6 {
			t.Errorf("member's two weeks: %d slots", len(s))
		}

		// UI: the plan page's "my slots" and the home page.
		section := func(body, start string) string {
			i := strings.Index(body, start)
			if i < 0 {
				t.Fatalf("no %q in the page", start)
			}
			rest := body[i:]
			return rest[:strings.Index(rest, "</section>")]
		}
		c := e.loggedIn(t, staffU)
		p := c.get(t, "/plan")
		want(t, p, http.StatusOK)
		my := section(p.Body, `id="mine"`)
		if !strings.Contains(my, "今週のあなたの枠") || !strings.Contains(my, "スタッフの型") || strings.Contains(my, "メンバーの型") || strings.Count(my, "<li") != 2 {
			t.Errorf("staff's slots on /plan:\n%s", my)
		}
		if !strings.Contains(my, "11月23日（月）") || !strings.Contains(my, "11月25日（水）") {
			t.Errorf("days of the staff's slots:\n%s", my)
		}
		// The week lists everyone's, with the drafters' names.
		if !strings.Contains(p.Body, "メンバーの型") || !strings.Contains(p.Body, f.Member.Name) || !strings.Contains(p.Body, "2026年11月23日（月）〜11月29日（日）") {
			t.Error("the week view misses the member's slots or the range")
		}
		if !strings.Contains(p.Body, "0 / 2件") || !strings.Contains(p.Body, "0 / 3件") {
			t.Error("planned vs done is not shown as 0 / N")
		}
		home := c.get(t, "/")
		want(t, home, http.StatusOK)
		hs := section(home.Body, `class="card home-slots"`)
		if !strings.Contains(hs, "スタッフの型") || strings.Contains(hs, "メンバーの型") || strings.Contains(hs, "組織全体") {
			t.Errorf("staff's home slots:\n%s", hs)
		}
		// Another week: the member has none the next week? They do; the
		// staff member's slots move with ?week=.
		p = c.get(t, "/plan?week=2026-12-02")
		if !strings.Contains(p.Body, "2026年11月30日（月）〜12月6日（日）") || !strings.Contains(section(p.Body, `id="mine"`), "この週のあなたの枠") {
			t.Error("?week= does not move the week")
		}
		// A manager drafts nothing but sees the organization's count.
		mc := e.loggedIn(t, f.Users[soroe.RoleManager])
		hs = section(mc.get(t, "/").Body, `class="card home-slots"`)
		if !strings.Contains(hs, "これからのあなたの担当の枠はありません") || !strings.Contains(hs, "組織全体の今週の予定: 5件") {
			t.Errorf("manager's home slots:\n%s", hs)
		}
		// English.
		if err := e.db.UpdateUser(ctx, &soroe.User{ID: staffU.ID, Email: staffU.Email, Name: staffU.Name, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		p = c.get(t, "/plan")
		if my := section(p.Body, `id="mine"`); !strings.Contains(my, "My slots this week") || !strings.Contains(my, "Mon, Nov 23") {
			t.Errorf("English plan:\n%s", my)
		}
	})
}

func weekdays(ds ...int) []time.Weekday {
	out := make([]time.Weekday, len(ds))
	for i, d := range ds {
		out[i] = time.Weekday(d)
	}
	return out
}

// TestHomeSlotsNoTemplates: an organization without 型 shows nothing.
func TestHomeSlotsNoTemplates(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		u := e.user(t, "Solo", "solo@example.jp")
		e.org(t, "Solo Org", u)
		c := e.loggedIn(t, u)
		r := c.get(t, "/")
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, "home-slots") {
			t.Error("the home page shows slots without any 型")
		}
		r = c.get(t, "/plan")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "まだ型がありません") {
			t.Error("/plan has no empty state")
		}
		r = c.get(t, "/templates")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "まず目標を決めましょう") {
			t.Error("/templates has no empty state without goals")
		}
	})
}
