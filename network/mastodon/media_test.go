package mastodon_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/mastodon"
	"github.com/soroe/soroe/network/nettest"
)

func attachment(name, ct, body, alt string) network.Media {
	return network.Media{Filename: name, ContentType: ct, Size: int64(len(body)), Alt: alt,
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader([]byte(body))), nil }}
}

func fastSetup(t *testing.T) (*nettest.Mastodon, *mastodon.Client, *network.Account) {
	f, _, a := setup(t, time.Second)
	c := mastodon.New(mastodon.Options{HTTPClient: &http.Client{Timeout: time.Second}, Clock: func() time.Time { return now },
		PollInterval: time.Millisecond, MaxWait: 200 * time.Millisecond})
	return f, c, a
}

func TestPublishImages(t *testing.T) {
	f, c, a := fastSetup(t)
	p := post("写真つき")
	p.Media = []network.Media{attachment("a.jpg", "image/jpeg", "jpeg-a", "店の外観"), attachment("b.png", "image/png", "png-b", "")}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	ids := f.LastMediaIDs
	if len(ids) != 2 || f.MediaRequests != 2 {
		t.Fatalf("media ids %v, uploads %d", ids, f.MediaRequests)
	}
	first, _ := f.Media(ids[0])
	second, _ := f.Media(ids[1])
	if first.Description != "店の外観" || string(first.Data) != "jpeg-a" || first.ContentType != "image/jpeg" || first.Filename != "a.jpg" ||
		string(second.Data) != "png-b" || second.Description != "" || !first.Attached {
		t.Fatalf("uploads %+v %+v", first, second)
	}
}

func TestPublishVideoWaitsForProcessing(t *testing.T) {
	f, c, a := fastSetup(t)
	f.ProcessingPolls = 3
	p := post("動画")
	p.Media = []network.Media{attachment("v.mp4", "video/mp4", "mp4", "")}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if len(f.LastMediaIDs) != 1 || len(f.Statuses()) != 1 {
		t.Fatalf("ids %v", f.LastMediaIDs)
	}
}

func TestProcessingTooLongIsTemporary(t *testing.T) {
	f, c, a := fastSetup(t)
	f.ProcessingPolls = 1000
	p := post("動画")
	p.Media = []network.Media{attachment("v.mp4", "video/mp4", "mp4", "")}
	_, err := c.Publish(context.Background(), a, p)
	kind(t, err, network.ErrTemporary)
	if f.PostRequests != 0 {
		t.Fatal("posted before the video was processed")
	}
}

func TestRetryWithMediaPostsOnce(t *testing.T) {
	f, c, a := fastSetup(t)
	f.DelayAfterWrite(1500 * time.Millisecond)
	p := post("写真つき")
	p.Media = []network.Media{attachment("a.jpg", "image/jpeg", "jpeg-a", "")}
	_, err := c.Publish(context.Background(), a, p)
	kind(t, err, network.ErrUnknownOutcome) // the status call itself timed out
	f.DelayAfterWrite(0)
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Statuses()); n != 1 {
		t.Fatalf("%d statuses", n)
	}
}

func TestUploadFailures(t *testing.T) {
	img := attachment("a.jpg", "image/jpeg", "jpeg", "")
	for _, tc := range []struct {
		name  string
		fail  *nettest.MastodonFailure
		media []network.Media
		want  error
	}{
		{"unsupported file", &nettest.MastodonFailure{Status: 422, Error: "Validation failed: File content type is invalid"}, []network.Media{img}, network.ErrRejected},
		{"rate limited", &nettest.MastodonFailure{Status: 429, Error: "Too many requests"}, []network.Media{img}, network.ErrRateLimited},
		{"server error", &nettest.MastodonFailure{Status: 503, Error: "Service Unavailable"}, []network.Media{img}, network.ErrTemporary},
		{"revoked", &nettest.MastodonFailure{Status: 401, Error: "The access token is invalid"}, []network.Media{img}, network.ErrAuth},
		{"video and image", nil, []network.Media{img, attachment("v.mp4", "video/mp4", "v", "")}, network.ErrRejected},
		{"unreadable", nil, []network.Media{{Filename: "x.jpg", ContentType: "image/jpeg",
			Open: func(context.Context) (io.ReadCloser, error) { return nil, errors.New("disk") }}}, network.ErrTemporary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, a := fastSetup(t)
			if tc.fail != nil {
				f.FailUpload(*tc.fail)
			}
			p := post("写真")
			p.Media = tc.media
			_, err := c.Publish(context.Background(), a, p)
			kind(t, err, tc.want)
			if f.PostRequests != 0 {
				t.Fatal("posted after a media failure")
			}
		})
	}
}
