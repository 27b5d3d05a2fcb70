package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// Login throttling: failures counted over a window, per account and per
// client address, in the database (so every instance counts the same).
const (
	throttleWindow     = 15 * time.Minute
	maxFailuresAccount = 5
	maxFailuresIP      = 20
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if who(r).User != nil {
		redirect(w, r, "/")
		return
	}
	if n, err := s.db.CountUsers(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	} else if n == 0 {
		redirect(w, r, "/setup")
		return
	}
	p := s.newPage(w, r, "login.title", nil)
	p.Form = r.URL.Query()
	s.render(w, http.StatusOK, "login", p)
}

// throttled returns when the next attempt may be made, if the account or the
// address has failed too often.
func (s *Server) throttled(r *http.Request, keys map[string]int) (time.Duration, error) {
	var wait time.Duration
	for key, limit := range keys {
		n, oldest, err := s.db.LoginFailures(r.Context(), key, throttleWindow)
		if err != nil {
			return 0, err
		}
		if n >= limit {
			wait = max(wait, oldest.Add(throttleWindow).Sub(s.db.Now()))
		}
	}
	return wait, nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	pw := r.PostFormValue("password")
	p := s.newPage(w, r, "login.title", nil)
	keys := map[string]int{"email:" + email: maxFailuresAccount, "ip:" + s.clientIP(r): maxFailuresIP}
	wait, err := s.throttled(r, keys)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if wait > 0 {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		s.formError(w, r, "login", p, &soroe.Error{Code: soroe.ETooMany, Message: "too_many_logins"})
		return
	}
	u, err := s.db.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, soroe.ErrNotFound) {
		s.serverError(w, r, err)
		return
	}
	hash := ""
	if u != nil {
		hash = u.PasswordHash
	}
	if !soroe.CheckPassword(pw, hash) {
		if err := s.db.RecordLoginFailure(ctx, "email:"+email, "ip:"+s.clientIP(r)); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.log.Info("login failed", "email", email, "ip", s.clientIP(r))
		s.formError(w, r, "login", p, soroe.Invalid("_", "bad_login"))
		return
	}
	if err := s.db.ClearLoginFailures(ctx, "email:"+email); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.log.Info("login", "user", u.ID)
	redirect(w, r, localPath(r.PostFormValue("next")))
}

// startSession logs u in on a fresh session token (no fixation) with a new
// CSRF token.
func (s *Server) startSession(r *http.Request, u *soroe.User) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessUser, u.ID)
	s.sessions.Put(ctx, sessAuthAt, s.db.Now())
	s.sessions.Put(ctx, sessCSRF, newCSRFToken())
	return nil
}

// localPath keeps redirects on this site. Control characters are refused
// too: browsers drop tabs and newlines from a Location, so "/\t/evil" would
// become "//evil".
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	return next
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	redirect(w, r, "/login")
}

// setupForm is the first-run page: only while no user exists.
func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) {
	if n, err := s.db.CountUsers(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	} else if n > 0 {
		s.notFound(w, r)
		return
	}
	p := s.newPage(w, r, "setup.title", nil)
	p.Form = map[string][]string{"time_zone": {soroe.DefaultTimeZone}, "lang": {p.Lang}}
	s.render(w, http.StatusOK, "setup", p)
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if n, err := s.db.CountUsers(ctx); err != nil {
		s.serverError(w, r, err)
		return
	} else if n > 0 {
		s.notFound(w, r)
		return
	}
	p := s.newPage(w, r, "setup.title", nil)
	u := &soroe.User{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Lang: r.PostFormValue("lang")}
	o := &soroe.Org{Name: r.PostFormValue("org_name"), TimeZone: r.PostFormValue("time_zone"), Lang: r.PostFormValue("lang")}
	err := o.Validate()
	if soroe.ErrorField(err) == "name" {
		err = soroe.Invalid("org_name", soroe.ErrorMessage(err))
	}
	if err == nil {
		u.PasswordHash, err = soroe.HashPassword(r.PostFormValue("password"))
	}
	if err == nil {
		err = s.db.CreateUserWithOrg(ctx, u, o)
	}
	if err != nil {
		s.formError(w, r, "setup", p, err)
		return
	}
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessOrg, o.ID)
	s.flash(r, "flash.welcome")
	redirect(w, r, "/") // the home page opens with the three-step setup
}

// setLang switches the language: for a logged-in user it is saved to the
// account, for a visitor to a cookie.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PostFormValue("lang")
	if !soroe.ValidLang(l) {
		s.errorPage(w, r, http.StatusBadRequest, "error.unknown_language")
		return
	}
	if u := who(r).User; u != nil {
		u.Lang = l
		if err := s.db.UpdateUser(r.Context(), u); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "soroe_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.sessions.Cookie.Secure})
	redirect(w, r, localPath(r.PostFormValue("next")))
}
