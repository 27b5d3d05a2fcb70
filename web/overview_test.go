package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
)

// overviewSetup adds to the history setup (a Mastodon post now — Monday
// 2026-11-23 09:30 in Tokyo — with 400 impressions, 12 likes and score
// 70; an external post of the day before with 300 views, 9 likes) a score
// of 20 for the external post, the account's followers (500 on Sunday, 530
// on Monday), and two clicks and a conversion on a tracked link of the
// fixture's goal.
func overviewSetup(t *testing.T, e *env, f *fixture) (*historySetup, *soroe.Goal) {
	t.Helper()
	ctx := context.Background()
	h := newHistorySetup(t, e, f)
	low := int64(20)
	if err := e.db.SetScore(ctx, f.A.ID, soroe.Subject{ExternalID: h.external}, &low, 1, `{}`); err != nil {
		t.Fatal(err)
	}
	for day, n := range map[string]int64{"2026-11-22": 500, "2026-11-23": 530} {
		if err := e.db.RecordFollowers(ctx, f.A.ID, soroe.FollowerCount{AccountID: h.account.ID, Day: day, Followers: n, Source: soroe.SourceManual, At: e.db.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	tpl := fixtureTemplate(t, e, f)
	g, err := e.db.Goal(ctx, f.A.ID, tpl.GoalID)
	if err != nil {
		t.Fatal(err)
	}
	// The goal's post with the link is not out yet: its clicks count
	// (they happened), its numbers do not.
	gp := &soroe.Post{OrgID: f.A.ID, AuthorID: f.Users[soroe.RoleStaff].ID, GoalID: &g.ID, Link: "https://example.jp/recruit"}
	gt := &soroe.Target{AccountID: h.account.ID, Text: "説明会 https://example.jp/recruit"}
	if err := e.db.CreatePost(ctx, gp, []*soroe.Target{gt}); err != nil {
		t.Fatal(err)
	}
	l, err := e.db.EnsureLink(ctx, &soroe.Link{OrgID: f.A.ID, PostID: gp.ID, TargetID: gt.ID, Network: h.account.Network,
		Destination: "https://example.jp/recruit?utm_source=mastodon"})
	if err != nil {
		t.Fatal(err)
	}
	// Four applications counted by hand on the 10th.
	if _, err := e.db.RecordManualEntry(ctx, g, &soroe.KPIEntry{KPIID: g.KPIs[0].ID, Day: "2026-11-10", Value: 4, Source: soroe.SourceManual, CreatedBy: f.Users[soroe.RoleManager].ID}, "2026-11-23"); err != nil {
		t.Fatal(err)
	}
	now := e.db.Now()
	if err := e.db.RecordClicks(ctx, []soroe.Click{{LinkID: l.ID, OrgID: f.A.ID, At: now}, {LinkID: l.ID, OrgID: f.A.ID, At: now.Add(time.Second)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.RecordConversion(ctx, &soroe.Conversion{OrgID: f.A.ID, Event: "application", At: now.Add(time.Minute), Source: "api", IdempotencyKey: "ov-1", Code: l.Code}); err != nil {
		t.Fatal(err)
	}
	return h, g
}

func TestOverviewAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		h, g := overviewSetup(t, e, f)
		type stats struct {
			Posts           int64    `json:"posts"`
			Exposure        int64    `json:"exposure"`
			Engagements     int64    `json:"engagements"`
			Rate            *float64 `json:"engagement_rate"`
			Followers       *int64   `json:"followers"`
			FollowersChange *int64   `json:"followers_change"`
		}
		type network struct {
			Network  soroe.Network `json:"network"`
			Current  stats         `json:"current"`
			Previous stats         `json:"previous"`
		}
		type post struct {
			ID       int64 `json:"id"`
			External bool  `json:"external"`
			Score    int64 `json:"score"`
		}
		var o struct {
			Period   soroe.Period `json:"period"`
			Previous soroe.Period `json:"previous"`
			Goals    []struct {
				ID    int64 `json:"id"`
				Trend []struct {
					Day    soroe.Date `json:"day"`
					Actual float64    `json:"actual"`
				} `json:"trend"`
				Funnel struct {
					Exposure     int64  `json:"exposure"`
					Clicks       int64  `json:"clicks"`
					ClicksSource string `json:"clicks_source"`
					Conversions  int64  `json:"conversions"`
				} `json:"funnel"`
			} `json:"goals"`
			Networks []network `json:"networks"`
			Total    network   `json:"total"`
			Cadence  []struct {
				TemplateID int64 `json:"template_id"`
				Week       struct {
					From      soroe.Date `json:"from"`
					To        soroe.Date `json:"to"`
					Planned   int        `json:"planned"`
					Published int64      `json:"published"`
				} `json:"week"`
			} `json:"cadence"`
			Top    []post `json:"top_posts"`
			Bottom []post `json:"bottom_posts"`
		}
		get := func(q string) {
			t.Helper()
			o.Networks, o.Top, o.Bottom, o.Goals, o.Cadence = nil, nil, nil, nil, nil
			r := e.api(t, http.MethodGet, "/api/v1/overview"+q, staff, nil)
			want(t, r, http.StatusOK)
			if err := json.Unmarshal([]byte(r.Body), &o); err != nil {
				t.Fatalf("%v: %s", err, r)
			}
		}
		netOf := func(n soroe.Network) network {
			for _, x := range o.Networks {
				if x.Network == n {
					return x
				}
			}
			t.Fatalf("no %s in %+v", n, o.Networks)
			return network{}
		}

		// This week (Monday only) against Sunday.
		get("?period=week")
		if o.Period.From != "2026-11-23" || o.Period.To != "2026-11-23" || o.Previous.From != "2026-11-22" {
			t.Fatalf("period %+v, previous %+v", o.Period, o.Previous)
		}
		m := netOf(soroe.NetworkMastodon)
		if c := m.Current; c.Posts != 1 || c.Exposure != 400 || c.Engagements != 12 || c.Rate == nil || *c.Rate != 0.03 ||
			c.Followers == nil || *c.Followers != 530 || c.FollowersChange == nil || *c.FollowersChange != 30 {
			t.Errorf("mastodon this week %+v", c)
		}
		// Sunday: the external post; no reading before it, so no change.
		if p := m.Previous; p.Posts != 1 || p.Exposure != 300 || p.Engagements != 9 || *p.Followers != 500 || *p.FollowersChange != 0 {
			t.Errorf("mastodon the week before %+v", p)
		}
		// The fixture's X external post of two hours ago: 120 views.
		if x := netOf(soroe.NetworkX); x.Current.Exposure != 120 || x.Current.Posts != 1 {
			t.Errorf("x this week %+v", x.Current)
		}
		if o.Total.Current.Exposure != 520 || o.Total.Current.Posts != 2 || o.Total.Previous.Exposure != 300 {
			t.Errorf("total %+v", o.Total)
		}
		if len(o.Top) != 1 || o.Top[0].ID != h.post.ID || o.Top[0].Score != 70 || len(o.Bottom) != 0 {
			t.Errorf("top %+v bottom %+v", o.Top, o.Bottom)
		}
		var found bool
		for _, gv := range o.Goals {
			if gv.ID != g.ID {
				continue
			}
			found = true
			// Weeks ending on Sunday 11/1, 8, 15, 22 and today; the four
			// applications of the 10th from the third point on.
			if n := len(gv.Trend); n != 5 || gv.Trend[0].Day != "2026-11-01" || gv.Trend[1].Actual != 0 || gv.Trend[2].Actual != 4 || gv.Trend[n-1].Day != "2026-11-23" || gv.Trend[n-1].Actual != 4 {
				t.Errorf("trend %+v", gv.Trend)
			}
			// The tracked link's clicks and the conversion they brought.
			if fu := gv.Funnel; fu.Clicks != 2 || fu.ClicksSource != "tracked" || fu.Conversions != 1 {
				t.Errorf("funnel %+v", fu)
			}
		}
		if !found {
			t.Errorf("goal %d not in %+v", g.ID, o.Goals)
		}
		// The fixture's 型: three a week, none published.
		tpl := fixtureTemplate(t, e, f)
		found = false
		for _, c := range o.Cadence {
			if c.TemplateID == tpl.ID {
				found = true
				if c.Week.Planned != 3 || c.Week.Published != 0 || c.Week.From != "2026-11-23" || c.Week.To != "2026-11-29" {
					t.Errorf("cadence %+v", c)
				}
			}
		}
		if !found {
			t.Errorf("no cadence for 型 %d: %+v", tpl.ID, o.Cadence)
		}

		// Sunday and Monday: both posts, the better first.
		get("?period=custom&from=2026-11-22&to=2026-11-23")
		if len(o.Top) != 1 || o.Top[0].Score != 70 || len(o.Bottom) != 1 || o.Bottom[0].ID != h.external || !o.Bottom[0].External {
			t.Errorf("two days: top %+v bottom %+v", o.Top, o.Bottom)
		}
		if m := netOf(soroe.NetworkMastodon); m.Current.Posts != 2 || m.Current.Exposure != 700 || m.Previous.Posts != 0 {
			t.Errorf("two days %+v", m)
		}

		r := e.api(t, http.MethodGet, "/api/v1/overview", owner, nil)
		loadOpenAPI(t).checkResponse(t, "GET /api/v1/overview", r)
		for q, field := range map[string]string{
			"?period=year": "period",
			"?period=custom&from=2026-11-23&to=2026-11-01": "to",
			"?period=custom&from=x&to=2026-11-01":          "from",
			"?period=custom&from=2025-01-01&to=2026-11-01": "to",
		} {
			r := e.api(t, http.MethodGet, "/api/v1/overview"+q, owner, nil)
			loadOpenAPI(t).checkResponse(t, "GET /api/v1/overview", r)
			if p := r.problem(t, http.StatusBadRequest, "bad_query"); p["field"] != field {
				t.Errorf("%s: %v", q, p)
			}
		}
	})
}

func TestOverviewPage(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		h, g := overviewSetup(t, e, f)
		for _, role := range soroe.Roles {
			c := e.loggedIn(t, f.Users[role])
			r := c.get(t, "/overview")
			want(t, r, http.StatusOK)
			for _, s := range []string{`href="/overview" class="active" aria-current="page"`, "成果の概要", "目標とKPI", "SNSごとの数字", "型のペース",
				`<svg`, "数値を表で見る", g.Title, "新しい採用説明会のお知らせ", "÷ 表示回数"} {
				if !strings.Contains(r.Body, s) {
					t.Errorf("%s: no %q on the page", role, s)
				}
			}
		}
		c := e.loggedIn(t, f.Users[soroe.RoleExecutive])
		r := c.get(t, "/overview?period=week")
		want(t, r, http.StatusOK)
		// Figures link to the posts behind them.
		for _, s := range []string{
			`href="/history?from=2026-11-23&amp;network=mastodon&amp;to=2026-11-23">1</a>`,
			fmt.Sprintf(`href="/history?from=2026-11-23&amp;goal=%d&amp;to=2026-11-23"`, g.ID),
			fmt.Sprintf(`href="/posts/%d" class="post-excerpt">新しい採用説明会のお知らせ</a>`, h.post.ID),
			`<a href="/overview?period=week" class="active" aria-current="page">今週</a>`,
			"530<br><small class=\"muted\">期間の増減 &#43;30</small>",
			"計測リンクのクリック",
		} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("no %q on the week's page", s)
			}
		}
		// A bad custom period: this month shown, the error named, the dates
		// as typed.
		r = c.get(t, "/overview?period=custom&from=2026-11-23&to=2026-11-01")
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "終了日は開始日以降にしてください") || !strings.Contains(r.Body, `value="2026-11-01"`) {
			t.Errorf("bad period page: %s", r.Body)
		}

		// CSV of every table, in the reader's language.
		r = c.get(t, "/overview/export.csv?table=networks&period=week")
		want(t, r, http.StatusOK)
		if !strings.HasPrefix(r.Body, "\ufeffSNS,期間,開始日,終了日") || !strings.Contains(r.Body, "Mastodon,今期,2026-11-23,2026-11-23,2,1,400,12,3%,530,30\r\n") {
			t.Errorf("networks csv:\n%s", r.Body)
		}
		r = c.get(t, "/overview/export.csv?table=posts&period=custom&from=2026-11-22&to=2026-11-23")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "上位 1,Mastodon,公式マストドン") || !strings.Contains(r.Body, "下位 1,Mastodon,公式マストドン") {
			t.Errorf("posts csv:\n%s", r.Body)
		}
		for _, table := range overviewTables {
			r = c.get(t, "/overview/export.csv?table="+table)
			want(t, r, http.StatusOK)
			if r.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(r.Header.Get("Content-Disposition"), "soroe-overview-"+table) {
				t.Errorf("%s: %v", table, r.Header)
			}
		}
		want(t, c.get(t, "/overview/export.csv?table=secrets"), http.StatusBadRequest)

		en := e.loggedIn(t, f.Users[soroe.RoleStaff])
		en.post(t, "/lang", map[string][]string{"lang": {"en"}, "next": {"/overview"}})
		r = en.get(t, "/overview")
		if !strings.Contains(r.Body, "Per network") || !strings.Contains(r.Body, "Engagement rate") || strings.Contains(r.Body, "SNSごとの数字") {
			t.Errorf("English page: %s", r.Body)
		}
	})
}
