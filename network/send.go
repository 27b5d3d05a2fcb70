package network

import (
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
