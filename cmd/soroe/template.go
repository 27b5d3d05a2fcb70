package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/plan"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, templateCmd) }

func templateCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "template",
		Aliases: []string{"型"},
		Short:   "Manage templates (型) and see their cadence (list, add, show)",
		Long: `Manage an organization's templates (型): for a goal, what the team posts
(a structure with named slots such as {社員名}), in which tone and format, on
which networks, how often (n per week or per month on preferred weekdays and
times), with which hashtags, call to action and link, rules and checklist,
and who drafts and approves.

A template is versioned: the UI and the API (PATCH /api/v1/templates/{id})
save every change as a new version. Its cadence is laid out in the
organization's time zone: weeks run Monday to Sunday, the posts of a week (or
month) are spread evenly over the preferred weekdays (Monday to Friday when
none are given) at the preferred times (12:00 when none are given), and the
drafters (listed members plus everyone with the drafters' role, by user ID)
take the slots in turns.`,
	}
	cmd.AddCommand(templateListCmd(a), templateAddCmd(a), templateShowCmd(a), templateGenerateCmd(a))
	return cmd
}

// tplFlagOf names the command-line flag a template error is about.
var tplFlagOf = map[string]string{
	"goal_id": "goal", "networks": "network", "frequency.count": "count", "frequency.per": "per",
	"frequency.weekdays": "weekday", "frequency.times": "time", "drafters": "drafter", "approvers": "approver",
	"tone_notes": "tone-notes",
}

// tplExplain turns a validation error into the flag it is about and the
// English text of its message key.
func tplExplain(err error) error {
	var e *soroe.Error
	if !errors.As(err, &e) || e.Code != soroe.EInvalid {
		return err
	}
	out := *e
	if f, ok := tplFlagOf[e.Field]; ok {
		out.Field = f
	}
	if cat := i18n.Default(); cat.Has(soroe.LangEN, "error."+e.Message) {
		out.Message = e.Message + " (" + strings.TrimSuffix(cat.T(soroe.LangEN, "error."+e.Message), ".") + ")"
	}
	return &out
}

// tplFind finds template ref (an ID) in the organization at a version.
func tplFind(ctx context.Context, db *store.DB, o *soroe.Org, ref string, version int) (*soroe.Template, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(ref), 10, 64)
	if err == nil {
		t, err := db.Template(ctx, o.ID, id, version)
		if soroe.ErrorCode(err) != soroe.ENotFound {
			return t, err
		}
		if version > 0 {
			if _, err := db.Template(ctx, o.ID, id, 0); err == nil {
				return nil, &soroe.Error{Code: soroe.ENotFound, Field: "version",
					Message: fmt.Sprintf("template %d has no version %d", id, version)}
			}
		}
	}
	return nil, &soroe.Error{Code: soroe.ENotFound, Field: "template",
		Message: fmt.Sprintf("%q has no template %q (see `soroe template list --org %d`)", o.Name, ref, o.ID)}
}

var tplWeekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"日": time.Sunday, "月": time.Monday, "火": time.Tuesday, "水": time.Wednesday,
	"木": time.Thursday, "金": time.Friday, "土": time.Saturday,
}

// tplParseWeekday reads mon, Monday, 月, 月曜日 or 1 (0 = Sunday).
func tplParseWeekday(s string) (time.Weekday, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n <= 6 {
		return time.Weekday(n), nil
	}
	key := strings.TrimSuffix(strings.TrimSuffix(s, "曜日"), "曜")
	if len(key) > 3 && key[0] < 0x80 {
		key = key[:3]
	}
	if d, ok := tplWeekdayNames[key]; ok {
		return d, nil
	}
	return 0, &soroe.Error{Code: soroe.EInvalid, Field: "weekday",
		Message: fmt.Sprintf("unknown weekday %q (use mon, tue, wed, thu, fri, sat, sun)", s)}
}

// tplDrafters resolves who drafts: the listed members and everyone with the
// role, by user ID (as the web plan does).
func tplDrafters(a soroe.Assignees, ms []*soroe.Member) []int64 {
	var ids []int64
	for _, m := range ms {
		if (a.Role != "" && m.Role == a.Role) || slices.Contains(a.UserIDs, m.UserID) {
			ids = append(ids, m.UserID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// tplSlotJSON is a planned slot as `soroe template show --json` prints it.
type tplSlotJSON struct {
	At          time.Time  `json:"at"`
	Day         soroe.Date `json:"day"`
	Local       string     `json:"local"`
	DrafterID   *int64     `json:"drafter_id"`
	DrafterName *string    `json:"drafter_name"`
}

// tplShowJSON is what `soroe template show --json` prints.
type tplShowJSON struct {
	Template *soroe.Template `json:"template"`
	Current  int             `json:"current_version"`
	TimeZone string          `json:"time_zone"`
	From     soroe.Date      `json:"from"`
	To       soroe.Date      `json:"to"`
	Slots    []tplSlotJSON   `json:"slots"`
}

// tplShowDays is how far ahead `template show` lays out slots.
const tplShowDays = 14

func templateListCmd(a *app) *cobra.Command {
	var (
		org, goal string
		asJSON    bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List an organization's templates at their current versions, by goal",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				var gid int64
				if goal != "" {
					g, err := resolveGoal(ctx, db, o, goal)
					if err != nil {
						return err
					}
					gid = g.ID
				}
				ts, err := db.Templates(ctx, o.ID, gid)
				if err != nil {
					return err
				}
				return printList(a, asJSON, ts, []string{"ID", "GOAL", "NAME", "VERSION", "FREQUENCY", "NETWORKS", "FORMAT"}, func(x *soroe.Template) []string {
					return []string{strconv.FormatInt(x.ID, 10), strconv.FormatInt(x.GoalID, 10), cell(x.Name), "v" + strconv.Itoa(x.Version),
						x.Frequency.String(), strings.Join(networkNames(x.Networks), ","), x.Format}
				})
			})
		}),
	}
	orgFlag(cmd, &org)
	cmd.Flags().StringVar(&goal, "goal", "", "only the templates of this goal (ID)")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func templateAddCmd(a *app) *cobra.Command {
	var (
		org, as, goal, per, drafterRole, approverRole string
		count                                         int
		networks, weekdays, drafters, approvers       []string
		asJSON                                        bool
		b                                             soroe.TemplateBody
	)
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Make a template (型) for a goal (version 1)",
		Example: `  soroe template add --org "株式会社そろえ" --as pr@example.jp --goal 3 \
    --name "社員の一日" --structure "{社員名}さんの一日: {エピソード} #採用" \
    --network instagram --network x --per week --count 3 \
    --weekday mon --weekday wed --weekday fri --time 12:00 --tone friendly --format image`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withActor(cmd, org, as, soroe.ActTemplateWrite, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				g, err := resolveGoal(ctx, db, o, goal)
				if err != nil {
					return err
				}
				b.Frequency.Count, b.Frequency.Per = count, per
				for _, n := range networks {
					for _, part := range strings.Split(n, ",") {
						if part = strings.ToLower(strings.TrimSpace(part)); part != "" {
							b.Networks = append(b.Networks, soroe.Network(part))
						}
					}
				}
				for _, w := range weekdays {
					for _, part := range strings.Split(w, ",") {
						if strings.TrimSpace(part) == "" {
							continue
						}
						d, err := tplParseWeekday(part)
						if err != nil {
							return err
						}
						b.Frequency.Weekdays = append(b.Frequency.Weekdays, d)
					}
				}
				people := func(emails []string, role string, field string) (soroe.Assignees, error) {
					var out soroe.Assignees
					for _, e := range emails {
						pu, err := resolveUser(ctx, db, e)
						if err != nil {
							return out, err
						}
						if _, err := db.Member(ctx, o.ID, pu.ID); soroe.ErrorCode(err) == soroe.ENotFound {
							return out, &soroe.Error{Code: soroe.EInvalid, Field: field, Message: fmt.Sprintf("%s is not a member of %q", pu.Email, o.Name)}
						} else if err != nil {
							return out, err
						}
						out.UserIDs = append(out.UserIDs, pu.ID)
					}
					if role != "" {
						r, err := soroe.ParseRole(role)
						if err != nil {
							return out, &soroe.Error{Code: soroe.EInvalid, Field: field + "-role", Message: "unknown_role (use owner, executive, manager or staff)"}
						}
						out.Role = r
					}
					return out, nil
				}
				if b.Drafters, err = people(drafters, drafterRole, "drafter"); err != nil {
					return err
				}
				if b.Approvers, err = people(approvers, approverRole, "approver"); err != nil {
					return err
				}
				t := &soroe.Template{OrgID: o.ID, GoalID: g.ID, CreatedBy: u.ID, TemplateBody: b}
				if err := db.CreateTemplate(ctx, t); err != nil {
					return tplExplain(err)
				}
				if asJSON {
					return a.printJSON(t)
				}
				fmt.Fprintf(a.stdout, "created template %d %q (v1) for goal %d %q: %s\n", t.ID, t.Name, g.ID, g.Title, t.Frequency)
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	f := cmd.Flags()
	requiredFlag(cmd, &as, "as", "email of the member who makes it: an owner or manager")
	requiredFlag(cmd, &goal, "goal", "the goal's ID")
	requiredFlag(cmd, &b.Name, "name", "the template's name")
	f.StringVar(&b.Theme, "theme", "", "what the posts are about")
	requiredFlag(cmd, &b.Structure, "structure", "the post with named slots in braces, e.g. \"{社員名}さんの一日: {エピソード}\"")
	f.StringSliceVar(&networks, "network", nil, "a network to post on, repeatable: x, instagram, facebook, threads, linkedin, bluesky, mastodon, line, manual (at least one)")
	f.StringVar(&per, "per", "week", "frequency unit: week or month")
	f.IntVar(&count, "count", 1, "posts per week (1–14) or per month (1–62)")
	f.StringSliceVar(&weekdays, "weekday", nil, "a preferred weekday, repeatable: mon … sun (default Monday to Friday)")
	f.StringSliceVar(&b.Frequency.Times, "time", nil, "a preferred local time HH:MM, repeatable (default 12:00)")
	f.StringVar(&b.Tone, "tone", "friendly", "tone: "+strings.Join(soroe.Tones, ", "))
	f.StringVar(&b.ToneNotes, "tone-notes", "", "notes on the tone")
	f.StringVar(&b.Format, "format", "text", "format: "+strings.Join(soroe.Formats, ", "))
	f.StringArrayVar(&b.Hashtags, "hashtag", nil, "a hashtag, repeatable (the # is optional)")
	f.StringVar(&b.CTA, "cta", "", "call to action")
	f.StringVar(&b.Link, "link", "", "link (http:// or https://)")
	f.StringArrayVar(&b.Dos, "do", nil, "a rule to follow, repeatable")
	f.StringArrayVar(&b.Donts, "dont", nil, "a rule to avoid, repeatable")
	f.StringArrayVar(&b.Checklist, "check", nil, "a checklist step before posting, repeatable")
	f.StringArrayVar(&drafters, "drafter", nil, "email of a member who drafts, repeatable")
	f.StringVar(&drafterRole, "drafter-role", "", "everyone with this role drafts (default staff when no drafter is given)")
	f.StringArrayVar(&approvers, "approver", nil, "email of a member who approves, repeatable")
	f.StringVar(&approverRole, "approver-role", "", "everyone with this role approves (default manager when no approver is given)")
	required(cmd, "network")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func templateShowCmd(a *app) *cobra.Command {
	var (
		org     string
		version int
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a template and its planned slots for the next two weeks",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				if version < 0 {
					return &soroe.Error{Code: soroe.EInvalid, Field: "version", Message: "give a version number (1, 2, …)"}
				}
				cur, err := tplFind(ctx, db, o, args[0], 0)
				if err != nil {
					return err
				}
				t := cur
				if version != 0 && version != cur.Version {
					if t, err = tplFind(ctx, db, o, args[0], version); err != nil {
						return err
					}
				}
				ms, err := db.Members(ctx, o.ID)
				if err != nil {
					return err
				}
				names := map[int64]string{}
				for _, m := range ms {
					names[m.UserID] = m.Name
				}
				loc := o.Location()
				from := soroe.DateOf(a.clock(), loc)
				out := tplShowJSON{Template: t, Current: cur.Version, TimeZone: o.TimeZone, From: from, To: from.AddDays(tplShowDays - 1), Slots: []tplSlotJSON{}}
				if t.Version == cur.Version {
					for _, s := range plan.Slots(t.Frequency, loc, out.From, out.To, tplDrafters(t.Drafters, ms)) {
						js := tplSlotJSON{At: s.At, Day: s.Day, Local: s.Local}
						if s.DrafterID != 0 {
							id, n := s.DrafterID, names[s.DrafterID]
							js.DrafterID, js.DrafterName = &id, &n
						}
						out.Slots = append(out.Slots, js)
					}
				}
				if asJSON {
					return a.printJSON(out)
				}
				return tplPrint(ctx, a, db, o, out, names)
			})
		}),
	}
	orgFlag(cmd, &org)
	cmd.Flags().IntVar(&version, "version", 0, "show an earlier version (default: the current one)")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// tplPrint writes a template and its slots for the terminal.
func tplPrint(ctx context.Context, a *app, db *store.DB, o *soroe.Org, v tplShowJSON, names map[int64]string) error {
	t := v.Template
	w := a.stdout
	g, err := db.Goal(ctx, o.ID, t.GoalID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "template %d %q, v%d", t.ID, t.Name, t.Version)
	if t.Version != v.Current {
		fmt.Fprintf(w, " (an earlier version; the current one is v%d)", v.Current)
	}
	fmt.Fprintf(w, "\ngoal %d %q\n\n", g.ID, g.Title)
	who := func(as soroe.Assignees) string {
		var parts []string
		for _, id := range as.UserIDs {
			if n, ok := names[id]; ok {
				parts = append(parts, n)
			} else {
				parts = append(parts, fmt.Sprintf("user %d (no longer a member)", id))
			}
		}
		if as.Role != "" {
			parts = append(parts, "everyone with the role "+string(as.Role))
		}
		return strings.Join(parts, ", ")
	}
	tone := t.Tone
	if t.ToneNotes != "" {
		tone += " — " + t.ToneNotes
	}
	rows := [][2]string{
		{"theme", t.Theme}, {"structure", t.Structure}, {"slots", strings.Join(t.Slots(), ", ")},
		{"tone", tone}, {"format", t.Format}, {"networks", strings.Join(networkNames(t.Networks), ", ")},
		{"frequency", t.Frequency.String()}, {"hashtags", strings.Join(t.Hashtags, " ")},
		{"cta", t.CTA}, {"link", t.Link}, {"do", strings.Join(t.Dos, "; ")}, {"don't", strings.Join(t.Donts, "; ")},
		{"checklist", strings.Join(t.Checklist, "; ")}, {"drafters", who(t.Drafters)}, {"approvers", who(t.Approvers)},
		{"made", fmt.Sprintf("%s by %s", fmtTime(t.CreatedAt), names[t.CreatedBy])},
	}
	facts := &textTable{}
	for _, r := range rows {
		if r[1] != "" {
			facts.row(r[0]+":", cell(r[1]))
		}
	}
	if err := facts.write(w); err != nil {
		return err
	}
	if t.Version != v.Current {
		return nil
	}
	fmt.Fprintf(w, "\nplanned slots %s to %s (%s):\n", v.From, v.To, v.TimeZone)
	if len(v.Slots) == 0 {
		fmt.Fprintln(w, "  none")
		return nil
	}
	st := &textTable{}
	st.row("DAY", "TIME", "DRAFTER")
	for _, s := range v.Slots {
		drafter := "-"
		if s.DrafterName != nil {
			drafter = *s.DrafterName
		}
		st.row(string(s.Day)+" "+s.Day.Time(time.UTC).Weekday().String()[:3], s.Local, cell(drafter))
	}
	return st.write(w)
}
