package text

import (
	"regexp"
	"strings"
)

// Validators for single entities, as twitter-text defines them. They match
// upstream's validation conformance cases.

// ValidTweet is twitter-text's legacy valid_tweet_text?: at most 140 code
// points (URLs counting 23), not empty, no invalid character. It is
// ParseTweet with TwitterV1.
func ValidTweet(s string) bool { return ParseTweet(s, TwitterV1).Valid }

var (
	usernameRE = regexp.MustCompile(`^[@＠][A-Za-z0-9_]{1,20}$`)
	listRE     = regexp.MustCompile(`(?i)^[@＠][a-z0-9_]{1,20}/[a-z][a-z0-9_\-]{0,24}$`)
)

// ValidUsername reports whether s is one @username (1 to 20 of A-Z, a-z,
// 0-9 and _).
func ValidUsername(s string) bool { return usernameRE.MatchString(s) }

// ValidList reports whether s is one @username/list-name.
func ValidList(s string) bool { return listRE.MatchString(s) }

// ValidHashtag reports whether s is exactly one hashtag, # included.
func ValidHashtag(s string) bool {
	tags := ExtractHashtags(s)
	return len(tags) == 1 && tags[0].Start == 0 && tags[0].End == len([]rune(s))
}

// The URL validation patterns (RFC 3986, as twitter-text narrows it).
var (
	urlUnencodedRE = regexp.MustCompile(`(?is)^(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$`)
	urlSchemeRE    = regexp.MustCompile(`(?i)^https?$`)
	urlPathRE      = regexp.MustCompile(`(?i)(?:/` + urlPchar + `*)*`)
	urlQueryRE     = regexp.MustCompile(`(?i)(?:` + urlPchar + `|/|\?)*`)
	urlAuthorityRE = regexp.MustCompile(`(?i)(?:(` + urlUserinfo + `)@)?(` + urlHost + `)(?::([0-9]{1,5}))?`)
)

const (
	urlUnreserved = `[a-z\p{Cyrillic}0-9\p{Pd}._~]`
	urlPctEncoded = `(?:%[0-9a-f]{2})`
	urlSubDelims  = `[!$&'()*+,;=]`
	urlPchar      = `(?:` + urlUnreserved + `|` + urlPctEncoded + `|` + urlSubDelims + `|[:|@])`
	urlUserinfo   = `(?:` + urlUnreserved + `|` + urlPctEncoded + `|` + urlSubDelims + `|:)*`
	urlDecOctet   = `(?:[0-9]|(?:[1-9][0-9])|(?:1[0-9]{2})|(?:2[0-4][0-9])|(?:25[0-5]))`
	urlIPv4       = `(?:` + urlDecOctet + `(?:\.` + urlDecOctet + `){3})`
	urlIPv6       = `(?:\[[a-f0-9:\.]+\])`
	urlUSub       = `(?:(?:[a-z0-9]|[^\x00-\x7f])(?:(?:[a-z0-9_\-]|[^\x00-\x7f])*(?:[a-z0-9]|[^\x00-\x7f]))?)`
	urlUSeg       = `(?:(?:[a-z0-9]|[^\x00-\x7f])(?:(?:[a-z0-9\-]|[^\x00-\x7f])*(?:[a-z0-9]|[^\x00-\x7f]))?)`
	urlUTLD       = `(?:(?:[a-z]|[^\x00-\x7f])(?:(?:[a-z0-9\-]|[^\x00-\x7f])*(?:[a-z0-9]|[^\x00-\x7f]))?)`
	urlHost       = `(?:` + urlIPv4 + `|` + urlIPv6 + `|(?:(?:` + urlUSub + `\.)*(?:` + urlUSeg + `\.)` + urlUTLD + `))`
)

// ValidURL reports whether s is one well-formed http(s) URL (twitter-text's
// valid_url? with Unicode domains allowed). Without requireProtocol a bare
// host such as example.com/path is accepted too.
func ValidURL(s string, requireProtocol bool) bool {
	if s == "" {
		return false
	}
	parts := urlUnencodedRE.FindStringSubmatchIndex(s)
	if parts == nil {
		return false
	}
	group := func(i int) (string, bool) {
		if parts[2*i] < 0 {
			return "", false
		}
		return s[parts[2*i]:parts[2*i+1]], true
	}
	scheme, hasScheme := group(1)
	authority, _ := group(2)
	path, _ := group(3)
	query, hasQuery := group(4)
	fragment, hasFragment := group(5)
	if requireProtocol && (!hasScheme || !urlSchemeRE.MatchString(scheme)) {
		return false
	}
	return wholeMatch(urlPathRE, path) &&
		(!hasQuery || wholeMatch(urlQueryRE, query)) &&
		(!hasFragment || wholeMatch(urlQueryRE, fragment)) &&
		wholeMatch(urlAuthorityRE, authority)
}

// wholeMatch reports whether the leftmost match of re in s (the one a
// backtracking engine finds first, as in twitter-text) is all of s.
func wholeMatch(re *regexp.Regexp, s string) bool {
	loc := re.FindStringIndex(s)
	return loc != nil && loc[0] == 0 && loc[1] == len(s)
}

// isBlank reports text that is empty or only white space.
func isBlank(s string) bool { return strings.TrimSpace(s) == "" }
