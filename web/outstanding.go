package web

import "github.com/soroe/soroe"

// What a post that went out in part still waits for: the posts people
// make by hand. The publisher marks a by-hand target (a manual account, or
// one registered without API access) unconfirmed at the post's time and it
// stays so until a member records its URL; the post stays scheduled until
// then, although its other networks have it.

// pendingByHand returns the names of the accounts whose by-hand post is
// due and not recorded yet, in the targets' order. account finds an
// account by ID (nil when unknown).
func pendingByHand(targets []*soroe.Target, account func(id int64) *soroe.Account) []string {
	var names []string
	for _, t := range targets {
		if t.State != soroe.TargetUnconfirmed {
			continue
		}
		if a := account(t.AccountID); a != nil && a.ByHand() {
			names = append(names, a.Name)
		}
	}
	return names
}

// partlyPublished reports whether a post still waiting to be published
// has gone out on some of its networks.
func partlyPublished(p *soroe.Post, targets []*soroe.Target) bool {
	if p.State != soroe.PostScheduled {
		return false
	}
	for _, t := range targets {
		if t.State == soroe.TargetSent {
			return true
		}
	}
	return false
}

// accountFinder finds accounts of a list by ID.
func accountFinder(accounts []*soroe.Account) func(id int64) *soroe.Account {
	byID := make(map[int64]*soroe.Account, len(accounts))
	for _, a := range accounts {
		byID[a.ID] = a
	}
	return func(id int64) *soroe.Account { return byID[id] }
}
