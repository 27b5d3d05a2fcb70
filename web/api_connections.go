package web

import (
	"errors"
	"net/http"

	"github.com/soroe/soroe/store"
)

func (h *connections) apiList(w http.ResponseWriter, r *http.Request) {
	infos, err := h.s.db.AccountInfos(r.Context(), who(r).Org.ID)
	if err != nil {
		h.s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": nonNil(infos)})
}

// apiCreate connects a token-based account (Bluesky, Mastodon, LINE) or a
// manual one, after checking the credentials against the network: 201
// with the new account, or 200 with the organization's same account
// reconnected.
func (h *connections) apiCreate(w http.ResponseWriter, r *http.Request) {
	var in tokenInput
	if !h.s.decode(w, r, &in) {
		return
	}
	if in.NoAPI {
		a, err := h.registerNoAPI(r.Context(), who(r).Org.ID, in)
		if err != nil {
			h.s.apiError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, a)
		return
	}
	conn, err := h.verifyToken(r.Context(), in)
	var (
		a       *store.AccountInfo
		created bool
	)
	if err == nil {
		a, created, err = h.save(r.Context(), who(r).Org.ID, conn, in.Name, 0)
	}
	var ue *errUnreachable
	switch {
	case errors.Is(err, errNoSecrets):
		h.s.problem(w, r, http.StatusServiceUnavailable, "secret_key_missing", h.s.cat.T("en", "error.secret_key_missing"), "")
		return
	case errors.As(err, &ue):
		h.s.log.Warn("connecting an account failed", "err", ue.Error())
		h.s.problem(w, r, http.StatusBadGateway, "account_unreachable", h.s.cat.T("en", "error.account_unreachable"), "")
		return
	case err != nil:
		h.s.apiError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, a)
}

func (h *connections) apiDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err == nil {
		err = h.s.db.DeleteAccount(r.Context(), who(r).Org.ID, id)
	}
	if err != nil {
		h.s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
