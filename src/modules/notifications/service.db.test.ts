// NotificationsService.send against Postgres: a notice and its deliveries exist exactly when the
// caller's transaction commits; one idempotency key makes one notice, also when two sends race;
// an opted-out category is suppressed; the resident's language and contact details decide how
// the notice goes out; contact reads are audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import { withTransaction } from '../../core/db';
import { AppError } from '../../core/errors';
import { SimulatedAuthenticators } from '../identity/authenticators';
import { IdentityService } from '../identity/service';
import { RegistryService } from '../registry/service';
import { NotificationsService, type NotificationContext, type SendRequest } from './service';

let database: TestDatabase;
let audit: AuditLog;
let identity: IdentityService;
let notifications: NotificationsService;

function residentContext(residentId: number): NotificationContext {
  const principal: Principal = { accountId: `resident-${residentId}`, sessionId: 's', role: 'resident', residentId, agencyCode: null, displayName: { ko: 'x', en: 'x' } };
  return { principal, actor: { id: principal.accountId, role: 'resident', org: null }, requestId: `notify-db-${residentId}` };
}

async function giveContactDetails(residentId: number, details: { email: string | null; phone: string | null }): Promise<void> {
  await database.pool.query(
    `INSERT INTO identity.accounts (id, role, resident_id, display_name_ko, display_name_en) VALUES ($1, 'resident', $2, '주민', 'Resident') ON CONFLICT DO NOTHING`,
    [`resident-${residentId}`, residentId],
  );
  const context = residentContext(residentId);
  await identity.updateContactDetails(context.principal!, context.actor, context.requestId, details);
}

function request(residentId: number, key: string, extra: Partial<SendRequest> = {}): SendRequest {
  return {
    residentId,
    category: 'child',
    templateId: 'benefit-eligible',
    personalisation: {
      serviceName: { ko: '아동수당', en: 'Child allowance' },
      reason: { ko: '만 8세 미만 자녀', en: 'a child under 8' },
      amount: { ko: '월 100,000원', en: 'KRW 100,000 a month' },
      link: '/services/child-allowance',
    },
    idempotencyKey: key,
    link: '/services/child-allowance',
    reference: 'child-allowance',
    ...extra,
  };
}

async function count(sql: string, params: unknown[]): Promise<number> {
  return (await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;
}

beforeAll(async () => {
  database = await freshDatabase();
  audit = new AuditLog(database.pool);
  identity = new IdentityService(database.pool, audit, new RegistryService(database.pool, audit), await SimulatedAuthenticators.create(), { sessionTtlMinutes: 30 });
  notifications = new NotificationsService(database.pool, audit, identity);
});
afterAll(async () => {
  await audit?.stopSealer();
  await database?.drop();
});

describe('NotificationsService.send', () => {
  it('creates the inbox notice and one delivery per channel the resident can be reached on, in Korean by default', async () => {
    await giveContactDetails(101, { email: 'parent101@example.kr', phone: '010-1234-5678' });
    const result = await withTransaction(database.pool, (tx) => notifications.send(tx, request(101, 'k-101')));
    expect(result.status).toBe('created');
    expect(result.channels).toEqual(['email', 'sms']);
    const deliveries = await database.pool.query('SELECT channel, address, status FROM notifications.deliveries WHERE notification_id = $1 ORDER BY channel', [result.notificationId]);
    expect(deliveries.rows).toEqual([
      { channel: 'email', address: 'parent101@example.kr', status: 'created' },
      { channel: 'sms', address: '010-1234-5678', status: 'created' },
    ]);
    const page = await notifications.listForResident(residentContext(101));
    expect(page.total).toBe(1);
    expect(page.unread).toBe(1);
    expect(page.items[0]).toMatchObject({ locale: 'ko', title: { ko: '아동수당 신청 대상입니다', en: 'You can get Child allowance' }, link: '/services/child-allowance', readAt: null });
    // The contact read is audited as the notification service's, about this resident.
    const reads = await database.pool.query(
      `SELECT actor_id FROM audit.entries WHERE action = 'identity.contact-details.read' AND subject_resident_id = 101 AND actor_id = 'system:notifications'`,
    );
    expect(reads.rowCount).toBe(1);
  });

  it('a resident without contact details still gets the inbox notice, with no deliveries', async () => {
    const result = await withTransaction(database.pool, (tx) => notifications.send(tx, request(102, 'k-102')));
    expect(result).toMatchObject({ status: 'created', channels: [] });
    expect(await count('notifications.deliveries WHERE notification_id = $1', [result.notificationId])).toBe(0);
    expect((await notifications.listForResident(residentContext(102))).total).toBe(1);
  });

  it('exists only if the caller\'s transaction commits', async () => {
    await expect(
      withTransaction(database.pool, async (tx) => {
        await notifications.send(tx, request(103, 'k-103'));
        throw new Error('the change that caused the notice failed');
      }),
    ).rejects.toThrow('failed');
    expect(await count('notifications.notifications WHERE resident_id = $1', [103])).toBe(0);
    // The same key works afterwards: nothing of the rolled-back send remains.
    expect((await withTransaction(database.pool, (tx) => notifications.send(tx, request(103, 'k-103')))).status).toBe('created');
  });

  it('the same idempotency key twice makes one notice and answers the first one', async () => {
    await giveContactDetails(104, { email: 'r104@example.kr', phone: null });
    const first = await withTransaction(database.pool, (tx) => notifications.send(tx, request(104, 'k-104')));
    const second = await withTransaction(database.pool, (tx) => notifications.send(tx, request(104, 'k-104')));
    expect(second).toEqual({ status: 'duplicate', notificationId: first.notificationId, channels: [] });
    expect(await count('notifications.notifications WHERE resident_id = $1', [104])).toBe(1);
    expect(await count('notifications.deliveries d JOIN notifications.notifications n ON n.id = d.notification_id WHERE n.resident_id = $1', [104])).toBe(1);
  });

  it('concurrent sends with one key make one notice: each transaction gets the same id', async () => {
    await giveContactDetails(105, { email: 'r105@example.kr', phone: '010-5555-0105' });
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        withTransaction(database.pool, async (tx) => {
          const result = await notifications.send(tx, request(105, 'k-105-race'));
          // Hold the transaction open a moment so the others really overlap it.
          await tx.query('SELECT pg_sleep(0.05)');
          return result;
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'created')).toHaveLength(1);
    expect(new Set(results.map((r) => r.notificationId)).size).toBe(1);
    expect(await count('notifications.notifications WHERE resident_id = $1', [105])).toBe(1);
    expect(await count('notifications.deliveries d JOIN notifications.notifications n ON n.id = d.notification_id WHERE n.resident_id = $1', [105])).toBe(2);
  });

  it('a key reused for another resident is a conflict, not someone else\'s notice', async () => {
    await withTransaction(database.pool, (tx) => notifications.send(tx, request(106, 'k-106')));
    const error = await withTransaction(database.pool, (tx) => notifications.send(tx, request(107, 'k-106'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFLICT');
    expect(await count('notifications.notifications WHERE resident_id = $1', [107])).toBe(0);
  });

  it('a category the resident opted out of is suppressed: nothing stored, no contact read; other categories still arrive', async () => {
    await giveContactDetails(108, { email: 'r108@example.kr', phone: null });
    await notifications.setPreferences(residentContext(108), { optedOut: ['child', 'housing'] });
    const readsBefore = await count(`audit.entries WHERE action = 'identity.contact-details.read' AND subject_resident_id = $1`, [108]);
    const suppressed = await withTransaction(database.pool, (tx) => notifications.send(tx, request(108, 'k-108-child')));
    expect(suppressed).toEqual({ status: 'suppressed', notificationId: null, channels: [] });
    expect(await count('notifications.notifications WHERE resident_id = $1', [108])).toBe(0);
    expect(await count(`audit.entries WHERE action = 'identity.contact-details.read' AND subject_resident_id = $1`, [108])).toBe(readsBefore);

    const health = await withTransaction(database.pool, (tx) => notifications.send(tx, request(108, 'k-108-health', { category: 'health' })));
    expect(health.status).toBe('created');

    // Opting back in: the same notice can now be sent.
    await notifications.setPreferences(residentContext(108), { optedOut: [] });
    expect((await withTransaction(database.pool, (tx) => notifications.send(tx, request(108, 'k-108-child')))).status).toBe('created');
  });

  it('email and SMS go out in the language the resident chose', async () => {
    await notifications.setPreferences(residentContext(109), { optedOut: [], language: 'en' });
    const result = await withTransaction(database.pool, (tx) => notifications.send(tx, request(109, 'k-109')));
    const row = await database.pool.query('SELECT locale FROM notifications.notifications WHERE id = $1', [result.notificationId]);
    expect(row.rows[0].locale).toBe('en');
  });

  it('refuses a bad request before writing anything: missing placeholder, unknown category, a link off this site', async () => {
    const bad = request(110, 'k-110', { category: 'pets' as never, link: 'https://evil.example/phish', personalisation: { serviceName: 'x' } });
    const error = await withTransaction(database.pool, (tx) => notifications.send(tx, bad)).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    // Every problem at once, the template's too.
    expect((error as AppError).errors?.map((p) => p.field)).toEqual(['/category', '/link', '/personalisation/amount', '/personalisation/link', '/personalisation/reason']);
    expect(await count('notifications.notifications WHERE resident_id = $1', [110])).toBe(0);
  });
});

describe('NotificationsService.sendMany', () => {
  it('sends many notices with one set of statements: created, suppressed, and duplicates (earlier or within the list) in order', async () => {
    await giveContactDetails(201, { email: 'r201@example.kr', phone: '010-2010-0201' });
    await giveContactDetails(202, { email: null, phone: '010-2020-0202' });
    await notifications.setPreferences(residentContext(203), { optedOut: ['child'] });
    const before = await withTransaction(database.pool, (tx) => notifications.send(tx, request(204, 'batch-204')));
    const results = await withTransaction(database.pool, (tx) =>
      notifications.sendMany(tx, [
        request(201, 'batch-201'),
        request(202, 'batch-202'),
        request(203, 'batch-203'),
        request(204, 'batch-204'),
        request(201, 'batch-201'),
        request(205, 'batch-205', { category: 'health' }),
      ]),
    );
    expect(results.map((r) => r.status)).toEqual(['created', 'created', 'suppressed', 'duplicate', 'duplicate', 'created']);
    expect(results.map((r) => r.channels)).toEqual([['email', 'sms'], ['sms'], [], [], [], []]);
    expect(results[3]!.notificationId).toBe(before.notificationId);
    expect(results[4]!.notificationId).toBe(results[0]!.notificationId);
    expect(await count('notifications.notifications WHERE resident_id = ANY ($1)', [[201, 202, 203, 205]])).toBe(3);
    expect(await count('notifications.deliveries d JOIN notifications.notifications n ON n.id = d.notification_id WHERE n.resident_id = ANY ($1)', [[201, 202]])).toBe(3);
    // One contact read per resident notified (not for the suppressed one), one create entry per notice.
    expect(await count(`audit.entries WHERE action = 'identity.contact-details.read' AND actor_id = 'system:notifications' AND subject_resident_id = ANY ($1)`, [[201, 202, 203, 205]])).toBe(3);
    expect(await count(`audit.entries WHERE action = 'notifications.create' AND subject_resident_id = ANY ($1)`, [[201, 202, 203, 205]])).toBe(3);
    const page = await notifications.listForResident(residentContext(202));
    expect(page.items[0]).toMatchObject({ title: { ko: '아동수당 신청 대상입니다', en: 'You can get Child allowance' }, reference: 'child-allowance' });
  });

  it('checks every request before writing anything; problems point into the list', async () => {
    const error = await withTransaction(database.pool, (tx) =>
      notifications.sendMany(tx, [request(211, 'batch-211'), request(212, 'batch-212', { personalisation: { serviceName: 'x', reason: 'y', amount: 'z' } }), request(213, '')]),
    ).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('VALIDATION_FAILED');
    expect((error as AppError).errors?.map((p) => p.field)).toEqual(['/1/personalisation/link', '/2/idempotencyKey']);
    expect(await count('notifications.notifications WHERE resident_id = ANY ($1)', [[211, 212, 213]])).toBe(0);
  });

  it('a key repeated in one list for another resident is a conflict', async () => {
    const error = await withTransaction(database.pool, (tx) => notifications.sendMany(tx, [request(221, 'batch-221'), request(222, 'batch-221')])).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('CONFLICT');
  });

  it('overlapping lists sent concurrently make each notice once', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => i);
    const lists = [keys.slice(0, 30), keys.slice(10, 40), keys.slice(5, 35)];
    const results = await Promise.all(
      lists.map((list) => withTransaction(database.pool, (tx) => notifications.sendMany(tx, list.map((k) => request(300 + k, `batch-race-${k}`))))),
    );
    const created = results.flat().filter((r) => r.status === 'created').length;
    expect(created).toBe(40);
    expect(await count('notifications.notifications WHERE idempotency_key LIKE $1', ['batch-race-%'])).toBe(40);
    const idsByKey = new Map<number, Set<string>>();
    lists.forEach((list, l) => list.forEach((k, j) => idsByKey.set(k, (idsByKey.get(k) ?? new Set()).add(results[l]![j]!.notificationId!))));
    expect([...idsByKey.values()].every((ids) => ids.size === 1)).toBe(true);
  });
});
