-- The proactive benefits engine (src/modules/proactive): population sweeps for a published rule,
-- with their progress; and the rule versions' change version, so the engine keeps the compiled
-- published rules in memory and knows exactly when they changed (src/core/change-versions.ts).
CREATE SCHEMA IF NOT EXISTS proactive;

CREATE TABLE proactive.sweeps (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id      text        NOT NULL,
  rule_version integer,
  cause        text        NOT NULL,
  status       text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
  total        integer     CHECK (total >= 0),
  processed    integer     NOT NULL DEFAULT 0 CHECK (processed >= 0),
  created      integer     NOT NULL DEFAULT 0,
  duplicates   integer     NOT NULL DEFAULT 0,
  suppressed   integer     NOT NULL DEFAULT 0,
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  error        text
);

CREATE TRIGGER bump_change_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON eligibility.rule_versions
  FOR EACH STATEMENT EXECUTE FUNCTION platform.bump_change_version('eligibility.rule_versions');
