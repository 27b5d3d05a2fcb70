package web

import (
	"net/http"
	"strconv"

	"github.com/soroe/soroe"
)

func (s *Server) accountForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "account", s.newPage(w, r, "account.title", nil))
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	u := *who(r).User
	u.Name, u.Lang = r.PostFormValue("name"), r.PostFormValue("lang")
	if err := s.db.UpdateUser(r.Context(), &u); err != nil {
		s.formError(w, r, "account", s.newPage(w, r, "account.title", nil), err)
		return
	}
	s.flash(r, "flash.saved")
	redirect(w, r, "/settings/account")
}

// changePassword needs the current password. Every other session of the user
// ends (they logged in before the change); this one is renewed.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	u := who(r).User
	p := s.newPage(w, r, "account.title", nil)
	if !soroe.CheckPassword(r.PostFormValue("current_password"), u.PasswordHash) {
		s.formError(w, r, "account", p, soroe.Invalid("current_password", "wrong_password"))
		return
	}
	pw := r.PostFormValue("new_password")
	if pw != r.PostFormValue("confirm_password") {
		s.formError(w, r, "account", p, soroe.Invalid("confirm_password", "passwords_differ"))
		return
	}
	hash, err := soroe.HashPassword(pw)
	if err != nil {
		s.formError(w, r, "account", p, soroe.Invalid("new_password", soroe.ErrorMessage(err)))
		return
	}
	if _, err := s.db.SetPassword(r.Context(), u.ID, hash); err != nil {
		s.serverError(w, r, err)
		return
	}
	org := s.sessions.GetInt64(r.Context(), sessOrg)
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), sessOrg, org)
	s.flash(r, "flash.password_changed")
	redirect(w, r, "/settings/account")
}

type tokensData struct {
	Tokens    []*soroe.Token
	NewSecret string
}

func (s *Server) tokenList(w http.ResponseWriter, r *http.Request) {
	s.renderTokens(w, r, http.StatusOK, "")
}

func (s *Server) renderTokens(w http.ResponseWriter, r *http.Request, status int, secret string) {
	id := who(r)
	toks, err := s.db.Tokens(r.Context(), id.Org.ID, id.User.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, status, "tokens", s.newPage(w, r, "tokens.title", tokensData{Tokens: toks, NewSecret: secret}))
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	secret, err := s.db.CreateToken(r.Context(), &soroe.Token{OrgID: id.Org.ID, UserID: id.User.ID, Name: r.PostFormValue("name")})
	if err != nil {
		s.formError(w, r, "tokens", s.newPage(w, r, "tokens.title", tokensData{}), err)
		return
	}
	// The secret is shown on this response only; it is not stored.
	s.renderTokens(w, r, http.StatusCreated, secret)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	tid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = s.db.RevokeToken(r.Context(), id.Org.ID, id.User.ID, tid)
	} else {
		err = soroe.ErrNotFound
	}
	if err == soroe.ErrNotFound {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "flash.token_revoked")
	redirect(w, r, "/settings/tokens")
}
