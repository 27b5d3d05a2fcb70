// Package demo seeds the demo organization that `soroe serve --demo` shows.
// It seeds once: a restart keeps whatever users changed.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// Password is every demo user's password.
const Password = "soroe-demo"

// User is one demo login.
type User struct {
	Email, Name string
	Role        soroe.Role
}

// Users are the demo logins: one per role. The owner manages members and
// settings; the other three are the roles Soroe is built around.
var Users = []User{
	{"owner@demo.soroe.local", "井上 直子", soroe.RoleOwner},
	{"exec@demo.soroe.local", "佐藤 健一", soroe.RoleExecutive},
	{"pr@demo.soroe.local", "鈴木 美咲", soroe.RoleManager},
	{"staff@demo.soroe.local", "田中 翔太", soroe.RoleStaff},
}

// OrgName is the demo organization's name.
const OrgName = "揃え工務店（デモ）"

const seededKey = "demo_seeded_org"

// Seed creates the demo organization and users unless they were seeded
// before. It returns the organization's ID.
func Seed(ctx context.Context, db *store.DB) (int64, error) {
	if v, err := db.Meta(ctx, seededKey); err != nil {
		return 0, err
	} else if v != "" {
		var id int64
		_, err := fmt.Sscan(v, &id)
		return id, err
	}
	hash, err := soroe.HashPassword(Password)
	if err != nil {
		return 0, err
	}
	var org *soroe.Org
	for i, du := range Users {
		u, err := db.UserByEmail(ctx, du.Email)
		if errors.Is(err, soroe.ErrNotFound) {
			u = &soroe.User{Email: du.Email, Name: du.Name, Lang: soroe.LangJA, PasswordHash: hash}
			if i == 0 {
				org = &soroe.Org{Name: OrgName, TimeZone: soroe.DefaultTimeZone, Lang: soroe.LangJA}
				err = db.CreateUserWithOrg(ctx, u, org)
			} else {
				err = db.CreateUser(ctx, u)
			}
		}
		if err != nil {
			return 0, fmt.Errorf("demo: %s: %w", du.Email, err)
		}
		if org == nil {
			// The owner existed before (a half-finished earlier seed):
			// give them a fresh demo organization.
			org = &soroe.Org{Name: OrgName, TimeZone: soroe.DefaultTimeZone, Lang: soroe.LangJA}
			if err := db.CreateOrg(ctx, org, u.ID); err != nil {
				return 0, err
			}
			continue
		}
		if i > 0 {
			if err := db.InsertMember(ctx, org.ID, u.ID, du.Role); err != nil && soroe.ErrorCode(err) != soroe.EConflict {
				return 0, err
			}
		}
	}
	if err := db.SetMeta(ctx, seededKey, fmt.Sprint(org.ID)); err != nil {
		return 0, err
	}
	return org.ID, nil
}
