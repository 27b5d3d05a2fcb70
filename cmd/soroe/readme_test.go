package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	// envLiteral is a SOROE_ variable named in a Go string literal; %s
	// stands for a part filled in (SOROE_NETWORK_%s_API_URL).
	envLiteral = regexp.MustCompile(`"(SOROE_[A-Z0-9_%s]*[A-Z0-9])`)
	// envDoc is a variable the README names; <NAME> stands for a part.
	envDoc = regexp.MustCompile(`SOROE_[A-Z0-9_]*(?:<NAME>[A-Z0-9_]*)?[A-Z0-9]`)
)

// codeEnv is every SOROE_ variable named in the module's Go files, with
// %s written <NAME>; tests says whether _test.go files count.
func codeEnv(t *testing.T, root string, tests bool) map[string]bool {
	t.Helper()
	vars := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || (!tests && strings.HasSuffix(path, "_test.go")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range envLiteral.FindAllStringSubmatch(string(b), -1) {
			vars[strings.ReplaceAll(m[1], "%s", "<NAME>")] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return vars
}

// readmeEnv is every SOROE_ variable the README's "Configuration" section
// (its tables) names.
func readmeEnv(t *testing.T, readme string) map[string]bool {
	t.Helper()
	_, sec, ok := strings.Cut(readme, "\n## Configuration")
	if !ok {
		t.Fatal(`README has no "## Configuration" section`)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	vars := map[string]bool{}
	for _, line := range strings.Split(sec, "\n") {
		if !strings.HasPrefix(line, "|") {
			continue
		}
		for _, v := range envDoc.FindAllString(line, -1) {
			vars[v] = true
		}
	}
	return vars
}

// covers reports whether documented names v: the same name, or a pattern
// with <NAME> that v fills in.
func covers(doc map[string]bool, v string) bool {
	if doc[v] {
		return true
	}
	for d := range doc {
		pre, suf, ok := strings.Cut(d, "<NAME>")
		if ok && len(v) > len(pre)+len(suf) && strings.HasPrefix(v, pre) && strings.HasSuffix(v, suf) {
			return true
		}
	}
	return false
}

func sorted(m map[string]bool) []string {
	s := make([]string, 0, len(m))
	for k := range m {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// TestReadmeConfiguration: every environment variable the program reads is
// in the README's configuration tables, and every variable there is read by
// the program or, for the test switches, by its tests.
func TestReadmeConfiguration(t *testing.T) {
	root := filepath.Join("..", "..")
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := readmeEnv(t, string(b))
	prog := codeEnv(t, root, false)
	all := codeEnv(t, root, true)
	for _, must := range []string{"SOROE_SECRET_KEY", "SOROE_DATA", "SOROE_ADDR", "SOROE_NETWORK_<NAME>_API_URL"} {
		if !prog[must] {
			t.Fatalf("the scan of the Go sources misses %s (found %v)", must, sorted(prog))
		}
	}
	for _, v := range sorted(prog) {
		if !covers(doc, v) {
			t.Errorf("the code reads %s, which the README's configuration tables do not list", v)
		}
	}
	for _, v := range sorted(doc) {
		if all[v] {
			continue
		}
		t.Errorf("the README lists %s, which no Go source reads", v)
	}
	// The secret key's row says what it is for, how to make one and what
	// happens without it.
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "`SOROE_SECRET_KEY`") && strings.HasPrefix(line, "|") {
			for _, want := range []string{"encrypt", "openssl rand", "Without it"} {
				if !strings.Contains(line, want) {
					t.Errorf("the SOROE_SECRET_KEY row does not say %q: %s", want, line)
				}
			}
			return
		}
	}
	t.Error("no configuration row for SOROE_SECRET_KEY")
}

// TestReadmeCovers: the pattern matching of the README test.
func TestReadmeCovers(t *testing.T) {
	doc := map[string]bool{"SOROE_A": true, "SOROE_NETWORK_<NAME>_API_URL": true}
	for v, want := range map[string]bool{
		"SOROE_A": true, "SOROE_B": false, "SOROE_NETWORK_X_API_URL": true,
		"SOROE_NETWORK__API_URL": false, "SOROE_NETWORK_X_API": false,
	} {
		if got := covers(doc, v); got != want {
			t.Errorf("covers(%s) = %v, want %v", v, got, want)
		}
	}
	if got := envDoc.FindAllString("`SOROE_DEMO=1` and `SOROE_NETWORK_<NAME>_API_URL` (`X`)", -1); strings.Join(got, " ") != "SOROE_DEMO SOROE_NETWORK_<NAME>_API_URL" {
		t.Errorf("envDoc found %q", got)
	}
}
