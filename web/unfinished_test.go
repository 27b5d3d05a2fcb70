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
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// unfinishedScene is the post scene with two more 型, each approved in one
// step by any manager or a guest: 「社員紹介」 (text, a slot {名前}) and
// 「施工事例」 (format 画像).
type unfinishedScene struct {
	*postScene
	e          *env
	slotTpl    *soroe.Template
	imageTpl   *soroe.Template
	staff, mgr *client
	staffTok   string
	mgrTok     string
	guest      soroe.Guest
}

func newUnfinishedScene(t *testing.T, e *env) *unfinishedScene {
	t.Helper()
	ctx := context.Background()
	sc := &unfinishedScene{postScene: newPostScene(t, e), e: e, guest: soroe.Guest{Name: "山本様", Email: "yamamoto@example.jp"}}
	f := sc.f
	step := []soroe.ApprovalStep{{Name: "広報", Mode: soroe.ApproveAny, Approvers: soroe.Assignees{Role: soroe.RoleManager}, Guests: []soroe.Guest{sc.guest}}}
	for _, tp := range []**soroe.Template{&sc.slotTpl, &sc.imageTpl} {
		*tp = &soroe.Template{OrgID: f.A.ID, GoalID: sc.tpl.GoalID, CreatedBy: f.Users[soroe.RoleManager].ID, TemplateBody: soroe.TemplateBody{
			Name: "社員紹介（1段階）", Structure: "{名前}さんの一日", Tone: "friendly", Format: "text",
			Networks: []soroe.Network{soroe.NetworkX, soroe.NetworkBluesky}, Frequency: soroe.Frequency{Count: 1, Per: "week"}, ApprovalSteps: step}}
	}
	sc.imageTpl.Name, sc.imageTpl.Structure, sc.imageTpl.Format = "施工事例", "{物件}の施工事例", "image"
	for _, tp := range []*soroe.Template{sc.slotTpl, sc.imageTpl} {
		if err := e.db.CreateTemplate(ctx, tp); err != nil {
			t.Fatal(err)
		}
	}
	sc.staff = e.loggedIn(t, f.Users[soroe.RoleStaff])
	sc.mgr = e.loggedIn(t, f.Users[soroe.RoleManager])
	sc.staffTok = e.token(t, f.A, f.Users[soroe.RoleStaff])
	sc.mgrTok = e.token(t, f.A, f.Users[soroe.RoleManager])
	return sc
}

// form is the editor's form for a post of tpl with text on X.
func (sc *unfinishedScene) form(tpl *soroe.Template, text string) url.Values {
	v := url.Values{"text": {text}, "account": {strconv.FormatInt(sc.x.ID, 10)}}
	if tpl != nil {
		v.Set("template", strconv.FormatInt(tpl.ID, 10))
	}
	return v
}

// create saves a draft through the editor and returns its ID.
func (sc *unfinishedScene) create(t *testing.T, form url.Values) int64 {
	t.Helper()
	sc.staff.get(t, "/posts/new")
	r := sc.staff.post(t, "/posts", form)
	want(t, r, http.StatusSeeOther)
	m := postIDRE.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("Location %q", r.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (sc *unfinishedScene) state(t *testing.T, id int64) *soroe.Post {
	t.Helper()
	p, err := sc.e.db.Post(context.Background(), sc.f.A.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// image attaches a PNG to the post through the post page.
func (sc *unfinishedScene) image(t *testing.T, c *client, id int64) {
	t.Helper()
	c.get(t, fmt.Sprintf("/posts/%d", id))
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("csrf_token", c.csrf)
	fw, _ := w.CreateFormFile("file", "gaikan.png")
	_, _ = fw.Write(pngBytes)
	_ = w.Close()
	want(t, c.do(t, "POST", fmt.Sprintf("/posts/%d/media", id), &b, http.Header{"Content-Type": {w.FormDataContentType()}}), http.StatusSeeOther)
}

// wantUnfinished checks an API refusal: 422, the report's finding, and a
// detail that says it.
func wantUnfinished(t *testing.T, r *resp, code, detail string) {
	t.Helper()
	p := r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
	check, _ := p["check"].(map[string]any)
	fs, _ := check["unfinished"].([]any)
	if check == nil || check["valid"] != false || len(fs) == 0 {
		t.Fatalf("no unfinished findings in %s", r)
	}
	if f, _ := fs[0].(map[string]any); f["code"] != code {
		t.Errorf("finding %v, want %s", fs[0], code)
	}
	if d, _ := p["detail"].(string); !strings.Contains(d, "not finished") || !strings.Contains(d, detail) {
		t.Errorf("detail %q lacks %q", d, detail)
	}
}

// wantPage checks an HTML refusal: status 422 and every text.
func wantPage(t *testing.T, what string, r *resp, texts ...string) {
	t.Helper()
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("%s: %s, want 422", what, r)
	}
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			t.Errorf("%s: the page lacks %q", what, s)
		}
	}
}

var guestLinkRE = regexp.MustCompile(`/guest/([^"<\s]+)`)

// A draft that still holds 【ここに…】, an unfilled {slot} of its 型, or no
// image for a 型 of format 画像 is refused at submit, at a member's and a
// guest's approval and at scheduling, in the UI and the API, with the
// finding in words; once finished it goes on.
func TestUnfinishedDraftRefused(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock, withSecrets(t))
		ctx := context.Background()
		sc := newUnfinishedScene(t, e)
		api := func(method, path, tok string, body any) *resp { return e.api(t, method, path, tok, body) }
		for _, c := range []struct {
			name string
			tpl  *soroe.Template
			// text is the unfinished draft, fixed the finished one.
			text, fixed string
			code        string
			ja, en      string // the finding as the page and the API's detail say it
			// image: the finding is the missing image (fixed by
			// attaching one, made unfinished again by removing it).
			image bool
		}{
			{name: "placeholder", tpl: sc.slotTpl, text: "佐藤さんの一日。【ここに入社のきっかけ】", fixed: "佐藤さんの一日。大工に憧れて入社しました。",
				code: "placeholder", ja: "「【ここに入社のきっかけ】」が残っています", en: "“【ここに入社のきっかけ】” is still in the text"},
			{name: "unfilled slot", tpl: sc.slotTpl, text: "{名前}さんの一日。朝礼から始まります。", fixed: "高橋さんの一日。朝礼から始まります。",
				code: "unfilled_slot", ja: "型の枠「{名前}」が埋まっていません", en: "The 型's slot {名前} is not filled in"},
			{name: "image format without an image", tpl: sc.imageTpl, text: "平屋の施工事例。", fixed: "平屋の施工事例。", image: true,
				code: "format_needs_image", ja: "型の形式が「画像」なので、画像を1枚以上付けてください", en: "The 型's format is Image: attach an image."},
		} {
			t.Run(c.name, func(t *testing.T) {
				// Submit from the editor: the draft is kept, the post page
				// says why it did not go to review.
				form := sc.form(c.tpl, c.text)
				form.Set("then", "submit")
				id := sc.create(t, form)
				path := fmt.Sprintf("/posts/%d", id)
				if p := sc.state(t, id); p.State != soroe.PostDraft {
					t.Fatalf("submitted unfinished: %s", p.State)
				}
				r := sc.staff.get(t, path)
				for _, s := range []string{"下書きがまだ仕上がっていません", "仕上がっていないところ", c.ja} {
					if !strings.Contains(r.Body, s) {
						t.Errorf("post page lacks %q", s)
					}
				}
				// Submit from the post page and through the API.
				wantPage(t, "UI submit", sc.staff.post(t, path+"/submit", nil), "下書きがまだ仕上がっていません", c.ja)
				wantUnfinished(t, api("POST", "/api/v1/posts/"+strconv.FormatInt(id, 10)+"/submit", sc.staffTok, nil), c.code, c.en)
				if p := sc.state(t, id); p.State != soroe.PostDraft {
					t.Fatalf("after the refusals: %s", p.State)
				}
				// The live check says it as you type.
				r = sc.staff.post(t, "/posts/check", form)
				want(t, r, http.StatusOK)
				if m := r.json(t); m["valid"] != false || !strings.Contains(r.Body, c.ja) {
					t.Errorf("live check: %s", r)
				}

				// Finished, it goes to review...
				if c.image {
					sc.image(t, sc.staff, id)
				} else {
					fixed := sc.form(c.tpl, c.fixed)
					sc.staff.get(t, path+"/edit")
					want(t, sc.staff.post(t, path, fixed), http.StatusSeeOther)
				}
				want(t, api("POST", "/api/v1/posts/"+strconv.FormatInt(id, 10)+"/submit", sc.staffTok, nil), http.StatusOK)
				// ...and is made unfinished again there: an edit of a post in
				// review (a new round), or its image removed.
				if c.image {
					ms, _ := db.PostMedia(ctx, sc.f.A.ID, id)
					sc.staff.get(t, path)
					want(t, sc.staff.post(t, fmt.Sprintf("%s/media/%d/delete", path, ms[0].ID), nil), http.StatusSeeOther)
				} else {
					sc.staff.get(t, path+"/edit")
					want(t, sc.staff.post(t, path, sc.form(c.tpl, c.text)), http.StatusSeeOther)
				}
				p := sc.state(t, id)
				if p.State != soroe.PostInReview {
					t.Fatalf("after the change: %s", p.State)
				}
				// The approver sees it, and cannot approve: page, API, guest.
				r = sc.mgr.get(t, path)
				if !strings.Contains(r.Body, c.ja) || !strings.Contains(r.Body, `action="`+path+`/decide"`) {
					t.Errorf("approver's page lacks the finding or the decision: %s", r)
				}
				approve := url.Values{"round": {strconv.Itoa(p.Round)}, "step": {"0"}, "decision": {"approve"}}
				wantPage(t, "UI approve", sc.mgr.post(t, path+"/decide", approve), "下書きがまだ仕上がっていません", c.ja)
				wantUnfinished(t, api("POST", "/api/v1/posts/"+strconv.FormatInt(id, 10)+"/approve", sc.mgrTok, nil), c.code, c.en)
				r = sc.mgr.post(t, path+"/guest-link", url.Values{"email": {sc.guest.Email}})
				want(t, r, http.StatusOK)
				lm := guestLinkRE.FindStringSubmatch(r.Body)
				if lm == nil {
					t.Fatal("no guest link")
				}
				guest := e.client()
				r = guest.get(t, "/guest/"+lm[1])
				want(t, r, http.StatusOK)
				if !strings.Contains(r.Body, c.ja) {
					t.Errorf("guest page does not show the finding: %s", r)
				}
				wantPage(t, "guest approve", guest.post(t, "/guest/"+lm[1], url.Values{"decision": {"approve"}}), "下書きがまだ仕上がっていません", c.ja)
				if p := sc.state(t, id); p.State != soroe.PostInReview || p.Step != 0 {
					t.Fatalf("after the refused approvals: %s step %d", p.State, p.Step)
				}

				// Finished again, it is approved; an approved post that is
				// unfinished behind the workflow's back (stored before these
				// checks) cannot be scheduled.
				if c.image {
					sc.image(t, sc.staff, id)
				} else {
					sc.staff.get(t, path+"/edit")
					want(t, sc.staff.post(t, path, sc.form(c.tpl, c.fixed)), http.StatusSeeOther)
				}
				p = sc.state(t, id)
				want(t, api("POST", "/api/v1/posts/"+strconv.FormatInt(id, 10)+"/approve", sc.mgrTok, map[string]any{"round": p.Round, "step": 0}), http.StatusOK)
				if p := sc.state(t, id); p.State != soroe.PostApproved {
					t.Fatalf("finished post: %s", p.State)
				}
				if c.image {
					if _, err := db.Writer().ExecContext(ctx, "DELETE FROM post_media WHERE post_id = $1", id); err != nil {
						t.Fatal(err)
					}
				} else if _, err := db.Writer().ExecContext(ctx, "UPDATE post_targets SET text = $1 WHERE post_id = $2", c.text, id); err != nil {
					t.Fatal(err)
				}
				at := clock.Now().Add(48 * time.Hour)
				r = sc.mgr.get(t, path)
				if !strings.Contains(r.Body, c.ja) {
					t.Errorf("approved post's page lacks the finding")
				}
				wantPage(t, "UI schedule", sc.mgr.post(t, path+"/schedule", url.Values{"scheduled_at": {at.In(tokyo).Format("2006-01-02T15:04")}}),
					"下書きがまだ仕上がっていません", c.ja)
				wantUnfinished(t, api("POST", "/api/v1/posts/"+strconv.FormatInt(id, 10)+"/schedule", sc.mgrTok, map[string]any{"scheduled_at": at}), c.code, c.en)
				if p := sc.state(t, id); p.State != soroe.PostApproved || p.ScheduledAt != nil {
					t.Fatalf("scheduled unfinished: %s %v", p.State, p.ScheduledAt)
				}
			})
		}

		// Through the API alone: create with submit keeps the draft and
		// answers the findings; the check endpoint counts files about to
		// be attached.
		tid := sc.imageTpl.ID
		r := api("POST", "/api/v1/posts", sc.staffTok, map[string]any{"template_id": tid, "text": "平屋の施工事例。", "submit": true,
			"targets": []map[string]any{{"account_id": sc.x.ID}}})
		wantUnfinished(t, r, "format_needs_image", "attach an image")
		r = api("POST", "/api/v1/posts/check", sc.staffTok, map[string]any{"template_id": tid, "text": "平屋の施工事例。",
			"targets": []map[string]any{{"account_id": sc.x.ID}}})
		want(t, r, http.StatusOK)
		if m := r.json(t); m["valid"] != false || len(m["unfinished"].([]any)) != 1 {
			t.Errorf("check without media: %s", r)
		}
		r = api("POST", "/api/v1/posts/check", sc.staffTok, map[string]any{"template_id": tid, "text": "平屋の施工事例。",
			"targets": []map[string]any{{"account_id": sc.x.ID}}, "media": []map[string]any{{"filename": "a.png", "content_type": "image/png", "bytes": 1000}}})
		want(t, r, http.StatusOK)
		if m := r.json(t); m["valid"] != true || len(m["unfinished"].([]any)) != 0 {
			t.Errorf("check with an image: %s", r)
		}
		api("POST", "/api/v1/posts/check", sc.staffTok, map[string]any{"text": "x", "media": []map[string]any{{"content_type": "application/pdf"}}}).
			problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
	})
}

// The standalone check (/check, POST /api/v1/text/check) finds a pasted
// placeholder too.
func TestTextCheckFindsPlaceholder(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		c := e.loggedIn(t, f.Users[soroe.RoleStaff])
		c.get(t, "/check")
		r := c.post(t, "/check", url.Values{"text": {"見学会は【ここに日付】です"}, "network": {"x"}})
		want(t, r, http.StatusOK)
		for _, s := range []string{"仕上がっていないところ", "「【ここに日付】」が残っています"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("check page lacks %q", s)
			}
		}
		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		r = e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": "Open house on [add date].", "networks": []string{"x"}})
		want(t, r, http.StatusOK)
		m := r.json(t)
		fs, _ := m["unfinished"].([]any)
		if m["valid"] != false || len(fs) != 1 || fs[0].(map[string]any)["value"] != "[add date]" {
			t.Errorf("text check: %s", r)
		}
		r = e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": "見学会は12月6日です", "networks": []string{"x"}})
		if m := r.json(t); m["valid"] != true || m["unfinished"] != nil {
			t.Errorf("a finished text: %s", r)
		}
	})
}

// A 予約日時 in the past is refused by the editor (in the reader's
// language) and the API, by the server's clock; keeping an older post's
// time is not a new choice. A draft with no text and no account is not
// saved.
func TestPastTimeAndEmptyDraftRefused(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		ctx := context.Background()
		sc := newUnfinishedScene(t, e)
		count := func() int {
			_, _, n, err := db.Posts(ctx, store.PostFilter{OrgID: sc.f.A.ID, AuthorID: sc.f.Users[soroe.RoleStaff].ID})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		past := clock.Now().Add(-2 * time.Hour)
		form := sc.form(nil, "見学会のお知らせ")
		form.Set("scheduled_at", past.In(tokyo).Format("2006-01-02T15:04"))
		sc.staff.get(t, "/posts/new")
		wantPage(t, "UI create in the past", sc.staff.post(t, "/posts", form), "予約日時が過去になっています。これから先の日時を指定してください。")
		// In English for a member who reads English.
		en := sc.f.Users[soroe.RoleManager]
		if err := db.UpdateUser(ctx, &soroe.User{ID: en.ID, Name: en.Name, Email: en.Email, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		mgr := e.loggedIn(t, en)
		mgr.get(t, "/posts/new")
		wantPage(t, "UI create in the past (en)", mgr.post(t, "/posts", form), "The scheduled time is in the past. Choose a time from now on.")
		p := e.api(t, "POST", "/api/v1/posts", sc.staffTok, map[string]any{"text": "見学会", "scheduled_at": past,
			"targets": []map[string]any{{"account_id": sc.x.ID}}}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		if p["field"] != "scheduled_at" || !strings.Contains(p["detail"].(string), "in the past") {
			t.Errorf("API create in the past: %v", p)
		}
		if n := count(); n != before {
			t.Fatalf("%d posts saved in the past", n-before)
		}

		// A post scheduled an hour ahead, edited two hours later: keeping
		// its time is fine, choosing another past one is not.
		soon := clock.Now().Add(time.Hour)
		form.Set("scheduled_at", soon.In(tokyo).Format("2006-01-02T15:04"))
		id := sc.create(t, form)
		clock.Add(2 * time.Hour)
		path := fmt.Sprintf("/posts/%d", id)
		sc.staff.get(t, path+"/edit")
		form.Set("text", "見学会のお知らせ（改）")
		want(t, sc.staff.post(t, path, form), http.StatusSeeOther)
		form.Set("scheduled_at", clock.Now().Add(-30*time.Minute).In(tokyo).Format("2006-01-02T15:04"))
		wantPage(t, "UI edit to the past", sc.staff.post(t, path, form), "予約日時が過去になっています")
		e.api(t, "PATCH", "/api/v1/posts/"+strconv.FormatInt(id, 10), sc.staffTok, map[string]any{"text": "見学会", "scheduled_at": clock.Now().Add(-45 * time.Minute),
			"targets": []map[string]any{{"account_id": sc.x.ID}}}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		if got := sc.state(t, id); !got.ScheduledAt.Equal(soon.Truncate(time.Minute)) {
			t.Errorf("time changed to %v", got.ScheduledAt)
		}
		// Scheduling in the past: the API says so.
		p = e.api(t, "POST", "/api/v1/posts/"+strconv.FormatInt(id, 10)+"/schedule", sc.mgrTok, map[string]any{"scheduled_at": clock.Now().Add(-time.Hour)}).
			problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		if p["field"] != "scheduled_at" {
			t.Errorf("schedule in the past: %v", p)
		}

		// An empty draft.
		before = count()
		sc.staff.get(t, "/posts/new")
		wantPage(t, "UI empty draft", sc.staff.post(t, "/posts", url.Values{"text": {"  "}}), "本文もアカウントもない下書きは保存できません")
		e.api(t, "POST", "/api/v1/posts", sc.staffTok, map[string]any{"text": ""}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		if n := count(); n != before {
			t.Fatalf("%d empty drafts saved", n-before)
		}
	})
}

// multipartForm encodes a form with files ("media" parts) as the editor
// sends it.
func multipartForm(t *testing.T, csrf string, fields url.Values, files map[string][]byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("csrf_token", csrf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for name, data := range files {
		fw, err := w.CreateFormFile("media", name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, w.FormDataContentType()
}

// A new post takes its image with its first save: the 型 of format 画像 is
// then finished and goes to review at once. The files are checked like
// uploads, and a refused form keeps nothing.
func TestNewPostWithMediaOnFirstSave(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		ctx := context.Background()
		sc := newUnfinishedScene(t, e)
		r := sc.staff.get(t, "/posts/new?template="+strconv.FormatInt(sc.imageTpl.ID, 10))
		for _, s := range []string{`enctype="multipart/form-data"`, `type="file" name="media" multiple`, "画像・動画を添付（任意）"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("new post form lacks %q", s)
			}
		}
		// The live check: the 型 needs an image until one is chosen; a
		// chosen file too large for Bluesky is said before it is sent.
		live := sc.form(sc.imageTpl, "平屋の施工事例。")
		live.Add("account", strconv.FormatInt(sc.bsky.ID, 10))
		r = sc.staff.post(t, "/posts/check", live)
		if !strings.Contains(r.Body, "画像を1枚以上付けてください") {
			t.Errorf("live check without an image: %s", r)
		}
		live.Set("media_name", "gaikan.jpg")
		live.Set("media_type", "image/jpeg")
		live.Set("media_size", "5000000")
		r = sc.staff.post(t, "/posts/check", live)
		want(t, r, http.StatusOK)
		if m := r.json(t); len(m["unfinished"].([]any)) != 0 || !strings.Contains(r.Body, "画像") || m["valid"] != false {
			t.Errorf("live check with a large image: %s", r)
		}
		live.Set("media_size", "300000")
		if m := sc.staff.post(t, "/posts/check", live).json(t); m["valid"] != true {
			t.Errorf("live check with an image: %v", m)
		}

		fields := sc.form(sc.imageTpl, "平屋の施工事例。")
		fields.Set("then", "submit")
		fields.Set("media_alt", "平屋の外観")
		body, ct := multipartForm(t, sc.staff.csrf, fields, map[string][]byte{"gaikan.png": pngBytes})
		r = sc.staff.do(t, "POST", "/posts", body, http.Header{"Content-Type": {ct}})
		want(t, r, http.StatusSeeOther)
		m := postIDRE.FindStringSubmatch(r.Header.Get("Location"))
		if m == nil {
			t.Fatalf("Location %q", r.Header.Get("Location"))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ms, _ := db.PostMedia(ctx, sc.f.A.ID, id)
		if len(ms) != 1 || ms[0].Filename != "gaikan.png" || ms[0].ContentType != "image/png" || ms[0].Alt != "平屋の外観" {
			t.Fatalf("media %+v", ms)
		}
		if p := sc.state(t, id); p.State != soroe.PostInReview {
			t.Fatalf("the finished post is %s", p.State)
		}
		// The editor of a stored post lists its attachments.
		if r := sc.staff.get(t, fmt.Sprintf("/posts/%d/edit", id)); !strings.Contains(r.Body, "gaikan.png") {
			t.Errorf("edit form does not list the attachment")
		}

		// A file that is no image, or too many files: the form comes back
		// with the reason and nothing is saved.
		_, _, before, _ := db.Posts(ctx, store.PostFilter{OrgID: sc.f.A.ID})
		sc.staff.get(t, "/posts/new")
		body, ct = multipartForm(t, sc.staff.csrf, sc.form(nil, "お知らせ"), map[string][]byte{"fake.png": []byte("これは画像ではありません")})
		wantPage(t, "not an image", sc.staff.do(t, "POST", "/posts", body, http.Header{"Content-Type": {ct}}),
			"この形式は添付できません", "選んだファイルは添付されていません")
		many := map[string][]byte{}
		for i := range maxMediaCount + 1 {
			many[fmt.Sprintf("p%d.png", i)] = pngBytes
		}
		body, ct = multipartForm(t, sc.staff.csrf, sc.form(nil, "お知らせ"), many)
		wantPage(t, "too many", sc.staff.do(t, "POST", "/posts", body, http.Header{"Content-Type": {ct}}), "10 ファイルまで")
		if _, _, after, _ := db.Posts(ctx, store.PostFilter{OrgID: sc.f.A.ID}); after != before {
			t.Errorf("%d posts saved from refused forms", after-before)
		}
	})
}

// The plan import says an unfinished row in words: a placeholder, and a 型
// whose format needs an image, which a plan file cannot attach.
func TestImportUnfinishedRowsUI(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		sc := newUnfinishedScene(t, e)
		plan := "日時,アカウント,本文,型\n" +
			"2026-12-01 09:00,採用X,【ここに名前】さんの一日,社員紹介（1段階）\n" +
			"2026-12-02 09:00,採用X,平屋の施工事例,施工事例\n"
		sc.mgr.get(t, "/posts/import")
		r := sc.mgr.uploadPlan(t, "plan.csv", plan, nil)
		want(t, r, http.StatusUnprocessableEntity)
		for _, s := range []string{"2 件の問題", "「【ここに名前】」が残っています", "型の形式が「画像」なので画像か動画が要りますが、計画ファイルでは添付できません"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("problem page lacks %q", s)
			}
		}
	})
}
