package demo

import (
	"context"
	"net/http"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/instagram"
	"github.com/soroe/soroe/network/line"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/network/x"
)

// Fakes are the networks the demo organization's accounts publish to: the
// API-faithful fakes of network/nettest, on loopback, one per network the
// demo connects. They hold what is published while the server runs (the
// demo's month of posts is seeded, not sent).
type Fakes struct {
	Mastodon  *nettest.Mastodon
	Bluesky   *nettest.Bluesky
	X         *nettest.XFake
	Instagram *nettest.Instagram
	LINE      *nettest.LINEFake
}

// StartFakes starts every fake; Close stops them.
func StartFakes() *Fakes {
	return &Fakes{Mastodon: nettest.NewMastodon(), Bluesky: nettest.NewBluesky(), X: nettest.NewXFake(),
		Instagram: nettest.NewInstagram(), LINE: nettest.NewLINEFake()}
}

// Close stops the fakes.
func (f *Fakes) Close() {
	f.Mastodon.Close()
	f.Bluesky.Close()
	f.X.Close()
	f.Instagram.Close()
	f.LINE.Close()
}

// URLs are the fakes' roots by network, for SeedAccounts: each demo
// account carries its fake's root as its Host.
func (f *Fakes) URLs() map[soroe.Network]string {
	return map[soroe.Network]string{
		soroe.NetworkMastodon:  f.Mastodon.URL,
		soroe.NetworkBluesky:   f.Bluesky.URL,
		soroe.NetworkX:         f.X.URL,
		soroe.NetworkInstagram: f.Instagram.URL,
		soroe.NetworkLINE:      f.LINE.URL,
	}
}

// Addrs are the fakes' loopback addresses ("127.0.0.1:port"), which the
// client for hosts people type in must let through.
func (f *Fakes) Addrs() []string {
	return []string{f.Mastodon.Listener.Addr().String(), f.Bluesky.Listener.Addr().String(),
		f.X.Listener.Addr().String(), f.Instagram.Listener.Addr().String(), f.LINE.Listener.Addr().String()}
}

// Route returns adapters with which the demo's X, Instagram and LINE
// accounts reach their fakes. Those adapters have one API root for every
// account (Mastodon and Bluesky take theirs from the account's Host, which
// SeedAccounts points at the fake), so each is wrapped: an account whose
// Host is the fake's root posts through an adapter on the fake, any other
// account through the given one, on the real API. The map is a copy;
// networks without a fake pass unchanged.
func (f *Fakes) Route(adapters map[soroe.Network]network.Publisher) map[soroe.Network]network.Publisher {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{Proxy: nil}}
	fakes := map[soroe.Network]struct {
		host string
		p    network.Publisher
	}{
		soroe.NetworkX:         {f.X.URL, x.New(x.Options{BaseURL: f.X.URL, HTTPClient: hc})},
		soroe.NetworkInstagram: {f.Instagram.URL, instagram.New(instagram.Options{BaseURL: f.Instagram.URL + "/v23.0", HTTPClient: hc})},
		soroe.NetworkLINE:      {f.LINE.URL, line.New(line.Options{BaseURL: f.LINE.URL, HTTPClient: hc})},
	}
	out := make(map[soroe.Network]network.Publisher, len(adapters))
	for n, p := range adapters {
		out[n] = p
		if fk, ok := fakes[n]; ok && p != nil {
			out[n] = route(p, fk.p, fk.host)
		}
	}
	return out
}

// routed sends an account whose Host is host to fake, any other to real.
// The wrappers below keep the optional interfaces (network.RecentFinder,
// network.MetricsReader) of exactly the adapters that have them: the
// publisher treats a network that can find recent posts differently.
type routed struct {
	real, fake network.Publisher
	host       string
}

func (r *routed) pick(a *network.Account) network.Publisher {
	if a != nil && a.Host != "" && a.Host == r.host {
		return r.fake
	}
	return r.real
}

func (r *routed) Capabilities() network.Capabilities { return r.real.Capabilities() }

func (r *routed) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	return r.pick(a).Publish(ctx, a, p)
}

func (r *routed) findRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	return r.pick(a).(network.RecentFinder).FindRecent(ctx, a, text, since)
}

func (r *routed) metricsBatch() int { return r.real.(network.MetricsReader).MetricsBatch() }

func (r *routed) postMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	return r.pick(a).(network.MetricsReader).PostMetrics(ctx, a, posts)
}

func (r *routed) followers(ctx context.Context, a *network.Account) (int64, error) {
	return r.pick(a).(network.MetricsReader).Followers(ctx, a)
}

type routedFinder struct{ *routed }

func (r routedFinder) FindRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	return r.findRecent(ctx, a, text, since)
}

type routedMetrics struct{ *routed }

func (r routedMetrics) MetricsBatch() int { return r.metricsBatch() }

func (r routedMetrics) PostMetrics(ctx context.Context, a *network.Account, posts []network.MetricsQuery) ([]network.PostMetrics, error) {
	return r.postMetrics(ctx, a, posts)
}

func (r routedMetrics) Followers(ctx context.Context, a *network.Account) (int64, error) {
	return r.followers(ctx, a)
}

type routedBoth struct{ routedMetrics }

func (r routedBoth) FindRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	return r.findRecent(ctx, a, text, since)
}

// route wraps real and fake (adapters of one network) with the interfaces
// both have.
func route(real, fake network.Publisher, host string) network.Publisher {
	r := &routed{real: real, fake: fake, host: host}
	_, rf := real.(network.RecentFinder)
	_, ff := fake.(network.RecentFinder)
	_, rm := real.(network.MetricsReader)
	_, fm := fake.(network.MetricsReader)
	finds, reads := rf && ff, rm && fm
	switch {
	case finds && reads:
		return routedBoth{routedMetrics{r}}
	case finds:
		return routedFinder{r}
	case reads:
		return routedMetrics{r}
	}
	return r
}
