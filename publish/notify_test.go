package publish_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/publish/publishtest"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// member adds a member with a role to w's organization.
func (w *world) member(t *testing.T, name string, role soroe.Role) *soroe.User {
	t.Helper()
	ctx := context.Background()
	u := &soroe.User{Email: name + "@example.jp", Name: name, PasswordHash: "x"}
	if err := w.db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := w.db.InsertMember(ctx, w.org.ID, u.ID, role); err != nil {
		t.Fatal(err)
	}
	return u
}

// targetBy schedules a post by author for now on one account.
func (w *world) targetBy(t *testing.T, author *soroe.User, a *soroe.Account, text string) *soroe.Target {
	t.Helper()
	at := w.clock.Now()
	p := &soroe.Post{OrgID: w.org.ID, AuthorID: author.ID, State: soroe.PostScheduled, ScheduledAt: &at}
	tg := &soroe.Target{AccountID: a.ID, Text: text}
	if err := w.db.CreatePost(context.Background(), p, []*soroe.Target{tg}); err != nil {
		t.Fatal(err)
	}
	return tg
}

// notes returns a member's notifications of one kind.
func (w *world) notes(t *testing.T, u *soroe.User, kind string) []*soroe.Notification {
	t.Helper()
	ns, _, err := w.db.Notifications(context.Background(), w.org.ID, u.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []*soroe.Notification
	for _, n := range ns {
		if n.Kind == kind {
			out = append(out, n)
		}
	}
	return out
}

func TestFailedTargetNotifies(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		author := w.member(t, "staff", soroe.RoleStaff)
		manager := w.member(t, "pr", soroe.RoleManager)
		bystander := w.member(t, "other", soroe.RoleStaff)
		exec := w.member(t, "exec", soroe.RoleExecutive)
		tg := w.targetBy(t, author, w.accounts[soroe.NetworkMastodon], "長すぎる投稿")
		w.fakes[soroe.NetworkMastodon].FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrRejected, Status: 422, Reason: "Text character limit of 500 exceeded"}})
		if err := w.eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*soroe.User{author, manager, w.user} {
			ns := w.notes(t, u, soroe.NotifyPublishFailed)
			if len(ns) != 1 {
				t.Fatalf("%s: %d notifications", u.Name, len(ns))
			}
			n := ns[0]
			if *n.PostID != tg.PostID || *n.AccountID != tg.AccountID || n.Params["Account"] != "mastodon" ||
				n.Params["Network"] != "mastodon" || !strings.Contains(n.Params["Reason"], "Text character limit of 500 exceeded") {
				t.Errorf("%s: %+v", u.Name, n)
			}
		}
		for _, u := range []*soroe.User{bystander, exec} {
			if ns := w.notes(t, u, soroe.NotifyPublishFailed); len(ns) != 0 {
				t.Errorf("%s notified", u.Name)
			}
		}
		// A sent post notifies nobody.
		ok := w.targetBy(t, author, w.accounts[soroe.NetworkMastodon], "届く投稿")
		if err := w.eng.Attempt(ctx, ok.ID); err != nil {
			t.Fatal(err)
		}
		if _, unread, _ := db.Notifications(ctx, w.org.ID, author.ID, 0); unread != 1 {
			t.Errorf("%d unread after a sent post", unread)
		}
	})
}

func TestCheckByHandNotifiesOnce(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		author := w.member(t, "staff", soroe.RoleStaff)
		// LINE here can neither take a key nor be listed.
		tg := w.targetBy(t, author, w.accounts[soroe.NetworkLINE], "届いたかわからない投稿")
		w.fakes[soroe.NetworkLINE].FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrUnknownOutcome, Reason: "timeout"}, Posted: true})
		if err := w.eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		if ns := w.notes(t, author, soroe.NotifyUnconfirmed); len(ns) != 0 {
			t.Fatal("notified before the check")
		}
		for i := range 3 {
			if _, err := w.eng.ResolveAll(ctx, 10); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				// Read: a later run must not notify again.
				if err := db.MarkNotificationsRead(ctx, w.org.ID, author.ID); err != nil {
					t.Fatal(err)
				}
			}
			clock.Add(time.Minute)
		}
		if got := w.get(t, tg.ID); got.State != soroe.TargetUnconfirmed || got.LastError != publish.NoteCheckByHand {
			t.Errorf("%s %q", got.State, got.LastError)
		}
		for _, u := range []*soroe.User{author, w.user} {
			if ns := w.notes(t, u, soroe.NotifyUnconfirmed); len(ns) != 1 || ns[0].Params["Reason"] != publish.NoteCheckByHand {
				t.Errorf("%s: %d notifications", u.Name, len(ns))
			}
		}
	})
}

// TestManualTarget: a "manual" account's target, and one of an account of a
// real network registered without API access, wait for a person.
func TestManualTarget(t *testing.T) {
	for _, acct := range []soroe.Account{
		{Network: soroe.NetworkManual, Name: "手動投稿（Instagram 担当者が投稿）"},
		{Network: soroe.NetworkInstagram, Name: "Instagram 公式（API なし）", Handle: "soroe_jp", NoAPI: true},
	} {
		t.Run(string(acct.Network), func(t *testing.T) { testManualTarget(t, acct) })
	}
}

func testManualTarget(t *testing.T, acct soroe.Account) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		author := w.member(t, "staff", soroe.RoleStaff)
		manager := w.member(t, "pr", soroe.RoleManager)
		acct := &acct
		acct.OrgID = w.org.ID
		if err := db.CreateAccount(ctx, acct, ""); err != nil {
			t.Fatal(err)
		}
		tg := w.targetBy(t, author, acct, "完成見学会のお知らせ")
		if err := w.eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		got := w.get(t, tg.ID)
		if got.State != soroe.TargetUnconfirmed || got.LastError != publish.NoteManual || got.Attempts != 1 {
			t.Fatalf("%s %q after %d", got.State, got.LastError, got.Attempts)
		}
		for _, f := range w.fakes {
			if f.Calls() != 0 {
				t.Error("a network was called")
			}
		}
		if ns := w.notes(t, author, soroe.NotifyManualDue); len(ns) != 1 || ns[0].Params["Account"] != acct.Name {
			t.Errorf("author: %+v", ns)
		}
		if ns := w.notes(t, manager, soroe.NotifyManualDue); len(ns) != 0 {
			t.Error("manager told to post it")
		}
		// The resolver leaves it alone, however long it waits.
		for range 3 {
			clock.Add(time.Hour)
			if _, err := w.eng.ResolveAll(ctx, 10); err != nil {
				t.Fatal(err)
			}
			if err := w.eng.Resolve(ctx, tg.ID); err != nil {
				t.Fatal(err)
			}
		}
		if again := w.get(t, tg.ID); again.State != soroe.TargetUnconfirmed || again.LastError != publish.NoteManual {
			t.Fatalf("after the resolver: %s %q", again.State, again.LastError)
		}
		if ns := w.notes(t, author, soroe.NotifyManualDue); len(ns) != 1 {
			t.Errorf("%d manual notifications", len(ns))
		}
		if err := db.RecordManual(ctx, w.org.ID, tg.ID, "https://www.instagram.com/p/C0ffee/", author.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ := db.Post(ctx, w.org.ID, tg.PostID); p.State != soroe.PostPublished {
			t.Errorf("post %s", p.State)
		}
	})
}

func TestNoSecretKeyFailsWithCredentialsReason(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		w.eng.Open = publish.Opener(nil)
		tg := w.target(t, soroe.NetworkMastodon, "鍵なし")
		if err := w.eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		got := w.get(t, tg.ID)
		if got.State != soroe.TargetFailed || !strings.HasPrefix(got.LastError, "credentials_unreadable") {
			t.Errorf("%s %q", got.State, got.LastError)
		}
		if w.fakes[soroe.NetworkMastodon].Calls() != 0 {
			t.Error("sent without credentials")
		}
		if _, err := publish.SealCredentials(nil, w.org.ID, network.Credentials{}); err == nil {
			t.Error("sealed without a key")
		}
	})
}

// sessionAdapter logs in (sets a session) when the account has none, like
// the Bluesky adapter.
type sessionAdapter struct {
	*publishtest.Fake
	logins *int
}

func (s sessionAdapter) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	if a.Credentials.Session == "" {
		*s.logins++
		a.Credentials.Session = "session-1"
	}
	return s.Fake.Publish(ctx, a, p)
}

func TestNewSessionIsKept(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		logins := 0
		w.eng.Adapters[soroe.NetworkMastodon] = sessionAdapter{w.fakes[soroe.NetworkMastodon], &logins}
		w.eng.Seal = publish.Sealer(w.box)
		for _, text := range []string{"一件目", "二件目"} {
			if err := w.eng.Attempt(ctx, w.target(t, soroe.NetworkMastodon, text).ID); err != nil {
				t.Fatal(err)
			}
		}
		if logins != 1 {
			t.Errorf("%d logins, want 1", logins)
		}
		a, secret, err := db.AccountSecret(ctx, w.accounts[soroe.NetworkMastodon].ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := publish.Opener(w.box)(a, secret)
		if err != nil || c.Session != "session-1" || c.AccessToken != "token-mastodon" {
			t.Errorf("stored %+v, %v", c, err)
		}
	})
}
