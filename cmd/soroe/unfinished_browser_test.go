package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// onePixelPNG is a 1×1 PNG, the photo staff attach in the editor.
var onePixelPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82")

// checkUnfinishedEditor drives the editor as staff in the demo with a 型
// of format 画像: as you type, the live check says what is unfinished (a
// 【ここに…】 left in, the image the format needs); choosing a photo in the
// editor, before any save, settles the image; the text fixed, the first
// save sends the post to review with its photo attached.
func checkUnfinishedEditor(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "staff@demo.soroe.local")
	must(t, "open the editor", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/posts/new"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[data-post-text]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[data-post-media]`)),
	))
	// The demo's 「施工事例の紹介」 is a 型 of format 画像.
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const s = document.querySelector("select[data-template-select]");
		const o = [...s.options].find(o => o.textContent.trim() === "施工事例の紹介");
		if (!o) return false;
		s.value = o.value;
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`))
	must(t, "choose the 型", err)
	if !ok {
		t.Fatal("the demo has no 型 「施工事例の紹介」")
	}
	must(t, "choose Bluesky and type a draft with a placeholder", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[data-network="bluesky"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[data-post-text]`), "施工事例集から【ここに事例の名前】を紹介します。"),
	))
	unfinished := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const box = document.querySelector("[data-live-unfinished]");
			return box && !box.hidden ? box.textContent : "";
		})()`))
		must(t, "read the live check", err)
		return s
	}
	waitFor := func(what string, ok func(string) bool) string {
		t.Helper()
		var got string
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if got = unfinished(); ok(got) {
				return got
			}
			time.Sleep(150 * time.Millisecond)
		}
		t.Fatalf("the live check never showed %s (it shows %q)", what, got)
		return ""
	}
	waitFor("the placeholder and the missing image", func(s string) bool {
		return strings.Contains(s, "「【ここに事例の名前】」が残っています") && strings.Contains(s, "画像を1枚以上付けてください")
	})
	shoot(t, ctx, "post-unfinished", artifacts)

	// A photo chosen in the editor counts before it is uploaded.
	photo := filepath.Join(t.TempDir(), "jirei.png")
	must(t, "write the photo", os.WriteFile(photo, onePixelPNG, 0o644))
	must(t, "choose the photo", chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[data-post-media]`), []string{photo})))
	waitFor("only the placeholder", func(s string) bool {
		return strings.Contains(s, "【ここに事例の名前】") && !strings.Contains(s, "画像を1枚以上")
	})
	// The text finished, nothing is left; the first save sends it to
	// review with the photo.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.querySelector("textarea[data-post-text]").value = "", true)`))
	must(t, "clear the text", err)
	must(t, "finish the text", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`textarea[data-post-text]`), "施工事例集から、回遊できる平屋の間取りを紹介します。"),
	))
	waitFor("nothing unfinished", func(s string) bool { return s == "" })
	must(t, "save and submit", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[name="then"][value="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.post-history`)),
		chromedp.WaitVisible(chromedp.CSS(`.post-media-list img`)),
	))
	if s := text(t, ctx, `main h1 .badge`); s != "レビュー中" {
		t.Errorf("the saved post is %q, want レビュー中", s)
	}
	if s := text(t, ctx, `.post-media-list`); !strings.Contains(s, "jirei.png") {
		t.Errorf("the photo chosen in the editor is not attached: %q", s)
	}
	shoot(t, ctx, "post-with-photo", artifacts)
	noProblems(t, problems, "unfinished editor")
}
