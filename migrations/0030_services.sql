-- The GOV24 service catalogue (owned by src/modules/services): public services owned by agencies,
-- grouped by life event, with the documents each one needs and how the platform obtains them,
-- and bundles that apply to several services at once (e.g. 행복출산 원스톱서비스). Reference data,
-- not personal data; the module loads its seed (src/modules/services/seed.ts) into these tables
-- at start-up, idempotently, and reads from them.
CREATE SCHEMA IF NOT EXISTS services;

CREATE TABLE services.agencies (
  code    text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9]{1,15}$'),
  name_ko text NOT NULL,
  name_en text NOT NULL
);

CREATE TABLE services.services (
  id                text     PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 80),
  agency_code       text     NOT NULL REFERENCES services.agencies (code),
  position          integer  NOT NULL,
  name_ko           text     NOT NULL,
  name_en           text     NOT NULL,
  description_ko    text     NOT NULL,
  description_en    text     NOT NULL,
  -- exactly the ten life events of the catalogue; at least one
  life_events       text[]   NOT NULL CHECK (cardinality(life_events) >= 1 AND life_events <@ ARRAY[
                      'birth', 'childcare', 'school', 'employment', 'moving-house', 'marriage',
                      'disability', 'old-age', 'death', 'starting-business']::text[]),
  channels          text[]   NOT NULL CHECK (cardinality(channels) >= 1 AND channels <@ ARRAY['online', 'office', 'partner']::text[]),
  processing_ko     text     NOT NULL,
  processing_en     text     NOT NULL,
  fee_krw           integer  NOT NULL CHECK (fee_krw >= 0),   -- 0 = free
  fee_note_ko       text,
  fee_note_en       text,
  legal_basis_ko    text     NOT NULL,
  legal_basis_en    text     NOT NULL,
  contact_ko        text     NOT NULL,
  contact_en        text     NOT NULL,
  -- notification category of a benefit (residents opt out per category); null for other services
  category          text     CHECK (category IN ('child', 'elderly', 'disability', 'income-support', 'employment', 'health', 'housing', 'general')),
  -- extra words residents search with (synonyms, common names), space-separated
  keywords_ko       text     NOT NULL DEFAULT '',
  keywords_en       text     NOT NULL DEFAULT ''
);
CREATE INDEX services_agency_idx ON services.services (agency_code);
CREATE INDEX services_life_events_idx ON services.services USING gin (life_events);

-- What a service needs: either a registry data product the platform fetches itself under the
-- once-only principle, or a document the resident uploads because no registry holds it.
CREATE TABLE services.required_documents (
  service_id      text    NOT NULL REFERENCES services.services (id) ON DELETE CASCADE,
  position        integer NOT NULL,
  kind            text    NOT NULL CHECK (kind IN ('data-product', 'upload')),
  data_product_id text,
  name_ko         text,
  name_en         text,
  PRIMARY KEY (service_id, position),
  CHECK ((kind = 'data-product' AND data_product_id IS NOT NULL AND name_ko IS NULL AND name_en IS NULL)
      OR (kind = 'upload' AND data_product_id IS NULL AND name_ko IS NOT NULL AND name_en IS NOT NULL))
);
CREATE INDEX required_documents_product_idx ON services.required_documents (data_product_id) WHERE data_product_id IS NOT NULL;

CREATE TABLE services.bundles (
  id             text PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 80),
  name_ko        text NOT NULL,
  name_en        text NOT NULL,
  description_ko text NOT NULL,
  description_en text NOT NULL,
  life_event     text NOT NULL CHECK (life_event IN ('birth', 'childcare', 'school', 'employment', 'moving-house', 'marriage',
                   'disability', 'old-age', 'death', 'starting-business'))
);

CREATE TABLE services.bundle_members (
  bundle_id  text    NOT NULL REFERENCES services.bundles (id) ON DELETE CASCADE,
  position   integer NOT NULL,
  service_id text    NOT NULL REFERENCES services.services (id),
  PRIMARY KEY (bundle_id, position),
  UNIQUE (bundle_id, service_id)
);

-- Which version of the seed is loaded, so start-up skips the load when nothing changed.
CREATE TABLE services.seed_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  checksum  text    NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
