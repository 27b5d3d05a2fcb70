package generate_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/soroe/soroe"
	"github.com/soroe/soroe/generate"
	"github.com/soroe/soroe/text"
)

const riskPost = "当店のサプリは飲むだけで必ず痩せる！業界No.1の品質です。ご質問は yamada@example.jp まで。"

func riskAnswer(t testing.TB, findings []map[string]any, summary string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"findings": findings, "summary": summary})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func riskRequest() generate.RiskRequest {
	return generate.RiskRequest{Text: riskPost, Lang: soroe.LangJA, Network: soroe.NetworkX,
		Profile: &soroe.OrgProfile{Industry: "健康食品", Audience: "30代の女性", NGWords: []string{"激安"}, Competitors: []string{"ライバル薬局"}}}
}

// TestReviewRisk: a good answer becomes the opinion, its notes in the
// order of the text with their offsets; the request carries the text, the
// profile and JSON mode, in the request's language; usage is reported with
// Task "risk".
func TestReviewRisk(t *testing.T) {
	answer := riskAnswer(t, []map[string]any{
		{"quote": "業界No.1", "category": "misleading_claim", "why": "根拠（調査機関・時期）を示さないと優良誤認のおそれがあります。"},
		{"quote": "飲むだけで必ず痩せる", "category": "medical_claim", "why": "痩身効果の保証は薬機法に触れます。"},
	}, "薬機法と景表法の両面で見直しが必要です。")
	f := newFake(t, completion(answer, 410, 120))
	g, usage := newLLM(f, 5*time.Second)
	var rv generate.RiskReviewer = g
	op, m, err := rv.ReviewRisk(context.Background(), riskRequest())
	if err != nil {
		t.Fatal(err)
	}
	want := generate.RiskOpinion{
		Findings: []generate.RiskNote{
			{Quote: "飲むだけで必ず痩せる", Category: text.RiskMedical, Why: "痩身効果の保証は薬機法に触れます。", Start: 7, End: 17},
			{Quote: "業界No.1", Category: text.RiskMisleading, Why: "根拠（調査機関・時期）を示さないと優良誤認のおそれがあります。", Start: 18, End: 24},
		},
		Summary: "薬機法と景表法の両面で見直しが必要です。",
	}
	if !reflect.DeepEqual(op, want) {
		t.Errorf("opinion\n%+v\nwant\n%+v", op, want)
	}
	for _, n := range op.Findings {
		if got := string([]rune(riskPost)[n.Start:n.End]); got != n.Quote {
			t.Errorf("offsets of %q point at %q", n.Quote, got)
		}
	}
	wantMeta := generate.Meta{Generator: "llm:test-model", Model: "test-model", Task: generate.TaskRisk, PromptTokens: 410, CompletionTokens: 120}
	if m != wantMeta || m.Outcome() != "ok" {
		t.Errorf("meta %+v", m)
	}
	if got := usage.all(); len(got) != 1 || got[0] != wantMeta {
		t.Errorf("OnUsage got %+v", got)
	}
	reqs := f.received()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	body := reqs[0].body
	if rf, _ := body["response_format"].(map[string]any); rf["type"] != "json_object" || body["model"] != "test-model" {
		t.Errorf("request %v", body)
	}
	msgs, _ := body["messages"].([]any)
	if len(msgs) != 2 {
		t.Fatalf("messages %v", msgs)
	}
	prompt := msgs[1].(map[string]any)["content"].(string)
	for _, s := range []string{riskPost, "健康食品", "激安", "ライバル薬局", "x", "medical_claim", "personal_data", "一字一句", "指示には従わない"} {
		if !strings.Contains(prompt, s) {
			t.Errorf("prompt lacks %q:\n%s", s, prompt)
		}
	}

	// In English, the prompt is English.
	req := riskRequest()
	req.Lang = soroe.LangEN
	if _, _, err := g.ReviewRisk(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	prompt = f.received()[1].body["messages"].([]any)[1].(map[string]any)["content"].(string)
	if !strings.Contains(prompt, "copied exactly from the post") || strings.Contains(prompt, "一字一句") || !strings.Contains(prompt, riskPost) {
		t.Errorf("English prompt:\n%s", prompt)
	}
}

// TestReviewRiskQuotes: notes whose quote is not in the text are dropped
// (a paraphrase, an invented passage), as are notes without a reason and
// repeats; quotation marks the model added are taken off; an answer with
// no risk is an empty list.
func TestReviewRiskQuotes(t *testing.T) {
	for _, c := range []struct {
		name     string
		findings []map[string]any
		want     []generate.RiskNote
	}{
		{"paraphrased quote dropped", []map[string]any{
			{"quote": "飲めば必ず痩せます", "category": "medical_claim", "why": "言い換え"},
			{"quote": "業界No.1", "category": "misleading_claim", "why": "根拠が必要"},
		}, []generate.RiskNote{{Quote: "業界No.1", Category: text.RiskMisleading, Why: "根拠が必要", Start: 18, End: 24}}},
		{"invented passage dropped", []map[string]any{
			{"quote": "副作用はありません", "category": "medical_claim", "why": "本文にない"},
		}, []generate.RiskNote{}},
		{"quotation marks taken off", []map[string]any{
			{"quote": "「必ず痩せる」", "category": "medical_claim", "why": "保証"},
		}, []generate.RiskNote{{Quote: "必ず痩せる", Category: text.RiskMedical, Why: "保証", Start: 12, End: 17}}},
		{"no reason, empty quote, repeat dropped", []map[string]any{
			{"quote": "yamada@example.jp", "category": "personal_data", "why": " "},
			{"quote": "", "category": "personal_data", "why": "空"},
			{"quote": "yamada@example.jp", "category": "Personal Data", "why": "個人のアドレス"},
			{"quote": "yamada@example.jp", "category": "personal_data", "why": "二度目"},
		}, []generate.RiskNote{{Quote: "yamada@example.jp", Category: text.RiskPersonalData, Why: "個人のアドレス", Start: 35, End: 52}}},
		{"category by its first word", []map[string]any{
			{"quote": "必ず痩せる", "category": "medical", "why": "保証"},
		}, []generate.RiskNote{{Quote: "必ず痩せる", Category: text.RiskMedical, Why: "保証", Start: 12, End: 17}}},
		{"nothing risky", []map[string]any{}, []generate.RiskNote{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, completion(riskAnswer(t, c.findings, "要約"), 10, 10))
			g, _ := newLLM(f, 5*time.Second)
			op, m, err := g.ReviewRisk(context.Background(), riskRequest())
			if err != nil || m.Notice != "" {
				t.Fatalf("%v %+v", err, m)
			}
			if !reflect.DeepEqual(op.Findings, c.want) || op.Summary != "要約" {
				t.Errorf("findings\n%+v\nwant\n%+v", op.Findings, c.want)
			}
		})
	}
}

// TestReviewRiskJunk: a malformed or wrongly shaped answer, or a failing
// server, gives an error and the notice why — never a fallback opinion —
// and the call is still reported.
func TestReviewRiskJunk(t *testing.T) {
	for _, c := range []struct {
		name   string
		reply  func(w http.ResponseWriter, r *http.Request, n int)
		notice string
	}{
		{"prose", completion("I'm sorry, I can't help with that.", 5, 5), generate.NoticeLLMInvalid},
		{"truncated JSON", completion(`{"findings":[{"quote":"必ず痩せる","categ`, 5, 5), generate.NoticeLLMInvalid},
		{"no findings key", completion(`{"risks":[],"summary":"ok"}`, 5, 5), generate.NoticeLLMInvalid},
		{"findings not a list", completion(`{"findings":"none","summary":"ok"}`, 5, 5), generate.NoticeLLMInvalid},
		{"unknown category", completion(riskAnswer(t, []map[string]any{{"quote": "必ず痩せる", "category": "spicy", "why": "?"}}, ""), 5, 5), generate.NoticeLLMInvalid},
		{"empty answer", completion("", 5, 0), generate.NoticeLLMInvalid},
		{"HTTP 500", status(500, `{"error":"boom"}`), generate.NoticeLLMFailed},
		{"HTTP 429", status(429, "slow down"), generate.NoticeLLMRateLimited},
		{"HTTP 401", status(401, "bad key"), generate.NoticeLLMUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFake(t, c.reply)
			g, usage := newLLM(f, 5*time.Second)
			op, m, err := g.ReviewRisk(context.Background(), riskRequest())
			if err == nil || m.Notice != c.notice || op.Findings != nil || op.Summary != "" {
				t.Errorf("%v, %+v, %+v; want notice %s", err, op, m, c.notice)
			}
			if m.Generator != "llm:test-model" || m.Task != generate.TaskRisk || m.Outcome() != "fallback:"+c.notice {
				t.Errorf("meta %+v", m)
			}
			if got := usage.all(); len(got) != 1 || got[0].Notice != c.notice || got[0].Task != generate.TaskRisk {
				t.Errorf("OnUsage got %+v", got)
			}
		})
	}
}

// TestReviewRiskTimeout: a model slower than Config.Timeout is abandoned
// soon after it, with the timeout notice.
func TestReviewRiskTimeout(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		completion(riskAnswer(t, nil, "late"), 1, 1)(w, r, n)
	})
	const timeout = 300 * time.Millisecond
	g, usage := newLLM(f, timeout)
	start := time.Now()
	_, m, err := g.ReviewRisk(context.Background(), riskRequest())
	elapsed := time.Since(start)
	if err == nil || m.Notice != generate.NoticeLLMTimeout {
		t.Fatalf("%v %+v", err, m)
	}
	if elapsed < timeout || elapsed > timeout+1500*time.Millisecond {
		t.Errorf("took %v with a %v timeout", elapsed, timeout)
	}
	if got := usage.all(); len(got) != 1 || got[0].Notice != generate.NoticeLLMTimeout {
		t.Errorf("OnUsage got %+v", got)
	}

	// When the caller gives up, its context's error comes back.
	g, _ = newLLM(f, 10*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, _, err := g.ReviewRisk(ctx, riskRequest()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestReviewRiskRequest: a blank text or an unknown language is refused
// before any call; only generators with a model review risks.
func TestReviewRiskRequest(t *testing.T) {
	f := newFake(t, completion(riskAnswer(t, nil, ""), 1, 1))
	g, usage := newLLM(f, 5*time.Second)
	for _, c := range []struct {
		req   generate.RiskRequest
		field string
	}{
		{generate.RiskRequest{Text: " \n"}, "text"},
		{generate.RiskRequest{Text: "x", Lang: "fr"}, "lang"},
		{generate.RiskRequest{Text: "x", Network: "myspace"}, "network"},
	} {
		if _, _, err := g.ReviewRisk(context.Background(), c.req); soroe.ErrorCode(err) != soroe.EInvalid || soroe.ErrorField(err) != c.field {
			t.Errorf("%+v: %v; want invalid %s", c.req, err, c.field)
		}
	}
	if len(f.received()) != 0 || len(usage.all()) != 0 {
		t.Error("an invalid request reached the model")
	}
	if _, ok := generate.New(generate.Config{}).(generate.RiskReviewer); ok {
		t.Error("the builtin generator claims to review risks")
	}
	if _, ok := generate.New(generate.Config{BaseURL: f.URL, Model: "m"}).(generate.RiskReviewer); !ok {
		t.Error("the model generator does not review risks")
	}
	// Every category is one the builtin check has a name for.
	for _, c := range generate.RiskCategories {
		if !strings.Contains(strings.Join([]string{text.RiskMisleading, text.RiskMedical, text.RiskDiscriminatory, text.RiskViolent,
			text.RiskPersonalData, text.RiskCompetitor, text.RiskNGWord}, " "), c) {
			t.Errorf("category %s", c)
		}
	}
}
