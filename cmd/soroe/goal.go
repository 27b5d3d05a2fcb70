package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/score"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, goalCmd) }

const (
	purposeHelp = "purpose: recruiting (採用), lead_generation (資料請求・問い合わせ), awareness (ブランド認知), sales (販売), community (ファン) or other"
	metricHelp  = "metric: impressions, engagements, engagement_rate, followers_gained, link_clicks, posts_published or conversions (with --event)"
)

func goalCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "goal",
		Short: "Manage goals and their KPIs (list, add, show, record)",
		Long: `Manage an organization's goals: a purpose put into words, with a primary KPI
(and up to five more), numeric targets over the goal's period, and a deadline.
Progress is computed on the organization's today, in its time zone: actual to
date, expected by today (a straight line from start to deadline), pace
(actual ÷ expected), the forecast at the deadline and a status (pace ≥ 90%
on_track, ≥ 70% at_risk, below that behind).

Engagement rate is a ratio: give its targets as a ratio (0.035) or a
percentage (3.5%); its values are engagements with --impressions.`,
	}
	cmd.AddCommand(goalListCmd(a), goalAddCmd(a), goalShowCmd(a), goalRecordCmd(a))
	return cmd
}

// goalJSON is a goal as `soroe goal list|show --json` print it: the same
// shape as the API's (GET /api/v1/goals/{goal}).
type goalJSON struct {
	*soroe.Goal
	Today    soroe.Date        `json:"today"`
	Progress []kpiProgressJSON `json:"progress"`
}

type kpiProgressJSON struct {
	KPIID   int64        `json:"kpi_id"`
	Primary bool         `json:"primary"`
	Metric  soroe.Metric `json:"metric"`
	Event   string       `json:"event,omitempty"`
	Label   string       `json:"label"`
	score.Progress
}

// goalProgress computes a goal's KPIs' progress on today.
func goalProgress(ctx context.Context, db *store.DB, g *soroe.Goal, today soroe.Date) (*goalJSON, error) {
	entries, err := db.KPIValues(ctx, g)
	if err != nil {
		return nil, err
	}
	by := map[int64][]soroe.KPIEntry{}
	for _, e := range entries {
		by[e.KPIID] = append(by[e.KPIID], *e)
	}
	out := &goalJSON{Goal: g, Today: today, Progress: []kpiProgressJSON{}}
	for _, k := range g.KPIs {
		p := score.Compute(score.KPI{Ratio: k.Metric.Ratio(), Target: k.Target, Baseline: k.Baseline},
			g.StartOn, g.Deadline, today, score.DailyValues(by[k.ID]))
		out.Progress = append(out.Progress, kpiProgressJSON{KPIID: k.ID, Primary: k.Primary, Metric: k.Metric, Event: k.Event, Label: k.Label(), Progress: p})
	}
	return out, nil
}

// asOf is the day progress is computed on: --as-of, or the organization's
// today.
func (a *app) asOf(o *soroe.Org, flag string) (soroe.Date, error) {
	if strings.TrimSpace(flag) == "" {
		return soroe.DateOf(a.clock(), o.Location()), nil
	}
	d, err := soroe.ParseDate(flag)
	if err != nil {
		return "", soroe.Invalid("as-of", "invalid_date")
	}
	return d, nil
}

// fmtKPIValue writes a value for the terminal: ratios as percentages.
func fmtKPIValue(ratio bool, f float64) string {
	if ratio {
		return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64)
}

func fmtPtr(ratio bool, f *float64) string {
	if f == nil {
		return "-"
	}
	return fmtKPIValue(ratio, *f)
}

func fmtPace(p *float64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatFloat(math.Round(*p*100), 'f', 0, 64) + "%"
}

// parseKPINumber reads a target, baseline or value: "30", "1,200", "3.5%"
// (a percentage, for ratio metrics only).
func parseKPINumber(field, s string, ratio bool) (float64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	pctSign := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || (pctSign && !ratio) {
		return 0, &soroe.Error{Code: soroe.EInvalid, Field: field, Message: fmt.Sprintf("%q is not a number", s)}
	}
	if pctSign {
		f = math.Round(f/100*1e9) / 1e9
	}
	return f, nil
}

// progressFlags adds the flags of the commands that show progress: --org,
// --as-of and --json.
func progressFlags(cmd *cobra.Command, org, asOf *string, asJSON *bool) {
	orgFlag(cmd, org)
	cmd.Flags().StringVar(asOf, "as-of", "", "compute progress on this day (YYYY-MM-DD) instead of the organization's today")
	jsonFlag(cmd, asJSON)
}

func goalListCmd(a *app) *cobra.Command {
	var org, asOf string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List an organization's goals with their primary KPI's progress",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				today, err := a.asOf(o, asOf)
				if err != nil {
					return err
				}
				goals, err := db.Goals(ctx, o.ID)
				if err != nil {
					return err
				}
				rows := []*goalJSON{}
				for _, g := range goals {
					gp, err := goalProgress(ctx, db, g, today)
					if err != nil {
						return err
					}
					rows = append(rows, gp)
				}
				if asJSON {
					return a.printJSON(rows)
				}
				if len(rows) == 0 {
					fmt.Fprintf(a.stdout, "%q has no goals yet (add one with `soroe goal add`)\n", o.Name)
					return nil
				}
				t := table([]string{"ID", "TITLE", "PURPOSE", "OWNER", "START", "DEADLINE", "PRIMARY KPI", "ACTUAL", "TARGET", "PACE", "STATUS"}, rows, func(r *goalJSON) []string {
					var p kpiProgressJSON
					for _, kp := range r.Progress {
						if kp.Primary {
							p = kp
						}
					}
					return []string{strconv.FormatInt(r.ID, 10), cell(r.Title), string(r.Purpose), cell(r.OwnerName), string(r.StartOn), string(r.Deadline),
						p.Label, fmtKPIValue(p.Ratio, p.Actual), fmtKPIValue(p.Ratio, p.Target), fmtPace(p.Pace), string(p.Status)}
				})
				if err := t.write(a.stdout); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "\nProgress as of %s (%s).\n", today, o.TimeZone)
				return nil
			})
		}),
	}
	progressFlags(cmd, &org, &asOf, &asJSON)
	return cmd
}

// kpiSpec reads a --kpi flag: metric[:event]=target[/baseline].
func kpiSpec(s string) (*soroe.KPI, error) {
	spec, nums, ok := strings.Cut(s, "=")
	if !ok {
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "kpi", Message: fmt.Sprintf("%q: write metric[:event]=target[/baseline], e.g. conversions:inquiry=20", s)}
	}
	metric, event, _ := strings.Cut(strings.TrimSpace(spec), ":")
	k := &soroe.KPI{Metric: soroe.Metric(metric), Event: event}
	target, baseline, hasBase := strings.Cut(nums, "/")
	if err := setKPINumbers(k, "kpi", target, "kpi", baseline, hasBase); err != nil {
		return nil, err
	}
	return k, nil
}

// setKPINumbers reads k's target and, when hasBase, its baseline; the
// fields name the flags they come from.
func setKPINumbers(k *soroe.KPI, targetField, target, baseField, baseline string, hasBase bool) error {
	var err error
	if k.Target, err = parseKPINumber(targetField, target, k.Metric.Ratio()); err != nil {
		return err
	}
	if hasBase {
		b, err := parseKPINumber(baseField, baseline, k.Metric.Ratio())
		if err != nil {
			return err
		}
		k.Baseline = &b
	}
	return nil
}

func goalAddCmd(a *app) *cobra.Command {
	var org, as, title, purpose, start, deadline, metric, event, target, baseline, strategy, owner string
	var kpis []string
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Create a goal with a primary KPI (and more with --kpi)",
		Example: `  soroe goal add --org "株式会社そろえ" --as hanako@example.jp --title "資料請求を増やす" \
    --purpose lead_generation --start 2026-12-01 --deadline 2027-03-31 \
    --metric conversions --event document_download --target 90 \
    --kpi engagement_rate=3.5%/2% --kpi link_clicks=1200`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withActor(cmd, org, as, soroe.ActGoalWrite, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				g := &soroe.Goal{OrgID: o.ID, Title: title, Purpose: soroe.Purpose(purpose), Strategy: strategy, OwnerID: u.ID,
					StartOn: soroe.Date(start), Deadline: soroe.Date(deadline)}
				if owner != "" {
					ou, err := resolveUser(ctx, db, owner)
					if err != nil {
						return err
					}
					g.OwnerID = ou.ID
				}
				k := &soroe.KPI{Primary: true, Metric: soroe.Metric(metric), Event: event}
				if err := setKPINumbers(k, "target", target, "baseline", baseline, baseline != ""); err != nil {
					return err
				}
				g.KPIs = []*soroe.KPI{k}
				for _, s := range kpis {
					k, err := kpiSpec(s)
					if err != nil {
						return err
					}
					g.KPIs = append(g.KPIs, k)
				}
				if err := db.CreateGoal(ctx, g, u.ID); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "created goal %d %q in %q (%d KPI, %s – %s)\n", g.ID, g.Title, o.Name, len(g.KPIs), g.StartOn, g.Deadline)
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	f := cmd.Flags()
	f.StringVar(&as, "as", "", "email of the member who creates it: an owner or executive (required; kept in the change history)")
	requiredFlag(cmd, &title, "title", "what the goal is, in one sentence")
	requiredFlag(cmd, &purpose, "purpose", purposeHelp)
	requiredFlag(cmd, &start, "start", "first day of the period, YYYY-MM-DD")
	requiredFlag(cmd, &deadline, "deadline", "last day of the period, YYYY-MM-DD")
	requiredFlag(cmd, &metric, "metric", "the primary KPI's "+metricHelp)
	f.StringVar(&event, "event", "", "for conversions: the event's name, e.g. document_download, application, inquiry")
	f.StringVar(&target, "target", "", "the primary KPI's target over the whole period (required; 3.5% or 0.035 for engagement_rate)")
	f.StringVar(&baseline, "baseline", "", "the primary KPI's baseline (optional)")
	f.StringVar(&strategy, "strategy", "", "the business strategy the goal serves")
	f.StringVar(&owner, "owner", "", "email of the member who owns the goal (default: --as)")
	f.StringArrayVar(&kpis, "kpi", nil, "a secondary KPI as metric[:event]=target[/baseline], e.g. conversions:inquiry=20 (repeatable, up to 5)")
	required(cmd, "as", "target")
	return cmd
}

func goalShowCmd(a *app) *cobra.Command {
	var org, asOf string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a goal with every KPI's progress (as of the organization's today)",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				g, err := resolveGoal(ctx, db, o, args[0])
				if err != nil {
					return err
				}
				today, err := a.asOf(o, asOf)
				if err != nil {
					return err
				}
				gp, err := goalProgress(ctx, db, g, today)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(gp)
				}
				t := &textTable{}
				t.row("ID:", strconv.FormatInt(g.ID, 10))
				t.row("Title:", cell(g.Title))
				t.row("Purpose:", string(g.Purpose))
				t.row("Owner:", cell(g.OwnerName))
				t.row("Period:", fmt.Sprintf("%s – %s", g.StartOn, g.Deadline))
				t.row("Today:", fmt.Sprintf("%s (%s)", today, o.TimeZone))
				if g.Strategy != "" {
					t.row("Strategy:", cell(g.Strategy))
				}
				if err := t.write(a.stdout); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout)
				k := table([]string{"", "KPI", "ID", "ACTUAL", "TARGET", "EXPECTED", "PACE", "FORECAST", "DAYS LEFT", "STATUS"}, gp.Progress, func(p kpiProgressJSON) []string {
					mark := ""
					if p.Primary {
						mark = "*"
					}
					return []string{mark, p.Label, strconv.FormatInt(p.KPIID, 10), fmtKPIValue(p.Ratio, p.Actual), fmtKPIValue(p.Ratio, p.Target),
						fmtKPIValue(p.Ratio, p.Expected), fmtPace(p.Pace), fmtPtr(p.Ratio, p.Forecast), strconv.Itoa(p.DaysLeft), string(p.Status)}
				})
				if err := k.write(a.stdout); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "\n* primary KPI. Pace = actual ÷ expected by today: ≥ %.0f%% on_track, ≥ %.0f%% at_risk, below that behind.\n",
					score.OnTrackPace*100, score.AtRiskPace*100)
				return nil
			})
		}),
	}
	progressFlags(cmd, &org, &asOf, &asJSON)
	return cmd
}

func goalRecordCmd(a *app) *cobra.Command {
	var org, as, goal, kpi, day, value, impressions, note string
	cmd := &cobra.Command{
		Use:   "record",
		Short: "Enter a KPI's value for one day by hand (replaces that day's earlier hand entry)",
		Example: `  soroe goal record --org "株式会社そろえ" --as hanako@example.jp --goal 3 \
    --kpi conversions:document_download --day 2026-11-20 --value 3`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withActor(cmd, org, as, soroe.ActKPIRecord, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				g, err := resolveGoal(ctx, db, o, goal)
				if err != nil {
					return err
				}
				var k *soroe.KPI
				for _, c := range g.KPIs {
					if c.Label() == kpi || strconv.FormatInt(c.ID, 10) == kpi {
						k = c
					}
				}
				if k == nil {
					labels := make([]string, len(g.KPIs))
					for i, c := range g.KPIs {
						labels[i] = fmt.Sprintf("%s (%d)", c.Label(), c.ID)
					}
					return &soroe.Error{Code: soroe.EInvalid, Field: "kpi",
						Message: fmt.Sprintf("goal %d has no KPI %q; it has %s", g.ID, kpi, strings.Join(labels, ", "))}
				}
				today := soroe.DateOf(a.clock(), o.Location())
				e := &soroe.KPIEntry{KPIID: k.ID, Day: today, Note: note, CreatedBy: u.ID}
				if day != "" {
					e.Day = soroe.Date(day)
				}
				if e.Value, err = parseKPINumber("value", value, false); err != nil {
					return err
				}
				if k.Metric.Ratio() {
					if impressions == "" {
						return &soroe.Error{Code: soroe.EInvalid, Field: "impressions", Message: "engagement_rate needs the day's impressions: --value is the engagements, --impressions the impressions"}
					}
					if e.Denominator, err = parseKPINumber("impressions", impressions, false); err != nil {
						return err
					}
				}
				replaced, err := db.RecordManualEntry(ctx, g, e, today)
				if err != nil {
					return err
				}
				verb := "recorded"
				if replaced {
					verb = "replaced"
				}
				fmt.Fprintf(a.stdout, "%s %s = %s on %s for goal %d\n", verb, k.Label(), value, e.Day, g.ID)
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	f := cmd.Flags()
	requiredFlag(cmd, &as, "as", "email of the member who enters it: an owner, executive or manager")
	requiredFlag(cmd, &goal, "goal", "the goal's ID")
	requiredFlag(cmd, &kpi, "kpi", "the KPI's label (impressions, conversions:document_download, …) or ID")
	f.StringVar(&day, "day", "", "the day, YYYY-MM-DD (default: the organization's today)")
	requiredFlag(cmd, &value, "value", "the day's value; for engagement_rate, the engagements")
	f.StringVar(&impressions, "impressions", "", "for engagement_rate: the day's impressions")
	f.StringVar(&note, "note", "", "a note (optional)")
	return cmd
}
