package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/importer/metricsimport"
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
	cmd.AddCommand(metricsImportCmd(a), metricsPullCmd(a), metricsRebuildCmd(a))
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

// importJSON is what `soroe metrics import --json` prints.
type importJSON struct {
	Format          string     `json:"format"`
	Encoding        string     `json:"encoding,omitempty"`
	Rows            int        `json:"rows"`
	Matched         int        `json:"matched"`
	External        int        `json:"external"`
	NewExternal     int        `json:"new_external"`
	SnapshotsAdded  int        `json:"snapshots_added"`
	FollowerDays    int        `json:"follower_days"`
	TrafficRows     int        `json:"traffic_rows"`
	From            *time.Time `json:"from,omitempty"`
	To              *time.Time `json:"to,omitempty"`
	DryRun          bool       `json:"dry_run"`
	AlreadyImported bool       `json:"already_imported"`
}

func metricsImportCmd(a *app) *cobra.Command {
	var (
		org, account, format string
		dryRun, asJSON       bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a network's or GA4's export (CSV): all or nothing, matched to Soroe's posts",
		Long: `Import an export file: X's content and account-overview exports and its legacy
tweet activity, Meta Business Suite's Instagram and Facebook content exports,
GA4's traffic acquisition report, or the generic format of
docs/import-formats.md. The format is detected from the header; UTF-8 (with or
without BOM), UTF-16 and Shift_JIS are read.

Rows are matched to the account's posts by ID or permalink; the others become
external posts of the account. A file with a problem is rejected whole: each
problem is printed as FILE:LINE: column: message and nothing changes (exit
status 1). Importing the same file again changes nothing.`,
		Example: `  soroe metrics import x-content.csv --org 揃え工務店 --account "X 公式"
  soroe metrics import ga4.csv --org 1 --dry-run --json`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			file := args[0]
			if format != "" && format != metricsimport.FormatAuto && !slicesContains(metricsimport.Formats, format) {
				return &soroe.Error{Code: soroe.EInvalid, Field: "format", Message: "use auto, " + strings.Join(metricsimport.Formats, ", ")}
			}
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				var acct *soroe.Account
				if account != "" {
					var err error
					if acct, err = resolveAccount(ctx, db, o, account); err != nil {
						return err
					}
				}
				f, err := os.Open(file)
				if err != nil {
					return err
				}
				defer f.Close()
				imp := store.MetricImport{OrgID: o.ID, Format: format, FileName: filepath.Base(file), DryRun: dryRun}
				if acct != nil {
					imp.AccountID = acct.ID
				}
				var rd io.ReadSeeker = f
				stop := func() {}
				if st, err := f.Stat(); err == nil && isTerminal(a.stderr) && !asJSON {
					rd, stop = progress(f, st.Size(), a.stderr)
				}
				res, err := measure.Import(ctx, db, imp, rd, metricsimport.Options{Format: format, Zone: o.Location()})
				stop()
				var perr *metricsimport.Errors
				if errors.As(err, &perr) {
					cat := i18n.Default()
					for _, p := range perr.Problems {
						fmt.Fprintln(a.stderr, measure.FormatProblem(file, p, p.Message(cat, soroe.LangEN)))
					}
					if perr.Total > len(perr.Problems) {
						fmt.Fprintf(a.stderr, "%s: and %d more problems\n", file, perr.Total-len(perr.Problems))
					}
					fmt.Fprintf(a.stderr, "%s: rejected: nothing was imported\n", file)
					return exitCode(1)
				}
				if err != nil {
					return err
				}
				out := importJSON{Format: res.Store.Format, Rows: res.Store.Rows, Matched: res.Store.Matched, External: res.Store.External,
					NewExternal: res.Store.NewExternal, SnapshotsAdded: res.Store.SnapshotsAdded, FollowerDays: res.Store.FollowerDays,
					TrafficRows: res.Store.TrafficRows, From: res.Store.From, To: res.Store.To, DryRun: dryRun, AlreadyImported: res.Store.AlreadyImported}
				if res.File != nil {
					out.Encoding = res.File.Encoding
				}
				if asJSON {
					return a.printJSON(out)
				}
				switch {
				case out.AlreadyImported:
					fmt.Fprintf(a.stdout, "%s was imported before (%d rows): nothing changed.\n", file, out.Rows)
				default:
					verb := "Imported"
					if dryRun {
						verb = "Would import (dry run, nothing saved)"
					}
					fmt.Fprintf(a.stdout, "%s %s (%s): %d rows — %d matched to Soroe's posts, %d external (%d new), %d snapshots added, %d follower days, %d traffic rows.\n",
						verb, file, out.Format, out.Rows, out.Matched, out.External, out.NewExternal, out.SnapshotsAdded, out.FollowerDays, out.TrafficRows)
				}
				return nil
			})
		}),
	}
	f := cmd.Flags()
	f.StringVar(&org, "org", "", "organization ID or exact name")
	f.StringVar(&account, "account", "", "the account the file is of: its ID or name (GA4 files need none)")
	f.StringVar(&format, "format", "auto", "auto, "+strings.Join(metricsimport.Formats, ", "))
	f.BoolVar(&dryRun, "dry-run", false, "read and match everything, save nothing")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func slicesContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// resolveAccount finds an organization's account by ID or exact name.
func resolveAccount(ctx context.Context, db *store.DB, o *soroe.Org, ref string) (*soroe.Account, error) {
	accounts, err := db.Accounts(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	id, idErr := strconv.ParseInt(ref, 10, 64)
	var found []*soroe.Account
	for _, a := range accounts {
		if (idErr == nil && a.ID == id) || a.Name == ref {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		var names []string
		for _, a := range accounts {
			names = append(names, fmt.Sprintf("%d %q (%s)", a.ID, a.Name, a.Network))
		}
		return nil, &soroe.Error{Code: soroe.ENotFound, Field: "account",
			Message: fmt.Sprintf("%q has no account %q; its accounts: %s", o.Name, ref, strings.Join(names, ", "))}
	}
	return nil, &soroe.Error{Code: soroe.EInvalid, Field: "account", Message: fmt.Sprintf("several accounts are named %q: give the ID", ref)}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// progress wraps f to draw a progress bar on w while the file is read the
// second time (the first pass only hashes it).
func progress(f *os.File, size int64, w io.Writer) (io.ReadSeeker, func()) {
	pr := &progressReader{f: f}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-t.C:
				if pr.pass.Load() < 2 || size == 0 {
					continue
				}
				n := pr.n.Load()
				pct := min(100, int(100*n/size))
				bar := strings.Repeat("█", pct/4) + strings.Repeat("░", 25-pct/4)
				fmt.Fprintf(w, "\r%s %3d%%  %.1f / %.1f MB", bar, pct, float64(n)/1e6, float64(size)/1e6)
			}
		}
	}()
	return pr, func() { close(done); <-stopped }
}

type progressReader struct {
	f    *os.File
	n    atomic.Int64
	pass atomic.Int32
}

func (p *progressReader) Read(b []byte) (int, error) {
	if p.pass.Load() == 0 {
		p.pass.Store(1)
	}
	n, err := p.f.Read(b)
	if p.pass.Load() == 2 {
		p.n.Add(int64(n))
	}
	return n, err
}

func (p *progressReader) Seek(off int64, whence int) (int64, error) {
	p.pass.Store(2)
	p.n.Store(0)
	return p.f.Seek(off, whence)
}
