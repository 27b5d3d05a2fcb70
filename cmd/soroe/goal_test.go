package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
)

// jsonGoal is a goal as `soroe goal show --json` prints it.
type jsonGoal struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	Title     string    `json:"title"`
	Purpose   string    `json:"purpose"`
	Strategy  string    `json:"strategy"`
	OwnerID   int64     `json:"owner_id"`
	OwnerName string    `json:"owner_name"`
	StartOn   string    `json:"start_on"`
	Deadline  string    `json:"deadline"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Today     string    `json:"today"`
	KPIs      []struct {
		ID       int64    `json:"id"`
		GoalID   int64    `json:"goal_id"`
		Primary  bool     `json:"primary"`
		Metric   string   `json:"metric"`
		Event    string   `json:"event"`
		Target   float64  `json:"target"`
		Baseline *float64 `json:"baseline"`
	} `json:"kpis"`
	Progress []struct {
		KPIID       int64    `json:"kpi_id"`
		Primary     bool     `json:"primary"`
		Metric      string   `json:"metric"`
		Event       string   `json:"event"`
		Label       string   `json:"label"`
		Ratio       bool     `json:"ratio"`
		Target      float64  `json:"target"`
		Actual      float64  `json:"actual"`
		Expected    float64  `json:"expected"`
		Pace        *float64 `json:"pace"`
		Forecast    *float64 `json:"forecast"`
		OfTarget    *float64 `json:"of_target"`
		DaysTotal   int      `json:"days_total"`
		DaysElapsed int      `json:"days_elapsed"`
		DaysLeft    int      `json:"days_left"`
		Status      string   `json:"status"`
		LastDay     string   `json:"last_day"`
	} `json:"progress"`
}

var createdGoal = regexp.MustCompile(`^created goal (\d+) `)

func TestGoalCommands(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		c.addUser("owner@example.jp", "山田 花子")
		c.addUser("staff@example.jp", "田中 太郎")
		c.addUser("pr@example.jp", "鈴木 広報")
		c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp")
		c.ok("member", "add", "--org", "A社", "--email", "staff@example.jp", "--role", "staff")
		c.ok("member", "add", "--org", "A社", "--email", "pr@example.jp", "--role", "manager")

		if out := c.ok("goal", "list", "--org", "A社"); !strings.Contains(out, "no goals yet") {
			t.Errorf("empty list printed %q", out)
		}
		var none []jsonGoal
		c.json(&none, "goal", "list", "--org", "A社")
		if none == nil || len(none) != 0 {
			t.Errorf("empty list --json = %v", none)
		}

		// A 30-day goal that began 9 days ago: today is day 10.
		today := soroe.DateOf(time.Now(), mustZone(t, "Asia/Tokyo"))
		start, deadline := today.AddDays(-9), today.AddDays(20)
		out := c.ok("goal", "add", "--org", "A社", "--as", "owner@example.jp", "--title", "資料請求を増やす",
			"--purpose", "lead_generation", "--start", string(start), "--deadline", string(deadline),
			"--metric", "conversions", "--event", "document_download", "--target", "30",
			"--strategy", "新規商談の入口を増やす", "--owner", "staff@example.jp",
			"--kpi", "engagement_rate=5%/3%", "--kpi", "impressions=30,000")
		m := createdGoal.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("goal add printed %q", out)
		}
		id := m[1]

		c.ok("goal", "record", "--org", "A社", "--as", "pr@example.jp", "--goal", id, "--kpi", "conversions:document_download",
			"--day", string(today.AddDays(-3)), "--value", "3")
		c.ok("goal", "record", "--org", "A社", "--as", "pr@example.jp", "--goal", id, "--kpi", "conversions:document_download",
			"--day", string(today.AddDays(-1)), "--value", "4")
		if out := c.ok("goal", "record", "--org", "A社", "--as", "owner@example.jp", "--goal", id, "--kpi", "conversions:document_download",
			"--day", string(today.AddDays(-1)), "--value", "5"); !strings.HasPrefix(out, "replaced ") {
			t.Errorf("recording a day again printed %q", out)
		}
		c.ok("goal", "record", "--org", "A社", "--as", "owner@example.jp", "--goal", id, "--kpi", "engagement_rate",
			"--day", string(today.AddDays(-2)), "--value", "50", "--impressions", "2000", "--note", "キャンペーン")

		var g jsonGoal
		c.json(&g, "goal", "show", id, "--org", "A社", "--as-of", string(today))
		if g.Title != "資料請求を増やす" || g.OwnerName != "田中 太郎" || g.Today != string(today) || len(g.KPIs) != 3 || len(g.Progress) != 3 {
			t.Fatalf("show --json = %+v", g)
		}
		if g.KPIs[1].Metric != "engagement_rate" || g.KPIs[1].Target != 0.05 || g.KPIs[1].Baseline == nil || *g.KPIs[1].Baseline != 0.03 || g.KPIs[2].Target != 30000 {
			t.Errorf("KPIs from --kpi: %+v", g.KPIs)
		}
		p := g.Progress[0]
		// 3 + 5 = 8 of an expected 10: pace 80 %, at risk, forecast 24.
		if p.Label != "conversions:document_download" || !p.Primary || p.Actual != 8 || p.Expected != 10 || p.Pace == nil || *p.Pace != 0.8 ||
			p.Forecast == nil || *p.Forecast != 24 || p.DaysLeft != 20 || p.Status != "at_risk" {
			t.Errorf("primary progress = %+v", p)
		}
		if r := g.Progress[1]; !r.Ratio || r.Actual != 0.025 || r.Status != "behind" {
			t.Errorf("engagement rate progress = %+v", r)
		}

		out = c.ok("goal", "show", id, "--org", "A社", "--as-of", string(today))
		for _, s := range []string{"資料請求を増やす", "田中 太郎", "conversions:document_download", "80%", "at_risk", "2.5%", "5%", "≥ 90% on_track"} {
			if !strings.Contains(out, s) {
				t.Errorf("goal show lacks %q:\n%s", s, out)
			}
		}
		out = c.ok("goal", "list", "--org", "A社")
		for _, s := range []string{"資料請求を増やす", "lead_generation", "conversions:document_download", "8", "30", "at_risk", "Asia/Tokyo"} {
			if !strings.Contains(out, s) {
				t.Errorf("goal list lacks %q:\n%s", s, out)
			}
		}
		var list []jsonGoal
		c.json(&list, "goal", "list", "--org", "A社")
		if len(list) != 1 || list[0].Progress[0].Actual != 8 {
			t.Errorf("list --json = %+v", list)
		}
		// Before the start there is nothing to expect.
		c.json(&g, "goal", "show", id, "--org", "A社", "--as-of", string(start.AddDays(-1)))
		if g.Progress[0].Status != "not_started" {
			t.Errorf("as of the day before the start: %s", g.Progress[0].Status)
		}

		// Errors say what is wrong.
		add := func(extra ...string) error {
			args := []string{"goal", "add", "--org", "A社", "--as", "owner@example.jp", "--title", "T", "--purpose", "awareness",
				"--start", string(start), "--deadline", string(deadline), "--metric", "impressions", "--target", "100"}
			return c.fails(append(args, extra...)...)
		}
		wantErr(t, add("--purpose", "fame"), soroe.EInvalid, "purpose", "unknown_purpose")
		wantErr(t, add("--metric", "conversions"), soroe.EInvalid, "kpis[0].event", "invalid_event")
		wantErr(t, add("--deadline", string(start.AddDays(-1))), soroe.EInvalid, "deadline", "deadline_before_start")
		wantErr(t, add("--target", "lots"), soroe.EInvalid, "target", "lots")
		wantErr(t, add("--target", "5%"), soroe.EInvalid, "target")
		wantErr(t, add("--kpi", "impressions"), soroe.EInvalid, "kpi", "metric[:event]=target")
		wantErr(t, add("--as", "staff@example.jp"), soroe.EForbidden, "as", "staff")
		wantErr(t, c.fails("goal", "show", "999", "--org", "A社"), soroe.ENotFound, "goal", "999")
		wantErr(t, c.fails("goal", "record", "--org", "A社", "--as", "staff@example.jp", "--goal", id, "--kpi", "impressions", "--value", "1"),
			soroe.EForbidden, "as")
		wantErr(t, c.fails("goal", "record", "--org", "A社", "--as", "pr@example.jp", "--goal", id, "--kpi", "likes", "--value", "1"),
			soroe.EInvalid, "kpi", "conversions:document_download")
		wantErr(t, c.fails("goal", "record", "--org", "A社", "--as", "pr@example.jp", "--goal", id, "--kpi", "engagement_rate", "--value", "1"),
			soroe.EInvalid, "impressions")
		wantErr(t, c.fails("goal", "record", "--org", "A社", "--as", "pr@example.jp", "--goal", id, "--kpi", "impressions", "--value", "1",
			"--day", string(today.AddDays(1))), soroe.EInvalid, "day", "kpi_day_in_future")
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
