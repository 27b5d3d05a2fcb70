package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

// TestEffortAPI: a member's results (「わたしの成果」) count their posts,
// memos and score, name their best post and the feedback others gave;
// executives and managers read everyone's, staff only their own.
func TestEffortAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		ctx := context.Background()
		h := newHistorySetup(t, e, f) // the staff member's post, score 70, the owner's comment 「良い投稿」
		st := f.Users[soroe.RoleStaff]
		if _, err := e.db.SetPostMemo(ctx, f.A.ID, h.post.ID, st.ID, "説明会の写真を1枚目に"); err != nil {
			t.Fatal(err)
		}
		type results struct {
			Current struct {
				Member struct {
					UserID int64 `json:"user_id"`
				} `json:"member"`
				Effort struct {
					Posts int `json:"posts"`
				} `json:"effort"`
				AverageScore *float64 `json:"average_score"`
				Memos        int      `json:"memos"`
			} `json:"current"`
			Trend []struct {
				Week    soroe.Date `json:"week"`
				Average *float64   `json:"average"`
			} `json:"score_trend"`
			Best *struct {
				ID   int64  `json:"id"`
				Memo string `json:"memo"`
			} `json:"best_post"`
			Feedback []struct {
				Kind string `json:"kind"`
				Body string `json:"body"`
			} `json:"feedback"`
		}
		doc := loadOpenAPI(t)
		read := func(route, path, tok string) results {
			t.Helper()
			r := e.api(t, http.MethodGet, path, tok, nil)
			want(t, r, http.StatusOK)
			doc.checkResponse(t, route, r)
			var out results
			if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		mine := read("GET /api/v1/me/results", "/api/v1/me/results?period=week", staff)
		if c := mine.Current; c.Member.UserID != st.ID || c.Effort.Posts != 1 || c.Memos != 1 || c.AverageScore == nil || *c.AverageScore != 70 {
			t.Errorf("my week %+v", c)
		}
		if n := len(mine.Trend); n != trendWeeks || mine.Trend[n-1].Week != "2026-11-23" || mine.Trend[n-1].Average == nil || *mine.Trend[n-1].Average != 70 || mine.Trend[0].Average != nil {
			t.Errorf("trend %+v", mine.Trend)
		}
		if mine.Best == nil || mine.Best.ID != h.post.ID || mine.Best.Memo != "説明会の写真を1枚目に" {
			t.Errorf("best %+v", mine.Best)
		}
		if len(mine.Feedback) != 1 || mine.Feedback[0].Kind != "comment" || mine.Feedback[0].Body != "良い投稿" {
			t.Errorf("feedback %+v", mine.Feedback)
		}
		// The manager reads the same page of the staff member.
		theirs := read("GET /api/v1/team/{user}", fmt.Sprintf("/api/v1/team/%d?period=week", st.ID), e.token(t, f.A, f.Users[soroe.RoleManager]))
		if theirs.Current.Effort.Posts != 1 || theirs.Best == nil || theirs.Best.ID != h.post.ID {
			t.Errorf("the staff member's results, read by the manager: %+v", theirs)
		}
		r := e.api(t, http.MethodGet, "/api/v1/team?period=week", owner, nil)
		want(t, r, http.StatusOK)
		doc.checkResponse(t, "GET /api/v1/team", r)
		if !strings.Contains(r.Body, fmt.Sprintf(`"user_id":%d,"name":%q`, st.ID, st.Name)) {
			t.Errorf("team: %s", r.Body)
		}
		// Staff read only their own; nobody reads an outsider's.
		r = e.api(t, http.MethodGet, "/api/v1/team", staff, nil)
		r.problem(t, http.StatusForbidden, "forbidden")
		r = e.api(t, http.MethodGet, fmt.Sprintf("/api/v1/team/%d", f.Outsider.ID), owner, nil)
		r.problem(t, http.StatusNotFound, "not_found")
		r = e.api(t, http.MethodGet, "/api/v1/me/results?period=custom&from=2026-11-30&to=2026-11-01", staff, nil)
		if p := r.problem(t, http.StatusBadRequest, "bad_query"); p["field"] != "to" {
			t.Errorf("bad period: %v", p)
		}
	})
}

func TestEffortPages(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		h := newHistorySetup(t, e, f)
		st := f.Users[soroe.RoleStaff]
		staff := e.loggedIn(t, st)
		r := staff.get(t, "/results?period=week")
		want(t, r, http.StatusOK)
		for _, s := range []string{`href="/results" class="active" aria-current="page"`, "<h1>わたしの成果</h1>", "良い投稿", "新しい採用説明会のお知らせ",
			fmt.Sprintf(`href="/posts/%d#memo">工夫メモを書く</a>`, h.post.ID), fmt.Sprintf(`href="/posts/%d#metrics">スコアの内訳を見る`, h.post.ID), "<svg"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("my results: no %q", s)
			}
		}
		if strings.Contains(r.Body, `href="/team"`) {
			t.Error("staff see the team page in the navigation")
		}
		want(t, staff.get(t, "/team"), http.StatusForbidden)

		exec := e.loggedIn(t, f.Users[soroe.RoleExecutive])
		r = exec.get(t, "/team?period=week")
		want(t, r, http.StatusOK)
		link := fmt.Sprintf(`href="/team/%d?period=week"`, st.ID)
		if !strings.Contains(r.Body, link) || !strings.Contains(r.Body, "チームの成果") {
			t.Errorf("team page: %s", r.Body)
		}
		r = exec.get(t, fmt.Sprintf("/team/%d?period=week", st.ID))
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, st.Name+"さんの成果") || strings.Contains(r.Body, "工夫メモを書く") {
			t.Errorf("member page: %s", r.Body)
		}
		want(t, exec.get(t, fmt.Sprintf("/team/%d", f.Outsider.ID)), http.StatusNotFound)
		r = exec.get(t, "/team?period=custom&from=2026-11-30&to=2026-11-01")
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "終了日は開始日以降にしてください") {
			t.Errorf("bad period: %s", r.Body)
		}
	})
}

// TestHomeResults: each role's home shows its part of step 3.
func TestHomeResults(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		newHistorySetup(t, e, f)
		action := ""
		for _, s := range f.Secrets {
			if strings.HasPrefix(s, "Secret action") {
				action = s
			}
		}
		for role, c := range map[soroe.Role]struct{ has, lacks []string }{
			soroe.RoleExecutive: {has: []string{"今月の成果", `href="/overview"`, "気づき", action}, lacks: []string{"今週のわたし"}},
			soroe.RoleManager:   {has: []string{"今月の成果", "今週のわたし", "気づき", "今週、予定より遅れている型", action}},
			soroe.RoleStaff:     {has: []string{"今週のわたし", "みんなからのフィードバック", "良い投稿", action, "あなたが担当"}, lacks: []string{"今月の成果", "今週、予定より遅れている型"}},
		} {
			r := e.loggedIn(t, f.Users[role]).get(t, "/")
			want(t, r, http.StatusOK)
			for _, s := range c.has {
				if !strings.Contains(r.Body, s) {
					t.Errorf("%s's home lacks %q", role, s)
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(r.Body, s) {
					t.Errorf("%s's home has %q", role, s)
				}
			}
		}
	})
}
