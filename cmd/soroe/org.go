package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
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
			quietLogs()
			ctx := cmd.Context()
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
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
			if asJSON {
				return a.printJSON(rows)
			}
			t := &textTable{}
			t.row("ID", "NAME", "TIME ZONE", "LANG", "MEMBERS", "CREATED")
			for _, r := range rows {
				t.row(strconv.FormatInt(r.ID, 10), cell(r.Name), r.TimeZone, r.Lang, strconv.Itoa(r.Members), fmtTime(r.CreatedAt))
			}
			return t.write(a.stdout)
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
			quietLogs()
			ctx := cmd.Context()
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			u, err := resolveUser(ctx, db, owner)
			if err != nil {
				return err
			}
			o := &soroe.Org{Name: name, TimeZone: tz, Lang: lang}
			if err := db.CreateOrg(ctx, o, u.ID); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "created organization %d %q (owner %s)\n", o.ID, o.Name, u.Email)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the organization's name (required)")
	f.StringVar(&owner, "owner", "", "email of the existing user who becomes its first owner (required)")
	f.StringVar(&tz, "tz", soroe.DefaultTimeZone, "IANA time zone that days, weeks and schedules are counted in")
	f.StringVar(&lang, "lang", soroe.DefaultLang, "default language for the organization's reports and members: ja or en")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("owner")
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
		Use:   "show ORG",
		Short: "Show an organization and its members (ORG is an ID or exact name)",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			quietLogs()
			ctx := cmd.Context()
			db, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			o, err := resolveOrg(ctx, db, args[0])
			if err != nil {
				return err
			}
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
			return memberTable(ms).write(a.stdout)
		}),
	}
	jsonFlag(cmd, &asJSON)
	return cmd
}
