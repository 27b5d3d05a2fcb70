package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/store"
	posttext "github.com/soroe/soroe/text"
	"github.com/soroe/soroe/web"
)

// `soroe template generate` hangs under the template command (template.go
// adds templateGenerateCmd); `soroe draft` is a command of its own.
func init() { commands = append(commands, draftCmd) }

// genGenerator is the generator the environment configures (SOROE_LLM_*,
// as serve reads them), with the tokens of every model call recorded for
// the organization and the model's warnings on standard error.
func (a *app) genGenerator(db *store.DB, orgID int64) (generate.Generator, error) {
	cfg, err := generate.ConfigFromEnv()
	if err != nil {
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "env", Message: err.Error()}
	}
	log := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Logger = log
	cfg.OnUsage = func(ctx context.Context, m generate.Meta) {
		err := db.RecordLLMUsage(context.WithoutCancel(ctx), store.LLMUsage{OrgID: orgID, Model: m.Model, Purpose: m.Task,
			PromptTokens: m.PromptTokens, CompletionTokens: m.CompletionTokens, Outcome: m.Outcome()})
		if err != nil {
			log.Warn("could not record the model's token usage", "err", err)
		}
	}
	return generate.New(cfg), nil
}

// genExplain turns a generation error into the flag it is about and the
// English text of its message key.
func genExplain(err error) error {
	var e *soroe.Error
	if !errors.As(err, &e) || e.Code != soroe.EInvalid {
		return err
	}
	out := *e
	if f, ok := map[string]string{"material_ids": "material", "slots": "slot"}[e.Field]; ok {
		out.Field = f
	}
	if cat := i18n.Default(); cat.Has(soroe.LangEN, "error."+e.Message) {
		out.Message = e.Message + " (" + strings.TrimSuffix(cat.T(soroe.LangEN, "error."+e.Message), ".") + ")"
	}
	return &out
}

// genNotice is a notice said for the terminal.
func genNotice(m generate.Meta) string {
	if m.Notice == "" {
		return ""
	}
	return i18n.Default().T(soroe.LangEN, "generate.notice."+m.Notice, "Model", m.Model)
}

// genSeed returns the seed flag's value, or a random seed when it was not
// given.
func genSeed(cmd *cobra.Command, seed int64) int64 {
	if cmd.Flags().Changed("seed") {
		return seed
	}
	return rand.Int64N(1 << 31)
}

// ---------------------------------------------------------------------------
// soroe template generate

// genTemplatesJSON is what `soroe template generate --json` prints:
// templates is a list of bodies, or of saved templates with --save.
type genTemplatesJSON struct {
	Generator string `json:"generator"`
	Model     string `json:"model,omitempty"`
	Notice    string `json:"notice"`
	Seed      int64  `json:"seed"`
	Saved     bool   `json:"saved"`
	Templates any    `json:"templates"`
}

func templateGenerateCmd(a *app) *cobra.Command {
	var (
		org, goal, network, lang, as string
		count                        int
		seed                         int64
		save, asJSON                 bool
	)
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Suggest templates (型) for a goal; prints them without saving unless --save",
		Long: `Suggest templates (型) for a goal, from its purpose, primary KPI and strategy
and the organization's profile (industry, audience, brand voice, words to use
and avoid), for one network or, by default, for each template's own.

The builtin generator works offline and gives the same templates for the same
seed. With SOROE_LLM_BASE_URL and SOROE_LLM_MODEL (and SOROE_LLM_API_KEY) set,
an OpenAI-compatible model writes them instead; when it fails, times out or
answers junk, the builtin generator steps in and a notice says so. The tokens
a model uses are recorded for the organization.

Nothing is saved unless --save is given, with --as naming the member (owner
or manager) the templates are saved for: drafters default to the staff role
and approvers to the manager role, and the generator is recorded as each
template's source.`,
		Example: `  soroe template generate --org "揃え工務店" --goal 3 --network instagram
  soroe template generate --org 1 --goal 3 --lang en --count 10 --seed 42 --json
  soroe template generate --org 1 --goal 3 --save --as pr@example.jp`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if save && as == "" {
				return &soroe.Error{Code: soroe.EInvalid, Field: "as", Message: "--save needs --as EMAIL: the member the templates are saved for"}
			}
			if !save && as != "" {
				return &soroe.Error{Code: soroe.EInvalid, Field: "as", Message: "--as is only used with --save"}
			}
			run := func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				g, err := resolveGoal(ctx, db, o, goal)
				if err != nil {
					return err
				}
				req := generate.TemplateRequest{Goal: g, Lang: cmp.Or(lang, o.Lang), Count: count, Seed: genSeed(cmd, seed)}
				if network != "" && network != "all" {
					req.Network = soroe.Network(network)
				}
				if req.Network != "" && !req.Network.Valid() {
					return &soroe.Error{Code: soroe.EInvalid, Field: "network",
						Message: fmt.Sprintf("unknown network %q (use all or one of %s)", network, strings.Join(networkNames(soroe.Networks), ", "))}
				}
				if count < 1 || count > generate.MaxCount {
					return &soroe.Error{Code: soroe.EInvalid, Field: "count", Message: fmt.Sprintf("give 1 to %d", generate.MaxCount)}
				}
				if req.Profile, err = db.OrgProfile(ctx, o.ID); err != nil {
					return err
				}
				gen, err := a.genGenerator(db, o.ID)
				if err != nil {
					return err
				}
				bodies, meta, err := gen.Templates(web.WithOrgID(ctx, o.ID), req)
				if err != nil {
					return genExplain(err)
				}
				out := genTemplatesJSON{Generator: meta.Generator, Model: meta.Model, Notice: meta.Notice, Seed: req.Seed, Saved: save, Templates: orEmpty(bodies)}
				var saved []*soroe.Template
				if save {
					for _, b := range bodies {
						b.Drafters, b.Approvers = soroe.Assignees{Role: soroe.RoleStaff}, soroe.Assignees{Role: soroe.RoleManager}
						t := &soroe.Template{OrgID: o.ID, GoalID: g.ID, Source: meta.Generator, CreatedBy: u.ID, TemplateBody: b}
						if err := db.CreateTemplate(ctx, t); err != nil {
							return tplExplain(err)
						}
						saved = append(saved, t)
					}
					out.Templates = orEmpty(saved)
				}
				if asJSON {
					return a.printJSON(out)
				}
				return genPrintTemplates(a, g, out, bodies, saved)
			}
			if save {
				return a.withActor(cmd, org, as, soroe.ActTemplateWrite, run)
			}
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error { return run(ctx, db, o, nil) })
		}),
	}
	orgFlag(cmd, &org)
	requiredFlag(cmd, &goal, "goal", "the goal (ID) to suggest templates for")
	f := cmd.Flags()
	f.StringVar(&network, "network", "all", "the network the templates are for: "+strings.Join(networkNames(soroe.Networks), ", ")+", or all")
	f.StringVar(&lang, "lang", "", "ja or en (default: the organization's language)")
	f.IntVar(&count, "count", generate.DefaultCount, fmt.Sprintf("how many templates, 1 to %d", generate.MaxCount))
	f.Int64Var(&seed, "seed", 0, "the seed: the same seed gives the same templates from the builtin generator (default: random)")
	f.BoolVar(&save, "save", false, "save every template (needs --as)")
	f.StringVar(&as, "as", "", "with --save: the member (email) the templates are saved for; an owner or manager")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// genPrintTemplates writes generated templates for the terminal.
func genPrintTemplates(a *app, g *soroe.Goal, out genTemplatesJSON, bodies []soroe.TemplateBody, saved []*soroe.Template) error {
	w := a.stdout
	by := "the builtin generator"
	if m, ok := strings.CutPrefix(out.Generator, "llm:"); ok {
		by = "the model " + m
	}
	noun := "templates"
	if len(bodies) == 1 {
		noun = "template"
	}
	fmt.Fprintf(w, "%d %s for goal %d %q, by %s (seed %d)", len(bodies), noun, g.ID, g.Title, by, out.Seed)
	if out.Saved {
		fmt.Fprintln(w, ", saved")
	} else {
		fmt.Fprintln(w, ", not saved (add --save --as EMAIL to save them)")
	}
	if n := genNotice(generate.Meta{Notice: out.Notice, Model: out.Model}); n != "" {
		fmt.Fprintln(w, "note: "+n)
	}
	for i, b := range bodies {
		head := fmt.Sprintf("\n%d. %s", i+1, b.Name)
		if i < len(saved) {
			head += fmt.Sprintf("  (saved as template %d)", saved[i].ID)
		}
		fmt.Fprintln(w, head)
		tone := b.Tone
		if b.ToneNotes != "" {
			tone += " — " + b.ToneNotes
		}
		facts := &textTable{}
		for _, r := range [][2]string{
			{"theme", b.Theme}, {"structure", b.Structure}, {"slots", strings.Join(b.Slots(), ", ")},
			{"tone", tone}, {"format", b.Format}, {"networks", strings.Join(networkNames(b.Networks), ", ")},
			{"frequency", b.Frequency.String()}, {"hashtags", strings.Join(b.Hashtags, " ")}, {"cta", b.CTA},
			{"do", strings.Join(b.Dos, "; ")}, {"don't", strings.Join(b.Donts, "; ")}, {"checklist", strings.Join(b.Checklist, "; ")},
		} {
			if r[1] != "" {
				facts.row("   "+r[0]+":", cell(r[1]))
			}
		}
		if err := facts.write(w); err != nil {
			return err
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// soroe draft generate

func draftCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "draft",
		Short: "Draft posts from a template (型) and company material",
		Long: `Draft posts from a template (型): the slots you fill keep their values, a
topic slot takes the topic, and, with material chosen, other slots take
sentences of the most relevant passages, each cited. A draft is only printed,
for a person to edit; saving drafts and approval come with publishing.`,
	}
	cmd.AddCommand(draftGenerateCmd(a))
	return cmd
}

// genDraftJSON is what `soroe draft generate --json` prints (the shape of
// POST /api/v1/templates/{template}/draft).
type genDraftJSON struct {
	Generator string              `json:"generator"`
	Model     string              `json:"model,omitempty"`
	Notice    string              `json:"notice"`
	Seed      int64               `json:"seed"`
	Network   soroe.Network       `json:"network"`
	Text      string              `json:"text"`
	Slots     map[string]string   `json:"slots"`
	Missing   []string            `json:"missing"`
	Trimmed   bool                `json:"trimmed"`
	Citations []generate.Citation `json:"citations"`
	Check     *web.CheckReport    `json:"check"`
}

// genMaterial finds material ref (an ID or an exact title) of the
// organization, ready to draw on.
func genMaterial(ms []*soroe.Material, o *soroe.Org, ref string) (*soroe.Material, error) {
	ref = strings.TrimSpace(ref)
	var found []*soroe.Material
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, m := range ms {
			if m.ID == id {
				found = append(found, m)
			}
		}
	}
	if len(found) == 0 {
		for _, m := range ms {
			if m.Title == ref {
				found = append(found, m)
			}
		}
	}
	switch {
	case len(found) == 0:
		return nil, &soroe.Error{Code: soroe.ENotFound, Field: "material",
			Message: fmt.Sprintf("%q has no material with the ID or title %q (see `soroe material list --org %d`)", o.Name, ref, o.ID)}
	case len(found) > 1:
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "material",
			Message: fmt.Sprintf("%d materials are titled %q; give the ID instead", len(found), ref)}
	case found[0].Status != soroe.MaterialReady:
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "material",
			Message: fmt.Sprintf("material %d %q is %s, not ready to draw on", found[0].ID, found[0].Title, found[0].Status)}
	}
	return found[0], nil
}

func draftGenerateCmd(a *app) *cobra.Command {
	var (
		org, tpl, topic, network, lang string
		materials, slotArgs            []string
		all, asJSON                    bool
		seed                           int64
	)
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Draft a post from a template and, optionally, company material",
		Example: `  soroe draft generate --org 1 --template 12 --slot 社員名=山田 --topic "朝の段取り"
  soroe draft generate --org 1 --template 12 --material 4 --material 会社案内 --topic 自然素材の家づくり --json
  soroe draft generate --org 1 --template 12 --all-materials --network x`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				t, err := tplFind(ctx, db, o, tpl, 0)
				if err != nil {
					return err
				}
				req := generate.DraftRequest{Template: t, Slots: map[string]string{}, Topic: strings.TrimSpace(topic), Lang: lang, Seed: genSeed(cmd, seed)}
				for _, s := range slotArgs {
					name, value, ok := strings.Cut(s, "=")
					name = strings.TrimSpace(name)
					if !ok || name == "" {
						return &soroe.Error{Code: soroe.EInvalid, Field: "slot", Message: fmt.Sprintf("%q: write --slot NAME=VALUE", s)}
					}
					if !slices.Contains(t.Slots(), name) {
						return &soroe.Error{Code: soroe.EInvalid, Field: "slot",
							Message: fmt.Sprintf("template %d has no slot %q; its slots: %s", t.ID, name, strings.Join(t.Slots(), ", "))}
					}
					req.Slots[name] = strings.TrimSpace(value)
				}
				req.Network = soroe.Network(network)
				if req.Network == "" {
					req.Network = t.Networks[0]
				}
				if !slices.Contains(t.Networks, req.Network) {
					return &soroe.Error{Code: soroe.EInvalid, Field: "network",
						Message: fmt.Sprintf("template %d is for %s, not %q", t.ID, strings.Join(networkNames(t.Networks), ", "), network)}
				}
				if lang != "" && !soroe.ValidLang(lang) {
					return &soroe.Error{Code: soroe.EInvalid, Field: "lang", Message: "use ja or en"}
				}
				if len(materials) > 0 || all {
					ms, err := db.Materials(ctx, o.ID)
					if err != nil {
						return err
					}
					var ids []int64
					for _, ref := range materials {
						m, err := genMaterial(ms, o, ref)
						if err != nil {
							return err
						}
						ids = append(ids, m.ID)
					}
					if all {
						ids = nil
					}
					q := []string{req.Topic}
					for _, s := range t.Slots() {
						q = append(q, req.Slots[s])
					}
					query := strings.TrimSpace(strings.Join(q, " "))
					if query == "" {
						query = t.Name + " " + t.Theme
					}
					if req.Passages, err = material.NewRetriever(db).Retrieve(ctx, o.ID, query, 4, ids...); err != nil {
						return err
					}
				}
				prof, err := db.OrgProfile(ctx, o.ID)
				if err != nil {
					return err
				}
				req.Profile = prof
				gen, err := a.genGenerator(db, o.ID)
				if err != nil {
					return err
				}
				d, meta, err := gen.Draft(web.WithOrgID(ctx, o.ID), req)
				if err != nil {
					return genExplain(err)
				}
				rep := &web.CheckReport{Valid: true, Risks: posttext.Risk(d.Text, posttext.RiskConfig{NGWords: prof.NGWords, Competitors: prof.Competitors})}
				if rep.Risks == nil {
					rep.Risks = []posttext.Finding{}
				}
				res := posttext.Check(d.Network, d.Text, posttext.Options{})
				rep.Results, rep.Valid = []posttext.Result{res}, res.Valid
				rep.Blocking = prof.BlockOnRisk && len(rep.Risks) > 0
				out := genDraftJSON{Generator: meta.Generator, Model: meta.Model, Notice: meta.Notice, Seed: req.Seed, Network: d.Network,
					Text: d.Text, Slots: d.Slots, Missing: orEmpty(d.Missing), Trimmed: d.Trimmed, Citations: orEmpty(d.Citations), Check: rep}
				if out.Slots == nil {
					out.Slots = map[string]string{}
				}
				if asJSON {
					return a.printJSON(out)
				}
				return genPrintDraft(a, out)
			})
		}),
	}
	orgFlag(cmd, &org)
	requiredFlag(cmd, &tpl, "template", "the template (ID) to draft from")
	f := cmd.Flags()
	f.StringArrayVar(&slotArgs, "slot", nil, "a slot's value, NAME=VALUE (repeat for more)")
	f.StringVar(&topic, "topic", "", "what the post is about")
	f.StringArrayVar(&materials, "material", nil, "draw on this material (ID or exact title; repeat for more)")
	f.BoolVar(&all, "all-materials", false, "draw on all the organization's ready material")
	f.StringVar(&network, "network", "", "one of the template's networks (default: its first)")
	f.StringVar(&lang, "lang", "", "ja or en (default: the template's language)")
	f.Int64Var(&seed, "seed", 0, "the seed (default: random)")
	jsonFlag(cmd, &asJSON)
	return cmd
}

// genPrintDraft writes a draft for the terminal: the text, then how it was
// made, what it cites and how it checks.
func genPrintDraft(a *app, d genDraftJSON) error {
	w := a.stdout
	fmt.Fprintln(w, d.Text)
	fmt.Fprintln(w, "\n---")
	facts := &textTable{}
	by := "builtin"
	if d.Model != "" && d.Generator != "builtin" {
		by = "model " + d.Model
	}
	facts.row("generator:", fmt.Sprintf("%s (seed %d)", by, d.Seed))
	if n := genNotice(generate.Meta{Notice: d.Notice, Model: d.Model}); n != "" {
		facts.row("note:", n)
	}
	for _, r := range d.Check.Results {
		verdict := "ok"
		if !r.Valid {
			var codes []string
			for _, p := range r.Problems {
				codes = append(codes, p.Code)
			}
			verdict = "NOT VALID: " + strings.Join(codes, ", ")
		}
		length := strconv.Itoa(r.Length)
		if r.Limit > 0 {
			length += "/" + strconv.Itoa(r.Limit)
		}
		facts.row("network:", fmt.Sprintf("%s, %s %s, %s", r.Platform, length, r.Unit, verdict))
	}
	if d.Trimmed {
		facts.row("trimmed:", "the body was shortened to fit "+string(d.Network))
	}
	if len(d.Missing) > 0 {
		facts.row("to fill:", strings.Join(d.Missing, ", "))
	}
	for _, f := range d.Check.Risks {
		facts.row("risk:", fmt.Sprintf("%s %q at %d: %s", f.Category, f.Match, f.Start+1, f.Why))
	}
	if err := facts.write(w); err != nil {
		return err
	}
	if len(d.Citations) == 0 {
		fmt.Fprintln(w, "citations: none")
		return nil
	}
	fmt.Fprintln(w, "citations:")
	for i, c := range d.Citations {
		where := c.Title
		if c.Locator != "" {
			where += " " + c.Locator
		}
		slot := ""
		if c.Slot != "" {
			slot = " for " + c.Slot
		}
		fmt.Fprintf(w, "  [%d] %s (material %d, passage %d)%s: %q\n", i+1, where, c.MaterialID, c.PassageID, slot, c.Quote)
	}
	return nil
}
