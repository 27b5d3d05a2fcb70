package web

import (
	"net/http"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
)

// generatedTemplates is the answer of POST /api/v1/goals/{goal}/generate:
// 型 proposed for the goal, not saved (POST /api/v1/templates saves one).
type generatedTemplates struct {
	Generator string               `json:"generator"`
	Model     string               `json:"model,omitempty"`
	Notice    string               `json:"notice"`
	Seed      int64                `json:"seed"`
	Templates []soroe.TemplateBody `json:"templates"`
}

func (s *Server) apiGenerateTemplates(w http.ResponseWriter, r *http.Request) {
	g, err := s.loadGoal(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Network string `json:"network"`
		Lang    string `json:"lang"`
		Count   int    `json:"count"`
		Seed    *int64 `json:"seed"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	p := genTemplateParams{Count: in.Count, Seed: genSeed()}
	if in.Seed != nil {
		p.Seed = *in.Seed
	}
	if p.Network, err = genParseNetwork(in.Network); err == nil {
		p.Lang, err = genParseLang(in.Lang, who(r).Org.Lang)
	}
	if err == nil && in.Count == 0 {
		p.Count = generate.DefaultCount
	}
	if err == nil && (p.Count < 1 || p.Count > generate.MaxCount) {
		err = soroe.Invalid("count", "invalid_count")
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	bodies, meta, err := s.genTemplates(r, g, p)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, generatedTemplates{Generator: meta.Generator, Model: meta.Model, Notice: meta.Notice, Seed: p.Seed, Templates: nonNil(bodies)})
}

// generatedDraft is the answer of POST /api/v1/templates/{template}/draft:
// a draft to edit, never stored, with the passages it cites and its
// pre-publish check.
type generatedDraft struct {
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
	Check     *CheckReport        `json:"check"`
}

func (s *Server) apiGenerateDraft(w http.ResponseWriter, r *http.Request) {
	t, err := s.loadTemplate(r, 0)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in draftInput
	if !s.decode(w, r, &in) {
		return
	}
	out, err := s.runDraft(r, t, in)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	d := out.Draft
	slots := d.Slots
	if slots == nil {
		slots = map[string]string{}
	}
	writeJSON(w, http.StatusOK, generatedDraft{
		Generator: out.Meta.Generator, Model: out.Meta.Model, Notice: out.Meta.Notice, Seed: out.Seed,
		Network: d.Network, Text: d.Text, Slots: slots, Missing: nonNil(d.Missing), Trimmed: d.Trimmed,
		Citations: nonNil(d.Citations), Check: out.Report,
	})
}
