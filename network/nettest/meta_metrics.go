package nettest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// metaMetrics is the metrics side the Graph fakes (Instagram, Facebook,
// Threads) share: per published object the values tests set, the metric
// names the insights edge accepts and the deprecated ones (answered with
// the whole call failing, code 100, as the Graph API does for one bad name
// in the list), a refused permission, deleted objects, a read budget after
// which calls are throttled (code 4 with usage headers) and call counts.
// The fake holding it locks around every method.
type metaMetrics struct {
	values     map[string]map[string]any
	deleted    map[string]bool
	valid      map[string]bool
	deprecated map[string]string // metric → the API's message
	permission *MetaFailure
	budget     int // metric reads left before code 4; negative: unlimited
	regain     int // estimated_time_to_regain_access, minutes
	followers  int64
}

func newMetaMetrics(valid []string, deprecated map[string]string) metaMetrics {
	m := metaMetrics{values: map[string]map[string]any{}, deleted: map[string]bool{}, valid: map[string]bool{},
		deprecated: deprecated, budget: -1}
	for _, v := range valid {
		m.valid[v] = true
	}
	return m
}

func (m *metaMetrics) set(id string, values map[string]any) {
	cp := m.values[id]
	if cp == nil {
		cp = map[string]any{}
		m.values[id] = cp
	}
	for k, v := range values {
		cp[k] = v
	}
}

// throttled spends one read of the budget, answering code 4 when it is
// gone.
func (m *metaMetrics) throttled(w http.ResponseWriter) bool {
	if m.budget == 0 {
		metaError(w, MetaFailure{Status: http.StatusForbidden, Code: 4, Message: "(#4) Application request limit reached",
			Header: map[string]string{
				"X-App-Usage":               `{"call_count":100,"total_cputime":12,"total_time":30}`,
				"X-Business-Use-Case-Usage": `{"1":[{"type":"instagram","call_count":100,"total_cputime":12,"total_time":30,"estimated_time_to_regain_access":` + strconv.Itoa(m.regain) + `}]}`,
			}})
		return true
	}
	if m.budget > 0 {
		m.budget--
	}
	return false
}

// gone answers an unknown or deleted object as the Graph API does.
func (m *metaMetrics) gone(w http.ResponseWriter, id string) {
	metaError(w, MetaFailure{Code: 100, Subcode: 33, Type: "GraphMethodException",
		Message: "Unsupported get request. Object with ID '" + id + "' does not exist, cannot be loaded due to missing permissions, or does not support this operation"})
}

// insights answers GET /{id}/insights?metric=a,b: every name must be
// valid (else the whole call fails with code 100), and the metrics the
// test set come back as {"data":[{"name","period","values":[{"value"}],
// "title","id"}]}; metrics without a set value are left out, as the API
// does when it has no data.
func (m *metaMetrics) insights(w http.ResponseWriter, id, metric, period string, known bool) {
	if !known || m.deleted[id] {
		m.gone(w, id)
		return
	}
	if m.permission != nil {
		metaError(w, *m.permission)
		return
	}
	names := strings.Split(metric, ",")
	if metric == "" {
		metaError(w, MetaFailure{Code: 100, Message: "(#100) The parameter metric is required"})
		return
	}
	for _, n := range names {
		if msg, ok := m.deprecated[n]; ok {
			metaError(w, MetaFailure{Code: 100, Message: msg})
			return
		}
		if !m.valid[n] {
			valid := make([]string, 0, len(m.valid))
			for v := range m.valid {
				valid = append(valid, v)
			}
			sort.Strings(valid)
			metaError(w, MetaFailure{Code: 100, Message: "(#100) metric[0] must be one of the following values: " + strings.Join(valid, ", ")})
			return
		}
	}
	if period == "" {
		period = "lifetime"
	}
	data := []map[string]any{}
	for _, n := range names {
		v, ok := m.values[id][n]
		if !ok {
			continue
		}
		data = append(data, map[string]any{"name": n, "period": period, "values": []map[string]any{{"value": v}},
			"title": n, "id": id + "/insights/" + n + "/" + period})
	}
	metaJSON(w, map[string]any{"data": data})
}

func (m *metaMetrics) count(id, name string) int64 {
	switch v := m.values[id][name].(type) {
	case int:
		return int64(v)
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

func cloneAdd(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		if a != k {
			out[a] = b
		}
	}
	return out
}
