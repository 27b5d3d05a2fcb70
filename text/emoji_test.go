package text

import (
	"testing"

	"github.com/rivo/uniseg"
)

// TestExtPictMatchesUniseg checks our Extended_Pictographic table against
// uniseg's grapheme rules: after "❤ ZWJ", only an Extended_Pictographic
// character (or a combining one) stays in the same cluster (rule GB11).
func TestExtPictMatchesUniseg(t *testing.T) {
	bad := 0
	for r := rune(0x20); r <= 0x1FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		joins := uniseg.GraphemeClusterCount("\u2764\u200d"+s) == 1
		combining := uniseg.GraphemeClusterCount("a\u200d"+s) == 1
		if want := joins && !combining; isExtPict(r) != want {
			if bad++; bad <= 10 {
				t.Errorf("isExtPict(%U) = %v; uniseg says %v", r, !want, want)
			}
		}
	}
}

func TestEmojiLen(t *testing.T) {
	for _, c := range []struct {
		s    string
		want int // runes of the emoji at the start
	}{
		{"😀", 1},
		{"😀a", 1},
		{"👍🏽", 2},
		{"❤️", 2},
		{"👨‍👩‍👧‍👦", 7},
		{"🏳️‍🌈", 4},
		{"🧑🏽‍💻", 4},
		{"🇯🇵", 2},
		{"1⃣", 2},
		{"1️⃣", 3},
		{"#️⃣", 3},
		{"🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", 7},
		{"©", 0}, // text-default below U+2000: plain text
		{"©️", 2},
		{"™", 1},
		{"1", 0},
		{"あ", 0},
		{"a\u200d😀", 0},
	} {
		if got := emojiLen([]rune(c.s), 0); got != c.want {
			t.Errorf("emojiLen(%q) = %d; want %d", c.s, got, c.want)
		}
	}
}
