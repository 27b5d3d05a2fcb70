package soroe_test

import (
	"flag"
	"os"
	"testing"

	"github.com/soroe/soroe"
)

var update = flag.Bool("update", false, "rewrite generated files")

func TestRolesDoc(t *testing.T) {
	want := soroe.RolesMarkdown()
	if *update {
		if err := os.WriteFile("docs/roles.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("docs/roles.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/roles.md is out of date: run go test . -run TestRolesDoc -update")
	}
}

func TestRightsTable(t *testing.T) {
	seen := map[soroe.Action]bool{}
	for _, r := range soroe.Rights {
		if seen[r.Action] {
			t.Errorf("action %q listed twice", r.Action)
		}
		seen[r.Action] = true
		if soroe.NeedsOrg(r.Action) && len(r.Roles) == 0 {
			t.Errorf("action %q needs an organization but no role may do it", r.Action)
		}
		if !soroe.NeedsOrg(r.Action) && r.Roles != nil {
			t.Errorf("action %q needs no organization but lists roles", r.Action)
		}
		if r.JA == "" || r.EN == "" {
			t.Errorf("action %q lacks a description", r.Action)
		}
	}
	tests := []struct {
		role soroe.Role
		act  soroe.Action
		want bool
	}{
		{soroe.RoleOwner, soroe.ActMemberManage, true},
		{soroe.RoleExecutive, soroe.ActMemberManage, false},
		{soroe.RoleStaff, soroe.ActOrgUpdate, false},
		{soroe.RoleStaff, soroe.ActHome, true},
		{soroe.RoleStaff, soroe.ActUser, true},
		{soroe.RoleStaff, soroe.Action("no.such"), false},
	}
	for _, tt := range tests {
		if got := soroe.Can(tt.role, tt.act); got != tt.want {
			t.Errorf("Can(%s, %s) = %v, want %v", tt.role, tt.act, got, tt.want)
		}
	}
}

func TestOrgValidate(t *testing.T) {
	tests := []struct {
		org   soroe.Org
		field string
	}{
		{soroe.Org{Name: "揃え株式会社"}, ""},
		{soroe.Org{Name: "  "}, "name"},
		{soroe.Org{Name: "A", TimeZone: "Mars/Olympus"}, "time_zone"},
		{soroe.Org{Name: "A", TimeZone: "Local"}, "time_zone"},
		{soroe.Org{Name: "A", TimeZone: "America/New_York", Lang: "fr"}, "lang"},
	}
	for _, tt := range tests {
		err := tt.org.Validate()
		if got := soroe.ErrorField(err); got != tt.field {
			t.Errorf("%+v: field %q, want %q (%v)", tt.org, got, tt.field, err)
		}
	}
	o := soroe.Org{Name: "x"}
	if err := o.Validate(); err != nil || o.TimeZone != "Asia/Tokyo" || o.Lang != "ja" {
		t.Errorf("defaults not applied: %+v %v", o, err)
	}
}
