package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// cliEnv runs the command tree in-process against one database.
type cliEnv struct {
	t     *testing.T
	data  string // --data
	dbURL string // --database-url, "" for SQLite
}

// newCLI gives a fresh, empty database on engine e.
func newCLI(t *testing.T, e store.Engine) *cliEnv {
	t.Helper()
	cfg := storetest.Config(t, e)
	c := &cliEnv{t: t, data: cfg.DataDir, dbURL: cfg.DatabaseURL}
	if c.data == "" {
		c.data = t.TempDir()
	}
	return c
}

// onEngines runs fn as a subtest on every engine the tests run on here.
func onEngines(t *testing.T, fn func(t *testing.T, c *cliEnv)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, newCLI(t, e)) })
	}
}

// run executes one command line with stdin; the global flags come first so
// that an environment's SOROE_DATA or SOROE_DATABASE_URL cannot leak in.
func (c *cliEnv) run(stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	root := newRoot(&out, &errb)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(append([]string{"--data=" + c.data, "--database-url=" + c.dbURL}, args...))
	err = root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

// okIn runs a command that must succeed and returns its standard output.
func (c *cliEnv) okIn(stdin string, args ...string) string {
	c.t.Helper()
	out, errOut, err := c.run(stdin, args...)
	if err != nil {
		c.t.Fatalf("soroe %s: %s (stderr %q)", strings.Join(args, " "), userMessage(err), errOut)
	}
	return out
}

func (c *cliEnv) ok(args ...string) string {
	c.t.Helper()
	return c.okIn("", args...)
}

// fails runs a command that must fail, checks it printed nothing on standard
// output, and returns the error.
func (c *cliEnv) fails(args ...string) error {
	c.t.Helper()
	out, _, err := c.run("", args...)
	if err == nil {
		c.t.Fatalf("soroe %s succeeded; want an error (stdout %q)", strings.Join(args, " "), out)
	}
	if out != "" {
		c.t.Errorf("soroe %s failed but printed %q", strings.Join(args, " "), out)
	}
	return err
}

// json runs a command with --json and decodes its output into v.
func (c *cliEnv) json(v any, args ...string) {
	c.t.Helper()
	out := c.ok(append(args, "--json")...)
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		c.t.Fatalf("soroe %s --json: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// db opens the same database the commands use, as a server would.
func (c *cliEnv) db() *store.DB {
	c.t.Helper()
	db, err := store.Open(context.Background(), store.Config{DataDir: c.data, DatabaseURL: c.dbURL})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { db.Close() })
	return db
}

// addUser creates a user with a known password.
func (c *cliEnv) addUser(email, name string) {
	c.t.Helper()
	c.okIn("password-"+email+"\n", "user", "add", "--email", email, "--name", name, "--password-stdin")
}

// wantErr checks an error's code and field, and that its message contains
// every one of parts.
func wantErr(t *testing.T, err error, code, field string, parts ...string) {
	t.Helper()
	if soroe.ErrorCode(err) != code || soroe.ErrorField(err) != field {
		t.Errorf("error %v: want code %q field %q", err, code, field)
	}
	for _, p := range parts {
		if !strings.Contains(userMessage(err), p) {
			t.Errorf("error %q does not mention %q", userMessage(err), p)
		}
	}
}

var tokenLine = regexp.MustCompile(`^soroe_pat_[A-Za-z0-9_-]{43}\n$`)

// createToken runs token create and checks that stdout is the secret alone.
func (c *cliEnv) createToken(args ...string) string {
	c.t.Helper()
	out := c.ok(append([]string{"token", "create"}, args...)...)
	if !tokenLine.MatchString(out) {
		c.t.Fatalf("token create printed %q; want one secret line", out)
	}
	return strings.TrimSpace(out)
}

// JSON shapes as a script reads them.
type (
	jsonUser struct {
		ID        int64     `json:"id"`
		Email     string    `json:"email"`
		Name      string    `json:"name"`
		Lang      string    `json:"lang"`
		CreatedAt time.Time `json:"created_at"`
	}
	jsonOrg struct {
		ID          int64     `json:"id"`
		Name        string    `json:"name"`
		TimeZone    string    `json:"time_zone"`
		Lang        string    `json:"lang"`
		CreatedAt   time.Time `json:"created_at"`
		MemberCount int       `json:"member_count"`
	}
	jsonMember struct {
		OrgID    int64     `json:"org_id"`
		UserID   int64     `json:"user_id"`
		Role     string    `json:"role"`
		Email    string    `json:"email"`
		Name     string    `json:"name"`
		OrgName  string    `json:"org_name"`
		JoinedAt time.Time `json:"joined_at"`
	}
	jsonOrgDetail struct {
		ID        int64        `json:"id"`
		Name      string       `json:"name"`
		TimeZone  string       `json:"time_zone"`
		Lang      string       `json:"lang"`
		CreatedAt time.Time    `json:"created_at"`
		Members   []jsonMember `json:"members"`
	}
	jsonToken struct {
		ID         int64      `json:"id"`
		UserID     int64      `json:"user_id"`
		OrgID      int64      `json:"org_id"`
		OrgName    string     `json:"org_name"`
		Name       string     `json:"name"`
		Prefix     string     `json:"prefix"`
		CreatedAt  time.Time  `json:"created_at"`
		LastUsedAt *time.Time `json:"last_used_at"`
	}
)

func TestUserCommands(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		out := c.okIn("secret-pass-1\n", "user", "add", "--email", " Hanako@Example.JP ", "--name", "山田 花子", "--password-stdin")
		if !strings.Contains(out, "hanako@example.jp") || strings.Contains(out, "secret-pass-1") {
			t.Errorf("user add printed %q", out)
		}
		// Without --password-stdin a password is generated and shown once.
		out = c.ok("user", "add", "--email", "taro@example.jp", "--lang", "en")
		m := regexp.MustCompile(`password \(shown only now\): (\S+)\n`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("user add printed no password: %q", out)
		}
		db := c.db()
		taro, err := db.UserByEmail(ctx, "taro@example.jp")
		if err != nil {
			t.Fatal(err)
		}
		if !soroe.CheckPassword(m[1], taro.PasswordHash) || taro.Lang != "en" || taro.Name != "taro" {
			t.Errorf("generated password does not log in, or user is %+v", taro)
		}
		hanako, _ := db.UserByEmail(ctx, "hanako@example.jp")
		if !soroe.CheckPassword("secret-pass-1", hanako.PasswordHash) {
			t.Error("password from stdin does not log in")
		}

		wantErr(t, c.fails("user", "add", "--email", "HANAKO@example.jp"), soroe.EInvalid, "email", "email_taken")
		wantErr(t, c.fails("user", "add", "--email", "not-an-email"), soroe.EInvalid, "email", "invalid_email")
		wantErr(t, c.fails("user", "add", "--email", "x@example.jp", "--lang", "de"), soroe.EInvalid, "lang", "unknown_language")
		wantErr(t, c.fails("user", "add", "--email", "x@example.jp", "--password-stdin"), soroe.EInvalid, "password")
		if _, _, err := c.run("short\n", "user", "add", "--email", "x@example.jp", "--password-stdin"); soroe.ErrorField(err) != "password" {
			t.Errorf("short password: %v", err)
		}
		if err := c.fails("user", "add", "--name", "x"); !strings.Contains(err.Error(), `"email"`) {
			t.Errorf("missing --email: %v", err)
		}

		var users []jsonUser
		c.json(&users, "user", "list")
		if len(users) != 2 || users[0].Email != "hanako@example.jp" || users[0].Name != "山田 花子" || users[0].Lang != "ja" ||
			users[1].Email != "taro@example.jp" || users[0].CreatedAt.IsZero() {
			t.Errorf("user list --json = %+v", users)
		}
		if out := c.ok("user", "list", "--json"); strings.Contains(out, "argon2id") || strings.Contains(out, "password") {
			t.Errorf("user list leaks password hashes: %s", out)
		}
		table := c.ok("user", "list")
		if !strings.HasPrefix(table, "ID  EMAIL") || !strings.Contains(table, "山田 花子") {
			t.Errorf("user list table:\n%s", table)
		}

		// passwd
		out = c.okIn("new-password-2\r\n", "user", "passwd", "--email", "HANAKO@example.jp", "--password-stdin")
		if !strings.Contains(out, "hanako@example.jp") {
			t.Errorf("passwd printed %q", out)
		}
		hanako2, _ := db.UserByEmail(ctx, "hanako@example.jp")
		if !soroe.CheckPassword("new-password-2", hanako2.PasswordHash) || soroe.CheckPassword("secret-pass-1", hanako2.PasswordHash) {
			t.Error("passwd did not replace the password")
		}
		if hanako2.PasswordChangedAt.Before(hanako.PasswordChangedAt) {
			t.Error("passwd did not record the change")
		}
		wantErr(t, c.fails("user", "passwd", "--email", "hanako@example.jp"), soroe.EInvalid, "password", "--password-stdin")
		if _, _, err := c.run("short\n", "user", "passwd", "--email", "hanako@example.jp", "--password-stdin"); soroe.ErrorMessage(err) == "" ||
			!strings.HasPrefix(soroe.ErrorMessage(err), "password_too_short") {
			t.Errorf("short password: %v", err)
		}
		_, _, err = c.run("long-enough-3\n", "user", "passwd", "--email", "nobody@example.jp", "--password-stdin")
		wantErr(t, err, soroe.ENotFound, "email", "nobody@example.jp")
	})
}

func TestOrgMemberTokenCommands(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		c.addUser("owner@example.jp", "オーナー")
		c.addUser("staff@example.jp", "現場 太郎")

		// org add
		if out := c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp"); !strings.Contains(out, `"A社"`) {
			t.Errorf("org add printed %q", out)
		}
		c.ok("org", "add", "--name", "B社", "--owner", "OWNER@example.jp", "--tz", "Europe/Berlin", "--lang", "en")
		wantErr(t, c.fails("org", "add", "--name", "C", "--owner", "owner@example.jp", "--tz", "Mars/Olympus"), soroe.EInvalid, "time_zone", "unknown_time_zone")
		wantErr(t, c.fails("org", "add", "--name", "C", "--owner", "ghost@example.jp"), soroe.ENotFound, "email", "ghost@example.jp")
		wantErr(t, c.fails("org", "add", "--name", " ", "--owner", "owner@example.jp"), soroe.EInvalid, "name")

		// org list
		var orgs []jsonOrg
		c.json(&orgs, "org", "list")
		if len(orgs) != 2 || orgs[0].Name != "A社" || orgs[0].TimeZone != "Asia/Tokyo" || orgs[0].Lang != "ja" || orgs[0].MemberCount != 1 ||
			orgs[1].Name != "B社" || orgs[1].TimeZone != "Europe/Berlin" || orgs[1].Lang != "en" {
			t.Fatalf("org list --json = %+v", orgs)
		}
		a, b := orgs[0], orgs[1]
		if table := c.ok("org", "list"); !strings.Contains(table, "Europe/Berlin") || !strings.Contains(table, "A社") {
			t.Errorf("org list table:\n%s", table)
		}

		// member add
		if out := c.ok("member", "add", "--org", "A社", "--email", "staff@example.jp", "--role", "manager"); !strings.Contains(out, "manager") {
			t.Errorf("member add printed %q", out)
		}
		wantErr(t, c.fails("member", "add", "--org", "A社", "--email", "staff@example.jp", "--role", "staff"), soroe.EConflict, "email", "already_member")
		wantErr(t, c.fails("member", "add", "--org", "B社", "--email", "staff@example.jp", "--role", "boss"), soroe.EInvalid, "role", "unknown_role")
		wantErr(t, c.fails("member", "add", "--org", "Z社", "--email", "staff@example.jp", "--role", "staff"), soroe.ENotFound, "org", "Z社")

		// org show, by name and by ID
		var detail jsonOrgDetail
		c.json(&detail, "org", "show", "A社")
		if detail.ID != a.ID || detail.Name != "A社" || detail.TimeZone != "Asia/Tokyo" || len(detail.Members) != 2 ||
			detail.Members[0].Email != "owner@example.jp" || detail.Members[0].Role != "owner" ||
			detail.Members[1].Email != "staff@example.jp" || detail.Members[1].Role != "manager" || detail.Members[1].Name != "現場 太郎" {
			t.Errorf("org show --json = %+v", detail)
		}
		var byID jsonOrgDetail
		c.json(&byID, "org", "show", strconv.FormatInt(b.ID, 10))
		if byID.Name != "B社" || len(byID.Members) != 1 {
			t.Errorf("org show by ID = %+v", byID)
		}
		if out := c.ok("org", "show", "A社"); !strings.Contains(out, "Asia/Tokyo") || !strings.Contains(out, "staff@example.jp") {
			t.Errorf("org show:\n%s", out)
		}

		// member role and the last owner
		c.ok("member", "role", "--org", "A社", "--email", "staff@example.jp", "--role", "executive")
		var members []jsonMember
		c.json(&members, "member", "list", "--org", "A社")
		if len(members) != 2 || members[1].Role != "executive" || members[1].OrgID != a.ID {
			t.Errorf("member list --json = %+v", members)
		}
		wantErr(t, c.fails("member", "role", "--org", "A社", "--email", "owner@example.jp", "--role", "staff"), soroe.EConflict, "role", "last_owner")
		wantErr(t, c.fails("member", "remove", "--org", "A社", "--email", "owner@example.jp"), soroe.EConflict, "role", "last_owner")
		wantErr(t, c.fails("member", "role", "--org", "B社", "--email", "staff@example.jp", "--role", "staff"), soroe.ENotFound, "email", "not a member")
		// With a second owner, the first may step down.
		c.ok("member", "role", "--org", "A社", "--email", "staff@example.jp", "--role", "owner")
		c.ok("member", "role", "--org", "A社", "--email", "owner@example.jp", "--role", "manager")
		c.ok("member", "role", "--org", "A社", "--email", "owner@example.jp", "--role", "owner")
		c.ok("member", "role", "--org", "A社", "--email", "staff@example.jp", "--role", "staff")

		// token create: staff belongs to A社 only, so --org may be left out.
		db := c.db()
		staffSecret := c.createToken("--email", "staff@example.jp", "--name", "CI")
		tok, err := db.TokenBySecret(ctx, staffSecret)
		if err != nil {
			t.Fatal(err)
		}
		if tok.OrgID != a.ID || tok.Name != "CI" {
			t.Errorf("token = %+v", tok)
		}
		// owner belongs to two: the error lists them.
		wantErr(t, c.fails("token", "create", "--email", "owner@example.jp"), soroe.EInvalid, "org", "A社", "B社", "--org",
			strconv.FormatInt(a.ID, 10), strconv.FormatInt(b.ID, 10))
		ownerSecret := c.createToken("--email", "owner@example.jp", "--org", "B社")
		if tok, err := db.TokenBySecret(ctx, ownerSecret); err != nil || tok.OrgID != b.ID || tok.Name != "API" {
			t.Errorf("owner token = %+v, %v", tok, err)
		}
		wantErr(t, c.fails("token", "create", "--email", "staff@example.jp", "--org", "B社"), soroe.ENotFound, "email", "not a member")
		c.addUser("loner@example.jp", "")
		wantErr(t, c.fails("token", "create", "--email", "loner@example.jp"), soroe.EInvalid, "org", "no organization")

		// token list
		var toks []jsonToken
		c.json(&toks, "token", "list", "--email", "owner@example.jp")
		if len(toks) != 1 || toks[0].OrgID != b.ID || toks[0].OrgName != "B社" || !strings.HasPrefix(ownerSecret, toks[0].Prefix) {
			t.Errorf("token list --json = %+v", toks)
		}
		c.json(&toks, "token", "list", "--email", "owner@example.jp", "--org", "A社")
		if len(toks) != 0 {
			t.Errorf("owner's tokens in A社 = %+v", toks)
		}
		c.json(&toks, "token", "list", "--email", "staff@example.jp", "--org", "A社")
		if len(toks) != 1 || toks[0].Name != "CI" || toks[0].LastUsedAt == nil {
			t.Errorf("staff tokens = %+v", toks)
		}
		staffTokenID := toks[0].ID
		if table := c.ok("token", "list", "--email", "staff@example.jp"); !strings.Contains(table, toks[0].Prefix) || strings.Contains(table, staffSecret) {
			t.Errorf("token list table:\n%s", table)
		}
		if out := c.ok("token", "list", "--email", "owner@example.jp", "--json"); strings.Contains(out, ownerSecret) || strings.Contains(out, "hash") {
			t.Errorf("token list leaks secrets: %s", out)
		}

		// token revoke
		id := strconv.FormatInt(staffTokenID, 10)
		wantErr(t, c.fails("token", "revoke", "--email", "owner@example.jp", "--org", "A社", id), soroe.ENotFound, "ID")
		c.ok("token", "revoke", "--email", "staff@example.jp", "--org", "A社", id)
		if _, err := db.TokenBySecret(ctx, staffSecret); soroe.ErrorCode(err) != soroe.ENotFound {
			t.Errorf("revoked token still works: %v", err)
		}
		wantErr(t, c.fails("token", "revoke", "--email", "staff@example.jp", id), soroe.ENotFound, "ID")
		wantErr(t, c.fails("token", "revoke", "--email", "staff@example.jp", "abc"), soroe.EInvalid, "ID")

		// member remove takes the member's tokens there with it.
		again := c.createToken("--email", "staff@example.jp")
		c.ok("member", "remove", "--org", "A社", "--email", "staff@example.jp")
		if _, err := db.TokenBySecret(ctx, again); soroe.ErrorCode(err) != soroe.ENotFound {
			t.Errorf("token of a removed member still works: %v", err)
		}
		c.json(&members, "member", "list", "--org", strconv.FormatInt(a.ID, 10))
		if len(members) != 1 || members[0].Email != "owner@example.jp" {
			t.Errorf("members after remove = %+v", members)
		}
		wantErr(t, c.fails("member", "remove", "--org", "A社", "--email", "staff@example.jp"), soroe.ENotFound, "email", "not a member")
		if _, err := db.UserByEmail(ctx, "staff@example.jp"); err != nil {
			t.Errorf("member remove deleted the user: %v", err)
		}
	})
}

func TestOrgResolve(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		c.addUser("owner@example.jp", "")
		for _, name := range []string{"Same", "Same", "Other"} {
			c.ok("org", "add", "--name", name, "--owner", "owner@example.jp")
		}
		var orgs []jsonOrg
		c.json(&orgs, "org", "list")
		if len(orgs) != 3 {
			t.Fatalf("orgs = %+v", orgs)
		}
		id0, id1 := strconv.FormatInt(orgs[0].ID, 10), strconv.FormatInt(orgs[1].ID, 10)
		wantErr(t, c.fails("org", "show", "Same"), soroe.EInvalid, "org", "Same", id0, id1, "ID")
		wantErr(t, c.fails("member", "list", "--org", "Same"), soroe.EInvalid, "org", "Same")
		wantErr(t, c.fails("org", "show", "same"), soroe.ENotFound, "org", "same")
		wantErr(t, c.fails("org", "show", "999999"), soroe.ENotFound, "org")
		var d jsonOrgDetail
		c.json(&d, "org", "show", id1)
		if d.ID != orgs[1].ID {
			t.Errorf("by ID: %+v", d)
		}
		c.json(&d, "org", "show", "Other")
		if d.ID != orgs[2].ID {
			t.Errorf("by name: %+v", d)
		}
		// A name that looks like an ID: the ID wins; the name still works
		// where no organization has that ID.
		c.ok("org", "add", "--name", id0, "--owner", "owner@example.jp")
		c.ok("org", "add", "--name", "424242", "--owner", "owner@example.jp")
		c.json(&d, "org", "show", id0)
		if d.ID != orgs[0].ID || d.Name != "Same" {
			t.Errorf("numeric ref %s resolved to %+v", id0, d)
		}
		c.json(&d, "org", "show", "424242")
		if d.Name != "424242" {
			t.Errorf("numeric name resolved to %+v", d)
		}
		// Without ORG there are several to choose from: the error lists them.
		wantErr(t, c.fails("org", "show"), soroe.EInvalid, "org", "--org", "Same", "Other", id0, id1)
	})
}

// TestOrgDefault: a command given no --org works on the only organization,
// and with several it fails naming each one (ID and name) and --org.
func TestOrgDefault(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		c.addUser("owner@example.jp", "")
		c.addUser("staff@example.jp", "")
		wantErr(t, c.fails("member", "list"), soroe.ENotFound, "org", "no organization", "soroe org add")
		c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp")
		var orgs []jsonOrg
		c.json(&orgs, "org", "list")
		a := strconv.FormatInt(orgs[0].ID, 10)

		// One organization: every kind of command takes it as the default.
		c.ok("member", "add", "--email", "staff@example.jp", "--role", "staff")
		if out := c.ok("member", "list"); !strings.Contains(out, "staff@example.jp") {
			t.Errorf("member list without --org:\n%s", out)
		}
		if out := c.ok("org", "show"); !strings.Contains(out, "A社") {
			t.Errorf("org show without ORG:\n%s", out)
		}
		for _, args := range [][]string{{"goal", "list"}, {"post", "list"}, {"template", "list"}, {"material", "list"}} {
			c.ok(args...)
		}
		c.ok("goal", "add", "--as", "owner@example.jp", "--title", "資料請求を増やす", "--purpose", "lead_generation",
			"--start", "2026-01-01", "--deadline", "2026-03-31", "--metric", "impressions", "--target", "1000")
		if out := c.ok("goal", "list"); !strings.Contains(out, "資料請求を増やす") {
			t.Errorf("goal list without --org:\n%s", out)
		}

		// Several: the message lists every organization and says --org.
		c.ok("org", "add", "--name", "B社", "--owner", "owner@example.jp")
		c.json(&orgs, "org", "list")
		b := strconv.FormatInt(orgs[1].ID, 10)
		for _, args := range [][]string{{"member", "list"}, {"goal", "list"}, {"post", "list"}, {"org", "show"}} {
			wantErr(t, c.fails(args...), soroe.EInvalid, "org", "2 organizations", "--org", `"A社"`, `"B社"`, a, b)
		}
		// --as commands default to the member's only organization; a member
		// of both must choose.
		wantErr(t, c.fails("goal", "add", "--as", "owner@example.jp", "--title", "t", "--purpose", "lead_generation",
			"--start", "2026-01-01", "--deadline", "2026-03-31", "--metric", "impressions", "--target", "1"),
			soroe.EInvalid, "org", "--org", `"A社"`, `"B社"`)
		c.ok("member", "role", "--org", "A社", "--email", "staff@example.jp", "--role", "executive")
		c.ok("goal", "add", "--as", "staff@example.jp", "--title", "t", "--purpose", "lead_generation",
			"--start", "2026-01-01", "--deadline", "2026-03-31", "--metric", "impressions", "--target", "1")
	})
}

func TestMigrateCommands(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		var st []migrationRow
		c.json(&st, "migrate", "status")
		if len(st) == 0 || st[0].Version != 1 || st[0].File != "00001_foundation.sql" || st[0].State != "pending" || st[0].AppliedAt != nil {
			t.Fatalf("status before = %+v", st)
		}
		out := c.ok("migrate")
		if !strings.Contains(out, "applied 00001_foundation.sql (version 1)") {
			t.Errorf("migrate printed %q", out)
		}
		if out := c.ok("migrate"); !strings.Contains(out, "up to date") || strings.Contains(out, "applied ") {
			t.Errorf("second migrate printed %q", out)
		}
		c.json(&st, "migrate", "status")
		for _, s := range st {
			if s.State != "applied" || s.AppliedAt == nil {
				t.Errorf("status after: %+v", s)
			}
		}
		if table := c.ok("migrate", "status"); !strings.HasPrefix(table, "VERSION") || !strings.Contains(table, "applied") {
			t.Errorf("status table:\n%s", table)
		}
	})
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	c := newCLI(t, store.SQLite)
	c.addUser("owner@example.jp", "オーナー")
	c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp")
	restore := t.TempDir()
	file := filepath.Join(restore, store.SQLiteFile)
	if out := c.ok("backup", file); !strings.Contains(out, file) {
		t.Errorf("backup printed %q", out)
	}
	wantErr(t, c.fails("backup", file), soroe.EConflict, "FILE", "already exists")

	db, err := store.Open(ctx, store.Config{DataDir: restore})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByEmail(ctx, "owner@example.jp")
	if err != nil || u.Name != "オーナー" {
		t.Fatalf("user in backup: %+v, %v", u, err)
	}
	orgs, err := db.Orgs(ctx)
	if err != nil || len(orgs) != 1 || orgs[0].Name != "A社" {
		t.Fatalf("orgs in backup: %+v, %v", orgs, err)
	}
	if m, err := db.Member(ctx, orgs[0].ID, u.ID); err != nil || m.Role != soroe.RoleOwner {
		t.Errorf("member in backup: %+v, %v", m, err)
	}

	// A data directory without a database is not silently created.
	empty := &cliEnv{t: t, data: filepath.Join(t.TempDir(), "none")}
	wantErr(t, empty.fails("backup", filepath.Join(t.TempDir(), "x.db")), soroe.ENotFound, "data", "no database")

	// PostgreSQL: pointed to pg_dump, without connecting anywhere.
	pg := &cliEnv{t: t, data: t.TempDir(), dbURL: "postgres://nobody@192.0.2.1:1/none"}
	start := time.Now()
	wantErr(t, pg.fails("backup", filepath.Join(t.TempDir(), "x.db")), soroe.EInvalid, "database-url", "pg_dump", "docs/operations.md")
	if time.Since(start) > 5*time.Second {
		t.Error("backup on PostgreSQL tried to connect")
	}
}

// TestCommandsWhileServerRuns runs the commands while another *store.DB, as a
// running server has, holds the same SQLite database open and writes to it.
func TestCommandsWhileServerRuns(t *testing.T) {
	ctx := context.Background()
	c := newCLI(t, store.SQLite)
	server := c.db()
	if err := server.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	var (
		wg        sync.WaitGroup
		serverErr error
		writes    int
	)
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			tok := "session-" + strconv.Itoa(i%50)
			if err := server.Sessions().CommitCtx(ctx, tok, []byte("data"), time.Now().Add(time.Hour)); err != nil {
				serverErr = err
				return
			}
			if _, err := server.Orgs(ctx); err != nil {
				serverErr = err
				return
			}
			writes++
		}
	})

	c.addUser("owner@example.jp", "オーナー")
	c.addUser("staff@example.jp", "")
	c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp")
	c.ok("member", "add", "--org", "A社", "--email", "staff@example.jp", "--role", "staff")
	secret := c.createToken("--email", "staff@example.jp")
	c.ok("migrate")
	var orgs []jsonOrg
	c.json(&orgs, "org", "list")
	c.ok("backup", filepath.Join(t.TempDir(), "copy.db"))
	close(stop)
	wg.Wait()
	if serverErr != nil {
		t.Fatalf("the server's writes failed: %v", serverErr)
	}
	if writes == 0 {
		t.Error("the server wrote nothing meanwhile")
	}
	if len(orgs) != 1 || orgs[0].MemberCount != 2 {
		t.Errorf("org list = %+v", orgs)
	}
	// The server sees what the commands wrote.
	tok, err := server.TokenBySecret(ctx, secret)
	if err != nil {
		t.Fatalf("server cannot use the token the CLI made: %v", err)
	}
	if tok.OrgID != orgs[0].ID {
		t.Errorf("token = %+v", tok)
	}
}

func TestVersion(t *testing.T) {
	c := &cliEnv{t: t, data: t.TempDir()}
	if out := c.ok("version"); out != version()+"\n" || out == "\n" {
		t.Errorf("version printed %q", out)
	}
}

// TestHelp checks that every command and flag explains itself, and that every
// list and show command takes --json.
func TestHelp(t *testing.T) {
	root := newRoot(&bytes.Buffer{}, &bytes.Buffer{})
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		if cmd.Short == "" {
			t.Errorf("%q has no short help", cmd.CommandPath())
		}
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Usage == "" {
				t.Errorf("%s --%s has no help text", cmd.CommandPath(), f.Name)
			}
		})
		if (cmd.Name() == "list" || cmd.Name() == "show" || cmd.CommandPath() == "soroe migrate status") && cmd.Flags().Lookup("json") == nil {
			t.Errorf("%s has no --json", cmd.CommandPath())
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, name := range []string{"migrate", "user", "org", "member", "token", "backup", "version"} {
		if sub, _, err := root.Find([]string{name}); err != nil || sub.Name() != name {
			t.Errorf("no %q command", name)
		}
	}
	c := &cliEnv{t: t, data: t.TempDir()}
	if out := c.ok("token", "create", "--help"); !strings.Contains(out, "--org") || !strings.Contains(out, "TOKEN=$(") {
		t.Errorf("token create --help:\n%s", out)
	}
}

func TestTextTableAlignsWideCharacters(t *testing.T) {
	tb := &textTable{}
	tb.row("ID", "NAME", "ROLE")
	tb.row("1", "山田 花子", "owner")
	tb.row("22", "Taro", "staff")
	var b bytes.Buffer
	if err := tb.write(&b); err != nil {
		t.Fatal(err)
	}
	want := "ID  NAME       ROLE\n" +
		"1   山田 花子  owner\n" +
		"22  Taro       staff\n"
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}
