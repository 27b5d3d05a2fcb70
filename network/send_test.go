package network_test

import (
	"errors"
	"fmt"
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

func TestOutcome(t *testing.T) {
	boom := errors.New("connection reset")
	for _, c := range []struct {
		name    string
		err     error
		posting bool
		want    error
	}{
		{"written post", &network.SendError{Wrote: true, Err: boom}, true, network.ErrUnknownOutcome},
		{"unwritten post", &network.SendError{Wrote: false, Err: boom}, true, network.ErrTemporary},
		{"written read", &network.SendError{Wrote: true, Err: boom}, false, network.ErrTemporary},
		{"adapter error", fmt.Errorf("wrapped: %w", &network.Error{Kind: network.ErrAuth, Status: 401}), true, network.ErrAuth},
		{"other", boom, true, network.ErrTemporary},
	} {
		if got := network.Outcome(c.err, c.posting); !errors.Is(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
