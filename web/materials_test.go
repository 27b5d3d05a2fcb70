package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/i18n"
	"github.com/soroe/soroe/material"
	"github.com/soroe/soroe/material/materialtest"
	"github.com/soroe/soroe/store"
	"github.com/soroe/soroe/store/storetest"
)

func init() {
	// The role walk sends JSON: a web page on a loopback address, which the
	// SSRF guard refuses (422) for the roles that may add material.
	walkBodies["POST /api/v1/materials"] = `{"url":"http://127.0.0.1:1/x"}`
	// Every fixture's org A has a ready material whose title and text an
	// outsider must never see.
	fixtureHooks = append(fixtureHooks, func(t testing.TB, e *env, f *fixture) {
		ctx := context.Background()
		n := seq.Add(1)
		title := fmt.Sprintf("社外秘の会社案内 %d", n)
		text := fmt.Sprintf("新製品ソロエ%d号は来年の春に発売します。", n)
		m := &soroe.Material{OrgID: f.A.ID, Title: title, Kind: material.TXT, CreatedBy: f.Users[soroe.RoleManager].ID}
		if err := e.db.CreateMaterial(ctx, m, []byte(text)); err != nil {
			t.Fatal(err)
		}
		if err := material.Process(ctx, e.db, f.A.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		f.Wild["material"] = strconv.FormatInt(m.ID, 10)
		f.Secrets = append(f.Secrets, title, text)
	})
}

// matFile is a file to upload.
type matFile struct {
	Name, Type string
	Data       []byte
}

// multipartBody encodes fields and, unless nil, the file as
// multipart/form-data.
func multipartBody(t testing.TB, fields map[string]string, f *matFile) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if f != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, f.Name))
		h.Set("Content-Type", f.Type)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(f.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b, mw.FormDataContentType()
}

// uploadMaterial posts the upload form as a browser does: multipart, with
// the CSRF token as a field.
func (c *client) uploadMaterial(t testing.TB, title string, f *matFile) *resp {
	t.Helper()
	if c.csrf == "" {
		t.Fatal("no CSRF token yet")
	}
	body, ct := multipartBody(t, map[string]string{"csrf_token": c.csrf, "title": title}, f)
	return c.do(t, http.MethodPost, "/materials", body, http.Header{"Content-Type": {ct}})
}

// apiUploadMaterial posts a file to the API with a bearer token.
func (e *env) apiUploadMaterial(t testing.TB, token, title string, f *matFile) *resp {
	t.Helper()
	fields := map[string]string{}
	if title != "" {
		fields["title"] = title
	}
	body, ct := multipartBody(t, fields, f)
	return e.apiRaw(t, http.MethodPost, "/api/v1/materials", token, body, http.Header{"Content-Type": {ct}})
}

// sampleMaterials are a real PDF, DOCX and PPTX in Japanese, each with a
// sentence that only it holds.
func sampleMaterials(t testing.TB) (files []*matFile, sentences []string) {
	t.Helper()
	pdfLine := "創業は1978年、浜松で地域の家づくりを続けています。"
	pdf, err := materialtest.JapanesePDF("会社案内", []string{"山田工務店 会社案内", pdfLine}, []string{"断熱改修と耐震補強を得意としています。"})
	if err != nil {
		// Without the IPA font, an ASCII PDF still proves the path.
		t.Logf("Japanese PDF unavailable (%v): using an ASCII PDF", err)
		pdfLine = "Founded in 1978 in Hamamatsu."
		pdf = materialtest.PDF("Company profile", []string{"Yamada Builders", pdfLine})
	}
	docxLine := "社員の平均年齢は34歳で、育児休業の取得率は100%です。"
	docx := materialtest.DOCX("採用案内", "# 働く環境", docxLine, "# 募集職種", "大工見習いと現場監督を募集しています。")
	pptxLine := "築40年の住宅を断熱改修し、冬の暖房費が3割減りました。"
	pptx := materialtest.PPTX("施工事例", []string{"施工事例", pptxLine}, []string{"お客様の声", "冬でも素足で過ごせる家になりました。"})
	return []*matFile{
		{Name: "会社案内.pdf", Type: "application/pdf", Data: pdf},
		{Name: "採用案内.docx", Type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data: docx},
		{Name: "施工事例.pptx", Type: "application/vnd.openxmlformats-officedocument.presentationml.presentation", Data: pptx},
	}, []string{pdfLine, docxLine, pptxLine}
}

// materialsOf returns an organization's materials by title.
func materialsOf(t testing.TB, db *store.DB, orgID int64) map[string]*soroe.Material {
	t.Helper()
	ms, err := db.Materials(context.Background(), orgID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*soroe.Material{}
	for _, m := range ms {
		out[m.Title] = m
	}
	return out
}

// passageText is all of a material's passages' text.
func passageText(t testing.TB, db *store.DB, orgID, id int64) string {
	t.Helper()
	ps, err := db.PassagesOf(context.Background(), orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Text)
		b.WriteString("\n")
	}
	return b.String()
}

// oneLine joins a text's lines, as passages may break a PDF line anywhere
// but keep its characters.
func oneLine(s string) string { return strings.Join(strings.Fields(s), "") }

func TestMaterialUI(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		ctx := context.Background()
		before := len(materialsOf(t, db, f.A.ID))
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		page := mgr.get(t, "/materials")
		want(t, page, http.StatusOK)
		for _, s := range []string{"資料", `enctype="multipart/form-data"`, "20 MB", `accept=".pdf,.docx,.pptx,.txt,.md`, `action="/materials/url"`, "準備完了"} {
			if !strings.Contains(page.Body, s) {
				t.Errorf("list page lacks %q", s)
			}
		}

		// A real PDF, DOCX and PPTX: ready, with their text in passages.
		files, sentences := sampleMaterials(t)
		for i, file := range files {
			r := mgr.uploadMaterial(t, "", file)
			wantRedirect(t, r, "/materials")
			title := strings.TrimSuffix(file.Name, file.Name[strings.LastIndex(file.Name, "."):])
			m := materialsOf(t, db, f.A.ID)[title]
			if m == nil {
				t.Fatalf("%s: not stored under the file's name %q: %v", file.Name, title, materialsOf(t, db, f.A.ID))
			}
			if m.Status != soroe.MaterialReady || m.Passages == 0 || m.Progress != 100 || m.CreatedBy != f.Users[soroe.RoleManager].ID {
				t.Errorf("%s: %+v", file.Name, m)
			}
			if got := oneLine(passageText(t, db, f.A.ID, m.ID)); !strings.Contains(got, oneLine(sentences[i])) {
				t.Errorf("%s: passages lack %q: %s", file.Name, sentences[i], got)
			}
			list := mgr.get(t, "/materials")
			if !strings.Contains(list.Body, "資料を登録しました") {
				t.Errorf("%s: no flash after upload", file.Name)
			}
			detail := mgr.get(t, "/materials/"+strconv.FormatInt(m.ID, 10))
			want(t, detail, http.StatusOK)
			for _, s := range []string{title, f.Users[soroe.RoleManager].Name, "準備完了", "読み取った文章", `data-confirm=`} {
				if !strings.Contains(detail.Body, s) {
					t.Errorf("%s: detail page lacks %q", file.Name, s)
				}
			}
		}
		list := mgr.get(t, "/materials")
		for _, s := range []string{"PDF", "Word", "PowerPoint", "件の文章"} {
			if !strings.Contains(list.Body, s) {
				t.Errorf("list lacks %q", s)
			}
		}
		if strings.Contains(list.Body, "data-processing") {
			t.Error("nothing is processing, yet the list would keep refreshing")
		}
		// Newest first.
		if i, j := strings.Index(list.Body, "施工事例"), strings.Index(list.Body, "採用案内"); i < 0 || j < 0 || i > j {
			t.Error("the list is not newest first")
		}
		// The slides read as スライド in Japanese.
		pptx := materialsOf(t, db, f.A.ID)["施工事例"]
		if d := mgr.get(t, fmt.Sprint("/materials/", pptx.ID)); !strings.Contains(d.Body, "スライド1") {
			t.Error("the PPTX's passages do not say which slide")
		}

		// A title typed in the form wins over the file name.
		wantRedirect(t, mgr.uploadMaterial(t, "  メモ　2026年版 ", &matFile{Name: "memo.md", Type: "text/markdown", Data: []byte("# 社長メッセージ\n\n地域に根ざした家づくりを。")}), "/materials")
		if m := materialsOf(t, db, f.A.ID)["メモ 2026年版"]; m == nil || m.Kind != material.Markdown || m.Status != soroe.MaterialReady {
			t.Errorf("typed title: %v", materialsOf(t, db, f.A.ID))
		}
		count := len(materialsOf(t, db, f.A.ID))
		if count != before+4 {
			t.Fatalf("%d materials, want %d", count, before+4)
		}

		// An encrypted PDF passes the cheap checks, then fails clearly, with
		// no passages.
		wantRedirect(t, mgr.uploadMaterial(t, "", &matFile{Name: "秘密.pdf", Type: "application/pdf", Data: materialtest.EncryptedPDF()}), "/materials")
		enc := materialsOf(t, db, f.A.ID)["秘密"]
		if enc == nil || enc.Status != soroe.MaterialFailed || enc.Error != material.ErrEncrypted || enc.Passages != 0 {
			t.Fatalf("encrypted PDF: %+v", enc)
		}
		if ps, _ := db.PassagesOf(ctx, f.A.ID, enc.ID); len(ps) != 0 {
			t.Errorf("encrypted PDF has passages: %v", ps)
		}
		list = mgr.get(t, "/materials")
		for _, s := range []string{"読み取れませんでした", "失敗", "パスワードで保護されたファイルは読み取れません", "パスワードを外して保存し直して"} {
			if !strings.Contains(list.Body, s) {
				t.Errorf("failed material: list lacks %q", s)
			}
		}
		if d := mgr.get(t, fmt.Sprint("/materials/", enc.ID)); !strings.Contains(d.Body, "パスワードを外して") || strings.Contains(d.Body, "読み取った文章</h2>") {
			t.Error("failed material's page: no reason, or a passages section")
		}
		count++

		// Refused before anything is stored: a password-protected DOCX (an
		// OLE file), a kind Soroe does not read, a file over the limit, no
		// file at all.
		refused := []struct {
			name   string
			file   *matFile
			status int
			text   string
		}{
			{"encrypted docx", &matFile{Name: "給与規程.docx", Type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data: materialtest.EncryptedDOCX()}, 422, "パスワードで保護されたファイルは読み取れません"},
			{"unsupported", &matFile{Name: "tool.exe", Type: "application/octet-stream", Data: []byte("MZ\x90\x00\x03\x00\x00\x00")}, 422, "この形式のファイルには対応していません"},
			{"image", &matFile{Name: "logo.png", Type: "image/png", Data: []byte("\x89PNG\r\n\x1a\n\x00\x00")}, 422, "この形式のファイルには対応していません"},
			{"not a pdf", &matFile{Name: "fake.pdf", Type: "application/pdf", Data: []byte("just text")}, 422, "ファイルが壊れている"},
			{"empty", &matFile{Name: "empty.txt", Type: "text/plain", Data: nil}, 422, "文章が見つかりませんでした"},
			{"too large", &matFile{Name: "big.txt", Type: "text/plain", Data: bytes.Repeat([]byte("あ"), material.MaxUpload/3+1)}, 413, "ファイルが大きすぎます"},
			{"no file", nil, 422, "ファイルを選んでください"},
		}
		for _, c := range refused {
			r := mgr.uploadMaterial(t, "", c.file)
			if r.Status != c.status || !strings.Contains(r.Body, c.text) {
				t.Errorf("%s: %d, want %d with %q", c.name, r.Status, c.status, c.text)
			}
			if !strings.Contains(r.Body, `class="field-error" role="alert"`) {
				t.Errorf("%s: the error is not shown at the file field", c.name)
			}
			if n := len(materialsOf(t, db, f.A.ID)); n != count {
				t.Errorf("%s: stored something (%d materials, want %d)", c.name, n, count)
			}
		}
		// A title that is too long comes back with the form.
		r := mgr.uploadMaterial(t, strings.Repeat("長", 201), &matFile{Name: "a.txt", Type: "text/plain", Data: []byte("本文です。")})
		want(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.Body, "長すぎます") {
			t.Error("too long title: no message")
		}

		// Search finds the DOCX's sentence.
		s := mgr.get(t, "/materials?q="+url.QueryEscape("育児休業の取得率"))
		want(t, s, http.StatusOK)
		if !strings.Contains(s.Body, "育児休業の取得率は100%です") || !strings.Contains(s.Body, "mat-hits") {
			t.Error("search did not find the DOCX's passage")
		}
		if s := mgr.get(t, "/materials?q="+url.QueryEscape("量子コンピュータ")); !strings.Contains(s.Body, "見つかりませんでした") {
			t.Error("a search with no hit says nothing")
		}

		// Staff read, but may not add or delete.
		staff := e.loggedIn(t, f.Users[soroe.RoleStaff])
		sp := staff.get(t, "/materials")
		want(t, sp, http.StatusOK)
		if strings.Contains(sp.Body, `enctype="multipart/form-data"`) || strings.Contains(sp.Body, `action="/materials/url"`) || !strings.Contains(sp.Body, "オーナーとマネージャーができます") {
			t.Error("staff see the upload form")
		}
		if d := staff.get(t, fmt.Sprint("/materials/", pptx.ID)); d.Status != http.StatusOK || strings.Contains(d.Body, "/delete") {
			t.Errorf("staff detail: %d, or with a delete button", d.Status)
		}
		want(t, staff.uploadMaterial(t, "", files[0]), http.StatusForbidden)
		want(t, staff.post(t, fmt.Sprintf("/materials/%d/delete", pptx.ID), nil), http.StatusForbidden)
		want(t, staff.post(t, "/materials/url", url.Values{"url": {"https://example.com/"}}), http.StatusForbidden)
		if n := len(materialsOf(t, db, f.A.ID)); n != count {
			t.Errorf("staff changed the materials: %d, want %d", n, count)
		}

		// Another organization's owner finds nothing.
		out := e.loggedIn(t, f.Outsider)
		want(t, out.get(t, fmt.Sprint("/materials/", pptx.ID)), http.StatusNotFound)
		want(t, out.post(t, fmt.Sprintf("/materials/%d/delete", pptx.ID), nil), http.StatusNotFound)
		if l := out.get(t, "/materials?q="+url.QueryEscape("断熱改修")); strings.Contains(l.Body, "施工事例") || strings.Contains(l.Body, "暖房費") {
			t.Error("org A's material leaked into org B's list or search")
		}
		want(t, mgr.get(t, "/materials/999999"), http.StatusNotFound)
		want(t, mgr.get(t, "/materials/abc"), http.StatusNotFound)

		// Deleting removes the passages.
		wantRedirect(t, mgr.post(t, fmt.Sprintf("/materials/%d/delete", pptx.ID), nil), "/materials")
		if _, err := db.Material(ctx, f.A.ID, pptx.ID); !errors.Is(err, soroe.ErrNotFound) {
			t.Errorf("deleted material: %v", err)
		}
		all, err := db.Passages(ctx, f.A.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range all {
			if p.MaterialID == pptx.ID {
				t.Fatalf("a passage of the deleted material remains: %+v", p)
			}
		}
		if !strings.Contains(mgr.get(t, "/materials").Body, "削除しました") {
			t.Error("no flash after delete")
		}
		want(t, mgr.post(t, fmt.Sprintf("/materials/%d/delete", pptx.ID), nil), http.StatusNotFound)
	})
}

// The English UI is complete.
func TestMaterialUIEnglish(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		u := *f.Users[soroe.RoleOwner]
		u.Lang = soroe.LangEN
		if err := db.UpdateUser(context.Background(), &u); err != nil {
			t.Fatal(err)
		}
		c := e.loggedIn(t, &u)
		wantRedirect(t, c.uploadMaterial(t, "", &matFile{Name: "locked.pdf", Type: "application/pdf", Data: materialtest.EncryptedPDF()}), "/materials")
		r := c.get(t, "/materials")
		for _, s := range []string{"Company material", "Upload a file", "Add a web page", "Ready", "1 passage", "Failed", "password-protected", "Remove the password"} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("English list lacks %q", s)
			}
		}
		if strings.Contains(r.Body, "material.") || strings.Contains(r.Body, "error.") {
			t.Error("a raw catalog key on the English page")
		}
	})
}

// pageServer serves a Japanese web page and a binary file on loopback.
func pageServer(t *testing.T) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/recruit/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><html lang="ja"><head><title>採用情報｜山田工務店</title></head><body>
<nav>トップ 会社概要 採用情報</nav>
<main><h1>採用情報</h1><p>私たちは浜松で、木の家づくりを続けている工務店です。</p>
<h2>募集職種</h2><p>大工見習いを募集しています。未経験でも、先輩が一から道具の使い方を教えます。</p></main>
</body></html>`)
		case "/logo.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts
}

func TestMaterialURL(t *testing.T) {
	storetest.DB(t, func(t *testing.T, db *store.DB, clock *storetest.Clock) {
		site := pageServer(t)
		page := site.URL + "/recruit/"

		// By default the SSRF guard refuses the loopback address.
		e := newEnv(t, db, clock)
		f := e.fixture(t)
		before := len(materialsOf(t, db, f.A.ID))
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		mgr.get(t, "/materials")
		r := mgr.post(t, "/materials/url", url.Values{"url": {page}, "url_title": {"採用"}})
		want(t, r, http.StatusUnprocessableEntity)
		for _, s := range []string{"安全のため取り込めません", "SOROE_ALLOW_PRIVATE_URLS=1", page, `value="採用"`} {
			if !strings.Contains(r.Body, s) {
				t.Errorf("refused URL: page lacks %q", s)
			}
		}
		tok := e.token(t, f.A, f.Users[soroe.RoleManager])
		p := e.api(t, "POST", "/api/v1/materials", tok, map[string]any{"url": page}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		if p["field"] != "url" || !strings.Contains(fmt.Sprint(p["detail"]), "cannot be added") {
			t.Errorf("refused URL problem: %v", p)
		}
		for _, bad := range []string{"", "ftp://example.com/x", "http://user:pw@example.com/", "javascript:alert(1)"} {
			if r := mgr.post(t, "/materials/url", url.Values{"url": {bad}}); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("URL %q: %s", bad, r)
			}
		}
		if n := len(materialsOf(t, db, f.A.ID)); n != before {
			t.Fatalf("refused URLs stored material: %d, want %d", n, before)
		}

		// Allowed when the server is configured so: the page's text becomes
		// passages, its title the material's.
		e2 := newEnv(t, db, clock, func(c *Config) { c.Fetch = material.FetchOptions{AllowPrivate: true} })
		mgr2 := e2.loggedIn(t, f.Users[soroe.RoleManager])
		mgr2.get(t, "/materials")
		wantRedirect(t, mgr2.post(t, "/materials/url", url.Values{"url": {page}}), "/materials")
		m := materialsOf(t, db, f.A.ID)["採用情報｜山田工務店"]
		if m == nil || m.Kind != material.HTML || m.SourceURL != page || m.Status != soroe.MaterialReady {
			t.Fatalf("web material: %+v", m)
		}
		text := passageText(t, db, f.A.ID, m.ID)
		if !strings.Contains(text, "大工見習いを募集しています") || strings.Contains(text, "<p>") {
			t.Errorf("web material's passages: %q", text)
		}
		d := mgr2.get(t, fmt.Sprint("/materials/", m.ID))
		if !strings.Contains(d.Body, `href="`+page+`"`) || !strings.Contains(d.Body, ">Web<") {
			t.Error("web material's page lacks its source link or kind")
		}
		// Through the API, with a title.
		r = e2.api(t, "POST", "/api/v1/materials", tok, map[string]any{"url": page, "title": "採用ページ"})
		want(t, r, http.StatusAccepted)
		if j := r.json(t); j["title"] != "採用ページ" || j["source_url"] != page || j["status"] != soroe.MaterialReady {
			t.Errorf("API web material: %s", r.Body)
		}
		loadOpenAPI(t).checkResponse(t, "POST /api/v1/materials", r)
		// Pages Soroe cannot read are refused.
		e2.api(t, "POST", "/api/v1/materials", tok, map[string]any{"url": site.URL + "/logo.png"}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		e2.api(t, "POST", "/api/v1/materials", tok, map[string]any{"url": site.URL + "/missing"}).problem(t, http.StatusUnprocessableEntity, soroe.EInvalid)
		e2.api(t, "POST", "/api/v1/materials", tok, map[string]any{"url": page, "extra": 1}).problem(t, http.StatusBadRequest, "bad_json")
	})
}

func TestMaterialAPI(t *testing.T) {
	apiTest(t, func(t *testing.T, e *env, f *fixture, owner, staff string) {
		d := loadOpenAPI(t)
		ctx := context.Background()
		mgr := e.token(t, f.A, f.Users[soroe.RoleManager])
		check := func(route string, r *resp, status int) {
			t.Helper()
			want(t, r, status)
			d.checkResponse(t, route, r)
		}
		before := len(materialsOf(t, e.db, f.A.ID))

		files, sentences := sampleMaterials(t)
		ids := make([]int64, len(files))
		for i, file := range files {
			r := e.apiUploadMaterial(t, mgr, "", file)
			check("POST /api/v1/materials", r, http.StatusAccepted)
			j := r.json(t)
			id := int64(j["id"].(float64))
			ids[i] = id
			if j["status"] != soroe.MaterialReady || j["passages"].(float64) < 1 || r.Header.Get("Location") != fmt.Sprint("/api/v1/materials/", id) {
				t.Errorf("%s: %s (Location %q)", file.Name, r.Body, r.Header.Get("Location"))
			}
			p := e.api(t, "GET", fmt.Sprintf("/api/v1/materials/%d/passages", id), staff, nil)
			check("GET /api/v1/materials/{material}/passages", p, http.StatusOK)
			if !strings.Contains(oneLine(p.Body), oneLine(sentences[i])) {
				t.Errorf("%s: passages lack %q: %s", file.Name, sentences[i], p.Body)
			}
		}
		// Owners may add too, with a title.
		r := e.apiUploadMaterial(t, owner, "社長メッセージ", &matFile{Name: "msg.txt", Type: "text/plain", Data: []byte("地域に根ざした家づくりを、これからも。")})
		check("POST /api/v1/materials", r, http.StatusAccepted)
		if r.json(t)["title"] != "社長メッセージ" {
			t.Errorf("title: %s", r.Body)
		}

		list := e.api(t, "GET", "/api/v1/materials", staff, nil)
		check("GET /api/v1/materials", list, http.StatusOK)
		if ms := list.json(t)["materials"].([]any); len(ms) != before+4 || ms[0].(map[string]any)["title"] != "社長メッセージ" {
			t.Errorf("list (newest first): %s", list.Body)
		}
		check("GET /api/v1/materials/{material}", e.api(t, "GET", fmt.Sprint("/api/v1/materials/", ids[1]), staff, nil), http.StatusOK)

		// An encrypted PDF is accepted, then fails with its reason and no
		// passages.
		r = e.apiUploadMaterial(t, mgr, "", &matFile{Name: "locked.pdf", Type: "application/pdf", Data: materialtest.EncryptedPDF()})
		check("POST /api/v1/materials", r, http.StatusAccepted)
		j := r.json(t)
		if j["status"] != soroe.MaterialFailed || j["error"] != material.ErrEncrypted || !strings.Contains(fmt.Sprint(j["error_message"]), "password-protected") ||
			!strings.Contains(fmt.Sprint(j["error_hint"]), "Remove the password") || j["passages"].(float64) != 0 {
			t.Errorf("encrypted PDF: %s", r.Body)
		}
		p := e.api(t, "GET", fmt.Sprintf("/api/v1/materials/%v/passages", j["id"]), staff, nil)
		check("GET /api/v1/materials/{material}/passages", p, http.StatusOK)
		if strings.TrimSpace(p.Body) != `{"passages":[]}` {
			t.Errorf("failed material's passages: %s", p.Body)
		}
		stored := len(materialsOf(t, e.db, f.A.ID))

		// Refused with nothing stored.
		for _, c := range []struct {
			name   string
			file   *matFile
			status int
			code   string
		}{
			{"encrypted docx", &matFile{Name: "locked.docx", Type: "application/octet-stream", Data: materialtest.EncryptedDOCX()}, 422, soroe.EInvalid},
			{"unsupported", &matFile{Name: "a.zip", Type: "application/zip", Data: []byte("PK\x03\x04rest")}, 422, soroe.EInvalid},
			{"too large", &matFile{Name: "big.txt", Type: "text/plain", Data: bytes.Repeat([]byte("a"), material.MaxUpload+1)}, 413, "too_large"},
			{"far too large", &matFile{Name: "huge.txt", Type: "text/plain", Data: bytes.Repeat([]byte("a"), material.MaxUpload+2<<20)}, 413, "too_large"},
			{"no file", nil, 422, soroe.EInvalid},
		} {
			r := e.apiUploadMaterial(t, mgr, "", c.file)
			if r.Status != c.status {
				t.Errorf("%s: %s, want %d", c.name, r, c.status)
				continue
			}
			pr := r.problem(t, c.status, c.code)
			if pr["field"] != "file" {
				t.Errorf("%s: problem %v", c.name, pr)
			}
			d.checkResponse(t, "POST /api/v1/materials", r)
			if n := len(materialsOf(t, e.db, f.A.ID)); n != stored {
				t.Errorf("%s: stored something", c.name)
			}
		}
		r = e.apiRaw(t, "POST", "/api/v1/materials", mgr, strings.NewReader("hello"), http.Header{"Content-Type": {"text/plain"}})
		check("POST /api/v1/materials", r, http.StatusUnsupportedMediaType)
		r = e.apiRaw(t, "POST", "/api/v1/materials", mgr, strings.NewReader("--x\r\nbroken"), http.Header{"Content-Type": {"multipart/form-data; boundary=x"}})
		check("POST /api/v1/materials", r, http.StatusBadRequest)
		check("POST /api/v1/materials", e.api(t, "POST", "/api/v1/materials", mgr, map[string]any{}), http.StatusUnprocessableEntity)

		// Search: Japanese words find the right passages, best first, with
		// their material's title.
		s := e.api(t, "GET", "/api/v1/materials/search?q="+url.QueryEscape("育児休業の取得率")+"&k=2", staff, nil)
		check("GET /api/v1/materials/search", s, http.StatusOK)
		sj := s.json(t)
		hits := sj["passages"].([]any)
		if len(hits) == 0 || len(hits) > 2 || sj["query"] != "育児休業の取得率" {
			t.Fatalf("search: %s", s.Body)
		}
		top := hits[0].(map[string]any)
		if top["material_title"] != "採用案内" || !strings.Contains(fmt.Sprint(top["text"]), "育児休業") || top["score"].(float64) <= 0 {
			t.Errorf("top hit: %v", top)
		}
		check("GET /api/v1/materials/search", e.api(t, "GET", "/api/v1/materials/search?q=zzzzqqqq", staff, nil), http.StatusOK)
		check("GET /api/v1/materials/search", e.api(t, "GET", "/api/v1/materials/search", staff, nil), http.StatusUnprocessableEntity)
		for _, k := range []string{"0", "51", "x"} {
			check("GET /api/v1/materials/search", e.api(t, "GET", "/api/v1/materials/search?q=a&k="+k, staff, nil), http.StatusUnprocessableEntity)
		}

		// Staff may not add or delete.
		check("POST /api/v1/materials", e.apiUploadMaterial(t, staff, "", files[0]), http.StatusForbidden)
		check("DELETE /api/v1/materials/{material}", e.api(t, "DELETE", fmt.Sprint("/api/v1/materials/", ids[0]), staff, nil), http.StatusForbidden)

		// Another organization sees none of it.
		out := e.token(t, f.B, f.Outsider)
		check("GET /api/v1/materials/{material}", e.api(t, "GET", fmt.Sprint("/api/v1/materials/", ids[0]), out, nil), http.StatusNotFound)
		check("GET /api/v1/materials/{material}/passages", e.api(t, "GET", fmt.Sprintf("/api/v1/materials/%d/passages", ids[0]), out, nil), http.StatusNotFound)
		check("DELETE /api/v1/materials/{material}", e.api(t, "DELETE", fmt.Sprint("/api/v1/materials/", ids[0]), out, nil), http.StatusNotFound)
		if r := e.api(t, "GET", "/api/v1/materials/search?q="+url.QueryEscape("断熱改修"), out, nil); len(r.json(t)["passages"].([]any)) != 0 {
			t.Errorf("search leaked org A's passages: %s", r.Body)
		}
		if r := e.api(t, "GET", "/api/v1/materials", out, nil); strings.Contains(r.Body, "会社案内") {
			t.Errorf("list leaked org A's material: %s", r.Body)
		}

		// Delete removes the passages, from the list and from search.
		check("DELETE /api/v1/materials/{material}", e.api(t, "DELETE", fmt.Sprint("/api/v1/materials/", ids[1]), mgr, nil), http.StatusNoContent)
		check("GET /api/v1/materials/{material}", e.api(t, "GET", fmt.Sprint("/api/v1/materials/", ids[1]), mgr, nil), http.StatusNotFound)
		check("GET /api/v1/materials/{material}/passages", e.api(t, "GET", fmt.Sprintf("/api/v1/materials/%d/passages", ids[1]), mgr, nil), http.StatusNotFound)
		s = e.api(t, "GET", "/api/v1/materials/search?q="+url.QueryEscape("育児休業の取得率"), staff, nil)
		if strings.Contains(fmt.Sprint(s.json(t)["passages"]), "育児休業") {
			t.Errorf("search still finds the deleted material: %s", s.Body)
		}
		if ps, _ := e.db.Passages(ctx, f.A.ID); len(ps) == 0 {
			t.Error("deleting one material removed every passage")
		}
	})
}

// With a job queue, the upload answers at once and the list shows progress
// (and refreshes itself) until the job has run.
func TestMaterialProcessingLater(t *testing.T) {
	storetest.DB(t, func(t *testing.T, sdb *store.DB, clock *storetest.Clock) {
		var (
			mu     sync.Mutex
			queued []int64
			fail   bool
		)
		e := newEnv(t, sdb, clock, func(c *Config) {
			c.ProcessMaterial = func(ctx context.Context, orgID, id int64) error {
				mu.Lock()
				defer mu.Unlock()
				if fail {
					return errors.New("queue unavailable")
				}
				queued = append(queued, id)
				return nil
			}
		})
		f := e.fixture(t)
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		mgr.get(t, "/materials")
		files, _ := sampleMaterials(t)
		wantRedirect(t, mgr.uploadMaterial(t, "", files[2]), "/materials")
		jobs := func() []int64 {
			mu.Lock()
			defer mu.Unlock()
			return append([]int64(nil), queued...)
		}
		if len(jobs()) != 1 {
			t.Fatalf("queued %v", jobs())
		}
		id := jobs()[0]
		if err := sdb.SetMaterialProgress(context.Background(), id, 40); err != nil {
			t.Fatal(err)
		}
		list := mgr.get(t, "/materials")
		for _, s := range []string{"資料を受け付けました", "処理中", `<progress max="100" value="40"`, "data-processing", "data-live", `src="/static/materials.js"`} {
			if !strings.Contains(list.Body, s) {
				t.Errorf("processing list lacks %q", s)
			}
		}
		dp := mgr.get(t, fmt.Sprint("/materials/", id))
		if !strings.Contains(dp.Body, "data-processing") || !strings.Contains(dp.Body, "自動で更新されます") {
			t.Error("processing material's page does not refresh itself")
		}
		tok := e.token(t, f.A, f.Users[soroe.RoleManager])
		r := e.apiUploadMaterial(t, tok, "", files[1])
		want(t, r, http.StatusAccepted)
		if j := r.json(t); j["status"] != soroe.MaterialProcessing || j["progress"].(float64) != 0 {
			t.Errorf("queued material: %s", r.Body)
		}
		loadOpenAPI(t).checkResponse(t, "POST /api/v1/materials", r)
		// The job runs.
		for _, q := range jobs() {
			if err := material.Process(context.Background(), sdb, f.A.ID, q); err != nil {
				t.Fatal(err)
			}
		}
		if l := mgr.get(t, "/materials"); strings.Contains(l.Body, "data-processing") || !strings.Contains(l.Body, "準備完了") {
			t.Error("after the job ran the list still shows processing")
		}
		// When the job cannot even be queued, the material is failed, not
		// left processing forever.
		mu.Lock()
		fail = true
		mu.Unlock()
		r = e.apiUploadMaterial(t, tok, "queue-down", &matFile{Name: "a.txt", Type: "text/plain", Data: []byte("本文です。")})
		want(t, r, http.StatusInternalServerError)
		m := materialsOf(t, sdb, f.A.ID)["queue-down"]
		if m == nil || m.Status != soroe.MaterialFailed || m.Error != material.ErrFailed {
			t.Errorf("material whose job was not queued: %+v", m)
		}
	})
}

// Every reason a material can fail for has words in both languages, and
// the failures of processing say what to do.
func TestMaterialMessages(t *testing.T) {
	c := i18n.Default()
	for _, k := range append(material.ErrorKeys, "material_file_required", "material_k_invalid") {
		for _, l := range i18n.Langs {
			if !c.Has(l, "error."+k) {
				t.Errorf("error.%s has no %s message", k, l)
			}
			if strings.HasPrefix(k, "material_") && k != "material_file_required" && k != "material_k_invalid" {
				if fix := materialFixKey(&soroe.Material{Error: k}); !c.Has(l, fix) || fix != "material.fix."+k {
					t.Errorf("%s: no %s hint %s", k, l, fix)
				}
			}
		}
	}
	for _, kind := range material.Kinds {
		if kindKeys[kind] == "" {
			t.Errorf("kind %s has no badge", kind)
		}
	}
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KB", 350 * 1024: "350 KB", 1 << 20: "1.0 MB", material.MaxUpload: "20 MB"} {
		if got := fmtBytes(n); got != want {
			t.Errorf("fmtBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for in, want := range map[string]string{"会社案内.pdf": "会社案内", `C:\Users\a\採用.docx`: "採用", "noext": "noext", ".bashrc": ".bashrc", "a.b.txt": "a.b"} {
		if got := fileTitle(in); got != want {
			t.Errorf("fileTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

// A long material's passages come a page at a time.
func TestMaterialPassagePages(t *testing.T) {
	storetest.DB(t, func(t *testing.T, sdb *store.DB, clock *storetest.Clock) {
		e := newEnv(t, sdb, clock)
		f := e.fixture(t)
		var b strings.Builder
		for i := range 400 {
			fmt.Fprintf(&b, "第%d節。私たちは浜松で木の家づくりを続けており、地域の気候に合った断熱と耐震の工夫を一棟ずつ重ねてきました。\n\n", i+1)
		}
		mgr := e.loggedIn(t, f.Users[soroe.RoleManager])
		mgr.get(t, "/materials")
		wantRedirect(t, mgr.uploadMaterial(t, "長い資料", &matFile{Name: "long.txt", Type: "text/plain", Data: []byte(b.String())}), "/materials")
		m := materialsOf(t, sdb, f.A.ID)["長い資料"]
		if m == nil || m.Passages <= passagesPerPage {
			t.Fatalf("long material: %+v", m)
		}
		pages := (m.Passages + passagesPerPage - 1) / passagesPerPage
		p1 := mgr.get(t, fmt.Sprint("/materials/", m.ID))
		if !strings.Contains(p1.Body, fmt.Sprintf("1 / %d ページ", pages)) || !strings.Contains(p1.Body, "?page=2") || strings.Count(p1.Body, `class="mat-passage"`) != passagesPerPage {
			t.Errorf("first page of passages: %d shown", strings.Count(p1.Body, `class="mat-passage"`))
		}
		p2 := mgr.get(t, fmt.Sprintf("/materials/%d?page=2", m.ID))
		if !strings.Contains(p2.Body, fmt.Sprintf(`start="%d"`, passagesPerPage+1)) || !strings.Contains(p2.Body, "?page=1") {
			t.Error("second page of passages does not continue the numbering or link back")
		}
		if last := mgr.get(t, fmt.Sprintf("/materials/%d?page=999", m.ID)); !strings.Contains(last.Body, fmt.Sprintf("%d / %d ページ", pages, pages)) {
			t.Error("a page past the end does not show the last")
		}
	})
}
