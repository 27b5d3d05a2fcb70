package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// TestActionItems: an action (対応策) keeps its owner, due day, source and
// status; done stamps the day, reopening clears it; the list puts open
// ones first by due day; comments stay with it; other organizations see
// none of it.
func TestActionItems(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		org := f.org.ID
		mk := func(title string, owner int64, due soroe.Date) *soroe.ActionItem {
			t.Helper()
			a := &soroe.ActionItem{OrgID: org, Title: title, OwnerID: owner, DueOn: due, CreatedBy: f.pr.ID,
				Source: soroe.ActionSource{Kind: "insight", Ref: "best-hour/x", Note: "X は 18時台の反応が平均の1.8倍"}}
			if err := db.CreateActionItem(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a
		}
		late := mk("  18時に投稿をずらす  ", f.staff.ID, "2026-12-10")
		soon := mk("写真を明るくする", f.staff.ID, "2026-12-01")
		none := mk("ハッシュタグを見直す", 0, "")
		if late.Title != "18時に投稿をずらす" || late.Owner != "現場" || late.Status != soroe.ActionOpen || late.DoneAt != nil {
			t.Errorf("created %+v", late)
		}
		for name, a := range map[string]*soroe.ActionItem{
			"no title":       {OrgID: org, Title: " ", CreatedBy: f.pr.ID},
			"bad day":        {OrgID: org, Title: "x", DueOn: "12/10", CreatedBy: f.pr.ID},
			"bad status":     {OrgID: org, Title: "x", Status: "later", CreatedBy: f.pr.ID},
			"not a member":   {OrgID: org, Title: "x", OwnerID: 999999, CreatedBy: f.pr.ID},
			"another's goal": {OrgID: org, Title: "x", GoalID: 999999, CreatedBy: f.pr.ID},
		} {
			var e *soroe.Error
			if err := db.CreateActionItem(ctx, a); !errors.As(err, &e) || e.Code != soroe.EInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}

		clock.Add(time.Hour)
		soon.Status, soon.Outcome = soroe.ActionDone, "保存数が1.5倍に"
		if err := db.UpdateActionItem(ctx, soon); err != nil {
			t.Fatal(err)
		}
		got, err := db.ActionItem(ctx, org, soon.ID)
		if err != nil || got.DoneAt == nil || !got.DoneAt.Equal(db.Now()) || got.Outcome != "保存数が1.5倍に" || got.Source.Note == "" {
			t.Fatalf("done %+v %v", got, err)
		}
		list, err := db.ActionItems(ctx, store.ActionFilter{OrgID: org})
		if err != nil || len(list) != 3 || list[0].ID != late.ID || list[1].ID != none.ID || list[2].ID != soon.ID {
			t.Errorf("list %+v %v", list, err)
		}
		open, err := db.ActionItems(ctx, store.ActionFilter{OrgID: org, Open: true, OwnerID: f.staff.ID})
		if err != nil || len(open) != 1 || open[0].ID != late.ID {
			t.Errorf("open of the owner %+v %v", open, err)
		}
		// Reopened: no longer done.
		got.Status = soroe.ActionDoing
		if err := db.UpdateActionItem(ctx, got); err != nil || got.DoneAt != nil {
			t.Errorf("reopened %+v %v", got, err)
		}

		c := &soroe.Comment{PostID: late.ID, AuthorID: f.staff.ID, Body: "来週から試します"}
		if err := db.AddActionComment(ctx, org, c); err != nil || c.AuthorName != "現場" {
			t.Fatalf("comment %+v %v", c, err)
		}
		cs, err := db.ActionComments(ctx, org, late.ID)
		if err != nil || len(cs) != 1 || cs[0].Body != "来週から試します" {
			t.Errorf("comments %+v %v", cs, err)
		}
		if a, _ := db.ActionItem(ctx, org, late.ID); a.Comments != 1 {
			t.Errorf("comment count %d", a.Comments)
		}

		// Another organization reads and writes none of it.
		other := &soroe.Org{Name: "他社"}
		ou := &soroe.User{Email: "x@other.jp", Name: "他社", PasswordHash: "x"}
		if err := db.CreateUserWithOrg(ctx, ou, other); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ActionItem(ctx, other.ID, late.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other org reads: %v", err)
		}
		steal := *late
		steal.OrgID, steal.OwnerID = other.ID, 0
		if err := db.UpdateActionItem(ctx, &steal); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other org writes: %v", err)
		}
		if err := db.AddActionComment(ctx, other.ID, &soroe.Comment{PostID: late.ID, AuthorID: ou.ID, Body: "x"}); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other org comments: %v", err)
		}
	})
}
