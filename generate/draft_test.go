package generate_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/text"
)

func tmpl(b soroe.TemplateBody) *soroe.Template {
	if err := b.Validate(); err != nil {
		panic(err)
	}
	return &soroe.Template{ID: 1, GoalID: 1, Version: 1, TemplateBody: b}
}

func draft(t testing.TB, req generate.DraftRequest) generate.Draft {
	t.Helper()
	d, m, err := generate.NewBuiltin().Draft(context.Background(), req)
	if err != nil {
		t.Fatalf("Draft: %v", err)
	}
	if m.Generator != generate.GeneratorBuiltin || m.Task != generate.TaskDraft || m.Notice != "" {
		t.Errorf("meta %+v", m)
	}
	return d
}

var dayInLife = soroe.TemplateBody{
	Name:      "社員の一日",
	Structure: "{社員名}さんの一日：{時間帯}は{仕事内容}。\n「{本人のひとこと}」",
	Networks:  []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram},
	Frequency: soroe.Frequency{Count: 1, Per: "week"},
	Hashtags:  []string{"#採用", "#はたらく", "#社員の一日"},
	CTA:       "応募・エントリーはこちら",
}

// TestDraftFillsSlots: values a person filled are used as they are, with
// the CTA and as many hashtags as the network carries.
func TestDraftFillsSlots(t *testing.T) {
	slots := map[string]string{"社員名": "山田", "時間帯": "朝", "仕事内容": "現場の段取り", "本人のひとこと": "毎日が勉強です"}
	b := dayInLife
	b.Link = "https://example.com/jobs"
	d := draft(t, generate.DraftRequest{Template: tmpl(b), Slots: slots})
	want := "山田さんの一日：朝は現場の段取り。\n「毎日が勉強です」\n\n応募・エントリーはこちら ▶ https://example.com/jobs\n#採用 #はたらく"
	if d.Text != want {
		t.Errorf("text\n%s\nwant\n%s", d.Text, want)
	}
	if !reflect.DeepEqual(d.Slots, slots) || len(d.Missing) != 0 || len(d.Citations) != 0 || d.Network != soroe.NetworkX || d.Trimmed {
		t.Errorf("draft %+v", d)
	}
	// Instagram carries more hashtags; LINE none.
	d = draft(t, generate.DraftRequest{Template: tmpl(b), Slots: slots, Network: soroe.NetworkInstagram})
	if !strings.HasSuffix(d.Text, "#採用 #はたらく #社員の一日") {
		t.Errorf("instagram: %q", d.Text)
	}
	d = draft(t, generate.DraftRequest{Template: tmpl(b), Slots: slots, Network: soroe.NetworkLINE})
	if strings.Contains(d.Text, "#") {
		t.Errorf("line: %q", d.Text)
	}
}

// TestDraftPlaceholders: with nothing filled and no material, every slot
// shows a visible placeholder — nothing is invented — and the CTA without a
// link asks for one.
func TestDraftPlaceholders(t *testing.T) {
	d := draft(t, generate.DraftRequest{Template: tmpl(dayInLife), Slots: map[string]string{"社員名": "山田"}})
	for _, s := range []string{"時間帯", "仕事内容", "本人のひとこと"} {
		if ph := generate.Placeholder(s, soroe.LangJA); !strings.Contains(d.Text, ph) || d.Slots[s] != ph {
			t.Errorf("no placeholder for %s: %q", s, d.Text)
		}
	}
	if !slices.Equal(d.Missing, []string{"時間帯", "仕事内容", "本人のひとこと"}) {
		t.Errorf("missing %v", d.Missing)
	}
	if !strings.Contains(d.Text, "応募・エントリーはこちら ▶ 【ここにリンクURLを入れてください】") {
		t.Errorf("no link placeholder: %q", d.Text)
	}
	// A slot the structure puts in 【】 is not bracketed twice; one inside
	// a longer bracket is.
	d = draftOf(t, "【{テーマ}】\n【{職種}を募集しています】", generate.DraftRequest{})
	if d.Text != "【ここにテーマを書いてください】\n【【ここに職種を入れてください】を募集しています】" {
		t.Errorf("brackets: %q", d.Text)
	}
	// English 型 get English placeholders.
	en := soroe.TemplateBody{Name: "Q", Structure: "Q: {question}\nA: {answer}", Networks: []soroe.Network{soroe.NetworkLinkedIn},
		Frequency: soroe.Frequency{Count: 1, Per: "week"}, CTA: "Apply here"}
	d = draft(t, generate.DraftRequest{Template: tmpl(en)})
	if d.Text != "Q: [add question]\nA: [add answer]\n\nApply here ▶ [add link URL]" {
		t.Errorf("english: %q", d.Text)
	}
}

var passages = []soroe.Passage{
	{ID: 11, MaterialID: 1, Title: "会社案内", Locator: "p.2", Text: "当社は1982年創業の工務店です。地域の木材を使った家づくりを続けています。"},
	{ID: 12, MaterialID: 2, Title: "採用パンフレット", Locator: "p.5", Text: "新人研修は3か月間です。先輩大工がマンツーマンで指導します。研修では墨付けと刻みを学びます。"},
	{ID: 13, MaterialID: 2, Title: "採用パンフレット", Locator: "p.7", Text: "福利厚生として住宅手当があります。年間休日は110日です。"},
}

// TestDraftFromPassages: empty sentence slots take a sentence from the most
// relevant passage and cite it; name-like slots stay placeholders; a
// sentence holding a word to avoid is never used.
func TestDraftFromPassages(t *testing.T) {
	b := soroe.TemplateBody{
		Name:      "研修の様子",
		Structure: "{研修名}の様子をお届けします。\n{研修で身につくこと}\n参加した{社員名}さん：「{感想}」",
		Networks:  []soroe.Network{soroe.NetworkInstagram},
		Frequency: soroe.Frequency{Count: 1, Per: "week"},
		CTA:       "応募・エントリーはこちら",
	}
	// Someone's own words are never taken from material.
	d := draft(t, generate.DraftRequest{Template: tmpl(b), Topic: "新人研修", Passages: passages})
	if d.Slots["感想"] != "【ここに感想を入れてください】" {
		t.Errorf("感想 = %q; a quote must stay a placeholder", d.Slots["感想"])
	}
	d = draft(t, generate.DraftRequest{Template: tmpl(b), Topic: "新人研修", Passages: passages, Slots: map[string]string{"感想": "楽しい"}})
	if len(d.Citations) == 0 {
		t.Fatalf("no citations: %+v", d)
	}
	for _, c := range d.Citations {
		if c.PassageID != 12 || c.MaterialID != 2 || c.Title != "採用パンフレット" || c.Locator != "p.5" || !strings.Contains(d.Text, strings.TrimSuffix(c.Quote, "。")) {
			t.Errorf("citation %+v; want passage 12 quoted in %q", c, d.Text)
		}
	}
	if d.Slots["研修で身につくこと"] != "研修では墨付けと刻みを学びます。" {
		t.Errorf("研修で身につくこと = %q; want the sentence about what training teaches", d.Slots["研修で身につくこと"])
	}
	if !strings.Contains(d.Text, "【ここに研修名を入れてください】") || !strings.Contains(d.Text, "【ここに社員名を入れてください】") || d.Slots["感想"] != "楽しい" {
		t.Errorf("names must stay placeholders, filled slots kept: %q", d.Text)
	}
	if !slices.Equal(d.Missing, []string{"研修名", "社員名"}) {
		t.Errorf("missing %v", d.Missing)
	}

	// The topic picks the passage: 福利厚生 leads to p.7.
	d = draft(t, generate.DraftRequest{Template: tmpl(b), Topic: "福利厚生", Passages: passages})
	if len(d.Citations) == 0 || d.Citations[0].PassageID != 13 {
		t.Errorf("topic 福利厚生: citations %+v", d.Citations)
	}
	// Retrieval scores count when there is no topic: of the passages with
	// a sentence on what the slot asks for (研修), the best scored; one
	// scored higher that says nothing of it is passed over.
	scored := append(slices.Clone(passages), soroe.Passage{ID: 14, MaterialID: 2, Title: "採用パンフレット", Locator: "p.6", Text: "研修では図面の読み方も身につけます。"})
	scored[0].Score, scored[3].Score = 9, 5
	d = draft(t, generate.DraftRequest{Template: tmpl(b), Passages: scored})
	if len(d.Citations) == 0 || d.Citations[0].PassageID != 14 {
		t.Errorf("scored: citations %+v", d.Citations)
	}
	scored[1].Score = 7
	d = draft(t, generate.DraftRequest{Template: tmpl(b), Passages: scored})
	if len(d.Citations) == 0 || d.Citations[0].PassageID != 12 {
		t.Errorf("scored: citations %+v", d.Citations)
	}
	// Words to avoid: no sentence holding one.
	prof := &soroe.OrgProfile{WordsToAvoid: []string{"墨付け", "マンツーマン", "3か月"}}
	d = draft(t, generate.DraftRequest{Template: tmpl(b), Topic: "新人研修", Passages: passages, Profile: prof})
	for _, w := range prof.WordsToAvoid {
		if strings.Contains(d.Text, w) {
			t.Errorf("draft uses %q: %q", w, d.Text)
		}
	}
	// A topic slot takes the topic.
	tb := soroe.TemplateBody{Name: "まとめ", Structure: "保存版：{テーマ}まとめ\n・{要点1}", Networks: []soroe.Network{soroe.NetworkX}, Frequency: soroe.Frequency{Count: 1, Per: "week"}}
	d = draft(t, generate.DraftRequest{Template: tmpl(tb), Topic: "家づくりの基本"})
	if !strings.HasPrefix(d.Text, "保存版：家づくりの基本まとめ") {
		t.Errorf("topic slot: %q", d.Text)
	}
}

// TestDraftFitsNetwork: a draft too long for X is shortened to fit, the CTA
// and its link stay whole, and no URL is cut.
func TestDraftFitsNetwork(t *testing.T) {
	b := dayInLife
	b.Link = "https://example.com/recruit/entry?utm_source=x&utm_campaign=day_in_life"
	long := strings.Repeat("現場で図面を確認し、職人さんと段取りを相談します。", 8)
	url := "https://example.com/blog/2025/04/a-very-long-article-about-our-carpenters-and-their-day"
	for _, slots := range []map[string]string{
		{"社員名": "山田", "時間帯": "朝", "仕事内容": long, "本人のひとこと": "楽しい"},
		{"社員名": "山田", "時間帯": "朝", "仕事内容": strings.Repeat("段取り", 40) + " " + url + " " + long, "本人のひとこと": "楽しい"},
		{"社員名": "山田", "時間帯": "朝", "仕事内容": strings.Repeat("あ", 90) + " " + url, "本人のひとこと": long},
	} {
		d := draft(t, generate.DraftRequest{Template: tmpl(b), Slots: slots, Network: soroe.NetworkX})
		r := text.Check(soroe.NetworkX, d.Text, text.Options{})
		if !r.Valid || !d.Trimmed {
			t.Errorf("not fitted (trimmed %v): %+v\n%s", d.Trimmed, r, d.Text)
		}
		if !strings.Contains(d.Text, "応募・エントリーはこちら ▶ "+b.Link) || !strings.Contains(d.Text, "…") {
			t.Errorf("CTA or cut mark lost: %q", d.Text)
		}
		for _, e := range text.ExtractURLs(d.Text, true) {
			u := string([]rune(d.Text)[e.Start:e.End])
			if u != b.Link && u != url {
				t.Errorf("a URL was cut: %q in %q", u, d.Text)
			}
		}
	}
	// On Bluesky a URL counts every character: a cut that would fall inside
	// one moves before it.
	longURL := "https://example.com/" + strings.Repeat("a", 100)
	d := draft(t, generate.DraftRequest{Template: tmpl(dayInLife), Network: soroe.NetworkBluesky,
		Slots: map[string]string{"仕事内容": strings.Repeat("あ", 200) + longURL}})
	if !text.Check(soroe.NetworkBluesky, d.Text, text.Options{}).Valid || strings.Contains(d.Text, "https://example.com/a") {
		t.Errorf("bluesky: URL cut or too long: %q", d.Text)
	}
	// Bluesky and Threads fit too; a long LinkedIn post needs no cut.
	slots := map[string]string{"仕事内容": strings.Repeat("段取りを相談します。", 60)}
	for _, n := range []soroe.Network{soroe.NetworkBluesky, soroe.NetworkThreads, soroe.NetworkMastodon} {
		d := draft(t, generate.DraftRequest{Template: tmpl(b), Slots: slots, Network: n})
		if r := text.Check(n, d.Text, text.Options{}); !r.Valid || !d.Trimmed {
			t.Errorf("%s: %+v", n, r)
		}
	}
	if d := draft(t, generate.DraftRequest{Template: tmpl(b), Slots: slots, Network: soroe.NetworkLinkedIn}); d.Trimmed {
		t.Errorf("linkedin trimmed a 600-character post")
	}
}

// TestDraftEveryGenerated: a draft of every generated 型 fits its network,
// filled with placeholders, with material, and with long values.
func TestDraftEveryGenerated(t *testing.T) {
	for _, p := range soroe.Purposes {
		for _, l := range langs {
			for _, n := range []soroe.Network{soroe.NetworkX, soroe.NetworkInstagram, soroe.NetworkThreads, soroe.NetworkLINE} {
				for _, b := range templates(t, generate.TemplateRequest{Goal: goalFor(p, "g", ""), Profile: profileFor(l), Lang: l, Network: n, Count: generate.MaxCount}) {
					long := map[string]string{}
					for _, s := range b.Slots() {
						long[s] = strings.Repeat(s, 30)
					}
					for i, req := range []generate.DraftRequest{
						{Template: tmpl(b)},
						{Template: tmpl(b), Passages: passages, Topic: "研修"},
						{Template: tmpl(b), Slots: long},
					} {
						d := draft(t, req)
						if r := text.Check(n, d.Text, text.Options{}); !r.Valid {
							t.Errorf("%s/%s/%s %q case %d: %+v\n%s", p, l, n, b.Name, i, r.Problems, d.Text)
						}
						if i == 0 && (d.Trimmed || len(d.Missing) != len(b.Slots())) {
							t.Errorf("%s/%s/%s %q: the placeholder draft was trimmed or misses %v", p, l, n, b.Name, d.Missing)
						}
					}
				}
			}
		}
	}
}

func TestDraftErrors(t *testing.T) {
	for _, c := range []struct {
		req   generate.DraftRequest
		field string
	}{
		{generate.DraftRequest{}, "template"},
		{generate.DraftRequest{Template: tmpl(dayInLife), Network: "myspace"}, "network"},
		{generate.DraftRequest{Template: tmpl(dayInLife), Lang: "fr"}, "lang"},
	} {
		_, _, err := generate.NewBuiltin().Draft(context.Background(), c.req)
		if soroe.ErrorCode(err) != soroe.EInvalid || soroe.ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want invalid %s", c.req, err, c.field)
		}
	}
}

func TestDraftDeterministic(t *testing.T) {
	req := generate.DraftRequest{Template: tmpl(dayInLife), Passages: passages, Topic: "研修", Seed: 3}
	a, b := draft(t, req), draft(t, req)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("same request, different drafts:\n%+v\n%+v", a, b)
	}
}

func ExampleBuiltin_Draft() {
	g := generate.NewBuiltin()
	d, _, _ := g.Draft(context.Background(), generate.DraftRequest{
		Template: tmpl(dayInLife),
		Slots:    map[string]string{"社員名": "山田", "時間帯": "朝"},
	})
	fmt.Println(d.Text)
	fmt.Println(d.Missing)
	// Output:
	// 山田さんの一日：朝は【ここに仕事内容を書いてください】。
	// 「【ここに本人のひとことを入れてください】」
	//
	// 応募・エントリーはこちら ▶ 【ここにリンクURLを入れてください】
	// #採用 #はたらく
	// [仕事内容 本人のひとこと]
}

// draftOf drafts structure (a 型 for LINE, which takes any length) with
// the request's other fields.
func draftOf(t testing.TB, structure string, req generate.DraftRequest) generate.Draft {
	t.Helper()
	req.Template = tmpl(soroe.TemplateBody{Name: "t", Structure: structure, Networks: []soroe.Network{soroe.NetworkLINE},
		Frequency: soroe.Frequency{Count: 1, Per: "week"}})
	return draft(t, req)
}

// TestDraftTimeSlots: a slot for a time or a period is never filled with a
// sentence of material, even one about that very time; a sentence slot in
// the same place is.
func TestDraftTimeSlots(t *testing.T) {
	material := []soroe.Passage{{ID: 21, MaterialID: 3, Title: "会社案内", Text: "朝の時間帯は現場で段取りを確認します。" +
		"繁忙期の時期は春と秋です。説明会の日時はウェブでお知らせします。定休日の曜日は水曜日です。毎朝の仕事は現場の段取りから始まります。"}}
	for _, c := range []struct {
		slot   string
		filled bool
	}{
		{"時間帯", false},
		{"時期", false},
		{"日時", false},
		{"曜日", false},
		{"朝の時間帯", false},
		{"繁忙期の時期", false},
		{"説明会の日時", false},
		{"休みの曜日", false},
		{"timing", false},
		{"weekday", false},
		{"朝の仕事", true}, // the control: a sentence slot takes a sentence
	} {
		t.Run(c.slot, func(t *testing.T) {
			d := draftOf(t, "今日の様子\n{"+c.slot+"}\n", generate.DraftRequest{Passages: material, Topic: "現場の一日"})
			ph := generate.Placeholder(c.slot, soroe.LangJA)
			if got := d.Slots[c.slot]; (got != ph) != c.filled {
				t.Errorf("%s = %q (filled %v, want %v)", c.slot, got, got != ph, c.filled)
			}
			if (len(d.Citations) > 0) != c.filled || slices.Contains(d.Missing, c.slot) == c.filled {
				t.Errorf("%s: citations %+v, missing %v", c.slot, d.Citations, d.Missing)
			}
		})
	}
}

// TestDraftSlotPosition: a sentence of material only fills a slot that
// stands as a sentence or line of its own; inside a sentence
// (「{時間帯}は{仕事内容}。」) the slot keeps its placeholder, and no value
// ever leaves 「。は」 behind.
func TestDraftSlotPosition(t *testing.T) {
	material := []soroe.Passage{{ID: 31, MaterialID: 4, Title: "採用パンフレット", Text: "新人研修では先輩大工が仕事内容を一から教えます。"}}
	const sentence = "新人研修では先輩大工が仕事内容を一から教えます。"
	for _, c := range []struct {
		structure string
		filled    bool
		want      string // the body's first line, when filled
	}{
		{"{仕事内容}", true, "新人研修では先輩大工が仕事内容を一から教えます。"},
		{"社員の一日\n{仕事内容}\n#採用", true, "社員の一日"},
		{"仕事のこと：{仕事内容}", true, "仕事のこと：" + sentence},
		{"【仕事】{仕事内容}", true, "【仕事】" + sentence},
		{"・{仕事内容}\n・{社員名}", true, "・" + sentence},
		{"Q. どんな仕事？\nA. {仕事内容}", true, "Q. どんな仕事？"},
		{"1. {仕事内容}", true, "1. " + sentence},
		{"{時刻1} {仕事内容}", true, "【ここに時刻1を入れてください】 " + sentence},
		{"✅{仕事内容}", true, "✅" + sentence},
		{"{仕事内容}。次は{社員名}さん", true, "新人研修では先輩大工が仕事内容を一から教えます。次は【ここに社員名を入れてください】さん"},
		{"朝は{仕事内容}。", false, ""},
		{"{社員名}さんの一日：{時間帯}は{仕事内容}。", false, ""},
		{"{仕事内容}を担当しています。", false, ""},
		{"{仕事内容}、そして{社員名}さん", false, ""},
		{"「{仕事内容}」", false, ""},
		{"（{仕事内容}）", false, ""},
		{"Today {仕事内容}.", false, ""},
	} {
		t.Run(c.structure, func(t *testing.T) {
			d := draftOf(t, c.structure, generate.DraftRequest{Passages: material, Topic: "新人研修"})
			if got := d.Slots["仕事内容"] == sentence; got != c.filled {
				t.Errorf("仕事内容 = %q, filled %v; want %v", d.Slots["仕事内容"], got, c.filled)
			}
			if c.filled && !strings.HasPrefix(d.Text, c.want) {
				t.Errorf("text %q; want it to start %q", d.Text, c.want)
			}
			if strings.Contains(d.Text, "。は") || strings.Contains(d.Text, "。を") || strings.Contains(d.Text, "。、") {
				t.Errorf("a full stop inside a sentence: %q", d.Text)
			}
		})
	}
	// A value a person fills keeps its words; only a 。 that would cut the
	// sentence is dropped.
	for _, c := range []struct{ structure, value, want string }{
		{"{時間帯}は{仕事内容}。", "朝。", "朝は【ここに仕事内容を書いてください】。"},
		{"{時間帯}は現場です", "朝。", "朝は現場です"},
		{"{時間帯}。", "朝。", "朝。"},
		{"{時間帯}\n次の行", "朝。", "朝。\n次の行"},
		{"{時間帯} です", "朝。", "朝。 です"},
	} {
		d := draftOf(t, c.structure, generate.DraftRequest{Slots: map[string]string{"時間帯": c.value}})
		if d.Text != c.want {
			t.Errorf("%q with %q: %q; want %q", c.structure, c.value, d.Text, c.want)
		}
	}
}

// TestDraftSentenceChoice: the sentence is chosen for the topic and the
// slot together — a sentence that only shares words with the slot's name
// but not the topic loses to one on the topic — and a heading (a short
// line without a full stop, such as a slide title) is never used.
func TestDraftSentenceChoice(t *testing.T) {
	mixed := soroe.Passage{ID: 41, MaterialID: 5, Title: "会社案内", Locator: "p.1",
		Text: "取り組みの内容は毎年見直しています。福利厚生では住宅手当を始めました。新人研修では先輩大工が指導します。当社は1982年創業の工務店です。"}
	slide := soroe.Passage{ID: 42, MaterialID: 6, Title: "展示場のご案内", Locator: "slide 2",
		Text: "新しい住宅展示場のご案内\n\n駅から徒歩5分の場所に住宅展示場がオープンします。\n\n木の香りがする広いリビングと庭をゆっくり体感できます"}
	slideEN := soroe.Passage{ID: 43, MaterialID: 7, Title: "Show home", Locator: "slide 1",
		Text: "Our New Show Home Opens\n\nThe new show home opens five minutes from the station."}
	history := soroe.Passage{ID: 44, MaterialID: 8, Title: "沿革", Locator: "p.3", Text: "1982年に創業しました。2001年に法人化しました。"}
	for _, c := range []struct {
		name      string
		structure string
		topic     string
		passages  []soroe.Passage
		slot      string
		want      string // "" means a placeholder
	}{
		{"topic over slot name", "{取り組みの内容}", "福利厚生", []soroe.Passage{mixed}, "取り組みの内容", "福利厚生では住宅手当を始めました。"},
		{"another topic, same passage", "{取り組みの内容}", "新人研修", []soroe.Passage{mixed}, "取り組みの内容", "新人研修では先輩大工が指導します。"},
		{"slot name without topic", "{取り組みの内容}", "", []soroe.Passage{mixed}, "取り組みの内容", "取り組みの内容は毎年見直しています。"},
		{"generic slot follows the topic", "{詳細}", "福利厚生", []soroe.Passage{mixed}, "詳細", "福利厚生では住宅手当を始めました。"},
		{"slot and topic together", "{研修で身につくこと}", "新人研修", passages, "研修で身につくこと", "研修では墨付けと刻みを学びます。"},
		{"nothing on the topic", "{詳細}", "福利厚生", []soroe.Passage{history}, "詳細", ""},
		{"off-topic passage matching the slot name", "{創業のエピソード}", "福利厚生", []soroe.Passage{history}, "創業のエピソード", ""},
		{"a slide title is not a sentence", "{詳細}", "新しい住宅展示場", []soroe.Passage{slide}, "詳細", "駅から徒歩5分の場所に住宅展示場がオープンします。"},
		{"a long line without a full stop is", "{詳細}\n{補足}", "木の香り", []soroe.Passage{slide}, "詳細", "木の香りがする広いリビングと庭をゆっくり体感できます"},
		{"an English slide title", "{details}", "new show home", []soroe.Passage{slideEN}, "details", "The new show home opens five minutes from the station."},
		{"only a heading", "{詳細}", "展示場", []soroe.Passage{{ID: 45, MaterialID: 6, Title: "展示場", Text: "住宅展示場のご案内\n\n見学のご予約"}}, "詳細", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := draftOf(t, c.structure, generate.DraftRequest{Passages: c.passages, Topic: c.topic})
			want := c.want
			if want == "" {
				want = generate.Placeholder(c.slot, soroe.LangJA)
				if !hasJA(c.slot) {
					want = generate.Placeholder(c.slot, soroe.LangEN)
				}
			}
			if d.Slots[c.slot] != want {
				t.Errorf("%s = %q; want %q", c.slot, d.Slots[c.slot], want)
			}
			for _, ct := range d.Citations {
				if ct.Slot == c.slot && ct.Quote != c.want {
					t.Errorf("citation %+v", ct)
				}
			}
		})
	}
	// The seed does not change which sentence a clear winner is.
	for seed := range int64(4) {
		d := draftOf(t, "{取り組みの内容}", generate.DraftRequest{Passages: []soroe.Passage{mixed}, Topic: "福利厚生", Seed: seed})
		if d.Slots["取り組みの内容"] != "福利厚生では住宅手当を始めました。" {
			t.Errorf("seed %d: %q", seed, d.Slots["取り組みの内容"])
		}
	}
}

func hasJA(s string) bool {
	for _, r := range s {
		if r > 0x3000 {
			return true
		}
	}
	return false
}

// TestDraftLinkSlot: a slot for a link takes the 型's link wherever it
// stands, or keeps a placeholder asking for it; the call to action then
// goes without a link of its own. A value a person filled is kept. When the
// network has no room, the link (or its placeholder) moves to the call to
// action rather than being cut away.
func TestDraftLinkSlot(t *testing.T) {
	b := soroe.TemplateBody{Name: "募集", Structure: "{職種}の募集（締切 {締切日}、応募は {申込URL} から）\n{仕事内容}\n詳しくはこちら ▶ {応募ページURL}",
		Networks: []soroe.Network{soroe.NetworkX}, Frequency: soroe.Frequency{Count: 1, Per: "week"}, CTA: "応募・エントリーはこちら", Link: "https://example.com/entry"}
	material := []soroe.Passage{{ID: 51, MaterialID: 9, Title: "採用案内", Text: "応募ページURLはホームページの採用欄にあります。申込URLは説明会で配ります。仕事内容は現場監督です。"}}
	slots := map[string]string{"職種": "大工", "締切日": "5月末", "仕事内容": "現場で家を建てます。"}
	d := draft(t, generate.DraftRequest{Template: tmpl(b), Slots: slots, Passages: material, Topic: "応募ページURL"})
	want := "大工の募集（締切 5月末、応募は https://example.com/entry から）\n現場で家を建てます。\n詳しくはこちら ▶ https://example.com/entry\n\n応募・エントリーはこちら"
	if d.Text != want || len(d.Missing) != 0 || len(d.Citations) != 0 {
		t.Errorf("text %q missing %v citations %+v; want %q", d.Text, d.Missing, d.Citations, want)
	}
	// Without a link: placeholders, and no second one after the CTA.
	nb := b
	nb.Link = ""
	d = draft(t, generate.DraftRequest{Template: tmpl(nb), Slots: slots, Passages: material, Topic: "応募ページURL"})
	want = "大工の募集（締切 5月末、応募は 【ここに申込URLを入れてください】 から）\n現場で家を建てます。\n詳しくはこちら ▶ 【ここに応募ページURLを入れてください】\n\n応募・エントリーはこちら"
	if d.Text != want || !slices.Equal(d.Missing, []string{"申込URL", "応募ページURL"}) {
		t.Errorf("no link: text %q missing %v; want %q", d.Text, d.Missing, want)
	}
	// A person's own link is kept.
	own := map[string]string{"応募ページURL": "https://example.com/other"}
	if d = draft(t, generate.DraftRequest{Template: tmpl(b), Slots: own}); d.Slots["応募ページURL"] != "https://example.com/other" || !strings.Contains(d.Text, "▶ https://example.com/other\n") {
		t.Errorf("own link: %q", d.Text)
	}
	// No room on X: the body is cut, the link is not.
	long := map[string]string{"仕事内容": strings.Repeat("現場で図面を確認し、職人さんと段取りを相談します。", 6)}
	b.Structure = "{仕事内容}\n詳しくはこちら ▶ {応募ページURL}"
	nb.Structure = b.Structure
	for _, tb := range []soroe.TemplateBody{b, nb} {
		d = draft(t, generate.DraftRequest{Template: tmpl(tb), Slots: long})
		tail := "応募・エントリーはこちら ▶ https://example.com/entry"
		if tb.Link == "" {
			tail = "応募・エントリーはこちら ▶ 【ここに応募ページURL】"
		}
		if !d.Trimmed || !text.Check(soroe.NetworkX, d.Text, text.Options{}).Valid || !strings.HasSuffix(d.Text, "\n\n"+tail) || strings.Count(d.Text, "https://") > 1 {
			t.Errorf("link %q on X: %q", tb.Link, d.Text)
		}
	}
}
