package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// MetricImport describes one export file being imported.
type MetricImport struct {
	OrgID     int64
	AccountID int64 // 0 for files without posts (GA4)
	By        int64 // the member importing; 0 from the CLI without one
	Format    string
	FileName  string
	SHA256    string // of the file's bytes: the same file imported again changes nothing
	DryRun    bool   // run everything, then roll back
}

// ImportPost is one post row of an export: its numbers on the day of the
// export.
type ImportPost struct {
	Line        int
	RemoteID    string
	URL         string
	Text        string
	Kind        string
	PublishedAt time.Time
	Readings    []soroe.Reading
}

// ImportAccountDay is one day of an account from an export (X's account
// overview): its follower total where given and its day's figures.
type ImportAccountDay struct {
	Line        int
	Day         string
	Followers   *int64
	Impressions *int64
	Engagements *int64
	Follows     *int64
	Unfollows   *int64
}

// ImportTraffic is one row of web traffic (GA4): sessions and key events by
// source, medium, campaign and content for a day or a period.
type ImportTraffic struct {
	Line      int
	Day       string
	DayTo     string // the period's last day; Day for daily rows
	Source    string
	Medium    string
	Campaign  string
	Content   string
	Sessions  int64
	KeyEvents int64
	Events    map[string]int64
}

// ImportRecord is one record of an export; exactly one field is set.
// A record with only Format names the format the file was read as (once
// detected), for the import log.
type ImportRecord struct {
	Post    *ImportPost
	Account *ImportAccountDay
	Traffic *ImportTraffic
	Format  string
}

// ImportSummary is what an import did (or, dry, would do).
type ImportSummary struct {
	ID             int64      `json:"id,omitempty"`
	Format         string     `json:"format"`
	FileName       string     `json:"file_name"`
	Rows           int        `json:"rows"`
	Matched        int        `json:"matched"`
	External       int        `json:"external"`
	NewExternal    int        `json:"new_external"`
	SnapshotsAdded int        `json:"snapshots_added"`
	FollowerDays   int        `json:"follower_days"`
	TrafficRows    int        `json:"traffic_rows"`
	From           *time.Time `json:"from,omitempty"`
	To             *time.Time `json:"to,omitempty"`
	DryRun         bool       `json:"dry_run"`
	// AlreadyImported says the same file was imported before (on
	// ImportedAt): nothing changed.
	AlreadyImported bool       `json:"already_imported"`
	ImportedAt      *time.Time `json:"imported_at,omitempty"`
}

// ErrDryRun rolls a dry run back; ImportMetrics does not return it.
var errDryRun = errors.New("store: dry run")

// RowError is a record the store refused (an ID matching nothing that can
// be an external post, a number out of range); the import is rolled back.
type RowError struct {
	Line int
	Code string
	Err  error
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Code) }
func (e *RowError) Unwrap() error { return e.Err }

// ImportMetrics imports an export file's records in one transaction: run
// calls put for each record as the caller parses the file, and returns the
// parse's error, if any, which rolls everything back (all or nothing). Post
// rows are matched to the account's published targets by remote ID or
// permalink; unmatched rows become external posts of the account. The same
// file (by SHA256) imported again changes nothing, and so does a file whose
// numbers are already known.
func (db *DB) ImportMetrics(ctx context.Context, imp MetricImport, run func(put func(ImportRecord) error) error) (*ImportSummary, error) {
	sum := &ImportSummary{Format: imp.Format, FileName: imp.FileName, DryRun: imp.DryRun}
	if imp.SHA256 != "" {
		var at time.Time
		err := db.r.QueryRowContext(ctx, `SELECT id, format, rows_read, matched, external, created_at FROM metric_imports
			WHERE org_id = $1 AND sha256 = $2`, imp.OrgID, imp.SHA256).Scan(&sum.ID, &sum.Format, &sum.Rows, &sum.Matched, &sum.External, &at)
		if err == nil {
			at = at.UTC()
			sum.AlreadyImported, sum.ImportedAt = true, &at
			return sum, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	var acct *soroe.Account
	if imp.AccountID != 0 {
		a, err := db.Account(ctx, imp.OrgID, imp.AccountID)
		if err != nil {
			return nil, err
		}
		acct = a
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		var importID int64
		err := tx.QueryRowContext(ctx, `INSERT INTO metric_imports (org_id, account_id, format, file_name, sha256,
				rows_read, matched, external, snapshots_added, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, $6, $7) RETURNING id`,
			imp.OrgID, nullID(imp.AccountID), imp.Format, imp.FileName, importHash(imp, now), nullID(imp.By), now).Scan(&importID)
		if err != nil {
			return err
		}
		rec, err := newRecorder(ctx, tx, db.Engine, imp.OrgID, now)
		if err != nil {
			return err
		}
		m := &matcher{tx: tx, acct: acct}
		if acct != nil {
			if err := m.load(ctx); err != nil {
				return err
			}
		}
		rec.deferred = true
		eb := &externalBatcher{tx: tx, rec: rec, imp: imp, acct: acct, now: now, importID: importID, sum: sum}
		span := func(t time.Time) {
			if t.IsZero() {
				return
			}
			t = t.UTC()
			if sum.From == nil || t.Before(*sum.From) {
				sum.From = &t
			}
			if sum.To == nil || t.After(*sum.To) {
				sum.To = &t
			}
		}
		put := func(r ImportRecord) error {
			if r.Post == nil && r.Account == nil && r.Traffic == nil {
				if r.Format != "" {
					sum.Format = r.Format
				}
				return nil
			}
			sum.Rows++
			switch {
			case r.Post != nil:
				p := r.Post
				if acct == nil {
					return &RowError{Line: p.Line, Code: "account_required", Err: soroe.Invalid("account", "required")}
				}
				span(p.PublishedAt)
				subj, ok := m.match(p)
				if ok {
					sum.Matched++
					// A post of Soroe's may come twice in a file: its
					// latest row is written at once.
					if err := rec.flushPending(ctx); err != nil {
						return err
					}
					rec.deferred = false
					added, err := rec.record(ctx, MetricInput{Subject: subj, Readings: p.Readings, Source: soroe.SourceCSV,
						SourceDetail: fmt.Sprintf("%s:%d", imp.FileName, p.Line), importID: importID})
					rec.deferred = true
					if err != nil {
						return &RowError{Line: p.Line, Code: "rejected", Err: err}
					}
					if added {
						sum.SnapshotsAdded++
					}
					return nil
				}
				sum.External++
				rid := externalRemoteID(acct.Network, p)
				if rid == "" {
					return &RowError{Line: p.Line, Code: "no_post_id", Err: soroe.Invalid("remote_id", "required")}
				}
				if p.PublishedAt.IsZero() {
					return &RowError{Line: p.Line, Code: "no_published_at", Err: soroe.Invalid("published_at", "required")}
				}
				if eb.has(rid) {
					if err := eb.flush(ctx); err != nil {
						return err
					}
				}
				eb.add(rid, p)
				if len(eb.rows) >= externalBatch {
					return eb.flush(ctx)
				}
			case r.Account != nil:
				d := r.Account
				if acct == nil {
					return &RowError{Line: d.Line, Code: "account_required", Err: soroe.Invalid("account", "required")}
				}
				if _, err := soroe.ParseDate(d.Day); err != nil {
					return &RowError{Line: d.Line, Code: "bad_day", Err: err}
				}
				span(soroe.Date(d.Day).Time(rec.loc))
				if d.Followers != nil {
					if err := recordFollowers(ctx, tx, imp.OrgID, soroe.FollowerCount{AccountID: acct.ID, Day: d.Day,
						Followers: *d.Followers, Source: soroe.SourceCSV, At: now}); err != nil {
						return err
					}
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO account_daily (account_id, org_id, day, impressions, engagements, follows, unfollows, source, at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
					ON CONFLICT (account_id, day) DO UPDATE SET impressions = excluded.impressions, engagements = excluded.engagements,
						follows = excluded.follows, unfollows = excluded.unfollows, source = excluded.source, at = excluded.at`,
					acct.ID, imp.OrgID, d.Day, ptrArg(d.Impressions), ptrArg(d.Engagements), ptrArg(d.Follows), ptrArg(d.Unfollows),
					soroe.SourceCSV, now); err != nil {
					return err
				}
				sum.FollowerDays++
			case r.Traffic != nil:
				t := r.Traffic
				if err := m.traffic(ctx, imp.OrgID, importID, t); err != nil {
					return &RowError{Line: t.Line, Code: "rejected", Err: err}
				}
				span(soroe.Date(t.Day).Time(rec.loc))
				sum.TrafficRows++
			}
			return nil
		}
		if err := run(put); err != nil {
			return err
		}
		if err := eb.flush(ctx); err != nil {
			return err
		}
		if err := rec.close(ctx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE metric_imports SET rows_read = $2, matched = $3, external = $4,
			snapshots_added = $5, period_from = $6, period_to = $7, format = $8 WHERE id = $1`,
			importID, sum.Rows, sum.Matched, sum.External, sum.SnapshotsAdded, tsPtr(sum.From), tsPtr(sum.To), sum.Format); err != nil {
			return err
		}
		sum.ID = importID
		if imp.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		sum.ID = 0
		return sum, nil
	}
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// importHash is the file's hash, or a unique stand-in when the caller has
// none (so the unique index never refuses an import without a hash).
func importHash(imp MetricImport, now time.Time) string {
	if imp.SHA256 != "" {
		return imp.SHA256
	}
	return "none:" + strconv.FormatInt(now.UnixNano(), 36) + ":" + imp.FileName
}

// MetricImports lists an organization's imports, newest first.
func (db *DB) MetricImports(ctx context.Context, orgID int64, limit int) ([]*ImportSummary, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, format, file_name, rows_read, matched, external, snapshots_added,
			period_from, period_to, created_at
		FROM metric_imports WHERE org_id = $1 ORDER BY id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ImportSummary
	for rows.Next() {
		var s ImportSummary
		var from, to sql.NullTime
		var at time.Time
		if err := rows.Scan(&s.ID, &s.Format, &s.FileName, &s.Rows, &s.Matched, &s.External, &s.SnapshotsAdded, &from, &to, &at); err != nil {
			return nil, err
		}
		s.From, s.To = utcPtr(from), utcPtr(to)
		at = at.UTC()
		s.ImportedAt = &at
		out = append(out, &s)
	}
	return out, rows.Err()
}

// matcher finds an account's published targets by remote ID or permalink.
type matcher struct {
	tx    *sql.Tx
	acct  *soroe.Account
	byID  map[string]int64
	byURL map[string]int64
}

func (m *matcher) load(ctx context.Context) error {
	m.byID, m.byURL = map[string]int64{}, map[string]int64{}
	rows, err := m.tx.QueryContext(ctx, `SELECT id, remote_id, url FROM post_targets WHERE account_id = $1 AND state = 'sent'`, m.acct.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var rid, u string
		if err := rows.Scan(&id, &rid, &u); err != nil {
			return err
		}
		if rid != "" {
			m.byID[rid] = id
			if k := postKey(m.acct.Network, rid); k != "" {
				m.byID[k] = id
			}
		}
		if u != "" {
			m.byURL[normURL(u)] = id
			if k := postKey(m.acct.Network, u); k != "" {
				m.byID[k] = id
			}
		}
	}
	return rows.Err()
}

func (m *matcher) match(p *ImportPost) (soroe.Subject, bool) {
	for _, k := range []string{p.RemoteID, postKey(m.acct.Network, p.RemoteID), postKey(m.acct.Network, p.URL)} {
		if k == "" {
			continue
		}
		if id, ok := m.byID[k]; ok {
			return soroe.Subject{TargetID: id}, true
		}
	}
	if p.URL != "" {
		if id, ok := m.byURL[normURL(p.URL)]; ok {
			return soroe.Subject{TargetID: id}, true
		}
	}
	return soroe.Subject{}, false
}

var (
	xStatus   = regexp.MustCompile(`/status(?:es)?/(\d+)`)
	igCode    = regexp.MustCompile(`instagram\.com/(?:[^/]+/)?(?:p|reel|tv)/([A-Za-z0-9_-]+)`)
	bskyPost  = regexp.MustCompile(`bsky\.app/profile/([^/]+)/post/([a-z0-9]+)`)
	digitTail = regexp.MustCompile(`(\d{6,})/?$`)
)

// postKey is a network's stable key of a post from its ID or permalink, so
// that an export's permalink (x.com/handle/status/123) finds the target
// Soroe published (remote ID 123, URL x.com/i/web/status/123).
func postKey(n soroe.Network, s string) string {
	if s == "" {
		return ""
	}
	switch n {
	case soroe.NetworkX:
		if m := xStatus.FindStringSubmatch(s); m != nil {
			return "x:" + m[1]
		}
		if isDigits(s) {
			return "x:" + s
		}
	case soroe.NetworkInstagram:
		if m := igCode.FindStringSubmatch(s); m != nil {
			return "ig:" + m[1]
		}
	case soroe.NetworkBluesky:
		if m := bskyPost.FindStringSubmatch(s); m != nil {
			return "bsky:" + m[2]
		}
		if strings.HasPrefix(s, "at://") {
			return "bsky:" + s[strings.LastIndex(s, "/")+1:]
		}
	case soroe.NetworkFacebook, soroe.NetworkThreads, soroe.NetworkMastodon, soroe.NetworkLinkedIn:
		if isDigits(s) || strings.Contains(s, "_") && !strings.Contains(s, "/") {
			return string(n) + ":" + s
		}
		if m := digitTail.FindStringSubmatch(s); m != nil {
			return string(n) + ":" + m[1]
		}
	}
	return ""
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// normURL compares permalinks without scheme, "www.", query or trailing
// slash.
func normURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return strings.TrimSuffix(strings.TrimSpace(s), "/")
	}
	return strings.TrimPrefix(strings.ToLower(u.Host), "www.") + strings.TrimSuffix(u.EscapedPath(), "/")
}

// externalRemoteID is the key an external post is stored under: the
// export's post ID, else the network's key of its permalink, else the
// permalink.
func externalRemoteID(n soroe.Network, p *ImportPost) string {
	if p.RemoteID != "" {
		return p.RemoteID
	}
	if k := postKey(n, p.URL); k != "" {
		_, id, _ := strings.Cut(k, ":")
		return id
	}
	if p.URL != "" {
		return normURL(p.URL)
	}
	return ""
}

// traffic stores one GA4 row, matched to a post by utm_content (the post's
// ID, as Soroe writes it) and to a goal through that post or by
// utm_campaign (the goal's ID or slug).
func (m *matcher) traffic(ctx context.Context, orgID, importID int64, t *ImportTraffic) error {
	if _, err := soroe.ParseDate(t.Day); err != nil {
		return soroe.Invalid("day", "invalid_date")
	}
	if t.DayTo == "" {
		t.DayTo = t.Day
	}
	var postID, goalID sql.NullInt64
	if id, ok := utmPostID(t.Content); ok {
		err := m.tx.QueryRowContext(ctx, `SELECT id, goal_id FROM posts WHERE id = $1 AND org_id = $2`, id, orgID).Scan(&postID, &goalID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if !goalID.Valid && t.Campaign != "" {
		if id, ok := utmGoalID(t.Campaign); ok {
			err := m.tx.QueryRowContext(ctx, `SELECT id FROM goals WHERE id = $1 AND org_id = $2`, id, orgID).Scan(&goalID)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
	}
	var events []string
	for name, n := range t.Events {
		events = append(events, name+"="+strconv.FormatInt(n, 10))
	}
	sortStrings(events)
	_, err := m.tx.ExecContext(ctx, `INSERT INTO web_traffic (org_id, import_id, day, day_to, source, medium, campaign, content,
			goal_id, post_id, sessions, key_events, events)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (org_id, day, day_to, source, medium, campaign, content) DO UPDATE SET
			import_id = excluded.import_id, goal_id = excluded.goal_id, post_id = excluded.post_id,
			sessions = excluded.sessions, key_events = excluded.key_events, events = excluded.events`,
		orgID, importID, t.Day, t.DayTo, t.Source, t.Medium, t.Campaign, t.Content, postID, goalID, t.Sessions, t.KeyEvents,
		strings.Join(events, ","))
	return err
}

// utmPostID reads the post ID from utm_content ("123" or "post-123").
func utmPostID(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "post-")
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// utmGoalID reads a goal's ID from utm_campaign ("goal-12" or
// "12-some-slug").
func utmGoalID(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "goal-")
	head, _, _ := strings.Cut(s, "-")
	id, err := strconv.ParseInt(head, 10, 64)
	return id, err == nil && id > 0
}

func sortStrings(s []string) { slices.Sort(s) }

// externalBatch is how many external-post rows are written per statement.
const externalBatch = 200

// externalBatcher gathers an import's rows that match no Soroe post and
// writes them many at a time: the external posts in one upsert, their
// latest rows read in one query, their snapshots and new latest rows in
// one statement each.
type externalBatcher struct {
	tx       *sql.Tx
	rec      *recorder
	imp      MetricImport
	acct     *soroe.Account
	now      time.Time
	importID int64
	sum      *ImportSummary
	rows     []*ImportPost
	rids     []string
	seen     map[string]bool
}

func (b *externalBatcher) has(rid string) bool { return b.seen[rid] }

func (b *externalBatcher) add(rid string, p *ImportPost) {
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	b.seen[rid] = true
	b.rows = append(b.rows, p)
	b.rids = append(b.rids, rid)
}

func (b *externalBatcher) flush(ctx context.Context) error {
	if len(b.rows) == 0 {
		return nil
	}
	type ext struct {
		id        int64
		kind      string
		published time.Time
	}
	byRID := map[string]ext{}
	ids := make([]string, 0, len(b.rows))
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var e ext
			var rid string
			if err := rows.Scan(&e.id, &rid, &e.kind, &e.published); err != nil {
				return err
			}
			e.published = e.published.UTC()
			byRID[rid] = e
			ids = append(ids, strconv.FormatInt(e.id, 10))
		}
		return rows.Err()
	}
	// The account's external posts known already, then the new ones.
	q := make([]any, 0, len(b.rids)+1)
	q = append(q, b.acct.ID)
	for _, rid := range b.rids {
		q = append(q, rid)
	}
	in := valuesList(b.rec.engine, 1, len(b.rids))
	if b.rec.engine == Postgres {
		in = valuesListFrom(2, len(b.rids))
	}
	rows, err := b.tx.QueryContext(ctx, `SELECT id, remote_id, kind, published_at FROM external_posts WHERE account_id = `+b.rec.ph(1)+` AND remote_id IN `+in, q...)
	if err != nil {
		return err
	}
	if err := scan(rows); err != nil {
		return err
	}
	const cols = 9
	args := make([]any, 0, len(b.rows)*cols)
	n := 0
	for i, p := range b.rows {
		if _, ok := byRID[b.rids[i]]; ok {
			continue
		}
		kind := p.Kind
		if kind == "" {
			kind = "text"
		}
		args = append(args, b.imp.OrgID, b.acct.ID, b.acct.Network, b.rids[i], p.URL, p.Text, kind, ts(p.PublishedAt), b.now)
		n++
	}
	if n > 0 {
		rows, err := b.tx.QueryContext(ctx, `INSERT INTO external_posts (org_id, account_id, network, remote_id, url, text, kind, published_at, created_at)
			VALUES `+valuesList(b.rec.engine, n, cols)+` RETURNING id, remote_id, kind, published_at`, args...)
		if err != nil {
			return err
		}
		if err := scan(rows); err != nil {
			return err
		}
		b.sum.NewExternal += n
	}
	latest := map[int64]*subjectState{}
	lrows, err := b.tx.QueryContext(ctx, "SELECT "+latestCols+" FROM metric_latest WHERE external_id IN ("+strings.Join(ids, ",")+")")
	if err != nil {
		return err
	}
	for lrows.Next() {
		s, err := scanLatest(lrows)
		if err != nil {
			lrows.Close()
			return err
		}
		latest[s.subject.ExternalID] = s
	}
	lrows.Close()
	if err := lrows.Err(); err != nil {
		return err
	}
	for i, p := range b.rows {
		e, ok := byRID[b.rids[i]]
		if !ok {
			return fmt.Errorf("store: external post %q not returned", b.rids[i])
		}
		s := latest[e.id]
		if s == nil {
			s = &subjectState{orgID: b.imp.OrgID, subject: soroe.Subject{ExternalID: e.id}, accountID: b.acct.ID,
				network: b.acct.Network, kind: e.kind, publishedAt: e.published,
				day: string(soroe.DateOf(e.published, b.rec.loc))}
		}
		added, err := b.rec.apply(ctx, s, MetricInput{Subject: s.subject, Readings: p.Readings, Source: soroe.SourceCSV,
			SourceDetail: b.imp.FileName + ":" + strconv.Itoa(p.Line), importID: b.importID})
		if err != nil {
			return &RowError{Line: p.Line, Code: "rejected", Err: err}
		}
		if added {
			b.sum.SnapshotsAdded++
		}
	}
	b.rows, b.rids = b.rows[:0], b.rids[:0]
	clear(b.seen)
	return b.rec.flushPending(ctx)
}

// valuesListFrom writes ($from, …, $from+n-1).
func valuesListFrom(from, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for j := range n {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + j))
	}
	b.WriteByte(')')
	return b.String()
}
