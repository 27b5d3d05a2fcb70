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
	noProblems(t, problems, "overview")
}
