package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() { postSubcommands = append(postSubcommands, postMemoCmd) }

// postMemoCmd reads or writes a post's 工夫メモ, as the web page does: who
// may write posts writes it, staff on their own posts only.
func postMemoCmd(a *app) *cobra.Command {
	var org, as, text string
	var clear bool
	cmd := &cobra.Command{
		Use:   "memo POST",
		Short: "Read or write a post's 工夫メモ (what was tried with it)",
		Long: `Print a post's 工夫メモ — what the field tried with it: an angle, a photo, a
time of day, a hashtag — or, with --text, replace it (--clear removes it).
The history and the reports show it beside the post's numbers. It may be
written after the post has gone out. Writing needs a member who may write
posts (--as); staff write the memos of their own posts only.`,
		Args: cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			write := cmd.Flags().Changed("text") || clear
			if cmd.Flags().Changed("text") && clear {
				return &soroe.Error{Code: soroe.EInvalid, Field: "clear", Message: "give --text or --clear, not both"}
			}
			act := soroe.ActPostRead
			if write {
				act = soroe.ActPostWrite
			}
			return a.withActor(cmd, org, as, act, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				p, err := resolvePost(ctx, db, o, args[0])
				if err != nil {
					return err
				}
				if write {
					m, err := db.Member(ctx, o.ID, u.ID)
					if err != nil {
						return err
					}
					if m.Role == soroe.RoleStaff && p.AuthorID != u.ID {
						return &soroe.Error{Code: soroe.EForbidden, Field: "as", Message: fmt.Sprintf("%s is staff and did not write post %d: staff write the memos of their own posts only", u.Email, p.ID)}
					}
					if clear {
						text = ""
					}
					memo, err := db.SetPostMemo(ctx, o.ID, p.ID, u.ID, text)
					if err != nil {
						return err
					}
					if memo == nil {
						fmt.Fprintf(a.stdout, "post %d has no memo now\n", p.ID)
						return nil
					}
					fmt.Fprintln(a.stdout, memo.Body)
					return nil
				}
				memo, err := db.PostMemo(ctx, o.ID, p.ID)
				if errors.Is(err, soroe.ErrNotFound) {
					fmt.Fprintf(a.stdout, "post %d has no memo\n", p.ID)
					return nil
				} else if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s\n(%s, %s)\n", memo.Body, memo.UpdatedByName, memo.UpdatedAt.In(o.Location()).Format("2006-01-02 15:04"))
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	requiredFlag(cmd, &as, "as", "email of the member reading or writing")
	cmd.Flags().StringVar(&text, "text", "", "the memo to write (at most 500 characters)")
	cmd.Flags().BoolVar(&clear, "clear", false, "remove the memo")
	return cmd
}
