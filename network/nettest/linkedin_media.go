package nettest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// LinkedIn media, as the Images and Videos APIs describe them:
//
//   - POST /rest/images?action=initializeUpload
//     {"initializeUploadRequest":{"owner":URN}} → 200
//     {"value":{"uploadUrlExpiresAt":…,"uploadUrl":…,"image":"urn:li:image:…"}};
//     then PUT the bytes to uploadUrl → 201.
//   - POST /rest/videos?action=initializeUpload
//     {"initializeUploadRequest":{"owner":URN,"fileSizeBytes":N,"uploadCaptions":false,"uploadThumbnail":false}}
//     → 200 {"value":{"video":"urn:li:video:…","uploadToken":…,"uploadInstructions":[{"uploadUrl","firstByte","lastByte"}…]}};
//     PUT each part (exactly its bytes) → 200 with an ETag header; then
//     POST /rest/videos?action=finalizeUpload
//     {"finalizeUploadRequest":{"video","uploadToken","uploadedPartIds":[ETags in order]}} → 200.
//
// The owner must be the fake's Author (else 403). Upload URLs live on the
// fake itself under /dms-uploads/ and need the bearer token.

// LinkedInUpload is an image or video as the fake holds it.
type LinkedInUpload struct {
	URN, Owner string
	Video      bool
	// Data are the bytes that arrived (a video's parts joined in order).
	Data []byte
	// Size is a video's declared fileSizeBytes; Parts its parts' sizes
	// and ETags the ETags handed out for them (empty until PUT).
	Size      int64
	Parts     []int64
	ETags     []string
	Token     string
	Finalized bool
}

// linkedInContent is a post's "content" as the fake reads it.
type linkedInContent struct {
	Media      *linkedInMedia `json:"media"`
	MultiImage *struct {
		Images []linkedInMedia `json:"images"`
	} `json:"multiImage"`
}

type linkedInMedia struct {
	ID      string `json:"id"`
	AltText string `json:"altText"`
}

func (c *linkedInContent) items() []linkedInMedia {
	if c.Media != nil {
		return []linkedInMedia{*c.Media}
	}
	if c.MultiImage != nil {
		return c.MultiImage.Images
	}
	return nil
}

// FailUpload makes the next media calls of a step answer these, in order;
// step is "initialize" (images or videos), "put" or "finalize". A failure
// with Status 0 lets its call through (to fail a later one).
func (l *LinkedIn) FailUpload(step string, fs ...LinkedInFailure) {
	l.mu.Lock()
	l.uploadFail[step] = append(l.uploadFail[step], fs...)
	l.mu.Unlock()
}

// SetPartBytes sets the video part size the fake hands out (4 MB by
// default).
func (l *LinkedIn) SetPartBytes(n int64) { l.mu.Lock(); l.partBytes = n; l.mu.Unlock() }

// Upload returns a copy of the upload with this URN, or nil.
func (l *LinkedIn) Upload(urn string) *LinkedInUpload {
	l.mu.Lock()
	defer l.mu.Unlock()
	u, ok := l.uploads[urn]
	if !ok {
		return nil
	}
	c := *u
	c.Data = append([]byte(nil), u.Data...)
	c.Parts = append([]int64(nil), u.Parts...)
	c.ETags = append([]string(nil), u.ETags...)
	return &c
}

// Uploads counts the uploads started (initializeUpload accepted).
func (l *LinkedIn) Uploads() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.uploads) }

// linkedInHeaders checks the versioned API's headers.
func linkedInHeaders(w http.ResponseWriter, r *http.Request) bool {
	if !linkedInVersion.MatchString(r.Header.Get("LinkedIn-Version")) {
		linkedInError(w, LinkedInFailure{Status: 426, Code: "NONEXISTENT_VERSION", Message: "Requested version " + r.Header.Get("LinkedIn-Version") + " is not active"})
		return false
	}
	if r.Header.Get("X-Restli-Protocol-Version") != "2.0.0" {
		linkedInError(w, LinkedInFailure{Status: 400, Message: "X-Restli-Protocol-Version 2.0.0 is required"})
		return false
	}
	return true
}

// takeFail pops an injected failure of step; l.mu is held.
func (l *LinkedIn) takeFail(step string) (LinkedInFailure, bool) {
	fs := l.uploadFail[step]
	if len(fs) == 0 {
		return LinkedInFailure{}, false
	}
	l.uploadFail[step] = fs[1:]
	return fs[0], fs[0].Status != 0
}

func (l *LinkedIn) serveAction(w http.ResponseWriter, r *http.Request) {
	video := r.URL.Path == "/rest/videos"
	action := r.URL.Query().Get("action")
	var in struct {
		Init *struct {
			Owner           string `json:"owner"`
			FileSizeBytes   *int64 `json:"fileSizeBytes"`
			UploadCaptions  bool   `json:"uploadCaptions"`
			UploadThumbnail bool   `json:"uploadThumbnail"`
		} `json:"initializeUploadRequest"`
		Final *struct {
			Video           string   `json:"video"`
			UploadToken     string   `json:"uploadToken"`
			UploadedPartIDs []string `json:"uploadedPartIds"`
		} `json:"finalizeUploadRequest"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
		linkedInError(w, LinkedInFailure{Status: 400, Message: "Could not parse the request body"})
		return
	}
	l.mu.Lock()
	l.UploadRequests++
	fail := func(f LinkedInFailure) { l.mu.Unlock(); linkedInError(w, f) }
	unprocessable := func(m string) { fail(LinkedInFailure{Status: 422, Code: "UNPROCESSABLE_ENTITY", Message: m}) }
	switch {
	case action == "initializeUpload":
		if f, ok := l.takeFail("initialize"); ok {
			fail(f)
			return
		}
		switch {
		case in.Init == nil || in.Init.Owner == "":
			unprocessable("/initializeUploadRequest/owner :: field is required")
			return
		case in.Init.Owner != l.Author:
			fail(LinkedInFailure{Status: 403, Code: "ACCESS_DENIED", Message: "Not enough permissions to upload as " + in.Init.Owner})
			return
		case video && (in.Init.FileSizeBytes == nil || *in.Init.FileSizeBytes <= 0):
			unprocessable("/initializeUploadRequest/fileSizeBytes :: field is required")
			return
		case !video && in.Init.FileSizeBytes != nil:
			unprocessable("/initializeUploadRequest/fileSizeBytes :: unrecognized field")
			return
		}
		l.serial++
		id := strconv.Itoa(l.serial)
		u := &LinkedInUpload{Owner: in.Init.Owner, Video: video}
		var out map[string]any
		if !video {
			u.URN = "urn:li:image:C4D" + id
			out = map[string]any{"uploadUrlExpiresAt": 1764000000000, "uploadUrl": l.URL + "/dms-uploads/image/" + id, "image": u.URN}
		} else {
			u.URN, u.Size, u.Token = "urn:li:video:C5D"+id, *in.Init.FileSizeBytes, "tok-"+id
			var ins []any
			for first, part := int64(0), 0; first < u.Size; first, part = first+l.partBytes, part+1 {
				last := min(first+l.partBytes, u.Size) - 1
				ins = append(ins, map[string]any{"uploadUrl": fmt.Sprintf("%s/dms-uploads/video/%s/%d", l.URL, id, part),
					"firstByte": first, "lastByte": last})
				u.Parts = append(u.Parts, last-first+1)
				u.ETags = append(u.ETags, "")
			}
			out = map[string]any{"uploadUrlsExpireAt": 1764000000000, "video": u.URN, "uploadInstructions": ins, "uploadToken": u.Token}
		}
		l.uploads[u.URN] = u
		l.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"value": out})
	case action == "finalizeUpload" && video:
		if f, ok := l.takeFail("finalize"); ok {
			fail(f)
			return
		}
		if in.Final == nil {
			unprocessable("/finalizeUploadRequest :: field is required")
			return
		}
		u := l.uploads[in.Final.Video]
		switch {
		case u == nil || !u.Video:
			fail(LinkedInFailure{Status: 404, Message: "No video " + in.Final.Video})
			return
		case u.Token != in.Final.UploadToken:
			unprocessable("/finalizeUploadRequest/uploadToken :: does not match")
			return
		case strings.Join(in.Final.UploadedPartIDs, "\n") != strings.Join(u.ETags, "\n") || int64(len(u.Data)) != u.Size:
			unprocessable("/finalizeUploadRequest/uploadedPartIds :: the parts uploaded do not match")
			return
		}
		u.Finalized = true
		l.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	default:
		fail(LinkedInFailure{Status: 400, Message: "Unknown action " + action})
	}
}

// servePut takes /dms-uploads/image/{id} or /dms-uploads/video/{id}/{part}.
func (l *LinkedIn) servePut(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<20))
	if err != nil {
		linkedInError(w, LinkedInFailure{Status: 400, Message: "Could not read the upload"})
		return
	}
	seg := strings.Split(strings.TrimPrefix(r.URL.Path, "/dms-uploads/"), "/")
	l.mu.Lock()
	l.UploadRequests++
	fail := func(f LinkedInFailure) { l.mu.Unlock(); linkedInError(w, f) }
	if f, ok := l.takeFail("put"); ok {
		fail(f)
		return
	}
	notFound := LinkedInFailure{Status: 404, Message: "No upload at " + r.URL.Path}
	switch {
	case len(seg) == 2 && seg[0] == "image":
		u := l.uploads["urn:li:image:C4D"+seg[1]]
		if u == nil || len(b) == 0 {
			fail(notFound)
			return
		}
		u.Data = b
		l.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	case len(seg) == 3 && seg[0] == "video":
		u := l.uploads["urn:li:video:C5D"+seg[1]]
		part, err := strconv.Atoi(seg[2])
		if u == nil || err != nil || part < 0 || part >= len(u.Parts) {
			fail(notFound)
			return
		}
		// Parts arrive in order here (the adapter sends them one by one).
		if u.ETags[part] != "" || int64(len(b)) != u.Parts[part] || (part > 0 && u.ETags[part-1] == "") {
			fail(LinkedInFailure{Status: 400, Message: fmt.Sprintf("part %d: %d bytes, want %d, in order", part, len(b), u.Parts[part])})
			return
		}
		u.Data = append(u.Data, b...)
		u.ETags[part] = fmt.Sprintf("/ambry-video/signedId/%s-%d", seg[1], part)
		etag := u.ETags[part]
		l.mu.Unlock()
		w.Header().Set("ETag", etag)
		w.WriteHeader(http.StatusOK)
	default:
		fail(notFound)
	}
}

// contentProblem says why a post's content is refused, or ""; l.mu is
// held.
func (l *LinkedIn) contentProblem(author string, c *linkedInContent) string {
	items := c.items()
	switch {
	case c.Media != nil && c.MultiImage != nil:
		return "/content :: only one of media and multiImage"
	case len(items) == 0:
		return "/content :: media or multiImage is required"
	case c.MultiImage != nil && (len(items) < 2 || len(items) > 20):
		return "/content/multiImage/images :: 2 to 20 images"
	}
	for _, m := range items {
		u := l.uploads[m.ID]
		switch {
		case u == nil:
			return "/content :: unknown media " + m.ID
		case u.Owner != author:
			return "/content :: " + m.ID + " is not owned by " + author
		case u.Video && (c.MultiImage != nil || !u.Finalized):
			return "/content :: video " + m.ID + " is not finalized or not alone"
		case !u.Video && len(u.Data) == 0:
			return "/content :: image " + m.ID + " was never uploaded"
		}
	}
	return ""
}
