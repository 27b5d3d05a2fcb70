package web

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// Comparing two sides of the post history: two 型 versions, two members
// or two periods, under the same other filters, with the same figures for
// each: posts, average score, impressions, engagement and the engagement
// rate with its denominator named.

// compareKinds are what can be put side by side.
var compareKinds = []string{"period", "template", "member"}

// compareParam is the history parameter each kind sets per side.
var compareParam = map[string][]string{"period": {"from", "to"}, "template": {"template"}, "member": {"member"}}

// compareSide is one side: the history query that selects it, its label
// and its figures.
type compareSide struct {
	Name    string // "A" or "B"
	Query   url.Values
	Label   string
	Href    string // the side's posts in the history list
	Summary *store.HistorySummary
	Rate    string // the engagement rate, "—" when none
	Per     string // what the rate divides by
}

type compareRow struct {
	Key        string // message key of the figure
	A, B, Diff string
	Up, Down   bool // B above or below A
}

type compareData struct {
	By      string
	Kinds   []string
	Filter  url.Values
	Names   *historyNames
	Choices []templateChoice
	A, B    *compareSide
	Rows    []compareRow
	Ready   bool   // both sides chosen and read
	Err     string // message key of a side's error
}

// compareSides reads the two sides of a comparison from a query: the kind
// (by), each side's value (a, b; for periods a_from, a_to, b_from, b_to)
// and the filters both share. Missing sides get defaults: the last 30 days
// against the 30 before, a 型's two latest versions, the first two members.
func (s *Server) compareSides(r *http.Request, names *historyNames, q url.Values) (by string, sides [2]*compareSide, err error) {
	by = q.Get("by")
	if by == "" {
		by = "period"
	}
	if !slices.Contains(compareKinds, by) {
		return by, sides, soroe.Invalid("by", "unknown_comparison")
	}
	org, l := who(r).Org, lang(r)
	shared := url.Values{}
	for k, v := range q {
		switch k {
		case "by", "a", "b", "a_from", "a_to", "b_from", "b_to", "page", "sort", "order":
			continue
		}
		if !slices.Contains(compareParam[by], k) {
			shared[k] = v
		}
	}
	today := s.today(org)
	for i, side := range []string{"a", "b"} {
		sq := url.Values{}
		for k, v := range shared {
			sq[k] = slices.Clone(v)
		}
		cs := &compareSide{Name: strings.ToUpper(side), Query: sq}
		switch by {
		case "period":
			from, to := q.Get(side+"_from"), q.Get(side+"_to")
			if from == "" && to == "" {
				end := today.AddDays(-30 * (1 - i))
				from, to = string(end.AddDays(-29)), string(end)
			}
			sq.Set("from", from)
			sq.Set("to", to)
			cs.Label = s.cat.T(l, "history.cmp.period_label", "From", from, "To", to)
		case "template":
			v := q.Get(side)
			if v == "" {
				v = defaultVersions(names)[i]
			}
			if v == "" {
				return by, sides, nil
			}
			id, ver, err := parseTemplateChoice(v)
			if err != nil {
				return by, sides, soroe.Invalid(side, "not_an_id")
			}
			sq.Set("template", v)
			cs.Label = names.template(id)
			if cs.Label == "" {
				return by, sides, soroe.Invalid(side, "not_an_id")
			}
			if ver > 0 {
				cs.Label = s.cat.T(l, "history.template_version", "Name", cs.Label, "Version", ver)
			} else {
				cs.Label = s.cat.T(l, "history.template_all", "Name", cs.Label)
			}
		case "member":
			v := q.Get(side)
			if v == "" && len(names.Members) >= 2 {
				v = strconv.FormatInt(names.Members[i].UserID, 10)
			}
			if v == "" {
				return by, sides, nil
			}
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return by, sides, soroe.Invalid(side, "not_an_id")
			}
			name, ok := names.members[id]
			if !ok {
				return by, sides, soroe.Invalid(side, "not_a_member")
			}
			sq.Set("member", v)
			cs.Label = name
		}
		cs.Href = withQuery("/history", sq)
		sides[i] = cs
	}
	return by, sides, nil
}

// defaultVersions are a 型's two latest versions, for a first comparison
// (none when no 型 has two).
func defaultVersions(names *historyNames) [2]string {
	for _, t := range names.Templates {
		if t.Version >= 2 {
			id := strconv.FormatInt(t.ID, 10)
			return [2]string{id + ":" + strconv.Itoa(t.Version-1), id + ":" + strconv.Itoa(t.Version)}
		}
	}
	return [2]string{}
}

// summarize reads a side's figures.
func (s *Server) summarize(r *http.Request, cs *compareSide) error {
	f, err := historyFilter(who(r).Org.ID, cs.Query)
	if err != nil {
		return err
	}
	if cs.Summary, err = s.db.HistorySummary(r.Context(), f); err != nil {
		return err
	}
	l := lang(r)
	cs.Rate, cs.Per = "—", ""
	if sm := cs.Summary; sm.Rate != nil {
		cs.Rate = fmtPercent(*sm.Rate)
		if len(sm.RatePer) == 1 {
			cs.Per = s.cat.T(l, "metrics.per."+sm.RatePer[0])
		} else {
			var kinds []string
			for _, k := range sm.RatePer {
				kinds = append(kinds, s.cat.T(l, "metrics.metric."+k))
			}
			cs.Per = s.cat.T(l, "history.cmp.per_mixed", "Kinds", strings.Join(kinds, s.cat.T(l, "history.cmp.kinds_sep")))
		}
	}
	return nil
}

// compareRows lays the two summaries side by side, with B − A.
func (s *Server) compareRows(l string, a, b *compareSide) []compareRow {
	ints := func(key string, x, y int64) compareRow {
		row := compareRow{Key: key, A: fmtNum(float64(x)), B: fmtNum(float64(y)), Up: y > x, Down: y < x}
		row.Diff = signed(fmtNum(float64(y-x)), y-x)
		return row
	}
	sa, sb := a.Summary, b.Summary
	rows := []compareRow{ints("history.cmp.posts", int64(sa.Posts), int64(sb.Posts))}
	score := compareRow{Key: "history.cmp.avg_score", A: "—", B: "—"}
	if sa.AvgScore != nil {
		score.A = fmtNum(*sa.AvgScore)
	}
	if sb.AvgScore != nil {
		score.B = fmtNum(*sb.AvgScore)
	}
	if sa.AvgScore != nil && sb.AvgScore != nil {
		d := *sb.AvgScore - *sa.AvgScore
		score.Diff, score.Up, score.Down = signedF(fmtNum(d), d), d > 0, d < 0
	}
	rows = append(rows, score,
		ints("history.cmp.impressions", sa.Impressions, sb.Impressions),
		ints("history.cmp.engagement", sa.Engagement, sb.Engagement))
	rate := compareRow{Key: "history.cmp.rate", A: a.Rate, B: b.Rate}
	if sa.Rate != nil && sb.Rate != nil {
		d := (*sb.Rate - *sa.Rate) * 100
		pt := strconv.FormatFloat(math.Round(d*100)/100, 'f', -1, 64)
		rate.Diff, rate.Up, rate.Down = signedF(s.cat.T(l, "history.cmp.points", "N", pt), d), d > 0, d < 0
	}
	return append(rows, rate)
}

func signed(s string, v int64) string {
	if v > 0 {
		return "+" + s
	}
	return s
}

func signedF(s string, v float64) string {
	if v > 0 {
		return "+" + strings.TrimPrefix(s, "+")
	}
	return s
}

func (s *Server) historyCompare(w http.ResponseWriter, r *http.Request) {
	ctx, org := r.Context(), who(r).Org
	q := r.URL.Query()
	names, err := s.historyNames(ctx, org.ID)
	if s.failed(w, r, err) {
		return
	}
	d := &compareData{Kinds: compareKinds, Filter: q, Names: names, Choices: names.templateChoices()}
	by, sides, err := s.compareSides(r, names, q)
	d.By, d.A, d.B = by, sides[0], sides[1]
	if err == nil && d.A != nil && d.B != nil {
		if err = s.summarize(r, d.A); err == nil {
			err = s.summarize(r, d.B)
		}
		if err == nil {
			d.Rows, d.Ready = s.compareRows(lang(r), d.A, d.B), true
		}
	}
	p := s.newPage(w, r, "history.cmp.title", d)
	if err != nil {
		s.formError(w, r, "history_compare", p, err) // render.go
		return
	}
	s.render(w, http.StatusOK, "history_compare", p)
}

// RateExpText and RateEngText are the rate's denominator and numerator.
func (c *compareSide) RateExpText() string { return fmtNum(float64(c.Summary.RateExp)) }
func (c *compareSide) RateEngText() string { return fmtNum(float64(c.Summary.RateEng)) }

// Value returns the side's value of a comparison parameter, as asked or as
// defaulted (for the form).
func (c *compareSide) Value(name string) string { return c.Query.Get(name) }

func (s *Server) apiHistoryCompare(w http.ResponseWriter, r *http.Request) {
	names, err := s.historyNames(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	by, sides, err := s.compareSides(r, names, r.URL.Query())
	if err == nil && (sides[0] == nil || sides[1] == nil) {
		err = soroe.Invalid("a", "required")
	}
	if err != nil {
		s.badQuery(w, r, err)
		return
	}
	out := map[string]any{"by": by}
	for _, cs := range sides {
		if err := s.summarize(r, cs); err != nil {
			s.badQuery(w, r, err)
			return
		}
		filter := map[string]string{}
		for k := range cs.Query {
			filter[k] = strings.Join(cs.Query[k], ",")
		}
		out[strings.ToLower(cs.Name)] = map[string]any{"label": cs.Label, "filter": filter, "summary": cs.Summary}
	}
	writeJSON(w, http.StatusOK, out)
}
