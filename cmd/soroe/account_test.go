package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
)

// accountFake is a Mastodon instance, a Bluesky PDS and LINE's bot info.
func accountFake(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	js := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer m-token" {
			js(w, http.StatusUnauthorized, map[string]string{"error": "The access token is invalid"})
			return
		}
		js(w, http.StatusOK, map[string]string{"id": "14715", "username": "soroe", "display_name": "揃え"})
	})
	mux.HandleFunc("POST /xrpc/com.atproto.server.createSession", func(w http.ResponseWriter, r *http.Request) {
		var in map[string]string
		_ = json.NewDecoder(r.Body).Decode(&in)
		if in["password"] != "abcd-efgh-ijkl-mnop" {
			js(w, http.StatusUnauthorized, map[string]string{"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
			return
		}
		js(w, http.StatusOK, map[string]string{"accessJwt": "a", "refreshJwt": "r", "handle": in["identifier"], "did": "did:plc:abc"})
	})
	mux.HandleFunc("GET /v2/bot/info", func(w http.ResponseWriter, r *http.Request) {
		js(w, http.StatusOK, map[string]string{"userId": "U1", "basicId": "@216ru0sa", "displayName": "揃え LINE"})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

func TestAccountCommands(t *testing.T) {
	ts := accountFake(t)
	key := strings.Repeat("k", 32)
	t.Setenv("SOROE_SECRET_KEY", key)
	t.Setenv("SOROE_ALLOW_PRIVATE_URLS", "1")
	t.Setenv("SOROE_LINE_API_URL", ts.URL)
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		c.addUser("owner@example.jp", "オーナー")
		c.addUser("staff@example.jp", "現場")
		c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp")
		c.ok("member", "add", "--org", "A社", "--email", "staff@example.jp", "--role", "staff")

		out := c.ok("account", "add", "--network", "mastodon", "--instance", ts.URL, "--token", "m-token", "--name", "公式マストドン", "--as", "owner@example.jp")
		if !strings.Contains(out, "公式マストドン") || strings.Contains(out, "m-token") {
			t.Errorf("add printed %q", out)
		}
		c.ok("account", "add", "--network", "bluesky", "--handle", "soroe.bsky.social", "--instance", ts.URL, "--token", "abcd-efgh-ijkl-mnop", "--as", "owner@example.jp", "--org", "A社")
		c.ok("account", "add", "--network", "line", "--token", "line-token", "--as", "owner@example.jp")
		c.ok("account", "add", "--network", "manual", "--name", "Instagram（手動）", "--as", "owner@example.jp")

		wantErr(t, c.fails("account", "add", "--network", "mastodon", "--instance", ts.URL, "--token", "wrong", "--as", "owner@example.jp"), soroe.EInvalid, "token", "refused")
		wantErr(t, c.fails("account", "add", "--network", "bluesky", "--token", "x", "--as", "owner@example.jp"), soroe.EInvalid, "handle")
		wantErr(t, c.fails("account", "add", "--network", "x", "--token", "x", "--as", "owner@example.jp"), soroe.EInvalid, "network", "web UI")
		wantErr(t, c.fails("account", "add", "--network", "manual", "--name", "m", "--as", "staff@example.jp"), soroe.EForbidden, "as", "account.manage")

		var rows []accountJSON
		c.json(&rows, "account", "list", "--org", "A社")
		if len(rows) != 4 || rows[0].Name != "公式マストドン" || rows[1].Handle != "soroe.bsky.social" || rows[2].Handle != "@216ru0sa" || rows[3].Network != soroe.NetworkManual {
			t.Fatalf("list %+v", rows)
		}
		table := c.ok("account", "list")
		if !strings.Contains(table, "A社") || !strings.Contains(table, "@216ru0sa") || strings.Contains(table, "line-token") {
			t.Errorf("table:\n%s", table)
		}
		// Sealed with SOROE_SECRET_KEY, readable by the server.
		db := c.db()
		a, secret, err := db.AccountSecret(ctx, rows[2].ID)
		if err != nil || strings.Contains(secret, "line-token") {
			t.Fatalf("secret %q %v", secret, err)
		}
		box, _ := secretbox.New(key)
		if cr, err := publish.Opener(box)(a, secret); err != nil || cr.AccessToken != "line-token" {
			t.Fatalf("credentials %+v %v", cr, err)
		}

		out = c.ok("account", "remove", "4", "--as", "owner@example.jp")
		if !strings.Contains(out, "Disconnected") {
			t.Errorf("remove printed %q", out)
		}
		wantErr(t, c.fails("account", "remove", "4", "--as", "owner@example.jp"), soroe.ENotFound, "ID")

		t.Setenv("SOROE_SECRET_KEY", "")
		wantErr(t, c.fails("account", "add", "--network", "line", "--token", "line-token", "--as", "owner@example.jp"), soroe.EInvalid, "SOROE_SECRET_KEY")
		t.Setenv("SOROE_SECRET_KEY", key)

		// Any network without API access, by handle; no secret key needed.
		t.Setenv("SOROE_SECRET_KEY", "")
		var noAPI accountJSON
		c.json(&noAPI, "account", "add", "--network", "x", "--name", "X 公式", "--handle", "soroe_jp", "--no-api", "--as", "owner@example.jp", "--org", "A社", "--json")
		if !noAPI.NoAPI || noAPI.Network != soroe.NetworkX || noAPI.Handle != "soroe_jp" {
			t.Errorf("no-api account: %+v", noAPI)
		}
		wantErr(t, c.fails("account", "add", "--network", "instagram", "--no-api", "--as", "owner@example.jp"), soroe.EInvalid, "handle")
		wantErr(t, c.fails("account", "add", "--network", "manual", "--handle", "m", "--no-api", "--as", "owner@example.jp"), soroe.EInvalid, "network")
		wantErr(t, c.fails("account", "add", "--network", "x", "--handle", "m", "--no-api", "--as", "staff@example.jp"), soroe.EForbidden, "as")
		t.Setenv("SOROE_SECRET_KEY", key)
	})
}
