package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/notify"
)

// registerNotify adds opening a notification and the organization's
// notification destinations (webhooks): the settings page and the API.
func (s *Server) registerNotify() error {
	manage := soroe.ActWebhookManage
	return errors.Join(
		s.ui("GET /notifications/{notification}", soroe.ActNotificationOwn, s.notificationOpen),
		s.ui("GET /org/webhooks", manage, s.webhookList),
		s.ui("POST /org/webhooks", manage, s.webhookCreate),
		s.ui("POST /org/webhooks/{webhook}", manage, s.webhookUpdate),
		s.ui("POST /org/webhooks/{webhook}/delete", manage, s.webhookDelete),
		s.ui("POST /org/webhooks/{webhook}/test", manage, s.webhookTest),

		s.api("GET /api/v1/webhooks", manage, s.apiWebhooks),
		s.api("POST /api/v1/webhooks", manage, s.apiCreateWebhook),
		s.api("GET /api/v1/webhooks/{webhook}", manage, s.apiWebhook),
		s.api("PATCH /api/v1/webhooks/{webhook}", manage, s.apiUpdateWebhook),
		s.api("DELETE /api/v1/webhooks/{webhook}", manage, s.apiDeleteWebhook),
		s.api("POST /api/v1/webhooks/{webhook}/test", manage, s.apiTestWebhook),
	)
}

// ---- Notifications ----

// notificationView is a notification as its reader reads it.
type notificationView struct {
	*soroe.Notification
	notify.Rendered
	// Href opens it (marking it read); Target is where that leads.
	Href, Target string
}

func (s *Server) notificationViews(r *http.Request, ns []*soroe.Notification) []*notificationView {
	l := lang(r)
	loc := who(r).Org.Location()
	out := make([]*notificationView, len(ns))
	for i, n := range ns {
		out[i] = &notificationView{Notification: n, Rendered: notify.Render(s.cat, l, loc, n.Kind, n.Params),
			Href: fmt.Sprintf("/notifications/%d", n.ID), Target: notify.Href(n.Kind, n.PostID, n.AccountID)}
	}
	return out
}

// notificationOpen marks one notification read and goes where it leads.
func (s *Server) notificationOpen(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	nid, err := pathID(r, "notification")
	if s.failed(w, r, err) {
		return
	}
	n, err := s.db.OpenNotification(r.Context(), id.Org.ID, id.User.ID, nid)
	if s.failed(w, r, err) {
		return
	}
	redirect(w, r, notify.Href(n.Kind, n.PostID, n.AccountID))
}

// ---- Webhooks: the settings page ----

// webhookView is a webhook on the settings page.
type webhookView struct {
	*soroe.Webhook
	Host string
	Want map[string]bool
	// Status is "never", "ok" or "failed", of the last delivery at At.
	Status string
	At     time.Time
}

type webhooksData struct {
	Hooks  []*webhookView
	Kinds  []soroe.WebhookKind
	Events []string
	// Created is the webhook just made, with its signing secret shown
	// once (generic kind).
	Created *soroe.Webhook
	// Default events of the add form.
	Default map[string]bool
}

// defaultEvents are what a new webhook wants unless told otherwise: what
// a team must act on.
var defaultEvents = []string{soroe.NotifyReviewRequest, soroe.NotifyRejected, soroe.NotifyPublishFailed,
	soroe.NotifyUnconfirmed, soroe.NotifyManualDue, soroe.NotifyReconnect, soroe.EventReport}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, status int, created *soroe.Webhook, formErr error) {
	hooks, err := s.db.Webhooks(r.Context(), who(r).Org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &webhooksData{Kinds: soroe.WebhookKinds, Events: soroe.WebhookEvents, Created: created, Default: wants(defaultEvents)}
	for _, h := range hooks {
		v := &webhookView{Webhook: h, Host: h.URLHost(), Want: wants(h.Events), Status: "never"}
		if h.LastAt != nil && h.LastOK != nil {
			v.At, v.Status = *h.LastAt, "failed"
			if *h.LastOK {
				v.Status = "ok"
			}
		}
		d.Hooks = append(d.Hooks, v)
	}
	p := s.newPage(w, r, "webhooks.title", d)
	if formErr != nil {
		s.formError(w, r, "webhooks", p, formErr)
		return
	}
	s.render(w, status, "webhooks", p)
}

func (s *Server) webhookList(w http.ResponseWriter, r *http.Request) {
	s.webhooksPage(w, r, http.StatusOK, nil, nil)
}

// webhookForm reads the add and edit forms.
func webhookForm(r *http.Request) *soroe.Webhook {
	_ = r.ParseForm()
	return &soroe.Webhook{Name: r.PostForm.Get("name"), Kind: soroe.WebhookKind(r.PostForm.Get("kind")),
		URL: r.PostForm.Get("url"), Events: r.PostForm["events"], Enabled: r.PostForm.Get("enabled") != "" || r.PostForm.Get("new") != ""}
}

func (s *Server) newWebhook(ctx context.Context, h *soroe.Webhook) error {
	if h.Kind == soroe.WebhookGeneric {
		h.Secret = deliver.NewSecret()
	}
	return s.db.CreateWebhook(ctx, h, notify.Sealer(s.cfg.Secrets, h.OrgID))
}

func (s *Server) webhookCreate(w http.ResponseWriter, r *http.Request) {
	id := who(r)
	h := webhookForm(r)
	h.OrgID, h.CreatedBy, h.Enabled = id.Org.ID, id.User.ID, true
	if err := s.newWebhook(r.Context(), h); err != nil {
		s.webhooksPage(w, r, 0, nil, err)
		return
	}
	if h.Kind == soroe.WebhookGeneric {
		// The secret is shown this once: render rather than redirect.
		s.webhooksPage(w, r, http.StatusCreated, h, nil)
		return
	}
	s.flash(r, "webhooks.created")
	redirect(w, r, "/org/webhooks")
}

func (s *Server) webhookUpdate(w http.ResponseWriter, r *http.Request) {
	hid, err := pathID(r, "webhook")
	if s.failed(w, r, err) {
		return
	}
	h := webhookForm(r)
	h.ID, h.OrgID = hid, who(r).Org.ID
	if err := s.db.UpdateWebhook(r.Context(), h); err != nil {
		if errors.Is(err, soroe.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		s.webhooksPage(w, r, 0, nil, err)
		return
	}
	s.flash(r, "webhooks.saved")
	redirect(w, r, "/org/webhooks")
}

func (s *Server) webhookDelete(w http.ResponseWriter, r *http.Request) {
	hid, err := pathID(r, "webhook")
	if s.failed(w, r, err) {
		return
	}
	if s.failed(w, r, s.db.DeleteWebhook(r.Context(), who(r).Org.ID, hid)) {
		return
	}
	s.flash(r, "webhooks.deleted")
	redirect(w, r, "/org/webhooks")
}

// sendTest sends the test message to a webhook now, records how it went
// (as a delivery job would) and returns the delivery's error.
func (s *Server) sendTest(ctx context.Context, org *soroe.Org, hid int64) (*soroe.Webhook, error, error) {
	h, err := s.db.Webhook(ctx, org.ID, hid)
	if err != nil {
		return nil, nil, err
	}
	d, sendErr := notify.Destination(s.cfg.Secrets, h)
	d.ID = fmt.Sprintf("test-%d-%d", h.ID, s.now().UnixNano())
	if sendErr == nil {
		sendErr = s.cfg.Deliver.Send(ctx, d, notify.TestMessage(s.cat, org, s.cfg.BaseURL, h, s.now()))
	}
	if err := notify.RecordDelivery(ctx, s.db, h, sendErr); err != nil {
		return nil, nil, err
	}
	h, err = s.db.Webhook(ctx, org.ID, hid)
	return h, sendErr, err
}

func (s *Server) webhookTest(w http.ResponseWriter, r *http.Request) {
	hid, err := pathID(r, "webhook")
	if s.failed(w, r, err) {
		return
	}
	_, sendErr, err := s.sendTest(r.Context(), who(r).Org, hid)
	if s.failed(w, r, err) {
		return
	}
	if sendErr != nil {
		s.flash(r, "webhooks.test_failed")
	} else {
		s.flash(r, "webhooks.test_sent")
	}
	redirect(w, r, "/org/webhooks")
}

// ---- Webhooks: the API ----

// webhookJSON is a webhook in the API: its URL only as a host (it is a
// secret for Slack and Teams), its secret only in the reply that creates it.
type webhookJSON struct {
	*soroe.Webhook
	URLHost string `json:"url_host"`
	Secret  string `json:"secret,omitempty"`
}

func (s *Server) apiWebhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := s.db.Webhooks(r.Context(), who(r).Org.ID)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]webhookJSON, len(hooks))
	for i, h := range hooks {
		out[i] = webhookJSON{Webhook: h, URLHost: h.URLHost()}
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": out, "events": soroe.WebhookEvents})
}

func (s *Server) apiWebhook(w http.ResponseWriter, r *http.Request) {
	hid, err := pathID(r, "webhook")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	h, err := s.db.Webhook(r.Context(), who(r).Org.ID, hid)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, webhookJSON{Webhook: h, URLHost: h.URLHost()})
}

func (s *Server) apiCreateWebhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name    string            `json:"name"`
		Kind    soroe.WebhookKind `json:"kind"`
		URL     string            `json:"url"`
		Events  []string          `json:"events"`
		Enabled *bool             `json:"enabled"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	id := who(r)
	if in.Events == nil {
		in.Events = defaultEvents
	}
	h := &soroe.Webhook{OrgID: id.Org.ID, CreatedBy: id.User.ID, Name: in.Name, Kind: in.Kind, URL: in.URL,
		Events: in.Events, Enabled: in.Enabled == nil || *in.Enabled}
	if err := s.newWebhook(r.Context(), h); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, webhookJSON{Webhook: h, URLHost: h.URLHost(), Secret: h.Secret})
}

func (s *Server) apiUpdateWebhook(w http.ResponseWriter, r *http.Request) {
	hid, err := pathID(r, "webhook")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var in struct {
		Name    *string  `json:"name"`
		Events  []string `json:"events"`
		Enabled *bool    `json:"enabled"`
	}
	if !s.decode(w, r, &in) {
		return
	}
	h, err := s.db.Webhook(r.Context(), who(r).Org.ID, hid)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if in.Name != nil {
		h.Name = *in.Name
	}
	if in.Events != nil {
		h.Events = in.Events
	}
	if in.Enabled != nil {
		h.Enabled = *in.Enabled
	}
	if err := s.db.UpdateWebhook(r.Context(), h); err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, webhookJSON{Webhook: h, URLHost: h.URLHost()})
}

func (s *Server) apiDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	hid, err := pathID(r, "webhook")
	if err == nil {
		err = s.db.DeleteWebhook(r.Context(), who(r).Org.ID, hid)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiTestWebhook(w http.ResponseWriter, r *http.Request) {
	hid, err := pathID(r, "webhook")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	h, sendErr, err := s.sendTest(r.Context(), who(r).Org, hid)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := map[string]any{"ok": sendErr == nil, "webhook": webhookJSON{Webhook: h, URLHost: h.URLHost()}}
	if sendErr != nil {
		out["error"] = sendErr.Error()
	}
	writeJSON(w, http.StatusOK, out)
}

// wants is a set of events, for the templates' checkboxes.
func wants(events []string) map[string]bool {
	m := map[string]bool{}
	for _, e := range events {
		m[e] = true
	}
	return m
}
