package text

import "sort"

// extPict is Unicode 15.0's Extended_Pictographic property (emoji-data.txt),
// merged into ranges. TestExtPictMatchesUniseg checks it against the grapheme
// tables of github.com/rivo/uniseg, so the two cannot drift apart unnoticed.
var extPict = [][2]rune{
	{0x00A9, 0x00A9}, {0x00AE, 0x00AE}, {0x203C, 0x203C}, {0x2049, 0x2049}, {0x2122, 0x2122}, {0x2139, 0x2139},
	{0x2194, 0x2199}, {0x21A9, 0x21AA}, {0x231A, 0x231B}, {0x2328, 0x2328}, {0x2388, 0x2388}, {0x23CF, 0x23CF},
	{0x23E9, 0x23F3}, {0x23F8, 0x23FA}, {0x24C2, 0x24C2}, {0x25AA, 0x25AB}, {0x25B6, 0x25B6}, {0x25C0, 0x25C0},
	{0x25FB, 0x25FE}, {0x2600, 0x2605}, {0x2607, 0x2612}, {0x2614, 0x2685}, {0x2690, 0x2705}, {0x2708, 0x2712},
	{0x2714, 0x2714}, {0x2716, 0x2716}, {0x271D, 0x271D}, {0x2721, 0x2721}, {0x2728, 0x2728}, {0x2733, 0x2734},
	{0x2744, 0x2744}, {0x2747, 0x2747}, {0x274C, 0x274C}, {0x274E, 0x274E}, {0x2753, 0x2755}, {0x2757, 0x2757},
	{0x2763, 0x2767}, {0x2795, 0x2797}, {0x27A1, 0x27A1}, {0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2934, 0x2935},
	{0x2B05, 0x2B07}, {0x2B1B, 0x2B1C}, {0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x3030, 0x3030}, {0x303D, 0x303D},
	{0x3297, 0x3297}, {0x3299, 0x3299}, {0x1F000, 0x1F0FF}, {0x1F10D, 0x1F10F}, {0x1F12F, 0x1F12F},
	{0x1F16C, 0x1F171}, {0x1F17E, 0x1F17F}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F1AD, 0x1F1E5},
	{0x1F201, 0x1F20F}, {0x1F21A, 0x1F21A}, {0x1F22F, 0x1F22F}, {0x1F232, 0x1F23A}, {0x1F23C, 0x1F23F},
	{0x1F249, 0x1F3FA}, {0x1F400, 0x1F53D}, {0x1F546, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F774, 0x1F77F},
	{0x1F7D5, 0x1F7FF}, {0x1F80C, 0x1F80F}, {0x1F848, 0x1F84F}, {0x1F85A, 0x1F85F}, {0x1F888, 0x1F88F},
	{0x1F8AE, 0x1F8FF}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1FAFF}, {0x1FC00, 0x1FFFD},
}

// isExtPict reports whether r is Extended_Pictographic.
func isExtPict(r rune) bool {
	if r < 0xA9 {
		return false
	}
	i := sort.Search(len(extPict), func(i int) bool { return extPict[i][1] >= r })
	return i < len(extPict) && extPict[i][0] <= r
}

func isSkinTone(r rune) bool          { return r >= 0x1F3FB && r <= 0x1F3FF }
func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
func isTagChar(r rune) bool           { return r >= 0xE0020 && r <= 0xE007E }

// emojiLen returns how many runes of rs, starting at i, make one emoji, or 0
// when no emoji starts there. It stands in for twemoji-parser, which
// twitter-text v3 uses: keycaps (1⃣, #️⃣), flags (two regional indicators),
// and a pictograph with an optional presentation selector or skin tone, an
// optional tag sequence (🏴󠁧󠁢󠁥󠁮󠁧󠁿) and any ZWJ-joined pictographs after it
// (👨‍👩‍👧‍👦). A lone ©, ® or other character below U+2000 is not counted as an
// emoji: twemoji leaves those text-default characters alone unless VS16
// follows, and counting them as text keeps their weight of 1 on X.
func emojiLen(rs []rune, i int) int {
	r := rs[i]
	next := func(k int) rune {
		if i+k < len(rs) {
			return rs[i+k]
		}
		return -1
	}
	switch {
	case r == '#' || r == '*' || (r >= '0' && r <= '9'):
		if next(1) == 0x20E3 {
			return 2
		}
		if next(1) == 0xFE0F && next(2) == 0x20E3 {
			return 3
		}
		return 0
	case isRegionalIndicator(r):
		if isRegionalIndicator(next(1)) {
			return 2
		}
		return 1
	case !isExtPict(r):
		return 0
	}
	n := 1 + modifierLen(rs, i+1)
	if isTagChar(next(n)) {
		k := n
		for isTagChar(next(k)) {
			k++
		}
		if next(k) == 0xE007F {
			n = k + 1
		}
	}
	for next(n) == 0x200D && next(n+1) >= 0 && isExtPict(next(n+1)) {
		n += 2
		n += modifierLen(rs, i+n)
	}
	if n == 1 && r < 0x2000 {
		return 0
	}
	return n
}

// modifierLen is how many runes at rs[i:] modify the pictograph before them:
// an emoji presentation selector (U+FE0F) or a skin tone, each optionally
// followed by the other.
func modifierLen(rs []rune, i int) int {
	n := 0
	for n < 2 && i+n < len(rs) && (rs[i+n] == 0xFE0F || isSkinTone(rs[i+n])) {
		n++
	}
	return n
}
