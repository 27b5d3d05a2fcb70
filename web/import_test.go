package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() {
	// The role walk sends JSON: a plan with a header and no rows, refused
	// (422) for the roles that may import.
	walkBodies["POST /api/v1/posts/import"] = `{"content":"scheduled_at,account,text\n","dry_run":true}`
}

// importAccounts connects two accounts to org A.
func importAccounts(t *testing.T, e *env, f *fixture) {
	t.Helper()
	for _, a := range []*soroe.Account{
		{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "公式X", Handle: "@soroe"},
		{OrgID: f.A.ID, Network: soroe.NetworkBluesky, Name: "公式Bluesky", Handle: "soroe.bsky.social"},
	} {
		if err := e.db.CreateAccount(context.Background(), a, "sealed"); err != nil {
			t.Fatal(err)
		}
	}
}

// The test clock is 2026-11-23 09:30 in Tokyo.
const (
	importGood = "\ufeff日時,アカウント,本文,リンク\r\n" +
		"2026-12-01 09:00,公式X,完成見学会のお知らせです。,https://example.com/open-house\r\n" +
		"2026-12-01 09:00,公式Bluesky,完成見学会のお知らせです。,https://example.com/open-house\r\n" +
		"2026-12-02 12:00,公式X,大工の一日。,\r\n"
	importBad = "日時,アカウント,本文\n" +
		"2026-12-01 09:00,公式X,良い行\n" +
		"2026-11-01 09:00,公式X,過去の行\n" +
		"2026-12-01 10:00,公式Instagram,知らないアカウント\n"
)

func postsOf(t *testing.T, e *env, orgID int64) int {
	t.Helper()
	_, _, n, err := e.db.Posts(context.Background(), store.PostFilter{OrgID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (c *client) uploadPlan(t testing.TB, name string, data string, fields map[string]string) *resp {
	t.Helper()
	if fields == nil {
		fields = map[string]string{}
	}
	fields["csrf_token"] = c.csrf
	body, ct := multipartBody(t, fields, &matFile{Name: name, Type: "text/csv", Data: []byte(data)})
	return c.do(t, http.MethodPost, "/posts/import", body, http.Header{"Content-Type": {ct}})
}

func TestImportUI(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		importAccounts(t, e, f)
		c := e.loggedIn(t, f.Users[soroe.RoleManager])
		n0 := postsOf(t, e, f.A.ID) // the fixture's own posts

		r := c.get(t, "/posts/import")
		want(t, r, http.StatusOK)
		for _, s := range []string{"投稿計画の一括登録", `href="/posts/import/sample.csv"`, "scheduled_at", "Asia/Tokyo", "承認済みとして予約"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("form page lacks %q", s)
			}
		}
		r = c.get(t, "/posts/import/sample.csv")
		want(t, r, http.StatusOK)
		if !strings.HasPrefix(r.Body, "\ufeffscheduled_at,account,text,goal,template,link\r\n") ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("sample: %q %v", r.Body[:min(80, len(r.Body))], r.Header)
		}

		// A file with problems: every one listed, in Japanese, and nothing
		// imported.
		c.get(t, "/posts/import")
		r = c.uploadPlan(t, "plan.csv", importBad, nil)
		want(t, r, http.StatusUnprocessableEntity)
		for _, s := range []string{"2 件の問題", "3 行目", "過去の日時です", "4 行目", "「公式Instagram」という連携済みアカウントはありません", "日時", "アカウント"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("problem page lacks %q", s)
			}
		}
		if postsOf(t, e, f.A.ID) != n0 {
			t.Fatal("a refused file created posts")
		}
		// No file at all.
		r = c.uploadPlanNoFile(t)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "計画ファイルを選んでください") {
			t.Error("no message for a missing file")
		}

		// A dry run checks and creates nothing.
		r = c.uploadPlan(t, "plan.csv", importGood, map[string]string{"dry_run": "1"})
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "3 行から 2 件の投稿ができます") || postsOf(t, e, f.A.ID) != n0 {
			t.Errorf("dry run: %s", r)
		}

		// A good file: imported, then the page says how many with links.
		r = c.uploadPlan(t, "plan.csv", importGood, nil)
		wantRedirect(t, r, "/posts/import")
		r = c.get(t, "/posts/import")
		for _, s := range []string{"3 行から 2 件の投稿を登録し", `href="/calendar"`, `href="/posts"`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("after import, page lacks %q", s)
			}
		}
		posts, _, n, err := e.db.Posts(context.Background(), store.PostFilter{OrgID: f.A.ID, AuthorID: f.Users[soroe.RoleManager].ID,
			States: []string{soroe.PostScheduled}, From: mustTime(t, "2026-12-01T00:00:00Z")})
		if err != nil || n != 2 || posts[0].State != soroe.PostScheduled || postsOf(t, e, f.A.ID) != n0+2 {
			t.Fatalf("posts: %d %v", n, err)
		}
		// The summary is shown once.
		if r := c.get(t, "/posts/import"); strings.Contains(r.Body, "件の投稿を登録し") {
			t.Error("the summary is shown twice")
		}

		// English for an English user.
		en := f.Users[soroe.RoleOwner]
		en.Lang = soroe.LangEN
		if err := e.db.UpdateUser(context.Background(), en); err != nil {
			t.Fatal(err)
		}
		ce := e.loggedIn(t, en)
		ce.get(t, "/posts/import")
		r = ce.uploadPlan(t, "plan.csv", importBad, nil)
		for _, s := range []string{"2 problems found", "Line 3", "is in the past", "No connected account is called “公式Instagram”"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("English problem page lacks %q", s)
			}
		}

		// Staff may import too; their posts go to review.
		cs := e.loggedIn(t, f.Users[soroe.RoleStaff])
		want(t, cs.get(t, "/posts/import"), http.StatusOK)
	})
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (c *client) uploadPlanNoFile(t testing.TB) *resp {
	t.Helper()
	body, ct := multipartBody(t, map[string]string{"csrf_token": c.csrf}, nil)
	return c.do(t, http.MethodPost, "/posts/import", body, http.Header{"Content-Type": {ct}})
}

func TestImportAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		importAccounts(t, e, f)
		d := loadOpenAPI(t)
		route := "POST /api/v1/posts/import"
		csv := http.Header{"Content-Type": {"text/csv; charset=utf-8"}}
		n0 := postsOf(t, e, f.A.ID) // the fixture's own posts

		r := e.apiRaw(t, "POST", "/api/v1/posts/import", owner, strings.NewReader(importBad), csv)
		p := r.problem(t, http.StatusUnprocessableEntity, "invalid_plan")
		d.checkResponse(t, route, r)
		errs, _ := p["errors"].([]any)
		if len(errs) != 2 {
			t.Fatalf("errors: %v", p["errors"])
		}
		first := errs[0].(map[string]any)
		if first["line"] != float64(3) || first["column"] != "日時" || first["field"] != "scheduled_at" || first["code"] != "time_in_past" || first["message"] == "" {
			t.Errorf("first error: %v", first)
		}
		if postsOf(t, e, f.A.ID) != n0 {
			t.Fatal("a refused file created posts")
		}

		// JSON, dry run: 200, nothing created.
		r = e.api(t, "POST", "/api/v1/posts/import", owner, map[string]any{"content": importGood, "dry_run": true})
		want(t, r, http.StatusOK)
		d.checkResponse(t, route, r)
		if m := r.json(t); m["rows"] != float64(3) || m["dry_run"] != true || len(m["post_ids"].([]any)) != 0 || postsOf(t, e, f.A.ID) != n0 {
			t.Errorf("dry run: %v", m)
		}

		// Multipart: 201 with the IDs.
		body, ct := multipartBody(t, nil, &matFile{Name: "plan.csv", Type: "text/csv", Data: []byte(importGood)})
		r = e.apiRaw(t, "POST", "/api/v1/posts/import", owner, body, http.Header{"Content-Type": {ct}})
		want(t, r, http.StatusCreated)
		d.checkResponse(t, route, r)
		m := r.json(t)
		if ids, _ := m["post_ids"].([]any); len(ids) != 2 || m["state"] != soroe.PostScheduled {
			t.Errorf("created: %v", m)
		}
		// The same plan again: already planned, every row.
		r = e.apiRaw(t, "POST", "/api/v1/posts/import", owner, strings.NewReader(importGood), csv)
		p = r.problem(t, http.StatusUnprocessableEntity, "invalid_plan")
		if errs, _ := p["errors"].([]any); len(errs) != 3 || errs[0].(map[string]any)["code"] != "already_planned" {
			t.Errorf("again: %v", p["errors"])
		}

		r = e.apiRaw(t, "POST", "/api/v1/posts/import", owner, strings.NewReader("x"), http.Header{"Content-Type": {"image/png"}})
		want(t, r, http.StatusUnsupportedMediaType)
		d.checkResponse(t, route, r)
		// Staff's rows go to review, not straight to the schedule.
		staffPlan := strings.ReplaceAll(strings.ReplaceAll(importGood, "完成見学会", "構造見学会"), "大工の一日", "現場の一日")
		r = e.apiRaw(t, "POST", "/api/v1/posts/import", staff, strings.NewReader(staffPlan), csv)
		want(t, r, http.StatusCreated)
		d.checkResponse(t, route, r)
		for _, id := range r.json(t)["post_ids"].([]any) {
			p, err := e.db.Post(context.Background(), f.A.ID, int64(id.(float64)))
			if err != nil || p.State != soroe.PostInReview {
				t.Errorf("staff's imported post: %+v %v", p, err)
			}
		}
		r = e.api(t, "POST", "/api/v1/posts/import", owner, `{"text":1}`)
		want(t, r, http.StatusBadRequest)
		d.checkResponse(t, route, r)
		r = e.apiRaw(t, "POST", "/api/v1/posts/import", owner, strings.NewReader(strings.Repeat("a", importMaxBytes+2<<20)), csv)
		want(t, r, http.StatusRequestEntityTooLarge)
		d.checkResponse(t, route, r)
	})
}
