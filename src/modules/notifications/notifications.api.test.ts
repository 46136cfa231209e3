// Notifications over HTTP (inject) on the whole platform: a resident with contact details gets
// notices in the inbox (newest first, paged, unread counted), delivered by the platform's worker
// to the outbox folder; marking read; another resident's notice is 404 and the attempt audited;
// preferences opt a category out (the next notice in it is suppressed) and choose the language;
// bad input names the field; the pages work without JavaScript; staff and strangers are refused.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { withTransaction } from '../../core/db';
import type { NotificationCategory } from './categories';

let platform: TestPlatform;
let outbox: string;
let resident: TestClient;
let other: TestClient;
let official: TestClient;
const ME = 6;
const SOMEONE_ELSE = 7;
let sent = 0;

async function send(residentId: number, options: { category?: NotificationCategory; subject?: string } = {}) {
  sent += 1;
  return withTransaction(platform.database.pool, (tx) =>
    platform.notifications.send(tx, {
      residentId,
      category: options.category ?? 'general',
      templateId: 'general-notice',
      personalisation: {
        subject: { ko: options.subject ?? `안내 ${sent}`, en: options.subject ?? `Notice ${sent}` },
        message: { ko: `첫째 문단 ${sent}\n\n둘째 문단`, en: `First paragraph ${sent}\n\nSecond paragraph` },
      },
      idempotencyKey: `api-test-${sent}`,
      link: '/me/data-usage',
      reference: `ref-${sent}`,
    }),
  );
}

beforeAll(async () => {
  outbox = await mkdtemp(join(tmpdir(), 'oncegov-api-outbox-'));
  platform = await startTestPlatform({ residents: 30, env: { NOTIFY_OUTBOX_DIR: outbox } });
  resident = new TestClient(platform.app);
  other = new TestClient(platform.app);
  official = new TestClient(platform.app);
  await resident.signIn({ residentId: ME });
  await other.signIn({ residentId: SOMEONE_ELSE });
  await official.signIn({ staffId: 'MOHW-0001' });
  const saved = await resident.request({ method: 'POST', url: '/me/contact-details', form: { _csrf: resident.csrfToken!, email: 'me6@example.kr', phone: '010-1234-0006' } });
  expect(saved.statusCode).toBe(303);
});
afterAll(async () => {
  await platform?.close();
  await rm(outbox, { recursive: true, force: true });
});

describe('the inbox API', () => {
  it('lists my notices newest first, paged, with the unread count; the platform worker delivers email and SMS to the outbox', async () => {
    const first = await send(ME);
    const second = await send(ME);
    const third = await send(ME);
    expect(third.channels).toEqual(['email', 'sms']);
    await send(SOMEONE_ELSE);

    const page = await resident.request({ url: '/api/v1/me/notifications?limit=2' });
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body).toMatchObject({ total: 3, unread: 3, offset: 0, limit: 2 });
    expect(body.items.map((n: { id: string }) => n.id)).toEqual([third.notificationId, second.notificationId]);
    expect(body.items[0]).toMatchObject({ category: 'general', link: '/me/data-usage', readAt: null, locale: 'ko' });
    expect(body.items[0].deliveries.map((d: { channel: string; status: string }) => [d.channel, d.status])).toEqual([
      ['email', 'created'],
      ['sms', 'created'],
    ]);
    const rest = (await resident.request({ url: '/api/v1/me/notifications?offset=2&limit=2' })).json();
    expect(rest.items.map((n: { id: string }) => n.id)).toEqual([first.notificationId]);

    const report = await platform.notificationWorker.deliverDue();
    expect(report.delivered).toBe(6);
    expect((await readdir(join(outbox, 'email'))).length).toBe(3);
    expect((await readdir(join(outbox, 'sms'))).length).toBe(3);
    const after = (await resident.request({ url: `/api/v1/me/notifications/${third.notificationId}` })).json();
    expect(after.deliveries.map((d: { status: string }) => d.status)).toEqual(['delivered', 'delivered']);
  });

  it('marks a notice read (again: unchanged), and the unread count drops', async () => {
    const { notificationId } = await send(ME);
    const before = (await resident.request({ url: '/api/v1/me/notifications' })).json().unread;
    const read = await resident.request({ method: 'POST', url: `/api/v1/me/notifications/${notificationId}/read`, headers: { 'x-csrf-token': resident.csrfToken! } });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    const again = await resident.request({ method: 'POST', url: `/api/v1/me/notifications/${notificationId}/read`, headers: { 'x-csrf-token': resident.csrfToken! } });
    expect(again.json().readAt).toBe(read.json().readAt);
    expect((await resident.request({ url: '/api/v1/me/notifications' })).json().unread).toBe(before - 1);
  });

  it('another resident\'s notice is 404, for reading and for marking read, and each attempt is audited as denied', async () => {
    const { notificationId } = await send(SOMEONE_ELSE);
    expectProblem(await resident.request({ url: `/api/v1/me/notifications/${notificationId}` }), 404, 'NOT_FOUND');
    expectProblem(
      await resident.request({ method: 'POST', url: `/api/v1/me/notifications/${notificationId}/read`, headers: { 'x-csrf-token': resident.csrfToken! } }),
      404,
      'NOT_FOUND',
    );
    const page = await resident.request({ url: `/me/inbox/${notificationId}`, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    // Still unread for its addressee.
    expect((await other.request({ url: `/api/v1/me/notifications/${notificationId}` })).json().readAt).toBeNull();
    const denied = await platform.database.pool.query(
      `SELECT action FROM audit.entries WHERE outcome = 'denied' AND actor_id = $1 AND subject_resident_id = $2 AND resource = $3 ORDER BY id`,
      [`resident-${ME}`, SOMEONE_ELSE, `notifications/${notificationId}`],
    );
    expect(denied.rows.map((r) => r.action)).toEqual(['notifications.read', 'notifications.mark-read', 'notifications.read']);
  });

  it('every read of the inbox is audited as the resident\'s', async () => {
    await resident.request({ url: '/api/v1/me/notifications', headers: { 'x-request-id': 'inbox-read-audit-1' } });
    const entries = await platform.database.pool.query(`SELECT action, subject_resident_id, outcome FROM audit.entries WHERE request_id = 'inbox-read-audit-1'`);
    expect(entries.rows).toEqual([{ action: 'notifications.list', subject_resident_id: ME, outcome: 'allowed' }]);
  });

  it('unknown and malformed ids, bad paging, strangers and staff are refused with problem+json', async () => {
    expectProblem(await resident.request({ url: '/api/v1/me/notifications/NTF-00000000-0000-4000-8000-000000000000' }), 404, 'NOT_FOUND');
    expectProblem(await resident.request({ url: '/api/v1/me/notifications/not-an-id' }), 400, 'VALIDATION_FAILED');
    expectProblem(await resident.request({ url: '/api/v1/me/notifications?limit=1000' }), 400, 'VALIDATION_FAILED');
    expectProblem(await new TestClient(platform.app).request({ url: '/api/v1/me/notifications' }), 401, 'UNAUTHENTICATED');
    expectProblem(await official.request({ url: '/api/v1/me/notifications' }), 403, 'FORBIDDEN');
    expectProblem(await official.request({ url: '/api/v1/me/notification-preferences' }), 403, 'FORBIDDEN');
  });
});

describe('notification preferences API', () => {
  const put = (client: TestClient, json: unknown) =>
    client.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', headers: { 'x-csrf-token': client.csrfToken! }, json });

  it('receives every category until the resident opts out; an opted-out category is suppressed, the others still arrive, in the chosen language', async () => {
    const initial = (await other.request({ url: '/api/v1/me/notification-preferences' })).json();
    expect(initial).toMatchObject({ optedOut: [], language: null });
    expect(initial.categories).toHaveLength(8);
    expect(initial.categories.every((c: { receiving: boolean }) => c.receiving)).toBe(true);

    const saved = await put(other, { optedOut: ['housing', 'child'], language: 'en' });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ optedOut: ['child', 'housing'], language: 'en' });
    expect(saved.json().categories.find((c: { id: string }) => c.id === 'child')).toMatchObject({ receiving: false, title: { ko: '출산·육아', en: 'Birth and childcare' } });
    expect((await other.request({ url: '/api/v1/me/notification-preferences' })).json()).toMatchObject({ optedOut: ['child', 'housing'], language: 'en' });

    expect((await send(SOMEONE_ELSE, { category: 'child' })).status).toBe('suppressed');
    const health = await send(SOMEONE_ELSE, { category: 'health' });
    expect(health.status).toBe('created');
    expect((await other.request({ url: `/api/v1/me/notifications/${health.notificationId}` })).json().locale).toBe('en');

    const audit = await platform.database.pool.query(
      `SELECT details FROM audit.entries WHERE action = 'notifications.preferences.update' AND subject_resident_id = $1`,
      [SOMEONE_ELSE],
    );
    expect(audit.rows[0].details).toEqual({ from: { optedOut: [], language: null }, to: { optedOut: ['child', 'housing'], language: 'en' } });
    await put(other, { optedOut: [] });
  });

  it('bad preferences name the field', async () => {
    const unknown = expectProblem(await put(resident, { optedOut: ['pets'] }), 400, 'VALIDATION_FAILED');
    expect(unknown.errors.map((e: { field: string }) => e.field)).toContain('/body/optedOut/0');
    const language = expectProblem(await put(resident, { optedOut: [], language: 'fr' }), 400, 'VALIDATION_FAILED');
    expect(language.errors.map((e: { field: string }) => e.field)).toContain('/body/language');
    expectProblem(await put(resident, { optedOut: [], colour: 'blue' }), 400, 'VALIDATION_FAILED');
    expectProblem(await put(resident, {}), 400, 'VALIDATION_FAILED');
  });
});

describe('notification pages without JavaScript', () => {
  it('/me links to the inbox; the inbox marks unread notices in words; opening one shows its text and link and marks it read', async () => {
    const me = await resident.request({ url: '/me' });
    expect(me.body).toContain('href="/me/inbox"');

    const { notificationId } = await send(ME, { subject: '페이지 확인용 안내' });
    const inbox = await resident.request({ url: '/me/inbox' });
    expect(inbox.statusCode).toBe(200);
    const row = new RegExp(`<tr>\\s*<td><strong>읽지 않음</strong></td>\\s*<td><a href="/me/inbox/${notificationId}"><strong>페이지 확인용 안내</strong></a>`);
    expect(inbox.body).toMatch(row);

    await platform.notificationWorker.deliverDue();
    const page = await resident.request({ url: `/me/inbox/${notificationId}?lang=en` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>페이지 확인용 안내</h1>');
    expect(page.body).toMatch(/<p>First paragraph \d+<\/p><p>Second paragraph<\/p>/);
    expect(page.body).toContain('<a class="button" href="/me/data-usage">Find out more</a>');
    expect(page.body).toContain('Delivered');
    const after = await resident.request({ url: '/me/inbox?lang=ko' });
    expect(after.body).not.toMatch(row);
    expect(after.body).toMatch(new RegExp(`<tr>\\s*<td>읽음</td>\\s*<td><a href="/me/inbox/${notificationId}">페이지 확인용 안내</a>`));
  });

  it('"mark as read" on the inbox works as a plain form and comes back to the inbox', async () => {
    const { notificationId } = await send(ME);
    const posted = await resident.request({ method: 'POST', url: `/me/inbox/${notificationId}/read`, form: { _csrf: resident.csrfToken!, offset: '0' } });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/me/inbox?done=read&lang=ko');
    expect((await resident.request({ url: `/api/v1/me/notifications/${notificationId}` })).json().readAt).not.toBeNull();
    const forged = await resident.request({ method: 'POST', url: `/me/inbox/${notificationId}/read`, form: { _csrf: 'x'.repeat(32) } });
    expect(forged.statusCode).toBe(403);
  });

  it('the settings form saves unticked categories as opted out and the language', async () => {
    const form = await resident.request({ url: '/me/notification-preferences?lang=en' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<input type="checkbox" id="receive-elderly" name="receive" value="elderly" aria-describedby="receive-elderly-hint" checked>/);
    const receive = ['child', 'disability', 'income-support', 'employment', 'health', 'housing', 'general'];
    const body = new URLSearchParams([['_csrf', resident.csrfToken!], ...receive.map((c): [string, string] => ['receive', c]), ['language', 'en']]).toString();
    const saved = await resident.request({
      method: 'POST',
      url: '/me/notification-preferences',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    expect(saved.statusCode).toBe(303);
    // The page was last shown in English (?lang=en): it stays in English.
    expect(saved.headers.location).toBe('/me/notification-preferences?saved=1&lang=en');
    expect((await resident.request({ url: '/api/v1/me/notification-preferences' })).json()).toMatchObject({ optedOut: ['elderly'], language: 'en' });
    const shown = await resident.request({ url: '/me/notification-preferences?saved=1' });
    expect(shown.body).toContain('Your notification settings were saved.');
    expect(shown.body).toMatch(/id="receive-elderly" name="receive" value="elderly" aria-describedby="receive-elderly-hint">/);
    expect(shown.body).toMatch(/id="language-en" name="language" value="en" checked>/);

    // Nothing ticked: every category opted out.
    await resident.request({ method: 'POST', url: '/me/notification-preferences', form: { _csrf: resident.csrfToken!, language: 'ko' } });
    expect((await resident.request({ url: '/api/v1/me/notification-preferences' })).json().optedOut).toHaveLength(8);
    await resident.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', headers: { 'x-csrf-token': resident.csrfToken! }, json: { optedOut: [] } });
  });

  it('signed-out visitors are sent to sign in; staff are told the inbox is for residents', async () => {
    const anonymous = await new TestClient(platform.app).request({ url: '/me/inbox' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?returnTo=%2Fme%2Finbox');
    const staffPage = await official.request({ url: '/me/notification-preferences' });
    expect(staffPage.statusCode).toBe(200);
    expect(staffPage.body).toContain('알림함은 주민만 이용할 수 있습니다.');
  });
});
