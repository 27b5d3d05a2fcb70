package measure_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/network/nettest"
	"github.com/soroe/soroe/network/x"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// BenchmarkPull10kPosts pulls the numbers of 10,000 published posts on 100
// X accounts from the X fake (GET /2/tweets?ids=, 100 a call), recording
// every changed number: one op is the whole pull. Run it with
//
//	go test ./measure -run '^$' -bench Pull10k -benchtime 5x
//
// (SOROE_TEST_POSTGRES set adds the PostgreSQL run).
func BenchmarkPull10kPosts(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) { benchPull(b, e, 100, 100) })
	}
}

func benchPull(b *testing.B, e store.Engine, accounts, perAccount int) {
	ctx := context.Background()
	clock := storetest.NewClock(storetest.Epoch)
	db := storetest.Open(b, e, clock.Now)
	f := nettest.NewXFake()
	defer f.Close()
	f.Now = clock.Now
	f.SetReadLimit("/2/tweets", 1<<30)
	f.SetReadLimit("/2/users/me", 1<<30)
	org := &soroe.Org{Name: "ベンチ"}
	u := &soroe.User{Email: "bench@example.jp", Name: "B", PasswordHash: "x"}
	if err := db.CreateUserWithOrg(ctx, u, org); err != nil {
		b.Fatal(err)
	}
	published := clock.Now().Add(-2 * time.Hour)
	tx, err := db.Writer().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for i := range accounts {
		a := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: fmt.Sprintf("X %d", i), Handle: fmt.Sprintf("bench%d", i)}
		var aid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO accounts (org_id, network, name, handle, status, created_at) VALUES ($1, $2, $3, $4, 'ok', $5) RETURNING id`,
			a.OrgID, a.Network, a.Name, a.Handle, published).Scan(&aid); err != nil {
			b.Fatal(err)
		}
		for j := range perAccount {
			p := f.AddPost(fmt.Sprintf("post %d-%d", i, j), published)
			ids = append(ids, p.ID)
			var pid int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO posts (org_id, author_id, state, created_at, updated_at) VALUES ($1, $2, 'published', $3, $3) RETURNING id`,
				org.ID, u.ID, published).Scan(&pid); err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO post_targets (post_id, org_id, account_id, network, text, state, next_attempt_at, idempotency_key, remote_id, sent_at, metrics_next_at)
				VALUES ($1, $2, $3, 'x', $4, 'sent', $5, $6, $7, $5, $5)`, pid, org.ID, aid, "post", published, fmt.Sprintf("k-%d-%d", i, j), p.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	client := x.New(x.Options{BaseURL: f.URL, HTTPClient: f.Client(), Now: clock.Now})
	p := &measure.Puller{Store: db, Readers: map[soroe.Network]network.MetricsReader{soroe.NetworkX: client}, Clock: clock.Now, Batch: perAccount,
		Open: func(*soroe.Account, string) (network.Credentials, error) {
			return network.Credentials{AccessToken: f.AccessToken}, nil
		}}
	var calls, snapshots int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for k, id := range ids {
			f.SetMetrics(id, nettest.XMetrics{Impressions: int64(1000 + i + k%50), Likes: int64(10 + i), Replies: 2, Retweets: 1})
		}
		if _, err := db.Writer().ExecContext(ctx, `UPDATE post_targets SET metrics_next_at = $1, metrics_pulls = 0`, clock.Now()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		due, err := db.DueMetricAccounts(ctx, clock.Now(), 10000)
		if err != nil || len(due) != accounts {
			b.Fatalf("due %d %v", len(due), err)
		}
		for _, a := range due {
			res, err := p.PullAccount(ctx, a)
			if err != nil {
				b.Fatal(err)
			}
			calls += res.Calls
			snapshots += res.Snapshots
		}
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(snapshots)/float64(b.N), "snapshots/op")
}
