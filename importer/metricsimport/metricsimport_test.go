package metricsimport

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
)

var update = flag.Bool("update", false, "rewrite docs/samples")

func open(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reading returns the reading of metric m: its value, or -1 when not
// available, and false when absent.
func reading(rs []soroe.Reading, m soroe.PostMetric) (int64, bool) {
	for _, r := range rs {
		if r.Metric == m {
			if r.Value == nil {
				if r.Unavailable != soroe.UnavailableNotGiven {
					panic("unavailable without a reason")
				}
				return -1, true
			}
			return *r.Value, true
		}
	}
	return 0, false
}

func want(t *testing.T, rs []soroe.Reading, m soroe.PostMetric, v int64) {
	t.Helper()
	got, ok := reading(rs, m)
	if !ok {
		t.Errorf("%s: absent, want %d", m, v)
	} else if got != v {
		t.Errorf("%s = %d, want %d", m, got, v)
	}
}

func absent(t *testing.T, rs []soroe.Reading, m soroe.PostMetric) {
	t.Helper()
	if _, ok := reading(rs, m); ok {
		t.Errorf("%s: present, want absent (no column)", m)
	}
}

func jst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, tokyo())
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestFormats(t *testing.T) {
	tests := []struct {
		file, format string
		posts        int
		check        func(t *testing.T, r *Result)
	}{
		{"x_content_en.csv", FormatXContent, 2, func(t *testing.T, r *Result) {
			p := r.Posts[0]
			if p.Line != 2 || p.RemoteID != "2127370791548135107" || p.Network != soroe.NetworkX || !p.TimeFromID {
				t.Errorf("post 0: %+v", p)
			}
			if want := time.UnixMilli(2127370791548135107>>22 + 1288834974657).UTC(); !p.PublishedAt.Equal(want) {
				t.Errorf("time %v, want %v (from the ID)", p.PublishedAt, want)
			}
			if p.Text != "年末のご挨拶\n今年もありがとうございました。" {
				t.Errorf("text %q", p.Text)
			}
			want(t, p.Readings, soroe.PostImpressions, 12400)
			want(t, p.Readings, soroe.PostFollows, 3)
			want(t, p.Readings, soroe.PostProfileClicks, 40)
			want(t, p.Readings, soroe.PostLinkClicks, 55)
			absent(t, p.Readings, soroe.PostViews)
			q := r.Posts[1]
			if q.Line != 4 || q.Text != `ウェビナー, 残り10席 "急いで"` {
				t.Errorf("post 1: line %d text %q", q.Line, q.Text)
			}
			want(t, q.Readings, soroe.PostBookmarks, -1)
			want(t, q.Readings, soroe.PostLinkClicks, -1)
			if q.PublishedAt.Format(time.DateOnly) != "2026-11-26" {
				t.Errorf("post 1 time %v", q.PublishedAt)
			}
		}},
		{"x_content_ja.csv", FormatXContent, 1, func(t *testing.T, r *Result) {
			want(t, r.Posts[0].Readings, soroe.PostImpressions, 3456)
			want(t, r.Posts[0].Readings, soroe.PostShares, 2)
		}},
		{"x_overview.csv", FormatXOverview, 0, func(t *testing.T, r *Result) {
			if len(r.Days) != 2 {
				t.Fatalf("days %d", len(r.Days))
			}
			d := r.Days[0]
			if d.Day != "2026-11-30" || *d.FollowsGained != 48 || *d.FollowsLost != 7 || *d.Impressions != 25310 || *d.Engagements != 1302 || d.Followers != nil {
				t.Errorf("day 0: %+v", d)
			}
			want(t, r.Days[1].Readings, soroe.PostBookmarks, -1)
			want(t, r.Days[1].Readings, soroe.PostVideoViews, -1)
			if r.From.Format(time.DateOnly) != "2026-11-29" || r.To.Format(time.DateOnly) != "2026-11-30" {
				t.Errorf("period %v – %v", r.From, r.To)
			}
		}},
		{"x_legacy_en.csv", FormatXLegacy, 1, func(t *testing.T, r *Result) {
			p := r.Posts[0]
			if !p.PublishedAt.Equal(time.Date(2015, 9, 30, 18, 42, 0, 0, time.UTC)) || p.TimeFromID {
				t.Errorf("time %v", p.PublishedAt)
			}
			want(t, p.Readings, soroe.PostImpressions, 424)
			want(t, p.Readings, soroe.PostLikes, 2) // "favorites"
			want(t, p.Readings, soroe.PostReplies, 1)
		}},
		{"x_legacy_ja.csv", FormatXLegacy, 1, func(t *testing.T, r *Result) {
			want(t, r.Posts[0].Readings, soroe.PostLikes, 30)
			want(t, r.Posts[0].Readings, soroe.PostReposts, 6)
			want(t, r.Posts[0].Readings, soroe.PostFollows, 1)
		}},
		{"meta_ig_en.csv", FormatMeta, 2, func(t *testing.T, r *Result) {
			p := r.Posts[0]
			if p.Network != soroe.NetworkInstagram || p.Kind != KindCarousel || p.Account != "soroe_demo" || p.URL != "https://www.instagram.com/p/Cx1AbCdEf/" {
				t.Errorf("post 0: %+v", p)
			}
			if !p.PublishedAt.Equal(jst("2026-11-30 20:54")) {
				t.Errorf("time %v, want 20:54 JST", p.PublishedAt)
			}
			if !strings.Contains(p.Text, "\n#プレゼント企画") {
				t.Errorf("caption %q", p.Text)
			}
			want(t, p.Readings, soroe.PostViews, 12400)
			want(t, p.Readings, soroe.PostReach, 8680)
			want(t, p.Readings, soroe.PostSaves, 1002)
			want(t, p.Readings, soroe.PostReplies, 33)
			absent(t, p.Readings, soroe.PostImpressions)
			q := r.Posts[1]
			if q.Line != 5 || q.Kind != KindReel {
				t.Errorf("post 1: line %d kind %q", q.Line, q.Kind)
			}
			want(t, q.Readings, soroe.PostShares, -1)
			want(t, q.Readings, soroe.PostLikes, 2101)
			if r.Kinds[KindReel] != 1 || r.Kinds[KindCarousel] != 1 {
				t.Errorf("kinds %v", r.Kinds)
			}
		}},
		{"meta_ig_ja.csv", FormatMeta, 1, func(t *testing.T, r *Result) {
			p := r.Posts[0]
			if p.Kind != KindReel || p.Network != soroe.NetworkInstagram {
				t.Errorf("%+v", p)
			}
			want(t, p.Readings, soroe.PostViews, 5310)
			want(t, p.Readings, soroe.PostSaves, -1)
		}},
		{"meta_fb.csv", FormatMeta, 1, func(t *testing.T, r *Result) {
			p := r.Posts[0]
			if p.Network != soroe.NetworkFacebook || p.Kind != KindImage || p.RemoteID != "123456789012345_987654321098765" {
				t.Errorf("%+v", p)
			}
			want(t, p.Readings, soroe.PostLikes, 35) // reactions
			want(t, p.Readings, soroe.PostViews, 1204)
		}},
		{"ga4_source_medium.csv", FormatGA4, 0, func(t *testing.T, r *Result) {
			if len(r.Traffic) != 2 {
				t.Fatalf("traffic %+v", r.Traffic)
			}
			x := r.Traffic[0]
			if x.Line != 12 || x.Source != "x" || x.Medium != "social" || x.Campaign != "2026-12-webinar" || x.Content != "post-123" ||
				*x.Sessions != 410 || *x.KeyEvents != 12 || x.Day != "" || x.From != "2026-11-01" || x.To != "2026-11-30" {
				t.Errorf("row 0: %+v", x)
			}
			if r.Rows != 2 {
				t.Errorf("rows %d (the grand total and the second section are not rows)", r.Rows)
			}
		}},
		{"ga4_daily_ja.csv", FormatGA4, 0, func(t *testing.T, r *Result) {
			x := r.Traffic[0]
			if x.Day != "2026-11-01" || x.Source != "instagram" || *x.Sessions != 52 || len(x.Events) != 1 ||
				x.Events[0].Name != "generate_lead" || *x.Events[0].Count != 2 {
				t.Errorf("row 0: %+v", x)
			}
		}},
		{"generic.csv", FormatGeneric, 2, func(t *testing.T, r *Result) {
			p := r.Posts[0]
			if p.Network != soroe.NetworkBluesky || p.Kind != KindText || !p.PublishedAt.Equal(jst("2026-11-30 09:00")) {
				t.Errorf("%+v", p)
			}
			want(t, p.Readings, soroe.PostImpressions, -1)
			want(t, p.Readings, soroe.PostSaves, -1)
			want(t, p.Readings, soroe.PostLinkClicks, 7)
			q := r.Posts[1]
			if q.RemoteID != "" || q.Network != soroe.NetworkLinkedIn || !q.PublishedAt.Equal(jst("2026-11-29 10:00")) {
				t.Errorf("%+v", q)
			}
			want(t, q.Readings, soroe.PostImpressions, 2300)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			for _, format := range []string{"", tt.format} {
				res, err := Parse(bytes.NewReader(open(t, tt.file)), Options{Format: format})
				if err != nil {
					t.Fatalf("format %q: %v", format, err)
				}
				if res.Format != tt.format || len(res.Posts) != tt.posts || res.Posts != nil && res.Summary.Posts != tt.posts {
					t.Fatalf("format %q: detected %s with %d posts, want %s with %d", format, res.Format, len(res.Posts), tt.format, tt.posts)
				}
				tt.check(t, res)
			}
		})
	}
}

func TestEncodings(t *testing.T) {
	ja := open(t, "x_content_ja.csv")
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes(ja)
	if err != nil {
		t.Fatal(err)
	}
	tsv := []byte(strings.ReplaceAll(string(open(t, "generic.csv")), ",", "\t"))
	tsv = bytes.Replace(tsv, []byte("冬のお知らせ\t 第1弾"), []byte("冬のお知らせ, 第1弾"), 1)
	tsv = bytes.Replace(tsv, []byte("\"2\t300\""), []byte("2300"), 1)
	le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(tsv)
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes(tsv)
	for _, tt := range []struct {
		name, enc, format string
		data              []byte
	}{
		{"shift_jis", "shift_jis", FormatXContent, sjis},
		{"utf-8 bom", "utf-8", FormatMeta, open(t, "meta_ig_en.csv")},
		{"utf-16le tab", "utf-16le", FormatGeneric, le},
		{"utf-16be tab", "utf-16be", FormatGeneric, be},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parse(bytes.NewReader(tt.data), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Encoding != tt.enc || res.Format != tt.format || len(res.Posts) == 0 {
				t.Fatalf("%s %s %d posts", res.Encoding, res.Format, len(res.Posts))
			}
			switch tt.format {
			case FormatXContent:
				if res.Posts[0].Text != "新商品「そろえノート」発売しました！" {
					t.Errorf("text %q", res.Posts[0].Text)
				}
			case FormatGeneric:
				if res.Posts[0].Text != "冬のお知らせ, 第1弾" {
					t.Errorf("text %q", res.Posts[0].Text)
				}
				want(t, res.Posts[1].Readings, soroe.PostImpressions, 2300)
			}
		})
	}
	t.Run("neither", func(t *testing.T) {
		// valid Shift_JIS start, then bytes that are not Shift_JIS on line 3
		data := append(append([]byte{}, sjis...), []byte("21,\"Mon, Nov 30, 2026\",\x81\x7f\xa0\n")...)
		_, err := Parse(bytes.NewReader(data), Options{})
		var e *Errors
		if !errors.As(err, &e) || !e.Has(ProblemEncoding) || e.Problems[0].Line != 3 {
			t.Fatalf("%v", err)
		}
	})
}

func TestProblems(t *testing.T) {
	type pr struct {
		line   int
		column string
		code   string
	}
	tests := []struct {
		name   string
		data   []byte
		format string
		want   []pr
	}{
		{"rows", open(t, "generic_bad.csv"), "", []pr{
			{4, "impressions", ProblemNumber}, // the record starts on line 2, the cell is on line 4
			{5, "published_at", ProblemTime},
			{5, "likes", ProblemNegative},
			{6, "", ProblemNoID},
			{7, "", ProblemSyntax},
		}},
		{"unknown", open(t, "unknown.csv"), "", []pr{{1, "", ProblemUnknownFormat}}},
		{"wrong format", open(t, "meta_ig_en.csv"), FormatXLegacy, []pr{{1, "", ProblemWrongFormat}}},
		{"bad format name", open(t, "meta_ig_en.csv"), "instagram", []pr{{0, "", ProblemBadFormatName}}},
		{"empty", nil, "", []pr{{0, "", ProblemEmpty}}},
		{"header only", []byte("post_id,likes\n"), "", []pr{{0, "", ProblemNoRows}}},
		{"generic unknown column", []byte("post_id,likez,#note\n1,2,x\n"), "", []pr{{1, "likez", ProblemUnknownColumn}}},
		{"x id", []byte("Post id,Date,Impressions\nabc,\"Mon, Nov 30, 2026\",1\n"), "", []pr{{2, "Post id", ProblemBadID}}},
		{"x no time", []byte("Post id,Date,Impressions\n12,,1\n"), "", []pr{{2, "Date", ProblemNoTime}}},
		{"extra cells", []byte("post_id,likes\n1,2,3\n"), "", []pr{{2, "", ProblemExtraCells}}},
		{"short row", []byte("post_id,likes,published_at\n1\n"), "", []pr{{2, "", ProblemShortRow}}},
		{"ga4 no period", []byte("Session source / medium,Sessions\nx / social,3\n"), "", []pr{{0, "", ProblemNoPeriod}}},
		{"preamble lines", []byte("# Start date: 20261101\n# End date: 20261130\n\nSession source / medium,Sessions\nx / social,3.5\n"), "",
			[]pr{{5, "Sessions", ProblemNumber}}},
		{"network", []byte("post_id,network\n1,myspace\n"), "", []pr{{2, "network", ProblemNetwork}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			_, err := Scan(bytes.NewReader(tt.data), Options{Format: tt.format}, func(Record) error { calls++; return nil })
			var e *Errors
			if !errors.As(err, &e) {
				t.Fatalf("err %v, want *Errors", err)
			}
			var got []pr
			for _, p := range e.Problems {
				got = append(got, pr{p.Line, p.Column, p.Code})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("problems %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("problem %d: %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestUnknownNamesColumns(t *testing.T) {
	_, err := Parse(bytes.NewReader(open(t, "unknown.csv")), Options{})
	e := err.(*Errors)
	cat := i18n.Default()
	msg := e.Problems[0].Message(cat, "en")
	for _, s := range []string{"foo, bar, baz", "x-content", "ga4", "generic"} {
		if !strings.Contains(msg, s) {
			t.Errorf("%q lacks %q", msg, s)
		}
	}
	if ja := e.Problems[0].Message(cat, "ja"); !strings.Contains(ja, "形式") {
		t.Errorf("ja: %q", ja)
	}
}

func TestMaxProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("post_id,likes\n")
	for range 150 {
		b.WriteString("1,x\n")
	}
	_, err := Parse(strings.NewReader(b.String()), Options{})
	e := err.(*Errors)
	if e.Total != 150 || len(e.Problems) != DefaultMaxProblems+1 {
		t.Fatalf("total %d listed %d", e.Total, len(e.Problems))
	}
	last := e.Problems[len(e.Problems)-1]
	if last.Code != ProblemMore || last.Message(i18n.Default(), "en") != "50 more problems." {
		t.Errorf("%+v: %q", last, last.Message(i18n.Default(), "en"))
	}
}

func TestMessages(t *testing.T) {
	cat := i18n.Default()
	codes := []string{ProblemEmpty, ProblemNoRows, ProblemUnknownFormat, ProblemWrongFormat, ProblemBadFormatName,
		ProblemUnknownColumn, ProblemDuplicate, ProblemEncoding, ProblemSyntax, ProblemShortRow, ProblemExtraCells, ProblemNumber,
		ProblemNegative, ProblemTime, ProblemRequired, ProblemNoID, ProblemBadID, ProblemNoTime, ProblemNoPeriod, ProblemNetwork, ProblemMore}
	for _, code := range codes {
		p := Problem{Line: 3, Column: "likes", Code: code, Args: map[string]string{"value": "abc", "count": "2", "want": "3", "got": "1",
			"columns": "a, b", "formats": "ga4, meta", "format": "meta", "detected": "ga4"}}
		for _, l := range i18n.Langs {
			if !cat.Has(l, p.Key()) {
				t.Errorf("%s: no %s message", p.Key(), l)
			}
			if m := p.Message(cat, l); m == p.Key() || strings.Contains(m, "<no value>") {
				t.Errorf("%s in %s: %q", code, l, m)
			}
		}
	}
}

func TestScanStopsOnError(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := Scan(bytes.NewReader(open(t, "meta_ig_en.csv")), Options{}, func(Record) error { n++; return stop })
	if err != stop || n != 1 {
		t.Fatalf("err %v after %d calls", err, n)
	}
}

func TestSnowflake(t *testing.T) {
	at, ok := SnowflakeTime("1212092628029698048")
	if !ok || at.Truncate(time.Second).Format(time.RFC3339) != "2019-12-31T19:26:16Z" {
		t.Fatalf("%v %v", at, ok)
	}
	if _, ok := SnowflakeTime("12345"); ok {
		t.Error("a pre-snowflake ID has a time")
	}
}

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		in  string
		v   int64
		ok  bool
		neg bool
	}{
		{"424", 424, true, false}, {"424.0", 424, true, false}, {"12,400", 12400, true, false}, {"1,234,567", 1234567, true, false},
		{"１２３", 123, true, false}, {"-3", -3, true, true}, {"12,40", 0, false, false}, {"1,2345", 0, false, false},
		{"4.5", 0, false, false}, {"abc", 0, false, false}, {"1e3", 1000, true, false}, {"NaN", 0, false, false},
	} {
		v, ok, neg := parseCount(tt.in)
		if v != tt.v || ok != tt.ok || neg != tt.neg {
			t.Errorf("%q: %d %v %v", tt.in, v, ok, neg)
		}
	}
}

// TestSamples checks docs/samples (go test -run TestSamples -update writes them).
func TestSamples(t *testing.T) {
	samples := map[string]string{
		"x-content.csv": "x-content:ja", "x-overview.csv": FormatXOverview, "x-legacy.csv": "x-legacy:ja",
		"meta.csv": "meta:ja", "ga4.csv": FormatGA4, "generic.csv": FormatGeneric,
	}
	dir := filepath.Join("..", "..", "docs", "samples")
	for file, format := range samples {
		path := filepath.Join(dir, file)
		if *update {
			var b bytes.Buffer
			if err := WriteSample(&b, format, 12, 2026); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Parse(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		base, _, _ := strings.Cut(format, ":")
		if res.Format != base || res.Rows != 12 {
			t.Errorf("%s: %s with %d rows", file, res.Format, res.Rows)
		}
	}
}

func TestWriteSampleDeterministic(t *testing.T) {
	for _, f := range Formats {
		var a, b bytes.Buffer
		if err := WriteSample(&a, f, 50, 7); err != nil {
			t.Fatal(err)
		}
		_ = WriteSample(&b, f, 50, 7)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two runs differ", f)
		}
		res, err := Parse(&a, Options{})
		if err != nil || res.Format != f || res.Rows != 50 {
			t.Errorf("%s: %v %+v", f, err, res)
		}
	}
	if WriteSample(&bytes.Buffer{}, "tiktok", 1, 1) == nil {
		t.Error("an unknown format was written")
	}
}

func TestGA4ChannelGroupConversions(t *testing.T) {
	data := "# Start date: 20240101\n# End date: 20240131\nSession primary channel group (Default Channel Group),Users,Sessions,Conversions,Conversions (purchase)\n" +
		"Organic Social,10,\"1,200\",7,2\nDirect,5,300,-,\n"
	res, err := Parse(strings.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Traffic) != 2 {
		t.Fatalf("%+v", res.Traffic)
	}
	a, b := res.Traffic[0], res.Traffic[1]
	if a.Line != 4 || a.Channel != "Organic Social" || *a.Sessions != 1200 || *a.KeyEvents != 7 || a.Events[0].Name != "purchase" || *a.Events[0].Count != 2 ||
		a.From != "2024-01-01" || a.To != "2024-01-31" {
		t.Errorf("%+v", a)
	}
	if b.KeyEvents != nil || b.Events[0].Count != nil {
		t.Errorf("unavailable key events read as %v %v", b.KeyEvents, b.Events[0].Count)
	}
	if res.From.Format(time.DateOnly) != "2024-01-01" || res.To.Format(time.DateOnly) != "2024-01-31" {
		t.Errorf("period %v %v", res.From, res.To)
	}
}

func TestNoRecordsAfterAProblem(t *testing.T) {
	data := "post_id,published_at,likes\n1,2026-11-30 09:00,1\n2,2026-11-30 09:00,x\n3,2026-11-30 09:00,3\n"
	var ids []string
	sum, err := Scan(strings.NewReader(data), Options{}, func(r Record) error { ids = append(ids, r.Post.RemoteID); return nil })
	var e *Errors
	if !errors.As(err, &e) || len(ids) != 1 || ids[0] != "1" || sum.Rows != 3 || sum.Posts != 2 {
		t.Fatalf("err %v ids %v summary %+v", err, ids, sum)
	}
}

func TestGenericDays(t *testing.T) {
	data := "date,network,followers,follows_gained,follows_lost\n2026-11-29,instagram,\"12,001\",40,3\n2026/11/30,instagram,12038,-,\n"
	for _, format := range []string{"", FormatGeneric} {
		res, err := Parse(strings.NewReader(data), Options{Format: format})
		if err != nil {
			t.Fatal(err)
		}
		if res.Format != FormatGeneric || len(res.Days) != 2 {
			t.Fatalf("%s %+v", res.Format, res.Days)
		}
		d := res.Days[1]
		if d.Day != "2026-11-30" || d.Network != soroe.NetworkInstagram || *d.Followers != 12038 || d.FollowsGained != nil || d.FollowsLost != nil {
			t.Errorf("%+v", d)
		}
		if *res.Days[0].Followers != 12001 {
			t.Errorf("%+v", res.Days[0])
		}
	}
	// X's overview is not taken for a followers sheet.
	res, err := Parse(strings.NewReader("date,followers\n2026-11-30,5\n"), Options{})
	if err != nil || res.Format != FormatGeneric || res.Days[0].Network != "" {
		t.Fatalf("%v %+v", err, res)
	}
}
