package metricsimport

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/soroe/soroe"
)

// role is what a column is for.
type role int

const (
	rIgnore role = iota
	rID
	rURL
	rText
	rTime // a time of day with the date
	rDate // a date only
	rKind
	rAccount
	rPage // Facebook page columns: the row is Facebook's
	rMetric
	rFollowers
	rGained
	rLost
	rImpressions
	rEngagements
	rChannel
	rSource
	rMedium
	rSourceMedium
	rCampaign
	rContent
	rSessions
	rKeyEvents
	rEvent // per-event key events; the name is in the header
	rNetwork
)

// col is one known column of a format.
type col struct {
	name    string // canonical name (docs, missing_column)
	role    role
	metric  soroe.PostMetric
	aliases []string // as the exports write them, English and Japanese
}

// format is one export's columns.
type format struct {
	name    string
	network soroe.Network
	cols    []col
	// required: each group needs one of its roles present.
	required [][]role
	// strict: an unknown column is a problem (Soroe's own format).
	strict bool
	// days: rows are account days, not posts.
	days  bool
	index map[string]*col // normalized alias → column
}

func m(name string, metric soroe.PostMetric, aliases ...string) col {
	return col{name: name, role: rMetric, metric: metric, aliases: aliases}
}

func c(name string, r role, aliases ...string) col {
	return col{name: name, role: r, aliases: aliases}
}

var formats = []*format{
	{
		name: FormatXContent, network: soroe.NetworkX,
		required: [][]role{{rID}, {rDate, rTime}},
		cols: []col{
			c("post_id", rID, "Post id", "ポストID"),
			c("date", rDate, "Date", "日付"),
			c("text", rText, "Post text", "ポスト本文"),
			c("url", rURL, "Post Link", "ポストのリンク"),
			m("impressions", soroe.PostImpressions, "Impressions", "インプレッション数"),
			m("likes", soroe.PostLikes, "Likes", "いいね"),
			m("engagements", soroe.PostEngagements, "Engagements", "エンゲージメント"),
			m("bookmarks", soroe.PostBookmarks, "Bookmarks", "ブックマーク"),
			m("shares", soroe.PostShares, "Shares", "共有された回数"),
			m("follows", soroe.PostFollows, "New follows", "新しいフォロー"),
			m("replies", soroe.PostReplies, "Replies", "返信"),
			m("reposts", soroe.PostReposts, "Reposts", "リポスト"),
			m("profile_clicks", soroe.PostProfileClicks, "Profile visits", "プロフィールへのアクセス数"),
			m("link_clicks", soroe.PostLinkClicks, "URL Clicks", "URLのクリック数"),
			m("video_views", soroe.PostVideoViews, "Video views", "動画の再生数"),
			c("detail_expands", rIgnore, "Detail Expands", "詳細のクリック数"),
			c("hashtag_clicks", rIgnore, "Hashtag Clicks", "ハッシュタグのクリック数"),
			c("permalink_clicks", rIgnore, "Permalink Clicks", "パーマリンクのクリック数"),
		},
	},
	{
		name: FormatXOverview, network: soroe.NetworkX, days: true,
		required: [][]role{{rDate}, {rGained, rLost}},
		cols: []col{
			c("date", rDate, "Date", "日付"),
			c("impressions", rImpressions, "Impressions", "インプレッション数"),
			c("engagements", rEngagements, "Engagements", "エンゲージメント"),
			c("new_follows", rGained, "New follows", "新しいフォロー"),
			c("unfollows", rLost, "Unfollows", "フォロー解除"),
			c("followers", rFollowers, "Followers", "Follower count", "フォロワー", "フォロワー数"),
			m("likes", soroe.PostLikes, "Likes", "いいね"),
			m("bookmarks", soroe.PostBookmarks, "Bookmarks", "ブックマーク"),
			m("shares", soroe.PostShares, "Shares", "共有された回数"),
			m("replies", soroe.PostReplies, "Replies", "返信"),
			m("reposts", soroe.PostReposts, "Reposts", "リポスト"),
			m("profile_clicks", soroe.PostProfileClicks, "Profile visits", "プロフィールへのアクセス数"),
			m("video_views", soroe.PostVideoViews, "Video views", "動画の再生数"),
			c("create_post", rIgnore, "Create Post", "ポストを作成"),
			c("media_views", rIgnore, "Media views", "メディアの再生数"),
		},
	},
	{
		name: FormatXLegacy, network: soroe.NetworkX,
		required: [][]role{{rID}, {rTime}},
		cols: []col{
			c("tweet_id", rID, "Tweet id", "ツイートID"),
			c("permalink", rURL, "Tweet permalink", "ツイートの固定リンク"),
			c("text", rText, "Tweet text", "ツイート本文"),
			c("time", rTime, "time", "時間"),
			m("impressions", soroe.PostImpressions, "impressions", "インプレッション"),
			m("engagements", soroe.PostEngagements, "engagements", "エンゲージメント"),
			m("reposts", soroe.PostReposts, "retweets", "リツイート"),
			m("replies", soroe.PostReplies, "replies", "返信"),
			m("likes", soroe.PostLikes, "likes", "favorites", "いいね"),
			m("bookmarks", soroe.PostBookmarks, "bookmarks", "ブックマーク"),
			m("profile_clicks", soroe.PostProfileClicks, "user profile clicks", "ユーザープロフィールクリック"),
			m("link_clicks", soroe.PostLinkClicks, "url clicks", "URLクリック数"),
			m("follows", soroe.PostFollows, "follows", "フォローしている"),
			c("engagement_rate", rIgnore, "engagement rate", "エンゲージメント率"),
			c("hashtag_clicks", rIgnore, "hashtag clicks", "ハッシュタグクリック"),
			c("detail_expands", rIgnore, "detail expands", "詳細クリック"),
			c("permalink_clicks", rIgnore, "permalink clicks", "固定リンクのクリック数"),
			c("app_opens", rIgnore, "app opens", "アプリ表示"),
			c("app_installs", rIgnore, "app installs", "アプリインストール"),
			c("email_tweet", rIgnore, "email tweet", "ツイートをメール送信"),
			c("dial_phone", rIgnore, "dial phone", "ダイアル式電話"),
			c("media_views", rIgnore, "media views", "メディアの再生数"),
			c("media_engagements", rIgnore, "media engagements", "メディアのエンゲージメント数"),
		},
	},
	{
		name:     FormatMeta,
		required: [][]role{{rID, rURL}, {rTime}},
		cols: []col{
			c("post_id", rID, "Post ID", "投稿ID"),
			c("account_id", rIgnore, "Account ID", "アカウントID"),
			c("account_username", rAccount, "Account username", "アカウントのユーザーネーム"),
			c("account_name", rIgnore, "Account name", "アカウント名"),
			c("page_id", rPage, "Page ID", "ページID"),
			c("page_name", rPage, "Page name", "ページ名"),
			c("title", rIgnore, "Title", "タイトル"),
			c("description", rText, "Description", "説明"),
			c("duration", rIgnore, "Duration (sec)", "時間(秒)"),
			c("publish_time", rTime, "Publish time", "公開時間", "公開日時"),
			c("permalink", rURL, "Permalink", "リンク", "パーマリンク"),
			c("post_type", rKind, "Post type", "投稿タイプ"),
			c("data_comment", rIgnore, "Data comment", "データコメント"),
			c("date", rIgnore, "Date", "日時"),
			m("views", soroe.PostViews, "Views", "ビュー", "閲覧数"),
			m("impressions", soroe.PostImpressions, "Impressions", "インプレッション", "インプレッション数"),
			m("reach", soroe.PostReach, "Reach", "リーチ"),
			m("likes", soroe.PostLikes, "Likes", "Reactions", "いいね！の数", "いいね!", "リアクション"),
			m("shares", soroe.PostShares, "Shares", "シェア数"),
			m("follows", soroe.PostFollows, "Follows", "フォロー数"),
			m("replies", soroe.PostReplies, "Comments", "コメント数"),
			m("saves", soroe.PostSaves, "Saves", "保存数"),
			m("link_clicks", soroe.PostLinkClicks, "Link clicks", "リンクのクリック数"),
			m("profile_clicks", soroe.PostProfileClicks, "Profile visits", "プロフィールへのアクセス"),
			c("avg_seconds", rIgnore, "Average Seconds viewed", "平均視聴秒数"),
		},
	},
	{
		name:     FormatGA4,
		required: [][]role{{rSessions}, {rChannel, rSource, rSourceMedium, rCampaign, rContent, rMedium}},
		cols: []col{
			c("date", rDate, "Date", "日付"),
			c("channel", rChannel, "Session primary channel group (Default Channel Group)", "Session default channel group",
				"セッションのメインのチャネル グループ（デフォルト チャネル グループ）", "セッションのデフォルト チャネル グループ"),
			c("source_medium", rSourceMedium, "Session source / medium", "セッションの参照元 / メディア"),
			c("source", rSource, "Session source", "セッションの参照元"),
			c("medium", rMedium, "Session medium", "セッションのメディア"),
			c("campaign", rCampaign, "Session campaign", "セッションのキャンペーン"),
			c("content", rContent, "Session manual ad content", "セッションの手動広告コンテンツ"),
			c("sessions", rSessions, "Sessions", "セッション", "セッション数"),
			c("key_events", rKeyEvents, "Key events", "Conversions", "キーイベント", "コンバージョン"),
		},
	},
	{
		name: FormatGeneric, strict: true,
		required: [][]role{{rID, rURL}},
		cols:     genericCols(),
	},
	{
		// the generic format's account days: followers kept by hand
		name: FormatGeneric, strict: true, days: true,
		required: [][]role{{rDate}, {rFollowers, rGained, rLost}},
		cols: []col{
			c("date", rDate, "date", "day", "日付"),
			c("followers", rFollowers, "followers", "フォロワー数"),
			c("follows_gained", rGained, "follows_gained", "フォロー増"),
			c("follows_lost", rLost, "follows_lost", "フォロー減"),
			c("impressions", rImpressions, "impressions"),
			c("engagements", rEngagements, "engagements"),
			c("network", rNetwork, "network", "SNS"),
		},
	},
}

// genericCols are Soroe's own format: post_id or url, published_at, text,
// kind, network and one column per vocabulary metric.
func genericCols() []col {
	cols := []col{
		c("post_id", rID, "post_id", "remote_id", "id", "投稿ID"),
		c("url", rURL, "url", "permalink", "URL", "リンク"),
		c("published_at", rTime, "published_at", "投稿日時"),
		c("text", rText, "text", "本文"),
		c("kind", rKind, "kind", "種類"),
		c("network", rNetwork, "network", "SNS"),
	}
	for _, pm := range soroe.PostMetrics {
		cols = append(cols, m(string(pm), pm, string(pm)))
	}
	return cols
}

var byName = map[string][]*format{}

func init() {
	for _, f := range formats {
		f.index = map[string]*col{}
		for i := range f.cols {
			cl := &f.cols[i]
			for _, a := range append([]string{cl.name}, cl.aliases...) {
				f.index[norm(a)] = cl
			}
		}
		byName[f.name] = append(byName[f.name], f)
	}
}

// norm folds a header cell for matching: width-folded, lower-cased,
// without spaces, "_", "-" and a BOM.
func norm(h string) string {
	ascii := true
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		h = width.Fold.String(strings.ReplaceAll(h, "\ufeff", ""))
	}
	var b strings.Builder
	b.Grow(len(h))
	for _, r := range h {
		switch {
		case r == ' ' || r == '_' || r == '-' || r == '\u3000' || unicode.IsSpace(r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// binding is a format matched against a header.
type binding struct {
	f      *format
	cols   []*col   // per header cell; nil: unknown
	events []string // per header cell: the event name of rEvent cells
	score  int
	ok     bool // the required columns are there
	miss   []string
	dup    []int // header cells that repeat a column
}

// eventName returns the event of a per-event key event header ("Key
// events (purchase)", "キーイベント（purchase）", "Conversions: purchase").
func eventName(h string) (string, bool) {
	n := width.Fold.String(strings.TrimSpace(h))
	for _, p := range []string{"Key events", "Conversions", "キーイベント", "コンバージョン"} {
		if len(n) > len(p) && strings.EqualFold(n[:len(p)], p) {
			rest := strings.TrimSpace(n[len(p):])
			switch {
			case strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")"):
				rest = rest[1 : len(rest)-1]
			case strings.HasPrefix(rest, ":"):
				rest = rest[1:]
			default:
				continue
			}
			if rest = strings.TrimSpace(rest); rest != "" {
				return rest, true
			}
		}
	}
	return "", false
}

func bind(f *format, header []string) *binding {
	b := &binding{f: f, cols: make([]*col, len(header)), events: make([]string, len(header))}
	have := map[role]bool{}
	seen := map[*col]bool{}
	for i, h := range header {
		cl := f.index[norm(h)]
		if cl == nil && f.name == FormatGA4 {
			if ev, ok := eventName(h); ok {
				b.events[i] = ev
				b.cols[i] = &col{name: "key_events:" + ev, role: rEvent}
				b.score++
				continue
			}
		}
		if cl == nil {
			continue
		}
		if seen[cl] {
			b.dup = append(b.dup, i)
			continue
		}
		seen[cl] = true
		b.cols[i] = cl
		have[cl.role] = true
		b.score++
	}
	b.ok = true
	for _, g := range f.required {
		any := false
		for _, r := range g {
			any = any || have[r]
		}
		if !any {
			b.ok = false
			// name the first column of the group's first role
			for _, cl := range f.cols {
				if cl.role == g[0] {
					b.miss = append(b.miss, cl.name)
					break
				}
			}
		}
	}
	return b
}

// detect picks the format whose columns the header matches best. GA4 is
// preferred when the file had a "#" preamble; on a tie the earlier format
// in formats wins (the generic format is last).
func detect(header []string, preamble bool) *binding { return detectIn(formats, header, preamble) }

func detectIn(fs []*format, header []string, preamble bool) *binding {
	var best *binding
	for _, f := range fs {
		b := bind(f, header)
		if !b.ok {
			continue
		}
		s := b.score
		if preamble && f.name == FormatGA4 {
			s += 1000
		}
		if best == nil || s > best.score {
			b.score = s
			best = b
		}
	}
	return best
}

func formatNames() string {
	s := append([]string(nil), Formats...)
	sort.Strings(s)
	return strings.Join(s, ", ")
}
