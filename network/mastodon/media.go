package mastodon

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe/network"
)

// Attachment is the part of a MediaAttachment the adapter reads; URL is
// null while the instance is still processing it.
type Attachment struct {
	ID   string  `json:"id"`
	Type string  `json:"type"`
	URL  *string `json:"url"`
}

// uploadMedia uploads each attachment (POST /api/v2/media, multipart
// "file" and "description" as alt text) and waits for those answered
// 202 Accepted (GET /api/v1/media/:id: 206 while processing, 200 when
// done). Its errors never say "unknown outcome": no status exists yet.
func (c *Client) uploadMedia(ctx context.Context, h string, a *network.Account, media []network.Media) ([]string, error) {
	if len(media) == 0 {
		return nil, nil
	}
	caps := c.Capabilities()
	if err := network.CheckMedia(caps, media); err != nil {
		return nil, network.MediaError(err)
	}
	ids := make([]string, 0, len(media))
	for _, m := range media {
		limit := caps.MaxImageBytes
		if m.IsVideo() {
			limit = caps.MaxVideoBytes
		}
		b, err := network.ReadMedia(ctx, m, limit)
		if err != nil {
			return nil, err
		}
		at, processing, err := c.upload(ctx, h, a, m, b)
		if err != nil {
			return nil, err
		}
		if processing {
			if err := c.waitProcessed(ctx, h, a, at.ID); err != nil {
				return nil, err
			}
		}
		ids = append(ids, at.ID)
	}
	return ids, nil
}

func (c *Client) upload(ctx context.Context, h string, a *network.Account, m network.Media, b []byte) (Attachment, bool, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	hdr := textproto.MIMEHeader{}
	name := m.Filename
	if name == "" {
		name = "attachment"
	}
	hdr.Set("Content-Disposition", `form-data; name="file"; filename="`+escapeQuotes(name)+`"`)
	hdr.Set("Content-Type", m.ContentType)
	pw, err := mw.CreatePart(hdr)
	if err != nil {
		return Attachment{}, false, err
	}
	pw.Write(b)
	if m.Alt != "" {
		mw.WriteField("description", m.Alt)
	}
	if err := mw.Close(); err != nil {
		return Attachment{}, false, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h+"/api/v2/media", &body)
	if err != nil {
		return Attachment{}, false, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var at Attachment
	res, err := c.roundTrip(req, &at)
	if err != nil {
		return Attachment{}, false, network.Outcome(err, false)
	}
	if !res.ok() {
		// 422 (unsupported or broken file), 413 (too large): rejected.
		return Attachment{}, false, c.failure(res, true)
	}
	if at.ID == "" {
		return Attachment{}, false, &network.Error{Kind: network.ErrTemporary, Status: res.status, Reason: "upload answered without a media id"}
	}
	return at, res.status == http.StatusAccepted || at.URL == nil, nil
}

func (c *Client) waitProcessed(ctx context.Context, h string, a *network.Account, id string) error {
	deadline := time.Now().Add(c.wait)
	for {
		t := time.NewTimer(c.interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return &network.Error{Kind: network.ErrTemporary, Reason: ctx.Err().Error()}
		case <-t.C:
		}
		var at Attachment
		res, err := c.do(ctx, http.MethodGet, h+"/api/v1/media/"+url.PathEscape(id), a, "", nil, &at)
		if err != nil {
			return network.Outcome(err, false)
		}
		switch {
		case res.status == http.StatusOK && at.URL != nil:
			return nil
		case res.status == http.StatusPartialContent || res.status == http.StatusOK:
			// still processing
		case res.status == http.StatusUnprocessableEntity || res.status == http.StatusNotFound:
			// Processing failed and the instance dropped it.
			return &network.Error{Kind: network.ErrRejected, Status: res.status, Reason: "attachment could not be processed: " + res.reason}
		default:
			return c.failure(res, false)
		}
		if !time.Now().Add(c.interval).Before(deadline) {
			return &network.Error{Kind: network.ErrTemporary, Reason: "attachment " + id + " is still being processed"}
		}
	}
}

func escapeQuotes(s string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) }
