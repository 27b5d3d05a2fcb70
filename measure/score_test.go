package measure_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/score"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestScoreDue(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		org, u, acct, _ := fixture(t, db, 0)
		if err := db.RecordFollowers(ctx, org.ID, soroe.FollowerCount{AccountID: acct.ID, Day: string(soroe.DateOf(clock.Now(), org.Location()).AddDays(-1)), Followers: 1000, Source: soroe.SourceAPI, At: clock.Now().Add(-24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		var subjects []soroe.Subject
		for i := range 13 {
			at := db.Now()
			p := &soroe.Post{OrgID: org.ID, AuthorID: u.ID, State: soroe.PostScheduled, ScheduledAt: &at}
			tg := &soroe.Target{AccountID: acct.ID, Text: fmt.Sprintf("投稿 %d", i)}
			if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
				t.Fatal(err)
			}
			if ok, err := db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
				t.Fatal(ok, err)
			}
			if err := db.MarkSent(ctx, tg.ID, fmt.Sprint(100+i), ""); err != nil {
				t.Fatal(err)
			}
			likes := int64(10 + i)
			if i == 12 {
				likes = 60 // the last post does far better than usual
			}
			subj := soroe.Subject{TargetID: tg.ID}
			if _, err := db.RecordMetrics(ctx, org.ID, []store.MetricInput{{Subject: subj, Source: soroe.SourceAPI, CapturedAt: db.Now().Add(time.Hour),
				Readings: []soroe.Reading{{Metric: soroe.PostLikes, Value: &likes}}}}); err != nil {
				t.Fatal(err)
			}
			subjects = append(subjects, subj)
			clock.Add(2 * time.Hour)
		}
		clock.Add(30 * time.Hour)
		n, err := measure.ScoreDue(ctx, db, clock.Now(), 100)
		if err != nil {
			t.Fatal(err)
		}
		// The first post has nobody to compare with; the others do (the
		// organization's posts until the account has ten).
		if n != 12 {
			t.Errorf("scored %d", n)
		}
		if again, _ := measure.ScoreDue(ctx, db, clock.Now(), 100); again != 0 {
			t.Errorf("scored again without new numbers: %d", again)
		}
		last := subjects[12]
		posts, _, err := db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: org.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var top *store.LatestMetrics
		for _, p := range posts {
			if p.TargetID == last.TargetID {
				top = p.Metrics
			}
		}
		if top == nil || top.Score == nil || *top.Score != 100 || top.ScoreVersion != score.Version {
			t.Fatalf("the best post: %+v", top)
		}
		var d struct {
			Result score.Result `json:"result"`
			JA     []string     `json:"ja"`
		}
		if err := json.Unmarshal([]byte(top.ScoreDetail), &d); err != nil {
			t.Fatal(err)
		}
		if d.Result.Rate.Per != "followers" || d.Result.Baseline != score.BaselineAccount || d.Result.N != 12 {
			t.Errorf("result: %+v", d.Result)
		}
		if j := strings.Join(d.JA, " "); !strings.Contains(j, "いいね 60") || !strings.Contains(j, "公開日のフォロワーあたり") {
			t.Errorf("breakdown: %v", d.JA)
		}
		// Rollups hold the score sums.
		days, _ := db.DailyMetrics(ctx, org.ID, store.DimAccount, acct.ID, "2000-01-01", "2100-01-01")
		var tot store.DailyTotals
		for _, x := range days {
			tot.Add(x)
		}
		if tot.Scored != 12 {
			t.Errorf("rollup scored %d", tot.Scored)
		}
		// New numbers make a post due again.
		v := int64(61)
		if _, err := db.RecordMetrics(ctx, org.ID, []store.MetricInput{{Subject: last, Source: soroe.SourceAPI, Readings: []soroe.Reading{{Metric: soroe.PostLikes, Value: &v}}}}); err != nil {
			t.Fatal(err)
		}
		if again, _ := measure.ScoreDue(ctx, db, clock.Now(), 100); again != 1 {
			t.Errorf("rescored %d", again)
		}
	})
}
