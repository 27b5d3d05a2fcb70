package text

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe"
)

// FuzzCheck: any text, every network — no panic, offsets inside the text.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		typicalPost, "", "http://", "https://t.co/", "a.b.c.com.", "#", "＃タグ#", "@a@b.c", "👨‍👩‍👧‍👦🏴\U000e0067\U000e007f",
		"1️⃣#️⃣", "\uFFFE\uFEFF", "abc\xff", "http://あいう.みんな/(a(b)c)?x=1#y", "xn--p1ai.xn--", "ｶﾞｷﾞ゛", "(((((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := utf8.RuneCountInString(s)
		for _, network := range soroe.Networks {
			r := Check(network, s, Options{})
			for _, p := range r.Problems {
				if p.Start < 0 || p.End < p.Start || p.End > n {
					t.Fatalf("%s: %+v outside %d runes of %q", network, p, n, s)
				}
			}
			if r.Valid != (len(r.Problems) == 0) {
				t.Fatalf("%s: valid %v with %+v", network, r.Valid, r.Problems)
			}
		}
		for _, u := range ExtractURLs(s, true) {
			if u.Start < 0 || u.End > n || string([]rune(s)[u.Start:u.End]) != u.Text {
				t.Fatalf("URL %+v of %q", u, s)
			}
		}
		for _, fd := range Risk(s, RiskConfig{NGWords: []string{"ｶﾞ", "a"}, Competitors: []string{"com"}}) {
			if fd.Start < 0 || fd.End <= fd.Start || fd.End > n || string([]rune(s)[fd.Start:fd.End]) != fd.Match {
				t.Fatalf("finding %+v of %q", fd, s)
			}
		}
	})
}

// TestPathologicalInputsStayFast: texts on which a backtracking matcher
// goes quadratic (minutes at this size) must take well under a second.
func TestPathologicalInputsStayFast(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a.", 20000), strings.Repeat("あ.", 20000), strings.Repeat("#a http://a.co ", 3000),
		strings.Repeat("絶対", 20000), strings.Repeat("xn--a.", 10000), strings.Repeat("a_", 20000) + ".com",
		strings.Repeat("@a@b.c ", 5000), strings.Repeat("090-1234-5678", 3000),
	} {
		start := time.Now()
		for _, n := range soroe.Networks {
			Check(n, s, Options{})
		}
		Risk(s, RiskConfig{NGWords: []string{"a"}})
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%.20q…: %v", s, d)
		}
	}
}
