package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// rateFake is an X-like API for many accounts (the bearer token names the
// account) that keeps a per-account rate limit: at most limit posts per
// window (aligned on whole seconds); past it, 429. Every answer, a
// success too, carries X's x-rate-limit-limit/remaining/reset headers, so
// the engine can hold an account when a success leaves it none. The reset
// is the window's end plus one second: X gives it in whole seconds, and
// the X adapter reads a reset that has just passed as "wait 15 minutes".
type rateFake struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	used    map[string]int // account + window start → posts
	perText map[string]int
	posts   int
	limited int // 429 answers
}

func newRateFake(limit int, window time.Duration) *rateFake {
	return &rateFake{limit: limit, window: window, used: map[string]int{}, perText: map[string]int{}}
}

func (f *rateFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/2/tweets" {
		http.NotFound(w, r)
		return
	}
	acct, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || acct == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Text == "" {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	now := time.Now()
	start := now.Truncate(f.window)
	reset := start.Add(f.window + time.Second)
	key := acct + "@" + strconv.FormatInt(start.Unix(), 10)
	f.mu.Lock()
	f.used[key]++
	n := f.used[key]
	over := n > f.limit
	if over {
		f.limited++
	} else {
		f.posts++
		f.perText[in.Text]++
	}
	id := f.posts
	f.mu.Unlock()
	w.Header().Set("x-rate-limit-limit", strconv.Itoa(f.limit))
	w.Header().Set("x-rate-limit-remaining", strconv.Itoa(max(f.limit-n, 0)))
	w.Header().Set("x-rate-limit-reset", strconv.FormatInt(reset.Unix(), 10))
	w.Header().Set("Content-Type", "application/json")
	if over {
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`))
		return
	}
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]string{"id": strconv.Itoa(id), "text": in.Text}})
}

// BenchmarkPublish10k schedules 10,000 posts (100 accounts × 100) due in
// the same minute and measures the time until the server's publishing —
// the River dispatcher and workers, the engine and the X adapter, as
// `soroe serve` wires them — has sent them all to a loopback fake that
// allows each account 4 posts per 5-second window (SOROE_BENCH_LIMIT sets
// another number), so that time cannot be under 125 s and the engine must
// defer accounts, when a success says the window is spent or on a 429. It runs once whatever b.N is; see
// docs/benchmarks.md for how to run it and what it gave.
// SOROE_BENCH_ENGINE=postgres runs it on SOROE_TEST_POSTGRES; the
// SOROE_PUBLISH_* and SOROE_JOBS_* variables tune the schedule as in serve.
func BenchmarkPublish10k(b *testing.B) {
	const accounts, perAccount = 100, 100
	const n = accounts * perAccount
	engine := store.SQLite
	if os.Getenv("SOROE_BENCH_ENGINE") == "postgres" {
		engine = store.Postgres
	}
	ctx := context.Background()
	cfg := storetest.Config(b, engine)
	db, err := store.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if err := jobs.Migrate(ctx, db); err != nil {
		b.Fatal(err)
	}
	limit := 4 // the per-account limit binds: at least 125 s for 100 posts an account
	if v := os.Getenv("SOROE_BENCH_LIMIT"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 {
			b.Fatalf("SOROE_BENCH_LIMIT=%q", v)
		}
	}
	fake := newRateFake(limit, 5*time.Second)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	b.Setenv("SOROE_NETWORK_X_API_URL", srv.URL)

	box, err := secretbox.New(crashKey)
	if err != nil {
		b.Fatal(err)
	}
	org := &soroe.Org{Name: "揃え工務店"}
	user := &soroe.User{Email: "pr@example.jp", Name: "鈴木", PasswordHash: "x"}
	if err := db.CreateUserWithOrg(ctx, user, org); err != nil {
		b.Fatal(err)
	}
	var accts []*soroe.Account
	for i := range accounts {
		secret, err := publish.SealCredentials(box, org.ID, network.Credentials{AccessToken: fmt.Sprintf("acct-%d", i)})
		if err != nil {
			b.Fatal(err)
		}
		a := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: fmt.Sprintf("X %d", i)}
		if err := db.CreateAccount(ctx, a, secret); err != nil {
			b.Fatal(err)
		}
		accts = append(accts, a)
	}
	now := db.Now()
	for i := range n {
		at := now.Add(-time.Duration(i%60) * time.Second) // all due, within one minute
		p := &soroe.Post{OrgID: org.ID, AuthorID: user.ID, State: soroe.PostScheduled, ScheduledAt: &at}
		tg := &soroe.Target{AccountID: accts[i%accounts].ID, Text: fmt.Sprintf("ベンチマーク投稿 %d", i)}
		if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
			b.Fatal(err)
		}
	}

	log := slog.New(slog.DiscardHandler)
	jcfg := jobs.Config{Logger: log}
	stop, err := publishing(ctx, db, box, &jcfg, true, 0, log)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	r, err := jobs.New(db, jcfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	if err := r.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer r.Stop(context.Background())
	for {
		var sent, failed int
		if err := db.Writer().QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN state = 'sent' THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END), 0) FROM post_targets`).Scan(&sent, &failed); err != nil {
			b.Fatal(err)
		}
		if failed > 0 {
			b.Fatalf("%d targets failed", failed)
		}
		if sent == n {
			break
		}
		if time.Since(start) > 15*time.Minute {
			b.Fatalf("only %d sent after 15 minutes", sent)
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	fake.mu.Lock()
	defer fake.mu.Unlock()
	for text, c := range fake.perText {
		if c != 1 {
			b.Errorf("%q posted %d times", text, c)
		}
	}
	if fake.posts != n {
		b.Errorf("%d posts on the fake, want %d", fake.posts, n)
	}
	b.ReportMetric(elapsed.Seconds(), "s/10k-posts")
	b.ReportMetric(float64(n)/elapsed.Seconds(), "posts/s")
	b.ReportMetric(float64(fake.limited), "429s")
	b.Logf("%s, %d CPUs, limit %d posts per account per %s: %d posts to %d accounts in %s (%.0f posts/s), %d answers 429",
		engine, runtime.NumCPU(), limit, fake.window, n, accounts, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), fake.limited)
}
