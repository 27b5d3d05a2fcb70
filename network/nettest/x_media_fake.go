package nettest

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// XMedia is an upload the X fake holds.
type XMedia struct {
	ID, Key, Category, MediaType string
	TotalBytes                   int64
	Data                         []byte
	Segments                     int
	Finalized                    bool
	AltText                      string
	pollsLeft                    int
}

// Ready says the media may be attached to a post.
func (m *XMedia) Ready() bool { return m.Finalized && m.pollsLeft == 0 }

// X media limits the fake enforces [S: X's media guide, "Images 5 MB,
// GIFs 15 MB, Videos 512 MB"; chunks as the v2 append endpoint takes them].
const (
	XMaxImageBytes = 5 << 20
	XMaxVideoBytes = 512 << 20
	XMaxChunkBytes = 5 << 20
)

// serveMedia answers the v2 media endpoints (docs.x.com/x-api/media):
//
//   - POST /2/media/upload, multipart: media (raw bytes), media_category
//     (tweet_image), optional media_type → 200 {"data":{"id","media_key",
//     "size","expires_after_secs"}};
//   - POST /2/media/upload/initialize, JSON {media_type, total_bytes,
//     media_category} → {"data":{"id","media_key","expires_after_secs"}};
//   - POST /2/media/upload/{id}/append, multipart: media, segment_index;
//   - POST /2/media/upload/{id}/finalize → data with processing_info
//     {state:"pending", check_after_secs} while the video is processed;
//   - GET /2/media/upload?command=STATUS&media_id= → processing_info
//     in_progress … succeeded;
//   - POST /2/media/metadata, JSON {id, metadata:{alt_text:{text}}}.
//
// It reports whether it handled the path.
func (f *XFake) serveMedia(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if p != "/2/media/upload" && p != "/2/media/metadata" && !strings.HasPrefix(p, "/2/media/upload/") {
		return false
	}
	if !f.authorized(w, r) {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.MediaCalls == nil {
		f.MediaCalls = map[string]int{}
	}
	step := p
	if strings.HasPrefix(p, "/2/media/upload/") {
		step = "/2/media/upload/{id}/" + p[strings.LastIndexByte(p, '/')+1:]
	}
	if r.Method == http.MethodGet {
		step += "?command=" + r.URL.Query().Get("command")
	}
	f.MediaCalls[step]++
	if len(f.MediaFail) > 0 {
		fl := f.MediaFail[0]
		f.MediaFail = f.MediaFail[1:]
		for k, v := range fl.Header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.Status)
		_, _ = w.Write([]byte(fl.Body))
		return true
	}
	bad := func(detail string) {
		xProblem(w, 400, "Invalid Request", detail, "https://api.twitter.com/2/problems/invalid-request")
	}
	switch {
	case p == "/2/media/upload" && r.Method == http.MethodPost:
		form, data, ok := xMultipart(r)
		if !ok {
			bad("media upload must be multipart/form-data with a media part")
			return true
		}
		if c := form.Get("media_category"); c != "tweet_image" && c != "dm_image" && c != "subtitles" {
			bad("media_category must be tweet_image, dm_image or subtitles, not " + c)
			return true
		}
		if mt := form.Get("media_type"); mt != "" && !strings.HasPrefix(mt, "image/") {
			bad("media_type " + mt + " is not an image type")
			return true
		}
		if len(data) == 0 || len(data) > XMaxImageBytes {
			bad("media must be 1 byte to 5 MB, got " + strconv.Itoa(len(data)))
			return true
		}
		m := f.newMedia("3_", form.Get("media_category"), form.Get("media_type"))
		m.Data, m.TotalBytes, m.Finalized = data, int64(len(data)), true
		xWriteJSON(w, 200, map[string]any{"data": map[string]any{"id": m.ID, "media_key": m.Key, "size": len(data),
			"expires_after_secs": 86400}})
	case p == "/2/media/upload/initialize" && r.Method == http.MethodPost:
		var in struct {
			MediaType     string `json:"media_type"`
			TotalBytes    int64  `json:"total_bytes"`
			MediaCategory string `json:"media_category"`
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.NewDecoder(r.Body).Decode(&in) != nil {
			bad("initialize takes a JSON body")
			return true
		}
		switch {
		case in.MediaType == "" || in.TotalBytes <= 0:
			bad("media_type and total_bytes are required")
		case in.MediaCategory != "tweet_video" && in.MediaCategory != "amplify_video" && in.MediaCategory != "tweet_gif" && in.MediaCategory != "tweet_image":
			bad("unknown media_category " + in.MediaCategory)
		case in.TotalBytes > XMaxVideoBytes:
			bad("total_bytes exceeds the limit")
		default:
			m := f.newMedia("7_", in.MediaCategory, in.MediaType)
			m.TotalBytes = in.TotalBytes
			xWriteJSON(w, 200, map[string]any{"data": map[string]any{"id": m.ID, "media_key": m.Key, "expires_after_secs": 86399}})
		}
	case strings.HasSuffix(p, "/append") && r.Method == http.MethodPost:
		m := f.XMediaByID[strings.TrimSuffix(strings.TrimPrefix(p, "/2/media/upload/"), "/append")]
		form, data, ok := xMultipart(r)
		switch {
		case m == nil:
			xProblem(w, 404, "Not Found Error", "media not found", "about:blank")
		case !ok || m.Finalized:
			bad("append needs a media part on an unfinalized upload")
		case form.Get("segment_index") != strconv.Itoa(m.Segments):
			bad("segment_index " + form.Get("segment_index") + " out of order, want " + strconv.Itoa(m.Segments))
		case len(data) > XMaxChunkBytes || int64(len(m.Data)+len(data)) > m.TotalBytes:
			bad("segment too large")
		default:
			m.Data = append(m.Data, data...)
			m.Segments++
			xWriteJSON(w, 200, map[string]any{"data": map[string]any{"expires_at": 86399}})
		}
	case strings.HasSuffix(p, "/finalize") && r.Method == http.MethodPost:
		m := f.XMediaByID[strings.TrimSuffix(strings.TrimPrefix(p, "/2/media/upload/"), "/finalize")]
		switch {
		case m == nil:
			xProblem(w, 404, "Not Found Error", "media not found", "about:blank")
		case int64(len(m.Data)) != m.TotalBytes:
			bad("File size mismatch: total_bytes " + strconv.FormatInt(m.TotalBytes, 10) + ", received " + strconv.Itoa(len(m.Data)))
		default:
			m.Finalized, m.pollsLeft = true, f.ProcessingPolls
			d := map[string]any{"id": m.ID, "media_key": m.Key, "size": len(m.Data), "expires_after_secs": 86400}
			if m.pollsLeft > 0 {
				d["processing_info"] = map[string]any{"state": "pending", "check_after_secs": 1}
			}
			xWriteJSON(w, 200, map[string]any{"data": d})
		}
	case p == "/2/media/upload" && r.Method == http.MethodGet && r.URL.Query().Get("command") == "STATUS":
		m := f.XMediaByID[r.URL.Query().Get("media_id")]
		if m == nil || !m.Finalized {
			xProblem(w, 404, "Not Found Error", "media not found", "about:blank")
			return true
		}
		pi := map[string]any{"state": "succeeded", "progress_percent": 100}
		switch {
		case f.ProcessingFails:
			pi = map[string]any{"state": "failed", "error": map[string]any{"code": 1, "name": "InvalidMedia", "message": "Unsupported video format"}}
		case m.pollsLeft > 0:
			m.pollsLeft--
			pi = map[string]any{"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
		}
		xWriteJSON(w, 200, map[string]any{"data": map[string]any{"id": m.ID, "media_key": m.Key, "processing_info": pi}})
	case p == "/2/media/metadata" && r.Method == http.MethodPost:
		var in struct {
			ID       string `json:"id"`
			Metadata struct {
				AltText *struct {
					Text string `json:"text"`
				} `json:"alt_text"`
			} `json:"metadata"`
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || json.NewDecoder(r.Body).Decode(&in) != nil {
			bad("metadata takes a JSON body")
			return true
		}
		m := f.XMediaByID[in.ID]
		switch {
		case m == nil:
			xProblem(w, 404, "Not Found Error", "media not found", "about:blank")
		case in.Metadata.AltText == nil || len([]rune(in.Metadata.AltText.Text)) > 1000:
			bad("alt_text.text must be at most 1000 characters")
		default:
			m.AltText = in.Metadata.AltText.Text
			xWriteJSON(w, 200, map[string]any{"data": map[string]any{"associated_metadata": map[string]any{
				"alt_text": map[string]string{"text": m.AltText}}}})
		}
	default:
		xProblem(w, 404, "Not Found Error", "Sorry, that page does not exist.", "https://api.twitter.com/2/problems/resource-not-found")
	}
	return true
}

// newMedia registers an upload; the caller holds f.mu.
func (f *XFake) newMedia(keyPrefix, category, mediaType string) *XMedia {
	f.nextID++
	id := strconv.FormatInt(f.nextID, 10)
	m := &XMedia{ID: id, Key: keyPrefix + id, Category: category, MediaType: mediaType}
	if f.XMediaByID == nil {
		f.XMediaByID = map[string]*XMedia{}
	}
	f.XMediaByID[id] = m
	return m
}

// xMultipart reads a multipart/form-data body: its fields and the bytes
// of its "media" part.
func xMultipart(r *http.Request) (form url.Values, media []byte, ok bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" || r.ParseMultipartForm(8<<20) != nil {
		return nil, nil, false
	}
	fhs := r.MultipartForm.File["media"]
	if len(fhs) != 1 {
		return nil, nil, false
	}
	fl, err := fhs[0].Open()
	if err != nil {
		return nil, nil, false
	}
	defer fl.Close()
	b, err := io.ReadAll(fl)
	return r.MultipartForm.Value, b, err == nil
}

// checkTweetMedia checks media.media_ids of a POST /2/tweets body: 1–4
// finalized, processed uploads of this user, a video or GIF alone. The
// caller holds f.mu.
func (f *XFake) checkTweetMedia(ids []string) string {
	if len(ids) == 0 || len(ids) > 4 {
		return "media.media_ids must have 1 to 4 items"
	}
	for _, id := range ids {
		m := f.XMediaByID[id]
		if m == nil {
			return "Your media IDs are invalid."
		}
		if !m.Ready() {
			return "Media " + id + " is not ready yet"
		}
		if m.Category != "tweet_image" && len(ids) > 1 {
			return "Your media IDs are invalid. A video or GIF must be alone."
		}
	}
	return ""
}
