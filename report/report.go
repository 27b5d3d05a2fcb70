// Package report holds Soroe's periodic reports (月次レポート・週次レポート)
// as stored snapshots — a report reads the same next year, whatever the
// numbers do after — and writes them as CSV, XLSX, PDF and PPTX. A report
// is a list of sections (purpose and KPIs, networks, trends, top and
// bottom posts, 型, cadence, team, insights, actions, 総評), each with
// its text, an optional chart and tables; every format renders the same
// sections.
package report

import (
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/chart"
)

// Kinds of report.
const (
	Monthly = "monthly"
	Weekly  = "weekly"
	Custom  = "custom"
)

// Version of the snapshot's layout.
const Version = 1

// Report is one report's snapshot, in its organization's language.
type Report struct {
	Version     int          `json:"version"`
	Kind        string       `json:"kind"`
	Org         string       `json:"org"`
	Lang        string       `json:"lang"`
	TimeZone    string       `json:"time_zone"`
	Title       string       `json:"title"`
	PeriodText  string       `json:"period_text"` // the period as people write it
	Period      soroe.Period `json:"period"`
	Previous    soroe.Period `json:"previous"`
	GeneratedAt time.Time    `json:"generated_at"`
	Sections    []Section    `json:"sections"`
	// Summary is the 総評 (KPT) a manager writes before sending; Labels
	// name its parts in the report's language.
	Summary KPT    `json:"summary"`
	Labels  Labels `json:"labels"`
}

// KPT is the 総評: Keep, Problem, Try.
type KPT struct {
	Keep    string `json:"keep"`
	Problem string `json:"problem"`
	Try     string `json:"try"`
}

// Labels are the words the renderers need, in the report's language.
type Labels struct {
	Summary, Keep, Problem, Try, Generated, Page string
}

// Section is one part of a report: one slide of the deck, one or more
// sheets of the workbook.
type Section struct {
	Key    string   `json:"key"`
	Title  string   `json:"title"`
	Lead   string   `json:"lead,omitempty"`
	Items  []string `json:"items,omitempty"` // bullet points
	Chart  *Chart   `json:"chart,omitempty"`
	Tables []Table  `json:"tables,omitempty"`
}

// Table is a table of a section.
type Table struct {
	Name string   `json:"name"`
	Head []string `json:"head"`
	Rows [][]Cell `json:"rows"`
}

// Cell is text, or a number (a ratio shown as a percentage when Pct).
type Cell struct {
	T   string   `json:"t,omitempty"`
	N   *float64 `json:"n,omitempty"`
	Pct bool     `json:"pct,omitempty"`
}

// Text is a text cell, Num a number, Rate a ratio; Opt a count that may
// be unknown.
func Text(s string) Cell   { return Cell{T: s} }
func Num(f float64) Cell   { return Cell{N: &f} }
func Rate(r *float64) Cell { return Cell{N: r, Pct: true} }
func Opt(v *int64) Cell {
	if v == nil {
		return Cell{}
	}
	return Num(float64(*v))
}

// Chart is a chart of a section, kept as data: the web page draws it as
// SVG with package chart, the PDF and the deck draw the same.
type Chart struct {
	Kind    string         `json:"kind"` // line or bars
	Title   string         `json:"title"`
	Desc    string         `json:"desc"`
	Percent bool           `json:"percent,omitempty"` // values are ratios
	Series  []chart.Series `json:"series,omitempty"`
	Bars    []chart.Bar    `json:"bars,omitempty"`
}

// SVG draws the chart.
func (c *Chart) SVG() string {
	format := chart.Thousands
	if c.Percent {
		format = percent
	}
	if c.Kind == "bars" {
		return chart.Bars{Title: c.Title, Desc: c.Desc, Bars: c.Bars, Format: format}.SVG()
	}
	return chart.Line{Title: c.Title, Desc: c.Desc, Series: c.Series, Height: 240, Format: format}.SVG()
}
