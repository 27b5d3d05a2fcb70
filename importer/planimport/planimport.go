// Package planimport parses and validates a month's content plan uploaded as
// a CSV, TSV or XLSX file. It is pure: it reads the file it is given, asks
// the caller's Resolver about accounts, goals and 型, and returns either every
// row or every problem — never part of the file.
//
// # Columns
//
// The first non-blank line (line 1 in a normal file) is the header. Names are
// matched ignoring case, full-width/half-width, surrounding spaces and
// "-"/" " versus "_":
//
//	scheduled_at  required  日時, 予定日時, 投稿日時, 予約日時
//	account       required  アカウント (the account's name or id)
//	text          required  本文, テキスト
//	goal          optional  目標
//	template      optional  型, テンプレート
//	link          optional  リンク, url
//
// Two rows with the same account, time and text are a mistake (key
// duplicate_row, on the later one).
//
// Decision on other columns: an unknown column is an error naming it (key
// unknown_column), because a misspelt optional column ("goals", "リンク先")
// would otherwise be dropped silently from every row. A column whose header
// starts with "#" (or "＃"), such as "#メモ", is a note column and is ignored,
// and so is a column with neither a header nor any value.
//
// # Values
//
// scheduled_at is ISO 8601 with an offset ("2026-12-01T09:00:00+09:00",
// "…Z"), or a wall time in the organization's zone (Options.Location):
// "2026-12-01 09:00", "2026/12/01 9:00", "2026-12-01T09:00", with optional
// seconds, "2026年12月1日 9:00" and "2026/12/01(火) 9:00"; full-width digits
// are accepted. A time
// of day is required. In an XLSX file a date cell (a number) is an Excel
// serial date in the organization's zone; a serial without a fraction is
// midnight. The time must not be before Options.Now.
//
// Cells are trimmed of surrounding white space; text keeps its inner line
// breaks (CRLF becomes LF). Rows whose cells are all blank are skipped.
//
// # Files
//
// XLSX (by content: a zip; or by name .xlsx/.xlsm): the first sheet is read,
// with raw cell values; line numbers are Excel's row numbers. Legacy .xls is
// refused (unsupported_file). Anything else is delimited text: UTF-8 with or
// without BOM, UTF-16 with BOM (Excel's "Unicode text"), and otherwise, when
// the bytes are not valid UTF-8, Shift_JIS/CP932. The separator is a tab when
// the header line has more tabs than commas, else a comma. RFC 4180 quoting,
// including line breaks inside quoted cells; a problem in such a row is
// reported at the line the record starts on. A quoting error (key syntax) is
// reported at its line and the other rows are still checked, unless it is in
// the header. Files are limited to Options.MaxBytes.
//
// # Errors
//
// Parse returns *Errors for anything wrong with the file: each Problem has a
// Line (as a person sees it in the spreadsheet; 0 for the whole file), the
// canonical Column name when it is about a cell, a stable Key (the constants
// below, plus "text.<text.Problem code>" and "risk.<text.Finding category>")
// and an English Message. When the file has more than Options.MaxRows data
// rows only that problem (and header problems) is reported: rows are not
// validated. Other errors (failing to read r) are returned as they are.
package planimport

import (
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

// Defaults for Options.
const (
	DefaultMaxRows  = 1000
	DefaultMaxBytes = 10 << 20
)

// Canonical column names.
const (
	ColScheduledAt = "scheduled_at"
	ColAccount     = "account"
	ColText        = "text"
	ColGoal        = "goal"
	ColTemplate    = "template"
	ColLink        = "link"
)

// Problem keys. Text and risk problems use "text."+code and
// "risk."+category (see the text package).
const (
	KeyEmptyFile       = "empty_file"       // nothing, not even a header
	KeyNoRows          = "no_rows"          // a header and no data rows
	KeyTooManyRows     = "too_many_rows"    // more data rows than Options.MaxRows
	KeyFileTooLarge    = "file_too_large"   // more bytes than Options.MaxBytes
	KeyUnsupportedFile = "unsupported_file" // .xls, or an XLSX that cannot be opened
	KeyEncoding        = "encoding"         // bytes that are neither UTF-8 nor Shift_JIS
	KeySyntax          = "syntax"           // a CSV quoting error
	KeyMissingColumn   = "missing_column"
	KeyUnknownColumn   = "unknown_column"
	KeyDuplicateColumn = "duplicate_column"
	KeyExtraCells      = "extra_cells" // values right of the last header cell
	KeyRequired        = "required"    // an empty required cell
	KeyTimeFormat      = "time_format"
	KeyTimeInPast      = "time_in_past"
	KeyUnknownAccount  = "unknown_account"
	KeyUnknownGoal     = "unknown_goal"
	KeyUnknownTemplate = "unknown_template"
	KeyInvalidLink     = "invalid_link"
	KeyDuplicateRow    = "duplicate_row" // the same account, time and text as an earlier line (Value: that line)
)

// AccountRef is what the Resolver knows of a connected account.
type AccountRef struct {
	ID      int64
	Network soroe.Network
	Name    string
	// TextOptions are the settings text.Check applies for this account (a
	// Mastodon instance's limit, the organization's hashtag cap); the zero
	// value means the network's defaults.
	TextOptions text.Options
}

// Resolver looks up the references a plan makes, within one organization.
// Parse calls each method at most once per distinct (trimmed) reference.
type Resolver interface {
	// Account finds an account by name or id.
	Account(ref string) (AccountRef, bool)
	// Goal finds a goal by name or id and returns its id.
	Goal(ref string) (int64, bool)
	// Template finds a 型 by name or id and returns its id.
	Template(ref string) (int64, bool)
}

// Options are the organization's settings for one import.
type Options struct {
	Location    *time.Location  // the organization's zone for wall times; nil means UTC
	Now         time.Time       // rows before this are in the past; zero means time.Now()
	RiskConfig  text.RiskConfig // the organization's NG words and competitors
	BlockOnRisk bool            // risk findings are problems, not Row.Risks
	MaxRows     int             // data rows allowed; 0 means DefaultMaxRows, < 0 no limit
	MaxBytes    int64           // file size allowed; 0 means DefaultMaxBytes
}

// Row is one validated post of the plan.
type Row struct {
	Line        int // the spreadsheet line the row starts on
	ScheduledAt time.Time
	AccountID   int64
	Network     soroe.Network
	Text        string
	GoalID      int64 // 0 when none
	TemplateID  int64 // 0 when none
	Link        string
	// Risks are text.Risk's findings when Options.BlockOnRisk is off (for the
	// reviewer to see); with it on, findings are problems instead.
	Risks []text.Finding
}

// Problem is one thing wrong with the file.
type Problem struct {
	Line    int    `json:"line"`             // 1 = the header line; 0 = the whole file
	Column  string `json:"column,omitempty"` // canonical column name, if about a cell
	Header  string `json:"header,omitempty"` // the column's header as written in the file
	Key     string `json:"key"`              // stable message key
	Message string `json:"message"`          // English
	Value   string `json:"value,omitempty"`  // the offending value, shortened
	// Code, Limit and Count carry what a translated message needs: the
	// text.Problem's code, limit and count ("text.*" keys) or the
	// text.Finding's code ("risk.*" keys).
	Code  string `json:"code,omitempty"`
	Limit int    `json:"limit,omitempty"`
	Count int    `json:"count,omitempty"`
}

// Errors lists every problem found in a file, in line order.
type Errors struct {
	Problems []Problem `json:"problems"`
}

func (e *Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plan import: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			fmt.Fprintf(&b, "; …")
			break
		}
		b.WriteString("; ")
		if p.Line > 0 {
			fmt.Fprintf(&b, "line %d: ", p.Line)
		}
		if p.Column != "" {
			fmt.Fprintf(&b, "%s: ", p.Column)
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Has reports whether some problem has the key.
func (e *Errors) Has(key string) bool {
	for _, p := range e.Problems {
		if p.Key == key {
			return true
		}
	}
	return false
}

func (e *Errors) add(p Problem) {
	if r := []rune(p.Value); len(r) > 60 {
		p.Value = string(r[:60]) + "…"
	}
	e.Problems = append(e.Problems, p)
}

// columns and their aliases (normalized with normHeader).
var aliases = map[string]string{
	"scheduled_at": ColScheduledAt, "日時": ColScheduledAt, "予定日時": ColScheduledAt,
	"投稿日時": ColScheduledAt, "予約日時": ColScheduledAt,
	"account": ColAccount, "アカウント": ColAccount,
	"text": ColText, "本文": ColText, "テキスト": ColText,
	"goal": ColGoal, "目標": ColGoal,
	"template": ColTemplate, "型": ColTemplate, "テンプレート": ColTemplate,
	"link": ColLink, "リンク": ColLink, "url": ColLink,
}

var required = []string{ColScheduledAt, ColAccount, ColText}

// Parse reads a plan file named filename (the name only picks the format
// when the content does not) and validates every row. It returns all rows,
// in file order, or no rows and an *Errors listing every problem.
func Parse(r io.Reader, filename string, res Resolver, opts Options) ([]Row, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxRows == 0 {
		opts.MaxRows = DefaultMaxRows
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	errs := &Errors{}
	tab, err := read(r, filename, opts, errs)
	if err != nil {
		return nil, err
	}
	var rows []Row
	if tab != nil {
		rows = validate(tab, res, opts, errs)
	}
	if len(errs.Problems) > 0 {
		sort.SliceStable(errs.Problems, func(i, j int) bool { return errs.Problems[i].Line < errs.Problems[j].Line })
		return nil, errs
	}
	return rows, nil
}

// table is a file's cells before validation.
type table struct {
	headerLine int
	header     []string
	records    []record // non-blank data rows, at most MaxRows of them
	total      int      // non-blank data rows
	xlsx       bool     // numeric scheduled_at cells are Excel serial dates
	date1904   bool
}

type record struct {
	line  int
	cells []string
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func validate(tab *table, res Resolver, opts Options, errs *Errors) []Row {
	// Map the header.
	before := len(errs.Problems)
	col := map[string]int{}
	for i, h := range tab.header {
		raw := strings.TrimSpace(h)
		n := normHeader(h)
		if n == "" || strings.HasPrefix(n, "#") {
			if n == "" && columnHasValues(tab, i) {
				errs.add(Problem{Line: tab.headerLine, Key: KeyUnknownColumn,
					Message: fmt.Sprintf("Column %s has values but no header.", columnLetter(i))})
			}
			continue
		}
		c, ok := aliases[n]
		if !ok {
			errs.add(Problem{Line: tab.headerLine, Header: raw, Key: KeyUnknownColumn, Value: raw,
				Message: fmt.Sprintf("Unknown column %q (column %s). The columns are scheduled_at, account, text, goal, template and link; start a header with # to keep a note column.", raw, columnLetter(i))})
			continue
		}
		if j, dup := col[c]; dup {
			errs.add(Problem{Line: tab.headerLine, Column: c, Header: raw, Key: KeyDuplicateColumn, Value: raw,
				Message: fmt.Sprintf("Columns %s and %s are both %s.", columnLetter(j), columnLetter(i), c)})
			continue
		}
		col[c] = i
	}
	for _, c := range required {
		if _, ok := col[c]; !ok {
			errs.add(Problem{Line: tab.headerLine, Column: c, Key: KeyMissingColumn,
				Message: fmt.Sprintf("The required column %s is missing.", c)})
		}
	}
	if tab.total == 0 {
		errs.add(Problem{Line: 0, Key: KeyNoRows, Message: "The file has a header but no rows."})
		return nil
	}
	if opts.MaxRows > 0 && tab.total > opts.MaxRows {
		errs.add(Problem{Line: 0, Key: KeyTooManyRows,
			Message: fmt.Sprintf("The file has %d rows; at most %d can be imported at once.", tab.total, opts.MaxRows)})
		return nil
	}
	if len(errs.Problems) > before {
		return nil // without a usable header, cells cannot be checked
	}
	headerOf := map[string]string{}
	for c, i := range col {
		headerOf[c] = strings.TrimSpace(tab.header[i])
	}
	accounts := map[string]accountResult{}
	goals := map[string]idResult{}
	templates := map[string]idResult{}
	rows := make([]Row, 0, len(tab.records))
	type rowKey struct {
		account int64
		at      int64
		text    string
	}
	firstLine := map[rowKey]int{}
	for _, rec := range tab.records {
		bad := len(errs.Problems)
		cell := func(c string) string {
			i, ok := col[c]
			if !ok || i >= len(rec.cells) {
				return ""
			}
			return strings.TrimSpace(strings.ReplaceAll(rec.cells[i], "\r\n", "\n"))
		}
		prob := func(c, key, value, msg string) {
			errs.add(Problem{Line: rec.line, Column: c, Header: headerOf[c], Key: key, Value: value, Message: msg})
		}
		for i := len(tab.header); i < len(rec.cells); i++ {
			if strings.TrimSpace(rec.cells[i]) != "" {
				prob("", KeyExtraCells, rec.cells[i], fmt.Sprintf("Column %s has a value but no header.", columnLetter(i)))
				break
			}
		}
		row := Row{Line: rec.line}
		// scheduled_at
		if v := cell(ColScheduledAt); v == "" {
			prob(ColScheduledAt, KeyRequired, "", "The scheduled time is empty.")
		} else if t, msg := parseTime(v, tab.xlsx, tab.date1904, opts.Location); msg != "" {
			prob(ColScheduledAt, KeyTimeFormat, v, msg)
		} else if t.Before(opts.Now) {
			prob(ColScheduledAt, KeyTimeInPast, v, fmt.Sprintf("%s is in the past.", t.In(opts.Location).Format("2006-01-02 15:04 MST")))
		} else {
			row.ScheduledAt = t.UTC()
		}
		// account
		var acct AccountRef
		haveAcct := false
		if v := cell(ColAccount); v == "" {
			prob(ColAccount, KeyRequired, "", "The account is empty.")
		} else {
			a, ok := accounts[v]
			if !ok {
				a.ref, a.ok = res.Account(v)
				accounts[v] = a
			}
			if !a.ok {
				prob(ColAccount, KeyUnknownAccount, v, fmt.Sprintf("No connected account is named %q.", v))
			} else {
				acct, haveAcct = a.ref, true
				row.AccountID, row.Network = acct.ID, acct.Network
			}
		}
		// text
		txt := cell(ColText)
		row.Text = txt
		if txt == "" {
			prob(ColText, KeyRequired, "", "The text is empty.")
		} else {
			if haveAcct {
				for _, p := range text.Check(acct.Network, txt, acct.TextOptions).Problems {
					errs.add(Problem{Line: rec.line, Column: ColText, Header: headerOf[ColText], Key: "text." + p.Code,
						Message: p.Message, Code: p.Code, Limit: p.Limit, Count: p.Count})
				}
			}
			fs := text.Risk(txt, opts.RiskConfig)
			if opts.BlockOnRisk {
				for _, f := range fs {
					errs.add(Problem{Line: rec.line, Column: ColText, Header: headerOf[ColText], Key: "risk." + f.Category,
						Value: f.Match, Message: fmt.Sprintf("%q: %s", f.Match, f.Why), Code: f.Code})
				}
			} else if len(fs) > 0 {
				row.Risks = fs
			}
		}
		// goal, template
		if v := cell(ColGoal); v != "" {
			g, ok := goals[v]
			if !ok {
				g.id, g.ok = res.Goal(v)
				goals[v] = g
			}
			if !g.ok {
				prob(ColGoal, KeyUnknownGoal, v, fmt.Sprintf("No goal is named %q.", v))
			}
			row.GoalID = g.id
		}
		if v := cell(ColTemplate); v != "" {
			g, ok := templates[v]
			if !ok {
				g.id, g.ok = res.Template(v)
				templates[v] = g
			}
			if !g.ok {
				prob(ColTemplate, KeyUnknownTemplate, v, fmt.Sprintf("No 型 (template) is named %q.", v))
			}
			row.TemplateID = g.id
		}
		// link
		if v := cell(ColLink); v != "" {
			if !validLink(v) {
				prob(ColLink, KeyInvalidLink, v, "The link must be a full http:// or https:// address.")
			}
			row.Link = v
		}
		if haveAcct && !row.ScheduledAt.IsZero() && txt != "" {
			k := rowKey{row.AccountID, row.ScheduledAt.UnixMicro(), txt}
			if l, dup := firstLine[k]; dup {
				errs.add(Problem{Line: rec.line, Key: KeyDuplicateRow, Value: fmt.Sprint(l),
					Message: fmt.Sprintf("The same account, time and text as line %d.", l)})
			} else {
				firstLine[k] = rec.line
			}
		}
		if len(errs.Problems) == bad {
			rows = append(rows, row)
		}
	}
	return rows
}

type accountResult struct {
	ref AccountRef
	ok  bool
}

type idResult struct {
	id int64
	ok bool
}

func columnHasValues(tab *table, i int) bool {
	for _, r := range tab.records {
		if i < len(r.cells) && strings.TrimSpace(r.cells[i]) != "" {
			return true
		}
	}
	return false
}

// columnLetter returns the spreadsheet name of the 0-based column i.
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

func validLink(s string) bool {
	if len(s) > 2048 || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return false
	}
	return true
}
