package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// setupBudget bounds the whole setup walk (sign-up, three steps, the goal
// pages, screenshots at two sizes of each).
const setupBudget = 90 * time.Second

// TestBrowserSetup signs a new owner up through the first-run page of a
// fresh server (no demo), walks the three-step setup as a newcomer would —
// 採用 and 資料請求 with the suggested KPIs, the starter 型 as offered, one
// invitation — lands on the home page, and checks the goal pages. Every
// page is photographed at desktop and phone sizes; any console error,
// uncaught exception or browser error log fails the test.
func TestBrowserSetup(t *testing.T) {
	if os.Getenv(envBrowser) != "1" {
		t.Skip("browser tests are off: set SOROE_TEST_BROWSER=1 (needs /usr/bin/chromium)")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s=1 but Chromium is missing: %v", envBrowser, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), setupBudget)
	defer cancel()
	artifacts := os.Getenv(envArtifacts)
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots go to %s", artifacts)

	data := t.TempDir()
	srv := startServe(t, data, "", "--log-level=warn")

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("accept-lang", "ja-JP,ja"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	problems := &pageProblems{}
	tab, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(problems.listen))
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	if _, err := chromedp.Call(tab, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}

	// The first-run page: the organization and its owner.
	must(t, "open the first-run page", chromedp.Do(tab,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=org_name]`)),
	))
	if loc, _ := chromedp.Run(tab, chromedp.Location()); loc != srv.URL+"/setup" {
		t.Errorf("a fresh server sent the browser to %s; want /setup", loc)
	}
	must(t, "fill in the first-run form", chromedp.Do(tab,
		chromedp.SendKeys(chromedp.CSS(`input[name=org_name]`), "揃え建設"),
		chromedp.SendKeys(chromedp.CSS(`input[name=name]`), "山田 花子"),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), "hanako@example.jp"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "a-long-enough-password"),
	))
	setupShoot(t, tab, "setup-0-first-run", artifacts)
	setupSubmit(t, tab, `form[action="/setup"] button[type=submit]`)
	must(t, "wait for the home page", chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`.setup-card`))))
	noProblems(t, problems, "first run")

	// The home page offers the three steps, none done yet.
	if got := text(t, tab, `.setup-card h2`); got != "はじめの3ステップ" {
		t.Errorf("setup card title %q", got)
	}
	if n := setupCount(t, tab, `.setup-card .setup-steps li`); n != 3 {
		t.Errorf("the card lists %d steps", n)
	}
	if n := setupCount(t, tab, `.setup-card .setup-steps li.done`); n != 0 {
		t.Errorf("%d steps done on a fresh organization", n)
	}
	setupShoot(t, tab, "setup-0-home-card", artifacts)

	// Step 1: choose 採用 and 資料請求; the suggested KPIs stay.
	setupSubmit(t, tab, `.setup-card a.btn.primary`)
	must(t, "wait for step 1", chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`form.setup-goals`))))
	if got := text(t, tab, `.setup-progress li.current`); !strings.Contains(got, "目的と KPI") {
		t.Errorf("step 1's progress shows %q as current", got)
	}
	must(t, "choose purposes", chromedp.Do(tab,
		chromedp.Click(chromedp.CSS(`input[name=purpose][value=recruiting]`)),
		chromedp.Click(chromedp.CSS(`input[name=purpose][value=lead_generation]`)),
		chromedp.WaitVisible(chromedp.CSS(`#purpose-recruiting .setup-purpose-fields`)),
		chromedp.WaitVisible(chromedp.CSS(`#purpose-lead_generation .setup-purpose-fields`)),
	))
	for sel, want := range map[string]string{
		`input[name="recruiting.title"]`:       "採用の応募を増やす",
		`select[name="recruiting.metric"]`:     "conversions",
		`input[name="recruiting.event"]`:       "application",
		`input[name="recruiting.target"]`:      "30",
		`input[name="lead_generation.title"]`:  "資料請求・問い合わせを増やす",
		`input[name="lead_generation.event"]`:  "document_download",
		`input[name="lead_generation.target"]`: "120",
	} {
		got, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS(sel)))
		must(t, "read "+sel, err)
		if got != want {
			t.Errorf("%s = %q; want %q", sel, got, want)
		}
	}
	// Unchosen purposes keep their fields folded away.
	hidden, err := chromedp.Run(tab, chromedp.Evaluate[bool](
		`document.querySelector("#purpose-awareness .setup-purpose-fields").offsetParent === null`))
	must(t, "check folding", err)
	if !hidden {
		t.Error("the fields of an unchosen purpose are shown")
	}
	setupShoot(t, tab, "setup-1-goals", artifacts)
	setupSubmit(t, tab, `form.setup-goals button[type=submit]`)
	noProblems(t, problems, "step 1")

	// Step 2: the starter 型 of both goals, all ticked; keep them.
	must(t, "wait for step 2", chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`.setup-starters`))))
	offered, checked := setupCount(t, tab, `input[name=starter]`), setupCount(t, tab, `input[name=starter]:checked`)
	if offered < 6 || checked != offered {
		t.Errorf("step 2 offers %d 型 with %d ticked; want at least 6, all ticked", offered, checked)
	}
	if got := text(t, tab, `.flash`); !strings.Contains(got, "目標を作成しました") {
		t.Errorf("flash after step 1: %q", got)
	}
	setupShoot(t, tab, "setup-2-templates", artifacts)
	setupSubmit(t, tab, `form.setup-templates button[type=submit]`)
	noProblems(t, problems, "step 2")

	// Step 3: invite one member of the field staff.
	must(t, "fill in an invitation", chromedp.Do(tab,
		chromedp.WaitVisible(chromedp.CSS(`select[name=role1]`)),
		chromedp.SetValue(chromedp.CSS(`select[name=role1]`), "staff"),
		chromedp.SendKeys(chromedp.CSS(`input[name=email1]`), "genba@example.jp"),
	))
	setupShoot(t, tab, "setup-3-team", artifacts)
	setupSubmit(t, tab, `form[action="/setup/team"] button[type=submit]`)
	must(t, "wait for the link", chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`.setup-links #invite-link-1`))))
	link, err := chromedp.Run(tab, chromedp.Value(chromedp.CSS(`#invite-link-1`)))
	must(t, "read the link", err)
	if !strings.HasPrefix(link, srv.URL+"/invite/") || setupCount(t, tab, `.setup-links .setup-link`) != 1 {
		t.Errorf("invitation link %q", link)
	}
	setupShoot(t, tab, "setup-3-team-link", artifacts)
	noProblems(t, problems, "step 3")

	// Finish: the home page, without the card.
	setupSubmit(t, tab, `form[action="/setup/finish"] button[type=submit]`)
	must(t, "wait for the home page", chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`body.in-app .page-head .badge`))))
	if loc, _ := chromedp.Run(tab, chromedp.Location()); loc != srv.URL+"/" {
		t.Errorf("after finishing the browser is at %s", loc)
	}
	if n := setupCount(t, tab, `.setup-card, .setup-reminder`); n != 0 {
		t.Error("the home page still shows the setup")
	}
	if got := text(t, tab, `.flash`); !strings.Contains(got, "完了") {
		t.Errorf("flash after finishing: %q", got)
	}
	setupShoot(t, tab, "setup-4-home", artifacts)
	noProblems(t, problems, "home")

	// What the setup made, as the store sees it.
	checkSetupStore(t, data)

	// The goals page lists both goals; the recruiting goal's page shows its
	// primary KPI and target.
	_, err = chromedp.RunResponse(tab, chromedp.Navigate(srv.URL+"/goals"))
	must(t, "open /goals", err)
	body := text(t, tab, `main`)
	for _, want := range []string{"採用の応募を増やす", "資料請求・問い合わせを増やす"} {
		if !strings.Contains(body, want) {
			t.Errorf("/goals does not list %q: %.300s", want, body)
		}
	}
	setupShoot(t, tab, "setup-5-goals", artifacts)
	href, err := chromedp.Run(tab, chromedp.Evaluate[string](
		`([...document.querySelectorAll("main a[href^='/goals/']")].find(a => a.textContent.includes("採用の応募を増やす")) || {}).getAttribute?.("href") || ""`))
	must(t, "find the goal's link", err)
	if href == "" {
		t.Fatal("no link to the recruiting goal on /goals")
	}
	_, err = chromedp.RunResponse(tab, chromedp.Navigate(srv.URL+href))
	must(t, "open the goal", err)
	body = text(t, tab, `main`)
	for _, want := range []string{"採用の応募を増やす", "応募", "30", "リンク"} {
		if !strings.Contains(body, want) {
			t.Errorf("the goal page lacks %q: %.400s", want, body)
		}
	}
	setupShoot(t, tab, "setup-6-goal", artifacts)
	noProblems(t, problems, "goal pages")
}

// setupShoot scrolls to the top (so that the sticky top bar sits where it
// belongs) and photographs the page at each viewport.
func setupShoot(t *testing.T, ctx context.Context, name, dir string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`))
	must(t, "scroll to the top", err)
	shoot(t, ctx, name, dir)
}

// setupSubmit clicks what sends a form (or follows a link) and waits for the
// next page's response.
func setupSubmit(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	must(t, "click "+css, err)
	if resp.Status >= 400 {
		t.Fatalf("after clicking %s: HTTP %d at %s", css, resp.Status, resp.URL)
	}
}

// setupCount returns how many elements match css.
func setupCount(t *testing.T, ctx context.Context, css string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+setupJS(css)+`).length`))
	must(t, "count "+css, err)
	return n
}

func setupJS(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// checkSetupStore checks, in the server's database, what the walk made:
// two goals with the suggested primary KPIs, library 型 for each, one
// invitation, and the setup done.
func checkSetupStore(t *testing.T, data string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	orgs, err := db.Orgs(ctx)
	if err != nil || len(orgs) != 1 {
		t.Fatalf("orgs: %d %v", len(orgs), err)
	}
	id := orgs[0].ID
	if s, _ := db.SetupStep(ctx, id); s != store.SetupDone {
		t.Errorf("setup step %q", s)
	}
	goals, _ := db.Goals(ctx, id)
	labels := map[soroe.Purpose]string{}
	for _, g := range goals {
		labels[g.Purpose] = g.PrimaryKPI().Label()
		tpls, _ := db.Templates(ctx, id, g.ID)
		if len(tpls) < 3 {
			t.Errorf("goal %q has %d 型", g.Title, len(tpls))
		}
		for _, tp := range tpls {
			if tp.Source != "library" {
				t.Errorf("型 %q has source %q", tp.Name, tp.Source)
			}
		}
	}
	if len(goals) != 2 || labels[soroe.PurposeRecruiting] != "conversions:application" || labels[soroe.PurposeLeadGeneration] != "conversions:document_download" {
		t.Errorf("goals: %v", labels)
	}
	if inv, _ := db.Invitations(ctx, id); len(inv) != 1 || inv[0].Role != soroe.RoleStaff || inv[0].Email != "genba@example.jp" {
		t.Errorf("invitations: %+v", inv)
	}
}
