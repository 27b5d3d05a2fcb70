package deliver

import (
	"encoding/json"
	"strings"
	"time"
)

// SlackPayload is m as a Slack incoming-webhook message: "text" as the
// notification's fallback, and Block Kit blocks — the title and summary,
// the fields, and a button to the link.
func SlackPayload(m Message) ([]byte, error) {
	type text struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	type block struct {
		Type     string `json:"type"`
		Text     *text  `json:"text,omitempty"`
		Fields   []text `json:"fields,omitempty"`
		Elements []any  `json:"elements,omitempty"`
	}
	head := "*" + slackEscape(m.Title) + "*"
	if m.Summary != "" {
		head += "\n" + slackEscape(m.Summary)
	}
	blocks := []block{{Type: "section", Text: &text{"mrkdwn", head}}}
	if len(m.Fields) > 0 {
		var fs []text
		for _, f := range m.Fields {
			if len(fs) == 10 { // Slack's limit per section
				break
			}
			fs = append(fs, text{"mrkdwn", "*" + slackEscape(f.Name) + "*\n" + slackEscape(f.Value)})
		}
		blocks = append(blocks, block{Type: "section", Fields: fs})
	}
	if m.Link != "" {
		blocks = append(blocks, block{Type: "actions", Elements: []any{map[string]any{
			"type": "button", "url": m.Link, "text": text{"plain_text", linkText(m)},
		}}})
	}
	fallback := m.Title
	if m.Link != "" {
		fallback += " <" + m.Link + ">"
	}
	return json.Marshal(map[string]any{"text": fallback, "blocks": blocks})
}

// slackEscape escapes the three characters Slack's mrkdwn treats as
// control characters.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func linkText(m Message) string {
	if m.LinkText != "" {
		return m.LinkText
	}
	return "Soroe"
}

// TeamsPayload is m as an Adaptive Card (version 1.4) in the envelope that
// a Microsoft Teams Workflows webhook ("Post to a channel when a webhook
// request is received", the successor of the retired Office 365
// connectors) accepts: {"type":"message","attachments":[{"contentType":
// "application/vnd.microsoft.card.adaptive","content":{…}}]}.
func TeamsPayload(m Message) ([]byte, error) {
	body := []any{map[string]any{"type": "TextBlock", "text": m.Title, "weight": "Bolder", "size": "Medium", "wrap": true}}
	if m.Summary != "" {
		body = append(body, map[string]any{"type": "TextBlock", "text": m.Summary, "wrap": true})
	}
	if len(m.Fields) > 0 {
		var facts []map[string]string
		for _, f := range m.Fields {
			facts = append(facts, map[string]string{"title": f.Name, "value": f.Value})
		}
		body = append(body, map[string]any{"type": "FactSet", "facts": facts})
	}
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
		"type":    "AdaptiveCard", "version": "1.4", "body": body,
	}
	if m.Link != "" {
		card["actions"] = []any{map[string]any{"type": "Action.OpenUrl", "title": linkText(m), "url": m.Link}}
	}
	return json.Marshal(map[string]any{"type": "message", "attachments": []any{map[string]any{
		"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": nil, "content": card,
	}}})
}

// Generic is the JSON body of a generic webhook (docs/webhooks.md).
type Generic struct {
	Event   string    `json:"event"`
	OrgID   int64     `json:"org_id"`
	Title   string    `json:"title"`
	Summary string    `json:"summary,omitempty"`
	Link    string    `json:"link,omitempty"`
	Fields  []Field   `json:"fields,omitempty"`
	At      time.Time `json:"at"`
}

// GenericPayload is m as a generic webhook's body (without attachment).
func GenericPayload(m Message) ([]byte, error) {
	return json.Marshal(Generic{Event: m.Event, OrgID: m.OrgID, Title: m.Title, Summary: m.Summary,
		Link: m.Link, Fields: m.Fields, At: m.At.UTC()})
}

// Text is m as plain text, for an email's body (subject: m.Title): the
// summary, the fields one per line, and the link.
func (m Message) Text() string {
	var b strings.Builder
	if m.Summary != "" {
		b.WriteString(m.Summary)
		b.WriteString("\n\n")
	}
	for _, f := range m.Fields {
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\n")
	}
	if m.Link != "" {
		if len(m.Fields) > 0 {
			b.WriteString("\n")
		}
		if m.LinkText != "" {
			b.WriteString(m.LinkText)
			b.WriteString(": ")
		}
		b.WriteString(m.Link)
		b.WriteString("\n")
	}
	return b.String()
}
