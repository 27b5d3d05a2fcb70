package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/workflow"
)

// registerPosts registers the posts: the list, the editor (main text and
// per-account variants, media, link, time), the post page (approval steps,
// guest links, scheduling, comments, history), notifications, the guest
// approver's page and public media links; and the API (api_posts.go).
func (s *Server) registerPosts() error {
	read, write, comment, approve := soroe.ActPostRead, soroe.ActPostWrite, soroe.ActPostComment, soroe.ActPostApprove
	return errors.Join(
		s.ui("GET /posts", read, s.postList),
		s.ui("GET /posts/new", write, s.postNew),
		s.ui("POST /posts/new", write, s.postNewPrefilled),
		s.ui("POST /posts", write, s.postCreate),
		s.ui("POST /posts/check", soroe.ActTextCheck, s.postCheckLive),
		s.ui("GET /posts/{post}", read, s.postPage),
		s.ui("GET /posts/{post}/edit", write, s.postEdit),
		s.ui("POST /posts/{post}", write, s.postUpdate),
		s.ui("POST /posts/{post}/submit", write, s.postSubmit),
		s.ui("POST /posts/{post}/decide", approve, s.postDecide),
		s.ui("POST /posts/{post}/guest-link", approve, s.postGuestLink),
		s.ui("POST /posts/{post}/schedule", write, s.postSchedule),
		s.ui("POST /posts/{post}/unschedule", write, s.postUnschedule),
		s.ui("POST /posts/{post}/delete", write, s.postDelete),
		s.ui("POST /posts/{post}/duplicate", write, s.postDuplicate),
		s.ui("POST /posts/{post}/comments", comment, s.postComment),
		s.ui("POST /posts/{post}/media", write, s.postMediaUpload),
		s.ui("POST /posts/{post}/media/{media}/delete", write, s.postMediaDelete),
		s.ui("GET /posts/{post}/media/{media}", read, s.postMediaFile),
		s.ui("POST /posts/{post}/targets/{target}/url", write, s.postRecordURL),
		s.ui("GET /notifications", soroe.ActNotificationOwn, s.notificationList),
		s.ui("POST /notifications/read", soroe.ActNotificationOwn, s.notificationsRead),
		s.ui("GET /guest/{token}", soroe.ActPublic, s.guestPage),
		s.ui("POST /guest/{token}", soroe.ActPublic, s.guestDecide),
		s.ui("GET /guest/{token}/media/{media}", soroe.ActPublic, s.guestMedia),
		s.handle("GET /m/{token}", soroe.ActPublic, false, http.HandlerFunc(s.publicMedia)),

		s.api("GET /api/v1/posts", read, s.apiPosts),
		s.api("POST /api/v1/posts", write, s.apiCreatePost),
		s.api("POST /api/v1/posts/check", soroe.ActTextCheck, s.apiCheckPost),
		s.api("GET /api/v1/posts/{post}", read, s.apiPost),
		s.api("PATCH /api/v1/posts/{post}", write, s.apiUpdatePost),
		s.api("DELETE /api/v1/posts/{post}", write, s.apiDeletePost),
		s.api("POST /api/v1/posts/{post}/duplicate", write, s.apiDuplicatePost),
		s.api("POST /api/v1/posts/{post}/submit", write, s.apiSubmitPost),
		s.api("POST /api/v1/posts/{post}/approve", approve, s.apiApprovePost),
		s.api("POST /api/v1/posts/{post}/reject", approve, s.apiRejectPost),
		s.api("POST /api/v1/posts/{post}/guest-links", approve, s.apiGuestLink),
		s.api("POST /api/v1/posts/{post}/schedule", write, s.apiSchedulePost),
		s.api("POST /api/v1/posts/{post}/unschedule", write, s.apiUnschedulePost),
		s.api("GET /api/v1/posts/{post}/history", read, s.apiPostHistory),
		s.api("GET /api/v1/posts/{post}/comments", read, s.apiPostComments),
		s.api("POST /api/v1/posts/{post}/comments", comment, s.apiAddComment),
		s.api("POST /api/v1/posts/{post}/media", write, s.apiAddMedia),
		s.api("POST /api/v1/posts/{post}/targets/{target}/url", write, s.apiRecordURL),
		s.api("GET /api/v1/notifications", soroe.ActNotificationOwn, s.apiNotifications),
		s.api("POST /api/v1/notifications/read", soroe.ActNotificationOwn, s.apiNotificationsRead),
	)
}

// wf is the workflow service over the server's store.
func (s *Server) wf() *workflow.Service { return &workflow.Service{DB: s.db} }

// actor is the caller as the workflow sees them.
func actor(r *http.Request) workflow.Actor {
	id := who(r)
	return workflow.Actor{UserID: id.User.ID, OrgID: id.Org.ID, Role: id.Role}
}

// ---- Loading ----

// postView is a post with everything its pages show.
type postView struct {
	*soroe.Post
	Targets   []*targetView
	Media     []*soroe.Media
	Author    string
	Template  *soroe.Template
	Goal      *soroe.Goal
	Progress  []stepView
	Approvals []*soroe.Approval
	Editable  bool // nothing has gone out
	Report    *workflow.Report
	members   []*soroe.Member // the organization's, loaded with the detail
}

type targetView struct {
	*soroe.Target
	Account *soroe.Account
}

type stepView struct {
	soroe.StepProgress
	Current  bool
	Approved []string // names
	Waiting  []string // names of members still to decide
	Guests   []soroe.Guest
	Decided  map[string]bool // guest email → approved
}

// loadPost reads the {post} of the path with its targets and media.
func (s *Server) loadPost(r *http.Request) (*postView, error) {
	id, err := pathID(r, "post")
	if err != nil {
		return nil, err
	}
	org := who(r).Org
	ctx := r.Context()
	p, err := s.db.Post(ctx, org.ID, id)
	if err != nil {
		return nil, err
	}
	v := &postView{Post: p}
	targets, err := s.db.Targets(ctx, org.ID, id)
	if err != nil {
		return nil, err
	}
	accounts, err := s.db.Accounts(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		tv := &targetView{Target: t}
		if i := slices.IndexFunc(accounts, func(a *soroe.Account) bool { return a.ID == t.AccountID }); i >= 0 {
			tv.Account = accounts[i]
		}
		v.Targets = append(v.Targets, tv)
	}
	v.Editable = p.Editable(targets)
	if v.Media, err = s.db.PostMedia(ctx, org.ID, id); err != nil {
		return nil, err
	}
	return v, nil
}

// loadPostDetail adds what the post page shows: author, 型, goal, the
// approval progress with names, and the check.
func (s *Server) loadPostDetail(r *http.Request, v *postView) error {
	ctx, org := r.Context(), who(r).Org
	members, err := s.db.Members(ctx, org.ID)
	if err != nil {
		return err
	}
	v.members = members
	name := func(id int64) string {
		for _, m := range members {
			if m.UserID == id {
				return m.Name
			}
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	v.Author = name(v.AuthorID)
	if v.TemplateID != nil {
		if t, err := s.db.Template(ctx, org.ID, *v.TemplateID, v.TemplateVersion); err == nil {
			v.Template = t
		}
	}
	if v.GoalID != nil {
		if g, err := s.db.Goal(ctx, org.ID, *v.GoalID); err == nil {
			v.Goal = g
		}
	}
	if v.Approvals, err = s.db.Approvals(ctx, org.ID, v.ID, 0); err != nil {
		return err
	}
	var round []*soroe.Approval
	for _, a := range v.Approvals {
		if a.Round == v.Round {
			round = append(round, a)
		}
	}
	steps := v.Steps
	if len(steps) == 0 {
		if steps, err = s.wf().Steps(ctx, v.Post); err != nil {
			return err
		}
	}
	prog, _ := soroe.Progress(steps, members, round)
	for i, sp := range prog {
		sv := stepView{StepProgress: sp, Current: v.State == soroe.PostInReview && i == v.Step, Guests: sp.Step.Guests, Decided: map[string]bool{}}
		for _, id := range sp.Approved {
			sv.Approved = append(sv.Approved, name(id))
		}
		for _, g := range sp.Guests {
			sv.Decided[g] = true
			sv.Approved = append(sv.Approved, guestName(sp.Step.Guests, g))
		}
		for _, id := range sp.Waiting {
			sv.Waiting = append(sv.Waiting, name(id))
		}
		v.Progress = append(v.Progress, sv)
	}
	ts := make([]*soroe.Target, len(v.Targets))
	for i, t := range v.Targets {
		ts[i] = t.Target
	}
	if v.Report, err = s.wf().CheckPost(ctx, v.Post, ts, v.Media); err != nil {
		return err
	}
	return nil
}

func guestName(gs []soroe.Guest, email string) string {
	for _, g := range gs {
		if g.Email == email {
			return g.Name
		}
	}
	return email
}

// ---- The list ----

type postListData struct {
	Tab      string
	Tabs     []postTab
	Posts    []*postRow
	Total    int
	Goals    []*soroe.Goal
	Accounts []*soroe.Account
	Filter   url.Values
}

type postTab struct {
	Key, Label string
	Active     bool
}

type postRow struct {
	*soroe.Post
	Targets []*targetView
	Author  string
	// Partly says the post went out on some networks and waits for the
	// rest; Pending names the accounts whose by-hand post is due.
	Partly  bool
	Pending []string
}

// postTabs are the list's tabs: their states.
var postTabs = []struct {
	Key    string
	States []string
}{
	{"all", nil},
	{"review", []string{soroe.PostInReview}},
	{"draft", []string{soroe.PostDraft}},
	{"approved", []string{soroe.PostApproved}},
	{"scheduled", []string{soroe.PostScheduled}},
	{"published", []string{soroe.PostPublished}},
	{"failed", []string{soroe.PostFailed}},
}

func (s *Server) postList(w http.ResponseWriter, r *http.Request) {
	ctx, org, l := r.Context(), who(r).Org, lang(r)
	q := r.URL.Query()
	tab := q.Get("tab")
	f := store.PostFilter{OrgID: org.ID, Newest: true, Limit: 200, Network: soroe.Network(q.Get("network"))}
	d := &postListData{Filter: q}
	for _, t := range postTabs {
		active := t.Key == tab || (tab == "" && t.Key == "all")
		if active {
			f.States = t.States
		}
		d.Tabs = append(d.Tabs, postTab{Key: t.Key, Label: s.cat.T(l, "posts.tab."+t.Key), Active: active})
	}
	d.Tab = tab
	if id, err := strconv.ParseInt(q.Get("goal"), 10, 64); err == nil {
		f.GoalID = id
	}
	if id, err := strconv.ParseInt(q.Get("account"), 10, 64); err == nil {
		f.AccountID = id
	}
	if q.Get("mine") != "" {
		f.AuthorID = who(r).User.ID
	}
	posts, targets, total, err := s.db.Posts(ctx, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Goals, err = s.db.Goals(ctx, org.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Accounts, err = s.db.Accounts(ctx, org.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	members, err := s.db.Members(ctx, org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	account := accountFinder(d.Accounts)
	for _, p := range posts {
		row := &postRow{Post: p, Partly: partlyPublished(p, targets[p.ID]), Pending: pendingByHand(targets[p.ID], account)}
		for _, t := range targets[p.ID] {
			tv := &targetView{Target: t}
			if i := slices.IndexFunc(d.Accounts, func(a *soroe.Account) bool { return a.ID == t.AccountID }); i >= 0 {
				tv.Account = d.Accounts[i]
			}
			row.Targets = append(row.Targets, tv)
		}
		if i := slices.IndexFunc(members, func(m *soroe.Member) bool { return m.UserID == p.AuthorID }); i >= 0 {
			row.Author = members[i].Name
		}
		d.Posts = append(d.Posts, row)
	}
	d.Total = total
	s.render(w, http.StatusOK, "posts", s.newPage(w, r, "posts.title", d))
}

// ---- The editor ----

type postFormData struct {
	Post        *soroe.Post // nil for a new post
	Goals       []*soroe.Goal
	Templates   []*soroe.Template
	Template    *soroe.Template // the chosen 型
	Accounts    []*accountOption
	SlotAt      string       // RFC 3339, the slot being filled
	Slots       []slotOption // the slots of the 型 the post may fill (ui_slots.go)
	SlotLabel   string       // the chosen slot, in words
	SlotTaken   int64        // another post that already fills the chosen slot
	Local       string       // scheduled_at as datetime-local in the org's zone
	MissingNets string       // the 型's networks without a connected account (new posts), in words
	Back        bool         // saving sends it back to review
	CanAI       bool
	// Media are the stored post's attachments (the editor lists them);
	// a new post takes files with its first save (MaxMediaMB each image,
	// MaxFormMB at once, MaxMedia a post).
	Media      []*soroe.Media
	MaxMediaMB int
	MaxFormMB  int
	MaxMedia   int
	// MediaLost: the form came back with an error, so the files chosen
	// were not attached and must be chosen again.
	MediaLost bool
}

type accountOption struct {
	*soroe.Account
	Checked bool
	Variant string
}

// postFormValues are a post form's fields, read from a form or a post.
func (s *Server) postFormData(r *http.Request, p *soroe.Post, targets []*soroe.Target, form url.Values) (*postFormData, error) {
	ctx, org := r.Context(), who(r).Org
	d := &postFormData{Post: p, CanAI: soroe.Can(who(r).Role, soroe.ActDraftGenerate),
		MaxMediaMB: maxImageBytes >> 20, MaxFormMB: maxVideoBytes >> 20, MaxMedia: maxMediaCount}
	var err error
	if p != nil {
		if d.Media, err = s.db.PostMedia(ctx, org.ID, p.ID); err != nil {
			return nil, err
		}
	}
	if d.Goals, err = s.db.Goals(ctx, org.ID); err != nil {
		return nil, err
	}
	if d.Templates, err = s.db.Templates(ctx, org.ID, 0); err != nil {
		return nil, err
	}
	accounts, err := s.db.Accounts(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	if id, err := strconv.ParseInt(form.Get("template"), 10, 64); err == nil {
		if i := slices.IndexFunc(d.Templates, func(t *soroe.Template) bool { return t.ID == id }); i >= 0 {
			d.Template = d.Templates[i]
		}
	}
	d.SlotAt = form.Get("slot_at")
	d.Local = form.Get("scheduled_at")
	main := form.Get("text")
	for _, a := range accounts {
		o := &accountOption{Account: a}
		key := strconv.FormatInt(a.ID, 10)
		o.Checked = slices.Contains(form["account"], key)
		if v := form.Get("text_" + key); v != "" && v != main {
			o.Variant = v
		}
		d.Accounts = append(d.Accounts, o)
	}
	// A new post from a 型 picks the connected accounts of its networks,
	// and says which of its networks have none.
	if p == nil && d.Template != nil {
		pick := len(form["account"]) == 0
		var missing []string
		for _, n := range d.Template.Networks {
			found := false
			for _, o := range d.Accounts {
				if o.Network == n && o.Status == soroe.AccountOK {
					found = true
					o.Checked = o.Checked || pick
				}
			}
			if !found {
				missing = append(missing, s.tplNetworkLabel(lang(r), n))
			}
		}
		sep := ", "
		if lang(r) == soroe.LangJA {
			sep = "、"
		}
		d.MissingNets = strings.Join(missing, sep)
	}
	if d.Template != nil {
		if err := s.postSlotOptions(r, d, p); err != nil {
			return nil, err
		}
	}
	_ = targets
	return d, nil
}

// formFromPost fills form values from a stored post.
func formFromPost(org *soroe.Org, p *soroe.Post, targets []*soroe.Target) url.Values {
	f := url.Values{}
	f.Set("text", p.Text)
	f.Set("link", p.Link)
	if p.GoalID != nil {
		f.Set("goal", strconv.FormatInt(*p.GoalID, 10))
	}
	if p.TemplateID != nil {
		f.Set("template", strconv.FormatInt(*p.TemplateID, 10))
	}
	if p.ScheduledAt != nil {
		f.Set("scheduled_at", p.ScheduledAt.In(org.Location()).Format("2006-01-02T15:04"))
	}
	if p.SlotAt != nil {
		f.Set("slot_at", p.SlotAt.Format(time.RFC3339))
	}
	for _, t := range targets {
		key := strconv.FormatInt(t.AccountID, 10)
		f.Add("account", key)
		if t.Text != p.Text {
			f.Set("text_"+key, t.Text)
		}
	}
	return f
}

// postFromForm reads a post and its targets from the editor's form.
func postFromForm(org *soroe.Org, form url.Values) (*soroe.Post, []*soroe.Target, error) {
	p := &soroe.Post{Text: strings.TrimSpace(strings.ReplaceAll(form.Get("text"), "\r\n", "\n")), Link: strings.TrimSpace(form.Get("link"))}
	if v := form.Get("goal"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, nil, soroe.Invalid("goal_id", "unknown_goal")
		}
		p.GoalID = &id
	}
	if v := form.Get("template"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, nil, soroe.Invalid("template_id", "unknown_template")
		}
		p.TemplateID = &id
	}
	if v := strings.TrimSpace(form.Get("scheduled_at")); v != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", v, org.Location())
		if err != nil {
			return nil, nil, soroe.Invalid("scheduled_at", "invalid_datetime")
		}
		p.ScheduledAt = &at
	}
	if v := form.Get("slot_at"); v != "" {
		at, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nil, nil, soroe.Invalid("slot_at", "invalid_datetime")
		}
		p.SlotAt = &at
	}
	var targets []*soroe.Target
	for _, v := range form["account"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, nil, soroe.Invalid("accounts", "unknown_account")
		}
		text := strings.TrimSpace(strings.ReplaceAll(form.Get("text_"+v), "\r\n", "\n"))
		if text == "" {
			text = p.Text
		}
		targets = append(targets, &soroe.Target{AccountID: id, Text: text})
	}
	return p, targets, nil
}

func (s *Server) renderPostForm(w http.ResponseWriter, r *http.Request, status int, p *soroe.Post, form url.Values, err error) {
	d, derr := s.postFormData(r, p, nil, form)
	if derr != nil {
		s.serverError(w, r, derr)
		return
	}
	title := "posts.new_title"
	if p != nil {
		title = "posts.edit_title"
		d.Back = p.State != soroe.PostDraft
	}
	pg := s.newPage(w, r, title, d)
	s.fillTracking(r, p, form) // links.go
	pg.Form = form
	if err != nil {
		d.MediaLost = r.MultipartForm != nil && len(r.MultipartForm.File["media"]) > 0
		s.formError(w, r, "post_form", pg, err)
		return
	}
	s.render(w, status, "post_form", pg)
}

func (s *Server) postNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := url.Values{}
	for _, k := range []string{"template", "goal", "slot_at", "text", "link"} {
		if v := q.Get(k); v != "" {
			form.Set(k, v)
		}
	}
	// The 「書く」 link of a slot names it ?slot=.
	if v := q.Get("slot"); v != "" {
		form.Set("slot_at", v)
	}
	s.prefillPost(r, form, true)
	s.renderPostForm(w, r, http.StatusOK, nil, form, nil)
}

// postNewPrefilled opens the editor filled from another page (the AI
// draft's 「この下書きで投稿を作る」), without saving anything.
func (s *Server) postNewPrefilled(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	form := url.Values{}
	for _, k := range []string{"template", "goal", "slot_at", "text", "link", "scheduled_at"} {
		if v := r.PostForm.Get(k); v != "" {
			form.Set(k, v)
		}
	}
	s.prefillPost(r, form, false)
	s.renderPostForm(w, r, http.StatusOK, nil, form, nil)
}

// prefillPost completes a new post's form with what it was started from,
// keeping what the form already says: a slot (slot_at) gives the schedule,
// its time in the organization's zone (when it is still ahead); a 型 gives
// the goal and the link, and, when withText, its structure, CTA and
// hashtags as the text to fill in (its link slots already filled with
// the link). The 型's networks choose the accounts
// (postFormData). A slot belongs to a 型: without one it is dropped.
func (s *Server) prefillPost(r *http.Request, form url.Values, withText bool) {
	org := who(r).Org
	var t *soroe.Template
	if id, err := strconv.ParseInt(form.Get("template"), 10, 64); err == nil {
		if t, err = s.db.Template(r.Context(), org.ID, id, 0); err != nil {
			t = nil
		}
	}
	if v := form.Get("slot_at"); v != "" {
		at, err := time.Parse(time.RFC3339, v)
		switch {
		case err != nil || t == nil:
			form.Del("slot_at")
		default:
			form.Set("slot_at", at.UTC().Format(time.RFC3339))
			if form.Get("scheduled_at") == "" && at.After(s.now()) {
				form.Set("scheduled_at", at.In(org.Location()).Format("2006-01-02T15:04"))
			}
		}
	}
	if t == nil {
		return
	}
	if form.Get("goal") == "" {
		form.Set("goal", strconv.FormatInt(t.GoalID, 10))
	}
	if form.Get("link") == "" && t.Link != "" {
		form.Set("link", t.Link)
	}
	// The 型's structure is the text to fill in, with its CTA and hashtags.
	if withText && form.Get("text") == "" {
		text := generate.LinkSlots(t.Structure, t.Link) // the link in its slots
		if t.CTA != "" {
			text += "\n" + t.CTA
		}
		if len(t.Hashtags) > 0 {
			text += "\n" + strings.Join(t.Hashtags, " ")
		}
		form.Set("text", text)
	}
}

// postCreate saves a new post from the editor, with the files chosen in it
// (a multipart form; a form without files may be urlencoded).
func (s *Server) postCreate(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if r.MultipartForm != nil {
		defer func() { _ = r.MultipartForm.RemoveAll() }()
	}
	org := who(r).Org
	p, targets, err := postFromForm(org, r.PostForm)
	if err == nil {
		err = s.checkPostSlot(r, p, nil)
	}
	if err == nil {
		err = s.wf().CheckScheduledAt(p, nil)
	}
	var media []store.MediaUpload
	if err == nil {
		media, err = formMedia(r)
	}
	if err == nil {
		err = s.wf().Create(r.Context(), actor(r), p, targets, media...)
	}
	if err != nil {
		s.renderPostForm(w, r, http.StatusUnprocessableEntity, nil, r.PostForm, err)
		return
	}
	s.saveTracking(r, p.ID) // links.go
	if r.PostForm.Get("then") == "submit" {
		if _, _, err := s.wf().Submit(r.Context(), actor(r), p.ID); err != nil {
			s.flash(r, "error."+soroe.ErrorMessage(err))
			redirect(w, r, fmt.Sprintf("/posts/%d", p.ID))
			return
		}
		s.flash(r, "posts.flash.submitted")
	} else {
		s.flash(r, "posts.flash.saved")
	}
	redirect(w, r, fmt.Sprintf("/posts/%d", p.ID))
}

func (s *Server) postEdit(w http.ResponseWriter, r *http.Request) {
	v, err := s.loadPost(r)
	if s.failed(w, r, err) {
		return
	}
	if !workflow.MayEdit(actor(r), v.Post) {
		s.errorPage(w, r, http.StatusForbidden, "error.not_your_post")
		return
	}
	if !v.Editable {
		s.errorPage(w, r, http.StatusConflict, "error.post_publishing")
		return
	}
	ts := make([]*soroe.Target, len(v.Targets))
	for i, t := range v.Targets {
		ts[i] = t.Target
	}
	s.renderPostForm(w, r, http.StatusOK, v.Post, formFromPost(who(r).Org, v.Post, ts), nil)
}

func (s *Server) postUpdate(w http.ResponseWriter, r *http.Request) {
	v, err := s.loadPost(r)
	if s.failed(w, r, err) {
		return
	}
	_ = r.ParseForm()
	p, targets, err := postFromForm(who(r).Org, r.PostForm)
	var back bool
	if err == nil {
		err = s.checkPostSlot(r, p, v.Post)
	}
	if err == nil {
		err = s.wf().CheckScheduledAt(p, v.ScheduledAt)
	}
	if err == nil {
		p.ID = v.ID
		back, err = s.wf().Update(r.Context(), actor(r), p, targets)
	}
	if err != nil {
		s.renderPostForm(w, r, http.StatusUnprocessableEntity, v.Post, r.PostForm, err)
		return
	}
	s.saveTracking(r, p.ID) // links.go
	switch {
	case r.PostForm.Get("then") == "submit" && !back:
		if _, _, err := s.wf().Submit(r.Context(), actor(r), p.ID); err != nil {
			s.flash(r, "error."+soroe.ErrorMessage(err))
		} else {
			s.flash(r, "posts.flash.submitted")
		}
	case back:
		s.flash(r, "posts.flash.back_to_review")
	default:
		s.flash(r, "posts.flash.saved")
	}
	redirect(w, r, fmt.Sprintf("/posts/%d", p.ID))
}

// postCheckLive answers the editor's checks while typing, as JSON: the
// text of each chosen account against its network, and whether the draft
// is finished (placeholders, the chosen 型's slots and format). The
// attachments count: a stored post's (post_id) and the files chosen in
// the form, described by media_name, media_type and media_size (one of
// each a file), which are not uploaded to be checked.
func (s *Server) postCheckLive(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBytes)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad_form"})
		return
	}
	f := r.PostForm
	p, targets, err := postFromForm(who(r).Org, f)
	if err == nil {
		p.OrgID = who(r).Org.ID
		var postID *int64
		if id, perr := strconv.ParseInt(f.Get("post_id"), 10, 64); perr == nil {
			postID = &id
		}
		var more []mediaInput
		for i, ct := range f["media_type"] {
			m := mediaInput{ContentType: ct}
			if i < len(f["media_name"]) {
				m.Filename = f["media_name"][i]
			}
			if i < len(f["media_size"]) {
				m.Bytes, _ = strconv.ParseInt(f["media_size"][i], 10, 64)
			}
			m.Alt = f.Get("media_alt")
			more = append(more, m)
		}
		var media []*soroe.Media
		if media, err = s.checkMediaList(r, p, postID, more); err == nil {
			var rep *workflow.Report
			if rep, err = s.wf().CheckPost(r.Context(), p, targets, media); err == nil {
				writeJSON(w, http.StatusOK, s.reportJSON(lang(r), rep))
				return
			}
		}
	}
	var e *soroe.Error
	if errors.As(err, &e) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": s.cat.T(lang(r), "error."+e.Message)})
		return
	}
	s.serverError(w, r, err)
}

// reportJSON is a check report with its problems and risks in words.
func (s *Server) reportJSON(l string, rep *workflow.Report) map[string]any {
	type line struct {
		Account   string   `json:"account"`
		Network   string   `json:"network"`
		Length    int      `json:"length"`
		Limit     int      `json:"limit"`
		Valid     bool     `json:"valid"`
		Problems  []string `json:"problems"`
		Risks     []string `json:"risks"`
		Reconnect bool     `json:"needs_reconnect"`
	}
	var lines []line
	for _, t := range rep.Targets {
		ln := line{Account: t.AccountName, Network: s.tplNetworkLabel(l, t.Network), Length: t.Result.Length, Limit: t.Result.Limit,
			Valid: t.Result.Valid && t.Media == "", Problems: []string{}, Risks: []string{}, Reconnect: t.NeedsReconnect}
		if t.Media != "" {
			ln.Problems = append(ln.Problems, s.cat.T(l, "error."+t.Media))
		}
		for _, p := range t.Result.Problems {
			ln.Problems = append(ln.Problems, s.cat.T(l, "check.problem."+p.Code, "Count", p.Count, "Limit", p.Limit))
		}
		for _, f := range t.Risks {
			ln.Risks = append(ln.Risks, fmt.Sprintf("%s「%s」: %s", s.cat.T(l, "check.category."+f.Category), f.Match, s.cat.T(l, "check.risk."+f.Code)))
		}
		lines = append(lines, ln)
	}
	unfinished := []string{}
	for _, f := range rep.Unfinished {
		unfinished = append(unfinished, s.unfinishedText(l, f))
	}
	return map[string]any{"valid": rep.Valid, "risky": rep.Risky, "blocking": rep.Blocking, "targets": lines,
		"unfinished": unfinished, "unfinished_title": s.cat.T(l, "check.unfinished.title")}
}

// ---- The post page ----

type postPageData struct {
	*postView
	CanEdit     bool
	CanDecide   bool
	CanApprove  bool // may issue guest links
	CanComment  bool
	Comments    []*commentView
	History     []historyItem
	GuestLink   string // a link just issued
	GuestFor    string
	HasSecrets  bool
	MaxMediaMB  int
	LocalNow    string
	StepsSource string
	Numbers     *postMetricsView // nil before anything is published
	Memo        *soroe.Memo      // its 工夫メモ, nil when none (memos.go)
	CanMemo     bool
	MaxMemo     int
}

// historyItem is a line of a post's history as people read it.
type historyItem struct {
	At     time.Time
	Kind   string
	Actor  string
	Detail string
}

// historyItem says an event's detail in words: states and times
// translated, reasons and comments as they are.
func (s *Server) historyItem(p *page, e *soroe.PostEvent) historyItem {
	h := historyItem{At: e.At, Kind: e.Kind, Actor: e.ActorName, Detail: e.Detail}
	switch e.Kind {
	case store.EventCreated, store.EventPublished:
		h.Detail = p.T("posts.state." + e.Detail)
	case store.EventApproved:
		if e.Detail == store.EventImport {
			h.Detail = p.T("posts.event.by_import")
		}
	case store.EventSubmitted:
		if n, err := strconv.Atoi(e.Detail); err == nil {
			h.Detail = p.T("posts.round", "Round", n)
		}
	case store.EventScheduled, store.EventRescheduled:
		if t, err := time.Parse(time.RFC3339, e.Detail); err == nil {
			h.Detail = p.Local(t)
		}
	case store.EventEdited:
		back := strings.HasSuffix(e.Detail, "back_to_review")
		what := strings.TrimSpace(strings.TrimSuffix(e.Detail, "back_to_review"))
		var parts []string
		if f, ok := strings.CutPrefix(what, "media_added:"); ok {
			parts = append(parts, p.T("posts.event.media_added", "File", f))
		} else if what == "media_removed" {
			parts = append(parts, p.T("posts.event.media_removed"))
		}
		if back {
			parts = append(parts, p.T("posts.event.back_to_review"))
		}
		h.Detail = strings.Join(parts, " · ")
	}
	return h
}

type commentView struct {
	*soroe.Comment
	Replies []*soroe.Comment
}

func (s *Server) postPage(w http.ResponseWriter, r *http.Request) {
	// Opening the post reads the reader's notifications about it (from
	// the bell, the home page or a link in Slack alike).
	if id, err := pathID(r, "post"); err == nil {
		if err := s.db.MarkPostNotificationsRead(r.Context(), who(r).Org.ID, who(r).User.ID, id); err != nil {
			s.log.WarnContext(r.Context(), "notifications: mark read", "post", id, "err", err)
		}
	}
	s.renderPostPage(w, r, http.StatusOK, nil, "", "")
}

func (s *Server) renderPostPage(w http.ResponseWriter, r *http.Request, status int, perr error, guestLink, guestFor string) {
	v, err := s.loadPost(r)
	if s.failed(w, r, err) {
		return
	}
	if err := s.loadPostDetail(r, v); err != nil {
		s.serverError(w, r, err)
		return
	}
	ctx, id := r.Context(), who(r)
	members := v.members
	d := &postPageData{postView: v, CanEdit: workflow.MayEdit(actor(r), v.Post) && v.Editable,
		CanDecide:  v.State == soroe.PostInReview && soroe.Can(id.Role, soroe.ActPostApprove) && soroe.MayDecide(v.Steps, v.Step, members, id.User.ID),
		CanApprove: soroe.Can(id.Role, soroe.ActPostApprove), CanComment: soroe.Can(id.Role, soroe.ActPostComment),
		GuestLink: guestLink, GuestFor: guestFor, HasSecrets: s.cfg.Secrets != nil, MaxMediaMB: maxImageBytes >> 20,
		LocalNow: s.now().In(id.Org.Location()).Add(time.Hour).Truncate(time.Hour).Format("2006-01-02T15:04")}
	comments, err := s.db.Comments(ctx, id.Org.ID, v.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.CanMemo, d.MaxMemo = mayWriteMemo(id, v.Post), soroe.MaxMemoRunes
	if d.Memo, err = s.db.PostMemo(ctx, id.Org.ID, v.ID); errors.Is(err, soroe.ErrNotFound) {
		d.Memo = nil
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, c := range comments {
		if c.ParentID == nil {
			d.Comments = append(d.Comments, &commentView{Comment: c})
			continue
		}
		for _, top := range d.Comments {
			if top.ID == *c.ParentID || slices.ContainsFunc(top.Replies, func(x *soroe.Comment) bool { return x.ID == *c.ParentID }) {
				top.Replies = append(top.Replies, c)
				break
			}
		}
	}
	if soroe.Can(id.Role, soroe.ActMetricsRead) && slices.ContainsFunc(v.Targets, func(t *targetView) bool { return t.State == soroe.TargetSent }) {
		if d.Numbers, err = s.loadPostMetrics(r, v); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	events, err := s.db.PostEvents(ctx, id.Org.ID, v.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := s.newPage(w, r, "posts.post_title", d)
	for i := len(events) - 1; i >= 0; i-- {
		d.History = append(d.History, s.historyItem(p, events[i]))
	}
	if perr != nil {
		s.formError(w, r, "post", p, perr)
		return
	}
	s.render(w, status, "post", p)
}

// postAction runs a change of the {post} and goes back to its page with a
// flash, or shows the page with the error.
func (s *Server) postAction(w http.ResponseWriter, r *http.Request, flash string, fn func(id int64) error) {
	id, err := pathID(r, "post")
	if err != nil {
		s.notFound(w, r)
		return
	}
	_ = r.ParseForm()
	if err := fn(id); err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		s.renderPostPage(w, r, 0, err, "", "")
		return
	}
	s.flash(r, flash)
	redirect(w, r, fmt.Sprintf("/posts/%d", id))
}

func (s *Server) postSubmit(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "posts.flash.submitted", func(id int64) error {
		_, _, err := s.wf().Submit(r.Context(), actor(r), id)
		return err
	})
}

func (s *Server) postDecide(w http.ResponseWriter, r *http.Request) {
	decision := soroe.DecisionApprove
	flash := "posts.flash.approved"
	if r.FormValue("decision") == soroe.DecisionReject {
		decision, flash = soroe.DecisionReject, "posts.flash.rejected"
	}
	s.postAction(w, r, flash, func(id int64) error {
		// The page sends the round and step it showed (a stale page's
		// decision is refused); without them, the current ones.
		p, err := s.db.Post(r.Context(), who(r).Org.ID, id)
		if err != nil {
			return err
		}
		round, step := p.Round, p.Step
		if v, err := strconv.Atoi(r.PostForm.Get("round")); err == nil {
			round = v
		}
		if v, err := strconv.Atoi(r.PostForm.Get("step")); err == nil {
			step = v
		}
		_, _, err = s.wf().Decide(r.Context(), who(r).Org.ID, id, store.Decision{Round: round, Step: step, UserID: who(r).User.ID,
			Decision: decision, Comment: r.PostForm.Get("comment")})
		return err
	})
}

func (s *Server) postGuestLink(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.notFound(w, r)
		return
	}
	_ = r.ParseForm()
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	tok, _, err := s.wf().GuestLink(r.Context(), s.cfg.Secrets, actor(r), id, email, 0)
	if err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		s.renderPostPage(w, r, 0, err, "", "")
		return
	}
	s.renderPostPage(w, r, http.StatusOK, nil, s.absURL(r, "/guest/"+tok), email)
}

// absURL is path on the server's public URL (or the request's host).
func (s *Server) absURL(r *http.Request, path string) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL + path
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func (s *Server) postSchedule(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "posts.flash.scheduled", func(id int64) error {
		at, err := time.ParseInLocation("2006-01-02T15:04", r.PostForm.Get("scheduled_at"), who(r).Org.Location())
		if err != nil {
			return soroe.Invalid("scheduled_at", "invalid_datetime")
		}
		_, err = s.wf().Schedule(r.Context(), actor(r), id, at)
		return err
	})
}

func (s *Server) postUnschedule(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "posts.flash.unscheduled", func(id int64) error {
		return s.wf().Unschedule(r.Context(), actor(r), id)
	})
}

func (s *Server) postDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.notFound(w, r)
		return
	}
	if err := s.wf().Delete(r.Context(), actor(r), id); err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		s.renderPostPage(w, r, 0, err, "", "")
		return
	}
	s.flash(r, "posts.flash.deleted")
	redirect(w, r, "/posts")
}

func (s *Server) postDuplicate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "post")
	if err != nil {
		s.notFound(w, r)
		return
	}
	p, err := s.wf().Duplicate(r.Context(), actor(r), id)
	if err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		s.renderPostPage(w, r, 0, err, "", "")
		return
	}
	s.flash(r, "posts.flash.duplicated")
	redirect(w, r, fmt.Sprintf("/posts/%d/edit", p.ID))
}

func (s *Server) postComment(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "posts.flash.commented", func(id int64) error {
		c := &soroe.Comment{PostID: id, Body: r.PostForm.Get("body")}
		if v := r.PostForm.Get("parent"); v != "" {
			pid, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return soroe.Invalid("parent_id", "unknown_comment")
			}
			c.ParentID = &pid
		}
		return s.wf().Comment(r.Context(), actor(r), c)
	})
}

func (s *Server) postRecordURL(w http.ResponseWriter, r *http.Request) {
	s.postAction(w, r, "posts.flash.recorded", func(id int64) error {
		tid, err := pathID(r, "target")
		if err != nil {
			return err
		}
		return s.recordURL(r, id, tid, r.PostForm.Get("url"))
	})
}

// recordURL records where a post was published by hand (a manual account,
// or a target whose outcome had to be checked by hand).
func (s *Server) recordURL(r *http.Request, postID, targetID int64, raw string) error {
	ctx, org := r.Context(), who(r).Org
	p, err := s.db.Post(ctx, org.ID, postID)
	if err != nil {
		return err
	}
	if !workflow.MayEdit(actor(r), p) && !soroe.Can(who(r).Role, soroe.ActPostApprove) {
		return workflow.ErrNotYours
	}
	t, err := s.db.Target(ctx, targetID)
	if err != nil || t.PostID != postID || t.OrgID != org.ID {
		return soroe.ErrNotFound
	}
	return s.db.RecordManual(ctx, org.ID, targetID, raw, who(r).User.ID)
}

// ---- Notifications ----

func (s *Server) notificationList(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	ns, unread, err := s.db.Notifications(r.Context(), id.Org.ID, id.User.ID, 100)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, http.StatusOK, "notifications", s.newPage(w, r, "notifications.title",
		map[string]any{"Items": s.notificationViews(r, ns), "Unread": unread}))
}

func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	_ = r.ParseForm()
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	if err := s.db.MarkNotificationsRead(r.Context(), id.Org.ID, id.User.ID, ids...); err != nil {
		s.serverError(w, r, err)
		return
	}
	if next := r.PostForm.Get("next"); strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") {
		redirect(w, r, next)
		return
	}
	redirect(w, r, "/notifications")
}

// homePostsData is the home page's card of posts that wait for the
// member: to approve, to finish (drafts, sent back), and failures.
type homePostsData struct {
	Review []*soroe.Post
	Drafts []*soroe.Post
	Failed []*soroe.Post
}

// homePosts is nil for members who cannot read posts or when nothing waits.
func (s *Server) homePosts(r *http.Request) (any, error) {
	ctx, id := r.Context(), who(r)
	if !soroe.Can(id.Role, soroe.ActPostRead) {
		return nil, nil
	}
	d := &homePostsData{}
	if soroe.Can(id.Role, soroe.ActPostApprove) {
		members, err := s.db.Members(ctx, id.Org.ID)
		if err != nil {
			return nil, err
		}
		posts, _, _, err := s.db.Posts(ctx, store.PostFilter{OrgID: id.Org.ID, States: []string{soroe.PostInReview}, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, p := range posts {
			if soroe.MayDecide(p.Steps, p.Step, members, id.User.ID) {
				d.Review = append(d.Review, p)
			}
		}
	}
	if soroe.Can(id.Role, soroe.ActPostWrite) {
		posts, _, _, err := s.db.Posts(ctx, store.PostFilter{OrgID: id.Org.ID, States: []string{soroe.PostDraft}, AuthorID: id.User.ID, Limit: 5, Newest: true})
		if err != nil {
			return nil, err
		}
		d.Drafts = posts
	}
	// Failed posts, for those who can post them again (a copy, or a
	// retry after reconnecting): who may write posts, staff their own
	// (workflow.MayEdit). An executive could only look at them.
	if soroe.Can(id.Role, soroe.ActPostWrite) {
		f := store.PostFilter{OrgID: id.Org.ID, States: []string{soroe.PostFailed}, Limit: 5, Newest: true}
		if id.Role == soroe.RoleStaff {
			f.AuthorID = id.User.ID
		}
		posts, _, _, err := s.db.Posts(ctx, f)
		if err != nil {
			return nil, err
		}
		d.Failed = posts
	}
	if len(d.Review)+len(d.Drafts)+len(d.Failed) == 0 {
		return nil, nil
	}
	return d, nil
}
