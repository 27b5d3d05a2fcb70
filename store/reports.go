package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// ReportPrefix starts a report's share-link secret.
const ReportPrefix = "rep_"

// StoredReport is a report as the store keeps it: the snapshot (JSON of
// report.Report, written once) and the 総評 a manager edits.
type StoredReport struct {
	ID        int64      `json:"id"`
	OrgID     int64      `json:"org_id"`
	Kind      string     `json:"kind"`
	From      soroe.Date `json:"from"`
	To        soroe.Date `json:"to"`
	Title     string     `json:"title"`
	Data      []byte     `json:"-"`
	Keep      string     `json:"keep"`
	Problem   string     `json:"problem"`
	Try       string     `json:"try"`
	CreatedBy int64      `json:"created_by,omitempty"` // 0: made on schedule
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
	SentBy    int64      `json:"sent_by,omitempty"`
}

const reportCols = `id, org_id, kind, period_from, period_to, title, keep, problem, try, COALESCE(created_by, 0), created_at, sent_at, COALESCE(sent_by, 0)`

func scanReport(row interface{ Scan(...any) error }, data bool) (*StoredReport, error) {
	var r StoredReport
	var created, sent sqlTime
	dest := []any{&r.ID, &r.OrgID, &r.Kind, &r.From, &r.To, &r.Title, &r.Keep, &r.Problem, &r.Try, &r.CreatedBy, &created, &sent, &r.SentBy}
	var body string
	if data {
		dest = append(dest, &body)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, notFound(err)
	}
	r.CreatedAt = created.t
	if !sent.t.IsZero() {
		r.SentAt = &sent.t
	}
	r.Data = []byte(body)
	return &r, nil
}

// CreateReport stores a report. A scheduled one (CreatedBy 0) is made once
// per organization, kind and period: the second attempt returns the first
// with created false.
func (db *DB) CreateReport(ctx context.Context, r *StoredReport) (created bool, err error) {
	r.CreatedAt = db.Now()
	err = db.w.QueryRowContext(ctx, `INSERT INTO reports (org_id, kind, period_from, period_to, title, data, keep, problem, try, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
		r.OrgID, r.Kind, string(r.From), string(r.To), r.Title, string(r.Data), r.Keep, r.Problem, r.Try, nullID(r.CreatedBy), r.CreatedAt).Scan(&r.ID)
	if errors.Is(err, sql.ErrNoRows) {
		got, err := scanReport(db.w.QueryRowContext(ctx, "SELECT "+reportCols+", data FROM reports WHERE org_id = $1 AND kind = $2 AND period_from = $3 AND created_by IS NULL",
			r.OrgID, r.Kind, string(r.From)), true)
		if err != nil {
			return false, err
		}
		*r = *got
		return false, nil
	}
	return err == nil, err
}

// Report reads one report of the organization with its snapshot.
func (db *DB) Report(ctx context.Context, orgID, id int64) (*StoredReport, error) {
	return scanReport(db.r.QueryRowContext(ctx, "SELECT "+reportCols+", data FROM reports WHERE id = $1 AND org_id = $2", id, orgID), true)
}

// Reports lists the organization's reports, the latest period first
// (without their snapshots).
func (db *DB) Reports(ctx context.Context, orgID int64, limit int) ([]*StoredReport, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := db.r.QueryContext(ctx, "SELECT "+reportCols+" FROM reports WHERE org_id = $1 ORDER BY period_to DESC, id DESC LIMIT $2", orgID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*StoredReport{}
	for rows.Next() {
		r, err := scanReport(rows, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MaxSummaryRunes bounds each part of the 総評.
const MaxSummaryRunes = 2000

// SetReportSummary writes the 総評 (Keep, Problem, Try).
func (db *DB) SetReportSummary(ctx context.Context, orgID, id int64, keep, problem, try string) error {
	for field, v := range map[string]*string{"keep": &keep, "problem": &problem, "try": &try} {
		*v = strings.TrimSpace(*v)
		if utf8.RuneCountInString(*v) > MaxSummaryRunes {
			return soroe.Invalid(field, "too_long")
		}
	}
	res, err := db.w.ExecContext(ctx, "UPDATE reports SET keep = $3, problem = $4, try = $5 WHERE id = $1 AND org_id = $2", id, orgID, keep, problem, try)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return soroe.ErrNotFound
	}
	return nil
}

// MarkReportSent records that a report went out (by a member, or 0 for
// the schedule).
func (db *DB) MarkReportSent(ctx context.Context, orgID, id, by int64) error {
	_, err := db.w.ExecContext(ctx, "UPDATE reports SET sent_at = $3, sent_by = $4 WHERE id = $1 AND org_id = $2", id, orgID, db.Now(), nullID(by))
	return err
}

// CreateReportShare makes a read-only link secret for a report that works
// until ttl from now.
func (db *DB) CreateReportShare(ctx context.Context, orgID, reportID, by int64, ttl time.Duration) (secret string, expires time.Time, err error) {
	if _, err := db.Report(ctx, orgID, reportID); err != nil {
		return "", time.Time{}, err
	}
	secret, hash := soroe.NewSecret(ReportPrefix)
	now := db.Now()
	expires = now.Add(ttl)
	_, err = db.w.ExecContext(ctx, `INSERT INTO report_shares (report_id, org_id, token_hash, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		reportID, orgID, hex.EncodeToString(hash), expires, nullID(by), now)
	return secret, expires, err
}

// ReportByShare reads the report a share secret opens; an unknown or
// expired secret is not found.
func (db *DB) ReportByShare(ctx context.Context, secret string) (*StoredReport, time.Time, error) {
	var reportID, orgID int64
	var expires sqlTime
	err := db.r.QueryRowContext(ctx, "SELECT report_id, org_id, expires_at FROM report_shares WHERE token_hash = $1",
		hex.EncodeToString(soroe.HashSecret(secret))).Scan(&reportID, &orgID, &expires)
	if err != nil {
		return nil, time.Time{}, notFound(err)
	}
	if !db.Now().Before(expires.t) {
		return nil, time.Time{}, soroe.ErrNotFound
	}
	r, err := db.Report(ctx, orgID, reportID)
	return r, expires.t, err
}

// ReportSchedule is which reports an organization makes and sends on its
// own.
type ReportSchedule struct {
	OrgID   int64 `json:"-"`
	Monthly bool  `json:"monthly"` // on the 1st, the month before
	Weekly  bool  `json:"weekly"`  // on Mondays, the week before
}

// SetReportSchedule writes an organization's schedule.
func (db *DB) SetReportSchedule(ctx context.Context, s ReportSchedule, by int64) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO report_schedules (org_id, monthly, weekly, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (org_id) DO UPDATE SET monthly = excluded.monthly, weekly = excluded.weekly, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		s.OrgID, s.Monthly, s.Weekly, nullID(by), db.Now())
	return err
}

// ReportScheduleOf reads an organization's schedule (nothing scheduled
// when it has none).
func (db *DB) ReportScheduleOf(ctx context.Context, orgID int64) (ReportSchedule, error) {
	s := ReportSchedule{OrgID: orgID}
	err := db.r.QueryRowContext(ctx, "SELECT monthly, weekly FROM report_schedules WHERE org_id = $1", orgID).Scan(&s.Monthly, &s.Weekly)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return s, err
}

// ReportSchedules lists the organizations that make some report on their
// own.
func (db *DB) ReportSchedules(ctx context.Context) ([]ReportSchedule, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT org_id, monthly, weekly FROM report_schedules WHERE monthly OR weekly ORDER BY org_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReportSchedule
	for rows.Next() {
		var s ReportSchedule
		if err := rows.Scan(&s.OrgID, &s.Monthly, &s.Weekly); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// HasScheduledReport reports whether the schedule already made an
// organization's report of a kind and period.
func (db *DB) HasScheduledReport(ctx context.Context, orgID int64, kind string, from soroe.Date) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM reports WHERE org_id = $1 AND kind = $2 AND period_from = $3 AND created_by IS NULL",
		orgID, kind, string(from)).Scan(&n)
	return n > 0, err
}
