package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/bluesky"
	"github.com/soroe/soroe/network/facebook"
	"github.com/soroe/soroe/network/instagram"
	"github.com/soroe/soroe/network/line"
	"github.com/soroe/soroe/network/linkedin"
	"github.com/soroe/soroe/network/mastodon"
	"github.com/soroe/soroe/network/threads"
	"github.com/soroe/soroe/network/x"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
)

// Publishing settings from the environment (README, "Configuration").
const (
	// envPublish=0 runs an instance that serves only (like --no-publish).
	envPublish = "SOROE_PUBLISH"
	// envNetworkURL is SOROE_NETWORK_<NAME>_API_URL: another API root for
	// one network (a test fake, an on-premise gateway). For Bluesky it is
	// the PDS of accounts that name none; Mastodon has none (every
	// account names its instance).
	envNetworkURL = "SOROE_NETWORK_%s_API_URL"
	// The schedule: Go durations ("5s", "1m").
	envDispatchEvery = "SOROE_PUBLISH_DISPATCH_EVERY" // how often due posts are looked for (5s)
	envResolveEvery  = "SOROE_PUBLISH_RESOLVE_EVERY"  // how often unconfirmed posts are checked (1m)
	envLease         = "SOROE_PUBLISH_LEASE"          // how long one attempt may take before its outcome counts as unknown (2m)
	envGrace         = "SOROE_PUBLISH_GRACE"          // how long a post a network does not list may still appear (10m)
	envRedispatch    = "SOROE_PUBLISH_REDISPATCH"     // how long a due post gets no second job (1m)
	envJobsWorkers   = "SOROE_JOBS_WORKERS"           // jobs (posts) worked at once per instance (10)
	envJobsPoll      = "SOROE_JOBS_POLL"              // how often River looks for jobs without a notification (1s)
)

// networkTimeout bounds each request to a network; the lease (2 min by
// default) must exceed it.
const networkTimeout = 30 * time.Second

// networkURL is the API root for a network: SOROE_NETWORK_<NAME>_API_URL,
// or def (the real API).
func networkURL(n soroe.Network, def string) string {
	if v := strings.TrimSpace(os.Getenv(fmt.Sprintf(envNetworkURL, strings.ToUpper(string(n))))); v != "" {
		return strings.TrimRight(v, "/")
	}
	return def
}

// guardedClient is the HTTP client for hosts people type in (a Mastodon
// instance, a Bluesky PDS): it connects only to public addresses, checked
// at dial time by material.PublicOnly (after DNS, on every redirect), and
// through no proxy (the proxy would be what is checked), unless
// SOROE_ALLOW_PRIVATE_URLS=1. allow lists addresses ("127.0.0.1:port")
// let through all the same: the demo's own fake networks.
func guardedClient(allow map[string]bool) *http.Client {
	if os.Getenv(material.EnvAllowPrivateURLs) == "1" {
		return &http.Client{Timeout: networkTimeout}
	}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, c syscall.RawConn) error {
		if allow[address] {
			return nil
		}
		return material.PublicOnly(network, address, c)
	}}
	tr := &http.Transport{Proxy: nil, DialContext: d.DialContext, TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 8, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true}
	return &http.Client{Timeout: networkTimeout, Transport: tr}
}

// adapters returns a publisher for every network, each on its real API
// unless SOROE_NETWORK_<NAME>_API_URL says otherwise.
func adapters(allow map[string]bool) map[soroe.Network]network.Publisher {
	fixed := &http.Client{Timeout: networkTimeout, Transport: &http.Transport{Proxy: http.ProxyFromEnvironment,
		MaxIdleConnsPerHost: 32, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true}}
	guarded := guardedClient(allow)
	return map[soroe.Network]network.Publisher{
		soroe.NetworkX:         x.New(x.Options{BaseURL: networkURL(soroe.NetworkX, x.DefaultBaseURL), HTTPClient: fixed}),
		soroe.NetworkLINE:      line.New(line.Options{BaseURL: networkURL(soroe.NetworkLINE, line.DefaultBaseURL), HTTPClient: fixed}),
		soroe.NetworkThreads:   threads.New(threads.Options{BaseURL: networkURL(soroe.NetworkThreads, threads.DefaultBaseURL), HTTPClient: fixed}),
		soroe.NetworkInstagram: instagram.New(instagram.Options{BaseURL: networkURL(soroe.NetworkInstagram, instagram.DefaultBaseURL), HTTPClient: fixed}),
		soroe.NetworkFacebook:  facebook.New(facebook.Options{BaseURL: networkURL(soroe.NetworkFacebook, facebook.DefaultBaseURL), HTTPClient: fixed}),
		soroe.NetworkLinkedIn:  linkedin.New(linkedin.Options{BaseURL: networkURL(soroe.NetworkLinkedIn, linkedin.DefaultBaseURL), HTTPClient: fixed}),
		soroe.NetworkMastodon:  mastodon.New(mastodon.Options{HTTPClient: guarded}),
		soroe.NetworkBluesky: defaultHost{bluesky.New(bluesky.Options{HTTPClient: guarded}),
			networkURL(soroe.NetworkBluesky, bluesky.DefaultHost)},
		// "manual" has no adapter: the engine makes its targets wait for
		// a person (publish.NoteManual).
	}
}

// defaultHost gives accounts that name no host (a Bluesky account on
// bsky.social) the configured one.
type defaultHost struct {
	p interface {
		network.Publisher
		network.RecentFinder
		network.MetricsReader
	}
	host string
}

func (d defaultHost) MetricsBatch() int { return d.p.MetricsBatch() }

func (d defaultHost) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	return d.p.PostMetrics(ctx, d.with(a), posts)
}

func (d defaultHost) Followers(ctx context.Context, a *network.Account) (int64, error) {
	return d.p.Followers(ctx, d.with(a))
}

func (d defaultHost) Capabilities() network.Capabilities { return d.p.Capabilities() }

func (d defaultHost) with(a *network.Account) *network.Account {
	if a != nil && a.Host == "" {
		a.Host = d.host
	}
	return a
}

func (d defaultHost) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	return d.p.Publish(ctx, d.with(a), p)
}

func (d defaultHost) FindRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	return d.p.FindRecent(ctx, d.with(a), text, since)
}

// envDuration reads a duration setting; zero when unset.
func envDuration(name string) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: a positive duration such as 5s or 2m, not %q", name, v)
	}
	return d, nil
}

// publishing sets up publishing for serve in cfg: the engine with every
// adapter, its schedule from the environment and, with --demo, fake
// X, Instagram, LINE, Mastodon and Bluesky servers on loopback that the
// demo organization's accounts post to. The returned function stops the
// fakes.
func publishing(ctx context.Context, db *store.DB, box *secretbox.Box, cfg *jobs.Config, on bool, demoOrg int64, log *slog.Logger) (func(), error) {
	stop := func() {}
	for name, d := range map[string]*time.Duration{envJobsPoll: &cfg.FetchPollInterval} {
		v, err := envDuration(name)
		if err != nil {
			return stop, err
		}
		*d = v
	}
	if v := strings.TrimSpace(os.Getenv(envJobsWorkers)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return stop, fmt.Errorf("%s: a number of workers from 1 to 1000, not %q", envJobsWorkers, v)
		}
		cfg.MaxWorkers = n
	}
	if !on {
		log.Info("publishing is off on this instance (--no-publish): it serves only")
		return stop, nil
	}
	eng := &publish.Engine{Store: db, Open: publish.Opener(box), Log: log}
	if box != nil {
		eng.Seal = publish.Sealer(box)
	}
	pc := jobs.PublishConfig{Engine: eng}
	for name, d := range map[string]*time.Duration{
		envDispatchEvery: &pc.DispatchEvery, envResolveEvery: &pc.ResolveEvery, envRedispatch: &pc.Redispatch,
		envLease: &eng.Lease, envGrace: &eng.Grace,
	} {
		v, err := envDuration(name)
		if err != nil {
			return stop, err
		}
		*d = v
	}
	allow := map[string]bool{}
	var fakes *demo.Fakes
	if demoOrg != 0 && box != nil {
		fakes = demo.StartFakes()
		stop = fakes.Close
		for _, a := range fakes.Addrs() {
			allow[a] = true
		}
		if err := demo.SeedAccounts(ctx, db, box, demoOrg, fakes.URLs()); err != nil {
			stop()
			return func() {}, err
		}
		urls := fakes.URLs()
		log.Info("demo: fake networks on loopback", "x", urls[soroe.NetworkX], "instagram", urls[soroe.NetworkInstagram],
			"line", urls[soroe.NetworkLINE], "mastodon", urls[soroe.NetworkMastodon], "bluesky", urls[soroe.NetworkBluesky])
	}
	eng.Adapters = adapters(allow)
	if fakes != nil {
		eng.Adapters = fakes.Route(eng.Adapters)
	}
	cfg.Publish = pc
	cfg.Metrics = jobs.MetricsConfig{Puller: &measure.Puller{Store: db, Readers: measure.Readers(eng.Adapters), Open: eng.Open, Log: log}}
	return stop, nil
}
