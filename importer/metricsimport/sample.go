package metricsimport

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// sampleEnd is the newest time in generated files.
var sampleEnd = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

var sampleTexts = []string{
	"新商品「そろえノート」発売しました！詳しくはプロフィールのリンクから。",
	"今週のウェビナー、残り10席です。申し込みはこちら→",
	"【お知らせ】年末年始の営業時間について",
	"社員インタビュー第3回：企画部の佐藤さんに聞きました、チームづくりのコツ",
	"資料DLありがとうございます。感想は #そろえ で教えてください",
	"Thanks for 10,000 followers! いつも応援ありがとうございます",
	"朝の一杯、\"いつもの\"コーヒーで始めましょう",
	"キャンペーン実施中\n・期間：12月1日〜15日\n・賞品：オリジナルマグ\n#プレゼント企画",
}

// WriteSample writes a realistic file of rows invented rows in format (one
// of Formats; "x-content:ja", "x-legacy:ja" and "meta:ja" write Japanese
// headers). The same seed writes the same file. It is for documentation
// samples, tests and benchmarks (the 1,000,000-row import).
func WriteSample(w io.Writer, format string, rows int, seed int64) error {
	name, lang, _ := strings.Cut(format, ":")
	ja := lang == "ja"
	rng := rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5eed))
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	num := func(max int) string { return strconv.Itoa(rng.IntN(max)) }
	text := func() string { return sampleTexts[rng.IntN(len(sampleTexts))] }
	at := sampleEnd
	next := func() time.Time { // newest first, a post every few minutes
		at = at.Add(-time.Duration(10+rng.IntN(300)) * time.Second)
		return at
	}
	snowflake := func(t time.Time) string {
		return strconv.FormatUint(uint64(t.UnixMilli()-snowflakeEpoch)<<22|uint64(rng.IntN(1<<22)), 10)
	}
	var err error
	write := func(rec ...string) {
		if err == nil {
			err = cw.Write(rec)
		}
	}
	switch name {
	case FormatXContent:
		if ja {
			write("ポストID", "日付", "ポスト本文", "ポストのリンク", "インプレッション数", "いいね", "エンゲージメント", "ブックマーク", "共有された回数",
				"新しいフォロー", "返信", "リポスト", "プロフィールへのアクセス数", "詳細のクリック数", "URLのクリック数", "ハッシュタグのクリック数", "パーマリンクのクリック数")
		} else {
			write("Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares",
				"New follows", "Replies", "Reposts", "Profile visits", "Detail Expands", "URL Clicks", "Hashtag Clicks", "Permalink Clicks")
		}
		for range rows {
			t := next()
			id := snowflake(t)
			imp := 200 + rng.IntN(20000)
			write(id, t.Format("Mon, Jan 2, 2006"), text(), "https://x.com/soroe_demo/status/"+id, strconv.Itoa(imp), num(imp/20+1),
				num(imp/10+1), num(30), num(10), num(5), num(20), num(40), num(60), num(80), num(50), num(10), num(10))
		}
	case FormatXOverview:
		write("Date", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares", "New follows", "Unfollows", "Replies", "Reposts",
			"Profile visits", "Create Post", "Video views", "Media views")
		for i := range rows {
			d := sampleEnd.AddDate(0, 0, -(i % 3650))
			imp := 1000 + rng.IntN(50000)
			write(d.Format("Mon, Jan 2, 2006"), strconv.Itoa(imp), num(imp/20+1), num(imp/10+1), num(40), num(20), num(60), num(15),
				num(30), num(50), num(200), num(5), num(3000), num(5000))
		}
	case FormatXLegacy:
		en := []string{"Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate", "retweets", "replies", "likes",
			"user profile clicks", "url clicks", "hashtag clicks", "detail expands", "permalink clicks", "app opens", "app installs", "follows",
			"email tweet", "dial phone", "media views", "media engagements", "promoted impressions", "promoted engagements"}
		jah := []string{"ツイートID", "ツイートの固定リンク", "ツイート本文", "時間", "インプレッション", "エンゲージメント", "エンゲージメント率", "リツイート", "返信", "いいね",
			"ユーザープロフィールクリック", "URLクリック数", "ハッシュタグクリック", "詳細クリック", "固定リンクのクリック数", "アプリ表示", "アプリインストール", "フォローしている",
			"ツイートをメール送信", "ダイアル式電話", "メディアの再生数", "メディアのエンゲージメント数", "プロモのインプレッション", "プロモのエンゲージメント"}
		if ja {
			write(jah...)
		} else {
			write(en...)
		}
		for range rows {
			t := next().Truncate(time.Minute)
			id := snowflake(t)
			imp := 100 + rng.IntN(9000)
			eng := rng.IntN(imp/10 + 1)
			write(id, "https://twitter.com/soroe_demo/status/"+id, text(), t.Format("2006-01-02 15:04 -0700"), strconv.Itoa(imp)+".0",
				strconv.Itoa(eng)+".0", strconv.FormatFloat(float64(eng)/float64(imp), 'g', -1, 64), num(30)+".0", num(10)+".0", num(100)+".0",
				num(40)+".0", num(20)+".0", num(5)+".0", num(50)+".0", num(5)+".0", "0", "0", num(3)+".0", "0", "0", num(300)+".0", num(30)+".0", "-", "-")
		}
	case FormatMeta:
		if _, err := bw.WriteString("\ufeff"); err != nil {
			return err
		}
		if ja {
			write("投稿ID", "アカウントID", "アカウントのユーザーネーム", "アカウント名", "説明", "時間(秒)", "公開時間", "リンク", "投稿タイプ", "データコメント",
				"日時", "ビュー", "リーチ", "いいね！の数", "シェア数", "フォロー数", "コメント数", "保存数")
		} else {
			write("Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)", "Publish time", "Permalink",
				"Post type", "Data comment", "Date", "Views", "Reach", "Likes", "Shares", "Follows", "Comments", "Saves")
		}
		types := []string{"IG image", "IG reel", "IG carousel"}
		if ja {
			types = []string{"IG画像", "IGリール動画", "IGカルーセル"}
		}
		lifetime := "Lifetime"
		if ja {
			lifetime = "通算"
		}
		grouped := func(n int) string {
			s := strconv.Itoa(n)
			for i := len(s) - 3; i > 0; i -= 3 {
				s = s[:i] + "," + s[i:]
			}
			return s
		}
		for range rows {
			t := next().In(tokyo())
			kind := rng.IntN(len(types))
			dur := "0"
			if kind == 1 {
				dur = num(90)
			}
			views := 300 + rng.IntN(40000)
			id := strconv.FormatInt(17900000000000000+rng.Int64N(100000000000000), 10)
			write(id, "17841400000000001", "soroe_demo", "そろえ公式", text(), dur, t.Format("01/02/2006 15:04"),
				"https://www.instagram.com/p/"+strconv.FormatInt(rng.Int64N(1<<40), 36)+"/", types[kind], "", lifetime,
				grouped(views), grouped(views*7/10), grouped(rng.IntN(views/15+1)), num(50), num(20), num(40), num(90))
		}
	case FormatGA4:
		var b strings.Builder
		end := sampleEnd
		start := end.AddDate(0, 0, -(rows/6 + 1))
		fmt.Fprintf(&b, "# ----------------------------------------\n# Traffic acquisition: Session source / medium\n# Account: そろえ株式会社\n# Property: soroe.example - GA4\n# ----------------------------------------\n#\n# All Users\n# Start date: %s\n# End date: %s\n",
			start.Format("20060102"), end.Format("20060102"))
		cw.Flush()
		if _, err := bw.WriteString(b.String()); err != nil {
			return err
		}
		write("Date", "Session source / medium", "Session campaign", "Session manual ad content", "Users", "Sessions", "Engaged sessions",
			"Engagement rate", "Key events", "Key events (generate_lead)", "Total revenue")
		srcs := []string{"x / social", "instagram / social", "facebook / social", "t.co / referral", "l.instagram.com / referral", "google / organic", "(direct) / (none)"}
		camps := []string{"2026-12-webinar", "winter-campaign", "(not set)", "(organic)"}
		for i := range rows {
			d := end.AddDate(0, 0, -(i / 6))
			sess := 1 + rng.IntN(800)
			ke := rng.IntN(sess/20 + 1)
			content := "(not set)"
			if i%3 == 0 {
				content = "post-" + strconv.Itoa(100+rng.IntN(900))
			}
			write(d.Format("20060102"), srcs[rng.IntN(len(srcs))], camps[rng.IntN(len(camps))], content, strconv.Itoa(sess*9/10+1),
				strconv.Itoa(sess), strconv.Itoa(sess*6/10), "0.6", strconv.Itoa(ke), strconv.Itoa(ke/2), "0")
		}
	case FormatGeneric:
		write("post_id", "url", "published_at", "network", "kind", "text", "impressions", "likes", "replies", "reposts", "saves", "link_clicks")
		// One account's posts (an import is for one account): Threads, a
		// network many teams post to by hand.
		for i := range rows {
			t := next()
			n := "threads"
			id := strconv.FormatInt(1000000+int64(i), 10)
			saves := "-"
			if n == "threads" {
				saves = num(30)
			}
			imp := 100 + rng.IntN(10000)
			write(id, "https://example.com/"+n+"/"+id, t.In(tokyo()).Format(time.RFC3339), n, "text", text(), strconv.Itoa(imp),
				num(imp/20+1), num(10), num(15), saves, num(30))
		}
	default:
		return fmt.Errorf("metrics sample: unknown format %q (one of %s)", format, formatNames())
	}
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func tokyo() *time.Location {
	z, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		return time.FixedZone("JST", 9*3600)
	}
	return z
}
