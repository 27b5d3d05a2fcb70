package planimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/width"
)

// read turns the file into a table, or adds the problems that stop it from
// being read and returns nil. Its error is only for failing to read r.
func read(r io.Reader, filename string, opts Options, errs *Errors) (*table, error) {
	data, err := io.ReadAll(io.LimitReader(r, opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("plan import: reading %s: %w", filename, err)
	}
	if int64(len(data)) > opts.MaxBytes {
		errs.add(Problem{Key: KeyFileTooLarge, Message: fmt.Sprintf("The file is larger than %d MB.", opts.MaxBytes>>20)})
		return nil, nil
	}
	ext := strings.ToLower(filepath.Ext(filename))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || (len(data) > 0 && (ext == ".xlsx" || ext == ".xlsm")):
		return readXLSX(data, opts, errs), nil
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) || ext == ".xls":
		errs.add(Problem{Key: KeyUnsupportedFile,
			Message: "Old .xls workbooks (and password-protected ones) cannot be read; save the plan as .xlsx or CSV."})
		return nil, nil
	}
	return readDelimited(data, opts, errs), nil
}

// decode returns the file as UTF-8 text.
func decode(data []byte, errs *Errors) (string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			errs.add(Problem{Key: KeyEncoding, Message: "The file is not valid UTF-16."})
			return "", false
		}
		return string(out), true
	}
	if utf8.Valid(data) {
		return string(data), true
	}
	out, err := japanese.ShiftJIS.NewDecoder().Bytes(data)
	s := string(out)
	if i := strings.IndexRune(s, utf8.RuneError); err != nil || i >= 0 {
		line := 0
		if i >= 0 {
			line = 1 + strings.Count(s[:i], "\n")
		}
		errs.add(Problem{Line: line, Key: KeyEncoding,
			Message: "The file is neither UTF-8 nor Shift_JIS text; save it as \"CSV UTF-8\"."})
		return "", false
	}
	return s, true
}

func readDelimited(data []byte, opts Options, errs *Errors) *table {
	s, ok := decode(data, errs)
	if !ok {
		return nil
	}
	first, _, _ := strings.Cut(s, "\n")
	cr := csv.NewReader(strings.NewReader(s))
	if strings.Count(first, "\t") > strings.Count(first, ",") {
		cr.Comma = '\t'
	}
	cr.FieldsPerRecord = -1
	tab := &table{}
	syntax, headerBroken := 0, false
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				errs.add(Problem{Key: KeySyntax, Message: err.Error()})
				return nil
			}
			line := pe.StartLine
			if tab.header == nil && line == 0 {
				line = 1
			}
			msg := "A double quote is out of place; quote the whole cell (\"…\") and double any quote inside it (\"\")."
			errs.add(Problem{Line: line, Key: KeySyntax, Message: msg})
			if syntax++; syntax >= 100 {
				return nil
			}
			if tab.header == nil {
				tab.header = []string{} // the header was unreadable; keep reading rows
				tab.headerLine = line
				headerBroken = true
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		tab.add(line, rec, opts)
	}
	if tab.header == nil {
		errs.add(Problem{Key: KeyEmptyFile, Message: "The file is empty."})
		return nil
	}
	if headerBroken {
		return nil // the other rows' cells cannot be told apart
	}
	return tab
}

// add takes the next non-empty line of the file: the header, then rows.
func (tab *table) add(line int, cells []string, opts Options) {
	if blank(cells) {
		return
	}
	if tab.header == nil {
		tab.header, tab.headerLine = cells, line
		return
	}
	tab.total++
	if opts.MaxRows < 0 || len(tab.records) < opts.MaxRows {
		tab.records = append(tab.records, record{line: line, cells: cells})
	}
}

func readXLSX(data []byte, opts Options, errs *Errors) *table {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		errs.add(Problem{Key: KeyUnsupportedFile, Message: "The file cannot be opened as an .xlsx workbook."})
		return nil
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		errs.add(Problem{Key: KeyEmptyFile, Message: "The file is empty."})
		return nil
	}
	tab := &table{xlsx: true}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		tab.date1904 = *p.Date1904
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		errs.add(Problem{Key: KeyUnsupportedFile, Message: "The first sheet of the workbook cannot be read."})
		return nil
	}
	defer rows.Close()
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			errs.add(Problem{Line: line, Key: KeyUnsupportedFile, Message: "This row of the workbook cannot be read."})
			return nil
		}
		tab.add(line, cells, opts)
	}
	if rows.Error() != nil {
		errs.add(Problem{Key: KeyUnsupportedFile, Message: "The first sheet of the workbook cannot be read."})
		return nil
	}
	if tab.header == nil {
		errs.add(Problem{Key: KeyEmptyFile, Message: "The first sheet is empty."})
		return nil
	}
	return tab
}

// normHeader folds a header cell for matching against aliases.
func normHeader(h string) string {
	h = strings.TrimSpace(strings.ReplaceAll(width.Fold.String(h), "\ufeff", ""))
	h = strings.ToLower(h)
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}
