package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/soroe/soroe"
)

// TestReportCommand: `soroe report` writes a month's, a week's or any
// days' report in every format; a bad period or format is refused.
func TestReportCommand(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		c.addUser("owner@a.jp", "井上 直子")
		c.ok("org", "add", "--name", "揃え工務店", "--owner", "owner@a.jp")
		out := c.ok("report", "--period", "2026-11", "--format", "html")
		if !strings.Contains(out, "<title>揃え工務店 月次レポート 2026年11月</title>") || !strings.Contains(out, "総評") {
			t.Errorf("html: %.300s", out)
		}
		if out := c.ok("report", "--period", "2026-11-18", "--weekly", "--format", "csv"); !strings.Contains(out, "週次レポート 11月16日〜11月22日") {
			t.Errorf("weekly csv: %.200s", out)
		}
		dir := t.TempDir()
		for _, f := range []string{"pdf", "pptx", "xlsx"} {
			file := filepath.Join(dir, "r."+f)
			c.ok("report", "--from", "2026-11-03", "--to", "2026-11-16", "--format", f, "-o", file)
			b, err := os.ReadFile(file)
			if err != nil || len(b) < 1000 {
				t.Fatalf("%s: %d bytes, %v", f, len(b), err)
			}
		}
		x, err := excelize.OpenFile(filepath.Join(dir, "r.xlsx"))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if sheets := x.GetSheetList(); len(sheets) < 4 || sheets[0] != "総評" {
			t.Errorf("sheets %q", sheets)
		}
		wantErr(t, c.fails("report"), soroe.EInvalid, "period")
		wantErr(t, c.fails("report", "--period", "11/2026"), soroe.EInvalid, "period")
		wantErr(t, c.fails("report", "--period", "2026-11", "--format", "doc"), soroe.EInvalid, "format")
		wantErr(t, c.fails("report", "--period", "2026-11", "--format", "pdf"), soroe.EInvalid, "o")
		wantErr(t, c.fails("report", "--period", "2026-11", "--from", "2026-11-01", "--to", "2026-11-02"), soroe.EInvalid, "period")
	})
}
