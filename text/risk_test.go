package text

import (
	"strings"
	"testing"
)

func TestRisk(t *testing.T) {
	type hit struct{ code, match string }
	org := RiskConfig{NGWords: []string{"激安", " 爆安 ", ""}, Competitors: []string{"ライバル茶舗", "Example Tea"}}
	for _, c := range []struct {
		name string
		text string
		want []hit
	}{
		{"no1 without basis", "当店人気No.1の美容液", []hit{{"no1_claim", "No.1"}}},
		{"full-width no1", "当店人気ＮＯ．１の美容液", []hit{{"no1_claim", "ＮＯ．１"}}},
		{"no1 with basis", "業界No.1の実績（※2024年 自社調べ）", nil},
		{"ranking", "売上第1位を獲得", []hit{{"no1_claim", "第1位"}}},
		{"11th is not first", "売上11位", nil},
		{"superlative", "最高品質のお茶を日本一の茶園から", []hit{{"superlative", "最高品質"}, {"superlative", "日本一"}}},
		{"first", "業界初の技術です", []hit{{"first_claim", "業界初"}}},
		{"lowest price", "どこよりも安い最安値に挑戦", []hit{{"lowest_price", "どこよりも安い"}, {"lowest_price", "最安値"}}},
		{"absolute", "絶対に満足できます", []hit{{"absolute_claim", "絶対"}}},
		{"absolute cure", "飲めば必ず治る", []hit{{"absolute_claim", "必ず治"}, {"cure_claim", "治る"}}},
		{"effect 100 percent", "満足度１００％！", []hit{{"percent_100", "１００％"}}},
		{"composition 100 percent", "果汁100%のジュース、綿100%のタオル", nil},
		{"complete by reservation", "完全予約制のサロンです", nil},
		{"complete additive-free", "完全無添加", []hit{{"absolute_claim", "完全"}}},
		{"cure", "この化粧水でニキビが治ります", []hit{{"cure_claim", "治ります"}}},
		{"efficacy", "肩こりによく効くサプリ", []hit{{"efficacy_claim", "効く"}}},
		{"air conditioning works", "エアコンがよく効く部屋でお待ちください", nil},
		{"weight loss", "飲むだけで痩せる！脂肪燃焼ティー", []hit{{"weight_loss_claim", "飲むだけで"}, {"weight_loss_claim", "痩せる"}, {"weight_loss_claim", "脂肪燃焼"}}},
		{"weight loss in kana", "ヤセル", []hit{{"weight_loss_claim", "ヤセル"}}},
		{"spots", "塗るだけでシミが消える美容液", []hit{{"weight_loss_claim", "塗るだけで"}, {"skin_claim", "シミが消え"}}},
		{"half-width kana", "ｼﾐが消える", []hit{{"skin_claim", "ｼﾐが消え"}}},
		{"no side effects", "天然成分だから副作用なし", []hit{{"no_side_effects", "副作用なし"}}},
		{"disease", "免疫力アップで風邪知らず", []hit{{"disease_claim", "免疫力アップ"}}},
		{"doctor", "医師も推奨する成分", []hit{{"doctor_endorsement", "医師も推奨"}}},
		{"english", "Guaranteed results, no side effects!", []hit{{"absolute_claim", "Guaranteed results"}, {"no_side_effects", "no side effects"}}},
		{"english word boundary", "flame retardant fabric; secures the lid", nil},
		{"discriminatory", "ｷﾁｶﾞｲじみた暑さ", []hit{{"discriminatory", "ｷﾁｶﾞｲ"}}},
		{"turning pages", "ページをめくらないでください", nil},
		{"kids", "ちびっこ広場で遊ぼう", nil},
		{"beside", "机のかたわらに置く", nil},
		{"violent", "お前なんか死ね", []hit{{"violent", "死ね"}}},
		{"cannot die", "まだ死ねない理由がある", nil},
		{"mobile", "お問い合わせは090-1234-5678まで", []hit{{"phone_number", "090-1234-5678"}}},
		{"landline", "TEL 03-1234-5678", []hit{{"phone_number", "03-1234-5678"}}},
		{"full-width phone", "電話：０３－１２３４－５６７８", []hit{{"phone_number", "０３－１２３４－５６７８"}}},
		{"parenthesized", "03(1234)5678", []hit{{"phone_number", "03(1234)5678"}}},
		{"international", "+81 90-1234-5678", []hit{{"phone_number", "+81 90-1234-5678"}}},
		{"bare mobile", "09012345678", []hit{{"phone_number", "09012345678"}}},
		{"toll-free is the company's", "フリーダイヤル 0120-123-456", nil},
		{"order number", "注文番号 0312345678 / 〒100-0001 / 2024-03-15", nil},
		{"email", "連絡先: hanako.yamada@example.co.jp", []hit{{"email_address", "hanako.yamada@example.co.jp"}}},
		{"full-width email", "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", []hit{{"email_address", "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ"}}},
		{"competitor", "ライバル茶舗さんより安い", []hit{{"competitor", "ライバル茶舗"}}},
		{"competitor in english", "Unlike EXAMPLE TEA, we ...", []hit{{"competitor", "EXAMPLE TEA"}}},
		{"ng words", "激安セール！爆安！", []hit{{"ng_word", "激安"}, {"ng_word", "爆安"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := Risk(c.text, org)
			var got []hit
			runes := []rune(c.text)
			for _, f := range fs {
				got = append(got, hit{f.Code, f.Match})
				if string(runes[f.Start:f.End]) != f.Match {
					t.Errorf("%+v: offsets give %q", f, string(runes[f.Start:f.End]))
				}
				if f.Why == "" || f.Category == "" || f.Term == "" {
					t.Errorf("%+v: incomplete", f)
				}
			}
			if !equalProblems(got, c.want) {
				t.Errorf("Risk(%q) = %+v; want %+v", c.text, got, c.want)
			}
		})
	}
}

// TestRiskOrdinarySentences: everyday posts must raise nothing.
func TestRiskOrdinarySentences(t *testing.T) {
	for _, s := range []string{
		"明日は晴れるでしょう。新商品を発売しました！",
		"春の新作「さくらブレンド」を本日より発売しました。",
		"いつもご利用いただきありがとうございます。年末年始の営業時間のお知らせです。",
		"本日は15時から18時まで臨時休業いたします。ご不便をおかけして申し訳ございません。",
		"スタッフおすすめのコーディネートをご紹介します。#今日のコーデ",
		"毎日のひと息にぴったりの、香り高い国産茶葉をていねいにブレンドしました。",
		"オンラインショップでは送料無料キャンペーンも実施中です。詳しくはプロフィールのリンクから。",
		"ご予約は公式サイトからどうぞ https://example.co.jp/reserve",
		"2024年3月15日（金）10:00オープン、先着100名様にノベルティをお配りします。",
		"お子さま連れのお客様も、ちびっこスペースでゆっくりお過ごしください。",
		"We are open from 10am to 7pm. See you soon!",
	} {
		if fs := Risk(s, RiskConfig{}); len(fs) > 0 {
			t.Errorf("Risk(%q) = %+v; want nothing", s, fs)
		}
	}
}

// TestRiskListsAreDocumented: every builtin entry says why, and its words
// survive normalization.
func TestRiskListsAreDocumented(t *testing.T) {
	for _, term := range builtinRisks {
		if term.category == "" || term.code == "" || len(term.why) < 40 || len(term.words) == 0 {
			t.Errorf("incomplete entry %+v", term)
		}
		for i, w := range term.norms {
			if w == "" || strings.TrimSpace(w) != w {
				t.Errorf("%s: word %q normalizes to %q", term.code, term.words[i], w)
			}
		}
	}
}
