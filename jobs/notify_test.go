package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestDeliverBackoff(t *testing.T) {
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{{1, 10 * time.Second}, {2, 20 * time.Second}, {3, 40 * time.Second}, {6, 320 * time.Second}, {9, 2560 * time.Second}, {10, time.Hour}, {50, time.Hour}} {
		if got := jobs.DeliverBackoff(c.attempt); got != c.want {
			t.Errorf("DeliverBackoff(%d) = %v, want %v", c.attempt, got, c.want)
		}
	}
}

// signedReceiver is a generic webhook receiver that verifies every
// request's signature and answers the statuses given in turn (the last
// repeating).
type signedReceiver struct {
	t        *testing.T
	secret   string
	mu       sync.Mutex
	statuses []int
	got      []received
}

type received struct {
	delivery string
	verified error
	body     deliver.Generic
}

func (rc *signedReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	x := received{delivery: r.Header.Get(deliver.HeaderDelivery),
		verified: deliver.Verify(rc.secret, r.Header.Get(deliver.HeaderSignature), b, time.Now(), 5*time.Minute)}
	if err := json.Unmarshal(b, &x.body); err != nil {
		rc.t.Errorf("body: %v: %s", err, b)
	}
	rc.mu.Lock()
	rc.got = append(rc.got, x)
	code := rc.statuses[min(len(rc.got), len(rc.statuses))-1]
	rc.mu.Unlock()
	w.WriteHeader(code)
}

func (rc *signedReceiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDeliveryThroughRiver: a notification an organization's generic
// webhook wants is dispatched, delivered signed, retried after a 500 with
// the same delivery ID and then recorded as delivered; a webhook that
// keeps failing warns the managers once, not once per failure.
func TestDeliveryThroughRiver(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(string(eng), func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			db := storetest.Open(t, eng, soroe.SystemClock)
			if err := jobs.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			org := &soroe.Org{Name: "揃え商事", Lang: "ja"}
			owner := &soroe.User{Email: "owner@example.jp", Name: "社長", PasswordHash: "x"}
			if err := db.CreateUserWithOrg(ctx, owner, org); err != nil {
				t.Fatal(err)
			}
			rc := &signedReceiver{t: t, secret: "whsec_test", statuses: []int{500, 200}}
			ts := httptest.NewServer(rc)
			t.Cleanup(ts.Close)
			hook := &soroe.Webhook{OrgID: org.ID, Name: "基幹", Kind: soroe.WebhookGeneric, URL: ts.URL + "/hook", Secret: rc.secret,
				Events: []string{soroe.NotifyReconnect}, Enabled: true, CreatedBy: owner.ID}
			if err := db.CreateWebhook(ctx, hook, nil); err != nil {
				t.Fatal(err)
			}
			r, err := jobs.New(db, jobs.Config{Logger: slog.New(slog.DiscardHandler), FetchPollInterval: 50 * time.Millisecond, TestOnly: true,
				Notify: &jobs.NotifyConfig{Sender: deliver.New(deliver.Options{AllowPrivate: true}), BaseURL: "https://soroe.example.jp/",
					Every: 100 * time.Millisecond, MaxAttempts: 3, Backoff: func(int) time.Duration { return 10 * time.Millisecond }}})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = r.Stop(sctx)
			})
			account := int64(0)
			a := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: "公式X"}
			if err := db.CreateAccount(ctx, a, ""); err != nil {
				t.Fatal(err)
			}
			account = a.ID
			reconnect := soroe.Notification{OrgID: org.ID, Kind: soroe.NotifyReconnect, AccountID: &account,
				Params: map[string]string{"Account": "公式X", "Network": "X"}}
			if _, err := db.Notify(ctx, reconnect, true, owner.ID); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the retried delivery", func() bool {
				h, err := db.Webhook(ctx, org.ID, hook.ID)
				return err == nil && h.LastOK != nil && *h.LastOK
			})
			got := rc.received()
			if len(got) != 2 {
				t.Fatalf("%d requests, want 2 (a 500, then a success)", len(got))
			}
			for i, x := range got {
				if x.verified != nil {
					t.Errorf("request %d: signature: %v", i, x.verified)
				}
				if x.delivery == "" || x.delivery != got[0].delivery {
					t.Errorf("request %d: delivery ID %q, first %q", i, x.delivery, got[0].delivery)
				}
				if b := x.body; b.Event != soroe.NotifyReconnect || b.OrgID != org.ID || !strings.Contains(b.Title, "「公式X」（X）の接続が切れました") ||
					b.Link != "https://soroe.example.jp/accounts" {
					t.Errorf("request %d: body %+v", i, b)
				}
			}
			if evs, _ := db.NotifyEvents(ctx, 10); len(evs) != 0 {
				t.Errorf("%d events left in the outbox", len(evs))
			}

			// Now it always fails: three attempts per message; the third
			// failure in a row warns the owner once.
			rc.mu.Lock()
			rc.statuses, rc.got = []int{503}, nil
			rc.mu.Unlock()
			reconnect.Params["Account"] = "採用X"
			if _, err := db.Notify(ctx, reconnect, false, owner.ID); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "three failed attempts", func() bool { return len(rc.received()) >= 3 })
			warnings := func() int {
				ns, _, err := db.Notifications(ctx, org.ID, owner.ID, 50)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, x := range ns {
					if x.Kind == soroe.NotifyWebhookFailed && x.Params["Webhook"] == "基幹" && strings.Contains(x.Params["Error"], "HTTP 503") {
						n++
					}
				}
				return n
			}
			waitFor(t, "the warning", func() bool { return warnings() == 1 })
			// Another message, three more failures: no second warning.
			reconnect.Params["Account"] = "広報X"
			if _, err := db.Notify(ctx, reconnect, false, owner.ID); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "three more failed attempts", func() bool { return len(rc.received()) >= 6 })
			waitFor(t, "the failures recorded", func() bool {
				h, _ := db.Webhook(ctx, org.ID, hook.ID)
				return h.Failures >= 6
			})
			if n := warnings(); n != 1 {
				t.Errorf("%d warnings, want 1", n)
			}
			if h, _ := db.Webhook(ctx, org.ID, hook.ID); h.LastError != "HTTP 503" || h.WarnedAt == nil {
				t.Errorf("webhook %+v", h)
			}
		})
	}
}

// TestDeliverReport: what report delivery (issue 10) calls — one job per
// webhook that wants reports, unique per key.
func TestDeliverReport(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		org := &soroe.Org{Name: "揃え"}
		owner := &soroe.User{Email: "o@example.jp", Name: "O", PasswordHash: "x"}
		if err := db.CreateUserWithOrg(ctx, owner, org); err != nil {
			t.Fatal(err)
		}
		for _, ev := range [][]string{{soroe.EventReport}, {soroe.NotifyApproved}, {soroe.EventReport, soroe.NotifyRejected}} {
			if err := db.CreateWebhook(ctx, &soroe.Webhook{OrgID: org.ID, Name: "h", Kind: soroe.WebhookSlack, URL: "https://hooks.example.jp/x",
				Events: ev, Enabled: true, CreatedBy: owner.ID}, nil); err != nil {
				t.Fatal(err)
			}
		}
		r, err := jobs.New(db, jobs.Config{Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		m := deliver.Message{Event: soroe.EventReport, OrgID: org.ID, Title: "11月の月次レポート", Link: "https://soroe.example.jp/reports/1",
			Attachment: &deliver.Attachment{Name: "report.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}}
		for range 2 {
			n, err := jobs.Deliver(ctx, db, r.Client(), "report-1", m)
			if err != nil || n != 2 {
				t.Fatalf("Deliver = %d, %v", n, err)
			}
		}
		var count int
		if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE kind = $1", jobs.DeliverKind).Scan(&count); err != nil {
			t.Fatal(err)
		}
		if count != 2 {
			t.Errorf("%d delivery jobs, want 2 (unique per key and webhook)", count)
		}
		var args string
		if err := db.Writer().QueryRowContext(ctx, "SELECT CAST(args AS TEXT) FROM river_job WHERE kind = $1 LIMIT 1", jobs.DeliverKind).Scan(&args); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(args, "report.pdf") || !strings.Contains(args, "report-1-w") {
			t.Errorf("job args %s", args)
		}
	})
}
