package soroe

import (
	"fmt"
	"slices"
	"strings"
)

// Role is what a member may do in an organization.
type Role string

// The roles, from the most rights to the fewest.
const (
	RoleOwner     Role = "owner"     // オーナー: everything, including members and settings
	RoleExecutive Role = "executive" // 経営層: sets goals, reads dashboards and reports
	RoleManager   Role = "manager"   // 広報: designs 型, approves, connects accounts
	RoleStaff     Role = "staff"     // 現場: drafts from 型, sees own results
)

// Roles lists every role in display order.
var Roles = []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// ParseRole returns the role named s or an EInvalid error.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(s))
	if !r.Valid() {
		return "", Invalid("role", "unknown_role")
	}
	return r, nil
}

// Action is something a route does. Every route names exactly one action, and
// every action has exactly one entry in Rights: a route whose action is not in
// the table makes the server refuse to start (and the role test fail).
type Action string

// Actions that need no organization.
const (
	ActPublic Action = "public" // anyone, logged in or not
	ActUser   Action = "user"   // any logged-in user, in no particular organization
)

// Actions inside the current organization.
const (
	ActHome            Action = "home.view"
	ActOrgRead         Action = "org.read"
	ActOrgUpdate       Action = "org.update"
	ActMemberRead      Action = "member.read"
	ActMemberManage    Action = "member.manage"
	ActInvitationAdmin Action = "invitation.manage"
	ActTokenOwn        Action = "token.own"
	ActSetup           Action = "setup.run"
	ActGoalRead        Action = "goal.read"
	ActGoalWrite       Action = "goal.write"
	ActKPIRecord       Action = "kpi.record"
	ActTemplateRead    Action = "template.read"
	ActTemplateWrite   Action = "template.write"
	ActProfileManage   Action = "profile.manage"
	ActTextCheck       Action = "text.check"
	ActDraftGenerate   Action = "draft.generate"
	ActMaterialRead    Action = "material.read"
	ActMaterialManage  Action = "material.manage"
	ActPostRead        Action = "post.read"
	ActPostWrite       Action = "post.write"
	ActPostComment     Action = "post.comment"
	ActPostApprove     Action = "post.approve"
	ActPostImport      Action = "post.import"
	ActAccountRead     Action = "account.read"
	ActAccountManage   Action = "account.manage"
	ActNotificationOwn Action = "notification.own"
	ActMetricsRead     Action = "metrics.read"
	ActMetricsImport   Action = "metrics.import"
	ActMetricsRecord   Action = "metrics.record"
	ActMetricsRefresh  Action = "metrics.refresh"
	ActMetricsConfig   Action = "metrics.configure"
	ActWebhookManage   Action = "webhook.manage"
	ActLinkManage      Action = "link.manage"
	ActConversionRead  Action = "conversion.read"
	ActConversionSend  Action = "conversion.send"
	ActEffortRead      Action = "effort.read"
	ActActionRead      Action = "action.read"
	ActActionWrite     Action = "action.write"
	ActActionProgress  Action = "action.progress"
	ActActionComment   Action = "action.comment"
	ActReportRead      Action = "report.read"
	ActReportWrite     Action = "report.write"
)

// Right is one row of the roles table.
type Right struct {
	Action Action
	Roles  []Role // nil for ActPublic and ActUser, which need no membership
	JA, EN string // what the action lets one do, for docs/roles.md
}

// Rights is the one table of who may do what. docs/roles.md is rendered from
// it (go test ./... checks the file is current; `go test . -run TestRolesDoc
// -update` rewrites it).
var Rights = []Right{
	{ActPublic, nil, "ログイン画面・ヘルスチェックなど誰でも", "Anyone: login page, health check"},
	{ActUser, nil, "ログイン中の本人: 自分のアカウント設定、組織の作成・切り替え", "Any logged-in user: own account, create and switch organizations"},
	{ActHome, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "ホーム画面を見る", "See the home page"},
	{ActOrgRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "組織の情報を見る", "Read the organization"},
	{ActOrgUpdate, []Role{RoleOwner}, "組織の名前・タイムゾーン・既定の言語を変える", "Change the organization's name, time zone and default language"},
	{ActMemberRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "メンバー一覧を見る", "List members"},
	{ActMemberManage, []Role{RoleOwner}, "メンバーの役割を変える・外す", "Change members' roles, remove members"},
	{ActInvitationAdmin, []Role{RoleOwner}, "招待リンクを作る・取り消す", "Create and revoke invitation links"},
	{ActTokenOwn, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "自分の API トークンを作る・取り消す", "Create and revoke own API tokens"},
	{ActSetup, []Role{RoleOwner}, "初期設定（3ステップ）を進める・スキップする", "Walk or skip the three-step setup"},
	{ActGoalRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "目標・KPI・進捗・変更履歴を見る", "Read goals, KPIs, progress and their change history"},
	{ActGoalWrite, []Role{RoleOwner, RoleExecutive}, "目標と KPI（目標値・期限）を作る・変える・消す", "Create, edit and delete goals and KPIs (targets, deadlines)"},
	{ActKPIRecord, []Role{RoleOwner, RoleExecutive, RoleManager}, "KPI の実績を手入力する", "Enter KPI values by hand"},
	{ActTemplateRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "型と投稿予定（自分の枠）を見る", "Read templates (型) and the posting plan (own slots)"},
	{ActTemplateWrite, []Role{RoleOwner, RoleManager}, "型を作る・変える・消す", "Create, edit and delete templates (型)"},
	{ActTextCheck, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "投稿文をネットワークごとの文字数ルールとリスクでチェックする", "Check a text against each network's rules and the risk check"},
	{ActDraftGenerate, []Role{RoleOwner, RoleManager, RoleStaff}, "型と資料から下書きを生成する", "Generate drafts from a 型 and company material"},
	{ActMaterialRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "会社の資料と抜き出した文章を見る", "Read company material and its passages"},
	{ActMaterialManage, []Role{RoleOwner, RoleManager}, "会社の資料（PDF・Word・PowerPoint・Web ページ）を登録・削除する", "Upload and delete company material (PDF, Word, PowerPoint, web pages)"},
	{ActProfileManage, []Role{RoleOwner, RoleManager}, "会社プロフィール（業種・読者・ブランドの声・NGワード・競合）を設定する", "Set the company profile (industry, audience, brand voice, NG words, competitors)"},
	{ActPostRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "投稿・カレンダー・履歴・コメントを見る", "Read posts, the calendar, post history and comments"},
	{ActPostWrite, []Role{RoleOwner, RoleManager, RoleStaff}, "投稿を下書きする・編集する・レビューに出す・予約する（現場は自分の投稿のみ）", "Draft, edit, submit and schedule posts (staff: own posts only)"},
	{ActPostComment, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "投稿にコメントする（@メンションで通知）", "Comment on posts (@mentions notify)"},
	{ActPostApprove, []Role{RoleOwner, RoleExecutive, RoleManager}, "承認ステップの承認者として承認・差し戻しする、社外承認者へのリンクを出す", "Approve or send back as an approver of a step; issue links for guest approvers"},
	{ActPostImport, []Role{RoleOwner, RoleManager, RoleStaff}, "投稿計画を CSV / Excel で一括登録する（承認できる人の取り込みは承認済み、現場の取り込みはレビューへ）", "Import a content plan from CSV or Excel (approvers' imports are approved, staff's go to review)"},
	{ActAccountRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "接続済みの SNS アカウントと状態を見る", "See the connected social accounts and their health"},
	{ActAccountManage, []Role{RoleOwner, RoleManager}, "SNS アカウントを接続・再接続・解除する", "Connect, reconnect and disconnect social accounts"},
	{ActNotificationOwn, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "自分への通知を見る・既読にする", "Read and dismiss own notifications"},
	{ActMetricsRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "投稿の数値・反応スコア・フォロワー推移・取り込み履歴を見る", "Read posts' numbers, reaction scores, follower counts and the import log"},
	{ActMetricsImport, []Role{RoleOwner, RoleManager, RoleStaff}, "SNS・GA4 のエクスポート（CSV）を取り込む（現場は自分が投稿するアカウントのみ）", "Import network and GA4 exports (staff: accounts they post to only)"},
	{ActMetricsRecord, []Role{RoleOwner, RoleManager, RoleStaff}, "投稿の数値を手入力する（現場は自分の投稿のみ）", "Enter a post's numbers by hand (staff: own posts only)"},
	{ActMetricsRefresh, []Role{RoleOwner, RoleManager, RoleStaff}, "投稿の数値を今すぐ API から取り直す", "Refresh a post's numbers from the API now"},
	{ActMetricsConfig, []Role{RoleOwner, RoleManager}, "アカウントごとの数値の取得（API の取得スケジュール、API なしの登録）を設定する", "Configure each account's metrics (API pull schedule, accounts without API access)"},
	{ActWebhookManage, []Role{RoleOwner, RoleManager}, "組織の通知先（Slack・Teams・Webhook）を設定し、テスト送信と送信状況の確認をする", "Set up the organization's notification destinations (Slack, Teams, webhooks), send tests and see how deliveries went"},
	{ActLinkManage, []Role{RoleOwner, RoleManager}, "リンク計測の設定（既定で計測するか、成果を結び付ける期間）を変える", "Configure link tracking (tracked by default, the attribution window)"},
	{ActConversionRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "成果（コンバージョン）と計測の設定を見る", "Read conversions and the tracking settings"},
	{ActConversionSend, []Role{RoleOwner, RoleManager}, "API で成果（コンバージョン）を送る", "Send conversions through the API"},
	{ActEffortRead, []Role{RoleOwner, RoleExecutive, RoleManager}, "メンバーごとの成果と工夫（投稿数・予定どおりの率・一発承認・反応スコア・工夫メモ・フィードバック）を見る（現場は「わたしの成果」で自分の分）", "Read every member's results and effort (posts, on time, approved first time, reaction scores, 工夫メモ, feedback); staff see their own in My results"},
	{ActActionRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "対応策（改善のアクション）とそのコメントを見る", "Read actions (対応策) and their comments"},
	{ActActionWrite, []Role{RoleOwner, RoleExecutive, RoleManager}, "対応策を作る・担当・期限・内容を変える", "Create actions and change their owner, due day and content"},
	{ActActionProgress, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "対応策の状況（未着手・進行中・完了・見送り）と結果を書く（現場は自分が担当のもののみ）", "Set an action's status (open, doing, done, dropped) and its outcome (staff: actions they own only)"},
	{ActActionComment, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "対応策にコメントする", "Comment on actions"},
	{ActReportRead, []Role{RoleOwner, RoleExecutive, RoleManager, RoleStaff}, "月次・週次レポートを見る・ダウンロードする（HTML・PDF・PPTX・XLSX・CSV）", "Read and download the monthly and weekly reports (HTML, PDF, PPTX, XLSX, CSV)"},
	{ActReportWrite, []Role{RoleOwner, RoleExecutive, RoleManager}, "レポートを作る、総評（KPT）を書く、期限つきの共有リンクを出す", "Make reports, write their 総評 (KPT), issue expiring share links"},
}

// RightFor returns the table row of an action.
func RightFor(a Action) (Right, bool) {
	for _, r := range Rights {
		if r.Action == a {
			return r, true
		}
	}
	return Right{}, false
}

// Can reports whether a member with role may perform a. Public and user
// actions are allowed to every role.
func Can(role Role, a Action) bool {
	r, ok := RightFor(a)
	if !ok {
		return false
	}
	if r.Roles == nil {
		return true
	}
	return slices.Contains(r.Roles, role)
}

// NeedsOrg reports whether an action is done inside an organization.
func NeedsOrg(a Action) bool { return a != ActPublic && a != ActUser }

// RolesMarkdown renders the roles table as docs/roles.md.
func RolesMarkdown() string {
	var b strings.Builder
	b.WriteString("# 役割と権限 / Roles and rights\n\n")
	b.WriteString("Generated from `soroe.Rights` (role.go). Do not edit by hand: run `go test . -run TestRolesDoc -update`.\n\n")
	b.WriteString("| action | 内容 | what | owner オーナー | executive 経営層 | manager 広報 | staff 現場 |\n")
	b.WriteString("|---|---|---|:-:|:-:|:-:|:-:|\n")
	for _, r := range Rights {
		fmt.Fprintf(&b, "| `%s` | %s | %s |", r.Action, r.JA, r.EN)
		for _, role := range Roles {
			mark := "—"
			if Can(role, r.Action) {
				mark = "✓"
			}
			fmt.Fprintf(&b, " %s |", mark)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nA member of another organization gets 404 for anything that belongs to this one. " +
		"API tokens carry their user's role in the token's organization, read at every request.\n")
	return b.String()
}
