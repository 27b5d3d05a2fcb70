package library

import "github.com/soroe/soroe"

// Months is the length of the goal period the suggested targets are for.
const Months = 3

// Conversion event names the suggestions use (the organization may rename
// them: events are its own).
const (
	EventApplication      = "application"
	EventDocumentDownload = "document_download"
	EventPurchase         = "purchase"
)

func f(v float64) *float64 { return &v }

// suggestedKPIs are, per purpose, the KPIs a goal of Months months usually
// starts from; the first is the primary one.
var suggestedKPIs = map[soroe.Purpose][]soroe.KPI{
	soroe.PurposeRecruiting: {
		{Primary: true, Metric: soroe.MetricConversions, Event: EventApplication, Target: 30},
		{Metric: soroe.MetricLinkClicks, Target: 900},
	},
	soroe.PurposeLeadGeneration: {
		{Primary: true, Metric: soroe.MetricConversions, Event: EventDocumentDownload, Target: 120},
		{Metric: soroe.MetricLinkClicks, Target: 2400},
	},
	soroe.PurposeAwareness: {
		{Primary: true, Metric: soroe.MetricImpressions, Target: 300000},
		{Metric: soroe.MetricEngagementRate, Target: 0.03},
	},
	soroe.PurposeSales: {
		{Primary: true, Metric: soroe.MetricConversions, Event: EventPurchase, Target: 90},
		{Metric: soroe.MetricLinkClicks, Target: 3000},
	},
	soroe.PurposeCommunity: {
		{Primary: true, Metric: soroe.MetricEngagements, Target: 6000},
		{Metric: soroe.MetricFollowersGained, Target: 300},
	},
	soroe.PurposeOther: {
		{Primary: true, Metric: soroe.MetricImpressions, Target: 100000},
	},
}

// SuggestedKPIs returns fresh copies of the KPIs a goal of the purpose
// usually starts from, for a goal of Months months: the primary KPI first,
// then the secondary ones. An unknown purpose gets the KPIs of "other".
func SuggestedKPIs(purpose soroe.Purpose) []*soroe.KPI {
	list, ok := suggestedKPIs[purpose]
	if !ok {
		list = suggestedKPIs[soroe.PurposeOther]
	}
	out := make([]*soroe.KPI, len(list))
	for i, k := range list {
		if k.Baseline != nil {
			k.Baseline = f(*k.Baseline)
		}
		out[i] = &k
	}
	return out
}

// GoalSuggestion is how a goal of a purpose is usually put into words.
type GoalSuggestion struct {
	Title    string // short, e.g. 「採用の応募を増やす」
	Strategy string // the business strategy the goal serves, as a first draft
}

var goalSuggestions = map[soroe.Purpose]map[string]GoalSuggestion{
	soroe.PurposeRecruiting: {
		soroe.LangJA: {"採用の応募を増やす",
			"社員の働く姿と職場の雰囲気を継続して発信し、応募前の不安を減らす。SNS から採用ページへの流れをつくり、応募数を増やす。"},
		soroe.LangEN: {"Get more job applications",
			"Show our people and workplace week after week so candidates know what to expect, and lead them from social media to the careers page."},
	},
	soroe.PurposeLeadGeneration: {
		soroe.LangJA: {"資料請求・問い合わせを増やす",
			"お客様の悩みに答える情報と事例を発信して信頼を積み重ね、資料のダウンロードや問い合わせから商談につなげる。"},
		soroe.LangEN: {"More document downloads and inquiries",
			"Answer customers' questions and show real results to build trust, and turn readers into leads through our guides and contact form."},
	},
	soroe.PurposeAwareness: {
		soroe.LangJA: {"ブランドの認知を広げる",
			"私たちの想いと仕事の舞台裏を伝え、地域やお客様に名前を覚えてもらう。見られる回数と反応の質の両方を伸ばす。"},
		soroe.LangEN: {"Grow brand awareness",
			"Tell our story and show the work behind it so more people know and remember our name; grow both reach and the quality of reactions."},
	},
	soroe.PurposeSales: {
		soroe.LangJA: {"SNS からの売上を伸ばす",
			"商品の良さを使う場面とお客様の声で伝え、キャンペーンで購入のきっかけをつくる。SNS 経由の購入数を増やす。"},
		soroe.LangEN: {"Grow sales from social media",
			"Show products in use and let customers speak for them, give reasons to buy now with offers, and grow purchases that come from social media."},
	},
	soroe.PurposeCommunity: {
		soroe.LangJA: {"ファンとの関係を深める",
			"フォロワーとの会話を増やし、お客様の投稿を紹介して、応援してくれるファンを育てる。"},
		soroe.LangEN: {"Build a community of fans",
			"Talk with followers rather than at them, feature their posts, and grow a community that recommends us."},
	},
	soroe.PurposeOther: {
		soroe.LangJA: {"SNS 運用の土台をつくる",
			"お知らせや活動報告を決まったペースで発信し、チームで無理なく続けられる運用の形をつくる。"},
		soroe.LangEN: {"Lay the groundwork for social media",
			"Post news and reports at a steady pace and find a way of working the team can keep up."},
	},
}

// SuggestGoal returns the suggested title and strategy of a goal of the
// purpose in a language (an unknown language gets Japanese).
func SuggestGoal(purpose soroe.Purpose, l string) GoalSuggestion {
	m, ok := goalSuggestions[purpose]
	if !ok {
		m = goalSuggestions[soroe.PurposeOther]
	}
	return m[lang(l)]
}
