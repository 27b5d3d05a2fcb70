-- +goose Up
-- Periodic reports (月次・週次レポート) as stored snapshots: the sections
-- as JSON, written once; the 総評 (KPT) that a manager writes before
-- sending; when and how it was sent. Share links let someone without an
-- account read one until they expire.
CREATE TABLE reports (
	id          {{.ID}},
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL CHECK (kind IN ('monthly', 'weekly', 'custom')),
	period_from TEXT NOT NULL,
	period_to   TEXT NOT NULL,
	title       TEXT NOT NULL,
	data        TEXT NOT NULL,
	keep        TEXT NOT NULL DEFAULT '',
	problem     TEXT NOT NULL DEFAULT '',
	try         TEXT NOT NULL DEFAULT '',
	created_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at  {{.TS}} NOT NULL,
	sent_at     {{.TS}},
	sent_by     BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX reports_org ON reports (org_id, period_to);
-- One scheduled report per organization, kind and period.
CREATE UNIQUE INDEX reports_scheduled ON reports (org_id, kind, period_from) WHERE created_by IS NULL;

CREATE TABLE report_shares (
	id          {{.ID}},
	report_id   BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
	org_id      BIGINT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
	token_hash  TEXT NOT NULL UNIQUE,
	expires_at  {{.TS}} NOT NULL,
	created_by  BIGINT REFERENCES users (id) ON DELETE SET NULL,
	created_at  {{.TS}} NOT NULL
);
CREATE INDEX report_shares_report ON report_shares (report_id);

-- Which reports an organization makes and sends on its own: monthly on
-- the 1st, weekly on Mondays (at 09:00 in its zone).
CREATE TABLE report_schedules (
	org_id     BIGINT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
	monthly    BOOLEAN NOT NULL DEFAULT FALSE,
	weekly     BOOLEAN NOT NULL DEFAULT FALSE,
	updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
	updated_at {{.TS}} NOT NULL
);

-- +goose Down
DROP TABLE report_schedules;
DROP TABLE report_shares;
DROP TABLE reports;
