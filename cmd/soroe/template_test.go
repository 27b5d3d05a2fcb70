package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
)

// jsonTemplate is a template as a script reads `--json` output.
type jsonTemplate struct {
	ID        int64           `json:"id"`
	OrgID     int64           `json:"org_id"`
	GoalID    int64           `json:"goal_id"`
	Version   int             `json:"version"`
	Source    string          `json:"source"`
	CreatedBy int64           `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	Name      string          `json:"name"`
	Theme     string          `json:"theme"`
	Structure string          `json:"structure"`
	Tone      string          `json:"tone"`
	ToneNotes string          `json:"tone_notes"`
	Format    string          `json:"format"`
	Networks  []string        `json:"networks"`
	Frequency soroe.Frequency `json:"frequency"`
	Hashtags  []string        `json:"hashtags"`
	CTA       string          `json:"cta"`
	Link      string          `json:"link"`
	Dos       []string        `json:"dos"`
	Donts     []string        `json:"donts"`
	Checklist []string        `json:"checklist"`
	Drafters  soroe.Assignees `json:"drafters"`
	Approvers soroe.Assignees `json:"approvers"`
}

type jsonTemplateShow struct {
	Template jsonTemplate `json:"template"`
	Current  int          `json:"current_version"`
	TimeZone string       `json:"time_zone"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Slots    []struct {
		At          time.Time `json:"at"`
		Day         string    `json:"day"`
		Local       string    `json:"local"`
		DrafterID   *int64    `json:"drafter_id"`
		DrafterName *string   `json:"drafter_name"`
	} `json:"slots"`
}

func TestTemplateCommands(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		c.addUser("owner@a.jp", "井上 直子")
		c.addUser("pr@a.jp", "鈴木 美咲")
		c.addUser("staff@a.jp", "田中 翔太")
		c.addUser("other@b.jp", "Other")
		c.ok("org", "add", "--name", "揃え工務店", "--owner", "owner@a.jp")
		c.ok("org", "add", "--name", "B社", "--owner", "other@b.jp")
		c.ok("member", "add", "--org", "揃え工務店", "--email", "pr@a.jp", "--role", "manager")
		c.ok("member", "add", "--org", "揃え工務店", "--email", "staff@a.jp", "--role", "staff")

		db := c.db()
		a, err := resolveOrg(ctx, db, "揃え工務店")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := resolveOrg(ctx, db, "B社")
		owner, _ := db.UserByEmail(ctx, "owner@a.jp")
		staff, _ := db.UserByEmail(ctx, "staff@a.jp")
		other, _ := db.UserByEmail(ctx, "other@b.jp")
		goal := func(o *soroe.Org, by *soroe.User, title string) int64 {
			g := &soroe.Goal{OrgID: o.ID, Title: title, Purpose: soroe.PurposeRecruiting, OwnerID: by.ID, StartOn: "2026-01-01", Deadline: "2027-12-31",
				KPIs: []*soroe.KPI{{Metric: soroe.MetricConversions, Event: "application", Target: 30}}}
			if err := db.CreateGoal(ctx, g, by.ID); err != nil {
				t.Fatal(err)
			}
			return g.ID
		}
		ga := goal(a, owner, "採用を増やす")
		gb := goal(b, other, "B goal")

		add := []string{"template", "add", "--org", "揃え工務店", "--as", "pr@a.jp", "--goal", fmt.Sprint(ga),
			"--name", "社員の一日", "--structure", "{社員名}さんの一日: {エピソード}", "--network", "instagram", "--network", "x",
			"--per", "week", "--count", "3", "--weekday", "mon", "--weekday", "水", "--weekday", "Friday", "--time", "12:00",
			"--tone", "friendly", "--format", "image", "--hashtag", "採用", "--hashtag", "#社員紹介", "--cta", "エントリー受付中",
			"--link", "https://example.jp/recruit", "--do", "笑顔の写真", "--check", "掲載許可", "--drafter", "staff@a.jp"}
		out := c.ok(add...)
		if !strings.Contains(out, `"社員の一日" (v1)`) || !strings.Contains(out, "3/week Mon,Wed,Fri 12:00") {
			t.Errorf("add printed %q", out)
		}

		var list []jsonTemplate
		c.json(&list, "template", "list", "--org", "揃え工務店")
		if len(list) != 1 {
			t.Fatalf("list: %+v", list)
		}
		tp := list[0]
		if tp.Name != "社員の一日" || tp.Version != 1 || tp.GoalID != ga || tp.Format != "image" || strings.Join(tp.Networks, ",") != "instagram,x" ||
			fmt.Sprint(tp.Frequency.Weekdays) != "[Monday Wednesday Friday]" || strings.Join(tp.Hashtags, " ") != "#採用 #社員紹介" ||
			len(tp.Drafters.UserIDs) != 1 || tp.Drafters.UserIDs[0] != staff.ID || tp.Approvers.Role != soroe.RoleManager {
			t.Errorf("list --json: %+v", tp)
		}
		out = c.ok("template", "list", "--org", "揃え工務店", "--goal", fmt.Sprint(ga))
		if !strings.Contains(out, "社員の一日") || !strings.Contains(out, "instagram,x") || !strings.HasPrefix(out, "ID") {
			t.Errorf("list printed %q", out)
		}
		c.json(&list, "template", "list", "--org", "B社")
		if len(list) != 0 {
			t.Errorf("B sees A's templates: %+v", list)
		}

		// show: the template and two weeks of slots, all the staff's.
		var show jsonTemplateShow
		c.json(&show, "template", "show", fmt.Sprint(tp.ID), "--org", "揃え工務店")
		if show.Template.ID != tp.ID || show.Current != 1 || show.TimeZone != "Asia/Tokyo" || len(show.Slots) != 6 {
			t.Fatalf("show --json: %+v", show)
		}
		for _, s := range show.Slots {
			wd := s.At.In(time.FixedZone("JST", 9*3600)).Weekday()
			if s.Local != "12:00" || (wd != time.Monday && wd != time.Wednesday && wd != time.Friday) || s.DrafterID == nil || *s.DrafterID != staff.ID || *s.DrafterName != "田中 翔太" {
				t.Errorf("slot %+v", s)
			}
		}
		out = c.ok("template", "show", fmt.Sprint(tp.ID), "--org", "揃え工務店")
		for _, s := range []string{"社員の一日", "slots:", "社員名, エピソード", "planned slots", "田中 翔太", "12:00", "採用を増やす"} {
			if !strings.Contains(out, s) {
				t.Errorf("show lacks %q:\n%s", s, out)
			}
		}

		// An earlier version, after a change made elsewhere (the UI, the API).
		body := tp
		cur, _ := db.Template(ctx, a.ID, tp.ID, 0)
		nb := cur.TemplateBody
		nb.Name = "社員の一日 v2"
		if _, err := db.UpdateTemplate(ctx, a.ID, tp.ID, nb, owner.ID); err != nil {
			t.Fatal(err)
		}
		c.json(&show, "template", "show", fmt.Sprint(tp.ID), "--org", "揃え工務店", "--version", "1")
		if show.Template.Name != body.Name || show.Template.Version != 1 || show.Current != 2 || len(show.Slots) != 0 {
			t.Errorf("show --version 1: %+v", show)
		}
		if out := c.ok("template", "show", fmt.Sprint(tp.ID), "--org", "揃え工務店", "--version", "1"); !strings.Contains(out, "the current one is v2") {
			t.Errorf("old version text: %q", out)
		}

		// Errors.
		wantErr(t, c.fails("template", "show", fmt.Sprint(tp.ID), "--org", "B社"), soroe.ENotFound, "template")
		wantErr(t, c.fails("template", "show", fmt.Sprint(tp.ID), "--org", "揃え工務店", "--version", "9"), soroe.ENotFound, "version")
		wantErr(t, c.fails("template", "list", "--org", "揃え工務店", "--goal", fmt.Sprint(gb)), soroe.ENotFound, "goal")
		with := func(flag, value string) []string {
			out := append([]string(nil), add...)
			for i := range out {
				if out[i] == flag {
					out[i+1] = value
					return out
				}
			}
			return append(out, flag, value)
		}
		wantErr(t, c.fails(with("--goal", fmt.Sprint(gb))...), soroe.ENotFound, "goal")
		wantErr(t, c.fails(with("--as", "staff@a.jp")...), soroe.EForbidden, "as", "owner or manager")
		wantErr(t, c.fails(with("--as", "other@b.jp")...), soroe.ENotFound, "email")
		wantErr(t, c.fails(with("--network", "myspace")...), soroe.EInvalid, "network", "unknown_network")
		wantErr(t, c.fails(with("--count", "20")...), soroe.EInvalid, "count", "invalid_frequency")
		wantErr(t, c.fails(with("--per", "day")...), soroe.EInvalid, "per")
		wantErr(t, c.fails(with("--time", "25:00")...), soroe.EInvalid, "time", "HH:MM")
		wantErr(t, c.fails(with("--weekday", "someday")...), soroe.EInvalid, "weekday")
		wantErr(t, c.fails(with("--drafter", "other@b.jp")...), soroe.EInvalid, "drafter", "not a member")
		wantErr(t, c.fails(with("--link", "example.jp")...), soroe.EInvalid, "link")
		if ts, _ := db.Templates(ctx, a.ID, 0); len(ts) != 1 {
			t.Errorf("failed adds made templates: %d", len(ts))
		}
	})
}

func TestParseWeekday(t *testing.T) {
	for in, want := range map[string]time.Weekday{"mon": 1, "Monday": 1, "月": 1, "月曜日": 1, "0": 0, "sun": 0, "SAT": 6, "木曜": 4} {
		if got, err := tplParseWeekday(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "7", "moon", "x"} {
		if _, err := tplParseWeekday(in); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}
