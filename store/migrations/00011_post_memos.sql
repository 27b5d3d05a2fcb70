-- +goose Up
-- A post's 工夫メモ: what the field tried with it (a new angle, a photo, a
-- time of day, a hashtag), in the words of whoever wrote it. One memo a
-- post, kept apart from the post so that it can be written after the post
-- has gone out, when its content no longer changes.
CREATE TABLE post_memos (
	post_id    BIGINT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
	org_id     BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	body       TEXT NOT NULL,
	updated_by BIGINT NOT NULL REFERENCES users (id),
	updated_at {{.TS}} NOT NULL
);
CREATE INDEX post_memos_org ON post_memos (org_id);

-- +goose Down
DROP INDEX post_memos_org;
DROP TABLE post_memos;
