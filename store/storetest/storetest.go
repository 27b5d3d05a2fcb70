// Package storetest gives tests a fresh, migrated database on every engine:
// SQLite always, and PostgreSQL when SOROE_TEST_POSTGRES holds a URL (each
// test gets its own schema there, dropped afterwards).
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// EnvPostgres names the variable that turns the PostgreSQL runs on.
const EnvPostgres = "SOROE_TEST_POSTGRES"

// Clock is a settable clock for tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t.UTC()} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock forward.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Epoch is where test clocks start: a Monday morning in Tokyo.
var Epoch = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

// Engines lists the engines tests run on here.
func Engines() []store.Engine {
	if os.Getenv(EnvPostgres) != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// DB runs fn once per engine, as a subtest named after it, each with a fresh
// migrated database and a clock stopped at Epoch.
func DB(t *testing.T, fn func(t *testing.T, db *store.DB, clock *Clock)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := NewClock(Epoch)
			fn(t, Open(t, e, clock.Now), clock)
		})
	}
}

// Config returns a store configuration for a fresh, empty database on engine
// e; the database goes away when the test ends.
func Config(t testing.TB, e store.Engine) store.Config {
	t.Helper()
	if e == store.SQLite {
		return store.Config{DataDir: t.TempDir()}
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip("PostgreSQL tests are off: set " + EnvPostgres + " to a postgres:// URL to run them")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "soroe_test_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvPostgres, err)
	}
	defer conn.Close(ctx)
	// pg_trgm (the history search's index) lives once per database: made
	// here in public, a migration's CREATE EXTENSION IF NOT EXISTS finds it,
	// instead of creating it in the first test's schema, whose drop would
	// take every other test's indexes with it.
	if err := ensureTrigram(ctx, conn); err != nil {
		t.Fatalf("pg_trgm: %v", err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema: %v", err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return store.Config{DatabaseURL: u.String()}
}

// ensureTrigram creates pg_trgm in public unless it exists; two test
// processes creating it at once may race, so a failure is retried once.
func ensureTrigram(ctx context.Context, conn *pgx.Conn) error {
	const q = "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"
	if _, err := conn.Exec(ctx, q); err != nil {
		time.Sleep(100 * time.Millisecond)
		_, err = conn.Exec(ctx, q)
		return err
	}
	return nil
}

// Open returns a fresh migrated database on engine e.
func Open(t testing.TB, e store.Engine, clock soroe.Clock) *store.DB {
	t.Helper()
	cfg := Config(t, e)
	cfg.Clock = clock
	ctx := context.Background()
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
