package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() {
	// Every fixture's org A has an action owned by its staff member: the
	// {action} of the role walk.
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		title := fmt.Sprintf("Secret action %d", seq.Add(1))
		a := &soroe.ActionItem{OrgID: f.A.ID, Title: title, OwnerID: f.Users[soroe.RoleStaff].ID, CreatedBy: f.Users[soroe.RoleManager].ID}
		if err := e.db.CreateActionItem(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		f.Wild["action"] = strconv.FormatInt(a.ID, 10)
		f.Secrets = append(f.Secrets, title)
	})
	walkBodies["POST /api/v1/actions"] = `{"title":"Walk"}`
	walkBodies["PATCH /api/v1/actions/{action}"] = `{"title":"Walk"}`
	walkBodies["POST /api/v1/actions/{action}/progress"] = `{"status":"doing"}`
	walkBodies["POST /api/v1/actions/{action}/comments"] = `{"body":"Walk"}`
	// The walk's one form has no title or comment: a 422 is the handler's.
	walkDomainRefusals["POST /actions"] = true
	walkDomainRefusals["POST /actions/{action}"] = true
	walkDomainRefusals["POST /actions/{action}/comments"] = true
}

// TestActionsFlow: a manager turns an insight into an action for a staff
// member; the staff member sees it, comments, marks it done with what it
// changed; others may not move it; the API does the same.
func TestActionsFlow(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		st := f.Users[soroe.RoleStaff]
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		// The form starts from its source.
		r := mgr.get(t, "/actions?source_kind=insight&source_ref=best-hour%2Fx&source_note="+url.QueryEscape("X は18時台がよい")+"&title="+url.QueryEscape("18時に投稿する"))
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `value="18時に投稿する"`) || !strings.Contains(r.Body, "X は18時台がよい") {
			t.Errorf("prefilled form: %s", r.Body)
		}
		r = mgr.post(t, "/actions", url.Values{"title": {"18時に投稿する"}, "owner_id": {fmt.Sprint(st.ID)}, "due_on": {"2026-11-30"},
			"source_kind": {"insight"}, "source_ref": {"best-hour/x"}, "source_note": {"X は18時台がよい"}})
		wantRedirect(t, r, "/actions/")
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.Header.Get("Location"), "/actions/"), 10, 64)
		a, err := e.db.ActionItem(context.Background(), f.A.ID, id)
		if err != nil || a.OwnerID != st.ID || a.Source.Ref != "best-hour/x" || a.CreatedBy != f.Users[soroe.RoleManager].ID {
			t.Fatalf("created %+v %v", a, err)
		}
		// A bad form keeps what was typed.
		r = mgr.post(t, "/actions", url.Values{"title": {"x"}, "due_on": {"30/11"}})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "日付の形式が正しくありません") {
			t.Errorf("bad day: %s", r.Body)
		}

		staff := e.loggedIn(t, st)
		r = staff.get(t, "/actions?show=mine")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, fmt.Sprintf(`<a href="/actions/%d" class="act-title">18時に投稿する</a>`, id)) || strings.Contains(r.Body, `action="/actions"`) {
			t.Errorf("staff's list: %s", r.Body)
		}
		path := fmt.Sprintf("/actions/%d", id)
		wantRedirect(t, staff.post(t, path+"/comments", url.Values{"body": {"来週から試します"}}), path)
		wantRedirect(t, staff.post(t, path+"/progress", url.Values{"status": {"done"}, "outcome": {"保存数が1.5倍になった"}}), path)
		r = staff.get(t, path)
		for _, s := range []string{"来週から試します", "保存数が1.5倍になった", "完了", "X は18時台がよい"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("action page lacks %q", s)
			}
		}
		// Staff edit nothing else, and move only their own.
		want(t, staff.post(t, path, url.Values{"title": {"変える"}}), http.StatusForbidden)
		other := e.loggedIn(t, f.Member) // staff too, not the owner
		r = other.post(t, path+"/progress", url.Values{"status": {"open"}})
		want(t, r, http.StatusForbidden)
		if !strings.Contains(r.Body, "担当している対応策だけ") {
			t.Errorf("refusal: %s", r.Body)
		}
		// The outsider sees nothing.
		want(t, e.loggedIn(t, f.Outsider).get(t, path), http.StatusNotFound)
	})
}

func TestActionsAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		doc := loadOpenAPI(t)
		st := f.Users[soroe.RoleStaff]
		exec := e.token(t, f.A, f.Users[soroe.RoleExecutive])
		r := e.api(t, http.MethodPost, "/api/v1/actions", exec, map[string]any{"title": "採用ページへのリンクを増やす", "owner_id": st.ID, "due_on": "2026-12-15",
			"source": map[string]string{"kind": "post", "ref": "12"}})
		want(t, r, http.StatusCreated)
		doc.checkResponse(t, "POST /api/v1/actions", r)
		id := int64(r.json(t)["id"].(float64))
		path := fmt.Sprintf("/api/v1/actions/%d", id)

		r = e.api(t, http.MethodPost, "/api/v1/actions", staff, map[string]any{"title": "x"})
		r.problem(t, http.StatusForbidden, "forbidden")
		r = e.api(t, http.MethodPost, "/api/v1/actions", exec, map[string]any{"title": "x", "owner_id": f.Outsider.ID})
		if p := r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid); p["field"] != "owner_id" {
			t.Errorf("outsider owner: %v", p)
		}
		r = e.api(t, http.MethodPatch, path, exec, map[string]any{"due_on": "2026-12-20"})
		want(t, r, http.StatusOK)
		doc.checkResponse(t, "PATCH /api/v1/actions/{action}", r)
		if j := r.json(t); j["due_on"] != "2026-12-20" || j["title"] != "採用ページへのリンクを増やす" {
			t.Errorf("patched %v", j)
		}
		r = e.api(t, http.MethodPost, path+"/progress", staff, map[string]any{"status": "doing"})
		want(t, r, http.StatusOK)
		doc.checkResponse(t, "POST /api/v1/actions/{action}/progress", r)
		r = e.api(t, http.MethodPost, path+"/progress", e.token(t, f.A, f.Member), map[string]any{"status": "done"})
		if p := r.problem(t, http.StatusForbidden, soroe.EForbidden); !strings.Contains(fmt.Sprint(p["detail"]), "owner") {
			t.Errorf("not the owner: %v", p)
		}
		r = e.api(t, http.MethodPost, path+"/comments", staff, map[string]any{"body": "進めています"})
		want(t, r, http.StatusCreated)
		doc.checkResponse(t, "POST /api/v1/actions/{action}/comments", r)
		r = e.api(t, http.MethodGet, path+"/comments", owner, nil)
		want(t, r, http.StatusOK)
		doc.checkResponse(t, "GET /api/v1/actions/{action}/comments", r)
		if !strings.Contains(r.Body, `"action_id":`+strconv.FormatInt(id, 10)) || !strings.Contains(r.Body, "進めています") {
			t.Errorf("comments %s", r.Body)
		}
		for q, n := range map[string]int{"?status=open": 2, "?status=doing": 1, "?status=done": 0, fmt.Sprintf("?owner=%d", st.ID): 2, "": 2} {
			r = e.api(t, http.MethodGet, "/api/v1/actions"+q, owner, nil)
			want(t, r, http.StatusOK)
			doc.checkResponse(t, "GET /api/v1/actions", r)
			if got := len(r.json(t)["actions"].([]any)); got != n {
				t.Errorf("%s: %d actions, want %d", q, got, n)
			}
		}
		r = e.api(t, http.MethodGet, "/api/v1/actions?status=later", owner, nil)
		r.problem(t, http.StatusBadRequest, "bad_query")
		list, _ := e.db.ActionItems(context.Background(), store.ActionFilter{OrgID: f.B.ID})
		if len(list) != 0 {
			t.Errorf("org B has %d actions", len(list))
		}
	})
}
