package main

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/soroe/soroe/demo"
)

// checkPosts drives the post editor as staff in the demo: 「書く」 on the
// home page's next slot opens the editor filled in from the slot (its time
// in the organization's zone, the 型's accounts and text); choosing the
// Bluesky account and typing shows its count as you type, a text over
// Bluesky's 300 characters is flagged before saving, and the list, the
// editor and a post page render without console errors.
func checkPosts(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "staff@demo.soroe.local")

	// The home page lists the staff member's next slots, each with 「書く」.
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".home-slots a.slot-fill")].map(a => a.textContent.trim() + " " + a.getAttribute("href"))`))
	must(t, "read the home page's slots", err)
	if len(links) < 3 {
		t.Fatalf("the home page offers %d slots to write, want at least 3: %q", len(links), links)
	}
	label, href, _ := strings.Cut(links[0], " ")
	u, err := url.Parse(href)
	must(t, "parse "+href, err)
	slot, err := time.Parse(time.RFC3339, u.Query().Get("slot"))
	if label != "書く" || err != nil || u.Path != "/posts/new" || u.Query().Get("template") == "" {
		t.Fatalf("the first slot's link: %q %q (%v)", label, href, err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	must(t, "load Asia/Tokyo", err)
	must(t, "click 書く", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.home-slots a.slot-fill`)),
		chromedp.WaitVisible(chromedp.CSS(`textarea[data-post-text]`)),
	))
	type account struct {
		Network string
		Checked bool
	}
	type form struct {
		Schedule, Slot, Template, Text string
		Accounts                       []account
	}
	f, err := chromedp.Run(ctx, chromedp.Evaluate[form](`(() => {
		const v = s => (document.querySelector(s) || {}).value || "";
		return {schedule: v("input[name=scheduled_at]"), slot: v("select[name=slot_at]"), template: v("select[name=template]"),
			text: v("textarea[data-post-text]"),
			accounts: [...document.querySelectorAll("input[name=account]")].map(i => ({network: i.closest("label").querySelector(".badge.net").textContent.trim(), checked: i.checked}))};
	})()`))
	must(t, "read the form", err)
	if want := slot.In(tokyo).Format("2006-01-02T15:04"); f.Schedule != want {
		t.Errorf("the schedule is %q, want the slot's time in Tokyo %q", f.Schedule, want)
	}
	if f.Slot != slot.UTC().Format(time.RFC3339) || f.Template != u.Query().Get("template") || strings.TrimSpace(f.Text) == "" || len(f.Accounts) == 0 {
		t.Errorf("the form from the slot: %+v", f)
	}
	shoot(t, ctx, "post-from-slot", artifacts)
	// The accounts chosen are the connected ones of the 型's networks.
	must(t, "open the 型", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/templates/"+f.Template), chromedp.WaitVisible(chromedp.CSS(`.tpl-networks`))))
	nets, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".tpl-networks li")].map(li => li.textContent.trim())`))
	must(t, "read the 型's networks", err)
	for _, a := range f.Accounts {
		if a.Checked != slices.Contains(nets, a.Network) {
			t.Errorf("a %s account is checked=%v for a 型 of %v", a.Network, a.Checked, nets)
		}
	}
	// Next week's plan: every open slot of the staff member's has 「書く」.
	must(t, "open next week's plan", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/plan?week="+time.Now().AddDate(0, 0, 7).Format("2006-01-02")),
		chromedp.WaitVisible(chromedp.CSS(`#mine`))))
	if lead := text(t, ctx, "#mine p.muted"); strings.Contains(lead, "今週") {
		t.Errorf("next week's plan says 今週: %q", lead)
	}
	shoot(t, ctx, "plan-next-week-staff", artifacts)

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
