package material

import (
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/soroe/soroe"
)

// Retrieval is BM25 over terms that work without a dictionary for Japanese:
// text is NFKC-normalized (full-width Latin and half-width kana fold) and
// lower-cased; runs of Han, kana and Hangul give overlapping character
// bigrams (断熱改修 → 断熱 熱改 改修; a lone character gives itself), and
// runs of letters and digits give words. The index lives in memory and is
// computed from the passages' text, so it is the same on SQLite and
// PostgreSQL, and nothing but text is stored.

// BM25 parameters (the usual ones).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// maxWord bounds a Latin term's length (longer runs are cut).
const maxWord = 64

// term is a token: a CJK unigram or bigram (its runes packed, the top bit
// set), or a word (its 63-bit FNV-1a hash; a collision between two words of
// one organization's vocabulary is about as likely as 1 in 10⁹).
type term uint64

const cjkBit = 1 << 63

func cjkTerm(a, b rune) term { return term(uint64(a)<<32 | uint64(b) | cjkBit) }

func wordTerm(w string) term {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	return term(h &^ cjkBit)
}

// runes returns a CJK term's runes (b is 0 for a unigram).
func (t term) runes() (a, b rune) { return rune(uint64(t) >> 32 & 0x7fffffff), rune(uint32(t)) }

func (t term) isCJK() bool { return uint64(t)&cjkBit != 0 }

// normalize folds s for matching: NFKC, lower case. Most Japanese text is
// kanji, kana and ASCII, which NFKC leaves alone, so only the other
// characters are normalized, one by one, unless the text has combining
// marks (a separate dakuten, half-width ﾞ, jamo), which need the whole
// string. Query and passages go through the same function, which is what
// matters for matching.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case nfkcStable(r):
			b.WriteRune(r)
		case combining(r):
			return strings.ToLower(norm.NFKC.String(s))
		default:
			b.WriteString(strings.ToLower(norm.NFKC.String(string(r))))
		}
	}
	return b.String()
}

// nfkcStable reports whether NFKC and lower-casing leave r as it is, for
// the common Japanese characters.
func nfkcStable(r rune) bool {
	switch {
	case r >= 0x3041 && r <= 0x3096, r >= 0x30A1 && r <= 0x30FE:
		return true
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF:
		return true
	case r >= 0x3001 && r <= 0x3011 && r != 0x3004:
		return true
	}
	return false
}

func combining(r rune) bool {
	switch {
	case r >= 0x0300 && r <= 0x036F, r >= 0x3099 && r <= 0x309A, r >= 0xFF9E && r <= 0xFF9F,
		r >= 0x1100 && r <= 0x11FF, r >= 0x302A && r <= 0x302F, r >= 0x1AB0 && r <= 0x1AFF,
		r >= 0x1DC0 && r <= 0x1DFF, r >= 0x20D0 && r <= 0x20FF, r >= 0xFE20 && r <= 0xFE2F:
		return true
	}
	return false
}

// tokenize calls emit for each term of normalized text s, with the index
// of the run (a stretch of CJK characters or one word) it belongs to and
// the number of terms that run gives.
func tokenize(s string, emit func(t term, run, runTerms int)) {
	run := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isCJK(r):
			// Count the run's characters, then emit its bigrams.
			j, n := i, 0
			for j < len(s) {
				c, w := utf8.DecodeRuneInString(s[j:])
				if !isCJK(c) {
					break
				}
				j += w
				n++
			}
			if n == 1 {
				emit(cjkTerm(r, 0), run, 1)
			} else {
				prev := r
				for k := i + size; k < j; {
					c, w := utf8.DecodeRuneInString(s[k:])
					emit(cjkTerm(prev, c), run, n-1)
					prev = c
					k += w
				}
			}
			run++
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i
			for j < len(s) {
				c, n := utf8.DecodeRuneInString(s[j:])
				if isCJK(c) || !(unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c)) {
					break
				}
				j += n
			}
			w := s[i:j]
			if len(w) > maxWord*4 {
				w = w[:maxWord*4]
			}
			emit(wordTerm(w), run, 1)
			run++
			i = j
		default:
			i += size
		}
	}
}

// Index ranks passages for queries. Build it once for an organization's
// passages and search it many times; it is safe for concurrent searches.
type Index struct {
	passages []soroe.Passage
	lens     []float32
	avgLen   float64
	post     map[term][]posting

	byRuneOnce sync.Once
	byFirst    map[rune][]term // bigrams by their first character
	bySecond   map[rune][]term // and by their second
}

type posting struct {
	doc int32
	tf  int32
}

// NewIndex indexes passages (their Text).
func NewIndex(passages []soroe.Passage) *Index {
	ix := &Index{passages: passages, lens: make([]float32, len(passages)), post: map[term][]posting{}}
	counts := map[term]int32{}
	total := 0.0
	for d, p := range passages {
		clear(counts)
		n := 0
		tokenize(normalize(p.Text), func(t term, _, _ int) {
			counts[t]++
			n++
		})
		for t, c := range counts {
			ix.post[t] = append(ix.post[t], posting{int32(d), c})
		}
		ix.lens[d] = float32(n)
		total += float64(n)
	}
	if len(passages) > 0 {
		ix.avgLen = total / float64(len(passages))
	}
	if ix.avgLen == 0 {
		ix.avgLen = 1
	}
	return ix
}

// Len is the number of passages indexed.
func (ix *Index) Len() int { return len(ix.passages) }

// Search returns up to k passages that match query, best first, with Score
// set (BM25; higher is more relevant). Passages that share no term with the
// query are not returned. Each run of the query (a word, or a stretch of
// Japanese) weighs the same however many bigrams it has, so that a long
// katakana word does not drown a short kanji one (「断熱 リフォーム」).
func (ix *Index) Search(query string, k int) []soroe.Passage {
	return ix.search(query, k, nil)
}

// SearchMaterials is Search limited to the passages of the given materials
// (all of them when ids is empty).
func (ix *Index) SearchMaterials(query string, k int, ids []int64) []soroe.Passage {
	if len(ids) == 0 {
		return ix.search(query, k, nil)
	}
	keep := make(map[int64]bool, len(ids))
	for _, id := range ids {
		keep[id] = true
	}
	return ix.search(query, k, func(p *soroe.Passage) bool { return keep[p.MaterialID] })
}

func (ix *Index) search(query string, k int, keep func(*soroe.Passage) bool) []soroe.Passage {
	if k <= 0 || len(ix.passages) == 0 {
		return nil
	}
	weights := map[term]float64{}
	total := 0.0
	tokenize(normalize(query), func(t term, _, runTerms int) {
		weights[t] += 1 / float64(runTerms)
		total += 1 / float64(runTerms)
	})
	if len(weights) == 0 {
		return nil
	}
	scores := map[int32]float64{}
	covered := map[int32]float64{}
	n := float64(len(ix.passages))
	for t, w := range weights {
		ps := ix.postings(t)
		if len(ps) == 0 {
			continue
		}
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			norm := bm25K1 * (1 - bm25B + bm25B*float64(ix.lens[p.doc])/ix.avgLen)
			scores[p.doc] += w * idf * tf * (bm25K1 + 1) / (tf + norm)
			covered[p.doc] += w
		}
	}
	// Passages that match more of the query come first: 「断熱 リフォーム」
	// prefers a passage with both to one with either.
	for d := range scores {
		scores[d] *= 0.5 + 0.5*covered[d]/total
	}
	type hit struct {
		doc   int32
		score float64
	}
	hits := make([]hit, 0, len(scores))
	for d, s := range scores {
		if keep == nil || keep(&ix.passages[d]) {
			hits = append(hits, hit{d, s})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].doc < hits[j].doc // earlier passages first on ties
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	out := make([]soroe.Passage, len(hits))
	for i, h := range hits {
		out[i] = ix.passages[h.doc]
		out[i].Score = math.Round(h.score*1e4) / 1e4
	}
	return out
}

// postings returns a term's postings. A lone CJK character in a query
// matches the bigrams that hold it (a passage's 家 is indexed only as part
// of 家事 or の家): its frequency in a passage is counted from the bigrams it
// starts or, at the end of a run, ends.
func (ix *Index) postings(t term) []posting {
	a, b := t.runes()
	if !t.isCJK() || b != 0 {
		return ix.post[t]
	}
	ix.byRuneOnce.Do(func() {
		ix.byFirst, ix.bySecond = map[rune][]term{}, map[rune][]term{}
		for t := range ix.post {
			if x, y := t.runes(); t.isCJK() && y != 0 {
				ix.byFirst[x] = append(ix.byFirst[x], t)
				ix.bySecond[y] = append(ix.bySecond[y], t)
			}
		}
	})
	first, second := map[int32]int32{}, map[int32]int32{}
	for _, bt := range ix.byFirst[a] {
		for _, p := range ix.post[bt] {
			first[p.doc] += p.tf
		}
	}
	for _, bt := range ix.bySecond[a] {
		for _, p := range ix.post[bt] {
			second[p.doc] += p.tf
		}
	}
	tf := map[int32]int32{}
	for _, p := range ix.post[t] {
		tf[p.doc] += p.tf
	}
	for d, n := range first {
		tf[d] += max(n, second[d])
	}
	for d, n := range second {
		if _, ok := first[d]; !ok {
			tf[d] += n
		}
	}
	out := make([]posting, 0, len(tf))
	for d, n := range tf {
		out = append(out, posting{d, n})
	}
	return out
}

// Retrieve returns the k passages most relevant to query, best first, with
// Score set; it indexes passages on the spot (see Index to keep an index).
func Retrieve(query string, passages []soroe.Passage, k int) []soroe.Passage {
	return NewIndex(passages).Search(query, k)
}
