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
// marker for a person to replace, never an invented fact.
func Placeholder(slot, lang string) string {
	if lang == soroe.LangEN {
		return "[add " + slot + "]"
	}
	return "【ここに" + slot + "】"
}

// linkSlot is the name the link placeholder uses.
func linkSlot(lang string) string {
	if lang == soroe.LangEN {
		return "link URL"
	}
	return "リンクURL"
}

// Preview is a 型 filled with placeholders and finished as a post for the
// network: what a draft with nothing filled in looks like.
func Preview(b soroe.TemplateBody, n soroe.Network, lang string) string {
	body := fill(b.Structure, func(slot string) string { return Placeholder(slot, lang) })
	return compose(body, ctaLine(b.CTA, b.Link, lang), tagsFor(b.Hashtags, n, body))
}

// fill replaces every slot of structure with value(slot). When the value
// ends a sentence and the structure puts punctuation right after the slot,
// the value's own full stop is dropped; so is its 「。」 when the sentence
// goes on after the slot (「{時間帯}は…」 never reads 「朝。は…」).
func fill(structure string, value func(slot string) string) string {
	var sb strings.Builder
	last := 0
	for _, m := range slotRE.FindAllStringSubmatchIndex(structure, -1) {
		sb.WriteString(structure[last:m[0]])
		v := value(strings.TrimSpace(structure[m[2]:m[3]]))
		next, _ := utf8.DecodeRuneInString(structure[m[1]:])
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
// and has no link yet gets a placeholder for it.
func ctaLine(cta, link, lang string) string {
	switch {
	case cta == "":
		return link
	case link != "":
		return cta + " ▶ " + link
	case wantsLink(cta):
		return cta + " ▶ " + Placeholder(linkSlot(lang), lang)
	}
	return cta
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
// values; a topic slot takes the topic; other slots that want a sentence
// and stand as a sentence or line of their own in the structure take one
// from the passages, chosen for the topic and the slot together (and cite
// it) — never slots for a name, a date, a time or period, a number or
// someone's own words, nor a slot inside a sentence (「{時間帯}は…」); the
// rest show a placeholder. The 型's call to action, link and hashtags
// follow, and the whole is fitted to the network.
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
		if topic != "" && topicSlot(slot) {
			d.Slots[slot] = topic
			continue
		}
		if !shortSlot(slot) && !voiceSlot(slot) && standsAlone(j.t.Structure, slot) {
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
	body := fill(j.t.Structure, func(slot string) string { return d.Slots[slot] })
	d.Text, d.Trimmed, _ = fit(j.network, body, ctaLine(j.t.CTA, j.t.Link, j.lang), tagsFor(j.t.Hashtags, j.network, body))
	return d, meta, nil
}

// Words that tell what a slot wants.
var (
	topicWords  = strs{"テーマ", "話題", "トピック", "お題", "topic", "theme", "subject"}
	shortEndsJA = strs{"名", "名前", "日", "日時", "時刻", "時間", "時間帯", "時期", "曜日", "頃", "タイミング", "シーズン",
		"年", "年数", "数", "人数", "件数", "日数", "価格", "金額", "期間",
		"場所", "締切", "締切日", "url", "番号", "率", "回", "規模", "属性", "役職", "職種", "部署", "媒体名", "ハッシュタグ", "出典",
		"地域", "業種", "季節", "記念日", "ページ番号", "ページ数", "数字", "担当", "企画", "対象", "者", "商品", "サービス",
		"カテゴリ", "分野", "選択肢", "タイプ", "案", "用語", "節目", "活動", "お客様", "種類", "位"}
	shortHasJA = strs{"数字", "url", "日時", "時間帯", "・規模", "部署・職種", "業種", "名前"}
	shortWords = strs{"name", "date", "dates", "time", "year", "years", "number", "price", "period", "place", "deadline",
		"url", "link", "role", "team", "title", "industry", "source", "hashtag", "figure", "username", "size", "season",
		"day", "days", "weekday", "weekdays", "when", "timing", "hour", "hours", "times", "schedule", "page", "pages",
		"platform", "outlet", "month", "week", "product", "customer", "person", "founder",
		"company", "tool", "term", "option", "type", "types", "thing", "staff", "member", "employee", "contact", "participant",
		"audience", "event", "project", "activity", "milestone", "occasion", "range", "service", "bundle", "idea", "pick"}
)

// Words of slots for what a person says: a quote is never taken from
// material, since that would put words in someone's mouth.
var (
	voiceJA = strs{"ひとこと", "一言", "感想", "声", "言葉", "意気込み", "アドバイス", "本音", "メッセージ", "レビュー"}
	voiceEN = strs{"words", "quote", "voice", "thought", "thoughts", "advice", "said", "says", "reply", "review", "feedback", "comment", "verdict"}
)

// voiceSlot: a slot for someone's own words.
func voiceSlot(slot string) bool {
	s := strings.ToLower(slot)
	if slices.ContainsFunc(voiceJA, func(w string) bool { return strings.Contains(s, w) }) {
		return true
	}
	words := asciiWords(s)
	return slices.ContainsFunc(voiceEN, func(w string) bool { return words[w] })
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
		s = strings.TrimRightFunc(s, func(r rune) bool {
			return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.IsSpace(r)
		})
		return slices.ContainsFunc(shortEndsJA, func(w string) bool { return strings.HasSuffix(s, w) }) ||
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

// pick returns a sentence for the slot, chosen for the topic and the slot
// together. With a topic, it takes the most relevant passage that has a
// sentence sharing a term with the topic, and there the sentence sharing
// most terms with what the slot asks for (its name's own words, beyond the
// topic's), then most with the topic; only when no sentence mentions the
// topic does it take one from a passage about the topic (by its title, say)
// — never a sentence that only matches the slot's name. Without a topic,
// the most relevant passage's sentence closest to the slot. Candidates are
// unused sentences of a fitting length, without a word to avoid and not a
// heading. The seed only rotates among equally good ones.
func (p *passagePicker) pick(slot string) (soroe.Passage, string, bool) {
	slotTerms := slotOwnTerms(slot, p.topicTerms)
	hasTopic := len(p.topicTerms) > 0
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
				st := terms(s)
				sc := score{overlap(slotTerms, st), overlap(p.topicTerms, st)}
				if mentions && sc.topic == 0 {
					continue
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

// sentences splits text into sentences: at 。！？!? and line ends, and at a
// full stop followed by a space. List markers are taken off.
func sentences(s string) []string {
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
