package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/demo"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/store"
)

// syncBuffer is a bytes.Buffer that the server's goroutines and the test may
// use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveProc is one `soroe serve` running in-process, through the same command
// tree main runs.
type serveProc struct {
	t              testing.TB
	URL            string // http://127.0.0.1:port
	stdout, stderr *syncBuffer
	cancel         context.CancelFunc
	done           chan error
	stopped        bool
	err            error
}

// runningAt is the line serve prints once it listens.
var runningAt = regexp.MustCompile(`Soroe is running at (https?://\S+)\n`)

// serveStartTimeout bounds how long serve may take to listen (migrations
// included).
const serveStartTimeout = 30 * time.Second

// launchServe runs `soroe serve` on data (SQLite) or dbURL (PostgreSQL) on a
// free loopback port and waits until it listens. It returns serve's error if
// serve returns before that. The flags that an environment variable could
// set are given explicitly, so that SOROE_* variables cannot leak in; args
// come last and win.
func launchServe(t testing.TB, data, dbURL string, args ...string) (*serveProc, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &serveProc{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	root := newRoot(p.stdout, p.stderr)
	root.SetArgs(append([]string{"serve",
		"--data=" + data, "--database-url=" + dbURL,
		"--addr=127.0.0.1:0", "--base-url=", "--demo=false", "--trust-proxy=false",
		"--log-format=text", "--log-level=info",
	}, args...))
	go func() { p.done <- root.ExecuteContext(ctx) }()
	deadline := time.NewTimer(serveStartTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if m := runningAt.FindStringSubmatch(p.stdout.String()); m != nil {
			p.URL = m[1]
			break
		}
		select {
		case err := <-p.done:
			cancel()
			p.stopped, p.err = true, err
			if err == nil {
				err = errors.New("serve returned nil before it listened")
			}
			return nil, err
		case <-deadline.C:
			cancel()
			t.Fatalf("serve did not listen within %s\nstdout:\n%s\nstderr:\n%s", serveStartTimeout, p.stdout, p.stderr)
		case <-tick.C:
		}
	}
	t.Cleanup(func() {
		if p.stopped {
			return
		}
		if err := p.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return p, nil
}

// startServe is launchServe for a server that must start.
func startServe(t testing.TB, data, dbURL string, args ...string) *serveProc {
	t.Helper()
	p, err := launchServe(t, data, dbURL, args...)
	if err != nil {
		t.Fatalf("serve %s: %v", strings.Join(args, " "), err)
	}
	return p
}

// serveStopTimeout bounds a graceful shutdown of an idle server.
const serveStopTimeout = 5 * time.Second

// stop cancels serve's context, as SIGTERM does in main, and returns what
// serve returned. It fails the test if serve takes longer than
// serveStopTimeout.
func (p *serveProc) stop() error {
	if p.stopped {
		return p.err
	}
	p.stopped = true
	p.cancel()
	select {
	case p.err = <-p.done:
	case <-time.After(serveStopTimeout):
		p.err = errors.New("serve did not stop in time")
		p.t.Errorf("serve did not return within %s of its context ending\nstderr:\n%s", serveStopTimeout, p.stderr)
	}
	return p.err
}

// get fetches a path and returns the status and body.
func (p *serveProc) get(path string) (int, string) {
	p.t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	res, err := c.Get(p.URL + path)
	if err != nil {
		p.t.Fatalf("GET %s: %v\nstderr:\n%s", path, err, p.stderr)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode, string(b)
}

// checkHealthz checks that /healthz answers ok on engine e.
func checkHealthz(t *testing.T, p *serveProc, e store.Engine) {
	t.Helper()
	status, body := p.get("/healthz")
	var h struct{ Status, Database string }
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("/healthz: %v: %q", err, body)
	}
	if status != http.StatusOK || h.Status != "ok" || h.Database != string(e) {
		t.Errorf("/healthz = %d %q; want 200 ok on %s", status, body, e)
	}
}

// openStore opens the database serve uses, migrated, as another process
// (the CLI) would.
func (c *cliEnv) openStore(clock soroe.Clock) *store.DB {
	c.t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: c.data, DatabaseURL: c.dbURL, Clock: clock})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		c.t.Fatal(err)
	}
	return db
}

// TestServe runs the serve command on each engine: it listens, reports
// health with the engine's name, shows the demo logins, and shuts down
// cleanly when its context ends (as on SIGTERM).
func TestServe(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		p := startServe(t, c.data, c.dbURL, "--demo")
		checkHealthz(t, p, engineOf(c))

		for _, u := range demo.Users {
			if !strings.Contains(p.stdout.String(), u.Email) {
				t.Errorf("stdout does not list the demo login %s:\n%s", u.Email, p.stdout)
			}
		}
		status, body := p.get("/login")
		if status != http.StatusOK || !strings.Contains(body, "exec@demo.soroe.local") {
			t.Errorf("GET /login = %d; want 200 with the demo logins", status)
		}
		if status, _ := p.get("/no-such-page"); status != http.StatusNotFound {
			t.Errorf("GET /no-such-page = %d; want 404", status)
		}

		start := time.Now()
		if err := p.stop(); err != nil {
			t.Fatalf("serve returned %v after its context ended; want nil\nstderr:\n%s", err, p.stderr)
		}
		t.Logf("graceful shutdown took %s", time.Since(start).Round(time.Millisecond))
		if !strings.Contains(p.stderr.String(), "msg=stopped") {
			t.Errorf("serve did not log that it stopped:\n%s", p.stderr)
		}
		// The port is closed.
		if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.URL, "http://"), time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections after serve returned", p.URL)
		}
	})
}

// engineOf is the engine a cliEnv's database is on.
func engineOf(c *cliEnv) store.Engine {
	if c.dbURL != "" {
		return store.Postgres
	}
	return store.SQLite
}

// TestServeSeedsDemoOnce restarts serve --demo on the same database after a
// user renamed the demo organization: the second start seeds nothing and
// keeps the name.
func TestServeSeedsDemoOnce(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		p := startServe(t, c.data, c.dbURL, "--demo")
		if err := p.stop(); err != nil {
			t.Fatal(err)
		}

		db := c.openStore(nil)
		orgs, err := db.Orgs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 1 || orgs[0].Name != demo.OrgName {
			t.Fatalf("after the first start, orgs = %+v; want the demo organization only", orgs)
		}
		for _, u := range demo.Users {
			du, err := db.UserByEmail(ctx, u.Email)
			if err != nil {
				t.Fatalf("demo user %s: %v", u.Email, err)
			}
			m, err := db.Member(ctx, orgs[0].ID, du.ID)
			if err != nil || m.Role != u.Role {
				t.Errorf("demo user %s: member %+v, %v; want role %s", u.Email, m, err, u.Role)
			}
		}
		const renamed = "株式会社 名前を変えた"
		org := orgs[0]
		org.Name = renamed
		if err := db.UpdateOrg(ctx, org); err != nil {
			t.Fatal(err)
		}
		users, err := db.CountUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}

		p = startServe(t, c.data, c.dbURL, "--demo")
		if err := p.stop(); err != nil {
			t.Fatal(err)
		}
		orgs, err = db.Orgs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(orgs) != 1 || orgs[0].Name != renamed {
			t.Errorf("after a restart, orgs = %+v; want one organization still named %q", orgs, renamed)
		}
		if n, err := db.CountUsers(ctx); err != nil || n != users {
			t.Errorf("after a restart, %d users (%v); want %d", n, err, users)
		}
	})
}

// TestServeDemoLoopbackOnly: --demo serves well-known passwords, so it
// refuses a non-loopback address unless --demo-public is given, and it
// refuses before it touches the data directory.
func TestServeDemoLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0"} {
		data := t.TempDir()
		_, err := launchServe(t, data, "", "--demo", "--addr", addr)
		if err == nil || !strings.Contains(err.Error(), "--demo-public") {
			t.Errorf("serve --demo --addr %s: error %v; want a refusal that names --demo-public", addr, err)
		}
		if entries, _ := os.ReadDir(data); len(entries) != 0 {
			t.Errorf("serve --demo --addr %s wrote to the data directory before refusing: %v", addr, entries)
		}
	}
	// Loopback names are fine without --demo-public.
	for _, addr := range []string{"localhost:0", "[::1]:0"} {
		if addr == "[::1]:0" && !haveIPv6Loopback() {
			continue
		}
		p := startServe(t, t.TempDir(), "", "--demo", "--addr", addr)
		if err := p.stop(); err != nil {
			t.Errorf("serve --demo --addr %s: %v", addr, err)
		}
	}
	// --demo-public lets it listen everywhere (only for a moment here).
	p := startServe(t, t.TempDir(), "", "--demo", "--demo-public", "--addr", "0.0.0.0:0")
	if err := p.stop(); err != nil {
		t.Errorf("serve --demo --demo-public --addr 0.0.0.0:0: %v", err)
	}
}

func haveIPv6Loopback() bool {
	l, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// TestServeRunsCleanUpJob proves that serve runs River's periodic clean-up on
// each engine: an expired session and an old login failure written before
// the start are gone soon after, and a live session stays.
func TestServeRunsCleanUpJob(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		now := time.Now().UTC()
		db := c.openStore(nil)
		sess := db.Sessions()
		if err := sess.CommitCtx(ctx, "expired-session", []byte("x"), now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := sess.CommitCtx(ctx, "live-session", []byte("x"), now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// A login failure from two days ago, written through a store whose
		// clock is two days behind.
		old := c.openStore(func() time.Time { return now.Add(-48 * time.Hour) })
		if err := old.RecordLoginFailure(ctx, "email:old@example.jp"); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordLoginFailure(ctx, "email:recent@example.jp"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountSessions(ctx); err != nil || n != 2 {
			t.Fatalf("sessions before the start: %d, %v; want 2", n, err)
		}

		start := time.Now()
		p := startServe(t, c.data, c.dbURL)
		for {
			n, err := db.CountSessions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 1 {
				break
			}
			if time.Since(start) > 30*time.Second {
				t.Fatalf("the expired session is still there 30 s after the start\nstderr:\n%s", p.stderr)
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Logf("clean-up ran %s after the start", time.Since(start).Round(time.Millisecond))
		if _, ok, err := sess.FindCtx(ctx, "live-session"); err != nil || !ok {
			t.Errorf("the live session went too (%v)", err)
		}
		if n, _, err := db.LoginFailures(ctx, "email:old@example.jp", 72*time.Hour); err != nil || n != 0 {
			t.Errorf("old login failures left: %d (%v); want 0", n, err)
		}
		if n, _, err := db.LoginFailures(ctx, "email:recent@example.jp", time.Hour); err != nil || n != 1 {
			t.Errorf("recent login failures: %d (%v); want 1", n, err)
		}
		// It was River's job that did it: River records it as completed
		// (a moment after the worker's delete commits).
		var state string
		for {
			err := db.Writer().QueryRowContext(ctx, "SELECT state FROM river_job WHERE kind = $1", jobs.CleanUpKind).Scan(&state)
			if err != nil {
				t.Fatalf("the clean-up job's row in river_job: %v", err)
			}
			if state == "completed" || time.Since(start) > 30*time.Second {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if state != "completed" {
			t.Errorf("the clean-up job is %q; want completed", state)
		}
		if !strings.Contains(p.stderr.String(), "jobs: cleaned up") {
			t.Errorf("serve did not log the clean-up job:\n%s", p.stderr)
		}
		if err := p.stop(); err != nil {
			t.Fatal(err)
		}
	})
}
