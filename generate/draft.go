package generate

import (
	"cmp"
	"context"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

// slotRE finds the slots of a structure, as soroe.TemplateBody.Slots does.
var slotRE = regexp.MustCompile(`\{([^{}\n]{1,40})\}`)

// Placeholder is what a draft shows for a slot nobody filled: a visible
// marker for a person to replace, never an invented fact, that says what to
// write there, built from the slot's name: 「【ここに社員名を入れてください】」,
// 「【ここに導入前の課題を書いてください】」, "[add employee name]". Every
// Japanese placeholder starts 「【ここに」, which the pre-publish check looks
// for.
func Placeholder(slot, lang string) string {
	if lang == soroe.LangEN {
		return "[add " + slot + "]"
	}
	switch {
	case strings.HasSuffix(slot, "で") || strings.HasSuffix(slot, "に"):
		// {仕事内容をひとことで}: the slot already says how.
		return "【ここに" + slot + "書いてください】"
	case urlSlot(slot) || shortSlot(slot) || voiceSlot(slot):
		// A name, a number, a link, someone's own words: put in.
		return "【ここに" + slot + "を入れてください】"
	}
	return "【ここに" + slot + "を書いてください】"
}

// isPlaceholder reports whether body holds a placeholder for slot, in
// either language, as Placeholder writes it or as a model may write it
// (「【ここに社員名】」 too).
func isPlaceholder(body, slot string) bool {
	return strings.Contains(body, "【ここに"+slot) || strings.Contains(body, "[add "+slot+"]")
}

// linkSlot is the name the link placeholder uses.
func linkSlot(lang string) string {
	if lang == soroe.LangEN {
		return "link URL"
	}
	return "リンクURL"
}

// Preview is a 型 filled with placeholders (and its link, in the slots for
// one) and finished as a post for the network: what a draft with nothing
// filled in looks like.
func Preview(b soroe.TemplateBody, n soroe.Network, lang string) string {
	body := fill(b.Structure, func(slot string) string {
		if urlSlot(slot) && b.Link != "" {
			return b.Link
		}
		return Placeholder(slot, lang)
	})
	return compose(body, ctaLine(b.CTA, b.Link, lang, hasURLSlot(b.Structure)), tagsFor(b.Hashtags, n, body))
}

// fill replaces every slot of structure with value(slot). When the value
// ends a sentence and the structure puts punctuation right after the slot,
// the value's own full stop is dropped; so is its 「。」 when the sentence
// goes on after the slot (「{時間帯}は…」 never reads 「朝。は…」). A
// placeholder the structure already puts in 【】 keeps one pair.
func fill(structure string, value func(slot string) string) string {
	var sb strings.Builder
	last := 0
	for _, m := range slotRE.FindAllStringSubmatchIndex(structure, -1) {
		sb.WriteString(structure[last:m[0]])
		v := value(strings.TrimSpace(structure[m[2]:m[3]]))
		next, _ := utf8.DecodeRuneInString(structure[m[1]:])
		prev, _ := utf8.DecodeLastRuneInString(structure[:m[0]])
		if prev == '【' && next == '】' && strings.HasPrefix(v, "【") && strings.HasSuffix(v, "】") {
			// 「【{テーマ}】」 holds a placeholder in its own brackets.
			v = strings.TrimSuffix(strings.TrimPrefix(v, "【"), "】")
		}
		switch {
		case strings.ContainsRune("。、.,」』\"!?！？", next):
			v = strings.TrimRight(v, "。.")
		case m[1] < len(structure) && !unicode.IsSpace(next):
			// 「{時間帯}は…」: the sentence goes on, so a value's 。 would
			// leave 「。は」.
			v = strings.TrimRight(v, "。")
		}
		sb.WriteString(v)
		last = m[1]
	}
	sb.WriteString(structure[last:])
	return sb.String()
}

// ctaLine is the call to action with its link; a CTA that leads to a page
// and has no link yet gets a placeholder for it. When the structure has a
// slot for the link (inBody), the link is there and the CTA stands alone.
func ctaLine(cta, link, lang string, inBody bool) string {
	switch {
	case inBody:
		return cta
	case cta == "":
		return link
	case link != "":
		return cta + " ▶ " + link
	case wantsLink(cta):
		return cta + " ▶ " + Placeholder(linkSlot(lang), lang)
	}
	return cta
}

// linkInBody reports whether a draft's body already holds the 型's link,
// or a placeholder asking for it, in a slot for the link: then the call to
// action goes without it.
func linkInBody(t *soroe.Template, body string) bool {
	for _, s := range t.Slots() {
		if urlSlot(s) && (t.Link != "" && strings.Contains(body, t.Link) || isPlaceholder(body, s)) {
			return true
		}
	}
	return false
}

// hasURLSlot reports whether a structure has a slot for a link.
func hasURLSlot(structure string) bool {
	for _, m := range slotRE.FindAllStringSubmatch(structure, -1) {
		if urlSlot(strings.TrimSpace(m[1])) {
			return true
		}
	}
	return false
}

// tagsFor returns as many of the hashtags as a post on n carries, leaving
// out those the body already holds.
func tagsFor(tags []string, n soroe.Network, body string) []string {
	var out []string
	low := strings.ToLower(body)
	for _, t := range tags {
		if len(out) == TagsFor(n) {
			break
		}
		if !strings.HasPrefix(t, "#") {
			t = "#" + t
		}
		if !strings.Contains(low, strings.ToLower(t)) {
			out = append(out, t)
		}
	}
	return out
}

// compose finishes a post: the body, a blank line, the call to action and
// the hashtags.
func compose(body, cta string, tags []string) string {
	var tail []string
	if cta != "" {
		tail = append(tail, cta)
	}
	if len(tags) > 0 {
		tail = append(tail, strings.Join(tags, " "))
	}
	body = strings.TrimSpace(body)
	if len(tail) == 0 {
		return body
	}
	if body == "" {
		return strings.Join(tail, "\n")
	}
	return body + "\n\n" + strings.Join(tail, "\n")
}

// fit makes a post valid for the network: it drops hashtags from the end,
// then shortens the body (at a line, sentence or word boundary when one is
// near, never inside a URL or a placeholder) and marks the cut with "…".
// The call to action stays whole. It reports whether the body was cut and
// whether the result is valid.
func fit(n soroe.Network, body, cta string, tags []string) (string, bool, bool) {
	valid := func(s string) bool { return text.Check(n, s, text.Options{}).Valid }
	for k := len(tags); k >= 0; k-- {
		if s := compose(body, cta, tags[:k]); valid(s) {
			return s, false, true
		}
	}
	body = strings.TrimSpace(body)
	rs := []rune(body)
	// The longest prefix that fits: validity only grows as the body shrinks.
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if valid(compose(cutBody(body, mid), cta, nil)) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	for k := lo; k > 0; k-- {
		if s := compose(cutBody(body, k), cta, nil); valid(s) {
			return s, true, true
		}
	}
	s := compose("", cta, nil)
	return s, true, valid(s)
}

// cutBody returns the first k runes of body, moved back out of any URL or
// placeholder they would split and to a nearby boundary, with "…".
func cutBody(body string, k int) string {
	rs := []rune(body)
	if k >= len(rs) {
		return body
	}
	if k <= 0 {
		return ""
	}
	for _, e := range text.ExtractURLs(body, true) {
		if k > e.Start && k < e.End {
			k = e.Start
		}
	}
	// Inside 【…】 or […]: back to its opening bracket.
	for i := k - 1; i >= 0; i-- {
		if rs[i] == '】' || rs[i] == ']' {
			break
		}
		if rs[i] == '【' || rs[i] == '[' {
			k = i
			break
		}
	}
	// A boundary in the last third, when there is one.
	for i := k; i > k*2/3 && i > 0; i-- {
		if r := rs[i-1]; r == '\n' || r == '。' || r == '！' || r == '？' || r == '、' || unicode.IsSpace(r) {
			k = i
			break
		}
	}
	s := strings.TrimRightFunc(string(rs[:k]), func(r rune) bool { return unicode.IsSpace(r) || r == '、' || r == ',' })
	if s == "" {
		return ""
	}
	return s + "…"
}

// draftJob is a checked DraftRequest.
type draftJob struct {
	t       *soroe.Template
	network soroe.Network
	lang    string
	avoid   *regexp.Regexp
}

func checkDraftRequest(req DraftRequest) (*draftJob, error) {
	if req.Template == nil {
		return nil, soroe.Invalid("template", "required")
	}
	j := &draftJob{t: req.Template, network: req.Network, lang: req.Lang}
	if j.network == "" {
		j.network = soroe.NetworkManual
		if len(j.t.Networks) > 0 {
			j.network = j.t.Networks[0]
		}
	}
	if !j.network.Valid() {
		return nil, soroe.Invalid("network", "unknown_network")
	}
	if j.lang == "" {
		j.lang = soroe.LangEN
		if hasJapanese(j.t.Name + j.t.Structure + j.t.CTA) {
			j.lang = soroe.LangJA
		}
	}
	if !soroe.ValidLang(j.lang) {
		return nil, soroe.Invalid("lang", "unknown_language")
	}
	if req.Profile != nil {
		j.avoid = avoidPattern(req.Profile.WordsToAvoid)
	}
	return j, nil
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// Draft writes a post from a 型: the slots a person filled keep their
// values; a slot for a link takes the 型's link (or keeps a placeholder
// asking for it), never words of material; a topic slot takes the topic;
// other slots that want a sentence and stand as a sentence or line of their
// own in the structure take one from the passages, chosen for the topic and
// the slot together (and cite it) — never slots for a name, a date, a time
// or period, a number or someone's own words, nor a slot inside a sentence
// (「{時間帯}は…」), and a question slot only a question; the rest show a
// placeholder that says what to write. The 型's call to action, link (unless
// a slot holds it) and hashtags follow, and the whole is fitted to the
// network.
func (g *Builtin) Draft(ctx context.Context, req DraftRequest) (Draft, Meta, error) {
	meta := Meta{Generator: GeneratorBuiltin, Task: TaskDraft}
	j, err := checkDraftRequest(req)
	if err != nil {
		return Draft{}, meta, err
	}
	if err := ctx.Err(); err != nil {
		return Draft{}, meta, err
	}
	d := Draft{Slots: map[string]string{}, Network: j.network}
	topic := strings.TrimSpace(req.Topic)
	picker := newPassagePicker(req.Passages, topic, j.avoid, style(j.network).short, req.Seed)
	for _, slot := range j.t.Slots() {
		if v := strings.TrimSpace(req.Slots[slot]); v != "" {
			d.Slots[slot] = v
			continue
		}
		if urlSlot(slot) {
			if j.t.Link != "" {
				d.Slots[slot] = j.t.Link
				continue
			}
		} else if topic != "" && topicSlot(slot) {
			d.Slots[slot] = topic
			continue
		} else if !shortSlot(slot) && !voiceSlot(slot) && standsAlone(j.t.Structure, slot) {
			if p, sentence, ok := picker.pick(slot); ok {
				d.Slots[slot] = sentence
				d.Citations = append(d.Citations, Citation{
					MaterialID: p.MaterialID, PassageID: p.ID, Title: p.Title, Locator: p.Locator, Quote: sentence, Slot: slot,
				})
				continue
			}
		}
		d.Slots[slot] = Placeholder(slot, j.lang)
		d.Missing = append(d.Missing, slot)
	}
	var short bool
	d.Text, d.Trimmed, short = j.finish(d.Slots, d.Missing)
	if short {
		for _, slot := range d.Missing {
			d.Slots[slot] = shortPlaceholder(slot, j.lang)
		}
	}
	return d, meta, nil
}

// finish fills the structure with the slots' values and fits it, with the
// call to action, link and hashtags, to the network. When the text must be
// cut, the placeholders first shrink to their short form
// (「【ここに社員名】」), which still names what to write, so that the
// structure's own lines are not lost to them; and a link (or its
// placeholder) in a slot that the cut would drop moves to the call to
// action, where it stays whole. short reports that the placeholders were
// shrunk.
func (j *draftJob) finish(slots map[string]string, missing []string) (text string, trimmed, short bool) {
	n, t, lang := j.network, j.t, j.lang
	inBody := hasURLSlot(t.Structure)
	body := fill(t.Structure, func(slot string) string { return slots[slot] })
	cta := ctaLine(t.CTA, t.Link, lang, inBody)
	text, trimmed, _ = fit(n, body, cta, tagsFor(t.Hashtags, n, body))
	if !trimmed {
		return text, false, false
	}
	if len(missing) > 0 && lang != soroe.LangEN {
		short = true
		body = fill(t.Structure, func(slot string) string {
			if slices.Contains(missing, slot) {
				return shortPlaceholder(slot, lang)
			}
			return slots[slot]
		})
		cta = strings.ReplaceAll(cta, Placeholder(linkSlot(lang), lang), shortPlaceholder(linkSlot(lang), lang))
		text, trimmed, _ = fit(n, body, cta, tagsFor(t.Hashtags, n, body))
	}
	if trimmed && inBody {
		// The link, or else the first placeholder for it that was cut.
		link := t.Link
		if link == "" {
			for _, slot := range t.Slots() {
				if ph := shortPlaceholder(slot, lang); urlSlot(slot) && slices.Contains(missing, slot) && !strings.Contains(text, ph) {
					link = ph
					break
				}
			}
		}
		if link != "" && !strings.Contains(text, link) {
			tail := link
			if t.CTA != "" {
				tail = t.CTA + " ▶ " + link
			}
			text, trimmed, _ = fit(n, body, tail, tagsFor(t.Hashtags, n, body))
		}
	}
	return text, trimmed, short
}

// shortPlaceholder is a placeholder in as few characters as say what goes
// there, for a post that has no room for Placeholder's.
func shortPlaceholder(slot, lang string) string {
	if lang == soroe.LangEN {
		return Placeholder(slot, lang)
	}
	return "【ここに" + slot + "】"
}

// Words that tell what a slot wants.
var (
	topicWords  = strs{"テーマ", "話題", "トピック", "お題", "topic", "theme", "subject"}
	shortEndsJA = strs{"名", "名前", "日", "日時", "時刻", "時間", "時間帯", "時期", "曜日", "頃", "タイミング", "シーズン",
		"年", "年数", "数", "人数", "件数", "日数", "価格", "金額", "期間",
		"場所", "締切", "締切日", "url", "番号", "率", "回", "規模", "属性", "役職", "職種", "部署", "媒体名", "ハッシュタグ", "出典",
		"地域", "業種", "季節", "記念日", "ページ番号", "ページ数", "数字", "担当", "企画", "対象", "者", "商品", "サービス",
		"カテゴリ", "分野", "選択肢", "タイプ", "案", "用語", "節目", "活動", "お客様", "種類", "位", "先"}
	shortHasJA = strs{"数字", "url", "日時", "時間帯", "・規模", "部署・職種", "業種", "名前"}
	shortWords = strs{"name", "date", "dates", "time", "year", "years", "number", "price", "period", "place", "deadline",
		"url", "link", "role", "team", "title", "industry", "source", "hashtag", "figure", "username", "size", "season",
		"day", "days", "weekday", "weekdays", "when", "timing", "hour", "hours", "times", "schedule", "page", "pages",
		"platform", "outlet", "month", "week", "product", "customer", "person", "founder",
		"company", "tool", "term", "option", "type", "types", "thing", "staff", "member", "employee", "contact", "participant",
		"audience", "event", "project", "activity", "milestone", "occasion", "range", "service", "bundle", "idea", "pick"}
)

// Words of slots for what a person says: a quote is never taken from
// material, since that would put words in someone's mouth. An answer is a
// person's words when a person gives it (「先輩社員の答え」, "team member's
// answer"), not the company's (「私たちの答え」, "our answer").
var (
	voiceJA   = strs{"ひとこと", "一言", "感想", "声", "言葉", "意気込み", "アドバイス", "本音", "メッセージ", "レビュー"}
	voiceEN   = strs{"words", "quote", "voice", "thought", "thoughts", "advice", "said", "says", "reply", "review", "feedback", "comment", "verdict"}
	answerJA  = strs{"答え", "回答"}
	personsJA = strs{"社員", "先輩", "スタッフ", "担当", "本人", "メンバー", "社長", "代表", "職人", "大工", "お客様"}
	personsEN = strs{"member", "member's", "employee", "employee's", "staff", "founder", "founder's", "ceo", "customer", "customer's", "expert", "expert's"}
)

// voiceSlot: a slot for someone's own words.
func voiceSlot(slot string) bool {
	s := strings.ToLower(slot)
	has := func(ws strs) bool {
		return slices.ContainsFunc(ws, func(w string) bool { return strings.Contains(s, w) })
	}
	if has(voiceJA) || has(answerJA) && has(personsJA) {
		return true
	}
	words := asciiWords(s)
	fields := map[string]bool{}
	for _, f := range strings.Fields(s) {
		fields[f] = true
	}
	return slices.ContainsFunc(voiceEN, func(w string) bool { return words[w] }) ||
		words["answer"] && slices.ContainsFunc(personsEN, func(w string) bool { return fields[w] || words[w] })
}

// questionSlot: a slot for a question, which only a question fills.
func questionSlot(slot string) bool {
	s := strings.ToLower(slot)
	if containsAny(s, "質問", "問いかけ", "疑問") {
		return true
	}
	words := asciiWords(s)
	return words["question"] || words["questions"] || words["ask"]
}

// urlEnds end the names of Japanese slots for a link.
var urlEnds = strs{"url", "ｕｒｌ", "uri", "リンク", "リンク先", "ページ", "サイト", "lp"}

// urlSlot: a slot for a link ({URL}, {リンク}, {申込URL}, {応募ページ},
// {landing page URL}, {link}), which the 型's link fills and words never do.
func urlSlot(slot string) bool {
	s := strings.ToLower(strings.TrimSpace(slot))
	s = strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsSpace(r) }) // {URL1}
	if !isASCII(s) {
		for _, w := range urlEnds {
			if strings.HasSuffix(s, w) {
				// 「応募ページ」, but not 「1ページ」.
				return w != "ページ" || !unicode.IsDigit(lastRune(strings.TrimSuffix(s, w)))
			}
		}
	}
	f := strings.FieldsFunc(s, func(r rune) bool { return !(unicode.IsLetter(r) || unicode.IsDigit(r)) })
	if len(f) == 0 {
		return false
	}
	switch last := f[len(f)-1]; last {
	case "url", "urls", "link", "links", "href", "website", "site", "webpage", "lp":
		return true
	case "page":
		return len(f) >= 2 && slices.Contains(strs{"landing", "signup", "up", "registration", "application", "download", "product", "event", "booking", "contact", "web", "home"}, f[len(f)-2])
	}
	return false
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// topicSlot: a slot that names the post's subject.
func topicSlot(slot string) bool {
	s := strings.ToLower(slot)
	return slices.ContainsFunc(topicWords, func(w string) bool { return strings.Contains(s, w) })
}

// shortSlot: a slot for a name, date, number, place, URL or similar short
// fact, which a sentence of material never fills (it stays a placeholder
// unless a person fills it). In English, a slot of at most three words
// naming such a thing.
func shortSlot(slot string) bool {
	s := strings.ToLower(strings.TrimSpace(slot))
	if !isASCII(s) {
		// {選択肢A}, {時刻1}: the letter or number only counts them.
		// ({応募ページURL} keeps its "url".)
		counted := strings.TrimRightFunc(s, func(r rune) bool {
			return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.IsSpace(r)
		})
		return slices.ContainsFunc(shortEndsJA, func(w string) bool { return strings.HasSuffix(s, w) || strings.HasSuffix(counted, w) }) ||
			slices.ContainsFunc(shortHasJA, func(w string) bool { return strings.Contains(s, w) })
	}
	if len(strings.Fields(s)) > 3 {
		return false
	}
	words := asciiWords(s)
	return slices.ContainsFunc(shortWords, func(w string) bool { return words[w] })
}

// standsAlone reports whether every use of slot in structure is a
// sentence or line of its own: after the start of a line, the end of a
// sentence or a label (「Q: 」「・」「1. 」「【…】」「{時刻1} 」), and before
// the end of a line or of a sentence. Only there does a sentence of
// material read as one; 「{時間帯}は…」 or "shows {what they do} to…" would
// break in two.
func standsAlone(structure, slot string) bool {
	found := false
	for _, m := range slotRE.FindAllStringSubmatchIndex(structure, -1) {
		if strings.TrimSpace(structure[m[2]:m[3]]) != slot {
			continue
		}
		found = true
		before := strings.TrimRight(structure[:m[0]], " \t\u3000")
		r, _ := utf8.DecodeLastRuneInString(before)
		// After another slot and a space: a label such as 「{時刻1} {朝の仕事}」.
		label := r == '}' && len(before) < m[0]
		if before != "" && !opensSentence(r) && !label {
			return false
		}
		after := strings.TrimLeft(structure[m[1]:], " \t\u3000")
		if r, _ := utf8.DecodeRuneInString(after); after != "" && !closesSentence(r) {
			return false
		}
	}
	return found
}

// opensSentence: a slot right after r starts a sentence (a line end, a
// full stop, a label's colon or bracket, a bullet or an emoji).
func opensSentence(r rune) bool {
	switch {
	case r == '\n' || strings.ContainsRune("。！？!?.:：・•-*→▶】)）>＞", r):
		return true
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsPunct(r):
		return false
	}
	return unicode.IsSymbol(r) || unicode.Is(unicode.No, r) // ✅, ①
}

// closesSentence: a slot right before r ends its sentence.
func closesSentence(r rune) bool {
	return r == '\n' || strings.ContainsRune("。！？!?.", r) || unicode.IsSymbol(r)
}

// passagePicker hands out sentences of passages, most relevant passage
// first, each sentence once.
type passagePicker struct {
	passages   []soroe.Passage
	order      []int // indexes into passages, most relevant first
	onTopic    []bool
	topicTerms map[string]bool
	used       map[string]bool
	avoid      *regexp.Regexp
	maxRunes   int
	seed       int64
}

func newPassagePicker(ps []soroe.Passage, topic string, avoid *regexp.Regexp, short bool, seed int64) *passagePicker {
	p := &passagePicker{passages: ps, used: map[string]bool{}, avoid: avoid, maxRunes: 160, seed: seed, topicTerms: contentTerms(topic)}
	if short {
		p.maxRunes = 60
	}
	maxScore := 0.0
	for _, x := range ps {
		maxScore = math.Max(maxScore, x.Score)
	}
	rank := make([]float64, len(ps))
	p.onTopic = make([]bool, len(ps))
	for i, x := range ps {
		if len(p.topicTerms) > 0 {
			frac := float64(overlap(p.topicTerms, terms(x.Title+" "+x.Text))) / float64(len(p.topicTerms))
			rank[i] = frac
			p.onTopic[i] = frac >= 0.5
		}
		if maxScore > 0 {
			rank[i] += 0.5 * x.Score / maxScore
		}
		p.order = append(p.order, i)
	}
	slices.SortStableFunc(p.order, func(a, b int) int { return cmp.Compare(rank[b], rank[a]) })
	return p
}

// genericJA and genericEN name slots that ask for any sentence of the material
// ({ポイント1}, {詳細}, {details}), not for something in particular.
var (
	genericJA = strs{"詳細", "内容", "本文", "ポイント", "要点", "補足", "説明", "まとめ", "概要", "特長", "特徴", "見どころ", "豆知識", "エピソード"}
	genericEN = strs{"details", "detail", "point", "points", "key point", "body", "text", "summary", "highlight", "highlights", "tip", "fact", "story", "more"}
)

// genericSlot: a slot that any sentence of relevant material fills.
func genericSlot(slot string) bool {
	s := strings.ToLower(strings.TrimSpace(slot))
	ja := !isASCII(s)
	// {ポイント1}, {ポイントA}, {point 2}: the letter or number only counts.
	s = strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsSpace(r) || ja && r < utf8.RuneSelf && unicode.IsLetter(r)
	})
	return slices.Contains(genericJA, s) || slices.Contains(genericEN, s)
}

// isQuestion: a sentence that asks.
func isQuestion(s string) bool {
	r := lastRune(strings.TrimRight(s, "」』）)\"'”’ "))
	return r == '？' || r == '?'
}

// pick returns a sentence for the slot, chosen for the topic and the slot
// together. With a topic, it takes the most relevant passage that has a
// sentence sharing a term with the topic, and there the sentence sharing
// most terms with what the slot asks for (its name's own words, beyond the
// topic's), then most with the topic; only when no sentence mentions the
// topic does it take one from a passage about the topic (by its title, say)
// — never a sentence that only matches the slot's name. Without a topic,
// the most relevant passage's sentence closest to the slot: one sharing a
// term with what the slot asks for, or any for a generic slot ({ポイント1},
// {詳細}). Candidates are unused sentences of a fitting length, without a
// word to avoid and not a heading; a question slot takes only a question.
// Nothing fits, and the slot keeps its placeholder, when there is no such
// sentence. The seed only rotates among equally good ones.
func (p *passagePicker) pick(slot string) (soroe.Passage, string, bool) {
	slotTerms := slotOwnTerms(slot, p.topicTerms)
	hasTopic := len(p.topicTerms) > 0
	question, generic := questionSlot(slot), genericSlot(slot)
	type score struct{ slot, topic int }
	for pass := range 2 {
		mentions := pass == 0 // first pass: sentences that mention the topic
		if mentions && !hasTopic {
			continue
		}
		for _, i := range p.order {
			if !mentions && hasTopic && !p.onTopic[i] {
				continue
			}
			var best []string
			bestScore := score{-1, -1}
			for _, s := range sentences(p.passages[i].Text) {
				n := utf8.RuneCountInString(s)
				if n < 6 || n > p.maxRunes || p.used[s] || headingLike(s) || (p.avoid != nil && p.avoid.MatchString(s)) {
					continue
				}
				if question && !isQuestion(s) {
					continue
				}
				st := terms(s)
				sc := score{overlap(slotTerms, st), overlap(p.topicTerms, st)}
				if mentions && sc.topic == 0 {
					continue
				}
				if !hasTopic && !generic && sc.slot == 0 {
					continue // nothing says it is what the slot asks for
				}
				c := cmp.Or(cmp.Compare(sc.slot, bestScore.slot), cmp.Compare(sc.topic, bestScore.topic))
				switch {
				case c > 0:
					best, bestScore = []string{s}, sc
				case c == 0 && (sc.slot > 0 || sc.topic > 0):
					best = append(best, s)
				}
			}
			if len(best) > 0 {
				s := best[int(uint64(p.seed)%uint64(len(best)))]
				p.used[s] = true
				return p.passages[i], s, true
			}
		}
	}
	return soroe.Passage{}, "", false
}

// slotStopwords are English words of slot names that say nothing of what
// the slot wants.
var slotStopwords = strs{"what", "who", "whom", "why", "how", "which", "where", "the", "a", "an", "our", "your", "their",
	"his", "her", "its", "they", "we", "you", "it", "do", "does", "did", "is", "are", "was", "be", "of", "to", "in", "on",
	"for", "with", "and", "or", "at", "by", "from", "this", "that", "these", "those", "as", "about", "one", "s"}

// contentTerms are the terms of s without pairs of hiragana only
// (particles and endings: 「りの」「につ」「こと」), which match anything.
func contentTerms(s string) map[string]bool {
	out := terms(s)
	for t := range out {
		if isHiragana(t) {
			delete(out, t)
		}
	}
	return out
}

// slotOwnTerms are the terms of a slot's name that tell what it asks for:
// without the topic's terms (they count for the topic), pairs of hiragana
// only (particles and endings: 「につ」「こと」) and English function words.
func slotOwnTerms(slot string, topic map[string]bool) map[string]bool {
	out := contentTerms(slot)
	for t := range out {
		if topic[t] || slices.Contains(slotStopwords, t) {
			delete(out, t)
		}
	}
	return out
}

func isHiragana(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Hiragana, r) && r != 'ー' {
			return false
		}
	}
	return s != ""
}

// headingLike: a line without a sentence's final punctuation and short —
// a title (a slide's, a section's), not a sentence to put in a post.
func headingLike(s string) bool {
	end := strings.TrimRight(s, "」』）)\"'”’ ")
	if r, _ := utf8.DecodeLastRuneInString(end); strings.ContainsRune("。！？!?.…", r) {
		return false
	}
	if hasJapanese(s) {
		return utf8.RuneCountInString(s) <= 20
	}
	return len(strings.Fields(s)) <= 6
}

// mdHeading is a Markdown heading line, which is never a sentence.
var mdHeading = regexp.MustCompile(`^#{1,6}[ \t\x{3000}]`)

// sentences splits text into sentences: at 。！？!? and line ends, and at a
// full stop followed by a space. List markers are taken off; Markdown
// heading lines ("## 断熱リフォーム") are left out. (A heading on a line of
// its own is a candidate here; headingLike keeps it out of a draft.)
func sentences(s string) []string {
	var kept []string
	for _, l := range strings.Split(s, "\n") {
		if !mdHeading.MatchString(strings.TrimSpace(l)) {
			kept = append(kept, l)
		}
	}
	s = strings.Join(kept, "\n")
	var out []string
	var cur strings.Builder
	flush := func() {
		t := strings.TrimSpace(cur.String())
		t = strings.TrimLeft(t, "・•-*●■◆□ ")
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	rs := []rune(s)
	for i, r := range rs {
		if r == '\n' {
			flush()
			continue
		}
		cur.WriteRune(r)
		switch {
		case r == '。' || r == '！' || r == '？':
			flush()
		case (r == '.' || r == '!' || r == '?') && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])):
			flush()
		}
	}
	flush()
	return out
}

// terms are what relevance is measured on: lower-case words of Latin
// letters and digits, and pairs of neighbouring characters of any other
// script (which works for Japanese without a dictionary).
func terms(s string) map[string]bool {
	m := map[string]bool{}
	var word []rune
	var run []rune
	flushWord := func() {
		if len(word) >= 2 {
			m[strings.ToLower(string(word))] = true
		}
		word = word[:0]
	}
	flushRun := func() {
		if len(run) == 1 {
			m[string(run)] = true
		}
		for i := 0; i+1 < len(run); i++ {
			m[string(run[i:i+2])] = true
		}
		run = run[:0]
	}
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			flushRun()
			word = append(word, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushWord()
			run = append(run, r)
		default:
			flushWord()
			flushRun()
		}
	}
	flushWord()
	flushRun()
	return m
}

func overlap(a, b map[string]bool) int {
	n := 0
	for t := range a {
		if b[t] {
			n++
		}
	}
	return n
}

// LinkSlots fills the link slots of a 型's structure ({URL}, {応募ページ},
// {資料ページURL}) with the 型's link, the rest left as they are: the
// editor starts a post from a 型 with the link already in place. Without
// a link the structure is returned unchanged.
func LinkSlots(structure, link string) string {
	if link == "" {
		return structure
	}
	return slotRE.ReplaceAllStringFunc(structure, func(m string) string {
		if urlSlot(strings.TrimSpace(m[1 : len(m)-1])) {
			return link
		}
		return m
	})
}
