package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// Every fixture gets a goal of org A with a conversions KPI and one value
// entered by hand today; the role walk fills {goal} and {entry} with them.
func init() {
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		ctx := context.Background()
		owner := f.Users[soroe.RoleOwner]
		today := soroe.DateOf(e.clock.Now(), f.A.Location())
		g := &soroe.Goal{OrgID: f.A.ID, Title: fmt.Sprintf("Alpha secret goal %d", seq.Add(1)), Purpose: soroe.PurposeLeadGeneration,
			Strategy: "Alpha strategy", OwnerID: owner.ID, StartOn: today.AddDays(-10), Deadline: today.AddDays(19),
			KPIs: []*soroe.KPI{{Metric: soroe.MetricConversions, Event: "document_download", Target: 30}}}
		if err := e.db.CreateGoal(ctx, g, owner.ID); err != nil {
			t.Fatal(err)
		}
		en := &soroe.KPIEntry{KPIID: g.KPIs[0].ID, Day: today, Value: 3, Note: "Alpha secret note", CreatedBy: owner.ID}
		if err := e.db.SetKPIEntry(ctx, f.A.ID, en); err != nil {
			t.Fatal(err)
		}
		f.Wild["goal"] = strconv.FormatInt(g.ID, 10)
		f.Wild["entry"] = strconv.FormatInt(en.ID, 10)
		f.Secrets = append(f.Secrets, g.Title, "Alpha strategy", "Alpha secret note")
	})
	walkBodies["POST /api/v1/goals"] = `{"title":"Walk","purpose":"other","start_on":"2026-11-01","deadline":"2026-12-31","kpis":[{"metric":"impressions","target":1000}]}`
	walkBodies["PATCH /api/v1/goals/{goal}"] = `{"title":"Walk"}`
	walkBodies["POST /api/v1/goals/{goal}/entries"] = `{"kpi":"conversions:document_download","value":2}`
}

// The test clock stands at storetest.Epoch: 2026-11-23 09:30 in Tokyo. The
// goals below run for 30 days, 2026-11-14 to 2026-12-13, so today is day
// 10 with 20 days left.
const (
	testStart    = "2026-11-14"
	testDeadline = "2026-12-13"
)

func num(t testing.TB, m map[string]any, key string) float64 {
	t.Helper()
	f, ok := m[key].(float64)
	if !ok {
		t.Fatalf("%s is %v (%T), want a number in %v", key, m[key], m[key], m)
	}
	return f
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// progressOf returns the progress of the KPI labelled label.
func progressOf(t testing.TB, list any, label string) map[string]any {
	t.Helper()
	for _, p := range list.([]any) {
		if p := p.(map[string]any); p["label"] == label {
			return p
		}
	}
	t.Fatalf("no progress for %s in %v", label, list)
	return nil
}

func createTestGoal(t *testing.T, e *env, token string) map[string]any {
	t.Helper()
	r := e.api(t, "POST", "/api/v1/goals", token, map[string]any{
		"title": "資料請求を増やす", "purpose": "lead_generation", "strategy": "中期計画の新規商談を増やす",
		"start_on": testStart, "deadline": testDeadline,
		"kpis": []map[string]any{
			{"metric": "conversions", "event": "document_download", "target": 30},
			{"metric": "engagement_rate", "target": 0.05, "baseline": 0.03},
			{"metric": "impressions", "target": 30000},
		},
	})
	want(t, r, http.StatusCreated)
	loadOpenAPI(t).checkResponse(t, "POST /api/v1/goals", r)
	g := r.json(t)
	if loc := r.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/goals/%v", g["id"]) {
		t.Errorf("Location %q", loc)
	}
	return g
}

func TestGoalAPIProgress(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		g := createTestGoal(t, e, owner)
		id := fmt.Sprint(g["id"])
		kpis := g["kpis"].([]any)
		if len(kpis) != 3 || kpis[0].(map[string]any)["primary"] != true || kpis[1].(map[string]any)["primary"] != false {
			t.Fatalf("kpis = %v", kpis)
		}
		if g["owner_id"] != float64(f.Users[soroe.RoleOwner].ID) || g["today"] != "2026-11-23" {
			t.Errorf("owner %v, today %v", g["owner_id"], g["today"])
		}
		// Nothing recorded yet.
		p := progressOf(t, g["progress"], "conversions:document_download")
		if p["status"] != "no_data" || num(t, p, "expected") != 10 || num(t, p, "days_left") != 20 {
			t.Errorf("fresh progress = %v", p)
		}

		post := func(body map[string]any, status int) map[string]any {
			t.Helper()
			r := e.api(t, "POST", "/api/v1/goals/"+id+"/entries", owner, body)
			want(t, r, status)
			d.checkResponse(t, "POST /api/v1/goals/{goal}/entries", r)
			return r.json(t)
		}
		dl := int64(kpis[0].(map[string]any)["id"].(float64))
		post(map[string]any{"kpi": "conversions:document_download", "day": "2026-11-20", "value": 3, "note": "ウェビナー告知"}, 201)
		post(map[string]any{"kpi_id": dl, "day": "2026-11-22", "value": 4}, 201)
		// Entering 11-22 again replaces it: 3 + 5 = 8, not 12.
		en := post(map[string]any{"kpi_id": dl, "day": "2026-11-22", "value": 5}, 200)
		if en["value"] != 5.0 || en["source"] != "manual" {
			t.Errorf("replaced entry = %v", en)
		}
		// A ratio: engagements over impressions, never summed as rates.
		post(map[string]any{"kpi": "engagement_rate", "day": "2026-11-20", "value": 30, "denominator": 1000}, 201)
		post(map[string]any{"kpi": "engagement_rate", "day": "2026-11-21", "value": 20, "denominator": 1000}, 201)
		// The day defaults to today.
		imp := post(map[string]any{"kpi": "impressions", "value": 12000}, 201)
		if imp["day"] != "2026-11-23" {
			t.Errorf("default day = %v", imp["day"])
		}

		r := e.api(t, "GET", "/api/v1/goals/"+id+"/progress", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/goals/{goal}/progress", r)
		pr := r.json(t)
		if pr["today"] != "2026-11-23" || len(pr["kpis"].([]any)) != 3 {
			t.Fatalf("progress = %v", pr)
		}
		p = progressOf(t, pr["kpis"], "conversions:document_download")
		// 8 of an expected 10 by day 10 of 30: pace 0.8, at risk; 0.8 a day
		// for 30 days forecasts 24.
		if num(t, p, "actual") != 8 || num(t, p, "expected") != 10 || !near(num(t, p, "pace"), 0.8) ||
			!near(num(t, p, "forecast"), 24) || num(t, p, "days_elapsed") != 10 || num(t, p, "days_total") != 30 ||
			p["status"] != "at_risk" || p["last_day"] != "2026-11-22" || p["primary"] != true || p["event"] != "document_download" {
			t.Errorf("document downloads = %v", p)
		}
		p = progressOf(t, pr["kpis"], "engagement_rate")
		// 50 / 2000 = 2.5%; expected moves from 3% to 5%: 3% + 2% × 10/30.
		if !near(num(t, p, "actual"), 0.025) || !near(num(t, p, "expected"), 0.03+0.02/3) || p["ratio"] != true ||
			p["status"] != "behind" || !near(num(t, p, "forecast"), 0.025) {
			t.Errorf("engagement rate = %v", p)
		}
		p = progressOf(t, pr["kpis"], "impressions")
		// 12000 of an expected 10000: on track.
		if num(t, p, "actual") != 12000 || p["status"] != "on_track" {
			t.Errorf("impressions = %v", p)
		}

		// The same progress is embedded in the goal and the list.
		r = e.api(t, "GET", "/api/v1/goals/"+id, staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/goals/{goal}", r)
		if p := progressOf(t, r.json(t)["progress"], "conversions:document_download"); num(t, p, "actual") != 8 {
			t.Errorf("embedded progress = %v", p)
		}
		r = e.api(t, "GET", "/api/v1/goals", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/goals", r)
		found := false
		for _, x := range r.json(t)["goals"].([]any) {
			if x := x.(map[string]any); fmt.Sprint(x["id"]) == id {
				found = true
				if p := progressOf(t, x["progress"], "conversions:document_download"); num(t, p, "actual") != 8 {
					t.Errorf("listed progress = %v", p)
				}
			}
		}
		if !found {
			t.Errorf("goal %s is not listed", id)
		}

		// Today is the organization's: at 15:30 UTC it is already the 24th
		// in Tokyo.
		e.clock.Add(15 * time.Hour)
		pr = e.api(t, "GET", "/api/v1/goals/"+id+"/progress", staff, nil).json(t)
		if p := progressOf(t, pr["kpis"], "conversions:document_download"); pr["today"] != "2026-11-24" || num(t, p, "days_elapsed") != 11 {
			t.Errorf("after 15 hours: today %v, %v", pr["today"], p)
		}

		r = e.api(t, "GET", "/api/v1/goals/"+id+"/entries", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/goals/{goal}/entries", r)
		if es := r.json(t)["entries"].([]any); len(es) != 5 {
			t.Errorf("%d entries: %v", len(es), es)
		}
	})
}

func TestGoalAPIValidation(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		base := func(mod func(m map[string]any)) map[string]any {
			m := map[string]any{"title": "T", "purpose": "awareness", "start_on": testStart, "deadline": testDeadline,
				"kpis": []map[string]any{{"metric": "impressions", "target": 1000}}}
			mod(m)
			return m
		}
		for field, body := range map[string]map[string]any{
			"title":         base(func(m map[string]any) { m["title"] = " " }),
			"purpose":       base(func(m map[string]any) { m["purpose"] = "fame" }),
			"deadline":      base(func(m map[string]any) { m["deadline"] = "2026-11-01" }),
			"start_on":      base(func(m map[string]any) { m["start_on"] = "2026/11/14" }),
			"owner_id":      base(func(m map[string]any) { m["owner_id"] = f.Outsider.ID }),
			"kpis":          base(func(m map[string]any) { m["kpis"] = []map[string]any{} }),
			"kpis[0].event": base(func(m map[string]any) { m["kpis"] = []map[string]any{{"metric": "conversions", "target": 5}} }),
			"kpis[1].target": base(func(m map[string]any) {
				m["kpis"] = []map[string]any{{"metric": "impressions", "target": 5}, {"metric": "engagement_rate", "target": 3.5}}
			}),
			"kpis[0].metric": base(func(m map[string]any) { m["kpis"] = []map[string]any{{"metric": "likes", "target": 5}} }),
			"kpis[1].metric": base(func(m map[string]any) {
				m["kpis"] = []map[string]any{{"metric": "impressions", "target": 5}, {"metric": "impressions", "target": 6}}
			}),
		} {
			r := e.api(t, "POST", "/api/v1/goals", owner, body)
			if p := r.problem(t, http.StatusUnprocessableEntity, "invalid"); p["field"] != field {
				t.Errorf("%s: field %v (%v)", field, p["field"], p["detail"])
			}
			d.checkResponse(t, "POST /api/v1/goals", r)
		}
		r := e.api(t, "POST", "/api/v1/goals", owner, `{"title":"T","admin":true}`)
		r.problem(t, http.StatusBadRequest, "bad_json")
		d.checkResponse(t, "POST /api/v1/goals", r)
		r = e.api(t, "POST", "/api/v1/goals", staff, base(func(map[string]any) {}))
		r.problem(t, http.StatusForbidden, "forbidden")
		d.checkResponse(t, "POST /api/v1/goals", r)

		gid := f.Wild["goal"]
		entries := "/api/v1/goals/" + gid + "/entries"
		for field, body := range map[string]map[string]any{
			"day":    {"kpi": "conversions:document_download", "day": "2026-11-24", "value": 1}, // tomorrow
			"kpi":    {"kpi": "impressions", "value": 1},
			"kpi_id": {"value": 1},
			"value":  {"kpi": "conversions:document_download"},
		} {
			r := e.api(t, "POST", entries, owner, body)
			if p := r.problem(t, http.StatusUnprocessableEntity, "invalid"); p["field"] != field {
				t.Errorf("entry %s: field %v", field, p["field"])
			}
			d.checkResponse(t, "POST /api/v1/goals/{goal}/entries", r)
		}
		// Before the goal's period.
		r = e.api(t, "POST", entries, owner, map[string]any{"kpi": "conversions:document_download", "day": "2026-11-01", "value": 1})
		if p := r.problem(t, http.StatusUnprocessableEntity, "invalid"); p["field"] != "day" || !strings.Contains(p["detail"].(string), "period") {
			t.Errorf("day before the period: %v", p)
		}
		// A KPI of another goal is not this goal's.
		other := createTestGoal(t, e, owner)
		otherKPI := other["kpis"].([]any)[0].(map[string]any)["id"]
		r = e.api(t, "POST", entries, owner, map[string]any{"kpi_id": otherKPI, "value": 1})
		if p := r.problem(t, http.StatusUnprocessableEntity, "invalid"); p["field"] != "kpi_id" {
			t.Errorf("another goal's KPI: %v", p)
		}
		// A ratio needs its impressions, and engagements cannot exceed them.
		oid := fmt.Sprint(other["id"])
		for field, body := range map[string]map[string]any{
			"denominator": {"kpi": "engagement_rate", "day": "2026-11-20", "value": 10},
			"value":       {"kpi": "engagement_rate", "day": "2026-11-20", "value": 10, "denominator": 5},
		} {
			r := e.api(t, "POST", "/api/v1/goals/"+oid+"/entries", owner, body)
			if p := r.problem(t, http.StatusUnprocessableEntity, "invalid"); p["field"] != field {
				t.Errorf("ratio entry: field %v, want %s", p["field"], field)
			}
		}
		// Staff read but do not record; managers record.
		r = e.api(t, "POST", entries, staff, map[string]any{"kpi": "conversions:document_download", "value": 1})
		r.problem(t, http.StatusForbidden, "forbidden")
		d.checkResponse(t, "POST /api/v1/goals/{goal}/entries", r)
		mgr := e.token(t, f.A, f.Users[soroe.RoleManager])
		r = e.api(t, "POST", entries, mgr, map[string]any{"kpi": "conversions:document_download", "day": "2026-11-22", "value": 1})
		want(t, r, http.StatusCreated)
		r = e.api(t, "PATCH", "/api/v1/goals/"+gid, mgr, map[string]any{"title": "x"})
		r.problem(t, http.StatusForbidden, "forbidden")
		d.checkResponse(t, "PATCH /api/v1/goals/{goal}", r)
	})
}

func TestGoalAPICrossOrg(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		outsider := e.token(t, f.B, f.Outsider)
		gid, eid := f.Wild["goal"], f.Wild["entry"]
		for _, c := range []struct {
			method, route string
			body          any
		}{
			{"GET", "/api/v1/goals/{goal}", nil},
			{"PATCH", "/api/v1/goals/{goal}", map[string]any{"title": "mine now"}},
			{"DELETE", "/api/v1/goals/{goal}", nil},
			{"GET", "/api/v1/goals/{goal}/progress", nil},
			{"GET", "/api/v1/goals/{goal}/entries", nil},
			{"POST", "/api/v1/goals/{goal}/entries", map[string]any{"kpi": "conversions:document_download", "value": 9}},
			{"DELETE", "/api/v1/goals/{goal}/entries/{entry}", nil},
			{"GET", "/api/v1/goals/{goal}/changes", nil},
		} {
			path := strings.NewReplacer("{goal}", gid, "{entry}", eid).Replace(c.route)
			r := e.api(t, c.method, path, outsider, c.body)
			r.problem(t, http.StatusNotFound, "not_found")
			d.checkResponse(t, c.method+" "+c.route, r)
			for _, s := range f.secretsOfA() {
				if strings.Contains(r.Body, s) {
					t.Errorf("%s %s leaked %q", c.method, path, s)
				}
			}
		}
		r := e.api(t, "GET", "/api/v1/goals", outsider, nil)
		want(t, r, http.StatusOK)
		if gs := r.json(t)["goals"].([]any); len(gs) != 0 {
			t.Errorf("the outsider lists %v", gs)
		}
		// Org A's goal and value are untouched.
		g, err := e.db.Goal(context.Background(), f.A.ID, mustInt(t, gid))
		if err != nil || strings.Contains(g.Title, "mine") {
			t.Errorf("goal %v %v", g, err)
		}
		if _, err := e.db.KPIEntry(context.Background(), f.A.ID, g.ID, mustInt(t, eid)); err != nil {
			t.Errorf("entry: %v", err)
		}
		// An entry ID of another goal is not found under this goal.
		other := createTestGoal(t, e, owner)
		r = e.api(t, "DELETE", fmt.Sprintf("/api/v1/goals/%v/entries/%s", other["id"], eid), owner, nil)
		r.problem(t, http.StatusNotFound, "not_found")
	})
}

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestGoalAPIChangesAndEntries(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		g := createTestGoal(t, e, owner)
		id := fmt.Sprint(g["id"])
		kpis := g["kpis"].([]any)
		dl := kpis[0].(map[string]any)
		r := e.api(t, "POST", "/api/v1/goals/"+id+"/entries", owner, map[string]any{"kpi_id": dl["id"], "day": "2026-11-20", "value": 6})
		want(t, r, http.StatusCreated)
		entryID := fmt.Sprint(r.json(t)["id"])

		// Raise the target and move the deadline, keeping the KPI (by id)
		// and dropping the other two.
		exec := e.token(t, f.A, f.Users[soroe.RoleExecutive])
		r = e.api(t, "PATCH", "/api/v1/goals/"+id, exec, map[string]any{
			"deadline": "2026-12-31",
			"kpis":     []map[string]any{{"id": dl["id"], "metric": "conversions", "event": "document_download", "target": 45}},
		})
		want(t, r, http.StatusOK)
		d.checkResponse(t, "PATCH /api/v1/goals/{goal}", r)
		up := r.json(t)
		if up["deadline"] != "2026-12-31" || up["title"] != "資料請求を増やす" || len(up["kpis"].([]any)) != 1 {
			t.Fatalf("patched = %v", up)
		}
		// The kept KPI kept its value.
		if p := progressOf(t, up["progress"], "conversions:document_download"); num(t, p, "actual") != 6 || num(t, p, "target") != 45 {
			t.Errorf("after PATCH: %v", p)
		}

		r = e.api(t, "GET", "/api/v1/goals/"+id+"/changes", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/goals/{goal}/changes", r)
		got := map[string][2]any{}
		for _, c := range r.json(t)["changes"].([]any) {
			c := c.(map[string]any)
			got[c["field"].(string)] = [2]any{c["old"], c["new"]}
			if c["field"] != "created" && c["user_id"] != float64(f.Users[soroe.RoleExecutive].ID) {
				t.Errorf("change by %v", c["user_id"])
			}
		}
		for field, oldNew := range map[string][2]any{
			"deadline": {testDeadline, "2026-12-31"},
			"kpi.conversions:document_download.target": {"30", "45"},
			"kpi.engagement_rate":                      {"target 0.05", ""},
			"kpi.impressions":                          {"target 30000", ""},
			"created":                                  {"", "資料請求を増やす"},
		} {
			if got[field] != oldNew {
				t.Errorf("change %s = %v, want %v", field, got[field], oldNew)
			}
		}

		// A value imported from a network wins over the hand entry of the
		// same day and cannot be deleted here.
		imported := &soroe.KPIEntry{KPIID: int64(dl["id"].(float64)), Day: "2026-11-20", Source: "x", Value: 7, CreatedBy: f.Users[soroe.RoleOwner].ID}
		if err := e.db.SetKPIEntry(context.Background(), f.A.ID, imported); err != nil {
			t.Fatal(err)
		}
		p := progressOf(t, e.api(t, "GET", "/api/v1/goals/"+id+"/progress", staff, nil).json(t)["kpis"], "conversions:document_download")
		if num(t, p, "actual") != 7 {
			t.Errorf("with an import of the same day: actual %v, want 7 (not 13)", p["actual"])
		}
		r = e.api(t, "DELETE", fmt.Sprintf("/api/v1/goals/%s/entries/%d", id, imported.ID), owner, nil)
		r.problem(t, http.StatusConflict, "conflict")
		d.checkResponse(t, "DELETE /api/v1/goals/{goal}/entries/{entry}", r)

		r = e.api(t, "DELETE", "/api/v1/goals/"+id+"/entries/"+entryID, owner, nil)
		want(t, r, http.StatusNoContent)
		d.checkResponse(t, "DELETE /api/v1/goals/{goal}/entries/{entry}", r)
		r = e.api(t, "DELETE", "/api/v1/goals/"+id+"/entries/"+entryID, owner, nil)
		r.problem(t, http.StatusNotFound, "not_found")

		r = e.api(t, "DELETE", "/api/v1/goals/"+id, staff, nil)
		r.problem(t, http.StatusForbidden, "forbidden")
		d.checkResponse(t, "DELETE /api/v1/goals/{goal}", r)
		r = e.api(t, "DELETE", "/api/v1/goals/"+id, exec, nil)
		want(t, r, http.StatusNoContent)
		d.checkResponse(t, "DELETE /api/v1/goals/{goal}", r)
		e.api(t, "GET", "/api/v1/goals/"+id, staff, nil).problem(t, http.StatusNotFound, "not_found")
	})
}

// ---- UI ----

var (
	kpiIDInput = regexp.MustCompile(`name="kpi_id_(\d)" value="(\d+)"`)
	goalPath   = regexp.MustCompile(`^/goals/(\d+)$`)
)

func TestGoalUI(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		ctx := context.Background()
		owner := e.user(t, "山田 花子", "hanako@example.jp")
		o := e.org(t, "株式会社そろえ", owner)
		exec := e.user(t, "佐藤 社長", "ceo@example.jp")
		e.join(t, o, exec, soroe.RoleExecutive)
		mgr := e.user(t, "鈴木 広報", "pr@example.jp")
		e.join(t, o, mgr, soroe.RoleManager)
		staff := e.user(t, "田中 現場", "staff@example.jp")
		e.join(t, o, staff, soroe.RoleStaff)

		// No goals: executives are invited to create the first one, staff
		// see no card on the home page.
		c := e.loggedIn(t, exec)
		r := c.get(t, "/goals")
		want(t, r, http.StatusOK)
		for _, s := range []string{"まだ目標がありません", `href="/goals/new"`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("empty /goals lacks %q", s)
			}
		}
		if r := c.get(t, "/"); !strings.Contains(r.Body, "目標の進捗") || !strings.Contains(r.Body, "最初の目標を作る") {
			t.Error("the executive's home has no goal card inviting a first goal")
		}
		sc := e.loggedIn(t, staff)
		if r := sc.get(t, "/"); strings.Contains(r.Body, "目標の進捗") {
			t.Error("staff see an empty goal card")
		}
		if r := sc.get(t, "/goals"); strings.Contains(r.Body, `href="/goals/new"`) || !strings.Contains(r.Body, "経営層またはオーナー") {
			t.Error("staff are offered to create a goal")
		}

		r = c.get(t, "/goals/new?purpose=recruiting")
		want(t, r, http.StatusOK)
		for _, s := range []string{`name="kpi_metric_5"`, `<option value="recruiting" selected>`, `value="2026-11-23"`, `id="goal-events"`, `<option value="document_download">`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the new goal form lacks %s", s)
			}
		}

		// Bad input: every field with an error says so, and nothing typed
		// is lost.
		form := url.Values{
			"title": {""}, "purpose": {"recruiting"}, "strategy": {"採用広報の強化"}, "owner_id": {fmt.Sprint(exec.ID)},
			"start_on": {testStart}, "deadline": {testDeadline},
			"kpi_metric_0": {"conversions"}, "kpi_event_0": {"Application"}, "kpi_target_0": {"たくさん"},
			"kpi_metric_1": {"engagement_rate"}, "kpi_target_1": {"3.5"}, "kpi_baseline_1": {"２"},
		}
		for i := 2; i < 6; i++ {
			form.Set(fmt.Sprintf("kpi_metric_%d", i), "")
		}
		r = c.post(t, "/goals", form)
		want(t, r, http.StatusUnprocessableEntity)
		for _, s := range []string{"数値で入力してください", "採用広報の強化", `value="たくさん"`, `value="Application"`, `value="3.5"`, "入力内容を確認してください"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the form with errors lacks %q", s)
			}
		}
		// All the mistakes at once, not one per round trip.
		form.Set("purpose", "")
		r = c.post(t, "/goals", form)
		want(t, r, http.StatusUnprocessableEntity)
		for _, s := range []string{"目的を選んでください", "数値で入力してください", "入力してください。"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the form with three errors lacks %q", s)
			}
		}
		form.Set("purpose", "recruiting")
		form.Set("kpi_target_0", "40")
		r = c.post(t, "/goals", form)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "入力してください") {
			t.Error("an empty title is not reported")
		}
		form.Set("title", "2027年卒エンジニアの応募を増やす")
		form.Set("deadline", "2026-11-01")
		r = c.post(t, "/goals", form)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "期限は開始日より後にしてください") {
			t.Error("a deadline before the start is not reported")
		}
		form.Set("deadline", testDeadline)
		r = c.post(t, "/goals", form)
		wantRedirect(t, r, "/goals/")
		m := goalPath.FindStringSubmatch(r.Header.Get("Location"))
		if m == nil {
			t.Fatalf("created → %q", r.Header.Get("Location"))
		}
		gid := m[1]
		g, err := db.Goal(ctx, o.ID, mustInt(t, gid))
		if err != nil {
			t.Fatal(err)
		}
		// 3.5 % is stored as 0.035, the full-width ２ as 0.02.
		if len(g.KPIs) != 2 || !g.KPIs[0].Primary || g.KPIs[0].Event != "application" || g.KPIs[0].Target != 40 ||
			!near(g.KPIs[1].Target, 0.035) || g.KPIs[1].Baseline == nil || !near(*g.KPIs[1].Baseline, 0.02) || g.OwnerID != exec.ID {
			t.Fatalf("stored goal %+v, KPIs %+v %+v", g, g.KPIs[0], g.KPIs[1])
		}

		r = c.get(t, "/goals/"+gid)
		want(t, r, http.StatusOK)
		for _, s := range []string{"2027年卒エンジニアの応募を増やす", "目標を作成しました", "コンバージョン: 応募", "エンゲージメント率",
			"ペース＝実績÷今日までの期待値。90%以上で順調、70%以上で注意、それ未満は遅れ", "データなし", `class="kpi-chart"`,
			`action="/goals/entries"`, "残り20日", "2026年11月14日〜2026年12月13日"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the goal page lacks %q", s)
			}
		}

		// Enter values by hand: 資料 3件 on the 20th, then the 20th again.
		rec := func(cl *client, v url.Values) *resp {
			t.Helper()
			v.Set("goal", gid)
			return cl.post(t, "/goals/entries", v)
		}
		kpi0, kpi1 := fmt.Sprint(g.KPIs[0].ID), fmt.Sprint(g.KPIs[1].ID)
		wantRedirect(t, rec(c, url.Values{"kpi": {kpi0}, "day": {"2026-11-20"}, "value": {"3"}, "note": {"説明会から"}}), "/goals/"+gid)
		if r := c.get(t, "/goals/"+gid); !strings.Contains(r.Body, "実績を記録しました。") || !strings.Contains(r.Body, "説明会から") {
			t.Error("no flash or note after recording")
		}
		wantRedirect(t, rec(c, url.Values{"kpi": {kpi0}, "day": {"2026-11-20"}, "value": {"５"}}), "/goals/"+gid)
		r = c.get(t, "/goals/"+gid)
		if !strings.Contains(r.Body, "同じ日の値を置き換えました") {
			t.Error("no flash saying the day's value was replaced")
		}
		es, _ := db.KPIEntries(ctx, o.ID, g.ID)
		if len(es) != 1 || es[0].Value != 5 || es[0].CreatedBy != exec.ID {
			t.Fatalf("entries %+v", es)
		}
		// A ratio takes engagements and impressions.
		wantRedirect(t, rec(c, url.Values{"kpi": {kpi1}, "day": {"2026-11-21"}, "value": {"30"}, "impressions": {"1,000"}}), "/goals/"+gid)
		// Bad values re-render the page with the error and what was typed.
		r = rec(c, url.Values{"kpi": {kpi1}, "day": {"2026-11-21"}, "value": {"30"}, "impressions": {""}, "note": {"メモは残る"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "入力してください") || !strings.Contains(r.Body, `value="メモは残る"`) {
			t.Error("missing impressions: no error, or the note is lost")
		}
		r = rec(c, url.Values{"kpi": {kpi0}, "day": {"2026-11-30"}, "value": {"1"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "未来の日付には入力できません") || !strings.Contains(r.Body, `value="2026-11-30"`) {
			t.Error("a future day is not reported")
		}
		r = rec(c, url.Values{"kpi": {kpi0}, "day": {"2026-11-21"}, "value": {"x"}})
		want(t, r, http.StatusUnprocessableEntity)
		// Staff may not record; managers may.
		want(t, rec(sc, url.Values{"kpi": {kpi0}, "day": {"2026-11-21"}, "value": {"1"}}), http.StatusForbidden)
		mc := e.loggedIn(t, mgr)
		wantRedirect(t, rec(mc, url.Values{"kpi": {kpi0}, "day": {"2026-11-22"}, "value": {"2"}}), "/goals/"+gid)

		// 5 + 2 = 7 of an expected 40 × 10/30 ≈ 13.3: pace 53 %, behind.
		r = sc.get(t, "/goals/"+gid)
		want(t, r, http.StatusOK)
		for _, s := range []string{"遅れ", "53%", "13.3", "30 / 1,000（3%）"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the goal page (staff) lacks %q", s)
			}
		}
		for _, s := range []string{`action="/goals/entries"`, `/edit"`, "/entries/"} {
			if strings.Contains(r.Body, s) {
				t.Errorf("staff are offered %q", s)
			}
		}
		if r := sc.get(t, "/"); !strings.Contains(r.Body, "目標の進捗") || !strings.Contains(r.Body, "2027年卒エンジニアの応募を増やす") {
			t.Error("the staff home has no goal progress")
		}
		if r := sc.get(t, "/goals"); !strings.Contains(r.Body, "2027年卒エンジニアの応募を増やす") || !strings.Contains(r.Body, "遅れ") {
			t.Error("/goals lacks the goal or its status")
		}

		// Edit: the form carries the KPI ids; a new target and deadline
		// keep the values and go to the audit trail.
		r = c.get(t, "/goals/"+gid+"/edit")
		want(t, r, http.StatusOK)
		ids := kpiIDInput.FindAllStringSubmatch(r.Body, -1)
		if len(ids) != 2 || ids[0][2] != kpi0 || ids[1][2] != kpi1 || !strings.Contains(r.Body, `name="kpi_target_1" value="3.5"`) {
			t.Fatalf("edit form KPI ids %v", ids)
		}
		edit := url.Values{
			"title": {"2027年卒エンジニアの応募を増やす"}, "purpose": {"recruiting"}, "strategy": {"採用広報の強化"}, "owner_id": {fmt.Sprint(owner.ID)},
			"start_on": {testStart}, "deadline": {"2026-12-31"},
			"kpi_id_0": {kpi0}, "kpi_metric_0": {"conversions"}, "kpi_event_0": {"application"}, "kpi_target_0": {"60"},
			"kpi_id_1": {kpi1}, "kpi_metric_1": {"engagement_rate"}, "kpi_target_1": {"4"}, "kpi_baseline_1": {"2"},
			"kpi_metric_2": {"link_clicks"}, "kpi_target_2": {"500"},
		}
		wantRedirect(t, c.post(t, "/goals/"+gid, edit), "/goals/"+gid)
		g, _ = db.Goal(ctx, o.ID, g.ID)
		if len(g.KPIs) != 3 || g.KPIs[0].ID != mustInt(t, kpi0) || g.KPIs[0].Target != 60 || g.Deadline != "2026-12-31" || !near(g.KPIs[1].Target, 0.04) {
			t.Fatalf("after edit: %+v %+v", g, g.KPIs[0])
		}
		if es, _ := db.KPIEntries(ctx, o.ID, g.ID); len(es) != 3 {
			t.Errorf("the edit lost values: %d left", len(es))
		}
		r = c.get(t, "/goals/"+gid)
		for _, s := range []string{"変更履歴", "期限", "2026年12月13日", "2026年12月31日", "コンバージョン: 応募の目標値", "40", "60",
			"エンゲージメント率の目標値", "3.5%", "4%", "KPI を追加: リンククリック数", "担当", "佐藤 社長", "山田 花子"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the audit trail lacks %q", s)
			}
		}
		// An edit with errors keeps what was typed.
		edit.Set("kpi_target_2", "-5")
		r = c.post(t, "/goals/"+gid, edit)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "0以上の値を入力してください") || !strings.Contains(r.Body, `value="-5"`) {
			t.Error("a negative target is not reported in place")
		}
		// Managers and staff cannot edit.
		want(t, mc.post(t, "/goals/"+gid, edit), http.StatusForbidden)
		want(t, sc.get(t, "/goals/"+gid+"/edit"), http.StatusForbidden)

		// Delete a value, then the goal.
		es, _ = db.KPIEntries(ctx, o.ID, g.ID)
		wantRedirect(t, c.post(t, fmt.Sprintf("/goals/%s/entries/%d/delete", gid, es[0].ID), nil), "/goals/"+gid)
		if after, _ := db.KPIEntries(ctx, o.ID, g.ID); len(after) != 2 {
			t.Errorf("%d values after deleting one", len(after))
		}
		r = c.get(t, "/goals/"+gid+"/delete")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "入力済みの値 2件") || !strings.Contains(r.Body, "KPI 3件") {
			t.Error("the delete page does not say what goes with the goal")
		}
		// Without the CSRF token nothing happens.
		want(t, c.postRaw(t, "/goals/"+gid+"/delete", url.Values{}), http.StatusForbidden)
		wantRedirect(t, c.post(t, "/goals/"+gid+"/delete", nil), "/goals")
		if _, err := db.Goal(ctx, o.ID, g.ID); err == nil {
			t.Error("the goal is still there")
		}
		want(t, c.get(t, "/goals/"+gid), http.StatusNotFound)
	})
}

// TestGoalUIEnglish: the goal pages are complete in English.
func TestGoalUIEnglish(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		u := f.Users[soroe.RoleOwner]
		u.Lang = "en"
		if err := e.db.UpdateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		c := e.loggedIn(t, u)
		r := c.get(t, "/goals/"+f.Wild["goal"])
		want(t, r, http.StatusOK)
		for _, s := range []string{"Conversions: document download", "Pace = actual ÷ what is expected by today. 90% or more is on track",
			"Enter a value by hand", "Change history", "Goal created", "19 days left"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the English goal page lacks %q", s)
			}
		}
		r = c.get(t, "/goals/"+f.Wild["goal"]+"/edit")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "Secondary KPI 1") || !strings.Contains(r.Body, "Enter engagement rates as percentages") {
			t.Error("the English form is incomplete")
		}
		if r := c.get(t, "/"); !strings.Contains(r.Body, "Goal progress") {
			t.Error("no goal card on the English home page")
		}
	})
}
