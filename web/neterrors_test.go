package web

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/network"
)

// latinWord is a run of ASCII letters; the Japanese messages may hold
// only the network's name and the variable names the reader must type.
var latinWord = regexp.MustCompile(`[A-Za-z][A-Za-z_]+`)

// TestNetErrorCatalog: every reason code has a message and what to do in
// every language, and the Japanese ones are Japanese.
func TestNetErrorCatalog(t *testing.T) {
	cat := i18n.Default()
	allowed := map[string]bool{"Bluesky": true, "SNS": true, "SOROE_BASE_URL": true, "SOROE_SECRET_KEY": true,
		"https": true, "URL": true, "JPEG": true, "PNG": true, "MP4": true}
	for _, code := range network.ReasonCodes {
		for _, l := range i18n.Langs {
			for _, part := range []string{"message", "action"} {
				if k := "neterrors." + code + "." + part; !cat.Has(l, k) {
					t.Errorf("%s: no %s", l, k)
				}
			}
		}
		e := explainNetError(cat, soroe.LangJA, soroe.NetworkBluesky, "reason for "+code)
		for _, w := range latinWord.FindAllString(e.Message+e.Action, -1) {
			if !allowed[w] {
				t.Errorf("%s: English %q in the Japanese text %q %q", code, w, e.Message, e.Action)
			}
		}
	}
	if e := explainNetError(cat, soroe.LangJA, soroe.NetworkX, ""); e != nil {
		t.Errorf("no reason explained as %+v", e)
	}
}

func TestExplainNetError(t *testing.T) {
	cat := i18n.Default()
	raw := "rejected: Bluesky refused the post (InvalidRequest: Record/embed/images/0/image must not be larger than 1000000 bytes)"
	e := explainNetError(cat, soroe.LangJA, soroe.NetworkBluesky, raw)
	if e.Code != network.ReasonImageTooLarge || !strings.HasPrefix(e.Message, "Bluesky: 画像が") ||
		!strings.Contains(e.Action, "縮小") || e.Raw != raw {
		t.Errorf("ja: %+v", e)
	}
	e = explainNetError(cat, soroe.LangEN, soroe.NetworkX, "authorization failed (HTTP 401): Unauthorized")
	if e.Code != network.ReasonReconnect || !strings.HasPrefix(e.Message, "X: ") || !strings.Contains(e.Action, "reconnect") {
		t.Errorf("en: %+v", e)
	}
}

// TestPostPageNetError: a failed target shows the reason in the reader's
// language, what to do, and the network's own words beneath.
func TestPostPageNetError(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		owner := f.Users[soroe.RoleOwner]
		acct := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkBluesky, Name: "Alpha Bluesky"}
		if err := e.db.CreateAccount(ctx, acct, "sealed"); err != nil {
			t.Fatal(err)
		}
		at := e.clock.Now().Add(-time.Hour)
		p := &soroe.Post{OrgID: f.A.ID, AuthorID: owner.ID, State: soroe.PostScheduled, Text: "画像つきの投稿", ScheduledAt: &at}
		if err := e.db.CreatePost(ctx, p, []*soroe.Target{{AccountID: acct.ID, Text: p.Text}}); err != nil {
			t.Fatal(err)
		}
		ts, err := e.db.Targets(ctx, f.A.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := e.db.ClaimTarget(ctx, ts[0].ID, time.Minute); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		raw := "rejected (HTTP 400): InvalidRequest: Record/embed/images/0/image must not be larger than 1000000 bytes"
		if err := e.db.MarkFailed(ctx, ts[0].ID, raw); err != nil {
			t.Fatal(err)
		}
		c := e.loggedIn(t, owner)
		r := c.get(t, fmt.Sprintf("/posts/%d", p.ID))
		want(t, r, 200)
		body := r.Body
		for _, want := range []string{`data-reason="image_too_large"`, "Bluesky: 画像がこの SNS の上限サイズを超えています。",
			"縮小するか圧縮して", "ネットワークからの原文", "must not be larger than 1000000 bytes"} {
			if !strings.Contains(body, want) {
				t.Errorf("post page lacks %q", want)
			}
		}
		// The English text appears only inside the support details.
		if i, j := strings.Index(body, "must not be larger"), strings.Index(body, "<details class=\"post-error-raw\">"); j < 0 || i < j {
			t.Errorf("the network's words are not beneath the explanation (at %d, details at %d)", i, j)
		}
	})
}

// TestAccountsPageJapanese: the page names the variables an installation
// sets with Japanese descriptions (no English next to them), and a manual
// account says it is not checked instead of 「未確認」.
func TestAccountsPageJapanese(t *testing.T) {
	uiTest(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := e.fixture(t)
		manual := &soroe.Account{OrgID: f.A.ID, Network: soroe.NetworkManual, Name: "手で出す先"}
		if err := e.db.CreateAccount(ctx, manual, ""); err != nil {
			t.Fatal(err)
		}
		r := e.loggedIn(t, f.Users[soroe.RoleManager]).get(t, "/accounts")
		want(t, r, 200)
		for _, s := range []string{"SOROE_X_CLIENT_ID</code> <span class=\"muted\">X のアプリの OAuth 2.0 クライアント ID",
			"確認なし（手で投稿する先のため）"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("the page lacks %q", s)
			}
		}
		for _, s := range []string{"Client Secret", "App Secret", "Threads App ID", "confidential client"} {
			if strings.Contains(r.Body, s) {
				t.Errorf("English %q on the Japanese page", s)
			}
		}
	})
}
