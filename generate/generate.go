// Package generate writes 型 (post templates) and drafts for an
// organization. Two generators sit behind one interface:
//
//   - Builtin, the default: offline and deterministic for a seed. It works
//     from a content bank per purpose and language (see bank_*.go), adapted to
//     the goal (purpose, primary KPI, title and strategy), the organization's
//     profile (industry, audience, brand voice, words to use and avoid) and the
//     target network (format, length, hashtags, tone).
//   - LLM: any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure
//     OpenAI, Ollama, vLLM, LM Studio). It asks for JSON, validates the answer
//     strictly and falls back to Builtin, with Meta.Notice set, when the model
//     fails, times out or answers junk.
//
// New picks one from a Config; ConfigFromEnv reads SOROE_LLM_*. Whatever
// generates it, the output is a draft that a person edits and approves:
// Meta.Generator says which generator made it, for the UI to show.
package generate

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/soroe/soroe"
)

// TemplateRequest asks for a set of distinct 型 for a goal.
type TemplateRequest struct {
	Goal    *soroe.Goal       // required: purpose, primary KPI, title and strategy
	Profile *soroe.OrgProfile // may be nil
	Network soroe.Network     // the network the 型 are for; "" lets each 型 name its own
	Lang    string            // soroe.LangJA (default) or soroe.LangEN
	Count   int               // how many; 0 means DefaultCount, at most MaxCount
	Seed    int64             // same request and seed, same output (Builtin)
}

// DraftRequest asks for one post drafted from a 型.
type DraftRequest struct {
	Template *soroe.Template   // required
	Slots    map[string]string // values a person filled in, by slot name; may be partial
	Topic    string            // what the post is about, if given
	Passages []soroe.Passage   // retrieved company material, most relevant first; may be empty
	Profile  *soroe.OrgProfile // may be nil
	Network  soroe.Network     // "" means the 型's first network
	Lang     string            // "" means the language the 型 is written in
	Seed     int64
}

// Draft is a generated post: text for a person to edit, never to publish
// unseen.
type Draft struct {
	Text string `json:"text"`
	// Slots holds the value used for every slot of the 型, placeholders
	// included.
	Slots map[string]string `json:"slots"`
	// Missing lists the slots still holding a placeholder (「【ここに…】」 or
	// "[add …]") that a person must replace, in the 型's order.
	Missing   []string   `json:"missing,omitempty"`
	Citations []Citation `json:"citations,omitempty"`
	// Network is the network the text was fitted to; Trimmed says the body
	// was shortened to fit it.
	Network soroe.Network `json:"network"`
	Trimmed bool          `json:"trimmed,omitempty"`
}

// Citation names the passage of company material a draft used.
type Citation struct {
	MaterialID int64  `json:"material_id"`
	PassageID  int64  `json:"passage_id"`
	Title      string `json:"title,omitempty"`   // the material's title
	Locator    string `json:"locator,omitempty"` // "p.3", "slide 2"
	Quote      string `json:"quote"`             // the words used (Builtin) or the passage's opening
	Slot       string `json:"slot,omitempty"`    // the slot it filled (Builtin)
}

// Meta says how an answer was made.
type Meta struct {
	// Generator is "builtin" or "llm:<model>": who made what was returned.
	Generator string `json:"generator"`
	// Model is the model that was called, even when its answer was not used;
	// "" when none was.
	Model string `json:"model,omitempty"`
	// Task is TaskTemplates or TaskDraft.
	Task string `json:"task"`
	// Notice is a stable key for people (translated by the UI), "" when
	// there is nothing to say; see the Notice constants.
	Notice           string `json:"notice,omitempty"`
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
}

// Outcome is the llm_usage outcome of the call: "ok", or "fallback:<notice>".
func (m Meta) Outcome() string {
	if m.Notice == "" {
		return "ok"
	}
	return "fallback:" + m.Notice
}

// Generator names and tasks.
const (
	GeneratorBuiltin = "builtin"
	TaskTemplates    = "templates"
	TaskDraft        = "draft"
)

// Notice keys: why the LLM's answer was not used and the builtin generator's
// was. The UI translates them.
const (
	NoticeLLMFailed       = "llm_failed_fell_back"         // network error, HTTP 5xx, any other failure
	NoticeLLMTimeout      = "llm_timeout_fell_back"        // no answer within Config.Timeout
	NoticeLLMRateLimited  = "llm_rate_limited_fell_back"   // HTTP 429
	NoticeLLMUnauthorized = "llm_unauthorized_fell_back"   // HTTP 401 or 403: check the API key
	NoticeLLMInvalid      = "llm_invalid_output_fell_back" // malformed JSON, wrong shape, invalid 型 or text
)

// Notices lists every notice key, for the UI's catalog test.
var Notices = []string{NoticeLLMFailed, NoticeLLMTimeout, NoticeLLMRateLimited, NoticeLLMUnauthorized, NoticeLLMInvalid}

// Generator makes 型 and drafts.
type Generator interface {
	// Templates returns req.Count distinct, valid 型 for the goal.
	Templates(ctx context.Context, req TemplateRequest) ([]soroe.TemplateBody, Meta, error)
	// Draft writes one post from a 型.
	Draft(ctx context.Context, req DraftRequest) (Draft, Meta, error)
}

// Counts of 型 per request.
const (
	DefaultCount = 8
	MaxCount     = 20
)

// DefaultTimeout bounds one model call.
const DefaultTimeout = 30 * time.Second

// DefaultAzureAPIVersion is the api-version sent to Azure OpenAI deployment
// URLs.
const DefaultAzureAPIVersion = "2024-10-21"

// Config chooses and configures a generator.
type Config struct {
	// BaseURL of an OpenAI-compatible API, up to and including its version,
	// e.g. https://api.openai.com/v1, http://localhost:11434/v1 (Ollama),
	// http://localhost:8000/v1 (vLLM), http://localhost:1234/v1 (LM Studio),
	// https://NAME.openai.azure.com/openai/v1 (Azure's OpenAI-compatible v1
	// API) or https://NAME.openai.azure.com (Azure deployments: Model is the
	// deployment name).
	BaseURL string
	APIKey  string // sent as "Authorization: Bearer" (Azure: "api-key")
	Model   string
	// APIVersion is Azure's api-version for deployment URLs
	// (DefaultAzureAPIVersion when empty).
	APIVersion string
	Timeout    time.Duration // per model call; DefaultTimeout when 0
	HTTPClient *http.Client  // http.DefaultClient's transport when nil
	// OnUsage, when set, is called after every model call, answered or not,
	// with the tokens it used (0 when unknown) and its outcome; the caller
	// records them per organization (store.RecordLLMUsage), taking the
	// organization from ctx or a closure.
	OnUsage func(ctx context.Context, m Meta)
	Logger  *slog.Logger // slog.Default() when nil
}

// HasModel reports whether the configuration names a model (a base URL and
// a model name).
func (c Config) HasModel() bool { return c.BaseURL != "" && c.Model != "" }

// New returns the generator cfg asks for: the builtin one when no base URL
// and model are set, otherwise the LLM one with the builtin one as its
// fallback.
func New(cfg Config) Generator {
	if !cfg.HasModel() {
		return NewBuiltin()
	}
	return NewLLM(cfg, NewBuiltin())
}

// Environment variables ConfigFromEnv reads.
const (
	EnvBaseURL    = "SOROE_LLM_BASE_URL"
	EnvAPIKey     = "SOROE_LLM_API_KEY"
	EnvModel      = "SOROE_LLM_MODEL"
	EnvTimeout    = "SOROE_LLM_TIMEOUT"     // a Go duration ("45s") or seconds ("45")
	EnvAPIVersion = "SOROE_LLM_API_VERSION" // Azure deployments only
)

// ConfigFromEnv reads the model settings from the environment. None set
// gives the builtin generator's config; a base URL without a model (or the
// reverse), a base URL that is not http(s), or a bad timeout is an error.
func ConfigFromEnv() (Config, error) {
	c := Config{
		BaseURL:    strings.TrimSpace(os.Getenv(EnvBaseURL)),
		APIKey:     strings.TrimSpace(os.Getenv(EnvAPIKey)),
		Model:      strings.TrimSpace(os.Getenv(EnvModel)),
		APIVersion: strings.TrimSpace(os.Getenv(EnvAPIVersion)),
	}
	if t := strings.TrimSpace(os.Getenv(EnvTimeout)); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil {
			n, nerr := strconv.Atoi(t)
			if nerr != nil {
				return Config{}, fmt.Errorf("%s: %q is not a duration such as 30s", EnvTimeout, t)
			}
			d = time.Duration(n) * time.Second
		}
		if d <= 0 {
			return Config{}, fmt.Errorf("%s: %q must be positive", EnvTimeout, t)
		}
		c.Timeout = d
	}
	switch {
	case c.BaseURL == "" && c.Model == "":
		return c, nil
	case c.BaseURL == "":
		return Config{}, fmt.Errorf("%s is set but %s is not", EnvModel, EnvBaseURL)
	case c.Model == "":
		return Config{}, fmt.Errorf("%s is set but %s is not", EnvBaseURL, EnvModel)
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Config{}, fmt.Errorf("%s: %q is not an http(s) URL", EnvBaseURL, c.BaseURL)
	}
	return c, nil
}
