package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/soroe/soroe"
)

// RecordManual records, on a member's word, where an unconfirmed target
// was posted by hand: a "manual" target at its time, or one whose outcome
// the network cannot tell (the "check by hand" note). The target becomes
// sent with that URL (as its remote ID too), the event names the member,
// and the post is settled like any other. Only an unconfirmed target of
// the organization changes: any other state is ErrTargetState, another
// organization's target is not found.
func (db *DB) RecordManual(ctx context.Context, orgID, targetID int64, rawURL string, actorID int64) error {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(rawURL) > 2048 {
		return soroe.Invalid("url", "invalid_url")
	}
	link := u.String()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var postID int64
		var state string
		err := tx.QueryRowContext(ctx, "SELECT post_id, state FROM post_targets WHERE id = $1 AND org_id = $2", targetID, orgID).Scan(&postID, &state)
		if err != nil {
			return notFound(err)
		}
		now := db.Now()
		err = tx.QueryRowContext(ctx, `UPDATE post_targets
			SET state = 'sent', remote_id = $2, url = $2, sent_at = $3, lease_until = NULL, last_error = ''
			WHERE id = $1 AND state = 'unconfirmed' RETURNING post_id`, targetID, link, now).Scan(&postID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrTargetState
		} else if err != nil {
			return err
		}
		var name string
		if err := tx.QueryRowContext(ctx, "SELECT name FROM users WHERE id = $1", actorID).Scan(&name); err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO post_events (post_id, target_id, at, kind, detail, actor_id, actor_name)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, postID, targetID, now, EventSent, "recorded by hand: "+link, actorID, name); err != nil {
			return err
		}
		return settlePost(ctx, tx, postID, now)
	})
}

// UnconfirmedToCheck returns up to limit unconfirmed targets the resolver
// can still settle, those checked longest ago first: not those of the
// "manual" network (people post them and record the URL), nor those whose
// last note is one of skipNotes (e.g. a network that cannot be checked,
// where only a person can settle the target). Without this filter, targets
// only people can settle would, once there are more than limit of them,
// starve the ones a check can settle.
func (db *DB) UnconfirmedToCheck(ctx context.Context, limit int, skipNotes ...string) ([]*soroe.Target, error) {
	q := "SELECT " + targetCols + " FROM post_targets WHERE state = $1 AND network <> $2 AND account_id NOT IN (SELECT id FROM accounts WHERE no_api)"
	args := []any{soroe.TargetUnconfirmed, soroe.NetworkManual}
	for _, n := range skipNotes {
		args = append(args, n)
		q += " AND last_error <> $" + strconv.Itoa(len(args))
	}
	args = append(args, limit)
	q += " ORDER BY last_attempt_at, id LIMIT $" + strconv.Itoa(len(args))
	return db.targets(ctx, q, args...)
}
