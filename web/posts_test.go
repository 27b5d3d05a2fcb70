package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
	"github.com/soroe/soroe/workflow"
)

// Every fixture's org A gets a manual account and a post by its staff user,
// in review at a step that the owner, the executive and the manager may
// each decide ({post}), with an image ({media}) and a target ({target}).
// The role walk's change routes then pass the role gate for every role the
// table allows; some answer 409/422 because the fixture post is not in the
// state the route changes (walkDomainRefusals).
func init() {
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		ctx := context.Background()
		n := seq.Add(1)
		acc := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkManual, Name: fmt.Sprintf("手動アカウント %d", n)}
		if err := e.db.CreateAccount(ctx, acc, ""); err != nil {
			t.Fatal(err)
		}
		staff := f.Users[soroe.RoleStaff]
		text := fmt.Sprintf("社外秘の投稿案 %d", n)
		p := &soroe.Post{OrgID: f.A.ID, AuthorID: staff.ID, Text: text}
		targets := []*soroe.Target{{AccountID: acc.ID, Text: text}}
		if err := e.db.CreatePost(ctx, p, targets); err != nil {
			t.Fatal(err)
		}
		m := &soroe.Media{PostID: p.ID, OrgID: f.A.ID, Filename: "a.png", ContentType: "image/png", CreatedBy: staff.ID}
		if _, err := e.db.AddMedia(ctx, m, pngBytes, nil); err != nil {
			t.Fatal(err)
		}
		steps := []soroe.ApprovalStep{{Name: "広報", Mode: soroe.ApproveAny, Approvers: soroe.Assignees{UserIDs: []int64{
			f.Users[soroe.RoleOwner].ID, f.Users[soroe.RoleExecutive].ID, f.Users[soroe.RoleManager].ID}},
			Guests: []soroe.Guest{{Name: "顧問", Email: "counsel@example.jp"}}}}
		if _, err := e.db.SubmitPost(ctx, f.A.ID, p.ID, steps, staff.ID); err != nil {
			t.Fatal(err)
		}
		f.Wild["post"] = strconv.FormatInt(p.ID, 10)
		f.Wild["media"] = strconv.FormatInt(m.ID, 10)
		f.Wild["target"] = strconv.FormatInt(targets[0].ID, 10)
		f.Wild["token"] = "v1:not-a-token"
		f.Secrets = append(f.Secrets, text, acc.Name)
	})
	walkBodies["POST /api/v1/posts"] = `{"text":"Walk"}`
	walkBodies["POST /api/v1/posts/check"] = `{"text":"Walk"}`
	walkBodies["PATCH /api/v1/posts/{post}"] = `{"text":"Walk"}`
	walkBodies["POST /api/v1/posts/{post}/submit"] = `{}`
	walkBodies["POST /api/v1/posts/{post}/approve"] = `{}`
	walkBodies["POST /api/v1/posts/{post}/reject"] = `{"comment":"Walk"}`
	walkBodies["POST /api/v1/posts/{post}/guest-links"] = `{"email":"counsel@example.jp"}`
	walkBodies["POST /api/v1/posts/{post}/schedule"] = `{"scheduled_at":"2030-01-01T00:00:00Z"}`
	walkBodies["POST /api/v1/posts/{post}/unschedule"] = `{}`
	walkBodies["POST /api/v1/posts/{post}/comments"] = `{"body":"Walk"}`
	walkBodies["POST /api/v1/posts/{post}/media"] = `{}`
	walkBodies["POST /api/v1/posts/{post}/targets/{target}/url"] = `{"url":"https://example.jp/p/1"}`
	walkBodies["POST /api/v1/notifications/read"] = `{}`
	walkBodies["POST /api/v1/posts/{post}/duplicate"] = `{}`
	for _, p := range []string{
		"POST /posts", "POST /posts/{post}", "POST /posts/{post}/submit", "POST /posts/{post}/guest-link",
		"POST /posts/{post}/schedule", "POST /posts/{post}/unschedule", "POST /posts/{post}/comments",
		"POST /posts/{post}/media", "POST /posts/{post}/targets/{target}/url",
		"PATCH /api/v1/posts/{post}", "POST /api/v1/posts/{post}/submit", "POST /api/v1/posts/{post}/guest-links",
		"POST /api/v1/posts/{post}/schedule", "POST /api/v1/posts/{post}/unschedule", "POST /api/v1/posts/{post}/media",
		"POST /api/v1/posts/{post}/targets/{target}/url",
	} {
		walkDomainRefusals[p] = true
	}
}

// pngBytes is a 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82")

// postScene is an organization with a two-step approval 型 (広報: any
// manager; 法務: the executive and a guest, all) and two accounts.
type postScene struct {
	f       *fixture
	tpl     *soroe.Template
	x, bsky *soroe.Account
}

func newPostScene(t *testing.T, e *env) *postScene {
	t.Helper()
	ctx := context.Background()
	f := e.fixture(t)
	sc := &postScene{f: f}
	g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "採用")
	sc.tpl = &soroe.Template{OrgID: f.A.ID, GoalID: g.ID, CreatedBy: f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
		Name: "社員紹介", Structure: "{名前}さんの一日", Tone: "friendly", Format: "text", Networks: []soroe.Network{soroe.NetworkX, soroe.NetworkBluesky},
		Frequency: soroe.Frequency{Count: 1, Per: "week"},
		ApprovalSteps: []soroe.ApprovalStep{
			{Name: "広報", Mode: soroe.ApproveAny, Approvers: soroe.Assignees{Role: soroe.RoleManager}},
			{Name: "法務", Mode: soroe.ApproveAll, Approvers: soroe.Assignees{UserIDs: []int64{f.Users[soroe.RoleExecutive].ID}},
				Guests: []soroe.Guest{{Name: "山田弁護士", Email: "yamada@law.example.jp"}}},
		}}}
	if err := e.db.CreateTemplate(ctx, sc.tpl); err != nil {
		t.Fatal(err)
	}
	sc.x = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkX, Name: "採用X"}
	sc.bsky = &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkBluesky, Name: "採用Bluesky"}
	for _, a := range []*soroe.Account{sc.x, sc.bsky} {
		if err := e.db.CreateAccount(ctx, a, "sealed"); err != nil {
			t.Fatal(err)
		}
	}
	return sc
}

var postIDRE = regexp.MustCompile(`^/posts/(\d+)$`)

func withSecrets(t *testing.T) func(*Config) {
	box, err := secretbox.New(strings.Repeat("k", 40))
	if err != nil {
		t.Fatal(err)
	}
	return func(c *Config) { c.Secrets = box }
}

// The whole review in the UI: staff drafts from a 型 with a variant for
// Bluesky and submits; the manager approves step 1; step 2 needs the
// executive and a guest, who decides through a signed link; the post is
// then scheduled; editing it sends it back to review; everything is in
// the history with who did it.
func TestPostWorkflowUI(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock, withSecrets(t))
		ctx := context.Background()
		sc := newPostScene(t, e)
		f := sc.f
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		r := staff.get(t, "/posts/new?template="+strconv.FormatInt(sc.tpl.ID, 10))
		want(t, r, http.StatusOK)
		for _, s := range []string{"社員紹介", "採用X", "採用Bluesky", `name="text_`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("new post form lacks %q", s)
			}
		}
		at := clock.Now().Add(72 * time.Hour).In(tokyo)
		form := url.Values{"template": {strconv.FormatInt(sc.tpl.ID, 10)}, "text": {"佐藤さんの一日を紹介します #採用"},
			"account": {strconv.FormatInt(sc.x.ID, 10), strconv.FormatInt(sc.bsky.ID, 10)},
			"text_" + strconv.FormatInt(sc.bsky.ID, 10): {"佐藤さんの一日（Bluesky 版）"},
			"scheduled_at": {at.Format("2006-01-02T15:04")}, "then": {"submit"}}
		r = staff.post(t, "/posts", form)
		want(t, r, http.StatusSeeOther)
		m := postIDRE.FindStringSubmatch(r.Header.Get("Location"))
		if m == nil {
			t.Fatalf("created post: Location %q", r.Header.Get("Location"))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		p, err := db.Post(ctx, f.A.ID, id)
		if err != nil || p.State != soroe.PostInReview || p.TemplateVersion != 1 || len(p.Steps) != 2 {
			t.Fatalf("post %+v %v", p, err)
		}
		ts, _ := db.Targets(ctx, f.A.ID, id)
		if len(ts) != 2 || ts[1].Text != "佐藤さんの一日（Bluesky 版）" || ts[0].Text != "佐藤さんの一日を紹介します #採用" {
			t.Fatalf("targets %+v", ts)
		}
		// The manager was told; the executive cannot decide step 1.
		if ns, unread, _ := db.Notifications(ctx, f.A.ID, f.Users[soroe.RoleManager].ID, 5); unread != 1 || ns[0].Kind != soroe.NotifyReviewRequest {
			t.Errorf("manager notifications: %d", unread)
		}
		path := fmt.Sprintf("/posts/%d", id)
		exec := e.loggedIn(t, f.Users[soroe.RoleExecutive])
		r = exec.get(t, path)
		if strings.Contains(r.Body, `action="`+path+`/decide"`) {
			t.Error("the executive is offered step 1's decision")
		}
		r = exec.post(t, path+"/decide", url.Values{"round": {"1"}, "step": {"0"}, "decision": {"approve"}})
		want(t, r, http.StatusForbidden)

		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		if r := mgr.get(t, "/"); !strings.Contains(r.Body, "承認待ち 2 件") || !strings.Contains(r.Body, "佐藤さんの一日を紹介します") || !strings.Contains(r.Body, "bell-count") {
			t.Errorf("manager's home does not show the review: %s", r)
		}
		mgr.get(t, path)
		r = mgr.post(t, path+"/decide", url.Values{"round": {"1"}, "step": {"0"}, "decision": {"approve"}, "comment": {"良いと思います"}})
		want(t, r, http.StatusSeeOther)
		// Step 2: the executive, and a guest through a link.
		exec.get(t, path)
		r = exec.post(t, path+"/decide", url.Values{"round": {"1"}, "step": {"1"}, "decision": {"approve"}})
		want(t, r, http.StatusSeeOther)
		if p, _ := db.Post(ctx, f.A.ID, id); p.State != soroe.PostInReview || p.Step != 1 {
			t.Fatalf("after the executive: %s step %d", p.State, p.Step)
		}
		r = mgr.post(t, path+"/guest-link", url.Values{"email": {"yamada@law.example.jp"}})
		want(t, r, http.StatusOK)
		lm := regexp.MustCompile(`/guest/([^"<\s]+)`).FindStringSubmatch(r.Body)
		if lm == nil {
			t.Fatalf("no guest link on the page")
		}
		guest := e.client()
		r = guest.get(t, "/guest/"+lm[1])
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "佐藤さんの一日を紹介します") || !strings.Contains(r.Body, "山田弁護士") || !strings.Contains(r.Body, "有効期限: ") {
			t.Fatalf("guest page: %s", r)
		}
		// A forged or altered token is refused.
		if r := guest.get(t, "/guest/"+lm[1][:len(lm[1])-3]+"AAA"); r.Status != http.StatusNotFound {
			t.Errorf("altered token: %d", r.Status)
		}
		r = guest.post(t, "/guest/"+lm[1], url.Values{"decision": {"approve"}, "comment": {"問題ありません"}})
		want(t, r, http.StatusOK)
		p, _ = db.Post(ctx, f.A.ID, id)
		if p.State != soroe.PostScheduled || p.ScheduledAt == nil || !p.ScheduledAt.Equal(at.Truncate(time.Minute).UTC()) {
			t.Fatalf("after the guest: %s %v", p.State, p.ScheduledAt)
		}
		// The link cannot be used twice.
		if r := guest.get(t, "/guest/"+lm[1]); r.Status != http.StatusGone {
			t.Errorf("used link: %d", r.Status)
		}
		r = staff.get(t, path)
		for _, s := range []string{"山田弁護士", "良いと思います", "問題ありません", "予約済み"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("post page lacks %q", s)
			}
		}
		if ns, _, _ := db.Notifications(ctx, f.A.ID, f.Users[soroe.RoleStaff].ID, 5); len(ns) == 0 || ns[0].Kind != soroe.NotifyApproved {
			t.Errorf("author not told of the approval: %+v", ns)
		}
		// Editing the scheduled post sends it back to review.
		r = staff.get(t, path+"/edit")
		want(t, r, http.StatusOK)
		form.Set("text", "佐藤さんの一日を紹介します（改） #採用")
		form.Del("then")
		r = staff.post(t, path, form)
		want(t, r, http.StatusSeeOther)
		if p, _ := db.Post(ctx, f.A.ID, id); p.State != soroe.PostInReview || p.Round != 2 {
			t.Fatalf("after the edit: %s round %d", p.State, p.Round)
		}
		// Sending back needs a comment, and returns the post to its author.
		mgr.get(t, path)
		r = mgr.post(t, path+"/decide", url.Values{"round": {"2"}, "step": {"0"}, "decision": {"reject"}})
		want(t, r, http.StatusUnprocessableEntity)
		r = mgr.post(t, path+"/decide", url.Values{"round": {"2"}, "step": {"0"}, "decision": {"reject"}, "comment": {"写真を添えてください"}})
		want(t, r, http.StatusSeeOther)
		if p, _ := db.Post(ctx, f.A.ID, id); p.State != soroe.PostDraft {
			t.Fatalf("after sending back: %s", p.State)
		}
		evs, _ := db.PostEvents(ctx, f.A.ID, id)
		var kinds []string
		for _, ev := range evs {
			kinds = append(kinds, ev.Kind+":"+ev.ActorName)
		}
		joined := strings.Join(kinds, " ")
		for _, s := range []string{"submitted:" + f.Users[soroe.RoleStaff].Name, "step_approved:" + f.Users[soroe.RoleManager].Name,
			"step_approved:山田弁護士", "scheduled:山田弁護士", "edited:" + f.Users[soroe.RoleStaff].Name, "rejected:" + f.Users[soroe.RoleManager].Name} {
			if !strings.Contains(joined, s) {
				t.Errorf("history lacks %s: %s", s, joined)
			}
		}
	})
}

// A text too long for X cannot be submitted, approved or scheduled; the
// live check says why.
func TestPostChecksBlock(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		sc := newPostScene(t, e)
		f := sc.f
		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		long := strings.Repeat("長", 200) // 400 weighted on X
		r := e.api(t, "POST", "/api/v1/posts", tok, map[string]any{"text": long, "targets": []map[string]any{{"account_id": sc.x.ID}}, "submit": true})
		p := r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		if p["check"] == nil {
			t.Errorf("no check in the problem: %v", p)
		}
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		staff.get(t, "/posts/new")
		r = staff.post(t, "/posts/check", url.Values{"text": {long}, "account": {strconv.FormatInt(sc.x.ID, 10), strconv.FormatInt(sc.bsky.ID, 10)}})
		want(t, r, http.StatusOK)
		m := r.json(t)
		if m["valid"] != false || !strings.Contains(r.Body, "400") {
			t.Errorf("live check: %s", r)
		}
		// Risk findings block approval when the organization says so.
		prof, _ := db.OrgProfile(context.Background(), f.A.ID)
		prof.BlockOnRisk = true
		if err := db.SetOrgProfile(context.Background(), prof); err != nil {
			t.Fatal(err)
		}
		r = e.api(t, "POST", "/api/v1/posts", tok, map[string]any{"text": "業界No.1の家づくり", "targets": []map[string]any{{"account_id": sc.bsky.ID}}, "submit": true})
		want(t, r, http.StatusCreated)
		id := int64(r.json(t)["id"].(float64))
		mtok := e.token(t, f.A, f.Users[soroe.RoleManager])
		r = e.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/approve", id), mtok, nil)
		r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		if !strings.Contains(r.Body, "risk") {
			t.Errorf("risk refusal: %s", r)
		}
		// The executive is not an approver of this 型-less post's step.
		xtok := e.token(t, f.A, f.Users[soroe.RoleExecutive])
		e.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/approve", id), xtok, nil).problem(t, http.StatusForbidden, soroe.EForbidden)
	})
}

// Create with an Idempotency-Key: a retry answers the first reply and makes
// no second post; the same key with another body is refused.
func TestPostIdempotencyKey(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		sc := newPostScene(t, e)
		tok := e.token(t, sc.f.A, sc.f.Users[soroe.RoleManager])
		body := fmt.Sprintf(`{"text":"見学会のお知らせ","targets":[{"account_id":%d}]}`, sc.bsky.ID)
		send := func(b string) *resp {
			return e.apiRaw(t, "POST", "/api/v1/posts", tok, strings.NewReader(b),
				http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": {"plan-2026-12-01"}})
		}
		r1 := send(body)
		want(t, r1, http.StatusCreated)
		r2 := send(body)
		want(t, r2, http.StatusCreated)
		if r2.Header.Get("Idempotent-Replayed") != "true" || r1.json(t)["id"] != r2.json(t)["id"] {
			t.Errorf("retry: %s / %s", r1, r2)
		}
		send(strings.Replace(body, "見学会", "相談会", 1)).problem(t, http.StatusUnprocessableEntity, "idempotency_key_reused")
		_, _, total, _ := db.Posts(context.Background(), store.PostFilter{OrgID: sc.f.A.ID, AccountID: sc.bsky.ID})
		if total != 1 {
			t.Errorf("%d posts", total)
		}
	})
}

// Comments with @mentions notify; staff cannot change another's post;
// media are type-checked and served only inside the organization.
func TestPostCommentsMediaRights(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		ctx := context.Background()
		sc := newPostScene(t, e)
		f := sc.f
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		mgr.get(t, "/posts/new")
		r := mgr.post(t, "/posts", url.Values{"text": {"年末年始の営業のお知らせ"}, "account": {strconv.FormatInt(sc.bsky.ID, 10)}})
		want(t, r, http.StatusSeeOther)
		path := r.Header.Get("Location")
		mgr.get(t, path)
		staffUser := f.Users[soroe.RoleStaff]
		r = mgr.post(t, path+"/comments", url.Values{"body": {"@" + staffUser.Name + " 写真をお願いできますか"}})
		want(t, r, http.StatusSeeOther)
		staff := e.loggedIn(t, staffUser)
		r = staff.get(t, "/notifications")
		if !strings.Contains(r.Body, "写真をお願いできますか") || !strings.Contains(r.Body, "bell-count") {
			t.Errorf("mention not notified: %s", r)
		}
		// Staff may comment but not edit the manager's post.
		r = staff.post(t, path, url.Values{"text": {"書き換え"}, "account": {strconv.FormatInt(sc.bsky.ID, 10)}})
		want(t, r, http.StatusForbidden)
		// Media: a PNG is attached; a text file renamed .png is refused.
		up := func(c *client, name string, data []byte) *resp {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			_ = w.WriteField("csrf_token", c.csrf)
			fw, _ := w.CreateFormFile("file", name)
			_, _ = fw.Write(data)
			_ = w.Close()
			return c.do(t, "POST", path+"/media", &b, http.Header{"Content-Type": {w.FormDataContentType()}})
		}
		r = up(mgr, "写真.png", pngBytes)
		want(t, r, http.StatusSeeOther)
		r = up(mgr, "fake.png", []byte("これは画像ではありません"))
		want(t, r, http.StatusUnprocessableEntity)
		id, _ := strconv.ParseInt(strings.TrimPrefix(path, "/posts/"), 10, 64)
		ms, _ := db.PostMedia(ctx, f.A.ID, id)
		if len(ms) != 1 || ms[0].ContentType != "image/png" {
			t.Fatalf("media %+v", ms)
		}
		mpath := fmt.Sprintf("%s/media/%d", path, ms[0].ID)
		r = staff.get(t, mpath)
		if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "image/png" || r.Body != string(pngBytes) {
			t.Errorf("media served: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		out := e.loggedIn(t, f.Outsider)
		if r := out.get(t, mpath); r.Status != http.StatusNotFound {
			t.Errorf("outsider got media: %d", r.Status)
		}
	})
}

// A manual account's post is recorded by hand once it is due.
func TestPostRecordManualURL(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		ctx := context.Background()
		f := e.fixture(t)
		pid, _ := strconv.ParseInt(f.Wild["post"], 10, 64)
		tid, _ := strconv.ParseInt(f.Wild["target"], 10, 64)
		tok := e.token(t, f.A, f.Users[soroe.RoleManager])
		// Approve (the fixture post waits at a step the manager may decide), schedule for now.
		want(t, e.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/approve", pid), tok, nil), http.StatusOK)
		r := e.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/schedule", pid), tok, map[string]any{"scheduled_at": clock.Now().Add(time.Minute)})
		want(t, r, http.StatusOK)
		clock.Add(2 * time.Minute)
		if ok, err := db.ClaimTarget(ctx, tid, time.Minute); !ok || err != nil {
			t.Fatalf("claim %v %v", ok, err)
		}
		if err := db.MarkUnconfirmed(ctx, tid, "manual: post it by hand"); err != nil {
			t.Fatal(err)
		}
		r = e.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/targets/%d/url", pid, tid), tok, map[string]any{"url": "javascript:alert(1)"})
		r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		r = e.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/targets/%d/url", pid, tid), tok, map[string]any{"url": "https://www.instagram.com/p/abc/"})
		want(t, r, http.StatusOK)
		p, _ := db.Post(ctx, f.A.ID, pid)
		ts, _ := db.Targets(ctx, f.A.ID, pid)
		if p.State != soroe.PostPublished || ts[0].URL != "https://www.instagram.com/p/abc/" {
			t.Errorf("after recording: %s %+v", p.State, ts[0])
		}
		// A published post is posted again by duplicating it.
		stok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		r = e.api(t, "POST", fmt.Sprintf("/api/v1/posts/%d/duplicate", pid), stok, map[string]any{})
		want(t, r, http.StatusCreated)
		dup := r.json(t)
		if dup["state"] != "draft" || dup["text"] != p.Text || len(dup["targets"].([]any)) != 1 || dup["scheduled_at"] != nil {
			t.Errorf("duplicate: %s", r)
		}
	})
}

// The 型 form sets up to three approval steps with guests; editing keeps
// them; a post from the 型 then needs them.
func TestTemplateApprovalStepsForm(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		sc := newPostScene(t, e)
		f := sc.f
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		path := fmt.Sprintf("/templates/%d", sc.tpl.ID)
		r := mgr.get(t, path+"/edit")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `name="step_1_guests"`) || !strings.Contains(r.Body, "yamada@law.example.jp") {
			t.Fatalf("edit form lacks the steps: %s", r)
		}
		form := url.Values{"has_steps": {"1"},
			"step_0_name": {"広報"}, "step_0_mode": {"any"}, "step_0_role": {"manager"},
			"step_1_name": {"法務"}, "step_1_mode": {"all"}, "step_1_ids": {strconv.FormatInt(f.Users[soroe.RoleExecutive].ID, 10)},
			"step_1_guests": {"山田 太郎 <yamada@law.example.jp>\n佐々木 <sasaki@law.example.jp>"},
			"step_2_name":   {"部長"}, "step_2_mode": {"any"}, "step_2_ids": {strconv.FormatInt(f.Users[soroe.RoleOwner].ID, 10)}}
		r = mgr.post(t, path, form)
		want(t, r, http.StatusSeeOther)
		tpl, err := db.Template(context.Background(), f.A.ID, sc.tpl.ID, 0)
		if err != nil || len(tpl.ApprovalSteps) != 3 || len(tpl.ApprovalSteps[1].Guests) != 2 || tpl.ApprovalSteps[1].Guests[0].Name != "山田 太郎" || tpl.Version != 2 {
			t.Fatalf("steps %+v %v", tpl, err)
		}
		form.Set("step_1_guests", "not an email")
		r = mgr.post(t, path, form)
		want(t, r, http.StatusUnprocessableEntity)
	})
}

// A public media link serves the attachment to a network until it expires;
// a guest's link shows the post's media too.
func TestPublicMediaLink(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock, withSecrets(t))
		f := e.fixture(t)
		mid, _ := strconv.ParseInt(f.Wild["media"], 10, 64)
		tok, err := workflow.MediaToken(e.srv.cfg.Secrets, mid, clock.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		c := e.client()
		r := c.get(t, "/m/"+tok)
		if r.Status != http.StatusOK || r.Body != string(pngBytes) || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("public media: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		clock.Add(2 * time.Hour)
		if r := c.get(t, "/m/"+tok); r.Status != http.StatusNotFound {
			t.Errorf("expired link: %d", r.Status)
		}
		if r := c.get(t, "/m/v1:garbage"); r.Status != http.StatusNotFound {
			t.Errorf("garbage link: %d", r.Status)
		}
	})
}

// The posts pages say everything in words, in Japanese and in English: no
// catalog key shows through.
func TestPostPagesNoRawKeys(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock, withSecrets(t))
		f := e.fixture(t)
		raw := regexp.MustCompile(`\b(posts|notification|notifications|guest|error|check|templates)\.[a-z_]+(\.[a-z_]+)?\b`)
		for _, lang := range []string{"ja", "en"} {
			u := f.Users[soroe.RoleManager]
			u.Lang = lang
			if err := db.UpdateUser(context.Background(), u); err != nil {
				t.Fatal(err)
			}
			c := e.loggedIn(t, u)
			pid := f.Wild["post"]
			c.get(t, "/posts/"+pid)
			c.post(t, "/posts/"+pid+"/comments", url.Values{"body": {"@" + f.Users[soroe.RoleStaff].Name + " 確認"}})
			c.post(t, "/posts/"+pid+"/guest-link", url.Values{"email": {"counsel@example.jp"}})
			for _, path := range []string{"/posts", "/posts/new", "/posts/" + pid, "/posts/" + pid + "/edit", "/notifications", "/"} {
				r := c.get(t, path)
				want(t, r, http.StatusOK)
				main := r.Body[strings.Index(r.Body, "<main"):strings.Index(r.Body, "</main>")]
				if m := raw.FindString(main); m != "" {
					t.Errorf("%s %s shows the key %q", lang, path, m)
				}
			}
		}
	})
}
