package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// Upload limits of post media: images and videos, told by their first
// bytes, not by their names.
const (
	maxImageBytes = 10 << 20  // 10 MiB
	maxVideoBytes = 200 << 20 // 200 MiB
	maxMediaCount = 10
)

// maxPostFormBytes caps a form that carries post media (the editor's first
// save, the post page's upload): one video at its limit, or images, and
// the other fields.
const maxPostFormBytes = maxVideoBytes + 1<<20

// mediaTypes are the attachments Soroe accepts, as sniffed.
var mediaTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime"}

// sniffMedia tells an attachment's type from its first bytes.
func sniffMedia(data []byte) string {
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		switch brand := string(data[8:12]); {
		case brand == "qt  ":
			return "video/quicktime"
		case strings.HasPrefix(brand, "heic") || strings.HasPrefix(brand, "mif1"):
			return "image/heic"
		default:
			return "video/mp4"
		}
	}
	return http.DetectContentType(data)
}

// readMedia reads the "file" part of a multipart upload and checks its type
// and size.
func readMedia(w http.ResponseWriter, r *http.Request) (*soroe.Media, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxVideoBytes+1<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		if tooLarge(err) {
			return nil, nil, soroe.Invalid("file", "media_too_large")
		}
		return nil, nil, soroe.Invalid("file", "media_file_required")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, nil, soroe.Invalid("file", "media_file_required")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxVideoBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) == 0 {
		return nil, nil, soroe.Invalid("file", "media_file_required")
	}
	return checkMedia(hdr.Filename, data, r.FormValue("alt"))
}

// checkMedia checks an attachment's type (from its bytes) and size.
func checkMedia(filename string, data []byte, alt string) (*soroe.Media, []byte, error) {
	if len(data) == 0 {
		return nil, nil, soroe.Invalid("file", "media_file_required")
	}
	ct := sniffMedia(data)
	if !slices.Contains(mediaTypes, ct) {
		return nil, nil, soroe.Invalid("file", "media_type_not_allowed")
	}
	limit := maxImageBytes
	if strings.HasPrefix(ct, "video/") {
		limit = maxVideoBytes
	}
	if len(data) > limit {
		return nil, nil, soroe.Invalid("file", "media_too_large")
	}
	name := path.Base(strings.ReplaceAll(filename, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "media"
	}
	return &soroe.Media{Filename: clipRunes(name, 200), ContentType: ct, Alt: clipRunes(strings.TrimSpace(alt), 1000)}, data, nil
}

// formMedia reads the files chosen in the editor (the "media" parts of a
// multipart form, with one alternative text for them all, "media_alt"),
// checked like an upload; none for a form without files.
func formMedia(r *http.Request) ([]store.MediaUpload, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	files := r.MultipartForm.File["media"]
	if len(files) > maxMediaCount {
		return nil, soroe.Invalid("media", "media_post_limit")
	}
	var out []store.MediaUpload
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue // the browser's part for an empty file input
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, maxVideoBytes+1))
		_ = f.Close()
		if err != nil {
			return nil, err
		}
		m, data, err := checkMedia(fh.Filename, data, r.PostForm.Get("media_alt"))
		if err != nil {
			return nil, soroe.Invalid("media", soroe.ErrorMessage(err))
		}
		out = append(out, store.MediaUpload{Media: m, Data: data})
	}
	return out, nil
}

// addMedia attaches an upload to the {post}, sending an approved post back
// to review.
func (s *Server) addMedia(w http.ResponseWriter, r *http.Request) (*soroe.Media, bool, error) {
	id, err := pathID(r, "post")
	if err != nil {
		return nil, false, err
	}
	ctx, a := r.Context(), actor(r)
	p, err := s.db.Post(ctx, a.OrgID, id)
	if err != nil {
		return nil, false, err
	}
	if !workflow.MayEdit(a, p) {
		return nil, false, workflow.ErrNotYours
	}
	existing, err := s.db.PostMedia(ctx, a.OrgID, id)
	if err != nil {
		return nil, false, err
	}
	if len(existing) >= maxMediaCount {
		return nil, false, soroe.Invalid("file", "media_post_limit")
	}
	var m *soroe.Media
	var data []byte
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		// The API also takes {"filename", "data" (base64), "alt"}.
		r.Body = http.MaxBytesReader(w, r.Body, maxImageBytes*4/3+4096)
		var in struct {
			Filename string `json:"filename"`
			Data     []byte `json:"data"`
			Alt      string `json:"alt"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			if tooLarge(err) {
				return nil, false, soroe.Invalid("file", "media_too_large")
			}
			return nil, false, soroe.Invalid("file", "media_file_required")
		}
		m, data, err = checkMedia(in.Filename, in.Data, in.Alt)
	} else {
		m, data, err = readMedia(w, r)
	}
	if err != nil {
		return nil, false, err
	}
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	steps, err := s.wf().Steps(ctx, p)
	if err != nil {
		return nil, false, err
	}
	m.PostID, m.OrgID, m.CreatedBy = id, a.OrgID, a.UserID
	back, err := s.db.AddMedia(ctx, m, data, steps)
	return m, back, err
}

func (s *Server) postMediaUpload(w http.ResponseWriter, r *http.Request) {
	_, back, err := s.addMedia(w, r)
	if err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		s.renderPostPage(w, r, 0, err, "", "")
		return
	}
	flash := "posts.flash.media_added"
	if back {
		flash = "posts.flash.back_to_review"
	}
	s.flash(r, flash)
	redirect(w, r, "/posts/"+r.PathValue("post"))
}

func (s *Server) postMediaDelete(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "posts.flash.media_removed", func(id int64) error {
		mid, err := pathID(r, "media")
		if err != nil {
			return err
		}
		ctx, a := r.Context(), actor(r)
		p, err := s.db.Post(ctx, a.OrgID, id)
		if err != nil {
			return err
		}
		if !workflow.MayEdit(a, p) {
			return workflow.ErrNotYours
		}
		steps, err := s.wf().Steps(ctx, p)
		if err != nil {
			return err
		}
		_, err = s.db.DeleteMedia(ctx, a.OrgID, id, mid, a.UserID, steps)
		return err
	})
}

// serveMedia writes an attachment's bytes.
func serveMedia(w http.ResponseWriter, r *http.Request, m *soroe.Media, data []byte, cache string) {
	w.Header().Set("Content-Type", m.ContentType)
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename*=UTF-8''%s", pathEscape(m.Filename)))
	http.ServeContent(w, r, "", m.CreatedAt, bytes.NewReader(data))
}

func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func (s *Server) postMediaFile(w http.ResponseWriter, r *http.Request) {
	pid, err := pathID(r, "post")
	if err != nil {
		s.notFound(w, r)
		return
	}
	mid, err := pathID(r, "media")
	if err != nil {
		s.notFound(w, r)
		return
	}
	m, data, err := s.db.MediaData(r.Context(), who(r).Org.ID, mid)
	if err == nil && m.PostID != pid {
		err = soroe.ErrNotFound
	}
	if s.failed(w, r, err) {
		return
	}
	serveMedia(w, r, m, data, "private, max-age=300")
}

// publicMedia serves an attachment to a network that fetches media by URL
// (Instagram, Threads, Facebook, LINE), through a signed, expiring token.
func (s *Server) publicMedia(w http.ResponseWriter, r *http.Request) {
	id, err := workflow.OpenMediaToken(s.cfg.Secrets, r.PathValue("token"), s.now())
	if err != nil {
		http.NotFound(w, r)
		return
	}
	m, data, err := s.db.MediaData(r.Context(), 0, id)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	serveMedia(w, r, m, data, "public, max-age=3600")
}

// MediaURL is the public, signed, expiring link of an attachment (for the
// publisher: networks that fetch media by URL).
func (s *Server) MediaURL(mediaID int64) (string, error) {
	tok, err := workflow.MediaToken(s.cfg.Secrets, mediaID, s.now().Add(workflow.MediaLinkTTL))
	if err != nil {
		return "", err
	}
	return s.cfg.BaseURL + "/m/" + tok, nil
}

// ---- Guest approvers ----

type guestPageData struct {
	Claim   *workflow.GuestClaim
	Post    *soroe.Post
	Targets []*targetView
	Media   []*soroe.Media
	Org     *soroe.Org
	Problem string // a message key when the link cannot be used
	Done    string // the decision just recorded
	Step    string
	Token   string
	// Report is the pre-publish check: what keeps the guest from
	// approving (an unfinished draft, a text a network refuses).
	Report  *workflow.Report
	Expires string // when the link stops working, in the organization's zone
}

func (s *Server) guestData(r *http.Request) (*guestPageData, error) {
	tok := r.PathValue("token")
	d := &guestPageData{Token: tok}
	c, p, err := s.wf().OpenGuestLink(r.Context(), s.cfg.Secrets, tok)
	d.Claim, d.Post = c, p
	if err != nil {
		var e *soroe.Error
		if errors.As(err, &e) {
			d.Problem = "error." + e.Message
			return d, nil
		}
		return nil, err
	}
	if d.Org, err = s.db.Org(r.Context(), c.OrgID); err != nil {
		return nil, err
	}
	targets, err := s.db.Targets(r.Context(), c.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	accounts, err := s.db.Accounts(r.Context(), c.OrgID)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		tv := &targetView{Target: t}
		for _, a := range accounts {
			if a.ID == t.AccountID {
				tv.Account = a
			}
		}
		d.Targets = append(d.Targets, tv)
	}
	if d.Media, err = s.db.PostMedia(r.Context(), c.OrgID, p.ID); err != nil {
		return nil, err
	}
	if d.Report, err = s.wf().CheckPost(r.Context(), p, targets, d.Media); err != nil {
		return nil, err
	}
	if c.Step < len(p.Steps) {
		d.Step = p.Steps[c.Step].Name
	}
	exp := time.Unix(c.Expires, 0).In(d.Org.Location())
	if lang(r) == soroe.LangJA {
		d.Expires = exp.Format("2006年1月2日 15:04")
	} else {
		d.Expires = exp.Format("Jan 2, 2006 15:04")
	}
	return d, nil
}

func (s *Server) guestPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.guestData(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	if d.Problem != "" {
		status = http.StatusGone
		if d.Problem == "error.link_invalid" {
			status = http.StatusNotFound
		}
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, status, "guest", s.newPage(w, r, "guest.title", d))
}

func (s *Server) guestDecide(w http.ResponseWriter, r *http.Request) {
	d, err := s.guestData(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	if d.Problem != "" {
		s.render(w, http.StatusGone, "guest", s.newPage(w, r, "guest.title", d))
		return
	}
	_ = r.ParseForm()
	decision := soroe.DecisionApprove
	if r.PostForm.Get("decision") == soroe.DecisionReject {
		decision = soroe.DecisionReject
	}
	c := d.Claim
	_, _, err = s.wf().Decide(r.Context(), c.OrgID, c.PostID, store.Decision{Round: c.Round, Step: c.Step,
		Guest: soroe.Guest{Name: c.Name, Email: c.Email}, Decision: decision, Comment: r.PostForm.Get("comment")})
	p := s.newPage(w, r, "guest.title", d)
	if err != nil {
		s.formError(w, r, "guest", p, err)
		return
	}
	d.Done = decision
	s.render(w, http.StatusOK, "guest", p)
}

func (s *Server) guestMedia(w http.ResponseWriter, r *http.Request) {
	c, _, err := s.wf().OpenGuestLink(r.Context(), s.cfg.Secrets, r.PathValue("token"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	mid, err := strconv.ParseInt(r.PathValue("media"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	m, data, err := s.db.MediaData(r.Context(), c.OrgID, mid)
	if err != nil || m.PostID != c.PostID {
		http.NotFound(w, r)
		return
	}
	serveMedia(w, r, m, data, "private, max-age=300")
}
