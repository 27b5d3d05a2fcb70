package x_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/network/x"
)

func attachment(name, ct string, b []byte, alt string) network.Media {
	return network.Media{Filename: name, ContentType: ct, Size: int64(len(b)), Alt: alt,
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func mediaSetup(t *testing.T) (*nettest.XFake, *x.Client, *network.Account) {
	f, _, a := setup(t)
	c := x.New(x.Options{BaseURL: f.URL, HTTPClient: f.Client(), ClientID: "client-abc",
		MediaPollInterval: time.Millisecond, MediaMaxWait: 300 * time.Millisecond})
	return f, c, a
}

func TestPublishImagesWithAlt(t *testing.T) {
	f, c, a := mediaSetup(t)
	p := network.Post{Text: "写真", IdempotencyKey: "k", Media: []network.Media{
		attachment("a.jpg", "image/jpeg", []byte("jpeg-a"), "店の外観"), attachment("b.png", "image/png", []byte("png-b"), "")}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	posts := f.Snapshot()
	var mediaCalls map[string]int
	var alts []string
	f.Set(func(f *nettest.XFake) {
		mediaCalls = f.MediaCalls
		for _, id := range posts[0].MediaIDs {
			m := f.XMediaByID[id]
			alts = append(alts, m.AltText+"|"+string(m.Data)+"|"+m.Category)
		}
	})
	if len(posts) != 1 || len(posts[0].MediaIDs) != 2 {
		t.Fatalf("posts %+v", posts)
	}
	if alts[0] != "店の外観|jpeg-a|tweet_image" || alts[1] != "|png-b|tweet_image" {
		t.Fatalf("uploads %q", alts)
	}
	if mediaCalls["/2/media/upload"] != 2 || mediaCalls["/2/media/metadata"] != 1 {
		t.Fatalf("media calls %v", mediaCalls)
	}
}

func TestPublishVideoChunked(t *testing.T) {
	f, c, a := mediaSetup(t)
	f.Set(func(f *nettest.XFake) { f.ProcessingPolls = 2 })
	video := bytes.Repeat([]byte("v"), x.ChunkBytes*2+10)
	p := network.Post{Text: "", IdempotencyKey: "k", Media: []network.Media{attachment("v.mp4", "video/mp4", video, "")}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	posts := f.Snapshot()
	f.Set(func(f *nettest.XFake) {
		if len(posts) != 1 || len(posts[0].MediaIDs) != 1 {
			t.Fatalf("posts %+v", posts)
		}
		m := f.XMediaByID[posts[0].MediaIDs[0]]
		if m.Segments != 3 || !bytes.Equal(m.Data, video) || m.Category != "tweet_video" || m.MediaType != "video/mp4" {
			t.Fatalf("video upload: %d segments, %d bytes, %s %s", m.Segments, len(m.Data), m.Category, m.MediaType)
		}
		if f.MediaCalls["/2/media/upload?command=STATUS"] != 3 || f.MediaCalls["/2/media/upload/{id}/finalize"] != 1 {
			t.Fatalf("calls %v", f.MediaCalls)
		}
	})
}

func TestMediaFailuresNeverPost(t *testing.T) {
	img := attachment("a.jpg", "image/jpeg", []byte("jpeg"), "")
	vid := attachment("v.mp4", "video/mp4", []byte("mp4"), "")
	for _, tc := range []struct {
		name  string
		set   func(f *nettest.XFake)
		media []network.Media
		want  error
	}{
		{"upload 5xx", func(f *nettest.XFake) {
			f.MediaFail = []nettest.XFailure{{Status: 503, Body: `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`}}
		}, []network.Media{img}, network.ErrTemporary},
		{"upload 429", func(f *nettest.XFake) {
			f.MediaFail = []nettest.XFailure{{Status: 429, Body: `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`,
				Header: map[string]string{"x-rate-limit-remaining": "0", "x-rate-limit-reset": "4102444800"}}}
		}, []network.Media{img}, network.ErrRateLimited},
		{"upload 400", func(f *nettest.XFake) {
			f.MediaFail = []nettest.XFailure{{Status: 400, Body: `{"title":"Invalid Request","detail":"media type unrecognized","type":"about:blank","status":400}`}}
		}, []network.Media{img}, network.ErrRejected},
		{"video processing failed", func(f *nettest.XFake) { f.ProcessingPolls, f.ProcessingFails = 1, true }, []network.Media{vid}, network.ErrRejected},
		{"video processing too slow", func(f *nettest.XFake) { f.ProcessingPolls = 1 << 20 }, []network.Media{vid}, network.ErrTemporary},
		{"image and video", nil, []network.Media{img, vid}, network.ErrRejected},
		{"too large", nil, []network.Media{attachment("big.png", "image/png", make([]byte, x.MaxImageBytes+1), "")}, network.ErrRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, a := mediaSetup(t)
			if tc.set != nil {
				f.Set(tc.set)
			}
			_, err := c.Publish(context.Background(), a, network.Post{Text: "写真", IdempotencyKey: "k", Media: tc.media})
			netErr(t, err, tc.want)
			if len(f.Snapshot()) != 0 || f.Creates != 0 {
				t.Fatal("posted after a media failure")
			}
		})
	}
}
