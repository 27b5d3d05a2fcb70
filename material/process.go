package material

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/soroe/soroe"
)

// Store is what Process needs of the store (*store.DB has it all).
type Store interface {
	Material(ctx context.Context, orgID, id int64) (*soroe.Material, error)
	MaterialData(ctx context.Context, orgID, id int64) ([]byte, error)
	SetMaterialProgress(ctx context.Context, id int64, progress int) error
	FinishMaterial(ctx context.Context, orgID, id int64, passages []soroe.Passage) error
	FailMaterial(ctx context.Context, id int64, errKey string) error
}

// Progress steps, in percent, that Process records.
const (
	ProgressLoaded    = 5  // the file is read from the store
	ProgressExtracted = 70 // text extracted (5–70 moves page by page or slide by slide)
	ProgressSplit     = 85 // passages made
	ProgressIndexed   = 95 // terms computed; FinishMaterial then stores the passages (100)
)

// Processor runs Process over a store; it is what the jobs package's
// material worker calls (jobs.Config.Materials).
type Processor struct{ DB Store }

// Process processes one material (see the function Process).
func (p Processor) Process(ctx context.Context, orgID, id int64) error {
	return Process(ctx, p.DB, orgID, id)
}

// ExtractTimeout bounds the extraction of one material.
const ExtractTimeout = 3 * time.Minute

// Process extracts, splits and indexes one stored material, recording
// progress on the way, and finishes it (passages replaced and status ready
// in one transaction) or fails it with the error key of a
// "material_" *soroe.Error, so that nothing is ever half indexed. A
// material's own problem (broken, encrypted, empty, too long, too slow) is
// recorded and Process returns nil: trying again would not help. A store
// error is returned, for the caller (a River job) to retry. A material that
// no longer exists (deleted while queued) is not an error.
func Process(ctx context.Context, db Store, orgID, id int64) error {
	m, err := db.Material(ctx, orgID, id)
	if errors.Is(err, soroe.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	data, err := db.MaterialData(ctx, orgID, id)
	if errors.Is(err, soroe.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if err := db.SetMaterialProgress(ctx, id, ProgressLoaded); err != nil {
		return err
	}

	// Page-by-page progress, written at most every 5 points and twice a
	// second, from the extractor's goroutine.
	var (
		mu       sync.Mutex
		lastPct  = ProgressLoaded
		lastTime time.Time
	)
	progress := func(done, total int) {
		if total <= 0 {
			return
		}
		pct := ProgressLoaded + (ProgressExtracted-ProgressLoaded)*done/total
		mu.Lock()
		defer mu.Unlock()
		if pct-lastPct < 5 || time.Since(lastTime) < 500*time.Millisecond {
			return
		}
		lastPct, lastTime = pct, time.Now()
		_ = db.SetMaterialProgress(ctx, id, pct) // progress is best effort
	}

	doc, err := extractWithin(ctx, m.Kind, data, progress)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the job was cancelled: River retries it
		}
		key := soroe.ErrorMessage(err)
		if soroe.ErrorCode(err) != soroe.EInvalid {
			slog.ErrorContext(ctx, "material: extract", "material_id", id, "kind", m.Kind, "err", err)
			key = ErrFailed
		}
		return db.FailMaterial(ctx, id, key)
	}
	if err := db.SetMaterialProgress(ctx, id, ProgressExtracted); err != nil {
		return err
	}
	passages := Split(doc.Sections)
	if len(passages) == 0 {
		return db.FailMaterial(ctx, id, ErrEmpty)
	}
	if err := db.SetMaterialProgress(ctx, id, ProgressSplit); err != nil {
		return err
	}
	// Retrieval indexes the stored text when it searches (see Index); a
	// material none of whose passages has a term to find is empty.
	if len(NewIndex(passages).post) == 0 {
		return db.FailMaterial(ctx, id, ErrEmpty)
	}
	if err := db.SetMaterialProgress(ctx, id, ProgressIndexed); err != nil {
		return err
	}
	return db.FinishMaterial(ctx, orgID, id, passages)
}

// extractWithin runs ExtractDocument under ExtractTimeout. The extractors
// check the context as they go (between pages, every few thousand PDF
// operators), so a hostile file stops soon after the deadline.
func extractWithin(ctx context.Context, kind string, data []byte, progress func(done, total int)) (*Document, error) {
	ectx, cancel := context.WithTimeout(ctx, ExtractTimeout)
	defer cancel()
	type result struct {
		doc *Document
		err error
	}
	ch := make(chan result, 1)
	go func() {
		d, err := ExtractDocument(ectx, kind, data, Options{Progress: progress})
		ch <- result{d, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil && ctx.Err() == nil && ectx.Err() != nil {
			return nil, fileErr(ErrTimeout)
		}
		return r.doc, r.err
	case <-ectx.Done():
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fileErr(ErrTimeout)
	}
}
