package text

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The conformance suite is read from testdata/, a verbatim copy of the
// shared reference, so that the test never depends on a folder outside the
// repository. referenceDir is that reference as the repository's tests see
// it (beside the clone, in development and in CI alike); when it is there,
// TestTwitterTextTestdataMatchesReference checks the copy against it.
const (
	testdataDir  = "testdata/twitter-text"
	referenceDir = "../../shared/reference/twitter-text"
)

type conformanceCase struct {
	Description string `yaml:"description" json:"description"`
	Text        string `yaml:"text" json:"text"`
	Expected    any    `yaml:"expected" json:"expected"`
}

type conformanceSuite struct {
	Tests map[string][]conformanceCase `yaml:"tests" json:"tests"`
}

func loadSuite(t *testing.T, name string) conformanceSuite {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataDir, "conformance", name))
	if err != nil {
		t.Fatal(err)
	}
	var s conformanceSuite
	if strings.HasSuffix(name, ".json") {
		err = json.Unmarshal(b, &s)
	} else {
		err = yaml.Unmarshal(b, &s)
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

// conformanceCheck runs one case and says what went wrong, or "".
type conformanceCheck func(c conformanceCase) string

func boolCheck(f func(string) bool) conformanceCheck {
	return func(c conformanceCase) string {
		want, ok := c.Expected.(bool)
		if !ok {
			return fmt.Sprintf("expected is %T, want a bool", c.Expected)
		}
		if got := f(c.Text); got != want {
			return fmt.Sprintf("got %v, want %v", got, want)
		}
		return ""
	}
}

func parseCheck(cfg TwitterConfig) conformanceCheck {
	return func(c conformanceCase) string {
		b, err := json.Marshal(c.Expected)
		if err != nil {
			return err.Error()
		}
		var want TweetParse
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			return fmt.Sprintf("expected %s: %v", b, err)
		}
		if got := ParseTweet(c.Text, cfg); got != want {
			return fmt.Sprintf("got %+v\nwant %+v", got, want)
		}
		return ""
	}
}

// conformanceChecks maps each section of validate.yml onto our function, with
// the configuration upstream's own conformance tests force for it.
var conformanceChecks = map[string]conformanceCheck{
	"tweets":                    boolCheck(ValidTweet),
	"usernames":                 boolCheck(ValidUsername),
	"lists":                     boolCheck(ValidList),
	"hashtags":                  boolCheck(ValidHashtag),
	"urls":                      boolCheck(func(s string) bool { return ValidURL(s, true) }),
	"urls_without_protocol":     boolCheck(func(s string) bool { return ValidURL(s, false) }),
	"WeightedTweetsCounterTest": parseCheck(TwitterV2),
	"WeightedTweetsWithDiscountedEmojiCounterTest": parseCheck(TwitterV3),
	"UnicodeDirectionalMarkerCounterTest":          parseCheck(TwitterV3), // upstream's default
}

// TestTwitterTextConformance runs every case of twitter-text's validation
// conformance suite, from the YAML file and from its JSON rendering.
func TestTwitterTextConformance(t *testing.T) {
	for _, file := range []string{"validate.yml", "validate.derived.json"} {
		t.Run(file, func(t *testing.T) {
			suite := loadSuite(t, file)
			total, passed := 0, 0
			for section, cases := range suite.Tests {
				check, ok := conformanceChecks[section]
				if !ok {
					t.Errorf("section %q has no check: add one", section)
					continue
				}
				for _, c := range cases {
					total++
					if msg := check(c); msg != "" {
						t.Errorf("%s / %s (text %.60q): %s", section, c.Description, c.Text, msg)
					} else {
						passed++
					}
				}
			}
			if total == 0 {
				t.Fatal("no conformance case found")
			}
			t.Logf("twitter-text conformance (%s): %d of %d cases passed", file, passed, total)
		})
	}
}

// TestTwitterTextConfigs checks TwitterV1..V3 against upstream's files.
func TestTwitterTextConfigs(t *testing.T) {
	for file, want := range map[string]TwitterConfig{"v1.json": TwitterV1, "v2.json": TwitterV2, "v3.json": TwitterV3} {
		b, err := os.ReadFile(filepath.Join(testdataDir, "config", file))
		if err != nil {
			t.Fatal(err)
		}
		var got TwitterConfig
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got.Ranges == nil {
			got.Ranges = []WeightRange{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %+v; ours is %+v", file, got, want)
		}
	}
}

// TestTwitterTextTestdataMatchesReference checks that every upstream file in
// testdata/ is byte for byte the one in the shared reference.
func TestTwitterTextTestdataMatchesReference(t *testing.T) {
	if _, err := os.Stat(referenceDir); err != nil {
		t.Skipf("shared reference not found at %s", referenceDir)
	}
	n := 0
	err := filepath.WalkDir(testdataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err // README.md is our own note
		}
		rel, _ := filepath.Rel(testdataDir, path)
		ours, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		ref, err := os.ReadFile(filepath.Join(referenceDir, rel))
		if err != nil {
			t.Errorf("%s: not in the reference: %v", rel, err)
			return nil
		}
		if !bytes.Equal(ours, ref) {
			t.Errorf("%s differs from %s: copy it again", path, filepath.Join(referenceDir, rel))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no testdata file compared")
	}
}
