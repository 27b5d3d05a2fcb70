package library

import "github.com/soroe/soroe"

// awareness (ブランド認知): tell the brand's story and show its people and
// craft, so that it is remembered and liked.
var awareness = []starter{
	{
		key: "brand_story", purpose: soroe.PurposeAwareness,
		ja: soroe.TemplateBody{
			Name:  "私たちのこだわり",
			Theme: "ブランドが生まれた背景と大切にしている想いを語り、名前と一緒に覚えてもらう",
			Structure: "{創業・誕生のきっかけ}から始まった{会社名・ブランド名}。\n" +
				"私たちが大切にしているのは「{こだわり}」です。\n" +
				"{こだわりが表れている具体的なエピソード}\n" +
				"{締めのひとこと}",
			Tone:      "friendly",
			ToneNotes: "広告コピーより、人が語る言葉で。エピソードは具体的に1つだけ。",
			Format:    "image",
			Networks:  nets{instagram, facebook},
			Frequency: weekly(1, days{sat}, "10:00"),
			Hashtags:  strs{"#私たちのこだわり", "#ものづくり"},
			CTA:       "フォローして続きを見る",
			Dos: strs{
				"実在の人・場所・出来事をエピソードにする",
				"写真は自社で撮ったものを使う",
				"毎回同じ書き出しにして、シリーズとして覚えてもらう",
			},
			Donts: strs{
				"「業界No.1」など根拠のない最上級表現を使わない",
				"他社と比べて優劣をつけない",
			},
			Checklist: strs{
				"エピソードの事実関係を当事者に確認する",
				"写真に写る人の了承をとる",
				"ブランド名・ロゴの表記ルールを守っているか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Our story",
			Theme: "Tell how the brand began and what it cares about, so people remember the name",
			Structure: "{company or brand} began with {how it started}.\n" +
				"What we care about most: {what we stand for}.\n" +
				"{one concrete story that shows it}\n" +
				"{closing line}",
			Tone:      "friendly",
			ToneNotes: "Words a person would say, not ad copy. One concrete story per post.",
			Format:    "image",
			Networks:  nets{instagram, facebook},
			Frequency: weekly(1, days{sat}, "10:00"),
			Hashtags:  strs{"#ourstory", "#behindthebrand"},
			CTA:       "Follow for more",
			Dos: strs{
				"Tell stories of real people, places and events",
				"Use your own photos",
				"Open every post the same way so it reads as a series",
			},
			Donts: strs{
				"Claim to be \"the best\" without proof",
				"Compare yourself with competitors",
			},
			Checklist: strs{
				"Check the facts with the people in the story",
				"Get consent from anyone in the photos",
				"Check the brand name and logo follow the brand rules",
			},
		},
	},
	{
		key: "local_season", purpose: soroe.PurposeAwareness,
		ja: soroe.TemplateBody{
			Name:  "季節と地域の話題",
			Theme: "季節や地域の出来事と自社をつなげ、身近な存在として感じてもらう",
			Structure: "{季節・地域の話題}の季節になりました。\n" +
				"{自社との関わり・おすすめ}\n" +
				"{写真の説明}\n" +
				"みなさんの{地域}では、{問いかけ}？",
			Tone:      "friendly",
			ToneNotes: "地元の人どうしの会話のように。地名や行事名は正しく。",
			Format:    "image",
			Networks:  nets{instagram, x, threads},
			Frequency: weekly(2, days{tue, fri}, "18:00"),
			Hashtags:  strs{"#地域密着", "#季節のたより"},
			CTA:       "コメントで教えてください",
			Dos: strs{
				"地域の行事・天気・旬のものを話題にする",
				"問いかけで終えて、コメントしやすくする",
				"地域名のハッシュタグを1つ添える",
			},
			Donts: strs{
				"災害や事故の話題を宣伝に使わない",
				"地域の団体やお店の写真を無断で使わない",
			},
			Checklist: strs{
				"行事の日付・名称を確認する",
				"写真に写る人やお店の了承をとる",
				"災害や事故が起きていないか、投稿前にニュースを確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Season and neighbourhood",
			Theme: "Link the season and local events to the company, so people feel it is close to them",
			Structure: "{seasonal or local moment} is here.\n" +
				"{how it connects to us, or what we recommend}\n" +
				"{about the photo}\n" +
				"How about you — {question for followers}?",
			Tone:      "friendly",
			ToneNotes: "Like neighbours chatting. Get place and event names right.",
			Format:    "image",
			Networks:  nets{instagram, x, threads},
			Frequency: weekly(2, days{tue, fri}, "18:00"),
			Hashtags:  strs{"#local", "#thisseason"},
			CTA:       "Tell us in the comments",
			Dos: strs{
				"Talk about local events, the weather, what's in season",
				"End with a question that is easy to answer",
				"Add one hashtag with the place name",
			},
			Donts: strs{
				"Use disasters or accidents to promote anything",
				"Post photos of local groups or shops without asking",
			},
			Checklist: strs{
				"Check event names and dates",
				"Get consent from people or shops in the photos",
				"Check the news for disasters or accidents before posting",
			},
		},
	},
	{
		key: "behind_the_scenes", purpose: soroe.PurposeAwareness,
		ja: soroe.TemplateBody{
			Name:  "仕事の舞台裏",
			Theme: "ふだんは見えない仕事の工程を短い動画で見せ、技術と丁寧さを伝える",
			Structure: "{工程・作業}の舞台裏をお見せします。\n" +
				"{こだわりのポイント}\n" +
				"完成まで{時間・日数}。{見どころ}",
			Tone:      "casual",
			ToneNotes: "説明しすぎず、手の動きや音で伝える。字幕は短く。",
			Format:    "short_video",
			Networks:  nets{instagram, x},
			Frequency: monthly(2, days{wed}, "20:00"),
			Hashtags:  strs{"#舞台裏", "#職人技", "#ものづくり"},
			CTA:       "保存してあとで見返す",
			Dos: strs{
				"最初の2秒でいちばん見せたい場面を出す",
				"縦長・30秒以内にまとめる",
				"音なしでも分かるように字幕を入れる",
			},
			Donts: strs{
				"安全装備をつけていない作業を映さない",
				"お客様の住所や表札が分かる場面を映さない",
			},
			Checklist: strs{
				"撮影する現場の責任者とお客様の了承をとる",
				"安全上の問題がないか現場責任者に確認してもらう",
				"字幕の誤字と、音楽の利用許諾を確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Behind the scenes",
			Theme: "Show a step of the work people never see, in a short video, to show skill and care",
			Structure: "Behind the scenes: {process or task}.\n" +
				"{what we pay attention to}\n" +
				"{time it takes} from start to finish. {the best moment}",
			Tone:      "casual",
			ToneNotes: "Let hands and sounds tell it. Short captions.",
			Format:    "short_video",
			Networks:  nets{instagram, x},
			Frequency: monthly(2, days{wed}, "20:00"),
			Hashtags:  strs{"#behindthescenes", "#craft"},
			CTA:       "Save it for later",
			Dos: strs{
				"Show the best moment in the first two seconds",
				"Vertical, 30 seconds or less",
				"Add captions so it works without sound",
			},
			Donts: strs{
				"Film work done without safety gear",
				"Show a customer's address or name plate",
			},
			Checklist: strs{
				"Get consent from the site lead and the customer",
				"Have the site lead check for safety issues",
				"Check the captions for typos and the music licence",
			},
		},
	},
}
