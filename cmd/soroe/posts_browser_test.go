package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/soroe/soroe/demo"
)

// checkPosts drives the post editor as staff in the demo: choosing the
// Bluesky account and typing shows its count as you type, a text over
// Bluesky's 300 characters is flagged before saving, and the list, the
// editor and a post page render without console errors.
func checkPosts(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "staff@demo.soroe.local")
	must(t, "open the editor", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/posts/new"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[data-post-text]`)),
	))
	// The Bluesky account of the demo.
	must(t, "choose Bluesky", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[data-network="bluesky"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[data-post-text]`), "完成見学会のお知らせ"),
	))
	waitLive := func(want string) string {
		t.Helper()
		var got string
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("[data-live-lines]")||{}).textContent||""`))
			must(t, "read the live check", err)
			if got = s; strings.Contains(got, want) {
				return got
			}
			time.Sleep(150 * time.Millisecond)
		}
		t.Fatalf("the live check never showed %q (it shows %q)", want, got)
		return ""
	}
	waitLive("10 / 300")
	must(t, "type a long text", chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`textarea[data-post-text]`), strings.Repeat("長", 300))))
	if got := waitLive("310 / 300"); !strings.Contains(got, "長すぎます") {
		t.Errorf("a text over Bluesky's limit is not flagged: %q", got)
	}
	for _, p := range []string{"/posts", "/posts?tab=review", "/notifications"} {
		must(t, "open "+p, chromedp.Do(ctx, chromedp.Navigate(srv.URL+p), chromedp.WaitVisible(chromedp.CSS(`main h1`))))
	}
	// The first post of the list opens.
	must(t, "open a post", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/posts"),
		chromedp.Click(chromedp.CSS(`table.post-table a.post-excerpt`)),
		chromedp.WaitVisible(chromedp.CSS(`.post-history`)),
	))
	shoot(t, ctx, "post-staff", artifacts)
	noProblems(t, problems, "posts")
}

// checkDemoStory walks what the demo tells: the executive's home lists no
// failed post they could not fix, and a page they may not open says who
// may; 広報's home lists the failed post, whose page shows its photo and
// Bluesky's reason, and the list and the calendar say which by-hand post
// is still owed.
func checkDemoStory(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "exec@demo.soroe.local")
	if s := text(t, ctx, "main"); strings.Contains(s, "投稿に失敗したもの") {
		t.Errorf("the executive's home lists failed posts: %s", s)
	}
	must(t, "open the editor as the executive", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/posts/new"),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	))
	if s := text(t, ctx, "main"); !strings.Contains(s, "この操作の権限がありません") || !strings.Contains(s, "経営層の役割ではできません") ||
		!strings.Contains(s, "オーナー・広報・現場") || !strings.Contains(s, "鈴木 美咲さん（広報）") {
		t.Errorf("the 403 page: %s", s)
	}
	shoot(t, ctx, "forbidden-executive", artifacts)
	// The browser logs the 403 itself; anything else is a problem.
	for _, m := range problems.take() {
		if !strings.Contains(m, "status of 403") {
			t.Errorf("403 page: %s", m)
		}
	}

	ctx, problems = newTab(t, browserCtx)
	login(t, ctx, srv, "pr@demo.soroe.local")
	if s := text(t, ctx, "main"); !strings.Contains(s, "投稿に失敗したもの") {
		t.Errorf("広報's home lists no failed post: %s", s)
	}
	must(t, "open the failed post", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/posts?tab=failed"),
		chromedp.Click(chromedp.CSS(`table.post-table a.post-excerpt`)),
		chromedp.WaitVisible(chromedp.CSS(`.post-history`)),
	))
	if s := text(t, ctx, "main"); !strings.Contains(s, "nisetai-mizumawari.jpg") || !strings.Contains(s, "画像がこの SNS の上限サイズを超えています") {
		t.Errorf("the failed post: %s", s)
	}
	// Its photo is there: the page's image loads as a JPEG.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`fetch(document.querySelector(".post-media-list img").src).then(r => r.status + " " + r.headers.get("content-type"))`,
		chromedp.EvalAwaitPromise))
	if err != nil || got != "200 image/jpeg" {
		t.Errorf("the failed post's photo: %q %v", got, err)
	}
	shoot(t, ctx, "post-failed", artifacts)
	owed := demo.AccountManual + ": 未投稿"
	must(t, "open the list", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/posts"), chromedp.WaitVisible(chromedp.CSS(`table.post-table`))))
	if s := text(t, ctx, "table.post-table"); !strings.Contains(s, owed) || !strings.Contains(s, "一部公開済み") {
		t.Errorf("the list does not say what is owed: %s", s)
	}
	shoot(t, ctx, "posts-manager", artifacts)
	day := time.Now().In(time.FixedZone("JST", 9*3600)).AddDate(0, 0, -3).Format("2006-01-02")
	must(t, "open the calendar", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/calendar?view=week&date="+day), chromedp.WaitVisible(chromedp.CSS(`.cal`))))
	if s := text(t, ctx, ".cal"); !strings.Contains(s, owed) || !strings.Contains(s, "一部投稿済み") {
		t.Errorf("the calendar does not say what is owed: %s", s)
	}
	shoot(t, ctx, "calendar-manager", artifacts)
	noProblems(t, problems, "demo story")
}
