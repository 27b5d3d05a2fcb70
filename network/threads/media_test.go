package threads_test

import (
	"context"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
)

func img(u, alt string) network.Media {
	return network.Media{Filename: "a.jpg", ContentType: "image/jpeg", Size: 1000, Alt: alt, URL: u}
}

func vid(u string) network.Media {
	return network.Media{Filename: "v.mp4", ContentType: "video/mp4", Size: 1000, URL: u}
}

func TestPublishImage(t *testing.T) {
	f, c, a := setup(t, time.Second)
	p := post(jaText)
	p.Media = []network.Media{img("https://soroe.example/m/1?sig=x", "写真")}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	lc := f.LastContainer
	if lc["media_type"] != "IMAGE" || lc["image_url"] != "https://soroe.example/m/1?sig=x" || lc["alt_text"] != "写真" || lc["text"] != jaText {
		t.Fatalf("container %v", lc)
	}
	if ps := f.Posts(); len(ps) != 1 || ps[0].MediaType != "IMAGE" || len(ps[0].Media) != 1 {
		t.Fatalf("posts %+v", ps)
	}
}

func TestPublishVideoWaits(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.VideoPolls = 3
	p := post("")
	p.Media = []network.Media{vid("https://soroe.example/m/2")}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if f.Count("status") < 3 || f.Posts()[0].MediaType != "VIDEO" {
		t.Fatalf("status checks %d, posts %+v", f.Count("status"), f.Posts())
	}
}

func TestPublishCarousel(t *testing.T) {
	f, c, a := setup(t, time.Second)
	f.VideoPolls = 1
	p := post(jaText)
	p.Media = []network.Media{img("https://soroe.example/m/1", ""), vid("https://soroe.example/m/2"), img("https://soroe.example/m/3", "三枚目")}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || ps[0].MediaType != "CAROUSEL" || ps[0].Text != jaText ||
		len(ps[0].Media) != 3 || ps[0].Media[1] != "https://soroe.example/m/2" {
		t.Fatalf("posts %+v", ps)
	}
	ct, _ := f.Container(ps[0].ContainerID)
	third, _ := f.Container(ct.Children[2])
	if !third.CarouselItem || third.AltText != "三枚目" || third.Text != "" {
		t.Fatalf("third item %+v", third)
	}
}

func TestMediaProblemsBeforePublishing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fail  *nettest.MetaFailure
		media []network.Media
		want  error
	}{
		{"no URL", nil, []network.Media{img("", "")}, network.ErrRejected},
		{"gif", nil, []network.Media{{ContentType: "image/gif", URL: "https://soroe.example/g"}}, network.ErrRejected},
		{"item refused", &nettest.MetaFailure{Code: 100, Message: "Invalid image_url"}, []network.Media{img("https://soroe.example/1", ""), img("https://soroe.example/2", "")}, network.ErrRejected},
		{"item 5xx", &nettest.MetaFailure{Status: 500, Code: 1, Message: "An unknown error occurred"}, []network.Media{img("https://soroe.example/1", ""), img("https://soroe.example/2", "")}, network.ErrTemporary},
		{"throttled", &nettest.MetaFailure{Code: 4, Message: "Application request limit reached"}, []network.Media{img("https://soroe.example/1", "")}, network.ErrRateLimited},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, a := setup(t, time.Second)
			if tc.fail != nil {
				f.FailNext("container", *tc.fail)
			}
			p := post("写真")
			p.Media = tc.media
			_, err := c.Publish(context.Background(), a, p)
			kind(t, err, tc.want)
			if f.Count("publish") != 0 {
				t.Fatal("published after a media failure")
			}
		})
	}
}
