package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// TestDemoPublishes: `serve --demo` runs fake X, Instagram, LINE, Mastodon
// and Bluesky servers on loopback and its demo accounts point at them —
// without SOROE_ALLOW_PRIVATE_URLS — so a demo post really publishes to
// each (Instagram's with a photo, linked under the demo's own address);
// the manual account's target waits for a person.
func TestDemoPublishes(t *testing.T) {
	t.Setenv(material.EnvAllowPrivateURLs, "")
	t.Setenv(envDispatchEvery, "200ms")
	t.Setenv(envJobsPoll, "100ms")
	t.Setenv(envPublish, "")
	data := t.TempDir()
	var img bytes.Buffer
	if err := jpeg.Encode(&img, image.NewRGBA(image.Rect(0, 0, 64, 64)), nil); err != nil {
		t.Fatal(err)
	}
	for round := range 2 { // the second start finds the accounts and re-points them
		srv := startServe(t, data, "", "--demo")
		ctx := context.Background()
		db, err := store.Open(ctx, store.Config{DataDir: data})
		if err != nil {
			t.Fatal(err)
		}
		orgID, err := demo.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		accts, err := db.Accounts(ctx, orgID)
		if err != nil {
			t.Fatal(err)
		}
		if len(accts) != 6 {
			t.Fatalf("round %d: %d demo accounts", round, len(accts))
		}
		members, err := db.Members(ctx, orgID)
		if err != nil {
			t.Fatal(err)
		}
		actor := func(r soroe.Role) workflow.Actor {
			i := slices.IndexFunc(members, func(m *soroe.Member) bool { return m.Role == r })
			return workflow.Actor{UserID: members[i].UserID, OrgID: orgID, Role: r}
		}
		staff, pr := actor(soroe.RoleStaff), actor(soroe.RoleManager)
		wf := &workflow.Service{DB: db}
		// A text to every account but Instagram, a photo to Instagram
		// (which takes no post without one), made as people make them.
		var posts []int64
		for _, photo := range []bool{false, true} {
			var targets []*soroe.Target
			for _, a := range accts {
				if a.Network != soroe.NetworkManual && !strings.HasPrefix(a.Host, "http://127.0.0.1:") {
					t.Errorf("%s on %q", a.Name, a.Host)
				}
				if (a.Network == soroe.NetworkInstagram) == photo {
					targets = append(targets, &soroe.Target{AccountID: a.ID, Text: fmt.Sprintf("完成見学会のお知らせ %c%v", 'A'+round, photo)})
				}
			}
			post := &soroe.Post{Text: targets[0].Text}
			if err := wf.Create(ctx, staff, post, targets); err != nil {
				t.Fatal(err)
			}
			if photo {
				m := &soroe.Media{OrgID: orgID, PostID: post.ID, Filename: "gaikan.jpg", ContentType: "image/jpeg", CreatedBy: staff.UserID}
				if _, err := db.AddMedia(ctx, m, img.Bytes(), nil); err != nil {
					t.Fatal(err)
				}
			}
			if _, _, err := wf.Submit(ctx, staff, post.ID); err != nil {
				t.Fatal(err)
			}
			cur, _ := db.Post(ctx, orgID, post.ID)
			if _, _, err := wf.Decide(ctx, orgID, post.ID, store.Decision{Round: cur.Round, Step: cur.Step, UserID: pr.UserID, Decision: soroe.DecisionApprove}); err != nil {
				t.Fatal(err)
			}
			if _, err := wf.Schedule(ctx, pr, post.ID, db.Now().Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			posts = append(posts, post.ID)
		}
		deadline := time.Now().Add(20 * time.Second)
		var all []*soroe.Target
		for {
			all = all[:0]
			for _, id := range posts {
				ts, err := db.Targets(ctx, orgID, id)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, ts...)
			}
			done := 0
			for _, tg := range all {
				want := soroe.TargetSent
				if tg.Network == soroe.NetworkManual {
					want = soroe.TargetUnconfirmed
				}
				if tg.State == want {
					done++
				}
			}
			if done == len(all) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: targets %+v\n%s", round, all, srv.stderr)
			}
			time.Sleep(50 * time.Millisecond)
		}
		networks := map[soroe.Network]bool{}
		for _, tg := range all {
			networks[tg.Network] = true
			if tg.Network != soroe.NetworkManual && (tg.RemoteID == "" || tg.Attempts != 1) {
				t.Errorf("%s: %+v", tg.Network, tg)
			}
			if tg.Network == soroe.NetworkManual && tg.LastError != publish.NoteManual {
				t.Errorf("manual: %q", tg.LastError)
			}
		}
		if len(networks) != 6 {
			t.Errorf("published to %v", networks)
		}
		ns, _, err := db.Notifications(ctx, orgID, staff.UserID, 10)
		if err != nil || !slices.ContainsFunc(ns, func(n *soroe.Notification) bool { return n.Kind == soroe.NotifyManualDue }) {
			t.Errorf("notifications %v, %v", ns, err)
		}
		db.Close()
		if err := srv.stop(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestUserHostsArePublicOnly: a Mastodon account whose instance is on
// loopback is not reached unless SOROE_ALLOW_PRIVATE_URLS=1; the fixed API
// roots come from SOROE_NETWORK_<NAME>_API_URL.
func TestUserHostsArePublicOnly(t *testing.T) {
	hits := 0
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"1","url":"https://m.example/1","created_at":"2026-01-01T00:00:00Z"}`))
	}))
	defer fake.Close()
	post := network.Post{Text: "テスト", IdempotencyKey: "k", CreatedAt: time.Now()}
	acct := &network.Account{Network: soroe.NetworkMastodon, Host: fake.URL, Credentials: network.Credentials{AccessToken: "t"}}

	t.Setenv(material.EnvAllowPrivateURLs, "")
	_, err := adapters(nil)[soroe.NetworkMastodon].Publish(context.Background(), acct, post)
	if err == nil || !strings.Contains(err.Error(), "address not allowed") || hits != 0 {
		t.Errorf("loopback instance reached: %v (%d requests)", err, hits)
	}
	// The demo's fakes are let through by address.
	if _, err := adapters(map[string]bool{fake.Listener.Addr().String(): true})[soroe.NetworkMastodon].Publish(context.Background(), acct, post); err != nil || hits != 1 {
		t.Errorf("allowed address: %v (%d requests)", err, hits)
	}
	t.Setenv(material.EnvAllowPrivateURLs, "1")
	if _, err := adapters(nil)[soroe.NetworkMastodon].Publish(context.Background(), acct, post); err != nil || hits != 2 {
		t.Errorf("with SOROE_ALLOW_PRIVATE_URLS=1: %v (%d requests)", err, hits)
	}

	t.Setenv("SOROE_NETWORK_X_API_URL", "http://127.0.0.1:1/")
	if got := networkURL(soroe.NetworkX, "https://api.x.com"); got != "http://127.0.0.1:1" {
		t.Errorf("X API URL %q", got)
	}
	if got := networkURL(soroe.NetworkLINE, "https://api.line.me"); got != "https://api.line.me" {
		t.Errorf("LINE API URL %q", got)
	}
}

// TestNoPublish: an instance started with --no-publish (or SOROE_PUBLISH=0)
// serves but publishes nothing.
func TestNoPublish(t *testing.T) {
	t.Setenv(envPublish, "0")
	t.Setenv(envDispatchEvery, "100ms")
	data := t.TempDir()
	srv := startServe(t, data, "", "--demo")
	if !strings.Contains(srv.stderr.String(), "publishing is off") {
		t.Errorf("no notice in the log:\n%s", srv.stderr)
	}
	t.Setenv(envPublish, "")
	t.Setenv(envDispatchEvery, "soon")
	if _, err := launchServe(t, t.TempDir(), ""); err == nil || !strings.Contains(err.Error(), envDispatchEvery) {
		t.Errorf("a bad duration: %v", err)
	}
}
