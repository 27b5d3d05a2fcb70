package library

import "github.com/soroe/soroe"

// other: the posts every account needs whatever its purpose — news,
// reports of what the company did, small pieces of know-how.
var other = []starter{
	{
		key: "announcement", purpose: soroe.PurposeOther,
		ja: soroe.TemplateBody{
			Name:  "お知らせ",
			Theme: "営業日・イベント・新しいサービスなどを、正確に分かりやすく伝える",
			Structure: "【お知らせ】{タイトル}\n" +
				"日時：{日時・期間}\n" +
				"{内容}\n" +
				"詳しくはこちら ▶ {URL}",
			Tone:      "formal",
			ToneNotes: "日時・場所・対象を正確に。ですます調で簡潔に。",
			Format:    "text",
			Networks:  nets{x, facebook, instagram},
			Frequency: monthly(2, days{mon}, "10:00"),
			Hashtags:  strs{"#お知らせ"},
			CTA:       "詳しく見る",
			Dos: strs{
				"いつ・どこで・誰が対象かを最初の3行で伝える",
				"ウェブサイトのお知らせと同じ内容にする",
			},
			Donts: strs{
				"決まっていないことを確定したように書かない",
			},
			Checklist: strs{
				"日時・場所・金額を担当者と確認する",
				"リンク先のページが公開されているか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Announcement",
			Theme: "Tell people about opening hours, events or new services, accurately and clearly",
			Structure: "News: {headline}\n" +
				"When: {date and time}\n" +
				"{details}\n" +
				"More: {URL}",
			Tone:      "formal",
			ToneNotes: "Exact dates, places and who it is for. Short and polite.",
			Format:    "text",
			Networks:  nets{x, facebook, instagram},
			Frequency: monthly(2, days{mon}, "10:00"),
			Hashtags:  strs{"#news"},
			CTA:       "Read more",
			Dos: strs{
				"Say when, where and who it's for in the first three lines",
				"Match the announcement on the website",
			},
			Donts: strs{
				"Present undecided things as settled",
			},
			Checklist: strs{
				"Check dates, places and prices with the person in charge",
				"Check that the linked page is live",
			},
		},
	},
	{
		key: "activity_report", purpose: soroe.PurposeOther,
		ja: soroe.TemplateBody{
			Name:  "活動レポート",
			Theme: "イベントや地域活動など、会社の取り組みを写真つきで報告する",
			Structure: "{日付}、{出来事}を行いました。\n" +
				"{当日の内容・様子}\n" +
				"{参加者・関係者へのお礼}\n" +
				"次回は{次回の予定}。",
			Tone:      "friendly",
			ToneNotes: "その場の空気が伝わるように。お礼の言葉を忘れずに。",
			Format:    "carousel",
			Networks:  nets{instagram, facebook},
			Frequency: monthly(2, days{fri}, "17:00"),
			Hashtags:  strs{"#活動報告", "#イベントレポート"},
			CTA:       "次回の予定をチェック",
			Dos: strs{
				"写真は3〜5枚、当日の流れがわかる順に並べる",
				"協力してくださった方を紹介する",
			},
			Donts: strs{
				"参加者の顔を許可なく出さない",
			},
			Checklist: strs{
				"写真に写る参加者の了承をとる",
				"協力団体の名前の表記を確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Activity report",
			Theme: "Report on events and community work, with photos",
			Structure: "On {date} we {what happened}.\n" +
				"{what it was like}\n" +
				"{thanks to those who took part}\n" +
				"Next up: {next event}.",
			Tone:      "friendly",
			ToneNotes: "Let the mood of the day come through. Always thank people.",
			Format:    "carousel",
			Networks:  nets{instagram, facebook, linkedin},
			Frequency: monthly(2, days{fri}, "17:00"),
			Hashtags:  strs{"#community", "#eventrecap"},
			CTA:       "See what's next",
			Dos: strs{
				"Three to five photos in the order of the day",
				"Introduce the people and groups who helped",
			},
			Donts: strs{
				"Show participants' faces without consent",
			},
			Checklist: strs{
				"Get consent from people in the photos",
				"Check the spelling of partner organisations",
			},
		},
	},
	{
		key: "trivia", purpose: soroe.PurposeOther,
		ja: soroe.TemplateBody{
			Name:  "知って得する豆知識",
			Theme: "仕事に関わる豆知識をやさしく伝え、専門性と信頼を感じてもらう",
			Structure: "知っていましたか？{豆知識のテーマ}\n" +
				"{わかりやすい説明}\n" +
				"{暮らしや仕事に役立つひとこと}",
			Tone:      "friendly",
			ToneNotes: "専門家が近所の人に教えるように。数字や由来があると印象に残る。",
			Format:    "text",
			Networks:  nets{x, threads, instagram},
			Frequency: weekly(1, days{wed}, "12:00"),
			Hashtags:  strs{"#豆知識", "#知って得する"},
			CTA:       "保存して役立てる",
			Dos: strs{
				"1投稿1テーマにする",
				"出典のある情報を使う",
			},
			Donts: strs{
				"不確かな情報や俗説を事実として書かない",
			},
			Checklist: strs{
				"内容の出典を確認する",
				"専門スタッフに内容を確認してもらう",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Did you know?",
			Theme: "Share a bit of know-how from your trade, to show expertise and earn trust",
			Structure: "Did you know? {topic}\n" +
				"{simple explanation}\n" +
				"{how it helps in everyday life or work}",
			Tone:      "friendly",
			ToneNotes: "Like an expert explaining to a neighbour. A number or a bit of history sticks.",
			Format:    "text",
			Networks:  nets{x, threads, instagram},
			Frequency: weekly(1, days{wed}, "12:00"),
			Hashtags:  strs{"#didyouknow", "#tips"},
			CTA:       "Save this tip",
			Dos: strs{
				"One topic per post",
				"Use facts with a source",
			},
			Donts: strs{
				"Present myths or guesses as facts",
			},
			Checklist: strs{
				"Check the source",
				"Have a specialist check the facts",
			},
		},
	},
}
