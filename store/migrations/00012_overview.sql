-- +goose Up
-- The overview counts what went out in a period per account and per 型:
-- published targets by their send time.
CREATE INDEX post_targets_sent ON post_targets (org_id, sent_at) WHERE state = 'sent';
-- The best and weakest posts of a period: walked in score order.
CREATE INDEX metric_latest_score ON metric_latest (org_id, score, day, id) WHERE score IS NOT NULL;

-- +goose Down
DROP INDEX metric_latest_score;
DROP INDEX post_targets_sent;
