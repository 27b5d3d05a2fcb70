package text

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/soroe/soroe"
)

// Limits, from shared/reference/platforms.md unless noted.
const (
	XLimit                     = 280   // weighted (twitter-text v3)
	BlueskyGraphemeLimit       = 300   // app.bsky.feed.post text maxGraphemes
	BlueskyByteLimit           = 3000  // and maxLength, in UTF-8 bytes
	MastodonDefaultLimit       = 500   // instance setting statuses.max_characters
	MastodonURLLength          = 23    // statuses.characters_reserved_per_url
	ThreadsLimit               = 500   // characters, emoji counted as their UTF-8 bytes
	ThreadsLinkLimit           = 5     // links per post
	InstagramLimit             = 2200  // caption characters
	DefaultInstagramHashtagCap = 5     // Instagram's limit since December 2025
	LegacyInstagramHashtagCap  = 30    // the limit Meta's API reference still gives
	LinkedInLimit              = 3000  // commentary characters (commonly cited)
	LINELimit                  = 5000  // UTF-16 code units per text message
	FacebookLimit              = 63206 // Page post message; commonly cited, not in the reference
)

// Options are the per-organization and per-instance settings that change the
// rules. The zero value means the networks' defaults.
type Options struct {
	// MastodonLimit is the instance's configuration.statuses.max_characters
	// (GET /api/v2/instance); 0 means MastodonDefaultLimit.
	MastodonLimit int
	// MastodonURLLength is the instance's
	// configuration.statuses.characters_reserved_per_url; 0 means 23.
	MastodonURLLength int
	// InstagramHashtagCap is the most hashtags a caption may carry: 0 means
	// DefaultInstagramHashtagCap (5, Instagram's rule since December 2025),
	// LegacyInstagramHashtagCap (30) restores the old rule, and a negative
	// value means no cap.
	InstagramHashtagCap int
	// AllowEmpty accepts empty text, for a post whose media say it all.
	AllowEmpty bool
}

// Units a Result's length is counted in.
const (
	UnitWeighted   = "weighted"    // X: twitter-text weighted characters
	UnitGraphemes  = "graphemes"   // user-perceived characters (Unicode grapheme clusters)
	UnitCodePoints = "code_points" // Unicode code points (Go runes)
	UnitThreads    = "code_points_emoji_bytes"
	UnitUTF16      = "utf16_units"
)

// Result is the verdict on one text for one network.
type Result struct {
	Platform soroe.Network `json:"platform"`
	// Length is the text's length in Unit, the way the network counts it.
	Length int `json:"length"`
	// Limit is the most the network allows, in Unit; 0 means no limit.
	Limit int    `json:"limit"`
	Unit  string `json:"unit"`
	// Valid is true when there are no Problems.
	Valid    bool      `json:"valid"`
	Problems []Problem `json:"problems"`
}

// Problem codes: stable keys the UI translates.
const (
	ProblemEmpty           = "empty"
	ProblemTooLong         = "too_long"
	ProblemTooManyBytes    = "too_many_bytes"
	ProblemInvalidChar     = "invalid_character"
	ProblemInvalidEncoding = "invalid_encoding"
	ProblemTooManyLinks    = "too_many_links"
	ProblemTooManyHashtags = "too_many_hashtags"
	ProblemUnknownPlatform = "unknown_platform"
)

// Problem is one reason a text cannot be posted as it is. Start and End
// (exclusive) are rune offsets into the text, i.e. indices into []rune(s):
// for too_long, from the first character past the limit to the end; for
// too_many_links and too_many_hashtags, the first link or hashtag over the
// cap. Count and Limit give the numbers where there are any.
type Problem struct {
	Code    string `json:"code"`
	Message string `json:"message"` // English; the UI translates Code
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Count   int    `json:"count,omitempty"`
	Limit   int    `json:"limit,omitempty"`
}

// networkNames are the networks' names in messages.
var networkNames = map[soroe.Network]string{
	soroe.NetworkX: "X", soroe.NetworkInstagram: "Instagram", soroe.NetworkFacebook: "Facebook",
	soroe.NetworkThreads: "Threads", soroe.NetworkLinkedIn: "LinkedIn", soroe.NetworkBluesky: "Bluesky",
	soroe.NetworkMastodon: "Mastodon", soroe.NetworkLINE: "LINE", soroe.NetworkManual: "manual posting",
}

var unitNames = map[string]string{
	UnitWeighted: "weighted characters", UnitGraphemes: "characters", UnitCodePoints: "characters",
	UnitThreads: "characters (emoji counted in UTF-8 bytes)", UnitUTF16: "UTF-16 code units",
}

// Check measures s the way network counts it and lists every problem that
// would stop the post. Rules (see shared/reference/platforms.md):
//
//   - x: twitter-text v3 weighted length (ParseTweet with TwitterV3) ≤ 280; no
//     U+FFFE, U+FEFF or U+FFFF.
//   - bluesky: ≤ 300 grapheme clusters and ≤ 3,000 UTF-8 bytes.
//   - mastodon: grapheme clusters ≤ Options.MastodonLimit (500), where each
//     http(s) URL counts 23 and a mention @user@domain counts as @user.
//   - threads: ≤ 500 characters, an emoji counting as its UTF-8 bytes; ≤ 5 links.
//   - instagram: ≤ 2,200 code points; hashtags ≤ Options.InstagramHashtagCap.
//   - facebook: ≤ 63,206 code points; linkedin: ≤ 3,000 code points.
//   - line: ≤ 5,000 UTF-16 code units.
//   - manual: no limit; the length is in code points.
//
// Everywhere, text that is empty or only white space is a problem unless
// Options.AllowEmpty, and so is text that is not valid UTF-8. An unknown
// network gives a Result with the unknown_platform problem.
func Check(network soroe.Network, s string, opts Options) Result {
	r := Result{Platform: network, Problems: []Problem{}}
	runes := []rune(s)
	n := len(runes)
	if !network.Valid() {
		r.Unit = UnitCodePoints
		r.Length = n
		r.add(Problem{Code: ProblemUnknownPlatform, Message: fmt.Sprintf("%q is not a network Soroe knows.", string(network)), End: n})
		return r
	}
	if isBlank(s) && !opts.AllowEmpty {
		r.add(Problem{Code: ProblemEmpty, Message: "The text is empty.", End: n})
	}
	if !utf8.ValidString(s) {
		r.add(Problem{Code: ProblemInvalidEncoding, Message: "The text is not valid UTF-8.", End: n})
	}
	name := networkNames[network]
	c := counter{over: -1}
	switch network {
	case soroe.NetworkX:
		r.Unit, r.Limit = UnitWeighted, XLimit
		p, overflow := parseTweet(s, TwitterV3)
		r.Length = p.WeightedLength
		for i, ch := range runes {
			if isInvalidChar(ch) {
				r.add(Problem{Code: ProblemInvalidChar, Message: fmt.Sprintf("U+%04X is not allowed on X.", ch), Start: i, End: i + 1})
			}
		}
		if overflow >= 0 {
			c.over = runeAtUTF16(runes, overflow)
		}
	case soroe.NetworkBluesky:
		r.Unit, r.Limit = UnitGraphemes, BlueskyGraphemeLimit
		c.limit = r.Limit
		c.graphemes(s, 0)
		r.Length = c.n
		over := -1
		for b, i := 0, 0; b < len(s); i++ {
			_, size := utf8.DecodeRuneInString(s[b:])
			if b+size > BlueskyByteLimit {
				over = i
				break
			}
			b += size
		}
		if over >= 0 {
			r.add(Problem{Code: ProblemTooManyBytes, Start: over, End: n, Count: len(s), Limit: BlueskyByteLimit,
				Message: fmt.Sprintf("%d bytes in UTF-8; Bluesky allows %d.", len(s), BlueskyByteLimit)})
		}
	case soroe.NetworkMastodon:
		r.Unit, r.Limit = UnitGraphemes, positive(opts.MastodonLimit, MastodonDefaultLimit)
		c.limit = r.Limit
		mastodonCount(&c, s, positive(opts.MastodonURLLength, MastodonURLLength))
		r.Length = c.n
	case soroe.NetworkThreads:
		r.Unit, r.Limit = UnitThreads, ThreadsLimit
		c.limit = r.Limit
		for i := 0; i < n; {
			if k := emojiLen(runes, i); k > 0 {
				c.add(len(string(runes[i:i+k])), i)
				i += k
				continue
			}
			c.add(1, i)
			i++
		}
		r.Length = c.n
		if links := ExtractURLs(s, true); len(links) > ThreadsLinkLimit {
			l := links[ThreadsLinkLimit]
			r.add(Problem{Code: ProblemTooManyLinks, Start: l.Start, End: l.End, Count: len(links), Limit: ThreadsLinkLimit,
				Message: fmt.Sprintf("%d links; Threads allows %d.", len(links), ThreadsLinkLimit)})
		}
	case soroe.NetworkInstagram:
		r.Unit, r.Limit, r.Length = UnitCodePoints, InstagramLimit, n
		c = runeCounter(n, r.Limit)
		hashtagCap := opts.InstagramHashtagCap
		if hashtagCap == 0 {
			hashtagCap = DefaultInstagramHashtagCap
		}
		if tags := ExtractHashtags(s); hashtagCap > 0 && len(tags) > hashtagCap {
			t := tags[hashtagCap]
			r.add(Problem{Code: ProblemTooManyHashtags, Start: t.Start, End: t.End, Count: len(tags), Limit: hashtagCap,
				Message: fmt.Sprintf("%d hashtags; Instagram allows %d.", len(tags), hashtagCap)})
		}
	case soroe.NetworkFacebook, soroe.NetworkLinkedIn, soroe.NetworkManual:
		r.Unit, r.Length = UnitCodePoints, n
		r.Limit = map[soroe.Network]int{soroe.NetworkFacebook: FacebookLimit, soroe.NetworkLinkedIn: LinkedInLimit}[network]
		c = runeCounter(n, r.Limit)
	case soroe.NetworkLINE:
		r.Unit, r.Limit = UnitUTF16, LINELimit
		c.limit = r.Limit
		for i, ch := range runes {
			c.add(utf16.RuneLen(ch), i)
		}
		r.Length = c.n
	}
	if c.over >= 0 && r.Limit > 0 && r.Length > r.Limit {
		r.add(Problem{Code: ProblemTooLong, Start: c.over, End: n, Count: r.Length, Limit: r.Limit,
			Message: fmt.Sprintf("%d %s; %s allows %d.", r.Length, unitNames[r.Unit], name, r.Limit)})
	}
	r.Valid = len(r.Problems) == 0
	return r
}

func (r *Result) add(p Problem) { r.Problems = append(r.Problems, p) }

func positive(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// counter adds up a length and remembers the rune offset at which it first
// went past limit (over, -1 while it has not).
type counter struct{ n, limit, over int }

func (c *counter) add(k, at int) {
	c.n += k
	if c.limit > 0 && c.n > c.limit && c.over < 0 {
		c.over = at
	}
}

// graphemes counts the grapheme clusters of s, whose first rune is at rune
// offset at of the whole text.
func (c *counter) graphemes(s string, at int) {
	state := -1
	for s != "" {
		var cluster string
		cluster, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		c.add(1, at)
		at += utf8.RuneCountInString(cluster)
	}
}

// runeCounter is a counter over n code points.
func runeCounter(n, limit int) counter {
	c := counter{n: n, limit: limit, over: -1}
	if limit > 0 && n > limit {
		c.over = limit
	}
	return c
}

// runeAtUTF16 converts a UTF-16 offset into a rune offset.
func runeAtUTF16(rs []rune, u int) int {
	for i, r := range rs {
		if u <= 0 {
			return i
		}
		u -= utf16.RuneLen(r)
	}
	return len(rs)
}
