-- +goose Up
-- The post workflow: the post's own text and approval round, approvals
-- (members and guests) per round and step, comments, media attachments,
-- notifications, and Idempotency-Key replies of the API.

ALTER TABLE posts ADD COLUMN text TEXT NOT NULL DEFAULT '';
-- A review round starts at each submission; approvals belong to one.
ALTER TABLE posts ADD COLUMN round INTEGER NOT NULL DEFAULT 0;
-- The approval steps (soroe.ApprovalStep as JSON) frozen at submission,
-- and the step waiting for decisions (0-based).
ALTER TABLE posts ADD COLUMN steps TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
-- The planned slot (of the 型's cadence) the post fills.
ALTER TABLE posts ADD COLUMN slot_at {{.TS}};
CREATE INDEX posts_author ON posts (org_id, author_id);

-- Who did what in the history: a member, or a guest approver by name.
ALTER TABLE post_events ADD COLUMN actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE post_events ADD COLUMN actor_name TEXT NOT NULL DEFAULT '';

CREATE TABLE post_approvals (
	id          {{.ID}},
	post_id     BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	round       INTEGER NOT NULL,
	step        INTEGER NOT NULL,
	user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
	guest_email TEXT NOT NULL DEFAULT '',
	guest_name  TEXT NOT NULL DEFAULT '',
	decision    TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
	comment     TEXT NOT NULL DEFAULT '',
	at          {{.TS}} NOT NULL
);
CREATE INDEX post_approvals_post ON post_approvals (post_id, round, step);

CREATE TABLE post_comments (
	id         {{.ID}},
	post_id    BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	parent_id  BIGINT REFERENCES post_comments (id) ON DELETE CASCADE,
	author_id  BIGINT NOT NULL REFERENCES users (id),
	body       TEXT NOT NULL,
	created_at {{.TS}} NOT NULL
);
CREATE INDEX post_comments_post ON post_comments (post_id, id);

CREATE TABLE post_media (
	id           {{.ID}},
	post_id      BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
	org_id       BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	filename     TEXT NOT NULL,
	content_type TEXT NOT NULL,
	bytes        BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	alt          TEXT NOT NULL DEFAULT '',
	data         {{.Blob}} NOT NULL,
	created_by   BIGINT NOT NULL REFERENCES users (id),
	created_at   {{.TS}} NOT NULL
);
CREATE INDEX post_media_post ON post_media (post_id, position);

CREATE TABLE notifications (
	id         {{.ID}},
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	post_id    BIGINT REFERENCES posts (id) ON DELETE CASCADE,
	account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
	params     TEXT NOT NULL DEFAULT '{}',
	created_at {{.TS}} NOT NULL,
	read_at    {{.TS}}
);
CREATE INDEX notifications_user ON notifications (user_id, org_id, id);

-- A create call's reply kept under its Idempotency-Key for a day.
CREATE TABLE idempotency_keys (
	user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	key         TEXT NOT NULL,
	route       TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	status      INTEGER NOT NULL,
	body        TEXT NOT NULL,
	created_at  {{.TS}} NOT NULL,
	PRIMARY KEY (user_id, org_id, key, route)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE notifications;
DROP TABLE post_media;
DROP TABLE post_comments;
DROP TABLE post_approvals;
DROP INDEX posts_author;
ALTER TABLE post_events DROP COLUMN actor_name;
ALTER TABLE post_events DROP COLUMN actor_id;
ALTER TABLE posts DROP COLUMN slot_at;
ALTER TABLE posts DROP COLUMN step;
ALTER TABLE posts DROP COLUMN steps;
ALTER TABLE posts DROP COLUMN round;
ALTER TABLE posts DROP COLUMN text;
