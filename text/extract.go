package text

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Entity is something found in a text: a URL or a hashtag.
// Start and End are rune offsets into the text it was found in, End
// exclusive; Text is the entity as written (for a hashtag, without its #).
type Entity struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// The limits twitter-text puts on URLs.
const (
	maxURLLength     = 4096 // with protocol, in UTF-16 units
	maxTcoSlugLength = 40
	maxLabelLength   = 63 // a DNS label, after punycode
	maxTLDRunes      = 30 // longer than any TLD in the root zone
)

// ExtractURLs finds URLs the way twitter-text's extractUrlsWithIndices does:
// with or without http(s)://, a host ending in a top-level domain of the root
// zone, an optional port, a path that does not end in punctuation, an
// optional query. withoutProtocol also finds bare domains such as
// example.com and t.co/abc (X links those; Mastodon does not).
//
// Top-level domains come from the ICANN section of the Public Suffix List
// (golang.org/x/net/publicsuffix), which carries every TLD of the root zone,
// rather than from twitter-text's own copy of that list.
func ExtractURLs(s string, withoutProtocol bool) []Entity {
	return extractURLs([]rune(s), withoutProtocol)
}

func extractURLs(rs []rune, withoutProtocol bool) []Entity {
	sep := ':'
	if withoutProtocol {
		sep = '.'
	}
	if !containsRune(rs, sep) {
		return nil
	}
	sc := newScanner(rs)
	var urls []Entity
	pos := 0
	for pos < len(rs) {
		m, before, ok := sc.nextURL(pos)
		if !ok {
			break
		}
		pos = m.end
		if !sc.validHostAndLength(m) {
			continue
		}
		if !m.hasProtocol() {
			if !withoutProtocol || (before >= 0 && strings.ContainsRune("-_./", rs[before])) {
				continue
			}
			// Only ASCII domains are linked without a protocol; the last one
			// found takes the path, port and query that follow the host.
			var last *Entity
			for _, d := range sc.asciiDomains(m.hostStart, m.hostEnd) {
				e := Entity{Text: string(rs[d.start:d.end]), Start: d.start, End: d.end}
				if m.hasPath || !d.shortCCTLD() {
					urls = append(urls, e)
					last = &urls[len(urls)-1]
				} else {
					last = &e
				}
			}
			if last != nil && m.hasPath {
				last.End = m.end
				last.Text = string(rs[last.Start:m.end])
			}
			continue
		}
		end := m.end
		if slug, tcoEnd, ok := tcoURL(rs, m.start, m.end); ok {
			if slug > maxTcoSlugLength {
				continue
			}
			end = tcoEnd
		}
		urls = append(urls, Entity{Text: string(rs[m.start:end]), Start: m.start, End: end})
	}
	return urls
}

func containsRune(rs []rune, r rune) bool {
	for _, c := range rs {
		if c == r {
			return true
		}
	}
	return false
}

// urlMatch is one match of twitter-text's URL pattern, in rune offsets.
type urlMatch struct {
	start, protoEnd int // protoEnd == start without a protocol
	hostStart       int // == protoEnd
	hostEnd, end    int
	hasPath         bool
}

func (m urlMatch) hasProtocol() bool { return m.protoEnd > m.start }

// scanner holds what the URL matcher looks up again and again, so that
// scanning stays linear on texts such as "a.a.a.a…" where a regular
// expression engine backtracks quadratically.
type scanner struct {
	rs []rune
	// labelEnd[i] is the first index at or after i that cannot be part of a
	// domain label (domain characters, '-' and '_'); asciiEnd[i] the same
	// for ASCII domains ([-a-z0-9] and Latin letters with accents).
	labelEnd, asciiEnd []int
	// unders[i] counts the underscores in rs[:i].
	unders []int
	tlds   map[[2]int]int  // matchTLD by start and limit; -1 for none
	isTLD  map[string]bool // isTLD by candidate
	hosts  *domainMemo     // domain matches over the whole text
}

func newScanner(rs []rune) *scanner {
	n := len(rs)
	sc := &scanner{rs: rs, labelEnd: make([]int, n+1), asciiEnd: make([]int, n+1), unders: make([]int, n+1),
		tlds: map[[2]int]int{}, isTLD: map[string]bool{}}
	sc.labelEnd[n], sc.asciiEnd[n] = n, n
	for i := n - 1; i >= 0; i-- {
		sc.labelEnd[i], sc.asciiEnd[i] = i, i
		if isDomainChar(rs[i]) || rs[i] == '-' || rs[i] == '_' {
			sc.labelEnd[i] = sc.labelEnd[i+1]
		}
		if isASCIIDomainChar(rs[i]) {
			sc.asciiEnd[i] = sc.asciiEnd[i+1]
		}
	}
	for i, r := range rs {
		sc.unders[i+1] = sc.unders[i]
		if r == '_' {
			sc.unders[i+1]++
		}
	}
	sc.hosts = &domainMemo{limit: n, m: map[int]domainMatch{}}
	return sc
}

// tld is matchTLD, cached.
func (sc *scanner) tld(t, limit int) (int, bool) {
	key := [2]int{t, limit}
	if e, ok := sc.tlds[key]; ok {
		return e, e >= 0
	}
	e, ok := sc.matchTLD(t, limit)
	if !ok {
		e = -1
	}
	sc.tlds[key] = e
	return e, ok
}

// nextURL finds the leftmost match of the URL pattern at or after pos, where
// a URL must follow a valid preceding character or begin the text. before
// is the index of that preceding character, -1 at the start of the text.
func (sc *scanner) nextURL(pos int) (m urlMatch, before int, ok bool) {
	for i := pos; i < len(sc.rs); i++ {
		if isValidURLPreceding(sc.rs[i]) {
			if m, ok := sc.matchURL(i + 1); ok {
				return m, i, true
			}
		}
		if i == 0 {
			if m, ok := sc.matchURL(0); ok {
				return m, -1, true
			}
		}
	}
	return urlMatch{}, 0, false
}

// matchURL matches protocol?, host, port?, path?, query? at s.
func (sc *scanner) matchURL(s int) (urlMatch, bool) {
	rs := sc.rs
	if s >= len(rs) {
		return urlMatch{}, false
	}
	p := s
	if hasPrefixFold(rs[p:], "https://") {
		p += 8
	} else if hasPrefixFold(rs[p:], "http://") {
		p += 7
	}
	d := sc.domain(sc.hosts, p)
	if !d.ok {
		return urlMatch{}, false
	}
	hostEnd := d.end
	m := urlMatch{start: s, protoEnd: p, hostStart: p, hostEnd: hostEnd}
	q := hostEnd
	if q+1 < len(rs) && rs[q] == ':' && isDigit(rs[q+1]) {
		q++
		for q < len(rs) && isDigit(rs[q]) {
			q++
		}
	}
	if q < len(rs) && rs[q] == '/' {
		m.hasPath = true
		q = matchPath(rs, q+1)
	}
	if q < len(rs) && rs[q] == '?' {
		q = matchQuery(rs, q)
	}
	m.end = q
	return m, true
}

// domainMemo remembers domain matches for one limit and mode.
type domainMemo struct {
	limit int
	ascii bool
	m     map[int]domainMatch
}

// domainMatch is a host: where it ends and where its TLD starts.
type domainMatch struct {
	end, tld int
	ok       bool
}

// label is one dot-terminated label of a host.
type label struct {
	start, dot int
	hasUnder   bool
}

// labelAt reads the label that starts at p and ends with a dot before
// memo.limit. Without ascii, a label starts and ends with a domain character
// (any character that is not punctuation, space or control) and may have
// '-' and '_' inside (twitter-text's validSubdomain); with ascii it is
// [-a-z0-9] and Latin letters with accents (validAsciiDomain).
func (sc *scanner) labelAt(memo *domainMemo, p int) (label, bool) {
	rs, limit := sc.rs, memo.limit
	if p >= limit {
		return label{}, false
	}
	end := sc.labelEnd
	if memo.ascii {
		end = sc.asciiEnd
	}
	e := min(end[p], limit)
	if e == p || e >= limit || rs[e] != '.' {
		return label{}, false
	}
	if memo.ascii {
		return label{start: p, dot: e}, true
	}
	if !isDomainChar(rs[p]) || !isDomainChar(rs[e-1]) {
		return label{}, false
	}
	return label{start: p, dot: e, hasUnder: sc.unders[e] > sc.unders[p]}, true
}

// domain matches subdomain* domain-name TLD at p, preferring the most labels
// as the regular expression does: the labels from p are a chain, and the
// match at p is the match at the next label if there is one, else this label
// as the domain name ('_' not allowed) followed by a TLD.
func (sc *scanner) domain(memo *domainMemo, p int) domainMatch {
	var chain []label
	var tail domainMatch
	for q := p; ; {
		if r, ok := memo.m[q]; ok {
			tail = r
			break
		}
		l, ok := sc.labelAt(memo, q)
		if !ok {
			if q != p {
				memo.m[q] = domainMatch{}
			}
			break
		}
		chain = append(chain, l)
		q = l.dot + 1
	}
	for i := len(chain) - 1; i >= 0; i-- {
		l := chain[i]
		r := tail
		if !r.ok && !l.hasUnder {
			if e, ok := sc.tld(l.dot+1, memo.limit); ok {
				r = domainMatch{end: e, tld: l.dot + 1, ok: true}
			}
		}
		memo.m[l.start] = r
		tail = r
	}
	if len(chain) == 0 {
		return tail // no label at p (not remembered: that check is cheap)
	}
	return memo.m[p]
}

// matchTLD matches a top-level domain at t: a TLD of the root zone followed by
// a character that is not [0-9a-z@+-] (so "example.com日本" links
// example.com), or else a punycode label xn--….
func (sc *scanner) matchTLD(t, limit int) (int, bool) {
	rs := sc.rs
	k := t
	for k < limit && k-t < maxTLDRunes && isDomainChar(rs[k]) {
		k++
	}
	for ; k > t; k-- {
		if k < limit && (isASCIIAlnum(rs[k]) || rs[k] == '@' || rs[k] == '+' || rs[k] == '-') {
			continue
		}
		cand := string(rs[t:k])
		is, ok := sc.isTLD[cand]
		if !ok {
			is = isTLD(cand)
			sc.isTLD[cand] = is
		}
		if is {
			return k, true
		}
	}
	if hasPrefixFold(rs[t:limit], "xn--") {
		k := t + 4
		for k < limit && (isASCIIAlnum(rs[k]) || rs[k] == '-') {
			k++
		}
		if k > t+4 {
			return k, true
		}
	}
	return 0, false
}

// isTLD reports whether s (any case, Unicode or punycode) is a top-level
// domain in the ICANN section of the Public Suffix List.
func isTLD(s string) bool {
	s = strings.ToLower(s)
	if !isASCII(s) {
		a, err := idna.Punycode.ToASCII(s)
		if err != nil {
			return false
		}
		s = a
	}
	if s == "" || strings.Contains(s, ".") {
		return false
	}
	// Wildcard TLDs (*.ck) only answer for a name under them.
	ps, icann := publicsuffix.PublicSuffix("x." + s)
	return icann && (ps == s || strings.HasSuffix(ps, "."+s))
}

// asciiDomain is a domain found inside a host by validAsciiDomain.
type asciiDomain struct {
	rs               []rune
	start, end       int
	labels           int
	tldStart, tldEnd int
}

// shortCCTLD reports a one-label domain under a two-letter country TLD other
// than .co and .tv (e.g. "foo.jp"): twitter-text links those without a
// protocol only when a path follows.
func (d asciiDomain) shortCCTLD() bool {
	if d.labels != 1 || d.tldEnd-d.tldStart != 2 {
		return false
	}
	tld := strings.ToLower(string(d.rs[d.tldStart:d.tldEnd]))
	return isASCII(tld) && tld != "co" && tld != "tv"
}

// asciiDomains finds every ASCII domain in the host rs[start:end].
func (sc *scanner) asciiDomains(start, end int) []asciiDomain {
	var ds []asciiDomain
	memo := &domainMemo{limit: end, ascii: true, m: map[int]domainMatch{}}
	for p := start; p < end; {
		d := sc.domain(memo, p)
		if !d.ok {
			p++
			continue
		}
		labels := 0
		for _, r := range sc.rs[p:d.tld] {
			if r == '.' {
				labels++
			}
		}
		ds = append(ds, asciiDomain{rs: sc.rs, start: p, end: d.end, labels: labels, tldStart: d.tld, tldEnd: d.end})
		p = d.end
	}
	return ds
}

// validHostAndLength checks the host's labels the way twitter-text's idna
// step does (each label, after punycode, 1 to 63 characters; a host that
// starts with xn-- must be ASCII) and that the URL fits 4,096 characters.
func (sc *scanner) validHostAndLength(m urlMatch) bool {
	host := string(sc.rs[m.hostStart:m.hostEnd])
	if strings.HasPrefix(host, "xn--") && len(sc.asciiDomains(m.hostStart, m.hostEnd)) == 0 {
		return false
	}
	for _, l := range strings.Split(host, ".") {
		a, err := idna.Punycode.ToASCII(l)
		if err != nil || len(a) < 1 || len(a) > maxLabelLength {
			return false
		}
	}
	protocol := 8 // "https://" is assumed when there is none
	if m.hasProtocol() {
		protocol = m.protoEnd - m.start
	}
	return protocol+utf16Len(sc.rs[m.protoEnd:m.end]) <= maxURLLength
}

// tcoURL matches https?://t.co/SLUG(?QUERY)? at the start of rs[s:e]: links
// to t.co keep no extra path. It returns the slug's length and the end.
func tcoURL(rs []rune, s, e int) (slug, end int, ok bool) {
	p := s
	if hasPrefixFold(rs[p:e], "https://t.co/") {
		p += 13
	} else if hasPrefixFold(rs[p:e], "http://t.co/") {
		p += 12
	} else {
		return 0, 0, false
	}
	q := p
	for q < e && isASCIIAlnum(rs[q]) {
		q++
	}
	if q == p {
		return 0, 0, false
	}
	slug = q - p
	if q < e && rs[q] == '?' {
		q = matchQuery(rs[:e], q)
	}
	return slug, q, true
}

// matchPath matches validUrlPath* after a '/' at p and returns its end: the
// longest run of path characters and balanced parentheses that ends in a
// character a URL may end in (so "/foo." leaves the period out).
func matchPath(rs []rune, p int) int {
	end := p
	for i := p; i < len(rs); {
		if rs[i] == '(' {
			if e := balancedParens(rs, i); e > 0 {
				i = e
				end = i
				continue
			}
			break
		}
		if !isPathChar(rs[i]) {
			break
		}
		i++
		if isPathEndChar(rs[i-1]) {
			end = i
		}
	}
	return end
}

// balancedParens matches "(" chars+ ")" or "(" chars* "(" chars+ ")" chars*
// ")" at i and returns its end, or 0.
func balancedParens(rs []rune, i int) int {
	j := i + 1
	for j < len(rs) && isPathChar(rs[j]) {
		j++
	}
	if j < len(rs) && rs[j] == ')' && j > i+1 {
		return j + 1
	}
	if j < len(rs) && rs[j] == '(' {
		k := j + 1
		for k < len(rs) && isPathChar(rs[k]) {
			k++
		}
		if k < len(rs) && rs[k] == ')' && k > j+1 {
			k++
			for k < len(rs) && isPathChar(rs[k]) {
				k++
			}
			if k < len(rs) && rs[k] == ')' {
				return k + 1
			}
		}
	}
	return 0
}

// matchQuery matches "?" query-chars* query-ending-char at p (rs[p] == '?')
// and returns its end, or p when there is no such query.
func matchQuery(rs []rune, p int) int {
	end := p
	for i := p + 1; i < len(rs) && isQueryChar(rs[i]); i++ {
		if isQueryEndChar(rs[i]) {
			end = i + 1
		}
	}
	return end
}

// ExtractHashtags finds hashtags the way twitter-text does: # or ＃, then
// letters, marks, digits and a few joiners with at least one letter, not
// preceded by a letter, digit or &, not followed by another # or "://", and
// not inside a URL. Entity.Text is the tag without its #; Start is the #.
func ExtractHashtags(s string) []Entity {
	rs := []rune(s)
	if !containsRune(rs, '#') && !containsRune(rs, '＃') {
		return nil
	}
	var tags []Entity
	last := 0 // like a regular expression's lastIndex
	for i := 0; i < len(rs); i++ {
		if rs[i] != '#' && rs[i] != '＃' {
			continue
		}
		if i > 0 {
			prev := rs[i-1]
			if i-1 < last || (prev != 0xFE0E && prev != 0xFE0F && (prev == '&' || isHashtagChar(prev))) {
				continue
			}
		}
		if i+1 < len(rs) && (rs[i+1] == 0xFE0F || rs[i+1] == 0x20E3) {
			continue
		}
		j, letter := i+1, false
		for j < len(rs) && isHashtagChar(rs[j]) {
			letter = letter || isHashtagLetter(rs[j])
			j++
		}
		if !letter {
			continue
		}
		last = j
		if j < len(rs) && (rs[j] == '#' || rs[j] == '＃' || hasPrefixFold(rs[j:], "://")) {
			i = j - 1
			continue
		}
		tags = append(tags, Entity{Text: string(rs[i+1 : j]), Start: i, End: j})
		i = j - 1
	}
	if len(tags) == 0 {
		return nil
	}
	urls := extractURLs(rs, true)
	return dropOverlapping(tags, urls)
}

// dropOverlapping removes the entities that overlap any of others; both
// are in text order and do not overlap among themselves.
func dropOverlapping(es, others []Entity) []Entity {
	kept := es[:0]
	j := 0
	for _, e := range es {
		for j < len(others) && others[j].End <= e.Start {
			j++
		}
		if j < len(others) && others[j].Start < e.End {
			continue
		}
		kept = append(kept, e)
	}
	return kept
}

// hashtagSpecial are the joiners twitter-text allows inside hashtags.
const hashtagSpecial = "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"

func isHashtagLetter(r rune) bool { return unicode.In(r, unicode.L, unicode.M) }

func isHashtagChar(r rune) bool {
	return isHashtagLetter(r) || unicode.Is(unicode.Nd, r) || strings.ContainsRune(hashtagSpecial, r)
}

// Character classes of twitter-text's URL patterns.

func isDigit(r rune) bool      { return r >= '0' && r <= '9' }
func isASCIIAlnum(r rune) bool { return isDigit(r) || (r|0x20 >= 'a' && r|0x20 <= 'z') }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isInvalidChar reports the characters a post on X may not contain.
func isInvalidChar(r rune) bool { return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF }

func isDirectional(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// isTwitterSpace is twitter-text's list of Unicode spaces.
func isTwitterSpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r == 0x20, r == 0x85, r == 0xA0, r == 0x1680, r == 0x180E,
		r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// isDomainChar: anything but ASCII punctuation, spaces, control characters,
// directional marks and the invalid characters.
func isDomainChar(r rune) bool {
	if r < 0x80 {
		return isASCIIAlnum(r)
	}
	return !isTwitterSpace(r) && !isDirectional(r) && !isInvalidChar(r) && r != 0x85
}

func isLatinAccent(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x24F,
		r == 0x253, r == 0x254, r == 0x256, r == 0x257, r == 0x259, r == 0x25B, r == 0x263,
		r == 0x268, r == 0x26F, r == 0x272, r == 0x289, r == 0x28B, r == 0x2BB,
		r >= 0x300 && r <= 0x36F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	return false
}

func isCyrillic(r rune) bool { return r >= 0x400 && r <= 0x4FF }

func isASCIIDomainChar(r rune) bool { return isASCIIAlnum(r) || r == '-' || isLatinAccent(r) }

// isValidURLPreceding: a URL may follow anything but a letter or digit, @, $,
// # (ASCII or fullwidth) or an invalid character.
func isValidURLPreceding(r rune) bool {
	if isDirectional(r) {
		return true
	}
	return !isASCIIAlnum(r) && !strings.ContainsRune("@＠$#＃", r) && !isInvalidChar(r)
}

func isPathChar(r rune) bool {
	return isASCIIAlnum(r) || strings.ContainsRune("!*';:=+,.$/%#[]-\u2013_~@|&", r) || isCyrillic(r) || isLatinAccent(r)
}

func isPathEndChar(r rune) bool {
	return isASCIIAlnum(r) || strings.ContainsRune("+-=_#/", r) || isCyrillic(r) || isLatinAccent(r)
}

func isQueryChar(r rune) bool {
	return isASCIIAlnum(r) || strings.ContainsRune("!?*'@();:&=+$/%#[]-_.,~|", r)
}

func isQueryEndChar(r rune) bool { return isASCIIAlnum(r) || strings.ContainsRune("-_&=#/", r) }

// hasPrefixFold reports whether rs starts with the ASCII string p, ignoring
// ASCII case.
func hasPrefixFold(rs []rune, p string) bool {
	if len(rs) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		r, c := rs[i], rune(p[i])
		if r != c && !(isASCIIAlnum(c) && c >= 'a' && r|0x20 == c) {
			return false
		}
	}
	return true
}

// utf16Len is how many UTF-16 code units rs takes.
func utf16Len(rs []rune) int {
	n := len(rs)
	for _, r := range rs {
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
