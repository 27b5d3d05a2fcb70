package web

import (
	"fmt"
	"net/http"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/score"
)

// apiGoal is a goal as the API sends it: soroe.Goal with every KPI's
// progress on the organization's today.
type apiGoal struct {
	*soroe.Goal
	Today    soroe.Date       `json:"today"`
	Progress []apiKPIProgress `json:"progress"`
}

// apiKPIProgress is one KPI's progress: score.Progress with the KPI it is
// about.
type apiKPIProgress struct {
	KPIID   int64        `json:"kpi_id"`
	Primary bool         `json:"primary"`
	Metric  soroe.Metric `json:"metric"`
	Event   string       `json:"event,omitempty"`
	Label   string       `json:"label"`
	score.Progress
}

func progressList(g *soroe.Goal, entries []*soroe.KPIEntry, today soroe.Date) []apiKPIProgress {
	progress := kpiProgress(g, entries, today)
	out := []apiKPIProgress{}
	for _, k := range g.KPIs {
		out = append(out, apiKPIProgress{KPIID: k.ID, Primary: k.Primary, Metric: k.Metric, Event: k.Event, Label: k.Label(), Progress: progress[k.ID]})
	}
	return out
}

func (s *Server) withProgress(r *http.Request, g *soroe.Goal) (*apiGoal, error) {
	org := who(r).Org
	entries, err := s.db.KPIValues(r.Context(), g)
	if err != nil {
		return nil, err
	}
	today := s.today(org)
	g.KPIs = nonNil(g.KPIs)
	return &apiGoal{Goal: g, Today: today, Progress: progressList(g, entries, today)}, nil
}

// apiKPIInput is a KPI in a request. Targets and baselines of engagement
// rate are ratios (0.035 for 3.5%).
type apiKPIInput struct {
	ID       int64        `json:"id,omitempty"`
	Primary  bool         `json:"primary,omitempty"`
	Metric   soroe.Metric `json:"metric"`
	Event    string       `json:"event,omitempty"`
	Target   float64      `json:"target"`
	Baseline *float64     `json:"baseline,omitempty"`
}

// apiGoalInput is a goal in a request; on PATCH, fields left out keep their
// values, and kpis, when given, replace the list (KPIs given with their id
// keep their recorded values; those left out are removed).
type apiGoalInput struct {
	Title    *string        `json:"title"`
	Purpose  *soroe.Purpose `json:"purpose"`
	Strategy *string        `json:"strategy"`
	OwnerID  *int64         `json:"owner_id"`
	StartOn  *soroe.Date    `json:"start_on"`
	Deadline *soroe.Date    `json:"deadline"`
	KPIs     *[]apiKPIInput `json:"kpis"`
}

func (in *apiGoalInput) apply(g *soroe.Goal) {
	if in.Title != nil {
		g.Title = *in.Title
	}
	if in.Purpose != nil {
		g.Purpose = *in.Purpose
	}
	if in.Strategy != nil {
		g.Strategy = *in.Strategy
	}
	if in.OwnerID != nil {
		g.OwnerID = *in.OwnerID
	}
	if in.StartOn != nil {
		g.StartOn = *in.StartOn
	}
	if in.Deadline != nil {
		g.Deadline = *in.Deadline
	}
	if in.KPIs != nil {
		g.KPIs = make([]*soroe.KPI, 0, len(*in.KPIs))
		for _, k := range *in.KPIs {
			g.KPIs = append(g.KPIs, &soroe.KPI{ID: k.ID, Primary: k.Primary, Metric: k.Metric, Event: k.Event, Target: k.Target, Baseline: k.Baseline})
		}
	}
}

// apiLoadGoal reads the {goal} path value and answers 404 itself.
func (s *Server) apiLoadGoal(w http.ResponseWriter, r *http.Request) (*soroe.Goal, bool) {
	g, err := s.loadGoal(r)
	if err != nil {
		s.apiError(w, r, err)
		return nil, false
	}
	return g, true
}

func (s *Server) apiGoals(w http.ResponseWriter, r *http.Request) {
	goals, err := s.db.Goals(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := []*apiGoal{}
	for _, g := range goals {
		ag, err := s.withProgress(r, g)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		out = append(out, ag)
	}
	writeJSON(w, http.StatusOK, map[string]any{"goals": out})
}

func (s *Server) apiCreateGoal(w http.ResponseWriter, r *http.Request) {
	var in apiGoalInput
	if !s.decode(w, r, &in) {
		return
	}
	id := who(r)
	g := &soroe.Goal{OrgID: id.Org.ID, OwnerID: id.User.ID}
	in.apply(g)
	for _, k := range g.KPIs {
		k.ID = 0
	}
	if err := s.db.CreateGoal(r.Context(), g, id.User.ID); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.answerGoal(w, r, http.StatusCreated, g.ID)
}

// answerGoal sends a goal as stored, with its progress.
func (s *Server) answerGoal(w http.ResponseWriter, r *http.Request, status int, id int64) {
	g, err := s.db.Goal(r.Context(), who(r).Org.ID, id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	ag, err := s.withProgress(r, g)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if status == http.StatusCreated {
		w.Header().Set("Location", fmt.Sprintf("/api/v1/goals/%d", g.ID))
	}
	writeJSON(w, status, ag)
}

func (s *Server) apiGoal(w http.ResponseWriter, r *http.Request) {
	g, ok := s.apiLoadGoal(w, r)
	if !ok {
		return
	}
	ag, err := s.withProgress(r, g)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ag)
}

func (s *Server) apiUpdateGoal(w http.ResponseWriter, r *http.Request) {
	g, ok := s.apiLoadGoal(w, r)
	if !ok {
		return
	}
	var in apiGoalInput
	if !s.decode(w, r, &in) {
		return
	}
	in.apply(g)
	if err := s.db.UpdateGoal(r.Context(), g, who(r).User.ID); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.answerGoal(w, r, http.StatusOK, g.ID)
}

func (s *Server) apiDeleteGoal(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "goal")
	if err == nil {
		err = s.db.DeleteGoal(r.Context(), who(r).Org.ID, id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiGoalProgress(w http.ResponseWriter, r *http.Request) {
	g, ok := s.apiLoadGoal(w, r)
	if !ok {
		return
	}
	ag, err := s.withProgress(r, g)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"goal_id": g.ID, "today": ag.Today, "kpis": ag.Progress})
}

func (s *Server) apiGoalEntries(w http.ResponseWriter, r *http.Request) {
	g, ok := s.apiLoadGoal(w, r)
	if !ok {
		return
	}
	entries, err := s.db.KPIEntries(r.Context(), who(r).Org.ID, g.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": nonNil(entries)})
}

// apiEntryInput is a value entered by hand. The KPI is named by kpi_id or
// by its label (kpi: "impressions", "conversions:document_download"); the
// day defaults to the organization's today.
type apiEntryInput struct {
	KPIID       *int64      `json:"kpi_id"`
	KPI         *string     `json:"kpi"`
	Day         *soroe.Date `json:"day"`
	Value       *float64    `json:"value"`
	Denominator *float64    `json:"denominator"`
	Note        string      `json:"note"`
}

func (s *Server) apiRecordEntry(w http.ResponseWriter, r *http.Request) {
	g, ok := s.apiLoadGoal(w, r)
	if !ok {
		return
	}
	var in apiEntryInput
	if !s.decode(w, r, &in) {
		return
	}
	id := who(r)
	today := s.today(id.Org)
	e := &soroe.KPIEntry{Day: today, Note: in.Note, CreatedBy: id.User.ID}
	if in.Day != nil {
		e.Day = *in.Day
	}
	var err error
	switch {
	case in.KPIID != nil:
		e.KPIID = *in.KPIID
	case in.KPI != nil:
		for _, k := range g.KPIs {
			if k.Label() == *in.KPI {
				e.KPIID = k.ID
			}
		}
		if e.KPIID == 0 {
			err = soroe.Invalid("kpi", "unknown_kpi")
		}
	default:
		err = soroe.Invalid("kpi_id", "required")
	}
	if err == nil && in.Value == nil {
		err = soroe.Invalid("value", "required")
	}
	var replaced bool
	if err == nil {
		e.Value = *in.Value
		if in.Denominator != nil {
			e.Denominator = *in.Denominator
		}
		replaced, err = s.db.RecordManualEntry(r.Context(), g, e, today)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	status := http.StatusCreated
	if replaced {
		status = http.StatusOK
	}
	writeJSON(w, status, e)
}

func (s *Server) apiDeleteEntry(w http.ResponseWriter, r *http.Request) {
	g, ok := s.apiLoadGoal(w, r)
	if !ok {
		return
	}
	org := who(r).Org
	eid, err := pathID(r, "entry")
	var e *soroe.KPIEntry
	if err == nil {
		e, err = s.db.KPIEntry(r.Context(), org.ID, g.ID, eid)
	}
	if err == nil && e.Source != soroe.SourceManual {
		err = &soroe.Error{Code: soroe.EConflict, Field: "entry", Message: "kpi_entry_not_manual"}
	}
	if err == nil {
		err = s.db.DeleteKPIEntry(r.Context(), org.ID, e.ID)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiGoalChanges(w http.ResponseWriter, r *http.Request) {
	g, ok := s.apiLoadGoal(w, r)
	if !ok {
		return
	}
	changes, err := s.db.GoalChanges(r.Context(), who(r).Org.ID, g.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": nonNil(changes)})
}
