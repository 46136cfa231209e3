-- Access agreements (owned by src/modules/agreements): who (a client subsystem) may use which data
-- product, for what purpose, under which legal basis, which exact fields, and until when. Korea's
-- Public Information Sharing System: an agency applies, the data-holding agency and the platform
-- operator (MOIS) both approve, and only then may the exchange serve data under the agreement.
--
-- Subsystem ids ('KR/GOV/MOHW/welfare-benefits') and data product ids belong to the directory and
-- registry modules; they are copied here as text at request time, not referenced by foreign key,
-- because modules never reach into each other's tables.
CREATE SCHEMA IF NOT EXISTS agreements;

-- Readable ids: AGR-<year of request>-<number>, e.g. AGR-2026-000123.
CREATE SEQUENCE agreements.agreement_no;

CREATE TABLE agreements.agreements (
  id                 text        PRIMARY KEY CHECK (id ~ '^AGR-[0-9]{4}-[0-9]{6,}$'),
  client_subsystem   text        NOT NULL,   -- the consuming subsystem, INSTANCE/CLASS/MEMBER/SUBSYSTEM
  client_agency      text        NOT NULL,   -- its member code: the agency whose officials may request
  product_id         text        NOT NULL,
  provider_subsystem text        NOT NULL,   -- the product's provider at request time
  holder_agency      text        NOT NULL,   -- its member code: the data-holding agency
  purpose_code       text        NOT NULL CHECK (purpose_code ~ '^[A-Z][A-Z-]{1,40}$'),
  purpose_text       text        NOT NULL CHECK (length(purpose_text) BETWEEN 1 AND 500),
  legal_basis        text        NOT NULL CHECK (length(legal_basis) BETWEEN 1 AND 300),
  fields             text[]      NOT NULL CHECK (cardinality(fields) > 0),
  valid_from         timestamptz NOT NULL,
  valid_until        timestamptz NOT NULL,
  consent_required   boolean     NOT NULL,
  covert             boolean     NOT NULL DEFAULT false,
  -- Stored status; 'expired' is not stored but computed (agreements.effective_status) once
  -- valid_until has passed, so an agreement can never stay usable by a missed sweep.
  status             text        NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'active', 'suspended', 'rejected')),
  holder_decision    text        CHECK (holder_decision IN ('approve', 'reject')),
  operator_decision  text        CHECK (operator_decision IN ('approve', 'reject')),
  requested_by       text        NOT NULL,
  requested_at       timestamptz NOT NULL DEFAULT now(),
  activated_at       timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_until > valid_from),
  CHECK (valid_until <= valid_from + interval '5 years'),
  -- Hiding accesses from the resident is for law enforcement only.
  CHECK (NOT covert OR purpose_code = 'LAW-ENFORCEMENT'),
  -- Active (or suspended after being active) only with both approvals; rejected only with a rejection.
  CHECK (status NOT IN ('active', 'suspended') OR (holder_decision = 'approve' AND operator_decision = 'approve' AND activated_at IS NOT NULL)),
  CHECK (status <> 'rejected' OR 'reject' IN (holder_decision, operator_decision)),
  CHECK (status <> 'requested' OR (holder_decision IS DISTINCT FROM 'reject' AND operator_decision IS DISTINCT FROM 'reject'))
);
CREATE INDEX agreements_client_idx ON agreements.agreements (client_subsystem, product_id) WHERE status = 'active';
CREATE INDEX agreements_client_agency_idx ON agreements.agreements (client_agency, requested_at DESC);
CREATE INDEX agreements_holder_agency_idx ON agreements.agreements (holder_agency, requested_at DESC);
CREATE INDEX agreements_requested_idx ON agreements.agreements (requested_at DESC) WHERE status = 'requested';

-- The status as of a moment: requested, active and suspended agreements whose validity has ended
-- are 'expired'; rejected stays rejected.
CREATE FUNCTION agreements.effective_status(status text, valid_until timestamptz, at timestamptz)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN status <> 'rejected' AND valid_until <= at THEN 'expired' ELSE status END $$;

-- Every step of an agreement's life, in order: the request, each decision, each suspension and
-- resumption, with who took it, in which capacity and why. Append-only, like the audit log.
CREATE TABLE agreements.decisions (
  id           bigserial   PRIMARY KEY,
  agreement_id text        NOT NULL REFERENCES agreements.agreements (id),
  action       text        NOT NULL CHECK (action IN ('request', 'approve', 'reject', 'suspend', 'resume')),
  capacity     text        NOT NULL CHECK (capacity IN ('client', 'holder', 'operator')),
  actor_id     text        NOT NULL,
  actor_role   text        NOT NULL,
  actor_agency text,
  reason       text        CHECK (length(reason) <= 1000),
  status_after text        NOT NULL,
  decided_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_agreement_idx ON agreements.decisions (agreement_id, id);

CREATE FUNCTION agreements.forbid_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'agreement history is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER decisions_append_only BEFORE UPDATE OR DELETE ON agreements.decisions
  FOR EACH ROW EXECUTE FUNCTION agreements.forbid_rewrite();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON agreements.decisions
  FOR EACH STATEMENT EXECUTE FUNCTION agreements.forbid_rewrite();
