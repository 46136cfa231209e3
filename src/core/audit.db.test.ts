import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/db';
import { AuditLog, sealHash, type AuditEntry } from './audit';
import { withTransaction } from './db';

function entry(n: number): AuditEntry {
  return {
    actor: { id: `official-${n % 7}`, role: 'official', org: 'MOHW' },
    action: 'registry.resident-record.read',
    purpose: 'test purpose',
    resource: `registry/residents/${n}`,
    subjectResidentId: n,
    outcome: n % 5 === 0 ? 'denied' : 'allowed',
    requestId: `req-${n}`,
    details: n % 3 === 0 ? { note: `detail ${n}` } : null,
  };
}

// Tampering as an attacker with database superuser rights would: with the append-only triggers off.
async function tamper(db: TestDatabase, sql: string, params: unknown[] = []): Promise<void> {
  await withTransaction(db.pool, async (tx) => {
    await tx.query("SET LOCAL session_replication_role = 'replica'");
    await tx.query(sql, params);
  });
}

describe('audit log (real Postgres)', () => {
  let db: TestDatabase;
  let audit: AuditLog;

  // Positions 1-40 in one seal, 41-100 in a second (two transactions), so tampering is tested
  // inside a seal, across seals and at the ends.
  beforeEach(async () => {
    db = await freshDatabase();
    audit = new AuditLog(db.pool);
    await withTransaction(db.pool, (tx) => audit.appendMany(tx, Array.from({ length: 40 }, (_, i) => entry(i + 1))));
    await audit.flush();
    await withTransaction(db.pool, (tx) => audit.appendMany(tx, Array.from({ length: 60 }, (_, i) => entry(i + 41))));
    await audit.flush();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('seals every committed entry into a chain that verifies', async () => {
    await audit.append(db.pool, entry(101));
    await audit.flush();
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, checked: 101, seals: 3, firstBrokenPosition: null, unsealed: 0 });
  });

  it('records nothing when the action it belongs to rolls back', async () => {
    await expect(
      withTransaction(db.pool, async (tx) => {
        await audit.append(tx, entry(500));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    const count = await db.pool.query("SELECT count(*)::int AS n FROM audit.entries WHERE request_id = 'req-500'");
    expect(count.rows[0].n).toBe(0);
  });

  it('keeps the typed columns equal to the hashed payload', async () => {
    const row = (await db.pool.query('SELECT * FROM audit.entries WHERE id = 10')).rows[0];
    expect(row).toMatchObject({ actor_id: 'official-3', actor_org: 'MOHW', subject_resident_id: 10, outcome: 'denied', request_id: 'req-10' });
    await expect(db.pool.query("UPDATE audit.entries SET purpose = 'changed' WHERE id = 3")).rejects.toThrow(/can only be updated to DEFAULT/);
  });

  it('refuses updates and deletes of entries and seals through the normal path', async () => {
    await expect(db.pool.query("UPDATE audit.entries SET payload = 'x' WHERE id = 3")).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit.entries WHERE id = 3')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE audit.entries')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit.seals')).rejects.toThrow(/append-only/);
  });

  it('detects an edited entry at its position', async () => {
    await tamper(db, "UPDATE audit.entries SET payload = replace(payload, 'denied', 'allowed') WHERE id = 45");
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(45);
  });

  it('detects an edited detail and an edited timestamp, naming the first', async () => {
    await tamper(db, `UPDATE audit.entries SET payload = replace(payload, '"detail 63"', '"forged"') WHERE id = 63`);
    await tamper(db, `UPDATE audit.entries SET payload = regexp_replace(payload, '\\x1f\\d+\\x1f', E'\\x1f1700000000000\\x1f') WHERE id = 80`);
    expect((await audit.verify()).firstBrokenPosition).toBe(63);
  });

  it('detects a deleted entry in the middle', async () => {
    await tamper(db, 'DELETE FROM audit.entries WHERE id = 30');
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(30);
  });

  it('detects the first and the last entry deleted', async () => {
    await tamper(db, 'DELETE FROM audit.entries WHERE id = 100');
    expect((await audit.verify()).firstBrokenPosition).toBe(100);
    await tamper(db, 'DELETE FROM audit.entries WHERE id = 1');
    expect((await audit.verify()).firstBrokenPosition).toBe(1);
  });

  it('detects a whole seal removed from the end of the chain', async () => {
    await tamper(db, 'DELETE FROM audit.seals WHERE seal_no = 2');
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(41);
  });

  it('detects two entries swapped (reordered)', async () => {
    await tamper(db, `UPDATE audit.entries a SET payload = b.payload FROM audit.entries b
                       WHERE (a.id, b.id) IN ((20, 21), (21, 20))`);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(20);
  });

  it('detects an entry moved into another place in the order', async () => {
    await tamper(db, "UPDATE audit.entries SET txid = (SELECT txid FROM audit.entries WHERE id = 50) WHERE id = 12");
    expect((await audit.verify()).firstBrokenPosition).toBe(12);
  });

  it('detects a forged entry slipped into a sealed range', async () => {
    await tamper(db, `INSERT INTO audit.entries (txid, payload)
                       SELECT txid, replace(payload, 'req-70', 'forged') FROM audit.entries WHERE id = 70`);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(101); // a new id sorts last among its transaction's entries
  });

  it('detects a rewritten entry whose seal was re-digested and re-hashed (the next link breaks)', async () => {
    await tamper(db, "UPDATE audit.entries SET payload = replace(payload, 'test purpose', 'rewritten') WHERE id = 10");
    const sealed = (
      await db.pool.query(`SELECT string_agg(sha256(textsend(payload)), ''::bytea ORDER BY txid, id) AS digests
                             FROM audit.entries WHERE id <= 40`)
    ).rows[0].digests as Buffer;
    const forgedHash = sealHash({ prevHash: Buffer.alloc(32), sealNo: 1, firstPos: 1, entryCount: 40, digests: sealed });
    await tamper(db, 'UPDATE audit.seals SET digests = $1, hash = $2 WHERE seal_no = 1', [sealed, forgedHash]);
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(41);
  });

  it('notices when a typed column stops being generated from the payload', async () => {
    await db.pool.query('ALTER TABLE audit.entries ALTER COLUMN purpose DROP EXPRESSION');
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.reason).toMatch(/no longer generated/);
  });

  it('frames fields so control characters in values cannot shift them', async () => {
    await audit.append(db.pool, { ...entry(200), purpose: 'a\u001fb\u001ec', actor: { id: 'x\u001fy', role: 'official' } });
    await audit.flush();
    const row = (await db.pool.query("SELECT * FROM audit.entries WHERE request_id = 'req-200'")).rows[0];
    expect(row).toMatchObject({ actor_id: 'x\ufffdy', purpose: 'a\ufffdb\ufffdc', actor_role: 'official', outcome: 'denied' });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('seals entries committed concurrently exactly once, whichever process seals', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => withTransaction(db.pool, (tx) => audit.append(tx, entry(1000 + i)))));
    await Promise.all([audit.sealPending(), audit.sealPending(), new AuditLog(db.pool).sealPending()]);
    await audit.flush();
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, checked: 120, unsealed: 0 });
  });

  it('does not seal past a transaction that is still open, and seals it once it commits', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await audit.append(client, entry(300));
      await audit.append(db.pool, entry(301));
      await audit.sealPending();
      expect((await audit.verify()).unsealed).toBeGreaterThanOrEqual(1);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await audit.flush();
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 102, unsealed: 0 });
  });
});
