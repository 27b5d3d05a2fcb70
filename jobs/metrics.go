package jobs

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/store"
)

// Job kinds of metric pulls in river_job.
const (
	MetricsDispatchKind = "soroe_metrics_dispatch"
	MetricsPullKind     = "soroe_metrics_pull"
	MetricsRefreshKind  = "soroe_metrics_refresh"
	MetricsScoreKind    = "soroe_metrics_score"
)

// MetricsConfig turns metric pulls on (Puller set).
type MetricsConfig struct {
	Puller *measure.Puller
	// DispatchEvery is how often accounts with due posts are looked for
	// (default 5 minutes).
	DispatchEvery time.Duration
	// Batch bounds the accounts one dispatch enqueues (default 200).
	Batch int
	// ScoreEvery is how often posts with new numbers are scored (default
	// 1 minute); scoring runs whether pulls are on or not (imports and
	// numbers typed in are scored too).
	ScoreEvery time.Duration
}

// MetricsScoreArgs are the (empty) arguments of the periodic scorer.
type MetricsScoreArgs struct{}

// Kind implements river.JobArgs.
func (MetricsScoreArgs) Kind() string { return MetricsScoreKind }

type metricsScoreWorker struct {
	river.WorkerDefaults[MetricsScoreArgs]
	db  *store.DB
	log *slog.Logger
}

func (w *metricsScoreWorker) Work(ctx context.Context, job *river.Job[MetricsScoreArgs]) error {
	for {
		n, err := measure.ScoreDue(ctx, w.db, w.db.Now(), 500)
		if err != nil || n < 500 {
			if n > 0 {
				w.log.InfoContext(ctx, "jobs: posts scored", "posts", n, "job_id", job.ID)
			}
			return err
		}
	}
}

const (
	defaultMetricsEvery = 5 * time.Minute
	defaultMetricsBatch = 200
)

// MetricsDispatchArgs are the (empty) arguments of the periodic dispatcher,
// which enqueues one pull job per account with due posts.
type MetricsDispatchArgs struct{}

// Kind implements river.JobArgs.
func (MetricsDispatchArgs) Kind() string { return MetricsDispatchKind }

// MetricsPullArgs pull one account's due posts.
type MetricsPullArgs struct {
	AccountID int64 `json:"account_id"`
}

// Kind implements river.JobArgs.
func (MetricsPullArgs) Kind() string { return MetricsPullKind }

// MetricsRefreshArgs pull one post's numbers now (a person asked).
type MetricsRefreshArgs struct {
	OrgID  int64 `json:"org_id"`
	PostID int64 `json:"post_id"`
}

// Kind implements river.JobArgs.
func (MetricsRefreshArgs) Kind() string { return MetricsRefreshKind }

func metricsJobs(c MetricsConfig) []*river.PeriodicJob {
	scoreEvery := cmp.Or(c.ScoreEvery, time.Minute)
	jobs := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(scoreEvery),
		func() (river.JobArgs, *river.InsertOpts) {
			return MetricsScoreArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: max(scoreEvery, time.Second)}}
		},
		&river.PeriodicJobOpts{ID: MetricsScoreKind, RunOnStart: true})}
	if c.Puller == nil {
		return jobs
	}
	every := cmp.Or(c.DispatchEvery, defaultMetricsEvery)
	return append(jobs, river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return MetricsDispatchArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: max(every, time.Second)}}
		},
		&river.PeriodicJobOpts{ID: MetricsDispatchKind, RunOnStart: true}))
}

func addMetricsWorkers(w *river.Workers, r *Runner) {
	river.AddWorker(w, &metricsDispatchWorker{r: r, db: r.db, c: r.metrics, log: r.log})
	river.AddWorker(w, &metricsPullWorker{c: r.metrics, log: r.log})
	river.AddWorker(w, &metricsRefreshWorker{c: r.metrics})
	river.AddWorker(w, &metricsScoreWorker{db: r.db, log: r.log})
}

type metricsDispatchWorker struct {
	river.WorkerDefaults[MetricsDispatchArgs]
	r   *Runner
	db  *store.DB
	c   MetricsConfig
	log *slog.Logger
}

func (w *metricsDispatchWorker) Work(ctx context.Context, job *river.Job[MetricsDispatchArgs]) error {
	if w.c.Puller == nil {
		return nil
	}
	now := w.db.Now()
	if w.c.Puller.Clock != nil {
		now = w.c.Puller.Clock()
	}
	ids, err := w.db.DueMetricAccounts(ctx, now, cmp.Or(w.c.Batch, defaultMetricsBatch))
	if err != nil || len(ids) == 0 {
		return err
	}
	every := cmp.Or(w.c.DispatchEvery, defaultMetricsEvery)
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		// One pull per account and period: a long pull is never joined by
		// a second one for the same account (its rate limit is one).
		params[i] = river.InsertManyParams{Args: MetricsPullArgs{AccountID: id}, InsertOpts: &river.InsertOpts{
			MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: max(every, time.Second)}}}
	}
	if _, err := w.r.client.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("metrics dispatch: %w", err)
	}
	w.log.InfoContext(ctx, "jobs: metrics pulls", "accounts", len(ids), "job_id", job.ID)
	return nil
}

type metricsPullWorker struct {
	river.WorkerDefaults[MetricsPullArgs]
	c   MetricsConfig
	log *slog.Logger
}

func (w *metricsPullWorker) Timeout(*river.Job[MetricsPullArgs]) time.Duration {
	return 10 * time.Minute
}

func (w *metricsPullWorker) Work(ctx context.Context, job *river.Job[MetricsPullArgs]) error {
	if w.c.Puller == nil {
		return river.JobCancel(fmt.Errorf("metric pulls are off on this instance"))
	}
	res, err := w.c.Puller.PullAccount(ctx, job.Args.AccountID)
	if err != nil {
		return err
	}
	if res.Calls > 0 {
		w.log.InfoContext(ctx, "jobs: metrics pulled", "account_id", job.Args.AccountID, "targets", res.Targets,
			"calls", res.Calls, "snapshots", res.Snapshots, "missing", res.Missing)
	}
	return nil
}

type metricsRefreshWorker struct {
	river.WorkerDefaults[MetricsRefreshArgs]
	c MetricsConfig
}

func (w *metricsRefreshWorker) Work(ctx context.Context, job *river.Job[MetricsRefreshArgs]) error {
	if w.c.Puller == nil {
		return river.JobCancel(fmt.Errorf("metric pulls are off on this instance"))
	}
	_, err := w.c.Puller.RefreshPost(ctx, job.Args.OrgID, job.Args.PostID)
	return err
}

// RefreshMetrics enqueues a pull of one post's numbers now (the post
// page's 「数値を更新」). Requests for the same post within a minute are one.
func (r *Runner) RefreshMetrics(ctx context.Context, orgID, postID int64) error {
	_, err := r.client.Insert(ctx, MetricsRefreshArgs{OrgID: orgID, PostID: postID},
		&river.InsertOpts{MaxAttempts: 2, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}})
	return err
}
