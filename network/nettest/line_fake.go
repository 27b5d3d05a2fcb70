package nettest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/google/uuid"
)

// LINEFake is an API-faithful stand-in for the Messaging API broadcast,
// built from ../shared/reference/platforms.md §8:
//
//   - POST /v2/bot/message/broadcast with Authorization: Bearer {channel
//     access token} (401 otherwise) and a JSON BroadcastRequest: messages
//     1–5, each {"type":"text","text":…} with text 1–5000 UTF-16 units,
//     optional notificationDisabled; anything else is 400 ErrorResponse
//     {message, details[{message, property}]}.
//   - X-Line-Retry-Key, when sent, must be a UUID (400 otherwise); a key
//     already accepted gets 409 {"message":"The retry key is already
//     accepted"} with X-Line-Accepted-Request-Id and nothing is sent again.
//   - 200 {} with X-Line-Request-Id; 429 {"message":"The API rate limit has
//     been exceeded. Try again later."} past Limit broadcasts (no reset
//     header); Fail answers canned errors; AcceptDelay stalls after a
//     broadcast was accepted.
type LINEFake struct {
	*httptest.Server

	mu          sync.Mutex
	Token       string
	Limit       int // broadcasts accepted before 429; 0 = unlimited
	Fail        []LINEFailure
	AcceptDelay time.Duration

	Broadcasts []LINEBroadcast
	Requests   []LINERequest // every request, in order
	accepted   map[string]string
	nextID     int

	// InsightLimit is how many insight reads are answered before 429
	// (0 = unlimited); InsightFail answers canned errors to the next
	// insight reads.
	InsightLimit int
	InsightFail  []LINEFailure
	// InsightCalls counts insight reads by path ("message/event",
	// "followers").
	InsightCalls  map[string]int
	insights      map[string]LINEInsight
	followerStats map[string]LINEFollowers
}

// LINEBroadcast is a broadcast the fake sent to all friends.
type LINEBroadcast struct {
	RequestID string
	RetryKey  string
	Texts     []string
	// Images are the image messages' originalContentUrl, in order.
	Images []string
}

// LINERequest is what a request carried.
type LINERequest struct {
	RetryKey string
	Status   int
}

// LINEFailure is a canned answer.
type LINEFailure struct {
	Status int
	Body   string
}

// NewLINEFake starts a fake whose valid channel access token is Token.
func NewLINEFake() *LINEFake {
	f := &LINEFake{Token: "line-channel-token", accepted: map[string]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func lineError(w http.ResponseWriter, status int, msg string, details ...[2]string) {
	body := map[string]any{"message": msg}
	if len(details) > 0 {
		var ds []map[string]string
		for _, d := range details {
			ds = append(ds, map[string]string{"message": d[0], "property": d[1]})
		}
		body["details"] = ds
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (f *LINEFake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.nextID++
	reqID := fmt.Sprintf("f0e1d2c3-b4a5-4%03d-8000-%012d", f.nextID%1000, f.nextID)
	key := r.Header.Get("X-Line-Retry-Key")
	f.mu.Unlock()
	w.Header().Set("X-Line-Request-Id", reqID)
	var status int
	if r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v2/bot/insight/") {
		status = f.insight(w, r)
	} else {
		status = f.handle(w, r, reqID, key)
	}
	f.mu.Lock()
	f.Requests = append(f.Requests, LINERequest{RetryKey: key, Status: status})
	f.mu.Unlock()
}

func (f *LINEFake) handle(w http.ResponseWriter, r *http.Request, reqID, key string) int {
	if r.URL.Path != "/v2/bot/message/broadcast" || r.Method != http.MethodPost {
		lineError(w, 404, "Not found")
		return 404
	}
	f.mu.Lock()
	token := f.Token
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+token {
		lineError(w, 401, "Authentication failed. Confirm that the access token in the authorization header is valid.")
		return 401
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		lineError(w, 415, "Unsupported Media Type")
		return 415
	}
	if key != "" {
		if _, err := uuid.Parse(key); err != nil || len(key) != 36 {
			lineError(w, 400, "The value for the 'X-Line-Retry-Key' header is invalid")
			return 400
		}
	}
	var body struct {
		Messages []struct {
			Type               string  `json:"type"`
			Text               *string `json:"text"`
			OriginalContentURL *string `json:"originalContentUrl"`
			PreviewImageURL    *string `json:"previewImageUrl"`
		} `json:"messages"`
		NotificationDisabled bool `json:"notificationDisabled"`
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		lineError(w, 400, "The request body has 1 error(s)", [2]string{"Invalid JSON: " + err.Error(), ""})
		return 400
	}
	if n := len(body.Messages); n < 1 || n > 5 {
		lineError(w, 400, "The request body has 1 error(s)", [2]string{"Size must be between 1 and 5", "messages"})
		return 400
	}
	var texts, images []string
	for i, m := range body.Messages {
		prop := fmt.Sprintf("messages[%d]", i)
		if m.Type == "image" {
			// Image message [M: LINE ImageMessage as remembered, not in platforms.md: both URLs
			// required, HTTPS, ≤ 2000 characters].
			for _, u := range []struct {
				v    *string
				name string
			}{{m.OriginalContentURL, "originalContentUrl"}, {m.PreviewImageURL, "previewImageUrl"}} {
				if u.v == nil || !strings.HasPrefix(*u.v, "https://") || len(*u.v) > 2000 {
					lineError(w, 400, "The request body has 1 error(s)", [2]string{"Must be an HTTPS URL of at most 2000 characters", prop + "." + u.name})
					return 400
				}
			}
			if m.Text != nil {
				lineError(w, 400, "The request body has 1 error(s)", [2]string{"Unknown property", prop + ".text"})
				return 400
			}
			images = append(images, *m.OriginalContentURL)
			continue
		}
		if m.OriginalContentURL != nil || m.PreviewImageURL != nil {
			lineError(w, 400, "The request body has 1 error(s)", [2]string{"Unknown property", prop})
			return 400
		}
		if m.Type != "text" {
			lineError(w, 400, "The request body has 1 error(s)", [2]string{"Invalid type", prop + ".type"})
			return 400
		}
		if m.Text == nil || *m.Text == "" {
			lineError(w, 400, "The request body has 1 error(s)", [2]string{"Must be specified", prop + ".text"})
			return 400
		}
		if n := len(utf16.Encode([]rune(*m.Text))); n > 5000 {
			lineError(w, 400, "The request body has 1 error(s)", [2]string{"Length must be between 0 and 5000", prop + ".text"})
			return 400
		}
		texts = append(texts, *m.Text)
	}
	f.mu.Lock()
	if id, ok := f.accepted[key]; ok && key != "" {
		f.mu.Unlock()
		w.Header().Set("X-Line-Accepted-Request-Id", id)
		lineError(w, 409, "The retry key is already accepted")
		return 409
	}
	if len(f.Fail) > 0 {
		fl := f.Fail[0]
		f.Fail = f.Fail[1:]
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.Status)
		_, _ = w.Write([]byte(fl.Body))
		return fl.Status
	}
	if f.Limit > 0 && len(f.Broadcasts) >= f.Limit {
		f.mu.Unlock()
		lineError(w, 429, "The API rate limit has been exceeded. Try again later.")
		return 429
	}
	f.Broadcasts = append(f.Broadcasts, LINEBroadcast{RequestID: reqID, RetryKey: key, Texts: texts, Images: images})
	if key != "" {
		f.accepted[key] = reqID
	}
	delay := f.AcceptDelay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return 0
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(200)
	_, _ = w.Write([]byte("{}"))
	return 200
}

// Set runs fn with the fake locked, to change its fields safely.
func (f *LINEFake) Set(fn func(f *LINEFake)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// Snapshot returns the broadcasts sent and the requests seen.
func (f *LINEFake) Snapshot() ([]LINEBroadcast, []LINERequest) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]LINEBroadcast(nil), f.Broadcasts...), append([]LINERequest(nil), f.Requests...)
}
