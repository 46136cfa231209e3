import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../test/support/db';
import { AuditLog, type AuditEntry } from './audit';
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

  beforeEach(async () => {
    db = await freshDatabase();
    audit = new AuditLog(db.pool, { sealBatchSize: 40 });
    await audit.appendMany(db.pool, Array.from({ length: 100 }, (_, i) => entry(i + 1)));
    await audit.sealPending();
  });
  afterEach(async () => {
    await db.drop();
  });

  it('links every committed entry into a chain that verifies', async () => {
    await audit.append(db.pool, entry(101));
    await audit.sealPending();
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, checked: 101, firstBrokenPosition: null, headPosition: 101, unsealed: 0 });
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
    const row = (await db.pool.query('SELECT * FROM audit.entries WHERE chain_pos = 10')).rows[0];
    expect(row).toMatchObject({ actor_id: 'official-3', actor_org: 'MOHW', subject_resident_id: 10, outcome: 'denied', request_id: 'req-10' });
    await expect(db.pool.query("UPDATE audit.entries SET purpose = 'changed' WHERE chain_pos = 3")).rejects.toThrow(/can only be updated to DEFAULT/);
  });

  it('refuses updates and deletes through the normal path', async () => {
    await expect(db.pool.query("UPDATE audit.entries SET payload = 'x' WHERE chain_pos = 3")).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit.entries WHERE chain_pos = 3')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE audit.entries')).rejects.toThrow(/append-only/);
  });

  it('detects an edited entry at its position', async () => {
    await tamper(db, "UPDATE audit.entries SET payload = replace(payload, 'denied', 'allowed') WHERE chain_pos = 45");
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(45);
  });

  it('detects an edited detail and an edited timestamp', async () => {
    await tamper(db, `UPDATE audit.entries SET payload = replace(payload, '"detail 63"', '"forged"') WHERE chain_pos = 63`);
    await tamper(db, `UPDATE audit.entries SET payload = regexp_replace(payload, '^1\x1f(\d+)', '1\x1f' || '1700000000000') WHERE chain_pos = 80`);
    const report = await audit.verify();
    expect(report.firstBrokenPosition).toBe(63);
  });

  it('detects a deleted entry in the middle', async () => {
    await tamper(db, 'DELETE FROM audit.entries WHERE chain_pos = 30');
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(30);
  });

  it('detects the first entry deleted', async () => {
    await tamper(db, 'DELETE FROM audit.entries WHERE chain_pos = 1');
    expect((await audit.verify()).firstBrokenPosition).toBe(1);
  });

  it('detects entries deleted from the end of the chain', async () => {
    await tamper(db, 'DELETE FROM audit.entries WHERE chain_pos >= 99');
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(99);
  });

  it('detects two entries swapped (reordered)', async () => {
    await tamper(db, 'UPDATE audit.entries SET chain_pos = -1 WHERE chain_pos = 20');
    await tamper(db, 'UPDATE audit.entries SET chain_pos = 20 WHERE chain_pos = 21');
    await tamper(db, 'UPDATE audit.entries SET chain_pos = 21 WHERE chain_pos = -1');
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.firstBrokenPosition).toBe(20);
  });

  it('detects a rewritten entry whose own hash was recomputed (the next link breaks)', async () => {
    await tamper(db, "UPDATE audit.entries SET payload = replace(payload, 'test purpose', 'rewritten') WHERE chain_pos = 50");
    await tamper(
      db,
      `UPDATE audit.entries e SET hash = sha256((SELECT hash FROM audit.entries WHERE chain_pos = 49) || int8send(e.chain_pos) || textsend(e.payload))
        WHERE chain_pos = 50`,
    );
    const report = await audit.verify();
    expect(report.firstBrokenPosition).toBe(51);
  });

  it('notices when a typed column stops being generated from the payload', async () => {
    await db.pool.query('ALTER TABLE audit.entries ALTER COLUMN purpose DROP EXPRESSION');
    const report = await audit.verify();
    expect(report.ok).toBe(false);
    expect(report.reason).toMatch(/no longer generated/);
  });

  it('frames fields so control characters in values cannot shift them', async () => {
    await audit.append(db.pool, { ...entry(200), purpose: 'a\u001fb\u001ec', actor: { id: 'x\u001fy', role: 'official' } });
    await audit.sealPending();
    const row = (await db.pool.query("SELECT * FROM audit.entries WHERE request_id = 'req-200'")).rows[0];
    expect(row).toMatchObject({ actor_id: 'x\ufffdy', purpose: 'a\ufffdb\ufffdc', actor_role: 'official', outcome: 'denied' });
    expect((await audit.verify()).ok).toBe(true);
  });

  it('seals entries committed concurrently exactly once', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        withTransaction(db.pool, (tx) => audit.append(tx, entry(1000 + i))),
      ),
    );
    await Promise.all([audit.sealPending(), audit.sealPending(), new AuditLog(db.pool).sealPending()]);
    await audit.sealPending();
    const report = await audit.verify();
    expect(report).toMatchObject({ ok: true, checked: 120, unsealed: 0 });
  });
});
