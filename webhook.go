package soroe

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookKind is the service a webhook posts to.
type WebhookKind string

// Webhook kinds.
const (
	WebhookSlack   WebhookKind = "slack"   // a Slack incoming webhook (https://hooks.slack.com/services/…)
	WebhookTeams   WebhookKind = "teams"   // a Microsoft Teams Workflows webhook ("When a Teams webhook request is received"): an Adaptive Card
	WebhookGeneric WebhookKind = "generic" // JSON signed with HMAC-SHA256 (docs/webhooks.md)
)

// WebhookKinds lists the kinds in display order.
var WebhookKinds = []WebhookKind{WebhookSlack, WebhookTeams, WebhookGeneric}

// Events a webhook can want besides the notification kinds.
const (
	EventReport = "report" // a periodic or on-demand report was sent
	EventTest   = "test"   // the settings page's "send test" (always delivered)
)

// NotifyWebhookFailed tells managers and owners that a webhook keeps
// failing (once per webhook until a delivery succeeds again).
const NotifyWebhookFailed = "webhook_failed"

// WebhookEvents are the events a webhook may subscribe to, in display order.
var WebhookEvents = []string{NotifyReviewRequest, NotifyApproved, NotifyRejected, NotifyPublishFailed,
	NotifyUnconfirmed, NotifyManualDue, NotifyReconnect, NotifyMention, NotifyCommentOnPost, EventReport}

// MaxWebhooks bounds an organization's webhooks.
const MaxWebhooks = 20

// Webhook is one destination outside the app for an organization's
// notifications (and reports).
type Webhook struct {
	ID      int64       `json:"id"`
	OrgID   int64       `json:"org_id"`
	Name    string      `json:"name"`
	Kind    WebhookKind `json:"kind"`
	URL     string      `json:"-"` // a secret itself for Slack and Teams: shown only as Host; sealed in the store
	Host    string      `json:"-"` // the URL's host, safe to show (URLHost)
	Secret  string      `json:"-"` // the generic kind's signing key; shown once, at creation; sealed in the store
	Events  []string    `json:"events"`
	Enabled bool        `json:"enabled"`
	// The last delivery: when, whether it succeeded and the error if not;
	// Failures counts the failed deliveries since the last success, and
	// WarnedAt is when managers were told it keeps failing.
	LastAt    *time.Time `json:"last_at,omitempty"`
	LastOK    *bool      `json:"last_ok,omitempty"`
	LastError string     `json:"last_error,omitempty"`
	Failures  int        `json:"failures"`
	WarnedAt  *time.Time `json:"warned_at,omitempty"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
}

// URLHost is the host the webhook posts to, safe to show.
func (w *Webhook) URLHost() string {
	if w.Host != "" {
		return w.Host
	}
	u, err := url.Parse(w.URL)
	if err != nil {
		return ""
	}
	return u.Host
}

// Wants reports whether the webhook is enabled and subscribed to event
// (the test event always).
func (w *Webhook) Wants(event string) bool {
	return w.Enabled && (event == EventTest || slices.Contains(w.Events, event))
}

// Validate checks and tidies a webhook before it is stored: a name, a
// known kind, an http(s) URL with a host, known events (deduplicated, in
// display order). Whether the URL's address is public is checked when it
// is dialled (package deliver).
func (w *Webhook) Validate() error {
	w.URL = strings.TrimSpace(w.URL)
	if err := w.ValidateSettings(); err != nil {
		return err
	}
	if !slices.Contains(WebhookKinds, w.Kind) {
		return Invalid("kind", "webhook_kind")
	}
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil || len(w.URL) > 2000 {
		return Invalid("url", "webhook_url")
	}
	return nil
}

// ValidateSettings checks and tidies what may change after creation: the
// name and the events.
func (w *Webhook) ValidateSettings() error {
	w.Name = strings.TrimSpace(w.Name)
	if w.Name == "" {
		return Invalid("name", "required")
	}
	if len([]rune(w.Name)) > 100 {
		return Invalid("name", "too_long")
	}
	var events []string
	for _, e := range WebhookEvents {
		if slices.Contains(w.Events, e) {
			events = append(events, e)
		}
	}
	for _, e := range w.Events {
		if !slices.Contains(WebhookEvents, e) {
			return Invalid("events", "webhook_event")
		}
	}
	w.Events = events
	return nil
}
