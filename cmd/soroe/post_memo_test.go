package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

// TestPostMemoCommand: `soroe post memo` prints, writes and clears a
// post's 工夫メモ; staff may not write on another member's post.
func TestPostMemoCommand(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		c.addUser("owner@a.jp", "井上 直子")
		c.addUser("staff@a.jp", "田中 翔太")
		c.addUser("other@a.jp", "佐藤 健")
		c.ok("org", "add", "--name", "揃え工務店", "--owner", "owner@a.jp")
		c.ok("member", "add", "--org", "揃え工務店", "--email", "staff@a.jp", "--role", "staff")
		c.ok("member", "add", "--org", "揃え工務店", "--email", "other@a.jp", "--role", "staff")
		db := c.db()
		o, _ := resolveOrg(ctx, db, "揃え工務店")
		staff, _ := db.UserByEmail(ctx, "staff@a.jp")
		acc := &soroe.Account{OrgID: o.ID, Network: soroe.NetworkBluesky, Name: "公式Bluesky"}
		if err := db.CreateAccount(ctx, acc, "sealed"); err != nil {
			t.Fatal(err)
		}
		p := &soroe.Post{OrgID: o.ID, AuthorID: staff.ID, Text: "完成見学会のお知らせ"}
		if err := db.CreatePost(ctx, p, []*soroe.Target{{AccountID: acc.ID, Text: p.Text}}); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(p.ID)
		if out := c.ok("post", "memo", id, "--as", "other@a.jp"); !strings.Contains(out, "has no memo") {
			t.Errorf("no memo yet: %q", out)
		}
		if out := c.ok("post", "memo", id, "--as", "staff@a.jp", "--text", "朝7時に投稿した"); strings.TrimSpace(out) != "朝7時に投稿した" {
			t.Errorf("write: %q", out)
		}
		wantErr(t, c.fails("post", "memo", id, "--as", "other@a.jp", "--text", "乗っ取り"), soroe.EForbidden, "as")
		wantErr(t, c.fails("post", "memo", id, "--as", "staff@a.jp", "--text", strings.Repeat("あ", soroe.MaxMemoRunes+1)), soroe.EInvalid, "memo")
		if out := c.ok("post", "memo", id, "--as", "other@a.jp"); !strings.Contains(out, "朝7時に投稿した") || !strings.Contains(out, "田中 翔太") {
			t.Errorf("read: %q", out)
		}
		if out := c.ok("post", "memo", id, "--as", "owner@a.jp", "--clear"); !strings.Contains(out, "no memo now") {
			t.Errorf("clear: %q", out)
		}
		if _, err := db.PostMemo(ctx, o.ID, p.ID); soroe.ErrorCode(err) != soroe.ENotFound {
			t.Errorf("after --clear: %v", err)
		}
	})
}
