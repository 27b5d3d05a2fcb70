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

// manualFixture is an organization with a manual account and an X account,
// and a post scheduled for now on both.
func manualFixture(t *testing.T, db *store.DB) (org *soroe.Org, user *soroe.User, post *soroe.Post, manual, x *soroe.Target) {
	t.Helper()
	ctx := context.Background()
	org, user = &soroe.Org{Name: "揃え工務店"}, &soroe.User{Email: "m@example.jp", Name: "鈴木", PasswordHash: "x"}
	if err := db.CreateUserWithOrg(ctx, user, org); err != nil {
		t.Fatal(err)
	}
	var targets []*soroe.Target
	for _, n := range []soroe.Network{soroe.NetworkManual, soroe.NetworkX} {
		a := &soroe.Account{OrgID: org.ID, Network: n, Name: string(n)}
		if err := db.CreateAccount(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
		targets = append(targets, &soroe.Target{AccountID: a.ID, Text: "完成見学会のお知らせ"})
	}
	at := db.Now()
	post = &soroe.Post{OrgID: org.ID, AuthorID: user.ID, State: soroe.PostScheduled, ScheduledAt: &at}
	if err := db.CreatePost(ctx, post, targets); err != nil {
		t.Fatal(err)
	}
	return org, user, post, targets[0], targets[1]
}

// unconfirm takes a queued target through an attempt to unconfirmed.
func unconfirm(t *testing.T, db *store.DB, id int64, note string) {
	t.Helper()
	ctx := context.Background()
	if ok, err := db.ClaimTarget(ctx, id, time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := db.MarkUnconfirmed(ctx, id, note); err != nil {
		t.Fatal(err)
	}
}

func TestRecordManual(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		org, user, post, manual, x := manualFixture(t, db)
		const link = "https://www.instagram.com/p/C0ffee/"
		// Still queued: nothing to record yet.
		if err := db.RecordManual(ctx, org.ID, manual.ID, link, user.ID); !errors.Is(err, store.ErrTargetState) {
			t.Fatalf("queued: %v", err)
		}
		unconfirm(t, db, manual.ID, "manual: post it by hand and record the URL")
		for _, bad := range []string{"", "instagram.com/p/1", "javascript:alert(1)", "ftp://example.jp/x"} {
			if err := db.RecordManual(ctx, org.ID, manual.ID, bad, user.ID); soroe.ErrorField(err) != "url" {
				t.Errorf("url %q: %v", bad, err)
			}
		}
		other := &soroe.Org{Name: "他社"}
		if err := db.CreateUserWithOrg(ctx, &soroe.User{Email: "o@example.jp", Name: "O", PasswordHash: "x"}, other); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordManual(ctx, other.ID, manual.ID, link, user.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("another organization's target: %v", err)
		}
		clock.Add(time.Hour)
		if err := db.RecordManual(ctx, org.ID, manual.ID, link, user.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.Target(ctx, manual.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != soroe.TargetSent || got.URL != link || got.RemoteID != link || got.LastError != "" || got.SentAt == nil || !got.SentAt.Equal(clock.Now()) {
			t.Errorf("after recording: %+v", got)
		}
		if err := db.RecordManual(ctx, org.ID, manual.ID, link, user.ID); !errors.Is(err, store.ErrTargetState) {
			t.Errorf("twice: %v", err)
		}
		var actor int64
		var detail string
		if err := db.Writer().QueryRowContext(ctx, "SELECT actor_id, detail FROM post_events WHERE target_id = $1 AND kind = $2",
			manual.ID, store.EventSent).Scan(&actor, &detail); err != nil {
			t.Fatal(err)
		}
		if actor != user.ID || detail != "recorded by hand: "+link {
			t.Errorf("event by %d: %q", actor, detail)
		}
		// The post is settled once its other target is too.
		if p, _ := db.Post(ctx, org.ID, post.ID); p.State != soroe.PostScheduled {
			t.Errorf("post %s with a target open", p.State)
		}
		unconfirm(t, db, x.ID, "check by hand")
		if err := db.RecordManual(ctx, org.ID, x.ID, "https://x.com/i/web/status/1", user.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.Post(ctx, org.ID, post.ID); p.State != soroe.PostPublished {
			t.Errorf("post %s, want published", p.State)
		}
	})
}

func TestUnconfirmedToCheck(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		_, _, _, manual, x := manualFixture(t, db)
		unconfirm(t, db, manual.ID, "manual")
		unconfirm(t, db, x.ID, "lease_expired")
		ids := func(skip ...string) []int64 {
			ts, err := db.UnconfirmedToCheck(ctx, 10, skip...)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, t := range ts {
				out = append(out, t.ID)
			}
			return out
		}
		if got := ids(); len(got) != 1 || got[0] != x.ID {
			t.Errorf("to check %v, want only %d", got, x.ID)
		}
		if got := ids("other note", "lease_expired"); len(got) != 0 {
			t.Errorf("skipping its note: %v", got)
		}
	})
}
