package demo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestSeedPosts(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, err := demo.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		// Without a connected account there is nothing to post to.
		if err := demo.SeedPosts(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		if _, _, n, _ := db.Posts(ctx, store.PostFilter{OrgID: id}); n != 0 {
			t.Fatalf("%d posts without accounts", n)
		}
		for _, a := range []*soroe.Account{
			{OrgID: id, Network: soroe.NetworkX, Name: demo.AccountX, Handle: "@soroe_koumuten", Host: "http://127.0.0.1:1"},
			{OrgID: id, Network: soroe.NetworkInstagram, Name: demo.AccountInstagram, Handle: "soroe_koumuten", Host: "http://127.0.0.1:2"},
			{OrgID: id, Network: soroe.NetworkLINE, Name: demo.AccountLINE, Handle: "@soroe-koumuten", Host: "http://127.0.0.1:3"},
			{OrgID: id, Network: soroe.NetworkMastodon, Name: demo.AccountMastodon, Handle: "@shop", Host: "http://127.0.0.1:4"},
			{OrgID: id, Network: soroe.NetworkBluesky, Name: demo.AccountBluesky, Handle: "shop.bsky.social"},
			{OrgID: id, Network: soroe.NetworkManual, Name: demo.AccountManual},
		} {
			if err := db.CreateAccount(ctx, a, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := demo.SeedPosts(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		posts, targets, n, err := db.Posts(ctx, store.PostFilter{OrgID: id})
		if err != nil || n < 15 {
			t.Fatalf("%d posts, %v", n, err)
		}
		// Seeding again adds nothing.
		if err := demo.SeedPosts(ctx, db, id); err != nil {
			t.Fatal(err)
		}
		if _, _, again, _ := db.Posts(ctx, store.PostFilter{OrgID: id}); again != n {
			t.Errorf("second seed: %d posts, want %d", again, n)
		}

		states, tstates := map[string]int{}, map[string]int{}
		now := db.Now()
		var past, future, withGoal, withTpl int
		for _, p := range posts {
			states[p.State]++
			if p.GoalID != nil {
				withGoal++
			}
			if p.TemplateID != nil {
				withTpl++
			}
			if p.ScheduledAt != nil && p.ScheduledAt.Before(now) {
				past++
			} else if p.ScheduledAt != nil {
				future++
			}
			for _, tg := range targets[p.ID] {
				tstates[tg.State]++
				// A LINE broadcast has no page, so no URL.
				if tg.State == soroe.TargetSent && ((tg.URL == "" && tg.Network != soroe.NetworkLINE) || tg.RemoteID == "") {
					t.Errorf("sent target without remote ID or URL: %+v", tg)
				}
				if tg.State == soroe.TargetFailed && tg.LastError == "" {
					t.Errorf("failed target without a reason: %+v", tg)
				}
			}
		}
		for _, s := range soroe.PostStates {
			if states[s] == 0 {
				t.Errorf("no post is %s (%v)", s, states)
			}
		}
		for _, s := range []string{soroe.TargetQueued, soroe.TargetSent, soroe.TargetFailed, soroe.TargetUnconfirmed} {
			if tstates[s] == 0 {
				t.Errorf("no target is %s (%v)", s, tstates)
			}
		}
		if past < 5 || future < 5 || withGoal < n-3 || withTpl < 5 {
			t.Errorf("past %d, future %d, with goal %d, with 型 %d of %d", past, future, withGoal, withTpl, n)
		}

		// In review: one at the first step of the two-step 型, one
		// waiting for the guest at the second.
		var atFirst, atGuest bool
		for _, p := range posts {
			if p.State != soroe.PostInReview || len(p.Steps) != 2 {
				continue
			}
			atFirst = atFirst || p.Step == 0
			atGuest = atGuest || (p.Step == 1 && len(p.Steps[1].Guests) == 1)
		}
		if !atFirst || !atGuest {
			t.Errorf("two-step review: at the first step %v, waiting for the guest %v", atFirst, atGuest)
		}

		// A post sent back (差し戻し) with its comment in the history, and a
		// comment that @mentions 広報.
		var rejected, mention bool
		for _, p := range posts {
			evs, err := db.PostEvents(ctx, id, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(evs, func(e *soroe.PostEvent) bool { return e.Kind == store.EventRejected && e.Detail != "" }) {
				rejected = rejected || p.State == soroe.PostDraft
			}
			cs, err := db.Comments(ctx, id, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				mention = mention || strings.Contains(c.Body, "@鈴木 美咲")
			}
		}
		if !rejected || !mention {
			t.Errorf("rejected with a comment %v, @mention %v", rejected, mention)
		}
		pr, _ := db.UserByEmail(ctx, "pr@demo.soroe.local")
		if ns, _, err := db.Notifications(ctx, id, pr.ID, 100); err != nil || !slices.ContainsFunc(ns, func(n *soroe.Notification) bool { return n.Kind == soroe.NotifyMention }) {
			t.Errorf("広報 has no mention notification (%v)", err)
		}
	})
}
