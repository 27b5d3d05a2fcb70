package generate_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/library"
	"github.com/soroe/soroe/material"
)

// The demo's 型 and material, as `soroe serve --demo` seeds them
// (demo/demo.go and demo/material.go, whose data is not exported):
// testdata/demo_brochure.txt is a copy of the demo's company guide, and
// demoTemplate makes the demo's 型 from the library's starters with the
// demo's edits.

const demoLink = "https://example.com"

var demoEdits = map[string]struct {
	purpose soroe.Purpose
	edit    func(b *soroe.TemplateBody)
}{
	"day_in_life": {soroe.PurposeRecruiting, func(b *soroe.TemplateBody) {
		b.Networks = []soroe.Network{soroe.NetworkInstagram, soroe.NetworkX}
		b.Name, b.Link = "若手大工の一日", demoLink+"/recruit"
		b.Hashtags = append(b.Hashtags, "#工務店", "#大工")
	}},
	"senior_qa": {soroe.PurposeRecruiting, func(b *soroe.TemplateBody) {
		b.Networks = []soroe.Network{soroe.NetworkInstagram, soroe.NetworkX}
		b.Link = demoLink + "/recruit/faq"
		b.Hashtags = append(b.Hashtags, "#工務店")
	}},
	"job_opening": {soroe.PurposeRecruiting, func(b *soroe.TemplateBody) {
		b.Networks = []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram}
		b.Link = demoLink + "/recruit/entry"
		b.Hashtags = append(b.Hashtags, "#工務店")
	}},
	"case_study": {soroe.PurposeLeadGeneration, func(b *soroe.TemplateBody) {
		b.Networks = []soroe.Network{soroe.NetworkInstagram, soroe.NetworkX, soroe.NetworkBluesky}
		b.Name, b.Link = "施工事例の紹介", demoLink+"/case-book"
		b.Hashtags = append(b.Hashtags, "#施工事例", "#注文住宅")
	}},
	"behind_the_scenes": {soroe.PurposeAwareness, func(b *soroe.TemplateBody) {
		b.Networks = []soroe.Network{soroe.NetworkInstagram, soroe.NetworkX}
		b.Hashtags = append(b.Hashtags, "#大工仕事", "#工務店")
	}},
}

// demoTemplate is the demo's 型 made from the library's starter key.
func demoTemplate(t testing.TB, key string) soroe.TemplateBody {
	t.Helper()
	de, ok := demoEdits[key]
	if !ok {
		t.Fatalf("no demo 型 %q", key)
	}
	e, ok := library.Lookup(de.purpose, soroe.LangJA, key)
	if !ok {
		t.Fatalf("no library 型 %s/%s", de.purpose, key)
	}
	b := e.Body
	de.edit(&b)
	return b
}

// demoHeadings are the section titles of the demo's company guide.
var demoHeadings = []string{"揃え工務店 会社案内", "私たちについて", "断熱リフォーム", "施工事例集", "はたらく人", "見学会と相談会"}

// demoPassages is the demo's company guide run through material's
// extraction and splitting, as the demo seeds it, numbered as the store
// would.
func demoPassages(t testing.TB) []soroe.Passage {
	t.Helper()
	data, err := os.ReadFile("testdata/demo_brochure.txt")
	if err != nil {
		t.Fatal(err)
	}
	secs, err := material.Extract(material.TXT, data)
	if err != nil {
		t.Fatal(err)
	}
	ps := material.Split(secs)
	for i := range ps {
		ps[i].ID, ps[i].MaterialID, ps[i].Title = int64(101+i), 7, "会社案内（デモ）"
	}
	return ps
}

// TestDraftDemoSlots drafts the demo's 型 from the demo's material, one
// case per kind of slot: a slot for a link takes the 型's link — never
// words of the material, whatever the topic — or, without a link, a
// placeholder asking for it (and the call to action no second one); a
// name or number slot keeps a placeholder that says what to put in; a
// sentence slot takes a sentence of a passage without the heading above it;
// a slot nothing fits (a question, a person's answer, a slot no sentence
// speaks of) keeps a placeholder that says what to write; and on X, where
// there is no room, the placeholders shrink to 「【ここに…】」 before a line
// of the 型 is lost.
func TestDraftDemoSlots(t *testing.T) {
	ps := demoPassages(t)
	noLink := func(b *soroe.TemplateBody) { b.Link = "" }
	for _, c := range []struct {
		name    string
		key     string
		edit    func(b *soroe.TemplateBody)
		network soroe.Network
		topic   string
		want    string   // the text
		slots   []string // name=value for the slots to check
		missing []string
		cited   []string // the slots filled from material
	}{
		{
			name: "URL slot with the 型's link", key: "job_opening", network: soroe.NetworkInstagram,
			want: "【【ここに職種を入れてください】を募集しています】\n" +
				"【ここに仕事内容をひとことで書いてください】\n" +
				"こんな方を歓迎します：【ここに求める人物像を書いてください】\n" +
				"応募締切：【ここに締切日を入れてください】\n" +
				"詳しくはこちら ▶ https://example.com/recruit/entry\n\n" +
				"エントリーする\n#採用 #求人 #募集 #工務店",
			slots:   []string{"応募ページURL=https://example.com/recruit/entry"},
			missing: []string{"職種", "仕事内容をひとことで", "求める人物像", "締切日"},
		},
		{
			name: "URL slot without a link", key: "job_opening", edit: noLink, network: soroe.NetworkInstagram,
			want: "【【ここに職種を入れてください】を募集しています】\n" +
				"【ここに仕事内容をひとことで書いてください】\n" +
				"こんな方を歓迎します：【ここに求める人物像を書いてください】\n" +
				"応募締切：【ここに締切日を入れてください】\n" +
				"詳しくはこちら ▶ 【ここに応募ページURLを入れてください】\n\n" +
				"エントリーする\n#採用 #求人 #募集 #工務店",
			slots:   []string{"応募ページURL=【ここに応募ページURLを入れてください】"},
			missing: []string{"職種", "仕事内容をひとことで", "求める人物像", "締切日", "応募ページURL"},
		},
		{
			// The topic draws a sentence into 求める人物像, never into the
			// link's slot; on X the text is cut, and the link is kept.
			name: "URL slot on a topic, on X", key: "job_opening", network: soroe.NetworkX, topic: "断熱リフォーム",
			want: "【【ここに職種】を募集しています】\n" +
				"【ここに仕事内容をひとことで】\n" +
				"こんな方を歓迎します：揃え工務店は、地元で三十年、木の家づくりとリフォームを続けてきた工務店です。\n" +
				"応募締切：【ここに締切日】\n" +
				"詳しくはこちら ▶ https://example.com/recruit/entry\n\n" +
				"エントリーする\n#採用 #求人",
			slots:   []string{"応募ページURL=https://example.com/recruit/entry", "締切日=【ここに締切日】"},
			missing: []string{"職種", "仕事内容をひとことで", "締切日"},
			cited:   []string{"求める人物像"},
		},
		{
			name: "URL slot on a topic, without a link", key: "job_opening", edit: noLink, network: soroe.NetworkX, topic: "断熱リフォーム",
			want: "【【ここに職種】を募集しています】\n" +
				"【ここに仕事内容をひとことで】\n" +
				"こんな方を歓迎します：揃え工務店は、地元で三十年、木の家づくりとリフォームを続けてきた工務店です。\n" +
				"応募締切：【ここに締切日】\n" +
				"詳しくはこちら ▶ 【ここに応募ページURL】\n\n" +
				"エントリーする\n#採用 #求人",
			slots:   []string{"応募ページURL=【ここに応募ページURL】"},
			missing: []string{"職種", "仕事内容をひとことで", "締切日", "応募ページURL"},
			cited:   []string{"求める人物像"},
		},
		{
			// The guide says 大工八名 and 入社一年目: names and numbers are
			// still never taken from it.
			name: "name and number slots", key: "day_in_life", network: soroe.NetworkInstagram, topic: "若手大工",
			want: "【ここに社員名を入れてください】さんの一日：【ここに時間帯を入れてください】は【ここに仕事内容を書いてください】。\n" +
				"【ここに本人のひとことを入れてください】\n" +
				"（【ここに部署・職種を入れてください】／入社【ここに年数を入れてください】年目）\n" +
				"募集中の職種はプロフィールのリンクからご覧いただけます。\n\n" +
				"募集要項を見る ▶ https://example.com/recruit\n#採用 #はたらく #社員の一日 #工務店 #大工",
			slots:   []string{"社員名=【ここに社員名を入れてください】", "年数=【ここに年数を入れてください】"},
			missing: []string{"社員名", "時間帯", "仕事内容", "本人のひとこと", "部署・職種", "年数"},
		},
		{
			// 「断熱リフォーム」 and 「私たちについて」 head the sentences used:
			// neither is glued onto them.
			name: "sentence slots under headings", key: "case_study", network: soroe.NetworkInstagram, topic: "断熱リフォーム",
			want: "【事例】【ここにお客様（業種・地域）を入れてください】\n" +
				"課題：揃え工務店は、地元で三十年、木の家づくりとリフォームを続けてきた工務店です。\n" +
				"取り組み：冬の寒さと結露に悩むお宅には、窓の交換と壁・床の断熱改修をご提案しています。\n" +
				"成果：【ここに数字で表せる成果を入れてください】\n" +
				"ほかの事例は事例集にまとめています ▶ https://example.com/case-book\n\n" +
				"事例集を請求する\n#導入事例 #お客様の声 #施工事例 #注文住宅",
			slots: []string{"導入前の課題=揃え工務店は、地元で三十年、木の家づくりとリフォームを続けてきた工務店です。",
				"私たちが行ったこと=冬の寒さと結露に悩むお宅には、窓の交換と壁・床の断熱改修をご提案しています。"},
			missing: []string{"お客様（業種・地域）", "数字で表せる成果"},
			cited:   []string{"導入前の課題", "私たちが行ったこと"},
		},
		{
			// 「はたらく人」 heads the sentence on 墨付け; a generic slot
			// ({見どころ}) takes another of the passage on the topic, the
			// first under 「施工事例集」.
			name: "sentence slot under a heading, generic slot", key: "behind_the_scenes", network: soroe.NetworkInstagram, topic: "墨付け",
			want: "【ここに工程・作業を書いてください】の舞台裏をお見せします。\n" +
				"若手大工は入社一年目から先輩と同じ現場に立ち、墨付けや刻みを一から学びます。\n" +
				"完成まで【ここに時間・日数を入れてください】。これまでの施工事例をまとめた事例集を無料でお配りしています。\n\n" +
				"保存してあとで見返す\n#舞台裏 #職人技 #ものづくり #大工仕事 #工務店",
			slots:   []string{"こだわりのポイント=若手大工は入社一年目から先輩と同じ現場に立ち、墨付けや刻みを一から学びます。"},
			missing: []string{"工程・作業", "時間・日数"},
			cited:   []string{"こだわりのポイント", "見どころ"},
		},
		{
			// Without a topic no sentence of the guide speaks of a customer's
			// problem or of what was done: the slots keep placeholders.
			name: "nothing fits without a topic", key: "case_study", network: soroe.NetworkInstagram,
			want: "【事例】【ここにお客様（業種・地域）を入れてください】\n" +
				"課題：【ここに導入前の課題を書いてください】\n" +
				"取り組み：【ここに私たちが行ったことを書いてください】\n" +
				"成果：【ここに数字で表せる成果を入れてください】\n" +
				"ほかの事例は事例集にまとめています ▶ https://example.com/case-book\n\n" +
				"事例集を請求する\n#導入事例 #お客様の声 #施工事例 #注文住宅",
			slots:   []string{"導入前の課題=【ここに導入前の課題を書いてください】"},
			missing: []string{"お客様（業種・地域）", "導入前の課題", "私たちが行ったこと", "数字で表せる成果"},
		},
		{
			// The guide holds no question, and a senior's answer is their
			// own words, even though the guide speaks of 先輩.
			name: "nothing fits a question or a person's answer", key: "senior_qa", network: soroe.NetworkInstagram, topic: "先輩",
			want: "Q. 【ここに応募者からよく聞かれる質問を書いてください】\n" +
				"A. 【ここに先輩社員の答えを入れてください】\n" +
				"（【ここに部署を入れてください】・入社【ここに年数を入れてください】年目 【ここに社員名を入れてください】）\n" +
				"ほかにも聞いてみたいことがあれば、コメントやDMでお気軽にどうぞ。\n\n" +
				"気になることを質問する ▶ https://example.com/recruit/faq\n#採用 #新卒採用 #中途採用 #工務店",
			missing: []string{"応募者からよく聞かれる質問", "先輩社員の答え", "部署", "年数", "社員名"},
		},
		{
			name: "no room on X: short placeholders, every line kept", key: "senior_qa", network: soroe.NetworkX,
			want: "Q. 【ここに応募者からよく聞かれる質問】\n" +
				"A. 【ここに先輩社員の答え】\n" +
				"（【ここに部署】・入社【ここに年数】年目 【ここに社員名】）\n" +
				"ほかにも聞いてみたいことがあれば、コメントやDMでお気軽にどうぞ。\n\n" +
				"気になることを質問する ▶ https://example.com/recruit/faq\n#採用 #新卒採用",
			slots:   []string{"社員名=【ここに社員名】"},
			missing: []string{"応募者からよく聞かれる質問", "先輩社員の答え", "部署", "年数", "社員名"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := demoTemplate(t, c.key)
			if c.edit != nil {
				c.edit(&b)
			}
			req := generate.DraftRequest{Template: tmpl(b), Passages: ps, Topic: c.topic, Network: c.network}
			d := draft(t, req)
			if d.Text != c.want {
				t.Errorf("text\n%s\nwant\n%s", d.Text, c.want)
			}
			for _, kv := range c.slots {
				k, v, _ := strings.Cut(kv, "=")
				if d.Slots[k] != v {
					t.Errorf("%s = %q; want %q", k, d.Slots[k], v)
				}
			}
			if !slices.Equal(d.Missing, c.missing) {
				t.Errorf("missing %q; want %q", d.Missing, c.missing)
			}
			var cited []string
			for _, ct := range d.Citations {
				cited = append(cited, ct.Slot)
				if ct.MaterialID != 7 || ct.Title != "会社案内（デモ）" || ct.Quote != d.Slots[ct.Slot] || !slices.ContainsFunc(ps, func(p soroe.Passage) bool { return p.ID == ct.PassageID && strings.Contains(p.Text, ct.Quote) }) {
					t.Errorf("citation %+v", ct)
				}
				for _, h := range demoHeadings {
					if strings.HasPrefix(ct.Quote, h) {
						t.Errorf("the heading %q is glued onto %q", h, ct.Quote)
					}
				}
			}
			if !slices.Equal(cited, c.cited) {
				t.Errorf("cited slots %q; want %q", cited, c.cited)
			}
			for _, s := range d.Missing {
				if !strings.HasPrefix(d.Slots[s], "【ここに"+s) || !strings.Contains(d.Text, d.Slots[s]) {
					t.Errorf("%s: placeholder %q not in the text", s, d.Slots[s])
				}
			}
			if again := draft(t, req); again.Text != d.Text {
				t.Errorf("not deterministic:\n%s\n%s", d.Text, again.Text)
			}
		})
	}
}
