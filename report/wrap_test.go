package report

import (
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

// TestWrapKeepsEveryCharacter: breaking Japanese and English lines loses
// nothing.
func TestWrapKeepsEveryCharacter(t *testing.T) {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes(pdfFont, "", ipaGothic)
	p.SetFont(pdfFont, "", 10)
	for _, text := range []string{
		"「施工事例集のダウンロードを月40件に」のコンバージョン: 資料ダウンロードはペース83%。今の投稿の効き方のままなら、週あと1件ほど増やすと期限に届きます。",
		"The quick brown fox jumps over the lazy dog, again and again, until the line is far too long for one line.",
		"一行目\n二行目",
	} {
		lines := wrap(p, text, 60)
		if len(lines) < 2 {
			t.Errorf("%q: not wrapped: %q", text, lines)
		}
		for _, l := range lines {
			if p.GetStringWidth(l) > 60 {
				t.Errorf("line too wide: %q", l)
			}
		}
		joined := strings.Join(lines, "")
		if want := strings.NewReplacer(" ", "", "\n", "").Replace(text); strings.ReplaceAll(joined, " ", "") != want {
			t.Errorf("lost characters:\n%q\n%q", joined, want)
		}
	}
}
