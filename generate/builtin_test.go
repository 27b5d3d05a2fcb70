package generate_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/library"
	"github.com/soroe/soroe/text"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var langs = []string{soroe.LangJA, soroe.LangEN}

// goalFor is a goal of the purpose with the KPIs the library suggests.
func goalFor(p soroe.Purpose, title, strategy string) *soroe.Goal {
	return &soroe.Goal{Title: title, Purpose: p, Strategy: strategy, KPIs: library.SuggestedKPIs(p)}
}

func profileFor(lang string) *soroe.OrgProfile {
	if lang == soroe.LangEN {
		return &soroe.OrgProfile{Industry: "home builder", Audience: "young carpenters and site managers", BrandVoice: "warm and honest",
			WordsToUse: []string{"craft", "home"}, WordsToAvoid: []string{"cheap", "guaranteed"}}
	}
	return &soroe.OrgProfile{Industry: "工務店", Audience: "地元で働きたい20〜30代の大工・施工管理", BrandVoice: "親しみやすく誠実に",
		WordsToUse: []string{"家づくり", "職人"}, WordsToAvoid: []string{"ブラック", "激務"}}
}

func templates(t testing.TB, req generate.TemplateRequest) []soroe.TemplateBody {
	t.Helper()
	bs, m, err := generate.NewBuiltin().Templates(context.Background(), req)
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	if m.Generator != generate.GeneratorBuiltin || m.Task != generate.TaskTemplates || m.Notice != "" || m.Outcome() != "ok" {
		t.Errorf("meta %+v", m)
	}
	return bs
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// TestTemplatesEveryPurpose: for every purpose, in both languages, for no
// network and for each network, the builtin generator makes 8 distinct,
// complete, valid 型 whose filled example fits every network they name.
func TestTemplatesEveryPurpose(t *testing.T) {
	networks := append([]soroe.Network{""}, soroe.Networks...)
	for _, p := range soroe.Purposes {
		for _, l := range langs {
			for _, n := range networks {
				t.Run(fmt.Sprintf("%s/%s/%s", p, l, n), func(t *testing.T) {
					bs := templates(t, generate.TemplateRequest{Goal: goalFor(p, "目標", ""), Profile: profileFor(l), Network: n, Lang: l, Seed: 42})
					if len(bs) != generate.DefaultCount {
						t.Fatalf("%d 型; want %d", len(bs), generate.DefaultCount)
					}
					names, structures := map[string]bool{}, map[string]bool{}
					for _, b := range bs {
						where := fmt.Sprintf("%q", b.Name)
						check := b
						if err := check.Validate(); err != nil {
							t.Errorf("%s: invalid: %v", where, err)
						}
						if !reflect.DeepEqual(check, b) {
							t.Errorf("%s: Validate changed the body: it was not normalized", where)
						}
						if names[b.Name] || structures[b.Structure] {
							t.Errorf("%s: not distinct", where)
						}
						names[b.Name], structures[b.Structure] = true, true
						if b.Theme == "" || b.CTA == "" || b.ToneNotes == "" || len(b.Dos) == 0 || len(b.Donts) == 0 || len(b.Checklist) == 0 ||
							len(b.Frequency.Weekdays) == 0 || len(b.Frequency.Times) == 0 || len(b.Slots()) == 0 {
							t.Errorf("%s: incomplete: %+v", where, b)
						}
						if len(b.Hashtags) == 0 && n != soroe.NetworkLINE {
							t.Errorf("%s: no hashtags", where)
						}
						if n != "" && !slices.Equal(b.Networks, []soroe.Network{n}) {
							t.Errorf("%s: networks %v; want [%s]", where, b.Networks, n)
						}
						for _, nw := range b.Networks {
							ex := generate.Preview(b, nw, l)
							if r := text.Check(nw, ex, text.Options{}); !r.Valid {
								t.Errorf("%s: filled example does not fit %s: %+v\n%s", where, nw, r.Problems, ex)
							}
						}
						words := b.Name + b.Theme + b.Structure + b.CTA + strings.Join(b.Dos, "")
						if l == soroe.LangJA && !hasJapanese(b.Name+b.Structure) {
							t.Errorf("%s: Japanese 型 without Japanese", where)
						}
						if l == soroe.LangEN && hasJapanese(words) {
							t.Errorf("%s: English 型 with Japanese: %s", where, words)
						}
						if !b.Drafters.Empty() && b.Drafters.UserIDs != nil {
							t.Errorf("%s: names people", where)
						}
					}
				})
			}
		}
	}
}

// TestTemplatesMaxCount: the bank alone holds enough for MaxCount distinct
// 型 of every purpose, with no profile, for every network or none.
func TestTemplatesMaxCount(t *testing.T) {
	for _, p := range soroe.Purposes {
		for _, l := range langs {
			for _, n := range []soroe.Network{"", soroe.NetworkX, soroe.NetworkInstagram, soroe.NetworkLINE} {
				bs := templates(t, generate.TemplateRequest{Goal: &soroe.Goal{Title: "g", Purpose: p}, Network: n, Lang: l, Count: generate.MaxCount, Seed: 1})
				if len(bs) != generate.MaxCount {
					t.Errorf("%s/%s/%s: %d 型; want %d", p, l, n, len(bs), generate.MaxCount)
				}
				// None of them is a library starter: the bank suffices.
				for _, s := range library.Starters(p, l) {
					if slices.ContainsFunc(bs, func(b soroe.TemplateBody) bool {
						return b.Name == s.Name || b.Structure == s.Structure
					}) {
						t.Errorf("%s/%s/%s: used library starter %q", p, l, n, s.Name)
					}
				}
			}
		}
	}
}

// TestTemplatesDeterministic: the same request and seed give the same 型;
// other seeds give other selections or orders.
func TestTemplatesDeterministic(t *testing.T) {
	for _, p := range soroe.Purposes {
		for _, l := range langs {
			req := generate.TemplateRequest{Goal: goalFor(p, "目標", ""), Profile: profileFor(l), Lang: l, Seed: 7}
			a, b := templates(t, req), templates(t, req)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s/%s: same seed, different output", p, l)
			}
			seen := map[string]bool{}
			for seed := range int64(10) {
				req.Seed = seed
				var key []string
				for _, b := range templates(t, req) {
					key = append(key, b.Name+"|"+strings.Join(b.Hashtags, ","))
				}
				seen[strings.Join(key, "\n")] = true
			}
			if len(seen) < 8 {
				t.Errorf("%s/%s: 10 seeds gave only %d different sets", p, l, len(seen))
			}
		}
	}
}

// TestTemplatesGolden pins the output for two requests, so that a change to
// the bank or the adaptation shows in review.
func TestTemplatesGolden(t *testing.T) {
	for _, c := range []struct {
		file string
		req  generate.TemplateRequest
	}{
		{"builtin_recruiting_ja_x.json", generate.TemplateRequest{Goal: goalFor(soroe.PurposeRecruiting, "中途採用の応募を月10件に", "社員インタビューで現場の雰囲気を伝える"),
			Profile: profileFor(soroe.LangJA), Network: soroe.NetworkX, Lang: soroe.LangJA, Seed: 1}},
		{"builtin_lead_generation_en_linkedin.json", generate.TemplateRequest{Goal: goalFor(soroe.PurposeLeadGeneration, "120 guide downloads this quarter", "Webinars and case studies"),
			Profile: profileFor(soroe.LangEN), Network: soroe.NetworkLinkedIn, Lang: soroe.LangEN, Seed: 1}},
	} {
		got, err := json.MarshalIndent(templates(t, c.req), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", c.file)
		if *update {
			if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./generate -run Golden -update)", err)
		}
		if string(want) != string(got)+"\n" {
			t.Errorf("%s differs from the output (run with -update and review the diff)", path)
		}
	}
}

// TestTemplatesPurposeFit: recruiting 型 talk about people and work;
// lead-generation 型 lead to the document or the form; sales 型 present the
// product or the offer; community 型 ask or invite a reply.
func TestTemplatesPurposeFit(t *testing.T) {
	fits := map[soroe.Purpose]map[string]*regexp.Regexp{
		soroe.PurposeRecruiting: {
			soroe.LangJA: regexp.MustCompile(`社員|先輩|仕事|職場|働|入社|採用|チーム|仲間|応募|職種|研修`),
			soroe.LangEN: regexp.MustCompile(`(?i)employee|colleague|team|work|job|role|hiring|career|join|candidate`),
		},
		soroe.PurposeSales: {
			soroe.LangJA: regexp.MustCompile(`商品|購入|価格|特典|キャンペーン|ギフト|セット`),
			soroe.LangEN: regexp.MustCompile(`(?i)product|buy|price|offer|gift|bundle|shop|purchase`),
		},
		soroe.PurposeCommunity: {
			soroe.LangJA: regexp.MustCompile(`？|コメント|教えて|投票|募集|聞かせて|話しかけ|ありがとう|お待ちして|よろしく|紹介|リマインド`),
			soroe.LangEN: regexp.MustCompile(`\?|(?i)comment|tell us|vote|share|thank|say hi|tag us|reminder|with us`),
		},
	}
	for p, byLang := range fits {
		for l, re := range byLang {
			for _, n := range []soroe.Network{"", soroe.NetworkX, soroe.NetworkInstagram} {
				for _, b := range templates(t, generate.TemplateRequest{Goal: goalFor(p, "goal", ""), Lang: l, Network: n, Count: generate.MaxCount, Seed: 3}) {
					if s := b.Name + " " + b.Theme + " " + b.Structure + " " + b.CTA; !re.MatchString(s) {
						t.Errorf("%s/%s/%s %q does not fit the purpose: %s", p, l, n, b.Name, s)
					}
				}
			}
		}
	}
	// Lead generation leads to the document or the form, whatever the KPI.
	leads := map[string]*regexp.Regexp{
		soroe.LangJA: regexp.MustCompile(`資料|ダウンロード|お問い合わせ|相談|申し込`),
		soroe.LangEN: regexp.MustCompile(`(?i)download|guide|contact|register|sign up`),
	}
	for _, kpis := range [][]*soroe.KPI{
		library.SuggestedKPIs(soroe.PurposeLeadGeneration),
		{{Primary: true, Metric: soroe.MetricConversions, Event: "contact_form"}},
		{{Primary: true, Metric: soroe.MetricLinkClicks}},
		{{Primary: true, Metric: soroe.MetricImpressions}},
		nil,
	} {
		for _, l := range langs {
			g := &soroe.Goal{Title: "leads", Purpose: soroe.PurposeLeadGeneration, KPIs: kpis}
			for _, n := range []soroe.Network{"", soroe.NetworkX, soroe.NetworkInstagram, soroe.NetworkLinkedIn} {
				for _, b := range templates(t, generate.TemplateRequest{Goal: g, Lang: l, Network: n, Count: generate.MaxCount}) {
					if !leads[l].MatchString(b.CTA) {
						t.Errorf("lead_generation/%s/%s KPIs %v: CTA %q leads nowhere", l, n, kpis, b.CTA)
					}
				}
			}
		}
	}
}

// TestTemplatesCTAFromKPI: the call to action follows the primary KPI, and
// on Instagram points to the profile link.
func TestTemplatesCTAFromKPI(t *testing.T) {
	for _, c := range []struct {
		purpose soroe.Purpose
		kpi     soroe.KPI
		lang    string
		network soroe.Network
		want    string
	}{
		{soroe.PurposeRecruiting, soroe.KPI{Metric: soroe.MetricConversions, Event: "application"}, soroe.LangJA, soroe.NetworkX, "応募・エントリーはこちら"},
		{soroe.PurposeRecruiting, soroe.KPI{Metric: soroe.MetricConversions, Event: "application"}, soroe.LangEN, soroe.NetworkX, "Apply here"},
		{soroe.PurposeLeadGeneration, soroe.KPI{Metric: soroe.MetricConversions, Event: "document_download"}, soroe.LangJA, soroe.NetworkX, "資料ダウンロードはこちら"},
		{soroe.PurposeLeadGeneration, soroe.KPI{Metric: soroe.MetricConversions, Event: "document_download"}, soroe.LangJA, soroe.NetworkInstagram, "資料ダウンロードはプロフィールのリンクから"},
		{soroe.PurposeLeadGeneration, soroe.KPI{Metric: soroe.MetricConversions, Event: "document_download"}, soroe.LangEN, soroe.NetworkInstagram, "Download the guide (link in bio)"},
		{soroe.PurposeLeadGeneration, soroe.KPI{Metric: soroe.MetricConversions, Event: "inquiry"}, soroe.LangJA, soroe.NetworkLinkedIn, "お問い合わせはこちら"},
		{soroe.PurposeSales, soroe.KPI{Metric: soroe.MetricConversions, Event: "purchase"}, soroe.LangJA, soroe.NetworkLINE, "ご購入はこちら"},
		{soroe.PurposeSales, soroe.KPI{Metric: soroe.MetricConversions, Event: "reservation"}, soroe.LangJA, soroe.NetworkX, "ご予約はこちら"},
		{soroe.PurposeAwareness, soroe.KPI{Metric: soroe.MetricFollowersGained}, soroe.LangJA, soroe.NetworkX, "フォローして最新情報をチェック"},
		{soroe.PurposeAwareness, soroe.KPI{Metric: soroe.MetricLinkClicks}, soroe.LangEN, soroe.NetworkX, "Learn more here"},
		{soroe.PurposeOther, soroe.KPI{Metric: soroe.MetricConversions, Event: "zzz"}, soroe.LangJA, soroe.NetworkX, "詳しくはこちら"},
	} {
		k := c.kpi
		k.Primary = true
		g := &soroe.Goal{Title: "g", Purpose: c.purpose, KPIs: []*soroe.KPI{&k}}
		for _, b := range templates(t, generate.TemplateRequest{Goal: g, Lang: c.lang, Network: c.network}) {
			if b.CTA != c.want {
				t.Errorf("%s %s/%s %s: CTA %q; want %q", c.purpose, c.kpi.Metric, c.kpi.Event, c.network, b.CTA, c.want)
			}
		}
	}
	// Engagement goals of community keep each 型's own invitation to reply.
	g := &soroe.Goal{Title: "g", Purpose: soroe.PurposeCommunity, KPIs: library.SuggestedKPIs(soroe.PurposeCommunity)}
	ctas := map[string]bool{}
	for _, b := range templates(t, generate.TemplateRequest{Goal: g, Count: generate.MaxCount}) {
		ctas[b.CTA] = true
	}
	if len(ctas) < 5 {
		t.Errorf("community CTAs %v: want the 型's own", ctas)
	}
}

// TestTemplatesNetworkStyle: each network shapes format, hashtags and tone.
func TestTemplatesNetworkStyle(t *testing.T) {
	for _, l := range langs {
		for _, p := range soroe.Purposes {
			req := generate.TemplateRequest{Goal: goalFor(p, "g", ""), Profile: profileFor(l), Lang: l, Seed: 5}
			req.Network = soroe.NetworkX
			for _, b := range templates(t, req) {
				if !slices.Contains([]string{"text", "image", "thread", "short_video"}, b.Format) || len(b.Hashtags) > 2 {
					t.Errorf("x %q: format %s, %d hashtags", b.Name, b.Format, len(b.Hashtags))
				}
			}
			req.Network = soroe.NetworkInstagram
			for _, b := range templates(t, req) {
				if b.Format == "text" || len(b.Hashtags) < 3 || len(b.Hashtags) > text.DefaultInstagramHashtagCap {
					t.Errorf("instagram %q: format %s, hashtags %v", b.Name, b.Format, b.Hashtags)
				}
			}
			req.Network = soroe.NetworkLinkedIn
			for _, b := range templates(t, req) {
				if b.Tone != "formal" && b.Tone != "professional" {
					t.Errorf("linkedin %q: tone %s", b.Name, b.Tone)
				}
			}
			req.Network = soroe.NetworkThreads
			for _, b := range templates(t, req) {
				if b.Tone == "formal" || b.Tone == "professional" || !regexp.MustCompile(`[？?]|ください|(?i)tell us|show us|share`).MatchString(b.Structure) {
					t.Errorf("threads %q: tone %s, structure %q invites no reply", b.Name, b.Tone, b.Structure)
				}
			}
			req.Network = soroe.NetworkLINE
			for _, b := range templates(t, req) {
				if len(b.Hashtags) != 0 || b.Frequency.Per != "month" || b.Frequency.Count > 4 {
					t.Errorf("line %q: hashtags %v, frequency %v", b.Name, b.Hashtags, b.Frequency)
				}
			}
		}
	}
}

// TestTemplatesProfile: the profile shows — audience in the theme, industry
// hashtags, words to use in the dos, the brand voice's tone — and no word to
// avoid appears anywhere, even words the bank uses a lot.
func TestTemplatesProfile(t *testing.T) {
	p := profileFor(soroe.LangJA)
	bs := templates(t, generate.TemplateRequest{Goal: goalFor(soroe.PurposeRecruiting, "g", ""), Profile: p, Lang: soroe.LangJA, Network: soroe.NetworkInstagram})
	for _, b := range bs {
		if !strings.Contains(b.Theme, p.Audience) || !strings.Contains(b.ToneNotes, p.BrandVoice) || b.Tone != "friendly" {
			t.Errorf("%q: profile not woven in: theme %q, tone %s, notes %q", b.Name, b.Theme, b.Tone, b.ToneNotes)
		}
		if !slices.Contains(b.Hashtags, "#工務店で働く") || !slices.ContainsFunc(b.Hashtags, func(h string) bool { return h == "#工務店" || h == "#家づくり" }) {
			t.Errorf("%q: no industry hashtags in %v", b.Name, b.Hashtags)
		}
		if !slices.ContainsFunc(b.Dos, func(d string) bool { return strings.Contains(d, "「家づくり」「職人」") }) {
			t.Errorf("%q: words to use not in dos %v", b.Name, b.Dos)
		}
	}
	humour := &soroe.OrgProfile{BrandVoice: "ユーモアを交えて、でも丁寧に"}
	for _, b := range templates(t, generate.TemplateRequest{Goal: goalFor(soroe.PurposeAwareness, "g", ""), Profile: humour, Network: soroe.NetworkX}) {
		if b.Tone != "humorous" {
			t.Errorf("%q: tone %s; brand voice says humorous", b.Name, b.Tone)
		}
	}

	for _, purpose := range soroe.Purposes {
		for _, l := range langs {
			avoid := []string{"写真", "確認", "採用", "コメント", "資料", "商品"}
			if l == soroe.LangEN {
				avoid = []string{"photo", "CHECK", "hiring", "comment", "guide", "product"}
			}
			prof := &soroe.OrgProfile{Industry: "工務店", BrandVoice: "写真多めで", WordsToUse: []string{"確認済み", "家"}, WordsToAvoid: avoid}
			goal := goalFor(purpose, "写真で資料の確認を", "写真 comment guide")
			for _, n := range []soroe.Network{"", soroe.NetworkX, soroe.NetworkInstagram} {
				bs := templates(t, generate.TemplateRequest{Goal: goal, Profile: prof, Lang: l, Network: n, Seed: 9})
				if len(bs) != generate.DefaultCount {
					t.Errorf("%s/%s/%s: %d 型 with words to avoid; want %d", purpose, l, n, len(bs), generate.DefaultCount)
				}
				for _, b := range bs {
					all := strings.Join(slices.Concat([]string{b.Name, b.Theme, b.Structure, b.ToneNotes, b.CTA, b.Link}, b.Hashtags, b.Dos, b.Donts, b.Checklist), "\n")
					if b.Theme == "" {
						t.Errorf("%s/%s/%s %q: theme lost", purpose, l, n, b.Name)
					}
					for _, w := range avoid {
						if strings.Contains(strings.ToLower(all), strings.ToLower(w)) {
							t.Errorf("%s/%s/%s %q holds %q: %s", purpose, l, n, b.Name, w, all)
						}
					}
				}
			}
		}
	}
}

// TestTemplatesFollowStrategy: concepts the goal's title and strategy name
// come first.
func TestTemplatesFollowStrategy(t *testing.T) {
	for _, c := range []struct {
		purpose  soroe.Purpose
		lang     string
		strategy string
		want     *regexp.Regexp
	}{
		{soroe.PurposeLeadGeneration, soroe.LangJA, "毎月ウェビナーを開く", regexp.MustCompile(`ウェビナー`)},
		{soroe.PurposeRecruiting, soroe.LangJA, "新人研修を前面に出す", regexp.MustCompile(`研修|入社後`)},
		{soroe.PurposeSales, soroe.LangEN, "Gift ideas for the holiday season", regexp.MustCompile(`(?i)gift|seasonal`)},
	} {
		for seed := range int64(5) {
			bs := templates(t, generate.TemplateRequest{Goal: goalFor(c.purpose, "g", c.strategy), Lang: c.lang, Seed: seed})
			if !c.want.MatchString(bs[0].Name) {
				t.Errorf("%s seed %d: first 型 %q; want one matching %s", c.strategy, seed, bs[0].Name, c.want)
			}
		}
	}
}

func TestTemplatesErrors(t *testing.T) {
	g := goalFor(soroe.PurposeSales, "g", "")
	for _, c := range []struct {
		req   generate.TemplateRequest
		field string
	}{
		{generate.TemplateRequest{}, "goal"},
		{generate.TemplateRequest{Goal: g, Lang: "fr"}, "lang"},
		{generate.TemplateRequest{Goal: g, Network: "myspace"}, "network"},
		{generate.TemplateRequest{Goal: g, Count: generate.MaxCount + 1}, "count"},
		{generate.TemplateRequest{Goal: g, Count: -1}, "count"},
	} {
		_, _, err := generate.NewBuiltin().Templates(context.Background(), c.req)
		if soroe.ErrorCode(err) != soroe.EInvalid || soroe.ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want invalid %s", c.req, err, c.field)
		}
	}
	// An unknown purpose is treated as "other".
	bs := templates(t, generate.TemplateRequest{Goal: &soroe.Goal{Title: "g", Purpose: "mystery"}})
	if len(bs) != generate.DefaultCount {
		t.Errorf("unknown purpose: %d 型", len(bs))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := generate.NewBuiltin().Templates(ctx, generate.TemplateRequest{Goal: g}); err == nil {
		t.Error("cancelled context: no error")
	}
}
