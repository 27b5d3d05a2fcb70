package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
)

// registerMaterials registers company material (資料): files and web pages
// whose text is split into passages that drafts draw from and cite. The UI
// lists, uploads, shows and deletes them and searches their passages; the
// API does the same (api_materials.go).
//
// The search route's literal last segment is more specific than the
// {material} wildcard, so the mux sends /api/v1/materials/search to it.
func (s *Server) registerMaterials() error {
	read, manage := soroe.ActMaterialRead, soroe.ActMaterialManage
	return errors.Join(
		s.ui("GET /materials", read, s.materialList),
		s.ui("POST /materials", manage, s.materialUpload),
		s.ui("POST /materials/url", manage, s.materialAddURL),
		s.ui("GET /materials/{material}", read, s.materialPage),
		s.ui("POST /materials/{material}/delete", manage, s.materialDelete),

		s.api("GET /api/v1/materials", read, s.apiMaterials),
		s.api("POST /api/v1/materials", manage, s.apiCreateMaterial),
		s.api("GET /api/v1/materials/search", read, s.apiSearchMaterials),
		s.api("GET /api/v1/materials/{material}", read, s.apiMaterial),
		s.api("DELETE /api/v1/materials/{material}", manage, s.apiDeleteMaterial),
		s.api("GET /api/v1/materials/{material}/passages", read, s.apiMaterialPassages),
	)
}

// ---- Shared by the UI and the API ----

// errMaterialFileRequired is the error for an upload without a file.
var errMaterialFileRequired = soroe.Invalid("file", "material_file_required")

// tooLarge reports whether err says the upload is over the size limit
// (answered 413 rather than 422).
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || soroe.ErrorMessage(err) == material.ErrTooLarge
}

// upload is a file taken from a multipart form, checked and ready to store.
type upload struct {
	Kind  string
	Data  []byte
	Title string // the file's name without its extension
}

// readUpload reads the multipart form's "file" part: its size is checked
// before it is read, its kind is told from its name, declared type and first
// bytes (material.KindOf), and a password-protected Office file or a kind
// Soroe does not read is refused here, before anything is stored.
func readUpload(r *http.Request) (*upload, error) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		if tooLarge(err) {
			return nil, soroe.Invalid("file", material.ErrTooLarge)
		}
		return nil, errMaterialFileRequired
	}
	defer f.Close()
	if hdr.Size > material.MaxUpload {
		return nil, soroe.Invalid("file", material.ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(f, material.MaxUpload+1))
	if err != nil {
		return nil, err
	}
	if len(data) > material.MaxUpload {
		return nil, soroe.Invalid("file", material.ErrTooLarge)
	}
	if len(data) == 0 {
		return nil, soroe.Invalid("file", material.ErrEmpty)
	}
	kind, err := material.KindOf(hdr.Filename, hdr.Header.Get("Content-Type"), data)
	if err != nil {
		return nil, err
	}
	return &upload{Kind: kind, Data: data, Title: fileTitle(hdr.Filename)}, nil
}

// fileTitle is a file name without its folders and extension, the title of
// a material uploaded without one.
func fileTitle(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		return ""
	}
	if ext := path.Ext(name); ext != name {
		name = strings.TrimSuffix(name, ext)
	}
	return clipRunes(strings.TrimSpace(name), 200)
}

// clipRunes shortens s to at most n characters.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// titleOr is the title a person typed, or else fallback.
func titleOr(typed, fallback string) string {
	if t := strings.TrimSpace(typed); t != "" {
		return t
	}
	return fallback
}

// fetchPage fetches a web page (or a PDF on the web) as material, behind
// the SSRF guard that s.cfg.Fetch configures.
func (s *Server) fetchPage(ctx context.Context, rawURL, typedTitle string) (*soroe.Material, []byte, error) {
	if strings.TrimSpace(rawURL) == "" {
		return nil, nil, soroe.Invalid("url", "required")
	}
	title, kind, data, err := material.Fetch(ctx, rawURL, s.cfg.Fetch)
	if err != nil {
		return nil, nil, err
	}
	return &soroe.Material{Title: titleOr(typedTitle, title), Kind: kind, SourceURL: strings.TrimSpace(rawURL)}, data, nil
}

// addMaterial stores a new material of the caller's organization and starts
// its processing (a River job under serve; at once when no job queue is
// configured). It returns the material as it stands when processing has been
// started or done. When processing cannot even start, the material is marked
// failed, so that it never waits for a job that will not come.
func (s *Server) addMaterial(r *http.Request, m *soroe.Material, data []byte) (*soroe.Material, error) {
	id := who(r)
	m.OrgID, m.CreatedBy = id.Org.ID, id.User.ID
	if err := s.db.CreateMaterial(r.Context(), m, data); err != nil {
		return nil, err
	}
	// Processing must not stop because the uploader closed the tab.
	ctx := context.WithoutCancel(r.Context())
	if err := s.cfg.ProcessMaterial(ctx, m.OrgID, m.ID); err != nil {
		if ferr := s.db.FailMaterial(ctx, m.ID, material.ErrFailed); ferr != nil {
			err = errors.Join(err, ferr)
		}
		return nil, fmt.Errorf("web: process material %d: %w", m.ID, err)
	}
	return s.db.Material(ctx, m.OrgID, m.ID)
}

// Search defaults: how many passages a search returns.
const (
	searchDefaultK = 5
	searchMaxK     = 50
)

// searchMaterials returns the passages of the caller's organization most
// relevant to q.
func (s *Server) searchMaterials(r *http.Request, q string, k int) ([]soroe.Passage, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, soroe.Invalid("q", "required")
	}
	if utf8.RuneCountInString(q) > 200 {
		return nil, soroe.Invalid("q", "too_long")
	}
	// s.retriever (ui_generate.go) keeps one index cache per store.
	return s.retriever().Retrieve(r.Context(), who(r).Org.ID, q, min(max(k, 1), searchMaxK))
}

// materialErrorKey is the catalog key of a failed material's reason.
func materialErrorKey(m *soroe.Material) string {
	if m.Error == "" {
		return "error." + material.ErrFailed
	}
	return "error." + m.Error
}

// materialFixKey is the catalog key of what to do about a failed material.
func materialFixKey(m *soroe.Material) string {
	switch m.Error {
	case material.ErrBroken, material.ErrEncrypted, material.ErrEmpty, material.ErrUnsupported,
		material.ErrTooLarge, material.ErrTooLong, material.ErrTimeout:
		return "material.fix." + m.Error
	}
	return "material.fix." + material.ErrFailed
}

// fmtBytes writes a size as people read it: 512 B, 34 KB, 1.2 MB.
func fmtBytes(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	}
	mb := float64(n) / (1 << 20)
	if mb >= 10 {
		return fmt.Sprintf("%.0f MB", mb)
	}
	return fmt.Sprintf("%.1f MB", mb)
}

// ---- UI ----

// materialView is one material as the pages show it.
type materialView struct {
	*soroe.Material
	KindKey string // catalog key of the kind's badge
	Size    string
	By      string // who uploaded it
	Host    string // the web page's host, for web material
	ErrKey  string // why it failed (failed only)
	FixKey  string // what to do about it (failed only)
}

// Processing reports whether the material is still being processed.
func (v materialView) Processing() bool { return v.Status == soroe.MaterialProcessing }

// Ready reports whether the material's passages can be drawn from.
func (v materialView) Ready() bool { return v.Status == soroe.MaterialReady }

// Failed reports whether processing failed.
func (v materialView) Failed() bool { return v.Status == soroe.MaterialFailed }

var kindKeys = map[string]string{
	material.PDF: "material.kind.pdf", material.DOCX: "material.kind.docx", material.PPTX: "material.kind.pptx",
	material.TXT: "material.kind.txt", material.Markdown: "material.kind.txt", material.HTML: "material.kind.html",
}

// viewMaterial makes m ready for a page; names caches uploaders' names.
func (s *Server) viewMaterial(ctx context.Context, m *soroe.Material, names map[int64]string) (materialView, error) {
	v := materialView{Material: m, KindKey: kindKeys[m.Kind], Size: fmtBytes(m.Bytes)}
	if v.KindKey == "" {
		v.KindKey = "material.kind.other"
	}
	if name, ok := names[m.CreatedBy]; ok {
		v.By = name
	} else {
		u, err := s.db.User(ctx, m.CreatedBy)
		if err != nil && !errors.Is(err, soroe.ErrNotFound) {
			return v, err
		}
		if u != nil {
			v.By = u.Name
		}
		names[m.CreatedBy] = v.By
	}
	if m.SourceURL != "" {
		if u, err := url.Parse(m.SourceURL); err == nil {
			v.Host = u.Hostname()
		}
	}
	if m.Status == soroe.MaterialFailed {
		v.ErrKey, v.FixKey = materialErrorKey(m), materialFixKey(m)
	}
	return v, nil
}

// searchHit is a passage found by a search, as the list page shows it.
type searchHit struct {
	soroe.Passage
	Where string // the locator, for people
}

type materialsData struct {
	Materials  []materialView
	Processing bool // some material is still being processed
	MaxUpload  int64
	MaxSize    string
	Accept     string
	Query      string
	Searched   bool
	Hits       []searchHit
}

// materialAccept is what the file picker offers.
const materialAccept = ".pdf,.docx,.pptx,.txt,.md,.markdown,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.presentationml.presentation,text/plain,text/markdown"

// materialsPage loads the list page's data (and runs the search in ?q=).
func (s *Server) materialsPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	ms, err := s.db.Materials(ctx, who(r).Org.ID)
	if err != nil {
		return nil, err
	}
	d := &materialsData{MaxUpload: material.MaxUpload, MaxSize: fmtBytes(material.MaxUpload), Accept: materialAccept}
	names := map[int64]string{}
	for _, m := range ms {
		v, err := s.viewMaterial(ctx, m, names)
		if err != nil {
			return nil, err
		}
		d.Processing = d.Processing || v.Processing()
		d.Materials = append(d.Materials, v)
	}
	p := s.newPage(w, r, "material.title", d)
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" && r.Method == http.MethodGet {
		d.Query, d.Searched = q, true
		hits, err := s.searchMaterials(r, q, 8)
		if err != nil {
			var e *soroe.Error
			if !errors.As(err, &e) {
				return nil, err
			}
			p.Errors = map[string]string{"q": e.Message}
		}
		for _, h := range hits {
			d.Hits = append(d.Hits, searchHit{Passage: h, Where: material.LocatorText(h.Locator, p.Lang)})
		}
	}
	return p, nil
}

func (s *Server) materialList(w http.ResponseWriter, r *http.Request) {
	p, err := s.materialsPage(w, r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "materials", p)
}

// materialFormError shows the list page again with err on the field of the
// form that was sent (413 for a file over the limit, 422 otherwise).
func (s *Server) materialFormError(w http.ResponseWriter, r *http.Request, err error, fieldAlias map[string]string) {
	var e *soroe.Error
	if !errors.As(err, &e) {
		s.serverError(w, r, err)
		return
	}
	p, perr := s.materialsPage(w, r)
	if perr != nil {
		s.serverError(w, r, perr)
		return
	}
	field := e.Field
	if a, ok := fieldAlias[field]; ok {
		field = a
	}
	if field == "" {
		field = "_"
	}
	p.Errors = map[string]string{field: e.Message}
	p.Form = r.PostForm
	status := http.StatusUnprocessableEntity
	if tooLarge(err) {
		status = http.StatusRequestEntityTooLarge
	}
	s.render(w, status, "materials", p)
}

// uploadedFlash is the message shown after a material was added: done,
// failed, or (with a job queue) still being read.
func uploadedFlash(m *soroe.Material) string {
	switch m.Status {
	case soroe.MaterialReady:
		return "material.flash_ready"
	case soroe.MaterialFailed:
		return "material.flash_failed"
	}
	return "material.flash_processing"
}

func (s *Server) materialUpload(w http.ResponseWriter, r *http.Request) {
	up, err := readUpload(r)
	if err != nil {
		s.materialFormError(w, r, err, nil)
		return
	}
	m, err := s.addMaterial(r, &soroe.Material{Title: titleOr(r.PostFormValue("title"), up.Title), Kind: up.Kind}, up.Data)
	if err != nil {
		s.materialFormError(w, r, err, nil)
		return
	}
	s.flash(r, uploadedFlash(m))
	redirect(w, r, "/materials")
}

func (s *Server) materialAddURL(w http.ResponseWriter, r *http.Request) {
	m, data, err := s.fetchPage(r.Context(), r.PostFormValue("url"), r.PostFormValue("url_title"))
	if err == nil {
		m, err = s.addMaterial(r, m, data)
	}
	if err != nil {
		// The web page form's fields are url and url_title; the file
		// form's title is "title".
		s.materialFormError(w, r, err, map[string]string{"title": "url_title", "file": "url"})
		return
	}
	s.flash(r, uploadedFlash(m))
	redirect(w, r, "/materials")
}

// passagesPerPage is how many passages the material page shows at once.
const passagesPerPage = 50

type materialData struct {
	M        materialView
	Passages []searchHit
	Page     int // 1-based
	Pages    int
	First    int // 1-based number of the first passage shown
}

// Prev and Next are the neighbouring pages of passages, or 0.
func (d *materialData) Prev() int {
	if d.Page > 1 {
		return d.Page - 1
	}
	return 0
}

func (d *materialData) Next() int {
	if d.Page < d.Pages {
		return d.Page + 1
	}
	return 0
}

// pathMaterial is the caller's organization's material the path names.
func (s *Server) pathMaterial(r *http.Request) (*soroe.Material, error) {
	id, err := pathID(r, "material")
	if err != nil {
		return nil, err
	}
	return s.db.Material(r.Context(), who(r).Org.ID, id)
}

func (s *Server) materialPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, err := s.pathMaterial(r)
	if errors.Is(err, soroe.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	v, err := s.viewMaterial(ctx, m, map[int64]string{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ps, err := s.db.PassagesOf(ctx, m.OrgID, m.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &materialData{M: v, Page: 1, Pages: max(1, (len(ps)+passagesPerPage-1)/passagesPerPage)}
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil {
		d.Page = min(max(n, 1), d.Pages)
	}
	from := (d.Page - 1) * passagesPerPage
	d.First = from + 1
	l := lang(r)
	for _, p := range ps[from:min(from+passagesPerPage, len(ps))] {
		d.Passages = append(d.Passages, searchHit{Passage: p, Where: material.LocatorText(p.Locator, l)})
	}
	s.render(w, http.StatusOK, "material", s.newPage(w, r, "material.title", d))
}

func (s *Server) materialDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "material")
	if err == nil {
		err = s.db.DeleteMaterial(r.Context(), who(r).Org.ID, id)
	}
	if errors.Is(err, soroe.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, "error.not_found")
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "material.flash_deleted")
	redirect(w, r, "/materials")
}
