package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// AnalyticsFilter selects posts of the shared post history (投稿履歴):
// published targets, posts recorded by hand, external posts and, when
// asked, targets unconfirmed or failed. Zero fields select everything; the
// rows' IDs are checked by the caller only as far as they narrow the list
// (another organization's goal selects nothing).
type AnalyticsFilter struct {
	OrgID     int64
	AccountID int64
	GoalID    int64 // Soroe's posts of the goal only (external posts have none)
	// TemplateID selects the posts of a 型, TemplateVersion (with it) those
	// of one of its versions.
	TemplateID      int64
	TemplateVersion int
	AuthorID        int64 // the member who wrote the post
	Network         soroe.Network
	From, To        time.Time // published at, From included, To excluded
	// FromDay and ToDay bound the publish day in the organization's zone
	// (both included), on top of From and To.
	FromDay, ToDay soroe.Date
	// States are history states (HistoryPublished, …); none selects what is
	// out on a network: published, manual and external.
	States []string
	// Query is a full-text search: every space-separated term must occur in
	// the posted text (Japanese needs no spaces: 「採用」 finds
	// 「新卒採用の説明会」).
	Query              string
	MinScore, MaxScore *int64 // the reaction score's range, both included
	// Sort is a key of HistorySorts (default: published time); rows without
	// the figure come last. Descending unless Asc.
	Sort   string
	Asc    bool
	Limit  int
	Offset int
	// NoTotal skips counting every matching row (the total is then 0):
	// for readers that only page through.
	NoTotal bool
}

// AnalyticsPost is one published target or external post with its latest
// numbers (nil Metrics when none are known yet).
type AnalyticsPost struct {
	External        bool           `json:"external"`
	ID              int64          `json:"id"` // the post's ID, or the external post's
	TargetID        int64          `json:"target_id,omitempty"`
	AccountID       int64          `json:"account_id"`
	Network         soroe.Network  `json:"network"`
	RemoteID        string         `json:"remote_id"`
	URL             string         `json:"url,omitempty"`
	Text            string         `json:"text"`
	Kind            string         `json:"kind,omitempty"`
	PublishedAt     time.Time      `json:"published_at"`
	GoalID          int64          `json:"goal_id,omitempty"`
	TemplateID      int64          `json:"template_id,omitempty"`
	TemplateVersion int            `json:"template_version,omitempty"`
	AuthorID        int64          `json:"author_id,omitempty"`
	State           string         `json:"state"`
	Comments        int            `json:"comments"`
	Metrics         *LatestMetrics `json:"-"`
}

// AnalyticsPosts lists the posts of the organization's history that f
// selects, in f's order (newest first by default), with their latest
// numbers and the total matching.
func (db *DB) AnalyticsPosts(ctx context.Context, f AnalyticsFilter) ([]*AnalyticsPost, int, error) {
	q, err := buildHistory(db.Engine, f, db.orgLocation(ctx, f.OrgID))
	if err != nil {
		return nil, 0, err
	}
	if q.base == "" {
		return nil, 0, nil
	}
	var total int
	if !f.NoTotal {
		if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+q.base+") x"+q.cond, q.args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	sel := "SELECT external, id, target_id, account_id, network, remote_id, url, text, kind, published_at, goal_id, template_id, template_ver, author_id, state, comments, latest_id FROM (" +
		q.base + ") x" + q.cond + historyOrder(f)
	sel += " LIMIT " + q.arg(limit) + " OFFSET " + q.arg(max(f.Offset, 0))
	rows, err := db.r.QueryContext(ctx, sel, q.args...)
	if err != nil {
		return nil, 0, err
	}
	var out []*AnalyticsPost
	var latestIDs []int64
	for rows.Next() {
		var p AnalyticsPost
		var latest sql.NullInt64
		var published sqlTime
		if err := rows.Scan(&p.External, &p.ID, &p.TargetID, &p.AccountID, &p.Network, &p.RemoteID, &p.URL, &p.Text,
			&p.Kind, &published, &p.GoalID, &p.TemplateID, &p.TemplateVersion, &p.AuthorID, &p.State, &p.Comments, &latest); err != nil {
			rows.Close()
			return nil, 0, err
		}
		p.PublishedAt = published.t
		out = append(out, &p)
		latestIDs = append(latestIDs, latest.Int64)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	byID, err := db.latestByIDs(ctx, latestIDs)
	if err != nil {
		return nil, 0, err
	}
	for i, p := range out {
		if l := byID[latestIDs[i]]; l != nil {
			p.Metrics = l
			if p.Kind == "" {
				p.Kind = l.Kind
			}
		}
	}
	return out, total, nil
}

// latestByIDs reads metric_latest rows by ID (0s skipped).
func (db *DB) latestByIDs(ctx context.Context, ids []int64) (map[int64]*LatestMetrics, error) {
	out := map[int64]*LatestMetrics{}
	var want []string
	for _, id := range ids {
		if id != 0 {
			want = append(want, fmt.Sprint(id))
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	rows, err := db.r.QueryContext(ctx, "SELECT "+latestCols+", score_version, score_detail FROM metric_latest WHERE id IN ("+strings.Join(want, ",")+")")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		l, err := scanLatestMetrics(scanHead{rows, &id})
		if err != nil {
			return nil, err
		}
		out[id] = l
	}
	return out, rows.Err()
}

// scanHead copies the first column (the row's ID) into id as well.
type scanHead struct {
	row interface{ Scan(...any) error }
	id  *int64
}

func (s scanHead) Scan(dest ...any) error {
	if err := s.row.Scan(dest...); err != nil {
		return err
	}
	if p, ok := dest[0].(*int64); ok {
		*s.id = *p
	}
	return nil
}

// ExternalPostOf returns one external post of an organization.
func (db *DB) ExternalPostOf(ctx context.Context, orgID, id int64) (*soroe.ExternalPost, error) {
	var e soroe.ExternalPost
	err := db.r.QueryRowContext(ctx, `SELECT id, org_id, account_id, network, remote_id, url, text, kind, published_at, created_at
		FROM external_posts WHERE id = $1 AND org_id = $2`, id, orgID).
		Scan(&e.ID, &e.OrgID, &e.AccountID, &e.Network, &e.RemoteID, &e.URL, &e.Text, &e.Kind, &e.PublishedAt, &e.CreatedAt)
	if err != nil {
		return nil, notFound(err)
	}
	e.PublishedAt, e.CreatedAt = e.PublishedAt.UTC(), e.CreatedAt.UTC()
	return &e, nil
}

// LatestOfExternal returns an external post's latest numbers (nil when
// none).
func (db *DB) LatestOfExternal(ctx context.Context, orgID, externalID int64) (*LatestMetrics, error) {
	l, err := scanLatestMetrics(db.r.QueryRowContext(ctx, "SELECT "+latestCols+", score_version, score_detail FROM metric_latest WHERE external_id = $1 AND org_id = $2", externalID, orgID))
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return l, err
}
