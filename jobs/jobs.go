// Package jobs runs Soroe's background work on River: periodic clean-up now,
// and later publishing, metric pulls and reports. River keeps its queue in the
// same database as the store, on SQLite (riversqlite, through the store's
// single-connection writer pool) and on PostgreSQL (riverpgxv5, through the
// store's pgx pool), so several instances on one PostgreSQL share one queue and
// elect one leader to schedule the periodic jobs.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/soroe/soroe/store"
)

// Config tunes a Runner. The zero value is ready for production.
type Config struct {
	// Logger receives the runner's and River's logs; slog.Default() when nil.
	Logger *slog.Logger
	// CleanUpEvery is how often the clean-up job runs (default 1 h). It also
	// runs once whenever an instance becomes the leader.
	CleanUpEvery time.Duration
	// MaxWorkers is how many jobs this instance works at once (default 10).
	MaxWorkers int
	// FetchPollInterval is how often River looks for new jobs when no
	// notification arrives (River's default, 1 s, when zero). Tests shorten
	// it.
	FetchPollInterval time.Duration
	// TestOnly skips River's random start-up delays (up to a second for each
	// of its maintenance services, which run before the first periodic job);
	// it is River's Config.TestOnly and for tests only.
	TestOnly bool
	// Materials processes uploaded company material (material.Processor);
	// without it, material jobs fail the material.
	Materials MaterialProcessor
	// Publish turns publishing on (see PublishConfig).
	Publish PublishConfig
	// Accounts turns the account health job on (see AccountsConfig).
	Accounts *AccountsConfig
	// Metrics turns metric pulls on (see MetricsConfig).
	Metrics MetricsConfig
	// Notify turns delivery to webhooks on (see NotifyConfig).
	Notify *NotifyConfig
	// Reports turns scheduled reports on (see ReportsConfig).
	Reports *ReportsConfig
}

const (
	defaultCleanUpEvery = time.Hour
	defaultMaxWorkers   = 10
)

// Client is the part of a River client that does not depend on the driver's
// transaction type (pgx.Tx on PostgreSQL, *sql.Tx on SQLite), so one value
// serves both engines. Add River methods here when a caller needs them; any
// method whose signature does not mention the transaction type fits.
type Client interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
}

// riverClient is a Client that the Runner starts and stops.
type riverClient interface {
	Client
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
}

var (
	_ riverClient = (*river.Client[pgx.Tx])(nil)
	_ riverClient = (*river.Client[*sql.Tx])(nil)
)

// Runner works Soroe's background jobs.
type Runner struct {
	db        *store.DB
	log       *slog.Logger
	client    riverClient
	materials MaterialProcessor
	publish   PublishConfig
	accounts  *AccountsConfig
	metrics   MetricsConfig
	notify    *NotifyConfig
	reports   *ReportsConfig
}

// New returns a runner for db, whose River schema must be migrated (see
// Migrate). Call Start to work jobs; jobs may be inserted before that.
func New(db *store.DB, cfg Config) (*Runner, error) {
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	cfg.CleanUpEvery = cmp.Or(cfg.CleanUpEvery, defaultCleanUpEvery)
	cfg.MaxWorkers = cmp.Or(cfg.MaxWorkers, defaultMaxWorkers)
	r := &Runner{db: db, log: cfg.Logger, materials: cfg.Materials, publish: cfg.Publish, accounts: cfg.Accounts, metrics: cfg.Metrics, notify: cfg.Notify, reports: cfg.Reports}

	rc := &river.Config{
		Logger:            slog.New(quietHandler{cfg.Logger.Handler()}).With("component", "river"),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}},
		Workers:           r.workers(),
		PeriodicJobs:      periodicJobs(cfg),
		FetchPollInterval: cfg.FetchPollInterval,
		TestOnly:          cfg.TestOnly,
	}
	if cfg.FetchPollInterval > 0 && cfg.FetchPollInterval < river.FetchCooldownDefault {
		rc.FetchCooldown = cfg.FetchPollInterval // River wants cool-down ≤ poll interval
	}

	var err error
	switch db.Engine {
	case store.Postgres:
		r.client, err = river.NewClient(riverpgxv5.New(db.PgxPool()), rc)
	case store.SQLite:
		// One connection, as riversqlite advises: River's own goroutines
		// would otherwise meet SQLITE_BUSY.
		r.client, err = river.NewClient(riversqlite.New(db.Writer()), rc)
	default:
		return nil, fmt.Errorf("jobs: unknown engine %q", db.Engine)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return r, nil
}

// workers is every worker the runner runs, registered in one place.
func (r *Runner) workers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &cleanUpWorker{db: r.db, log: r.log})
	river.AddWorker(w, &materialWorker{db: r.db, p: r.materials, log: r.log})
	addPublishWorkers(w, r)
	addAccountWorkers(w, r)
	addMetricsWorkers(w, r)
	addNotifyWorkers(w, r)
	if r.reports != nil {
		river.AddWorker(w, &reportsWorker{db: r.db, c: r.reports, log: r.log})
	}
	// Future workers (publish, metric pull, reports) are registered here;
	// their schedules, if periodic, go in periodicJobs.
	return w
}

// periodicJobs is every job River's leader inserts on a schedule.
func periodicJobs(cfg Config) []*river.PeriodicJob {
	return append([]*river.PeriodicJob{
		cleanUpJob(cfg.CleanUpEvery),
	}, slices.Concat(publishJobs(cfg.Publish), accountJobs(cfg.Accounts), metricsJobs(cfg.Metrics), notifyJobs(cfg.Notify), reportJobs(cfg.Reports))...)
}

// Client is the River client, for inserting and inspecting jobs.
func (r *Runner) Client() Client { return r.client }

// Insert enqueues a job outside any transaction.
func (r *Runner) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return r.client.Insert(ctx, args, opts)
}

// Start starts fetching and working jobs in the background and returns. Jobs
// run with contexts derived from ctx: cancelling it stops the runner abruptly,
// cancelling running jobs; Stop stops it gracefully.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// hardStopWait bounds how long Stop waits for cancelled jobs to return once
// its own context is done.
const hardStopWait = 5 * time.Second

// Stop stops fetching jobs and waits for running ones to finish. When ctx is
// done first, it cancels the running jobs, waits a few seconds more for them
// to return, and reports ctx's error.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil {
		return nil
	}
	r.log.WarnContext(ctx, "jobs: running jobs did not finish in time; cancelling them", "err", err)
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopWait)
	defer cancel()
	return fmt.Errorf("jobs: stop: %w", errors.Join(err, r.client.StopAndCancel(hctx)))
}

// migrateLockID names the PostgreSQL advisory lock that lets one instance
// migrate River's schema while others starting at the same moment wait.
const migrateLockID int64 = 0x736f726f65726976 // "soroeriv"

// Migrate brings River's own tables (river_job, river_leader, …) up to date
// on db's engine. It is idempotent; call it after store.DB.Migrate and before
// New's runner starts.
func Migrate(ctx context.Context, db *store.DB) error {
	var err error
	switch db.Engine {
	case store.Postgres:
		err = migratePostgres(ctx, db)
	case store.SQLite:
		err = migrate(ctx, riversqlite.New(db.Writer()))
	default:
		err = fmt.Errorf("unknown engine %q", db.Engine)
	}
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

func migratePostgres(ctx context.Context, db *store.DB) error {
	conn, err := db.PgxPool().Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockID); err != nil {
		return err
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockID); err != nil {
			conn.Conn().Close(context.Background()) // closing the session frees the lock
		}
	}()
	return migrate(ctx, riverpgxv5.New(db.PgxPool()))
}

func migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: slog.Default()})
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// quietHandler passes River's warnings and errors on, and its chattier
// records (it reports job counts every few seconds at info) only when the
// process logs at debug level.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	if l < slog.LevelWarn && !h.Handler.Enabled(ctx, slog.LevelDebug) {
		return false
	}
	return h.Handler.Enabled(ctx, l)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
