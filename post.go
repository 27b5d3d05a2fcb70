package soroe

import (
	"net/url"
	"slices"
	"time"
	"unicode/utf8"
)

// Post states: the workflow of the whole post.
const (
	PostDraft     = "draft"
	PostInReview  = "in_review"
	PostApproved  = "approved"
	PostScheduled = "scheduled"
	PostPublished = "published" // every target sent
	PostFailed    = "failed"    // every target settled, at least one failed
)

// PostStates lists the post states.
var PostStates = []string{PostDraft, PostInReview, PostApproved, PostScheduled, PostPublished, PostFailed}

// Target states: one post on one account. queued → sending → sent | failed
// | unconfirmed; sending → queued only for a retry the network allows;
// unconfirmed → sent (found on the network) or → queued (a retry that
// cannot post twice). Nothing leaves sent.
const (
	TargetQueued      = "queued"
	TargetSending     = "sending"
	TargetSent        = "sent"
	TargetFailed      = "failed"
	TargetUnconfirmed = "unconfirmed"
)

// Post is one piece of content, published to one or more accounts (its
// targets).
type Post struct {
	ID              int64      `json:"id"`
	OrgID           int64      `json:"org_id"`
	GoalID          *int64     `json:"goal_id,omitempty"`
	TemplateID      *int64     `json:"template_id,omitempty"` // nil: free-form
	TemplateVersion int        `json:"template_version,omitempty"`
	AuthorID        int64      `json:"author_id"`
	State           string     `json:"state"`
	ScheduledAt     *time.Time `json:"scheduled_at,omitempty"`
	Link            string     `json:"link,omitempty"`
	// Text is the post's main text; each target has its own copy, which
	// may differ (a per-network variant).
	Text string `json:"text"`
	// Round counts the submissions for review; approvals belong to one.
	Round int `json:"round"`
	// Steps are the approval steps frozen at submission; Step is the one
	// waiting for decisions while in review.
	Steps []ApprovalStep `json:"steps,omitempty"`
	Step  int            `json:"step"`
	// SlotAt is the planned slot of the 型's cadence the post fills.
	SlotAt    *time.Time `json:"slot_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Editable reports whether a post's content may still change: nothing of
// it has gone to a network.
func (p *Post) Editable(targets []*Target) bool {
	if p.State == PostPublished || p.State == PostFailed {
		return false
	}
	for _, t := range targets {
		if t.Attempts > 0 || t.State != TargetQueued {
			return false
		}
	}
	return true
}

// Validate checks a post before it is stored.
func (p *Post) Validate() error {
	if p.State == "" {
		p.State = PostDraft
	}
	switch {
	case !slices.Contains(PostStates, p.State):
		return Invalid("state", "unknown_state")
	case p.State == PostScheduled && p.ScheduledAt == nil:
		return Invalid("scheduled_at", "required")
	case len(p.Link) > 2048:
		return Invalid("link", "too_long")
	case p.Link != "" && !validLink(p.Link):
		return Invalid("link", "invalid_url")
	case utf8.RuneCountInString(p.Text) > 100_000:
		return Invalid("text", "too_long")
	case p.TemplateID == nil && p.TemplateVersion != 0:
		return Invalid("template_version", "without_template")
	}
	return nil
}

// Target is a post on one account, with its own publishing state.
type Target struct {
	ID        int64   `json:"id"`
	PostID    int64   `json:"post_id"`
	OrgID     int64   `json:"org_id"`
	AccountID int64   `json:"account_id"`
	Network   Network `json:"network"`
	Text      string  `json:"text"`
	State     string  `json:"state"`
	// Attempts counts the calls made to the network (claims).
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	// IdempotencyKey is random and fixed when the target is created; every
	// attempt sends the same one.
	IdempotencyKey string     `json:"-"`
	FirstAttemptAt *time.Time `json:"first_attempt_at,omitempty"`
	LastAttemptAt  *time.Time `json:"last_attempt_at,omitempty"`
	RemoteID       string     `json:"remote_id,omitempty"`
	URL            string     `json:"url,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
}

// PostEvent is one line of a post's history.
type PostEvent struct {
	ID        int64     `json:"id"`
	PostID    int64     `json:"post_id"`
	TargetID  *int64    `json:"target_id,omitempty"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Detail    string    `json:"detail,omitempty"`
	ActorID   *int64    `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name,omitempty"` // a member's name, or a guest's
}

// Comment is a message on a post; ParentID makes it a reply.
type Comment struct {
	ID         int64     `json:"id"`
	PostID     int64     `json:"post_id"`
	ParentID   *int64    `json:"parent_id,omitempty"`
	AuthorID   int64     `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

// Memo is a post's 工夫メモ: what was tried with it — a new angle, a
// photo, a time of day, a hashtag — written by its author or a member
// who worked on it, shown beside its numbers in the history and reports.
type Memo struct {
	PostID        int64     `json:"post_id"`
	Body          string    `json:"body"`
	UpdatedBy     int64     `json:"updated_by"`
	UpdatedByName string    `json:"updated_by_name"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// MaxMemoRunes is the longest a 工夫メモ may be: a short note, not a report.
const MaxMemoRunes = 500

// Media is an attachment of a post (its bytes are kept by the store).
type Media struct {
	ID          int64     `json:"id"`
	PostID      int64     `json:"post_id"`
	OrgID       int64     `json:"org_id"`
	Position    int       `json:"position"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Bytes       int64     `json:"bytes"`
	SHA256      string    `json:"sha256"`
	Alt         string    `json:"alt,omitempty"`
	CreatedBy   int64     `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

func validLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// AuthoredPost is what a member's effort is read from: one of their posts
// that went out, when, for which planned slot, and how its review went.
type AuthoredPost struct {
	PostID     int64      `json:"post_id"`
	AuthorID   int64      `json:"author_id"`
	SlotAt     *time.Time `json:"slot_at,omitempty"` // the 型's slot it filled
	SentAt     time.Time  `json:"sent_at"`           // when its first target went out
	Approvals  int        `json:"approvals"`         // decisions to approve, every round
	Rejections int        `json:"rejections"`        // decisions to send it back
}
