package nettest

import (
	"encoding/json"
	"html"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rivo/uniseg"

	"github.com/soroe/soroe/text"
)

// Mastodon is a fake Mastodon instance built from platforms.md §3:
// POST /api/v1/statuses (Bearer token, JSON or form, Idempotency-Key kept
// for an hour), GET /api/v1/accounts/verify_credentials and
// GET /api/v1/accounts/:id/statuses, for one account. Answers carry the
// X-RateLimit-* headers (Reset as ISO 8601) and error bodies {"error": …}.
// GET /api/v1/statuses?id[]= and GET /api/v1/statuses/:id give the
// statuses' counts (mastodon_metrics_fake.go).
type Mastodon struct {
	*httptest.Server

	Token     string
	AccountID string
	Username  string

	mu       sync.Mutex
	statuses []MastodonStatus // oldest first
	keys     map[string]mastodonKey
	serial   int
	// rateLimit is the posting budget left; 0 answers 429; negative is
	// unlimited.
	rateLimit int
	// RateLimitReset is the X-RateLimit-Reset sent.
	RateLimitReset time.Time
	// Now is the instance's clock (created_at, key expiry).
	Now      func() time.Time
	failNext []MastodonFailure
	delay    time.Duration
	// PostRequests counts POST /api/v1/statuses requests.
	PostRequests int
	// LastPost is the last accepted status request: its parameters and
	// headers.
	LastPost   map[string]string
	LastHeader http.Header
	// LastMediaIDs are the media_ids[] of the last accepted status.
	LastMediaIDs []string
	// ProcessingPolls is how many GET /api/v1/media/:id answer 206 before
	// an upload is processed; videos are always processed asynchronously
	// (202), images only when this is > 0.
	ProcessingPolls int
	media           map[string]*MastodonMedia
	failUpload      []MastodonFailure
	// MediaRequests counts POST /api/v2/media requests.
	MediaRequests int
	// reads are the metrics reads (mastodon_metrics_fake.go).
	reads mastodonReads
}

// MastodonMedia is an uploaded attachment.
type MastodonMedia struct {
	ID, Type, ContentType, Filename, Description string
	Data                                         []byte
	pollsLeft                                    int
	Attached                                     bool
}

// FailUpload makes the next POST /api/v2/media answer these, in order.
func (m *Mastodon) FailUpload(fs ...MastodonFailure) {
	m.mu.Lock()
	m.failUpload = append(m.failUpload, fs...)
	m.mu.Unlock()
}

// Media returns an uploaded attachment by ID.
func (m *Mastodon) Media(id string) (MastodonMedia, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	md, ok := m.media[id]
	if !ok {
		return MastodonMedia{}, false
	}
	return *md, true
}

func (m *Mastodon) mediaJSON(md *MastodonMedia) map[string]any {
	var u any
	if md.pollsLeft == 0 {
		u = m.URL + "/system/media_attachments/files/" + md.ID + "/original"
	}
	var desc any
	if md.Description != "" {
		desc = md.Description
	}
	return map[string]any{"id": md.ID, "type": md.Type, "url": u, "preview_url": u, "description": desc}
}

// uploadMedia is POST /api/v2/media (multipart "file", optional
// "description"): 200 with the attachment when processed at once, 202 with
// url null when processing goes on (always for video); the caller holds
// m.mu.
func (m *Mastodon) uploadMedia(w http.ResponseWriter, r *http.Request) {
	m.MediaRequests++
	if len(m.failUpload) > 0 {
		f := m.failUpload[0]
		m.failUpload = m.failUpload[1:]
		mastodonErr(w, f.Status, f.Error)
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: File can't be blank")
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		mastodonErr(w, http.StatusBadRequest, "Error while parsing request body")
		return
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) != 1 {
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: File can't be blank")
		return
	}
	fh := fhs[0]
	ft := fh.Header.Get("Content-Type")
	typ := ""
	switch {
	case ft == "image/gif":
		typ = "gifv"
	case strings.HasPrefix(ft, "image/") && ft != "image/svg+xml":
		typ = "image"
	case ft == "video/mp4" || ft == "video/quicktime" || ft == "video/webm":
		typ = "video"
	default:
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: File content type is invalid, File is invalid")
		return
	}
	limit := int64(16 << 20)
	if typ != "image" {
		limit = 99 << 20
	}
	if fh.Size > limit {
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: File file size must be less than "+strconv.FormatInt(limit>>20, 10)+" MB")
		return
	}
	f, err := fh.Open()
	if err != nil {
		mastodonErr(w, http.StatusBadRequest, "Error while parsing request body")
		return
	}
	data, _ := io.ReadAll(f)
	f.Close()
	if desc := r.FormValue("description"); len([]rune(desc)) > 1500 {
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: Description is too long (maximum is 1500 characters)")
		return
	}
	m.serial++
	md := &MastodonMedia{ID: strconv.Itoa(m.serial), Type: typ, ContentType: ft, Filename: fh.Filename,
		Description: r.FormValue("description"), Data: data, pollsLeft: m.ProcessingPolls}
	if typ != "image" && md.pollsLeft == 0 {
		md.pollsLeft = 1
	}
	if m.media == nil {
		m.media = map[string]*MastodonMedia{}
	}
	m.media[md.ID] = md
	if md.pollsLeft > 0 {
		mastodonWriteJSONStatus(w, http.StatusAccepted, m.mediaJSON(md))
		return
	}
	mastodonWriteJSON(w, m.mediaJSON(md))
}

// getMedia is GET /api/v1/media/:id: 206 while processing, 200 after.
func (m *Mastodon) getMedia(w http.ResponseWriter, id string) {
	md, ok := m.media[id]
	if !ok {
		mastodonErr(w, http.StatusNotFound, "Record not found")
		return
	}
	if md.pollsLeft > 0 {
		md.pollsLeft--
		mastodonWriteJSONStatus(w, http.StatusPartialContent, m.mediaJSON(&MastodonMedia{ID: md.ID, Type: md.Type, pollsLeft: 1}))
		return
	}
	mastodonWriteJSON(w, m.mediaJSON(md))
}

// checkMediaIDs checks a status's media_ids[] as the instance does: at
// most 4, all uploaded by this account and processed, a video alone.
func (m *Mastodon) checkMediaIDs(ids []string) string {
	if len(ids) > 4 {
		return "Validation failed: Media attachments too many"
	}
	video := false
	for _, id := range ids {
		md, ok := m.media[id]
		if !ok {
			return "Validation failed: Media attachments is invalid"
		}
		if md.pollsLeft > 0 {
			return "Cannot attach files that have not finished processing. Try again in a moment!"
		}
		video = video || md.Type == "video" || md.Type == "gifv"
	}
	if video && len(ids) > 1 {
		return "Cannot attach a video to a post that already contains images"
	}
	return ""
}

func mastodonWriteJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

type mastodonKey struct {
	id string
	at time.Time
}

// MastodonStatus is a stored status; Text is what was posted, Content its
// HTML rendering.
type MastodonStatus struct {
	ID, URL, Text, Content, Visibility, Language string
	CreatedAt                                    time.Time
}

// MastodonFailure is an answer POST /api/v1/statuses gives once.
type MastodonFailure struct {
	Status int
	Error  string
}

// NewMastodon starts a fake instance for @shop with token "token-shop".
func NewMastodon() *Mastodon {
	m := &Mastodon{Token: "token-shop", AccountID: "109384", Username: "shop",
		keys: map[string]mastodonKey{}, rateLimit: -1, serial: 103254962155278888, reads: mastodonReads{limit: -1, batch: true},
		RateLimitReset: time.Date(2026, 11, 23, 0, 35, 0, 19685000, time.UTC),
		Now:            func() time.Time { return time.Now().UTC() }}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	return m
}

// SetRateLimit sets how many statuses may be posted before 429.
func (m *Mastodon) SetRateLimit(n int) { m.mu.Lock(); m.rateLimit = n; m.mu.Unlock() }

// FailNext makes the next status posts answer these, in order.
func (m *Mastodon) FailNext(fs ...MastodonFailure) {
	m.mu.Lock()
	m.failNext = append(m.failNext, fs...)
	m.mu.Unlock()
}

// DelayAfterWrite makes a status post be stored and then answered d late.
func (m *Mastodon) DelayAfterWrite(d time.Duration) { m.mu.Lock(); m.delay = d; m.mu.Unlock() }

// Statuses returns the stored statuses, oldest first.
func (m *Mastodon) Statuses() []MastodonStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]MastodonStatus(nil), m.statuses...)
}

// AddStatus stores a status as if posted at t.
func (m *Mastodon) AddStatus(textBody string, t time.Time) MastodonStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.store(textBody, "public", "", t)
}

func (m *Mastodon) store(s, vis, lang string, t time.Time) MastodonStatus {
	m.serial++
	id := strconv.Itoa(m.serial)
	st := MastodonStatus{ID: id, URL: m.URL + "/@" + m.Username + "/" + id, Text: s, Content: m.render(s),
		Visibility: vis, Language: lang, CreatedAt: t.UTC()}
	m.statuses = append(m.statuses, st)
	return st
}

// render formats text as Mastodon does: paragraphs, <br />, linked URLs
// split into invisible and visible spans, linked hashtags, escaped text.
func (m *Mastodon) render(s string) string {
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		b.WriteString("<p>")
		rs := []rune(para)
		type ent struct {
			start, end int
			html       string
		}
		var es []ent
		for _, u := range text.ExtractURLs(para, false) {
			proto := u.Text[:strings.Index(u.Text, "://")+3]
			rest := u.Text[len(proto):]
			vis, invis := rest, ""
			if r := []rune(rest); len(r) > 30 {
				vis, invis = string(r[:30]), string(r[30:])
			}
			es = append(es, ent{u.Start, u.End, `<a href="` + html.EscapeString(u.Text) + `" target="_blank" rel="nofollow noopener" translate="no">` +
				`<span class="invisible">` + html.EscapeString(proto) + `</span><span class="ellipsis">` + html.EscapeString(vis) +
				`</span><span class="invisible">` + html.EscapeString(invis) + `</span></a>`})
		}
		for _, h := range text.ExtractHashtags(para) {
			es = append(es, ent{h.Start, h.End, `<a href="` + m.URL + `/tags/` + html.EscapeString(h.Text) +
				`" class="mention hashtag" rel="tag">#<span>` + html.EscapeString(h.Text) + `</span></a>`})
		}
		pos := 0
		for pos <= len(rs) {
			next := -1
			for i, e := range es {
				if e.start >= pos && (next < 0 || e.start < es[next].start) {
					next = i
				}
			}
			end := len(rs)
			if next >= 0 {
				end = es[next].start
			}
			b.WriteString(strings.ReplaceAll(html.EscapeString(string(rs[pos:end])), "\n", "<br />"))
			if next < 0 {
				break
			}
			b.WriteString(es[next].html)
			pos = es[next].end
		}
		b.WriteString("</p>")
	}
	return b.String()
}

func mastodonErr(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (m *Mastodon) statusJSON(st MastodonStatus) map[string]any {
	var lang any
	if st.Language != "" {
		lang = st.Language
	}
	out := map[string]any{"id": st.ID, "created_at": st.CreatedAt.Format("2006-01-02T15:04:05.000Z"),
		"uri": m.URL + "/users/" + m.Username + "/statuses/" + st.ID, "url": st.URL, "content": st.Content,
		"visibility": st.Visibility, "language": lang, "replies_count": 0, "reblogs_count": 0, "favourites_count": 0, "quotes_count": 0,
		"account": map[string]any{"id": m.AccountID, "username": m.Username, "acct": m.Username}}
	m.counts(st.ID, out)
	return out
}

func (m *Mastodon) serve(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	locked := true
	defer func() {
		if locked {
			m.mu.Unlock()
		}
	}()
	h := w.Header()
	remaining := m.rateLimit
	if remaining < 0 {
		remaining = 299
	}
	h.Set("X-RateLimit-Limit", "300")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", m.RateLimitReset.Format("2006-01-02T15:04:05.000000Z"))
	if r.Header.Get("Authorization") != "Bearer "+m.Token {
		mastodonErr(w, http.StatusUnauthorized, "The access token is invalid")
		return
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost && path == "/api/v1/statuses":
		m.postStatus(w, r, &locked)
	case r.Method == http.MethodPost && path == "/api/v2/media":
		m.uploadMedia(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/api/v1/media/"):
		m.getMedia(w, strings.TrimPrefix(path, "/api/v1/media/"))
	case r.Method == http.MethodGet && path == "/api/v1/accounts/verify_credentials":
		mastodonWriteJSON(w, map[string]any{"id": m.AccountID, "username": m.Username, "acct": m.Username, "url": m.URL + "/@" + m.Username,
			"followers_count": m.reads.followers, "following_count": 12, "statuses_count": len(m.statuses)})
	case r.Method == http.MethodGet && path == "/api/v1/statuses":
		m.getStatuses(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/api/v1/statuses/") && !strings.Contains(path[len("/api/v1/statuses/"):], "/"):
		m.getStatus(w, path[len("/api/v1/statuses/"):])
	case r.Method == http.MethodGet && path == "/api/v1/accounts/"+m.AccountID+"/statuses":
		limit := 20
		if l := r.URL.Query().Get("limit"); l != "" {
			n, err := strconv.Atoi(l)
			if err == nil {
				limit = min(max(n, 1), 40)
			}
		}
		out := []map[string]any{}
		for i := len(m.statuses) - 1; i >= 0 && len(out) < limit; i-- {
			out = append(out, m.statusJSON(m.statuses[i]))
		}
		mastodonWriteJSON(w, out)
	case strings.HasPrefix(path, "/api/v1/accounts/"):
		mastodonErr(w, http.StatusNotFound, "Record not found")
	default:
		mastodonErr(w, http.StatusNotFound, "Not found")
	}
}

// postStatus is POST /api/v1/statuses; the caller holds m.mu.
func (m *Mastodon) postStatus(w http.ResponseWriter, r *http.Request, locked *bool) {
	m.PostRequests++
	params := map[string]string{}
	var mediaIDs []string
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			mastodonErr(w, http.StatusBadRequest, "Error while parsing request body")
			return
		}
		for k, v := range in {
			if s, ok := v.(string); ok {
				params[k] = s
			}
		}
		if ids, ok := in["media_ids"].([]any); ok {
			for _, id := range ids {
				s, _ := id.(string)
				mediaIDs = append(mediaIDs, s)
			}
		}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
			mastodonErr(w, http.StatusBadRequest, "Error while parsing request body")
			return
		}
		for k := range r.PostForm {
			params[k] = r.PostForm.Get(k)
		}
		mediaIDs = r.PostForm["media_ids[]"]
	}
	now := m.Now().UTC()
	// A key seen in the last hour returns the status it made.
	key := r.Header.Get("Idempotency-Key")
	if k, ok := m.keys[key]; key != "" && ok && now.Sub(k.at) < time.Hour {
		for _, st := range m.statuses {
			if st.ID == k.id {
				mastodonWriteJSON(w, m.statusJSON(st))
				return
			}
		}
	}
	if m.rateLimit == 0 {
		mastodonErr(w, http.StatusTooManyRequests, "Too many requests")
		return
	}
	if len(m.failNext) > 0 {
		f := m.failNext[0]
		m.failNext = m.failNext[1:]
		mastodonErr(w, f.Status, f.Error)
		return
	}
	s := params["status"]
	if msg := m.checkMediaIDs(mediaIDs); msg != "" {
		mastodonErr(w, http.StatusUnprocessableEntity, msg)
		return
	}
	if strings.TrimSpace(s) == "" && len(mediaIDs) == 0 {
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: Text can't be blank")
		return
	}
	if mastodonLength(s) > 500 {
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: Text character limit of 500 exceeded")
		return
	}
	vis := params["visibility"]
	if vis == "" {
		vis = "public"
	}
	if vis != "public" && vis != "unlisted" && vis != "private" && vis != "direct" {
		mastodonErr(w, http.StatusUnprocessableEntity, "Validation failed: Visibility is not included in the list")
		return
	}
	if m.rateLimit > 0 {
		m.rateLimit--
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(m.rateLimit))
	}
	m.LastPost, m.LastHeader, m.LastMediaIDs = params, r.Header.Clone(), mediaIDs
	for _, id := range mediaIDs {
		m.media[id].Attached = true
	}
	st := m.store(s, vis, params["language"], now)
	if key != "" {
		m.keys[key] = mastodonKey{id: st.ID, at: now}
	}
	delay := m.delay
	m.mu.Unlock()
	*locked = false
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	m.mu.Lock()
	body := m.statusJSON(st)
	m.mu.Unlock()
	mastodonWriteJSON(w, body)
}

// mastodonLength counts as StatusLengthValidator does: graphemes, with
// every http(s) URL as 23 (mentions are not shortened here).
func mastodonLength(s string) int {
	n := uniseg.GraphemeClusterCount(s)
	for _, u := range text.ExtractURLs(s, false) {
		n += 23 - uniseg.GraphemeClusterCount(u.Text)
	}
	return n
}

func mastodonWriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}
