package soroe

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ActionItem is an improvement agreed on (対応策): what will be done, by
// whom, by when, prompted by which insight or post, and — once done — what
// it changed. Open items appear on their owners' homes and in every report
// until done.
type ActionItem struct {
	ID       int64        `json:"id"`
	OrgID    int64        `json:"org_id"`
	Title    string       `json:"title"`
	Detail   string       `json:"detail,omitempty"`
	OwnerID  int64        `json:"owner_id,omitempty"`
	Owner    string       `json:"owner,omitempty"` // the owner's name, read
	DueOn    Date         `json:"due_on,omitempty"`
	Status   ActionStatus `json:"status"`
	GoalID   int64        `json:"goal_id,omitempty"`
	Source   ActionSource `json:"source"`
	Outcome  string       `json:"outcome,omitempty"` // what it changed, written when done
	Comments int          `json:"comments"`
	// CreatedBy is the executive or manager who agreed on it.
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
}

// ActionSource is what prompted an action: an insight (its key and the
// words it had then), a post or external post of the history, or nothing.
type ActionSource struct {
	Kind string `json:"kind,omitempty"` // insight, post, external
	Ref  string `json:"ref,omitempty"`  // the insight's key, or the post's ID
	Note string `json:"note,omitempty"` // the insight's text when the action was made
}

// ActionStatus is where an action stands.
type ActionStatus string

// Action statuses.
const (
	ActionOpen    ActionStatus = "open"
	ActionDoing   ActionStatus = "doing"
	ActionDone    ActionStatus = "done"
	ActionDropped ActionStatus = "dropped" // decided against
)

// ActionStatuses lists them in order.
var ActionStatuses = []ActionStatus{ActionOpen, ActionDoing, ActionDone, ActionDropped}

// Valid reports whether s is a status.
func (s ActionStatus) Valid() bool {
	for _, x := range ActionStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Closed reports whether the action no longer needs doing.
func (s ActionStatus) Closed() bool { return s == ActionDone || s == ActionDropped }

// Limits of an action's texts.
const (
	MaxActionTitleRunes  = 120
	MaxActionDetailRunes = 2000
)

// Check tidies and checks what a person typed.
func (a *ActionItem) Check() error {
	a.Title = strings.TrimSpace(a.Title)
	a.Detail = strings.TrimSpace(a.Detail)
	a.Outcome = strings.TrimSpace(a.Outcome)
	switch {
	case a.Title == "":
		return Invalid("title", "required")
	case utf8.RuneCountInString(a.Title) > MaxActionTitleRunes:
		return Invalid("title", "too_long")
	case utf8.RuneCountInString(a.Detail) > MaxActionDetailRunes:
		return Invalid("detail", "too_long")
	case utf8.RuneCountInString(a.Outcome) > MaxActionDetailRunes:
		return Invalid("outcome", "too_long")
	case a.Status == "":
		a.Status = ActionOpen
	case !a.Status.Valid():
		return Invalid("status", "unknown_status")
	}
	if a.DueOn != "" {
		d, err := ParseDate(string(a.DueOn))
		if err != nil {
			return Invalid("due_on", "invalid_date")
		}
		a.DueOn = d
	}
	switch a.Source.Kind {
	case "", "insight", "post", "external":
	default:
		return Invalid("source", "unknown_source")
	}
	return nil
}
