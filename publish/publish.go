// Package publish sends scheduled posts to the networks exactly once
// (docs/architecture.md, "Publishing must be exactly-once"). Each post ×
// account target goes queued → sending → sent | failed | unconfirmed in the
// store, one guarded SQL statement per step: the attempt is recorded (the
// target claimed) before the network is called, the remote ID is saved the
// moment it is known, and an attempt whose outcome is unknown becomes
// unconfirmed — settled later by Resolve against the network, never re-sent
// blindly.
package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// Defaults of an Engine's settings.
const (
	DefaultLease             = 2 * time.Minute
	DefaultMaxAttempts       = 5
	DefaultGrace             = 10 * time.Minute
	DefaultIdempotencyWindow = time.Hour
	DefaultRateLimitWait     = 5 * time.Minute
)

// Notes left for people on targets.
const (
	NoteCheckByHand = "unconfirmed: this network cannot be checked; open the account and confirm whether the post is there"
	// NoteManual is the note of a "manual" target at its time: a person
	// posts it and records the URL (store.DB.RecordManual).
	NoteManual        = "manual: post it by hand and record the URL"
	reasonNoAdapter   = "no_adapter: this network cannot publish from this server"
	reasonCredentials = "credentials_unreadable"
	reasonNeedsReconn = "account_needs_reconnect"
	// reasonUnfinished begins the reason of a target whose post is not
	// finished (Engine.unfinished); what is unfinished follows.
	reasonUnfinished = "unfinished: the post is not finished, nothing was sent: "
)

// Engine publishes targets. Store and Adapters are required.
type Engine struct {
	Store    *store.DB
	Adapters map[soroe.Network]network.Publisher
	// Open decrypts an account's sealed credentials; nil means the
	// account needs none (tests).
	Open func(a *soroe.Account, secret string) (network.Credentials, error)
	// Seal, when set, seals credentials an adapter changed during a call
	// (a Bluesky session it logged in for), which are then stored, so the
	// next call reuses them instead of logging in again.
	Seal func(a *soroe.Account, c network.Credentials) (string, error)
	// Media loads a target's attachments for the adapter (bytes to upload,
	// and a public link for networks that fetch by URL); nil sends none.
	Media func(ctx context.Context, t *soroe.Target) ([]network.Media, error)
	// Clock is now; nil means the store's clock.
	Clock soroe.Clock
	// Log receives what happens; nil means slog.Default().
	Log *slog.Logger
	// Lease is how long a claimed target may stay sending before
	// ExpireLeases declares its outcome unknown. It must exceed the
	// adapters' request timeout. Default 2 minutes.
	Lease time.Duration
	// MaxAttempts caps the network calls for temporary failures; the
	// target then fails. Default 5.
	MaxAttempts int
	// Backoff is the wait before retry n (1-based) after a temporary
	// failure; default 30 s × 4^(n-1), at most an hour.
	Backoff func(n int) time.Duration
	// Grace is how long after the last attempt a post that a network
	// without idempotency keys does not list may still appear; after it,
	// the target is sent again. Default 10 minutes.
	Grace time.Duration
	// IdempotencyWindow is how long a network honours an idempotency key
	// (Mastodon: one hour). Default 1 hour.
	IdempotencyWindow time.Duration
	// TrackBase, when set (SOROE_BASE_URL), makes the link of a tracked
	// post go out as TrackBase/l/{code}: one code per target, kept across
	// retries, redirecting to the link with UTM parameters.
	TrackBase string
}

func (e *Engine) now() time.Time {
	if e.Clock != nil {
		return e.Clock().UTC()
	}
	return e.Store.Now()
}

func (e *Engine) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.Default()
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// DefaultBackoff is 30 s × 4^(n-1), at most an hour.
func DefaultBackoff(n int) time.Duration {
	d := 30 * time.Second * time.Duration(math.Pow(4, float64(max(n-1, 0))))
	return min(d, time.Hour)
}

// Attempt publishes one target if it is still queued: it claims it, calls
// the network once with the target's idempotency key and records the
// outcome. It returns an error only when the store failed; the network's
// errors end up on the target. A target another worker claimed, or one
// already settled, is left alone.
func (e *Engine) Attempt(ctx context.Context, targetID int64) error {
	t, err := e.Store.Target(ctx, targetID)
	if err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			return nil
		}
		return err
	}
	if t.State != soroe.TargetQueued {
		return nil
	}
	ok, err := e.Store.ClaimTarget(ctx, t.ID, orDefault(e.Lease, DefaultLease))
	if err != nil || !ok {
		return err
	}
	// From here on the outcome must be written even if ctx ends.
	wctx := context.WithoutCancel(ctx)
	if reason, err := e.unfinished(ctx, t); err != nil {
		// Nothing was sent: retry later.
		return errors.Join(err, e.settle(wctx, e.Store.MarkRetry(wctx, t.ID, e.now().Add(DefaultBackoff(1)), "store: "+err.Error())))
	} else if reason != "" {
		return e.settle(wctx, e.fail(wctx, t, reason))
	}
	if t.Network == soroe.NetworkManual || e.byHand(ctx, t) {
		return e.manualDue(wctx, t)
	}
	adapter := e.Adapters[t.Network]
	if adapter == nil {
		return e.settle(wctx, e.fail(wctx, t, reasonNoAdapter))
	}
	acct, err := e.account(ctx, t.AccountID)
	if err != nil {
		// Nothing was sent: safe to put back, or to fail for good.
		if errors.Is(err, errNeedsReconnect) {
			return e.settle(wctx, e.fail(wctx, t, reasonNeedsReconn))
		}
		if errors.Is(err, errCredentials) {
			_, _ = e.Store.SetAccountStatus(wctx, t.AccountID, soroe.AccountNeedsReconnect)
			return e.settle(wctx, e.fail(wctx, t, err.Error()))
		}
		return errors.Join(err, e.settle(wctx, e.Store.MarkRetry(wctx, t.ID, e.now().Add(DefaultBackoff(1)), "store: "+err.Error())))
	}
	post := network.Post{Text: t.Text, IdempotencyKey: t.IdempotencyKey, CreatedAt: e.now()}
	if p, err := e.Store.Post(ctx, t.OrgID, t.PostID); err == nil {
		post.Link = p.Link
		text, link, err := e.tracked(ctx, t, p)
		if err != nil {
			// Nothing was sent: retry later.
			return errors.Join(err, e.settle(wctx, e.Store.MarkRetry(wctx, t.ID, e.now().Add(DefaultBackoff(1)), "links: "+err.Error())))
		}
		post.Text, post.Link = text, link
	}
	if e.Media != nil {
		media, err := e.Media(ctx, t)
		if err != nil {
			// Nothing was sent: retry later.
			return errors.Join(err, e.settle(wctx, e.Store.MarkRetry(wctx, t.ID, e.now().Add(DefaultBackoff(1)), "media: "+err.Error())))
		}
		post.Media = media
	}
	before := acct.Credentials
	res, perr := adapter.Publish(ctx, acct, post)
	e.keepCredentials(wctx, t.OrgID, acct, before)
	return e.settle(wctx, e.record(wctx, t, res, perr))
}

// unfinished is why a target must not go out because its post is not
// finished — a placeholder or an unfilled slot of its 型 in the text, or
// less media than the 型's format needs — or "". The workflow refuses such
// a post at submission, approval and scheduling; this is the last guard,
// for one that got past them before those checks existed.
func (e *Engine) unfinished(ctx context.Context, t *soroe.Target) (string, error) {
	p, err := e.Store.Post(ctx, t.OrgID, t.PostID)
	if err != nil {
		return "", err
	}
	var tpl *soroe.Template
	if p.TemplateID != nil {
		tpl, err = e.Store.Template(ctx, t.OrgID, *p.TemplateID, p.TemplateVersion)
		if errors.Is(err, soroe.ErrNotFound) {
			tpl = nil
		} else if err != nil {
			return "", err
		}
	}
	media, err := e.Store.PostMedia(ctx, t.OrgID, t.PostID)
	if err != nil {
		return "", err
	}
	fs := workflow.UnfinishedFindings(tpl, []string{t.Text}, media)
	if len(fs) == 0 {
		return "", nil
	}
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = strings.TrimSpace(f.Code + " " + f.Value)
	}
	return reasonUnfinished + strings.Join(parts, "; "), nil
}

// byHand reports whether a target's account has no API access (registered
// by its handle): its posts are posted by a person, like "manual" ones. A
// store error counts as not by hand: the adapter's path then fails or
// retries as it would.
func (e *Engine) byHand(ctx context.Context, t *soroe.Target) bool {
	a, err := e.Store.Account(ctx, t.OrgID, t.AccountID)
	return err == nil && a.NoAPI
}

// tracked returns the text and link a target sends: the post's link, or,
// for a tracked post, its short link in both (the same code on every
// attempt: the text a retry sends, and the one Resolve looks for, is the
// text of the first attempt).
func (e *Engine) tracked(ctx context.Context, t *soroe.Target, p *soroe.Post) (text, link string, err error) {
	text, link = t.Text, p.Link
	if e.TrackBase == "" || p.Link == "" {
		return text, link, nil
	}
	l, err := e.Store.LinkByTarget(ctx, t.ID)
	if errors.Is(err, soroe.ErrNotFound) {
		var on bool
		if on, err = e.Store.PostTracking(ctx, t.OrgID, p.ID); err != nil || !on {
			return text, link, err
		}
		var g *soroe.Goal
		if p.GoalID != nil {
			if g, err = e.Store.Goal(ctx, t.OrgID, *p.GoalID); err != nil && !errors.Is(err, soroe.ErrNotFound) {
				return text, link, err
			}
		}
		dest, uerr := soroe.WithUTM(p.Link, t.Network, soroe.GoalSlug(g), p.ID)
		if uerr != nil {
			return text, link, nil // not a link we can track: send it as it is
		}
		l, err = e.Store.EnsureLink(ctx, &soroe.Link{OrgID: t.OrgID, PostID: p.ID, TargetID: t.ID, Network: t.Network, Destination: dest})
	}
	if err != nil {
		return text, link, err
	}
	short := strings.TrimRight(e.TrackBase, "/") + "/l/" + l.Code
	return strings.ReplaceAll(text, p.Link, short), short, nil
}

// manualDue handles a claimed target of the "manual" network. Manual is
// handled here rather than by a network.Publisher: a Publisher would have
// to answer "outcome unknown" to make the target unconfirmed, and then
// the resolver would take it for a lost answer and overwrite its note;
// here the engine knows that nothing was sent, leaves the note for
// people, notifies who posts it, and Resolve leaves the target alone
// until a member records the URL (store.DB.RecordManual).
func (e *Engine) manualDue(ctx context.Context, t *soroe.Target) error {
	err := e.Store.MarkUnconfirmed(ctx, t.ID, NoteManual)
	if errors.Is(err, store.ErrTargetState) {
		return nil
	} else if err != nil {
		return err
	}
	e.log().InfoContext(ctx, "publish: manual post due", "target_id", t.ID, "post_id", t.PostID)
	e.notify(ctx, t, soroe.NotifyManualDue, "", false)
	return nil
}

// fail marks a sending target failed and, when it did, tells people.
func (e *Engine) fail(ctx context.Context, t *soroe.Target, reason string) error {
	err := e.Store.MarkFailed(ctx, t.ID, reason)
	if err == nil {
		e.notify(ctx, t, soroe.NotifyPublishFailed, reason, true)
	}
	return err
}

// keepCredentials stores the credentials an adapter changed during a call
// (a new session), when the engine can seal them.
func (e *Engine) keepCredentials(ctx context.Context, orgID int64, acct *network.Account, before network.Credentials) {
	if e.Seal == nil || acct.Credentials == before {
		return
	}
	a := &soroe.Account{ID: acct.ID, OrgID: orgID, Network: acct.Network, Handle: acct.Handle, Host: acct.Host}
	secret, err := e.Seal(a, acct.Credentials)
	if err == nil {
		err = e.Store.SetAccountSecret(ctx, orgID, acct.ID, secret)
	}
	if err != nil {
		e.log().WarnContext(ctx, "publish: cannot keep the account's new session", "account_id", acct.ID, "err", err)
	}
}

// notify tells people about a target: for a failed or unconfirmed one,
// the post's author and the organization's managers and owners; for a
// manual one that is due, the author (or, for a post without one, the
// drafters its 型 lists). Each gets one unread notification per post and
// account. A failure to notify is logged, never returned: the target's
// state is what matters, and it is written already.
func (e *Engine) notify(ctx context.Context, t *soroe.Target, kind, reason string, managers bool) {
	l := e.log().With("target_id", t.ID, "post_id", t.PostID, "kind", kind)
	params := map[string]string{"Network": string(t.Network)}
	if reason != "" {
		params["Reason"] = reason
	}
	if a, err := e.Store.Account(ctx, t.OrgID, t.AccountID); err == nil {
		params["Account"] = a.Name
	} else {
		l.WarnContext(ctx, "publish: notify: account", "err", err)
	}
	var to []int64
	if p, err := e.Store.Post(ctx, t.OrgID, t.PostID); err == nil {
		to = append(to, p.AuthorID)
		if p.AuthorID == 0 && p.TemplateID != nil {
			if tpl, err := e.Store.Template(ctx, t.OrgID, *p.TemplateID, p.TemplateVersion); err == nil {
				to = append(to, tpl.Drafters.UserIDs...)
			}
		}
	} else {
		l.WarnContext(ctx, "publish: notify: post", "err", err)
	}
	if managers {
		ids, err := e.Store.MembersWithRole(ctx, t.OrgID, soroe.RoleManager, soroe.RoleOwner)
		if err != nil {
			l.WarnContext(ctx, "publish: notify: members", "err", err)
		}
		to = append(to, ids...)
	}
	postID, accountID := t.PostID, t.AccountID
	n := soroe.Notification{OrgID: t.OrgID, Kind: kind, PostID: &postID, AccountID: &accountID, Params: params}
	if _, err := e.Store.Notify(ctx, n, true, to...); err != nil {
		l.WarnContext(ctx, "publish: notify", "err", err)
	}
}

// settle ignores ErrTargetState: another path (ExpireLeases) settled the
// target first, and its state stands.
func (e *Engine) settle(_ context.Context, err error) error {
	if errors.Is(err, store.ErrTargetState) {
		return nil
	}
	return err
}

// record writes the outcome of one Publish call.
func (e *Engine) record(ctx context.Context, t *soroe.Target, res network.Published, perr error) error {
	l := e.log().With("target_id", t.ID, "post_id", t.PostID, "network", t.Network, "attempt", t.Attempts+1)
	if perr == nil {
		l.InfoContext(ctx, "publish: sent", "remote_id", res.RemoteID)
		err := e.Store.MarkSent(ctx, t.ID, res.RemoteID, res.URL)
		// After the target is recorded: the post went out whatever the
		// store said, so its quota counts either way.
		e.holdSpentAccount(ctx, l, t, res.Quota)
		return err
	}
	var ne *network.Error
	if !errors.As(perr, &ne) {
		// An error that is not the adapter's: nobody knows whether the
		// post went out.
		ne = &network.Error{Kind: network.ErrUnknownOutcome, Reason: perr.Error()}
	}
	reason := perr.Error()
	l = l.With("reason", reason)
	switch {
	case errors.Is(ne, network.ErrRateLimited):
		at := ne.RetryAfter
		if at.IsZero() {
			at = e.now().Add(DefaultRateLimitWait)
		}
		l.WarnContext(ctx, "publish: rate limited", "until", at)
		if _, err := e.Store.DeferAccount(ctx, t.AccountID, at); err != nil {
			return err
		}
		return e.Store.MarkRetry(ctx, t.ID, at, reason)
	case errors.Is(ne, network.ErrTemporary):
		n := t.Attempts + 1 // this attempt
		if n >= orDefault(e.MaxAttempts, DefaultMaxAttempts) {
			l.WarnContext(ctx, "publish: failed after retries")
			return e.fail(ctx, t, reason)
		}
		backoff := e.Backoff
		if backoff == nil {
			backoff = DefaultBackoff
		}
		at := e.now().Add(backoff(n))
		if ne.RetryAfter.After(at) {
			at = ne.RetryAfter
		}
		l.InfoContext(ctx, "publish: temporary failure, will retry", "at", at)
		return e.Store.MarkRetry(ctx, t.ID, at, reason)
	case errors.Is(ne, network.ErrAuth):
		l.WarnContext(ctx, "publish: account needs reconnecting")
		if _, err := e.Store.SetAccountStatus(ctx, t.AccountID, soroe.AccountNeedsReconnect); err != nil {
			return err
		}
		return e.fail(ctx, t, reason)
	case errors.Is(ne, network.ErrRejected):
		l.WarnContext(ctx, "publish: rejected")
		return e.fail(ctx, t, reason)
	default: // ErrUnknownOutcome and anything unexpected
		l.WarnContext(ctx, "publish: outcome unknown")
		return e.Store.MarkUnconfirmed(ctx, t.ID, reason)
	}
}

// quotaReserve is how many posts a successful answer's quota may still
// allow and the account be held all the same. It is 0: a post kept in
// reserve is one the account cannot make this window, and the calls
// already under way when the quota runs out (a few jobs of one account at
// once) are what the 429 path is for.
const quotaReserve = 0

// holdSpentAccount defers an account's queued targets until its window
// resets when a successful answer said the window is spent, so that they
// do not spend a call on the 429 that would say so. A failure to defer is
// logged, never returned: the worst it costs is that 429.
func (e *Engine) holdSpentAccount(ctx context.Context, l *slog.Logger, t *soroe.Target, q *network.RateQuota) {
	if q == nil || q.Remaining > quotaReserve || !q.Reset.After(e.now()) {
		return
	}
	n, err := e.Store.DeferAccount(ctx, t.AccountID, q.Reset)
	if err != nil {
		l.WarnContext(ctx, "publish: cannot hold the account until its rate limit resets", "account_id", t.AccountID, "until", q.Reset, "err", err)
		return
	}
	l.InfoContext(ctx, "publish: rate limit spent, holding the account until it resets",
		"account_id", t.AccountID, "remaining", q.Remaining, "until", q.Reset, "deferred", n)
}

var (
	errNeedsReconnect = errors.New(reasonNeedsReconn)
	errCredentials    = errors.New(reasonCredentials)
)

// account loads a target's account with its decrypted credentials.
func (e *Engine) account(ctx context.Context, id int64) (*network.Account, error) {
	a, secret, err := e.Store.AccountSecret(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Status == soroe.AccountNeedsReconnect {
		return nil, errNeedsReconnect
	}
	out := &network.Account{ID: a.ID, Network: a.Network, Handle: a.Handle, Host: a.Host}
	if e.Open != nil {
		c, err := e.Open(a, secret)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errCredentials, err)
		}
		out.Credentials = c
	}
	return out, nil
}

// Resolve settles one unconfirmed target without posting twice:
//   - on a network that honours the idempotency key (and within the key's
//     window) it is queued again — the retry returns the first post;
//   - on a network whose recent posts can be listed, a post with the text
//     published since the first attempt makes it sent; none, once the grace
//     has passed since the last attempt, queues it again;
//   - otherwise it stays unconfirmed with a note for people.
//
// Like Attempt, it returns an error only when the store failed.
func (e *Engine) Resolve(ctx context.Context, targetID int64) error {
	t, err := e.Store.Target(ctx, targetID)
	if err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			return nil
		}
		return err
	}
	if t.State != soroe.TargetUnconfirmed || t.Network == soroe.NetworkManual || e.byHand(ctx, t) {
		return nil // manual targets wait for a person (RecordManual)
	}
	now := e.now()
	last := now
	if t.LastAttemptAt != nil {
		last = *t.LastAttemptAt
	}
	adapter := e.Adapters[t.Network]
	if adapter == nil {
		return e.checkByHand(ctx, t)
	}
	caps := adapter.Capabilities()
	if caps.Idempotent && now.Sub(last) < orDefault(e.IdempotencyWindow, DefaultIdempotencyWindow) {
		return e.settle(ctx, e.Store.RequeueTarget(ctx, t.ID, "resolved: the network honours the idempotency key; retrying with the same key"))
	}
	finder, ok := adapter.(network.RecentFinder)
	if !ok {
		return e.checkByHand(ctx, t)
	}
	acct, err := e.account(ctx, t.AccountID)
	if err != nil {
		if errors.Is(err, errNeedsReconnect) || errors.Is(err, errCredentials) {
			return e.settle(ctx, e.Store.NoteTarget(ctx, t.ID, "unconfirmed: cannot check while the account needs reconnecting"))
		}
		return err
	}
	since := last
	if t.FirstAttemptAt != nil {
		since = *t.FirstAttemptAt
	}
	// A little earlier: the network's clock and ours differ.
	text := t.Text
	if p, err := e.Store.Post(ctx, t.OrgID, t.PostID); err == nil {
		if text, _, err = e.tracked(ctx, t, p); err != nil {
			return err
		}
	}
	before := acct.Credentials
	found, err := finder.FindRecent(ctx, acct, text, since.Add(-time.Minute))
	e.keepCredentials(context.WithoutCancel(ctx), t.OrgID, acct, before)
	if err != nil {
		e.log().WarnContext(ctx, "publish: cannot check an unconfirmed post yet", "target_id", t.ID, "err", err)
		return nil // the next resolver run tries again
	}
	if found != nil {
		e.log().InfoContext(ctx, "publish: unconfirmed post found on the network", "target_id", t.ID, "remote_id", found.RemoteID)
		return e.settle(ctx, e.Store.MarkSent(ctx, t.ID, found.RemoteID, found.URL))
	}
	if now.Sub(last) >= orDefault(e.Grace, DefaultGrace) {
		return e.settle(ctx, e.Store.RequeueTarget(ctx, t.ID, "resolved: not on the network after the grace period; sending again"))
	}
	return nil // not there yet; look again later
}

// checkByHand leaves the "check by hand" note on an unconfirmed target
// and, the first time, tells people.
func (e *Engine) checkByHand(ctx context.Context, t *soroe.Target) error {
	if t.LastError == NoteCheckByHand {
		return nil
	}
	if err := e.Store.NoteTarget(ctx, t.ID, NoteCheckByHand); err != nil {
		return e.settle(ctx, err)
	}
	e.notify(context.WithoutCancel(ctx), t, soroe.NotifyUnconfirmed, NoteCheckByHand, true)
	return nil
}

// ResolveAll expires stale leases (their outcome becomes unknown) and tries
// to settle up to limit unconfirmed targets; it returns how many targets it
// looked at.
func (e *Engine) ResolveAll(ctx context.Context, limit int) (int, error) {
	expired, err := e.Store.ExpireLeases(ctx)
	if err != nil {
		return 0, err
	}
	if len(expired) > 0 {
		e.log().WarnContext(ctx, "publish: attempts that never reported back are now unconfirmed", "targets", expired)
	}
	// Not the targets only people can settle: they would fill the batch.
	ts, err := e.Store.UnconfirmedToCheck(ctx, limit, NoteCheckByHand)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, t := range ts {
		if err := e.Resolve(ctx, t.ID); err != nil {
			errs = append(errs, err)
		}
	}
	return len(ts), errors.Join(errs...)
}

// credentialsAD binds sealed credentials to their organization, so a box
// copied into another organization's account does not open.
func credentialsAD(orgID int64) string { return fmt.Sprintf("soroe:account-credentials:org:%d", orgID) }

// SealCredentials seals an account's credentials for store.CreateAccount
// and SetAccountSecret.
func SealCredentials(box *secretbox.Box, orgID int64, c network.Credentials) (string, error) {
	if box == nil {
		return "", errors.New("publish: no secret key (SOROE_SECRET_KEY) to seal credentials with")
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return box.Seal(b, []byte(credentialsAD(orgID)))
}

// Sealer returns an Engine.Seal that seals like SealCredentials.
func Sealer(box *secretbox.Box) func(a *soroe.Account, c network.Credentials) (string, error) {
	return func(a *soroe.Account, c network.Credentials) (string, error) { return SealCredentials(box, a.OrgID, c) }
}

// Opener returns an Engine.Open that opens what SealCredentials sealed; with
// a nil box (no SOROE_SECRET_KEY) nothing opens, and the accounts' targets
// fail with the credentials reason.
func Opener(box *secretbox.Box) func(a *soroe.Account, secret string) (network.Credentials, error) {
	return func(a *soroe.Account, secret string) (network.Credentials, error) {
		var c network.Credentials
		if secret == "" {
			return c, errors.New("no credentials stored")
		}
		if box == nil {
			return c, errors.New("this server has no secret key (SOROE_SECRET_KEY) to open them")
		}
		b, err := box.Open(secret, []byte(credentialsAD(a.OrgID)))
		if err != nil {
			return c, err
		}
		return c, json.Unmarshal(b, &c)
	}
}
