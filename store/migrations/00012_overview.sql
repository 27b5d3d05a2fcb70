-- +goose Up
-- The overview counts what went out in a period per account and per 型:
-- published targets by their send time.
CREATE INDEX post_targets_sent ON post_targets (org_id, sent_at) WHERE state = 'sent';

-- +goose Down
DROP INDEX post_targets_sent;
