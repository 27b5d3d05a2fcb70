package demo

import (
	"context"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/store"
)

// profile is the demo company as the generators see it.
var profile = soroe.OrgProfile{
	Industry:     "工務店（注文住宅・リフォーム）",
	Audience:     "地元で家づくりやリフォームを考える30〜40代の子育て世帯と、大工・現場監督を目指す若い人",
	BrandVoice:   "親しみやすく誠実に。職人の手仕事と、暮らしの細かな相談に乗る姿勢が伝わる言葉で。専門用語はかみくだく。",
	WordsToUse:   []string{"手仕事", "木の家", "暮らし", "地元"},
	WordsToAvoid: []string{"激安", "業界No.1"},
	NGWords:      []string{"激安", "格安"},
	Competitors:  []string{"大手ハウスメーカーA社"},
}

// brochure is the demo's company material: a short company guide, so that
// drafts from material can be tried at once.
const brochure = `揃え工務店 会社案内

私たちについて
揃え工務店は、地元で三十年、木の家づくりとリフォームを続けてきた工務店です。大工八名、現場監督三名、設計二名が在籍し、設計から施工、アフターメンテナンスまで自社で一貫して担当します。

断熱リフォーム
冬の寒さと結露に悩むお宅には、窓の交換と壁・床の断熱改修をご提案しています。昨年は四十件の断熱改修を手がけ、光熱費が下がったという声を多くいただきました。自治体の補助金の申請もお手伝いします。

施工事例集
これまでの施工事例をまとめた事例集を無料でお配りしています。間取りの工夫、費用の目安、工期を、実際のお客様の声とともに紹介しています。ホームページからダウンロードできます。

はたらく人
若手大工は入社一年目から先輩と同じ現場に立ち、墨付けや刻みを一から学びます。月に一度の社内勉強会では、設計と現場が一緒に図面を読み合わせます。週休二日制で、年間休日は百十日です。

見学会と相談会
毎月第二土曜日に、完成したお宅の見学会と、家づくりの無料相談会を開いています。小さなお子さま連れでも気軽にお越しください。
`

// seedProfileAndMaterial gives the demo organization its company profile and
// one processed material.
func seedProfileAndMaterial(ctx context.Context, db *store.DB, orgID, by int64) error {
	p := profile
	p.OrgID = orgID
	if err := db.SetOrgProfile(ctx, &p); err != nil {
		return err
	}
	m := &soroe.Material{OrgID: orgID, Title: "会社案内（デモ）", Kind: material.TXT, CreatedBy: by}
	if err := db.CreateMaterial(ctx, m, []byte(brochure)); err != nil {
		return err
	}
	return material.Process(ctx, db, orgID, m.ID)
}
