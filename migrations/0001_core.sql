-- Shared kernel tables (src/core): the tamper-evident audit log and the transactional outbox.
CREATE SCHEMA IF NOT EXISTS audit;

-- The database must store text as UTF-8: Korean names, and the audit chain hashes text bytes.
DO $$ BEGIN
  IF current_setting('server_encoding') <> 'UTF8' THEN
    RAISE EXCEPTION 'OnceGov needs a UTF8 database (this one is %)', current_setting('server_encoding');
  END IF;
END $$;

-- One row per audited action, inserted in the same transaction as the action itself, never
-- changed afterwards. `payload` is the record exactly as written and hashed: fields separated by
-- U+001F, NULL as U+001E, values free of control characters (src/core/audit.ts writes it). The
-- typed columns are generated from it, so what is queried can never differ from what is hashed.
-- `txid` is the writing transaction: it fixes the entry's place in the chain (see audit.seals).
CREATE TABLE audit.entries (
  id                  bigserial PRIMARY KEY,
  txid                xid8      NOT NULL DEFAULT pg_current_xact_id(),
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
  CHECK (split_part(payload, E'\x1f', 1) = '1'),
  CHECK (outcome IN ('allowed', 'denied', 'failed'))
);
CREATE INDEX entries_chain_order_idx ON audit.entries (txid, id);
CREATE INDEX entries_subject_idx ON audit.entries (subject_resident_id, occurred_at DESC)
  WHERE subject_resident_id IS NOT NULL;
CREATE INDEX entries_request_idx ON audit.entries (request_id) WHERE request_id IS NOT NULL;

-- The hash chain. Shortly after entries commit, the sealer (src/core/audit.ts) takes every entry
-- of the transactions that have finished since the last seal (txid_from <= txid < txid_to, in
-- (txid, id) order: positions first_pos, first_pos + 1, ...), stores each entry's SHA-256 digest,
-- and links the seal to the previous one:
--   hash = sha256(prev_hash || int8send(seal_no) || int8send(first_pos) || int4send(entry_count) || digests)
-- Sealing after commit, rather than chaining inside each audited transaction, keeps audited
-- transactions from queueing behind one chain lock held across every commit.
CREATE TABLE audit.seals (
  seal_no     bigint      PRIMARY KEY,
  txid_from   xid8        NOT NULL,
  txid_to     xid8        NOT NULL,
  first_pos   bigint      NOT NULL,
  entry_count integer     NOT NULL CHECK (entry_count > 0),
  digests     bytea       NOT NULL CHECK (length(digests) = 32 * entry_count),
  prev_hash   bytea       NOT NULL,
  hash        bytea       NOT NULL,
  sealed_at   timestamptz NOT NULL DEFAULT now()
);

-- The newest seal, kept apart so that removing seals from the end shows up.
CREATE TABLE audit.chain_head (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seal_no    bigint  NOT NULL,
  txid_to    xid8    NOT NULL,
  next_pos   bigint  NOT NULL,
  hash       bytea   NOT NULL
);
INSERT INTO audit.chain_head (seal_no, txid_to, next_pos, hash)
  VALUES (0, '0', 1, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only: entries and seals are never updated or deleted.
CREATE FUNCTION audit.forbid_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON audit.entries
  FOR EACH ROW EXECUTE FUNCTION audit.forbid_rewrite();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON audit.entries
  FOR EACH STATEMENT EXECUTE FUNCTION audit.forbid_rewrite();
CREATE TRIGGER seals_append_only BEFORE UPDATE OR DELETE ON audit.seals
  FOR EACH ROW EXECUTE FUNCTION audit.forbid_rewrite();
CREATE TRIGGER seals_no_truncate BEFORE TRUNCATE ON audit.seals
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
