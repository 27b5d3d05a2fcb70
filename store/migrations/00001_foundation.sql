-- +goose Up
-- Rendered per engine by store/migrate.go: {{.ID}}, {{.TS}} and {{.Blob}} are
-- the only differences between SQLite and PostgreSQL.

CREATE TABLE users (
	id                  {{.ID}},
	email               TEXT NOT NULL UNIQUE,
	name                TEXT NOT NULL,
	lang                TEXT NOT NULL DEFAULT 'ja',
	password_hash       TEXT NOT NULL,
	password_changed_at {{.TS}} NOT NULL,
	created_at          {{.TS}} NOT NULL
);

CREATE TABLE orgs (
	id         {{.ID}},
	name       TEXT NOT NULL,
	time_zone  TEXT NOT NULL DEFAULT 'Asia/Tokyo',
	lang       TEXT NOT NULL DEFAULT 'ja',
	created_at {{.TS}} NOT NULL
);

CREATE TABLE members (
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	role       TEXT NOT NULL CHECK (role IN ('owner', 'executive', 'manager', 'staff')),
	created_at {{.TS}} NOT NULL,
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE invitations (
	id          {{.ID}},
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	email       TEXT NOT NULL DEFAULT '',
	role        TEXT NOT NULL CHECK (role IN ('owner', 'executive', 'manager', 'staff')),
	token_hash  {{.Blob}} NOT NULL UNIQUE,
	created_by  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at  {{.TS}} NOT NULL,
	expires_at  {{.TS}} NOT NULL,
	accepted_at {{.TS}},
	accepted_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX invitations_org ON invitations (org_id);

CREATE TABLE api_tokens (
	id           {{.ID}},
	org_id       BIGINT NOT NULL,
	user_id      BIGINT NOT NULL,
	name         TEXT NOT NULL,
	prefix       TEXT NOT NULL,
	hash         {{.Blob}} NOT NULL UNIQUE,
	created_at   {{.TS}} NOT NULL,
	last_used_at {{.TS}},
	-- Leaving an organization revokes the tokens one had there.
	FOREIGN KEY (org_id, user_id) REFERENCES members (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, org_id);

-- Server-side web sessions (alexedwards/scs); the token column holds a hash.
CREATE TABLE sessions (
	token  TEXT PRIMARY KEY,
	data   {{.Blob}} NOT NULL,
	expiry {{.TS}} NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- Failed logins, per account ("email:…") and per address ("ip:…"), for
-- throttling across every instance.
CREATE TABLE login_failures (
	id  {{.ID}},
	key TEXT NOT NULL,
	at  {{.TS}} NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

-- Small installation-wide facts (e.g. that the demo data was seeded).
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- +goose Down
DROP TABLE meta;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE invitations;
DROP TABLE members;
DROP TABLE orgs;
DROP TABLE users;
