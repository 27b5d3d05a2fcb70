package library

import "github.com/soroe/soroe"

// sales (販売): one clear benefit per post, a reason to buy now, and the
// voice of people who already bought.
var sales = []starter{
	{
		key: "product_benefit", purpose: soroe.PurposeSales,
		ja: soroe.TemplateBody{
			Name:  "商品のここがいい",
			Theme: "商品の良さを1つに絞り、使ったあとの変化を具体的に伝える",
			Structure: "{商品名}の「{特長}」。\n" +
				"{お客様の困りごと}が、{使ったあとの変化}に。\n" +
				"{価格・プラン}\n" +
				"ご購入はこちら ▶ {商品ページURL}",
			Tone:      "friendly",
			ToneNotes: "機能の説明より、暮らしや仕事がどう変わるかを書く。",
			Format:    "image",
			Networks:  nets{instagram, x, line},
			Frequency: weekly(1, days{thu}, "20:00"),
			Hashtags:  strs{"#おすすめ", "#新商品"},
			CTA:       "商品ページを見る",
			Dos: strs{
				"1つの投稿で伝える特長は1つだけにする",
				"使っている場面の写真を使う",
				"価格と買える場所をはっきり書く",
			},
			Donts: strs{
				"効果・効能を保証する表現を使わない（景品表示法・薬機法に注意）",
				"在庫がない商品を案内しない",
			},
			Checklist: strs{
				"価格・在庫・販売期間を確認する",
				"表現が法令（景品表示法など）に触れないか確認する",
				"商品ページのリンクが開くか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Why you'll love it",
			Theme: "Pick one benefit of the product and show how things change once you use it",
			Structure: "{product}: {feature}.\n" +
				"From {customer's problem} to {life after using it}.\n" +
				"{price or plan}\n" +
				"Get yours: {product page URL}",
			Tone:      "friendly",
			ToneNotes: "Say how the customer's day changes, not what the spec sheet says.",
			Format:    "image",
			Networks:  nets{instagram, x, facebook},
			Frequency: weekly(1, days{thu}, "20:00"),
			Hashtags:  strs{"#newin", "#musthave"},
			CTA:       "Shop now",
			Dos: strs{
				"One benefit per post",
				"Show the product in use",
				"State the price and where to buy",
			},
			Donts: strs{
				"Guarantee results or health effects",
				"Promote items that are out of stock",
			},
			Checklist: strs{
				"Check price, stock and sale dates",
				"Check the claims against advertising rules",
				"Check that the product link works",
			},
		},
	},
	{
		key: "limited_offer", purpose: soroe.PurposeSales,
		ja: soroe.TemplateBody{
			Name:  "期間限定のご案内",
			Theme: "キャンペーンや特典を期限つきで伝え、「今」買う理由をつくる",
			Structure: "【{期間}限定】{キャンペーン名}\n" +
				"{対象商品}が{特典・割引}。\n" +
				"{条件・注意事項}\n" +
				"お見逃しなく ▶ {商品ページURL}",
			Tone:      "enthusiastic",
			ToneNotes: "期限と条件は正確に。にぎやかさは絵文字1〜2個まで。",
			Format:    "image",
			Networks:  nets{instagram, x, line},
			Frequency: monthly(2, days{fri}, "12:00"),
			Hashtags:  strs{"#期間限定", "#キャンペーン"},
			CTA:       "今すぐチェック",
			Dos: strs{
				"期間・対象・条件を画像と本文の両方に書く",
				"終了前日にもう一度お知らせする",
				"LINE では友だち限定の特典を添える",
			},
			Donts: strs{
				"実際より安く見せる二重価格表示をしない",
				"終了したキャンペーンの投稿を放置しない",
			},
			Checklist: strs{
				"キャンペーンの期間・条件を担当部署と確認する",
				"割引が購入ページに反映されているか確認する",
				"終了後に投稿を更新・削除する日を決めておく",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Limited-time offer",
			Theme: "Announce an offer with an end date, to give a reason to buy now",
			Structure: "{period} only: {offer name}\n" +
				"{product} — {discount or gift}.\n" +
				"{conditions}\n" +
				"Don't miss it: {product page URL}",
			Tone:      "enthusiastic",
			ToneNotes: "Exact dates and conditions. One or two emoji at most.",
			Format:    "image",
			Networks:  nets{instagram, x, facebook},
			Frequency: monthly(2, days{fri}, "12:00"),
			Hashtags:  strs{"#limitedtime", "#sale"},
			CTA:       "Shop the offer",
			Dos: strs{
				"Put dates, products and conditions on the image and in the text",
				"Remind people the day before it ends",
				"Offer something extra to followers",
			},
			Donts: strs{
				"Show a fake \"was\" price",
				"Leave posts about ended offers up unchanged",
			},
			Checklist: strs{
				"Confirm dates and conditions with the team running the offer",
				"Check the discount works on the shop page",
				"Set a date to update or remove the post after the offer",
			},
		},
	},
	{
		key: "customer_voice", purpose: soroe.PurposeSales,
		ja: soroe.TemplateBody{
			Name:  "お客様の声",
			Theme: "実際に買った方の感想を紹介し、買う前の不安をやわらげる",
			Structure: "「{お客様の声}」\n" +
				"（{お客様の属性}）\n" +
				"{お礼とスタッフのひとこと}\n" +
				"{商品名}の詳細はこちら ▶ {商品ページURL}",
			Tone:      "friendly",
			ToneNotes: "お客様の言葉は手を加えずに。スタッフのひとことは短く、感謝を込めて。",
			Format:    "image",
			Networks:  nets{instagram, facebook, x},
			Frequency: monthly(2, days{sun}, "19:00"),
			Hashtags:  strs{"#お客様の声", "#レビュー"},
			CTA:       "詳細を見る",
			Dos: strs{
				"レビューやアンケートの言葉をそのまま引用する",
				"どんな方の声か（年代・使い方など）を添える",
				"良い点だけでなく「こんな方に」の一言も入れる",
			},
			Donts: strs{
				"許可のない声や、作った声を載せない（ステマ規制に注意）",
				"個人が特定できる情報を出さない",
			},
			Checklist: strs{
				"お客様に掲載の許可をとる",
				"引用が原文どおりか確認する",
				"商品ページのリンクが開くか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Customer review",
			Theme: "Share what a real buyer said, to ease doubts before buying",
			Structure: "\"{what the customer said}\"\n" +
				"— {who they are}\n" +
				"{thank-you from the team}\n" +
				"More about {product}: {product page URL}",
			Tone:      "friendly",
			ToneNotes: "Quote the customer word for word. Keep the thank-you short and warm.",
			Format:    "image",
			Networks:  nets{instagram, facebook, x},
			Frequency: monthly(2, days{sun}, "19:00"),
			Hashtags:  strs{"#customerlove", "#review"},
			CTA:       "Learn more",
			Dos: strs{
				"Quote reviews and surveys as written",
				"Say who the customer is (how they use it)",
				"Add who the product suits best",
			},
			Donts: strs{
				"Post made-up or unapproved reviews",
				"Reveal anything that identifies the person",
			},
			Checklist: strs{
				"Get the customer's permission",
				"Check the quote against the original",
				"Check that the product link works",
			},
		},
	},
}
