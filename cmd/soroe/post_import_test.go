package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func TestPostImportCommand(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		db, a, _, _, _ := genSetup(t, c)
		for _, acc := range []*soroe.Account{
			{OrgID: a.ID, Network: soroe.NetworkX, Name: "公式X"},
			{OrgID: a.ID, Network: soroe.NetworkManual, Name: "手動"},
		} {
			if err := db.CreateAccount(ctx, acc, ""); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		write := func(name, s string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		// The CLI runs on the real clock: times far ahead.
		good := write("plan.csv", "日時,アカウント,本文\n2030-12-01 09:00,公式X,完成見学会のお知らせ\n2030-12-01 09:00,手動,完成見学会のお知らせ\n2030-12-02 09:00,公式X,大工の一日\n")
		bad := write("bad.csv", "日時,アカウント,本文\n2030-12-01 09:00,公式X,良い行\n2020-01-01 09:00,公式X,過去\n2030-12-01 10:00,どこか,不明\n")
		count := func() int {
			_, _, n, err := db.Posts(ctx, store.PostFilter{OrgID: a.ID})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		out, errOut, err := c.run("", "post", "import", bad, "--as", "pr@a.jp")
		var code exitCode
		if !errors.As(err, &code) || code != 1 || out != "" {
			t.Fatalf("bad file: %v %q", err, out)
		}
		for _, want := range []string{bad + ":3: 日時: ", "is in the past", bad + ":4: アカウント: ", "2 problem(s); nothing was imported"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errOut)
			}
		}
		if count() != 0 {
			t.Fatal("a refused file created posts")
		}

		out = c.ok("post", "import", good, "--as", "pr@a.jp", "--dry-run")
		if !strings.Contains(out, "would create 2 post(s) from 3 row(s)") || count() != 0 {
			t.Errorf("dry run: %q", out)
		}
		out = c.ok("post", "import", good, "--as", "pr@a.jp", "--org", a.Name)
		if !strings.Contains(out, "imported 2 post(s) from 3 row(s)") || !strings.Contains(out, "approved and scheduled") || count() != 2 {
			t.Errorf("import: %q, %d posts", out, count())
		}

		// Staff may import too: their posts go to review.
		staffPlan := write("staff.csv", "日時,アカウント,本文\n2030-12-03 09:00,公式X,構造見学会のお知らせ\n")
		out = c.ok("post", "import", staffPlan, "--as", "staff@a.jp")
		if !strings.Contains(out, "imported 1 post(s)") || count() != 3 {
			t.Errorf("staff import: %q", out)
		}
		posts, _, _, _ := db.Posts(ctx, store.PostFilter{OrgID: a.ID, States: []string{soroe.PostInReview}})
		if len(posts) != 1 || posts[0].Text != "構造見学会のお知らせ" {
			t.Errorf("staff's post is not in review: %+v", posts)
		}
	})
}
