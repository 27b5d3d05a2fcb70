package generate

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

// How each network shapes a 型: formats it takes (the first is the
// default), how many hashtags a post carries, whether posts must be short,
// and when people read it.
type netStyle struct {
	formats []string
	tags    int
	short   bool // drop optional lines (X: 280 weighted, Bluesky: 300)
	times   []string
	days    []time.Weekday
}

var (
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	allDays  = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
)

var styles = map[soroe.Network]netStyle{
	soroe.NetworkX:         {formats: strs{"text", "image", "thread", "short_video"}, tags: 2, short: true, times: strs{"07:30", "12:00", "18:00", "21:00"}, days: weekdays},
	soroe.NetworkInstagram: {formats: strs{"carousel", "image", "short_video"}, tags: 5, times: strs{"12:00", "19:00", "21:00"}, days: allDays},
	soroe.NetworkFacebook:  {formats: strs{"image", "text", "carousel", "short_video"}, tags: 2, times: strs{"12:00", "20:00"}, days: weekdays},
	soroe.NetworkThreads:   {formats: strs{"text", "image", "carousel"}, tags: 1, times: strs{"12:00", "21:00"}, days: allDays},
	soroe.NetworkLinkedIn:  {formats: strs{"text", "image", "carousel"}, tags: 3, times: strs{"08:00", "12:00"}, days: []time.Weekday{time.Tuesday, time.Wednesday, time.Thursday}},
	soroe.NetworkBluesky:   {formats: strs{"text", "image"}, tags: 2, short: true, times: strs{"12:00", "19:00"}, days: weekdays},
	soroe.NetworkMastodon:  {formats: strs{"text", "image"}, tags: 3, times: strs{"12:00", "19:00"}, days: weekdays},
	soroe.NetworkLINE:      {formats: strs{"text", "image"}, tags: 0, times: strs{"12:00", "18:00"}, days: weekdays},
	soroe.NetworkManual:    {formats: soroe.Formats, tags: 3, times: strs{"12:00"}, days: weekdays},
}

func style(n soroe.Network) netStyle {
	if s, ok := styles[n]; ok {
		return s
	}
	return styles[soroe.NetworkManual]
}

// TagsFor is how many of a 型's hashtags a post on the network carries.
func TagsFor(n soroe.Network) int { return style(n).tags }

// resolveLines turns a bank structure into a 型's: optional ("~") lines are
// dropped when short, kept without the marker otherwise.
func resolveLines(structure string, short bool) string {
	var out []string
	for _, l := range strings.Split(structure, "\n") {
		if rest, ok := strings.CutPrefix(l, "~"); ok {
			if short {
				continue
			}
			l = rest
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// frame adds what the one target network's style asks for around a
// structure: a greeting for a LINE broadcast, a question that invites a reply
// on Threads, a "save this" line on an Instagram carousel.
func frame(structure string, n soroe.Network, format, lang string) string {
	ja := lang != soroe.LangEN
	switch n {
	case soroe.NetworkLINE:
		if ja {
			return "いつもご覧いただきありがとうございます。\n" + structure
		}
		return "Thanks for being our friend on LINE!\n" + structure
	case soroe.NetworkThreads:
		if invites(structure) {
			return structure
		}
		if ja {
			return structure + "\nみなさんはどう思いますか？"
		}
		return structure + "\nWhat do you think?"
	case soroe.NetworkInstagram:
		if format != "carousel" {
			return structure
		}
		if ja {
			return structure + "\n保存して、あとで見返してください。"
		}
		return structure + "\nSave this for later."
	}
	return structure
}

// invites reports whether a structure already asks the reader something
// or asks them to reply.
func invites(structure string) bool {
	low := strings.ToLower(structure)
	return containsAny(low, "？", "?", "ください", "教えて", "tell us", "show us", "share", "let us know")
}

// pickFormat keeps the concept's format where the network takes it.
func pickFormat(want string, n soroe.Network) string {
	s := style(n)
	if slices.Contains(s.formats, want) {
		return want
	}
	return s.formats[0]
}

// voiceTones maps words of a brand voice to tones.
var voiceTones = []struct {
	tone  string
	words []string
}{
	{"formal", strs{"丁寧", "誠実", "上品", "落ち着", "堅", "formal", "polite", "respectful", "courteous"}},
	{"professional", strs{"専門", "信頼", "論理", "簡潔", "プロ", "professional", "expert", "trustworthy", "concise", "authoritative"}},
	{"friendly", strs{"親しみ", "やさし", "優し", "温か", "あたたか", "フレンドリー", "friendly", "warm", "approachable", "kind"}},
	{"casual", strs{"カジュアル", "気さく", "ゆる", "くだけ", "casual", "relaxed", "laid-back", "informal"}},
	{"enthusiastic", strs{"元気", "明る", "情熱", "前向き", "熱", "energetic", "enthusiastic", "upbeat", "passionate", "cheerful"}},
	{"humorous", strs{"ユーモア", "面白", "おもしろ", "遊び心", "humor", "humour", "funny", "witty", "playful"}},
}

// voiceTone returns the tone a brand voice names first, or "".
func voiceTone(voice string) string {
	voice = strings.ToLower(voice)
	best, at := "", -1
	for _, vt := range voiceTones {
		for _, w := range vt.words {
			if i := strings.Index(voice, w); i >= 0 && (at < 0 || i < at) {
				best, at = vt.tone, i
			}
		}
	}
	return best
}

// pickTone: the brand voice wins over the concept; then the one target
// network has its say (LinkedIn is formal, Threads conversational).
func pickTone(conceptTone, voice string, target soroe.Network) string {
	tone := conceptTone
	if t := voiceTone(voice); t != "" {
		tone = t
	}
	switch target {
	case soroe.NetworkLinkedIn:
		if tone != "formal" && tone != "professional" {
			tone = "professional"
		}
	case soroe.NetworkThreads:
		if tone == "formal" || tone == "professional" {
			tone = "friendly"
		}
	}
	if !slices.Contains(soroe.Tones, tone) {
		tone = "friendly"
	}
	return tone
}

// pickFrequency suggests how often, on which days and at what time, for the
// network the 型 is mainly for. LINE broadcasts cost messages: at most four a
// month.
func pickFrequency(count int, per string, n soroe.Network, purpose soroe.Purpose, rng *rand.Rand) soroe.Frequency {
	s := style(n)
	days := s.days
	if purpose != soroe.PurposeCommunity && purpose != soroe.PurposeAwareness && purpose != soroe.PurposeSales && len(days) == 7 {
		days = weekdays
	}
	if n == soroe.NetworkLINE && per == "week" {
		per, count = "month", min(4, count*2)
	}
	f := soroe.Frequency{Count: max(count, 1), Per: per}
	k := 1
	if per == "week" {
		k = min(f.Count, len(days))
	}
	for _, i := range rng.Perm(len(days))[:k] {
		f.Weekdays = append(f.Weekdays, days[i])
	}
	slices.Sort(f.Weekdays)
	f.Times = []string{s.times[rng.IntN(len(s.times))]}
	return f
}

// eventCTAs are calls to action for the conversion events organizations
// usually name; a KPI's event is matched by the words it contains.
var eventCTAs = []struct {
	words  []string
	ja, en string
}{
	{strs{"application", "apply", "entry", "recruit", "candidate", "hire"}, "応募・エントリーはこちら", "Apply here"},
	{strs{"download", "document", "whitepaper", "ebook", "brochure", "catalog", "guide"}, "資料ダウンロードはこちら", "Download the guide here"},
	{strs{"contact", "inquiry", "enquiry", "lead", "consult", "quote", "estimate"}, "お問い合わせはこちら", "Contact us here"},
	{strs{"webinar", "seminar", "event", "session"}, "お申し込みはこちら", "Register here"},
	{strs{"purchase", "order", "sale", "buy", "checkout", "cart"}, "ご購入はこちら", "Buy it here"},
	{strs{"signup", "sign_up", "register", "registration", "subscribe", "trial", "account"}, "無料登録はこちら", "Sign up here"},
	{strs{"reservation", "booking", "reserve", "book", "appointment"}, "ご予約はこちら", "Book here"},
	{strs{"line", "friend"}, "LINEの友だち追加はこちら", "Add us on LINE here"},
	{strs{"newsletter", "mail"}, "メールマガジンの登録はこちら", "Get our newsletter here"},
	{strs{"visit", "store", "shop"}, "店舗へのアクセスはこちら", "Find our store here"},
}

// linkCTAs are the calls to action that send people to a page; a draft
// from a 型 with one and no link shows a placeholder for the URL.
var linkCTAs = func() map[string]bool {
	m := map[string]bool{"詳しくはこちら": true, "Learn more here": true}
	for _, e := range eventCTAs {
		m[e.ja], m[e.en] = true, true
	}
	for _, byLang := range purposes {
		for _, pi := range byLang {
			if pi.linkCTA {
				m[pi.cta] = true
			}
		}
	}
	return m
}()

// wantsLink reports whether a call to action leads to a page.
func wantsLink(cta string) bool { return linkCTAs[cta] }

// pickCTA derives the call to action from the goal's primary KPI: a
// conversion leads to its page, link clicks to the purpose's page, follower
// growth asks for a follow, engagement asks for a reply; otherwise the
// concept's own CTA, or the purpose's. On Instagram, where links in captions
// do not open, a CTA that leads to a page points to the profile's link.
func pickCTA(p soroe.Purpose, kpi *soroe.KPI, conceptCTA, lang string, target soroe.Network) string {
	pi := info(p, lang)
	pick := func(ja, en string) string {
		if lang == soroe.LangEN {
			return en
		}
		return ja
	}
	cta := pi.cta
	if conceptCTA != "" {
		cta = conceptCTA
	}
	if kpi != nil {
		switch kpi.Metric {
		case soroe.MetricConversions:
			cta = pi.cta
			ev := strings.ToLower(kpi.Event)
		events:
			for _, e := range eventCTAs {
				for _, w := range e.words {
					if strings.Contains(ev, w) {
						cta = pick(e.ja, e.en)
						break events
					}
				}
			}
		case soroe.MetricLinkClicks:
			cta = pi.cta
			if !pi.linkCTA {
				cta = pick("詳しくはこちら", "Learn more here")
			}
		case soroe.MetricFollowersGained:
			cta = pick("フォローして最新情報をチェック", "Follow us for more")
		case soroe.MetricEngagements, soroe.MetricEngagementRate:
			if conceptCTA == "" {
				cta = pick("感想をコメントで聞かせてください", "Tell us what you think in the comments")
			}
		}
	}
	if target == soroe.NetworkInstagram && wantsLink(cta) {
		// Links in captions don't open on Instagram.
		if s, ok := strings.CutSuffix(cta, "はこちら"); ok {
			return s + "はプロフィールのリンクから"
		}
		return strings.TrimSuffix(cta, " here") + " (link in bio)"
	}
	return cta
}

// pickTags gathers hashtags: the concept's, the industry's, then the
// purpose's in a seeded order, each once, none holding a word to avoid, as
// many as the busiest network of the 型 carries.
func pickTags(concept []string, p soroe.Purpose, industry, lang string, networks []soroe.Network, avoid *regexp.Regexp, rng *rand.Rand) []string {
	n := 0
	for _, nw := range networks {
		n = max(n, style(nw).tags)
	}
	if n == 0 {
		return nil
	}
	var pool []string
	pool = append(pool, concept...)
	pool = append(pool, industryHashtags(industry, p, lang)...)
	general := slices.Clone(info(p, lang).tags)
	// The most general purpose tag stays first; the rest vary by seed.
	rest := general[1:]
	rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	pool = append(pool, general...)
	var out []string
	seen := map[string]bool{}
	for _, t := range pool {
		key := strings.ToLower(t)
		if seen[key] || !text.ValidHashtag(t) || (avoid != nil && avoid.MatchString(t)) {
			continue
		}
		seen[key] = true
		out = append(out, t)
		if len(out) == n {
			break
		}
	}
	return out
}

// industryHashtags returns hashtags for the profile's industry: from the
// table when a word matches, else the industry itself when it makes a valid
// hashtag. For a Japanese recruiting goal, "#<業種>で働く" comes first.
func industryHashtags(industry string, p soroe.Purpose, lang string) []string {
	industry = strings.TrimSpace(industry)
	if industry == "" {
		return nil
	}
	var out []string
	compact := strings.Join(strings.Fields(industry), "")
	if lang != soroe.LangEN && p == soroe.PurposeRecruiting && len([]rune(compact)) <= 10 && text.ValidHashtag("#"+compact+"で働く") {
		out = append(out, "#"+compact+"で働く")
	}
	low := strings.ToLower(industry)
	words := asciiWords(low)
	for _, it := range industryTags {
		for _, w := range it.words {
			if matchWord(low, words, w) {
				if lang == soroe.LangEN {
					return append(out, it.en...)
				}
				return append(out, it.ja...)
			}
		}
	}
	if len([]rune(compact)) <= 15 && text.ValidHashtag("#"+compact) {
		out = append(out, "#"+compact)
	}
	return out
}

// asciiWords splits the ASCII words out of s.
func asciiWords(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) }) {
		m[w] = true
	}
	return m
}

// matchWord: a short ASCII word must be a whole word ("it" is not in
// "kitchen"); anything else may be part of one.
func matchWord(s string, words map[string]bool, w string) bool {
	if len(w) <= 3 && isASCII(w) {
		return words[w]
	}
	return strings.Contains(s, w)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// avoidPattern matches any of the words to avoid, ignoring case; nil when
// there are none.
func avoidPattern(words []string) *regexp.Regexp {
	var alts []string
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" {
			alts = append(alts, regexp.QuoteMeta(w))
		}
	}
	if len(alts) == 0 {
		return nil
	}
	// Longest first, so that a longer word is removed whole.
	slices.SortStableFunc(alts, func(a, b string) int { return len(b) - len(a) })
	return regexp.MustCompile("(?i)(?:" + strings.Join(alts, "|") + ")")
}

// synonyms rephrase the bank's common words when a profile avoids them.
var synonyms = map[string][]string{
	"商品": {"製品", "アイテム"}, "資料": {"ガイド", "冊子"}, "写真": {"画像", "一枚"}, "コメント": {"返信", "メッセージ"},
	"採用": {"求人", "仲間募集"}, "確認": {"チェック", "点検"}, "応募": {"エントリー"}, "社員": {"スタッフ", "メンバー"},
	"仕事": {"業務"}, "キャンペーン": {"企画"}, "限定": {"特別"}, "お客様": {"お客さま", "利用者"}, "簡単": {"手軽"},
	"業界": {"分野"}, "ダウンロード": {"入手"}, "無料": {"費用なし"}, "先輩": {"先輩スタッフ"}, "職場": {"働く場所"},
	"product": {"item", "offering"}, "products": {"items"}, "guide": {"whitepaper", "e-book"}, "photo": {"picture", "image"},
	"photos": {"pictures", "images"}, "comment": {"reply"}, "comments": {"replies"}, "hiring": {"recruiting"},
	"check": {"review", "confirm"}, "free": {"no-cost"}, "team": {"crew"}, "customer": {"client"}, "customers": {"clients"},
	"cheap": {"affordable"}, "sale": {"offer"}, "download": {"get"}, "job": {"role"}, "work": {"craft"},
}

// rephrase replaces the words to avoid in s by synonyms that are not to be
// avoided. It reports false when some word has no such synonym, or (in
// Latin script) is only part of a longer word.
func rephrase(s string, avoid *regexp.Regexp) (string, bool) {
	if avoid == nil || !avoid.MatchString(s) {
		return s, true
	}
	ok := true
	out := avoid.ReplaceAllStringFunc(s, func(m string) string {
		for _, syn := range synonyms[strings.ToLower(m)] {
			if !avoid.MatchString(syn) {
				if r, _ := utf8.DecodeRuneInString(m); unicode.IsUpper(r) {
					syn = strings.ToUpper(syn[:1]) + syn[1:]
				}
				return syn
			}
		}
		ok = false
		return m
	})
	if !ok {
		return s, false
	}
	// A Latin word replaced inside a longer one ("check" in "checklist")
	// would read oddly: refuse.
	for _, loc := range avoid.FindAllStringIndex(s, -1) {
		before, _ := utf8.DecodeLastRuneInString(s[:loc[0]])
		after, _ := utf8.DecodeRuneInString(s[loc[1]:])
		if isASCII(s[loc[0]:loc[1]]) && (isLatinLetter(before) || isLatinLetter(after)) {
			return s, false
		}
	}
	return out, !avoid.MatchString(out)
}

func isLatinLetter(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }

// rephraseAll rephrases every item of a list and drops those it cannot.
func rephraseAll(list []string, avoid *regexp.Regexp) []string {
	var out []string
	for _, s := range list {
		if r, ok := rephrase(s, avoid); ok {
			out = append(out, r)
		}
	}
	return out
}

// usable filters the words to use: trimmed, none that is also to avoid, at
// most n.
func usable(words []string, avoid *regexp.Regexp, n int) []string {
	var out []string
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" && (avoid == nil || !avoid.MatchString(w)) && !slices.Contains(out, w) {
			out = append(out, w)
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// clip shortens s to at most n runes, at a word or clause boundary when
// one is near.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	cut := n
	for i := n; i > n*2/3; i-- {
		if strings.ContainsRune(" 、。,.・/／", rs[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(rs[:cut]), " 、。,.・/／") + "…"
}

// Words for people, per language.
var toneNotes = map[string]map[string]string{
	soroe.LangJA: {
		"friendly":     "親しみやすく、話しかけるように。",
		"formal":       "丁寧語で、落ち着いた言葉づかいに。",
		"casual":       "肩の力を抜いた話し言葉で。",
		"enthusiastic": "明るく前向きに。感嘆符は控えめに。",
		"professional": "簡潔に、事実と数字を中心に。",
		"humorous":     "くすっと笑える一言を添えつつ、誰も傷つけない表現で。",
	},
	soroe.LangEN: {
		"friendly":     "Warm, as if talking to the reader.",
		"formal":       "Courteous and measured.",
		"casual":       "Relaxed, everyday language.",
		"enthusiastic": "Upbeat and positive, easy on the exclamation marks.",
		"professional": "Concise, built on facts and figures.",
		"humorous":     "A light touch of humour that never makes fun of anyone.",
	},
}

var networkNotes = map[string]map[soroe.Network]string{
	soroe.LangJA: {
		soroe.NetworkX:         "Xでは伝えることをひとつに絞り、全角140字以内を目安に。",
		soroe.NetworkInstagram: "Instagramでは1枚目の画像で内容が伝わるようにし、キャプションは補足に。",
		soroe.NetworkFacebook:  "Facebookでは写真に、背景まで分かる文章を添える。",
		soroe.NetworkThreads:   "Threadsでは会話するように書き、問いかけで終える。",
		soroe.NetworkLinkedIn:  "LinkedInではビジネスの場にふさわしい言葉で、学びや示唆を添える。",
		soroe.NetworkBluesky:   "Blueskyでは短く率直に。",
		soroe.NetworkMastodon:  "Mastodonでは宣伝色を抑え、ハッシュタグで見つけてもらう。",
		soroe.NetworkLINE:      "LINEの配信では冒頭の1行で要件が分かるように、短く。",
	},
	soroe.LangEN: {
		soroe.NetworkX:         "On X, one idea per post, well within 280 characters.",
		soroe.NetworkInstagram: "On Instagram, the first image must carry the message; the caption adds to it.",
		soroe.NetworkFacebook:  "On Facebook, pair the photo with a few lines of background.",
		soroe.NetworkThreads:   "On Threads, write like a conversation and end with a question.",
		soroe.NetworkLinkedIn:  "On LinkedIn, keep it businesslike and add one takeaway.",
		soroe.NetworkBluesky:   "On Bluesky, short and direct.",
		soroe.NetworkMastodon:  "On Mastodon, go easy on promotion; hashtags are how people find you.",
		soroe.NetworkLINE:      "In a LINE broadcast, make the first line say what it is about; keep it short.",
	},
}

var networkDos = map[string]map[soroe.Network]string{
	soroe.LangJA: {
		soroe.NetworkX:         "1投稿で伝えることはひとつに絞る",
		soroe.NetworkInstagram: "1枚目の画像だけで内容が伝わるようにする",
		soroe.NetworkFacebook:  "写真と、背景まで分かる文章を組み合わせる",
		soroe.NetworkThreads:   "最後に問いかけを添えて、返信しやすくする",
		soroe.NetworkLinkedIn:  "仕事に役立つ学びや示唆をひとつ添える",
		soroe.NetworkBluesky:   "短く率直に書く",
		soroe.NetworkMastodon:  "見つけてもらえるハッシュタグをつける",
		soroe.NetworkLINE:      "冒頭の1行で要件が分かるようにする",
	},
	soroe.LangEN: {
		soroe.NetworkX:         "Keep to one idea per post",
		soroe.NetworkInstagram: "Make the first image tell the story on its own",
		soroe.NetworkFacebook:  "Pair the photo with a few lines of background",
		soroe.NetworkThreads:   "End with a question that is easy to reply to",
		soroe.NetworkLinkedIn:  "Add one takeaway useful at work",
		soroe.NetworkBluesky:   "Keep it short and direct",
		soroe.NetworkMastodon:  "Add hashtags people follow",
		soroe.NetworkLINE:      "Say what it's about in the first line",
	},
}

var networkChecks = map[string]map[soroe.Network]string{
	soroe.LangJA: {
		soroe.NetworkX:         "画像を付けるときは代替テキストを入れる",
		soroe.NetworkInstagram: "ハッシュタグが5個以内か確認する",
		soroe.NetworkFacebook:  "リンクのプレビュー画像を確認する",
		soroe.NetworkThreads:   "リンクが5つ以内か確認する",
		soroe.NetworkLinkedIn:  "会社ページから投稿するか確認する",
		soroe.NetworkBluesky:   "画像に代替テキストを入れる",
		soroe.NetworkMastodon:  "画像に代替テキスト（説明）を入れる",
		soroe.NetworkLINE:      "配信対象と今月の配信数を確認する",
	},
	soroe.LangEN: {
		soroe.NetworkX:         "Add alt text to any image",
		soroe.NetworkInstagram: "Check there are no more than 5 hashtags",
		soroe.NetworkFacebook:  "Check the link preview image",
		soroe.NetworkThreads:   "Check there are no more than 5 links",
		soroe.NetworkLinkedIn:  "Check it posts from the company page",
		soroe.NetworkBluesky:   "Add alt text to images",
		soroe.NetworkMastodon:  "Add alt text (a description) to images",
		soroe.NetworkLINE:      "Check the audience and this month's message count",
	},
}

// metricLabel names a KPI for people.
func metricLabel(k *soroe.KPI, lang string) string {
	ja := map[soroe.Metric]string{
		soroe.MetricImpressions: "表示回数", soroe.MetricEngagements: "エンゲージメント数", soroe.MetricEngagementRate: "エンゲージメント率",
		soroe.MetricFollowersGained: "フォロワー増加数", soroe.MetricLinkClicks: "リンクのクリック数", soroe.MetricPostsPublished: "投稿数",
		soroe.MetricConversions: "コンバージョン",
	}
	en := map[soroe.Metric]string{
		soroe.MetricImpressions: "impressions", soroe.MetricEngagements: "engagements", soroe.MetricEngagementRate: "engagement rate",
		soroe.MetricFollowersGained: "followers gained", soroe.MetricLinkClicks: "link clicks", soroe.MetricPostsPublished: "posts published",
		soroe.MetricConversions: "conversions",
	}
	l := ja[k.Metric]
	if lang == soroe.LangEN {
		l = en[k.Metric]
	}
	if k.Metric == soroe.MetricConversions && k.Event != "" {
		l = fmt.Sprintf("%s（%s）", l, k.Event)
		if lang == soroe.LangEN {
			l = fmt.Sprintf("%s (%s)", en[k.Metric], k.Event)
		}
	}
	return l
}
