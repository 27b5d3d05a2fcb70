package measure_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// reader is a network.MetricsReader of functions.
type reader struct {
	batch       int
	metricsFn   func(qs []network.MetricsQuery) ([]network.PostMetrics, error)
	followersFn func() (int64, error)
	calls       int
	followers   int
}

func (r *reader) MetricsBatch() int { return r.batch }
func (r *reader) PostMetrics(_ context.Context, _ *network.Account, qs []network.MetricsQuery) ([]network.PostMetrics, error) {
	r.calls++
	if len(qs) > r.batch {
		return nil, fmt.Errorf("batch of %d over %d", len(qs), r.batch)
	}
	return r.metricsFn(qs)
}
func (r *reader) Followers(context.Context, *network.Account) (int64, error) {
	r.followers++
	return r.followersFn()
}

// fixture publishes n posts on one Mastodon account at the clock's now.
func fixture(t *testing.T, db *store.DB, n int) (*soroe.Org, *soroe.User, *soroe.Account, []*soroe.Target) {
	t.Helper()
	ctx := context.Background()
	org := &soroe.Org{Name: "揃え商事"}
	u := &soroe.User{Email: "m@example.jp", Name: "M", PasswordHash: "x"}
	if err := db.CreateUserWithOrg(ctx, u, org); err != nil {
		t.Fatal(err)
	}
	a := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkMastodon, Name: "公式", Handle: "soroe"}
	if err := db.CreateAccount(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	var targets []*soroe.Target
	for i := range n {
		at := db.Now()
		p := &soroe.Post{OrgID: org.ID, AuthorID: u.ID, State: soroe.PostScheduled, ScheduledAt: &at}
		tg := &soroe.Target{AccountID: a.ID, Text: fmt.Sprintf("投稿 %d", i)}
		if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
			t.Fatal(err)
		}
		if ok, err := db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if err := db.MarkSent(ctx, tg.ID, fmt.Sprint(9000+i), ""); err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	return org, u, a, targets
}

func likes(v int64) []soroe.Reading {
	return []soroe.Reading{network.Count(soroe.PostLikes, v), network.NotAvailable(soroe.PostImpressions, soroe.UnavailableNotGiven)}
}

func TestPullScheduleBatchesAndFailures(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		org, _, acct, targets := fixture(t, db, 45)
		var fail error
		val := int64(1)
		r := &reader{batch: 20, followersFn: func() (int64, error) { return 500, nil }}
		r.metricsFn = func(qs []network.MetricsQuery) ([]network.PostMetrics, error) {
			if fail != nil {
				return nil, fail
			}
			var out []network.PostMetrics
			for _, q := range qs {
				if q.RemoteID == "9000" {
					out = append(out, network.PostMetrics{RemoteID: q.RemoteID, Missing: true})
					continue
				}
				out = append(out, network.PostMetrics{RemoteID: q.RemoteID, Readings: likes(val)})
			}
			return out, nil
		}
		p := &measure.Puller{Store: db, Readers: map[soroe.Network]network.MetricsReader{soroe.NetworkMastodon: r}, Clock: clock.Now}

		// Nothing is due before the first age.
		if ids, _ := db.DueMetricAccounts(ctx, clock.Now(), 10); len(ids) != 0 {
			t.Fatalf("due too early: %v", ids)
		}
		clock.Add(time.Hour)
		ids, err := db.DueMetricAccounts(ctx, clock.Now(), 10)
		if err != nil || len(ids) != 1 || ids[0] != acct.ID {
			t.Fatalf("due: %v %v", ids, err)
		}
		res, err := p.PullAccount(ctx, acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Targets != 45 || res.Calls != 3 || res.Snapshots != 44 || res.Missing != 1 || !res.Followers {
			t.Errorf("first pull: %+v", res)
		}
		// Done for this age; the follower count is not read twice a day.
		if res, _ := p.PullAccount(ctx, acct.ID); res.Calls != 0 {
			t.Errorf("pulled again before the next age: %+v", res)
		}
		// At 6 h: the network fails. Numbers stay, the account says so,
		// and managers are warned once after three failures.
		clock.Add(5 * time.Hour)
		fail = &network.Error{Kind: network.ErrTemporary, Status: 503, Reason: "upstream down"}
		for i := range 4 {
			if _, err := p.PullAccount(ctx, acct.ID); err != nil {
				t.Fatal(err)
			}
			clock.Add(time.Hour + time.Minute) // the retry
			_ = i
		}
		h, err := db.AccountMetricsHealth(ctx, org.ID, acct.ID)
		if err != nil || h.Failures != 4 || h.Error == "" {
			t.Errorf("health: %+v %v", h, err)
		}
		ls, _ := db.PostLatestMetrics(ctx, org.ID, targets[1].PostID)
		if len(ls) != 1 {
			t.Fatalf("latest kept: %v", ls)
		}
		if v, ok := ls[0].Value(soroe.PostLikes); !ok || v != 1 {
			t.Errorf("previous numbers lost: %v %v", v, ok)
		}
		managers, _ := db.MembersWithRole(ctx, org.ID, soroe.RoleOwner)
		notes, _, err := db.Notifications(ctx, org.ID, managers[0], 50)
		if err != nil {
			t.Fatal(err)
		}
		warned := 0
		for _, n := range notes {
			if n.Kind == soroe.NotifyMetricsFailing {
				warned++
			}
		}
		if warned != 1 {
			t.Errorf("warnings = %d, want 1 (no storm)", warned)
		}
		// Recovery clears the failures.
		fail, val = nil, 7
		res, err = p.PullAccount(ctx, acct.ID)
		if err != nil || res.Snapshots != 44 {
			t.Errorf("recovered: %+v %v", res, err)
		}
		if h, _ := db.AccountMetricsHealth(ctx, org.ID, acct.ID); h.Failures != 0 || h.Error != "" || h.PulledAt == nil {
			t.Errorf("health after recovery: %+v", h)
		}
		// A rate limit defers to its reset.
		clock.Add(24 * time.Hour)
		reset := clock.Now().Add(15 * time.Minute)
		fail = &network.Error{Kind: network.ErrRateLimited, Status: 429, RetryAfter: reset}
		if _, err := p.PullAccount(ctx, acct.ID); err != nil {
			t.Fatal(err)
		}
		if ids, _ := db.DueMetricAccounts(ctx, reset.Add(-time.Second), 10); len(ids) != 0 {
			t.Errorf("due before the reset")
		}
		if ids, _ := db.DueMetricAccounts(ctx, reset, 10); len(ids) != 1 {
			t.Errorf("not due at the reset")
		}
		// Past the last age the schedule ends.
		fail = nil
		clock.Add(31 * 24 * time.Hour)
		for range 3 {
			if _, err := p.PullAccount(ctx, acct.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ids, _ := db.DueMetricAccounts(ctx, clock.Now().Add(365*24*time.Hour), 10); len(ids) != 0 {
			t.Errorf("schedule never ends: %v", ids)
		}
		// Pulls turned off: nothing is due, a refresh still works.
		if err := db.SetAccountMetrics(ctx, org.ID, acct.ID, false); err != nil {
			t.Fatal(err)
		}
		val = 9
		res, err = p.RefreshPost(ctx, org.ID, targets[2].PostID)
		if err != nil || res.Snapshots != 1 || res.Calls != 1 {
			t.Errorf("refresh: %+v %v", res, err)
		}
	})
}
