package metricsimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/soroe/soroe"
)

const sniffSize = 64 << 10

type parser struct {
	opt        Options
	zone       *time.Location
	br         *bufio.Reader
	transcoded bool
	off        int      // lines read before the CSV reader started
	preamble   []string // GA4 "#" lines
	max        int
	errs       Errors
	sum        Summary
	cr         *csv.Reader
	header     []string
	b          *binding
	rowStart   int // problems before the current row
	hint       int // the time layout that worked last

	// reused per record
	post    Post
	day     AccountDay
	traffic Traffic
}

func newParser(r io.Reader, opt Options) (*parser, error) {
	p := &parser{opt: opt, zone: opt.Zone, max: opt.MaxProblems}
	if p.zone == nil {
		z, err := time.LoadLocation(soroe.DefaultTimeZone)
		if err != nil {
			z = time.FixedZone("JST", 9*3600)
		}
		p.zone = z
	}
	if p.max <= 0 {
		p.max = DefaultMaxProblems
	}
	raw := bufio.NewReaderSize(r, sniffSize)
	head, err := raw.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("metrics import: %w", err)
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = raw.Discard(3)
		p.br, p.sum.Encoding = raw, "utf-8"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		p.sum.Encoding = "utf-16le"
		if head[0] == 0xFE {
			p.sum.Encoding = "utf-16be"
		}
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		p.br, p.transcoded = bufio.NewReaderSize(transform.NewReader(raw, dec), sniffSize), true
	case validPrefix(head, len(head) < sniffSize):
		p.br, p.sum.Encoding = raw, "utf-8"
	default:
		p.sum.Encoding = "shift_jis"
		p.br, p.transcoded = bufio.NewReaderSize(transform.NewReader(raw, japanese.ShiftJIS.NewDecoder()), sniffSize), true
	}
	return p, nil
}

// validPrefix reports whether b is UTF-8, but for a rune cut at its end
// when the file goes on.
func validPrefix(b []byte, all bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if all {
		return false
	}
	for i := 1; i <= 3 && i <= len(b); i++ {
		if utf8.Valid(b[:len(b)-i]) {
			return true
		}
	}
	return false
}

func (p *parser) add(pr Problem) {
	p.errs.Total++
	if len(p.errs.Problems) < p.max {
		p.errs.Problems = append(p.errs.Problems, pr)
	}
}

func (p *parser) cell(code string, line, i int, args ...string) {
	pr := Problem{Line: line, Code: code}
	if i >= 0 && i < len(p.header) {
		pr.Column = p.header[i]
	}
	if len(args) > 0 {
		pr.Args = map[string]string{}
		for k := 0; k+1 < len(args); k += 2 {
			pr.Args[args[k]] = args[k+1]
		}
	}
	p.add(pr)
}

func (p *parser) done() (*Summary, error) {
	if p.errs.Total == 0 {
		return &p.sum, nil
	}
	slices.SortStableFunc(p.errs.Problems, func(a, b Problem) int { return a.Line - b.Line })
	if more := p.errs.Total - len(p.errs.Problems); more > 0 {
		p.errs.Problems = append(p.errs.Problems, Problem{Code: ProblemMore, Args: map[string]string{"count": strconv.Itoa(more)}})
	}
	return &p.sum, &p.errs
}

// readPreamble consumes GA4's "#" lines (and blank lines) before the header.
func (p *parser) readPreamble() error {
	for {
		b, err := p.br.Peek(1)
		if err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if b[0] != '#' && b[0] != '\n' && b[0] != '\r' {
			return nil
		}
		line, err := p.br.ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		p.off++
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			p.preamble = append(p.preamble, strings.TrimSpace(strings.TrimPrefix(t, "#")))
		}
		if err == io.EOF {
			return nil
		}
	}
}

// pos is the file line of cell i of the last record.
func (p *parser) pos(i int) int {
	l, _ := p.cr.FieldPos(i)
	return l + p.off
}

func (p *parser) run(fn func(Record) error) (*Summary, error) {
	if err := p.readPreamble(); err != nil {
		return nil, fmt.Errorf("metrics import: %w", err)
	}
	comma := ','
	if head, _ := p.br.Peek(sniffSize); len(head) > 0 {
		first := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			first = head[:i]
		}
		if bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
			comma = '\t'
		}
	}
	p.cr = csv.NewReader(p.br)
	p.cr.Comma = comma
	p.cr.FieldsPerRecord = -1
	p.cr.ReuseRecord = true

	// The header.
	rec, err := p.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			p.add(Problem{Code: ProblemEmpty})
		case errors.As(err, &pe):
			p.add(Problem{Line: pe.Line + p.off, Code: ProblemSyntax})
		default:
			return nil, fmt.Errorf("metrics import: %w", err)
		}
		return p.done()
	}
	hline := p.pos(0)
	p.header = make([]string, len(rec))
	for i, h := range rec {
		p.header[i] = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !p.valid(h) {
			p.cell(ProblemEncoding, hline, -1)
			return p.done()
		}
	}
	if !p.choose(hline) {
		return p.done()
	}
	p.sum.Format = p.b.f.name

	var from, to string
	if p.b.f.name == FormatGA4 {
		from, to = p.period()
		if !p.has(rDate) && (from == "" || to == "") {
			p.add(Problem{Line: 0, Code: ProblemNoPeriod})
		}
		if from != "" {
			t, _ := time.Parse(time.DateOnly, from)
			p.sum.seen(t)
		}
		if to != "" {
			t, _ := time.Parse(time.DateOnly, to)
			p.sum.seen(t)
		}
	}

	for {
		rec, err := p.cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrQuote)) {
				p.sum.Rows++
				p.add(Problem{Line: pe.Line + p.off, Code: ProblemSyntax})
				continue
			}
			return nil, fmt.Errorf("metrics import: %w", err)
		}
		line := p.pos(0)
		if p.b.f.name == FormatGA4 && strings.HasPrefix(strings.TrimSpace(rec[0]), "#") {
			break // the next section of the report
		}
		if blank(rec) {
			continue
		}
		p.sum.Rows++
		before := p.errs.Total
		p.rowStart = before
		p.cells(rec, line)
		var r Record
		switch {
		case p.b.f.days:
			r.Day = p.dayRow(rec, line)
		case p.b.f.name == FormatGA4:
			if r.Traffic = p.trafficRow(rec, line, from, to); r.Traffic == nil {
				p.sum.Rows-- // a grand total
				continue
			}
		default:
			r.Post = p.postRow(rec, line)
		}
		if p.errs.Total > before {
			continue
		}
		switch {
		case r.Post != nil:
			p.sum.Posts++
			if p.sum.Kinds == nil {
				p.sum.Kinds = map[string]int{}
			}
			p.sum.Kinds[r.Post.Kind]++
			p.sum.seen(r.Post.PublishedAt)
		case r.Day != nil:
			p.sum.Days++
			t, _ := time.Parse(time.DateOnly, r.Day.Day)
			p.sum.seen(t)
		case r.Traffic != nil:
			p.sum.Traffic++
			if r.Traffic.Day != "" {
				t, _ := time.Parse(time.DateOnly, r.Traffic.Day)
				p.sum.seen(t)
			}
		}
		if p.errs.Total == 0 && (r.Post != nil || r.Day != nil || r.Traffic != nil) {
			if err := fn(r); err != nil {
				return nil, err
			}
		}
	}
	if p.sum.Rows == 0 {
		p.add(Problem{Code: ProblemNoRows})
	}
	return p.done()
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// valid reports whether a cell is text in the file's encoding.
func (p *parser) valid(s string) bool {
	if p.transcoded {
		return strings.IndexRune(s, utf8.RuneError) < 0
	}
	return utf8.ValidString(s)
}

// cells checks what every row needs: its encoding and its cell count.
func (p *parser) cells(rec []string, line int) {
	for i, s := range rec {
		if !p.valid(s) {
			p.cell(ProblemEncoding, p.pos(i), i)
			return
		}
	}
	n := len(p.header)
	switch {
	case len(rec) > n:
		for i := n; i < len(rec); i++ {
			if strings.TrimSpace(rec[i]) != "" {
				p.cell(ProblemExtraCells, p.pos(i), -1)
				return
			}
		}
	case len(rec) < n:
		// a row cut short: only a problem when a known column is missing
		for i := len(rec); i < n; i++ {
			if p.b.cols[i] != nil && p.b.cols[i].role != rIgnore {
				p.cell(ProblemShortRow, line, -1, "want", strconv.Itoa(n), "got", strconv.Itoa(len(rec)))
				return
			}
		}
	}
}

func (p *parser) has(r role) bool {
	for _, c := range p.b.cols {
		if c != nil && c.role == r {
			return true
		}
	}
	return false
}

// choose binds the header to the asked or detected format.
func (p *parser) choose(line int) bool {
	preamble := len(p.preamble) > 0
	want := strings.TrimSpace(strings.ToLower(p.opt.Format))
	if want == "" || want == FormatAuto {
		p.b = detect(p.header, preamble)
		if p.b == nil {
			cols := p.header
			if len(cols) > 30 {
				cols = cols[:30]
			}
			p.add(Problem{Line: line, Code: ProblemUnknownFormat,
				Args: map[string]string{"columns": strings.Join(cols, ", "), "formats": formatNames()}})
			return false
		}
	} else {
		fs := byName[want]
		if fs == nil {
			p.add(Problem{Code: ProblemBadFormatName, Args: map[string]string{"format": p.opt.Format, "formats": formatNames()}})
			return false
		}
		f := fs[0]
		if p.b = detectIn(fs, p.header, preamble); p.b == nil {
			p.b = bind(f, p.header)
			det := ""
			if d := detect(p.header, preamble); d != nil {
				det = d.f.name
			}
			p.add(Problem{Line: line, Code: ProblemWrongFormat,
				Args: map[string]string{"format": f.name, "detected": det, "columns": strings.Join(p.b.miss, ", ")}})
			return false
		}
	}
	ok := true
	for _, i := range p.b.dup {
		p.cell(ProblemDuplicate, line, i)
		ok = false
	}
	if p.b.f.strict {
		for i, h := range p.header {
			if p.b.cols[i] == nil && h != "" && !strings.HasPrefix(h, "#") && !strings.HasPrefix(h, "＃") {
				p.cell(ProblemUnknownColumn, line, i)
				ok = false
			}
		}
	}
	return ok
}

// period is the GA4 report's range from its preamble, as YYYY-MM-DD.
func (p *parser) period() (from, to string) {
	for _, l := range p.preamble {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		d, ok := parseDay(strings.TrimSpace(v))
		if !ok {
			continue
		}
		switch norm(k) {
		case "startdate", "開始日":
			if from == "" {
				from = d.Format(time.DateOnly)
			}
		case "enddate", "終了日":
			if to == "" {
				to = d.Format(time.DateOnly)
			}
		}
	}
	return from, to
}

// count reads a count cell; a problem when it is neither a count nor empty.
// requiredDay reads the day in column i of a row that must have one
// (YYYY-MM-DD), noting the problem when it is empty or not a day.
func (p *parser) requiredDay(rec []string, i int) (string, bool) {
	s := strings.TrimSpace(rec[i])
	if s == "" {
		p.cell(ProblemRequired, p.pos(i), i)
		return "", false
	}
	t, ok := parseDay(s)
	if !ok {
		p.cell(ProblemTime, p.pos(i), i, "value", short(s))
		return "", false
	}
	return t.Format(time.DateOnly), true
}

func (p *parser) count(rec []string, i int) (v int64, given, ok bool) {
	s := strings.TrimSpace(rec[i])
	if unavailable(s) {
		return 0, false, true
	}
	n, isNum, neg := parseCount(s)
	if !isNum {
		p.cell(ProblemNumber, p.pos(i), i, "value", short(s))
		return 0, false, false
	}
	if neg {
		p.cell(ProblemNegative, p.pos(i), i, "value", short(s))
		return 0, false, false
	}
	return n, true, true
}

func short(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		return string(r[:40]) + "…"
	}
	return s
}

// metrics is one row's storage for its values (one allocation per row).
func (p *parser) values() []int64 {
	n := 0
	for _, c := range p.b.cols {
		if c != nil && c.role != rIgnore {
			n++
		}
	}
	return make([]int64, 0, n)
}

func (p *parser) postRow(rec []string, line int) *Post {
	f := p.b.f
	po := &p.post
	*po = Post{Line: line, Network: f.network, Readings: po.Readings[:0]}
	vals := p.values()
	timeCol, dateCol := -1, -1
	var at, day time.Time
	var dateOnly bool
	page := false
	for i, cl := range p.b.cols {
		if cl == nil || i >= len(rec) {
			continue
		}
		s := rec[i]
		switch cl.role {
		case rID:
			po.RemoteID = strings.TrimSpace(s)
		case rURL:
			po.URL = strings.TrimSpace(s)
		case rText:
			po.Text = strings.ReplaceAll(s, "\r\n", "\n")
		case rKind:
			po.Kind = postKind(s)
		case rAccount:
			po.Account = strings.TrimSpace(s)
		case rPage:
			page = true
		case rNetwork:
			if n := soroe.Network(strings.ToLower(strings.TrimSpace(s))); n != "" {
				if !n.Valid() {
					p.cell(ProblemNetwork, p.pos(i), i, "value", short(s))
				}
				po.Network = n
			}
		case rTime:
			timeCol = i
			if s = strings.TrimSpace(s); s != "" {
				t, d, ok := parseTime(s, p.zone, &p.hint)
				if !ok {
					p.cell(ProblemTime, p.pos(i), i, "value", short(s))
					continue
				}
				at, dateOnly = t, d
			}
		case rDate:
			dateCol = i
			if s = strings.TrimSpace(s); s != "" {
				d, ok := parseDay(s)
				if !ok {
					p.cell(ProblemTime, p.pos(i), i, "value", short(s))
					continue
				}
				day = d
			}
		case rMetric:
			v, given, ok := p.count(rec, i)
			if !ok {
				continue
			}
			rd := soroe.Reading{Metric: cl.metric}
			if given {
				vals = append(vals, v)
				rd.Value = &vals[len(vals)-1]
			} else {
				rd.Unavailable = soroe.UnavailableNotGiven
			}
			po.Readings = append(po.Readings, rd)
		}
	}
	if f.name == FormatMeta {
		switch {
		case page || strings.Contains(po.URL, "facebook.com") || strings.Contains(po.URL, "fb.watch"):
			po.Network = soroe.NetworkFacebook
		case strings.HasPrefix(strings.ToUpper(strings.TrimSpace(p.field(rec, rKind))), "IG") || strings.Contains(po.URL, "instagram.com"):
			po.Network = soroe.NetworkInstagram
		}
	}
	if po.RemoteID == "" && po.URL == "" {
		p.cell(ProblemNoID, line, -1)
		return po
	}
	isX := po.Network == soroe.NetworkX
	if isX && po.RemoteID == "" {
		po.RemoteID = xIDFromURL(po.URL)
	}
	if isX && po.RemoteID != "" {
		if _, err := strconv.ParseUint(po.RemoteID, 10, 64); err != nil {
			p.cell(ProblemBadID, line, p.colOf(rID), "value", short(po.RemoteID))
			return po
		}
	}
	if isX && po.URL == "" && po.RemoteID != "" {
		po.URL = "https://x.com/i/web/status/" + po.RemoteID
	}
	switch {
	case !at.IsZero() && !dateOnly:
		po.PublishedAt = at
	default:
		if !at.IsZero() {
			day = at
		}
		if isX {
			if t, ok := snowflakeTime(po.RemoteID); ok && (day.IsZero() || absDur(t.Sub(day)) < 48*time.Hour) {
				po.PublishedAt, po.TimeFromID = t, true
				break
			}
		}
		if day.IsZero() {
			c := timeCol
			if c < 0 {
				c = dateCol
			}
			if p.errs.Total == p.rowStart { // not when the row has a problem already (a bad time)
				p.cell(ProblemNoTime, line, c)
			}
			return po
		}
		po.PublishedAt = day
		if dateCol >= 0 && timeCol < 0 && f.network != soroe.NetworkX {
			po.PublishedAt = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, p.zone).UTC()
		}
	}
	return po
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func (p *parser) colOf(r role) int {
	for i, c := range p.b.cols {
		if c != nil && c.role == r {
			return i
		}
	}
	return -1
}

func (p *parser) field(rec []string, r role) string {
	if i := p.colOf(r); i >= 0 && i < len(rec) {
		return rec[i]
	}
	return ""
}

func (p *parser) dayRow(rec []string, line int) *AccountDay {
	d := &p.day
	*d = AccountDay{Line: line, Network: p.b.f.network, Readings: d.Readings[:0]}
	vals := p.values()
	ptr := func(v int64) *int64 {
		vals = append(vals, v)
		return &vals[len(vals)-1]
	}
	for i, cl := range p.b.cols {
		if cl == nil || i >= len(rec) {
			continue
		}
		switch cl.role {
		case rNetwork:
			if n := soroe.Network(strings.ToLower(strings.TrimSpace(rec[i]))); n != "" {
				if !n.Valid() {
					p.cell(ProblemNetwork, p.pos(i), i, "value", short(rec[i]))
				}
				d.Network = n
			}
		case rDate:
			if day, ok := p.requiredDay(rec, i); ok {
				d.Day = day
			}
		case rFollowers, rGained, rLost, rImpressions, rEngagements, rMetric:
			v, given, ok := p.count(rec, i)
			if !ok {
				continue
			}
			var vp *int64
			if given {
				vp = ptr(v)
			}
			switch cl.role {
			case rFollowers:
				d.Followers = vp
			case rGained:
				d.FollowsGained = vp
			case rLost:
				d.FollowsLost = vp
			case rImpressions:
				d.Impressions = vp
			case rEngagements:
				d.Engagements = vp
			default:
				rd := soroe.Reading{Metric: cl.metric, Value: vp}
				if vp == nil {
					rd.Unavailable = soroe.UnavailableNotGiven
				}
				d.Readings = append(d.Readings, rd)
			}
		}
	}
	return d
}

// trafficRow reads a GA4 row; nil for a grand total, which is skipped.
func (p *parser) trafficRow(rec []string, line int, from, to string) *Traffic {
	t := &p.traffic
	*t = Traffic{Line: line, From: from, To: to, Events: t.Events[:0]}
	vals := p.values()
	ptr := func(v int64) *int64 {
		vals = append(vals, v)
		return &vals[len(vals)-1]
	}
	for i, cl := range p.b.cols {
		if cl == nil || i >= len(rec) {
			continue
		}
		s := strings.TrimSpace(rec[i])
		switch cl.role {
		case rDate:
			if day, ok := p.requiredDay(rec, i); ok {
				t.Day = day
				t.From, t.To = day, day
			}
		case rChannel:
			t.Channel = s
		case rSource:
			t.Source = s
		case rMedium:
			t.Medium = s
		case rSourceMedium:
			src, med, ok := strings.Cut(s, " / ")
			if !ok {
				src, med, _ = strings.Cut(s, "/")
			}
			t.Source, t.Medium = strings.TrimSpace(src), strings.TrimSpace(med)
		case rCampaign:
			t.Campaign = s
		case rContent:
			t.Content = s
		case rSessions, rKeyEvents, rEvent:
			v, given, ok := p.count(rec, i)
			if !ok {
				continue
			}
			var vp *int64
			if given {
				vp = ptr(v)
			}
			switch cl.role {
			case rSessions:
				t.Sessions = vp
			case rKeyEvents:
				t.KeyEvents = vp
			default:
				t.Events = append(t.Events, Event{Name: p.b.events[i], Count: vp})
			}
		}
	}
	for _, s := range []string{rec[0], t.Channel, t.Source} {
		if s = strings.TrimSpace(s); strings.EqualFold(s, "Grand total") || s == "総計" || s == "合計" {
			return nil
		}
	}
	return t
}
