package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

const webhookCols = "id, org_id, name, kind, url, url_host, secret, events, enabled, last_at, last_ok, last_error, failures, warned_at, created_by, created_at"

func scanWebhook(row interface{ Scan(...any) error }) (*soroe.Webhook, error) {
	var w soroe.Webhook
	var events string
	var lastAt, warned sql.NullTime
	var lastOK sql.NullBool
	if err := row.Scan(&w.ID, &w.OrgID, &w.Name, &w.Kind, &w.URL, &w.Host, &w.Secret, &events, &w.Enabled, &lastAt, &lastOK,
		&w.LastError, &w.Failures, &warned, &w.CreatedBy, &w.CreatedAt); err != nil {
		return nil, notFound(err)
	}
	if events != "" {
		w.Events = strings.Split(events, ",")
	}
	w.LastAt, w.WarnedAt = timePtr(lastAt), timePtr(warned)
	if lastOK.Valid {
		w.LastOK = &lastOK.Bool
	}
	w.CreatedAt = w.CreatedAt.UTC()
	return &w, nil
}

// CreateWebhook stores a new webhook (validated) of an organization, at
// most soroe.MaxWebhooks of them. seal, when not nil, seals the URL and
// the secret before they are written (w keeps them in clear, for the
// reply that shows the secret once); read back, they are as written.
func (db *DB) CreateWebhook(ctx context.Context, w *soroe.Webhook, seal func(string) (string, error)) error {
	if err := w.Validate(); err != nil {
		return err
	}
	w.Host = w.URLHost()
	storedURL, storedSecret := w.URL, w.Secret
	if seal != nil {
		var err error
		if storedURL, err = seal(w.URL); err != nil {
			return err
		}
		if w.Secret != "" {
			if storedSecret, err = seal(w.Secret); err != nil {
				return err
			}
		}
	}
	w.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM webhooks WHERE org_id = $1", w.OrgID).Scan(&n); err != nil {
			return err
		}
		if n >= soroe.MaxWebhooks {
			return soroe.Invalid("url", "too_many_webhooks")
		}
		return tx.QueryRowContext(ctx, `INSERT INTO webhooks (org_id, name, kind, url, url_host, secret, events, enabled, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			w.OrgID, w.Name, w.Kind, storedURL, w.Host, storedSecret, strings.Join(w.Events, ","), w.Enabled, w.CreatedBy, w.CreatedAt).Scan(&w.ID)
	})
}

// UpdateWebhook changes a webhook's name, events and whether it is
// enabled (its kind, URL and secret stay: a new URL is a new webhook).
func (db *DB) UpdateWebhook(ctx context.Context, w *soroe.Webhook) error {
	old, err := db.Webhook(ctx, w.OrgID, w.ID)
	if err != nil {
		return err
	}
	w.Kind, w.URL, w.Host, w.Secret = old.Kind, old.URL, old.Host, old.Secret
	if err := w.ValidateSettings(); err != nil {
		return err
	}
	_, err = db.w.ExecContext(ctx, "UPDATE webhooks SET name = $3, events = $4, enabled = $5 WHERE id = $1 AND org_id = $2",
		w.ID, w.OrgID, w.Name, strings.Join(w.Events, ","), w.Enabled)
	return err
}

// Webhook returns one webhook of an organization.
func (db *DB) Webhook(ctx context.Context, orgID, id int64) (*soroe.Webhook, error) {
	return scanWebhook(db.r.QueryRowContext(ctx, "SELECT "+webhookCols+" FROM webhooks WHERE id = $1 AND org_id = $2", id, orgID))
}

// Webhooks returns an organization's webhooks, oldest first.
func (db *DB) Webhooks(ctx context.Context, orgID int64) ([]*soroe.Webhook, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+webhookCols+" FROM webhooks WHERE org_id = $1 ORDER BY id", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*soroe.Webhook
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// DeleteWebhook removes a webhook; jobs still queued for it find it gone
// and stop.
func (db *DB) DeleteWebhook(ctx context.Context, orgID, id int64) error {
	res, err := db.w.ExecContext(ctx, "DELETE FROM webhooks WHERE id = $1 AND org_id = $2", id, orgID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return soroe.ErrNotFound
	}
	return nil
}

// WarnAfterFailures is how many failed deliveries in a row make a
// webhook's managers get told (once, until it succeeds again).
const WarnAfterFailures = 3

// RecordDelivery keeps the outcome of one delivery to a webhook: a
// success clears the failure count and the warning; a failure (errText
// not empty) counts. warn is true exactly once per run of failures: when
// it reaches WarnAfterFailures and nobody was warned yet, and it marks
// the warning given in the same statement, so that two instances do not
// both warn.
func (db *DB) RecordDelivery(ctx context.Context, orgID, id int64, errText string) (warn bool, err error) {
	now := db.Now()
	if errText == "" {
		_, err := db.w.ExecContext(ctx, `UPDATE webhooks SET last_at = $3, last_ok = $4, last_error = '', failures = 0, warned_at = NULL
			WHERE id = $1 AND org_id = $2`, id, orgID, now, true)
		return false, err
	}
	if len(errText) > 500 {
		errText = errText[:500]
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET last_at = $3, last_ok = $4, last_error = $5, failures = failures + 1
			WHERE id = $1 AND org_id = $2`, id, orgID, now, false, errText); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE webhooks SET warned_at = $3
			WHERE id = $1 AND org_id = $2 AND warned_at IS NULL AND failures >= $4`, id, orgID, now, WarnAfterFailures)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		warn = n > 0
		return nil
	})
	return warn, err
}

// NotifyEvent is one notification event waiting to go to an
// organization's webhooks.
type NotifyEvent struct {
	ID        int64
	OrgID     int64
	Kind      string
	PostID    *int64
	AccountID *int64
	Params    map[string]string
	CreatedAt time.Time
}

// queueEvent writes the outbox row of a notification when one of the
// organization's enabled webhooks wants its kind.
func queueEvent(ctx context.Context, tx *sql.Tx, n soroe.Notification, params string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notify_events (org_id, kind, post_id, account_id, params, created_at)
		SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM webhooks WHERE org_id = $1 AND enabled = $7
			AND (',' || events || ',') LIKE ('%,' || $2 || ',%'))`,
		n.OrgID, n.Kind, n.PostID, n.AccountID, params, now, true)
	return err
}

// NotifyEvents returns up to limit waiting events, oldest first.
func (db *DB) NotifyEvents(ctx context.Context, limit int) ([]*NotifyEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, org_id, kind, post_id, account_id, params, created_at
		FROM notify_events ORDER BY id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*NotifyEvent
	for rows.Next() {
		var e NotifyEvent
		var post, account sql.NullInt64
		var params string
		if err := rows.Scan(&e.ID, &e.OrgID, &e.Kind, &post, &account, &params, &e.CreatedAt); err != nil {
			return nil, err
		}
		if post.Valid {
			e.PostID = &post.Int64
		}
		if account.Valid {
			e.AccountID = &account.Int64
		}
		if err := json.Unmarshal([]byte(params), &e.Params); err != nil {
			return nil, err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, &e)
	}
	return out, rows.Err()
}

// DeleteNotifyEvents removes events once their delivery jobs are queued.
func (db *DB) DeleteNotifyEvents(ctx context.Context, ids ...int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "DELETE FROM notify_events WHERE id = $1", id); err != nil {
				return err
			}
		}
		return nil
	})
}
