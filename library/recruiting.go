package library

import "github.com/soroe/soroe"

// recruiting (採用): let candidates picture the job and the people, answer
// what holds them back, and lead them to the application page.
var recruiting = []starter{
	{
		key: "day_in_life", purpose: soroe.PurposeRecruiting,
		ja: soroe.TemplateBody{
			Name:  "社員の一日",
			Theme: "社員の働く姿を時間の流れで見せ、入社後の毎日を具体的に想像してもらう",
			Structure: "{社員名}さんの一日：{時間帯}は{仕事内容}。\n" +
				"{本人のひとこと}\n" +
				"（{部署・職種}／入社{年数}年目）\n" +
				"募集中の職種はプロフィールのリンクからご覧いただけます。",
			Tone:      "friendly",
			ToneNotes: "社員本人が話しているような、等身大の言葉で。専門用語には短い説明を添える。",
			Format:    "carousel",
			Networks:  nets{instagram, x},
			Frequency: weekly(1, days{wed}, "12:00"),
			Hashtags:  strs{"#採用", "#はたらく", "#社員の一日"},
			CTA:       "募集要項を見る",
			Dos: strs{
				"一日の流れを時刻つきで具体的に書く",
				"ひとことは本人に書いてもらい、なるべくそのまま使う",
				"写真は手元や作業風景など、仕事の様子が伝わるものを選ぶ",
			},
			Donts: strs{
				"本人の了承なしに顔や名前を出さない",
				"給与や休日などの条件を誇張しない",
				"社外秘の図面・資料・お客様の情報を写さない",
			},
			Checklist: strs{
				"登場する社員に掲載の了承をとる",
				"写真に個人情報や機密が写っていないか確認する",
				"本人にひとことの内容を確認してもらう",
				"応募ページのリンクが開くか確認する",
			},
		},
		en: soroe.TemplateBody{
			Name:  "A day in the life",
			Theme: "Follow one employee through a working day so candidates can picture the job",
			Structure: "A day with {employee name}: at {time of day} they {what they do}.\n" +
				"\"{their own words}\"\n" +
				"({team and role}, {years} years with us)\n" +
				"See our open roles via the link in our profile.",
			Tone:      "friendly",
			ToneNotes: "Sound like the employee talking, not like an ad. Explain jargon in a few words.",
			Format:    "carousel",
			Networks:  nets{instagram, linkedin},
			Frequency: weekly(1, days{wed}, "12:00"),
			Hashtags:  strs{"#hiring", "#lifeatwork", "#careers"},
			CTA:       "See open roles",
			Dos: strs{
				"Walk through the day with real times",
				"Let the employee write their quote and keep their words",
				"Show hands at work and the workplace, not stock photos",
			},
			Donts: strs{
				"Show a face or name without the person's consent",
				"Overstate pay, hours or benefits",
				"Show confidential drawings, documents or customer details",
			},
			Checklist: strs{
				"Get the employee's consent to appear",
				"Check the photos for personal or confidential details",
				"Have the employee approve their quote",
				"Check that the link to the job page works",
			},
		},
	},
	{
		key: "senior_qa", purpose: soroe.PurposeRecruiting,
		ja: soroe.TemplateBody{
			Name:  "先輩社員に聞くQ&A",
			Theme: "残業・休み・研修など、応募前に気になることに先輩社員が答えて不安を減らす",
			Structure: "Q. {応募者からよく聞かれる質問}\n" +
				"A. {先輩社員の答え}\n" +
				"（{部署}・入社{年数}年目 {社員名}）\n" +
				"ほかにも聞いてみたいことがあれば、コメントやDMでお気軽にどうぞ。",
			Tone:      "casual",
			ToneNotes: "質問は応募者の言葉のまま。答えは良い面だけでなく、正直に。",
			Format:    "image",
			Networks:  nets{x, instagram, threads},
			Frequency: monthly(2, days{fri}, "18:00"),
			Hashtags:  strs{"#採用", "#新卒採用", "#中途採用"},
			CTA:       "気になることを質問する",
			Dos: strs{
				"説明会や面接で実際に出た質問を使う",
				"数字（残業時間・有休取得日数など）があれば添える",
				"答える社員は毎回変え、いろいろな立場の声を届ける",
			},
			Donts: strs{
				"会社に都合のよい答えだけを選ばない",
				"個人の評価や給与額など、本人が望まない情報を出さない",
			},
			Checklist: strs{
				"質問を採用担当と一緒に選ぶ",
				"答えた社員に文面を確認してもらう",
				"数字の出典（人事データ）を確かめる",
				"コメントやDMに誰が返信するか決めておく",
			},
		},
		en: soroe.TemplateBody{
			Name:  "Ask our team",
			Theme: "A team member answers what candidates worry about: overtime, time off, training",
			Structure: "Q: {question candidates often ask}\n" +
				"A: {team member's answer}\n" +
				"— {name}, {team}, {years} years with us\n" +
				"Anything else you'd like to ask? Comment or send us a DM.",
			Tone:      "casual",
			ToneNotes: "Keep the question in the candidate's words. Answer honestly, not only the bright side.",
			Format:    "image",
			Networks:  nets{x, instagram, linkedin},
			Frequency: monthly(2, days{fri}, "18:00"),
			Hashtags:  strs{"#hiring", "#careers", "#askus"},
			CTA:       "Ask us anything",
			Dos: strs{
				"Use questions that came up at info sessions and interviews",
				"Add numbers (overtime hours, days off taken) where you have them",
				"Let a different person answer each time",
			},
			Donts: strs{
				"Pick only the answers that flatter the company",
				"Share anyone's pay or reviews",
			},
			Checklist: strs{
				"Pick the question with the recruiting lead",
				"Have the person who answered approve the text",
				"Check any numbers against HR data",
				"Agree who replies to comments and DMs",
			},
		},
	},
	{
		key: "job_opening", purpose: soroe.PurposeRecruiting,
		ja: soroe.TemplateBody{
			Name:  "募集のお知らせ",
			Theme: "募集している職種と応募方法を短く伝え、応募ページへ誘導する",
			Structure: "【{職種}を募集しています】\n" +
				"{仕事内容をひとことで}\n" +
				"こんな方を歓迎します：{求める人物像}\n" +
				"応募締切：{締切日}\n" +
				"詳しくはこちら ▶ {応募ページURL}",
			Tone:      "professional",
			ToneNotes: "簡潔に。条件は求人票と同じ表現を使う。",
			Format:    "image",
			Networks:  nets{x, facebook, linkedin},
			Frequency: monthly(2, days{mon}, "09:00"),
			Hashtags:  strs{"#採用", "#求人", "#募集"},
			CTA:       "エントリーする",
			Dos: strs{
				"職種・勤務地・締切をひと目で分かるように書く",
				"画像にも職種名を大きく入れる",
				"社員の一日やQ&Aの投稿へのリンクを添える",
			},
			Donts: strs{
				"求人票と違う条件を書かない",
				"性別や年齢を限定する表現を使わない",
			},
			Checklist: strs{
				"求人票と内容（条件・締切）が一致しているか確認する",
				"応募ページのリンクが開くか確認する",
				"採用担当の承認をとる",
			},
		},
		en: soroe.TemplateBody{
			Name:  "We're hiring",
			Theme: "Announce an open role and how to apply, and send people to the application page",
			Structure: "We're hiring: {role}\n" +
				"{what the job is, in one line}\n" +
				"You'll fit in if you {who we're looking for}.\n" +
				"Apply by {closing date}: {application URL}",
			Tone:      "professional",
			ToneNotes: "Short and clear. Use the same wording as the job ad.",
			Format:    "image",
			Networks:  nets{linkedin, x, facebook},
			Frequency: monthly(2, days{mon}, "09:00"),
			Hashtags:  strs{"#hiring", "#jobs", "#nowhiring"},
			CTA:       "Apply now",
			Dos: strs{
				"Make the role, location and closing date easy to spot",
				"Put the role's name on the image too",
				"Link to your day-in-the-life and Q&A posts",
			},
			Donts: strs{
				"State terms that differ from the job ad",
				"Use wording that limits gender or age",
			},
			Checklist: strs{
				"Check terms and dates against the job ad",
				"Check that the application link works",
				"Get the recruiting lead's approval",
			},
		},
	},
}
