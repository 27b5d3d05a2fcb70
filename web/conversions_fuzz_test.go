package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// FuzzConversionsEndpoint sends arbitrary bodies and Idempotency-Keys to
// POST /api/v1/conversions through the whole server (authentication,
// decoding, validation, attribution, the store) and checks what a client
// relies on: never a 5xx, a conversion stored only on 201 and exactly one,
// a replay (200) only for a key already used and never a second row, and
// nothing stored on a refusal. Run it with
//
//	go test ./web -run '^$' -fuzz FuzzConversionsEndpoint -fuzztime 60s
//
// (plain `go test` runs the seeds below).
func FuzzConversionsEndpoint(f *testing.F) {
	ctx := context.Background()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.Open(f, store.SQLite, clock.Now)
	srv, err := New(Config{Store: db, Clock: clock.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	u := &soroe.User{Email: "fuzz@example.jp", Name: "Fuzz", PasswordHash: testHash(f)}
	if err := db.CreateUser(ctx, u); err != nil {
		f.Fatal(err)
	}
	o := &soroe.Org{Name: "ファズ"}
	if err := db.CreateOrg(ctx, o, u.ID); err != nil {
		f.Fatal(err)
	}
	token, err := db.CreateToken(ctx, &soroe.Token{OrgID: o.ID, UserID: u.ID, Name: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	count := func(t *testing.T) int {
		cs, err := db.Conversions(ctx, o.ID, time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	used := map[string]bool{}

	f.Add(`{"event":"download","value":3000}`, "order-1")
	f.Add(`{"event":"download","value":1}`, "order-1")
	f.Add(`{"event":"応募","value":1}`, "")
	f.Add(`{"event":"inquiry","code":"AbCd1234","occurred_at":"2026-11-30T10:00:00+09:00"}`, "")
	f.Add(`{"event":"x","occurred_at":"yesterday"}`, "")
	f.Add(`{"event":"x","value":1e400}`, "")
	f.Add(`{"event":"x","value":-1e13}`, "k")
	f.Add(`{"event":"x","utm_source":"x","utm_content":"post-999999999999999999999"}`, "")
	f.Add(`{"event":"x"} {"event":"y"}`, "")
	f.Add(`{"event":"x","extra":1}`, "")
	f.Add(`[]`, strings.Repeat("k", 201))
	f.Add("\xff\xfe{", "\x00")
	f.Fuzz(func(t *testing.T, body, key string) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/conversions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		k := strings.TrimSpace(req.Header.Get("Idempotency-Key"))
		before := count(t)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		after := count(t)
		switch code := rec.Code; {
		case code >= 500:
			t.Fatalf("%d for %q: %s", code, body, rec.Body)
		case code == http.StatusCreated:
			if after != before+1 {
				t.Fatalf("201 stored %d rows", after-before)
			}
			var c soroe.Conversion
			if err := json.Unmarshal(rec.Body.Bytes(), &c); err != nil {
				t.Fatalf("201 with no conversion: %v %s", err, rec.Body)
			}
			if c.Validate() != nil || c.Source != soroe.ConversionAPI {
				t.Fatalf("stored an invalid conversion %+v", c)
			}
			if k != "" {
				if used[k] {
					t.Fatalf("key %q created a second conversion", k)
				}
				used[k] = true
			}
		case code == http.StatusOK:
			if after != before || k == "" || !used[k] || rec.Header().Get("Idempotent-Replayed") != "true" {
				t.Fatalf("200 for key %q (used %v), rows %d → %d", k, used[k], before, after)
			}
		default:
			if after != before {
				t.Fatalf("%d and still stored a conversion", code)
			}
			if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity && code != http.StatusUnsupportedMediaType && code != http.StatusRequestEntityTooLarge {
				t.Fatalf("unexpected status %d: %s", code, rec.Body)
			}
		}
	})
}
