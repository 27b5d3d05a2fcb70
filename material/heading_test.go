package material_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
)

// TestHeadingsThroughExtract: the title line of a PDF page (English and
// Japanese), of a slide, a TXT section title and a Markdown heading come out
// of the whole extract-and-split pipeline on their own line, with the body
// after them whole.
func TestHeadingsThroughExtract(t *testing.T) {
	type file struct {
		name, kind string
		data       []byte
		want       []string // the passages' lines
	}
	files := []file{
		{"pdf", material.PDF, materialtest.PDF("Renovation", []string{"Winter Renovation", "We replace windows and insulate walls and floors for homes that", "suffer from cold and condensation. Last year we did forty."}),
			[]string{"Winter Renovation", "We replace windows and insulate walls and floors for homes that suffer from cold and condensation. Last year we did forty."}},
		{"pptx", material.PPTX, materialtest.PPTX("説明会", []string{"断熱リフォーム", "冬の寒さと結露に悩むお宅には、窓の交換をご提案しています。"}),
			[]string{"断熱リフォーム", "冬の寒さと結露に悩むお宅には、窓の交換をご提案しています。"}},
		{"txt", material.TXT, []byte("会社案内\n\n私たちについて\n揃え工務店は、地元で三十年、木の家づくりを続けてきた工務店です。\n"),
			[]string{"会社案内", "私たちについて", "揃え工務店は、地元で三十年、木の家づくりを続けてきた工務店です。"}},
		{"md", material.Markdown, []byte("# 会社案内\n\n## はたらく人\n若手大工は入社一年目から現場に立ちます。\n"),
			[]string{"会社案内", "はたらく人", "若手大工は入社一年目から現場に立ちます。"}},
	}
	if materialtest.HaveIPAGothic() {
		data, err := materialtest.JapanesePDF("会社案内", []string{"はたらく人", "若手大工は入社一年目から先輩と同じ現場に立ち、墨付けや刻みを一から学びます。"})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file{"japanese pdf", material.PDF, data,
			[]string{"はたらく人", "若手大工は入社一年目から先輩と同じ現場に立ち、墨付けや刻みを一から学びます。"}})
	} else {
		t.Log("IPA Gothic not installed: the Japanese PDF is not tried")
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			secs, err := material.Extract(f.kind, f.data)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, p := range material.Split(secs) {
				lines = append(lines, strings.Split(p.Text, "\n")...)
			}
			if !slices.Equal(lines, f.want) {
				t.Errorf("lines %q; want %q", lines, f.want)
			}
		})
	}
}
