package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// AnalyticsFilter selects published and external posts for the analytics
// list (the conventions of PostFilter).
type AnalyticsFilter struct {
	OrgID     int64
	AccountID int64
	GoalID    int64 // Soroe's posts of the goal only (external posts have none)
	Network   soroe.Network
	From, To  time.Time // published at, From included, To excluded
	Limit     int
	Offset    int
}

// AnalyticsPost is one published target or external post with its latest
// numbers (nil Metrics when none are known yet).
type AnalyticsPost struct {
	External    bool           `json:"external"`
	ID          int64          `json:"id"` // the post's ID, or the external post's
	TargetID    int64          `json:"target_id,omitempty"`
	AccountID   int64          `json:"account_id"`
	Network     soroe.Network  `json:"network"`
	RemoteID    string         `json:"remote_id"`
	URL         string         `json:"url,omitempty"`
	Text        string         `json:"text"`
	Kind        string         `json:"kind,omitempty"`
	PublishedAt time.Time      `json:"published_at"`
	GoalID      int64          `json:"goal_id,omitempty"`
	AuthorID    int64          `json:"author_id,omitempty"`
	Metrics     *LatestMetrics `json:"-"`
}

// AnalyticsPosts lists an organization's published targets and external
// posts, newest first, with their latest numbers and the total matching.
func (db *DB) AnalyticsPosts(ctx context.Context, f AnalyticsFilter) ([]*AnalyticsPost, int, error) {
	base := `SELECT FALSE AS external, t.post_id AS id, t.id AS target_id, t.account_id, t.network, t.remote_id, t.url, t.text,
			'' AS kind, t.sent_at AS published_at, COALESCE(p.goal_id, 0) AS goal_id, p.author_id, l.id AS latest_id
		FROM post_targets t JOIN posts p ON p.id = t.post_id LEFT JOIN metric_latest l ON l.target_id = t.id
		WHERE t.org_id = $1 AND t.state = 'sent'
		UNION ALL
		SELECT TRUE, e.id, 0, e.account_id, e.network, e.remote_id, e.url, e.text, e.kind, e.published_at, 0, 0, l.id
		FROM external_posts e LEFT JOIN metric_latest l ON l.external_id = e.id
		WHERE e.org_id = $1`
	var where []string
	args := []any{f.OrgID}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.AccountID != 0 {
		where = append(where, "account_id = "+arg(f.AccountID))
	}
	if f.GoalID != 0 {
		where = append(where, "goal_id = "+arg(f.GoalID))
	}
	if f.Network != "" {
		where = append(where, "network = "+arg(string(f.Network)))
	}
	if !f.From.IsZero() {
		where = append(where, "published_at >= "+arg(ts(f.From)))
	}
	if !f.To.IsZero() {
		where = append(where, "published_at < "+arg(ts(f.To)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM ("+base+") x"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := "SELECT external, id, target_id, account_id, network, remote_id, url, text, kind, published_at, goal_id, author_id, latest_id FROM (" +
		base + ") x" + cond + " ORDER BY published_at DESC, target_id DESC, id DESC LIMIT " + arg(limit) + " OFFSET " + arg(max(f.Offset, 0))
	rows, err := db.r.QueryContext(ctx, q, args...)
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
			&p.Kind, &published, &p.GoalID, &p.AuthorID, &latest); err != nil {
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
