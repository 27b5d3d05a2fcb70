package publish_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/publish/publishtest"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// world is an organization with one account on each of three fake
// networks: idempotent (mastodon), listable but not idempotent (bluesky),
// and neither (line).
type world struct {
	db       *store.DB
	clock    *storetest.Clock
	eng      *publish.Engine
	org      *soroe.Org
	user     *soroe.User
	accounts map[soroe.Network]*soroe.Account
	fakes    map[soroe.Network]*publishtest.Fake
	box      *secretbox.Box
}

func newWorld(t *testing.T, db *store.DB, clock *storetest.Clock) *world {
	t.Helper()
	ctx := context.Background()
	box, err := secretbox.New("an-example-secret-key-of-32-characters!")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{db: db, clock: clock, box: box, org: &soroe.Org{Name: "揃え"},
		user:     &soroe.User{Email: "a@example.jp", Name: "A", PasswordHash: "x"},
		accounts: map[soroe.Network]*soroe.Account{}, fakes: map[soroe.Network]*publishtest.Fake{}}
	if err := db.CreateUserWithOrg(ctx, w.user, w.org); err != nil {
		t.Fatal(err)
	}
	adapters := map[soroe.Network]network.Publisher{}
	for n, caps := range map[soroe.Network]network.Capabilities{
		soroe.NetworkMastodon: {Network: soroe.NetworkMastodon, Idempotent: true, CanFindRecent: true},
		soroe.NetworkBluesky:  {Network: soroe.NetworkBluesky, CanFindRecent: true},
		soroe.NetworkLINE:     {Network: soroe.NetworkLINE},
	} {
		f := publishtest.New(caps, clock.Now)
		w.fakes[n] = f
		adapters[n] = f
		if n == soroe.NetworkLINE {
			adapters[n] = publishtest.NoFinder{F: f}
		}
		secret, err := publish.SealCredentials(box, w.org.ID, network.Credentials{AccessToken: "token-" + string(n)})
		if err != nil {
			t.Fatal(err)
		}
		a := &soroe.Account{OrgID: w.org.ID, Network: n, Name: string(n), Handle: "soroe"}
		if err := db.CreateAccount(ctx, a, secret); err != nil {
			t.Fatal(err)
		}
		w.accounts[n] = a
	}
	open := publish.Opener(box)
	w.eng = &publish.Engine{Store: db, Adapters: adapters, Clock: clock.Now,
		Open: func(a *soroe.Account, secret string) (network.Credentials, error) {
			c, err := open(a, secret)
			if err == nil && c.AccessToken != "token-"+string(a.Network) {
				t.Errorf("credentials of %s opened as %+v", a.Network, c)
			}
			return c, err
		}}
	return w
}

// target schedules a post for now on one network and returns its target.
func (w *world) target(t *testing.T, n soroe.Network, text string) *soroe.Target {
	t.Helper()
	at := w.clock.Now()
	p := &soroe.Post{OrgID: w.org.ID, AuthorID: w.user.ID, State: soroe.PostScheduled, ScheduledAt: &at}
	tg := &soroe.Target{AccountID: w.accounts[n].ID, Text: text}
	if err := w.db.CreatePost(context.Background(), p, []*soroe.Target{tg}); err != nil {
		t.Fatal(err)
	}
	return tg
}

func (w *world) get(t *testing.T, id int64) *soroe.Target {
	t.Helper()
	got, err := w.db.Target(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAttemptOutcomes(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		retryAt := clock.Now().Add(15 * time.Minute)
		for _, c := range []struct {
			name      string
			fail      *publishtest.Failure
			state     string
			reconnect bool
			next      time.Time
		}{
			{name: "ok", state: soroe.TargetSent},
			{name: "rate limited", fail: &publishtest.Failure{Err: &network.Error{Kind: network.ErrRateLimited, Status: 429, RetryAfter: retryAt}},
				state: soroe.TargetQueued, next: retryAt},
			{name: "temporary", fail: &publishtest.Failure{Err: &network.Error{Kind: network.ErrTemporary, Status: 503}},
				state: soroe.TargetQueued, next: clock.Now().Add(30 * time.Second)},
			{name: "auth", fail: &publishtest.Failure{Err: &network.Error{Kind: network.ErrAuth, Status: 401, Reason: "The access token was revoked"}},
				state: soroe.TargetFailed, reconnect: true},
			{name: "rejected", fail: &publishtest.Failure{Err: &network.Error{Kind: network.ErrRejected, Status: 422, Reason: "Text character limit of 500 exceeded"}},
				state: soroe.TargetFailed},
			{name: "unknown", fail: &publishtest.Failure{Err: &network.Error{Kind: network.ErrUnknownOutcome, Reason: "timeout"}, Posted: true},
				state: soroe.TargetUnconfirmed},
			{name: "foreign error", fail: &publishtest.Failure{Err: errors.New("boom")}, state: soroe.TargetUnconfirmed},
		} {
			t.Run(c.name, func(t *testing.T) {
				if _, err := db.SetAccountStatus(ctx, w.accounts[soroe.NetworkBluesky].ID, soroe.AccountOK); err != nil {
					t.Fatal(err)
				}
				f := w.fakes[soroe.NetworkBluesky]
				tg := w.target(t, soroe.NetworkBluesky, "テスト "+c.name)
				if c.fail != nil {
					f.FailNext(*c.fail)
				}
				if err := w.eng.Attempt(ctx, tg.ID); err != nil {
					t.Fatal(err)
				}
				got := w.get(t, tg.ID)
				if got.State != c.state || got.Attempts != 1 {
					t.Fatalf("state %s after %d attempts, want %s (%s)", got.State, got.Attempts, c.state, got.LastError)
				}
				if c.state == soroe.TargetSent && (got.RemoteID == "" || f.Count(tg.IdempotencyKey) != 1) {
					t.Errorf("sent %+v, %d posts", got, f.Count(tg.IdempotencyKey))
				}
				if c.fail != nil && c.state != soroe.TargetUnconfirmed && got.LastError == "" {
					t.Error("no reason recorded")
				}
				if c.name == "rejected" && got.LastError != c.fail.Err.Error() {
					t.Errorf("reason %q", got.LastError)
				}
				if !c.next.IsZero() && !got.NextAttemptAt.Equal(c.next) {
					t.Errorf("next attempt %v, want %v", got.NextAttemptAt, c.next)
				}
				a, _ := db.Account(ctx, w.org.ID, w.accounts[soroe.NetworkBluesky].ID)
				if (a.Status == soroe.AccountNeedsReconnect) != c.reconnect {
					t.Errorf("account status %s", a.Status)
				}
				// A second Attempt never sends again unless queued.
				calls := f.Calls()
				if c.state != soroe.TargetQueued {
					if err := w.eng.Attempt(ctx, tg.ID); err != nil {
						t.Fatal(err)
					}
					if f.Calls() != calls {
						t.Error("a settled target was sent again")
					}
				}
			})
		}
	})
}

func TestTemporaryFailuresAreCapped(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		w.eng.MaxAttempts = 3
		f := w.fakes[soroe.NetworkMastodon]
		tg := w.target(t, soroe.NetworkMastodon, "5xx")
		for range 3 {
			f.FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrTemporary, Status: 502}})
		}
		waits := []time.Duration{30 * time.Second, 2 * time.Minute}
		for i := range 3 {
			if err := w.eng.Attempt(ctx, tg.ID); err != nil {
				t.Fatal(err)
			}
			got := w.get(t, tg.ID)
			if i < 2 {
				if got.State != soroe.TargetQueued || !got.NextAttemptAt.Equal(clock.Now().Add(waits[i])) {
					t.Fatalf("attempt %d: %s next %v", i+1, got.State, got.NextAttemptAt)
				}
				if due, _ := db.DueTargets(ctx, 10); len(due) != 0 {
					t.Fatalf("due before backoff: %v", due)
				}
				clock.Add(waits[i])
			} else if got.State != soroe.TargetFailed || got.Attempts != 3 {
				t.Fatalf("after cap: %s %d", got.State, got.Attempts)
			}
		}
		if f.Count(tg.IdempotencyKey) != 0 {
			t.Error("posted")
		}
	})
}

func TestRateLimitHoldsTheAccount(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		a := w.target(t, soroe.NetworkMastodon, "a")
		b := w.target(t, soroe.NetworkMastodon, "b")
		other := w.target(t, soroe.NetworkBluesky, "c")
		until := clock.Now().Add(10 * time.Minute)
		w.fakes[soroe.NetworkMastodon].FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrRateLimited, Status: 429, RetryAfter: until}})
		if err := w.eng.Attempt(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		due, _ := db.DueTargets(ctx, 10)
		if len(due) != 1 || due[0] != other.ID {
			t.Errorf("due %v, want only the other account's %d (b=%d)", due, other.ID, b.ID)
		}
	})
}

func TestAuthFailsOnceThenHolds(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		f := w.fakes[soroe.NetworkMastodon]
		a := w.target(t, soroe.NetworkMastodon, "a")
		b := w.target(t, soroe.NetworkMastodon, "b")
		f.FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrAuth, Status: 401}})
		w.eng.Attempt(ctx, a.ID)
		w.eng.Attempt(ctx, b.ID)
		if f.Calls() != 1 {
			t.Errorf("%d calls with a revoked grant, want 1", f.Calls())
		}
		if got := w.get(t, b.ID); got.State != soroe.TargetFailed || got.LastError != "account_needs_reconnect" {
			t.Errorf("second target %s %q", got.State, got.LastError)
		}
	})
}

// TestCrashResolvedByFindRecent: the process died after the request reached
// a network without idempotency keys (the post exists, the target is left
// sending). The lease expires, the target becomes unconfirmed, and the
// resolver finds the post: sent, one post, no second call.
func TestCrashResolvedByFindRecent(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		f := w.fakes[soroe.NetworkBluesky]
		tg := w.target(t, soroe.NetworkBluesky, "新店舗オープン！ #揃え")
		if ok, err := db.ClaimTarget(ctx, tg.ID, publish.DefaultLease); !ok || err != nil {
			t.Fatal(ok, err)
		}
		clock.Add(time.Second)
		post := f.Post(w.accounts[soroe.NetworkBluesky].ID, tg.Text, tg.IdempotencyKey)
		// … and the process is killed here. Nothing may send it again.
		if err := w.eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := w.eng.ResolveAll(ctx, 10); n != 0 {
			t.Errorf("resolved %d before the lease ended", n)
		}
		clock.Add(publish.DefaultLease + time.Second)
		if n, err := w.eng.ResolveAll(ctx, 10); err != nil || n != 1 {
			t.Fatalf("resolved %d: %v", n, err)
		}
		got := w.get(t, tg.ID)
		if got.State != soroe.TargetSent || got.RemoteID != post.ID {
			t.Fatalf("after resolve: %+v", got)
		}
		if f.Calls() != 0 || f.Count(tg.IdempotencyKey) != 1 {
			t.Errorf("calls %d, posts %d", f.Calls(), f.Count(tg.IdempotencyKey))
		}
		p, _ := db.Post(ctx, w.org.ID, tg.PostID)
		if p.State != soroe.PostPublished {
			t.Errorf("post %s", p.State)
		}
	})
}

// TestCrashNotFoundRequeuedAfterGrace: the process died before the request
// left. The post is not on the network; after the grace it is sent once.
func TestCrashNotFoundRequeuedAfterGrace(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		f := w.fakes[soroe.NetworkBluesky]
		tg := w.target(t, soroe.NetworkBluesky, "never left")
		db.ClaimTarget(ctx, tg.ID, publish.DefaultLease)
		clock.Add(publish.DefaultLease + time.Second)
		w.eng.ResolveAll(ctx, 10)
		if got := w.get(t, tg.ID); got.State != soroe.TargetUnconfirmed {
			t.Fatalf("before grace: %s", got.State)
		}
		clock.Add(publish.DefaultGrace)
		w.eng.ResolveAll(ctx, 10)
		if got := w.get(t, tg.ID); got.State != soroe.TargetQueued {
			t.Fatalf("after grace: %s", got.State)
		}
		if err := w.eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.get(t, tg.ID); got.State != soroe.TargetSent || got.Attempts != 2 || f.Count(tg.IdempotencyKey) != 1 {
			t.Fatalf("%+v, %d posts", got, f.Count(tg.IdempotencyKey))
		}
	})
}

// TestUnknownOutcomeOnIdempotentNetwork: the answer was lost, the post was
// made; the target is requeued and the retry with the same key returns the
// first post.
func TestUnknownOutcomeOnIdempotentNetwork(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		f := w.fakes[soroe.NetworkMastodon]
		tg := w.target(t, soroe.NetworkMastodon, "idempotent")
		f.FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrUnknownOutcome, Reason: "connection reset"}, Posted: true})
		w.eng.Attempt(ctx, tg.ID)
		if got := w.get(t, tg.ID); got.State != soroe.TargetUnconfirmed {
			t.Fatalf("state %s", got.State)
		}
		if n, err := w.eng.ResolveAll(ctx, 10); err != nil || n != 1 {
			t.Fatal(n, err)
		}
		if got := w.get(t, tg.ID); got.State != soroe.TargetQueued {
			t.Fatalf("state %s after resolve", got.State)
		}
		w.eng.Attempt(ctx, tg.ID)
		got := w.get(t, tg.ID)
		if got.State != soroe.TargetSent || f.Count(tg.IdempotencyKey) != 1 || f.Calls() != 2 {
			t.Fatalf("%s, %d posts, %d calls", got.State, f.Count(tg.IdempotencyKey), f.Calls())
		}
	})
}

// TestUnknownOutcomeWithoutAnyCheck: a network with neither idempotency
// keys nor a list of recent posts keeps the target unconfirmed with a
// note, forever, and never sends it again.
func TestUnknownOutcomeWithoutAnyCheck(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		f := w.fakes[soroe.NetworkLINE]
		tg := w.target(t, soroe.NetworkLINE, "broadcast")
		f.FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrUnknownOutcome}, Posted: true})
		w.eng.Attempt(ctx, tg.ID)
		for range 3 {
			clock.Add(time.Hour)
			if _, err := w.eng.ResolveAll(ctx, 10); err != nil {
				t.Fatal(err)
			}
		}
		got := w.get(t, tg.ID)
		if got.State != soroe.TargetUnconfirmed || got.LastError != publish.NoteCheckByHand || f.Calls() != 1 {
			t.Fatalf("%+v, %d calls", got, f.Calls())
		}
	})
}

func TestSealedCredentialsStayInTheirOrg(t *testing.T) {
	box, _ := secretbox.New("an-example-secret-key-of-32-characters!")
	s, err := publish.SealCredentials(box, 1, network.Credentials{AccessToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	open := publish.Opener(box)
	if c, err := open(&soroe.Account{OrgID: 1}, s); err != nil || c.AccessToken != "t" {
		t.Errorf("open: %+v %v", c, err)
	}
	if _, err := open(&soroe.Account{OrgID: 2}, s); err == nil {
		t.Error("opened in another org")
	}
}

// TestIdempotencyKeyExpired: once the network has forgotten the key (an
// hour on Mastodon), an unconfirmed target is checked against the
// network's recent posts instead of being retried.
func TestIdempotencyKeyExpired(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		f := w.fakes[soroe.NetworkMastodon]
		tg := w.target(t, soroe.NetworkMastodon, "an hour later")
		f.FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrUnknownOutcome}, Posted: true})
		w.eng.Attempt(ctx, tg.ID)
		clock.Add(2 * time.Hour)
		if _, err := w.eng.ResolveAll(ctx, 10); err != nil {
			t.Fatal(err)
		}
		got := w.get(t, tg.ID)
		if got.State != soroe.TargetSent || f.Calls() != 1 || f.Count(tg.IdempotencyKey) != 1 {
			t.Fatalf("%s, %d calls, %d posts", got.State, f.Calls(), f.Count(tg.IdempotencyKey))
		}
	})
}
