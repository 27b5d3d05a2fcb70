package measure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/importer/metricsimport"
	"github.com/soroe/soroe/store"
)

// ImportResult is what an import of an export file did, or — dry — would
// do: the file's summary as read and what the store made of it.
type ImportResult struct {
	File  *metricsimport.Summary `json:"file"`
	Store *store.ImportSummary   `json:"import"`
}

// ErrNetworkMismatch is a file of one network imported for an account of
// another (an X export for the Instagram account).
const problemNetwork = "account_network"

// Import reads an export file and saves its records in one transaction:
// all or nothing. A file with problems is rejected whole with every
// problem (*metricsimport.Errors, each with its line and column) and
// nothing changes; a store refusal of one row is reported the same way,
// with its line. The same file imported again changes nothing. f is read
// twice (its hash first), so it must be seekable: a file, or an upload
// spooled to disk.
func Import(ctx context.Context, db *store.DB, imp store.MetricImport, f io.ReadSeeker, opt metricsimport.Options) (*ImportResult, error) {
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	imp.SHA256 = hex.EncodeToString(h.Sum(nil))
	var acct *soroe.Account
	if imp.AccountID != 0 {
		a, err := db.Account(ctx, imp.OrgID, imp.AccountID)
		if err != nil {
			return nil, err
		}
		acct = a
	}
	res := &ImportResult{}
	var problems []metricsimport.Problem
	sum, err := db.ImportMetrics(ctx, imp, func(put func(store.ImportRecord) error) error {
		s, err := metricsimport.Scan(f, opt, func(rec metricsimport.Record) error {
			r, line, network, ok := convert(rec)
			if !ok {
				return nil
			}
			if r.Traffic == nil && acct == nil {
				problems = append(problems, metricsimport.Problem{Line: line, Code: "account_required"})
				return errRejected
			}
			if acct != nil && network != "" && network != acct.Network {
				problems = append(problems, metricsimport.Problem{Line: line, Code: problemNetwork,
					Args: map[string]string{"value": string(network), "want": string(acct.Network)}})
				return errRejected
			}
			if err := put(r); err != nil {
				var re *store.RowError
				if errors.As(err, &re) {
					problems = append(problems, metricsimport.Problem{Line: re.Line, Code: "row_" + re.Code,
						Args: map[string]string{"value": soroe.ErrorField(re.Err)}})
					return errRejected
				}
				return err
			}
			return nil
		})
		res.File = s
		if err == nil && s != nil {
			return put(store.ImportRecord{Format: s.Format})
		}
		return err
	})
	if errors.Is(err, errRejected) {
		return res, &metricsimport.Errors{Problems: problems, Total: len(problems)}
	}
	if err != nil {
		return res, err
	}
	res.Store = sum
	return res, nil
}

var errRejected = errors.New("measure: import rejected")

// convert turns a parsed record into the store's, copying what Scan
// reuses.
func convert(rec metricsimport.Record) (r store.ImportRecord, line int, network soroe.Network, ok bool) {
	switch {
	case rec.Post != nil:
		p := rec.Post
		r.Post = &store.ImportPost{Line: p.Line, RemoteID: p.RemoteID, URL: p.URL, Text: p.Text, Kind: p.Kind,
			PublishedAt: p.PublishedAt, Readings: append([]soroe.Reading(nil), p.Readings...)}
		return r, p.Line, p.Network, true
	case rec.Day != nil:
		d := rec.Day
		r.Account = &store.ImportAccountDay{Line: d.Line, Day: d.Day, Followers: d.Followers, Impressions: d.Impressions,
			Engagements: d.Engagements, Follows: d.FollowsGained, Unfollows: d.FollowsLost}
		return r, d.Line, d.Network, true
	case rec.Traffic != nil:
		t := rec.Traffic
		day := t.Day
		if day == "" {
			day = t.From
		}
		to := t.To
		if to == "" {
			to = day
		}
		tr := &store.ImportTraffic{Line: t.Line, Day: day, DayTo: to, Source: t.Source, Medium: t.Medium, Campaign: t.Campaign,
			Content: t.Content, Sessions: deref(t.Sessions), KeyEvents: deref(t.KeyEvents)}
		for _, e := range t.Events {
			if e.Count != nil {
				if tr.Events == nil {
					tr.Events = map[string]int64{}
				}
				tr.Events[e.Name] += *e.Count
			}
		}
		r.Traffic = tr
		return r, t.Line, "", true
	}
	return r, 0, "", false
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// FormatProblem writes one problem as the CLI prints it: FILE:LINE:
// column: message.
func FormatProblem(file string, p metricsimport.Problem, msg string) string {
	loc := file
	if p.Line > 0 {
		loc = fmt.Sprintf("%s:%d", file, p.Line)
	}
	if p.Column != "" {
		return fmt.Sprintf("%s: %s: %s", loc, p.Column, msg)
	}
	return fmt.Sprintf("%s: %s", loc, msg)
}
