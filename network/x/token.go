package x

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe/network"
)

// RefreshToken trades the account's refresh token for a new access token:
// POST /2/oauth2/token (form: grant_type=refresh_token, refresh_token,
// client_id), with HTTP Basic client_id:client_secret for a confidential
// client (docs.x.com, OAuth 2.0 Authorization Code Flow with PKCE; not in
// platforms.md).
//
// It returns the account's credentials with the new access token and expiry.
// X rotates refresh tokens; when the answer carries none, the stored one is
// kept — a refresh never blanks it.
//
// Errors: a revoked or expired grant (400 invalid_grant, or X's 400
// invalid_request "Value passed for the token was invalid.") and any other
// 4xx are ErrAuth — a person must reconnect; 429 is ErrRateLimited; 5xx and
// transport failures are ErrTemporary (retry later, the grant is intact as
// far as we know). Note: if X rotated the token but its answer was lost, the
// old refresh token is spent and the retry ends in ErrAuth.
func (c *Client) RefreshToken(ctx context.Context, a *network.Account) (network.Credentials, error) {
	if a == nil || a.Credentials.RefreshToken == "" {
		return network.Credentials{}, &network.Error{Kind: network.ErrAuth, Reason: "no refresh token; reconnect the account"}
	}
	if c.id == "" {
		return network.Credentials{}, &network.Error{Kind: network.ErrAuth, Reason: "X client ID is not configured"}
	}
	form := url.Values{}
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", a.Credentials.RefreshToken)
	form.Set("client_id", c.id)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/2/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return network.Credentials{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c.secret != "" {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	}
	resp, data, err := c.do(req, false)
	if err != nil {
		return network.Credentials{}, err
	}
	if resp.StatusCode != http.StatusOK {
		var oe struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(data, &oe)
		reason := strings.TrimSpace(strings.TrimSuffix(oe.Error+": "+oe.Description, ": "))
		if oe.Error == "" {
			reason = parseError(data).reason()
		}
		if reason == "" {
			reason = snippet(data)
		}
		e := &network.Error{Status: resp.StatusCode, Reason: reason}
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			e.Kind = network.ErrRateLimited
			e.RetryAfter = c.retryAfter(resp.Header)
		case resp.StatusCode >= 500:
			e.Kind = network.ErrTemporary
		default:
			e.Kind = network.ErrAuth
		}
		return network.Credentials{}, e
	}
	var tok struct {
		TokenType    string `json:"token_type"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(data, &tok); err != nil || tok.AccessToken == "" {
		return network.Credentials{}, &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode,
			Reason: "token answer without an access token: " + snippet(data)}
	}
	out := a.Credentials
	out.AccessToken = tok.AccessToken
	if tok.RefreshToken != "" {
		out.RefreshToken = tok.RefreshToken
	}
	out.ExpiresAt = time.Time{}
	if tok.ExpiresIn > 0 {
		out.ExpiresAt = c.now().Add(time.Duration(tok.ExpiresIn) * time.Second)
	}
	return out, nil
}
