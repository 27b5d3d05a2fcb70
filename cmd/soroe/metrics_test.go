package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMetricsImportCommand(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		c.addUser("owner@example.jp", "オーナー")
		c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp")
		c.ok("account", "add", "--network", "x", "--name", "X 公式", "--handle", "soroe_demo", "--no-api", "--as", "owner@example.jp")
		sample := filepath.Join("..", "..", "docs", "samples", "x-content.csv")

		var dry importJSON
		c.json(&dry, "metrics", "import", sample, "--org", "A社", "--account", "X 公式", "--dry-run")
		if dry.Format != "x-content" || dry.Rows == 0 || dry.External != dry.Rows || !dry.DryRun || dry.SnapshotsAdded != dry.Rows {
			t.Fatalf("dry run: %+v", dry)
		}
		out := c.ok("metrics", "import", sample, "--org", "A社", "--account", "X 公式")
		if !strings.Contains(out, "Imported") || !strings.Contains(out, "external") {
			t.Errorf("import printed %q", out)
		}
		var again importJSON
		c.json(&again, "metrics", "import", sample, "--org", "A社", "--account", "1")
		if again.SnapshotsAdded != 0 || !again.AlreadyImported || again.Rows != dry.Rows {
			t.Errorf("again: %+v", again)
		}
		// A bad file: FILE:LINE: column: message on stderr, exit 1.
		bad := filepath.Join(t.TempDir(), "bad.csv")
		if err := os.WriteFile(bad, []byte("post_id,published_at,text,likes\n1,2026-11-20T09:00:00+09:00,a,12\n2,2026-11-20T09:00:00+09:00,b,many\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, err := c.run("", "metrics", "import", bad, "--org", "A社", "--account", "X 公式")
		if err == nil || stdout != "" {
			t.Fatalf("bad file: %v %q", err, stdout)
		}
		if code, ok := err.(exitCode); !ok || code != 1 {
			t.Errorf("exit %v", err)
		}
		if !strings.Contains(stderr, bad+":3: likes: ") || !strings.Contains(stderr, "nothing was imported") {
			t.Errorf("stderr: %q", stderr)
		}
		wantErr(t, c.fails("metrics", "import", sample, "--org", "A社", "--account", "Instagram"), "not_found", "account")
		wantErr(t, c.fails("metrics", "import", sample, "--org", "A社", "--format", "csv"), "invalid", "format")
	})
}
