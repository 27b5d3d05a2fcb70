package generate

import (
	"strings"

	"github.com/soroe/soroe"
)

// The content bank of the builtin generator: for every purpose, concepts of
// 型 (an interview, a checklist, a campaign…), each written in Japanese and
// English with two variants (two ways to structure the same idea). The
// generator picks concepts and variants with its seeded randomness and adapts
// them to the goal, the profile and the network (adapt.go).
//
// In a structure, a line starting with "~" is optional: it is dropped for
// networks that want short posts (X, Bluesky) and kept, without the "~",
// elsewhere. Slots are written {like this}, as soroe.TemplateBody expects.
// In a theme, {{aud}} stands for the audience (the profile's, or the
// purpose's usual one).

// concept is one idea of a 型 in both languages.
type concept struct {
	key     string
	purpose soroe.Purpose
	tone    string          // one of soroe.Tones
	format  string          // preferred format (soroe.Formats)
	nets    []soroe.Network // networks when the request names none
	count   int             // suggested posts per `per`
	per     string          // "week" or "month"
	keys    []string        // lower-case words in a goal's title or strategy that favour it
	ja, en  side
}

// side is a concept in one language.
type side struct {
	theme              string
	v                  [2]variant
	tags               []string // concept hashtags
	cta                string   // the concept's own call to action (used when the KPI names none)
	dos, donts, checks []string
}

// variant is one way to structure a concept.
type variant struct{ name, structure string }

// v builds a variant from its name and the lines of its structure.
func v(name string, lines ...string) variant {
	return variant{name: name, structure: strings.Join(lines, "\n")}
}

// strs is a shorthand for the data files.
type strs = []string

// Networks, shorter, for the data files.
const (
	nx  = soroe.NetworkX
	nig = soroe.NetworkInstagram
	nfb = soroe.NetworkFacebook
	nth = soroe.NetworkThreads
	nli = soroe.NetworkLinkedIn
	nln = soroe.NetworkLINE
)

type nets = []soroe.Network

// bank holds every concept, in display order within a purpose.
var bank = concatConcepts(recruitingBank, leadGenerationBank, awarenessBank, salesBank, communityBank, otherBank)

func concatConcepts(lists ...[]concept) []concept {
	var out []concept
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// conceptsOf returns the concepts of a purpose.
func conceptsOf(p soroe.Purpose) []concept {
	var out []concept
	for _, c := range bank {
		if c.purpose == p {
			out = append(out, c)
		}
	}
	return out
}

// side returns the concept in a language.
func (c *concept) side(lang string) *side {
	if lang == soroe.LangEN {
		return &c.en
	}
	return &c.ja
}

// purposeInfo is what every 型 of a purpose shares, per language.
type purposeInfo struct {
	audience string   // the usual audience when the profile names none
	theme    string   // a general theme, with {{aud}}, for when a 型's own cannot be used
	tags     []string // purpose hashtags, most general first
	cta      string   // the purpose's usual call to action
	linkCTA  bool     // that CTA leads to a page
	donts    []string // a purpose-wide don't
}

var purposes = map[soroe.Purpose]map[string]purposeInfo{
	soroe.PurposeRecruiting: {
		soroe.LangJA: {audience: "求職者（新卒・中途）", theme: "{{aud}}に、私たちの仕事と働く人の様子を伝え、応募につなげる", tags: strs{"#採用", "#はたらく", "#中途採用", "#新卒採用", "#仕事紹介", "#社員紹介"},
			cta: "募集要項・エントリーはこちら", linkCTA: true,
			donts: strs{"給与・休日・働き方などの条件を誇張しない", "性別・年齢を限定する表現を使わない"}},
		soroe.LangEN: {audience: "job seekers", theme: "Show {{aud}} our work and our people, and lead them to apply", tags: strs{"#hiring", "#careers", "#lifeatwork", "#jobs", "#teamculture", "#workplace"},
			cta: "See open roles and apply", linkCTA: true,
			donts: strs{"Overstate pay, hours or benefits", "Use wording that limits gender or age"}},
	},
	soroe.PurposeLeadGeneration: {
		soroe.LangJA: {audience: "課題を抱える見込み客", theme: "{{aud}}の役に立つ情報を届け、資料請求や問い合わせにつなげる", tags: strs{"#お役立ち資料", "#無料ダウンロード", "#業務改善", "#ノウハウ", "#導入事例", "#課題解決"},
			cta: "資料ダウンロードはこちら", linkCTA: true,
			donts: strs{"資料や実績にないことを約束しない", "根拠のない「今だけ」「限定」で急かさない"}},
		soroe.LangEN: {audience: "prospects with a problem to solve", theme: "Be useful to {{aud}} and lead them to the guide or the contact form", tags: strs{"#freeguide", "#howto", "#casestudy", "#productivity", "#B2B", "#tips"},
			cta: "Download the free guide", linkCTA: true,
			donts: strs{"Promise what the guide or your record does not back", "Use fake urgency"}},
	},
	soroe.PurposeAwareness: {
		soroe.LangJA: {audience: "まだ私たちを知らない人", theme: "{{aud}}に、私たちの物語と姿勢を知ってもらう", tags: strs{"#ブランドストーリー", "#私たちのこと", "#こだわり", "#舞台裏", "#地域とともに", "#ものづくり"},
			cta:   "フォローして最新情報をチェック",
			donts: strs{"他社をおとしめる比較をしない", "「日本一」「業界初」など根拠のない最上級表現を使わない"}},
		soroe.LangEN: {audience: "people who don't know us yet", theme: "Tell {{aud}} who we are and what we stand for", tags: strs{"#ourstory", "#behindthescenes", "#madewithcare", "#community", "#meettheteam", "#craft"},
			cta:   "Follow us for more",
			donts: strs{"Run down competitors", "Claim \"the best\" or \"the first\" without proof"}},
	},
	soroe.PurposeSales: {
		soroe.LangJA: {audience: "購入を検討しているお客様", theme: "{{aud}}に商品の良さを正確に伝え、購入を後押しする", tags: strs{"#新商品", "#おすすめ", "#キャンペーン", "#ギフト", "#人気商品", "#お買い物"},
			cta: "商品ページはこちら", linkCTA: true,
			donts: strs{"効果・効能を断定しない（薬機法・景表法）", "実際と違う価格・割引・在庫を書かない"}},
		soroe.LangEN: {audience: "customers weighing a purchase", theme: "Show {{aud}} what the product does for them, truthfully", tags: strs{"#newarrivals", "#shopnow", "#giftideas", "#bestseller", "#sale", "#shopsmall"},
			cta: "Shop now", linkCTA: true,
			donts: strs{"Claim health or efficacy effects you cannot prove", "State prices, discounts or stock that are not true"}},
	},
	soroe.PurposeCommunity: {
		soroe.LangJA: {audience: "いつも見てくれているファン", theme: "{{aud}}と言葉を交わし、つながりを深める", tags: strs{"#みなさんに質問", "#教えてください", "#ファンの皆さまへ", "#いつもありがとう", "#コメント募集", "#中の人"},
			cta:   "コメントで教えてください",
			donts: strs{"政治・宗教など意見が分かれる話題を選ばない", "個人情報を答えさせる質問をしない"}},
		soroe.LangEN: {audience: "our regular followers", theme: "Talk with {{aud}} and grow closer", tags: strs{"#community", "#tellus", "#thankyou", "#behindthebrand", "#fanfeature", "#questionoftheweek"},
			cta:   "Tell us in the comments",
			donts: strs{"Pick divisive topics such as politics or religion", "Ask for personal information"}},
	},
	soroe.PurposeOther: {
		soroe.LangJA: {audience: "投稿を見てくれる人", theme: "{{aud}}に役立つこと、伝えたいことを届ける", tags: strs{"#お知らせ", "#活動報告", "#豆知識", "#今日の一枚", "#まとめ", "#ニュース"},
			cta: "詳しくはこちら", linkCTA: true,
			donts: strs{"確認していない情報を書かない", "写真に写った人の了承なしに投稿しない"}},
		soroe.LangEN: {audience: "people who follow us", theme: "Share what matters with {{aud}}", tags: strs{"#news", "#update", "#didyouknow", "#photooftheday", "#recap", "#tips"},
			cta: "Learn more", linkCTA: true,
			donts: strs{"Post anything not checked", "Post people's photos without their consent"}},
	},
}

// info returns what a purpose's 型 share in a language.
func info(p soroe.Purpose, lang string) purposeInfo {
	m, ok := purposes[p]
	if !ok {
		m = purposes[soroe.PurposeOther]
	}
	return m[lang]
}

// industryTags maps words found in a profile's industry to hashtags.
var industryTags = []struct {
	words []string
	ja    []string
	en    []string
}{
	{strs{"工務店", "住宅", "建築", "リフォーム", "builder", "homebuild", "housing", "remodel"}, strs{"#工務店", "#家づくり", "#注文住宅"}, strs{"#homebuilding", "#newhome", "#renovation"}},
	{strs{"建設", "土木", "construction", "civil engineering"}, strs{"#建設業", "#現場", "#インフラ"}, strs{"#construction", "#engineering", "#jobsite"}},
	{strs{"不動産", "real estate", "property"}, strs{"#不動産", "#住まい探し"}, strs{"#realestate", "#property"}},
	{strs{"飲食", "レストラン", "カフェ", "居酒屋", "restaurant", "cafe", "café", "food"}, strs{"#飲食店", "#グルメ", "#ランチ"}, strs{"#foodie", "#restaurant", "#eatlocal"}},
	{strs{"美容", "サロン", "エステ", "beauty", "salon", "cosmetic"}, strs{"#美容室", "#ヘアスタイル", "#サロン"}, strs{"#beauty", "#salon", "#selfcare"}},
	{strs{"saas", "ソフトウェア", "software", "クラウド", "cloud"}, strs{"#SaaS", "#DX", "#業務効率化"}, strs{"#SaaS", "#B2B", "#software"}},
	{strs{"it", "システム", "エンジニア", "web", "tech", "digital"}, strs{"#IT企業", "#DX", "#エンジニア"}, strs{"#tech", "#digital", "#engineering"}},
	{strs{"製造", "メーカー", "工場", "ものづくり", "manufactur", "factory", "maker"}, strs{"#ものづくり", "#製造業", "#町工場"}, strs{"#manufacturing", "#madeinjapan", "#engineering"}},
	{strs{"介護", "福祉", "care", "nursing"}, strs{"#介護", "#福祉", "#介護職"}, strs{"#caregiving", "#eldercare", "#nursing"}},
	{strs{"医療", "クリニック", "病院", "歯科", "clinic", "hospital", "dental", "health"}, strs{"#クリニック", "#医療"}, strs{"#healthcare", "#clinic"}},
	{strs{"教育", "塾", "スクール", "学校", "education", "school", "tutor"}, strs{"#教育", "#学び", "#スクール"}, strs{"#education", "#learning"}},
	{strs{"小売", "ショップ", "通販", "ec", "retail", "shop", "store", "ecommerce"}, strs{"#通販", "#ショップ", "#お買い物"}, strs{"#shopsmall", "#retail", "#onlineshop"}},
	{strs{"物流", "運送", "倉庫", "logistics", "transport", "delivery"}, strs{"#物流", "#ドライバー", "#運送業"}, strs{"#logistics", "#supplychain"}},
	{strs{"ホテル", "旅館", "観光", "旅行", "hotel", "inn", "travel", "tourism"}, strs{"#旅行", "#ホテル", "#観光"}, strs{"#travel", "#hotel", "#visitjapan"}},
	{strs{"農業", "農園", "農家", "farm", "agricultur"}, strs{"#農業", "#産地直送", "#農家"}, strs{"#farming", "#farmtotable"}},
	{strs{"税理士", "会計", "社労士", "士業", "弁護士", "accounting", "tax", "law", "legal"}, strs{"#税理士", "#経営相談", "#士業"}, strs{"#accounting", "#smallbusiness"}},
	{strs{"コンサル", "consult"}, strs{"#コンサルティング", "#経営"}, strs{"#consulting", "#strategy"}},
	{strs{"保育", "子育て", "childcare", "nursery"}, strs{"#保育", "#子育て"}, strs{"#childcare", "#parenting"}},
}
