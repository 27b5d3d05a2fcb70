package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/mail"
	"github.com/soroe/soroe/network/oauth"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, accountCmd) }

func accountCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "account",
		Aliases: []string{"accounts"},
		Short:   "Manage connected social accounts (list, add, remove)",
		Long: `Manage the social accounts an organization posts to. ` + "`account add`" + ` connects
the networks that work with a token — Mastodon (an access token and the
instance URL), Bluesky (the handle and an app password; --instance names a
PDS other than https://bsky.social) and LINE (a long-lived channel access
token) — or a manual account (no credentials: someone posts by hand). The
credentials are checked against the network first, like the web UI does,
and stored encrypted with SOROE_SECRET_KEY (required). X, Facebook,
Instagram, Threads and LinkedIn are connected in the web UI (/accounts),
which goes through each network's OAuth consent.

Server addresses that are loopback or private are refused unless
SOROE_ALLOW_PRIVATE_URLS=1.`,
	}
	cmd.AddCommand(accountListCmd(a), accountAddCmd(a), accountRemoveCmd(a))
	return cmd
}

// accountJSON is an account as `soroe account list|add --json` print it:
// the API's shape (GET /api/v1/accounts), with the organization's name
// when several are listed.
type accountJSON struct {
	*store.AccountInfo
	OrgName string `json:"org_name,omitempty"`
}

func accountListCmd(a *app) *cobra.Command {
	var (
		org    string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List connected accounts with their health (every organization's without --org)",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
				var orgs []*soroe.Org
				if strings.TrimSpace(org) != "" {
					o, err := resolveOrg(ctx, db, org)
					if err != nil {
						return err
					}
					orgs = append(orgs, o)
				} else {
					var err error
					if orgs, err = db.Orgs(ctx); err != nil {
						return err
					}
				}
				var rows []accountJSON
				for _, o := range orgs {
					infos, err := db.AccountInfos(ctx, o.ID)
					if err != nil {
						return err
					}
					for _, i := range infos {
						rows = append(rows, accountJSON{AccountInfo: i, OrgName: o.Name})
					}
				}
				return printList(a, asJSON, rows, []string{"ID", "ORG", "NETWORK", "NAME", "HANDLE", "STATUS", "EXPIRES", "CHECKED", "LAST ERROR"},
					func(r accountJSON) []string {
						return []string{strconv.FormatInt(r.ID, 10), cell(r.OrgName), string(r.Network), cell(r.Name), cell(r.Handle),
							r.Status, fmtTimePtr(r.TokenExpiresAt), fmtTimePtr(r.CheckedAt), cell(orDash(r.LastError))}
					})
			})
		}),
	}
	cmd.Flags().StringVar(&org, "org", "", "organization ID or exact name (default: every organization)")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// loadBox is the secrets box: SOROE_SECRET_KEY, or the demo key kept in the
// data directory when there is one.
func (a *app) loadBox() (*secretbox.Box, error) {
	_, err := os.Stat(filepath.Join(a.dataDir, secretbox.KeyFile))
	box, err := secretbox.Load(os.Getenv, a.dataDir, err == nil)
	if errors.Is(err, secretbox.ErrNoKey) {
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "SOROE_SECRET_KEY",
			Message: "not set: credentials cannot be stored (set it to a secret of at least 32 characters, the same as the server's)"}
	}
	return box, err
}

// actor is the member --as names in --org (or in their only organization),
// once it is checked that their role may do act.
func actor(ctx context.Context, db *store.DB, org, as string, act soroe.Action) (*soroe.Org, *soroe.User, error) {
	u, err := resolveUser(ctx, db, as)
	if err != nil {
		return nil, nil, err
	}
	o, err := resolveMemberOrg(ctx, db, u, org)
	if err != nil {
		return nil, nil, err
	}
	m, err := db.Member(ctx, o.ID, u.ID)
	if err != nil {
		return nil, nil, memberErr(err, u, o)
	}
	if !soroe.Can(m.Role, act) {
		r, _ := soroe.RightFor(act)
		return nil, nil, &soroe.Error{Code: soroe.EForbidden, Field: "as",
			Message: fmt.Sprintf("%s is %s in %q; %s needs %s", u.Email, m.Role, o.Name, act, orList(r.Roles))}
	}
	return o, u, nil
}

func accountAddCmd(a *app) *cobra.Command {
	var (
		net, name, token, instance, handle, as, org string
		asJSON, noAPI                               bool
	)
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Connect a Mastodon, Bluesky, LINE or manual account (checked against the network first)",
		Example: `  soroe account add --network mastodon --instance https://mastodon.social --token XXXX --name 公式 --as owner@example.jp
  soroe account add --network bluesky --handle example.bsky.social --token xxxx-xxxx-xxxx-xxxx --as owner@example.jp
  soroe account add --network line --token CHANNEL_ACCESS_TOKEN --name "LINE 公式" --as owner@example.jp
  soroe account add --network manual --name "Instagram（手動）" --as owner@example.jp
  soroe account add --network x --name "X 公式" --handle soroe_jp --no-api --as owner@example.jp`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			n := soroe.Network(strings.TrimSpace(net))
			if noAPI {
				return a.addNoAPI(cmd, n, name, handle, instance, as, org, asJSON)
			}
			if !slices.Contains([]soroe.Network{soroe.NetworkMastodon, soroe.NetworkBluesky, soroe.NetworkLINE, soroe.NetworkManual}, n) {
				return &soroe.Error{Code: soroe.EInvalid, Field: "network",
					Message: "use mastodon, bluesky, line or manual (X, Facebook, Instagram, Threads and LinkedIn are connected in the web UI)"}
			}
			if n == soroe.NetworkBluesky && strings.TrimSpace(handle) == "" {
				return &soroe.Error{Code: soroe.EInvalid, Field: "handle", Message: "Bluesky needs --handle (and the app password as --token)"}
			}
			return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
				o, _, err := actor(ctx, db, org, as, soroe.ActAccountManage)
				if err != nil {
					return err
				}
				var box *secretbox.Box
				if n != soroe.NetworkManual {
					if box, err = a.loadBox(); err != nil {
						return err
					}
				}
				conn := oauth.New(oauth.ConfigFromEnv(os.Getenv))
				var c oauth.Connection
				switch n {
				case soroe.NetworkMastodon:
					c, err = conn.ConnectMastodon(ctx, instance, token)
				case soroe.NetworkBluesky:
					c, err = conn.ConnectBluesky(ctx, instance, handle, token)
				case soroe.NetworkLINE:
					c, err = conn.ConnectLINE(ctx, token)
				default:
					c = oauth.Connection{Network: n}
				}
				if err != nil {
					return cliConnectErr(err)
				}
				info, err := saveAccount(ctx, db, box, o, c, name)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(accountJSON{AccountInfo: info})
				}
				fmt.Fprintf(a.stdout, "Connected %s account %d %q (%s) to %q.\n", info.Network, info.ID, info.Name, orDash(info.Handle), o.Name)
				return nil
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&net, "network", "", "mastodon, bluesky, line or manual (required)")
	f.StringVar(&name, "name", "", "what people call it in Soroe (default: its name on the network; required for manual)")
	f.StringVar(&token, "token", "", "Mastodon access token, Bluesky app password or LINE channel access token")
	f.StringVar(&instance, "instance", "", "Mastodon instance URL, or a Bluesky PDS other than https://bsky.social")
	f.StringVar(&handle, "handle", "", "Bluesky handle (example.bsky.social)")
	f.StringVar(&as, "as", "", "email of the owner or manager who connects it (required)")
	f.StringVar(&org, "org", "", "organization ID or exact name (default: the member's only organization)")
	f.BoolVar(&noAPI, "no-api", false, "register the account by its --handle without API access (any network): posts are posted by hand, numbers come from imports")
	required(cmd, "network", "as")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// cliConnectErr explains a connection error in the terminal.
func cliConnectErr(err error) error {
	var se *soroe.Error
	if errors.As(err, &se) {
		cat := i18n.Default()
		if cat.Has(soroe.LangEN, "error."+se.Message) {
			return &soroe.Error{Code: se.Code, Field: se.Field, Message: se.Message + " (" + cat.T(soroe.LangEN, "error."+se.Message) + ")"}
		}
		return se
	}
	if oauth.Revoked(err) {
		return &soroe.Error{Code: soroe.EInvalid, Field: "token", Message: "the network refused these credentials: " + oauth.Reason(err)}
	}
	return fmt.Errorf("the network could not be reached (try again later): %s", oauth.Reason(err))
}

// saveAccount stores a checked connection: a new account, or the
// organization's same account (same network and network ID) with the new
// credentials.
func saveAccount(ctx context.Context, db *store.DB, box *secretbox.Box, o *soroe.Org, c oauth.Connection, name string) (*store.AccountInfo, error) {
	secret := ""
	if c.Network != soroe.NetworkManual {
		var err error
		if secret, err = publish.SealCredentials(box, o.ID, c.Credentials); err != nil {
			return nil, err
		}
	}
	h := store.AccountHealth{RemoteID: c.RemoteID}
	if !c.Credentials.ExpiresAt.IsZero() {
		exp := c.Credentials.ExpiresAt
		h.TokenExpiresAt = &exp
	}
	if c.RemoteID != "" {
		infos, err := db.AccountInfos(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		for _, i := range infos {
			if i.Network == c.Network && i.RemoteID == c.RemoteID {
				if err := db.ReconnectAccount(ctx, o.ID, i.ID, secret, c.Handle, h); err != nil {
					return nil, err
				}
				return db.AccountInfoOf(ctx, o.ID, i.ID)
			}
		}
	}
	if strings.TrimSpace(name) == "" {
		name = c.Name
	}
	acc := &soroe.Account{OrgID: o.ID, Network: c.Network, Name: name, Handle: c.Handle, Host: c.Host}
	if err := db.ConnectAccount(ctx, acc, secret, h); err != nil {
		return nil, err
	}
	return db.AccountInfoOf(ctx, o.ID, acc.ID)
}

func accountRemoveCmd(a *app) *cobra.Command {
	var as, org string
	cmd := &cobra.Command{
		Use:   "remove ID",
		Short: "Disconnect an account and delete its credentials (one with publishing history is kept)",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(strings.TrimSpace(args[0]), 10, 64)
			if err != nil {
				return &soroe.Error{Code: soroe.EInvalid, Field: "ID", Message: "give the account's ID (see `soroe account list`)"}
			}
			return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
				o, _, err := actor(ctx, db, org, as, soroe.ActAccountManage)
				if err != nil {
					return err
				}
				acc, err := db.Account(ctx, o.ID, id)
				if soroe.ErrorCode(err) == soroe.ENotFound {
					return &soroe.Error{Code: soroe.ENotFound, Field: "ID", Message: fmt.Sprintf("%q has no account %d (see `soroe account list --org %d`)", o.Name, id, o.ID)}
				} else if err != nil {
					return err
				}
				if err := db.DeleteAccount(ctx, o.ID, id); err != nil {
					if soroe.ErrorCode(err) == soroe.EConflict {
						return &soroe.Error{Code: soroe.EConflict, Field: "ID", Message: "account_has_posts (it has publishing history and is kept for it)"}
					}
					return err
				}
				fmt.Fprintf(a.stdout, "Disconnected %s account %d %q.\n", acc.Network, acc.ID, acc.Name)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&as, "as", "", "email of the owner or manager who disconnects it (required)")
	cmd.Flags().StringVar(&org, "org", "", "organization ID or exact name (default: the member's only organization)")
	required(cmd, "as")
	return cmd
}

// accountHealth configures serve's account health job: token refresh and
// daily checks with the installation's apps (none in demo mode, whose
// accounts post to local fakes), and warnings by email when SOROE_SMTP_URL
// is set.
func accountHealth(box *secretbox.Box, baseURL string, demo bool) (*jobs.AccountsConfig, error) {
	m, err := mail.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	cfg := &jobs.AccountsConfig{BaseURL: strings.TrimRight(baseURL, "/")}
	if !demo {
		cfg.Box, cfg.Connector = box, oauth.New(oauth.ConfigFromEnv(os.Getenv))
	}
	if m != nil {
		cfg.Mail = m
	}
	return cfg, nil
}

// addNoAPI registers an account of any network without API access.
func (a *app) addNoAPI(cmd *cobra.Command, n soroe.Network, name, handle, instance, as, org string, asJSON bool) error {
	if !n.Valid() || n == soroe.NetworkManual {
		return &soroe.Error{Code: soroe.EInvalid, Field: "network", Message: "use x, instagram, facebook, threads, linkedin, bluesky, mastodon or line with --no-api"}
	}
	if strings.TrimSpace(handle) == "" {
		return &soroe.Error{Code: soroe.EInvalid, Field: "handle", Message: "--no-api needs --handle (the account's name on the network)"}
	}
	if strings.TrimSpace(name) == "" {
		name = strings.TrimSpace(handle)
	}
	return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
		o, _, err := actor(ctx, db, org, as, soroe.ActAccountManage)
		if err != nil {
			return err
		}
		acc := &soroe.Account{OrgID: o.ID, Network: n, Name: name, Handle: strings.TrimSpace(handle), Host: strings.TrimSpace(instance),
			Status: soroe.AccountOK, NoAPI: true}
		if err := db.CreateAccount(ctx, acc, ""); err != nil {
			return err
		}
		info, err := db.AccountInfoOf(ctx, o.ID, acc.ID)
		if err != nil {
			return err
		}
		if asJSON {
			return a.printJSON(accountJSON{AccountInfo: info})
		}
		fmt.Fprintf(a.stdout, "Registered %s account %d %q (%s) in %q without API access: post by hand and import its exports.\n",
			info.Network, info.ID, info.Name, orDash(info.Handle), o.Name)
		return nil
	})
}
