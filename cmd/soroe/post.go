package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

func init() { commands = append(commands, postCmd) }

// postSubcommands are the `soroe post` subcommands defined in other files
// (e.g. import), added to the group by their init.
var postSubcommands []func(a *app) *cobra.Command

func postCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "post",
		Aliases: []string{"投稿"},
		Short:   "Work with posts: list, show, approve, reject",
		Long: `Work with an organization's posts: list them with filters, show one with
its targets, approvals and history, and approve or send back (差し戻し) the
step a post waits at, as a member who may decide it.

A post goes draft → in_review → approved → scheduled → published; each
target (one account) goes queued → sending → sent, failed or unconfirmed.`,
	}
	cmd.AddCommand(postListCmd(a), postShowCmd(a), postDecideCmd(a, soroe.DecisionApprove), postDecideCmd(a, soroe.DecisionReject))
	for _, sub := range postSubcommands {
		cmd.AddCommand(sub(a))
	}
	return cmd
}

// postJSON is a post as the CLI prints it (the API's shape).
type postJSON struct {
	*soroe.Post
	Targets []*soroe.Target `json:"targets"`
}

func postListCmd(a *app) *cobra.Command {
	var org, state, network, from, to string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List posts (newest first), filtered by state, network and time",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				f := store.PostFilter{OrgID: o.ID, Network: soroe.Network(network), Limit: limit, Newest: true}
				if state != "" {
					f.States = strings.Split(state, ",")
				}
				var err error
				if f.From, err = parseLocalDate(o, from); err != nil {
					return err
				}
				if f.To, err = parseLocalDate(o, to); err != nil {
					return err
				}
				posts, targets, total, err := db.Posts(ctx, f)
				if err != nil {
					return err
				}
				rows := make([]*postJSON, len(posts))
				for i, p := range posts {
					rows[i] = &postJSON{Post: p, Targets: orEmpty(targets[p.ID])}
				}
				if !asJSON && len(rows) < total {
					defer fmt.Fprintf(a.stdout, "(%d of %d; use --limit)\n", len(rows), total)
				}
				return printList(a, asJSON, rows, []string{"ID", "STATE", "TIME", "ACCOUNTS", "TEXT"}, func(p *postJSON) []string {
					return []string{strconv.FormatInt(p.ID, 10), p.State, postTime(o, p.Post), targetsSummary(p.Targets), clip(p.Text, 40)}
				})
			})
		}),
	}
	orgFlag(cmd, &org)
	cmd.Flags().StringVar(&state, "state", "", "only these states, comma-separated (draft, in_review, approved, scheduled, published, failed)")
	cmd.Flags().StringVar(&network, "network", "", "only posts to this network")
	cmd.Flags().StringVar(&from, "from", "", "from this local date (YYYY-MM-DD)")
	cmd.Flags().StringVar(&to, "to", "", "before this local date (YYYY-MM-DD)")
	cmd.Flags().IntVar(&limit, "limit", 50, "at most this many")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// parseLocalDate reads YYYY-MM-DD as midnight in the organization's zone.
func parseLocalDate(o *soroe.Org, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, s, o.Location())
	if err != nil {
		return time.Time{}, &soroe.Error{Code: soroe.EInvalid, Field: "date", Message: fmt.Sprintf("%q is not a date like 2026-12-01", s)}
	}
	return t, nil
}

func postTime(o *soroe.Org, p *soroe.Post) string {
	switch {
	case p.ScheduledAt != nil:
		return p.ScheduledAt.In(o.Location()).Format("2006-01-02 15:04")
	case p.SlotAt != nil:
		return p.SlotAt.In(o.Location()).Format("2006-01-02 15:04") + " (slot)"
	}
	return "-"
}

func targetsSummary(ts []*soroe.Target) string {
	var s []string
	for _, t := range ts {
		s = append(s, string(t.Network)+":"+t.State)
	}
	return strings.Join(s, " ")
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func postShowCmd(a *app) *cobra.Command {
	var org string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show POST",
		Short: "Show a post: its targets, approval steps, decisions and history",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				p, err := resolvePost(ctx, db, o, args[0])
				if err != nil {
					return err
				}
				targets, err := db.Targets(ctx, o.ID, p.ID)
				if err != nil {
					return err
				}
				approvals, err := db.Approvals(ctx, o.ID, p.ID, 0)
				if err != nil {
					return err
				}
				events, err := db.PostEvents(ctx, o.ID, p.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(map[string]any{"post": postJSON{Post: p, Targets: orEmpty(targets)},
						"approvals": orEmpty(approvals), "history": orEmpty(events)})
				}
				w := a.stdout
				fmt.Fprintf(w, "Post %d — %s, %s\n", p.ID, p.State, postTime(o, p))
				if p.TemplateID != nil {
					fmt.Fprintf(w, "型 %d v%d\n", *p.TemplateID, p.TemplateVersion)
				} else {
					fmt.Fprintln(w, "free-form")
				}
				fmt.Fprintf(w, "\n%s\n\n", p.Text)
				for _, t := range targets {
					fmt.Fprintf(w, "  → %s account %d: %s %s %s\n", t.Network, t.AccountID, t.State, t.URL, t.LastError)
				}
				if len(p.Steps) > 0 {
					fmt.Fprintf(w, "\nApproval (round %d):\n", p.Round)
					for i, s := range p.Steps {
						mark := " "
						if p.State == soroe.PostInReview && i == p.Step {
							mark = "▶"
						}
						fmt.Fprintf(w, "  %s %d. %s (%s)\n", mark, i+1, s.Name, s.Mode)
					}
				}
				fmt.Fprintln(w, "\nHistory:")
				for _, e := range events {
					fmt.Fprintf(w, "  %s  %-14s %s %s\n", e.At.In(o.Location()).Format("2006-01-02 15:04"), e.Kind, e.ActorName, clip(e.Detail, 60))
				}
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	jsonFlag(cmd, &asJSON)
	return cmd
}

func resolvePost(ctx context.Context, db *store.DB, o *soroe.Org, ref string) (*soroe.Post, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(ref), 10, 64)
	if err == nil {
		p, err := db.Post(ctx, o.ID, id)
		if soroe.ErrorCode(err) != soroe.ENotFound {
			return p, err
		}
	}
	return nil, &soroe.Error{Code: soroe.ENotFound, Field: "post",
		Message: fmt.Sprintf("%q has no post %q (see `soroe post list --org %d`)", o.Name, ref, o.ID)}
}

func postDecideCmd(a *app, decision string) *cobra.Command {
	var org, as, comment string
	short, use := "Approve the step a post waits at", "approve POST"
	if decision == soroe.DecisionReject {
		short, use = "Send a post back to its author (差し戻し) with a comment", "reject POST"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `, as the member --as names, who must be an approver of that
step. An approval runs the pre-publish checks first: a text that is invalid
for a network, an unfinished draft (a placeholder such as 【ここに…】, an
unfilled slot of its 型, fewer images than its 型's format needs), or a
risk finding when the organization blocks on them, is refused.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withActor(cmd, org, as, soroe.ActPostApprove, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				p, err := resolvePost(ctx, db, o, args[0])
				if err != nil {
					return err
				}
				if p.State != soroe.PostInReview {
					return &soroe.Error{Code: soroe.EConflict, Field: "post", Message: fmt.Sprintf("post %d is %s, not in review", p.ID, p.State)}
				}
				svc := &workflow.Service{DB: db}
				after, rep, err := svc.Decide(ctx, o.ID, p.ID, store.Decision{Round: p.Round, Step: p.Step, UserID: u.ID, Decision: decision, Comment: comment})
				if err != nil {
					if rep != nil {
						cat := i18n.Default()
						for _, f := range rep.Unfinished {
							msg := f.Code + " " + f.Value
							switch f.Code {
							case workflow.UnfinishedPlaceholder:
								msg = cat.T(soroe.LangEN, "check.unfinished.placeholder", "Value", f.Value)
							case workflow.UnfinishedSlot:
								msg = cat.T(soroe.LangEN, "check.unfinished.unfilled_slot", "Slot", "{"+f.Value+"}")
							case workflow.UnfinishedImage, workflow.UnfinishedVideo:
								msg = cat.T(soroe.LangEN, "check.unfinished."+f.Code, "Format", cat.T(soroe.LangEN, "templates.format."+f.Value), "Count", f.Need)
							}
							fmt.Fprintf(a.stderr, "not finished: %s\n", msg)
						}
						for _, t := range rep.Targets {
							for _, pr := range t.Result.Problems {
								fmt.Fprintf(a.stderr, "%s (%s): %s\n", t.AccountName, t.Network, pr.Message)
							}
							for _, f := range t.Risks {
								fmt.Fprintf(a.stderr, "%s (%s): risk %s %q: %s\n", t.AccountName, t.Network, f.Category, f.Match, f.Why)
							}
						}
					}
					return err
				}
				fmt.Fprintf(a.stdout, "post %d is now %s\n", after.ID, after.State)
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	requiredFlag(cmd, &as, "as", "email of the approving member")
	cmd.Flags().StringVar(&comment, "comment", "", "a comment (required to reject)")
	return cmd
}
