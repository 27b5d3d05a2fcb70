package material_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// strip removes whitespace, to compare text across re-flowing.
func strip(s string) string {
	return strings.Join(strings.Fields(s), "")
}

func TestSplitJapanese(t *testing.T) {
	var sents []string
	for i := range 40 {
		sents = append(sents, fmt.Sprintf("第%d回の見学会では、断熱改修を終えたお宅を皆様にご覧いただきました（参加者%d名）。", i+1, 10+i))
	}
	// A PDF page: lines broken in the middle of words.
	page := strings.Join(sents[:20], "")
	var lines []string
	for rs := []rune(page); len(rs) > 0; {
		n := min(37, len(rs))
		lines = append(lines, string(rs[:n]))
		rs = rs[n:]
	}
	secs := []material.Section{
		{Locator: "p.1", Text: strings.Join(lines, "\n")},
		{Locator: "p.2", Text: strings.Join(sents[20:], "")},
	}
	ps := material.Split(secs)
	if len(ps) < 4 {
		t.Fatalf("%d passages", len(ps))
	}
	var all strings.Builder
	for i, p := range ps {
		n := runes(p.Text)
		if p.Index != i {
			t.Errorf("passage %d has index %d", i, p.Index)
		}
		if n > material.PassageMax || (n < material.PassageMin && i < len(ps)-1) {
			t.Errorf("passage %d: %d characters", i, n)
		}
		if !strings.HasSuffix(p.Text, "。") && !strings.HasSuffix(p.Text, "）。") {
			t.Errorf("passage %d does not end a sentence: %q", i, p.Text)
		}
		if strings.Contains(p.Text, "\n") && !strings.Contains(p.Locator, "–") {
			t.Errorf("PDF line breaks kept inside a paragraph: %q", p.Text)
		}
		if p.Locator != "p.1" && p.Locator != "p.2" && p.Locator != "p.1–2" {
			t.Errorf("passage %d locator %q", i, p.Locator)
		}
		all.WriteString(p.Text)
	}
	if strip(all.String()) != strip(strings.Join(sents, "")) {
		t.Error("text lost or changed in splitting")
	}
	if ps[0].Locator != "p.1" || ps[len(ps)-1].Locator != "p.2" {
		t.Errorf("locators %q … %q", ps[0].Locator, ps[len(ps)-1].Locator)
	}
}

func TestSplitEnglish(t *testing.T) {
	text := strings.Repeat("We insulate old houses so that families stay warm. Heating bills drop by a third! Ask us how? ", 12)
	ps := material.Split([]material.Section{{Locator: "§2", Text: text}})
	for i, p := range ps {
		if runes(p.Text) > material.PassageMax || !strings.ContainsAny(p.Text[len(p.Text)-1:], ".!?") {
			t.Errorf("passage %d: %q", i, p.Text)
		}
		if strings.Contains(p.Text, "  ") || strings.HasPrefix(p.Text, " ") {
			t.Errorf("spacing in %q", p.Text)
		}
		if p.Locator != "§2" {
			t.Errorf("locator %q", p.Locator)
		}
	}
	if strip(strings.Join(texts(ps), "")) != strip(text) {
		t.Error("text changed")
	}
}

func texts(ps []soroe.Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

func TestSplitShortSectionsRunOn(t *testing.T) {
	// Slides of a few words each join into one passage whose locator is a
	// range.
	secs := []material.Section{
		{Locator: "slide 1", Text: "採用説明会 2026"},
		{Locator: "slide 2", Text: "仕事の内容\n\n現場監督として工事を進めます。"},
		{Locator: "slide 3", Text: "働き方\n\n週休二日制・資格取得支援"},
	}
	ps := material.Split(secs)
	if len(ps) != 1 || ps[0].Locator != "slide 1–3" {
		t.Fatalf("passages %+v", ps)
	}
	if ps[0].Text != "採用説明会 2026\n仕事の内容\n現場監督として工事を進めます。\n働き方\n週休二日制・資格取得支援" {
		t.Errorf("text %q", ps[0].Text)
	}
	// Different kinds of locator make a plain range.
	ps = material.Split([]material.Section{{Locator: "¶1", Text: "はじめに"}, {Locator: "§1", Text: "会社概要"}})
	if len(ps) != 1 || ps[0].Locator != "¶1–§1" {
		t.Errorf("passages %+v", ps)
	}
}

func TestSplitLongSentence(t *testing.T) {
	long := strings.Repeat("断熱材、", 250) + "終わり。" // 1,004 characters, commas only
	ps := material.Split([]material.Section{{Locator: "p.9", Text: long}})
	if len(ps) < 3 {
		t.Fatalf("%d passages", len(ps))
	}
	for i, p := range ps {
		if runes(p.Text) > material.PassageMax {
			t.Errorf("passage %d: %d characters", i, runes(p.Text))
		}
		if i < len(ps)-1 && !strings.HasSuffix(p.Text, "、") {
			t.Errorf("passage %d not cut after a comma: …%q", i, p.Text[len(p.Text)-9:])
		}
	}
	if strings.Join(texts(ps), "") != long {
		t.Error("text changed")
	}
	// Without any break, cut at the limit.
	ps = material.Split([]material.Section{{Locator: "x", Text: strings.Repeat("あ", 900)}})
	if len(ps) != 3 || runes(ps[0].Text) != material.PassageMax {
		t.Errorf("%d passages, first %d", len(ps), runes(ps[0].Text))
	}
}

func TestSplitShortTail(t *testing.T) {
	body := strings.Repeat("工事の様子をお伝えします。", 25) // 325 characters
	ps := material.Split([]material.Section{{Locator: "p.1", Text: body}, {Locator: "p.2", Text: "以上。"}})
	if len(ps) != 1 || ps[0].Locator != "p.1–2" || !strings.HasSuffix(ps[0].Text, "\n以上。") {
		t.Errorf("passages %+v", ps)
	}
	if ps := material.Split(nil); len(ps) != 0 {
		t.Errorf("nil: %v", ps)
	}
}

func TestSplitClosers(t *testing.T) {
	text := strings.Repeat("「冬も暖かい！」とお客様。", 40)
	for _, p := range material.Split([]material.Section{{Locator: "p.1", Text: text}}) {
		if strings.HasPrefix(p.Text, "」") || strings.HasPrefix(p.Text, "と") {
			t.Errorf("sentence cut before its closer: %q", p.Text)
		}
	}
}

func TestLocatorText(t *testing.T) {
	for _, c := range []struct{ loc, ja, en string }{
		{"p.3", "p.3", "p.3"},
		{"slide 2–3", "スライド2–3", "slide 2–3"},
		{"¶4", "段落4", "¶4"},
		{"§1", "§1", "§1"},
	} {
		if got := material.LocatorText(c.loc, "ja"); got != c.ja {
			t.Errorf("ja %q: %q", c.loc, got)
		}
		if got := material.LocatorText(c.loc, "en"); got != c.en {
			t.Errorf("en %q: %q", c.loc, got)
		}
	}
}

// TestSplitHeadings: a heading line is never glued onto the sentence after
// it — a TXT section title followed by its body, a Markdown heading in a
// text file, a PDF page's title line, in Japanese and English — while lines
// that break a sentence (a PDF's wrapped lines, a hand-broken line ending
// in a particle or in "with") are still joined.
func TestSplitHeadings(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       string // the passage's text
	}{
		{"txt section title", "私たちについて\n揃え工務店は、地元で三十年、木の家づくりを続けてきた工務店です。",
			"私たちについて\n揃え工務店は、地元で三十年、木の家づくりを続けてきた工務店です。"},
		{"title after a sentence", "大工八名が在籍しています。\n断熱リフォーム\n冬の寒さに悩むお宅には、窓の交換をご提案しています。",
			"大工八名が在籍しています。\n断熱リフォーム\n冬の寒さに悩むお宅には、窓の交換をご提案しています。"},
		{"title before a short last line", "見学会\n毎月開いています。", "見学会\n毎月開いています。"},
		{"markdown heading in a text file", "## 断熱リフォーム\n冬の寒さに悩むお宅には、窓の交換をご提案しています。",
			"断熱リフォーム\n冬の寒さに悩むお宅には、窓の交換をご提案しています。"},
		{"english title", "Winter Renovation\nWe replace windows and insulate walls for homes that\nsuffer from the cold.",
			"Winter Renovation\nWe replace windows and insulate walls for homes that suffer from the cold."},
		{"wrapped PDF lines", "冬の寒さと結露に悩むお宅には、窓の交換と壁・床の断熱\n改修をご提案しています。", "冬の寒さと結露に悩むお宅には、窓の交換と壁・床の断熱改修をご提案しています。"},
		{"hand-broken after a particle", "私たちの家づくりは\n地元の木を使うところから始まります。", "私たちの家づくりは地元の木を使うところから始まります。"},
		{"hand-broken after a comma", "冬の寒さに悩むお宅には、\n窓の交換をご提案しています。", "冬の寒さに悩むお宅には、窓の交換をご提案しています。"},
		{"hand-broken english", "We build homes with\nLocal wood from the hills around the town.", "We build homes with Local wood from the hills around the town."},
		{"wrapped english", "We replace windows and insulate\nwalls and floors for homes.", "We replace windows and insulate walls and floors for homes."},
		{"similar lines are one paragraph", "週休二日制・資格取得支援\n住宅手当・家族手当あり", "週休二日制・資格取得支援住宅手当・家族手当あり"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ps := material.Split([]material.Section{{Locator: "p.1", Text: c.text}})
			if len(ps) != 1 || ps[0].Text != c.want {
				t.Errorf("passages %q; want %q", texts(ps), c.want)
			}
		})
	}
	// A heading starts the passage of its body rather than ending the one
	// before it.
	long := strings.Repeat("木の家づくりとリフォームを地元で続けています。", 9) // 207 characters
	ps := material.Split([]material.Section{{Locator: "¶1", Text: long + "\n\n" + strings.Repeat("あ", 190) + "。\n施工事例集\n事例集を無料でお配りしています。"}})
	for _, p := range ps {
		if strings.HasSuffix(p.Text, "施工事例集") {
			t.Errorf("a passage ends with its heading: %q", texts(ps))
		}
	}
	if last := ps[len(ps)-1].Text; !strings.HasSuffix(last, "施工事例集\n事例集を無料でお配りしています。") {
		t.Errorf("heading parted from its body: %q", texts(ps))
	}
}
