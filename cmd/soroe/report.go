package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/report"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/web"
)

func init() { commands = append(commands, reportCmd) }

// reportCmd writes a report of a month, a week or any days to a file.
func reportCmd(a *app) *cobra.Command {
	var org, period, from, to, format, out string
	var weekly bool
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write a monthly or weekly report (HTML, PDF, PPTX, XLSX or CSV)",
		Long: `Write a report (月次レポート・週次レポート) of the organization as its numbers
stand now, in the organization's language and time zone: purpose and KPIs
with pace and forecast, every network against the previous period, trends,
the top and bottom posts with their 工夫メモ, 型, cadence, the team, the
insights and the actions, with a 総評 drafted from the insights.

  --period 2026-11              the month
  --period 2026-11-18 --weekly  the week (Monday to Sunday) of that day
  --from 2026-11-03 --to 2026-11-16   any days

The report is written to -o FILE (or stdout for html and csv); it is not
stored: reports made in the web UI or through the API are.`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			kind := report.Monthly
			switch {
			case from != "" || to != "":
				kind = report.Custom
				if period != "" || weekly {
					return &soroe.Error{Code: soroe.EInvalid, Field: "period", Message: "give --period or --from and --to, not both"}
				}
			case weekly:
				kind, from = report.Weekly, period
			case period == "":
				return &soroe.Error{Code: soroe.EInvalid, Field: "period", Message: "give --period YYYY-MM (or a day with --weekly, or --from and --to)"}
			}
			p, err := web.ReportPeriod(kind, period, soroe.Date(from), soroe.Date(to))
			if err != nil {
				return err
			}
			format = strings.ToLower(format)
			switch format {
			case "html", "pdf", "pptx", "xlsx", "csv":
			default:
				return &soroe.Error{Code: soroe.EInvalid, Field: "format", Message: "the format is html, pdf, pptx, xlsx or csv"}
			}
			if out == "" && format != "html" && format != "csv" {
				return &soroe.Error{Code: soroe.EInvalid, Field: "o", Message: "give -o FILE for a " + format + " file"}
			}
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				b, err := writeReport(ctx, a, db, o, kind, p, format)
				if err != nil {
					return err
				}
				if out == "" || out == "-" {
					_, err = a.stdout.Write(b)
					return err
				}
				if err := os.WriteFile(out, b, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "wrote %s (%s, %s〜%s, %d bytes)\n", out, format, p.From, p.To, len(b))
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	cmd.Flags().StringVar(&period, "period", "", "the month (YYYY-MM), or with --weekly a day of the week (YYYY-MM-DD)")
	cmd.Flags().BoolVar(&weekly, "weekly", false, "a weekly report of the week that holds --period")
	cmd.Flags().StringVar(&from, "from", "", "the first day of a custom period (YYYY-MM-DD)")
	cmd.Flags().StringVar(&to, "to", "", "the last day of a custom period (YYYY-MM-DD)")
	cmd.Flags().StringVar(&format, "format", "pdf", "html, pdf, pptx, xlsx or csv")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (html and csv: stdout without it)")
	return cmd
}

func writeReport(ctx context.Context, a *app, db *store.DB, o *soroe.Org, kind string, p soroe.Period, format string) ([]byte, error) {
	srv, err := web.New(web.Config{Store: db, Clock: a.clock})
	if err != nil {
		return nil, err
	}
	lang := o.Lang
	if lang == "" {
		lang = soroe.DefaultLang
	}
	r, err := srv.BuildReport(ctx, o, kind, p, lang)
	if err != nil {
		return nil, err
	}
	return r.File(format)
}
