package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
)

// The browser tests drive the real server (serve --demo) with headless
// Chromium. They are off unless SOROE_TEST_BROWSER=1; .ci/run turns them on.
const (
	envBrowser     = "SOROE_TEST_BROWSER"
	envArtifacts   = "SOROE_TEST_ARTIFACTS"     // where screenshots go (default: a temporary directory)
	envScreenshots = "SOROE_UPDATE_SCREENSHOTS" // =1 rewrites docs/screenshot-home.png
	chromiumPath   = "/usr/bin/chromium"        // Debian's chromium package
	readmeShot     = "../../docs/screenshot-home.png"
	browserBudget  = 3 * time.Minute  // the whole test: every area's walk, on a busy machine
	roleBudget     = 20 * time.Second // one login, checks, screenshots, logout
)

// browserRole is one demo login and what its home page must show.
type browserRole struct {
	role        soroe.Role
	email       string
	badge       string // the role's label, in Japanese
	orgSettings bool   // whether the nav offers 組織の設定
}

var browserRoles = []browserRole{
	{soroe.RoleExecutive, "exec@demo.soroe.local", "経営層", false},
	{soroe.RoleManager, "pr@demo.soroe.local", "広報", false},
	{soroe.RoleStaff, "staff@demo.soroe.local", "現場", false},
	{soroe.RoleOwner, "owner@demo.soroe.local", "オーナー", true},
}

// viewports are the sizes each home page is checked and photographed at.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"desktop", 1280, 900, false},
	{"phone", 390, 844, true},
}

// pageProblems collects what a page reported as broken: console.error
// calls, uncaught exceptions and browser log entries at level error (a
// failed request, a blocked script, a CSP violation).
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

// listen is a chromedp listener. It runs on the tab's read loop: it only
// records.
func (p *pageProblems) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		var args []string
		for _, a := range ev.Args {
			switch {
			case len(a.Value) > 0:
				args = append(args, string(a.Value))
			case a.Description != "":
				args = append(args, a.Description)
			default:
				args = append(args, string(a.Type))
			}
		}
		msg = fmt.Sprintf("console.%s(%s)", ev.Type, strings.Join(args, ", "))
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg = "uncaught exception: " + d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		msg += fmt.Sprintf(" at %s:%d:%d", d.URL, d.LineNumber+1, d.ColumnNumber+1)
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level != cdplog.EntryLevelError {
			return
		}
		msg = fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	p.mu.Lock()
	p.list = append(p.list, msg)
	p.mu.Unlock()
}

// take returns the problems so far and forgets them.
func (p *pageProblems) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.list
	p.list = nil
	return l
}

// TestBrowserHome logs in as each demo role in headless Chromium, checks the
// role's home page and navigation, photographs it at desktop and phone
// widths, and logs out; then it switches one user to English. Any console
// error, uncaught exception or browser error log fails the test.
func TestBrowserHome(t *testing.T) {
	if os.Getenv(envBrowser) != "1" {
		t.Skip("browser tests are off: set SOROE_TEST_BROWSER=1 (needs /usr/bin/chromium)")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s=1 but Chromium is missing: %v", envBrowser, err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), browserBudget)
	defer cancel()

	artifacts := os.Getenv(envArtifacts)
	if artifacts == "" {
		artifacts = t.TempDir()
	} else if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots go to %s", artifacts)

	data := t.TempDir()
	srv := startServe(t, data, "", "--demo", "--log-level=warn")

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
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("accept-lang", "ja-JP,ja"), // as a browser in Japan: the login page in Japanese
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	start := time.Now()
	if err := chromedp.Do(browserCtx); err != nil { // starts Chromium
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	t.Logf("Chromium started in %s", time.Since(start).Round(time.Millisecond))

	t.Run("detector", func(t *testing.T) { checkDetector(t, browserCtx, srv) })
	var managerDesktop []byte
	for _, r := range browserRoles {
		t.Run(string(r.role), func(t *testing.T) {
			shots := checkRoleHome(t, browserCtx, srv, r, artifacts)
			if r.role == soroe.RoleManager {
				managerDesktop = shots["desktop"]
			}
		})
	}
	t.Run("english", func(t *testing.T) { checkEnglish(t, browserCtx, srv, artifacts) })
	t.Run("posts", func(t *testing.T) { checkPosts(t, browserCtx, srv, artifacts) })
	t.Run("story", func(t *testing.T) { checkDemoStory(t, browserCtx, srv, artifacts) })
	t.Run("unfinished", func(t *testing.T) { checkUnfinishedEditor(t, browserCtx, srv, artifacts) })
	t.Run("notifications", func(t *testing.T) { checkNotifications(t, browserCtx, srv, artifacts) })
	t.Run("metrics", func(t *testing.T) { checkMetrics(t, browserCtx, srv, data, artifacts) })
	t.Run("history", func(t *testing.T) { checkHistory(t, browserCtx, srv, data, artifacts) })
	t.Run("overview", func(t *testing.T) { checkOverview(t, browserCtx, srv, artifacts) })
	t.Run("manager-actions", func(t *testing.T) { checkManagerActions(t, browserCtx, srv, artifacts) })
	t.Run("staff-results", func(t *testing.T) { checkStaffResults(t, browserCtx, srv, artifacts) })

	if os.Getenv(envScreenshots) == "1" {
		if t.Failed() {
			t.Fatalf("not updating %s: the browser test failed", filepath.Clean(readmeShot))
		}
		if managerDesktop == nil {
			t.Fatal("no screenshot of the manager's home page to put in the README")
		}
		if err := os.WriteFile(readmeShot, managerDesktop, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", filepath.Clean(readmeShot))
	}
}

// newTab opens a tab in a fresh browser context (its own cookies) that
// records the page's problems. The tab closes when the test ends.
func newTab(t *testing.T, browserCtx context.Context) (context.Context, *pageProblems) {
	t.Helper()
	problems := &pageProblems{}
	tabCtx, cancelTab := chromedp.NewContext(browserCtx,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(problems.listen),
	)
	t.Cleanup(cancelTab)
	ctx, cancel := context.WithTimeout(tabCtx, roleBudget)
	t.Cleanup(cancel)
	if err := chromedp.Do(tabCtx); err != nil { // opens the tab without the step timeout
		t.Fatal(err)
	}
	// chromedp enables the Log domain when it attaches; say so explicitly,
	// since the test depends on it.
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return ctx, problems
}

// noProblems fails the test for each problem the page reported.
func noProblems(t *testing.T, p *pageProblems, where string) {
	t.Helper()
	for _, m := range p.take() {
		t.Errorf("%s: %s", where, m)
	}
}

// must fails the test now on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// login signs in through the login form and waits for the home page.
func login(t *testing.T, ctx context.Context, srv *serveProc, email string) {
	t.Helper()
	must(t, "open /login", chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demo.Password),
	))
	// A fresh browser that asks for Japanese gets the login page in Japanese.
	if lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil || lang != "ja" {
		t.Errorf("login page <html lang> = %q (%v); want ja for Accept-Language ja", lang, err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	must(t, "submit the login form", err)
	if resp.Status != 200 {
		t.Fatalf("after login: HTTP %d at %s", resp.Status, resp.URL)
	}
	must(t, "wait for the home page", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`body.in-app .page-head .badge`))))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, "location", err)
	if loc != srv.URL+"/" {
		t.Errorf("after login the browser is at %s; want %s/", loc, srv.URL)
	}
}

// text returns an element's text, trimmed.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	must(t, "text of "+css, err)
	return strings.TrimSpace(s)
}

// navLabels returns the side navigation's labels.
func navLabels(t *testing.T, ctx context.Context) []string {
	t.Helper()
	l, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("nav.sidenav a")].map(a => a.textContent.trim())`))
	must(t, "read the navigation", err)
	return l
}

// shoot photographs the whole page at each viewport, checks that nothing
// makes the page wider than the screen, writes home-<name>-<viewport>.png
// and returns the images by viewport.
func shoot(t *testing.T, ctx context.Context, name, dir string) map[string][]byte {
	t.Helper()
	shots := map[string][]byte{}
	for _, v := range viewports {
		var opts []chromedp.EmulateViewportOption
		if v.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		must(t, "resize to "+v.name, chromedp.Do(ctx, chromedp.EmulateViewport(v.width, v.height, opts...)))
		// Wait for the layout at the new size (and web fonts, if any).
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))`,
			chromedp.EvalAwaitPromise))
		must(t, "wait for layout", err)
		// An element past the right edge is a bug unless a scroller of its
		// own clips it (the phone nav scrolls sideways on purpose).
		over, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			const w = document.documentElement.clientWidth, out = [];
			if (document.documentElement.scrollWidth > w) out.push("page: " + document.documentElement.scrollWidth + "px wide");
			const clipped = el => {
				for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
					if (getComputedStyle(a).overflowX !== "visible") return true;
				return false;
			};
			for (const el of document.querySelectorAll("body *")) {
				const r = el.getBoundingClientRect();
				if (r.width > 0 && r.right > w + 1 && !clipped(el))
					out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().replace(/\s+/g, ".") : "") + " ends at " + Math.round(r.right) + "px");
			}
			return out.slice(0, 10);
		})()`))
		must(t, "measure overflow", err)
		if len(over) > 0 {
			t.Errorf("%s at %dx%d: content wider than the screen: %s", name, v.width, v.height, strings.Join(over, "; "))
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(t, "screenshot", err)
		file := filepath.Join(dir, fmt.Sprintf("home-%s-%s.png", name, v.name))
		must(t, "save screenshot", os.WriteFile(file, png, 0o644))
		shots[v.name] = png
	}
	must(t, "reset the viewport", chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	return shots
}

// logout uses the user menu's log-out button and checks that the session is
// gone.
func logout(t *testing.T, ctx context.Context, srv *serveProc) {
	t.Helper()
	must(t, "open the user menu", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`details.usermenu summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.usermenu form[action="/logout"] button`)),
	))
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`details.usermenu form[action="/logout"] button`)))
	must(t, "log out", err)
	must(t, "wait for the login page", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`input[name=email]`))))
	// The session is gone: home sends the browser back to the login page.
	_, err = chromedp.RunResponse(ctx, chromedp.Navigate(srv.URL+"/"))
	must(t, "open / after logout", err)
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, "location", err)
	if !strings.HasPrefix(loc, srv.URL+"/login") {
		t.Errorf("after logout, / led to %s; want the login page", loc)
	}
}

// checkRoleHome is one role's run; it returns the screenshots by viewport.
func checkRoleHome(t *testing.T, browserCtx context.Context, srv *serveProc, r browserRole, artifacts string) map[string][]byte {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, r.email)
	noProblems(t, problems, "login")

	if got := text(t, ctx, `.page-head .badge`); got != r.badge {
		t.Errorf("role badge = %q; want %q", got, r.badge)
	}
	name := ""
	for _, u := range demo.Users {
		if u.Email == r.email {
			name = u.Name
		}
	}
	if got := text(t, ctx, `.page-head h1`); !strings.Contains(got, "こんにちは") || !strings.Contains(got, name) {
		t.Errorf("greeting = %q; want こんにちは and %q", got, name)
	}
	if got := text(t, ctx, `.page-head .eyebrow`); got != demo.OrgName {
		t.Errorf("organization = %q; want %q", got, demo.OrgName)
	}
	if got := text(t, ctx, `.card.focus h2`); !strings.Contains(got, r.badge) {
		t.Errorf("focus card = %q; want the %s role's part", got, r.badge)
	}
	if lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil || lang != "ja" {
		t.Errorf("<html lang> = %q (%v); want ja", lang, err)
	}

	nav := navLabels(t, ctx)
	for _, want := range []string{"ホーム", "メンバー", "API トークン"} {
		if !slices.Contains(nav, want) {
			t.Errorf("nav %q lacks %q", nav, want)
		}
	}
	if got := slices.Contains(nav, "組織の設定"); got != r.orgSettings {
		t.Errorf("nav %q: 組織の設定 shown = %v; want %v", nav, got, r.orgSettings)
	}

	shots := shoot(t, ctx, string(r.role), artifacts)
	noProblems(t, problems, "home page")
	logout(t, ctx, srv)
	noProblems(t, problems, "logout")
	return shots
}

// checkEnglish switches a signed-in user to English with the footer's
// language button.
func checkEnglish(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "pr@demo.soroe.local")
	if got := text(t, ctx, `.page-head h1`); !strings.Contains(got, "こんにちは") {
		t.Fatalf("before the switch the greeting is %q; want Japanese", got)
	}
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`footer form.lang-switch button[value=en]`)))
	must(t, "switch to English", err)
	must(t, "wait for the home page", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`body.in-app .page-head .badge`))))
	if got := text(t, ctx, `.page-head h1`); !strings.HasPrefix(got, "Hello") {
		t.Errorf("greeting after the switch = %q; want Hello …", got)
	}
	if got := text(t, ctx, `.page-head .badge`); got != "PR" {
		t.Errorf("role badge = %q; want PR", got)
	}
	if nav := navLabels(t, ctx); !slices.Contains(nav, "Home") || !slices.Contains(nav, "Members") {
		t.Errorf("nav after the switch = %q; want English labels", nav)
	}
	if lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil || lang != "en" {
		t.Errorf("<html lang> = %q (%v); want en", lang, err)
	}
	if pressed := text(t, ctx, `footer form.lang-switch button[aria-pressed=true]`); pressed != "English" {
		t.Errorf("pressed language button = %q; want English", pressed)
	}
	shoot(t, ctx, "manager-en", artifacts)
	noProblems(t, problems, "English home page")
	// Back to Japanese, so that the walks after this one read the pages as
	// the demo's users do.
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`footer form.lang-switch button[value=ja]`)))
	must(t, "switch back to Japanese", err)
	must(t, "wait for the home page", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`body.in-app .page-head .badge`))))
	if got := text(t, ctx, `.page-head h1`); !strings.Contains(got, "こんにちは") {
		t.Errorf("greeting after switching back = %q; want Japanese", got)
	}
	logout(t, ctx, srv)
	noProblems(t, problems, "logout")
}

// checkDetector makes a page report each kind of problem and checks that
// pageProblems hears it, so that a silent listener cannot pass the tests
// above.
func checkDetector(t *testing.T, browserCtx context.Context, srv *serveProc) {
	ctx, problems := newTab(t, browserCtx)
	must(t, "open /login", chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/login")))
	noProblems(t, problems, "login page")
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(async () => {
		console.error("detector: console.error");
		setTimeout(() => { throw new Error("detector: thrown"); });
		await fetch("/static/detector-missing.png").catch(() => {});
		await new Promise(r => setTimeout(r, 100));
		return true;
	})()`, chromedp.EvalAwaitPromise))
	must(t, "provoke problems", err)
	want := []string{"console.error", "uncaught exception", "browser log (network)"}
	deadline := time.Now().Add(5 * time.Second)
	var got []string
	for {
		got = append(got, problems.take()...)
		missing := slices.DeleteFunc(slices.Clone(want), func(w string) bool {
			return slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) })
		})
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the listener missed %q; it heard %q", missing, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
