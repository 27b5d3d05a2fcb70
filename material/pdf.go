package material

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// PDF text is read with github.com/ledongthuc/pdf, a pure-Go PDF parser
// (objects, cross-reference tables and streams, filters, RC4/AES
// decryption with the empty password), and laid out here: the content
// stream's text operators are interpreted with the text and graphics state,
// so that lines and word gaps become newlines and spaces, and glyph codes are
// decoded with the font's ToUnicode map (read here, since the library's
// reader does not carry across byte boundaries in bfrange entries, which
// several producers rely on), the predefined Japanese CMaps (UniJIS-UCS2,
// UniJIS-UTF16, 90ms-RKSJ Shift_JIS, EUC) or the simple fonts' encodings.

func extractPDF(ctx context.Context, data []byte, opts Options) (*Document, error) {
	data = fixPDFEnvelope(data)
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(err.Error(), "encrypt") {
			return nil, fileErr(ErrEncrypted)
		}
		return nil, fileErr(ErrBroken)
	}
	doc := &Document{}
	func() {
		defer func() { _ = recover() }()
		doc.Title = pdfTitle(r.Trailer().Key("Info").Key("Title").Text())
	}()
	pages, err := pdfPages(r)
	if err != nil {
		return nil, err
	}
	x := &pdfExtractor{ctx: ctx, fonts: map[string]*pdfFont{}}
	broken := 0
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		text, err := x.page(p)
		if errors.Is(err, errPDFTooLong) {
			return nil, fileErr(ErrTooLong)
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		} else if err != nil {
			broken++ // keep what the other pages hold
		}
		doc.Sections = append(doc.Sections, Section{Locator: fmt.Sprintf("p.%d", i+1), Text: text})
		opts.Progress(i+1, len(pages))
	}
	if broken == len(pages) {
		return nil, fileErr(ErrBroken)
	}
	return doc, nil
}

// pdfTitle cleans the /Title that Office's PDF export writes
// ("Microsoft Word - 会社案内.docx" → "会社案内").
func pdfTitle(t string) string {
	t = strings.TrimSpace(t)
	for _, p := range []string{"Microsoft Word - ", "Microsoft PowerPoint - ", "Microsoft Excel - "} {
		if rest, ok := strings.CutPrefix(t, p); ok {
			t = rest
			for _, ext := range []string{".docx", ".doc", ".pptx", ".ppt", ".xlsx", ".xls"} {
				t = strings.TrimSuffix(t, ext)
			}
		}
	}
	return t
}

// fixPDFEnvelope mends what the parser is stricter about than PDF readers:
// a PDF 2.0 header (the parser wants "%PDF-1.x" and a newline) and bytes
// after the last %%EOF.
func fixPDFEnvelope(data []byte) []byte {
	if len(data) < 10 {
		return data
	}
	okHeader := bytes.HasPrefix(data, []byte("%PDF-1.")) && data[7] >= '0' && data[7] <= '7' && (data[8] == '\r' || data[8] == '\n')
	eof := bytes.LastIndex(data, []byte("%%EOF"))
	okTail := eof >= 0 && len(bytes.TrimRight(data[eof+5:], "\r\n\t \x00")) == 0
	if okHeader && okTail {
		return data
	}
	d := bytes.Clone(data)
	if !okHeader && bytes.HasPrefix(d, []byte("%PDF-")) {
		copy(d, "%PDF-1.7\n")
	}
	if !okTail && eof >= 0 {
		d = d[:eof+5]
	}
	return d
}

type pdfPage struct {
	v, resources pdf.Value
}

// pdfPages walks the page tree once, in order, carrying inherited
// resources; a malformed tree (a loop, a bad node) fails as broken.
func pdfPages(r *pdf.Reader) (pages []pdfPage, err error) {
	defer func() {
		if p := recover(); p != nil {
			pages, err = nil, fileErr(ErrBroken)
		}
	}()
	const maxPages = 20000
	var walk func(node, res pdf.Value, depth int) error
	walk = func(node, res pdf.Value, depth int) error {
		if depth > 64 || len(pages) > maxPages {
			return fileErr(ErrBroken)
		}
		if r := node.Key("Resources"); !r.IsNull() {
			res = r
		}
		switch node.Key("Type").Name() {
		case "Pages":
			kids := node.Key("Kids")
			for i := 0; i < kids.Len(); i++ {
				if err := walk(kids.Index(i), res, depth+1); err != nil {
					return err
				}
			}
		case "Page":
			pages = append(pages, pdfPage{node, res})
		default:
			if node.Key("Contents").IsNull() { // not a page: skip it
				return nil
			}
			pages = append(pages, pdfPage{node, res})
		}
		return nil
	}
	root := r.Trailer().Key("Root").Key("Pages")
	if root.IsNull() {
		return nil, fileErr(ErrBroken)
	}
	if err := walk(root, pdf.Value{}, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

var errPDFTooLong = errors.New("pdf: text too long")

type pdfExtractor struct {
	ctx   context.Context
	fonts map[string]*pdfFont
	total int // runes extracted so far, against MaxText
	ops   int
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m×n (m applied first).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

type textState struct {
	ctm              matrix
	font             *pdfFont
	size, tc, tw, th float64
	leading, rise    float64
	tm, tlm          matrix
}

// pageWriter lays glyphs out as text.
type pageWriter struct {
	b          strings.Builder
	have       bool
	lastX      float64
	lastY      float64
	lastSize   float64
	lastSpace  bool
	totalRunes *int
}

func (w *pageWriter) glyph(text string, x, y, size, advance float64) {
	if size <= 0 {
		size = 1
	}
	if w.have {
		dy := math.Abs(y - w.lastY)
		ref := math.Max(size, w.lastSize)
		switch {
		case dy > 2.2*ref:
			w.b.WriteString("\n\n")
			w.lastSpace = true
		case dy > 0.5*ref:
			w.b.WriteString("\n")
			w.lastSpace = true
		default:
			gap := x - w.lastX
			if (gap > 0.22*ref || gap < -2*ref) && !w.lastSpace && !strings.HasPrefix(text, " ") {
				w.b.WriteByte(' ')
			}
		}
	}
	for _, r := range text {
		switch {
		case r == '\t' || r == ' ' || r == '\u00a0' || r == '\u3000':
			if r == '\u3000' {
				w.b.WriteRune(r)
			} else {
				w.b.WriteByte(' ')
			}
			w.lastSpace = true
			continue
		case r < 0x20 || r == utf8.RuneError || r == 0xfffe || r == 0xffff, unicode.Is(unicode.Co, r):
			continue // control characters and private-use glyphs carry no text
		}
		w.b.WriteRune(r)
		w.lastSpace = false
		*w.totalRunes++
	}
	w.have, w.lastX, w.lastY, w.lastSize = true, x+advance, y, size
	if *w.totalRunes > MaxText {
		panic(errPDFTooLong)
	}
}

// page returns the text of one page; a page whose content cannot be parsed
// returns what was read before the error, and the error.
func (x *pdfExtractor) page(p pdfPage) (text string, err error) {
	w := &pageWriter{totalRunes: &x.total}
	defer func() {
		if r := recover(); r != nil {
			if r == errPDFTooLong {
				err = errPDFTooLong
			} else if e, ok := r.(error); ok && errors.Is(e, x.ctx.Err()) && x.ctx.Err() != nil {
				err = e
			} else {
				err = fmt.Errorf("pdf: page: %v", r)
			}
			text = w.b.String()
		}
	}()
	contents := p.v.Key("Contents")
	if contents.IsNull() {
		return "", nil
	}
	x.run(contents, p.resources, identity, w, 0)
	return w.b.String(), nil
}

// run interprets one content stream (a page's or a form XObject's).
func (x *pdfExtractor) run(strm, res pdf.Value, ctm matrix, w *pageWriter, depth int) {
	g := textState{ctm: ctm, th: 1, tm: identity, tlm: identity}
	var stack []textState
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		x.ops++
		if x.ops%4096 == 0 {
			if err := x.ctx.Err(); err != nil {
				panic(err)
			}
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			if len(stack) < 256 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if len(args) == 6 {
				g.ctm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(g.ctm)
			}
		case "BT":
			g.tm, g.tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				g.font = x.font(res, args[0].Name())
				g.size = num(1)
			}
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.leading = num(0)
		case "Ts":
			g.rise = num(0)
		case "TD":
			g.leading = -num(1)
			fallthrough
		case "Td":
			g.tlm = matrix{1, 0, 0, 1, num(0), num(1)}.mul(g.tlm)
			g.tm = g.tlm
		case "Tm":
			if len(args) == 6 {
				g.tm = matrix{num(0), num(1), num(2), num(3), num(4), num(5)}
				g.tlm = g.tm
			}
		case "T*":
			g.tlm = matrix{1, 0, 0, 1, 0, -g.leading}.mul(g.tlm)
			g.tm = g.tlm
		case "Tj":
			if len(args) == 1 {
				x.show(&g, args[0].RawString(), w)
			}
		case "'", "\"":
			if op == "\"" && len(args) == 3 {
				g.tw, g.tc = num(0), num(1)
				args = args[2:]
			}
			g.tlm = matrix{1, 0, 0, 1, 0, -g.leading}.mul(g.tlm)
			g.tm = g.tlm
			if len(args) == 1 {
				x.show(&g, args[0].RawString(), w)
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			a := args[0]
			for i := 0; i < a.Len(); i++ {
				v := a.Index(i)
				if v.Kind() == pdf.String {
					x.show(&g, v.RawString(), w)
				} else {
					tx := -v.Float64() / 1000 * g.size * g.th
					g.tm = matrix{1, 0, 0, 1, tx, 0}.mul(g.tm)
				}
			}
		case "Do":
			if len(args) != 1 || depth >= 8 {
				return
			}
			xo := res.Key("XObject").Key(args[0].Name())
			if xo.Key("Subtype").Name() != "Form" {
				return
			}
			m := identity
			if fm := xo.Key("Matrix"); fm.Len() == 6 {
				m = matrix{fm.Index(0).Float64(), fm.Index(1).Float64(), fm.Index(2).Float64(), fm.Index(3).Float64(), fm.Index(4).Float64(), fm.Index(5).Float64()}
			}
			xres := xo.Key("Resources")
			if xres.IsNull() {
				xres = res
			}
			x.run(xo, xres, m.mul(g.ctm), w, depth+1)
		}
	})
}

// show lays out one string of glyph codes in the current text state.
func (x *pdfExtractor) show(g *textState, raw string, w *pageWriter) {
	f := g.font
	if f == nil {
		f = fallbackFont
	}
	for _, gl := range f.decode(raw) {
		trm := matrix{g.size * g.th, 0, 0, g.size, 0, g.rise}.mul(g.tm).mul(g.ctm)
		size := math.Hypot(trm[2], trm[3]) // the glyph's height on the page
		tx := (gl.width/1000*g.size + g.tc) * g.th
		if gl.space {
			tx += g.tw * g.th
		}
		adv := matrix{1, 0, 0, 1, tx, 0}.mul(g.tm).mul(g.ctm)
		advance := math.Hypot(adv[4]-trm[4], adv[5]-trm[5])
		w.glyph(gl.text, trm[4], trm[5], size, advance)
		g.tm = matrix{1, 0, 0, 1, tx, 0}.mul(g.tm)
	}
}

// glyph is one decoded glyph code.
type glyph struct {
	text  string
	width float64 // in thousandths of the font size
	space bool    // the single-byte code 32, which word spacing applies to
}

type pdfFont struct {
	cmap      *toUnicode
	simple    pdf.TextEncoding // simple fonts without (or beyond) ToUnicode
	multiByte func(raw string) []glyph
	widths    func(code int) float64
	twoByte   bool
}

var fallbackFont = &pdfFont{widths: func(int) float64 { return 500 }}

func (x *pdfExtractor) font(res pdf.Value, name string) (f *pdfFont) {
	fv := res.Key("Font").Key(name)
	key := name + "\x00" + fv.Key("BaseFont").Name() + "\x00" + fv.Key("Subtype").Name() + "\x00" +
		fv.Key("Encoding").Name() + "\x00" + fmt.Sprint(fv.Key("ToUnicode").Key("Length").Int64(), fv.Key("FirstChar").Int64())
	if f, ok := x.fonts[key]; ok {
		return f
	}
	defer func() { x.fonts[key] = f }()
	if fv.IsNull() {
		return fallbackFont
	}
	f = &pdfFont{}
	if tu := fv.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		f.cmap = readToUnicode(tu, fv)
	}
	if fv.Key("Subtype").Name() == "Type0" {
		f.twoByte = true
		desc := fv.Key("DescendantFonts").Index(0)
		f.widths = cidWidths(desc)
		enc := fv.Key("Encoding").Name()
		switch {
		case strings.Contains(enc, "UCS2") || strings.Contains(enc, "UTF16"):
			f.multiByte = decodeUTF16Codes
		case strings.Contains(enc, "RKSJ"):
			f.multiByte = decodeLegacyCodes(japanese.ShiftJIS, func(b byte) int {
				if b < 0x80 || (b >= 0xA1 && b <= 0xDF) {
					return 1
				}
				return 2
			})
		case strings.HasPrefix(enc, "EUC"):
			f.multiByte = decodeLegacyCodes(japanese.EUCJP, func(b byte) int {
				if b < 0x80 {
					return 1
				}
				return 2
			})
		}
		return f
	}
	font := pdf.Font{V: fv}
	f.simple = font.Encoder()
	first, last := int(fv.Key("FirstChar").Int64()), int(fv.Key("LastChar").Int64())
	ws := fv.Key("Widths")
	f.widths = func(code int) float64 {
		if code < first || code > last || ws.Len() == 0 {
			return 500
		}
		return ws.Index(code - first).Float64()
	}
	return f
}

// cidWidths reads a CID font's /W array (and /DW default).
func cidWidths(desc pdf.Value) func(code int) float64 {
	dw := 1000.0
	if v := desc.Key("DW"); v.Kind() == pdf.Integer || v.Kind() == pdf.Real {
		dw = v.Float64()
	}
	type span struct {
		lo, hi int
		w      []float64 // per CID from lo, or one width for the span
	}
	var spans []span
	wa := desc.Key("W")
	for i := 0; i < wa.Len() && len(spans) < 65536; {
		lo := int(wa.Index(i).Int64())
		next := wa.Index(i + 1)
		if next.Kind() == pdf.Array {
			ws := make([]float64, next.Len())
			for j := range ws {
				ws[j] = next.Index(j).Float64()
			}
			spans = append(spans, span{lo, lo + len(ws) - 1, ws})
			i += 2
		} else {
			spans = append(spans, span{lo, int(next.Int64()), []float64{wa.Index(i + 2).Float64()}})
			i += 3
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].lo < spans[b].lo })
	return func(cid int) float64 {
		i := sort.Search(len(spans), func(i int) bool { return spans[i].hi >= cid })
		if i < len(spans) && spans[i].lo <= cid {
			s := spans[i]
			if len(s.w) == 1 {
				return s.w[0]
			}
			if k := cid - s.lo; k < len(s.w) {
				return s.w[k]
			}
		}
		return dw
	}
}

func (f *pdfFont) decode(raw string) []glyph {
	var out []glyph
	width := func(code int) float64 {
		if f.widths == nil {
			return 500
		}
		return f.widths(code)
	}
	if f.multiByte != nil && f.cmap == nil {
		out = f.multiByte(raw)
		for i := range out {
			out[i].width = 1000 // predefined CMaps map to CIDs we cannot see: full width
		}
		return out
	}
	if f.cmap != nil {
		for len(raw) > 0 {
			n := f.cmap.codeLen(raw, f.twoByte)
			code := 0
			for i := 0; i < n; i++ {
				code = code<<8 | int(raw[i])
			}
			text, ok := f.cmap.lookup(code, n)
			if !ok && f.simple != nil {
				text = f.simple.Decode(raw[:n])
			}
			out = append(out, glyph{text: text, width: width(code), space: n == 1 && code == 32})
			raw = raw[n:]
		}
		return out
	}
	if f.twoByte { // Identity-H without a ToUnicode map: the codes are glyph IDs
		for i := 0; i+1 < len(raw); i += 2 {
			out = append(out, glyph{width: width(int(raw[i])<<8 | int(raw[i+1]))})
		}
		return out
	}
	enc := f.simple
	for i := 0; i < len(raw); i++ {
		t := raw[i : i+1]
		if enc != nil {
			t = enc.Decode(t)
		}
		out = append(out, glyph{text: t, width: width(int(raw[i])), space: raw[i] == 32})
	}
	return out
}

func decodeUTF16Codes(raw string) []glyph {
	var out []glyph
	for i := 0; i+1 < len(raw); i += 2 {
		u := uint16(raw[i])<<8 | uint16(raw[i+1])
		if utf16.IsSurrogate(rune(u)) && i+3 < len(raw) {
			u2 := uint16(raw[i+2])<<8 | uint16(raw[i+3])
			out = append(out, glyph{text: string(utf16.DecodeRune(rune(u), rune(u2)))})
			i += 2
			continue
		}
		out = append(out, glyph{text: string(rune(u)), space: u == 32})
	}
	return out
}

func decodeLegacyCodes(enc encoding.Encoding, codeLen func(byte) int) func(string) []glyph {
	return func(raw string) []glyph {
		var out []glyph
		for len(raw) > 0 {
			n := min(codeLen(raw[0]), len(raw))
			t, err := enc.NewDecoder().String(raw[:n])
			if err != nil {
				t = ""
			}
			out = append(out, glyph{text: t, space: raw[:n] == " "})
			raw = raw[n:]
		}
		return out
	}
}

// toUnicode is a font's ToUnicode CMap.
type toUnicode struct {
	space  [4][][2]uint32 // codespace ranges by code length
	chars  map[uint32]string
	ranges []cmapRange
}

type cmapRange struct {
	lo, hi uint32
	n      int      // code length in bytes
	dst    string   // UTF-16BE of lo's text; later codes add to its last unit
	arr    []string // or one text per code
}

func codeOf(s string) uint32 {
	var c uint32
	for i := 0; i < len(s) && i < 4; i++ {
		c = c<<8 | uint32(s[i])
	}
	return c
}

func utf16BE(s string) string {
	if len(s)%2 == 1 {
		s += "\x00"
	}
	u := make([]uint16, len(s)/2)
	for i := range u {
		u[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return string(utf16.Decode(u))
}

// readToUnicode parses a ToUnicode CMap with the library's PostScript
// interpreter; nil when it is unusable. scratch is any dictionary value: the
// CMap's "/CIDInit /ProcSet findresource begin" needs one to begin, and the
// library offers no way to make an empty one.
func readToUnicode(strm, scratch pdf.Value) (m *toUnicode) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	m = &toUnicode{chars: map[uint32]string{}}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		switch op {
		case "findresource":
			for stk.Len() > 0 {
				stk.Pop()
			}
			stk.Push(scratch)
		case "defineresource":
			v := stk.Pop()
			stk.Pop()
			stk.Pop()
			stk.Push(v)
		case "endcodespacerange":
			var vals []pdf.Value
			for stk.Len() > 0 {
				vals = append(vals, stk.Pop())
			}
			for i := len(vals) - 1; i >= 1; i -= 2 {
				lo, hi := vals[i].RawString(), vals[i-1].RawString()
				if n := len(lo); n >= 1 && n <= 4 && len(hi) == n {
					m.space[n-1] = append(m.space[n-1], [2]uint32{codeOf(lo), codeOf(hi)})
				}
			}
		case "endbfchar":
			var vals []pdf.Value
			for stk.Len() > 0 {
				vals = append(vals, stk.Pop())
			}
			for i := len(vals) - 1; i >= 1; i -= 2 {
				src, dst := vals[i], vals[i-1]
				if dst.Kind() == pdf.Name {
					m.chars[codeOf(src.RawString())] = dst.Name()
				} else {
					m.chars[codeOf(src.RawString())] = utf16BE(dst.RawString())
				}
			}
		case "endbfrange":
			var vals []pdf.Value
			for stk.Len() > 0 {
				vals = append(vals, stk.Pop())
			}
			for i := len(vals) - 1; i >= 2; i -= 3 {
				lo, hi, dst := vals[i].RawString(), vals[i-1].RawString(), vals[i-2]
				r := cmapRange{lo: codeOf(lo), hi: codeOf(hi), n: len(lo)}
				if r.hi < r.lo || r.hi-r.lo > 1<<20 {
					continue
				}
				switch dst.Kind() {
				case pdf.String:
					r.dst = dst.RawString()
				case pdf.Array:
					for j := 0; j < dst.Len() && j < 1<<16; j++ {
						r.arr = append(r.arr, utf16BE(dst.Index(j).RawString()))
					}
				default:
					continue
				}
				m.ranges = append(m.ranges, r)
			}
		default:
			// begin… operators push their counts; the end… operators
			// above take everything on the stack, so drop the rest.
			for stk.Len() > 0 {
				stk.Pop()
			}
		}
	})
	if len(m.chars) == 0 && len(m.ranges) == 0 {
		return nil
	}
	return m
}

// codeLen is how many bytes the next code in raw takes.
func (m *toUnicode) codeLen(raw string, twoByte bool) int {
	for n := 1; n <= 4 && n <= len(raw); n++ {
		c := codeOf(raw[:n])
		for _, r := range m.space[n-1] {
			if r[0] <= c && c <= r[1] {
				return n
			}
		}
	}
	if twoByte && len(raw) >= 2 {
		return 2
	}
	return 1
}

func (m *toUnicode) lookup(code, n int) (string, bool) {
	c := uint32(code)
	if s, ok := m.chars[c]; ok {
		return s, true
	}
	for _, r := range m.ranges {
		if c < r.lo || c > r.hi || (r.n != n && r.n != 0) {
			continue
		}
		off := c - r.lo
		if r.arr != nil {
			if int(off) < len(r.arr) {
				return r.arr[off], true
			}
			return "", true
		}
		// Add the offset to the destination's last UTF-16 unit(s), carrying
		// across bytes, as PDF readers do for ranges that cross them.
		b := []byte(r.dst)
		if len(b) < 2 {
			b = append(make([]byte, 2-len(b)), b...)
		}
		last := uint32(b[len(b)-2])<<8 | uint32(b[len(b)-1])
		last += off
		b[len(b)-2], b[len(b)-1] = byte(last>>8), byte(last)
		return utf16BE(string(b)), true
	}
	return "", false
}
