package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/plan"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// The demo's month of posts: about four weeks around the store's clock, in
// every state a post and a target can be in, made the way people make them
// (drafted by staff, submitted, approved or sent back by 広報, scheduled),
// so that each post's history reads true: every step is written at the
// time it happened (a store on the seeding's own clock), days before the
// demo was seeded for the posts of the weeks behind. Published, failed and
// unconfirmed posts are settled at their time as the publisher would have;
// the month is seeded, not sent, so the fakes hold none of it.

// ownerGuest is the customer who checks the case-study posts about their
// home (the second approval step of the 施工事例 型).
var ownerGuest = soroe.Guest{Name: "山本 様（お施主様）", Email: "yamamoto@example.com"}

// demoPost is one post of the demo.
type demoPost struct {
	day   int    // days from today (local); negative: past
	clock string // local time of day, "" for a post without a time
	tpl   string // the 型's name, "" for free-form
	goal  int    // free-form: index of the goal (by deadline), -1 none
	text  string
	link  string
	photo string // the attachment (photos), "" for none
	// accounts are letters: x, i(nstagram), l(ine), m(astodon),
	// b(luesky), h(and: the manual account).
	accounts string
	// fate is what happens after the draft: see SeedPosts.
	fate     string
	reason   string // failed: the network's reason
	comments []demoComment
	memo     string // published: its author's 工夫メモ
}

type demoComment struct {
	by   soroe.Role
	body string
}

// Fates of a demo post.
const (
	fateDraft       = "draft"
	fateRejected    = "rejected"    // submitted, sent back with a comment: a draft again
	fateReview      = "review"      // waiting at the first step
	fateGuest       = "guest"       // first step approved, waiting for the guest
	fateApproved    = "approved"    // approved, no time yet
	fateScheduled   = "scheduled"   // approved with a time to come
	fatePublished   = "published"   // every target sent (a manual one recorded by hand)
	fateFailed      = "failed"      // the Bluesky target failed
	fateUnconfirmed = "unconfirmed" // sent, but the manual target waits for the person who posts it
)

const (
	tplCase   = "施工事例の紹介"
	tplYoung  = "若手大工の一日"
	tplTeaser = "施工事例集の中身を紹介"
)

// failedReason is what Bluesky answered for the failed post, as the
// publisher stores it: the demo's Bluesky server takes images up to
// 1,000,000 bytes, and the post's photo (the photographer's full-size
// JPEG) is larger; Soroe's own check (app.bsky.embed.images allows
// 2,000,000) let it through, and X, Instagram took it.
const failedReason = "rejected (HTTP 400): InvalidRequest: Record/embed/images/0/image must not be larger than 1000000 bytes"

// failedLimit is the size in failedReason.
const failedLimit = 1_000_000

func demoPosts() []demoPost {
	return []demoPost{
		// The weeks behind.
		{day: -25, clock: "12:00", tpl: tplCase, accounts: "xib", photo: "house", fate: fatePublished,
			memo:     "お施主様の言葉「冬の朝、リビングが寒くない」を本文の中心に。工期も書き添えた。",
			text:     "【施工事例】築40年の平屋を断熱リフォーム。窓をすべて樹脂サッシに替え、床下と天井に断熱材を入れました。「冬の朝、リビングが寒くない」とお施主様。工期は約6週間です。",
			comments: []demoComment{{soroe.RoleExecutive, "反応がいいですね。断熱の話題は続けていきましょう。"}}},
		{day: -22, clock: "18:00", tpl: tplYoung, accounts: "xi", photo: "site", fate: fatePublished,
			memo: "仕事終わりの18時に投稿。本人のひとことをかぎかっこで入れた。",
			text: "入社2年目の大工、佐藤の一日。7時半の朝礼から始まり、午前は床の下地づくり。昼休みは現場の縁側でお弁当。「先輩の鉋（かんな）の音を聞くと、まだまだだなと思います」。"},
		{day: -18, clock: "12:00", tpl: "", goal: 2, accounts: "xih", photo: "house", fate: fatePublished,
			text: "今月の完成見学会、たくさんのご来場ありがとうございました。無垢の床の手ざわりや、薪ストーブの暖かさを体感していただけたでしょうか。次回は第二土曜日です。"},
		{day: -15, clock: "12:00", tpl: tplTeaser, accounts: "xl", fate: fatePublished, link: "https://example.com/case-book",
			memo: "事例集から1事例だけ取り出して紹介。LINE にも同じ日に配信した。",
			text: "施工事例集の中から、子育て世帯の「回遊できる間取り」を紹介します。キッチンから洗面、ファミリークローゼットへ一直線。事例集は無料でダウンロードできます。"},
		{day: -11, clock: "18:00", tpl: "", goal: 0, accounts: "xi", photo: "site", fate: fatePublished, link: "https://example.com/recruit/entry",
			memo: "休日の数字（週休二日・年間休日110日）を前に出した。",
			text: "【採用】来春入社の大工・現場監督を募集しています。道具の使い方から一緒に覚えましょう。週休二日、年間休日110日。まずは現場見学からどうぞ。"},
		{day: -8, clock: "12:00", tpl: tplCase, accounts: "xib", photo: "nisetai", fate: fateFailed, reason: failedReason,
			text:     "【施工事例】二世帯住宅の水まわりを分けたリフォーム。玄関はひとつのまま、キッチンと浴室を世帯ごとに。音が伝わりにくいよう、間に収納をはさんでいます。",
			comments: []demoComment{{soroe.RoleManager, "Bluesky だけ画像が大きすぎて失敗しました。縮小して出し直します。"}}},
		{day: -3, clock: "12:00", tpl: "", goal: 2, accounts: "xih", photo: "site", fate: fateUnconfirmed,
			text: "上棟式を行いました。晴天のもと、お施主様ご家族と職人みんなで餅まき。これから屋根と外壁の工事に進みます。"},
		{day: -2, tpl: tplYoung, accounts: "xi", photo: "site", fate: fateApproved,
			text: "入社1年目の大工、高橋の一日。今日は先輩と一緒に墨付けの練習。「線一本で家の精度が決まると知って、手が震えました」。"},

		// The weeks ahead.
		{day: 2, clock: "12:00", tpl: tplTeaser, accounts: "xl", fate: fateScheduled, link: "https://example.com/case-book",
			text: "施工事例集の中身をちょっとだけ。平屋・二階建て・リフォームの全12事例を、工期と費用の目安つきでまとめました。家づくりの最初の一冊にどうぞ。"},
		{day: 4, clock: "12:00", tpl: tplCase, accounts: "xib", photo: "house", fate: fateReview,
			text:     "【施工事例】吹き抜けのあるリビングでも冬暖かく。天井付近の暖気を床下へ送るしくみと、高断熱の窓で、エアコン1台で家じゅうが快適になりました。",
			comments: []demoComment{{soroe.RoleStaff, "@鈴木 美咲 さん、写真はお施主様に掲載の許可をいただいています。ご確認お願いします。"}}},
		{day: 5, clock: "18:00", tpl: "", goal: 0, accounts: "xi", photo: "site", fate: fateReview,
			text: "合同企業説明会に出展します。ブースでは鉋がけ体験ができます。大工の仕事に少しでも興味がある方、気軽に立ち寄ってください。"},
		{day: 6, clock: "18:00", tpl: "", goal: 2, accounts: "xlm", fate: fateScheduled,
			text: "今週末は完成見学会。木の香りがする平屋で、家事動線と収納の工夫をご覧いただけます。小さなお子さま連れも歓迎です。"},
		{day: 7, clock: "12:00", tpl: tplYoung, accounts: "xi", photo: "site", fate: fateRejected,
			text:     "入社3年目の大工、中村の一日。お施主様の山本様のお宅で、造作の本棚を仕上げました。",
			comments: []demoComment{{soroe.RoleStaff, "直しました。もう一度見ていただけますか。"}}},
		{day: 9, clock: "12:00", tpl: tplCase, accounts: "xib", photo: "kitchen", fate: fateGuest,
			text: "【施工事例】キッチンを対面式にしたリフォーム。壁を抜いて梁を補強し、家族の顔を見ながら料理ができるようになりました。工期は約3週間です。"},
		{day: 12, clock: "18:00", tpl: "", goal: 0, accounts: "xih", photo: "site", fate: fateScheduled, link: "https://example.com/recruit",
			text: "先輩大工に聞きました。「この仕事のいちばんの喜びは？」――「引き渡しの日に、お施主様のお子さんが家じゅうを走り回るのを見るとき」。"},
		{day: 14, clock: "12:00", tpl: tplTeaser, accounts: "xl", fate: fateDraft, link: "https://example.com/case-book",
			text: "施工事例集から、費用の目安の読み方を紹介します。（ここに事例の数字を入れる）"},
		{day: 18, clock: "12:00", tpl: "", goal: 2, accounts: "xim", photo: "house", fate: fateScheduled,
			text: "職人の手仕事の舞台裏。鉋で削った杉板は、さわるとしっとり。機械では出せない木の表情を、お住まいの中でも楽しんでいただけます。"},
		{day: 21, tpl: tplYoung, accounts: "xi", fate: fateDraft,
			text: "現場監督の一日（下書き）。朝は職人さんとの段取り確認から。"},
		{day: 24, clock: "12:00", tpl: "", goal: 1, accounts: "xlb", fate: fateScheduled, link: "https://example.com/case-book",
			text: "結露に悩むお宅へ。窓の断熱リフォームで、朝の窓拭きから解放された事例を施工事例集にまとめました。無料でお送りします。"},
	}
}

// seedClock is what time the seeding says it is: each step of the demo's
// history is written at the moment it happened.
type seedClock struct{ t time.Time }

func (c *seedClock) Now() time.Time { return c.t }

// How long after a post's draft each step came (see postTimes).
const (
	afterMedia     = 3 * time.Minute
	afterSubmit    = 45 * time.Minute
	afterDecision  = 3 * time.Hour  // 広報's decision
	afterGuest     = 26 * time.Hour // the customer's, on the second step
	afterSchedule  = 5 * time.Minute
	afterComment   = 30 * time.Minute
	afterRecording = 35 * time.Minute // the manual post, recorded by hand after its time
)

// draftedAt is when the i-th demo post was drafted, in working hours:
// three days before its day for the weeks behind (so that it was approved
// and scheduled before its time), and one to three days before the demo
// was seeded for the weeks ahead (their steps take a few hours, done by
// the evening before the seed). Every post gets its own minutes.
func draftedAt(i int, dp demoPost, midnight time.Time) time.Time {
	day, clock := dp.day-3, 10*time.Hour+time.Duration(i*7)*time.Minute
	if dp.day >= 0 {
		day, clock = -1-i%3, 9*time.Hour+time.Duration(i*11)*time.Minute
	}
	d := time.Date(midnight.Year(), midnight.Month(), midnight.Day()+day, 0, 0, 0, 0, midnight.Location())
	return d.Add(clock).UTC()
}

// SeedPosts gives the demo organization its month of posts, once: it does
// nothing when the organization has posts already, or no connected
// account yet (call it after the accounts are connected).
func SeedPosts(ctx context.Context, db *store.DB, orgID int64) error {
	if _, _, n, err := db.Posts(ctx, store.PostFilter{OrgID: orgID, Limit: 1}); err != nil || n > 0 {
		return err
	}
	accounts, err := db.Accounts(ctx, orgID)
	if err != nil || len(accounts) == 0 {
		return err
	}
	warmPhotos()
	org, err := db.Org(ctx, orgID)
	if err != nil {
		return err
	}
	members, err := db.Members(ctx, orgID)
	if err != nil {
		return err
	}
	who := map[soroe.Role]workflow.Actor{}
	for _, m := range members {
		if _, ok := who[m.Role]; !ok {
			who[m.Role] = workflow.Actor{UserID: m.UserID, OrgID: orgID, Role: m.Role}
		}
	}
	for _, r := range []soroe.Role{soroe.RoleOwner, soroe.RoleExecutive, soroe.RoleManager, soroe.RoleStaff} {
		if _, ok := who[r]; !ok {
			who[r] = who[soroe.RoleOwner]
		}
	}
	goals, err := db.Goals(ctx, orgID)
	if err != nil {
		return err
	}
	tpls, err := db.Templates(ctx, orgID, 0)
	if err != nil {
		return err
	}
	tplByName := map[string]*soroe.Template{}
	for _, t := range tpls {
		tplByName[t.Name] = t
	}
	loc := org.Location()
	now := db.Now()
	y, mo, d := now.In(loc).Date()
	midnight := time.Date(y, mo, d, 0, 0, 0, 0, loc)
	clock := &seedClock{t: now}
	then := db.WithClock(clock.Now)
	// The case-study 型 gets a second step: the customer checks posts about
	// their home (a guest approver). 広報 added it when the 型 were made,
	// before the first post.
	if t := tplByName[tplCase]; t != nil && len(t.ApprovalSteps) == 0 {
		if t.CreatedAt.Before(now) {
			clock.t = t.CreatedAt.Add(2 * time.Hour)
		}
		b := t.TemplateBody
		b.ApprovalSteps = []soroe.ApprovalStep{
			{Name: "広報チェック", Mode: soroe.ApproveAny, Approvers: b.Approvers},
			{Name: "お施主様の確認", Mode: soroe.ApproveAny, Guests: []soroe.Guest{ownerGuest}},
		}
		if _, err := then.UpdateTemplate(ctx, orgID, t.ID, b, who[soroe.RoleManager].UserID); err != nil {
			return fmt.Errorf("demo: 型 %s: %w", tplCase, err)
		}
	}
	pick := func(letters string) []*soroe.Account {
		var out []*soroe.Account
		for _, l := range letters {
			n := map[rune]soroe.Network{'x': soroe.NetworkX, 'i': soroe.NetworkInstagram, 'l': soroe.NetworkLINE,
				'm': soroe.NetworkMastodon, 'b': soroe.NetworkBluesky, 'h': soroe.NetworkManual}[l]
			for _, a := range accounts {
				if a.Network == n {
					out = append(out, a)
					break
				}
			}
		}
		if len(out) == 0 {
			out = accounts[:1]
		}
		return out
	}
	s := &postSeeder{db: then, clock: clock, wf: &workflow.Service{DB: then}, who: who, goals: goals, tpls: tplByName}
	for i, dp := range demoPosts() {
		s.start = draftedAt(i, dp, midnight)
		if err := s.seed(ctx, dp, pick(dp.accounts), midnight); err != nil {
			return fmt.Errorf("demo: post %d (%s): %w", i+1, dp.fate, err)
		}
	}
	return nil
}

// postSeeder makes one demo post after another, each step at its time.
type postSeeder struct {
	db    *store.DB // on clock
	clock *seedClock
	wf    *workflow.Service
	who   map[soroe.Role]workflow.Actor
	goals []*soroe.Goal
	tpls  map[string]*soroe.Template
	start time.Time // when the current post was drafted
}

// at sets the clock to d after the current post's draft.
func (s *postSeeder) at(d time.Duration) { s.clock.t = s.start.Add(d) }

func (s *postSeeder) seed(ctx context.Context, dp demoPost, accounts []*soroe.Account, midnight time.Time) error {
	db, wf := s.db, s.wf
	staff, pr := s.who[soroe.RoleStaff], s.who[soroe.RoleManager]
	p := &soroe.Post{Text: dp.text, Link: dp.link}
	var at *time.Time
	if dp.clock != "" {
		var h, m int
		if _, err := fmt.Sscanf(dp.clock, "%d:%d", &h, &m); err != nil {
			return err
		}
		t := time.Date(midnight.Year(), midnight.Month(), midnight.Day()+dp.day, h, m, 0, 0, midnight.Location()).UTC()
		at = &t
		p.ScheduledAt = at
	}
	if t := s.tpls[dp.tpl]; dp.tpl != "" && t != nil {
		id := t.ID
		p.TemplateID = &id
		// A post at one of its 型's planned times fills that slot.
		if at != nil {
			loc := midnight.Location()
			day := soroe.DateOf(*at, loc)
			for _, sl := range plan.Slots(t.Frequency, loc, day, day, nil) {
				if sl.At.Equal(*at) {
					slot := sl.At
					p.SlotAt = &slot
				}
			}
		}
	} else if dp.tpl == "" && dp.goal >= 0 && dp.goal < len(s.goals) {
		id := s.goals[dp.goal].ID
		p.GoalID = &id
	}
	var targets []*soroe.Target
	for _, a := range accounts {
		targets = append(targets, &soroe.Target{AccountID: a.ID, Text: dp.text})
	}
	s.at(0)
	if err := wf.Create(ctx, staff, p, targets); err != nil {
		return err
	}
	if dp.photo != "" {
		s.at(afterMedia)
		ph := photos[dp.photo]
		m := &soroe.Media{OrgID: p.OrgID, PostID: p.ID, Filename: ph.Filename, ContentType: "image/jpeg", Alt: ph.Alt, CreatedBy: staff.UserID}
		if _, err := db.AddMedia(ctx, m, photo(dp.photo), nil); err != nil {
			return err
		}
	}
	// Comments come after the step they answer: next is when.
	var next time.Duration
	comment := func() error {
		for _, c := range dp.comments {
			next += afterComment
			s.at(next)
			if err := wf.Comment(ctx, s.who[c.by], &soroe.Comment{PostID: p.ID, Body: c.body}); err != nil {
				return err
			}
		}
		return nil
	}
	if dp.fate == fateDraft {
		next = afterMedia
		return comment()
	}
	// A 型 whose format needs pictures has them before it is submitted.
	if err := topUpFormatMedia(ctx, db, p, s.tpls[dp.tpl], staff.UserID, func(i int) {
		s.at(afterMedia + time.Duration(i+1)*time.Minute)
	}); err != nil {
		return err
	}
	s.at(afterSubmit)
	next = afterSubmit
	after, _, err := wf.Submit(ctx, staff, p.ID)
	if err != nil {
		return err
	}
	decide := func(by workflow.Actor, decision, text string) error {
		cur, err := db.Post(ctx, by.OrgID, p.ID)
		if err != nil {
			return err
		}
		after, _, err = wf.Decide(ctx, by.OrgID, p.ID, store.Decision{Round: cur.Round, Step: cur.Step, UserID: by.UserID, Decision: decision, Comment: text})
		return err
	}
	switch dp.fate {
	case fateReview:
		return comment()
	case fateRejected:
		s.at(afterDecision)
		next = afterDecision
		if err := decide(pr, soroe.DecisionReject, "お施主様のお名前が出ています。掲載の許可がないので、「お施主様」に変えてください。"); err != nil {
			return err
		}
		return comment()
	case fateGuest:
		s.at(afterDecision)
		if err := decide(pr, soroe.DecisionApprove, "広報としては OK です。お施主様に確認をお願いしました。"); err != nil {
			return err
		}
		s.at(afterDecision + afterSchedule)
		next = afterDecision + afterSchedule
		if err := db.AddPostEvent(ctx, pr.OrgID, p.ID, store.EventGuestLink, ownerGuest.Email, &pr.UserID, ""); err != nil {
			return err
		}
		return comment()
	}
	// Every other fate is approved by every step first (a guest step is
	// decided by the guest, the next day).
	next = afterDecision
	for first := true; after.State == soroe.PostInReview; first = false {
		if !first {
			next = afterGuest
		}
		s.at(next)
		step := after.Steps[after.Step]
		if len(step.Guests) > 0 && len(step.Approvers.UserIDs) == 0 && step.Approvers.Role == "" {
			cur := after
			after, err = db.DecidePost(ctx, pr.OrgID, p.ID, store.Decision{Round: cur.Round, Step: cur.Step, Guest: step.Guests[0], Decision: soroe.DecisionApprove})
		} else {
			err = decide(pr, soroe.DecisionApprove, "")
		}
		if err != nil {
			return err
		}
	}
	if dp.fate == fateApproved {
		return comment()
	}
	if after.State == soroe.PostApproved && at != nil {
		// Scheduled by 広報 once approved, while the time was still to come.
		next += afterSchedule
		s.at(next)
		if err := db.SchedulePost(ctx, pr.OrgID, p.ID, *at, pr.UserID); err != nil {
			return err
		}
	}
	if dp.fate == fateScheduled {
		return comment()
	}
	if err := s.publish(ctx, dp, p, *at, accounts); err != nil {
		return err
	}
	// Comments on a published post come in the hour after, then its
	// author's 工夫メモ.
	s.start, next = at.Add(afterRecording), 0
	if err := comment(); err != nil {
		return err
	}
	if dp.memo != "" {
		s.at(next + afterComment)
		if _, err := db.SetPostMemo(ctx, p.OrgID, p.ID, staff.UserID, dp.memo); err != nil {
			return err
		}
	}
	return nil
}

// publish settles a post's targets at its time as the publisher would
// have: a manual one becomes due, and is recorded by hand a little later
// unless the post is the one still waiting for it.
func (s *postSeeder) publish(ctx context.Context, dp demoPost, p *soroe.Post, at time.Time, accounts []*soroe.Account) error {
	db := s.db
	ts, err := db.Targets(ctx, p.OrgID, p.ID)
	if err != nil {
		return err
	}
	var manual []*soroe.Target
	for i, t := range ts {
		// Each target a second after the one before, as one job works them.
		s.clock.t = at.Add(time.Duration(i) * time.Second)
		if ok, err := db.ClaimTarget(ctx, t.ID, time.Minute); err != nil || !ok {
			return fmt.Errorf("claim target %d: %v", t.ID, err)
		}
		s.clock.t = s.clock.t.Add(500 * time.Millisecond)
		acct := accountOf(accounts, t.AccountID)
		switch {
		case t.Network == soroe.NetworkManual:
			// Due: it waits for the person who posts it.
			err = db.MarkUnconfirmed(ctx, t.ID, publish.NoteManual)
			manual = append(manual, t)
		case dp.fate == fateFailed && t.Network == soroe.NetworkBluesky:
			err = db.MarkFailed(ctx, t.ID, dp.reason)
		default:
			id, url := remote(acct, p.ID)
			if err = db.MarkSent(ctx, t.ID, id, url); err == nil {
				// The month is seeded, not sent: the fakes do not hold
				// these posts, so nothing is pulled from them (their
				// numbers are seeded too, SeedMetrics).
				err = db.MarkMetricsPulled(ctx, t.ID, len(soroe.PullAges), nil)
			}
		}
		if err != nil {
			return err
		}
	}
	if dp.fate != fateUnconfirmed {
		// The manual post went out by hand; its URL was recorded after.
		for _, t := range manual {
			s.clock.t = at.Add(afterRecording)
			_, url := remote(accountOf(accounts, t.AccountID), p.ID)
			if err := db.RecordManual(ctx, p.OrgID, t.ID, url, s.who[soroe.RoleStaff].UserID); err != nil {
				return err
			}
		}
	}
	return nil
}

func accountOf(accounts []*soroe.Account, id int64) *soroe.Account {
	if i := slices.IndexFunc(accounts, func(a *soroe.Account) bool { return a.ID == id }); i >= 0 {
		return accounts[i]
	}
	return &soroe.Account{ID: id}
}

// remote is where a demo post landed on an account's network.
func remote(a *soroe.Account, postID int64) (id, url string) {
	n := 113500000000000000 + postID*7919
	handle := strings.TrimPrefix(a.Handle, "@")
	switch a.Network {
	case soroe.NetworkX:
		if handle == "" {
			handle = "soroe_koumuten"
		}
		id := fmt.Sprint(1790000000000000000 + postID*7919)
		return id, "https://x.com/" + handle + "/status/" + id
	case soroe.NetworkInstagram:
		return fmt.Sprint(17900000000000000 + postID*7919), fmt.Sprintf("https://www.instagram.com/p/Cdemo%d/", postID)
	case soroe.NetworkLINE:
		// A broadcast has no page: its ID is the request's.
		return fmt.Sprintf("demo-line-%08d", postID*7919), ""
	case soroe.NetworkMastodon:
		host := strings.TrimRight(a.Host, "/")
		if host == "" {
			host = "https://mastodon.example"
		}
		if handle == "" {
			handle = "shop"
		}
		return fmt.Sprint(n), fmt.Sprintf("%s/@%s/%d", host, handle, n)
	case soroe.NetworkBluesky:
		if handle == "" {
			handle = "shop.bsky.social"
		}
		rkey := fmt.Sprintf("3l%011d", postID*7919)
		return "at://did:plc:soroedemo/app.bsky.feed.post/" + rkey, "https://bsky.app/profile/" + handle + "/post/" + rkey
	case soroe.NetworkManual:
		return "", fmt.Sprintf("https://www.tiktok.com/@soroe_koumuten/video/%d", 7400000000000000000+postID*7919)
	}
	return fmt.Sprint(n), ""
}
