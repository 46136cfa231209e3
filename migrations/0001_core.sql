-- Shared kernel tables (src/core): the tamper-evident audit log and the transactional outbox.
CREATE SCHEMA IF NOT EXISTS audit;

-- One row per audited action, inserted in the same transaction as the action itself.
-- The chain columns (chain_pos, prev_hash, hash) are filled once, shortly after commit, by the
-- sealer (src/core/audit.ts): chaining at commit time would serialise every audited transaction
-- behind one lock held across its commit.
CREATE TABLE audit.entries (
  id                  bigserial   PRIMARY KEY,
  occurred_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id            text        NOT NULL,   -- account id, system id, or 'anonymous'
  actor_role          text        NOT NULL,
  actor_org           text,                   -- the actor's organisation (agency code), if any
  action              text        NOT NULL,   -- e.g. 'registry.resident.read'
  subject_resident_id bigint,                 -- whose data, if a person's
  purpose             text        NOT NULL,
  resource            text        NOT NULL,
  outcome             text        NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
  request_id          text,
  details             jsonb,
  chain_pos           bigint      UNIQUE,
  prev_hash           bytea,
  hash                bytea,
  CHECK ((chain_pos IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))
);
CREATE INDEX entries_unsealed_idx ON audit.entries (id) WHERE chain_pos IS NULL;
CREATE INDEX entries_subject_idx ON audit.entries (subject_resident_id, occurred_at DESC)
  WHERE subject_resident_id IS NOT NULL;
CREATE INDEX entries_request_idx ON audit.entries (request_id) WHERE request_id IS NOT NULL;

-- The last sealed position and hash; deleting entries from the end of the chain shows up as a
-- mismatch with this row.
CREATE TABLE audit.chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  chain_pos bigint  NOT NULL,
  hash      bytea   NOT NULL
);
INSERT INTO audit.chain_head (chain_pos, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- The digest of an entry's content: every recorded field, each quoted so that NULL, empty text
-- and separators inside values cannot be confused. The sealer and the verifier both use it.
CREATE FUNCTION audit.content_digest(e audit.entries) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT sha256(convert_to(concat_ws(',',
    e.id::text,
    quote_literal(to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')),
    quote_literal(e.actor_id), quote_literal(e.actor_role), quote_nullable(e.actor_org),
    quote_literal(e.action), quote_nullable(e.subject_resident_id::text), quote_literal(e.purpose),
    quote_literal(e.resource), quote_literal(e.outcome), quote_nullable(e.request_id),
    quote_nullable(e.details::text)
  ), 'UTF8'))
$$;

-- Append-only: rows are never deleted, and the only update allowed is sealing an unsealed row.
CREATE FUNCTION audit.forbid_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.chain_pos IS NOT NULL
     OR (NEW.id, NEW.occurred_at, NEW.actor_id, NEW.actor_role, NEW.actor_org, NEW.action,
         NEW.subject_resident_id, NEW.purpose, NEW.resource, NEW.outcome, NEW.request_id, NEW.details)
        IS DISTINCT FROM
        (OLD.id, OLD.occurred_at, OLD.actor_id, OLD.actor_role, OLD.actor_org, OLD.action,
         OLD.subject_resident_id, OLD.purpose, OLD.resource, OLD.outcome, OLD.request_id, OLD.details) THEN
    RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON audit.entries
  FOR EACH ROW EXECUTE FUNCTION audit.forbid_rewrite();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON audit.entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_rewrite();

-- Transactional outbox: events are written in the same transaction as the change they announce
-- and dispatched after commit (in-process by default).
CREATE SCHEMA IF NOT EXISTS events;
CREATE TABLE events.outbox (
  id            bigserial   PRIMARY KEY,
  topic         text        NOT NULL,
  payload       jsonb       NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz,
  attempts      integer     NOT NULL DEFAULT 0,
  last_error    text
);
CREATE INDEX outbox_pending_idx ON events.outbox (id) WHERE dispatched_at IS NULL;
