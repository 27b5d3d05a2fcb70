package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
