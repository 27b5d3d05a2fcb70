// Package notify says what a notification is about, in the reader's
// language: its headline and its details (the post's first line, its
// author, the 型 or goal, the approval step by name, when it is due),
// for the notifications page and for the organization's webhooks
// (package deliver). Notifications store parameters (store.Param…), never
// finished text, so that each reader reads them in their own language.
package notify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/secretbox"
	"github.com/soroe/soroe/store"
)

// Rendered is a notification in one language.
type Rendered struct {
	Text    string          // the headline: "承認をお願いします（広報）。"
	Post    string          // the post's first line, when about a post
	Details []deliver.Field // labelled facts: author, 型, goal, step, due, account
	Due     *time.Time      // when the post is due, if known
}

// Render says what a notification of kind with params is about, in lang,
// with times in loc.
func Render(cat *i18n.Catalog, lang string, loc *time.Location, kind string, params map[string]string) Rendered {
	if loc == nil {
		loc = time.UTC
	}
	args := make([]any, 0, 2*len(params)+2)
	for k, v := range params {
		if k != "Step" {
			args = append(args, k, v)
		}
	}
	step := StepLabel(cat, lang, params)
	key := "notification." + kind
	if kind == soroe.NotifyReviewRequest && step == "" {
		key = "notify.review_request_plain"
	}
	args = append(args, "Step", step)
	r := Rendered{Text: cat.T(lang, key, args...), Post: params[store.ParamPost]}
	add := func(label, value string) {
		if value != "" {
			r.Details = append(r.Details, deliver.Field{Name: cat.T(lang, label), Value: value})
		}
	}
	add("notify.field.author", params[store.ParamPostAuthor])
	add("notify.field.template", params[store.ParamTemplate])
	add("notify.field.goal", params[store.ParamGoal])
	if kind == soroe.NotifyReviewRequest {
		add("notify.field.step", step)
	}
	if due, err := time.Parse(time.RFC3339, params[store.ParamDue]); err == nil {
		r.Due = &due
		add("notify.field.due", FormatTime(lang, due.In(loc)))
	}
	if kind != soroe.NotifyReconnect {
		add("notify.field.account", params["Account"])
	}
	return r
}

// StepLabel names the approval step of a review request: its name, or
// for an unnamed step of several its number ("2段目（全3段）"), or "" for
// the only, unnamed step. Old notifications carry only "Step" ("広報" or
// "1/2").
func StepLabel(cat *i18n.Catalog, lang string, params map[string]string) string {
	if n := strings.TrimSpace(params[store.ParamStepName]); n != "" {
		return n
	}
	no, total := params[store.ParamStepNo], params[store.ParamStepCount]
	if no == "" {
		old := params["Step"]
		a, b, ok := strings.Cut(old, "/")
		if !ok {
			return old
		}
		no, total = a, b
	}
	if t, err := strconv.Atoi(total); err != nil || t <= 1 {
		return ""
	}
	return cat.T(lang, "notify.step_number", "No", no, "Total", total)
}

// FormatTime writes a time people read at a glance, with the weekday:
// "12月7日(月) 10:00" (the year when not this one is left to the page).
func FormatTime(lang string, t time.Time) string {
	if lang == soroe.LangJA {
		wd := []string{"日", "月", "火", "水", "木", "金", "土"}[t.Weekday()]
		return t.Format("2006年1月2日") + "(" + wd + ") " + t.Format("15:04")
	}
	return t.Format("Mon, Jan 2, 2006 15:04")
}

// Href is where opening a notification leads.
func Href(kind string, postID, accountID *int64) string {
	switch {
	case kind == soroe.NotifyWebhookFailed:
		return "/org/webhooks"
	case postID != nil:
		return "/posts/" + strconv.FormatInt(*postID, 10)
	case accountID != nil:
		return "/accounts"
	}
	return "/notifications"
}

// Message is a notification event as the message an organization's
// webhooks receive, in the organization's language and time zone, with
// an absolute link under baseURL.
func Message(cat *i18n.Catalog, org *soroe.Org, baseURL string, e *store.NotifyEvent) deliver.Message {
	lang := i18n.Lang(org.Lang)
	r := Render(cat, lang, org.Location(), e.Kind, e.Params)
	m := deliver.Message{Event: e.Kind, OrgID: e.OrgID, Title: r.Text, Summary: r.Post, Fields: r.Details,
		LinkText: cat.T(lang, "notify.open_in_soroe"), At: e.CreatedAt}
	if baseURL != "" {
		m.Link = strings.TrimRight(baseURL, "/") + Href(e.Kind, e.PostID, e.AccountID)
	}
	return m
}

// RecordDelivery keeps a delivery's outcome on its webhook and, when the
// webhook has now failed store.WarnAfterFailures times in a row and nobody
// was told, tells its organization's owners and managers in the app (one
// notification per run of failures, never sent to the webhooks
// themselves). The delivery job and the settings page's "send test" use it.
func RecordDelivery(ctx context.Context, db *store.DB, hook *soroe.Webhook, sendErr error) error {
	text := ""
	if sendErr != nil {
		text = sendErr.Error()
	}
	warn, err := db.RecordDelivery(ctx, hook.OrgID, hook.ID, text)
	if err != nil || !warn {
		return err
	}
	users, err := db.MembersWithRole(ctx, hook.OrgID, soroe.RoleOwner, soroe.RoleManager)
	if err != nil {
		return err
	}
	_, err = db.Notify(ctx, soroe.Notification{OrgID: hook.OrgID, Kind: soroe.NotifyWebhookFailed,
		Params: map[string]string{"Webhook": hook.Name, "Error": text}}, false, users...)
	return err
}

// TestMessage is what the settings page's "send test" sends, in the
// organization's language.
func TestMessage(cat *i18n.Catalog, org *soroe.Org, baseURL string, hook *soroe.Webhook, at time.Time) deliver.Message {
	lang := i18n.Lang(org.Lang)
	m := deliver.Message{Event: soroe.EventTest, OrgID: org.ID, Title: cat.T(lang, "notify.test_title"),
		Summary:  cat.T(lang, "notify.test_summary", "Webhook", hook.Name, "Org", org.Name),
		LinkText: cat.T(lang, "notify.open_in_soroe"), At: at}
	if baseURL != "" {
		m.Link = strings.TrimRight(baseURL, "/") + "/org/webhooks"
	}
	return m
}

// webhookAD binds a sealed webhook URL or secret to its organization.
func webhookAD(orgID int64) string { return "webhook:" + strconv.FormatInt(orgID, 10) }

// Sealer returns what store.DB.CreateWebhook seals a webhook's URL and
// secret with for an organization, or nil (kept in clear) without a box.
func Sealer(box *secretbox.Box, orgID int64) func(string) (string, error) {
	if box == nil {
		return nil
	}
	return func(s string) (string, error) { return box.SealString(s, webhookAD(orgID)) }
}

// ErrSealed is returned for a webhook sealed with a secret key this server
// does not have.
var ErrSealed = errors.New("notify: the webhook's URL is sealed and SOROE_SECRET_KEY is not set or has changed")

// Destination is where a stored webhook posts: its URL and secret opened
// with box when they were sealed.
func Destination(box *secretbox.Box, hook *soroe.Webhook) (deliver.Destination, error) {
	open := func(s string) (string, error) {
		if !strings.HasPrefix(s, "v1:") {
			return s, nil // kept in clear (no key when it was made)
		}
		if box == nil {
			return "", ErrSealed
		}
		pt, err := box.OpenString(s, webhookAD(hook.OrgID))
		if err != nil {
			return "", fmt.Errorf("%w: %v", ErrSealed, err)
		}
		return pt, nil
	}
	d := deliver.To(hook)
	var err error
	if d.URL, err = open(hook.URL); err != nil {
		return d, err
	}
	d.Secret, err = open(hook.Secret)
	return d, err
}
