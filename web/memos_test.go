package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

// TestPostMemo: the author writes the post's 工夫メモ on its page after it
// has gone out; a manager may edit it; other staff and executives read
// it, and other staff are refused when they try; the history list and its CSV show it;
// the API reads and writes the same memo.
func TestPostMemo(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staffTok string) {
		p, _, _ := publishedPost(t, e, f)
		page := fmt.Sprintf("/posts/%d", p.ID)
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])

		r := staff.get(t, page)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "まだ工夫メモはありません。") || !strings.Contains(r.Body, fmt.Sprintf(`action="/posts/%d/memo"`, p.ID)) {
			t.Fatalf("the author's page has no memo form:\n%s", r.Body)
		}
		memo := "施主さんの声を冒頭に置き、朝7時に投稿した <b>"
		r = staff.post(t, page+"/memo", url.Values{"memo": {memo}})
		want(t, r, http.StatusSeeOther)
		r = staff.get(t, page)
		if !strings.Contains(r.Body, "工夫メモを保存しました。") || !strings.Contains(r.Body, html.EscapeString(memo)) || strings.Contains(r.Body, "朝7時に投稿した <b>") {
			t.Errorf("the saved memo is not shown (escaped) on the page")
		}

		// Another staff member reads it, without a form; an attempt is
		// refused and changes nothing.
		for _, u := range []*soroe.User{f.Member} {
			c := e.loggedIn(t, u)
			r := c.get(t, page)
			want(t, r, http.StatusOK)
			if !strings.Contains(r.Body, html.EscapeString(memo)) || strings.Contains(r.Body, `action="/posts/`+fmt.Sprint(p.ID)+`/memo"`) {
				t.Errorf("%s: the memo is not shown read-only", u.Name)
			}
			r = c.post(t, page+"/memo", url.Values{"memo": {"乗っ取り"}})
			if r.Status == http.StatusSeeOther || !strings.Contains(r.Body, "自分の投稿のものだけです") {
				t.Errorf("%s may write the memo: %s", u.Name, r)
			}
		}
		r = e.loggedIn(t, f.Users[soroe.RoleExecutive]).get(t, page)
		if !strings.Contains(r.Body, html.EscapeString(memo)) || strings.Contains(r.Body, fmt.Sprintf(`action="/posts/%d/memo"`, p.ID)) {
			t.Error("the executive does not read the memo, or is offered its form")
		}
		if m, err := e.db.PostMemo(t.Context(), f.A.ID, p.ID); err != nil || m.Body != strings.TrimSpace(memo) {
			t.Fatalf("memo after refusals: %+v %v", m, err)
		}

		// The history shows it under the post, and the CSV has it.
		r = staff.get(t, "/history")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `class="h-memo"`) || !strings.Contains(r.Body, "施主さんの声を冒頭に置き") {
			t.Errorf("the history does not show the memo")
		}
		r = staff.get(t, "/history/export.csv")
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "工夫メモ") || !strings.Contains(r.Body, "施主さんの声を冒頭に置き、朝7時に投稿した <b>") {
			t.Errorf("the CSV lacks the memo:\n%s", r.Body)
		}

		// The API: read, write by the author, refusal for other staff.
		path := fmt.Sprintf("/api/v1/posts/%d/memo", p.ID)
		r = e.api(t, "GET", path, owner, nil)
		want(t, r, http.StatusOK)
		if j := r.json(t); j["body"] != strings.TrimSpace(memo) || j["updated_by_name"] != f.Users[soroe.RoleStaff].Name {
			t.Errorf("API memo: %s", r)
		}
		r = e.api(t, "PUT", path, staffTok, map[string]any{"body": "写真を3枚に増やした"})
		want(t, r, http.StatusOK)
		if j := r.json(t); j["body"] != "写真を3枚に増やした" {
			t.Errorf("API write: %s", r)
		}
		e.api(t, "PUT", path, e.token(t, f.A, f.Member), map[string]any{"body": "x"}).problem(t, http.StatusForbidden, "forbidden")
		e.api(t, "PUT", path, staffTok, map[string]any{"body": strings.Repeat("あ", soroe.MaxMemoRunes+1)}).problem(t, http.StatusUnprocessableEntity, "invalid")
		e.api(t, "PUT", path, staffTok, map[string]any{}).problem(t, http.StatusUnprocessableEntity, "invalid")
		// A manager edits it; emptied, it is gone.
		r = e.api(t, "PUT", path, e.token(t, f.A, f.Users[soroe.RoleManager]), map[string]any{"body": ""})
		want(t, r, http.StatusOK)
		if j := r.json(t); j["body"] != "" {
			t.Errorf("emptied: %s", r)
		}
		// Another organization's post is not found.
		e.api(t, "GET", path, e.token(t, f.B, f.Outsider), nil).problem(t, http.StatusNotFound, "not_found")
	})
}

func init() {
	walkBodies["PUT /api/v1/posts/{post}/memo"] = `{"body":"朝7時に投稿した"}`
}
