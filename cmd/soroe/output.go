package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/text/width"

	"github.com/soroe/soroe"
)

// textTable is an aligned table for the terminal. It works like
// text/tabwriter but measures cells in terminal columns, so Japanese names
// (two columns per character) do not push the columns after them out of line.
type textTable struct{ rows [][]string }

// row adds one row; the first row is the header.
func (t *textTable) row(cells ...string) { t.rows = append(t.rows, cells) }

// write prints the table with two spaces between columns.
func (t *textTable) write(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		var line strings.Builder
		for i, c := range r {
			if i > 0 {
				line.WriteString("  ")
			}
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// displayWidth is how many terminal columns s takes: two for East Asian wide
// and fullwidth characters, none for control characters and combining marks.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || r == 0x200b || (r >= 0x300 && r <= 0x36f) || (r >= 0xfe00 && r <= 0xfe0f):
		default:
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
	}
	return n
}

// cell makes a value safe for one table cell: no tabs or line breaks.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// fmtTime formats an instant for tables (UTC, to the minute).
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// fmtTimePtr is fmtTime for optional instants.
func fmtTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return fmtTime(*t)
}

// table lays rows out under header, one line a row.
func table[T any](header []string, rows []T, cells func(T) []string) *textTable {
	t := &textTable{}
	t.row(header...)
	for _, r := range rows {
		t.row(cells(r)...)
	}
	return t
}

// printList prints rows as a JSON array (never null) or as a table.
func printList[T any](a *app, asJSON bool, rows []T, header []string, cells func(T) []string) error {
	if asJSON {
		return a.printJSON(orEmpty(rows))
	}
	return table(header, rows, cells).write(a.stdout)
}

// jsonFlag adds the --json flag every list and show command has.
func jsonFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "json", false, "print JSON instead of a table")
}

// orgFlag adds the --org flag of the commands about one organization; left
// out, it is the only organization there is (see resolveOrg).
func orgFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, "org", "", "organization ID or exact name (default: the only organization)")
}

// requiredFlag adds a string flag the command cannot run without.
func requiredFlag(cmd *cobra.Command, v *string, name, usage string) {
	cmd.Flags().StringVar(v, name, "", usage+" (required)")
	required(cmd, name)
}

// required marks the flags a command cannot run without.
func required(cmd *cobra.Command, names ...string) {
	for _, name := range names {
		_ = cmd.MarkFlagRequired(name)
	}
}

// orEmpty makes a nil slice print as [] in JSON.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// cliErrorText explains the stable message keys of store errors for the
// terminal; the key stays first so it can still be searched for.
var cliErrorText = map[string]string{
	"last_owner":         "an organization must keep at least one owner; make another member owner first",
	"email_taken":        "a user with this email already exists",
	"invalid_email":      "not a valid email address",
	"password_too_short": fmt.Sprintf("a password needs at least %d characters", soroe.MinPasswordLen),
	"password_too_long":  fmt.Sprintf("a password may have at most %d characters", soroe.MaxPasswordLen),
	"unknown_role":       "use one of owner, executive, manager, staff",
	"unknown_time_zone":  "use an IANA time zone name such as Asia/Tokyo",
	"unknown_language":   "use ja or en",
	"too_long":           "at most 100 characters",
	"already_member":     "already a member; change the role with `soroe member role`",
}

// explain adds a readable explanation to a store error whose message is a
// known key. Other errors pass through unchanged.
func explain(err error) error {
	var e *soroe.Error
	if !errors.As(err, &e) {
		return err
	}
	if text, ok := cliErrorText[e.Message]; ok {
		return &soroe.Error{Code: e.Code, Field: e.Field, Message: e.Message + " (" + text + ")"}
	}
	return err
}

// runE wraps a command's function so that store errors reach the terminal
// explained.
func runE(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error { return explain(fn(cmd, args)) }
}
