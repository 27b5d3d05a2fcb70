package measure_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/metricsimport"
	"github.com/soroe/soroe/measure"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func openFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestImportXContentExport(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		org, u, mastodon, _ := fixture(t, db, 0)
		xa := &soroe.Account{OrgID: org.ID, Network: soroe.NetworkX, Name: "X 公式", Handle: "soroe_demo"}
		if err := db.CreateAccount(ctx, xa, ""); err != nil {
			t.Fatal(err)
		}
		// The first post of the sample was published through Soroe.
		at := db.Now()
		p := &soroe.Post{OrgID: org.ID, AuthorID: u.ID, State: soroe.PostScheduled, ScheduledAt: &at}
		tg := &soroe.Target{AccountID: xa.ID, Text: "今週のウェビナー"}
		if err := db.CreatePost(ctx, p, []*soroe.Target{tg}); err != nil {
			t.Fatal(err)
		}
		if ok, err := db.ClaimTarget(ctx, tg.ID, time.Minute); !ok || err != nil {
			t.Fatal(ok, err)
		}
		if err := db.MarkSent(ctx, tg.ID, "2127371341005306825", "https://x.com/i/web/status/2127371341005306825"); err != nil {
			t.Fatal(err)
		}
		imp := store.MetricImport{OrgID: org.ID, AccountID: xa.ID, By: u.ID, FileName: "x-content.csv"}
		dry := imp
		dry.DryRun = true
		res, err := measure.Import(ctx, db, dry, openFile(t, "../docs/samples/x-content.csv"), metricsimport.Options{Zone: org.Location()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Store.Matched != 1 || res.Store.External < 5 || res.Store.Format != metricsimport.FormatXContent || !res.Store.DryRun {
			t.Fatalf("dry run: %+v", res.Store)
		}
		if n, _, _ := db.AnalyticsPosts(ctx, store.AnalyticsFilter{OrgID: org.ID}); len(n) != 1 {
			t.Fatalf("the dry run saved external posts: %d", len(n))
		}
		res, err = measure.Import(ctx, db, imp, openFile(t, "../docs/samples/x-content.csv"), metricsimport.Options{Zone: org.Location()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Store.SnapshotsAdded != res.Store.Rows || res.Store.AlreadyImported {
			t.Errorf("import: %+v", res.Store)
		}
		ls, _ := db.PostLatestMetrics(ctx, org.ID, p.ID)
		if len(ls) != 1 {
			t.Fatal("the matched post has no numbers")
		}
		if v, ok := ls[0].Value(soroe.PostImpressions); !ok || v != 14948 {
			t.Errorf("impressions %d %v", v, ok)
		}
		again, err := measure.Import(ctx, db, imp, openFile(t, "../docs/samples/x-content.csv"), metricsimport.Options{Zone: org.Location()})
		if err != nil || !again.Store.AlreadyImported || again.Store.SnapshotsAdded != 0 {
			t.Errorf("again: %+v %v", again.Store, err)
		}
		// An X file for the Mastodon account is refused, with its line.
		wrong := imp
		wrong.AccountID = mastodon.ID
		_, err = measure.Import(ctx, db, wrong, openFile(t, "../importer/metricsimport/testdata/x_content_en.csv"), metricsimport.Options{})
		var perr *metricsimport.Errors
		if !errors.As(err, &perr) || perr.Problems[0].Code != "account_network" || perr.Problems[0].Line != 2 {
			t.Errorf("wrong account: %v", err)
		}
	})
}

func TestImportBadFileChangesNothing(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		ctx := context.Background()
		org, u, acct, _ := fixture(t, db, 0)
		before, _ := db.DailyMetrics(ctx, org.ID, store.DimOrg, 0, "2000-01-01", "2100-01-01")
		_, err := measure.Import(ctx, db, store.MetricImport{OrgID: org.ID, AccountID: acct.ID, By: u.ID, FileName: "generic_bad.csv"},
			openFile(t, "../importer/metricsimport/testdata/generic_bad.csv"), metricsimport.Options{})
		var perr *metricsimport.Errors
		if !errors.As(err, &perr) || len(perr.Problems) == 0 {
			t.Fatalf("bad file: %v", err)
		}
		for _, p := range perr.Problems {
			if p.Line < 1 {
				t.Errorf("problem without a line: %+v", p)
			}
		}
		line := measure.FormatProblem("generic_bad.csv", perr.Problems[0], "msg")
		if !strings.HasPrefix(line, "generic_bad.csv:") {
			t.Errorf("format: %s", line)
		}
		after, _ := db.DailyMetrics(ctx, org.ID, store.DimOrg, 0, "2000-01-01", "2100-01-01")
		if len(before) != len(after) {
			t.Error("a rejected file changed the rollups")
		}
		if list, _ := db.MetricImports(ctx, org.ID, 10); len(list) != 0 {
			t.Errorf("a rejected file was logged: %+v", list)
		}
	})
}
