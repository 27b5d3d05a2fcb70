package instagram_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
)

func TestMediaRequired(t *testing.T) {
	f, c, a := setup(t, time.Second)
	_, err := c.Publish(context.Background(), a, network.Post{Text: caption, Link: image})
	if e := kind(t, err, network.ErrRejected); e.Reason != "media_required" {
		t.Fatalf("reason %q", e.Reason)
	}
	if f.Count("container") != 0 {
		t.Fatal("called without media")
	}
}

func TestImageAltText(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := post(caption)
	p.Media[0].Alt = "店の外観"
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if f.LastContainer["alt_text"] != "店の外観" || f.LastContainer["image_url"] != image {
		t.Fatalf("container %v", f.LastContainer)
	}
}

func TestReel(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.VideoPolls = 3
	p := network.Post{Text: caption, Media: []network.Media{{ContentType: "video/mp4", Size: 5000, URL: "https://soroe.example/m/v.mp4"}}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || ps[0].MediaType != "REELS" || ps[0].Media[0] != "https://soroe.example/m/v.mp4" || f.Count("status") < 3 {
		t.Fatalf("posts %+v, status checks %d", ps, f.Count("status"))
	}
}

func TestCarousel(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := network.Post{Text: caption, Media: []network.Media{
		{ContentType: "image/jpeg", URL: "https://soroe.example/1.jpg", Alt: "一枚目"},
		{ContentType: "video/mp4", URL: "https://soroe.example/2.mp4"},
		{ContentType: "image/jpeg", URL: "https://soroe.example/3.jpg"}}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || ps[0].MediaType != "CAROUSEL" || ps[0].Caption != caption || len(ps[0].Media) != 3 || ps[0].Media[1] != "https://soroe.example/2.mp4" {
		t.Fatalf("posts %+v", ps)
	}
	ct, _ := f.Container(ps[0].ContainerID)
	first, _ := f.Container(ct.Children[0])
	second, _ := f.Container(ct.Children[1])
	if !first.CarouselItem || first.AltText != "一枚目" || second.MediaType != "VIDEO" {
		t.Fatalf("items %+v %+v", first, second)
	}
}

func TestCarouselItemFailures(t *testing.T) {
	two := []network.Media{{ContentType: "image/jpeg", URL: "https://soroe.example/1.jpg"}, {ContentType: "image/jpeg", URL: "https://soroe.example/2.jpg"}}
	for _, tc := range []struct {
		name  string
		fail  *nettest.MetaFailure
		media []network.Media
		want  error
	}{
		{"unfetchable", &nettest.MetaFailure{Code: 9004, Subcode: 2207052, Message: "Only photo or video can be accepted as media type."}, two, network.ErrRejected},
		{"5xx", &nettest.MetaFailure{Status: 500, Code: 2, Message: "Service temporarily unavailable", Transient: true}, two, network.ErrTemporary},
		{"eleven", nil, make([]network.Media, 11), network.ErrRejected},
		{"png", nil, []network.Media{{ContentType: "image/png", URL: "https://soroe.example/1.png"}}, network.ErrRejected},
		{"no URL", nil, []network.Media{{ContentType: "image/jpeg"}}, network.ErrRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, a := setup(t, time.Second)
			if tc.fail != nil {
				f.FailNext("container", *tc.fail)
			}
			media := tc.media
			for i := range media {
				if media[i].ContentType == "" {
					media[i] = network.Media{ContentType: "image/jpeg", URL: "https://soroe.example/x.jpg"}
				}
			}
			_, err := c.Publish(context.Background(), a, network.Post{Text: caption, Media: media})
			kind(t, err, tc.want)
			if f.Count("publish") != 0 {
				t.Fatal("published after a media failure")
			}
		})
	}
}
