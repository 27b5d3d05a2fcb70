package web

import (
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/soroe/soroe"
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
