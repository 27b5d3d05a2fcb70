package material

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// Passage sizes, in characters: Split makes passages of PassageMin to
// PassageMax characters where sentences allow.
const (
	PassageMin = 200
	PassageMax = 400
)

// unit is a sentence (or a piece of an overlong one) with where it stands.
type unit struct {
	text      string
	n         int // runes
	loc       string
	paraStart bool // first sentence of a paragraph
	secStart  bool // first sentence of a section
	heading   bool // a heading: the passage goes on with what it heads
}

// Split cuts sections into passages of about PassageMin–PassageMax
// characters, on paragraph and sentence boundaries (Japanese 。！？ and
// English . ! ?), never inside a sentence unless the sentence alone is
// longer than PassageMax. A passage keeps its section's locator; a short
// section runs on into the next one, and the passage's locator is then a
// range ("p.3–4", "slide 2–3"). A heading line is a paragraph of its own
// (see paragraphs) and starts the passage of the text it heads, never ends
// one. Index counts from 0.
func Split(sections []Section) []soroe.Passage {
	var units []unit
	for _, s := range sections {
		first := true
		for _, para := range paragraphs(s.Text) {
			head := headingPara(para)
			for i, sent := range sentences(para) {
				for j, piece := range hardSplit(sent, PassageMax) {
					units = append(units, unit{text: piece, n: utf8.RuneCountInString(piece), loc: s.Locator,
						paraStart: i == 0 && j == 0, secStart: first, heading: head})
					first = false
				}
			}
		}
	}
	var (
		out      []soroe.Passage
		b        strings.Builder
		n        int
		from, to string
		last     string
		headed   bool // the last unit was a heading
	)
	flush := func() {
		if n == 0 {
			return
		}
		out = append(out, soroe.Passage{Index: len(out), Locator: locRange(from, to), Text: b.String()})
		b.Reset()
		n = 0
	}
	for _, u := range units {
		// A passage never ends with a heading: it stays with its body.
		if n > 0 && ((n >= PassageMin && (u.paraStart || u.secStart) && !headed) || n+u.n > PassageMax) {
			flush()
		}
		if n == 0 {
			from = u.loc
		} else {
			switch {
			case u.paraStart:
				b.WriteByte('\n')
			case isWide(lastRune(last)) || isWide(firstRune(u.text)):
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(u.text)
		n += u.n
		to, last, headed = u.loc, u.text, u.heading
	}
	flush()
	// A short tail joins the passage before it when both fit.
	if k := len(out); k >= 2 {
		tail, prev := out[k-1], out[k-2]
		tn, pn := utf8.RuneCountInString(tail.Text), utf8.RuneCountInString(prev.Text)
		if tn < PassageMin/4 && pn+tn <= PassageMax+PassageMin/4 {
			out[k-2].Text = prev.Text + "\n" + tail.Text
			out[k-2].Locator = locRange(firstLoc(prev.Locator), lastLoc(tail.Locator))
			out = out[:k-1]
		}
	}
	return out
}

var blankLine = regexp.MustCompile(`\n[ \t\x{3000}]*\n`)

// atxHeading is a Markdown heading line ("## 断熱リフォーム") in a plain
// text file.
var atxHeading = regexp.MustCompile(`^#{1,6}[ \t\x{3000}]+(.*?)[ \t\x{3000}#]*$`)

// paragraphs splits text at blank lines and joins each paragraph's lines:
// without a space between Japanese characters (a PDF's line breaks fall
// inside words), with one otherwise. A heading line stays a paragraph of
// its own, never glued onto the sentence after it: a Markdown heading
// ("# …", its marks dropped), or a short line without a sentence's final
// punctuation that follows the end of a sentence (or starts the paragraph)
// and is followed by a longer line of body text — a TXT section title
// ("私たちについて"), a PDF page's or a slide's title line.
func paragraphs(text string) []string {
	var out []string
	for _, p := range blankLine.Split(text, -1) {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r != '\u3000' && unicode.IsSpace(r) }), " ")
			if l = strings.Trim(l, "\u3000"); l != "" {
				lines = append(lines, l)
			}
		}
		var b strings.Builder
		prev := ""
		emit := func() {
			if b.Len() > 0 {
				out = append(out, b.String())
			}
			b.Reset()
			prev = ""
		}
		for i, l := range lines {
			if m := atxHeading.FindStringSubmatch(l); m != nil {
				emit()
				if h := strings.TrimSpace(m[1]); h != "" {
					out = append(out, h)
				}
				continue
			}
			if i+1 < len(lines) && (prev == "" || endsSentence(prev)) && headingLine(l, lines[i+1], i+2 == len(lines)) {
				emit()
				out = append(out, l)
				continue
			}
			if prev != "" && !(isWide(lastRune(prev)) && isWide(firstRune(l))) {
				b.WriteByte(' ')
			}
			b.WriteString(l)
			prev = l
		}
		emit()
	}
	return out
}

// endsSentence: s ends with a sentence's final punctuation, maybe inside
// closing brackets or quotes.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, closers)
	return strings.ContainsRune("。！？．.!?…", lastRune(s))
}

// noHeadingEnd are the last characters of a line that goes on (a comma, a
// colon, an opening bracket) or ends a sentence: such a line is no heading.
const noHeadingEnd = "。！？．.!?…、，,：:;；・（(「『［[〈《【〔“‘-–—/／"

// functionWords end an English line that breaks a sentence ("homes with"),
// never a heading.
var functionWords = map[string]bool{"a": true, "an": true, "the": true, "and": true, "or": true, "but": true, "of": true,
	"to": true, "in": true, "on": true, "for": true, "with": true, "at": true, "by": true, "from": true, "that": true,
	"which": true, "who": true, "our": true, "your": true, "their": true, "its": true, "is": true, "are": true,
	"was": true, "were": true, "be": true, "as": true, "into": true, "than": true, "we": true}

// headingRunes and headingWords say how long a heading line may be: in characters for
// Japanese, in words otherwise.
const (
	headingRunes = 30
	headingWords = 8
)

// headingLine reports whether line l, followed by next (the paragraph's
// last line when last), is a heading: short, without final or continuing
// punctuation, not ending the way a broken sentence does (in a particle or
// a verb's ending in Japanese, in "the", "with"… in English), and followed
// by body text: a clearly wider line, or a wider last line that ends a
// sentence.
func headingLine(l, next string, last bool) bool {
	if strings.ContainsRune(noHeadingEnd, lastRune(l)) {
		return false
	}
	n := utf8.RuneCountInString(l)
	if strings.IndexFunc(l, isWide) >= 0 {
		if n > headingRunes {
			return false
		}
		// 「私たちについて」「家づくりとは」 are headings; 「地元の木を使って」 is
		// half a sentence.
		if r := lastRune(l); unicode.Is(unicode.Hiragana, r) && !strings.HasSuffix(l, "について") && !strings.HasSuffix(l, "とは") {
			return false
		}
	} else {
		words := strings.Fields(l)
		if len(words) > headingWords || functionWords[strings.ToLower(words[len(words)-1])] {
			return false
		}
		if r := firstRune(next); !unicode.IsUpper(r) && !unicode.IsDigit(r) && !isWide(r) {
			return false // "…for homes that / suffer from…": one sentence
		}
	}
	// A wrapped line fills its column, and the paragraph's last line is
	// no wider: a heading is clearly narrower than the body after it.
	w, nw := width(l), width(next)
	return nw >= w+max(8, w/4) || (last && nw > w && endsSentence(next))
}

// width is how wide s prints: two for a wide character, one for others.
func width(s string) int {
	w := 0
	for _, r := range s {
		w++
		if isWide(r) {
			w++
		}
	}
	return w
}

// headingPara reports whether a paragraph reads as a heading: one short
// line without a sentence's final punctuation.
func headingPara(p string) bool {
	if endsSentence(p) || strings.ContainsRune(noHeadingEnd, lastRune(p)) {
		return false
	}
	if strings.IndexFunc(p, isWide) >= 0 {
		return utf8.RuneCountInString(p) <= headingRunes
	}
	return len(strings.Fields(p)) <= headingWords
}

// closers may follow a sentence's end and belong to it; openers open what
// they close.
const (
	closers = "」』）)】〕〉》］]\"'”’"
	openers = "「『（(【〔〈《［[“‘"
)

// sentences splits a paragraph after 。！？ (and ．!?), and after "." that
// is followed by a space, keeping closing brackets and quotes with the
// sentence they close. A mark inside brackets (「冬も暖かい！」と…) does not
// end the sentence, unless the bracket stays open for 200 characters.
func sentences(p string) []string {
	var out []string
	rs := []rune(p)
	start, depth, opened := 0, 0, 0
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if strings.ContainsRune(openers, r) {
			if depth == 0 {
				opened = i
			}
			depth++
			continue
		}
		if depth > 0 && strings.ContainsRune(closers, r) && r != '"' && r != '\'' {
			depth--
			continue
		}
		if depth > 0 && i-opened > 200 {
			depth = 0 // an unbalanced bracket
		}
		end := false
		switch r {
		case '。', '！', '？', '．', '!', '?':
			end = depth == 0
		case '.':
			end = depth == 0 && (i+1 == len(rs) || unicode.IsSpace(rs[i+1]) || strings.ContainsRune(closers, rs[i+1]))
		}
		if !end {
			continue
		}
		j := i + 1
		for j < len(rs) && (strings.ContainsRune(closers, rs[j]) || strings.ContainsRune("。！？!?．", rs[j])) {
			j++
		}
		if s := strings.TrimSpace(string(rs[start:j])); s != "" {
			out = append(out, s)
		}
		start, i = j, j-1
	}
	if s := strings.TrimSpace(string(rs[start:])); s != "" {
		out = append(out, s)
	}
	return out
}

// hardSplit cuts a sentence longer than max characters, preferably after a
// comma, a space or a middle dot in the second half of each piece.
func hardSplit(s string, max int) []string {
	rs := []rune(s)
	var out []string
	for len(rs) > max {
		cut := max
		for i := max; i > max/2; i-- {
			if strings.ContainsRune("、，,・ 　;；:：", rs[i-1]) {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimSpace(string(rs[:cut])))
		rs = rs[cut:]
	}
	if t := strings.TrimSpace(string(rs)); t != "" {
		out = append(out, t)
	}
	return out
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// isWide reports whether r is written without spaces around it: Japanese
// and Chinese characters, kana, and full-width punctuation and forms.
func isWide(r rune) bool {
	return isCJK(r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// isCJK reports whether r is a character that retrieval indexes by
// bigrams: Han, kana (with the prolonged sound mark ー) and Hangul.
func isCJK(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case r >= 0x3040 && r <= 0x30FF && r != 0x30FB: // kana (with ー and ヶ), not the middle dot ・
		return r != 0x30A0
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF, r >= 0xAC00 && r <= 0xD7AF:
		return true
	case r == '々' || r == '〆' || r == '〇':
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// splitLoc parses "p.3" into ("p.", 3); ok is false for a locator that
// does not end in a number.
func splitLoc(loc string) (prefix string, num int, ok bool) {
	i := len(loc)
	for i > 0 && loc[i-1] >= '0' && loc[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(loc[i:])
	if err != nil {
		return loc, 0, false
	}
	return loc[:i], n, true
}

// locRange names the stretch from one locator to another: "p.3", "p.3–4",
// "slide 2–3", or "¶2–§1" across kinds.
func locRange(from, to string) string {
	if from == to || to == "" {
		return from
	}
	fp, _, ok1 := splitLoc(from)
	tp, tn, ok2 := splitLoc(to)
	if ok1 && ok2 && fp == tp {
		return from + "–" + strconv.Itoa(tn)
	}
	return from + "–" + to
}

func firstLoc(r string) string {
	if i := strings.Index(r, "–"); i >= 0 {
		return r[:i]
	}
	return r
}

func lastLoc(r string) string {
	i := strings.Index(r, "–")
	if i < 0 {
		return r
	}
	last := r[i+len("–"):]
	if _, _, ok := splitLoc(last); ok && strings.IndexFunc(last, func(c rune) bool { return c < '0' || c > '9' }) < 0 {
		p, _, _ := splitLoc(r[:i])
		return p + last
	}
	return last
}

// LocatorText renders a locator for people in lang ("ja" or "en"):
// "slide 2" is "スライド2" in Japanese and "¶3" is "段落3"; pages ("p.3")
// and sections ("§4") read the same in both.
func LocatorText(loc, lang string) string {
	if lang != "ja" {
		return loc
	}
	r := strings.NewReplacer("slide ", "スライド", "¶", "段落")
	return r.Replace(loc)
}
