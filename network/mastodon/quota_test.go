package mastodon_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
)

// A success carries the quota of X-RateLimit-*, the reset in ISO 8601.
func TestQuotaOnSuccess(t *testing.T) {
	f, c, a := setup(t, 5*time.Second)
	pub, err := c.Publish(context.Background(), a, post(jaText))
	if err != nil {
		t.Fatal(err)
	}
	if q := pub.Quota; q == nil || q.Limit != 300 || q.Remaining != 299 || !q.Reset.Equal(f.RateLimitReset) {
		t.Fatalf("quota %+v, want 299 of 300 left until %v", q, f.RateLimitReset)
	}
	f.SetRateLimit(1)
	p := post("the last one")
	p.IdempotencyKey = "k2"
	pub, err = c.Publish(context.Background(), a, p)
	if err != nil {
		t.Fatal(err)
	}
	if q := pub.Quota; q == nil || q.Remaining != 0 || !q.Reset.Equal(f.RateLimitReset) {
		t.Fatalf("quota %+v, want none left until %v", q, f.RateLimitReset)
	}
}

// Absent or malformed headers give no quota, and the post is published.
func TestQuotaHeaders(t *testing.T) {
	reset := "2026-11-23T00:35:00.019685Z"
	tests := []struct {
		name   string
		header map[string]string
		want   *network.RateQuota
	}{
		{"none", nil, nil},
		{"no limit", map[string]string{"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": reset},
			&network.RateQuota{Remaining: 3, Reset: time.Date(2026, 11, 23, 0, 35, 0, 19685000, time.UTC)}},
		{"reset in epoch seconds", map[string]string{"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1795394100"}, nil},
		{"remaining not a number", map[string]string{"X-RateLimit-Remaining": "few", "X-RateLimit-Reset": reset}, nil},
		{"no remaining", map[string]string{"X-RateLimit-Reset": reset}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"id":"9","uri":"%[1]s/users/shop/statuses/9","url":"%[1]s/@shop/9","created_at":"2026-11-23T00:30:00.000Z","content":"<p>a</p>"}`, "https://"+r.Host)
			}))
			defer srv.Close()
			_, c, a := setup(t, 5*time.Second)
			a.Host = srv.URL
			got, err := c.Publish(context.Background(), a, post("a"))
			if err != nil {
				t.Fatal(err)
			}
			if got.RemoteID != "9" {
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
