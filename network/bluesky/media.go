package bluesky

import (
	"bytes"
	"context"
	"image"
	_ "image/gif" // image.DecodeConfig for aspect ratios
	_ "image/jpeg"
	_ "image/png"
	"net/http"

	"github.com/soroe/soroe/network"
)

const (
	// MaxImageBytes is app.bsky.embed.images#image's blob maxSize
	// (bluesky-lexicons/app/bsky/embed/images.json) [V].
	MaxImageBytes = 2_000_000
	// MaxVideoBytes is what one uploadBlob takes: "blob upload ≤ 50 MB"
	// (platforms.md §2) [V]. Bluesky's video service takes 100 MB
	// videos [S, not used here]; app.bsky.embed.video is not among the
	// stored lexicons [M].
	MaxVideoBytes = 50_000_000
)

// Blob is an atproto blob reference as uploadBlob returns it and records
// carry it.
type Blob struct {
	Type     string            `json:"$type"`
	Ref      map[string]string `json:"ref"`
	MimeType string            `json:"mimeType"`
	Size     int64             `json:"size"`
}

// AspectRatio is app.bsky.embed.defs#aspectRatio.
type AspectRatio struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

type embedImage struct {
	Image       Blob         `json:"image"`
	Alt         string       `json:"alt"`
	AspectRatio *AspectRatio `json:"aspectRatio,omitempty"`
}

// rawBody is a request body that is not JSON (uploadBlob takes the bytes).
type rawBody struct {
	contentType string
	b           []byte
}

// embed uploads p's media (com.atproto.repo.uploadBlob, one call each)
// and returns the record's embed: app.bsky.embed.images (alt text and,
// for JPEG, PNG and GIF, the aspect ratio) or app.bsky.embed.video. Nil
// when there is none. Errors never say "unknown outcome": no post exists
// yet.
func (c *Client) embed(ctx context.Context, a *network.Account, media []network.Media) (any, error) {
	if len(media) == 0 {
		return nil, nil
	}
	if err := network.CheckMedia(c.Capabilities(), media); err != nil {
		return nil, network.MediaError(err)
	}
	var images []embedImage
	for _, m := range media {
		limit := int64(MaxImageBytes)
		if m.IsVideo() {
			limit = MaxVideoBytes
		}
		b, err := network.ReadMedia(ctx, m, limit)
		if err != nil {
			return nil, err
		}
		blob, err := c.uploadBlob(ctx, a, m.ContentType, b)
		if err != nil {
			return nil, network.BeforePosting(err)
		}
		ar := aspectRatio(b)
		if m.IsVideo() {
			v := map[string]any{"$type": "app.bsky.embed.video", "video": blob}
			if m.Alt != "" {
				v["alt"] = m.Alt
			}
			return v, nil
		}
		images = append(images, embedImage{Image: blob, Alt: m.Alt, AspectRatio: ar})
	}
	return map[string]any{"$type": "app.bsky.embed.images", "images": images}, nil
}

func (c *Client) uploadBlob(ctx context.Context, a *network.Account, contentType string, b []byte) (Blob, error) {
	var out struct {
		Blob Blob `json:"blob"`
	}
	res, err := c.authed(ctx, a, false, func(s *Session) (result, error) {
		return c.do(ctx, http.MethodPost, host(a)+"/xrpc/com.atproto.repo.uploadBlob", s.AccessJwt, nil, rawBody{contentType, b}, &out)
	})
	if err != nil {
		return Blob{}, err
	}
	if !res.ok() {
		// A 4xx here refuses the file (too large, wrong type): rejected.
		return Blob{}, c.failure(res, true)
	}
	if out.Blob.Ref["$link"] == "" {
		return Blob{}, &network.Error{Kind: network.ErrTemporary, Status: res.status, Reason: "uploadBlob answered without a blob"}
	}
	return out.Blob, nil
}

// aspectRatio reads an image's size from its header; nil when the format
// is not one the standard library knows (WebP) or the header is bad.
func aspectRatio(b []byte) *AspectRatio {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil
	}
	return &AspectRatio{Width: cfg.Width, Height: cfg.Height}
}
