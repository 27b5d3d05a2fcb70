package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// planFixture makes org A (owner + staff) and org B, and returns them.
func planFixture(t *testing.T, db *store.DB) (a, b *soroe.Org, owner, staff *soroe.User) {
	t.Helper()
	ctx := context.Background()
	owner = &soroe.User{Email: "owner@a.jp", Name: "社長", PasswordHash: "h"}
	a = &soroe.Org{Name: "A"}
	if err := db.CreateUserWithOrg(ctx, owner, a); err != nil {
		t.Fatal(err)
	}
	staff = mustUser(t, db, "staff@a.jp")
	if err := db.InsertMember(ctx, a.ID, staff.ID, soroe.RoleStaff); err != nil {
		t.Fatal(err)
	}
	bo := mustUser(t, db, "owner@b.jp")
	b = &soroe.Org{Name: "B"}
	if err := db.CreateOrg(ctx, b, bo.ID); err != nil {
		t.Fatal(err)
	}
	return a, b, owner, staff
}

func newGoal(org, owner int64) *soroe.Goal {
	base := 0.01
	return &soroe.Goal{
		OrgID: org, Title: "採用数アップ", Purpose: soroe.PurposeRecruiting, Strategy: "若手の応募を増やす",
		OwnerID: owner, StartOn: "2026-11-01", Deadline: "2027-03-31",
		KPIs: []*soroe.KPI{
			{Metric: soroe.MetricConversions, Event: "application", Target: 30},
			{Metric: soroe.MetricEngagementRate, Target: 0.03, Baseline: &base},
		},
	}
}

func TestGoals(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		a, b, owner, staff := planFixture(t, db)
		g := newGoal(a.ID, owner.ID)
		if err := db.CreateGoal(ctx, g, owner.ID); err != nil {
			t.Fatal(err)
		}
		if !g.KPIs[0].Primary || g.KPIs[1].Primary || g.KPIs[0].ID == 0 {
			t.Errorf("KPIs after create: %+v %+v", g.KPIs[0], g.KPIs[1])
		}
		got, err := db.Goal(ctx, a.ID, g.ID)
		if err != nil || got.Title != "採用数アップ" || got.OwnerName != "社長" || len(got.KPIs) != 2 ||
			got.KPIs[1].Baseline == nil || *got.KPIs[1].Baseline != 0.01 || got.KPIs[0].Event != "application" {
			t.Fatalf("read back: %+v %v", got, err)
		}
		if _, err := db.Goal(ctx, b.ID, g.ID); err != soroe.ErrNotFound {
			t.Errorf("goal visible from another org: %v", err)
		}
		bad := newGoal(a.ID, 424242)
		if err := db.CreateGoal(ctx, bad, owner.ID); soroe.ErrorMessage(err) != "not_a_member" {
			t.Errorf("owner outside the org: %v", err)
		}
		bad = newGoal(a.ID, owner.ID)
		bad.Deadline = "2026-10-01"
		if err := db.CreateGoal(ctx, bad, owner.ID); soroe.ErrorMessage(err) != "deadline_before_start" {
			t.Errorf("deadline before start: %v", err)
		}

		// Values: entered by hand, replaced by a second entry for the same day.
		e := &soroe.KPIEntry{KPIID: g.KPIs[0].ID, Day: "2026-11-20", Value: 3, CreatedBy: staff.ID, Note: "説明会から"}
		if err := db.SetKPIEntry(ctx, a.ID, e); err != nil {
			t.Fatal(err)
		}
		e2 := &soroe.KPIEntry{KPIID: g.KPIs[0].ID, Day: "2026-11-20", Value: 4, CreatedBy: staff.ID}
		if err := db.SetKPIEntry(ctx, a.ID, e2); err != nil {
			t.Fatal(err)
		}
		if err := db.SetKPIEntry(ctx, b.ID, &soroe.KPIEntry{KPIID: g.KPIs[0].ID, Day: "2026-11-21", Value: 1, CreatedBy: staff.ID}); err != soroe.ErrNotFound {
			t.Errorf("entry from another org: %v", err)
		}
		if err := db.SetKPIEntry(ctx, a.ID, &soroe.KPIEntry{KPIID: g.KPIs[1].ID, Day: "2026-11-21", Value: 5, CreatedBy: staff.ID}); soroe.ErrorField(err) != "denominator" {
			t.Errorf("ratio without impressions: %v", err)
		}
		if err := db.SetKPIEntry(ctx, a.ID, &soroe.KPIEntry{KPIID: g.KPIs[1].ID, Day: "2026-11-21", Value: 5, Denominator: 200, CreatedBy: staff.ID}); err != nil {
			t.Fatal(err)
		}
		entries, err := db.KPIEntries(ctx, a.ID, g.ID)
		if err != nil || len(entries) != 2 || entries[0].Value != 4 || entries[1].Denominator != 200 {
			t.Fatalf("entries: %+v %v", entries, err)
		}

		// Editing keeps KPI ids and values, and records what changed.
		clock.Add(time.Hour)
		g.Deadline = "2027-06-30"
		g.KPIs[0].Target = 40
		g.KPIs = append(g.KPIs[:1], &soroe.KPI{Metric: soroe.MetricImpressions, Target: 100000})
		if err := db.UpdateGoal(ctx, g, owner.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Goal(ctx, a.ID, g.ID)
		if len(got.KPIs) != 2 || got.KPIs[0].Target != 40 || got.KPIs[1].Metric != soroe.MetricImpressions || got.Deadline != "2027-06-30" {
			t.Errorf("after update: %+v", got)
		}
		entries, _ = db.KPIEntries(ctx, a.ID, g.ID)
		if len(entries) != 1 || entries[0].KPIID != g.KPIs[0].ID {
			t.Errorf("values of the kept KPI kept, of the removed one gone: %+v", entries)
		}
		changes, err := db.GoalChanges(ctx, a.ID, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]*soroe.GoalChange{}
		for _, c := range changes {
			fields[c.Field] = c
		}
		if c := fields["deadline"]; c == nil || c.Old != "2027-03-31" || c.New != "2027-06-30" || c.UserName != "社長" {
			t.Errorf("deadline change: %+v", c)
		}
		if c := fields["kpi.conversions:application.target"]; c == nil || c.Old != "30" || c.New != "40" {
			t.Errorf("target change: %+v", c)
		}
		if fields["kpi.engagement_rate"] == nil || fields["kpi.impressions"] == nil || fields["created"] == nil {
			t.Errorf("KPI removal/addition/creation not recorded: %v", fields)
		}
		if fields["title"] != nil {
			t.Error("an unchanged field was recorded")
		}
		g.KPIs[0].ID = 999999
		if err := db.UpdateGoal(ctx, g, owner.ID); soroe.ErrorMessage(err) != "unknown_kpi" {
			t.Errorf("foreign KPI id: %v", err)
		}
		list, _ := db.Goals(ctx, a.ID)
		if len(list) != 1 || len(list[0].KPIs) != 2 {
			t.Errorf("list: %+v", list)
		}
		if l, _ := db.Goals(ctx, b.ID); len(l) != 0 {
			t.Error("org B sees org A's goals")
		}
		if err := db.DeleteGoal(ctx, b.ID, g.ID); err != soroe.ErrNotFound {
			t.Errorf("delete from another org: %v", err)
		}
		if err := db.DeleteGoal(ctx, a.ID, g.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestTemplates(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		a, b, owner, staff := planFixture(t, db)
		g := newGoal(a.ID, owner.ID)
		if err := db.CreateGoal(ctx, g, owner.ID); err != nil {
			t.Fatal(err)
		}
		tpl := &soroe.Template{OrgID: a.ID, GoalID: g.ID, CreatedBy: owner.ID, TemplateBody: soroe.TemplateBody{
			Name: "社員の一日", Structure: "{社員名}さんの一日: {エピソード} #採用", Networks: []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram},
			Frequency: soroe.Frequency{Count: 2, Per: "week", Weekdays: []time.Weekday{time.Thursday, time.Tuesday}, Times: []string{"12:00"}},
			Hashtags:  []string{"採用", "#新卒"}, Drafters: soroe.Assignees{UserIDs: []int64{staff.ID}},
		}}
		if err := db.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		if tpl.Version != 1 || tpl.Tone != "friendly" || tpl.Approvers.Role != soroe.RoleManager || tpl.Hashtags[0] != "#採用" {
			t.Errorf("defaults: %+v", tpl)
		}
		if s := tpl.Slots(); len(s) != 2 || s[0] != "社員名" || s[1] != "エピソード" {
			t.Errorf("slots: %v", s)
		}
		// Editing makes version 2; version 1 stays as it was.
		clock.Add(time.Hour)
		body := tpl.TemplateBody
		body.Structure = "{社員名}さんに聞きました: {質問} → {答え}"
		cur, err := db.UpdateTemplate(ctx, a.ID, tpl.ID, body, owner.ID)
		if err != nil || cur.Version != 2 {
			t.Fatalf("update: %+v %v", cur, err)
		}
		same, err := db.UpdateTemplate(ctx, a.ID, tpl.ID, body, owner.ID)
		if err != nil || same.Version != 2 {
			t.Errorf("an unchanged save made a version: %+v %v", same, err)
		}
		v1, err := db.Template(ctx, a.ID, tpl.ID, 1)
		if err != nil || v1.Structure != "{社員名}さんの一日: {エピソード} #採用" {
			t.Errorf("version 1: %+v %v", v1, err)
		}
		now, _ := db.Template(ctx, a.ID, tpl.ID, 0)
		if now.Version != 2 || !now.CreatedAt.Equal(storetest.Epoch.Add(time.Hour)) {
			t.Errorf("current: %+v", now)
		}
		vs, _ := db.TemplateVersions(ctx, a.ID, tpl.ID)
		if len(vs) != 2 || vs[0].Version != 2 {
			t.Errorf("versions: %d", len(vs))
		}
		list, _ := db.Templates(ctx, a.ID, 0)
		byGoal, _ := db.Templates(ctx, a.ID, g.ID)
		if len(list) != 1 || len(byGoal) != 1 || list[0].Version != 2 {
			t.Errorf("lists: %d %d", len(list), len(byGoal))
		}
		if _, err := db.Template(ctx, b.ID, tpl.ID, 0); err != soroe.ErrNotFound {
			t.Errorf("template from another org: %v", err)
		}
		other := *tpl
		other.OrgID = b.ID
		if err := db.CreateTemplate(ctx, &other); soroe.ErrorMessage(err) != "unknown_goal" {
			t.Errorf("template on another org's goal: %v", err)
		}
		body.Drafters = soroe.Assignees{UserIDs: []int64{424242}}
		if _, err := db.UpdateTemplate(ctx, a.ID, tpl.ID, body, owner.ID); soroe.ErrorMessage(err) != "not_a_member" {
			t.Errorf("drafter outside the org: %v", err)
		}
		body.Networks = []soroe.Network{"myspace"}
		if _, err := db.UpdateTemplate(ctx, a.ID, tpl.ID, body, owner.ID); soroe.ErrorField(err) != "networks" {
			t.Errorf("unknown network: %v", err)
		}
		if err := db.DeleteTemplate(ctx, a.ID, tpl.ID); err != nil {
			t.Fatal(err)
		}
		// Setup progress.
		if s, _ := db.SetupStep(ctx, a.ID); s != "" {
			t.Errorf("fresh setup step %q", s)
		}
		_ = db.SetSetupStep(ctx, a.ID, store.SetupTemplates)
		if s, _ := db.SetupStep(ctx, a.ID); s != store.SetupTemplates {
			t.Errorf("setup step %q", s)
		}
	})
}
