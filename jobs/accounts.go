package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/mail"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/oauth"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
)

// AccountHealthKind is the account health job's kind in river_job.
const AccountHealthKind = "soroe_account_health"

// AccountsConfig turns the account health job on: it refreshes tokens
// before they expire, verifies credentials that do not expire once a day,
// and warns owners and managers — in the app and, with Mail, by email —
// once each time an account needs reconnecting, whoever found it out (this
// job or the publisher).
type AccountsConfig struct {
	// Connector refreshes and verifies; Box opens and seals the
	// credentials. Without both, the job only sends warnings.
	Connector *oauth.Connector
	Box       *secretbox.Box
	// Mail sends the warnings by email too; nil: in the app only.
	Mail mail.Sender
	// BaseURL is the server's public URL, for the link in the email.
	BaseURL string
	// Every is how often the job runs (default 10 minutes).
	Every time.Duration
	// CheckEvery is how often credentials that do not expire are verified
	// (default 24 hours).
	CheckEvery time.Duration
	// Batch bounds the accounts one run refreshes, checks or warns about
	// (default 200 each); the next run takes the rest.
	Batch int
	// Now is the clock; nil means the store's.
	Now func() time.Time
}

const (
	defaultAccountsEvery = 10 * time.Minute
	defaultCheckEvery    = 24 * time.Hour
	defaultAccountsBatch = 200
	// maxRefreshWindow is the longest oauth.RefreshWindow: accounts whose
	// token expires later are not even loaded.
	maxRefreshWindow = 7 * 24 * time.Hour
)

// AccountHealthArgs are the (empty) arguments of the periodic health job.
type AccountHealthArgs struct{}

// Kind implements river.JobArgs.
func (AccountHealthArgs) Kind() string { return AccountHealthKind }

// accountJobs schedules the health job, unique per period, when it is on.
func accountJobs(c *AccountsConfig) []*river.PeriodicJob {
	if c == nil {
		return nil
	}
	every := cmp.Or(c.Every, defaultAccountsEvery)
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			return AccountHealthArgs{}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByPeriod: max(every, time.Second)}}
		},
		&river.PeriodicJobOpts{ID: AccountHealthKind, RunOnStart: true})}
}

func addAccountWorkers(w *river.Workers, r *Runner) {
	river.AddWorker(w, &accountHealthWorker{h: &AccountHealth{DB: r.db, Log: r.log, Config: r.accounts}})
}

type accountHealthWorker struct {
	river.WorkerDefaults[AccountHealthArgs]
	h *AccountHealth
}

func (w *accountHealthWorker) Work(ctx context.Context, _ *river.Job[AccountHealthArgs]) error {
	return w.h.Run(ctx)
}

// AccountHealth is one run of the health job (exported for tests and for
// `soroe` commands that want to run it at once).
type AccountHealth struct {
	DB     *store.DB
	Log    *slog.Logger
	Config *AccountsConfig
}

func (h *AccountHealth) now() time.Time {
	if h.Config != nil && h.Config.Now != nil {
		return h.Config.Now().UTC()
	}
	return h.DB.Now()
}

func (h *AccountHealth) log() *slog.Logger { return cmp.Or(h.Log, slog.Default()) }

// Run refreshes the tokens about to expire, verifies the credentials not
// checked for a day, then warns about every account that needs
// reconnecting and was not warned about yet. A failure on one account is
// recorded on it and does not stop the others.
func (h *AccountHealth) Run(ctx context.Context) error {
	c := h.Config
	if c == nil {
		c = &AccountsConfig{}
	}
	batch := cmp.Or(c.Batch, defaultAccountsBatch)
	var errs []error
	if c.Connector != nil && c.Box != nil {
		now := h.now()
		ids, err := h.DB.AccountsToRefresh(ctx, now.Add(maxRefreshWindow), batch)
		errs = append(errs, err)
		for _, id := range ids {
			errs = append(errs, h.refresh(ctx, id, now))
		}
		ids, err = h.DB.AccountsToCheck(ctx, now.Add(-cmp.Or(c.CheckEvery, defaultCheckEvery)), batch)
		errs = append(errs, err)
		for _, id := range ids {
			errs = append(errs, h.verify(ctx, id, now))
		}
	}
	errs = append(errs, h.warn(ctx, batch))
	return errors.Join(errs...)
}

// load opens an account's credentials. Credentials that cannot be opened
// (the key that sealed them is gone) need a reconnect.
func (h *AccountHealth) load(ctx context.Context, id int64) (*soroe.Account, string, network.Credentials, bool, error) {
	a, secret, err := h.DB.AccountSecret(ctx, id)
	if err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			return nil, "", network.Credentials{}, false, nil // disconnected meanwhile
		}
		return nil, "", network.Credentials{}, false, err
	}
	if a.Status != soroe.AccountOK {
		return nil, "", network.Credentials{}, false, nil
	}
	creds, err := publish.Opener(h.Config.Box)(a, secret)
	if err != nil {
		return a, "", creds, false, h.revoked(ctx, a, "credentials cannot be opened with SOROE_SECRET_KEY; reconnect the account")
	}
	return a, secret, creds, true, nil
}

func (h *AccountHealth) refresh(ctx context.Context, id int64, now time.Time) error {
	a, secret, creds, ok, err := h.load(ctx, id)
	if !ok || err != nil {
		return err
	}
	if creds.ExpiresAt.IsZero() || creds.ExpiresAt.Sub(now) > oauth.RefreshWindow(a.Network) {
		return nil // not yet
	}
	fresh, err := h.Config.Connector.Refresh(ctx, a, creds)
	switch {
	case err == nil:
		if fresh.RefreshToken == "" {
			fresh.RefreshToken = creds.RefreshToken // never blanked
		}
		sealed, err := publish.SealCredentials(h.Config.Box, a.OrgID, fresh)
		if err != nil {
			return err
		}
		var exp *time.Time
		if !fresh.ExpiresAt.IsZero() {
			exp = &fresh.ExpiresAt
		}
		saved, err := h.DB.RefreshAccountSecret(ctx, a.ID, secret, sealed, exp)
		if err == nil && !saved {
			h.log().InfoContext(ctx, "accounts: credentials changed during refresh; kept the new ones", "account", a.ID)
		}
		return err
	case errors.Is(err, oauth.ErrCannotRefresh):
		if !now.Before(creds.ExpiresAt) {
			return h.revoked(ctx, a, "the access token expired and cannot be refreshed; reconnect the account")
		}
		return nil // works until it expires; the page shows the date
	case errors.Is(err, oauth.ErrNotConfigured):
		return h.DB.RecordAccountCheck(ctx, a.ID, "cannot refresh: the network's app is not configured on this server")
	case oauth.Revoked(err):
		return h.revoked(ctx, a, oauth.Reason(err))
	}
	// A 5xx, a timeout, a rate limit: try again next run; still ok.
	h.log().WarnContext(ctx, "accounts: refresh failed; will retry", "account", a.ID, "network", a.Network, "err", oauth.Reason(err))
	return h.DB.RecordAccountCheck(ctx, a.ID, oauth.Reason(err))
}

func (h *AccountHealth) verify(ctx context.Context, id int64, now time.Time) error {
	a, _, creds, ok, err := h.load(ctx, id)
	if !ok || err != nil {
		return err
	}
	if !creds.ExpiresAt.IsZero() && !now.Before(creds.ExpiresAt) {
		return nil // expired: the refresh decides
	}
	err = h.Config.Connector.Verify(ctx, a, creds)
	switch {
	case err == nil:
		return h.DB.RecordAccountCheck(ctx, a.ID, "")
	case oauth.Revoked(err):
		return h.revoked(ctx, a, oauth.Reason(err))
	}
	return h.DB.RecordAccountCheck(ctx, a.ID, oauth.Reason(err))
}

// revoked marks an account as needing a reconnect, with the reason.
func (h *AccountHealth) revoked(ctx context.Context, a *soroe.Account, reason string) error {
	h.log().WarnContext(ctx, "accounts: needs reconnecting", "account", a.ID, "network", a.Network, "reason", reason)
	if _, err := h.DB.SetAccountStatus(ctx, a.ID, soroe.AccountNeedsReconnect); err != nil {
		return err
	}
	return h.DB.RecordAccountCheck(ctx, a.ID, reason)
}

// warn tells the owners and managers of each account that needs
// reconnecting and was not warned about: one in-app notification each
// (not repeated while one is unread) and, with Mail, one email per
// language.
func (h *AccountHealth) warn(ctx context.Context, batch int) error {
	accts, err := h.DB.AccountsToWarn(ctx, batch)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accts {
		users, err := h.DB.MembersWithRole(ctx, a.OrgID, soroe.RoleOwner, soroe.RoleManager)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		id := a.ID
		n := soroe.Notification{OrgID: a.OrgID, Kind: soroe.NotifyReconnect, AccountID: &id,
			Params: map[string]string{"Account": a.Name, "Network": networkName(a.Network)}}
		if _, err := h.DB.Notify(ctx, n, true, users...); err != nil {
			errs = append(errs, err)
			continue
		}
		marked, err := h.DB.MarkAccountWarned(ctx, a.ID)
		if err != nil || !marked {
			errs = append(errs, err)
			continue // another instance warned
		}
		if h.Config != nil && h.Config.Mail != nil {
			if err := h.email(ctx, a, users); err != nil {
				// The in-app warning stands; a lost email is logged.
				h.log().ErrorContext(ctx, "accounts: warning email not sent", "account", a.ID, "err", err)
			}
		}
	}
	return errors.Join(errs...)
}

func (h *AccountHealth) email(ctx context.Context, a *soroe.Account, users []int64) error {
	byLang := map[string][]string{}
	for _, id := range users {
		u, err := h.DB.User(ctx, id)
		if err != nil {
			if errors.Is(err, soroe.ErrNotFound) {
				continue
			}
			return err
		}
		l := cmp.Or(u.Lang, soroe.DefaultLang)
		byLang[l] = append(byLang[l], u.Email)
	}
	cat := i18n.Default()
	link := strings.TrimRight(h.Config.BaseURL, "/") + "/accounts"
	var errs []error
	for _, l := range i18n.Langs {
		to := byLang[l]
		if len(to) == 0 {
			continue
		}
		args := []any{"Account", a.Name, "Network", networkName(a.Network), "URL", link}
		m := mail.Message{To: to, Subject: cat.T(l, "mail.account_reconnect.subject", args...), Body: cat.T(l, "mail.account_reconnect.body", args...)}
		if err := h.Config.Mail.Send(ctx, m); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", l, err))
		}
	}
	return errors.Join(errs...)
}

// networkName is a network's name as people write it.
func networkName(n soroe.Network) string {
	switch n {
	case soroe.NetworkX:
		return "X"
	case soroe.NetworkLINE:
		return "LINE"
	case soroe.NetworkLinkedIn:
		return "LinkedIn"
	}
	s := string(n)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
