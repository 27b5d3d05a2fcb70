package oauth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// RefreshWindow is how long before its token expires an account's token is
// refreshed: X's access tokens live two hours, the others about 60 days
// (Threads refuses to refresh a token less than a day old).
func RefreshWindow(n soroe.Network) time.Duration {
	if n == soroe.NetworkX {
		return 30 * time.Minute
	}
	return 7 * 24 * time.Hour
}

// Refresh renews an account's credentials before its token expires:
// X with its refresh token (which X rotates), Facebook and Instagram by
// trading the long-lived user token (kept as RefreshToken) for a new one
// and taking the Page token anew, Threads with th_refresh_token, LinkedIn
// with its refresh token. The answer is the whole new credentials; a
// refresh token the network did not send again is kept — never blanked.
// Errors: ErrCannotRefresh when there is nothing to refresh with; a
// *network.Error otherwise (see Revoked).
func (c *Connector) Refresh(ctx context.Context, a *soroe.Account, creds network.Credentials) (network.Credentials, error) {
	out := creds
	switch a.Network {
	case soroe.NetworkX:
		if creds.RefreshToken == "" {
			return creds, ErrCannotRefresh
		}
		if !c.Configured(FlowX) {
			return creds, ErrNotConfigured
		}
		return c.xClient().RefreshToken(ctx, &network.Account{ID: a.ID, Network: a.Network, Credentials: creds})
	case soroe.NetworkFacebook, soroe.NetworkInstagram:
		if creds.RefreshToken == "" {
			return creds, ErrCannotRefresh
		}
		if !c.Configured(FlowMeta) {
			return creds, ErrNotConfigured
		}
		user, expires, err := c.metaLongLived(ctx, creds.RefreshToken)
		if err != nil {
			return creds, err
		}
		var s metaSession
		_ = json.Unmarshal([]byte(creds.Session), &s)
		if s.PageID != "" {
			var page struct {
				AccessToken string `json:"access_token"`
			}
			if err := c.graphGet(ctx, c.cfg.MetaGraphURL+"/"+url.PathEscape(s.PageID),
				url.Values{"fields": {"access_token"}, "access_token": {user}}, &page); err != nil {
				return creds, err
			}
			if page.AccessToken != "" {
				out.AccessToken = page.AccessToken
			}
		}
		out.RefreshToken, out.ExpiresAt = user, expires
		return out, nil
	case soroe.NetworkThreads:
		if creds.AccessToken == "" {
			return creds, ErrCannotRefresh
		}
		var tok tokenAnswer
		if err := c.graphGet(ctx, c.cfg.ThreadsGraphURL+"/refresh_access_token",
			url.Values{"grant_type": {"th_refresh_token"}, "access_token": {creds.AccessToken}}, &tok); err != nil {
			return creds, err
		}
		if err := tok.check(); err != nil {
			return creds, err
		}
		out.AccessToken, out.ExpiresAt = tok.AccessToken, c.expiry(tok.ExpiresIn)
		return out, nil
	case soroe.NetworkLinkedIn:
		if creds.RefreshToken == "" {
			return creds, ErrCannotRefresh
		}
		if !c.Configured(FlowLinkedIn) {
			return creds, ErrNotConfigured
		}
		req, err := newRequest(ctx, http.MethodPost, c.cfg.LinkedInAuthURL+"/accessToken", url.Values{
			"grant_type": {"refresh_token"}, "refresh_token": {creds.RefreshToken},
			"client_id": {c.cfg.LinkedIn.ClientID}, "client_secret": {c.cfg.LinkedIn.ClientSecret}})
		if err != nil {
			return creds, err
		}
		var tok tokenAnswer
		if err := call(c.hc, req, &tok); err != nil {
			return creds, err
		}
		if err := tok.check(); err != nil {
			return creds, err
		}
		out.AccessToken, out.ExpiresAt = tok.AccessToken, c.expiry(tok.ExpiresIn)
		if tok.RefreshToken != "" {
			out.RefreshToken = tok.RefreshToken
		}
		return out, nil
	}
	return creds, ErrCannotRefresh
}

// Verify checks that an account's credentials still work with a call that
// reads the account (and posts nothing): X /2/users/me, Graph /me,
// Threads /me, LinkedIn userinfo, Mastodon verify_credentials, Bluesky
// createSession, LINE bot info. Manual accounts have nothing to check.
func (c *Connector) Verify(ctx context.Context, a *soroe.Account, creds network.Credentials) error {
	var err error
	switch a.Network {
	case soroe.NetworkX:
		_, err = c.xMe(ctx, creds)
	case soroe.NetworkFacebook, soroe.NetworkInstagram:
		var me struct {
			ID string `json:"id"`
		}
		err = c.graphGet(ctx, c.cfg.MetaGraphURL+"/me", url.Values{"fields": {"id"}, "access_token": {creds.AccessToken}}, &me)
	case soroe.NetworkThreads:
		_, err = c.threadsMe(ctx, creds.AccessToken)
	case soroe.NetworkLinkedIn:
		_, err = c.linkedInMe(ctx, creds.AccessToken)
	case soroe.NetworkMastodon:
		var host string
		if host, err = c.ServerURL(a.Host, "instance"); err == nil {
			_, err = c.mastodonMe(ctx, host, creds.AccessToken)
		}
	case soroe.NetworkBluesky:
		host := DefaultBlueskyPDS
		if a.Host != "" {
			host, err = c.ServerURL(a.Host, "instance")
		}
		if err == nil {
			_, err = c.blueskySession(ctx, host, a.Handle, creds.AppPassword)
		}
	case soroe.NetworkLINE:
		_, err = c.lineInfo(ctx, creds.AccessToken)
	}
	if e, ok := err.(*soroe.Error); ok { // a stored host the guard refuses now
		return &network.Error{Kind: network.ErrRejected, Reason: e.Message}
	}
	return err
}
