package report

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/soroe/soroe/chart"
)

var (
	faceOnce sync.Once
	faceFont *opentype.Font
	faceErr  error
)

func face(size float64) (font.Face, error) {
	faceOnce.Do(func() { faceFont, faceErr = opentype.Parse(ipaGothic) })
	if faceErr != nil {
		return nil, faceErr
	}
	return opentype.NewFace(faceFont, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

func hexColor(h string) color.RGBA {
	r, g, b := rgb(h)
	return color.RGBA{uint8(r), uint8(g), uint8(b), 255}
}

// canvas draws antialiased shapes and text on an image. Shapes gather in
// one path until paint fills them in a colour: rasterizing costs the
// image's area, so one pass per colour, not per shape.
type canvas struct {
	img *image.RGBA
	f   font.Face
	r   *vector.Rasterizer
}

func (c *canvas) paint(col color.RGBA) {
	c.r.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{})
	c.r.Reset(c.img.Bounds().Dx(), c.img.Bounds().Dy())
}

func (c *canvas) line(x0, y0, x1, y1, w float64, dash []float64) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	ux, uy := dx/l, dy/l
	seg := func(a, b float64) {
		ax, ay, bx, by := x0+ux*a, y0+uy*a, x0+ux*b, y0+uy*b
		nx, ny := -uy*w/2, ux*w/2
		r := c.r
		r.MoveTo(float32(ax+nx), float32(ay+ny))
		r.LineTo(float32(bx+nx), float32(by+ny))
		r.LineTo(float32(bx-nx), float32(by-ny))
		r.LineTo(float32(ax-nx), float32(ay-ny))
		r.ClosePath()
	}
	if len(dash) == 0 {
		seg(0, l)
		return
	}
	for a, i := 0.0, 0; a < l; i++ {
		d := dash[i%len(dash)]
		if i%2 == 0 {
			seg(a, math.Min(a+d, l))
		}
		a += d
	}
}

func (c *canvas) rect(x, y, w, h float64) {
	if w <= 0 || h <= 0 {
		return
	}
	r := c.r
	r.MoveTo(float32(x), float32(y))
	r.LineTo(float32(x+w), float32(y))
	r.LineTo(float32(x+w), float32(y+h))
	r.LineTo(float32(x), float32(y+h))
	r.ClosePath()
}

func (c *canvas) dot(x, y, rad float64) {
	r := c.r
	for i := 0; i <= 16; i++ {
		a := 2 * math.Pi * float64(i) / 16
		px, py := float32(x+rad*math.Cos(a)), float32(y+rad*math.Sin(a))
		if i == 0 {
			r.MoveTo(px, py)
		} else {
			r.LineTo(px, py)
		}
	}
	r.ClosePath()
}

func (c *canvas) width(s string) float64 { return float64(font.MeasureString(c.f, s)) / 64 }

// text writes s with its left end (align 0), middle (1) or right end (2)
// at x, baseline y.
func (c *canvas) text(s string, x, y float64, align int, col color.RGBA) {
	switch align {
	case 1:
		x -= c.width(s) / 2
	case 2:
		x -= c.width(s)
	}
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: c.f, Dot: fixed.P(int(math.Round(x)), int(math.Round(y)))}
	d.DrawString(s)
}

// PNG draws the chart as a picture of w × h pixels, with the layout, the
// colours and the dashes of its SVG: the picture the deck shows.
func (c *Chart) PNG(w, h int) ([]byte, error) {
	f, err := face(float64(h) / 24)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	cv := &canvas{img: img, f: f, r: vector.NewRasterizer(w, h)}
	format := chart.Thousands
	if c.Percent {
		format = percent
	}
	ink, grey, grid := hexColor("#333333"), hexColor("#555555"), hexColor("#dddddd")
	fs := float64(h) / 24
	if c.Kind == "bars" {
		n := max(len(c.Bars), 1)
		row := math.Min(float64(h-10)/float64(n), fs*3)
		label, room := float64(w)*0.25, float64(w)*0.5
		top := 0.0
		for _, b := range c.Bars {
			top = math.Max(top, b.Value)
		}
		for i, b := range c.Bars {
			y := 5 + float64(i)*row
			cv.text(b.Label, label-10, y+row/2+fs/3, 2, ink)
			bw := 0.0
			if top > 0 && b.Value > 0 {
				bw = math.Max(room*b.Value/top, 2)
			}
			cv.rect(label, y+row*0.15, bw, row*0.7)
			cv.paint(hexColor(chart.Palette[i%len(chart.Palette)]))
			v := format(b.Value)
			if b.Note != "" {
				v += "  " + b.Note
			}
			cv.text(v, label+bw+8, y+row/2+fs/3, 0, ink)
		}
		return encodePNG(img)
	}
	d := chart.DomainOf(c.Series)
	if d.N == 0 {
		cv.text("–", float64(w)/2, float64(h)/2, 1, grey)
		return encodePNG(img)
	}
	padL, padR, padT, padB := fs*6, fs*2.2, fs*2.5, fs*2.5
	pw, ph := float64(w)-padL-padR, float64(h)-padT-padB
	X := func(t time.Time) float64 { return padL + pw*d.X(t) }
	Y := func(v float64) float64 { return padT + ph*(1-d.Y(v)) }
	for _, tv := range d.Ticks {
		cv.line(padL, Y(tv), float64(w)-padR, Y(tv), 1, nil)
		cv.text(format(tv), padL-6, Y(tv)+fs/3, 2, grey)
	}
	cv.paint(grid)
	for i := range 6 {
		t := d.At(float64(i) / 5)
		cv.text(t.Format("1/2"), X(t), float64(h)-padB+fs*1.3, 1, grey)
	}
	dashes := [][]float64{nil, {12, 6}, {4, 6}, {16, 6, 4, 6}}
	lx := padL
	for i, s := range c.Series {
		col, dash := hexColor(chart.Palette[i%len(chart.Palette)]), dashes[i%len(dashes)]
		if s.Target {
			col, dash = hexColor("#888888"), []float64{8, 8}
		}
		for j := 1; j < len(s.Points); j++ {
			cv.line(X(s.Points[j-1].At), Y(s.Points[j-1].Value), X(s.Points[j].At), Y(s.Points[j].Value), fs/5, dash)
		}
		cv.paint(col) // dots and lines wind opposite ways: a pass each
		if !s.Target {
			for _, p := range s.Points {
				cv.dot(X(p.At), Y(p.Value), fs/4)
			}
		}
		cv.rect(lx, fs*0.6, fs*0.8, fs*0.8)
		cv.paint(col)
		cv.text(s.Name, lx+fs*1.1, fs*1.3, 0, ink)
		lx += fs*2 + cv.width(s.Name)
	}
	return encodePNG(img)
}

func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
