package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/soroe/soroe"
)

func TestPostCommands(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		c.addUser("owner@a.jp", "井上 直子")
		c.addUser("pr@a.jp", "鈴木 美咲")
		c.addUser("staff@a.jp", "田中 翔太")
		c.ok("org", "add", "--name", "揃え工務店", "--owner", "owner@a.jp")
		c.ok("member", "add", "--org", "揃え工務店", "--email", "pr@a.jp", "--role", "manager")
		c.ok("member", "add", "--org", "揃え工務店", "--email", "staff@a.jp", "--role", "staff")
		db := c.db()
		o, _ := resolveOrg(ctx, db, "揃え工務店")
		staff, _ := db.UserByEmail(ctx, "staff@a.jp")
		acc := &soroe.Account{OrgID: o.ID, Network: soroe.NetworkBluesky, Name: "公式Bluesky"}
		if err := db.CreateAccount(ctx, acc, "sealed"); err != nil {
			t.Fatal(err)
		}
		at := db.Now().AddDate(0, 0, 3)
		p := &soroe.Post{OrgID: o.ID, AuthorID: staff.ID, Text: "完成見学会のお知らせ", ScheduledAt: &at}
		if err := db.CreatePost(ctx, p, []*soroe.Target{{AccountID: acc.ID, Text: p.Text}}); err != nil {
			t.Fatal(err)
		}
		steps := soroe.DefaultSteps(soroe.Assignees{})
		if _, err := db.SubmitPost(ctx, o.ID, p.ID, steps, staff.ID); err != nil {
			t.Fatal(err)
		}
		out := c.ok("post", "list", "--org", "揃え工務店")
		if !strings.Contains(out, "in_review") || !strings.Contains(out, "完成見学会のお知らせ") || !strings.Contains(out, "bluesky:queued") {
			t.Errorf("list: %q", out)
		}
		if out := c.ok("post", "list", "--org", "揃え工務店", "--state", "draft"); strings.Contains(out, "完成見学会") {
			t.Errorf("state filter: %q", out)
		}
		id := fmt.Sprint(p.ID)
		// Staff may not approve; a manager may.
		wantErr(t, c.fails("post", "approve", id, "--org", "揃え工務店", "--as", "staff@a.jp"), soroe.EForbidden, "as")
		wantErr(t, c.fails("post", "reject", id, "--org", "揃え工務店", "--as", "pr@a.jp"), soroe.EInvalid, "comment")
		out = c.ok("post", "approve", id, "--org", "揃え工務店", "--as", "pr@a.jp", "--comment", "OK")
		if !strings.Contains(out, "scheduled") {
			t.Errorf("approve: %q", out)
		}
		out = c.ok("post", "show", id, "--org", "揃え工務店")
		for _, s := range []string{"scheduled", "完成見学会のお知らせ", "step_approved", "鈴木 美咲", "submitted"} {
			if !strings.Contains(out, s) {
				t.Errorf("show lacks %q: %s", s, out)
			}
		}
		var shown struct {
			Post      map[string]any `json:"post"`
			Approvals []any          `json:"approvals"`
			History   []any          `json:"history"`
		}
		c.json(&shown, "post", "show", id, "--org", "揃え工務店")
		if shown.Post["state"] != "scheduled" || len(shown.Post["targets"].([]any)) != 1 || len(shown.Approvals) != 1 || len(shown.History) < 4 {
			t.Errorf("show --json: %+v", shown)
		}
		wantErr(t, c.fails("post", "show", "999999", "--org", "揃え工務店"), soroe.ENotFound, "post")
		wantErr(t, c.fails("post", "approve", id, "--org", "揃え工務店", "--as", "pr@a.jp"), soroe.EConflict, "post")

		// An unfinished draft in review is not approved; stderr says why.
		q := &soroe.Post{OrgID: o.ID, AuthorID: staff.ID, Text: "【ここに日付】に見学会を開きます"}
		if err := db.CreatePost(ctx, q, []*soroe.Target{{AccountID: acc.ID, Text: q.Text}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SubmitPost(ctx, o.ID, q.ID, steps, staff.ID); err != nil {
			t.Fatal(err)
		}
		_, errOut, err := c.run("", "post", "approve", fmt.Sprint(q.ID), "--org", "揃え工務店", "--as", "pr@a.jp")
		wantErr(t, err, soroe.EInvalid, "text", "post_unfinished")
		if !strings.Contains(errOut, "not finished: “【ここに日付】” is still in the text") {
			t.Errorf("stderr %q", errOut)
		}
	})
}
