package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/soroe/soroe"
)

// OrgProfile returns an organization's profile (an empty one when none was
// saved).
func (db *DB) OrgProfile(ctx context.Context, orgID int64) (*soroe.OrgProfile, error) {
	var (
		body string
		at   time.Time
	)
	err := db.r.QueryRowContext(ctx, "SELECT body, updated_at FROM org_profiles WHERE org_id = $1", orgID).Scan(&body, &at)
	if notFound(err) == soroe.ErrNotFound {
		return &soroe.OrgProfile{OrgID: orgID}, nil
	} else if err != nil {
		return nil, err
	}
	p := &soroe.OrgProfile{}
	if err := json.Unmarshal([]byte(body), p); err != nil {
		return nil, err
	}
	p.OrgID, p.UpdatedAt = orgID, at.UTC()
	return p, nil
}

// SetOrgProfile saves an organization's profile.
func (db *DB) SetOrgProfile(ctx context.Context, p *soroe.OrgProfile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p.UpdatedAt = db.Now()
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO org_profiles (org_id, body, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (org_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`, p.OrgID, string(b), p.UpdatedAt)
	return err
}

// LLMUsage is one model call's token count.
type LLMUsage struct {
	OrgID            int64     `json:"org_id"`
	At               time.Time `json:"at"`
	Model            string    `json:"model"`
	Purpose          string    `json:"purpose"`
	PromptTokens     int       `json:"prompt_tokens"`
	CompletionTokens int       `json:"completion_tokens"`
	Outcome          string    `json:"outcome"`
}

// RecordLLMUsage logs the tokens one model call used.
func (db *DB) RecordLLMUsage(ctx context.Context, u LLMUsage) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO llm_usage (org_id, at, model, purpose, prompt_tokens, completion_tokens, outcome)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.OrgID, db.Now(), u.Model, u.Purpose, u.PromptTokens, u.CompletionTokens, u.Outcome)
	return err
}

// LLMTokens returns the tokens an organization's model calls used since t
// (prompt and completion).
func (db *DB) LLMTokens(ctx context.Context, orgID int64, since time.Time) (prompt, completion int64, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0)
		FROM llm_usage WHERE org_id = $1 AND at >= $2`, orgID, ts(since)).Scan(&prompt, &completion)
	return prompt, completion, err
}
