// Package measure pulls published posts' numbers from the networks' APIs
// into the store: batched per account as each network allows, at widening
// ages after publishing (soroe.PullAges), honouring rate limits, and with
// failures shown on the account's health — never as an alert storm, and
// never by losing the numbers already known.
package measure

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/store"
)

// Puller reads metrics through the adapters that implement
// network.MetricsReader.
type Puller struct {
	Store *store.DB
	// Readers by network; an adapter without metrics is left out.
	Readers map[soroe.Network]network.MetricsReader
	// Open decrypts an account's sealed credentials; nil: none (tests).
	Open func(a *soroe.Account, secret string) (network.Credentials, error)
	// Clock is now; nil means the store's.
	Clock soroe.Clock
	Log   *slog.Logger
	// Ages is the pull schedule; nil means soroe.PullAges.
	Ages []time.Duration
	// RetryAfter is when a failed pull is tried again (default 1 h).
	RetryAfter time.Duration
	// WarnAfter is how many failed pulls in a row warn managers, once
	// (default 3).
	WarnAfter int
	// Batch bounds the targets one account pull reads (default 500).
	Batch int
}

// Readers picks the metrics readers out of a set of publishing adapters.
func Readers(adapters map[soroe.Network]network.Publisher) map[soroe.Network]network.MetricsReader {
	out := map[soroe.Network]network.MetricsReader{}
	for n, a := range adapters {
		if r, ok := a.(network.MetricsReader); ok {
			out[n] = r
		}
	}
	return out
}

func (p *Puller) now() time.Time {
	if p.Clock != nil {
		return p.Clock().UTC()
	}
	return p.Store.Now()
}

func (p *Puller) log() *slog.Logger { return cmp.Or(p.Log, slog.Default()) }

// Result is what one pull did.
type Result struct {
	Targets   int  `json:"targets"`   // targets asked for
	Calls     int  `json:"calls"`     // metrics calls made
	Snapshots int  `json:"snapshots"` // snapshots added (changed numbers)
	Missing   int  `json:"missing"`   // posts the network no longer has
	Followers bool `json:"followers"` // the follower count was read
}

// PullAccount pulls the due targets of one account and, once a day, its
// follower count. A failure of the network is recorded on the account's
// health (and the targets tried again later), not returned; an error
// means the store failed.
func (p *Puller) PullAccount(ctx context.Context, accountID int64) (Result, error) {
	due, err := p.Store.DueMetricTargets(ctx, accountID, p.now(), cmp.Or(p.Batch, 500))
	if err != nil || len(due) == 0 {
		return Result{}, err
	}
	return p.pull(ctx, accountID, due, true)
}

// RefreshPost pulls one post's numbers now (a person asked on its page),
// whatever its schedule; the schedule is left as it is.
func (p *Puller) RefreshPost(ctx context.Context, orgID, postID int64) (Result, error) {
	targets, err := p.Store.PostPullTargets(ctx, orgID, postID)
	if err != nil {
		return Result{}, err
	}
	by := map[int64][]store.PullTarget{}
	var order []int64
	for _, t := range targets {
		if by[t.AccountID] == nil {
			order = append(order, t.AccountID)
		}
		by[t.AccountID] = append(by[t.AccountID], t)
	}
	var sum Result
	var firstErr error
	for _, acct := range order {
		r, err := p.pull(ctx, acct, by[acct], false)
		sum.Targets += r.Targets
		sum.Calls += r.Calls
		sum.Snapshots += r.Snapshots
		sum.Missing += r.Missing
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return sum, firstErr
}

// ErrNoReader says a network has no metrics API in Soroe.
var ErrNoReader = errors.New("measure: this network has no metrics API")

// pull reads targets of one account. schedule advances the targets' pull
// schedule (the periodic pull) or leaves it (a refresh).
func (p *Puller) pull(ctx context.Context, accountID int64, due []store.PullTarget, schedule bool) (Result, error) {
	var res Result
	l := p.log().With("account_id", accountID)
	a, secret, err := p.Store.AccountSecret(ctx, accountID)
	if err != nil {
		return res, err
	}
	reader := p.Readers[a.Network]
	if reader == nil {
		return res, ErrNoReader
	}
	acct := &network.Account{ID: a.ID, Network: a.Network, Handle: a.Handle, Host: a.Host}
	if p.Open != nil {
		c, err := p.Open(a, secret)
		if err != nil {
			return res, p.failed(ctx, a, fmt.Errorf("credentials: %w", err), nil, schedule)
		}
		acct.Credentials = c
	}
	ages := p.Ages
	if ages == nil {
		ages = soroe.PullAges
	}
	batch := max(reader.MetricsBatch(), 1)
	now := p.now()
	for start := 0; start < len(due); start += batch {
		chunk := due[start:min(start+batch, len(due))]
		qs := make([]network.MetricsQuery, len(chunk))
		byRemote := map[string]store.PullTarget{}
		for i, t := range chunk {
			qs[i] = network.MetricsQuery{RemoteID: t.RemoteID, PublishedAt: t.SentAt}
			byRemote[t.RemoteID] = t
		}
		res.Targets += len(chunk)
		res.Calls++
		got, err := reader.PostMetrics(ctx, acct, qs)
		if err != nil {
			// The numbers already known stay; the rest of the batch waits.
			return res, p.failed(ctx, a, err, due[start:], schedule)
		}
		var inputs []store.MetricInput
		seen := map[string]bool{}
		for _, pm := range got {
			t, ok := byRemote[pm.RemoteID]
			if !ok || seen[pm.RemoteID] {
				continue
			}
			seen[pm.RemoteID] = true
			if pm.Missing {
				res.Missing++
				if schedule {
					if err := p.Store.MarkMetricsPulled(ctx, t.ID, len(ages), nil); err != nil {
						return res, err
					}
				}
				continue
			}
			inputs = append(inputs, store.MetricInput{Subject: soroe.Subject{TargetID: t.ID}, Readings: pm.Readings,
				CapturedAt: now, Source: soroe.SourceAPI, SourceDetail: string(a.Network) + " API"})
		}
		n, err := p.Store.RecordMetrics(ctx, a.OrgID, inputs)
		if err != nil {
			return res, err
		}
		res.Snapshots += n
		if schedule {
			for _, t := range chunk {
				if seen[t.RemoteID] && missingOf(got, t.RemoteID) {
					continue
				}
				if pm := seen[t.RemoteID]; !pm {
					// Not in the answer: asked again at the next age.
					l.WarnContext(ctx, "measure: the network's answer left a post out", "target_id", t.ID)
				}
				pulls := t.Pulls + 1
				// Skip ages already past (a pull that ran late).
				for pulls < len(ages) && !t.SentAt.Add(ages[pulls]).After(now) {
					pulls++
				}
				var next *time.Time
				if at, ok := soroe.NextPull(t.SentAt, pulls, ages); ok {
					next = &at
				}
				if err := p.Store.MarkMetricsPulled(ctx, t.ID, pulls, next); err != nil {
					return res, err
				}
			}
		}
	}
	// The follower count is read once a day: every read is billed on some
	// networks.
	day := string(soroe.DateOf(now, p.orgLocation(ctx, a.OrgID)))
	known, err := p.Store.Followers(ctx, a.OrgID, a.ID, day, day)
	if err != nil {
		return res, err
	}
	if len(known) == 0 || known[0].Source != soroe.SourceAPI {
		n, err := reader.Followers(ctx, acct)
		if err != nil {
			l.InfoContext(ctx, "measure: follower count not read", "err", err)
		} else {
			if err := p.Store.RecordFollowers(ctx, a.OrgID, soroe.FollowerCount{AccountID: a.ID, Day: day,
				Followers: n, Source: soroe.SourceAPI, At: now}); err != nil {
				return res, err
			}
			res.Followers = true
		}
	}
	_, err = p.Store.RecordMetricsPull(ctx, a.ID, "", p.warnAfter())
	return res, err
}

func (p *Puller) warnAfter() int { return cmp.Or(p.WarnAfter, 3) }

func (p *Puller) orgLocation(ctx context.Context, orgID int64) *time.Location {
	o, err := p.Store.Org(ctx, orgID)
	if err != nil {
		return time.UTC
	}
	return o.Location()
}

// failed records a failed pull on the account's health, moves the waiting
// targets to the retry (or the rate limit's reset), and warns managers
// once per outage.
func (p *Puller) failed(ctx context.Context, a *soroe.Account, cause error, waiting []store.PullTarget, schedule bool) error {
	l := p.log().With("account_id", a.ID, "network", a.Network)
	until := p.now().Add(cmp.Or(p.RetryAfter, time.Hour))
	msg := cause.Error()
	var ne *network.Error
	if errors.As(cause, &ne) {
		if errors.Is(ne, network.ErrRateLimited) && !ne.RetryAfter.IsZero() {
			until = ne.RetryAfter
		}
		msg = ne.Error()
	}
	l.WarnContext(ctx, "measure: pull failed", "err", cause, "retry_at", until)
	if schedule && len(waiting) > 0 {
		ids := make([]int64, len(waiting))
		for i, t := range waiting {
			ids[i] = t.ID
		}
		if err := p.Store.DeferMetricPulls(ctx, until, ids...); err != nil {
			return err
		}
	}
	warn, err := p.Store.RecordMetricsPull(ctx, a.ID, msg, p.warnAfter())
	if err != nil || !warn {
		return err
	}
	to, err := p.Store.MembersWithRole(ctx, a.OrgID, soroe.RoleManager, soroe.RoleOwner)
	if err != nil {
		return err
	}
	id := a.ID
	_, err = p.Store.Notify(ctx, soroe.Notification{OrgID: a.OrgID, Kind: soroe.NotifyMetricsFailing, AccountID: &id,
		Params: map[string]string{"Account": a.Name, "Network": string(a.Network), "Reason": msg}}, true, to...)
	return err
}

// missingOf reports whether the answer said a post is gone (its schedule
// was ended above).
func missingOf(got []network.PostMetrics, remoteID string) bool {
	for _, pm := range got {
		if pm.RemoteID == remoteID {
			return pm.Missing
		}
	}
	return false
}
