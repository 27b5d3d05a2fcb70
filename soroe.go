// Package soroe holds Soroe's domain: the types every other package speaks,
// their validation, the roles table, and the errors that cross package lines.
// It imports nothing of ours.
package soroe

import (
	"strings"
	"time"
	_ "time/tzdata" // time zones work on machines without zoneinfo
)

// Clock returns the current time. Every component that needs "now" takes one,
// so tests can fix it.
type Clock func() time.Time

// SystemClock is the real clock, in UTC.
func SystemClock() time.Time { return time.Now().UTC() }

// Languages the UI speaks. Japanese is the default.
const (
	LangJA = "ja"
	LangEN = "en"
)

// DefaultLang is the language used when nothing else says otherwise.
const DefaultLang = LangJA

// DefaultTimeZone is the time zone new organizations get.
const DefaultTimeZone = "Asia/Tokyo"

// ValidLang reports whether l is a language Soroe's UI speaks.
func ValidLang(l string) bool { return l == LangJA || l == LangEN }

// User is a person who can log in. One user may belong to several
// organizations (an agency, for example).
type User struct {
	ID                int64     `json:"id"`
	Email             string    `json:"email"`
	Name              string    `json:"name"`
	Lang              string    `json:"lang"`
	PasswordHash      string    `json:"-"`
	PasswordChangedAt time.Time `json:"-"`
	CreatedAt         time.Time `json:"created_at"`
}

// Org is an organization: a company, or one client of an agency. Nothing of
// one organization is visible from another.
type Org struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	TimeZone  string    `json:"time_zone"`
	Lang      string    `json:"lang"`
	CreatedAt time.Time `json:"created_at"`
}

// Location returns the organization's time zone, falling back to UTC when the
// stored name is unknown to this binary (it never is: names are validated).
func (o *Org) Location() *time.Location {
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Validate checks an organization before it is stored.
func (o *Org) Validate() error {
	o.Name = strings.TrimSpace(o.Name)
	if o.Name == "" {
		return Invalid("name", "required")
	}
	if len([]rune(o.Name)) > 100 {
		return Invalid("name", "too_long")
	}
	if o.TimeZone == "" {
		o.TimeZone = DefaultTimeZone
	}
	if _, err := time.LoadLocation(o.TimeZone); err != nil || o.TimeZone == "Local" {
		return Invalid("time_zone", "unknown_time_zone")
	}
	if o.Lang == "" {
		o.Lang = DefaultLang
	}
	if !ValidLang(o.Lang) {
		return Invalid("lang", "unknown_language")
	}
	return nil
}

// Member is a user's membership in one organization, with the role it has
// there.
type Member struct {
	OrgID     int64     `json:"org_id"`
	UserID    int64     `json:"user_id"`
	Role      Role      `json:"role"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	OrgName   string    `json:"org_name,omitempty"`
	CreatedAt time.Time `json:"joined_at"`
}

// Invitation lets someone join an organization with a role by following a
// link. Only the hash of the link's secret is stored.
type Invitation struct {
	ID         int64      `json:"id"`
	OrgID      int64      `json:"org_id"`
	Email      string     `json:"email,omitempty"`
	Role       Role       `json:"role"`
	TokenHash  []byte     `json:"-"`
	CreatedBy  int64      `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AcceptedAt *time.Time `json:"accepted_at,omitempty"`
	AcceptedBy *int64     `json:"accepted_by,omitempty"`
}

// InvitationLifetime is how long an invitation link stays valid.
const InvitationLifetime = 7 * 24 * time.Hour

// Usable reports whether the invitation can still be accepted at now.
func (i *Invitation) Usable(now time.Time) bool {
	return i.AcceptedAt == nil && now.Before(i.ExpiresAt)
}

// Token is a personal API token. It acts as its user in one organization, with
// the role the user has there at the time of each request. Only a hash of the
// secret is stored; Prefix is kept to tell tokens apart in lists.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	OrgID      int64      `json:"org_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Hash       []byte     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}
