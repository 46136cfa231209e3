-- The open-data datastore (owned by src/modules/opendata, datastore.ts): files agencies upload to
-- their datasets, staged until an official confirms the column types, then imported as one real,
-- typed table per resource in this schema (datastore.r_<32 hex>, columns c1…cN: generated names,
-- never the file's headers, so no user text is ever an SQL identifier). Public statistics only,
-- no personal data.
CREATE SCHEMA IF NOT EXISTS datastore;

-- An uploaded file between preview and import: the decoded text is kept so confirming re-reads the
-- very file the official previewed.
CREATE TABLE datastore.uploads (
  id          uuid        PRIMARY KEY,
  dataset_id  text        NOT NULL,
  agency      text        NOT NULL,
  uploaded_by text        NOT NULL,
  file_name   text        NOT NULL CHECK (length(file_name) <= 200),
  format      text        NOT NULL CHECK (format IN ('csv', 'json')),
  encoding    text        NOT NULL CHECK (encoding IN ('utf-8', 'utf-8-bom', 'cp949')),
  content     text        NOT NULL,
  -- [{name, type}] with the inferred types
  columns     jsonb       NOT NULL,
  row_count   integer     NOT NULL,
  status      text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'imported')),
  resource_id uuid,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX uploads_dataset ON datastore.uploads (dataset_id, created_at DESC);

-- One imported table, attached to its dataset as a distribution (CSV and JSON download, datastore API).
CREATE TABLE datastore.resources (
  id          uuid        PRIMARY KEY,
  dataset_id  text        NOT NULL,
  title_ko    text        NOT NULL,
  title_en    text        NOT NULL,
  table_name  text        NOT NULL UNIQUE CHECK (table_name ~ '^r_[0-9a-f]{32}$'),
  -- [{id (the header), column (c1…), type}] in file order
  columns     jsonb       NOT NULL,
  row_count   bigint      NOT NULL,
  upload_id   uuid        REFERENCES datastore.uploads (id),
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX resources_dataset ON datastore.resources (dataset_id, created_at);
