package web

import (
	"context"
	"errors"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/plan"
	"github.com/soroe/soroe/score"
	"github.com/soroe/soroe/store"
)

// The overview (/overview) is one page for the boss and the field: each
// goal's KPIs against target and pace with their weekly trend and funnel,
// every network's period next to the previous one, the 型' cadence and
// the best and weakest posts. Every role reads the same numbers; they come
// from the rollups (metric_daily), never from the snapshots, so the page
// costs the same for a large history as for a small one.
func (s *Server) registerOverview() error {
	read := soroe.ActMetricsRead
	return errors.Join(
		s.ui("GET /overview", read, s.overviewPage),
		s.ui("GET /overview/export.csv", read, s.overviewCSV),
		s.api("GET /api/v1/overview", read, s.apiOverview),
	)
}

// overview is the page's numbers; the API answers it as JSON.
type overview struct {
	Period   soroe.Period   `json:"period"`
	Previous soroe.Period   `json:"previous"`
	TimeZone string         `json:"time_zone"`
	Goals    []*ovGoal      `json:"goals"`
	Networks []*ovNetwork   `json:"networks"`
	Total    *ovNetwork     `json:"total"`
	Daily    []*ovDay       `json:"daily"`
	Cadence  []*ovCadence   `json:"cadence"`
	Top      []*ovPost      `json:"top_posts"`
	Bottom   []*ovPost      `json:"bottom_posts"`
	view     *overviewViews // the page's charts and links
}

type ovKPI struct {
	ID       int64          `json:"id"`
	Name     string         `json:"name"`
	Metric   soroe.Metric   `json:"metric"`
	Event    string         `json:"event,omitempty"`
	Primary  bool           `json:"primary"`
	Progress score.Progress `json:"progress"`
}

type ovGoal struct {
	ID       int64      `json:"id"`
	Title    string     `json:"title"`
	StartOn  soroe.Date `json:"start_on"`
	Deadline soroe.Date `json:"deadline"`
	KPIs     []*ovKPI   `json:"kpis"`
	// Trend is the primary KPI's standing at the end of each week.
	Trend       []score.TrendPoint `json:"trend"`
	Funnel      ovFunnel           `json:"funnel"`
	View        *goalView          `json:"-"`
	Chart       template.HTML      `json:"-"`
	FunnelChart template.HTML      `json:"-"`
	Href        string             `json:"-"` // the goal's posts in the period
}

// ovFunnel is a goal's period from exposure to conversions. Clicks are the
// tracked links' (Soroe's short links) where the goal has any, else the
// networks' own link clicks.
type ovFunnel struct {
	Exposure       int64    `json:"exposure"`
	Clicks         int64    `json:"clicks"`
	ClicksSource   string   `json:"clicks_source"` // tracked or network
	Conversions    int64    `json:"conversions"`
	ClickRate      *float64 `json:"click_rate,omitempty"`      // clicks ÷ exposure
	ConversionRate *float64 `json:"conversion_rate,omitempty"` // conversions ÷ clicks
}

// ovStats is a network's (or all networks') period.
type ovStats struct {
	Posts       int64 `json:"posts"`
	Exposure    int64 `json:"exposure"`
	Engagements int64 `json:"engagements"`
	// Rate is engagements ÷ exposure (impressions, else views, else reach,
	// per post), absent without exposure.
	Rate            *float64 `json:"engagement_rate,omitempty"`
	Followers       *int64   `json:"followers,omitempty"`        // at the period's end
	FollowersChange *int64   `json:"followers_change,omitempty"` // over the period
}

type ovNetwork struct {
	Network  soroe.Network `json:"network,omitempty"`
	Accounts int           `json:"accounts"`
	Current  ovStats       `json:"current"`
	Previous ovStats       `json:"previous"`
	Href     string        `json:"-"`
	PrevHref string        `json:"-"`
}

// ovDay is the exposure and engagements of the posts published on a day,
// per network.
type ovDay struct {
	Day        soroe.Date              `json:"day"`
	Exposure   map[soroe.Network]int64 `json:"exposure"`
	Engagement map[soroe.Network]int64 `json:"engagements"`
}

// ovPlan is a 型's planned slots and published posts in a span.
type ovPlan struct {
	From      soroe.Date `json:"from"`
	To        soroe.Date `json:"to"`
	Planned   int        `json:"planned"`    // every slot of the span
	DueByNow  int        `json:"due_by_now"` // the slots up to today
	Published int64      `json:"published"`
	Href      string     `json:"-"`
}

// Gap is how many posts are behind the plan so far.
func (p ovPlan) Gap() int { return max(p.DueByNow-int(p.Published), 0) }

type ovCadence struct {
	TemplateID int64  `json:"template_id"`
	Name       string `json:"name"`
	Week       ovPlan `json:"week"`
	Month      ovPlan `json:"month"`
}

type ovPost struct {
	ID          int64         `json:"id"`
	External    bool          `json:"external"`
	Network     soroe.Network `json:"network"`
	Account     string        `json:"account"`
	Author      string        `json:"author,omitempty"`
	Template    string        `json:"template,omitempty"`
	Text        string        `json:"text"`
	PublishedAt time.Time     `json:"published_at"`
	Score       *int64        `json:"score"`
	Exposure    *int64        `json:"exposure,omitempty"`
	Engagement  *int64        `json:"engagements,omitempty"`
	Memo        string        `json:"memo,omitempty"`
	Href        string        `json:"-"`
}

// overviewPeriod reads the period parameters (period, from, to).
func (s *Server) overviewPeriod(org *soroe.Org, q url.Values) (soroe.Period, error) {
	return soroe.ParsePeriod(q.Get("period"), q.Get("from"), q.Get("to"), s.today(org))
}

// overviewTopN is how many best and weakest posts the overview lists.
const overviewTopN = 5

// buildOverview reads the overview of a period.
func (s *Server) buildOverview(ctx context.Context, l string, org *soroe.Org, p soroe.Period) (*overview, error) {
	loc := org.Location()
	today := s.today(org)
	prev := p.Previous()
	o := &overview{Period: p, Previous: prev, TimeZone: loc.String(), Goals: []*ovGoal{}, Networks: []*ovNetwork{},
		Daily: []*ovDay{}, Cadence: []*ovCadence{}, Top: []*ovPost{}, Bottom: []*ovPost{}}
	names, err := s.historyNames(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	from, to := p.Bounds(loc)
	days := func(q soroe.Period) (string, string) { return string(q.From), string(q.To) }

	// Goals: KPIs as of today, the weekly trend, the period's funnel.
	goalTotals, err := s.db.TotalsBy(ctx, org.ID, store.DimGoal, string(p.From), string(p.To))
	if err != nil {
		return nil, err
	}
	for _, g := range names.Goals {
		entries, err := s.db.KPIValues(ctx, g)
		if err != nil {
			return nil, err
		}
		og := &ovGoal{ID: g.ID, Title: g.Title, StartOn: g.StartOn, Deadline: g.Deadline, KPIs: []*ovKPI{},
			View: s.newGoalView(l, g, entries, today, false),
			Href: withQuery("/history", url.Values{"goal": {strconv.FormatInt(g.ID, 10)}, "from": {string(p.From)}, "to": {string(p.To)}})}
		progress := kpiProgress(g, entries, today)
		by := map[int64][]soroe.KPIEntry{}
		for _, e := range entries {
			by[e.KPIID] = append(by[e.KPIID], *e)
		}
		for i, k := range primaryFirst(g) {
			og.KPIs = append(og.KPIs, &ovKPI{ID: k.ID, Name: s.kpiName(l, k.Metric, k.Event), Metric: k.Metric, Event: k.Event, Primary: k.Primary, Progress: progress[k.ID]})
			if i == 0 {
				og.Trend = score.Trend(score.KPI{Ratio: k.Metric.Ratio(), Target: k.Target, Baseline: k.Baseline}, g.StartOn, g.Deadline, today, score.DailyValues(by[k.ID]))
				og.Chart = s.trendChart(l, og, k)
			}
		}
		if og.Trend == nil {
			og.Trend = []score.TrendPoint{}
		}
		if t := goalTotals[g.ID]; t != nil {
			og.Funnel.Exposure = t.Exposure
			og.Funnel.Clicks = t.Metric(soroe.PostLinkClicks)
		}
		og.Funnel.ClicksSource = "network"
		clicks, err := s.db.ClicksByDay(ctx, org.ID, from, to, loc, store.LinkFilter{GoalID: g.ID})
		if err != nil {
			return nil, err
		}
		if n := sumCounts(clicks); n > 0 {
			og.Funnel.Clicks, og.Funnel.ClicksSource = n, "tracked"
		}
		conv, err := s.db.ConversionsByDay(ctx, org.ID, from, to, loc, store.LinkFilter{GoalID: g.ID})
		if err != nil {
			return nil, err
		}
		og.Funnel.Conversions = sumCounts(conv)
		og.Funnel.ClickRate = ratio(og.Funnel.Clicks, og.Funnel.Exposure)
		og.Funnel.ConversionRate = ratio(og.Funnel.Conversions, og.Funnel.Clicks)
		og.FunnelChart = s.funnelChart(l, og)
		o.Goals = append(o.Goals, og)
	}

	// Networks: this period and the previous one, from the rollups (posts
	// are those with numbers: the population the sums are of).
	periodStats := func(q soroe.Period) (map[int64]*store.DailyTotals, map[int64]int64, map[int64]int64, error) {
		f, t := days(q)
		totals, err := s.db.TotalsBy(ctx, org.ID, store.DimAccount, f, t)
		if err != nil {
			return nil, nil, nil, err
		}
		end, err := s.db.FollowersOn(ctx, org.ID, t)
		if err != nil {
			return nil, nil, nil, err
		}
		start, err := s.db.FollowersOn(ctx, org.ID, string(q.From.AddDays(-1)))
		return totals, start, end, err
	}
	curT, curS, curE, err := periodStats(p)
	if err != nil {
		return nil, err
	}
	prevT, prevS, prevE, err := periodStats(prev)
	if err != nil {
		return nil, err
	}
	byNet := map[soroe.Network]*ovNetwork{}
	o.Total = &ovNetwork{}
	for _, a := range names.Accounts {
		n := byNet[a.Network]
		if n == nil {
			n = &ovNetwork{Network: a.Network}
			byNet[a.Network] = n
		}
		for _, dst := range []*ovNetwork{n, o.Total} {
			dst.Accounts++
			addStats(&dst.Current, curT[a.ID], curS, curE, a.ID)
			addStats(&dst.Previous, prevT[a.ID], prevS, prevE, a.ID)
		}
	}
	for _, net := range soroe.Networks {
		if n := byNet[net]; n != nil {
			o.Networks = append(o.Networks, n)
		}
	}
	for _, n := range append(slices.Clone(o.Networks), o.Total) {
		n.Current.Rate = ratio(n.Current.Engagements, n.Current.Exposure)
		n.Previous.Rate = ratio(n.Previous.Engagements, n.Previous.Exposure)
		q := url.Values{"from": {string(p.From)}, "to": {string(p.To)}}
		if n.Network != "" {
			q.Set("network", string(n.Network))
		}
		n.Href = withQuery("/history", q)
		q.Set("from", string(prev.From))
		q.Set("to", string(prev.To))
		n.PrevHref = withQuery("/history", q)
	}

	// Per day and network.
	daily, err := s.db.DailyBy(ctx, org.ID, store.DimAccount, string(p.From), string(p.To))
	if err != nil {
		return nil, err
	}
	byDay := map[soroe.Date]*ovDay{}
	for id, ds := range daily {
		a := names.accounts[id]
		if a == nil {
			continue
		}
		for _, d := range ds {
			od := byDay[soroe.Date(d.Day)]
			if od == nil {
				od = &ovDay{Day: soroe.Date(d.Day), Exposure: map[soroe.Network]int64{}, Engagement: map[soroe.Network]int64{}}
				byDay[od.Day] = od
			}
			od.Exposure[a.Network] += d.Exposure
			od.Engagement[a.Network] += d.Engagement
		}
	}
	for d := p.From; d <= p.To; d = d.AddDays(1) {
		if od := byDay[d]; od != nil {
			o.Daily = append(o.Daily, od)
		}
	}

	// Cadence: this week and this month, whatever the period.
	week, _ := soroe.ParsePeriod(soroe.PeriodWeek, "", "", today)
	month, _ := soroe.ParsePeriod(soroe.PeriodMonth, "", "", today)
	week.To, month.To = week.From.AddDays(6), soroe.Date(month.From.Time(time.UTC).AddDate(0, 1, -1).Format(soroe.DateLayout))
	wa, wb := week.Bounds(loc)
	ma, mb := month.Bounds(loc)
	wPub, err := s.db.PublishedByTemplate(ctx, org.ID, wa, wb)
	if err != nil {
		return nil, err
	}
	mPub, err := s.db.PublishedByTemplate(ctx, org.ID, ma, mb)
	if err != nil {
		return nil, err
	}
	span := func(t *soroe.Template, q soroe.Period, pub map[int64]int64) ovPlan {
		op := ovPlan{From: q.From, To: q.To, Published: pub[t.ID],
			Href: withQuery("/history", url.Values{"template": {strconv.FormatInt(t.ID, 10)}, "from": {string(q.From)}, "to": {string(q.To)}})}
		for _, sl := range plan.Slots(t.Frequency, loc, q.From, q.To, nil) {
			op.Planned++
			if sl.Day <= today {
				op.DueByNow++
			}
		}
		return op
	}
	for _, t := range names.Templates {
		c := &ovCadence{TemplateID: t.ID, Name: t.Name, Week: span(t, week, wPub), Month: span(t, month, mPub)}
		if c.Week.Planned+c.Month.Planned+int(c.Week.Published+c.Month.Published) > 0 {
			o.Cadence = append(o.Cadence, c)
		}
	}

	// The best and the weakest posts of the period by reaction score:
	// with ten or fewer scored posts the better half and the rest.
	if o.Top, err = s.scoredPosts(ctx, org.ID, names, p, false, 2*overviewTopN); err != nil {
		return nil, err
	}
	if n := len(o.Top); n < 2*overviewTopN {
		half := (n + 1) / 2
		o.Bottom = slices.Clone(o.Top[half:])
		slices.Reverse(o.Bottom)
		o.Top = o.Top[:half]
	} else {
		o.Top = o.Top[:overviewTopN]
		if o.Bottom, err = s.scoredPosts(ctx, org.ID, names, p, true, overviewTopN); err != nil {
			return nil, err
		}
	}
	o.view = s.overviewViews(l, org, o)
	return o, nil
}

// scoredPosts lists up to n of the period's scored posts, best first (or
// weakest first), with their 工夫メモ.
func (s *Server) scoredPosts(ctx context.Context, orgID int64, names *historyNames, p soroe.Period, weakest bool, n int) ([]*ovPost, error) {
	top, err := s.db.TopScored(ctx, orgID, string(p.From), string(p.To), n, weakest)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, t := range top {
		if !t.External {
			ids = append(ids, t.ID)
		}
	}
	memos, err := s.db.PostMemos(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	out := []*ovPost{}
	for _, t := range top {
		score := t.Score
		op := &ovPost{ID: t.ID, External: t.External, Network: soroe.Network(t.Network), Account: names.account(t.AccountID), Author: names.author(ctx, s, t.AuthorID),
			Template: names.template(t.TemplateID), Text: t.Text, PublishedAt: t.PublishedAt, Score: &score, Exposure: t.Exposure, Engagement: t.Engagement}
		if t.External {
			op.Href = "/history/external/" + strconv.FormatInt(t.ID, 10)
		} else {
			op.Href = "/posts/" + strconv.FormatInt(t.ID, 10)
			if m := memos[t.ID]; m != nil {
				op.Memo = m.Body
			}
		}
		out = append(out, op)
	}
	return out, nil
}

func addStats(dst *ovStats, t *store.DailyTotals, start, end map[int64]int64, account int64) {
	if t != nil {
		dst.Posts += t.Posts
		dst.Exposure += t.Exposure
		dst.Engagements += t.Engagement
	}
	if n, ok := end[account]; ok {
		dst.Followers = addPtr(dst.Followers, n)
		before, had := start[account]
		if !had {
			before = n // no reading before the period: no change counted
		}
		dst.FollowersChange = addPtr(dst.FollowersChange, n-before)
	}
}

func addPtr(p *int64, n int64) *int64 {
	if p == nil {
		return &n
	}
	v := *p + n
	return &v
}

func sumCounts(ds []store.DayCount) int64 {
	var n int64
	for _, d := range ds {
		n += d.Count
	}
	return n
}

// ratio is a ÷ b, absent when b is 0.
func ratio(a, b int64) *float64 {
	if b <= 0 {
		return nil
	}
	r := float64(a) / float64(b)
	return &r
}
