package text

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// RiskConfig is what an organization adds to the builtin risk lists.
type RiskConfig struct {
	NGWords     []string // the organization's own NG words
	Competitors []string // competitor names it does not want to mention
}

// Risk categories.
const (
	RiskMisleading     = "misleading_claim" // 景表法: exaggerated or unsubstantiated claims
	RiskMedical        = "medical_claim"    // 薬機法: medical efficacy claims
	RiskDiscriminatory = "discriminatory"
	RiskViolent        = "violent"
	RiskPersonalData   = "personal_data"
	RiskCompetitor     = "competitor"
	RiskNGWord         = "ng_word"
)

// Finding is one risky passage. Start and End (exclusive) are rune offsets
// into the checked text, i.e. indices into []rune(s); Match is that passage
// as written and Term the list entry it matched. Code is a stable key for
// the UI to translate; Why explains it in English.
type Finding struct {
	Category string `json:"category"`
	Code     string `json:"code"`
	Term     string `json:"term"`
	Match    string `json:"match"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Why      string `json:"why"`
}

// riskTerm is one entry of the builtin lists. Words are matched after
// normalization (see normalizeRisk): full-width and half-width forms, upper
// and lower case, and katakana and hiragana are the same.
type riskTerm struct {
	category, code, why string
	words               []string
	// needsBasis: the claim is lawful when the post states its basis
	// (※〇〇調べ, 出典, "according to"…), so it is reported only when the text
	// has none.
	needsBasis bool
	// notBefore and notAfter are what, right after or right before a
	// match, makes it an ordinary word (めくらない, ちびっこ, 果汁100%).
	// init normalizes them in place.
	notBefore, notAfter []string
	norms               []string // words, normalized (set by init)
}

func init() {
	for i := range builtinRisks {
		t := &builtinRisks[i]
		for _, w := range t.words {
			t.norms = append(t.norms, normalizeWord(w))
		}
		for j, w := range t.notBefore {
			t.notBefore[j] = normalizeWord(w)
		}
		for j, w := range t.notAfter {
			t.notAfter[j] = normalizeWord(w)
		}
	}
	for i, m := range basisMarkers {
		basisMarkers[i] = normalizeWord(m)
	}
}

// builtinRisks is the curated list: short on purpose, each entry a word that
// Japanese advertising review (薬機法 and 医薬品等適正広告基準, 景表法) or
// ordinary brand safety flags. Organizations add their own words in
// RiskConfig.
var builtinRisks = []riskTerm{
	// 景表法 (不当景品類及び不当表示防止法): 優良誤認 and 有利誤認 (Art. 5),
	// and the duty to substantiate (不実証広告規制, Art. 7(2)).
	{category: RiskMisleading, code: "no1_claim", needsBasis: true,
		why:   "A No.1 or ranking claim is misleading (優良誤認, 景表法) unless the post states its basis: survey, period and scope, e.g. ※〇〇調べ.",
		words: []string{"No.1", "No1", "No. 1", "ナンバーワン", "ナンバー1", "number one", "第1位", "第一位", "1位"}},
	{category: RiskMisleading, code: "superlative", needsBasis: true,
		why:   "A superlative about quality (最高, 日本一, 最強…) is misleading (優良誤認, 景表法) unless it is objectively substantiated and the basis is shown.",
		words: []string{"最高", "最高級", "最高品質", "最強", "最上級", "最大級", "日本一", "世界一", "業界一", "world's best", "best in the world"}},
	{category: RiskMisleading, code: "first_claim", needsBasis: true,
		why:   "A 'first' claim (業界初, 日本初…) must be verifiable (優良誤認, 景表法); state what was first, where, and on what basis.",
		words: []string{"業界初", "日本初", "世界初", "国内初", "史上初", "world's first", "industry first"}},
	{category: RiskMisleading, code: "lowest_price", needsBasis: true,
		why:   "A lowest-price claim is misleading (有利誤認, 景表法) unless competitors' prices were checked; state the basis and the date.",
		words: []string{"最安", "最安値", "業界最安", "日本一安い", "どこよりも安い", "lowest price"}},
	{category: RiskMisleading, code: "absolute_claim",
		why:   "Absolute wording (絶対, 必ず, 完全, 永久) promises what no product can; 景表法 treats it as 優良誤認, and for health or beauty products 薬機法 forbids guaranteeing an effect.",
		words: []string{"絶対", "必ず効", "必ず治", "必ず痩せ", "必ず儲", "完全", "永久", "guaranteed results"},
		// 完全予約制, 完全個室, 完全週休二日 and the like describe a service, not an effect.
		notBefore: []string{"予約", "個室", "週休", "版", "攻略", "受注", "招待", "禁煙", "分煙", "新作", "ワイヤレス"}},
	{category: RiskMisleading, code: "percent_100", needsBasis: true,
		why:       "'100%' about an effect or satisfaction (効果100%, 満足度100%) needs substantiation (景表法); a composition such as 果汁100% or 綿100% is fine.",
		words:     []string{"100%", "100パーセント", "百パーセント"},
		notAfter:  []string{"果汁", "綿", "国産", "天然", "純", "コットン", "ウール", "シルク", "麻", "リネン", "ポリエステル", "生乳", "ストレート", "還元率"},
		notBefore: []string{"果汁", "天然", "国産", "コットン", "オーガニック", "植物由来"}},

	// 薬機法 (医薬品医療機器等法) Arts. 66 and 68, and 医薬品等適正広告基準:
	// foods and cosmetics may not claim to treat, cure or act on the body.
	{category: RiskMedical, code: "cure_claim",
		why:   "Saying a product cures or treats (治る, 治す, 完治) is a medical claim that 薬機法 allows only for approved drugs; foods and cosmetics may not make it.",
		words: []string{"治る", "治す", "治ります", "完治", "治癒", "cures", "heals"}},
	{category: RiskMedical, code: "efficacy_claim",
		why:      "Claiming a product works on the body (効く, 効能, 特効) is an efficacy claim 薬機法 reserves for approved drugs and quasi-drugs, in their approved wording.",
		words:    []string{"効く", "効きます", "効いた", "効き目", "効能", "効果抜群", "特効"},
		notAfter: []string{"冷房が", "暖房が", "エアコンが", "クーラーが", "ブレーキが", "わさびが", "融通が", "冷房の", "暖房の", "エアコンの", "にらみが", "睨みが", "スパイスが", "からしが"}},
	{category: RiskMedical, code: "weight_loss_claim",
		why:   "Weight-loss promises (痩せる, 脂肪燃焼, 飲むだけで…) for foods and cosmetics are medical claims under 薬機法 and typical 優良誤認 under 景表法.",
		words: []string{"痩せる", "やせる", "痩せます", "やせます", "脂肪燃焼", "脂肪を燃焼", "脂肪を落と", "飲むだけで", "食べるだけで", "塗るだけで", "貼るだけで", "lose weight"}},
	{category: RiskMedical, code: "skin_claim",
		why:   "Cosmetics may not claim to erase spots or wrinkles, to rejuvenate or to act on cells (シミが消える, 若返る, 細胞): 薬機法 limits them to the permitted cosmetic effects.",
		words: []string{"シミが消え", "シミを消", "シミが取れ", "シミが薄くな", "シワが消え", "シワを消", "シワがなくな", "若返る", "若返り", "細胞を活性化", "細胞が活性化", "細胞レベル", "肌が再生", "肌を再生", "デトックス", "anti-aging"}},
	{category: RiskMedical, code: "no_side_effects",
		why:   "Saying a product has no side effects (副作用なし) is a safety guarantee that 医薬品等適正広告基準 forbids.",
		words: []string{"副作用なし", "副作用がない", "副作用のない", "副作用ゼロ", "副作用の心配", "no side effects"}},
	{category: RiskMedical, code: "disease_claim",
		why:   "Naming a disease or body function a product improves (免疫力, 血圧, がん…) is a drug claim 薬機法 forbids for foods and cosmetics.",
		words: []string{"免疫力アップ", "免疫力を高め", "免疫力が上が", "免疫力向上", "血圧が下が", "血圧を下げ", "血糖値が下が", "血糖値を下げ", "がんに効", "がんを予防", "がん予防", "病気が治", "花粉症に効", "アトピーに効", "boosts immunity"}},
	{category: RiskMedical, code: "doctor_endorsement",
		why:   "An endorsement by doctors or other medical professionals (医師推奨, 医師も認めた) is banned by 医薬品等適正広告基準 (基準10).",
		words: []string{"医師推薦", "医師も推薦", "医師が推薦", "医師推奨", "医師も推奨", "医師が推奨", "医師も認めた", "医者も認めた", "ドクター推奨", "歯科医師推奨", "doctor recommended"}},

	// Discriminatory and violent words: a deliberately short list of terms
	// that are slurs in nearly every use.
	{category: RiskDiscriminatory, code: "discriminatory",
		why:   "A discriminatory term (差別用語) about disability; a brand account should not use it, even quoted or as a joke.",
		words: []string{"きちがい", "気違い", "めくら", "つんぼ", "かたわ", "片輪", "びっこ", "がいじ", "retard", "retarded"},
		// めくらない (not turning pages), かたわら (beside), ちびっこ (kids),
		// ガイジン, 片輪走行.
		notBefore: []string{"ない", "なかっ", "ず", "せ", "れ", "ら", "ん", "走"},
		notAfter:  []string{"ち"}},
	{category: RiskDiscriminatory, code: "discriminatory",
		why:       "A derogatory term for a people or ethnic group (差別用語); a brand account should not use it.",
		words:     []string{"土人"},
		notBefore: []string{"形"}},
	{category: RiskViolent, code: "violent",
		why:       "A threat or a call for violence (死ね, 殺す); posting it can be a crime (脅迫罪) and breaks every network's rules.",
		words:     []string{"死ね", "殺すぞ", "殺してやる", "ぶっ殺", "ぶっころ", "kill you"},
		notBefore: []string{"る", "ない", "なかっ", "ず", "ます", "ません"}},
}

// Personal data: what looks like a phone number or an email address.
var (
	// Japanese numbers: 03-1234-5678, 090-1234-5678, 03(1234)5678,
	// 09012345678, +81 90-1234-5678. Separators may be any dash, ー or a space.
	phoneRE = regexp.MustCompile(`(?:\+81[ \-‐‑‒–—―−ー]?(?:\(0\)|0)?|0)[0-9]{1,4}(?:[ \-‐‑‒–—―−ー]|\)|\()?[0-9]{1,4}(?:[ \-‐‑‒–—―−ー]|\))?[0-9]{3,4}`)
	emailRE = regexp.MustCompile(`[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}`)
)

const (
	phoneWhy = "Looks like a phone number. Make sure it is a published business number and not a person's (個人情報保護法)."
	emailWhy = "An email address. Make sure it is a published business address and not a person's (個人情報保護法)."
)

// basisMarkers show that a claim states its basis (normalized by init).
var basisMarkers = []string{"※", "調べ", "調査", "出典", "根拠", "according to", "source:"}

// Risk lists the risky passages of s: the builtin claims that 薬機法 and
// 景表法 forbid or require substantiation for, discriminatory and violent
// words, phone numbers and email addresses, and the organization's competitor
// names and NG words. Matching ignores case, full-width/half-width and
// katakana/hiragana differences, so ＮＯ．１ matches No.1 and ｷﾁｶﾞｲ matches
// きちがい. Words of ASCII letters and digits match whole words only. Findings
// come in text order; one inside a longer finding of the same category is
// left out.
func Risk(s string, r RiskConfig) []Finding {
	t := newRiskText(s)
	var fs []Finding
	hasBasis := false
	for _, m := range basisMarkers {
		if strings.Contains(t.norm, m) {
			hasBasis = true
			break
		}
	}
	for _, term := range builtinRisks {
		if term.needsBasis && hasBasis {
			continue
		}
		for i, w := range term.words {
			fs = t.find(fs, w, term.norms[i], term)
		}
	}
	for _, w := range r.Competitors {
		fs = t.find(fs, w, normalizeWord(w), riskTerm{category: RiskCompetitor, code: "competitor",
			why: "Names a competitor on the organization's list; check that the mention is fair and intended (comparative claims fall under 景表法)."})
	}
	for _, w := range r.NGWords {
		fs = t.find(fs, w, normalizeWord(w), riskTerm{category: RiskNGWord, code: "ng_word", why: "On the organization's NG-word list."})
	}
	fs = t.personalData(fs)
	return dedupe(fs)
}

// riskText is a text normalized for matching, with each normalized rune's
// span in the original.
type riskText struct {
	orig       []rune
	norm       string
	runeAt     []int // byte offset in norm → rune index in norm (at rune starts)
	start, end []int // rune index in norm → span in orig
}

func newRiskText(s string) *riskText {
	t := &riskText{orig: []rune(s)}
	var out []rune
	for i, r := range t.orig {
		if (r == 0x3099 || r == 0x309A || r == 0x309B || r == 0x309C || r == 0xFF9E || r == 0xFF9F) && len(out) > 0 {
			mark := rune(0x3099)
			if r == 0x309A || r == 0x309C || r == 0xFF9F {
				mark = 0x309A
			}
			if c := []rune(norm.NFC.String(string([]rune{out[len(out)-1], mark}))); len(c) == 1 {
				out[len(out)-1] = c[0]
				t.end[len(t.end)-1] = i + 1
				continue
			}
		}
		out = append(out, foldRune(r))
		t.start = append(t.start, i)
		t.end = append(t.end, i+1)
	}
	t.norm = string(out)
	t.runeAt = make([]int, len(t.norm)+1)
	k := 0
	for b := range t.norm {
		t.runeAt[b] = k
		k++
	}
	t.runeAt[len(t.norm)] = k
	return t
}

// foldRune folds width (ＡＢＣ → abc, ｶ → か), case and katakana into
// hiragana.
func foldRune(r rune) rune {
	if f := width.LookupRune(r).Folded(); f != 0 {
		r = f
	}
	r = unicode.ToLower(r)
	if r >= 0x30A1 && r <= 0x30F6 {
		r -= 0x60
	}
	return r
}

// normalizeWord normalizes a list word the same way as the text.
func normalizeWord(w string) string { return newRiskText(strings.TrimSpace(w)).norm }

// find adds a Finding for each occurrence of word, whose normalized form is
// w.
func (t *riskText) find(fs []Finding, word, w string, term riskTerm) []Finding {
	if w == "" {
		return fs
	}
	wr := []rune(w)
	for from := 0; from < len(t.norm); {
		i := strings.Index(t.norm[from:], w)
		if i < 0 {
			break
		}
		b := from + i
		e := b + len(w)
		from = b + len(string(wr[0]))
		before, after := t.norm[:b], t.norm[e:]
		if isASCIIAlnum(wr[0]) && endsWithAlnum(before) || isASCIIAlnum(wr[len(wr)-1]) && startsWithAlnum(after) {
			continue
		}
		if precededBy(before, term.notAfter) || hasAnyPrefix(after, term.notBefore) {
			continue
		}
		fs = append(fs, t.finding(t.runeAt[b], t.runeAt[e], strings.TrimSpace(word), term))
	}
	return fs
}

func (t *riskText) finding(ns, ne int, word string, term riskTerm) Finding {
	s, e := t.start[ns], t.end[ne-1]
	return Finding{Category: term.category, Code: term.code, Term: word, Match: string(t.orig[s:e]), Start: s, End: e, Why: term.why}
}

// personalData adds phone numbers and email addresses.
func (t *riskText) personalData(fs []Finding) []Finding {
	for _, loc := range phoneRE.FindAllStringIndex(t.norm, -1) {
		b, e := loc[0], loc[1]
		if endsWithDigit(t.norm[:b]) || startsWithDigit(t.norm[e:]) {
			continue
		}
		if m := t.norm[b:e]; isPhoneNumber(m) {
			fs = append(fs, t.finding(t.runeAt[b], t.runeAt[e], m, riskTerm{category: RiskPersonalData, code: "phone_number", why: phoneWhy}))
		}
	}
	for _, loc := range emailRE.FindAllStringIndex(t.norm, -1) {
		b, e := loc[0], loc[1]
		fs = append(fs, t.finding(t.runeAt[b], t.runeAt[e], t.norm[b:e], riskTerm{category: RiskPersonalData, code: "email_address", why: emailWhy}))
	}
	return fs
}

// isPhoneNumber checks what phoneRE found: 10 digits (landline) or 11
// (mobile, 070/080/090) in the national form, and separators unless it is a
// mobile or +81 number. Toll-free and navigation numbers (0120, 0800, 0570)
// belong to companies and are not reported.
func isPhoneNumber(m string) bool {
	digits := strings.Map(func(r rune) rune {
		if isDigit(r) {
			return r
		}
		return -1
	}, m)
	international := strings.HasPrefix(m, "+81")
	if international {
		digits = strings.TrimPrefix(digits, "81")
		if !strings.HasPrefix(digits, "0") {
			digits = "0" + digits
		}
	}
	for _, p := range []string{"0120", "0800", "0570"} {
		if strings.HasPrefix(digits, p) {
			return false
		}
	}
	mobile := len(digits) == 11 && (strings.HasPrefix(digits, "070") || strings.HasPrefix(digits, "080") || strings.HasPrefix(digits, "090"))
	separated := len(digits) != len(strings.TrimPrefix(m, "+"))
	switch {
	case mobile:
		return true
	case len(digits) == 10:
		return separated || international
	}
	return false
}

// dedupe sorts findings by position and drops those inside a longer finding
// of the same category, and repeats.
func dedupe(fs []Finding) []Finding {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return (b.End - b.Start) - (a.End - a.Start)
	})
	var out []Finding
	reach := map[string]int{} // category → furthest End kept so far
	for _, f := range fs {
		if e, ok := reach[f.Category]; ok && f.End <= e {
			continue // inside an earlier (or same-start, longer) finding
		}
		reach[f.Category] = max(reach[f.Category], f.End)
		out = append(out, f)
	}
	return out
}

func hasAnyPrefix(s string, ps []string) bool {
	for _, p := range ps {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// precededBy reports whether one of ps ends the text before a match or, for
// words of two or more characters, appears in the clause just before it
// (エアコンがよく効く): up to 10 characters, back to the last punctuation
// or space.
func precededBy(before string, ps []string) bool {
	if len(ps) == 0 {
		return false
	}
	start := len(before)
	for n := 0; start > 0 && n < 10; n++ {
		r, size := utf8.DecodeLastRuneInString(before[:start])
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			break
		}
		start -= size
	}
	clause := before[start:]
	for _, p := range ps {
		if strings.HasSuffix(before, p) || (utf8.RuneCountInString(p) > 1 && strings.Contains(clause, p)) {
			return true
		}
	}
	return false
}

func endsWithAlnum(s string) bool {
	return s != "" && s[len(s)-1] < 0x80 && isASCIIAlnum(rune(s[len(s)-1]))
}
func startsWithAlnum(s string) bool { return s != "" && s[0] < 0x80 && isASCIIAlnum(rune(s[0])) }
func endsWithDigit(s string) bool   { return s != "" && isDigit(rune(s[len(s)-1])) }
func startsWithDigit(s string) bool { return s != "" && isDigit(rune(s[0])) }
