package jobs

import (
	"cmp"
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// ReportsKind is the periodic job that makes and sends the organizations'
// scheduled reports.
const ReportsKind = "soroe_reports_schedule"

// ReportsConfig turns scheduled reports on: every Every, the organizations
// whose schedule asks for a report that is due (store.ReportSchedule) get
// it made — once per period, whichever instance runs the job — and sent to
// their destinations.
type ReportsConfig struct {
	// Make builds and stores the scheduled report of a period; created is
	// false when it existed already.
	Make func(ctx context.Context, org *soroe.Org, kind string, p soroe.Period) (sr *store.StoredReport, created bool, err error)
	// Send delivers a stored report to the organization's destinations.
	Send func(ctx context.Context, sr *store.StoredReport) (int, error)
	// Every is how often due reports are looked for (default 15 minutes).
	Every time.Duration
	// Hour is the local hour from which a period's report is due (default 9).
	Hour int
}

// ReportsArgs is the periodic job's (empty) arguments.
type ReportsArgs struct{}

// Kind implements river.JobArgs.
func (ReportsArgs) Kind() string { return ReportsKind }

// DueReport is a report a schedule asks for.
type DueReport struct {
	Kind   string // monthly or weekly
	Period soroe.Period
}

// DueReports are the reports a schedule asks for at now in loc: the month
// before from the 1st at hour, the week before (Monday to Sunday) from
// Monday at hour. Pure: the caller skips those already made.
func DueReports(s store.ReportSchedule, now time.Time, loc *time.Location, hour int) []DueReport {
	t := now.In(loc)
	var out []DueReport
	if s.Monthly {
		first := time.Date(t.Year(), t.Month(), 1, hour, 0, 0, 0, loc)
		if !t.Before(first) {
			prev := first.AddDate(0, -1, 0)
			out = append(out, DueReport{"monthly", soroe.Period{Kind: soroe.PeriodLastMonth,
				From: soroe.Date(prev.Format(soroe.DateLayout)), To: soroe.Date(first.AddDate(0, 0, -1).Format(soroe.DateLayout))}})
		}
	}
	if s.Weekly {
		back := (int(t.Weekday()) + 6) % 7
		monday := time.Date(t.Year(), t.Month(), t.Day()-back, hour, 0, 0, 0, loc)
		if t.Before(monday) {
			monday = monday.AddDate(0, 0, -7)
		}
		from := monday.AddDate(0, 0, -7)
		out = append(out, DueReport{"weekly", soroe.Period{Kind: soroe.PeriodCustom,
			From: soroe.Date(from.Format(soroe.DateLayout)), To: soroe.Date(monday.AddDate(0, 0, -1).Format(soroe.DateLayout))}})
	}
	return out
}

type reportsWorker struct {
	river.WorkerDefaults[ReportsArgs]
	db  *store.DB
	c   *ReportsConfig
	log *slog.Logger
}

func (w *reportsWorker) Work(ctx context.Context, job *river.Job[ReportsArgs]) error {
	scheds, err := w.db.ReportSchedules(ctx)
	if err != nil {
		return err
	}
	hour := cmp.Or(w.c.Hour, 9)
	for _, s := range scheds {
		org, err := w.db.Org(ctx, s.OrgID)
		if err != nil {
			return err
		}
		for _, d := range DueReports(s, w.db.Now(), org.Location(), hour) {
			if made, err := w.db.HasScheduledReport(ctx, org.ID, d.Kind, d.Period.From); err != nil || made {
				if err != nil {
					return err
				}
				continue
			}
			sr, created, err := w.c.Make(ctx, org, d.Kind, d.Period)
			if err != nil {
				w.log.Error("jobs: scheduled report failed", "org", org.ID, "kind", d.Kind, "from", d.Period.From, "err", err)
				continue
			}
			if !created {
				continue // another instance made it first
			}
			n, err := w.c.Send(ctx, sr)
			if err != nil {
				w.log.Warn("jobs: scheduled report not sent", "org", org.ID, "report", sr.ID, "err", err)
			}
			w.log.Info("jobs: scheduled report made", "org", org.ID, "report", sr.ID, "kind", d.Kind, "from", d.Period.From, "destinations", n)
		}
	}
	return nil
}

func reportJobs(c *ReportsConfig) []*river.PeriodicJob {
	if c == nil || c.Make == nil {
		return nil
	}
	every := cmp.Or(c.Every, 15*time.Minute)
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return ReportsArgs{}, &river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByPeriod: every}}
		},
		&river.PeriodicJobOpts{ID: ReportsKind, RunOnStart: true})}
}
