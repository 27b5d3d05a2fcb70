package network_test

import (
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

func TestCheckMedia(t *testing.T) {
	img := func(size int64) network.Media { return network.Media{ContentType: "image/jpeg", Size: size} }
	vid := func(size int64) network.Media { return network.Media{ContentType: "video/mp4", Size: size} }
	four := network.Capabilities{MaxMediaPerPost: 4, MediaTypes: []string{"image/jpeg", "image/png", "video/mp4"},
		MaxImages: 4, MaxImageBytes: 1000, MaxVideos: 1, MaxVideoBytes: 5000}
	mixed := four
	mixed.MixImagesAndVideo = true
	required := network.Capabilities{MaxMediaPerPost: 10, MediaTypes: []string{"image/jpeg", "video/mp4"},
		MaxImages: 10, MaxVideos: 10, MixImagesAndVideo: true, MediaRequired: true}
	imagesOnly := network.Capabilities{MaxMediaPerPost: 4, MediaTypes: []string{"image/jpeg"}, MaxImages: 4}
	none := network.Capabilities{}
	for _, tc := range []struct {
		name  string
		caps  network.Capabilities
		media []network.Media
		want  string // message key, "" for valid
	}{
		{"no media", four, nil, ""},
		{"required and none", required, nil, "media_required"},
		{"required and one", required, []network.Media{vid(1 << 40)}, ""},
		{"network without media", none, []network.Media{img(1)}, "media_not_supported"},
		{"four images", four, []network.Media{img(1), img(2), img(3), img(1000)}, ""},
		{"five images", four, []network.Media{img(1), img(2), img(3), img(4), img(5)}, "media_too_many_images"},
		{"image too large", four, []network.Media{img(1001)}, "media_image_too_large"},
		{"unknown size passes", four, []network.Media{img(0)}, ""},
		{"type with parameters", four, []network.Media{{ContentType: "Image/PNG; x=y", Size: 1}}, ""},
		{"gif refused", four, []network.Media{{ContentType: "image/gif", Size: 1}}, "media_type_not_supported"},
		{"video", four, []network.Media{vid(5000)}, ""},
		{"video too large", four, []network.Media{vid(5001)}, "media_video_too_large"},
		{"two videos", four, []network.Media{vid(1), vid(1)}, "media_too_many_videos"},
		{"image and video", four, []network.Media{img(1), vid(1)}, "media_mixed"},
		{"image and video may mix", mixed, []network.Media{img(1), vid(1)}, ""},
		{"mixed but too many", mixed, []network.Media{img(1), img(1), img(1), img(1), vid(1)}, "media_too_many"},
		{"video on an images-only network", imagesOnly, []network.Media{vid(1)}, "media_video_not_supported"},
		{"quicktime where only mp4", four, []network.Media{{ContentType: "video/quicktime", Size: 1}}, "media_type_not_supported"},
	} {
		err := network.CheckMedia(tc.caps, tc.media)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v, want valid", tc.name, err)
			}
			continue
		}
		if soroe.ErrorCode(err) != soroe.EInvalid || soroe.ErrorField(err) != "media" || soroe.ErrorMessage(err) != tc.want {
			t.Errorf("%s: %v, want invalid media %s", tc.name, err, tc.want)
		}
	}
}
