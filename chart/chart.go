// Package chart draws Soroe's charts as self-contained SVG (no script, no
// CDN, no client library), the same markup for the web pages, the PDF and
// the PPTX reports. Each chart carries a title and a description for
// screen readers; pages show the numbers beside it as a table.
package chart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"
)

// Point is one value at one time.
type Point struct {
	At    time.Time `json:"at"`
	Value float64   `json:"value"`
}

// Series is one line of a chart.
type Series struct {
	Name   string  `json:"name"`
	Points []Point `json:"points"` // sorted by time
	// Target draws the series dashed and without markers (a target line).
	Target bool `json:"target,omitempty"`
}

// Line is a time-series chart.
type Line struct {
	Title  string
	Desc   string // what the chart shows, for screen readers
	Series []Series
	Width  int // default 640
	Height int // default 240
	// Format writes the axis values; default whole numbers with
	// thousands separators.
	Format func(float64) string
	// DayFormat writes the time axis labels; default "1/2".
	DayFormat func(time.Time) string
}

// Palette is the series colours: distinguishable for the common colour
// vision deficiencies (Okabe–Ito), with dashes as a second cue.
var Palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

var dashes = []string{"", "6 3", "2 3", "8 3 2 3"}

const (
	padLeft   = 56
	padRight  = 12
	padTop    = 28
	padBottom = 44
)

// SVG renders the chart.
func (c Line) SVG() string {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 240
	}
	format := c.Format
	if format == nil {
		format = Thousands
	}
	dayFormat := c.DayFormat
	if dayFormat == nil {
		dayFormat = func(t time.Time) string { return t.Format("1/2") }
	}
	d := DomainOf(c.Series)
	n := d.N
	id := "c" + strconv.FormatUint(uint64(hash(c.Title+c.Desc)), 36)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" class="chart" font-family="sans-serif" font-size="11">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
	if n == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#666">–</text></svg>`, w/2, h/2)
		return b.String()
	}
	pw, ph := float64(w-padLeft-padRight), float64(h-padTop-padBottom)
	x := func(t time.Time) float64 { return padLeft + pw*d.X(t) }
	y := func(v float64) float64 { return padTop + ph*(1-d.Y(v)) }
	// Grid and value axis.
	for _, tv := range d.Ticks {
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`, padLeft, w-padRight, y(tv), y(tv))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" fill="#555">%s</text>`, padLeft-6, y(tv)+4, esc(format(tv)))
	}
	// Time axis: at most 6 labels.
	labels := min(6, max(2, n))
	for i := range labels {
		t := d.At(float64(i) / float64(labels-1))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>`, x(t), h-padBottom+16, esc(dayFormat(t)))
	}
	// Series.
	for i, s := range c.Series {
		if len(s.Points) == 0 {
			continue
		}
		color, dash := Palette[i%len(Palette)], dashes[i%len(dashes)]
		if s.Target {
			color, dash = "#888", "4 4"
		}
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.At), y(p.Value)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"`, color, strings.Join(pts, " "))
		if dash != "" {
			fmt.Fprintf(&b, ` stroke-dasharray="%s"`, dash)
		}
		b.WriteString(`/>`)
		if !s.Target {
			for _, p := range s.Points {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s %s: %s</title></circle>`,
					x(p.At), y(p.Value), color, esc(s.Name), esc(dayFormat(p.At)), esc(format(p.Value)))
			}
		}
	}
	// Legend.
	lx := float64(padLeft)
	for i, s := range c.Series {
		color := Palette[i%len(Palette)]
		if s.Target {
			color = "#888"
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="8" width="10" height="10" fill="%s"/><text x="%.1f" y="17">%s</text>`, lx, color, lx+14, esc(s.Name))
		lx += 14 + float64(7*textWidth(s.Name)) + 16
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Domain is what a line chart is scaled to, the same in every rendering
// (SVG, PDF, PNG): the time span of the points and the value axis from 0
// (or below) to round ticks above the highest value.
type Domain struct {
	T0    time.Time
	Span  time.Duration
	Lo    float64
	Hi    float64
	Ticks []float64
	N     int // how many points there are; 0: nothing to draw
}

// DomainOf scales the series' points.
func DomainOf(series []Series) Domain {
	var d Domain
	var t1 time.Time
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, p := range s.Points {
			if d.T0.IsZero() || p.At.Before(d.T0) {
				d.T0 = p.At
			}
			if p.At.After(t1) {
				t1 = p.At
			}
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
			d.N++
		}
	}
	if d.N == 0 {
		return d
	}
	d.Ticks = NiceTicks(math.Min(lo, 0), hi, 4)
	d.Lo, d.Hi = d.Ticks[0], d.Ticks[len(d.Ticks)-1]
	if d.Hi == d.Lo {
		d.Hi = d.Lo + 1
	}
	d.Span = t1.Sub(d.T0)
	if d.Span <= 0 {
		d.Span = time.Hour
		d.T0 = d.T0.Add(-d.Span / 2)
	}
	return d
}

// X is where t falls along the time axis, 0 to 1.
func (d Domain) X(t time.Time) float64 { return float64(t.Sub(d.T0)) / float64(d.Span) }

// Y is where v falls up the value axis, 0 (bottom) to 1.
func (d Domain) Y(v float64) float64 { return (v - d.Lo) / (d.Hi - d.Lo) }

// At is the time a fraction f along the time axis.
func (d Domain) At(f float64) time.Time { return d.T0.Add(time.Duration(float64(d.Span) * f)) }

// textWidth counts a label's width in half-width units (CJK counts two).
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		if r > 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// NiceTicks returns about n+1 round tick values covering lo..hi (steps of
// 1, 2 or 5 × 10^k).
func NiceTicks(lo, hi float64, n int) []float64 {
	if n < 1 {
		n = 1
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		if hi == 0 {
			return []float64{0, 1}
		}
		lo, hi = math.Min(0, lo), math.Max(0, hi)
		if hi == lo {
			hi = lo + 1
		}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	start := math.Floor(lo/step) * step
	var out []float64
	for i := 0; i < 50; i++ {
		v := math.Round((start+float64(i)*step)/step) * step
		out = append(out, v)
		if v >= hi-step*1e-9 && len(out) >= 2 {
			break
		}
	}
	return out
}

// Thousands writes a whole number with thousands separators (1,204), and
// fractions below 10 with one decimal.
func Thousands(f float64) string {
	if math.Abs(f) < 10 && f != math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	neg := f < 0
	s := strconv.FormatInt(int64(math.Round(math.Abs(f))), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

func hash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// Bar is one bar of a bar chart.
type Bar struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Note  string  `json:"note,omitempty"` // written after the value, e.g. a rate
}

// Bars is a horizontal bar chart (a funnel, a ranking), each bar
// labelled with its value.
type Bars struct {
	Title string
	Desc  string
	Bars  []Bar
	Width int // default 640
	// LabelWidth and ValueWidth are the room for the labels before the
	// bars and the values after them (default 150 each).
	LabelWidth, ValueWidth int
	// LabelsAbove writes each label above its bar, for narrow places
	// (LabelWidth is then unused).
	LabelsAbove bool
	Format      func(float64) string
}

// SVG renders the chart.
func (c Bars) SVG() string {
	w := c.Width
	if w <= 0 {
		w = 640
	}
	format := c.Format
	if format == nil {
		format = Thousands
	}
	row, label, valueRoom := 30, c.LabelWidth, c.ValueWidth
	if label <= 0 {
		label = 150
	}
	if c.LabelsAbove {
		row, label = 44, 0
	}
	if valueRoom <= 0 {
		valueRoom = 150
	}
	h := row*len(c.Bars) + 8
	id := "b" + strconv.FormatUint(uint64(hash(c.Title+c.Desc)), 36)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" class="chart bars" font-family="sans-serif" font-size="12">`, w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
	top := 0.0
	for _, br := range c.Bars {
		top = math.Max(top, br.Value)
	}
	room := float64(w - label - valueRoom)
	for i, br := range c.Bars {
		y := 4 + i*row
		bw := 0.0
		if top > 0 && br.Value > 0 {
			bw = math.Max(room*br.Value/top, 2)
		}
		by, bh := y+4, row-8
		if c.LabelsAbove {
			fmt.Fprintf(&b, `<text x="0" y="%d" fill="#333">%s</text>`, y+12, esc(br.Label))
			by, bh = y+18, 20
		} else {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#333">%s</text>`, label-8, y+row/2+4, esc(br.Label))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" rx="3" fill="%s"/>`, label, by, bw, bh, Palette[i%len(Palette)])
		v := format(br.Value)
		if br.Note != "" {
			v += "  " + br.Note
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" fill="#333">%s</text>`, float64(label)+bw+6, by+bh/2+4, esc(v))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
