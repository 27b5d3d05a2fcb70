package web

import (
	"net/http"

	"github.com/soroe/soroe"
)

// homeData is the role's home page. Goals, 型, posts and results join it as
// their issues land; until then it shows the team and the method.
type homeData struct {
	Members     int
	ByRole      map[soroe.Role]int
	Invitations int
	Focus       string // the role's part in the method, a catalog key prefix
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	ms, err := s.db.Members(r.Context(), id.Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := homeData{Members: len(ms), ByRole: map[soroe.Role]int{}, Focus: "home.focus." + string(id.Role)}
	for _, m := range ms {
		d.ByRole[m.Role]++
	}
	if soroe.Can(id.Role, soroe.ActInvitationAdmin) {
		inv, err := s.db.Invitations(r.Context(), id.Org.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Invitations = len(inv)
	}
	s.render(w, http.StatusOK, "home", s.newPage(w, r, "home.title", d))
}
