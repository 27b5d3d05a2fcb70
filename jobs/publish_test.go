package jobs_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/publish/publishtest"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// TestPublishThroughRiver schedules 200 posts due now on two fake networks
// (one honouring idempotency keys, one that can only be searched), with
// temporary failures and lost answers along the way, and runs the real
// River runner: every target ends sent, and every target reached its
// network exactly once.
func TestPublishThroughRiver(t *testing.T) {
	const n = 200
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := storetest.Open(t, e, soroe.SystemClock)
			if err := jobs.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			org := &soroe.Org{Name: "揃え"}
			user := &soroe.User{Email: "a@example.jp", Name: "A", PasswordHash: "x"}
			if err := db.CreateUserWithOrg(ctx, user, org); err != nil {
				t.Fatal(err)
			}
			fakes := map[soroe.Network]*publishtest.Fake{
				soroe.NetworkMastodon: publishtest.New(network.Capabilities{Network: soroe.NetworkMastodon, Idempotent: true, CanFindRecent: true}, nil),
				soroe.NetworkBluesky:  publishtest.New(network.Capabilities{Network: soroe.NetworkBluesky, CanFindRecent: true}, nil),
			}
			adapters := map[soroe.Network]network.Publisher{}
			var accounts []*soroe.Account
			for net, f := range fakes {
				adapters[net] = f
				f.SetDelay(2 * time.Millisecond)
				a := &soroe.Account{OrgID: org.ID, Network: net, Name: string(net)}
				if err := db.CreateAccount(ctx, a, ""); err != nil {
					t.Fatal(err)
				}
				accounts = append(accounts, a)
				temp := &network.Error{Kind: network.ErrTemporary, Status: 503}
				lost := &network.Error{Kind: network.ErrUnknownOutcome, Reason: "connection reset"}
				f.FailNext(
					publishtest.Failure{Err: temp},
					publishtest.Failure{Err: lost, Posted: true},
					publishtest.Failure{Err: temp},
					publishtest.Failure{Err: lost, Posted: true},
					publishtest.Failure{Err: lost}, // not posted: found missing, sent after the grace
				)
			}
			var keys []string
			targets := map[string]soroe.Network{}
			for i := range n {
				at := db.Now()
				p := &soroe.Post{OrgID: org.ID, AuthorID: user.ID, State: soroe.PostScheduled, ScheduledAt: &at}
				a := accounts[i%len(accounts)]
				tg := &soroe.Target{AccountID: a.ID, Text: fmt.Sprintf("投稿 %d", i)}
				if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
					t.Fatal(err)
				}
				keys = append(keys, tg.IdempotencyKey)
				targets[tg.IdempotencyKey] = a.Network
			}

			eng := &publish.Engine{Store: db, Adapters: adapters,
				Log:     slog.New(slog.DiscardHandler),
				Backoff: func(int) time.Duration { return 50 * time.Millisecond },
				Grace:   200 * time.Millisecond}
			var logs syncBuffer
			r, err := jobs.New(db, jobs.Config{
				Logger:            slog.New(slog.NewTextHandler(&logs, nil)),
				FetchPollInterval: 50 * time.Millisecond,
				MaxWorkers:        10,
				TestOnly:          true,
				Publish:           jobs.PublishConfig{Engine: eng, DispatchEvery: 200 * time.Millisecond, ResolveEvery: 250 * time.Millisecond, Redispatch: time.Second},
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("logs:\n%s", logs.String())
				}
			})
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := r.Stop(sctx); err != nil {
					t.Error(err)
				}
			})

			deadline := time.Now().Add(90 * time.Second)
			for {
				sent, states := countStates(t, db)
				if sent == n {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after 90 s: %v", states)
				}
				time.Sleep(100 * time.Millisecond)
			}
			total := 0
			for _, k := range keys {
				f := fakes[targets[k]]
				if c := f.Count(k); c != 1 {
					t.Errorf("target with key %s reached %s %d times", k, targets[k], c)
				}
			}
			for _, f := range fakes {
				total += len(f.Posts())
			}
			if total != n {
				t.Errorf("%d posts on the networks, want %d", total, n)
			}
			var unsettled int
			if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM posts WHERE state <> 'published'").Scan(&unsettled); err != nil {
				t.Fatal(err)
			}
			if unsettled != 0 {
				t.Errorf("%d posts not published", unsettled)
			}
			// The failures really happened: 3 lost answers per network
			// became unconfirmed, 2 temporary failures per network retried.
			var unconfirmed, retries int
			if err := db.Writer().QueryRowContext(ctx, `SELECT
				COALESCE(SUM(CASE WHEN kind = 'unconfirmed' THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN kind = 'retry' THEN 1 ELSE 0 END), 0) FROM post_events`).Scan(&unconfirmed, &retries); err != nil {
				t.Fatal(err)
			}
			if unconfirmed != 6 || retries != 4 {
				t.Errorf("%d unconfirmed and %d retries in the history, want 6 and 4", unconfirmed, retries)
			}
		})
	}
}

func countStates(t *testing.T, db *store.DB) (int, map[string]int) {
	t.Helper()
	rows, err := db.Writer().QueryContext(t.Context(), "SELECT state, COUNT(*) FROM post_targets GROUP BY state")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var c int
		if err := rows.Scan(&s, &c); err != nil {
			t.Fatal(err)
		}
		out[s] = c
	}
	return out[soroe.TargetSent], out
}

// limitedNetwork answers its first call 429 "retry in a second", and
// every call until then the same way, as a network does.
type limitedNetwork struct {
	*publishtest.Fake
	mu      sync.Mutex
	until   time.Time
	refused int
}

func (l *limitedNetwork) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	l.mu.Lock()
	now := time.Now()
	if l.until.IsZero() {
		l.until = now.Add(time.Second)
	}
	if now.Before(l.until) {
		l.refused++
		until := l.until
		l.mu.Unlock()
		return network.Published{}, &network.Error{Kind: network.ErrRateLimited, Status: 429, RetryAfter: until}
	}
	l.mu.Unlock()
	return l.Fake.Publish(ctx, a, p)
}

func (l *limitedNetwork) Refused() int { l.mu.Lock(); defer l.mu.Unlock(); return l.refused }

// TestRateLimitWaitsInRiver: 30 posts on one account are due; the network
// answers the first 429 "retry in a second", and refuses every call until
// then. The account's other targets, whose jobs are already enqueued, are
// not attempted before then (no request the network would refuse: only
// the calls already under way when the 429 landed are refused too), and
// all are sent after it; their jobs snooze in River until the limit ends
// rather than wait for a later dispatch.
func TestRateLimitWaitsInRiver(t *testing.T) {
	const n, workers = 30, 4
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := storetest.Open(t, e, soroe.SystemClock)
			if err := jobs.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			org := &soroe.Org{Name: "揃え"}
			user := &soroe.User{Email: "a@example.jp", Name: "A", PasswordHash: "x"}
			if err := db.CreateUserWithOrg(ctx, user, org); err != nil {
				t.Fatal(err)
			}
			f := &limitedNetwork{Fake: publishtest.New(network.Capabilities{Network: soroe.NetworkX, CanFindRecent: true}, nil)}
			a := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: "x"}
			if err := db.CreateAccount(ctx, a, ""); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				at := db.Now()
				p := &soroe.Post{OrgID: org.ID, AuthorID: user.ID, State: soroe.PostScheduled, ScheduledAt: &at}
				if err := db.CreatePost(ctx, p, []*soroe.Target{{AccountID: a.ID, Text: fmt.Sprintf("投稿 %d", i)}}); err != nil {
					t.Fatal(err)
				}
			}
			eng := &publish.Engine{Store: db, Adapters: map[soroe.Network]network.Publisher{soroe.NetworkX: f}, Log: slog.New(slog.DiscardHandler)}
			r, err := jobs.New(db, jobs.Config{
				Logger: slog.New(slog.DiscardHandler), FetchPollInterval: 50 * time.Millisecond, MaxWorkers: workers, TestOnly: true,
				Publish: jobs.PublishConfig{Engine: eng, DispatchEvery: 100 * time.Millisecond, ResolveEvery: time.Second, Redispatch: time.Minute},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = r.Stop(sctx)
			})
			deadline := time.Now().Add(50 * time.Second)
			for {
				sent, states := countStates(t, db)
				if sent == n {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after 50 s: %v (%d refused)", states, f.Refused())
				}
				time.Sleep(50 * time.Millisecond)
			}
			if got := f.Refused(); got > workers {
				t.Errorf("%d calls refused, want at most the %d under way when the limit began", got, workers)
			}
			if got := len(f.Posts()); got != n {
				t.Errorf("%d posts", got)
			}
		})
	}
}
