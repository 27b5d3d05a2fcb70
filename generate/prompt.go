package generate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

// Prompts, in the request's language. The model is asked for one JSON
// object whose shape the prompt spells out; the answer is checked as
// strictly as a person's input would be.

var purposeLabels = map[string]map[soroe.Purpose]string{
	soroe.LangJA: {
		soroe.PurposeRecruiting: "採用（人と仕事を伝え、応募につなげる）", soroe.PurposeLeadGeneration: "資料請求・問い合わせ（役に立つ情報から資料やフォームへ導く）",
		soroe.PurposeAwareness: "ブランド認知（会社の物語や姿勢を伝える）", soroe.PurposeSales: "販売（商品の良さや特典を正確に伝える）",
		soroe.PurposeCommunity: "ファンづくり（問いかけ、答え、交流する）", soroe.PurposeOther: "その他",
	},
	soroe.LangEN: {
		soroe.PurposeRecruiting: "recruiting (show the people and the work, lead to applications)", soroe.PurposeLeadGeneration: "lead generation (be useful, lead to the guide or the contact form)",
		soroe.PurposeAwareness: "brand awareness (tell the company's story and values)", soroe.PurposeSales: "sales (present the product's benefits and offers truthfully)",
		soroe.PurposeCommunity: "community (ask, answer, talk with followers)", soroe.PurposeOther: "other",
	},
}

// networkLimit describes a network's length rule for the model.
func networkLimit(n soroe.Network, lang string) string {
	ja := lang != soroe.LangEN
	switch n {
	case soroe.NetworkX:
		if ja {
			return "X：280（全角文字は2、URLは23として数える。日本語なら全角140字まで）"
		}
		return "X: 280 weighted characters (CJK counts 2, a URL 23)"
	case soroe.NetworkBluesky:
		return map[bool]string{true: "Bluesky：300文字", false: "Bluesky: 300 characters"}[ja]
	case soroe.NetworkThreads:
		return map[bool]string{true: "Threads：500文字、リンクは5つまで", false: "Threads: 500 characters, at most 5 links"}[ja]
	case soroe.NetworkMastodon:
		return map[bool]string{true: "Mastodon：500文字", false: "Mastodon: 500 characters"}[ja]
	case soroe.NetworkInstagram:
		return map[bool]string{true: "Instagram：2200文字、ハッシュタグは5個まで", false: "Instagram: 2,200 characters, at most 5 hashtags"}[ja]
	case soroe.NetworkLinkedIn:
		return map[bool]string{true: "LinkedIn：3000文字", false: "LinkedIn: 3,000 characters"}[ja]
	case soroe.NetworkLINE:
		return map[bool]string{true: "LINE：5000文字", false: "LINE: 5,000 characters"}[ja]
	}
	return string(n)
}

func joinNetworks() string {
	var s []string
	for _, n := range soroe.Networks {
		s = append(s, string(n))
	}
	return strings.Join(s, ", ")
}

const templateSchema = `{"templates":[{"name":"…","theme":"…","structure":"…{slot}…","tone":"friendly","tone_notes":"…","format":"image","networks":["x"],"hashtags":["#…"],"cta":"…","frequency":{"count":1,"per":"week","weekdays":[3],"times":["12:00"]},"checklist":["…"],"dos":["…"],"donts":["…"]}]}`

// templateMessages asks for j.count 型.
func templateMessages(j *templateJob) []chatMessage {
	p, g := j.profile, j.goal
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	kpi := ""
	if j.kpi != nil {
		kpi = metricLabel(j.kpi, j.lang)
	}
	if j.lang == soroe.LangEN {
		line("Write %d distinct post templates for this goal.", j.count)
		line("")
		line("Goal: %s", g.Title)
		line("Purpose: %s", purposeLabels[soroe.LangEN][j.purpose])
		line("Primary KPI: %s", kpi)
		line("Strategy: %s", g.Strategy)
		line("Industry: %s", p.Industry)
		line("Audience: %s", p.Audience)
		line("Brand voice: %s", p.BrandVoice)
		line("Words to use: %s", strings.Join(p.WordsToUse, ", "))
		line("Words to avoid (never use them anywhere): %s", strings.Join(p.WordsToAvoid, ", "))
		if j.network != "" {
			line("Network: %s — every template's networks must be [\"%s\"]; a filled post must fit %s.", j.network, j.network, networkLimit(j.network, j.lang))
		} else {
			line("Network: not fixed; choose fitting networks for each template from: %s.", joinNetworks())
		}
		line("")
		line("Rules:")
		line("- Write in English. Each template takes a different angle that serves the purpose; do not just repeat the goal's title.")
		line("- structure is the post text with at least two named slots in braces, e.g. {employee name}, where a person adds facts. Never invent facts, names or numbers: make them slots.")
		line("- tone is one of: %s. format is one of: %s.", strings.Join(soroe.Tones, ", "), strings.Join(soroe.Formats, ", "))
		line("- frequency: per is \"week\" (count 1–14) or \"month\" (count 1–62); weekdays are 0–6 (0 = Sunday); times are \"HH:MM\".")
		line("- hashtags: at most 5, each starting with #. cta: one short call to action that serves the primary KPI.")
		line("- dos, donts and checklist: 2–4 short items each.")
		line("")
		line("Answer with one JSON object and nothing else, in this shape:")
		line("%s", templateSchema)
		return []chatMessage{
			{Role: "system", Content: "You are an editor who helps companies run their social media. You write reusable post templates fitted to a business goal. You answer only with JSON."},
			{Role: "user", Content: b.String()},
		}
	}
	line("次の目標のために、互いに異なる投稿の「型」（テンプレート）を%d個作ってください。", j.count)
	line("")
	line("目標：%s", g.Title)
	line("目的：%s", purposeLabels[soroe.LangJA][j.purpose])
	line("主要KPI：%s", kpi)
	line("戦略：%s", g.Strategy)
	line("業種：%s", p.Industry)
	line("読み手：%s", p.Audience)
	line("話し方：%s", p.BrandVoice)
	line("使いたい言葉：%s", strings.Join(p.WordsToUse, "、"))
	line("避けたい言葉（どこにも絶対に使わない）：%s", strings.Join(p.WordsToAvoid, "、"))
	if j.network != "" {
		line("ネットワーク：%s（すべての型の networks は [\"%s\"]。差し込み後の投稿が %s に収まること）", j.network, j.network, networkLimit(j.network, j.lang))
	} else {
		line("ネットワーク：指定なし。各型に合うものを次から選ぶ：%s", joinNetworks())
	}
	line("")
	line("ルール：")
	line("- 日本語で書く。型ごとに目的に合った別の切り口にし、目標の名前を繰り返すだけにしない。")
	line("- structure は投稿本文のひな形で、{社員名} のような波かっこの差し込み枠を2つ以上含める。事実・名前・数字は作らず、必ず枠にする。")
	line("- tone は %s のいずれか。format は %s のいずれか。", strings.Join(soroe.Tones, ", "), strings.Join(soroe.Formats, ", "))
	line("- frequency の per は \"week\"（count 1〜14）か \"month\"（count 1〜62）。weekdays は 0〜6（0 が日曜）、times は \"HH:MM\"。")
	line("- hashtags は # で始めて5個まで。cta は主要KPIにつながる短い呼びかけ。")
	line("- dos・donts・checklist はそれぞれ短く2〜4項目。")
	line("")
	line("説明やコードブロックを付けず、次の形のJSONオブジェクトひとつだけで答えてください：")
	line("%s", templateSchema)
	return []chatMessage{
		{Role: "system", Content: "あなたは企業のSNS運用を支える編集者です。事業の目標に合った、繰り返し使える投稿の型を作ります。JSONだけで答えます。"},
		{Role: "user", Content: b.String()},
	}
}

// llmTemplate is one 型 as the model writes it.
type llmTemplate struct {
	Name      string   `json:"name"`
	Theme     string   `json:"theme"`
	Structure string   `json:"structure"`
	Tone      string   `json:"tone"`
	ToneNotes string   `json:"tone_notes"`
	Format    string   `json:"format"`
	Networks  []string `json:"networks"`
	Hashtags  []string `json:"hashtags"`
	CTA       string   `json:"cta"`
	Frequency struct {
		Count    int      `json:"count"`
		Per      string   `json:"per"`
		Weekdays []int    `json:"weekdays"`
		Times    []string `json:"times"`
	} `json:"frequency"`
	Checklist []string `json:"checklist"`
	Dos       []string `json:"dos"`
	Donts     []string `json:"donts"`
}

// unfence takes the JSON out of a ```json fence, which some local models
// add despite being asked not to.
func unfence(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "```"); ok {
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[i+1:]
		}
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "```"))
	}
	return s
}

// parseTemplates checks the model's 型: the JSON shape, at least j.count of
// them (extra ones are dropped), each a valid body with slots, distinct, no
// word to avoid anywhere, and a filled example that fits every network.
func parseTemplates(content string, j *templateJob) ([]soroe.TemplateBody, error) {
	var answer struct {
		Templates []llmTemplate `json:"templates"`
	}
	if err := json.Unmarshal([]byte(unfence(content)), &answer); err != nil {
		return nil, failf(NoticeLLMInvalid, "answer is not the JSON asked for: %v", err)
	}
	if len(answer.Templates) < j.count {
		return nil, failf(NoticeLLMInvalid, "%d templates; asked for %d", len(answer.Templates), j.count)
	}
	var out []soroe.TemplateBody
	names, structures := map[string]bool{}, map[string]bool{}
	for i, t := range answer.Templates[:j.count] {
		b := soroe.TemplateBody{
			Name: t.Name, Theme: t.Theme, Structure: t.Structure, ToneNotes: strings.TrimSpace(t.ToneNotes),
			Tone: strings.ToLower(strings.TrimSpace(t.Tone)), Format: strings.ToLower(strings.TrimSpace(t.Format)),
			Hashtags: t.Hashtags, CTA: t.CTA, Checklist: t.Checklist, Dos: t.Dos, Donts: t.Donts,
			Frequency: soroe.Frequency{Count: t.Frequency.Count, Per: strings.ToLower(strings.TrimSpace(t.Frequency.Per)), Times: t.Frequency.Times},
		}
		for _, d := range t.Frequency.Weekdays {
			b.Frequency.Weekdays = append(b.Frequency.Weekdays, time.Weekday(d))
		}
		if j.network != "" {
			b.Networks = []soroe.Network{j.network}
		} else {
			for _, n := range t.Networks {
				b.Networks = append(b.Networks, soroe.Network(strings.ToLower(strings.TrimSpace(n))))
			}
		}
		if err := b.Validate(); err != nil {
			return nil, failf(NoticeLLMInvalid, "template %d: %v", i, err)
		}
		if len(b.Slots()) == 0 {
			return nil, failf(NoticeLLMInvalid, "template %d: structure has no slots", i)
		}
		if names[b.Name] || structures[b.Structure] {
			return nil, failf(NoticeLLMInvalid, "template %d: not distinct", i)
		}
		names[b.Name], structures[b.Structure] = true, true
		if j.avoid != nil {
			all := strings.Join(slices.Concat([]string{b.Name, b.Theme, b.Structure, b.ToneNotes, b.CTA}, b.Hashtags, b.Dos, b.Donts, b.Checklist), "\n")
			if w := j.avoid.FindString(all); w != "" {
				return nil, failf(NoticeLLMInvalid, "template %d uses a word to avoid", i)
			}
		}
		if len(b.Hashtags) > 5 {
			b.Hashtags = b.Hashtags[:5]
		}
		for _, n := range b.Networks {
			for !text.Check(n, Preview(b, n, j.lang), text.Options{}).Valid {
				if len(b.Hashtags) == 0 {
					return nil, failf(NoticeLLMInvalid, "template %d does not fit %s", i, n)
				}
				b.Hashtags = b.Hashtags[:len(b.Hashtags)-1]
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// draftMessages asks for one draft from a 型, with the retrieved passages as
// numbered context.
func draftMessages(j *draftJob, req DraftRequest) []chatMessage {
	t := j.t
	var p soroe.OrgProfile
	if req.Profile != nil {
		p = *req.Profile
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	var filled []string
	for _, s := range t.Slots() {
		v := strings.TrimSpace(req.Slots[s])
		if v == "" && urlSlot(s) {
			v = t.Link // a slot for the link takes the 型's link
		}
		if v != "" {
			filled = append(filled, fmt.Sprintf("{%s} = %s", s, v))
		}
	}
	tags := strings.Join(tagsFor(t.Hashtags, j.network, ""), " ")
	if j.lang == soroe.LangEN {
		line("Write one post from this template.")
		line("")
		line("Template: %s", t.Name)
		line("Theme: %s", t.Theme)
		line("Structure:\n%s", t.Structure)
		line("Tone: %s. %s", t.Tone, t.ToneNotes)
		line("Network: %s", networkLimit(j.network, j.lang))
		line("Topic: %s", req.Topic)
		line("Slots filled by a person (use these words as they are): %s", strings.Join(filled, "; "))
		line("Industry: %s. Audience: %s. Brand voice: %s", p.Industry, p.Audience, p.BrandVoice)
		line("Words to use: %s", strings.Join(p.WordsToUse, ", "))
		line("Words to avoid (never use them): %s", strings.Join(p.WordsToAvoid, ", "))
		line("")
		if len(req.Passages) > 0 {
			line("Company material (use only these as facts; cite what you use by its number):")
			for i, ps := range req.Passages {
				line("[%d] %s %s: %s", i+1, ps.Title, ps.Locator, clip(ps.Text, 1200))
			}
		} else {
			line("There is no company material for this post.")
		}
		line("")
		line("Rules:")
		line("- Follow the structure. Fill empty slots only from the material above; never invent facts, names, numbers or quotes.")
		line("- Where nothing fits, write the placeholder [add <slot name>] for a person to fill in.")
		line("- Write only the body: Soroe adds the call to action (%q), the link and the hashtags (%s) after it.", t.CTA, tags)
		line("- The whole post must fit the network's limit.")
		line("")
		line("Answer with one JSON object and nothing else, in this shape:")
		line(`{"text":"…","slots":{"slot name":"value used"},"citations":[{"passage_id":1,"quote":"words used from it"}]}`)
		line("passage_id is the number in brackets of the material used; citations is [] when none was used.")
		return []chatMessage{
			{Role: "system", Content: "You are an editor who drafts social media posts for a company from its templates and its own material. A person will check and edit your draft. You answer only with JSON."},
			{Role: "user", Content: b.String()},
		}
	}
	line("次の型から投稿をひとつ書いてください。")
	line("")
	line("型：%s", t.Name)
	line("テーマ：%s", t.Theme)
	line("構成：\n%s", t.Structure)
	line("トーン：%s。%s", t.Tone, t.ToneNotes)
	line("ネットワーク：%s", networkLimit(j.network, j.lang))
	line("話題：%s", req.Topic)
	line("担当者が埋めた枠（この言葉はそのまま使う）：%s", strings.Join(filled, "／"))
	line("業種：%s。読み手：%s。話し方：%s", p.Industry, p.Audience, p.BrandVoice)
	line("使いたい言葉：%s", strings.Join(p.WordsToUse, "、"))
	line("避けたい言葉（絶対に使わない）：%s", strings.Join(p.WordsToAvoid, "、"))
	line("")
	if len(req.Passages) > 0 {
		line("会社の資料（事実はここからだけ使い、使ったものは番号で示す）：")
		for i, ps := range req.Passages {
			line("[%d] %s %s：%s", i+1, ps.Title, ps.Locator, clip(ps.Text, 1200))
		}
	} else {
		line("この投稿に使える会社の資料はありません。")
	}
	line("")
	line("ルール：")
	line("- 構成に沿って書く。空いている枠は上の資料からだけ埋め、事実・名前・数字・発言を作らない。")
	line("- 当てはまるものがない枠は「【ここに社員名を入れてください】」のように「【ここに枠の名前を入れてください】」と書き、担当者が埋められるようにする。")
	line("- 本文だけを書く。呼びかけ（%s）、リンク、ハッシュタグ（%s）は Soroe が本文の後に付ける。", t.CTA, tags)
	line("- 投稿全体がネットワークの文字数に収まるようにする。")
	line("")
	line("説明やコードブロックを付けず、次の形のJSONオブジェクトひとつだけで答えてください：")
	line(`{"text":"…","slots":{"枠の名前":"使った値"},"citations":[{"passage_id":1,"quote":"資料から使った言葉"}]}`)
	line("passage_id には使った資料の [番号] を入れる。資料を使わなかったときは citations を [] にする。")
	return []chatMessage{
		{Role: "system", Content: "あなたは企業のSNS投稿の下書きを、その会社の型と資料から書く編集者です。下書きは担当者が確認して直します。JSONだけで答えます。"},
		{Role: "user", Content: b.String()},
	}
}

// parseDraft checks the model's draft: the JSON shape, a non-empty text
// without a word to avoid (other than in the person's own input), citations
// only of the passages given; then finishes it as the builtin generator
// does (call to action, link, hashtags) and fits it to the network.
func parseDraft(content string, j *draftJob, req DraftRequest) (Draft, error) {
	var answer struct {
		Text      string            `json:"text"`
		Slots     map[string]string `json:"slots"`
		Citations []struct {
			PassageID int64  `json:"passage_id"`
			Passage   int64  `json:"passage"`
			Quote     string `json:"quote"`
		} `json:"citations"`
	}
	if err := json.Unmarshal([]byte(unfence(content)), &answer); err != nil {
		return Draft{}, failf(NoticeLLMInvalid, "answer is not the JSON asked for: %v", err)
	}
	body := strings.TrimSpace(answer.Text)
	if body == "" {
		return Draft{}, failf(NoticeLLMInvalid, "empty text")
	}
	if j.avoid != nil {
		mine := req.Topic
		for _, v := range req.Slots {
			mine += "\n" + v
		}
		for _, w := range j.avoid.FindAllString(body, -1) {
			if !strings.Contains(strings.ToLower(mine), strings.ToLower(w)) {
				return Draft{}, failf(NoticeLLMInvalid, "text uses a word to avoid")
			}
		}
	}
	d := Draft{Slots: map[string]string{}, Network: j.network}
	for _, s := range j.t.Slots() {
		v := strings.TrimSpace(req.Slots[s])
		if v == "" {
			v = strings.TrimSpace(answer.Slots[s])
		}
		if v == "" && urlSlot(s) && j.t.Link != "" && strings.Contains(body, j.t.Link) {
			v = j.t.Link
		}
		if isPlaceholder(body, s) {
			v = Placeholder(s, j.lang)
			d.Missing = append(d.Missing, s)
		}
		if v != "" {
			d.Slots[s] = v
		}
	}
	cited := map[int64]bool{}
	for _, c := range answer.Citations {
		n := c.PassageID
		if n == 0 {
			n = c.Passage
		}
		var ps *soroe.Passage
		if n >= 1 && int(n) <= len(req.Passages) {
			ps = &req.Passages[n-1]
		} else {
			for i := range req.Passages {
				if req.Passages[i].ID == n && n != 0 {
					ps = &req.Passages[i]
				}
			}
		}
		if ps == nil {
			return Draft{}, failf(NoticeLLMInvalid, "citation of passage %d, which was not given", n)
		}
		if cited[ps.ID] {
			continue
		}
		cited[ps.ID] = true
		quote := strings.TrimSpace(c.Quote)
		if quote == "" || !strings.Contains(ps.Text, quote) {
			quote = clip(ps.Text, 100)
		}
		d.Citations = append(d.Citations, Citation{MaterialID: ps.MaterialID, PassageID: ps.ID, Title: ps.Title, Locator: ps.Locator, Quote: quote})
	}
	var ok bool
	d.Text, d.Trimmed, ok = fit(j.network, body, ctaLine(j.t.CTA, j.t.Link, j.lang, linkInBody(j.t, body)), tagsFor(j.t.Hashtags, j.network, body))
	if !ok || strings.TrimSpace(d.Text) == "" {
		return Draft{}, failf(NoticeLLMInvalid, "text does not fit %s", j.network)
	}
	return d, nil
}
