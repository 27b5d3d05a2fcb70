package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestAccountHealth(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		org := &soroe.Org{Name: "揃え商事"}
		if err := db.CreateUserWithOrg(ctx, &soroe.User{Email: "h@example.jp", Name: "H", PasswordHash: "x"}, org); err != nil {
			t.Fatal(err)
		}
		exp := clock.Now().Add(2 * time.Hour)
		x := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: "公式X", Handle: "soroe"}
		if err := db.ConnectAccount(ctx, x, "sealed-1", store.AccountHealth{RemoteID: "42", TokenExpiresAt: &exp}); err != nil {
			t.Fatal(err)
		}
		line := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkLINE, Name: "LINE"}
		if err := db.ConnectAccount(ctx, line, "sealed-line", store.AccountHealth{}); err != nil {
			t.Fatal(err)
		}
		manual := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkManual, Name: "手動"}
		if err := db.ConnectAccount(ctx, manual, "", store.AccountHealth{}); err != nil {
			t.Fatal(err)
		}
		info, err := db.AccountInfoOf(ctx, org.ID, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if info.RemoteID != "42" || info.TokenExpiresAt == nil || !info.TokenExpiresAt.Equal(exp.Truncate(time.Microsecond)) ||
			info.CheckedAt == nil || info.Status != soroe.AccountOK {
			t.Fatalf("info = %+v %+v", info.Account, info.AccountHealth)
		}

		// Refresh: due an hour before expiry, not before.
		if ids, err := db.AccountsToRefresh(ctx, clock.Now().Add(time.Hour), 10); err != nil || len(ids) != 0 {
			t.Fatalf("to refresh early: %v %v", ids, err)
		}
		ids, err := db.AccountsToRefresh(ctx, clock.Now().Add(3*time.Hour), 10)
		if err != nil || !slices.Equal(ids, []int64{x.ID}) {
			t.Fatalf("to refresh: %v %v", ids, err)
		}
		// A refresh with stale credentials (someone reconnected) is not saved.
		newExp := clock.Now().Add(4 * time.Hour)
		if ok, err := db.RefreshAccountSecret(ctx, x.ID, "stale", "sealed-2", &newExp); err != nil || ok {
			t.Fatalf("stale refresh saved: %v %v", ok, err)
		}
		if _, err := db.RefreshAccountSecret(ctx, x.ID, "sealed-1", "", &newExp); soroe.ErrorField(err) != "secret" {
			t.Fatalf("blank secret: %v", err)
		}
		if ok, err := db.RefreshAccountSecret(ctx, x.ID, "sealed-1", "sealed-2", &newExp); err != nil || !ok {
			t.Fatalf("refresh: %v %v", ok, err)
		}
		if _, s, err := db.AccountSecret(ctx, x.ID); err != nil || s != "sealed-2" {
			t.Fatalf("secret %q %v", s, err)
		}

		// Checks: the never-checked and long-unchecked, manual aside.
		clock.Add(25 * time.Hour)
		ids, err = db.AccountsToCheck(ctx, clock.Now().Add(-24*time.Hour), 10)
		if err != nil || !slices.Equal(ids, []int64{x.ID, line.ID}) {
			t.Fatalf("to check: %v %v (x %d line %d)", ids, err, x.ID, line.ID)
		}
		if err := db.RecordAccountCheck(ctx, line.ID, "temporary failure (HTTP 503)"); err != nil {
			t.Fatal(err)
		}
		if ids, _ = db.AccountsToCheck(ctx, clock.Now().Add(-24*time.Hour), 10); !slices.Equal(ids, []int64{x.ID}) {
			t.Fatalf("to check after one check: %v", ids)
		}

		// Warnings: once per needs_reconnect, whoever set it.
		if changed, err := db.SetAccountStatus(ctx, line.ID, soroe.AccountNeedsReconnect); err != nil || !changed {
			t.Fatal(changed, err)
		}
		warn, err := db.AccountsToWarn(ctx, 10)
		if err != nil || len(warn) != 1 || warn[0].ID != line.ID {
			t.Fatalf("to warn: %v %v", warn, err)
		}
		if ok, err := db.MarkAccountWarned(ctx, line.ID); err != nil || !ok {
			t.Fatal(ok, err)
		}
		if ok, _ := db.MarkAccountWarned(ctx, line.ID); ok {
			t.Error("warned twice")
		}
		if warn, _ = db.AccountsToWarn(ctx, 10); len(warn) != 0 {
			t.Errorf("still to warn: %v", warn)
		}
		// Reconnected, then revoked again: warned again.
		if err := db.ReconnectAccount(ctx, org.ID, line.ID, "", "", store.AccountHealth{}); soroe.ErrorField(err) != "secret" {
			t.Fatalf("blank reconnect: %v", err)
		}
		if err := db.ReconnectAccount(ctx, org.ID, line.ID, "sealed-line-2", "@line", store.AccountHealth{RemoteID: "U1"}); err != nil {
			t.Fatal(err)
		}
		info, _ = db.AccountInfoOf(ctx, org.ID, line.ID)
		if info.Status != soroe.AccountOK || info.LastError != "" || info.WarnedAt != nil || info.Handle != "@line" || info.RemoteID != "U1" {
			t.Fatalf("after reconnect: %+v %+v", info.Account, info.AccountHealth)
		}
		if _, err := db.SetAccountStatus(ctx, line.ID, soroe.AccountNeedsReconnect); err != nil {
			t.Fatal(err)
		}
		if warn, _ = db.AccountsToWarn(ctx, 10); len(warn) != 1 {
			t.Errorf("not warned again: %v", warn)
		}
		// Another organization sees none of them.
		infos, err := db.AccountInfos(ctx, org.ID+1000)
		if err != nil || len(infos) != 0 {
			t.Fatalf("other org: %v %v", infos, err)
		}
		if infos, _ = db.AccountInfos(ctx, org.ID); len(infos) != 3 {
			t.Fatalf("infos: %d", len(infos))
		}
	})
}
