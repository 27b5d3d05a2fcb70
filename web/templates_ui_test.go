package web

import (
	"context"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
)

// tplForm is a complete, valid form for a new 型 of goal.
func tplForm(goal int64) url.Values {
	return url.Values{
		"goal_id": {fmt.Sprint(goal)}, "name": {"社員の一日"}, "theme": {"若手の働き方を伝える"},
		"structure": {"{社員名}さんの一日: {エピソード} #採用"}, "tone": {"friendly"}, "tone_notes": {"絵文字は1つまで"},
		"format": {"image"}, "has_networks": {"1"}, "networks": {"instagram", "x"},
		"freq_count": {"3"}, "freq_per": {"week"}, "has_weekdays": {"1"}, "weekdays": {"1", "3", "5"}, "times": {"12:00"},
		"hashtags": {"#採用 社員紹介"}, "cta": {"採用サイトでエントリー受付中"}, "link": {"https://example.jp/recruit"},
		"dos": {"笑顔の写真を1枚\n仕事道具を写す"}, "donts": {"個人情報"}, "checklist": {"掲載許可\n誤字確認"},
		"has_drafter_ids": {"1"}, "drafter_role": {"staff"}, "has_approver_ids": {"1"}, "approver_role": {"manager"},
	}
}

var tplLocation = regexp.MustCompile(`^/templates/(\d+)$`)

// TestTemplateUIFlow: a manager creates, edits (a new version), reads an
// old version of, and deletes a 型 through the forms, with CSRF; staff
// read but cannot write.
func TestTemplateUIFlow(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		g := tplGoal(t, e, f.A, f.Users[soroe.RoleOwner], "採用を増やす")
		c := e.loggedIn(t, f.Users[soroe.RoleManager])

		r := c.get(t, fmt.Sprintf("/templates/new?goal=%d", g.ID))
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, fmt.Sprintf(`<option value="%d" selected>採用を増やす</option>`, g.ID)) {
			t.Error("?goal= does not preselect the goal")
		}
		for _, s := range []string{`name="networks" value="line"`, ">LINE<", ">手動<", `name="weekdays" value="1"`, ">月<", ">日<", `name="drafter_ids"`, f.Member.Name, ">親しみやすい<", ">ショート動画<"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the form lacks %q", s)
			}
		}

		// Without the CSRF token: refused, nothing made.
		form := tplForm(g.ID)
		form.Set("csrf_token", "forged")
		want(t, c.postRaw(t, "/templates", form), http.StatusForbidden)

		// Errors on several fields at once; everything typed comes back.
		bad := tplForm(g.ID)
		bad.Set("name", "")
		bad.Del("networks")
		bad.Set("times", "12:00, 25:99")
		bad.Set("link", "example.jp")
		bad.Set("freq_count", "たくさん")
		r = c.post(t, "/templates", bad)
		want(t, r, http.StatusUnprocessableEntity)
		body := html.UnescapeString(r.Body)
		for _, s := range []string{"入力してください。", "ネットワークを1つ以上選んでください。", "時刻は HH:MM の形式で入力してください", "URL は http:// または https:// で始めてください。", "頻度が正しくありません", "入力内容を確認してください（5か所）"} {
			if !strings.Contains(body, s) {
				t.Errorf("the error %q is not shown", s)
			}
		}
		for _, s := range []string{"若手の働き方を伝える", "{社員名}さんの一日: {エピソード} #採用", "12:00, 25:99", "たくさん", "笑顔の写真を1枚\n仕事道具を写す", `value="3" checked`, `value="staff" selected`} {
			if !strings.Contains(body, s) {
				t.Errorf("the typed %q was lost", s)
			}
		}
		if ts, _ := e.db.Templates(ctx, f.A.ID, g.ID); len(ts) != 0 {
			t.Fatalf("an invalid form made a 型")
		}

		// A drafter who is not a member.
		bad = tplForm(g.ID)
		bad.Add("drafter_ids", fmt.Sprint(f.Outsider.ID))
		r = c.post(t, "/templates", bad)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "この組織のメンバーではありません。") {
			t.Error("a non-member drafter is not refused")
		}

		// Create.
		form = tplForm(g.ID)
		form.Add("drafter_ids", fmt.Sprint(f.Member.ID))
		r = c.post(t, "/templates", form)
		m := tplLocation.FindStringSubmatch(r.Header.Get("Location"))
		if r.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %s (Location %q)", r, r.Header.Get("Location"))
		}
		path := m[0]
		r = c.get(t, path)
		want(t, r, http.StatusOK)
		body = html.UnescapeString(r.Body)
		for _, s := range []string{
			"型を作成しました", "社員の一日", "v1", "<mark>{社員名}</mark>", "<li>エピソード</li>", "週3回・月水金 12:00",
			">Instagram<", ">X<", "画像", "親しみやすい", "絵文字は1つまで", "#採用", "#社員紹介", "採用サイトでエントリー受付中",
			"https://example.jp/recruit", "<li>仕事道具を写す</li>", "<li>誤字確認</li>", f.Member.Name + "、「現場」の全員", "「広報」の全員",
			"今後4週間の投稿予定", "11月23日（月）", "12月18日（金）", f.Users[soroe.RoleManager].Name,
		} {
			if !strings.Contains(body, s) {
				t.Errorf("the 型 page lacks %q", s)
			}
		}
		// 4 weeks × 3 slots.
		if n := strings.Count(body, `data-label="日付"`); n != 12 {
			t.Errorf("%d planned slots on the page, want 12", n)
		}

		// Edit: the form says what saving does, then a new version.
		r = c.get(t, path+"/edit")
		want(t, r, http.StatusOK)
		body = html.UnescapeString(r.Body)
		for _, s := range []string{"保存すると新しい版（v2）になります。過去の投稿は元の版のまま残ります", `value="社員の一日"`, `value="instagram" checked`, `value="5" checked`, fmt.Sprintf(`value="%d" checked`, f.Member.ID), "笑顔の写真を1枚\n仕事道具を写す"} {
			if !strings.Contains(body, s) {
				t.Errorf("the edit form lacks %q", s)
			}
		}
		edit := tplForm(g.ID)
		edit.Del("goal_id")
		edit.Set("name", "社員の一日（改）")
		edit.Set("freq_count", "2")
		edit.Set("freq_per", "month")
		edit.Del("weekdays")
		want(t, c.postRaw(t, path, withCSRF(edit, "forged")), http.StatusForbidden)
		r = c.post(t, path, edit)
		wantRedirect(t, r, path)
		r = c.get(t, path)
		body = html.UnescapeString(r.Body)
		for _, s := range []string{"新しい版として保存しました", "社員の一日（改）", "v2", "月2回・平日 12:00", "v1", "この版を見る"} {
			if !strings.Contains(body, s) {
				t.Errorf("after the edit, the page lacks %q", s)
			}
		}
		// An invalid edit keeps the 型 as it was, and the typing.
		bad = tplForm(g.ID)
		bad.Set("structure", " ")
		r = c.post(t, path, bad)
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "入力してください。") || !strings.Contains(html.UnescapeString(r.Body), "保存すると新しい版（v3）") {
			t.Errorf("invalid edit: %s", r)
		}
		// Saving the same again makes no version.
		r = c.post(t, path, edit)
		wantRedirect(t, r, path)
		if r := c.get(t, path); !strings.Contains(r.Body, "変更がなかったため") {
			t.Error("an unchanged save is not said")
		}

		// The old version, read-only.
		r = c.get(t, path+"?version=1")
		want(t, r, http.StatusOK)
		body = html.UnescapeString(r.Body)
		if !strings.Contains(body, "これは v1 の内容です（読み取り専用）。現在の版は v2 です。") || !strings.Contains(body, "週3回・月水金 12:00") ||
			strings.Contains(body, "社員の一日（改）") || strings.Contains(body, "/edit") || strings.Contains(body, "/delete") || strings.Contains(body, "今後4週間") {
			t.Errorf("old version page:\n%s", body)
		}
		for _, v := range []string{"3", "0", "x"} {
			want(t, c.get(t, path+"?version="+v), http.StatusNotFound)
		}

		// The list, grouped by goal, with the filter.
		r = c.get(t, "/templates")
		want(t, r, http.StatusOK)
		body = html.UnescapeString(r.Body)
		for _, s := range []string{"採用を増やす", "社員の一日（改）", "月2回・平日 12:00", "v2", ">Instagram<", "画像", "＋ 新しい型"} {
			if !strings.Contains(body, s) {
				t.Errorf("the list lacks %q", s)
			}
		}
		r = c.get(t, fmt.Sprintf("/templates?goal=%d", g.ID))
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, "Secret template") || !strings.Contains(r.Body, "社員の一日（改）") {
			t.Error("the goal filter does not filter")
		}
		want(t, c.get(t, "/templates?goal=999999"), http.StatusNotFound)

		// Staff read, and cannot write.
		sc := e.loggedIn(t, f.Users[soroe.RoleStaff])
		want(t, sc.get(t, path), http.StatusOK)
		r = sc.get(t, "/templates")
		want(t, r, http.StatusOK)
		if strings.Contains(r.Body, "/templates/new") || strings.Contains(r.Body, "/edit") {
			t.Error("staff are offered to write 型")
		}
		if r := sc.get(t, path); strings.Contains(r.Body, "/delete") {
			t.Error("staff are offered to delete")
		}
		want(t, sc.get(t, path+"/edit"), http.StatusForbidden)
		want(t, sc.post(t, path, edit), http.StatusForbidden)
		want(t, sc.post(t, path+"/delete", nil), http.StatusForbidden)

		// Delete.
		want(t, c.postRaw(t, path+"/delete", url.Values{"csrf_token": {"forged"}}), http.StatusForbidden)
		r = c.post(t, path+"/delete", nil)
		wantRedirect(t, r, "/templates")
		if r := c.get(t, "/templates"); !strings.Contains(r.Body, "型を削除しました") || strings.Contains(r.Body, "社員の一日") {
			t.Error("deleted 型 still listed")
		}
		want(t, c.get(t, path), http.StatusNotFound)
		want(t, c.post(t, path+"/delete", nil), http.StatusNotFound)
	})
}

func withCSRF(v url.Values, token string) url.Values {
	out := url.Values{}
	for k, x := range v {
		out[k] = x
	}
	out.Set("csrf_token", token)
	return out
}

// TestTemplatePartialForm: a form that leaves fields out keeps their
// values (the role walk posts only a name).
func TestTemplatePartialForm(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		tpl := fixtureTemplate(t, e, f)
		c := e.loggedIn(t, f.Users[soroe.RoleOwner])
		wantRedirect(t, c.post(t, "/templates/"+f.Wild["template"], url.Values{"name": {"Renamed"}}), "/templates/")
		cur := fixtureTemplate(t, e, f)
		if cur.Version != 2 || cur.Name != "Renamed" || cur.Structure != tpl.Structure || fmt.Sprint(cur.Drafters) != fmt.Sprint(tpl.Drafters) || fmt.Sprint(cur.Networks) != "[x]" {
			t.Errorf("partial form: %+v", cur)
		}
		// A checkbox group marked present with nothing checked is empty.
		r := c.post(t, "/templates/"+f.Wild["template"], url.Values{"has_networks": {"1"}})
		want(t, r, http.StatusUnprocessableEntity)
	})
}

// TestTemplateWords: frequencies and days read naturally in both languages.
func TestTemplateWords(t *testing.T) {
	s := &Server{cat: i18n.Default()}
	wd := func(ds ...time.Weekday) []time.Weekday { return ds }
	cases := []struct {
		f      soroe.Frequency
		ja, en string
	}{
		{soroe.Frequency{Count: 3, Per: "week", Weekdays: wd(1, 3, 5), Times: []string{"12:00"}}, "週3回・月水金 12:00", "3 a week · Mon, Wed, Fri 12:00"},
		{soroe.Frequency{Count: 1, Per: "week", Weekdays: wd(0, 6), Times: []string{"09:00", "18:30"}}, "週1回・土日 09:00、18:30", "once a week · Sat, Sun 09:00, 18:30"},
		{soroe.Frequency{Count: 2, Per: "week"}, "週2回・平日 12:00", "2 a week · weekdays 12:00"},
		{soroe.Frequency{Count: 4, Per: "month", Weekdays: wd(5, 4, 3, 2, 1)}, "月4回・平日 12:00", "4 a month · weekdays 12:00"},
		{soroe.Frequency{Count: 1, Per: "month", Weekdays: wd(0, 1, 2, 3, 4, 5, 6), Times: []string{"07:00"}}, "月1回・毎日 07:00", "once a month · every day 07:00"},
	}
	for _, c := range cases {
		if got := s.tplFreqWords("ja", c.f); got != c.ja {
			t.Errorf("ja %v: %q, want %q", c.f, got, c.ja)
		}
		if got := s.tplFreqWords("en", c.f); got != c.en {
			t.Errorf("en %v: %q, want %q", c.f, got, c.en)
		}
	}
	if got := s.planDayLabel("ja", "2026-11-23"); got != "11月23日（月）" {
		t.Errorf("ja day %q", got)
	}
	if got := s.planWeekLabel("en", "2026-12-28", "2027-01-03"); got != "Mon, Dec 28 – Sun, Jan 3, 2027" {
		t.Errorf("en week %q", got)
	}
}

// TestTemplateCatalog: the keys built at run time and those of the home
// partial (which the catalog scan does not read) exist in both languages.
func TestTemplateCatalog(t *testing.T) {
	cat := i18n.Default()
	var keys []string
	for _, x := range soroe.Tones {
		keys = append(keys, "templates.tone."+x)
	}
	for _, x := range soroe.Formats {
		keys = append(keys, "templates.format."+x)
	}
	for _, n := range soroe.Networks {
		keys = append(keys, "templates.network."+string(n))
	}
	for d := range 7 {
		keys = append(keys, fmt.Sprintf("templates.weekday.%d", d))
	}
	keys = append(keys, "templates.per.week", "templates.per.month")
	b, err := fs.ReadFile(templateFiles, "templates/partials/home_slots.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`\.T "([^"]+)"`).FindAllStringSubmatch(string(b), -1) {
		keys = append(keys, m[1])
	}
	for _, k := range keys {
		for _, l := range i18n.Langs {
			if !cat.Has(l, k) {
				t.Errorf("%s: no %s message", k, l)
			}
		}
	}
}

// TestTemplatePagesTranslated: every page of the area, in both languages,
// shows no raw catalog key.
func TestTemplatePagesTranslated(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		raw := regexp.MustCompile(`\b(templates|plan)\.[a-z_]+(\.[a-z_0-9]+)*`)
		id := f.Wild["template"]
		for _, role := range []soroe.Role{soroe.RoleManager, soroe.RoleStaff} {
			u := f.Users[role]
			for _, l := range i18n.Langs {
				if err := e.db.UpdateUser(ctx, &soroe.User{ID: u.ID, Email: u.Email, Name: u.Name, Lang: l}); err != nil {
					t.Fatal(err)
				}
				c := e.loggedIn(t, u)
				pages := []string{"/", "/templates", "/templates/" + id, "/templates/" + id + "?version=1", "/plan", "/plan?week=2027-01-01"}
				if role == soroe.RoleManager {
					pages = append(pages, "/templates/new", "/templates/"+id+"/edit")
				}
				for _, p := range pages {
					r := c.get(t, p)
					want(t, r, http.StatusOK)
					for _, m := range raw.FindAllString(r.Body, -1) {
						if m != "templates.css" {
							t.Errorf("%s as %s in %s shows the raw key %q", p, role, l, m)
						}
					}
					if !strings.Contains(r.Body, `<html lang="`+l+`">`) {
						t.Errorf("%s is not in %s", p, l)
					}
				}
			}
		}
	})
}
