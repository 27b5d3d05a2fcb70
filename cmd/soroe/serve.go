package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/report"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/web"
)

func init() { commands = append(commands, newServeCmd) }

// serveOptions are serve's flags.
type serveOptions struct {
	addr       string
	baseURL    string
	demo       bool
	demoPublic bool
	trustProxy bool
	logFormat  string
	logLevel   string
	tlsCert    string
	tlsKey     string
	noPublish  bool
	// ready, when set, is called with the server's URL once it listens
	// (tests use it to learn the port of "127.0.0.1:0").
	ready func(url string)
}

func newServeCmd(a *app) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the web server and background jobs",
		Long: `Run Soroe: the web UI, the API under /api/v1, /healthz, /metrics and the
background jobs. Migrations are applied at start. SIGTERM or Ctrl-C shut down
gracefully.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.serve(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", env("SOROE_ADDR", "127.0.0.1:8080"), "listen address (env SOROE_ADDR)")
	f.StringVar(&o.baseURL, "base-url", env("SOROE_BASE_URL", ""), "public URL, for links; https makes cookies Secure (env SOROE_BASE_URL)")
	f.BoolVar(&o.demo, "demo", env("SOROE_DEMO", "") == "1", "seed the demo organization once and show the demo logins (env SOROE_DEMO=1)")
	f.BoolVar(&o.demoPublic, "demo-public", false, "allow --demo on a non-loopback address")
	f.BoolVar(&o.trustProxy, "trust-proxy", env("SOROE_TRUST_PROXY", "") == "1", "take client addresses from X-Forwarded-For (only behind a reverse proxy; env SOROE_TRUST_PROXY=1)")
	f.StringVar(&o.tlsCert, "tls-cert", env("SOROE_TLS_CERT", ""), "serve HTTPS with this certificate file (env SOROE_TLS_CERT; usually a reverse proxy does TLS)")
	f.StringVar(&o.tlsKey, "tls-key", env("SOROE_TLS_KEY", ""), "the certificate's private key file (env SOROE_TLS_KEY)")
	f.BoolVar(&o.noPublish, "no-publish", env(envPublish, "1") == "0", "serve only: publish no posts from this instance (env SOROE_PUBLISH=0)")
	f.StringVar(&o.logFormat, "log-format", env("SOROE_LOG_FORMAT", "text"), "log format: text or json (env SOROE_LOG_FORMAT)")
	f.StringVar(&o.logLevel, "log-level", env("SOROE_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env SOROE_LOG_LEVEL)")
	return cmd
}

// newLogger builds the process logger.
func newLogger(a *app, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(a.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(a.stderr, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", format)
}

// isLoopback reports whether a listen address only accepts local
// connections.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (a *app) serve(ctx context.Context, o *serveOptions) error {
	log, err := newLogger(a, o.logFormat, o.logLevel)
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	if o.demo && !o.demoPublic && !isLoopback(o.addr) {
		return fmt.Errorf("--demo serves well-known passwords: it listens only on loopback (127.0.0.1, ::1, localhost) unless --demo-public is given (got --addr %s)", o.addr)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	db, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := jobs.Migrate(ctx, db); err != nil {
		return err
	}
	log.Info("database ready", "engine", db.Engine, "data", a.where())
	var demoOrg int64
	if o.demo {
		if demoOrg, err = demo.Seed(ctx, db); err != nil {
			return err
		}
	}
	box, err := secretbox.Load(os.Getenv, a.dataDir, o.demo)
	if errors.Is(err, secretbox.ErrNoKey) {
		log.Warn("SOROE_SECRET_KEY is not set: connecting accounts and guest-approval links are refused until it is (any string of at least 32 characters)")
		box = nil
	} else if err != nil {
		return err
	}
	gen, err := newGenerator(db, log)
	if err != nil {
		return err
	}
	jcfg := jobs.Config{Logger: log, Materials: material.Processor{DB: db}}
	stopFakes, err := publishing(ctx, db, box, &jcfg, !o.noPublish, demoOrg, log)
	if err != nil {
		return err
	}
	defer stopFakes()
	// Media links for networks that fetch by URL: under the public base
	// URL or, for a demo without one, under the address it listens on
	// (which its fake networks on loopback can reach), set below.
	mediaBase := o.baseURL
	if jcfg.Publish.Engine != nil {
		jcfg.Publish.Engine.Media = mediaLoader(db, box, func() string { return mediaBase }, a.clock)
		jcfg.Publish.Engine.TrackBase = strings.TrimRight(o.baseURL, "/")
	}
	if jcfg.Accounts, err = accountHealth(box, o.baseURL, o.demo); err != nil {
		return err
	}
	// Notifications to the organizations' Slack, Teams and generic
	// webhooks, behind the same SSRF guard as material fetching.
	jcfg.Notify = &jobs.NotifyConfig{Sender: deliver.New(deliver.OptionsFromEnv()), BaseURL: strings.TrimRight(o.baseURL, "/"), Box: box}
	if o.demo {
		// The demo's month of posts, on the accounts publishing just
		// connected (demo.SeedAccounts); seeded once, nothing without them.
		if err := demo.SeedPosts(ctx, db, demoOrg); err != nil {
			return err
		}
		if err := demo.SeedMetrics(ctx, db, demoOrg); err != nil {
			return err
		}
	}
	// Scheduled reports: made and sent by a River periodic job with the web
	// server's report builder, which is made after the runner.
	var srvRef *web.Server
	jcfg.Reports = &jobs.ReportsConfig{
		Make: func(ctx context.Context, org *soroe.Org, kind string, p soroe.Period) (*store.StoredReport, bool, error) {
			return srvRef.MakeScheduledReport(ctx, org, kind, p)
		},
		Send: func(ctx context.Context, sr *store.StoredReport) (int, error) {
			return srvRef.SendStoredReport(ctx, sr)
		},
	}
	runner, err := jobs.New(db, jcfg)
	if err != nil {
		return err
	}
	srv, err := web.New(web.Config{Store: db, BaseURL: strings.TrimRight(o.baseURL, "/"), TrustProxy: o.trustProxy, Logger: log, Clock: a.clock, Demo: o.demo,
		TLSCert: o.tlsCert, TLSKey: o.tlsKey, Generator: gen, ProcessMaterial: runner.ProcessMaterial, RefreshMetrics: runner.RefreshMetrics,
		DeliverReport: func(ctx context.Context, key string, m deliver.Message) (int, error) {
			return jobs.Deliver(ctx, db, runner.Client(), key, m)
		}, Fetch: material.FetchOptionsFromEnv(), Secrets: box})
	if err != nil {
		return err
	}
	srvRef = srv // the scheduled reports' builder (the runner starts below)
	if o.demo {
		if err := seedDemoResults(ctx, db, srv, demoOrg); err != nil {
			return err
		}
	}
	l, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	scheme := "http://"
	if o.tlsCert != "" {
		scheme = "https://"
	}
	url := scheme + l.Addr().String()
	if o.baseURL != "" {
		url = o.baseURL
	}
	if o.demo && mediaBase == "" {
		mediaBase = url
	}
	// Jobs run until the server has stopped, then get their own grace.
	jobCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer stopJobs()
	if err := runner.Start(jobCtx); err != nil {
		l.Close()
		return err
	}
	fmt.Fprintf(a.stdout, "Soroe is running at %s\n", url)
	if o.demo {
		fmt.Fprintf(a.stdout, "Demo logins (password %q):\n", demo.Password)
		for _, u := range demo.Users {
			fmt.Fprintf(a.stdout, "  %-10s %s\n", u.Role, u.Email)
		}
	}
	if o.ready != nil {
		o.ready(scheme + l.Addr().String())
	}
	serveErr := srv.Serve(ctx, l, 20*time.Second)
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	jobErr := runner.Stop(sctx)
	if errors.Is(serveErr, context.Canceled) {
		serveErr = nil
	}
	log.Info("stopped")
	return errors.Join(serveErr, jobErr)
}

// newGenerator builds the 型 and draft generator: an OpenAI-compatible model
// when SOROE_LLM_BASE_URL and SOROE_LLM_MODEL are set (with the builtin
// generator as its fallback), else the builtin one. Tokens are logged per
// organization.
func newGenerator(db *store.DB, log *slog.Logger) (generate.Generator, error) {
	cfg, err := generate.ConfigFromEnv()
	if err != nil {
		return nil, err
	}
	cfg.Logger = log
	cfg.OnUsage = func(ctx context.Context, m generate.Meta) {
		org, ok := web.OrgIDFrom(ctx)
		if !ok || m.Model == "" {
			return
		}
		u := store.LLMUsage{OrgID: org, Model: m.Model, Purpose: m.Task, PromptTokens: m.PromptTokens, CompletionTokens: m.CompletionTokens, Outcome: m.Outcome()}
		if err := db.RecordLLMUsage(context.WithoutCancel(ctx), u); err != nil {
			log.Error("recording model usage", "err", err, "org", org)
		}
	}
	if cfg.HasModel() {
		log.Info("generator: OpenAI-compatible model", "model", cfg.Model, "base_url", cfg.BaseURL)
	}
	return generate.New(cfg), nil
}

// where says where the data is, without secrets.
func (a *app) where() string {
	if a.databaseURL != "" {
		return "postgresql"
	}
	if abs, err := os.Getwd(); err == nil && !strings.HasPrefix(a.dataDir, "/") {
		return abs + "/" + a.dataDir
	}
	return a.dataDir
}

// seedDemoResults gives the demo its actions and its two past monthly
// reports (made as the schedule makes them), once.
func seedDemoResults(ctx context.Context, db *store.DB, srv *web.Server, orgID int64) error {
	if orgID == 0 {
		return nil
	}
	if err := demo.SeedActions(ctx, db, orgID); err != nil {
		return err
	}
	if have, err := db.Reports(ctx, orgID, 1); err != nil || len(have) > 0 {
		return err
	}
	// The reports read the scores: give the seeded posts theirs first (the
	// scoring job would, a moment later).
	for range 20 {
		n, err := measure.ScoreDue(ctx, db, db.Now(), 500)
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	org, err := db.Org(ctx, orgID)
	if err != nil {
		return err
	}
	now := db.Now().In(org.Location())
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for i := 2; i >= 1; i-- {
		month := first.AddDate(0, -i, 0).Format("2006-01")
		p, err := web.ReportPeriod(report.Monthly, month, "", "")
		if err != nil {
			return err
		}
		if _, err := srv.StoreReport(ctx, org, report.Monthly, p, 0); err != nil {
			return err
		}
	}
	return nil
}
