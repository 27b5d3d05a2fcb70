package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/planimport"
	"github.com/soroe/soroe/importer/postimport"
	"github.com/soroe/soroe/workflow"
)

// registerImport registers the content-plan import (投稿計画の一括登録):
// the upload page, its sample file and the API (api_import.go).
//
// The literal /posts/import paths are more specific than the posts'
// /posts/{post} wildcards, so the mux sends them here.
func (s *Server) registerImport() error {
	act := soroe.ActPostImport
	return errors.Join(
		s.ui("GET /posts/import", act, s.importForm),
		s.ui("GET /posts/import/sample.csv", act, s.importSample),
		s.ui("POST /posts/import", act, s.importUpload),
		s.api("POST /api/v1/posts/import", act, s.apiImportPosts),
	)
}

// importMaxBytes is the largest plan file accepted.
const importMaxBytes = planimport.DefaultMaxBytes

// sessImport carries the summary of a finished import to the page shown
// after the redirect (a flash with numbers).
const sessImport = "import_result"

// ---- Shared by the UI and the API ----

// runImport imports a plan file for the caller.
func (s *Server) runImport(r *http.Request, data io.Reader, filename string, dryRun bool) (*postimport.Result, error) {
	id := who(r)
	svc := &postimport.Service{DB: s.db}
	return svc.Import(r.Context(), workflow.Actor{UserID: id.User.ID, OrgID: id.Org.ID, Role: id.Role}, data, filename,
		postimport.Options{DryRun: dryRun, MaxBytes: importMaxBytes})
}

// importProblemText is a problem of a plan file in lang.
func (s *Server) importProblemText(lang string, p planimport.Problem) string {
	switch {
	case strings.HasPrefix(p.Key, "text."):
		if k := "check.problem." + p.Code; p.Code != "" && s.cat.Has(lang, k) {
			return s.cat.T(lang, k, "Limit", p.Limit, "Count", p.Count)
		}
	case strings.HasPrefix(p.Key, "risk."):
		why := p.Message
		if k := "check.risk." + p.Code; p.Code != "" && s.cat.Has(lang, k) {
			why = s.cat.T(lang, k)
		}
		return s.cat.T(lang, "import.problem.risk", "Match", p.Value, "Why", why)
	case strings.HasPrefix(p.Key, postimport.KeyUnfinished):
		f := workflow.Finding{Code: p.Code, Value: p.Value, Need: p.Count}
		if f.Code == workflow.UnfinishedImage || f.Code == workflow.UnfinishedVideo {
			return s.cat.T(lang, "import.problem.unfinished_media", "Format", s.cat.T(lang, "templates.format."+f.Value))
		}
		return s.unfinishedText(lang, f)
	case p.Key == planimport.KeyUnknownColumn && p.Value == "":
		return s.cat.T(lang, "import.problem.unknown_column_unnamed")
	default:
		if k := "import.problem." + p.Key; s.cat.Has(lang, k) {
			return s.cat.T(lang, k, "Value", p.Value, "Column", s.importColumnName(lang, p.Column),
				"MaxRows", planimport.DefaultMaxRows, "MaxMB", importMaxBytes>>20)
		}
	}
	return p.Message
}

// importColumnName is a canonical column's name for people.
func (s *Server) importColumnName(lang, col string) string {
	if col == "" {
		return ""
	}
	if k := "import.col." + col; s.cat.Has(lang, k) {
		return s.cat.T(lang, k)
	}
	return col
}

// ---- UI ----

// importProblem is one problem as the page lists it.
type importProblem struct {
	Line   int
	Column string // the header as written, or the column's name
	Text   string
}

type importData struct {
	MaxSize  string
	Accept   string
	Zone     string // the organization's time zone
	Columns  []importColumn
	Sample   [][]string // the sample file's cells, header first
	FileName string
	Problems []importProblem
	// Warnings and Done describe the last import (after the redirect) or a
	// dry run.
	Done     *importDone
	Warnings []importProblem
}

// importDone is a finished import (or a successful dry run).
type importDone struct {
	Rows   int    `json:"rows"`
	Posts  int    `json:"posts"`
	State  string `json:"state"`
	DryRun bool   `json:"dry_run"`
	// Warnings in the importer's language.
	Warnings []importProblem `json:"warnings"`
}

// Scheduled reports whether the posts were approved and scheduled (not sent
// to review).
func (d *importDone) Scheduled() bool { return d.State == soroe.PostScheduled }

// importColumn is one column of a plan, as the page explains it.
type importColumn struct {
	Name, Label, Desc string
	Required          bool
}

var importColumns = []importColumn{
	{planimport.ColScheduledAt, "import.col.scheduled_at", "import.desc.scheduled_at", true},
	{planimport.ColAccount, "import.col.account", "import.desc.account", true},
	{planimport.ColText, "import.col.text", "import.desc.text", true},
	{planimport.ColGoal, "import.col.goal", "import.desc.goal", false},
	{planimport.ColTemplate, "import.col.template", "import.desc.template", false},
	{planimport.ColLink, "import.col.link", "import.desc.link", false},
}

const importAccept = ".csv,.tsv,.txt,.xlsx,.xlsm,text/csv,text/tab-separated-values,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) (*page, *importData) {
	d := &importData{MaxSize: fmtBytes(importMaxBytes), Accept: importAccept, Columns: importColumns, Zone: who(r).Org.TimeZone}
	p := s.newPage(w, r, "import.title", d)
	d.Sample, _ = csv.NewReader(bytes.NewReader(s.importSampleCSV(p.Lang)[3:])).ReadAll()
	return p, d
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) {
	p, d := s.importPage(w, r)
	if raw := s.sessions.PopString(r.Context(), sessImport); raw != "" {
		var done importDone
		if json.Unmarshal([]byte(raw), &done) == nil {
			d.Done, d.Warnings = &done, done.Warnings
		}
	}
	s.render(w, http.StatusOK, "post_import", p)
}

// importSampleCSV is the sample plan: UTF-8 with a BOM, so that Excel opens
// it with its Japanese intact, and CRLF line ends.
func (s *Server) importSampleCSV(lang string) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	b.WriteString(strings.ReplaceAll(strings.TrimSpace(s.cat.T(lang, "import.sample_csv")), "\n", "\r\n"))
	b.WriteString("\r\n")
	return b.Bytes()
}

func (s *Server) importSample(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="soroe-plan-sample.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(s.importSampleCSV(lang(r)))
}

func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) {
	p, d := s.importPage(w, r)
	fail := func(status int, key string) {
		p.Errors = map[string]string{"file": key}
		s.render(w, status, "post_import", p)
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		if tooLarge(err) {
			fail(http.StatusRequestEntityTooLarge, "import_too_large")
			return
		}
		fail(http.StatusUnprocessableEntity, "import_file_required")
		return
	}
	defer f.Close()
	if hdr.Size > importMaxBytes {
		fail(http.StatusRequestEntityTooLarge, "import_too_large")
		return
	}
	d.FileName = hdr.Filename
	dryRun := r.PostFormValue("dry_run") != ""
	res, err := s.runImport(r, f, hdr.Filename, dryRun)
	if e, ok := postimport.IsProblems(err); ok {
		for _, pr := range e.Problems {
			d.Problems = append(d.Problems, s.viewImportProblem(p.Lang, pr))
		}
		status := http.StatusUnprocessableEntity
		if e.Has(planimport.KeyFileTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		s.render(w, status, "post_import", p)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	done := &importDone{Rows: res.Rows, Posts: len(res.Posts), State: res.State, DryRun: dryRun}
	for _, pr := range res.Warnings {
		done.Warnings = append(done.Warnings, s.viewImportProblem(p.Lang, pr))
	}
	if dryRun {
		d.Done, d.Warnings = done, done.Warnings
		s.render(w, http.StatusOK, "post_import", p)
		return
	}
	raw, _ := json.Marshal(done)
	s.sessions.Put(r.Context(), sessImport, string(raw))
	redirect(w, r, "/posts/import")
}

func (s *Server) viewImportProblem(lang string, pr planimport.Problem) importProblem {
	col := pr.Header
	if col == "" {
		col = s.importColumnName(lang, pr.Column)
	}
	return importProblem{Line: pr.Line, Column: col, Text: s.importProblemText(lang, pr)}
}
