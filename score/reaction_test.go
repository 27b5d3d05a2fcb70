package score

import (
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

func post(vals map[soroe.PostMetric]int64) Post { return Post{Values: vals} }

func TestRateOf(t *testing.T) {
	for _, c := range []struct {
		name  string
		p     Post
		per   string
		value float64
		ok    bool
	}{
		{"per impression", post(map[soroe.PostMetric]int64{soroe.PostImpressions: 1000, soroe.PostLikes: 10, soroe.PostReplies: 2}), "impressions", 0.016, true},
		{"views when no impressions", post(map[soroe.PostMetric]int64{soroe.PostViews: 500, soroe.PostSaves: 5}), "views", 0.03, true},
		{"reach last", post(map[soroe.PostMetric]int64{soroe.PostReach: 200, soroe.PostLikes: 4}), "reach", 0.02, true},
		{"followers when the network gives no exposure", Post{Values: map[soroe.PostMetric]int64{soroe.PostLikes: 30}, Followers: 1500}, "followers", 0.02, true},
		{"no denominator", post(map[soroe.PostMetric]int64{soroe.PostLikes: 30}), "", 0, false},
		{"conversions count most", Post{Values: map[soroe.PostMetric]int64{soroe.PostImpressions: 1000}, Conversions: 2}, "impressions", 0.02, true},
		{"zero impressions is no denominator", post(map[soroe.PostMetric]int64{soroe.PostImpressions: 0, soroe.PostReach: 100, soroe.PostLikes: 1}), "reach", 0.01, true},
	} {
		r, ok := RateOf(c.p)
		if ok != c.ok || r.Per != c.per || (ok && abs(r.Value-c.value) > 1e-9) {
			t.Errorf("%s: %+v %v, want %s %v", c.name, r, ok, c.per, c.value)
		}
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func rates(xs ...float64) []float64 { return xs }

func TestScore(t *testing.T) {
	ten := rates(0.01, 0.012, 0.014, 0.016, 0.018, 0.02, 0.022, 0.024, 0.026, 0.028)
	p := post(map[soroe.PostMetric]int64{soroe.PostImpressions: 1000, soroe.PostLikes: 21}) // 0.021
	r, ok := Score(p, "image", "24h", ten, nil)
	if !ok || r.Baseline != BaselineAccount || r.Value != 60 || r.Top != 40 || r.N != 10 || r.Version != Version {
		t.Fatalf("account baseline: %+v %v", r, ok)
	}
	// Fewer than ten: the organization, said so.
	r, ok = Score(p, "image", "24h", ten[:9], append(ten, 0.03, 0.04))
	if !ok || r.Baseline != BaselineOrg || r.N != 12 {
		t.Fatalf("org fallback: %+v", r)
	}
	if lines := Explain(r, soroe.LangJA); !strings.Contains(strings.Join(lines, "\n"), "組織全体") {
		t.Errorf("fallback not said: %v", lines)
	}
	// Nothing to compare with, or no denominator: no score.
	if _, ok := Score(p, "image", "24h", nil, nil); ok {
		t.Error("scored without a baseline")
	}
	if _, ok := Score(post(map[soroe.PostMetric]int64{soroe.PostLikes: 3}), "", "", ten, nil); ok {
		t.Error("scored without a denominator")
	}
	// A viral outlier in the baseline moves the score by one place only,
	// and barely moves the trimmed mean.
	viral := append(rates(), ten...)
	viral[9] = 5.0
	rv, _ := Score(p, "image", "24h", viral, nil)
	if rv.Value != r0(t, p, ten).Value || TrimmedMean(viral) != TrimmedMean(ten) {
		t.Errorf("outlier: %d vs %d, mean %v vs %v", rv.Value, r0(t, p, ten).Value, TrimmedMean(viral), TrimmedMean(ten))
	}
	// Clamped and monotone: more engagement never scores lower.
	last := -1
	for likes := int64(0); likes <= 100; likes += 5 {
		r, ok := Score(post(map[soroe.PostMetric]int64{soroe.PostImpressions: 1000, soroe.PostLikes: likes}), "", "", ten, nil)
		if !ok || r.Value < last || r.Value < 0 || r.Value > 100 {
			t.Fatalf("likes %d: %d after %d", likes, r.Value, last)
		}
		last = r.Value
	}
	if last != 100 {
		t.Errorf("top score %d", last)
	}
	// The same inputs give the same score.
	a, _ := Score(p, "image", "24h", ten, nil)
	b, _ := Score(p, "image", "24h", ten, nil)
	if a.Value != b.Value || a.Ratio != b.Ratio {
		t.Error("not deterministic")
	}
}

func r0(t *testing.T, p Post, base []float64) Result {
	r, ok := Score(p, "", "", base, nil)
	if !ok {
		t.Fatal("no score")
	}
	return r
}

func TestExplain(t *testing.T) {
	p := Post{Values: map[soroe.PostMetric]int64{soroe.PostImpressions: 800, soroe.PostLikes: 12, soroe.PostSaves: 4, soroe.PostLinkClicks: 3}}
	base := rates(0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.011, 0.012)
	r, _ := Score(p, "image", "168h", base, nil)
	ja := strings.Join(Explain(r, soroe.LangJA), "\n")
	for _, s := range []string{"いいね 12・保存 4・クリック 3", "インプレッションあたり", "直近 90 日の画像投稿 12 件", "7 日", "上位", "倍"} {
		if !strings.Contains(ja, s) {
			t.Errorf("ja lacks %q:\n%s", s, ja)
		}
	}
	en := strings.Join(Explain(r, soroe.LangEN), "\n")
	for _, s := range []string{"likes 12, saves 4, link clicks 3", "per impression", "12 image posts", "7 days"} {
		if !strings.Contains(en, s) {
			t.Errorf("en lacks %q:\n%s", s, en)
		}
	}
}

func TestAgeBucket(t *testing.T) {
	for h, want := range map[float64]string{0.5: "", 1: "1h", 5.9: "1h", 6: "6h", 30: "24h", 100: "72h", 200: "168h", 1000: "720h"} {
		if got := AgeBucket(h); got != want {
			t.Errorf("AgeBucket(%v) = %q, want %q", h, got, want)
		}
	}
}
