package nettest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

// LINEInsight is a broadcast's statistics as the fake holds them, before
// the privacy threshold: the answer of
// GET /v2/bot/insight/message/event?requestId= gives every value under 20
// as null (developers.line.biz, unit-based statistics), so a test sets
// the true numbers and sees what LINE would show.
type LINEInsight struct {
	Delivered, UniqueImpression, UniqueClick int64
	// Impressions are messages[].impression by message, in order.
	Impressions []int64
	Clicks      []LINEClick
}

// LINEClick is one URL's taps in a broadcast.
type LINEClick struct {
	Seq                int
	URL                string
	Click, UniqueClick int64
}

// LINEFollowers is one day's GET /v2/bot/insight/followers answer.
type LINEFollowers struct {
	Status                             string // ready, unready, out_of_service
	Followers, TargetedReaches, Blocks int64
}

// SetInsight sets the statistics of the broadcast with this request ID.
func (f *LINEFake) SetInsight(requestID string, in LINEInsight) {
	f.mu.Lock()
	if f.insights == nil {
		f.insights = map[string]LINEInsight{}
	}
	f.insights[requestID] = in
	f.mu.Unlock()
}

// SetFollowerStats sets the friend statistics of a date (yyyyMMdd, UTC+9);
// a date not set answers {"status":"unready"}.
func (f *LINEFake) SetFollowerStats(date string, s LINEFollowers) {
	f.mu.Lock()
	if f.followerStats == nil {
		f.followerStats = map[string]LINEFollowers{}
	}
	f.followerStats[date] = s
	f.mu.Unlock()
}

// InsightCount returns how many insight reads of a path ("message/event",
// "followers") the fake has answered.
func (f *LINEFake) InsightCount(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.InsightCalls[path]
}

// linePrivate is a value as LINE shows it: null under 20.
func linePrivate(n int64) any {
	if n < 20 {
		return nil
	}
	return n
}

var lineDate = regexp.MustCompile(`^20[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$`)

// insight answers GET /v2/bot/insight/message/event?requestId= and
// GET /v2/bot/insight/followers?date=.
func (f *LINEFake) insight(w http.ResponseWriter, r *http.Request) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+f.Token {
		lineError(w, 401, "Authentication failed. Confirm that the access token in the authorization header is valid.")
		return 401
	}
	path := strings.TrimPrefix(r.URL.Path, "/v2/bot/insight/")
	if f.InsightCalls == nil {
		f.InsightCalls = map[string]int{}
	}
	f.InsightCalls[path]++
	if len(f.InsightFail) > 0 {
		fl := f.InsightFail[0]
		f.InsightFail = f.InsightFail[1:]
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(fl.Status)
		_, _ = w.Write([]byte(fl.Body))
		return fl.Status
	}
	if f.InsightLimit > 0 && f.InsightCalls["message/event"]+f.InsightCalls["followers"] > f.InsightLimit {
		lineError(w, 429, "The API rate limit has been exceeded. Try again later.")
		return 429
	}
	w.Header().Set("Content-Type", "application/json")
	switch path {
	case "message/event":
		id := r.URL.Query().Get("requestId")
		if id == "" {
			lineError(w, 400, "The request body has 1 error(s)", [2]string{"Must be specified", "requestId"})
			return 400
		}
		in, ok := f.insights[id]
		if !ok {
			sent := false
			for _, b := range f.Broadcasts {
				sent = sent || b.RequestID == id
			}
			if !sent {
				lineError(w, 404, "Not found") // [M] the answer for an unknown request ID
				return 404
			}
		}
		msgs := []map[string]any{}
		for i, n := range in.Impressions {
			msgs = append(msgs, map[string]any{"seq": i + 1, "impression": linePrivate(n), "mediaPlayed": nil,
				"mediaPlayed25Percent": nil, "mediaPlayed50Percent": nil, "mediaPlayed75Percent": nil, "mediaPlayed100Percent": nil,
				"uniqueMediaPlayed": nil, "uniqueMediaPlayed25Percent": nil, "uniqueMediaPlayed50Percent": nil,
				"uniqueMediaPlayed75Percent": nil, "uniqueMediaPlayed100Percent": nil})
		}
		clicks := []map[string]any{}
		for _, c := range in.Clicks {
			clicks = append(clicks, map[string]any{"seq": c.Seq, "url": c.URL, "click": linePrivate(c.Click),
				"uniqueClick": linePrivate(c.UniqueClick), "uniqueClickOfRequest": linePrivate(c.UniqueClick)})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"overview": map[string]any{"requestId": id, "timestamp": 1568214000, "delivered": in.Delivered,
				"uniqueImpression": linePrivate(in.UniqueImpression), "uniqueClick": linePrivate(in.UniqueClick),
				"uniqueMediaPlayed": nil, "uniqueMediaPlayed100Percent": nil},
			"messages": msgs, "clicks": clicks})
	case "followers":
		date := r.URL.Query().Get("date")
		if !lineDate.MatchString(date) {
			lineError(w, 400, "The request body has 1 error(s)", [2]string{"Invalid date format", "date"})
			return 400
		}
		s, ok := f.followerStats[date]
		if !ok || s.Status != "ready" {
			st := "unready"
			if ok {
				st = s.Status
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"status": st})
			return 200
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "ready", "followers": s.Followers,
			"targetedReaches": s.TargetedReaches, "blocks": s.Blocks})
	default:
		lineError(w, 404, "Not found")
		return 404
	}
	return 200
}
