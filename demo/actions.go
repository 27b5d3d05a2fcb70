package demo

import (
	"context"
	"strconv"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

// SeedActions gives the demo organization its actions (対応策) once: one
// finished with what it changed, one under way, one not started, with a
// comment; so the actions page, the homes and the reports have some.
func SeedActions(ctx context.Context, db *store.DB, orgID int64) error {
	if have, err := db.ActionItems(ctx, store.ActionFilter{OrgID: orgID, Limit: 1}); err != nil || len(have) > 0 {
		return err
	}
	who := map[soroe.Role]int64{}
	for _, du := range Users {
		u, err := db.UserByEmail(ctx, du.Email)
		if err != nil {
			return err
		}
		who[du.Role] = u.ID
	}
	goals, err := db.Goals(ctx, orgID)
	if err != nil {
		return err
	}
	goal := func(i int) int64 {
		if i < len(goals) {
			return goals[i].ID
		}
		return 0
	}
	org, err := db.Org(ctx, orgID)
	if err != nil {
		return err
	}
	today := soroe.DateOf(db.Now(), org.Location())
	items := []struct {
		a       soroe.ActionItem
		comment string
	}{
		{soroe.ActionItem{Title: "「若手大工の一日」を仕事終わりの18時に出す", Detail: "Instagram は夕方の反応がよいので、朝の投稿を18時に移す。",
			OwnerID: who[soroe.RoleStaff], GoalID: goal(1), Status: soroe.ActionDone, Outcome: "18時に移した3件の平均反応スコアが朝の投稿より高くなった。続ける。",
			Source: soroe.ActionSource{Kind: "insight", Ref: "best_hour/instagram", Note: "Instagramは18時台の投稿の反応がよい"}}, "3件とも18時に出しました。"},
		{soroe.ActionItem{Title: "施工事例集のダウンロード導線を投稿の最初の2行に入れる", Detail: "ダウンロードのリンクが本文の最後にあり、クリックが少ない。",
			OwnerID: who[soroe.RoleManager], GoalID: goal(0), Status: soroe.ActionDoing, DueOn: today.AddDays(10),
			Source: soroe.ActionSource{Kind: "insight", Ref: "goal_pace/" + strconv.FormatInt(goal(0), 10), Note: "資料ダウンロードのペースが遅れている"}}, "来週の2件から試します。"},
		{soroe.ActionItem{Title: "「季節と地域の話題」の担当を決め直す", OwnerID: who[soroe.RoleManager], GoalID: goal(2), Status: soroe.ActionOpen, DueOn: today.AddDays(5),
			Source: soroe.ActionSource{Kind: "insight", Ref: "cadence_slipping", Note: "型「季節と地域の話題」の投稿が予定より少ない"}}, ""},
	}
	for _, it := range items {
		a := it.a
		a.OrgID, a.CreatedBy = orgID, who[soroe.RoleExecutive]
		if err := db.CreateActionItem(ctx, &a); err != nil {
			return err
		}
		if it.comment != "" {
			if err := db.AddActionComment(ctx, orgID, &soroe.Comment{PostID: a.ID, AuthorID: a.OwnerID, Body: it.comment}); err != nil {
				return err
			}
		}
	}
	return nil
}
