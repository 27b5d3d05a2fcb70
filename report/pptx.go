package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"time"
)

// The deck is 16:9 (EMU: 914400 per inch).
const (
	slideW, slideH = 12192000, 6858000
	emuMargin      = 457200
	maxSlideRows   = 10
	maxSlideItems  = 8
)

func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// paragraph is one paragraph of a text box.
type paragraph struct {
	text   string
	size   int // hundredths of a point
	bullet bool
	color  string
}

func textBox(id int, name string, x, y, w, h int, ps []paragraph) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>`, id, xmlText(name))
	fmt.Fprintf(&b, `<p:spPr><a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>`, x, y, w, h)
	b.WriteString(`<p:txBody><a:bodyPr wrap="square" rtlCol="0"><a:normAutofit/></a:bodyPr><a:lstStyle/>`)
	for _, p := range ps {
		for _, line := range strings.Split(p.text, "\n") {
			b.WriteString(`<a:p>`)
			if p.bullet {
				b.WriteString(`<a:pPr marL="285750" indent="-285750"><a:buFont typeface="Arial"/><a:buChar char="•"/></a:pPr>`)
			}
			color := p.color
			if color == "" {
				color = "222222"
			}
			fmt.Fprintf(&b, `<a:r><a:rPr lang="ja-JP" sz="%d" dirty="0"><a:solidFill><a:srgbClr val="%s"/></a:solidFill></a:rPr><a:t>%s</a:t></a:r></a:p>`, p.size, color, xmlText(line))
		}
	}
	b.WriteString(`</p:txBody></p:sp>`)
	return b.String()
}

func picture(id, rel int, x, y, w, h int, descr string) string {
	return fmt.Sprintf(`<p:pic><p:nvPicPr><p:cNvPr id="%d" name="Chart %d" descr="%s"/><p:cNvPicPr><a:picLocks noChangeAspect="1"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>`+
		`<p:blipFill><a:blip r:embed="rId%d"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>`+
		`<p:spPr><a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:pic>`,
		id, id, xmlText(descr), rel, x, y, w, h)
}

// tableFrame is an editable table (the first rows of t).
func tableFrame(id int, t Table, x, y, w int) string {
	cols := len(t.Head)
	if cols == 0 {
		return ""
	}
	rows := t.Rows
	if len(rows) > maxSlideRows {
		rows = rows[:maxSlideRows]
	}
	rowH := 330000
	var b strings.Builder
	fmt.Fprintf(&b, `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="%d" name="%s"/><p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>`, id, xmlText(t.Name))
	fmt.Fprintf(&b, `<p:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></p:xfrm>`, x, y, w, rowH*(len(rows)+1))
	b.WriteString(`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblPr firstRow="1" bandRow="1"/><a:tblGrid>`)
	for range cols {
		fmt.Fprintf(&b, `<a:gridCol w="%d"/>`, w/cols)
	}
	b.WriteString(`</a:tblGrid>`)
	cell := func(s string, head, right bool) {
		algn := "l"
		if right {
			algn = "r"
		}
		fill := ""
		if head {
			fill = `<a:solidFill><a:srgbClr val="E6F0F5"/></a:solidFill>`
		}
		r := []rune(strings.Join(strings.Fields(s), " "))
		if len(r) > 40 {
			s = string(r[:40]) + "…"
		} else {
			s = string(r)
		}
		fmt.Fprintf(&b, `<a:tc><a:txBody><a:bodyPr/><a:lstStyle/><a:p><a:pPr algn="%s"/><a:r><a:rPr lang="ja-JP" sz="1000" dirty="0"/><a:t>%s</a:t></a:r></a:p></a:txBody><a:tcPr>%s</a:tcPr></a:tc>`, algn, xmlText(s), fill)
	}
	fmt.Fprintf(&b, `<a:tr h="%d">`, rowH)
	for _, h := range t.Head {
		cell(h, true, false)
	}
	b.WriteString(`</a:tr>`)
	for _, row := range rows {
		fmt.Fprintf(&b, `<a:tr h="%d">`, rowH)
		for i := range cols {
			var c Cell
			if i < len(row) {
				c = row[i]
			}
			cell(c.Display(), false, c.N != nil)
		}
		b.WriteString(`</a:tr>`)
	}
	b.WriteString(`</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`)
	return b.String()
}

const slideHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>`

const slideTail = `</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`

type slide struct {
	body  string
	image []byte // the chart, when the slide has one
}

// PPTX writes an editable 16:9 deck: a cover with the 総評, then one
// slide per section with its title, its points, its chart as a picture
// (the same chart as the page's SVG) and its first table as a table.
func (r *Report) PPTX() ([]byte, error) {
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	contentW := slideW - 2*emuMargin
	var slides []slide
	cover := slideHead +
		textBox(2, "Title", emuMargin, 500000, contentW, 900000, []paragraph{{text: r.Title, size: 3200}}) +
		textBox(3, "Period", emuMargin, 1400000, contentW, 500000, []paragraph{{text: r.Org + " · " + r.PeriodText + " · " + r.Labels.Generated + " " + r.GeneratedAt.In(loc).Format("2006-01-02"), size: 1400, color: "555555"}})
	kpt := []paragraph{{text: r.Labels.Summary, size: 2000, color: "0072B2"}}
	for _, k := range [][2]string{{r.Labels.Keep, r.Summary.Keep}, {r.Labels.Problem, r.Summary.Problem}, {r.Labels.Try, r.Summary.Try}} {
		text := strings.TrimSpace(k[1])
		if text == "" {
			text = "—"
		}
		kpt = append(kpt, paragraph{text: k[0], size: 1500, color: "0072B2"}, paragraph{text: text, size: 1200})
	}
	cover += textBox(4, "Summary", emuMargin, 2000000, contentW, 4500000, kpt) + slideTail
	slides = append(slides, slide{body: cover})
	for _, s := range r.Sections {
		body := slideHead + textBox(2, "Title", emuMargin, 250000, contentW, 700000, []paragraph{{text: s.Title, size: 2600}})
		y := 950000
		var sl slide
		if s.Lead != "" {
			body += textBox(3, "Lead", emuMargin, y, contentW, 380000, []paragraph{{text: s.Lead, size: 1100, color: "666666"}})
			y += 400000
		}
		if s.Chart != nil {
			png, err := s.Chart.PNG(1600, 560)
			if err != nil {
				return nil, err
			}
			sl.image = png
			h := contentW * 560 / 1600
			if len(s.Tables) > 0 || len(s.Items) > 0 {
				h = 2700000
			}
			body += picture(4, 2, emuMargin, y, h*1600/560, h, s.Chart.Title)
			y += h + 100000
		}
		items := s.Items
		if len(items) > maxSlideItems {
			items = append(items[:maxSlideItems:maxSlideItems], "…")
		}
		switch {
		case len(s.Tables) > 0 && (s.Chart != nil || len(items) == 0):
			body += tableFrame(5, s.Tables[0], emuMargin, y, contentW)
		case len(items) > 0:
			var ps []paragraph
			for _, it := range items {
				ps = append(ps, paragraph{text: it, size: 1300, bullet: true})
			}
			body += textBox(6, "Points", emuMargin, y, contentW, slideH-y-300000, ps)
		}
		sl.body = body + slideTail
		slides = append(slides, sl)
	}

	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	put := func(name, content string) error {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: r.GeneratedAt})
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(content))
		return err
	}
	var overrides, presRels, sldIDs strings.Builder
	for i, sl := range slides {
		n := i + 1
		fmt.Fprintf(&overrides, `<Override PartName="/ppt/slides/slide%d.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`, n)
		fmt.Fprintf(&presRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide%d.xml"/>`, n+2, n)
		fmt.Fprintf(&sldIDs, `<p:sldId id="%d" r:id="rId%d"/>`, 255+n, n+2)
		rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout" Target="../slideLayouts/slideLayout1.xml"/>`
		if sl.image != nil {
			rels += fmt.Sprintf(`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/chart%d.png"/>`, n)
			w, err := z.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("ppt/media/chart%d.png", n), Method: zip.Store, Modified: r.GeneratedAt})
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(sl.image); err != nil {
				return nil, err
			}
		}
		if err := put(fmt.Sprintf("ppt/slides/slide%d.xml", n), sl.body); err != nil {
			return nil, err
		}
		if err := put(fmt.Sprintf("ppt/slides/_rels/slide%d.xml.rels", n), relsXML(rels)); err != nil {
			return nil, err
		}
	}
	created := r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z")
	parts := [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/><Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/><Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/><Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` + overrides.String() + `</Types>`},
		{"_rels/.rels", relsXML(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>`)},
		{"docProps/core.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>` + xmlText(r.Title) + `</dc:title><dc:creator>Soroe</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">` + created + `</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">` + created + `</dcterms:modified></cp:coreProperties>`},
		{"docProps/app.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Soroe</Application><Slides>` + fmt.Sprint(len(slides)) + `</Slides></Properties>`},
		{"ppt/presentation.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" saveSubsetFonts="1"><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst><p:sldIdLst>` + sldIDs.String() + `</p:sldIdLst><p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/><p:defaultTextStyle><a:defPPr><a:defRPr lang="ja-JP"/></a:defPPr></p:defaultTextStyle></p:presentation>`},
		{"ppt/_rels/presentation.xml.rels", relsXML(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster" Target="slideMasters/slideMaster1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml"/>` + presRels.String())},
		{"ppt/slideMasters/slideMaster1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sldMaster xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst><p:txStyles><p:titleStyle><a:lvl1pPr><a:defRPr sz="3200"/></a:lvl1pPr></p:titleStyle><p:bodyStyle><a:lvl1pPr><a:defRPr sz="1800"/></a:lvl1pPr></p:bodyStyle><p:otherStyle><a:lvl1pPr><a:defRPr sz="1800"/></a:lvl1pPr></p:otherStyle></p:txStyles></p:sldMaster>`},
		{"ppt/slideMasters/_rels/slideMaster1.xml.rels", relsXML(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout" Target="../slideLayouts/slideLayout1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="../theme/theme1.xml"/>`)},
		{"ppt/slideLayouts/slideLayout1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sldLayout xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" type="blank" preserve="1"><p:cSld name="Blank"><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`},
		{"ppt/slideLayouts/_rels/slideLayout1.xml.rels", relsXML(`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideMaster" Target="../slideMasters/slideMaster1.xml"/>`)},
		{"ppt/theme/theme1.xml", themeXML},
	}
	for _, p := range parts {
		if err := put(p[0], p[1]); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func relsXML(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + body + `</Relationships>`
}

// themeXML is a plain theme: Okabe–Ito accents (the charts' colours) and
// Japanese fonts for the East Asian script.
const themeXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Soroe"><a:themeElements><a:clrScheme name="Soroe"><a:dk1><a:srgbClr val="222222"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F3A4D"/></a:dk2><a:lt2><a:srgbClr val="EEF3F6"/></a:lt2><a:accent1><a:srgbClr val="0072B2"/></a:accent1><a:accent2><a:srgbClr val="E69F00"/></a:accent2><a:accent3><a:srgbClr val="009E73"/></a:accent3><a:accent4><a:srgbClr val="CC79A7"/></a:accent4><a:accent5><a:srgbClr val="56B4E9"/></a:accent5><a:accent6><a:srgbClr val="D55E00"/></a:accent6><a:hlink><a:srgbClr val="0072B2"/></a:hlink><a:folHlink><a:srgbClr val="CC79A7"/></a:folHlink></a:clrScheme><a:fontScheme name="Soroe"><a:majorFont><a:latin typeface="Arial"/><a:ea typeface="Meiryo"/><a:cs typeface=""/></a:majorFont><a:minorFont><a:latin typeface="Arial"/><a:ea typeface="Meiryo"/><a:cs typeface=""/></a:minorFont></a:fontScheme><a:fmtScheme name="Soroe"><a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst><a:lnStyleLst><a:ln w="9525"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="25400"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln><a:ln w="38100"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst><a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>`
