// Package mailtest is a fake SMTP server on loopback for tests: it speaks
// enough ESMTP for net/smtp (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) and
// keeps what it received.
package mailtest

import (
	"bufio"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
)

// Message is one message the server accepted.
type Message struct {
	Auth    string // user:pass of AUTH PLAIN, or ""
	From    string
	To      []string
	Subject string // decoded
	Body    string // decoded
	Raw     string
}

// Server is the fake.
type Server struct {
	Addr string // host:port
	ln   net.Listener
	mu   sync.Mutex
	msgs []Message
	wg   sync.WaitGroup
}

// New starts a server; it stops when the test ends.
func New(t testing.TB) *Server {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), ln: ln}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// URL is an smtp:// URL to the server with user and pass.
func (s *Server) URL(user, pass string) string {
	if user == "" {
		return "smtp://" + s.Addr
	}
	return "smtp://" + user + ":" + pass + "@" + s.Addr
}

// Messages returns what the server received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.session(c)
		}()
	}
}

func (s *Server) session(c net.Conn) {
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = io.WriteString(c, line+"\r\n") }
	say("220 fake ESMTP")
	var m Message
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch cmd {
		case "EHLO", "HELO":
			say("250-fake")
			say("250-8BITMIME")
			say("250 AUTH PLAIN")
		case "AUTH":
			parts := strings.Fields(line)
			if len(parts) == 3 {
				b, _ := base64.StdEncoding.DecodeString(parts[2])
				f := strings.Split(string(b), "\x00")
				if len(f) == 3 {
					m.Auth = f[1] + ":" + f[2]
				}
			}
			say("235 2.7.0 Authentication successful")
		case "MAIL":
			m.From = addr(line)
			say("250 OK")
		case "RCPT":
			m.To = append(m.To, addr(line))
			say("250 OK")
		case "DATA":
			say("354 End data with <CR><LF>.<CR><LF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			m.Raw = b.String()
			m.Subject, m.Body = decode(m.Raw)
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = Message{Auth: m.Auth}
			say("250 OK queued")
		case "RSET", "NOOP":
			say("250 OK")
		case "QUIT":
			say("221 Bye")
			return
		default:
			say("502 Command not implemented")
		}
	}
}

func addr(line string) string {
	i, j := strings.Index(line, "<"), strings.Index(line, ">")
	if i < 0 || j < i {
		return ""
	}
	return line[i+1 : j]
}

func decode(raw string) (subject, body string) {
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		return "", ""
	}
	subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	b, _ := io.ReadAll(msg.Body)
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		d, _ := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
		b = d
	}
	return subject, strings.ReplaceAll(string(b), "\r\n", "\n")
}
