package library

import "github.com/soroe/soroe"

// community (ファン): talk with followers, not at them — questions, their
// posts, the people behind the account.
var community = []starter{
	{
		key: "question", purpose: soroe.PurposeCommunity,
		ja: soroe.TemplateBody{
			Name:  "みなさんに質問",
			Theme: "フォロワーに気軽な質問を投げかけ、コメントで会話を生む",
			Structure: "みなさんに質問です！\n" +
				"{質問}\n" +
				"A：{選択肢A}\n" +
				"B：{選択肢B}\n" +
				"コメントで教えてください。{理由も聞きたいなどのひとこと}",
			Tone:      "casual",
			ToneNotes: "友だちに話しかけるように。答えやすい2択にする。",
			Format:    "text",
			Networks:  nets{x, instagram, threads},
			Frequency: weekly(1, days{wed}, "20:00"),
			Hashtags:  strs{"#みなさんに質問", "#教えてください"},
			CTA:       "コメントで教えてください",
			Dos: strs{
				"10秒で答えられる質問にする",
				"いただいたコメントには当日中に返信する",
				"集まった答えを次の投稿で紹介する",
			},
			Donts: strs{
				"政治・宗教など意見が分かれる話題を選ばない",
				"個人情報を答えさせる質問をしない",
			},
			Checklist: strs{
				"コメントに返信する担当と時間を決める",
				"質問が誰かを傷つける内容でないか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Question of the week",
			Theme: "Ask followers an easy question and start a conversation in the comments",
			Structure: "Question for you!\n" +
				"{question}\n" +
				"A: {option A}\n" +
				"B: {option B}\n" +
				"Tell us in the comments — {nudge, e.g. and why?}",
			Tone:      "casual",
			ToneNotes: "Like asking a friend. An easy either-or.",
			Format:    "text",
			Networks:  nets{x, instagram, threads},
			Frequency: weekly(1, days{wed}, "20:00"),
			Hashtags:  strs{"#questionoftheweek"},
			CTA:       "Answer in the comments",
			Dos: strs{
				"Ask something people can answer in ten seconds",
				"Reply to comments the same day",
				"Share the answers in a later post",
			},
			Donts: strs{
				"Pick divisive topics such as politics or religion",
				"Ask for personal information",
			},
			Checklist: strs{
				"Agree who replies to comments, and when",
				"Check that the question can't hurt anyone",
			},
		},
	},
	{
		key: "fan_feature", purpose: soroe.PurposeCommunity,
		ja: soroe.TemplateBody{
			Name:  "ファンの投稿をご紹介",
			Theme: "お客様の投稿を許可を得て紹介し、「自分も投稿したい」と思ってもらう",
			Structure: "{お客様のアカウント名}さんの投稿をご紹介します。\n" +
				"{投稿の内容と、うれしかったポイント}\n" +
				"すてきな{写真・使い方}をありがとうございます！\n" +
				"{ブランドハッシュタグ} をつけて投稿してくださった方の中から、ご紹介させていただいています。",
			Tone:      "friendly",
			ToneNotes: "感謝を第一に。紹介する方へのリスペクトが伝わる言葉で。",
			Format:    "image",
			Networks:  nets{instagram, x},
			Frequency: monthly(2, days{sat}, "12:00"),
			Hashtags:  strs{"#ファンの声", "#ご紹介"},
			CTA:       "ハッシュタグをつけて投稿する",
			Dos: strs{
				"紹介する前にDMで許可をもらう",
				"元の投稿者をメンションする",
				"ブランドハッシュタグを毎回同じ表記で案内する",
			},
			Donts: strs{
				"許可なく写真を転載しない",
				"お客様の写真を加工・切り抜きしない",
			},
			Checklist: strs{
				"投稿者から掲載の許可（DMの記録）をもらう",
				"写真に第三者が写っていないか確認する",
				"メンションするアカウント名の綴りを確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Fan feature",
			Theme: "Share a customer's post, with permission, so others want to post too",
			Structure: "Look what {customer's handle} shared!\n" +
				"{what they posted and why we love it}\n" +
				"Thank you for the lovely {photo or idea}!\n" +
				"Post with {brand hashtag} and you might be next.",
			Tone:      "friendly",
			ToneNotes: "Gratitude first. Respect for the person featured.",
			Format:    "image",
			Networks:  nets{instagram, x},
			Frequency: monthly(2, days{sat}, "12:00"),
			Hashtags:  strs{"#fanfeature", "#community"},
			CTA:       "Post with our hashtag",
			Dos: strs{
				"Ask permission by DM before sharing",
				"Mention the original poster",
				"Spell the brand hashtag the same way every time",
			},
			Donts: strs{
				"Repost photos without permission",
				"Edit or crop customers' photos",
			},
			Checklist: strs{
				"Keep the DM in which the poster agreed",
				"Check no one else is recognisable in the photo",
				"Check the spelling of the handle",
			},
		},
	},
	{
		key: "behind_account", purpose: soroe.PurposeCommunity,
		ja: soroe.TemplateBody{
			Name:  "中の人のひとこと",
			Theme: "担当者の日常や小さな発見を気軽に発信し、親しみをもってもらう",
			Structure: "{今日の小さなできごと}\n" +
				"{そこから思ったこと}\n" +
				"みなさんは{問いかけ}？",
			Tone:      "casual",
			ToneNotes: "肩の力を抜いて、短く。会社の公式発表とは分けて考える。",
			Format:    "text",
			Networks:  nets{x, threads},
			Frequency: weekly(2, days{mon, thu}, "12:30"),
			Hashtags:  strs{"#中の人"},
			CTA:       "返信で話しかける",
			Dos: strs{
				"140字程度に収める",
				"季節や身近な話題を選ぶ",
				"返信には「中の人」として気さくに答える",
			},
			Donts: strs{
				"社内の人間関係や未発表の情報に触れない",
				"他社やお客様をいじる冗談を言わない",
			},
			Checklist: strs{
				"未発表の情報が入っていないか確認する",
				"炎上しそうな表現がないか、もう1人に読んでもらう",
			},
		},
		en: soroe.TemplateBody{
			Name:  "From the team",
			Theme: "Small moments from the person behind the account, to make the brand feel human",
			Structure: "{a small thing that happened today}\n" +
				"{what it made you think}\n" +
				"How about you — {question}?",
			Tone:      "casual",
			ToneNotes: "Relaxed and short. Keep it separate from official announcements.",
			Format:    "text",
			Networks:  nets{x, threads},
			Frequency: weekly(2, days{mon, thu}, "12:30"),
			Hashtags:  strs{"#behindtheaccount"},
			CTA:       "Reply and say hi",
			Dos: strs{
				"Keep it to a couple of lines",
				"Pick everyday, seasonal topics",
				"Reply to people warmly, as yourself",
			},
			Donts: strs{
				"Mention internal matters or unannounced news",
				"Joke at the expense of customers or other companies",
			},
			Checklist: strs{
				"Check there's no unannounced information",
				"Have a second person read it for anything that could backfire",
			},
		},
	},
}
