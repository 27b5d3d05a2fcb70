package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/soroe/soroe"
)

func (s *Server) orgList(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, "orgs.title", nil)
	p.Form = map[string][]string{"time_zone": {soroe.DefaultTimeZone}, "lang": {p.Lang}}
	s.render(w, http.StatusOK, "orgs", p)
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request) {
	o := &soroe.Org{Name: r.PostFormValue("name"), TimeZone: r.PostFormValue("time_zone"), Lang: r.PostFormValue("lang")}
	if err := s.db.CreateOrg(r.Context(), o, who(r).User.ID); err != nil {
		s.formError(w, r, "orgs", s.newPage(w, r, "orgs.title", nil), err)
		return
	}
	s.sessions.Put(r.Context(), sessOrg, o.ID)
	s.flash(r, "flash.org_created")
	redirect(w, r, "/") // the home page opens with the three-step setup
}

// switchOrg makes another of the user's organizations the current one.
func (s *Server) switchOrg(w http.ResponseWriter, r *http.Request) {
	oid, _ := strconv.ParseInt(r.PostFormValue("org_id"), 10, 64)
	if !slices.ContainsFunc(who(r).Memberships, func(m *soroe.Member) bool { return m.OrgID == oid }) {
		s.notFound(w, r)
		return
	}
	s.sessions.Put(r.Context(), sessOrg, oid)
	redirect(w, r, "/")
}

func (s *Server) orgSettingsForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, "org_settings.title", timeZones)
	o := who(r).Org
	p.Form = map[string][]string{"name": {o.Name}, "time_zone": {o.TimeZone}, "lang": {o.Lang}}
	s.render(w, http.StatusOK, "org_settings", p)
}

func (s *Server) updateOrgSettings(w http.ResponseWriter, r *http.Request) {
	o := *who(r).Org
	o.Name, o.TimeZone, o.Lang = r.PostFormValue("name"), r.PostFormValue("time_zone"), r.PostFormValue("lang")
	if err := s.db.UpdateOrg(r.Context(), &o); err != nil {
		s.formError(w, r, "org_settings", s.newPage(w, r, "org_settings.title", timeZones), err)
		return
	}
	s.flash(r, "flash.saved")
	redirect(w, r, "/org/settings")
}

// timeZones offered in forms; any IANA name is accepted through the API.
var timeZones = []string{
	"Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong", "Asia/Singapore",
	"Asia/Bangkok", "Asia/Kolkata", "Australia/Sydney", "Pacific/Auckland", "Europe/London",
	"Europe/Paris", "Europe/Berlin", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "Pacific/Honolulu", "UTC",
}

type membersData struct {
	Members     []*soroe.Member
	Invitations []*soroe.Invitation
	Roles       []soroe.Role
	NewLink     string
	NewRole     soroe.Role
}

func (s *Server) memberList(w http.ResponseWriter, r *http.Request) {
	s.renderMembers(w, r, http.StatusOK, nil, "", nil)
}

// renderMembers shows the members page; after an invitation is made it
// carries the new link (secret included), shown once.
func (s *Server) renderMembers(w http.ResponseWriter, r *http.Request, status int, newInv *soroe.Invitation, secret string, formErr error) {
	id := who(r)
	d := membersData{Roles: soroe.Roles}
	var err error
	if d.Members, err = s.db.Members(r.Context(), id.Org.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if soroe.Can(id.Role, soroe.ActInvitationAdmin) {
		if d.Invitations, err = s.db.Invitations(r.Context(), id.Org.ID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	p := s.newPage(w, r, "members.title", &d)
	if newInv != nil {
		d.NewLink, d.NewRole = s.inviteURL(r, secret), newInv.Role
	}
	if formErr != nil {
		s.formError(w, r, "members", p, formErr)
		return
	}
	s.render(w, status, "members", p)
}

// memberID reads the {user} path value; a member of another organization
// is not found.
func (s *Server) memberID(r *http.Request) (int64, error) {
	uid, err := strconv.ParseInt(r.PathValue("user"), 10, 64)
	if err != nil {
		return 0, soroe.ErrNotFound
	}
	if _, err := s.db.Member(r.Context(), who(r).Org.ID, uid); err != nil {
		return 0, err
	}
	return uid, nil
}

func (s *Server) setMemberRole(w http.ResponseWriter, r *http.Request) {
	uid, err := s.memberID(r)
	if err == nil {
		var role soroe.Role
		if role, err = soroe.ParseRole(r.PostFormValue("role")); err == nil {
			err = s.db.SetRole(r.Context(), who(r).Org.ID, uid, role)
		}
	}
	s.afterMemberChange(w, r, err, "flash.role_changed")
}

func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) {
	uid, err := s.memberID(r)
	if err == nil {
		err = s.db.RemoveMember(r.Context(), who(r).Org.ID, uid)
	}
	s.afterMemberChange(w, r, err, "flash.member_removed")
}

func (s *Server) afterMemberChange(w http.ResponseWriter, r *http.Request, err error, flash string) {
	switch {
	case errors.Is(err, soroe.ErrNotFound):
		s.notFound(w, r)
	case err != nil:
		s.renderMembers(w, r, 0, nil, "", err)
	default:
		s.flash(r, flash)
		redirect(w, r, "/members")
	}
}

func (s *Server) createInvitation(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	role, err := soroe.ParseRole(r.PostFormValue("role"))
	inv := &soroe.Invitation{OrgID: id.Org.ID, Email: r.PostFormValue("email"), Role: role, CreatedBy: id.User.ID}
	var secret string
	if err == nil {
		secret, err = s.db.CreateInvitation(r.Context(), inv)
	}
	if err != nil {
		s.renderMembers(w, r, 0, nil, "", err)
		return
	}
	s.renderMembers(w, r, http.StatusCreated, inv, secret, nil)
}

// inviteURL is the link for an invitation secret.
func (s *Server) inviteURL(r *http.Request, secret string) string {
	base := s.cfg.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + "/invite/" + secret
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	iid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	err = s.db.RevokeInvitation(r.Context(), who(r).Org.ID, iid)
	s.afterMemberChange(w, r, err, "flash.invitation_revoked")
}

type inviteData struct {
	Invitation *soroe.Invitation
	Org        *soroe.Org
	Secret     string
	Usable     bool
}

func (s *Server) loadInvite(r *http.Request) (*inviteData, error) {
	secret := r.PathValue("secret")
	inv, err := s.db.InvitationBySecret(r.Context(), secret)
	if err != nil {
		return nil, err
	}
	org, err := s.db.Org(r.Context(), inv.OrgID)
	if err != nil {
		return nil, err
	}
	return &inviteData{Invitation: inv, Org: org, Secret: secret, Usable: inv.Usable(s.db.Now())}, nil
}

// inviteForm shows an invitation: a logged-in user joins with one click, a
// visitor signs up (or logs in first).
func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) {
	d, err := s.loadInvite(r)
	if errors.Is(err, soroe.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, "error.invitation_unknown")
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "invite.title", d)
	p.Form = map[string][]string{"email": {d.Invitation.Email}}
	s.render(w, http.StatusOK, "invite", p)
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, err := s.loadInvite(r)
	if errors.Is(err, soroe.ErrNotFound) {
		s.errorPage(w, r, http.StatusNotFound, "error.invitation_unknown")
		return
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "invite.title", d)
	if !d.Usable {
		s.formError(w, r, "invite", p, &soroe.Error{Code: soroe.EConflict, Message: "invitation_used_or_expired"})
		return
	}
	u := who(r).User
	if u == nil {
		// A new account: signing up through the link.
		u = &soroe.User{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Lang: p.Lang}
		u.PasswordHash, err = soroe.HashPassword(r.PostFormValue("password"))
		if err == nil {
			err = s.db.CreateUser(ctx, u)
		}
		if err != nil {
			s.formError(w, r, "invite", p, err)
			return
		}
		if err := s.startSession(r, u); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	inv, err := s.db.AcceptInvitation(ctx, d.Secret, u.ID)
	if err != nil {
		s.formError(w, r, "invite", p, err)
		return
	}
	s.log.Info("invitation accepted", "org", inv.OrgID, "user", u.ID, "role", inv.Role, "at", time.Now().UTC())
	s.sessions.Put(ctx, sessOrg, inv.OrgID)
	s.flash(r, "flash.joined")
	redirect(w, r, "/")
}
