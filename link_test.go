package soroe

import (
	"net/url"
	"testing"
)

func TestWithUTM(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]string
		err  bool
	}{
		{"https://example.jp/a", map[string]string{"utm_source": "x", "utm_medium": "social", "utm_campaign": "goal-3", "utm_content": "42"}, false},
		{"https://example.jp/a?b=1&utm_source=newsletter#top", map[string]string{"b": "1", "utm_source": "newsletter", "utm_medium": "social"}, false},
		{"https://example.jp/?utm_campaign=own", map[string]string{"utm_campaign": "own", "utm_content": "42"}, false},
		{"javascript:alert(1)", nil, true},
		{"/relative", nil, true},
	} {
		got, err := WithUTM(c.in, NetworkX, "goal-3", 42)
		if (err != nil) != c.err {
			t.Fatalf("%s: err %v", c.in, err)
		}
		if err != nil {
			continue
		}
		u, _ := url.Parse(got)
		for k, v := range c.want {
			if u.Query().Get(k) != v {
				t.Errorf("%s → %s: %s = %q, want %q", c.in, got, k, u.Query().Get(k), v)
			}
		}
		if c.in == "https://example.jp/a?b=1&utm_source=newsletter#top" && u.Fragment != "top" {
			t.Errorf("fragment lost: %s", got)
		}
	}
}

func TestGoalSlug(t *testing.T) {
	for _, c := range []struct {
		g    *Goal
		want string
	}{
		{nil, "none"},
		{&Goal{ID: 7, Title: "採用説明会の応募"}, "goal-7"},
		{&Goal{ID: 12, Title: "Spring Fair 2026 資料DL!"}, "goal-12-spring-fair-2026-dl"},
	} {
		if got := GoalSlug(c.g); got != c.want {
			t.Errorf("GoalSlug(%+v) = %q, want %q", c.g, got, c.want)
		}
	}
}

func TestLinkCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewLinkCode()
		if !ValidLinkCode(c) || len(c) != LinkCodeLen || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if k := NewSiteKey(); len(k) != 23 {
		t.Fatalf("site key %q", k)
	}
}
