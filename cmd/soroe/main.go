// Command soroe runs the Soroe server and works on its data from the shell.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot(os.Stdout, os.Stderr).ExecuteContext(ctx); err != nil {
		var quiet exitCode
		if errors.As(err, &quiet) {
			os.Exit(int(quiet)) // the command already said what it had to
		}
		fmt.Fprintln(os.Stderr, "soroe:", userMessage(err))
		os.Exit(1)
	}
}

// exitCode is an error a command returns to end the process with that code
// and no message: it has printed its answer already (e.g. `text check` on an
// invalid text prints the JSON verdict and exits 1).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// env returns the environment variable name, or def when it is unset.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// app is what every subcommand shares: where the data is, and the output.
type app struct {
	dataDir     string
	databaseURL string
	stdout      io.Writer
	stderr      io.Writer
	clock       soroe.Clock
}

// newRoot builds the command tree. Tests call it with buffers.
func newRoot(stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdout: stdout, stderr: stderr, clock: soroe.SystemClock}
	root := &cobra.Command{
		Use:           "soroe",
		Short:         "Soroe (揃え): run your company's social media as a team",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&a.dataDir, "data", env("SOROE_DATA", "soroe-data"), "data directory for the embedded SQLite database (env SOROE_DATA)")
	pf.StringVar(&a.databaseURL, "database-url", env("SOROE_DATABASE_URL", ""), "postgres:// URL; when set, PostgreSQL is used instead of SQLite (env SOROE_DATABASE_URL)")
	for _, add := range commands {
		root.AddCommand(add(a))
	}
	return root
}

// commands are the subcommand constructors; each file registers its own in
// an init function, so adding a command touches one file.
var commands []func(*app) *cobra.Command

// open opens and migrates the store. Migrating is safe while a server runs:
// migrations are transactional and, on PostgreSQL, serialized by a lock.
func (a *app) open(ctx context.Context) (*store.DB, error) {
	db, err := a.openUnmigrated(ctx)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// printJSON writes v as indented JSON.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// userMessage turns an error into one line for the terminal.
func userMessage(err error) string {
	var e *soroe.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return fmt.Sprintf("%s: %s", e.Field, e.Message)
		}
		return e.Message
	}
	return err.Error()
}

// quietLogs keeps library logs (migrations) off the terminal for commands
// whose output is data.
func quietLogs() {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}
