package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// SeedMetrics gives the demo organization its numbers, once: for every
// published target, snapshots at the pull ages that have passed (from the
// network's own metrics: no impressions on Bluesky and Mastodon, views on
// Instagram, …), follower counts per day for 90 days, and a few posts each
// connected account published outside Soroe (external posts, as an export
// brings them). All of it is derived from IDs and days, so the same demo
// reads the same numbers every time. It does nothing when the organization
// has numbers already.
func SeedMetrics(ctx context.Context, db *store.DB, orgID int64) error {
	posts, _, err := db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: orgID, Limit: 500})
	if err != nil {
		return err
	}
	for _, p := range posts {
		if p.Metrics != nil {
			return nil
		}
	}
	org, err := db.Org(ctx, orgID)
	if err != nil {
		return err
	}
	loc, now := org.Location(), db.Now()
	var in []store.MetricInput
	for _, p := range posts {
		if p.External || p.Network == soroe.NetworkManual {
			continue
		}
		for i, age := range soroe.PullAges {
			at := p.PublishedAt.Add(age)
			if at.After(now) {
				if i == 0 {
					at = now
				} else {
					break
				}
			}
			in = append(in, store.MetricInput{Subject: soroe.Subject{TargetID: p.TargetID}, CapturedAt: at,
				Source: soroe.SourceAPI, SourceDetail: string(p.Network) + " API (demo)",
				Readings: demoReadings(p.Network, seed(p.TargetID), growth(at.Sub(p.PublishedAt)))})
		}
	}
	if _, err := db.RecordMetrics(ctx, orgID, in); err != nil {
		return fmt.Errorf("demo: metrics: %w", err)
	}
	accounts, err := db.Accounts(ctx, orgID)
	if err != nil {
		return err
	}
	today := soroe.DateOf(now, loc)
	for _, a := range accounts {
		if a.Network == soroe.NetworkManual {
			continue
		}
		base := 800 + int64(seed(a.ID)%1200)
		for d := -90; d <= 0; d++ {
			day := today.AddDays(d)
			n := base + int64(float64(d+90)*(2.5+float64(seed(a.ID)%3))) + int64(seed(a.ID+int64(d)*31)%7)
			if err := db.RecordFollowers(ctx, orgID, soroe.FollowerCount{AccountID: a.ID, Day: string(day), Followers: n,
				Source: soroe.SourceAPI, At: day.Time(loc).Add(9 * time.Hour)}); err != nil {
				return fmt.Errorf("demo: followers: %w", err)
			}
		}
		if err := seedExternal(ctx, db, org, a, now); err != nil {
			return err
		}
	}
	return nil
}

// externalTexts are posts the team made by hand before Soroe.
var externalTexts = []string{
	"【完成見学会】週末は○○町で完成見学会を開きます。無垢の床と造作キッチンを実際にご覧ください。",
	"現場の朝礼。安全確認から一日が始まります。今日もよろしくお願いします！",
	"お客様の声：「相談してから完成まで、いつも写真で進み具合を送ってもらえて安心でした」",
	"施工事例集（PDF）を更新しました。断熱リフォームの事例を3件追加しています。",
}

// seedExternal imports a few posts an account published outside Soroe, as
// its export would bring them, in the weeks before the demo's month.
func seedExternal(ctx context.Context, db *store.DB, org *soroe.Org, a *soroe.Account, now time.Time) error {
	_, err := db.ImportMetrics(ctx, store.MetricImport{OrgID: org.ID, AccountID: a.ID, Format: "generic",
		FileName: fmt.Sprintf("demo-%s-export.csv", a.Network), SHA256: fmt.Sprintf("demo-external-%d", a.ID)},
		func(put func(store.ImportRecord) error) error {
			for i, text := range externalTexts {
				published := now.Add(-time.Duration(10+7*i) * 24 * time.Hour).Truncate(time.Hour)
				id := fmt.Sprintf("ext-%d-%d", a.ID, i+1)
				if err := put(store.ImportRecord{Post: &store.ImportPost{Line: i + 2, RemoteID: id, Text: text, Kind: "text",
					PublishedAt: published, Readings: demoReadings(a.Network, seed(a.ID*100+int64(i)), 1)}}); err != nil {
					return err
				}
			}
			return nil
		})
	return err
}

// growth is how much of its final numbers a post has at an age: most come
// in the first day.
func growth(age time.Duration) float64 {
	h := age.Hours()
	return math.Min(1, 0.15+0.85*(1-math.Exp(-h/20)))
}

func seed(id int64) uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, id)
	return h.Sum64()
}

// demoReadings are a post's numbers on a network at share g of their final
// values, with the metrics that network does not give marked so.
func demoReadings(n soroe.Network, s uint64, g float64) []soroe.Reading {
	exposure := 300 + float64(s%2500)
	rate := 0.02 + float64(s%60)/1000 // 2–8 %
	f := func(share float64) *int64 {
		v := int64(math.Round(exposure * rate * share * g))
		return &v
	}
	seen := int64(math.Round(exposure * g))
	none := func(m soroe.PostMetric) soroe.Reading {
		return soroe.Reading{Metric: m, Unavailable: soroe.UnavailableNotGiven}
	}
	rs := []soroe.Reading{
		{Metric: soroe.PostLikes, Value: f(0.6)},
		{Metric: soroe.PostReplies, Value: f(0.08)},
	}
	switch n {
	case soroe.NetworkX:
		rs = append(rs, soroe.Reading{Metric: soroe.PostImpressions, Value: &seen},
			soroe.Reading{Metric: soroe.PostReposts, Value: f(0.12)}, soroe.Reading{Metric: soroe.PostBookmarks, Value: f(0.05)},
			soroe.Reading{Metric: soroe.PostLinkClicks, Value: f(0.15)})
	case soroe.NetworkInstagram, soroe.NetworkFacebook, soroe.NetworkThreads:
		reach := int64(float64(seen) * 0.8)
		rs = append(rs, soroe.Reading{Metric: soroe.PostViews, Value: &seen}, soroe.Reading{Metric: soroe.PostReach, Value: &reach},
			soroe.Reading{Metric: soroe.PostSaves, Value: f(0.1)}, soroe.Reading{Metric: soroe.PostShares, Value: f(0.06)},
			none(soroe.PostImpressions))
	case soroe.NetworkLINE:
		rs = append(rs[:0], soroe.Reading{Metric: soroe.PostImpressions, Value: &seen}, soroe.Reading{Metric: soroe.PostLinkClicks, Value: f(0.3)})
	default: // Bluesky, Mastodon: counts only
		rs = append(rs, soroe.Reading{Metric: soroe.PostReposts, Value: f(0.15)}, none(soroe.PostImpressions))
	}
	return rs
}
