package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/text"
	"github.com/soroe/soroe/workflow"
)

// registerTextCheck registers the pre-publish check: each network's length
// and validity rules, and the risk check with the organization's NG words and
// competitors — plus, when a model is configured and someone asks for it,
// the model's second opinion on the risks.
func (s *Server) registerTextCheck() error {
	return errors.Join(
		s.ui("GET /check", soroe.ActTextCheck, s.checkForm),
		s.ui("POST /check", soroe.ActTextCheck, s.checkText),
		s.api("POST /api/v1/text/check", soroe.ActTextCheck, s.apiCheckText),
	)
}

// maxCheckText bounds the text a check takes, in bytes.
const maxCheckText = 64 << 10

// CheckReport is a text's verdict on every network asked and its risk
// findings. Blocking is true when the organization's settings make the
// findings block approval.
type CheckReport struct {
	Text    string         `json:"-"`
	Results []text.Result  `json:"results"`
	Risks   []text.Finding `json:"risks"`
	// Unfinished are the generator placeholders the text still holds
	// (「【ここに…】」): the text check's, not the generator's.
	Unfinished []workflow.Finding `json:"unfinished,omitempty"`
	Valid      bool               `json:"valid"`    // valid on every network asked, nothing unfinished
	Blocking   bool               `json:"blocking"` // risk findings block approval here
	// SecondOpinion is the model's opinion on the risks, when it was asked
	// for and a model is configured. It never changes Valid or Blocking:
	// only the builtin findings block approval.
	SecondOpinion *SecondOpinion `json:"second_opinion,omitempty"`
}

// SecondOpinion is what a model made of a text's risks. Notice is "" when
// it answered, else the generate.Notice key of why it did not (and Notes is
// empty).
type SecondOpinion struct {
	Generator string              `json:"generator"` // "llm:<model>"
	Model     string              `json:"-"`
	Notice    string              `json:"notice"`
	Summary   string              `json:"summary"`
	Notes     []generate.RiskNote `json:"notes"`
}

// riskReviewer is the configured generator's second opinion on risks, if
// it gives one (a model is configured).
func (s *Server) riskReviewer() (generate.RiskReviewer, bool) {
	rv, ok := s.cfg.Generator.(generate.RiskReviewer)
	return rv, ok
}

// secondOpinion asks the model for its opinion of rep's text, in lang, for
// the caller's organization (whose usage it is). It does nothing when no
// model is configured or the text is blank. A failure is a notice in the
// report, never an error: the builtin findings stand.
func (s *Server) secondOpinion(r *http.Request, rep *CheckReport, networks []soroe.Network, lang string) error {
	rv, ok := s.riskReviewer()
	if !ok || strings.TrimSpace(rep.Text) == "" {
		return nil
	}
	org := who(r).Org
	p, err := s.db.OrgProfile(r.Context(), org.ID)
	if err != nil {
		return err
	}
	req := generate.RiskRequest{Text: rep.Text, Lang: lang, Profile: p}
	if len(networks) > 0 {
		req.Network = networks[0]
	}
	op, m, err := rv.ReviewRisk(WithOrgID(r.Context(), org.ID), req)
	so := &SecondOpinion{Generator: m.Generator, Model: m.Model, Notes: []generate.RiskNote{}}
	if err != nil {
		if err := r.Context().Err(); err != nil {
			return err
		}
		so.Notice = m.Notice
		if so.Notice == "" {
			so.Notice = generate.NoticeLLMFailed
		}
	} else {
		so.Summary = op.Summary
		if op.Findings != nil {
			so.Notes = op.Findings
		}
	}
	rep.SecondOpinion = so
	return nil
}

// checkReport runs the checks of a text for networks in the caller's
// organization.
func (s *Server) checkReport(r *http.Request, body string, networks []soroe.Network) (*CheckReport, error) {
	p, err := s.db.OrgProfile(r.Context(), who(r).Org.ID)
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{Text: body, Valid: true, Risks: text.Risk(body, text.RiskConfig{NGWords: p.NGWords, Competitors: p.Competitors})}
	if rep.Risks == nil {
		rep.Risks = []text.Finding{}
	}
	for _, n := range networks {
		res := text.Check(n, body, text.Options{})
		rep.Valid = rep.Valid && res.Valid
		rep.Results = append(rep.Results, res)
	}
	rep.Blocking = p.BlockOnRisk && len(rep.Risks) > 0
	return rep, nil
}

// addUnfinished adds the placeholders the text still holds (a pasted
// draft's 「【ここに…】」), which make it invalid everywhere.
func (rep *CheckReport) addUnfinished() {
	rep.Unfinished = workflow.UnfinishedFindings(nil, []string{rep.Text}, nil)
	if len(rep.Unfinished) > 0 {
		rep.Valid = false
	}
}

type checkData struct {
	Networks []soroe.Network
	Chosen   []soroe.Network
	Report   *CheckReport
	// CanAsk: a model is configured, so the form offers its second
	// opinion (Model names it); Ask: it was asked for.
	CanAsk bool
	Model  string
	Ask    bool
}

func (s *Server) newCheckData() *checkData {
	d := &checkData{Networks: soroe.Networks}
	if _, ok := s.riskReviewer(); ok {
		d.CanAsk = true
		d.Model = strings.TrimPrefix(s.genLLMName(), "llm:")
	}
	return d
}

// Picked reports whether n is among the chosen networks.
func (d *checkData) Picked(n soroe.Network) bool { return slices.Contains(d.Chosen, n) }

func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) {
	d := s.newCheckData()
	d.Chosen = []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram}
	s.render(w, http.StatusOK, "check", s.newPage(w, r, "check.title", d))
}

func (s *Server) checkText(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	d := s.newCheckData()
	d.Ask = d.CanAsk && r.PostFormValue("second_opinion") != ""
	for _, v := range r.PostForm["network"] {
		if n := soroe.Network(v); n.Valid() && !slices.Contains(d.Chosen, n) {
			d.Chosen = append(d.Chosen, n)
		}
	}
	body := r.PostFormValue("text")
	p := s.newPage(w, r, "check.title", d)
	p.Form = r.PostForm
	if len(body) > maxCheckText {
		s.formError(w, r, "check", p, soroe.Invalid("text", "too_long"))
		return
	}
	if len(d.Chosen) == 0 {
		s.formError(w, r, "check", p, soroe.Invalid("network", "network_required"))
		return
	}
	rep, err := s.checkReport(r, body, d.Chosen)
	if err == nil {
		rep.addUnfinished()
	}
	if err == nil && d.Ask {
		err = s.secondOpinion(r, rep, d.Chosen, p.Lang)
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Report = rep
	s.render(w, http.StatusOK, "check", p)
}

func (s *Server) apiCheckText(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text          string          `json:"text"`
		Networks      []soroe.Network `json:"networks"`
		SecondOpinion bool            `json:"second_opinion"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	if len(in.Text) > maxCheckText {
		s.apiError(w, r, soroe.Invalid("text", "too_long"))
		return
	}
	if len(in.Networks) == 0 {
		s.apiError(w, r, soroe.Invalid("networks", "network_required"))
		return
	}
	for _, n := range in.Networks {
		if !n.Valid() {
			s.apiError(w, r, soroe.Invalid("networks", "unknown_network"))
			return
		}
	}
	rep, err := s.checkReport(r, in.Text, in.Networks)
	if err == nil {
		rep.addUnfinished()
	}
	if err == nil && in.SecondOpinion {
		err = s.secondOpinion(r, rep, in.Networks, lang(r))
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// unfinishedText says a finding of an unfinished draft in lang.
func (s *Server) unfinishedText(l string, f workflow.Finding) string {
	switch f.Code {
	case workflow.UnfinishedPlaceholder:
		return s.cat.T(l, "check.unfinished.placeholder", "Value", f.Value)
	case workflow.UnfinishedSlot:
		return s.cat.T(l, "check.unfinished.unfilled_slot", "Slot", "{"+f.Value+"}")
	case workflow.UnfinishedImage, workflow.UnfinishedVideo:
		return s.cat.T(l, "check.unfinished."+f.Code, "Format", s.cat.T(l, "templates.format."+f.Value), "Count", f.Need)
	}
	return f.Code
}

// Unfinished is unfinishedText in the page's language.
func (p *page) Unfinished(f workflow.Finding) string { return p.s.unfinishedText(p.Lang, f) }
