-- GOV24 one-stop applications (owned by src/modules/applications): the GOV24 consumer subsystem
-- in the exchange directory (the portal reads registry data for residents' applications as its
-- own client, under standing agreements and the resident's consent), pre-fill drafts, applications
-- and one case per service, each at the agency that decides it, with its status history.

INSERT INTO directory.subsystems (id, instance, member_class, member_code, subsystem_code, name_ko, name_en, role) VALUES
  ('KR/GOV/MOIS/gov24', 'KR', 'GOV', 'MOIS', 'gov24', '정부24 원스톱 신청', 'Government24 one-stop applications', 'consumer')
ON CONFLICT (id) DO NOTHING;

CREATE SCHEMA IF NOT EXISTS applications;

-- What the resident decided on the "consent to use of administrative information" screen, and
-- the registry values read after an agreement: the form is rendered from here, so reloading the
-- form never reads the registries again. Expires; replaced by a newer decision.
CREATE TABLE applications.drafts (
  id              text        PRIMARY KEY,                      -- DRF-<uuid>
  resident_id     bigint      NOT NULL,
  target          text        NOT NULL CHECK (target ~ '^(service|bundle):[a-z0-9-]{1,80}$'),
  mode            text        NOT NULL CHECK (mode IN ('registry', 'uploads')),
  prefilled       jsonb       NOT NULL DEFAULT '{}'::jsonb,     -- form field name → value read
  reads           jsonb       NOT NULL DEFAULT '[]'::jsonb,     -- [{productId, messageId, fields}]
  idempotency_key text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL
);
CREATE INDEX drafts_resident_idx ON applications.drafts (resident_id, target, created_at DESC);

CREATE SEQUENCE applications.application_number;
CREATE SEQUENCE applications.case_number;

CREATE TABLE applications.applications (
  id              text        PRIMARY KEY CHECK (id ~ '^APP-[0-9]{4}-[0-9]{6,}$'),
  resident_id     bigint      NOT NULL,
  target          text        NOT NULL CHECK (target ~ '^(service|bundle):[a-z0-9-]{1,80}$'),
  idempotency_key text        NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
  mode            text        NOT NULL CHECK (mode IN ('registry', 'uploads')),
  prefilled       jsonb       NOT NULL,   -- the registry values as re-read and verified at submission
  answers         jsonb       NOT NULL,   -- what the resident entered (payment account, uploads)
  reads           jsonb       NOT NULL,   -- the exchange reads made at submission
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  -- a second submission of the same form is the same application
  UNIQUE (resident_id, idempotency_key)
);
CREATE INDEX applications_resident_idx ON applications.applications (resident_id, submitted_at DESC);

CREATE TABLE applications.cases (
  id             text        PRIMARY KEY CHECK (id ~ '^CASE-[0-9]{4}-[0-9]{6,}$'),
  application_id text        NOT NULL REFERENCES applications.applications (id),
  position       integer     NOT NULL,
  service_id     text        NOT NULL,
  agency_code    text        NOT NULL,
  status         text        NOT NULL CHECK (status IN ('received', 'in-review', 'approved', 'rejected')),
  reason         text,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (application_id, position),
  CHECK (status <> 'rejected' OR (reason IS NOT NULL AND length(reason) > 0))
);
CREATE INDEX cases_agency_idx ON applications.cases (agency_code, updated_at DESC);

CREATE TABLE applications.case_history (
  case_id      text        NOT NULL REFERENCES applications.cases (id),
  seq          integer     NOT NULL,
  status       text        NOT NULL,
  reason       text,
  actor_id     text        NOT NULL,
  actor_role   text        NOT NULL,
  actor_agency text,
  at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, seq)
);
