-- +goose Up
-- Outcomes: tracked links (one per post target, so each network has its own
-- code and utm_source), their clicks (no IP address, no cookie: the
-- referrer's host and a coarse class of user agent), and conversions
-- (資料DL, 応募, 問い合わせ…) attributed to the last click within the
-- organization's window.

CREATE TABLE link_settings (
	org_id      BIGINT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
	-- Whether a new post's link is tracked unless the post says otherwise.
	track       BOOLEAN NOT NULL DEFAULT TRUE,
	window_days INTEGER NOT NULL DEFAULT 30 CHECK (window_days BETWEEN 1 AND 365),
	-- The public key that scopes the thank-you page's script and pixel.
	site_key    TEXT NOT NULL UNIQUE
);

-- A post's own choice; no row means the organization's default.
CREATE TABLE post_link_tracking (
	post_id BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	track   BOOLEAN NOT NULL
);

CREATE TABLE tracked_links (
	id          {{.ID}},
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	post_id     BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	target_id   BIGINT NOT NULL UNIQUE REFERENCES post_targets (id) ON DELETE CASCADE,
	network     TEXT NOT NULL,
	goal_id     BIGINT REFERENCES goals (id) ON DELETE SET NULL,
	-- The post's link with the UTM parameters added.
	destination TEXT NOT NULL,
	code        TEXT NOT NULL UNIQUE,
	created_at  {{.TS}} NOT NULL
);
CREATE INDEX tracked_links_post ON tracked_links (org_id, post_id);

CREATE TABLE link_clicks (
	id            {{.ID}},
	link_id       BIGINT NOT NULL REFERENCES tracked_links (id) ON DELETE CASCADE,
	org_id        BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	at            {{.TS}} NOT NULL,
	referrer_host TEXT NOT NULL DEFAULT '',
	ua_class      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX link_clicks_org_at ON link_clicks (org_id, at);
CREATE INDEX link_clicks_link_at ON link_clicks (link_id, at);

CREATE TABLE conversions (
	id              {{.ID}},
	org_id          BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	event           TEXT NOT NULL,
	value           DOUBLE PRECISION,
	at              {{.TS}} NOT NULL,
	link_id         BIGINT REFERENCES tracked_links (id) ON DELETE SET NULL,
	post_id         BIGINT REFERENCES posts (id) ON DELETE SET NULL,
	goal_id         BIGINT REFERENCES goals (id) ON DELETE SET NULL,
	source          TEXT NOT NULL CHECK (source IN ('api', 'pixel', 'ga4')),
	-- NULL for none; unique per organization otherwise.
	idempotency_key TEXT,
	-- How it was attributed, for people ("last click … on x").
	attribution     TEXT NOT NULL DEFAULT '',
	created_at      {{.TS}} NOT NULL
);
CREATE UNIQUE INDEX conversions_key ON conversions (org_id, idempotency_key);
CREATE INDEX conversions_org_at ON conversions (org_id, at);

-- +goose Down
DROP TABLE conversions;
DROP TABLE link_clicks;
DROP TABLE tracked_links;
DROP TABLE post_link_tracking;
DROP TABLE link_settings;
