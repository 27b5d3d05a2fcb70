package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/soroe/soroe/store"
)

// checkMetrics walks the manager through the numbers: a published post's
// 「数値」 card with its chart, the account's page, and an import with its
// preview, in Japanese, with screenshots.
func checkMetrics(t *testing.T, browserCtx context.Context, srv *serveProc, data, artifacts string) {
	db, err := store.Open(t.Context(), store.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	orgs, err := db.Orgs(t.Context())
	if err != nil || len(orgs) == 0 {
		t.Fatalf("orgs: %v", err)
	}
	posts, _, err := db.AnalyticsPosts(t.Context(), store.AnalyticsFilter{OrgID: orgs[0].ID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	var postID, accountID int64
	var network string
	for _, p := range posts {
		if !p.External && p.Metrics != nil && len(p.Metrics.Readings) > 0 {
			postID, accountID, network = p.ID, p.AccountID, string(p.Network)
			break
		}
	}
	if postID == 0 {
		t.Fatal("the demo has no published post with numbers")
	}
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "pr@demo.soroe.local")
	must(t, "open the post", chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/posts/%d", srv.URL, postID)),
		chromedp.WaitVisible(chromedp.CSS(`#metrics svg.chart`)),
	))
	card := text(t, ctx, "#metrics")
	for _, s := range []string{"数値", "いいね", "出どころ", "API"} {
		if !strings.Contains(card, s) {
			t.Errorf("the post's 数値 card lacks %q: %s", s, card)
		}
	}
	save := func(name string) {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(t, "screenshot", err)
		must(t, "save", os.WriteFile(filepath.Join(artifacts, name), png, 0o644))
	}
	save("metrics-post.png")
	must(t, "open the account", chromedp.Do(ctx,
		chromedp.Navigate(fmt.Sprintf("%s/accounts/%d", srv.URL, accountID)),
		chromedp.WaitVisible(chromedp.CSS(`#acc-followers-h`)),
	))
	if s := text(t, ctx, "main"); !strings.Contains(s, "フォロワー数") || !strings.Contains(s, "API からの数値取得") {
		t.Errorf("account page: %s", s)
	}
	save("metrics-account.png")
	// An export of the same account: preview, then import.
	csv := filepath.Join(t.TempDir(), "export.csv")
	body := "post_id,published_at,network,text,likes,replies\n" +
		"b1,2026-11-02T12:00:00+09:00," + network + ",手で投稿した見学会のお知らせ,31,4\n" +
		"b2,2026-11-09T12:00:00+09:00," + network + ",\"職人の一日\n（写真つき）\",\"1,204\",12\n"
	must(t, "write the export", os.WriteFile(csv, []byte(body), 0o600))
	must(t, "upload", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/metrics/import"),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/metrics/import"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=account]`), fmt.Sprint(accountID)),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type=file][name=file]`), []string{csv}),
		chromedp.Click(chromedp.CSS(`form[action="/metrics/import"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.import-preview`)),
	))
	if s := text(t, ctx, ".import-preview"); !strings.Contains(s, "外部投稿") || !strings.Contains(s, "2") {
		t.Errorf("preview: %s", s)
	}
	save("metrics-import-preview.png")
	must(t, "confirm", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action="/metrics/import/confirm"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#mi-log-h`)),
	))
	if s := text(t, ctx, "main"); !strings.Contains(s, "取り込みました") || !strings.Contains(s, "export.csv") {
		t.Errorf("after the import: %s", s)
	}
	noProblems(t, problems, "metrics")
}
