package text

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

func TestCheck(t *testing.T) {
	family := "👨‍👩‍👧‍👦" // 7 code points, 25 bytes, one grapheme
	links := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString("詳細 https://example.com/p/" + string(rune('a'+i)) + " ")
		}
		return b.String()
	}
	tags := func(n int) string {
		var b strings.Builder
		b.WriteString("新作入荷")
		for i := range n {
			b.WriteString(" #タグ" + string(rune('a'+i)))
		}
		return b.String()
	}
	type problem struct {
		code       string
		start, end int
	}
	for _, c := range []struct {
		name    string
		network soroe.Network
		text    string
		opts    Options
		length  int
		limit   int
		unit    string
		wantErr []problem // the problems, in order; none means valid
	}{
		// X: twitter-text v3.
		{"x kana", soroe.NetworkX, "新商品を発売しました！", Options{}, 22, 280, UnitWeighted, nil},
		{"x url counts 23", soroe.NetworkX, "詳細はこちら https://example.com/p/123456789012345678901234567890", Options{}, 36, 280, UnitWeighted, nil},
		{"x bare domain counts 23", soroe.NetworkX, "詳しくはexample.comへ", Options{}, 4*2 + 23 + 2, 280, UnitWeighted, nil},
		{"x emoji sequence counts 2", soroe.NetworkX, "家族" + family, Options{}, 6, 280, UnitWeighted, nil},
		{"x 140 kana fit", soroe.NetworkX, strings.Repeat("あ", 140), Options{}, 280, 280, UnitWeighted, nil},
		{"x 141 kana", soroe.NetworkX, strings.Repeat("あ", 141), Options{}, 282, 280, UnitWeighted, []problem{{ProblemTooLong, 140, 141}}},
		{"x latin then kana", soroe.NetworkX, strings.Repeat("a", 279) + "あい", Options{}, 283, 280, UnitWeighted, []problem{{ProblemTooLong, 279, 281}}},
		{"x invalid char", soroe.NetworkX, "ABC\uFFFEDEF", Options{}, 8, 280, UnitWeighted, []problem{{ProblemInvalidChar, 3, 4}}},
		{"x empty", soroe.NetworkX, "", Options{}, 0, 280, UnitWeighted, []problem{{ProblemEmpty, 0, 0}}},
		{"x blank", soroe.NetworkX, " \n　", Options{}, 4, 280, UnitWeighted, []problem{{ProblemEmpty, 0, 3}}},
		{"x empty with media", soroe.NetworkX, "", Options{AllowEmpty: true}, 0, 280, UnitWeighted, nil},
		{"x not utf-8", soroe.NetworkX, "abc\xff", Options{}, 5, 280, UnitWeighted, []problem{{ProblemInvalidEncoding, 0, 4}}},

		// Bluesky: graphemes and bytes.
		{"bluesky 300 graphemes", soroe.NetworkBluesky, strings.Repeat("あ", 300), Options{}, 300, 300, UnitGraphemes, nil},
		{"bluesky 301 graphemes", soroe.NetworkBluesky, strings.Repeat("あ", 301), Options{}, 301, 300, UnitGraphemes, []problem{{ProblemTooLong, 300, 301}}},
		{"bluesky emoji are one grapheme", soroe.NetworkBluesky, strings.Repeat(family, 120), Options{}, 120, 300, UnitGraphemes, nil},
		{"bluesky bytes", soroe.NetworkBluesky, strings.Repeat(family, 121), Options{}, 121, 300, UnitGraphemes, []problem{{ProblemTooManyBytes, 840, 847}}},
		{"bluesky url counted as written", soroe.NetworkBluesky, "見て https://example.com/" + strings.Repeat("a", 280), Options{}, 3 + 20 + 280, 300, UnitGraphemes, []problem{{ProblemTooLong, 300, 303}}},

		// Mastodon: graphemes, URLs 23, @user@domain as @user.
		{"mastodon 500", soroe.NetworkMastodon, strings.Repeat("a", 500), Options{}, 500, 500, UnitGraphemes, nil},
		{"mastodon url", soroe.NetworkMastodon, strings.Repeat("あ", 476) + " https://example.com/" + strings.Repeat("x", 300), Options{}, 500, 500, UnitGraphemes, nil},
		{"mastodon url over", soroe.NetworkMastodon, strings.Repeat("あ", 477) + " https://example.com/" + strings.Repeat("x", 300), Options{}, 501, 500, UnitGraphemes, []problem{{ProblemTooLong, 478, 798}}},
		{"mastodon bare domain counted as written", soroe.NetworkMastodon, "example.com", Options{}, 11, 500, UnitGraphemes, nil},
		{"mastodon remote mention", soroe.NetworkMastodon, strings.Repeat("a", 492) + " @hanako@mastodon.example", Options{}, 500, 500, UnitGraphemes, nil},
		{"mastodon email is not a mention", soroe.NetworkMastodon, "mail hanako@example.jp", Options{}, 22, 500, UnitGraphemes, nil},
		{"mastodon instance limit", soroe.NetworkMastodon, strings.Repeat("a", 501), Options{MastodonLimit: 1000}, 501, 1000, UnitGraphemes, nil},

		// Threads: emoji count their UTF-8 bytes; at most 5 links.
		{"threads emoji bytes", soroe.NetworkThreads, "新作😀", Options{}, 6, 500, UnitThreads, nil},
		{"threads 500", soroe.NetworkThreads, strings.Repeat("あ", 496) + "😀", Options{}, 500, 500, UnitThreads, nil},
		{"threads 501", soroe.NetworkThreads, strings.Repeat("あ", 497) + "😀", Options{}, 501, 500, UnitThreads, []problem{{ProblemTooLong, 497, 498}}},
		{"threads 5 links", soroe.NetworkThreads, links(5), Options{}, len([]rune(links(5))), 500, UnitThreads, nil},
		{"threads 6 links", soroe.NetworkThreads, links(6), Options{}, len([]rune(links(6))), 500, UnitThreads, []problem{{ProblemTooManyLinks, 5*27 + 3, 5*27 + 3 + 23}}},

		// Instagram: 2,200 characters; hashtags capped (5 by default).
		{"instagram 5 hashtags", soroe.NetworkInstagram, tags(5), Options{}, 4 + 5*5, 2200, UnitCodePoints, nil},
		{"instagram 6 hashtags", soroe.NetworkInstagram, tags(6), Options{}, 4 + 6*5, 2200, UnitCodePoints, []problem{{ProblemTooManyHashtags, 4 + 5*5 + 1, 4 + 6*5}}},
		{"instagram legacy cap", soroe.NetworkInstagram, tags(6), Options{InstagramHashtagCap: LegacyInstagramHashtagCap}, 34, 2200, UnitCodePoints, nil},
		{"instagram no cap", soroe.NetworkInstagram, tags(26), Options{InstagramHashtagCap: -1}, 4 + 26*5, 2200, UnitCodePoints, nil},
		{"instagram too long", soroe.NetworkInstagram, strings.Repeat("あ", 2201), Options{}, 2201, 2200, UnitCodePoints, []problem{{ProblemTooLong, 2200, 2201}}},

		// Facebook, LinkedIn, LINE, manual.
		{"facebook limit", soroe.NetworkFacebook, strings.Repeat("あ", FacebookLimit), Options{}, FacebookLimit, FacebookLimit, UnitCodePoints, nil},
		{"facebook over", soroe.NetworkFacebook, strings.Repeat("あ", FacebookLimit+1), Options{}, FacebookLimit + 1, FacebookLimit, UnitCodePoints, []problem{{ProblemTooLong, FacebookLimit, FacebookLimit + 1}}},
		{"linkedin 3000", soroe.NetworkLinkedIn, strings.Repeat("あ", 3000), Options{}, 3000, 3000, UnitCodePoints, nil},
		{"linkedin 3001", soroe.NetworkLinkedIn, strings.Repeat("あ", 3001), Options{}, 3001, 3000, UnitCodePoints, []problem{{ProblemTooLong, 3000, 3001}}},
		{"line utf-16", soroe.NetworkLINE, strings.Repeat("🍎", 2500), Options{}, 5000, 5000, UnitUTF16, nil},
		{"line over", soroe.NetworkLINE, strings.Repeat("🍎", 2501), Options{}, 5002, 5000, UnitUTF16, []problem{{ProblemTooLong, 2500, 2501}}},
		{"manual has no limit", soroe.NetworkManual, strings.Repeat("あ", 100000), Options{}, 100000, 0, UnitCodePoints, nil},
		{"manual empty", soroe.NetworkManual, "", Options{}, 0, 0, UnitCodePoints, []problem{{ProblemEmpty, 0, 0}}},
		{"unknown network", soroe.Network("myspace"), "hello", Options{}, 5, 0, UnitCodePoints, []problem{{ProblemUnknownPlatform, 0, 5}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Check(c.network, c.text, c.opts)
			if r.Platform != c.network || r.Length != c.length || r.Limit != c.limit || r.Unit != c.unit {
				t.Errorf("got platform %s length %d limit %d unit %s; want %s %d %d %s",
					r.Platform, r.Length, r.Limit, r.Unit, c.network, c.length, c.limit, c.unit)
			}
			var got []problem
			for _, p := range r.Problems {
				got = append(got, problem{p.Code, p.Start, p.End})
				if p.Message == "" {
					t.Errorf("problem %s has no message", p.Code)
				}
			}
			if !equalProblems(got, c.wantErr) {
				t.Errorf("problems %+v; want %+v", r.Problems, c.wantErr)
			}
			if r.Valid != (len(c.wantErr) == 0) {
				t.Errorf("valid = %v with problems %+v", r.Valid, r.Problems)
			}
		})
	}
}

func equalProblems[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCheckProblemNumbers checks the numbers a too_long problem carries and
// that a Result's JSON has the keys the CLI promises.
func TestCheckProblemNumbers(t *testing.T) {
	r := Check(soroe.NetworkX, strings.Repeat("あ", 150), Options{})
	if len(r.Problems) != 1 || r.Problems[0].Count != 300 || r.Problems[0].Limit != 280 ||
		r.Problems[0].Message != "300 weighted characters; X allows 280." {
		t.Fatalf("problems %+v", r.Problems)
	}
	b, err := json.Marshal(Check(soroe.NetworkX, "ok", Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"platform":"x","length":2,"limit":280,"unit":"weighted","valid":true,"problems":[]}`; string(b) != want {
		t.Errorf("JSON %s; want %s", b, want)
	}
}

// TestCheckEveryNetwork makes sure every network has rules and a name.
func TestCheckEveryNetwork(t *testing.T) {
	for _, n := range soroe.Networks {
		r := Check(n, "新商品を発売しました！", Options{})
		if !r.Valid || r.Length == 0 || r.Unit == "" || networkNames[n] == "" {
			t.Errorf("%s: %+v", n, r)
		}
	}
}

func TestExtractURLs(t *testing.T) {
	for _, c := range []struct {
		text            string
		withoutProtocol bool
		want            []string
	}{
		{"新商品 https://example.com/p/123 #新商品", true, []string{"https://example.com/p/123"}},
		{"詳しくはexample.comへ", true, []string{"example.com"}},
		{"詳しくはexample.comへ", false, nil},
		{"https://例え.jp/パス", true, []string{"https://例え.jp/"}},
		{"(https://en.wikipedia.org/wiki/Primer_(film)).", true, []string{"https://en.wikipedia.org/wiki/Primer_(film)"}},
		{"末尾の句点 https://example.com/a.", true, []string{"https://example.com/a"}},
		{"http://example.com:8080/a?b=c#d です", true, []string{"http://example.com:8080/a?b=c#d"}},
		{"https://t.co/abc123/extra", true, []string{"https://t.co/abc123"}},
		{"foo.jp と foo.jp/x と t.co/abc", true, []string{"foo.jp/x", "t.co/abc"}},
		{"mail hanako@example.jp", true, nil},
		{"not-a-tld.example", true, nil},
		{"ファイル.txt", true, nil},
		{"HTTPS://EXAMPLE.COM", true, []string{"HTTPS://EXAMPLE.COM"}},
	} {
		var got []string
		for _, u := range ExtractURLs(c.text, c.withoutProtocol) {
			got = append(got, u.Text)
			if string([]rune(c.text)[u.Start:u.End]) != u.Text {
				t.Errorf("%q: %+v does not match its offsets", c.text, u)
			}
		}
		if !equalProblems(got, c.want) {
			t.Errorf("ExtractURLs(%q, %v) = %q; want %q", c.text, c.withoutProtocol, got, c.want)
		}
	}
}

func TestExtractHashtags(t *testing.T) {
	for text, want := range map[string][]string{
		"#新商品 #sale": {"新商品", "sale"},
		"＃全角タグ":      {"全角タグ"},
		"#123":       nil,
		"#a#b":       nil,
		"春#桜":        nil,
		"#タグ、#tag2 http://example.com/#frag": {"タグ", "tag2"},
	} {
		var got []string
		for _, h := range ExtractHashtags(text) {
			got = append(got, h.Text)
		}
		if !equalProblems(got, want) {
			t.Errorf("ExtractHashtags(%q) = %q; want %q", text, got, want)
		}
	}
}

// typicalPost is a Japanese company's post of ordinary length.
const typicalPost = `【新商品のお知らせ】
春の新作「さくらブレンド」を本日より発売しました🌸
香り高い国産茶葉をていねいにブレンドし、毎日のひと息にぴったりの味に仕上げました。
オンラインショップでは送料無料キャンペーンも実施中です。
詳しくはこちら 👉 https://example.co.jp/shop/sakura-blend?utm_source=sns
#新商品 #さくらブレンド #お茶のある暮らし`

func BenchmarkCheck(b *testing.B) {
	for _, n := range soroe.Networks {
		b.Run(string(n), func(b *testing.B) {
			for b.Loop() {
				Check(n, typicalPost, Options{})
			}
		})
	}
}

func BenchmarkRisk(b *testing.B) {
	cfg := RiskConfig{NGWords: []string{"激安", "爆安"}, Competitors: []string{"ライバル茶舗", "Example Tea"}}
	for b.Loop() {
		Risk(typicalPost, cfg)
	}
}
