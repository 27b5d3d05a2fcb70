package linkedin_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/linkedin"
	"github.com/soroe/soroe/network/nettest"
)

func attachment(name, ct string, b []byte, alt string) network.Media {
	return network.Media{Filename: name, ContentType: ct, Size: int64(len(b)), Alt: alt,
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func TestPublishOneImage(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	p := network.Post{Text: "写真", Media: []network.Media{attachment("a.jpg", "image/jpeg", []byte("jpeg-a"), "店の外観")}}
	pub, err := c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || pub.RemoteID != ps[0].URN || len(ps[0].Media) != 1 || ps[0].Alts[0] != "店の外観" {
		t.Fatalf("published %+v, posts %+v", pub, ps)
	}
	u := f.Upload(ps[0].Media[0])
	if u == nil || u.Video || u.Owner != f.Author || string(u.Data) != "jpeg-a" || !strings.HasPrefix(u.URN, "urn:li:image:") {
		t.Fatalf("upload %+v", u)
	}
	content, _ := f.LastBody["content"].(map[string]any)
	if m, _ := content["media"].(map[string]any); m["id"] != u.URN || m["altText"] != "店の外観" || content["multiImage"] != nil {
		t.Fatalf("content %v", content)
	}
	if f.UploadCalls() != 2 || f.PostCalls() != 1 {
		t.Fatalf("upload requests %d, post requests %d", f.UploadCalls(), f.PostCalls())
	}
}

func TestPublishSeveralImages(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	p := network.Post{Text: "写真三枚", Media: []network.Media{
		attachment("a.jpg", "image/jpeg", []byte("jpeg-a"), "外観"),
		attachment("b.png", "image/png", []byte("png-b"), ""),
		attachment("c.gif", "image/gif", []byte("gif-c"), "店内")}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || len(ps[0].Media) != 3 {
		t.Fatalf("posts %+v", ps)
	}
	var got []string
	for i, urn := range ps[0].Media {
		got = append(got, string(f.Upload(urn).Data)+"|"+ps[0].Alts[i])
	}
	if strings.Join(got, ",") != "jpeg-a|外観,png-b|,gif-c|店内" {
		t.Fatalf("images %q", got)
	}
	content, _ := f.LastBody["content"].(map[string]any)
	mi, _ := content["multiImage"].(map[string]any)
	images, _ := mi["images"].([]any)
	if content["media"] != nil || len(images) != 3 {
		t.Fatalf("content %v", content)
	}
	if second, _ := images[1].(map[string]any); second["id"] != ps[0].Media[1] || second["altText"] != nil {
		t.Fatalf("second image %v", images[1])
	}
}

func TestPublishVideo(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.SetPartBytes(1000)
	video := bytes.Repeat([]byte("0123456789"), 250) // 2,500 bytes: parts of 1000, 1000, 500
	p := network.Post{Text: "動画", Media: []network.Media{attachment("v.mp4", "video/mp4", video, "ignored")}}
	if _, err := c.Publish(context.Background(), a, p); err != nil {
		t.Fatal(err)
	}
	ps := f.Posts()
	if len(ps) != 1 || len(ps[0].Media) != 1 {
		t.Fatalf("posts %+v", ps)
	}
	u := f.Upload(ps[0].Media[0])
	if u == nil || !u.Video || !u.Finalized || !bytes.Equal(u.Data, video) || len(u.Parts) != 3 || u.Owner != f.Author {
		t.Fatalf("upload %+v", u)
	}
	content, _ := f.LastBody["content"].(map[string]any)
	if m, _ := content["media"].(map[string]any); m["id"] != u.URN || m["altText"] != nil {
		t.Fatalf("content %v", content)
	}
	// initialize, 3 parts, finalize.
	if f.UploadCalls() != 5 {
		t.Fatalf("upload requests %d", f.UploadCalls())
	}
}

func TestMediaFailuresNeverPost(t *testing.T) {
	img := attachment("a.jpg", "image/jpeg", []byte("jpeg"), "")
	vid := attachment("v.mp4", "video/mp4", []byte("mp4-bytes"), "")
	for _, tc := range []struct {
		name   string
		set    func(f *nettest.LinkedIn, a *network.Account)
		media  []network.Media
		want   error
		status int
	}{
		{"initialize 5xx", func(f *nettest.LinkedIn, _ *network.Account) {
			f.FailUpload("initialize", nettest.LinkedInFailure{Status: 503, Message: "Service Unavailable"})
		}, []network.Media{img}, network.ErrTemporary, 503},
		{"put 5xx on the second image", func(f *nettest.LinkedIn, _ *network.Account) {
			f.FailUpload("put", nettest.LinkedInFailure{}, nettest.LinkedInFailure{Status: 500, Message: "Internal Server Error"})
		}, nil, network.ErrTemporary, 500},
		{"put 401", func(f *nettest.LinkedIn, _ *network.Account) {
			f.FailUpload("put", nettest.LinkedInFailure{Status: 401, Code: "REVOKED_ACCESS_TOKEN", Message: "revoked"})
		}, []network.Media{img}, network.ErrAuth, 401},
		{"revoked token", func(_ *nettest.LinkedIn, a *network.Account) { a.Credentials.AccessToken = "nope" },
			[]network.Media{img}, network.ErrAuth, 401},
		{"upload 429", func(f *nettest.LinkedIn, _ *network.Account) {
			f.FailUpload("initialize", nettest.LinkedInFailure{Status: 429, Message: "throttled"})
		}, []network.Media{img}, network.ErrRateLimited, 429},
		{"upload 400", func(f *nettest.LinkedIn, _ *network.Account) {
			f.FailUpload("put", nettest.LinkedInFailure{Status: 400, Message: "bad image"})
		}, []network.Media{img}, network.ErrRejected, 400},
		{"finalize 5xx", func(f *nettest.LinkedIn, _ *network.Account) {
			f.FailUpload("finalize", nettest.LinkedInFailure{Status: 502, Message: "Bad Gateway"})
		}, []network.Media{vid}, network.ErrTemporary, 502},
		{"image and video", nil, []network.Media{img, vid}, network.ErrRejected, 0},
		{"quicktime", nil, []network.Media{attachment("v.mov", "video/quicktime", []byte("mov"), "")}, network.ErrRejected, 0},
		{"21 images", nil, make21(img), network.ErrRejected, 0},
		{"image too large", nil, []network.Media{attachment("big.png", "image/png", make([]byte, linkedin.MaxImageBytes+1), "")}, network.ErrRejected, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c, a := setup(t, 5*time.Second)
			media := tc.media
			if media == nil {
				media = []network.Media{img, attachment("b.png", "image/png", []byte("png"), "")}
			}
			if tc.set != nil {
				tc.set(f, a)
			}
			_, err := c.Publish(context.Background(), a, network.Post{Text: "写真", Media: media})
			if ne := kind(t, err, tc.want); ne.Status != tc.status {
				t.Fatalf("%+v, want HTTP %d", ne, tc.status)
			}
			if len(f.Posts()) != 0 || f.PostCalls() != 0 {
				t.Fatalf("posted after a media failure: %d post requests", f.PostCalls())
			}
		})
	}
}

func make21(m network.Media) []network.Media {
	out := make([]network.Media, 21)
	for i := range out {
		out[i] = m
	}
	return out
}

// A slow upload answer is only a temporary failure: nothing was posted.
func TestUploadTimeoutIsTemporary(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.Close()
	_, err := c.Publish(context.Background(), a, network.Post{Text: "x", Media: []network.Media{attachment("a.jpg", "image/jpeg", []byte("j"), "")}})
	kind(t, err, network.ErrTemporary)
}

func TestCapabilities(t *testing.T) {
	caps := (&linkedin.Client{}).Capabilities()
	for _, ct := range []string{"image/jpeg", "image/png", "image/gif", "video/mp4"} {
		if !caps.AcceptsType(ct) {
			t.Errorf("%s refused", ct)
		}
	}
	if caps.MaxImages != 20 || caps.MaxVideos != 1 || caps.MixImagesAndVideo || caps.MediaByURL || caps.MaxImageBytes == 0 || caps.MaxVideoBytes == 0 {
		t.Fatalf("%+v", caps)
	}
}

// The fake itself refuses a post whose content references media that were
// not uploaded by its author, and a video that was not finalized.
func TestFakeChecksReferencedMedia(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	f.FailUpload("finalize", nettest.LinkedInFailure{Status: 500, Message: "x"})
	vid := attachment("v.mp4", "video/mp4", []byte("mp4"), "")
	if _, err := c.Publish(context.Background(), a, network.Post{Text: "v", Media: []network.Media{vid}}); err == nil {
		t.Fatal("published without finalize")
	}
	post := func(content string) int {
		body := `{"author":"` + f.Author + `","commentary":"c","visibility":"PUBLIC","lifecycleState":"PUBLISHED",` +
			`"distribution":{"feedDistribution":"MAIN_FEED"},"content":` + content + `}`
		req, _ := http.NewRequest(http.MethodPost, f.URL+"/rest/posts", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+f.Token)
		req.Header.Set("LinkedIn-Version", linkedin.DefaultVersion)
		req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	unfinished := "urn:li:video:C5D7012345678901234568"
	if f.Upload(unfinished) == nil {
		t.Fatal("no video upload recorded")
	}
	for _, content := range []string{
		`{"media":{"id":"urn:li:image:C4D1"}}`,
		`{"media":{"id":"` + unfinished + `"}}`,
		`{"multiImage":{"images":[{"id":"urn:li:image:C4D1"}]}}`,
	} {
		if s := post(content); s != 422 {
			t.Errorf("%s: HTTP %d, want 422", content, s)
		}
	}
	if len(f.Posts()) != 0 {
		t.Fatal("posted")
	}
}

// The access token goes to LinkedIn's hosts only, never to an upload URL
// elsewhere.
func TestTokenNotSentToForeignUploadHost(t *testing.T) {
	var gotAuth []string
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusCreated)
	}))
	defer foreign.Close()
	var posted bool
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/rest/images":
			w.Write([]byte(`{"value":{"uploadUrl":"` + foreign.URL + `/up","image":"urn:li:image:1"}}`))
		case "/rest/posts":
			posted = true
			w.Header().Set("x-restli-id", "urn:li:share:1")
			w.WriteHeader(http.StatusCreated)
		}
	}))
	defer api.Close()
	c := linkedin.New(linkedin.Options{BaseURL: api.URL})
	a := &network.Account{Handle: "urn:li:organization:1", Credentials: network.Credentials{AccessToken: "secret"}}
	if _, err := c.Publish(context.Background(), a, network.Post{Text: "x", Media: []network.Media{attachment("a.jpg", "image/jpeg", []byte("j"), "")}}); err != nil {
		t.Fatal(err)
	}
	if len(gotAuth) != 1 || gotAuth[0] != "" || !posted {
		t.Fatalf("foreign host got %q, posted %v", gotAuth, posted)
	}
}
