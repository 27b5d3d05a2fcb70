package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// ScoreTask is a post whose reaction score is due: new numbers arrived, or
// it was scored with another formula version.
type ScoreTask struct {
	OrgID   int64
	Subject soroe.Subject
}

// SubjectsToScore returns up to limit posts to score, those with the
// oldest numbers first.
func (db *DB) SubjectsToScore(ctx context.Context, version, limit int) ([]ScoreTask, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT org_id, target_id, external_id FROM metric_latest
		WHERE scored_at IS NULL OR score_version <> $1 ORDER BY captured_at, id LIMIT $2`, version, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScoreTask
	for rows.Next() {
		var t ScoreTask
		var target, external sql.NullInt64
		if err := rows.Scan(&t.OrgID, &target, &external); err != nil {
			return nil, err
		}
		t.Subject = soroe.Subject{TargetID: target.Int64, ExternalID: external.Int64}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ScorePost is what the reaction score reads of one post: its numbers,
// kind, account, age and followers, with the same of the posts it is
// compared with at the same age.
type ScorePost struct {
	Subject     soroe.Subject
	AccountID   int64
	Network     soroe.Network
	Kind        string
	PublishedAt time.Time
	Values      map[soroe.PostMetric]int64
	Followers   int64 // the account's followers on the publish day (or the nearest day before); 0 unknown
	Conversions int64
}

// ScoreInput reads a post for scoring at now, and its baselines: the
// account's posts of the same kind published in the days before it
// (newest first, at most limit), and the organization's, each with its
// numbers as they were at the post's age (the last snapshot captured by
// then). Posts that had no numbers by that age are left out.
func (db *DB) ScoreInput(ctx context.Context, orgID int64, subj soroe.Subject, now time.Time, days, limit int) (post *ScorePost, account, org []*ScorePost, err error) {
	l, err := db.latestOf(ctx, orgID, subj)
	if err != nil {
		return nil, nil, nil, err
	}
	post = &ScorePost{Subject: subj, AccountID: l.AccountID, Network: l.Network, Kind: l.Kind, PublishedAt: l.PublishedAt, Values: map[soroe.PostMetric]int64{}}
	for _, r := range l.Readings {
		if r.Value != nil {
			post.Values[r.Metric] = *r.Value
		}
	}
	age := now.Sub(l.PublishedAt)
	since := l.PublishedAt.Add(-time.Duration(days) * 24 * time.Hour)
	cand := func(where string, args ...any) ([]*ScorePost, error) {
		q := `SELECT target_id, external_id, account_id, network, kind, published_at FROM metric_latest
			WHERE org_id = $1 AND kind = $2 AND published_at < $3 AND published_at >= $4 AND ` + where + `
			ORDER BY published_at DESC LIMIT ` + fmt.Sprint(limit)
		rows, err := db.r.QueryContext(ctx, q, append([]any{orgID, l.Kind, ts(l.PublishedAt), ts(since)}, args...)...)
		if err != nil {
			return nil, err
		}
		var out []*ScorePost
		for rows.Next() {
			var p ScorePost
			var target, external sql.NullInt64
			if err := rows.Scan(&target, &external, &p.AccountID, &p.Network, &p.Kind, &p.PublishedAt); err != nil {
				rows.Close()
				return nil, err
			}
			p.Subject = soroe.Subject{TargetID: target.Int64, ExternalID: external.Int64}
			p.PublishedAt = p.PublishedAt.UTC()
			out = append(out, &p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return db.valuesAtAge(ctx, out, age)
	}
	if account, err = cand("account_id = $5", l.AccountID); err != nil {
		return nil, nil, nil, err
	}
	if org, err = cand("network = $5", string(l.Network)); err != nil {
		return nil, nil, nil, err
	}
	all := append([]*ScorePost{post}, append(account, org...)...)
	if err := db.followersAtPublish(ctx, all); err != nil {
		return nil, nil, nil, err
	}
	return post, account, org, nil
}

func (db *DB) latestOf(ctx context.Context, orgID int64, subj soroe.Subject) (*LatestMetrics, error) {
	col, id := "target_id", subj.TargetID
	if subj.ExternalID > 0 {
		col, id = "external_id", subj.ExternalID
	}
	l, err := scanLatestMetrics(db.r.QueryRowContext(ctx, "SELECT "+latestCols+", score_version, score_detail FROM metric_latest WHERE "+col+" = $1 AND org_id = $2", id, orgID))
	return l, notFound(err)
}

// valuesAtAge fills each post's values from its last snapshot captured by
// its publish time + age, and drops posts with none.
func (db *DB) valuesAtAge(ctx context.Context, posts []*ScorePost, age time.Duration) ([]*ScorePost, error) {
	if len(posts) == 0 {
		return nil, nil
	}
	var targets, externals []string
	for _, p := range posts {
		if p.Subject.TargetID > 0 {
			targets = append(targets, fmt.Sprint(p.Subject.TargetID))
		} else {
			externals = append(externals, fmt.Sprint(p.Subject.ExternalID))
		}
	}
	var cond []string
	if len(targets) > 0 {
		cond = append(cond, "target_id IN ("+strings.Join(targets, ",")+")")
	}
	if len(externals) > 0 {
		cond = append(cond, "external_id IN ("+strings.Join(externals, ",")+")")
	}
	rows, err := db.r.QueryContext(ctx, `SELECT target_id, external_id, captured_at, unavailable, `+metricCols+`
		FROM metric_snapshots WHERE `+strings.Join(cond, " OR ")+` ORDER BY captured_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[soroe.Subject]*ScorePost{}
	for _, p := range posts {
		by[p.Subject] = p
	}
	for rows.Next() {
		var target, external sql.NullInt64
		var at time.Time
		var unavailable string
		var x values
		if err := rows.Scan(append([]any{&target, &external, &at, &unavailable}, x.scanDest()...)...); err != nil {
			return nil, err
		}
		p := by[soroe.Subject{TargetID: target.Int64, ExternalID: external.Int64}]
		if p == nil || at.UTC().After(p.PublishedAt.Add(age)) {
			continue
		}
		if p.Values == nil {
			p.Values = map[soroe.PostMetric]int64{}
		}
		for i, v := range x.v {
			if v != nil {
				p.Values[soroe.PostMetrics[i]] = *v
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []*ScorePost
	for _, p := range posts {
		if p.Values != nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// followersAtPublish sets each post's follower count of its account on
// the publish day (or the nearest earlier day known).
func (db *DB) followersAtPublish(ctx context.Context, posts []*ScorePost) error {
	for _, p := range posts {
		err := db.r.QueryRowContext(ctx, `SELECT followers FROM account_followers WHERE account_id = $1 AND at <= $2
			ORDER BY day DESC LIMIT 1`, p.AccountID, ts(p.PublishedAt.Add(24*time.Hour))).Scan(&p.Followers)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
	}
	return nil
}

// SetScore stores a post's reaction score (nil: it cannot be scored now —
// no denominator or nothing to compare with) with its version and detail,
// and moves the rollups' score sums by the change, in one transaction.
func (db *DB) SetScore(ctx context.Context, orgID int64, subj soroe.Subject, value *int64, version int, detail string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		org, err := scanOrg(tx.QueryRowContext(ctx, "SELECT "+orgCols+" FROM orgs o WHERE o.id = $1", orgID))
		if err != nil {
			return err
		}
		s, err := subjectFor(ctx, tx, orgID, subj, org.Location())
		if err != nil {
			return err
		}
		if s.latestID == 0 {
			return soroe.ErrNotFound
		}
		before := s.vector()
		s.score = value
		if _, err := tx.ExecContext(ctx, `UPDATE metric_latest SET score = $2, score_version = $3, score_detail = $4, scored_at = $5 WHERE id = $1`,
			s.latestID, ptrArg(value), version, detail, db.Now()); err != nil {
			return err
		}
		roll := rollups{}
		roll.add(s, sub(s.vector(), before))
		return roll.flush(ctx, tx)
	})
}
