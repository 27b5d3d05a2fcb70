package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

// TestInsights: the fixture's 型 (three a week) published nothing in four
// weeks, and its goal is behind with no posts: both show, with a way to
// turn them into actions for those who may.
func TestInsights(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		tpl := fixtureTemplate(t, e, f)
		g, err := e.db.Goal(context.Background(), f.A.ID, tpl.GoalID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.RecordManualEntry(context.Background(), g, &soroe.KPIEntry{KPIID: g.KPIs[0].ID, Day: "2026-11-10", Value: 1, Source: soroe.SourceManual,
			CreatedBy: f.Users[soroe.RoleManager].ID}, "2026-11-23"); err != nil {
			t.Fatal(err)
		}
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		r := mgr.get(t, "/insights")
		want(t, r, http.StatusOK)
		cadenceKey := fmt.Sprintf("cadence_slipping/%d", tpl.ID)
		for _, s := range []string{
			fmt.Sprintf(`id="%s"`, cadenceKey),
			fmt.Sprintf("型「%s」は直近4週間で予定", tpl.Name),
			fmt.Sprintf("「%s」のコンバージョン: 応募はペース", g.Title),
			"最近4週間、この目標の投稿がありません",
			"source_ref=" + url.QueryEscape(cadenceKey),
		} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("insights page lacks %q", s)
			}
		}
		// Staff read them, without the button.
		r = e.loggedIn(t, f.Users[soroe.RoleStaff]).get(t, "/insights")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, cadenceKey) || strings.Contains(r.Body, `class="btn small" href="/actions?`) {
			t.Errorf("staff's insights: %s", r.Body)
		}
		// The button opens the action form with the insight in it.
		q := url.Values{"source_kind": {"insight"}, "source_ref": {cadenceKey}, "source_note": {"x"}}
		r = mgr.get(t, "/actions?"+q.Encode())
		if !strings.Contains(r.Body, `name="source_ref" value="`+cadenceKey+`"`) {
			t.Errorf("action form: %s", r.Body)
		}

		tok := e.token(t, f.A, f.Users[soroe.RoleExecutive])
		r = e.api(t, http.MethodGet, "/api/v1/insights", tok, nil)
		want(t, r, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "GET /api/v1/insights", r)
		if !strings.Contains(r.Body, `"key":"`+cadenceKey+`"`) || !strings.Contains(r.Body, `"text":"The 型`) {
			t.Errorf("API: %s", r.Body)
		}
	})
}
