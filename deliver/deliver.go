// Package deliver sends Soroe's messages — notifications now, reports
// (issue 10) next — to the places outside the app where teams read them:
// Slack and Microsoft Teams incoming webhooks and generic JSON webhooks
// signed with HMAC-SHA256 (docs/webhooks.md). It only formats and posts
// one message to one destination; which destinations want which events,
// retries and failure tracking live in the store and in package jobs.
//
// Every connection goes through the SSRF guard of package material: only
// public addresses, checked when dialled (after DNS, on every redirect),
// through no proxy, unless Options.AllowPrivate (SOROE_ALLOW_PRIVATE_URLS=1,
// or a test).
package deliver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
)

// Message is one thing to tell a team, whatever it is about.
type Message struct {
	// Event names what happened: a notification kind (soroe.Notify…),
	// soroe.EventReport or soroe.EventTest.
	Event string `json:"event"`
	// Title is one line; Summary a few lines of plain text.
	Title   string `json:"title"`
	Summary string `json:"summary,omitempty"`
	// Link is an absolute URL to open it in Soroe.
	Link string `json:"link,omitempty"`
	// LinkText labels the link's button ("Open in Soroe" in the
	// organization's language).
	LinkText string `json:"link_text,omitempty"`
	// Fields are facts shown as a list (post, author, 型, step, due).
	Fields []Field `json:"fields,omitempty"`
	// Attachment is for email only (a report's PDF); webhooks carry the
	// link instead.
	Attachment *Attachment `json:"attachment,omitempty"`
	// OrgID is the organization the message belongs to.
	OrgID int64 `json:"org_id"`
	// At is when it happened.
	At time.Time `json:"at"`
}

// Field is one labelled fact of a message.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Attachment is a file sent with an email.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// Destination is where a message goes: a webhook's kind, URL and, for the
// generic kind, its signing secret.
type Destination struct {
	Kind   soroe.WebhookKind
	URL    string
	Secret string
	// ID names the delivery (X-Soroe-Delivery), the same across retries,
	// so that a receiver can drop a repeat.
	ID string
}

// To returns the destination of a stored webhook.
func To(w *soroe.Webhook) Destination {
	return Destination{Kind: w.Kind, URL: w.URL, Secret: w.Secret}
}

// Sender sends one message to one destination. *Client is the real one;
// tests of callers may use a fake.
type Sender interface {
	Send(ctx context.Context, d Destination, m Message) error
}

// Options tune a Client. The zero value is the production guard.
type Options struct {
	// AllowPrivate lets deliveries reach loopback and private addresses
	// (material.EnvAllowPrivateURLs, or tests).
	AllowPrivate bool
	// Timeout bounds one delivery (default 15 s).
	Timeout time.Duration
	// Now is the clock for signatures; time.Now when nil.
	Now func() time.Time
}

// OptionsFromEnv returns the production options, AllowPrivate set by
// SOROE_ALLOW_PRIVATE_URLS=1.
func OptionsFromEnv() Options {
	return Options{AllowPrivate: material.FetchOptionsFromEnv().AllowPrivate}
}

// Client posts messages over HTTP.
type Client struct {
	http *http.Client
	now  func() time.Time
}

var _ Sender = (*Client)(nil)

// New returns a client guarded as opts say.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, c syscall.RawConn) error {
		if opts.AllowPrivate {
			return nil
		}
		return material.PublicOnly(network, address, c)
	}}
	tr := &http.Transport{Proxy: nil, DialContext: d.DialContext, TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second, ForceAttemptHTTP2: true}
	return &Client{now: opts.Now, http: &http.Client{Timeout: opts.Timeout, Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			return nil
		}}}
}

// StatusError is a receiver's refusal: its HTTP status and the start of
// its reply.
type StatusError struct {
	Code int
	Body string
}

func (e *StatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("HTTP %d", e.Code)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Code, e.Body)
}

// Permanent reports whether retrying err cannot help: the receiver
// refused the request itself (4xx other than 408 and 429), or the address
// is not allowed, or the destination is malformed.
func Permanent(err error) bool {
	if se, ok := errors.AsType[*StatusError](err); ok {
		return se.Code >= 400 && se.Code < 500 && se.Code != http.StatusRequestTimeout && se.Code != http.StatusTooManyRequests
	}
	return errors.Is(err, material.ErrAddressNotPublic) || errors.Is(err, ErrDestination)
}

// ErrDestination is returned for a destination Send cannot post to.
var ErrDestination = errors.New("deliver: unknown webhook kind or bad URL")

// Send formats m for d's kind and posts it. A reply other than 2xx is a
// *StatusError.
func (c *Client) Send(ctx context.Context, d Destination, m Message) error {
	now := c.now()
	if m.At.IsZero() {
		m.At = now
	}
	var body []byte
	var err error
	switch d.Kind {
	case soroe.WebhookSlack:
		body, err = SlackPayload(m)
	case soroe.WebhookTeams:
		body, err = TeamsPayload(m)
	case soroe.WebhookGeneric:
		body, err = GenericPayload(m)
	default:
		return ErrDestination
	}
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil || (req.URL.Scheme != "https" && req.URL.Scheme != "http") {
		return ErrDestination
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Soroe-Webhook/1")
	if d.Kind == soroe.WebhookGeneric {
		req.Header.Set(HeaderSignature, Sign(d.Secret, now, body))
		req.Header.Set(HeaderEvent, m.Event)
		if d.ID != "" {
			req.Header.Set(HeaderDelivery, d.ID)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return scrub(err, d.URL)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{Code: resp.StatusCode, Body: strings.TrimSpace(string(reply))}
	}
	return nil
}

// scrub keeps a webhook's URL, a secret for Slack and Teams, out of the
// error people see: only its host stays.
func scrub(err error, rawURL string) error {
	msg := err.Error()
	if rawURL != "" && strings.Contains(msg, rawURL) {
		host := rawURL
		if i := strings.Index(rawURL, "://"); i >= 0 {
			host = rawURL[i+3:]
			if j := strings.IndexAny(host, "/?"); j >= 0 {
				host = host[:j]
			}
		}
		msg = strings.ReplaceAll(msg, rawURL, host)
		return &scrubbed{msg: msg, err: err}
	}
	return err
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// The generic webhook's headers.
const (
	HeaderSignature = "X-Soroe-Signature" // t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
	HeaderEvent     = "X-Soroe-Event"     // the message's event
	HeaderDelivery  = "X-Soroe-Delivery"  // the delivery's ID, the same on every retry
)

// Sign returns the X-Soroe-Signature value of body sent at t:
// "t=<unix>,v1=<hex>", the HMAC-SHA256 under secret of "<unix>.<body>".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte("."))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Verification errors.
var (
	ErrSignature = errors.New("deliver: signature does not match")
	ErrStale     = errors.New("deliver: signature timestamp outside the tolerance")
)

// Verify checks an X-Soroe-Signature header against body, as a receiver
// does: the HMAC must match (compared in constant time) and t must be
// within tolerance of now (replays of old deliveries are refused).
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrSignature
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	want := mac(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return ErrSignature
}

// NewSecret returns a fresh signing secret for a generic webhook.
func NewSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}
