package material

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
)

// decodeText returns a text file's content as UTF-8: UTF-8 (with or without
// a byte-order mark), UTF-16 with a byte-order mark, or, when the bytes are
// not valid UTF-8, Shift_JIS (CP932, as Windows saves Japanese text) or
// EUC-JP, whichever decodes with fewer errors. Line ends become "\n".
func decodeText(data []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		s = string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		d, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fileErr(ErrBroken)
		}
		s = string(d)
	case utf8.Valid(data):
		s = string(data)
	default:
		best, bestBad := "", -1
		for _, enc := range []encoding.Encoding{japanese.ShiftJIS, japanese.EUCJP} {
			d, err := enc.NewDecoder().Bytes(data)
			if err != nil {
				continue
			}
			bad := strings.Count(string(d), "\uFFFD")
			if bestBad < 0 || bad < bestBad {
				best, bestBad = string(d), bad
			}
		}
		if bestBad < 0 || bestBad > len([]rune(best))/50 {
			return "", fileErr(ErrBroken) // neither: binary, or an encoding we do not know
		}
		s = best
	}
	if strings.ContainsRune(s, 0) {
		return "", fileErr(ErrBroken) // a binary file named .txt
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return s, nil
}

var blankLines = regexp.MustCompile(`\n[ \t\x{3000}]*\n\s*`)

func extractText(data []byte, markdown bool) (*Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	if markdown {
		return markdownDoc(s), nil
	}
	var sec sectioner
	for _, p := range blankLines.Split(s, -1) {
		sec.para(p, false)
	}
	return &Document{Sections: sec.sections()}, nil
}

var (
	mdImage     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink      = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdRefLink   = regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`)
	mdLinkDef   = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s+\S+.*$`)
	mdAutolink  = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	mdEmphasis  = regexp.MustCompile("(\\*\\*|__|~~|\\*|`)")
	mdTag       = regexp.MustCompile(`</?[A-Za-z][^>]*>`)
	mdHeading   = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdListItem  = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?`)
	mdRule      = regexp.MustCompile(`^\s{0,3}(?:[-*_]\s*){3,}$`)
	mdTableRule = regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`)
	mdSetext    = regexp.MustCompile(`^\s{0,3}(=+|-+)\s*$`)
)

// markdownDoc turns Markdown into plain paragraphs: headings start sections
// (the first one is the title), and markup (emphasis, links, images, lists,
// quotes, tables, code fences, front matter) is dropped, keeping its text.
func markdownDoc(s string) *Document {
	lines := strings.Split(s, "\n")
	// YAML front matter.
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		for i := 1; i < len(lines); i++ {
			if t := strings.TrimSpace(lines[i]); t == "---" || t == "..." {
				lines = lines[i+1:]
				break
			}
		}
	}
	doc := &Document{}
	var (
		sec   sectioner
		para  []string
		fence string
	)
	flush := func() {
		if len(para) > 0 {
			sec.para(strings.Join(para, "\n"), false)
			para = para[:0]
		}
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
				flush()
				continue
			}
			para = append(para, l)
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			flush()
			fence = t[:3]
			continue
		}
		if m := mdHeading.FindStringSubmatch(l); m != nil {
			flush()
			h := inlineMarkdown(m[2])
			if doc.Title == "" && len(m[1]) == 1 {
				doc.Title = h
			}
			sec.para(h, true)
			continue
		}
		// A setext heading: text underlined with === or ---.
		if len(para) == 1 && mdSetext.MatchString(l) && t != "" {
			h := para[0]
			para = para[:0]
			if doc.Title == "" && strings.HasPrefix(t, "=") {
				doc.Title = h
			}
			sec.para(h, true)
			continue
		}
		if t == "" || mdRule.MatchString(l) || mdTableRule.MatchString(l) {
			flush()
			continue
		}
		if mdLinkDef.MatchString(l) {
			continue
		}
		l = strings.TrimLeft(l, " \t")
		for strings.HasPrefix(l, ">") {
			l = strings.TrimLeft(l[1:], " ")
		}
		if loc := mdListItem.FindStringIndex(l); loc != nil {
			flush() // each item a paragraph of its own
			l = l[loc[1]:]
		}
		if strings.HasPrefix(l, "|") {
			cells := strings.Split(strings.Trim(l, "| "), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			l = strings.Join(cells, "\t")
		}
		para = append(para, inlineMarkdown(l))
	}
	flush()
	doc.Sections = sec.sections()
	return doc
}

func inlineMarkdown(s string) string {
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdRefLink.ReplaceAllString(s, "$1")
	s = mdAutolink.ReplaceAllString(s, "$1")
	s = mdTag.ReplaceAllString(s, "")
	s = mdEmphasis.ReplaceAllString(s, "")
	return strings.TrimSpace(s)
}
