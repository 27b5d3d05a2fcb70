package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, memberCmd) }

const roleHelp = "role: owner (オーナー), executive (経営層), manager (広報) or staff (現場)"

func memberCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "member",
		Short: "Manage who belongs to an organization, and with which role",
		Long: `Manage the members of an organization. --org takes the organization's ID or
exact name. Roles are owner, executive, manager and staff (docs/roles.md);
an organization always keeps at least one owner.`,
	}
	cmd.AddCommand(memberListCmd(a), memberAddCmd(a), memberRoleCmd(a), memberRemoveCmd(a))
	return cmd
}

// memberColumns and memberCells lay members out for the terminal.
var memberColumns = []string{"USER", "EMAIL", "NAME", "ROLE", "JOINED"}

func memberCells(m *soroe.Member) []string {
	return []string{strconv.FormatInt(m.UserID, 10), cell(m.Email), cell(m.Name), string(m.Role), fmtTime(m.CreatedAt)}
}

func memberListCmd(a *app) *cobra.Command {
	var (
		org    string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List an organization's members, owners first",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				ms, err := db.Members(ctx, o.ID)
				if err != nil {
					return err
				}
				return printList(a, asJSON, ms, memberColumns, memberCells)
			})
		}),
	}
	orgFlag(cmd, &org)
	jsonFlag(cmd, &asJSON)
	return cmd
}

func memberAddCmd(a *app) *cobra.Command {
	var org, email, role string
	cmd := &cobra.Command{
		Use:     "add",
		Short:   "Add an existing user to an organization with a role",
		Example: `  soroe member add --org "株式会社そろえ" --email taro@example.jp --role staff`,
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			r, err := soroe.ParseRole(role)
			if err != nil {
				return err
			}
			return a.withMembership(cmd, org, email, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				if err := db.InsertMember(ctx, o.ID, u.ID, r); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "added %s to %q as %s\n", u.Email, o.Name, r)
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	requiredFlag(cmd, &email, "email", "email of the existing user to add")
	requiredFlag(cmd, &role, "role", roleHelp)
	return cmd
}

func memberRoleCmd(a *app) *cobra.Command {
	var org, email, role string
	cmd := &cobra.Command{
		Use:   "role",
		Short: "Change a member's role (the last owner cannot be demoted)",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			r, err := soroe.ParseRole(role)
			if err != nil {
				return err
			}
			return a.withMembership(cmd, org, email, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				if err := db.SetRole(ctx, o.ID, u.ID, r); err != nil {
					return memberErr(err, u, o)
				}
				fmt.Fprintf(a.stdout, "%s is now %s in %q\n", u.Email, r, o.Name)
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	requiredFlag(cmd, &email, "email", "email of the member")
	requiredFlag(cmd, &role, "role", "new "+roleHelp)
	return cmd
}

func memberRemoveCmd(a *app) *cobra.Command {
	var org, email string
	cmd := &cobra.Command{
		Use:   "remove",
		Short: "Take a member out of an organization (revokes their API tokens there)",
		Long: `Take a member out of an organization. Their user account stays, and so do
their other memberships; their API tokens for this organization are revoked.
The last owner cannot be removed.`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withMembership(cmd, org, email, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				if err := db.RemoveMember(ctx, o.ID, u.ID); err != nil {
					return memberErr(err, u, o)
				}
				fmt.Fprintf(a.stdout, "removed %s from %q\n", u.Email, o.Name)
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	requiredFlag(cmd, &email, "email", "email of the member")
	return cmd
}
