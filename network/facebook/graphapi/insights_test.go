package graphapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

func TestInsights(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		m := r.URL.Query().Get("metric")
		switch {
		case strings.HasPrefix(r.URL.Path, "/gone/"):
			w.WriteHeader(400)
			w.Write([]byte(`{"error":{"message":"Object with ID 'gone' does not exist","type":"GraphMethodException","code":100,"error_subcode":33}}`))
		case strings.HasPrefix(r.URL.Path, "/perm/"):
			w.WriteHeader(403)
			w.Write([]byte(`{"error":{"message":"(#10) Application does not have permission for this action","code":10}}`))
		case strings.Contains(m, "old"):
			w.WriteHeader(400)
			w.Write([]byte(`{"error":{"message":"(#100) The value must be a valid insights metric","code":100}}`))
		default:
			w.Write([]byte(`{"data":[{"name":"a","values":[{"value":5},{"value":7}]},{"name":"b","total_value":{"value":3}},` +
				`{"name":"c","values":[{"value":{"like":2,"love":1}}]},{"name":"d","values":[{"value":null}]}]}`))
		}
	}))
	defer srv.Close()
	c := &Client{}
	ctx := context.Background()

	v, refused, err := c.Insights(ctx, srv.URL+"/1", "insights", "tok", []string{"a", "b", "c", "d"}, nil)
	if err != nil || len(refused) != 0 {
		t.Fatal(err, refused)
	}
	if n, ok := Int(v["a"]); !ok || n != 7 {
		t.Errorf("a = %s", v["a"])
	}
	if n, ok := Int(v["b"]); !ok || n != 3 {
		t.Errorf("b = %s", v["b"])
	}
	if n, ok := Sum(v["c"]); !ok || n != 3 {
		t.Errorf("c = %s", v["c"])
	}
	if _, ok := Int(v["c"]); ok {
		t.Error("an object read as a number")
	}
	if r := Reading(soroe.PostViews, "d", v, nil); r.Value != nil || r.Unavailable != soroe.UnavailableNotGiven {
		t.Errorf("null = %+v", r)
	}
	if r := Reading(soroe.PostViews, "missing", v, nil); r.Value != nil || r.Unavailable != soroe.UnavailableNotGiven {
		t.Errorf("absent = %+v", r)
	}

	// One deprecated metric fails the list; each is then asked alone.
	calls.Store(0)
	v, refused, err = c.Insights(ctx, srv.URL+"/1", "insights", "tok", []string{"a", "old", "b"}, nil)
	if err != nil || len(refused) != 1 || refused[0] != "old" || calls.Load() != 4 {
		t.Fatalf("%v %v calls %d", err, refused, calls.Load())
	}
	if r := Reading(soroe.PostImpressions, "old", v, refused); r.Value != nil || r.Unavailable != soroe.UnavailableRefused {
		t.Errorf("refused = %+v", r)
	}

	// A missing permission refuses them all in one call.
	calls.Store(0)
	_, refused, err = c.Insights(ctx, srv.URL+"/perm/1", "insights", "tok", []string{"a", "b"}, nil)
	if err != nil || len(refused) != 2 || calls.Load() != 1 {
		t.Fatalf("%v %v calls %d", err, refused, calls.Load())
	}

	_, _, err = c.Insights(ctx, srv.URL+"/gone/1", "insights", "tok", []string{"a"}, nil)
	if !Gone(err) || Refused(err) {
		t.Fatalf("gone: %v", err)
	}
	var ne *network.Error
	if !errors.As(err, &ne) || !errors.Is(err, network.ErrRejected) {
		t.Fatalf("%v", err)
	}
	if _, ok := Plain(err).(*network.Error); !ok {
		t.Fatalf("Plain %T", Plain(err))
	}
}
