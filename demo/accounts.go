package demo

import (
	"context"
	"fmt"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
)

// The demo organization's connected accounts: X, Instagram and LINE (what
// a Japanese company posts to), Mastodon and Bluesky, all on the fake
// networks that `serve --demo` runs on loopback (StartFakes: demo posts
// really publish), and TikTok, which a person posts to by hand.
const (
	AccountX         = "揃え工務店 公式X（デモ）"
	AccountInstagram = "揃え工務店 Instagram（デモ）"
	AccountLINE      = "揃え工務店 LINE公式アカウント（デモ）"
	AccountMastodon  = "揃え工務店 Mastodon（デモ）"
	AccountBluesky   = "揃え工務店 Bluesky（デモ）"
	AccountManual    = "TikTok（手動）"
)

// The credentials the fakes of network/nettest accept (NewMastodon,
// NewBluesky, NewXFake, NewInstagram, NewLINEFake).
const (
	fakeMastodonToken  = "token-shop"
	fakeBlueskyHandle  = "shop.bsky.social"
	fakeBlueskyPass    = "abcd-efgh-ijkl-mnop"
	fakeXToken         = "x-access-1"
	fakeXRefresh       = "x-refresh-1"
	fakeInstagramToken = "instagram-token"
	fakeInstagramUser  = `{"user_id":"17841405822304914"}`
	fakeLINEToken      = "line-channel-token"
)

// SeedAccounts connects the demo accounts to orgID once, and at every call
// points the fake-network ones at fakes (each network's base URL, which
// changes at each start: Fakes.URLs) with fresh credentials sealed by box.
// A network missing from fakes gets no account.
func SeedAccounts(ctx context.Context, db *store.DB, box *secretbox.Box, orgID int64, fakes map[soroe.Network]string) error {
	have, err := db.Accounts(ctx, orgID)
	if err != nil {
		return err
	}
	byName := map[string]*soroe.Account{}
	for _, a := range have {
		byName[a.Name] = a
	}
	for _, d := range []struct {
		name    string
		network soroe.Network
		handle  string
		creds   network.Credentials
	}{
		{AccountX, soroe.NetworkX, "@soroe_koumuten", network.Credentials{AccessToken: fakeXToken, RefreshToken: fakeXRefresh}},
		{AccountInstagram, soroe.NetworkInstagram, "soroe_koumuten", network.Credentials{AccessToken: fakeInstagramToken, Session: fakeInstagramUser}},
		{AccountLINE, soroe.NetworkLINE, "@soroe-koumuten", network.Credentials{AccessToken: fakeLINEToken}},
		{AccountMastodon, soroe.NetworkMastodon, "@shop", network.Credentials{AccessToken: fakeMastodonToken}},
		{AccountBluesky, soroe.NetworkBluesky, fakeBlueskyHandle, network.Credentials{AppPassword: fakeBlueskyPass}},
		{AccountManual, soroe.NetworkManual, "@soroe_koumuten", network.Credentials{}},
	} {
		host, fake := fakes[d.network]
		if d.network != soroe.NetworkManual && !fake {
			continue
		}
		secret := ""
		if d.network != soroe.NetworkManual {
			if secret, err = publish.SealCredentials(box, orgID, d.creds); err != nil {
				return fmt.Errorf("demo: %s: %w", d.name, err)
			}
		}
		a := byName[d.name]
		if a == nil {
			a = &soroe.Account{OrgID: orgID, Network: d.network, Name: d.name, Handle: d.handle, Host: host}
			if err := db.CreateAccount(ctx, a, secret); err != nil {
				return fmt.Errorf("demo: %s: %w", d.name, err)
			}
			if err := recordCheck(ctx, db, a); err != nil {
				return err
			}
			continue
		}
		if d.network == soroe.NetworkManual || a.Network != d.network {
			continue // kept as it is (a member may have changed it)
		}
		a.Host, a.Status = host, soroe.AccountOK
		if err := db.UpdateAccount(ctx, a); err != nil {
			return fmt.Errorf("demo: %s: %w", d.name, err)
		}
		if err := db.SetAccountSecret(ctx, orgID, a.ID, secret); err != nil {
			return fmt.Errorf("demo: %s: %w", d.name, err)
		}
		if err := recordCheck(ctx, db, a); err != nil {
			return err
		}
	}
	return nil
}

// recordCheck notes that a fake-network account was checked now and found
// well: its fake has just started with the credentials it accepts. A
// manual account is never checked (there is nothing to ask).
func recordCheck(ctx context.Context, db *store.DB, a *soroe.Account) error {
	if a.Network == soroe.NetworkManual {
		return nil
	}
	if err := db.RecordAccountCheck(ctx, a.ID, ""); err != nil {
		return fmt.Errorf("demo: %s: %w", a.Name, err)
	}
	return nil
}
