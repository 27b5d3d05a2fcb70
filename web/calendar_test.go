package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
)

// The role walk moves the posts area's fixture post ({post}, posts_test.go):
// the walk's form names no date, so the owner, managers and its author are
// sent back to the calendar with a message, executives are refused and an
// outsider finds nothing.

// tokyo is the fixtures' time zone.
var tokyo, _ = time.LoadLocation("Asia/Tokyo")

// jst is a time in Tokyo.
func jst(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, tokyo).UTC()
}

// calScene is a week of posts around a 型 drafted by org A's staff user.
// The clock stands at Monday 2026-11-23 09:30 in Tokyo; the 型 plans
// Monday, Wednesday and Friday at 12:00.
type calScene struct {
	f                            *fixture
	goal                         *soroe.Goal
	tpl                          *soroe.Template
	x, bsky                      *soroe.Account
	draft, sched, pub, fail, own *soroe.Post
}

func calSetup(t *testing.T, e *env) *calScene {
	t.Helper()
	ctx := context.Background()
	f := e.fixture(t)
	sc := &calScene{f: f}
	owner, staff := f.Users[soroe.RoleOwner], f.Users[soroe.RoleStaff]
	sc.goal = tplGoal(t, e, f.A, owner, "カレンダー目標")
	sc.tpl = &soroe.Template{OrgID: f.A.ID, GoalID: sc.goal.ID, CreatedBy: owner.ID, TemplateBody: soroe.TemplateBody{
		Name: "社員紹介の型", Structure: "{社員名}さんの一日", Networks: []soroe.Network{soroe.NetworkX},
		Frequency: soroe.Frequency{Count: 3, Per: "week"}, Drafters: soroe.Assignees{UserIDs: []int64{staff.ID}},
	}}
	if err := e.db.CreateTemplate(ctx, sc.tpl); err != nil {
		t.Fatal(err)
	}
	sc.x = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "Alpha X"}
	sc.bsky = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkBluesky, Name: "Alpha Bluesky"}
	for _, a := range []*soroe.Account{sc.x, sc.bsky} {
		if err := e.db.CreateAccount(ctx, a, "sealed"); err != nil {
			t.Fatal(err)
		}
	}
	post := func(author *soroe.User, state, text string, acct *soroe.Account, sched, slot *time.Time) *soroe.Post {
		t.Helper()
		p := &soroe.Post{OrgID: f.A.ID, AuthorID: author.ID, State: state, Text: text, ScheduledAt: sched, SlotAt: slot}
		if slot != nil {
			p.TemplateID, p.TemplateVersion, p.GoalID = &sc.tpl.ID, sc.tpl.Version, &sc.goal.ID
		}
		if err := e.db.CreatePost(ctx, p, []*soroe.Target{{AccountID: acct.ID, Text: text}}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	at := func(t time.Time) *time.Time { return &t }
	// Monday's slot is filled by the staff member's draft.
	sc.draft = post(staff, soroe.PostDraft, "月曜の社員紹介の下書き", sc.x, nil, at(jst(2026, 11, 23, 12, 0)))
	sc.sched = post(owner, soroe.PostScheduled, "木曜の予約投稿", sc.bsky, at(jst(2026, 11, 26, 10, 0)), nil)
	sc.own = post(staff, soroe.PostScheduled, "金曜のスタッフ予約", sc.x, at(jst(2026, 11, 27, 18, 30)), nil)
	sc.pub = post(owner, soroe.PostScheduled, "火曜に出た投稿", sc.x, at(jst(2026, 11, 24, 8, 0)), nil)
	sc.fail = post(owner, soroe.PostScheduled, "水曜に失敗した投稿", sc.x, at(jst(2026, 11, 25, 15, 0)), nil)
	settle := func(p *soroe.Post, sent bool) {
		t.Helper()
		ts, err := e.db.Targets(ctx, f.A.ID, p.ID)
		if err != nil || len(ts) != 1 {
			t.Fatalf("targets of %d: %v %v", p.ID, ts, err)
		}
		if ok, err := e.db.ClaimTarget(ctx, ts[0].ID, time.Minute); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if sent {
			err = e.db.MarkSent(ctx, ts[0].ID, "1", "https://x.com/alpha/status/1")
		} else {
			err = e.db.MarkFailed(ctx, ts[0].ID, "rejected")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	settle(sc.pub, true)
	settle(sc.fail, false)
	return sc
}

// dayCell returns the HTML of one day of the calendar.
func dayCell(t testing.TB, body string, day string) string {
	t.Helper()
	i := strings.Index(body, `data-date="`+day+`"`)
	if i < 0 {
		t.Fatalf("no day %s on the page", day)
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], `data-date="`); j >= 0 {
		rest = rest[:j+1]
	}
	return rest
}

func TestCalendarMonth(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		sc := calSetup(t, e)
		staff := e.loggedIn(t, sc.f.Users[soroe.RoleStaff])
		r := staff.get(t, "/calendar")
		want(t, r, http.StatusOK)
		for _, s := range []string{
			"2026年11月", `class="cal cal-view-month"`,
			// Weeks start on Monday: the month's grid opens on 26 October.
			`data-date="2026-10-26"`, `data-date="2026-12-06"`,
			`href="/posts/` + fmt.Sprint(sc.sched.ID) + `"`, "木曜の予約投稿",
			`href="https://x.com/alpha/status/1"`, "state-published", "state-failed", "state-draft",
			// Navigation keeps the view.
			`href="/calendar?date=2026-10-01&amp;view=month"`, `href="/calendar?date=2026-12-01&amp;view=month"`,
			`href="/calendar"`,
		} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("month page lacks %q", s)
			}
		}
		if strings.Contains(r.Body, `data-date="2026-10-25"`) || strings.Contains(r.Body, `data-date="2026-12-07"`) {
			t.Error("the grid covers more than the month's weeks")
		}
		// Monday: the slot is filled by the draft, which is dimmed with
		// its state; Wednesday's slot is open and the staff member's, with
		// the link that starts its draft.
		mon := dayCell(t, r.Body, "2026-11-23")
		if !strings.Contains(mon, "社員紹介の型") || !strings.Contains(mon, "cal-slot mine filled") ||
			!strings.Contains(mon, `href="/posts/`+fmt.Sprint(sc.draft.ID)+`"`) || !strings.Contains(mon, "下書き") {
			t.Errorf("Monday: %s", mon)
		}
		wed := dayCell(t, r.Body, "2026-11-25")
		slot := url.QueryEscape(jst(2026, 11, 25, 12, 0).Format(time.RFC3339))
		fill := fmt.Sprintf(`href="/posts/new?slot=%s&amp;template=%d"`, slot, sc.tpl.ID)
		if !strings.Contains(wed, fill) || !strings.Contains(wed, "水曜に失敗した投稿") {
			t.Errorf("Wednesday lacks %s: %s", fill, wed)
		}
		// Only one's own posts can be moved by staff.
		if !strings.Contains(r.Body, `data-move="/calendar/posts/`+fmt.Sprint(sc.own.ID)+`/move"`) {
			t.Error("the staff member's scheduled post cannot be dragged")
		}
		for _, p := range []*soroe.Post{sc.sched, sc.pub, sc.fail} {
			if strings.Contains(r.Body, `/calendar/posts/`+fmt.Sprint(p.ID)+`/move`) {
				t.Errorf("post %d (%s, not the staff member's or gone out) offers a move", p.ID, p.State)
			}
		}
		// "My slots this week": Monday's is drafted, Wednesday's and
		// Friday's wait.
		mine := r.Body[strings.Index(r.Body, `id="mine"`):]
		mine = mine[:strings.Index(mine, "</section>")]
		var rows []string
		for _, li := range strings.Split(mine, "<li")[1:] {
			if strings.Contains(li, "社員紹介の型") {
				rows = append(rows, li)
			}
		}
		if len(rows) != 3 || !strings.Contains(rows[0], "作成済み") || !strings.Contains(rows[1], "/posts/new?") || !strings.Contains(rows[2], "/posts/new?") {
			t.Errorf("my slots: %q", rows)
		}

		// A manager may move every post that has not gone out.
		mgr := e.loggedIn(t, sc.f.Users[soroe.RoleManager])
		r = mgr.get(t, "/calendar?date=2026-11-10")
		want(t, r, http.StatusOK)
		for _, p := range []*soroe.Post{sc.sched, sc.own, sc.draft} {
			if !strings.Contains(r.Body, `data-move="/calendar/posts/`+fmt.Sprint(p.ID)+`/move"`) {
				t.Errorf("a manager cannot move post %d", p.ID)
			}
		}
		if strings.Contains(r.Body, `/calendar/posts/`+fmt.Sprint(sc.pub.ID)+`/move`) {
			t.Error("a published post can be moved")
		}
		// An executive reads the calendar but moves nothing.
		ex := e.loggedIn(t, sc.f.Users[soroe.RoleExecutive])
		r = ex.get(t, "/calendar")
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, "data-move=") || strings.Contains(r.Body, `action="/calendar/posts/`) {
			t.Error("an executive is offered a move")
		}
		if !strings.Contains(r.Body, `href="/calendar" class="active"`) {
			t.Error("the navigation does not show the calendar")
		}
	})
}

func TestCalendarWeekAndFilters(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		sc := calSetup(t, e)
		staff := e.loggedIn(t, sc.f.Users[soroe.RoleStaff])
		// Staff's week view shows their own by default.
		r := staff.get(t, "/calendar?view=week&date=2026-11-25")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `class="cal cal-view-week"`) || !strings.Contains(r.Body, "2026年11月23日（月）〜11月29日（日）") {
			t.Fatalf("not the week of 23 November: %s", r)
		}
		if !strings.Contains(r.Body, "金曜のスタッフ予約") || strings.Contains(r.Body, "木曜の予約投稿") {
			t.Error("staff's week view is not theirs only by default")
		}
		if !strings.Contains(r.Body, `name="mine" value="1" checked`) {
			t.Error("the mine box is not ticked")
		}
		if strings.Contains(r.Body, `data-date="2026-11-30"`) {
			t.Error("the week view shows another week's day")
		}
		// Once the form is sent without it, everyone's.
		r = staff.get(t, "/calendar?view=week&date=2026-11-25&f=1")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "木曜の予約投稿") {
			t.Error("the week view does not show everyone's posts when asked")
		}
		// Navigation keeps the filter.
		if !strings.Contains(r.Body, `href="/calendar?date=2026-11-16&amp;f=1&amp;view=week"`) {
			t.Error("previous week link lost the filter")
		}
		// A manager's week view is everyone's.
		mgr := e.loggedIn(t, sc.f.Users[soroe.RoleManager])
		r = mgr.get(t, "/calendar?view=week&date=2026-11-25")
		if !strings.Contains(r.Body, "木曜の予約投稿") || !strings.Contains(r.Body, "金曜のスタッフ予約") {
			t.Error("a manager's week view is not everyone's")
		}

		for _, c := range []struct {
			query    string
			in, out  []string
			slotsToo bool
		}{
			{"network=bluesky", []string{"木曜の予約投稿"}, []string{"金曜のスタッフ予約", "社員紹介の型"}, false},
			{"network=x", []string{"金曜のスタッフ予約", "社員紹介の型"}, []string{"木曜の予約投稿"}, true},
			{fmt.Sprintf("goal=%d", sc.goal.ID), []string{"月曜の社員紹介の下書き", "社員紹介の型"}, []string{"木曜の予約投稿"}, true},
			{fmt.Sprintf("template=%d", sc.tpl.ID), []string{"月曜の社員紹介の下書き"}, []string{"金曜のスタッフ予約"}, true},
			{fmt.Sprintf("member=%d", sc.f.Users[soroe.RoleStaff].ID), []string{"金曜のスタッフ予約", "社員紹介の型"}, []string{"木曜の予約投稿"}, true},
			{"mine=1", nil, []string{"木曜の予約投稿", "社員紹介の型"}, false},
		} {
			r := mgr.get(t, "/calendar?view=week&date=2026-11-23&f=1&"+c.query)
			want(t, r, http.StatusOK)
			for _, s := range c.in {
				if !strings.Contains(r.Body, s) {
					t.Errorf("%s: %q missing", c.query, s)
				}
			}
			for _, s := range c.out {
				if strings.Contains(calGrid(t, r.Body), s) {
					t.Errorf("%s: %q shown", c.query, s)
				}
			}
		}
		// A filter naming nothing of the organization is dropped.
		r = mgr.get(t, "/calendar?goal=999999&network=nope")
		want(t, r, http.StatusOK)
	})
}

// calGrid is the calendar's grid in a page.
func calGrid(t testing.TB, body string) string {
	t.Helper()
	i := strings.Index(body, "data-calendar")
	if i < 0 {
		t.Fatal("no calendar on the page")
	}
	return body[i:]
}

func TestCalendarMove(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sc := calSetup(t, e)
		staff := e.loggedIn(t, sc.f.Users[soroe.RoleStaff])
		staff.get(t, "/calendar")
		js := func(c *client, p *soroe.Post, form url.Values) (*resp, map[string]any) {
			t.Helper()
			form.Set("csrf_token", c.csrf)
			r := c.do(t, http.MethodPost, fmt.Sprintf("/calendar/posts/%d/move", p.ID), strings.NewReader(form.Encode()),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}})
			return r, r.json(t)
		}
		scheduled := func(p *soroe.Post) time.Time {
			t.Helper()
			got, err := e.db.Post(ctx, sc.f.A.ID, p.ID)
			if err != nil || got.ScheduledAt == nil {
				t.Fatalf("post %d: %v %v", p.ID, got, err)
			}
			return *got.ScheduledAt
		}

		// Dragging to another day keeps the local time of day.
		r, j := js(staff, sc.own, url.Values{"date": {"2026-12-02"}})
		want(t, r, http.StatusOK)
		if j["ok"] != true || j["day"] != "2026-12-02" || j["local"] != "18:30" || j["message"] != "投稿の日時を変更しました。" {
			t.Errorf("move answer %v", j)
		}
		if got := scheduled(sc.own); !got.Equal(jst(2026, 12, 2, 18, 30)) {
			t.Errorf("scheduled at %v", got)
		}
		// A draft that only has a slot is scheduled at the slot's time on
		// the new day, and stays a draft.
		r, _ = js(staff, sc.draft, url.Values{"date": {"2026-11-24"}})
		want(t, r, http.StatusOK)
		if got := scheduled(sc.draft); !got.Equal(jst(2026, 11, 24, 12, 0)) {
			t.Errorf("draft scheduled at %v", got)
		}
		if p, _ := e.db.Post(ctx, sc.f.A.ID, sc.draft.ID); p.State != soroe.PostDraft {
			t.Errorf("the draft became %s", p.State)
		}

		// Refusals come back translated.
		for _, c := range []struct {
			who    soroe.Role
			p      *soroe.Post
			form   url.Values
			status int
			msg    string
		}{
			{soroe.RoleStaff, sc.sched, url.Values{"date": {"2026-12-01"}}, http.StatusForbidden, "自分の投稿だけを動かせます。"},
			{soroe.RoleStaff, sc.own, url.Values{"date": {"2026-11-20"}}, http.StatusUnprocessableEntity, "予約済みの投稿は過去の日時に動かせません。"},
			{soroe.RoleStaff, sc.own, url.Values{"date": {"2026-13-40"}}, http.StatusUnprocessableEntity, "日時の形式が正しくありません。"},
			{soroe.RoleStaff, sc.own, url.Values{}, http.StatusUnprocessableEntity, "日時の形式が正しくありません。"},
			{soroe.RoleManager, sc.pub, url.Values{"date": {"2026-12-01"}}, http.StatusConflict, ""},
		} {
			c.form.Set("csrf_token", "")
			cl := staff
			if c.who == soroe.RoleManager {
				cl = e.loggedIn(t, sc.f.Users[soroe.RoleManager])
				cl.get(t, "/calendar")
			}
			r, j := js(cl, c.p, c.form)
			if r.Status != c.status || j["ok"] != false || (c.msg != "" && j["message"] != c.msg) || j["message"] == "" {
				t.Errorf("move %d as %s with %v: %s", c.p.ID, c.who, c.form, r)
			}
		}

		// A post whose target is being sent cannot be moved.
		mgr := e.loggedIn(t, sc.f.Users[soroe.RoleManager])
		mgr.get(t, "/calendar")
		ts, _ := e.db.Targets(ctx, sc.f.A.ID, sc.sched.ID)
		if ok, err := e.db.ClaimTarget(ctx, ts[0].ID, time.Minute); !ok || err != nil {
			t.Fatal(ok, err)
		}
		r, j = js(mgr, sc.sched, url.Values{"date": {"2026-12-03"}})
		if r.Status != http.StatusConflict || j["message"] != "この投稿はすでに配信が始まっているため、動かせません。" {
			t.Errorf("publishing post moved: %s", r)
		}

		// Without script: the form's date and time, then back to the page
		// with a message.
		back := "/calendar?date=2026-12-01&view=week"
		r = mgr.post(t, fmt.Sprintf("/calendar/posts/%d/move", sc.own.ID), url.Values{"at": {"2026-12-04T09:15"}, "next": {back}})
		wantRedirect(t, r, back)
		if got := scheduled(sc.own); !got.Equal(jst(2026, 12, 4, 9, 15)) {
			t.Errorf("scheduled at %v", got)
		}
		if r := mgr.get(t, back); !strings.Contains(r.Body, "投稿の日時を変更しました。") {
			t.Error("no message after the move")
		}
		r = staff.post(t, fmt.Sprintf("/calendar/posts/%d/move", sc.sched.ID), url.Values{"at": {"2026-12-04T09:15"}, "next": {"https://evil.example/"}})
		wantRedirect(t, r, "/calendar")
		if loc := r.Header.Get("Location"); loc != "/calendar" {
			t.Errorf("redirected to %q", loc)
		}
		if r := staff.get(t, "/calendar"); !strings.Contains(r.Body, "自分の投稿だけを動かせます。") {
			t.Error("no refusal message")
		}
		// Another organization's post does not exist.
		out := e.loggedIn(t, sc.f.Outsider)
		out.get(t, "/calendar")
		r, _ = js(out, sc.own, url.Values{"date": {"2026-12-05"}})
		want(t, r, http.StatusNotFound)
	})
}

func TestCalendarAPI(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		sc := calSetup(t, e)
		d := loadOpenAPI(t)
		staff := e.token(t, sc.f.A, sc.f.Users[soroe.RoleStaff])
		r := e.api(t, "GET", "/api/v1/calendar?from=2026-11-23&to=2026-11-29", staff, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/calendar", r)
		m := r.json(t)
		if m["from"] != "2026-11-23" || m["to"] != "2026-11-29" || m["time_zone"] != "Asia/Tokyo" {
			t.Errorf("window %v", m)
		}
		filled := map[string]any{}
		for _, s := range m["slots"].([]any) {
			s := s.(map[string]any)
			if s["template_id"] == float64(sc.tpl.ID) {
				filled[s["day"].(string)] = s["filled_by"]
			}
		}
		if filled["2026-11-23"] != float64(sc.draft.ID) || filled["2026-11-25"] != nil || len(filled) != 3 {
			t.Errorf("slots filled %v", filled)
		}
		byID := map[float64]map[string]any{}
		for _, p := range m["posts"].([]any) {
			p := p.(map[string]any)
			byID[p["id"].(float64)] = p
		}
		if p := byID[float64(sc.pub.ID)]; p == nil || p["state"] != "published" || p["urls"].([]any)[0] != "https://x.com/alpha/status/1" || p["day"] != "2026-11-24" || p["local"] != "08:00" {
			t.Errorf("published post %v", p)
		}
		if p := byID[float64(sc.draft.ID)]; p == nil || p["day"] != "2026-11-23" {
			t.Errorf("draft %v", p)
		}

		// Filters.
		r = e.api(t, "GET", "/api/v1/calendar?from=2026-11-23&to=2026-11-29&network=bluesky", staff, nil)
		want(t, r, http.StatusOK)
		if m := r.json(t); len(m["posts"].([]any)) != 1 || len(m["slots"].([]any)) != 0 {
			t.Errorf("bluesky: %v", m)
		}
		r = e.api(t, "GET", fmt.Sprintf("/api/v1/calendar?from=2026-11-23&to=2026-11-29&member=%d", sc.f.Users[soroe.RoleStaff].ID), staff, nil)
		want(t, r, http.StatusOK)
		for _, p := range r.json(t)["posts"].([]any) {
			if p.(map[string]any)["author_id"] != float64(sc.f.Users[soroe.RoleStaff].ID) {
				t.Errorf("member filter let through %v", p)
			}
		}
		// The current month by default.
		r = e.api(t, "GET", "/api/v1/calendar", staff, nil)
		want(t, r, http.StatusOK)
		if m := r.json(t); m["from"] != "2026-11-01" || m["to"] != "2026-11-30" {
			t.Errorf("default window %v – %v", m["from"], m["to"])
		}
		for _, c := range []struct {
			q      string
			status int
		}{
			{"network=nope", 422}, {"from=2026-99-01", 422}, {"from=2026-12-01&to=2026-11-01", 422},
			{"from=2026-01-01&to=2027-06-01", 422}, {"goal=999999", 404}, {"template=x", 404},
			{fmt.Sprintf("member=%d", sc.f.Outsider.ID), 404},
		} {
			r := e.api(t, "GET", "/api/v1/calendar?"+c.q, staff, nil)
			if r.Status != c.status {
				t.Errorf("%s: %s", c.q, r)
			}
			d.checkResponse(t, "GET /api/v1/calendar", r)
		}
	})
}

// TestCalendarTranslated: the calendar in both languages shows no raw key.
func TestCalendarTranslated(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		sc := calSetup(t, e)
		raw := regexp.MustCompile(`\bcalendar\.[a-z_]+(\.[a-z_0-9]+)*`)
		for _, role := range []soroe.Role{soroe.RoleManager, soroe.RoleStaff} {
			u := sc.f.Users[role]
			for _, l := range i18n.Langs {
				if err := e.db.UpdateUser(ctx, &soroe.User{ID: u.ID, Email: u.Email, Name: u.Name, Lang: l}); err != nil {
					t.Fatal(err)
				}
				c := e.loggedIn(t, u)
				for _, p := range []string{"/calendar", "/calendar?view=week", "/calendar?view=week&date=2026-11-25&f=1"} {
					r := c.get(t, p)
					want(t, r, http.StatusOK)
					for _, m := range raw.FindAllString(r.Body, -1) {
						if m != "calendar.css" && m != "calendar.js" {
							t.Errorf("%s as %s in %s shows the raw key %q", p, role, l, m)
						}
					}
				}
				if l == "en" && role == soroe.RoleStaff {
					r := c.get(t, "/calendar")
					for _, s := range []string{"November 2026", "Mon", "My slots this week", "Calendar", "Write the draft"} {
						if !strings.Contains(r.Body, s) {
							t.Errorf("English page lacks %q", s)
						}
					}
				}
			}
		}
	})
}

// TestCalendarLabels: month names and the move time in the org's zone.
func TestCalendarLabels(t *testing.T) {
	if got := calMonthLabel("ja", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)); got != "2027年1月" {
		t.Errorf("ja month %q", got)
	}
	if got := calMonthLabel("en", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)); got != "January 2027" {
		t.Errorf("en month %q", got)
	}
	if got := calExcerpt(strings.Repeat("あ", 50)); got != strings.Repeat("あ", 40)+"…" {
		t.Errorf("excerpt %q", got)
	}
	ny, _ := time.LoadLocation("America/New_York")
	// The day before summer time starts, 01:30 local; moved across it, the
	// post keeps 01:30 local.
	slot := time.Date(2027, 3, 13, 1, 30, 0, 0, ny).UTC()
	p := &soroe.Post{SlotAt: &slot}
	req, _ := http.NewRequest("POST", "/", strings.NewReader("date=2027-03-15"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	at, err := calMoveTime(req, p, ny)
	if err != nil || !at.Equal(time.Date(2027, 3, 15, 1, 30, 0, 0, ny)) || at.In(ny).Hour() != 1 {
		t.Errorf("moved to %v (%v)", at.In(ny), err)
	}
}
