package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/soroe/soroe"
)

// problem writes an RFC 9457 problem document.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, code, detail, field string) {
	body := map[string]any{
		"type":   "https://soroe.invalid/problems/" + code,
		"title":  http.StatusText(status),
		"status": status,
		"code":   code,
	}
	if detail != "" {
		body["detail"] = detail
	}
	if field != "" {
		body["field"] = field
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

// apiError maps an error onto a problem document.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	var e *soroe.Error
	if !errors.As(err, &e) {
		s.log.Error("api request failed", "err", err, "method", r.Method, "path", r.URL.Path)
		s.problem(w, r, http.StatusInternalServerError, soroe.EInternal, "", "")
		return
	}
	status := map[string]int{
		soroe.ENotFound: http.StatusNotFound, soroe.EInvalid: http.StatusUnprocessableEntity,
		soroe.EConflict: http.StatusConflict, soroe.EForbidden: http.StatusForbidden,
		soroe.EUnauthorized: http.StatusUnauthorized, soroe.ETooMany: http.StatusTooManyRequests,
	}[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	// The detail is the English catalog text for the message key.
	s.problem(w, r, status, e.Code, s.cat.T("en", "error."+e.Message), e.Field)
}

// maxJSONBytes caps API request bodies.
const maxJSONBytes = 1 << 20

// decode reads a JSON body into v, refusing unknown fields.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		s.problem(w, r, http.StatusUnsupportedMediaType, "unsupported_media_type", "Send Content-Type: application/json.", "")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		s.problem(w, r, http.StatusBadRequest, "bad_json", err.Error(), "")
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		s.problem(w, r, http.StatusBadRequest, "bad_json", "The body holds more than one JSON value.", "")
		return false
	}
	return true
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, soroe.ErrNotFound
	}
	return id, nil
}

func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.problem(w, r, http.StatusNotFound, soroe.ENotFound, "No such API route.", "")
}

type meResponse struct {
	User        *soroe.User     `json:"user"`
	Org         *soroe.Org      `json:"org"`
	Role        soroe.Role      `json:"role"`
	Memberships []*soroe.Member `json:"memberships"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	ms, err := s.db.Memberships(r.Context(), id.User.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, meResponse{User: id.User, Org: id.Org, Role: id.Role, Memberships: ms})
}

func (s *Server) apiUpdateMe(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name *string `json:"name"`
		Lang *string `json:"lang"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	u := *who(r).User
	if in.Name != nil {
		u.Name = *in.Name
	}
	if in.Lang != nil {
		u.Lang = *in.Lang
	}
	if err := s.db.UpdateUser(r.Context(), &u); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &u)
}

func (s *Server) apiOrgs(w http.ResponseWriter, r *http.Request) {
	ms, err := s.db.Memberships(r.Context(), who(r).User.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"memberships": nonNil(ms)})
}

type orgInput struct {
	Name     *string `json:"name"`
	TimeZone *string `json:"time_zone"`
	Lang     *string `json:"lang"`
}

func (in orgInput) apply(o *soroe.Org) {
	if in.Name != nil {
		o.Name = *in.Name
	}
	if in.TimeZone != nil {
		o.TimeZone = *in.TimeZone
	}
	if in.Lang != nil {
		o.Lang = *in.Lang
	}
}

func (s *Server) apiCreateOrg(w http.ResponseWriter, r *http.Request) {
	var in orgInput
	if !s.decode(w, r, &in) {
		return
	}
	o := &soroe.Org{}
	in.apply(o)
	if err := s.db.CreateOrg(r.Context(), o, who(r).User.ID); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/org")
	writeJSON(w, http.StatusCreated, o)
}

func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, who(r).Org)
}

func (s *Server) apiUpdateOrg(w http.ResponseWriter, r *http.Request) {
	var in orgInput
	if !s.decode(w, r, &in) {
		return
	}
	o := *who(r).Org
	in.apply(&o)
	if err := s.db.UpdateOrg(r.Context(), &o); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &o)
}

func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request) {
	ms, err := s.db.Members(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": nonNil(ms)})
}

func (s *Server) apiSetMemberRole(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Role string `json:"role"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	org := who(r).Org.ID
	uid, err := pathID(r, "user")
	if err == nil {
		var role soroe.Role
		if role, err = soroe.ParseRole(in.Role); err == nil {
			err = s.db.SetRole(r.Context(), org, uid, role)
		}
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.db.Member(r.Context(), org, uid)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) apiRemoveMember(w http.ResponseWriter, r *http.Request) {
	uid, err := pathID(r, "user")
	if err == nil {
		err = s.db.RemoveMember(r.Context(), who(r).Org.ID, uid)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiInvitations(w http.ResponseWriter, r *http.Request) {
	inv, err := s.db.Invitations(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invitations": nonNil(inv)})
}

func (s *Server) apiCreateInvitation(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	id := who(r)
	role, err := soroe.ParseRole(in.Role)
	inv := &soroe.Invitation{OrgID: id.Org.ID, Email: in.Email, Role: role, CreatedBy: id.User.ID}
	var secret string
	if err == nil {
		secret, err = s.db.CreateInvitation(r.Context(), inv)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		*soroe.Invitation
		URL string `json:"url"`
	}{inv, s.inviteURL(r, secret)})
}

func (s *Server) apiRevokeInvitation(w http.ResponseWriter, r *http.Request) {
	iid, err := pathID(r, "id")
	if err == nil {
		err = s.db.RevokeInvitation(r.Context(), who(r).Org.ID, iid)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	toks, err := s.db.Tokens(r.Context(), id.Org.ID, id.User.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": nonNil(toks)})
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	id := who(r)
	t := &soroe.Token{OrgID: id.Org.ID, UserID: id.User.ID, Name: in.Name}
	secret, err := s.db.CreateToken(r.Context(), t)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		*soroe.Token
		Secret string `json:"secret"`
	}{t, secret})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	tid, err := pathID(r, "id")
	if err == nil {
		err = s.db.RevokeToken(r.Context(), id.Org.ID, id.User.ID, tid)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
