// The tamper-evident audit log every module writes to. Entries are inserted in the caller's own
// transaction, so an action and its record commit or vanish together. A sealer then links
// committed entries into a SHA-256 hash chain (each entry holds the previous entry's hash); the
// verifier recomputes the chain inside Postgres and names the first position that does not hold.
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

export interface VerificationReport {
  ok: boolean;
  /** Sealed entries checked. */
  checked: number;
  /** The first chain position that fails, or null when the chain holds. */
  firstBrokenPosition: number | null;
  reason: string | null;
  headPosition: number;
  headHash: string;
  /** Entries committed but not yet linked into the chain (normally only for milliseconds). */
  unsealed: number;
  durationMs: number;
}

const GENESIS_HASH = Buffer.alloc(32);
const SEALER_LOCK = 7_240_001; // pg advisory lock key: one sealer at a time across processes
const FIELD = '\u001f';
const NULL_FIELD = '\u001e';
const PAYLOAD_VERSION = '1';
const GENERATED_COLUMNS = 11;

/** The text form of a value inside a payload: control characters would break the framing. */
function field(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return NULL_FIELD;
  return String(value).replace(/[\u0000-\u001f]/g, '\ufffd');
}

/**
 * The payload stored and hashed for an entry (see migrations/0001_core.sql): version, time in
 * epoch milliseconds, actor, organisation, action, subject, purpose, resource, outcome, request
 * id, details as JSON (JSON escapes control characters itself).
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

/** hash(n) = SHA-256(hash(n-1) ‖ n as 8 bytes big-endian ‖ payload of entry n as UTF-8). */
export function chainHash(prevHash: Buffer, chainPos: number, payload: string): Buffer {
  const position = Buffer.alloc(8);
  position.writeBigInt64BE(BigInt(chainPos));
  return createHash('sha256').update(prevHash).update(position).update(payload, 'utf8').digest();
}

export class AuditLog {
  private readonly sealer: BackgroundLoop;

  constructor(
    private readonly pool: Pool,
    private readonly options: { sealBatchSize?: number; sealIntervalMs?: number; onError?: (error: unknown) => void } = {},
  ) {
    this.sealer = new BackgroundLoop(() => this.sealPending(), {
      intervalMs: options.sealIntervalMs ?? 1000,
      onError: options.onError,
    });
  }

  /** Records one entry inside the caller's transaction (or autocommit on a pool). */
  async append(db: Queryable, entry: AuditEntry): Promise<void> {
    await db.query('INSERT INTO audit.entries (payload) VALUES ($1)', [auditPayload(entry)]);
    this.sealer.poke();
  }

  /** Records many entries with one statement; for bulk work (imports, sweeps, benchmarks). */
  async appendMany(db: Queryable, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = Date.now();
    await db.query('INSERT INTO audit.entries (payload) SELECT unnest($1::text[])', [entries.map((e) => auditPayload(e, now))]);
    this.sealer.poke();
  }

  /**
   * Links committed, unsealed entries into the chain, oldest first, in batches. Returns how many
   * were sealed. Safe to call from several processes: one holds the sealer lock, the others skip.
   */
  async sealPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sealed = await this.sealBatch();
      total += sealed;
      if (sealed < (this.options.sealBatchSize ?? 10_000)) return total;
    }
  }

  private sealBatch(): Promise<number> {
    const batchSize = this.options.sealBatchSize ?? 10_000;
    return withTransaction(this.pool, async (tx) => {
      const lock = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [SEALER_LOCK]);
      if (!lock.rows[0]?.locked) return 0;
      const head = await tx.query<{ chain_pos: number; hash: Buffer }>('SELECT chain_pos, hash FROM audit.chain_head');
      const pending = await tx.query<{ id: number; payload: string }>(
        'SELECT id, payload FROM audit.entries WHERE chain_pos IS NULL ORDER BY id LIMIT $1',
        [batchSize],
      );
      if (pending.rowCount === 0) return 0;
      let position = head.rows[0]!.chain_pos;
      let previous = head.rows[0]!.hash;
      const ids: number[] = [];
      const positions: number[] = [];
      const hashes: Buffer[] = [];
      for (const row of pending.rows) {
        position += 1;
        const hash = chainHash(previous, position, row.payload);
        ids.push(row.id);
        positions.push(position);
        hashes.push(hash);
        previous = hash;
      }
      await tx.query(
        `UPDATE audit.entries e SET chain_pos = s.pos, hash = s.hash
           FROM unnest($1::bigint[], $2::bigint[], $3::bytea[]) AS s(id, pos, hash)
          WHERE e.id = s.id`,
        [ids, positions, hashes],
      );
      await tx.query('UPDATE audit.chain_head SET chain_pos = $1, hash = $2', [position, previous]);
      return ids.length;
    });
  }

  /** Seals in the background: shortly after each append, and on a timer as a safety net. */
  startSealer(): void {
    this.sealer.start();
  }

  stopSealer(): Promise<void> {
    return this.sealer.stop();
  }

  /** Resolves once every entry committed before the call is sealed. */
  async flush(): Promise<void> {
    await this.sealer.idle();
    await this.sealPending();
  }

  /**
   * Walks the whole chain inside Postgres, in parallel ranges, and reports the first position
   * whose content no longer matches its hash, whose link to the previous entry is broken, or
   * which is missing (a deleted or reordered entry shows up as one of these).
   */
  async verify(options: { parallelism?: number } = {}): Promise<VerificationReport> {
    const started = performance.now();
    const headResult = await this.pool.query<{ chain_pos: number; hash: Buffer }>('SELECT chain_pos, hash FROM audit.chain_head');
    const head = headResult.rows[0]!;
    const unsealedResult = await this.pool.query<{ n: number }>(
      'SELECT count(*)::bigint AS n FROM audit.entries WHERE chain_pos IS NULL',
    );
    const ranges = splitRange(1, head.chain_pos, options.parallelism ?? 4);
    const results = await Promise.all(ranges.map(([from, to]) => this.verifyRange(from, to)));
    const failures = results.filter((r) => r.firstBroken !== null).sort((a, b) => a.firstBroken! - b.firstBroken!);
    let firstBroken: number | null = failures[0]?.firstBroken ?? null;
    let reason: string | null = failures[0]?.reason ?? null;

    if (firstBroken === null) {
      const last = await this.pool.query<{ chain_pos: number; hash: Buffer }>(
        'SELECT chain_pos, hash FROM audit.entries WHERE chain_pos IS NOT NULL ORDER BY chain_pos DESC LIMIT 1',
      );
      const lastRow = last.rows[0];
      const lastPos = lastRow?.chain_pos ?? 0;
      if (lastPos > head.chain_pos) {
        firstBroken = head.chain_pos + 1;
        reason = 'entry beyond the recorded chain head';
      } else if (lastPos < head.chain_pos || (lastRow && !lastRow.hash.equals(head.hash))) {
        firstBroken = lastPos < head.chain_pos ? lastPos + 1 : lastPos;
        reason = 'chain head does not match the last entry (entries removed from the end?)';
      }
    }
    // The typed columns are trustworthy only while they are still generated from the payload.
    const generated = await this.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 'audit.entries'::regclass AND attgenerated = 's'`,
    );
    if (generated.rows[0]!.n !== GENERATED_COLUMNS) {
      reason = 'the typed audit columns are no longer generated from the hashed payload';
      firstBroken ??= 1;
    }
    return {
      ok: firstBroken === null,
      checked: results.reduce((sum, r) => sum + r.checked, 0),
      firstBrokenPosition: firstBroken,
      reason,
      headPosition: head.chain_pos,
      headHash: head.hash.toString('hex'),
      unsealed: unsealedResult.rows[0]!.n,
      durationMs: Math.round(performance.now() - started),
    };
  }

  private async verifyRange(from: number, to: number): Promise<{ checked: number; firstBroken: number | null; reason: string | null }> {
    const before = await this.pool.query<{ hash: Buffer }>('SELECT hash FROM audit.entries WHERE chain_pos = $1', [from - 1]);
    const expectedPrev = from === 1 ? GENESIS_HASH : before.rows[0]?.hash;
    if (!expectedPrev) return { checked: 0, firstBroken: from - 1, reason: 'entry missing' };
    // One ordered pass: each entry's hash is recomputed from the previous entry's stored hash, so
    // an edited entry fails at its own position and a rewritten hash fails at the next one.
    const result = await this.pool.query<{
      checked: number;
      first_pos: number | null;
      last_pos: number | null;
      bad_hash: number | null;
      gap: number | null;
    }>(
      `WITH walked AS (
         SELECT chain_pos, hash, payload,
                lag(hash) OVER w AS prior_hash,
                lag(chain_pos) OVER w AS prior_pos
           FROM audit.entries
          WHERE chain_pos BETWEEN $1 AND $2
         WINDOW w AS (ORDER BY chain_pos))
       SELECT count(*)::bigint AS checked,
              min(chain_pos) AS first_pos,
              max(chain_pos) AS last_pos,
              min(chain_pos) FILTER (
                WHERE sha256(coalesce(prior_hash, $3) || int8send(chain_pos) || textsend(payload)) <> hash) AS bad_hash,
              min(prior_pos + 1) FILTER (WHERE prior_pos <> chain_pos - 1) AS gap
         FROM walked`,
      [from, to, expectedPrev],
    );
    const row = result.rows[0]!;
    if (row.first_pos === null) return { checked: 0, firstBroken: from, reason: 'entries missing' };
    const candidates: Array<[number, string]> = [];
    if (row.first_pos !== from) candidates.push([from, 'entry missing']);
    if (row.gap !== null) candidates.push([row.gap, 'entry missing']);
    if (row.bad_hash !== null) candidates.push([row.bad_hash, 'entry does not match its hash (edited, reordered, or its predecessor was rewritten)']);
    if (row.last_pos !== null && row.last_pos < to) candidates.push([row.last_pos + 1, 'entry missing']);
    candidates.sort((a, b) => a[0] - b[0]);
    const first = candidates[0];
    return { checked: row.checked, firstBroken: first?.[0] ?? null, reason: first?.[1] ?? null };
  }
}

function splitRange(from: number, to: number, parts: number): Array<[number, number]> {
  if (to < from) return [];
  const size = Math.ceil((to - from + 1) / parts);
  const ranges: Array<[number, number]> = [];
  for (let start = from; start <= to; start += size) ranges.push([start, Math.min(to, start + size - 1)]);
  return ranges;
}
