package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/library"
	"github.com/soroe/soroe/store"
)

// setupStep reads where an organization is in the setup.
func setupStep(t testing.TB, e *env, orgID int64) string {
	t.Helper()
	s, err := e.db.SetupStep(context.Background(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hasSetupCard reports whether a home page shows the setup card.
func hasSetupCard(body string) bool { return strings.Contains(body, `class="card setup-card"`) }

// freshOwner makes a new organization (Japanese, Tokyo) with its owner
// logged in; the fixture's org A has other areas' goals already.
func freshOwner(t *testing.T, e *env) (*soroe.User, *soroe.Org, *client) {
	t.Helper()
	n := seq.Add(1)
	u := e.user(t, fmt.Sprintf("新しいオーナー %d", n), fmt.Sprintf("fresh-%d@example.jp", n))
	o := e.org(t, fmt.Sprintf("新しい会社 %d", n), u)
	return u, o, e.loggedIn(t, u)
}

var starterRE = regexp.MustCompile(`name="starter" value="([^"]+)"( checked)?`)

// TestSetupWizard walks the three steps through the forms as the owner of
// a fresh organization, in Japanese: goals with the chosen KPIs, starter 型
// from the library, invitation links, and the home card throughout.
func TestSetupWizard(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		owner, a, c := freshOwner(t, e)

		// A fresh organization: the owner's home shows the card, at step 1.
		home := c.get(t, "/")
		want(t, home, http.StatusOK)
		if !hasSetupCard(home.Body) || !strings.Contains(home.Body, "はじめの3ステップ") || !strings.Contains(home.Body, `href="/setup/goals"`) {
			t.Fatalf("no setup card leading to step 1 on a fresh org's home: %s", home)
		}
		wantRedirect(t, c.get(t, "/setup/resume"), "/setup/goals")

		// Step 1: the form offers every purpose, prefilled from the library.
		r := c.get(t, "/setup/goals")
		want(t, r, http.StatusOK)
		for _, p := range soroe.Purposes {
			if !strings.Contains(r.Body, `name="purpose" value="`+string(p)+`"`) {
				t.Errorf("step 1 lacks purpose %s", p)
			}
		}
		for _, s := range []string{"採用の応募を増やす", `name="recruiting.target" value="30"`, `name="lead_generation.target" value="120"`,
			`name="recruiting.deadline" value="2027-02-23"`, `name="awareness.kpi1_target" value="3"`, `class="setup-progress"`, `aria-current="step"`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("step 1 lacks %q", s)
			}
		}
		// Nothing chosen: an error, nothing made, still at step 1.
		want(t, c.post(t, "/setup/goals", url.Values{}), http.StatusUnprocessableEntity)
		// A bad target and a deadline before today: errors on those fields,
		// and no goal is made (not even the valid one).
		bad := url.Values{
			"purpose":                  {"recruiting", "lead_generation"},
			"recruiting.title":         {"2027年新卒の応募を30件に"},
			"recruiting.metric":        {"conversions"},
			"recruiting.event":         {"application"},
			"recruiting.target":        {"たくさん"},
			"recruiting.deadline":      {"2027-03-31"},
			"lead_generation.title":    {"資料DLを増やす"},
			"lead_generation.metric":   {"conversions"},
			"lead_generation.event":    {"document_download"},
			"lead_generation.target":   {"120"},
			"lead_generation.deadline": {"2026-01-01"},
		}
		r = c.post(t, "/setup/goals", bad)
		want(t, r, http.StatusUnprocessableEntity)
		if strings.Count(r.Body, `class="field-error"`) != 2 || !strings.Contains(r.Body, "目標値が正しくありません") || !strings.Contains(r.Body, "期限は開始日より後に") {
			t.Errorf("step 1 errors: %s", r.Body[strings.Index(r.Body, "<main"):])
		}
		if !strings.Contains(r.Body, `value="2027年新卒の応募を30件に"`) || !strings.Contains(r.Body, `value="recruiting" checked`) {
			t.Error("step 1 lost what was typed")
		}
		if gs, _ := e.db.Goals(ctx, a.ID); len(gs) != 0 {
			t.Fatalf("a refused step 1 made %d goals", len(gs))
		}
		if s := setupStep(t, e, a.ID); s != "" {
			t.Errorf("step after refusals: %q", s)
		}

		// Recruiting with its own target, and lead generation without its
		// secondary KPI; full-width digits are fine.
		good := url.Values{
			"purpose":                  {"recruiting", "lead_generation"},
			"recruiting.title":         {"2027年新卒の応募を30件に"},
			"recruiting.metric":        {"conversions"},
			"recruiting.event":         {"application"},
			"recruiting.target":        {"３０"},
			"recruiting.kpi1":          {"1"},
			"recruiting.kpi1_target":   {"1,200"},
			"recruiting.deadline":      {"2027-03-31"},
			"recruiting.strategy":      {"社員の一日を発信して応募前の不安を減らす。"},
			"lead_generation.title":    {"施工事例集のダウンロードを月40件に"},
			"lead_generation.metric":   {"conversions"},
			"lead_generation.event":    {"document_download"},
			"lead_generation.target":   {"120"},
			"lead_generation.deadline": {"2027-02-23"},
			"lead_generation.strategy": {"事例を発信して資料請求につなげる。"},
			// Not chosen: ignored.
			"awareness.title": {"認知"},
		}
		wantRedirect(t, c.post(t, "/setup/goals", good), "/setup/templates")
		if s := setupStep(t, e, a.ID); s != store.SetupTemplates {
			t.Errorf("step after step 1: %q", s)
		}
		goals, err := e.db.Goals(ctx, a.ID)
		if err != nil || len(goals) != 2 {
			t.Fatalf("goals: %d %v", len(goals), err)
		}
		byPurpose := map[soroe.Purpose]*soroe.Goal{}
		for _, g := range goals {
			byPurpose[g.Purpose] = g
			if g.OwnerID != owner.ID || g.StartOn != "2026-11-23" {
				t.Errorf("goal %q: owner %d start %s", g.Title, g.OwnerID, g.StartOn)
			}
		}
		rec, lead := byPurpose[soroe.PurposeRecruiting], byPurpose[soroe.PurposeLeadGeneration]
		if rec == nil || lead == nil {
			t.Fatalf("goals by purpose: %v", byPurpose)
		}
		if rec.Title != "2027年新卒の応募を30件に" || rec.Deadline != "2027-03-31" || rec.Strategy == "" || len(rec.KPIs) != 2 ||
			rec.KPIs[0].Label() != "conversions:application" || !rec.KPIs[0].Primary || rec.KPIs[0].Target != 30 ||
			rec.KPIs[1].Label() != "link_clicks" || rec.KPIs[1].Target != 1200 {
			t.Errorf("recruiting goal: %+v %+v", rec, rec.KPIs)
		}
		if len(lead.KPIs) != 1 || lead.KPIs[0].Label() != "conversions:document_download" || lead.KPIs[0].Target != 120 {
			t.Errorf("lead generation goal: %+v", lead.KPIs)
		}

		// The card now says step 1 is done and continues at step 2.
		home = c.get(t, "/")
		if !hasSetupCard(home.Body) || !strings.Contains(home.Body, `href="/setup/templates"`) || !strings.Contains(home.Body, "続きから再開する") {
			t.Errorf("home card after step 1: %s", home)
		}
		wantRedirect(t, c.get(t, "/setup/resume"), "/setup/templates")

		// Step 2: each goal's starter 型, checked. Untick one.
		r = c.get(t, "/setup/templates")
		want(t, r, http.StatusOK)
		var offered, checked []string
		for _, m := range starterRE.FindAllStringSubmatch(r.Body, -1) {
			offered = append(offered, m[1])
			if m[2] != "" {
				checked = append(checked, m[1])
			}
		}
		nRec := len(library.Starters(soroe.PurposeRecruiting, soroe.LangJA))
		nLead := len(library.Starters(soroe.PurposeLeadGeneration, soroe.LangJA))
		if len(offered) != nRec+nLead || len(checked) != len(offered) {
			t.Fatalf("step 2 offers %v, checked %v", offered, checked)
		}
		for _, s := range []string{"社員の一日", "事例紹介", "週1回", `<mark class="setup-slot">社員名</mark>`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("step 2 lacks %q", s)
			}
		}
		keep := slices.DeleteFunc(slices.Clone(offered), func(v string) bool { return strings.HasSuffix(v, "/job_opening") })
		// A value naming another organization's goal or an unknown key is
		// ignored.
		form := url.Values{"starter": append(slices.Clone(keep), "999999/day_in_life", "1/nonsense")}
		wantRedirect(t, c.post(t, "/setup/templates", form), "/setup/team")
		if s := setupStep(t, e, a.ID); s != store.SetupTeam {
			t.Errorf("step after step 2: %q", s)
		}
		tpls, err := e.db.Templates(ctx, a.ID, 0)
		if err != nil || len(tpls) != len(keep) {
			t.Fatalf("templates: %d (want %d) %v", len(tpls), len(keep), err)
		}
		for _, tp := range tpls {
			if tp.Source != "library" || tp.CreatedBy != owner.ID || tp.Version != 1 || tp.Drafters.Role != soroe.RoleStaff || tp.Approvers.Role != soroe.RoleManager {
				t.Errorf("template %q: source %q by %d v%d drafters %+v approvers %+v", tp.Name, tp.Source, tp.CreatedBy, tp.Version, tp.Drafters, tp.Approvers)
			}
			if tp.Name == "募集のお知らせ" {
				t.Error("an unticked starter was created")
			}
		}
		if byGoal, _ := e.db.Templates(ctx, a.ID, rec.ID); len(byGoal) != nRec-1 {
			t.Errorf("recruiting 型: %d", len(byGoal))
		}
		// Back at step 2, every goal has 型: nothing more is offered.
		r = c.get(t, "/setup/templates")
		if starterRE.MatchString(r.Body) || !strings.Contains(r.Body, "すでに型があります") {
			t.Errorf("step 2 after adding: %s", r)
		}

		// Step 3: an email without a role is an error; nothing is made.
		before, _ := e.db.Invitations(ctx, a.ID)
		want(t, c.get(t, "/setup/team"), http.StatusOK)
		r = c.post(t, "/setup/team", url.Values{"email1": {"pr@example.jp"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "役割を選んでください") {
			t.Errorf("step 3 error: %s", r)
		}
		want(t, c.post(t, "/setup/team", url.Values{}), http.StatusUnprocessableEntity)
		r = c.post(t, "/setup/team", url.Values{
			"role1": {"manager"}, "email1": {"PR@Example.jp"},
			"role2": {"staff"},
		})
		want(t, r, http.StatusCreated)
		links := regexp.MustCompile(`value="(http://[^"]+/invite/[^"]+)"`).FindAllStringSubmatch(r.Body, -1)
		if len(links) != 2 || strings.Count(r.Body, `data-copy="#invite-link-`) != 2 {
			t.Fatalf("step 3 shows %d links: %s", len(links), r)
		}
		after, _ := e.db.Invitations(ctx, a.ID)
		if len(after) != len(before)+2 {
			t.Fatalf("invitations: %d → %d", len(before), len(after))
		}
		inv, err := e.db.InvitationBySecret(ctx, links[0][1][strings.LastIndex(links[0][1], "/")+1:])
		if err != nil || inv.Role != soroe.RoleManager || inv.Email != "pr@example.jp" || inv.OrgID != a.ID || inv.CreatedBy != owner.ID {
			t.Errorf("first invitation: %+v %v", inv, err)
		}
		// The links are shown once: the page again has none.
		if r := c.get(t, "/setup/team"); strings.Contains(r.Body, links[0][1]) {
			t.Error("an invitation link was shown twice")
		}
		if s := setupStep(t, e, a.ID); s != store.SetupTeam {
			t.Errorf("step during step 3: %q", s)
		}
		wantRedirect(t, c.get(t, "/setup/resume"), "/setup/team")

		// Finish: done, home without the card.
		wantRedirect(t, c.post(t, "/setup/finish", nil), "/")
		if s := setupStep(t, e, a.ID); s != store.SetupDone {
			t.Errorf("step after finishing: %q", s)
		}
		home = c.get(t, "/")
		if hasSetupCard(home.Body) || strings.Contains(home.Body, "setup-reminder") || !strings.Contains(home.Body, "はじめの3ステップが完了しました") {
			t.Errorf("home after finishing: %s", home)
		}
		// Going back to a step page does not undo "done".
		wantRedirect(t, c.post(t, "/setup/goals", url.Values{}), "/setup/templates")
		if s := setupStep(t, e, a.ID); s != store.SetupDone {
			t.Errorf("step after revisiting: %q", s)
		}
	})
}

// TestSetupSkipResume: "later" hides the card (a small reminder stays
// while there is no goal); resuming continues where the data says.
func TestSetupSkipResume(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		_, a, c := freshOwner(t, e)
		c.get(t, "/")
		wantRedirect(t, c.post(t, "/setup/skip", nil), "/")
		if s := setupStep(t, e, a.ID); s != store.SetupSkipped {
			t.Fatalf("step after skip: %q", s)
		}
		home := c.get(t, "/")
		if hasSetupCard(home.Body) || !strings.Contains(home.Body, "setup-reminder") || !strings.Contains(home.Body, `href="/setup/resume"`) {
			t.Errorf("home after skip: %s", home)
		}
		wantRedirect(t, c.get(t, "/setup/resume"), "/setup/goals")
		// Resuming: step 1 moves the wizard on again.
		wantRedirect(t, c.post(t, "/setup/goals", url.Values{
			"purpose": {"awareness"}, "awareness.title": {"地域での認知を広げる"}, "awareness.metric": {"impressions"},
			"awareness.target": {"300000"}, "awareness.kpi1": {"1"}, "awareness.kpi1_target": {"3.5"}, "awareness.deadline": {"2027-05-31"},
		}), "/setup/templates")
		if s := setupStep(t, e, a.ID); s != store.SetupTemplates {
			t.Errorf("step after resuming: %q", s)
		}
		gs, _ := e.db.Goals(context.Background(), a.ID)
		if len(gs) != 1 || len(gs[0].KPIs) != 2 || gs[0].KPIs[1].Label() != "engagement_rate" || gs[0].KPIs[1].Target != 0.035 {
			t.Fatalf("goal with a ratio KPI entered in percent: %+v", gs)
		}
		// Skipped again with a goal: no reminder; resume goes to the 型.
		wantRedirect(t, c.post(t, "/setup/skip", nil), "/")
		if home := c.get(t, "/"); hasSetupCard(home.Body) || strings.Contains(home.Body, "setup-reminder") {
			t.Error("home shows the setup after skipping with a goal")
		}
		wantRedirect(t, c.get(t, "/setup/resume"), "/setup/templates")
	})
}

// TestSetupRoles: only the owner walks the setup; the others get 403 and
// never see the card.
func TestSetupRoles(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		invBefore, _ := e.db.Invitations(context.Background(), f.A.ID)
		for _, role := range []soroe.Role{soroe.RoleExecutive, soroe.RoleManager, soroe.RoleStaff} {
			c := e.loggedIn(t, f.Users[role])
			home := c.get(t, "/")
			want(t, home, http.StatusOK)
			if hasSetupCard(home.Body) || strings.Contains(home.Body, "/setup/") {
				t.Errorf("%s sees the setup on the home page", role)
			}
			for _, path := range []string{"/setup/resume", "/setup/goals", "/setup/templates", "/setup/team"} {
				if r := c.get(t, path); r.Status != http.StatusForbidden {
					t.Errorf("%s GET %s: %s", role, path, r)
				}
			}
			for _, path := range []string{"/setup/goals", "/setup/templates", "/setup/team", "/setup/finish", "/setup/skip"} {
				if r := c.post(t, path, url.Values{"purpose": {"recruiting"}, "role1": {"staff"}}); r.Status != http.StatusForbidden {
					t.Errorf("%s POST %s: %s", role, path, r)
				}
			}
		}
		if s := setupStep(t, e, f.A.ID); s != "" {
			t.Errorf("others changed the step to %q", s)
		}
		if inv, _ := e.db.Invitations(context.Background(), f.A.ID); len(inv) != len(invBefore) {
			t.Errorf("others made invitations: %d", len(inv))
		}
	})
}

// TestSetupEnglish: the wizard speaks English, and offers the English
// library to an English organization.
func TestSetupEnglish(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u := e.user(t, "Eve Owner", "eve@example.com")
		u.Lang = soroe.LangEN
		if err := e.db.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		o := &soroe.Org{Name: "Eve Co", Lang: soroe.LangEN, TimeZone: "America/New_York"}
		if err := e.db.CreateOrg(ctx, o, u.ID); err != nil {
			t.Fatal(err)
		}
		c := e.loggedIn(t, u)
		if home := c.get(t, "/"); !strings.Contains(home.Body, "First three steps") {
			t.Errorf("English home card: %s", home)
		}
		r := c.get(t, "/setup/goals")
		// 2026-11-22 in New York at the test clock's 00:30 UTC.
		for _, s := range []string{"Set purposes and KPIs", "Get more job applications", `name="sales.deadline" value="2027-02-22"`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("English step 1 lacks %q", s)
			}
		}
		wantRedirect(t, c.post(t, "/setup/goals", url.Values{
			"purpose": {"sales"}, "sales.title": {"Grow sales"}, "sales.metric": {"conversions"}, "sales.event": {"purchase"},
			"sales.target": {"90"}, "sales.deadline": {"2027-02-22"},
		}), "/setup/templates")
		r = c.get(t, "/setup/templates")
		for _, s := range []string{"Why you&#39;ll love it", "1 per week", "Thu"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("English step 2 lacks %q", s)
			}
		}
		if strings.Contains(r.Body, "商品のここがいい") {
			t.Error("an English organization is offered Japanese 型")
		}
		if r := c.get(t, "/setup/team"); !strings.Contains(r.Body, "Invite your team") || !strings.Contains(r.Body, "Go to the dashboard") {
			t.Errorf("English step 3: %s", r)
		}
	})
}

func TestSetupSplitStructure(t *testing.T) {
	for in, want := range map[string]string{
		"{社員名}さんの一日：{時間帯}は{仕事内容}。": "[社員名]さんの一日：[時間帯]は[仕事内容]。",
		"no slots":          "no slots",
		"a {b} c {unclosed": "a [b] c {unclosed",
		"{x\ny} {z}":        "{x\ny} {z}",
		"":                  "",
	} {
		var b strings.Builder
		for _, p := range setupSplitStructure(in) {
			if p.Slot {
				b.WriteString("[" + p.Text + "]")
			} else {
				b.WriteString(p.Text)
			}
		}
		if b.String() != want {
			t.Errorf("%q → %q, want %q", in, b.String(), want)
		}
	}
	for in, want := range map[string]float64{"30": 30, "３０": 30, "1,200": 1200, "3.5%": 3.5, "40件": 40, " 12 ": 12} {
		if got, ok := setupParseNumber(in); !ok || got != want {
			t.Errorf("setupParseNumber(%q) = %v %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "たくさん", "1e", "%", "NaN", "Inf", "-Inf"} {
		if _, ok := setupParseNumber(in); ok {
			t.Errorf("setupParseNumber(%q) accepted", in)
		}
	}
}

// TestAPILibrary: every member reads the library, in the organization's
// language or the one asked for, as the OpenAPI document describes it; a
// starter copied into POST /api/v1/templates makes a 型.
func TestAPILibrary(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		const route = "GET /api/v1/library"
		r := e.api(t, "GET", "/api/v1/library", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, route, r)
		var all struct {
			Lang     string
			Months   int
			Purposes []struct {
				Purpose  soroe.Purpose
				Goal     struct{ Title, Strategy string }
				KPIs     []soroe.KPI
				Starters []struct {
					Key      string
					Template soroe.TemplateBody
				}
			}
		}
		if err := json.Unmarshal([]byte(r.Body), &all); err != nil {
			t.Fatal(err)
		}
		if all.Lang != soroe.LangJA || all.Months != library.Months || len(all.Purposes) != len(soroe.Purposes) {
			t.Fatalf("library: lang %s months %d purposes %d", all.Lang, all.Months, len(all.Purposes))
		}
		for i, p := range all.Purposes {
			if p.Purpose != soroe.Purposes[i] || len(p.Starters) < 3 || len(p.KPIs) == 0 || !p.KPIs[0].Primary || p.Goal.Title == "" {
				t.Errorf("%s: %+v", p.Purpose, p)
			}
			for _, st := range p.Starters {
				if st.Template.Drafters.Role != soroe.RoleStaff || st.Template.Approvers.Role != soroe.RoleManager || st.Key == "" {
					t.Errorf("%s/%s: %+v", p.Purpose, st.Key, st.Template)
				}
			}
		}

		r = e.api(t, "GET", "/api/v1/library?purpose=lead_generation&lang=en", owner, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, route, r)
		if !strings.Contains(r.Body, `"Customer story"`) || strings.Contains(r.Body, "事例紹介") || strings.Contains(r.Body, `"recruiting"`) {
			t.Errorf("one purpose in English: %s", r)
		}
		for _, q := range []string{"purpose=fame", "lang=fr"} {
			r := e.api(t, "GET", "/api/v1/library?"+q, staff, nil)
			r.problem(t, http.StatusUnprocessableEntity, "invalid")
			d.checkResponse(t, route, r)
		}
		r = e.api(t, "GET", "/api/v1/library", "", nil)
		r.problem(t, http.StatusUnauthorized, "unauthorized")
		d.checkResponse(t, route, r)

		// A starter as a 型 of a goal, through the templates API.
		g := &soroe.Goal{OrgID: f.A.ID, Title: "Library goal", Purpose: soroe.PurposeLeadGeneration, OwnerID: f.Users[soroe.RoleOwner].ID,
			StartOn: "2026-11-23", Deadline: "2027-02-23", KPIs: library.SuggestedKPIs(soroe.PurposeLeadGeneration)}
		if err := e.db.CreateGoal(context.Background(), g, g.OwnerID); err != nil {
			t.Fatal(err)
		}
		var one map[string]any
		_ = json.Unmarshal([]byte(e.api(t, "GET", "/api/v1/library?purpose=lead_generation", owner, nil).Body), &one)
		tpl := one["purposes"].([]any)[0].(map[string]any)["starters"].([]any)[0].(map[string]any)["template"].(map[string]any)
		tpl["goal_id"] = g.ID
		r = e.api(t, "POST", "/api/v1/templates", owner, tpl)
		if r.Status != http.StatusCreated {
			t.Errorf("POST /api/v1/templates with a library starter: %s", r)
		}
	})
}
