// The tamper-evident audit log every module writes to. Entries are inserted in the caller's own
// transaction, so an action and its record commit or vanish together, and are never changed.
// A sealer then links the committed entries into a hash chain: each seal holds the SHA-256 digest
// of every entry it covers, in order, and the hash of the previous seal (migrations/0001_core.sql
// has the exact construction). The verifier recomputes everything inside Postgres and names the
// first chain position that does not hold.
import { createHash } from 'node:crypto';
import type { Pool, Queryable } from './db';
import { withTransaction } from './db';
import { BackgroundLoop } from './background';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

export interface AuditActor {
  id: string;
  role: string;
  org?: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  action: string;
  purpose: string;
  resource: string;
  outcome: AuditOutcome;
  subjectResidentId?: number | null;
  requestId?: string | null;
  details?: Record<string, unknown> | null;
}

/** One audit entry as read back (`AuditLog.listBySubject`). */
export interface AuditRecord {
  id: number;
  occurredAt: Date;
  actorId: string;
  actorRole: string;
  actorOrg: string | null;
  action: string;
  subjectResidentId: number | null;
  purpose: string;
  resource: string;
  outcome: AuditOutcome;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

export interface SubjectQuery {
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries strictly before this instant. */
  to?: Date;
  offset: number;
  limit: number;
  /** Entries whose details say `covert: true` are left out unless this is true. */
  includeCovert: boolean;
  /** Actions to leave out (e.g. reads of this very list). */
  excludeActions?: readonly string[];
}

/** An organisation's entries of one action (`AuditLog.listByOrganisation`). */
export interface OrganisationQuery {
  /** The action, e.g. 'exchange.read'. */
  action: string;
  /** Also the entries whose details name a provider subsystem of this organisation (`details.providerSubsystem`, INSTANCE/CLASS/MEMBER/SUBSYSTEM). */
  includeProviderSide: boolean;
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries strictly before this instant. */
  to?: Date;
  offset: number;
  limit: number;
}

export interface VerificationReport {
  ok: boolean;
  /** Entries checked (every sealed entry). */
  checked: number;
  seals: number;
  /** The first chain position (1-based) that fails, or null when the chain holds. */
  firstBrokenPosition: number | null;
  reason: string | null;
  headHash: string;
  /** Entries committed but not yet sealed (normally only for a fraction of a second). */
  unsealed: number;
  durationMs: number;
}

const GENESIS_HASH = Buffer.alloc(32);
const SEALER_LOCK = 7_240_001; // pg advisory lock key: one sealer at a time across processes
const FIELD = '\u001f';
const NULL_FIELD = '\u001e';
const PAYLOAD_VERSION = '1';
const GENERATED_COLUMNS = 11;
const DIGEST_BYTES = 32;

/** The text form of a value inside a payload: control characters would break the framing. */
function field(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return NULL_FIELD;
  return String(value).replace(/[\u0000-\u001f]/g, '\ufffd');
}

/**
 * The payload stored and hashed for an entry: version, time in epoch milliseconds, actor,
 * organisation, action, subject, purpose, resource, outcome, request id, details as JSON (JSON
 * escapes control characters itself).
 */
export function auditPayload(entry: AuditEntry, occurredAt = Date.now()): string {
  return [
    PAYLOAD_VERSION,
    String(occurredAt),
    field(entry.actor.id),
    field(entry.actor.role),
    field(entry.actor.org),
    field(entry.action),
    field(entry.subjectResidentId),
    field(entry.purpose),
    field(entry.resource),
    field(entry.outcome),
    field(entry.requestId),
    entry.details ? JSON.stringify(entry.details) : NULL_FIELD,
  ].join(FIELD);
}

export interface SealFields {
  prevHash: Buffer;
  sealNo: number;
  firstPos: number;
  entryCount: number;
  digests: Buffer;
}

/** hash = SHA-256(prev_hash ‖ seal_no (8 bytes) ‖ first_pos (8 bytes) ‖ entry_count (4 bytes) ‖ digests). */
export function sealHash(seal: SealFields): Buffer {
  const numbers = Buffer.alloc(20);
  numbers.writeBigInt64BE(BigInt(seal.sealNo), 0);
  numbers.writeBigInt64BE(BigInt(seal.firstPos), 8);
  numbers.writeInt32BE(seal.entryCount, 16);
  return createHash('sha256').update(seal.prevHash).update(numbers).update(seal.digests).digest();
}

/** Entries of the transactions in [from, to), digested in chain order, by Postgres itself. */
const DIGESTS_SQL = `SELECT count(*)::int AS n,
         string_agg(sha256(textsend(payload)), ''::bytea ORDER BY txid, id) AS digests
    FROM audit.entries WHERE txid >= $1::xid8 AND txid < $2::xid8`;

interface SealRow {
  seal_no: number;
  txid_from: string;
  txid_to: string;
  first_pos: number;
  entry_count: number;
  prev_hash: Buffer;
  hash: Buffer;
  actual_count: number;
  digests_match: boolean;
  hash_ok: boolean;
}

interface AuditRow {
  id: string | null;
  occurred_at: Date;
  actor_id: string;
  actor_role: string;
  actor_org: string | null;
  action: string;
  subject_resident_id: string | null;
  purpose: string;
  resource: string;
  outcome: AuditOutcome;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

function toAuditRecord(row: AuditRow): AuditRecord {
  return {
    id: Number(row.id),
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    actorOrg: row.actor_org,
    action: row.action,
    subjectResidentId: row.subject_resident_id === null ? null : Number(row.subject_resident_id),
    purpose: row.purpose,
    resource: row.resource,
    outcome: row.outcome,
    requestId: row.request_id,
    details: row.details,
  };
}

export class AuditLog {
  private readonly sealer: BackgroundLoop;

  constructor(
    private readonly pool: Pool,
    options: { sealIntervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.sealer = new BackgroundLoop(() => this.sealPending(), {
      intervalMs: options.sealIntervalMs ?? 1000,
      // Sealing a moment after the first poke lets a burst of commits share one seal.
      pokeDelayMs: 20,
      onError: options.onError,
    });
  }

  /** Records one entry inside the caller's transaction (or autocommit on a pool). */
  async append(db: Queryable, entry: AuditEntry): Promise<void> {
    await db.query('INSERT INTO audit.entries (payload) VALUES ($1)', [auditPayload(entry)]);
    this.sealer.poke();
  }

  /**
   * Records many entries and runs the caller's own data-modifying statement (e.g. counters kept
   * with the entries) as one statement, saving a round trip on hot paths. `companion` gets the
   * number of its first parameter ($2, since $1 holds the payloads) and returns its SQL and values.
   */
  async appendManyWith(db: Queryable, entries: AuditEntry[], companion: (firstParam: number) => { sql: string; params: unknown[] }): Promise<void> {
    const now = Date.now();
    const { sql, params } = companion(2);
    await db.query(`WITH companion AS (${sql}) INSERT INTO audit.entries (payload) SELECT unnest($1::text[])`, [entries.map((e) => auditPayload(e, now)), ...params]);
    if (entries.length) this.sealer.poke();
  }

  /** Records many entries with one statement; for bulk work (imports, sweeps, benchmarks). */
  async appendMany(db: Queryable, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = Date.now();
    await db.query('INSERT INTO audit.entries (payload) SELECT unnest($1::text[])', [entries.map((e) => auditPayload(e, now))]);
    this.sealer.poke();
  }

  /**
   * The entries about one resident, newest first, one page of them and how many match in all.
   * One statement over the (subject_resident_id, occurred_at DESC) index.
   */
  async listBySubject(residentId: number, query: SubjectQuery, db: Queryable = this.pool): Promise<{ items: AuditRecord[]; total: number }> {
    const result = await db.query<AuditRow & { total: number }>(
      `WITH matching AS (
         SELECT id, occurred_at, actor_id, actor_role, actor_org, action, subject_resident_id, purpose, resource, outcome, request_id, details
           FROM audit.entries
          WHERE subject_resident_id = $1
            AND ($2::timestamptz IS NULL OR occurred_at >= $2)
            AND ($3::timestamptz IS NULL OR occurred_at < $3)
            AND ($4 OR NOT coalesce(details @> '{"covert": true}', false))
            AND action <> ALL ($5::text[]))
       SELECT c.total, p.*
         FROM (SELECT count(*)::int AS total FROM matching) c
         LEFT JOIN LATERAL (SELECT * FROM matching ORDER BY occurred_at DESC, id DESC OFFSET $6 LIMIT $7) p ON true`,
      [residentId, query.from ?? null, query.to ?? null, query.includeCovert, query.excludeActions ?? [], query.offset, query.limit],
    );
    const total = result.rows[0]?.total ?? 0;
    const items = result.rows
      .filter((row) => row.id !== null)
      .map(toAuditRecord);
    return { items, total };
  }

  /**
   * One organisation's entries of one action, newest first, one page and how many match in all:
   * those it made (actor_org) and, with includeProviderSide, those about its provider subsystems
   * (details.providerSubsystem). One statement over the indexes of migrations/0008 (the provider
   * side is indexed for 'exchange.read').
   */
  async listByOrganisation(organisation: string, query: OrganisationQuery, db: Queryable = this.pool): Promise<{ items: AuditRecord[]; total: number }> {
    const result = await db.query<AuditRow & { total: number }>(
      `WITH matching AS (
         SELECT id, occurred_at, actor_id, actor_role, actor_org, action, subject_resident_id, purpose, resource, outcome, request_id, details
           FROM audit.entries
          WHERE action = $2
            AND (actor_org = $1 OR ($3 AND split_part(details->>'providerSubsystem', '/', 3) = $1))
            AND ($4::timestamptz IS NULL OR occurred_at >= $4)
            AND ($5::timestamptz IS NULL OR occurred_at < $5))
       SELECT c.total, p.*
         FROM (SELECT count(*)::int AS total FROM matching) c
         LEFT JOIN LATERAL (SELECT * FROM matching ORDER BY occurred_at DESC, id DESC OFFSET $6 LIMIT $7) p ON true`,
      [organisation, query.action, query.includeProviderSide, query.from ?? null, query.to ?? null, query.offset, query.limit],
    );
    return { items: result.rows.filter((row) => row.id !== null).map(toAuditRecord), total: result.rows[0]?.total ?? 0 };
  }

  /**
   * Seals every entry of the transactions that finished since the last seal. Returns how many
   * entries were sealed. Safe to call from several processes: one holds the sealer lock, the
   * others return 0.
   */
  sealPending(): Promise<number> {
    return withTransaction(this.pool, async (tx) => {
      // Every transaction with an id below the snapshot's xmin has finished, so no entry with
      // such a txid can still appear: the range up to it can be sealed for good. Taken before
      // this transaction gets an id of its own (the locks below would give it one).
      const horizon = await tx.query<{ xmin: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
      const lock = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [SEALER_LOCK]);
      if (!lock.rows[0]?.locked) return 0;
      const head = (
        await tx.query<{ seal_no: number; txid_to: string; next_pos: number; hash: Buffer }>(
          'SELECT seal_no, txid_to::text, next_pos, hash FROM audit.chain_head FOR UPDATE',
        )
      ).rows[0]!;
      const txidTo = horizon.rows[0]!.xmin;
      if (BigInt(txidTo) <= BigInt(head.txid_to)) return 0;
      const batch = (await tx.query<{ n: number; digests: Buffer | null }>(DIGESTS_SQL, [head.txid_to, txidTo])).rows[0]!;
      if (batch.n === 0 || !batch.digests) return 0;
      const seal: SealFields = {
        prevHash: head.hash,
        sealNo: head.seal_no + 1,
        firstPos: head.next_pos,
        entryCount: batch.n,
        digests: batch.digests,
      };
      const hash = sealHash(seal);
      await tx.query(
        `INSERT INTO audit.seals (seal_no, txid_from, txid_to, first_pos, entry_count, digests, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [seal.sealNo, head.txid_to, txidTo, seal.firstPos, seal.entryCount, seal.digests, seal.prevHash, hash],
      );
      await tx.query('UPDATE audit.chain_head SET seal_no = $1, txid_to = $2, next_pos = $3, hash = $4', [
        seal.sealNo,
        txidTo,
        seal.firstPos + seal.entryCount,
        hash,
      ]);
      return seal.entryCount;
    });
  }

  /** Seals in the background: shortly after appends, and on a timer as a safety net. */
  startSealer(): void {
    this.sealer.start();
  }

  stopSealer(): Promise<void> {
    return this.sealer.stop();
  }

  /**
   * Resolves once every entry committed before the call is sealed. A long transaction elsewhere
   * on the server holds sealing back until it ends; this waits for it, up to `timeoutMs`.
   */
  async flush(timeoutMs = 60_000): Promise<void> {
    const newest = (await this.pool.query<{ id: number | null }>('SELECT max(id) AS id FROM audit.entries')).rows[0]!.id;
    if (newest === null) return;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.sealer.idle();
      await this.sealPending();
      const waiting = await this.pool.query(
        `SELECT 1 FROM audit.entries WHERE id <= $1 AND txid >= (SELECT txid_to FROM audit.chain_head) LIMIT 1`,
        [newest],
      );
      if (waiting.rowCount === 0) return;
      if (Date.now() > deadline) throw new Error('audit entries are still unsealed: a transaction is holding the chain back');
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  /**
   * Recomputes the whole chain inside Postgres, in parallel ranges of seals: every entry's digest
   * against its seal, every seal's hash, every link between seals. Reports the first broken
   * chain position: an edited, removed, inserted or reordered entry, or a forged seal.
   */
  async verify(options: { parallelism?: number } = {}): Promise<VerificationReport> {
    const started = performance.now();
    const head = (
      await this.pool.query<{ seal_no: number; txid_to: string; next_pos: number; hash: Buffer }>(
        'SELECT seal_no, txid_to::text, next_pos, hash FROM audit.chain_head',
      )
    ).rows[0]!;
    const unsealed = (
      await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit.entries WHERE txid >= $1::xid8', [head.txid_to])
    ).rows[0]!.n;
    const ranges = await this.sealRanges(head.next_pos - 1, options.parallelism ?? 2);
    const seals = (await Promise.all(ranges.map(([from, to]) => this.checkSeals(from, to)))).flat();

    let failure: { position: number; reason: string } | null = null;
    let expected: { sealNo: number; firstPos: number; txidFrom: string; prevHash: Buffer } = { sealNo: 1, firstPos: 1, txidFrom: '0', prevHash: GENESIS_HASH };
    for (const seal of seals) {
      const problem = await this.sealProblem(seal, expected);
      if (problem) {
        failure = problem;
        break;
      }
      expected = { sealNo: seal.seal_no + 1, firstPos: seal.first_pos + seal.entry_count, txidFrom: seal.txid_to, prevHash: seal.hash };
    }
    if (!failure) {
      const last = seals.at(-1);
      if (expected.sealNo - 1 !== head.seal_no || !(last?.hash ?? GENESIS_HASH).equals(head.hash) || expected.firstPos !== head.next_pos) {
        failure = { position: expected.firstPos, reason: 'the chain ends before its recorded head (seals removed from the end?)' };
      }
    }
    // The typed columns are trustworthy only while they are still generated from the payload.
    const generated = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'audit.entries'::regclass AND attgenerated = 's'`,
    );
    if (!failure && generated.rows[0]!.n !== GENERATED_COLUMNS) {
      failure = { position: 1, reason: 'the typed audit columns are no longer generated from the hashed payload' };
    }
    return {
      ok: failure === null,
      checked: seals.reduce((sum, seal) => sum + seal.actual_count, 0),
      seals: seals.length,
      firstBrokenPosition: failure?.position ?? null,
      reason: failure?.reason ?? null,
      headHash: head.hash.toString('hex'),
      unsealed,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Splits the sealed positions 1..last into ranges of seal numbers of similar entry counts. */
  private async sealRanges(lastPos: number, parts: number): Promise<Array<[number, number]>> {
    if (lastPos < 1) return [];
    const cuts = await this.pool.query<{ seal_no: number }>(
      `SELECT DISTINCT ON (part) seal_no FROM (
         SELECT seal_no, width_bucket(first_pos, 1, $1 + 1, $2) AS part FROM audit.seals) s
       ORDER BY part, seal_no`,
      [lastPos, parts],
    );
    const starts = cuts.rows.map((r) => r.seal_no);
    if (starts.length === 0) return [];
    return starts.map((start, i) => [start, i + 1 < starts.length ? starts[i + 1]! - 1 : Number.MAX_SAFE_INTEGER]);
  }

  private async checkSeals(fromSeal: number, toSeal: number): Promise<SealRow[]> {
    const result = await this.pool.query<SealRow>(
      `SELECT s.seal_no, s.txid_from::text, s.txid_to::text, s.first_pos, s.entry_count, s.prev_hash, s.hash,
              d.n AS actual_count,
              d.digests IS NOT DISTINCT FROM s.digests AS digests_match,
              sha256(s.prev_hash || int8send(s.seal_no) || int8send(s.first_pos) || int4send(s.entry_count) || s.digests) = s.hash AS hash_ok
         FROM audit.seals s
         CROSS JOIN LATERAL (${DIGESTS_SQL.replace('$1::xid8', 's.txid_from').replace('$2::xid8', 's.txid_to')}) d
        WHERE s.seal_no BETWEEN $1 AND $2
        ORDER BY s.seal_no`,
      [fromSeal, toSeal],
    );
    return result.rows;
  }

  private async sealProblem(
    seal: SealRow,
    expected: { sealNo: number; firstPos: number; txidFrom: string; prevHash: Buffer },
  ): Promise<{ position: number; reason: string } | null> {
    if (seal.seal_no !== expected.sealNo || seal.first_pos !== expected.firstPos || seal.txid_from !== expected.txidFrom) {
      return { position: expected.firstPos, reason: 'a seal is missing or out of order' };
    }
    if (!seal.prev_hash.equals(expected.prevHash)) return { position: seal.first_pos, reason: 'a seal does not link to the previous one' };
    if (!seal.digests_match || seal.actual_count !== seal.entry_count) {
      return { position: await this.firstMismatch(seal), reason: 'an entry was edited, removed, added or reordered' };
    }
    if (!seal.hash_ok) return { position: seal.first_pos, reason: 'a seal was altered' };
    return null;
  }

  /** The exact position inside a failing seal: the first entry whose digest differs. */
  private async firstMismatch(seal: SealRow): Promise<number> {
    const stored = (await this.pool.query<{ digests: Buffer }>('SELECT digests FROM audit.seals WHERE seal_no = $1', [seal.seal_no])).rows[0]!.digests;
    const actual: Buffer = (await this.pool.query<{ digests: Buffer | null }>(DIGESTS_SQL, [seal.txid_from, seal.txid_to])).rows[0]!.digests ?? Buffer.alloc(0);
    const count = Math.max(stored.length, actual.length) / DIGEST_BYTES;
    for (let i = 0; i < count; i += 1) {
      const a = stored.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES);
      const b = actual.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES);
      if (!a.equals(b)) return seal.first_pos + i;
    }
    return seal.first_pos;
  }
}
