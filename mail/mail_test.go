package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soroe/soroe/mail"
	"github.com/soroe/soroe/mail/mailtest"
)

func TestSend(t *testing.T) {
	srv := mailtest.New(t)
	s, err := mail.New(srv.URL("soroe", "p@ss"), "Soroe 揃え <soroe@example.jp>")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: []string{"owner@example.jp", "Manager <manager@example.jp>"},
		Subject: "【Soroe】アカウントの再接続が必要です: 公式X", Body: "公式X (X) の接続が切れました。\n再接続してください。"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("messages: %d", len(msgs))
	}
	m := msgs[0]
	if m.Auth != "soroe:p@ss" || m.From != "soroe@example.jp" || strings.Join(m.To, ",") != "owner@example.jp,manager@example.jp" {
		t.Fatalf("envelope %+v", m)
	}
	if m.Subject != "【Soroe】アカウントの再接続が必要です: 公式X" || m.Body != "公式X (X) の接続が切れました。\n再接続してください。\n" && m.Body != "公式X (X) の接続が切れました。\n再接続してください。" {
		t.Fatalf("subject %q body %q", m.Subject, m.Body)
	}
	if !strings.Contains(m.Raw, "Content-Type: text/plain; charset=utf-8") {
		t.Fatalf("raw %s", m.Raw)
	}
}

func TestConfig(t *testing.T) {
	if s, err := mail.FromEnv(func(string) string { return "" }); s != nil || err != nil {
		t.Fatal("no URL: no sender")
	}
	for _, bad := range []string{"http://x", "smtp://", "::"} {
		if _, err := mail.New(bad, "a@example.jp"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := mail.New("smtp://h", "not an address"); err == nil {
		t.Error("bad From accepted")
	}
	if _, err := mail.New("smtps://u:p@h", "a@example.jp"); err != nil {
		t.Error(err)
	}
}

func TestUnreachable(t *testing.T) {
	s, _ := mail.New("smtp://127.0.0.1:1", "a@example.jp")
	if err := s.Send(context.Background(), mail.Message{To: []string{"b@example.jp"}, Subject: "s", Body: "b"}); err == nil {
		t.Fatal("sent to nowhere")
	}
}
