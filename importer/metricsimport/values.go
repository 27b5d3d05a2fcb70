package metricsimport

import (
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"
)

// unavailable reports whether a cell means "no figure".
func unavailable(s string) bool {
	switch s {
	case "", "-", "—", "–", "－", "n/a", "N/A", "--":
		return true
	}
	return false
}

// parseCount reads a count: 424, 424.0, "12,400", full-width digits. ok is
// false when s is not a number; neg when it is below zero.
func parseCount(s string) (v int64, ok, neg bool) {
	// fast path: plain ASCII digits
	if len(s) > 0 && len(s) < 19 {
		var n int64
		i := 0
		for ; i < len(s); i++ {
			ch := s[i]
			if ch < '0' || ch > '9' {
				break
			}
			n = n*10 + int64(ch-'0')
		}
		if i == len(s) {
			return n, true, false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			s = width.Fold.String(s)
			break
		}
	}
	if strings.IndexByte(s, ',') >= 0 {
		// thousands separators: 1–3 digits, then groups of three
		neg := strings.HasPrefix(s, "-")
		intPart, frac, hasFrac := strings.Cut(strings.TrimPrefix(s, "-"), ".")
		var n int64
		group := 0
		for i := 0; i < len(intPart); i++ {
			ch := intPart[i]
			switch {
			case ch == ',':
				if group == 0 || (group > 3) || (i > group && group != 3) {
					return 0, false, false
				}
				group = 0
			case ch >= '0' && ch <= '9' && n < 1e17:
				n = n*10 + int64(ch-'0')
				group++
			default:
				return 0, false, false
			}
		}
		if group != 3 {
			return 0, false, false
		}
		if hasFrac && strings.Trim(frac, "0") != "" {
			return 0, false, false
		}
		if neg {
			return -n, true, true
		}
		return n, true, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true, n < 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false, false
	}
	return int64(f), true, f < 0
}

var xDateLayouts = []string{"Mon, Jan 2, 2006", "Jan 2, 2006", "2006-01-02", "2006/01/02", "2006/1/2", "2006年1月2日", "20060102"}

// parseDay reads a date-only cell into its day (as UTC midnight).
func parseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range xDateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

type layout struct {
	s     string
	zoned bool // the layout has an offset
}

var timeLayouts = []layout{
	{time.RFC3339, true}, {"2006-01-02 15:04 -0700", true}, {"2006-01-02 15:04:05 -0700", true},
	{"2006-01-02T15:04Z07:00", true}, {"2006-01-02 15:04:05Z07:00", true}, {"2006-01-02 15:04Z07:00", true},
	{"01/02/2006 15:04", false}, {"1/2/2006 15:04", false}, {"01/02/2006 15:04:05", false}, {"2006-01-02 15:04", false},
	{"2006-01-02 15:04:05", false}, {"2006-01-02T15:04", false}, {"2006-01-02T15:04:05", false}, {"2006/01/02 15:04", false},
	{"2006/1/2 15:04", false}, {"2006/01/02 15:04:05", false}, {"2006/1/2 15:04:05", false}, {"2006年1月2日 15:04", false},
}

// parseTime reads a time with a date, in zone when the cell has no offset.
// dateOnly is set for a plain date (midnight in zone). hint remembers the
// layout that worked last (files repeat one layout).
func parseTime(s string, zone *time.Location, hint *int) (t time.Time, dateOnly, ok bool) {
	s = strings.TrimSpace(s)
	try := func(l layout) (time.Time, bool) {
		if l.zoned {
			t, err := time.Parse(l.s, s)
			return t.UTC(), err == nil
		}
		t, err := time.ParseInLocation(l.s, s, zone)
		return t.UTC(), err == nil
	}
	if h := *hint; h >= 0 && h < len(timeLayouts) {
		if t, ok := try(timeLayouts[h]); ok {
			return t, false, true
		}
	}
	for i, l := range timeLayouts {
		if t, ok := try(l); ok {
			*hint = i
			return t, false, true
		}
	}
	if d, ok := parseDay(s); ok {
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone).UTC(), true, true
	}
	return time.Time{}, false, false
}

// snowflakeEpoch is X's snowflake epoch in Unix milliseconds.
const snowflakeEpoch = 1288834974657

// snowflakeTime is the time an X ID was made, and false for IDs from before
// snowflakes (2010-11-04) or that are not numbers.
func snowflakeTime(id string) (time.Time, bool) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil || n < 1<<32 {
		return time.Time{}, false
	}
	ms := int64(n>>22) + snowflakeEpoch
	return time.UnixMilli(ms).UTC(), true
}

// SnowflakeTime exposes the recovery of an X post's time from its ID:
// ms = (id >> 22) + 1288834974657.
func SnowflakeTime(id string) (time.Time, bool) { return snowflakeTime(id) }

// postKind maps an export's post type.
func postKind(s string) string {
	switch s {
	case "IG reel":
		return KindReel
	case "IG image":
		return KindImage
	case "IG carousel":
		return KindCarousel
	}
	n := norm(s)
	switch n {
	case "":
		return ""
	case "igreel", "reel", "reels", "igリール動画", "igリール", "リール", "facebookreel", "fbreel":
		return KindReel
	case "igimage", "image", "photo", "photos", "ig画像", "画像", "写真":
		return KindImage
	case "igcarousel", "carousel", "igカルーセル", "カルーセル", "album":
		return KindCarousel
	case "igstory", "story", "stories", "igストーリーズ", "ストーリーズ":
		return KindStory
	case "video", "videos", "igvideo", "動画":
		return KindVideo
	case "text", "status", "テキスト":
		return KindText
	case "link", "links", "リンク":
		return KindLink
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// xIDFromURL returns the ID of an x.com/twitter.com status URL.
func xIDFromURL(u string) string {
	i := strings.Index(u, "/status/")
	if i < 0 {
		return ""
	}
	id := u[i+len("/status/"):]
	if j := strings.IndexAny(id, "/?#"); j >= 0 {
		id = id[:j]
	}
	for k := 0; k < len(id); k++ {
		if id[k] < '0' || id[k] > '9' {
			return ""
		}
	}
	return id
}
