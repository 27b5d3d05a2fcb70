package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func init() {
	walkBodies["PUT /api/v1/org/profile"] = `{"industry":"Walk"}`
}

func TestProfile(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		pr := e.loggedIn(t, f.Users[soroe.RoleManager])
		page := pr.get(t, "/org/profile")
		want(t, page, http.StatusOK)
		if !strings.Contains(page.Body, "会社プロフィール") {
			t.Error("profile page is not in Japanese")
		}
		r := pr.post(t, "/org/profile", url.Values{
			"industry": {"工務店"}, "audience": {"子育て世帯"}, "brand_voice": {"親しみやすく"},
			"words_to_use": {"木の家\n手仕事"}, "ng_words": {"激安、最安値"}, "competitors": {"ライバル工務店"}, "block_on_risk": {"1"},
		})
		want(t, r, http.StatusSeeOther)
		p, err := db.OrgProfile(t.Context(), f.A.ID)
		if err != nil || p.Industry != "工務店" || len(p.WordsToUse) != 2 || len(p.NGWords) != 2 || p.NGWords[1] != "最安値" || !p.BlockOnRisk {
			t.Fatalf("saved: %+v %v", p, err)
		}
		// Too long: the form comes back with what was typed and the error.
		r = pr.post(t, "/org/profile", url.Values{"industry": {strings.Repeat("あ", 101)}, "audience": {"残る"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "残る") {
			t.Error("the form lost what was typed")
		}
		// Staff may read it through the API but not change it.
		staffTok := e.token(t, f.A, f.Users[soroe.RoleStaff])
		got := e.api(t, "GET", "/api/v1/org/profile", staffTok, nil)
		want(t, got, http.StatusOK)
		if got.json(t)["industry"] != "工務店" {
			t.Errorf("api: %s", got.Body)
		}
		want(t, e.api(t, "PUT", "/api/v1/org/profile", staffTok, map[string]any{"industry": "x"}), http.StatusForbidden)
		mgrTok := e.token(t, f.A, f.Users[soroe.RoleManager])
		put := e.api(t, "PUT", "/api/v1/org/profile", mgrTok, map[string]any{"industry": "リフォーム", "competitors": []string{"A社", "A社"}})
		want(t, put, http.StatusOK)
		if p, _ := db.OrgProfile(t.Context(), f.A.ID); p.Industry != "リフォーム" || len(p.Competitors) != 1 || p.BlockOnRisk {
			t.Errorf("after PUT: %+v", p)
		}
		// Another organization sees its own (empty) profile.
		outTok := e.token(t, f.B, f.Outsider)
		if b := e.api(t, "GET", "/api/v1/org/profile", outTok, nil); strings.Contains(b.Body, "リフォーム") {
			t.Error("profile leaked to another org")
		}
	})
}
