// Package web is Soroe's HTTP server: the server-rendered UI, the JSON API
// under /api/v1, health and metrics. Every route names one soroe.Action; the
// roles table in package soroe decides who may call it.
package web

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
)

// Config configures a Server.
type Config struct {
	Store *store.DB
	// BaseURL is the public URL (for links in invitations); when it is
	// https, cookies are Secure.
	BaseURL string
	// TrustProxy makes the server take the client address from
	// X-Forwarded-For (set it only behind a reverse proxy).
	TrustProxy bool
	Logger     *slog.Logger
	Clock      soroe.Clock
	// Registry receives the server's metrics; nil makes a new one.
	Registry *prometheus.Registry
	// Demo adds a notice with the demo logins to the login page.
	Demo bool
	// TLSCert and TLSKey, when both set, make Serve speak HTTPS itself (and
	// cookies Secure). Usually a reverse proxy terminates TLS instead.
	TLSCert, TLSKey string
	// Generator writes 型 and drafts; nil means the builtin generator.
	Generator generate.Generator
	// ProcessMaterial starts processing an uploaded material (serve enqueues
	// a River job); nil processes it before the request returns.
	ProcessMaterial func(ctx context.Context, orgID, materialID int64) error
	// RefreshMetrics enqueues a pull of one post's numbers now (serve
	// enqueues a River job); nil: the refresh button answers that pulls
	// are off on this instance.
	RefreshMetrics func(ctx context.Context, orgID, postID int64) error
	// DeliverReport queues a report's message for the organization's
	// webhooks that want reports (serve: jobs.Deliver, retried River jobs)
	// and says how many; key makes a second call with it queue nothing.
	// nil: sending is off on this instance.
	DeliverReport func(ctx context.Context, key string, m deliver.Message) (int, error)
	// Fetch is how web pages are fetched as material (the SSRF guard's
	// settings); the zero value refuses private addresses.
	Fetch material.FetchOptions
	// Deliver sends the settings page's test messages to webhooks; nil
	// means deliver.New with Fetch's guard (AllowPrivate alike).
	Deliver deliver.Sender
	// Secrets seals network credentials and signs guest-approval links
	// (SOROE_SECRET_KEY); nil refuses both with a clear message.
	Secrets *secretbox.Box
}

// Server serves Soroe over HTTP.
type Server struct {
	cfg      Config
	db       *store.DB
	log      *slog.Logger
	now      soroe.Clock
	sessions *scs.SessionManager
	cat      *i18n.Catalog
	tpl      map[string]*template.Template
	mux      *http.ServeMux
	routes   []Route
	metrics  *metrics
	handler  http.Handler
	// Tracked links: clicks written in batches, codes cached, the pixel
	// rate-limited (links.go).
	clicks     *clickBatcher
	linkc      linkCache
	pixelLimit pixelLimiter
}

// Route is one registered route, listed for the role and OpenAPI tests.
type Route struct {
	Method  string // "" for a catch-all that takes every method
	Pattern string // the path, with {name} wildcards
	Action  soroe.Action
	API     bool
}

func init() {
	// Session values are gob-encoded by scs.
	gob.Register(time.Time{})
}

// Session keys.
const (
	sessUser   = "user_id"
	sessOrg    = "org_id"
	sessAuthAt = "auth_at"
	sessCSRF   = "csrf"
	sessFlash  = "flash"
)

// New builds a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = soroe.SystemClock
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.Generator == nil {
		cfg.Generator = generate.NewBuiltin()
	}
	if cfg.Deliver == nil {
		cfg.Deliver = deliver.New(deliver.Options{AllowPrivate: cfg.Fetch.AllowPrivate, Now: cfg.Clock})
	}
	if cfg.ProcessMaterial == nil {
		cfg.ProcessMaterial = func(ctx context.Context, orgID, id int64) error {
			return material.Process(ctx, cfg.Store, orgID, id)
		}
	}
	s := &Server{
		cfg: cfg, db: cfg.Store, log: cfg.Logger, now: cfg.Clock,
		cat: i18n.Default(), mux: http.NewServeMux(),
	}
	s.linkc.m = map[string]linkEntry{}
	s.clicks = newClickBatcher(cfg.Store.RecordClicks, clickFlushEvery, clickBatchMax, func(err error, n int) {
		s.log.Error("links: clicks lost", "err", err, "clicks", n)
	})
	s.sessions = scs.New()
	s.sessions.Store = cfg.Store.Sessions()
	s.sessions.HashTokenInStore = true
	s.sessions.Lifetime = 30 * 24 * time.Hour
	s.sessions.IdleTimeout = 7 * 24 * time.Hour
	s.sessions.Cookie.Name = "soroe_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = strings.HasPrefix(cfg.BaseURL, "https://") || cfg.TLSCert != ""
	s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.log.Error("session", "err", err, "path", r.URL.Path)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
	var err error
	if s.tpl, err = parseTemplates(s.funcs()); err != nil {
		return nil, err
	}
	s.metrics = newMetrics(cfg.Registry, cfg.Store)
	if err := s.register(); err != nil {
		return nil, err
	}
	s.handler = s.metrics.wrap(s.recoverer(s.secureHeaders(s.mux)))
	return s, nil
}

// How often, or after how many, buffered clicks are written.
const (
	clickFlushEvery = 500 * time.Millisecond
	clickBatchMax   = 256
)

// Close writes what the server still holds in memory (buffered clicks).
// Serve calls it on shutdown; a caller that serves s itself calls it after
// its last request.
func (s *Server) Close() { s.clicks.Close() }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every registered route.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// handle registers one route. pattern is "METHOD /path". A route whose action
// is not in the roles table is a programming error: New fails.
func (s *Server) handle(pattern string, act soroe.Action, api bool, h http.Handler) error {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok { // a catch-all for every method
		method, path = "", pattern
	}
	if _, ok := soroe.RightFor(act); !ok {
		return fmt.Errorf("web: route %q names action %q, which is not in soroe.Rights", pattern, act)
	}
	s.routes = append(s.routes, Route{Method: method, Pattern: path, Action: act, API: api})
	s.mux.Handle(pattern, h)
	return nil
}

// ui wraps a UI handler: session, identity, role check, CSRF.
func (s *Server) ui(pattern string, act soroe.Action, h http.HandlerFunc) error {
	return s.handle(pattern, act, false, s.sessions.LoadAndSave(s.uiAuth(act, s.csrf(h))))
}

// api wraps an API handler: bearer token, identity, role check.
func (s *Server) api(pattern string, act soroe.Action, h http.HandlerFunc) error {
	return s.handle(pattern, act, true, s.apiAuth(act, h))
}

// Serve serves on l until ctx ends, then shuts down gracefully, giving
// in-flight requests up to grace to finish.
func (s *Server) Serve(ctx context.Context, l net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() {
		if s.cfg.TLSCert != "" {
			errc <- srv.ServeTLS(l, s.cfg.TLSCert, s.cfg.TLSKey)
			return
		}
		errc <- srv.Serve(l)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	s.Close() // the clicks still buffered
	if err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
