package workflow_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
	"github.com/soroe/soroe/workflow"
)

func TestMentions(t *testing.T) {
	ms := []*soroe.Member{{UserID: 1, Name: "佐藤 花子", Email: "hanako@example.jp"}, {UserID: 2, Name: "佐藤", Email: "sato@example.jp"}, {UserID: 3, Name: "Ken", Email: "ken@example.jp"}}
	for _, c := range []struct {
		body string
		want []int64
	}{
		{"@佐藤 花子 さん確認お願いします", []int64{1}},
		{"＠佐藤花子 さん", []int64{1}},
		{"@佐藤 さんと @ken お願いします", []int64{2, 3}},
		{"メールは sato@example.jp まで", nil},
		{"@hanako@example.jp", []int64{1}},
		{"誰にも", nil},
	} {
		got := workflow.Mentions(c.body, ms)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.body, got, c.want)
		}
	}
}

func TestGuestAndMediaLinks(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		box, err := secretbox.New(strings.Repeat("s", 40))
		if err != nil {
			t.Fatal(err)
		}
		owner := &soroe.User{Email: "o@example.jp", Name: "O", PasswordHash: "x"}
		org := &soroe.Org{Name: "揃え"}
		if err := db.CreateUserWithOrg(ctx, owner, org); err != nil {
			t.Fatal(err)
		}
		acc := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkManual, Name: "手動"}
		if err := db.CreateAccount(ctx, acc, ""); err != nil {
			t.Fatal(err)
		}
		svc := &workflow.Service{DB: db}
		a := workflow.Actor{UserID: owner.ID, OrgID: org.ID, Role: soroe.RoleOwner}
		p := &soroe.Post{Text: "お知らせ"}
		if err := svc.Create(ctx, a, p, []*soroe.Target{{AccountID: acc.ID, Text: "お知らせ"}}); err != nil {
			t.Fatal(err)
		}
		steps := []soroe.ApprovalStep{{Mode: soroe.ApproveAll, Guests: []soroe.Guest{{Name: "顧問", Email: "c@example.jp"}}}}
		if _, err := db.SubmitPost(ctx, org.ID, p.ID, steps, owner.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.GuestLink(ctx, nil, a, p.ID, "c@example.jp", 0); !errors.Is(err, workflow.ErrNoSecretKey) {
			t.Errorf("no key: %v", err)
		}
		if _, _, err := svc.GuestLink(ctx, box, a, p.ID, "x@example.jp", 0); soroe.ErrorField(err) != "email" {
			t.Errorf("not a guest: %v", err)
		}
		tok, c, err := svc.GuestLink(ctx, box, a, p.ID, "c@example.jp", time.Hour)
		if err != nil || c.Name != "顧問" {
			t.Fatalf("link %v %+v", err, c)
		}
		if _, _, err := svc.OpenGuestLink(ctx, box, tok); err != nil {
			t.Fatalf("open: %v", err)
		}
		other, _ := secretbox.New(strings.Repeat("t", 40))
		if _, _, err := svc.OpenGuestLink(ctx, other, tok); !errors.Is(err, workflow.ErrLinkInvalid) {
			t.Errorf("another key opened it: %v", err)
		}
		clock.Add(2 * time.Hour)
		if _, _, err := svc.OpenGuestLink(ctx, box, tok); !errors.Is(err, workflow.ErrLinkExpired) {
			t.Errorf("expired: %v", err)
		}
		tok, _, _ = svc.GuestLink(ctx, box, a, p.ID, "c@example.jp", 0)
		if _, _, err := svc.Decide(ctx, org.ID, p.ID, store.Decision{Round: 1, Step: 0, Guest: soroe.Guest{Name: "顧問", Email: "c@example.jp"}, Decision: soroe.DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.OpenGuestLink(ctx, box, tok); !errors.Is(err, workflow.ErrLinkStale) {
			t.Errorf("decided post: %v", err)
		}
		mt, err := workflow.MediaToken(box, 42, clock.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if id, err := workflow.OpenMediaToken(box, mt, clock.Now()); id != 42 || err != nil {
			t.Errorf("media token: %d %v", id, err)
		}
		if _, err := workflow.OpenMediaToken(box, mt, clock.Now().Add(2*time.Hour)); !errors.Is(err, workflow.ErrLinkExpired) {
			t.Errorf("expired media token: %v", err)
		}
		if _, err := workflow.OpenMediaToken(box, tok, clock.Now()); !errors.Is(err, workflow.ErrLinkInvalid) {
			t.Errorf("a guest token opened as media: %v", err)
		}
	})
}

// The check tells a post whose attachments do not suit a network:
// Instagram needs one, Bluesky takes images up to 2 MB (1,000,000 bytes in
// its lexicon), LinkedIn none yet.
func TestCheckMedia(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		owner := &soroe.User{Email: "o@example.jp", Name: "O", PasswordHash: "x"}
		org := &soroe.Org{Name: "揃え"}
		if err := db.CreateUserWithOrg(ctx, owner, org); err != nil {
			t.Fatal(err)
		}
		ids := map[soroe.Network]int64{}
		for _, n := range []soroe.Network{soroe.NetworkInstagram, soroe.NetworkBluesky, soroe.NetworkManual} {
			a := &soroe.Account{OrgID: org.ID, Network: n, Name: string(n)}
			if err := db.CreateAccount(ctx, a, ""); err != nil {
				t.Fatal(err)
			}
			ids[n] = a.ID
		}
		svc := &workflow.Service{DB: db}
		check := func(n soroe.Network, text string, media ...*soroe.Media) workflow.TargetCheck {
			rep, err := svc.Check(ctx, org.ID, []*soroe.Target{{AccountID: ids[n], Text: text}}, media)
			if err != nil {
				t.Fatal(err)
			}
			return rep.Targets[0]
		}
		png := &soroe.Media{Filename: "a.png", ContentType: "image/jpeg", Bytes: 300_000}
		big := &soroe.Media{Filename: "b.jpg", ContentType: "image/jpeg", Bytes: 5_000_000}
		if c := check(soroe.NetworkInstagram, "写真です"); c.Media != "media_required" {
			t.Errorf("instagram without media: %q", c.Media)
		}
		if c := check(soroe.NetworkInstagram, "", png); c.Media != "" || !c.Result.Valid {
			t.Errorf("instagram with an image and no text: %+v", c)
		}
		if c := check(soroe.NetworkBluesky, "大きな写真", big); c.Media != "media_image_too_large" {
			t.Errorf("bluesky big image: %q", c.Media)
		}
		if c := check(soroe.NetworkManual, "何でも", big, big); c.Media != "" {
			t.Errorf("manual: %q", c.Media)
		}
	})
}
