package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/soroe/soroe/store"
)

// checkHistory has a staff member search the post history (投稿履歴) in
// Japanese — a two-character word, below the trigram index's length —
// then sort by score, with screenshots at desktop and phone widths.
func checkHistory(t *testing.T, browserCtx context.Context, srv *serveProc, data, artifacts string) {
	db, err := store.Open(t.Context(), store.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	orgs, err := db.Orgs(t.Context())
	if err != nil || len(orgs) == 0 {
		t.Fatalf("orgs: %v", err)
	}
	const word = "採用"
	_, total, err := db.AnalyticsPosts(t.Context(), store.AnalyticsFilter{OrgID: orgs[0].ID, Query: word})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 {
		t.Fatalf("the demo has no post with %q to find", word)
	}
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "staff@demo.soroe.local")
	must(t, "search the history", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/history"),
		chromedp.WaitVisible(chromedp.CSS(`#history-q`)),
		chromedp.SendKeys(chromedp.CSS(`#history-q`), word),
		chromedp.Click(chromedp.CSS(`.history-search button[type=submit]`)),
	))
	waitLoaded(t, ctx, "q=")
	must(t, "the results", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`.history-table`))))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".history-table tbody tr").length`))
	must(t, "count rows", err)
	if want := min(total, 50); rows != want {
		t.Errorf("%d rows for %q, the store finds %d", rows, word, want)
	}
	status := text(t, ctx, ".history-bar [role=status]")
	if !strings.Contains(status, fmt.Sprintf("%d 件中", total)) || !strings.Contains(status, "「"+word+"」を含む投稿") {
		t.Errorf("status line: %q", status)
	}
	if nav := navLabels(t, ctx); !strings.Contains(strings.Join(nav, "|"), "投稿履歴") {
		t.Errorf("nav %q lacks 投稿履歴", nav)
	}
	must(t, "sort by score", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.history-table th a[href*="sort=score"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.history-table th[aria-sort=descending] a[href*="sort=score"]`)),
	))
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#history-q").value`))
	must(t, "read the search box", err)
	if value != word {
		t.Errorf("the search box lost the query after sorting: %q", value)
	}
	shoot(t, ctx, "history", artifacts)
	// The field's 工夫メモ stand under their posts.
	must(t, "the whole history", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/history"),
		chromedp.WaitVisible(chromedp.CSS(`.history-table`)),
	))
	if memo := text(t, ctx, ".history-table .h-memo"); !strings.Contains(memo, "工夫メモ") {
		t.Errorf("the history shows no 工夫メモ: %q", memo)
	}
	// On a post's page the author edits it.
	must(t, "open a post with a memo", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.history-table tr:has(.h-memo) a.post-excerpt`)),
		chromedp.WaitVisible(chromedp.CSS(`#memo textarea[name=memo]`)),
	))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector("#memo textarea").value += "（反応が良かった）", true)`))
	must(t, "edit the memo", err)
	must(t, "save the memo", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#memo button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
		chromedp.WaitVisible(chromedp.CSS(`#memo .memo-body`)),
	))
	if f := text(t, ctx, "p.flash"); f != "工夫メモを保存しました。" {
		t.Errorf("after saving the memo: %q", f)
	}
	if body := text(t, ctx, "#memo .memo-body"); !strings.HasSuffix(body, "（反応が良かった）") {
		t.Errorf("the edited memo reads %q", body)
	}
	shoot(t, ctx, "post-memo", artifacts)
	must(t, "back to the history", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/history"),
		chromedp.WaitVisible(chromedp.CSS(`.history-table`)),
	))
	// The two latest 30 days side by side (the default comparison).
	must(t, "compare", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/history/compare"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.compare-table`)),
	))
	if s := text(t, ctx, ".compare-table"); !strings.Contains(s, "平均スコア") || !strings.Contains(s, "エンゲージメント率") {
		t.Errorf("compare table: %s", s)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	must(t, "screenshot", err)
	must(t, "save", os.WriteFile(filepath.Join(artifacts, "history-compare.png"), png, 0o644))
	noProblems(t, problems, "history")
}

// waitLoaded waits until the tab has loaded a page whose URL holds part
// (a click that submits a form returns before the next page is there).
func waitLoaded(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			fmt.Sprintf(`location.href.includes(%q) && document.readyState === "complete"`, part)))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no page with %q loaded (last error %v)", part, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
