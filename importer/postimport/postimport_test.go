package postimport_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/planimport"
	"github.com/soroe/soroe/importer/postimport"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
	"github.com/soroe/soroe/workflow"
)

type fixture struct {
	org                   *soroe.Org
	owner, manager, staff *soroe.User
	x, bsky, manual       *soroe.Account
	goal                  *soroe.Goal
	tpl                   *soroe.Template
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{org: &soroe.Org{Name: "揃え工務店", TimeZone: "Asia/Tokyo"}}
	f.owner = &soroe.User{Email: "owner@example.jp", Name: "井上", PasswordHash: "x"}
	if err := db.CreateUserWithOrg(ctx, f.owner, f.org); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		p    **soroe.User
		name string
		role soroe.Role
	}{{&f.manager, "鈴木", soroe.RoleManager}, {&f.staff, "田中", soroe.RoleStaff}} {
		*u.p = &soroe.User{Email: string(u.role) + "@example.jp", Name: u.name, PasswordHash: "x"}
		if err := db.CreateUser(ctx, *u.p); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertMember(ctx, f.org.ID, (*u.p).ID, u.role); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []struct {
		p       **soroe.Account
		network soroe.Network
		name    string
		handle  string
	}{{&f.x, soroe.NetworkX, "公式X", "@soroe_koumuten"}, {&f.bsky, soroe.NetworkBluesky, "Bluesky", "soroe.bsky.social"}, {&f.manual, soroe.NetworkManual, "手動", ""}} {
		*a.p = &soroe.Account{OrgID: f.org.ID, Network: a.network, Name: a.name, Handle: a.handle}
		if err := db.CreateAccount(ctx, *a.p, "sealed"); err != nil {
			t.Fatal(err)
		}
	}
	f.goal = &soroe.Goal{OrgID: f.org.ID, Title: "新卒の応募を30件に", Purpose: soroe.PurposeRecruiting, OwnerID: f.owner.ID,
		StartOn: "2026-11-01", Deadline: "2027-03-31", KPIs: []*soroe.KPI{{Metric: soroe.MetricConversions, Event: "application", Target: 30}}}
	if err := db.CreateGoal(ctx, f.goal, f.owner.ID); err != nil {
		t.Fatal(err)
	}
	f.tpl = &soroe.Template{OrgID: f.org.ID, GoalID: f.goal.ID, CreatedBy: f.owner.ID, TemplateBody: soroe.TemplateBody{
		Name: "若手大工の一日", Structure: "{名前}さんの一日", Networks: []soroe.Network{soroe.NetworkX},
		Frequency: soroe.Frequency{Count: 1, Per: "week"},
		ApprovalSteps: []soroe.ApprovalStep{
			{Name: "広報", Approvers: soroe.Assignees{Role: soroe.RoleManager}},
			{Name: "法務", Guests: []soroe.Guest{{Name: "顧問弁護士", Email: "lawyer@example.jp"}}},
		}}}
	if err := db.CreateTemplate(ctx, f.tpl); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) actor(u *soroe.User, role soroe.Role) workflow.Actor {
	return workflow.Actor{UserID: u.ID, OrgID: f.org.ID, Role: role}
}

func postCount(t *testing.T, db *store.DB, orgID int64) int {
	t.Helper()
	_, _, n, err := db.Posts(context.Background(), store.PostFilter{OrgID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The store clock starts at storetest.Epoch: 2026-11-23 09:30 in Tokyo.
const goodPlan = "\ufeffscheduled_at,account,text,goal,template,link\r\n" +
	"2026-12-01 09:00,公式X,完成見学会を開きます。,,,https://example.com/open-house\r\n" +
	"2026-12-01 09:00,soroe.bsky.social,完成見学会を開きます。,,,https://example.com/open-house\r\n" +
	"2026/12/02 12:00,@soroe_koumuten,入社2年目の佐藤さんの一日。,,若手大工の一日,\r\n" +
	"2026-12-03T18:00:00+09:00,手動,上棟式の様子をお届けします。,新卒の応募を30件に,,\r\n"

func TestImportByManager(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, db)
		svc := &postimport.Service{DB: db}

		dry, err := svc.Import(ctx, f.actor(f.manager, soroe.RoleManager), strings.NewReader(goodPlan), "plan.csv", postimport.Options{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if dry.Rows != 4 || len(dry.Posts) != 3 || len(dry.PostIDs) != 0 || postCount(t, db, f.org.ID) != 0 {
			t.Fatalf("dry run: %+v, %d posts stored", dry, postCount(t, db, f.org.ID))
		}

		res, err := svc.Import(ctx, f.actor(f.manager, soroe.RoleManager), strings.NewReader(goodPlan), "plan.csv", postimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 4 || len(res.PostIDs) != 3 || res.State != soroe.PostScheduled || len(res.Warnings) != 0 {
			t.Fatalf("result %+v", res)
		}
		tokyo, _ := time.LoadLocation("Asia/Tokyo")
		want := []struct {
			at      time.Time
			targets []int64
			goal    int64
			tpl     int64
			link    string
		}{
			{time.Date(2026, 12, 1, 9, 0, 0, 0, tokyo), []int64{f.x.ID, f.bsky.ID}, 0, 0, "https://example.com/open-house"},
			{time.Date(2026, 12, 2, 12, 0, 0, 0, tokyo), []int64{f.x.ID}, f.goal.ID, f.tpl.ID, ""},
			{time.Date(2026, 12, 3, 18, 0, 0, 0, tokyo), []int64{f.manual.ID}, f.goal.ID, 0, ""},
		}
		for i, id := range res.PostIDs {
			p, err := db.Post(ctx, f.org.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			w := want[i]
			if p.State != soroe.PostScheduled || !p.ScheduledAt.Equal(w.at) || p.AuthorID != f.manager.ID || p.Link != w.link {
				t.Errorf("post %d: %+v", i, p)
			}
			if got := deref(p.GoalID); got != w.goal {
				t.Errorf("post %d: goal %d, want %d", i, got, w.goal)
			}
			if got := deref(p.TemplateID); got != w.tpl || (w.tpl != 0 && p.TemplateVersion != 1) {
				t.Errorf("post %d: 型 %d v%d, want %d", i, got, p.TemplateVersion, w.tpl)
			}
			targets, _ := db.Targets(ctx, f.org.ID, id)
			var accts []int64
			for _, tg := range targets {
				accts = append(accts, tg.AccountID)
				if tg.State != soroe.TargetQueued || tg.Text != p.Text {
					t.Errorf("post %d target %+v", i, tg)
				}
			}
			if !slices.Equal(accts, w.targets) {
				t.Errorf("post %d: accounts %v, want %v", i, accts, w.targets)
			}
			evs, _ := db.PostEvents(ctx, f.org.ID, id)
			var kinds []string
			for _, e := range evs {
				kinds = append(kinds, e.Kind+":"+e.ActorName)
			}
			if !slices.Equal(kinds, []string{"created:鈴木", "approved:鈴木", "scheduled:鈴木"}) || evs[1].Detail != "import" {
				t.Errorf("post %d history %v", i, kinds)
			}
		}

		// The same file again: every row is already planned.
		_, err = svc.Import(ctx, f.actor(f.manager, soroe.RoleManager), strings.NewReader(goodPlan), "plan.csv", postimport.Options{})
		e, ok := postimport.IsProblems(err)
		if !ok || len(e.Problems) != 4 || !e.Has(postimport.KeyAlreadyPlanned) {
			t.Fatalf("second import: %v", err)
		}
		if postCount(t, db, f.org.ID) != 3 {
			t.Error("a refused import created posts")
		}
	})
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func TestImportRejectsWholeFile(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, db)
		if err := db.SetOrgProfile(ctx, &soroe.OrgProfile{OrgID: f.org.ID, NGWords: []string{"激安"}, BlockOnRisk: true}); err != nil {
			t.Fatal(err)
		}
		svc := &postimport.Service{DB: db}
		plan := "日時,アカウント,本文,型\n" +
			"2026-12-01 09:00,公式X,良い行です。,\n" + // line 2: fine
			"2026-11-20 09:00,公式X,過去の日時,\n" + // 3: in the past
			"2026-12-01 10:00,Instagram,知らないアカウント,\n" + // 4
			"2026-12-01 11:00,公式X," + strings.Repeat("長", 141) + ",\n" + // 5: too long for X
			"2026-12-01 12:00,Bluesky,激安の家,\n" + // 6: NG word, blocking
			"2026-12-01 09:00,公式X,良い行です。,\n" + // 7: same as line 2
			"2026-12-01 13:00,公式X,型が違う,ない型\n" // 8
		_, err := svc.Import(ctx, f.actor(f.owner, soroe.RoleOwner), strings.NewReader(plan), "plan.csv", postimport.Options{})
		e, ok := postimport.IsProblems(err)
		if !ok {
			t.Fatalf("got %v, want problems", err)
		}
		var got []string
		for _, p := range e.Problems {
			got = append(got, fmt.Sprintf("%d %s %s", p.Line, p.Column, p.Key))
		}
		want := []string{
			"3 scheduled_at " + planimport.KeyTimeInPast,
			"4 account " + planimport.KeyUnknownAccount,
			"5 text text.too_long",
			"6 text risk.ng_word",
			"7  " + planimport.KeyDuplicateRow,
			"8 template " + planimport.KeyUnknownTemplate,
		}
		if !slices.Equal(got, want) {
			t.Errorf("problems\n got %q\nwant %q", got, want)
		}
		for _, p := range e.Problems {
			if p.Key == "text.too_long" && (p.Limit != 280 || p.Code != "too_long") {
				t.Errorf("too long: %+v", p)
			}
			if p.Key == planimport.KeyDuplicateRow && p.Value != "2" {
				t.Errorf("duplicate: %+v", p)
			}
		}
		if postCount(t, db, f.org.ID) != 0 {
			t.Error("a refused import created posts")
		}

		// Without BlockOnRisk the finding is a warning and the row goes in.
		if err := db.SetOrgProfile(ctx, &soroe.OrgProfile{OrgID: f.org.ID, NGWords: []string{"激安"}}); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Import(ctx, f.actor(f.owner, soroe.RoleOwner), strings.NewReader("scheduled_at,account,text\n2026-12-01 12:00,Bluesky,激安の家\n"), "p.csv", postimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.PostIDs) != 1 || len(res.Warnings) != 1 || res.Warnings[0].Key != "risk.ng_word" || res.Warnings[0].Line != 2 {
			t.Errorf("warning: %+v", res)
		}
	})
}

func TestImportByStaffGoesToReview(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, db)
		svc := &postimport.Service{DB: db}
		res, err := svc.Import(ctx, f.actor(f.staff, soroe.RoleStaff), strings.NewReader(goodPlan), "plan.csv", postimport.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.State != soroe.PostInReview || len(res.PostIDs) != 3 {
			t.Fatalf("result %+v", res)
		}
		for i, id := range res.PostIDs {
			p, _ := db.Post(ctx, f.org.ID, id)
			wantSteps := 1
			if i == 1 {
				wantSteps = 2 // the 型's two steps
			}
			if p.State != soroe.PostInReview || p.Round != 1 || p.Step != 0 || len(p.Steps) != wantSteps || p.AuthorID != f.staff.ID {
				t.Errorf("post %d: %+v", i, p)
			}
			evs, _ := db.PostEvents(ctx, f.org.ID, id)
			if len(evs) != 2 || evs[1].Kind != store.EventSubmitted || evs[1].Detail != "1" {
				t.Errorf("post %d history %+v", i, evs)
			}
		}
		// The managers are asked to review; the author is not.
		ns, _, err := db.Notifications(ctx, f.org.ID, f.manager.ID, 10)
		if err != nil || len(ns) != 3 || ns[0].Kind != soroe.NotifyReviewRequest {
			t.Errorf("manager's notifications: %d %v", len(ns), err)
		}
		if ns, _, _ := db.Notifications(ctx, f.org.ID, f.staff.ID, 10); len(ns) != 0 {
			t.Errorf("the author was notified: %d", len(ns))
		}
		// A member who may approve decides them as any submitted post.
		wf := &workflow.Service{DB: db}
		p, _, err := wf.Decide(ctx, f.org.ID, res.PostIDs[0], store.Decision{Round: 1, Step: 0, UserID: f.manager.ID, Decision: soroe.DecisionApprove})
		if err != nil || p.State != soroe.PostScheduled {
			t.Errorf("decide: %+v %v", p, err)
		}
	})
}

func TestImportFormatErrors(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		f := newFixture(t, db)
		svc := &postimport.Service{DB: db}
		_, err := svc.Import(context.Background(), f.actor(f.owner, soroe.RoleOwner), strings.NewReader("when,who\n1,2\n"), "p.csv", postimport.Options{})
		e, ok := postimport.IsProblems(err)
		if !ok || !e.Has(planimport.KeyUnknownColumn) || !e.Has(planimport.KeyMissingColumn) {
			t.Errorf("header problems: %v", err)
		}
	})
}

// A row that is not a finished post is a problem like any other: a
// placeholder, an unfilled slot of its 型, or a 型 whose format needs an
// image (which a plan file cannot attach). Nothing is imported, for the
// approver (who would schedule it) and for staff (who would submit it).
func TestImportRejectsUnfinishedRows(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newFixture(t, db)
		photo := &soroe.Template{OrgID: f.org.ID, GoalID: f.goal.ID, CreatedBy: f.owner.ID, TemplateBody: soroe.TemplateBody{
			Name: "施工事例", Structure: "{物件}の施工事例", Format: "image", Networks: []soroe.Network{soroe.NetworkX},
			Frequency: soroe.Frequency{Count: 1, Per: "week"}}}
		if err := db.CreateTemplate(ctx, photo); err != nil {
			t.Fatal(err)
		}
		svc := &postimport.Service{DB: db}
		plan := "scheduled_at,account,text,template\n" +
			"2026-12-01 09:00,公式X,【ここに社員名】さんの一日,若手大工の一日\n" + // 2: placeholder
			"2026-12-02 09:00,公式X,{名前}さんの一日,若手大工の一日\n" + // 3: unfilled slot
			"2026-12-03 09:00,公式X,平屋の施工事例,施工事例\n" + // 4: format 画像, no image
			"2026-12-04 09:00,公式X,佐藤さんの一日,若手大工の一日\n" // 5: fine
		for _, who := range []workflow.Actor{f.actor(f.manager, soroe.RoleManager), f.actor(f.staff, soroe.RoleStaff)} {
			_, err := svc.Import(ctx, who, strings.NewReader(plan), "plan.csv", postimport.Options{})
			e, ok := postimport.IsProblems(err)
			if !ok {
				t.Fatalf("%s: got %v, want problems", who.Role, err)
			}
			var got []string
			for _, p := range e.Problems {
				got = append(got, fmt.Sprintf("%d %s %s %s", p.Line, p.Column, p.Key, p.Value))
			}
			want := []string{
				"2 text unfinished.placeholder 【ここに社員名】",
				"3 text unfinished.unfilled_slot 名前",
				"4 template unfinished.format_needs_image image",
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: problems\n got %q\nwant %q", who.Role, got, want)
			}
			if postCount(t, db, f.org.ID) != 0 {
				t.Fatalf("%s: a refused import created posts", who.Role)
			}
		}
	})
}
