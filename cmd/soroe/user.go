package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, userCmd) }

func userCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage user accounts (add, list, set passwords)",
	}
	cmd.AddCommand(userAddCmd(a), userListCmd(a), userPasswdCmd(a))
	return cmd
}

// readPassword reads a password from the first line of r (without its line
// ending), as `printf %s "$PW" | soroe ...` or `soroe ... < file` give it.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", &soroe.Error{Code: soroe.EInvalid, Field: "password", Message: "no password on standard input"}
	}
	return line, nil
}

func userAddCmd(a *app) *cobra.Command {
	var (
		email, name, lang string
		fromStdin         bool
	)
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Create a user account",
		Long: `Create a user account. The user belongs to no organization yet: add them
with ` + "`soroe org add --owner`" + ` or ` + "`soroe member add`" + `.

With --password-stdin the password is read from the first line of standard
input; without it a random password is generated and printed once.`,
		Example: `  printf '%s\n' "$PASSWORD" | soroe user add --email hanako@example.jp --name "山田 花子" --password-stdin
  soroe user add --email taro@example.jp --lang en`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			var (
				pw        string
				generated bool
				err       error
			)
			if fromStdin {
				if pw, err = readPassword(cmd.InOrStdin()); err != nil {
					return err
				}
			} else {
				pw, generated = rand.Text(), true
			}
			hash, err := soroe.HashPassword(pw)
			if err != nil {
				return err
			}
			return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
				u := &soroe.User{Email: email, Name: name, Lang: lang, PasswordHash: hash}
				if err := db.CreateUser(ctx, u); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "created user %d %s (%s)\n", u.ID, u.Email, u.Name)
				if generated {
					fmt.Fprintf(a.stdout, "password (shown only now): %s\n", pw)
				}
				return nil
			})
		}),
	}
	f := cmd.Flags()
	requiredFlag(cmd, &email, "email", "email address the user logs in with")
	f.StringVar(&name, "name", "", "display name (default: the part of the email before @)")
	f.StringVar(&lang, "lang", soroe.DefaultLang, "language of the user's interface: ja or en")
	f.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input (otherwise one is generated and printed)")
	return cmd
}

func userListCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every user account",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd, func(ctx context.Context, db *store.DB) error {
				users, err := db.AllUsers(ctx)
				if err != nil {
					return err
				}
				return printList(a, asJSON, users, []string{"ID", "EMAIL", "NAME", "LANG", "CREATED"}, func(u *soroe.User) []string {
					return []string{strconv.FormatInt(u.ID, 10), cell(u.Email), cell(u.Name), u.Lang, fmtTime(u.CreatedAt)}
				})
			})
		}),
	}
	jsonFlag(cmd, &asJSON)
	return cmd
}

func userPasswdCmd(a *app) *cobra.Command {
	var (
		email     string
		fromStdin bool
	)
	cmd := &cobra.Command{
		Use:   "passwd",
		Short: "Set a user's password (logs out their sessions)",
		Long: `Set a user's password, read from the first line of standard input.
Every web session the user had ends; their API tokens keep working.`,
		Example: `  printf '%s\n' "$NEW_PASSWORD" | soroe user passwd --email hanako@example.jp --password-stdin`,
		Args:    cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			if !fromStdin {
				return &soroe.Error{Code: soroe.EInvalid, Field: "password",
					Message: "give the new password on standard input with --password-stdin"}
			}
			pw, err := readPassword(cmd.InOrStdin())
			if err != nil {
				return err
			}
			hash, err := soroe.HashPassword(pw)
			if err != nil {
				return err
			}
			return a.withUser(cmd, email, func(ctx context.Context, db *store.DB, u *soroe.User) error {
				if _, err := db.SetPassword(ctx, u.ID, hash); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "password changed for %s\n", u.Email)
				return nil
			})
		}),
	}
	f := cmd.Flags()
	requiredFlag(cmd, &email, "email", "email of the user")
	f.BoolVar(&fromStdin, "password-stdin", false, "read the new password from the first line of standard input (required)")
	return cmd
}
