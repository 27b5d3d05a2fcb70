package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestCreatePosts(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		at := clock.Now().Add(48 * time.Hour)
		batch := func() []store.BatchPost {
			return []store.BatchPost{
				{
					Post: &soroe.Post{OrgID: f.org.ID, AuthorID: f.pr.ID, State: soroe.PostScheduled, ScheduledAt: &at, Text: "完成見学会のお知らせ"},
					Targets: []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "完成見学会のお知らせ"},
						{AccountID: f.accounts[1].ID, Text: "完成見学会のお知らせ"}},
					Events: []store.BatchEvent{{Kind: store.EventApproved, Detail: store.EventImport}, {Kind: store.EventScheduled, Detail: at.Format(time.RFC3339)}},
				},
				{
					Post:    &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, State: soroe.PostInReview, ScheduledAt: &at, Text: "大工の一日", Round: 1, Steps: f.steps},
					Targets: []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "大工の一日"}},
					Events:  []store.BatchEvent{{Kind: store.EventSubmitted, Detail: "1"}},
				},
			}
		}

		// A post whose account belongs to no one of the organization spoils
		// the whole batch, even as the last one: nothing is stored.
		bad := batch()
		bad = append(bad, store.BatchPost{
			Post:    &soroe.Post{OrgID: f.org.ID, AuthorID: f.pr.ID, State: soroe.PostScheduled, ScheduledAt: &at, Text: "x"},
			Targets: []*soroe.Target{{AccountID: 999999, Text: "x"}},
		})
		if err := db.CreatePosts(ctx, f.pr.ID, bad); soroe.ErrorMessage(err) != "unknown_account" {
			t.Fatalf("bad batch: %v", err)
		}
		for _, bp := range bad {
			if bp.Post.ID != 0 {
				t.Errorf("post ID %d kept after a failed batch", bp.Post.ID)
			}
		}
		if _, _, n, err := db.Posts(ctx, store.PostFilter{OrgID: f.org.ID}); err != nil || n != 0 {
			t.Fatalf("after a failed batch: %d posts, %v", n, err)
		}
		// Checked before the transaction: duplicate accounts, no targets.
		dup := batch()
		dup[1].Targets = append(dup[1].Targets, &soroe.Target{AccountID: f.accounts[0].ID, Text: "y"})
		if err := db.CreatePosts(ctx, f.pr.ID, dup); soroe.ErrorMessage(err) != "duplicate_account" {
			t.Errorf("duplicate account: %v", err)
		}

		good := batch()
		if err := db.CreatePosts(ctx, f.pr.ID, good); err != nil {
			t.Fatal(err)
		}
		p, err := db.Post(ctx, f.org.ID, good[0].Post.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p.State != soroe.PostScheduled || !p.ScheduledAt.Equal(at) {
			t.Errorf("first post: %+v", p)
		}
		targets, err := db.Targets(ctx, f.org.ID, p.ID)
		if err != nil || len(targets) != 2 || targets[0].State != soroe.TargetQueued || !targets[0].NextAttemptAt.Equal(at) || targets[0].IdempotencyKey == targets[1].IdempotencyKey {
			t.Errorf("targets: %+v %v", targets, err)
		}
		if got := kinds(t, db, f.org.ID, p.ID); !slices.Equal(got, []string{store.EventCreated, store.EventApproved, store.EventScheduled}) {
			t.Errorf("history %v", got)
		}
		evs, _ := db.PostEvents(ctx, f.org.ID, p.ID)
		if evs[1].Detail != store.EventImport || evs[1].ActorID == nil || *evs[1].ActorID != f.pr.ID || evs[1].ActorName != f.pr.Name {
			t.Errorf("approved event %+v", evs[1])
		}
		q, err := db.Post(ctx, f.org.ID, good[1].Post.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q.State != soroe.PostInReview || q.Round != 1 || len(q.Steps) != 2 || q.AuthorID != f.staff.ID {
			t.Errorf("second post: %+v", q)
		}
		if got := kinds(t, db, f.org.ID, q.ID); !slices.Equal(got, []string{store.EventCreated, store.EventSubmitted}) {
			t.Errorf("history %v", got)
		}
		// The post in review can be decided like any submitted one.
		if _, err := db.DecidePost(ctx, f.org.ID, q.ID, store.Decision{Round: 1, Step: 0, UserID: f.pr.ID, Decision: soroe.DecisionApprove}); err != nil {
			t.Errorf("decide an imported post: %v", err)
		}
	})
}
