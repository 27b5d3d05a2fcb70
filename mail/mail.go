// Package mail sends Soroe's email (warnings to owners and managers) over
// SMTP with net/smtp: STARTTLS when the server offers it (smtp://, port 587
// by default) or TLS from the first byte (smtps://, port 465 by default),
// and PLAIN authentication when the URL carries a user.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Environment variables of the configuration.
const (
	EnvURL  = "SOROE_SMTP_URL"  // smtp://user:pass@host:587 or smtps://user:pass@host:465
	EnvFrom = "SOROE_SMTP_FROM" // Soroe <soroe@example.co.jp>
)

// Message is one email in plain text (UTF-8).
type Message struct {
	To      []string
	Subject string
	Body    string
}

// Sender sends email.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP is a Sender on an SMTP server.
type SMTP struct {
	host, port string
	implicit   bool // smtps://
	user, pass string
	from       *mail.Address
	// TLSConfig is used for STARTTLS and smtps; nil means the system's
	// roots with the server's name.
	TLSConfig *tls.Config
	// Timeout bounds one message's whole conversation (default 30 s).
	Timeout time.Duration
	// Hello is the name sent in EHLO (default "localhost").
	Hello string
}

// New reads an smtp:// or smtps:// URL and the From address.
func New(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || u.Hostname() == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("mail: %s must be smtp://user:pass@host:587 or smtps://user:pass@host:465", EnvURL)
	}
	s := &SMTP{host: u.Hostname(), port: u.Port(), implicit: u.Scheme == "smtps", Timeout: 30 * time.Second, Hello: "localhost"}
	if s.port == "" {
		s.port = "587"
		if s.implicit {
			s.port = "465"
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if s.from, err = mail.ParseAddress(strings.TrimSpace(from)); err != nil {
		return nil, fmt.Errorf("mail: %s is not an address: %w", EnvFrom, err)
	}
	return s, nil
}

// FromEnv returns the SMTP sender SOROE_SMTP_URL and SOROE_SMTP_FROM
// configure, or nil (no email) when SOROE_SMTP_URL is unset.
func FromEnv(getenv func(string) string) (*SMTP, error) {
	if strings.TrimSpace(getenv(EnvURL)) == "" {
		return nil, nil
	}
	return New(getenv(EnvURL), getenv(EnvFrom))
}

// Send delivers m to its recipients in one SMTP transaction.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if len(m.To) == 0 {
		return nil
	}
	to := make([]string, 0, len(m.To))
	for _, r := range m.To {
		a, err := mail.ParseAddress(r)
		if err != nil {
			return fmt.Errorf("mail: bad recipient %q: %w", r, err)
		}
		to = append(to, a.Address)
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	addr := net.JoinHostPort(s.host, s.port)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	tlsCfg := s.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
	}
	if s.implicit {
		conn = tls.Client(conn, tlsCfg)
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	defer c.Close()
	if err := s.send(c, tlsCfg, to, m); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	return c.Quit()
}

func (s *SMTP) send(c *smtp.Client, tlsCfg *tls.Config, to []string, m Message) error {
	if err := c.Hello(s.Hello); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok && !s.implicit {
		if err := c.StartTLS(tlsCfg); err != nil {
			return err
		}
	}
	if s.user != "" {
		// PLAIN refuses to send the password over a connection that is
		// neither TLS nor to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(s.compose(to, m)); err != nil {
		return errors.Join(err, w.Close())
	}
	return w.Close()
}

// compose writes the message: UTF-8 plain text, quoted-printable free
// (base64 body), headers encoded per RFC 2047.
func (s *SMTP) compose(to []string, m Message) []byte {
	var b strings.Builder
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", s.from.String())
	h("To", strings.Join(to, ", "))
	h("Subject", mime.BEncoding.Encode("utf-8", clean(m.Subject)))
	h("Date", time.Now().UTC().Format(time.RFC1123Z))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\n", "\r\n")
	enc := base64Lines([]byte(body))
	b.WriteString(enc)
	return []byte(b.String())
}

// clean keeps a header value on one line.
func clean(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
