package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// TestMeasuredKPIs: a goal's KPIs read the measured data of its posts by
// their publish day in the organization's zone: networks' numbers, posts,
// followers, tracked clicks (the larger of the network's and Soroe's count,
// never both) and conversions of the KPI's event (GA4's or Soroe's, the
// larger); a hand-entered day is kept but a measured day wins over it.
func TestMeasuredKPIs(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newPublishFixture(t, db)
		g := &soroe.Goal{
			OrgID: f.org.ID, Title: "資料請求の増加", Purpose: soroe.PurposeLeadGeneration, Strategy: "導入事例で資料請求を増やす",
			OwnerID: f.user.ID, StartOn: "2026-11-01", Deadline: "2027-03-31",
			KPIs: []*soroe.KPI{
				{Metric: soroe.MetricConversions, Event: "download", Target: 100},
				{Metric: soroe.MetricImpressions, Target: 100000},
				{Metric: soroe.MetricEngagementRate, Target: 0.03},
				{Metric: soroe.MetricLinkClicks, Target: 1000},
				{Metric: soroe.MetricPostsPublished, Target: 50},
				{Metric: soroe.MetricFollowersGained, Target: 500},
			},
		}
		g.KPIs[0].Primary = true
		if err := db.CreateGoal(ctx, g, f.user.ID); err != nil {
			t.Fatal(err)
		}
		// Published at 2026-11-23 00:30 UTC = 09:30 in Tokyo.
		at := db.Now()
		p := &soroe.Post{OrgID: f.org.ID, AuthorID: f.user.ID, GoalID: &g.ID, State: soroe.PostScheduled, ScheduledAt: &at, Link: "https://example.jp/dl"}
		tgs := []*soroe.Target{{AccountID: f.accounts[0].ID, Text: "導入事例 https://example.jp/dl"}, {AccountID: f.accounts[1].ID, Text: "導入事例 https://example.jp/dl"}}
		if err := db.CreatePost(ctx, p, tgs); err != nil {
			t.Fatal(err)
		}
		for i, tg := range tgs {
			if ok, err := db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
				t.Fatalf("claim %v %v", ok, err)
			}
			if err := db.MarkSent(ctx, tg.ID, []string{"g1", "g2"}[i], ""); err != nil {
				t.Fatal(err)
			}
		}
		const day = "2026-11-23"
		// The networks: target 0 says 40 link clicks, target 1 has none.
		if _, err := db.RecordMetrics(ctx, f.org.ID, []store.MetricInput{
			{Subject: soroe.Subject{TargetID: tgs[0].ID}, Source: soroe.SourceAPI, Readings: []soroe.Reading{
				count(soroe.PostImpressions, 1000), count(soroe.PostLikes, 30), count(soroe.PostReposts, 10), count(soroe.PostLinkClicks, 40)}},
			{Subject: soroe.Subject{TargetID: tgs[1].ID}, Source: soroe.SourceAPI, Readings: []soroe.Reading{
				count(soroe.PostImpressions, 1000), count(soroe.PostLikes, 20)}},
		}); err != nil {
			t.Fatal(err)
		}
		// Followers of the accounts the goal posted to.
		for i, n := range []int64{500, 520} {
			d := soroe.Date(day).AddDays(i - 1)
			if err := db.RecordFollowers(ctx, f.org.ID, soroe.FollowerCount{AccountID: f.accounts[0].ID, Day: string(d), Followers: n, Source: soroe.SourceAPI}); err != nil {
				t.Fatal(err)
			}
		}
		// Soroe's tracked links: 55 clicks over the next days (counted on
		// the publish day, not the click's), three conversions, one of
		// another event and one without a click.
		var links []*soroe.Link
		for _, tg := range tgs {
			l, err := db.EnsureLink(ctx, &soroe.Link{OrgID: f.org.ID, PostID: p.ID, TargetID: tg.ID, Network: tg.Network, Destination: "https://example.jp/dl?utm_source=x", GoalID: &g.ID})
			if err != nil {
				t.Fatal(err)
			}
			links = append(links, l)
		}
		clock.Add(60 * time.Hour)
		var clicks []soroe.Click
		for i := range 55 {
			clicks = append(clicks, soroe.Click{LinkID: links[i%2].ID, OrgID: f.org.ID, At: at.Add(time.Duration(i) * time.Hour)})
		}
		if err := db.RecordClicks(ctx, clicks); err != nil {
			t.Fatal(err)
		}
		for i, c := range []*soroe.Conversion{
			{Event: "download", Code: links[0].Code, At: at.Add(30 * time.Hour)},
			{Event: "download", Code: links[1].Code, At: at.Add(50 * time.Hour)},
			{Event: "download", Code: links[1].Code, At: at.Add(51 * time.Hour)},
			{Event: "apply", Code: links[0].Code, At: at.Add(52 * time.Hour)},
			{Event: "download", At: at.Add(52 * time.Hour)},
		} {
			c.OrgID, c.Source, c.IdempotencyKey = f.org.ID, soroe.ConversionAPI, "k"+itoa(int64(i))
			if _, err := db.RecordConversion(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		// A hand-entered value on the measured day and one on another day.
		for _, e := range []*soroe.KPIEntry{
			{KPIID: g.KPIs[0].ID, Day: day, Value: 99, CreatedBy: f.user.ID},
			{KPIID: g.KPIs[0].ID, Day: "2026-11-10", Value: 4, CreatedBy: f.user.ID},
		} {
			if err := db.SetKPIEntry(ctx, f.org.ID, e); err != nil {
				t.Fatal(err)
			}
		}

		got, err := db.MeasuredKPIEntries(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		byKPI := map[int64][]*soroe.KPIEntry{}
		for _, e := range got {
			if e.Source != soroe.SourceMeasured || e.Day != day {
				t.Errorf("entry %+v: want a measured entry on %s", e, day)
			}
			byKPI[e.KPIID] = append(byKPI[e.KPIID], e)
		}
		check := func(k *soroe.KPI, v, den float64) {
			t.Helper()
			es := byKPI[k.ID]
			if len(es) != 1 || es[0].Value != v || es[0].Denominator != den {
				if len(es) == 1 {
					t.Errorf("%s: %v/%v, want %v/%v", k.Label(), es[0].Value, es[0].Denominator, v, den)
				} else {
					t.Errorf("%s: %d entries, want one of %v/%v", k.Label(), len(es), v, den)
				}
			}
		}
		check(g.KPIs[0], 3, 0)      // Soroe's downloads; "apply" and the unattributed one are not the goal's
		check(g.KPIs[1], 2000, 0)   // impressions of both targets
		check(g.KPIs[2], 100, 2000) // engagements (likes, reposts, the link clicks) over impressions
		check(g.KPIs[3], 55, 0)     // tracked clicks beat the network's 40, not 95
		check(g.KPIs[4], 1, 0)      // one post (two targets)
		check(g.KPIs[5], 20, 0)     // followers gained on the publish day

		vals, err := db.KPIValues(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		var hand, measured int
		for _, e := range vals {
			if e.KPIID != g.KPIs[0].ID {
				continue
			}
			switch {
			case e.Day == "2026-11-10" && e.Source != soroe.SourceMeasured && e.Value == 4:
				hand++
			case e.Day == day && e.Source == soroe.SourceMeasured && e.Value == 3:
				measured++
			case e.Day == day && e.Value == 99:
				// kept for what it was; score.DailyValues lets the measured day win
			default:
				t.Errorf("unexpected entry %+v", e)
			}
		}
		if hand != 1 || measured != 1 {
			t.Errorf("values: %d hand-entered, %d measured on the goal's primary KPI", hand, measured)
		}
	})
}
