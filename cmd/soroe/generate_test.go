package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
	"github.com/soroe/soroe/store"
)

// jsonGenerated is `soroe template generate --json` as a script reads it.
type jsonGenerated struct {
	Generator string         `json:"generator"`
	Model     string         `json:"model"`
	Notice    string         `json:"notice"`
	Seed      int64          `json:"seed"`
	Saved     bool           `json:"saved"`
	Templates []jsonTemplate `json:"templates"`
}

// jsonDraft is `soroe draft generate --json` as a script reads it.
type jsonDraft struct {
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
		Results  []json.RawMessage `json:"results"`
		Risks    []json.RawMessage `json:"risks"`
		Valid    bool              `json:"valid"`
		Blocking bool              `json:"blocking"`
	} `json:"check"`
}

// genSetup makes an organization (owner, manager, staff) with a
// recruiting goal, and another organization with a goal of its own.
func genSetup(t *testing.T, c *cliEnv) (db *store.DB, a, b *soroe.Org, goalA, goalB *soroe.Goal) {
	ctx := context.Background()
	c.addUser("owner@a.jp", "井上 直子")
	c.addUser("pr@a.jp", "鈴木 美咲")
	c.addUser("staff@a.jp", "田中 翔太")
	c.addUser("other@b.jp", "Other")
	c.ok("org", "add", "--name", "揃え工務店", "--owner", "owner@a.jp")
	c.ok("org", "add", "--name", "B社", "--owner", "other@b.jp")
	c.ok("member", "add", "--org", "揃え工務店", "--email", "pr@a.jp", "--role", "manager")
	c.ok("member", "add", "--org", "揃え工務店", "--email", "staff@a.jp", "--role", "staff")
	db = c.db()
	a, _ = resolveOrg(ctx, db, "揃え工務店")
	b, _ = resolveOrg(ctx, db, "B社")
	goal := func(o *soroe.Org, email, title string) *soroe.Goal {
		u, _ := db.UserByEmail(ctx, email)
		g := &soroe.Goal{OrgID: o.ID, Title: title, Purpose: soroe.PurposeRecruiting, Strategy: "社員インタビューで現場を伝える",
			OwnerID: u.ID, StartOn: "2026-01-01", Deadline: "2027-12-31",
			KPIs: []*soroe.KPI{{Metric: soroe.MetricConversions, Event: "application", Target: 30}}}
		if err := db.CreateGoal(ctx, g, u.ID); err != nil {
			t.Fatal(err)
		}
		return g
	}
	return db, a, b, goal(a, "owner@a.jp", "中途採用の応募を増やす"), goal(b, "other@b.jp", "B社の目標")
}

func TestTemplateGenerateCommand(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		db, a, _, g, gb := genSetup(t, c)
		org, goal := strconv.FormatInt(a.ID, 10), strconv.FormatInt(g.ID, 10)

		var out jsonGenerated
		c.json(&out, "template", "generate", "--org", org, "--goal", goal, "--network", "x", "--count", "6", "--seed", "5")
		if out.Generator != "builtin" || out.Notice != "" || out.Seed != 5 || out.Saved || len(out.Templates) != 6 {
			t.Fatalf("generated %+v", out)
		}
		for _, x := range out.Templates {
			if x.ID != 0 || len(x.Networks) != 1 || x.Networks[0] != "x" || !strings.Contains(x.Structure, "{") {
				t.Errorf("template %+v", x)
			}
		}
		var again jsonGenerated
		c.json(&again, "template", "generate", "--org", org, "--goal", goal, "--network", "x", "--count", "6", "--seed", "5")
		if fmt.Sprint(again) != fmt.Sprint(out) {
			t.Error("the same seed gave other templates")
		}
		if ts, _ := db.Templates(ctx, a.ID, 0); len(ts) != 0 {
			t.Errorf("generate without --save saved %d templates", len(ts))
		}
		// English, and the text output.
		text := c.ok("template", "generate", "--org", "揃え工務店", "--goal", goal, "--lang", "en", "--count", "8", "--seed", "1")
		for _, s := range []string{"8 templates for goal", "by the builtin generator (seed 1), not saved", "1. ", "8. ", "structure:", "frequency:"} {
			if !strings.Contains(text, s) {
				t.Errorf("text output has no %q:\n%s", s, text)
			}
		}

		// --save needs a member who may write templates.
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", goal, "--save"), soroe.EInvalid, "as", "--as")
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", goal, "--as", "pr@a.jp"), soroe.EInvalid, "as", "--save")
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", goal, "--save", "--as", "staff@a.jp"), soroe.EForbidden, "as", "template.write")
		var saved jsonGenerated
		c.json(&saved, "template", "generate", "--org", org, "--goal", goal, "--count", "3", "--seed", "9", "--save", "--as", "pr@a.jp")
		pr, _ := db.UserByEmail(ctx, "pr@a.jp")
		if !saved.Saved || len(saved.Templates) != 3 {
			t.Fatalf("saved %+v", saved)
		}
		for _, x := range saved.Templates {
			st, err := db.Template(ctx, a.ID, x.ID, 0)
			if err != nil || st.Source != "builtin" || st.CreatedBy != pr.ID || st.GoalID != g.ID ||
				st.Drafters.Role != soroe.RoleStaff || st.Approvers.Role != soroe.RoleManager {
				t.Errorf("saved template %+v %v", st, err)
			}
		}
		out2 := c.ok("template", "generate", "--org", org, "--goal", goal, "--count", "2", "--save", "--as", "pr@a.jp")
		if !strings.Contains(out2, ", saved") || !strings.Contains(out2, "(saved as template ") {
			t.Errorf("text output of --save:\n%s", out2)
		}

		// Bad requests.
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", goal, "--network", "myspace"), soroe.EInvalid, "network", "myspace")
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", goal, "--count", "0"), soroe.EInvalid, "count")
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", goal, "--count", "21"), soroe.EInvalid, "count")
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", goal, "--lang", "fr"), soroe.EInvalid, "lang", "unknown_language")
		wantErr(t, c.fails("template", "generate", "--org", org, "--goal", strconv.FormatInt(gb.ID, 10)), soroe.ENotFound, "goal")
	})
}

func TestDraftGenerateCommand(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		db, a, b, g, _ := genSetup(t, c)
		org := strconv.FormatInt(a.ID, 10)
		owner, _ := db.UserByEmail(ctx, "owner@a.jp")
		tpl := &soroe.Template{OrgID: a.ID, GoalID: g.ID, CreatedBy: owner.ID, TemplateBody: soroe.TemplateBody{
			Name: "お知らせ", Structure: "【{テーマ}】\n{ポイント}\n{補足}", Networks: []soroe.Network{soroe.NetworkInstagram, soroe.NetworkX},
			Frequency: soroe.Frequency{Count: 1, Per: "week"}, Hashtags: []string{"#工務店"},
		}}
		if err := db.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(tpl.ID, 10)

		var d jsonDraft
		c.json(&d, "draft", "generate", "--org", org, "--template", id, "--slot", "ポイント=無垢材の床を張りました。", "--topic", "完成見学会", "--seed", "3")
		if d.Generator != "builtin" || d.Seed != 3 || d.Network != "instagram" || !strings.HasPrefix(d.Text, "【完成見学会】\n無垢材の床を張りました。") ||
			len(d.Missing) != 1 || d.Missing[0] != "補足" || len(d.Check.Results) != 1 || len(d.Citations) != 0 {
			t.Errorf("draft %+v", d)
		}

		// From material: a real DOCX, processed, cited by title.
		mgr := &soroe.Material{OrgID: a.ID, Title: "採用ガイド", Kind: "docx", CreatedBy: owner.ID}
		docx := materialtest.DOCX("採用ガイド", "# 働く環境", "社員は週休二日制で、年間休日は120日です。", "若手大工の育成に力を入れており、先輩大工がマンツーマンで指導します。")
		if err := db.CreateMaterial(ctx, mgr, docx); err != nil {
			t.Fatal(err)
		}
		if err := material.Process(ctx, db, a.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		c.json(&d, "draft", "generate", "--org", org, "--template", id, "--material", "採用ガイド", "--topic", "若手大工の育成", "--network", "x")
		if d.Network != "x" || len(d.Citations) == 0 {
			t.Fatalf("no citation: %+v", d)
		}
		for _, ct := range d.Citations {
			if ct.MaterialID != mgr.ID || ct.Title != "採用ガイド" || !strings.Contains(docxText(t, docx), ct.Quote) {
				t.Errorf("citation %+v", ct)
			}
		}
		text := c.ok("draft", "generate", "--org", org, "--template", id, "--material", strconv.FormatInt(mgr.ID, 10), "--topic", "若手大工の育成")
		for _, s := range []string{"【若手大工の育成】", "---", "generator:", "builtin", "network:", "instagram", "citations:", "[1] 採用ガイド", fmt.Sprintf("material %d", mgr.ID)} {
			if !strings.Contains(text, s) {
				t.Errorf("text output has no %q:\n%s", s, text)
			}
		}
		if text := c.ok("draft", "generate", "--org", org, "--template", id, "--all-materials", "--topic", "若手大工の育成"); !strings.Contains(text, "採用ガイド") {
			t.Errorf("--all-materials cites nothing:\n%s", text)
		}

		// Bad requests; another organization's material is not there.
		bm := &soroe.Material{OrgID: b.ID, Title: "B社の資料", Kind: "txt", CreatedBy: owner.ID}
		if err := db.CreateMaterial(ctx, bm, []byte("B社の秘密です。")); err != nil {
			t.Fatal(err)
		}
		wantErr(t, c.fails("draft", "generate", "--org", org, "--template", id, "--material", strconv.FormatInt(bm.ID, 10)), soroe.ENotFound, "material")
		wantErr(t, c.fails("draft", "generate", "--org", org, "--template", id, "--material", "無い資料"), soroe.ENotFound, "material")
		wantErr(t, c.fails("draft", "generate", "--org", org, "--template", id, "--slot", "社員名=山田"), soroe.EInvalid, "slot", "ポイント")
		wantErr(t, c.fails("draft", "generate", "--org", org, "--template", id, "--slot", "ポイント"), soroe.EInvalid, "slot", "NAME=VALUE")
		wantErr(t, c.fails("draft", "generate", "--org", org, "--template", id, "--network", "linkedin"), soroe.EInvalid, "network", "instagram, x")
		wantErr(t, c.fails("draft", "generate", "--org", org, "--template", id, "--lang", "fr"), soroe.EInvalid, "lang")
		wantErr(t, c.fails("draft", "generate", "--org", strconv.FormatInt(b.ID, 10), "--template", id), soroe.ENotFound, "template")
	})
}

// docxText is a DOCX file's text.
func docxText(t *testing.T, data []byte) string {
	secs, err := material.Extract("docx", data)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, s := range secs {
		b.WriteString(s.Text + "\n")
	}
	return b.String()
}

// TestGenerateCommandsWithModel: SOROE_LLM_* work from the CLI; tokens are
// recorded for the organization; junk falls back with a note.
func TestGenerateCommandsWithModel(t *testing.T) {
	answer := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": answer}}},
			"usage":   map[string]any{"prompt_tokens": 900, "completion_tokens": 100},
		})
	}))
	defer srv.Close()
	t.Setenv(generate.EnvBaseURL, srv.URL+"/v1")
	t.Setenv(generate.EnvModel, "fake")
	t.Setenv(generate.EnvAPIKey, "sk-test")
	t.Setenv(generate.EnvTimeout, "5s")
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		db, a, b, g, _ := genSetup(t, c)
		org, goal := strconv.FormatInt(a.ID, 10), strconv.FormatInt(g.ID, 10)

		var list []any
		for i := range 4 {
			list = append(list, map[string]any{
				"name": fmt.Sprintf("AIの型 %d", i+1), "theme": "現場の声", "structure": fmt.Sprintf("{社員名}さんの話（%d）：{エピソード}", i+1),
				"tone": "friendly", "format": "image", "networks": []string{"x"}, "cta": "応募はこちら",
				"frequency": map[string]any{"count": 1, "per": "week"},
			})
		}
		raw, _ := json.Marshal(map[string]any{"templates": list})
		answer = string(raw)
		var out jsonGenerated
		c.json(&out, "template", "generate", "--org", org, "--goal", goal, "--count", "4", "--network", "x", "--save", "--as", "pr@a.jp")
		if out.Generator != "llm:fake" || out.Model != "fake" || out.Notice != "" || len(out.Templates) != 4 || out.Templates[0].Name != "AIの型 1" || out.Templates[0].Source != "llm:fake" {
			t.Fatalf("model's templates %+v", out)
		}
		savedID := strconv.FormatInt(out.Templates[0].ID, 10)
		p, cpl, err := db.LLMTokens(ctx, a.ID, time.Time{})
		if err != nil || p != 900 || cpl != 100 {
			t.Errorf("usage %d+%d %v", p, cpl, err)
		}
		if p, _, _ := db.LLMTokens(ctx, b.ID, time.Time{}); p != 0 {
			t.Error("usage recorded for another organization")
		}

		// Junk: the builtin generator steps in, with a note.
		answer = "no JSON today"
		c.json(&out, "template", "generate", "--org", org, "--goal", goal, "--count", "4")
		if out.Generator != "builtin" || out.Notice != generate.NoticeLLMInvalid || len(out.Templates) != 4 {
			t.Errorf("fallback %+v", out)
		}
		text := c.ok("template", "generate", "--org", org, "--goal", goal, "--count", "2")
		if !strings.Contains(text, "note: The AI model's (fake) answer could not be used") {
			t.Errorf("no note:\n%s", text)
		}
		answer = `{"text":"山田さんの話：朝の段取りが大切です。","slots":{"社員名":"山田"}}`
		var d jsonDraft
		c.json(&d, "draft", "generate", "--org", org, "--template", savedID, "--slot", "社員名=山田")
		if d.Generator != "llm:fake" || !strings.HasPrefix(d.Text, "山田さんの話") || d.Slots["社員名"] != "山田" {
			t.Errorf("model's draft %+v", d)
		}
		if p, _, _ := db.LLMTokens(ctx, a.ID, time.Time{}); p != 900*4 {
			t.Errorf("prompt tokens %d after four calls", p)
		}
	})
}
