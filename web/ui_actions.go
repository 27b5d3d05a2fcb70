package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// Actions (対応策): improvements discussed and turned into work with an
// owner and a due day. Executives and managers create and edit them; the
// owner (or they) moves them along and writes what they changed; anyone
// comments. Open actions stand on their owners' homes and in reports.
func (s *Server) registerActions() error {
	read, write, progress, comment := soroe.ActActionRead, soroe.ActActionWrite, soroe.ActActionProgress, soroe.ActActionComment
	return errors.Join(
		s.ui("GET /actions", read, s.actionList),
		s.ui("POST /actions", write, s.actionCreate),
		s.ui("GET /actions/{action}", read, s.actionPage),
		s.ui("POST /actions/{action}", write, s.actionUpdate),
		s.ui("POST /actions/{action}/progress", progress, s.actionProgress),
		s.ui("POST /actions/{action}/comments", comment, s.actionComment),
		s.api("GET /api/v1/actions", read, s.apiActions),
		s.api("POST /api/v1/actions", write, s.apiCreateAction),
		s.api("GET /api/v1/actions/{action}", read, s.apiAction),
		s.api("PATCH /api/v1/actions/{action}", write, s.apiUpdateAction),
		s.api("POST /api/v1/actions/{action}/progress", progress, s.apiActionProgress),
		s.api("GET /api/v1/actions/{action}/comments", read, s.apiActionComments),
		s.api("POST /api/v1/actions/{action}/comments", comment, s.apiAddActionComment),
	)
}

// mayProgress: who may write actions moves any along; the rest only those
// they own.
func mayProgress(id *identity, a *soroe.ActionItem) bool {
	return soroe.Can(id.Role, soroe.ActActionWrite) || (soroe.Can(id.Role, soroe.ActActionProgress) && a.OwnerID == id.User.ID)
}

var errNotYourAction = &soroe.Error{Code: soroe.EForbidden, Message: "action_not_yours"}

// actionFromForm reads the create and edit form into a.
func actionFromForm(form url.Values, a *soroe.ActionItem) error {
	a.Title, a.Detail, a.DueOn = form.Get("title"), form.Get("detail"), soroe.Date(strings.TrimSpace(form.Get("due_on")))
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"owner_id", &a.OwnerID}, {"goal_id", &a.GoalID}} {
		*p.dst = 0
		if v := strings.TrimSpace(form.Get(p.name)); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return soroe.Invalid(p.name, "not_an_id")
			}
			*p.dst = n
		}
	}
	if k := form.Get("source_kind"); k != "" {
		a.Source = soroe.ActionSource{Kind: k, Ref: form.Get("source_ref"), Note: form.Get("source_note")}
	}
	return nil
}

// ---- Pages ----

type actionListData struct {
	Actions  []*soroe.ActionItem
	Show     string // open, mine, all
	Members  []*soroe.Member
	Goals    []*soroe.Goal
	Statuses []soroe.ActionStatus
	Today    soroe.Date
	goals    map[int64]string
}

// GoalTitle names an action's goal.
func (d *actionListData) GoalTitle(id int64) string { return d.goals[id] }

// Overdue reports whether an open action is past its day.
func (d *actionListData) Overdue(a *soroe.ActionItem) bool {
	return !a.Status.Closed() && a.DueOn != "" && a.DueOn < d.Today
}

func (s *Server) actionListData(r *http.Request) (*actionListData, error) {
	ctx, id := r.Context(), who(r)
	d := &actionListData{Show: r.URL.Query().Get("show"), Statuses: soroe.ActionStatuses, Today: s.today(id.Org), goals: map[int64]string{}}
	f := store.ActionFilter{OrgID: id.Org.ID}
	switch d.Show {
	case "all":
	case "mine":
		f.OwnerID = id.User.ID
	default:
		d.Show, f.Open = "open", true
	}
	var err error
	if d.Actions, err = s.db.ActionItems(ctx, f); err != nil {
		return nil, err
	}
	if d.Members, err = s.db.Members(ctx, id.Org.ID); err != nil {
		return nil, err
	}
	if d.Goals, err = s.db.Goals(ctx, id.Org.ID); err != nil {
		return nil, err
	}
	for _, g := range d.Goals {
		d.goals[g.ID] = g.Title
	}
	return d, nil
}

func (s *Server) actionList(w http.ResponseWriter, r *http.Request) {
	d, err := s.actionListData(r)
	if s.failed(w, r, err) {
		return
	}
	p := s.newPage(w, r, "actions.title", d)
	// The form starts from what prompted it: a post, an insight, a goal.
	q := r.URL.Query()
	p.Form = url.Values{}
	for _, k := range []string{"title", "goal_id", "source_kind", "source_ref", "source_note"} {
		if v := q.Get(k); v != "" {
			p.Form.Set(k, v)
		}
	}
	s.render(w, http.StatusOK, "actions", p)
}

func (s *Server) actionCreate(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	a := &soroe.ActionItem{OrgID: id.Org.ID, CreatedBy: id.User.ID}
	err := actionFromForm(r.PostForm, a)
	if err == nil {
		err = s.db.CreateActionItem(r.Context(), a)
	}
	if err != nil {
		d, derr := s.actionListData(r)
		if s.failed(w, r, derr) {
			return
		}
		s.formError(w, r, "actions", s.newPage(w, r, "actions.title", d), err)
		return
	}
	s.flash(r, "actions.created")
	redirect(w, r, "/actions/"+strconv.FormatInt(a.ID, 10))
}

type actionPageData struct {
	*actionListData
	Action      *soroe.ActionItem
	Comments    []*soroe.Comment
	MayProgress bool
	SourceHref  string
}

func (s *Server) loadAction(r *http.Request) (*soroe.ActionItem, error) {
	id, err := pathID(r, "action")
	if err != nil {
		return nil, err
	}
	return s.db.ActionItem(r.Context(), who(r).Org.ID, id)
}

func (s *Server) actionPageData(r *http.Request, a *soroe.ActionItem) (*actionPageData, error) {
	l, err := s.actionListData(r)
	if err != nil {
		return nil, err
	}
	d := &actionPageData{actionListData: l, Action: a, MayProgress: mayProgress(who(r), a)}
	if d.Comments, err = s.db.ActionComments(r.Context(), a.OrgID, a.ID); err != nil {
		return nil, err
	}
	switch a.Source.Kind {
	case "post":
		d.SourceHref = "/posts/" + a.Source.Ref
	case "external":
		d.SourceHref = "/history/external/" + a.Source.Ref
	case "insight":
		d.SourceHref = "/insights#" + a.Source.Ref
	}
	return d, nil
}

func (s *Server) renderAction(w http.ResponseWriter, r *http.Request, a *soroe.ActionItem, err error) {
	d, derr := s.actionPageData(r, a)
	if s.failed(w, r, derr) {
		return
	}
	p := s.newPage(w, r, "actions.one", d)
	if err != nil {
		s.formError(w, r, "action", p, err)
		return
	}
	p.Form = url.Values{"title": {a.Title}, "detail": {a.Detail}, "due_on": {string(a.DueOn)}, "status": {string(a.Status)}, "outcome": {a.Outcome}}
	if a.OwnerID != 0 {
		p.Form.Set("owner_id", strconv.FormatInt(a.OwnerID, 10))
	}
	if a.GoalID != 0 {
		p.Form.Set("goal_id", strconv.FormatInt(a.GoalID, 10))
	}
	s.render(w, http.StatusOK, "action", p)
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if s.failed(w, r, err) {
		return
	}
	s.renderAction(w, r, a, nil)
}

func (s *Server) actionUpdate(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if s.failed(w, r, err) {
		return
	}
	keep := *a
	if err = actionFromForm(r.PostForm, a); err == nil {
		a.Source = keep.Source
		err = s.db.UpdateActionItem(r.Context(), a)
	}
	if err != nil {
		s.renderAction(w, r, &keep, err)
		return
	}
	s.flash(r, "actions.saved")
	redirect(w, r, "/actions/"+strconv.FormatInt(a.ID, 10))
}

func (s *Server) progressAction(r *http.Request, a *soroe.ActionItem, status, outcome string) error {
	if !mayProgress(who(r), a) {
		return errNotYourAction
	}
	a.Status, a.Outcome = soroe.ActionStatus(status), outcome
	return s.db.UpdateActionItem(r.Context(), a)
}

func (s *Server) actionProgress(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if s.failed(w, r, err) {
		return
	}
	keep := *a
	if err := s.progressAction(r, a, r.PostForm.Get("status"), r.PostForm.Get("outcome")); err != nil {
		s.renderAction(w, r, &keep, err)
		return
	}
	s.flash(r, "actions.saved")
	redirect(w, r, "/actions/"+strconv.FormatInt(a.ID, 10))
}

func (s *Server) actionComment(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if s.failed(w, r, err) {
		return
	}
	c := &soroe.Comment{PostID: a.ID, AuthorID: who(r).User.ID, Body: r.PostForm.Get("body")}
	if err := s.db.AddActionComment(r.Context(), a.OrgID, c); err != nil {
		s.renderAction(w, r, a, err)
		return
	}
	redirect(w, r, "/actions/"+strconv.FormatInt(a.ID, 10)+"#comments")
}

// ---- API ----

// actionComment is a comment on an action as the API writes it.
type actionComment struct {
	ID         int64     `json:"id"`
	ActionID   int64     `json:"action_id"`
	AuthorID   int64     `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Body       string    `json:"body"`
	CreatedAt  time.Time `json:"created_at"`
}

func apiActionComment(c *soroe.Comment) actionComment {
	return actionComment{ID: c.ID, ActionID: c.PostID, AuthorID: c.AuthorID, AuthorName: c.AuthorName, Body: c.Body, CreatedAt: c.CreatedAt}
}

// actionBody is what the API takes to create or change an action; absent
// fields keep their value on PATCH.
type actionBody struct {
	Title   *string             `json:"title"`
	Detail  *string             `json:"detail"`
	OwnerID *int64              `json:"owner_id"`
	DueOn   *soroe.Date         `json:"due_on"`
	Status  *soroe.ActionStatus `json:"status"`
	GoalID  *int64              `json:"goal_id"`
	Outcome *string             `json:"outcome"`
	Source  *soroe.ActionSource `json:"source"`
}

func (b *actionBody) apply(a *soroe.ActionItem) {
	if b.Title != nil {
		a.Title = *b.Title
	}
	if b.Detail != nil {
		a.Detail = *b.Detail
	}
	if b.OwnerID != nil {
		a.OwnerID = *b.OwnerID
	}
	if b.DueOn != nil {
		a.DueOn = *b.DueOn
	}
	if b.Status != nil {
		a.Status = *b.Status
	}
	if b.GoalID != nil {
		a.GoalID = *b.GoalID
	}
	if b.Outcome != nil {
		a.Outcome = *b.Outcome
	}
	if b.Source != nil {
		a.Source = *b.Source
	}
}

func (s *Server) apiActions(w http.ResponseWriter, r *http.Request) {
	id, q := who(r), r.URL.Query()
	f := store.ActionFilter{OrgID: id.Org.ID}
	switch st := q.Get("status"); st {
	case "", "all":
	case "open":
		f.Open = true
	default:
		if !soroe.ActionStatus(st).Valid() {
			s.badQuery(w, r, soroe.Invalid("status", "unknown_status"))
			return
		}
		f.Status = soroe.ActionStatus(st)
	}
	if v := q.Get("owner"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.badQuery(w, r, soroe.Invalid("owner", "not_an_id"))
			return
		}
		f.OwnerID = n
	}
	list, err := s.db.ActionItems(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"actions": list})
}

func (s *Server) apiCreateAction(w http.ResponseWriter, r *http.Request) {
	var b actionBody
	if !s.decode(w, r, &b) {
		return
	}
	id := who(r)
	a := &soroe.ActionItem{OrgID: id.Org.ID, CreatedBy: id.User.ID}
	b.apply(a)
	if err := s.db.CreateActionItem(r.Context(), a); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) apiAction(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiUpdateAction(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var b actionBody
	if !s.decode(w, r, &b) {
		return
	}
	b.apply(a)
	if err := s.db.UpdateActionItem(r.Context(), a); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiActionProgress(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var b struct {
		Status  soroe.ActionStatus `json:"status"`
		Outcome *string            `json:"outcome"`
	}
	if !s.decode(w, r, &b) {
		return
	}
	outcome := a.Outcome
	if b.Outcome != nil {
		outcome = *b.Outcome
	}
	if b.Status == "" {
		b.Status = a.Status
	}
	if err := s.progressAction(r, a, string(b.Status), outcome); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) apiActionComments(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	cs, err := s.db.ActionComments(r.Context(), a.OrgID, a.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]actionComment, len(cs))
	for i, c := range cs {
		out[i] = apiActionComment(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"comments": out})
}

func (s *Server) apiAddActionComment(w http.ResponseWriter, r *http.Request) {
	a, err := s.loadAction(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var b struct {
		Body string `json:"body"`
	}
	if !s.decode(w, r, &b) {
		return
	}
	c := &soroe.Comment{PostID: a.ID, AuthorID: who(r).User.ID, Body: b.Body}
	if err := s.db.AddActionComment(r.Context(), a.OrgID, c); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, apiActionComment(c))
}
