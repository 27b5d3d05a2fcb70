package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// MaterialKind is the material-processing job's kind in river_job.
const MaterialKind = "soroe_material"

// MaterialProcessor extracts, splits and indexes one stored material,
// finishing or failing it in the store; material.Processor (over the store)
// is the one Soroe runs. It returns an error only for what a retry may fix (the
// database); a file's own problems are recorded on the material.
type MaterialProcessor interface {
	Process(ctx context.Context, orgID, materialID int64) error
}

// MaterialArgs are the arguments of the job that processes a material once
// it is uploaded.
type MaterialArgs struct {
	OrgID      int64 `json:"org_id"`
	MaterialID int64 `json:"material_id"`
}

// Kind implements river.JobArgs.
func (MaterialArgs) Kind() string { return MaterialKind }

// InsertOpts implements river.JobArgsWithInsertOpts: a material is processed
// by one job at a time (a second insert while one is queued or running is
// skipped), with a few retries for database trouble.
func (MaterialArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 5,
		UniqueOpts: river.UniqueOpts{
			ByArgs:  true,
			ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled},
		},
	}
}

// ProcessMaterial enqueues the processing of a material that
// store.CreateMaterial (or RestartMaterial) left in status processing.
func (r *Runner) ProcessMaterial(ctx context.Context, orgID, materialID int64) error {
	_, err := r.client.Insert(ctx, MaterialArgs{OrgID: orgID, MaterialID: materialID}, nil)
	if err != nil {
		return fmt.Errorf("jobs: enqueue material: %w", err)
	}
	return nil
}

// materialTimeout bounds one processing run (extraction has its own,
// shorter bound; the rest is the database).
const materialTimeout = 5 * time.Minute

type materialWorker struct {
	river.WorkerDefaults[MaterialArgs]
	db  *store.DB
	p   MaterialProcessor
	log *slog.Logger
}

func (w *materialWorker) Timeout(*river.Job[MaterialArgs]) time.Duration { return materialTimeout }

func (w *materialWorker) Work(ctx context.Context, job *river.Job[MaterialArgs]) error {
	a := job.Args
	if w.p == nil {
		// Nothing can process it on this instance: fail the material so
		// that people see it, rather than leave it processing forever.
		w.log.ErrorContext(ctx, "jobs: no material processor configured", "material_id", a.MaterialID)
		if err := w.db.FailMaterial(ctx, a.MaterialID, "material_failed"); err != nil && !errors.Is(err, soroe.ErrNotFound) {
			return err
		}
		return river.JobCancel(errors.New("no material processor configured"))
	}
	start := time.Now()
	if err := w.p.Process(ctx, a.OrgID, a.MaterialID); err != nil {
		if job.Attempt >= job.MaxAttempts {
			// The last try: record the failure on the material too.
			_ = w.db.FailMaterial(context.WithoutCancel(ctx), a.MaterialID, "material_failed")
		}
		return fmt.Errorf("process material %d: %w", a.MaterialID, err)
	}
	w.log.InfoContext(ctx, "jobs: material processed", "org_id", a.OrgID, "material_id", a.MaterialID,
		"took", time.Since(start).Round(time.Millisecond), "job_id", job.ID)
	return nil
}
