package text

import "unicode"

// mention is a remote mention @user@domain: rs[Start:userEnd] is "@user".
type mention struct{ start, userEnd, end int }

// remoteMentions finds Mastodon mentions that carry a domain, following
// Mastodon's Account::MENTION_RE: an @ not preceded by a word character, =
// or /; a username of [a-z0-9_] with single runs of . or - inside; then
// @domain.
func remoteMentions(rs []rune) []mention {
	var ms []mention
	for i := 0; i < len(rs); i++ {
		if rs[i] != '@' || (i > 0 && (rs[i-1] == '=' || rs[i-1] == '/' || isWordChar(rs[i-1]))) {
			continue
		}
		j := scanDotted(rs, i+1, func(r rune) bool { return isASCIIAlnum(r) || r == '_' })
		if j == i+1 || j >= len(rs) || rs[j] != '@' {
			continue
		}
		k := scanDotted(rs, j+1, isWordChar)
		if k == j+1 {
			continue
		}
		ms = append(ms, mention{start: i, userEnd: j, end: k})
		i = k - 1
	}
	return ms
}

// scanDotted matches word+ ([.-]+ word+)* at p and returns its end (p when
// nothing matches).
func scanDotted(rs []rune, p int, word func(rune) bool) int {
	end := p
	for i := p; i < len(rs); {
		if !word(rs[i]) {
			break
		}
		for i < len(rs) && word(rs[i]) {
			i++
		}
		end = i
		k := i
		for k < len(rs) && (rs[k] == '.' || rs[k] == '-') {
			k++
		}
		if k == i || k >= len(rs) || !word(rs[k]) {
			break
		}
		i = k
	}
	return end
}

func isWordChar(r rune) bool {
	return r == '_' || unicode.In(r, unicode.L, unicode.M, unicode.Nd, unicode.Pc)
}

// mastodonCount counts s as Mastodon's StatusLengthValidator does: grapheme
// clusters, where each http(s) URL counts urlLen and @user@domain counts as
// @user.
func mastodonCount(c *counter, s string, urlLen int) {
	rs := []rune(s)
	urls := extractURLs(rs, false)
	ms := remoteMentions(rs)
	pos := 0
	text := func(end int) {
		if end > pos {
			c.graphemes(string(rs[pos:end]), pos)
			pos = end
		}
	}
	for len(urls) > 0 || len(ms) > 0 {
		if len(ms) == 0 || (len(urls) > 0 && urls[0].Start <= ms[0].start) {
			u := urls[0]
			urls = urls[1:]
			if u.Start < pos {
				continue
			}
			text(u.Start)
			c.add(urlLen, u.Start)
			pos = u.End
			continue
		}
		m := ms[0]
		ms = ms[1:]
		if m.start < pos {
			continue
		}
		text(m.start)
		text(m.userEnd)
		pos = m.end
	}
	text(len(rs))
}
