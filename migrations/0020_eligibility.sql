-- Eligibility rules as code (owned by src/modules/eligibility). Every saved version of a rule is
-- kept with its YAML source: at most one draft and one published version per rule at a time;
-- publishing a draft supersedes the version published before it.
CREATE SCHEMA IF NOT EXISTS eligibility;

CREATE TABLE eligibility.rule_versions (
  rule_id      text        NOT NULL CHECK (rule_id ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'),
  version      integer     NOT NULL CHECK (version >= 1),
  status       text        NOT NULL CHECK (status IN ('draft', 'published', 'superseded')),
  source       text        NOT NULL,
  title_ko     text        NOT NULL,
  title_en     text        NOT NULL,
  agency       text        NOT NULL,
  category     text        NOT NULL,
  entity       text        NOT NULL CHECK (entity IN ('person', 'household')),
  saved_by     text        NOT NULL,
  saved_at     timestamptz NOT NULL DEFAULT now(),
  published_by text,
  published_at timestamptz,
  PRIMARY KEY (rule_id, version),
  CHECK ((status = 'draft') = (published_at IS NULL))
);
CREATE UNIQUE INDEX rule_versions_one_published ON eligibility.rule_versions (rule_id) WHERE status = 'published';
CREATE UNIQUE INDEX rule_versions_one_draft ON eligibility.rule_versions (rule_id) WHERE status = 'draft';
