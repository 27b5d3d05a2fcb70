package publish_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish/publishtest"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestTrackedLinks(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		w := newWorld(t, db, clock)
		w.eng.TrackBase = "https://soroe.example.jp/"
		g := &soroe.Goal{OrgID: w.org.ID, Title: "Spring Fair 資料請求", Purpose: soroe.PurposeSales, OwnerID: w.user.ID,
			StartOn: "2026-01-01", Deadline: "2026-12-31", KPIs: []*soroe.KPI{{Primary: true, Metric: soroe.MetricLinkClicks, Target: 100}}}
		if err := db.CreateGoal(ctx, g, w.user.ID); err != nil {
			t.Fatal(err)
		}
		const link = "https://example.jp/fair?ref=sns&utm_medium=owned"
		schedule := func(n soroe.Network, text string) (*soroe.Post, *soroe.Target) {
			at := clock.Now()
			p := &soroe.Post{OrgID: w.org.ID, AuthorID: w.user.ID, GoalID: &g.ID, State: soroe.PostScheduled, ScheduledAt: &at, Link: link}
			tg := &soroe.Target{AccountID: w.accounts[n].ID, Text: text + " " + link}
			if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
				t.Fatal(err)
			}
			return p, tg
		}

		// Bluesky: the first attempt's answer is lost after it posted; the
		// resolver must find the text with the short link.
		p, tg := schedule(soroe.NetworkBluesky, "春のフェア")
		f := w.fakes[soroe.NetworkBluesky]
		f.FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrUnknownOutcome, Reason: "timeout"}, Posted: true})
		if err := w.eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		links, err := db.PostLinks(ctx, w.org.ID, p.ID)
		if err != nil || len(links) != 1 {
			t.Fatalf("links %v %v", links, err)
		}
		l := links[0]
		short := "https://soroe.example.jp/l/" + l.Code
		posts := f.Posts()
		if len(posts) != 1 || posts[0].Text != "春のフェア "+short {
			t.Fatalf("sent %+v, want the short link in the text", posts)
		}
		if err := w.eng.Resolve(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.get(t, tg.ID); got.State != soroe.TargetSent {
			t.Fatalf("resolve did not find the tracked text: %s %s", got.State, got.LastError)
		}
		u, _ := url.Parse(l.Destination)
		q := u.Query()
		if q.Get("utm_source") != "bluesky" || q.Get("utm_medium") != "owned" || q.Get("utm_content") != strconv.FormatInt(p.ID, 10) ||
			!strings.HasPrefix(q.Get("utm_campaign"), "goal-") || !strings.Contains(q.Get("utm_campaign"), "spring-fair") || q.Get("ref") != "sns" {
			t.Fatalf("destination %s", l.Destination)
		}

		// Mastodon: a temporary failure, then the retry sends the same code.
		_, tg2 := schedule(soroe.NetworkMastodon, "再送")
		m := w.fakes[soroe.NetworkMastodon]
		m.FailNext(publishtest.Failure{Err: &network.Error{Kind: network.ErrTemporary, Status: 503}})
		if err := w.eng.Attempt(ctx, tg2.ID); err != nil {
			t.Fatal(err)
		}
		first, err := db.LinkByTarget(ctx, tg2.ID)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Minute)
		if err := w.eng.Attempt(ctx, tg2.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.get(t, tg2.ID); got.State != soroe.TargetSent {
			t.Fatalf("retry: %s", got.State)
		}
		mp := m.Posts()
		if len(mp) != 1 || !strings.Contains(mp[0].Text, "/l/"+first.Code) {
			t.Fatalf("retry sent %+v, want code %s", mp, first.Code)
		}

		// A post that opted out goes as it is.
		p3, tg3 := schedule(soroe.NetworkLINE, "計測なし")
		if err := db.SetPostTracking(ctx, w.org.ID, p3.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := w.eng.Attempt(ctx, tg3.ID); err != nil {
			t.Fatal(err)
		}
		lp := w.fakes[soroe.NetworkLINE].Posts()
		if len(lp) != 1 || lp[0].Text != "計測なし "+link {
			t.Fatalf("untracked sent %+v", lp)
		}
		if _, err := db.LinkByTarget(ctx, tg3.ID); err != soroe.ErrNotFound {
			t.Fatalf("an untracked post got a link: %v", err)
		}
	})
}
