package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func mustUser(t *testing.T, db *store.DB, email string) *soroe.User {
	t.Helper()
	u := &soroe.User{Email: email, Name: email[:1], PasswordHash: "x"}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsers(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		u := &soroe.User{Email: " Hanako@Example.JP ", Name: "山田 花子", PasswordHash: "h"}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if u.Email != "hanako@example.jp" || u.Lang != "ja" {
			t.Errorf("not normalised: %+v", u)
		}
		got, err := db.UserByEmail(ctx, "HANAKO@example.jp")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || got.Name != "山田 花子" || !got.CreatedAt.Equal(storetest.Epoch) {
			t.Errorf("read back %+v", got)
		}
		dup := &soroe.User{Email: "hanako@EXAMPLE.jp", PasswordHash: "h"}
		if err := db.CreateUser(ctx, dup); soroe.ErrorMessage(err) != "email_taken" {
			t.Errorf("duplicate email: %v", err)
		}
		if err := db.CreateUser(ctx, &soroe.User{Email: "nope", PasswordHash: "h"}); soroe.ErrorField(err) != "email" {
			t.Errorf("bad email: %v", err)
		}
		clock.Add(time.Hour)
		at, err := db.SetPassword(ctx, u.ID, "h2")
		if err != nil {
			t.Fatal(err)
		}
		got, _ = db.User(ctx, u.ID)
		if got.PasswordHash != "h2" || !got.PasswordChangedAt.Equal(at) || !at.Equal(storetest.Epoch.Add(time.Hour)) {
			t.Errorf("password change: %+v at %v", got, at)
		}
		got.Lang = "en"
		if err := db.UpdateUser(ctx, got); err != nil {
			t.Fatal(err)
		}
		got.Lang = "de"
		if err := db.UpdateUser(ctx, got); soroe.ErrorField(err) != "lang" {
			t.Errorf("bad lang: %v", err)
		}
		if _, err := db.User(ctx, 9999); err != soroe.ErrNotFound {
			t.Errorf("missing user: %v", err)
		}
		if n, _ := db.CountUsers(ctx); n != 1 {
			t.Errorf("count = %d", n)
		}
	})
}

func TestOrgsAndMembers(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		owner := &soroe.User{Email: "owner@a.jp", PasswordHash: "h"}
		a := &soroe.Org{Name: "A社"}
		if err := db.CreateUserWithOrg(ctx, owner, a); err != nil {
			t.Fatal(err)
		}
		if a.TimeZone != "Asia/Tokyo" {
			t.Errorf("time zone %q", a.TimeZone)
		}
		staff := mustUser(t, db, "staff@a.jp")
		if err := db.InsertMember(ctx, a.ID, staff.ID, soroe.RoleStaff); err != nil {
			t.Fatal(err)
		}
		b := &soroe.Org{Name: "B社", TimeZone: "America/New_York", Lang: "en"}
		if err := db.CreateOrg(ctx, b, staff.ID); err != nil {
			t.Fatal(err)
		}
		ms, err := db.Members(ctx, a.ID)
		if err != nil || len(ms) != 2 || ms[0].Role != soroe.RoleOwner || ms[1].Email != "staff@a.jp" {
			t.Fatalf("members of A: %+v %v", ms, err)
		}
		mine, _ := db.Memberships(ctx, staff.ID)
		if len(mine) != 2 || mine[0].OrgName != "A社" || mine[1].Role != soroe.RoleOwner {
			t.Errorf("memberships: %+v", mine)
		}
		// The owner of A is not a member of B.
		if _, err := db.Member(ctx, b.ID, owner.ID); err != soroe.ErrNotFound {
			t.Errorf("cross-org member: %v", err)
		}
		// The last owner can be neither demoted nor removed.
		if err := db.SetRole(ctx, a.ID, owner.ID, soroe.RoleStaff); soroe.ErrorMessage(err) != "last_owner" {
			t.Errorf("demote last owner: %v", err)
		}
		if err := db.RemoveMember(ctx, a.ID, owner.ID); soroe.ErrorMessage(err) != "last_owner" {
			t.Errorf("remove last owner: %v", err)
		}
		if err := db.SetRole(ctx, a.ID, staff.ID, soroe.RoleOwner); err != nil {
			t.Fatal(err)
		}
		if err := db.SetRole(ctx, a.ID, owner.ID, soroe.RoleExecutive); err != nil {
			t.Errorf("demote with another owner: %v", err)
		}
		if err := db.SetRole(ctx, a.ID, owner.ID, "king"); soroe.ErrorField(err) != "role" {
			t.Errorf("bad role: %v", err)
		}
		if err := db.RemoveMember(ctx, b.ID, owner.ID); err != soroe.ErrNotFound {
			t.Errorf("remove non-member: %v", err)
		}
		a.Name, a.TimeZone = "A株式会社", "Europe/Berlin"
		if err := db.UpdateOrg(ctx, a); err != nil {
			t.Fatal(err)
		}
		got, _ := db.Org(ctx, a.ID)
		if got.Name != "A株式会社" || got.TimeZone != "Europe/Berlin" {
			t.Errorf("org: %+v", got)
		}
		a.TimeZone = "Nowhere/Else"
		if err := db.UpdateOrg(ctx, a); soroe.ErrorField(err) != "time_zone" {
			t.Errorf("bad zone: %v", err)
		}
	})
}

func TestInvitations(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		owner := &soroe.User{Email: "owner@a.jp", PasswordHash: "h"}
		org := &soroe.Org{Name: "A"}
		if err := db.CreateUserWithOrg(ctx, owner, org); err != nil {
			t.Fatal(err)
		}
		inv := &soroe.Invitation{OrgID: org.ID, Role: soroe.RoleManager, CreatedBy: owner.ID}
		secret, err := db.CreateInvitation(ctx, inv)
		if err != nil {
			t.Fatal(err)
		}
		open, _ := db.Invitations(ctx, org.ID)
		if len(open) != 1 {
			t.Fatalf("open invitations: %d", len(open))
		}
		joiner := mustUser(t, db, "new@a.jp")
		got, err := db.AcceptInvitation(ctx, secret, joiner.ID)
		if err != nil || got.OrgID != org.ID {
			t.Fatalf("accept: %+v %v", got, err)
		}
		m, err := db.Member(ctx, org.ID, joiner.ID)
		if err != nil || m.Role != soroe.RoleManager {
			t.Errorf("member after accept: %+v %v", m, err)
		}
		if _, err := db.AcceptInvitation(ctx, secret, owner.ID); soroe.ErrorCode(err) != soroe.EConflict {
			t.Errorf("second accept: %v", err)
		}
		if _, err := db.AcceptInvitation(ctx, "inv_forged", owner.ID); err != soroe.ErrNotFound {
			t.Errorf("forged: %v", err)
		}
		// An expired link cannot be used, and is not listed.
		secret2, _ := db.CreateInvitation(ctx, &soroe.Invitation{OrgID: org.ID, Role: soroe.RoleStaff, CreatedBy: owner.ID})
		clock.Add(soroe.InvitationLifetime + time.Second)
		if _, err := db.AcceptInvitation(ctx, secret2, joiner.ID); soroe.ErrorCode(err) != soroe.EConflict {
			t.Errorf("expired: %v", err)
		}
		if open, _ := db.Invitations(ctx, org.ID); len(open) != 0 {
			t.Errorf("expired listed: %d", len(open))
		}
		inv3 := &soroe.Invitation{OrgID: org.ID, Role: soroe.RoleStaff, CreatedBy: owner.ID, Email: "X@y.jp"}
		secret3, err := db.CreateInvitation(ctx, inv3)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(-soroe.InvitationLifetime) // back inside the link's week
		if _, err := db.AcceptInvitation(ctx, secret3, joiner.ID); soroe.ErrorMessage(err) != "invitation_other_email" {
			t.Errorf("accepted by someone else: %v", err)
		}
		if err := db.RevokeInvitation(ctx, org.ID+1, inv3.ID); err != soroe.ErrNotFound {
			t.Errorf("revoke from another org: %v", err)
		}
		if err := db.RevokeInvitation(ctx, org.ID, inv3.ID); err != nil {
			t.Errorf("revoke: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		owner := &soroe.User{Email: "owner@a.jp", PasswordHash: "h"}
		org := &soroe.Org{Name: "A"}
		if err := db.CreateUserWithOrg(ctx, owner, org); err != nil {
			t.Fatal(err)
		}
		staff := mustUser(t, db, "s@a.jp")
		if _, err := db.CreateToken(ctx, &soroe.Token{OrgID: org.ID, UserID: staff.ID}); err != soroe.ErrNotFound {
			t.Errorf("token for non-member: %v", err)
		}
		_ = db.InsertMember(ctx, org.ID, staff.ID, soroe.RoleStaff)
		tok := &soroe.Token{OrgID: org.ID, UserID: staff.ID, Name: "CI"}
		secret, err := db.CreateToken(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		if len(secret) < 40 || secret[:len(soroe.TokenPrefix)] != soroe.TokenPrefix || tok.Prefix != secret[:len(tok.Prefix)] {
			t.Errorf("secret %q prefix %q", secret, tok.Prefix)
		}
		got, err := db.TokenBySecret(ctx, secret)
		if err != nil || got.ID != tok.ID || got.LastUsedAt == nil {
			t.Fatalf("by secret: %+v %v", got, err)
		}
		if _, err := db.TokenBySecret(ctx, secret+"x"); err != soroe.ErrNotFound {
			t.Errorf("wrong secret: %v", err)
		}
		if err := db.RevokeToken(ctx, org.ID, owner.ID, tok.ID); err != soroe.ErrNotFound {
			t.Errorf("revoke someone else's token: %v", err)
		}
		// Leaving the organization revokes the tokens one had there.
		if err := db.RemoveMember(ctx, org.ID, staff.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.TokenBySecret(ctx, secret); err != soroe.ErrNotFound {
			t.Errorf("token after leaving: %v", err)
		}
	})
}

func TestSessionsAndThrottle(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		s := db.Sessions()
		wall := time.Now().UTC() // scs measures session expiry by the wall clock
		if err := s.CommitCtx(ctx, "tok", []byte("data"), wall.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.CommitCtx(ctx, "tok", []byte("data2"), wall.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.CommitCtx(ctx, "gone", []byte("x"), wall.Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		b, ok, err := s.FindCtx(ctx, "tok")
		if err != nil || !ok || string(b) != "data2" {
			t.Fatalf("find: %q %v %v", b, ok, err)
		}
		if _, ok, _ := s.FindCtx(ctx, "other"); ok {
			t.Error("found a session that does not exist")
		}
		if _, ok, _ := s.FindCtx(ctx, "gone"); ok {
			t.Error("found an expired session")
		}
		_ = db.RecordLoginFailure(ctx, "email:a@b", "ip:1.2.3.4")
		clock.Add(10 * time.Minute)
		_ = db.RecordLoginFailure(ctx, "email:a@b")
		n, oldest, err := db.LoginFailures(ctx, "email:a@b", 15*time.Minute)
		if err != nil || n != 2 || !oldest.Equal(storetest.Epoch) {
			t.Errorf("failures: %d %v %v", n, oldest, err)
		}
		clock.Add(6 * time.Minute)
		if n, _, _ := db.LoginFailures(ctx, "email:a@b", 15*time.Minute); n != 1 {
			t.Errorf("window: %d", n)
		}
		clock.Add(2 * time.Hour)
		removed, err := db.CleanUp(ctx, time.Hour)
		if err != nil || removed != 4 { // one expired session, three old failures
			t.Errorf("clean-up removed %d: %v", removed, err)
		}
		if n, _ := db.CountSessions(ctx); n != 1 {
			t.Errorf("sessions left: %d, want the live one", n)
		}
		if err := db.SetMeta(ctx, "k", "v"); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.Meta(ctx, "k"); v != "v" {
			t.Errorf("meta %q", v)
		}
		if v, err := db.Meta(ctx, "missing"); v != "" || err != nil {
			t.Errorf("missing meta %q %v", v, err)
		}
	})
}

// A data directory whose path holds URI characters (#, ?, %) still opens the
// database inside it.
func TestOddDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%d")
	db, err := store.Open(context.Background(), store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, store.SQLiteFile)); err != nil {
		t.Errorf("database not where it belongs: %v", err)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, soroe.SystemClock)
	mustUser(t, db, "a@b.jp")
	file := filepath.Join(t.TempDir(), "copy.db")
	if err := db.Backup(ctx, file); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, file); err == nil {
		t.Error("backup overwrote an existing file")
	}
	copyDir := filepath.Dir(file)
	// Open the copy as a data directory and read the user back.
	if err := renameTo(file, filepath.Join(copyDir, store.SQLiteFile)); err != nil {
		t.Fatal(err)
	}
	c, err := store.Open(ctx, store.Config{DataDir: copyDir})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if u, err := c.UserByEmail(ctx, "a@b.jp"); err != nil || u.Email != "a@b.jp" {
		t.Errorf("user in backup: %+v %v", u, err)
	}
}

// A store with another clock writes on the same database with its own
// times; the original keeps its clock.
func TestWithClock(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, _ *storetest.Clock) {
		ctx := context.Background()
		past := storetest.Epoch.Add(-72 * time.Hour)
		then := db.WithClock(func() time.Time { return past })
		u := mustUser(t, then, "past@example.jp")
		got, err := db.User(ctx, u.ID)
		if err != nil || !got.CreatedAt.Equal(past) {
			t.Fatalf("written through the copy: %+v %v; want created %v", got, err, past)
		}
		if !db.Now().Equal(storetest.Epoch) || !then.Now().Equal(past) {
			t.Errorf("clocks: original %v, copy %v", db.Now(), then.Now())
		}
		v := mustUser(t, db, "now@example.jp")
		if got, _ := then.User(ctx, v.ID); got == nil || !got.CreatedAt.Equal(storetest.Epoch) {
			t.Errorf("the copy does not read what the original wrote: %+v", got)
		}
	})
}
