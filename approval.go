package soroe

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Approval modes of a step.
const (
	ApproveAny = "any" // one approval from the step's approvers is enough
	ApproveAll = "all" // every approver of the step must approve
)

// MaxApprovalSteps is the most steps an approval may have (広報 → 法務 → 部長).
const MaxApprovalSteps = 3

// Decisions on a step.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject" // 差し戻し: the post goes back to its author
)

// Guest is an approver outside Soroe (e.g. legal counsel), who decides
// through a signed, expiring link without an account.
type Guest struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// ApprovalStep is one step of a post's approval.
type ApprovalStep struct {
	Name      string    `json:"name"`
	Mode      string    `json:"mode"` // ApproveAny or ApproveAll
	Approvers Assignees `json:"approvers"`
	Guests    []Guest   `json:"guests,omitempty"`
}

// Validate checks and tidies a list of approval steps.
func ValidateSteps(steps []ApprovalStep) error {
	if len(steps) > MaxApprovalSteps {
		return Invalid("approval_steps", "too_many_steps")
	}
	for i := range steps {
		s := &steps[i]
		s.Name = strings.TrimSpace(s.Name)
		if s.Mode == "" {
			s.Mode = ApproveAny
		}
		if s.Mode != ApproveAny && s.Mode != ApproveAll {
			return Invalid("approval_steps", "unknown_mode")
		}
		if utf8.RuneCountInString(s.Name) > 60 {
			return Invalid("approval_steps", "too_long")
		}
		if s.Approvers.Role != "" && !s.Approvers.Role.Valid() {
			return Invalid("approval_steps", "unknown_role")
		}
		var guests []Guest
		for _, g := range s.Guests {
			g.Name, g.Email = strings.TrimSpace(g.Name), strings.ToLower(strings.TrimSpace(g.Email))
			if g.Email == "" {
				continue
			}
			if a, err := mail.ParseAddress(g.Email); err != nil || a.Address != g.Email {
				return Invalid("approval_steps", "invalid_email")
			}
			if g.Name == "" {
				g.Name = g.Email
			}
			if !slices.ContainsFunc(guests, func(o Guest) bool { return o.Email == g.Email }) {
				guests = append(guests, g)
			}
		}
		s.Guests = guests
		if s.Approvers.Empty() && len(s.Guests) == 0 {
			s.Approvers.Role = RoleManager
		}
	}
	return nil
}

// DefaultSteps is the approval of a free-form post and of a 型 that names
// no steps: one step, any manager (広報).
func DefaultSteps(approvers Assignees) []ApprovalStep {
	if approvers.Empty() {
		approvers.Role = RoleManager
	}
	return []ApprovalStep{{Mode: ApproveAny, Approvers: approvers}}
}

// Approval is one decision on one step of one review round of a post: by
// a member (UserID) or a guest (GuestEmail).
type Approval struct {
	ID         int64     `json:"id"`
	PostID     int64     `json:"post_id"`
	Round      int       `json:"round"`
	Step       int       `json:"step"`
	UserID     *int64    `json:"user_id,omitempty"`
	GuestEmail string    `json:"guest_email,omitempty"`
	GuestName  string    `json:"guest_name,omitempty"`
	Decision   string    `json:"decision"`
	Comment    string    `json:"comment,omitempty"`
	At         time.Time `json:"at"`
}

// StepApprovers returns who may decide a step among members: the members
// it names and those with its role. Owners may decide a step that no
// member and no guest can decide (so that a post is never stuck).
func StepApprovers(s ApprovalStep, members []*Member) []int64 {
	var out []int64
	for _, m := range members {
		if slices.Contains(s.Approvers.UserIDs, m.UserID) || (s.Approvers.Role != "" && m.Role == s.Approvers.Role) {
			out = append(out, m.UserID)
		}
	}
	if len(out) == 0 && len(s.Guests) == 0 {
		for _, m := range members {
			if m.Role == RoleOwner {
				out = append(out, m.UserID)
			}
		}
	}
	return out
}

// StepProgress is how far one step is.
type StepProgress struct {
	Index    int          `json:"index"`
	Step     ApprovalStep `json:"step"`
	Done     bool         `json:"done"`
	Approved []int64      `json:"approved_by,omitempty"` // members who approved
	Guests   []string     `json:"approved_by_guests,omitempty"`
	Waiting  []int64      `json:"waiting_for,omitempty"` // members still to approve ("all"), or who may ("any")
	Pending  []string     `json:"waiting_for_guests,omitempty"`
}

// Progress evaluates a review round: each step's progress, and the index
// of the first step not done (len(steps) when every step is done). Only
// approvals of the round count; a step's approvals count only from people
// who may decide it.
func Progress(steps []ApprovalStep, members []*Member, round []*Approval) ([]StepProgress, int) {
	out := make([]StepProgress, len(steps))
	current := len(steps)
	for i, s := range steps {
		p := StepProgress{Index: i, Step: s}
		eligible := StepApprovers(s, members)
		for _, a := range round {
			if a.Step != i || a.Decision != DecisionApprove {
				continue
			}
			switch {
			case a.UserID != nil && slices.Contains(eligible, *a.UserID) && !slices.Contains(p.Approved, *a.UserID):
				p.Approved = append(p.Approved, *a.UserID)
			case a.GuestEmail != "" && slices.ContainsFunc(s.Guests, func(g Guest) bool { return g.Email == a.GuestEmail }) && !slices.Contains(p.Guests, a.GuestEmail):
				p.Guests = append(p.Guests, a.GuestEmail)
			}
		}
		for _, id := range eligible {
			if !slices.Contains(p.Approved, id) {
				p.Waiting = append(p.Waiting, id)
			}
		}
		for _, g := range s.Guests {
			if !slices.Contains(p.Guests, g.Email) {
				p.Pending = append(p.Pending, g.Email)
			}
		}
		if s.Mode == ApproveAll {
			p.Done = len(p.Waiting) == 0 && len(p.Pending) == 0 && len(eligible)+len(s.Guests) > 0
		} else {
			p.Done = len(p.Approved)+len(p.Guests) > 0
		}
		if !p.Done && current == len(steps) {
			current = i
		}
		out[i] = p
	}
	return out, current
}

// MayDecide reports whether a member may decide step i of steps.
func MayDecide(steps []ApprovalStep, i int, members []*Member, userID int64) bool {
	if i < 0 || i >= len(steps) {
		return false
	}
	return slices.Contains(StepApprovers(steps[i], members), userID)
}
