// Package insight turns the history into observations a team can act on
// (改善点): the 型 that work best and worst per goal, the best weekday and
// hour per network, goals whose pace needs more posts, posts far above
// their account's usual score and what they had in common, accounts whose
// reach is falling, 型 whose cadence is slipping. Each insight carries its
// evidence and how many posts are behind it. Pure functions: the caller
// reads the data.
package insight

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/score"
)

// Kinds of insight; each is a message key "insights.kind.<kind>" with the
// insight's Params.
const (
	KindTemplateBest    = "template_best"
	KindTemplateWorst   = "template_worst"
	KindBestWeekday     = "best_weekday"
	KindBestHour        = "best_hour"
	KindGoalPace        = "goal_pace"
	KindStandouts       = "standouts"
	KindReachFalling    = "reach_falling"
	KindCadenceSlipping = "cadence_slipping"
)

// Post is a published post (or external post) as the insights read it.
type Post struct {
	ID              int64
	External        bool
	AccountID       int64
	Network         soroe.Network
	GoalID          int64
	TemplateID      int64
	TemplateVersion int
	PublishedAt     time.Time
	Score           *int64
	Exposure        *int64
	Memo            string
	Media           bool // it had a picture or a video
}

// Template is a 型.
type Template struct {
	ID     int64
	Name   string
	GoalID int64
}

// Goal is a goal with its primary KPI's standing today.
type Goal struct {
	ID       int64
	Title    string
	KPI      string // the primary KPI's name
	Progress score.Progress
}

// Account is a network account.
type Account struct {
	ID      int64
	Name    string
	Network soroe.Network
}

// Cadence is a 型's planned and published posts over the last weeks.
type Cadence struct {
	TemplateID         int64
	Planned, Published int
}

// Input is what the insights are computed from.
type Input struct {
	Now       time.Time
	Loc       *time.Location
	Posts     []Post // the window's posts (e.g. the last 90 days)
	Templates []Template
	Goals     []Goal
	Accounts  []Account
	Cadence   []Cadence // the last CadenceWeeks weeks
}

// Insight is one observation.
type Insight struct {
	Key    string            `json:"key"` // stable: what actions link to
	Kind   string            `json:"kind"`
	Params map[string]string `json:"params"`
	// Posts is how many posts are behind it, Sure how sure it is
	// (low, medium, high, by that number).
	Posts int    `json:"posts"`
	Sure  string `json:"sure"`
	// Evidence are the posts it rests on (the best few first).
	Evidence []Ref `json:"evidence,omitempty"`
	GoalID   int64 `json:"goal_id,omitempty"`
}

// Ref names a post of the evidence.
type Ref struct {
	ID       int64 `json:"id"`
	External bool  `json:"external"`
}

// Thresholds.
const (
	MinPosts      = 3    // posts a group needs before it says anything
	StandoutScore = 80   // a score at or above is a standout …
	StandoutLift  = 1.5  // … when also this much above its account's mean
	TimingLift    = 1.15 // a weekday or hour worth naming beats the mean by this
	ReachDrop     = 0.8  // exposure per post below this share of before
	CadenceShare  = 0.75 // published below this share of planned
	CadenceWeeks  = 4
	ReachDays     = 28
)

// Sure grades the number of posts behind an insight.
func Sure(n int) string {
	switch {
	case n >= 15:
		return "high"
	case n >= 6:
		return "medium"
	}
	return "low"
}

type group struct {
	sum  float64
	n    int
	refs []scored
}

type scored struct {
	ref   Ref
	score int64
}

func (g *group) add(p Post) {
	g.sum += float64(*p.Score)
	g.n++
	g.refs = append(g.refs, scored{Ref{p.ID, p.External}, *p.Score})
}

func (g *group) mean() float64 { return g.sum / float64(g.n) }

func (g *group) evidence(k int) []Ref {
	slices.SortStableFunc(g.refs, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	var out []Ref
	for i := 0; i < len(g.refs) && i < k; i++ {
		out = append(out, g.refs[i].ref)
	}
	return out
}

func one(x float64) string { return strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64) }

// Compute returns the insights, the most useful kinds first.
func Compute(in Input) []Insight {
	if in.Loc == nil {
		in.Loc = time.UTC
	}
	var out []Insight
	out = append(out, templates(in)...)
	out = append(out, goalPace(in)...)
	out = append(out, standouts(in)...)
	out = append(out, timing(in)...)
	out = append(out, reach(in)...)
	out = append(out, cadence(in)...)
	return out
}

// templates: per goal, the 型 version with the best and the worst mean
// score, when at least two versions have MinPosts scored posts.
func templates(in Input) []Insight {
	names := map[int64]Template{}
	for _, t := range in.Templates {
		names[t.ID] = t
	}
	type key struct {
		goal, tpl int64
		ver       int
	}
	groups := map[key]*group{}
	for _, p := range in.Posts {
		t, ok := names[p.TemplateID]
		if !ok || p.Score == nil || t.GoalID == 0 {
			continue
		}
		k := key{t.GoalID, p.TemplateID, p.TemplateVersion}
		if groups[k] == nil {
			groups[k] = &group{}
		}
		groups[k].add(p)
	}
	byGoal := map[int64][]key{}
	for k, g := range groups {
		if g.n >= MinPosts {
			byGoal[k.goal] = append(byGoal[k.goal], k)
		}
	}
	var out []Insight
	for _, g := range in.Goals {
		ks := byGoal[g.ID]
		if len(ks) < 2 {
			continue
		}
		slices.SortFunc(ks, func(a, b key) int {
			if c := cmp.Compare(groups[b].mean(), groups[a].mean()); c != 0 {
				return c
			}
			return cmp.Or(cmp.Compare(a.tpl, b.tpl), cmp.Compare(a.ver, b.ver))
		})
		best, worst := ks[0], ks[len(ks)-1]
		n := groups[best].n + groups[worst].n
		for _, x := range []struct {
			kind string
			k    key
		}{{KindTemplateBest, best}, {KindTemplateWorst, worst}} {
			gr := groups[x.k]
			out = append(out, Insight{Key: fmt.Sprintf("%s/%d", x.kind, g.ID), Kind: x.kind, GoalID: g.ID, Posts: n, Sure: Sure(n),
				Params: map[string]string{"Goal": g.Title, "Template": names[x.k.tpl].Name, "Version": strconv.Itoa(x.k.ver),
					"Score": one(gr.mean()), "Count": strconv.Itoa(gr.n), "Other": one(groups[ks[len(ks)-1]].mean()), "Best": one(groups[ks[0]].mean())},
				Evidence: gr.evidence(3)})
		}
	}
	return out
}

// timing: per network, the weekday and the hour whose posts score best,
// when that bucket has MinPosts posts and beats the network's mean.
func timing(in Input) []Insight {
	type bucket struct {
		net  soroe.Network
		unit int
	}
	days, hours, nets := map[bucket]*group{}, map[bucket]*group{}, map[soroe.Network]*group{}
	for _, p := range in.Posts {
		if p.Score == nil {
			continue
		}
		t := p.PublishedAt.In(in.Loc)
		for _, x := range []struct {
			m map[bucket]*group
			u int
		}{{days, int(t.Weekday())}, {hours, t.Hour()}} {
			b := bucket{p.Network, x.u}
			if x.m[b] == nil {
				x.m[b] = &group{}
			}
			x.m[b].add(p)
		}
		if nets[p.Network] == nil {
			nets[p.Network] = &group{}
		}
		nets[p.Network].add(p)
	}
	var out []Insight
	for _, net := range soroe.Networks {
		all := nets[net]
		if all == nil || all.n < 2*MinPosts {
			continue
		}
		for _, x := range []struct {
			kind string
			m    map[bucket]*group
		}{{KindBestWeekday, days}, {KindBestHour, hours}} {
			var best *group
			unit := -1
			for b, g := range x.m {
				if b.net != net || g.n < MinPosts {
					continue
				}
				if best == nil || g.mean() > best.mean() || (g.mean() == best.mean() && b.unit < unit) {
					best, unit = g, b.unit
				}
			}
			if best == nil || best.mean() < TimingLift*all.mean() {
				continue
			}
			p := map[string]string{"Network": string(net), "Score": one(best.mean()), "Mean": one(all.mean()), "Count": strconv.Itoa(best.n),
				"Lift": one(best.mean() / math.Max(all.mean(), 1))}
			if x.kind == KindBestWeekday {
				p["Weekday"] = strconv.Itoa(unit) // 0 = Sunday
			} else {
				p["Hour"] = strconv.Itoa(unit)
			}
			out = append(out, Insight{Key: fmt.Sprintf("%s/%s", x.kind, net), Kind: x.kind, Params: p, Posts: all.n, Sure: Sure(best.n),
				Evidence: best.evidence(3)})
		}
	}
	return out
}

// goalPace: a goal at risk or behind on a count KPI: how many more posts a
// week its pace needs, if the posts keep their yield (KPI per post).
func goalPace(in Input) []Insight {
	recent := map[int64]int{} // the goal's posts in the last four weeks
	since := in.Now.Add(-CadenceWeeks * 7 * 24 * time.Hour)
	tplGoal := map[int64]int64{}
	for _, t := range in.Templates {
		tplGoal[t.ID] = t.GoalID
	}
	for _, p := range in.Posts {
		g := p.GoalID
		if g == 0 {
			g = tplGoal[p.TemplateID]
		}
		if g != 0 && !p.PublishedAt.Before(since) {
			recent[g]++
		}
	}
	var out []Insight
	for _, g := range in.Goals {
		pr := g.Progress
		if pr.Ratio || (pr.Status != score.AtRisk && pr.Status != score.Behind) || pr.DaysLeft <= 0 || pr.DaysElapsed <= 0 {
			continue
		}
		perWeek := float64(recent[g.ID]) / CadenceWeeks
		need := (pr.Target - pr.Actual) / float64(pr.DaysLeft) // per day, from now on
		rate := pr.Actual / float64(pr.DaysElapsed)            // per day, so far
		p := map[string]string{"Goal": g.Title, "KPI": g.KPI, "PerWeek": one(perWeek), "Pace": strconv.Itoa(int(math.Round(ptrOr(pr.Pace) * 100)))}
		ins := Insight{Key: fmt.Sprintf("%s/%d", KindGoalPace, g.ID), Kind: KindGoalPace, GoalID: g.ID, Params: p, Posts: recent[g.ID], Sure: Sure(recent[g.ID])}
		if rate > 0 && perWeek > 0 {
			more := int(math.Ceil(perWeek*need/rate - perWeek))
			p["More"] = strconv.Itoa(max(more, 1))
		} else {
			p["More"] = ""
		}
		out = append(out, ins)
	}
	return out
}

func ptrOr(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// standouts: posts far above their account's usual score, and what most
// of them had in common.
func standouts(in Input) []Insight {
	acc := map[int64]*group{}
	for _, p := range in.Posts {
		if p.Score == nil {
			continue
		}
		if acc[p.AccountID] == nil {
			acc[p.AccountID] = &group{}
		}
		acc[p.AccountID].add(p)
	}
	var top []Post
	for _, p := range in.Posts {
		a := acc[p.AccountID]
		if p.Score == nil || a == nil || a.n < MinPosts || *p.Score < StandoutScore || float64(*p.Score) < StandoutLift*a.mean() {
			continue
		}
		top = append(top, p)
	}
	if len(top) < 2 {
		return nil
	}
	slices.SortStableFunc(top, func(a, b Post) int { return cmp.Compare(*b.Score, *a.Score) })
	params := map[string]string{"Count": strconv.Itoa(len(top))}
	names := map[int64]string{}
	for _, t := range in.Templates {
		names[t.ID] = t.Name
	}
	// The most common 型, hour and memo word, where most of them share it.
	tpl, hour, media, words := map[int64]int{}, map[int]int{}, 0, map[string]int{}
	for _, p := range top {
		if p.TemplateID != 0 {
			tpl[p.TemplateID]++
		}
		hour[p.PublishedAt.In(in.Loc).Hour()]++
		if p.Media {
			media++
		}
		seen := map[string]bool{}
		for _, w := range Words(p.Memo) {
			if !seen[w] {
				words[w]++
				seen[w] = true
			}
		}
	}
	half := (len(top) + 1) / 2
	if id, n := mostOf(tpl); n >= half && n >= 2 {
		params["Template"] = names[id]
	}
	if h, n := mostOf(hour); n >= half && n >= 2 {
		params["Hour"] = strconv.Itoa(h)
	}
	if media >= half && media >= 2 {
		params["Media"] = strconv.Itoa(media)
	}
	if w, n := mostOf(words); n >= 2 {
		params["Word"] = w
	}
	ev := make([]Ref, 0, 3)
	for i := 0; i < len(top) && i < 3; i++ {
		ev = append(ev, Ref{top[i].ID, top[i].External})
	}
	return []Insight{{Key: KindStandouts, Kind: KindStandouts, Params: params, Posts: len(top), Sure: Sure(len(top)), Evidence: ev}}
}

func mostOf[K cmp.Ordered](m map[K]int) (K, int) {
	var best K
	n := 0
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	return best, n
}

// Words splits a memo into the words worth counting: runs of kanji,
// katakana or Latin letters of two characters or more (Japanese has no
// spaces; particles in hiragana fall out).
func Words(s string) []string {
	var out []string
	var run []rune
	class := 0
	flush := func() {
		if len(run) >= 2 {
			out = append(out, string(run))
		}
		run = run[:0]
	}
	for _, r := range s {
		c := 0
		switch {
		case unicode.Is(unicode.Han, r):
			c = 1
		case unicode.Is(unicode.Katakana, r) || r == 'ー':
			c = 2
		case unicode.IsLetter(r) && r < 0x3000:
			c = 3
		}
		if c != class {
			flush()
			class = c
		}
		if c != 0 {
			run = append(run, unicode.ToLower(r))
		}
	}
	flush()
	return out
}

// reach: accounts whose exposure per post in the last ReachDays fell
// below ReachDrop of the ReachDays before.
func reach(in Input) []Insight {
	split := in.Now.Add(-ReachDays * 24 * time.Hour)
	start := split.Add(-ReachDays * 24 * time.Hour)
	type acc struct{ before, after group }
	by := map[int64]*acc{}
	for _, p := range in.Posts {
		if p.Exposure == nil || p.PublishedAt.Before(start) {
			continue
		}
		a := by[p.AccountID]
		if a == nil {
			a = &acc{}
			by[p.AccountID] = a
		}
		g := &a.before
		if !p.PublishedAt.Before(split) {
			g = &a.after
		}
		v := *p.Exposure
		g.sum += float64(v)
		g.n++
		g.refs = append(g.refs, scored{Ref{p.ID, p.External}, v})
	}
	var out []Insight
	for _, ac := range in.Accounts {
		a := by[ac.ID]
		if a == nil || a.before.n < MinPosts || a.after.n < MinPosts || a.before.mean() <= 0 {
			continue
		}
		share := a.after.mean() / a.before.mean()
		if share >= ReachDrop {
			continue
		}
		n := a.before.n + a.after.n
		out = append(out, Insight{Key: fmt.Sprintf("%s/%d", KindReachFalling, ac.ID), Kind: KindReachFalling, Posts: n, Sure: Sure(n),
			Params: map[string]string{"Account": ac.Name, "Network": string(ac.Network), "Before": strconv.Itoa(int(math.Round(a.before.mean()))),
				"After": strconv.Itoa(int(math.Round(a.after.mean()))), "Drop": strconv.Itoa(int(math.Round((1 - share) * 100)))}})
	}
	return out
}

// cadence: 型 that published less than CadenceShare of their planned
// posts over the last weeks.
func cadence(in Input) []Insight {
	names := map[int64]string{}
	for _, t := range in.Templates {
		names[t.ID] = t.Name
	}
	var out []Insight
	for _, c := range in.Cadence {
		if c.Planned < MinPosts || float64(c.Published) >= CadenceShare*float64(c.Planned) {
			continue
		}
		out = append(out, Insight{Key: fmt.Sprintf("%s/%d", KindCadenceSlipping, c.TemplateID), Kind: KindCadenceSlipping, Posts: c.Planned, Sure: Sure(c.Planned),
			Params: map[string]string{"Template": names[c.TemplateID], "Planned": strconv.Itoa(c.Planned), "Published": strconv.Itoa(c.Published),
				"Weeks": strconv.Itoa(CadenceWeeks)}})
	}
	return out
}
