package network

import (
	"errors"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// Send does req with hc and reports whether the request was written whole
// before any transport error. That is the line exactly-once publishing rests
// on: a failure before the request went out is safe to retry, a failure
// after it may hide a post that landed (ErrUnknownOutcome). Every adapter
// sends through here.
//
// The trace callbacks run on the transport's write goroutine, which may
// still be writing when Do returns (an early answer, a cancelled context),
// hence the atomic flag; and once the headers have gone out the request
// counts as written — the rest may follow after Do returned, so only a
// request that never reached the wire is reported as not written.
func Send(hc *http.Client, req *http.Request) (resp *http.Response, wrote bool, err error) {
	var out atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteHeaders: func() { out.Store(true) },
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				out.Store(true)
			}
		},
	}
	resp, err = hc.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	return resp, out.Load(), err
}

// TransportError is a transport failure as an adapter reports it:
// ErrUnknownOutcome when unknown (the request was written and it could have
// posted), ErrTemporary otherwise.
func TransportError(err error, unknown bool) *Error {
	if unknown {
		return &Error{Kind: ErrUnknownOutcome, Reason: err.Error()}
	}
	return &Error{Kind: ErrTemporary, Reason: err.Error()}
}

// SendError keeps a failure of Send with whether the request had been
// written, for an adapter whose call helper serves posting and other
// requests alike: Outcome decides once the caller knows which it was.
type SendError struct {
	Wrote bool
	Err   error
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// Outcome is the adapter error for a failed call: a written posting
// request's SendError is an unknown outcome (it may have posted); an
// adapter's *Error passes as it is; anything else is temporary — nothing
// happened that a retry could double.
func Outcome(err error, posting bool) *Error {
	var se *SendError
	if posting && errors.As(err, &se) && se.Wrote {
		return &Error{Kind: ErrUnknownOutcome, Reason: se.Err.Error()}
	}
	var ne *Error
	if errors.As(err, &ne) {
		return ne
	}
	return &Error{Kind: ErrTemporary, Reason: err.Error()}
}
