package publish_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish/publishtest"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// quotaAdapter answers like the fake and adds a rate-limit quota to each
// success, as the X, Mastodon and Bluesky adapters do from the headers.
type quotaAdapter struct {
	*publishtest.Fake
	quota *network.RateQuota
}

func (q quotaAdapter) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	res, err := q.Fake.Publish(ctx, a, p)
	if err == nil {
		res.Quota = q.quota
	}
	return res, err
}

func TestSpentQuotaHoldsTheAccount(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		reset := clock.Now().Add(10 * time.Minute).Truncate(time.Second)
		w.eng.Adapters[soroe.NetworkMastodon] = quotaAdapter{w.fakes[soroe.NetworkMastodon],
			&network.RateQuota{Limit: 300, Remaining: 0, Reset: reset}}
		a := w.target(t, soroe.NetworkMastodon, "a")
		b := w.target(t, soroe.NetworkMastodon, "b")
		c := w.target(t, soroe.NetworkMastodon, "c")
		other := w.target(t, soroe.NetworkBluesky, "d")
		if err := w.eng.Attempt(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.get(t, a.ID); got.State != soroe.TargetSent || got.RemoteID == "" {
			t.Fatalf("a is %s (remote %q), want sent", got.State, got.RemoteID)
		}
		due, err := db.DueTargets(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || due[0] != other.ID {
			t.Errorf("due %v, want only the other account's %d (b=%d, c=%d)", due, other.ID, b.ID, c.ID)
		}
		for _, id := range []int64{b.ID, c.ID} {
			if got := w.get(t, id); got.State != soroe.TargetQueued || !got.NextAttemptAt.Equal(reset) {
				t.Errorf("target %d: %s at %v, want queued until %v", id, got.State, got.NextAttemptAt, reset)
			}
		}
		// They are due again once the window has reset; the attempts of
		// jobs already enqueued wait for that (jobs/publish.go).
		clock.Add(10*time.Minute + time.Second)
		due, err = db.DueTargets(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(due, b.ID) || !slices.Contains(due, c.ID) {
			t.Errorf("due %v after the reset, want b=%d and c=%d", due, b.ID, c.ID)
		}
	})
}

func TestQuotaLeftDoesNotHold(t *testing.T) {
	for _, tc := range []struct {
		name  string
		quota func(now time.Time) *network.RateQuota
	}{
		{"posts left", func(now time.Time) *network.RateQuota {
			return &network.RateQuota{Limit: 300, Remaining: 1, Reset: now.Add(10 * time.Minute)}
		}},
		{"spent window already reset", func(now time.Time) *network.RateQuota {
			return &network.RateQuota{Remaining: 0, Reset: now.Add(-time.Second)}
		}},
		{"no quota", func(time.Time) *network.RateQuota { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
				ctx := context.Background()
				w := newWorld(t, db, clock)
				w.eng.Adapters[soroe.NetworkMastodon] = quotaAdapter{w.fakes[soroe.NetworkMastodon], tc.quota(clock.Now())}
				a := w.target(t, soroe.NetworkMastodon, "a")
				b := w.target(t, soroe.NetworkMastodon, "b")
				if err := w.eng.Attempt(ctx, a.ID); err != nil {
					t.Fatal(err)
				}
				if got := w.get(t, a.ID); got.State != soroe.TargetSent {
					t.Fatalf("a is %s, want sent", got.State)
				}
				due, err := db.DueTargets(ctx, 10)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(due, b.ID) {
					t.Errorf("due %v, want b=%d still due", due, b.ID)
				}
			})
		})
	}
}
