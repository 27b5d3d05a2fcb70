package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/soroe/soroe/store"
)

// CleanUpKind is the clean-up job's kind in river_job.
const CleanUpKind = "soroe_cleanup"

// loginFailureKeep is how long login failures are kept (they feed login
// throttling).
const loginFailureKeep = 24 * time.Hour

// CleanUpArgs are the (empty) arguments of the periodic clean-up job, which
// deletes expired sessions and old login failures.
type CleanUpArgs struct{}

// Kind implements river.JobArgs.
func (CleanUpArgs) Kind() string { return CleanUpKind }

// cleanUpJob schedules the clean-up every interval and once when an instance
// becomes leader. It is unique per interval: a new leader, or a second
// instance on the same PostgreSQL, cannot add another run to a period that
// already has one (queued, running or completed).
func cleanUpJob(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(
		river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return CleanUpArgs{}, cleanUpInsertOpts(every) },
		&river.PeriodicJobOpts{ID: CleanUpKind, RunOnStart: true},
	)
}

func cleanUpInsertOpts(every time.Duration) *river.InsertOpts {
	return &river.InsertOpts{
		MaxAttempts: 3, // the next period's run will try again anyway
		UniqueOpts:  river.UniqueOpts{ByPeriod: every},
	}
}

type cleanUpWorker struct {
	river.WorkerDefaults[CleanUpArgs]
	db  *store.DB
	log *slog.Logger
}

func (w *cleanUpWorker) Work(ctx context.Context, job *river.Job[CleanUpArgs]) error {
	n, err := w.db.CleanUp(ctx, loginFailureKeep)
	if err != nil {
		return fmt.Errorf("clean up: %w", err)
	}
	w.log.InfoContext(ctx, "jobs: cleaned up", "rows", n, "job_id", job.ID)
	return nil
}
