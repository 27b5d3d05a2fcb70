// Package demo seeds the demo organization that `soroe serve --demo` shows.
// It seeds once: a restart keeps whatever users changed.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/library"
	"github.com/soroe/soroe/store"
)

// Password is every demo user's password.
const Password = "soroe-demo"

// User is one demo login.
type User struct {
	Email, Name string
	Role        soroe.Role
}

// Users are the demo logins: one per role. The owner manages members and
// settings; the other three are the roles Soroe is built around.
var Users = []User{
	{"owner@demo.soroe.local", "井上 直子", soroe.RoleOwner},
	{"exec@demo.soroe.local", "佐藤 健一", soroe.RoleExecutive},
	{"pr@demo.soroe.local", "鈴木 美咲", soroe.RoleManager},
	{"staff@demo.soroe.local", "田中 翔太", soroe.RoleStaff},
}

// OrgName is the demo organization's name.
const OrgName = "揃え工務店（デモ）"

const seededKey = "demo_seeded_org"

// Seed creates the demo organization and users unless they were seeded
// before. It returns the organization's ID.
func Seed(ctx context.Context, db *store.DB) (int64, error) {
	if v, err := db.Meta(ctx, seededKey); err != nil {
		return 0, err
	} else if v != "" {
		var id int64
		_, err := fmt.Sscan(v, &id)
		return id, err
	}
	hash, err := soroe.HashPassword(Password)
	if err != nil {
		return 0, err
	}
	var org *soroe.Org
	ids := map[soroe.Role]int64{}
	for i, du := range Users {
		u, err := db.UserByEmail(ctx, du.Email)
		if errors.Is(err, soroe.ErrNotFound) {
			u = &soroe.User{Email: du.Email, Name: du.Name, Lang: soroe.LangJA, PasswordHash: hash}
			if i == 0 {
				org = &soroe.Org{Name: OrgName, TimeZone: soroe.DefaultTimeZone, Lang: soroe.LangJA}
				err = db.CreateUserWithOrg(ctx, u, org)
			} else {
				err = db.CreateUser(ctx, u)
			}
		}
		if err != nil {
			return 0, fmt.Errorf("demo: %s: %w", du.Email, err)
		}
		ids[du.Role] = u.ID
		if org == nil {
			// The owner existed before (a half-finished earlier seed):
			// give them a fresh demo organization.
			org = &soroe.Org{Name: OrgName, TimeZone: soroe.DefaultTimeZone, Lang: soroe.LangJA}
			if err := db.CreateOrg(ctx, org, u.ID); err != nil {
				return 0, err
			}
			continue
		}
		if i > 0 {
			if err := db.InsertMember(ctx, org.ID, u.ID, du.Role); err != nil && soroe.ErrorCode(err) != soroe.EConflict {
				return 0, err
			}
		}
	}
	if err := seedPlan(ctx, db, org, ids); err != nil {
		return 0, fmt.Errorf("demo: plan: %w", err)
	}
	if err := seedProfileAndMaterial(ctx, db, org.ID, ids[soroe.RoleManager]); err != nil {
		return 0, fmt.Errorf("demo: material: %w", err)
	}
	if err := db.SetMeta(ctx, seededKey, fmt.Sprint(org.ID)); err != nil {
		return 0, err
	}
	return org.ID, nil
}

// The demo's plan: three goals, one per purpose the method starts from (採用,
// 資料請求, 認知), each with 型 from the library and about four weeks of
// hand-entered KPI values, so that one goal is on track, one at risk and one
// behind. Everything is placed relative to the store's clock, in the demo
// organization's time zone, and computed without randomness.

// demoLink is where the demo's 型 point (a reserved example domain).
const demoLink = "https://example.com"

// daysEntered is how many days of values the demo has (up to yesterday).
const daysEntered = 27

// demoGoal is one goal of the demo with its 型 and its daily values.
type demoGoal struct {
	goal     soroe.Goal
	starters []demoStarter
	// values returns the KPI's value (and denominator, for ratios) on the
	// i-th day of the period (0 = the start); ok false enters nothing.
	values []func(i int, wd time.Weekday) (v, den float64, ok bool)
	notes  map[int]string // by day index, on the primary KPI
}

type demoStarter struct {
	key  string
	edit func(b *soroe.TemplateBody)
}

// wiggle is a fixed, repeatable variation in [-1, 1] for day i of series k.
func wiggle(i, k int) float64 {
	return float64((i*37+k*101)%17)/8 - 1
}

func weekend(wd time.Weekday) bool { return wd == time.Saturday || wd == time.Sunday }

func demoPlan(today soroe.Date) []demoGoal {
	start := today.AddDays(-daysEntered)
	y, m, _ := today.Time(time.UTC).Date()
	entry := y // the April the new graduates join
	if m >= time.April {
		entry++
	}
	appDays := map[int]float64{3: 1, 8: 1, 11: 2, 16: 1, 20: 1, 24: 1, 26: 1} // 8 applications
	tag := func(tags ...string) func(b *soroe.TemplateBody) {
		return func(b *soroe.TemplateBody) { b.Hashtags = append(b.Hashtags, tags...) }
	}
	// Each 型 is posted to networks the demo has connected (SeedAccounts):
	// the library's suggestions name Facebook, LinkedIn and Threads too.
	on := func(nets ...soroe.Network) func(b *soroe.TemplateBody) {
		return func(b *soroe.TemplateBody) { b.Networks = nets }
	}
	both := func(fs ...func(b *soroe.TemplateBody)) func(b *soroe.TemplateBody) {
		return func(b *soroe.TemplateBody) {
			for _, f := range fs {
				f(b)
			}
		}
	}
	ix := on(soroe.NetworkInstagram, soroe.NetworkX)
	return []demoGoal{
		{
			goal: soroe.Goal{
				Title:   fmt.Sprintf("%d年新卒の応募を30件に", entry),
				Purpose: soroe.PurposeRecruiting,
				Strategy: "現場で働く若手社員の一日と先輩の本音を毎週発信し、「工務店の仕事はきつそう」という先入観をやわらげる。" +
					"Instagram と X から採用ページへの導線をつくり、新卒の応募を前年の12件から30件に増やす。",
				StartOn: start, Deadline: today.AddDays(92),
				KPIs: []*soroe.KPI{
					{Primary: true, Metric: soroe.MetricConversions, Event: "application", Target: 30},
					{Metric: soroe.MetricLinkClicks, Target: 1200},
				},
			},
			starters: []demoStarter{
				{"day_in_life", both(ix, func(b *soroe.TemplateBody) {
					b.Name = "若手大工の一日"
					b.Link = demoLink + "/recruit"
					b.Hashtags = append(b.Hashtags, "#工務店", "#大工")
				})},
				{"senior_qa", both(ix, func(b *soroe.TemplateBody) { b.Link = demoLink + "/recruit/faq"; tag("#工務店")(b) })},
				{"job_opening", both(on(soroe.NetworkX, soroe.NetworkInstagram), func(b *soroe.TemplateBody) {
					b.Link = demoLink + "/recruit/entry"
					tag("#工務店")(b)
				})},
			},
			values: []func(int, time.Weekday) (float64, float64, bool){
				func(i int, _ time.Weekday) (float64, float64, bool) { v, ok := appDays[i]; return v, 0, ok },
				func(i int, wd time.Weekday) (float64, float64, bool) {
					v := 12 + 3*wiggle(i, 1)
					if weekend(wd) {
						v = 6 + 2*wiggle(i, 2)
					}
					return float64(int(v)), 0, true
				},
			},
			notes: map[int]string{11: "合同説明会のあと、2件続けて応募"},
		},
		{
			goal: soroe.Goal{
				Title:   "施工事例集のダウンロードを月40件に",
				Purpose: soroe.PurposeLeadGeneration,
				Strategy: "完成したお住まいの施工事例を、お施主様の声と数字（工期・予算・断熱性能）で紹介し、施工事例集のダウンロードにつなげる。" +
					"ダウンロードした方には2営業日以内に営業から連絡し、完成見学会の予約を増やす。",
				StartOn: start, Deadline: today.AddDays(62),
				KPIs: []*soroe.KPI{
					{Primary: true, Metric: soroe.MetricConversions, Event: "document_download", Target: 120},
					{Metric: soroe.MetricLinkClicks, Target: 2400},
				},
			},
			starters: []demoStarter{
				{"case_study", both(on(soroe.NetworkInstagram, soroe.NetworkX, soroe.NetworkBluesky), func(b *soroe.TemplateBody) {
					b.Name = "施工事例の紹介"
					b.Link = demoLink + "/case-book"
					b.Hashtags = append(b.Hashtags, "#施工事例", "#注文住宅")
				})},
				// Text and a link: to X, and to the LINE friends who asked
				// about building a house.
				{"document_teaser", both(on(soroe.NetworkX, soroe.NetworkLINE), func(b *soroe.TemplateBody) {
					b.Name = "施工事例集の中身を紹介"
					b.Link = demoLink + "/case-book"
					b.Hashtags = append(b.Hashtags, "#家づくり", "#注文住宅")
				})},
			},
			values: []func(int, time.Weekday) (float64, float64, bool){
				func(i int, _ time.Weekday) (float64, float64, bool) {
					v := []float64{2, 1, 1, 2, 1, 1, 1}[i%7] // 9 a week…
					if i >= 14 && i < 21 && i%2 == 0 {
						v-- // …fewer in the week the case posts paused
					}
					return v, 0, v > 0
				},
				func(i int, wd time.Weekday) (float64, float64, bool) {
					v := 24 + 6*wiggle(i, 3)
					if weekend(wd) {
						v = 15 + 4*wiggle(i, 4)
					}
					return float64(int(v)), 0, true
				},
			},
			notes: map[int]string{14: "事例投稿を1週休んだ"},
		},
		{
			goal: soroe.Goal{
				Title:   "地域での認知を広げる",
				Purpose: soroe.PurposeAwareness,
				Strategy: "地域の季節の話題と職人の手仕事の舞台裏を発信し、「この街で家を建てるなら揃え工務店」と思い出してもらえる存在になる。" +
					"見られる回数を増やしながら、エンゲージメント率も今の水準（2.1%）から3.5%へ上げる。",
				StartOn: start, Deadline: today.AddDays(153),
				KPIs: []*soroe.KPI{
					{Primary: true, Metric: soroe.MetricImpressions, Target: 600000},
					{Metric: soroe.MetricEngagementRate, Target: 0.035, Baseline: ptr(0.021)},
				},
			},
			starters: []demoStarter{
				{"behind_the_scenes", both(ix, tag("#大工仕事", "#工務店"))},
				{"local_season", both(ix, func(b *soroe.TemplateBody) {
					b.Frequency.Count, b.Frequency.Weekdays = 1, []time.Weekday{time.Friday}
					b.Hashtags = append(b.Hashtags, "#工務店")
				})},
			},
			values: []func(int, time.Weekday) (float64, float64, bool){
				func(i int, wd time.Weekday) (float64, float64, bool) { return awarenessImpressions(i, wd), 0, true },
				func(i int, wd time.Weekday) (float64, float64, bool) {
					imp := awarenessImpressions(i, wd)
					return float64(int(imp * (0.025 + 0.003*wiggle(i, 5)))), imp, true
				},
			},
			notes: map[int]string{5: "Instagram と X のインサイトから転記"},
		},
	}
}

// awarenessImpressions are the demo's daily impressions: about 2,000 a
// day, more on the days a short video went out.
func awarenessImpressions(i int, wd time.Weekday) float64 {
	v := 1800 + 400*wiggle(i, 6)
	if wd == time.Wednesday {
		v += 900
	}
	return float64(int(v))
}

func ptr(f float64) *float64 { return &f }

// seedPlan creates the demo organization's goals, 型 and KPI values, and
// marks its setup done. ids are the demo users by role. Each is written at
// the time it was made: the goals and 型 three days before the period
// started, each day's values that evening.
func seedPlan(ctx context.Context, db *store.DB, org *soroe.Org, ids map[soroe.Role]int64) error {
	loc := org.Location()
	today := soroe.DateOf(db.Now(), loc)
	clock := &seedClock{}
	then := db.WithClock(clock.Now)
	exec, pr, staff := ids[soroe.RoleExecutive], ids[soroe.RoleManager], ids[soroe.RoleStaff]
	for gi, dg := range demoPlan(today) {
		g := dg.goal
		g.OrgID, g.OwnerID = org.ID, exec
		made := g.StartOn.AddDays(-3).Time(loc)
		clock.t = made.Add(10*time.Hour + time.Duration(gi*20)*time.Minute)
		if err := then.CreateGoal(ctx, &g, exec); err != nil {
			return fmt.Errorf("goal %q: %w", g.Title, err)
		}
		for si, st := range dg.starters {
			clock.t = made.Add(14*time.Hour + time.Duration(gi*20+si*5)*time.Minute)
			e, ok := library.Lookup(g.Purpose, soroe.LangJA, st.key)
			if !ok {
				return fmt.Errorf("no library 型 %s/%s", g.Purpose, st.key)
			}
			b := e.Body
			if st.edit != nil {
				st.edit(&b)
			}
			b.Drafters = soroe.Assignees{UserIDs: []int64{staff}}
			b.Approvers = soroe.Assignees{UserIDs: []int64{pr}}
			t := &soroe.Template{OrgID: org.ID, GoalID: g.ID, Source: "library", CreatedBy: pr, TemplateBody: b}
			if err := then.CreateTemplate(ctx, t); err != nil {
				return fmt.Errorf("型 %q: %w", b.Name, err)
			}
		}
		for k, kpi := range g.KPIs {
			for i := range daysEntered {
				day := g.StartOn.AddDays(i)
				v, den, ok := dg.values[k](i, day.Time(loc).Weekday())
				if !ok {
					continue
				}
				e := &soroe.KPIEntry{KPIID: kpi.ID, Day: day, Source: soroe.SourceManual, Value: v, Denominator: den, CreatedBy: pr}
				if kpi.Primary {
					e.Note = dg.notes[i]
				}
				clock.t = day.Time(loc).Add(18*time.Hour + time.Duration(gi*10+k*2)*time.Minute)
				if err := then.SetKPIEntry(ctx, org.ID, e); err != nil {
					return fmt.Errorf("%s on %s: %w", kpi.Label(), day, err)
				}
			}
		}
	}
	return db.SetSetupStep(ctx, org.ID, store.SetupDone)
}
