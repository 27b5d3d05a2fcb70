package main

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
	"github.com/soroe/soroe/workflow"
)

// mediaNet records what it was asked to publish, reading each attachment.
type mediaNet struct {
	mu    sync.Mutex
	got   []network.Media
	bytes []string
}

func (n *mediaNet) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkMastodon, Idempotent: true}
}

func (n *mediaNet) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = p.Media
	for _, m := range p.Media {
		rc, err := m.Open(ctx)
		if err != nil {
			return network.Published{}, err
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		n.bytes = append(n.bytes, string(b))
	}
	return network.Published{RemoteID: "1"}, nil
}

// The publisher hands an adapter the post's attachments: their bytes, and
// a signed public link that opens to the same attachment until it expires.
func TestPublishMedia(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		box, err := secretbox.New(strings.Repeat("m", 40))
		if err != nil {
			t.Fatal(err)
		}
		u := &soroe.User{Email: "a@example.jp", Name: "A", PasswordHash: "x"}
		o := &soroe.Org{Name: "揃え"}
		if err := db.CreateUserWithOrg(ctx, u, o); err != nil {
			t.Fatal(err)
		}
		acc := &soroe.Account{OrgID: o.ID, Network: soroe.NetworkMastodon, Name: "m"}
		if err := db.CreateAccount(ctx, acc, ""); err != nil {
			t.Fatal(err)
		}
		at := db.Now()
		p := &soroe.Post{OrgID: o.ID, AuthorID: u.ID, Text: "写真つき"}
		tg := &soroe.Target{AccountID: acc.ID, Text: "写真つき"}
		if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
			t.Fatal(err)
		}
		m := &soroe.Media{PostID: p.ID, OrgID: o.ID, Filename: "a.png", ContentType: "image/png", Alt: "外観", CreatedBy: u.ID}
		if _, err := db.AddMedia(ctx, m, []byte("PNGDATA"), nil); err != nil {
			t.Fatal(err)
		}
		steps := soroe.DefaultSteps(soroe.Assignees{})
		if _, err := db.SubmitPost(ctx, o.ID, p.ID, steps, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecidePost(ctx, o.ID, p.ID, store.Decision{Round: 1, UserID: u.ID, Decision: soroe.DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		if err := db.SchedulePost(ctx, o.ID, p.ID, at, u.ID); err != nil {
			t.Fatal(err)
		}
		n := &mediaNet{}
		eng := &publish.Engine{Store: db, Adapters: map[soroe.Network]network.Publisher{soroe.NetworkMastodon: n}, Clock: clock.Now,
			Media: mediaLoader(db, box, func() string { return "https://soroe.example.jp/" }, clock.Now)}
		if err := eng.Attempt(ctx, tg.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Target(ctx, tg.ID); got.State != soroe.TargetSent {
			t.Fatalf("target %s: %s", got.State, got.LastError)
		}
		if len(n.got) != 1 || n.got[0].ContentType != "image/png" || n.got[0].Alt != "外観" || n.got[0].Size != 7 || n.bytes[0] != "PNGDATA" {
			t.Fatalf("media %+v %q", n.got, n.bytes)
		}
		link, ok := strings.CutPrefix(n.got[0].URL, "https://soroe.example.jp/m/")
		if !ok {
			t.Fatalf("link %q", n.got[0].URL)
		}
		if id, err := workflow.OpenMediaToken(box, link, clock.Now()); err != nil || id != m.ID {
			t.Errorf("the link opens to %d %v", id, err)
		}
		// Without a public base URL there is no link (networks that fetch by URL refuse).
		ms, err := mediaLoader(db, box, func() string { return "" }, clock.Now)(ctx, tg)
		if err != nil || len(ms) != 1 || ms[0].URL != "" {
			t.Errorf("no base URL: %+v %v", ms, err)
		}
	})
}
