package deliver_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/deliver"
	"github.com/soroe/soroe/material"
)

var at = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)

func message() deliver.Message {
	return deliver.Message{Event: soroe.NotifyReviewRequest, OrgID: 7, Title: "承認をお願いします（広報）",
		Summary: "見学会のお知らせ <土曜>", Link: "https://soroe.example.jp/notifications/5", LinkText: "Soroe で開く",
		Fields: []deliver.Field{{Name: "作成", Value: "現場"}, {Name: "型", Value: "社員の一日"}}, At: at}
}

// receiver records what it is sent and answers with the statuses given,
// the last one repeating.
type receiver struct {
	statuses []int
	bodies   [][]byte
	headers  []http.Header
}

func (rc *receiver) serve(t *testing.T) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.bodies, rc.headers = append(rc.bodies, b), append(rc.headers, r.Header.Clone())
		code := http.StatusOK
		if n := len(rc.bodies); len(rc.statuses) > 0 {
			code = rc.statuses[min(n, len(rc.statuses))-1]
		}
		w.WriteHeader(code)
		_, _ = w.Write([]byte("reply"))
	}))
	t.Cleanup(ts.Close)
	return ts
}

func client() *deliver.Client {
	return deliver.New(deliver.Options{AllowPrivate: true, Now: func() time.Time { return at }})
}

func TestGenericSigned(t *testing.T) {
	rc := &receiver{}
	ts := rc.serve(t)
	d := deliver.Destination{Kind: soroe.WebhookGeneric, URL: ts.URL + "/hook", Secret: "s3cret", ID: "42-1"}
	if err := client().Send(context.Background(), d, message()); err != nil {
		t.Fatal(err)
	}
	h, body := rc.headers[0], rc.bodies[0]
	if err := deliver.Verify("s3cret", h.Get(deliver.HeaderSignature), body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("receiver cannot verify: %v (header %q)", err, h.Get(deliver.HeaderSignature))
	}
	if !strings.HasPrefix(h.Get(deliver.HeaderSignature), "t=1796605200,v1=") {
		t.Errorf("signature header %q", h.Get(deliver.HeaderSignature))
	}
	if h.Get(deliver.HeaderEvent) != soroe.NotifyReviewRequest || h.Get(deliver.HeaderDelivery) != "42-1" {
		t.Errorf("headers %v", h)
	}
	var g deliver.Generic
	if err := json.Unmarshal(body, &g); err != nil {
		t.Fatal(err)
	}
	if g.Event != soroe.NotifyReviewRequest || g.OrgID != 7 || g.Title != message().Title || len(g.Fields) != 2 || !g.At.Equal(at) {
		t.Errorf("body %s", body)
	}
	// A wrong secret, a changed body, a replay an hour later: refused.
	if err := deliver.Verify("other", h.Get(deliver.HeaderSignature), body, at, 5*time.Minute); !errors.Is(err, deliver.ErrSignature) {
		t.Errorf("wrong secret: %v", err)
	}
	if err := deliver.Verify("s3cret", h.Get(deliver.HeaderSignature), append(body, ' '), at, 5*time.Minute); !errors.Is(err, deliver.ErrSignature) {
		t.Errorf("changed body: %v", err)
	}
	if err := deliver.Verify("s3cret", h.Get(deliver.HeaderSignature), body, at.Add(time.Hour), 5*time.Minute); !errors.Is(err, deliver.ErrStale) {
		t.Errorf("replay: %v", err)
	}
	if err := deliver.Verify("s3cret", "garbage", body, at, 5*time.Minute); !errors.Is(err, deliver.ErrSignature) {
		t.Errorf("garbage: %v", err)
	}
}

// TestSignKnownVector pins the signature to an independently computed
// value (printf '1796605200.{}' | openssl dgst -sha256 -hmac key).
func TestSignKnownVector(t *testing.T) {
	got := deliver.Sign("key", at, []byte("{}"))
	want := "t=1796605200,v1=1392d44ddbb62316e09d160b72bd66940ce16e766f91c4ed343cc600a0c22a74"
	if got != want {
		t.Errorf("Sign = %s, want %s", got, want)
	}
}

func TestSlackShape(t *testing.T) {
	rc := &receiver{}
	ts := rc.serve(t)
	if err := client().Send(context.Background(), deliver.Destination{Kind: soroe.WebhookSlack, URL: ts.URL}, message()); err != nil {
		t.Fatal(err)
	}
	if rc.headers[0].Get(deliver.HeaderSignature) != "" {
		t.Error("Slack got a Soroe signature")
	}
	var p struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type string `json:"type"`
			Text *struct {
				Type, Text string
			} `json:"text"`
			Fields   []struct{ Type, Text string } `json:"fields"`
			Elements []struct {
				Type string `json:"type"`
				URL  string `json:"url"`
				Text struct{ Type, Text string }
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(rc.bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Text, "承認をお願いします（広報）") || !strings.Contains(p.Text, "<https://soroe.example.jp/notifications/5>") {
		t.Errorf("fallback text %q", p.Text)
	}
	if len(p.Blocks) != 3 || p.Blocks[0].Type != "section" || p.Blocks[0].Text.Type != "mrkdwn" ||
		!strings.Contains(p.Blocks[0].Text.Text, "&lt;土曜&gt;") {
		t.Fatalf("blocks %s", rc.bodies[0])
	}
	if len(p.Blocks[1].Fields) != 2 || p.Blocks[1].Fields[0].Text != "*作成*\n現場" {
		t.Errorf("fields %+v", p.Blocks[1].Fields)
	}
	if b := p.Blocks[2]; b.Type != "actions" || b.Elements[0].Type != "button" || b.Elements[0].URL != message().Link || b.Elements[0].Text.Text != "Soroe で開く" {
		t.Errorf("button %+v", b)
	}
}

func TestTeamsShape(t *testing.T) {
	rc := &receiver{}
	ts := rc.serve(t)
	if err := client().Send(context.Background(), deliver.Destination{Kind: soroe.WebhookTeams, URL: ts.URL}, message()); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string `json:"contentType"`
			Content     struct {
				Type    string           `json:"type"`
				Version string           `json:"version"`
				Body    []map[string]any `json:"body"`
				Actions []map[string]any `json:"actions"`
			} `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(rc.bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	if p.Type != "message" || len(p.Attachments) != 1 || p.Attachments[0].ContentType != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("envelope %s", rc.bodies[0])
	}
	c := p.Attachments[0].Content
	if c.Type != "AdaptiveCard" || c.Version != "1.4" || len(c.Body) != 3 || c.Body[0]["text"] != message().Title || c.Body[2]["type"] != "FactSet" {
		t.Errorf("card %s", rc.bodies[0])
	}
	if len(c.Actions) != 1 || c.Actions[0]["type"] != "Action.OpenUrl" || c.Actions[0]["url"] != message().Link {
		t.Errorf("actions %v", c.Actions)
	}
}

func TestStatusErrors(t *testing.T) {
	for _, tc := range []struct {
		code      int
		permanent bool
	}{{500, false}, {503, false}, {429, false}, {408, false}, {400, true}, {404, true}, {410, true}} {
		rc := &receiver{statuses: []int{tc.code}}
		ts := rc.serve(t)
		err := client().Send(context.Background(), deliver.Destination{Kind: soroe.WebhookSlack, URL: ts.URL}, message())
		var se *deliver.StatusError
		if !errors.As(err, &se) || se.Code != tc.code || se.Body != "reply" {
			t.Errorf("%d: err %v", tc.code, err)
		}
		if deliver.Permanent(err) != tc.permanent {
			t.Errorf("%d: Permanent = %v", tc.code, !tc.permanent)
		}
	}
}

// TestSSRF: with the production options, a webhook on a loopback or
// private address is refused when dialled, permanently, and the error
// does not repeat the URL (a secret for Slack and Teams).
func TestSSRF(t *testing.T) {
	rc := &receiver{}
	ts := rc.serve(t)
	prod := deliver.New(deliver.Options{})
	for _, u := range []string{ts.URL + "/services/T000/B000/SECRETTOKEN", "http://10.0.0.1:9/x", "http://169.254.169.254/latest", "http://[::1]:9/"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := prod.Send(ctx, deliver.Destination{Kind: soroe.WebhookSlack, URL: u}, message())
		cancel()
		if !errors.Is(err, material.ErrAddressNotPublic) || !deliver.Permanent(err) {
			t.Errorf("%s: err %v, want refused permanently", u, err)
		}
		if err != nil && strings.Contains(err.Error(), "SECRETTOKEN") {
			t.Errorf("error shows the URL: %v", err)
		}
	}
	if len(rc.bodies) != 0 {
		t.Error("the loopback receiver was reached")
	}
	if err := prod.Send(context.Background(), deliver.Destination{Kind: "irc", URL: ts.URL}, message()); !errors.Is(err, deliver.ErrDestination) {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestNewSecret(t *testing.T) {
	a, b := deliver.NewSecret(), deliver.NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") || len(a) != 6+48 {
		t.Errorf("secrets %q %q", a, b)
	}
}

func TestMessageText(t *testing.T) {
	want := "見学会のお知らせ <土曜>\n\n作成: 現場\n型: 社員の一日\n\nSoroe で開く: https://soroe.example.jp/notifications/5\n"
	if got := message().Text(); got != want {
		t.Errorf("Text() =\n%s\nwant\n%s", got, want)
	}
	if got := (deliver.Message{Title: "t"}).Text(); got != "" {
		t.Errorf("empty message text %q", got)
	}
}
