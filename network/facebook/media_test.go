package facebook_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
)

func TestPublishPhotos(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := network.Post{Text: "新商品です", Link: "https://example.com/p/1", Media: []network.Media{
		{ContentType: "image/jpeg", URL: "https://soroe.example/1.jpg", Alt: "外観"},
		{ContentType: "image/png", URL: "https://soroe.example/2.png"}}}
	pub, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || ps[0].ID != pub.RemoteID || ps[0].Message != "新商品です" || len(ps[0].Photos) != 2 ||
		ps[0].Photos[1] != "https://soroe.example/2.png" || ps[0].Link != "" {
		t.Fatalf("posts %+v", ps)
	}
	if feed, uploads := f.Calls(); uploads != 2 || feed != 1 {
		t.Fatalf("uploads %d, feed posts %d", uploads, feed)
	}
	var fbid string
	for k, v := range f.LastPost {
		if k == "attached_media[0]" {
			fbid = v
		}
	}
	if fbid == "" {
		t.Fatalf("feed params %v", f.LastPost)
	}
}

func TestPhotoAltAndUnpublished(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := network.Post{Media: []network.Media{{ContentType: "image/jpeg", URL: "https://soroe.example/1.jpg", Alt: "外観"}}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	ph, ok := f.Photo("122150000000000001")
	if !ok || ph.Published || !ph.Attached || ph.AltText != "外観" {
		t.Fatalf("photo %+v", ph)
	}
}

func TestPublishVideo(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := network.Post{Text: "動画", Media: []network.Media{{ContentType: "video/mp4", URL: "https://soroe.example/v.mp4"}}}
	pub, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || ps[0].Video != "https://soroe.example/v.mp4" || ps[0].Message != "動画" || pub.RemoteID != ps[0].ID {
		t.Fatalf("posts %+v, published %+v", ps, pub)
	}
}

func TestVideoAnswerLostIsUnknown(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.FailUpload(nettest.MetaFailure{Status: 500, Code: 1, Message: "An unknown error occurred"})
	_, err := c.Publish(context.Background(), a, network.Post{Media: []network.Media{{ContentType: "video/mp4", URL: "https://soroe.example/v.mp4"}}})
	kind(t, err, network.ErrUnknownOutcome) // the video call is the post itself
}

func TestPhotoFailuresNeverPost(t *testing.T) {
	for _, tc := range []struct {
		name string
		fail nettest.MetaFailure
		want error
	}{
		{"5xx", nettest.MetaFailure{Status: 500, Code: 1, Message: "An unknown error occurred"}, network.ErrTemporary},
		{"bad url", nettest.MetaFailure{Code: 324, Message: "(#324) Requires upload file"}, network.ErrRejected},
		{"throttled", nettest.MetaFailure{Code: 32, Message: "Page request limit reached"}, network.ErrRateLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, a := setup(t, time.Second)
			f.FailUpload(tc.fail)
			_, err := c.Publish(context.Background(), a, network.Post{Text: "x", Media: []network.Media{{ContentType: "image/jpeg", URL: "https://soroe.example/1.jpg"}}})
			kind(t, err, tc.want)
			if feed, _ := f.Calls(); feed != 0 || len(f.Posts()) != 0 {
				t.Fatal("posted after a photo failure")
			}
		})
	}
	_, c, a := setup(t, time.Second)
	_, err := c.Publish(context.Background(), a, network.Post{Media: []network.Media{
		{ContentType: "image/jpeg", URL: "https://soroe.example/1.jpg"}, {ContentType: "video/mp4", URL: "https://soroe.example/v.mp4"}}})
	kind(t, err, network.ErrRejected)
}
