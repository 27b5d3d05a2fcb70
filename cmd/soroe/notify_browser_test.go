package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// checkNotifications walks the demo's manager through a notification:
// each unread review request names its post, author and step (no
// 「（1/1）」); opening one leads to its post, marks it read, and the badge
// counts one fewer. The manager then adds a Slack destination.
func checkNotifications(t *testing.T, browserCtx context.Context, srv *serveProc, artifacts string) {
	ctx, problems := newTab(t, browserCtx)
	login(t, ctx, srv, "pr@demo.soroe.local")
	badge := func() int {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(".bell-count")||{}).textContent||"0"`))
		must(t, "read the badge", err)
		n, err := strconv.Atoi(strings.TrimSpace(s))
		must(t, "badge number", err)
		return n
	}
	before := badge()
	if before == 0 {
		t.Fatal("the demo's manager has no unread notifications")
	}
	must(t, "open the notifications", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a.bell`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.notifications`)),
	))
	unread, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("li.notification.unread")].map(li => li.innerText)`))
	must(t, "read the list", err)
	if len(unread) != before {
		t.Errorf("%d unread rows, badge %d", len(unread), before)
	}
	for _, s := range unread {
		if strings.Contains(s, "（1/1）") || strings.Contains(s, "(1/1)") {
			t.Errorf("a row still says （1/1）: %q", s)
		}
		review := strings.Contains(s, "承認をお願いします") || strings.Contains(s, "waits for your approval")
		if review && (!(strings.Contains(s, "作成者") || strings.Contains(s, "Author")) || !strings.Contains(s, "「")) {
			t.Errorf("a review request does not say which post or whose: %q", s)
		}
	}
	shoot(t, ctx, "notifications-manager", artifacts)
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("li.notification.unread").dataset.id`))
	must(t, "first unread", err)
	must(t, "open it", chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`li.notification.unread a.notification-open`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	must(t, "location", err)
	if !strings.Contains(loc, "/posts/") && !strings.HasSuffix(loc, "/accounts") {
		t.Errorf("opening a notification led to %s", loc)
	}
	// One fewer, or more when others were about the same post: opening
	// the post reads them all.
	if got := badge(); got >= before {
		t.Errorf("badge %d after opening one, want less than %d", got, before)
	}
	must(t, "back to the list", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/notifications"),
		chromedp.WaitVisible(chromedp.CSS(`ul.notifications`)),
	))
	stillUnread, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`document.querySelector('li.notification[data-id="`+id+`"]').classList.contains("unread")`))
	must(t, "read state", err)
	if stillUnread {
		t.Error("the opened notification is still unread")
	}

	// The destinations page: add a Slack webhook (not sent to: no test).
	must(t, "add a destination", chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/org/webhooks"),
		chromedp.WaitVisible(chromedp.CSS(`#webhook-add`)),
		chromedp.SendKeys(chromedp.CSS(`#webhook-add input[name=name]`), "広報チャンネル"),
		chromedp.SendKeys(chromedp.CSS(`#webhook-add input[name=url]`), "https://hooks.slack.com/services/T000/B000/XXXX"),
		chromedp.Click(chromedp.CSS(`#webhook-add button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`li.webhook`)),
	))
	if s := text(t, ctx, `ul.webhooks`); !strings.Contains(s, "広報チャンネル") || !strings.Contains(s, "hooks.slack.com") ||
		strings.Contains(s, "XXXX") || !(strings.Contains(s, "まだ送信していません") || strings.Contains(s, "Nothing sent yet")) {
		t.Errorf("the destinations list shows %q", s)
	}
	shoot(t, ctx, "webhooks-manager", artifacts)
	noProblems(t, problems, "notifications")
}
