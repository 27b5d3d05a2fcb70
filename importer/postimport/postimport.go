// Package postimport turns an uploaded content plan (CSV, TSV or XLSX, read
// by planimport) into posts: every row is checked — the file's format, the
// network's rules for the row's account, the risk check, unknown accounts,
// goals and 型, times in the past, unfinished drafts (a placeholder, an
// unfilled slot, a 型 whose format needs media), rows repeated in the file
// or already planned — and either every post is created, in one store transaction, or
// none is and every problem is returned with its line and column.
//
// Rows imported by a member who may approve (soroe.ActPostApprove) are
// approved by them and scheduled, which each post's history records
// ("approved" with detail "import", then "scheduled"). Rows imported by
// anyone else go to review (round 1, the steps of the row's 型) and the first
// step's approvers are notified, as when a draft is submitted.
//
// Rows with the same time, text, goal, 型 and link on several accounts
// become one post with one target per account.
package postimport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/planimport"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/text"
	"github.com/soroe/soroe/workflow"
)

// Problem keys added to planimport's.
const (
	KeyAlreadyPlanned = "already_planned" // a post with the same account, time and text exists (Value: its ID)
	// Warnings (the import goes on).
	KeyNeedsReconnect = "needs_reconnect" // the account must be reconnected before the post can go out (Value: its name)
)

// Service imports content plans into an organization's posts.
type Service struct {
	DB *store.DB
}

// Options tune one import.
type Options struct {
	// DryRun checks everything and creates nothing.
	DryRun bool
	// MaxBytes and MaxRows bound the file (0: planimport's defaults).
	MaxBytes int64
	MaxRows  int
}

// Result is what an import did (or, on a dry run, would do).
type Result struct {
	Rows    int           `json:"rows"`
	PostIDs []int64       `json:"post_ids"`
	Posts   []*soroe.Post `json:"-"`
	// State is the state the posts are created in: scheduled (approved by
	// the importer) or in_review.
	State string `json:"state"`
	// Warnings are what does not stop the import: risk findings when the
	// organization does not block on them, accounts to reconnect.
	Warnings []planimport.Problem `json:"warnings"`
	DryRun   bool                 `json:"dry_run"`
}

// Import reads a plan file named filename and imports it for the actor. It
// returns a *planimport.Errors listing every problem when any row fails,
// and then nothing is created. The caller checks that the actor may import
// (soroe.ActPostImport).
func (s *Service) Import(ctx context.Context, a workflow.Actor, r io.Reader, filename string, opts Options) (*Result, error) {
	db := s.DB
	org, err := db.Org(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	prof, err := db.OrgProfile(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	res, err := newResolver(ctx, db, a.OrgID)
	if err != nil {
		return nil, err
	}
	rows, err := planimport.Parse(r, filename, res, planimport.Options{
		Location:    org.Location(),
		Now:         db.Now(),
		RiskConfig:  text.RiskConfig{NGWords: prof.NGWords, Competitors: prof.Competitors},
		BlockOnRisk: prof.BlockOnRisk,
		MaxRows:     opts.MaxRows,
		MaxBytes:    opts.MaxBytes,
	})
	if err != nil {
		return nil, err
	}
	errs := &planimport.Errors{}
	if err := s.alreadyPlanned(ctx, a.OrgID, rows, errs); err != nil {
		return nil, err
	}
	wf := &workflow.Service{DB: db}
	approve := soroe.Can(a.Role, soroe.ActPostApprove)
	out := &Result{Rows: len(rows), PostIDs: []int64{}, Warnings: []planimport.Problem{}, DryRun: opts.DryRun, State: soroe.PostInReview}
	if approve {
		out.State = soroe.PostScheduled
	}

	// One post per group of rows alike but for the account.
	type group struct {
		post  *soroe.Post
		lines []int // the line of each target
		seen  map[int64]bool
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, row := range rows {
		k := fmt.Sprint(row.ScheduledAt.UnixMicro(), "\x00", row.Text, "\x00", row.GoalID, "\x00", row.TemplateID, "\x00", row.Link)
		g := byKey[k]
		if g == nil || g.seen[row.AccountID] {
			at := row.ScheduledAt
			p := &soroe.Post{OrgID: a.OrgID, AuthorID: a.UserID, State: out.State, ScheduledAt: &at, Text: row.Text, Link: row.Link}
			if row.GoalID != 0 {
				id := row.GoalID
				p.GoalID = &id
			}
			if row.TemplateID != 0 {
				t := res.templates[row.TemplateID]
				id := t.ID
				p.TemplateID, p.TemplateVersion = &id, t.Version
				if p.GoalID == nil {
					gid := t.GoalID
					p.GoalID = &gid
				}
			}
			g = &group{post: p, seen: map[int64]bool{}}
			groups = append(groups, g)
			byKey[k] = g
		}
		g.seen[row.AccountID] = true
		g.lines = append(g.lines, row.Line)
	}
	batch := make([]store.BatchPost, len(groups))
	var all []*soroe.Target
	var lines []int
	for i, g := range groups {
		bp := store.BatchPost{Post: g.post}
		for _, line := range g.lines {
			row := rowAt(rows, line)
			t := &soroe.Target{AccountID: row.AccountID, Text: row.Text}
			bp.Targets = append(bp.Targets, t)
			all = append(all, t)
			lines = append(lines, line)
		}
		batch[i] = bp
	}

	// The workflow's checks, as a submission or an approval runs them.
	if len(all) > 0 {
		rep, err := wf.Check(ctx, a.OrgID, all, nil)
		if err != nil {
			return nil, err
		}
		for i, tc := range rep.Targets {
			line := lines[i]
			for _, p := range tc.Result.Problems {
				addOnce(errs, planimport.Problem{Line: line, Column: planimport.ColText, Key: "text." + p.Code,
					Message: p.Message, Code: p.Code, Limit: p.Limit, Count: p.Count})
			}
			for _, f := range tc.Risks {
				p := planimport.Problem{Line: line, Column: planimport.ColText, Key: "risk." + f.Category, Value: f.Match,
					Message: fmt.Sprintf("%q: %s", f.Match, f.Why), Code: f.Code}
				if rep.Blocking {
					addOnce(errs, p)
				} else {
					out.Warnings = append(out.Warnings, p)
				}
			}
			if tc.NeedsReconnect {
				out.Warnings = append(out.Warnings, planimport.Problem{Line: line, Column: planimport.ColAccount, Key: KeyNeedsReconnect,
					Value: tc.AccountName, Message: fmt.Sprintf("The account %q must be reconnected before this post can go out.", tc.AccountName)})
			}
		}
	}
	// An unfinished draft is neither submitted nor approved (the
	// workflow's Submit and Decide refuse it): placeholders, unfilled
	// slots, and a 型 whose format needs media, which a plan file cannot
	// carry.
	for i, g := range groups {
		var tpl *soroe.Template
		if g.post.TemplateID != nil {
			tpl = res.templates[*g.post.TemplateID]
		}
		var texts []string
		for _, t := range batch[i].Targets {
			texts = append(texts, t.Text)
		}
		for _, f := range workflow.UnfinishedFindings(tpl, texts, nil) {
			for _, line := range g.lines {
				addOnce(errs, unfinishedProblem(line, f))
			}
		}
	}
	if len(errs.Problems) > 0 {
		slices.SortStableFunc(errs.Problems, func(x, y planimport.Problem) int { return cmp.Compare(x.Line, y.Line) })
		return nil, errs
	}

	// Approval: by the importer, or the steps each post's 型 asks for.
	for i := range batch {
		p := batch[i].Post
		if approve {
			batch[i].Events = []store.BatchEvent{
				{Kind: store.EventApproved, Detail: store.EventImport},
				{Kind: store.EventScheduled, Detail: p.ScheduledAt.Format(time.RFC3339)},
			}
			continue
		}
		steps, err := wf.Steps(ctx, p)
		if err != nil {
			return nil, err
		}
		p.Round, p.Steps, p.Step = 1, steps, 0
		batch[i].Events = []store.BatchEvent{{Kind: store.EventSubmitted, Detail: "1"}}
	}
	for _, bp := range batch {
		out.Posts = append(out.Posts, bp.Post)
	}
	if opts.DryRun {
		return out, nil
	}
	if err := db.CreatePosts(ctx, a.UserID, batch); err != nil {
		return nil, err
	}
	for _, bp := range batch {
		out.PostIDs = append(out.PostIDs, bp.Post.ID)
	}
	if !approve {
		s.notify(ctx, a.OrgID, out.Posts)
	}
	return out, nil
}

// KeyUnfinished prefixes the keys of an unfinished row's problems
// ("unfinished.placeholder", "unfinished.unfilled_slot",
// "unfinished.format_needs_image", "unfinished.format_needs_video"); Code
// is the workflow.Finding's, Count the media its format needs.
const KeyUnfinished = "unfinished."

// unfinishedProblem is a finding of an unfinished draft as a row's problem.
func unfinishedProblem(line int, f workflow.Finding) planimport.Problem {
	p := planimport.Problem{Line: line, Column: planimport.ColText, Key: KeyUnfinished + f.Code, Code: f.Code, Value: f.Value, Count: f.Need}
	switch f.Code {
	case workflow.UnfinishedPlaceholder:
		p.Message = fmt.Sprintf("%q is still in the text: replace it with the real content.", f.Value)
	case workflow.UnfinishedSlot:
		p.Message = fmt.Sprintf("The 型's slot {%s} is not filled in.", f.Value)
	default:
		p.Column = planimport.ColTemplate
		p.Message = fmt.Sprintf("The 型's format (%s) needs an image or a video, which a plan file cannot attach: make this post in the editor.", f.Value)
	}
	return p
}

func rowAt(rows []planimport.Row, line int) planimport.Row {
	i, _ := slices.BinarySearchFunc(rows, line, func(r planimport.Row, l int) int { return cmp.Compare(r.Line, l) })
	return rows[i]
}

// addOnce adds p unless a problem with its line, column and key is there.
func addOnce(errs *planimport.Errors, p planimport.Problem) {
	if !slices.ContainsFunc(errs.Problems, func(q planimport.Problem) bool {
		return q.Line == p.Line && q.Column == p.Column && q.Key == p.Key
	}) {
		errs.Problems = append(errs.Problems, p)
	}
}

// alreadyPlanned reports rows a post of the organization already plans (the
// same account, time and text); planimport reports rows repeated in the file.
func (s *Service) alreadyPlanned(ctx context.Context, orgID int64, rows []planimport.Row, errs *planimport.Errors) error {
	if len(rows) == 0 {
		return nil
	}
	type key struct {
		account int64
		at      int64
		text    string
	}
	first := map[key]int{}
	from, to := rows[0].ScheduledAt, rows[0].ScheduledAt
	for _, r := range rows {
		first[key{r.AccountID, r.ScheduledAt.UnixMicro(), r.Text}] = r.Line
		from, to = minTime(from, r.ScheduledAt), maxTime(to, r.ScheduledAt)
	}
	posts, targets, _, err := s.DB.Posts(ctx, store.PostFilter{OrgID: orgID, From: from, To: to.Add(time.Microsecond)})
	if err != nil {
		return err
	}
	for _, p := range posts {
		if p.ScheduledAt == nil {
			continue
		}
		for _, t := range targets[p.ID] {
			k := key{t.AccountID, p.ScheduledAt.UnixMicro(), t.Text}
			if l, ok := first[k]; ok {
				errs.Problems = append(errs.Problems, planimport.Problem{Line: l, Key: KeyAlreadyPlanned, Value: strconv.FormatInt(p.ID, 10),
					Message: fmt.Sprintf("Post %d already has this account, time and text (was the file imported before?).", p.ID)})
				delete(first, k)
			}
		}
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// notify tells each post's first-step approvers that it waits for them,
// as workflow.Service.Submit does.
func (s *Service) notify(ctx context.Context, orgID int64, posts []*soroe.Post) {
	members, err := s.DB.Members(ctx, orgID)
	if err != nil {
		return
	}
	for _, p := range posts {
		if len(p.Steps) == 0 {
			continue
		}
		var ids []int64
		for _, id := range soroe.StepApprovers(p.Steps[0], members) {
			if id != p.AuthorID {
				ids = append(ids, id)
			}
		}
		step := p.Steps[0].Name
		if step == "" {
			step = fmt.Sprintf("1/%d", len(p.Steps))
		}
		postID := p.ID
		_, _ = s.DB.Notify(ctx, soroe.Notification{OrgID: orgID, Kind: soroe.NotifyReviewRequest, PostID: &postID,
			Params: map[string]string{"Step": step, store.ParamStepName: p.Steps[0].Name,
				store.ParamStepNo: "1", store.ParamStepCount: strconv.Itoa(len(p.Steps))}}, true, ids...)
	}
}

// resolver finds a plan's references among the organization's accounts,
// goals and 型: by ID, or else by name (exact, then ignoring case; an
// account also by its handle). A name two of them share is not resolved.
type resolver struct {
	accounts  []*soroe.Account
	goals     []*soroe.Goal
	templates map[int64]*soroe.Template
	tplList   []*soroe.Template
}

func newResolver(ctx context.Context, db *store.DB, orgID int64) (*resolver, error) {
	accounts, err := db.Accounts(ctx, orgID)
	if err != nil {
		return nil, err
	}
	goals, err := db.Goals(ctx, orgID)
	if err != nil {
		return nil, err
	}
	tpls, err := db.Templates(ctx, orgID, 0)
	if err != nil {
		return nil, err
	}
	r := &resolver{accounts: accounts, goals: goals, templates: map[int64]*soroe.Template{}, tplList: tpls}
	for _, t := range tpls {
		r.templates[t.ID] = t
	}
	return r, nil
}

// find returns the one item ref names: by ID, then by exact name, then by
// name ignoring case and width-insensitive spaces.
func find[T any](items []T, ref string, id func(T) int64, names func(T) []string) (T, bool) {
	var zero T
	ref = strings.TrimSpace(ref)
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil {
		for _, it := range items {
			if id(it) == n {
				return it, true
			}
		}
	}
	for _, eq := range []func(a, b string) bool{
		func(a, b string) bool { return a == b },
		func(a, b string) bool { return fold(a) == fold(b) },
	} {
		var found []T
		for _, it := range items {
			if slices.ContainsFunc(names(it), func(n string) bool { return n != "" && eq(n, ref) }) {
				found = append(found, it)
			}
		}
		switch len(found) {
		case 1:
			return found[0], true
		case 0:
			continue
		}
		return zero, false // ambiguous
	}
	return zero, false
}

// fold compares names ignoring case, full-width forms and spaces.
func fold(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '　' || r == ' ':
			return -1
		}
		return r
	}, s)
	return strings.ToLower(s)
}

func (r *resolver) Account(ref string) (planimport.AccountRef, bool) {
	a, ok := find(r.accounts, ref, func(a *soroe.Account) int64 { return a.ID }, func(a *soroe.Account) []string {
		if h := strings.TrimPrefix(a.Handle, "@"); h != "" {
			return []string{a.Name, h, "@" + h}
		}
		return []string{a.Name}
	})
	if !ok {
		return planimport.AccountRef{}, false
	}
	// The workflow checks a post with each network's defaults; so does the
	// import.
	return planimport.AccountRef{ID: a.ID, Network: a.Network, Name: a.Name}, true
}

func (r *resolver) Goal(ref string) (int64, bool) {
	g, ok := find(r.goals, ref, func(g *soroe.Goal) int64 { return g.ID }, func(g *soroe.Goal) []string { return []string{g.Title} })
	if !ok {
		return 0, false
	}
	return g.ID, true
}

func (r *resolver) Template(ref string) (int64, bool) {
	t, ok := find(r.tplList, ref, func(t *soroe.Template) int64 { return t.ID }, func(t *soroe.Template) []string { return []string{t.Name} })
	if !ok {
		return 0, false
	}
	return t.ID, true
}

// IsProblems reports whether err lists a file's problems (and returns them).
func IsProblems(err error) (*planimport.Errors, bool) {
	var e *planimport.Errors
	ok := errors.As(err, &e)
	return e, ok
}
