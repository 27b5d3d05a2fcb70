package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/soroe/soroe/importer/planimport"
	"github.com/soroe/soroe/importer/postimport"
)

// importError is one problem of a plan file as the API lists it.
type importError struct {
	Line    int    `json:"line"`             // as the spreadsheet numbers it; 1 is the header, 0 the whole file
	Column  string `json:"column,omitempty"` // the column's header as written in the file
	Field   string `json:"field,omitempty"`  // the canonical column: scheduled_at, account, text, goal, template, link
	Code    string `json:"code"`             // stable key
	Message string `json:"message"`          // English
	Value   string `json:"value,omitempty"`  // the offending value, shortened
}

func importErrors(ps []planimport.Problem) []importError {
	out := make([]importError, len(ps))
	for i, p := range ps {
		col := p.Header
		if col == "" {
			col = p.Column
		}
		out[i] = importError{Line: p.Line, Column: col, Field: p.Column, Code: p.Key, Message: p.Message, Value: p.Value}
	}
	return out
}

// importResult is the API's answer to an import.
type importResult struct {
	Rows     int           `json:"rows"`
	PostIDs  []int64       `json:"post_ids"`
	State    string        `json:"state"`
	DryRun   bool          `json:"dry_run"`
	Warnings []importError `json:"warnings"`
}

// apiImportPosts imports a content plan: multipart/form-data with "file";
// or the file itself as the body (text/csv, text/tab-separated-values,
// text/plain or XLSX); or application/json {"content", "filename"}. With
// dry_run (a query parameter, form field or JSON member) it only checks.
func (s *Server) apiImportPosts(w http.ResponseWriter, r *http.Request) {
	dryRun := isTrue(r.URL.Query().Get("dry_run"))
	filename := r.URL.Query().Get("filename")
	var body io.Reader
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	r.Body = http.MaxBytesReader(w, r.Body, importMaxBytes+1<<20)
	switch mt {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			if tooLarge(err) {
				s.importTooLarge(w, r)
				return
			}
			s.problem(w, r, http.StatusBadRequest, "bad_multipart", "The multipart/form-data body cannot be read: "+err.Error(), "")
			return
		}
		defer func() { _ = r.MultipartForm.RemoveAll() }()
		f, hdr, err := r.FormFile("file")
		if err != nil {
			s.problem(w, r, http.StatusUnprocessableEntity, "invalid", s.cat.T("en", "error.import_file_required"), "file")
			return
		}
		defer f.Close()
		body, filename = f, hdr.Filename
		dryRun = dryRun || isTrue(r.PostFormValue("dry_run"))
	case "application/json":
		var in struct {
			Content  string `json:"content"`
			Filename string `json:"filename"`
			DryRun   bool   `json:"dry_run"`
		}
		if !s.decodeImportJSON(w, r, &in) {
			return
		}
		body, dryRun = strings.NewReader(in.Content), dryRun || in.DryRun
		if in.Filename != "" {
			filename = in.Filename
		}
	case "text/csv", "text/tab-separated-values", "text/plain", "application/octet-stream",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		data, err := io.ReadAll(r.Body)
		if err != nil {
			if tooLarge(err) {
				s.importTooLarge(w, r)
				return
			}
			s.problem(w, r, http.StatusBadRequest, "bad_body", err.Error(), "")
			return
		}
		body = bytes.NewReader(data)
		if filename == "" && mt == "text/tab-separated-values" {
			filename = "content-plan.tsv"
		}
	default:
		s.problem(w, r, http.StatusUnsupportedMediaType, "unsupported_media_type",
			"Send the plan as multipart/form-data (file), text/csv, text/tab-separated-values, an XLSX file, or application/json {\"content\": …}.", "")
		return
	}
	if filename == "" {
		filename = "content-plan.csv"
	}
	res, err := s.runImport(r, body, filename, dryRun)
	if e, ok := postimport.IsProblems(err); ok {
		status, code := http.StatusUnprocessableEntity, "invalid_plan"
		if e.Has(planimport.KeyFileTooLarge) {
			status, code = http.StatusRequestEntityTooLarge, "too_large"
		}
		s.importProblem(w, status, code, e.Problems)
		return
	} else if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := importResult{Rows: res.Rows, PostIDs: res.PostIDs, State: res.State, DryRun: dryRun, Warnings: importErrors(res.Warnings)}
	status := http.StatusCreated
	if dryRun {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
}

// decodeImportJSON reads the JSON form of an import (its content may be as
// large as a plan file).
func (s *Server) decodeImportJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.importTooLarge(w, r)
			return false
		}
		s.problem(w, r, http.StatusBadRequest, "bad_json", err.Error(), "")
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		s.problem(w, r, http.StatusBadRequest, "bad_json", "The body holds more than one JSON value.", "")
		return false
	}
	return true
}

func (s *Server) importTooLarge(w http.ResponseWriter, r *http.Request) {
	s.importProblem(w, http.StatusRequestEntityTooLarge, "too_large", []planimport.Problem{{Key: planimport.KeyFileTooLarge,
		Message: s.cat.T("en", "error.import_too_large")}})
}

// importProblem writes a problem document that lists every problem of the
// file in "errors".
func (s *Server) importProblem(w http.ResponseWriter, status int, code string, ps []planimport.Problem) {
	detail := strconv.Itoa(len(ps)) + " problem(s) in the file; nothing was imported."
	if len(ps) == 1 {
		detail = "1 problem in the file; nothing was imported."
	}
	body := map[string]any{
		"type":   "https://soroe.invalid/problems/" + code,
		"title":  http.StatusText(status),
		"status": status,
		"code":   code,
		"detail": detail,
		"errors": importErrors(ps),
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

func isTrue(s string) bool {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	return err == nil && b
}
