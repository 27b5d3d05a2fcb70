package workflow_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
	"github.com/soroe/soroe/workflow"
)

func TestUnfinishedFindings(t *testing.T) {
	tpl := func(format, structure string) *soroe.Template {
		return &soroe.Template{TemplateBody: soroe.TemplateBody{Format: format, Structure: structure}}
	}
	img := &soroe.Media{ContentType: "image/png"}
	jpg := &soroe.Media{ContentType: "image/jpeg"}
	mp4 := &soroe.Media{ContentType: "video/mp4"}
	ph := func(v string) workflow.Finding {
		return workflow.Finding{Code: workflow.UnfinishedPlaceholder, Value: v}
	}
	slot := func(v string) workflow.Finding { return workflow.Finding{Code: workflow.UnfinishedSlot, Value: v} }
	needImg := func(f string, n int) workflow.Finding {
		return workflow.Finding{Code: workflow.UnfinishedImage, Value: f, Need: n}
	}
	needVideo := workflow.Finding{Code: workflow.UnfinishedVideo, Value: "short_video", Need: 1}
	for _, c := range []struct {
		name  string
		tpl   *soroe.Template
		texts []string
		media []*soroe.Media
		want  []workflow.Finding
	}{
		{"finished free-form", nil, []string{"完成見学会のお知らせです。"}, nil, nil},
		{"builtin placeholder", nil, []string{"【ここに社員名】さんの一日"}, nil, []workflow.Finding{ph("【ここに社員名】")}},
		{"English placeholder", nil, []string{"Meet [add employee name] from sales."}, nil, []workflow.Finding{ph("[add employee name]")}},
		{"two placeholders, once each across texts", nil,
			[]string{"【ここに社員名】と【ここにリンクURL】", "X 版: 【ここに社員名】"}, nil,
			[]workflow.Finding{ph("【ここに社員名】"), ph("【ここにリンクURL】")}},
		{"brackets that are no placeholder", nil, []string{"【施工事例】平屋 [PR] [add]"}, nil, nil},
		{"a placeholder never spans lines", nil, []string{"【ここに\n】"}, nil, nil},
		{"unfilled slot of the 型", tpl("text", "{名前}さんの一日: {エピソード}"), []string{"{名前}さんの一日: 朝礼から始まります"}, nil,
			[]workflow.Finding{slot("名前")}},
		{"every slot filled", tpl("text", "{名前}さんの一日"), []string{"佐藤さんの一日"}, nil, nil},
		{"braces that are not the 型's slots", tpl("text", "{名前}さん"), []string{"佐藤さん {笑}"}, nil, nil},
		{"free-form post: braces are text", nil, []string{"{名前}さん"}, nil, nil},
		{"a variant's unfilled slot", tpl("text", "{名前}さん"), []string{"佐藤さん", "{名前}さん（Bluesky 版）"}, nil,
			[]workflow.Finding{slot("名前")}},
		{"image format without an image", tpl("image", "施工事例"), []string{"施工事例"}, nil, []workflow.Finding{needImg("image", 1)}},
		{"image format with a video only", tpl("image", "施工事例"), []string{"施工事例"}, []*soroe.Media{mp4}, []workflow.Finding{needImg("image", 1)}},
		{"image format with an image", tpl("image", "施工事例"), []string{"施工事例"}, []*soroe.Media{jpg}, nil},
		{"carousel with one image", tpl("carousel", "事例"), []string{"事例"}, []*soroe.Media{img}, []workflow.Finding{needImg("carousel", 2)}},
		{"carousel with two images", tpl("carousel", "事例"), []string{"事例"}, []*soroe.Media{img, jpg}, nil},
		{"short video without a video", tpl("short_video", "動画"), []string{"動画"}, []*soroe.Media{img}, []workflow.Finding{needVideo}},
		{"short video with a video", tpl("short_video", "動画"), []string{"動画"}, []*soroe.Media{mp4}, nil},
		{"text and thread formats need nothing", tpl("thread", "本文"), []string{"本文"}, nil, nil},
		{"everything at once, in order", tpl("image", "{名前}: {話}"), []string{"{名前}: 【ここに話】"}, nil,
			[]workflow.Finding{ph("【ここに話】"), slot("名前"), needImg("image", 1)}},
	} {
		got := workflow.UnfinishedFindings(c.tpl, c.texts, c.media)
		if got == nil {
			t.Errorf("%s: nil, want a list", c.name)
		}
		if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// unfinishedScene is an organization with an X account, a 型 of format
// 画像 with a slot, and a manager who approves its posts.
type unfinishedScene struct {
	db         *store.DB
	svc        *workflow.Service
	org        *soroe.Org
	staff, mgr workflow.Actor
	acc        *soroe.Account
	tpl        *soroe.Template
	guest      soroe.Guest
	clock      *storetest.Clock
	staffUser  *soroe.User
}

func newUnfinishedScene(t *testing.T, db *store.DB, clock *storetest.Clock) *unfinishedScene {
	t.Helper()
	ctx := context.Background()
	sc := &unfinishedScene{db: db, svc: &workflow.Service{DB: db}, clock: clock, guest: soroe.Guest{Name: "顧問", Email: "c@example.jp"}}
	owner := &soroe.User{Email: "o@example.jp", Name: "O", PasswordHash: "x"}
	sc.org = &soroe.Org{Name: "揃え"}
	if err := db.CreateUserWithOrg(ctx, owner, sc.org); err != nil {
		t.Fatal(err)
	}
	mgr := &soroe.User{Email: "m@example.jp", Name: "広報", PasswordHash: "x"}
	sc.staffUser = &soroe.User{Email: "s@example.jp", Name: "現場", PasswordHash: "x"}
	for _, u := range []*soroe.User{mgr, sc.staffUser} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.InsertMember(ctx, sc.org.ID, mgr.ID, soroe.RoleManager); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertMember(ctx, sc.org.ID, sc.staffUser.ID, soroe.RoleStaff); err != nil {
		t.Fatal(err)
	}
	sc.mgr = workflow.Actor{UserID: mgr.ID, OrgID: sc.org.ID, Role: soroe.RoleManager}
	sc.staff = workflow.Actor{UserID: sc.staffUser.ID, OrgID: sc.org.ID, Role: soroe.RoleStaff}
	sc.acc = &soroe.Account{OrgID: sc.org.ID, Network: soroe.NetworkX, Name: "公式X"}
	if err := db.CreateAccount(ctx, sc.acc, "sealed"); err != nil {
		t.Fatal(err)
	}
	g := &soroe.Goal{OrgID: sc.org.ID, OwnerID: owner.ID, Title: "採用", Purpose: soroe.PurposeRecruiting,
		StartOn: soroe.DateOf(clock.Now(), time.UTC), Deadline: soroe.DateOf(clock.Now().Add(90*24*time.Hour), time.UTC),
		KPIs: []*soroe.KPI{{Primary: true, Metric: soroe.MetricLinkClicks, Target: 100}}}
	if err := db.CreateGoal(ctx, g, owner.ID); err != nil {
		t.Fatal(err)
	}
	sc.tpl = &soroe.Template{OrgID: sc.org.ID, GoalID: g.ID, CreatedBy: mgr.ID, TemplateBody: soroe.TemplateBody{
		Name: "施工事例", Structure: "{物件}の施工事例", Format: "image", Networks: []soroe.Network{soroe.NetworkX},
		Frequency:     soroe.Frequency{Count: 1, Per: "week"},
		ApprovalSteps: []soroe.ApprovalStep{{Name: "広報", Mode: soroe.ApproveAny, Approvers: soroe.Assignees{Role: soroe.RoleManager}}}}}
	if err := db.CreateTemplate(ctx, sc.tpl); err != nil {
		t.Fatal(err)
	}
	return sc
}

// draft is a post of the 型 with text by staff.
func (sc *unfinishedScene) draft(t *testing.T, text string) *soroe.Post {
	t.Helper()
	id := sc.tpl.ID
	p := &soroe.Post{TemplateID: &id, Text: text}
	if err := sc.svc.Create(context.Background(), sc.staff, p, []*soroe.Target{{AccountID: sc.acc.ID, Text: text}}); err != nil {
		t.Fatal(err)
	}
	return p
}

func (sc *unfinishedScene) image(t *testing.T, p *soroe.Post) {
	t.Helper()
	m := &soroe.Media{PostID: p.ID, OrgID: p.OrgID, Filename: "a.png", ContentType: "image/png", CreatedBy: sc.staff.UserID}
	steps, err := sc.svc.Steps(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.db.AddMedia(context.Background(), m, []byte("\x89PNG"), steps); err != nil {
		t.Fatal(err)
	}
}

// Submit, a member's approval, a guest's approval and scheduling each
// refuse an unfinished draft with ErrUnfinished and the findings; once
// finished, the post goes on.
func TestUnfinishedDraftIsRefused(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		sc := newUnfinishedScene(t, db, clock)
		wantRefused := func(what string, rep *workflow.Report, err error, codes ...string) {
			t.Helper()
			if !errors.Is(err, workflow.ErrUnfinished) {
				t.Fatalf("%s: %v, want ErrUnfinished", what, err)
			}
			if rep == nil || rep.Valid {
				t.Fatalf("%s: report %+v", what, rep)
			}
			var got []string
			for _, f := range rep.Unfinished {
				got = append(got, f.Code)
			}
			if !slices.Equal(got, codes) {
				t.Errorf("%s: findings %v, want %v", what, got, codes)
			}
		}

		// Submit: a placeholder, an unfilled slot, no image.
		p := sc.draft(t, "{物件}の施工事例。【ここにお施主様の声】")
		_, rep, err := sc.svc.Submit(ctx, sc.staff, p.ID)
		wantRefused("submit", rep, err, workflow.UnfinishedPlaceholder, workflow.UnfinishedSlot, workflow.UnfinishedImage)
		if got, _ := db.Post(ctx, sc.org.ID, p.ID); got.State != soroe.PostDraft {
			t.Fatalf("refused post is %s", got.State)
		}
		// Text finished, still no image.
		p.Text = "平屋の施工事例。"
		if _, err := sc.svc.Update(ctx, sc.staff, p, []*soroe.Target{{AccountID: sc.acc.ID, Text: p.Text}}); err != nil {
			t.Fatal(err)
		}
		_, rep, err = sc.svc.Submit(ctx, sc.staff, p.ID)
		wantRefused("submit without an image", rep, err, workflow.UnfinishedImage)
		sc.image(t, p)
		if _, rep, err := sc.svc.Submit(ctx, sc.staff, p.ID); err != nil || len(rep.Unfinished) != 0 || !rep.Valid {
			t.Fatalf("finished submit: %v %+v", err, rep)
		}

		// In review, the text goes back to a placeholder behind the
		// workflow's back (as a post stored before these checks): the
		// member's and the guest's approvals are refused.
		if _, err := db.Writer().ExecContext(ctx, "UPDATE post_targets SET text = $1 WHERE post_id = $2", "【ここに物件名】の施工事例", p.ID); err != nil {
			t.Fatal(err)
		}
		cur, _ := db.Post(ctx, sc.org.ID, p.ID)
		_, rep, err = sc.svc.Decide(ctx, sc.org.ID, p.ID, store.Decision{Round: cur.Round, Step: cur.Step, UserID: sc.mgr.UserID, Decision: soroe.DecisionApprove})
		wantRefused("member approval", rep, err, workflow.UnfinishedPlaceholder)
		if _, err := db.Writer().ExecContext(ctx, "UPDATE posts SET steps = $1 WHERE id = $2", `[{"mode":"any","guests":[{"name":"顧問","email":"c@example.jp"}]}]`, p.ID); err != nil {
			t.Fatal(err)
		}
		_, rep, err = sc.svc.Decide(ctx, sc.org.ID, p.ID, store.Decision{Round: cur.Round, Step: cur.Step, Guest: sc.guest, Decision: soroe.DecisionApprove})
		wantRefused("guest approval", rep, err, workflow.UnfinishedPlaceholder)
		// A rejection is never refused: it is how the draft goes back.
		if _, _, err := sc.svc.Decide(ctx, sc.org.ID, p.ID, store.Decision{Round: cur.Round, Step: cur.Step, Guest: sc.guest, Decision: soroe.DecisionReject, Comment: "枠が残っています"}); err != nil {
			t.Fatalf("reject: %v", err)
		}

		// Scheduling an approved post whose 型 needs an image it lost.
		q := sc.draft(t, "平屋の施工事例。")
		sc.image(t, q)
		if _, _, err := sc.svc.Submit(ctx, sc.staff, q.ID); err != nil {
			t.Fatal(err)
		}
		cur, _ = db.Post(ctx, sc.org.ID, q.ID)
		if after, _, err := sc.svc.Decide(ctx, sc.org.ID, q.ID, store.Decision{Round: cur.Round, Step: cur.Step, UserID: sc.mgr.UserID, Decision: soroe.DecisionApprove}); err != nil || after.State != soroe.PostApproved {
			t.Fatalf("approve: %v", err)
		}
		if _, err := db.Writer().ExecContext(ctx, "DELETE FROM post_media WHERE post_id = $1", q.ID); err != nil {
			t.Fatal(err)
		}
		rep, err = sc.svc.Schedule(ctx, sc.mgr, q.ID, clock.Now().Add(48*time.Hour))
		wantRefused("schedule", rep, err, workflow.UnfinishedImage)
		if got, _ := db.Post(ctx, sc.org.ID, q.ID); got.State != soroe.PostApproved || got.ScheduledAt != nil {
			t.Errorf("refused schedule left %s at %v", got.State, got.ScheduledAt)
		}
		sc.image(t, q) // sends it back to review
		cur, _ = db.Post(ctx, sc.org.ID, q.ID)
		if _, _, err := sc.svc.Decide(ctx, sc.org.ID, q.ID, store.Decision{Round: cur.Round, Step: cur.Step, UserID: sc.mgr.UserID, Decision: soroe.DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		if _, err := sc.svc.Schedule(ctx, sc.mgr, q.ID, clock.Now().Add(48*time.Hour)); err != nil {
			t.Fatalf("finished schedule: %v", err)
		}
	})
}

// An empty draft is not kept; a past 予約日時 is refused when it is chosen,
// not when an older post keeps it.
func TestDraftEmptyAndPastTime(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		sc := newUnfinishedScene(t, db, clock)
		if err := sc.svc.Create(ctx, sc.staff, &soroe.Post{Text: "  "}, nil); !errors.Is(err, workflow.ErrEmptyDraft) {
			t.Fatalf("empty draft: %v", err)
		}
		if _, _, n, _ := db.Posts(ctx, store.PostFilter{OrgID: sc.org.ID}); n != 0 {
			t.Fatalf("%d posts kept", n)
		}
		// Text alone or an attachment alone is a draft (an account needs
		// text for it: the store refuses a target without).
		memo := &soroe.Post{Text: "メモ"}
		if err := sc.svc.Create(ctx, sc.staff, memo, nil); err != nil {
			t.Errorf("text only: %v", err)
		}
		if err := sc.svc.Create(ctx, sc.staff, &soroe.Post{}, []*soroe.Target{{AccountID: sc.acc.ID}}); soroe.ErrorField(err) != "text" {
			t.Errorf("account without text: %v", err)
		}
		photo := &soroe.Post{}
		if err := sc.svc.Create(ctx, sc.staff, photo, nil, store.MediaUpload{Media: &soroe.Media{Filename: "a.png", ContentType: "image/png"}, Data: []byte("x")}); err != nil {
			t.Errorf("attachment only: %v", err)
		}
		// Emptying a stored draft is refused too (unless it has media).
		memo.Text = ""
		if _, err := sc.svc.Update(ctx, sc.staff, memo, nil); !errors.Is(err, workflow.ErrEmptyDraft) {
			t.Errorf("emptied draft: %v", err)
		}
		if got, _ := db.Post(ctx, sc.org.ID, memo.ID); got.Text != "メモ" {
			t.Errorf("emptied draft saved: %q", got.Text)
		}
		if _, err := sc.svc.Update(ctx, sc.staff, photo, nil); err != nil {
			t.Errorf("a draft with an attachment only: %v", err)
		}

		now := clock.Now()
		past, soon, future := now.Add(-time.Hour), now.Add(-30*time.Second), now.Add(time.Hour)
		for _, c := range []struct {
			at, was *time.Time
			ok      bool
		}{
			{nil, nil, true}, {&future, nil, true}, {&soon, nil, true}, {&past, nil, false},
			{&past, &past, true}, {&past, &future, false},
		} {
			err := sc.svc.CheckScheduledAt(&soroe.Post{ScheduledAt: c.at}, c.was)
			if (err == nil) != c.ok || (err != nil && !errors.Is(err, workflow.ErrInPast)) {
				t.Errorf("at %v was %v: %v", c.at, c.was, err)
			}
		}
		clock.Add(2 * time.Hour) // the injected clock decides
		if err := sc.svc.CheckScheduledAt(&soroe.Post{ScheduledAt: &future}, nil); !errors.Is(err, workflow.ErrInPast) {
			t.Errorf("an hour ago by the clock: %v", err)
		}
	})
}
