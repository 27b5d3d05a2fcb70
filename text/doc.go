// Package text holds the per-network rules for post text — how each network
// counts length and what it refuses — and the risk check for wording a
// company should not publish. Everything here is a pure function of its
// input: no I/O, no clock, no globals that change.
//
// Check measures a text for one network (soroe.Network) and lists its
// Problems; Options carries the settings an organization or a Mastodon
// instance changes. The rules and their sources are in Check's comment and
// in shared/reference/platforms.md.
//
// ParseTweet is twitter-text's weighted length (configurations TwitterV1,
// TwitterV2 and TwitterV3), with its URL extractor (ExtractURLs) and the
// entity validators (ValidURL, ValidHashtag, ValidUsername, ValidList,
// ValidTweet). Together they pass every case of twitter-text's validation
// conformance suite, a copy of which lives in testdata/twitter-text.
//
// Risk lists risky passages: claims that 薬機法 and 景表法 forbid or require a
// basis for, discriminatory and violent words, phone numbers and email
// addresses, and the organization's competitor names and NG words
// (RiskConfig). Whether a finding blocks approval is the organization's
// setting, not this package's.
//
// All offsets (Problem.Start/End, Finding.Start/End, Entity.Start/End) are
// rune offsets, i.e. indices into []rune(s), End exclusive — except
// TweetParse's ranges, which keep twitter-text's inclusive UTF-16 indices.
package text
