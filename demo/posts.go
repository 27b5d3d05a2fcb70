package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// The demo's month of posts: about four weeks around the store's clock, in
// every state a post and a target can be in, made the way people make them
// (drafted by staff, submitted, approved or sent back by 広報, scheduled),
// so that each post's history reads true. Published, failed and
// unconfirmed posts are settled at once as the publisher would have.

// ownerGuest is the customer who checks the case-study posts about their
// home (the second approval step of the 施工事例 型).
var ownerGuest = soroe.Guest{Name: "山本 様（お施主様）", Email: "yamamoto@example.com"}

// demoPost is one post of the demo.
type demoPost struct {
	day      int    // days from today (local); negative: past
	clock    string // local time of day, "" for a post without a time
	tpl      string // the 型's name, "" for free-form
	goal     int    // free-form: index of the goal (by deadline), -1 none
	text     string
	link     string
	accounts string // letters: m(astodon), b(luesky), h(and: manual)
	// fate is what happens after the draft: see SeedPosts.
	fate     string
	reason   string // failed: the network's reason
	comments []demoComment
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
	fatePublished   = "published"   // every target sent
	fateFailed      = "failed"      // one target failed
	fateUnconfirmed = "unconfirmed" // a manual target waiting for the person who posts it
)

const (
	tplCase   = "施工事例の紹介"
	tplYoung  = "若手大工の一日"
	tplTeaser = "施工事例集の中身を紹介"
)

func demoPosts() []demoPost {
	return []demoPost{
		// The weeks behind.
		{day: -25, clock: "12:00", tpl: tplCase, accounts: "mb", fate: fatePublished,
			text:     "【施工事例】築40年の平屋を断熱リフォーム。窓をすべて樹脂サッシに替え、床下と天井に断熱材を入れました。「冬の朝、リビングが寒くない」とお施主様。工期は約6週間です。",
			comments: []demoComment{{soroe.RoleExecutive, "反応がいいですね。断熱の話題は続けていきましょう。"}}},
		{day: -22, clock: "18:00", tpl: tplYoung, accounts: "mb", fate: fatePublished,
			text: "入社2年目の大工、佐藤の一日。7時半の朝礼から始まり、午前は床の下地づくり。昼休みは現場の縁側でお弁当。「先輩の鉋（かんな）の音を聞くと、まだまだだなと思います」。"},
		{day: -18, clock: "12:00", tpl: "", goal: 2, accounts: "mbh", fate: fatePublished,
			text: "今月の完成見学会、たくさんのご来場ありがとうございました。無垢の床の手ざわりや、薪ストーブの暖かさを体感していただけたでしょうか。次回は第二土曜日です。"},
		{day: -15, clock: "12:00", tpl: tplTeaser, accounts: "mb", fate: fatePublished, link: "https://example.com/case-book",
			text: "施工事例集の中から、子育て世帯の「回遊できる間取り」を紹介します。キッチンから洗面、ファミリークローゼットへ一直線。事例集は無料でダウンロードできます。"},
		{day: -11, clock: "18:00", tpl: "", goal: 0, accounts: "mb", fate: fatePublished, link: "https://example.com/recruit/entry",
			text: "【採用】来春入社の大工・現場監督を募集しています。道具の使い方から一緒に覚えましょう。週休二日、年間休日110日。まずは現場見学からどうぞ。"},
		{day: -8, clock: "12:00", tpl: tplCase, accounts: "mb", fate: fateFailed,
			reason:   "rejected: Bluesky refused the post (InvalidRequest: Record/embed/images/0/image must not be larger than 1000000 bytes)",
			text:     "【施工事例】二世帯住宅の水まわりを分けたリフォーム。玄関はひとつのまま、キッチンと浴室を世帯ごとに。音が伝わりにくいよう、間に収納をはさんでいます。",
			comments: []demoComment{{soroe.RoleManager, "Bluesky だけ画像が大きすぎて失敗しました。縮小して出し直します。"}}},
		{day: -3, clock: "12:00", tpl: "", goal: 2, accounts: "mh", fate: fateUnconfirmed,
			text: "上棟式を行いました。晴天のもと、お施主様ご家族と職人みんなで餅まき。これから屋根と外壁の工事に進みます。"},
		{day: -2, tpl: tplYoung, accounts: "mb", fate: fateApproved,
			text: "入社1年目の大工、高橋の一日。今日は先輩と一緒に墨付けの練習。「線一本で家の精度が決まると知って、手が震えました」。"},

		// The weeks ahead.
		{day: 2, clock: "12:00", tpl: tplTeaser, accounts: "mb", fate: fateScheduled, link: "https://example.com/case-book",
			text: "施工事例集の中身をちょっとだけ。平屋・二階建て・リフォームの全12事例を、工期と費用の目安つきでまとめました。家づくりの最初の一冊にどうぞ。"},
		{day: 4, clock: "12:00", tpl: tplCase, accounts: "mb", fate: fateReview,
			text:     "【施工事例】吹き抜けのあるリビングでも冬暖かく。天井付近の暖気を床下へ送るしくみと、高断熱の窓で、エアコン1台で家じゅうが快適になりました。",
			comments: []demoComment{{soroe.RoleStaff, "@鈴木 美咲 さん、写真はお施主様に掲載の許可をいただいています。ご確認お願いします。"}}},
		{day: 5, clock: "18:00", tpl: "", goal: 0, accounts: "mb", fate: fateReview,
			text: "合同企業説明会に出展します。ブースでは鉋がけ体験ができます。大工の仕事に少しでも興味がある方、気軽に立ち寄ってください。"},
		{day: 6, clock: "18:00", tpl: "", goal: 2, accounts: "mbh", fate: fateScheduled,
			text: "今週末は完成見学会。木の香りがする平屋で、家事動線と収納の工夫をご覧いただけます。小さなお子さま連れも歓迎です。"},
		{day: 7, clock: "12:00", tpl: tplYoung, accounts: "mb", fate: fateRejected,
			text:     "入社3年目の大工、中村の一日。お施主様の山本様のお宅で、造作の本棚を仕上げました。",
			comments: []demoComment{{soroe.RoleStaff, "直しました。もう一度見ていただけますか。"}}},
		{day: 9, clock: "12:00", tpl: tplCase, accounts: "mb", fate: fateGuest,
			text: "【施工事例】キッチンを対面式にしたリフォーム。壁を抜いて梁を補強し、家族の顔を見ながら料理ができるようになりました。工期は約3週間です。"},
		{day: 12, clock: "18:00", tpl: "", goal: 0, accounts: "mb", fate: fateScheduled, link: "https://example.com/recruit",
			text: "先輩大工に聞きました。「この仕事のいちばんの喜びは？」――「引き渡しの日に、お施主様のお子さんが家じゅうを走り回るのを見るとき」。"},
		{day: 14, clock: "12:00", tpl: tplTeaser, accounts: "mb", fate: fateDraft, link: "https://example.com/case-book",
			text: "施工事例集から、費用の目安の読み方を紹介します。（ここに事例の数字を入れる）"},
		{day: 18, clock: "12:00", tpl: "", goal: 2, accounts: "mb", fate: fateScheduled,
			text: "職人の手仕事の舞台裏。鉋で削った杉板は、さわるとしっとり。機械では出せない木の表情を、お住まいの中でも楽しんでいただけます。"},
		{day: 21, tpl: tplYoung, accounts: "mb", fate: fateDraft,
			text: "現場監督の一日（下書き）。朝は職人さんとの段取り確認から。"},
		{day: 24, clock: "12:00", tpl: "", goal: 1, accounts: "mb", fate: fateScheduled, link: "https://example.com/case-book",
			text: "結露に悩むお宅へ。窓の断熱リフォームで、朝の窓拭きから解放された事例を施工事例集にまとめました。無料でお送りします。"},
	}
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
	// The case-study 型 gets a second step: the customer checks posts about
	// their home (a guest approver).
	if t := tplByName[tplCase]; t != nil && len(t.ApprovalSteps) == 0 {
		b := t.TemplateBody
		b.ApprovalSteps = []soroe.ApprovalStep{
			{Name: "広報チェック", Mode: soroe.ApproveAny, Approvers: b.Approvers},
			{Name: "お施主様の確認", Mode: soroe.ApproveAny, Guests: []soroe.Guest{ownerGuest}},
		}
		if _, err := db.UpdateTemplate(ctx, orgID, t.ID, b, who[soroe.RoleManager].UserID); err != nil {
			return fmt.Errorf("demo: 型 %s: %w", tplCase, err)
		}
	}
	pick := func(letters string) []*soroe.Account {
		var out []*soroe.Account
		for _, l := range letters {
			n := map[rune]soroe.Network{'m': soroe.NetworkMastodon, 'b': soroe.NetworkBluesky, 'h': soroe.NetworkManual}[l]
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
	loc := org.Location()
	y, mo, d := db.Now().In(loc).Date()
	wf := &workflow.Service{DB: db}
	for i, dp := range demoPosts() {
		if err := seedPost(ctx, db, wf, who, dp, pick(dp.accounts), goals, tplByName, time.Date(y, mo, d, 0, 0, 0, 0, loc)); err != nil {
			return fmt.Errorf("demo: post %d (%s): %w", i+1, dp.fate, err)
		}
	}
	return nil
}

func seedPost(ctx context.Context, db *store.DB, wf *workflow.Service, who map[soroe.Role]workflow.Actor, dp demoPost,
	accounts []*soroe.Account, goals []*soroe.Goal, tpls map[string]*soroe.Template, midnight time.Time) error {
	staff, pr := who[soroe.RoleStaff], who[soroe.RoleManager]
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
	if t := tpls[dp.tpl]; dp.tpl != "" && t != nil {
		id := t.ID
		p.TemplateID = &id
	} else if dp.tpl == "" && dp.goal >= 0 && dp.goal < len(goals) {
		id := goals[dp.goal].ID
		p.GoalID = &id
	}
	var targets []*soroe.Target
	for _, a := range accounts {
		targets = append(targets, &soroe.Target{AccountID: a.ID, Text: dp.text})
	}
	if err := wf.Create(ctx, staff, p, targets); err != nil {
		return err
	}
	comment := func() error {
		for _, c := range dp.comments {
			if err := wf.Comment(ctx, who[c.by], &soroe.Comment{PostID: p.ID, Body: c.body}); err != nil {
				return err
			}
		}
		return nil
	}
	if dp.fate == fateDraft {
		return comment()
	}
	if err := topUpFormatMedia(ctx, db, p, tpls[dp.tpl], staff.UserID); err != nil {
		return err
	}
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
		if err := decide(pr, soroe.DecisionReject, "お施主様のお名前が出ています。掲載の許可がないので、「お施主様」に変えてください。"); err != nil {
			return err
		}
		return comment()
	case fateGuest:
		if err := decide(pr, soroe.DecisionApprove, "広報としては OK です。お施主様に確認をお願いしました。"); err != nil {
			return err
		}
		if err := db.AddPostEvent(ctx, pr.OrgID, p.ID, store.EventGuestLink, ownerGuest.Email, &pr.UserID, ""); err != nil {
			return err
		}
		return comment()
	}
	// Every other fate is approved by every step first (a guest step is
	// decided by the guest).
	for after.State == soroe.PostInReview {
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
		// A past time: scheduled when it was still to come.
		if err := db.SchedulePost(ctx, pr.OrgID, p.ID, *at, pr.UserID); err != nil {
			return err
		}
	}
	if dp.fate == fateScheduled {
		return comment()
	}
	ts, err := db.Targets(ctx, pr.OrgID, p.ID)
	if err != nil {
		return err
	}
	for i, t := range ts {
		if ok, err := db.ClaimTarget(ctx, t.ID, time.Minute); err != nil || !ok {
			return fmt.Errorf("claim target %d: %v", t.ID, err)
		}
		acct := accounts[i]
		switch {
		case dp.fate == fateFailed && t.Network == soroe.NetworkBluesky:
			err = db.MarkFailed(ctx, t.ID, dp.reason)
		case dp.fate == fateUnconfirmed && t.Network == soroe.NetworkManual:
			err = db.MarkUnconfirmed(ctx, t.ID, publish.NoteManual)
		default:
			id, url := remote(acct, p.ID)
			err = db.MarkSent(ctx, t.ID, id, url)
		}
		if err != nil {
			return err
		}
	}
	return comment()
}

// remote is where a demo post landed on an account's network.
func remote(a *soroe.Account, postID int64) (id, url string) {
	n := 113500000000000000 + postID*7919
	handle := strings.TrimPrefix(a.Handle, "@")
	switch a.Network {
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
		return "", fmt.Sprintf("https://www.instagram.com/p/Cdemo%d/", postID)
	}
	return fmt.Sprint(n), ""
}
