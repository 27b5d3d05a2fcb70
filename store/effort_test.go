package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// TestAuthoredPostsAndFeedback: a member's posts that went out carry their
// slot and how their review went; feedback is what others said on them.
func TestAuthoredPostsAndFeedback(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		steps := []soroe.ApprovalStep{{Name: "広報", Mode: soroe.ApproveAny, Approvers: soroe.Assignees{Role: soroe.RoleManager}}}
		send := func(p *soroe.Post, tg *soroe.Target) {
			t.Helper()
			if ok, err := db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
				t.Fatalf("claim: %v %v", ok, err)
			}
			if err := db.MarkSent(ctx, tg.ID, "r", "https://example.social/r"); err != nil {
				t.Fatal(err)
			}
		}
		t0 := db.Now()

		// Late for its slot, never reviewed, out now.
		late := t0.Add(-3 * time.Hour)
		b := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, State: soroe.PostScheduled, ScheduledAt: &t0, SlotAt: &late}
		bt := &soroe.Target{AccountID: f.accounts[0].ID, Text: "遅れた投稿"}
		if err := db.CreatePost(ctx, b, []*soroe.Target{bt}); err != nil {
			t.Fatal(err)
		}
		send(b, bt)

		// Sent back once, then approved; out at its slot an hour later.
		at := t0.Add(time.Hour)
		a := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, Text: "見学会のお知らせ", ScheduledAt: &at, SlotAt: &at}
		at1 := &soroe.Target{AccountID: f.accounts[0].ID, Text: "見学会のお知らせ"}
		if err := db.CreatePost(ctx, a, []*soroe.Target{at1}); err != nil {
			t.Fatal(err)
		}
		for _, d := range []store.Decision{{Decision: soroe.DecisionReject, Comment: "写真を明るく"}, {Decision: soroe.DecisionApprove}} {
			sub, err := db.SubmitPost(ctx, f.org.ID, a.ID, steps, f.staff.ID)
			if err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Minute)
			d.Round, d.UserID = sub.Round, f.pr.ID
			if _, err := db.DecidePost(ctx, f.org.ID, a.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		clock.Add(at.Sub(db.Now()))
		send(a, at1)
		for _, c := range []*soroe.Comment{{PostID: a.ID, AuthorID: f.staff.ID, Body: "自分のコメント"}, {PostID: a.ID, AuthorID: f.pr.ID, Body: "いい写真です"}} {
			clock.Add(time.Minute)
			if err := db.AddComment(ctx, f.org.ID, c); err != nil {
				t.Fatal(err)
			}
		}

		got, err := db.AuthoredPosts(ctx, f.org.ID, f.staff.ID, t0.Add(-time.Hour), t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].PostID != b.ID || got[1].PostID != a.ID {
			t.Fatalf("authored %+v", got)
		}
		if g := got[0]; g.SlotAt == nil || !g.SlotAt.Equal(late) || !g.SentAt.Equal(t0) || g.Approvals+g.Rejections != 0 {
			t.Errorf("late post %+v", g)
		}
		if g := got[1]; g.SlotAt == nil || !g.SentAt.Equal(at) || g.Approvals != 1 || g.Rejections != 1 {
			t.Errorf("reviewed post %+v", g)
		}
		// The window is by the first send: from half past, only the second.
		if got, err = db.AuthoredPosts(ctx, f.org.ID, 0, t0.Add(30*time.Minute), t0.Add(2*time.Hour)); err != nil || len(got) != 1 || got[0].PostID != a.ID {
			t.Errorf("from half past: %+v %v", got, err)
		}
		if got, err = db.AuthoredPosts(ctx, f.org.ID, f.pr.ID, t0.Add(-time.Hour), t0.Add(2*time.Hour)); err != nil || len(got) != 0 {
			t.Errorf("another author: %+v %v", got, err)
		}

		fb, err := db.FeedbackOn(ctx, f.org.ID, f.staff.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(fb) != 2 || fb[0].Kind != "comment" || fb[0].Body != "いい写真です" || fb[0].ByName != "広報" ||
			fb[1].Kind != soroe.DecisionReject || fb[1].Body != "写真を明るく" || fb[1].PostText != "見学会のお知らせ" {
			t.Errorf("feedback %+v", fb)
		}
	})
}
