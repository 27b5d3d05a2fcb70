-- +goose Up
-- Notifications beyond the app: each organization's webhooks (Slack,
-- Microsoft Teams, generic signed JSON), which events each one wants, and
-- how its last delivery went (for managers; failures counted so that
-- managers are warned once per failing webhook, until it succeeds again).
-- notify_events is the outbox: one row per notification event an
-- organization's webhooks want, written in the same transaction as the
-- in-app notifications and turned into delivery jobs by the dispatcher.

CREATE TABLE webhooks (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('slack', 'teams', 'generic')),
	-- The URL (a secret itself for Slack and Teams) and the generic kind's
	-- signing key, sealed with SOROE_SECRET_KEY when the server has one;
	-- url_host is what people are shown.
	url        TEXT NOT NULL,
	url_host   TEXT NOT NULL DEFAULT '',
	secret     TEXT NOT NULL DEFAULT '',
	-- A comma-separated list of event names (notification kinds, "report").
	events     TEXT NOT NULL DEFAULT '',
	enabled    BOOLEAN NOT NULL,
	last_at    {{.TS}},
	last_ok    BOOLEAN,
	last_error TEXT NOT NULL DEFAULT '',
	failures   INTEGER NOT NULL DEFAULT 0,
	warned_at  {{.TS}},
	created_by BIGINT NOT NULL REFERENCES users (id),
	created_at {{.TS}} NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id, id);

CREATE TABLE notify_events (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	post_id    BIGINT,
	account_id BIGINT,
	params     TEXT NOT NULL DEFAULT '{}',
	created_at {{.TS}} NOT NULL
);

-- +goose Down
DROP TABLE notify_events;
DROP INDEX webhooks_org;
DROP TABLE webhooks;
