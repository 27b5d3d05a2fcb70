package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// crashKey is the secret key of the servers the crash test starts.
const crashKey = "crash-test-secret-key-of-more-than-32-chars"

// buildSoroe builds the soroe command into dir, as a release would.
func buildSoroe(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "soroe")
	cmd := exec.Command("go", "build", "-o", path, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// crashServer is one `soroe serve` child process.
type crashServer struct {
	cmd *exec.Cmd
	out *syncBuffer
}

// startCrashServer starts `soroe serve` against cfg's database with the
// X API at xURL, every SOROE_* variable of the test's own environment left
// out, and a publishing schedule of fractions of a second.
func startCrashServer(t *testing.T, bin string, cfg store.Config, xURL string) *crashServer {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SOROE_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"SOROE_ADDR=127.0.0.1:0", "SOROE_SECRET_KEY="+crashKey, "SOROE_LOG_LEVEL=info",
		"SOROE_NETWORK_X_API_URL="+xURL, "SOROE_ALLOW_PRIVATE_URLS=1",
		envDispatchEvery+"=200ms", envResolveEvery+"=300ms", envLease+"=2s", envGrace+"=1s",
		envRedispatch+"=1s", envJobsPoll+"=50ms",
	)
	if cfg.DatabaseURL != "" {
		env = append(env, "SOROE_DATABASE_URL="+cfg.DatabaseURL)
	} else {
		env = append(env, "SOROE_DATA="+cfg.DataDir)
	}
	s := &crashServer{cmd: exec.Command(bin, "serve"), out: &syncBuffer{}}
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("server %d output:\n%s", s.cmd.Process.Pid, s.out)
		}
	})
	return s
}

// kill ends the server with SIGKILL: no graceful shutdown, no deferred
// write, as when the machine loses power.
func (s *crashServer) kill() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

// sentLines counts the posts this server reported sent.
func (s *crashServer) sentLines() int { return strings.Count(s.out.String(), `msg="publish: sent"`) }

// TestPublishCrashServe schedules 200 posts due now on an X account — X
// has no idempotency key, the hard case — and starts the real `soroe
// serve` against a loopback X fake that stalls each answer. It kills the
// server with SIGKILL while it publishes (after some posts, not all,
// reached the fake), starts it again, and checks that every post reached
// the fake exactly once: none lost, none twice. Attempts cut off mid-call
// become unconfirmed and are settled by the check of the account's recent
// posts. With two servers on one PostgreSQL, one is killed while the other
// keeps publishing.
//
// It supersedes jobs/publish_crash_test.go, which kills only the River
// runner in a test binary; that one stays as the cheaper check of the
// jobs package alone.
func TestPublishCrashServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds soroe and starts processes")
	}
	bin := buildSoroe(t, t.TempDir())
	for _, c := range []struct {
		name    string
		engine  store.Engine
		servers int
	}{
		{"sqlite", store.SQLite, 1},
		{"postgres", store.Postgres, 1},
		{"postgres_two_servers", store.Postgres, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.engine == store.Postgres && os.Getenv(storetest.EnvPostgres) == "" {
				t.Skip("PostgreSQL is off: set " + storetest.EnvPostgres + " to a postgres:// URL to run the crash test with one and two servers on PostgreSQL")
			}
			crashServe(t, bin, storetest.Config(t, c.engine), c.servers)
		})
	}
}

func crashServe(t *testing.T, bin string, cfg store.Config, servers int) {
	const n = 200
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fake := nettest.NewXFake()
	defer fake.Close()
	fake.Set(func(f *nettest.XFake) { f.Limit = 1 << 30; f.CreateDelay = 40 * time.Millisecond })

	box, err := secretbox.New(crashKey)
	if err != nil {
		t.Fatal(err)
	}
	org := &soroe.Org{Name: "揃え工務店"}
	user := &soroe.User{Email: "pr@example.jp", Name: "鈴木", PasswordHash: "x"}
	if err := db.CreateUserWithOrg(ctx, user, org); err != nil {
		t.Fatal(err)
	}
	secret, err := publish.SealCredentials(box, org.ID, network.Credentials{AccessToken: "x-access-1"})
	if err != nil {
		t.Fatal(err)
	}
	acct := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: "揃え工務店 X", Handle: "@shop"}
	if err := db.CreateAccount(ctx, acct, secret); err != nil {
		t.Fatal(err)
	}
	texts := map[string]int64{} // text → target
	for i := range n {
		at := db.Now()
		p := &soroe.Post{OrgID: org.ID, AuthorID: user.ID, State: soroe.PostScheduled, ScheduledAt: &at}
		tg := &soroe.Target{AccountID: acct.ID, Text: fmt.Sprintf("完成見学会のお知らせ 第%d回", i+1)}
		if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
			t.Fatal(err)
		}
		texts[tg.Text] = tg.ID
	}

	creates := func() int {
		var c int
		fake.Set(func(f *nettest.XFake) { c = f.Creates })
		return c
	}
	var procs []*crashServer
	for range servers {
		procs = append(procs, startCrashServer(t, bin, cfg, fake.URL))
	}
	deadline := time.Now().Add(60 * time.Second)
	for creates() < n/3 {
		if time.Now().After(deadline) {
			t.Fatalf("the server posted only %d in time", creates())
		}
		time.Sleep(5 * time.Millisecond)
	}
	procs[0].kill()
	killedAt := creates()
	states := targetStates(t, db, org.ID)
	t.Logf("killed after %d posts reached the fake; targets %v", killedAt, states)
	if killedAt >= n {
		t.Fatalf("every post was out before the kill (%d)", killedAt)
	}
	// The killed process may have been River's leader, which schedules the
	// dispatcher: its leadership outlives it by River's TTL (about 15 s,
	// not configurable), and so would the pause in publishing. Clear it,
	// as its expiry would, so that the test takes seconds.
	if _, err := db.Writer().ExecContext(ctx, "DELETE FROM river_leader"); err != nil {
		t.Fatal(err)
	}
	procs = append(procs, startCrashServer(t, bin, cfg, fake.URL))

	for {
		states = targetStates(t, db, org.ID)
		if states[soroe.TargetSent]+states[soroe.TargetFailed] == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart: targets %v, %d posts on the fake", states, creates())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if states[soroe.TargetSent] != n {
		t.Errorf("targets %v, want all %d sent", states, n)
	}
	posts := fake.Snapshot()
	if c := creates(); c != n || len(posts) != n {
		t.Errorf("%d POST requests and %d posts reached the fake, want %d each (a post sent twice is a request too many)", c, len(posts), n)
	}
	for _, p := range posts {
		id, ok := texts[p.Text]
		if !ok {
			t.Errorf("unknown post %q", p.Text)
			continue
		}
		tg, err := db.Target(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if tg.RemoteID != p.ID {
			t.Errorf("target %d has remote ID %q, the fake's post is %s", id, tg.RemoteID, p.ID)
		}
		delete(texts, p.Text)
	}
	if len(texts) > 0 {
		t.Errorf("%d posts never reached the fake", len(texts))
	}
	var unconfirmed, requeued int
	if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM post_events WHERE kind = $1", store.EventUnconfirmed).Scan(&unconfirmed); err != nil {
		t.Fatal(err)
	}
	if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM post_events WHERE kind = $1", store.EventRequeued).Scan(&requeued); err != nil {
		t.Fatal(err)
	}
	var per []int
	for _, p := range procs {
		per = append(per, p.sentLines())
	}
	t.Logf("%d targets were unconfirmed after the kill and settled by the check (%d of them sent again after the grace); posts sent per process %v", unconfirmed, requeued, per)
}

// targetStates counts an organization's targets by state.
func targetStates(t *testing.T, db *store.DB, orgID int64) map[string]int {
	t.Helper()
	rows, err := db.Writer().QueryContext(context.Background(), "SELECT state, COUNT(*) FROM post_targets WHERE org_id = $1 GROUP BY state", orgID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var c int
		if err := rows.Scan(&s, &c); err != nil {
			t.Fatal(err)
		}
		out[s] = c
	}
	return out
}
