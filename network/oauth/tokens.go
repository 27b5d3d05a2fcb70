package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/bluesky"
)

// Message keys of the errors about what people typed (catalog "error.<key>").
const (
	ErrHostInvalid   = "account_host_invalid"   // not a server address
	ErrHostForbidden = "account_host_forbidden" // loopback or private
)

// ServerURL checks a server address people typed for field (a Mastodon
// instance, a Bluesky PDS): https (assumed when no scheme is given; http
// only with AllowPrivate), a host, nothing after it but "/", no
// credentials. It returns scheme://host[:port]. A literal non-public IP
// address and localhost are refused here; names are checked again when
// the connection is made.
func (c *Connector) ServerURL(raw, field string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", soroe.Invalid(field, "required")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" ||
		(u.Path != "" && u.Path != "/") || len(raw) > 2048 ||
		!(u.Scheme == "https" || (u.Scheme == "http" && c.cfg.AllowPrivate)) {
		return "", soroe.Invalid(field, ErrHostInvalid)
	}
	host := strings.ToLower(u.Hostname())
	if !c.cfg.AllowPrivate {
		if host == "localhost" || strings.HasSuffix(host, ".localhost") {
			return "", soroe.Invalid(field, ErrHostForbidden)
		}
		if ip, err := netip.ParseAddr(host); err == nil && !material.PublicAddr(ip) {
			return "", soroe.Invalid(field, ErrHostForbidden)
		}
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), nil
}

// ConnectMastodon verifies an access token on an instance
// (GET /api/v1/accounts/verify_credentials) and returns the account.
func (c *Connector) ConnectMastodon(ctx context.Context, instance, token string) (Connection, error) {
	host, err := c.ServerURL(instance, "instance")
	if err != nil {
		return Connection{}, err
	}
	if strings.TrimSpace(token) == "" {
		return Connection{}, soroe.Invalid("token", "required")
	}
	return c.mastodonMe(ctx, host, strings.TrimSpace(token))
}

func (c *Connector) mastodonMe(ctx context.Context, host, token string) (Connection, error) {
	req, err := newRequest(ctx, http.MethodGet, host+"/api/v1/accounts/verify_credentials", nil)
	if err != nil {
		return Connection{}, err
	}
	var me struct {
		ID          string `json:"id"`
		Username    string `json:"username"`
		DisplayName string `json:"display_name"`
	}
	if err := call(c.guarded, bearer(req, token), &me); err != nil {
		return Connection{}, err
	}
	if me.ID == "" {
		return Connection{}, errorf(network.ErrTemporary, "no account in the answer")
	}
	u, _ := url.Parse(host)
	name := me.DisplayName
	if name == "" {
		name = me.Username
	}
	return Connection{Network: soroe.NetworkMastodon, Name: name, Handle: "@" + me.Username + "@" + u.Hostname(),
		Host: host, RemoteID: me.ID, Credentials: network.Credentials{AccessToken: token}}, nil
}

// ConnectBluesky logs in with the handle and an app password
// (com.atproto.server.createSession) on the PDS (DefaultBlueskyPDS when
// empty) and returns the account, its session cached for the adapter.
func (c *Connector) ConnectBluesky(ctx context.Context, pds, handle, appPassword string) (Connection, error) {
	host := DefaultBlueskyPDS
	if strings.TrimSpace(pds) != "" {
		var err error
		if host, err = c.ServerURL(pds, "instance"); err != nil {
			return Connection{}, err
		}
	}
	handle = strings.TrimPrefix(strings.TrimSpace(handle), "@")
	switch {
	case handle == "":
		return Connection{}, soroe.Invalid("handle", "required")
	case strings.TrimSpace(appPassword) == "":
		return Connection{}, soroe.Invalid("token", "required")
	}
	s, err := c.blueskySession(ctx, host, handle, strings.TrimSpace(appPassword))
	if err != nil {
		return Connection{}, err
	}
	conn := Connection{Network: soroe.NetworkBluesky, Name: s.Handle, Handle: s.Handle, RemoteID: s.DID,
		Credentials: network.Credentials{AppPassword: strings.TrimSpace(appPassword), Session: sessionJSON(s)}}
	if host != DefaultBlueskyPDS {
		conn.Host = host
	}
	return conn, nil
}

func (c *Connector) blueskySession(ctx context.Context, host, handle, password string) (*bluesky.Session, error) {
	body, _ := json.Marshal(map[string]string{"identifier": handle, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, host+"/xrpc/com.atproto.server.createSession", bytes.NewReader(body))
	if err != nil {
		return nil, errorf(network.ErrRejected, "bad request URL")
	}
	req.Header.Set("Content-Type", "application/json")
	var s bluesky.Session
	if err := call(c.guarded, req, &s); err != nil {
		return nil, err
	}
	if s.AccessJwt == "" || s.DID == "" {
		return nil, errorf(network.ErrTemporary, "no session in the answer")
	}
	return &s, nil
}

// ConnectLINE verifies a LINE official account's channel access token
// (GET /v2/bot/info) and returns the account: its display name, and its
// basic ID (@123abcde) as the handle.
func (c *Connector) ConnectLINE(ctx context.Context, token string) (Connection, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return Connection{}, soroe.Invalid("token", "required")
	}
	return c.lineInfo(ctx, token)
}

func (c *Connector) lineInfo(ctx context.Context, token string) (Connection, error) {
	req, err := newRequest(ctx, http.MethodGet, c.cfg.LINEAPIURL+"/v2/bot/info", nil)
	if err != nil {
		return Connection{}, err
	}
	var info struct {
		UserID      string `json:"userId"`
		BasicID     string `json:"basicId"`
		PremiumID   string `json:"premiumId"`
		DisplayName string `json:"displayName"`
	}
	if err := call(c.hc, bearer(req, token), &info); err != nil {
		return Connection{}, err
	}
	if info.UserID == "" {
		return Connection{}, errorf(network.ErrTemporary, "no bot in the answer")
	}
	handle := info.BasicID
	if info.PremiumID != "" {
		handle = info.PremiumID
	}
	return Connection{Network: soroe.NetworkLINE, Name: info.DisplayName, Handle: handle, RemoteID: info.UserID,
		Credentials: network.Credentials{AccessToken: token}}, nil
}
