package demo_test

import (
	"context"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func TestSeedOnce(t *testing.T) {
	soroe.PasswordParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		id, err := demo.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := db.Members(ctx, id)
		if err != nil || len(ms) != len(demo.Users) {
			t.Fatalf("members: %d %v", len(ms), err)
		}
		for _, du := range demo.Users {
			u, err := db.UserByEmail(ctx, du.Email)
			if err != nil || !soroe.CheckPassword(demo.Password, u.PasswordHash) {
				t.Fatalf("%s cannot log in: %v", du.Email, err)
			}
			m, err := db.Member(ctx, id, u.ID)
			if err != nil || m.Role != du.Role {
				t.Errorf("%s: role %v, want %s (%v)", du.Email, m, du.Role, err)
			}
		}
		// A user changes something; a second seed keeps it.
		org, _ := db.Org(ctx, id)
		org.Name = "名前を変えた"
		if err := db.UpdateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		id2, err := demo.Seed(ctx, db)
		if err != nil || id2 != id {
			t.Fatalf("second seed: %d %v", id2, err)
		}
		if org, _ := db.Org(ctx, id); org.Name != "名前を変えた" {
			t.Errorf("seed overwrote a change: %q", org.Name)
		}
		if orgs, _ := db.Orgs(ctx); len(orgs) != 1 {
			t.Errorf("orgs after two seeds: %d", len(orgs))
		}
	})
}
