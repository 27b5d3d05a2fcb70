package material_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
)

// benchPages is 50 pages of Japanese prose, about 1,200 characters each.
func benchPages() [][]string {
	var pages [][]string
	for p := range 50 {
		var lines []string
		for l := range 30 {
			lines = append(lines, fmt.Sprintf("第%d章の%d行目。築四十年の住宅の断熱改修では窓を樹脂サッシに替えました。", p+1, l+1))
		}
		pages = append(pages, lines)
	}
	return pages
}

func BenchmarkExtractJapanesePDF50Pages(b *testing.B) {
	if !materialtest.HaveIPAGothic() {
		b.Skip("no IPA font")
	}
	data, err := materialtest.JapanesePDF("bench", benchPages()...)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := material.Extract(material.PDF, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtractDOCX(b *testing.B) {
	var paras []string
	for _, p := range benchPages() {
		paras = append(paras, "# 章")
		paras = append(paras, p...)
	}
	data := materialtest.DOCX("bench", paras...)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := material.Extract(material.DOCX, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSplit(b *testing.B) {
	var secs []material.Section
	for i, p := range benchPages() {
		secs = append(secs, material.Section{Locator: fmt.Sprintf("p.%d", i+1), Text: strings.Join(p, "\n")})
	}
	for b.Loop() {
		material.Split(secs)
	}
}
