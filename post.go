package soroe

import (
	"slices"
	"time"
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
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
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
	ID       int64     `json:"id"`
	PostID   int64     `json:"post_id"`
	TargetID *int64    `json:"target_id,omitempty"`
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"`
	Detail   string    `json:"detail,omitempty"`
}
