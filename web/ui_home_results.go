package web

import (
	"net/http"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// homeResultsData is step 3 on the role's home: the executive's numbers
// and open actions, the manager's insights, cadence gaps and actions, the
// staff member's week, feedback and own actions.
type homeResultsData struct {
	Overview    *overview      // this month, for who reads the team's results
	Gaps        []*ovCadence   // 型 behind their plan this week
	Insights    []*insightView // the first few
	MoreInsight int            // how many more there are
	OpenActions []*soroe.ActionItem
	MyActions   []*soroe.ActionItem
	Mine        *effortRow // this week, for who writes posts
	Feedback    []store.Feedback
	Today       soroe.Date
}

// Overdue reports whether an open action is past its day.
func (d *homeResultsData) Overdue(a *soroe.ActionItem) bool {
	return !a.Status.Closed() && a.DueOn != "" && a.DueOn < d.Today
}

// Pct writes a rate, Avg a mean score, Num a count.
func (d *homeResultsData) Pct(r *float64) string    { return (&effortPageData{}).Pct(r) }
func (d *homeResultsData) Avg(r *float64) string    { return (&effortPageData{}).Avg(r) }
func (d *homeResultsData) Num(v int64) string       { return fmtNum(float64(v)) }
func (d *homeResultsData) Change(a, b int64) string { return (&overviewData{}).Change(a, b) }
func (d *homeResultsData) Signed(v *int64) string   { return (&overviewData{}).Signed(v) }
func (d *homeResultsData) Opt(v *int64) string      { return countText(v) }

// homeInsights is how many insights the manager's home shows.
const homeInsights = 3

func (s *Server) homeResults(r *http.Request) (any, error) {
	ctx, id, l := r.Context(), who(r), lang(r)
	if id.Org == nil || !soroe.Can(id.Role, soroe.ActMetricsRead) {
		return nil, nil
	}
	d := &homeResultsData{Today: s.today(id.Org)}
	var err error
	if soroe.Can(id.Role, soroe.ActActionRead) {
		if d.MyActions, err = s.db.ActionItems(ctx, store.ActionFilter{OrgID: id.Org.ID, OwnerID: id.User.ID, Open: true, Limit: 5}); err != nil {
			return nil, err
		}
	}
	if soroe.Can(id.Role, soroe.ActEffortRead) {
		month, _ := soroe.ParsePeriod(soroe.PeriodMonth, "", "", d.Today)
		if d.Overview, err = s.buildOverview(ctx, l, id.Org, month); err != nil {
			return nil, err
		}
		for _, c := range d.Overview.Cadence {
			if c.Week.Gap() > 0 {
				d.Gaps = append(d.Gaps, c)
			}
		}
		all, err := s.db.ActionItems(ctx, store.ActionFilter{OrgID: id.Org.ID, Open: true, Limit: 5})
		if err != nil {
			return nil, err
		}
		for _, a := range all {
			if a.OwnerID != id.User.ID {
				d.OpenActions = append(d.OpenActions, a)
			}
		}
		ins, err := s.readInsights(ctx, l, id.Org)
		if err != nil {
			return nil, err
		}
		views := s.insightViews(l, ins, soroe.Can(id.Role, soroe.ActActionWrite))
		if len(views) > homeInsights {
			d.MoreInsight = len(views) - homeInsights
			views = views[:homeInsights]
		}
		d.Insights = views
	}
	if soroe.Can(id.Role, soroe.ActPostWrite) {
		week, _ := soroe.ParsePeriod(soroe.PeriodWeek, "", "", d.Today)
		rows, err := s.teamEffort(ctx, id.Org, week)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if row.Member.UserID == id.User.ID {
				d.Mine = row
			}
		}
		if d.Feedback, err = s.db.FeedbackOn(ctx, id.Org.ID, id.User.ID, 3); err != nil {
			return nil, err
		}
	}
	return d, nil
}
