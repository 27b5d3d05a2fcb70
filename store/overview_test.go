package store_test

import (
	"context"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// TestOverviewReads: the overview's period sums come from the rollups per
// dimension, follower totals are the latest reading by a day, and the
// published counts take every post that went out (with numbers or not).
func TestOverviewReads(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newHistoryFixture(t, db, clock)
		org := f.org.ID

		acc, err := db.TotalsBy(ctx, org, store.DimAccount, "2026-11-01", "2026-11-30")
		if err != nil {
			t.Fatal(err)
		}
		if m := acc[f.mastodon.ID]; m == nil || m.Posts != 2 || m.Exposure != 1300 || m.Metric(soroe.PostLikes) != 59 {
			t.Errorf("mastodon totals %+v", m)
		}
		if b := acc[f.bsky.ID]; b == nil || b.Posts != 1 || b.Exposure != 400 || b.Engagement != 60 {
			t.Errorf("bluesky totals %+v", b)
		}
		tpl, err := db.TotalsBy(ctx, org, store.DimTemplate, "2026-11-01", "2026-11-30")
		if err != nil {
			t.Fatal(err)
		}
		if tt := tpl[f.tpl.ID]; tt == nil || tt.Posts != 2 || tt.Exposure != 1400 {
			t.Errorf("型 totals (both versions) %+v", tt)
		}
		// One day in Tokyo: only the spring post (08:30 JST on the 22nd).
		day, err := db.TotalsBy(ctx, org, store.DimAccount, "2026-11-22", "2026-11-22")
		if err != nil || len(day) != 1 || day[f.bsky.ID] == nil {
			t.Errorf("one day: %+v %v", day, err)
		}
		daily, err := db.DailyBy(ctx, org, store.DimOrg, "2026-11-01", "2026-11-30")
		if err != nil || len(daily[0]) != 3 || daily[0][0].Day != "2026-11-19" || daily[0][2].Exposure != 400 {
			t.Errorf("org per day: %+v %v", daily, err)
		}
		other, err := db.TotalsBy(ctx, f.other.ID, store.DimAccount, "2026-11-01", "2026-11-30")
		if err != nil || len(other) != 0 {
			t.Errorf("the other organization sees %+v %v", other, err)
		}

		for _, fc := range []soroe.FollowerCount{
			{AccountID: f.mastodon.ID, Day: "2026-11-20", Followers: 100, Source: soroe.SourceManual, At: clock.Now()},
			{AccountID: f.mastodon.ID, Day: "2026-11-25", Followers: 120, Source: soroe.SourceManual, At: clock.Now()},
			{AccountID: f.bsky.ID, Day: "2026-11-21", Followers: 40, Source: soroe.SourceManual, At: clock.Now()},
		} {
			if err := db.RecordFollowers(ctx, org, fc); err != nil {
				t.Fatal(err)
			}
		}
		for day, want := range map[string]map[int64]int64{
			"2026-11-19": {},
			"2026-11-20": {f.mastodon.ID: 100},
			"2026-11-24": {f.mastodon.ID: 100, f.bsky.ID: 40},
			"2026-12-31": {f.mastodon.ID: 120, f.bsky.ID: 40},
		} {
			got, err := db.FollowersOn(ctx, org, day)
			if err != nil || len(got) != len(want) {
				t.Errorf("followers on %s: %v %v, want %v", day, got, err, want)
				continue
			}
			for id, n := range want {
				if got[id] != n {
					t.Errorf("followers on %s: %v, want %v", day, got, want)
				}
			}
		}

		tokyo := f.org.Location()
		p := soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-19", To: "2026-11-30"}
		from, to := p.Bounds(tokyo)
		n, err := db.Published(ctx, org, from, to)
		if err != nil {
			t.Fatal(err)
		}
		// Mastodon: the Soroe post, the one recorded by hand and the
		// external one; Bluesky: the spring post (the failed one is not out).
		if n.ByAccount[f.mastodon.ID] != 3 || n.ByAccount[f.bsky.ID] != 1 || n.ByTemplate[f.tpl.ID] != 2 {
			t.Errorf("published %+v", n)
		}
		p.From = "2026-11-21"
		from, to = p.Bounds(tokyo)
		if n, err = db.Published(ctx, org, from, to); err != nil || n.ByAccount[f.mastodon.ID] != 1 || n.ByTemplate[f.tpl.ID] != 1 {
			t.Errorf("published from the 21st %+v %v", n, err)
		}
	})
}
