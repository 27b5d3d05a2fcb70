-- +goose Up
-- Connected accounts' health: when the access token expires, when the
-- account was last checked (a token refresh or a call that verifies the
-- credentials), the last error met (for people; never a token), and when
-- owners and managers were warned that it needs reconnecting (so each
-- needs_reconnect is announced once, whoever set it: the health job or the
-- publisher). The network's own ID of the account tells a reconnect of the
-- same account from a different one.

ALTER TABLE accounts ADD COLUMN token_expires_at {{.TS}};
ALTER TABLE accounts ADD COLUMN checked_at {{.TS}};
ALTER TABLE accounts ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN warned_at {{.TS}};
ALTER TABLE accounts ADD COLUMN remote_id TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_expiry ON accounts (status, token_expires_at);

-- +goose Down
DROP INDEX accounts_expiry;
ALTER TABLE accounts DROP COLUMN remote_id;
ALTER TABLE accounts DROP COLUMN warned_at;
ALTER TABLE accounts DROP COLUMN last_error;
ALTER TABLE accounts DROP COLUMN checked_at;
ALTER TABLE accounts DROP COLUMN token_expires_at;
