// AuditLog.listBySubject against real Postgres: one subject's entries newest first (ties by id),
// period bounds [from, to), covert and excluded actions left out, the total beyond the last page,
// and the plan walking the (subject_resident_id, occurred_at DESC) index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { AuditLog, auditPayload, type AuditEntry } from '../../core/audit';
import type { Queryable } from '../../core/db';

let db: TestDatabase;
let audit: AuditLog;

function entry(subject: number, n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: { id: 'KR/GOV/MOHW/welfare-benefits', role: 'system', org: 'MOHW' },
    action: 'exchange.read',
    purpose: 'test',
    resource: 'exchange/resident.basic',
    outcome: 'allowed',
    subjectResidentId: subject,
    requestId: `req-${subject}-${n}`,
    details: { covert: false, n },
    ...extra,
  };
}

async function at(e: AuditEntry, iso: string): Promise<void> {
  await db.pool.query('INSERT INTO audit.entries (payload) VALUES ($1)', [auditPayload(e, Date.parse(iso))]);
}

beforeAll(async () => {
  db = await freshDatabase();
  audit = new AuditLog(db.pool);
  await at(entry(1, 1), '2026-01-01T00:00:00Z');
  await at(entry(1, 2), '2026-01-02T00:00:00Z');
  await at(entry(1, 3), '2026-01-02T00:00:00Z'); // same instant as 2: the later id comes first
  await at(entry(1, 4, { details: { covert: true } }), '2026-01-03T00:00:00Z');
  await at(entry(1, 5, { details: { covert: 'true' } }), '2026-01-04T00:00:00Z'); // not the boolean: not covert
  await at(entry(1, 6, { action: 'tracker.read', details: null }), '2026-01-05T00:00:00Z');
  await at(entry(2, 1), '2026-01-02T00:00:00Z');
  await at(entry(1, 7, { subjectResidentId: null }), '2026-01-02T00:00:00Z');
});
afterAll(async () => {
  await db?.drop();
});

const ids = (items: Array<{ requestId: string | null }>) => items.map((i) => i.requestId);

describe('AuditLog.listBySubject', () => {
  it('lists one subject newest first with typed rows and the total', async () => {
    const page = await audit.listBySubject(1, { offset: 0, limit: 10, includeCovert: true });
    expect(ids(page.items)).toEqual(['req-1-6', 'req-1-5', 'req-1-4', 'req-1-3', 'req-1-2', 'req-1-1']);
    expect(page.total).toBe(6);
    expect(page.items[0]).toMatchObject({ actorRole: 'system', actorOrg: 'MOHW', subjectResidentId: 1, action: 'tracker.read', details: null, outcome: 'allowed' });
    expect(page.items[0]!.occurredAt).toEqual(new Date('2026-01-05T00:00:00Z'));
  });

  it('leaves out covert entries and excluded actions unless asked, and bounds the period [from, to)', async () => {
    const page = await audit.listBySubject(1, { offset: 0, limit: 10, includeCovert: false, excludeActions: ['tracker.read'] });
    expect(ids(page.items)).toEqual(['req-1-5', 'req-1-3', 'req-1-2', 'req-1-1']);
    const period = await audit.listBySubject(1, {
      from: new Date('2026-01-02T00:00:00Z'),
      to: new Date('2026-01-04T00:00:00Z'),
      offset: 0,
      limit: 10,
      includeCovert: true,
    });
    expect(ids(period.items)).toEqual(['req-1-4', 'req-1-3', 'req-1-2']);
  });

  it('pages, and still counts past the last page', async () => {
    const second = await audit.listBySubject(1, { offset: 2, limit: 2, includeCovert: true });
    expect(ids(second.items)).toEqual(['req-1-4', 'req-1-3']);
    expect(await audit.listBySubject(1, { offset: 50, limit: 2, includeCovert: true })).toEqual({ items: [], total: 6 });
    expect(await audit.listBySubject(99, { offset: 0, limit: 2, includeCovert: true })).toEqual({ items: [], total: 0 });
  });

  it('is one statement, and its plan walks the subject index', async () => {
    const client = await db.pool.connect();
    try {
      const statements: Array<{ text: string; values: unknown[] }> = [];
      const capture = {
        query: (text: string, values: unknown[]) => {
          statements.push({ text, values });
          return client.query(text, values);
        },
      } as unknown as Queryable;
      await audit.listBySubject(1, { from: new Date('2026-01-01T00:00:00Z'), offset: 0, limit: 5, includeCovert: false, excludeActions: ['tracker.read'] }, capture);
      expect(statements).toHaveLength(1);
      await client.query('SET enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${statements[0]!.text}`, statements[0]!.values);
      await client.query('RESET enable_seqscan');
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('entries_subject_idx');
    } finally {
      client.release();
    }
  });
});
