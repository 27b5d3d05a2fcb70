package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/report"
)

func init() {
	// Every fixture's org A has a monthly report of November: the
	// {report} of the role walk.
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		p, err := ReportPeriod(report.Monthly, "2026-11", "", "")
		if err != nil {
			t.Fatal(err)
		}
		sr, err := e.srv.StoreReport(context.Background(), f.A, report.Monthly, p, f.Users[soroe.RoleManager].ID)
		if err != nil {
			t.Fatal(err)
		}
		f.Wild["report"] = strconv.FormatInt(sr.ID, 10)
	})
	walkBodies["POST /api/v1/reports"] = `{"kind":"monthly","month":"2026-10"}`
	walkBodies["PATCH /api/v1/reports/{report}"] = `{"keep":"Walk"}`
	walkBodies["POST /api/v1/reports/{report}/share"] = `{"days":7}`
	walkBodies["POST /api/v1/reports/{report}/send"] = `{}`
	walkBodies["PUT /api/v1/report-schedule"] = `{"monthly":true}`
	walkDomainRefusals["POST /reports"] = true // the walk's form names no kind
	// The walk's server sends nothing (no DeliverReport): a 409.
	walkDomainRefusals["POST /reports/{report}/send"] = true
	walkDomainRefusals["POST /api/v1/reports/{report}/send"] = true
}

func TestReportPeriod(t *testing.T) {
	for _, c := range []struct {
		kind, month string
		from, to    soroe.Date
		want        soroe.Period
		field       string
	}{
		{kind: "monthly", month: "2026-02", want: soroe.Period{Kind: soroe.PeriodLastMonth, From: "2026-02-01", To: "2026-02-28"}},
		{kind: "weekly", from: "2026-11-26", want: soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-23", To: "2026-11-29"}},
		{kind: "weekly", from: "2026-11-29", want: soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-23", To: "2026-11-29"}},
		{kind: "custom", from: "2026-11-03", to: "2026-11-10", want: soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-03", To: "2026-11-10"}},
		{kind: "monthly", month: "11/2026", field: "period"},
		{kind: "weekly", from: "x", field: "from"},
		{kind: "custom", from: "2026-11-10", to: "2026-11-03", field: "to"},
		{kind: "yearly", field: "kind"},
	} {
		got, err := ReportPeriod(c.kind, c.month, c.from, c.to)
		if c.field != "" {
			if e, ok := err.(*soroe.Error); !ok || e.Field != c.field {
				t.Errorf("%+v: %v, want an error on %s", c, err, c.field)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%+v: %+v %v", c, got, err)
		}
	}
}

// TestReportsFlow: a manager makes November's report, rewrites its 総評,
// downloads every format, shares it; someone without an account reads it
// through the link until it expires; the stored report does not change
// when the numbers do.
func TestReportsFlow(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		f := e.fixture(t)
		h := newHistorySetup(t, e, f) // a post on 11/23 with score 70, an external post on 11/22
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		r := mgr.post(t, "/reports", url.Values{"kind": {"monthly"}, "month": {"2026-11"}})
		wantRedirect(t, r, "/reports/")
		path := r.Header.Get("Location")
		r = mgr.get(t, path)
		want(t, r, http.StatusOK)
		for _, s := range []string{"月次レポート 2026年11月", "総評", "Keep（続けること）", "SNSごとの数字", "反応のよかった投稿（上位5件）", "新しい採用説明会のお知らせ",
			"チームの貢献", "気づき", "対応策", "<svg", "?format=pdf", "?format=pptx"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("report page lacks %q", s)
			}
		}
		// The 総評.
		wantRedirect(t, mgr.post(t, path+"/summary", url.Values{"keep": {"採用の投稿がよく見られた"}, "problem": {"認知が遅れ"}, "try": {"18時に投稿"}}), path)
		r = mgr.post(t, path+"/summary", url.Values{"keep": {strings.Repeat("長", 2001)}})
		want(t, r, http.StatusUnprocessableEntity)

		// Every format.
		for format, check := range map[string]func([]byte) bool{
			"pdf":  func(b []byte) bool { return bytes.HasPrefix(b, []byte("%PDF-")) },
			"pptx": func(b []byte) bool { return bytes.HasPrefix(b, []byte("PK")) },
			"csv": func(b []byte) bool {
				return strings.Contains(string(b), "採用の投稿がよく見られた") && strings.Contains(string(b), "新しい採用説明会のお知らせ")
			},
			"xlsx": func(b []byte) bool {
				x, err := excelize.OpenReader(bytes.NewReader(b))
				if err != nil {
					return false
				}
				defer x.Close()
				v, _ := x.GetCellValue("総評", "B4")
				return v == "採用の投稿がよく見られた" && len(x.GetSheetList()) > 5
			},
		} {
			r := mgr.get(t, path+"/export?format="+format)
			want(t, r, http.StatusOK)
			if r.Header.Get("Content-Type") != reportFormats[format] || !strings.Contains(r.Header.Get("Content-Disposition"), "soroe-report-2026-11-01_2026-11-30."+format) || !check([]byte(r.Body)) {
				t.Errorf("%s: %v %.80q", format, r.Header, r.Body)
			}
		}
		want(t, mgr.get(t, path+"/export?format=doc"), http.StatusBadRequest)

		// A snapshot: a new score does not change it.
		high := int64(99)
		if err := e.db.SetScore(context.Background(), f.A.ID, soroe.Subject{TargetID: h.target.ID}, &high, 1, `{}`); err != nil {
			t.Fatal(err)
		}
		csv := mgr.get(t, path+"/export?format=csv").Body
		if !strings.Contains(csv, "1,70,Mastodon") || strings.Contains(csv, "1,99,Mastodon") {
			t.Errorf("the stored report changed with the numbers:\n%s", csv)
		}

		// Share: someone without an account reads it, and its files.
		r = mgr.post(t, path+"/share", url.Values{"days": {"7"}})
		want(t, r, http.StatusOK)
		m := regexp.MustCompile(`value="(http://[^"]+/r/(rep_[^"]+))"`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no share link: %s", r.Body)
		}
		anon := e.client()
		r = anon.get(t, "/r/"+m[2])
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "採用の投稿がよく見られた") || strings.Contains(r.Body, `action="/reports/`) || r.Header.Get("X-Robots-Tag") != "noindex" {
			t.Errorf("shared page: %s", r.Body)
		}
		want(t, anon.get(t, "/r/"+m[2]+"/export?format=pdf"), http.StatusOK)
		want(t, anon.get(t, "/r/"+m[2]+"x"), http.StatusNotFound)
		e.clock.Add(7 * 24 * 3600e9)
		want(t, anon.get(t, "/r/"+m[2]), http.StatusNotFound)
		want(t, mgr.post(t, path+"/share", url.Values{"days": {"91"}}), http.StatusUnprocessableEntity)

		// Staff read reports but make none.
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		want(t, staff.get(t, path), http.StatusOK)
		want(t, staff.post(t, "/reports", url.Values{"kind": {"monthly"}, "month": {"2026-11"}}), http.StatusForbidden)
		want(t, e.loggedIn(t, f.Outsider).get(t, path), http.StatusNotFound)
	})
}

func TestReportsAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		doc := loadOpenAPI(t)
		r := e.api(t, http.MethodPost, "/api/v1/reports", owner, map[string]any{"kind": "weekly", "from": "2026-11-18"})
		want(t, r, http.StatusCreated)
		doc.checkResponse(t, "POST /api/v1/reports", r)
		j := r.json(t)
		if j["from"] != "2026-11-16" || j["to"] != "2026-11-22" || j["kind"] != "weekly" {
			t.Errorf("weekly %v", j)
		}
		path := fmt.Sprintf("/api/v1/reports/%d", int64(j["id"].(float64)))
		r = e.api(t, http.MethodPatch, path, owner, map[string]any{"try": "ハッシュタグを減らす"})
		want(t, r, http.StatusOK)
		doc.checkResponse(t, "PATCH /api/v1/reports/{report}", r)
		r = e.api(t, http.MethodGet, path, staff, nil)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, `"try":"ハッシュタグを減らす"`) || !strings.Contains(r.Body, `"sections":[`) {
			t.Errorf("json: %.300s", r.Body)
		}
		r = e.api(t, http.MethodGet, path+"?format=pdf", staff, nil)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.Body, "%PDF-") {
			t.Errorf("pdf: %s", r)
		}
		r = e.api(t, http.MethodGet, path+"?format=doc", staff, nil)
		if p := r.problem(t, http.StatusBadRequest, "bad_query"); p["field"] != "format" {
			t.Errorf("format: %v", p)
		}
		r = e.api(t, http.MethodPost, path+"/share", owner, map[string]any{"days": 3})
		want(t, r, http.StatusCreated)
		doc.checkResponse(t, "POST /api/v1/reports/{report}/share", r)
		if u, _ := r.json(t)["url"].(string); !strings.Contains(u, "/r/rep_") {
			t.Errorf("share %s", r.Body)
		}
		r = e.api(t, http.MethodGet, "/api/v1/reports", staff, nil)
		want(t, r, http.StatusOK)
		doc.checkResponse(t, "GET /api/v1/reports", r)
		if n := len(r.json(t)["reports"].([]any)); n != 2 { // the fixture's and this one
			t.Errorf("%d reports", n)
		}
		r = e.api(t, http.MethodPost, "/api/v1/reports", staff, map[string]any{"kind": "monthly", "month": "2026-11"})
		r.problem(t, http.StatusForbidden, "forbidden")
		r = e.api(t, http.MethodPost, "/api/v1/reports", owner, map[string]any{"kind": "monthly", "month": "Nov"})
		if p := r.problem(t, http.StatusUnprocessableEntity, soroe.EInvalid); p["field"] != "period" {
			t.Errorf("bad month %v", p)
		}
	})
}

// TestReportSend: sending queues the report's title, 総評 and link for
// the destinations that take reports, and records when it went out; with
// none, or with sending off, the manager is told why.
func TestReportSend(t *testing.T) {
	var sent []deliver.Message
	var keys []string
	destinations := 2
	uiTest(t, func(t *testing.T, e *env) {
		sent, keys, destinations = nil, nil, 2 // each engine afresh
		f := e.fixture(t)
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		path := "/reports/" + f.Wild["report"]
		wantRedirect(t, mgr.post(t, path+"/summary", url.Values{"keep": {"採用の投稿が好調"}}), path)
		r := mgr.post(t, path+"/send", nil)
		want(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "2か所の通知先に送りました") || !strings.Contains(r.Body, "送信済み") {
			t.Errorf("after sending: %s", r.Body)
		}
		if len(sent) != 1 || sent[0].Event != soroe.EventReport || !strings.Contains(sent[0].Title, "月次レポート 2026年11月") ||
			!strings.Contains(sent[0].Summary, "採用の投稿が好調") || !strings.HasSuffix(sent[0].Link, path) || !strings.HasPrefix(keys[0], "report-"+f.Wild["report"]+"-") {
			t.Errorf("message %+v %q", sent, keys)
		}
		id, _ := strconv.ParseInt(f.Wild["report"], 10, 64)
		if sr, err := e.db.Report(context.Background(), f.A.ID, id); err != nil || sr.SentAt == nil || sr.SentBy != f.Users[soroe.RoleManager].ID {
			t.Errorf("stored %+v %v", sr, err)
		}
		destinations = 0
		r = mgr.post(t, path+"/send", nil)
		want(t, r, http.StatusConflict)
		if !strings.Contains(r.Body, "「レポート」を受け取る通知先がありません") {
			t.Errorf("no destination: %s", r.Body)
		}
		tok := e.token(t, f.A, f.Users[soroe.RoleExecutive])
		r = e.api(t, http.MethodPost, "/api/v1/reports/"+f.Wild["report"]+"/send", tok, nil)
		r.problem(t, http.StatusConflict, soroe.EConflict)
		destinations = 3
		r = e.api(t, http.MethodPost, "/api/v1/reports/"+f.Wild["report"]+"/send", tok, nil)
		want(t, r, http.StatusAccepted)
		loadOpenAPI(t).checkResponse(t, "POST /api/v1/reports/{report}/send", r)

		// The schedule: set on the page, read through the API.
		wantRedirect(t, mgr.post(t, "/reports/schedule", url.Values{"monthly": {"on"}}), "/reports")
		r = e.api(t, http.MethodGet, "/api/v1/report-schedule", e.token(t, f.A, f.Users[soroe.RoleStaff]), nil)
		want(t, r, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "GET /api/v1/report-schedule", r)
		if r.Body != `{"monthly":true,"weekly":false}`+"\n" {
			t.Errorf("schedule %q", r.Body)
		}
		r = e.api(t, http.MethodPut, "/api/v1/report-schedule", tok, map[string]bool{"monthly": true, "weekly": true})
		want(t, r, http.StatusOK)
		loadOpenAPI(t).checkResponse(t, "PUT /api/v1/report-schedule", r)
		if !strings.Contains(mgr.get(t, "/reports").Body, `name="weekly" checked`) {
			t.Error("the page does not show the weekly schedule")
		}
		// What the job calls: made once per period, sent as the schedule.
		p, _ := ReportPeriod(report.Monthly, "2026-10", "", "")
		sr, created, err := e.srv.MakeScheduledReport(context.Background(), f.A, report.Monthly, p)
		if err != nil || !created || sr.CreatedBy != 0 {
			t.Fatalf("scheduled: %+v %v %v", sr, created, err)
		}
		if _, again, err := e.srv.MakeScheduledReport(context.Background(), f.A, report.Monthly, p); err != nil || again {
			t.Errorf("made twice: %v %v", again, err)
		}
		if n, err := e.srv.SendStoredReport(context.Background(), sr); err != nil || n != 3 {
			t.Errorf("sent %d %v", n, err)
		}
		if last := sent[len(sent)-1]; !strings.Contains(last.Title, "2026年10月") || last.Fields[1].Value != "自動作成" {
			t.Errorf("scheduled message %+v", last)
		}
	}, func(c *Config) {
		c.DeliverReport = func(ctx context.Context, key string, m deliver.Message) (int, error) {
			if destinations > 0 {
				sent, keys = append(sent, m), append(keys, key)
			}
			return destinations, nil
		}
	})
}
