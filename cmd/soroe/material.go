package main

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/store"
)

func init() { commands = append(commands, materialCmd) }

func materialCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "material",
		Aliases: []string{"資料"},
		Short:   "Manage company material: files and web pages drafts draw from (list, add, show, delete, search)",
		Long: `Manage an organization's company material (資料): PDF, Word (.docx),
PowerPoint (.pptx), text and Markdown files, and web pages. Soroe reads their
text, splits it into passages of a few sentences that keep where they came
from (p.3, slide 2, §4), and drafts made "from material" retrieve and cite the
passages most relevant to their topic. Retrieval works for Japanese
(character bigrams ranked with BM25).

Material belongs to one organization and is never searched from another;
deleting it deletes its passages. Files are limited to 20 MiB; legacy
formats (.doc, .ppt) and password-protected files cannot be read. Web pages
are fetched with an SSRF guard: loopback and private addresses are refused
unless SOROE_ALLOW_PRIVATE_URLS=1.

` + "`material add`" + ` reads the material at once (the web UI and API hand it to a
background job instead) and prints how many passages it made, or why it
could not read it.`,
	}
	cmd.AddCommand(materialListCmd(a), materialAddCmd(a), materialShowCmd(a), materialDeleteCmd(a), materialSearchCmd(a))
	return cmd
}

// materialJSON is a material as `soroe material list|add --json` print it:
// the API's shape (GET /api/v1/materials/{material}).
type materialJSON struct {
	*soroe.Material
	ErrorMessage string `json:"error_message,omitempty"`
	ErrorHint    string `json:"error_hint,omitempty"`
}

// materialShowJSON is what `soroe material show --json` prints.
type materialShowJSON struct {
	Material *materialJSON   `json:"material"`
	Passages []soroe.Passage `json:"passages"`
}

func newMaterialJSON(m *soroe.Material) *materialJSON {
	out := &materialJSON{Material: m}
	if m.Status == soroe.MaterialFailed {
		out.ErrorMessage, out.ErrorHint = materialReason(m)
	}
	return out
}

// materialReason is why a material failed and what to do, in English.
func materialReason(m *soroe.Material) (reason, hint string) {
	key := m.Error
	if key == "" {
		key = material.ErrFailed
	}
	cat := i18n.Default()
	reason = cat.T(soroe.LangEN, "error."+key)
	if cat.Has(soroe.LangEN, "material.fix."+key) {
		hint = cat.T(soroe.LangEN, "material.fix."+key)
	} else {
		hint = cat.T(soroe.LangEN, "material.fix."+material.ErrFailed)
	}
	return reason, hint
}

// materialExplain adds the English text of a material or URL error key.
func materialExplain(err error) error {
	var e *soroe.Error
	if !errors.As(err, &e) {
		return err
	}
	if cat := i18n.Default(); cat.Has(soroe.LangEN, "error."+e.Message) {
		out := *e
		out.Message = e.Message + " (" + strings.TrimSuffix(cat.T(soroe.LangEN, "error."+e.Message), ".") + ")"
		return &out
	}
	return err
}

// materialStatus is a material's status for the terminal.
func materialStatus(m *soroe.Material) string {
	switch m.Status {
	case soroe.MaterialProcessing:
		return fmt.Sprintf("processing %d%%", m.Progress)
	case soroe.MaterialFailed:
		return "failed: " + cmpOr(m.Error, material.ErrFailed)
	}
	return m.Status
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// fmtSize writes a size as people read it: 512 B, 34 KB, 1.2 MB.
func fmtSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// passagesText is "1 passage" or "n passages".
func passagesText(n int) string {
	if n == 1 {
		return "1 passage"
	}
	return strconv.Itoa(n) + " passages"
}

// resolveMaterial finds material ref (an ID) in the organization.
func resolveMaterial(ctx context.Context, db *store.DB, o *soroe.Org, ref string) (*soroe.Material, error) {
	if id, err := strconv.ParseInt(strings.TrimSpace(ref), 10, 64); err == nil {
		m, err := db.Material(ctx, o.ID, id)
		if soroe.ErrorCode(err) != soroe.ENotFound {
			return m, err
		}
	}
	return nil, &soroe.Error{Code: soroe.ENotFound, Field: "material",
		Message: fmt.Sprintf("%q has no material %q (see `soroe material list --org %d`)", o.Name, ref, o.ID)}
}

func materialListCmd(a *app) *cobra.Command {
	var org string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List an organization's material, newest first, with each one's status",
		Args:  cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, _ []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				ms, err := db.Materials(ctx, o.ID)
				if err != nil {
					return err
				}
				rows := make([]*materialJSON, len(ms))
				for i, m := range ms {
					rows[i] = newMaterialJSON(m)
				}
				if asJSON {
					return a.printJSON(rows)
				}
				if len(rows) == 0 {
					fmt.Fprintf(a.stdout, "%q has no material yet (add some with `soroe material add`)\n", o.Name)
					return nil
				}
				return table([]string{"ID", "TITLE", "KIND", "SIZE", "STATUS", "PASSAGES", "ADDED"}, rows, func(m *materialJSON) []string {
					return []string{strconv.FormatInt(m.ID, 10), cell(m.Title), m.Kind, fmtSize(m.Bytes), materialStatus(m.Material),
						strconv.Itoa(m.Passages), fmtTime(m.CreatedAt)}
				}).write(a.stdout)
			})
		}),
	}
	orgFlag(cmd, &org)
	jsonFlag(cmd, &asJSON)
	return cmd
}

// readMaterialFile reads a file to add and tells its kind; nothing is
// stored when it is too large or of a kind Soroe does not read.
func readMaterialFile(name string) (kind string, data []byte, err error) {
	fi, err := os.Stat(name)
	if err != nil {
		return "", nil, &soroe.Error{Code: soroe.EInvalid, Field: "file", Message: err.Error()}
	}
	if fi.IsDir() {
		return "", nil, &soroe.Error{Code: soroe.EInvalid, Field: "file", Message: fmt.Sprintf("%s is a directory", name)}
	}
	if fi.Size() > material.MaxUpload {
		return "", nil, soroe.Invalid("file", material.ErrTooLarge)
	}
	if data, err = os.ReadFile(name); err != nil {
		return "", nil, err
	}
	if len(data) == 0 {
		return "", nil, soroe.Invalid("file", material.ErrEmpty)
	}
	kind, err = material.KindOf(name, mime.TypeByExtension(filepath.Ext(name)), data)
	return kind, data, err
}

func materialAddCmd(a *app) *cobra.Command {
	var org, as, title, rawURL string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add [FILE]",
		Short: "Add a file or (with --url) a web page as material, and read it now",
		Example: `  soroe material add --org "株式会社そろえ" --as hanako@example.jp 会社案内.pdf
  soroe material add --org "株式会社そろえ" --as hanako@example.jp --title "採用ページ" \
    --url https://www.example.co.jp/recruit/`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if (len(args) == 1) == (rawURL != "") {
				return &soroe.Error{Code: soroe.EInvalid, Field: "file", Message: "give either a FILE or --url (one of them)"}
			}
			return a.withActor(cmd, org, as, soroe.ActMaterialManage, func(ctx context.Context, db *store.DB, o *soroe.Org, u *soroe.User) error {
				m := &soroe.Material{OrgID: o.ID, CreatedBy: u.ID}
				var data []byte
				if rawURL != "" {
					pageTitle, kind, body, err := material.Fetch(ctx, rawURL, material.FetchOptionsFromEnv())
					if err != nil {
						return materialExplain(err)
					}
					m.Title, m.Kind, m.SourceURL, data = cmpOr(strings.TrimSpace(title), pageTitle), kind, rawURL, body
				} else {
					kind, body, err := readMaterialFile(args[0])
					if err != nil {
						return materialExplain(err)
					}
					base := filepath.Base(args[0])
					m.Title, m.Kind, data = cmpOr(strings.TrimSpace(title), strings.TrimSuffix(base, filepath.Ext(base))), kind, body
				}
				if err := db.CreateMaterial(ctx, m, data); err != nil {
					return materialExplain(err)
				}
				if err := material.Process(ctx, db, o.ID, m.ID); err != nil {
					// Interrupted, or the database failed: do not leave it
					// waiting for a job that will not come.
					_ = db.FailMaterial(context.WithoutCancel(ctx), m.ID, material.ErrFailed)
					return fmt.Errorf("material %d: %w", m.ID, err)
				}
				done, err := db.Material(ctx, o.ID, m.ID)
				if err != nil {
					return err
				}
				if done.Status == soroe.MaterialFailed {
					reason, hint := materialReason(done)
					return &soroe.Error{Code: soroe.EInvalid, Field: "file",
						Message: fmt.Sprintf("material %d %q could not be read: %s (%s %s It is kept as failed; delete it with `soroe material delete %d --org %d`.)",
							done.ID, done.Title, done.Error, reason, hint, done.ID, o.ID)}
				}
				if asJSON {
					return a.printJSON(newMaterialJSON(done))
				}
				fmt.Fprintf(a.stdout, "added material %d %q (%s, %s): %s\n", done.ID, done.Title, done.Kind, fmtSize(done.Bytes), passagesText(done.Passages))
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	f := cmd.Flags()
	requiredFlag(cmd, &as, "as", "email of the member who adds it: an owner or manager")
	f.StringVar(&title, "title", "", "the material's title (default: the file name without its extension, or the page's title)")
	f.StringVar(&rawURL, "url", "", "add the web page at this http(s) URL instead of a file")
	jsonFlag(cmd, &asJSON)
	return cmd
}

func materialShowCmd(a *app) *cobra.Command {
	var org string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a material and its passages",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				m, err := resolveMaterial(ctx, db, o, args[0])
				if err != nil {
					return err
				}
				ps, err := db.PassagesOf(ctx, o.ID, m.ID)
				if err != nil {
					return err
				}
				out := newMaterialJSON(m)
				if asJSON {
					return a.printJSON(materialShowJSON{Material: out, Passages: orEmpty(ps)})
				}
				by := "-"
				if u, err := db.User(ctx, m.CreatedBy); err == nil {
					by = fmt.Sprintf("%s <%s>", u.Name, u.Email)
				}
				t := &textTable{}
				t.row("ID:", strconv.FormatInt(m.ID, 10))
				t.row("Title:", cell(m.Title))
				t.row("Kind:", m.Kind)
				t.row("Size:", fmtSize(m.Bytes))
				if m.SourceURL != "" {
					t.row("URL:", cell(m.SourceURL))
				}
				t.row("Status:", materialStatus(m))
				if m.Status == soroe.MaterialFailed {
					t.row("Reason:", out.ErrorMessage)
					t.row("What to do:", out.ErrorHint)
				}
				t.row("Passages:", strconv.Itoa(m.Passages))
				t.row("Added by:", cell(by))
				t.row("Added:", fmtTime(m.CreatedAt))
				if err := t.write(a.stdout); err != nil {
					return err
				}
				for _, p := range ps {
					fmt.Fprintf(a.stdout, "\n[%d] %s\n%s\n", p.Index+1, p.Locator, p.Text)
				}
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	jsonFlag(cmd, &asJSON)
	return cmd
}

func materialDeleteCmd(a *app) *cobra.Command {
	var org string
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a material with its file and passages",
		Args:  cobra.ExactArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				m, err := resolveMaterial(ctx, db, o, args[0])
				if err != nil {
					return err
				}
				if err := db.DeleteMaterial(ctx, o.ID, m.ID); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "deleted material %d %q and its %s\n", m.ID, m.Title, passagesText(m.Passages))
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	return cmd
}

func materialSearchCmd(a *app) *cobra.Command {
	var org string
	var k int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Find the passages of an organization's material most relevant to a query",
		Long: `Find the passages of an organization's ready material most relevant to a
query, best first, as drafts made from material retrieve them.`,
		Example: `  soroe material search --org "株式会社そろえ" "育児休業の取得率"`,
		Args:    cobra.MinimumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			q := strings.TrimSpace(strings.Join(args, " "))
			if q == "" {
				return &soroe.Error{Code: soroe.EInvalid, Field: "query", Message: "give words to look for"}
			}
			if k < 1 || k > 50 {
				return &soroe.Error{Code: soroe.EInvalid, Field: "k", Message: "give --k from 1 to 50"}
			}
			return a.withOrg(cmd, org, func(ctx context.Context, db *store.DB, o *soroe.Org) error {
				ps, err := material.NewRetriever(db).Retrieve(ctx, o.ID, q, k)
				if err != nil {
					return err
				}
				if asJSON {
					return a.printJSON(orEmpty(ps))
				}
				if len(ps) == 0 {
					fmt.Fprintf(a.stdout, "no passage of %q's material matches %q\n", o.Name, q)
					return nil
				}
				for i, p := range ps {
					if i > 0 {
						fmt.Fprintln(a.stdout)
					}
					fmt.Fprintf(a.stdout, "%d. %s, %s (material %d, score %.2f)\n%s\n", i+1, p.Title, p.Locator, p.MaterialID, p.Score, p.Text)
				}
				return nil
			})
		}),
	}
	orgFlag(cmd, &org)
	cmd.Flags().IntVar(&k, "k", 5, "how many passages to print at most (1–50)")
	jsonFlag(cmd, &asJSON)
	return cmd
}
