package graphapi

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/soroe/soroe/network"
)

var now = time.Date(2026, 11, 23, 0, 30, 0, 0, time.UTC)

func TestFailure(t *testing.T) {
	c := &Client{Now: func() time.Time { return now }, RateCodes: []int{9}}
	for _, tc := range []struct {
		status int
		body   string
		unsafe bool
		want   error
	}{
		{400, `{"error":{"message":"expired","type":"OAuthException","code":190,"error_subcode":463}}`, false, network.ErrAuth},
		{400, `{"error":{"message":"session","code":102}}`, false, network.ErrAuth},
		{403, `{"error":{"message":"(#200) perm","code":200}}`, false, network.ErrAuth},
		{401, `not json`, false, network.ErrAuth},
		{403, `{"error":{"message":"limit","code":4}}`, false, network.ErrRateLimited},
		{400, `{"error":{"message":"limit","code":17}}`, true, network.ErrRateLimited},
		{400, `{"error":{"message":"limit","code":32}}`, false, network.ErrRateLimited},
		{400, `{"error":{"message":"limit","code":613}}`, false, network.ErrRateLimited},
		{400, `{"error":{"message":"buc","code":80001}}`, false, network.ErrRateLimited},
		{403, `{"error":{"message":"quota","code":9,"error_subcode":2207042}}`, true, network.ErrRateLimited},
		{429, ``, false, network.ErrRateLimited},
		{500, `{"error":{"message":"unknown","code":1}}`, false, network.ErrTemporary},
		{500, `{"error":{"message":"unknown","code":1}}`, true, network.ErrUnknownOutcome},
		{400, `{"error":{"message":"retry","code":2,"is_transient":true}}`, false, network.ErrTemporary},
		{503, `<html>`, true, network.ErrUnknownOutcome},
		{400, `{"error":{"message":"Invalid parameter","code":100}}`, true, network.ErrRejected},
	} {
		err := c.Failure(tc.status, http.Header{}, []byte(tc.body), tc.unsafe)
		if !errors.Is(err, tc.want) {
			t.Errorf("%d %s unsafe=%v: %v, want %v", tc.status, tc.body, tc.unsafe, err, tc.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	c := &Client{Now: func() time.Time { return now }}
	for _, tc := range []struct {
		h    map[string]string
		want time.Duration
	}{
		{nil, DefaultRetryAfter},
		{map[string]string{"X-App-Usage": `{"call_count":100,"total_time":25,"total_cputime":25}`}, DefaultRetryAfter},
		{map[string]string{"X-Business-Use-Case-Usage": `{"1":[{"type":"pages","estimated_time_to_regain_access":3},{"type":"ads","estimated_time_to_regain_access":9}],"2":[]}`}, 9 * time.Minute},
		{map[string]string{"X-Page-Usage": `{"call_count":100,"estimated_time_to_regain_access":20}`,
			"X-Business-Use-Case-Usage": `{"1":[{"estimated_time_to_regain_access":4}]}`}, 20 * time.Minute},
		{map[string]string{"X-Business-Use-Case-Usage": `garbage`}, DefaultRetryAfter},
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		if got := c.retryAfter(h); !got.Equal(now.Add(tc.want)) {
			t.Errorf("%v: %v, want %v", tc.h, got, now.Add(tc.want))
		}
	}
	var ne *network.Error
	err := c.Failure(400, http.Header{"X-Business-Use-Case-Usage": {`{"1":[{"estimated_time_to_regain_access":5}]}`}},
		[]byte(`{"error":{"message":"Page request limit reached","code":32,"fbtrace_id":"AX"}}`), false)
	if !errors.As(err, &ne) || !ne.RetryAfter.Equal(now.Add(5*time.Minute)) || ne.Reason != "Page request limit reached (code 32, fbtrace_id AX)" {
		t.Fatalf("%+v", ne)
	}
}
