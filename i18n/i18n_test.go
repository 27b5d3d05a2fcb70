package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestCatalogsComplete: every key in every language, no empty message, and
// the same template fields on both sides.
func TestCatalogsComplete(t *testing.T) {
	c := Default()
	all := map[string]bool{}
	for _, l := range Langs {
		for _, k := range c.Keys(l) {
			all[k] = true
		}
	}
	if len(all) == 0 {
		t.Fatal("no messages")
	}
	raw := map[string]map[string]any{}
	for _, l := range Langs {
		raw[l] = map[string]any{}
		paths, _ := fs.Glob(files, "locales/"+l+"/*.json")
		for _, p := range paths {
			m, err := readCatalog(files, p)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range m {
				raw[l][k] = v
			}
		}
	}
	field := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	fields := func(v any) []string {
		var s []string
		add := func(str string) {
			for _, m := range field.FindAllStringSubmatch(str, -1) {
				s = append(s, m[1])
			}
		}
		switch x := v.(type) {
		case string:
			add(x)
		case map[string]any:
			for _, f := range x {
				if str, ok := f.(string); ok {
					add(str)
				}
			}
		}
		sort.Strings(s)
		uniq := s[:0]
		for i, f := range s {
			if i == 0 || f != s[i-1] {
				uniq = append(uniq, f)
			}
		}
		return uniq
	}
	for k := range all {
		var want []string
		for i, l := range Langs {
			v, ok := raw[l][k]
			if !ok {
				t.Errorf("%s: missing in %s.json", k, l)
				continue
			}
			if s, ok := v.(string); ok && s == "" {
				t.Errorf("%s: empty in %s.json", k, l)
			}
			got := fields(v)
			if i == 0 {
				want = got
			} else if len(got) != len(want) || (len(got) > 0 && !equal(got, want)) {
				t.Errorf("%s: template fields %v in %s, %v in %s", k, got, l, want, Langs[0])
			}
		}
	}
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPluralAndFallback(t *testing.T) {
	c := Default()
	if got := c.T("en", "members.count", "Count", 1); got != "1 member" {
		t.Errorf("en one: %q", got)
	}
	if got := c.T("en", "members.count", "Count", 3); got != "3 members" {
		t.Errorf("en other: %q", got)
	}
	if got := c.T("ja", "members.count", "Count", 3); got != "3人" {
		t.Errorf("ja: %q", got)
	}
	if got := c.T("fr", "members.count", "Count", 3); got != "3人" {
		t.Errorf("unknown language falls back to Japanese: %q", got)
	}
	if got := c.T("ja", "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

// TestErrorKeys: every message key a Go error carries (soroe.Invalid(…,
// "key"), Message: "key") has an "error.key" message in both languages, so
// no user ever sees a raw key.
func TestErrorKeys(t *testing.T) {
	c := Default()
	re := regexp.MustCompile(`(?:Invalid\((?:[^()]|\([^()]*\))*?,\s*"([a-z_]+)"\)|Message:\s*"([a-z_]+)")`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := "error." + m[1] + m[2]
			for _, l := range Langs {
				if !c.Has(l, key) {
					t.Errorf("%s: %s has no %s message", path, key, l)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
