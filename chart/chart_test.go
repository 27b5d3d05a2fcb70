package chart

import (
	"encoding/xml"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   []float64
	}{
		{0, 100, []float64{0, 50, 100}},
		{0, 70, []float64{0, 20, 40, 60, 80}},
		{0, 7, []float64{0, 2, 4, 6, 8}},
		{0, 0, []float64{0, 1}},
		{0, 1234, []float64{0, 500, 1000, 1500}},
		{-3, 3, []float64{-4, -2, 0, 2, 4}},
		{5, 5, []float64{0, 2, 4, 6}},
	} {
		got := NiceTicks(c.lo, c.hi, 4)
		if !slices.Equal(got, c.want) {
			t.Errorf("NiceTicks(%v, %v) = %v, want %v", c.lo, c.hi, got, c.want)
		}
		if got[0] > c.lo || got[len(got)-1] < c.hi {
			t.Errorf("NiceTicks(%v, %v) = %v does not cover", c.lo, c.hi, got)
		}
	}
}

func TestThousands(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 12: "12", 1204: "1,204", 1234567: "1,234,567", -4500: "-4,500", 2.5: "2.5"} {
		if got := Thousands(in); got != want {
			t.Errorf("Thousands(%v) = %q, want %q", in, got, want)
		}
	}
}

// wellFormed parses s as XML.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
	}
}

func TestLineSVG(t *testing.T) {
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	c := Line{Title: "いいね <推移>", Desc: "X と Instagram", Series: []Series{
		{Name: "X", Points: []Point{{day, 10}, {day.Add(24 * time.Hour), 40}, {day.Add(48 * time.Hour), 35}}},
		{Name: "Instagram", Points: []Point{{day, 5}, {day.Add(48 * time.Hour), 90}}},
		{Name: "目標", Target: true, Points: []Point{{day, 0}, {day.Add(48 * time.Hour), 100}}},
	}}
	s := c.SVG()
	wellFormed(t, s)
	for _, want := range []string{`role="img"`, "いいね &lt;推移&gt;", "<polyline", `stroke-dasharray="4 4"`, "Instagram 11/3: 90"} {
		if !strings.Contains(s, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	if strings.Count(s, "<polyline") != 3 || strings.Count(s, "<circle") != 5 {
		t.Errorf("polylines %d circles %d", strings.Count(s, "<polyline"), strings.Count(s, "<circle"))
	}
	// No data: a placeholder, still well-formed.
	empty := Line{Title: "なし"}.SVG()
	wellFormed(t, empty)
	if strings.Contains(empty, "<polyline") {
		t.Error("empty chart drew a line")
	}
	// One point does not divide by zero.
	one := Line{Series: []Series{{Name: "a", Points: []Point{{day, 3}}}}}.SVG()
	wellFormed(t, one)
	if strings.Contains(one, "NaN") || strings.Contains(one, "Inf") {
		t.Errorf("one point: %s", one)
	}
}

func TestBars(t *testing.T) {
	svg := Bars{Title: "ファネル", Desc: "表示→クリック", Bars: []Bar{{Label: "表示回数", Value: 12400}, {Label: "クリック", Value: 310, Note: "2.5%"}, {Label: "資料DL", Value: 0}}}.SVG()
	for _, want := range []string{`<title id=`, "ファネル", "表示回数", "12,400", "310  2.5%", `width="0.0"`, `role="img"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %q in %s", want, svg)
		}
	}
	// The largest bar takes the whole room (640 − 150 label − 150 value).
	if !strings.Contains(svg, `width="340.0"`) {
		t.Errorf("largest bar not full width: %s", svg)
	}
	// Labels above the bars: the bars take the width but the value's room.
	above := Bars{Width: 360, LabelsAbove: true, ValueWidth: 110, Bars: []Bar{{Label: "リンクのクリック（SNSの集計）", Value: 5}}}.SVG()
	if !strings.Contains(above, `<text x="0" y="16" fill="#333">リンクのクリック（SNSの集計）</text>`) || !strings.Contains(above, `x="0" y="22" width="250.0"`) {
		t.Errorf("labels above: %s", above)
	}
	if strings.Contains(Bars{Title: "<x>"}.SVG(), "<x>") {
		t.Error("title not escaped")
	}
}
