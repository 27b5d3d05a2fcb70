package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// withDB runs fn on the migrated store, with library logs kept quiet.
func (a *app) withDB(cmd *cobra.Command, fn func(ctx context.Context, db *store.DB) error) error {
	return a.withStore(cmd, a.open, fn)
}

// withStore runs fn on the store open delivers, and closes it after.
func (a *app) withStore(cmd *cobra.Command, open func(context.Context) (*store.DB, error), fn func(ctx context.Context, db *store.DB) error) error {
	quietLogs()
	ctx := cmd.Context()
	db, err := open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(ctx, db)
}

// withOrg runs fn on the store and the organization ref names (--org or ORG).
func (a *app) withOrg(cmd *cobra.Command, ref string, fn func(ctx context.Context, db *store.DB, o *soroe.Org) error) error {
	return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
		o, err := resolveOrg(ctx, db, ref)
		if err != nil {
			return err
		}
		return fn(ctx, db, o)
	})
}

// withUser runs fn on the store and the user with the email.
func (a *app) withUser(cmd *cobra.Command, email string, fn func(ctx context.Context, db *store.DB, u *soroe.User) error) error {
	return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
		u, err := resolveUser(ctx, db, email)
		if err != nil {
			return err
		}
		return fn(ctx, db, u)
	})
}

// resolveOrg finds the organization ref names: an ID, or else an exact name.
// An ID always wins, so an organization whose name is ambiguous (or looks like
// a number) can still be reached by its ID. With no ref it is the only
// organization there is; when there are several, the error lists them so
// the next command line can name one.
func resolveOrg(ctx context.Context, db *store.DB, ref string) (*soroe.Org, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		orgs, err := db.Orgs(ctx)
		if err != nil {
			return nil, err
		}
		return onlyOrg(orgs)
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
		if _, err := db.Member(ctx, o.ID, u.ID); err != nil {
			return nil, memberErr(err, u, o)
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
	orgs := make([]*soroe.Org, len(ms))
	for i, m := range ms {
		orgs[i] = &soroe.Org{ID: m.OrgID, Name: m.OrgName}
	}
	return nil, &soroe.Error{Code: soroe.EInvalid, Field: "org",
		Message: fmt.Sprintf("%s belongs to %d organizations; choose one with --org (ID or name):\n%s", u.Email, len(ms), orgChoices(orgs))}
}

// onlyOrg is the one organization of orgs, the default of a command given no
// --org; none or several is an error that says what to do.
func onlyOrg(orgs []*soroe.Org) (*soroe.Org, error) {
	switch len(orgs) {
	case 0:
		return nil, &soroe.Error{Code: soroe.ENotFound, Field: "org",
			Message: "there is no organization yet (create one with `soroe org add --name NAME --owner EMAIL`, or run `soroe serve` and set it up in the browser)"}
	case 1:
		return orgs[0], nil
	}
	return nil, &soroe.Error{Code: soroe.EInvalid, Field: "org",
		Message: fmt.Sprintf("there are %d organizations; choose one with --org (ID or name):\n%s", len(orgs), orgChoices(orgs))}
}

// orgChoices lists organizations one a line as `  ID  "name"`.
func orgChoices(orgs []*soroe.Org) string {
	s := make([]string, len(orgs))
	for i, o := range orgs {
		s[i] = fmt.Sprintf("  %d  %q", o.ID, o.Name)
	}
	return strings.Join(s, "\n")
}

// notMember is the error for a user who does not belong to an organization.
func notMember(u *soroe.User, o *soroe.Org) error {
	return &soroe.Error{Code: soroe.ENotFound, Field: "email",
		Message: fmt.Sprintf("%s is not a member of %q (ID %d)", u.Email, o.Name, o.ID)}
}

// memberErr is err of a store call about u's membership of o, with "not
// found" said as notMember.
func memberErr(err error, u *soroe.User, o *soroe.Org) error {
	if soroe.ErrorCode(err) == soroe.ENotFound {
		return notMember(u, o)
	}
	return err
}

// withMembership runs fn on the store, --org and the user email names, who
// need not be a member yet.
func (a *app) withMembership(cmd *cobra.Command, org, email string, fn func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error) error {
	return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
		u, err := resolveUser(ctx, db, email)
		if err != nil {
			return err
		}
		return fn(ctx, db, o, u)
	})
}

// withActor runs fn on the store, --org and the member --as names, once it is
// checked that the member's role may do act. Without --org it is the
// member's only organization.
func (a *app) withActor(cmd *cobra.Command, org, as string, act soroe.Action, fn func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error) error {
	return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
		o, u, err := actor(ctx, db, org, as, act)
		if err != nil {
			return err
		}
		return fn(ctx, db, o, u)
	})
}

// orList joins roles as "owner, executive or manager".
func orList(roles []soroe.Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// resolveGoal finds goal ref (an ID) in the organization.
func resolveGoal(ctx context.Context, db *store.DB, o *soroe.Org, ref string) (*soroe.Goal, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(ref), 10, 64)
	if err == nil {
		g, err := db.Goal(ctx, o.ID, id)
		if soroe.ErrorCode(err) != soroe.ENotFound {
			return g, err
		}
	}
	return nil, &soroe.Error{Code: soroe.ENotFound, Field: "goal",
		Message: fmt.Sprintf("%q has no goal %q (see `soroe goal list --org %d`)", o.Name, ref, o.ID)}
}
