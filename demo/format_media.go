package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// A demo post from a 型 whose format needs images (画像, カルーセル) or a
// video has them before it is submitted, as a person's post would: the
// workflow refuses an unfinished draft. The images are drawn here, the
// same bytes every time.

// topUpFormatMedia attaches drawn images to p until it has as many as its
// 型's format needs. A format that needs a video gets none: the demo has
// no video, and no demo 型 asks for one.
// before(i) runs before the i-th image is stored (the demo moves its
// clock, so that no two edits share a moment).
func topUpFormatMedia(ctx context.Context, db *store.DB, p *soroe.Post, t *soroe.Template, by int64, before func(i int)) error {
	if t == nil {
		return nil
	}
	need := workflow.FormatMedia[t.Format].Images
	have, err := db.PostMedia(ctx, p.OrgID, p.ID)
	if err != nil {
		return err
	}
	n := 0
	for _, m := range have {
		if strings.HasPrefix(m.ContentType, "image/") {
			n++
		}
	}
	for i := n; i < need; i++ {
		before(i - n)
		data, err := formatImage(p.ID, i)
		if err != nil {
			return err
		}
		m := &soroe.Media{PostID: p.ID, OrgID: p.OrgID, Filename: fmt.Sprintf("genba-%d-%d.jpg", p.ID, i+1),
			ContentType: "image/jpeg", Alt: "施工中の現場の写真", CreatedBy: by}
		if _, err := db.AddMedia(ctx, m, data, nil); err != nil {
			return err
		}
	}
	return nil
}

// formatImage draws the i-th picture of a post: a sky over a timber frame
// on its lot, the light changing with the post and the picture.
func formatImage(postID int64, i int) ([]byte, error) {
	const w, h = 960, 960
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	warm := uint8(20 * ((int(postID) + i) % 5))
	sky := color.RGBA{150 + warm/2, 190, 225 - warm, 255}
	wood := color.RGBA{196, 160 - warm/2, 116, 255}
	ground := color.RGBA{120, 140, 90, 255}
	for y := range h {
		for x := range w {
			c := sky
			switch {
			case y > h*3/4:
				c = ground
			case y > h/3 && (x-w/6)%(w/6) < 14 && x > w/8 && x < w*7/8:
				c = wood // posts
			case y > h/3 && y < h/3+14 && x > w/8 && x < w*7/8:
				c = wood // beam
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
