package nettest

import (
	"net/http"
	"strconv"
)

// The fake instance's metrics reads, from platforms.md §3 ("Read counts"),
// analytics.md §1.7 and the statuses methods of mastodon/documentation:
//
//   - GET /api/v1/statuses?id[]=…&id[]=… (Mastodon 4.3+): the statuses
//     found, in the order asked; a deleted or unknown one is left out
//     (200). More than 20 ids is a 422 {"error":"Mastodon::ValidationError"}
//     (check_statuses_limit raises Mastodon::ValidationError past
//     DEFAULT_STATUSES_LIMIT [V: upstream code; 20 is the constant's value
//     M]). SetBatchEndpoint(false) makes the instance an older one, on
//     which the route does not exist (404).
//   - GET /api/v1/statuses/:id: the status, or 404 {"error":"Record not
//     found"}.
//   - GET /api/v1/accounts/verify_credentials carries followers_count.
//
// Statuses carry replies_count, reblogs_count, favourites_count and
// quotes_count (4.5+; left out when SetMetrics gives no Quotes). Reads
// count against a budget (SetReadRateLimit), answered 429 {"error":"Too
// many requests"} with the X-RateLimit-* headers when spent.

// MastodonMaxStatuses is how many id[] GET /api/v1/statuses takes.
const MastodonMaxStatuses = 20

// MastodonCounts are a status's counts; Quotes nil leaves quotes_count out
// (an instance older than 4.5).
type MastodonCounts struct {
	Favourites, Reblogs, Replies int64
	Quotes                       *int64
}

type mastodonReads struct {
	counts    map[string]MastodonCounts
	followers int64
	limit     int  // reads left; negative: unlimited
	batch     bool // GET /api/v1/statuses exists
	calls     map[string]int
	fail      []MastodonFailure
}

// SetMetrics sets the counts of status id.
func (m *Mastodon) SetMetrics(id string, c MastodonCounts) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.reads.counts == nil {
		m.reads.counts = map[string]MastodonCounts{}
	}
	m.reads.counts[id] = c
}

// SetFollowers sets the account's followers_count.
func (m *Mastodon) SetFollowers(n int64) { m.mu.Lock(); m.reads.followers = n; m.mu.Unlock() }

// SetReadRateLimit sets how many status reads are left before 429;
// negative is unlimited.
func (m *Mastodon) SetReadRateLimit(n int) { m.mu.Lock(); m.reads.limit = n; m.mu.Unlock() }

// SetBatchEndpoint says whether GET /api/v1/statuses exists (4.3+).
func (m *Mastodon) SetBatchEndpoint(on bool) { m.mu.Lock(); m.reads.batch = on; m.mu.Unlock() }

// FailReads makes the next status reads answer these, in order.
func (m *Mastodon) FailReads(fs ...MastodonFailure) {
	m.mu.Lock()
	m.reads.fail = append(m.reads.fail, fs...)
	m.mu.Unlock()
}

// DeleteStatus removes status id, as its author deleting it.
func (m *Mastodon) DeleteStatus(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, st := range m.statuses {
		if st.ID == id {
			m.statuses = append(m.statuses[:i:i], m.statuses[i+1:]...)
			return
		}
	}
}

// ReadCalls returns how many reads an endpoint received:
// "GET /api/v1/statuses" or "GET /api/v1/statuses/:id".
func (m *Mastodon) ReadCalls(endpoint string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reads.calls[endpoint]
}

// counts puts the status's counts into its JSON; the caller holds m.mu.
func (m *Mastodon) counts(id string, out map[string]any) {
	c, ok := m.reads.counts[id]
	if !ok {
		return
	}
	out["favourites_count"], out["reblogs_count"], out["replies_count"] = c.Favourites, c.Reblogs, c.Replies
	if c.Quotes != nil {
		out["quotes_count"] = *c.Quotes
	} else {
		delete(out, "quotes_count")
	}
}

// readGate counts a read against the budget; false means it answered 429.
// The caller holds m.mu.
func (m *Mastodon) readGate(w http.ResponseWriter, endpoint string) bool {
	if m.reads.calls == nil {
		m.reads.calls = map[string]int{}
	}
	m.reads.calls[endpoint]++
	switch {
	case m.reads.limit == 0:
		w.Header().Set("X-RateLimit-Remaining", "0")
		mastodonErr(w, http.StatusTooManyRequests, "Too many requests")
		return false
	case m.reads.limit > 0:
		m.reads.limit--
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(m.reads.limit))
	}
	if len(m.reads.fail) > 0 {
		f := m.reads.fail[0]
		m.reads.fail = m.reads.fail[1:]
		mastodonErr(w, f.Status, f.Error)
		return false
	}
	return true
}

func (m *Mastodon) find(id string) (MastodonStatus, bool) {
	for _, st := range m.statuses {
		if st.ID == id {
			return st, true
		}
	}
	return MastodonStatus{}, false
}

// getStatuses is GET /api/v1/statuses; the caller holds m.mu.
func (m *Mastodon) getStatuses(w http.ResponseWriter, r *http.Request) {
	if !m.reads.batch {
		// No such route before 4.3: Rails' routing error page.
		if m.reads.calls == nil {
			m.reads.calls = map[string]int{}
		}
		m.reads.calls["GET /api/v1/statuses"]++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!DOCTYPE html><html><body>The page you are looking for isn't here.</body></html>"))
		return
	}
	if !m.readGate(w, "GET /api/v1/statuses") {
		return
	}
	ids := r.URL.Query()["id[]"]
	seen := map[string]bool{}
	var uniq []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(uniq) > MastodonMaxStatuses {
		mastodonErr(w, http.StatusUnprocessableEntity, "Mastodon::ValidationError")
		return
	}
	out := []map[string]any{}
	for _, id := range uniq {
		if st, ok := m.find(id); ok {
			out = append(out, m.statusJSON(st))
		}
	}
	mastodonWriteJSON(w, out)
}

// getStatus is GET /api/v1/statuses/:id; the caller holds m.mu.
func (m *Mastodon) getStatus(w http.ResponseWriter, id string) {
	if !m.readGate(w, "GET /api/v1/statuses/:id") {
		return
	}
	st, ok := m.find(id)
	if !ok {
		mastodonErr(w, http.StatusNotFound, "Record not found")
		return
	}
	mastodonWriteJSON(w, m.statusJSON(st))
}
