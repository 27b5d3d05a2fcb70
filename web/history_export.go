package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// The exports of the post history: the list the page shows under the same
// filter and order, every row (up to exportLimit), as CSV — UTF-8 with a
// byte order mark, so that Excel opens Japanese as Japanese — or as an XLSX
// workbook with numbers as numbers. Headings, states and networks are in
// the reader's language; times in the organization's zone.

// exportCell is one value of a row: text, a count (nil: unknown), or a
// ratio shown as a percentage.
type exportCell struct {
	text  string
	count *int64
	ratio *float64
	isNum bool
}

func textCell(s string) exportCell    { return exportCell{text: s} }
func countCell(v *int64) exportCell   { return exportCell{count: v, isNum: true} }
func intCell(v int64) exportCell      { return exportCell{count: &v, isNum: true} }
func ratioCell(v *float64) exportCell { return exportCell{ratio: v, isNum: true} }
func (c exportCell) empty() bool      { return c.isNum && c.count == nil && c.ratio == nil }

// exportTable is the heading and rows of an export.
type exportTable struct {
	head []string
	rows [][]exportCell
}

// historyExport reads the filter of the request and builds the table; a
// bad filter is answered (400) and reported as nil.
func (s *Server) historyExport(w http.ResponseWriter, r *http.Request) *exportTable {
	ctx, org, l := r.Context(), who(r).Org, lang(r)
	f, err := historyFilter(org.ID, r.URL.Query())
	var posts []*store.AnalyticsPost
	if err == nil {
		posts, _, err = s.allHistory(ctx, f)
	}
	if err != nil {
		if soroe.ErrorCode(err) == soroe.EInvalid {
			s.errorPage(w, r, http.StatusBadRequest, "history.bad_filter")
		} else {
			s.serverError(w, r, err)
		}
		return nil
	}
	names, err := s.historyNames(ctx, org.ID)
	if err != nil {
		s.serverError(w, r, err)
		return nil
	}
	t := &exportTable{}
	for _, k := range []string{"published", "state", "network", "account", "author", "goal", "template", "template_version", "text", "url", "page"} {
		t.head = append(t.head, s.cat.T(l, "history.xcol."+k))
	}
	t.head = append(t.head, s.cat.T(l, "history.xcol.score"))
	for _, m := range soroe.PostMetrics {
		t.head = append(t.head, s.cat.T(l, "metrics.metric."+string(m)))
	}
	for _, k := range []string{"exposure", "exposure_kind", "engagement", "engagement_rate", "rate_per", "comments", "memo"} {
		t.head = append(t.head, s.cat.T(l, "history.xcol."+k))
	}
	rows, err := s.historyRows(ctx, org.ID, names, posts, "")
	if err != nil {
		s.serverError(w, r, err)
		return nil
	}
	for _, row := range rows {
		ver := exportCell{isNum: true}
		if row.TemplateID != 0 {
			ver = intCell(int64(row.TemplateVersion))
		}
		cells := []exportCell{
			textCell(localTime(row.PublishedAt, org)), textCell(s.cat.T(l, "history.state."+row.State)),
			textCell(s.cat.T(l, "templates.network."+string(row.Network))), textCell(row.Account), textCell(row.Author),
			textCell(row.Goal), textCell(row.Template), ver, textCell(row.Text), textCell(row.URL), textCell(s.absURL(r, row.Href)),
			countCell(row.Score),
		}
		for _, m := range soroe.PostMetrics {
			var v *int64
			if row.Metrics != nil {
				if n, ok := row.Metrics.Value(m); ok {
					v = &n
				}
			}
			cells = append(cells, countCell(v))
		}
		kind, per := "", ""
		if row.ExpKind != "" {
			kind = s.cat.T(l, "metrics.metric."+row.ExpKind)
		}
		if row.Rate != nil {
			per = s.cat.T(l, "metrics.per."+row.ExpKind)
		}
		comments := intCell(int64(row.Comments))
		if row.External {
			comments = exportCell{isNum: true}
		}
		cells = append(cells, countCell(row.Exposure), textCell(kind), countCell(row.Engagement), ratioCell(row.Rate), textCell(per), comments, textCell(row.Memo))
		t.rows = append(t.rows, cells)
	}
	return t
}

// exportName is the file name of an export: soroe-history-<local day>.<ext>.
func (s *Server) exportName(r *http.Request, ext string) string {
	return fmt.Sprintf("soroe-history-%s.%s", s.today(who(r).Org), ext)
}

// csvSafe keeps a spreadsheet from reading a text cell as a formula
// (=, +, -, @ and control characters at its start): imported post texts
// are not ours to trust.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Server) historyCSV(w http.ResponseWriter, r *http.Request) {
	if t := s.historyExport(w, r); t != nil {
		s.writeCSV(w, r, s.exportName(r, "csv"), t)
	}
}

// writeCSV answers a table as a CSV download that Excel opens (UTF-8 with
// the BOM, CRLF, no formulas).
func (s *Server) writeCSV(w http.ResponseWriter, r *http.Request, name string, t *exportTable) {
	var b bytes.Buffer
	b.WriteString("\ufeff") // Excel reads UTF-8 only with the BOM
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	_ = cw.Write(t.head)
	for _, row := range t.rows {
		rec := make([]string, len(row))
		for i, c := range row {
			switch {
			case c.empty():
			case c.count != nil:
				rec[i] = strconv.FormatInt(*c.count, 10)
			case c.ratio != nil:
				rec[i] = fmtPercent(*c.ratio)
			default:
				rec[i] = csvSafe(c.text)
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = b.WriteTo(w)
}

func (s *Server) historyXLSX(w http.ResponseWriter, r *http.Request) {
	t := s.historyExport(w, r)
	if t == nil {
		return
	}
	b, err := s.historyWorkbook(lang(r), t)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.exportName(r, "xlsx")+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// historyWorkbook writes the table as one sheet: a bold, frozen heading,
// counts as numbers, rates as percentages.
func (s *Server) historyWorkbook(l string, t *exportTable) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := s.cat.T(l, "history.title")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6F0F5"}}})
	if err != nil {
		return nil, err
	}
	pct, err := x.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	widths := map[int]float64{1: 17, 9: 60, 10: 30, 11: 30}
	for col := 1; col <= len(t.head); col++ {
		wd, ok := widths[col]
		if !ok {
			wd = 12
		}
		if err := sw.SetColWidth(col, col, wd); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	head := make([]any, len(t.head))
	for i, h := range t.head {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	for i, row := range t.rows {
		vals := make([]any, len(row))
		for j, c := range row {
			switch {
			case c.empty():
				vals[j] = nil
			case c.count != nil:
				vals[j] = *c.count
			case c.ratio != nil:
				vals[j] = excelize.Cell{StyleID: pct, Value: *c.ratio}
			default:
				vals[j] = c.text
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
