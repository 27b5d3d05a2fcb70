package oauth

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/x"
)

// PendingTTL is how long a started flow may wait for its callback.
const PendingTTL = 15 * time.Minute

// Pending is a started flow, kept in the person's session until the
// network sends them back: its state (checked and spent on the callback),
// the PKCE verifier, the redirect URI it was started with, and for
// Mastodon the instance and the app registered there. It holds no token.
type Pending struct {
	Flow         string    `json:"flow"`
	State        string    `json:"state"`
	Verifier     string    `json:"verifier,omitempty"`
	RedirectURI  string    `json:"redirect_uri"`
	Instance     string    `json:"instance,omitempty"`
	ClientID     string    `json:"client_id,omitempty"`
	ClientSecret string    `json:"client_secret,omitempty"`
	AccountID    int64     `json:"account_id,omitempty"` // reconnecting this account
	Started      time.Time `json:"started"`
}

// Expired reports whether the flow waited too long for its callback.
func (p *Pending) Expired(now time.Time) bool {
	return now.Sub(p.Started) > PendingTTL || now.Before(p.Started.Add(-time.Minute))
}

// Start begins flow: it returns the pending flow to keep in the session
// and the network's authorization URL to send the person to. redirectURI
// is this server's callback for the flow. Mastodon needs the instance
// (checked against the SSRF guard); its app is registered there now.
func (c *Connector) Start(ctx context.Context, flow, redirectURI, instance string) (*Pending, string, error) {
	if !c.Configured(flow) {
		return nil, "", ErrNotConfigured
	}
	p := &Pending{Flow: flow, State: NewState(), RedirectURI: redirectURI, Started: c.now().UTC()}
	q := url.Values{"response_type": {"code"}, "redirect_uri": {redirectURI}, "state": {p.State}}
	var base string
	switch flow {
	case FlowX:
		p.Verifier = NewVerifier()
		base = c.cfg.XAuthorizeURL
		q.Set("client_id", c.cfg.X.ClientID)
		q.Set("scope", XScopes)
		q.Set("code_challenge", Challenge(p.Verifier))
		q.Set("code_challenge_method", "S256")
	case FlowMeta:
		base = c.cfg.MetaDialogURL
		q.Set("client_id", c.cfg.Meta.ClientID)
		q.Set("scope", MetaScopes)
	case FlowThreads:
		base = c.cfg.ThreadsAuthorizeURL
		q.Set("client_id", c.cfg.Threads.ClientID)
		q.Set("scope", ThreadsScopes)
	case FlowLinkedIn:
		base = c.cfg.LinkedInAuthURL + "/authorization"
		q.Set("client_id", c.cfg.LinkedIn.ClientID)
		q.Set("scope", LinkedInScopes)
	case FlowMastodon:
		host, err := c.ServerURL(instance, "instance")
		if err != nil {
			return nil, "", err
		}
		var app struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		req, err := newRequest(ctx, http.MethodPost, host+"/api/v1/apps", url.Values{
			"client_name": {"Soroe"}, "redirect_uris": {redirectURI}, "scopes": {MastodonScopes}})
		if err != nil {
			return nil, "", err
		}
		if err := call(c.guarded, req, &app); err != nil {
			return nil, "", err
		}
		if app.ClientID == "" || app.ClientSecret == "" {
			return nil, "", errorf(network.ErrTemporary, "the instance registered no app")
		}
		p.Instance, p.ClientID, p.ClientSecret = host, app.ClientID, app.ClientSecret
		base = host + "/oauth/authorize"
		q.Set("client_id", app.ClientID)
		q.Set("scope", MastodonScopes)
	default:
		return nil, "", ErrNotConfigured
	}
	return p, base + "?" + q.Encode(), nil
}

// Finish trades the callback's code for tokens and returns the accounts
// they reach: one for X, Threads, LinkedIn and Mastodon; for Meta, each
// Facebook Page the person manages and each Page's Instagram business
// account, for them to choose.
func (c *Connector) Finish(ctx context.Context, p *Pending, code string) ([]Connection, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, errorf(network.ErrRejected, "no authorization code")
	}
	switch p.Flow {
	case FlowX:
		return c.finishX(ctx, p, code)
	case FlowMeta:
		return c.finishMeta(ctx, p, code)
	case FlowThreads:
		return c.finishThreads(ctx, p, code)
	case FlowLinkedIn:
		return c.finishLinkedIn(ctx, p, code)
	case FlowMastodon:
		return c.finishMastodon(ctx, p, code)
	}
	return nil, ErrNotConfigured
}

// tokenAnswer is an OAuth token endpoint's answer.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
	UserID       any    `json:"user_id"` // Threads (a number)
}

func (t *tokenAnswer) check() error {
	if t.AccessToken == "" {
		return errorf(network.ErrTemporary, "token answer without an access token")
	}
	return nil
}

// ---- X ----

func (c *Connector) finishX(ctx context.Context, p *Pending, code string) ([]Connection, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {p.RedirectURI},
		"client_id": {c.cfg.X.ClientID}, "code_verifier": {p.Verifier}}
	req, err := newRequest(ctx, http.MethodPost, c.cfg.XAPIURL+"/2/oauth2/token", form)
	if err != nil {
		return nil, err
	}
	if c.cfg.X.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(c.cfg.X.ClientID), url.QueryEscape(c.cfg.X.ClientSecret))
	}
	var tok tokenAnswer
	if err := call(c.hc, req, &tok); err != nil {
		return nil, err
	}
	if err := tok.check(); err != nil {
		return nil, err
	}
	creds := network.Credentials{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ExpiresAt: c.expiry(tok.ExpiresIn)}
	conn, err := c.xMe(ctx, creds)
	if err != nil {
		return nil, err
	}
	return []Connection{conn}, nil
}

// xMe reads the token's user: GET /2/users/me.
func (c *Connector) xMe(ctx context.Context, creds network.Credentials) (Connection, error) {
	req, err := newRequest(ctx, http.MethodGet, c.cfg.XAPIURL+"/2/users/me", nil)
	if err != nil {
		return Connection{}, err
	}
	var me struct {
		Data struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			Username string `json:"username"`
		} `json:"data"`
	}
	if err := call(c.hc, bearer(req, creds.AccessToken), &me); err != nil {
		return Connection{}, err
	}
	if me.Data.ID == "" {
		return Connection{}, errorf(network.ErrTemporary, "no user in the answer")
	}
	return Connection{Network: soroe.NetworkX, Name: me.Data.Name, Handle: "@" + me.Data.Username,
		RemoteID: me.Data.ID, Credentials: creds}, nil
}

func (c *Connector) xClient() *x.Client {
	return x.New(x.Options{BaseURL: c.cfg.XAPIURL, HTTPClient: c.hc, ClientID: c.cfg.X.ClientID,
		ClientSecret: c.cfg.X.ClientSecret, Now: c.now})
}

// ---- Meta: Facebook Pages and Instagram ----

// metaSession is what the Facebook and Instagram adapters read from
// Credentials.Session.
type metaSession struct {
	PageID string `json:"page_id,omitempty"`
	UserID string `json:"user_id,omitempty"` // the Instagram account
}

func (c *Connector) finishMeta(ctx context.Context, p *Pending, code string) ([]Connection, error) {
	app := c.cfg.Meta
	var short tokenAnswer
	if err := c.metaToken(ctx, url.Values{"client_id": {app.ClientID}, "client_secret": {app.ClientSecret},
		"redirect_uri": {p.RedirectURI}, "code": {code}}, &short); err != nil {
		return nil, err
	}
	user, expires, err := c.metaLongLived(ctx, short.AccessToken)
	if err != nil {
		return nil, err
	}
	return c.metaPages(ctx, user, expires)
}

// graphGet reads a Graph API (Meta or Threads) URL with query q and
// decodes a 2xx answer into out; errors are classified as the Graph
// adapters do (190 and permissions: ErrAuth; throttling; transient).
func (c *Connector) graphGet(ctx context.Context, u string, q url.Values, out any) error {
	req, err := newRequest(ctx, http.MethodGet, u+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	return c.graphDo(req, out)
}

func (c *Connector) graphDo(req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	resp, _, err := network.Send(c.hc, req)
	if err != nil {
		return network.TransportError(err, false)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return network.TransportError(err, false)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.graph.Failure(resp.StatusCode, resp.Header, raw, false)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: "unreadable answer"}
	}
	return nil
}

// metaToken calls GET /oauth/access_token with q.
func (c *Connector) metaToken(ctx context.Context, q url.Values, out *tokenAnswer) error {
	if err := c.graphGet(ctx, c.cfg.MetaGraphURL+"/oauth/access_token", q, out); err != nil {
		return err
	}
	return out.check()
}

// metaLongLived trades a user token for a long-lived one (about 60 days):
// grant_type=fb_exchange_token.
func (c *Connector) metaLongLived(ctx context.Context, userToken string) (string, time.Time, error) {
	var long tokenAnswer
	err := c.metaToken(ctx, url.Values{"grant_type": {"fb_exchange_token"}, "client_id": {c.cfg.Meta.ClientID},
		"client_secret": {c.cfg.Meta.ClientSecret}, "fb_exchange_token": {userToken}}, &long)
	if err != nil {
		return "", time.Time{}, err
	}
	return long.AccessToken, c.expiry(long.ExpiresIn), nil
}

// metaPage is a Page of GET /me/accounts.
type metaPage struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AccessToken string `json:"access_token"`
	Instagram   *struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"instagram_business_account"`
}

// metaPages lists the Pages the long-lived user token manages, with their
// Page tokens (which, taken from a long-lived user token, do not expire)
// and their Instagram business accounts. Each account's credentials keep
// the Page token as AccessToken and the long-lived user token as
// RefreshToken, with that token's expiry: the health job trades it for a
// new one before then and takes the Page token anew.
func (c *Connector) metaPages(ctx context.Context, userToken string, expires time.Time) ([]Connection, error) {
	var pages struct {
		Data []metaPage `json:"data"`
	}
	err := c.graphGet(ctx, c.cfg.MetaGraphURL+"/me/accounts", url.Values{"access_token": {userToken}, "limit": {"100"},
		"fields": {"id,name,access_token,instagram_business_account{id,username,name}"}}, &pages)
	if err != nil {
		return nil, err
	}
	var out []Connection
	for _, pg := range pages.Data {
		if pg.ID == "" || pg.AccessToken == "" {
			continue
		}
		creds := network.Credentials{AccessToken: pg.AccessToken, RefreshToken: userToken, ExpiresAt: expires}
		fb := creds
		fb.Session = sessionJSON(metaSession{PageID: pg.ID})
		out = append(out, Connection{Network: soroe.NetworkFacebook, Name: pg.Name, Handle: pg.Name, RemoteID: pg.ID, Credentials: fb})
		if ig := pg.Instagram; ig != nil && ig.ID != "" {
			igc := creds
			igc.Session = sessionJSON(metaSession{PageID: pg.ID, UserID: ig.ID})
			name := ig.Name
			if name == "" {
				name = ig.Username
			}
			out = append(out, Connection{Network: soroe.NetworkInstagram, Name: name, Handle: "@" + ig.Username, RemoteID: ig.ID, Credentials: igc})
		}
	}
	if len(out) == 0 {
		return nil, errorf(network.ErrRejected, "no Facebook Page: the person manages none, or did not grant access to one")
	}
	return out, nil
}

// ---- Threads ----

func (c *Connector) finishThreads(ctx context.Context, p *Pending, code string) ([]Connection, error) {
	app := c.cfg.Threads
	req, err := newRequest(ctx, http.MethodPost, c.cfg.ThreadsGraphURL+"/oauth/access_token", url.Values{
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}, "grant_type": {"authorization_code"},
		"redirect_uri": {p.RedirectURI}, "code": {code}})
	if err != nil {
		return nil, err
	}
	var short tokenAnswer
	if err := c.graphDo(req, &short); err != nil {
		return nil, err
	}
	if err := short.check(); err != nil {
		return nil, err
	}
	var long tokenAnswer
	if err := c.graphGet(ctx, c.cfg.ThreadsGraphURL+"/access_token", url.Values{"grant_type": {"th_exchange_token"},
		"client_secret": {app.ClientSecret}, "access_token": {short.AccessToken}}, &long); err != nil {
		return nil, err
	}
	if err := long.check(); err != nil {
		return nil, err
	}
	conn, err := c.threadsMe(ctx, long.AccessToken)
	if err != nil {
		return nil, err
	}
	conn.Credentials = network.Credentials{AccessToken: long.AccessToken, ExpiresAt: c.expiry(long.ExpiresIn)}
	return []Connection{conn}, nil
}

func (c *Connector) threadsMe(ctx context.Context, token string) (Connection, error) {
	var me struct {
		ID       string `json:"id"`
		Username string `json:"username"`
		Name     string `json:"name"`
	}
	if err := c.graphGet(ctx, c.cfg.ThreadsGraphURL+"/v1.0/me", url.Values{"fields": {"id,username,name"}, "access_token": {token}}, &me); err != nil {
		return Connection{}, err
	}
	if me.ID == "" {
		return Connection{}, errorf(network.ErrTemporary, "no user in the answer")
	}
	name := me.Name
	if name == "" {
		name = me.Username
	}
	return Connection{Network: soroe.NetworkThreads, Name: name, Handle: "@" + me.Username, RemoteID: me.ID}, nil
}

// ---- LinkedIn ----

// linkedInSession is what the LinkedIn adapter reads from
// Credentials.Session.
type linkedInSession struct {
	Author string `json:"author"`
}

func (c *Connector) finishLinkedIn(ctx context.Context, p *Pending, code string) ([]Connection, error) {
	app := c.cfg.LinkedIn
	req, err := newRequest(ctx, http.MethodPost, c.cfg.LinkedInAuthURL+"/accessToken", url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {p.RedirectURI},
		"client_id": {app.ClientID}, "client_secret": {app.ClientSecret}})
	if err != nil {
		return nil, err
	}
	var tok tokenAnswer
	if err := call(c.hc, req, &tok); err != nil {
		return nil, err
	}
	if err := tok.check(); err != nil {
		return nil, err
	}
	conn, err := c.linkedInMe(ctx, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	conn.Credentials = network.Credentials{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken,
		ExpiresAt: c.expiry(tok.ExpiresIn), Session: sessionJSON(linkedInSession{Author: conn.RemoteID})}
	return []Connection{conn}, nil
}

// linkedInMe reads the member with OpenID Connect's userinfo; the member
// posts as urn:li:person:{sub}.
func (c *Connector) linkedInMe(ctx context.Context, token string) (Connection, error) {
	req, err := newRequest(ctx, http.MethodGet, c.cfg.LinkedInAPIURL+"/v2/userinfo", nil)
	if err != nil {
		return Connection{}, err
	}
	var me struct {
		Sub  string `json:"sub"`
		Name string `json:"name"`
	}
	if err := call(c.hc, bearer(req, token), &me); err != nil {
		return Connection{}, err
	}
	if me.Sub == "" {
		return Connection{}, errorf(network.ErrTemporary, "no member in the answer")
	}
	return Connection{Network: soroe.NetworkLinkedIn, Name: me.Name, Handle: me.Name, RemoteID: "urn:li:person:" + me.Sub}, nil
}

// ---- Mastodon ----

func (c *Connector) finishMastodon(ctx context.Context, p *Pending, code string) ([]Connection, error) {
	host, err := c.ServerURL(p.Instance, "instance")
	if err != nil {
		return nil, err
	}
	req, err := newRequest(ctx, http.MethodPost, host+"/oauth/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {p.RedirectURI},
		"client_id": {p.ClientID}, "client_secret": {p.ClientSecret}, "scope": {MastodonScopes}})
	if err != nil {
		return nil, err
	}
	var tok tokenAnswer
	if err := call(c.guarded, req, &tok); err != nil {
		return nil, err
	}
	if err := tok.check(); err != nil {
		return nil, err
	}
	conn, err := c.mastodonMe(ctx, host, tok.AccessToken)
	if err != nil {
		return nil, err
	}
	return []Connection{conn}, nil
}
