package soroe

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Account statuses.
const (
	AccountOK             = "ok"
	AccountNeedsReconnect = "needs_reconnect"
)

// Account is a social-network account an organization has connected. Its
// credentials are kept by the store as an opaque, encrypted string (sealed
// with secretbox by the caller) and never appear here.
type Account struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	Network   Network   `json:"network"`
	Name      string    `json:"name"`   // what people call it in Soroe
	Handle    string    `json:"handle"` // @name, handle.bsky.social, …
	Host      string    `json:"host"`   // Mastodon instance, Bluesky PDS; empty: the network's default
	Status    string    `json:"status"` // AccountOK, AccountNeedsReconnect
	CreatedAt time.Time `json:"created_at"`
	// NoAPI says the account was registered by its handle without API
	// access: its posts are posted by hand (like "manual") and its numbers
	// come from imports or are typed in. Connecting the API later (a
	// reconnect) keeps its history.
	NoAPI bool `json:"no_api"`
}

// ByHand reports whether the account's posts are posted by a person.
func (a *Account) ByHand() bool { return a.Network == NetworkManual || a.NoAPI }

// Validate checks an account before it is stored.
func (a *Account) Validate() error {
	a.Name = strings.TrimSpace(a.Name)
	a.Handle = strings.TrimSpace(a.Handle)
	a.Host = strings.TrimSpace(a.Host)
	switch {
	case !a.Network.Valid():
		return Invalid("network", "unknown_network")
	case a.Name == "":
		return Invalid("name", "required")
	case utf8.RuneCountInString(a.Name) > 100:
		return Invalid("name", "too_long")
	case len(a.Handle) > 200:
		return Invalid("handle", "too_long")
	case len(a.Host) > 2048:
		return Invalid("host", "too_long")
	}
	if a.Status == "" {
		a.Status = AccountOK
	}
	if a.Status != AccountOK && a.Status != AccountNeedsReconnect {
		return Invalid("status", "unknown_status")
	}
	return nil
}
