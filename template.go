package soroe

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Network is a social network (or "manual": posted by hand).
type Network string

// Networks.
const (
	NetworkX         Network = "x"
	NetworkInstagram Network = "instagram"
	NetworkFacebook  Network = "facebook"
	NetworkThreads   Network = "threads"
	NetworkLinkedIn  Network = "linkedin"
	NetworkBluesky   Network = "bluesky"
	NetworkMastodon  Network = "mastodon"
	NetworkLINE      Network = "line"
	NetworkManual    Network = "manual"
)

// Networks lists every network in display order.
var Networks = []Network{NetworkX, NetworkInstagram, NetworkFacebook, NetworkThreads, NetworkLinkedIn, NetworkBluesky, NetworkMastodon, NetworkLINE, NetworkManual}

// Valid reports whether n is one of Networks.
func (n Network) Valid() bool { return slices.Contains(Networks, n) }

// Tones a 型 can fix; free notes refine them.
var Tones = []string{"friendly", "formal", "casual", "enthusiastic", "professional", "humorous"}

// Formats of a post.
var Formats = []string{"text", "image", "carousel", "short_video", "thread"}

// Frequency is how often a 型 is posted: Count per week or per month, on
// preferred weekdays at preferred local times.
type Frequency struct {
	Count    int            `json:"count"`
	Per      string         `json:"per"`                // "week" or "month"
	Weekdays []time.Weekday `json:"weekdays,omitempty"` // preferred days (0 = Sunday)
	Times    []string       `json:"times,omitempty"`    // preferred local times, "HH:MM"
}

// Assignees are who drafts or approves: listed members, or everyone with a
// role, or both.
type Assignees struct {
	UserIDs []int64 `json:"user_ids,omitempty"`
	Role    Role    `json:"role,omitempty"`
}

// Empty reports whether nobody is named.
func (a Assignees) Empty() bool { return len(a.UserIDs) == 0 && a.Role == "" }

// Template is a 型: what the field follows to post for a goal. Editing a
// template makes a new version; posts keep the version they came from.
type Template struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	GoalID    int64     `json:"goal_id"`
	Version   int       `json:"version"`
	Source    string    `json:"source"` // "manual", "library", later "builtin" or "llm"
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"` // of this version
	TemplateBody
}

// TemplateBody is what a version of a 型 fixes.
type TemplateBody struct {
	Name      string    `json:"name"`
	Theme     string    `json:"theme"`
	Structure string    `json:"structure"` // text with named slots: "{社員名}さんの一日: {エピソード}"
	Tone      string    `json:"tone"`
	ToneNotes string    `json:"tone_notes,omitempty"`
	Format    string    `json:"format"`
	Networks  []Network `json:"networks"`
	Frequency Frequency `json:"frequency"`
	Hashtags  []string  `json:"hashtags,omitempty"`
	CTA       string    `json:"cta,omitempty"`
	Link      string    `json:"link,omitempty"`
	Dos       []string  `json:"dos,omitempty"`
	Donts     []string  `json:"donts,omitempty"`
	Checklist []string  `json:"checklist,omitempty"`
	Drafters  Assignees `json:"drafters"`
	Approvers Assignees `json:"approvers"`
	// ApprovalSteps, when set, replace Approvers with up to three steps
	// (広報 → 法務 → 部長), each "any" or "all" of its approvers.
	ApprovalSteps []ApprovalStep `json:"approval_steps,omitempty"`
}

// Steps returns the approval a post from this 型 needs.
func (b *TemplateBody) Steps() []ApprovalStep {
	if len(b.ApprovalSteps) > 0 {
		return slices.Clone(b.ApprovalSteps)
	}
	return DefaultSteps(b.Approvers)
}

var slotPattern = regexp.MustCompile(`\{([^{}\n]{1,40})\}`)

// Validate checks a template and its body.
func (t *Template) Validate() error {
	if t.GoalID == 0 {
		return Invalid("goal_id", "required")
	}
	return t.TemplateBody.Validate()
}

// Slots returns the named slots of the structure, in order, once each.
func (b *TemplateBody) Slots() []string {
	var out []string
	for _, m := range slotPattern.FindAllStringSubmatch(b.Structure, -1) {
		name := strings.TrimSpace(m[1])
		if name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

func cleanList(in []string, max int) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// Validate checks a template body before it is stored.
func (b *TemplateBody) Validate() error {
	b.Name = strings.TrimSpace(b.Name)
	b.Theme = strings.TrimSpace(b.Theme)
	b.Structure = strings.TrimSpace(b.Structure)
	b.CTA = strings.TrimSpace(b.CTA)
	b.Link = strings.TrimSpace(b.Link)
	b.Dos, b.Donts, b.Checklist = cleanList(b.Dos, 20), cleanList(b.Donts, 20), cleanList(b.Checklist, 30)
	var tags []string
	for _, h := range cleanList(b.Hashtags, 30) {
		h = "#" + strings.TrimLeft(h, "#＃")
		if len(h) > 1 && !strings.ContainsAny(h, " \t") {
			tags = append(tags, h)
		}
	}
	b.Hashtags = tags
	switch {
	case b.Name == "":
		return Invalid("name", "required")
	case len([]rune(b.Name)) > 100:
		return Invalid("name", "too_long")
	case b.Structure == "":
		return Invalid("structure", "required")
	case len([]rune(b.Structure)) > 5000:
		return Invalid("structure", "too_long")
	case b.Tone == "":
		b.Tone = "friendly"
	}
	if !slices.Contains(Tones, b.Tone) {
		return Invalid("tone", "unknown_tone")
	}
	if b.Format == "" {
		b.Format = "text"
	}
	if !slices.Contains(Formats, b.Format) {
		return Invalid("format", "unknown_format")
	}
	if len(b.Networks) == 0 {
		return Invalid("networks", "network_required")
	}
	for _, n := range b.Networks {
		if !n.Valid() {
			return Invalid("networks", "unknown_network")
		}
	}
	b.Networks = slices.Compact(b.Networks)
	if b.Link != "" && !strings.HasPrefix(b.Link, "https://") && !strings.HasPrefix(b.Link, "http://") {
		return Invalid("link", "invalid_url")
	}
	f := &b.Frequency
	if f.Per != "week" && f.Per != "month" {
		return Invalid("frequency.per", "invalid_frequency")
	}
	if f.Count < 1 || (f.Per == "week" && f.Count > 14) || (f.Per == "month" && f.Count > 62) {
		return Invalid("frequency.count", "invalid_frequency")
	}
	for _, d := range f.Weekdays {
		if d < time.Sunday || d > time.Saturday {
			return Invalid("frequency.weekdays", "invalid_frequency")
		}
	}
	slices.Sort(f.Weekdays)
	f.Weekdays = slices.Compact(f.Weekdays)
	for _, t := range f.Times {
		if !hhmm.MatchString(t) {
			return Invalid("frequency.times", "invalid_time")
		}
	}
	slices.Sort(f.Times)
	f.Times = slices.Compact(f.Times)
	for field, a := range map[string]Assignees{"drafters": b.Drafters, "approvers": b.Approvers} {
		if a.Role != "" && !a.Role.Valid() {
			return Invalid(field, "unknown_role")
		}
	}
	if b.Drafters.Empty() {
		b.Drafters.Role = RoleStaff
	}
	if b.Approvers.Empty() {
		b.Approvers.Role = RoleManager
	}
	return ValidateSteps(b.ApprovalSteps)
}

// String renders a frequency for logs and the CLI ("3/week Mon,Wed,Fri 12:00").
func (f Frequency) String() string {
	var days []string
	for _, d := range f.Weekdays {
		days = append(days, d.String()[:3])
	}
	return strings.TrimSpace(fmt.Sprintf("%d/%s %s %s", f.Count, f.Per, strings.Join(days, ","), strings.Join(f.Times, ",")))
}
