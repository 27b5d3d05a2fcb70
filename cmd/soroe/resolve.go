package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// resolveOrg finds the organization ref names: an ID, or else an exact name.
// An ID always wins, so an organization whose name is ambiguous (or looks like
// a number) can still be reached by its ID.
func resolveOrg(ctx context.Context, db *store.DB, ref string) (*soroe.Org, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "org", Message: "give an organization ID or name"}
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		o, err := db.Org(ctx, id)
		if err == nil {
			return o, nil
		} else if soroe.ErrorCode(err) != soroe.ENotFound {
			return nil, err
		}
	}
	orgs, err := db.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	var found []*soroe.Org
	for _, o := range orgs {
		if o.Name == ref {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 0:
		return nil, &soroe.Error{Code: soroe.ENotFound, Field: "org",
			Message: fmt.Sprintf("no organization has the ID or name %q (see `soroe org list`)", ref)}
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, o := range found {
		ids[i] = strconv.FormatInt(o.ID, 10)
	}
	return nil, &soroe.Error{Code: soroe.EInvalid, Field: "org",
		Message: fmt.Sprintf("%d organizations are named %q; give the ID instead: %s", len(found), ref, strings.Join(ids, ", "))}
}

// resolveUser finds a user by email.
func resolveUser(ctx context.Context, db *store.DB, email string) (*soroe.User, error) {
	if strings.TrimSpace(email) == "" {
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "email", Message: "required"}
	}
	u, err := db.UserByEmail(ctx, email)
	if soroe.ErrorCode(err) == soroe.ENotFound {
		return nil, &soroe.Error{Code: soroe.ENotFound, Field: "email",
			Message: fmt.Sprintf("no user has the email %q (see `soroe user list`)", store.NormalizeEmail(email))}
	}
	return u, err
}

// resolveMemberOrg finds the organization a command about user u works in:
// the one ref names, which u must belong to, or, when ref is empty, u's only
// organization. A user in several organizations must choose one.
func resolveMemberOrg(ctx context.Context, db *store.DB, u *soroe.User, ref string) (*soroe.Org, error) {
	if strings.TrimSpace(ref) != "" {
		o, err := resolveOrg(ctx, db, ref)
		if err != nil {
			return nil, err
		}
		if _, err := db.Member(ctx, o.ID, u.ID); soroe.ErrorCode(err) == soroe.ENotFound {
			return nil, notMember(u, o)
		} else if err != nil {
			return nil, err
		}
		return o, nil
	}
	ms, err := db.Memberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	switch len(ms) {
	case 0:
		return nil, &soroe.Error{Code: soroe.EInvalid, Field: "org",
			Message: fmt.Sprintf("%s belongs to no organization (add them with `soroe member add`)", u.Email)}
	case 1:
		return db.Org(ctx, ms[0].OrgID)
	}
	return nil, &soroe.Error{Code: soroe.EInvalid, Field: "org",
		Message: fmt.Sprintf("%s belongs to %d organizations; choose one with --org: %s", u.Email, len(ms), orgChoices(ms))}
}

// orgChoices lists the organizations of memberships as `ID "name"`.
func orgChoices(ms []*soroe.Member) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = fmt.Sprintf("%d %q", m.OrgID, m.OrgName)
	}
	return strings.Join(s, ", ")
}

// notMember is the error for a user who does not belong to an organization.
func notMember(u *soroe.User, o *soroe.Org) error {
	return &soroe.Error{Code: soroe.ENotFound, Field: "email",
		Message: fmt.Sprintf("%s is not a member of %q (ID %d)", u.Email, o.Name, o.ID)}
}
