package web

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/store"
)

// registerGenerate registers generation: 型 proposed for a goal (previewed,
// then saved one by one) and drafts written from a 型 and company
// material, in the UI and the API. Nothing generated is stored unless a
// person saves it; a draft is only ever shown, for a person to edit.
func (s *Server) registerGenerate() error {
	tw, dg := soroe.ActTemplateWrite, soroe.ActDraftGenerate
	return errors.Join(
		s.ui("GET /goals/{goal}/generate", tw, s.generateForm),
		s.ui("POST /goals/{goal}/generate/save", tw, s.generateSave),
		s.ui("GET /templates/{template}/draft", dg, s.draftForm),
		s.ui("POST /templates/{template}/draft", dg, s.draftGenerate),

		s.api("POST /api/v1/goals/{goal}/generate", tw, s.apiGenerateTemplates),
		s.api("POST /api/v1/templates/{template}/draft", dg, s.apiGenerateDraft),
	)
}

// ---------------------------------------------------------------------------
// The organization of a generation, for the usage log.

type orgIDKey struct{}

// WithOrgID returns ctx carrying the organization a generation is for; the
// generator's OnUsage (set by serve) reads it with OrgIDFrom to record the
// tokens a model call used.
func WithOrgID(ctx context.Context, orgID int64) context.Context {
	return context.WithValue(ctx, orgIDKey{}, orgID)
}

// OrgIDFrom returns the organization WithOrgID put in ctx.
func OrgIDFrom(ctx context.Context) (int64, bool) {
	id, ok := ctx.Value(orgIDKey{}).(int64)
	return id, ok
}

// ---------------------------------------------------------------------------
// Shared pieces.

// genCountMin and genCountMax bound how many 型 the UI offers to make; the
// API takes 1 to generate.MaxCount.
const (
	genCountMin = 6
	genCountMax = 12
)

// genLLMName is the configured model's generator name ("llm:<model>"), or
// "" when the builtin generator is configured.
func (s *Server) genLLMName() string {
	if n, ok := s.cfg.Generator.(interface{ Name() string }); ok && strings.HasPrefix(n.Name(), "llm:") {
		return n.Name()
	}
	return ""
}

// genSources are the generator names a saved 型 may record as its source.
func (s *Server) genSources() []string {
	out := []string{generate.GeneratorBuiltin}
	if n := s.genLLMName(); n != "" {
		out = append(out, n)
	}
	return out
}

// genInfo says in words which generator made an answer, and why the model's
// answer was not used when it was not.
type genInfo struct {
	Generator string // "builtin" or "llm:<model>"
	Label     string // 「内蔵ジェネレーター」, 「AI モデル: gpt-4o-mini」
	LLM       bool
	Notice    string // translated; "" when there is nothing to say
}

func (s *Server) genInfoOf(lang string, m generate.Meta) genInfo {
	in := genInfo{Generator: m.Generator}
	if model, ok := strings.CutPrefix(m.Generator, "llm:"); ok {
		in.LLM = true
		in.Label = s.cat.T(lang, "generate.by_llm", "Model", model)
	} else {
		in.Label = s.cat.T(lang, "generate.by_builtin")
	}
	if m.Notice != "" {
		in.Notice = s.cat.T(lang, "generate.notice."+m.Notice, "Model", m.Model)
	}
	return in
}

// genSeed is a fresh seed for a generation nobody gave one for.
func genSeed() int64 { return rand.Int64N(1 << 31) }

// genMonthTokens is the tokens the organization's model calls used this
// month (from the first, in the organization's time zone).
func (s *Server) genMonthTokens(ctx context.Context, org *soroe.Org) (int64, error) {
	loc := org.Location()
	now := s.now().In(loc)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	p, c, err := s.db.LLMTokens(ctx, org.ID, first)
	return p + c, err
}

// genNumber writes n with thousands separators.
func genNumber(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && r != '-' && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// 型 generation.

// genTemplateParams is what a 型 generation asks for.
type genTemplateParams struct {
	Network soroe.Network // "" for every network
	Lang    string
	Count   int
	Seed    int64
}

// genParseNetwork reads a network choice: "" or "all" for every network.
func genParseNetwork(v string) (soroe.Network, error) {
	v = strings.TrimSpace(v)
	if v == "" || v == "all" {
		return "", nil
	}
	if n := soroe.Network(v); n.Valid() {
		return n, nil
	}
	return "", soroe.Invalid("network", "unknown_network")
}

// genParseLang reads a language choice; "" is def.
func genParseLang(v, def string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return def, nil
	}
	if !soroe.ValidLang(v) {
		return "", soroe.Invalid("lang", "unknown_language")
	}
	return v, nil
}

// genTemplates runs a 型 generation for goal g of the caller's
// organization.
func (s *Server) genTemplates(r *http.Request, g *soroe.Goal, p genTemplateParams) ([]soroe.TemplateBody, generate.Meta, error) {
	org := who(r).Org
	prof, err := s.db.OrgProfile(r.Context(), org.ID)
	if err != nil {
		return nil, generate.Meta{}, err
	}
	ctx := WithOrgID(r.Context(), org.ID)
	return s.cfg.Generator.Templates(ctx, generate.TemplateRequest{
		Goal: g, Profile: prof, Network: p.Network, Lang: p.Lang, Count: p.Count, Seed: p.Seed,
	})
}

// genCard is a generated 型 said in words, with what saving it posts.
type genCard struct {
	N        int
	Body     soroe.TemplateBody
	Parts    []tplPart
	Slots    []string
	Freq     string
	Tone     string
	Format   string
	Networks []string
	JSON     string
}

type genPageData struct {
	Goal      *soroe.Goal
	Networks  []tplOption
	Langs     []tplOption
	Counts    []tplOption
	Submitted bool
	Cards     []genCard
	Info      genInfo
	Again     string // the same request with a new seed
	Seed      int64
	LLM       string // the configured model, "" for the builtin generator
	Tokens    string // this month's tokens, when a model is configured
}

// genPage is the 型 generation page's data for goal g, its choices set from
// q (the form's query).
func (s *Server) genPage(r *http.Request, g *soroe.Goal, q url.Values) (*genPageData, error) {
	l, org := lang(r), who(r).Org
	d := &genPageData{Goal: g}
	net := q.Get("network")
	d.Networks = append(d.Networks, tplOption{Value: "all", Label: s.cat.T(l, "generate.all_networks"), Checked: net == "" || net == "all"})
	for _, n := range soroe.Networks {
		d.Networks = append(d.Networks, tplOption{Value: string(n), Label: s.tplNetworkLabel(l, n), Checked: net == string(n)})
	}
	gl := q.Get("lang")
	if gl == "" {
		gl = org.Lang
	}
	for _, x := range []string{soroe.LangJA, soroe.LangEN} {
		d.Langs = append(d.Langs, tplOption{Value: x, Label: s.cat.T(l, "lang."+x), Checked: gl == x})
	}
	count := q.Get("count")
	if count == "" {
		count = strconv.Itoa(generate.DefaultCount)
	}
	for n := genCountMin; n <= genCountMax; n++ {
		v := strconv.Itoa(n)
		d.Counts = append(d.Counts, tplOption{Value: v, Label: s.cat.T(l, "generate.count_option", "Count", n), Checked: count == v})
	}
	d.LLM = strings.TrimPrefix(s.genLLMName(), "llm:")
	return d, s.genUsage(r, d)
}

// genUsage sets the month's token count on d when a model is configured;
// call it again after a generation to count that one too.
func (s *Server) genUsage(r *http.Request, d *genPageData) error {
	if d.LLM == "" {
		return nil
	}
	n, err := s.genMonthTokens(r.Context(), who(r).Org)
	d.Tokens = genNumber(n)
	return err
}

// genQuery reads the form of the 型 generation page. The form is submitted
// when any of its fields is in the query.
func genQuery(q url.Values, org *soroe.Org) (p genTemplateParams, submitted bool, err error) {
	for _, k := range []string{"network", "lang", "count", "seed"} {
		submitted = submitted || q.Has(k)
	}
	if !submitted {
		return p, false, nil
	}
	if p.Network, err = genParseNetwork(q.Get("network")); err != nil {
		return p, true, err
	}
	if p.Lang, err = genParseLang(q.Get("lang"), org.Lang); err != nil {
		return p, true, err
	}
	p.Count = generate.DefaultCount
	if v := strings.TrimSpace(q.Get("count")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < genCountMin || n > genCountMax {
			return p, true, soroe.Invalid("count", "generate_count_range")
		}
		p.Count = n
	}
	p.Seed = genSeed()
	if v := strings.TrimSpace(q.Get("seed")); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return p, true, soroe.Invalid("seed", "generate_seed_invalid")
		}
		p.Seed = n
	}
	return p, true, nil
}

func (s *Server) generateForm(w http.ResponseWriter, r *http.Request) {
	g, err := s.loadGoal(r)
	if s.failed(w, r, err) {
		return
	}
	id, l, q := who(r), lang(r), r.URL.Query()
	d, err := s.genPage(r, g, q)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "generate.templates_page_title", d)
	p.Form = q
	params, submitted, err := genQuery(q, id.Org)
	// The form carries its seed, so that changing a choice keeps the
	// generation comparable and a reload shows the same 型; "generate
	// again" is what asks for a new one.
	d.Seed = genSeed()
	if err != nil {
		s.formError(w, r, "generate_templates", p, err)
		return
	}
	if submitted {
		bodies, meta, err := s.genTemplates(r, g, params)
		if err != nil {
			s.formError(w, r, "generate_templates", p, err)
			return
		}
		d.Submitted, d.Seed, d.Info = true, params.Seed, s.genInfoOf(l, meta)
		for i, b := range bodies {
			raw, err := json.Marshal(b)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			c := genCard{N: i + 1, Body: b, Parts: tplParts(b.Structure), Slots: b.Slots(), Freq: s.tplFreqWords(l, b.Frequency),
				Tone: s.tplToneLabel(l, b.Tone), Format: s.tplFormatLabel(l, b.Format), JSON: string(raw)}
			for _, n := range b.Networks {
				c.Networks = append(c.Networks, s.tplNetworkLabel(l, n))
			}
			d.Cards = append(d.Cards, c)
		}
		again := url.Values{"network": {cmp.Or(string(params.Network), "all")}, "lang": {params.Lang},
			"count": {strconv.Itoa(params.Count)}, "seed": {strconv.FormatInt(genNextSeed(params.Seed), 10)}}
		d.Again = fmt.Sprintf("/goals/%d/generate?%s", g.ID, again.Encode())
		if err := s.genUsage(r, d); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, http.StatusOK, "generate_templates", p)
}

// genNextSeed is a seed other than seed, for "generate again".
func genNextSeed(seed int64) int64 {
	for {
		if n := genSeed(); n != seed {
			return n
		}
	}
}

// genSaveBody reads a generated 型 posted back to be saved, checking it
// again as if a person had typed it: the browser may have changed it.
// Drafters and approvers are never taken from it: a generated 型 is
// drafted by the staff role and approved by the manager role until someone
// edits it.
func (s *Server) genSaveBody(raw, source string) (soroe.TemplateBody, string, error) {
	var b soroe.TemplateBody
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, "", soroe.Invalid("body", "generate_body_invalid")
	}
	if dec.More() {
		return b, "", soroe.Invalid("body", "generate_body_invalid")
	}
	b.Drafters = soroe.Assignees{Role: soroe.RoleStaff}
	b.Approvers = soroe.Assignees{Role: soroe.RoleManager}
	if err := b.Validate(); err != nil {
		return b, "", err
	}
	if !slices.Contains(s.genSources(), source) {
		return b, "", soroe.Invalid("source", "generate_source_invalid")
	}
	return b, source, nil
}

func (s *Server) generateSave(w http.ResponseWriter, r *http.Request) {
	g, err := s.loadGoal(r)
	if s.failed(w, r, err) {
		return
	}
	id := who(r)
	_ = r.ParseForm()
	raw := strings.TrimSpace(r.PostForm.Get("body"))
	if raw == "" {
		// Nothing chosen (a stale or hand-made form): back to the generator.
		redirect(w, r, fmt.Sprintf("/goals/%d/generate", g.ID))
		return
	}
	b, source, err := s.genSaveBody(raw, r.PostForm.Get("source"))
	var t *soroe.Template
	if err == nil {
		t = &soroe.Template{OrgID: id.Org.ID, GoalID: g.ID, Source: source, CreatedBy: id.User.ID, TemplateBody: b}
		err = s.db.CreateTemplate(r.Context(), t)
	}
	if err != nil {
		if soroe.ErrorCode(err) != soroe.EInvalid {
			s.serverError(w, r, err)
			return
		}
		d, derr := s.genPage(r, g, url.Values{})
		if derr != nil {
			s.serverError(w, r, derr)
			return
		}
		p := s.newPage(w, r, "generate.templates_page_title", d)
		p.Errors = map[string]string{"save": soroe.ErrorMessage(err)}
		s.render(w, http.StatusUnprocessableEntity, "generate_templates", p)
		return
	}
	s.flash(r, "generate.flash.saved")
	redirect(w, r, fmt.Sprintf("/templates/%d", t.ID))
}

// ---------------------------------------------------------------------------
// Drafts.

// Bounds of what a person types for a draft.
const (
	genMaxTopic = 500
	genMaxSlot  = 1000
	// genPassages is how many passages of material a draft draws on.
	genPassages = 4
)

// draftInput is what a draft is asked with, from the form or the API.
type draftInput struct {
	Slots        map[string]string `json:"slots"`
	Topic        string            `json:"topic"`
	MaterialIDs  []int64           `json:"material_ids"`
	AllMaterials bool              `json:"all_materials"`
	Network      soroe.Network     `json:"network"`
	Lang         string            `json:"lang"`
	Seed         *int64            `json:"seed"`
}

// draftOutcome is a generated draft with how it was made and its check.
type draftOutcome struct {
	Draft  generate.Draft
	Meta   generate.Meta
	Seed   int64
	Report *CheckReport
}

// genRetrievers keeps one material retriever (and so its in-memory indexes)
// per store for the life of the process.
var genRetrievers sync.Map // *store.DB → *material.Retriever

func (s *Server) retriever() *material.Retriever {
	if v, ok := genRetrievers.Load(s.db); ok {
		return v.(*material.Retriever)
	}
	v, _ := genRetrievers.LoadOrStore(s.db, material.NewRetriever(s.db))
	return v.(*material.Retriever)
}

// readyMaterials is the organization's material that drafts can draw on.
func readyMaterials(ctx context.Context, db *store.DB, orgID int64) ([]*soroe.Material, error) {
	ms, err := db.Materials(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ms, func(m *soroe.Material) bool { return m.Status != soroe.MaterialReady }), nil
}

// checkDraftInput checks a draft request against the 型 and fills in the
// network.
func (s *Server) checkDraftInput(ctx context.Context, orgID int64, t *soroe.Template, in *draftInput) error {
	if utf8.RuneCountInString(in.Topic) > genMaxTopic {
		return soroe.Invalid("topic", "too_long")
	}
	in.Topic = strings.TrimSpace(in.Topic)
	slots := t.Slots()
	for k, v := range in.Slots {
		if !slices.Contains(slots, k) {
			return soroe.Invalid("slots", "generate_unknown_slot")
		}
		if utf8.RuneCountInString(v) > genMaxSlot {
			return soroe.Invalid("slots", "too_long")
		}
	}
	if in.Network == "" && len(t.Networks) > 0 {
		in.Network = t.Networks[0]
	}
	if !slices.Contains(t.Networks, in.Network) {
		return soroe.Invalid("network", "generate_network_not_in_template")
	}
	if in.Lang != "" && !soroe.ValidLang(in.Lang) {
		return soroe.Invalid("lang", "unknown_language")
	}
	if len(in.MaterialIDs) > 0 {
		all, err := s.db.Materials(ctx, orgID)
		if err != nil {
			return err
		}
		for _, id := range in.MaterialIDs {
			i := slices.IndexFunc(all, func(m *soroe.Material) bool { return m.ID == id })
			if i < 0 {
				return soroe.Invalid("material_ids", "generate_unknown_material")
			}
			if all[i].Status != soroe.MaterialReady {
				return soroe.Invalid("material_ids", "generate_material_not_ready")
			}
		}
	}
	return nil
}

// runDraft drafts a post from 型 t for the caller's organization: checks
// the input, retrieves passages of the chosen material, generates, and
// checks the text for the network.
func (s *Server) runDraft(r *http.Request, t *soroe.Template, in draftInput) (*draftOutcome, error) {
	ctx, org := r.Context(), who(r).Org
	if err := s.checkDraftInput(ctx, org.ID, t, &in); err != nil {
		return nil, err
	}
	var passages []soroe.Passage
	if len(in.MaterialIDs) > 0 || in.AllMaterials {
		var ids []int64
		if !in.AllMaterials {
			ids = in.MaterialIDs
		}
		var q []string
		q = append(q, in.Topic)
		for _, slot := range t.Slots() {
			q = append(q, in.Slots[slot])
		}
		query := strings.TrimSpace(strings.Join(q, " "))
		if query == "" {
			query = t.Name + " " + t.Theme
		}
		var err error
		if passages, err = s.retriever().Retrieve(ctx, org.ID, query, genPassages, ids...); err != nil {
			return nil, err
		}
	}
	prof, err := s.db.OrgProfile(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	out := &draftOutcome{Seed: genSeed()}
	if in.Seed != nil {
		out.Seed = *in.Seed
	}
	out.Draft, out.Meta, err = s.cfg.Generator.Draft(WithOrgID(ctx, org.ID), generate.DraftRequest{
		Template: t, Slots: in.Slots, Topic: in.Topic, Passages: passages, Profile: prof,
		Network: in.Network, Lang: in.Lang, Seed: out.Seed,
	})
	if err != nil {
		return nil, err
	}
	if out.Report, err = s.checkReport(r, out.Draft.Text, []soroe.Network{out.Draft.Network}); err != nil {
		return nil, err
	}
	return out, nil
}

type draftSlot struct {
	Index   int
	Name    string
	Value   string
	Missing bool // still a placeholder in the draft
	Cited   bool // filled from material in the draft
}

type draftMaterial struct {
	ID      int64
	Title   string
	Kind    string
	Checked bool
}

type draftResult struct {
	Text        string
	Info        genInfo
	Network     soroe.Network
	NetLabel    string
	Trimmed     bool
	Missing     []string
	MissingList string // Missing said as a list
	Citations   []generate.Citation
	Seed        int64
}

type draftPageData struct {
	Template     *soroe.Template
	Goal         *soroe.Goal
	Parts        []tplPart
	Slots        []draftSlot
	Materials    []draftMaterial
	AllMaterials bool
	Networks     []tplOption
	Langs        []tplOption
	CanManage    bool // may register material
	Result       *draftResult
	Report       *CheckReport // the draft's check, for the text_check partial
}

// draftPage is the draft page's data for 型 t, its fields set from form.
func (s *Server) draftPage(r *http.Request, t *soroe.Template, form url.Values) (*draftPageData, error) {
	ctx, l, org := r.Context(), lang(r), who(r).Org
	g, err := s.db.Goal(ctx, org.ID, t.GoalID)
	if err != nil {
		return nil, err
	}
	ms, err := readyMaterials(ctx, s.db, org.ID)
	if err != nil {
		return nil, err
	}
	d := &draftPageData{Template: t, Goal: g, Parts: tplParts(t.Structure), AllMaterials: form.Get("all_materials") != "",
		CanManage: soroe.Can(who(r).Role, soroe.ActMaterialManage)}
	for i, name := range t.Slots() {
		d.Slots = append(d.Slots, draftSlot{Index: i, Name: name, Value: form.Get(fmt.Sprintf("slot_%d", i))})
	}
	for _, m := range ms {
		d.Materials = append(d.Materials, draftMaterial{ID: m.ID, Title: m.Title, Kind: strings.ToUpper(m.Kind),
			Checked: slices.Contains(form["material"], strconv.FormatInt(m.ID, 10))})
	}
	net := form.Get("network")
	for i, n := range t.Networks {
		d.Networks = append(d.Networks, tplOption{Value: string(n), Label: s.tplNetworkLabel(l, n), Checked: net == string(n) || (net == "" && i == 0)})
	}
	gl := form.Get("lang")
	d.Langs = append(d.Langs, tplOption{Value: "", Label: s.cat.T(l, "generate.lang_auto"), Checked: gl == ""})
	for _, x := range []string{soroe.LangJA, soroe.LangEN} {
		d.Langs = append(d.Langs, tplOption{Value: x, Label: s.cat.T(l, "lang."+x), Checked: gl == x})
	}
	return d, nil
}

// loadDraftTemplate reads the {template} of the path at its current version.
func (s *Server) loadDraftTemplate(w http.ResponseWriter, r *http.Request) (*soroe.Template, bool) {
	t, err := s.loadTemplate(r, 0)
	if errors.Is(err, soroe.ErrNotFound) {
		s.notFound(w, r)
		return nil, false
	} else if err != nil {
		s.serverError(w, r, err)
		return nil, false
	}
	return t, true
}

func (s *Server) draftForm(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadDraftTemplate(w, r)
	if !ok {
		return
	}
	d, err := s.draftPage(r, t, url.Values{})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "generate.draft_page_title", d)
	// A draft started from a planned slot keeps it, for "make it a post".
	p.Form = url.Values{"slot_at": {r.URL.Query().Get("slot_at")}}
	s.render(w, http.StatusOK, "generate_draft", p)
}

// draftFormInput reads the draft form.
func draftFormInput(form url.Values, t *soroe.Template) (draftInput, error) {
	in := draftInput{Slots: map[string]string{}, Topic: form.Get("topic"), AllMaterials: form.Get("all_materials") != "",
		Network: soroe.Network(strings.TrimSpace(form.Get("network"))), Lang: strings.TrimSpace(form.Get("lang"))}
	for i, name := range t.Slots() {
		if v := strings.TrimSpace(form.Get(fmt.Sprintf("slot_%d", i))); v != "" {
			in.Slots[name] = v
		}
	}
	for _, v := range form["material"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return in, soroe.Invalid("material_ids", "generate_unknown_material")
		}
		if !slices.Contains(in.MaterialIDs, id) {
			in.MaterialIDs = append(in.MaterialIDs, id)
		}
	}
	return in, nil
}

func (s *Server) draftGenerate(w http.ResponseWriter, r *http.Request) {
	t, ok := s.loadDraftTemplate(w, r)
	if !ok {
		return
	}
	l := lang(r)
	_ = r.ParseForm()
	d, err := s.draftPage(r, t, r.PostForm)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "generate.draft_page_title", d)
	p.Form = r.PostForm
	in, err := draftFormInput(r.PostForm, t)
	var out *draftOutcome
	if err == nil {
		out, err = s.runDraft(r, t, in)
	}
	if err != nil {
		s.formError(w, r, "generate_draft", p, err)
		return
	}
	res := &draftResult{Text: out.Draft.Text, Info: s.genInfoOf(l, out.Meta), Network: out.Draft.Network,
		NetLabel: s.tplNetworkLabel(l, out.Draft.Network), Trimmed: out.Draft.Trimmed, Missing: out.Draft.Missing, Citations: out.Draft.Citations, Seed: out.Seed}
	sep := ", "
	if l == soroe.LangJA {
		sep = "、"
	}
	res.MissingList = strings.Join(res.Missing, sep)
	missing := map[string]bool{}
	for _, m := range out.Draft.Missing {
		missing[m] = true
	}
	cited := map[string]bool{}
	for _, c := range out.Draft.Citations {
		cited[c.Slot] = true
	}
	for i := range d.Slots {
		d.Slots[i].Missing, d.Slots[i].Cited = missing[d.Slots[i].Name], cited[d.Slots[i].Name]
	}
	d.Result, d.Report = res, out.Report
	s.render(w, http.StatusOK, "generate_draft", p)
}
