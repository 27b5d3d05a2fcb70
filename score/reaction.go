package score

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/soroe/soroe"
)

// Version is the reaction score's formula version; every stored score
// carries the version it was computed with (docs/score.md lists them).
const Version = 1

// Weights are what one interaction counts for in the weighted engagement.
// Conversation, saves and shares mean more than a like (X's open-sourced
// ranker weighs a reply 54× a like; Instagram practice counts saves as
// high intent), and outcomes — a click on the post's link, a conversion it
// brought — mean most. docs/score.md explains each.
type Weights map[soroe.PostMetric]float64

// WeightsV1 are version 1's weights.
var WeightsV1 = Weights{
	soroe.PostLikes:         1,
	soroe.PostReposts:       2,
	soroe.PostBookmarks:     2,
	soroe.PostProfileClicks: 1,
	soroe.PostReplies:       3,
	soroe.PostQuotes:        3,
	soroe.PostShares:        3,
	soroe.PostSaves:         3,
	soroe.PostLinkClicks:    3,
	soroe.PostFollows:       4,
}

// ConversionWeight is what one conversion the post brought counts for.
const ConversionWeight = 10

// MinBaseline is how many earlier posts of the account a score needs
// before it compares against the account; with fewer, the organization's
// posts are the baseline (and the breakdown says so).
const MinBaseline = 10

// BaselineDays is how far back the baseline's posts are taken from.
const BaselineDays = 90

// Post is what the score reads of one post at one age.
type Post struct {
	Values      map[soroe.PostMetric]int64 // available metrics only
	Conversions int64                      // attributed to the post
	Followers   int64                      // the account's followers on the publish day; 0 unknown
}

// Part is one interaction's share of the weighted engagement.
type Part struct {
	Metric       string  `json:"metric"` // a soroe.PostMetric, or "conversions"
	Count        int64   `json:"count"`
	Weight       float64 `json:"weight"`
	Contribution float64 `json:"contribution"`
}

// Rate is a post's weighted engagement per unit of its denominator.
type Rate struct {
	Weighted float64 `json:"weighted"`
	Per      string  `json:"per"` // impressions, views, reach or followers
	Base     int64   `json:"base"`
	Value    float64 `json:"value"` // Weighted ÷ Base
	Parts    []Part  `json:"parts"`
}

// RateOf computes a post's weighted engagement rate: per impression, else
// per view, else per reach, else per follower on the publish day. It is
// false when the post has no denominator (a network that gives none and an
// unknown follower count).
func RateOf(p Post) (Rate, bool) {
	var r Rate
	for _, m := range soroe.PostMetrics {
		w, ok := WeightsV1[m]
		v, has := p.Values[m]
		if !ok || !has || v == 0 {
			continue
		}
		c := w * float64(v)
		r.Parts = append(r.Parts, Part{Metric: string(m), Count: v, Weight: w, Contribution: c})
		r.Weighted += c
	}
	if p.Conversions > 0 {
		c := ConversionWeight * float64(p.Conversions)
		r.Parts = append(r.Parts, Part{Metric: "conversions", Count: p.Conversions, Weight: ConversionWeight, Contribution: c})
		r.Weighted += c
	}
	for _, m := range []soroe.PostMetric{soroe.PostImpressions, soroe.PostViews, soroe.PostReach} {
		if v, ok := p.Values[m]; ok && v > 0 {
			r.Per, r.Base = string(m), v
			break
		}
	}
	if r.Base == 0 && p.Followers > 0 {
		r.Per, r.Base = "followers", p.Followers
	}
	if r.Base == 0 {
		return r, false
	}
	r.Value = r.Weighted / float64(r.Base)
	return r, true
}

// Baseline kinds.
const (
	BaselineAccount = "account" // the account's own earlier posts of the same kind, at the same age
	BaselineOrg     = "org"     // the organization's, when the account has fewer than MinBaseline
)

// Result is a post's reaction score with everything it was made of.
type Result struct {
	Value    int     `json:"value"` // 0–100: the share of the baseline's posts this one did better than
	Version  int     `json:"version"`
	Rate     Rate    `json:"rate"`
	Baseline string  `json:"baseline"`   // BaselineAccount or BaselineOrg
	N        int     `json:"baseline_n"` // posts compared with
	Kind     string  `json:"kind,omitempty"`
	Age      string  `json:"age,omitempty"` // the age compared at, e.g. "24h"
	Expected float64 `json:"expected"`      // the baseline's trimmed mean rate
	Ratio    float64 `json:"ratio"`         // Rate ÷ Expected; 0 when Expected is 0
	Top      int     `json:"top"`           // "上位 N%": 100 − Value, at least 1
}

// Score places a post's rate among its baseline: the account's earlier
// comparable posts' rates, or — with fewer than MinBaseline of them — the
// organization's. The score is the post's percentile rank (ties count
// half), so one viral post in the baseline moves it by one place only; the
// trimmed mean (CrowdTangle's middle 50%) gives the "× expected" ratio.
// It is false when the post has no rate or there is nothing to compare
// with.
func Score(p Post, kind, age string, account, org []float64) (Result, bool) {
	r, ok := RateOf(p)
	if !ok {
		return Result{}, false
	}
	res := Result{Version: Version, Rate: r, Kind: kind, Age: age, Baseline: BaselineAccount}
	base := account
	if len(account) < MinBaseline {
		res.Baseline, base = BaselineOrg, org
	}
	if len(base) == 0 {
		return Result{}, false
	}
	res.N = len(base)
	below, equal := 0, 0
	for _, b := range base {
		switch {
		case b < r.Value:
			below++
		case b == r.Value:
			equal++
		}
	}
	res.Value = int(math.Round(100 * (float64(below) + 0.5*float64(equal)) / float64(len(base))))
	res.Value = min(max(res.Value, 0), 100)
	res.Top = max(100-res.Value, 1)
	res.Expected = TrimmedMean(base)
	if res.Expected > 0 {
		res.Ratio = r.Value / res.Expected
	}
	return res, true
}

// TrimmedMean is the mean of the middle half of xs (the top and bottom
// quarters dropped; all of them when there are fewer than four).
func TrimmedMean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	cut := len(s) / 4
	if len(s) < 4 {
		cut = 0
	}
	mid := s[cut : len(s)-cut]
	sum := 0.0
	for _, v := range mid {
		sum += v
	}
	return sum / float64(len(mid))
}

// Explain writes the breakdown in plain words, in Japanese ("ja") or
// English: the interactions counted, the rate and its denominator, and how
// the post stands among the posts it was compared with.
func Explain(r Result, lang string) []string {
	ja := lang == soroe.LangJA
	var parts []string
	for _, p := range r.Rate.Parts {
		parts = append(parts, fmt.Sprintf("%s %d", metricName(p.Metric, ja), p.Count))
	}
	if len(parts) == 0 {
		if ja {
			parts = []string{"反応なし"}
		} else {
			parts = []string{"no interactions"}
		}
	}
	sep := ", "
	if ja {
		sep = "・"
	}
	per := perName(r.Rate.Per, ja)
	rate := fmt.Sprintf("%.2f%%", 100*r.Rate.Value)
	var lines []string
	if ja {
		lines = append(lines, fmt.Sprintf("%s → 重み付き反応 %s（%s %s）", strings.Join(parts, sep), trimFloat(r.Rate.Weighted), per, rate))
	} else {
		lines = append(lines, fmt.Sprintf("%s → weighted engagement %s (%s %s)", strings.Join(parts, sep), trimFloat(r.Rate.Weighted), rate, per))
	}
	kind := kindName(r.Kind, ja)
	// Where it stands: 「上位 15%」 for the better half, 「下位 8%」 below.
	rankJA, rankEN := fmt.Sprintf("上位 %d%%", r.Top), fmt.Sprintf("top %d%%", r.Top)
	if r.Value < 50 {
		rankJA, rankEN = fmt.Sprintf("下位 %d%%", max(r.Value, 1)), fmt.Sprintf("bottom %d%%", max(r.Value, 1))
	}
	switch {
	case ja && r.Baseline == BaselineAccount:
		lines = append(lines, fmt.Sprintf("このアカウントの直近 %d 日の%s %d 件（公開後 %s 時点）の中で%s", BaselineDays, kind, r.N, ageName(r.Age, ja), rankJA))
	case ja:
		lines = append(lines, fmt.Sprintf("このアカウントの比べられる投稿が %d 件未満のため、組織全体の%s %d 件（公開後 %s 時点）と比べて%s", MinBaseline, kind, r.N, ageName(r.Age, ja), rankJA))
	case r.Baseline == BaselineAccount:
		lines = append(lines, fmt.Sprintf("%s among this account's %d %s of the last %d days (at %s after publishing)", upperFirst(rankEN), r.N, kind, BaselineDays, ageName(r.Age, ja)))
	default:
		lines = append(lines, fmt.Sprintf("Fewer than %d comparable posts on this account: compared with the organization's %d %s (at %s after publishing), %s", MinBaseline, r.N, kind, ageName(r.Age, ja), rankEN))
	}
	if r.Expected > 0 {
		if ja {
			lines = append(lines, fmt.Sprintf("いつもの反応（中間 50%% の平均）の %.1f 倍", r.Ratio))
		} else {
			lines = append(lines, fmt.Sprintf("%.1f× the usual (the middle half's mean)", r.Ratio))
		}
	}
	return lines
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", f), "0"), ".")
}

var metricNames = map[string][2]string{
	"likes": {"いいね", "likes"}, "replies": {"返信", "replies"}, "reposts": {"リポスト", "reposts"}, "quotes": {"引用", "quotes"},
	"shares": {"シェア", "shares"}, "saves": {"保存", "saves"}, "bookmarks": {"ブックマーク", "bookmarks"},
	"link_clicks": {"クリック", "link clicks"}, "profile_clicks": {"プロフィール表示", "profile clicks"}, "follows": {"フォロー", "follows"},
	"conversions": {"成果", "conversions"},
}

func metricName(m string, ja bool) string {
	n, ok := metricNames[m]
	if !ok {
		return m
	}
	if ja {
		return n[0]
	}
	return n[1]
}

func perName(per string, ja bool) string {
	n := map[string][2]string{"impressions": {"インプレッションあたり", "per impression"}, "views": {"表示回数あたり", "per view"},
		"reach": {"リーチあたり", "per reach"}, "followers": {"公開日のフォロワーあたり", "per follower on the publish day"}}[per]
	if ja {
		return n[0]
	}
	return n[1]
}

func kindName(k string, ja bool) string {
	n, ok := map[string][2]string{"image": {"画像投稿", "image posts"}, "video": {"動画投稿", "video posts"}, "text": {"テキスト投稿", "text posts"},
		"reel": {"リール", "reels"}, "carousel": {"カルーセル", "carousels"}}[k]
	if !ok {
		n = [2]string{"投稿", "posts"}
	}
	if ja {
		return n[0]
	}
	return n[1]
}

func ageName(a string, ja bool) string {
	n, ok := map[string][2]string{"1h": {"1 時間", "1 hour"}, "6h": {"6 時間", "6 hours"}, "24h": {"1 日", "1 day"},
		"72h": {"3 日", "3 days"}, "168h": {"7 日", "7 days"}, "720h": {"30 日", "30 days"}}[a]
	if !ok {
		return a
	}
	if ja {
		return n[0]
	}
	return n[1]
}

// AgeBucket is the pull age a post of the given age is compared at: the
// largest of soroe.PullAges it has reached ("" before the first), named
// as Go writes the duration's hours ("1h", "24h", "720h").
func AgeBucket(hours float64) string {
	out := ""
	for _, a := range soroe.PullAges {
		if hours+1e-9 >= a.Hours() {
			out = fmt.Sprintf("%dh", int(a.Hours()))
		}
	}
	return out
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
