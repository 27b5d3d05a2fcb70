package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/chart"
)

// sample is a small monthly report in Japanese.
func sample() *Report {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 0, 0, 0, 0, time.UTC) }
	score := 0.034
	return &Report{Version: Version, Kind: Monthly, Org: "揃え工務店", Lang: "ja", TimeZone: "Asia/Tokyo", Title: "揃え工務店 月次レポート 2026年11月",
		PeriodText: "2026年11月1日〜2026年11月30日", Period: soroe.Period{Kind: soroe.PeriodLastMonth, From: "2026-11-01", To: "2026-11-30"},
		GeneratedAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Summary:     KPT{Keep: "・採用の型がよく効いた", Problem: "・認知が遅れている", Try: "・18時に投稿する"},
		Labels:      Labels{Summary: "総評", Keep: "Keep（続けること）", Problem: "Problem（課題）", Try: "Try（次に試すこと）", Generated: "作成", Page: "ページ"},
		Sections: []Section{
			{Key: "goal-1", Title: "目標: 採用数アップ", Lead: "2026年11月1日〜2027年3月31日", Items: []string{"応募: 8 / 30（順調）"},
				Chart: &Chart{Kind: "line", Title: "応募の週ごとの推移", Series: []chart.Series{
					{Name: "実績", Points: []chart.Point{{At: day(1), Value: 0}, {At: day(8), Value: 3}, {At: day(15), Value: 8}}},
					{Name: "目標", Target: true, Points: []chart.Point{{At: day(1), Value: 30}, {At: day(15), Value: 30}}}}},
				Tables: []Table{{Name: "KPI", Head: []string{"KPI", "実績", "目標"}, Rows: [][]Cell{{Text("応募"), Num(8), Num(30)}}}}},
			{Key: "networks", Title: "SNSごとの数字", Chart: &Chart{Kind: "bars", Title: "表示回数", Bars: []chart.Bar{{Label: "X", Value: 12400, Note: "+310"}, {Label: "Instagram", Value: 8000}}},
				Tables: []Table{{Name: "SNSごとの数字", Head: []string{"SNS", "表示回数", "エンゲージメント率"}, Rows: [][]Cell{{Text("X"), Num(12400), Rate(&score)}, {Text("=cmd"), Cell{}, Rate(nil)}}}}},
			{Key: "top", Title: "反応のよかった投稿", Items: []string{"95 Instagram — 入社2年目の大工、佐藤の一日"},
				Tables: []Table{{Name: "反応のよかった投稿", Head: []string{"順位", "本文", "工夫メモ"}, Rows: [][]Cell{{Num(1), Text("入社2年目の大工、佐藤の一日。7時半の朝礼から始まり"), Text("仕事終わりの18時に投稿")}}}}},
		}}
}

func TestCSV(t *testing.T) {
	b, err := sample().CSV()
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"\ufeff揃え工務店 月次レポート 2026年11月,2026年11月1日〜2026年11月30日\r\n", "SNSごとの数字 — SNSごとの数字\r\n", "X,12400,3.4%\r\n",
		"'=cmd,,\r\n", "Keep（続けること）,・採用の型がよく効いた\r\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("CSV lacks %q:\n%s", want, s)
		}
	}
}

func TestXLSX(t *testing.T) {
	b, err := sample().XLSX()
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), "|"); got != "総評|KPI|SNSごとの数字|反応のよかった投稿" {
		t.Errorf("sheets %s", got)
	}
	if v, _ := x.GetCellValue("SNSごとの数字", "B2"); v != "12400" {
		t.Errorf("B2 = %q", v)
	}
	if v, _ := x.GetCellValue("SNSごとの数字", "C2"); v != "3.40%" {
		t.Errorf("C2 = %q", v)
	}
	if v, _ := x.GetCellValue("総評", "B6"); v != "・18時に投稿する" {
		t.Errorf("Try = %q", v)
	}
}

// TestPDF: the PDF holds the Japanese headings, the 総評 and a post's text
// as text (pdftotext reads them back).
func TestPDF(t *testing.T) {
	b, err := sample().PDF()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || len(b) > 2<<20 {
		t.Fatalf("not a small PDF: %d bytes, %q", len(b), b[:8])
	}
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("SOROE_TEST_PDFTOTEXT") == "1" {
			t.Fatal("SOROE_TEST_PDFTOTEXT=1 but pdftotext is missing (Debian: poppler-utils)")
		}
		t.Skip("pdftotext is not installed (Debian: poppler-utils); set SOROE_TEST_PDFTOTEXT=1 to require it")
	}
	file := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"揃え工務店月次レポート2026年11月", "総評", "Keep（続けること）", "採用の型がよく効いた", "目標:採用数アップ", "SNSごとの数字",
		"入社2年目の大工、佐藤の一日", "応募の週ごとの推移", "12,400"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, out)
		}
	}
}

// TestPPTX: the deck opens as a zip of well-formed parts, one slide per
// section after the cover, the charts as pictures, the tables editable.
func TestPPTX(t *testing.T) {
	b, err := sample().PPTX()
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(data)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			d := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed: %v", f.Name, err)
				}
			}
		}
	}
	for i := 1; i <= 4; i++ {
		if _, ok := files[fmt.Sprintf("ppt/slides/slide%d.xml", i)]; !ok {
			t.Errorf("no slide %d", i)
		}
	}
	if _, ok := files["ppt/slides/slide5.xml"]; ok {
		t.Error("more slides than cover + sections")
	}
	if !strings.Contains(files["ppt/slides/slide1.xml"], "採用の型がよく効いた") || !strings.Contains(files["ppt/slides/slide3.xml"], "<a:tbl>") ||
		!strings.Contains(files["ppt/slides/slide3.xml"], "12,400") || !strings.Contains(files["ppt/slides/slide4.xml"], "入社2年目の大工") {
		t.Errorf("slides' content: %s", files["ppt/slides/slide3.xml"])
	}
	png := files["ppt/media/chart2.png"]
	if !strings.HasPrefix(png, "\x89PNG") || !strings.Contains(files["ppt/slides/_rels/slide2.xml.rels"], "../media/chart2.png") {
		t.Error("slide 2 has no chart picture")
	}
	if !strings.Contains(files["[Content_Types].xml"], "/ppt/slides/slide4.xml") {
		t.Error("content types lack the slides")
	}
}

func TestHTML(t *testing.T) {
	b, err := sample().HTML()
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`<html lang="ja">`, "<title>揃え工務店 月次レポート 2026年11月</title>", "2026-12-01 09:00 (Asia/Tokyo)", "<svg", "12,400", "=cmd", "Keep（続けること）"} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Contains(s, "<script") {
		t.Error("a script in the report")
	}
}
