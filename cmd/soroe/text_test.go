package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	posttext "github.com/soroe/soroe/text"
)

// runText runs one `soroe text …` command line in-process with stdin.
func runText(stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errb bytes.Buffer
	root := newRoot(&out, &errb)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	err = root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

// decodeVerdict decodes the JSON `text check` printed, refusing unknown keys.
func decodeVerdict(t *testing.T, out string) textVerdict {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var v textVerdict
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	return v
}

func TestTextCheck(t *testing.T) {
	for _, c := range []struct {
		name      string
		stdin     string
		args      []string
		valid     bool
		length    int
		limit     int
		problems  []string
		riskCodes []string
	}{
		{"x valid", "新商品を発売しました！ https://example.com/p/1\n", []string{"--platform", "x"}, true, 22 + 1 + 23, 280, nil, nil},
		{"x too long", strings.Repeat("あ", 141), []string{"--platform", "x"}, false, 282, 280, []string{posttext.ProblemTooLong}, nil},
		{"only one final newline is dropped", "a\n\n", []string{"--platform", "line"}, true, 2, 5000, nil, nil},
		{"crlf", "a\r\n", []string{"--platform", "line"}, true, 1, 5000, nil, nil},
		{"empty", "\n", []string{"--platform", "bluesky"}, false, 0, 300, []string{posttext.ProblemEmpty}, nil},
		{"empty with media", "", []string{"--platform", "bluesky", "--allow-empty"}, true, 0, 300, nil, nil},
		{"mastodon instance limit", strings.Repeat("a", 600), []string{"--platform", "mastodon", "--mastodon-limit", "1000"}, true, 600, 1000, nil, nil},
		{"mastodon default limit", strings.Repeat("a", 600), []string{"--platform", "mastodon"}, false, 600, 500, []string{posttext.ProblemTooLong}, nil},
		{"instagram hashtags", "新作 #a1 #b1 #c1 #d1 #e1 #f1", []string{"--platform", "instagram"}, false, 26, 2200, []string{posttext.ProblemTooManyHashtags}, nil},
		{"instagram legacy cap", "新作 #a1 #b1 #c1 #d1 #e1 #f1", []string{"--platform", "instagram", "--instagram-hashtags", "30"}, true, 26, 2200, nil, nil},
		{"risks do not change validity", "業界No.1！ライバル茶舗より激安。090-1234-5678",
			[]string{"--platform", "x", "--ng", "激安", "--competitor", "ライバル茶舗", "--ng", "爆安"}, true, 45, 280, nil,
			[]string{"no1_claim", "competitor", "ng_word", "phone_number"}},
		{"an NG word may contain a comma", "Foo, Inc.と比べて", []string{"--platform", "manual", "--competitor", "Foo, Inc."}, true, 13, 0, nil, []string{"competitor"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, err := runText(c.stdin, append([]string{"text", "check"}, c.args...)...)
			if c.valid && err != nil {
				t.Fatalf("error %v (stderr %q)", err, errOut)
			}
			if !c.valid {
				var code exitCode
				if !errors.As(err, &code) || code != 1 {
					t.Fatalf("error %v; want exitCode(1)", err)
				}
			}
			if errOut != "" {
				t.Errorf("stderr %q", errOut)
			}
			v := decodeVerdict(t, out)
			if v.Valid != c.valid || v.Length != c.length || v.Limit != c.limit {
				t.Errorf("got valid %v length %d limit %d; want %v %d %d", v.Valid, v.Length, v.Limit, c.valid, c.length, c.limit)
			}
			var problems, risks []string
			for _, p := range v.Problems {
				problems = append(problems, p.Code)
			}
			for _, f := range v.Risks {
				risks = append(risks, f.Code)
			}
			if strings.Join(problems, ",") != strings.Join(c.problems, ",") || strings.Join(risks, ",") != strings.Join(c.riskCodes, ",") {
				t.Errorf("problems %v risks %v; want %v and %v", problems, risks, c.problems, c.riskCodes)
			}
		})
	}
}

// TestTextCheckJSONShape pins the keys and that lists are never null.
func TestTextCheckJSONShape(t *testing.T) {
	out, _, err := runText("ok", "text", "check", "--platform", "x")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"platform", "length", "limit", "unit", "valid", "problems", "risks"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, out)
		}
	}
	if len(m) != 7 {
		t.Errorf("keys %v", m)
	}
	if _, ok := m["problems"].([]any); !ok {
		t.Errorf("problems is %v", m["problems"])
	}
	if _, ok := m["risks"].([]any); !ok {
		t.Errorf("risks is %v", m["risks"])
	}
}

func TestTextCheckUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"text", "check"}, `required flag(s) "platform" not set`},
		{[]string{"text", "check", "--platform", "myspace"}, "unknown_platform (use one of x, instagram"},
		{[]string{"text", "check", "--platform", "x", "extra"}, "unknown command"},
	} {
		out, _, err := runText("hello", c.args...)
		if err == nil || !strings.Contains(userMessage(err), c.want) {
			t.Errorf("soroe %s: error %v; want %q", strings.Join(c.args, " "), err, c.want)
		}
		var code exitCode
		if errors.As(err, &code) {
			t.Errorf("soroe %s: a usage error must not be a quiet exit", strings.Join(c.args, " "))
		}
		if out != "" {
			t.Errorf("soroe %s printed %q", strings.Join(c.args, " "), out)
		}
	}
	big := strings.Repeat("a", maxTextBytes+1)
	if _, _, err := runText(big, "text", "check", "--platform", "manual"); err == nil || !strings.Contains(userMessage(err), "too_long") {
		t.Errorf("oversized input: error %v", err)
	}
}

// TestTextCheckExitStatus runs the real main in a child process: exit 0 and
// JSON for valid text; exit 1, the JSON and nothing on stderr for invalid
// text; exit 1 and one message for a usage error.
func TestTextCheckExitStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, c := range []struct {
		stdin    string
		args     []string
		code     int
		json     bool
		stderrIs string
	}{
		{"新商品を発売しました！", []string{"--platform", "x"}, 0, true, ""},
		{strings.Repeat("あ", 141), []string{"--platform", "x"}, 1, true, ""},
		{"hello", []string{"--platform", "myspace"}, 1, false, "soroe: platform: unknown_platform"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestTextCheckMainHelper$")
		cmd.Env = append(os.Environ(), "SOROE_TEST_TEXT_MAIN="+strings.Join(append([]string{"text", "check"}, c.args...), "\n"))
		cmd.Stdin = strings.NewReader(c.stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.code {
			t.Errorf("%v: exit %d; want %d (stderr %q)", c.args, code, c.code, errb.String())
		}
		if c.json {
			v := decodeVerdict(t, out.String())
			if v.Valid != (c.code == 0) {
				t.Errorf("%v: valid %v with exit %d", c.args, v.Valid, code)
			}
		} else if out.Len() != 0 {
			t.Errorf("%v: stdout %q", c.args, out.String())
		}
		if !strings.HasPrefix(errb.String(), c.stderrIs) || (c.stderrIs == "" && errb.Len() != 0) {
			t.Errorf("%v: stderr %q; want %q", c.args, errb.String(), c.stderrIs)
		}
	}
}

// TestTextCheckMainHelper is the child process of TestTextCheckExitStatus.
func TestTextCheckMainHelper(t *testing.T) {
	args, ok := os.LookupEnv("SOROE_TEST_TEXT_MAIN")
	if !ok {
		t.Skip("runs only as TestTextCheckExitStatus's child process")
	}
	os.Args = append([]string{"soroe"}, strings.Split(args, "\n")...)
	main()
	os.Exit(0)
}
