package demo_test

import (
	"context"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestSeedMetrics(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, err := demo.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []*soroe.Account{
			{OrgID: id, Network: soroe.NetworkMastodon, Name: demo.AccountMastodon, Handle: "@shop", Host: "http://127.0.0.1:1"},
			{OrgID: id, Network: soroe.NetworkBluesky, Name: demo.AccountBluesky, Handle: "shop.bsky.social"},
			{OrgID: id, Network: soroe.NetworkManual, Name: demo.AccountManual},
		} {
			if err := db.CreateAccount(ctx, a, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := demo.SeedPosts(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		if err := demo.SeedMetrics(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		posts, total, err := db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: id, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var measured, external int
		for _, p := range posts {
			if p.External {
				external++
			}
			if p.Metrics == nil {
				continue
			}
			measured++
			if _, ok := p.Metrics.Value(soroe.PostImpressions); ok && (p.Network == soroe.NetworkBluesky || p.Network == soroe.NetworkMastodon) {
				t.Errorf("%s post has impressions, which its network does not give", p.Network)
			}
			if v, ok := p.Metrics.Value(soroe.PostLikes); !ok || v < 0 {
				t.Errorf("likes %d %v", v, ok)
			}
		}
		if measured < 5 || external != 8 {
			t.Errorf("measured %d of %d, external %d", measured, total, external)
		}
		// Seeding again changes nothing.
		before, _ := db.DailyMetrics(ctx, id, store.DimOrg, 0, "2000-01-01", "2100-01-01")
		if err := demo.SeedMetrics(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		after, _ := db.DailyMetrics(ctx, id, store.DimOrg, 0, "2000-01-01", "2100-01-01")
		if len(before) != len(after) {
			t.Errorf("second seed changed the rollups")
		}
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("day %s changed", before[i].Day)
			}
		}
	})
}
