package generate_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/text"
)

// fakeLLM is an OpenAI-compatible Chat Completions server on loopback. It
// records what it receives and answers with reply.
type fakeLLM struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []received
	reply func(w http.ResponseWriter, r *http.Request, n int)
}

type received struct {
	path, query string
	header      http.Header
	body        map[string]any
}

func newFake(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, n int)) *fakeLLM {
	f := &fakeLLM{reply: reply}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		data, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(data, &body); err != nil {
			t.Errorf("request body is not JSON: %v", err)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, received{path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: body})
		n := len(f.reqs)
		f.mu.Unlock()
		f.reply(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeLLM) received() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.reqs...)
}

// completion answers with content as the assistant's message.
func completion(content string, prompt, completionTokens int) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": content}}},
			"usage":   map[string]any{"prompt_tokens": prompt, "completion_tokens": completionTokens, "total_tokens": prompt + completionTokens},
		})
	}
}

func status(code int, body string) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

// usageLog collects what OnUsage reports.
type usageLog struct {
	mu    sync.Mutex
	metas []generate.Meta
}

func (u *usageLog) add(_ context.Context, m generate.Meta) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.metas = append(u.metas, m)
}

func (u *usageLog) all() []generate.Meta {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]generate.Meta(nil), u.metas...)
}

func newLLM(f *fakeLLM, timeout time.Duration) (*generate.LLM, *usageLog) {
	u := &usageLog{}
	cfg := generate.Config{BaseURL: f.URL + "/v1", APIKey: "sk-test", Model: "test-model", Timeout: timeout, OnUsage: u.add,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return generate.NewLLM(cfg, generate.NewBuiltin()), u
}

// llmTemplates is a good model answer: count valid 型 for the network.
func llmTemplates(t testing.TB, count int, n soroe.Network, edit func(i int, m map[string]any)) string {
	var list []any
	for i := range count {
		m := map[string]any{
			"name": fmt.Sprintf("AI型 %d", i+1), "theme": "現場の声を届ける", "structure": fmt.Sprintf("{社員名}さんに聞きました（その%d）：{ひとこと}", i+1),
			"tone": "friendly", "tone_notes": "やさしく", "format": "image", "networks": []string{string(n)},
			"hashtags": []string{"#採用", "#工務店"}, "cta": "応募はこちら",
			"frequency": map[string]any{"count": 1, "per": "week", "weekdays": []int{3}, "times": []string{"12:00"}},
			"checklist": []string{"本人の了承をとる"}, "dos": []string{"本人の言葉で"}, "donts": []string{"誇張しない"},
		}
		if edit != nil {
			edit(i, m)
		}
		list = append(list, m)
	}
	b, err := json.Marshal(map[string]any{"templates": list})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func recruitingRequest() generate.TemplateRequest {
	return generate.TemplateRequest{
		Goal:    goalFor(soroe.PurposeRecruiting, "中途採用の応募を月10件に", "社員インタビューで現場の雰囲気を伝える"),
		Profile: profileFor(soroe.LangJA), Network: soroe.NetworkX, Lang: soroe.LangJA, Seed: 5,
	}
}

// TestLLMTemplates: a good answer is used; the request carries the model,
// the key, JSON mode and a prompt with the goal and the profile; tokens are
// reported in Meta and to OnUsage.
func TestLLMTemplates(t *testing.T) {
	f := newFake(t, completion(llmTemplates(t, 9, soroe.NetworkX, nil), 321, 654))
	g, usage := newLLM(f, 5*time.Second)
	req := recruitingRequest()
	bs, m, err := g.Templates(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := generate.Meta{Generator: "llm:test-model", Model: "test-model", Task: generate.TaskTemplates, PromptTokens: 321, CompletionTokens: 654}
	if m != want || m.Outcome() != "ok" {
		t.Errorf("meta %+v; want %+v", m, want)
	}
	if got := usage.all(); len(got) != 1 || got[0] != want {
		t.Errorf("OnUsage got %+v", got)
	}
	if len(bs) != generate.DefaultCount {
		t.Fatalf("%d 型 (the model gave 9; want the 8 asked for)", len(bs))
	}
	for i, b := range bs {
		if b.Name != fmt.Sprintf("AI型 %d", i+1) || b.Networks[0] != soroe.NetworkX || b.Frequency.Weekdays[0] != time.Wednesday {
			t.Errorf("型 %d: %+v", i, b)
		}
		check := b
		if err := check.Validate(); err != nil || !reflect.DeepEqual(check, b) {
			t.Errorf("型 %d not valid and normalized: %v", i, err)
		}
	}

	reqs := f.received()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.path != "/v1/chat/completions" || r.header.Get("Authorization") != "Bearer sk-test" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("request %s, headers %v", r.path, r.header)
	}
	if r.body["model"] != "test-model" || r.body["seed"] != float64(5) || r.body["temperature"] == nil {
		t.Errorf("body %v", r.body)
	}
	if rf, _ := r.body["response_format"].(map[string]any); rf["type"] != "json_object" {
		t.Errorf("response_format %v", r.body["response_format"])
	}
	msgs, _ := r.body["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages %v", r.body["messages"])
	}
	system, user := msgs[0].(map[string]any), msgs[1].(map[string]any)
	prompt, _ := user["content"].(string)
	if system["role"] != "system" || user["role"] != "user" {
		t.Errorf("roles %v %v", system["role"], user["role"])
	}
	for _, s := range []string{"中途採用の応募を月10件に", "社員インタビューで現場の雰囲気を伝える", "工務店", "地元で働きたい", "親しみやすく誠実に",
		"家づくり", "ブラック", "激務", "JSON", `"templates"`, "8個", "x", "application", "日本語"} {
		if !strings.Contains(prompt, s) {
			t.Errorf("prompt lacks %q:\n%s", s, prompt)
		}
	}

	// In English the prompt is in English.
	f2 := newFake(t, completion(llmTemplates(t, 3, soroe.NetworkLinkedIn, nil), 1, 1))
	g2, _ := newLLM(f2, 5*time.Second)
	if _, m, err := g2.Templates(context.Background(), generate.TemplateRequest{Goal: goalFor(soroe.PurposeSales, "Sell more boxes", ""), Lang: soroe.LangEN, Network: soroe.NetworkLinkedIn, Count: 3}); err != nil || m.Notice != "" {
		t.Fatalf("english: %v %+v", err, m)
	}
	prompt = f2.received()[0].body["messages"].([]any)[1].(map[string]any)["content"].(string)
	if !strings.Contains(prompt, "Write 3 distinct post templates") || !strings.Contains(prompt, "Sell more boxes") || hasJapanese(prompt) {
		t.Errorf("english prompt:\n%s", prompt)
	}
}

// TestLLMTemplatesFallback: whatever goes wrong, the builtin generator's 型
// come back with a notice, and the tokens spent are still reported.
func TestLLMTemplatesFallback(t *testing.T) {
	req := recruitingRequest()
	builtin, _, err := generate.NewBuiltin().Templates(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(i int, m map[string]any)) string { return llmTemplates(t, 8, soroe.NetworkX, f) }
	for _, c := range []struct {
		name   string
		reply  func(w http.ResponseWriter, r *http.Request, n int)
		notice string
		tokens bool
	}{
		{"malformed JSON", completion(`{"templates": [{"name": "A"`, 100, 50), generate.NoticeLLMInvalid, true},
		{"prose", completion("Sure! Here are eight templates: 1. ...", 100, 50), generate.NoticeLLMInvalid, true},
		{"wrong shape", completion(`{"templates": "none"}`, 100, 50), generate.NoticeLLMInvalid, true},
		{"wrong key", completion(`{"items": []}`, 100, 50), generate.NoticeLLMInvalid, true},
		{"too few", completion(llmTemplates(t, 3, soroe.NetworkX, nil), 100, 50), generate.NoticeLLMInvalid, true},
		{"unknown tone", completion(edit(func(i int, m map[string]any) { m["tone"] = "grumpy" }), 100, 50), generate.NoticeLLMInvalid, true},
		{"no structure", completion(edit(func(i int, m map[string]any) { delete(m, "structure") }), 100, 50), generate.NoticeLLMInvalid, true},
		{"no slots", completion(edit(func(i int, m map[string]any) { m["structure"] = fmt.Sprintf("毎日がんばっています %d", i) }), 100, 50), generate.NoticeLLMInvalid, true},
		{"bad frequency", completion(edit(func(i int, m map[string]any) { m["frequency"] = map[string]any{"count": 99, "per": "day"} }), 100, 50), generate.NoticeLLMInvalid, true},
		{"duplicates", completion(edit(func(i int, m map[string]any) { m["name"] = "同じ名前" }), 100, 50), generate.NoticeLLMInvalid, true},
		{"word to avoid", completion(edit(func(i int, m map[string]any) { m["dos"] = []string{"激務も楽しく"} }), 100, 50), generate.NoticeLLMInvalid, true},
		{"too long for X", completion(edit(func(i int, m map[string]any) {
			m["structure"] = fmt.Sprintf("{名前}%d", i) + strings.Repeat("長い文章です。", 30)
		}), 100, 50), generate.NoticeLLMInvalid, true},
		{"no choices", status(200, `{"choices": [], "usage": {"prompt_tokens": 100, "completion_tokens": 50}}`), generate.NoticeLLMInvalid, true},
		{"not a completion", status(200, `<html>proxy error</html>`), generate.NoticeLLMInvalid, false},
		{"HTTP 500", status(500, `{"error": {"message": "internal"}}`), generate.NoticeLLMFailed, false},
		{"HTTP 429", status(429, `{"error": {"message": "Rate limit reached"}}`), generate.NoticeLLMRateLimited, false},
		{"HTTP 401", status(401, `{"error": {"message": "Incorrect API key"}}`), generate.NoticeLLMUnauthorized, false},
		{"HTTP 404", status(404, `{"error": {"message": "model not found"}}`), generate.NoticeLLMFailed, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, c.reply)
			g, usage := newLLM(f, 5*time.Second)
			bs, m, err := g.Templates(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(bs, builtin) {
				t.Errorf("fallback output differs from the builtin generator's")
			}
			want := generate.Meta{Generator: generate.GeneratorBuiltin, Model: "test-model", Task: generate.TaskTemplates, Notice: c.notice}
			if c.tokens {
				want.PromptTokens, want.CompletionTokens = 100, 50
			}
			if m != want {
				t.Errorf("meta %+v; want %+v", m, want)
			}
			if got := usage.all(); len(got) != 1 || got[0] != want || got[0].Outcome() != "fallback:"+c.notice {
				t.Errorf("OnUsage got %+v", got)
			}
		})
	}
}

// TestLLMTimeout: a model slower than Config.Timeout is abandoned, and the
// builtin answer comes back soon after the timeout.
func TestLLMTimeout(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		completion(llmTemplates(t, 8, soroe.NetworkX, nil), 1, 1)(w, r, n)
	})
	const timeout = 300 * time.Millisecond
	g, usage := newLLM(f, timeout)
	start := time.Now()
	bs, m, err := g.Templates(context.Background(), recruitingRequest())
	elapsed := time.Since(start)
	if err != nil || len(bs) != generate.DefaultCount || m.Generator != generate.GeneratorBuiltin || m.Notice != generate.NoticeLLMTimeout {
		t.Fatalf("%v, %d 型, %+v", err, len(bs), m)
	}
	if elapsed < timeout || elapsed > timeout+1500*time.Millisecond {
		t.Errorf("took %v with a %v timeout", elapsed, timeout)
	}
	if got := usage.all(); len(got) != 1 || got[0].Notice != generate.NoticeLLMTimeout {
		t.Errorf("OnUsage got %+v", got)
	}

	// The same for drafts.
	start = time.Now()
	d, m, err := g.Draft(context.Background(), generate.DraftRequest{Template: tmpl(dayInLife)})
	if err != nil || d.Text == "" || m.Notice != generate.NoticeLLMTimeout || time.Since(start) > timeout+1500*time.Millisecond {
		t.Errorf("draft: %v %+v after %v", err, m, time.Since(start))
	}
}

// TestLLMCallerCancels: when the caller gives up, nothing falls back: the
// context's error comes back.
func TestLLMCallerCancels(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { <-r.Context().Done() })
	g, _ := newLLM(f, 10*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	bs, _, err := g.Templates(ctx, recruitingRequest())
	if !errors.Is(err, context.DeadlineExceeded) || bs != nil {
		t.Errorf("%v, %d 型", err, len(bs))
	}
}

// TestLLMRetryWithoutOptions: a server that refuses response_format (LM
// Studio and some models do) is asked once more without the optional
// parameters.
func TestLLMRetryWithoutOptions(t *testing.T) {
	good := completion(llmTemplates(t, 8, soroe.NetworkX, nil), 10, 20)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			status(400, `{"error": {"message": "'response_format.type' must be 'json_schema' or 'text'"}}`)(w, r, n)
			return
		}
		good(w, r, n)
	})
	g, _ := newLLM(f, 5*time.Second)
	bs, m, err := g.Templates(context.Background(), recruitingRequest())
	if err != nil || m.Generator != "llm:test-model" || len(bs) != 8 {
		t.Fatalf("%v %+v", err, m)
	}
	reqs := f.received()
	if len(reqs) != 2 || reqs[1].body["response_format"] != nil || reqs[1].body["temperature"] != nil || reqs[1].body["seed"] != nil {
		t.Errorf("requests %+v", reqs)
	}
	// Other 400s are not retried.
	f = newFake(t, status(400, `{"error": {"message": "context length exceeded"}}`))
	g, _ = newLLM(f, 5*time.Second)
	if _, m, _ := g.Templates(context.Background(), recruitingRequest()); m.Notice != generate.NoticeLLMFailed || len(f.received()) != 1 {
		t.Errorf("%+v after %d requests", m, len(f.received()))
	}
}

// TestLLMInvalidRequest: a request that is not valid is refused without a
// model call.
func TestLLMInvalidRequest(t *testing.T) {
	f := newFake(t, completion("{}", 1, 1))
	g, usage := newLLM(f, time.Second)
	if _, _, err := g.Templates(context.Background(), generate.TemplateRequest{}); soroe.ErrorField(err) != "goal" {
		t.Errorf("templates: %v", err)
	}
	if _, _, err := g.Draft(context.Background(), generate.DraftRequest{}); soroe.ErrorField(err) != "template" {
		t.Errorf("draft: %v", err)
	}
	if len(f.received()) != 0 || len(usage.all()) != 0 {
		t.Errorf("the model was called")
	}
}

func draftAnswer(text string, citations ...any) string {
	b, _ := json.Marshal(map[string]any{"text": text, "slots": map[string]string{"仕事内容": "墨付け"}, "citations": citations})
	return string(b)
}

// TestLLMDraft: the model's draft is used, its citations are mapped to the
// passages given, the CTA and hashtags are added, and the prompt holds the
// passages as numbered context.
func TestLLMDraft(t *testing.T) {
	answer := draftAnswer("山田さんの一日：朝は墨付け。研修では墨付けと刻みを学びます。\n「【ここに本人のひとこと】」",
		map[string]any{"passage_id": 2, "quote": "研修では墨付けと刻みを学びます。"})
	f := newFake(t, completion(answer, 700, 80))
	g, usage := newLLM(f, 5*time.Second)
	req := generate.DraftRequest{Template: tmpl(dayInLife), Slots: map[string]string{"社員名": "山田"}, Topic: "新人研修", Passages: passages[1:], Profile: profileFor(soroe.LangJA)}
	d, m, err := g.Draft(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if m.Generator != "llm:test-model" || m.Notice != "" || m.PromptTokens != 700 || m.CompletionTokens != 80 || len(usage.all()) != 1 {
		t.Errorf("meta %+v", m)
	}
	// The model's 「【ここに本人のひとこと】」 counts as a placeholder too.
	want := "山田さんの一日：朝は墨付け。研修では墨付けと刻みを学びます。\n「【ここに本人のひとこと】」\n\n応募・エントリーはこちら ▶ 【ここにリンクURLを入れてください】\n#採用 #はたらく"
	if d.Text != want {
		t.Errorf("text\n%s\nwant\n%s", d.Text, want)
	}
	if len(d.Citations) != 1 || d.Citations[0].PassageID != 13 || d.Citations[0].MaterialID != 2 || d.Citations[0].Locator != "p.7" {
		// passages[1:] numbers p.5 as [1] and p.7 as [2].
		t.Errorf("citations %+v", d.Citations)
	}
	if d.Citations[0].Quote != "福利厚生として住宅手当があります。年間休日は110日です。" {
		t.Errorf("a quote not in the passage must be replaced by the passage's opening: %q", d.Citations[0].Quote)
	}
	if d.Slots["社員名"] != "山田" || d.Slots["仕事内容"] != "墨付け" || !reflect.DeepEqual(d.Missing, []string{"本人のひとこと"}) {
		t.Errorf("slots %v missing %v", d.Slots, d.Missing)
	}
	prompt := f.received()[0].body["messages"].([]any)[1].(map[string]any)["content"].(string)
	for _, s := range []string{"[1] 採用パンフレット p.5：新人研修は3か月間です。", "[2] 採用パンフレット p.7：福利厚生", "新人研修", "{社員名} = 山田",
		dayInLife.Structure, "応募・エントリーはこちら", "激務", "passage_id", "【ここに"} {
		if !strings.Contains(prompt, s) {
			t.Errorf("prompt lacks %q:\n%s", s, prompt)
		}
	}

	// A draft too long for the network is fitted, and still the model's.
	long := draftAnswer(strings.Repeat("墨付けと刻みを学びます。", 40))
	f = newFake(t, completion(long, 1, 1))
	g, _ = newLLM(f, 5*time.Second)
	d, m, err = g.Draft(context.Background(), generate.DraftRequest{Template: tmpl(dayInLife), Network: soroe.NetworkX})
	if err != nil || m.Notice != "" || !d.Trimmed || !text.Check(soroe.NetworkX, d.Text, text.Options{}).Valid {
		t.Errorf("long draft: %v %+v %q", err, m, d.Text)
	}
}

// TestLLMDraftLinkSlot: the model is given the 型's link for the slot for
// one; when its text holds the link, the call to action does not repeat it,
// and when its text keeps the slot's placeholder (either form), so does the
// call to action, without a second placeholder.
func TestLLMDraftLinkSlot(t *testing.T) {
	b := soroe.TemplateBody{Name: "募集", Structure: "{職種}を募集しています。\n詳しくはこちら ▶ {応募ページURL}", Networks: []soroe.Network{soroe.NetworkFacebook},
		Frequency: soroe.Frequency{Count: 1, Per: "week"}, CTA: "応募・エントリーはこちら", Link: "https://example.com/entry"}
	for _, c := range []struct {
		name, link, body, want string
		missing                []string
	}{
		{"link written", b.Link, "大工を募集しています。\n詳しくはこちら ▶ https://example.com/entry",
			"大工を募集しています。\n詳しくはこちら ▶ https://example.com/entry\n\n応募・エントリーはこちら", nil},
		{"link left out", b.Link, "大工を募集しています。",
			"大工を募集しています。\n\n応募・エントリーはこちら ▶ https://example.com/entry", nil},
		{"no link, short placeholder", "", "大工を募集しています。\n詳しくはこちら ▶ 【ここに応募ページURL】",
			"大工を募集しています。\n詳しくはこちら ▶ 【ここに応募ページURL】\n\n応募・エントリーはこちら", []string{"応募ページURL"}},
		{"no link, placeholder", "", "【ここに職種を入れてください】を募集しています。\n詳しくはこちら ▶ 【ここに応募ページURLを入れてください】",
			"【ここに職種を入れてください】を募集しています。\n詳しくはこちら ▶ 【ここに応募ページURLを入れてください】\n\n応募・エントリーはこちら", []string{"職種", "応募ページURL"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb := b
			tb.Link = c.link
			answer, _ := json.Marshal(map[string]any{"text": c.body, "slots": map[string]string{}, "citations": []any{}})
			f := newFake(t, completion(string(answer), 1, 1))
			g, _ := newLLM(f, 5*time.Second)
			d, m, err := g.Draft(context.Background(), generate.DraftRequest{Template: tmpl(tb)})
			if err != nil || m.Notice != "" {
				t.Fatalf("%v %+v", err, m)
			}
			if d.Text != c.want || !slices.Equal(d.Missing, c.missing) {
				t.Errorf("text %q missing %q; want %q %q", d.Text, d.Missing, c.want, c.missing)
			}
			prompt := f.received()[0].body["messages"].([]any)[1].(map[string]any)["content"].(string)
			if given := strings.Contains(prompt, "{応募ページURL} = https://example.com/entry"); given != (c.link != "") {
				t.Errorf("link given to the model: %v\n%s", given, prompt)
			}
		})
	}
}

// TestLLMDraftFallback: junk, invented citations, words to avoid and errors
// give the builtin draft with a notice.
func TestLLMDraftFallback(t *testing.T) {
	req := generate.DraftRequest{Template: tmpl(dayInLife), Topic: "新人研修", Passages: passages, Profile: profileFor(soroe.LangJA)}
	builtin, _, err := generate.NewBuiltin().Draft(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		reply  func(w http.ResponseWriter, r *http.Request, n int)
		notice string
	}{
		{"malformed JSON", completion(`{"text": "途中で`, 1, 1), generate.NoticeLLMInvalid},
		{"empty text", completion(`{"text": "  ", "citations": []}`, 1, 1), generate.NoticeLLMInvalid},
		{"wrong shape", completion(`{"text": ["a", "b"]}`, 1, 1), generate.NoticeLLMInvalid},
		{"invented citation", completion(draftAnswer("本文", map[string]any{"passage_id": 9}), 1, 1), generate.NoticeLLMInvalid},
		{"word to avoid", completion(draftAnswer("激務ですが楽しい職場です"), 1, 1), generate.NoticeLLMInvalid},
		{"HTTP 500", status(500, "oops"), generate.NoticeLLMFailed},
		{"HTTP 429", status(429, "slow down"), generate.NoticeLLMRateLimited},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, c.reply)
			g, usage := newLLM(f, 5*time.Second)
			d, m, err := g.Draft(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(d, builtin) || m.Generator != generate.GeneratorBuiltin || m.Notice != c.notice || m.Task != generate.TaskDraft {
				t.Errorf("got %+v %+v", d, m)
			}
			if got := usage.all(); len(got) != 1 || got[0].Outcome() != "fallback:"+c.notice {
				t.Errorf("OnUsage got %+v", got)
			}
		})
	}
}

// TestLLMAzure: an Azure OpenAI resource URL is called on its deployment
// path with api-version and the api-key header; its OpenAI-compatible v1
// URL is called as is, with the api-key header.
func TestLLMAzure(t *testing.T) {
	f := newFake(t, completion(llmTemplates(t, 8, soroe.NetworkX, nil), 1, 1))
	target, _ := url.Parse(f.URL)
	client := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		r.URL.Scheme, r.URL.Host = target.Scheme, target.Host
		return http.DefaultTransport.RoundTrip(r)
	})}
	for _, c := range []struct {
		base, path, query string
	}{
		{"https://myres.openai.azure.com", "/openai/deployments/gpt-4o-mini/chat/completions", "api-version=2024-10-21"},
		{"https://myres.openai.azure.com/openai/v1/", "/openai/v1/chat/completions", ""},
	} {
		g := generate.NewLLM(generate.Config{BaseURL: c.base, APIKey: "azkey", Model: "gpt-4o-mini", HTTPClient: client,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, nil)
		if _, m, err := g.Templates(context.Background(), recruitingRequest()); err != nil || m.Notice != "" {
			t.Fatalf("%s: %v %+v", c.base, err, m)
		}
		reqs := f.received()
		r := reqs[len(reqs)-1]
		if r.path != c.path || r.query != c.query || r.header.Get("api-key") != "azkey" || r.header.Get("Authorization") != "" {
			t.Errorf("%s: %s?%s headers %v", c.base, r.path, r.query, r.header)
		}
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNew: without a model the builtin generator; with one, the LLM one.
func TestNew(t *testing.T) {
	if _, ok := generate.New(generate.Config{}).(*generate.Builtin); !ok {
		t.Error("New(Config{}) is not the builtin generator")
	}
	if _, ok := generate.New(generate.Config{BaseURL: "http://localhost:11434/v1"}).(*generate.Builtin); !ok {
		t.Error("a base URL without a model is not an LLM")
	}
	if g, ok := generate.New(generate.Config{BaseURL: "http://localhost:11434/v1", Model: "qwen2.5"}).(*generate.LLM); !ok || g.Name() != "llm:qwen2.5" {
		t.Error("New with a model is not the LLM generator")
	}
}

func TestConfigFromEnv(t *testing.T) {
	for _, c := range []struct {
		env     map[string]string
		want    generate.Config
		wantErr bool
	}{
		{env: nil, want: generate.Config{}},
		{env: map[string]string{"SOROE_LLM_BASE_URL": "http://localhost:11434/v1", "SOROE_LLM_MODEL": "qwen2.5", "SOROE_LLM_TIMEOUT": "45s"},
			want: generate.Config{BaseURL: "http://localhost:11434/v1", Model: "qwen2.5", Timeout: 45 * time.Second}},
		{env: map[string]string{"SOROE_LLM_BASE_URL": "https://api.openai.com/v1", "SOROE_LLM_MODEL": "gpt-4o-mini", "SOROE_LLM_API_KEY": " sk-x ", "SOROE_LLM_TIMEOUT": "60"},
			want: generate.Config{BaseURL: "https://api.openai.com/v1", Model: "gpt-4o-mini", APIKey: "sk-x", Timeout: time.Minute}},
		{env: map[string]string{"SOROE_LLM_BASE_URL": "https://r.openai.azure.com", "SOROE_LLM_MODEL": "dep", "SOROE_LLM_API_VERSION": "2025-01-01-preview"},
			want: generate.Config{BaseURL: "https://r.openai.azure.com", Model: "dep", APIVersion: "2025-01-01-preview"}},
		{env: map[string]string{"SOROE_LLM_MODEL": "gpt-4o-mini"}, wantErr: true},
		{env: map[string]string{"SOROE_LLM_BASE_URL": "https://api.openai.com/v1"}, wantErr: true},
		{env: map[string]string{"SOROE_LLM_BASE_URL": "ftp://x", "SOROE_LLM_MODEL": "m"}, wantErr: true},
		{env: map[string]string{"SOROE_LLM_BASE_URL": "http://x/v1", "SOROE_LLM_MODEL": "m", "SOROE_LLM_TIMEOUT": "soon"}, wantErr: true},
		{env: map[string]string{"SOROE_LLM_BASE_URL": "http://x/v1", "SOROE_LLM_MODEL": "m", "SOROE_LLM_TIMEOUT": "-5s"}, wantErr: true},
	} {
		for _, k := range []string{"SOROE_LLM_BASE_URL", "SOROE_LLM_API_KEY", "SOROE_LLM_MODEL", "SOROE_LLM_TIMEOUT", "SOROE_LLM_API_VERSION"} {
			t.Setenv(k, c.env[k])
		}
		got, err := generate.ConfigFromEnv()
		if (err != nil) != c.wantErr || (!c.wantErr && !reflect.DeepEqual(got, c.want)) {
			t.Errorf("%v: %+v, %v", c.env, got, err)
		}
	}
}
