package network_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
)

// A request that reached a server which never answered was written (its
// outcome is unknown); one that could not connect was not (safe to retry).
func TestSend(t *testing.T) {
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stall }))
	defer srv.Close()
	defer close(stall)
	hc := &http.Client{Timeout: 500 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, nil)
	if _, wrote, err := network.Send(hc, req); err == nil || !wrote {
		t.Errorf("stalled server: wrote=%v err=%v, want written and an error", wrote, err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	req, _ = http.NewRequest(http.MethodPost, "http://"+addr, nil)
	_, wrote, err := network.Send(hc, req)
	if err == nil || wrote {
		t.Errorf("refused connection: wrote=%v err=%v, want not written", wrote, err)
	}
	if e := network.TransportError(err, wrote); !errors.Is(e, network.ErrTemporary) {
		t.Errorf("refused connection maps to %v", e)
	}
	if e := network.TransportError(err, true); !errors.Is(e, network.ErrUnknownOutcome) {
		t.Errorf("a written request maps to %v", e)
	}
}
