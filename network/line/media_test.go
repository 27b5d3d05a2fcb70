package line_test

import (
	"context"
	"errors"
	"testing"

	"github.com/soroe/soroe/network"
)

func TestBroadcastImages(t *testing.T) {
	f, c, a := setup(t)
	p := network.Post{Text: "新商品", IdempotencyKey: "k-img", Media: []network.Media{
		{ContentType: "image/jpeg", Size: 1000, URL: "https://soroe.example/1.jpg"},
		{ContentType: "image/png", Size: 1000, URL: "https://soroe.example/2.png"}}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	bs, _ := f.Snapshot()
	imgs, texts := bs[0].Images, bs[0].Texts
	if len(texts) != 1 || len(imgs) != 2 || imgs[1] != "https://soroe.example/2.png" {
		t.Fatalf("broadcast texts %v images %v", texts, imgs)
	}
}

func TestBroadcastMediaRefused(t *testing.T) {
	img := network.Media{ContentType: "image/jpeg", Size: 1000, URL: "https://soroe.example/1.jpg"}
	for name, media := range map[string][]network.Media{
		"video":     {{ContentType: "video/mp4", URL: "https://soroe.example/v.mp4"}},
		"five":      {img, img, img, img, img},
		"too large": {{ContentType: "image/jpeg", Size: 2 << 20, URL: "https://soroe.example/1.jpg"}},
		"http":      {{ContentType: "image/jpeg", URL: "http://soroe.example/1.jpg"}},
	} {
		_, c, a := setup(t)
		_, err := c.Publish(context.Background(), a, network.Post{Text: "x", IdempotencyKey: "k", Media: media})
		var e *network.Error
		if !errors.As(err, &e) || !errors.Is(err, network.ErrRejected) {
			t.Errorf("%s: %v, want rejected", name, err)
		}
	}
}
