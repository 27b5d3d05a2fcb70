-- +goose Up
-- Full-text search of the post history (投稿履歴) over what was posted: the
-- text of each post target and of each external post. Japanese has no word
-- breaks, so both engines index trigrams (three-character pieces) rather
-- than words:
--
--   SQLite: FTS5 tables with the trigram tokenizer, over the tables' own
--   rows (external content), kept in step by triggers;
--   PostgreSQL: pg_trgm GIN indexes, which ILIKE '%…%' uses.
--
-- A search term of one or two characters is below the trigram length: the
-- store falls back to LIKE/ILIKE for it (store/history.go).
{{if .Postgres}}
-- Without pg_trgm (a server that lacks the contrib module, or a role that
-- may not create it), search still works — ILIKE without the index — and
-- the migration says so; the index can be added later by hand
-- (docs/operations.md). The operator class is named with the schema the
-- extension lives in, which need not be on the search_path.
-- +goose StatementBegin
DO $$
DECLARE
	s text;
BEGIN
	BEGIN
		CREATE EXTENSION IF NOT EXISTS pg_trgm;
	EXCEPTION WHEN OTHERS THEN
		RAISE WARNING 'soroe: pg_trgm is not available (%); the post history search works without its index', SQLERRM;
		RETURN;
	END;
	SELECT n.nspname INTO s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
	EXECUTE format('CREATE INDEX post_targets_text_trgm ON post_targets USING gin (text %I.gin_trgm_ops)', s);
	EXECUTE format('CREATE INDEX external_posts_text_trgm ON external_posts USING gin (text %I.gin_trgm_ops)', s);
END
$$;
-- +goose StatementEnd
{{else}}
CREATE VIRTUAL TABLE post_targets_fts USING fts5 (text, content = 'post_targets', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO post_targets_fts (post_targets_fts) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER post_targets_fts_insert AFTER INSERT ON post_targets BEGIN
	INSERT INTO post_targets_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER post_targets_fts_delete AFTER DELETE ON post_targets BEGIN
	INSERT INTO post_targets_fts (post_targets_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER post_targets_fts_update AFTER UPDATE OF text ON post_targets BEGIN
	INSERT INTO post_targets_fts (post_targets_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO post_targets_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd

CREATE VIRTUAL TABLE external_posts_fts USING fts5 (text, content = 'external_posts', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO external_posts_fts (external_posts_fts) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER external_posts_fts_insert AFTER INSERT ON external_posts BEGIN
	INSERT INTO external_posts_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER external_posts_fts_delete AFTER DELETE ON external_posts BEGIN
	INSERT INTO external_posts_fts (external_posts_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER external_posts_fts_update AFTER UPDATE OF text ON external_posts BEGIN
	INSERT INTO external_posts_fts (external_posts_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO external_posts_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd
{{end}}
-- +goose Down
{{if .Postgres}}
DROP INDEX IF EXISTS external_posts_text_trgm;
DROP INDEX IF EXISTS post_targets_text_trgm;
{{else}}
DROP TRIGGER external_posts_fts_update;
DROP TRIGGER external_posts_fts_delete;
DROP TRIGGER external_posts_fts_insert;
DROP TABLE external_posts_fts;
DROP TRIGGER post_targets_fts_update;
DROP TRIGGER post_targets_fts_delete;
DROP TRIGGER post_targets_fts_insert;
DROP TABLE post_targets_fts;
{{end}}
