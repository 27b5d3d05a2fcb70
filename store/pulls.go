package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/soroe/soroe"
)

// PullTarget is a published target whose numbers are due from the API.
type PullTarget struct {
	ID        int64
	OrgID     int64
	PostID    int64
	AccountID int64
	RemoteID  string
	SentAt    time.Time
	Pulls     int // pulls done
}

// pullable is the condition on accounts whose posts are pulled: connected
// with API access, pulls on, not waiting for a reconnect, not manual.
const pullable = `a.metrics_pull AND NOT a.no_api AND a.status = 'ok' AND a.network <> 'manual'`

// DueMetricAccounts returns accounts with targets due for a pull at now.
func (db *DB) DueMetricAccounts(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	return db.ids(ctx, `SELECT DISTINCT t.account_id FROM post_targets t JOIN accounts a ON a.id = t.account_id
		WHERE t.metrics_next_at IS NOT NULL AND t.metrics_next_at <= $1 AND t.state = 'sent' AND `+pullable+`
		ORDER BY t.account_id LIMIT $2`, ts(now), limit)
}

// DueMetricTargets returns an account's targets due for a pull at now,
// longest due first.
func (db *DB) DueMetricTargets(ctx context.Context, accountID int64, now time.Time, limit int) ([]PullTarget, error) {
	return db.pullTargets(ctx, `SELECT t.id, t.org_id, t.post_id, t.account_id, t.remote_id, t.sent_at, t.metrics_pulls
		FROM post_targets t JOIN accounts a ON a.id = t.account_id
		WHERE t.account_id = $1 AND t.metrics_next_at IS NOT NULL AND t.metrics_next_at <= $2 AND t.state = 'sent' AND `+pullable+`
		ORDER BY t.metrics_next_at, t.id LIMIT $3`, accountID, ts(now), limit)
}

// PostPullTargets returns a post's sent targets on accounts with API
// access, for a refresh a person asked for (whatever their schedule).
func (db *DB) PostPullTargets(ctx context.Context, orgID, postID int64) ([]PullTarget, error) {
	return db.pullTargets(ctx, `SELECT t.id, t.org_id, t.post_id, t.account_id, t.remote_id, t.sent_at, t.metrics_pulls
		FROM post_targets t JOIN accounts a ON a.id = t.account_id
		WHERE t.org_id = $1 AND t.post_id = $2 AND t.state = 'sent' AND t.remote_id <> ''
			AND NOT a.no_api AND a.status = 'ok' AND a.network <> 'manual'
		ORDER BY t.id`, orgID, postID)
}

func (db *DB) pullTargets(ctx context.Context, q string, args ...any) ([]PullTarget, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PullTarget
	for rows.Next() {
		var p PullTarget
		var sent sql.NullTime
		if err := rows.Scan(&p.ID, &p.OrgID, &p.PostID, &p.AccountID, &p.RemoteID, &sent, &p.Pulls); err != nil {
			return nil, err
		}
		p.SentAt = sent.Time.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// MarkMetricsPulled records a pull of a target: pulls done becomes pulls
// and the next is due at next (nil: the schedule is over).
func (db *DB) MarkMetricsPulled(ctx context.Context, targetID int64, pulls int, next *time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE post_targets SET metrics_pulls = $2, metrics_next_at = $3 WHERE id = $1`,
		targetID, pulls, tsPtr(next))
	return err
}

// DeferMetricPulls moves targets' next pull to until (a rate limit's reset,
// a failed call's retry) without counting a pull.
func (db *DB) DeferMetricPulls(ctx context.Context, until time.Time, targetIDs ...int64) error {
	for _, id := range targetIDs {
		if _, err := db.w.ExecContext(ctx, `UPDATE post_targets SET metrics_next_at = $2
			WHERE id = $1 AND metrics_next_at IS NOT NULL`, id, ts(until)); err != nil {
			return err
		}
	}
	return nil
}

// MetricsHealth is an account's pull schedule and how its pulls went.
type MetricsHealth struct {
	NoAPI     bool       `json:"no_api"`       // registered by handle, no credentials
	Pull      bool       `json:"metrics_pull"` // pulls on (an organization may turn X's paid reads off)
	PulledAt  *time.Time `json:"metrics_pulled_at,omitempty"`
	Error     string     `json:"metrics_error,omitempty"` // of the last pull; "" when it went well
	Failures  int        `json:"metrics_failures"`        // failed pulls in a row
	DuePosts  int        `json:"metrics_due_posts"`       // targets still on the schedule
	Scheduled int        `json:"metrics_scheduled"`       // pulls left on the schedule, all targets
}

// AccountMetricsHealth returns an account's pull health and schedule.
func (db *DB) AccountMetricsHealth(ctx context.Context, orgID, accountID int64) (*MetricsHealth, error) {
	var h MetricsHealth
	var pulled sql.NullTime
	err := db.r.QueryRowContext(ctx, `SELECT no_api, metrics_pull, metrics_pulled_at, metrics_error, metrics_failures
		FROM accounts WHERE id = $1 AND org_id = $2`, accountID, orgID).Scan(&h.NoAPI, &h.Pull, &pulled, &h.Error, &h.Failures)
	if err != nil {
		return nil, notFound(err)
	}
	h.PulledAt = utcPtr(pulled)
	err = db.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM($2 - metrics_pulls), 0) FROM post_targets
		WHERE account_id = $1 AND metrics_next_at IS NOT NULL`, accountID, len(soroe.PullAges)).Scan(&h.DuePosts, &h.Scheduled)
	return &h, err
}

// RecordMetricsPull notes how an account's pull went: errMsg "" clears its
// failures; otherwise it counts one more. It reports whether people should
// be warned now: the failures reached warnAfter and nobody was warned since
// the last success (one warning per outage, never a storm).
func (db *DB) RecordMetricsPull(ctx context.Context, accountID int64, errMsg string, warnAfter int) (warn bool, err error) {
	now := db.Now()
	if errMsg == "" {
		_, err := db.w.ExecContext(ctx, `UPDATE accounts SET metrics_pulled_at = $2, metrics_error = '', metrics_failures = 0,
			metrics_warned_at = NULL WHERE id = $1`, accountID, now)
		return false, err
	}
	var failures int
	var warned sql.NullTime
	err = db.w.QueryRowContext(ctx, `UPDATE accounts SET metrics_error = $2, metrics_failures = metrics_failures + 1
		WHERE id = $1 RETURNING metrics_failures, metrics_warned_at`, accountID, errMsg).Scan(&failures, &warned)
	if err != nil {
		return false, err
	}
	if failures < warnAfter || warned.Valid {
		return false, nil
	}
	res, err := db.w.ExecContext(ctx, `UPDATE accounts SET metrics_warned_at = $2 WHERE id = $1 AND metrics_warned_at IS NULL`, accountID, now)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetAccountMetrics sets whether an account's numbers are pulled from its
// API. Turning pulls off leaves the schedule's targets waiting; turning
// them on again resumes it.
func (db *DB) SetAccountMetrics(ctx context.Context, orgID, accountID int64, pull bool) error {
	return affected(db.w.ExecContext(ctx, `UPDATE accounts SET metrics_pull = $3 WHERE id = $1 AND org_id = $2`, accountID, orgID, pull))
}

// SetAccountNoAPI marks an account as registered without API access (its
// posts come from imports or are recorded by hand), or as connected.
func (db *DB) SetAccountNoAPI(ctx context.Context, orgID, accountID int64, noAPI bool) error {
	return affected(db.w.ExecContext(ctx, `UPDATE accounts SET no_api = $3 WHERE id = $1 AND org_id = $2`, accountID, orgID, noAPI))
}

// PostsLastMonth counts an account's targets sent in the last 30 days:
// the publishing rate the pull schedule's cost is estimated from.
func (db *DB) PostsLastMonth(ctx context.Context, accountID int64) (posts int, err error) {
	since := db.Now().Add(-30 * 24 * time.Hour)
	err = db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM post_targets WHERE account_id = $1 AND state = 'sent' AND sent_at >= $2`,
		accountID, since).Scan(&posts)
	return posts, err
}

// PostsTo reports whether a member has published (or has scheduled) posts
// on an account: staff import the numbers of the accounts they post to.
func (db *DB) PostsTo(ctx context.Context, orgID, userID, accountID int64) (bool, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM post_targets t JOIN posts p ON p.id = t.post_id
		WHERE t.org_id = $1 AND p.author_id = $2 AND t.account_id = $3`, orgID, userID, accountID).Scan(&n)
	return n > 0, err
}
