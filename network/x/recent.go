package x

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/soroe/soroe/network"
	"github.com/soroe/soroe/text"
)

// maxRecentPages bounds FindRecent's paging (100 posts a page).
const maxRecentPages = 5

// FindRecent looks for a post with this text among the account's own posts
// created since since: GET /2/users/me for the account's user ID, then
// GET /2/users/:id/tweets?start_time=…&max_results=100 with the user token,
// following meta.next_token. These two endpoints are not in platforms.md;
// they come from docs.x.com (user Post timeline: start_time RFC 3339,
// max_results 5–100, pagination_token; users/me lookup).
//
// X rewrites links to t.co and escapes &, < and > in the text it returns, so
// texts are compared with every URL replaced by a placeholder, HTML entities
// unescaped, NFC-normalized and trimmed.
func (c *Client) FindRecent(ctx context.Context, a *network.Account, txt string, since time.Time) (*network.Published, error) {
	if a == nil || a.Credentials.AccessToken == "" {
		return nil, &network.Error{Kind: network.ErrAuth, Reason: "no access token; reconnect the account"}
	}
	var me struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := c.get(ctx, a, "/2/users/me", nil, &me); err != nil {
		return nil, err
	}
	if me.Data.ID == "" {
		return nil, &network.Error{Kind: network.ErrTemporary, Reason: "users/me without an id"}
	}
	want := comparable(txt)
	q := url.Values{}
	// X takes start_time to the second; round down so a post in the same
	// second as since is not missed.
	q.Set("start_time", since.UTC().Truncate(time.Second).Format(time.RFC3339))
	q.Set("max_results", "100")
	q.Set("tweet.fields", "created_at")
	for range maxRecentPages {
		var page struct {
			Data []struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		if err := c.get(ctx, a, "/2/users/"+url.PathEscape(me.Data.ID)+"/tweets", q, &page); err != nil {
			return nil, err
		}
		for _, t := range page.Data {
			if comparable(html.UnescapeString(t.Text)) == want {
				return &network.Published{RemoteID: t.ID, URL: PostURL(t.ID)}, nil
			}
		}
		if page.Meta.NextToken == "" {
			break
		}
		q.Set("pagination_token", page.Meta.NextToken)
	}
	return nil, nil
}

// get is a read: repeating it is harmless, so a lost answer is ErrTemporary.
func (c *Client) get(ctx context.Context, a *network.Account, path string, q url.Values, out any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.Credentials.AccessToken)
	resp, data, err := c.do(req, false)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return c.classify(resp, data)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &network.Error{Kind: network.ErrTemporary, Status: resp.StatusCode, Reason: "unreadable answer: " + snippet(data)}
	}
	return nil
}

// comparable reduces a text for comparison with what X gives back (whose
// HTML entities the caller unescapes first).
func comparable(s string) string {
	s = norm.NFC.String(s)
	r := []rune(s)
	var b strings.Builder
	last := 0
	for _, u := range text.ExtractURLs(s, true) {
		b.WriteString(string(r[last:u.Start]))
		b.WriteString("\x00url")
		last = u.End
	}
	b.WriteString(string(r[last:]))
	return strings.Join(strings.Fields(b.String()), " ")
}
