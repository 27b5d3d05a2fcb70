package jobs_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// each runs fn on every engine in parallel, with a fresh migrated store whose
// clock stands at storetest.Epoch.
func each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, e, storetest.NewClock(storetest.Epoch).Now))
		})
	}
}

func TestMigrateTwice(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		for i := range 2 {
			if err := jobs.Migrate(ctx, db); err != nil {
				t.Fatalf("migrate #%d: %v", i+1, err)
			}
		}
		var n int
		if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM river_migration").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Error("river_migration is empty after Migrate")
		}
	})
}

// TestCleanUpRuns proves that the periodic clean-up job is scheduled, worked
// and repeated on each engine: an expired session disappears once the runner
// starts (RunOnStart), and a second one disappears on the next interval.
func TestCleanUpRuns(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		sessions := db.Sessions()
		now := time.Now().UTC() // session expiry is wall-clock time (scs)
		if err := sessions.CommitCtx(ctx, "live", []byte("x"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := sessions.CommitCtx(ctx, "expired-1", []byte("x"), now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}

		var logs syncBuffer
		r, err := jobs.New(db, jobs.Config{
			Logger:            slog.New(slog.NewTextHandler(&logs, nil)),
			CleanUpEvery:      time.Second,
			FetchPollInterval: 50 * time.Millisecond,
			TestOnly:          true,
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
		stopped := false
		t.Cleanup(func() { // stop before the store closes, even on failure
			if !stopped {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = r.Stop(ctx)
			}
		})

		start := time.Now()
		waitSessions(t, db, 1)
		t.Logf("first clean-up after %v", time.Since(start).Round(time.Millisecond))
		if _, ok, err := sessions.FindCtx(ctx, "live"); err != nil || !ok {
			t.Fatalf("live session: found=%v err=%v", ok, err)
		}

		if err := sessions.CommitCtx(ctx, "expired-2", []byte("x"), now.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		start = time.Now()
		waitSessions(t, db, 1)
		t.Logf("periodic clean-up after %v", time.Since(start).Round(time.Millisecond))

		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := r.Stop(stopCtx); err != nil {
			t.Fatalf("stop: %v", err)
		}
		stopped = true

		// Stop has flushed River's completions: both runs are on record.
		res, err := r.Client().JobList(ctx, river.NewJobListParams().Kinds(jobs.CleanUpKind).States(rivertype.JobStateCompleted))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) < 2 {
			t.Errorf("completed %s jobs: %d, want at least 2", jobs.CleanUpKind, len(res.Jobs))
		}

		if l := logs.String(); !strings.Contains(l, `msg="jobs: cleaned up" rows=1`) {
			t.Errorf("no clean-up log line with rows=1 in:\n%s", l)
		}
	})
}

// TestCleanUpUnique proves that a second clean-up job in the same period is
// skipped, as when a new leader (another instance) runs its RunOnStart jobs.
func TestCleanUpUnique(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		r, err := jobs.New(db, jobs.Config{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		// A day-long period: the two inserts cannot straddle its boundary
		// unless the test runs across midnight UTC.
		opts := jobs.CleanUpInsertOpts(24 * time.Hour)
		first, err := r.Insert(ctx, jobs.CleanUpArgs{}, opts)
		if err != nil {
			t.Fatal(err)
		}
		second, err := r.Insert(ctx, jobs.CleanUpArgs{}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if first.UniqueSkippedAsDuplicate || !second.UniqueSkippedAsDuplicate || second.Job.ID != first.Job.ID {
			t.Errorf("inserts: first skipped=%v id=%d, second skipped=%v id=%d; want the second skipped onto the first",
				first.UniqueSkippedAsDuplicate, first.Job.ID, second.UniqueSkippedAsDuplicate, second.Job.ID)
		}
	})
}

// waitSessions waits up to 20 s for the store to hold want sessions.
func waitSessions(t *testing.T, db *store.DB, want int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := db.CountSessions(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sessions: %d after 20 s, want %d", n, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer that River's goroutines may write to at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
