package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

type workflowFixture struct {
	org                     *soroe.Org
	owner, pr, legal, staff *soroe.User
	accounts                []*soroe.Account
	steps                   []soroe.ApprovalStep
}

func newWorkflowFixture(t *testing.T, db *store.DB) *workflowFixture {
	t.Helper()
	ctx := context.Background()
	f := &workflowFixture{org: &soroe.Org{Name: "揃え商事"}}
	f.owner = &soroe.User{Email: "owner@example.jp", Name: "社長", PasswordHash: "x"}
	if err := db.CreateUserWithOrg(ctx, f.owner, f.org); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		p    **soroe.User
		name string
		role soroe.Role
	}{{&f.pr, "広報", soroe.RoleManager}, {&f.legal, "法務", soroe.RoleExecutive}, {&f.staff, "現場", soroe.RoleStaff}} {
		*u.p = &soroe.User{Email: u.name + "@example.jp", Name: u.name, PasswordHash: "x"}
		if err := db.CreateUser(ctx, *u.p); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertMember(ctx, f.org.ID, (*u.p).ID, u.role); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []soroe.Network{soroe.NetworkMastodon, soroe.NetworkX} {
		a := &soroe.Account{OrgID: f.org.ID, Network: n, Name: string(n)}
		if err := db.CreateAccount(ctx, a, "sealed"); err != nil {
			t.Fatal(err)
		}
		f.accounts = append(f.accounts, a)
	}
	f.steps = []soroe.ApprovalStep{
		{Name: "広報", Mode: soroe.ApproveAny, Approvers: soroe.Assignees{Role: soroe.RoleManager}},
		{Name: "法務", Mode: soroe.ApproveAll, Approvers: soroe.Assignees{UserIDs: []int64{f.legal.ID}},
			Guests: []soroe.Guest{{Name: "顧問弁護士", Email: "lawyer@example.jp"}}},
	}
	return f
}

func (f *workflowFixture) draft(t *testing.T, db *store.DB, at *time.Time) (*soroe.Post, []*soroe.Target) {
	t.Helper()
	p := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, Text: "見学会のお知らせ", ScheduledAt: at}
	targets := []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "見学会のお知らせ"}, {AccountID: f.accounts[1].ID, Text: "見学会 #工務店"}}
	if err := db.CreatePost(context.Background(), p, targets); err != nil {
		t.Fatal(err)
	}
	return p, targets
}

func kinds(t *testing.T, db *store.DB, orgID, postID int64) []string {
	t.Helper()
	evs, err := db.PostEvents(context.Background(), orgID, postID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func TestWorkflowApprovalSteps(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		at := db.Now().Add(48 * time.Hour)
		p, _ := f.draft(t, db, &at)
		if p.State != soroe.PostDraft {
			t.Fatalf("state %s", p.State)
		}
		// Only a draft can be submitted; approvals need the current round and step.
		sub, err := db.SubmitPost(ctx, f.org.ID, p.ID, f.steps, f.staff.ID)
		if err != nil || sub.State != soroe.PostInReview || sub.Round != 1 || len(sub.Steps) != 2 {
			t.Fatalf("submit: %+v %v", sub, err)
		}
		if _, err := db.SubmitPost(ctx, f.org.ID, p.ID, f.steps, f.staff.ID); !errors.Is(err, store.ErrPostState) {
			t.Errorf("second submit: %v", err)
		}
		// Staff is not an approver of step 0; legal is not either (step 1).
		for _, uid := range []int64{f.staff.ID, f.legal.ID} {
			_, err := db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 1, Step: 0, UserID: uid, Decision: soroe.DecisionApprove})
			if soroe.ErrorCode(err) != soroe.EForbidden {
				t.Errorf("user %d approved step 0: %v", uid, err)
			}
		}
		// A stale round is refused.
		if _, err := db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 2, Step: 0, UserID: f.pr.ID, Decision: soroe.DecisionApprove}); !errors.Is(err, store.ErrPostState) {
			t.Errorf("stale round: %v", err)
		}
		got, err := db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 1, Step: 0, UserID: f.pr.ID, Decision: soroe.DecisionApprove, Comment: "OK"})
		if err != nil || got.State != soroe.PostInReview || got.Step != 1 {
			t.Fatalf("step 0: %+v %v", got, err)
		}
		// Step 1 is "all": legal and the guest.
		got, err = db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 1, Step: 1, UserID: f.legal.ID, Decision: soroe.DecisionApprove})
		if err != nil || got.State != soroe.PostInReview || got.Step != 1 {
			t.Fatalf("legal: %+v %v", got, err)
		}
		if _, err := db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 1, Step: 1, Guest: soroe.Guest{Email: "other@example.jp"}, Decision: soroe.DecisionApprove}); soroe.ErrorCode(err) != soroe.EForbidden {
			t.Errorf("unknown guest: %v", err)
		}
		got, err = db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 1, Step: 1, Guest: soroe.Guest{Name: "顧問弁護士", Email: "lawyer@example.jp"}, Decision: soroe.DecisionApprove})
		if err != nil || got.State != soroe.PostScheduled {
			t.Fatalf("guest: %+v %v", got, err)
		}
		want := []string{"created", "submitted", "step_approved", "step_approved", "step_approved", "approved", "scheduled"}
		if k := kinds(t, db, f.org.ID, p.ID); !equal(k, want) {
			t.Errorf("history %v, want %v", k, want)
		}
		evs, _ := db.PostEvents(ctx, f.org.ID, p.ID)
		if evs[4].ActorName != "顧問弁護士" || evs[4].ActorID != nil || evs[2].ActorName != "広報" {
			t.Errorf("actors: %+v %+v", evs[2], evs[4])
		}

		// Editing a scheduled post sends it back to review in a new round,
		// keeping each remaining target's idempotency key.
		before, _ := db.Targets(ctx, f.org.ID, p.ID)
		p2, _ := db.Post(ctx, f.org.ID, p.ID)
		p2.Text = "見学会のお知らせ（改）"
		back, err := db.UpdatePost(ctx, p2, []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "見学会のお知らせ（改）"}}, f.steps, f.staff.ID)
		if err != nil || !back {
			t.Fatalf("edit: %v %v", back, err)
		}
		after, _ := db.Targets(ctx, f.org.ID, p.ID)
		if len(after) != 1 || after[0].IdempotencyKey != before[0].IdempotencyKey || after[0].Text != "見学会のお知らせ（改）" {
			t.Errorf("targets after edit: %+v", after)
		}
		p3, _ := db.Post(ctx, f.org.ID, p.ID)
		if p3.State != soroe.PostInReview || p3.Round != 2 || p3.Step != 0 {
			t.Errorf("after edit: %+v", p3)
		}
		// A rejection needs a comment and sends the post back as a draft.
		if _, err := db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 2, Step: 0, UserID: f.owner.ID, Decision: soroe.DecisionReject}); soroe.ErrorCode(err) != soroe.EForbidden && soroe.ErrorField(err) != "comment" {
			t.Errorf("reject without comment: %v", err)
		}
		got, err = db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 2, Step: 0, UserID: f.pr.ID, Decision: soroe.DecisionReject, Comment: "写真を差し替えてください"})
		if err != nil || got.State != soroe.PostDraft {
			t.Fatalf("reject: %+v %v", got, err)
		}
		all, _ := db.Approvals(ctx, f.org.ID, p.ID, 0)
		round2, _ := db.Approvals(ctx, f.org.ID, p.ID, 2)
		if len(all) != 4 || len(round2) != 1 || round2[0].Comment != "写真を差し替えてください" {
			t.Errorf("approvals: %d, round 2: %+v", len(all), round2)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWorkflowSchedule(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		p, _ := f.draft(t, db, nil)
		one := f.steps[:1]
		if err := db.SchedulePost(ctx, f.org.ID, p.ID, db.Now(), f.pr.ID); !errors.Is(err, store.ErrPostState) {
			t.Errorf("draft scheduled: %v", err)
		}
		// Moving a draft on the calendar keeps it a draft.
		at := db.Now().Add(time.Hour)
		if err := db.ReschedulePost(ctx, f.org.ID, p.ID, &at, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SubmitPost(ctx, f.org.ID, p.ID, one, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		clock.Add(2 * time.Hour) // the planned time passes during review
		got, err := db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 1, Step: 0, UserID: f.pr.ID, Decision: soroe.DecisionApprove})
		if err != nil || got.State != soroe.PostApproved {
			t.Fatalf("approved past its time: %+v %v", got, err)
		}
		due, _ := db.DueTargets(ctx, 10)
		if len(due) != 0 {
			t.Errorf("approved post is due: %v", due)
		}
		now := db.Now()
		if err := db.SchedulePost(ctx, f.org.ID, p.ID, now, f.pr.ID); err != nil {
			t.Fatal(err)
		}
		due, _ = db.DueTargets(ctx, 10)
		if len(due) != 2 {
			t.Fatalf("due %v", due)
		}
		if err := db.UnschedulePost(ctx, f.org.ID, p.ID, f.pr.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.SchedulePost(ctx, f.org.ID, p.ID, now, f.pr.ID); err != nil {
			t.Fatal(err)
		}
		// Once a target is claimed, the post can no longer change.
		if ok, err := db.ClaimTarget(ctx, due[0], time.Minute); !ok || err != nil {
			t.Fatalf("claim %v %v", ok, err)
		}
		p2, _ := db.Post(ctx, f.org.ID, p.ID)
		for name, err := range map[string]error{
			"edit": func() error {
				_, err := db.UpdatePost(ctx, p2, []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "x"}}, one, f.pr.ID)
				return err
			}(),
			"reschedule": db.ReschedulePost(ctx, f.org.ID, p.ID, &at, f.pr.ID),
			"unschedule": db.UnschedulePost(ctx, f.org.ID, p.ID, f.pr.ID),
			"delete":     db.DeletePost(ctx, f.org.ID, p.ID),
		} {
			if !errors.Is(err, store.ErrPostPublishing) {
				t.Errorf("%s while publishing: %v", name, err)
			}
		}
	})
}

// Two approvers of an "all" step deciding at once both count: the post
// ends approved, not stuck in review.
func TestWorkflowConcurrentApprovals(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		steps := []soroe.ApprovalStep{{Mode: soroe.ApproveAll, Approvers: soroe.Assignees{UserIDs: []int64{f.pr.ID, f.legal.ID, f.owner.ID}}}}
		for range 5 {
			p, _ := f.draft(t, db, nil)
			if _, err := db.SubmitPost(ctx, f.org.ID, p.ID, steps, f.staff.ID); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for _, u := range []int64{f.pr.ID, f.legal.ID, f.owner.ID} {
				wg.Go(func() {
					if _, err := db.DecidePost(ctx, f.org.ID, p.ID, store.Decision{Round: 1, Step: 0, UserID: u, Decision: soroe.DecisionApprove}); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			got, _ := db.Post(ctx, f.org.ID, p.ID)
			if got.State != soroe.PostApproved {
				t.Fatalf("state %s after three concurrent approvals", got.State)
			}
		}
	})
}

func TestCommentsMediaAndList(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		p, _ := f.draft(t, db, nil)
		c := &soroe.Comment{PostID: p.ID, AuthorID: f.pr.ID, Body: "@現場 写真はありますか"}
		if err := db.AddComment(ctx, f.org.ID, c); err != nil || c.AuthorName != "広報" {
			t.Fatalf("comment %+v %v", c, err)
		}
		bad := int64(99999)
		if err := db.AddComment(ctx, f.org.ID, &soroe.Comment{PostID: p.ID, AuthorID: f.staff.ID, Body: "x", ParentID: &bad}); soroe.ErrorField(err) != "parent_id" {
			t.Errorf("unknown parent: %v", err)
		}
		reply := &soroe.Comment{PostID: p.ID, AuthorID: f.staff.ID, Body: "あります", ParentID: &c.ID}
		if err := db.AddComment(ctx, f.org.ID, reply); err != nil {
			t.Fatal(err)
		}
		cs, err := db.Comments(ctx, f.org.ID, p.ID)
		if err != nil || len(cs) != 2 || cs[1].ParentID == nil || *cs[1].ParentID != c.ID {
			t.Fatalf("comments %+v %v", cs, err)
		}
		m := &soroe.Media{PostID: p.ID, OrgID: f.org.ID, Filename: "a.png", ContentType: "image/png", CreatedBy: f.staff.ID}
		if back, err := db.AddMedia(ctx, m, []byte("\x89PNG...."), nil); err != nil || back || m.Position != 1 {
			t.Fatalf("media %+v %v %v", m, back, err)
		}
		got, data, err := db.MediaData(ctx, f.org.ID, m.ID)
		if err != nil || string(data) != "\x89PNG...." || got.Bytes != 8 || len(got.SHA256) != 64 {
			t.Fatalf("media data %+v %v", got, err)
		}
		if _, _, err := db.MediaData(ctx, f.org.ID+1, m.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other org reads media: %v", err)
		}
		// List with filters.
		at := db.Now().Add(24 * time.Hour)
		p2, _ := f.draft(t, db, &at)
		posts, targets, total, err := db.Posts(ctx, store.PostFilter{OrgID: f.org.ID})
		if err != nil || total != 2 || len(posts) != 2 || len(targets[p2.ID]) != 2 {
			t.Fatalf("list %d %d %v", total, len(posts), err)
		}
		posts, _, total, _ = db.Posts(ctx, store.PostFilter{OrgID: f.org.ID, From: at.Add(-time.Minute), To: at.Add(time.Minute)})
		if total != 1 || posts[0].ID != p2.ID {
			t.Errorf("window: %d", total)
		}
		_, _, total, _ = db.Posts(ctx, store.PostFilter{OrgID: f.org.ID, Network: soroe.NetworkLINE})
		if total != 0 {
			t.Errorf("network filter: %d", total)
		}
		_, _, total, _ = db.Posts(ctx, store.PostFilter{OrgID: f.org.ID, States: []string{soroe.PostDraft}, AuthorID: f.staff.ID, AccountID: f.accounts[1].ID})
		if total != 2 {
			t.Errorf("filters: %d", total)
		}
		if err := db.DeletePost(ctx, f.org.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Post(ctx, f.org.ID, p.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("deleted post: %v", err)
		}
	})
}

func TestIdempotencyKeys(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		r, err := db.ReserveIdempotencyKey(ctx, f.pr.ID, f.org.ID, "k1", "POST /api/v1/posts", "fp")
		if err != nil || r != nil {
			t.Fatalf("reserve: %+v %v", r, err)
		}
		r, _ = db.ReserveIdempotencyKey(ctx, f.pr.ID, f.org.ID, "k1", "POST /api/v1/posts", "fp")
		if r == nil || r.Status != 0 {
			t.Fatalf("in progress: %+v", r)
		}
		if err := db.CompleteIdempotencyKey(ctx, f.pr.ID, f.org.ID, "k1", "POST /api/v1/posts", 201, `{"id":1}`); err != nil {
			t.Fatal(err)
		}
		r, _ = db.ReserveIdempotencyKey(ctx, f.pr.ID, f.org.ID, "k1", "POST /api/v1/posts", "fp")
		if r == nil || r.Status != 201 || r.Body != `{"id":1}` {
			t.Fatalf("replay: %+v", r)
		}
		// Another user's key is another key.
		if r, _ := db.ReserveIdempotencyKey(ctx, f.staff.ID, f.org.ID, "k1", "POST /api/v1/posts", "fp"); r != nil {
			t.Errorf("other user: %+v", r)
		}
		// After a day the key may be used again.
		clock.Add(25 * time.Hour)
		if r, _ := db.ReserveIdempotencyKey(ctx, f.pr.ID, f.org.ID, "k1", "POST /api/v1/posts", "fp2"); r != nil {
			t.Errorf("expired key: %+v", r)
		}
		if err := db.ReleaseIdempotencyKey(ctx, f.pr.ID, f.org.ID, "k1", "POST /api/v1/posts"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestNotifications(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		acc := f.accounts[0].ID
		n := soroe.Notification{OrgID: f.org.ID, Kind: soroe.NotifyReconnect, AccountID: &acc, Params: map[string]string{"Account": "mastodon"}}
		managers, _ := db.MembersWithRole(ctx, f.org.ID, soroe.RoleOwner, soroe.RoleManager)
		if len(managers) != 2 {
			t.Fatalf("managers %v", managers)
		}
		if sent, err := db.Notify(ctx, n, true, managers...); err != nil || sent != 2 {
			t.Fatalf("notify %d %v", sent, err)
		}
		if sent, _ := db.Notify(ctx, n, true, managers...); sent != 0 {
			t.Errorf("notified twice: %d", sent)
		}
		// Not a member: nothing stored.
		other := &soroe.User{Email: "x@example.jp", Name: "x", PasswordHash: "x"}
		_ = db.CreateUser(ctx, other)
		_, _ = db.Notify(ctx, n, false, other.ID)
		if list, unread, _ := db.Notifications(ctx, f.org.ID, other.ID, 10); len(list) != 0 || unread != 0 {
			t.Errorf("non-member notified")
		}
		list, unread, err := db.Notifications(ctx, f.org.ID, f.pr.ID, 10)
		if err != nil || len(list) != 1 || unread != 1 || list[0].Params["Account"] != "mastodon" {
			t.Fatalf("list %+v %d %v", list, unread, err)
		}
		if err := db.MarkNotificationsRead(ctx, f.org.ID, f.pr.ID); err != nil {
			t.Fatal(err)
		}
		if _, unread, _ := db.Notifications(ctx, f.org.ID, f.pr.ID, 0); unread != 0 {
			t.Errorf("unread after read: %d", unread)
		}
		if sent, _ := db.Notify(ctx, n, true, f.pr.ID); sent != 1 {
			t.Errorf("once after read: %d", sent)
		}
	})
}

// TestPostsBySlot: the slot window keeps the posts that fill a slot of a
// 型 in it, wherever they were moved to, and nothing else.
func TestPostsBySlot(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		g := newGoal(f.org.ID, f.owner.ID)
		if err := db.CreateGoal(ctx, g, f.owner.ID); err != nil {
			t.Fatal(err)
		}
		tpl := &soroe.Template{OrgID: f.org.ID, GoalID: g.ID, CreatedBy: f.pr.ID, TemplateBody: soroe.TemplateBody{
			Name: "社員紹介", Structure: "{名前}", Networks: []soroe.Network{soroe.NetworkX}, Frequency: soroe.Frequency{Count: 1, Per: "week"}}}
		if err := db.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		slot := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
		mk := func(tplID *int64, slotAt, sched *time.Time) *soroe.Post {
			t.Helper()
			p := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, Text: "枠の投稿", TemplateID: tplID, SlotAt: slotAt, ScheduledAt: sched}
			if tplID != nil {
				p.TemplateVersion = 1
			}
			if err := db.CreatePost(ctx, p, []*soroe.Target{{AccountID: f.accounts[1].ID, Text: p.Text}}); err != nil {
				t.Fatal(err)
			}
			return p
		}
		at := func(t time.Time) *time.Time { return &t }
		moved := mk(&tpl.ID, at(slot), at(slot.AddDate(0, 2, 0))) // filled, then moved two months on
		mk(&tpl.ID, at(slot.AddDate(0, 0, 7)), nil)               // next week's slot
		mk(&tpl.ID, nil, at(slot))                                // the 型's, in the window, but no slot
		mk(nil, at(slot), nil)                                    // a slot time without a 型
		posts, targets, total, err := db.Posts(ctx, store.PostFilter{OrgID: f.org.ID, SlotFrom: slot.Add(-48 * time.Hour), SlotTo: slot.Add(48 * time.Hour)})
		if err != nil || total != 1 || len(posts) != 1 || posts[0].ID != moved.ID || len(targets[moved.ID]) != 1 {
			t.Fatalf("by slot: %d %v %v", total, posts, err)
		}
		if !posts[0].SlotAt.Equal(slot) {
			t.Errorf("slot read back as %v", posts[0].SlotAt)
		}
		// The window's end is excluded.
		if _, _, n, _ := db.Posts(ctx, store.PostFilter{OrgID: f.org.ID, SlotFrom: slot.Add(-time.Hour), SlotTo: slot}); n != 0 {
			t.Errorf("the end of the window is included: %d", n)
		}
		if _, _, n, _ := db.Posts(ctx, store.PostFilter{OrgID: f.org.ID + 1000, SlotFrom: slot.Add(-time.Hour), SlotTo: slot.Add(time.Hour)}); n != 0 {
			t.Errorf("another organization's slots: %d", n)
		}
	})
}

// A new post's attachments are stored with it, in order, in one
// transaction: a post that cannot be stored leaves no attachment behind.
func TestCreatePostWithMedia(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		p := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, Text: "完成見学会"}
		a := &soroe.Media{Filename: "a.png", ContentType: "image/png", Alt: "外観"}
		b := &soroe.Media{Filename: "b.mp4", ContentType: "video/mp4"}
		if err := db.CreatePost(ctx, p, []*soroe.Target{{AccountID: f.accounts[0].ID, Text: p.Text}},
			store.MediaUpload{Media: a, Data: []byte("png-bytes")}, store.MediaUpload{Media: b, Data: []byte("mp4")}); err != nil {
			t.Fatal(err)
		}
		ms, err := db.PostMedia(ctx, f.org.ID, p.ID)
		if err != nil || len(ms) != 2 {
			t.Fatalf("media %+v %v", ms, err)
		}
		if ms[0].ID != a.ID || ms[0].Position != 1 || ms[0].Alt != "外観" || ms[0].Bytes != 9 || ms[0].CreatedBy != f.staff.ID || ms[0].PostID != p.ID ||
			ms[1].Filename != "b.mp4" || ms[1].Position != 2 || ms[1].ContentType != "video/mp4" {
			t.Errorf("media %+v %+v", ms[0], ms[1])
		}
		if _, data, err := db.MediaData(ctx, f.org.ID, b.ID); err != nil || string(data) != "mp4" {
			t.Errorf("data %q %v", data, err)
		}
		// An unknown account fails the whole post, attachments included.
		q := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, Text: "x"}
		c := &soroe.Media{Filename: "c.png", ContentType: "image/png"}
		if err := db.CreatePost(ctx, q, []*soroe.Target{{AccountID: 999999, Text: "x"}}, store.MediaUpload{Media: c, Data: []byte("c")}); soroe.ErrorField(err) != "accounts" {
			t.Fatalf("unknown account: %v", err)
		}
		var n int
		if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM post_media WHERE filename = 'c.png'").Scan(&n); err != nil || n != 0 {
			t.Errorf("%d attachments of a post never stored (%v)", n, err)
		}
	})
}
