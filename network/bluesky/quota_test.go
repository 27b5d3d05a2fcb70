package bluesky_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
)

// A success carries the quota of RateLimit-*, in posts: a post costs 3 of
// the write limit's points.
func TestQuotaOnSuccess(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	pub, err := c.Publish(context.Background(), a, post(jaText))
	if err != nil {
		t.Fatal(err)
	}
	if q := pub.Quota; q == nil || q.Limit != 1666 || q.Remaining != 1665 || !q.Reset.Equal(f.RateLimitReset) {
		t.Fatalf("quota %+v, want 1665 of 1666 posts left until %v", q, f.RateLimitReset)
	}
	f.SetRateLimit(1)
	p := post("the last one")
	p.IdempotencyKey = "post-8-account-1"
	pub, err = c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	if q := pub.Quota; q == nil || q.Remaining != 0 || !q.Reset.Equal(f.RateLimitReset) {
		t.Fatalf("quota %+v, want none left until %v", q, f.RateLimitReset)
	}
}

// Points that do not make a post count as none; absent or malformed
// headers give no quota, and the post is published.
func TestQuotaHeaders(t *testing.T) {
	reset := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	r := "1795395600"
	if got := time.Unix(1795395600, 0).UTC(); !got.Equal(reset) {
		t.Fatalf("test reset %v", got)
	}
	tests := []struct {
		name   string
		header map[string]string
		want   *network.RateQuota
	}{
		{"none", nil, nil},
		{"two points left", map[string]string{"RateLimit-Limit": "5000", "RateLimit-Remaining": "2", "RateLimit-Reset": r, "RateLimit-Policy": "5000;w=3600"},
			&network.RateQuota{Limit: 1666, Remaining: 0, Reset: reset}},
		{"no limit", map[string]string{"RateLimit-Remaining": "30", "RateLimit-Reset": r}, &network.RateQuota{Remaining: 10, Reset: reset}},
		{"reset in ISO 8601", map[string]string{"RateLimit-Remaining": "0", "RateLimit-Reset": reset.Format(time.RFC3339)}, nil},
		{"remaining not a number", map[string]string{"RateLimit-Remaining": "n/a", "RateLimit-Reset": r}, nil},
		{"no reset", map[string]string{"RateLimit-Remaining": "0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/xrpc/com.atproto.server.createSession":
					_ = json.NewEncoder(w).Encode(map[string]string{"accessJwt": "a", "refreshJwt": "r", "handle": "shop.bsky.social", "did": "did:plc:shop"})
				case "/xrpc/com.atproto.repo.createRecord":
					for k, v := range tt.header {
						w.Header().Set(k, v)
					}
					_ = json.NewEncoder(w).Encode(map[string]string{"uri": "at://did:plc:shop/app.bsky.feed.post/3l2222222222a", "cid": "c"})
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			_, c, a := setup(t, 5*time.Second)
			a.Host = srv.URL
			got, err := c.Publish(context.Background(), a, post("a"))
			if err != nil {
				t.Fatal(err)
			}
			if got.RemoteID == "" {
				t.Fatalf("published %+v", got)
			}
			switch q := got.Quota; {
			case tt.want == nil && q != nil:
				t.Fatalf("quota %+v, want none", q)
			case tt.want != nil && (q == nil || *q != *tt.want):
				t.Fatalf("quota %+v, want %+v", q, tt.want)
			}
		})
	}
}
