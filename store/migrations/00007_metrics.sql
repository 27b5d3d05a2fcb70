-- +goose Up
-- Measurement: every post's numbers (snapshots, append-only), the latest
-- value per post and metric, external posts (posted outside Soroe, known
-- from an import), follower counts per account and day, account-level daily
-- figures and web traffic from exports, the import log, per-day rollups kept
-- current as data arrives, and each account's pull schedule and health.
--
-- A snapshot row is one reading of one post at one moment from one source;
-- it holds a column per metric of the vocabulary (soroe.PostMetrics). A NULL
-- column is "not read" unless the metric is named in `unavailable`
-- ("metric=reason,…"), which says the network does not give, withholds or
-- refused it — never 0.

CREATE TABLE external_posts (
	id           {{.ID}},
	org_id       BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	network      TEXT NOT NULL,
	remote_id    TEXT NOT NULL,
	url          TEXT NOT NULL DEFAULT '',
	text         TEXT NOT NULL DEFAULT '',
	kind         TEXT NOT NULL DEFAULT '',
	published_at {{.TS}} NOT NULL,
	created_at   {{.TS}} NOT NULL,
	UNIQUE (account_id, remote_id)
);
CREATE INDEX external_posts_org ON external_posts (org_id, published_at);

CREATE TABLE metric_imports (
	id              {{.ID}},
	org_id          BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	account_id      BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
	format          TEXT NOT NULL,
	file_name       TEXT NOT NULL,
	sha256          TEXT NOT NULL,
	rows_read       INTEGER NOT NULL,
	matched         INTEGER NOT NULL,
	external        INTEGER NOT NULL,
	snapshots_added INTEGER NOT NULL,
	period_from     {{.TS}},
	period_to       {{.TS}},
	created_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at      {{.TS}} NOT NULL,
	UNIQUE (org_id, sha256)
);

CREATE TABLE metric_snapshots (
	id             {{.ID}},
	org_id         BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	target_id      BIGINT REFERENCES post_targets (id) ON DELETE CASCADE,
	external_id    BIGINT REFERENCES external_posts (id) ON DELETE CASCADE,
	captured_at    {{.TS}} NOT NULL,
	source         TEXT NOT NULL CHECK (source IN ('api', 'csv', 'manual')),
	source_detail  TEXT NOT NULL DEFAULT '',
	import_id      BIGINT REFERENCES metric_imports (id) ON DELETE SET NULL,
	impressions    BIGINT,
	views          BIGINT,
	reach          BIGINT,
	likes          BIGINT,
	replies        BIGINT,
	reposts        BIGINT,
	quotes         BIGINT,
	shares         BIGINT,
	saves          BIGINT,
	bookmarks      BIGINT,
	link_clicks    BIGINT,
	profile_clicks BIGINT,
	follows        BIGINT,
	video_views    BIGINT,
	engagements    BIGINT,
	unavailable    TEXT NOT NULL DEFAULT '',
	CHECK ((target_id IS NULL) <> (external_id IS NULL))
);
CREATE INDEX metric_snapshots_target ON metric_snapshots (target_id, captured_at) WHERE target_id IS NOT NULL;
CREATE INDEX metric_snapshots_external ON metric_snapshots (external_id, captured_at) WHERE external_id IS NOT NULL;

-- The latest known value of each metric of each post (a metric keeps its
-- last reading when a later snapshot does not read it), the post's fixed
-- dimensions (copied so rollups need no join), the derived exposure and
-- engagement, and its reaction score.
CREATE TABLE metric_latest (
	id             {{.ID}},
	org_id         BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	target_id      BIGINT UNIQUE REFERENCES post_targets (id) ON DELETE CASCADE,
	external_id    BIGINT UNIQUE REFERENCES external_posts (id) ON DELETE CASCADE,
	post_id        BIGINT REFERENCES posts (id) ON DELETE CASCADE,
	account_id     BIGINT NOT NULL,
	network        TEXT NOT NULL,
	goal_id        BIGINT NOT NULL DEFAULT 0,
	template_id    BIGINT NOT NULL DEFAULT 0,
	template_ver   INTEGER NOT NULL DEFAULT 0,
	author_id      BIGINT NOT NULL DEFAULT 0,
	kind           TEXT NOT NULL DEFAULT '',
	published_at   {{.TS}} NOT NULL,
	day            TEXT NOT NULL, -- the publish day in the organization's zone
	impressions    BIGINT,
	views          BIGINT,
	reach          BIGINT,
	likes          BIGINT,
	replies        BIGINT,
	reposts        BIGINT,
	quotes         BIGINT,
	shares         BIGINT,
	saves          BIGINT,
	bookmarks      BIGINT,
	link_clicks    BIGINT,
	profile_clicks BIGINT,
	follows        BIGINT,
	video_views    BIGINT,
	engagements    BIGINT,
	unavailable    TEXT NOT NULL DEFAULT '',
	exposure       BIGINT,            -- impressions, else views, else reach
	exposure_kind  TEXT NOT NULL DEFAULT '',
	engagement     BIGINT,            -- the network's engagements, else the documented sum
	captured_at    {{.TS}} NOT NULL,  -- the latest snapshot's time
	score          INTEGER,
	score_version  INTEGER NOT NULL DEFAULT 0,
	score_detail   TEXT NOT NULL DEFAULT '',
	scored_at      {{.TS}},           -- NULL: to be scored (again)
	CHECK ((target_id IS NULL) <> (external_id IS NULL))
);
CREATE INDEX metric_latest_unscored ON metric_latest (captured_at) WHERE scored_at IS NULL;
CREATE INDEX metric_latest_org ON metric_latest (org_id, published_at);
CREATE INDEX metric_latest_account ON metric_latest (account_id, published_at);

-- Per-day sums of the latest values of the posts published that day, per
-- dimension: org (dim_id 0), account, goal, template (dim_ver the version),
-- member (the author). Kept current by deltas in the transaction that
-- changes metric_latest; `soroe metrics rebuild` recomputes them.
CREATE TABLE metric_daily (
	org_id         BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	dim            TEXT NOT NULL,
	dim_id         BIGINT NOT NULL,
	dim_ver        INTEGER NOT NULL DEFAULT 0,
	day            TEXT NOT NULL,
	posts          BIGINT NOT NULL DEFAULT 0,
	impressions    BIGINT NOT NULL DEFAULT 0,
	views          BIGINT NOT NULL DEFAULT 0,
	reach          BIGINT NOT NULL DEFAULT 0,
	likes          BIGINT NOT NULL DEFAULT 0,
	replies        BIGINT NOT NULL DEFAULT 0,
	reposts        BIGINT NOT NULL DEFAULT 0,
	quotes         BIGINT NOT NULL DEFAULT 0,
	shares         BIGINT NOT NULL DEFAULT 0,
	saves          BIGINT NOT NULL DEFAULT 0,
	bookmarks      BIGINT NOT NULL DEFAULT 0,
	link_clicks    BIGINT NOT NULL DEFAULT 0,
	profile_clicks BIGINT NOT NULL DEFAULT 0,
	follows        BIGINT NOT NULL DEFAULT 0,
	video_views    BIGINT NOT NULL DEFAULT 0,
	engagements    BIGINT NOT NULL DEFAULT 0,
	exposure       BIGINT NOT NULL DEFAULT 0,
	engagement     BIGINT NOT NULL DEFAULT 0,
	scored         BIGINT NOT NULL DEFAULT 0, -- posts with a score
	score_sum      BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (org_id, dim, dim_id, dim_ver, day)
);

-- An account's follower total on one local day (the latest reading wins).
CREATE TABLE account_followers (
	account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	day        TEXT NOT NULL,
	followers  BIGINT NOT NULL,
	source     TEXT NOT NULL,
	at         {{.TS}} NOT NULL,
	PRIMARY KEY (account_id, day)
);

-- Account-level figures of a day from an export (X's account overview).
CREATE TABLE account_daily (
	account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	day         TEXT NOT NULL,
	impressions BIGINT,
	engagements BIGINT,
	follows     BIGINT,
	unfollows   BIGINT,
	source      TEXT NOT NULL,
	at          {{.TS}} NOT NULL,
	PRIMARY KEY (account_id, day)
);

-- Web traffic from GA4 exports, matched to goals and posts by the UTM
-- parameters Soroe writes (utm_campaign = the goal's slug, utm_content =
-- the post).
CREATE TABLE web_traffic (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	import_id  BIGINT REFERENCES metric_imports (id) ON DELETE CASCADE,
	day        TEXT NOT NULL, -- the row's day, or the period's first day for totals
	day_to     TEXT NOT NULL,
	source     TEXT NOT NULL DEFAULT '',
	medium     TEXT NOT NULL DEFAULT '',
	campaign   TEXT NOT NULL DEFAULT '',
	content    TEXT NOT NULL DEFAULT '',
	goal_id    BIGINT REFERENCES goals (id) ON DELETE SET NULL,
	post_id    BIGINT REFERENCES posts (id) ON DELETE SET NULL,
	sessions   BIGINT NOT NULL DEFAULT 0,
	key_events BIGINT NOT NULL DEFAULT 0,
	events     TEXT NOT NULL DEFAULT '', -- "name=count,…" where the export names them
	UNIQUE (org_id, day, day_to, source, medium, campaign, content)
);

-- Pull schedule: a sent target's pulls done and when the next is due.
ALTER TABLE post_targets ADD COLUMN metrics_pulls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE post_targets ADD COLUMN metrics_next_at {{.TS}};
CREATE INDEX post_targets_metrics ON post_targets (metrics_next_at) WHERE metrics_next_at IS NOT NULL;

-- Per account: whether its posts' numbers are pulled from the API (an
-- organization can turn X's paid reads off and import X's export instead),
-- whether it has API access at all (registered by handle only), and the
-- pulls' health.
ALTER TABLE accounts ADD COLUMN no_api BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN metrics_pull BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE accounts ADD COLUMN metrics_pulled_at {{.TS}};
ALTER TABLE accounts ADD COLUMN metrics_error TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN metrics_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN metrics_warned_at {{.TS}};

-- +goose Down
ALTER TABLE accounts DROP COLUMN metrics_warned_at;
ALTER TABLE accounts DROP COLUMN metrics_failures;
ALTER TABLE accounts DROP COLUMN metrics_error;
ALTER TABLE accounts DROP COLUMN metrics_pulled_at;
ALTER TABLE accounts DROP COLUMN metrics_pull;
ALTER TABLE accounts DROP COLUMN no_api;
DROP INDEX post_targets_metrics;
ALTER TABLE post_targets DROP COLUMN metrics_next_at;
ALTER TABLE post_targets DROP COLUMN metrics_pulls;
DROP TABLE web_traffic;
DROP TABLE account_daily;
DROP TABLE account_followers;
DROP TABLE metric_daily;
DROP TABLE metric_latest;
DROP TABLE metric_snapshots;
DROP TABLE metric_imports;
DROP TABLE external_posts;
