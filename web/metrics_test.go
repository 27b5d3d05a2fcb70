package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() {
	walkBodies["POST /api/v1/posts/{post}/metrics"] = `{"target_id":1,"metrics":{"likes":3}}`
	walkBodies["POST /api/v1/posts/{post}/metrics/refresh"] = `{}`
	walkBodies["PATCH /api/v1/accounts/{account}/metrics"] = `{"pull":false}`
	// The fixture's post is in review (nothing to record on) and pulls are
	// off in the test server (nothing to refresh).
	for _, p := range []string{
		"POST /api/v1/posts/{post}/metrics", "POST /api/v1/posts/{post}/metrics/refresh",
		"POST /posts/{post}/metrics", "POST /posts/{post}/metrics/refresh",
	} {
		walkDomainRefusals[p] = true
	}
}

// publishedPost is a post of the fixture's staff member published on a
// Mastodon account, with its target's remote ID 777.
func publishedPost(t *testing.T, e *env, f *fixture) (*soroe.Post, *soroe.Target, *soroe.Account) {
	t.Helper()
	ctx := context.Background()
	acc := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkMastodon, Name: "公式マストドン", Handle: "soroe"}
	if err := e.db.CreateAccount(ctx, acc, ""); err != nil {
		t.Fatal(err)
	}
	at := e.db.Now()
	p := &soroe.Post{OrgID: f.A.ID, AuthorID: f.Users[soroe.RoleStaff].ID, State: soroe.PostScheduled, ScheduledAt: &at}
	tg := &soroe.Target{AccountID: acc.ID, Text: "新しい採用説明会のお知らせ"}
	if err := e.db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := e.db.MarkSent(ctx, tg.ID, "777", "https://mastodon.example/@soroe/777"); err != nil {
		t.Fatal(err)
	}
	return p, tg, acc
}

func TestAPIPostMetricsByHandAndAnalytics(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		p, tg, acc := publishedPost(t, e, f)
		path := fmt.Sprintf("/api/v1/posts/%d/metrics", p.ID)
		r := e.api(t, http.MethodGet, path, staff, nil)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `"snapshots":[]`) {
			t.Errorf("no numbers yet: %s", r)
		}
		// Staff record on their own post.
		r = e.api(t, http.MethodPost, path, staff, map[string]any{"target_id": tg.ID, "metrics": map[string]int{"likes": 12, "impressions": 400, "replies": 3}})
		want(t, r, http.StatusOK)
		j := r.json(t)
		if j["snapshots_added"].(float64) != 1 {
			t.Errorf("snapshots_added: %s", r)
		}
		r = e.api(t, http.MethodGet, path, owner, nil)
		want(t, r, http.StatusOK)
		body := r.Body
		for _, s := range []string{`"likes":12`, `"impressions":400`, `"per":"impressions"`, `"source":"manual"`} {
			if !strings.Contains(body, s) {
				t.Errorf("metrics lack %s: %s", s, body)
			}
		}
		// Bad input: unknown metric, negative, not a published target.
		e.api(t, http.MethodPost, path, owner, map[string]any{"target_id": tg.ID, "metrics": map[string]int{"hearts": 1}}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		e.api(t, http.MethodPost, path, owner, map[string]any{"target_id": tg.ID, "metrics": map[string]int{"likes": -1}}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		e.api(t, http.MethodPost, path, owner, map[string]any{"target_id": tg.ID + 1000, "metrics": map[string]int{"likes": 1}}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)

		// The analytics list holds the post and an imported external one.
		_, err := e.db.ImportMetrics(context.Background(), store.MetricImport{OrgID: f.A.ID, AccountID: acc.ID, Format: "generic", FileName: "a.csv", SHA256: "h1"},
			func(put func(store.ImportRecord) error) error {
				v := int64(50)
				return put(store.ImportRecord{Post: &store.ImportPost{Line: 2, RemoteID: "888", Text: "手で投稿した告知", PublishedAt: e.db.Now().Add(-time.Hour),
					Readings: []soroe.Reading{{Metric: soroe.PostLikes, Value: &v}}}})
			})
		if err != nil {
			t.Fatal(err)
		}
		r = e.api(t, http.MethodGet, "/api/v1/analytics/posts?network=mastodon&limit=10", staff, nil)
		want(t, r, http.StatusOK)
		j = r.json(t)
		if j["total"].(float64) != 2 {
			t.Fatalf("total: %s", r)
		}
		posts := j["posts"].([]any)
		first, second := posts[0].(map[string]any), posts[1].(map[string]any)
		if first["external"] != false || first["metrics"].(map[string]any)["likes"].(float64) != 12 || first["text"] != "新しい採用説明会のお知らせ" {
			t.Errorf("first: %v", first)
		}
		if second["external"] != true || second["remote_id"] != "888" || second["metrics"].(map[string]any)["likes"].(float64) != 50 {
			t.Errorf("second: %v", second)
		}
		r = e.api(t, http.MethodGet, fmt.Sprintf("/api/v1/analytics/posts?goal=%d", 99999), staff, nil)
		want(t, r, http.StatusOK)
		if r.json(t)["total"].(float64) != 0 {
			t.Errorf("goal filter: %s", r)
		}
		e.api(t, http.MethodGet, "/api/v1/analytics/posts?from=yesterday", staff, nil).problem(t, http.StatusBadRequest, "bad_query")

		// Account metrics: turn pulls off; staff may not.
		apath := fmt.Sprintf("/api/v1/accounts/%d/metrics", acc.ID)
		e.api(t, http.MethodPatch, apath, staff, `{"pull":false}`).problem(t, http.StatusForbidden, soroe.EForbidden)
		r = e.api(t, http.MethodPatch, apath, owner, `{"pull":false}`)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `"metrics_pull":false`) {
			t.Errorf("pull not off: %s", r)
		}
		// Another organization sees nothing.
		outsider := e.token(t, f.B, f.Outsider)
		e.api(t, http.MethodGet, path, outsider, nil).problem(t, http.StatusNotFound, soroe.ENotFound)
		e.api(t, http.MethodGet, apath, outsider, nil).problem(t, http.StatusNotFound, soroe.ENotFound)
	})
}

func TestStaffRecordOnlyOwnPosts(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		p, tg, _ := publishedPost(t, e, f)
		other := e.token(t, f.A, f.Member) // staff, not the author
		e.api(t, http.MethodPost, fmt.Sprintf("/api/v1/posts/%d/metrics", p.ID), other,
			map[string]any{"target_id": tg.ID, "metrics": map[string]int{"likes": 1}}).problem(t, http.StatusForbidden, soroe.EForbidden)
		// The post page's form records too.
		c := e.loggedIn(t, f.Users[soroe.RoleStaff])
		r := c.post(t, fmt.Sprintf("/posts/%d/metrics", p.ID), url.Values{"target_id": {fmt.Sprint(tg.ID)}, "m_likes": {"1,204"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("form: %d %s", r.Status, r)
		}
		ls, _ := e.db.PostLatestMetrics(context.Background(), f.A.ID, p.ID)
		if len(ls) != 1 {
			t.Fatal("nothing recorded")
		}
		if v, _ := ls[0].Value(soroe.PostLikes); v != 1204 {
			t.Errorf("likes = %d", v)
		}
		page := c.get(t, fmt.Sprintf("/posts/%d", p.ID))
		want(t, page, http.StatusOK)
		for _, s := range []string{"数値", "いいね", "1,204", "手入力", `role="img"`, `name="m_likes"`} {
			if !strings.Contains(page.Body, s) {
				t.Errorf("post page lacks %q", s)
			}
		}
	})
}

func TestRegisterAccountWithoutAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		e.api(t, http.MethodPost, "/api/v1/accounts", owner, `{"network":"x","no_api":true}`).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		e.api(t, http.MethodPost, "/api/v1/accounts", owner, `{"network":"manual","handle":"a","no_api":true}`).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		e.api(t, http.MethodPost, "/api/v1/accounts", staff, `{"network":"x","handle":"soroe_jp","no_api":true}`).problem(t, http.StatusForbidden, soroe.EForbidden)
		r := e.api(t, http.MethodPost, "/api/v1/accounts", owner, `{"network":"x","name":"X 公式","handle":"soroe_jp","no_api":true}`)
		want(t, r, http.StatusCreated)
		j := r.json(t)
		if j["no_api"] != true || j["network"] != "x" || j["handle"] != "soroe_jp" {
			t.Errorf("registered: %s", r)
		}
		// The UI form does the same.
		c := e.loggedIn(t, f.Users[soroe.RoleManager])
		res := c.post(t, "/accounts", url.Values{"no_api": {"on"}, "network": {"instagram"}, "handle": {"soroe.jp"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("form: %d %s", res.Status, res)
		}
		page := c.get(t, "/accounts")
		if !strings.Contains(page.Body, "API なし") || !strings.Contains(page.Body, "soroe.jp") {
			t.Errorf("accounts page lacks the no-API account")
		}
	})
}

func TestAccountNumbersPage(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		ctx := context.Background()
		_, _, acc := publishedPost(t, e, f)
		xa := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "X 公式", Handle: "soroe_jp"}
		if err := e.db.CreateAccount(ctx, xa, ""); err != nil {
			t.Fatal(err)
		}
		for i, n := range []int64{1200, 1234} {
			day := soroe.DateOf(e.db.Now(), f.A.Location()).AddDays(i - 1)
			if err := e.db.RecordFollowers(ctx, f.A.ID, soroe.FollowerCount{AccountID: acc.ID, Day: string(day), Followers: n, Source: soroe.SourceAPI}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.loggedIn(t, f.Users[soroe.RoleExecutive])
		r := c.get(t, fmt.Sprintf("/accounts/%d", acc.ID))
		want(t, r, http.StatusOK)
		body := html.UnescapeString(r.Body)
		for _, s := range []string{"フォロワー数", "1,234", "増減: +34", `role="img"`, "API からの数値取得"} {
			if !strings.Contains(body, s) {
				t.Errorf("account page lacks %q", s)
			}
		}
		if strings.Contains(r.Body, `name="pull"`) {
			t.Error("an executive sees the pull setting form")
		}
		r = e.api(t, http.MethodGet, fmt.Sprintf("/api/v1/accounts/%d/metrics", xa.ID), owner, nil)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `"billed":true`) {
			t.Errorf("X cost not billed: %s", r.Body)
		}
		m := e.loggedIn(t, f.Users[soroe.RoleManager])
		res := m.post(t, fmt.Sprintf("/accounts/%d/metrics", xa.ID), url.Values{})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("turn off: %d", res.Status)
		}
		if h, _ := e.db.AccountMetricsHealth(ctx, f.A.ID, xa.ID); h.Pull {
			t.Error("pulls still on")
		}
		if page := m.get(t, fmt.Sprintf("/accounts/%d", xa.ID)); !strings.Contains(page.Body, "オフ") {
			t.Errorf("page does not say off")
		}
	})
}

func init() {
	walkBodies["POST /api/v1/metrics/import"] = `{"content":"post_id,published_at,text,likes\nw1,2026-11-20T09:00:00+09:00,walk,1\n","dry_run":true}`
	// Without an account a post file is refused (422): the walk counts it
	// as through the role gate.
	walkDomainRefusals["POST /api/v1/metrics/import"] = true
	walkDomainRefusals["POST /metrics/import"] = true
	walkDomainRefusals["POST /metrics/import/confirm"] = true
}

func TestAPIMetricsImport(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		_, _, acc := publishedPost(t, e, f)
		csv := "post_id,published_at,text,likes,impressions\n777,2026-11-23T09:30:00+09:00,採用説明会,40,900\n900,2026-11-20T12:00:00+09:00,手で投稿,5,-\n"
		body := map[string]any{"content": csv, "account": acc.ID, "filename": "m.csv", "dry_run": true}
		r := e.api(t, http.MethodPost, "/api/v1/metrics/import", owner, body)
		want(t, r, http.StatusOK)
		j := r.json(t)
		if j["matched"].(float64) != 1 || j["external"].(float64) != 1 || j["dry_run"] != true {
			t.Fatalf("dry run: %s", r.Body)
		}
		body["dry_run"] = false
		r = e.api(t, http.MethodPost, "/api/v1/metrics/import", staff, body)
		want(t, r, http.StatusCreated)
		if r.json(t)["snapshots_added"].(float64) != 2 {
			t.Errorf("import: %s", r.Body)
		}
		r = e.api(t, http.MethodPost, "/api/v1/metrics/import", owner, body)
		want(t, r, http.StatusOK)
		if j := r.json(t); j["already_imported"] != true || j["snapshots_added"].(float64) != 0 {
			t.Errorf("again: %s", r.Body)
		}
		// A bad row: rejected whole with its line.
		bad := map[string]any{"content": "post_id,published_at,text,likes\n1,2026-11-20T09:00:00+09:00,a,12\n2,2026-11-20T09:00:00+09:00,b,many\n", "account": acc.ID}
		r = e.api(t, http.MethodPost, "/api/v1/metrics/import", owner, bad)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, `"line":3`) || !strings.Contains(r.Body, `"problems"`) {
			t.Errorf("bad file: %s", r.Body)
		}
		// Staff not posting to the account may not import for it.
		other := e.token(t, f.A, f.Member)
		e.api(t, http.MethodPost, "/api/v1/metrics/import", other, body).problem(t, http.StatusForbidden, soroe.EForbidden)
		// The raw body works too.
		raw := e.apiRaw(t, http.MethodPost, fmt.Sprintf("/api/v1/metrics/import?account=%d&dry_run=1", acc.ID), owner,
			strings.NewReader(csv), http.Header{"Content-Type": {"text/csv"}})
		want(t, raw, http.StatusOK)
	})
}

func TestMetricsImportPage(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		_, _, acc := publishedPost(t, e, f)
		// The fixture's own imports (its external post).
		logged, _ := e.db.MetricImports(context.Background(), f.A.ID, 10)
		c := e.loggedIn(t, f.Users[soroe.RoleManager])
		page := c.get(t, "/metrics/import")
		want(t, page, http.StatusOK)
		if !strings.Contains(page.Body, "数値の取り込み") || !strings.Contains(page.Body, "Meta Business Suite") {
			t.Errorf("upload page: %s", page)
		}
		csv := "post_id,published_at,text,likes\n777,2026-11-23T09:30:00+09:00,採用説明会,40\n"
		r := c.upload(t, "/metrics/import", map[string]string{"account": fmt.Sprint(acc.ID), "format": "auto"}, "file", "m.csv", csv)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "取り込む前の確認") || !strings.Contains(r.Body, "この内容で取り込む") {
			t.Fatalf("preview: %s", r)
		}
		tok := regexp.MustCompile(`name="token" value="([0-9a-f]+)"`).FindStringSubmatch(r.Body)
		if tok == nil {
			t.Fatal("no token")
		}
		if ls, _ := e.db.MetricImports(context.Background(), f.A.ID, 10); len(ls) != len(logged) {
			t.Fatal("the preview saved")
		}
		res := c.post(t, "/metrics/import/confirm", url.Values{"token": {tok[1]}, "account": {fmt.Sprint(acc.ID)}, "format": {"auto"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d %s", res.Status, res)
		}
		if ls, _ := e.db.MetricImports(context.Background(), f.A.ID, 10); len(ls) != len(logged)+1 {
			t.Fatal("nothing imported")
		}
		// A bad file shows its problems with line numbers.
		r = c.upload(t, "/metrics/import", map[string]string{"account": fmt.Sprint(acc.ID)}, "file", "bad.csv", "post_id,published_at,text,likes\n1,2026-11-20T09:00:00+09:00,a,xx\n")
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "取り込めません") || !strings.Contains(r.Body, "<td class=\"num\">2</td>") {
			t.Errorf("problems: %s", r.Body)
		}
		// Samples download.
		s := c.get(t, "/metrics/import/sample.csv?format=x-content")
		want(t, s, http.StatusOK)
	})
}

// upload posts a multipart form with one file.
func (c *client) upload(t testing.TB, path string, fields map[string]string, _ string, name, data string) *resp {
	t.Helper()
	if fields == nil {
		fields = map[string]string{}
	}
	fields["csrf_token"] = c.csrf
	body, ct := multipartBody(t, fields, &matFile{Name: name, Type: "text/csv", Data: []byte(data)})
	return c.do(t, http.MethodPost, path, body, http.Header{"Content-Type": {ct}})
}
