package material_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
)

// fuzzExtract checks that whatever the bytes, extraction returns text or a
// *soroe.Error about the file, in bounded time, and never panics.
func fuzzExtract(f *testing.F, kind string, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s: %d bytes took %v", kind, len(data), d)
			}
		}()
		d, err := material.ExtractDocument(ctx, kind, data, material.Options{})
		if err != nil {
			var e *soroe.Error
			if !errors.As(err, &e) || e.Field != "file" {
				t.Fatalf("%s: error %v (%T) is not a file error", kind, err, err)
			}
			return
		}
		if len(d.Sections) == 0 {
			t.Fatal("no error and no text")
		}
		material.Split(d.Sections)
	})
}

func FuzzExtractPDF(f *testing.F) {
	seeds := [][]byte{materialtest.PDF("t", []string{"Hello", "world"}, []string{"page two"}), materialtest.EncryptedPDF()}
	if materialtest.HaveIPAGothic() {
		if ja, err := materialtest.JapanesePDF("日本語", []string{"断熱改修"}); err == nil {
			seeds = append(seeds, ja)
		}
	}
	fuzzExtract(f, material.PDF, seeds...)
}

func FuzzExtractDOCX(f *testing.F) {
	fuzzExtract(f, material.DOCX, materialtest.DOCX("t", "# 見出し", "本文です。", "| a | b"), materialtest.EncryptedDOCX())
}

func FuzzExtractPPTX(f *testing.F) {
	fuzzExtract(f, material.PPTX, materialtest.PPTX("t", []string{"題", "本文"}, []string{"二枚目"}))
}

func FuzzExtractText(f *testing.F) {
	fuzzExtract(f, material.TXT, []byte("こんにちは。\n\n二段落目"), materialtest.ShiftJIS("シフトJIS"))
}

func FuzzExtractMarkdown(f *testing.F) {
	fuzzExtract(f, material.Markdown, []byte("# 題\n\n- 項目\n\n[リンク](http://x)\n\n```\ncode\n"))
}

func FuzzExtractHTML(f *testing.F) {
	fuzzExtract(f, material.HTML, []byte(page), []byte("<main><h1>a</h1><p>b<br>c</p></main>"))
}

func FuzzRetrieve(f *testing.F) {
	f.Add("断熱 リフォーム", "当社は断熱改修を得意とします。")
	f.Add("ｷｬﾝﾍﾟｰﾝ", "キャンペーン実施中")
	f.Fuzz(func(t *testing.T, q, text string) {
		ps := material.Split([]material.Section{{Locator: "p.1", Text: text}})
		for _, p := range material.Retrieve(q, ps, 3) {
			if p.Score <= 0 {
				t.Fatalf("score %v", p.Score)
			}
		}
	})
}
