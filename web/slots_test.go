package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// slotScene is org A with only two 型 (the fixture's goes): 「週報の型」,
// drafted by the staff user on Monday, Wednesday and Friday at 12:00 for X
// and Bluesky, with a link; and 「月報の型」, drafted by the other staff
// member once a month. The organization has connected X, Bluesky and
// LinkedIn accounts, and an X account that needs reconnecting.
type slotScene struct {
	f                   *fixture
	goal                *soroe.Goal
	weekly, monthly     *soroe.Template
	x, bsky, li, xStale *soroe.Account
}

func newSlotScene(t *testing.T, e *env) *slotScene {
	t.Helper()
	ctx := context.Background()
	f := e.fixture(t)
	if err := e.db.DeleteTemplate(ctx, f.A.ID, fixtureTemplate(t, e, f).ID); err != nil {
		t.Fatal(err)
	}
	sc := &slotScene{f: f}
	owner, staff := f.Users[soroe.RoleOwner], f.Users[soroe.RoleStaff]
	sc.goal = tplGoal(t, e, f.A, owner, "採用を増やす")
	sc.weekly = &soroe.Template{OrgID: f.A.ID, GoalID: sc.goal.ID, CreatedBy: f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
		Name: "週報の型", Structure: "今週の{話題}", Networks: []soroe.Network{soroe.NetworkX, soroe.NetworkBluesky},
		Frequency: soroe.Frequency{Count: 3, Per: "week", Weekdays: weekdays(1, 3, 5), Times: []string{"12:00"}},
		Drafters:  soroe.Assignees{UserIDs: []int64{staff.ID}}, Link: "https://example.jp/recruit", CTA: "エントリー受付中", Hashtags: []string{"#採用"},
	}}
	sc.monthly = &soroe.Template{OrgID: f.A.ID, GoalID: sc.goal.ID, CreatedBy: f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
		Name: "月報の型", Structure: "{月}の振り返り", Networks: []soroe.Network{soroe.NetworkLinkedIn},
		Frequency: soroe.Frequency{Count: 1, Per: "month", Times: []string{"10:00"}},
		Drafters:  soroe.Assignees{UserIDs: []int64{f.Member.ID}},
	}}
	for _, tpl := range []*soroe.Template{sc.weekly, sc.monthly} {
		if err := e.db.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
	}
	sc.x = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "採用X"}
	sc.bsky = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkBluesky, Name: "採用Bluesky"}
	sc.li = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkLinkedIn, Name: "会社LinkedIn"}
	sc.xStale = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "旧X", Status: soroe.AccountNeedsReconnect}
	for _, a := range []*soroe.Account{sc.x, sc.bsky, sc.li, sc.xStale} {
		if err := e.db.CreateAccount(ctx, a, "sealed"); err != nil {
			t.Fatal(err)
		}
	}
	return sc
}

// setClock moves the test clock to t.
func setClock(e *env, t time.Time) { e.clock.Add(t.Sub(e.clock.Now())) }

// fillLink is the 「書く」 link of a slot, as a page writes it.
func fillLink(tpl *soroe.Template, at time.Time) string {
	return `href="` + html.EscapeString(calFillURL(tpl.ID, at)) + `"`
}

// cardOf returns the HTML of the first element whose opening tag holds
// start, up to its closing </section>.
func cardOf(t testing.TB, body, start string) string {
	t.Helper()
	i := strings.Index(body, start)
	if i < 0 {
		t.Fatalf("no %q in the page", start)
	}
	rest := body[i:]
	return rest[:strings.Index(rest, "</section>")]
}

var slotFillRE = regexp.MustCompile(`class="btn small[^"]*slot-fill" href="([^"]+)"`)

// TestHomeUpcomingSlots: from Friday evening to Sunday the home page still
// gives staff something to write — their next slots, this week's and the
// next's, at least three, each with its 「書く」 link; a 型 planned once a
// month reaches further ahead for three.
func TestHomeUpcomingSlots(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		sc := newSlotScene(t, e)
		for _, c := range []struct {
			name  string
			now   time.Time
			slots []time.Time
			soon  string // the badge on the first slot
		}{
			{"Friday evening", jst(2026, 11, 27, 19, 0), []time.Time{jst(2026, 11, 30, 12, 0), jst(2026, 12, 2, 12, 0), jst(2026, 12, 4, 12, 0)}, ""},
			{"Sunday", jst(2026, 11, 29, 10, 0), []time.Time{jst(2026, 11, 30, 12, 0), jst(2026, 12, 2, 12, 0), jst(2026, 12, 4, 12, 0)}, "明日"},
			// Wednesday morning: this week's two still ahead, and next week's three.
			{"Wednesday", jst(2026, 11, 25, 9, 0), []time.Time{jst(2026, 11, 25, 12, 0), jst(2026, 11, 27, 12, 0), jst(2026, 11, 30, 12, 0), jst(2026, 12, 2, 12, 0), jst(2026, 12, 4, 12, 0)}, "今日"},
		} {
			t.Run(c.name, func(t *testing.T) {
				setClock(e, c.now)
				staff := e.loggedIn(t, sc.f.Users[soroe.RoleStaff])
				r := staff.get(t, "/")
				want(t, r, http.StatusOK)
				card := cardOf(t, r.Body, `class="card home-slots"`)
				if !strings.Contains(card, "これからのあなたの枠") || strings.Contains(card, "今週のあなたの枠") {
					t.Errorf("heading: %s", card)
				}
				links := slotFillRE.FindAllStringSubmatch(card, -1)
				if len(links) != len(c.slots) {
					t.Fatalf("%d 「書く」 links, want %d:\n%s", len(links), len(c.slots), card)
				}
				for i, at := range c.slots {
					if !strings.Contains(card, fillLink(sc.weekly, at)) {
						t.Errorf("no 「書く」 for %s:\n%s", at.In(tokyo), card)
					}
					if links[i][1] != html.EscapeString(calFillURL(sc.weekly.ID, at)) {
						t.Errorf("slot %d is %s, want %s", i, links[i][1], at.In(tokyo))
					}
				}
				if n := strings.Count(card, ">書く<"); n != len(c.slots) {
					t.Errorf("%d buttons say 書く, want %d", n, len(c.slots))
				}
				if strings.Contains(card, "月報の型") {
					t.Error("another member's slots are on the staff's home")
				}
				first := card[strings.Index(card, "<li"):]
				first = first[:strings.Index(first, "</li>")]
				if c.soon != "" && !strings.Contains(first, `<span class="badge plan-now">`+c.soon+`</span>`) {
					t.Errorf("the first slot is not marked %s: %s", c.soon, first)
				}
				// The member of the monthly 型: its next three, months apart.
				mem := e.loggedIn(t, sc.f.Member)
				card = cardOf(t, mem.get(t, "/").Body, `class="card home-slots"`)
				if n := len(slotFillRE.FindAllString(card, -1)); n != 3 || !strings.Contains(card, "月報の型") {
					t.Errorf("the monthly 型's member has %d slots:\n%s", n, card)
				}
			})
		}

		// A slot with its post shows the post instead of 「書く」.
		setClock(e, jst(2026, 11, 27, 19, 0))
		slot := jst(2026, 11, 30, 12, 0)
		p := &soroe.Post{OrgID: sc.f.A.ID, AuthorID: sc.f.Users[soroe.RoleStaff].ID, Text: "月曜の週報", TemplateID: &sc.weekly.ID,
			TemplateVersion: 1, GoalID: &sc.goal.ID, SlotAt: &slot}
		if err := e.db.CreatePost(context.Background(), p, []*soroe.Target{{AccountID: sc.x.ID, Text: p.Text}}); err != nil {
			t.Fatal(err)
		}
		staff := e.loggedIn(t, sc.f.Users[soroe.RoleStaff])
		card := cardOf(t, staff.get(t, "/").Body, `class="card home-slots"`)
		if strings.Contains(card, fillLink(sc.weekly, slot)) || !strings.Contains(card, fmt.Sprintf(`href="/posts/%d"`, p.ID)) || !strings.Contains(card, "投稿を開く") {
			t.Errorf("the filled slot:\n%s", card)
		}
		if n := len(slotFillRE.FindAllString(card, -1)); n != 2 {
			t.Errorf("%d open slots, want 2", n)
		}
	})
}

// TestPlanWeekWording: /plan names the week it shows — 「今週は」 only for
// the current one — and every week's open slots have 「書く」.
func TestPlanWeekWording(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		sc := newSlotScene(t, e)
		setClock(e, jst(2026, 11, 25, 9, 0)) // Wednesday
		staff := e.loggedIn(t, sc.f.Users[soroe.RoleStaff])
		mine := func(path string) string {
			t.Helper()
			r := staff.get(t, path)
			want(t, r, http.StatusOK)
			return cardOf(t, r.Body, `id="mine"`)
		}

		cur := mine("/plan")
		if !strings.Contains(cur, "今週のあなたの枠") || !strings.Contains(cur, "今週は3件の投稿を担当します（これから2件・作成済み0件）") {
			t.Errorf("this week:\n%s", cur)
		}
		// Monday's slot has passed unwritten; Wednesday's and Friday's wait.
		if !strings.Contains(cur, "期限切れ") || strings.Contains(cur, fillLink(sc.weekly, jst(2026, 11, 23, 12, 0))) ||
			!strings.Contains(cur, fillLink(sc.weekly, jst(2026, 11, 25, 12, 0))) || !strings.Contains(cur, fillLink(sc.weekly, jst(2026, 11, 27, 12, 0))) {
			t.Errorf("this week's slots:\n%s", cur)
		}

		next := mine("/plan?week=2026-12-02")
		if strings.Contains(next, "今週") || !strings.Contains(next, "この週のあなたの枠") || !strings.Contains(next, "この週は3件の投稿を担当します（作成済み0件）") {
			t.Errorf("next week says:\n%s", next)
		}
		for _, at := range []time.Time{jst(2026, 11, 30, 12, 0), jst(2026, 12, 2, 12, 0), jst(2026, 12, 4, 12, 0)} {
			if !strings.Contains(next, fillLink(sc.weekly, at)) {
				t.Errorf("next week's %s has no 「書く」", at.In(tokyo))
			}
		}

		past := mine("/plan?week=2026-11-16")
		if strings.Contains(past, "今週") || strings.Contains(past, "担当します") || !strings.Contains(past, "この週の担当は3件でした（作成済み0件）") ||
			strings.Contains(past, "slot-fill") {
			t.Errorf("a past week says:\n%s", past)
		}

		// The week's grid: staff write their own slots; a manager may
		// write anyone's, to cover for them.
		r := staff.get(t, "/plan?week=2026-12-02")
		if n := len(slotFillRE.FindAllString(r.Body, -1)); n != 6 { // 3 in "mine", 3 in the grid
			t.Errorf("staff see %d 「書く」 links on next week's plan, want 6", n)
		}
		mgr := e.loggedIn(t, sc.f.Users[soroe.RoleManager])
		r = mgr.get(t, "/plan?week=2026-12-02")
		if !strings.Contains(r.Body, fillLink(sc.weekly, jst(2026, 12, 2, 12, 0))) {
			t.Error("a manager cannot write the staff's slot from /plan")
		}
		// The calendar's open slots carry the same link.
		r = mgr.get(t, "/calendar?view=week&date=2026-12-02")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, fillLink(sc.weekly, jst(2026, 12, 2, 12, 0))) {
			t.Error("the calendar's open slot has no 「書く」 link for a manager")
		}

		// English.
		u := sc.f.Users[soroe.RoleStaff]
		if err := e.db.UpdateUser(context.Background(), &soroe.User{ID: u.ID, Email: u.Email, Name: u.Name, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		if next := mine("/plan?week=2026-12-02"); strings.Contains(next, "posts this week") || strings.Contains(next, "My slots this week") ||
			!strings.Contains(next, "My slots in this week") || !strings.Contains(next, "You draft 3 posts in this week (0 written)") {
			t.Errorf("English, next week:\n%s", next)
		}
	})
}

var checkedRE = regexp.MustCompile(`name="account" value="(\d+)" data-account="\d+" data-network="[a-z]+" checked`)

// TestPostFromSlot: 「書く」 opens the editor filled in from the slot — its
// time as the schedule in the organization's zone, the 型's goal, link and
// text, the connected accounts of the 型's networks — and the post made is
// tied to the slot: the plan counts it written, then done once it has gone
// out. The AI draft's 「この下書きで投稿を作る」 carries the same.
func TestPostFromSlot(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sc := newSlotScene(t, e)
		setClock(e, jst(2026, 11, 27, 19, 0)) // Friday evening
		staffU := sc.f.Users[soroe.RoleStaff]
		staff := e.loggedIn(t, staffU)
		slot := jst(2026, 12, 2, 12, 0) // next Wednesday, 03:00 UTC
		home := staff.get(t, "/")
		if !strings.Contains(home.Body, fillLink(sc.weekly, slot)) {
			t.Fatal("the home page has no 「書く」 for next Wednesday")
		}

		r := staff.get(t, calFillURL(sc.weekly.ID, slot))
		want(t, r, http.StatusOK)
		body := html.UnescapeString(r.Body)
		for _, s := range []string{
			`name="scheduled_at" value="2026-12-02T12:00"`,
			fmt.Sprintf(`<option value="%d" selected>採用を増やす</option>`, sc.goal.ID),
			`name="link" value="https://example.jp/recruit"`,
			`<option value="` + slot.Format(time.RFC3339) + `" data-local="2026-12-02T12:00" selected>12月2日（水） 12:00 · あなた</option>`,
			"12月2日（水） 12:00 の枠の投稿です",
			"今週の{話題}\nエントリー受付中\n#採用</textarea>",
			fmt.Sprintf(`<option value="%d" selected>週報の型</option>`, sc.weekly.ID),
		} {
			if !strings.Contains(body, s) {
				t.Errorf("the form from the slot lacks %q", s)
			}
		}
		var checked []string
		for _, m := range checkedRE.FindAllStringSubmatch(r.Body, -1) {
			checked = append(checked, m[1])
		}
		// Every connected X and Bluesky account of the organization (the
		// fixture has one X account of its own), none other.
		accs, err := e.db.Accounts(ctx, sc.f.A.ID)
		if err != nil {
			t.Fatal(err)
		}
		var wantIDs []string
		for _, a := range accs {
			if a.Status == soroe.AccountOK && (a.Network == soroe.NetworkX || a.Network == soroe.NetworkBluesky) {
				wantIDs = append(wantIDs, strconv.FormatInt(a.ID, 10))
			}
		}
		if !slices.Contains(wantIDs, strconv.FormatInt(sc.x.ID, 10)) || !slices.Contains(wantIDs, strconv.FormatInt(sc.bsky.ID, 10)) {
			t.Fatalf("the scene's accounts are not among %v", wantIDs)
		}
		if strings.Join(checked, ",") != strings.Join(wantIDs, ",") {
			t.Errorf("accounts chosen %v, want the connected X and Bluesky accounts %v (not LinkedIn, not the X that needs reconnecting)", checked, wantIDs)
		}

		// Saved as the browser sends it.
		form := url.Values{
			"template": {strconv.FormatInt(sc.weekly.ID, 10)}, "goal": {strconv.FormatInt(sc.goal.ID, 10)},
			"slot_at": {slot.Format(time.RFC3339)}, "scheduled_at": {"2026-12-02T12:00"}, "link": {"https://example.jp/recruit"},
			"text": {"今週の現場から #採用"}, "account": checked, "then": {"save"},
		}
		r = staff.post(t, "/posts", form)
		want(t, r, http.StatusSeeOther)
		m := postIDRE.FindStringSubmatch(r.Header.Get("Location"))
		if m == nil {
			t.Fatalf("created: Location %q", r.Header.Get("Location"))
		}
		pid, _ := strconv.ParseInt(m[1], 10, 64)
		p, err := e.db.Post(ctx, sc.f.A.ID, pid)
		if err != nil || p.SlotAt == nil || !p.SlotAt.Equal(slot) || p.ScheduledAt == nil || !p.ScheduledAt.Equal(slot) ||
			p.TemplateID == nil || *p.TemplateID != sc.weekly.ID || p.GoalID == nil || *p.GoalID != sc.goal.ID || p.Link != "https://example.jp/recruit" {
			t.Fatalf("the post from the slot: %+v %v", p, err)
		}

		// The plan counts it: written now, done once it has gone out.
		plan := func() (mine, done string) {
			t.Helper()
			r := staff.get(t, "/plan?week=2026-12-02")
			want(t, r, http.StatusOK)
			return cardOf(t, r.Body, `id="mine"`), cardOf(t, r.Body, `class="table plan-done"`)
		}
		mine, done := plan()
		if strings.Contains(mine, fillLink(sc.weekly, slot)) || !strings.Contains(mine, fmt.Sprintf(`href="/posts/%d"`, pid)) ||
			!strings.Contains(mine, "作成済み1件") {
			t.Errorf("the plan does not show the slot written:\n%s", mine)
		}
		if !strings.Contains(done, `class="plan-written">1 / 3件`) || !strings.Contains(done, `<span>0 / 3件</span>`) {
			t.Errorf("written 1, done 0 expected:\n%s", done)
		}
		// Moved to Thursday, it still fills Wednesday's slot.
		if err := e.db.ReschedulePost(ctx, sc.f.A.ID, pid, ptrTime(jst(2026, 12, 3, 9, 0)), staffU.ID); err != nil {
			t.Fatal(err)
		}
		// Approved, it is scheduled; then it goes out on X.
		steps := []soroe.ApprovalStep{{Name: "広報", Mode: soroe.ApproveAny, Approvers: soroe.Assignees{Role: soroe.RoleManager}}}
		if _, err := e.db.SubmitPost(ctx, sc.f.A.ID, pid, steps, staffU.ID); err != nil {
			t.Fatal(err)
		}
		if p, err := e.db.DecidePost(ctx, sc.f.A.ID, pid, store.Decision{Round: 1, UserID: sc.f.Users[soroe.RoleManager].ID, Decision: soroe.DecisionApprove}); err != nil || p.State != soroe.PostScheduled {
			t.Fatalf("approve: %+v %v", p, err)
		}
		if _, done = plan(); !strings.Contains(done, `class="plan-written">1 / 3件`) || !strings.Contains(done, `<span>0 / 3件</span>`) {
			t.Errorf("scheduled is written, not yet done:\n%s", done)
		}
		ts, err := e.db.Targets(ctx, sc.f.A.ID, pid)
		if err != nil || len(ts) != len(checked) {
			t.Fatalf("targets %v %v", ts, err)
		}
		if ok, err := e.db.ClaimTarget(ctx, ts[0].ID, time.Minute); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if err := e.db.MarkSent(ctx, ts[0].ID, "1", "https://x.com/a/status/1"); err != nil {
			t.Fatal(err)
		}
		if _, done = plan(); !strings.Contains(done, `class="plan-written">1 / 3件`) || !strings.Contains(done, `<span>1 / 3件</span>`) {
			t.Errorf("sent on X, the slot is not done:\n%s", done)
		}
		if strings.Contains(done, "次のリリース") {
			t.Error("/plan still says done counts come in the next release")
		}
		// The API says the same.
		tok := e.token(t, sc.f.A, staffU)
		api := e.api(t, "GET", "/api/v1/plan?from=2026-11-30&to=2026-12-06", tok, nil)
		want(t, api, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "GET /api/v1/plan", api)
		for _, tt := range api.json(t)["templates"].([]any) {
			m := tt.(map[string]any)
			if m["template_id"] == float64(sc.weekly.ID) && (m["planned"] != float64(3) || m["written"] != float64(1) || m["done"] != float64(1)) {
				t.Errorf("API totals: %v", m)
			}
		}

		// The slot is taken: a second 「書く」 says so.
		r = staff.get(t, calFillURL(sc.weekly.ID, slot))
		if !strings.Contains(r.Body, "この枠にはすでに別の投稿があります") || !strings.Contains(r.Body, fmt.Sprintf(`href="/posts/%d"`, pid)) {
			t.Error("a second post for a filled slot is not warned")
		}
		// A slot that is not one of the 型's is refused, the form kept.
		bad := url.Values{"template": {strconv.FormatInt(sc.weekly.ID, 10)}, "slot_at": {jst(2026, 12, 2, 15, 0).Format(time.RFC3339)},
			"text": {"時刻違いの枠"}, "account": {strconv.FormatInt(sc.x.ID, 10)}}
		r = staff.post(t, "/posts", bad)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "この型の枠ではありません") || !strings.Contains(r.Body, "時刻違いの枠") {
			t.Errorf("a slot outside the 型: %s", r)
		}
		// The API refuses it the same way, on create and on update, and
		// takes a slot of the 型.
		apiTok := e.token(t, sc.f.A, staffU)
		apiIn := map[string]any{"template_id": sc.weekly.ID, "slot_at": jst(2026, 12, 2, 15, 0).Format(time.RFC3339), "text": "APIの枠",
			"targets": []map[string]any{{"account_id": sc.x.ID}}}
		if p := e.api(t, "POST", "/api/v1/posts", apiTok, apiIn).problem(t, http.StatusUnprocessableEntity, "invalid"); p["field"] != "slot_at" {
			t.Errorf("API, a slot outside the 型: %v", p)
		}
		apiIn["slot_at"] = jst(2026, 12, 4, 12, 0).Format(time.RFC3339)
		r = e.api(t, "POST", "/api/v1/posts", apiTok, apiIn)
		want(t, r, http.StatusCreated)
		apiID := int64(r.json(t)["id"].(float64))
		apiIn["slot_at"] = jst(2026, 12, 4, 13, 0).Format(time.RFC3339)
		if p := e.api(t, "PATCH", fmt.Sprintf("/api/v1/posts/%d", apiID), apiTok, apiIn).problem(t, http.StatusUnprocessableEntity, "invalid"); p["field"] != "slot_at" {
			t.Errorf("API update, a slot outside the 型: %v", p)
		}
		if p, err := e.db.Post(ctx, sc.f.A.ID, apiID); err != nil || p.SlotAt == nil || !p.SlotAt.Equal(jst(2026, 12, 4, 12, 0)) {
			t.Errorf("the refused update changed the slot: %+v %v", p, err)
		}
		if err := e.db.DeletePost(ctx, sc.f.A.ID, apiID); err != nil {
			t.Fatal(err)
		}

		// A past slot does not become a schedule in the past.
		r = staff.get(t, calFillURL(sc.weekly.ID, jst(2026, 11, 27, 12, 0)))
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `name="scheduled_at" value=""`) {
			t.Error("a past slot's time is offered as the schedule")
		}

		// The AI draft's 「この下書きで投稿を作る」.
		fri := jst(2026, 12, 4, 12, 0)
		r = staff.get(t, fmt.Sprintf("/templates/%d/draft?slot_at=%s", sc.weekly.ID, url.QueryEscape(fri.Format(time.RFC3339))))
		want(t, r, http.StatusOK)
		r = staff.post(t, fmt.Sprintf("/templates/%d/draft", sc.weekly.ID), url.Values{"slot_0": {"新人研修"}, "network": {"x"}, "slot_at": {fri.Format(time.RFC3339)}})
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, "次のリリース") || !strings.Contains(r.Body, "この下書きで投稿を作る") {
			t.Error("the draft page's note on saving is stale")
		}
		r = staff.post(t, "/posts/new", url.Values{"template": {strconv.FormatInt(sc.weekly.ID, 10)}, "slot_at": {fri.Format(time.RFC3339)},
			"network": {"x"}, "text": {"今週の新人研修"}})
		want(t, r, http.StatusOK)
		body = html.UnescapeString(r.Body)
		for _, s := range []string{
			`name="scheduled_at" value="2026-12-04T12:00"`, `name="link" value="https://example.jp/recruit"`,
			fmt.Sprintf(`<option value="%d" selected>採用を増やす</option>`, sc.goal.ID), ">今週の新人研修</textarea>",
			`value="` + fri.Format(time.RFC3339) + `" data-local="2026-12-04T12:00" selected>`,
		} {
			if !strings.Contains(body, s) {
				t.Errorf("「この下書きで投稿を作る」 lacks %q", s)
			}
		}
		if n := len(checkedRE.FindAllString(r.Body, -1)); n != len(wantIDs) {
			t.Errorf("「この下書きで投稿を作る」 chose %d accounts, want X and Bluesky", n)
		}

		// A 型 of a network without a connected account says so.
		insta := &soroe.Template{OrgID: sc.f.A.ID, GoalID: sc.goal.ID, CreatedBy: sc.f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
			Name: "写真の型", Structure: "{写真}", Networks: []soroe.Network{soroe.NetworkInstagram, soroe.NetworkX}, Frequency: soroe.Frequency{Count: 1, Per: "week"}}}
		if err := e.db.CreateTemplate(ctx, insta); err != nil {
			t.Fatal(err)
		}
		r = staff.get(t, fmt.Sprintf("/posts/new?template=%d", insta.ID))
		if !strings.Contains(r.Body, "この型のネットワークのうち、Instagram のアカウントはまだ接続されていません。") {
			t.Error("a 型 network without an account is not pointed out")
		}
		var xIDs []string
		for _, a := range accs {
			if a.Status == soroe.AccountOK && a.Network == soroe.NetworkX {
				xIDs = append(xIDs, strconv.FormatInt(a.ID, 10))
			}
		}
		var gotX []string
		for _, m := range checkedRE.FindAllStringSubmatch(r.Body, -1) {
			gotX = append(gotX, m[1])
		}
		if strings.Join(gotX, ",") != strings.Join(xIDs, ",") {
			t.Errorf("accounts chosen for Instagram and X: %v, want the connected X accounts %v", gotX, xIDs)
		}

		// From the 型's page: 「この型で書く」, and 「書く」 on its upcoming slots.
		r = staff.get(t, fmt.Sprintf("/templates/%d", sc.weekly.ID))
		if !strings.Contains(r.Body, fmt.Sprintf(`href="/posts/new?template=%d"`, sc.weekly.ID)) || !strings.Contains(r.Body, "この型で書く") ||
			!strings.Contains(r.Body, fillLink(sc.weekly, fri)) || !strings.Contains(r.Body, fmt.Sprintf(`href="/posts/%d"`, pid)) {
			t.Error("the 型's page does not lead to writing its slots")
		}
	})
}

func ptrTime(t time.Time) *time.Time { return &t }

// TestPostFromTemplateLink: a 型's link slots are filled with its link in
// the text the editor starts with, so they are not left to fill in; the
// other slots stay for the writer.
func TestPostFromTemplateLink(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		sc := newSlotScene(t, e)
		tpl := &soroe.Template{OrgID: sc.f.A.ID, GoalID: sc.goal.ID, CreatedBy: sc.f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
			Name: "資料の型", Structure: "{資料名}を公開しました。\n無料でダウンロード ▶ {資料ページURL}", Networks: []soroe.Network{soroe.NetworkX},
			Frequency: soroe.Frequency{Count: 1, Per: "week"}, Link: "https://example.jp/book"}}
		if err := e.db.CreateTemplate(context.Background(), tpl); err != nil {
			t.Fatal(err)
		}
		r := e.loggedIn(t, sc.f.Users[soroe.RoleStaff]).get(t, fmt.Sprintf("/posts/new?template=%d", tpl.ID))
		want(t, r, http.StatusOK)
		body := html.UnescapeString(r.Body)
		if !strings.Contains(body, "{資料名}を公開しました。\n無料でダウンロード ▶ https://example.jp/book</textarea>") {
			t.Errorf("the link slot is not filled with the 型's link:\n%s", body)
		}
		// What is left to write names the other slot, not the link's.
		text := "{資料名}を公開しました。\n無料でダウンロード ▶ https://example.jp/book"
		var left []string
		for _, f := range workflow.UnfinishedFindings(tpl, []string{text}, nil) {
			left = append(left, f.Value)
		}
		if strings.Join(left, ",") != "資料名" {
			t.Errorf("left to write: %v, want only 資料名", left)
		}
	})
}
