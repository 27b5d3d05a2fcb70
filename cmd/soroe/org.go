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

func init() { commands = append(commands, orgCmd) }

func orgCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "org",
		Short: "Manage organizations (list, add, show)",
		Long: `Manage organizations. Where a command takes ORG, give the organization's ID
or its exact name (see ` + "`soroe org list`" + `).`,
	}
	cmd.AddCommand(orgListCmd(a), orgAddCmd(a), orgShowCmd(a))
	return cmd
}

// orgRow is one organization in `soroe org list --json`.
type orgRow struct {
	*soroe.Org
	Members int `json:"member_count"`
}

func orgListCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every organization with its number of members",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
				orgs, err := db.Orgs(ctx)
				if err != nil {
					return err
				}
				rows := make([]orgRow, 0, len(orgs))
				for _, o := range orgs {
					ms, err := db.Members(ctx, o.ID)
					if err != nil {
						return err
					}
					rows = append(rows, orgRow{o, len(ms)})
				}
				return printList(a, asJSON, rows, []string{"ID", "NAME", "TIME ZONE", "LANG", "MEMBERS", "CREATED"}, func(r orgRow) []string {
					return []string{strconv.FormatInt(r.ID, 10), cell(r.Name), r.TimeZone, r.Lang, strconv.Itoa(r.Members), fmtTime(r.CreatedAt)}
				})
			})
		}),
	}
	jsonFlag(cmd, &asJSON)
	return cmd
}

func orgAddCmd(a *app) *cobra.Command {
	var name, owner, tz, lang string
	cmd := &cobra.Command{
		Use:     "add",
		Short:   "Create an organization with an existing user as its owner",
		Example: `  soroe org add --name "株式会社そろえ" --owner hanako@example.jp`,
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withUser(cmd, owner, func(ctx context.Context, db *store.DB, u *soroe.User) error {
				o := &soroe.Org{Name: name, TimeZone: tz, Lang: lang}
				if err := db.CreateOrg(ctx, o, u.ID); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "created organization %d %q (owner %s)\n", o.ID, o.Name, u.Email)
				return nil
			})
		}),
	}
	f := cmd.Flags()
	requiredFlag(cmd, &name, "name", "the organization's name")
	requiredFlag(cmd, &owner, "owner", "email of the existing user who becomes its first owner")
	f.StringVar(&tz, "tz", soroe.DefaultTimeZone, "IANA time zone that days, weeks and schedules are counted in")
	f.StringVar(&lang, "lang", soroe.DefaultLang, "default language for the organization's reports and members: ja or en")
	return cmd
}

// orgDetail is `soroe org show --json`: the organization and its members.
type orgDetail struct {
	*soroe.Org
	Members []*soroe.Member `json:"members"`
}

func orgShowCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [ORG]",
		Short: "Show an organization and its members (ORG is an ID or exact name; default: the only one)",
		Args:  cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withOrg(cmd, strings.Join(args, ""), func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				ms, err := db.Members(ctx, o.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(orgDetail{o, orEmpty(ms)})
				}
				t := &textTable{}
				t.row("ID:", strconv.FormatInt(o.ID, 10))
				t.row("Name:", cell(o.Name))
				t.row("Time zone:", o.TimeZone)
				t.row("Language:", o.Lang)
				t.row("Created:", fmtTime(o.CreatedAt))
				if err := t.write(a.stdout); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "\nMembers (%d):\n", len(ms))
				return table(memberColumns, ms, memberCells).write(a.stdout)
			})
		}),
	}
	jsonFlag(cmd, &asJSON)
	return cmd
}
