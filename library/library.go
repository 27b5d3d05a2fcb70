// Package library is Soroe's builtin library of starter 型: for every
// purpose category (soroe.Purposes), ready-made templates in Japanese and
// English, and the goal and KPIs a purpose usually starts from. The
// three-step setup offers them to a new organization; the demo seeds from
// them; the AI generator (a later issue) adds generated ones beside them.
//
// The library is plain Go data, one entry per starter with a stable key, so
// that it can grow without touching its callers. Everything it returns is a
// fresh copy: callers may change what they get.
package library

import (
	"slices"
	"time"

	"github.com/soroe/soroe"
)

// Entry is one starter 型 of the library in one language.
type Entry struct {
	Key     string        // stable within its purpose, e.g. "day_in_life"
	Purpose soroe.Purpose // what the 型 serves
	Lang    string        // soroe.LangJA or soroe.LangEN
	Body    soroe.TemplateBody
}

// starter is a library entry in both languages.
type starter struct {
	key     string
	purpose soroe.Purpose
	ja, en  soroe.TemplateBody
}

// all is the library, in display order within each purpose.
var all = concat(recruiting, leadGeneration, awareness, sales, community, other)

func concat(lists ...[]starter) []starter {
	var out []starter
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// lang returns l if the library speaks it, else the default language.
func lang(l string) string {
	if soroe.ValidLang(l) {
		return l
	}
	return soroe.DefaultLang
}

// Entries returns the starter 型 of a purpose in a language (an unknown
// language gets Japanese), in display order.
func Entries(purpose soroe.Purpose, l string) []Entry {
	l = lang(l)
	var out []Entry
	for _, s := range all {
		if s.purpose != purpose {
			continue
		}
		b := s.ja
		if l == soroe.LangEN {
			b = s.en
		}
		out = append(out, Entry{Key: s.key, Purpose: s.purpose, Lang: l, Body: clone(b)})
	}
	return out
}

// Starters returns the bodies of a purpose's starter 型 in a language.
func Starters(purpose soroe.Purpose, l string) []soroe.TemplateBody {
	var out []soroe.TemplateBody
	for _, e := range Entries(purpose, l) {
		out = append(out, e.Body)
	}
	return out
}

// Lookup returns one starter by purpose and key.
func Lookup(purpose soroe.Purpose, l, key string) (Entry, bool) {
	for _, e := range Entries(purpose, l) {
		if e.Key == key {
			return e, true
		}
	}
	return Entry{}, false
}

// clone copies a body so that no caller shares the library's slices.
func clone(b soroe.TemplateBody) soroe.TemplateBody {
	b.Networks = slices.Clone(b.Networks)
	b.Hashtags = slices.Clone(b.Hashtags)
	b.Dos = slices.Clone(b.Dos)
	b.Donts = slices.Clone(b.Donts)
	b.Checklist = slices.Clone(b.Checklist)
	b.Frequency.Weekdays = slices.Clone(b.Frequency.Weekdays)
	b.Frequency.Times = slices.Clone(b.Frequency.Times)
	b.Drafters.UserIDs = slices.Clone(b.Drafters.UserIDs)
	b.Approvers.UserIDs = slices.Clone(b.Approvers.UserIDs)
	return b
}

// Shorthands for the data files.
type (
	nets = []soroe.Network
	days = []time.Weekday
	strs = []string
)

const (
	x         = soroe.NetworkX
	instagram = soroe.NetworkInstagram
	facebook  = soroe.NetworkFacebook
	threads   = soroe.NetworkThreads
	linkedin  = soroe.NetworkLinkedIn
	line      = soroe.NetworkLINE
	mon       = time.Monday
	tue       = time.Tuesday
	wed       = time.Wednesday
	thu       = time.Thursday
	fri       = time.Friday
	sat       = time.Saturday
	sun       = time.Sunday
)

func weekly(n int, d days, times ...string) soroe.Frequency {
	return soroe.Frequency{Count: n, Per: "week", Weekdays: d, Times: times}
}

func monthly(n int, d days, times ...string) soroe.Frequency {
	return soroe.Frequency{Count: n, Per: "month", Weekdays: d, Times: times}
}
