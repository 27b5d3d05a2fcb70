package demo_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/score"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestMain(m *testing.M) {
	soroe.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	os.Exit(m.Run())
}

func TestSeedOnce(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, err := demo.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.Members(ctx, id)
		if err != nil || len(ms) != len(demo.Users) {
			t.Fatalf("members: %d %v", len(ms), err)
		}
		for _, du := range demo.Users {
			u, err := db.UserByEmail(ctx, du.Email)
			if err != nil || !soroe.CheckPassword(demo.Password, u.PasswordHash) {
				t.Fatalf("%s cannot log in: %v", du.Email, err)
			}
			m, err := db.Member(ctx, id, u.ID)
			if err != nil || m.Role != du.Role {
				t.Errorf("%s: role %v, want %s (%v)", du.Email, m, du.Role, err)
			}
		}
		goals, _ := db.Goals(ctx, id)
		tpls, _ := db.Templates(ctx, id, 0)
		// A user changes something; a second seed keeps it and adds nothing.
		org, _ := db.Org(ctx, id)
		org.Name = "名前を変えた"
		if err := db.UpdateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		id2, err := demo.Seed(ctx, db)
		if err != nil || id2 != id {
			t.Fatalf("second seed: %d %v", id2, err)
		}
		if org, _ := db.Org(ctx, id); org.Name != "名前を変えた" {
			t.Errorf("seed overwrote a change: %q", org.Name)
		}
		if orgs, _ := db.Orgs(ctx); len(orgs) != 1 {
			t.Errorf("orgs after two seeds: %d", len(orgs))
		}
		goals2, _ := db.Goals(ctx, id)
		tpls2, _ := db.Templates(ctx, id, 0)
		if len(goals2) != len(goals) || len(tpls2) != len(tpls) {
			t.Errorf("a second seed added goals or 型: %d→%d, %d→%d", len(goals), len(goals2), len(tpls), len(tpls2))
		}
	})
}

// userID returns the demo user's ID by role.
func userID(t *testing.T, db *store.DB, role soroe.Role) int64 {
	t.Helper()
	for _, du := range demo.Users {
		if du.Role == role {
			u, err := db.UserByEmail(context.Background(), du.Email)
			if err != nil {
				t.Fatal(err)
			}
			return u.ID
		}
	}
	t.Fatalf("no demo user with role %s", role)
	return 0
}

// TestSeedPlan: the demo organization has three goals (採用, 資料請求, 認知)
// owned by the executive, around today, with library 型 drafted by the staff
// member and approved by PR, four weeks of hand-entered values from PR, one
// goal on track, one at risk and one behind; its setup is done. It holds
// whatever day the demo is started.
func TestSeedPlan(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		checkPlan(t, db)
	})
	// Other days of the year, with their own databases: the plan is built
	// around whatever today is (January: before the April intake; in
	// summer: New York's summer time does not matter, the org is in Tokyo).
	for _, day := range []time.Time{
		time.Date(2027, 1, 10, 15, 0, 0, 0, time.UTC),
		time.Date(2027, 7, 31, 23, 59, 0, 0, time.UTC),
	} {
		t.Run(day.Format("2006-01-02"), func(t *testing.T) {
			clock := storetest.NewClock(day)
			checkPlan(t, storetest.Open(t, store.SQLite, clock.Now))
		})
	}
}

func checkPlan(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	id, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("seeded in %v", took.Round(time.Millisecond))
	org, err := db.Org(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	loc := org.Location()
	today := soroe.DateOf(db.Now(), loc)
	exec, pr, staff := userID(t, db, soroe.RoleExecutive), userID(t, db, soroe.RoleManager), userID(t, db, soroe.RoleStaff)

	if s, err := db.SetupStep(ctx, id); err != nil || s != store.SetupDone {
		t.Errorf("setup step %q %v; want done", s, err)
	}
	goals, err := db.Goals(ctx, id)
	if err != nil || len(goals) != 3 {
		t.Fatalf("goals: %d %v", len(goals), err)
	}
	want := map[soroe.Purpose]struct {
		primary string
		status  score.Status
	}{
		soroe.PurposeRecruiting:     {"conversions:application", score.OnTrack},
		soroe.PurposeLeadGeneration: {"conversions:document_download", score.AtRisk},
		soroe.PurposeAwareness:      {"impressions", score.Behind},
	}
	for _, g := range goals {
		w, ok := want[g.Purpose]
		if !ok {
			t.Errorf("goal %q has purpose %s", g.Title, g.Purpose)
			continue
		}
		delete(want, g.Purpose)
		if g.OwnerID != exec || len([]rune(g.Strategy)) < 60 {
			t.Errorf("goal %q: owner %d, strategy %q", g.Title, g.OwnerID, g.Strategy)
		}
		if started := g.StartOn.DaysUntil(today); started < 21 || started > 35 {
			t.Errorf("goal %q started %d days ago", g.Title, started)
		}
		if left := today.DaysUntil(g.Deadline); left < 45 || left > 200 {
			t.Errorf("goal %q ends in %d days", g.Title, left)
		}
		if len(g.KPIs) != 2 || g.PrimaryKPI().Label() != w.primary {
			t.Errorf("goal %q KPIs: %v", g.Title, g.KPIs)
		}
		if g.Purpose == soroe.PurposeAwareness && (g.KPIs[1].Metric != soroe.MetricEngagementRate || g.KPIs[1].Baseline == nil) {
			t.Errorf("awareness has no engagement rate with a baseline: %+v", g.KPIs[1])
		}
		if g.Purpose == soroe.PurposeRecruiting {
			year := today.Time(loc).Year()
			if today.Time(loc).Month() >= time.April {
				year++
			}
			if !strings.Contains(g.Title, "年新卒の応募を30件に") || !strings.HasPrefix(g.Title, fmt.Sprint(year)) {
				t.Errorf("recruiting goal %q on %s", g.Title, today)
			}
		}

		// 型 from the library with the demo's people and a cadence.
		tpls, err := db.Templates(ctx, id, g.ID)
		if err != nil || len(tpls) < 2 || len(tpls) > 3 {
			t.Errorf("goal %q has %d 型 (%v)", g.Title, len(tpls), err)
		}
		for _, tp := range tpls {
			if tp.Source != "library" || tp.CreatedBy != pr || len(tp.Drafters.UserIDs) != 1 || tp.Drafters.UserIDs[0] != staff ||
				len(tp.Approvers.UserIDs) != 1 || tp.Approvers.UserIDs[0] != pr || tp.Frequency.Count < 1 || len(tp.Slots()) < 2 {
				t.Errorf("型 %q: %+v", tp.Name, tp)
			}
		}

		// Hand-entered values over the last four weeks, and the status.
		entries, err := db.KPIEntries(ctx, id, g.ID)
		if err != nil || len(entries) < 30 {
			t.Fatalf("goal %q: %d entries %v", g.Title, len(entries), err)
		}
		byKPI := map[int64][]soroe.KPIEntry{}
		for _, e := range entries {
			if e.Source != soroe.SourceManual || e.CreatedBy != pr || e.Day < g.StartOn || e.Day >= today {
				t.Errorf("entry %+v", e)
			}
			byKPI[e.KPIID] = append(byKPI[e.KPIID], *e)
		}
		for _, k := range g.KPIs {
			p := score.Compute(score.KPI{Ratio: k.Metric.Ratio(), Target: k.Target, Baseline: k.Baseline},
				g.StartOn, g.Deadline, today, score.DailyValues(byKPI[k.ID]))
			pace := 0.0
			if p.Pace != nil {
				pace = *p.Pace
			}
			t.Logf("%s %s: actual %.4g expected %.4g pace %.2f → %s", g.Title, k.Label(), p.Actual, p.Expected, pace, p.Status)
			if k.Primary && p.Status != w.status {
				t.Errorf("goal %q: %s is %s (pace %.2f); want %s", g.Title, k.Label(), p.Status, pace, w.status)
			}
			if !k.Primary && p.Status == score.NoData {
				t.Errorf("goal %q: %s has no data", g.Title, k.Label())
			}
		}
	}
	if len(want) > 0 {
		t.Errorf("missing goals: %v", want)
	}
	if took > 3*time.Second {
		t.Errorf("seeding took %v", took)
	}
}

// The demo organization has a company profile and one ready material, so
// generation and drafts from material can be tried at once.
func TestSeedProfileAndMaterial(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, err := demo.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.OrgProfile(ctx, id)
		if err != nil || p.Industry == "" || len(p.NGWords) == 0 {
			t.Errorf("profile: %+v %v", p, err)
		}
		ms, err := db.Materials(ctx, id)
		if err != nil || len(ms) != 1 || ms[0].Status != soroe.MaterialReady || ms[0].Passages < 2 {
			t.Fatalf("materials: %d %v", len(ms), err)
		}
		ps, err := db.PassagesOf(ctx, id, ms[0].ID)
		if err != nil || len(ps) < 2 || !strings.Contains(ps[0].Text, "工務店") {
			t.Errorf("passages: %+v %v", ps, err)
		}
	})
}
