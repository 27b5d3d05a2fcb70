package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/metricsimport"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/store"
)

// metricsImportMaxBytes caps an uploaded export: a million-row X export
// is about 150 MB.
const metricsImportMaxBytes = 256 << 20

// metricsImportKeep is how long an uploaded file waits for its preview to
// be confirmed.
const metricsImportKeep = time.Hour

func (s *Server) registerMetricsImport() error {
	act := soroe.ActMetricsImport
	return errors.Join(
		s.ui("GET /metrics/import", act, s.metricsImportForm),
		s.ui("POST /metrics/import", act, s.metricsImportPreview),
		s.ui("POST /metrics/import/confirm", act, s.metricsImportConfirm),
		s.ui("GET /metrics/import/sample.csv", act, s.metricsImportSample),
		s.api("POST /api/v1/metrics/import", act, s.apiMetricsImport),
	)
}

// importAccount checks the account an import is for: one of the
// organization's; staff only for accounts they post to.
func (s *Server) importAccount(r *http.Request, accountID int64) error {
	if accountID == 0 {
		return nil
	}
	id := who(r)
	if _, err := s.db.Account(r.Context(), id.Org.ID, accountID); err != nil {
		return err
	}
	if id.Role == soroe.RoleStaff {
		ok, err := s.db.PostsTo(r.Context(), id.Org.ID, id.User.ID, accountID)
		if err != nil {
			return err
		}
		if !ok {
			return &soroe.Error{Code: soroe.EForbidden, Field: "account", Message: "import_own_accounts_only"}
		}
	}
	return nil
}

// runMetricsImport imports (or, dry, previews) a spooled file.
func (s *Server) runMetricsImport(r *http.Request, f io.ReadSeeker, name string, accountID int64, format string, dry bool) (*measure.ImportResult, error) {
	if err := s.importAccount(r, accountID); err != nil {
		return nil, err
	}
	id := who(r)
	if format == metricsimport.FormatAuto {
		format = ""
	}
	imp := store.MetricImport{OrgID: id.Org.ID, AccountID: accountID, By: id.User.ID, Format: format, FileName: filepath.Base(name), DryRun: dry}
	return measure.Import(r.Context(), s.db, imp, f, metricsimport.Options{Format: format, Zone: id.Org.Location()})
}

// spool copies an upload to a temporary file (imports read it twice).
func spool(src io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "soroe-metrics-*.csv")
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(f, io.LimitReader(src, metricsImportMaxBytes+1)); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	if st, _ := f.Stat(); st != nil && st.Size() > metricsImportMaxBytes {
		f.Close()
		os.Remove(f.Name())
		return nil, errImportTooLarge
	}
	_, err = f.Seek(0, io.SeekStart)
	return f, err
}

var errImportTooLarge = &soroe.Error{Code: soroe.EInvalid, Field: "file", Message: "metrics_import_too_large"}

// problemOut is one problem of a rejected file, in the caller's language.
type problemOut struct {
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) problemsOut(lang string, e *metricsimport.Errors) []problemOut {
	out := make([]problemOut, 0, len(e.Problems))
	for _, p := range e.Problems {
		out = append(out, problemOut{Line: p.Line, Column: p.Column, Code: p.Code, Message: p.Message(s.cat, lang)})
	}
	return out
}

// importOut is the API's answer to an import.
type importOut struct {
	*store.ImportSummary
	File *metricsimport.Summary `json:"file,omitempty"`
}

func (s *Server) apiMetricsImport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dry := isTrue(q.Get("dry_run"))
	format := q.Get("format")
	name := q.Get("filename")
	accountID, _ := strconv.ParseInt(q.Get("account"), 10, 64)
	r.Body = http.MaxBytesReader(w, r.Body, metricsImportMaxBytes+1<<20)
	var src io.Reader
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			if tooLarge(err) {
				s.problem(w, r, http.StatusRequestEntityTooLarge, "too_large", s.cat.T("en", "error.metrics_import_too_large"), "file")
				return
			}
			s.problem(w, r, http.StatusBadRequest, "bad_multipart", "The multipart/form-data body cannot be read: "+err.Error(), "")
			return
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
		f, hdr, err := r.FormFile("file")
		if err != nil {
			s.problem(w, r, http.StatusUnprocessableEntity, soroe.EInvalid, s.cat.T("en", "error.metrics_import_file_required"), "file")
			return
		}
		defer f.Close()
		src, name = f, hdr.Filename
		dry = dry || isTrue(r.PostFormValue("dry_run"))
		if v := r.PostFormValue("account"); v != "" {
			accountID, _ = strconv.ParseInt(v, 10, 64)
		}
		if v := r.PostFormValue("format"); v != "" {
			format = v
		}
	case "application/json":
		var in struct {
			Content  string `json:"content"`
			Filename string `json:"filename"`
			Account  int64  `json:"account"`
			Format   string `json:"format"`
			DryRun   bool   `json:"dry_run"`
		}
		if !s.decodeImportJSON(w, r, &in) {
			return
		}
		src, dry = strings.NewReader(in.Content), dry || in.DryRun
		if in.Filename != "" {
			name = in.Filename
		}
		if in.Account != 0 {
			accountID = in.Account
		}
		if in.Format != "" {
			format = in.Format
		}
	case "text/csv", "text/tab-separated-values", "text/plain", "application/octet-stream":
		src = r.Body
	default:
		s.problem(w, r, http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Send the export as multipart/form-data (file), as the body (text/csv, text/tab-separated-values, text/plain, application/octet-stream), or as application/json {\"content\": …}.", "")
		return
	}
	if name == "" {
		name = "export.csv"
	}
	if format != "" && format != metricsimport.FormatAuto && !slicesHas(metricsimport.Formats, format) {
		s.problem(w, r, http.StatusBadRequest, "bad_query", "format must be auto or one of the formats", "format")
		return
	}
	f, err := spool(src)
	if err != nil {
		if tooLarge(err) || errors.Is(err, errImportTooLarge) {
			s.problem(w, r, http.StatusRequestEntityTooLarge, "too_large", s.cat.T("en", "error.metrics_import_too_large"), "file")
			return
		}
		s.apiError(w, r, err)
		return
	}
	defer func() { f.Close(); os.Remove(f.Name()) }()
	res, err := s.runMetricsImport(r, f, name, accountID, format, dry)
	var perr *metricsimport.Errors
	if errors.As(err, &perr) {
		writeProblemJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"type": "https://soroe.invalid/problems/invalid_file", "title": "Unprocessable Entity", "status": http.StatusUnprocessableEntity,
			"code": "invalid_file", "detail": "The file was rejected whole: nothing was imported.", "problems": s.problemsOut("en", perr), "total": perr.Total})
		return
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	status := http.StatusOK
	if !dry && !res.Store.AlreadyImported {
		status = http.StatusCreated
	}
	writeJSON(w, status, importOut{ImportSummary: res.Store, File: res.File})
}

// writeProblemJSON writes a problem document with extra members.
func writeProblemJSON(w http.ResponseWriter, status int, v map[string]any) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func slicesHas(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// ---- The upload page ----

type metricsImportPage struct {
	Accounts []*soroe.Account
	Formats  []string
	Imports  []*store.ImportSummary
	// After an upload: the preview (a dry run) and the token to confirm it,
	// or the problems of a rejected file.
	Preview  *importOut
	Token    string
	Name     string
	Account  int64
	Format   string
	Problems []problemOut
	Total    int
}

func (s *Server) metricsImportData(r *http.Request) (*metricsImportPage, error) {
	ctx, id := r.Context(), who(r)
	accounts, err := s.db.Accounts(ctx, id.Org.ID)
	if err != nil {
		return nil, err
	}
	imports, err := s.db.MetricImports(ctx, id.Org.ID, 20)
	if err != nil {
		return nil, err
	}
	return &metricsImportPage{Accounts: accounts, Formats: metricsimport.Formats, Imports: imports, Format: metricsimport.FormatAuto}, nil
}

func (s *Server) metricsImportForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.metricsImportData(r)
	if s.failed(w, r, err) {
		return
	}
	s.render(w, http.StatusOK, "metrics_import", s.newPage(w, r, "metrics.import_title", d))
}

// importDir holds uploads waiting for their preview to be confirmed.
func importDir() string { return filepath.Join(os.TempDir(), "soroe-metrics-imports") }

var tokenRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (s *Server) metricsImportPreview(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, metricsImportMaxBytes+1<<20)
	d, err := s.metricsImportData(r)
	if s.failed(w, r, err) {
		return
	}
	p := s.newPage(w, r, "metrics.import_title", d)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		p.Errors = map[string]string{"file": "metrics_import_too_large"}
		s.render(w, http.StatusRequestEntityTooLarge, "metrics_import", p)
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	d.Account, _ = strconv.ParseInt(r.PostFormValue("account"), 10, 64)
	d.Format = r.PostFormValue("format")
	file, hdr, err := r.FormFile("file")
	if err != nil {
		p.Errors = map[string]string{"file": "metrics_import_file_required"}
		s.render(w, http.StatusUnprocessableEntity, "metrics_import", p)
		return
	}
	defer file.Close()
	// Keep the upload for the confirmation.
	if err := os.MkdirAll(importDir(), 0o700); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sweepImports()
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	d.Token, d.Name = hex.EncodeToString(tok), filepath.Base(hdr.Filename)
	path := filepath.Join(importDir(), d.Token)
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if _, err := io.Copy(out, file); err != nil {
		out.Close()
		s.serverError(w, r, err)
		return
	}
	out.Close()
	s.sessions.Put(r.Context(), "metrics_import_"+d.Token, d.Name)
	f, err := os.Open(path)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	defer f.Close()
	res, err := s.runMetricsImport(r, f, d.Name, d.Account, d.Format, true)
	var perr *metricsimport.Errors
	switch {
	case errors.As(err, &perr):
		d.Problems, d.Total, d.Token = s.problemsOut(lang(r), perr), perr.Total, ""
		os.Remove(path)
		s.render(w, http.StatusUnprocessableEntity, "metrics_import", p)
		return
	case err != nil:
		os.Remove(path)
		s.formError(w, r, "metrics_import", p, err)
		return
	}
	d.Preview = &importOut{ImportSummary: res.Store, File: res.File}
	s.render(w, http.StatusOK, "metrics_import", p)
}

func (s *Server) metricsImportConfirm(w http.ResponseWriter, r *http.Request) {
	tok := r.PostFormValue("token")
	name := s.sessions.GetString(r.Context(), "metrics_import_"+tok)
	if !tokenRE.MatchString(tok) || name == "" {
		s.flash(r, "metrics.flash.import_expired")
		redirect(w, r, "/metrics/import")
		return
	}
	path := filepath.Join(importDir(), tok)
	f, err := os.Open(path)
	if err != nil {
		s.flash(r, "metrics.flash.import_expired")
		redirect(w, r, "/metrics/import")
		return
	}
	defer func() { f.Close(); os.Remove(path); s.sessions.Remove(r.Context(), "metrics_import_"+tok) }()
	account, _ := strconv.ParseInt(r.PostFormValue("account"), 10, 64)
	res, err := s.runMetricsImport(r, f, name, account, r.PostFormValue("format"), false)
	if err != nil {
		d, derr := s.metricsImportData(r)
		if s.failed(w, r, derr) {
			return
		}
		p := s.newPage(w, r, "metrics.import_title", d)
		var perr *metricsimport.Errors
		if errors.As(err, &perr) {
			d.Problems, d.Total = s.problemsOut(lang(r), perr), perr.Total
			s.render(w, http.StatusUnprocessableEntity, "metrics_import", p)
			return
		}
		s.formError(w, r, "metrics_import", p, err)
		return
	}
	if res.Store.AlreadyImported {
		s.flash(r, "metrics.flash.import_again")
	} else {
		s.flash(r, "metrics.flash.imported")
	}
	redirect(w, r, "/metrics/import")
}

// sweepImports removes uploads older than metricsImportKeep.
func (s *Server) sweepImports() {
	ents, err := os.ReadDir(importDir())
	if err != nil {
		return
	}
	for _, e := range ents {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > metricsImportKeep {
			os.Remove(filepath.Join(importDir(), e.Name()))
		}
	}
}

// metricsImportSample writes a small sample file of a format (invented
// data) for people to see what is read.
func (s *Server) metricsImportSample(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if !slicesHas(metricsimport.Formats, format) {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="soroe-sample-`+format+`.csv"`)
	_ = metricsimport.WriteSample(w, format, 20, 1)
}
