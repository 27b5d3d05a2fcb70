package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// TestReports: a report is stored once with its snapshot; a scheduled one
// is made once per period; the 総評 is edited apart; share links open it
// until they expire, and only it.
func TestReports(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		f := newWorkflowFixture(t, db)
		org := f.org.ID
		mine := &store.StoredReport{OrgID: org, Kind: "monthly", From: "2026-10-01", To: "2026-10-31", Title: "月次レポート 2026年10月", Data: []byte(`{"v":1}`), CreatedBy: f.pr.ID}
		if created, err := db.CreateReport(ctx, mine); err != nil || !created || mine.ID == 0 {
			t.Fatalf("create: %v %v", created, err)
		}
		// By hand, the same period again is another report; on schedule, once.
		again := *mine
		if created, err := db.CreateReport(ctx, &again); err != nil || !created || again.ID == mine.ID {
			t.Fatalf("again by hand: %v %v", created, err)
		}
		sched := &store.StoredReport{OrgID: org, Kind: "monthly", From: "2026-11-01", To: "2026-11-30", Title: "月次レポート 2026年11月", Data: []byte(`{"v":2}`)}
		if created, err := db.CreateReport(ctx, sched); err != nil || !created {
			t.Fatalf("scheduled: %v %v", created, err)
		}
		twice := &store.StoredReport{OrgID: org, Kind: "monthly", From: "2026-11-01", To: "2026-11-30", Title: "x", Data: []byte(`{"v":3}`)}
		if created, err := db.CreateReport(ctx, twice); err != nil || created || twice.ID != sched.ID || string(twice.Data) != `{"v":2}` {
			t.Fatalf("scheduled twice: %v %v %+v", created, err, twice)
		}
		list, err := db.Reports(ctx, org, 10)
		if err != nil || len(list) != 3 || list[0].ID != sched.ID {
			t.Fatalf("list %+v %v", list, err)
		}
		if err := db.SetReportSummary(ctx, org, mine.ID, " 採用の型が好調 ", "認知が遅れ", "18時に投稿"); err != nil {
			t.Fatal(err)
		}
		got, err := db.Report(ctx, org, mine.ID)
		if err != nil || got.Keep != "採用の型が好調" || got.Try != "18時に投稿" || string(got.Data) != `{"v":1}` || got.CreatedBy != f.pr.ID {
			t.Fatalf("read %+v %v", got, err)
		}
		if err := db.MarkReportSent(ctx, org, mine.ID, f.pr.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.Report(ctx, org, mine.ID); got.SentAt == nil || got.SentBy != f.pr.ID {
			t.Errorf("sent %+v", got)
		}

		secret, exp, err := db.CreateReportShare(ctx, org, mine.ID, f.pr.ID, 7*24*time.Hour)
		if err != nil || exp.Sub(db.Now()) != 7*24*time.Hour {
			t.Fatal(err)
		}
		if r, _, err := db.ReportByShare(ctx, secret); err != nil || r.ID != mine.ID {
			t.Errorf("share: %+v %v", r, err)
		}
		if _, _, err := db.ReportByShare(ctx, secret+"x"); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("a wrong secret: %v", err)
		}
		clock.Add(7 * 24 * time.Hour)
		if _, _, err := db.ReportByShare(ctx, secret); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("an expired link: %v", err)
		}
		// Another organization neither reads, edits nor shares it.
		other := &soroe.Org{Name: "他社"}
		if err := db.CreateUserWithOrg(ctx, &soroe.User{Email: "o@x.jp", Name: "他社", PasswordHash: "x"}, other); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Report(ctx, other.ID, mine.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other reads: %v", err)
		}
		if err := db.SetReportSummary(ctx, other.ID, mine.ID, "x", "", ""); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other edits: %v", err)
		}
		if _, _, err := db.CreateReportShare(ctx, other.ID, mine.ID, 0, time.Hour); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("other shares: %v", err)
		}
	})
}
