package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
	"github.com/soroe/soroe/store"
)

// The role walk reuses {goal} and {template}; the API routes need bodies.
func init() {
	walkBodies["POST /api/v1/goals/{goal}/generate"] = `{"count":2,"seed":1}`
	walkBodies["POST /api/v1/templates/{template}/draft"] = `{"topic":"Walk"}`
}

// ---------------------------------------------------------------------------
// Helpers.

var (
	genBodyRE   = regexp.MustCompile(`name="body" value="([^"]*)"`)
	genSourceRE = regexp.MustCompile(`name="source" value="([^"]*)"`)
)

// genCards returns the bodies and sources the 型 generation page posts back.
func genCards(t testing.TB, r *resp) (bodies, sources []string) {
	t.Helper()
	for _, m := range genBodyRE.FindAllStringSubmatch(r.Body, -1) {
		bodies = append(bodies, html.UnescapeString(m[1]))
	}
	for _, m := range genSourceRE.FindAllStringSubmatch(r.Body, -1) {
		sources = append(sources, html.UnescapeString(m[1]))
	}
	if len(bodies) != len(sources) {
		t.Fatalf("%d bodies, %d sources", len(bodies), len(sources))
	}
	return bodies, sources
}

// templateCount is how many 型 org o has.
func templateCount(t testing.TB, e *env, o *soroe.Org) int {
	t.Helper()
	ts, err := e.db.Templates(context.Background(), o.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(ts)
}

// genTemplate creates a 型 of org o for goal g directly in the store.
func genTemplate(t testing.TB, e *env, o *soroe.Org, g *soroe.Goal, by *soroe.User, b soroe.TemplateBody) *soroe.Template {
	t.Helper()
	tpl := &soroe.Template{OrgID: o.ID, GoalID: g.ID, CreatedBy: by.ID, TemplateBody: b}
	if err := e.db.CreateTemplate(context.Background(), tpl); err != nil {
		t.Fatal(err)
	}
	return tpl
}

// newsTemplate is a 型 whose slots a draft fills from material.
var newsTemplate = soroe.TemplateBody{
	Name: "お知らせ", Structure: "【{テーマ}】\n{ポイント}\n{補足}", Networks: []soroe.Network{soroe.NetworkInstagram, soroe.NetworkX},
	Frequency: soroe.Frequency{Count: 1, Per: "week"}, Hashtags: []string{"#工務店"}, CTA: "詳しくはプロフィールのリンクから",
}

// addMaterial stores a material of org o and processes it as the server
// would.
func addMaterial(t testing.TB, e *env, o *soroe.Org, by *soroe.User, title, kind string, data []byte) *soroe.Material {
	t.Helper()
	ctx := context.Background()
	m := &soroe.Material{OrgID: o.ID, Title: title, Kind: kind, CreatedBy: by.ID}
	if err := e.db.CreateMaterial(ctx, m, data); err != nil {
		t.Fatal(err)
	}
	if err := material.Process(ctx, e.db, o.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	got, err := e.db.Material(ctx, o.ID, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != soroe.MaterialReady {
		t.Fatalf("material %q is %s (%s)", title, got.Status, got.Error)
	}
	return got
}

// squash removes all white space, to compare text whatever an extractor
// did with line breaks.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// draftJSON is the draft API's answer as a client reads it.
type draftJSON struct {
	Generator string              `json:"generator"`
	Model     string              `json:"model"`
	Notice    string              `json:"notice"`
	Seed      int64               `json:"seed"`
	Network   string              `json:"network"`
	Text      string              `json:"text"`
	Slots     map[string]string   `json:"slots"`
	Missing   []string            `json:"missing"`
	Trimmed   bool                `json:"trimmed"`
	Citations []generate.Citation `json:"citations"`
	Check     struct {
		Results []struct {
			Platform string `json:"platform"`
			Valid    bool   `json:"valid"`
		} `json:"results"`
		Valid bool `json:"valid"`
	} `json:"check"`
}

func decodeDraft(t testing.TB, r *resp) draftJSON {
	t.Helper()
	var d draftJSON
	if err := json.Unmarshal([]byte(r.Body), &d); err != nil {
		t.Fatalf("%v: %s", err, r)
	}
	return d
}

type templatesJSON struct {
	Generator string               `json:"generator"`
	Model     string               `json:"model"`
	Notice    string               `json:"notice"`
	Seed      int64                `json:"seed"`
	Templates []soroe.TemplateBody `json:"templates"`
}

// ---------------------------------------------------------------------------
// 型 generation in the UI.

func TestGenerateTemplatesUI(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		gid := f.Wild["goal"]
		manager := f.Users[soroe.RoleManager]
		c := e.loggedIn(t, manager)

		// The form alone: choices, the org's language, the builtin engine.
		r := c.get(t, "/goals/"+gid+"/generate")
		want(t, r, http.StatusOK)
		for _, s := range []string{"AIで型を提案", `name="network"`, `<option value="all" selected>`, `<option value="ja" selected>`,
			`<option value="8" selected>`, `<option value="6">`, `<option value="12">`, "内蔵ジェネレーター"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("form has no %q", s)
			}
		}
		if strings.Contains(r.Body, "この型を保存") {
			t.Error("the bare form shows generated 型")
		}
		if !regexp.MustCompile(`<input type="hidden" name="seed" value="\d+">`).MatchString(r.Body) {
			t.Error("the bare form has no seed")
		}

		// Submitted: N cards, the generator, a new seed for "again".
		r = c.get(t, "/goals/"+gid+"/generate?network=x&lang=ja&count=6&seed=7")
		want(t, r, http.StatusOK)
		bodies, sources := genCards(t, r)
		if len(bodies) != 6 || strings.Count(r.Body, "この型を保存") != 6 {
			t.Fatalf("%d cards, want 6", len(bodies))
		}
		for _, s := range []string{"内蔵ジェネレーター", "6件の候補", "もう一度生成", "<mark>{", "週", "投稿前のチェックリスト"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("results have no %q", s)
			}
		}
		if !strings.Contains(r.Body, `<input type="hidden" name="seed" value="7">`) {
			t.Error("the form does not keep the seed")
		}
		if !slices.Equal(sources, slices.Repeat([]string{"builtin"}, 6)) {
			t.Errorf("sources %v", sources)
		}
		again := regexp.MustCompile(`href="(/goals/\d+/generate\?[^"#]*)#result"`).FindStringSubmatch(r.Body)
		if again == nil {
			t.Fatal("no generate-again link")
		}
		q, _ := url.ParseQuery(html.UnescapeString(again[1])[strings.Index(again[1], "?")+1:])
		if q.Get("network") != "x" || q.Get("count") != "6" || q.Get("lang") != "ja" || q.Get("seed") == "" || q.Get("seed") == "7" {
			t.Errorf("again link %q", again[1])
		}
		// The same seed gives the same 型.
		r2 := c.get(t, "/goals/"+gid+"/generate?network=x&lang=ja&count=6&seed=7")
		if b2, _ := genCards(t, r2); !slices.Equal(bodies, b2) {
			t.Error("the same seed gave other 型")
		}
		var first soroe.TemplateBody
		if err := json.Unmarshal([]byte(bodies[0]), &first); err != nil {
			t.Fatal(err)
		}
		if len(first.Slots()) == 0 || !slices.Equal(first.Networks, []soroe.Network{soroe.NetworkX}) {
			t.Errorf("first 型 %+v", first)
		}

		// English on request.
		r = c.get(t, "/goals/"+gid+"/generate?network=linkedin&lang=en&count=8&seed=1")
		want(t, r, http.StatusOK)
		if b, _ := genCards(t, r); len(b) != 8 {
			t.Errorf("%d English cards", len(b))
		} else {
			var en soroe.TemplateBody
			_ = json.Unmarshal([]byte(b[0]), &en)
			if hasJapanese(en.Name + en.Structure) {
				t.Errorf("English 型 in Japanese: %q", en.Name)
			}
		}

		// Bad choices are said, with the form kept.
		r = c.get(t, "/goals/"+gid+"/generate?count=99")
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "6〜12件から選んでください") {
			t.Errorf("no count error: %s", r)
		}
		want(t, c.get(t, "/goals/"+gid+"/generate?network=myspace"), http.StatusUnprocessableEntity)
		want(t, c.get(t, "/goals/"+gid+"/generate?lang=fr"), http.StatusUnprocessableEntity)
		want(t, c.get(t, "/goals/999999/generate"), http.StatusNotFound)

		// Saving one: a new 型 with the generator as its source, the
		// manager as its author and the default roles.
		before := templateCount(t, e, f.A)
		r = c.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {bodies[0]}, "source": {sources[0]}})
		wantRedirect(t, r, "/templates/")
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/templates/"), 10, 64)
		tpl, err := e.db.Template(ctx, f.A.ID, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		if tpl.Source != "builtin" || tpl.CreatedBy != manager.ID || strconv.FormatInt(tpl.GoalID, 10) != gid ||
			tpl.Name != first.Name || tpl.Structure != first.Structure ||
			tpl.Drafters.Role != soroe.RoleStaff || tpl.Approvers.Role != soroe.RoleManager || len(tpl.Drafters.UserIDs) != 0 {
			t.Errorf("saved %+v", tpl)
		}
		if r := c.get(t, "/templates/"+strconv.FormatInt(id, 10)); !strings.Contains(r.Body, "型を保存しました") || !strings.Contains(r.Body, first.Name) {
			t.Errorf("the 型's page has no flash: %s", r)
		}
		if n := templateCount(t, e, f.A); n != before+1 {
			t.Errorf("%d 型, want %d", n, before+1)
		}

		// A body the browser changed is checked again.
		bad := strings.Replace(bodies[1], `"tone":"`, `"tone":"angry`, 1)
		r = c.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {bad}, "source": {"builtin"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "この型は保存できませんでした") {
			t.Errorf("no save error: %s", r)
		}
		for _, tc := range []struct{ body, source string }{
			{`{"name":"x"`, "builtin"},                               // not JSON
			{`{"name":"x","structure":"{a}","sneaky":1}`, "builtin"}, // unknown field
			{`{"name":"","structure":"{a}","networks":["x"],"frequency":{"count":1,"per":"week"}}`, "builtin"},
			{bodies[1], "llm:evil"}, // a source nobody configured
			{bodies[1], "manual"},
		} {
			r := c.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {tc.body}, "source": {tc.source}})
			if r.Status != http.StatusUnprocessableEntity {
				t.Errorf("save %q as %q: %s", tc.body, tc.source, r)
			}
		}
		// Drafters and approvers never come from the form: another org's
		// user cannot be named.
		var b soroe.TemplateBody
		_ = json.Unmarshal([]byte(bodies[2]), &b)
		b.Drafters = soroe.Assignees{UserIDs: []int64{f.Outsider.ID}}
		b.Approvers = soroe.Assignees{Role: soroe.RoleStaff}
		raw, _ := json.Marshal(b)
		r = c.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {string(raw)}, "source": {"builtin"}})
		wantRedirect(t, r, "/templates/")
		id2, _ := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/templates/"), 10, 64)
		if tpl, _ := e.db.Template(ctx, f.A.ID, id2, 0); tpl == nil || len(tpl.Drafters.UserIDs) != 0 || tpl.Drafters.Role != soroe.RoleStaff || tpl.Approvers.Role != soroe.RoleManager {
			t.Errorf("assignees from the form were kept: %+v", tpl)
		}
		if n := templateCount(t, e, f.A); n != before+2 {
			t.Errorf("%d 型 after the refused saves, want %d", n, before+2)
		}
		// No body at all: back to the generator.
		wantRedirect(t, c.post(t, "/goals/"+gid+"/generate/save", url.Values{}), "/goals/"+gid+"/generate")

		// Another organization's goal does not exist; staff may not.
		out := e.loggedIn(t, f.Outsider)
		want(t, out.get(t, "/goals/"+gid+"/generate?network=x&count=6"), http.StatusNotFound)
		want(t, out.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {bodies[3]}, "source": {"builtin"}}), http.StatusNotFound)
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		want(t, staff.get(t, "/goals/"+gid+"/generate"), http.StatusForbidden)
		want(t, staff.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {bodies[3]}, "source": {"builtin"}}), http.StatusForbidden)
		if n := templateCount(t, e, f.A); n != before+2 {
			t.Errorf("%d 型 after refused callers, want %d", n, before+2)
		}

		// The goal page leads here for those who may write 型 only.
		if r := c.get(t, "/goals/"+gid); !strings.Contains(r.Body, `href="/goals/`+gid+`/generate"`) {
			t.Error("the goal page has no 「AIで型を提案」 for a manager")
		}
		if r := staff.get(t, "/goals/"+gid); strings.Contains(r.Body, "/generate\"") {
			t.Error("the goal page offers generation to staff")
		}
	})
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// 型 generation in the API.

func TestGenerateTemplatesAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		gid := f.Wild["goal"]
		path := "/api/v1/goals/" + gid + "/generate"
		route := "POST /api/v1/goals/{goal}/generate"
		manager := e.token(t, f.A, f.Users[soroe.RoleManager])

		r := e.api(t, "POST", path, manager, map[string]any{"network": "x", "lang": "en", "count": 8, "seed": 3})
		want(t, r, http.StatusOK)
		d.checkResponse(t, route, r)
		var out templatesJSON
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
			t.Fatal(err)
		}
		if out.Generator != "builtin" || out.Notice != "" || out.Seed != 3 || len(out.Templates) != 8 {
			t.Fatalf("answer %+v", out)
		}
		names := map[string]bool{}
		for _, b := range out.Templates {
			names[b.Name] = true
			if !slices.Equal(b.Networks, []soroe.Network{soroe.NetworkX}) || len(b.Slots()) == 0 {
				t.Errorf("型 %+v", b)
			}
		}
		if len(names) != 8 {
			t.Errorf("names not distinct: %v", names)
		}
		// Deterministic for a seed; a seed is made up and returned when
		// none is given; nothing is saved.
		if r2 := e.api(t, "POST", path, manager, map[string]any{"network": "x", "lang": "en", "count": 8, "seed": 3}); r2.Body != r.Body {
			t.Error("the same seed gave another answer")
		}
		before := templateCount(t, e, f.A)
		r = e.api(t, "POST", path, owner, map[string]any{})
		want(t, r, http.StatusOK)
		d.checkResponse(t, route, r)
		var def templatesJSON
		_ = json.Unmarshal([]byte(r.Body), &def)
		if len(def.Templates) != generate.DefaultCount || def.Seed == 0 || !hasJapanese(def.Templates[0].Name) {
			t.Errorf("defaults: %d 型, seed %d, %q", len(def.Templates), def.Seed, def.Templates[0].Name)
		}
		if n := templateCount(t, e, f.A); n != before {
			t.Errorf("generation saved 型: %d, want %d", n, before)
		}
		// Saving is POST /api/v1/templates with the goal.
		b, _ := json.Marshal(out.Templates[0])
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		body["goal_id"], _ = strconv.ParseInt(gid, 10, 64)
		want(t, e.api(t, "POST", "/api/v1/templates", manager, body), http.StatusCreated)

		for _, c := range []struct {
			token  string
			body   any
			status int
			field  string
		}{
			{manager, map[string]any{"count": 99}, 422, "count"},
			{manager, map[string]any{"count": -1}, 422, "count"},
			{manager, map[string]any{"network": "myspace"}, 422, "network"},
			{manager, map[string]any{"lang": "fr"}, 422, "lang"},
			{manager, `{"nets":["x"]}`, 400, ""},
			{staff, map[string]any{}, 403, ""},
			{e.token(t, f.B, f.Outsider), map[string]any{}, 404, ""},
		} {
			r := e.api(t, "POST", path, c.token, c.body)
			if r.Status != c.status {
				t.Errorf("%v: %s, want %d", c.body, r, c.status)
				continue
			}
			d.checkResponse(t, route, r)
			if c.field != "" && r.json(t)["field"] != c.field {
				t.Errorf("%v: field %v", c.body, r.json(t)["field"])
			}
		}
		want(t, e.api(t, "POST", "/api/v1/goals/999999/generate", manager, map[string]any{}), http.StatusNotFound)
	})
}

// ---------------------------------------------------------------------------
// Drafts in the UI and the API.

func TestDraftUI(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "Draft goal")
		tpl := genTemplate(t, e, f.A, g, f.Users[soroe.RoleManager], soroe.TemplateBody{
			Name: "社員の一日", Structure: "{社員名}さんの一日：{時間帯}は{仕事内容}。\n「{本人のひとこと}」",
			Networks: []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram}, Frequency: soroe.Frequency{Count: 1, Per: "week"},
			Hashtags: []string{"#採用"}, CTA: "応募はこちら", Link: "https://example.com/jobs",
		})
		id := strconv.FormatInt(tpl.ID, 10)
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])

		// The 型 page leads here.
		if r := staff.get(t, "/templates/"+id); !strings.Contains(r.Body, `href="/templates/`+id+`/draft"`) {
			t.Error("the 型 page has no 「AIで下書き」")
		}
		r := staff.get(t, "/templates/"+id+"/draft")
		want(t, r, http.StatusOK)
		for i, s := range tpl.Slots() {
			if !strings.Contains(r.Body, fmt.Sprintf(`name="slot_%d"`, i)) || !strings.Contains(r.Body, s) {
				t.Errorf("no input for slot %s", s)
			}
		}
		for _, s := range []string{`name="topic"`, `<option value="x" selected>`, `<option value="instagram">`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("draft form has no %q", s)
			}
		}
		if mid := f.Wild["material"]; mid != "" && !strings.Contains(r.Body, `name="material" value="`+mid+`"`) {
			t.Error("the org's ready material is not offered")
		}
		// An organization without material is told so; its owner is sent
		// to add some, staff are not.
		gb := tplGoal(t, e, f.B, f.Outsider, "B goal")
		tb := genTemplate(t, e, f.B, gb, f.Outsider, newsTemplate)
		ob := e.loggedIn(t, f.Outsider)
		r = ob.get(t, fmt.Sprintf("/templates/%d/draft", tb.ID))
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "使える資料はまだありません") || !strings.Contains(r.Body, `class="gen-add-materials"`) || strings.Contains(r.Body, `name="material"`) {
			t.Errorf("no-material form: %s", r)
		}
		bstaff := e.user(t, "B staff", fmt.Sprintf("bstaff-%d@beta.example", seq.Add(1)))
		e.join(t, f.B, bstaff, soroe.RoleStaff)
		if r := e.loggedIn(t, bstaff).get(t, fmt.Sprintf("/templates/%d/draft", tb.ID)); strings.Contains(r.Body, `gen-add-materials`) {
			t.Error("staff, who may not add material, are sent to add some")
		}

		r = staff.post(t, "/templates/"+id+"/draft", url.Values{"slot_0": {"山田"}, "slot_1": {"朝"}, "slot_2": {"現場の段取り"}, "network": {"x"}, "topic": {"朝の現場"}})
		want(t, r, http.StatusOK)
		for _, s := range []string{
			`<textarea id="draft-text" name="text" rows="12">山田さんの一日：朝は現場の段取り。`, "【ここに本人のひとことを入れてください】",
			`data-copy="#draft-text"`, "内蔵ジェネレーター", `formaction="/posts/new"`, "この下書きで投稿を作る", "check-report", "資料は使っていません",
			`action="/check"`, `<input type="hidden" name="network" value="x">`, "本人のひとこと", "未入力",
			`name="topic" value="朝の現場"`, `name="slot_0" value="山田"`,
		} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("draft page has no %q", s)
			}
		}
		if strings.Contains(r.Body, "次のリリース") {
			t.Error("the draft page still says saving comes in the next release")
		}
		// Choices outside the 型 are refused with the form kept.
		r = staff.post(t, "/templates/"+id+"/draft", url.Values{"network": {"linkedin"}, "slot_0": {"山田"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "この型のネットワークから選んでください") || !strings.Contains(r.Body, `value="山田"`) {
			t.Errorf("network error: %s", r)
		}
		want(t, staff.post(t, "/templates/"+id+"/draft", url.Values{"material": {"999999"}}), http.StatusUnprocessableEntity)
		want(t, staff.post(t, "/templates/"+id+"/draft", url.Values{"topic": {strings.Repeat("長", 501)}}), http.StatusUnprocessableEntity)

		// Other organizations and the executive.
		out := e.loggedIn(t, f.Outsider)
		want(t, out.get(t, "/templates/"+id+"/draft"), http.StatusNotFound)
		want(t, out.post(t, "/templates/"+id+"/draft", url.Values{}), http.StatusNotFound)
		exec := e.loggedIn(t, f.Users[soroe.RoleExecutive])
		want(t, exec.get(t, "/templates/"+id+"/draft"), http.StatusForbidden)
		if r := exec.get(t, "/templates/"+id); strings.Contains(r.Body, "/draft\"") {
			t.Error("the 型 page offers drafts to the executive")
		}
	})
}

func TestDraftAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "Draft API goal")
		tpl := genTemplate(t, e, f.A, g, f.Users[soroe.RoleManager], newsTemplate)
		path := fmt.Sprintf("/api/v1/templates/%d/draft", tpl.ID)
		route := "POST /api/v1/templates/{template}/draft"

		r := e.api(t, "POST", path, staff, map[string]any{"slots": map[string]string{"ポイント": "無垢材の床を張りました。"}, "topic": "完成見学会", "seed": 4})
		want(t, r, http.StatusOK)
		d.checkResponse(t, route, r)
		dr := decodeDraft(t, r)
		if dr.Generator != "builtin" || dr.Notice != "" || dr.Seed != 4 || dr.Network != "instagram" ||
			!strings.HasPrefix(dr.Text, "【完成見学会】\n無垢材の床を張りました。") || dr.Slots["テーマ"] != "完成見学会" ||
			!slices.Equal(dr.Missing, []string{"補足"}) || len(dr.Citations) != 0 || len(dr.Check.Results) != 1 || dr.Check.Results[0].Platform != "instagram" {
			t.Errorf("draft %+v", dr)
		}
		// Nothing to fill: placeholders; X as asked.
		r = e.api(t, "POST", path, owner, map[string]any{"network": "x", "lang": "ja"})
		want(t, r, http.StatusOK)
		d.checkResponse(t, route, r)
		if dr := decodeDraft(t, r); dr.Network != "x" || len(dr.Missing) != 3 || !strings.Contains(dr.Text, "【ここにポイントを書いてください】") {
			t.Errorf("empty draft %+v", dr)
		}

		// Another organization's material is unknown here.
		bmat := addMaterial(t, e, f.B, f.Outsider, "B社の資料", "txt", []byte("B社の秘密の資料です。新しい展示場の計画があります。"))
		for _, c := range []struct {
			token  string
			body   any
			status int
			field  string
		}{
			{staff, map[string]any{"slots": map[string]string{"社員名": "x"}}, 422, "slots"},
			{staff, map[string]any{"slots": map[string]string{"ポイント": strings.Repeat("あ", 1001)}}, 422, "slots"},
			{staff, map[string]any{"topic": strings.Repeat("あ", 501)}, 422, "topic"},
			{staff, map[string]any{"network": "linkedin"}, 422, "network"},
			{staff, map[string]any{"network": "myspace"}, 422, "network"},
			{staff, map[string]any{"lang": "fr"}, 422, "lang"},
			{staff, map[string]any{"material_ids": []int64{bmat.ID}}, 422, "material_ids"},
			{staff, `{"topic":"x","extra":1}`, 400, ""},
			{e.token(t, f.A, f.Users[soroe.RoleExecutive]), map[string]any{}, 403, ""},
			{e.token(t, f.B, f.Outsider), map[string]any{}, 404, ""},
		} {
			r := e.api(t, "POST", path, c.token, c.body)
			if r.Status != c.status {
				t.Errorf("%v: %s, want %d", c.body, r, c.status)
				continue
			}
			d.checkResponse(t, route, r)
			if c.field != "" && r.json(t)["field"] != c.field {
				t.Errorf("%v: field %v", c.body, r.json(t)["field"])
			}
			if strings.Contains(r.Body, "B社の秘密") {
				t.Error("another org's material leaked")
			}
		}
		// A material still processing cannot be drawn on.
		ctx := context.Background()
		pending := &soroe.Material{OrgID: f.A.ID, Title: "処理中", Kind: "txt", CreatedBy: f.Users[soroe.RoleManager].ID}
		if err := e.db.CreateMaterial(ctx, pending, []byte("まだです。")); err != nil {
			t.Fatal(err)
		}
		r = e.api(t, "POST", path, staff, map[string]any{"material_ids": []int64{pending.ID}})
		want(t, r, http.StatusUnprocessableEntity)
		if r.json(t)["field"] != "material_ids" {
			t.Errorf("pending material: %s", r)
		}
		want(t, e.api(t, "POST", "/api/v1/templates/999999/draft", staff, map[string]any{}), http.StatusNotFound)
	})
}

// TestDraftFromMaterialEndToEnd is the end-to-end case: real PDF,
// DOCX and PPTX files are stored and processed as material, and a draft
// from each cites a passage of that file whose quote is in the file's text;
// the UI shows the citation with a link to the material. All material
// together never cites another organization's.
func TestDraftFromMaterialEndToEnd(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		manager := f.Users[soroe.RoleManager]
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "E2E goal")
		tpl := genTemplate(t, e, f.A, g, manager, newsTemplate)

		var pdf []byte
		var pdfTopic string
		if materialtest.HaveIPAGothic() {
			var err error
			pdf, err = materialtest.JapanesePDF("会社案内2026",
				[]string{"揃え工務店は創業40年、地域に根ざした工務店です。", "年間30棟の注文住宅を手がけています。"},
				[]string{"自然素材の家づくりにこだわり、無垢材と漆喰の壁を標準にしています。", "自然素材の家は夏は涼しく冬は暖かく過ごせます。"})
			if err != nil {
				t.Fatal(err)
			}
			pdfTopic = "自然素材の家づくり"
		} else {
			t.Log("IPA Gothic is not installed: the PDF is in English")
			pdf = materialtest.PDF("Company guide", []string{"Soroe Komuten has built homes for forty years."},
				[]string{"Our natural materials homes use solid wood floors and plaster walls.", "Natural materials keep the house cool in summer."})
			pdfTopic = "natural materials homes"
		}
		docx := materialtest.DOCX("採用ガイド", "# 働く環境",
			"社員は週休二日制で、年間休日は120日です。",
			"若手大工の育成に力を入れており、先輩大工がマンツーマンで指導します。",
			"資格取得の費用は会社が全額負担します。")
		pptx := materialtest.PPTX("展示場のご案内",
			[]string{"新しい住宅展示場", "駅から徒歩5分の場所に新しい住宅展示場がオープンします。", "木の香りがする広いリビングを体感できます。"},
			[]string{"見学の予約", "見学はウェブから予約できます。", "土日は家族向けのワークショップも開きます。"})

		cases := []struct {
			kind, title, topic string
			data               []byte
		}{
			{"pdf", "会社案内", pdfTopic, pdf},
			{"docx", "採用ガイド", "若手大工の育成", docx},
			{"pptx", "展示場のご案内", "新しい住宅展示場", pptx},
		}
		// Org B holds material on the same topics; it must never appear.
		bmat := addMaterial(t, e, f.B, f.Outsider, "B社の展示場計画", "txt", []byte("B社も新しい住宅展示場をつくります。若手大工の育成はB社の秘密です。"))

		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		path := fmt.Sprintf("/api/v1/templates/%d/draft", tpl.ID)
		c := e.loggedIn(t, f.Users[soroe.RoleStaff])
		var ids []int64
		if mid, err := strconv.ParseInt(f.Wild["material"], 10, 64); err == nil {
			ids = append(ids, mid) // the fixture's own material, if any
		}
		for _, tc := range cases {
			t.Run(tc.kind, func(t *testing.T) {
				kind, err := material.KindOf("file."+tc.kind, "", tc.data)
				if err != nil || kind != tc.kind {
					t.Fatalf("KindOf: %q %v", kind, err)
				}
				m := addMaterial(t, e, f.A, manager, tc.title, tc.kind, tc.data)
				ids = append(ids, m.ID)
				secs, err := material.Extract(tc.kind, tc.data)
				if err != nil {
					t.Fatal(err)
				}
				var all strings.Builder
				for _, s := range secs {
					all.WriteString(s.Text)
				}
				fileText := squash(all.String())

				r := e.api(t, "POST", path, tok, map[string]any{"topic": tc.topic, "material_ids": []int64{m.ID}, "seed": 1})
				want(t, r, http.StatusOK)
				dr := decodeDraft(t, r)
				if len(dr.Citations) == 0 {
					t.Fatalf("no citation from the %s: %+v", tc.kind, dr)
				}
				t.Logf("draft from the %s:\n%s\ncitations: %+v", tc.kind, dr.Text, dr.Citations)
				for _, ct := range dr.Citations {
					if ct.MaterialID != m.ID || ct.Title != tc.title || ct.PassageID == 0 || ct.Quote == "" {
						t.Errorf("citation %+v", ct)
					}
					if !strings.Contains(fileText, squash(ct.Quote)) {
						t.Errorf("quote %q is not in the %s's text %q", ct.Quote, tc.kind, fileText)
					}
					if !strings.Contains(dr.Text, ct.Quote) && !dr.Trimmed {
						t.Errorf("quote %q is not in the draft %q", ct.Quote, dr.Text)
					}
					p, err := e.db.Passage(context.Background(), f.A.ID, ct.PassageID)
					if err != nil || p.MaterialID != m.ID || !strings.Contains(p.Text, ct.Quote) || p.Locator != ct.Locator {
						t.Errorf("passage %d: %+v %v", ct.PassageID, p, err)
					}
				}
				if tc.kind == "pptx" && !strings.HasPrefix(dr.Citations[0].Locator, "slide") && !strings.Contains(dr.Citations[0].Locator, "スライド") {
					t.Logf("pptx locator %q", dr.Citations[0].Locator)
				}

				// The UI shows the same citation, linked to the material.
				c.get(t, fmt.Sprintf("/templates/%d/draft", tpl.ID))
				r = c.post(t, fmt.Sprintf("/templates/%d/draft", tpl.ID), url.Values{"topic": {tc.topic}, "material": {strconv.FormatInt(m.ID, 10)}})
				want(t, r, http.StatusOK)
				if !strings.Contains(r.Body, fmt.Sprintf(`href="/materials/%d"`, m.ID)) || !strings.Contains(r.Body, html.EscapeString(tc.title)) {
					t.Errorf("the page does not cite %s", tc.title)
				}
				if !strings.Contains(r.Body, `class="gen-cited-tag"`) {
					t.Error("no slot is marked as filled from material")
				}
				if !strings.Contains(r.Body, "<blockquote>") {
					t.Error("no quote on the page")
				}
			})
		}
		// All material: citations only of org A's.
		r := e.api(t, "POST", path, tok, map[string]any{"topic": "新しい住宅展示場と若手大工の育成", "all_materials": true})
		want(t, r, http.StatusOK)
		dr := decodeDraft(t, r)
		if len(dr.Citations) == 0 {
			t.Fatal("no citation from all material")
		}
		for _, ct := range dr.Citations {
			if !slices.Contains(ids, ct.MaterialID) || ct.MaterialID == bmat.ID {
				t.Errorf("citation of material %d, not org A's %v", ct.MaterialID, ids)
			}
		}
		if strings.Contains(r.Body, "B社") {
			t.Error("org B's material leaked into org A's draft")
		}
		// The UI lists the ready material to choose from.
		r = c.get(t, fmt.Sprintf("/templates/%d/draft", tpl.ID))
		for _, tc := range cases {
			if !strings.Contains(r.Body, html.EscapeString(tc.title)) {
				t.Errorf("material %s is not offered", tc.title)
			}
		}
		if strings.Contains(r.Body, "B社") {
			t.Error("org B's material is offered to org A")
		}
	})
}

// ---------------------------------------------------------------------------
// A model behind the generator.

// fakeModel is an OpenAI-compatible Chat Completions endpoint answering
// with content(n) for the n-th call.
func fakeModel(t *testing.T, content func(n int) string) (*httptest.Server, *atomic.Int64) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		n := calls.Add(1)
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": "fake",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content(int(n))}}},
			"usage":   map[string]any{"prompt_tokens": 1200, "completion_tokens": 345, "total_tokens": 1545},
		})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// llmTemplatesAnswer is a good model answer with n 型.
func llmTemplatesAnswer(n int) string {
	var list []any
	for i := range n {
		list = append(list, map[string]any{
			"name": fmt.Sprintf("AIの型 %d", i+1), "theme": "現場の声を届ける", "structure": fmt.Sprintf("{社員名}さんに聞きました（その%d）：{エピソード}", i+1),
			"tone": "friendly", "format": "image", "networks": []string{"x"}, "hashtags": []string{"#採用"}, "cta": "応募はこちら",
			"frequency": map[string]any{"count": 1, "per": "week", "weekdays": []int{3}, "times": []string{"12:00"}},
			"checklist": []string{"本人の了承をとる"},
		})
	}
	b, _ := json.Marshal(map[string]any{"templates": list})
	return string(b)
}

// withModel configures the server with a model at srv whose usage is
// recorded per organization, as serve does.
func withModel(srv *httptest.Server, db func() *store.DB) func(*Config) {
	return func(cfg *Config) {
		cfg.Generator = generate.New(generate.Config{
			BaseURL: srv.URL + "/v1", Model: "fake", Timeout: 5 * time.Second,
			Logger: slog.New(slog.DiscardHandler),
			OnUsage: func(ctx context.Context, m generate.Meta) {
				orgID, ok := OrgIDFrom(ctx)
				if !ok {
					panic("generation without an organization in its context")
				}
				_ = db().RecordLLMUsage(ctx, store.LLMUsage{OrgID: orgID, Model: m.Model, Purpose: m.Task,
					PromptTokens: m.PromptTokens, CompletionTokens: m.CompletionTokens, Outcome: m.Outcome()})
			},
		})
	}
}

func TestGenerateWithModel(t *testing.T) {
	srv, calls := fakeModel(t, func(n int) string {
		if n == 1 {
			return llmTemplatesAnswer(12)
		}
		return `{"text":"山田さんに聞きました：毎朝の段取りが大切です。","slots":{"社員名":"山田"}}`
	})
	var e *env
	uiTest(t, func(t *testing.T, env *env) {
		e = env
		ctx := context.Background()
		f := e.fixture(t)
		gid := f.Wild["goal"]
		manager := f.Users[soroe.RoleManager]
		c := e.loggedIn(t, manager)
		calls.Store(0)

		r := c.get(t, "/goals/"+gid+"/generate")
		if !strings.Contains(r.Body, "AI モデル fake") || !strings.Contains(r.Body, "今月の使用量 0 トークン") {
			t.Errorf("no model or usage line: %s", r)
		}
		r = c.get(t, "/goals/"+gid+"/generate?network=x&count=8&seed=2")
		want(t, r, http.StatusOK)
		bodies, sources := genCards(t, r)
		if len(bodies) != 8 || sources[0] != "llm:fake" || !strings.Contains(r.Body, "AI モデル: fake") || !strings.Contains(r.Body, "AIの型 1") ||
			!strings.Contains(r.Body, "今月の使用量 1,545 トークン") {
			t.Fatalf("model's 型 not shown (%d, %v): %s", len(bodies), sources, r)
		}
		if strings.Contains(r.Body, "内蔵ジェネレーターで作りました") {
			t.Error("a fallback notice for a good answer")
		}
		// Tokens are logged for the organization.
		p, cpl, err := e.db.LLMTokens(ctx, f.A.ID, time.Time{})
		if err != nil || p != 1200 || cpl != 345 {
			t.Errorf("usage %d+%d %v", p, cpl, err)
		}
		if p, _, _ := e.db.LLMTokens(ctx, f.B.ID, time.Time{}); p != 0 {
			t.Error("usage logged for another organization")
		}
		if r := c.get(t, "/goals/"+gid+"/generate"); !strings.Contains(r.Body, "今月の使用量 1,545 トークン") {
			t.Error("the usage line does not count this month's tokens")
		}
		// Saved with the model as its source.
		r = c.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {bodies[0]}, "source": {sources[0]}})
		wantRedirect(t, r, "/templates/")
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/templates/"), 10, 64)
		if tpl, err := e.db.Template(ctx, f.A.ID, id, 0); err != nil || tpl.Source != "llm:fake" || tpl.Name != "AIの型 1" {
			t.Errorf("saved %+v %v", tpl, err)
		}

		// A draft by the model, through the API.
		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		r = e.api(t, "POST", "/api/v1/templates/"+f.Wild["template"]+"/draft", tok, map[string]any{"topic": "朝の段取り"})
		want(t, r, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "POST /api/v1/templates/{template}/draft", r)
		if dr := decodeDraft(t, r); dr.Generator != "llm:fake" || dr.Model != "fake" || !strings.HasPrefix(dr.Text, "山田さんに聞きました") {
			t.Errorf("model draft %+v", dr)
		}
	}, withModel(srv, func() *store.DB { return e.db }))
}

func TestGenerateModelJunkFallsBack(t *testing.T) {
	srv, _ := fakeModel(t, func(int) string { return "I'm sorry, I can't produce JSON today." })
	var e *env
	uiTest(t, func(t *testing.T, env *env) {
		e = env
		f := e.fixture(t)
		gid := f.Wild["goal"]
		c := e.loggedIn(t, f.Users[soroe.RoleManager])
		r := c.get(t, "/goals/"+gid+"/generate?network=x&count=6&seed=2")
		want(t, r, http.StatusOK)
		bodies, sources := genCards(t, r)
		if len(bodies) != 6 || sources[0] != "builtin" {
			t.Fatalf("fallback: %d cards from %v", len(bodies), sources)
		}
		for _, s := range []string{"内蔵ジェネレーター", "AI モデル（fake）の答えがそのまま使える形ではなかったため", `class="alert gen-notice"`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("no %q on the page", s)
			}
		}
		// The builtin 型 save as builtin.
		r = c.post(t, "/goals/"+gid+"/generate/save", url.Values{"body": {bodies[0]}, "source": {sources[0]}})
		wantRedirect(t, r, "/templates/")

		// Drafts fall back too, saying so, in the UI and the API.
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		staff.get(t, "/templates/"+f.Wild["template"]+"/draft")
		r = staff.post(t, "/templates/"+f.Wild["template"]+"/draft", url.Values{"slot_0": {"山田"}})
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "内蔵ジェネレーター") || !strings.Contains(r.Body, "AI モデル（fake）の答え") || !strings.Contains(r.Body, "山田さんの一日") {
			t.Errorf("draft fallback not shown: %s", r)
		}
		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		r = e.api(t, "POST", "/api/v1/goals/"+gid+"/generate", e.token(t, f.A, f.Users[soroe.RoleOwner]), map[string]any{"count": 6})
		want(t, r, http.StatusOK)
		if m := r.json(t); m["generator"] != "builtin" || m["notice"] != generate.NoticeLLMInvalid || m["model"] != "fake" {
			t.Errorf("API fallback %v", m)
		}
		r = e.api(t, "POST", "/api/v1/templates/"+f.Wild["template"]+"/draft", tok, map[string]any{})
		want(t, r, http.StatusOK)
		if dr := decodeDraft(t, r); dr.Generator != "builtin" || dr.Notice != generate.NoticeLLMInvalid {
			t.Errorf("API draft fallback %+v", dr)
		}
	}, withModel(srv, func() *store.DB { return e.db }))
}

// ---------------------------------------------------------------------------
// Words.

func TestOrgIDContext(t *testing.T) {
	if _, ok := OrgIDFrom(context.Background()); ok {
		t.Error("an organization in an empty context")
	}
	if id, ok := OrgIDFrom(WithOrgID(context.Background(), 42)); !ok || id != 42 {
		t.Errorf("OrgIDFrom = %d, %v", id, ok)
	}
}

// TestGenerateCatalog: every notice the generators give is translated, and
// the area's pages show no raw key in either language.
func TestGenerateCatalog(t *testing.T) {
	cat := i18n.Default()
	for _, n := range generate.Notices {
		for _, l := range i18n.Langs {
			if !cat.Has(l, "generate.notice."+n) {
				t.Errorf("notice %s has no %s message", n, l)
			}
		}
	}
	if got := genNumber(1234567); got != "1,234,567" {
		t.Errorf("genNumber = %q", got)
	}
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		raw := regexp.MustCompile(`\bgenerate\.[a-z_]+(\.[a-z_0-9]+)*`)
		for _, l := range i18n.Langs {
			u := f.Users[soroe.RoleManager]
			if err := e.db.UpdateUser(ctx, &soroe.User{ID: u.ID, Email: u.Email, Name: u.Name, Lang: l}); err != nil {
				t.Fatal(err)
			}
			c := e.loggedIn(t, u)
			gid, tid := f.Wild["goal"], f.Wild["template"]
			pages := []*resp{
				c.get(t, "/goals/"+gid+"/generate"),
				c.get(t, "/goals/"+gid+"/generate?network=all&count=6"),
				c.get(t, "/goals/"+gid+"/generate?count=1"),
				c.get(t, "/goals/"+gid),
				c.get(t, "/templates/"+tid),
				c.get(t, "/templates/"+tid+"/draft"),
				c.post(t, "/templates/"+tid+"/draft", url.Values{"topic": {"x"}}),
				c.post(t, "/templates/"+tid+"/draft", url.Values{"network": {"line"}}),
			}
			for i, r := range pages {
				if r.Status >= 500 {
					t.Fatalf("page %d: %s", i, r)
				}
				for _, m := range raw.FindAllString(r.Body, -1) {
					if m != "generate.css" {
						t.Errorf("page %d in %s shows the raw key %q", i, l, m)
					}
				}
			}
			if l == soroe.LangEN && !strings.Contains(pages[1].Body, "Builtin generator") {
				t.Error("the English page is not in English")
			}
		}
	})
}
