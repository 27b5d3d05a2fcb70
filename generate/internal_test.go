package generate

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

func TestEndpoint(t *testing.T) {
	for _, c := range []struct {
		base, model, version, want string
		azure                      bool
	}{
		{"https://api.openai.com/v1", "gpt-4o-mini", "", "https://api.openai.com/v1/chat/completions", false},
		{"http://localhost:11434/v1/", "qwen2.5", "", "http://localhost:11434/v1/chat/completions", false},
		{"https://res.openai.azure.com", "my deploy", "2024-10-21", "https://res.openai.azure.com/openai/deployments/my%20deploy/chat/completions?api-version=2024-10-21", true},
		{"https://res.openai.azure.com/openai/v1", "gpt-4o", "x", "https://res.openai.azure.com/openai/v1/chat/completions", true},
		{"https://res.openai.azure.com/openai/deployments/dep", "gpt-4o", "2025-01-01", "https://res.openai.azure.com/openai/deployments/dep/chat/completions?api-version=2025-01-01", true},
		{"https://res.cognitiveservices.azure.com", "dep", "v", "https://res.cognitiveservices.azure.com/openai/deployments/dep/chat/completions?api-version=v", true},
		{"https://notazure.com.example/v1", "m", "", "https://notazure.com.example/v1/chat/completions", false},
	} {
		got, azure := endpoint(Config{BaseURL: c.base, Model: c.model, APIVersion: c.version})
		if got != c.want || azure != c.azure {
			t.Errorf("%s: %s %v; want %s %v", c.base, got, azure, c.want, c.azure)
		}
	}
}

func TestSentences(t *testing.T) {
	got := sentences("当社は1982年創業です。地域の木を使います！\n・研修は3か月\nWe build homes. Since 1982? Yes!")
	want := []string{"当社は1982年創業です。", "地域の木を使います！", "研修は3か月", "We build homes.", "Since 1982?", "Yes!"}
	if !slices.Equal(got, want) {
		t.Errorf("%q", got)
	}
	// A Markdown heading line is no sentence; a line of hashtags is kept.
	got = sentences("## 断熱リフォーム\n冬の寒さに悩むお宅に窓の交換をご提案しています。\n#断熱 #リフォーム")
	want = []string{"冬の寒さに悩むお宅に窓の交換をご提案しています。", "#断熱 #リフォーム"}
	if !slices.Equal(got, want) {
		t.Errorf("%q", got)
	}
}

// TestSlotWants: which slots are for a link, which for a question, which
// generic, and which answers are a person's words.
func TestSlotWants(t *testing.T) {
	for _, s := range []string{"URL", "url", "リンク", "リンク先", "申込URL", "応募ページURL", "資料ページURL", "問い合わせURL", "商品ページURL",
		"URL1", "応募ページ", "特設サイト", "申込LP", "link", "LP", "landing page URL", "application URL", "contact form URL", "website", "landing page", "sign-up page"} {
		if !urlSlot(s) {
			t.Errorf("%q is a slot for a link", s)
		}
	}
	for _, s := range []string{"ページ数", "ページ番号", "1ページ", "このページで分かること", "問い合わせ先", "help", "pages", "page", "linkage details", "リンクの説明", "社員名", "curl command"} {
		if urlSlot(s) {
			t.Errorf("%q is not a slot for a link", s)
		}
	}
	for _, s := range []string{"質問", "応募者からよく聞かれる質問", "問いかけ", "question", "question for followers", "awkward question"} {
		if !questionSlot(s) {
			t.Errorf("%q is a question slot", s)
		}
	}
	for _, s := range []string{"問い合わせ先", "回答", "答え", "answer", "details"} {
		if questionSlot(s) {
			t.Errorf("%q is not a question slot", s)
		}
	}
	for _, s := range []string{"先輩社員の答え", "team member's answer", "本人のひとこと", "感想"} {
		if !voiceSlot(s) {
			t.Errorf("%q is a person's words", s)
		}
	}
	for _, s := range []string{"私たちの答え", "回答", "our answer", "answer", "導入前の課題"} {
		if voiceSlot(s) {
			t.Errorf("%q is not a person's words", s)
		}
	}
	for _, s := range []string{"ポイント1", "ポイント", "詳細", "見どころ", "details", "point 2", "summary"} {
		if !genericSlot(s) {
			t.Errorf("%q is generic", s)
		}
	}
	for _, s := range []string{"こだわりのポイント", "取り組みの内容", "導入前の課題", "what they do", "result in numbers"} {
		if genericSlot(s) {
			t.Errorf("%q is not generic", s)
		}
	}
}

// TestPlaceholderSays: a placeholder says what to put there, from the
// slot's name, and every Japanese one starts 「【ここに」.
func TestPlaceholderSays(t *testing.T) {
	for _, c := range []struct{ slot, lang, want string }{
		{"社員名", soroe.LangJA, "【ここに社員名を入れてください】"},
		{"締切日", soroe.LangJA, "【ここに締切日を入れてください】"},
		{"応募ページURL", soroe.LangJA, "【ここに応募ページURLを入れてください】"},
		{"本人のひとこと", soroe.LangJA, "【ここに本人のひとことを入れてください】"},
		{"導入前の課題", soroe.LangJA, "【ここに導入前の課題を書いてください】"},
		{"仕事内容をひとことで", soroe.LangJA, "【ここに仕事内容をひとことで書いてください】"},
		{"employee name", soroe.LangEN, "[add employee name]"},
		{"application URL", soroe.LangEN, "[add application URL]"},
	} {
		got := Placeholder(c.slot, c.lang)
		if got != c.want {
			t.Errorf("Placeholder(%q, %s) = %q; want %q", c.slot, c.lang, got, c.want)
		}
		if !isPlaceholder(got, c.slot) || !isPlaceholder(shortPlaceholder(c.slot, c.lang), c.slot) {
			t.Errorf("%q is not recognized as %q's placeholder", got, c.slot)
		}
		if c.lang == soroe.LangJA && (!strings.HasPrefix(got, "【ここに") || !strings.HasSuffix(got, "】")) {
			t.Errorf("%q is not of the form 【ここに…】", got)
		}
	}
}

func TestSlotKinds(t *testing.T) {
	for slot, kind := range map[string]string{
		"社員名": "short", "時刻1": "short", "選択肢A": "short", "1位": "short", "部署・職種": "short", "応募締切": "short", "employee name": "short",
		"date and time": "short", "team and role": "short", "本人のひとこと": "voice", "お客様の言葉": "voice", "their own words": "voice",
		"感想": "voice", "研修で身につくこと": "sentence", "what they do": "sentence", "what the team does": "sentence", "仕事内容": "sentence",
		"テーマ": "topic", "topic": "topic", "応募ページURL": "short", "資料ページURL": "short", "問い合わせ先": "short",
	} {
		got := "sentence"
		switch {
		case topicSlot(slot):
			got = "topic"
		case shortSlot(slot):
			got = "short"
		case voiceSlot(slot):
			got = "voice"
		}
		if got != kind {
			t.Errorf("%s: %s; want %s", slot, got, kind)
		}
	}
}

func TestRephrase(t *testing.T) {
	avoid := avoidPattern([]string{"商品", "check", "無料"})
	for in, want := range map[string]string{
		"商品の魅力":                 "製品の魅力",
		"Check the price":       "Review the price",
		"we check it":           "we review it",
		"無料で資料をダウンロード":          "費用なしで資料をダウンロード",
		"no avoided words here": "no avoided words here",
		"Handy checklist":       "",
		"商品名と check と 無料 すべて":   "製品名と review と 費用なし すべて",
	} {
		got, ok := rephrase(in, avoid)
		if (want == "") == ok || (ok && got != want) {
			t.Errorf("%q: %q %v; want %q", in, got, ok, want)
		}
	}
	// A synonym that is itself avoided is not used.
	avoid = avoidPattern([]string{"商品", "製品"})
	if got, ok := rephrase("商品名", avoid); !ok || got != "アイテム名" {
		t.Errorf("%q %v", got, ok)
	}
}

func TestConceptsComplete(t *testing.T) {
	for _, p := range soroe.Purposes {
		cs := conceptsOf(p)
		if len(cs) < 8 {
			t.Errorf("%s: %d concepts", p, len(cs))
		}
		for _, c := range cs {
			if !slices.Contains(soroe.Tones, c.tone) || !slices.Contains(soroe.Formats, c.format) || len(c.nets) == 0 || c.count < 1 || (c.per != "week" && c.per != "month") {
				t.Errorf("%s/%s: %+v", p, c.key, c)
			}
			for _, l := range []string{soroe.LangJA, soroe.LangEN} {
				s := c.side(l)
				if !strings.Contains(s.theme, "{{aud}}") && !strings.Contains(s.theme, "…") && s.theme == "" {
					t.Errorf("%s/%s/%s: no theme", p, c.key, l)
				}
				if len(s.dos) == 0 || len(s.donts) == 0 || len(s.checks) == 0 || len(s.tags) == 0 || s.v[0].name == s.v[1].name {
					t.Errorf("%s/%s/%s: incomplete", p, c.key, l)
				}
			}
		}
	}
}

// FuzzFit: whatever the text, fit never panics, and what it calls valid
// is valid.
func FuzzFit(f *testing.F) {
	f.Add("本文です https://example.com/a 続き", "詳しくはこちら", 0)
	f.Add(strings.Repeat("長い本文。", 100), "", 4)
	f.Add("【ここに名前】"+strings.Repeat("x", 600), "Apply here", 6)
	f.Fuzz(func(t *testing.T, body, cta string, ni int) {
		if !utf8.ValidString(body) || !utf8.ValidString(cta) {
			return
		}
		n := soroe.Networks[((ni%len(soroe.Networks))+len(soroe.Networks))%len(soroe.Networks)]
		s, _, ok := fit(n, body, cta, []string{"#tag", "#タグ"})
		if ok && !text.Check(n, s, text.Options{}).Valid {
			t.Errorf("fit says valid: %q", s)
		}
	})
}

// FuzzParse: model answers are untrusted; parsing never panics.
func FuzzParse(f *testing.F) {
	f.Add(`{"templates":[{"name":"a","structure":"{x}","networks":["x"],"frequency":{"count":1,"per":"week","weekdays":[9]}}]}`)
	f.Add(`{"text":"t","citations":[{"passage_id":-1},{"passage":3}]}`)
	f.Add("```json\n{\"text\": \"x\"}\n```")
	j := &templateJob{goal: &soroe.Goal{Title: "g"}, purpose: soroe.PurposeOther, lang: soroe.LangJA, count: 1, network: soroe.NetworkX}
	dj := &draftJob{t: &soroe.Template{TemplateBody: soroe.TemplateBody{Structure: "{x}", CTA: "c"}}, network: soroe.NetworkX, lang: soroe.LangJA}
	f.Fuzz(func(t *testing.T, content string) {
		parseTemplates(content, j)
		parseDraft(content, dj, DraftRequest{Passages: []soroe.Passage{{ID: 1, Text: "p"}}})
	})
}

func TestLinkSlots(t *testing.T) {
	for _, c := range []struct{ structure, link, want string }{
		{"無料でダウンロード ▶ {資料ページURL}", "https://example.com/book", "無料でダウンロード ▶ https://example.com/book"},
		{"{読者の悩み}でお困りでは？ {URL} {URL}", "https://e.jp/", "{読者の悩み}でお困りでは？ https://e.jp/ https://e.jp/"},
		{"全{ページ数}ページ、{応募ページ}から", "https://e.jp/apply", "全{ページ数}ページ、https://e.jp/applyから"},
		{"Sign up: {landing page URL}", "https://e.jp/lp", "Sign up: https://e.jp/lp"},
		{"{URL} は未定", "", "{URL} は未定"},
		{"{名前}さんの一日", "https://e.jp/", "{名前}さんの一日"},
	} {
		if got := LinkSlots(c.structure, c.link); got != c.want {
			t.Errorf("LinkSlots(%q, %q) = %q, want %q", c.structure, c.link, got, c.want)
		}
	}
}
