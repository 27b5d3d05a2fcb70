package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"sync"
)

// The demo's photos: JPEGs drawn here (a house under the sky, on a lot),
// so that posts to Instagram, which needs an image, have one, and the same
// demo always has the same bytes. A photo is drawn once per process.

// demoPhoto is one of the demo's pictures.
type demoPhoto struct {
	Filename, Alt string
	// sky, wall and roof colours; grain adds a fine wood texture (and
	// bytes: the large photo of the failed post).
	sky, wall, roof color.RGBA
	w, h            int
	grain           bool
}

var photos = map[string]demoPhoto{
	"house":   {"heiya-gaikan.jpg", "完成した平屋の外観。木の外壁と黒い屋根", color.RGBA{150, 190, 225, 255}, color.RGBA{196, 160, 116, 255}, color.RGBA{50, 50, 56, 255}, 1080, 1080, false},
	"site":    {"genba-asa.jpg", "朝の現場。組み上がった柱と梁", color.RGBA{235, 200, 160, 255}, color.RGBA{214, 186, 140, 255}, color.RGBA{120, 90, 60, 255}, 1080, 1080, false},
	"kitchen": {"taimen-kitchen.jpg", "対面式にしたキッチンとダイニング", color.RGBA{240, 236, 228, 255}, color.RGBA{225, 210, 185, 255}, color.RGBA{90, 70, 50, 255}, 1080, 1350, false},
	"nisetai": {"nisetai-mizumawari.jpg", "二世帯住宅の外観。玄関はひとつ", color.RGBA{170, 200, 230, 255}, color.RGBA{230, 225, 215, 255}, color.RGBA{70, 80, 90, 255}, 1600, 1200, true},
}

// photoBytes draws each photo once per process, on first use (SeedPosts
// starts them all at once: drawing is most of what seeding the posts
// costs).
var photoBytes = func() map[string]func() []byte {
	m := map[string]func() []byte{}
	for name, p := range photos {
		m[name] = sync.OnceValue(func() []byte { return p.draw() })
	}
	return m
}()

// photo returns the JPEG of the named picture.
func photo(name string) []byte { return photoBytes[name]() }

// warmPhotos draws every photo in the background.
func warmPhotos() {
	for _, f := range photoBytes {
		go f()
	}
}

func (p demoPhoto) draw() []byte {
	img := image.NewRGBA(image.Rect(0, 0, p.w, p.h))
	ground := p.h * 3 / 4
	left, right := p.w/5, p.w*4/5
	top := p.h * 2 / 5
	ridge := p.h / 5
	board := p.w / 10
	var state uint32 = 2463534242 // xorshift: the same grain every time
	for y := range p.h {
		row := img.Pix[y*img.Stride:]
		half := (y-ridge)*(right-left)/2/(top-ridge) + p.w/40
		for x := range p.w {
			c := p.sky
			switch {
			case y >= ground:
				c = color.RGBA{110, 140, 80, 255} // the lot
			case x >= left && x < right && y >= top:
				c = p.wall
				if (x-left)%board < 6 {
					c = shade(c, -30) // boards
				}
			case y >= ridge && y < top && abs(x-p.w/2) <= half:
				c = p.roof
			default:
				c = shade(c, -(y*40)/p.h) // the sky darker at the top
			}
			if p.grain {
				state ^= state << 13
				state ^= state >> 17
				state ^= state << 5
				c = shade(c, int(state%61)-30)
			}
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = c.R, c.G, c.B, 255
		}
	}
	var b bytes.Buffer
	q := 85
	if p.grain {
		q = 95
	}
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err) // only a failing writer makes Encode fail; a buffer does not
	}
	return b.Bytes()
}

func shade(c color.RGBA, d int) color.RGBA {
	f := func(v uint8) uint8 { return uint8(min(255, max(0, int(v)+d))) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), 255}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
