package material

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// extractHTML returns a web page's main text: the <main> element (or the
// only <article>, or the body), without scripts, styles, navigation, headers
// and footers, forms and hidden elements. Headings start sections; the
// <title> (or og:title, or the first <h1>) is the title. The page's
// encoding is found as browsers do: byte-order mark, then <meta charset>.
func extractHTML(data []byte) (*Document, error) {
	enc, _, _ := charset.DetermineEncoding(data, "")
	r := io.Reader(bytes.NewReader(data))
	if enc != nil {
		r = enc.NewDecoder().Reader(r)
	}
	root, err := html.Parse(r)
	if err != nil {
		return nil, fileErr(ErrBroken)
	}
	doc := &Document{}
	var (
		title, ogTitle, h1 string
		body, main         *html.Node
		articles           []*html.Node
	)
	var find func(n *html.Node, depth int)
	find = func(n *html.Node, depth int) {
		if depth > 512 {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if title == "" {
					title = textOf(n)
				}
			case atom.Meta:
				if p := attrOf(n, "property"); p == "og:title" && ogTitle == "" {
					ogTitle = attrOf(n, "content")
				}
			case atom.Body:
				body = n
			case atom.Main:
				if main == nil && !hidden(n) {
					main = n
				}
			case atom.Article:
				articles = append(articles, n)
			case atom.H1:
				if h1 == "" {
					h1 = textOf(n)
				}
			}
			if attrOf(n, "role") == "main" && main == nil {
				main = n
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c, depth+1)
		}
	}
	find(root, 0)
	doc.Title = firstNonEmpty(title, ogTitle, h1)
	top := body
	switch {
	case main != nil:
		top = main
	case len(articles) == 1:
		top = articles[0]
	}
	if top == nil {
		top = root
	}
	w := &htmlText{keepHeader: top != body && top != root}
	w.walk(top, 0)
	w.endBlock()
	doc.Sections = w.sec.sections()
	return doc, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > 512 || b.Len() > 4096 {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return strings.Join(strings.Fields(b.String()), " ")
}

// hidden reports whether an element is not shown to readers.
func hidden(n *html.Node) bool {
	if _, ok := attrVal(n, "hidden"); ok {
		return true
	}
	if attrOf(n, "aria-hidden") == "true" {
		return true
	}
	st := strings.ReplaceAll(strings.ToLower(attrOf(n, "style")), " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}

func attrVal(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// skipped are elements whose text is not the page's content.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Nav: true,
	atom.Footer: true, atom.Aside: true, atom.Form: true, atom.Iframe: true, atom.Svg: true,
	atom.Math: true, atom.Canvas: true, atom.Button: true, atom.Select: true, atom.Textarea: true,
	atom.Head: true, atom.Object: true, atom.Embed: true, atom.Audio: true, atom.Video: true,
	atom.Dialog: true, atom.Menu: true,
}

var skippedRoles = map[string]bool{"navigation": true, "banner": true, "contentinfo": true, "search": true, "complementary": true, "menu": true, "menubar": true, "dialog": true}

// blocks are elements that break the text into paragraphs.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Header: true,
	atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Tr: true, atom.Figure: true,
	atom.Figcaption: true, atom.Address: true, atom.Hr: true, atom.Details: true, atom.Summary: true,
	atom.Caption: true, atom.Fieldset: true, atom.Center: true,
}

var headings = map[atom.Atom]bool{atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true}

type htmlText struct {
	sec        sectioner
	cur        strings.Builder
	pre        int
	keepHeader bool
}

func (w *htmlText) endBlock() {
	text := w.cur.String()
	w.cur.Reset()
	if w.pre == 0 {
		text = collapseSpace(text)
	}
	w.sec.para(text, false)
}

func collapseSpace(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

func (w *htmlText) walk(n *html.Node, depth int) {
	if depth > 512 {
		return
	}
	switch n.Type {
	case html.TextNode:
		t := n.Data
		if w.pre == 0 {
			t = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(t)
		}
		w.cur.WriteString(t)
		return
	case html.ElementNode:
		if skipped[n.DataAtom] || skippedRoles[attrOf(n, "role")] || hidden(n) || (n.DataAtom == atom.Header && !w.keepHeader) {
			return
		}
		switch {
		case headings[n.DataAtom]:
			w.endBlock()
			w.sec.para(textOf(n), true)
			return
		case n.DataAtom == atom.Br:
			w.cur.WriteByte('\n')
			return
		case n.DataAtom == atom.Img:
			return
		case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
			w.cur.WriteByte('\t')
		case blocks[n.DataAtom]:
			w.endBlock()
		}
		if n.DataAtom == atom.Pre {
			w.pre++
			defer func() { w.pre-- }()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c, depth+1)
		}
		if blocks[n.DataAtom] {
			w.endBlock()
		}
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
}
