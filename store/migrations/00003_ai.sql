-- +goose Up
-- AI: the company profile the generators read, model usage per
-- organization, and company material split into passages for retrieval.

CREATE TABLE org_profiles (
	org_id     BIGINT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
	body       TEXT NOT NULL, -- soroe.OrgProfile as JSON
	updated_at {{.TS}} NOT NULL
);

-- Tokens an OpenAI-compatible model used, per organization and call.
CREATE TABLE llm_usage (
	id                {{.ID}},
	org_id            BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	at                {{.TS}} NOT NULL,
	model             TEXT NOT NULL,
	purpose           TEXT NOT NULL, -- templates, draft, risk
	prompt_tokens     INTEGER NOT NULL,
	completion_tokens INTEGER NOT NULL,
	outcome           TEXT NOT NULL  -- ok, fallback:<reason>
);
CREATE INDEX llm_usage_org ON llm_usage (org_id, at);

CREATE TABLE materials (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	kind       TEXT NOT NULL,
	source_url TEXT NOT NULL DEFAULT '',
	bytes      BIGINT NOT NULL,
	status     TEXT NOT NULL,
	progress   INTEGER NOT NULL DEFAULT 0,
	error      TEXT NOT NULL DEFAULT '',
	created_by BIGINT NOT NULL REFERENCES users (id),
	created_at {{.TS}} NOT NULL
);
CREATE INDEX materials_org ON materials (org_id, id);

-- The original bytes, kept so a material can be processed again.
CREATE TABLE material_files (
	material_id BIGINT PRIMARY KEY REFERENCES materials (id) ON DELETE CASCADE,
	data        {{.Blob}} NOT NULL
);

CREATE TABLE passages (
	id          {{.ID}},
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	material_id BIGINT NOT NULL REFERENCES materials (id) ON DELETE CASCADE,
	idx         INTEGER NOT NULL,
	locator     TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL
);
CREATE INDEX passages_material ON passages (material_id, idx);
CREATE INDEX passages_org ON passages (org_id);

-- +goose Down
DROP TABLE passages;
DROP TABLE material_files;
DROP TABLE materials;
DROP TABLE llm_usage;
DROP TABLE org_profiles;
