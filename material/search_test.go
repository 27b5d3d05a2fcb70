package material_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
)

// corpus is what a 工務店 might upload: passages on related and unrelated
// topics, some of them sharing words with the queries below.
var corpus = []soroe.Passage{
	{ID: 1, Text: "当社は築30年以上の住宅の断熱改修を数多く手がけてきました。窓の交換と壁・天井の断熱材で、冬の暖房費を約3割減らした事例があります。"},
	{ID: 2, Text: "キッチンのリフォームでは、動線を見直して家事の時間を短くする提案をしています。ショールームの見学も随時受け付けています。"},
	{ID: 3, Text: "新卒採用について：現場監督として入社した先輩社員が、3年目で一人で現場を任されるまでの歩みを紹介します。"},
	{ID: 4, Text: "会社概要。創業1978年、従業員42名。本社は静岡県浜松市にあります。"},
	{ID: 5, Text: "Our ZEH-ready homes combine high insulation, solar panels and efficient heat pumps. Ask for the free energy simulation."},
	{ID: 6, Text: "外壁塗装の色選びのコツ。周りの家並みとの調和と、汚れの目立ちにくさを考えて選びましょう。"},
	{ID: 7, Text: "ＺＥＨ（ネット・ゼロ・エネルギー・ハウス）の補助金は、断熱性能の基準を満たすことが条件です。"},
	{ID: 8, Text: "ｷｬﾝﾍﾟｰﾝ実施中：浴室リフォームが今なら10%オフ。"},
}

func ids(ps []soroe.Passage) []int64 {
	var out []int64
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestRetrieve(t *testing.T) {
	for _, c := range []struct {
		query string
		first int64   // the passage that must rank first
		among []int64 // passages that must be returned (any order)
		none  bool    // nothing matches
	}{
		// Passages 1 (断熱改修) and 8 (浴室リフォーム) each match half; the
		// short 8 may come first, but 1 is found; see TestRetrieveBoth.
		{query: "断熱 リフォーム", among: []int64{1, 8}},
		{query: "断熱改修の事例", first: 1},
		{query: "冬の暖房費", first: 1},
		{query: "新卒採用", first: 3},
		{query: "現場監督の先輩", first: 3},
		{query: "キッチン", first: 2},
		{query: "創業", first: 4},
		{query: "浜松", first: 4},
		{query: "insulation heat pumps", first: 5},
		{query: "INSULATION", first: 5},
		{query: "zeh", among: []int64{5, 7}}, // full-width ＺＥＨ folds to zeh
		{query: "キャンペーン", first: 8},          // half-width kana fold
		{query: "補助金", first: 7},             // 補助 助金
		{query: "家", among: []int64{6}},      // a lone character is a unigram
		{query: "外壁の色", first: 6},
		{query: "量子コンピュータ", none: true},
		{query: "   ", none: true},
		{query: "!!!", none: true},
	} {
		t.Run(c.query, func(t *testing.T) {
			got := material.Retrieve(c.query, corpus, 3)
			if c.none {
				if len(got) != 0 {
					t.Fatalf("got %v, want nothing", ids(got))
				}
				return
			}
			if len(got) == 0 {
				t.Fatal("nothing found")
			}
			if c.first != 0 && got[0].ID != c.first {
				t.Errorf("first %d (score %.3f), want %d; all %v", got[0].ID, got[0].Score, c.first, ids(got))
			}
			for _, id := range c.among {
				found := false
				for _, p := range got {
					found = found || p.ID == id
				}
				if !found {
					t.Errorf("passage %d not among %v", id, ids(got))
				}
			}
			for i := range got {
				if got[i].Score <= 0 || (i > 0 && got[i].Score > got[i-1].Score) {
					t.Errorf("scores not positive and descending: %v", got)
				}
			}
		})
	}
}

// TestRetrieveBoth: a passage that matches every part of the query comes
// before those that match a part, and unrelated passages are not returned.
func TestRetrieveBoth(t *testing.T) {
	both := append([]soroe.Passage{{ID: 9, Text: "窓まわりの断熱リフォームは一日で終わる工事もあります。費用の目安はお問い合わせください。"}}, corpus...)
	got := material.Retrieve("断熱 リフォーム", both, 10)
	if len(got) == 0 || got[0].ID != 9 {
		t.Fatalf("got %v, want 9 first", ids(got))
	}
	for _, p := range got {
		switch p.ID {
		case 3, 4, 5, 6:
			t.Errorf("unrelated passage %d returned: %v", p.ID, ids(got))
		}
	}
	// Without the passage that has both, the 断熱改修 one ranks above every
	// passage about something else.
	only := []soroe.Passage{corpus[2], corpus[3], corpus[0], corpus[5], corpus[4]}
	if got := material.Retrieve("断熱 リフォーム", only, 3); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("got %v, want [1]", ids(got))
	}
}

func TestRetrieveK(t *testing.T) {
	if got := material.Retrieve("リフォーム", corpus, 1); len(got) != 1 {
		t.Errorf("k=1: %d passages", len(got))
	}
	if got := material.Retrieve("リフォーム", corpus, 0); got != nil {
		t.Errorf("k=0: %v", got)
	}
	if got := material.Retrieve("リフォーム", nil, 5); got != nil {
		t.Errorf("no passages: %v", got)
	}
	// The input is not changed (Score is set on copies).
	material.Retrieve("断熱", corpus, 5)
	for _, p := range corpus {
		if p.Score != 0 {
			t.Fatal("Retrieve changed its input")
		}
	}
}

// synthetic makes n passages of Japanese-like text from a vocabulary, with
// the one about 断熱改修 at position needle.
func synthetic(n, needle int) []soroe.Passage {
	words := []string{"住宅", "設計", "施工", "現場", "社員", "お客様", "提案", "見積もり", "キッチン", "浴室", "外壁", "屋根",
		"塗装", "補助金", "相談会", "見学会", "採用", "研修", "地域", "木材", "耐震", "工事", "保証", "点検", "Instagram", "SNS"}
	r := rand.New(rand.NewPCG(1, 2))
	ps := make([]soroe.Passage, n)
	for i := range ps {
		var b strings.Builder
		for b.Len() < 900 { // about 300 characters
			b.WriteString(words[r.IntN(len(words))])
			b.WriteString([]string{"の", "を", "で", "は", "と", "。"}[r.IntN(6)])
		}
		if i == needle {
			b.WriteString("築40年の家の断熱改修で、冬でも暖かい住まいになりました。")
		}
		ps[i] = soroe.Passage{ID: int64(i + 1), Text: b.String()}
	}
	return ps
}

func TestRetrieveAtScale(t *testing.T) {
	ps := synthetic(5000, 4321)
	start := time.Now()
	ix := material.NewIndex(ps)
	build := time.Since(start)
	start = time.Now()
	got := ix.Search("断熱 リフォーム", 5)
	search := time.Since(start)
	if len(got) == 0 || got[0].ID != 4322 {
		t.Fatalf("got %v, want 4322 first", ids(got))
	}
	t.Logf("5,000 passages: index %v, search %v", build.Round(time.Millisecond), search.Round(time.Microsecond))
}

func BenchmarkRetrieve5000(b *testing.B) {
	ps := synthetic(5000, 10)
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			material.NewIndex(ps)
		}
	})
	ix := material.NewIndex(ps)
	for _, q := range []string{"断熱 リフォーム", "補助金の相談会", "Instagram"} {
		b.Run(fmt.Sprintf("search/%s", q), func(b *testing.B) {
			for b.Loop() {
				ix.Search(q, 5)
			}
		})
	}
	b.Run("retrieve", func(b *testing.B) { // index + search, as Retrieve does
		for b.Loop() {
			material.Retrieve("断熱 リフォーム", ps, 5)
		}
	})
}
