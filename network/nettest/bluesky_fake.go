package nettest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Bluesky is a fake PDS built from platforms.md §2 and the lexicons in
// ../shared/reference/bluesky-lexicons: createSession, refreshSession,
// repo.createRecord, repo.getRecord and repo.listRecords for one account.
// It checks what the real PDS checks (JSON bodies, Bearer JWTs, the
// app.bsky.feed.post record and its facets, TID record keys) and answers
// with XRPC error bodies {error, message} and RateLimit-* headers. It also
// answers app.bsky.feed.getPosts and app.bsky.actor.getProfile, as the PDS
// does by proxying them to the AppView (bluesky_metrics_fake.go).
type Bluesky struct {
	*httptest.Server

	Handle, DID, Password string

	mu sync.Mutex
	// Records are the account's posts by record key.
	records map[string]BlueskyRecord
	access  map[string]bool // access JWTs; false = expired
	refresh map[string]bool // live refresh JWTs
	serial  int
	// rateLimit is the createRecord budget left, in calls; 0 answers 429.
	// Negative means unlimited.
	rateLimit int
	// RateLimitReset is the RateLimit-Reset sent (Unix seconds).
	RateLimitReset time.Time
	failNext       []BlueskyFailure
	delay          time.Duration
	// Calls counts requests by NSID.
	calls map[string]int
	// Logins counts successful createSession calls.
	Logins int
	// LastCreate is the last createRecord body received.
	LastCreate map[string]any
	// blobs are the uploaded blobs by CID.
	blobs map[string]BlueskyBlob
	// failUpload are answers uploadBlob gives once instead of its own.
	failUpload []BlueskyFailure
	// reads are the metrics reads (bluesky_metrics_fake.go).
	reads bskyReads
}

// BlueskyBlob is an uploaded blob.
type BlueskyBlob struct {
	CID, MimeType string
	Data          []byte
}

// BlueskyMaxBlob is the fake PDS's upload limit: "blob upload ≤ 50 MB"
// (platforms.md §2).
const BlueskyMaxBlob = 50_000_000

// FailUpload makes the next uploadBlob calls answer these, in order.
func (f *Bluesky) FailUpload(fs ...BlueskyFailure) {
	f.mu.Lock()
	f.failUpload = append(f.failUpload, fs...)
	f.mu.Unlock()
}

// Blobs returns the uploaded blobs by CID.
func (f *Bluesky) Blobs() map[string]BlueskyBlob {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]BlueskyBlob, len(f.blobs))
	for k, v := range f.blobs {
		out[k] = v
	}
	return out
}

// uploadBlob takes the raw bytes with their Content-Type and answers
// {"blob": {"$type":"blob","ref":{"$link":cid},"mimeType","size"}}, as
// com.atproto.repo.uploadBlob does; the CID is content-addressed.
func (f *Bluesky) uploadBlob(w http.ResponseWriter, r *http.Request) {
	ct := r.Header.Get("Content-Type")
	data, err := io.ReadAll(io.LimitReader(r.Body, BlueskyMaxBlob+1))
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.authorize(w, r) {
		return
	}
	if len(f.failUpload) > 0 {
		fl := f.failUpload[0]
		f.failUpload = f.failUpload[1:]
		bskyError(w, fl.Status, fl.Error, fl.Message)
		return
	}
	switch {
	case err != nil:
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "could not read the body")
		return
	case len(data) > BlueskyMaxBlob:
		bskyError(w, http.StatusRequestEntityTooLarge, "PayloadTooLarge", "request entity too large")
		return
	case ct == "" || ct == "application/json" || !strings.Contains(ct, "/"):
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "uploadBlob needs the blob's own Content-Type, not "+ct)
		return
	case len(data) == 0:
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "empty blob")
		return
	}
	sum := sha256.Sum256(data)
	cid := "bafkrei" + hex.EncodeToString(sum[:])[:52]
	if f.blobs == nil {
		f.blobs = map[string]BlueskyBlob{}
	}
	f.blobs[cid] = BlueskyBlob{CID: cid, MimeType: ct, Data: data}
	bskyWriteJSON(w, map[string]any{"blob": map[string]any{"$type": "blob", "ref": map[string]string{"$link": cid},
		"mimeType": ct, "size": len(data)}})
}

// checkBlob checks a blob reference in a record against the uploads; the
// caller holds f.mu.
func (f *Bluesky) checkBlob(v any, path, accept string, maxSize int) string {
	b, _ := v.(map[string]any)
	if t, _ := b["$type"].(string); t != "blob" {
		return path + ` must be a blob ($type "blob")`
	}
	ref, _ := b["ref"].(map[string]any)
	cid, _ := ref["$link"].(string)
	up, ok := f.blobs[cid]
	if !ok {
		return path + " refers to a blob that was not uploaded: " + cid
	}
	mt, _ := b["mimeType"].(string)
	size, _ := b["size"].(float64)
	if mt != up.MimeType || int(size) != len(up.Data) {
		return path + " does not match the uploaded blob"
	}
	if !strings.HasPrefix(mt, accept) {
		return path + " has mimeType " + mt + ", which is not accepted"
	}
	if int(size) > maxSize {
		return fmt.Sprintf("%s is too big (max %d bytes)", path, maxSize)
	}
	return ""
}

// checkEmbed validates a post's embed: app.bsky.embed.images (1–4, each
// with image ≤ 2,000,000 bytes of image/*, alt required, aspectRatio
// width/height ≥ 1) per the lexicon, or app.bsky.embed.video (a video/mp4
// blob; alt optional) [M: the video lexicon is not in the stored copy].
func (f *Bluesky) checkEmbed(e map[string]any) string {
	switch e["$type"] {
	case "app.bsky.embed.images":
		imgs, ok := e["images"].([]any)
		if !ok || len(imgs) == 0 || len(imgs) > 4 {
			return "Record/embed/images must be an array of 1–4 images"
		}
		for i, it := range imgs {
			im, _ := it.(map[string]any)
			p := fmt.Sprintf("Record/embed/images/%d", i)
			if msg := f.checkBlob(im["image"], p+"/image", "image/", 2_000_000); msg != "" {
				return msg
			}
			if _, ok := im["alt"].(string); !ok {
				return p + ` must have the property "alt"`
			}
			if ar, has := im["aspectRatio"]; has {
				m, _ := ar.(map[string]any)
				w, _ := m["width"].(float64)
				h, _ := m["height"].(float64)
				if w < 1 || h < 1 {
					return p + "/aspectRatio must have width and height ≥ 1"
				}
			}
		}
	case "app.bsky.embed.video":
		if msg := f.checkBlob(e["video"], "Record/embed/video", "video/mp4", 100_000_000); msg != "" {
			return msg
		}
		if a, has := e["alt"]; has {
			if _, ok := a.(string); !ok {
				return "Record/embed/alt must be a string"
			}
		}
	case "app.bsky.embed.external", "app.bsky.embed.record", "app.bsky.embed.recordWithMedia":
	default:
		return fmt.Sprintf("Record/embed has an unknown $type %v", e["$type"])
	}
	return ""
}

// BlueskyRecord is a stored post.
type BlueskyRecord struct {
	RKey   string
	URI    string
	CID    string
	Value  map[string]any
	Stored int // order of creation
}

// BlueskyFailure is an answer createRecord gives once instead of its own.
type BlueskyFailure struct {
	Status  int
	Error   string
	Message string
}

// NewBluesky starts a fake PDS for shop.bsky.social with app password
// "abcd-efgh-ijkl-mnop". Close it when done.
func NewBluesky() *Bluesky {
	f := &Bluesky{
		Handle: "shop.bsky.social", DID: "did:plc:u5cwb2mwiv2bfq53cjufe6yn", Password: "abcd-efgh-ijkl-mnop",
		records: map[string]BlueskyRecord{}, access: map[string]bool{}, refresh: map[string]bool{},
		rateLimit: -1, calls: map[string]int{}, reads: bskyReads{limit: -1},
		RateLimitReset: time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC),
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// ExpireAccess makes every access JWT issued so far expired.
func (f *Bluesky) ExpireAccess() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.access {
		f.access[k] = false
	}
}

// RevokeAll forgets every session (as after an app password is revoked).
func (f *Bluesky) RevokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.access, f.refresh = map[string]bool{}, map[string]bool{}
}

// SetRateLimit sets how many createRecord calls are left before 429.
func (f *Bluesky) SetRateLimit(n int) { f.mu.Lock(); f.rateLimit = n; f.mu.Unlock() }

// FailNext makes the next createRecord calls answer these, in order.
func (f *Bluesky) FailNext(fs ...BlueskyFailure) {
	f.mu.Lock()
	f.failNext = append(f.failNext, fs...)
	f.mu.Unlock()
}

// DelayAfterWrite makes createRecord store the post and then wait d
// before answering: a slow server after the request reached it.
func (f *Bluesky) DelayAfterWrite(d time.Duration) { f.mu.Lock(); f.delay = d; f.mu.Unlock() }

// Records returns the stored posts in creation order.
func (f *Bluesky) Records() []BlueskyRecord {
	f.mu.Lock()
	defer f.mu.Unlock()
	rs := make([]BlueskyRecord, 0, len(f.records))
	for _, r := range f.records {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Stored < rs[j].Stored })
	return rs
}

// Calls returns how many requests an NSID received.
func (f *Bluesky) Calls(nsid string) int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls[nsid] }

// AddRecord stores a post as if created earlier (for FindRecent tests).
func (f *Bluesky) AddRecord(rkey, text string, createdAt time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.store(rkey, map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": createdAt.UTC().Format("2006-01-02T15:04:05.000Z")})
}

func (f *Bluesky) store(rkey string, v map[string]any) BlueskyRecord {
	f.serial++
	r := BlueskyRecord{RKey: rkey, URI: "at://" + f.DID + "/app.bsky.feed.post/" + rkey,
		CID: fmt.Sprintf("bafyreifake%06d", f.serial), Value: v, Stored: f.serial}
	f.records[rkey] = r
	return r
}

func bskyError(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": name, "message": msg})
}

func bskyWriteJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func (f *Bluesky) issue() map[string]any {
	f.serial++
	a, r := fmt.Sprintf("access-%d", f.serial), fmt.Sprintf("refresh-%d", f.serial)
	f.access[a], f.refresh[r] = true, true
	return map[string]any{"accessJwt": a, "refreshJwt": r, "handle": f.Handle, "did": f.DID, "active": true}
}

func bskyBearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Bearer ") {
		return "", false
	}
	return strings.TrimPrefix(h, "Bearer "), true
}

func (f *Bluesky) serve(w http.ResponseWriter, r *http.Request) {
	nsid := strings.TrimPrefix(r.URL.Path, "/xrpc/")
	f.mu.Lock()
	f.calls[nsid]++
	f.mu.Unlock()
	procedure := map[string]bool{"com.atproto.server.createSession": true, "com.atproto.server.refreshSession": true,
		"com.atproto.repo.createRecord": true, "com.atproto.repo.uploadBlob": true}
	if procedure[nsid] != (r.Method == http.MethodPost) {
		bskyError(w, http.StatusMethodNotAllowed, "InvalidRequest", "Incorrect HTTP method")
		return
	}
	switch nsid {
	case "com.atproto.server.createSession":
		f.createSession(w, r)
	case "com.atproto.server.refreshSession":
		f.refreshSession(w, r)
	case "com.atproto.repo.createRecord":
		f.createRecord(w, r)
	case "com.atproto.repo.uploadBlob":
		f.uploadBlob(w, r)
	case "com.atproto.repo.getRecord":
		f.getRecord(w, r)
	case "com.atproto.repo.listRecords":
		f.listRecords(w, r)
	case "app.bsky.feed.getPosts":
		f.getPosts(w, r)
	case "app.bsky.actor.getProfile":
		f.getProfile(w, r)
	default:
		bskyError(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
	}
}

func bskyDecodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Wrong request encoding (Content-Type): "+r.Header.Get("Content-Type"))
		return false
	}
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Invalid JSON: "+err.Error())
		return false
	}
	return true
}

func (f *Bluesky) createSession(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Identifier *string `json:"identifier"`
		Password   *string `json:"password"`
	}
	if !bskyDecodeJSON(w, r, &in) {
		return
	}
	if in.Identifier == nil || in.Password == nil {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", `Input must have the property "identifier" and "password"`)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if (*in.Identifier != f.Handle && *in.Identifier != f.DID) || *in.Password != f.Password {
		bskyError(w, http.StatusUnauthorized, "AuthenticationRequired", "Invalid identifier or password")
		return
	}
	f.Logins++
	bskyWriteJSON(w, f.issue())
}

func (f *Bluesky) refreshSession(w http.ResponseWriter, r *http.Request) {
	tok, ok := bskyBearer(r)
	f.mu.Lock()
	defer f.mu.Unlock()
	if !ok {
		bskyError(w, http.StatusUnauthorized, "AuthenticationRequired", "Authentication Required")
		return
	}
	if !f.refresh[tok] {
		bskyError(w, http.StatusBadRequest, "ExpiredToken", "Token has been revoked")
		return
	}
	delete(f.refresh, tok) // refresh tokens rotate
	bskyWriteJSON(w, f.issue())
}

// authorize checks the access JWT; the caller holds f.mu.
func (f *Bluesky) authorize(w http.ResponseWriter, r *http.Request) bool {
	tok, ok := bskyBearer(r)
	if !ok {
		bskyError(w, http.StatusUnauthorized, "AuthenticationRequired", "Authentication Required")
		return false
	}
	live, known := f.access[tok]
	switch {
	case !known:
		bskyError(w, http.StatusUnauthorized, "InvalidToken", "Bad token scope")
		return false
	case !live:
		bskyError(w, http.StatusBadRequest, "ExpiredToken", "Token has expired")
		return false
	}
	return true
}

// rateHeaders are those of the PDS's write limit, which counts points: a
// createRecord costs 3 of the hour's 5,000, so the budget of calls left
// is sent as three times as many points.
func (f *Bluesky) rateHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("RateLimit-Limit", "5000")
	h.Set("RateLimit-Remaining", strconv.Itoa(3*max(f.rateLimit, 0)))
	if f.rateLimit < 0 {
		h.Set("RateLimit-Remaining", "4997") // one post made
	}
	h.Set("RateLimit-Reset", strconv.FormatInt(f.RateLimitReset.Unix(), 10))
	h.Set("RateLimit-Policy", "5000;w=3600")
}

const bskyTIDChars = "234567abcdefghijklmnopqrstuvwxyz"

func bskyIsTID(s string) bool {
	if len(s) != 13 || strings.IndexByte("234567abcdefghij", s[0]) < 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(bskyTIDChars, s[i]) < 0 {
			return false
		}
	}
	return true
}

func (f *Bluesky) createRecord(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	if !bskyDecodeJSON(w, r, &in) {
		return
	}
	f.mu.Lock()
	locked := true
	defer func() {
		if locked {
			f.mu.Unlock()
		}
	}()
	if !f.authorize(w, r) {
		return
	}
	f.LastCreate = in
	f.rateHeaders(w)
	if f.rateLimit == 0 {
		bskyError(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		return
	}
	if len(f.failNext) > 0 {
		fl := f.failNext[0]
		f.failNext = f.failNext[1:]
		bskyError(w, fl.Status, fl.Error, fl.Message)
		return
	}
	if repo, _ := in["repo"].(string); repo != f.DID && repo != f.Handle {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Could not find repo: "+repo)
		return
	}
	if c, _ := in["collection"].(string); c != "app.bsky.feed.post" {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "this fake only stores app.bsky.feed.post, not "+c)
		return
	}
	rec, ok := in["record"].(map[string]any)
	if !ok {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", `Input must have the property "record"`)
		return
	}
	if msg := bskyCheckPost(rec); msg != "" {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", msg)
		return
	}
	if e, has := rec["embed"]; has {
		em, _ := e.(map[string]any)
		if msg := f.checkEmbed(em); msg != "" {
			bskyError(w, http.StatusBadRequest, "InvalidRequest", msg)
			return
		}
	}
	rkey, has := in["rkey"].(string)
	if !has {
		rkey = "3l" // a generated TID: 3l + the serial in base32-sortable
		for i, n := 0, f.serial; i < 11; i, n = i+1, n/32 {
			rkey += string(bskyTIDChars[n%32])
		}
	}
	if !bskyIsTID(rkey) {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Invalid TID: "+rkey)
		return
	}
	if _, dup := f.records[rkey]; dup {
		// [M] the wording of the real PDS is not in platforms.md.
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Record already exists at key: "+rkey)
		return
	}
	if f.rateLimit > 0 {
		f.rateLimit--
		f.rateHeaders(w)
	}
	stored := f.store(rkey, rec)
	delay := f.delay
	f.mu.Unlock()
	locked = false
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	bskyWriteJSON(w, map[string]any{"uri": stored.URI, "cid": stored.CID,
		"commit": map[string]string{"cid": "bafyreicommit", "rev": "3lfakerev"}, "validationStatus": "valid"})
}

// bskyCheckPost validates an app.bsky.feed.post record as the lexicon says.
func bskyCheckPost(rec map[string]any) string {
	if t, _ := rec["$type"].(string); t != "app.bsky.feed.post" {
		return `Record/$type must be "app.bsky.feed.post"`
	}
	text, ok := rec["text"].(string)
	if !ok {
		return `Record must have the property "text"`
	}
	if len(text) > 3000 {
		return "Record/text must not be longer than 3000 characters"
	}
	if uniseg.GraphemeClusterCount(text) > 300 {
		return "Record/text must not be longer than 300 graphemes"
	}
	ca, ok := rec["createdAt"].(string)
	if !ok {
		return `Record must have the property "createdAt"`
	}
	if _, err := time.Parse(time.RFC3339Nano, ca); err != nil {
		return "Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)"
	}
	if l, ok := rec["langs"]; ok {
		ls, ok := l.([]any)
		if !ok || len(ls) > 3 {
			return "Record/langs must be an array of at most 3 languages"
		}
	}
	fs, _ := rec["facets"].([]any)
	for i, fa := range fs {
		fm, _ := fa.(map[string]any)
		idx, _ := fm["index"].(map[string]any)
		bs, ok1 := idx["byteStart"].(float64)
		be, ok2 := idx["byteEnd"].(float64)
		if !ok1 || !ok2 || bs < 0 || be < bs || int(be) > len(text) {
			return fmt.Sprintf("Record/facets/%d/index must be a byteSlice within the text", i)
		}
		if !utf8.ValidString(text[int(bs):int(be)]) {
			return fmt.Sprintf("Record/facets/%d/index does not fall on UTF-8 boundaries", i)
		}
		feats, ok := fm["features"].([]any)
		if !ok {
			return fmt.Sprintf(`Record/facets/%d must have the property "features"`, i)
		}
		for _, ft := range feats {
			m, _ := ft.(map[string]any)
			switch m["$type"] {
			case "app.bsky.richtext.facet#link":
				if u, _ := m["uri"].(string); !strings.Contains(u, ":") {
					return fmt.Sprintf("Record/facets/%d/features/uri must be a uri", i)
				}
			case "app.bsky.richtext.facet#tag":
				t, _ := m["tag"].(string)
				if t == "" || len(t) > 640 || uniseg.GraphemeClusterCount(t) > 64 {
					return fmt.Sprintf("Record/facets/%d/features/tag must be 1–64 graphemes", i)
				}
			case "app.bsky.richtext.facet#mention":
				if d, _ := m["did"].(string); !strings.HasPrefix(d, "did:") {
					return fmt.Sprintf("Record/facets/%d/features/did must be a did", i)
				}
			default:
				return fmt.Sprintf("Record/facets/%d/features has an unknown $type %v", i, m["$type"])
			}
		}
	}
	return ""
}

func (f *Bluesky) getRecord(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	if q.Get("repo") != f.DID && q.Get("repo") != f.Handle {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Could not find repo: "+q.Get("repo"))
		return
	}
	rec, ok := f.records[q.Get("rkey")]
	if q.Get("collection") != "app.bsky.feed.post" || !ok {
		bskyError(w, http.StatusBadRequest, "RecordNotFound", "Could not locate record: at://"+q.Get("repo")+"/"+q.Get("collection")+"/"+q.Get("rkey"))
		return
	}
	bskyWriteJSON(w, map[string]any{"uri": rec.URI, "cid": rec.CID, "value": rec.Value})
}

// listRecords answers newest first (by record key), limit 1–100, with a
// cursor (the last record key returned).
func (f *Bluesky) listRecords(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	if q.Get("repo") != f.DID && q.Get("repo") != f.Handle {
		bskyError(w, http.StatusBadRequest, "InvalidRequest", "Could not find repo: "+q.Get("repo"))
		return
	}
	limit := 50
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			bskyError(w, http.StatusBadRequest, "InvalidRequest", "limit must be 1–100")
			return
		}
		limit = n
	}
	var keys []string
	if q.Get("collection") == "app.bsky.feed.post" {
		for k := range f.records {
			if c := q.Get("cursor"); c == "" || k < c {
				keys = append(keys, k)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	out := map[string]any{}
	recs := []map[string]any{}
	for i, k := range keys {
		if i == limit {
			out["cursor"] = keys[i-1]
			break
		}
		rec := f.records[k]
		recs = append(recs, map[string]any{"uri": rec.URI, "cid": rec.CID, "value": rec.Value})
	}
	out["records"] = recs
	bskyWriteJSON(w, out)
}
