package web

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// Tracked links (/l/{code}), the thank-you page's script and pixel, and
// conversions (issue 9, "Outcomes").

func (s *Server) registerLinks() error {
	pub := soroe.ActPublic
	return errors.Join(
		s.handle("GET /l/{code}", pub, false, http.HandlerFunc(s.linkRedirect)),
		s.handle("HEAD /l/{code}", pub, false, http.HandlerFunc(s.linkRedirect)),
		s.handle("GET /t.gif", pub, false, http.HandlerFunc(s.pixel)),
		s.handle("GET /t.js", pub, false, http.HandlerFunc(s.trackScript)),
		s.api("POST /api/v1/conversions", soroe.ActConversionSend, s.apiRecordConversion),
		s.api("GET /api/v1/conversions", soroe.ActConversionRead, s.apiConversions),
		s.api("GET /api/v1/link-settings", soroe.ActConversionRead, s.apiLinkSettings),
		s.api("PATCH /api/v1/link-settings", soroe.ActLinkManage, s.apiUpdateLinkSettings),
		s.api("GET /api/v1/posts/{post}/links", soroe.ActPostRead, s.apiPostLinks),
		s.api("PUT /api/v1/posts/{post}/tracking", soroe.ActPostWrite, s.apiSetPostTracking),
		s.ui("GET /org/links", soroe.ActLinkManage, s.linkSettingsForm),
		s.ui("POST /org/links", soroe.ActLinkManage, s.updateLinkSettings),
	)
}

// clickBatcher buffers clicks in memory and writes them in batches, so a
// redirect never waits on the database. Close flushes what is left.
type clickBatcher struct {
	in      chan soroe.Click
	done    chan struct{}
	write   func(context.Context, []soroe.Click) error
	every   time.Duration
	max     int
	onError func(error, int)
	once    sync.Once
	mu      sync.RWMutex // held for reading by senders; Close takes it to stop them
	closed  bool
}

func newClickBatcher(write func(context.Context, []soroe.Click) error, every time.Duration, max int, onError func(error, int)) *clickBatcher {
	b := &clickBatcher{in: make(chan soroe.Click, 4*max), done: make(chan struct{}), write: write, every: every, max: max, onError: onError}
	go b.run()
	return b
}

// Add queues a click; it blocks only when the buffer is full (the
// database is far behind).
func (b *clickBatcher) Add(c soroe.Click) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		// After shutdown: write it directly rather than lose it.
		b.flush([]soroe.Click{c})
		return
	}
	b.in <- c
}

func (b *clickBatcher) run() {
	defer close(b.done)
	t := time.NewTicker(b.every)
	defer t.Stop()
	batch := make([]soroe.Click, 0, b.max)
	for {
		select {
		case c, ok := <-b.in:
			if !ok {
				b.flush(batch)
				return
			}
			batch = append(batch, c)
			if len(batch) >= b.max {
				b.flush(batch)
				batch = batch[:0]
			}
		case <-t.C:
			if len(batch) > 0 {
				b.flush(batch)
				batch = batch[:0]
			}
		}
	}
}

func (b *clickBatcher) flush(batch []soroe.Click) {
	if len(batch) == 0 {
		return
	}
	var err error
	for try := range 3 { // a busy database: try again shortly
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = b.write(ctx, batch)
		cancel()
		if err == nil {
			return
		}
		time.Sleep(time.Duration(try+1) * 100 * time.Millisecond)
	}
	b.onError(err, len(batch))
}

// Close writes every queued click and stops the flusher.
func (b *clickBatcher) Close() {
	b.once.Do(func() {
		b.mu.Lock()
		b.closed = true
		close(b.in)
		b.mu.Unlock()
		<-b.done
	})
}

// linkCache keeps looked-up codes for a while: a post's link gets its
// clicks in bursts.
type linkCache struct {
	mu sync.Mutex
	m  map[string]linkEntry
}

type linkEntry struct {
	l  *soroe.Link
	at time.Time
}

const linkCacheTTL = 5 * time.Minute

func (s *Server) link(ctx context.Context, code string) (*soroe.Link, error) {
	now := time.Now()
	s.linkc.mu.Lock()
	e, ok := s.linkc.m[code]
	s.linkc.mu.Unlock()
	if ok && now.Sub(e.at) < linkCacheTTL {
		return e.l, nil
	}
	l, err := s.db.LinkByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	s.linkc.mu.Lock()
	if len(s.linkc.m) > 10000 {
		clear(s.linkc.m)
	}
	s.linkc.m[code] = linkEntry{l, now}
	s.linkc.mu.Unlock()
	return l, nil
}

// ClickParams are what a redirect reads from its request.
type ClickParams struct {
	Code         string
	ReferrerHost string
	UAClass      string
	Bot          bool
}

// parseClick reads a click request; ok is false for a code that cannot be
// one.
func parseClick(method, code, referrer, userAgent string) (p ClickParams, ok bool) {
	if !soroe.ValidLinkCode(code) {
		return p, false
	}
	p.Code = code
	p.UAClass, p.Bot = soroe.ClassifyUserAgent(userAgent)
	if method != http.MethodGet {
		p.Bot = true // HEAD: a link checker
	}
	if u, err := url.Parse(referrer); err == nil && u.Host != "" {
		p.ReferrerHost = strings.ToLower(u.Hostname())
	}
	return p, true
}

func (s *Server) linkRedirect(w http.ResponseWriter, r *http.Request) {
	p, ok := parseClick(r.Method, r.PathValue("code"), r.Referer(), r.UserAgent())
	var l *soroe.Link
	var err error
	if ok {
		l, err = s.link(r.Context(), p.Code)
	}
	if !ok || errors.Is(err, soroe.ErrNotFound) {
		linkNotFound(w)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if !p.Bot {
		s.clicks.Add(soroe.Click{LinkID: l.ID, OrgID: l.OrgID, At: s.now().UTC(), ReferrerHost: p.ReferrerHost, UAClass: p.UAClass})
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer-when-downgrade")
	http.Redirect(w, r, soroe.WithParam(l.Destination, "soroe_c", l.Code), http.StatusFound)
}

func linkNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte(`<!doctype html><html lang="ja"><meta charset="utf-8"><title>404</title>` +
		`<h1>リンクが見つかりません</h1><p>The link was not found.</p></html>`))
}

// PixelParams are what the pixel reads from its query.
type PixelParams struct {
	SiteKey, Event, Code, Key string
	Value                     *float64
}

// parsePixel reads the pixel's query: k (site key), e (event), c (click
// code, optional), v (value, optional), id (an idempotency key, optional).
func parsePixel(q url.Values) (PixelParams, error) {
	p := PixelParams{SiteKey: q.Get("k"), Event: strings.ToLower(strings.TrimSpace(q.Get("e"))), Code: q.Get("c"), Key: q.Get("id")}
	switch {
	case !strings.HasPrefix(p.SiteKey, "sk_") || len(p.SiteKey) > 40:
		return p, soroe.Invalid("k", "invalid")
	case p.Code != "" && !soroe.ValidLinkCode(p.Code):
		return p, soroe.Invalid("c", "invalid")
	case len(p.Key) > 100:
		return p, soroe.Invalid("id", "too_long")
	}
	if v := q.Get("v"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f != f || f > 1e12 || f < -1e12 {
			return p, soroe.Invalid("v", "invalid")
		}
		p.Value = &f
	}
	c := soroe.Conversion{Event: p.Event, Source: soroe.ConversionPixel, Value: p.Value}
	return p, c.Validate()
}

var gif1x1, _ = base64.StdEncoding.DecodeString("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")

// pixel records a conversion from the thank-you page. It answers the
// 1×1 GIF whatever happens (a page must not break), with the status
// telling what happened.
func (s *Server) pixel(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/gif")
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusOK
	p, err := parsePixel(r.URL.Query())
	if err == nil && !s.pixelLimit.allow(p.SiteKey+"|"+s.clientIP(r), time.Now()) {
		status = http.StatusTooManyRequests
	} else if err != nil {
		status = http.StatusBadRequest
	} else if set, err := s.db.LinkSettingsBySiteKey(r.Context(), p.SiteKey); err != nil {
		status = http.StatusBadRequest
	} else {
		c := &soroe.Conversion{OrgID: set.OrgID, Event: p.Event, Value: p.Value, Code: p.Code, Source: soroe.ConversionPixel, IdempotencyKey: p.Key}
		if _, err := s.db.RecordConversion(r.Context(), c); err != nil {
			s.log.Warn("pixel conversion", "err", err)
			status = http.StatusBadRequest
		}
	}
	w.WriteHeader(status)
	_, _ = w.Write(gif1x1)
}

// trackScript is the first-party script for the customer's site: on a
// landing page it keeps soroe_c in the site's own storage; on a thank-you
// page, soroe("event", value) sends the pixel with it.
func (s *Server) trackScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	_, _ = w.Write([]byte(strings.ReplaceAll(trackJS, "__BASE__", base)))
}

const trackJS = `(function(w,d){"use strict";
var s=d.currentScript,k=s&&s.getAttribute("data-site-key"),base="__BASE__"||(s?new URL(s.src).origin:"");
var K="soroe_c",T="soroe_c_at",m=/[?&]soroe_c=([0-9A-Za-z]{4,32})/.exec(w.location.search);
try{if(m){w.localStorage.setItem(K,m[1]);w.localStorage.setItem(T,String(Date.now()));}}catch(e){}
function code(){try{return w.localStorage.getItem(K)||"";}catch(e){return "";}}
w.soroe=function(ev,v,id){if(!k||!ev)return;var q="k="+encodeURIComponent(k)+"&e="+encodeURIComponent(ev)+"&c="+encodeURIComponent(code());
if(v!=null)q+="&v="+encodeURIComponent(v);if(id)q+="&id="+encodeURIComponent(id);(new Image(1,1)).src=base+"/t.gif?"+q;};
var ev=s&&s.getAttribute("data-event");if(ev)w.soroe(ev,s.getAttribute("data-value"),s.getAttribute("data-id"));
})(window,document);
`

// pixelLimiter allows a few pixel hits per key a minute (junk guard).
type pixelLimiter struct {
	mu sync.Mutex
	m  map[string][]time.Time
}

const pixelPerMinute = 30

func (l *pixelLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil || len(l.m) > 50000 {
		l.m = map[string][]time.Time{}
	}
	hits := l.m[key]
	i := 0
	for i < len(hits) && now.Sub(hits[i]) > time.Minute {
		i++
	}
	hits = hits[i:]
	if len(hits) >= pixelPerMinute {
		l.m[key] = hits
		return false
	}
	l.m[key] = append(hits, now)
	return true
}

type conversionInput struct {
	Event      string   `json:"event"`
	Value      *float64 `json:"value"`
	Code       string   `json:"code"`
	UTMSource  string   `json:"utm_source"`
	UTMMedium  string   `json:"utm_medium"`
	UTMCamp    string   `json:"utm_campaign"`
	UTMContent string   `json:"utm_content"`
	OccurredAt *string  `json:"occurred_at"`
}

func (s *Server) apiRecordConversion(w http.ResponseWriter, r *http.Request) {
	var in conversionInput
	if !s.decode(w, r, &in) {
		return
	}
	c := &soroe.Conversion{OrgID: who(r).Org.ID, Event: in.Event, Value: in.Value, Code: in.Code,
		UTMSource: in.UTMSource, UTMContent: in.UTMContent, Source: soroe.ConversionAPI,
		IdempotencyKey: strings.TrimSpace(r.Header.Get("Idempotency-Key"))}
	if in.OccurredAt != nil {
		t, err := time.Parse(time.RFC3339, *in.OccurredAt)
		if err != nil {
			s.apiError(w, r, soroe.Invalid("occurred_at", "invalid_instant"))
			return
		}
		c.At = t
	}
	created, err := s.db.RecordConversion(r.Context(), c)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, status, c)
}

func (s *Server) apiConversions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	to := s.now().UTC().Add(time.Second)
	from := to.AddDate(0, 0, -30)
	var err error
	if v := q.Get("from"); v != "" {
		if from, err = time.Parse(time.RFC3339, v); err != nil {
			s.apiError(w, r, soroe.Invalid("from", "invalid_instant"))
			return
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = time.Parse(time.RFC3339, v); err != nil {
			s.apiError(w, r, soroe.Invalid("to", "invalid_instant"))
			return
		}
	}
	limit := 100
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v > 0 && v <= 500 {
		limit = v
	}
	cs, err := s.db.Conversions(r.Context(), who(r).Org.ID, from, to, limit)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"conversions": nonNil(cs)})
}

func (s *Server) apiLinkSettings(w http.ResponseWriter, r *http.Request) {
	set, err := s.db.LinkSettings(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

func (s *Server) apiUpdateLinkSettings(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Track      *bool `json:"track"`
		WindowDays *int  `json:"attribution_window_days"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	set, err := s.db.LinkSettings(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Track != nil {
		set.Track = *in.Track
	}
	if in.WindowDays != nil {
		set.WindowDays = *in.WindowDays
	}
	if err := s.db.SetLinkSettings(r.Context(), set); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, set)
}

func (s *Server) apiPostLinks(w http.ResponseWriter, r *http.Request) {
	org := who(r).Org.ID
	id, err := pathID(r, "post")
	if err == nil {
		_, err = s.db.Post(r.Context(), org, id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	ls, err := s.db.PostLinks(r.Context(), org, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	track, err := s.db.PostTracking(r.Context(), org, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.db.PostOutcomes(r.Context(), org, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	o := out[id]
	if o == nil {
		o = &store.PostOutcome{Conversions: map[string]int64{}}
	}
	writeJSON(w, http.StatusOK, map[string]any{"track": track, "links": nonNil(ls), "clicks": o.Clicks, "conversions": o.Conversions})
}

func (s *Server) apiSetPostTracking(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Track *bool `json:"track"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	id, err := pathID(r, "post")
	if err == nil && in.Track == nil {
		err = soroe.Invalid("track", "required")
	}
	if err == nil {
		err = s.checkOwnPost(r, id)
	}
	if err == nil {
		err = s.db.SetPostTracking(r.Context(), who(r).Org.ID, id, *in.Track)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"track": *in.Track})
}

// checkOwnPost applies the staff rule of post.write: own posts only.
func (s *Server) checkOwnPost(r *http.Request, postID int64) error {
	id := who(r)
	p, err := s.db.Post(r.Context(), id.Org.ID, postID)
	if err != nil {
		return err
	}
	if id.Role == soroe.RoleStaff && p.AuthorID != id.User.ID {
		return &soroe.Error{Code: soroe.EForbidden, Message: "forbidden"}
	}
	return nil
}

type linksPage struct{ Base, SiteKey string }

func (s *Server) linksPageData(r *http.Request, set *soroe.LinkSettings) linksPage {
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	if base == "" {
		base = "https://" + r.Host
	}
	return linksPage{Base: base, SiteKey: set.SiteKey}
}

func (s *Server) linkSettingsForm(w http.ResponseWriter, r *http.Request) {
	set, err := s.db.LinkSettings(r.Context(), who(r).Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "links.title", s.linksPageData(r, set))
	track := ""
	if set.Track {
		track = "1"
	}
	p.Form = map[string][]string{"track": {track}, "attribution_window_days": {strconv.Itoa(set.WindowDays)}}
	s.render(w, http.StatusOK, "links", p)
}

func (s *Server) updateLinkSettings(w http.ResponseWriter, r *http.Request) {
	set, err := s.db.LinkSettings(r.Context(), who(r).Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	set.Track = r.PostFormValue("track") == "1"
	set.WindowDays, err = strconv.Atoi(r.PostFormValue("attribution_window_days"))
	if err != nil {
		set.WindowDays = 0 // out of range: the form says so
	}
	if err := s.db.SetLinkSettings(r.Context(), set); err != nil {
		s.formError(w, r, "links", s.newPage(w, r, "links.title", s.linksPageData(r, set)), err)
		return
	}
	s.flash(r, "flash.saved")
	redirect(w, r, "/org/links")
}

// fillTracking sets the editor's "track this link" box from the post's
// choice (or the organization's default) unless the form already has it.
func (s *Server) fillTracking(r *http.Request, p *soroe.Post, form url.Values) {
	if form == nil || form.Get("track_link_shown") != "" {
		return
	}
	var on bool
	var err error
	if p != nil {
		on, err = s.db.PostTracking(r.Context(), who(r).Org.ID, p.ID)
	} else {
		var set *soroe.LinkSettings
		if set, err = s.db.LinkSettings(r.Context(), who(r).Org.ID); err == nil {
			on = set.Track
		}
	}
	if err != nil {
		s.log.Warn("links: tracking choice", "err", err)
	}
	if on {
		form.Set("track_link", "1")
	}
}

// saveTracking keeps the editor's "track this link" box.
func (s *Server) saveTracking(r *http.Request, postID int64) {
	if r.PostForm.Get("track_link_shown") == "" {
		return
	}
	if err := s.db.SetPostTracking(r.Context(), who(r).Org.ID, postID, r.PostForm.Get("track_link") == "1"); err != nil {
		s.log.Warn("links: saving the tracking choice", "post_id", postID, "err", err)
	}
}
