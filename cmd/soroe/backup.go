package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, backupCmd) }

// errPostgresBackup is returned when backup is asked of PostgreSQL.
var errPostgresBackup = &soroe.Error{Code: soroe.EInvalid, Field: "database-url",
	Message: "soroe backup copies the embedded SQLite database; back up PostgreSQL with pg_dump (see docs/operations.md)"}

func backupCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the SQLite database to FILE, also while the server runs",
		Long: `Write a consistent copy of the live SQLite database to FILE, which must not
exist yet. The server may keep running: the copy is one snapshot, and writes
go on meanwhile. The database is copied as it is (not migrated first), so a
backup taken before an upgrade holds the old schema.

To restore, stop the server and put the copy in place of soroe.db in the data
directory (removing soroe.db-wal and soroe.db-shm).

On PostgreSQL use pg_dump instead (see docs/operations.md).`,
		Example: `  soroe backup /var/backups/soroe-$(date +%F).db`,
		Args:    cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if a.databaseURL != "" {
				return errPostgresBackup
			}
			file := args[0]
			if _, err := os.Stat(file); err == nil {
				return &soroe.Error{Code: soroe.EConflict, Field: "FILE", Message: fmt.Sprintf("%s already exists; give a new file name", file)}
			}
			src := filepath.Join(a.dataDir, store.SQLiteFile)
			if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
				return &soroe.Error{Code: soroe.ENotFound, Field: "data", Message: fmt.Sprintf("no database at %s (set --data or SOROE_DATA)", src)}
			}
			return a.withStore(cmd, a.openUnmigrated, func(ctx context.Context, db *store.DB) error {
				if db.Engine != store.SQLite {
					return errPostgresBackup
				}
				if err := db.Backup(ctx, file); err != nil {
					return err
				}
				fi, err := os.Stat(file)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "backed up %s to %s (%d bytes)\n", src, file, fi.Size())
				return nil
			})
		}),
	}
}
