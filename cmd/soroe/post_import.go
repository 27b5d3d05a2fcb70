package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/planimport"
	"github.com/soroe/soroe/importer/postimport"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

func init() { postSubcommands = append(postSubcommands, newPostImportCmd) }

// newPostImportCmd is `soroe post import FILE --as EMAIL`.
func newPostImportCmd(a *app) *cobra.Command {
	var org, as string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a content plan (CSV, TSV or XLSX) as posts, all rows or none",
		Long: `Import a month's content plan as posts, as the member --as names (an owner
or a manager). Columns: scheduled_at (ISO 8601, or "2026-12-01 09:00" in the
organization's time zone), account (name, handle or ID), text, and optionally
goal, template (型) and link; Japanese headers (日時, アカウント, 本文, 目標, 型,
リンク) work too.

Every row is checked — the network's rules for its account, the risk check,
unknown accounts, goals and 型, times in the past, repeated or already
planned rows. If any row fails, nothing is imported: each problem is printed
as FILE:LINE: column: message and the command exits with status 1.
Otherwise every post is created in one transaction, approved by the
importer and scheduled (the history of each post records it), and the
command prints how many. --dry-run only checks.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			file := args[0]
			return a.withUser(cmd, as, func(ctx context.Context, db *store.DB, u *soroe.User) error {
				o, err := resolveMemberOrg(ctx, db, u, org)
				if err != nil {
					return err
				}
				m, err := db.Member(ctx, o.ID, u.ID)
				if err != nil {
					return memberErr(err, u, o)
				}
				if !soroe.Can(m.Role, soroe.ActPostImport) {
					r, _ := soroe.RightFor(soroe.ActPostImport)
					return &soroe.Error{Code: soroe.EForbidden, Field: "as",
						Message: fmt.Sprintf("%s is %s in %q; %s needs %s", u.Email, m.Role, o.Name, soroe.ActPostImport, orList(r.Roles))}
				}
				f, err := os.Open(file)
				if err != nil {
					return err
				}
				defer f.Close()
				svc := &postimport.Service{DB: db}
				res, err := svc.Import(ctx, workflow.Actor{UserID: u.ID, OrgID: o.ID, Role: m.Role}, f, filepath.Base(file),
					postimport.Options{DryRun: dryRun})
				if e, ok := postimport.IsProblems(err); ok {
					for _, p := range e.Problems {
						fmt.Fprintln(a.stderr, problemLine(file, p, ""))
					}
					fmt.Fprintf(a.stderr, "%s: %d problem(s); nothing was imported\n", file, len(e.Problems))
					return exitCode(1)
				} else if err != nil {
					return err
				}
				for _, p := range res.Warnings {
					fmt.Fprintln(a.stderr, problemLine(file, p, "warning: "))
				}
				what := "approved and scheduled"
				if res.State == soroe.PostInReview {
					what = "sent to review"
				}
				if dryRun {
					fmt.Fprintf(a.stdout, "%s: no problems; importing would create %d post(s) from %d row(s), %s (dry run: nothing imported)\n",
						file, len(res.Posts), res.Rows, what)
					return nil
				}
				fmt.Fprintf(a.stdout, "imported %d post(s) from %d row(s) into %q, %s\n", len(res.PostIDs), res.Rows, o.Name, what)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&org, "org", "", "organization ID or exact name (default: the member's only organization)")
	requiredFlag(cmd, &as, "as", "email of the importing member (owner or manager)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check every row and import nothing")
	return cmd
}

// problemLine is a problem as compilers print them: FILE:LINE: column:
// message.
func problemLine(file string, p planimport.Problem, prefix string) string {
	col := p.Header
	if col == "" {
		col = p.Column
	}
	s := file
	if p.Line > 0 {
		s += fmt.Sprintf(":%d", p.Line)
	}
	s += ": " + prefix
	if col != "" {
		s += col + ": "
	}
	return s + p.Message
}
