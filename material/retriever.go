package material

import (
	"context"
	"sync"
	"time"

	"github.com/soroe/soroe"
)

// PassageStore is what a Retriever needs of the store (*store.DB has it).
type PassageStore interface {
	Passages(ctx context.Context, orgID int64) ([]soroe.Passage, error)
	PassageStamp(ctx context.Context, orgID int64) (string, error)
}

// Retriever searches organizations' passages, keeping each organization's
// index in memory while its passages do not change (the store's
// PassageStamp says when they do). One Retriever serves a whole process;
// it is safe for concurrent use.
type Retriever struct {
	db      PassageStore
	maxOrgs int

	mu    sync.Mutex
	cache map[int64]*cachedIndex
}

type cachedIndex struct {
	stamp string
	ix    *Index
	used  time.Time
}

// NewRetriever returns a Retriever over db that keeps the indexes of up to
// 64 organizations.
func NewRetriever(db PassageStore) *Retriever {
	return &Retriever{db: db, maxOrgs: 64, cache: map[int64]*cachedIndex{}}
}

// Retrieve returns the k passages of an organization's ready materials most
// relevant to query, best first, with Score and the material's Title set;
// with materialIDs, only passages of those materials.
func (r *Retriever) Retrieve(ctx context.Context, orgID int64, query string, k int, materialIDs ...int64) ([]soroe.Passage, error) {
	ix, err := r.index(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return ix.SearchMaterials(query, k, materialIDs), nil
}

func (r *Retriever) index(ctx context.Context, orgID int64) (*Index, error) {
	stamp, err := r.db.PassageStamp(ctx, orgID)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if c, ok := r.cache[orgID]; ok && c.stamp == stamp {
		c.used = time.Now()
		r.mu.Unlock()
		return c.ix, nil
	}
	r.mu.Unlock()
	// Build outside the lock: two requests may both build after a change,
	// which costs time but not correctness.
	ps, err := r.db.Passages(ctx, orgID)
	if err != nil {
		return nil, err
	}
	ix := NewIndex(ps)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.cache) >= r.maxOrgs {
		var oldest int64
		var t time.Time
		for id, c := range r.cache {
			if t.IsZero() || c.used.Before(t) {
				oldest, t = id, c.used
			}
		}
		delete(r.cache, oldest)
	}
	r.cache[orgID] = &cachedIndex{stamp: stamp, ix: ix, used: time.Now()}
	return ix, nil
}
