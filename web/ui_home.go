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
	Setup       any    // the three-step setup's state (ui_setup.go)
	Goals       any    // goals and KPI progress (ui_goals.go)
	Slots       any    // this week's planned slots (ui_templates.go)
	Posts       any    // posts waiting for the member (ui_posts.go)
	Results     any    // numbers, insights, actions and effort (ui_home_results.go)
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
	var err2 error
	if d.Setup, err2 = s.homeSetup(r); err2 == nil {
		if d.Goals, err2 = s.homeGoals(r); err2 == nil {
			if d.Slots, err2 = s.homeSlots(r); err2 == nil {
				if d.Posts, err2 = s.homePosts(r); err2 == nil {
					d.Results, err2 = s.homeResults(r)
				}
			}
		}
	}
	if err2 != nil {
		s.serverError(w, r, err2)
		return
	}
	s.render(w, http.StatusOK, "home", s.newPage(w, r, "home.title", d))
}
