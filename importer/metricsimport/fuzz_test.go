package metricsimport

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
	}
	f.Add([]byte("\xff\xfeP\x00"), "generic")
	f.Add([]byte("# Start date: 20260101\nSession source / medium,Sessions\n"), "ga4")
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		res, err := Parse(bytes.NewReader(data), Options{Format: format})
		lines := bytes.Count(data, []byte("\n")) + 1
		if e, ok := err.(*Errors); ok {
			if len(e.Problems) == 0 || e.Total < len(e.Problems)-1 {
				t.Fatalf("errors without problems: %+v", e)
			}
			for _, p := range e.Problems {
				if p.Line < 0 || p.Line > lines {
					t.Fatalf("problem %+v outside the file's %d lines", p, lines)
				}
			}
			return
		}
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		for _, p := range res.Posts {
			if p.Line < 1 || p.Line > lines || p.PublishedAt.IsZero() {
				t.Fatalf("post %+v", p)
			}
		}
	})
}
