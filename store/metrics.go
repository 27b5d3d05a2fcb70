package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// The metric columns of metric_snapshots, metric_latest and metric_daily,
// in soroe.PostMetrics order: the vocabulary's names are the columns'.
var metricCols = func() string {
	names := make([]string, len(soroe.PostMetrics))
	for i, m := range soroe.PostMetrics {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}()

const nMetrics = 15

func init() {
	if len(soroe.PostMetrics) != nMetrics {
		panic("store: metric columns out of step with soroe.PostMetrics")
	}
}

func metricIndex(m soroe.PostMetric) int { return slices.Index(soroe.PostMetrics, m) }

// values is one post's metrics: a value or nil per vocabulary metric, and
// the reasons of those not available.
type values struct {
	v      [nMetrics]*int64
	reason [nMetrics]string
}

// encodeUnavailable writes the reasons as "metric=reason,…".
func (x *values) encodeUnavailable() string {
	var parts []string
	for i, r := range x.reason {
		if r != "" {
			parts = append(parts, string(soroe.PostMetrics[i])+"="+r)
		}
	}
	return strings.Join(parts, ",")
}

func (x *values) decodeUnavailable(s string) {
	for _, p := range strings.Split(s, ",") {
		m, r, ok := strings.Cut(p, "=")
		if i := metricIndex(soroe.PostMetric(m)); ok && i >= 0 {
			x.reason[i] = r
		}
	}
}

func (x *values) scanDest() []any {
	d := make([]any, nMetrics)
	for i := range x.v {
		d[i] = &x.v[i]
	}
	return d
}

func (x *values) args() []any {
	a := make([]any, nMetrics)
	for i, p := range x.v {
		if p != nil {
			a[i] = *p
		}
	}
	return a
}

// merge applies readings to x (a later snapshot over the latest values) and
// reports whether anything changed. A reading of an unknown metric is an
// error.
func (x *values) merge(rs []soroe.Reading) (changed bool, err error) {
	for _, r := range rs {
		i := metricIndex(r.Metric)
		if i < 0 {
			return false, fmt.Errorf("store: unknown metric %q", r.Metric)
		}
		if r.Value != nil {
			if *r.Value < 0 {
				return false, soroe.Invalid(string(r.Metric), "negative")
			}
			if x.v[i] == nil || *x.v[i] != *r.Value || x.reason[i] != "" {
				v := *r.Value
				x.v[i], x.reason[i], changed = &v, "", true
			}
			continue
		}
		reason := r.Unavailable
		if reason == "" {
			reason = soroe.UnavailableNotGiven
		}
		if x.v[i] != nil || x.reason[i] != reason {
			x.v[i], x.reason[i], changed = nil, reason, true
		}
	}
	return changed, nil
}

// derived is what rollups and scores use of a post's values: its exposure
// (impressions, else views, else reach: the denominator of engagement rates)
// and its engagement (the network's engagements, else the documented sum
// of soroe.EngagementParts).
func (x *values) derived() (exposure *int64, kind string, engagement *int64) {
	for _, m := range []soroe.PostMetric{soroe.PostImpressions, soroe.PostViews, soroe.PostReach} {
		if v := x.v[metricIndex(m)]; v != nil {
			exposure, kind = v, string(m)
			break
		}
	}
	if v := x.v[metricIndex(soroe.PostEngagements)]; v != nil {
		return exposure, kind, v
	}
	var sum int64
	any := false
	for _, m := range soroe.EngagementParts {
		if v := x.v[metricIndex(m)]; v != nil {
			sum += *v
			any = true
		}
	}
	if any {
		engagement = &sum
	}
	return exposure, kind, engagement
}

// readings lists x as readings (available values and reasons).
func (x *values) readings() []soroe.Reading {
	var out []soroe.Reading
	for i, m := range soroe.PostMetrics {
		switch {
		case x.v[i] != nil:
			v := *x.v[i]
			out = append(out, soroe.Reading{Metric: m, Value: &v})
		case x.reason[i] != "":
			out = append(out, soroe.Reading{Metric: m, Unavailable: x.reason[i]})
		}
	}
	return out
}

// ---- Rollups ----

// Rollup dimensions of metric_daily.
const (
	DimOrg      = "org"
	DimAccount  = "account"
	DimGoal     = "goal"
	DimTemplate = "template" // dim_ver is the 型's version
	DimMember   = "member"
)

// The rollup columns after the metric columns.
const (
	rPosts = nMetrics + iota
	rExposure
	rEngagement
	rScored
	rScoreSum
	nRollup
)

var rollupCols = "posts, " + metricCols + ", exposure, engagement, scored, score_sum"

// rollupOrder lists the vector's columns in rollupCols order.
var rollupOrder = func() []int {
	o := []int{rPosts}
	for i := range nMetrics {
		o = append(o, i)
	}
	return append(o, rExposure, rEngagement, rScored, rScoreSum)
}()

type rollupKey struct {
	dim string
	id  int64
	ver int
	day string
	org int64
}

// rollups gathers deltas within one transaction and writes each key once.
type rollups map[rollupKey]*[nRollup]int64

func (r rollups) add(s *subjectState, vec [nRollup]int64) {
	for _, k := range s.dims() {
		acc := r[k]
		if acc == nil {
			acc = new([nRollup]int64)
			r[k] = acc
		}
		for i, v := range vec {
			acc[i] += v
		}
	}
}

func (r rollups) flush(ctx context.Context, tx *sql.Tx) error {
	if len(r) == 0 {
		return nil
	}
	keys := make([]rollupKey, 0, len(r))
	for k := range r {
		keys = append(keys, k)
	}
	// A fixed order keeps two writers on PostgreSQL from deadlocking.
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.dim != b.dim {
			return a.dim < b.dim
		}
		if a.id != b.id {
			return a.id < b.id
		}
		if a.ver != b.ver {
			return a.ver < b.ver
		}
		return a.day < b.day
	})
	cols := strings.Split(rollupCols, ", ")
	var set strings.Builder
	ph := make([]string, len(cols))
	for i, c := range cols {
		if i > 0 {
			set.WriteString(", ")
		}
		fmt.Fprintf(&set, "%s = metric_daily.%s + excluded.%s", c, c, c)
		ph[i] = fmt.Sprintf("$%d", i+6)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO metric_daily (org_id, dim, dim_id, dim_ver, day, `+rollupCols+`)
		VALUES ($1, $2, $3, $4, $5, `+strings.Join(ph, ", ")+`)
		ON CONFLICT (org_id, dim, dim_id, dim_ver, day) DO UPDATE SET `+set.String())
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, k := range keys {
		vec := r[k]
		zero := true
		args := []any{k.org, k.dim, k.id, k.ver, k.day}
		for _, i := range rollupOrder {
			args = append(args, vec[i])
			zero = zero && vec[i] == 0
		}
		if zero {
			continue
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	clear(r)
	return nil
}

// ---- Subjects ----

// subjectState is one post's metric_latest row.
type subjectState struct {
	latestID    int64
	orgID       int64
	subject     soroe.Subject
	postID      int64
	accountID   int64
	network     soroe.Network
	goalID      int64
	templateID  int64
	templateVer int
	authorID    int64
	kind        string
	publishedAt time.Time
	day         string
	values
	score *int64
}

func (s *subjectState) dims() []rollupKey {
	k := []rollupKey{
		{dim: DimOrg, day: s.day, org: s.orgID},
		{dim: DimAccount, id: s.accountID, day: s.day, org: s.orgID},
	}
	if s.goalID > 0 {
		k = append(k, rollupKey{dim: DimGoal, id: s.goalID, day: s.day, org: s.orgID})
	}
	if s.templateID > 0 {
		k = append(k, rollupKey{dim: DimTemplate, id: s.templateID, ver: s.templateVer, day: s.day, org: s.orgID})
	}
	if s.authorID > 0 {
		k = append(k, rollupKey{dim: DimMember, id: s.authorID, day: s.day, org: s.orgID})
	}
	return k
}

// vector is the subject's contribution to its rollups.
func (s *subjectState) vector() [nRollup]int64 {
	var vec [nRollup]int64
	vec[rPosts] = 1
	for i, p := range s.v {
		if p != nil {
			vec[i] = *p
		}
	}
	exp, _, eng := s.derived()
	if exp != nil {
		vec[rExposure] = *exp
	}
	if eng != nil {
		vec[rEngagement] = *eng
	}
	if s.score != nil {
		vec[rScored], vec[rScoreSum] = 1, *s.score
	}
	return vec
}

func sub(a, b [nRollup]int64) [nRollup]int64 {
	for i := range a {
		a[i] -= b[i]
	}
	return a
}

var latestCols = "id, org_id, target_id, external_id, post_id, account_id, network, goal_id, template_id, template_ver, author_id, kind, published_at, day, unavailable, score, " + metricCols

func scanLatest(row interface{ Scan(...any) error }) (*subjectState, error) {
	var s subjectState
	var target, external, post, score sql.NullInt64
	var unavailable string
	dest := append([]any{&s.latestID, &s.orgID, &target, &external, &post, &s.accountID, &s.network, &s.goalID,
		&s.templateID, &s.templateVer, &s.authorID, &s.kind, &s.publishedAt, &s.day, &unavailable, &score}, s.scanDest()...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	s.subject = soroe.Subject{TargetID: target.Int64, ExternalID: external.Int64}
	s.postID = post.Int64
	s.publishedAt = s.publishedAt.UTC()
	s.decodeUnavailable(unavailable)
	if score.Valid {
		s.score = &score.Int64
	}
	return &s, nil
}

// subjectFor reads a subject's latest row, or builds a new one from the
// post target or external post (latestID 0). A subject of another
// organization is not found.
func subjectFor(ctx context.Context, q querier, orgID int64, subj soroe.Subject, loc *time.Location) (*subjectState, error) {
	var row *sql.Row
	switch {
	case subj.TargetID > 0 && subj.ExternalID == 0:
		row = q.QueryRowContext(ctx, "SELECT "+latestCols+" FROM metric_latest WHERE target_id = $1", subj.TargetID)
	case subj.ExternalID > 0 && subj.TargetID == 0:
		row = q.QueryRowContext(ctx, "SELECT "+latestCols+" FROM metric_latest WHERE external_id = $1", subj.ExternalID)
	default:
		return nil, soroe.Invalid("subject", "one_of_target_or_external")
	}
	s, err := scanLatest(row)
	if err == nil {
		if s.orgID != orgID {
			return nil, soroe.ErrNotFound
		}
		return s, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	s = &subjectState{orgID: orgID, subject: subj}
	if subj.TargetID > 0 {
		var goal, tpl sql.NullInt64
		var sent sql.NullTime
		var media int
		err = q.QueryRowContext(ctx, `SELECT t.post_id, t.account_id, t.network, p.goal_id, p.template_id, p.template_version, p.author_id,
				t.sent_at, (SELECT COUNT(*) FROM post_media m WHERE m.post_id = p.id AND m.content_type LIKE 'video/%')
			FROM post_targets t JOIN posts p ON p.id = t.post_id
			WHERE t.id = $1 AND t.org_id = $2`, subj.TargetID, orgID).
			Scan(&s.postID, &s.accountID, &s.network, &goal, &tpl, &s.templateVer, &s.authorID, &sent, &media)
		if err != nil {
			return nil, notFound(err)
		}
		if !sent.Valid {
			return nil, soroe.Invalid("target", "not_published")
		}
		s.goalID, s.templateID, s.publishedAt = goal.Int64, tpl.Int64, sent.Time.UTC()
		s.kind, err = targetKind(ctx, q, s.postID)
		if err != nil {
			return nil, err
		}
	} else {
		err = q.QueryRowContext(ctx, `SELECT account_id, network, kind, published_at FROM external_posts WHERE id = $1 AND org_id = $2`,
			subj.ExternalID, orgID).Scan(&s.accountID, &s.network, &s.kind, &s.publishedAt)
		if err != nil {
			return nil, notFound(err)
		}
		s.publishedAt = s.publishedAt.UTC()
	}
	s.day = string(soroe.DateOf(s.publishedAt, loc))
	return s, nil
}

// targetKind is a Soroe post's type for comparisons: video, image or text,
// from its media.
func targetKind(ctx context.Context, q querier, postID int64) (string, error) {
	var video, image int
	err := q.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(CASE WHEN content_type LIKE 'video/%' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN content_type LIKE 'image/%' THEN 1 ELSE 0 END), 0)
		FROM post_media WHERE post_id = $1`, postID).Scan(&video, &image)
	switch {
	case err != nil:
		return "", err
	case video > 0:
		return "video", nil
	case image > 0:
		return "image", nil
	}
	return "text", nil
}

// ---- Recording ----

// MetricInput is one reading of one post's numbers to record.
type MetricInput struct {
	Subject      soroe.Subject
	Readings     []soroe.Reading
	CapturedAt   time.Time // defaults to now
	Source       string    // soroe.SourceAPI, SourceCSV or SourceManual
	SourceDetail string
	importID     int64
}

// recorder writes snapshots, the latest values and their rollups inside one
// transaction.
type recorder struct {
	tx       *sql.Tx
	org      *soroe.Org
	loc      *time.Location
	now      time.Time
	roll     rollups
	snapStmt *sql.Stmt
	added    int
	replay   bool // rebuilding from snapshots: write no new ones
	// deferred gathers new rows for flushPending (imports).
	deferred   bool
	engine     Engine
	snapRows   []any
	latestRows []any
}

func newRecorder(ctx context.Context, tx *sql.Tx, engine Engine, orgID int64, now time.Time) (*recorder, error) {
	org, err := scanOrg(tx.QueryRowContext(ctx, "SELECT "+orgCols+" FROM orgs o WHERE o.id = $1", orgID))
	if err != nil {
		return nil, err
	}
	cols := "org_id, target_id, external_id, captured_at, source, source_detail, import_id, unavailable, " + metricCols
	ph := make([]string, 8+nMetrics)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	st, err := tx.PrepareContext(ctx, "INSERT INTO metric_snapshots ("+cols+") VALUES ("+strings.Join(ph, ", ")+")")
	if err != nil {
		return nil, err
	}
	return &recorder{tx: tx, org: org, loc: org.Location(), now: now, roll: rollups{}, snapStmt: st, engine: engine}, nil
}

func (r *recorder) close(ctx context.Context) error {
	r.snapStmt.Close()
	if err := r.flushPending(ctx); err != nil {
		return err
	}
	return r.roll.flush(ctx, r.tx)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// record applies one input: a snapshot when it changes anything, the latest
// row and the rollups' deltas. It reports whether a snapshot was added.
func (r *recorder) record(ctx context.Context, in MetricInput) (bool, error) {
	s, err := subjectFor(ctx, r.tx, r.org.ID, in.Subject, r.loc)
	if err != nil {
		return false, err
	}
	return r.apply(ctx, s, in)
}

const (
	snapCols   = "org_id, target_id, external_id, captured_at, source, source_detail, import_id, unavailable, "
	latestIns  = "org_id, target_id, external_id, post_id, account_id, network, goal_id, template_id, template_ver, author_id, kind, published_at, day, unavailable, exposure, exposure_kind, engagement, captured_at, "
	nSnapCols  = 8 + nMetrics
	nLatestIns = 18 + nMetrics
)

// apply records one input on a subject's state s (its latest row, or a
// new one): a snapshot when it changes anything, the latest row and the
// rollups' deltas. It reports whether a snapshot was added. With
// r.deferred, new rows are gathered and written many to a statement by
// flushPending (the import path); s must then not be applied to again
// before the flush.
func (r *recorder) apply(ctx context.Context, s *subjectState, in MetricInput) (bool, error) {
	switch in.Source {
	case soroe.SourceAPI, soroe.SourceCSV, soroe.SourceManual:
	default:
		return false, soroe.Invalid("source", "unknown_source")
	}
	before := s.vector()
	isNew := s.latestID == 0
	if isNew {
		before = [nRollup]int64{}
	}
	var snap values
	if _, err := snap.merge(in.Readings); err != nil {
		return false, err
	}
	changed, err := s.merge(in.Readings)
	if err != nil {
		return false, err
	}
	if !changed && !isNew {
		return false, nil
	}
	at := in.CapturedAt
	if at.IsZero() {
		at = r.now
	}
	at = ts(at)
	if !r.replay {
		args := append([]any{r.org.ID, nullID(in.Subject.TargetID), nullID(in.Subject.ExternalID), at, in.Source,
			in.SourceDetail, nullID(in.importID), snap.encodeUnavailable()}, snap.args()...)
		if r.deferred {
			r.snapRows = append(r.snapRows, args...)
		} else if _, err := r.snapStmt.ExecContext(ctx, args...); err != nil {
			return false, err
		}
	}
	exp, kind, eng := s.derived()
	if isNew {
		args := append([]any{s.orgID, nullID(s.subject.TargetID), nullID(s.subject.ExternalID), nullID(s.postID), s.accountID,
			s.network, s.goalID, s.templateID, s.templateVer, s.authorID, s.kind, s.publishedAt, s.day,
			s.encodeUnavailable(), ptrArg(exp), kind, ptrArg(eng), at}, s.args()...)
		if r.deferred {
			r.latestRows = append(r.latestRows, args...)
		} else if _, err := r.tx.ExecContext(ctx, "INSERT INTO metric_latest ("+latestIns+metricCols+") VALUES "+valuesList(r.engine, 1, nLatestIns), args...); err != nil {
			return false, err
		}
	} else {
		var set strings.Builder
		for i, m := range soroe.PostMetrics {
			fmt.Fprintf(&set, ", %s = $%d", m, i+7)
		}
		args := append([]any{s.latestID, s.encodeUnavailable(), ptrArg(exp), kind, ptrArg(eng), at}, s.args()...)
		if _, err := r.tx.ExecContext(ctx, `UPDATE metric_latest SET unavailable = $2, exposure = $3, exposure_kind = $4,
			engagement = $5, captured_at = $6, scored_at = NULL`+set.String()+" WHERE id = $1", args...); err != nil {
			return false, err
		}
	}
	r.roll.add(s, sub(s.vector(), before))
	r.added++
	return true, nil
}

// valuesList writes rows groups of n placeholders: ($1, …, $n), ($n+1, …)
// on PostgreSQL, (?, …) on SQLite, whose parser looks each numbered
// parameter up among those before it (quadratic in a statement of
// thousands).
func valuesList(e Engine, rows, n int) string {
	var b strings.Builder
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range n {
			if j > 0 {
				b.WriteString(", ")
			}
			if e == SQLite {
				b.WriteByte('?')
				continue
			}
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(i*n + j + 1))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// ph is the n-th placeholder on the recorder's engine (SQLite's plain ?
// counts by position).
func (r *recorder) ph(n int) string {
	if r.engine == SQLite {
		return "?"
	}
	return "$" + strconv.Itoa(n)
}

// flushPending writes the gathered snapshots and new latest rows.
func (r *recorder) flushPending(ctx context.Context) error {
	if n := len(r.snapRows) / nSnapCols; n > 0 {
		if _, err := r.tx.ExecContext(ctx, "INSERT INTO metric_snapshots ("+snapCols+metricCols+") VALUES "+valuesList(r.engine, n, nSnapCols), r.snapRows...); err != nil {
			return err
		}
	}
	if n := len(r.latestRows) / nLatestIns; n > 0 {
		if _, err := r.tx.ExecContext(ctx, "INSERT INTO metric_latest ("+latestIns+metricCols+") VALUES "+valuesList(r.engine, n, nLatestIns), r.latestRows...); err != nil {
			return err
		}
	}
	r.snapRows, r.latestRows = r.snapRows[:0], r.latestRows[:0]
	return nil
}

func ptrArg(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// RecordMetrics records readings of an organization's posts in one
// transaction and returns how many snapshots it added: a reading that
// changes nothing of a post's latest values adds none, so the same numbers
// arriving twice (an API pull and an import, or one file imported again)
// are never counted twice.
func (db *DB) RecordMetrics(ctx context.Context, orgID int64, in []MetricInput) (added int, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		rec, err := newRecorder(ctx, tx, db.Engine, orgID, db.Now())
		if err != nil {
			return err
		}
		for _, m := range in {
			if _, err := rec.record(ctx, m); err != nil {
				return err
			}
		}
		added = rec.added
		return rec.close(ctx)
	})
	return added, err
}

// ---- Reading ----

// LatestMetrics is a post's latest numbers as dashboards read them.
type LatestMetrics struct {
	Subject      soroe.Subject   `json:"subject"`
	PostID       int64           `json:"post_id,omitempty"`
	AccountID    int64           `json:"account_id"`
	Network      soroe.Network   `json:"network"`
	GoalID       int64           `json:"goal_id,omitempty"`
	TemplateID   int64           `json:"template_id,omitempty"`
	AuthorID     int64           `json:"author_id,omitempty"`
	Kind         string          `json:"kind,omitempty"`
	PublishedAt  time.Time       `json:"published_at"`
	Day          string          `json:"day"`
	Readings     []soroe.Reading `json:"readings"`
	Exposure     *int64          `json:"exposure"`
	ExposureKind string          `json:"exposure_kind,omitempty"`
	Engagement   *int64          `json:"engagement"`
	Score        *int64          `json:"score"`
	ScoreVersion int             `json:"score_version,omitempty"`
	ScoreDetail  string          `json:"-"`
}

// Value returns a metric's latest value and whether it is available.
func (l *LatestMetrics) Value(m soroe.PostMetric) (int64, bool) {
	for _, r := range l.Readings {
		if r.Metric == m && r.Value != nil {
			return *r.Value, true
		}
	}
	return 0, false
}

func (s *subjectState) latest() *LatestMetrics {
	exp, kind, eng := s.derived()
	return &LatestMetrics{Subject: s.subject, PostID: s.postID, AccountID: s.accountID, Network: s.network,
		GoalID: s.goalID, TemplateID: s.templateID, AuthorID: s.authorID, Kind: s.kind,
		PublishedAt: s.publishedAt, Day: s.day, Readings: s.readings(), Exposure: exp, ExposureKind: kind,
		Engagement: eng, Score: s.score}
}

// PostLatestMetrics returns the latest numbers of each sent target of a
// post that has any.
func (db *DB) PostLatestMetrics(ctx context.Context, orgID, postID int64) ([]*LatestMetrics, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+latestCols+", score_version, score_detail FROM metric_latest WHERE org_id = $1 AND post_id = $2 ORDER BY target_id", orgID, postID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*LatestMetrics
	for rows.Next() {
		l, err := scanLatestMetrics(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func scanLatestMetrics(row interface{ Scan(...any) error }) (*LatestMetrics, error) {
	var ver int
	var detail string
	s, err := scanLatest(scanTail{row, []any{&ver, &detail}})
	if err != nil {
		return nil, err
	}
	l := s.latest()
	l.ScoreVersion, l.ScoreDetail = ver, detail
	return l, nil
}

// scanTail scans extra trailing columns after a scanner's own.
type scanTail struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanTail) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

// SnapshotsOf returns a subject's snapshots, oldest first, expanded to one
// soroe.Snapshot per metric read.
func (db *DB) SnapshotsOf(ctx context.Context, orgID int64, subj soroe.Subject) ([]soroe.Snapshot, error) {
	col, id := "target_id", subj.TargetID
	if subj.ExternalID > 0 {
		col, id = "external_id", subj.ExternalID
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, captured_at, source, source_detail, unavailable, `+metricCols+`
		FROM metric_snapshots WHERE `+col+` = $1 AND org_id = $2 ORDER BY captured_at, id`, id, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []soroe.Snapshot
	for rows.Next() {
		var x values
		var snapID int64
		var at time.Time
		var source, detail, unavailable string
		if err := rows.Scan(append([]any{&snapID, &at, &source, &detail, &unavailable}, x.scanDest()...)...); err != nil {
			return nil, err
		}
		x.decodeUnavailable(unavailable)
		for _, r := range x.readings() {
			out = append(out, soroe.Snapshot{ID: snapID, OrgID: orgID, Subject: subj, Metric: r.Metric, Value: r.Value,
				Unavailable: r.Unavailable, CapturedAt: at.UTC(), Source: source, SourceDetail: detail})
		}
	}
	return out, rows.Err()
}

// ---- Followers ----

// RecordFollowers sets an account's follower total for a local day (the
// latest reading of the day wins).
func (db *DB) RecordFollowers(ctx context.Context, orgID int64, f soroe.FollowerCount) error {
	if f.Followers < 0 {
		return soroe.Invalid("followers", "negative")
	}
	if _, err := soroe.ParseDate(f.Day); err != nil {
		return soroe.Invalid("day", "invalid_date")
	}
	if f.At.IsZero() {
		f.At = db.Now()
	}
	return recordFollowers(ctx, db.w, orgID, f)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func recordFollowers(ctx context.Context, q execer, orgID int64, f soroe.FollowerCount) error {
	res, err := q.ExecContext(ctx, `INSERT INTO account_followers (account_id, org_id, day, followers, source, at)
		SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = $1 AND org_id = $2)
		ON CONFLICT (account_id, day) DO UPDATE SET followers = excluded.followers, source = excluded.source, at = excluded.at`,
		f.AccountID, orgID, f.Day, f.Followers, f.Source, ts(f.At))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return soroe.ErrNotFound
	}
	return nil
}

// Followers returns an account's follower totals from day from to day to
// (both included, YYYY-MM-DD), oldest first.
func (db *DB) Followers(ctx context.Context, orgID, accountID int64, from, to string) ([]soroe.FollowerCount, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT account_id, day, followers, source, at FROM account_followers
		WHERE org_id = $1 AND account_id = $2 AND day >= $3 AND day <= $4 ORDER BY day`, orgID, accountID, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []soroe.FollowerCount
	for rows.Next() {
		var f soroe.FollowerCount
		if err := rows.Scan(&f.AccountID, &f.Day, &f.Followers, &f.Source, &f.At); err != nil {
			return nil, err
		}
		f.At = f.At.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}
