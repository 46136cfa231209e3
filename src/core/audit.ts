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

export function chainHash(prevHash: Buffer, chainPos: number, contentDigest: Buffer): Buffer {
  const position = Buffer.alloc(8);
  position.writeBigInt64BE(BigInt(chainPos));
  return createHash('sha256').update(prevHash).update(position).update(contentDigest).digest();
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
    await db.query(
      `INSERT INTO audit.entries (actor_id, actor_role, actor_org, action, subject_resident_id, purpose,
         resource, outcome, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.actor.id,
        entry.actor.role,
        entry.actor.org ?? null,
        entry.action,
        entry.subjectResidentId ?? null,
        entry.purpose,
        entry.resource,
        entry.outcome,
        entry.requestId ?? null,
        entry.details ? JSON.stringify(entry.details) : null,
      ],
    );
    this.sealer.poke();
  }

  /** Records many entries with one statement; for bulk work (imports, sweeps, benchmarks). */
  async appendMany(db: Queryable, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const column = <T>(pick: (entry: AuditEntry) => T) => entries.map(pick);
    await db.query(
      `INSERT INTO audit.entries (actor_id, actor_role, actor_org, action, subject_resident_id, purpose,
         resource, outcome, request_id, details)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::jsonb[])`,
      [
        column((e) => e.actor.id),
        column((e) => e.actor.role),
        column((e) => e.actor.org ?? null),
        column((e) => e.action),
        column((e) => e.subjectResidentId ?? null),
        column((e) => e.purpose),
        column((e) => e.resource),
        column((e) => e.outcome),
        column((e) => e.requestId ?? null),
        column((e) => (e.details ? JSON.stringify(e.details) : null)),
      ],
    );
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
      const pending = await tx.query<{ id: number; digest: Buffer }>(
        `SELECT e.id, audit.content_digest(e) AS digest FROM audit.entries e
          WHERE chain_pos IS NULL ORDER BY id LIMIT $1`,
        [batchSize],
      );
      if (pending.rowCount === 0) return 0;
      let position = head.rows[0]!.chain_pos;
      let previous = head.rows[0]!.hash;
      const ids: number[] = [];
      const positions: number[] = [];
      const prevHashes: Buffer[] = [];
      const hashes: Buffer[] = [];
      for (const row of pending.rows) {
        position += 1;
        const hash = chainHash(previous, position, row.digest);
        ids.push(row.id);
        positions.push(position);
        prevHashes.push(previous);
        hashes.push(hash);
        previous = hash;
      }
      await tx.query(
        `UPDATE audit.entries e SET chain_pos = s.pos, prev_hash = s.prev, hash = s.hash
           FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[]) AS s(id, pos, prev, hash)
          WHERE e.id = s.id`,
        [ids, positions, prevHashes, hashes],
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
    let firstBroken = failures[0]?.firstBroken ?? null;
    let reason = failures[0]?.reason ?? null;

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
    const result = await this.pool.query<{
      checked: number;
      first_pos: number | null;
      last_pos: number | null;
      first_prev: Buffer | null;
      bad_hash: number | null;
      bad_link: number | null;
      expected_prev: Buffer | null;
    }>(
      `WITH walked AS (
         SELECT chain_pos, prev_hash, hash,
                sha256(prev_hash || int8send(chain_pos) || audit.content_digest(e)) AS recomputed,
                lag(chain_pos) OVER w AS prior_pos,
                lag(hash) OVER w AS prior_hash
           FROM audit.entries e
          WHERE chain_pos BETWEEN $1 AND $2
         WINDOW w AS (ORDER BY chain_pos))
       SELECT count(*)::bigint AS checked,
              min(chain_pos) AS first_pos,
              max(chain_pos) AS last_pos,
              min(chain_pos) FILTER (WHERE recomputed <> hash) AS bad_hash,
              -- after a gap the first missing position is the broken one
              min(CASE WHEN prior_pos <> chain_pos - 1 THEN prior_pos + 1 ELSE chain_pos END)
                FILTER (WHERE prior_pos IS NOT NULL
                          AND (prior_pos <> chain_pos - 1 OR prior_hash <> prev_hash)) AS bad_link,
              (SELECT prev_hash FROM walked ORDER BY chain_pos LIMIT 1) AS first_prev,
              (SELECT hash FROM audit.entries WHERE chain_pos = $1 - 1) AS expected_prev
         FROM walked`,
      [from, to],
    );
    const row = result.rows[0]!;
    const candidates: Array<[number, string]> = [];
    if (row.first_pos === null) return { checked: 0, firstBroken: from, reason: 'entries missing' };
    if (row.first_pos !== from) candidates.push([from, 'entry missing']);
    const expectedPrev = from === 1 ? GENESIS_HASH : row.expected_prev;
    if (row.first_pos === from && (!expectedPrev || !row.first_prev?.equals(expectedPrev))) {
      candidates.push([from, 'link to the previous entry is broken']);
    }
    if (row.bad_hash !== null) candidates.push([row.bad_hash, 'content does not match its hash']);
    if (row.bad_link !== null) candidates.push([row.bad_link, 'link to the previous entry is broken or an entry is missing']);
    if (candidates.length === 0 && row.last_pos !== null && row.last_pos < to) {
      candidates.push([row.last_pos + 1, 'entry missing']);
    }
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
