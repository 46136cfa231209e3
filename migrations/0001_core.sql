-- Shared kernel tables (src/core): the tamper-evident audit log and the transactional outbox.
CREATE SCHEMA IF NOT EXISTS audit;

-- The database must store text as UTF-8: Korean names, and the audit chain hashes text bytes.
DO $$ BEGIN
  IF current_setting('server_encoding') <> 'UTF8' THEN
    RAISE EXCEPTION 'OnceGov needs a UTF8 database (this one is %)', current_setting('server_encoding');
  END IF;
END $$;

-- One row per audited action, inserted in the same transaction as the action itself.
-- `payload` is the record exactly as written and hashed: fields separated by U+001F, NULL as
-- U+001E, values free of control characters (src/core/audit.ts writes it). The typed columns are
-- generated from it, so what is queried can never differ from what the chain protects.
-- The chain columns are filled once, shortly after commit, by the sealer: chaining at commit time
-- would serialise every audited transaction behind one lock held across its commit.
-- hash(n) = sha256(hash(n-1) || int8send(n) || payload bytes); hash(0) = 32 zero bytes.
CREATE TABLE audit.entries (
  id                  bigserial PRIMARY KEY,
  payload             text      NOT NULL,
  occurred_at         timestamptz GENERATED ALWAYS AS (to_timestamp(split_part(payload, E'\x1f', 2)::double precision / 1000)) STORED,
  actor_id            text      GENERATED ALWAYS AS (split_part(payload, E'\x1f', 3)) STORED,
  actor_role          text      GENERATED ALWAYS AS (split_part(payload, E'\x1f', 4)) STORED,
  actor_org           text      GENERATED ALWAYS AS (nullif(split_part(payload, E'\x1f', 5), E'\x1e')) STORED,
  action              text      GENERATED ALWAYS AS (split_part(payload, E'\x1f', 6)) STORED,
  subject_resident_id bigint    GENERATED ALWAYS AS (nullif(split_part(payload, E'\x1f', 7), E'\x1e')::bigint) STORED,
  purpose             text      GENERATED ALWAYS AS (split_part(payload, E'\x1f', 8)) STORED,
  resource            text      GENERATED ALWAYS AS (split_part(payload, E'\x1f', 9)) STORED,
  outcome             text      GENERATED ALWAYS AS (split_part(payload, E'\x1f', 10)) STORED,
  request_id          text      GENERATED ALWAYS AS (nullif(split_part(payload, E'\x1f', 11), E'\x1e')) STORED,
  details             jsonb     GENERATED ALWAYS AS (nullif(split_part(payload, E'\x1f', 12), E'\x1e')::jsonb) STORED,
  chain_pos           bigint    UNIQUE,
  hash                bytea,
  CHECK (split_part(payload, E'\x1f', 1) = '1'),
  CHECK (outcome IN ('allowed', 'denied', 'failed')),
  CHECK ((chain_pos IS NULL) = (hash IS NULL))
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

-- Append-only: rows are never deleted, and the only update allowed is sealing an unsealed row.
CREATE FUNCTION audit.forbid_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.chain_pos IS NOT NULL OR (NEW.id, NEW.payload) IS DISTINCT FROM (OLD.id, OLD.payload) THEN
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
