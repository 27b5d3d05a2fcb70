// Package oauth connects social accounts to Soroe and keeps them healthy:
// the OAuth 2.0 authorization flows of X (Authorization Code with PKCE),
// Meta (Facebook Pages and their Instagram business accounts), Threads,
// LinkedIn and Mastodon (with the app registered on the instance); the
// token-based connections of Bluesky (handle and app password), Mastodon
// (an access token) and LINE (a channel access token), each verified
// against the network before it is stored; and, for the health job, token
// refresh before expiry and verification of credentials that do not
// expire.
//
// Every error that comes from a network is a *network.Error whose Kind
// tells a revoked grant or refused credentials (network.ErrAuth,
// network.ErrRejected: a person must reconnect) from a failure worth
// retrying later (network.ErrTemporary, network.ErrRateLimited).
//
// It is written on net/http: Meta and Threads trade tokens with GET
// requests and grant types of their own (fb_exchange_token,
// th_exchange_token, th_refresh_token), and the health job needs the raw
// status of every answer to tell a revoked grant from an outage.
package oauth

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/facebook/graphapi"
)

// Flows: the OAuth flows a person can start. Meta's one flow connects
// Facebook Pages and Instagram business accounts.
const (
	FlowX        = "x"
	FlowMeta     = "meta"
	FlowThreads  = "threads"
	FlowLinkedIn = "linkedin"
	FlowMastodon = "mastodon"
)

// Flows lists the OAuth flows in the order the UI shows them.
var Flows = []string{FlowX, FlowMeta, FlowThreads, FlowLinkedIn, FlowMastodon}

// FlowOf is the OAuth flow that connects an account of network n, or ""
// for the networks connected with a token (Bluesky, LINE, manual).
// Mastodon has both.
func FlowOf(n soroe.Network) string {
	switch n {
	case soroe.NetworkX:
		return FlowX
	case soroe.NetworkFacebook, soroe.NetworkInstagram:
		return FlowMeta
	case soroe.NetworkThreads:
		return FlowThreads
	case soroe.NetworkLinkedIn:
		return FlowLinkedIn
	case soroe.NetworkMastodon:
		return FlowMastodon
	}
	return ""
}

// Scopes asked for.
const (
	XScopes        = "tweet.read tweet.write users.read offline.access"
	MetaScopes     = "pages_show_list,pages_read_engagement,pages_manage_posts,business_management,instagram_basic,instagram_content_publish"
	ThreadsScopes  = "threads_basic,threads_content_publish"
	LinkedInScopes = "openid profile w_member_social"
	MastodonScopes = "read write"
)

// Default API locations; Config overrides them (tests, proxies).
const (
	DefaultXAuthorizeURL       = "https://x.com/i/oauth2/authorize"
	DefaultXAPIURL             = "https://api.x.com"
	DefaultMetaDialogURL       = "https://www.facebook.com/v23.0/dialog/oauth"
	DefaultMetaGraphURL        = "https://graph.facebook.com/v23.0"
	DefaultThreadsAuthorizeURL = "https://threads.net/oauth/authorize"
	DefaultThreadsGraphURL     = "https://graph.threads.net"
	DefaultLinkedInAuthURL     = "https://www.linkedin.com/oauth/v2"
	DefaultLinkedInAPIURL      = "https://api.linkedin.com"
	DefaultLINEAPIURL          = "https://api.line.me"
	DefaultBlueskyPDS          = "https://bsky.social"
)

// App is an installation's credentials at a network's developer portal.
type App struct {
	ClientID     string
	ClientSecret string
}

// Config is what an installation sets: its apps and, for tests, where the
// APIs are. The zero value connects only the token-based networks.
type Config struct {
	X, Meta, Threads, LinkedIn App

	XAuthorizeURL, XAPIURL               string
	MetaDialogURL, MetaGraphURL          string
	ThreadsAuthorizeURL, ThreadsGraphURL string
	LinkedInAuthURL, LinkedInAPIURL      string
	LINEAPIURL                           string

	// AllowPrivate lets connections to hosts people type (a Mastodon
	// instance, a Bluesky PDS) reach loopback and private addresses
	// (SOROE_ALLOW_PRIVATE_URLS=1).
	AllowPrivate bool
	// HTTPClient calls the networks' fixed hosts; nil means a client with
	// a 30-second timeout. Hosts people type are always called through a
	// client guarded against non-public addresses.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Env is one environment variable of the configuration, for the page that
// says how to set a network up.
type Env struct{ Name, What string }

// EnvVars are the variables that configure each OAuth flow (Mastodon needs
// none: the app is registered on each instance as it is connected).
var EnvVars = map[string][]Env{
	FlowX:        {{"SOROE_X_CLIENT_ID", "OAuth 2.0 Client ID"}, {"SOROE_X_CLIENT_SECRET", "Client Secret (confidential client)"}},
	FlowMeta:     {{"SOROE_META_APP_ID", "App ID"}, {"SOROE_META_APP_SECRET", "App Secret"}},
	FlowThreads:  {{"SOROE_THREADS_APP_ID", "Threads App ID"}, {"SOROE_THREADS_APP_SECRET", "Threads App Secret"}},
	FlowLinkedIn: {{"SOROE_LINKEDIN_CLIENT_ID", "Client ID"}, {"SOROE_LINKEDIN_CLIENT_SECRET", "Client Secret"}},
}

// ConfigFromEnv reads the configuration from the environment: the apps
// (SOROE_X_CLIENT_ID/SECRET, SOROE_META_APP_ID/SECRET,
// SOROE_THREADS_APP_ID/SECRET, SOROE_LINKEDIN_CLIENT_ID/SECRET), the API
// locations (SOROE_X_AUTHORIZE_URL, SOROE_X_API_URL, SOROE_META_DIALOG_URL,
// SOROE_META_GRAPH_URL, SOROE_THREADS_AUTHORIZE_URL,
// SOROE_THREADS_GRAPH_URL, SOROE_LINKEDIN_AUTH_URL, SOROE_LINKEDIN_API_URL,
// SOROE_LINE_API_URL; the publisher's SOROE_NETWORK_X_API_URL and
// SOROE_NETWORK_LINE_API_URL are used when those two are unset) and
// SOROE_ALLOW_PRIVATE_URLS=1.
func ConfigFromEnv(getenv func(string) string) Config {
	g := func(k string) string { return strings.TrimSpace(getenv(k)) }
	return Config{
		X:                   App{g("SOROE_X_CLIENT_ID"), g("SOROE_X_CLIENT_SECRET")},
		Meta:                App{g("SOROE_META_APP_ID"), g("SOROE_META_APP_SECRET")},
		Threads:             App{g("SOROE_THREADS_APP_ID"), g("SOROE_THREADS_APP_SECRET")},
		LinkedIn:            App{g("SOROE_LINKEDIN_CLIENT_ID"), g("SOROE_LINKEDIN_CLIENT_SECRET")},
		XAuthorizeURL:       g("SOROE_X_AUTHORIZE_URL"),
		XAPIURL:             cmp.Or(g("SOROE_X_API_URL"), g("SOROE_NETWORK_X_API_URL")),
		MetaDialogURL:       g("SOROE_META_DIALOG_URL"),
		MetaGraphURL:        g("SOROE_META_GRAPH_URL"),
		ThreadsAuthorizeURL: g("SOROE_THREADS_AUTHORIZE_URL"),
		ThreadsGraphURL:     g("SOROE_THREADS_GRAPH_URL"),
		LinkedInAuthURL:     g("SOROE_LINKEDIN_AUTH_URL"),
		LinkedInAPIURL:      g("SOROE_LINKEDIN_API_URL"),
		LINEAPIURL:          cmp.Or(g("SOROE_LINE_API_URL"), g("SOROE_NETWORK_LINE_API_URL")),
		AllowPrivate:        g(material.EnvAllowPrivateURLs) == "1",
	}
}

// Connector connects accounts and keeps their tokens fresh. It is safe for
// concurrent use.
type Connector struct {
	cfg     Config
	hc      *http.Client
	guarded *http.Client
	graph   *graphapi.Client
	now     func() time.Time
}

// New returns a Connector.
func New(cfg Config) *Connector {
	trim := func(s, def string) string { return strings.TrimRight(cmp.Or(s, def), "/") }
	cfg.XAuthorizeURL = trim(cfg.XAuthorizeURL, DefaultXAuthorizeURL)
	cfg.XAPIURL = trim(cfg.XAPIURL, DefaultXAPIURL)
	cfg.MetaDialogURL = trim(cfg.MetaDialogURL, DefaultMetaDialogURL)
	cfg.MetaGraphURL = trim(cfg.MetaGraphURL, DefaultMetaGraphURL)
	cfg.ThreadsAuthorizeURL = trim(cfg.ThreadsAuthorizeURL, DefaultThreadsAuthorizeURL)
	cfg.ThreadsGraphURL = trim(cfg.ThreadsGraphURL, DefaultThreadsGraphURL)
	cfg.LinkedInAuthURL = trim(cfg.LinkedInAuthURL, DefaultLinkedInAuthURL)
	cfg.LinkedInAPIURL = trim(cfg.LinkedInAPIURL, DefaultLinkedInAPIURL)
	cfg.LINEAPIURL = trim(cfg.LINEAPIURL, DefaultLINEAPIURL)
	c := &Connector{cfg: cfg, hc: cfg.HTTPClient, now: cfg.Now}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.now == nil {
		c.now = time.Now
	}
	c.guarded = guardedClient(cfg.AllowPrivate)
	c.graph = &graphapi.Client{HTTP: c.hc, Now: func() time.Time { return c.now() }}
	return c
}

// guardedClient calls hosts people typed: every connection (redirects
// included) is checked by material's SSRF guard when it is dialed, and no
// proxy is used (the proxy would be the one checked).
func guardedClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !allowPrivate {
		d.Control = material.PublicOnly
	}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			MaxIdleConns:          4,
			IdleConnTimeout:       30 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 || (req.URL.Scheme != "https" && req.URL.Scheme != "http") {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}

// Configured reports whether the installation has set flow up.
func (c *Connector) Configured(flow string) bool {
	switch flow {
	case FlowX:
		return c.cfg.X.ClientID != "" // a public client has no secret
	case FlowMeta:
		return c.cfg.Meta.ClientID != "" && c.cfg.Meta.ClientSecret != ""
	case FlowThreads:
		return c.cfg.Threads.ClientID != "" && c.cfg.Threads.ClientSecret != ""
	case FlowLinkedIn:
		return c.cfg.LinkedIn.ClientID != "" && c.cfg.LinkedIn.ClientSecret != ""
	case FlowMastodon:
		return true
	}
	return false
}

// AllowPrivate reports whether hosts people type may be private.
func (c *Connector) AllowPrivate() bool { return c.cfg.AllowPrivate }

// Connection is an account a flow or a token connected, ready to store:
// what it is called on the network, its handle, its server (Mastodon,
// Bluesky), the network's ID of it and its credentials (to seal).
type Connection struct {
	Network     soroe.Network
	Name        string
	Handle      string
	Host        string
	RemoteID    string
	Credentials network.Credentials
}

// Errors of the connector that are not the network's.
var (
	// ErrNotConfigured: the installation has not set the flow's app up.
	ErrNotConfigured = errors.New("oauth: this network's app is not configured")
	// ErrCannotRefresh: the credentials hold nothing to refresh with
	// (LinkedIn without a refresh token): the account works until its
	// token expires, then needs reconnecting.
	ErrCannotRefresh = errors.New("oauth: the token cannot be refreshed")
)

// ---- helpers ----

// randomString is n random bytes, base64url without padding.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewState is an unguessable OAuth state.
func NewState() string { return randomString(32) }

// NewVerifier is a PKCE code verifier (43 characters, RFC 7636).
func NewVerifier() string { return randomString(32) }

// Challenge is the S256 PKCE code challenge of a verifier.
func Challenge(verifier string) string {
	s := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(s[:])
}

var secretParam = regexp.MustCompile(`(?i)\b(access_token|fb_exchange_token|client_secret|refresh_token|code|password|code_verifier)=[^&\s"']*`)

// Scrub removes token-like query parameters from a reason (transport
// errors quote the URL), so that it can be stored and shown.
func Scrub(s string) string {
	s = secretParam.ReplaceAllString(s, "$1=…")
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

// Reason is err for people and logs, scrubbed of tokens.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	return Scrub(err.Error())
}

// Revoked reports whether err means the grant or the credentials are no
// good any more: a person must reconnect. Temporary failures, rate limits
// and unknown outcomes are not.
func Revoked(err error) bool {
	return errors.Is(err, network.ErrAuth) || errors.Is(err, network.ErrRejected)
}

// call sends req with hc and decodes a 2xx JSON answer into out; other
// answers become a *network.Error classified by status and by the OAuth
// error code in the body (invalid_grant and other 4xx: ErrAuth).
func call(hc *http.Client, req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	resp, _, err := network.Send(hc, req)
	if err != nil {
		if errors.Is(err, material.ErrAddressNotPublic) {
			return &network.Error{Kind: network.ErrRejected, Reason: "address not allowed"}
		}
		return network.TransportError(err, false)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return network.TransportError(err, false)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: "unreadable answer"}
		}
		return nil
	}
	e := &network.Error{Status: resp.StatusCode, Reason: errorReason(raw)}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind = network.ErrRateLimited
		e.RetryAfter = time.Now().Add(15 * time.Minute)
	case resp.StatusCode >= 500:
		e.Kind = network.ErrTemporary
	default:
		e.Kind = network.ErrAuth
	}
	return e
}

// errorReason reads the error out of the bodies networks send: OAuth
// ({"error","error_description"}), X problems ({"title","detail"}),
// Mastodon ({"error"}), LINE ({"message"}), Bluesky ({"error","message"}).
func errorReason(raw []byte) string {
	var b struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
		Message     string          `json:"message"`
		Title       string          `json:"title"`
		Detail      string          `json:"detail"`
	}
	if json.Unmarshal(raw, &b) != nil {
		s := strings.TrimSpace(string(raw))
		if len(s) > 120 {
			s = s[:120]
		}
		return Scrub(strings.ToValidUTF8(s, ""))
	}
	var code string
	_ = json.Unmarshal(b.Error, &code)
	var parts []string
	for _, p := range []string{code, b.Description, b.Message, b.Title, b.Detail} {
		if p = strings.TrimSpace(p); p != "" && !containsString(parts, p) {
			parts = append(parts, p)
		}
	}
	return Scrub(strings.Join(parts, ": "))
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func newRequest(ctx context.Context, method, u string, form url.Values) (*http.Request, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, &network.Error{Kind: network.ErrRejected, Reason: "bad request URL"}
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, nil
}

func bearer(req *http.Request, token string) *http.Request {
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

// expiry turns expires_in seconds into an instant (zero when 0).
func (c *Connector) expiry(seconds int64) time.Time {
	if seconds <= 0 {
		return time.Time{}
	}
	return c.now().UTC().Add(time.Duration(seconds) * time.Second)
}

func sessionJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func errorf(kind error, format string, args ...any) *network.Error {
	return &network.Error{Kind: kind, Reason: fmt.Sprintf(format, args...)}
}
