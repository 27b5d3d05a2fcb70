package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// postOut is a post as the API shows it.
type postOut struct {
	*soroe.Post
	Targets   []*soroe.Target      `json:"targets"`
	Media     []*soroe.Media       `json:"media,omitempty"`
	Approvals []*soroe.Approval    `json:"approvals,omitempty"`
	Progress  []soroe.StepProgress `json:"progress,omitempty"`
	Check     *workflow.Report     `json:"check,omitempty"`
}

// postInput is the body of create and update calls.
type postInput struct {
	GoalID      *int64        `json:"goal_id"`
	TemplateID  *int64        `json:"template_id"`
	Text        string        `json:"text"`
	Link        string        `json:"link"`
	ScheduledAt *time.Time    `json:"scheduled_at"`
	SlotAt      *time.Time    `json:"slot_at"`
	Targets     []targetInput `json:"targets"`
	// Submit sends the post to review at once (create only).
	Submit bool `json:"submit"`
	// TrackLink is the post's own choice of tracking its link (links.go);
	// omitted, the organization's default applies.
	TrackLink *bool `json:"track_link"`
}

type targetInput struct {
	AccountID int64  `json:"account_id"`
	Text      string `json:"text"` // empty: the post's text
}

func (in postInput) post() (*soroe.Post, []*soroe.Target) {
	p := &soroe.Post{GoalID: in.GoalID, TemplateID: in.TemplateID, Text: strings.TrimSpace(in.Text), Link: strings.TrimSpace(in.Link),
		ScheduledAt: in.ScheduledAt, SlotAt: in.SlotAt}
	var ts []*soroe.Target
	for _, t := range in.Targets {
		text := strings.TrimSpace(t.Text)
		if text == "" {
			text = p.Text
		}
		ts = append(ts, &soroe.Target{AccountID: t.AccountID, Text: text})
	}
	return p, ts
}

// postOutput loads a post for the API; detail adds approvals, progress and
// the check.
func (s *Server) postOutput(r *http.Request, id int64, detail bool) (*postOut, error) {
	ctx, org := r.Context(), who(r).Org
	p, err := s.db.Post(ctx, org.ID, id)
	if err != nil {
		return nil, err
	}
	out := &postOut{Post: p}
	if out.Targets, err = s.db.Targets(ctx, org.ID, id); err != nil {
		return nil, err
	}
	out.Targets = nonNil(out.Targets)
	if out.Media, err = s.db.PostMedia(ctx, org.ID, id); err != nil {
		return nil, err
	}
	if !detail {
		return out, nil
	}
	if out.Approvals, err = s.db.Approvals(ctx, org.ID, id, 0); err != nil {
		return nil, err
	}
	if len(p.Steps) > 0 {
		members, err := s.db.Members(ctx, org.ID)
		if err != nil {
			return nil, err
		}
		var round []*soroe.Approval
		for _, a := range out.Approvals {
			if a.Round == p.Round {
				round = append(round, a)
			}
		}
		out.Progress, _ = soroe.Progress(p.Steps, members, round)
	}
	if out.Check, err = s.wf().CheckPost(ctx, p, out.Targets, out.Media); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) apiPosts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.PostFilter{OrgID: who(r).Org.ID, Network: soroe.Network(q.Get("network")), Newest: q.Get("order") != "asc"}
	if v := q.Get("state"); v != "" {
		f.States = strings.Split(v, ",")
	}
	for name, dst := range map[string]*int64{"goal": &f.GoalID, "template": &f.TemplateID, "author": &f.AuthorID, "account": &f.AccountID} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				s.problem(w, r, http.StatusBadRequest, "bad_query", name+" must be an ID", name)
				return
			}
			*dst = n
		}
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				s.problem(w, r, http.StatusBadRequest, "bad_query", name+" must be an RFC 3339 time", name)
				return
			}
			*dst = t
		}
	}
	f.Limit, _ = strconv.Atoi(q.Get("limit"))
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	posts, targets, total, err := s.db.Posts(r.Context(), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]*postOut, len(posts))
	for i, p := range posts {
		out[i] = &postOut{Post: p, Targets: nonNil(targets[p.ID])}
	}
	writeJSON(w, http.StatusOK, map[string]any{"posts": out, "total": total})
}

// apiCreatePost creates a draft (and submits it with "submit": true). An
// Idempotency-Key header makes a retry of the same call answer the first
// call's reply instead of creating a second post; the same key with a
// different body is refused (422).
func (s *Server) apiCreatePost(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	if err != nil {
		s.problem(w, r, http.StatusRequestEntityTooLarge, "too_large", "The body is over 1 MiB.", "")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	id := who(r)
	const route = "POST /api/v1/posts"
	if key != "" {
		if len(key) > 255 {
			s.problem(w, r, http.StatusBadRequest, "bad_idempotency_key", "Idempotency-Key is at most 255 characters.", "")
			return
		}
		sum := sha256.Sum256(body)
		fp := hex.EncodeToString(sum[:])
		prev, err := s.db.ReserveIdempotencyKey(r.Context(), id.User.ID, id.Org.ID, key, route, fp)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		switch {
		case prev == nil:
		case prev.Fingerprint != fp:
			s.problem(w, r, http.StatusUnprocessableEntity, "idempotency_key_reused", "This Idempotency-Key was used with a different body.", "")
			return
		case prev.Status == 0:
			s.problem(w, r, http.StatusConflict, "idempotency_key_in_progress", "A request with this Idempotency-Key is still being processed; retry later.", "")
			return
		default:
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(prev.Status)
			_, _ = io.WriteString(w, prev.Body)
			return
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		s.createPost(rec, r)
		if rec.status >= 500 {
			_ = s.db.ReleaseIdempotencyKey(r.Context(), id.User.ID, id.Org.ID, key, route)
			return
		}
		if err := s.db.CompleteIdempotencyKey(r.Context(), id.User.ID, id.Org.ID, key, route, rec.status, rec.body.String()); err != nil {
			s.log.Error("saving an idempotent reply", "err", err)
		}
		return
	}
	s.createPost(w, r)
}

// recorder keeps a copy of a reply.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (rec *recorder) WriteHeader(status int) {
	rec.status = status
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	rec.body.Write(b)
	return rec.ResponseWriter.Write(b)
}

func (s *Server) createPost(w http.ResponseWriter, r *http.Request) {
	var in postInput
	if !s.decode(w, r, &in) {
		return
	}
	p, targets := in.post()
	err := s.checkPostSlot(r, p, nil) // ui_slots.go
	if err == nil {
		err = s.wf().CheckScheduledAt(p, nil)
	}
	if err == nil {
		err = s.wf().Create(r.Context(), actor(r), p, targets)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.TrackLink != nil {
		if err := s.db.SetPostTracking(r.Context(), p.OrgID, p.ID, *in.TrackLink); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	if in.Submit {
		if _, rep, err := s.wf().Submit(r.Context(), actor(r), p.ID); err != nil {
			s.checkProblem(w, r, err, rep)
			return
		}
	}
	out, err := s.postOutput(r, p.ID, true)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// checkProblem answers a workflow error, with the check report when the
// checks refused the change. An unfinished draft's detail says what is
// unfinished.
func (s *Server) checkProblem(w http.ResponseWriter, r *http.Request, err error, rep *workflow.Report) {
	var e *soroe.Error
	if rep == nil || !errors.As(err, &e) || e.Code != soroe.EInvalid {
		s.apiError(w, r, err)
		return
	}
	detail := s.cat.T("en", "error."+e.Message)
	if errors.Is(err, workflow.ErrUnfinished) {
		for _, f := range rep.Unfinished {
			detail += " " + s.unfinishedText("en", f)
		}
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(http.StatusUnprocessableEntity)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]any{
		"type": "https://soroe.invalid/problems/" + e.Code, "title": http.StatusText(http.StatusUnprocessableEntity),
		"status": http.StatusUnprocessableEntity, "code": e.Code, "field": e.Field,
		"detail": detail, "check": rep,
	})
}

func (s *Server) apiPost(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.postOutput(r, id, true)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// errAnswered says a handler step has written the answer itself.
var errAnswered = errors.New("answered")

// apiPostDo runs a change of the {post} of the path and answers the post
// as it is after it; a refusal by the checks comes with their report.
func (s *Server) apiPostDo(w http.ResponseWriter, r *http.Request, fn func(id int64) (*workflow.Report, error)) {
	id, err := pathID(r, "post")
	var rep *workflow.Report
	if err == nil {
		rep, err = fn(id)
	}
	switch {
	case errors.Is(err, errAnswered):
		return
	case err != nil:
		s.checkProblem(w, r, err, rep)
		return
	}
	s.apiPost(w, r)
}

// apiUpdatePost replaces a post's content (the whole of postInput; an
// approved or scheduled post goes back to review).
func (s *Server) apiUpdatePost(w http.ResponseWriter, r *http.Request) {
	s.apiPostDo(w, r, func(id int64) (*workflow.Report, error) {
		var in postInput
		if !s.decode(w, r, &in) {
			return nil, errAnswered
		}
		p, targets := in.post()
		p.ID = id
		old, err := s.db.Post(r.Context(), who(r).Org.ID, id)
		if err != nil {
			return nil, err
		}
		if err := s.checkPostSlot(r, p, old); err != nil {
			return nil, err
		}
		if err := s.wf().CheckScheduledAt(p, old.ScheduledAt); err != nil {
			return nil, err
		}
		_, err = s.wf().Update(r.Context(), actor(r), p, targets)
		if err == nil && in.TrackLink != nil {
			err = s.db.SetPostTracking(r.Context(), who(r).Org.ID, id, *in.TrackLink)
		}
		return nil, err
	})
}

func (s *Server) apiDeletePost(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err == nil {
		err = s.wf().Delete(r.Context(), actor(r), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiSubmitPost(w http.ResponseWriter, r *http.Request) {
	s.apiPostDo(w, r, func(id int64) (*workflow.Report, error) {
		_, rep, err := s.wf().Submit(r.Context(), actor(r), id)
		return rep, err
	})
}

// decisionInput is the body of approve and reject. Round and step, when
// given, must be those the post waits at (a stale page's decision is
// refused with 409); omitted, the current ones are decided.
type decisionInput struct {
	Comment string `json:"comment"`
	Round   *int   `json:"round"`
	Step    *int   `json:"step"`
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, decision string) {
	s.apiPostDo(w, r, func(id int64) (*workflow.Report, error) {
		var in decisionInput
		if r.ContentLength != 0 && !s.decode(w, r, &in) {
			return nil, errAnswered
		}
		p, err := s.db.Post(r.Context(), who(r).Org.ID, id)
		if err != nil {
			return nil, err
		}
		d := store.Decision{Round: p.Round, Step: p.Step, UserID: who(r).User.ID, Decision: decision, Comment: in.Comment}
		if in.Round != nil {
			d.Round = *in.Round
		}
		if in.Step != nil {
			d.Step = *in.Step
		}
		_, rep, err := s.wf().Decide(r.Context(), who(r).Org.ID, id, d)
		return rep, err
	})
}

func (s *Server) apiApprovePost(w http.ResponseWriter, r *http.Request) {
	s.apiDecide(w, r, soroe.DecisionApprove)
}

func (s *Server) apiRejectPost(w http.ResponseWriter, r *http.Request) {
	s.apiDecide(w, r, soroe.DecisionReject)
}

func (s *Server) apiGuestLink(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Email      string `json:"email"`
		TTLSeconds int64  `json:"ttl_seconds"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	ttl := time.Duration(in.TTLSeconds) * time.Second
	if ttl > 30*24*time.Hour {
		s.problem(w, r, http.StatusUnprocessableEntity, soroe.EInvalid, "ttl_seconds is at most 30 days.", "ttl_seconds")
		return
	}
	tok, c, err := s.wf().GuestLink(r.Context(), s.cfg.Secrets, actor(r), id, strings.ToLower(strings.TrimSpace(in.Email)), ttl)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"url": s.absURL(r, "/guest/"+tok), "email": c.Email, "name": c.Name,
		"round": c.Round, "step": c.Step, "expires_at": time.Unix(c.Expires, 0).UTC()})
}

func (s *Server) apiSchedulePost(w http.ResponseWriter, r *http.Request) {
	s.apiPostDo(w, r, func(id int64) (*workflow.Report, error) {
		var in struct {
			ScheduledAt time.Time `json:"scheduled_at"`
		}
		if !s.decode(w, r, &in) {
			return nil, errAnswered
		}
		if in.ScheduledAt.IsZero() {
			return nil, soroe.Invalid("scheduled_at", "required")
		}
		return s.wf().Schedule(r.Context(), actor(r), id, in.ScheduledAt)
	})
}

func (s *Server) apiUnschedulePost(w http.ResponseWriter, r *http.Request) {
	s.apiPostDo(w, r, func(id int64) (*workflow.Report, error) {
		return nil, s.wf().Unschedule(r.Context(), actor(r), id)
	})
}

// apiPostList answers a list that belongs to the {post} of the path under
// key; a post of another organization is not found.
func apiPostList[T any](s *Server, w http.ResponseWriter, r *http.Request, key string, load func(ctx context.Context, orgID, postID int64) ([]T, error)) {
	org := who(r).Org.ID
	id, err := pathID(r, "post")
	if err == nil {
		_, err = s.db.Post(r.Context(), org, id)
	}
	var list []T
	if err == nil {
		list, err = load(r.Context(), org, id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{key: nonNil(list)})
}

func (s *Server) apiPostHistory(w http.ResponseWriter, r *http.Request) {
	apiPostList(s, w, r, "history", s.db.PostEvents)
}

func (s *Server) apiPostComments(w http.ResponseWriter, r *http.Request) {
	apiPostList(s, w, r, "comments", s.db.Comments)
}

func (s *Server) apiAddComment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Body     string `json:"body"`
		ParentID *int64 `json:"parent_id"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	c := &soroe.Comment{PostID: id, Body: in.Body, ParentID: in.ParentID}
	if err := s.wf().Comment(r.Context(), actor(r), c); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiAddMedia(w http.ResponseWriter, r *http.Request) {
	m, _, err := s.addMedia(w, r)
	if err != nil {
		if soroe.ErrorMessage(err) == "media_too_large" {
			s.problem(w, r, http.StatusRequestEntityTooLarge, "too_large", s.cat.T("en", "error.media_too_large"), "file")
			return
		}
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

func (s *Server) apiRecordURL(w http.ResponseWriter, r *http.Request) {
	s.apiPostDo(w, r, func(id int64) (*workflow.Report, error) {
		tid, err := pathID(r, "target")
		if err != nil {
			return nil, err
		}
		var in struct {
			URL string `json:"url"`
		}
		if !s.decode(w, r, &in) {
			return nil, errAnswered
		}
		return nil, s.recordURL(r, id, tid, in.URL)
	})
}

// apiCheckPost checks a post as it would be saved: its targets against
// their networks, and whether the draft is finished. The attachments it
// would have count: those of post_id (a stored post being edited) and
// those described in media (files about to be attached).
func (s *Server) apiCheckPost(w http.ResponseWriter, r *http.Request) {
	var in struct {
		postInput
		PostID *int64       `json:"post_id"`
		Media  []mediaInput `json:"media"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	p, targets := in.post()
	p.OrgID = who(r).Org.ID
	media, err := s.checkMediaList(r, p, in.PostID, in.Media)
	if err == nil {
		var rep *workflow.Report
		if rep, err = s.wf().CheckPost(r.Context(), p, targets, media); err == nil {
			writeJSON(w, http.StatusOK, rep)
			return
		}
	}
	s.apiError(w, r, err)
}

// mediaInput describes an attachment a check counts before it is
// uploaded.
type mediaInput struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Bytes       int64  `json:"bytes"`
	Alt         string `json:"alt"`
}

// checkMediaList is the attachments a post being edited would have: the
// stored post's (postID, nil for a new post; its 型 version is then the
// post's) and the described ones, whose types must be ones Soroe takes.
func (s *Server) checkMediaList(r *http.Request, p *soroe.Post, postID *int64, more []mediaInput) ([]*soroe.Media, error) {
	var media []*soroe.Media
	if postID != nil {
		old, err := s.db.Post(r.Context(), who(r).Org.ID, *postID)
		if err != nil {
			return nil, err
		}
		if p.TemplateID != nil && old.TemplateID != nil && *p.TemplateID == *old.TemplateID {
			p.TemplateVersion = old.TemplateVersion
		}
		if media, err = s.db.PostMedia(r.Context(), who(r).Org.ID, old.ID); err != nil {
			return nil, err
		}
	}
	if len(media)+len(more) > maxMediaCount {
		return nil, soroe.Invalid("media", "media_post_limit")
	}
	for _, m := range more {
		if !slices.Contains(mediaTypes, m.ContentType) {
			return nil, soroe.Invalid("media", "media_type_not_allowed")
		}
		media = append(media, &soroe.Media{Filename: clipRunes(m.Filename, 200), ContentType: m.ContentType, Bytes: max(m.Bytes, 0), Alt: m.Alt})
	}
	return media, nil
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	ns, unread, err := s.db.Notifications(r.Context(), id.Org.ID, id.User.ID, 100)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]map[string]any, len(ns))
	for i, v := range s.notificationViews(r, ns) {
		out[i] = map[string]any{"id": v.ID, "kind": v.Kind, "text": v.Text, "post_id": v.PostID, "account_id": v.AccountID,
			"params": v.Params, "created_at": v.CreatedAt, "read_at": v.ReadAt,
			"post": v.Post, "details": v.Details, "due": v.Due, "href": v.Target}
	}
	writeJSON(w, http.StatusOK, map[string]any{"notifications": out, "unread": unread})
}

func (s *Server) apiNotificationsRead(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IDs []int64 `json:"ids"`
	}
	if r.ContentLength != 0 && !s.decode(w, r, &in) {
		return
	}
	id := who(r)
	if err := s.db.MarkNotificationsRead(r.Context(), id.Org.ID, id.User.ID, in.IDs...); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiDuplicatePost(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	p, err := s.wf().Duplicate(r.Context(), actor(r), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.postOutput(r, p.ID, true)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}
