package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
)

// jsonMaterial is a material as `soroe material list|add --json` print it.
type jsonMaterial struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	Title        string    `json:"title"`
	Kind         string    `json:"kind"`
	SourceURL    string    `json:"source_url"`
	Bytes        int64     `json:"bytes"`
	Status       string    `json:"status"`
	Progress     int       `json:"progress"`
	Error        string    `json:"error"`
	ErrorMessage string    `json:"error_message"`
	ErrorHint    string    `json:"error_hint"`
	Passages     int       `json:"passages"`
	CreatedBy    int64     `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

type jsonPassage struct {
	ID            int64   `json:"id"`
	MaterialID    int64   `json:"material_id"`
	MaterialTitle string  `json:"material_title"`
	Index         int     `json:"index"`
	Locator       string  `json:"locator"`
	Text          string  `json:"text"`
	Score         float64 `json:"score"`
}

var addedMaterial = regexp.MustCompile(`^added material (\d+) "([^"]+)" \((\w+), [\d.]+ [KM]?B\): (\d+) passages?\n$`)

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMaterialCommands(t *testing.T) {
	onEngines(t, func(t *testing.T, c *cliEnv) {
		ctx := context.Background()
		c.addUser("owner@example.jp", "山田 花子")
		c.addUser("pr@example.jp", "鈴木 広報")
		c.addUser("staff@example.jp", "田中 太郎")
		c.addUser("other@example.jp", "別会社")
		c.ok("org", "add", "--name", "A社", "--owner", "owner@example.jp")
		c.ok("org", "add", "--name", "B社", "--owner", "other@example.jp")
		c.ok("member", "add", "--org", "A社", "--email", "pr@example.jp", "--role", "manager")
		c.ok("member", "add", "--org", "A社", "--email", "staff@example.jp", "--role", "staff")

		if out := c.ok("material", "list", "--org", "A社"); !strings.Contains(out, "no material yet") {
			t.Errorf("empty list printed %q", out)
		}
		var none []jsonMaterial
		c.json(&none, "material", "list", "--org", "A社")
		if none == nil || len(none) != 0 {
			t.Errorf("empty list --json = %v", none)
		}

		dir := t.TempDir()
		pdf, err := materialtest.JapanesePDF("会社案内", []string{"山田工務店 会社案内", "創業は1978年、浜松で地域の家づくりを続けています。"})
		pdfLine := "創業は1978年、浜松で地域の家づくりを続けています。"
		if err != nil {
			t.Logf("Japanese PDF unavailable (%v): using an ASCII PDF", err)
			pdf, pdfLine = materialtest.PDF("Company", []string{"Founded in 1978 in Hamamatsu."}), "Founded in 1978 in Hamamatsu."
		}
		files := []struct{ path, kind, title, line string }{
			{writeFile(t, dir, "会社案内.pdf", pdf), material.PDF, "会社案内", pdfLine},
			{writeFile(t, dir, "採用案内.docx", materialtest.DOCX("採用案内", "# 働く環境", "社員の平均年齢は34歳で、育児休業の取得率は100%です。")), material.DOCX, "採用案内", "育児休業の取得率は100%です。"},
			{writeFile(t, dir, "施工事例.pptx", materialtest.PPTX("施工事例", []string{"施工事例", "築40年の住宅を断熱改修し、冬の暖房費が3割減りました。"})), material.PPTX, "施工事例", "冬の暖房費が3割減りました。"},
		}
		ids := map[string]string{}
		for _, f := range files {
			out := c.ok("material", "add", "--org", "A社", "--as", "pr@example.jp", f.path)
			m := addedMaterial.FindStringSubmatch(out)
			if m == nil || m[2] != f.title || m[3] != f.kind || m[4] == "0" {
				t.Fatalf("add %s printed %q", f.path, out)
			}
			ids[f.title] = m[1]
			var shown struct {
				Material jsonMaterial  `json:"material"`
				Passages []jsonPassage `json:"passages"`
			}
			c.json(&shown, "material", "show", m[1], "--org", "A社")
			var text strings.Builder
			for _, p := range shown.Passages {
				text.WriteString(p.Text)
			}
			if shown.Material.Status != soroe.MaterialReady || len(shown.Passages) != shown.Material.Passages ||
				!strings.Contains(strings.Join(strings.Fields(text.String()), ""), strings.Join(strings.Fields(f.line), "")) {
				t.Errorf("show %s: %+v", f.title, shown)
			}
		}
		// With a title, and as JSON.
		var added jsonMaterial
		c.json(&added, "material", "add", "--org", "A社", "--as", "owner@example.jp", "--title", "社長メッセージ",
			writeFile(t, dir, "msg.md", []byte("# ごあいさつ\n\n地域に根ざした家づくりを、これからも続けます。")))
		if added.Title != "社長メッセージ" || added.Kind != material.Markdown || added.Status != soroe.MaterialReady || added.Passages != 1 {
			t.Errorf("add --json: %+v", added)
		}

		out := c.ok("material", "list", "--org", "A社")
		for _, s := range []string{"TITLE", "STATUS", "会社案内", "採用案内", "施工事例", "ready", "pdf", "docx", "pptx"} {
			if !strings.Contains(out, s) {
				t.Errorf("list lacks %q:\n%s", s, out)
			}
		}
		if i, j := strings.Index(out, "社長メッセージ"), strings.Index(out, "会社案内"); i > j {
			t.Errorf("list is not newest first:\n%s", out)
		}
		show := c.ok("material", "show", ids["施工事例"], "--org", "A社")
		for _, s := range []string{"Title:", "施工事例", "Added by:", "鈴木 広報", "[1] slide 1", "冬の暖房費が3割減りました。"} {
			if !strings.Contains(show, s) {
				t.Errorf("show lacks %q:\n%s", s, show)
			}
		}

		// Search, in Japanese.
		out = c.ok("material", "search", "--org", "A社", "育児休業の取得率")
		if !strings.HasPrefix(out, "1. 採用案内, ") || !strings.Contains(out, "育児休業の取得率は100%です。") {
			t.Errorf("search printed %q", out)
		}
		var hits []jsonPassage
		c.json(&hits, "material", "search", "--org", "A社", "--k", "1", "断熱改修")
		if len(hits) != 1 || hits[0].MaterialTitle != "施工事例" || hits[0].Score <= 0 {
			t.Errorf("search --json: %+v", hits)
		}
		if out := c.ok("material", "search", "--org", "A社", "量子コンピュータ"); !strings.Contains(out, "no passage") {
			t.Errorf("search without hits printed %q", out)
		}
		var bHits []jsonPassage
		c.json(&bHits, "material", "search", "--org", "B社", "断熱改修")
		if len(bHits) != 0 {
			t.Errorf("B社 found A社's passages: %+v", bHits)
		}

		// Files that cannot be read.
		count := len(mustMaterials(t, c, "A社"))
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp", writeFile(t, dir, "locked.docx", materialtest.EncryptedDOCX())),
			soroe.EInvalid, "file", "material_encrypted", "password-protected")
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp", writeFile(t, dir, "tool.exe", []byte("MZ\x90\x00"))),
			soroe.EInvalid, "file", "material_unsupported")
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp", writeFile(t, dir, "big.txt", bytes.Repeat([]byte("a"), material.MaxUpload+1))),
			soroe.EInvalid, "file", "material_too_large")
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp", filepath.Join(dir, "missing.pdf")), soroe.EInvalid, "file")
		if n := len(mustMaterials(t, c, "A社")); n != count {
			t.Errorf("refused files were stored: %d, want %d", n, count)
		}
		// An encrypted PDF is stored, read, and kept as failed with no
		// passages; the error says why and what to do.
		err = c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp", writeFile(t, dir, "locked.pdf", materialtest.EncryptedPDF()))
		wantErr(t, err, soroe.EInvalid, "file", "material_encrypted", "password-protected", "Remove the password", "soroe material delete")
		ms := mustMaterials(t, c, "A社")
		if locked, ok := ms["locked"]; !ok || locked.Status != soroe.MaterialFailed || locked.Passages != 0 || locked.ErrorHint == "" {
			t.Errorf("encrypted PDF: %+v", locked)
		}
		if out := c.ok("material", "list", "--org", "A社"); !strings.Contains(out, "failed: material_encrypted") {
			t.Errorf("list does not show the failure:\n%s", out)
		}

		// Who may add, and usage errors.
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "staff@example.jp", files[0].path), soroe.EForbidden, "as", "owner or manager")
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp"), soroe.EInvalid, "file", "FILE or --url")
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp", "--url", "https://example.com/", files[0].path), soroe.EInvalid, "file")
		wantErr(t, c.fails("material", "show", ids["会社案内"], "--org", "B社"), soroe.ENotFound, "material", "soroe material list")
		wantErr(t, c.fails("material", "delete", ids["会社案内"], "--org", "B社"), soroe.ENotFound, "material")
		wantErr(t, c.fails("material", "search", "--org", "A社", "--k", "0", "x"), soroe.EInvalid, "k")

		// Web pages: the SSRF guard refuses loopback unless allowed.
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>採用情報</title></head><body><h1>採用情報</h1><p>大工見習いを募集しています。未経験でも歓迎します。</p></body></html>`)
		}))
		defer site.Close()
		t.Setenv(material.EnvAllowPrivateURLs, "")
		wantErr(t, c.fails("material", "add", "--org", "A社", "--as", "pr@example.jp", "--url", site.URL+"/recruit"),
			soroe.EInvalid, "url", "url_forbidden", "SOROE_ALLOW_PRIVATE_URLS=1")
		t.Setenv(material.EnvAllowPrivateURLs, "1")
		out = c.ok("material", "add", "--org", "A社", "--as", "pr@example.jp", "--url", site.URL+"/recruit")
		m := addedMaterial.FindStringSubmatch(out)
		if m == nil || m[2] != "採用情報" || m[3] != material.HTML {
			t.Fatalf("add --url printed %q", out)
		}
		if show := c.ok("material", "show", m[1], "--org", "A社"); !strings.Contains(show, "大工見習いを募集しています。") || !strings.Contains(show, site.URL+"/recruit") {
			t.Errorf("web material:\n%s", show)
		}

		// Delete removes the passages.
		out = c.ok("material", "delete", ids["採用案内"], "--org", "A社")
		if !strings.HasPrefix(out, "deleted material "+ids["採用案内"]+` "採用案内" and its 1 passage`) {
			t.Errorf("delete printed %q", out)
		}
		ps, err := c.db().Passages(ctx, mustOrgID(t, c, "A社"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if fmt.Sprint(p.MaterialID) == ids["採用案内"] {
				t.Errorf("a passage of the deleted material remains: %+v", p)
			}
		}
		var after []jsonPassage
		c.json(&after, "material", "search", "--org", "A社", "育児休業の取得率")
		for _, h := range after {
			if strings.Contains(h.Text, "育児休業") {
				t.Errorf("search still finds the deleted material: %+v", h)
			}
		}
	})
}

func mustMaterials(t *testing.T, c *cliEnv, org string) map[string]jsonMaterial {
	t.Helper()
	var ms []jsonMaterial
	c.json(&ms, "material", "list", "--org", org)
	out := map[string]jsonMaterial{}
	for _, m := range ms {
		out[m.Title] = m
	}
	return out
}

func mustOrgID(t *testing.T, c *cliEnv, name string) int64 {
	t.Helper()
	o, err := resolveOrg(context.Background(), c.db(), name)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}
