package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() {
	// Every fixture's org A has an external post, the {external} of the
	// role walk; its text must never reach an outsider.
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		text := fmt.Sprintf("Alpha secret external post %d", seq.Add(1))
		acc := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "Alpha X", Handle: "alpha"}
		if err := e.db.CreateAccount(context.Background(), acc, ""); err != nil {
			t.Fatal(err)
		}
		id := importExternal(t, e, f.A.ID, acc.ID, text, e.db.Now().Add(-2*time.Hour), 120, 6)
		f.Wild["external"] = strconv.FormatInt(id, 10)
		f.Secrets = append(f.Secrets, text)
	})
}

// importExternal imports one external post of an account with its views
// and likes, and returns its ID.
func importExternal(t testing.TB, e *env, orgID, accountID int64, text string, at time.Time, views, likes int64) int64 {
	t.Helper()
	ctx := context.Background()
	n := seq.Add(1)
	remote := "ext" + strconv.FormatInt(n, 10)
	_, err := e.db.ImportMetrics(ctx, store.MetricImport{OrgID: orgID, AccountID: accountID, Format: "generic", FileName: "x.csv", SHA256: "sha" + remote},
		func(put func(store.ImportRecord) error) error {
			return put(store.ImportRecord{Post: &store.ImportPost{Line: 2, RemoteID: remote, URL: "https://x.example/alpha/status/" + remote, Text: text, PublishedAt: at,
				Readings: []soroe.Reading{{Metric: soroe.PostViews, Value: &views}, {Metric: soroe.PostLikes, Value: &likes}}}})
		})
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := e.db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: orgID, States: []string{store.HistoryExternal}, AccountID: accountID, Query: text})
	if err != nil || len(rows) != 1 {
		t.Fatalf("external post %q: %v %v", text, rows, err)
	}
	return rows[0].ID
}

// historySetup is org A with a published post of its staff member (likes
// 12 of 400 impressions, score 70, one comment), and an external post on
// the same account.
type historySetup struct {
	post     *soroe.Post
	target   *soroe.Target
	account  *soroe.Account
	external int64
}

func newHistorySetup(t *testing.T, e *env, f *fixture) *historySetup {
	t.Helper()
	ctx := context.Background()
	p, tg, acc := publishedPost(t, e, f) // 新しい採用説明会のお知らせ
	h := &historySetup{post: p, target: tg, account: acc}
	if _, err := e.db.RecordMetrics(ctx, f.A.ID, []store.MetricInput{{Subject: soroe.Subject{TargetID: tg.ID}, Source: soroe.SourceAPI,
		Readings: []soroe.Reading{count(soroe.PostImpressions, 400), count(soroe.PostLikes, 12)}}}); err != nil {
		t.Fatal(err)
	}
	score := int64(70)
	if err := e.db.SetScore(ctx, f.A.ID, soroe.Subject{TargetID: tg.ID}, &score, 1, `{"ja":["いいねが多い"],"en":["many likes"]}`); err != nil {
		t.Fatal(err)
	}
	if err := e.db.AddComment(ctx, f.A.ID, &soroe.Comment{PostID: p.ID, AuthorID: f.Users[soroe.RoleOwner].ID, Body: "良い投稿"}); err != nil {
		t.Fatal(err)
	}
	h.external = importExternal(t, e, f.A.ID, acc.ID, "中途採用の募集を始めました", e.db.Now().Add(-24*time.Hour), 300, 9)
	return h
}

func count(m soroe.PostMetric, v int64) soroe.Reading { return soroe.Reading{Metric: m, Value: &v} }

// historyLinks lists the row links of a history page, in order.
var historyLinkRE = regexp.MustCompile(`<a href="(/posts/\d+|/history/external/\d+)" class="post-excerpt">([^<]*)</a>`)

func historyLinks(body string) []string {
	var out []string
	for _, m := range historyLinkRE.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+" "+html.UnescapeString(m[2]))
	}
	return out
}

func TestHistoryPage(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		h := newHistorySetup(t, e, f)
		postLink := fmt.Sprintf("/posts/%d 新しい採用説明会のお知らせ", h.post.ID)
		extLink := fmt.Sprintf("/history/external/%d 中途採用の募集を始めました", h.external)
		for _, role := range soroe.Roles {
			c := e.loggedIn(t, f.Users[role])
			r := c.get(t, "/history")
			want(t, r, http.StatusOK)
			if !strings.Contains(r.Body, `href="/history" class="active" aria-current="page"`) || !strings.Contains(r.Body, "投稿履歴") {
				t.Errorf("%s: no active 投稿履歴 in the navigation", role)
			}
			// Newest first: the post, the external post of yesterday, the
			// fixture's external post of two hours ago in between.
			if got := historyLinks(r.Body); len(got) != 3 || got[0] != postLink || got[2] != extLink {
				t.Errorf("%s: rows %q", role, got)
			}
		}
		c := e.loggedIn(t, f.Users[soroe.RoleStaff])
		for q, wantRows := range map[string][]string{
			"採用":           {postLink, extLink}, // two characters
			"採用説明会":        {postLink},
			"募集 採用":        {extLink},
			"Alpha secret": nil, // the fixture's external post: one row
			"ご案内":          {},
		} {
			r := c.get(t, "/history?q="+url.QueryEscape(q))
			want(t, r, http.StatusOK)
			got := historyLinks(r.Body)
			if wantRows == nil {
				if len(got) != 1 {
					t.Errorf("q=%s: %q", q, got)
				}
				continue
			}
			if strings.Join(got, "|") != strings.Join(wantRows, "|") {
				t.Errorf("q=%s: %q, want %q", q, got, wantRows)
			}
			if !strings.Contains(r.Body, `value="`+html.EscapeString(q)+`"`) {
				t.Errorf("q=%s: the search box does not keep the query", q)
			}
		}
		// The row's figures: score, exposure with its kind, rate with its
		// denominator, comments.
		r := c.get(t, "/history?q="+url.QueryEscape("採用説明会"))
		for _, s := range []string{`<strong class="h-score">70</strong>`, "400<br><small class=\"muted\">インプレッション</small>", "3%<br><small class=\"muted\">インプレッションあたり</small>",
			`hstate-published">公開済み`, "公式マストドン", f.Users[soroe.RoleStaff].Name} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("row lacks %q", s)
			}
		}
		if !regexp.MustCompile(`data-label="コメント" class="num">1</td>`).MatchString(r.Body) {
			t.Error("comment count not shown")
		}
		// Filters: state, sort by score, a metric column, an account.
		r = c.get(t, "/history?state=external")
		if got := historyLinks(r.Body); len(got) != 2 || got[1] != extLink {
			t.Errorf("external only: %q", got)
		}
		r = c.get(t, "/history?sort=score")
		if got := historyLinks(r.Body); len(got) != 3 || got[0] != postLink {
			t.Errorf("by score: %q", got)
		}
		if !strings.Contains(r.Body, `aria-sort="descending"><a href="/history?order=asc&amp;sort=score">スコア ▼`) {
			t.Errorf("the score heading does not sort the other way")
		}
		r = c.get(t, "/history?sort=likes&order=asc")
		if got := historyLinks(r.Body); len(got) != 3 || got[1] != extLink || got[2] != postLink {
			t.Errorf("by likes, lowest first: %q", got)
		}
		if !strings.Contains(r.Body, `<th scope="col" class="num" aria-sort="ascending">いいね</th>`) {
			t.Error("no likes column when sorting by likes")
		}
		r = c.get(t, fmt.Sprintf("/history?account=%d&member=%d", h.account.ID, f.Users[soroe.RoleStaff].ID))
		if got := historyLinks(r.Body); len(got) != 1 || got[0] != postLink {
			t.Errorf("account and member: %q", got)
		}
		// The export links carry the filter.
		if !strings.Contains(r.Body, fmt.Sprintf(`href="/history/export.xlsx?account=%d&amp;member=%d"`, h.account.ID, f.Users[soroe.RoleStaff].ID)) {
			t.Errorf("the export link lacks the filter: %s", regexp.MustCompile(`href="/history/export[^"]*"`).FindAllString(r.Body, -1))
		}
		// A bad filter says which and why, in Japanese.
		r = c.get(t, "/history?score_min=150")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "スコア（下限）: スコアは 0〜100 の整数で入力してください。") {
			t.Errorf("bad score: %s", r)
		}
		r = c.get(t, "/history?score_min=80&score_max=20")
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "上限は下限以上にしてください。") {
			t.Errorf("score range: %s", r)
		}
	})
}

func TestHistoryPagination(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		acc := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkBluesky, Name: "青空", Handle: "b"}
		if err := e.db.CreateAccount(context.Background(), acc, ""); err != nil {
			t.Fatal(err)
		}
		for i := range historyPageSize + 5 {
			importExternal(t, e, f.A.ID, acc.ID, fmt.Sprintf("お知らせ第%d号", i+1), e.db.Now().Add(-time.Duration(i+3)*time.Hour), 10, 1)
		}
		c := e.loggedIn(t, f.Users[soroe.RoleExecutive])
		r := c.get(t, "/history?q="+url.QueryEscape("お知らせ"))
		got := historyLinks(r.Body)
		if len(got) != historyPageSize || !strings.HasSuffix(got[0], "お知らせ第1号") {
			t.Fatalf("page 1: %d rows, first %q", len(got), got[:1])
		}
		if !strings.Contains(r.Body, "55 件中 1〜50 件を表示") || !strings.Contains(r.Body, "1 / 2 ページ") {
			t.Errorf("page 1 counts missing")
		}
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(r.Body)
		if next == nil {
			t.Fatal("no next page link")
		}
		r = c.get(t, html.UnescapeString(next[1]))
		got = historyLinks(r.Body)
		if len(got) != 5 || !strings.HasSuffix(got[4], "お知らせ第55号") || !strings.Contains(r.Body, `rel="prev"`) || strings.Contains(r.Body, `rel="next"`) {
			t.Errorf("page 2: %q", got)
		}
	})
}

func TestExternalPostPage(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		h := newHistorySetup(t, e, f)
		score := int64(44)
		if err := e.db.SetScore(context.Background(), f.A.ID, soroe.Subject{ExternalID: h.external}, &score, 1, `{"ja":["表示回数に対していいねが少なめ"],"en":["few likes for the views"]}`); err != nil {
			t.Fatal(err)
		}
		c := e.loggedIn(t, f.Users[soroe.RoleStaff])
		r := c.get(t, fmt.Sprintf("/history/external/%d", h.external))
		want(t, r, http.StatusOK)
		for _, s := range []string{"中途採用の募集を始めました", "外部投稿", "公式マストドン", `<span class="score-value">44</span>`,
			"表示回数に対していいねが少なめ", "エンゲージメント率 3%（表示回数あたり）", `href="https://x.example/alpha/status/`, "<svg"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("external page lacks %q", s)
			}
		}
		if strings.Contains(r.Body, "metrics-entry") || strings.Contains(r.Body, "/metrics/refresh") {
			t.Error("an external post has no forms of a Soroe post")
		}
		// Another organization's member: not found.
		o := e.loggedIn(t, f.Outsider)
		if r := o.get(t, fmt.Sprintf("/history/external/%d", h.external)); r.Status != http.StatusNotFound || strings.Contains(r.Body, "中途採用") {
			t.Errorf("outsider: %s", r)
		}
		if r := o.get(t, "/history?q="+url.QueryEscape("採用")); r.Status != http.StatusOK || len(historyLinks(r.Body)) != 0 {
			t.Errorf("outsider's history shows A's posts: %q", historyLinks(r.Body))
		}
	})
}

func TestHistoryExport(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		h := newHistorySetup(t, e, f)
		// A text a spreadsheet would read as a formula.
		importExternal(t, e, f.A.ID, h.account.ID, `=HYPERLINK("https://evil.example","採用はこちら")`, e.db.Now().Add(-48*time.Hour), 50, 1)
		c := e.loggedIn(t, f.Users[soroe.RoleStaff])
		q := "?q=" + url.QueryEscape("採用") + "&sort=score"

		r := c.get(t, "/history/export.xlsx"+q)
		want(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="soroe-history-2026-11-23.xlsx"`) {
			t.Errorf("Content-Disposition %q", cd)
		}
		x, err := excelize.OpenReader(strings.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if sheets := x.GetSheetList(); len(sheets) != 1 || sheets[0] != "投稿履歴" {
			t.Fatalf("sheets %q", sheets)
		}
		rows, err := x.GetRows("投稿履歴")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 { // heading, the post (score 70), the external posts (no score) newest first
			t.Fatalf("%d rows: %q", len(rows), rows)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, name := range []string{"公開日時", "状態", "本文", "反応スコア", "インプレッション", "いいね", "エンゲージメント率", "率の分母", "Soroe の画面"} {
			if _, ok := col[name]; !ok {
				t.Fatalf("no column %q in %q", name, rows[0])
			}
		}
		get := func(row int, name string) string {
			if c := col[name]; c < len(rows[row]) {
				return rows[row][c]
			}
			return ""
		}
		if get(1, "本文") != "新しい採用説明会のお知らせ" || get(1, "状態") != "公開済み" || get(1, "反応スコア") != "70" ||
			get(1, "インプレッション") != "400" || get(1, "いいね") != "12" || get(1, "エンゲージメント率") != "3.00%" ||
			get(1, "率の分母") != "インプレッションあたり" || get(1, "公開日時") != "2026-11-23 09:30" || get(1, "社内コメント数") != "1" ||
			!strings.HasSuffix(get(1, "Soroe の画面"), fmt.Sprintf("/posts/%d", h.post.ID)) {
			t.Errorf("post row: %q", rows[1])
		}
		if get(2, "本文") != "中途採用の募集を始めました" || get(2, "状態") != "外部投稿" || get(2, "反応スコア") != "" || get(2, "表示回数（ビュー）") != "300" ||
			!strings.HasSuffix(get(2, "Soroe の画面"), fmt.Sprintf("/history/external/%d", h.external)) {
			t.Errorf("external row: %q", rows[2])
		}
		// Numbers are numbers, the formula-like text is text.
		cell, _ := excelize.CoordinatesToCellName(col["反応スコア"]+1, 2)
		if typ, err := x.GetCellType("投稿履歴", cell); err != nil || typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("score cell type %v %v", typ, err)
		}
		textCell, _ := excelize.CoordinatesToCellName(col["本文"]+1, 4)
		if f, _ := x.GetCellFormula("投稿履歴", textCell); f != "" || get(3, "本文") != `=HYPERLINK("https://evil.example","採用はこちら")` {
			t.Errorf("formula-like text: formula %q, value %q", f, get(3, "本文"))
		}

		r = c.get(t, "/history/export.csv"+q)
		want(t, r, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("CSV Content-Type %q", ct)
		}
		if !strings.HasPrefix(r.Body, "\ufeff公開日時,") {
			t.Fatalf("CSV does not start with the BOM and the heading: %q", r.Body[:min(40, len(r.Body))])
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != 4 {
			t.Fatalf("CSV: %d records, %v", len(recs), err)
		}
		if recs[1][col["本文"]] != "新しい採用説明会のお知らせ" || recs[1][col["反応スコア"]] != "70" || recs[1][col["エンゲージメント率"]] != "3%" {
			t.Errorf("CSV post row: %q", recs[1])
		}
		if got := recs[3][col["本文"]]; got != `'=HYPERLINK("https://evil.example","採用はこちら")` {
			t.Errorf("CSV formula-like text not neutralised: %q", got)
		}
		// English headings for an English reader; a bad filter is refused.
		en := e.loggedIn(t, f.Users[soroe.RoleOwner])
		en.post(t, "/lang", url.Values{"lang": {"en"}, "next": {"/history"}})
		r = en.get(t, "/history/export.csv"+q)
		if !strings.HasPrefix(r.Body, "\ufeffPublished,State,Network") || !strings.Contains(r.Body, ",Published,Mastodon,") {
			t.Errorf("English CSV: %q", r.Body[:min(200, len(r.Body))])
		}
		if r := c.get(t, "/history/export.xlsx?score_min=x"); r.Status != http.StatusBadRequest {
			t.Errorf("bad filter: %s", r)
		}
		// An outsider exports only their own organization's (nothing).
		r = e.loggedIn(t, f.Outsider).get(t, "/history/export.csv")
		if recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll(); err != nil || len(recs) != 1 {
			t.Errorf("outsider export: %d %v", len(recs), err)
		}
	})
}

// versionedPosts gives org A a 型 with two versions and one published post
// of each: v1 by the owner (impressions 1,000, likes 30, score 60), v2 by
// the staff member (impressions 500, likes 40, score 80).
func versionedPosts(t *testing.T, e *env, f *fixture) (tpl *soroe.Template, acc *soroe.Account) {
	t.Helper()
	ctx := context.Background()
	goal, _ := strconv.ParseInt(f.Wild["goal"], 10, 64)
	owner, staff := f.Users[soroe.RoleOwner], f.Users[soroe.RoleStaff]
	tpl = &soroe.Template{OrgID: f.A.ID, GoalID: goal, CreatedBy: owner.ID, TemplateBody: soroe.TemplateBody{
		Name: "社員紹介", Structure: "{名前}さんの紹介", Networks: []soroe.Network{soroe.NetworkMastodon},
		Frequency: soroe.Frequency{Count: 1, Per: "week", Weekdays: []time.Weekday{time.Friday}, Times: []string{"12:00"}}}}
	if err := e.db.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	body := tpl.TemplateBody
	body.Structure = "{名前}さんに聞きました"
	if _, err := e.db.UpdateTemplate(ctx, f.A.ID, tpl.ID, body, owner.ID); err != nil {
		t.Fatal(err)
	}
	tpl.Version = 2
	acc = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkMastodon, Name: "社員紹介アカウント", Handle: "staff"}
	if err := e.db.CreateAccount(ctx, acc, ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		ver          int
		author       *soroe.User
		impr, likes  int64
		score        int64
		text, remote string
	}{{1, owner, 1000, 30, 60, "社員紹介 第1回 山田さん", "v1"}, {2, staff, 500, 40, 80, "社員紹介 第2回 佐藤さん", "v2"}} {
		at := e.db.Now()
		tid := tpl.ID
		post := &soroe.Post{OrgID: f.A.ID, AuthorID: p.author.ID, State: soroe.PostScheduled, ScheduledAt: &at, TemplateID: &tid, TemplateVersion: p.ver}
		tg := &soroe.Target{AccountID: acc.ID, Text: p.text}
		if err := e.db.CreatePost(ctx, post, []*soroe.Target{tg}); err != nil {
			t.Fatal(err)
		}
		if ok, err := e.db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if err := e.db.MarkSent(ctx, tg.ID, p.remote, "https://mastodon.example/@staff/"+p.remote); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.RecordMetrics(ctx, f.A.ID, []store.MetricInput{{Subject: soroe.Subject{TargetID: tg.ID}, Source: soroe.SourceAPI,
			Readings: []soroe.Reading{count(soroe.PostImpressions, p.impr), count(soroe.PostLikes, p.likes)}}}); err != nil {
			t.Fatal(err)
		}
		if err := e.db.SetScore(ctx, f.A.ID, soroe.Subject{TargetID: tg.ID}, &p.score, 1, "{}"); err != nil {
			t.Fatal(err)
		}
	}
	return tpl, acc
}

// compareCells reads the compare table: figure → [A, B, difference].
var compareRowRE = regexp.MustCompile(`<th scope="row">([^<]+)</th>\s*<td class="num" data-label="A">([^<]*)(?:<br><small class="muted">([^<]*)</small>)?</td>\s*<td class="num" data-label="B">([^<]*)(?:<br><small class="muted">([^<]*)</small>)?</td>\s*<td class="num[^"]*" data-label="[^"]*">([^<]*)</td>`)

func compareCells(body string) map[string][]string {
	out := map[string][]string{}
	for _, m := range compareRowRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = []string{m[2], m[4], html.UnescapeString(m[6]), m[3], m[5]}
	}
	return out
}

func TestHistoryCompare(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		tpl, acc := versionedPosts(t, e, f)
		c := e.loggedIn(t, f.Users[soroe.RoleExecutive])
		id := strconv.FormatInt(tpl.ID, 10)

		// Two 型 versions; the default picks the 型's two latest.
		for _, path := range []string{"/history/compare?by=template&a=" + id + ":1&b=" + id + ":2", "/history/compare?by=template&account=" + strconv.FormatInt(acc.ID, 10)} {
			r := c.get(t, path)
			want(t, r, http.StatusOK)
			cells := compareCells(r.Body)
			for fig, w := range map[string][]string{
				"投稿数": {"1", "1", "0"}, "平均スコア": {"60", "80", "+20"}, "インプレッション（合計）": {"1,000", "500", "-500"},
				"エンゲージメント（合計）": {"30", "40", "+10"}, "エンゲージメント率": {"3%", "8%", "+5 ポイント", "インプレッションあたり", "インプレッションあたり"},
			} {
				if got := cells[fig]; len(got) < len(w) || strings.Join(got[:len(w)], "|") != strings.Join(w, "|") {
					t.Errorf("%s: %s = %q, want %q", path, fig, got, w)
				}
			}
			if !strings.Contains(r.Body, "A: 社員紹介 v1") || !strings.Contains(r.Body, "B: 社員紹介 v2") {
				t.Errorf("%s: side labels missing", path)
			}
			if !strings.Contains(r.Body, "A: 1 件（エンゲージメント 30 ÷ 表示 1,000）") {
				t.Errorf("%s: the rate's denominator is not named", path)
			}
			if !strings.Contains(r.Body, `href="/history?template=`+id+`%3A1"`) && !strings.Contains(r.Body, `template=`+id+`%3A1`) {
				t.Errorf("%s: no link to side A's posts", path)
			}
		}
		// Two members.
		r := c.get(t, fmt.Sprintf("/history/compare?by=member&a=%d&b=%d", f.Users[soroe.RoleOwner].ID, f.Users[soroe.RoleStaff].ID))
		if cells := compareCells(r.Body); strings.Join(cells["平均スコア"][:3], "|") != "60|80|+20" {
			t.Errorf("members: %q", cells)
		}
		// Two periods: the last 30 days (every post) against the 30 before
		// (none); the default is the same.
		for _, path := range []string{"/history/compare", "/history/compare?by=period&a_from=2026-09-25&a_to=2026-10-24&b_from=2026-10-25&b_to=2026-11-23"} {
			r = c.get(t, path)
			want(t, r, http.StatusOK)
			cells := compareCells(r.Body)
			if strings.Join(cells["投稿数"][:3], "|") != "0|3|+3" || cells["平均スコア"][0] != "—" || cells["平均スコア"][2] != "—" {
				t.Errorf("%s periods: %q", path, cells)
			}
			if !strings.Contains(r.Body, "A: 2026-09-25〜2026-10-24") {
				t.Errorf("%s: period label missing", path)
			}
		}
		// Refusals.
		if r := c.get(t, "/history/compare?by=colour"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "比べる対象は period") {
			t.Errorf("bad by: %s", r)
		}
		if r := c.get(t, fmt.Sprintf("/history/compare?by=member&a=%d&b=%d", f.Outsider.ID, f.Users[soroe.RoleStaff].ID)); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("a non-member: %s", r)
		}
		// The API gives the same figures.
		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		r = e.api(t, http.MethodGet, "/api/v1/history/compare?by=template&a="+id+":1&b="+id+":2", tok, nil)
		want(t, r, http.StatusOK)
		j := r.json(t)
		a, b := j["a"].(map[string]any)["summary"].(map[string]any), j["b"].(map[string]any)["summary"].(map[string]any)
		if a["posts"].(float64) != 1 || a["average_score"].(float64) != 60 || b["engagement_rate"].(float64) != 0.08 || b["rate_per"].([]any)[0] != "impressions" {
			t.Errorf("API compare: %s", r)
		}
		e.api(t, http.MethodGet, "/api/v1/history/compare?by=template&a=x", tok, nil).problem(t, http.StatusBadRequest, "bad_query")
	})
}

func TestHistoryAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		h := newHistorySetup(t, e, f)
		d := loadOpenAPI(t)
		r := e.api(t, http.MethodGet, "/api/v1/history?q="+url.QueryEscape("採用")+"&sort=score", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/history", r)
		j := r.json(t)
		posts := j["posts"].([]any)
		if j["total"].(float64) != 2 || len(posts) != 2 {
			t.Fatalf("search: %s", r)
		}
		first, second := posts[0].(map[string]any), posts[1].(map[string]any)
		if first["id"].(float64) != float64(h.post.ID) || first["state"] != "published" || first["comments"].(float64) != 1 ||
			first["score"].(map[string]any)["value"].(float64) != 70 || first["engagement_rate"].(map[string]any)["per"] != "impressions" {
			t.Errorf("first: %v", first)
		}
		if second["external"] != true || second["state"] != "external" || second["id"].(float64) != float64(h.external) {
			t.Errorf("second: %v", second)
		}
		for path, total := range map[string]float64{
			"/api/v1/history?state=external":                                   2,
			"/api/v1/history?state=published,external":                         3,
			"/api/v1/history?member=" + strconv.FormatInt(h.post.AuthorID, 10): 1,
			"/api/v1/history?from=2026-11-23&to=2026-11-23":                    2, // today in Tokyo: the post and the fixture's external post
			"/api/v1/history?score_min=71":                                     0,
			"/api/v1/history?limit=1&offset=1":                                 3,
		} {
			r := e.api(t, http.MethodGet, path, staff, nil)
			want(t, r, http.StatusOK)
			d.checkResponse(t, "GET /api/v1/history", r)
			if got := r.json(t)["total"].(float64); got != total {
				t.Errorf("%s: total %v, want %v", path, got, total)
			}
		}
		for path, field := range map[string]string{
			"/api/v1/history?sort=text":       "sort",
			"/api/v1/history?state=draft":     "state",
			"/api/v1/history?from=yesterday":  "from",
			"/api/v1/history?template=abc":    "template",
			"/api/v1/history?limit=-1":        "limit",
			"/api/v1/history?network=myspace": "network",
		} {
			r := e.api(t, http.MethodGet, path, staff, nil)
			if p := r.problem(t, http.StatusBadRequest, "bad_query"); p["field"] != field {
				t.Errorf("%s: field %v", path, p["field"])
			}
			d.checkResponse(t, "GET /api/v1/history", r)
		}
		r = e.api(t, http.MethodGet, "/api/v1/history/compare", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/history/compare", r)
		// An outsider's token reads its own organization: nothing of A.
		r = e.api(t, http.MethodGet, "/api/v1/history?q="+url.QueryEscape("採用"), e.token(t, f.B, f.Outsider), nil)
		if want(t, r, http.StatusOK); r.json(t)["total"].(float64) != 0 {
			t.Errorf("outsider: %s", r)
		}
	})
}
