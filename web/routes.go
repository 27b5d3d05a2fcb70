package web

import (
	"errors"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/soroe/soroe"
)

// register lists every route of the server. Each names one action of the
// roles table (soroe.Rights); the role test walks them all.
func (s *Server) register() error {
	pub, user := soroe.ActPublic, soroe.ActUser
	return errors.Join(
		// Operations.
		s.handle("GET /healthz", pub, false, http.HandlerFunc(s.healthz)),
		s.handle("GET /metrics", pub, false, promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{})),
		s.handle("GET /static/", pub, false, staticHandler()),

		// UI: signing in.
		s.ui("GET /login", pub, s.loginForm),
		s.ui("POST /login", pub, s.login),
		s.ui("POST /logout", pub, s.logout),
		s.ui("GET /setup", pub, s.setupForm),
		s.ui("POST /setup", pub, s.setup),
		s.ui("POST /lang", pub, s.setLang),
		s.ui("GET /invite/{secret}", pub, s.inviteForm),
		s.ui("POST /invite/{secret}", pub, s.acceptInvite),

		// UI: the person.
		s.ui("GET /settings/account", user, s.accountForm),
		s.ui("POST /settings/account", user, s.updateAccount),
		s.ui("POST /settings/password", user, s.changePassword),
		s.ui("GET /orgs", user, s.orgList),
		s.ui("POST /orgs", user, s.createOrg),
		s.ui("POST /orgs/switch", user, s.switchOrg),

		// UI: inside the current organization.
		s.ui("GET /{$}", soroe.ActHome, s.home),
		s.ui("GET /org/settings", soroe.ActOrgUpdate, s.orgSettingsForm),
		s.ui("POST /org/settings", soroe.ActOrgUpdate, s.updateOrgSettings),
		s.ui("GET /members", soroe.ActMemberRead, s.memberList),
		s.ui("POST /members/{user}/role", soroe.ActMemberManage, s.setMemberRole),
		s.ui("POST /members/{user}/remove", soroe.ActMemberManage, s.removeMember),
		s.ui("POST /invitations", soroe.ActInvitationAdmin, s.createInvitation),
		s.ui("POST /invitations/{id}/revoke", soroe.ActInvitationAdmin, s.revokeInvitation),
		s.ui("GET /settings/tokens", soroe.ActTokenOwn, s.tokenList),
		s.ui("POST /settings/tokens", soroe.ActTokenOwn, s.createToken),
		s.ui("POST /settings/tokens/{id}/revoke", soroe.ActTokenOwn, s.revokeToken),

		// Plan: the three-step setup, goals and KPIs, 型 and their cadence
		// (each area registers its own routes, UI and API).
		s.registerSetup(),
		s.registerGoals(),
		s.registerTemplates(),
		s.registerProfile(),
		s.registerTextCheck(),
		s.registerGenerate(),
		s.registerMaterials(),
		s.registerAccounts(),
		s.registerImport(),
		s.registerPosts(),
		s.registerNotify(),
		s.registerCalendar(),
		s.registerMetrics(),
		s.registerLinks(),
		s.registerMemos(),
		s.registerHistory(),
		s.registerOverview(),
		s.registerEffort(),
		s.registerActions(),
		s.registerInsights(),
		s.registerReports(),

		// API.
		s.api("GET /api/v1/openapi.json", pub, s.openAPI),
		s.api("GET /api/v1/me", user, s.apiMe),
		s.api("PATCH /api/v1/me", user, s.apiUpdateMe),
		s.api("GET /api/v1/orgs", user, s.apiOrgs),
		s.api("POST /api/v1/orgs", user, s.apiCreateOrg),
		s.api("GET /api/v1/org", soroe.ActOrgRead, s.apiOrg),
		s.api("PATCH /api/v1/org", soroe.ActOrgUpdate, s.apiUpdateOrg),
		s.api("GET /api/v1/members", soroe.ActMemberRead, s.apiMembers),
		s.api("PATCH /api/v1/members/{user}", soroe.ActMemberManage, s.apiSetMemberRole),
		s.api("DELETE /api/v1/members/{user}", soroe.ActMemberManage, s.apiRemoveMember),
		s.api("GET /api/v1/invitations", soroe.ActInvitationAdmin, s.apiInvitations),
		s.api("POST /api/v1/invitations", soroe.ActInvitationAdmin, s.apiCreateInvitation),
		s.api("DELETE /api/v1/invitations/{id}", soroe.ActInvitationAdmin, s.apiRevokeInvitation),
		s.api("GET /api/v1/tokens", soroe.ActTokenOwn, s.apiTokens),
		s.api("POST /api/v1/tokens", soroe.ActTokenOwn, s.apiCreateToken),
		s.api("DELETE /api/v1/tokens/{id}", soroe.ActTokenOwn, s.apiRevokeToken),
		s.api("/api/v1/", pub, s.apiNotFound),

		// Anything else is a 404 page.
		s.ui("/", pub, s.notFound),
	)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": string(s.db.Engine)})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "error.not_found")
}
