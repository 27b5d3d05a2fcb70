package jobs_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/mail"
	"github.com/soroe/soroe/mail/mailtest"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/oauth"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// healthFake is X's token endpoint and LINE's bot info: refresh tokens
// "good" work (X sends no new refresh token), "revoked" is invalid_grant,
// "down" is a 503; LINE tokens "line-ok" work, others are refused.
func healthFake(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var refreshes atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch r.PostForm.Get("refresh_token") {
		case "good":
			refreshes.Add(1)
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "x-new", "expires_in": 7200, "token_type": "bearer"})
		case "down":
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"title":"Service Unavailable","status":503}`))
		default:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"Value passed for the token was invalid."}`))
		}
	})
	mux.HandleFunc("GET /v2/bot/info", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer line-ok" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"Authentication failed."}`))
			return
		}
		_, _ = w.Write([]byte(`{"userId":"U1","basicId":"@soroe","displayName":"揃え"}`))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, &refreshes
}

type healthEnv struct {
	db                    *store.DB
	box                   *secretbox.Box
	org                   *soroe.Org
	owner, manager, staff *soroe.User
	smtp                  *mailtest.Server
	cfg                   *jobs.AccountsConfig
}

func newHealthEnv(t *testing.T, db *store.DB, clock *storetest.Clock) *healthEnv {
	ctx := context.Background()
	ts, _ := healthFake(t)
	box, err := secretbox.New(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	e := &healthEnv{db: db, box: box, org: &soroe.Org{Name: "揃え商事"}}
	e.owner = &soroe.User{Email: "owner@example.jp", Name: "Owner", PasswordHash: "x", Lang: "ja"}
	if err := db.CreateUserWithOrg(ctx, e.owner, e.org); err != nil {
		t.Fatal(err)
	}
	e.manager = &soroe.User{Email: "manager@example.jp", Name: "Manager", PasswordHash: "x", Lang: "en"}
	e.staff = &soroe.User{Email: "staff@example.jp", Name: "Staff", PasswordHash: "x", Lang: "ja"}
	for u, r := range map[*soroe.User]soroe.Role{e.manager: soroe.RoleManager, e.staff: soroe.RoleStaff} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.InsertMember(ctx, e.org.ID, u.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	e.smtp = mailtest.New(t)
	sender, err := mail.New(e.smtp.URL("", ""), "Soroe <soroe@example.jp>")
	if err != nil {
		t.Fatal(err)
	}
	conn := oauth.New(oauth.Config{X: oauth.App{ClientID: "x-client"}, XAPIURL: ts.URL, LINEAPIURL: ts.URL,
		HTTPClient: &http.Client{Timeout: 2 * time.Second}, Now: clock.Now})
	e.cfg = &jobs.AccountsConfig{Connector: conn, Box: box, Mail: sender, BaseURL: "https://soroe.example.jp", Now: clock.Now}
	return e
}

func (e *healthEnv) account(t *testing.T, n soroe.Network, name string, c network.Credentials) *soroe.Account {
	a := &soroe.Account{OrgID: e.org.ID, Network: n, Name: name}
	sealed, err := publish.SealCredentials(e.box, e.org.ID, c)
	if err != nil {
		t.Fatal(err)
	}
	var h store.AccountHealth
	if !c.ExpiresAt.IsZero() {
		h.TokenExpiresAt = &c.ExpiresAt
	}
	if err := e.db.ConnectAccount(context.Background(), a, sealed, h); err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *healthEnv) info(t *testing.T, a *soroe.Account) *store.AccountInfo {
	i, err := e.db.AccountInfoOf(context.Background(), e.org.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func unread(t *testing.T, db *store.DB, org, user int64) []*soroe.Notification {
	ns, _, err := db.Notifications(context.Background(), org, user, 50)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func TestAccountHealth(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		e := newHealthEnv(t, db, clock)
		now := clock.Now()
		soon := now.Add(20 * time.Minute)
		good := e.account(t, soroe.NetworkX, "公式X", network.Credentials{AccessToken: "x-old", RefreshToken: "good", ExpiresAt: soon})
		later := e.account(t, soroe.NetworkX, "later", network.Credentials{AccessToken: "x-later", RefreshToken: "good", ExpiresAt: now.Add(90 * time.Minute)})
		revoked := e.account(t, soroe.NetworkX, "revoked", network.Credentials{AccessToken: "x", RefreshToken: "revoked", ExpiresAt: soon})
		down := e.account(t, soroe.NetworkX, "down", network.Credentials{AccessToken: "x", RefreshToken: "down", ExpiresAt: soon})
		// Connected a day before the run: due for a check.
		lineOK := e.account(t, soroe.NetworkLINE, "LINE ok", network.Credentials{AccessToken: "line-ok"})
		lineBad := e.account(t, soroe.NetworkLINE, "LINE bad", network.Credentials{AccessToken: "line-revoked"})
		published := e.account(t, soroe.NetworkManual, "手動", network.Credentials{})
		// The publisher found this one revoked.
		if _, err := db.SetAccountStatus(ctx, published.ID, soroe.AccountNeedsReconnect); err != nil {
			t.Fatal(err)
		}
		// A day later, with the X tokens again 20 minutes (and 90) from
		// expiry.
		clock.Add(25 * time.Hour)
		for _, a := range []*soroe.Account{good, later, revoked, down} {
			exp := clock.Now().Add(20 * time.Minute)
			if a == later {
				exp = clock.Now().Add(90 * time.Minute)
			}
			c, _ := publish.Opener(e.box)(a, secretOf(t, db, a))
			c.ExpiresAt = exp
			sealed, _ := publish.SealCredentials(e.box, e.org.ID, c)
			if _, err := db.RefreshAccountSecret(ctx, a.ID, secretOf(t, db, a), sealed, &exp); err != nil {
				t.Fatal(err)
			}
		}

		h := &jobs.AccountHealth{DB: db, Log: slog.New(slog.DiscardHandler), Config: e.cfg}
		if err := h.Run(ctx); err != nil {
			t.Fatal(err)
		}

		// Refreshed; the refresh token X did not send again is kept.
		gi := e.info(t, good)
		c, err := publish.Opener(e.box)(good, secretOf(t, db, good))
		if err != nil || c.AccessToken != "x-new" || c.RefreshToken != "good" || gi.Status != soroe.AccountOK ||
			gi.TokenExpiresAt == nil || !gi.TokenExpiresAt.Equal(clock.Now().Add(2*time.Hour).Truncate(time.Microsecond)) {
			t.Fatalf("refreshed: %+v %v %+v", c, err, gi.AccountHealth)
		}
		if c, _ := publish.Opener(e.box)(later, secretOf(t, db, later)); c.AccessToken != "x-later" {
			t.Errorf("refreshed too early: %+v", c)
		}
		// Revoked grant: needs reconnecting, with the reason.
		if ri := e.info(t, revoked); ri.Status != soroe.AccountNeedsReconnect || !strings.Contains(ri.LastError, "invalid_grant") {
			t.Errorf("revoked: %+v %+v", ri.Account, ri.AccountHealth)
		}
		// An outage: still ok, error noted, credentials untouched.
		if di := e.info(t, down); di.Status != soroe.AccountOK || !strings.Contains(di.LastError, "503") {
			t.Errorf("down: %+v %+v", di.Account, di.AccountHealth)
		}
		if c, _ := publish.Opener(e.box)(down, secretOf(t, db, down)); c.RefreshToken != "down" || c.AccessToken != "x" {
			t.Errorf("down credentials changed: %+v", c)
		}
		// Verified: LINE ok checked; the refused one needs reconnecting.
		if li := e.info(t, lineOK); li.Status != soroe.AccountOK || li.CheckedAt == nil || li.CheckedAt.Before(now.Add(25*time.Hour)) || li.LastError != "" {
			t.Errorf("line ok: %+v", li.AccountHealth)
		}
		if li := e.info(t, lineBad); li.Status != soroe.AccountNeedsReconnect {
			t.Errorf("line bad: %+v", li.Account)
		}

		// Owners and managers warned once per account: revoked, lineBad
		// and the one the publisher flagged.
		for _, u := range []*soroe.User{e.owner, e.manager} {
			ns := unread(t, db, e.org.ID, u.ID)
			if len(ns) != 3 {
				t.Fatalf("%s: %d notifications", u.Email, len(ns))
			}
			for _, n := range ns {
				if n.Kind != soroe.NotifyReconnect || n.AccountID == nil || n.Params["Account"] == "" {
					t.Errorf("notification %+v", n)
				}
			}
		}
		if ns := unread(t, db, e.org.ID, e.staff.ID); len(ns) != 0 {
			t.Errorf("staff notified: %d", len(ns))
		}
		msgs := e.smtp.Messages()
		if len(msgs) != 6 { // 3 accounts × (ja for the owner, en for the manager)
			t.Fatalf("%d emails", len(msgs))
		}
		var ja, en int
		for _, m := range msgs {
			switch strings.Join(m.To, ",") {
			case "owner@example.jp":
				ja++
				if !strings.Contains(m.Subject, "再接続") || !strings.Contains(m.Body, "https://soroe.example.jp/accounts") {
					t.Errorf("ja email %q %q", m.Subject, m.Body)
				}
			case "manager@example.jp":
				en++
				if !strings.Contains(m.Subject, "needs reconnecting") {
					t.Errorf("en email %q", m.Subject)
				}
			default:
				t.Errorf("email to %v", m.To)
			}
		}
		if ja != 3 || en != 3 {
			t.Errorf("ja %d en %d", ja, en)
		}

		// A second run warns no one again.
		if err := h.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(unread(t, db, e.org.ID, e.owner.ID)); n != 3 {
			t.Errorf("after a second run: %d notifications", n)
		}
		if n := len(e.smtp.Messages()); n != 6 {
			t.Errorf("after a second run: %d emails", n)
		}
	})
}

func secretOf(t *testing.T, db *store.DB, a *soroe.Account) string {
	_, s, err := db.AccountSecret(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAccountHealthThroughRiver: the job is scheduled by River and runs on
// start.
func TestAccountHealthThroughRiver(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := t.Context()
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		e := newHealthEnv(t, db, clock)
		a := e.account(t, soroe.NetworkLINE, "LINE bad", network.Credentials{AccessToken: "line-revoked"})
		clock.Add(25 * time.Hour) // due for its daily check
		r, err := jobs.New(db, jobs.Config{Logger: slog.New(slog.DiscardHandler), FetchPollInterval: 50 * time.Millisecond,
			TestOnly: true, Accounts: e.cfg})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = r.Stop(sctx)
		})
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if i := e.info(t, a); i.WarnedAt != nil {
				if i.Status != soroe.AccountNeedsReconnect {
					t.Fatalf("status %s", i.Status)
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("the health job did not run")
	})
}
