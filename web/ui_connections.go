package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network/oauth"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
)

// registerAccounts registers the social accounts an organization posts to:
// the UI lists them with their health, connects them (OAuth flows for X,
// Meta, Threads, LinkedIn and Mastodon; tokens for Bluesky, Mastodon and
// LINE; manual ones), reconnects and disconnects them; the API lists,
// connects (token networks) and disconnects them (api_connections.go).
//
// The installation's apps and API locations come from the environment
// (oauth.ConfigFromEnv), read once here. Each OAuth flow has its own
// routes without wildcards, so each network's callback URL is fixed:
// POST /accounts/oauth/{flow} starts it, GET /accounts/oauth/{flow}/callback
// ends it.
func (s *Server) registerAccounts() error {
	cfg := oauth.ConfigFromEnv(os.Getenv)
	cfg.Now = s.now
	h := &connections{s: s, c: oauth.New(cfg)}
	read, manage := soroe.ActAccountRead, soroe.ActAccountManage
	regs := []error{
		s.ui("GET /accounts", read, h.list),
		s.ui("POST /accounts", manage, h.connectToken),
		s.ui("POST /accounts/{account}/reconnect", manage, h.reconnect),
		s.ui("POST /accounts/{account}/delete", manage, h.disconnect),
		s.ui("POST /accounts/oauth/choose", manage, h.choose),

		s.api("GET /api/v1/accounts", read, h.apiList),
		s.api("POST /api/v1/accounts", manage, h.apiCreate),
		s.api("DELETE /api/v1/accounts/{account}", manage, h.apiDelete),
	}
	for _, f := range oauth.Flows {
		regs = append(regs,
			s.ui("POST /accounts/oauth/"+f, manage, h.start(f)),
			s.ui("GET /accounts/oauth/"+f+"/callback", manage, h.callback(f)))
	}
	return errors.Join(regs...)
}

// connections holds the connector the account routes share.
type connections struct {
	s *Server
	c *oauth.Connector
}

// Session keys of the OAuth flows: the started flow, and Meta's accounts
// waiting for the person's choice. Both are sealed with the secrets box.
const (
	sessOAuthPending = "oauth_pending"
	sessOAuthChoices = "oauth_choices"
)

// tokenNetworks are connected with a token (or nothing, manual) rather
// than an OAuth flow; Mastodon has both.
var tokenNetworks = []soroe.Network{soroe.NetworkBluesky, soroe.NetworkMastodon, soroe.NetworkLINE, soroe.NetworkManual}

// ---- Shared by the UI and the API ----

// errUnreachable is a network that could not be reached (or answered with
// a server error) while connecting: 502, try again later.
type errUnreachable struct{ err error }

func (e *errUnreachable) Error() string { return "account_unreachable: " + oauth.Reason(e.err) }

// errNoSecrets: SOROE_SECRET_KEY is unset, nothing can be sealed (503).
var errNoSecrets = soroe.Invalid("", "secret_key_missing")

// connectErr turns a connector's error into what the person is told.
func connectErr(err error) error {
	var se *soroe.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return se
	case oauth.Revoked(err):
		return soroe.Invalid("token", "account_credentials_rejected")
	case errors.Is(err, oauth.ErrNotConfigured):
		return soroe.Invalid("network", "account_oauth_not_configured")
	}
	return &errUnreachable{err: err}
}

// tokenInput is a token-based connection as a form or the API sends it.
type tokenInput struct {
	Network  string `json:"network"`
	Name     string `json:"name"`
	Handle   string `json:"handle"`
	Instance string `json:"instance"`
	Token    string `json:"token"` // Bluesky: the app password
	// NoAPI registers an account of any network by its handle, without
	// credentials: its posts are posted by hand and its numbers come from
	// imports or are typed in. Connecting the API later keeps its history.
	NoAPI bool `json:"no_api,omitempty"`
}

// registerNoAPI stores an account without API access.
func (h *connections) registerNoAPI(ctx context.Context, orgID int64, in tokenInput) (*store.AccountInfo, error) {
	n := soroe.Network(strings.TrimSpace(in.Network))
	switch {
	case !n.Valid() || n == soroe.NetworkManual:
		return nil, soroe.Invalid("network", "unknown_network")
	case strings.TrimSpace(in.Handle) == "":
		return nil, soroe.Invalid("handle", "required")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = strings.TrimSpace(in.Handle)
	}
	a := &soroe.Account{OrgID: orgID, Network: n, Name: name, Handle: in.Handle, Host: in.Instance, Status: soroe.AccountOK, NoAPI: true}
	if err := h.s.db.CreateAccount(ctx, a, ""); err != nil {
		return nil, err
	}
	return h.s.db.AccountInfoOf(ctx, orgID, a.ID)
}

// verifyToken checks a token-based connection against its network.
func (h *connections) verifyToken(ctx context.Context, in tokenInput) (oauth.Connection, error) {
	n := soroe.Network(strings.TrimSpace(in.Network))
	switch {
	case !n.Valid():
		return oauth.Connection{}, soroe.Invalid("network", "unknown_network")
	case !slices.Contains(tokenNetworks, n):
		return oauth.Connection{}, soroe.Invalid("network", "account_use_oauth")
	case n == soroe.NetworkManual:
		return oauth.Connection{Network: n}, nil
	case h.s.cfg.Secrets == nil:
		return oauth.Connection{}, errNoSecrets
	}
	var (
		conn oauth.Connection
		err  error
	)
	switch n {
	case soroe.NetworkBluesky:
		conn, err = h.c.ConnectBluesky(ctx, in.Instance, in.Handle, in.Token)
	case soroe.NetworkMastodon:
		conn, err = h.c.ConnectMastodon(ctx, in.Instance, in.Token)
	case soroe.NetworkLINE:
		conn, err = h.c.ConnectLINE(ctx, in.Token)
	}
	return conn, connectErr(err)
}

// save stores a connection in org: a new account, or — when the
// organization has the same account already (same network and network ID,
// or reconnectID) — that account with the new credentials. name, when not
// empty, is what people call it in Soroe.
func (h *connections) save(ctx context.Context, orgID int64, conn oauth.Connection, name string, reconnectID int64) (*store.AccountInfo, bool, error) {
	secret := ""
	if conn.Network != soroe.NetworkManual {
		if h.s.cfg.Secrets == nil {
			return nil, false, errNoSecrets
		}
		var err error
		if secret, err = publish.SealCredentials(h.s.cfg.Secrets, orgID, conn.Credentials); err != nil {
			return nil, false, err
		}
	}
	health := store.AccountHealth{RemoteID: conn.RemoteID}
	if !conn.Credentials.ExpiresAt.IsZero() {
		exp := conn.Credentials.ExpiresAt
		health.TokenExpiresAt = &exp
	}
	existing := reconnectID
	if existing == 0 && conn.RemoteID != "" {
		infos, err := h.s.db.AccountInfos(ctx, orgID)
		if err != nil {
			return nil, false, err
		}
		for _, a := range infos {
			if a.Network == conn.Network && a.RemoteID == conn.RemoteID {
				existing = a.ID
			}
		}
	}
	if existing != 0 {
		if err := h.s.db.ReconnectAccount(ctx, orgID, existing, secret, conn.Handle, health); err != nil {
			return nil, false, err
		}
		a, err := h.s.db.AccountInfoOf(ctx, orgID, existing)
		return a, false, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = conn.Name
	}
	if name == "" {
		name = conn.Handle
	}
	a := &soroe.Account{OrgID: orgID, Network: conn.Network, Name: clipRunes(name, 100), Handle: conn.Handle, Host: conn.Host}
	if err := h.s.db.ConnectAccount(ctx, a, secret, health); err != nil {
		return nil, false, err
	}
	info, err := h.s.db.AccountInfoOf(ctx, orgID, a.ID)
	return info, true, err
}

// pathAccount is the caller's organization's account the path names.
func (h *connections) pathAccount(r *http.Request) (*store.AccountInfo, error) {
	id, err := pathID(r, "account")
	if err != nil {
		return nil, err
	}
	return h.s.db.AccountInfoOf(r.Context(), who(r).Org.ID, id)
}

// baseURL is this server's public URL: the configured one, or the
// request's own.
func (h *connections) baseURL(r *http.Request) string {
	if h.s.cfg.BaseURL != "" {
		return strings.TrimRight(h.s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || (h.s.cfg.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *connections) callbackURL(r *http.Request, flow string) string {
	return h.baseURL(r) + "/accounts/oauth/" + flow + "/callback"
}

// ---- UI: the list ----

type accountRow struct {
	*store.AccountInfo
	NetworkKey  string
	OAuth       bool // reconnected through an OAuth flow
	ExpiresSoon bool
	Expired     bool
}

type flowView struct {
	Flow       string
	NameKey    string
	Configured bool
	Env        []oauth.Env
	Callback   string
}

type accountsData struct {
	Accounts  []accountRow
	NoSecrets bool
	Flows     []flowView
	Choices   []choiceView // Meta's accounts to choose from
}

type choiceView struct {
	Index      int
	NetworkKey string
	Name       string
	Handle     string
}

func (h *connections) page(w http.ResponseWriter, r *http.Request) (*page, *accountsData, error) {
	infos, err := h.s.db.AccountInfos(r.Context(), who(r).Org.ID)
	if err != nil {
		return nil, nil, err
	}
	now := h.s.now()
	d := &accountsData{NoSecrets: h.s.cfg.Secrets == nil}
	for _, a := range infos {
		row := accountRow{AccountInfo: a, NetworkKey: "network." + string(a.Network),
			OAuth: oauth.FlowOf(a.Network) != "" && !slices.Contains(tokenNetworks, a.Network)}
		if a.Network == soroe.NetworkMastodon && a.RemoteID != "" {
			row.OAuth = false // a token reconnects it; the OAuth button is on the page too
		}
		if t := a.TokenExpiresAt; t != nil {
			row.Expired = !now.Before(*t)
			row.ExpiresSoon = !row.Expired && t.Sub(now) < 7*24*time.Hour && a.Network != soroe.NetworkX
		}
		d.Accounts = append(d.Accounts, row)
	}
	for _, f := range oauth.Flows {
		d.Flows = append(d.Flows, flowView{Flow: f, NameKey: "accounts.flow." + f, Configured: h.c.Configured(f),
			Env: oauth.EnvVars[f], Callback: h.callbackURL(r, f)})
	}
	return h.s.newPage(w, r, "accounts.title", d), d, nil
}

func (h *connections) list(w http.ResponseWriter, r *http.Request) {
	p, _, err := h.page(w, r)
	if err != nil {
		h.s.serverError(w, r, err)
		return
	}
	h.s.render(w, http.StatusOK, "accounts", p)
}

// formError shows the list again with err (422, 502 or 503).
func (h *connections) formError(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusUnprocessableEntity
	key := ""
	var se *soroe.Error
	var ue *errUnreachable
	switch {
	case errors.As(err, &ue):
		status, key = http.StatusBadGateway, "account_unreachable"
		h.s.log.Warn("connecting an account failed", "err", ue.Error())
	case errors.Is(err, errNoSecrets):
		status, key = http.StatusServiceUnavailable, "secret_key_missing"
	case errors.As(err, &se):
		key = se.Message
	default:
		h.s.serverError(w, r, err)
		return
	}
	p, _, perr := h.page(w, r)
	if perr != nil {
		h.s.serverError(w, r, perr)
		return
	}
	p.Errors = map[string]string{"_": key}
	p.Form = r.PostForm
	p.Form.Del("token") // never shown back
	h.s.render(w, status, "accounts", p)
}

func (h *connections) connectToken(w http.ResponseWriter, r *http.Request) {
	in := tokenInput{Network: r.PostFormValue("network"), Name: r.PostFormValue("name"), Handle: r.PostFormValue("handle"),
		Instance: r.PostFormValue("instance"), Token: r.PostFormValue("token"), NoAPI: r.PostFormValue("no_api") == "on"}
	if in.NoAPI {
		if _, err := h.registerNoAPI(r.Context(), who(r).Org.ID, in); err != nil {
			h.formError(w, r, err)
			return
		}
		h.s.flash(r, "accounts.flash_registered_no_api")
		redirect(w, r, "/accounts")
		return
	}
	conn, err := h.verifyToken(r.Context(), in)
	if err == nil && conn.Network == soroe.NetworkManual && strings.TrimSpace(in.Name) == "" {
		err = soroe.Invalid("name", "required")
	}
	if err == nil {
		_, _, err = h.save(r.Context(), who(r).Org.ID, conn, in.Name, 0)
	}
	if err != nil {
		h.formError(w, r, err)
		return
	}
	h.s.flash(r, "accounts.flash_connected")
	redirect(w, r, "/accounts")
}

func (h *connections) reconnect(w http.ResponseWriter, r *http.Request) {
	a, err := h.pathAccount(r)
	if h.s.failed(w, r, err) {
		return
	}
	switch {
	case a.Network == soroe.NetworkManual:
		h.s.flash(r, "accounts.flash_nothing_to_reconnect")
		redirect(w, r, "/accounts")
		return
	case r.PostFormValue("token") == "" && oauth.FlowOf(a.Network) != "" && (a.Network != soroe.NetworkMastodon || r.PostFormValue("oauth") != ""):
		h.startFlow(w, r, oauth.FlowOf(a.Network), a.Host, a.ID)
		return
	}
	in := tokenInput{Network: string(a.Network), Handle: a.Handle, Instance: a.Host, Token: r.PostFormValue("token")}
	conn, err := h.verifyToken(r.Context(), in)
	if err == nil && a.RemoteID != "" && conn.RemoteID != a.RemoteID {
		h.s.flash(r, "accounts.flash_reconnect_mismatch")
		redirect(w, r, "/accounts")
		return
	}
	if err == nil {
		_, _, err = h.save(r.Context(), a.OrgID, conn, "", a.ID)
	}
	if err != nil {
		h.formError(w, r, err)
		return
	}
	h.s.flash(r, "accounts.flash_reconnected")
	redirect(w, r, "/accounts")
}

func (h *connections) disconnect(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "account")
	if err == nil {
		err = h.s.db.DeleteAccount(r.Context(), who(r).Org.ID, id)
	}
	if soroe.ErrorCode(err) == soroe.EConflict {
		h.s.flash(r, "error."+soroe.ErrorMessage(err))
		redirect(w, r, "/accounts")
		return
	}
	if h.s.failed(w, r, err) {
		return
	}
	h.s.flash(r, "accounts.flash_disconnected")
	redirect(w, r, "/accounts")
}

// ---- UI: OAuth ----

func (h *connections) start(flow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.startFlow(w, r, flow, r.PostFormValue("instance"), 0)
	}
}

// startFlow sends the person to the network, the flow's state sealed in
// their session (bound to it, spent by the callback).
func (h *connections) startFlow(w http.ResponseWriter, r *http.Request, flow, instance string, accountID int64) {
	ctx := r.Context()
	switch {
	case h.s.cfg.Secrets == nil:
		h.s.flash(r, "accounts.flash_no_secret_key")
		redirect(w, r, "/accounts")
		return
	case !h.c.Configured(flow):
		h.s.flash(r, "accounts.flash_not_configured")
		redirect(w, r, "/accounts")
		return
	}
	p, to, err := h.c.Start(ctx, flow, h.callbackURL(r, flow), instance)
	if err != nil {
		if err = connectErr(err); errors.As(err, new(*soroe.Error)) {
			r.PostForm.Set("oauth_flow", flow)
			h.formError(w, r, err)
			return
		}
		h.s.log.Warn("starting an OAuth flow failed", "flow", flow, "err", err.Error())
		h.s.flash(r, "accounts.flash_oauth_failed")
		redirect(w, r, "/accounts")
		return
	}
	p.AccountID = accountID
	b, _ := json.Marshal(p)
	sealed, err := h.s.cfg.Secrets.SealString(string(b), h.sessionAD(r, sessOAuthPending))
	if err != nil {
		h.s.serverError(w, r, err)
		return
	}
	h.s.sessions.Put(ctx, sessOAuthPending, sealed)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// sessionAD binds a sealed session value to its purpose, the user and the
// organization.
func (h *connections) sessionAD(r *http.Request, purpose string) string {
	id := who(r)
	return purpose + ":" + strconv.FormatInt(id.User.ID, 10) + ":" + strconv.FormatInt(id.Org.ID, 10)
}

// pending takes the started flow out of the session: whatever happens
// next, a state is used once.
func (h *connections) pending(r *http.Request, flow string) *oauth.Pending {
	ctx := r.Context()
	sealed := h.s.sessions.PopString(ctx, sessOAuthPending)
	if sealed == "" || h.s.cfg.Secrets == nil {
		return nil
	}
	raw, err := h.s.cfg.Secrets.OpenString(sealed, h.sessionAD(r, sessOAuthPending))
	if err != nil {
		return nil
	}
	var p oauth.Pending
	if json.Unmarshal([]byte(raw), &p) != nil || p.Flow != flow || p.Expired(h.s.now()) {
		return nil
	}
	return &p
}

func (h *connections) callback(flow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		q := r.URL.Query()
		p := h.pending(r, flow)
		switch {
		case p == nil || q.Get("state") == "" || !constantEqual(q.Get("state"), p.State):
			h.s.flash(r, "accounts.flash_oauth_state")
			redirect(w, r, "/accounts")
			return
		case q.Get("error") != "" || q.Get("code") == "":
			h.s.flash(r, "accounts.flash_oauth_denied")
			redirect(w, r, "/accounts")
			return
		}
		conns, err := h.c.Finish(ctx, p, q.Get("code"))
		if err != nil {
			h.s.log.Warn("finishing an OAuth flow failed", "flow", flow, "err", oauth.Reason(err))
			h.s.flash(r, "accounts.flash_oauth_failed")
			redirect(w, r, "/accounts")
			return
		}
		orgID := who(r).Org.ID
		if p.AccountID != 0 {
			a, err := h.s.db.AccountInfoOf(ctx, orgID, p.AccountID)
			if h.s.failed(w, r, err) {
				return
			}
			i := slices.IndexFunc(conns, func(c oauth.Connection) bool {
				return c.Network == a.Network && (a.RemoteID == "" || c.RemoteID == a.RemoteID)
			})
			if i < 0 {
				h.s.flash(r, "accounts.flash_reconnect_mismatch")
				redirect(w, r, "/accounts")
				return
			}
			if _, _, err := h.save(ctx, orgID, conns[i], "", a.ID); err != nil {
				h.s.serverError(w, r, err)
				return
			}
			h.s.flash(r, "accounts.flash_reconnected")
			redirect(w, r, "/accounts")
			return
		}
		if len(conns) == 1 {
			if _, _, err := h.save(ctx, orgID, conns[0], "", 0); err != nil {
				h.s.serverError(w, r, err)
				return
			}
			h.s.flash(r, "accounts.flash_connected")
			redirect(w, r, "/accounts")
			return
		}
		// Several (Meta's Pages and Instagram accounts): the person chooses.
		b, _ := json.Marshal(choices{At: h.s.now(), Conns: conns})
		sealed, err := h.s.cfg.Secrets.SealString(string(b), h.sessionAD(r, sessOAuthChoices))
		if err != nil {
			h.s.serverError(w, r, err)
			return
		}
		h.s.sessions.Put(ctx, sessOAuthChoices, sealed)
		pg, d, err := h.page(w, r)
		if err != nil {
			h.s.serverError(w, r, err)
			return
		}
		pg.Title = "accounts.choose.title"
		for i, c := range conns {
			d.Choices = append(d.Choices, choiceView{Index: i, NetworkKey: "network." + string(c.Network), Name: c.Name, Handle: c.Handle})
		}
		h.s.render(w, http.StatusOK, "accounts_choose", pg)
	}
}

// choices are the accounts a flow reached, waiting for the person's pick.
type choices struct {
	At    time.Time          `json:"at"`
	Conns []oauth.Connection `json:"conns"`
}

func (h *connections) choose(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sealed := h.s.sessions.PopString(ctx, sessOAuthChoices)
	var c choices
	ok := sealed != "" && h.s.cfg.Secrets != nil
	if ok {
		raw, err := h.s.cfg.Secrets.OpenString(sealed, h.sessionAD(r, sessOAuthChoices))
		ok = err == nil && json.Unmarshal([]byte(raw), &c) == nil && h.s.now().Sub(c.At) < oauth.PendingTTL
	}
	if !ok {
		h.s.flash(r, "accounts.choose.expired")
		redirect(w, r, "/accounts")
		return
	}
	n := 0
	for _, v := range r.PostForm["pick"] {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(c.Conns) {
			continue
		}
		if _, _, err := h.save(ctx, who(r).Org.ID, c.Conns[i], "", 0); err != nil {
			h.s.serverError(w, r, err)
			return
		}
		n++
	}
	if n == 0 {
		redirect(w, r, "/accounts")
		return
	}
	h.s.flash(r, "accounts.flash_connected")
	redirect(w, r, "/accounts")
}

func constantEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
