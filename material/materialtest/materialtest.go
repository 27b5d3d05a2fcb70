// Package materialtest makes real company-material files for tests: DOCX and
// PPTX packages with the parts Word and PowerPoint need (DOCX, PPTX); PDFs
// hand-written with a standard font (PDF, PDFContent), with Japanese text in
// an embedded IPA font drawn by fpdf (JapanesePDF) or in a CID font encoded
// the ways Japanese producers do (CIDPDF); a copy-protected PDF that opens
// without a password (OwnerLockedPDF); the password-protected forms of PDF
// and DOCX, whose extraction must fail clearly (EncryptedPDF,
// EncryptedDOCX); and Shift_JIS text (ShiftJIS). poppler and qpdf read the
// PDFs, and python-docx the DOCX, as these tests do.
//
// The web and CLI tests use it too, to run material upload to a cited draft
// end to end on files a person could open.
package materialtest

import (
	"archive/zip"
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"fmt"
	"html"
	"os"
	"strings"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/encoding/japanese"
)

// IPAGothic is where Debian's fonts-ipafont-gothic puts its TrueType font
// (installed here and by .ci/run); JapanesePDF draws with it.
const IPAGothic = "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"

// HaveIPAGothic reports whether the IPA font is installed; tests of
// Japanese PDFs skip (saying so) when it is not.
func HaveIPAGothic() bool {
	_, err := os.Stat(IPAGothic)
	return err == nil
}

func esc(s string) string { return html.EscapeString(s) }

func zipFiles(files [][2]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(f[1])); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func coreProps(title string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>` + esc(title) + `</dc:title><dc:creator>Soroe tests</dc:creator></cp:coreProperties>`
}

// DOCX returns a Word document (the minimal package Word opens: content
// types, package relationships, word/document.xml with its styles, and core
// properties holding title). A paragraph that starts with "# " is a
// 見出し 1 (Heading 1) paragraph; "\t" in a paragraph becomes a tab; one
// that starts with "| " becomes a table row whose cells are separated by
// " | " (so that text in tables is covered too).
func DOCX(title string, paragraphs ...string) []byte {
	var body strings.Builder
	for _, p := range paragraphs {
		body.WriteString(docxPara(p))
	}
	doc := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>` +
		body.String() + `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
	return zipFiles([][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`},
		{"word/document.xml", doc},
		// Japanese Word names its heading styles with numeric IDs ("1" is
		// 見出し 1); only the style's name says it is a heading.
		{"word/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>`},
		{"docProps/core.xml", coreProps(title)},
	})
}

func docxPara(p string) string {
	if row, ok := strings.CutPrefix(p, "| "); ok {
		var cells, grid strings.Builder
		for _, c := range strings.Split(row, " | ") {
			grid.WriteString(`<w:gridCol w:w="2000"/>`)
			cells.WriteString(`<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>` + docxPara(c) + `</w:tc>`)
		}
		return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>` + grid.String() + `</w:tblGrid><w:tr>` + cells.String() + `</w:tr></w:tbl>`
	}
	style := ""
	if h, ok := strings.CutPrefix(p, "# "); ok {
		p, style = h, `<w:pPr><w:pStyle w:val="1"/></w:pPr>`
	}
	var runs strings.Builder
	for i, part := range strings.Split(p, "\t") {
		if i > 0 {
			runs.WriteString(`<w:r><w:tab/></w:r>`)
		}
		// Word splits text into several runs; so do we, to check they are
		// joined without spaces.
		rs := []rune(part)
		mid := len(rs) / 2
		for _, piece := range []string{string(rs[:mid]), string(rs[mid:])} {
			if piece != "" {
				runs.WriteString(`<w:r><w:rPr><w:lang w:eastAsia="ja-JP"/></w:rPr><w:t xml:space="preserve">` + esc(piece) + `</w:t></w:r>`)
			}
		}
	}
	return `<w:p>` + style + runs.String() + `</w:p>`
}

// PPTX returns a PowerPoint presentation with one slide per element of
// slides; the first string of each is the slide's title, the rest are
// paragraphs of its body. The package has the parts PowerPoint needs to open
// it (presentation, slide master, slide layout, theme, slides and their
// relationships). Slides are stored under names whose order differs from the
// presentation's (slide order comes from ppt/presentation.xml, as in files
// PowerPoint has reordered).
func PPTX(title string, slides ...[]string) []byte {
	n := len(slides)
	// Slide i (0-based, in presentation order) is stored as slide(n-i).xml.
	file := func(i int) int { return n - i }
	ct := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/><Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/><Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>`
	var ids, rels strings.Builder
	for i := range slides {
		ct += fmt.Sprintf(`<Override PartName="/ppt/slides/slide%d.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`, file(i))
		ids.WriteString(fmt.Sprintf(`<p:sldId id="%d" r:id="rId%d"/>`, 256+i, 10+i))
		rels.WriteString(fmt.Sprintf(`<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide%d.xml"/>`, 10+i, file(i)))
	}
	ct += `</Types>`
	const relNS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`
	const rt = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	files := [][2]string{
		{"[Content_Types].xml", ct},
		{"_rels/.rels", relNS + `<Relationship Id="rId1" Type="` + rt + `officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`},
		{"ppt/presentation.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:sldIdLst>` + ids.String() + `</p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`},
		{"ppt/_rels/presentation.xml.rels", relNS + `<Relationship Id="rId1" Type="` + rt + `slideMaster" Target="slideMasters/slideMaster1.xml"/><Relationship Id="rId2" Type="` + rt + `theme" Target="theme/theme1.xml"/>` + rels.String() + `</Relationships>`},
		{"ppt/slideMasters/slideMaster1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sldMaster xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld>` + emptyTree + `</p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst></p:sldMaster>`},
		{"ppt/slideMasters/_rels/slideMaster1.xml.rels", relNS + `<Relationship Id="rId1" Type="` + rt + `slideLayout" Target="../slideLayouts/slideLayout1.xml"/><Relationship Id="rId2" Type="` + rt + `theme" Target="../theme/theme1.xml"/></Relationships>`},
		{"ppt/slideLayouts/slideLayout1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sldLayout xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" type="blank"><p:cSld name="Blank">` + emptyTree + `</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`},
		{"ppt/slideLayouts/_rels/slideLayout1.xml.rels", relNS + `<Relationship Id="rId1" Type="` + rt + `slideMaster" Target="../slideMasters/slideMaster1.xml"/></Relationships>`},
		{"ppt/theme/theme1.xml", theme},
		{"docProps/core.xml", coreProps(title)},
	}
	for i, s := range slides {
		files = append(files,
			[2]string{fmt.Sprintf("ppt/slides/slide%d.xml", file(i)), pptxSlide(s)},
			[2]string{fmt.Sprintf("ppt/slides/_rels/slide%d.xml.rels", file(i)), relNS + `<Relationship Id="rId1" Type="` + rt + `slideLayout" Target="../slideLayouts/slideLayout1.xml"/></Relationships>`})
	}
	return zipFiles(files)
}

const emptyTree = `<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree>`

// theme is the smallest complete DrawingML theme: colours, fonts and the
// three-of-each format scheme the schema requires.
var theme = func() string {
	clr := func(name, v string) string { return "<a:" + name + `><a:srgbClr val="` + v + `"/></a:` + name + ">" }
	fill := `<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>`
	ln := `<a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>`
	eff := `<a:effectStyle><a:effectLst/></a:effectStyle>`
	font := `<a:latin typeface="Calibri"/><a:ea typeface="Yu Gothic"/><a:cs typeface=""/>`
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Soroe"><a:themeElements><a:clrScheme name="Soroe">` +
		`<a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1><a:sysClr val="window" lastClr="FFFFFF"/></a:lt1>` +
		clr("dk2", "44546A") + clr("lt2", "E7E6E6") + clr("accent1", "4472C4") + clr("accent2", "ED7D31") + clr("accent3", "A5A5A5") +
		clr("accent4", "FFC000") + clr("accent5", "5B9BD5") + clr("accent6", "70AD47") + clr("hlink", "0563C1") + clr("folHlink", "954F72") +
		`</a:clrScheme><a:fontScheme name="Soroe"><a:majorFont>` + font + `</a:majorFont><a:minorFont>` + font + `</a:minorFont></a:fontScheme>` +
		`<a:fmtScheme name="Soroe"><a:fillStyleLst>` + fill + fill + fill + `</a:fillStyleLst><a:lnStyleLst>` + ln + ln + ln +
		`</a:lnStyleLst><a:effectStyleLst>` + eff + eff + eff + `</a:effectStyleLst><a:bgFillStyleLst>` + fill + fill + fill +
		`</a:bgFillStyleLst></a:fmtScheme></a:themeElements></a:theme>`
}()

func pptxSlide(paras []string) string {
	shape := func(id int, name string, y, h int, ps []string) string {
		var b strings.Builder
		for _, p := range ps {
			b.WriteString(`<a:p><a:r><a:rPr lang="ja-JP"/><a:t>` + esc(p) + `</a:t></a:r></a:p>`)
		}
		if len(ps) == 0 {
			b.WriteString(`<a:p/>`) // a text body has at least one paragraph
		}
		return fmt.Sprintf(`<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>`+
			`<p:spPr><a:xfrm><a:off x="457200" y="%d"/><a:ext cx="11277600" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>`+
			`<p:txBody><a:bodyPr wrap="square"/><a:lstStyle/>%s</p:txBody></p:sp>`, id, name, y, h, b.String())
	}
	var body string
	if len(paras) > 0 {
		body = shape(2, "Title 1", 274638, 1143000, paras[:1]) + shape(3, "Content 2", 1600200, 4525963, paras[1:])
	}
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>` + body + `</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`
}

// pdfObjects writes a PDF from its numbered objects (1-based; object 1 must
// be the catalog), with a correct cross-reference table and the given extra
// trailer entries.
func pdfObjects(objs []string, trailerExtra string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailerExtra, xref)
	return b.Bytes()
}

func pdfString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return "(" + r.Replace(s) + ")"
}

// pdfTextString writes a PDF text string: literal for ASCII, UTF-16BE with
// a byte-order mark (in hex) otherwise.
func pdfTextString(s string) string {
	ascii := true
	for _, r := range s {
		ascii = ascii && r < 128
	}
	if ascii {
		return pdfString(s)
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String() + ">"
}

// PDF returns a hand-written PDF with one page per element of pages, each
// string a line of text in Helvetica (ASCII and Latin-1 text only). Lines
// are placed with Td, as most producers do, and the document's /Title is
// title.
func PDF(title string, pages ...[]string) []byte {
	// 1 catalog, 2 pages, 3 font, 4 info, then page+content pairs.
	var kids []string
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", "<< /Title " + pdfTextString(title) + " /Producer (soroe materialtest) >>"}
	for _, lines := range pages {
		page := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		var c strings.Builder
		c.WriteString("BT\n/F1 12 Tf\n72 770 Td\n")
		for i, l := range lines {
			if i > 0 {
				c.WriteString("0 -16 Td\n")
			}
			c.WriteString(latin1(pdfString(l)) + " Tj\n")
		}
		c.WriteString("ET")
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", page+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(latin1(c.String())), latin1(c.String())))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))
	return pdfObjects(objs, "/Info 4 0 R ")
}

// latin1 encodes s (whose runes are all below 256) one byte per rune, as
// WinAnsiEncoding wants.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 255 {
			r = '?'
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// EncryptedPDF returns a PDF whose trailer has an /Encrypt dictionary (the
// standard security handler, RC4 128-bit) with a user password that is not
// empty: no reader can open it without the password.
func EncryptedPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		"<< /Length 10 >>\nstream\n\x8f\x12\xa0\x33\x00\x91\x7e\x21\x55\x02\nendstream",
		"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 " +
			"/O <" + strings.Repeat("5a", 32) + "> /U <" + strings.Repeat("c3", 32) + "> >>",
	}
	return pdfObjects(objs, "/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ")
}

// JapanesePDF returns a PDF drawn by fpdf with the IPA Gothic font embedded
// as a CID font (Type0, Identity-H, with a ToUnicode map, as Word and most
// Japanese producers write them), one page per element of pages. It fails
// when the font is not installed (see HaveIPAGothic).
func JapanesePDF(title string, pages ...[]string) ([]byte, error) {
	font, err := os.ReadFile(IPAGothic)
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.AddUTF8FontFromBytes("ipag", "", font)
	pdf.SetFont("ipag", "", 11)
	for _, lines := range pages {
		pdf.AddPage()
		for _, l := range lines {
			pdf.MultiCell(0, 7, l, "", "L", false)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncryptedDOCX returns what Word writes for a document protected with a
// password: not a zip package but an OLE compound file (it starts with
// D0 CF 11 E0 A1 B1 1A E1) holding an EncryptionInfo stream and the
// encrypted package. The streams' contents are random-looking filler; only
// the container and its directory are real.
func EncryptedDOCX() []byte {
	const sector = 512
	hdr := make([]byte, sector)
	copy(hdr, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(hdr[0x18:], 0x003E) // minor version
	le.PutUint16(hdr[0x1A:], 0x0003) // major version 3
	le.PutUint16(hdr[0x1C:], 0xFFFE) // little-endian
	le.PutUint16(hdr[0x1E:], 9)      // 512-byte sectors
	le.PutUint16(hdr[0x20:], 6)      // 64-byte mini sectors
	le.PutUint32(hdr[0x2C:], 1)      // one FAT sector
	le.PutUint32(hdr[0x30:], 1)      // first directory sector
	le.PutUint32(hdr[0x38:], 4096)   // mini stream cut-off
	le.PutUint32(hdr[0x3C:], 0xFFFFFFFE)
	le.PutUint32(hdr[0x44:], 0xFFFFFFFE)
	le.PutUint32(hdr[0x4C:], 0) // FAT in sector 0
	for i := 1; i < 109; i++ {
		le.PutUint32(hdr[0x4C+4*i:], 0xFFFFFFFF)
	}
	fat := make([]byte, sector)
	for i := range sector / 4 {
		le.PutUint32(fat[4*i:], 0xFFFFFFFF)
	}
	le.PutUint32(fat[0:], 0xFFFFFFFD) // sector 0: FAT
	le.PutUint32(fat[4:], 0xFFFFFFFE) // sector 1: directory
	le.PutUint32(fat[8:], 0xFFFFFFFE) // sector 2: EncryptedPackage
	dir := make([]byte, sector)
	entry := func(i int, name string, typ byte, start, size uint32) {
		e := dir[128*i:]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[0x40:], uint16(2*len(u)+2))
		e[0x42] = typ
		e[0x43] = 1 // black
		le.PutUint32(e[0x44:], 0xFFFFFFFF)
		le.PutUint32(e[0x48:], 0xFFFFFFFF)
		le.PutUint32(e[0x4C:], 0xFFFFFFFF)
		le.PutUint32(e[0x74:], start)
		le.PutUint32(e[0x78:], size)
	}
	entry(0, "Root Entry", 5, 0xFFFFFFFE, 0)
	entry(1, "EncryptionInfo", 2, 0xFFFFFFFE, 0)
	entry(2, "EncryptedPackage", 2, 2, sector)
	le.PutUint32(dir[0x4C:], 1) // root's child
	le.PutUint32(dir[128+0x48:], 2)
	data := make([]byte, sector)
	for i := range data {
		data[i] = byte(i*131 + 7)
	}
	return append(append(append(hdr, fat...), dir...), data...)
}

// ShiftJIS encodes s in Shift_JIS (CP932), as older Windows tools save
// Japanese text files.
func ShiftJIS(s string) []byte {
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		panic(err)
	}
	return b
}

// CID font encodings CIDPDF writes.
const (
	// IdentityToUnicode: Identity-H glyph codes (not Unicode) with a
	// ToUnicode map of bfchar and bfrange entries, as Word writes.
	IdentityToUnicode = "Identity-H"
	// UniJISUCS2 is the predefined CMap whose codes are UTF-16: no
	// ToUnicode needed.
	UniJISUCS2 = "UniJIS-UCS2-H"
	// ShiftJIS90ms is the predefined CMap whose codes are Shift_JIS bytes.
	ShiftJIS90ms = "90ms-RKSJ-H"
)

// CIDPDF returns a one-page PDF whose lines are drawn in a Japanese CID
// font (not embedded: Kozuka Mincho, as Acrobat names it) with the given
// encoding, one Tj per line placed with Td.
func CIDPDF(encoding string, lines ...string) []byte {
	var (
		content   strings.Builder
		toUnicode string
	)
	// For Identity-H, number the distinct characters from 0x0102 upward,
	// as a subset font's glyph IDs, and map them back in the ToUnicode map:
	// the first three with bfchar, the rest with one bfrange of an array.
	gid := map[rune]int{}
	var order []rune
	for _, l := range lines {
		for _, r := range l {
			if _, ok := gid[r]; !ok {
				gid[r] = 0x0102 + len(order)
				order = append(order, r)
			}
		}
	}
	content.WriteString("BT\n/F1 12 Tf\n72 770 Td\n")
	for i, l := range lines {
		if i > 0 {
			content.WriteString("0 -18 Td\n")
		}
		var hex strings.Builder
		switch encoding {
		case IdentityToUnicode:
			for _, r := range l {
				fmt.Fprintf(&hex, "%04X", gid[r])
			}
		case UniJISUCS2:
			for _, u := range utf16.Encode([]rune(l)) {
				fmt.Fprintf(&hex, "%04X", u)
			}
		case ShiftJIS90ms:
			fmt.Fprintf(&hex, "%X", ShiftJIS(l))
		}
		content.WriteString("<" + hex.String() + "> Tj\n")
	}
	content.WriteString("ET")
	if encoding == IdentityToUnicode {
		var m strings.Builder
		m.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
		n := min(3, len(order))
		fmt.Fprintf(&m, "%d beginbfchar\n", n)
		for _, r := range order[:n] {
			fmt.Fprintf(&m, "<%04X> <%04X>\n", gid[r], utf16.Encode([]rune{r})[0])
		}
		m.WriteString("endbfchar\n")
		if rest := order[n:]; len(rest) > 0 {
			fmt.Fprintf(&m, "1 beginbfrange\n<%04X> <%04X> [", gid[rest[0]], gid[rest[len(rest)-1]])
			for _, r := range rest {
				fmt.Fprintf(&m, "<%04X>", utf16.Encode([]rune{r})[0])
			}
			m.WriteString("]\nendbfrange\n")
		}
		m.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
		toUnicode = m.String()
	}
	font := "<< /Type /Font /Subtype /Type0 /BaseFont /KozMinPr6N-Regular /Encoding /" + encoding +
		" /DescendantFonts [6 0 R]"
	if toUnicode != "" {
		font += " /ToUnicode 7 0 R"
	}
	font += " >>"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()),
		font,
		"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /KozMinPr6N-Regular /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >> /DW 1000 /W [1 [250 333]] >>",
	}
	if toUnicode != "" {
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(toUnicode), toUnicode))
	}
	return pdfObjects(objs, "")
}

// PDFContent returns a PDF with one page per content stream given, drawn
// with /F1, Helvetica whose every glyph is 500/1000 wide (so that tests can
// place words exactly with Td and TJ).
func PDFContent(pages ...string) []byte {
	widths := strings.TrimSpace(strings.Repeat("500 ", 95))
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [" + widths + "] >>"}
	var kids []string
	for _, c := range pages {
		page := len(objs) + 1
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", page+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(c), c))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))
	return pdfObjects(objs, "")
}

// pdfPad is the padding of the standard security handler (ISO 32000-1,
// 7.6.3.3).
var pdfPad = []byte("\x28\xBF\x4E\x5E\x4E\x75\x8A\x41\x64\x00\x4E\x56\xFF\xFA\x01\x08\x2E\x2E\x00\xB6\xD0\x68\x3E\x80\x2F\x0C\xA9\xFE\x64\x53\x69\x7A")

func rc4Crypt(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// rc4Rounds is RC4 with key, then 19 more times with key XOR i (revision 3).
func rc4Rounds(key, data []byte) []byte {
	out := rc4Crypt(key, data)
	k := make([]byte, len(key))
	for i := 1; i <= 19; i++ {
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		out = rc4Crypt(k, out)
	}
	return out
}

func md5Rounds(b []byte, n int) []byte {
	s := md5.Sum(b)
	for range n {
		s = md5.Sum(s[:16])
	}
	return s[:16]
}

// OwnerLockedPDF returns a PDF like PDF's, encrypted (RC4 128-bit,
// revision 3) with an owner password but no password to open it, as
// "copy-protected" company brochures are: readers open it without asking,
// and so must Soroe.
func OwnerLockedPDF(title string, lines ...string) []byte {
	id := []byte("soroe-materialtst")[:16]
	var perms int32 = -3904 // printing and copying forbidden
	ownerKey := md5Rounds(append([]byte("owner-secret"), pdfPad[:32-len("owner-secret")]...), 50)
	o := rc4Rounds(ownerKey, pdfPad)
	p := make([]byte, 4)
	binary.LittleEndian.PutUint32(p, uint32(perms))
	var in []byte
	in = append(append(append(append(in, pdfPad...), o...), p...), id...)
	key := md5Rounds(in, 50)
	h := md5.Sum(append(append([]byte(nil), pdfPad...), id...))
	u := append(rc4Rounds(key, h[:]), make([]byte, 16)...)
	objKey := func(num int) []byte {
		b := append(append([]byte(nil), key...), byte(num), byte(num>>8), byte(num>>16), 0, 0)
		s := md5.Sum(b)
		return s[:16]
	}
	hexOf := func(b []byte) string { return fmt.Sprintf("<%X>", b) }
	var c strings.Builder
	c.WriteString("BT\n/F1 12 Tf\n72 770 Td\n")
	for i, l := range lines {
		if i > 0 {
			c.WriteString("0 -16 Td\n")
		}
		c.WriteString(pdfString(l) + " Tj\n")
	}
	c.WriteString("ET")
	stream := rc4Crypt(objKey(4), []byte(c.String()))
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Title " + hexOf(rc4Crypt(objKey(6), []byte(title))) + " >>",
		fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O %s /U %s >>", perms, hexOf(o), hexOf(u)),
	}
	return pdfObjects(objs, fmt.Sprintf("/Info 6 0 R /Encrypt 7 0 R /ID [%s %s] ", hexOf(id), hexOf(id)))
}
