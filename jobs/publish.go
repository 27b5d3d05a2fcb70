package jobs

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
)

// Job kinds of publishing in river_job.
const (
	PublishDispatchKind = "soroe_publish_dispatch"
	PublishKind         = "soroe_publish"
	PublishResolveKind  = "soroe_publish_resolve"
)

// PublishConfig turns publishing on (Engine set) and tunes its schedule.
type PublishConfig struct {
	// Engine publishes targets; nil leaves publishing off on this
	// instance (no dispatcher, no resolver; publish jobs are cancelled).
	Engine *publish.Engine
	// DispatchEvery is how often due targets are looked for (default 5 s).
	DispatchEvery time.Duration
	// ResolveEvery is how often stale leases are expired and unconfirmed
	// targets checked (default 1 min).
	ResolveEvery time.Duration
	// Batch bounds the targets one dispatch or resolve run handles, and
	// the publish jobs waiting for a worker (default 1000); the next run
	// takes the rest.
	Batch int
	// Redispatch is how long a target gets no second publish job (default
	// 1 min, at least 1 s): publish jobs are unique per target and period,
	// not per state, so that a target whose job a killed process had
	// fetched is dispatched again within a period instead of waiting for
	// River to rescue the stuck job (an hour). A second job is harmless —
	// the target's claim, one SQL statement, lets one attempt through.
	Redispatch time.Duration
}

const (
	defaultDispatchEvery = 5 * time.Second
	defaultResolveEvery  = time.Minute
	defaultPublishBatch  = 1000
	defaultRedispatch    = time.Minute
)

func (c PublishConfig) batch() int { return cmp.Or(c.Batch, defaultPublishBatch) }

// PublishDispatchArgs are the (empty) arguments of the periodic dispatcher,
// which enqueues one publish job per due target.
type PublishDispatchArgs struct{}

// Kind implements river.JobArgs.
func (PublishDispatchArgs) Kind() string { return PublishDispatchKind }

// PublishArgs are the arguments of the job that publishes one target.
type PublishArgs struct {
	TargetID int64 `json:"target_id"`
}

// Kind implements river.JobArgs.
func (PublishArgs) Kind() string { return PublishKind }

// PublishResolveArgs are the (empty) arguments of the periodic resolver.
type PublishResolveArgs struct{}

// Kind implements river.JobArgs.
func (PublishResolveArgs) Kind() string { return PublishResolveKind }

// publishJobs schedules the dispatcher and the resolver, each unique per
// period (a new leader, or a second instance, adds no second run to a
// period, River's uniqueness being at least a second) — when publishing
// is on.
func publishJobs(c PublishConfig) []*river.PeriodicJob {
	if c.Engine == nil {
		return nil
	}
	dispatch := cmp.Or(c.DispatchEvery, defaultDispatchEvery)
	resolve := cmp.Or(c.ResolveEvery, defaultResolveEvery)
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(dispatch),
			func() (river.JobArgs, *river.InsertOpts) {
				return PublishDispatchArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: max(dispatch, time.Second)}}
			},
			&river.PeriodicJobOpts{ID: PublishDispatchKind, RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(resolve),
			func() (river.JobArgs, *river.InsertOpts) {
				return PublishResolveArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: max(resolve, time.Second)}}
			},
			&river.PeriodicJobOpts{ID: PublishResolveKind, RunOnStart: true}),
	}
}

// addPublishWorkers registers the three publishing workers.
// The dispatcher inserts through r's client, which exists by the time
// jobs run.
func addPublishWorkers(w *river.Workers, r *Runner) {
	river.AddWorker(w, &publishDispatchWorker{r: r, db: r.db, c: r.publish, log: r.log})
	river.AddWorker(w, &publishWorker{c: r.publish, log: r.log})
	river.AddWorker(w, &publishResolveWorker{c: r.publish, log: r.log})
}

type publishDispatchWorker struct {
	river.WorkerDefaults[PublishDispatchArgs]
	r   *Runner
	db  *store.DB
	c   PublishConfig
	log *slog.Logger
}

func (w *publishDispatchWorker) Work(ctx context.Context, job *river.Job[PublishDispatchArgs]) error {
	if w.c.Engine == nil {
		return nil
	}
	// Keep at most a batch of publish jobs waiting for a worker: due
	// targets beyond it wait in the store, where they cost nothing, rather
	// than pile up in River as jobs (and, once a Redispatch period has
	// passed, as second jobs for the same targets).
	var waiting int
	if err := w.db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE kind = $1 AND state IN ('available', 'retryable')",
		PublishKind).Scan(&waiting); err != nil {
		return fmt.Errorf("dispatch: %w", err)
	}
	room := w.c.batch() - waiting
	if room <= 0 {
		return nil
	}
	ids, err := w.db.DueTargets(ctx, room)
	if err != nil {
		return fmt.Errorf("dispatch: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: PublishArgs{TargetID: id}, InsertOpts: &river.InsertOpts{
			MaxAttempts: 3, // only the store's failures are retried here
			UniqueOpts:  river.UniqueOpts{ByArgs: true, ByPeriod: max(cmp.Or(w.c.Redispatch, defaultRedispatch), time.Second)},
		}}
	}
	res, err := w.r.client.InsertMany(ctx, params)
	if err != nil {
		return fmt.Errorf("dispatch: %w", err)
	}
	added := 0
	for _, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			added++
		}
	}
	if added > 0 {
		w.log.InfoContext(ctx, "jobs: publishing", "due", len(ids), "enqueued", added, "job_id", job.ID)
	}
	return nil
}

type publishWorker struct {
	river.WorkerDefaults[PublishArgs]
	c   PublishConfig
	log *slog.Logger
}

// Timeout ends a publish job before its target's lease: a call cut short
// is recorded as unconfirmed by the adapter, not left to expire.
func (w *publishWorker) Timeout(*river.Job[PublishArgs]) time.Duration {
	if w.c.Engine == nil {
		return time.Minute
	}
	return cmp.Or(w.c.Engine.Lease, publish.DefaultLease) * 3 / 4
}

// Work attempts the target once it is due. A target that is queued but
// not due — its account was deferred by a rate limit after this job was
// enqueued, or the attempt was answered "retry later" — is not attempted
// (no request the network would only refuse); its job is snoozed until
// then when that is within Redispatch, so that it waits in River rather
// than for a dispatch whose uniqueness period would hold a new job back,
// and otherwise ends, leaving the target to the dispatcher.
func (w *publishWorker) Work(ctx context.Context, job *river.Job[PublishArgs]) error {
	e := w.c.Engine
	if e == nil {
		return river.JobCancel(fmt.Errorf("publishing is off on this instance"))
	}
	if wait, later := w.notDue(ctx, job.Args.TargetID); later {
		return w.later(wait)
	}
	if err := e.Attempt(ctx, job.Args.TargetID); err != nil {
		return err
	}
	if wait, later := w.notDue(ctx, job.Args.TargetID); later {
		return w.later(wait)
	}
	return nil
}

// notDue reports how long a queued target has to wait.
func (w *publishWorker) notDue(ctx context.Context, id int64) (time.Duration, bool) {
	t, err := w.c.Engine.Store.Target(ctx, id)
	if err != nil || t.State != soroe.TargetQueued {
		return 0, false
	}
	now := w.c.Engine.Store.Now()
	if w.c.Engine.Clock != nil {
		now = w.c.Engine.Clock()
	}
	wait := t.NextAttemptAt.Sub(now)
	return wait, wait > 0
}

func (w *publishWorker) later(wait time.Duration) error {
	if wait > max(cmp.Or(w.c.Redispatch, defaultRedispatch), time.Second) {
		return nil
	}
	return river.JobSnooze(wait)
}

type publishResolveWorker struct {
	river.WorkerDefaults[PublishResolveArgs]
	c   PublishConfig
	log *slog.Logger
}

func (w *publishResolveWorker) Work(ctx context.Context, job *river.Job[PublishResolveArgs]) error {
	if w.c.Engine == nil {
		return nil
	}
	n, err := w.c.Engine.ResolveAll(ctx, w.c.batch())
	if n > 0 {
		w.log.InfoContext(ctx, "jobs: unconfirmed posts checked", "targets", n, "job_id", job.ID)
	}
	return err
}
