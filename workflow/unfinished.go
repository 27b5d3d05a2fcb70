package workflow

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// Unfinished-draft checks: a post that still holds what a person was meant
// to replace, or lacks what its 型's format needs, never goes on. These are
// findings of the pre-publish check like a network's rules: they make the
// report invalid, so submit, approval (member or guest) and scheduling
// refuse the post, and the editor shows them as you type.

// Finding codes of an unfinished draft.
const (
	// UnfinishedPlaceholder: the text holds a generator placeholder
	// (「【ここに…】」, "[add …]"); Value is the placeholder.
	UnfinishedPlaceholder = "placeholder"
	// UnfinishedSlot: the text holds one of its 型's slots unfilled
	// ("{社員名}"); Value is the slot's name.
	UnfinishedSlot = "unfilled_slot"
	// UnfinishedImage: the 型's format (image, carousel) needs Need images
	// and the post has fewer; Value is the format.
	UnfinishedImage = "format_needs_image"
	// UnfinishedVideo: the 型's format (short_video) needs a video; Value
	// is the format.
	UnfinishedVideo = "format_needs_video"
)

// Finding is one reason a draft is not finished.
type Finding struct {
	Code  string `json:"code"`
	Value string `json:"value,omitempty"`
	// Need is how many images or videos the format needs (the media
	// findings).
	Need int `json:"need,omitempty"`
}

// placeholderPatterns match the builtin and LLM generators' placeholders
// (generate.Placeholder): 「【ここに枠の名前】」 and "[add slot name]".
var placeholderPatterns = []*regexp.Regexp{
	regexp.MustCompile(`【ここに[^【】\n]{0,80}】`),
	regexp.MustCompile(`\[add [^\[\]\n]{1,80}\]`),
}

// FormatMedia is how many images or videos a 型's format needs: a photo
// post one image, a carousel two or more, a short video one video.
var FormatMedia = map[string]struct{ Images, Videos int }{
	"image":       {Images: 1},
	"carousel":    {Images: 2},
	"short_video": {Videos: 1},
}

// UnfinishedFindings lists what keeps a post from being finished: the
// placeholders and unfilled slots of its 型 (t may be nil: a free-form
// post has no slots, but a pasted placeholder still counts) in any of its
// texts, and the media its 型's format needs. Each finding once, in order.
// It never returns nil.
func UnfinishedFindings(t *soroe.Template, texts []string, media []*soroe.Media) []Finding {
	out := []Finding{}
	add := func(f Finding) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	var slots []string
	if t != nil {
		slots = t.Slots()
	}
	for _, s := range texts {
		for _, re := range placeholderPatterns {
			for _, m := range re.FindAllString(s, -1) {
				add(Finding{Code: UnfinishedPlaceholder, Value: m})
			}
		}
		for _, name := range slots {
			if strings.Contains(s, "{"+name+"}") {
				add(Finding{Code: UnfinishedSlot, Value: name})
			}
		}
	}
	if t == nil {
		return out
	}
	need, ok := FormatMedia[t.Format]
	if !ok {
		return out
	}
	var images, videos int
	for _, m := range media {
		switch {
		case strings.HasPrefix(m.ContentType, "image/"):
			images++
		case strings.HasPrefix(m.ContentType, "video/"):
			videos++
		}
	}
	if images < need.Images {
		add(Finding{Code: UnfinishedImage, Value: t.Format, Need: need.Images})
	}
	if videos < need.Videos {
		add(Finding{Code: UnfinishedVideo, Value: t.Format, Need: need.Videos})
	}
	return out
}

// PostTemplate is the 型 version a post was made from, nil for a
// free-form post or a 型 that no longer exists.
func (s *Service) PostTemplate(ctx context.Context, p *soroe.Post) (*soroe.Template, error) {
	if p.TemplateID == nil {
		return nil, nil
	}
	t, err := s.DB.Template(ctx, p.OrgID, *p.TemplateID, p.TemplateVersion)
	if errors.Is(err, soroe.ErrNotFound) {
		return nil, nil
	}
	return t, err
}

// CheckPost is Check for a whole post, stored or being edited: the
// per-network and risk checks on its targets, and the unfinished-draft
// findings from its texts, its 型 (at the post's version; the current one
// for a post not stored yet) and media. A post without targets gets the
// unfinished findings only.
func (s *Service) CheckPost(ctx context.Context, p *soroe.Post, targets []*soroe.Target, media []*soroe.Media) (*Report, error) {
	rep, err := s.Check(ctx, p.OrgID, targets, media)
	if err != nil {
		return nil, err
	}
	t, err := s.PostTemplate(ctx, p)
	if err != nil {
		return nil, err
	}
	texts := []string{p.Text}
	for _, tg := range targets {
		if tg.Text != p.Text {
			texts = append(texts, tg.Text)
		}
	}
	rep.Unfinished = UnfinishedFindings(t, texts, media)
	if len(rep.Unfinished) > 0 {
		rep.Valid = false
	}
	return rep, nil
}

// refusal is the error a report that does not let a post go on answers:
// an unfinished draft first (its own words), then the networks' rules; nil
// when the report is valid.
func refusal(rep *Report) error {
	switch {
	case len(rep.Unfinished) > 0:
		return ErrUnfinished
	case !rep.Valid:
		return ErrInvalidText
	}
	return nil
}

// ErrEmptyDraft refuses a draft with neither text nor an account (nor an
// attachment): there is nothing to keep.
var ErrEmptyDraft = &soroe.Error{Code: soroe.EInvalid, Field: "text", Message: "draft_empty"}

// PastGrace is how far behind the clock a 予約日時 may be: the time it took
// to press the button (the form has minutes only).
const PastGrace = time.Minute

// CheckScheduledAt refuses a 予約日時 in the past (ErrInPast), by the
// store's clock. was is the time the post has stored (nil for a new post):
// keeping it unchanged is no new choice and is not refused, so that an
// older post can still be edited. The editor and the API call it before
// Create and Update; the plan import refuses past times itself.
func (s *Service) CheckScheduledAt(p *soroe.Post, was *time.Time) error {
	if p.ScheduledAt == nil || (was != nil && was.Equal(*p.ScheduledAt)) {
		return nil
	}
	if p.ScheduledAt.Before(s.DB.Now().Add(-PastGrace)) {
		return ErrInPast
	}
	return nil
}

// emptyDraft refuses a post with no text, no account and no attachment.
func emptyDraft(p *soroe.Post, targets []*soroe.Target, media int) error {
	if strings.TrimSpace(p.Text) == "" && len(targets) == 0 && media == 0 {
		return ErrEmptyDraft
	}
	return nil
}
