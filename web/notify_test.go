package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
	"github.com/soroe/soroe/workflow"
)

// Every fixture's org A has a generic webhook ({webhook}, on a loopback
// port nothing listens on, which the production guard refuses anyway) and
// a notification of its staff member ({notification}).
func init() {
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		ctx := context.Background()
		n := seq.Add(1)
		h := &soroe.Webhook{OrgID: f.A.ID, Name: fmt.Sprintf("Alpha secret hook %d", n), Kind: soroe.WebhookGeneric,
			URL: fmt.Sprintf("http://127.0.0.1:9/alpha-hook-%d", n), Secret: fmt.Sprintf("whsec_alpha_%d", n),
			Events: []string{soroe.NotifyReviewRequest}, Enabled: true, CreatedBy: f.Users[soroe.RoleOwner].ID}
		if err := e.db.CreateWebhook(ctx, h, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Notify(ctx, soroe.Notification{OrgID: f.A.ID, Kind: soroe.NotifyApproved}, false, f.Users[soroe.RoleStaff].ID); err != nil {
			t.Fatal(err)
		}
		ns, _, err := e.db.Notifications(ctx, f.A.ID, f.Users[soroe.RoleStaff].ID, 1)
		if err != nil || len(ns) == 0 {
			t.Fatal(err)
		}
		f.Wild["webhook"] = strconv.FormatInt(h.ID, 10)
		f.Wild["notification"] = strconv.FormatInt(ns[0].ID, 10)
		f.Secrets = append(f.Secrets, h.Name, h.Secret, fmt.Sprintf("alpha-hook-%d", n))
	})
	walkBodies["POST /api/v1/webhooks"] = `{"name":"Walk","kind":"slack","url":"https://hooks.slack.com/services/T/B/walk"}`
	walkBodies["PATCH /api/v1/webhooks/{webhook}"] = `{"name":"Walk"}`
	walkBodies["POST /api/v1/webhooks/{webhook}/test"] = `{}`
}

// notifyScene is a manager and a staff member of one organization, with a
// 型 of a goal whose approval has two named steps.
type notifyScene struct {
	*postScene
	manager, staff *soroe.User
}

func newNotifyScene(t *testing.T, e *env) *notifyScene {
	sc := &notifyScene{postScene: newPostScene(t, e)}
	sc.manager, sc.staff = sc.f.Users[soroe.RoleManager], sc.f.Users[soroe.RoleStaff]
	return sc
}

// submit makes the staff member draft a post of the 型 due at due and
// submit it, as the editor does.
func (sc *notifyScene) submit(t *testing.T, e *env, text string, due time.Time) *soroe.Post {
	t.Helper()
	ctx := context.Background()
	wf := &workflow.Service{DB: e.db}
	a := workflow.Actor{UserID: sc.staff.ID, OrgID: sc.f.A.ID, Role: soroe.RoleStaff}
	tplID := sc.tpl.ID
	p := &soroe.Post{TemplateID: &tplID, TemplateVersion: sc.tpl.Version, Text: text, ScheduledAt: &due}
	if err := wf.Create(ctx, a, p, []*soroe.Target{{AccountID: sc.x.ID, Text: text}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := wf.Submit(ctx, a, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

var unreadBadge = regexp.MustCompile(`<span class="bell-count">(\d+)</span>`)

func badge(r *resp) int {
	m := unreadBadge.FindStringSubmatch(r.Body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestNotificationsSayWhat: two review requests that were identical rows
// now name their post, author, 型, goal, step and due time; opening one
// marks it read and leads to its post, and the badge counts unread only.
func TestNotificationsSayWhat(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		sc := newNotifyScene(t, e)
		ctx := context.Background()
		if err := db.UpdateOrg(ctx, &soroe.Org{ID: sc.f.A.ID, Name: sc.f.A.Name, TimeZone: "Asia/Tokyo", Lang: "ja"}); err != nil {
			t.Fatal(err)
		}
		due := time.Date(2026, 12, 4, 1, 0, 0, 0, time.UTC) // 金曜 10:00 in Tokyo
		p1 := sc.submit(t, e, "  \n  見学会のお知らせ  \n詳しくはこちら", due)
		p2 := sc.submit(t, e, "新卒採用の説明会を開きます", due.Add(24*time.Hour))

		c := e.loggedIn(t, sc.manager)
		r := c.get(t, "/notifications")
		want(t, r, http.StatusOK)
		for _, s := range []string{"承認をお願いします（広報）。", "「見学会のお知らせ」", "「新卒採用の説明会を開きます」",
			"<dt>作成者</dt><dd>" + sc.staff.Name + "</dd>", "<dt>型</dt><dd>社員紹介</dd>", "<dt>目標</dt><dd>採用</dd>",
			"<dt>承認ステップ</dt><dd>広報</dd>", "<dt>予定日時</dt><dd>2026年12月4日(金) 10:00</dd>", "未読 2 件"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("notifications page lacks %q", s)
			}
		}
		if strings.Contains(r.Body, "1/2") || strings.Contains(r.Body, "詳しくはこちら") {
			t.Error("the page shows a step number or more than the first line")
		}
		if got := badge(r); got != 2 {
			t.Fatalf("badge %d, want 2", got)
		}
		ns, _, err := db.Notifications(ctx, sc.f.A.ID, sc.manager.ID, 10)
		if err != nil || len(ns) != 2 {
			t.Fatalf("%d notifications, %v", len(ns), err)
		}
		// Newest first: ns[1] is about p1.
		if *ns[1].PostID != p1.ID || *ns[0].PostID != p2.ID {
			t.Fatalf("notifications about %d, %d", *ns[0].PostID, *ns[1].PostID)
		}
		open := fmt.Sprintf("/notifications/%d", ns[1].ID)
		if !strings.Contains(r.Body, `href="`+open+`"`) {
			t.Errorf("no link %s", open)
		}
		r = c.get(t, open)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/posts/%d", p1.ID) {
			t.Fatalf("open: %s → %q", r, r.Header.Get("Location"))
		}
		r = c.get(t, "/notifications")
		if got := badge(r); got != 1 {
			t.Errorf("badge after opening one: %d, want 1", got)
		}
		// Someone else's notification does not open.
		other := e.loggedIn(t, sc.f.Users[soroe.RoleOwner])
		if r := other.get(t, open); r.Status != http.StatusNotFound {
			t.Errorf("another member opened it: %s", r)
		}
		// The API says the same, read state included.
		tok := e.token(t, sc.f.A, sc.manager)
		r = e.api(t, "GET", "/api/v1/notifications", tok, nil)
		want(t, r, http.StatusOK)
		var body struct {
			Unread        int
			Notifications []struct {
				ID      int64
				Text    string
				Post    string
				Href    string
				Details []deliver.Field
				ReadAt  *time.Time `json:"read_at"`
			}
		}
		if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
			t.Fatal(err)
		}
		if body.Unread != 1 || len(body.Notifications) != 2 || body.Notifications[1].ReadAt == nil ||
			body.Notifications[1].Post != "見学会のお知らせ" || body.Notifications[1].Href != fmt.Sprintf("/posts/%d", p1.ID) ||
			len(body.Notifications[1].Details) != 5 {
			t.Errorf("API: %s", r.Body)
		}

		// An English reader reads English.
		if err := db.UpdateUser(ctx, &soroe.User{ID: sc.manager.ID, Name: sc.manager.Name, Email: sc.manager.Email, Lang: "en"}); err != nil {
			t.Fatal(err)
		}
		en := e.loggedIn(t, sc.manager)
		r = en.get(t, "/notifications")
		for _, s := range []string{"A post waits for your approval (広報).", "<dt>Template</dt><dd>社員紹介</dd>",
			"<dt>Due</dt><dd>Sat, Dec 5, 2026 10:00</dd>", "1 unread"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("English page lacks %q", s)
			}
		}
		if strings.Contains(r.Body, "承認をお願いします") {
			t.Error("Japanese on the English page")
		}
		// Opening the other post directly (from the home page, or a link
		// in Slack) reads its notification too.
		want(t, en.get(t, fmt.Sprintf("/posts/%d", p2.ID)), http.StatusOK)
		if _, unread, _ := db.Notifications(ctx, sc.f.A.ID, sc.manager.ID, 0); unread != 0 {
			t.Errorf("unread %d after opening the other post", unread)
		}
	})
}

// hookReceiver is a Slack-like receiver that answers the statuses given
// in turn (the last repeating) and records the bodies.
type hookReceiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   []string
}

func (h *hookReceiver) start(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		code := http.StatusOK
		if len(h.statuses) > 0 {
			code = h.statuses[min(len(h.bodies), len(h.statuses))-1]
		}
		h.mu.Unlock()
		w.WriteHeader(code)
		_, _ = w.Write([]byte("no_service"))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// TestWebhookSettings: a manager adds a Slack destination, sends a test
// that arrives, sees the receiver's failures with their error, and after
// three in a row gets one notification (not one per failure) until a
// delivery succeeds again. Staff cannot reach the page.
func TestWebhookSettings(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock, func(c *Config) { c.Fetch = material.FetchOptions{AllowPrivate: true} })
		sc := newNotifyScene(t, e)
		ctx := context.Background()
		rc := &hookReceiver{}
		ts := rc.start(t)
		c := e.loggedIn(t, sc.manager)
		want(t, c.get(t, "/org/webhooks"), http.StatusOK)
		r := c.post(t, "/org/webhooks", url.Values{"new": {"1"}, "name": {"広報チャンネル"}, "kind": {"slack"},
			"url": {ts.URL + "/services/T1/B1/SECRET"}, "events": {"review_request", "publish_failed"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("create: %s", r)
		}
		hooks, err := db.Webhooks(ctx, sc.f.A.ID)
		if err != nil || len(hooks) != 2 { // the fixture's and this one
			t.Fatalf("hooks %+v %v", hooks, err)
		}
		h := hooks[1]
		if h.Kind != soroe.WebhookSlack || !h.Enabled || h.Name != "広報チャンネル" || strings.Join(h.Events, ",") != "review_request,publish_failed" {
			t.Fatalf("hook %+v", h)
		}
		page := c.get(t, "/org/webhooks")
		if strings.Contains(page.Body, "SECRET") {
			t.Error("the page shows the webhook's URL path")
		}
		testPath := fmt.Sprintf("/org/webhooks/%d/test", h.ID)
		if r := c.post(t, testPath, nil); r.Status != http.StatusSeeOther {
			t.Fatalf("test: %s", r)
		}
		page = c.get(t, "/org/webhooks")
		if !strings.Contains(page.Body, "テスト送信しました") || !strings.Contains(page.Body, "に送信成功") {
			t.Errorf("after a good test: %s", page.Body)
		}
		if len(rc.bodies) != 1 || !strings.Contains(rc.bodies[0], `"blocks"`) || !strings.Contains(rc.bodies[0], "Soroe からのテスト送信です") {
			t.Fatalf("received %q", rc.bodies)
		}

		rc.mu.Lock()
		rc.statuses, rc.bodies = []int{500}, nil
		rc.mu.Unlock()
		for i := range 4 {
			c.post(t, testPath, nil)
			page = c.get(t, "/org/webhooks")
			if !strings.Contains(page.Body, "テスト送信に失敗しました") || !strings.Contains(page.Body, fmt.Sprintf("連続 %d 回", i+1)) ||
				!strings.Contains(page.Body, "HTTP 500: no_service") {
				t.Fatalf("failure %d not shown", i+1)
			}
		}
		warned := func(u *soroe.User) int {
			ns, _, err := db.Notifications(ctx, sc.f.A.ID, u.ID, 50)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range ns {
				if x.Kind == soroe.NotifyWebhookFailed {
					n++
				}
			}
			return n
		}
		if warned(sc.manager) != 1 || warned(sc.f.Users[soroe.RoleOwner]) != 1 || warned(sc.staff) != 0 {
			t.Errorf("warnings: manager %d owner %d staff %d", warned(sc.manager), warned(sc.f.Users[soroe.RoleOwner]), warned(sc.staff))
		}
		r = c.get(t, "/notifications")
		if !strings.Contains(r.Body, "通知先「広報チャンネル」への送信が続けて失敗しています") {
			t.Error("the warning does not say which destination")
		}
		// A success ends the run; the next three failures warn again.
		rc.mu.Lock()
		rc.statuses, rc.bodies = []int{200, 500}, nil
		rc.mu.Unlock()
		for range 4 {
			c.post(t, testPath, nil)
		}
		if warned(sc.manager) != 2 {
			t.Errorf("after recovery and new failures: %d warnings, want 2", warned(sc.manager))
		}

		// Edit: pause it and change its events.
		r = c.post(t, fmt.Sprintf("/org/webhooks/%d", h.ID), url.Values{"name": {"広報"}, "events": {"rejected"}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("update: %s", r)
		}
		if h, _ = db.Webhook(ctx, sc.f.A.ID, h.ID); h.Enabled || h.Name != "広報" || strings.Join(h.Events, ",") != "rejected" {
			t.Errorf("updated %+v", h)
		}
		// A bad URL is refused in the form.
		r = c.post(t, "/org/webhooks", url.Values{"new": {"1"}, "name": {"x"}, "kind": {"slack"}, "url": {"ftp://example.jp/"}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "https:// で始まる") {
			t.Errorf("bad URL: %s", r)
		}
		// Staff cannot see or change destinations.
		st := e.loggedIn(t, sc.staff)
		if r := st.get(t, "/org/webhooks"); r.Status != http.StatusForbidden {
			t.Errorf("staff: %s", r)
		}
		if r := c.post(t, fmt.Sprintf("/org/webhooks/%d/delete", h.ID), nil); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %s", r)
		}
		if hooks, _ := db.Webhooks(ctx, sc.f.A.ID); len(hooks) != 1 {
			t.Error("not deleted")
		}
	})
}

// TestWebhookSSRF: with the production guard, a destination on a private
// address is refused when sent to, and the page says so.
func TestWebhookSSRF(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		sc := newNotifyScene(t, e)
		rc := &hookReceiver{}
		ts := rc.start(t)
		tok := e.token(t, sc.f.A, sc.manager)
		r := e.api(t, "POST", "/api/v1/webhooks", tok, map[string]any{"name": "社内", "kind": "teams", "url": ts.URL + "/hook"})
		want(t, r, http.StatusCreated)
		id := int64(r.json(t)["id"].(float64))
		r = e.api(t, "POST", fmt.Sprintf("/api/v1/webhooks/%d/test", id), tok, `{}`)
		want(t, r, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "POST /api/v1/webhooks/{webhook}/test", r)
		m := r.json(t)
		if m["ok"] != false || !strings.Contains(fmt.Sprint(m["error"]), "address not allowed") {
			t.Errorf("test to loopback: %v", m)
		}
		if len(rc.bodies) != 0 {
			t.Error("the loopback receiver was reached")
		}
	})
}

// TestWebhookAPI: create (the secret once, the URL never), list, update,
// validation, delete; another organization's webhook does not exist.
func TestWebhookAPI(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		tok := e.token(t, f.A, f.Users[soroe.RoleManager])
		r := e.api(t, "POST", "/api/v1/webhooks", tok, map[string]any{"name": "基幹システム", "kind": "generic",
			"url": "https://erp.example.jp/soroe/hook?key=SECRETKEY", "events": []string{"publish_failed", "report"}})
		want(t, r, http.StatusCreated)
		d := loadOpenAPI(t)
		d.checkResponse(t, "POST /api/v1/webhooks", r)
		m := r.json(t)
		secret, _ := m["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || m["url_host"] != "erp.example.jp" || strings.Contains(r.Body, "SECRETKEY") {
			t.Errorf("create: %s", r.Body)
		}
		id := int64(m["id"].(float64))
		r = e.api(t, "GET", "/api/v1/webhooks", tok, nil)
		want(t, r, http.StatusOK)
		d.checkResponse(t, "GET /api/v1/webhooks", r)
		if strings.Contains(r.Body, secret) || strings.Contains(r.Body, "SECRETKEY") || !strings.Contains(r.Body, "基幹システム") {
			t.Errorf("list: %s", r.Body)
		}
		r = e.api(t, "PATCH", fmt.Sprintf("/api/v1/webhooks/%d", id), tok, map[string]any{"enabled": false, "events": []string{"report"}})
		want(t, r, http.StatusOK)
		d.checkResponse(t, "PATCH /api/v1/webhooks/{webhook}", r)
		if m := r.json(t); m["enabled"] != false || fmt.Sprint(m["events"]) != "[report]" {
			t.Errorf("patch: %s", r.Body)
		}
		for _, bad := range []map[string]any{
			{"name": "x", "kind": "irc", "url": "https://example.jp/"},
			{"name": "x", "kind": "slack", "url": "javascript:alert(1)"},
			{"name": "", "kind": "slack", "url": "https://example.jp/"},
			{"name": "x", "kind": "slack", "url": "https://example.jp/", "events": []string{"everything"}},
		} {
			r := e.api(t, "POST", "/api/v1/webhooks", tok, bad)
			r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		}
		other := e.token(t, f.B, f.Outsider)
		e.api(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d", id), other, nil).problem(t, http.StatusNotFound, soroe.ENotFound)
		want(t, e.api(t, "DELETE", fmt.Sprintf("/api/v1/webhooks/%d", id), tok, nil), http.StatusNoContent)
		e.api(t, "GET", fmt.Sprintf("/api/v1/webhooks/%d", id), tok, nil).problem(t, http.StatusNotFound, soroe.ENotFound)
	})
}

// TestWebhookSealed: with SOROE_SECRET_KEY, a webhook's URL and secret are
// sealed in the database and opened to deliver.
func TestWebhookSealed(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock, withSecrets(t), func(c *Config) { c.Fetch = material.FetchOptions{AllowPrivate: true} })
		sc := newNotifyScene(t, e)
		ctx := context.Background()
		var sig string
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			sig = r.Header.Get(deliver.HeaderSignature)
			_ = b
		}))
		t.Cleanup(ts.Close)
		tok := e.token(t, sc.f.A, sc.manager)
		r := e.api(t, "POST", "/api/v1/webhooks", tok, map[string]any{"name": "基幹", "kind": "generic", "url": ts.URL + "/hook/TOPSECRET"})
		want(t, r, http.StatusCreated)
		m := r.json(t)
		id, secret := int64(m["id"].(float64)), m["secret"].(string)
		var rawURL, rawSecret, host string
		if err := db.Writer().QueryRowContext(ctx, "SELECT url, secret, url_host FROM webhooks WHERE id = $1", id).Scan(&rawURL, &rawSecret, &host); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(rawURL, "v1:") || strings.Contains(rawURL, "TOPSECRET") || !strings.HasPrefix(rawSecret, "v1:") ||
			strings.Contains(rawSecret, secret) || !strings.HasPrefix(host, "127.0.0.1:") {
			t.Errorf("stored url %q secret %q host %q", rawURL, rawSecret, host)
		}
		r = e.api(t, "POST", fmt.Sprintf("/api/v1/webhooks/%d/test", id), tok, `{}`)
		want(t, r, http.StatusOK)
		if m := r.json(t); m["ok"] != true {
			t.Fatalf("test: %s", r.Body)
		}
		if !strings.HasPrefix(sig, "t=") {
			t.Errorf("signature %q", sig)
		}
		// Without the key, the sealed URL cannot be used, and says why.
		e2 := newEnv(t, db, clock, func(c *Config) { c.Fetch = material.FetchOptions{AllowPrivate: true} })
		r = e2.api(t, "POST", fmt.Sprintf("/api/v1/webhooks/%d/test", id), tok, `{}`)
		want(t, r, http.StatusOK)
		if m := r.json(t); m["ok"] != false || !strings.Contains(fmt.Sprint(m["error"]), "SOROE_SECRET_KEY") {
			t.Errorf("test without the key: %s", r.Body)
		}
	})
}

// TestNotifyPagesNoRawKeys: the destinations page (with a failed and a
// fresh destination, and the secret shown once) and the notifications
// page (with a webhook warning) show no catalog keys, in both languages.
func TestNotifyPagesNoRawKeys(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		ctx := context.Background()
		hid := mustInt(t, f.Wild["webhook"])
		for range 3 {
			if _, err := db.RecordDelivery(ctx, f.A.ID, hid, "HTTP 500"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Notify(ctx, soroe.Notification{OrgID: f.A.ID, Kind: soroe.NotifyWebhookFailed,
			Params: map[string]string{"Webhook": "広報", "Error": "HTTP 500"}}, false, f.Users[soroe.RoleManager].ID); err != nil {
			t.Fatal(err)
		}
		raw := regexp.MustCompile(`\b(notify|webhooks|notification|notifications|error)\.[a-z_]+(\.[a-z_]+)?\b`)
		for _, lang := range []string{"ja", "en"} {
			u := f.Users[soroe.RoleManager]
			u.Lang = lang
			if err := db.UpdateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			c := e.loggedIn(t, u)
			pages := []*resp{c.get(t, "/org/webhooks"), c.get(t, "/notifications")}
			pages = append(pages, c.post(t, "/org/webhooks", url.Values{"new": {"1"}, "name": {"JSON"}, "kind": {"generic"},
				"url": {"https://erp.example.jp/hook"}, "events": {"report"}}))
			for i, r := range pages {
				if r.Status != http.StatusOK && r.Status != http.StatusCreated {
					t.Fatalf("%s page %d: %s", lang, i, r)
				}
				main := r.Body[strings.Index(r.Body, "<main"):strings.Index(r.Body, "</main>")]
				if m := raw.FindString(main); m != "" {
					t.Errorf("%s page %d shows the key %q", lang, i, m)
				}
			}
			if !strings.Contains(pages[2].Body, "whsec_") || !strings.Contains(pages[0].Body, "HTTP 500") {
				t.Errorf("%s: the secret or the error is not shown", lang)
			}
		}
	})
}
