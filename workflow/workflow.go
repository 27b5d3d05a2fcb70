// Package workflow is the post workflow as people use it — drafting,
// review with up to three approval steps, guest approvers, scheduling,
// comments — on top of the store: it runs the per-network and risk checks
// before a post moves on, decides who may do what to a post, and notifies
// the people concerned. The web UI, the API, the CLI and the plan import
// all go through it.
package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/text"
)

// Service runs the workflow.
type Service struct {
	DB *store.DB
}

// Errors of the workflow, with stable message keys.
var (
	ErrNotYours      = &soroe.Error{Code: soroe.EForbidden, Message: "not_your_post"}
	ErrInvalidText   = &soroe.Error{Code: soroe.EInvalid, Field: "text", Message: "post_invalid_for_network"}
	ErrRiskBlocks    = &soroe.Error{Code: soroe.EInvalid, Field: "text", Message: "risk_blocks_approval"}
	ErrInPast        = &soroe.Error{Code: soroe.EInvalid, Field: "scheduled_at", Message: "in_the_past"}
	ErrNotApprover   = &soroe.Error{Code: soroe.EForbidden, Message: "not_an_approver"}
	ErrNeedsAccounts = soroe.Invalid("accounts", "required")

	// ErrUnfinished refuses a draft that still holds a placeholder or an
	// unfilled slot, or lacks the media its 型's format needs (the
	// report's Unfinished findings say which).
	ErrUnfinished = &soroe.Error{Code: soroe.EInvalid, Field: "text", Message: "post_unfinished"}
)

// Actor is who acts: a member of the post's organization.
type Actor struct {
	UserID int64
	OrgID  int64
	Role   soroe.Role
}

// MayEdit reports whether a member may change a post: managers and owners
// any post, staff their own.
func MayEdit(a Actor, p *soroe.Post) bool {
	switch a.Role {
	case soroe.RoleOwner, soroe.RoleManager:
		return true
	case soroe.RoleStaff:
		return p.AuthorID == a.UserID
	}
	return false
}

// Steps returns the approval a post needs now: its 型 version's steps, or
// the default (any manager) for a free-form post.
func (s *Service) Steps(ctx context.Context, p *soroe.Post) ([]soroe.ApprovalStep, error) {
	if p.TemplateID == nil {
		return soroe.DefaultSteps(soroe.Assignees{}), nil
	}
	t, err := s.DB.Template(ctx, p.OrgID, *p.TemplateID, p.TemplateVersion)
	if errors.Is(err, soroe.ErrNotFound) {
		return soroe.DefaultSteps(soroe.Assignees{}), nil
	} else if err != nil {
		return nil, err
	}
	return t.Steps(), nil
}

// TargetCheck is the verdict on one target.
type TargetCheck struct {
	AccountID   int64          `json:"account_id"`
	AccountName string         `json:"account_name"`
	Network     soroe.Network  `json:"network"`
	Result      text.Result    `json:"result"`
	Risks       []text.Finding `json:"risks"`
	// NeedsReconnect flags a target whose account must be reconnected
	// before it can publish.
	NeedsReconnect bool `json:"needs_reconnect"`
	// Media is why the attachments do not suit the network (a message
	// key, e.g. media_required for Instagram), or "".
	Media string `json:"media_problem,omitempty"`
}

// Report is the verdict on a whole post.
type Report struct {
	Targets []TargetCheck `json:"targets"`
	// Valid: every target's text can be posted on its network (and, from
	// CheckPost, the draft is finished).
	Valid bool `json:"valid"`
	// Risky: the risk check found something; Blocking: the organization
	// lets risk findings block approval.
	Risky    bool `json:"risky"`
	Blocking bool `json:"blocking"`
	// Reconnect lists accounts that must be reconnected.
	Reconnect []string `json:"reconnect,omitempty"`
	// Unfinished lists what keeps the draft from being finished
	// (placeholders, unfilled slots, media its 型's format needs); any
	// makes the report invalid (CheckPost).
	Unfinished []Finding `json:"unfinished"`
}

// Check runs the per-network checks (text, and the attachments against
// what each network takes) and the risk check on a post's targets (as
// stored, or as being edited). A post with media may have empty text.
func (s *Service) Check(ctx context.Context, orgID int64, targets []*soroe.Target, media []*soroe.Media) (*Report, error) {
	allowEmpty := len(media) > 0
	prof, err := s.DB.OrgProfile(ctx, orgID)
	if err != nil {
		return nil, err
	}
	accounts, err := s.DB.Accounts(ctx, orgID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*soroe.Account{}
	for _, a := range accounts {
		byID[a.ID] = a
	}
	rep := &Report{Valid: true, Targets: []TargetCheck{}, Unfinished: []Finding{}}
	risk := text.RiskConfig{NGWords: prof.NGWords, Competitors: prof.Competitors}
	for _, t := range targets {
		a := byID[t.AccountID]
		if a == nil {
			return nil, soroe.Invalid("accounts", "unknown_account")
		}
		tc := TargetCheck{AccountID: a.ID, AccountName: a.Name, Network: a.Network,
			Result: text.Check(a.Network, t.Text, text.Options{AllowEmpty: allowEmpty}),
			Risks:  text.Risk(t.Text, risk), NeedsReconnect: a.Status == soroe.AccountNeedsReconnect}
		if tc.Risks == nil {
			tc.Risks = []text.Finding{}
		}
		tc.Media = checkMedia(a.Network, media)
		rep.Valid = rep.Valid && tc.Result.Valid && tc.Media == ""
		rep.Risky = rep.Risky || len(tc.Risks) > 0
		if tc.NeedsReconnect && !slices.Contains(rep.Reconnect, a.Name) {
			rep.Reconnect = append(rep.Reconnect, a.Name)
		}
		rep.Targets = append(rep.Targets, tc)
	}
	rep.Blocking = rep.Risky && prof.BlockOnRisk
	return rep, nil
}

// checkStored checks a stored post's targets.
func (s *Service) checkStored(ctx context.Context, p *soroe.Post) (*Report, error) {
	targets, err := s.DB.Targets(ctx, p.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	if len(targets) == 0 {
		return nil, ErrNeedsAccounts
	}
	media, err := s.DB.PostMedia(ctx, p.OrgID, p.ID)
	if err != nil {
		return nil, err
	}
	return s.CheckPost(ctx, p, targets, media)
}

// Create stores a new draft by the actor, with the attachments chosen
// with it (their type and size checked by the caller). A draft with no
// text, no account and no attachment is refused (ErrEmptyDraft).
func (s *Service) Create(ctx context.Context, a Actor, p *soroe.Post, targets []*soroe.Target, media ...store.MediaUpload) error {
	p.OrgID, p.AuthorID, p.State = a.OrgID, a.UserID, soroe.PostDraft
	p.Round, p.Step, p.Steps = 0, 0, nil
	if err := emptyDraft(p, targets, len(media)); err != nil {
		return err
	}
	if err := s.checkTemplate(ctx, p); err != nil {
		return err
	}
	return s.DB.CreatePost(ctx, p, targets, media...)
}

// checkTemplate pins a post to its 型's current version (or the given
// one) and checks its goal exists.
func (s *Service) checkTemplate(ctx context.Context, p *soroe.Post) error {
	if p.TemplateID != nil {
		t, err := s.DB.Template(ctx, p.OrgID, *p.TemplateID, p.TemplateVersion)
		if errors.Is(err, soroe.ErrNotFound) {
			return soroe.Invalid("template_id", "unknown_template")
		} else if err != nil {
			return err
		}
		p.TemplateVersion = t.Version
		if p.GoalID == nil {
			g := t.GoalID
			p.GoalID = &g
		}
	}
	if p.GoalID != nil {
		if _, err := s.DB.Goal(ctx, p.OrgID, *p.GoalID); errors.Is(err, soroe.ErrNotFound) {
			return soroe.Invalid("goal_id", "unknown_goal")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Duplicate makes a new draft by the actor with another post's content
// (its 型 at the current version, text, link, accounts and variants,
// without its time) — how a failed or published post is posted again.
func (s *Service) Duplicate(ctx context.Context, a Actor, id int64) (*soroe.Post, error) {
	old, err := s.DB.Post(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	targets, err := s.DB.Targets(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	p := &soroe.Post{GoalID: old.GoalID, TemplateID: old.TemplateID, Text: old.Text, Link: old.Link}
	var ts []*soroe.Target
	for _, t := range targets {
		ts = append(ts, &soroe.Target{AccountID: t.AccountID, Text: t.Text})
	}
	if err := s.Create(ctx, a, p, ts); err != nil {
		return nil, err
	}
	return p, nil
}

// Update saves an edit; a post past draft goes back to review (and its
// first step's approvers are told). It reports whether it went back.
func (s *Service) Update(ctx context.Context, a Actor, p *soroe.Post, targets []*soroe.Target) (bool, error) {
	old, err := s.DB.Post(ctx, a.OrgID, p.ID)
	if err != nil {
		return false, err
	}
	if !MayEdit(a, old) {
		return false, ErrNotYours
	}
	p.OrgID, p.AuthorID = old.OrgID, old.AuthorID
	if strings.TrimSpace(p.Text) == "" && len(targets) == 0 {
		media, err := s.DB.PostMedia(ctx, old.OrgID, old.ID)
		if err != nil {
			return false, err
		}
		if err := emptyDraft(p, targets, len(media)); err != nil {
			return false, err
		}
	}
	if err := s.checkTemplate(ctx, p); err != nil {
		return false, err
	}
	steps, err := s.Steps(ctx, p)
	if err != nil {
		return false, err
	}
	back, err := s.DB.UpdatePost(ctx, p, targets, steps, a.UserID)
	if err == nil && back {
		s.notifyStep(ctx, p.OrgID, p.ID, steps, 0, p.AuthorID)
	}
	return back, err
}

// Submit sends a draft to review after the checks: every target's text
// must be valid for its network, and the draft finished (no placeholder,
// no unfilled slot, the media its 型's format needs).
func (s *Service) Submit(ctx context.Context, a Actor, id int64) (*soroe.Post, *Report, error) {
	p, err := s.DB.Post(ctx, a.OrgID, id)
	if err != nil {
		return nil, nil, err
	}
	if !MayEdit(a, p) {
		return nil, nil, ErrNotYours
	}
	rep, err := s.checkStored(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	if err := refusal(rep); err != nil {
		return nil, rep, err
	}
	steps, err := s.Steps(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	p, err = s.DB.SubmitPost(ctx, a.OrgID, id, steps, a.UserID)
	if err != nil {
		return nil, rep, err
	}
	s.notifyStep(ctx, p.OrgID, p.ID, p.Steps, 0, p.AuthorID)
	return p, rep, nil
}

// notifyStep tells a step's member approvers that a post waits for them.
func (s *Service) notifyStep(ctx context.Context, orgID, postID int64, steps []soroe.ApprovalStep, i int, except int64) {
	if i >= len(steps) {
		return
	}
	members, err := s.DB.Members(ctx, orgID)
	if err != nil {
		return
	}
	var ids []int64
	for _, id := range soroe.StepApprovers(steps[i], members) {
		if id != except {
			ids = append(ids, id)
		}
	}
	_, _ = s.DB.Notify(ctx, soroe.Notification{OrgID: orgID, Kind: soroe.NotifyReviewRequest, PostID: &postID,
		Params: map[string]string{"Step": stepName(steps, i), store.ParamStepName: steps[i].Name,
			store.ParamStepNo: strconv.Itoa(i + 1), store.ParamStepCount: strconv.Itoa(len(steps))}}, true, ids...)
}

func stepName(steps []soroe.ApprovalStep, i int) string {
	if steps[i].Name != "" {
		return steps[i].Name
	}
	return fmt.Sprintf("%d/%d", i+1, len(steps))
}

// Decide records a member's or a guest's decision on the step a post
// waits at. An approval is refused while the text is invalid for a network
// or the draft unfinished, or, when the organization says so, while the
// risk check finds something.
// A member decides as userID (guest zero); a guest as guest (userID 0).
func (s *Service) Decide(ctx context.Context, orgID int64, id int64, d store.Decision) (*soroe.Post, *Report, error) {
	p, err := s.DB.Post(ctx, orgID, id)
	if err != nil {
		return nil, nil, err
	}
	if p.State == soroe.PostInReview {
		if d.UserID != 0 {
			members, err := s.DB.Members(ctx, orgID)
			if err != nil {
				return nil, nil, err
			}
			if !soroe.MayDecide(p.Steps, p.Step, members, d.UserID) {
				return nil, nil, ErrNotApprover
			}
		} else if p.Step >= len(p.Steps) || !slices.ContainsFunc(p.Steps[p.Step].Guests, func(g soroe.Guest) bool { return g.Email == d.Guest.Email }) {
			return nil, nil, ErrNotApprover
		}
	}
	var rep *Report
	if d.Decision == soroe.DecisionApprove {
		rep, err = s.checkStored(ctx, p)
		if err != nil {
			return nil, nil, err
		}
		if err := refusal(rep); err != nil {
			return nil, rep, err
		}
		if rep.Blocking {
			return nil, rep, ErrRiskBlocks
		}
	}
	after, err := s.DB.DecidePost(ctx, orgID, id, d)
	if err != nil {
		if soroe.ErrorCode(err) == soroe.EForbidden {
			return nil, rep, ErrNotApprover
		}
		return nil, rep, err
	}
	postID := after.ID
	switch {
	case d.Decision == soroe.DecisionReject:
		_, _ = s.DB.Notify(ctx, soroe.Notification{OrgID: orgID, Kind: soroe.NotifyRejected, PostID: &postID,
			Params: map[string]string{"Comment": d.Comment}}, false, after.AuthorID)
	case after.State == soroe.PostInReview && after.Step != p.Step:
		s.notifyStep(ctx, orgID, postID, after.Steps, after.Step, after.AuthorID)
	case after.State == soroe.PostApproved || after.State == soroe.PostScheduled:
		_, _ = s.DB.Notify(ctx, soroe.Notification{OrgID: orgID, Kind: soroe.NotifyApproved, PostID: &postID,
			Params: map[string]string{"State": after.State}}, false, after.AuthorID)
	}
	return after, rep, nil
}

// Schedule sets an approved (or scheduled) post to go out at at, which
// must not be in the past; every target must be valid for its network and
// the draft finished. A refusal by the checks comes with their report.
func (s *Service) Schedule(ctx context.Context, a Actor, id int64, at time.Time) (*Report, error) {
	p, err := s.DB.Post(ctx, a.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !MayEdit(a, p) {
		return nil, ErrNotYours
	}
	if at.Before(s.DB.Now().Add(-PastGrace)) {
		return nil, ErrInPast
	}
	rep, err := s.checkStored(ctx, p)
	if err != nil {
		return nil, err
	}
	if err := refusal(rep); err != nil {
		return rep, err
	}
	return rep, s.DB.SchedulePost(ctx, a.OrgID, id, at, a.UserID)
}

// Reschedule moves a post that has not gone out (calendar drag).
func (s *Service) Reschedule(ctx context.Context, a Actor, id int64, at *time.Time) error {
	p, err := s.DB.Post(ctx, a.OrgID, id)
	if err != nil {
		return err
	}
	if !MayEdit(a, p) {
		return ErrNotYours
	}
	if at != nil && p.State == soroe.PostScheduled && at.Before(s.DB.Now().Add(-PastGrace)) {
		return ErrInPast
	}
	return s.DB.ReschedulePost(ctx, a.OrgID, id, at, a.UserID)
}

// Unschedule takes a post off the schedule.
func (s *Service) Unschedule(ctx context.Context, a Actor, id int64) error {
	p, err := s.DB.Post(ctx, a.OrgID, id)
	if err != nil {
		return err
	}
	if !MayEdit(a, p) {
		return ErrNotYours
	}
	return s.DB.UnschedulePost(ctx, a.OrgID, id, a.UserID)
}

// Delete removes a post that has not gone out.
func (s *Service) Delete(ctx context.Context, a Actor, id int64) error {
	p, err := s.DB.Post(ctx, a.OrgID, id)
	if err != nil {
		return err
	}
	if !MayEdit(a, p) {
		return ErrNotYours
	}
	return s.DB.DeletePost(ctx, a.OrgID, id)
}

// Comment adds a comment; members @mentioned by name or email are
// notified, and so is the post's author.
func (s *Service) Comment(ctx context.Context, a Actor, c *soroe.Comment) error {
	c.AuthorID = a.UserID
	if err := s.DB.AddComment(ctx, a.OrgID, c); err != nil {
		return err
	}
	members, err := s.DB.Members(ctx, a.OrgID)
	if err != nil {
		return err
	}
	postID := c.PostID
	params := map[string]string{"Author": c.AuthorName, "Excerpt": excerpt(c.Body, 80)}
	mentioned := Mentions(c.Body, members)
	mentioned = slices.DeleteFunc(mentioned, func(id int64) bool { return id == a.UserID })
	_, _ = s.DB.Notify(ctx, soroe.Notification{OrgID: a.OrgID, Kind: soroe.NotifyMention, PostID: &postID, Params: params}, false, mentioned...)
	if p, err := s.DB.Post(ctx, a.OrgID, c.PostID); err == nil && p.AuthorID != a.UserID && !slices.Contains(mentioned, p.AuthorID) {
		_, _ = s.DB.Notify(ctx, soroe.Notification{OrgID: a.OrgID, Kind: soroe.NotifyCommentOnPost, PostID: &postID, Params: params}, false, p.AuthorID)
	}
	return nil
}

// Mentions returns the members a text @mentions, by name (spaces allowed,
// full-width ＠ too) or by email, longest names first so "@佐藤 花子" is
// not also "@佐藤".
func Mentions(body string, members []*soroe.Member) []int64 {
	norm := strings.ToLower(strings.ReplaceAll(body, "＠", "@"))
	type cand struct {
		id   int64
		name string
	}
	var cands []cand
	for _, m := range members {
		if m.Name != "" {
			cands = append(cands, cand{m.UserID, m.Name})
			if n := strings.ReplaceAll(m.Name, " ", ""); n != m.Name {
				cands = append(cands, cand{m.UserID, n})
			}
		}
		cands = append(cands, cand{m.UserID, m.Email})
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return len(b.name) - len(a.name) })
	var out []int64
	for _, c := range cands {
		key := "@" + strings.ToLower(c.name)
		if i := strings.Index(norm, key); i >= 0 {
			if !slices.Contains(out, c.id) {
				out = append(out, c.id)
			}
			norm = norm[:i] + strings.Repeat(" ", len(key)) + norm[i+len(key):]
		}
	}
	return out
}

func excerpt(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
