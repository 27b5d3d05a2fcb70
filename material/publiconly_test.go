package material_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/soroe/soroe/material"
)

func TestPublicOnly(t *testing.T) {
	for addr, ok := range map[string]bool{
		"93.184.215.14:443":       true,
		"[2606:2800:21f::1]:443":  true,
		"127.0.0.1:80":            false,
		"[::1]:80":                false,
		"10.1.2.3:443":            false,
		"192.168.0.10:8080":       false,
		"169.254.169.254:80":      false,
		"[::ffff:127.0.0.1]:80":   false,
		"[fd00::1]:443":           false,
		"not-an-address":          false,
		"mastodon.example.jp:443": false, // names are resolved before Control runs
	} {
		err := material.PublicOnly("tcp", addr, nil)
		if (err == nil) != ok {
			t.Errorf("PublicOnly(%s) = %v, want allowed %v", addr, err, ok)
		}
		if err != nil && !errors.Is(err, material.ErrAddressNotPublic) {
			t.Errorf("PublicOnly(%s) = %v, want ErrAddressNotPublic", addr, err)
		}
	}
}

// TestPublicOnlyDialer: a client whose dialer is guarded cannot reach a
// loopback server, whatever the URL says.
func TestPublicOnlyDialer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	d := &net.Dialer{Timeout: time.Second, Control: material.PublicOnly}
	c := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	for _, u := range []string{srv.URL, "http://localhost:" + srv.Listener.Addr().(*net.TCPAddr).AddrPort().String()[len("127.0.0.1:"):]} {
		_, err := c.Get(u)
		if !errors.Is(err, material.ErrAddressNotPublic) {
			t.Errorf("GET %s: %v, want ErrAddressNotPublic", u, err)
		}
	}
}
