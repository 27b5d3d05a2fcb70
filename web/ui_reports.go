package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/report"
	"github.com/soroe/soroe/store"
)

// Periodic reports (月次レポート・週次レポート): made on demand for a month,
// a week or any days, stored as snapshots that read the same next year;
// a manager writes the 総評 (KPT) before they go out; HTML, PDF, PPTX,
// XLSX and CSV; read-only share links that expire.
func (s *Server) registerReports() error {
	read, write := soroe.ActReportRead, soroe.ActReportWrite
	return errors.Join(
		s.ui("GET /reports", read, s.reportList),
		s.ui("POST /reports", write, s.reportCreate),
		s.ui("GET /reports/{report}", read, s.reportPage),
		s.ui("GET /reports/{report}/export", read, s.reportExport),
		s.ui("POST /reports/{report}/summary", write, s.reportSummary),
		s.ui("POST /reports/{report}/share", write, s.reportShare),
		s.ui("POST /reports/{report}/send", write, s.reportSend),
		s.ui("POST /reports/schedule", write, s.reportSchedule),
		s.ui("GET /r/{secret}", soroe.ActPublic, s.sharedReport),
		s.ui("GET /r/{secret}/export", soroe.ActPublic, s.sharedReportExport),
		s.api("GET /api/v1/reports", read, s.apiReports),
		s.api("POST /api/v1/reports", write, s.apiCreateReport),
		s.api("GET /api/v1/reports/{report}", read, s.apiReport),
		s.api("PATCH /api/v1/reports/{report}", write, s.apiUpdateReport),
		s.api("POST /api/v1/reports/{report}/share", write, s.apiShareReport),
		s.api("POST /api/v1/reports/{report}/send", write, s.apiSendReport),
		s.api("GET /api/v1/report-schedule", read, s.apiReportSchedule),
		s.api("PUT /api/v1/report-schedule", write, s.apiSetReportSchedule),
	)
}

// Share links last 14 days unless asked otherwise, at most 90.
const (
	defaultShareDays = 14
	maxShareDays     = 90
)

// reportFormats are the downloads, with their content types.
var reportFormats = map[string]string{
	"pdf":  "application/pdf",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"csv":  "text/csv; charset=utf-8",
	"json": "application/json",
}

// snapshot reads a stored report's sections with its current 総評.
func snapshot(sr *store.StoredReport) (*report.Report, error) {
	var r report.Report
	if err := json.Unmarshal(sr.Data, &r); err != nil {
		return nil, err
	}
	r.Summary = report.KPT{Keep: sr.Keep, Problem: sr.Problem, Try: sr.Try}
	return &r, nil
}

// reportFileName is the download's name: soroe-report-2026-11-01_2026-11-30.pdf.
func reportFileName(sr *store.StoredReport, format string) string {
	return "soroe-report-" + string(sr.From) + "_" + string(sr.To) + "." + format
}

func (s *Server) writeReportFile(w http.ResponseWriter, r *http.Request, sr *store.StoredReport, format string, api bool) {
	if format == "" && !api {
		format = "pdf"
	}
	rep, err := snapshot(sr)
	var b []byte
	if err == nil {
		b, err = rep.File(format)
	}
	if err != nil {
		switch {
		case api:
			s.badQuery(w, r, err)
		case soroe.ErrorCode(err) == soroe.EInvalid:
			s.errorPage(w, r, http.StatusBadRequest, "reports.bad_format")
		default:
			s.serverError(w, r, err)
		}
		return
	}
	w.Header().Set("Content-Type", reportFormats[format])
	if format != "json" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+reportFileName(sr, format)+`"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// newReport builds and stores a report of the period a form or body asks
// for, made by a member.
func (s *Server) newReport(r *http.Request, kind, month, from, to string) (*store.StoredReport, error) {
	id := who(r)
	p, err := ReportPeriod(kind, month, soroe.Date(strings.TrimSpace(from)), soroe.Date(strings.TrimSpace(to)))
	if err != nil {
		return nil, err
	}
	return s.StoreReport(r.Context(), id.Org, kind, p, id.User.ID)
}

// ---- Pages ----

type reportListData struct {
	Schedule  store.ReportSchedule
	Reports   []*store.StoredReport
	LastMonth string     // "2026-11", the form's default
	ThisWeek  soroe.Date // a day of the week before, the weekly default
}

func (s *Server) reportListPage(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	id := who(r)
	list, err := s.db.Reports(r.Context(), id.Org.ID, 100)
	if s.failed(w, r, err) {
		return
	}
	today := s.today(id.Org)
	last, _ := soroe.ParsePeriod(soroe.PeriodLastMonth, "", "", today)
	d := &reportListData{Reports: list, LastMonth: string(last.From)[:7], ThisWeek: today.AddDays(-7)}
	if d.Schedule, err = s.db.ReportScheduleOf(r.Context(), id.Org.ID); s.failed(w, r, err) {
		return
	}
	p := s.newPage(w, r, "reports.title", d)
	if formErr != nil {
		s.formError(w, r, "reports", p, formErr)
		return
	}
	p.Form = url.Values{"kind": {report.Monthly}, "month": {d.LastMonth}, "week": {string(d.ThisWeek)}}
	s.render(w, status, "reports", p)
}

func (s *Server) reportList(w http.ResponseWriter, r *http.Request) {
	s.reportListPage(w, r, http.StatusOK, nil)
}

func (s *Server) reportCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	from := f.Get("from")
	if f.Get("kind") == report.Weekly {
		from = f.Get("week")
	}
	sr, err := s.newReport(r, f.Get("kind"), f.Get("month"), from, f.Get("to"))
	if err != nil {
		s.reportListPage(w, r, 0, err)
		return
	}
	s.flash(r, "reports.created")
	redirect(w, r, "/reports/"+strconv.FormatInt(sr.ID, 10))
}

type reportPageData struct {
	Stored    *store.StoredReport
	Report    *report.Report
	Shared    bool      // read through a share link
	ShareURL  string    // a link just made
	ShareEnds time.Time // when it stops working
	Secret    string    // the share link's secret, for its downloads
	Sent      int       // webhooks the report was just queued for
	Formats   []string
}

// Chart draws a section's chart as SVG.
func (d *reportPageData) Chart(c *report.Chart) template.HTML {
	if c == nil {
		return ""
	}
	return template.HTML(c.SVG()) //nolint:gosec // the chart escapes its text
}

func (s *Server) loadReport(r *http.Request) (*store.StoredReport, error) {
	id, err := pathID(r, "report")
	if err != nil {
		return nil, err
	}
	return s.db.Report(r.Context(), who(r).Org.ID, id)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, sr *store.StoredReport, d *reportPageData, err error) {
	rep, serr := snapshot(sr)
	if s.failed(w, r, serr) {
		return
	}
	d.Stored, d.Report, d.Formats = sr, rep, []string{"pdf", "pptx", "xlsx", "csv"}
	p := s.newPage(w, r, "reports.one", d)
	if err != nil {
		s.formError(w, r, "report", p, err)
		return
	}
	p.Form = url.Values{"keep": {sr.Keep}, "problem": {sr.Problem}, "try": {sr.Try}, "days": {strconv.Itoa(defaultShareDays)}}
	s.render(w, http.StatusOK, "report", p)
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if s.failed(w, r, err) {
		return
	}
	s.renderReport(w, r, sr, &reportPageData{}, nil)
}

func (s *Server) reportExport(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if s.failed(w, r, err) {
		return
	}
	s.writeReportFile(w, r, sr, r.URL.Query().Get("format"), false)
}

func (s *Server) reportSummary(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if s.failed(w, r, err) {
		return
	}
	f := r.PostForm
	if err := s.db.SetReportSummary(r.Context(), sr.OrgID, sr.ID, f.Get("keep"), f.Get("problem"), f.Get("try")); err != nil {
		s.renderReport(w, r, sr, &reportPageData{}, err)
		return
	}
	s.flash(r, "reports.summary_saved")
	redirect(w, r, "/reports/"+strconv.FormatInt(sr.ID, 10)+"#summary")
}

// shareDays reads the days a share link lasts.
func shareDays(v string) (int, error) {
	if strings.TrimSpace(v) == "" {
		return defaultShareDays, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > maxShareDays {
		return 0, soroe.Invalid("days", "share_days")
	}
	return n, nil
}

func (s *Server) reportShare(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if s.failed(w, r, err) {
		return
	}
	days, err := shareDays(r.PostForm.Get("days"))
	if err != nil {
		s.renderReport(w, r, sr, &reportPageData{}, err)
		return
	}
	secret, exp, err := s.db.CreateReportShare(r.Context(), sr.OrgID, sr.ID, who(r).User.ID, time.Duration(days)*24*time.Hour)
	if s.failed(w, r, err) {
		return
	}
	s.renderReport(w, r, sr, &reportPageData{ShareURL: s.absURL(r, "/r/"+secret), ShareEnds: exp}, nil)
}

func (s *Server) sharedReport(w http.ResponseWriter, r *http.Request) {
	secret := r.PathValue("secret")
	sr, exp, err := s.db.ReportByShare(r.Context(), secret)
	if errors.Is(err, soroe.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, "reports.share_gone")
		return
	}
	if s.failed(w, r, err) {
		return
	}
	rep, err := snapshot(sr)
	if s.failed(w, r, err) {
		return
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Referrer-Policy", "no-referrer")
	d := &reportPageData{Stored: sr, Report: rep, Shared: true, ShareEnds: exp, Secret: secret, Formats: []string{"pdf", "pptx", "xlsx", "csv"}}
	s.render(w, http.StatusOK, "report", s.newPage(w, r, "reports.one", d))
}

func (s *Server) sharedReportExport(w http.ResponseWriter, r *http.Request) {
	sr, _, err := s.db.ReportByShare(r.Context(), r.PathValue("secret"))
	if errors.Is(err, soroe.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, "reports.share_gone")
		return
	}
	if s.failed(w, r, err) {
		return
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	s.writeReportFile(w, r, sr, r.URL.Query().Get("format"), false)
}

// ---- API ----

func (s *Server) apiReports(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.Reports(r.Context(), who(r).Org.ID, 200)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": list})
}

func (s *Server) apiCreateReport(w http.ResponseWriter, r *http.Request) {
	var b struct {
		Kind  string `json:"kind"`
		Month string `json:"month"`
		From  string `json:"from"`
		To    string `json:"to"`
	}
	if !s.decode(w, r, &b) {
		return
	}
	sr, err := s.newReport(r, b.Kind, b.Month, b.From, b.To)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, sr)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	s.writeReportFile(w, r, sr, format, true)
}

func (s *Server) apiUpdateReport(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var b struct {
		Keep    *string `json:"keep"`
		Problem *string `json:"problem"`
		Try     *string `json:"try"`
	}
	if !s.decode(w, r, &b) {
		return
	}
	for _, x := range []struct {
		src *string
		dst *string
	}{{b.Keep, &sr.Keep}, {b.Problem, &sr.Problem}, {b.Try, &sr.Try}} {
		if x.src != nil {
			*x.dst = *x.src
		}
	}
	if err := s.db.SetReportSummary(r.Context(), sr.OrgID, sr.ID, sr.Keep, sr.Problem, sr.Try); err != nil {
		s.apiError(w, r, err)
		return
	}
	sr, err = s.db.Report(r.Context(), sr.OrgID, sr.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sr)
}

func (s *Server) apiShareReport(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var b struct {
		Days json.Number `json:"days"`
	}
	if !s.decode(w, r, &b) {
		return
	}
	days, err := shareDays(b.Days.String())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	secret, exp, err := s.db.CreateReportShare(r.Context(), sr.OrgID, sr.ID, who(r).User.ID, time.Duration(days)*24*time.Hour)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"url": s.absURL(r, "/r/"+secret), "expires_at": exp})
}

var errNoDelivery = &soroe.Error{Code: soroe.EConflict, Field: "send", Message: "report_no_delivery"}

// sendReport queues a report for the organization's webhooks that want
// reports (Slack, Teams, signed webhooks: retried, failures shown on the
// notification settings) and records that it went out.
func (s *Server) sendReport(r *http.Request, sr *store.StoredReport) (int, error) {
	id := who(r)
	n, err := s.deliverReport(r.Context(), sr, s.absURL(r, "/reports/"+strconv.FormatInt(sr.ID, 10)), id.User.Name)
	if err != nil {
		return 0, err
	}
	return n, s.db.MarkReportSent(r.Context(), sr.OrgID, sr.ID, id.User.ID)
}

// SendStoredReport sends a report made on schedule (the sender is named
// as the schedule) and records that it went out.
func (s *Server) SendStoredReport(ctx context.Context, sr *store.StoredReport) (int, error) {
	link := ""
	if s.cfg.BaseURL != "" {
		link = strings.TrimRight(s.cfg.BaseURL, "/") + "/reports/" + strconv.FormatInt(sr.ID, 10)
	}
	rep, err := snapshot(sr)
	if err != nil {
		return 0, err
	}
	n, err := s.deliverReport(ctx, sr, link, s.cat.T(rep.Lang, "reports.by_schedule"))
	if err != nil {
		return 0, err
	}
	return n, s.db.MarkReportSent(ctx, sr.OrgID, sr.ID, 0)
}

// MakeScheduledReport builds and stores the schedule's report of a
// period, once per organization, kind and period.
func (s *Server) MakeScheduledReport(ctx context.Context, org *soroe.Org, kind string, p soroe.Period) (*store.StoredReport, bool, error) {
	if made, err := s.db.HasScheduledReport(ctx, org.ID, kind, p.From); err != nil || made {
		return nil, false, err
	}
	sr, err := s.StoreReport(ctx, org, kind, p, 0)
	if err != nil {
		return nil, false, err
	}
	return sr, true, nil
}

func (s *Server) deliverReport(ctx context.Context, sr *store.StoredReport, link, by string) (int, error) {
	if s.cfg.DeliverReport == nil {
		return 0, &soroe.Error{Code: soroe.EConflict, Field: "send", Message: "report_sending_off"}
	}
	rep, err := snapshot(sr)
	if err != nil {
		return 0, err
	}
	l := rep.Lang
	summary := []string{}
	for _, k := range [][2]string{{rep.Labels.Keep, rep.Summary.Keep}, {rep.Labels.Problem, rep.Summary.Problem}, {rep.Labels.Try, rep.Summary.Try}} {
		if strings.TrimSpace(k[1]) != "" {
			summary = append(summary, k[0]+": "+clip(strings.Join(strings.Fields(k[1]), " "), 200))
		}
	}
	m := deliver.Message{Event: soroe.EventReport, OrgID: sr.OrgID, At: s.now(), Title: rep.Title, Summary: strings.Join(summary, "\n"),
		Link: link, LinkText: s.cat.T(l, "reports.open_in_soroe"),
		Fields: []deliver.Field{{Name: s.cat.T(l, "reports.field.period"), Value: rep.PeriodText}, {Name: s.cat.T(l, "reports.sent_by"), Value: by}}}
	n, err := s.cfg.DeliverReport(ctx, fmt.Sprintf("report-%d-%d", sr.ID, s.now().Unix()), m)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, errNoDelivery
	}
	return n, nil
}

func (s *Server) reportSend(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if s.failed(w, r, err) {
		return
	}
	n, err := s.sendReport(r, sr)
	if err != nil {
		s.renderReport(w, r, sr, &reportPageData{}, err)
		return
	}
	sr, err = s.db.Report(r.Context(), sr.OrgID, sr.ID)
	if s.failed(w, r, err) {
		return
	}
	s.renderReport(w, r, sr, &reportPageData{Sent: n}, nil)
}

func (s *Server) apiSendReport(w http.ResponseWriter, r *http.Request) {
	sr, err := s.loadReport(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if r.ContentLength != 0 {
		var b struct{}
		if !s.decode(w, r, &b) {
			return
		}
	}
	n, err := s.sendReport(r, sr)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"webhooks": n})
}

func (s *Server) reportSchedule(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	sc := store.ReportSchedule{OrgID: id.Org.ID, Monthly: r.PostForm.Get("monthly") == "on", Weekly: r.PostForm.Get("weekly") == "on"}
	if err := s.db.SetReportSchedule(r.Context(), sc, id.User.ID); s.failed(w, r, err) {
		return
	}
	s.flash(r, "reports.schedule_saved")
	redirect(w, r, "/reports#schedule")
}

func (s *Server) apiReportSchedule(w http.ResponseWriter, r *http.Request) {
	sc, err := s.db.ReportScheduleOf(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

func (s *Server) apiSetReportSchedule(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	var b struct {
		Monthly bool `json:"monthly"`
		Weekly  bool `json:"weekly"`
	}
	if !s.decode(w, r, &b) {
		return
	}
	sc := store.ReportSchedule{OrgID: id.Org.ID, Monthly: b.Monthly, Weekly: b.Weekly}
	if err := s.db.SetReportSchedule(r.Context(), sc, id.User.ID); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}
