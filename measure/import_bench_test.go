package measure_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/metricsimport"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

// BenchmarkImportGeneric imports a generated generic-format file of
// SOROE_BENCH_ROWS rows (default 100,000; the target is 1,000,000)
// into a fresh SQLite database, every row an external post of one account
// (the worst case: each row creates a post, a snapshot, a latest row), and
// times the sqlite3 CLI's .import of the same file into a bare table in the
// same run when sqlite3 is installed:
//
//	SOROE_BENCH_ROWS=1000000 go test ./measure -run '^$' -bench ImportGeneric -benchtime 1x
//
// It reports rows/s, the ratio to the sqlite3 floor and the process's peak
// RSS (ru_maxrss, which includes the generator's and the test binary's own).
func BenchmarkImportGeneric(b *testing.B) {
	rows := 100_000
	if v, err := strconv.Atoi(os.Getenv("SOROE_BENCH_ROWS")); err == nil && v > 0 {
		rows = v
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "generic.csv")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := metricsimport.WriteSample(w, metricsimport.FormatGeneric, rows, 1); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(file)
	ctx := context.Background()
	var floor time.Duration
	if _, err := exec.LookPath("sqlite3"); err == nil {
		start := time.Now()
		cmd := exec.Command("sqlite3", filepath.Join(dir, "floor.db"), ".mode csv", ".import "+file+" bare")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("sqlite3: %v %s", err, out)
		}
		floor = time.Since(start)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		clock := storetest.NewClock(storetest.Epoch)
		db := storetest.Open(b, store.SQLite, clock.Now)
		org := &soroe.Org{Name: "ベンチ"}
		u := &soroe.User{Email: "bench@example.jp", Name: "B", PasswordHash: "x"}
		if err := db.CreateUserWithOrg(ctx, u, org); err != nil {
			b.Fatal(err)
		}
		a := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkThreads, Name: "Threads", Handle: "soroe", NoAPI: true}
		if err := db.CreateAccount(ctx, a, ""); err != nil {
			b.Fatal(err)
		}
		in, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := measure.Import(ctx, db, store.MetricImport{OrgID: org.ID, AccountID: a.ID, FileName: "generic.csv"}, in,
			metricsimport.Options{Format: metricsimport.FormatGeneric})
		took := time.Since(start)
		b.StopTimer()
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.Store.Rows != rows {
			b.Fatalf("rows %d", res.Store.Rows)
		}
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		if floor > 0 {
			b.ReportMetric(took.Seconds()/floor.Seconds(), "x-sqlite3-import")
			b.ReportMetric(floor.Seconds(), "sqlite3-s")
		}
		b.StartTimer()
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	b.ReportMetric(float64(st.Size())/1e6, "file-MB")
}
