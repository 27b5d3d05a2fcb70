package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/jobs"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/publish"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// crashChildEnv, when set, makes TestPublishCrashChild run a publishing
// instance (the JSON crashChild) until it is killed.
const crashChildEnv = "SOROE_TEST_PUBLISH_CHILD"

type crashChild struct {
	DataDir     string `json:"data_dir"`
	DatabaseURL string `json:"database_url"`
	Network     string `json:"network"`
}

// crashNetwork is a network outside the processes under test: it has no
// idempotency keys (every POST makes a post) but lists recent posts, and
// answers each post only after a pause, so that a kill lands mid-call.
type crashNetwork struct {
	mu     sync.Mutex
	posts  map[string]int    // per idempotency key (sent along only to count)
	ids    map[string]string // text → id
	total  int
	answer time.Duration
}

func (n *crashNetwork) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		var in struct{ Text, Key string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Key == "" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		n.mu.Lock()
		n.total++
		n.posts[in.Key]++
		id := strconv.Itoa(n.total)
		n.ids[in.Text] = id
		n.mu.Unlock()
		time.Sleep(n.answer)
		_ = json.NewEncoder(w).Encode(map[string]string{"id": id})
	case http.MethodGet:
		n.mu.Lock()
		id, ok := n.ids[r.URL.Query().Get("text")]
		n.mu.Unlock()
		if !ok {
			_ = json.NewEncoder(w).Encode(map[string]string{})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"id": id})
	}
}

func (n *crashNetwork) Total() int { n.mu.Lock(); defer n.mu.Unlock(); return n.total }

// crashAdapter is the child's network.Publisher for crashNetwork.
type crashAdapter struct{ url string }

func (c crashAdapter) Capabilities() network.Capabilities {
	return network.Capabilities{Network: soroe.NetworkBluesky, CanFindRecent: true}
}

func (c crashAdapter) Publish(ctx context.Context, a *network.Account, p network.Post) (network.Published, error) {
	b, _ := json.Marshal(map[string]string{"text": p.Text, "key": p.IdempotencyKey})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(b))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Reason: err.Error()}
	}
	defer res.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.ID == "" {
		return network.Published{}, &network.Error{Kind: network.ErrUnknownOutcome, Status: res.StatusCode}
	}
	return network.Published{RemoteID: out.ID}, nil
}

func (c crashAdapter) FindRecent(ctx context.Context, a *network.Account, text string, since time.Time) (*network.Published, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.url+"?"+url.Values{"text": {text}}.Encode(), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, &network.Error{Kind: network.ErrTemporary, Reason: err.Error()}
	}
	defer res.Body.Close()
	var out struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, &network.Error{Kind: network.ErrTemporary, Reason: err.Error()}
	}
	if out.ID == "" {
		return nil, nil
	}
	return &network.Published{RemoteID: out.ID}, nil
}

// TestPublishCrashChild is the publishing instance TestPublishCrash starts
// and kills; on its own it does nothing.
func TestPublishCrashChild(t *testing.T) {
	spec := os.Getenv(crashChildEnv)
	if spec == "" {
		t.Skip("run by TestPublishCrash")
	}
	var c crashChild
	if err := json.Unmarshal([]byte(spec), &c); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL})
	if err != nil {
		t.Fatal(err)
	}
	eng := &publish.Engine{Store: db, Adapters: map[soroe.Network]network.Publisher{soroe.NetworkBluesky: crashAdapter{c.Network}},
		Lease: 2 * time.Second, Grace: time.Second, Log: slog.New(slog.DiscardHandler)}
	r, err := jobs.New(db, jobs.Config{
		Logger:            slog.New(slog.DiscardHandler),
		FetchPollInterval: 50 * time.Millisecond,
		TestOnly:          true,
		Publish:           jobs.PublishConfig{Engine: eng, DispatchEvery: 200 * time.Millisecond, ResolveEvery: 500 * time.Millisecond, Redispatch: time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {} // until killed
}

// TestPublishCrash is the jobs package's own crash test (cmd/soroe's
// TestPublishCrashServe kills the whole server the same way). It schedules
// 200 posts due now, starts a publishing process
// against a network without idempotency keys, kills it (SIGKILL) while it
// publishes, and starts another: every post reaches the network exactly
// once — the ones cut off mid-call become unconfirmed and are found on
// the network by the resolver instead of being sent again. On PostgreSQL,
// two processes then publish side by side.
func TestPublishCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	const n = 200
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := t.Context()
			cfg := storetest.Config(t, e)
			db, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := jobs.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			org := &soroe.Org{Name: "揃え"}
			user := &soroe.User{Email: "a@example.jp", Name: "A", PasswordHash: "x"}
			if err := db.CreateUserWithOrg(ctx, user, org); err != nil {
				t.Fatal(err)
			}
			acct := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkBluesky, Name: "bsky"}
			if err := db.CreateAccount(ctx, acct, ""); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for i := range n {
				at := db.Now()
				p := &soroe.Post{OrgID: org.ID, AuthorID: user.ID, State: soroe.PostScheduled, ScheduledAt: &at}
				tg := &soroe.Target{AccountID: acct.ID, Text: fmt.Sprintf("クラッシュ試験 %d", i)}
				if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
					t.Fatal(err)
				}
				keys = append(keys, tg.IdempotencyKey)
			}
			net := &crashNetwork{posts: map[string]int{}, ids: map[string]string{}, answer: 40 * time.Millisecond}
			srv := httptest.NewServer(net)
			t.Cleanup(srv.Close)
			spec, err := json.Marshal(crashChild{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, Network: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			start := func() *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^TestPublishCrashChild$", "-test.count=1", "-test.v")
				cmd.Env = append(os.Environ(), crashChildEnv+"="+string(spec))
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					_ = cmd.Process.Kill()
					_ = cmd.Wait()
					if t.Failed() {
						t.Logf("child output:\n%s", out.String())
					}
				})
				return cmd
			}

			first := start()
			deadline := time.Now().Add(60 * time.Second)
			for net.Total() < n/3 {
				if time.Now().After(deadline) {
					t.Fatalf("first process posted only %d", net.Total())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := first.Process.Signal(os.Kill); err != nil {
				t.Fatal(err)
			}
			_ = first.Wait()
			killedAt := net.Total()
			sent, states := countStates(t, db)
			t.Logf("killed after %d posts: %v", killedAt, states)
			if sent == killedAt {
				t.Log("no attempt was cut off mid-call this time")
			}

			// The killed child was River's leader; its leadership would
			// outlive it by River's TTL (about 15 s), pausing the
			// dispatcher. Clear it as its expiry would.
			if _, err := db.Writer().ExecContext(ctx, "DELETE FROM river_leader"); err != nil {
				t.Fatal(err)
			}
			start()
			if e == store.Postgres {
				start() // two instances on one PostgreSQL
			}
			for {
				sent, states = countStates(t, db)
				if sent == n {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after restart: %v", states)
				}
				time.Sleep(50 * time.Millisecond)
			}
			net.mu.Lock()
			defer net.mu.Unlock()
			for _, k := range keys {
				if c := net.posts[k]; c != 1 {
					t.Errorf("key %s posted %d times", k, c)
				}
			}
			if net.total != n {
				t.Errorf("%d posts on the network, want %d", net.total, n)
			}
			var unconfirmed int
			if err := db.Writer().QueryRowContext(ctx, "SELECT COUNT(*) FROM post_events WHERE kind = 'unconfirmed'").Scan(&unconfirmed); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d targets were unconfirmed after the kill and settled by the check", unconfirmed)
		})
	}
}
