package web

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/report"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// BenchmarkOverview times the overview's server work (buildOverview: every
// query and sum behind /overview) for this month on a small and a large
// generated history — six months of posts on eight accounts, 30 snapshots
// each — and the monthly PDF and PPTX of the large one. Run it with
//
//	go test ./web -run '^$' -bench Overview -benchtime 20x
//
// (SOROE_TEST_POSTGRES set adds PostgreSQL; SOROE_BENCH_POSTS sets the
// large history's posts, default 200,000, i.e. 6,000,000 snapshots).
// Reported: p50 and p90 per overview in ms.
func BenchmarkOverview(b *testing.B) {
	large := 200000
	if v, err := strconv.Atoi(os.Getenv("SOROE_BENCH_POSTS")); err == nil && v > 0 {
		large = v
	}
	for _, e := range storetest.Engines() {
		for _, n := range []int{2000, large} {
			b.Run(fmt.Sprintf("%s/posts=%d", e, n), func(b *testing.B) {
				s, org := overviewHistory(b, e, n)
				today := s.today(org)
				p, _ := soroe.ParsePeriod(soroe.PeriodMonth, "", "", today)
				b.Run("overview", func(b *testing.B) {
					var times []time.Duration
					for b.Loop() {
						start := time.Now()
						if _, err := s.buildOverview(context.Background(), soroe.LangJA, org, p); err != nil {
							b.Fatal(err)
						}
						times = append(times, time.Since(start))
					}
					slices.Sort(times)
					b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
					b.ReportMetric(float64(times[len(times)*9/10].Microseconds())/1000, "p90-ms")
				})
				if n != large {
					return
				}
				last, _ := soroe.ParsePeriod(soroe.PeriodLastMonth, "", "", today)
				var rep *report.Report
				b.Run("report-build", func(b *testing.B) {
					for b.Loop() {
						var err error
						if rep, err = s.BuildReport(context.Background(), org, report.Monthly, last, soroe.LangJA); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("report-pdf", func(b *testing.B) {
					for b.Loop() {
						if _, err := rep.PDF(); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run("report-pptx", func(b *testing.B) {
					for b.Loop() {
						if _, err := rep.PPTX(); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}

// overviewHistory generates an organization with n posts over the 180
// days before the clock (one target each, on eight accounts of five
// networks, three goals, four 型, two authors), their latest numbers and
// scores, 30 snapshots a post, followers per account and day, and the
// rollups rebuilt from them. The rows are written by SQL in bulk.
func overviewHistory(b *testing.B, e store.Engine, n int) (*Server, *soroe.Org) {
	b.Helper()
	ctx := context.Background()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.Open(b, e, clock.Now)
	srv, err := New(Config{Store: db, Clock: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	owner := &soroe.User{Email: "bench@example.jp", Name: "ベンチ", PasswordHash: "x"}
	org := &soroe.Org{Name: "ベンチ工務店", TimeZone: "Asia/Tokyo"}
	if err := db.CreateUserWithOrg(ctx, owner, org); err != nil {
		b.Fatal(err)
	}
	staff := &soroe.User{Email: "staff@example.jp", Name: "現場", PasswordHash: "x"}
	if err := db.CreateUser(ctx, staff); err != nil {
		b.Fatal(err)
	}
	if err := db.InsertMember(ctx, org.ID, staff.ID, soroe.RoleStaff); err != nil {
		b.Fatal(err)
	}
	var goals, tpls, accounts []int64
	for i := range 3 {
		g := &soroe.Goal{OrgID: org.ID, Title: fmt.Sprintf("目標 %d", i), Purpose: soroe.PurposeAwareness, OwnerID: owner.ID, StartOn: "2026-06-01", Deadline: "2027-03-31",
			KPIs: []*soroe.KPI{{Metric: soroe.MetricImpressions, Target: 5e6, Primary: true}, {Metric: soroe.MetricEngagementRate, Target: 0.04}}}
		if err := db.CreateGoal(ctx, g, owner.ID); err != nil {
			b.Fatal(err)
		}
		goals = append(goals, g.ID)
	}
	for i := range 4 {
		t := &soroe.Template{OrgID: org.ID, GoalID: goals[i%3], CreatedBy: owner.ID, TemplateBody: soroe.TemplateBody{Name: fmt.Sprintf("型 %d", i), Structure: "{x}",
			Networks: []soroe.Network{soroe.NetworkX}, Frequency: soroe.Frequency{Count: 3, Per: "week"}}}
		if err := db.CreateTemplate(ctx, t); err != nil {
			b.Fatal(err)
		}
		tpls = append(tpls, t.ID)
	}
	nets := []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram, soroe.NetworkFacebook, soroe.NetworkBluesky, soroe.NetworkMastodon, soroe.NetworkX, soroe.NetworkInstagram, soroe.NetworkThreads}
	for i, nw := range nets {
		a := &soroe.Account{OrgID: org.ID, Network: nw, Name: fmt.Sprintf("%s %d", nw, i), Handle: fmt.Sprintf("b%d", i)}
		if err := db.CreateAccount(ctx, a, ""); err != nil {
			b.Fatal(err)
		}
		accounts = append(accounts, a.ID)
	}
	start := time.Now()
	w := db.Writer()
	span := 180 * 24 * 3600 // seconds
	base := clock.Now().Add(-time.Duration(span) * time.Second).UTC()
	step := span / n
	series, at, day := func(k int) string {
		if e == store.Postgres {
			return fmt.Sprintf("generate_series(0, %d) AS s(i)", k-1)
		}
		return fmt.Sprintf("(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %d) SELECT i FROM s) s", k-1)
	}, func(sec string) string {
		if e == store.Postgres {
			return fmt.Sprintf("(TIMESTAMPTZ '%s' + (%s) * INTERVAL '1 second')", base.Format("2006-01-02 15:04:05+00"), sec)
		}
		return fmt.Sprintf("strftime('%%Y-%%m-%%d %%H:%%M:%%S+00:00', '%s', '+' || (%s) || ' seconds')", base.Format("2006-01-02 15:04:05"), sec)
	}, func(sec string) string {
		if e == store.Postgres {
			return fmt.Sprintf("to_char((TIMESTAMPTZ '%s' + (%s) * INTERVAL '1 second') AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD')", base.Format("2006-01-02 15:04:05+00"), sec)
		}
		return fmt.Sprintf("strftime('%%Y-%%m-%%d', '%s', '+' || (%s) || ' seconds', '+9 hours')", base.Format("2006-01-02 15:04:05"), sec)
	}
	var first int64
	if err := w.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) FROM posts").Scan(&first); err != nil {
		b.Fatal(err)
	}
	sec := fmt.Sprintf("i * %d", step)
	pick := func(ids []int64, col string) string {
		out := "CASE " + col
		for i, id := range ids {
			out += fmt.Sprintf(" WHEN %d THEN %d", i, id)
		}
		return out + " END"
	}
	netOf := "CASE i % 8"
	for i, nw := range nets {
		netOf += fmt.Sprintf(" WHEN %d THEN '%s'", i, nw)
	}
	netOf += " END"
	stmts := []string{
		fmt.Sprintf(`INSERT INTO posts (id, org_id, goal_id, template_id, template_version, author_id, state, scheduled_at, created_at, updated_at)
			SELECT %d + 1 + i, %d, %s, %s, 1, CASE i %% 2 WHEN 0 THEN %d ELSE %d END, 'published', %s, %s, %s FROM %s`,
			first, org.ID, pick(goals, "i % 3"), pick(tpls, "i % 4"), owner.ID, staff.ID, at(sec), at(sec), at(sec), series(n)),
		fmt.Sprintf(`INSERT INTO post_targets (id, post_id, org_id, account_id, network, text, state, next_attempt_at, idempotency_key, remote_id, sent_at)
			SELECT %d + 1 + i, %d + 1 + i, %d, %s, %s, '施工事例の紹介 その' || i, 'sent', %s, 'bench-' || i, 'r' || i, %s FROM %s`,
			first, first, org.ID, pick(accounts, "i % 8"), netOf, at(sec), at(sec), series(n)),
		fmt.Sprintf(`INSERT INTO metric_latest (org_id, target_id, post_id, account_id, network, goal_id, template_id, template_ver, author_id, published_at, day,
				impressions, likes, reposts, exposure, exposure_kind, engagement, captured_at, score, score_version, scored_at)
			SELECT %d, %d + 1 + i, %d + 1 + i, %s, %s, %s, %s, 1, CASE i %% 2 WHEN 0 THEN %d ELSE %d END, %s, %s,
				500 + (i * 37) %% 3000, 5 + (i * 13) %% 120, (i * 7) %% 20, 500 + (i * 37) %% 3000, 'impressions', 5 + (i * 13) %% 120 + (i * 7) %% 20, %s, (i * 29) %% 101, 1, %s FROM %s`,
			org.ID, first, first, pick(accounts, "i % 8"), netOf, pick(goals, "i % 3"), pick(tpls, "i % 4"), owner.ID, staff.ID, at(sec), day(sec), at(sec), at(sec), series(n)),
		fmt.Sprintf(`INSERT INTO metric_snapshots (org_id, target_id, captured_at, source, impressions, likes)
			SELECT %d, t.id, t.sent_at, 'api', 100 * s.i, s.i FROM post_targets t, %s WHERE t.org_id = %d`,
			org.ID, series(30), org.ID),
		fmt.Sprintf(`INSERT INTO account_followers (account_id, org_id, day, followers, source, at)
			SELECT a.id, %d, %s, 1000 + s.i * 3, 'api', %s FROM accounts a, %s WHERE a.org_id = %d`,
			org.ID, day("s.i * 86400"), at("s.i * 86400"), series(181), org.ID),
	}
	if e == store.Postgres {
		stmts = append(stmts, "SELECT setval(pg_get_serial_sequence('posts', 'id'), (SELECT MAX(id) FROM posts))",
			"SELECT setval(pg_get_serial_sequence('post_targets', 'id'), (SELECT MAX(id) FROM post_targets))", "ANALYZE")
	} else {
		stmts = append(stmts, "ANALYZE")
	}
	for _, q := range stmts {
		if _, err := w.ExecContext(ctx, q); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	if err := db.RebuildRollups(ctx, org.ID); err != nil {
		b.Fatal(err)
	}
	var snaps int64
	_ = w.QueryRowContext(ctx, "SELECT COUNT(*) FROM metric_snapshots").Scan(&snaps)
	b.Logf("%s: %d posts, %d snapshots generated in %s", e, n, snaps, time.Since(start).Round(time.Millisecond))
	return srv, org
}
