// Package metricsimport reads the analytics exports Japanese SNS teams have —
// X's content, overview and legacy tweet-activity exports, Meta Business
// Suite content exports (Instagram and Facebook), GA4 traffic-acquisition
// reports and Soroe's generic format (docs/import-formats.md) — into typed
// records. It touches no database: the caller saves the records, in one
// transaction, only when Scan or Parse returns no error.
//
// # Files
//
// The format is detected from the header (and GA4's "#" preamble), with
// English and Japanese header names; an explicit Options.Format that does not
// match the header is a problem. The encoding is detected too: a BOM (UTF-8,
// UTF-16 LE/BE), else UTF-8 when the start of the file is valid UTF-8, else
// Shift_JIS/CP932. The separator is a tab when the header line has more tabs
// than commas (Excel's "Unicode text"), else a comma. RFC 4180 quoting,
// including line breaks inside quoted cells.
//
// # Values
//
// Counts accept "424", "424.0", "12,400" and full-width digits; an empty cell
// or "-" is "not available" (a Reading with a nil Value and
// soroe.UnavailableNotGiven), never 0. Times are returned in UTC: X's files
// are in UTC, Meta's and the generic format's wall times are in Options.Zone
// (Asia/Tokyo by default). X's content export has a date only; a post's time
// is then recovered from its snowflake ID.
//
// # Problems
//
// Every malformed row is a Problem with the physical line of the file it is
// on (1-based; a cell inside a multi-line record has its own line), the
// column's header as written, a stable Code and the Args its message needs.
// Parsing goes on to collect every problem (at most Options.MaxProblems, then
// one ProblemMore with the count left out), and Scan/Parse return *Errors.
// Problem.Message renders the message in a language with the
// "metricsimport.problem.<code>" keys of i18n/locales/*/metricsimport.json.
package metricsimport

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// Formats.
const (
	FormatAuto      = "auto"
	FormatXContent  = "x-content"  // X analytics content export (account_analytics_content_*.csv)
	FormatXOverview = "x-overview" // X account overview, per day
	FormatXLegacy   = "x-legacy"   // tweet_activity_metrics_*.csv
	FormatMeta      = "meta"       // Meta Business Suite content export (Instagram, Facebook)
	FormatGA4       = "ga4"        // GA4 traffic acquisition report
	FormatGeneric   = "generic"    // docs/import-formats.md
)

// Formats lists the formats that can be asked for (besides auto).
var Formats = []string{FormatXContent, FormatXOverview, FormatXLegacy, FormatMeta, FormatGA4, FormatGeneric}

// Post kinds (ExternalPost.Kind); an export's own type that maps to none of
// them is kept lower-cased.
const (
	KindImage    = "image"
	KindReel     = "reel"
	KindCarousel = "carousel"
	KindVideo    = "video"
	KindStory    = "story"
	KindText     = "text"
	KindLink     = "link"
)

// DefaultMaxProblems is how many problems are listed before ProblemMore.
const DefaultMaxProblems = 100

// Options tune one read.
type Options struct {
	// Format is one of Formats, or "" / FormatAuto to detect it.
	Format string
	// Zone is the zone of wall times in files that do not say (Meta, the
	// generic format); nil means Asia/Tokyo.
	Zone *time.Location
	// MaxProblems bounds the problems listed (0: DefaultMaxProblems).
	MaxProblems int
}

// Post is one post row with its numbers.
type Post struct {
	Line     int           `json:"line"`
	Network  soroe.Network `json:"network,omitempty"` // when the file tells (X formats; Meta by post type or permalink)
	RemoteID string        `json:"remote_id,omitempty"`
	URL      string        `json:"url,omitempty"`
	// PublishedAt is in UTC. TimeFromID is set when it was recovered from
	// the X snowflake ID (the file had a date only).
	PublishedAt time.Time `json:"published_at"`
	TimeFromID  bool      `json:"time_from_id,omitempty"`
	Text        string    `json:"text,omitempty"`
	Kind        string    `json:"kind,omitempty"`    // KindImage, …, or the export's own type lower-cased
	Account     string    `json:"account,omitempty"` // Meta's account username or page name, when given
	// Readings has one reading per metric column of the file, in column
	// order; a metric the file has no column for is absent.
	Readings []soroe.Reading `json:"readings"`
}

// AccountDay is one day of an account (X's overview export).
type AccountDay struct {
	Line    int           `json:"line"`
	Network soroe.Network `json:"network,omitempty"`
	Day     string        `json:"day"` // YYYY-MM-DD as the file gives it (X: UTC)
	// Each is nil when the file has no such column or leaves it empty.
	Followers     *int64 `json:"followers"`      // the total, where the export gives it
	FollowsGained *int64 `json:"follows_gained"` // "New follows"
	FollowsLost   *int64 `json:"follows_lost"`   // "Unfollows"
	Impressions   *int64 `json:"impressions"`
	Engagements   *int64 `json:"engagements"`
	// Readings are the day's other metrics (likes, replies, …), as for a post.
	Readings []soroe.Reading `json:"readings"`
}

// Traffic is one row of a GA4 traffic acquisition report.
type Traffic struct {
	Line int `json:"line"`
	// Day is set for daily rows (a Date dimension); From and To are the
	// row's period: the day itself, or the report's range from its preamble.
	Day      string `json:"day,omitempty"`
	From     string `json:"from"`
	To       string `json:"to"`
	Channel  string `json:"channel,omitempty"` // a channel group dimension
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Content  string `json:"content,omitempty"` // manual ad content (utm_content)
	Sessions *int64 `json:"sessions"`
	// KeyEvents is the total ("Key events", or "Conversions" before 2024).
	KeyEvents *int64 `json:"key_events"`
	// Events are per-event key events ("Key events (purchase)").
	Events []Event `json:"events,omitempty"`
}

// Event is a count of one key event.
type Event struct {
	Name  string `json:"name"`
	Count *int64 `json:"count"`
}

// Record is one record of the file: exactly one of its fields is set.
type Record struct {
	Post    *Post
	Day     *AccountDay
	Traffic *Traffic
}

// Summary is what a file holds.
type Summary struct {
	Format string `json:"format"`
	Rows   int    `json:"rows"` // records read (valid or not)
	// Posts, Days and Traffic count the valid records of each kind.
	Posts   int `json:"posts"`
	Days    int `json:"days"`
	Traffic int `json:"traffic"`
	// Kinds counts posts by Kind ("" for posts without one).
	Kinds map[string]int `json:"kinds,omitempty"`
	// From and To are the earliest and latest time in the file: post times,
	// days and report periods (a day counts as its midnight UTC).
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Encoding is how the file was read: utf-8, utf-16le, utf-16be, shift_jis.
	Encoding string `json:"encoding"`
}

func (s *Summary) seen(t time.Time) {
	if t.IsZero() {
		return
	}
	if s.From.IsZero() || t.Before(s.From) {
		s.From = t
	}
	if t.After(s.To) {
		s.To = t
	}
}

// Result is a whole file read by Parse.
type Result struct {
	Summary
	Posts   []Post       `json:"post_rows,omitempty"`
	Days    []AccountDay `json:"day_rows,omitempty"`
	Traffic []Traffic    `json:"traffic_rows,omitempty"`
}

// Problem codes.
const (
	ProblemEmpty         = "empty_file"     // no header
	ProblemNoRows        = "no_rows"        // a header and no rows
	ProblemUnknownFormat = "unknown_format" // Args: columns, formats
	ProblemWrongFormat   = "wrong_format"   // Args: format, detected (may be "")
	ProblemBadFormatName = "bad_format"     // Options.Format is not a format; Args: format, formats
	ProblemUnknownColumn = "unknown_column" // generic format only; Column is it
	ProblemDuplicate     = "duplicate_column"
	ProblemEncoding      = "encoding"    // bytes that are not text in the file's encoding
	ProblemSyntax        = "syntax"      // a CSV quoting error
	ProblemShortRow      = "short_row"   // fewer cells than the header; Args: want, got
	ProblemExtraCells    = "extra_cells" // values right of the last header cell
	ProblemNumber        = "number"      // not a count; Args: value
	ProblemNegative      = "negative"    // Args: value
	ProblemTime          = "time"        // not a time or date the format has; Args: value
	ProblemRequired      = "required"    // an empty required cell
	ProblemNoID          = "no_id"       // a post row with neither an ID nor a URL
	ProblemBadID         = "bad_id"      // an X ID that is not a number; Args: value
	ProblemNoTime        = "no_time"     // a post row whose time cannot be told
	ProblemNoPeriod      = "no_period"   // a GA4 totals report without Start/End date
	ProblemNetwork       = "network"     // the generic format's network is not one of Soroe's; Args: value
	ProblemMore          = "more"        // Args: count — problems not listed
)

// Problem is one thing wrong with the file.
type Problem struct {
	Line   int               `json:"line"`             // 1-based physical line; 0 = the whole file
	Column string            `json:"column,omitempty"` // the header as written in the file
	Code   string            `json:"code"`
	Args   map[string]string `json:"args,omitempty"`
}

// Translator renders catalog messages (*i18n.Catalog is one).
type Translator interface {
	T(lang, key string, args ...any) string
}

// Key is the problem's catalog key.
func (p Problem) Key() string { return "metricsimport.problem." + p.Code }

// Message renders the problem in lang. Args are passed to the message as
// Column, Value, Format, Formats, Detected, Columns, Want, Got and Count.
func (p Problem) Message(tr Translator, lang string) string {
	args := []any{"Column", p.Column}
	for k, v := range p.Args {
		name := strings.ToUpper(k[:1]) + k[1:]
		if name == "Count" || name == "Want" || name == "Got" {
			n, _ := strconv.Atoi(v)
			args = append(args, name, n)
			continue
		}
		args = append(args, name, v)
	}
	return tr.T(lang, p.Key(), args...)
}

// String is the problem in English-ish plain text (logs, CLI fallbacks).
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Column != "" {
		fmt.Fprintf(&b, "%s: ", p.Column)
	}
	b.WriteString(p.Code)
	for _, k := range []string{"value", "column", "format", "detected", "want", "got", "count", "columns", "formats"} {
		if v, ok := p.Args[k]; ok {
			fmt.Fprintf(&b, " %s=%q", k, v)
		}
	}
	return b.String()
}

// Errors lists the problems of a file, in line order within each pass.
type Errors struct {
	Problems []Problem `json:"problems"`
	// Total counts every problem found, listed or not.
	Total int `json:"total"`
}

func (e *Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "metrics import: %d problem(s)", e.Total)
	for i, p := range e.Problems {
		if i == 5 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Has reports whether a problem with code is listed.
func (e *Errors) Has(code string) bool {
	for _, p := range e.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// Scan reads the file and calls fn with each valid record, in file order.
// The record, its Readings and Events are reused: they are valid only
// during the call (copy what you keep). After the first problem fn is no
// longer called (the file will be rejected) but every row is still checked.
// It returns *Errors when the file has problems, fn's error when fn fails,
// and the error of reading r otherwise; the Summary is returned in each case
// but the last two.
func Scan(r io.Reader, opt Options, fn func(Record) error) (*Summary, error) {
	p, err := newParser(r, opt)
	if err != nil {
		return nil, err
	}
	return p.run(fn)
}

// Parse reads the whole file into memory (Scan, copying each record).
func Parse(r io.Reader, opt Options) (*Result, error) {
	res := &Result{}
	sum, err := Scan(r, opt, func(rec Record) error {
		switch {
		case rec.Post != nil:
			p := *rec.Post
			p.Readings = append([]soroe.Reading(nil), p.Readings...)
			res.Posts = append(res.Posts, p)
		case rec.Day != nil:
			d := *rec.Day
			d.Readings = append([]soroe.Reading(nil), d.Readings...)
			res.Days = append(res.Days, d)
		case rec.Traffic != nil:
			t := *rec.Traffic
			t.Events = append([]Event(nil), t.Events...)
			res.Traffic = append(res.Traffic, t)
		}
		return nil
	})
	if sum != nil {
		res.Summary = *sum
	}
	if err != nil {
		if _, ok := err.(*Errors); ok {
			return res, err
		}
		return nil, err
	}
	return res, nil
}
