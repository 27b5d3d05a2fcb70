package nettest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

// Threads is a fake Threads API (graph.threads.net/v1.0) built from
// platforms.md §4, for one user: POST /{user-id|me}/threads (TEXT
// containers), GET /{container-id}?fields=status,error_message and
// POST /{user-id|me}/threads_publish?creation_id=…, every call with an
// access_token parameter. Errors use the Graph envelope
// {"error":{"message","type","code","error_subcode","fbtrace_id"}}.
type Threads struct {
	*httptest.Server

	Token  string
	UserID string

	mu         sync.Mutex
	serial     int
	containers map[string]*ThreadsContainer
	posts      []ThreadsPost
	failNext   map[string][]MetaFailure
	delay      time.Duration
	inProgress int
	// Requests counts calls by step: "container", "status", "publish".
	Requests map[string]int
	// LastContainer is the last container request's parameters.
	LastContainer map[string]string
	// VideoPolls is how many status checks a VIDEO container stays
	// IN_PROGRESS.
	VideoPolls int

	metrics metaMetrics
}

// Container returns a container by ID.
func (t *Threads) Container(id string) (ThreadsContainer, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.containers[id]
	if !ok {
		return ThreadsContainer{}, false
	}
	return *c, true
}

// threadsMediaContainer checks and makes an IMAGE, VIDEO or CAROUSEL
// container as the Threads API does: image_url / video_url public URLs,
// is_carousel_item items without text, a CAROUSEL of 2–20 FINISHED items
// of this user, text optional. The caller holds t.mu.
func (t *Threads) threadsMediaContainer(p map[string]string) (*ThreadsContainer, *MetaFailure) {
	bad := func(msg string) (*ThreadsContainer, *MetaFailure) {
		return nil, &MetaFailure{Code: 100, Message: msg}
	}
	c := &ThreadsContainer{MediaType: p["media_type"], Text: p["text"], AltText: p["alt_text"],
		CarouselItem: p["is_carousel_item"] == "true", Status: "FINISHED"}
	switch c.MediaType {
	case "IMAGE":
		if !metaPublicURL(p["image_url"]) {
			return bad("The parameter image_url is required.")
		}
		c.ImageURL = p["image_url"]
	case "VIDEO":
		if !metaPublicURL(p["video_url"]) {
			return bad("The parameter video_url is required.")
		}
		c.VideoURL = p["video_url"]
		if t.VideoPolls > 0 {
			c.Status, c.pollsLeft = "IN_PROGRESS", t.VideoPolls
		}
	case "CAROUSEL":
		if c.CarouselItem {
			return bad("A carousel cannot be a carousel item.")
		}
		kids := strings.Split(p["children"], ",")
		if p["children"] == "" || len(kids) < 2 || len(kids) > 20 {
			return bad("Param children must have 2 to 20 items.")
		}
		for _, k := range kids {
			ch := t.containers[k]
			if ch == nil || !ch.CarouselItem || ch.Status != "FINISHED" {
				return bad("The carousel item " + k + " is not a finished carousel item container.")
			}
		}
		c.Children = kids
	}
	if c.CarouselItem && c.Text != "" {
		return bad("Carousel items cannot have text.")
	}
	c.ID = t.id()
	t.containers[c.ID] = c
	return c, nil
}

func metaPublicURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// ThreadsContainer is a media container.
type ThreadsContainer struct {
	ID, MediaType, Text, Status string
	ImageURL, VideoURL, AltText string
	CarouselItem                bool
	Children                    []string
	pollsLeft                   int
}

// ThreadsPost is a published post.
type ThreadsPost struct {
	ID, ContainerID, Text, MediaType string
	// Media are the image or video URLs, in order (carousel children).
	Media []string
}

// MetaFailure is a Graph error answer given once, with optional response
// headers (X-App-Usage, X-Business-Use-Case-Usage…).
type MetaFailure struct {
	Status    int
	Code      int
	Subcode   int
	Type      string
	Message   string
	UserMsg   string
	Transient bool
	Header    map[string]string
}

// NewThreads starts a fake for Threads user 17841400000000001 with token
// "threads-token".
func NewThreads() *Threads {
	t := &Threads{Token: "threads-token", UserID: "17841400000000001", serial: 17889615691921648,
		containers: map[string]*ThreadsContainer{}, failNext: map[string][]MetaFailure{}, Requests: map[string]int{},
		metrics: newMetaMetrics(threadsMetrics, nil)}
	t.Server = httptest.NewServer(http.HandlerFunc(t.serve))
	return t
}

// FailNext makes the next calls of step ("container", "status",
// "publish") answer these, in order.
func (t *Threads) FailNext(step string, fs ...MetaFailure) {
	t.mu.Lock()
	t.failNext[step] = append(t.failNext[step], fs...)
	t.mu.Unlock()
}

// DelayPublish makes a publish call publish and then answer d late.
func (t *Threads) DelayPublish(d time.Duration) { t.mu.Lock(); t.delay = d; t.mu.Unlock() }

// InProgress makes new containers answer IN_PROGRESS to the next n status
// checks before FINISHED.
func (t *Threads) InProgress(n int) { t.mu.Lock(); t.inProgress = n; t.mu.Unlock() }

// SetContainerStatus sets a container's status (ERROR, EXPIRED…).
func (t *Threads) SetContainerStatus(id, status string) {
	t.mu.Lock()
	if c := t.containers[id]; c != nil {
		c.Status = status
	}
	t.mu.Unlock()
}

// Count returns how many calls of a step ("container", "status",
// "publish") the fake has answered, read under its lock (tests run
// alongside the fake's handlers).
func (t *Threads) Count(step string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.Requests[step]
}

// Posts returns the published posts, oldest first.
func (t *Threads) Posts() []ThreadsPost {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]ThreadsPost(nil), t.posts...)
}

// Containers returns how many containers were created.
func (t *Threads) Containers() int { t.mu.Lock(); defer t.mu.Unlock(); return len(t.containers) }

func (t *Threads) id() string { t.serial++; return strconv.Itoa(t.serial) }

// metaError writes the Graph error envelope.
func metaError(w http.ResponseWriter, f MetaFailure) {
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if f.Type == "" {
		f.Type = "OAuthException"
	}
	if f.Status == 0 {
		f.Status = http.StatusBadRequest
	}
	e := map[string]any{"message": f.Message, "type": f.Type, "code": f.Code, "fbtrace_id": "AbCdEfGh123"}
	if f.Subcode != 0 {
		e["error_subcode"] = f.Subcode
	}
	if f.UserMsg != "" {
		e["error_user_msg"] = f.UserMsg
	}
	if f.Transient {
		e["is_transient"] = true
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(f.Status)
	json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func metaJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(v)
}

// metaParams reads query and form (urlencoded or multipart) parameters.
func metaParams(r *http.Request) (map[string]string, bool) {
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		return nil, false
	}
	p := map[string]string{}
	for k := range r.Form {
		p[k] = r.Form.Get(k)
	}
	return p, true
}

var metaBadToken = MetaFailure{Status: http.StatusBadRequest, Code: 190, Message: "Invalid OAuth access token - Cannot parse access token"}

func (t *Threads) serve(w http.ResponseWriter, r *http.Request) {
	p, ok := metaParams(r)
	if !ok {
		metaError(w, MetaFailure{Code: 100, Message: "Invalid parameter"})
		return
	}
	if p["access_token"] != t.Token {
		metaError(w, metaBadToken)
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1.0"), "/"), "/")
	t.mu.Lock()
	locked := true
	defer func() {
		if locked {
			t.mu.Unlock()
		}
	}()
	step := ""
	switch {
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "threads":
		step = "container"
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "threads_publish":
		step = "publish"
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "insights":
		step = "insights"
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "threads_insights":
		step = "user_insights"
	case r.Method == http.MethodGet && len(parts) == 1:
		step = "status"
	default:
		metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
			Message: "Unsupported request - method type: " + strings.ToLower(r.Method)})
		return
	}
	t.Requests[step]++
	if step != "status" && step != "insights" && parts[0] != "me" && parts[0] != t.UserID {
		metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
			Message: "Object with ID '" + parts[0] + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation"})
		return
	}
	if fs := t.failNext[step]; len(fs) > 0 {
		t.failNext[step] = fs[1:]
		metaError(w, fs[0])
		return
	}
	if step == "insights" || step == "user_insights" {
		t.serveMetrics(w, step, parts[0], p)
		return
	}
	switch step {
	case "container":
		t.LastContainer = p
		switch p["media_type"] {
		case "TEXT":
		case "IMAGE", "VIDEO", "CAROUSEL":
			if res := text.Check(soroe.NetworkThreads, p["text"], text.Options{AllowEmpty: true}); !res.Valid {
				metaError(w, MetaFailure{Code: 100, Message: "Param text is invalid: " + res.Problems[0].Message})
				return
			}
			c, fl := t.threadsMediaContainer(p)
			if fl != nil {
				metaError(w, *fl)
				return
			}
			metaJSON(w, map[string]string{"id": c.ID})
			return
		default:
			metaError(w, MetaFailure{Code: 100, Message: "Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}"})
			return
		}
		if strings.TrimSpace(p["text"]) == "" {
			metaError(w, MetaFailure{Code: 100, Message: "The parameter text is required."})
			return
		}
		res := text.Check(soroe.NetworkThreads, p["text"], text.Options{})
		for _, pr := range res.Problems {
			if pr.Code == text.ProblemTooManyLinks {
				metaError(w, MetaFailure{Code: 100, Message: "THREADS_API__LINK_LIMIT_EXCEEDED: a post may contain at most 5 links"})
				return
			}
			if pr.Code == text.ProblemTooLong {
				metaError(w, MetaFailure{Code: 100, Message: "Param text must be at most 500 characters long."})
				return
			}
		}
		c := &ThreadsContainer{ID: t.id(), MediaType: "TEXT", Text: p["text"], Status: "FINISHED"}
		if t.inProgress > 0 {
			c.Status = "IN_PROGRESS"
		}
		t.containers[c.ID] = c
		metaJSON(w, map[string]string{"id": c.ID})
	case "status":
		c := t.containers[parts[0]]
		if c == nil {
			metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
				Message: "Object with ID '" + parts[0] + "' does not exist"})
			return
		}
		if c.pollsLeft > 0 {
			c.pollsLeft--
			if c.pollsLeft == 0 {
				defer func() { c.Status = "FINISHED" }()
			}
		} else if c.Status == "IN_PROGRESS" {
			if t.inProgress > 0 {
				t.inProgress--
			}
			if t.inProgress == 0 {
				defer func() { c.Status = "FINISHED" }()
			}
		}
		out := map[string]string{"id": c.ID}
		for _, f := range strings.Split(p["fields"], ",") {
			switch f {
			case "status":
				out["status"] = c.Status
			case "error_message":
				if c.Status == "ERROR" {
					out["error_message"] = "FAILED_PROCESSING_TEXT"
				}
			}
		}
		metaJSON(w, out)
	case "publish":
		c := t.containers[p["creation_id"]]
		switch {
		case c == nil:
			metaError(w, MetaFailure{Code: 24, Subcode: 4279009, Message: "The requested resource does not exist"})
			return
		case c.Status == "PUBLISHED":
			metaError(w, MetaFailure{Code: 100, Subcode: 4279002, Type: "THApiException", Message: "The media has already been published"})
			return
		case c.CarouselItem:
			metaError(w, MetaFailure{Code: 100, Message: "A carousel item cannot be published on its own"})
			return
		case c.Status != "FINISHED":
			metaError(w, MetaFailure{Code: 24, Subcode: 4279009, Message: "Media Not Found: the container is " + c.Status})
			return
		}
		c.Status = "PUBLISHED"
		post := ThreadsPost{ID: t.id(), ContainerID: c.ID, Text: c.Text, MediaType: c.MediaType}
		for _, k := range append([]string{c.ID}, c.Children...) {
			if ch := t.containers[k]; ch.ImageURL+ch.VideoURL != "" {
				post.Media = append(post.Media, ch.ImageURL+ch.VideoURL)
			}
		}
		t.posts = append(t.posts, post)
		delay := t.delay
		t.mu.Unlock()
		locked = false
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		metaJSON(w, map[string]string{"id": post.ID})
	}
}
