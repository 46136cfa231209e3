-- Open data, part 2 (owned by src/modules/opendata): registered developers and their API keys
-- (only a SHA-256 hash of each key is kept), the per-key and per-address request counters of the
-- open-data API's rate limits, daily usage statistics per (key or anonymous, dataset, day), and
-- data requests (the public asks for a dataset to be released; the publisher answers; a refused
-- request can go to the Open Data Mediation Committee) with their public history.
CREATE TABLE opendata.developers (
  account_id    text        PRIMARY KEY,
  name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  email         text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  purpose       text        NOT NULL CHECK (length(purpose) BETWEEN 2 AND 1000),
  registered_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE opendata.api_keys (
  id              text        PRIMARY KEY CHECK (id ~ '^ODK-[0-9a-f]{16}$'),
  account_id      text        NOT NULL REFERENCES opendata.developers (account_id),
  label           text        NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
  -- SHA-256 of the whole key as handed out; the key itself is never stored
  secret_hash     bytea       NOT NULL UNIQUE,
  -- the key's first characters, so its owner can tell keys apart
  hint            text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz,
  revoked_reason  text
);
CREATE INDEX api_keys_account ON opendata.api_keys (account_id, created_at DESC);

-- Fixed-window request counters shared by every server process. Unlogged: losing the counters of
-- the current minute in a database crash only lets callers make a few extra requests.
CREATE UNLOGGED TABLE opendata.rate_windows (
  partition_key text        NOT NULL,
  window_start  timestamptz NOT NULL,
  requests      integer     NOT NULL,
  PRIMARY KEY (partition_key, window_start)
);

-- Requests per day, key ('' = anonymous) and dataset ('' = not about one dataset, e.g. a search).
CREATE TABLE opendata.usage_daily (
  day        date   NOT NULL,
  key_id     text   NOT NULL,
  dataset_id text   NOT NULL,
  requests   bigint NOT NULL,
  PRIMARY KEY (day, key_id, dataset_id)
);
CREATE INDEX usage_daily_dataset ON opendata.usage_daily (dataset_id, day);
CREATE INDEX usage_daily_key ON opendata.usage_daily (key_id, day);

CREATE TABLE opendata.data_requests (
  id                   bigserial   PRIMARY KEY,
  title                text        NOT NULL CHECK (length(title) BETWEEN 2 AND 200),
  description          text        NOT NULL CHECK (length(description) BETWEEN 2 AND 4000),
  agency_code          text        NOT NULL,
  requester_account_id text        NOT NULL,
  state                text        NOT NULL CHECK (state IN ('SUBMITTED', 'RELEASE_PLANNED', 'RELEASED', 'REFUSED', 'IN_MEDIATION', 'MEDIATION_UPHELD', 'MEDIATION_DISMISSED')),
  dataset_id           text,
  planned_date         date,
  release_due_date     date,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX data_requests_agency ON opendata.data_requests (agency_code, state);
CREATE INDEX data_requests_recent ON opendata.data_requests (updated_at DESC);

-- Each step of a request, public: who acted is recorded as a role and agency, never a person.
CREATE TABLE opendata.data_request_events (
  id           bigserial   PRIMARY KEY,
  request_id   bigint      NOT NULL REFERENCES opendata.data_requests (id),
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  action       text        NOT NULL,
  actor_role   text        NOT NULL,
  actor_agency text,
  from_state   text,
  to_state     text        NOT NULL,
  reason       text,
  dataset_id   text,
  date_value   date
);
CREATE INDEX data_request_events_request ON opendata.data_request_events (request_id, id);
