package web

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func init() {
	walkBodies["POST /api/v1/text/check"] = `{"text":"こんにちは","networks":["x"]}`
}

func TestTextCheck(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		if err := db.SetOrgProfile(t.Context(), &soroe.OrgProfile{OrgID: f.A.ID, NGWords: []string{"激安"}, Competitors: []string{"ライバル工務店"}, BlockOnRisk: true}); err != nil {
			t.Fatal(err)
		}
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		want(t, staff.get(t, "/check"), http.StatusOK)
		long := strings.Repeat("あ", 141) // 282 weighted on X, fine on Instagram
		r := staff.post(t, "/check", url.Values{"text": {long + " 激安！ライバル工務店より必ず痩せる"}, "network": {"x", "instagram"}})
		want(t, r, http.StatusOK)
		for _, s := range []string{"このままでは投稿できません", "投稿できます", "NG ワード", "競合名", "薬機法", "指摘が残っている投稿は承認できません"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("check page lacks %q", s)
			}
		}
		want(t, staff.post(t, "/check", url.Values{"text": {"x"}}), http.StatusUnprocessableEntity)

		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		res := e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": "0120-000-000 までお電話を。info@example.jp", "networks": []string{"line", "bluesky"}})
		want(t, res, http.StatusOK)
		m := res.json(t)
		if m["valid"] != true || m["blocking"] != true {
			t.Errorf("report: %s", res.Body)
		}
		if risks := m["risks"].([]any); len(risks) != 1 || risks[0].(map[string]any)["code"] != "email_address" {
			t.Errorf("risks (toll-free numbers pass, the email is flagged): %s", res.Body)
		}
		want(t, e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": "x", "networks": []string{"myspace"}}), http.StatusUnprocessableEntity)
		want(t, e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": "x", "networks": []string{}}), http.StatusUnprocessableEntity)
		// Another org's NG words do not apply.
		out := e.token(t, f.B, f.Outsider)
		if res := e.api(t, "POST", "/api/v1/text/check", out, map[string]any{"text": "激安", "networks": []string{"x"}}); strings.Contains(res.Body, "ng_word") {
			t.Error("org A's NG words applied to org B")
		}
	})
}

// Every risk code and problem code of package text has a message in both
// languages, so the check page never shows a raw key.
func TestTextCheckMessages(t *testing.T) {
	c := i18n.Default()
	for file, re := range map[string]*regexp.Regexp{
		"../text/risk.go": regexp.MustCompile(`code:\s*"([a-z0-9_]+)"`),
		"../text/text.go": regexp.MustCompile(`Problem[A-Za-z]+\s*=\s*"([a-z_]+)"`),
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		prefix := "check.risk."
		if strings.HasSuffix(file, "text.go") {
			prefix = "check.problem."
		}
		ms := re.FindAllStringSubmatch(string(b), -1)
		if len(ms) < 5 {
			t.Fatalf("%s: found only %d codes; the pattern is stale", file, len(ms))
		}
		for _, m := range ms {
			for _, l := range i18n.Langs {
				if !c.Has(l, prefix+m[1]) {
					t.Errorf("%s%s has no %s message", prefix, m[1], l)
				}
			}
		}
	}
	for _, n := range soroe.Networks {
		for _, l := range i18n.Langs {
			if !c.Has(l, "network."+string(n)) {
				t.Errorf("network.%s has no %s name", n, l)
			}
		}
	}
}

// secondOpinionText is a post with builtin findings (a weight-loss promise,
// a ranking claim) and a risk only a reader of the whole sees.
const secondOpinionText = "飲むだけで必ず痩せる！地域No.1の工務店です。台風の被害にあった方も、この機会にぜひ。"

// modelOpinion is a model's answer on secondOpinionText: one note quoting
// the text, one quoting words that are not in it.
func modelOpinion() string {
	b, _ := json.Marshal(map[string]any{
		"findings": []any{
			map[string]any{"quote": "台風の被害にあった方も、この機会にぜひ", "category": "ng_word", "why": "被災した方を販促に結びつけると不謹慎と受け取られます。"},
			map[string]any{"quote": "被災者向けセール", "category": "ng_word", "why": "本文にない言葉の指摘"},
		},
		"summary": "災害に触れた一文が炎上のきっかけになりえます。",
	})
	return string(b)
}

// TestTextCheckSecondOpinion: with a model configured, the check page
// offers its second opinion (unchecked); asked for, the model's notes show
// in their own section after the builtin findings, named as the model's,
// and its tokens are logged for the organization. The API returns the same
// in "second_opinion". A model that fails leaves a notice and the builtin
// result.
func TestTextCheckSecondOpinion(t *testing.T) {
	var mu sync.Mutex
	answer := modelOpinion()
	setAnswer := func(a string) { mu.Lock(); answer = a; mu.Unlock() }
	srv, calls := fakeModel(t, func(int) string { mu.Lock(); defer mu.Unlock(); return answer })
	var e *env
	uiTest(t, func(t *testing.T, env *env) {
		e = env
		ctx := context.Background()
		f := e.fixture(t)
		setAnswer(modelOpinion())
		calls.Store(0)
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])

		r := staff.get(t, "/check")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "AI にも確認してもらう（セカンドオピニオン）") || !strings.Contains(r.Body, `name="second_opinion" value="1">`) {
			t.Errorf("no unchecked second-opinion box: %s", r)
		}
		// Not asked: no model call, no section.
		r = staff.post(t, "/check", url.Values{"text": {secondOpinionText}, "network": {"x"}})
		want(t, r, http.StatusOK)
		if calls.Load() != 0 || strings.Contains(r.Body, "AI のセカンドオピニオン") {
			t.Errorf("second opinion without asking (%d calls)", calls.Load())
		}

		// Asked.
		r = staff.post(t, "/check", url.Values{"text": {secondOpinionText}, "network": {"x"}, "second_opinion": {"1"}})
		want(t, r, http.StatusOK)
		if calls.Load() != 1 {
			t.Errorf("%d model calls", calls.Load())
		}
		body := html.UnescapeString(r.Body)
		builtin, section := strings.Index(body, `<ul class="check-risks">`), strings.Index(body, "AI のセカンドオピニオン")
		if builtin < 0 || section < 0 || section < builtin {
			t.Fatalf("the model's section is missing or before the builtin findings (%d, %d): %s", builtin, section, r)
		}
		mine := body[section:]
		for _, s := range []string{"AI モデル: fake", "AI モデル（fake）の意見です", "<mark>台風の被害にあった方も、この機会にぜひ</mark>",
			"被災した方を販促に結びつけると不謹慎と受け取られます。", "災害に触れた一文が炎上のきっかけになりえます。", "NG ワード"} {
			if !strings.Contains(mine, s) {
				t.Errorf("the second opinion lacks %q", s)
			}
		}
		if strings.Contains(body, "被災者向けセール") || strings.Contains(body, "本文にない言葉の指摘") {
			t.Error("a note whose quote is not in the text is shown")
		}
		if !strings.Contains(body, `name="second_opinion" value="1" checked>`) {
			t.Error("the box is not kept checked")
		}
		p, c, err := e.db.LLMTokens(ctx, f.A.ID, time.Time{})
		if err != nil || p+c != 1545 {
			t.Errorf("tokens logged for org A: %d+%d %v", p, c, err)
		}

		// The API.
		d := loadOpenAPI(t)
		tok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		res := e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": secondOpinionText, "networks": []string{"x", "line"}, "second_opinion": true})
		want(t, res, http.StatusOK)
		d.checkResponse(t, "POST /api/v1/text/check", res)
		var rep struct {
			Risks         []map[string]any `json:"risks"`
			SecondOpinion *struct {
				Generator, Notice, Summary string
				Notes                      []generate.RiskNote
			} `json:"second_opinion"`
		}
		if err := json.Unmarshal([]byte(res.Body), &rep); err != nil {
			t.Fatal(err)
		}
		so := rep.SecondOpinion
		if len(rep.Risks) == 0 || so == nil || so.Generator != "llm:fake" || so.Notice != "" || so.Summary == "" || len(so.Notes) != 1 {
			t.Fatalf("API second opinion: %s", res.Body)
		}
		if n := so.Notes[0]; n.Category != "ng_word" || string([]rune(secondOpinionText)[n.Start:n.End]) != n.Quote {
			t.Errorf("note %+v", n)
		}
		res = e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": secondOpinionText, "networks": []string{"x"}})
		want(t, res, http.StatusOK)
		if strings.Contains(res.Body, "second_opinion") {
			t.Errorf("second opinion without asking: %s", res.Body)
		}
		// A blank text is not sent.
		before := calls.Load()
		res = e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": " ", "networks": []string{"x"}, "second_opinion": true})
		want(t, res, http.StatusOK)
		if calls.Load() != before || strings.Contains(res.Body, "second_opinion") {
			t.Errorf("blank text sent to the model: %s", res.Body)
		}

		// The model answers junk: a notice, and the builtin result stands.
		setAnswer("申し訳ありませんが、お答えできません。")
		r = staff.post(t, "/check", url.Values{"text": {secondOpinionText}, "network": {"x"}, "second_opinion": {"1"}})
		want(t, r, http.StatusOK)
		for _, s := range []string{"AI のセカンドオピニオン", "AI モデル（fake）の答えがそのまま使える形ではなかったため、セカンドオピニオンはありません", "薬機法", "景表法"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("after a junk answer, the page lacks %q", s)
			}
		}
		res = e.api(t, "POST", "/api/v1/text/check", tok, map[string]any{"text": secondOpinionText, "networks": []string{"x"}, "second_opinion": true})
		want(t, res, http.StatusOK)
		d.checkResponse(t, "POST /api/v1/text/check", res)
		m := res.json(t)
		so2, _ := m["second_opinion"].(map[string]any)
		if so2["notice"] != generate.NoticeLLMInvalid || len(so2["notes"].([]any)) != 0 || len(m["risks"].([]any)) == 0 {
			t.Errorf("API after a junk answer: %s", res.Body)
		}
	}, withModel(srv, func() *store.DB { return e.db }))
}

// TestTextCheckNoSecondOpinion: with the builtin generator, the page has no
// second-opinion box and the API ignores the request for one.
func TestTextCheckNoSecondOpinion(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		r := staff.get(t, "/check")
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, "second_opinion") || strings.Contains(r.Body, "セカンドオピニオン") {
			t.Errorf("second-opinion box without a model: %s", r)
		}
		r = staff.post(t, "/check", url.Values{"text": {secondOpinionText}, "network": {"x"}, "second_opinion": {"1"}})
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, "セカンドオピニオン") || !strings.Contains(r.Body, "薬機法") {
			t.Errorf("check without a model: %s", r)
		}
		res := e.api(t, "POST", "/api/v1/text/check", e.token(t, f.A, f.Users[soroe.RoleStaff]),
			map[string]any{"text": secondOpinionText, "networks": []string{"x"}, "second_opinion": true})
		want(t, res, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "POST /api/v1/text/check", res)
		if strings.Contains(res.Body, "second_opinion") {
			t.Errorf("second opinion without a model: %s", res.Body)
		}
	})
}

// Every notice a model call can end with has a second-opinion message in
// both languages.
func TestSecondOpinionNotices(t *testing.T) {
	c := i18n.Default()
	for _, n := range generate.Notices {
		for _, l := range i18n.Langs {
			if !c.Has(l, "check.second_opinion.notice."+n) {
				t.Errorf("check.second_opinion.notice.%s has no %s message", n, l)
			}
		}
	}
	for _, cat := range generate.RiskCategories {
		for _, l := range i18n.Langs {
			if !c.Has(l, "check.category."+cat) {
				t.Errorf("check.category.%s has no %s name", cat, l)
			}
		}
	}
}
