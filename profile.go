package soroe

import (
	"strings"
	"time"
)

// OrgProfile is what Soroe knows of a company when it writes for it: the
// generators read it, and the risk check takes its NG words and competitors.
type OrgProfile struct {
	OrgID        int64    `json:"org_id"`
	Industry     string   `json:"industry"`               // 業種, e.g. 工務店
	Audience     string   `json:"audience"`               // who the posts are for
	BrandVoice   string   `json:"brand_voice"`            // how the company speaks
	WordsToUse   []string `json:"words_to_use,omitempty"` // words the brand likes
	WordsToAvoid []string `json:"words_to_avoid,omitempty"`
	NGWords      []string `json:"ng_words,omitempty"`    // words that must never appear (risk check)
	Competitors  []string `json:"competitors,omitempty"` // names the risk check flags
	// BlockOnRisk makes risk findings block approval (otherwise they warn).
	BlockOnRisk bool      `json:"block_on_risk"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate trims and bounds a profile.
func (p *OrgProfile) Validate() error {
	p.Industry = strings.TrimSpace(p.Industry)
	p.Audience = strings.TrimSpace(p.Audience)
	p.BrandVoice = strings.TrimSpace(p.BrandVoice)
	for _, f := range []struct {
		name string
		v    string
		max  int
	}{{"industry", p.Industry, 100}, {"audience", p.Audience, 500}, {"brand_voice", p.BrandVoice, 1000}} {
		if len([]rune(f.v)) > f.max {
			return Invalid(f.name, "too_long")
		}
	}
	p.WordsToUse = cleanList(p.WordsToUse, 100)
	p.WordsToAvoid = cleanList(p.WordsToAvoid, 100)
	p.NGWords = cleanList(p.NGWords, 500)
	p.Competitors = cleanList(p.Competitors, 100)
	return nil
}

// Material is a document or web page of the company's own that drafts can
// draw from. Its text is split into passages for retrieval.
type Material struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	Title     string    `json:"title"`
	Kind      string    `json:"kind"` // pdf, docx, pptx, txt, md, html
	SourceURL string    `json:"source_url,omitempty"`
	Bytes     int64     `json:"bytes"`           // size of the original
	Status    string    `json:"status"`          // processing, ready, failed
	Progress  int       `json:"progress"`        // 0–100 while processing
	Error     string    `json:"error,omitempty"` // why it failed, for people
	Passages  int       `json:"passages"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Material states.
const (
	MaterialProcessing = "processing"
	MaterialReady      = "ready"
	MaterialFailed     = "failed"
)

// Passage is a piece of a material's text, the unit of retrieval and of
// citation ("資料『会社案内』p.3 の一節").
type Passage struct {
	ID         int64   `json:"id"`
	MaterialID int64   `json:"material_id"`
	Title      string  `json:"material_title,omitempty"`
	Index      int     `json:"index"`   // order in the material, from 0
	Locator    string  `json:"locator"` // where it is: "p.3", "slide 2", "§4"
	Text       string  `json:"text"`
	Score      float64 `json:"score,omitempty"` // relevance, when retrieved
}
