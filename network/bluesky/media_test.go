package bluesky_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func attachment(name, ct string, b []byte, alt string) network.Media {
	return network.Media{Filename: name, ContentType: ct, Size: int64(len(b)), Alt: alt,
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func TestPublishImagesWithFacets(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := post(jaText)
	p.Media = []network.Media{
		attachment("a.png", "image/png", pngBytes(t, 40, 30), "新商品の写真"),
		attachment("b.jpg", "image/jpeg", []byte("not really a jpeg"), ""),
	}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if n := f.Calls("com.atproto.repo.uploadBlob"); n != 2 {
		t.Fatalf("uploadBlob calls = %d", n)
	}
	rec := f.Records()[0].Value
	if fs, _ := rec["facets"].([]any); len(fs) != 3 {
		t.Fatalf("facets lost next to the embed: %v", rec["facets"])
	}
	e := rec["embed"].(map[string]any)
	imgs := e["images"].([]any)
	if e["$type"] != "app.bsky.embed.images" || len(imgs) != 2 {
		t.Fatalf("embed = %v", e)
	}
	first := imgs[0].(map[string]any)
	ar := first["aspectRatio"].(map[string]any)
	if first["alt"] != "新商品の写真" || ar["width"] != 40.0 || ar["height"] != 30.0 {
		t.Fatalf("first image = %v", first)
	}
	second := imgs[1].(map[string]any)
	if _, has := second["aspectRatio"]; has || second["alt"] != "" {
		t.Fatalf("second image = %v (alt is required, may be empty; no aspect ratio when unknown)", second)
	}
	if len(f.Blobs()) != 2 {
		t.Fatalf("blobs = %d", len(f.Blobs()))
	}
}

func TestPublishVideo(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := post("動画です")
	p.Media = []network.Media{attachment("v.mp4", "video/mp4", []byte("mp4 bytes"), "説明")}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	e := f.Records()[0].Value["embed"].(map[string]any)
	if e["$type"] != "app.bsky.embed.video" || e["alt"] != "説明" {
		t.Fatalf("embed = %v", e)
	}
}

func TestMediaFailuresComeBeforeThePost(t *testing.T) {
	img := attachment("a.png", "image/png", pngBytes(t, 2, 2), "")
	for _, tc := range []struct {
		name  string
		fail  *nettest.BlueskyFailure
		media []network.Media
		want  error
	}{
		{"too large", &nettest.BlueskyFailure{Status: 413, Error: "PayloadTooLarge", Message: "request entity too large"}, []network.Media{img}, network.ErrRejected},
		{"server error", &nettest.BlueskyFailure{Status: 502, Error: "UpstreamFailure", Message: "bad gateway"}, []network.Media{img}, network.ErrTemporary},
		{"rate limited", &nettest.BlueskyFailure{Status: 429, Error: "RateLimitExceeded", Message: "Rate Limit Exceeded"}, []network.Media{img}, network.ErrRateLimited},
		{"five images", nil, []network.Media{img, img, img, img, img}, network.ErrRejected},
		{"quicktime", nil, []network.Media{attachment("v.mov", "video/quicktime", []byte("x"), "")}, network.ErrRejected},
		{"unreadable", nil, []network.Media{{Filename: "gone.png", ContentType: "image/png", Size: 3,
			Open: func(context.Context) (io.ReadCloser, error) { return nil, errors.New("storage down") }}}, network.ErrTemporary},
		{"larger than the lexicon allows", nil, []network.Media{attachment("big.png", "image/png", make([]byte, 2_000_001), "")}, network.ErrRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, a := setup(t, time.Second)
			if tc.fail != nil {
				f.FailUpload(*tc.fail)
			}
			p := post("写真")
			p.Media = tc.media
			_, err := c.Publish(context.Background(), a, p)
			kind(t, err, tc.want)
			if f.Calls("com.atproto.repo.createRecord") != 0 || len(f.Records()) != 0 {
				t.Fatal("the post was attempted after a media failure")
			}
		})
	}
}

func TestUploadRefreshesExpiredToken(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := post("写真")
	p.Media = []network.Media{attachment("a.png", "image/png", pngBytes(t, 2, 2), "")}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	f.ExpireAccess()
	p2 := p
	p2.IdempotencyKey = "post-8-account-1"
	if _, err := c.Publish(context.Background(), a, p2); err != nil {
		t.Fatal(err)
	}
	if f.Calls("com.atproto.server.refreshSession") != 1 || len(f.Records()) != 2 {
		t.Fatalf("refresh calls %d, records %d", f.Calls("com.atproto.server.refreshSession"), len(f.Records()))
	}
}
