package linkedin

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/soroe/soroe/network"
)

// LinkedIn media limits. Formats: the Images API takes JPG, PNG and GIF
// (GIF up to 250 frames) with fewer than 36,152,320 pixels; it names no
// byte limit. The Videos API takes MP4. A post takes one image or one
// video (content.media) or 2–20 images (content.multiImage, the MultiImage
// API page).
const (
	// MaxImages is how many images one post takes (MultiImage API).
	MaxImages = 20
	// MaxImageBytes [S — not in LinkedIn's Images API page, which limits
	// pixels only; third-party guides give 5 MB (some 8 MB), so the
	// lower figure is used].
	MaxImageBytes = 5 << 20
	// MaxVideoBytes [S — LinkedIn's Videos API page could not be read
	// whole here; third-party guides agree on 500 MB (and 75 KB at least,
	// 3 s to 30 min, which are not checked)].
	MaxVideoBytes = 500 << 20
)

// attached is an uploaded attachment as the post references it.
type attached struct {
	urn, alt string
}

// upload sends p's media before the post: each image through the Images
// API (initializeUpload → PUT the bytes to uploadUrl), a video through the
// Videos API (initializeUpload → PUT each part of uploadInstructions,
// collecting the ETags → finalizeUpload). Nothing is posted yet, so no
// error here is ErrUnknownOutcome (network.BeforePosting).
func (c *Client) upload(ctx context.Context, a *network.Account, owner string, media []network.Media) ([]attached, error) {
	var out []attached
	for _, m := range media {
		var urn string
		var err error
		if m.IsVideo() {
			urn, err = c.uploadVideo(ctx, a, owner, m)
		} else {
			urn, err = c.uploadImage(ctx, a, owner, m)
		}
		if err != nil {
			return nil, network.BeforePosting(err)
		}
		out = append(out, attached{urn: urn, alt: m.Alt})
	}
	return out, nil
}

// content is the post's "content": one image or video as media, 2–20
// images as multiImage; alternative text as altText.
func content(media []attached, video bool) map[string]any {
	item := func(m attached) map[string]any {
		v := map[string]any{"id": m.urn}
		if m.alt != "" && !video {
			v["altText"] = m.alt
		}
		return v
	}
	if len(media) == 1 {
		return map[string]any{"media": item(media[0])}
	}
	images := make([]any, 0, len(media))
	for _, m := range media {
		images = append(images, item(m))
	}
	return map[string]any{"multiImage": map[string]any{"images": images}}
}

func (c *Client) uploadImage(ctx context.Context, a *network.Account, owner string, m network.Media) (string, error) {
	b, err := network.ReadMedia(ctx, m, MaxImageBytes)
	if err != nil {
		return "", err
	}
	init, _ := json.Marshal(map[string]any{"initializeUploadRequest": map[string]any{"owner": owner}})
	var out struct {
		Value struct {
			UploadURL string `json:"uploadUrl"`
			Image     string `json:"image"`
		} `json:"value"`
	}
	if err := c.action(ctx, a, "/rest/images?action=initializeUpload", init, &out); err != nil {
		return "", err
	}
	if out.Value.Image == "" || out.Value.UploadURL == "" {
		return "", &network.Error{Kind: network.ErrTemporary, Reason: "image initializeUpload answered without an image or uploadUrl"}
	}
	if _, err := c.put(ctx, a, out.Value.UploadURL, b); err != nil {
		return "", err
	}
	return out.Value.Image, nil
}

func (c *Client) uploadVideo(ctx context.Context, a *network.Account, owner string, m network.Media) (string, error) {
	b, err := network.ReadMedia(ctx, m, MaxVideoBytes)
	if err != nil {
		return "", err
	}
	init, _ := json.Marshal(map[string]any{"initializeUploadRequest": map[string]any{
		"owner": owner, "fileSizeBytes": len(b), "uploadCaptions": false, "uploadThumbnail": false}})
	var out struct {
		Value struct {
			Video              string `json:"video"`
			UploadToken        string `json:"uploadToken"`
			UploadInstructions []struct {
				UploadURL string `json:"uploadUrl"`
				FirstByte int64  `json:"firstByte"`
				LastByte  int64  `json:"lastByte"`
			} `json:"uploadInstructions"`
		} `json:"value"`
	}
	if err := c.action(ctx, a, "/rest/videos?action=initializeUpload", init, &out); err != nil {
		return "", err
	}
	v := out.Value
	if v.Video == "" || len(v.UploadInstructions) == 0 {
		return "", &network.Error{Kind: network.ErrTemporary, Reason: "video initializeUpload answered without a video or uploadInstructions"}
	}
	// The parts must cover the file exactly, in order.
	next := int64(0)
	for _, in := range v.UploadInstructions {
		if in.FirstByte != next || in.LastByte < in.FirstByte || in.LastByte >= int64(len(b)) || in.UploadURL == "" {
			return "", &network.Error{Kind: network.ErrTemporary, Reason: "video uploadInstructions do not cover the file"}
		}
		next = in.LastByte + 1
	}
	if next != int64(len(b)) {
		return "", &network.Error{Kind: network.ErrTemporary, Reason: "video uploadInstructions do not cover the file"}
	}
	etags := make([]string, 0, len(v.UploadInstructions))
	for _, in := range v.UploadInstructions {
		h, err := c.put(ctx, a, in.UploadURL, b[in.FirstByte:in.LastByte+1])
		if err != nil {
			return "", err
		}
		etag := h.Get("ETag")
		if etag == "" {
			return "", &network.Error{Kind: network.ErrTemporary, Reason: "a video part was taken without an ETag"}
		}
		etags = append(etags, etag)
	}
	fin, _ := json.Marshal(map[string]any{"finalizeUploadRequest": map[string]any{
		"video": v.Video, "uploadToken": v.UploadToken, "uploadedPartIds": etags}})
	if err := c.action(ctx, a, "/rest/videos?action=finalizeUpload", fin, nil); err != nil {
		return "", err
	}
	return v.Video, nil
}

// action POSTs a Rest.li action with the API headers and decodes the
// answer into out (when not nil).
func (c *Client) action(ctx context.Context, a *network.Account, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return &network.Error{Kind: network.ErrRejected, Reason: err.Error()}
	}
	req.Header.Set("LinkedIn-Version", c.version)
	req.Header.Set("X-Restli-Protocol-Version", "2.0.0")
	req.Header.Set("Content-Type", "application/json")
	status, _, raw, err := c.send(req, a)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return &network.Error{Kind: network.ErrTemporary, Status: status, Reason: "unreadable answer to " + path}
		}
	}
	return nil
}

// put sends bytes to an upload URL LinkedIn gave and returns the answer's
// headers (a video part's ETag).
func (c *Client) put(ctx context.Context, a *network.Account, uploadURL string, b []byte) (http.Header, error) {
	u, err := url.Parse(uploadURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, &network.Error{Kind: network.ErrTemporary, Reason: "unusable uploadUrl " + uploadURL}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, u.String(), bytes.NewReader(b))
	if err != nil {
		return nil, &network.Error{Kind: network.ErrTemporary, Reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	_, h, _, err := c.send(req, a)
	return h, err
}

// send adds the token — only for LinkedIn's own hosts, never for an
// upload URL elsewhere — and maps a failure with failure (a 5xx there is
// ErrUnknownOutcome, which upload turns into ErrTemporary).
func (c *Client) send(req *http.Request, a *network.Account) (int, http.Header, []byte, error) {
	if c.ownHost(req.URL) {
		req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	}
	resp, wrote, err := network.Send(c.hc, req)
	if err != nil {
		return 0, nil, nil, network.TransportError(err, wrote)
	}
	defer resp.Body.Close()
	raw, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, nil, nil, c.failure(resp.StatusCode, raw)
	}
	if rerr != nil {
		return resp.StatusCode, nil, nil, &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: rerr.Error()}
	}
	return resp.StatusCode, resp.Header, raw, nil
}

// ownHost reports whether u is the API host or another linkedin.com host
// (uploads go to www.linkedin.com/dms-uploads/…).
func (c *Client) ownHost(u *url.URL) bool {
	if b, err := url.Parse(c.base); err == nil && b.Host == u.Host && b.Scheme == u.Scheme {
		return true
	}
	h := strings.ToLower(u.Hostname())
	return u.Scheme == "https" && (h == "linkedin.com" || strings.HasSuffix(h, ".linkedin.com"))
}
