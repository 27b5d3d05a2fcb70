package soroe

import (
	"slices"
	"testing"
)

func TestProgress(t *testing.T) {
	members := []*Member{{UserID: 1, Role: RoleOwner}, {UserID: 2, Role: RoleManager}, {UserID: 3, Role: RoleManager}, {UserID: 4, Role: RoleExecutive}, {UserID: 5, Role: RoleStaff}}
	id := func(n int64) *int64 { return &n }
	anyMgr := ApprovalStep{Mode: ApproveAny, Approvers: Assignees{Role: RoleManager}}
	allMgr := ApprovalStep{Mode: ApproveAll, Approvers: Assignees{Role: RoleManager}}
	legal := ApprovalStep{Mode: ApproveAll, Approvers: Assignees{UserIDs: []int64{4}}, Guests: []Guest{{Name: "弁護士", Email: "l@example.jp"}}}
	nobody := ApprovalStep{Mode: ApproveAny, Approvers: Assignees{Role: RoleExecutive, UserIDs: []int64{99}}}
	for _, c := range []struct {
		name      string
		steps     []ApprovalStep
		approvals []*Approval
		current   int
	}{
		{"nothing yet", []ApprovalStep{anyMgr}, nil, 0},
		{"any: one manager", []ApprovalStep{anyMgr}, []*Approval{{Step: 0, UserID: id(3), Decision: DecisionApprove}}, 1},
		{"any: staff does not count", []ApprovalStep{anyMgr}, []*Approval{{Step: 0, UserID: id(5), Decision: DecisionApprove}}, 0},
		{"all: one of two managers", []ApprovalStep{allMgr}, []*Approval{{Step: 0, UserID: id(2), Decision: DecisionApprove}}, 0},
		{"all: both managers", []ApprovalStep{allMgr}, []*Approval{{Step: 0, UserID: id(2), Decision: DecisionApprove}, {Step: 0, UserID: id(3), Decision: DecisionApprove}}, 1},
		{"all: twice the same person", []ApprovalStep{allMgr}, []*Approval{{Step: 0, UserID: id(2), Decision: DecisionApprove}, {Step: 0, UserID: id(2), Decision: DecisionApprove}}, 0},
		{"two steps, first done", []ApprovalStep{anyMgr, legal}, []*Approval{{Step: 0, UserID: id(2), Decision: DecisionApprove}, {Step: 1, UserID: id(4), Decision: DecisionApprove}}, 1},
		{"member and guest", []ApprovalStep{anyMgr, legal}, []*Approval{{Step: 0, UserID: id(2), Decision: DecisionApprove}, {Step: 1, UserID: id(4), Decision: DecisionApprove}, {Step: 1, GuestEmail: "l@example.jp", Decision: DecisionApprove}}, 2},
		{"an unknown guest does not count", []ApprovalStep{legal}, []*Approval{{Step: 0, UserID: id(4), Decision: DecisionApprove}, {Step: 0, GuestEmail: "x@example.jp", Decision: DecisionApprove}}, 0},
		{"a rejection is no approval", []ApprovalStep{anyMgr}, []*Approval{{Step: 0, UserID: id(2), Decision: DecisionReject}}, 0},
		{"approval on the wrong step", []ApprovalStep{anyMgr, anyMgr}, []*Approval{{Step: 1, UserID: id(2), Decision: DecisionApprove}}, 0},
		{"no member can decide: owners may", []ApprovalStep{{Mode: ApproveAll, Approvers: Assignees{UserIDs: []int64{99}}}}, []*Approval{{Step: 0, UserID: id(1), Decision: DecisionApprove}}, 1},
		{"the executive named and by role", []ApprovalStep{nobody}, []*Approval{{Step: 0, UserID: id(4), Decision: DecisionApprove}}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, got := Progress(c.steps, members, c.approvals)
			if got != c.current {
				t.Errorf("current step %d, want %d", got, c.current)
			}
		})
	}
	if !MayDecide([]ApprovalStep{anyMgr}, 0, members, 2) || MayDecide([]ApprovalStep{anyMgr}, 0, members, 1) || MayDecide([]ApprovalStep{anyMgr}, 1, members, 2) {
		t.Error("MayDecide")
	}
}

func TestValidateSteps(t *testing.T) {
	steps := []ApprovalStep{{Name: " 法務 ", Guests: []Guest{{Email: " L@Example.jp "}, {Email: "l@example.jp"}, {Email: ""}}}, {}}
	if err := ValidateSteps(steps); err != nil {
		t.Fatal(err)
	}
	if steps[0].Name != "法務" || steps[0].Mode != ApproveAny || len(steps[0].Guests) != 1 || steps[0].Guests[0].Name != "l@example.jp" || !steps[0].Approvers.Empty() {
		t.Errorf("tidied: %+v", steps[0])
	}
	if steps[1].Approvers.Role != RoleManager {
		t.Errorf("empty step: %+v", steps[1])
	}
	for _, bad := range [][]ApprovalStep{
		make([]ApprovalStep, 4),
		{{Mode: "most"}},
		{{Approvers: Assignees{Role: "king"}}},
		{{Guests: []Guest{{Email: "not an email"}}}},
	} {
		if err := ValidateSteps(bad); ErrorField(err) != "approval_steps" {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if got := (&TemplateBody{Approvers: Assignees{UserIDs: []int64{7}}}).Steps(); len(got) != 1 || !slices.Equal(got[0].Approvers.UserIDs, []int64{7}) {
		t.Errorf("default steps %+v", got)
	}
}
