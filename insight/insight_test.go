package insight

import (
	"reflect"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/score"
)

var tokyo = time.FixedZone("JST", 9*3600)

// at is a day of November 2026 (Sunday the 1st) and an hour in Tokyo.
func at(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, tokyo) }

func sc(v int64) *int64 { return &v }

func byKey(ins []Insight) map[string]Insight {
	out := map[string]Insight{}
	for _, i := range ins {
		out[i.Key] = i
	}
	return out
}

func TestTemplatesPerGoal(t *testing.T) {
	in := Input{Now: at(30, 12), Loc: tokyo,
		Templates: []Template{{ID: 1, Name: "社員の一日", GoalID: 7}, {ID: 2, Name: "施工事例", GoalID: 7}, {ID: 3, Name: "他の目標", GoalID: 8}},
		Goals:     []Goal{{ID: 7, Title: "採用"}, {ID: 8, Title: "認知"}}}
	add := func(id int64, tpl int64, ver int, s int64) {
		in.Posts = append(in.Posts, Post{ID: id, TemplateID: tpl, TemplateVersion: ver, Score: sc(s), PublishedAt: at(int(id%28)+1, 12), AccountID: 1, Network: soroe.NetworkX})
	}
	for i, s := range []int64{80, 70, 90} { // 社員の一日 v2: 80
		add(int64(10+i), 1, 2, s)
	}
	for i, s := range []int64{40, 50, 30} { // 施工事例 v1: 40
		add(int64(20+i), 2, 1, s)
	}
	add(30, 2, 2, 99)                         // one post of v2: too few
	add(31, 3, 1, 10)                         // another goal, alone: nothing
	in.Posts = append(in.Posts, Post{ID: 32}) // unscored
	got := byKey(Compute(in))
	best, worst := got["template_best/7"], got["template_worst/7"]
	if best.Params["Template"] != "社員の一日" || best.Params["Version"] != "2" || best.Params["Score"] != "80.0" || best.Posts != 6 || best.Sure != "medium" ||
		!reflect.DeepEqual(best.Evidence, []Ref{{12, false}, {10, false}, {11, false}}) {
		t.Errorf("best %+v", best)
	}
	if worst.Params["Template"] != "施工事例" || worst.Params["Score"] != "40.0" || worst.Params["Best"] != "80.0" {
		t.Errorf("worst %+v", worst)
	}
	if _, ok := got["template_best/8"]; ok {
		t.Error("a goal with one 型 has no best 型")
	}
}

func TestTiming(t *testing.T) {
	in := Input{Now: at(30, 12), Loc: tokyo}
	id := int64(0)
	add := func(day, hour int, s int64, net soroe.Network) {
		id++
		in.Posts = append(in.Posts, Post{ID: id, Network: net, AccountID: 1, PublishedAt: at(day, hour), Score: sc(s)})
	}
	// X: three at 18:00 (Mondays, 2nd 9th 16th) scoring 90, three at 12:00 on Wednesdays scoring 30.
	for _, d := range []int{2, 9, 16} {
		add(d, 18, 90, soroe.NetworkX)
	}
	for _, d := range []int{4, 11, 18} {
		add(d, 12, 30, soroe.NetworkX)
	}
	// Bluesky: too few posts to say anything.
	add(2, 18, 90, soroe.NetworkBluesky)
	got := byKey(Compute(in))
	h, w := got["best_hour/x"], got["best_weekday/x"]
	if h.Params["Hour"] != "18" || h.Params["Score"] != "90.0" || h.Params["Mean"] != "60.0" || h.Params["Lift"] != "1.5" || h.Posts != 6 {
		t.Errorf("hour %+v", h)
	}
	if w.Params["Weekday"] != "1" { // Monday
		t.Errorf("weekday %+v", w)
	}
	if _, ok := got["best_hour/bluesky"]; ok {
		t.Error("Bluesky has too few posts")
	}
	// The times are read in the organization's zone: 18:00 in Tokyo is 09:00 UTC.
	in.Loc = time.UTC
	if h := byKey(Compute(in))["best_hour/x"]; h.Params["Hour"] != "9" {
		t.Errorf("in UTC: %+v", h)
	}
}

func TestGoalPace(t *testing.T) {
	pace := 0.5
	// 30 days in, 60 left: 10 of 90 done (expected 30). Four posts in the
	// last four weeks (one a week) brought 10 → a third a day; 80 more in
	// 60 days needs 4/3 a day: four times the rate, so three more a week.
	g := Goal{ID: 7, Title: "資料請求", KPI: "資料DL", Progress: score.Progress{Target: 90, Actual: 10, Expected: 30, Pace: &pace, DaysElapsed: 30, DaysLeft: 60, Status: score.Behind}}
	in := Input{Now: at(30, 12), Loc: tokyo, Goals: []Goal{g, {ID: 8, Title: "順調", Progress: score.Progress{Status: score.OnTrack, DaysElapsed: 5, DaysLeft: 5}}},
		Templates: []Template{{ID: 1, GoalID: 7}}}
	for i, d := range []int{5, 12, 19, 26} {
		in.Posts = append(in.Posts, Post{ID: int64(i + 1), TemplateID: 1, PublishedAt: at(d, 12)})
	}
	in.Posts = append(in.Posts, Post{ID: 9, GoalID: 7, PublishedAt: at(1, 12).Add(-72 * time.Hour)}) // before the four weeks
	got := byKey(Compute(in))
	p := got["goal_pace/7"]
	if p.Params["More"] != "3" || p.Params["PerWeek"] != "1.0" || p.Params["Pace"] != "50" || p.Posts != 4 {
		t.Errorf("pace %+v", p)
	}
	if _, ok := got["goal_pace/8"]; ok {
		t.Error("a goal on track needs nothing")
	}
}

func TestStandoutsAndWords(t *testing.T) {
	in := Input{Now: at(30, 12), Loc: tokyo, Templates: []Template{{ID: 1, Name: "社員の一日"}}}
	add := func(id int64, s int64, hour int, tpl int64, media bool, memo string) {
		in.Posts = append(in.Posts, Post{ID: id, AccountID: 1, Network: soroe.NetworkInstagram, PublishedAt: at(int(id), hour), Score: sc(s), TemplateID: tpl, Media: media, Memo: memo})
	}
	for i := range 6 {
		add(int64(i+1), 30, 12, 0, false, "")
	}
	add(10, 95, 18, 1, true, "本人のひとことを入れた。写真は朝の現場")
	add(11, 90, 18, 1, true, "仕事終わりの写真。本人のひとこと")
	got := byKey(Compute(in))["standouts"]
	if got.Posts != 2 || got.Params["Template"] != "社員の一日" || got.Params["Hour"] != "18" || got.Params["Media"] != "2" ||
		got.Params["Word"] != "写真" || !reflect.DeepEqual(got.Evidence, []Ref{{10, false}, {11, false}}) {
		t.Errorf("standouts %+v", got)
	}
	if w := Words("本人のひとことを入れた。Photo は朝の現場、ハッシュタグ #採用"); !reflect.DeepEqual(w, []string{"本人", "photo", "現場", "ハッシュタグ", "採用"}) {
		t.Errorf("words %q", w)
	}
}

func TestReachAndCadence(t *testing.T) {
	now := at(30, 12)
	in := Input{Now: now, Loc: tokyo, Accounts: []Account{{ID: 1, Name: "公式X", Network: soroe.NetworkX}, {ID: 2, Name: "Instagram", Network: soroe.NetworkInstagram}},
		Templates: []Template{{ID: 5, Name: "施工事例"}, {ID: 6, Name: "季節の話題"}},
		Cadence:   []Cadence{{TemplateID: 5, Planned: 8, Published: 5}, {TemplateID: 6, Planned: 8, Published: 6}}}
	exp := func(v int64) *int64 { return &v }
	id := int64(0)
	for _, x := range []struct {
		acc        int64
		daysAgo    int
		impression int64
	}{{1, 40, 1000}, {1, 45, 1000}, {1, 50, 1000}, {1, 5, 600}, {1, 10, 600}, {1, 15, 600},
		{2, 40, 1000}, {2, 45, 1000}, {2, 50, 1000}, {2, 5, 900}, {2, 10, 900}, {2, 15, 900}} {
		id++
		in.Posts = append(in.Posts, Post{ID: id, AccountID: x.acc, PublishedAt: now.AddDate(0, 0, -x.daysAgo), Exposure: exp(x.impression)})
	}
	got := byKey(Compute(in))
	if r := got["reach_falling/1"]; r.Params["Drop"] != "40" || r.Params["Before"] != "1000" || r.Params["After"] != "600" || r.Posts != 6 {
		t.Errorf("reach %+v", r)
	}
	if _, ok := got["reach_falling/2"]; ok {
		t.Error("a 10% drop is no insight")
	}
	if c := got["cadence_slipping/5"]; c.Params["Published"] != "5" || c.Params["Planned"] != "8" || c.Sure != "medium" {
		t.Errorf("cadence %+v", c)
	}
	if _, ok := got["cadence_slipping/6"]; ok {
		t.Error("6 of 8 is on cadence")
	}
}
