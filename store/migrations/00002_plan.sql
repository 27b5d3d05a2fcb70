-- +goose Up
-- Plan: goals with KPIs, hand-entered KPI values, the goal audit trail, 型
-- (templates) with versions, and the three-step setup's progress.

CREATE TABLE goals (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	purpose    TEXT NOT NULL,
	strategy   TEXT NOT NULL DEFAULT '',
	owner_id   BIGINT NOT NULL REFERENCES users (id),
	start_on   TEXT NOT NULL, -- a local date, YYYY-MM-DD
	deadline   TEXT NOT NULL,
	created_at {{.TS}} NOT NULL,
	updated_at {{.TS}} NOT NULL
);
CREATE INDEX goals_org ON goals (org_id, deadline);

CREATE TABLE kpis (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	goal_id    BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
	is_primary BOOLEAN NOT NULL,
	metric     TEXT NOT NULL,
	event      TEXT NOT NULL DEFAULT '',
	target     DOUBLE PRECISION NOT NULL,
	baseline   DOUBLE PRECISION,
	position   INTEGER NOT NULL
);
CREATE INDEX kpis_goal ON kpis (goal_id, position);

-- One value per KPI, day and source: hand-entered values ("manual") are
-- kept apart from measured ones so they never add up twice.
CREATE TABLE kpi_entries (
	id          {{.ID}},
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	kpi_id      BIGINT NOT NULL REFERENCES kpis (id) ON DELETE CASCADE,
	day         TEXT NOT NULL,
	source      TEXT NOT NULL,
	value       DOUBLE PRECISION NOT NULL,
	denominator DOUBLE PRECISION NOT NULL DEFAULT 0,
	note        TEXT NOT NULL DEFAULT '',
	created_by  BIGINT NOT NULL REFERENCES users (id),
	created_at  {{.TS}} NOT NULL,
	UNIQUE (kpi_id, day, source)
);

CREATE TABLE goal_changes (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	goal_id    BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
	user_id    BIGINT NOT NULL REFERENCES users (id),
	field      TEXT NOT NULL,
	old_value  TEXT NOT NULL,
	new_value  TEXT NOT NULL,
	created_at {{.TS}} NOT NULL
);
CREATE INDEX goal_changes_goal ON goal_changes (goal_id, id);

CREATE TABLE templates (
	id              {{.ID}},
	org_id          BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	goal_id         BIGINT NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
	current_version INTEGER NOT NULL,
	source          TEXT NOT NULL DEFAULT 'manual',
	created_by      BIGINT NOT NULL REFERENCES users (id),
	created_at      {{.TS}} NOT NULL,
	updated_at      {{.TS}} NOT NULL
);
CREATE INDEX templates_org ON templates (org_id, goal_id);

-- Every version of a 型, as JSON (soroe.TemplateBody). Versions are never
-- changed: editing makes a new one.
CREATE TABLE template_versions (
	template_id BIGINT NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
	version     INTEGER NOT NULL,
	body        TEXT NOT NULL,
	created_by  BIGINT NOT NULL REFERENCES users (id),
	created_at  {{.TS}} NOT NULL,
	PRIMARY KEY (template_id, version)
);

-- Where an organization is in the three-step setup.
CREATE TABLE org_setup (
	org_id     BIGINT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
	step       TEXT NOT NULL,
	updated_at {{.TS}} NOT NULL
);

-- +goose Down
DROP TABLE org_setup;
DROP TABLE template_versions;
DROP TABLE templates;
DROP TABLE goal_changes;
DROP TABLE kpi_entries;
DROP TABLE kpis;
DROP TABLE goals;
