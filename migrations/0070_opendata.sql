-- The catalogue of data assets (owned by src/modules/opendata): every dataset and data product of
-- every agency with its DCAT-AP 3 metadata, public, restricted (inside government under an access
-- agreement) or closed. Metadata only, no personal data. The module loads its seed (public
-- datasets and the registries' data products) at start-up, idempotently, and reads from here.
CREATE SCHEMA IF NOT EXISTS opendata;

CREATE TABLE opendata.datasets (
  id           text        PRIMARY KEY CHECK (id ~ '^[a-z0-9]+([.-][a-z0-9]+)*$' AND length(id) <= 100),
  position     integer     NOT NULL,
  publisher    text        NOT NULL CHECK (publisher ~ '^[A-Z][A-Z0-9]{1,15}$'),
  access_level text        NOT NULL CHECK (access_level IN ('public', 'restricted', 'closed')),
  -- the entry's DCAT-AP metadata as the module's DatasetSpec (see src/modules/opendata/seed.ts)
  metadata     jsonb       NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX datasets_access_level ON opendata.datasets (access_level, position);

CREATE TABLE opendata.publishers (
  code     text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{1,15}$'),
  name_ko  text NOT NULL,
  name_en  text NOT NULL,
  homepage text NOT NULL
);

CREATE TABLE opendata.seed_state (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  checksum text    NOT NULL
);
