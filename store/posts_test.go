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

// publishFixture is an organization with two accounts and a post scheduled
// for now on both.
type publishFixture struct {
	org      *soroe.Org
	user     *soroe.User
	accounts []*soroe.Account
	post     *soroe.Post
	targets  []*soroe.Target
}

func newPublishFixture(t *testing.T, db *store.DB) *publishFixture {
	t.Helper()
	ctx := context.Background()
	f := &publishFixture{org: &soroe.Org{Name: "揃え商事"}, user: &soroe.User{Email: "a@example.jp", Name: "A", PasswordHash: "x"}}
	if err := db.CreateUserWithOrg(ctx, f.user, f.org); err != nil {
		t.Fatal(err)
	}
	for _, n := range []soroe.Network{soroe.NetworkMastodon, soroe.NetworkBluesky} {
		a := &soroe.Account{OrgID: f.org.ID, Network: n, Name: string(n), Handle: "soroe"}
		if err := db.CreateAccount(ctx, a, "v1:sealed-"+string(n)); err != nil {
			t.Fatal(err)
		}
		f.accounts = append(f.accounts, a)
	}
	at := db.Now()
	f.post = &soroe.Post{OrgID: f.org.ID, AuthorID: f.user.ID, State: soroe.PostScheduled, ScheduledAt: &at, Link: "https://example.jp"}
	for _, a := range f.accounts {
		f.targets = append(f.targets, &soroe.Target{AccountID: a.ID, Text: "新商品のお知らせ " + string(a.Network)})
	}
	if err := db.CreatePost(ctx, f.post, f.targets); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAccounts(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		other := &soroe.Org{Name: "他社"}
		if err := db.CreateUserWithOrg(ctx, &soroe.User{Email: "b@example.jp", Name: "B", PasswordHash: "x"}, other); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAccount(ctx, &soroe.Account{OrgID: f.org.ID, Network: "myspace", Name: "x"}, ""); soroe.ErrorField(err) != "network" {
			t.Errorf("unknown network: %v", err)
		}
		a := f.accounts[0]
		got, err := db.Account(ctx, f.org.ID, a.ID)
		if err != nil || got.Name != "mastodon" || got.Status != soroe.AccountOK || !got.CreatedAt.Equal(storetest.Epoch) {
			t.Fatalf("account: %+v %v", got, err)
		}
		if _, err := db.Account(ctx, other.ID, a.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other org sees the account: %v", err)
		}
		all, err := db.Accounts(ctx, f.org.ID)
		if err != nil || len(all) != 2 {
			t.Fatalf("accounts: %d %v", len(all), err)
		}
		_, secret, err := db.AccountSecret(ctx, a.ID)
		if err != nil || secret != "v1:sealed-mastodon" {
			t.Errorf("secret %q %v", secret, err)
		}
		if err := db.SetAccountSecret(ctx, f.org.ID, a.ID, ""); soroe.ErrorField(err) != "secret" {
			t.Errorf("blank secret accepted: %v", err)
		}
		changed, err := db.SetAccountStatus(ctx, a.ID, soroe.AccountNeedsReconnect)
		if err != nil || !changed {
			t.Errorf("status: %v %v", changed, err)
		}
		if changed, _ := db.SetAccountStatus(ctx, a.ID, soroe.AccountNeedsReconnect); changed {
			t.Error("second needs_reconnect reported as a change")
		}
		if err := db.SetAccountSecret(ctx, f.org.ID, a.ID, "v1:new"); err != nil {
			t.Fatal(err)
		}
		got, secret, _ = db.AccountSecret(ctx, a.ID)
		if got.Status != soroe.AccountOK || secret != "v1:new" {
			t.Errorf("after reconnect: %+v %q", got, secret)
		}
		got.Name = "公式 Mastodon"
		if err := db.UpdateAccount(ctx, got); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAccount(ctx, f.org.ID, a.ID); soroe.ErrorCode(err) != soroe.EConflict {
			t.Errorf("deleted an account with posts: %v", err)
		}
		spare := &soroe.Account{OrgID: f.org.ID, Network: soroe.NetworkLINE, Name: "LINE"}
		if err := db.CreateAccount(ctx, spare, "v1:x"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteAccount(ctx, other.ID, spare.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("deleted from another org: %v", err)
		}
		if err := db.DeleteAccount(ctx, f.org.ID, spare.ID); err != nil {
			t.Error(err)
		}
	})
}

func TestCreatePostAndDue(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		t0, t1 := f.targets[0], f.targets[1]
		if t0.IdempotencyKey == "" || t0.IdempotencyKey == t1.IdempotencyKey || t0.Network != soroe.NetworkMastodon || t0.State != soroe.TargetQueued {
			t.Errorf("targets: %+v %+v", t0, t1)
		}
		got, err := db.Target(ctx, t0.ID)
		if err != nil || got.IdempotencyKey != t0.IdempotencyKey || got.Text != t0.Text || !got.NextAttemptAt.Equal(storetest.Epoch) {
			t.Errorf("read back %+v %v", got, err)
		}
		// Another org's account cannot be a target.
		other := &soroe.Org{Name: "他社"}
		u := &soroe.User{Email: "b@example.jp", Name: "B", PasswordHash: "x"}
		if err := db.CreateUserWithOrg(ctx, u, other); err != nil {
			t.Fatal(err)
		}
		bad := &soroe.Post{OrgID: other.ID, AuthorID: u.ID}
		if err := db.CreatePost(ctx, bad, []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "x"}}); soroe.ErrorMessage(err) != "unknown_account" {
			t.Errorf("foreign account: %v", err)
		}

		// A later post and a draft are not due.
		later := clock.Now().Add(time.Hour)
		lp := &soroe.Post{OrgID: f.org.ID, AuthorID: f.user.ID, State: soroe.PostScheduled, ScheduledAt: &later}
		if err := db.CreatePost(ctx, lp, []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "later"}}); err != nil {
			t.Fatal(err)
		}
		draft := &soroe.Post{OrgID: f.org.ID, AuthorID: f.user.ID}
		dt := &soroe.Target{AccountID: f.accounts[0].ID, Text: "draft"}
		if err := db.CreatePost(ctx, draft, []*soroe.Target{dt}); err != nil {
			t.Fatal(err)
		}
		due, err := db.DueTargets(ctx, 100)
		if err != nil || len(due) != 2 || due[0] != t0.ID || due[1] != t1.ID {
			t.Errorf("due %v %v", due, err)
		}
		// A draft cannot be claimed.
		if ok, err := db.ClaimTarget(ctx, dt.ID, time.Minute); ok || err != nil {
			t.Errorf("claimed a draft's target: %v %v", ok, err)
		}
		clock.Add(time.Hour)
		if due, _ := db.DueTargets(ctx, 100); len(due) != 3 {
			t.Errorf("after an hour due %v", due)
		}
	})
}

func TestClaimIsExclusive(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		id := f.targets[0].ID
		var wg sync.WaitGroup
		wins := make(chan bool, 8)
		for range 8 {
			wg.Go(func() {
				ok, err := db.ClaimTarget(ctx, id, time.Minute)
				if err != nil {
					t.Error(err)
				}
				wins <- ok
			})
		}
		wg.Wait()
		close(wins)
		n := 0
		for ok := range wins {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d claims won, want 1", n)
		}
		got, _ := db.Target(ctx, id)
		if got.State != soroe.TargetSending || got.Attempts != 1 || got.FirstAttemptAt == nil {
			t.Errorf("after claim %+v", got)
		}
	})
}

func TestSentIsFinal(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		id := f.targets[0].ID
		if err := db.MarkSent(ctx, id, "1", ""); !errors.Is(err, store.ErrTargetState) {
			t.Errorf("sent a queued target: %v", err)
		}
		if ok, _ := db.ClaimTarget(ctx, id, time.Minute); !ok {
			t.Fatal("not claimed")
		}
		if err := db.MarkSent(ctx, id, "109", "https://m.example/@soroe/109"); err != nil {
			t.Fatal(err)
		}
		for name, fn := range map[string]func() error{
			"retry":       func() error { return db.MarkRetry(ctx, id, clock.Now(), "x") },
			"failed":      func() error { return db.MarkFailed(ctx, id, "x") },
			"unconfirmed": func() error { return db.MarkUnconfirmed(ctx, id, "x") },
			"requeue":     func() error { return db.RequeueTarget(ctx, id, "x") },
			"sent again":  func() error { return db.MarkSent(ctx, id, "110", "") },
		} {
			if err := fn(); !errors.Is(err, store.ErrTargetState) {
				t.Errorf("%s after sent: %v", name, err)
			}
		}
		if ok, _ := db.ClaimTarget(ctx, id, time.Minute); ok {
			t.Error("claimed a sent target")
		}
		got, _ := db.Target(ctx, id)
		if got.State != soroe.TargetSent || got.RemoteID != "109" || got.SentAt == nil {
			t.Errorf("sent target %+v", got)
		}
		// The post is published once its other target is sent too.
		if p, _ := db.Post(ctx, f.org.ID, f.post.ID); p.State != soroe.PostScheduled {
			t.Errorf("post %s with a target left", p.State)
		}
		id2 := f.targets[1].ID
		db.ClaimTarget(ctx, id2, time.Minute)
		if err := db.MarkRetry(ctx, id2, clock.Now().Add(time.Minute), "rate limited"); err != nil {
			t.Fatal(err)
		}
		if due, _ := db.DueTargets(ctx, 10); len(due) != 0 {
			t.Errorf("retry due early: %v", due)
		}
		clock.Add(time.Minute)
		db.ClaimTarget(ctx, id2, time.Minute)
		if err := db.MarkFailed(ctx, id2, "too long"); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.Post(ctx, f.org.ID, f.post.ID); p.State != soroe.PostFailed {
			t.Errorf("post %s, want failed", p.State)
		}
		ev, err := db.PostEvents(ctx, f.org.ID, f.post.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range ev {
			kinds = append(kinds, e.Kind)
		}
		want := []string{"created", "attempt", "sent", "attempt", "retry", "attempt", "failed", "published"}
		if len(kinds) != len(want) {
			t.Fatalf("events %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("events %v, want %v", kinds, want)
			}
		}
	})
}

func TestExpireLeases(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		id := f.targets[0].ID
		db.ClaimTarget(ctx, id, time.Minute)
		if ids, err := db.ExpireLeases(ctx); err != nil || len(ids) != 0 {
			t.Fatalf("expired a live lease: %v %v", ids, err)
		}
		clock.Add(2 * time.Minute)
		ids, err := db.ExpireLeases(ctx)
		if err != nil || len(ids) != 1 || ids[0] != id {
			t.Fatalf("expired %v %v", ids, err)
		}
		got, _ := db.Target(ctx, id)
		if got.State != soroe.TargetUnconfirmed {
			t.Fatalf("state %s", got.State)
		}
		if due, _ := db.DueTargets(ctx, 10); len(due) != 1 || due[0] != f.targets[1].ID {
			t.Errorf("unconfirmed is due again: %v", due)
		}
		un, err := db.UnconfirmedTargets(ctx, 10)
		if err != nil || len(un) != 1 || un[0].ID != id {
			t.Errorf("unconfirmed %v %v", un, err)
		}
		if err := db.NoteTarget(ctx, id, "check by hand"); err != nil {
			t.Fatal(err)
		}
		if err := db.NoteTarget(ctx, id, "check by hand"); err != nil {
			t.Fatal(err)
		}
		if err := db.RequeueTarget(ctx, id, "idempotent"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Target(ctx, id); got.State != soroe.TargetQueued {
			t.Errorf("requeued state %s", got.State)
		}
		ev, _ := db.PostEvents(ctx, f.org.ID, f.post.ID)
		notes := 0
		for _, e := range ev {
			if e.Kind == store.EventNote {
				notes++
			}
		}
		if notes != 1 {
			t.Errorf("%d notes, want 1", notes)
		}
		// Rate limits hold the account's other queued targets.
		if n, err := db.DeferAccount(ctx, f.accounts[1].ID, clock.Now().Add(time.Hour)); err != nil || n != 1 {
			t.Errorf("defer %d %v", n, err)
		}
	})
}
