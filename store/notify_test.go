package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestFirstLine(t *testing.T) {
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"見学会のお知らせ", 60, "見学会のお知らせ"},
		{"\n \n  見学会のお知らせ  \n詳しくは", 60, "見学会のお知らせ"},
		{"あいうえおかきくけこ", 5, "あいうえ…"},
		{"", 10, ""},
		{"  \n\t\n", 10, ""},
	} {
		if got := store.FirstLine(c.in, c.max); got != c.want {
			t.Errorf("FirstLine(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

// TestNotifyTellsWhatAbout: a notification about a post carries the
// post's first line, author, 型, goal, due time and approval step; the
// caller's own params win; one webhook event is queued per notification
// (not per reader) when an enabled webhook wants the kind.
func TestNotifyTellsWhatAbout(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		g := newGoal(f.org.ID, f.owner.ID)
		g.Title = "採用を増やす"
		if err := db.CreateGoal(ctx, g, f.owner.ID); err != nil {
			t.Fatal(err)
		}
		tpl := &soroe.Template{OrgID: f.org.ID, GoalID: g.ID, CreatedBy: f.owner.ID, TemplateBody: soroe.TemplateBody{
			Name: "社員の一日", Structure: "{社員名}さんの一日", Networks: []soroe.Network{soroe.NetworkX},
			Frequency: soroe.Frequency{Count: 1, Per: "week"}}}
		if err := db.CreateTemplate(ctx, tpl); err != nil {
			t.Fatal(err)
		}
		due := clock.Now().Add(48 * time.Hour)
		p := &soroe.Post{OrgID: f.org.ID, AuthorID: f.staff.ID, TemplateID: &tpl.ID, TemplateVersion: tpl.Version,
			Text: "\n見学会のお知らせ\n土曜 10時から", ScheduledAt: &due}
		if err := db.CreatePost(ctx, p, []*soroe.Target{{AccountID: f.accounts[0].ID, Text: p.Text}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SubmitPost(ctx, f.org.ID, p.ID, f.steps, f.staff.ID); err != nil {
			t.Fatal(err)
		}
		// A webhook that wants review requests, one that is off, one
		// that wants something else.
		for i, h := range []*soroe.Webhook{
			{Name: "広報", Kind: soroe.WebhookSlack, Events: []string{soroe.NotifyReviewRequest, soroe.NotifyRejected}, Enabled: true},
			{Name: "停止中", Kind: soroe.WebhookTeams, Events: []string{soroe.NotifyReviewRequest}, Enabled: false},
			{Name: "失敗だけ", Kind: soroe.WebhookGeneric, Events: []string{soroe.NotifyPublishFailed}, Enabled: true},
		} {
			h.OrgID, h.CreatedBy, h.URL = f.org.ID, f.owner.ID, fmt.Sprintf("https://hooks.example.jp/%d", i)
			if err := db.CreateWebhook(ctx, h, nil); err != nil {
				t.Fatal(err)
			}
		}
		postID := p.ID
		n, err := db.Notify(ctx, soroe.Notification{OrgID: f.org.ID, Kind: soroe.NotifyReviewRequest, PostID: &postID,
			Params: map[string]string{"Step": "広報", store.ParamPostAuthor: "呼び手の名前"}}, true, f.pr.ID, f.owner.ID)
		if err != nil || n != 2 {
			t.Fatalf("Notify = %d, %v", n, err)
		}
		ns, unread, err := db.Notifications(ctx, f.org.ID, f.pr.ID, 10)
		if err != nil || len(ns) != 1 || unread != 1 {
			t.Fatalf("%d notifications (%d unread), %v", len(ns), unread, err)
		}
		got := ns[0].Params
		want := map[string]string{
			"Step": "広報", store.ParamPost: "見学会のお知らせ", store.ParamPostAuthor: "呼び手の名前",
			store.ParamTemplate: "社員の一日", store.ParamGoal: "採用を増やす", store.ParamDue: due.UTC().Truncate(time.Second).Format(time.RFC3339),
			store.ParamStepName: "広報", store.ParamStepNo: "1", store.ParamStepCount: "2",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("param %s = %q, want %q", k, got[k], v)
			}
		}
		evs, err := db.NotifyEvents(ctx, 10)
		if err != nil || len(evs) != 1 {
			t.Fatalf("%d events, %v", len(evs), err)
		}
		if e := evs[0]; e.Kind != soroe.NotifyReviewRequest || e.OrgID != f.org.ID || *e.PostID != p.ID || e.Params[store.ParamPost] != "見学会のお知らせ" {
			t.Errorf("event %+v", e)
		}
		// No webhook wants approvals; warnings about webhooks never go to them.
		for _, kind := range []string{soroe.NotifyApproved, soroe.NotifyWebhookFailed} {
			if _, err := db.Notify(ctx, soroe.Notification{OrgID: f.org.ID, Kind: kind, PostID: &postID}, false, f.staff.ID); err != nil {
				t.Fatal(err)
			}
		}
		if evs, _ := db.NotifyEvents(ctx, 10); len(evs) != 1 {
			t.Errorf("%d events after unwanted kinds", len(evs))
		}
		// A repeat that everyone has unread already (once) is not news.
		if n, err := db.Notify(ctx, soroe.Notification{OrgID: f.org.ID, Kind: soroe.NotifyReviewRequest, PostID: &postID}, true, f.pr.ID, f.owner.ID); err != nil || n != 0 {
			t.Fatalf("repeat: %d, %v", n, err)
		}
		if evs, _ := db.NotifyEvents(ctx, 10); len(evs) != 1 {
			t.Errorf("%d events after a repeat", len(evs))
		}
		if err := db.DeleteNotifyEvents(ctx, evs[0].ID); err != nil {
			t.Fatal(err)
		}
		if evs, _ := db.NotifyEvents(ctx, 10); len(evs) != 0 {
			t.Errorf("%d events after delete", len(evs))
		}

		// Opening marks read; another member's does not open.
		if _, err := db.OpenNotification(ctx, f.org.ID, f.owner.ID, ns[0].ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("someone else's: %v", err)
		}
		o, err := db.OpenNotification(ctx, f.org.ID, f.pr.ID, ns[0].ID)
		if err != nil || o.ReadAt == nil || *o.PostID != p.ID {
			t.Fatalf("open: %+v %v", o, err)
		}
		if _, unread, _ := db.Notifications(ctx, f.org.ID, f.pr.ID, 0); unread != 0 {
			t.Errorf("unread %d after opening", unread)
		}
		if _, unread, _ := db.Notifications(ctx, f.org.ID, f.owner.ID, 0); unread != 1 {
			t.Errorf("owner's unread %d", unread)
		}
	})
}

// TestWebhookStore: CRUD, the per-organization bound, and the failure
// count that warns once per run of failures.
func TestWebhookStore(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		h := &soroe.Webhook{OrgID: f.org.ID, Name: " 広報チャンネル ", Kind: soroe.WebhookGeneric, URL: "https://erp.example.jp/hook",
			Secret: "whsec_x", Events: []string{soroe.EventReport, soroe.NotifyReviewRequest, soroe.EventReport}, Enabled: true, CreatedBy: f.pr.ID}
		seal := func(s string) (string, error) { return "v1:" + strings.ToUpper(s), nil }
		if err := db.CreateWebhook(ctx, h, seal); err != nil {
			t.Fatal(err)
		}
		if h.URL != "https://erp.example.jp/hook" || h.Secret != "whsec_x" {
			t.Errorf("the caller's copy was sealed: %+v", h)
		}
		got, err := db.Webhook(ctx, f.org.ID, h.ID)
		if err != nil || got.Name != "広報チャンネル" || got.Secret != "v1:WHSEC_X" || got.URL != "v1:HTTPS://ERP.EXAMPLE.JP/HOOK" || got.URLHost() != "erp.example.jp" ||
			strings.Join(got.Events, ",") != "review_request,report" || got.LastAt != nil || got.LastOK != nil || !got.Wants(soroe.EventReport) ||
			got.Wants(soroe.NotifyApproved) || !got.Wants(soroe.EventTest) {
			t.Fatalf("stored %+v %v", got, err)
		}
		other := &soroe.Org{Name: "他社"}
		u := &soroe.User{Email: "other@example.jp", Name: "他社", PasswordHash: "x"}
		if err := db.CreateUserWithOrg(ctx, u, other); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Webhook(ctx, other.ID, h.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("another org's: %v", err)
		}
		if err := db.DeleteWebhook(ctx, other.ID, h.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("another org deleted it: %v", err)
		}
		for _, bad := range []*soroe.Webhook{
			{Name: "x", Kind: "irc", URL: "https://example.jp"},
			{Name: "x", Kind: soroe.WebhookSlack, URL: "file:///etc/passwd"},
			{Name: "x", Kind: soroe.WebhookSlack, URL: "https://user:pw@example.jp/"},
			{Name: "", Kind: soroe.WebhookSlack, URL: "https://example.jp"},
			{Name: "x", Kind: soroe.WebhookSlack, URL: "https://example.jp", Events: []string{"all"}},
		} {
			bad.OrgID, bad.CreatedBy = f.org.ID, f.pr.ID
			if err := db.CreateWebhook(ctx, bad, nil); soroe.ErrorCode(err) != soroe.EInvalid {
				t.Errorf("%+v: %v", bad, err)
			}
		}

		// Failures: the third in a row warns, the fourth does not; a
		// success clears; three more warn again.
		var warns []bool
		for _, e := range []string{"HTTP 500", "HTTP 500", "HTTP 500", "HTTP 502", "", "timeout", "timeout", "timeout"} {
			clock.Add(time.Minute)
			w, err := db.RecordDelivery(ctx, f.org.ID, h.ID, e)
			if err != nil {
				t.Fatal(err)
			}
			warns = append(warns, w)
		}
		if fmt.Sprint(warns) != "[false false true false false false false true]" {
			t.Errorf("warns %v", warns)
		}
		got, _ = db.Webhook(ctx, f.org.ID, h.ID)
		if got.Failures != 3 || got.LastOK == nil || *got.LastOK || got.LastError != "timeout" || got.WarnedAt == nil ||
			!got.LastAt.Equal(clock.Now().Truncate(time.Microsecond)) {
			t.Errorf("after failures %+v", got)
		}
		if _, err := db.RecordDelivery(ctx, f.org.ID, h.ID, ""); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Webhook(ctx, f.org.ID, h.ID)
		if got.Failures != 0 || !*got.LastOK || got.LastError != "" || got.WarnedAt != nil {
			t.Errorf("after success %+v", got)
		}

		got.Name, got.Enabled, got.Events = "停止", false, []string{soroe.NotifyRejected}
		got.URL = "https://evil.example/" // ignored: the URL stays
		if err := db.UpdateWebhook(ctx, got); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Webhook(ctx, f.org.ID, h.ID)
		if got.Name != "停止" || got.Enabled || got.URL != "v1:HTTPS://ERP.EXAMPLE.JP/HOOK" || got.Wants(soroe.NotifyRejected) {
			t.Errorf("updated %+v", got)
		}
		for i := 1; i < soroe.MaxWebhooks; i++ {
			if err := db.CreateWebhook(ctx, &soroe.Webhook{OrgID: f.org.ID, Name: "n", Kind: soroe.WebhookSlack, URL: "https://example.jp/", CreatedBy: f.pr.ID}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateWebhook(ctx, &soroe.Webhook{OrgID: f.org.ID, Name: "n", Kind: soroe.WebhookSlack, URL: "https://example.jp/", CreatedBy: f.pr.ID}, nil); soroe.ErrorMessage(err) != "too_many_webhooks" {
			t.Errorf("over the bound: %v", err)
		}
		if err := db.DeleteWebhook(ctx, f.org.ID, h.ID); err != nil {
			t.Fatal(err)
		}
		if hs, _ := db.Webhooks(ctx, f.org.ID); len(hs) != soroe.MaxWebhooks-1 {
			t.Errorf("%d left", len(hs))
		}
	})
}
