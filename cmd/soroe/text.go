package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	posttext "github.com/soroe/soroe/text"
)

func init() { commands = append(commands, textCmd) }

func textCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "text",
		Short: "Check post text against a network's rules and for risky wording",
	}
	cmd.AddCommand(textCheckCmd(a))
	return cmd
}

// textVerdict is what `soroe text check` prints: the network's verdict and
// the risk findings.
type textVerdict struct {
	posttext.Result
	Risks []posttext.Finding `json:"risks"`
}

// maxTextBytes bounds what `text check` reads from standard input.
const maxTextBytes = 1 << 20

func textCheckCmd(a *app) *cobra.Command {
	var (
		platform string
		opts     posttext.Options
		risk     posttext.RiskConfig
	)
	cmd := &cobra.Command{
		Use:   "check --platform P",
		Short: "Measure the text on standard input for one network; list its problems and risks",
		Long: `Reads a post's text from standard input and prints, as JSON, its length the way
the network counts it, the network's limit, whether it can be posted as it is,
every problem that stops it ("problems"), and risky wording ("risks"): claims
that 薬機法 and 景表法 forbid, discriminatory or violent words, phone numbers and
email addresses, and the competitor names and NG words given with --competitor
and --ng. Offsets ("start", "end") count Unicode code points.

One line break at the very end of the input (as echo and most editors add) is
not part of the text.

The exit status is 0 when the text is valid for the network and 1 when it is
not; risks are reported but do not change it.

Platforms: ` + networkList() + `.`,
		Example: `  echo "新商品を発売しました！ https://example.com/p/1 #新商品" | soroe text check --platform x
  soroe text check --platform mastodon --mastodon-limit 1000 < post.txt
  soroe text check --platform instagram --ng 激安 --competitor "ライバル茶舗" < caption.txt`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			network := soroe.Network(platform)
			if !network.Valid() {
				return &soroe.Error{Code: soroe.EInvalid, Field: "platform",
					Message: fmt.Sprintf("unknown_platform (use one of %s)", networkList())}
			}
			b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), maxTextBytes+1))
			if err != nil {
				return err
			}
			if len(b) > maxTextBytes {
				return &soroe.Error{Code: soroe.EInvalid, Field: "text",
					Message: fmt.Sprintf("too_long (at most %d bytes on standard input)", maxTextBytes)}
			}
			s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
			v := textVerdict{Result: posttext.Check(network, s, opts), Risks: orEmpty(posttext.Risk(s, risk))}
			if err := a.printJSON(v); err != nil {
				return err
			}
			if !v.Valid {
				return exitCode(1) // the JSON says why; main prints nothing more
			}
			return nil
		}),
	}
	f := cmd.Flags()
	requiredFlag(cmd, &platform, "platform", "the network: "+networkList())
	f.IntVar(&opts.MastodonLimit, "mastodon-limit", posttext.MastodonDefaultLimit, "the Mastodon instance's character limit (statuses.max_characters)")
	f.IntVar(&opts.InstagramHashtagCap, "instagram-hashtags", posttext.DefaultInstagramHashtagCap,
		fmt.Sprintf("most hashtags an Instagram caption may carry (%d since 2025-12, %d before; -1 for no cap)", posttext.DefaultInstagramHashtagCap, posttext.LegacyInstagramHashtagCap))
	f.BoolVar(&opts.AllowEmpty, "allow-empty", false, "accept empty text (the post has media)")
	f.StringArrayVar(&risk.NGWords, "ng", nil, "an NG word of the organization (repeat the flag for more)")
	f.StringArrayVar(&risk.Competitors, "competitor", nil, "a competitor's name to flag (repeat the flag for more)")
	return cmd
}

// networkList is the networks, comma-separated.
func networkList() string { return strings.Join(networkNames(soroe.Networks), ", ") }

// networkNames is ns as strings.
func networkNames(ns []soroe.Network) []string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = string(n)
	}
	return names
}
