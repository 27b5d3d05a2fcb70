package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

//go:embed templates/*.html templates/partials/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// parseTemplates parses each page together with the layout.
func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	pages, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "layout" {
			continue
		}
		// Partials (templates/partials/*.html) are shared by every page.
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html", p)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"roleKey": func(r soroe.Role) string { return "role." + string(r) },
		"roles":   func() []soroe.Role { return soroe.Roles },
		"zones":   func() []string { return timeZones },
		"now":     func() time.Time { return s.now() },
		"icon":    icon,
		"inc":     func(i int) int { return i + 1 }, // 0-based offsets shown 1-based
		"list":    func(xs ...string) []string { return xs },
		// slotAction is what the slot_action partial shows for a planned
		// slot: its post, its 「書く」 link, or that it passed unwritten.
		"slotAction": func(p *page, row planRow) slotActionData { return slotActionData{Page: p, Row: row} },
		"localInput": func(t *time.Time, o *soroe.Org) string {
			if t == nil {
				return ""
			}
			return t.In(o.Location()).Format("2006-01-02T15:04")
		},
		"excerpt": func(s string, n int) string {
			r := []rune(strings.Join(strings.Fields(s), " "))
			if len(r) <= n {
				return string(r)
			}
			return string(r[:n]) + "…"
		},
		"initial": func(name string) string {
			for _, r := range name {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
	}
}

// icons are the navigation's line icons (24×24 paths, drawn with
// currentColor).
var icons = map[string]string{
	"home":     `<path d="M3 11.5 12 4l9 7.5"/><path d="M5 10v10h5v-6h4v6h5V10"/>`,
	"users":    `<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.6 3.4-5.5 6.5-5.5s5.7 1.9 6.5 5.5"/><circle cx="17" cy="9" r="2.5"/><path d="M16.5 14.2c2.6.2 4.4 1.9 5 4.8"/>`,
	"building": `<path d="M4 21V5l8-2v18"/><path d="M12 9h8v12"/><path d="M2 21h20"/><path d="M7 8h2M7 12h2M7 16h2M15 13h2M15 17h2"/>`,
	"key":      `<circle cx="8" cy="15" r="4"/><path d="m11 12 9-9M16 7l3 3M14 9l2 2"/>`,
	"check":    `<path d="M4 5h11M4 10h8M4 15h6"/><path d="m13 17 3 3 5-6"/>`,
	"file":     `<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8l-5-5Z"/><path d="M14 3v5h5M9 13h6M9 17h4"/>`,
	"pen":      `<path d="M4 20h4L19 9l-4-4L4 16v4Z"/><path d="m13.5 6.5 4 4"/>`,
	"target":   `<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="5"/><circle cx="12" cy="12" r="1.5"/>`,
	"layers":   `<path d="m12 3 9 5-9 5-9-5 9-5Z"/><path d="m3 13 9 5 9-5"/>`,
	"send":     `<path d="M21 3 3 10.5l7 2.5 2.5 7L21 3Z"/><path d="m10 13 4.5-4.5"/>`,
	"bell":     `<path d="M6 16V11a6 6 0 1 1 12 0v5l2 2H4l2-2Z"/><path d="M10 21h4"/>`,
	"calendar": `<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>`,
	"chart":    `<path d="M4 20V11M10 20V5M16 20v-6M21 20H3"/>`,
	"history":  `<path d="M3.5 12a8.5 8.5 0 1 0 2.5-6"/><path d="M3 4v4h4"/><path d="M12 7.5V12l3 2"/>`,
}

func icon(name string) template.HTML {
	return template.HTML(`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">` + icons[name] + `</svg>`) //nolint:gosec // constant markup
}

// page is what every template gets.
type page struct {
	s      *Server
	r      *http.Request
	Lang   string
	Title  string // message key
	ID     *identity
	CSRF   string
	Flash  string // message key
	Path   string
	Nav    []navItem
	Data   any
	Form   url.Values
	Errors map[string]string // field → message key
	Demo   bool
	Unread int // the member's unread notifications
}

type navItem struct {
	Href, Key, Icon string
	Active          bool
}

// nav is the navigation, filtered by what the role may do.
var nav = []struct {
	Href, Key, Icon string
	Act             soroe.Action
}{
	{"/", "nav.home", "home", soroe.ActHome},
	{"/goals", "nav.goals", "target", soroe.ActGoalRead},
	{"/templates", "nav.templates", "layers", soroe.ActTemplateRead},
	{"/posts", "nav.posts", "send", soroe.ActPostRead},
	{"/overview", "nav.overview", "chart", soroe.ActMetricsRead},
	{"/history", "nav.history", "history", soroe.ActPostRead},
	{"/results", "nav.results", "target", soroe.ActPostWrite}, // who writes posts
	{"/team", "nav.team", "users", soroe.ActEffortRead},
	{"/insights", "nav.insights", "target", soroe.ActMetricsRead},
	{"/actions", "nav.actions", "check", soroe.ActActionRead},
	{"/reports", "nav.reports", "file", soroe.ActReportRead},
	{"/plan", "nav.plan", "calendar", soroe.ActTemplateRead},
	{"/calendar", "nav.calendar", "calendar", soroe.ActPostRead},
	{"/metrics/import", "nav.metrics_import", "chart", soroe.ActMetricsImport},
	{"/materials", "nav.materials", "file", soroe.ActMaterialRead},
	{"/check", "nav.check", "check", soroe.ActTextCheck},
	{"/members", "nav.members", "users", soroe.ActMemberRead},
	{"/org/profile", "nav.profile", "pen", soroe.ActProfileManage},
	{"/org/settings", "nav.org_settings", "building", soroe.ActOrgUpdate},
	{"/org/webhooks", "nav.webhooks", "bell", soroe.ActWebhookManage},
	{"/settings/tokens", "nav.tokens", "key", soroe.ActTokenOwn},
}

// T translates key into the page's language.
func (p *page) T(key string, args ...any) string { return p.s.cat.T(p.Lang, key, args...) }

// Can reports whether the current member may perform the named action.
func (p *page) Can(act string) bool {
	return p.ID.User != nil && p.ID.Org != nil && soroe.Can(p.ID.Role, soroe.Action(act))
}

// Local formats t in the organization's time zone (UTC without one).
func (p *page) Local(t time.Time) string {
	loc := time.UTC
	if p.ID.Org != nil {
		loc = p.ID.Org.Location()
	}
	if p.Lang == soroe.LangJA {
		return t.In(loc).Format("2006年1月2日 15:04")
	}
	return t.In(loc).Format("Jan 2, 2006 15:04")
}

// Err returns the translated error for a form field, or "".
func (p *page) Err(field string) string {
	if k, ok := p.Errors[field]; ok {
		return p.T("error." + k)
	}
	return ""
}

// Value returns a submitted form value, to refill a form after an error.
func (p *page) Value(field string) string { return p.Form.Get(field) }

func (s *Server) newPage(w http.ResponseWriter, r *http.Request, title string, data any) *page {
	id := who(r)
	p := &page{
		s: s, r: r, Lang: lang(r), Title: title, ID: id, Data: data, Path: r.URL.Path,
		CSRF: s.sessions.GetString(r.Context(), sessCSRF), Demo: s.cfg.Demo,
	}
	if s.sessions.Exists(r.Context(), sessFlash) {
		p.Flash = s.sessions.PopString(r.Context(), sessFlash)
	}
	if id.User != nil && id.Org != nil {
		if _, n, err := s.db.Notifications(r.Context(), id.Org.ID, id.User.ID, 0); err == nil {
			p.Unread = n
		}
		for _, n := range nav {
			if soroe.Can(id.Role, n.Act) {
				active := r.URL.Path == n.Href || (n.Href != "/" && strings.HasPrefix(r.URL.Path, n.Href))
				p.Nav = append(p.Nav, navItem{Href: n.Href, Key: n.Key, Icon: n.Icon, Active: active})
			}
		}
	}
	return p
}

// render writes a page with status.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
	t, ok := s.tpl[name]
	if !ok {
		s.serverError(w, p.r, fmt.Errorf("web: no template %q", name))
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		s.serverError(w, p.r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// flash sets a one-time message (a catalog key) shown on the next page.
func (s *Server) flash(r *http.Request, key string) { s.sessions.Put(r.Context(), sessFlash, key) }

// redirect answers a form post.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// errorPage renders an error page with a message key.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	p := s.newPage(w, r, "error.title", errorView{Title: "error.title", Lines: []string{s.cat.T(lang(r), key)}})
	s.render(w, status, "error", p)
}

// serverError logs err and renders a 500 page.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "err", err, "method", r.Method, "path", r.URL.Path)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte("500 Internal Server Error"))
}

// failed answers a request whose loading failed: 404 for what does not
// exist here (or belongs to another organization), 500 for anything else. It
// reports whether it answered.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, soroe.ErrNotFound):
		s.notFound(w, r)
	default:
		s.serverError(w, r, err)
	}
	return true
}

// formError re-renders a form with the error err points at; errors that are
// not the user's are server errors.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, p *page, err error) {
	var e *soroe.Error
	if !errors.As(err, &e) {
		s.serverError(w, r, err)
		return
	}
	field := e.Field
	if field == "" {
		field = "_"
	}
	p.Errors = map[string]string{field: e.Message}
	p.Form = r.PostForm
	status := http.StatusUnprocessableEntity
	switch e.Code {
	case soroe.ENotFound:
		status = http.StatusNotFound
	case soroe.EConflict:
		status = http.StatusConflict
	case soroe.EForbidden:
		status = http.StatusForbidden
	case soroe.ETooMany:
		status = http.StatusTooManyRequests
	}
	s.render(w, status, name, p)
}

// staticHandler serves embedded assets with long caching; file names are
// stable, so a version query (?v=) busts caches on upgrade.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	fsrv := http.FileServerFS(sub)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fsrv.ServeHTTP(w, r)
	}))
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
