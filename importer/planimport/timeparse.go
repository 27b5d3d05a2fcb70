package planimport

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

var (
	dateTimeRE = regexp.MustCompile(`^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?\s*(?:\([^)]*\))?\s*(?:T\s*)?(\d{1,2})[:時](\d{2})分?(?::(\d{2})(?:\.\d+)?)?\s*([Zz]|[+-]\d{2}:?\d{2})?$`)
	dateOnlyRE = regexp.MustCompile(`^(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?\s*(?:\([^)]*\))?$`)
)

const timeHelp = "Write it as 2026-12-01 09:00 (in the organization's time zone) or with an offset, 2026-12-01T09:00:00+09:00."

// parseTime reads a scheduled_at cell. It returns a message when v is not a
// time; xlsx makes a plain number an Excel serial date.
func parseTime(v string, xlsx, date1904 bool, loc *time.Location) (time.Time, string) {
	if xlsx {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return excelSerial(f, date1904, loc)
		}
	}
	s := width.Fold.String(v)
	m := dateTimeRE.FindStringSubmatch(s)
	if m == nil {
		if dateOnlyRE.MatchString(s) {
			return time.Time{}, fmt.Sprintf("%q has a date but no time of day. %s", v, timeHelp)
		}
		return time.Time{}, fmt.Sprintf("%q is not a date and time. %s", v, timeHelp)
	}
	n := make([]int, 6)
	for i := range n {
		if m[i+1] != "" {
			n[i], _ = strconv.Atoi(m[i+1])
		}
	}
	zone := loc
	if off := m[7]; off != "" && off != "Z" && off != "z" {
		off = strings.ReplaceAll(off, ":", "")
		h, _ := strconv.Atoi(off[1:3])
		mi, _ := strconv.Atoi(off[3:5])
		if h > 14 || mi > 59 {
			return time.Time{}, fmt.Sprintf("%q has an impossible UTC offset. %s", v, timeHelp)
		}
		secs := h*3600 + mi*60
		if off[0] == '-' {
			secs = -secs
		}
		zone = time.FixedZone(off, secs)
	} else if off != "" {
		zone = time.UTC
	}
	return wallTime(v, n[0], n[1], n[2], n[3], n[4], n[5], zone)
}

func wallTime(v string, y, mo, d, h, mi, sec int, zone *time.Location) (time.Time, string) {
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, fmt.Sprintf("%q is not a possible date and time. %s", v, timeHelp)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, zone)
	if t.Day() != d || t.Hour() != h || t.Minute() != mi {
		return time.Time{}, fmt.Sprintf("%q does not exist (no such day, or skipped by a clock change). %s", v, timeHelp)
	}
	return t, ""
}

// excelSerial converts an Excel date cell's serial number, a wall time, into
// a time in loc.
func excelSerial(f float64, date1904 bool, loc *time.Location) (time.Time, string) {
	v := strconv.FormatFloat(f, 'f', -1, 64)
	if math.IsNaN(f) || f < 1 || f > 2958465 { // 9999-12-31
		return time.Time{}, fmt.Sprintf("%s is a number, not a date and time. %s", v, timeHelp)
	}
	w, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return time.Time{}, fmt.Sprintf("%s is a number, not a date and time. %s", v, timeHelp)
	}
	w = w.Round(time.Second)
	return wallTime(w.Format("2006-01-02 15:04:05"), w.Year(), int(w.Month()), w.Day(), w.Hour(), w.Minute(), w.Second(), loc)
}
