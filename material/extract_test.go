package material_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/japanese"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
	"github.com/soroe/soroe/store"
)

func wantFileErr(t *testing.T, err error, key string) {
	t.Helper()
	if soroe.ErrorCode(err) != soroe.EInvalid || soroe.ErrorField(err) != "file" || soroe.ErrorMessage(err) != key {
		t.Errorf("error %v, want file %s", err, key)
	}
}

func extract(t *testing.T, kind string, data []byte) *material.Document {
	t.Helper()
	d, err := material.ExtractDocument(context.Background(), kind, data, material.Options{})
	if err != nil {
		t.Fatalf("extract %s: %v", kind, err)
	}
	return d
}

func TestExtractDOCX(t *testing.T) {
	data := materialtest.DOCX("会社案内",
		"山田工務店 会社案内",
		"# 私たちについて",
		"創業1978年。浜松で地域の家づくりを続けています。",
		"断熱改修と耐震補強を得意としています。",
		"# 施工事例",
		"築40年の住宅を断熱改修し、冬の暖房費が3割減りました。",
		"| 工事 | 期間 | 費用",
		"窓の交換\t1日",
	)
	d := extract(t, material.DOCX, data)
	if d.Title != "会社案内" {
		t.Errorf("title %q", d.Title)
	}
	want := []material.Section{
		{Locator: "¶1", Text: "山田工務店 会社案内"},
		{Locator: "§1", Text: "私たちについて\n\n創業1978年。浜松で地域の家づくりを続けています。\n\n断熱改修と耐震補強を得意としています。"},
		{Locator: "§2", Text: "施工事例\n\n築40年の住宅を断熱改修し、冬の暖房費が3割減りました。\n\n工事\n\n期間\n\n費用\n\n窓の交換\t1日"},
	}
	if len(d.Sections) != len(want) {
		t.Fatalf("sections %q", d.Sections)
	}
	for i := range want {
		if d.Sections[i] != want[i] {
			t.Errorf("section %d: %q, want %q", i, d.Sections[i], want[i])
		}
	}
	if k, err := material.KindOf("案内.docx", "", data); k != material.DOCX || err != nil {
		t.Errorf("KindOf: %q %v", k, err)
	}
	if k, err := material.KindOf("upload", "application/octet-stream", data); k != material.DOCX || err != nil {
		t.Errorf("KindOf without a name: %q %v", k, err)
	}
}

func TestExtractPPTX(t *testing.T) {
	data := materialtest.PPTX("採用説明会",
		[]string{"採用説明会 2026", "山田工務店"},
		[]string{"仕事の内容", "現場監督として工事を進めます。", "職人さんとお客様をつなぐ仕事です。"},
		[]string{"働き方", "週休二日制・資格取得支援"},
	)
	d := extract(t, material.PPTX, data)
	if d.Title != "採用説明会" {
		t.Errorf("title %q", d.Title)
	}
	want := []material.Section{
		{Locator: "slide 1", Text: "採用説明会 2026\n\n山田工務店"},
		{Locator: "slide 2", Text: "仕事の内容\n\n現場監督として工事を進めます。\n\n職人さんとお客様をつなぐ仕事です。"},
		{Locator: "slide 3", Text: "働き方\n\n週休二日制・資格取得支援"},
	}
	if len(d.Sections) != len(want) {
		t.Fatalf("sections %q", d.Sections)
	}
	for i := range want {
		if d.Sections[i] != want[i] {
			t.Errorf("section %d: %q, want %q", i, d.Sections[i], want[i])
		}
	}
	if k, err := material.KindOf("説明会.pptx", "", data); k != material.PPTX || err != nil {
		t.Errorf("KindOf: %q %v", k, err)
	}
}

func TestExtractPDF(t *testing.T) {
	data := materialtest.PDF("Company profile (2026)",
		[]string{"Yamada Komuten builds warm houses.", "Founded in 1978 in Hamamatsu."},
		[]string{"Insulation retrofits cut heating bills by 30%."},
	)
	d := extract(t, material.PDF, data)
	if d.Title != "Company profile (2026)" {
		t.Errorf("title %q", d.Title)
	}
	want := []material.Section{
		{Locator: "p.1", Text: "Yamada Komuten builds warm houses.\nFounded in 1978 in Hamamatsu."},
		{Locator: "p.2", Text: "Insulation retrofits cut heating bills by 30%."},
	}
	if len(d.Sections) != 2 || d.Sections[0] != want[0] || d.Sections[1] != want[1] {
		t.Errorf("sections %q, want %q", d.Sections, want)
	}
	if k, _ := material.KindOf("x.bin", "", data); k != material.PDF {
		t.Errorf("KindOf: %q", k)
	}
	// Office's export names the app and the file; the title is the name.
	d = extract(t, material.PDF, materialtest.PDF("Microsoft Word - 会社案内.docx", []string{"x"}))
	if d.Title != "会社案内" {
		t.Errorf("title %q", d.Title)
	}
}

func TestExtractJapanesePDF(t *testing.T) {
	if !materialtest.HaveIPAGothic() {
		t.Skipf("no Japanese PDF test: the IPA Gothic font (%s, Debian package fonts-ipafont-gothic) is not installed", materialtest.IPAGothic)
	}
	data, err := materialtest.JapanesePDF("会社案内",
		[]string{"山田工務店は浜松で地域の家づくりを続けています。", "断熱改修で冬も暖かい住まいに。"},
		[]string{"採用情報：現場監督を募集しています。ZEH にも対応。"},
	)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	d, err := material.ExtractDocument(context.Background(), material.PDF, data, material.Options{Progress: func(done, total int) {
		if total != 2 {
			t.Errorf("total %d", total)
		}
		steps = append(steps, done)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "会社案内" {
		t.Errorf("title %q", d.Title)
	}
	want := []material.Section{
		{Locator: "p.1", Text: "山田工務店は浜松で地域の家づくりを続けています。\n断熱改修で冬も暖かい住まいに。"},
		{Locator: "p.2", Text: "採用情報：現場監督を募集しています。ZEH にも対応。"},
	}
	if len(d.Sections) != 2 || d.Sections[0] != want[0] || d.Sections[1] != want[1] {
		t.Errorf("sections %q, want %q", d.Sections, want)
	}
	if len(steps) != 2 || steps[1] != 2 {
		t.Errorf("progress %v", steps)
	}
}

func TestExtractEncrypted(t *testing.T) {
	_, err := material.Extract(material.PDF, materialtest.EncryptedPDF())
	wantFileErr(t, err, material.ErrEncrypted)
	enc := materialtest.EncryptedDOCX()
	_, err = material.Extract(material.DOCX, enc)
	wantFileErr(t, err, material.ErrEncrypted)
	_, err = material.Extract(material.PPTX, enc)
	wantFileErr(t, err, material.ErrEncrypted)
	_, err = material.KindOf("secret.docx", "", enc)
	wantFileErr(t, err, material.ErrEncrypted)
	// A legacy .doc is an OLE file too, without the encrypted package.
	legacy := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1024)...)
	_, err = material.Extract(material.DOCX, legacy)
	wantFileErr(t, err, material.ErrUnsupported)
	_, err = material.KindOf("old.doc", "", legacy)
	wantFileErr(t, err, material.ErrUnsupported)
}

func TestExtractBroken(t *testing.T) {
	pdf := materialtest.PDF("t", []string{"hello"})
	docx := materialtest.DOCX("t", "こんにちは")
	for _, c := range []struct {
		name, kind string
		data       []byte
		key        string
	}{
		{"pdf header only", material.PDF, []byte("%PDF-1.4\n"), material.ErrBroken},
		{"pdf truncated", material.PDF, pdf[:len(pdf)/2], material.ErrBroken},
		{"pdf garbage", material.PDF, bytes.Repeat([]byte{0x8f, 0x01}, 500), material.ErrBroken},
		{"docx truncated", material.DOCX, docx[:len(docx)/2], material.ErrBroken},
		{"docx not a zip", material.DOCX, []byte("this is not a zip file at all"), material.ErrBroken},
		{"docx without document", material.DOCX, zipOf(map[string]string{"a.txt": "x"}), material.ErrBroken},
		{"docx bad xml", material.DOCX, zipOf(map[string]string{"word/document.xml": "<w:document><w:body><w:p><w:t>x"}), material.ErrBroken},
		{"pptx not a zip", material.PPTX, []byte("PK\x03\x04 broken"), material.ErrBroken},
		{"pptx without slides", material.PPTX, zipOf(map[string]string{"a.txt": "x"}), material.ErrBroken},
		{"txt binary", material.TXT, []byte{0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x80, 0x81}, material.ErrBroken},
		{"empty", material.TXT, nil, material.ErrEmpty},
		{"blank", material.Markdown, []byte(" \n\n\t "), material.ErrEmpty},
		{"html without text", material.HTML, []byte("<html><script>x()</script><nav>menu</nav></html>"), material.ErrEmpty},
		{"docx without text", material.DOCX, materialtest.DOCX("t"), material.ErrEmpty},
		{"unknown kind", "exe", []byte("MZ"), material.ErrUnsupported},
		{"too large", material.TXT, make([]byte, material.MaxUpload+1), material.ErrTooLarge},
		{"too long", material.TXT, []byte(strings.Repeat("あいうえお。\n\n", material.MaxText/6+10)), material.ErrTooLong},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := material.Extract(c.kind, c.data)
			wantFileErr(t, err, c.key)
		})
	}
}

func zipOf(files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

func TestExtractText(t *testing.T) {
	const text = "山田工務店のお知らせ\r\n\r\n見学会を開きます。\r\nぜひお越しください。\r\n\r\n場所：浜松市"
	want := []material.Section{
		{Locator: "¶1", Text: "山田工務店のお知らせ"},
		{Locator: "¶2", Text: "見学会を開きます。\nぜひお越しください。"},
		{Locator: "¶3", Text: "場所：浜松市"},
	}
	utf16le := func(s string) []byte {
		b := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		return b
	}
	for name, data := range map[string][]byte{
		"utf-8":       []byte(text),
		"utf-8 bom":   append([]byte{0xEF, 0xBB, 0xBF}, text...),
		"shift_jis":   materialtest.ShiftJIS(text),
		"utf-16 bom":  utf16le(text),
		"euc-jp-like": eucJP(t, text),
	} {
		t.Run(name, func(t *testing.T) {
			d := extract(t, material.TXT, data)
			if len(d.Sections) != 3 {
				t.Fatalf("sections %q", d.Sections)
			}
			for i := range want {
				if d.Sections[i] != want[i] {
					t.Errorf("section %d: %q, want %q", i, d.Sections[i], want[i])
				}
			}
		})
	}
}

func TestExtractMarkdown(t *testing.T) {
	md := "---\nlayout: post\n---\n# 施工事例集\n\n当社の**代表的な**施工事例を[こちら](https://example.jp)にまとめました。\n\n" +
		"## 断熱改修\n\n- 窓の交換\n- 天井の断熱材\n\n> お客様の声：冬も暖かい！\n\n```\ncode block\n```\n\n| 工事 | 期間 |\n|---|---|\n| 窓 | 1日 |\n\n![写真](a.jpg)\n"
	d := extract(t, material.Markdown, []byte(md))
	if d.Title != "施工事例集" {
		t.Errorf("title %q", d.Title)
	}
	all := joinSections(d.Sections)
	for _, want := range []string{"§1: 施工事例集", "当社の代表的な施工事例をこちらにまとめました。", "§2: 断熱改修", "窓の交換", "天井の断熱材", "お客様の声：冬も暖かい！", "code block", "窓\t1日", "写真"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in\n%s", want, all)
		}
	}
	for _, gone := range []string{"layout", "**", "https://", "](", "```", "---", "> ", "- 窓"} {
		if strings.Contains(all, gone) {
			t.Errorf("%q kept in\n%s", gone, all)
		}
	}
}

func TestExtractHTMLMain(t *testing.T) {
	// Without <main>, the body minus header, nav, footer and hidden parts.
	h := `<html><head><title> 会社 概要 </title></head><body><header>サイト名</header>
<div class="content"><p>創業1978年。</p><table><tr><td>所在地</td><td>浜松市</td></tr></table>
<p hidden>隠し</p><div style="display: none">非表示</div><p aria-hidden="true">飾り</p><pre>整形  済み</pre></div>
<footer>フッター</footer></body></html>`
	d := extract(t, material.HTML, []byte(h))
	all := joinSections(d.Sections)
	if d.Title != "会社 概要" {
		t.Errorf("title %q", d.Title)
	}
	for _, want := range []string{"創業1978年。", "所在地 浜松市", "整形  済み"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q in %q", want, all)
		}
	}
	for _, gone := range []string{"サイト名", "フッター", "隠し", "非表示", "飾り"} {
		if strings.Contains(all, gone) {
			t.Errorf("%q kept in %q", gone, all)
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, c := range []struct {
		name, ct string
		data     []byte
		kind     string
		err      string
	}{
		{"a.txt", "", []byte("hi"), material.TXT, ""},
		{"a.md", "", []byte("# hi"), material.Markdown, ""},
		{"a.markdown", "", []byte("# hi"), material.Markdown, ""},
		{"a.HTML", "", []byte("<p>"), material.HTML, ""},
		{"C:\\Users\\社長\\資料.txt", "", []byte("hi"), material.TXT, ""},
		{"page", "text/html; charset=utf-8", []byte("<p>"), material.HTML, ""},
		{"a.pdf", "", []byte("not a pdf"), "", material.ErrBroken},
		{"a.docx", "", []byte("not a zip"), "", material.ErrBroken},
		{"a.xlsx", "", zipOf(map[string]string{"xl/workbook.xml": "x"}), "", material.ErrUnsupported},
		{"a.png", "image/png", []byte("\x89PNG"), "", material.ErrUnsupported},
	} {
		k, err := material.KindOf(c.name, c.ct, c.data)
		if k != c.kind || soroe.ErrorMessage(err) != c.err {
			t.Errorf("KindOf(%q, %q): %q %v, want %q %q", c.name, c.ct, k, err, c.kind, c.err)
		}
	}
}

func TestLimitsAgree(t *testing.T) {
	if material.MaxUpload != store.MaxMaterialBytes {
		t.Errorf("material.MaxUpload %d != store.MaxMaterialBytes %d", material.MaxUpload, store.MaxMaterialBytes)
	}
	if len(material.ErrorKeys) != 16 {
		t.Errorf("%d error keys", len(material.ErrorKeys))
	}
}

func eucJP(t *testing.T, s string) []byte {
	b, err := japanese.EUCJP.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestExtractCIDFonts covers the ways Japanese PDFs encode text besides
// fpdf's: glyph IDs with a ToUnicode map of bfchar and bfrange arrays, and
// the predefined UTF-16 and Shift_JIS CMaps without one.
func TestExtractCIDFonts(t *testing.T) {
	lines := []string{"山田工務店の会社案内です。", "断熱改修（ZEH対応）とリフォーム"}
	for _, enc := range []string{materialtest.IdentityToUnicode, materialtest.UniJISUCS2, materialtest.ShiftJIS90ms} {
		t.Run(enc, func(t *testing.T) {
			d := extract(t, material.PDF, materialtest.CIDPDF(enc, lines...))
			if len(d.Sections) != 1 || d.Sections[0].Text != strings.Join(lines, "\n") {
				t.Errorf("sections %q", d.Sections)
			}
		})
	}
}

// TestExtractPDFLayout: words placed apart become spaces, lines newlines,
// and kerning inside a word joins it, whichever operators place them.
func TestExtractPDFLayout(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{"BT /F1 12 Tf 72 700 Td [(Hello)-333(world)] TJ ET", "Hello world"},
		{"BT /F1 12 Tf 72 700 Td [(Kern)20(ing)] TJ ET", "Kerning"},
		{"BT /F1 12 Tf 72 700 Td (Hello) Tj 40 0 Td (world) Tj ET", "Hello world"},
		{"BT /F1 12 Tf 72 700 Td (Hel) Tj 18 0 Td (lo) Tj ET", "Hello"},
		{"BT /F1 12 Tf 72 700 Td (line one) Tj 0 -14 Td (line two) Tj ET", "line one\nline two"},
		{"BT /F1 12 Tf 14 TL 72 700 Td (line one) Tj T* (line two) Tj ET", "line one\nline two"},
		{"BT /F1 12 Tf 72 700 Td (para one) Tj 0 -40 Td (para two) Tj ET", "para one\n\npara two"},
		{"BT /F1 12 Tf 1 0 0 1 72 700 Tm (first) Tj ET BT /F1 12 Tf 1 0 0 1 72 686 Tm (second) Tj ET", "first\nsecond"},
		{"q 2 0 0 2 0 0 cm BT /F1 12 Tf 36 350 Td [(big)-300(text)] TJ ET Q", "big text"},
		{"BT /F1 12 Tf 72 700 Td (a\\(b\\)) Tj ET", "a(b)"},
	} {
		d := extract(t, material.PDF, materialtest.PDFContent(c.content))
		if len(d.Sections) != 1 || d.Sections[0].Text != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.content, d.Sections, c.want)
		}
	}
}

// TestExtractOwnerLockedPDF: a PDF encrypted without a password to open it
// (copying forbidden) is read like any other; one that needs a password is
// not.
func TestExtractOwnerLockedPDF(t *testing.T) {
	d := extract(t, material.PDF, materialtest.OwnerLockedPDF("Brochure", "Warm houses since 1978."))
	if d.Title != "Brochure" || len(d.Sections) != 1 || d.Sections[0].Text != "Warm houses since 1978." {
		t.Errorf("%q %q", d.Title, d.Sections)
	}
}

func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := material.ExtractDocument(ctx, material.PDF, materialtest.PDF("t", []string{"a"}, []string{"b"}), material.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}
