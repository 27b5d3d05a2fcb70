package graphapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// APIError is a Graph error answer with its code kept beside the
// network.Error it maps to, for callers that read some codes as data: a
// deleted object, a deprecated metric. errors.As finds the *network.Error
// and errors.Is its kind.
type APIError struct {
	Err           *network.Error
	Status        int
	Code, Subcode int
}

func (e *APIError) Error() string { return e.Err.Error() }

// Unwrap gives the *network.Error.
func (e *APIError) Unwrap() error { return e.Err }

// Read is Get whose error answers are *APIError.
func (c *Client) Read(ctx context.Context, u, token string, q url.Values, out any) error {
	f := url.Values{}
	for k, v := range q {
		f[k] = v
	}
	f.Set("access_token", token)
	return c.do(ctx, http.MethodGet, u+"?"+f.Encode(), nil, false, true, out)
}

// Gone reports whether err says the object does not exist: HTTP 404, or
// code 100 with subcode 33 ("Object with ID … does not exist, cannot be
// loaded due to missing permissions, or does not support this
// operation") — a deleted post.
func Gone(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Status == http.StatusNotFound || (e.Code == 100 && e.Subcode == 33))
}

// Refused reports whether err refuses what was asked rather than the
// call: code 100 (an invalid or deprecated metric, a parameter this object
// does not take) other than a missing object, or a missing permission
// (10, 200–299). The metrics asked are then not available (refused);
// other errors stop the read.
func Refused(err error) bool {
	var e *APIError
	if !errors.As(err, &e) || Gone(err) {
		return false
	}
	return e.Code == 100 || e.Code == 10 || (e.Code >= 200 && e.Code <= 299)
}

// permission reports whether err is a missing permission (10, 200–299),
// which asking metric by metric does not change.
func permission(err error) bool {
	var e *APIError
	return errors.As(err, &e) && (e.Code == 10 || (e.Code >= 200 && e.Code <= 299))
}

// Insight is one metric of an insights answer as it came: a number, null,
// or an object (Facebook's post_reactions_by_type_total); nil when the
// metric was not in the answer.
type Insight = json.RawMessage

type insightsAnswer struct {
	Data []struct {
		Name   string `json:"name"`
		Values []struct {
			Value json.RawMessage `json:"value"`
		} `json:"values"`
		TotalValue *struct {
			Value json.RawMessage `json:"value"`
		} `json:"total_value"`
	} `json:"data"`
}

// Insights reads GET {object}/{edge}?metric=m1,m2,…&{extra} (Instagram's
// and Facebook's /insights, Threads' /insights and /threads_insights) and
// returns each metric's latest value (values[-1].value, or
// total_value.value) by name. A metric absent from the answer is absent
// from the map.
//
// When the API refuses the list (code 100: a metric is invalid or
// deprecated — the Graph API fails the whole call for one), each metric
// is asked alone, and those refused alone are in refused, the others
// read; a missing permission (10, 200–299) refuses them all at once. An
// object that does not exist is an error for which Gone is true; other
// errors are the call's (ErrRateLimited, ErrAuth, ErrTemporary…).
func (c *Client) Insights(ctx context.Context, object, edge, token string, metrics []string, extra url.Values) (values map[string]Insight, refused []string, err error) {
	values = map[string]Insight{}
	if len(metrics) == 0 {
		return values, nil, nil
	}
	err = c.insights(ctx, object, edge, token, metrics, extra, values)
	switch {
	case err == nil:
		return values, nil, nil
	case !Refused(err):
		return nil, nil, err
	case permission(err) || len(metrics) == 1:
		return values, metrics, nil
	}
	for _, m := range metrics {
		if err := c.insights(ctx, object, edge, token, []string{m}, extra, values); err != nil {
			if !Refused(err) {
				return nil, nil, err
			}
			refused = append(refused, m)
		}
	}
	return values, refused, nil
}

func (c *Client) insights(ctx context.Context, object, edge, token string, metrics []string, extra url.Values, into map[string]Insight) error {
	q := url.Values{"metric": {strings.Join(metrics, ",")}}
	for k, v := range extra {
		q[k] = v
	}
	var a insightsAnswer
	if err := c.Read(ctx, object+"/"+edge, token, q, &a); err != nil {
		return err
	}
	for _, d := range a.Data {
		switch {
		case d.TotalValue != nil && len(d.TotalValue.Value) > 0:
			into[d.Name] = Insight(d.TotalValue.Value)
		case len(d.Values) > 0:
			into[d.Name] = Insight(d.Values[len(d.Values)-1].Value)
		default:
			into[d.Name] = Insight("null")
		}
	}
	return nil
}

// Reading turns one insight into metric m's reading: a number is its
// value; null, an object or a metric absent from the answer is not
// given; a metric named in refused is refused. Never 0 for what did not
// come.
func Reading(m soroe.PostMetric, name string, values map[string]Insight, refused []string) soroe.Reading {
	for _, r := range refused {
		if r == name {
			return network.NotAvailable(m, soroe.UnavailableRefused)
		}
	}
	if v, ok := Int(values[name]); ok {
		return network.Count(m, v)
	}
	return network.NotAvailable(m, soroe.UnavailableNotGiven)
}

// Int reads an insight that is a whole number.
func Int(v Insight) (int64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	var n *json.Number
	if json.Unmarshal(v, &n) != nil || n == nil {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil || f != float64(int64(f)) {
			return 0, false
		}
		i = int64(f)
	}
	return i, true
}

// Sum reads an insight that is an object of counts
// ({"like":330,"love":2}) as their total.
func Sum(v Insight) (int64, bool) {
	var m map[string]int64
	if len(v) == 0 || json.Unmarshal(v, &m) != nil || m == nil {
		return 0, false
	}
	var s int64
	for _, n := range m {
		s += n
	}
	return s, true
}

// Plain returns the *network.Error inside an *APIError, so that the
// errors of a whole metrics call are the plain *network.Error the
// network.MetricsReader contract names; other errors pass unchanged.
func Plain(err error) error {
	var e *APIError
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}
