// Package store is Soroe's one database/sql store. The same code and the same
// SQL (with $n placeholders, which both engines accept) run on embedded SQLite
// (modernc.org/sqlite) and on PostgreSQL (pgx); the schema differs only where
// store/migrate.go renders a type per engine.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/soroe/soroe"
)

// Engine names a database engine.
type Engine string

// The engines Soroe runs on.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Config says which database to open.
type Config struct {
	// DatabaseURL, when set, is a postgres:// URL and wins over DataDir.
	DatabaseURL string
	// DataDir holds the SQLite database (soroe.db) when DatabaseURL is empty.
	DataDir string
	// Clock defaults to soroe.SystemClock.
	Clock soroe.Clock
}

// DB is the store. On SQLite it keeps a single-connection writer pool beside a
// reader pool (SQLite allows one writer at a time; queuing writes in one
// connection avoids SQLITE_BUSY within the process). On PostgreSQL both are
// the same pool.
type DB struct {
	Engine Engine
	w, r   *sql.DB
	pool   *pgxpool.Pool // PostgreSQL only
	path   string        // SQLite only
	now    soroe.Clock
}

// SQLiteFile is the database file's name inside the data directory.
const SQLiteFile = "soroe.db"

// sqlitePragmas are every SQLite setting Soroe relies on, in one place.
var sqlitePragmas = []string{
	"journal_mode(WAL)",   // readers never block the writer
	"busy_timeout(10000)", // wait for another process's write (the CLI) instead of failing
	"foreign_keys(1)",     // enforce REFERENCES
	"synchronous(NORMAL)", // safe with WAL, much faster than FULL
	"temp_store(MEMORY)",  //
	"cache_size(-32000)",  // 32 MB page cache per connection
	"journal_size_limit(67108864)",
}

// Open opens (and creates, for SQLite) the database. It does not migrate:
// call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	db := &DB{now: cfg.Clock}
	if db.now == nil {
		db.now = soroe.SystemClock
	}
	if cfg.DatabaseURL != "" {
		if !strings.HasPrefix(cfg.DatabaseURL, "postgres://") && !strings.HasPrefix(cfg.DatabaseURL, "postgresql://") {
			return nil, fmt.Errorf("store: database URL must start with postgres:// (got %q)", redact(cfg.DatabaseURL))
		}
		pcfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		if pcfg.ConnConfig.RuntimeParams["timezone"] == "" {
			pcfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
		}
		pool, err := pgxpool.NewWithConfig(ctx, pcfg)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.Engine, db.pool = Postgres, pool
		db.w = stdlib.OpenDBFromPool(pool)
		db.r = db.w
	} else {
		if cfg.DataDir == "" {
			return nil, errors.New("store: no data directory and no database URL")
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.Engine, db.path = SQLite, filepath.Join(cfg.DataDir, SQLiteFile)
		var err error
		if db.w, err = sql.Open("sqlite", sqliteDSN(db.path, "_txlock=immediate")); err != nil {
			return nil, err
		}
		db.w.SetMaxOpenConns(1)
		db.w.SetConnMaxIdleTime(0)
		if db.r, err = sql.Open("sqlite", sqliteDSN(db.path, "_pragma=query_only(1)")); err != nil {
			return nil, err
		}
		db.r.SetMaxOpenConns(max(4, runtime.NumCPU()))
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	return db, nil
}

func sqliteDSN(path string, extra ...string) string {
	q := []string{"_time_format=sqlite"}
	for _, p := range sqlitePragmas {
		q = append(q, "_pragma="+url.QueryEscape(p))
	}
	q = append(q, extra...)
	// The path is a URI path: escape what would end it early (?, #, %).
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + strings.Join(q, "&")
}

// redact hides a password in a database URL.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Close closes the pools.
func (db *DB) Close() error {
	var err error
	if db.w != nil {
		err = db.w.Close()
	}
	if db.r != nil && db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}

// Ping checks that the database answers (used by /healthz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.w.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Writer is the pool that writes; on SQLite it has one connection. River uses
// it on SQLite, as its driver advises.
func (db *DB) Writer() *sql.DB { return db.w }

// PgxPool is the pgx pool on PostgreSQL and nil on SQLite.
func (db *DB) PgxPool() *pgxpool.Pool { return db.pool }

// Now is the store's clock, truncated to what both engines keep.
func (db *DB) Now() time.Time { return ts(db.now()) }

// WithClock returns the store on the same connections with another clock:
// everything it writes is stamped by c. The demo seeds a month of history
// with it, each step at the time it happened. Close the original store,
// not the copy.
func (db *DB) WithClock(c soroe.Clock) *DB {
	cp := *db
	cp.now = c
	return &cp
}

// ts brings a time to UTC and to microseconds, the precision both engines
// store, so that a value read back equals the value written.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// tx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
			return
		}
		err = tx.Commit()
	}()
	return fn(tx)
}

// notFound turns sql.ErrNoRows into soroe.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return soroe.ErrNotFound
	}
	return err
}

// isUnique reports whether err is a unique-constraint violation on either
// engine.
func isUnique(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Backup writes a consistent copy of a live SQLite database to file (which
// must not exist). PostgreSQL is backed up with pg_dump (docs/operations.md).
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.Engine != SQLite {
		return errors.New("store: backup copies SQLite databases; back up PostgreSQL with pg_dump (see docs/operations.md)")
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("store: %s already exists", file)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	// VACUUM INTO reads one snapshot of the database, so writers may go on.
	// It needs a connection that may write (the reader pool is query-only).
	c, err := sql.Open("sqlite", sqliteDSN(db.path))
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.ExecContext(ctx, "VACUUM INTO $1", abs)
	return err
}

// ids runs a query of one integer column on the reader pool.
func (db *DB) ids(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
