package x

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe/network"
)

// X media limits [S: X's media guide and SDKs: images 5 MB, GIFs 15 MB,
// videos 512 MB; at most 4 images or 1 video or GIF per post; the v2
// reference pages read here list endpoints and categories but no sizes].
// Animated GIFs go through the simple image upload here, so they share the
// 5 MB image cap.
const (
	MaxImageBytes = 5 << 20
	MaxVideoBytes = 512 << 20
	// ChunkBytes is the APPEND segment size (X takes up to 5 MB [S]).
	ChunkBytes = 4 << 20
)

// mediaIDs uploads p's media before the post: an image in one call
// (POST /2/media/upload, multipart, media_category tweet_image) with its
// alt text after (POST /2/media/metadata); a video in chunks
// (initialize → append … → finalize, then STATUS until succeeded).
// Nothing is posted yet, so its errors are never ErrUnknownOutcome.
func (c *Client) mediaIDs(ctx context.Context, a *network.Account, media []network.Media) ([]string, error) {
	if len(media) == 0 {
		return nil, nil
	}
	if err := network.CheckMedia(c.Capabilities(), media); err != nil {
		return nil, network.MediaError(err)
	}
	var ids []string
	for _, m := range media {
		var id string
		var err error
		if m.IsVideo() {
			id, err = c.uploadVideo(ctx, a, m)
		} else {
			id, err = c.uploadImage(ctx, a, m)
		}
		if err != nil {
			return nil, network.BeforePosting(err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

type mediaData struct {
	Data struct {
		ID             string `json:"id"`
		MediaKey       string `json:"media_key"`
		ProcessingInfo *struct {
			State          string `json:"state"`
			CheckAfterSecs int    `json:"check_after_secs"`
			Error          *struct {
				Name    string `json:"name"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"processing_info"`
	} `json:"data"`
}

func (c *Client) uploadImage(ctx context.Context, a *network.Account, m network.Media) (string, error) {
	b, err := network.ReadMedia(ctx, m, MaxImageBytes)
	if err != nil {
		return "", err
	}
	var out mediaData
	if err := c.multipart(ctx, a, c.base+"/2/media/upload", map[string]string{"media_category": "tweet_image", "media_type": m.ContentType},
		m.Filename, b, &out); err != nil {
		return "", err
	}
	id := out.Data.ID
	if m.Alt != "" {
		body, _ := json.Marshal(map[string]any{"id": id, "metadata": map[string]any{"alt_text": map[string]string{"text": m.Alt}}})
		if err := c.jsonCall(ctx, a, http.MethodPost, c.base+"/2/media/metadata", body, nil); err != nil {
			return "", err
		}
	}
	return id, nil
}

func (c *Client) uploadVideo(ctx context.Context, a *network.Account, m network.Media) (string, error) {
	b, err := network.ReadMedia(ctx, m, MaxVideoBytes)
	if err != nil {
		return "", err
	}
	init, _ := json.Marshal(map[string]any{"media_type": m.ContentType, "total_bytes": len(b), "media_category": "tweet_video"})
	var out mediaData
	if err := c.jsonCall(ctx, a, http.MethodPost, c.base+"/2/media/upload/initialize", init, &out); err != nil {
		return "", err
	}
	id := out.Data.ID
	if id == "" {
		return "", &network.Error{Kind: network.ErrTemporary, Reason: "media initialize answered without an id"}
	}
	u := c.base + "/2/media/upload/" + url.PathEscape(id)
	for i, seg := 0, 0; i < len(b); i, seg = i+ChunkBytes, seg+1 {
		chunk := b[i:min(i+ChunkBytes, len(b))]
		if err := c.multipart(ctx, a, u+"/append", map[string]string{"segment_index": strconv.Itoa(seg)}, m.Filename, chunk, nil); err != nil {
			return "", err
		}
	}
	out = mediaData{}
	if err := c.jsonCall(ctx, a, http.MethodPost, u+"/finalize", nil, &out); err != nil {
		return "", err
	}
	deadline := time.Now().Add(c.mediaWait)
	for pi := out.Data.ProcessingInfo; pi != nil; pi = out.Data.ProcessingInfo {
		switch pi.State {
		case "succeeded":
			return id, nil
		case "failed":
			r := "video processing failed"
			if pi.Error != nil && pi.Error.Message != "" {
				r += ": " + pi.Error.Message
			}
			return "", &network.Error{Kind: network.ErrRejected, Reason: r}
		}
		wait := c.mediaPoll
		if wait <= 0 {
			wait = time.Duration(max(pi.CheckAfterSecs, 1)) * time.Second
		}
		if !time.Now().Add(wait).Before(deadline) {
			return "", &network.Error{Kind: network.ErrTemporary, Reason: "video " + id + " is still being processed"}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", &network.Error{Kind: network.ErrTemporary, Reason: ctx.Err().Error()}
		case <-t.C:
		}
		out = mediaData{}
		q := url.Values{"command": {"STATUS"}, "media_id": {id}}
		if err := c.jsonCall(ctx, a, http.MethodGet, c.base+"/2/media/upload?"+q.Encode(), nil, &out); err != nil {
			return "", err
		}
	}
	return id, nil
}

// multipart POSTs fields and one "media" part; a failure is never an
// unknown outcome (uploads create nothing people see).
func (c *Client) multipart(ctx context.Context, a *network.Account, u string, fields map[string]string, filename string, b []byte, out any) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			return err
		}
	}
	if filename == "" {
		filename = "media"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="media"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(filename)+`"`)
	h.Set("Content-Type", "application/octet-stream")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := pw.Write(b); err != nil {
		return err
	}
	if err := mw.Close(); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.call(req, a, out)
}

func (c *Client) jsonCall(ctx context.Context, a *network.Account, method, u string, body []byte, out any) error {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.call(req, a, out)
}

func (c *Client) call(req *http.Request, a *network.Account, out any) error {
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	resp, data, err := c.do(req, false)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.classify(resp, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: "unreadable media answer: " + snippet(data)}
		}
		if md, ok := out.(*mediaData); ok && md.Data.ID == "" {
			return &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: "media answer without an id: " + snippet(data)}
		}
	}
	return nil
}
