package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/soroe/soroe"
)

// errorView is what an error page says: a heading (a catalog key) and
// its paragraphs, already in the reader's language.
type errorView struct {
	Title string
	Lines []string
}

// forbiddenPeople is how many members a 403 page names at most.
const forbiddenPeople = 5

// forbidden answers a member whose role may not do act with a 403 page
// that says, from the roles table (soroe.Rights) and in the reader's
// language, which right their role lacks, which roles have it, and whom
// in the organization to ask.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, act soroe.Action) {
	id := who(r)
	var members []*soroe.Member
	if id.Org != nil {
		ms, err := s.db.Members(r.Context(), id.Org.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		members = ms
	}
	var me int64
	if id.User != nil {
		me = id.User.ID
	}
	v := errorView{Title: "error.forbidden_title", Lines: s.forbiddenLines(lang(r), id.Role, act, members, me)}
	s.render(w, http.StatusForbidden, "error", s.newPage(w, r, "error.forbidden_title", v))
}

// forbiddenLines says why role may not do act and who may: the right's
// description, the roles that have it (in the table's order) and up to
// forbiddenPeople members holding them, other than me.
func (s *Server) forbiddenLines(lang string, role soroe.Role, act soroe.Action, members []*soroe.Member, me int64) []string {
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	right, ok := soroe.RightFor(act)
	if !ok || right.Roles == nil {
		return []string{t("error.forbidden")}
	}
	what := right.JA
	if lang == soroe.LangEN {
		what = right.EN
	}
	var roles, people []string
	more := 0
	for _, r := range soroe.Roles {
		if !soroe.Can(r, act) {
			continue
		}
		label := t("role." + string(r))
		roles = append(roles, label)
		for _, m := range members {
			if m.Role != r || m.UserID == me {
				continue
			}
			if len(people) == forbiddenPeople {
				more++
				continue
			}
			people = append(people, t("error.forbidden_person", "Name", m.Name, "Role", label))
		}
	}
	lines := []string{
		t("error.forbidden_role", "Role", t("role."+string(role)), "What", what),
		t("error.forbidden_roles", "Roles", strings.Join(roles, t("error.forbidden_roles_sep"))),
	}
	switch {
	case len(people) == 0:
		lines = append(lines, t("error.forbidden_ask_owner"))
	case more > 0:
		lines = append(lines, t("error.forbidden_ask_more", "People", strings.Join(people, t("error.forbidden_people_sep")), "Count", more))
	default:
		lines = append(lines, t("error.forbidden_ask", "People", strings.Join(people, t("error.forbidden_people_sep"))))
	}
	return lines
}

// apiForbidden answers an API call whose token's role may not do act: a
// problem document that says, in English, which right the role lacks and
// which roles have it, with the action and those roles as fields a
// program can read.
func (s *Server) apiForbidden(w http.ResponseWriter, r *http.Request, role soroe.Role, act soroe.Action) {
	body := map[string]any{
		"type": "https://soroe.invalid/problems/forbidden", "title": http.StatusText(http.StatusForbidden),
		"status": http.StatusForbidden, "code": "forbidden", "role": role, "action": act,
		"detail": "Your role in this organization may not do this.",
	}
	if right, ok := soroe.RightFor(act); ok && right.Roles != nil {
		roles := []soroe.Role{}
		var names []string
		for _, r := range soroe.Roles {
			if soroe.Can(r, act) {
				roles = append(roles, r)
				names = append(names, s.cat.T(soroe.LangEN, "role."+string(r)))
			}
		}
		body["roles"] = roles
		body["detail"] = s.cat.T(soroe.LangEN, "error.forbidden_role", "Role", s.cat.T(soroe.LangEN, "role."+string(role)), "What", right.EN) +
			" " + s.cat.T(soroe.LangEN, "error.forbidden_roles", "Roles", strings.Join(names, ", "))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusForbidden)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}
