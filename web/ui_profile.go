package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/soroe/soroe"
)

// registerProfile registers the company profile's routes: what the
// generators know of the company, and the risk check's NG words and
// competitors.
func (s *Server) registerProfile() error {
	return errors.Join(
		s.ui("GET /org/profile", soroe.ActProfileManage, s.profileForm),
		s.ui("POST /org/profile", soroe.ActProfileManage, s.saveProfile),
		s.api("GET /api/v1/org/profile", soroe.ActOrgRead, s.apiProfile),
		s.api("PUT /api/v1/org/profile", soroe.ActProfileManage, s.apiSetProfile),
	)
}

// lines splits a textarea into its non-empty lines (commas and 、 separate
// too, as people type lists both ways).
func lines(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == '、' || r == '，' })
	out := make([]string, 0, len(f))
	for _, x := range f {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (s *Server) profileForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.OrgProfile(r.Context(), who(r).Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	pg := s.newPage(w, r, "profile.title", p)
	pg.Form = map[string][]string{
		"industry": {p.Industry}, "audience": {p.Audience}, "brand_voice": {p.BrandVoice},
		"words_to_use": {strings.Join(p.WordsToUse, "\n")}, "words_to_avoid": {strings.Join(p.WordsToAvoid, "\n")},
		"ng_words": {strings.Join(p.NGWords, "\n")}, "competitors": {strings.Join(p.Competitors, "\n")},
	}
	if p.BlockOnRisk {
		pg.Form.Set("block_on_risk", "1")
	}
	s.render(w, http.StatusOK, "profile", pg)
}

func (s *Server) saveProfile(w http.ResponseWriter, r *http.Request) {
	f := r.PostFormValue
	p := &soroe.OrgProfile{
		OrgID: who(r).Org.ID, Industry: f("industry"), Audience: f("audience"), BrandVoice: f("brand_voice"),
		WordsToUse: lines(f("words_to_use")), WordsToAvoid: lines(f("words_to_avoid")),
		NGWords: lines(f("ng_words")), Competitors: lines(f("competitors")), BlockOnRisk: f("block_on_risk") == "1",
	}
	if err := s.db.SetOrgProfile(r.Context(), p); err != nil {
		s.formError(w, r, "profile", s.newPage(w, r, "profile.title", p), err)
		return
	}
	s.flash(r, "flash.saved")
	redirect(w, r, "/org/profile")
}

func (s *Server) apiProfile(w http.ResponseWriter, r *http.Request) {
	p, err := s.db.OrgProfile(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiSetProfile(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Industry     string   `json:"industry"`
		Audience     string   `json:"audience"`
		BrandVoice   string   `json:"brand_voice"`
		WordsToUse   []string `json:"words_to_use"`
		WordsToAvoid []string `json:"words_to_avoid"`
		NGWords      []string `json:"ng_words"`
		Competitors  []string `json:"competitors"`
		BlockOnRisk  bool     `json:"block_on_risk"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	p := &soroe.OrgProfile{OrgID: who(r).Org.ID, Industry: in.Industry, Audience: in.Audience, BrandVoice: in.BrandVoice,
		WordsToUse: in.WordsToUse, WordsToAvoid: in.WordsToAvoid, NGWords: in.NGWords, Competitors: in.Competitors, BlockOnRisk: in.BlockOnRisk}
	if err := s.db.SetOrgProfile(r.Context(), p); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
