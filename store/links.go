package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// LinkSettings returns an organization's tracking settings, creating them
// (tracking on, a 30-day window, a fresh site key) the first time.
func (db *DB) LinkSettings(ctx context.Context, orgID int64) (*soroe.LinkSettings, error) {
	s, err := scanLinkSettings(db.r.QueryRowContext(ctx, "SELECT org_id, track, window_days, site_key FROM link_settings WHERE org_id = $1", orgID))
	if !errors.Is(err, soroe.ErrNotFound) {
		return s, err
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO link_settings (org_id, track, window_days, site_key) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id) DO NOTHING`, orgID, true, soroe.DefaultAttributionWindow, soroe.NewSiteKey()); err != nil {
		return nil, err
	}
	return scanLinkSettings(db.w.QueryRowContext(ctx, "SELECT org_id, track, window_days, site_key FROM link_settings WHERE org_id = $1", orgID))
}

// LinkSettingsBySiteKey finds the organization of a public site key.
func (db *DB) LinkSettingsBySiteKey(ctx context.Context, key string) (*soroe.LinkSettings, error) {
	return scanLinkSettings(db.r.QueryRowContext(ctx, "SELECT org_id, track, window_days, site_key FROM link_settings WHERE site_key = $1", key))
}

func scanLinkSettings(row *sql.Row) (*soroe.LinkSettings, error) {
	var s soroe.LinkSettings
	if err := row.Scan(&s.OrgID, &s.Track, &s.WindowDays, &s.SiteKey); err != nil {
		return nil, notFound(err)
	}
	return &s, nil
}

// SetLinkSettings changes whether links are tracked by default and the
// attribution window (the site key stays).
func (db *DB) SetLinkSettings(ctx context.Context, s *soroe.LinkSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if _, err := db.LinkSettings(ctx, s.OrgID); err != nil {
		return err
	}
	_, err := db.w.ExecContext(ctx, "UPDATE link_settings SET track = $1, window_days = $2 WHERE org_id = $3", s.Track, s.WindowDays, s.OrgID)
	return err
}

// SetPostTracking records a post's own choice of tracking its link.
func (db *DB) SetPostTracking(ctx context.Context, orgID, postID int64, track bool) error {
	if _, err := db.Post(ctx, orgID, postID); err != nil {
		return err
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO post_link_tracking (post_id, track) VALUES ($1, $2)
		ON CONFLICT (post_id) DO UPDATE SET track = excluded.track`, postID, track)
	return err
}

// PostTracking reports whether a post's link is tracked: its own choice,
// or else the organization's default.
func (db *DB) PostTracking(ctx context.Context, orgID, postID int64) (bool, error) {
	var track bool
	err := db.r.QueryRowContext(ctx, `SELECT t.track FROM post_link_tracking t JOIN posts p ON p.id = t.post_id
		WHERE t.post_id = $1 AND p.org_id = $2`, postID, orgID).Scan(&track)
	if err == nil {
		return track, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	s, err := db.LinkSettings(ctx, orgID)
	if err != nil {
		return false, err
	}
	return s.Track, nil
}

const linkCols = "id, org_id, post_id, target_id, network, goal_id, destination, code, created_at"

func scanLink(row interface{ Scan(...any) error }) (*soroe.Link, error) {
	var l soroe.Link
	var goal sql.NullInt64
	if err := row.Scan(&l.ID, &l.OrgID, &l.PostID, &l.TargetID, &l.Network, &goal, &l.Destination, &l.Code, &l.CreatedAt); err != nil {
		return nil, notFound(err)
	}
	if goal.Valid {
		l.GoalID = &goal.Int64
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return &l, nil
}

// EnsureLink returns the tracked link of a target, creating it with a new
// random code the first time: a retried publish gets the same code. l
// needs OrgID, PostID, TargetID, Network and Destination; the stored link
// is returned (its destination is the first one given).
func (db *DB) EnsureLink(ctx context.Context, l *soroe.Link) (*soroe.Link, error) {
	if got, err := scanLink(db.r.QueryRowContext(ctx, "SELECT "+linkCols+" FROM tracked_links WHERE target_id = $1", l.TargetID)); err == nil {
		return got, nil
	} else if !errors.Is(err, soroe.ErrNotFound) {
		return nil, err
	}
	for range 5 {
		_, err := db.w.ExecContext(ctx, `INSERT INTO tracked_links (org_id, post_id, target_id, network, goal_id, destination, code, created_at)
			SELECT $1, p.id, $3, $4, p.goal_id, $5, $6, $7 FROM posts p WHERE p.id = $2 AND p.org_id = $1
			ON CONFLICT (target_id) DO NOTHING`,
			l.OrgID, l.PostID, l.TargetID, string(l.Network), l.Destination, soroe.NewLinkCode(), db.Now())
		if err != nil && isUniqueViolation(err) {
			continue // the code was taken: draw another
		}
		if err != nil {
			return nil, err
		}
		return scanLink(db.w.QueryRowContext(ctx, "SELECT "+linkCols+" FROM tracked_links WHERE target_id = $1", l.TargetID))
	}
	return nil, errors.New("store: no free link code")
}

func isUniqueViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint") || strings.Contains(s, "SQLSTATE 23505")
}

// LinkByTarget returns a target's tracked link.
func (db *DB) LinkByTarget(ctx context.Context, targetID int64) (*soroe.Link, error) {
	return scanLink(db.r.QueryRowContext(ctx, "SELECT "+linkCols+" FROM tracked_links WHERE target_id = $1", targetID))
}

// LinkByCode finds a tracked link by its short code, of any organization.
func (db *DB) LinkByCode(ctx context.Context, code string) (*soroe.Link, error) {
	return scanLink(db.r.QueryRowContext(ctx, "SELECT "+linkCols+" FROM tracked_links WHERE code = $1", code))
}

// PostLinks returns a post's tracked links, one per target.
func (db *DB) PostLinks(ctx context.Context, orgID, postID int64) ([]*soroe.Link, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+linkCols+" FROM tracked_links WHERE org_id = $1 AND post_id = $2 ORDER BY id", orgID, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// RecordClicks writes a batch of clicks in one transaction. A click on a
// link deleted meanwhile (its post was) is dropped, not an error that would
// lose the batch; the organization is the link's.
func (db *DB) RecordClicks(ctx context.Context, clicks []soroe.Click) error {
	if len(clicks) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO link_clicks (link_id, org_id, at, referrer_host, ua_class)
			SELECT id, org_id, $2, $3, $4 FROM tracked_links WHERE id = $1`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, c := range clicks {
			if _, err := st.ExecContext(ctx, c.LinkID, ts(c.At), trunc(c.ReferrerHost, 255), trunc(c.UAClass, 20)); err != nil {
				return err
			}
		}
		return nil
	})
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// RecordConversion stores a conversion, attributed to the last click on
// its link (by code, or by utm_source and utm_content) within the
// organization's window, and fills in c. A conversion whose idempotency
// key was seen before adds nothing: c becomes the first one and created is
// false.
func (db *DB) RecordConversion(ctx context.Context, c *soroe.Conversion) (created bool, err error) {
	if err := c.Validate(); err != nil {
		return false, err
	}
	if c.IdempotencyKey != "" {
		if first, err := db.conversionByKey(ctx, c.OrgID, c.IdempotencyKey); err == nil {
			*c = *first
			return false, nil
		} else if !errors.Is(err, soroe.ErrNotFound) {
			return false, err
		}
	}
	now := db.Now()
	if c.At.IsZero() || c.At.After(now) {
		c.At = now
	}
	c.At, c.CreatedAt = ts(c.At), now
	if err := db.attribute(ctx, c); err != nil {
		return false, err
	}
	var key any
	if c.IdempotencyKey != "" {
		key = c.IdempotencyKey
	}
	err = db.w.QueryRowContext(ctx, `INSERT INTO conversions (org_id, event, value, at, link_id, post_id, goal_id, source, idempotency_key, attribution, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		c.OrgID, c.Event, c.Value, c.At, c.LinkID, c.PostID, c.GoalID, c.Source, key, c.Attribution, c.CreatedAt).Scan(&c.ID)
	if err != nil && c.IdempotencyKey != "" && isUniqueViolation(err) {
		// Another request with the same key won the race.
		first, ferr := db.conversionByKey(ctx, c.OrgID, c.IdempotencyKey)
		if ferr != nil {
			return false, ferr
		}
		*c = *first
		return false, nil
	}
	return err == nil, err
}

// attribute finds the link of a conversion and its last click before it.
func (db *DB) attribute(ctx context.Context, c *soroe.Conversion) error {
	c.LinkID, c.PostID, c.GoalID, c.Attribution = nil, nil, nil, "unattributed: no click code or UTM"
	var l *soroe.Link
	var err error
	switch {
	case c.Code != "":
		l, err = db.LinkByCode(ctx, c.Code)
	case c.UTMSource != "" && c.UTMContent != "":
		l, err = scanLink(db.r.QueryRowContext(ctx, "SELECT "+linkCols+` FROM tracked_links
			WHERE org_id = $1 AND network = $2 AND CAST(post_id AS TEXT) = $3 ORDER BY id LIMIT 1`, c.OrgID, c.UTMSource, c.UTMContent))
	default:
		return nil
	}
	if errors.Is(err, soroe.ErrNotFound) || (err == nil && l.OrgID != c.OrgID) {
		c.Attribution = "unattributed: unknown link"
		return nil
	}
	if err != nil {
		return err
	}
	s, err := db.LinkSettings(ctx, c.OrgID)
	if err != nil {
		return err
	}
	var last time.Time
	err = db.r.QueryRowContext(ctx, "SELECT at FROM link_clicks WHERE link_id = $1 AND at <= $2 AND at >= $3 ORDER BY at DESC LIMIT 1",
		l.ID, c.At, c.At.Add(-time.Duration(s.WindowDays)*24*time.Hour)).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err != nil {
		c.Attribution = fmt.Sprintf("unattributed: no click on %s within %d days", l.Code, s.WindowDays)
		return nil
	}
	c.LinkID, c.PostID, c.GoalID = &l.ID, &l.PostID, l.GoalID
	c.Attribution = fmt.Sprintf("last click %s on %s (%s), window %d days", last.UTC().Format(time.RFC3339), l.Code, l.Network, s.WindowDays)
	return nil
}

const conversionCols = "id, org_id, event, value, at, link_id, post_id, goal_id, source, COALESCE(idempotency_key, ''), attribution, created_at"

func scanConversion(row interface{ Scan(...any) error }) (*soroe.Conversion, error) {
	var c soroe.Conversion
	var value sql.NullFloat64
	var link, post, goal sql.NullInt64
	if err := row.Scan(&c.ID, &c.OrgID, &c.Event, &value, &c.At, &link, &post, &goal, &c.Source, &c.IdempotencyKey, &c.Attribution, &c.CreatedAt); err != nil {
		return nil, notFound(err)
	}
	if value.Valid {
		c.Value = &value.Float64
	}
	c.LinkID, c.PostID, c.GoalID = nullInt(link), nullInt(post), nullInt(goal)
	c.At, c.CreatedAt = c.At.UTC(), c.CreatedAt.UTC()
	return &c, nil
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func (db *DB) conversionByKey(ctx context.Context, orgID int64, key string) (*soroe.Conversion, error) {
	return scanConversion(db.w.QueryRowContext(ctx, "SELECT "+conversionCols+" FROM conversions WHERE org_id = $1 AND idempotency_key = $2", orgID, key))
}

// Conversions lists an organization's conversions in [from, to), newest
// first, at most limit.
func (db *DB) Conversions(ctx context.Context, orgID int64, from, to time.Time, limit int) ([]*soroe.Conversion, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+conversionCols+" FROM conversions WHERE org_id = $1 AND at >= $2 AND at < $3 ORDER BY at DESC, id DESC LIMIT $4",
		orgID, ts(from), ts(to), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Conversion
	for rows.Next() {
		c, err := scanConversion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LinkFilter narrows click and conversion counts. Zero fields match all.
type LinkFilter struct {
	PostIDs []int64
	GoalID  int64
	Network soroe.Network // clicks only
	Event   string        // conversions only
	// Attributed keeps only conversions credited to a post.
	Attributed bool
}

// DayCount is one local day's count (and, for conversions, the sum of
// their values).
type DayCount struct {
	Day   soroe.Date `json:"day"`
	Count int64      `json:"count"`
	Value float64    `json:"value,omitempty"`
}

func (f LinkFilter) where(args []any, postCol, goalCol string) (string, []any) {
	var b strings.Builder
	if len(f.PostIDs) > 0 {
		b.WriteString(" AND " + postCol + " IN (")
		for i, id := range f.PostIDs {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, id)
			fmt.Fprintf(&b, "$%d", len(args))
		}
		b.WriteString(")")
	}
	if f.GoalID != 0 {
		args = append(args, f.GoalID)
		fmt.Fprintf(&b, " AND %s = $%d", goalCol, len(args))
	}
	return b.String(), args
}

// ClicksByDay counts human clicks in [from, to) per day in zone, for the
// days that have some, in order.
func (db *DB) ClicksByDay(ctx context.Context, orgID int64, from, to time.Time, zone *time.Location, f LinkFilter) ([]DayCount, error) {
	args := []any{orgID, ts(from), ts(to)}
	w, args := f.where(args, "l.post_id", "l.goal_id")
	if f.Network != "" {
		args = append(args, string(f.Network))
		w += fmt.Sprintf(" AND l.network = $%d", len(args))
	}
	rows, err := db.r.QueryContext(ctx, `SELECT c.at, 0 FROM link_clicks c JOIN tracked_links l ON l.id = c.link_id
		WHERE c.org_id = $1 AND c.at >= $2 AND c.at < $3`+w+" ORDER BY c.at", args...)
	if err != nil {
		return nil, err
	}
	return byDay(rows, zone)
}

// ConversionsByDay counts conversions in [from, to) per day in zone (and
// sums their values), for the days that have some, in order. Unattributed
// conversions count unless the filter names posts, a goal or Attributed.
func (db *DB) ConversionsByDay(ctx context.Context, orgID int64, from, to time.Time, zone *time.Location, f LinkFilter) ([]DayCount, error) {
	args := []any{orgID, ts(from), ts(to)}
	w, args := f.where(args, "post_id", "goal_id")
	if f.Event != "" {
		args = append(args, f.Event)
		w += fmt.Sprintf(" AND event = $%d", len(args))
	}
	if f.Attributed {
		w += " AND post_id IS NOT NULL"
	}
	rows, err := db.r.QueryContext(ctx, "SELECT at, COALESCE(value, 0) FROM conversions WHERE org_id = $1 AND at >= $2 AND at < $3"+w+" ORDER BY at", args...)
	if err != nil {
		return nil, err
	}
	return byDay(rows, zone)
}

func byDay(rows *sql.Rows, zone *time.Location) ([]DayCount, error) {
	defer rows.Close()
	if zone == nil {
		zone = time.UTC
	}
	var out []DayCount
	for rows.Next() {
		var at time.Time
		var v float64
		if err := rows.Scan(&at, &v); err != nil {
			return nil, err
		}
		d := soroe.DateOf(at, zone)
		if n := len(out); n > 0 && out[n-1].Day == d {
			out[n-1].Count++
			out[n-1].Value += v
			continue
		}
		out = append(out, DayCount{Day: d, Count: 1, Value: v})
	}
	return out, rows.Err()
}

// PostOutcome is a post's total clicks and attributed conversions.
type PostOutcome struct {
	Clicks      int64            `json:"clicks"`
	Conversions map[string]int64 `json:"conversions"` // by event
}

// PostOutcomes totals the clicks and attributed conversions of posts
// (all of the organization's when postIDs is empty).
func (db *DB) PostOutcomes(ctx context.Context, orgID int64, postIDs ...int64) (map[int64]*PostOutcome, error) {
	out := map[int64]*PostOutcome{}
	get := func(id int64) *PostOutcome {
		if out[id] == nil {
			out[id] = &PostOutcome{Conversions: map[string]int64{}}
		}
		return out[id]
	}
	f := LinkFilter{PostIDs: postIDs}
	w, args := f.where([]any{orgID}, "l.post_id", "l.goal_id")
	rows, err := db.r.QueryContext(ctx, `SELECT l.post_id, COUNT(*) FROM link_clicks c JOIN tracked_links l ON l.id = c.link_id
		WHERE c.org_id = $1`+w+" GROUP BY l.post_id", args...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		get(id).Clicks = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	w, args = f.where([]any{orgID}, "post_id", "goal_id")
	rows, err = db.r.QueryContext(ctx, `SELECT post_id, event, COUNT(*) FROM conversions WHERE org_id = $1 AND post_id IS NOT NULL`+w+" GROUP BY post_id, event", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		var ev string
		if err := rows.Scan(&id, &ev, &n); err != nil {
			return nil, err
		}
		get(id).Conversions[ev] = n
	}
	return out, rows.Err()
}
