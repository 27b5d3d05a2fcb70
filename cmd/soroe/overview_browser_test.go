package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// checkOverview has the executive open the overview (成果の概要) in
// Japanese: the goals with their charts, the networks' table, then last
// month, a goal's page from it, and the numbers behind a chart; with
// screenshots at desktop and phone widths.
func checkOverview(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "exec@demo.soroe.local")
	must(t, "open the overview", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/overview"),
		chromedp.WaitVisible(chromedp.CSS(`.ov-goal`)),
	))
	if nav := navLabels(t, ctx); !strings.Contains(strings.Join(nav, "|"), "成果の概要") {
		t.Errorf("nav %q lacks 成果の概要", nav)
	}
	goals, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".ov-goal svg.chart").length`))
	must(t, "count the goal charts", err)
	if goals == 0 {
		t.Error("no goal has a chart on the overview")
	}
	if head := text(t, ctx, ".ov-net-table thead"); !strings.Contains(head, "エンゲージメント率") || !strings.Contains(head, "÷ 表示回数") {
		t.Errorf("networks table head: %q", head)
	}
	shoot(t, ctx, "overview", artifacts)

	// Last month, then the numbers behind the first chart.
	must(t, "last month", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.ov-tabs a[href$="period=last_month"]`)),
	))
	waitLoaded(t, ctx, "period=last_month")
	if active := text(t, ctx, ".ov-tabs a.active"); active != "先月" {
		t.Errorf("active period %q", active)
	}
	must(t, "show a chart's table", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.ov-goal .ov-chart details summary`)),
		chromedp.WaitVisible(chromedp.CSS(`.ov-goal .ov-chart details table`)),
	))
	if rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelector(".ov-goal .ov-chart details table").tBodies[0].rows.length`)); err != nil || rows == 0 {
		t.Errorf("the chart's table has %d rows (%v)", rows, err)
	}
	shoot(t, ctx, "overview-last-month", artifacts)
	title := text(t, ctx, ".ov-goal h3 a")
	must(t, "open a goal", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.ov-goal h3 a`)),
	))
	waitLoaded(t, ctx, "/goals/")
	if h1 := text(t, ctx, "h1"); !strings.Contains(h1, title) {
		t.Errorf("goal page %q, want %q", h1, title)
	}
	// The latest monthly report (the demo has two), then a share link that
	// someone without an account opens.
	must(t, "open the reports", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/reports"),
		chromedp.WaitVisible(chromedp.CSS(`.act-list a.act-title`)),
		chromedp.Click(chromedp.CSS(`.act-list a.act-title`)),
	))
	waitLoaded(t, ctx, "/reports/")
	if h1 := text(t, ctx, "h1"); !strings.Contains(h1, "月次レポート") {
		t.Errorf("report h1 %q", h1)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".rep-section").length`)); err != nil || n < 8 {
		t.Errorf("%d report sections (%v)", n, err)
	}
	shoot(t, ctx, "report", artifacts)
	must(t, "share it", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form[action$="/share"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-url`)),
	))
	link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#share-url").value`))
	must(t, "read the share link", err)
	guest, guestProblems := newTab(t, browserCtx)
	must(t, "open the share link", chromedp.Do(guest,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`.rep-section`)),
	))
	if note := text(t, guest, ".hint"); !strings.Contains(note, "共有リンクで表示しています") {
		t.Errorf("shared page note %q", note)
	}
	noProblems(t, guestProblems, "shared report")
	noProblems(t, problems, "overview")
}

// checkManagerActions has the manager go from the approval queue on the
// home page to the insights, turn one into an action for the staff member
// and see it on the action's page.
func checkManagerActions(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "pr@demo.soroe.local")
	if home := text(t, ctx, "main"); !strings.Contains(home, "承認待ち") || !strings.Contains(home, "気づき") {
		t.Errorf("the manager's home lacks the approval queue or the insights: %.300q", home)
	}
	must(t, "open the insights", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.home-insights a[href="/insights"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.ins-list`)),
	))
	insight := text(t, ctx, ".ins-list .ins-text")
	shoot(t, ctx, "insights", artifacts)
	must(t, "make it an action", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.ins-list a.btn[href^="/actions?"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#act-new`)),
	))
	if src := text(t, ctx, ".act-source"); !strings.Contains(src, insight) {
		t.Errorf("the form's source %q, want the insight %q", src, insight)
	}
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const owner = document.querySelector(".act-form select[name=owner_id]");
		owner.value = [...owner.options].find(o => o.textContent.includes("現場")).value;
		document.querySelector(".act-form input[name=due_on]").value = "2026-12-25";
		return true;
	})()`))
	must(t, "fill in the owner and the day", err)
	must(t, "create the action", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.act-form button[type=submit]`)),
	))
	waitLoaded(t, ctx, "/actions/")
	if f := text(t, ctx, "p.flash"); f != "対応策をつくりました。" {
		t.Errorf("after creating: %q", f)
	}
	if facts := text(t, ctx, ".act-facts"); !strings.Contains(facts, "田中 翔太") || !strings.Contains(facts, "2026-12-25") || !strings.Contains(facts, "気づき") {
		t.Errorf("the action's facts: %q", facts)
	}
	shoot(t, ctx, "action", artifacts)
	// The 総評 of the latest report, written before it goes out.
	must(t, "open the latest report", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/reports"),
		chromedp.WaitVisible(chromedp.CSS(`.act-list a.act-title`)),
		chromedp.Click(chromedp.CSS(`.act-list a.act-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#summary textarea[name=keep]`)),
	))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector("#summary textarea[name=keep]").value = "採用の投稿は18時がよく見られた", true)`))
	must(t, "write Keep", err)
	must(t, "save the 総評", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#summary button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash`)),
	))
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#summary textarea[name=keep]").value`)); err != nil || v != "採用の投稿は18時がよく見られた" {
		t.Errorf("Keep after saving %q (%v)", v, err)
	}
	noProblems(t, problems, "manager actions")
}

// checkStaffResults has the staff member open 「わたしの成果」 from the
// home page, last month's, the best post's score breakdown, and write a
// memo from the list.
func checkStaffResults(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "staff@demo.soroe.local")
	must(t, "my week", chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`.home-mine`)),
		chromedp.Click(chromedp.CSS(`.home-mine a[href^="/results"]`)),
	))
	waitLoaded(t, ctx, "/results")
	must(t, "last month", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.ov-tabs a[href$="period=last_month"]`)),
	))
	waitLoaded(t, ctx, "period=last_month")
	if h1 := text(t, ctx, "h1"); h1 != "わたしの成果" {
		t.Errorf("h1 %q", h1)
	}
	shoot(t, ctx, "my-results", artifacts)
	must(t, "the best post's breakdown", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.ef-best a.ef-more`)),
		chromedp.WaitVisible(chromedp.CSS(`#metrics`)),
	))
	if m := text(t, ctx, "#metrics"); !strings.Contains(m, "反応スコア") {
		t.Errorf("the score breakdown: %.200q", m)
	}
	must(t, "back to my results", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/results?period=last_month"),
		chromedp.WaitVisible(chromedp.CSS(`#ef-posts`)),
		chromedp.Click(chromedp.CSS(`.ov-post-list a.ef-more[href$="#memo"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#memo textarea[name=memo]`)),
		chromedp.SendKeys(chromedp.CSS(`#memo textarea[name=memo]`), "写真を明るめにした"),
		chromedp.Click(chromedp.CSS(`#memo button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#memo .memo-body`)),
	))
	if body := text(t, ctx, "#memo .memo-body"); !strings.Contains(body, "写真を明るめにした") {
		t.Errorf("the memo reads %q", body)
	}
	noProblems(t, problems, "staff results")
}
