package report

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/soroe/soroe/chart"
)

func percent(f float64) string {
	return strconv.FormatFloat(math.Round(f*10000)/100, 'f', -1, 64) + "%"
}

// String writes a cell for people and for CSV.
func (c Cell) String() string {
	switch {
	case c.N == nil:
		return c.T
	case c.Pct:
		return percent(*c.N)
	case *c.N == math.Trunc(*c.N):
		return strconv.FormatFloat(*c.N, 'f', 0, 64)
	}
	return strconv.FormatFloat(math.Round(*c.N*10)/10, 'f', -1, 64)
}

// Display writes a cell for people: counts with thousands separators.
func (c Cell) Display() string {
	if c.N != nil && !c.Pct && math.Abs(*c.N) >= 1000 {
		return chart.Thousands(*c.N)
	}
	return c.String()
}

// csvSafe keeps a spreadsheet from reading a text as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// CSV writes every table one after another, each under a line with its
// section and name and followed by an empty line; UTF-8 with the BOM and
// CRLF, as Excel reads it.
func (r *Report) CSV() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write([]string{csvSafe(r.Title), csvSafe(r.PeriodText)})
	_ = w.Write(nil)
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			_ = w.Write([]string{csvSafe(s.Title + " — " + t.Name)})
			_ = w.Write(t.Head)
			for _, row := range t.Rows {
				rec := make([]string, len(row))
				for i, c := range row {
					if c.N != nil {
						rec[i] = c.String()
					} else {
						rec[i] = csvSafe(c.T)
					}
				}
				_ = w.Write(rec)
			}
			_ = w.Write(nil)
		}
	}
	_ = w.Write([]string{csvSafe(r.Labels.Summary)})
	for _, k := range [][2]string{{r.Labels.Keep, r.Summary.Keep}, {r.Labels.Problem, r.Summary.Problem}, {r.Labels.Try, r.Summary.Try}} {
		_ = w.Write([]string{csvSafe(k[0]), csvSafe(k[1])})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// sheetName makes a table's sheet name: at most 31 characters, none of
// []:*?/\, unique in the workbook.
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 28 {
		name = string([]rune(name)[:28])
	}
	out := name
	for i := 2; used[out]; i++ {
		out = name + " " + strconv.Itoa(i)
	}
	used[out] = true
	return out
}

// XLSX writes a workbook: a cover sheet with the 総評, then one sheet per
// table, numbers as numbers and rates as percentages.
func (r *Report) XLSX() ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	used := map[string]bool{}
	cover := sheetName(r.Labels.Summary, used)
	if err := x.SetSheetName("Sheet1", cover); err != nil {
		return nil, err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6F0F5"}}})
	if err != nil {
		return nil, err
	}
	title, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return nil, err
	}
	wrap, err := x.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	pct, err := x.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return nil, err
	}
	set := func(sheet, cell string, v any, style int) error {
		if err := x.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return x.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	if err := set(cover, "A1", r.Title, title); err != nil {
		return nil, err
	}
	if err := set(cover, "A2", r.PeriodText, 0); err != nil {
		return nil, err
	}
	for i, k := range [][2]string{{r.Labels.Keep, r.Summary.Keep}, {r.Labels.Problem, r.Summary.Problem}, {r.Labels.Try, r.Summary.Try}} {
		row := strconv.Itoa(4 + i)
		if err := set(cover, "A"+row, k[0], bold); err != nil {
			return nil, err
		}
		if err := set(cover, "B"+row, k[1], wrap); err != nil {
			return nil, err
		}
	}
	_ = x.SetColWidth(cover, "A", "A", 14)
	_ = x.SetColWidth(cover, "B", "B", 90)
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			name := sheetName(t.Name, used)
			if _, err := x.NewSheet(name); err != nil {
				return nil, err
			}
			for j, h := range t.Head {
				cell, _ := excelize.CoordinatesToCellName(j+1, 1)
				if err := set(name, cell, h, bold); err != nil {
					return nil, err
				}
				wd := 14.0
				if j == 0 {
					wd = 24
				}
				col, _ := excelize.ColumnNumberToName(j + 1)
				_ = x.SetColWidth(name, col, col, wd)
			}
			for i, row := range t.Rows {
				for j, c := range row {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
					var v any = c.T
					style := 0
					switch {
					case c.N != nil && c.Pct:
						v, style = *c.N, pct
					case c.N != nil:
						v = *c.N
					case c.T == "":
						continue
					}
					if err := set(name, cell, v, style); err != nil {
						return nil, err
					}
				}
			}
			_ = x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
