package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, tokenCmd) }

func tokenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage personal API tokens",
		Long: `Manage personal API tokens. A token acts as its user in one organization,
with the role the user has there at each request. --org takes the
organization's ID or exact name and may be left out when the user belongs to
exactly one organization.`,
	}
	cmd.AddCommand(tokenCreateCmd(a), tokenListCmd(a), tokenRevokeCmd(a))
	return cmd
}

func tokenCreateCmd(a *app) *cobra.Command {
	var email, org, name string
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a personal API token and print its secret (only this once)",
		Long: `Create a personal API token and print its secret on standard output, as one
line and nothing else. Only a hash is stored: the secret cannot be shown again.`,
		Example: `  TOKEN=$(soroe token create --email hanako@example.jp --name "CI")
  curl -H "Authorization: Bearer $TOKEN" http://localhost:8080/api/...`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withUser(cmd, email, func(ctx context.Context, db *store.DB, u *soroe.User) error {
				o, err := resolveMemberOrg(ctx, db, u, org)
				if err != nil {
					return err
				}
				secret, err := db.CreateToken(ctx, &soroe.Token{UserID: u.ID, OrgID: o.ID, Name: name})
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(a.stdout, secret)
				return err
			})
		}),
	}
	f := cmd.Flags()
	requiredFlag(cmd, &email, "email", "email of the user the token acts as")
	f.StringVar(&org, "org", "", "organization ID or exact name (default: the user's only organization)")
	f.StringVar(&name, "name", "API", "a name to tell the token apart in lists")
	return cmd
}

// tokenRow is one token in `soroe token list --json`.
type tokenRow struct {
	*soroe.Token
	OrgName string `json:"org_name"`
}

func tokenListCmd(a *app) *cobra.Command {
	var (
		email, org string
		asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List a user's API tokens (secrets are never shown)",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withUser(cmd, email, func(ctx context.Context, db *store.DB, u *soroe.User) error {
				var orgs []*soroe.Org
				if strings.TrimSpace(org) != "" {
					o, err := resolveMemberOrg(ctx, db, u, org)
					if err != nil {
						return err
					}
					orgs = append(orgs, o)
				} else {
					ms, err := db.Memberships(ctx, u.ID)
					if err != nil {
						return err
					}
					for _, m := range ms {
						orgs = append(orgs, &soroe.Org{ID: m.OrgID, Name: m.OrgName})
					}
				}
				var rows []tokenRow
				for _, o := range orgs {
					ts, err := db.Tokens(ctx, o.ID, u.ID)
					if err != nil {
						return err
					}
					for _, tk := range ts {
						rows = append(rows, tokenRow{tk, o.Name})
					}
				}
				return printList(a, asJSON, rows, []string{"ID", "ORG", "NAME", "PREFIX", "CREATED", "LAST USED"}, func(r tokenRow) []string {
					return []string{strconv.FormatInt(r.ID, 10), cell(r.OrgName), cell(r.Name), r.Prefix + "…", fmtTime(r.CreatedAt), fmtTimePtr(r.LastUsedAt)}
				})
			})
		}),
	}
	f := cmd.Flags()
	requiredFlag(cmd, &email, "email", "email of the user whose tokens to list")
	f.StringVar(&org, "org", "", "organization ID or exact name (default: every organization of the user)")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func tokenRevokeCmd(a *app) *cobra.Command {
	var email, org string
	cmd := &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke one of a user's API tokens (ID from `soroe token list`)",
		Example: `  soroe token revoke --email hanako@example.jp --org "株式会社そろえ" 12`,
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return &soroe.Error{Code: soroe.EInvalid, Field: "ID", Message: fmt.Sprintf("%q is not a token ID (see `soroe token list`)", args[0])}
			}
			return a.withUser(cmd, email, func(ctx context.Context, db *store.DB, u *soroe.User) error {
				o, err := resolveMemberOrg(ctx, db, u, org)
				if err != nil {
					return err
				}
				if err := db.RevokeToken(ctx, o.ID, u.ID, id); soroe.ErrorCode(err) == soroe.ENotFound {
					return &soroe.Error{Code: soroe.ENotFound, Field: "ID",
						Message: fmt.Sprintf("%s has no token %d in %q (see `soroe token list`)", u.Email, id, o.Name)}
				} else if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "revoked token %d of %s in %q\n", id, u.Email, o.Name)
				return nil
			})
		}),
	}
	f := cmd.Flags()
	requiredFlag(cmd, &email, "email", "email of the token's user")
	f.StringVar(&org, "org", "", "organization ID or exact name of the token (default: the user's only organization)")
	return cmd
}
