package jobs

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestDueReports(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, tokyo)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	both := store.ReportSchedule{Monthly: true, Weekly: true}
	for _, c := range []struct {
		s    store.ReportSchedule
		now  string
		want []DueReport
	}{
		{store.ReportSchedule{}, "2026-12-01 10:00", nil},
		// Before 09:00 on the 1st (a Tuesday): November is not due yet; the week before last Monday is.
		{both, "2026-12-01 08:59", []DueReport{{"weekly", soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-23", To: "2026-11-29"}}}},
		{both, "2026-12-01 09:00", []DueReport{{"monthly", soroe.Period{Kind: soroe.PeriodLastMonth, From: "2026-11-01", To: "2026-11-30"}},
			{"weekly", soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-23", To: "2026-11-29"}}}},
		// Monday 08:00: last week is not over for reporting yet: the week before it.
		{store.ReportSchedule{Weekly: true}, "2026-12-07 08:00", []DueReport{{"weekly", soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-23", To: "2026-11-29"}}}},
		{store.ReportSchedule{Weekly: true}, "2026-12-07 09:00", []DueReport{{"weekly", soroe.Period{Kind: soroe.PeriodCustom, From: "2026-11-30", To: "2026-12-06"}}}},
		// Later in the month, the month before stays due (made once; the worker skips it then).
		{store.ReportSchedule{Monthly: true}, "2026-12-20 23:00", []DueReport{{"monthly", soroe.Period{Kind: soroe.PeriodLastMonth, From: "2026-11-01", To: "2026-11-30"}}}},
		{store.ReportSchedule{Monthly: true}, "2027-01-01 09:30", []DueReport{{"monthly", soroe.Period{Kind: soroe.PeriodLastMonth, From: "2026-12-01", To: "2026-12-31"}}}},
	} {
		got := DueReports(c.s, at(c.now).UTC(), tokyo, 9)
		if len(got) != len(c.want) {
			t.Errorf("%s %+v: %+v, want %+v", c.now, c.s, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %+v, want %+v", c.now, got[i], c.want[i])
			}
		}
	}
}

// TestReportsWorker: the job makes each due report once and sends it;
// what was made before is skipped; a failure to make one is logged and
// the others go on.
func TestReportsWorker(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		org := &soroe.Org{Name: "定期", TimeZone: "Asia/Tokyo"}
		if err := db.CreateUserWithOrg(ctx, &soroe.User{Email: "r@x.jp", Name: "R", PasswordHash: "x"}, org); err != nil {
			t.Fatal(err)
		}
		if err := db.SetReportSchedule(ctx, store.ReportSchedule{OrgID: org.ID, Monthly: true, Weekly: true}, 0); err != nil {
			t.Fatal(err)
		}
		var made, sent []string
		w := &reportsWorker{db: db, log: slog.New(slog.DiscardHandler), c: &ReportsConfig{
			Make: func(ctx context.Context, o *soroe.Org, kind string, p soroe.Period) (*store.StoredReport, bool, error) {
				sr := &store.StoredReport{OrgID: o.ID, Kind: kind, From: p.From, To: p.To, Title: kind, Data: []byte(`{}`)}
				created, err := db.CreateReport(ctx, sr)
				made = append(made, kind+" "+string(p.From))
				return sr, created, err
			},
			Send: func(ctx context.Context, sr *store.StoredReport) (int, error) {
				sent = append(sent, sr.Kind)
				return 1, nil
			}}}
		// storetest.Epoch is Monday 2026-11-23 09:30 in Tokyo.
		for range 2 {
			if err := w.Work(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
		if strings.Join(made, "|") != "monthly 2026-10-01|weekly 2026-11-16" || strings.Join(sent, "|") != "monthly|weekly" {
			t.Errorf("made %q, sent %q", made, sent)
		}
		list, _ := db.Reports(ctx, org.ID, 10)
		if len(list) != 2 {
			t.Errorf("%d reports stored", len(list))
		}
	})
}
