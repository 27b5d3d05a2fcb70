package nettest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/soroe/soroe/text"
)

// Instagram is a fake Instagram Graph API built from platforms.md §5, for
// one professional account: POST /{ig-user-id|me}/media (image containers:
// image_url, caption), GET /{container-id}?fields=status_code and
// POST /{ig-user-id|me}/media_publish?creation_id=…, every call with an
// access_token parameter, errors in the Graph envelope. The publishing
// quota (SetQuota) answers code 9, subcode 2207042.
type Instagram struct {
	*httptest.Server

	Token  string
	UserID string

	mu         sync.Mutex
	serial     int
	containers map[string]*InstagramContainer
	posts      []InstagramPost
	failNext   map[string][]MetaFailure
	delay      time.Duration
	inProgress int
	quota      int
	// HashtagCap is the most hashtags a caption may have (30, the API
	// reference's rule; Instagram announced 5 in December 2025).
	HashtagCap int
	// Requests counts calls by step: "container", "status", "publish".
	Requests map[string]int
	// LastContainer is the last container request's parameters.
	LastContainer map[string]string
	// VideoPolls is how many status checks a video (REELS or carousel
	// VIDEO) container stays IN_PROGRESS.
	VideoPolls int

	metrics metaMetrics
}

// InstagramContainer is a media container.
type InstagramContainer struct {
	ID, ImageURL, Caption, Status string
	MediaType, VideoURL, AltText  string
	CarouselItem                  bool
	Children                      []string
	pollsLeft                     int
}

// InstagramPost is a published post.
type InstagramPost struct {
	ID, ContainerID, ImageURL, Caption string
	MediaType                          string   // "" (image), REELS, CAROUSEL
	Media                              []string // image or video URLs, carousel children in order
}

// Container returns a container by ID.
func (t *Instagram) Container(id string) (InstagramContainer, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.containers[id]
	if !ok {
		return InstagramContainer{}, false
	}
	return *c, true
}

// NewInstagram starts a fake for Instagram user 17841405822304914 with token
// "instagram-token".
func NewInstagram() *Instagram {
	t := &Instagram{Token: "instagram-token", UserID: "17841405822304914", serial: 17895695668004550,
		HashtagCap: 30, quota: -1, containers: map[string]*InstagramContainer{}, failNext: map[string][]MetaFailure{}, Requests: map[string]int{},
		metrics: newMetaMetrics(instagramMetrics, instagramDeprecated)}
	t.Server = httptest.NewServer(http.HandlerFunc(t.serve))
	return t
}

// FailNext makes the next calls of step ("container", "status",
// "publish") answer these, in order.
func (t *Instagram) FailNext(step string, fs ...MetaFailure) {
	t.mu.Lock()
	t.failNext[step] = append(t.failNext[step], fs...)
	t.mu.Unlock()
}

// DelayPublish makes a publish call publish and then answer d late.
func (t *Instagram) DelayPublish(d time.Duration) { t.mu.Lock(); t.delay = d; t.mu.Unlock() }

// SetQuota sets how many more posts may be published in the 24-hour
// window; negative is unlimited.
func (t *Instagram) SetQuota(n int) { t.mu.Lock(); t.quota = n; t.mu.Unlock() }

// InProgress makes new containers answer IN_PROGRESS to the next n status
// checks before FINISHED.
func (t *Instagram) InProgress(n int) { t.mu.Lock(); t.inProgress = n; t.mu.Unlock() }

// SetContainerStatus sets a container's status (ERROR, EXPIRED…).
func (t *Instagram) SetContainerStatus(id, status string) {
	t.mu.Lock()
	if c := t.containers[id]; c != nil {
		c.Status = status
	}
	t.mu.Unlock()
}

// Count returns how many calls of a step ("container", "status",
// "publish") the fake has answered, read under its lock (tests run
// alongside the fake's handlers).
func (t *Instagram) Count(step string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.Requests[step]
}

// Posts returns the published posts, oldest first.
func (t *Instagram) Posts() []InstagramPost {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]InstagramPost(nil), t.posts...)
}

// Containers returns how many containers were created.
func (t *Instagram) Containers() int { t.mu.Lock(); defer t.mu.Unlock(); return len(t.containers) }

func (t *Instagram) id() string { t.serial++; return strconv.Itoa(t.serial) }

func (t *Instagram) serve(w http.ResponseWriter, r *http.Request) {
	p, ok := metaParams(r)
	if !ok {
		metaError(w, MetaFailure{Code: 100, Message: "Invalid parameter"})
		return
	}
	if p["access_token"] != t.Token {
		metaError(w, metaBadToken)
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v23.0"), "/"), "/")
	t.mu.Lock()
	locked := true
	defer func() {
		if locked {
			t.mu.Unlock()
		}
	}()
	step := ""
	switch {
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "media":
		step = "container"
	case r.Method == http.MethodPost && len(parts) == 2 && parts[1] == "media_publish":
		step = "publish"
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] == "insights":
		step = "insights"
	case r.Method == http.MethodGet && len(parts) == 1 && (parts[0] == "me" || parts[0] == t.UserID):
		step = "user"
	case r.Method == http.MethodGet && len(parts) == 1 && t.post(parts[0]) != nil:
		step = "media"
	case r.Method == http.MethodGet && len(parts) == 1:
		step = "status"
	default:
		metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
			Message: "Unsupported request - method type: " + strings.ToLower(r.Method)})
		return
	}
	t.Requests[step]++
	if (step == "container" || step == "publish") && parts[0] != "me" && parts[0] != t.UserID {
		metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
			Message: "Object with ID '" + parts[0] + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation"})
		return
	}
	if fs := t.failNext[step]; len(fs) > 0 {
		t.failNext[step] = fs[1:]
		metaError(w, fs[0])
		return
	}
	if step == "insights" || step == "user" || step == "media" {
		t.serveMetrics(w, step, parts[0], p)
		return
	}
	switch step {
	case "container":
		t.LastContainer = p
		item := p["is_carousel_item"] == "true"
		if item && p["caption"] != "" {
			metaError(w, MetaFailure{Code: 100, Message: "Carousel items cannot have a caption."})
			return
		}
		switch mt := p["media_type"]; mt {
		case "", "IMAGE":
		case "REELS", "VIDEO":
			if (mt == "VIDEO") != item {
				// VIDEO is only a carousel item; a video post is REELS.
				metaError(w, MetaFailure{Code: 100, Message: "The media_type " + mt + " is not supported here."})
				return
			}
			if !metaPublicURL(p["video_url"]) {
				metaError(w, MetaFailure{Code: 100, Message: "The parameter video_url is required."})
				return
			}
			c := &InstagramContainer{ID: t.id(), MediaType: mt, VideoURL: p["video_url"], Caption: p["caption"],
				CarouselItem: item, Status: "IN_PROGRESS", pollsLeft: max(t.VideoPolls, 1)}
			t.containers[c.ID] = c
			metaJSON(w, map[string]string{"id": c.ID})
			return
		case "CAROUSEL":
			kids := strings.Split(p["children"], ",")
			if p["children"] == "" || len(kids) < 2 || len(kids) > 10 {
				metaError(w, MetaFailure{Code: 100, Message: "Param children must have 2 to 10 items."})
				return
			}
			for _, k := range kids {
				if ch := t.containers[k]; ch == nil || !ch.CarouselItem || ch.Status != "FINISHED" {
					metaError(w, MetaFailure{Code: 100, Subcode: 2207043, Message: "The carousel item " + k + " is not a finished carousel item."})
					return
				}
			}
			c := &InstagramContainer{ID: t.id(), MediaType: mt, Caption: p["caption"], Children: kids, Status: "FINISHED"}
			t.containers[c.ID] = c
			metaJSON(w, map[string]string{"id": c.ID})
			return
		default:
			metaError(w, MetaFailure{Code: 100, Message: "Param media_type must be one of {IMAGE, REELS, VIDEO, CAROUSEL, STORIES}"})
			return
		}
		u, err := url.Parse(p["image_url"])
		if p["image_url"] == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			metaError(w, MetaFailure{Code: 9004, Subcode: 2207052, Type: "OAuthException",
				Message: "Only photo or video can be accepted as media type.",
				UserMsg: "The media could not be fetched from this URI: " + p["image_url"]})
			return
		}
		if utf8.RuneCountInString(p["caption"]) > 2200 {
			metaError(w, MetaFailure{Code: 100, Subcode: 2207028, Message: "The caption is too long."})
			return
		}
		if t.HashtagCap >= 0 && len(text.ExtractHashtags(p["caption"])) > t.HashtagCap {
			metaError(w, MetaFailure{Code: 100, Subcode: 2207028, Message: "Too many hashtags in the caption."})
			return
		}
		c := &InstagramContainer{ID: t.id(), ImageURL: p["image_url"], Caption: p["caption"], Status: "FINISHED",
			AltText: p["alt_text"], CarouselItem: item}
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
			case "status_code":
				out["status_code"] = c.Status
			case "status":
				out["status"] = "Finished: Media has been uploaded and it is ready to be published."
				if c.Status != "FINISHED" {
					out["status"] = c.Status
				}
				if c.Status == "ERROR" {
					out["status"] = "Error: Media upload has failed with error code 2207003"
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
			metaError(w, MetaFailure{Code: 9007, Subcode: 2207027, Message: "Media ID is not available"})
			return
		}
		if t.quota == 0 {
			metaError(w, MetaFailure{Status: 403, Code: 9, Subcode: 2207042, Type: "OAuthException",
				Message: "Application request limit reached", UserMsg: "You reached the maximum number of posts that is allowed to be published by Content Publishing API."})
			return
		}
		if t.quota > 0 {
			t.quota--
		}
		c.Status = "PUBLISHED"
		post := InstagramPost{ID: t.id(), ContainerID: c.ID, ImageURL: c.ImageURL, Caption: c.Caption, MediaType: c.MediaType}
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
