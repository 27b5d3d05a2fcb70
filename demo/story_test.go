package demo_test

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/bluesky"
	"github.com/soroe/soroe/network/instagram"
	"github.com/soroe/soroe/network/line"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/network/x"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
	"github.com/soroe/soroe/workflow"
)

// seedAll seeds the demo as `serve --demo` does: the organization, its
// accounts on fakes started for the test, its posts and numbers.
func seedAll(t *testing.T, db *store.DB) (int64, *demo.Fakes, *secretbox.Box) {
	t.Helper()
	ctx := context.Background()
	id, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secretbox.New(strings.Repeat("d", 32))
	if err != nil {
		t.Fatal(err)
	}
	fakes := demo.StartFakes()
	t.Cleanup(fakes.Close)
	if err := demo.SeedAccounts(ctx, db, box, id, fakes.URLs()); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedPosts(ctx, db, id); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedMetrics(ctx, db, id); err != nil {
		t.Fatal(err)
	}
	return id, fakes, box
}

// Every network a demo 型 names has a connected demo account that posts
// through the API (not by hand), so drafting from any 型 reaches accounts.
// X, Instagram and LINE, what Japanese companies use, are among them.
func TestDemoTemplatesOnConnectedNetworks(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, _, _ := seedAll(t, db)
		accounts, err := db.Accounts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		connected := map[soroe.Network]bool{}
		for _, a := range accounts {
			if !a.ByHand() && a.Status == soroe.AccountOK && a.Host != "" {
				connected[a.Network] = true
			}
		}
		for _, n := range []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram, soroe.NetworkLINE, soroe.NetworkMastodon, soroe.NetworkBluesky} {
			if !connected[n] {
				t.Errorf("no demo account on %s (accounts: %v)", n, connected)
			}
		}
		tpls, err := db.Templates(ctx, id, 0)
		if err != nil || len(tpls) < 5 {
			t.Fatalf("%d 型, %v", len(tpls), err)
		}
		for _, tp := range tpls {
			if len(tp.Networks) == 0 {
				t.Errorf("型 %q names no network", tp.Name)
			}
			for _, n := range tp.Networks {
				if !connected[n] {
					t.Errorf("型 %q names %s, which the demo has not connected", tp.Name, n)
				}
			}
		}
		// The demo's posts go to the accounts of their 型's networks.
		posts, targets, _, err := db.Posts(ctx, store.PostFilter{OrgID: id})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range posts {
			for _, tg := range targets[p.ID] {
				if tg.Network != soroe.NetworkManual && !connected[tg.Network] {
					t.Errorf("post %d goes to %s, not connected", p.ID, tg.Network)
				}
			}
		}
	})
}

// The demo's X, Instagram and LINE accounts publish to their fakes: a post
// made, approved and scheduled the way people do, then worked by the
// publisher with the adapters `serve --demo` uses, lands on each fake. An
// account that is not the demo's goes to the network's own API, here a
// second fake.
func TestDemoAccountsPublishToFakes(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		id, fakes, box := seedAll(t, db)
		accounts, err := db.Accounts(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		api := nettest.NewXFake() // stands in for api.x.com
		defer api.Close()
		other := &soroe.Account{OrgID: id, Network: soroe.NetworkX, Name: "本物の X", Handle: "@real"}
		sealed, err := publish.SealCredentials(box, id, network.Credentials{AccessToken: api.AccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAccount(ctx, other, sealed); err != nil {
			t.Fatal(err)
		}
		var chosen []*soroe.Target
		for _, n := range []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram, soroe.NetworkLINE} {
			i := slices.IndexFunc(accounts, func(a *soroe.Account) bool { return a.Network == n && !a.ByHand() })
			if i < 0 {
				t.Fatalf("no demo account on %s", n)
			}
			chosen = append(chosen, &soroe.Target{AccountID: accounts[i].ID})
		}
		chosen = append(chosen, &soroe.Target{AccountID: other.ID})
		const text = "完成見学会のお知らせ。今週末、木の香りの平屋をご覧いただけます。"
		for _, tg := range chosen {
			tg.Text = text
		}
		members, _ := db.Members(ctx, id)
		actor := func(r soroe.Role) workflow.Actor {
			i := slices.IndexFunc(members, func(m *soroe.Member) bool { return m.Role == r })
			return workflow.Actor{UserID: members[i].UserID, OrgID: id, Role: r}
		}
		staff, pr := actor(soroe.RoleStaff), actor(soroe.RoleManager)
		wf := &workflow.Service{DB: db}
		p := &soroe.Post{Text: text}
		if err := wf.Create(ctx, staff, p, chosen); err != nil {
			t.Fatal(err)
		}
		jpeg := photoFromDemo(t, db, id)
		if _, err := db.AddMedia(ctx, &soroe.Media{OrgID: id, PostID: p.ID, Filename: "gaikan.jpg", ContentType: "image/jpeg", CreatedBy: staff.UserID}, jpeg, nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := wf.Submit(ctx, staff, p.ID); err != nil {
			t.Fatal(err)
		}
		cur, _ := db.Post(ctx, id, p.ID)
		if _, _, err := wf.Decide(ctx, id, p.ID, store.Decision{Round: cur.Round, Step: cur.Step, UserID: pr.UserID, Decision: soroe.DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		if _, err := wf.Schedule(ctx, pr, p.ID, db.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		clock.Add(2 * time.Minute)

		real := map[soroe.Network]network.Publisher{
			soroe.NetworkX:         x.New(x.Options{BaseURL: api.URL}),
			soroe.NetworkInstagram: instagram.New(instagram.Options{BaseURL: "http://127.0.0.1:1/v23.0"}),
			soroe.NetworkLINE:      line.New(line.Options{BaseURL: "http://127.0.0.1:1"}),
		}
		adapters := fakes.Route(real)
		if _, ok := adapters[soroe.NetworkX].(network.RecentFinder); !ok {
			t.Error("the routed X adapter cannot find recent posts any more")
		}
		if _, ok := adapters[soroe.NetworkInstagram].(network.RecentFinder); ok {
			t.Error("the routed Instagram adapter claims to find recent posts")
		}
		for n, a := range adapters {
			if _, ok := a.(network.MetricsReader); !ok {
				t.Errorf("the routed %s adapter reads no metrics", n)
			}
		}
		eng := &publish.Engine{Store: db, Adapters: adapters, Open: publish.Opener(box),
			Media: func(ctx context.Context, tg *soroe.Target) ([]network.Media, error) {
				ms, err := db.PostMedia(ctx, tg.OrgID, tg.PostID)
				if err != nil {
					return nil, err
				}
				var out []network.Media
				for _, m := range ms {
					out = append(out, network.Media{Filename: m.Filename, ContentType: m.ContentType, Size: m.Bytes,
						URL: "https://soroe.example/m/" + strconv.FormatInt(m.ID, 10),
						Open: func(context.Context) (io.ReadCloser, error) {
							return io.NopCloser(strings.NewReader(string(jpeg))), nil
						}})
				}
				return out, nil
			}}
		ts, err := db.Targets(ctx, id, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range ts {
			if err := eng.Attempt(ctx, tg.ID); err != nil {
				t.Fatal(err)
			}
		}
		ts, _ = db.Targets(ctx, id, p.ID)
		for _, tg := range ts {
			if tg.State != soroe.TargetSent || tg.RemoteID == "" {
				t.Errorf("%s target: %s %q (%s)", tg.Network, tg.State, tg.RemoteID, tg.LastError)
			}
		}
		if n := len(fakes.X.Posts); n != 1 || fakes.X.Posts[0].Text != text || len(fakes.X.Posts[0].MediaIDs) != 1 {
			t.Errorf("the X fake holds %d posts: %+v", n, fakes.X.Posts)
		}
		if ig := fakes.Instagram.Posts(); len(ig) != 1 || ig[0].Caption != text || !strings.HasPrefix(ig[0].ImageURL, "https://soroe.example/m/") {
			t.Errorf("the Instagram fake holds %+v", ig)
		}
		if b := fakes.LINE.Broadcasts; len(b) != 1 || !slices.Contains(b[0].Texts, text) {
			t.Errorf("the LINE fake holds %+v", b)
		}
		if len(api.Posts) != 1 || api.Posts[0].Text != text {
			t.Errorf("the account that is not the demo's did not go to the network's API: %+v", api.Posts)
		}
		if after, _ := db.Post(ctx, id, p.ID); after.State != soroe.PostPublished {
			t.Errorf("post %s after publishing", after.State)
		}
	})
}

// photoFromDemo is one of the demo's own photos (an Instagram post's).
func photoFromDemo(t *testing.T, db *store.DB, orgID int64) []byte {
	t.Helper()
	ctx := context.Background()
	posts, targets, _, err := db.Posts(ctx, store.PostFilter{OrgID: orgID, States: []string{soroe.PostPublished}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts {
		if !slices.ContainsFunc(targets[p.ID], func(tg *soroe.Target) bool { return tg.Network == soroe.NetworkInstagram }) {
			continue
		}
		ms, err := db.PostMedia(ctx, orgID, p.ID)
		if err != nil || len(ms) == 0 {
			t.Fatalf("a published Instagram post without a photo: %d %v", p.ID, err)
		}
		_, data, err := db.MediaData(ctx, orgID, ms[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	t.Fatal("no published Instagram post in the demo")
	return nil
}

// The demo's history is the events' own: every post's steps happened
// before the demo was seeded, one after another, each at its own time (no
// two posts share a moment either)
// (only what one step causes shares its time: the approval, and the
// schedule of a post with a time, that the last step's decision makes;
// the publication its last target's outcome makes); a post of the weeks behind went out at its time, its draft days
// before; comments, goals, 型 and values were made before the seed too.
func TestDemoHistoryTimes(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) { checkHistory(t, db) })
	// Just after midnight in Tokyo, the first day of a month.
	t.Run("2027-04-01T00:30+09:00", func(t *testing.T) {
		clock := storetest.NewClock(time.Date(2027, 3, 31, 15, 30, 0, 0, time.UTC))
		checkHistory(t, storetest.Open(t, store.SQLite, clock.Now))
	})
}

func checkHistory(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	seeded := db.Now()
	id, _, _ := seedAll(t, db)
	posts, _, n, err := db.Posts(ctx, store.PostFilter{OrgID: id})
	if err != nil || n < 15 {
		t.Fatalf("%d posts %v", n, err)
	}
	owner := map[time.Time]int64{} // which post an event moment belongs to
	for _, p := range posts {
		evs, err := db.PostEvents(ctx, id, p.ID)
		if err != nil || len(evs) == 0 {
			t.Fatalf("post %d: %d events %v", p.ID, len(evs), err)
		}
		slices.SortFunc(evs, func(a, b *soroe.PostEvent) int { return int(a.ID - b.ID) })
		byTime := map[time.Time][]string{}
		for i, e := range evs {
			if o, ok := owner[e.At]; ok && o != p.ID {
				t.Errorf("posts %d and %d have events at the same moment %v", o, p.ID, e.At)
			}
			owner[e.At] = p.ID
			byTime[e.At] = append(byTime[e.At], e.Kind)
			if !e.At.Before(seeded) {
				t.Errorf("post %d: %s at %v, not before the seed (%v)", p.ID, e.Kind, e.At, seeded)
			}
			if i > 0 && e.At.Before(evs[i-1].At) {
				t.Errorf("post %d: %s at %v before %s at %v", p.ID, e.Kind, e.At, evs[i-1].Kind, evs[i-1].At)
			}
		}
		for at, kinds := range byTime {
			rest := slices.DeleteFunc(slices.Clone(kinds), func(k string) bool {
				return k == store.EventApproved || k == store.EventScheduled || k == store.EventPublished
			})
			if len(rest) > 1 || (len(rest) == 0 && len(kinds) > 1) {
				t.Errorf("post %d: %v at the same moment %v", p.ID, kinds, at)
			}
		}
		if created := evs[0]; created.Kind != store.EventCreated || seeded.Sub(created.At) < time.Hour {
			t.Errorf("post %d: first event %s at %v (seeded %v)", p.ID, created.Kind, created.At, seeded)
		}
		if p.ScheduledAt != nil && p.ScheduledAt.Before(seeded) && p.State != soroe.PostApproved {
			i := slices.IndexFunc(evs, func(e *soroe.PostEvent) bool { return e.Kind == store.EventClaimed })
			if i < 0 || !evs[i].At.Equal(*p.ScheduledAt) {
				t.Errorf("post %d of %v: first attempt %v", p.ID, *p.ScheduledAt, evs)
			}
			if p.ScheduledAt.Sub(evs[0].At) < 24*time.Hour {
				t.Errorf("post %d of %v drafted at %v", p.ID, *p.ScheduledAt, evs[0].At)
			}
		}
		cs, err := db.Comments(ctx, id, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if !c.CreatedAt.Before(seeded) || c.CreatedAt.Before(evs[0].At) {
				t.Errorf("post %d: comment at %v (drafted %v, seeded %v)", p.ID, c.CreatedAt, evs[0].At, seeded)
			}
		}
	}
	goals, _ := db.Goals(ctx, id)
	for _, g := range goals {
		if !g.CreatedAt.Before(g.StartOn.Time(time.UTC)) {
			t.Errorf("goal %q created %v, after its start %s", g.Title, g.CreatedAt, g.StartOn)
		}
		entries, _ := db.KPIEntries(ctx, id, g.ID)
		for _, e := range entries {
			if !e.CreatedAt.Before(seeded) || e.CreatedAt.Before(e.Day.Time(time.UTC).Add(-9*time.Hour)) {
				t.Errorf("goal %q: the value of %s entered at %v", g.Title, e.Day, e.CreatedAt)
			}
		}
	}
	tpls, _ := db.Templates(ctx, id, 0)
	for _, tp := range tpls {
		if !tp.CreatedAt.Before(seeded.Add(-20 * 24 * time.Hour)) {
			t.Errorf("型 %q (v%d) made %v", tp.Name, tp.Version, tp.CreatedAt)
		}
	}
}

var largerThan = regexp.MustCompile(`larger than (\d+) bytes`)

// The failed demo post failed for a reason its data bears out: Bluesky
// refused its photo as larger than its server takes, and the photo is
// that large (and within what Soroe's own check allows, which is how it
// got through approval); the post's other networks took it.
func TestDemoFailedPostMatchesItsReason(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, _, _ := seedAll(t, db)
		posts, targets, _, err := db.Posts(ctx, store.PostFilter{OrgID: id, States: []string{soroe.PostFailed}})
		if err != nil || len(posts) == 0 {
			t.Fatalf("no failed post: %v", err)
		}
		for _, p := range posts {
			ms, err := db.PostMedia(ctx, id, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, tg := range targets[p.ID] {
				if tg.State != soroe.TargetFailed {
					if tg.State != soroe.TargetSent {
						t.Errorf("post %d: %s target %s", p.ID, tg.Network, tg.State)
					}
					continue
				}
				code := network.ReasonCode(tg.LastError)
				if tg.Network != soroe.NetworkBluesky || code != network.ReasonImageTooLarge {
					t.Errorf("post %d: %s failed with %q (%s)", p.ID, tg.Network, tg.LastError, code)
					continue
				}
				m := largerThan.FindStringSubmatch(tg.LastError)
				if m == nil {
					t.Fatalf("the reason names no size: %q", tg.LastError)
				}
				limit, _ := strconv.ParseInt(m[1], 10, 64)
				if len(ms) != 1 || ms[0].ContentType != "image/jpeg" {
					t.Fatalf("post %d has %d attachments: %+v", p.ID, len(ms), ms)
				}
				if ms[0].Bytes <= limit || ms[0].Bytes > bluesky.MaxImageBytes {
					t.Errorf("the photo has %d bytes: the reason says over %d, Soroe's check allows %d", ms[0].Bytes, limit, bluesky.MaxImageBytes)
				}
				if _, data, err := db.MediaData(ctx, id, ms[0].ID); err != nil || int64(len(data)) != ms[0].Bytes || string(data[:2]) != "\xff\xd8" {
					t.Errorf("the photo's bytes: %d, %v", len(data), err)
				}
			}
		}
	})
}

// The same day seeds the same demo: posts, their targets, photos (by
// their SHA-256) and history, to the microsecond.
func TestDemoDeterministic(t *testing.T) {
	at := time.Date(2027, 2, 3, 4, 5, 6, 0, time.UTC)
	var runs [2]string
	for i := range runs {
		clock := storetest.NewClock(at)
		db := storetest.Open(t, store.SQLite, clock.Now)
		id, _, _ := seedAll(t, db)
		ctx := context.Background()
		posts, targets, _, err := db.Posts(ctx, store.PostFilter{OrgID: id})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, p := range posts {
			fmt.Fprintf(&b, "%s %s %v\n", p.Text, p.State, p.ScheduledAt)
			for _, tg := range targets[p.ID] {
				fmt.Fprintf(&b, "  %s %s %s %s\n", tg.Network, tg.State, tg.RemoteID, tg.LastError)
			}
			ms, _ := db.PostMedia(ctx, id, p.ID)
			for _, m := range ms {
				fmt.Fprintf(&b, "  %s %d %s\n", m.Filename, m.Bytes, m.SHA256)
			}
			evs, _ := db.PostEvents(ctx, id, p.ID)
			for _, e := range evs {
				fmt.Fprintf(&b, "  %s %s %s\n", e.At.Format(time.RFC3339Nano), e.Kind, e.Detail)
			}
		}
		runs[i] = b.String()
	}
	if runs[0] != runs[1] {
		t.Errorf("two seeds of the same day differ:\n%s\n---\n%s", runs[0], runs[1])
	}
}

// TestDemoMemos: the demo's published posts carry their authors' 工夫メモ,
// written after they went out, and drafts have none.
func TestDemoMemos(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, _, _ := seedAll(t, db)
		posts, _, _, err := db.Posts(ctx, store.PostFilter{OrgID: id})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		state := map[int64]string{}
		for _, p := range posts {
			ids = append(ids, p.ID)
			state[p.ID] = p.State
		}
		memos, err := db.PostMemos(ctx, id, ids)
		if err != nil || len(memos) < 3 {
			t.Fatalf("%d demo memos %v", len(memos), err)
		}
		for pid, m := range memos {
			if state[pid] != soroe.PostPublished || m.Body == "" || m.UpdatedByName == "" {
				t.Errorf("post %d (%s): memo %+v", pid, state[pid], m)
			}
		}
	})
}
