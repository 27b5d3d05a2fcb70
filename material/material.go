// Package material turns a company's own documents and web pages into
// passages that drafts can draw from and cite: it extracts the text of PDF,
// DOCX, PPTX, TXT, Markdown and HTML files (Extract), splits it into
// passages of a few sentences that keep where they came from (Split), finds
// the passages most relevant to a topic with a BM25 ranking over character
// bigrams that works for Japanese (Retrieve), fetches web pages behind an
// SSRF guard (Fetch), and runs the whole pipeline for a stored material
// (Process), which the jobs package calls from a River worker.
//
// Every failure a person can act on is a *soroe.Error with code
// soroe.EInvalid, field "file" (or "url" for Fetch) and one of the message
// keys listed in ErrorKeys, which the UI translates.
package material

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/soroe/soroe"
)

// Kinds of material, as soroe.Material.Kind holds them.
const (
	PDF      = "pdf"
	DOCX     = "docx"
	PPTX     = "pptx"
	TXT      = "txt"
	Markdown = "md"
	HTML     = "html"
)

// Kinds lists every kind Extract reads.
var Kinds = []string{PDF, DOCX, PPTX, TXT, Markdown, HTML}

// Limits.
const (
	// MaxUpload is the largest file a person may upload (20 MiB); the web
	// layer enforces it while reading the request, and the store refuses
	// larger data too.
	MaxUpload = 20 << 20
	// MaxText is the most text, in characters, one material may hold once
	// extracted (about 2,500–5,000 passages). A document with more fails
	// with "material_too_long" rather than being indexed in part.
	MaxText = 1_000_000
	// maxPart bounds the uncompressed size of one part of a DOCX or PPTX
	// (a zip bomb fails as "material_too_long").
	maxPart = 64 << 20
)

// Error message keys: the Message of the *soroe.Error values this package
// returns. The UI needs Japanese and English text for each.
const (
	ErrBroken      = "material_broken"      // the file is damaged or not of its kind
	ErrEncrypted   = "material_encrypted"   // password-protected PDF, DOCX or PPTX
	ErrEmpty       = "material_empty"       // no text found (e.g. a scanned PDF without a text layer)
	ErrUnsupported = "material_unsupported" // a kind Soroe does not read (e.g. legacy .doc/.ppt)
	ErrTooLarge    = "material_too_large"   // the file is larger than MaxUpload
	ErrTooLong     = "material_too_long"    // the text is longer than MaxText
	ErrTimeout     = "material_timeout"     // extraction took too long
	ErrFailed      = "material_failed"      // anything else (an internal error, logged)

	ErrURLInvalid       = "url_invalid"     // not an http(s) URL, or it has credentials
	ErrURLForbidden     = "url_forbidden"   // the host is a loopback/private/link-local… address
	ErrURLUnreachable   = "url_unreachable" // DNS or connection failure
	ErrURLTimeout       = "url_timeout"     // the page took too long
	ErrURLStatus        = "url_status"      // the server answered with an error status
	ErrURLTooLarge      = "url_too_large"   // the page is larger than the fetch size cap
	ErrURLType          = "url_unsupported" // not HTML, plain text or PDF
	ErrURLTooManyRedirs = "url_too_many_redirects"
)

// ErrorKeys lists every message key above, for the UI's catalog test.
var ErrorKeys = []string{
	ErrBroken, ErrEncrypted, ErrEmpty, ErrUnsupported, ErrTooLarge, ErrTooLong, ErrTimeout, ErrFailed,
	ErrURLInvalid, ErrURLForbidden, ErrURLUnreachable, ErrURLTimeout, ErrURLStatus, ErrURLTooLarge, ErrURLType, ErrURLTooManyRedirs,
}

func fileErr(key string) *soroe.Error { return soroe.Invalid("file", key) }

// Section is a stretch of a material's text with where it is: a page of a
// PDF ("p.3"), a slide ("slide 2"), a heading's section of a document or
// web page ("§4"), or a paragraph before any heading ("¶1").
type Section struct {
	Locator string
	Text    string
}

// Document is what Extract found in a file.
type Document struct {
	// Title is the document's own title (PDF /Title, the DOCX or PPTX core
	// title, the HTML <title>, a Markdown file's first heading), or "".
	Title    string
	Sections []Section
}

// Options tune ExtractDocument.
type Options struct {
	// Progress, when set, is called as extraction advances (pages of a PDF,
	// slides of a PPTX) with done ≤ total.
	Progress func(done, total int)
}

// Extract returns the text of a file of the given kind, in sections.
func Extract(kind string, data []byte) ([]Section, error) {
	d, err := ExtractDocument(context.Background(), kind, data, Options{})
	if err != nil {
		return nil, err
	}
	return d.Sections, nil
}

// ExtractDocument returns a file's title and text. It stops, with ctx's
// error, when ctx is done. Any failure is a *soroe.Error whose Message is one
// of the "material_" keys; it never panics, whatever data holds.
func ExtractDocument(ctx context.Context, kind string, data []byte, opts Options) (doc *Document, err error) {
	if len(data) > MaxUpload {
		return nil, fileErr(ErrTooLarge)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileErr(ErrEmpty)
	}
	defer func() {
		if p := recover(); p != nil {
			if e, ok := p.(*soroe.Error); ok {
				doc, err = nil, e
				return
			}
			// A bug in a parser on hostile input: the file is what broke it.
			doc, err = nil, fileErr(ErrBroken)
		}
	}()
	if opts.Progress == nil {
		opts.Progress = func(int, int) {}
	}
	switch kind {
	case PDF:
		doc, err = extractPDF(ctx, data, opts)
	case DOCX:
		doc, err = extractDOCX(data)
	case PPTX:
		doc, err = extractPPTX(ctx, data, opts)
	case TXT:
		doc, err = extractText(data, false)
	case Markdown:
		doc, err = extractText(data, true)
	case HTML:
		doc, err = extractHTML(data)
	default:
		return nil, fileErr(ErrUnsupported)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, err
		}
		if soroe.ErrorCode(err) == soroe.EInternal {
			return nil, fmt.Errorf("material: %s: %w", kind, err)
		}
		return nil, err
	}
	doc.Title = cleanTitle(doc.Title)
	var kept []Section
	n := 0
	for _, s := range doc.Sections {
		s.Text = strings.TrimSpace(s.Text)
		if s.Text == "" {
			continue
		}
		n += len([]rune(s.Text))
		if n > MaxText {
			return nil, fileErr(ErrTooLong)
		}
		kept = append(kept, s)
	}
	if len(kept) == 0 {
		return nil, fileErr(ErrEmpty)
	}
	doc.Sections = kept
	return doc, nil
}

func cleanTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200])
	}
	return s
}

// olePrefix starts every OLE compound file: legacy .doc/.ppt/.xls, and Office
// files protected with a password (their encrypted package lives in one).
var olePrefix = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// encryptedPackage is the name of the stream (UTF-16LE, as the compound
// file's directory stores it) that holds a password-protected OOXML package.
var encryptedPackage = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")

// KindOf tells a file's kind from its name, its declared content type and
// its first bytes (the bytes win where they are conclusive). It returns a
// "material_unsupported" error for anything Extract does not read and
// "material_encrypted" for a password-protected Office file.
func KindOf(filename, contentType string, data []byte) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(path.Ext(strings.ReplaceAll(filename, `\`, "/")), "."))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(data, olePrefix):
		if bytes.Contains(data, encryptedPackage) {
			return "", fileErr(ErrEncrypted)
		}
		return "", fileErr(ErrUnsupported) // .doc, .ppt, .xls
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		switch {
		case ext == DOCX || bytes.Contains(data, []byte("word/document.xml")):
			return DOCX, nil
		case ext == PPTX || bytes.Contains(data, []byte("ppt/presentation.xml")):
			return PPTX, nil
		}
		return "", fileErr(ErrUnsupported)
	}
	switch ext {
	case "pdf", "docx", "pptx":
		return "", fileErr(ErrBroken) // named so, but not that inside
	case "txt", "text", "csv", "tsv":
		return TXT, nil
	case "md", "markdown":
		return Markdown, nil
	case "html", "htm", "xhtml":
		return HTML, nil
	}
	ct := strings.ToLower(contentType)
	switch {
	case strings.HasPrefix(ct, "text/html"), strings.HasPrefix(ct, "application/xhtml"):
		return HTML, nil
	case strings.HasPrefix(ct, "text/markdown"):
		return Markdown, nil
	case strings.HasPrefix(ct, "text/plain"):
		return TXT, nil
	}
	return "", fileErr(ErrUnsupported)
}
