package library

import "github.com/soroe/soroe"

// leadGeneration (資料請求・問い合わせ): give a taste of what the document or
// the consultation offers, and lead to the form with a clear call to action.
var leadGeneration = []starter{
	{
		key: "document_teaser", purpose: soroe.PurposeLeadGeneration,
		ja: soroe.TemplateBody{
			Name:  "お役立ち資料の紹介",
			Theme: "資料の中身を少し見せて、ダウンロードしたくなる理由をつくる",
			Structure: "{読者の悩み}でお困りではありませんか？\n" +
				"「{資料名}」では、{資料で分かること}を{ページ数}ページにまとめました。\n" +
				"・{ポイント1}\n" +
				"・{ポイント2}\n" +
				"・{ポイント3}\n" +
				"無料でダウンロードいただけます ▶ {資料ページURL}",
			Tone:      "professional",
			ToneNotes: "読者の悩みから書き出す。売り込みより「役に立つ」を前に。",
			Format:    "carousel",
			Networks:  nets{x, facebook, linkedin},
			Frequency: weekly(1, days{tue}, "12:00"),
			Hashtags:  strs{"#お役立ち資料", "#無料ダウンロード"},
			CTA:       "無料で資料をダウンロード",
			Dos: strs{
				"1枚目で読者の悩みをはっきり言葉にする",
				"資料の実際のページを2〜3枚見せる",
				"ダウンロードの手間（入力項目・所要時間）を書き添える",
			},
			Donts: strs{
				"資料に書いていないことを約束しない",
				"「今だけ」「限定」など根拠のない煽りを使わない",
			},
			Checklist: strs{
				"資料ページのリンクが開き、フォームが送信できるか確認する",
				"リンクに計測用のパラメータ（utm）をつける",
				"見せるページに社外秘の情報がないか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Guide teaser",
			Theme: "Show a little of what the guide holds, so readers want the rest",
			Structure: "Struggling with {reader's problem}?\n" +
				"Our free guide \"{guide title}\" covers {what it teaches} in {pages} pages:\n" +
				"• {point 1}\n" +
				"• {point 2}\n" +
				"• {point 3}\n" +
				"Download it free: {landing page URL}",
			Tone:      "professional",
			ToneNotes: "Open with the reader's problem. Helpful first, selling second.",
			Format:    "carousel",
			Networks:  nets{linkedin, x, facebook},
			Frequency: weekly(1, days{tue}, "12:00"),
			Hashtags:  strs{"#freeguide", "#howto"},
			CTA:       "Download the free guide",
			Dos: strs{
				"Name the reader's problem on the first slide",
				"Show two or three real pages of the guide",
				"Say how quick the form is",
			},
			Donts: strs{
				"Promise what the guide does not deliver",
				"Use fake urgency (\"today only\")",
			},
			Checklist: strs{
				"Check that the landing page opens and the form submits",
				"Add UTM parameters to the link",
				"Check the pages shown for confidential details",
			},
		},
	},
	{
		key: "case_study", purpose: soroe.PurposeLeadGeneration,
		ja: soroe.TemplateBody{
			Name:  "事例紹介",
			Theme: "お客様の課題と解決を数字で見せ、詳しい事例集の請求につなげる",
			Structure: "【事例】{お客様（業種・地域）}\n" +
				"課題：{導入前の課題}\n" +
				"取り組み：{私たちが行ったこと}\n" +
				"成果：{数字で表せる成果}\n" +
				"ほかの事例は事例集にまとめています ▶ {資料ページURL}",
			Tone:      "professional",
			ToneNotes: "お客様が主役。自社の自慢ではなく、お客様の変化を書く。",
			Format:    "image",
			Networks:  nets{facebook, instagram, x},
			Frequency: monthly(2, days{thu}, "12:00"),
			Hashtags:  strs{"#導入事例", "#お客様の声"},
			CTA:       "事例集を請求する",
			Dos: strs{
				"課題・取り組み・成果の3つに分けて書く",
				"成果はできるだけ数字で示す",
				"お客様のひとことがあれば添える",
			},
			Donts: strs{
				"掲載許可をとっていないお客様の名前や写真を出さない",
				"成果を盛ったり、条件を省いたりしない",
			},
			Checklist: strs{
				"お客様から掲載の許可を書面（メール可）でもらう",
				"お客様に文面と写真を確認してもらう",
				"資料ページのリンクが開くか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Customer story",
			Theme: "Show a customer's problem and result in numbers, and offer the full case study book",
			Structure: "Customer story: {customer, industry and place}\n" +
				"The challenge: {problem before}\n" +
				"What we did: {our work}\n" +
				"The result: {result in numbers}\n" +
				"More stories in our free case study book: {landing page URL}",
			Tone:      "professional",
			ToneNotes: "The customer is the hero. Tell how things changed for them, not how great we are.",
			Format:    "image",
			Networks:  nets{linkedin, facebook, x},
			Frequency: monthly(2, days{thu}, "12:00"),
			Hashtags:  strs{"#casestudy", "#customerstory"},
			CTA:       "Get the case study book",
			Dos: strs{
				"Keep the three parts: challenge, what we did, result",
				"Give the result in numbers",
				"Quote the customer if you can",
			},
			Donts: strs{
				"Name or show a customer without written permission",
				"Inflate results or leave out conditions",
			},
			Checklist: strs{
				"Get the customer's permission in writing (email is fine)",
				"Have the customer approve the text and photos",
				"Check that the landing page link works",
			},
		},
	},
	{
		key: "know_how", purpose: soroe.PurposeLeadGeneration,
		ja: soroe.TemplateBody{
			Name:  "3つのポイントで分かるノウハウ",
			Theme: "専門知識を小分けにして発信し、相談や問い合わせのきっかけにする",
			Structure: "{テーマ}で失敗しないための3つのポイント\n" +
				"1. {ポイント1}\n" +
				"2. {ポイント2}\n" +
				"3. {ポイント3}\n" +
				"「うちの場合はどうだろう？」という方は、お気軽にご相談ください ▶ {問い合わせURL}",
			Tone:      "friendly",
			ToneNotes: "専門用語は言い換える。読んだだけで1つ役に立つ内容に。",
			Format:    "thread",
			Networks:  nets{x, threads, linkedin},
			Frequency: weekly(1, days{fri}, "12:00"),
			Hashtags:  strs{"#豆知識", "#よくあるご質問"},
			CTA:       "無料で相談する",
			Dos: strs{
				"お客様からよく聞かれる質問をテーマにする",
				"ポイントは1つ1〜2文に収める",
				"最後に相談の窓口を1つだけ示す",
			},
			Donts: strs{
				"他社を名指しで批判しない",
				"法律・税金などは断定せず、専門家の確認をとる",
			},
			Checklist: strs{
				"内容の正確さを担当の専門スタッフに確認してもらう",
				"問い合わせフォームのリンクが開くか確認する",
				"スレッドの順番と改行を確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Three tips",
			Theme: "Share expertise in small pieces, and invite readers to ask for advice",
			Structure: "3 things to get right about {topic}:\n" +
				"1. {tip 1}\n" +
				"2. {tip 2}\n" +
				"3. {tip 3}\n" +
				"Wondering how this applies to you? Ask us: {contact form URL}",
			Tone:      "friendly",
			ToneNotes: "Plain words, no jargon. Every post should be useful on its own.",
			Format:    "thread",
			Networks:  nets{linkedin, x, threads},
			Frequency: weekly(1, days{fri}, "12:00"),
			Hashtags:  strs{"#tips", "#howto"},
			CTA:       "Ask for free advice",
			Dos: strs{
				"Pick topics customers often ask about",
				"Keep each tip to one or two sentences",
				"End with one way to get in touch",
			},
			Donts: strs{
				"Criticise competitors by name",
				"Give firm legal or tax advice without an expert's check",
			},
			Checklist: strs{
				"Have a specialist check the facts",
				"Check that the contact form link works",
				"Check the thread's order and line breaks",
			},
		},
	},
}
