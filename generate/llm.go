package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// LLM generates with an OpenAI-compatible Chat Completions endpoint and
// falls back to another generator (the builtin one) when the model fails,
// times out or answers junk.
//
// It speaks the small part of the API it needs with net/http: POST
// {BaseURL}/chat/completions with model, messages, response_format
// {"type":"json_object"}, temperature and seed, and reads
// choices[0].message.content and usage. A 400 that names one of the
// optional parameters (servers and models that refuse response_format,
// temperature or seed) is retried once without them. Azure OpenAI is told
// apart by its host (*.azure.com): the key goes in the api-key header, and a
// base URL without /openai/v1 is taken as a resource URL whose deployment is
// Config.Model.
type LLM struct {
	cfg      Config
	client   *http.Client
	fallback Generator
	log      *slog.Logger
	url      string
	azure    bool
}

var _ Generator = (*LLM)(nil)

// NewLLM returns the LLM generator for cfg, falling back to fallback.
func NewLLM(cfg Config, fallback Generator) *LLM {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAzureAPIVersion
	}
	g := &LLM{cfg: cfg, client: cfg.HTTPClient, fallback: fallback, log: cfg.Logger}
	if g.client == nil {
		g.client = &http.Client{}
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if fallback == nil {
		g.fallback = NewBuiltin()
	}
	g.url, g.azure = endpoint(cfg)
	return g
}

// endpoint returns the chat completions URL for cfg and whether it is
// Azure's.
func endpoint(cfg Config) (string, bool) {
	base := strings.TrimRight(cfg.BaseURL, "/")
	u, err := url.Parse(base)
	if err != nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), ".azure.com") {
		return base + "/chat/completions", false
	}
	switch {
	case strings.Contains(u.Path, "/openai/v1"):
		return base + "/chat/completions", true
	case strings.Contains(u.Path, "/openai/deployments/"):
		return base + "/chat/completions?api-version=" + url.QueryEscape(cfg.APIVersion), true
	}
	return base + "/openai/deployments/" + url.PathEscape(cfg.Model) + "/chat/completions?api-version=" + url.QueryEscape(cfg.APIVersion), true
}

// Name is what Meta.Generator says of this generator's answers.
func (g *LLM) Name() string { return "llm:" + g.cfg.Model }

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatRequest struct {
	Model          string          `json:"model"`
	Messages       []chatMessage   `json:"messages"`
	ResponseFormat *responseFormat `json:"response_format,omitempty"`
	Temperature    *float64        `json:"temperature,omitempty"`
	Seed           *int64          `json:"seed,omitempty"`
}

type responseFormat struct {
	Type string `json:"type"`
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content string `json:"content"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

// llmError is why a model call's answer was not used; notice is the key
// people see.
type llmError struct {
	notice string
	err    error
}

func (e *llmError) Error() string { return e.notice + ": " + e.err.Error() }
func (e *llmError) Unwrap() error { return e.err }

func failf(notice, format string, args ...any) *llmError {
	return &llmError{notice: notice, err: fmt.Errorf(format, args...)}
}

type usage struct{ prompt, completion int }

// maxResponse bounds the body read from the model server.
const maxResponse = 4 << 20

// call sends one chat completion and returns the message content. All
// attempts together are bounded by Config.Timeout.
func (g *LLM) call(ctx context.Context, msgs []chatMessage, temperature float64, seed int64) (string, usage, error) {
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	req := chatRequest{Model: g.cfg.Model, Messages: msgs, ResponseFormat: &responseFormat{Type: "json_object"}, Temperature: &temperature}
	if seed != 0 {
		req.Seed = &seed
	}
	content, u, err := g.post(ctx, req)
	var le *llmError
	if errors.As(err, &le) && le.notice == noticeRetry {
		// The server refused an optional parameter: once more without them.
		req.ResponseFormat, req.Temperature, req.Seed = nil, nil, nil
		content, u, err = g.post(ctx, req)
		if errors.As(err, &le) && le.notice == noticeRetry {
			le.notice = NoticeLLMFailed
		}
	}
	return content, u, err
}

// noticeRetry marks a 400 about an optional parameter (internal only).
const noticeRetry = "retry_without_options"

func (g *LLM) post(ctx context.Context, cr chatRequest) (string, usage, error) {
	body, err := json.Marshal(cr)
	if err != nil {
		return "", usage{}, failf(NoticeLLMFailed, "encode request: %v", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return "", usage{}, failf(NoticeLLMFailed, "build request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if g.cfg.APIKey != "" {
		if g.azure {
			req.Header.Set("api-key", g.cfg.APIKey)
		} else {
			req.Header.Set("Authorization", "Bearer "+g.cfg.APIKey)
		}
	}
	resp, err := g.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", usage{}, &llmError{notice: NoticeLLMTimeout, err: ctx.Err()}
		}
		return "", usage{}, failf(NoticeLLMFailed, "%v", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		if ctx.Err() != nil {
			return "", usage{}, &llmError{notice: NoticeLLMTimeout, err: ctx.Err()}
		}
		return "", usage{}, failf(NoticeLLMFailed, "read response: %v", err)
	}
	if len(data) > maxResponse {
		return "", usage{}, failf(NoticeLLMInvalid, "response larger than %d bytes", maxResponse)
	}
	if resp.StatusCode != http.StatusOK {
		msg := clip(string(data), 300)
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			return "", usage{}, failf(NoticeLLMRateLimited, "HTTP %d: %s", resp.StatusCode, msg)
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			return "", usage{}, failf(NoticeLLMUnauthorized, "HTTP %d: %s", resp.StatusCode, msg)
		case resp.StatusCode == http.StatusBadRequest && (cr.ResponseFormat != nil || cr.Temperature != nil || cr.Seed != nil) &&
			containsAny(strings.ToLower(string(data)), "response_format", "temperature", "seed", "json_object"):
			return "", usage{}, failf(noticeRetry, "HTTP %d: %s", resp.StatusCode, msg)
		}
		return "", usage{}, failf(NoticeLLMFailed, "HTTP %d: %s", resp.StatusCode, msg)
	}
	var cresp chatResponse
	if err := json.Unmarshal(data, &cresp); err != nil {
		return "", usage{}, failf(NoticeLLMInvalid, "response is not a chat completion: %v", err)
	}
	u := usage{prompt: cresp.Usage.PromptTokens, completion: cresp.Usage.CompletionTokens}
	if len(cresp.Choices) == 0 || strings.TrimSpace(cresp.Choices[0].Message.Content) == "" {
		return "", u, failf(NoticeLLMInvalid, "empty answer")
	}
	return cresp.Choices[0].Message.Content, u, nil
}

func containsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// finish reports a model call's usage and, when err is not nil, logs it and
// returns the notice to show. A request the caller gave up on is not
// reported as the model's fault: cancelled reports true.
func (g *LLM) finish(ctx context.Context, task string, u usage, err error, started time.Time) (Meta, bool) {
	m := Meta{Generator: g.Name(), Model: g.cfg.Model, Task: task, PromptTokens: u.prompt, CompletionTokens: u.completion}
	if err != nil {
		if ctx.Err() != nil {
			m.Notice = NoticeLLMFailed
			g.report(ctx, m)
			return m, true
		}
		var le *llmError
		m.Notice = NoticeLLMFailed
		if errors.As(err, &le) {
			m.Notice = le.notice
		}
		m.Generator = GeneratorBuiltin
		g.log.Warn("generate: model answer not used, falling back to builtin",
			"task", task, "model", g.cfg.Model, "notice", m.Notice, "elapsed", time.Since(started).Round(time.Millisecond), "err", err)
	}
	g.report(context.WithoutCancel(ctx), m)
	return m, false
}

func (g *LLM) report(ctx context.Context, m Meta) {
	if g.cfg.OnUsage != nil {
		g.cfg.OnUsage(ctx, m)
	}
}

// Templates asks the model for req.Count 型 and falls back to the builtin
// generator (Meta.Generator "builtin", Meta.Notice set, the tokens spent
// still counted) when it fails.
func (g *LLM) Templates(ctx context.Context, req TemplateRequest) ([]soroe.TemplateBody, Meta, error) {
	j, err := checkTemplateRequest(req)
	if err != nil {
		return nil, Meta{Generator: g.Name(), Model: g.cfg.Model, Task: TaskTemplates}, err
	}
	started := time.Now()
	content, u, err := g.call(ctx, templateMessages(j), 0.7, req.Seed)
	var out []soroe.TemplateBody
	if err == nil {
		out, err = parseTemplates(content, j)
	}
	m, cancelled := g.finish(ctx, TaskTemplates, u, err, started)
	if cancelled {
		return nil, m, ctx.Err()
	}
	if err == nil {
		return out, m, nil
	}
	out, fm, ferr := g.fallback.Templates(ctx, req)
	m.Generator = fm.Generator
	return out, m, ferr
}

// Draft asks the model for a draft and falls back to the builtin generator
// as Templates does.
func (g *LLM) Draft(ctx context.Context, req DraftRequest) (Draft, Meta, error) {
	j, err := checkDraftRequest(req)
	if err != nil {
		return Draft{}, Meta{Generator: g.Name(), Model: g.cfg.Model, Task: TaskDraft}, err
	}
	started := time.Now()
	content, u, err := g.call(ctx, draftMessages(j, req), 0.4, req.Seed)
	var d Draft
	if err == nil {
		d, err = parseDraft(content, j, req)
	}
	m, cancelled := g.finish(ctx, TaskDraft, u, err, started)
	if cancelled {
		return Draft{}, m, ctx.Err()
	}
	if err == nil {
		return d, m, nil
	}
	d, fm, ferr := g.fallback.Draft(ctx, req)
	m.Generator = fm.Generator
	return d, m, ferr
}
