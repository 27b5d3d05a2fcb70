package library_test

import (
	"fmt"
	"slices"
	"testing"
	"unicode"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/library"
)

// hasJapanese reports whether s holds kana or kanji.
func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// TestStarters: every purpose has at least three starter 型 in each
// language; every one is a complete, valid body with named slots; they are
// distinct; Japanese ones are written in Japanese and English ones are not.
func TestStarters(t *testing.T) {
	names := map[string]bool{}
	structures := map[string]bool{}
	for _, p := range soroe.Purposes {
		for _, l := range []string{soroe.LangJA, soroe.LangEN} {
			t.Run(fmt.Sprintf("%s/%s", p, l), func(t *testing.T) {
				entries := library.Entries(p, l)
				if len(entries) < 3 {
					t.Fatalf("%d starters; want at least 3", len(entries))
				}
				if got := library.Starters(p, l); len(got) != len(entries) {
					t.Errorf("Starters gives %d, Entries %d", len(got), len(entries))
				}
				keys := map[string]bool{}
				for _, e := range entries {
					b := e.Body
					where := fmt.Sprintf("%s %q", e.Key, b.Name)
					if e.Purpose != p || e.Lang != l || e.Key == "" || keys[e.Key] {
						t.Errorf("%s: purpose %s lang %s key %q (duplicate %v)", where, e.Purpose, e.Lang, e.Key, keys[e.Key])
					}
					keys[e.Key] = true
					if err := b.Validate(); err != nil {
						t.Errorf("%s: invalid: %v", where, err)
					}
					if b.Theme == "" || b.CTA == "" || b.ToneNotes == "" || len(b.Hashtags) == 0 ||
						len(b.Dos) == 0 || len(b.Donts) == 0 || len(b.Checklist) == 0 {
						t.Errorf("%s: incomplete: %+v", where, b)
					}
					if len(b.Frequency.Weekdays) == 0 || len(b.Frequency.Times) == 0 {
						t.Errorf("%s: frequency names no days or times: %v", where, b.Frequency)
					}
					if len(b.Slots()) < 2 {
						t.Errorf("%s: structure has %d slots: %q", where, len(b.Slots()), b.Structure)
					}
					if names[l+b.Name] || structures[b.Structure] {
						t.Errorf("%s: not distinct", where)
					}
					names[l+b.Name], structures[b.Structure] = true, true
					text := b.Name + b.Theme + b.Structure + b.CTA
					if l == soroe.LangJA && !hasJapanese(text) {
						t.Errorf("%s: Japanese starter without Japanese text", where)
					}
					if l == soroe.LangEN && hasJapanese(text) {
						t.Errorf("%s: English starter with Japanese text", where)
					}
					if !e.Body.Drafters.Empty() || !e.Body.Approvers.Empty() {
						t.Errorf("%s: a library 型 names no people", where)
					}
				}
				// The two languages offer the same starters.
				var other []string
				ol := soroe.LangEN
				if l == soroe.LangEN {
					ol = soroe.LangJA
				}
				for _, e := range library.Entries(p, ol) {
					other = append(other, e.Key)
				}
				for k := range keys {
					if !slices.Contains(other, k) {
						t.Errorf("%s is missing in %s", k, ol)
					}
				}
			})
		}
	}
}

func TestCopies(t *testing.T) {
	a := library.Starters(soroe.PurposeRecruiting, soroe.LangJA)
	a[0].Hashtags[0] = "#changed"
	a[0].Frequency.Weekdays[0] = 6
	b := library.Starters(soroe.PurposeRecruiting, soroe.LangJA)
	if b[0].Hashtags[0] == "#changed" || b[0].Frequency.Weekdays[0] == 6 {
		t.Error("a caller's change reached the library")
	}
	k := library.SuggestedKPIs(soroe.PurposeAwareness)
	k[0].Target = 1
	if library.SuggestedKPIs(soroe.PurposeAwareness)[0].Target == 1 {
		t.Error("a caller's change reached the suggested KPIs")
	}
}

func TestLookupAndFallback(t *testing.T) {
	e, ok := library.Lookup(soroe.PurposeLeadGeneration, soroe.LangEN, "case_study")
	if !ok || e.Body.Name != "Customer story" {
		t.Errorf("lookup: %v %+v", ok, e)
	}
	if _, ok := library.Lookup(soroe.PurposeLeadGeneration, soroe.LangEN, "day_in_life"); ok {
		t.Error("a recruiting key was found under lead generation")
	}
	if got := library.Entries(soroe.PurposeSales, "fr"); len(got) == 0 || got[0].Lang != soroe.LangJA {
		t.Errorf("unknown language: %+v", got)
	}
	if got := library.Entries("nonsense", soroe.LangJA); len(got) != 0 {
		t.Errorf("unknown purpose: %d starters", len(got))
	}
}

// TestSuggestedKPIs: each purpose starts from a valid goal with the
// expected primary KPI and a sensible target.
func TestSuggestedKPIs(t *testing.T) {
	primary := map[soroe.Purpose]string{
		soroe.PurposeRecruiting:     "conversions:application",
		soroe.PurposeLeadGeneration: "conversions:document_download",
		soroe.PurposeAwareness:      "impressions",
		soroe.PurposeSales:          "conversions:purchase",
		soroe.PurposeCommunity:      "engagements",
		soroe.PurposeOther:          "impressions",
	}
	secondary := map[soroe.Purpose]string{
		soroe.PurposeRecruiting:     "link_clicks",
		soroe.PurposeLeadGeneration: "link_clicks",
		soroe.PurposeAwareness:      "engagement_rate",
		soroe.PurposeSales:          "link_clicks",
		soroe.PurposeCommunity:      "followers_gained",
	}
	for _, p := range soroe.Purposes {
		ks := library.SuggestedKPIs(p)
		if len(ks) == 0 || !ks[0].Primary || ks[0].Label() != primary[p] {
			t.Errorf("%s: primary %v", p, ks)
			continue
		}
		if len(ks) > 1 && ks[1].Label() != secondary[p] || len(ks) == 1 && secondary[p] != "" {
			t.Errorf("%s: secondary KPIs %v", p, ks[1:])
		}
		for _, k := range ks {
			if k.Target <= 0 || (k.Metric.Ratio() && k.Target >= 1) {
				t.Errorf("%s: %s target %v", p, k.Label(), k.Target)
			}
		}
		for _, l := range []string{soroe.LangJA, soroe.LangEN} {
			s := library.SuggestGoal(p, l)
			g := &soroe.Goal{Title: s.Title, Strategy: s.Strategy, Purpose: p, OwnerID: 1,
				StartOn: "2026-04-01", Deadline: "2026-06-30", KPIs: library.SuggestedKPIs(p)}
			if err := g.Validate(); err != nil {
				t.Errorf("%s/%s: the suggested goal is invalid: %v", p, l, err)
			}
			if (l == soroe.LangJA) != hasJapanese(s.Title+s.Strategy) || s.Strategy == "" {
				t.Errorf("%s/%s: suggestion in the wrong language: %+v", p, l, s)
			}
		}
	}
	if got := library.SuggestedKPIs("nonsense"); len(got) == 0 {
		t.Error("an unknown purpose has no KPIs")
	}
}
