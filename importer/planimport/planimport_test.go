package planimport

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/text"
)

type fakeResolver struct{ calls map[string]int }

func (f *fakeResolver) Account(ref string) (AccountRef, bool) {
	f.count("account:" + ref)
	switch ref {
	case "公式X", "1":
		return AccountRef{ID: 1, Network: soroe.NetworkX, Name: "公式X"}, true
	case "insta", "2":
		return AccountRef{ID: 2, Network: soroe.NetworkInstagram, Name: "insta"}, true
	case "bsky":
		return AccountRef{ID: 3, Network: soroe.NetworkBluesky, Name: "bsky"}, true
	}
	return AccountRef{}, false
}

func (f *fakeResolver) Goal(ref string) (int64, bool) {
	f.count("goal:" + ref)
	if ref == "春キャンペーン" || ref == "10" {
		return 10, true
	}
	return 0, false
}

func (f *fakeResolver) Template(ref string) (int64, bool) {
	f.count("template:" + ref)
	if ref == "新商品" || ref == "20" {
		return 20, true
	}
	return 0, false
}

func (f *fakeResolver) count(k string) {
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[k]++
}

var tokyo, _ = time.LoadLocation("Asia/Tokyo")

// now is 2026-11-27 05:00 in Tokyo.
var now = time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC)

func opts() Options {
	return Options{Location: tokyo, Now: now, BlockOnRisk: true, RiskConfig: text.RiskConfig{NGWords: []string{"激安"}}}
}

func utc(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

const goodCSV = "\ufeff日時,アカウント,本文,目標,型,リンク\r\n" +
	"2026-12-01 09:00,公式X,冬のセールのお知らせです。,春キャンペーン,新商品,https://example.jp/sale\r\n" +
	"2026/12/01 9:30,insta,\"一行目\r\n二行目、カンマ,も\"\"引用\"\"も\",,,\r\n" +
	"\r\n" +
	"2026-12-02T10:00:00+09:00,2,火曜日の投稿,10,20,\r\n" +
	"２０２６年１２月３日 ９：１５,bsky,全角の日時,,,http://example.com/a?b=c\r\n" +
	",,,,,\r\n" +
	"2026-12-04T01:00:00Z,1,UTCの時刻,,,\r\n"

var goodRows = []Row{
	{Line: 2, ScheduledAt: utc(2026, 12, 1, 0, 0), AccountID: 1, Network: soroe.NetworkX, Text: "冬のセールのお知らせです。", GoalID: 10, TemplateID: 20, Link: "https://example.jp/sale"},
	{Line: 3, ScheduledAt: utc(2026, 12, 1, 0, 30), AccountID: 2, Network: soroe.NetworkInstagram, Text: "一行目\n二行目、カンマ,も\"引用\"も"},
	{Line: 6, ScheduledAt: utc(2026, 12, 2, 1, 0), AccountID: 2, Network: soroe.NetworkInstagram, Text: "火曜日の投稿", GoalID: 10, TemplateID: 20},
	{Line: 7, ScheduledAt: utc(2026, 12, 3, 0, 15), AccountID: 3, Network: soroe.NetworkBluesky, Text: "全角の日時", Link: "http://example.com/a?b=c"},
	{Line: 9, ScheduledAt: utc(2026, 12, 4, 1, 0), AccountID: 1, Network: soroe.NetworkX, Text: "UTCの時刻"},
}

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(strings.TrimPrefix(s, "\ufeff")))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func utf16le(t *testing.T, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func toTSV(s string) string {
	// goodCSV's only commas outside quotes are separators except inside the
	// quoted cell; rebuild it explicitly.
	return strings.NewReplacer(",", "\t").Replace(strings.Replace(s, "カンマ,も", "カンマ、も", 1))
}

type sheetCell struct {
	ref string
	v   any
}

func buildXLSX(t *testing.T, cells []sheetCell, date1904 bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		v := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &v}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cells {
		if err := f.SetCellValue("Sheet1", c.ref, c.v); err != nil {
			t.Fatal(err)
		}
	}
	// A second sheet that must be ignored.
	if _, err := f.NewSheet("メモ"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellValue("メモ", "A1", "nonsense")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func goodXLSX(t *testing.T, date1904 bool) []byte {
	return buildXLSX(t, []sheetCell{
		{"A1", "Scheduled_At"}, {"B1", "Account"}, {"C1", "Text"}, {"D1", "Goal"}, {"E1", "#メモ"},
		{"A2", "2026-12-01 09:00"}, {"B2", "公式X"}, {"C2", "文字列の日時"}, {"E2", "担当: 田中"},
		// Row 3 is empty; row 4 holds a real date cell (a wall time).
		{"A4", time.Date(2026, 12, 1, 18, 45, 0, 0, time.UTC)}, {"B4", 2}, {"C4", "日付セル\n改行あり"}, {"D4", 10},
		{"A5", time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}, {"B5", "bsky"}, {"C5", "真夜中"},
	}, date1904)
}

var goodXLSXRows = []Row{
	{Line: 2, ScheduledAt: utc(2026, 12, 1, 0, 0), AccountID: 1, Network: soroe.NetworkX, Text: "文字列の日時"},
	{Line: 4, ScheduledAt: utc(2026, 12, 1, 9, 45), AccountID: 2, Network: soroe.NetworkInstagram, Text: "日付セル\n改行あり", GoalID: 10},
	{Line: 5, ScheduledAt: utc(2026, 12, 4, 15, 0), AccountID: 3, Network: soroe.NetworkBluesky, Text: "真夜中"},
}

func TestParseGood(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       []Row
	}{
		{"utf8 bom csv", "plan.csv", []byte(goodCSV), goodRows},
		{"utf8 lf no bom", "plan.csv", []byte(strings.ReplaceAll(strings.TrimPrefix(goodCSV, "\ufeff"), "\r\n", "\n")), goodRows},
		{"shift_jis csv", "plan.csv", sjis(t, goodCSV), goodRows},
		{"tsv", "plan.tsv", []byte(toTSV(goodCSV)), withText(goodRows, 1, "一行目\n二行目、カンマ、も\"引用\"も")},
		{"utf16 tsv", "plan.txt", utf16le(t, toTSV(strings.TrimPrefix(goodCSV, "\ufeff"))), withText(goodRows, 1, "一行目\n二行目、カンマ、も\"引用\"も")},
		{"xlsx", "plan.xlsx", goodXLSX(t, false), goodXLSXRows},
		{"xlsx 1904", "whatever.bin", goodXLSX(t, true), goodXLSXRows},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := Parse(bytes.NewReader(tc.data), tc.file, &fakeResolver{}, opts())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(rows, tc.want) {
				t.Errorf("rows:\n got %+v\nwant %+v", rows, tc.want)
			}
		})
	}
}

func withText(rows []Row, i int, s string) []Row {
	out := append([]Row(nil), rows...)
	out[i].Text = s
	return out
}

func TestZoneAppliesToNaiveTimesOnly(t *testing.T) {
	csv := "scheduled_at,account,text\n2026-12-01 09:00,1,a\n2026-12-01T09:00:00+09:00,1,b\n2026-12-01T09:00:00Z,1,c\n"
	for _, tc := range []struct {
		loc  *time.Location
		want []time.Time
	}{
		{tokyo, []time.Time{utc(2026, 12, 1, 0, 0), utc(2026, 12, 1, 0, 0), utc(2026, 12, 1, 9, 0)}},
		{time.UTC, []time.Time{utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 0, 0), utc(2026, 12, 1, 9, 0)}},
	} {
		o := opts()
		o.Location = tc.loc
		rows, err := Parse(strings.NewReader(csv), "p.csv", &fakeResolver{}, o)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if !r.ScheduledAt.Equal(tc.want[i]) || r.ScheduledAt.Location() != time.UTC {
				t.Errorf("%s row %d: %v, want %v in UTC", tc.loc, i, r.ScheduledAt, tc.want[i])
			}
		}
	}
}

type wantProblem struct {
	line   int
	column string
	key    string
}

func problems(t *testing.T, err error) []wantProblem {
	t.Helper()
	var e *Errors
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *Errors", err, err)
	}
	var out []wantProblem
	for _, p := range e.Problems {
		if p.Message == "" {
			t.Errorf("problem %+v has no message", p)
		}
		out = append(out, wantProblem{p.Line, p.Column, p.Key})
	}
	return out
}

func TestParseErrors(t *testing.T) {
	long := strings.Repeat("あ", 141) // 282 weighted characters on X
	for _, tc := range []struct {
		name, file string
		data       string
		opts       func(*Options)
		want       []wantProblem
	}{
		{"empty", "p.csv", "", nil, []wantProblem{{0, "", KeyEmptyFile}}},
		{"only bom and blank lines", "p.csv", "\ufeff\r\n\r\n", nil, []wantProblem{{0, "", KeyEmptyFile}}},
		{"header only", "p.csv", "scheduled_at,account,text\r\n", nil, []wantProblem{{0, "", KeyNoRows}}},
		{"missing and unknown columns", "p.csv", "日時,本文,メモ,goals,#備考\n2026-12-01 09:00,a,b,c,d\n", nil,
			[]wantProblem{{1, "", KeyUnknownColumn}, {1, "", KeyUnknownColumn}, {1, "account", KeyMissingColumn}}},
		{"duplicate column", "p.csv", "日時,予定日時,account,text\n2026-12-01 09:00,2026-12-01 09:00,1,a\n", nil,
			[]wantProblem{{1, "scheduled_at", KeyDuplicateColumn}}},
		{"headerless column with values", "p.csv", "scheduled_at,account,text,\n2026-12-01 09:00,1,a,x\n", nil,
			[]wantProblem{{1, "", KeyUnknownColumn}}},
		{"extra cells", "p.csv", "scheduled_at,account,text\n2026-12-01 09:00,1,a,x\n", nil,
			[]wantProblem{{2, "", KeyExtraCells}}},
		{"every row kind, multi-line cell shifts lines", "p.csv",
			"scheduled_at,account,text,goal,template,link\n" +
				"2026-12-01 09:00,1,\"三行の\n本文\nです\",,,\n" + // lines 2-4, fine
				"2026-11-01 09:00,1,過去,,,\n" + // line 5
				"2026-12-01,1,日付だけ,,,\n" + // line 6
				"明日,1,読めない,,,\n" + // line 7
				"2026-02-30 09:00,1,ない日,,,\n" + // line 8
				"2026-12-01 09:00,誰か,不明なアカウント,,,\n" + // line 9
				"2026-12-01 09:00,1,,,,\n" + // line 10
				",,本文だけ,,,\n" + // line 11
				"2026-12-01 09:00,1," + long + ",,,\n" + // line 12
				"2026-12-01 09:00,1,\"激安セール\n二行目\",,,\n" + // lines 13-14: NG word
				"2026-12-01 09:00,1,目標違い,秋,型違い,ftp://example.com\n" + // line 15
				"2026-12-01 09:00,1,リンク違い,,,example.com\n" + // line 16
				"2026-12-01 09:00,1,正しい,,,\n", // line 17, fine
			nil,
			[]wantProblem{
				{5, "scheduled_at", KeyTimeInPast},
				{6, "scheduled_at", KeyTimeFormat},
				{7, "scheduled_at", KeyTimeFormat},
				{8, "scheduled_at", KeyTimeFormat},
				{9, "account", KeyUnknownAccount},
				{10, "text", KeyRequired},
				{11, "scheduled_at", KeyRequired},
				{11, "account", KeyRequired},
				{12, "text", "text." + text.ProblemTooLong},
				{13, "text", "risk." + text.RiskNGWord},
				{15, "goal", KeyUnknownGoal},
				{15, "template", KeyUnknownTemplate},
				{15, "link", KeyInvalidLink},
				{16, "link", KeyInvalidLink},
			}},
		{"risk not blocking", "p.csv", "scheduled_at,account,text\n2026-12-01 09:00,1,激安セール\n",
			func(o *Options) { o.BlockOnRisk = false }, nil},
		{"text invalid for network", "p.csv", "scheduled_at,account,text\n2026-12-01 09:00,insta,#a #b #c #d #e #f\n", nil,
			[]wantProblem{{2, "text", "text." + text.ProblemTooManyHashtags}}},
		{"too many rows", "p.csv", "scheduled_at,account,text\n2026-12-01 09:00,1,a\n2026-12-01 09:00,1,b\n2026-12-01 09:00,誰,c\n",
			func(o *Options) { o.MaxRows = 2 }, []wantProblem{{0, "", KeyTooManyRows}}},
		{"too large", "p.csv", "scheduled_at,account,text\n2026-12-01 09:00,1,a\n",
			func(o *Options) { o.MaxBytes = 10 }, []wantProblem{{0, "", KeyFileTooLarge}}},
		{"bare quote, others still checked", "p.csv",
			"scheduled_at,account,text\n2026-12-01 09:00,1,彼は\"すごい\"\n2026-11-01 09:00,1,過去\n", nil,
			[]wantProblem{{2, "", KeySyntax}, {3, "scheduled_at", KeyTimeInPast}}},
		{"not text", "p.csv", "scheduled_at,account,text\n\xff\xfe\xfd\x80\x80\n", nil,
			[]wantProblem{{2, "", KeyEncoding}}},
		{"legacy xls", "plan.xls", "\xD0\xCF\x11\xE0 whatever", nil, []wantProblem{{0, "", KeyUnsupportedFile}}},
		{"broken xlsx", "plan.xlsx", "PK\x03\x04 not really", nil, []wantProblem{{0, "", KeyUnsupportedFile}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			rows, err := Parse(strings.NewReader(tc.data), tc.file, &fakeResolver{}, o)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if len(rows) == 0 || rows[0].Risks == nil {
					t.Errorf("rows %+v: want risks carried on the row", rows)
				}
				return
			}
			if rows != nil {
				t.Errorf("got %d rows with an error; want none", len(rows))
			}
			if got := problems(t, err); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("problems:\n got %v\nwant %v\n(%v)", got, tc.want, err)
			}
		})
	}
}

func TestShiftJISErrorLines(t *testing.T) {
	data := sjis(t, "日時,アカウント,本文\n2026-12-01 09:00,1,\"複数\n行\"\n2026-10-01 09:00,公式X,過去です\n")
	_, err := Parse(bytes.NewReader(data), "p.csv", &fakeResolver{}, opts())
	want := []wantProblem{{4, "scheduled_at", KeyTimeInPast}}
	if got := problems(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAllOrNothing(t *testing.T) {
	var b strings.Builder
	b.WriteString("scheduled_at,account,text\n")
	for i := range 50 {
		fmt.Fprintf(&b, "2026-12-%02d 09:00,1,投稿%d\n", i%28+1, i)
	}
	b.WriteString("2026-12-01 09:00,nobody,最後の行だけ不正\n")
	rows, err := Parse(strings.NewReader(b.String()), "p.csv", &fakeResolver{}, opts())
	if rows != nil {
		t.Fatalf("%d rows returned; want none", len(rows))
	}
	want := []wantProblem{{52, "account", KeyUnknownAccount}}
	if got := problems(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestResolverCalledOncePerRef(t *testing.T) {
	csv := "scheduled_at,account,text,goal\n2026-12-01 09:00,公式X,a,10\n2026-12-02 09:00,公式X,b,10\n2026-12-03 09:00, 公式X ,c,10\n"
	r := &fakeResolver{}
	if _, err := Parse(strings.NewReader(csv), "p.csv", r, opts()); err != nil {
		t.Fatal(err)
	}
	if r.calls["account:公式X"] != 1 || r.calls["goal:10"] != 1 {
		t.Errorf("calls %v", r.calls)
	}
}

func TestXLSXErrors(t *testing.T) {
	data := buildXLSX(t, []sheetCell{
		{"A1", "日時"}, {"B1", "アカウント"}, {"C1", "本文"},
		{"A2", time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}, {"B2", "1"}, {"C2", "過去の日付セル"},
		{"A4", 0.5}, {"B4", "1"}, {"C4", "時刻だけ"},
		{"A5", "2026/12/1 9:00"}, {"B5", "nobody"}, {"C5", "不明"},
		{"A6", "2026/12/1 9:00"}, {"B6", "1"}, {"C6", "正しい"},
	}, false)
	rows, err := Parse(bytes.NewReader(data), "plan.xlsx", &fakeResolver{}, opts())
	if rows != nil {
		t.Errorf("rows %v", rows)
	}
	want := []wantProblem{{2, "scheduled_at", KeyTimeInPast}, {4, "scheduled_at", KeyTimeFormat}, {5, "account", KeyUnknownAccount}}
	if got := problems(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestXLSXEmptyAndHeaderOnly(t *testing.T) {
	_, err := Parse(bytes.NewReader(buildXLSX(t, nil, false)), "p.xlsx", &fakeResolver{}, opts())
	if got := problems(t, err); !reflect.DeepEqual(got, []wantProblem{{0, "", KeyEmptyFile}}) {
		t.Errorf("empty: %v", got)
	}
	data := buildXLSX(t, []sheetCell{{"A1", "scheduled_at"}, {"B1", "account"}, {"C1", "text"}}, false)
	_, err = Parse(bytes.NewReader(data), "p.xlsx", &fakeResolver{}, opts())
	if got := problems(t, err); !reflect.DeepEqual(got, []wantProblem{{0, "", KeyNoRows}}) {
		t.Errorf("header only: %v", got)
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-12-01 09:00", utc(2026, 12, 1, 0, 0), true},
		{"2026/12/1 9:05", utc(2026, 12, 1, 0, 5), true},
		{"2026-12-01T09:00", utc(2026, 12, 1, 0, 0), true},
		{"2026-12-01 09:00:30", utc(2026, 12, 1, 0, 0).Add(30 * time.Second), true},
		{"2026-12-01T09:00:00+0900", utc(2026, 12, 1, 0, 0), true},
		{"2026-12-01T09:00:00-05:00", utc(2026, 12, 1, 14, 0), true},
		{"2026-12-01T09:00:00.123Z", utc(2026, 12, 1, 9, 0), true},
		{"2026年12月1日 9時30分", utc(2026, 12, 1, 0, 30), true},
		{"2026/12/01(火) 9:00", utc(2026, 12, 1, 0, 0), true},
		{"2026-12-01", time.Time{}, false},
		{"2026-13-01 09:00", time.Time{}, false},
		{"2026-12-01 24:00", time.Time{}, false},
		{"2026-12-01 09:00 +2500", time.Time{}, false},
		{"12/01/2026 09:00", time.Time{}, false},
		{"46357.375", time.Time{}, false}, // a number is a serial only in XLSX
	} {
		got, msg := parseTime(tc.in, false, false, tokyo)
		if (msg == "") != tc.ok || (tc.ok && !got.Equal(tc.want)) {
			t.Errorf("parseTime(%q) = %v, %q; want %v ok=%v", tc.in, got, msg, tc.want, tc.ok)
		}
	}
	got, msg := parseTime("46357.375", true, false, tokyo)
	if msg != "" || !got.Equal(utc(2026, 12, 1, 0, 0)) {
		t.Errorf("serial: %v %q", got, msg)
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte(goodCSV))
	f.Add([]byte("scheduled_at\taccount\ttext\n2026-12-01 09:00\t1\t\"a\nb\"\n"))
	f.Add([]byte("日時,アカウント,本文\n\"unterminated"))
	f.Add([]byte("\xef\xbb\xbf,,,\n\x82\xa0,\"\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Parse(bytes.NewReader(data), "f.csv", &fakeResolver{}, opts())
		if err != nil {
			var e *Errors
			if !errors.As(err, &e) || len(e.Problems) == 0 || rows != nil {
				t.Fatalf("err %v (%T) rows %d", err, err, len(rows))
			}
			for _, p := range e.Problems {
				if p.Key == "" || p.Message == "" || p.Line < 0 {
					t.Fatalf("bad problem %+v", p)
				}
			}
			return
		}
		for _, r := range rows {
			if r.Line < 2 || r.AccountID == 0 || r.Text == "" || r.ScheduledAt.Before(now) {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}
