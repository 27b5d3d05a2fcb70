package generate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/library"
	"github.com/soroe/soroe/text"
)

// Builtin is the offline generator: a content bank per purpose and
// language, adapted to the goal, the profile and the network, chosen and
// ordered by a random source seeded from the request. The same request and
// seed always give the same output.
type Builtin struct{}

// NewBuiltin returns the builtin generator.
func NewBuiltin() *Builtin { return &Builtin{} }

var _ Generator = (*Builtin)(nil)

// seedStream is the PCG stream of the builtin generator's randomness.
const seedStream = 0x50524f45 // "SORE"

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), seedStream))
}

// templateJob is a checked TemplateRequest.
type templateJob struct {
	goal    *soroe.Goal
	purpose soroe.Purpose
	kpi     *soroe.KPI
	profile soroe.OrgProfile
	network soroe.Network
	lang    string
	count   int
	avoid   *regexp.Regexp
}

// checkTemplateRequest checks a request and fills in its defaults.
func checkTemplateRequest(req TemplateRequest) (*templateJob, error) {
	if req.Goal == nil {
		return nil, soroe.Invalid("goal", "required")
	}
	j := &templateJob{goal: req.Goal, purpose: req.Goal.Purpose, kpi: req.Goal.PrimaryKPI(), network: req.Network, lang: req.Lang, count: req.Count}
	if !j.purpose.Valid() {
		j.purpose = soroe.PurposeOther
	}
	if j.lang == "" {
		j.lang = soroe.DefaultLang
	}
	if !soroe.ValidLang(j.lang) {
		return nil, soroe.Invalid("lang", "unknown_language")
	}
	if j.network != "" && !j.network.Valid() {
		return nil, soroe.Invalid("network", "unknown_network")
	}
	if j.count == 0 {
		j.count = DefaultCount
	}
	if j.count < 0 || j.count > MaxCount {
		return nil, soroe.Invalid("count", "invalid_count")
	}
	if req.Profile != nil {
		j.profile = *req.Profile
	}
	j.avoid = avoidPattern(j.profile.WordsToAvoid)
	return j, nil
}

// candidate is a 型 before adaptation: a variant of a bank concept, or a
// library starter.
type candidate struct {
	name, structure, theme string
	tone, format           string
	nets                   []soroe.Network
	count                  int
	per                    string
	tags                   []string
	cta                    string
	dos, donts, checks     []string
}

// Templates returns req.Count distinct 型 (DefaultCount when 0). Fewer come
// back only when the bank and the library hold fewer that fit the request
// (words to avoid in every variant, say); at least DefaultCount always fit a
// request without words to avoid.
func (g *Builtin) Templates(ctx context.Context, req TemplateRequest) ([]soroe.TemplateBody, Meta, error) {
	meta := Meta{Generator: GeneratorBuiltin, Task: TaskTemplates}
	j, err := checkTemplateRequest(req)
	if err != nil {
		return nil, meta, err
	}
	if err := ctx.Err(); err != nil {
		return nil, meta, err
	}
	rng := newRand(req.Seed)
	var out []soroe.TemplateBody
	names, structures := map[string]bool{}, map[string]bool{}
	for _, c := range j.candidates(rng) {
		b, ok := j.build(c, rng)
		if !ok || names[b.Name] || structures[b.Structure] {
			continue
		}
		names[b.Name], structures[b.Structure] = true, true
		out = append(out, b)
		if len(out) == j.count {
			break
		}
	}
	return out, meta, nil
}

// candidates orders what the bank and the library offer for the job:
// first one variant of every concept (the concepts the goal's title and
// strategy speak of first, the rest in seeded order, the variant picked by
// the seed), then the other variants, then the library's starters.
func (j *templateJob) candidates(rng *rand.Rand) []candidate {
	concepts := conceptsOf(j.purpose)
	order := rng.Perm(len(concepts))
	about := strings.ToLower(j.goal.Title + " " + j.goal.Strategy)
	score := make([]int, len(concepts))
	for i, c := range concepts {
		for _, k := range c.keys {
			if strings.Contains(about, k) {
				score[i]++
			}
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return score[b] - score[a] })
	pick := make([]int, len(concepts))
	for i := range pick {
		pick[i] = rng.IntN(2)
	}
	var out []candidate
	for pass := range 2 {
		for _, i := range order {
			c := &concepts[i]
			s := c.side(j.lang)
			vr := s.v[pick[i]^pass]
			out = append(out, candidate{
				name: vr.name, structure: vr.structure, theme: s.theme, tone: c.tone, format: c.format,
				nets: c.nets, count: c.count, per: c.per, tags: s.tags, cta: s.cta,
				dos: s.dos, donts: s.donts, checks: s.checks,
			})
		}
	}
	starters := library.Starters(j.purpose, j.lang)
	rng.Shuffle(len(starters), func(a, b int) { starters[a], starters[b] = starters[b], starters[a] })
	for _, b := range starters {
		out = append(out, candidate{
			name: b.Name, structure: b.Structure, theme: b.Theme, tone: b.Tone, format: b.Format,
			nets: b.Networks, count: b.Frequency.Count, per: b.Frequency.Per, tags: b.Hashtags,
			dos: b.Dos, donts: b.Donts, checks: b.Checklist,
		})
	}
	return out
}

// build adapts a candidate to the job. It reports false when the result
// would hold a word to avoid where it cannot be left out, would not
// validate, or would not fit a network even with the hashtags dropped.
func (j *templateJob) build(c candidate, rng *rand.Rand) (soroe.TemplateBody, bool) {
	lang, p := j.lang, j.profile
	networks := slices.Clone(c.nets)
	if j.network != "" {
		networks = []soroe.Network{j.network}
	}
	short := false
	for _, n := range networks {
		short = short || style(n).short
	}
	main := networks[0]
	format := pickFormat(c.format, main)
	structure := resolveLines(c.structure, short)
	if j.network != "" {
		structure = frame(structure, j.network, format, lang)
	}
	pi := info(j.purpose, lang)
	audience := pi.audience
	if p.Audience != "" {
		audience = clip(p.Audience, 40)
	}
	tone := pickTone(c.tone, p.BrandVoice, j.network)
	b := soroe.TemplateBody{
		Name:      c.name,
		Theme:     strings.ReplaceAll(c.theme, "{{aud}}", audience),
		Structure: structure,
		Tone:      tone,
		ToneNotes: j.toneNotes(tone, main, audience),
		Format:    format,
		Networks:  networks,
		Frequency: pickFrequency(c.count, c.per, main, j.purpose, rng),
		Hashtags:  pickTags(c.tags, j.purpose, p.Industry, lang, networks, j.avoid, rng),
		CTA:       pickCTA(j.purpose, j.kpi, c.cta, lang, j.network),
	}
	b.Dos = append(slices.Clone(c.dos), networkDos[lang][main])
	if words := usable(p.WordsToUse, j.avoid, 5); len(words) > 0 {
		if lang == soroe.LangEN {
			b.Dos = append(b.Dos, "Work in the brand's words where they fit: "+quoteList(words, lang))
		} else {
			b.Dos = append(b.Dos, "ブランドの言葉（"+quoteList(words, lang)+"）を自然に入れる")
		}
	}
	b.Donts = append(slices.Clone(c.donts), pi.donts[rng.IntN(len(pi.donts))])
	if j.avoid != nil {
		if lang == soroe.LangEN {
			b.Donts = append(b.Donts, "Use any of the words to avoid listed in the profile")
		} else {
			b.Donts = append(b.Donts, "プロフィールの「避けたい言葉」を使わない")
		}
	}
	b.Checklist = append(slices.Clone(c.checks), networkChecks[lang][main])
	if wantsLink(b.CTA) {
		if lang == soroe.LangEN {
			b.Checklist = append(b.Checklist, "Set the link for \""+b.CTA+"\" and check that it opens")
		} else {
			b.Checklist = append(b.Checklist, "「"+b.CTA+"」のリンク先を設定し、開くか確認する")
		}
	}
	if j.kpi != nil {
		if lang == soroe.LangEN {
			b.Checklist = append(b.Checklist, fmt.Sprintf("Check the post leads towards the goal \"%s\" (%s)", j.goal.Title, metricLabel(j.kpi, lang)))
		} else {
			b.Checklist = append(b.Checklist, fmt.Sprintf("目標「%s」の%sにつながる投稿になっているか確認する", j.goal.Title, metricLabel(j.kpi, lang)))
		}
	}
	if !scrub(&b, j.avoid, lang, j.purpose, j.kpi, j.network, audience) || b.Validate() != nil {
		return soroe.TemplateBody{}, false
	}
	for _, n := range b.Networks {
		for !text.Check(n, Preview(b, n, lang), text.Options{}).Valid {
			if len(b.Hashtags) == 0 {
				return soroe.TemplateBody{}, false
			}
			b.Hashtags = b.Hashtags[:len(b.Hashtags)-1]
		}
	}
	return b, true
}

// toneNotes says how to write: the tone, the network's habits, the reader,
// the industry, the brand's voice and words.
func (j *templateJob) toneNotes(tone string, n soroe.Network, audience string) string {
	lang, p := j.lang, j.profile
	notes := []string{toneNotes[lang][tone], networkNotes[lang][n]}
	if lang == soroe.LangEN {
		notes = append(notes, "Written for "+audience+".")
		if p.Industry != "" {
			notes = append(notes, "Explain "+clip(p.Industry, 30)+" jargon in a few words.")
		}
		if p.BrandVoice != "" {
			notes = append(notes, "Brand voice: "+clip(p.BrandVoice, 120))
		}
	} else {
		notes = append(notes, "読み手："+audience+"。")
		if p.Industry != "" {
			notes = append(notes, clip(p.Industry, 30)+"の専門用語には短い説明を添える。")
		}
		if p.BrandVoice != "" {
			notes = append(notes, "話し方："+clip(p.BrandVoice, 120))
		}
	}
	sep := ""
	if lang == soroe.LangEN {
		sep = " "
	}
	return strings.Join(rephraseAll(slices.DeleteFunc(notes, func(s string) bool { return s == "" }), j.avoid), sep)
}

func quoteList(words []string, lang string) string {
	if lang == soroe.LangEN {
		return "\"" + strings.Join(words, "\", \"") + "\""
	}
	return "「" + strings.Join(words, "」「") + "」"
}

// scrub takes every word to avoid out of a body, rephrasing with synonyms
// where it can: list items it cannot rephrase are dropped, a CTA falls back
// to the purpose's, a theme to the purpose's general one. It reports false
// when the name or the structure cannot be rephrased.
func scrub(b *soroe.TemplateBody, avoid *regexp.Regexp, lang string, p soroe.Purpose, kpi *soroe.KPI, target soroe.Network, audience string) bool {
	if avoid == nil {
		return true
	}
	var ok bool
	if b.Name, ok = rephrase(b.Name, avoid); !ok {
		return false
	}
	if b.Structure, ok = rephrase(b.Structure, avoid); !ok {
		return false
	}
	b.Dos, b.Donts, b.Checklist, b.Hashtags = rephraseAll(b.Dos, avoid), rephraseAll(b.Donts, avoid), rephraseAll(b.Checklist, avoid), rephraseAll(b.Hashtags, avoid)
	if b.CTA, ok = rephrase(b.CTA, avoid); !ok {
		if b.CTA, ok = rephrase(pickCTA(p, kpi, "", lang, target), avoid); !ok {
			b.CTA = ""
		}
	}
	themes := []string{b.Theme, strings.ReplaceAll(info(p, lang).theme, "{{aud}}", audience), strings.ReplaceAll(info(p, lang).theme, "{{aud}}", info(p, lang).audience)}
	b.Theme = ""
	for _, th := range themes {
		if th, ok = rephrase(th, avoid); ok {
			b.Theme = th
			break
		}
	}
	return true
}
