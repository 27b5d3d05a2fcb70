package main

import (
	"context"
	"fmt"
	"path"
	"strconv"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/spf13/cobra"

	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, migrateCmd) }

// openUnmigrated opens the store as it is, for the commands that must not
// change the schema first (migrate, migrate status, backup).
func (a *app) openUnmigrated(ctx context.Context) (*store.DB, error) {
	return store.Open(ctx, store.Config{DataDir: a.dataDir, DatabaseURL: a.databaseURL, Clock: a.clock})
}

// migrationRow is one migration in `soroe migrate status --json`.
type migrationRow struct {
	Version   int64      `json:"version"`
	File      string     `json:"file"`
	State     string     `json:"state"`
	AppliedAt *time.Time `json:"applied_at,omitempty"`
}

func migrationRows(st []*goose.MigrationStatus) []migrationRow {
	rows := make([]migrationRow, 0, len(st))
	for _, s := range st {
		r := migrationRow{Version: s.Source.Version, File: path.Base(s.Source.Path), State: string(s.State)}
		if s.State == goose.StateApplied && !s.AppliedAt.IsZero() {
			at := s.AppliedAt.UTC()
			r.AppliedAt = &at
		}
		rows = append(rows, r)
	}
	return rows
}

func migrateCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations",
		Long: `Apply every pending migration to the database and list the ones applied.

Each migration runs in its own transaction, and on PostgreSQL one instance
migrates at a time, so this is safe while servers run. The server also
migrates when it starts.`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd, a.openUnmigrated, func(ctx context.Context, db *store.DB) error {
				before, err := db.MigrationStatus(ctx)
				if err != nil {
					return err
				}
				if err := db.Migrate(ctx); err != nil {
					return err
				}
				after, err := db.MigrationStatus(ctx)
				if err != nil {
					return err
				}
				pending := map[int64]bool{}
				for _, s := range before {
					if s.State != goose.StateApplied {
						pending[s.Source.Version] = true
					}
				}
				var applied int
				var version int64
				for _, r := range migrationRows(after) {
					if r.State == string(goose.StateApplied) {
						version = max(version, r.Version)
						if pending[r.Version] {
							applied++
							fmt.Fprintf(a.stdout, "applied %s (version %d)\n", r.File, r.Version)
						}
					}
				}
				if applied == 0 {
					fmt.Fprintf(a.stdout, "%s database is up to date (version %d)\n", db.Engine, version)
				} else {
					fmt.Fprintf(a.stdout, "%s database is at version %d\n", db.Engine, version)
				}
				return nil
			})
		}),
	}
	cmd.AddCommand(migrateStatusCmd(a))
	return cmd
}

func migrateStatusCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "List the migrations and whether each is applied (changes nothing)",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withStore(cmd, a.openUnmigrated, func(ctx context.Context, db *store.DB) error {
				st, err := db.MigrationStatus(ctx)
				if err != nil {
					return err
				}
				return printList(a, asJSON, migrationRows(st), []string{"VERSION", "FILE", "STATE", "APPLIED"}, func(r migrationRow) []string {
					return []string{strconv.FormatInt(r.Version, 10), r.File, r.State, fmtTimePtr(r.AppliedAt)}
				})
			})
		}),
	}
	jsonFlag(cmd, &asJSON)
	return cmd
}
