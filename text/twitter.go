package text

import (
	"math"

	"golang.org/x/text/unicode/norm"
)

// TwitterConfig is a twitter-text configuration (config/v*.json upstream).
type TwitterConfig struct {
	Version                int           `json:"version"`
	MaxWeightedTweetLength int           `json:"maxWeightedTweetLength"`
	Scale                  int           `json:"scale"`
	DefaultWeight          int           `json:"defaultWeight"`
	EmojiParsingEnabled    bool          `json:"emojiParsingEnabled,omitempty"`
	TransformedURLLength   int           `json:"transformedURLLength"`
	Ranges                 []WeightRange `json:"ranges"`
}

// WeightRange gives the code points Start..End (inclusive) a weight.
type WeightRange struct {
	Start  int `json:"start"`
	End    int `json:"end"`
	Weight int `json:"weight"`
}

// The three twitter-text configurations. TwitterV3 is what X counts with
// today: 280 weighted characters where Latin and a few punctuation ranges
// weigh 1, everything else (kana, kanji, fullwidth forms, emoji) weighs 2, a
// URL weighs 23 and an emoji sequence, however many code points, weighs 2.
var (
	TwitterV1 = TwitterConfig{Version: 1, MaxWeightedTweetLength: 140, Scale: 1, DefaultWeight: 1, TransformedURLLength: 23, Ranges: []WeightRange{}}
	TwitterV2 = TwitterConfig{Version: 2, MaxWeightedTweetLength: 280, Scale: 100, DefaultWeight: 200, TransformedURLLength: 23, Ranges: v2Ranges}
	TwitterV3 = TwitterConfig{Version: 3, MaxWeightedTweetLength: 280, Scale: 100, DefaultWeight: 200, EmojiParsingEnabled: true, TransformedURLLength: 23, Ranges: v2Ranges}
)

var v2Ranges = []WeightRange{{0, 4351, 100}, {8192, 8205, 100}, {8208, 8223, 100}, {8242, 8247, 100}}

// TweetParse is twitter-text's parseTweet result. Ranges are inclusive
// indices in UTF-16 code units of the text as given (before normalization),
// as upstream defines them.
type TweetParse struct {
	WeightedLength    int  `json:"weightedLength"`
	Valid             bool `json:"valid"`
	Permillage        int  `json:"permillage"`
	DisplayRangeStart int  `json:"displayRangeStart"`
	DisplayRangeEnd   int  `json:"displayRangeEnd"`
	ValidRangeStart   int  `json:"validRangeStart"`
	ValidRangeEnd     int  `json:"validRangeEnd"`
}

// ParseTweet weighs s as twitter-text's parseTweet does with configuration
// c: the text is NFC-normalized, each URL (with or without protocol) counts
// c.TransformedURLLength, each emoji sequence c.DefaultWeight when
// c.EmojiParsingEnabled, every other code point the weight of its range or
// c.DefaultWeight. It is valid when it has no invalid character (U+FFFE,
// U+FEFF, U+FFFF) and a weighted length above 0 and at most the maximum. It
// passes twitter-text's validation conformance suite (see
// twitter_conformance_test.go).
func ParseTweet(s string, c TwitterConfig) TweetParse {
	p, _ := parseTweet(s, c)
	return p
}

// parseTweet is ParseTweet that also returns the UTF-16 index, in the text
// as given, of the first unit that no longer fits (-1 when all fit).
func parseTweet(s string, c TwitterConfig) (TweetParse, int) {
	if c.Scale <= 0 {
		c.Scale = 1
	}
	origLen := utf16Len([]rune(s))
	normalized := norm.NFC.String(s)
	rs := []rune(normalized)
	normLen := utf16Len(rs)
	offset := origLen - normLen

	urls := extractURLs(rs, true)
	limit := c.MaxWeightedTweetLength * c.Scale
	weight, unit, validDisplay, overflow := 0, 0, 0, -1
	valid := true
	for i, u := 0, 0; i < len(rs); {
		start, startUnit := i, unit
		switch {
		case u < len(urls) && urls[u].Start == i:
			weight += c.TransformedURLLength * c.Scale
			i = urls[u].End
			u++
		default:
			if c.EmojiParsingEnabled {
				if n := emojiLen(rs, i); n > 0 {
					weight += c.DefaultWeight
					i += n
					break
				}
			}
			weight += c.weight(rs[i])
			i++
		}
		for u < len(urls) && urls[u].Start < i {
			u++ // an emoji that swallowed a URL's start (never seen in practice)
		}
		unit = startUnit + utf16Len(rs[start:i])
		// Like upstream, only the last code unit of each step is checked.
		if valid && isInvalidChar(rs[i-1]) {
			valid = false
		}
		if weight > limit && overflow < 0 {
			overflow = startUnit
		}
		if valid && weight <= limit {
			validDisplay = unit - 1
		}
	}
	p := TweetParse{
		WeightedLength: weight / c.Scale,
		Valid:          valid && weight > 0 && weight <= limit,
		Permillage:     int(math.Floor(float64(weight) / float64(c.Scale) / float64(c.MaxWeightedTweetLength) * 1000)),
		ValidRangeEnd:  validDisplay + offset,
	}
	if origLen > 0 {
		p.DisplayRangeEnd = origLen - 1
	}
	if overflow >= 0 {
		overflow = min(max(overflow+offset, 0), origLen)
	}
	return p, overflow
}

// weight is the weight of one code point.
func (c TwitterConfig) weight(r rune) int {
	for _, rg := range c.Ranges {
		if int(r) >= rg.Start && int(r) <= rg.End {
			return rg.Weight
		}
	}
	return c.DefaultWeight
}
