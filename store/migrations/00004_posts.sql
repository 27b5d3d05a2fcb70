-- +goose Up
-- Connected accounts, posts, their per-account targets (the unit of
-- exactly-once publishing) and the posts' history.

CREATE TABLE accounts (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	network    TEXT NOT NULL,
	name       TEXT NOT NULL,
	handle     TEXT NOT NULL DEFAULT '',
	host       TEXT NOT NULL DEFAULT '',
	-- The credentials, sealed by the caller (secretbox); the store never
	-- opens it.
	secret     TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'needs_reconnect')),
	created_at {{.TS}} NOT NULL
);
CREATE INDEX accounts_org ON accounts (org_id, id);

CREATE TABLE posts (
	id               {{.ID}},
	org_id           BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	goal_id          BIGINT REFERENCES goals (id) ON DELETE SET NULL,
	template_id      BIGINT REFERENCES templates (id) ON DELETE SET NULL,
	template_version INTEGER NOT NULL DEFAULT 0,
	author_id        BIGINT NOT NULL REFERENCES users (id),
	state            TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'scheduled', 'published', 'failed')),
	scheduled_at     {{.TS}},
	link             TEXT NOT NULL DEFAULT '',
	created_at       {{.TS}} NOT NULL,
	updated_at       {{.TS}} NOT NULL
);
CREATE INDEX posts_org ON posts (org_id, scheduled_at);
CREATE INDEX posts_state ON posts (state, scheduled_at);

CREATE TABLE post_targets (
	id               {{.ID}},
	post_id          BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	org_id           BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	-- No cascade: an account with publishing history is not deleted.
	account_id       BIGINT NOT NULL REFERENCES accounts (id),
	network          TEXT NOT NULL,
	text             TEXT NOT NULL,
	state            TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'unconfirmed')),
	attempts         INTEGER NOT NULL DEFAULT 0,
	next_attempt_at  {{.TS}} NOT NULL,
	lease_until      {{.TS}},
	first_attempt_at {{.TS}},
	last_attempt_at  {{.TS}},
	idempotency_key  TEXT NOT NULL UNIQUE,
	remote_id        TEXT NOT NULL DEFAULT '',
	url              TEXT NOT NULL DEFAULT '',
	last_error       TEXT NOT NULL DEFAULT '',
	sent_at          {{.TS}}
);
CREATE INDEX post_targets_post ON post_targets (post_id);
CREATE INDEX post_targets_due ON post_targets (state, next_attempt_at);
CREATE INDEX post_targets_account ON post_targets (account_id, state);

CREATE TABLE post_events (
	id        {{.ID}},
	post_id   BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	target_id BIGINT REFERENCES post_targets (id) ON DELETE CASCADE,
	at        {{.TS}} NOT NULL,
	kind      TEXT NOT NULL,
	detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX post_events_post ON post_events (post_id, id);

-- +goose Down
DROP TABLE post_events;
DROP TABLE post_targets;
DROP TABLE posts;
DROP TABLE accounts;
