package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/material"
)

// identity is who is calling, resolved once per request.
type identity struct {
	User        *soroe.User     // nil when anonymous
	Org         *soroe.Org      // the current organization, nil when none
	Role        soroe.Role      // the user's role in Org
	Memberships []*soroe.Member // every organization of the user (UI only)
	Token       *soroe.Token    // the API token used, if any
	Lang        string          // the language to answer in
}

type ctxKey int

const identityKey ctxKey = 0

func withIdentity(r *http.Request, id *identity) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), identityKey, id))
}

// who returns the request's identity; never nil inside a route.
func who(r *http.Request) *identity {
	if id, ok := r.Context().Value(identityKey).(*identity); ok {
		return id
	}
	return &identity{Lang: soroe.DefaultLang}
}

// browserLang picks a language for a visitor who is not logged in: ?lang=,
// then the lang cookie (set by the footer's switch), then Japanese. The
// browser's Accept-Language is not consulted: Soroe is Japanese by default,
// and the switch is on every page.
func browserLang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); soroe.ValidLang(l) {
		return l
	}
	if c, err := r.Cookie("soroe_lang"); err == nil && soroe.ValidLang(c.Value) {
		return c.Value
	}
	return soroe.DefaultLang
}

// uiAuth resolves the session's user and organization and enforces act.
func (s *Server) uiAuth(act soroe.Action, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := &identity{Lang: browserLang(r)}
		if uid := s.sessions.GetInt64(ctx, sessUser); uid != 0 {
			u, err := s.db.User(ctx, uid)
			authAt, _ := s.sessions.Get(ctx, sessAuthAt).(time.Time)
			switch {
			case errors.Is(err, soroe.ErrNotFound), err == nil && authAt.Before(u.PasswordChangedAt):
				// The user is gone, or changed the password after this
				// session logged in: the session ends.
				if err := s.sessions.Destroy(ctx); err != nil {
					s.serverError(w, r, err)
					return
				}
			case err != nil:
				s.serverError(w, r, err)
				return
			default:
				id.User, id.Lang = u, u.Lang
			}
		}
		if id.User != nil {
			ms, err := s.db.Memberships(ctx, id.User.ID)
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			id.Memberships = ms
			cur := s.sessions.GetInt64(ctx, sessOrg)
			i := slices.IndexFunc(ms, func(m *soroe.Member) bool { return m.OrgID == cur })
			if i < 0 && len(ms) > 0 {
				i = 0
				s.sessions.Put(ctx, sessOrg, ms[0].OrgID)
			}
			if i >= 0 {
				if id.Org, err = s.db.Org(ctx, ms[i].OrgID); err != nil {
					s.serverError(w, r, err)
					return
				}
				id.Role = ms[i].Role
			}
		}
		if s.sessions.GetString(ctx, sessCSRF) == "" {
			s.sessions.Put(ctx, sessCSRF, newCSRFToken())
		}
		r = withIdentity(r, id)
		if act == soroe.ActPublic {
			next(w, r)
			return
		}
		if id.User == nil {
			target := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if soroe.NeedsOrg(act) {
			if id.Org == nil {
				http.Redirect(w, r, "/orgs", http.StatusSeeOther)
				return
			}
			if !soroe.Can(id.Role, act) {
				s.forbidden(w, r, act)
				return
			}
		}
		next(w, r)
	})
}

// apiAuth resolves the bearer token and enforces act.
func (s *Server) apiAuth(act soroe.Action, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := &identity{Lang: browserLang(r)}
		if act == soroe.ActPublic {
			next(w, withIdentity(r, id))
			return
		}
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(secret) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="soroe"`)
			s.problem(w, r, http.StatusUnauthorized, "unauthorized", "Send a personal API token: Authorization: Bearer <token>.", "")
			return
		}
		tok, err := s.db.TokenBySecret(ctx, strings.TrimSpace(secret))
		if errors.Is(err, soroe.ErrNotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="soroe", error="invalid_token"`)
			s.problem(w, r, http.StatusUnauthorized, "unauthorized", "The API token is unknown or revoked.", "")
			return
		} else if err != nil {
			s.apiError(w, r, err)
			return
		}
		// The role is read now, not when the token was made.
		m, err := s.db.Member(ctx, tok.OrgID, tok.UserID)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		u, err := s.db.User(ctx, tok.UserID)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		org, err := s.db.Org(ctx, tok.OrgID)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		id.User, id.Org, id.Role, id.Token, id.Lang = u, org, m.Role, tok, u.Lang
		if soroe.NeedsOrg(act) && !soroe.Can(id.Role, act) {
			s.apiForbidden(w, r, id.Role, act)
			return
		}
		next(w, withIdentity(r, id))
	})
}

func newCSRFToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// unsafe reports whether a method changes state.
func unsafe(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// maxFormBytes caps UI form bodies; maxUploadBytes caps file uploads
// (multipart forms): the largest material plus room for the other fields.
const (
	maxFormBytes   = 1 << 20
	maxUploadBytes = material.MaxUpload + 1<<20
)

// uploadLimits are the routes whose multipart forms carry post media, up
// to its own limits (a video is larger than any material).
var uploadLimits = map[string]int64{
	"POST /posts":              maxPostFormBytes,
	"POST /posts/{post}/media": maxPostFormBytes,
}

// csrf checks, on every unsafe UI request, that the form (csrf_token) or the
// X-CSRF-Token header carries the token bound to the session, compared in
// constant time; the standard library's cross-origin protection (Sec-Fetch-
// Site / Origin) stands in front as a second guard.
func (s *Server) csrf(next http.HandlerFunc) http.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden, "error.csrf")
	}))
	check := func(w http.ResponseWriter, r *http.Request) {
		if unsafe(r.Method) {
			limit, multipart := int64(maxFormBytes), false
			if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
				limit, multipart = maxUploadBytes, true
				if l, ok := uploadLimits[r.Pattern]; ok {
					limit = l
				}
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if multipart {
				// Read the form now, so that a file over the limit is told
				// apart from a missing token.
				var tooBig *http.MaxBytesError
				if err := r.ParseMultipartForm(32 << 20); errors.As(err, &tooBig) {
					key := "error.upload_too_large"
					if _, ok := uploadLimits[r.Pattern]; ok {
						key = "error.media_too_large"
					}
					s.errorPage(w, r, http.StatusRequestEntityTooLarge, key)
					return
				}
			}
			want := s.sessions.GetString(r.Context(), sessCSRF)
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = r.PostFormValue("csrf_token")
			}
			if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
				s.errorPage(w, r, http.StatusForbidden, "error.csrf")
				return
			}
		}
		next(w, r)
	}
	h := cop.Handler(http.HandlerFunc(check))
	return h.ServeHTTP
}

// secureHeaders sets the headers every response carries. The UI needs no
// inline script or style and no other origin.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		if s.sessions.Cookie.Secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic into a logged 500.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "panic", p, "path", r.URL.Path, "stack", string(debug.Stack()))
				http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// clientIP is the caller's address, for throttling and logs.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// lang returns the language of the request's identity.
func lang(r *http.Request) string { return i18n.Lang(who(r).Lang) }
