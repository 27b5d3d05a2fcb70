package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/soroe/soroe/chart"
)

// ipaGothic is IPAGothic (fonts/README.md): Japanese text in the PDF.
//
//go:embed fonts/ipag.ttf
var ipaGothic []byte

const (
	pageW, margin = 210.0, 15.0
	bodyW         = pageW - 2*margin
	pdfFont       = "ipag"
	maxPDFRows    = 40
)

// rgb reads "#RRGGBB".
func rgb(hex string) (int, int, int) {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// PDF writes the report as an A4 document: a cover with the 総評, then
// every section with its text, its chart (drawn from the same data as the
// page's SVG) and its tables. The Japanese font is embedded (the subset the
// report uses).
func (r *Report) PDF() ([]byte, error) {
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle(r.Title, true)
	p.SetAuthor("Soroe", true)
	p.SetCreationDate(r.GeneratedAt)
	p.SetModificationDate(r.GeneratedAt)
	p.AddUTF8FontFromBytes(pdfFont, "", ipaGothic)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(true, margin+5)
	p.SetFooterFunc(func() {
		p.SetY(-12)
		p.SetFont(pdfFont, "", 8)
		p.SetTextColor(120, 120, 120)
		p.CellFormat(bodyW/2, 5, r.Title, "", 0, "L", false, 0, "")
		p.CellFormat(bodyW/2, 5, fmt.Sprintf("%s %d", r.Labels.Page, p.PageNo()), "", 0, "R", false, 0, "")
	})

	// Cover and 総評.
	p.AddPage()
	p.SetFont(pdfFont, "", 20)
	p.SetTextColor(20, 20, 20)
	para(p, r.Title, 10)
	p.SetFont(pdfFont, "", 11)
	p.SetTextColor(80, 80, 80)
	para(p, r.Org+" · "+r.PeriodText, 6)
	para(p, r.Labels.Generated+": "+r.GeneratedAt.In(loc).Format("2006-01-02 15:04")+" ("+r.TimeZone+")", 6)
	p.Ln(6)
	heading(p, r.Labels.Summary)
	for _, k := range [][2]string{{r.Labels.Keep, r.Summary.Keep}, {r.Labels.Problem, r.Summary.Problem}, {r.Labels.Try, r.Summary.Try}} {
		p.SetFont(pdfFont, "", 12)
		p.SetTextColor(0, 90, 150)
		para(p, k[0], 7)
		p.SetFont(pdfFont, "", 10)
		p.SetTextColor(30, 30, 30)
		text := k[1]
		if strings.TrimSpace(text) == "" {
			text = "—"
		}
		para(p, text, 5.5)
		p.Ln(2)
	}

	for _, s := range r.Sections {
		p.AddPage()
		heading(p, s.Title)
		if s.Lead != "" {
			p.SetFont(pdfFont, "", 9)
			p.SetTextColor(90, 90, 90)
			para(p, s.Lead, 5)
			p.Ln(1)
		}
		p.SetTextColor(30, 30, 30)
		p.SetFont(pdfFont, "", 10)
		for _, it := range s.Items {
			para(p, "・"+it, 5.5)
		}
		if s.Chart != nil {
			p.Ln(3)
			if p.GetY()+78 > 297-margin-5 {
				p.AddPage()
			}
			drawChart(p, s.Chart, margin, p.GetY(), bodyW, 72)
			p.SetY(p.GetY() + 76)
		}
		for _, t := range s.Tables {
			p.Ln(3)
			table(p, t)
		}
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func heading(p *fpdf.Fpdf, text string) {
	p.SetFillColor(0, 114, 178)
	p.Rect(margin, p.GetY()+1, 1.6, 7, "F")
	p.SetX(margin + 4)
	p.SetFont(pdfFont, "", 15)
	p.SetTextColor(20, 20, 20)
	para(p, text, 9)
	p.Ln(1)
}

// wrap breaks a text into lines of width w: at spaces where it can, else
// between any two characters (Japanese has no spaces). fpdf's own
// MultiCell loses a character where it breaks a line without a space.
func wrap(p *fpdf.Fpdf, text string, w float64) []string {
	var out []string
	for _, block := range strings.Split(text, "\n") {
		line := []rune{}
		lastSpace := -1
		for _, r := range block {
			line = append(line, r)
			if r == ' ' {
				lastSpace = len(line) - 1
			}
			if p.GetStringWidth(string(line)) <= w {
				continue
			}
			cut := len(line) - 1
			if lastSpace > 0 && r < 0x2E80 {
				cut = lastSpace + 1
			}
			out = append(out, strings.TrimRight(string(line[:cut]), " "))
			line = append([]rune{}, line[cut:]...)
			lastSpace = -1
		}
		out = append(out, string(line))
	}
	return out
}

// para writes a text in lines of height h across the body.
func para(p *fpdf.Fpdf, text string, h float64) {
	x := p.GetX()
	for _, l := range wrap(p, text, bodyW-(x-margin)) {
		p.SetX(x)
		p.CellFormat(bodyW-(x-margin), h, l, "", 1, "L", false, 0, "")
	}
}

// fit cuts a text to one line of width w.
func fit(p *fpdf.Fpdf, s string, w float64) string {
	s = strings.Join(strings.Fields(s), " ")
	if p.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && p.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// table draws a table, one line per row, long texts cut; columns share
// the width by how much they hold.
func table(p *fpdf.Fpdf, t Table) {
	if len(t.Head) == 0 {
		return
	}
	p.SetFont(pdfFont, "", 10)
	p.SetTextColor(60, 60, 60)
	para(p, t.Name, 6)
	size := 8.0
	if len(t.Head) > 7 {
		size = 7
	}
	p.SetFont(pdfFont, "", size)
	want := make([]float64, len(t.Head))
	for i, h := range t.Head {
		want[i] = math.Min(p.GetStringWidth(h)+3, 40)
	}
	for _, row := range t.Rows {
		for i, c := range row {
			if i < len(want) {
				want[i] = math.Max(want[i], math.Min(p.GetStringWidth(c.Display())+3, 80))
			}
		}
	}
	total := 0.0
	for _, w := range want {
		total += w
	}
	widths := make([]float64, len(want))
	for i, w := range want {
		widths[i] = w / total * bodyW
	}
	header := func() {
		p.SetFillColor(230, 240, 245)
		p.SetTextColor(30, 30, 30)
		for i, h := range t.Head {
			p.CellFormat(widths[i], 6, fit(p, h, widths[i]-1), "1", 0, "C", true, 0, "")
		}
		p.Ln(-1)
	}
	header()
	for n, row := range t.Rows {
		if n == maxPDFRows {
			p.SetTextColor(120, 120, 120)
			p.CellFormat(bodyW, 5.5, fmt.Sprintf("… (+%d)", len(t.Rows)-maxPDFRows), "", 1, "L", false, 0, "")
			break
		}
		if p.GetY()+6 > 297-margin-5 {
			p.AddPage()
			header()
		}
		p.SetTextColor(30, 30, 30)
		for i := range t.Head {
			var c Cell
			if i < len(row) {
				c = row[i]
			}
			align := "L"
			if c.N != nil {
				align = "R"
			}
			p.CellFormat(widths[i], 5.5, fit(p, c.Display(), widths[i]-1), "1", 0, align, false, 0, "")
		}
		p.Ln(-1)
	}
}

// drawChart draws a chart in the box at x, y of w × h millimetres, as the
// SVG does: the same scale, ticks, colours and dashes.
func drawChart(p *fpdf.Fpdf, c *Chart, x, y, w, h float64) {
	format := chart.Thousands
	if c.Percent {
		format = percent
	}
	p.SetFont(pdfFont, "", 9)
	p.SetTextColor(40, 40, 40)
	p.Text(x, y+3, fit(p, c.Title, w))
	top := y + 6
	if c.Kind == "bars" {
		drawBars(p, c, x, top, w, h-6, format)
		return
	}
	d := chart.DomainOf(c.Series)
	if d.N == 0 {
		return
	}
	left, legend, bottom := 16.0, 6.0, 6.0
	pw, ph := w-left, h-6-legend-bottom
	py := top + legend
	X := func(t time.Time) float64 { return x + left + pw*d.X(t) }
	Y := func(v float64) float64 { return py + ph*(1-d.Y(v)) }
	p.SetFont(pdfFont, "", 7)
	p.SetLineWidth(0.1)
	for _, tv := range d.Ticks {
		p.SetDrawColor(220, 220, 220)
		p.Line(x+left, Y(tv), x+w, Y(tv))
		p.SetTextColor(90, 90, 90)
		label := format(tv)
		p.Text(x+left-1-p.GetStringWidth(label), Y(tv)+1, label)
	}
	for i := range 5 {
		t := d.At(float64(i) / 4)
		label := t.Format("1/2")
		p.Text(X(t)-p.GetStringWidth(label)/2, py+ph+4, label)
	}
	lx := x + left
	for i, s := range c.Series {
		color := chart.Palette[i%len(chart.Palette)]
		if s.Target {
			color = "#888888"
		}
		r, g, b := rgb(color)
		p.SetDrawColor(r, g, b)
		p.SetFillColor(r, g, b)
		p.SetLineWidth(0.5)
		if s.Target || i%2 == 1 {
			p.SetDashPattern([]float64{1.5, 1}, 0)
		}
		for j := 1; j < len(s.Points); j++ {
			p.Line(X(s.Points[j-1].At), Y(s.Points[j-1].Value), X(s.Points[j].At), Y(s.Points[j].Value))
		}
		p.SetDashPattern(nil, 0)
		if !s.Target {
			for _, pt := range s.Points {
				p.Circle(X(pt.At), Y(pt.Value), 0.6, "F")
			}
		}
		p.Rect(lx, top+1, 2.5, 2.5, "F")
		p.SetTextColor(40, 40, 40)
		p.Text(lx+3.5, top+3.3, s.Name)
		lx += 7 + p.GetStringWidth(s.Name)
	}
	p.SetLineWidth(0.2)
	p.SetDrawColor(0, 0, 0)
}

func drawBars(p *fpdf.Fpdf, c *Chart, x, y, w, h float64, format func(float64) string) {
	if len(c.Bars) == 0 {
		return
	}
	row := math.Min(h/float64(len(c.Bars)), 9)
	label, room := 40.0, w-40-30
	top := 0.0
	for _, b := range c.Bars {
		top = math.Max(top, b.Value)
	}
	p.SetFont(pdfFont, "", 8)
	for i, b := range c.Bars {
		yy := y + float64(i)*row
		p.SetTextColor(40, 40, 40)
		l := fit(p, b.Label, label-2)
		p.Text(x+label-2-p.GetStringWidth(l), yy+row/2+1, l)
		bw := 0.0
		if top > 0 && b.Value > 0 {
			bw = math.Max(room*b.Value/top, 0.5)
		}
		r, g, bl := rgb(chart.Palette[i%len(chart.Palette)])
		p.SetFillColor(r, g, bl)
		p.Rect(x+label, yy+1, bw, row-2, "F")
		v := format(b.Value)
		if b.Note != "" {
			v += "  " + b.Note
		}
		p.Text(x+label+bw+1.5, yy+row/2+1, v)
	}
}
