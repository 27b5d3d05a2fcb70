-- +goose Up
-- Improvements agreed on (対応策): a title, an owner, a due day, a status,
-- what prompted them (an insight, a post) and, once done, what they
-- changed; and the team's comments on them.
CREATE TABLE action_items (
	id          {{.ID}},
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	title       TEXT NOT NULL,
	detail      TEXT NOT NULL DEFAULT '',
	owner_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
	due_on      TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL CHECK (status IN ('open', 'doing', 'done', 'dropped')),
	goal_id     BIGINT REFERENCES goals (id) ON DELETE SET NULL,
	source_kind TEXT NOT NULL DEFAULT '',
	source_ref  TEXT NOT NULL DEFAULT '',
	source_note TEXT NOT NULL DEFAULT '',
	outcome     TEXT NOT NULL DEFAULT '',
	created_by  BIGINT NOT NULL REFERENCES users (id),
	created_at  {{.TS}} NOT NULL,
	updated_at  {{.TS}} NOT NULL,
	done_at     {{.TS}}
);
CREATE INDEX action_items_org ON action_items (org_id, status, due_on);

CREATE TABLE action_comments (
	id         {{.ID}},
	action_id  BIGINT NOT NULL REFERENCES action_items (id) ON DELETE CASCADE,
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	author_id  BIGINT NOT NULL REFERENCES users (id),
	body       TEXT NOT NULL,
	created_at {{.TS}} NOT NULL
);
CREATE INDEX action_comments_action ON action_comments (action_id, id);

-- +goose Down
DROP TABLE action_comments;
DROP TABLE action_items;
