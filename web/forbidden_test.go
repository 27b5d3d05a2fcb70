package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// The 403 page says, in the reader's language, which right the role lacks,
// which roles have it (from the roles table) and whom to ask by name —
// never only 「うまくいきませんでした」.
func TestForbiddenPageSaysWhoMay(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		label := map[soroe.Role]string{soroe.RoleOwner: "オーナー", soroe.RoleExecutive: "経営層", soroe.RoleManager: "広報", soroe.RoleStaff: "現場"}
		for _, c := range []struct {
			role soroe.Role
			path string
			act  soroe.Action
			// want is the page's text for this case, written out once to
			// show what people read; the rest is checked against the table.
			want string
		}{
			{soroe.RoleExecutive, "/posts/new", soroe.ActPostWrite, "この操作ができるのは、オーナー・広報・現場の役割です。"},
			{soroe.RoleStaff, "/templates/new", soroe.ActTemplateWrite, "この操作ができるのは、オーナー・広報の役割です。"},
			{soroe.RoleManager, "/org/settings", soroe.ActOrgUpdate, "この操作ができるのは、オーナーの役割です。"},
			{soroe.RoleStaff, "/goals/new", soroe.ActGoalWrite, "この操作ができるのは、オーナー・経営層の役割です。"},
		} {
			t.Run(string(c.role)+c.path, func(t *testing.T) {
				me := f.Users[c.role]
				r := e.loggedIn(t, me).get(t, c.path)
				want(t, r, http.StatusForbidden)
				body := html.UnescapeString(r.Body)
				right, _ := soroe.RightFor(c.act)
				var roles []string
				for _, role := range soroe.Roles {
					if soroe.Can(role, c.act) {
						roles = append(roles, label[role])
					}
				}
				for _, s := range []string{
					"この操作の権限がありません",
					"「" + right.JA + "」は、" + label[c.role] + "の役割ではできません。",
					"この操作ができるのは、" + strings.Join(roles, "・") + "の役割です。",
					c.want,
					"に依頼してください。",
				} {
					if !strings.Contains(body, s) {
						t.Errorf("the page lacks %q:\n%s", s, pageText(body))
					}
				}
				if strings.Contains(body, "うまくいきませんでした") {
					t.Errorf("the page still says only that it did not work")
				}
				// Whom to ask: the members who hold those roles, by name,
				// not the reader, nor those who may not either.
				ms, _ := db.Members(context.Background(), f.A.ID)
				for _, m := range ms {
					named := strings.Contains(body, m.Name+"さん（"+label[m.Role]+"）")
					switch {
					case m.UserID == me.ID && strings.Contains(body, m.Name+"さん"):
						t.Errorf("the page asks the reader %s", m.Name)
					case m.UserID != me.ID && soroe.Can(m.Role, c.act) && !named:
						t.Errorf("the page does not name %s (%s)", m.Name, m.Role)
					case !soroe.Can(m.Role, c.act) && named:
						t.Errorf("the page names %s (%s), who may not either", m.Name, m.Role)
					}
				}
			})
		}

		// In English for a reader who reads English.
		exec := f.Users[soroe.RoleExecutive]
		exec.Lang = soroe.LangEN
		if err := db.UpdateUser(context.Background(), exec); err != nil {
			t.Fatal(err)
		}
		r := e.loggedIn(t, exec).get(t, "/posts/new")
		want(t, r, http.StatusForbidden)
		body := html.UnescapeString(r.Body)
		right, _ := soroe.RightFor(soroe.ActPostWrite)
		for _, s := range []string{"Your role can't do this", "Your role, Executive, may not do this: " + right.EN + ".",
			"Roles that may: Owner, PR, Field staff.", "If you need it done, ask " + f.Users[soroe.RoleOwner].Name + " (Owner)"} {
			if !strings.Contains(body, s) {
				t.Errorf("the English page lacks %q:\n%s", s, pageText(body))
			}
		}
	})
}

// pageText is a page's main content, for failure messages.
func pageText(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}

// failedPost makes a post of author's on account that went out and failed.
func failedPost(t *testing.T, e *env, org *soroe.Org, author *soroe.User, acc *soroe.Account, text string) *soroe.Post {
	t.Helper()
	ctx := context.Background()
	at := e.db.Now()
	p := &soroe.Post{OrgID: org.ID, AuthorID: author.ID, Text: text, State: soroe.PostScheduled, ScheduledAt: &at}
	targets := []*soroe.Target{{AccountID: acc.ID, Text: text}}
	if err := e.db.CreatePost(ctx, p, targets); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.db.ClaimTarget(ctx, targets[0].ID, time.Minute); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if err := e.db.MarkFailed(ctx, targets[0].ID, "rejected (HTTP 400): duplicate"); err != nil {
		t.Fatal(err)
	}
	return p
}

// The home page lists failed posts only to those who can post them again:
// the manager and the owner every one, staff their own; the executive,
// who could only look, none.
func TestHomeFailedPostsForThoseWhoCanFix(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		acc := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "公式X"}
		if err := db.CreateAccount(context.Background(), acc, "sealed"); err != nil {
			t.Fatal(err)
		}
		staffs := failedPost(t, e, f.A, f.Users[soroe.RoleStaff], acc, "現場の投稿（失敗）")
		others := failedPost(t, e, f.A, f.Member, acc, "ほかの人の投稿（失敗）")
		for _, c := range []struct {
			role  soroe.Role
			shown []*soroe.Post
		}{
			{soroe.RoleOwner, []*soroe.Post{staffs, others}},
			{soroe.RoleManager, []*soroe.Post{staffs, others}},
			{soroe.RoleStaff, []*soroe.Post{staffs}},
			{soroe.RoleExecutive, nil},
		} {
			r := e.loggedIn(t, f.Users[c.role]).get(t, "/")
			want(t, r, http.StatusOK)
			if got := strings.Contains(r.Body, "投稿に失敗したもの"); got != (len(c.shown) > 0) {
				t.Errorf("%s: the failed posts' list shown %v", c.role, got)
			}
			for _, p := range []*soroe.Post{staffs, others} {
				link := fmt.Sprintf(`href="/posts/%d"`, p.ID)
				listed := strings.Contains(r.Body, link)
				if wantIt := len(c.shown) > 0 && (p == c.shown[0] || len(c.shown) > 1 && p == c.shown[1]); listed != wantIt {
					t.Errorf("%s: post %q listed %v, want %v", c.role, p.Text, listed, wantIt)
				}
			}
			// Whoever is shown one may open its editor's way out (a copy).
			if len(c.shown) > 0 {
				r := e.loggedIn(t, f.Users[c.role]).post(t, fmt.Sprintf("/posts/%d/duplicate", c.shown[0].ID), nil)
				if r.Status != http.StatusSeeOther {
					t.Errorf("%s cannot post a failed post it is shown again: %s", c.role, r)
				}
			}
		}
	})
}

// A post that went out on its API networks while its by-hand account's
// post is due says so in the list and the calendar: 「一部公開済み」 and
// 「<account>: 未投稿」; once the URL is recorded it is published and the
// line goes.
func TestPendingByHandInListAndCalendar(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		x := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "公式X"}
		hand := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkManual, Name: "TikTok（手動）"}
		ig := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkInstagram, Name: "店舗Instagram", Handle: "shop", NoAPI: true}
		api := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkThreads, Name: "公式Threads"}
		for _, a := range []*soroe.Account{x, hand, ig, api} {
			if err := db.CreateAccount(ctx, a, "sealed"); err != nil {
				t.Fatal(err)
			}
		}
		at := db.Now()
		text := "上棟式を行いました。"
		p := &soroe.Post{OrgID: f.A.ID, AuthorID: f.Users[soroe.RoleStaff].ID, Text: text, State: soroe.PostScheduled, ScheduledAt: &at}
		targets := []*soroe.Target{{AccountID: x.ID, Text: text}, {AccountID: hand.ID, Text: text}, {AccountID: ig.ID, Text: text}, {AccountID: api.ID, Text: text}}
		if err := db.CreatePost(ctx, p, targets); err != nil {
			t.Fatal(err)
		}
		for _, tg := range targets {
			if ok, err := db.ClaimTarget(ctx, tg.ID, time.Minute); err != nil || !ok {
				t.Fatalf("claim: %v %v", ok, err)
			}
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(db.MarkSent(ctx, targets[0].ID, "1", "https://x.com/shop/status/1"))
		must(db.MarkUnconfirmed(ctx, targets[1].ID, publish.NoteManual))
		must(db.MarkUnconfirmed(ctx, targets[2].ID, publish.NoteManual))
		// An API network whose answer was lost: checked by the publisher,
		// not a post someone owes.
		must(db.MarkUnconfirmed(ctx, targets[3].ID, "outcome unknown"))

		c := e.loggedIn(t, f.Users[soroe.RoleManager])
		day := soroe.DateOf(at, f.A.Location())
		pages := map[string]string{"list": "/posts", "calendar": "/calendar?view=week&date=" + string(day)}
		state := map[string]string{"list": "一部公開済み", "calendar": "一部投稿済み"}
		for name, path := range pages {
			r := c.get(t, path)
			want(t, r, http.StatusOK)
			body := html.UnescapeString(r.Body)
			for _, s := range []string{"TikTok（手動）: 未投稿", "店舗Instagram: 未投稿", state[name]} {
				if !strings.Contains(body, s) {
					t.Errorf("%s lacks %q", name, s)
				}
			}
			if strings.Contains(body, "公式Threads: 未投稿") || strings.Contains(body, "公式X: 未投稿") {
				t.Errorf("%s says an API network's post is owed by hand", name)
			}
		}
		// Recorded by hand, and the API network found: published, nothing
		// outstanding.
		staff := f.Users[soroe.RoleStaff]
		must(db.RecordManual(ctx, f.A.ID, targets[1].ID, "https://www.tiktok.com/@shop/video/1", staff.ID))
		must(db.RecordManual(ctx, f.A.ID, targets[2].ID, "https://www.instagram.com/p/1/", staff.ID))
		must(db.MarkSent(ctx, targets[3].ID, "2", "https://www.threads.net/@shop/post/2"))
		if got, _ := db.Post(ctx, f.A.ID, p.ID); got.State != soroe.PostPublished {
			t.Fatalf("post %s", got.State)
		}
		for name, path := range pages {
			body := html.UnescapeString(c.get(t, path).Body)
			if strings.Contains(body, "未投稿") || strings.Contains(body, state[name]) {
				t.Errorf("%s still says something is outstanding", name)
			}
		}
	})
}
