package network

import (
	"net/http"
	"net/http/httptrace"
)

// Send does req with hc and reports whether the request was written whole
// before any transport error. That is the line exactly-once publishing rests
// on: a failure before the request went out is safe to retry, a failure
// after it may hide a post that landed (ErrUnknownOutcome). Every adapter
// sends through here.
func Send(hc *http.Client, req *http.Request) (resp *http.Response, wrote bool, err error) {
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) { wrote = wrote || i.Err == nil }}
	resp, err = hc.Do(req.WithContext(httptrace.WithClientTrace(req.Context(), trace)))
	return resp, wrote, err
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
