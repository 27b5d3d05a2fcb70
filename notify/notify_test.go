package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/notify"
	"github.com/soroe/soroe/store"
)

func TestStepLabel(t *testing.T) {
	cat := i18n.Default()
	for _, c := range []struct {
		params map[string]string
		ja, en string
	}{
		{map[string]string{store.ParamStepName: "広報", store.ParamStepNo: "1", store.ParamStepCount: "2"}, "広報", "広報"},
		{map[string]string{store.ParamStepNo: "2", store.ParamStepCount: "3"}, "2段目（全3段）", "step 2 of 3"},
		{map[string]string{store.ParamStepNo: "1", store.ParamStepCount: "1"}, "", ""},
		// Notifications written before the step was stored by name.
		{map[string]string{"Step": "1/1"}, "", ""},
		{map[string]string{"Step": "2/3"}, "2段目（全3段）", "step 2 of 3"},
		{map[string]string{"Step": "法務"}, "法務", "法務"},
		{nil, "", ""},
	} {
		if got := notify.StepLabel(cat, "ja", c.params); got != c.ja {
			t.Errorf("ja %v = %q, want %q", c.params, got, c.ja)
		}
		if got := notify.StepLabel(cat, "en", c.params); got != c.en {
			t.Errorf("en %v = %q, want %q", c.params, got, c.en)
		}
	}
}

func TestRender(t *testing.T) {
	cat := i18n.Default()
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	params := map[string]string{"Step": "1/1", store.ParamStepNo: "1", store.ParamStepCount: "1",
		store.ParamPost: "見学会のお知らせ", store.ParamPostAuthor: "田中", store.ParamTemplate: "社員の一日",
		store.ParamGoal: "採用", store.ParamDue: "2026-12-04T03:00:00Z"}
	r := notify.Render(cat, "ja", tokyo, soroe.NotifyReviewRequest, params)
	if r.Text != "承認をお願いします。" || r.Post != "見学会のお知らせ" || r.Due == nil {
		t.Errorf("ja: %+v", r)
	}
	var facts []string
	for _, f := range r.Details {
		facts = append(facts, f.Name+"="+f.Value)
	}
	if got := strings.Join(facts, "; "); got != "作成者=田中; 型=社員の一日; 目標=採用; 予定日時=2026年12月4日(金) 12:00" {
		t.Errorf("ja facts %q", got)
	}
	params[store.ParamStepName] = "広報"
	r = notify.Render(cat, "en", time.UTC, soroe.NotifyReviewRequest, params)
	if r.Text != "A post waits for your approval (広報)." || r.Details[3].Name != "Approval step" || r.Details[4].Value != "Fri, Dec 4, 2026 03:00" {
		t.Errorf("en: %+v", r)
	}
	// A failure names its account; a reconnect says it in its text only.
	r = notify.Render(cat, "ja", tokyo, soroe.NotifyPublishFailed, map[string]string{"Account": "公式X", "Reason": "429"})
	if !strings.Contains(r.Text, "「公式X」への投稿に失敗しました") || len(r.Details) != 1 || r.Details[0].Value != "公式X" {
		t.Errorf("failed: %+v", r)
	}
	r = notify.Render(cat, "ja", tokyo, soroe.NotifyReconnect, map[string]string{"Account": "公式X", "Network": "X"})
	if len(r.Details) != 0 {
		t.Errorf("reconnect details %+v", r.Details)
	}
}

func TestHrefAndMessage(t *testing.T) {
	post, acct := int64(42), int64(7)
	for _, c := range []struct {
		kind       string
		post, acct *int64
		want       string
	}{
		{soroe.NotifyReviewRequest, &post, nil, "/posts/42"},
		{soroe.NotifyPublishFailed, &post, &acct, "/posts/42"},
		{soroe.NotifyReconnect, nil, &acct, "/accounts"},
		{soroe.NotifyWebhookFailed, nil, nil, "/org/webhooks"},
		{soroe.NotifyApproved, nil, nil, "/notifications"},
	} {
		if got := notify.Href(c.kind, c.post, c.acct); got != c.want {
			t.Errorf("Href(%s) = %q, want %q", c.kind, got, c.want)
		}
	}
	org := &soroe.Org{ID: 3, Name: "揃え", Lang: "en", TimeZone: "Asia/Tokyo"}
	at := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	m := notify.Message(i18n.Default(), org, "https://soroe.example.jp/", &store.NotifyEvent{ID: 1, OrgID: 3, Kind: soroe.NotifyRejected,
		PostID: &post, Params: map[string]string{"Comment": "写真を差し替えて", store.ParamPost: "見学会"}, CreatedAt: at})
	if m.Event != soroe.NotifyRejected || m.OrgID != 3 || m.Link != "https://soroe.example.jp/posts/42" || m.Summary != "見学会" ||
		!strings.Contains(m.Title, "写真を差し替えて") || m.LinkText != "Open in Soroe" || !m.At.Equal(at) {
		t.Errorf("message %+v", m)
	}
}
