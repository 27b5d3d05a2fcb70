package material

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"
)

// DOCX and PPTX files are zip packages of XML parts (ECMA-376). Only the
// parts that hold the text are read: word/document.xml (paragraphs w:p of
// runs w:t) with word/styles.xml to tell headings, and ppt/presentation.xml
// for the slide order, then each ppt/slides/slideN.xml (paragraphs a:p of
// runs a:t). docProps/core.xml gives the title.

// openPackage opens an OOXML package, telling password-protected files
// (which are OLE compound files, not zips) and legacy binary formats apart
// from broken ones.
func openPackage(data []byte) (*zip.Reader, error) {
	if bytes.HasPrefix(data, olePrefix) {
		if bytes.Contains(data, encryptedPackage) {
			return nil, fileErr(ErrEncrypted)
		}
		return nil, fileErr(ErrUnsupported)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fileErr(ErrBroken)
	}
	return z, nil
}

var errPartMissing = errors.New("part missing")

// readPart returns one part of a package, bounded by maxPart.
func readPart(z *zip.Reader, name string) ([]byte, error) {
	name = strings.TrimPrefix(name, "/")
	for _, f := range z.File {
		if f.Name != name && !strings.EqualFold(f.Name, name) {
			continue
		}
		if f.UncompressedSize64 > maxPart {
			return nil, fileErr(ErrTooLong)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fileErr(ErrBroken)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, maxPart+1))
		if err != nil {
			return nil, fileErr(ErrBroken)
		}
		if len(b) > maxPart {
			return nil, fileErr(ErrTooLong)
		}
		return b, nil
	}
	return nil, errPartMissing
}

// coreTitle reads dc:title from docProps/core.xml, if there is one.
func coreTitle(z *zip.Reader) string {
	b, err := readPart(z, "docProps/core.xml")
	if err != nil {
		return ""
	}
	var core struct {
		Title string `xml:"title"`
	}
	if xml.Unmarshal(b, &core) != nil {
		return ""
	}
	return core.Title
}

func newXMLDecoder(b []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
			return r, nil
		}
		return nil, fmt.Errorf("charset %s", label)
	}
	return d
}

// docxStyles maps paragraph style IDs to whether they are headings, from
// word/styles.xml: a style named "heading N" or "Title", or with an outline
// level, is a heading (Japanese Word gives them numeric IDs such as "1").
func docxStyles(z *zip.Reader) map[string]bool {
	heads := map[string]bool{}
	b, err := readPart(z, "word/styles.xml")
	if err != nil {
		return heads
	}
	var st struct {
		Styles []struct {
			ID   string `xml:"styleId,attr"`
			Name struct {
				Val string `xml:"val,attr"`
			} `xml:"name"`
			PPr struct {
				Outline *struct {
					Val string `xml:"val,attr"`
				} `xml:"outlineLvl"`
			} `xml:"pPr"`
		} `xml:"style"`
	}
	if newXMLDecoder(b).Decode(&st) != nil {
		return heads
	}
	for _, s := range st.Styles {
		n := strings.ToLower(s.Name.Val)
		lvl := 9
		if s.PPr.Outline != nil {
			lvl, _ = strconv.Atoi(s.PPr.Outline.Val)
		}
		heads[s.ID] = strings.HasPrefix(n, "heading") || n == "title" || lvl < 9
	}
	return heads
}

func isHeadingStyleID(id string, styles map[string]bool) bool {
	if h, ok := styles[id]; ok {
		return h
	}
	l := strings.ToLower(id)
	return strings.HasPrefix(l, "heading") || l == "title"
}

// sectioner gathers paragraphs into sections: each heading starts a new
// "§N" section; paragraphs before the first heading are "¶N" each.
type sectioner struct {
	secs     []Section
	heads    int
	paras    int
	inHeaded bool
	cur      strings.Builder
}

func (s *sectioner) para(text string, heading bool) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	s.paras++
	switch {
	case heading:
		s.flush()
		s.heads++
		s.inHeaded = true
		s.cur.WriteString(text)
		return
	case !s.inHeaded:
		s.secs = append(s.secs, Section{Locator: "¶" + strconv.Itoa(s.paras), Text: text})
		return
	}
	if s.cur.Len() > 0 {
		s.cur.WriteString("\n\n")
	}
	s.cur.WriteString(text)
}

func (s *sectioner) flush() {
	if s.inHeaded && s.cur.Len() > 0 {
		s.secs = append(s.secs, Section{Locator: "§" + strconv.Itoa(s.heads), Text: s.cur.String()})
	}
	s.cur.Reset()
}

func (s *sectioner) sections() []Section {
	s.flush()
	return s.secs
}

func extractDOCX(data []byte) (*Document, error) {
	z, err := openPackage(data)
	if err != nil {
		return nil, err
	}
	b, err := readPart(z, "word/document.xml")
	if errors.Is(err, errPartMissing) {
		return nil, fileErr(ErrBroken)
	} else if err != nil {
		return nil, err
	}
	styles := docxStyles(z)
	d := newXMLDecoder(b)
	type para struct {
		text    strings.Builder
		heading bool
	}
	var (
		stack []*para // nested paragraphs (text boxes inside a paragraph)
		sec   sectioner
	)
	cur := func() *para {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	inText, inRun := false, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, fileErr(ErrBroken)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				stack = append(stack, &para{})
			case "r":
				inRun++
			case "t":
				inText = true
			case "tab", "ptab": // in a run; tab stops (pPr/tabs/tab) are not text
				if p := cur(); p != nil && inRun > 0 {
					p.text.WriteByte('\t')
				}
			case "br", "cr":
				if p := cur(); p != nil && inRun > 0 {
					p.text.WriteByte('\n')
				}
			case "noBreakHyphen":
				if p := cur(); p != nil {
					p.text.WriteByte('-')
				}
			case "pStyle":
				if p := cur(); p != nil && isHeadingStyleID(attr(t, "val"), styles) {
					p.heading = true
				}
			case "outlineLvl":
				if p := cur(); p != nil {
					if n, err := strconv.Atoi(attr(t, "val")); err == nil && n < 9 {
						p.heading = true
					}
				}
			case "Fallback", "del", "delText", "instrText", "moveFrom", "footnoteReference":
				// Alternative content is given twice (keep the Choice);
				// deleted text and field codes are not text.
				if err := d.Skip(); err != nil {
					return nil, fileErr(ErrBroken)
				}
			case "tc":
				// Table cells are paragraphs of their own: nothing to do.
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inText = false
			case "r":
				inRun = max(0, inRun-1)
			case "p":
				if p := cur(); p != nil {
					stack = stack[:len(stack)-1]
					sec.para(p.text.String(), p.heading)
				}
			}
		case xml.CharData:
			if inText {
				if p := cur(); p != nil {
					p.text.Write(t)
				}
			}
		}
	}
	return &Document{Title: coreTitle(z), Sections: sec.sections()}, nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// rels reads a part's relationships: ID → target part name.
func rels(z *zip.Reader, part string) map[string]string {
	dir, file := path.Split(part)
	b, err := readPart(z, dir+"_rels/"+file+".rels")
	if err != nil {
		return nil
	}
	var r struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if newXMLDecoder(b).Decode(&r) != nil {
		return nil
	}
	m := map[string]string{}
	for _, x := range r.Rels {
		if x.Mode == "External" {
			continue
		}
		t := x.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		m[x.ID] = t
	}
	return m
}

// slideOrder returns the slides' part names in presentation order.
func slideOrder(z *zip.Reader) []string {
	var order []string
	if b, err := readPart(z, "ppt/presentation.xml"); err == nil {
		var p struct {
			IDs []struct {
				Attrs []xml.Attr `xml:",any,attr"`
			} `xml:"sldIdLst>sldId"`
		}
		if newXMLDecoder(b).Decode(&p) == nil {
			rs := rels(z, "ppt/presentation.xml")
			for _, s := range p.IDs {
				for _, a := range s.Attrs {
					if a.Name.Local == "id" && a.Name.Space != "" {
						if t, ok := rs[a.Value]; ok {
							order = append(order, t)
						}
					}
				}
			}
		}
	}
	if len(order) > 0 {
		return order
	}
	// No usable presentation part: take slideN.xml in number order.
	type numbered struct {
		n    int
		name string
	}
	var ss []numbered
	for _, f := range z.File {
		if rest, ok := strings.CutPrefix(f.Name, "ppt/slides/slide"); ok && strings.HasSuffix(rest, ".xml") && !strings.Contains(rest, "/") {
			if n, err := strconv.Atoi(strings.TrimSuffix(rest, ".xml")); err == nil {
				ss = append(ss, numbered{n, f.Name})
			}
		}
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].n < ss[j].n })
	for _, s := range ss {
		order = append(order, s.name)
	}
	return order
}

func extractPPTX(ctx context.Context, data []byte, opts Options) (*Document, error) {
	z, err := openPackage(data)
	if err != nil {
		return nil, err
	}
	slides := slideOrder(z)
	if len(slides) == 0 {
		if _, err := readPart(z, "ppt/presentation.xml"); errors.Is(err, errPartMissing) {
			return nil, fileErr(ErrBroken)
		}
		return nil, fileErr(ErrEmpty)
	}
	doc := &Document{Title: coreTitle(z)}
	for i, name := range slides {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := readPart(z, name)
		if errors.Is(err, errPartMissing) {
			continue
		} else if err != nil {
			return nil, err
		}
		text, hidden, err := slideText(b)
		if err != nil {
			return nil, err
		}
		if !hidden {
			doc.Sections = append(doc.Sections, Section{Locator: "slide " + strconv.Itoa(i+1), Text: text})
		}
		opts.Progress(i+1, len(slides))
	}
	return doc, nil
}

// slideText returns a slide's paragraphs, one per line pair, and whether
// the slide is hidden.
func slideText(b []byte) (string, bool, error) {
	d := newXMLDecoder(b)
	var (
		out    strings.Builder
		para   strings.Builder
		inP    int
		inT    bool
		hidden bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			return "", false, fileErr(ErrBroken)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "sld":
				hidden = attr(t, "show") == "0"
			case "p":
				if t.Name.Space != "" && inP == 0 {
					para.Reset()
				}
				inP++
			case "t":
				inT = true
			case "br":
				para.WriteByte('\n')
			case "Fallback":
				if err := d.Skip(); err != nil {
					return "", false, fileErr(ErrBroken)
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "p":
				if inP > 0 {
					inP--
				}
				if inP == 0 {
					if s := strings.TrimSpace(para.String()); s != "" {
						if out.Len() > 0 {
							out.WriteString("\n\n")
						}
						out.WriteString(s)
					}
					para.Reset()
				}
			}
		case xml.CharData:
			if inT && inP > 0 {
				para.Write(t)
			}
		}
	}
	return out.String(), hidden, nil
}
