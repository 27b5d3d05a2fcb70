package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func count(m soroe.PostMetric, v int64) soroe.Reading { return soroe.Reading{Metric: m, Value: &v} }

// sent publishes every target of the fixture's post (remote IDs 1001, 1002).
func (f *publishFixture) sent(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for i, tg := range f.targets {
		if ok, err := db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		id := []string{"1001", "1002"}[i]
		if err := db.MarkSent(ctx, tg.ID, id, "https://example.social/@soroe/"+id); err != nil {
			t.Fatal(err)
		}
	}
}

func daily(t *testing.T, db *store.DB, orgID int64, dim string, id int64) store.DailyTotals {
	t.Helper()
	rows, err := db.DailyMetrics(context.Background(), orgID, dim, id, "2026-01-01", "2027-12-31")
	if err != nil {
		t.Fatal(err)
	}
	var sum store.DailyTotals
	for _, r := range rows {
		sum.Add(r)
	}
	return sum
}

func TestRecordMetricsLatestAndRollups(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		f.sent(t, db)
		subj := soroe.Subject{TargetID: f.targets[0].ID}
		first := []store.MetricInput{{Subject: subj, Source: soroe.SourceAPI, Readings: []soroe.Reading{
			count(soroe.PostLikes, 10), count(soroe.PostReposts, 2),
			{Metric: soroe.PostImpressions, Unavailable: soroe.UnavailableNotGiven},
		}}}
		n, err := db.RecordMetrics(ctx, f.org.ID, first)
		if err != nil || n != 1 {
			t.Fatalf("first: %d %v", n, err)
		}
		// The same numbers again (an import of what the API said): nothing.
		clock.Add(time.Hour)
		again := []store.MetricInput{{Subject: subj, Source: soroe.SourceCSV, SourceDetail: "x.csv:2", Readings: first[0].Readings}}
		if n, err := db.RecordMetrics(ctx, f.org.ID, again); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
		clock.Add(time.Hour)
		if n, err := db.RecordMetrics(ctx, f.org.ID, []store.MetricInput{{Subject: subj, Source: soroe.SourceAPI,
			Readings: []soroe.Reading{count(soroe.PostLikes, 14)}}}); err != nil || n != 1 {
			t.Fatalf("later: %d %v", n, err)
		}
		ls, err := db.PostLatestMetrics(ctx, f.org.ID, f.post.ID)
		if err != nil || len(ls) != 1 {
			t.Fatalf("latest: %v %v", ls, err)
		}
		l := ls[0]
		if v, ok := l.Value(soroe.PostLikes); !ok || v != 14 {
			t.Errorf("likes = %d %v", v, ok)
		}
		if v, ok := l.Value(soroe.PostReposts); !ok || v != 2 {
			t.Errorf("reposts kept from the earlier snapshot: %d %v", v, ok)
		}
		if _, ok := l.Value(soroe.PostImpressions); ok {
			t.Error("impressions not given must not read as a value")
		}
		for _, r := range l.Readings {
			if r.Metric == soroe.PostImpressions && r.Unavailable != soroe.UnavailableNotGiven {
				t.Errorf("impressions reason = %q", r.Unavailable)
			}
		}
		if l.Engagement == nil || *l.Engagement != 16 || l.Exposure != nil {
			t.Errorf("derived: engagement %v exposure %v", l.Engagement, l.Exposure)
		}
		snaps, err := db.SnapshotsOf(ctx, f.org.ID, subj)
		if err != nil {
			t.Fatal(err)
		}
		if len(snaps) != 4 { // likes, reposts, impressions(n/a); likes
			t.Errorf("snapshots = %d: %+v", len(snaps), snaps)
		}
		// Rollups hold the latest values once: org, account, member.
		for _, d := range []struct {
			dim string
			id  int64
		}{{store.DimOrg, 0}, {store.DimAccount, f.accounts[0].ID}, {store.DimMember, f.user.ID}} {
			tot := daily(t, db, f.org.ID, d.dim, d.id)
			if tot.Posts != 1 || tot.Metric(soroe.PostLikes) != 14 || tot.Engagement != 16 {
				t.Errorf("%s rollup: %+v", d.dim, tot)
			}
		}
		if tot := daily(t, db, f.org.ID, store.DimAccount, f.accounts[1].ID); tot.Posts != 0 {
			t.Errorf("other account: %+v", tot)
		}
		// Rebuild gives the same totals.
		if err := db.RebuildRollups(ctx, f.org.ID); err != nil {
			t.Fatal(err)
		}
		if tot := daily(t, db, f.org.ID, store.DimOrg, 0); tot.Posts != 1 || tot.Metric(soroe.PostLikes) != 14 {
			t.Errorf("after rebuild: %+v", tot)
		}
		// Another organization's post is not found; negative counts refused.
		other := &soroe.Org{Name: "他社"}
		if err := db.CreateUserWithOrg(ctx, &soroe.User{Email: "z@example.jp", Name: "Z", PasswordHash: "x"}, other); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RecordMetrics(ctx, other.ID, first); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other org: %v", err)
		}
		if _, err := db.RecordMetrics(ctx, f.org.ID, []store.MetricInput{{Subject: subj, Source: soroe.SourceAPI,
			Readings: []soroe.Reading{count(soroe.PostLikes, -1)}}}); soroe.ErrorField(err) != "likes" {
			t.Errorf("negative: %v", err)
		}
	})
}

func TestImportMetricsMatchesExternalAndIsIdempotent(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		f.sent(t, db)
		acct := f.accounts[0] // mastodon, target remote ID 1001
		pub := clock.Now().Add(-48 * time.Hour)
		rows := []store.ImportRecord{
			{Post: &store.ImportPost{Line: 2, RemoteID: "1001", Readings: []soroe.Reading{count(soroe.PostLikes, 5), count(soroe.PostImpressions, 100)}}},
			{Post: &store.ImportPost{Line: 3, URL: "https://example.social/@soroe/2002", Text: "手で投稿", PublishedAt: pub,
				Readings: []soroe.Reading{count(soroe.PostLikes, 7), count(soroe.PostImpressions, 300)}}},
			{Account: &store.ImportAccountDay{Line: 4, Day: "2026-11-22", Followers: ptr(1200)}},
		}
		imp := store.MetricImport{OrgID: f.org.ID, AccountID: acct.ID, By: f.user.ID, Format: "generic", FileName: "m.csv", SHA256: "abc"}
		feed := func(put func(store.ImportRecord) error) error {
			for _, r := range rows {
				if err := put(r); err != nil {
					return err
				}
			}
			return nil
		}
		dry := imp
		dry.DryRun = true
		s, err := db.ImportMetrics(ctx, dry, feed)
		if err != nil || s.Matched != 1 || s.External != 1 || s.SnapshotsAdded != 2 || !s.DryRun {
			t.Fatalf("dry run: %+v %v", s, err)
		}
		if tot := daily(t, db, f.org.ID, store.DimOrg, 0); tot.Posts != 0 {
			t.Fatalf("a dry run saved: %+v", tot)
		}
		s, err = db.ImportMetrics(ctx, imp, feed)
		if err != nil || s.Matched != 1 || s.External != 1 || s.SnapshotsAdded != 2 || s.FollowerDays != 1 {
			t.Fatalf("import: %+v %v", s, err)
		}
		tot := daily(t, db, f.org.ID, store.DimOrg, 0)
		if tot.Posts != 2 || tot.Metric(soroe.PostImpressions) != 400 || tot.Exposure != 400 {
			t.Errorf("rollup after import: %+v", tot)
		}
		// The same file again: nothing changes.
		s, err = db.ImportMetrics(ctx, imp, feed)
		if err != nil || !s.AlreadyImported || s.SnapshotsAdded != 0 {
			t.Fatalf("same file: %+v %v", s, err)
		}
		// The same rows in another file (another hash): no snapshot either.
		imp2 := imp
		imp2.SHA256, imp2.FileName = "def", "m2.csv"
		s, err = db.ImportMetrics(ctx, imp2, feed)
		if err != nil || s.SnapshotsAdded != 0 || s.NewExternal != 0 || s.External != 1 {
			t.Fatalf("same rows: %+v %v", s, err)
		}
		if tot2 := daily(t, db, f.org.ID, store.DimOrg, 0); tot2 != tot {
			t.Errorf("counted twice: %+v vs %+v", tot2, tot)
		}
		fc, err := db.Followers(ctx, f.org.ID, acct.ID, "2026-11-01", "2026-11-30")
		if err != nil || len(fc) != 1 || fc[0].Followers != 1200 {
			t.Errorf("followers: %+v %v", fc, err)
		}
		// A failing file changes nothing.
		bad := imp
		bad.SHA256 = "bad"
		_, err = db.ImportMetrics(ctx, bad, func(put func(store.ImportRecord) error) error {
			if err := put(store.ImportRecord{Post: &store.ImportPost{Line: 2, RemoteID: "9999", PublishedAt: pub,
				Readings: []soroe.Reading{count(soroe.PostLikes, 1)}}}); err != nil {
				return err
			}
			return errors.New("line 3: bad number")
		})
		if err == nil {
			t.Fatal("bad file accepted")
		}
		if tot2 := daily(t, db, f.org.ID, store.DimOrg, 0); tot2 != tot {
			t.Errorf("a rejected file changed rollups: %+v", tot2)
		}
		list, err := db.MetricImports(ctx, f.org.ID, 10)
		if err != nil || len(list) != 2 {
			t.Errorf("imports log: %d %v", len(list), err)
		}
	})
}

func ptr(v int64) *int64 { return &v }
