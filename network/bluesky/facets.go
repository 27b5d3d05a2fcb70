package bluesky

import (
	"sort"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/soroe/soroe/text"
)

// Facet is an app.bsky.richtext.facet: a feature on a byte range of the
// post's text.
type Facet struct {
	Index    ByteSlice `json:"index"`
	Features []Feature `json:"features"`
}

// ByteSlice is app.bsky.richtext.facet#byteSlice: zero-based offsets into
// the UTF-8 encoded text, start inclusive, end exclusive.
type ByteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

// Feature is one of app.bsky.richtext.facet#link (URI set) or #tag (Tag
// set, without its #).
type Feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

const (
	typeLink = "app.bsky.richtext.facet#link"
	typeTag  = "app.bsky.richtext.facet#tag"
	// Limits of app.bsky.richtext.facet#tag.
	maxTagGraphemes = 64
	maxTagBytes     = 640
)

// Facets finds the links (with http:// or https://; Bluesky needs a full
// URI) and hashtags of s and returns them as facets in text order. The
// server detects neither: a post without facets shows plain text.
func Facets(s string) []Facet {
	// byteAt[i] is the byte offset of rune i; text's entities count runes.
	byteAt := make([]int, 0, utf8.RuneCountInString(s)+1)
	for i := range s {
		byteAt = append(byteAt, i)
	}
	byteAt = append(byteAt, len(s))

	var fs []Facet
	for _, u := range text.ExtractURLs(s, false) {
		fs = append(fs, Facet{
			Index:    ByteSlice{ByteStart: byteAt[u.Start], ByteEnd: byteAt[u.End]},
			Features: []Feature{{Type: typeLink, URI: u.Text}},
		})
	}
	for _, t := range text.ExtractHashtags(s) {
		if len(t.Text) > maxTagBytes || uniseg.GraphemeClusterCount(t.Text) > maxTagGraphemes {
			continue
		}
		fs = append(fs, Facet{
			Index:    ByteSlice{ByteStart: byteAt[t.Start], ByteEnd: byteAt[t.End]},
			Features: []Feature{{Type: typeTag, Tag: t.Text}},
		})
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Index.ByteStart < fs[j].Index.ByteStart })
	return fs
}
