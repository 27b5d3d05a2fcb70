package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, metricsCmd) }

func metricsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "metrics",
		Short: "Posts' numbers: import exports, pull from the APIs now, rebuild the rollups",
		Long: `Every post's numbers are snapshots (from the networks' APIs, from imported
exports, or typed in); dashboards read the latest value per post and metric
and per-day rollups. See docs/metrics.md for the metric names and where each
network's figure comes from.`,
	}
	cmd.AddCommand(metricsPullCmd(a), metricsRebuildCmd(a))
	return cmd
}

// pullJSON is what `soroe metrics pull --json` prints.
type pullJSON struct {
	Accounts  int `json:"accounts"`
	Targets   int `json:"targets"`
	Calls     int `json:"calls"`
	Snapshots int `json:"snapshots"`
	Missing   int `json:"missing"`
}

func metricsPullCmd(a *app) *cobra.Command {
	var (
		org     string
		account int64
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "pull",
		Short: "Pull the due posts' numbers from the networks' APIs now (the server does it on schedule)",
		Example: `  soroe metrics pull --org 揃え工務店
  soroe metrics pull --org 1 --account 3 --json`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				box, err := a.loadBox()
				if err != nil {
					return err
				}
				p := &measure.Puller{Store: db, Readers: measure.Readers(adapters(nil)), Open: publish.Opener(box)}
				ids := []int64{account}
				if account == 0 {
					if ids, err = db.DueMetricAccounts(ctx, db.Now(), 10000); err != nil {
						return err
					}
				}
				var out pullJSON
				for _, id := range ids {
					if _, err := db.Account(ctx, o.ID, id); err != nil {
						if account != 0 {
							return &soroe.Error{Code: soroe.ENotFound, Field: "account", Message: fmt.Sprintf("%q has no account %d", o.Name, id)}
						}
						continue // another organization's
					}
					res, err := p.PullAccount(ctx, id)
					if err != nil {
						return err
					}
					out.Accounts++
					out.Targets += res.Targets
					out.Calls += res.Calls
					out.Snapshots += res.Snapshots
					out.Missing += res.Missing
				}
				if asJSON {
					return a.printJSON(out)
				}
				fmt.Fprintf(a.stdout, "Pulled %d posts on %d accounts in %d calls: %d snapshots added, %d posts gone from their network.\n",
					out.Targets, out.Accounts, out.Calls, out.Snapshots, out.Missing)
				return nil
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&org, "org", "", "organization ID or exact name")
	f.Int64Var(&account, "account", 0, "only this account (ID); default: every account with posts due")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func metricsRebuildCmd(a *app) *cobra.Command {
	var (
		org    string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Recompute the latest numbers and the per-day rollups from the snapshots (after a formula change or a repair)",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				n, err := db.RebuildLatest(ctx, o.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(map[string]int{"posts": n})
				}
				fmt.Fprintf(a.stdout, "Rebuilt the numbers of %d posts of %q from their snapshots.\n", n, o.Name)
				return nil
			})
		}),
	}
	cmd.Flags().StringVar(&org, "org", "", "organization ID or exact name")
	jsonFlag(cmd, &asJSON)
	return cmd
}
