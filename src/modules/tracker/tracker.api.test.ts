// The Data Tracker over HTTP: the resident's own list (newest first, paged, filtered by period in
// Korean time, covert accesses hidden, other residents' entries never shown, its own reads audited
// but not listed), the auditors' view (covert flagged, audited, 403 for anyone else), validation
// problems naming the field, and the page without JavaScript. Exchange entries are written
// directly in the exchange module's exact audit format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPayload, type AuditEntry } from '../../core/audit';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';

let platform: TestPlatform;
let resident: TestClient;
let other: TestClient;
let auditor: TestClient;
let official: TestClient;
const ME = 3;
const OTHER = 4;

function exchangeEntry(subject: number, overrides: Partial<{ outcome: 'allowed' | 'denied'; covert: boolean; requestId: string; productId: string; purposeCode: string; client: string; org: string }> = {}): AuditEntry {
  const productId = overrides.productId ?? 'resident.basic';
  const client = overrides.client ?? 'KR/GOV/MOHW/welfare-benefits';
  const outcome = overrides.outcome ?? 'allowed';
  return {
    actor: { id: client, role: 'system', org: overrides.org ?? 'MOHW' },
    action: 'exchange.read',
    purpose: 'Checking eligibility for the basic livelihood allowance',
    resource: `exchange/${productId}`,
    outcome,
    subjectResidentId: subject,
    requestId: overrides.requestId ?? `xroad-${Math.random().toString(36).slice(2, 12)}`,
    details: {
      agreementId: 'AGR-2026-000001',
      productId,
      clientSubsystem: client,
      providerSubsystem: 'KR/GOV/MOIS/resident-register',
      purposeCode: overrides.purposeCode ?? 'WELFARE-ELIGIBILITY',
      fields: outcome === 'allowed' ? ['nameKo', 'birthDate'] : [],
      covert: overrides.covert ?? false,
      userId: 'MOHW-0001',
      issue: 'CASE-2026-17',
      denial: outcome === 'denied' ? 'no active agreement' : null,
    },
  };
}

/** An entry at a given past instant (append() always stamps "now"). */
async function appendAt(entry: AuditEntry, at: string): Promise<void> {
  await platform.database.pool.query('INSERT INTO audit.entries (payload) VALUES ($1)', [auditPayload(entry, Date.parse(at))]);
}

let requestNo = 0;
function get(client: TestClient, url: string) {
  requestNo += 1;
  return client.request({ url, headers: { 'accept-language': 'en', 'x-request-id': `tracker-api-${requestNo}` } });
}

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 30 });
  resident = new TestClient(platform.app);
  expect((await resident.signIn({ residentId: ME })).statusCode).toBe(303);
  other = new TestClient(platform.app);
  expect((await other.signIn({ residentId: OTHER })).statusCode).toBe(303);
  auditor = new TestClient(platform.app);
  expect((await auditor.signIn({ staffId: 'BAI-AUD-01' })).statusCode).toBe(303);
  official = new TestClient(platform.app);
  expect((await official.signIn({ staffId: 'MOHW-0001' })).statusCode).toBe(303);

  await appendAt(exchangeEntry(ME, { requestId: 'xroad-jan' }), '2026-01-10T10:00:00+09:00');
  // The last minutes of 31 January and the first of 1 February, Korean time.
  await appendAt(exchangeEntry(ME, { requestId: 'xroad-jan-end', productId: 'family.children' }), '2026-01-31T23:30:00+09:00');
  await appendAt(exchangeEntry(ME, { requestId: 'xroad-feb-start' }), '2026-02-01T00:10:00+09:00');
  await appendAt(exchangeEntry(ME, { requestId: 'xroad-denied', outcome: 'denied' }), '2026-02-15T09:00:00+09:00');
  await appendAt(
    exchangeEntry(ME, { requestId: 'xroad-covert', covert: true, purposeCode: 'LAW-ENFORCEMENT', client: 'KR/GOV/NTS/hometax', org: 'NTS' }),
    '2026-03-01T12:00:00+09:00',
  );
  await appendAt(exchangeEntry(OTHER, { requestId: 'xroad-other-resident' }), '2026-01-20T10:00:00+09:00');
  await platform.audit.append(platform.database.pool, exchangeEntry(OTHER, { requestId: 'xroad-other-now' }));
  // A busy day: enough uses of my data (all at the same instant) for a second page on the portal.
  await platform.audit.appendMany(
    platform.database.pool,
    Array.from({ length: 22 }, (_, i) => exchangeEntry(ME, { requestId: `xroad-bulk-${String(i).padStart(2, '0')}` })),
  );
  // Another resident tries to read this resident's record: refused, and shown as "another person".
  expect((await get(other, `/api/v1/residents/${ME}/record`)).statusCode).toBe(403);
});
afterAll(async () => {
  await platform?.close();
});

async function myUsage(query = 'limit=100') {
  const response = await get(resident, `/api/v1/me/data-usage?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

describe('GET /api/v1/me/data-usage', () => {
  it('needs a signed-in resident: 401 without a session, 403 for staff', async () => {
    expectProblem(await platform.app.inject({ url: '/api/v1/me/data-usage' }), 401, 'UNAUTHENTICATED');
    expectProblem(await get(official, '/api/v1/me/data-usage'), 403, 'FORBIDDEN');
  });

  it('lists every use of my data newest first, exchange reads in the Data Tracker fields, nothing of other residents, nothing covert', async () => {
    const page = await myUsage();
    const times = page.items.map((i: { logtime: string }) => i.logtime);
    expect([...times].sort().reverse()).toEqual(times);
    const requestIds = page.items.map((i: { requestId: string }) => i.requestId);
    expect(requestIds).toEqual(expect.arrayContaining(['xroad-jan', 'xroad-jan-end', 'xroad-feb-start', 'xroad-denied']));
    expect(requestIds).not.toContain('xroad-covert');
    expect(requestIds).not.toContain('xroad-other-resident');
    expect(requestIds).not.toContain('xroad-other-now');
    expect(page.total).toBe(page.items.length);
    // The oldest four are the exchange reads, in reverse order of time.
    expect(requestIds.slice(-4)).toEqual(['xroad-denied', 'xroad-feb-start', 'xroad-jan-end', 'xroad-jan']);

    const jan = page.items.find((i: { requestId: string }) => i.requestId === 'xroad-jan');
    expect(jan).toEqual({
      logtime: '2026-01-10T01:00:00.000Z',
      action: { ko: '복지급여 자격 확인', en: 'Checking eligibility for welfare benefits' },
      actionCode: 'exchange.read',
      actorKind: 'system',
      receiverCode: 'MOHW',
      receiverName: { ko: '보건복지부', en: 'Ministry of Health and Welfare' },
      receiverSystem: 'KR/GOV/MOHW/welfare-benefits',
      receiverSystemName: { ko: '복지급여 시스템', en: 'Welfare benefits system' },
      dataProduct: { id: 'resident.basic', title: { ko: '주민등록 기본사항', en: 'Resident register: basic record' } },
      fields: ['nameKo', 'birthDate'],
      purpose: { code: 'WELFARE-ELIGIBILITY', text: 'Checking eligibility for the basic livelihood allowance' },
      outcome: 'allowed',
      agreementId: 'AGR-2026-000001',
      requestId: 'xroad-jan',
    });
    expect(page.items.find((i: { requestId: string }) => i.requestId === 'xroad-denied')).toMatchObject({ outcome: 'denied', fields: [] });

    // My own sign-in is listed as "you"; the other resident's refused attempt as "another person".
    const signIn = page.items.find((i: { actionCode: string }) => i.actionCode === 'identity.sign-in');
    expect(signIn).toMatchObject({ actorKind: 'you', receiverName: { en: 'You' }, receiverCode: null, outcome: 'allowed' });
    const attempt = page.items.find((i: { actorKind: string }) => i.actorKind === 'another-person');
    expect(attempt).toMatchObject({ actionCode: 'registry.resident-record.read', outcome: 'denied', receiverName: { en: 'Another person' } });
    expect(JSON.stringify(page)).not.toContain(`resident-${OTHER}`);
    expect(JSON.stringify(page)).not.toContain('covert');
  });

  it('pages: limit and offset over the same total; past the end is an empty page', async () => {
    const all = await myUsage();
    const first = await myUsage('limit=2&offset=0');
    const second = await myUsage('limit=2&offset=2');
    expect(first).toMatchObject({ total: all.total, offset: 0, limit: 2 });
    expect(first.items.length).toBe(2);
    expect([...first.items, ...second.items].map((i: { requestId: string }) => i.requestId)).toEqual(
      all.items.slice(0, 4).map((i: { requestId: string }) => i.requestId),
    );
    const past = await myUsage(`offset=${all.total + 5}`);
    expect(past).toMatchObject({ items: [], total: all.total });
    expect((await myUsage('')).limit).toBe(20);
  });

  it('filters by period: calendar days in Korean time, both ends inclusive', async () => {
    const january = await myUsage('periodStart=2026-01-01&periodEnd=2026-01-31');
    expect(january.items.map((i: { requestId: string }) => i.requestId)).toEqual(['xroad-jan-end', 'xroad-jan']);
    expect(january).toMatchObject({ total: 2, periodStart: '2026-01-01', periodEnd: '2026-01-31' });
    const oneDay = await myUsage('periodStart=2026-02-01&periodEnd=2026-02-01');
    expect(oneDay.items.map((i: { requestId: string }) => i.requestId)).toEqual(['xroad-feb-start']);
    const fromFebruary = await myUsage('periodStart=2026-02-01&limit=100');
    expect(fromFebruary.items.map((i: { requestId: string }) => i.requestId)).not.toContain('xroad-jan-end');
    expect(fromFebruary.items.map((i: { requestId: string }) => i.requestId)).toContain('xroad-denied');
    const untilJanuary = await myUsage('periodEnd=2026-01-31');
    expect(untilJanuary.total).toBe(2);
    expect((await myUsage('periodStart=2025-01-01&periodEnd=2025-12-31')).items).toEqual([]);
  });

  it.each([
    ['periodStart=2026-02-30', '/querystring/periodStart'],
    ['periodStart=yesterday', '/querystring/periodStart'],
    ['periodEnd=2026-13-01', '/querystring/periodEnd'],
    ['periodStart=2026-03-01&periodEnd=2026-02-01', '/querystring/periodEnd'],
    ['limit=0', '/querystring/limit'],
    ['limit=101', '/querystring/limit'],
    ['offset=-1', '/querystring/offset'],
    ['limit=ten', '/querystring/limit'],
    ['userCode=1', '/querystring/userCode'],
  ])('bad input %s is a 400 problem naming %s', async (query, field) => {
    const problem = expectProblem(await get(resident, `/api/v1/me/data-usage?${query}`), 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('each read of the list is audited as tracker.read but never listed', async () => {
    const response = await get(resident, '/api/v1/me/data-usage');
    await platform.audit.flush();
    const audited = await platform.database.pool.query('SELECT actor_id, action, subject_resident_id, outcome FROM audit.entries WHERE request_id = $1', [
      response.headers['x-request-id'],
    ]);
    expect(audited.rows).toEqual([{ actor_id: `resident-${ME}`, action: 'tracker.read', subject_resident_id: ME, outcome: 'allowed' }]);
    const page = await myUsage();
    expect(page.items.map((i: { actionCode: string }) => i.actionCode)).not.toContain('tracker.read');
  });
});

describe('GET /api/v1/residents/{residentId}/data-usage (auditors)', () => {
  it('shows an auditor everything, covert accesses flagged, with the acting account; the review is audited and shown to the resident', async () => {
    const response = await get(auditor, `/api/v1/residents/${ME}/data-usage?limit=100`);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json();
    const covert = page.items.find((i: { requestId: string }) => i.requestId === 'xroad-covert');
    expect(covert).toMatchObject({
      covert: true,
      actorId: 'KR/GOV/NTS/hometax',
      receiverCode: 'NTS',
      action: { en: 'Law enforcement (criminal investigation)' },
    });
    expect(page.items.find((i: { requestId: string }) => i.requestId === 'xroad-jan')).toMatchObject({ covert: false });
    expect(page.items.find((i: { actorKind: string }) => i.actorKind === 'another-person')).toMatchObject({ actorId: `resident-${OTHER}` });
    expect(page.items.map((i: { requestId: string }) => i.requestId)).not.toContain('xroad-other-resident');
    expect(page.items.map((i: { actionCode: string }) => i.actionCode)).not.toContain('tracker.audit-read');

    await platform.audit.flush();
    const audited = await platform.database.pool.query('SELECT actor_id, actor_org, action, subject_resident_id, outcome FROM audit.entries WHERE request_id = $1', [
      response.headers['x-request-id'],
    ]);
    expect(audited.rows).toEqual([
      { actor_id: 'staff-BAI-AUD-01', actor_org: 'BAI', action: 'tracker.audit-read', subject_resident_id: ME, outcome: 'allowed' },
    ]);
    const mine = await myUsage();
    expect(mine.items[0]).toMatchObject({
      actionCode: 'tracker.audit-read',
      actorKind: 'auditor',
      receiverCode: 'BAI',
      receiverName: { en: 'Board of Audit and Inspection' },
    });
    expect(mine.items.map((i: { requestId: string }) => i.requestId)).not.toContain('xroad-covert');
  });

  it('is 403 for officials and residents (the refusal audited and shown to the subject), 401 signed out, 400 for a bad id or period', async () => {
    const refused = await get(official, `/api/v1/residents/${ME}/data-usage`);
    expectProblem(refused, 403, 'FORBIDDEN');
    expectProblem(await get(resident, `/api/v1/residents/${OTHER}/data-usage`), 403, 'FORBIDDEN');
    expectProblem(await get(resident, `/api/v1/residents/${ME}/data-usage`), 403, 'FORBIDDEN');
    expectProblem(await platform.app.inject({ url: `/api/v1/residents/${ME}/data-usage` }), 401, 'UNAUTHENTICATED');
    const badId = expectProblem(await get(auditor, '/api/v1/residents/abc/data-usage'), 400, 'VALIDATION_FAILED');
    expect(badId.errors[0].field).toBe('/params/residentId');
    const badPeriod = expectProblem(await get(auditor, `/api/v1/residents/${ME}/data-usage?periodStart=2026-02-02&periodEnd=2026-02-01`), 400, 'VALIDATION_FAILED');
    expect(badPeriod.errors[0].field).toBe('/querystring/periodEnd');

    const mine = await myUsage();
    const attempt = mine.items.find((i: { requestId: string }) => i.requestId === refused.headers['x-request-id']);
    expect(attempt).toMatchObject({ actionCode: 'tracker.audit-read', actorKind: 'official', receiverCode: 'MOHW', outcome: 'denied' });
  });
});

describe('the page /me/data-usage (no JavaScript)', () => {
  const page = (client: TestClient, query: string) => client.request({ url: `/me/data-usage?${query}`, headers: { accept: 'text/html' } });

  it('sends a signed-out visitor to sign in', async () => {
    const response = await platform.app.inject({ url: '/me/data-usage', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/sign-in?returnTo=%2Fme%2Fdata-usage');
  });

  it('shows a table with caption and headers, in Korean and English, and pages by links', async () => {
    const en = await page(resident, 'lang=en');
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<h1>Who used my data</h1>');
    expect(en.body).toMatch(/<caption>Who used my data: 1–20 of \d+<\/caption>/);
    expect(en.body).toContain('<th scope="col">Why</th>');
    expect(en.body).toContain('href="/me/data-usage"');
    expect(en.body).toMatch(/<a href="\/me\/data-usage\?offset=20&amp;lang=en" rel="next">Next 20<\/a>/);
    const second = await page(resident, 'offset=20&lang=en');
    expect(second.body).toMatch(/rel="prev">Previous 20<\/a>/);
    const ko = await page(resident, 'lang=ko&periodStart=2026-01-01&periodEnd=2026-01-31');
    expect(ko.body).toContain('<h1>내 정보 이용 내역</h1>');
    expect(ko.body).toContain('전체 2건 중 1–2번째');
    expect(ko.body).toContain('보건복지부');
    expect(ko.body).toContain('복지급여 자격 확인');
    expect(ko.body).toContain('value="2026-01-01"');
    expect(ko.body).not.toContain('rel="next"');
  });

  it('shows an empty state, and a bad period next to its field with status 400', async () => {
    const empty = await page(resident, 'lang=en&periodStart=2020-01-01&periodEnd=2020-01-31');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('No one used your data in this period.');
    expect(empty.body).not.toContain('<table');
    const bad = await page(resident, 'lang=en&periodStart=2026-03-01&periodEnd=2026-02-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error: Who used my data');
    expect(bad.body).toContain('<a href="#periodEnd">To: The end date must be the same as or after the start date</a>');
    expect(bad.body).toMatch(/id="periodEnd"[^>]*aria-invalid="true"/);
    const malformed = await page(resident, 'lang=ko&periodStart=2026-02-31');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('날짜를 예: 2026-01-31 형식으로 입력하세요');
  });

  it('is linked from the main menu for residents only', async () => {
    const me = await resident.request({ url: '/me?lang=en', headers: { accept: 'text/html' } });
    expect(me.body).toContain('<a href="/me/data-usage">Who used my data</a>');
    const staff = await official.request({ url: '/?lang=en', headers: { accept: 'text/html' } });
    expect(staff.body).not.toContain('/me/data-usage');
    const staffPage = await page(official, 'lang=en');
    expect(staffPage.statusCode).toBe(200);
    expect(staffPage.body).toContain('Staff accounts have no data-usage list.');
  });
});
