package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

// registerTextCheck registers the pre-publish check: each network's length
// and validity rules, and the risk check with the organization's NG words and
// competitors.
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
	Text     string         `json:"-"`
	Results  []text.Result  `json:"results"`
	Risks    []text.Finding `json:"risks"`
	Valid    bool           `json:"valid"`    // valid on every network asked
	Blocking bool           `json:"blocking"` // risk findings block approval here
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

type checkData struct {
	Networks []soroe.Network
	Chosen   []soroe.Network
	Report   *CheckReport
}

// Picked reports whether n is among the chosen networks.
func (d *checkData) Picked(n soroe.Network) bool { return slices.Contains(d.Chosen, n) }

func (s *Server) checkForm(w http.ResponseWriter, r *http.Request) {
	d := &checkData{Networks: soroe.Networks, Chosen: []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram}}
	s.render(w, http.StatusOK, "check", s.newPage(w, r, "check.title", d))
}

func (s *Server) checkText(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	d := &checkData{Networks: soroe.Networks}
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
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Report = rep
	s.render(w, http.StatusOK, "check", p)
}

func (s *Server) apiCheckText(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text     string          `json:"text"`
		Networks []soroe.Network `json:"networks"`
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
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
