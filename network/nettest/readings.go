package nettest

import (
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/network"
)

// Reading returns pm's reading of m, failing the test when there is none.
func Reading(t testing.TB, pm network.PostMetrics, m soroe.PostMetric) soroe.Reading {
	t.Helper()
	for _, r := range pm.Readings {
		if r.Metric == m {
			return r
		}
	}
	t.Fatalf("%s: no %s reading in %+v", pm.RemoteID, m, pm.Readings)
	return soroe.Reading{}
}

// WantCount fails the test unless pm's reading of m is the value v.
func WantCount(t testing.TB, pm network.PostMetrics, m soroe.PostMetric, v int64) {
	t.Helper()
	if r := Reading(t, pm, m); r.Value == nil || *r.Value != v {
		t.Errorf("%s: %s = %+v, want %d", pm.RemoteID, m, r, v)
	}
}

// WantUnavailable fails the test unless pm's reading of m has no value
// and this reason.
func WantUnavailable(t testing.TB, pm network.PostMetrics, m soroe.PostMetric, reason string) {
	t.Helper()
	if r := Reading(t, pm, m); r.Value != nil || r.Unavailable != reason {
		t.Errorf("%s: %s = %+v, want not available (%s)", pm.RemoteID, m, r, reason)
	}
}
