// The exchange's staff console pages over injected requests: the exchange log shows an agency's
// requests as client and as data holder (covert ones flagged, to both parties), filters by period,
// pages, refuses non-officials and audits every view; the statistics page is for the operator and
// auditors and shows the same numbers as the open API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import type { Principal } from '../../core/auth';
import { AgreementsService, type AgreementContext } from '../agreements';
import type { RequestInput } from '../agreements/rules';
import { DirectoryService } from '../directory';
import { contextOf as contextFor, staff } from '../../../test/support/staff';

let platform: TestPlatform;
let agreements: AgreementsService;
const secrets: Record<string, string> = {};

const WELFARE = 'KR/GOV/MOHW/welfare-benefits';
const EMPLOYMENT = 'KR/GOV/MOEL/employment-insurance';
const CHILDREN = '/r1/KR/GOV/SCOURT/family-relations/family.children';
const INCOME = '/r1/KR/GOV/NTS/hometax/tax.income-certificate';

const contextOf = (principal: Principal): AgreementContext => contextFor(principal, 'console-setup');
const OFFICIALS: Record<string, Principal> = Object.fromEntries(
  ['MOHW', 'MOEL', 'SCOURT', 'NTS'].map((agency) => [agency, staff('official', agency, `${agency}-0001`)]),
);

async function activeAgreement(input: Partial<RequestInput> & Pick<RequestInput, 'clientSubsystem' | 'productId' | 'purposeCode' | 'fields'>): Promise<string> {
  const created = await agreements.request(contextOf(OFFICIALS[input.clientSubsystem.split('/')[2]!]!), {
    purposeText: `Test purpose for ${input.productId}`,
    legalBasis: 'Test Act art. 1',
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    consentRequired: false,
    ...input,
  });
  await agreements.decide(contextOf(OFFICIALS[created.holderAgency]!), created.id, { decision: 'approve' });
  const active = await agreements.decide(contextOf(staff('operator', 'MOIS', 'MOIS-OPS-01')), created.id, { decision: 'approve' });
  expect(active.status).toBe('active');
  return created.id;
}

let messageNo = 0;
function exchange(path: string, client: string, purpose: string, userId: string) {
  return platform.app.inject({
    method: 'GET',
    url: path,
    headers: { 'x-road-client': client, authorization: `Bearer ${secrets[client]}`, 'x-road-purpose': purpose, 'x-road-userid': userId, 'x-road-id': `console-test-${(messageNo += 1)}` },
  });
}

async function signedIn(person: { staffId: string } | { residentId: number }): Promise<TestClient> {
  const client = new TestClient(platform.app);
  expect((await client.signIn(person)).statusCode).toBe(303);
  return client;
}

let welfareChildren: string;
let covertAgreement: string;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 40 });
  agreements = new AgreementsService(platform.database.pool, platform.audit, new DirectoryService(platform.database.pool));
  const operator = await signedIn({ staffId: 'MOIS-OPS-01' });
  for (const subsystemId of [WELFARE, EMPLOYMENT]) {
    const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId }, headers: { 'x-csrf-token': operator.csrfToken! } });
    expect(issued.statusCode, issued.body).toBe(201);
    secrets[subsystemId] = issued.json().secret;
  }
  welfareChildren = await activeAgreement({ clientSubsystem: WELFARE, productId: 'family.children', purposeCode: 'WELFARE-ELIGIBILITY', fields: ['childCount'] });
  await activeAgreement({ clientSubsystem: WELFARE, productId: 'tax.income-certificate', purposeCode: 'WELFARE-ELIGIBILITY', fields: ['taxYear'] });
  covertAgreement = await activeAgreement({ clientSubsystem: EMPLOYMENT, productId: 'family.children', purposeCode: 'LAW-ENFORCEMENT', fields: ['childCount'], covert: true });
  for (let i = 1; i <= 22; i += 1) expect((await exchange(`${CHILDREN}/${i}`, WELFARE, 'WELFARE-ELIGIBILITY', 'MOHW-0001')).statusCode).toBe(200);
  expect((await exchange(`${INCOME}/3`, WELFARE, 'WELFARE-ELIGIBILITY', 'MOHW-0001')).statusCode).toBe(200);
  // Refused: no agreement for this purpose.
  expect((await exchange(`${CHILDREN}/4`, WELFARE, 'TAX-ASSESSMENT', 'MOHW-0001')).statusCode).toBe(403);
  expect((await exchange(`${CHILDREN}/5`, EMPLOYMENT, 'LAW-ENFORCEMENT', 'MOEL-0001')).statusCode).toBe(200);
});
afterAll(async () => {
  await platform?.close();
});

const rowsOf = (body: string) => (/<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '').split('<tr').slice(1);

describe('/console/exchange-log', () => {
  it('shows the client agency its own requests, allowed and refused, with agreement, purpose, fields and user id', async () => {
    const official = await signedIn({ staffId: 'MOHW-0001' });
    const page = await official.request({ url: '/console/exchange-log?lang=en' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<caption>Exchange requests of');
    expect(page.body).toMatch(/1–20 of 24/);
    const rows = rowsOf(page.body);
    expect(rows).toHaveLength(20);
    // Newest first: the refusal, then the income read.
    expect(rows[0]).toContain('Client.AgreementMissing');
    expect(rows[0]).toContain('Refused');
    expect(rows[1]).toContain('tax.income-certificate');
    expect(rows[2]).toContain(`/console/agreements/${welfareChildren}`);
    expect(rows[2]).toContain('childCount');
    expect(rows[2]).toContain('MOHW-0001');
    expect(rows[2]).toContain('WELFARE-ELIGIBILITY');
    // MOEL's covert read is not MOHW's business.
    expect(page.body).not.toContain(covertAgreement);
    const next = await official.request({ url: '/console/exchange-log?offset=20&lang=en' });
    expect(rowsOf(next.body)).toHaveLength(4);
    expect(next.body).toContain('rel="prev"');
  });

  it('shows the holder who read its data, covert requests flagged; the covert client sees its own, flagged', async () => {
    const holder = await signedIn({ staffId: 'SCOURT-0001' });
    const page = await holder.request({ url: '/console/exchange-log?lang=en' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/1–20 of 24/); // 22 + 1 refused for MOHW + 1 covert for MOEL; not the income read
    const covertRow = rowsOf(page.body).find((row) => row.includes(covertAgreement))!;
    expect(covertRow).toContain('class="covert"');
    expect(covertRow).toContain('Covert');
    expect(covertRow).toContain('Data holder');
    const client = await signedIn({ staffId: 'MOEL-0001' });
    const own = await client.request({ url: '/console/exchange-log?lang=en' });
    expect(rowsOf(own.body)).toHaveLength(1);
    expect(rowsOf(own.body)[0]).toContain('Covert');
    const nts = await signedIn({ staffId: 'NTS-0001' });
    const ntsPage = await nts.request({ url: '/console/exchange-log?lang=en' });
    expect(rowsOf(ntsPage.body)).toHaveLength(1);
    expect(rowsOf(ntsPage.body)[0]).toContain('tax.income-certificate');
  });

  it('filters by period (Korean calendar days), shows bad dates on the form, and audits every view', async () => {
    const official = await signedIn({ staffId: 'MOHW-0001' });
    const past = await official.request({ url: '/console/exchange-log?periodStart=2020-01-01&periodEnd=2020-12-31&lang=en', headers: { 'x-request-id': 'exchange-log-view-1' } });
    expect(past.statusCode).toBe(200);
    expect(past.body).toContain('Your agency has no exchange requests in this period.');
    const bad = await official.request({ url: '/console/exchange-log?periodStart=2026-02-30&lang=en' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain('aria-invalid="true"');
    await platform.audit.flush();
    const audited = await platform.database.pool.query(`SELECT actor_id, actor_org, action, outcome, details FROM audit.entries WHERE request_id = 'exchange-log-view-1'`);
    expect(audited.rows).toEqual([
      expect.objectContaining({ actor_id: 'staff-MOHW-0001', action: 'exchange.log.read', outcome: 'allowed', details: expect.objectContaining({ agencyCode: 'MOHW', periodStart: '2020-01-01' }) }),
    ]);
  });

  it('is for officials only: residents and the operator are refused (audited), visitors sent to sign in', async () => {
    const resident = await signedIn({ residentId: 7 });
    expect((await resident.request({ url: '/console/exchange-log', headers: { 'x-request-id': 'exchange-log-refused-1' } })).statusCode).toBe(403);
    const operator = await signedIn({ staffId: 'MOIS-OPS-01' });
    expect((await operator.request({ url: '/console/exchange-log' })).statusCode).toBe(403);
    await platform.audit.flush();
    const audited = await platform.database.pool.query(`SELECT action, outcome FROM audit.entries WHERE request_id = 'exchange-log-refused-1'`);
    expect(audited.rows).toEqual([{ action: 'exchange.log.read', outcome: 'denied' }]);
    const anonymous = await platform.app.inject({ url: '/console/exchange-log' });
    expect(anonymous.statusCode).toBe(303);
  });
});

describe('/console/statistics', () => {
  it('shows the operator and auditors the month per client agency × product, as the open API does', async () => {
    const api = (await platform.app.inject({ url: '/api/v1/exchange/statistics' })).json() as { month: string; rows: Array<{ clientAgency: string; productId: string; allowed: number; denied: number }> };
    for (const staffId of ['MOIS-OPS-01', 'BAI-AUD-01']) {
      const client = await signedIn({ staffId });
      const page = await client.request({ url: '/console/statistics?lang=en' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<caption>Requests per client agency and data product');
      for (const row of api.rows) {
        const line = rowsOf(page.body).find((r) => r.includes(`(${row.clientAgency})`) && r.includes(`<code>${row.productId}</code>`))!;
        expect(line).toContain(`<td>${row.allowed}</td><td>${row.denied}</td><td>${row.allowed + row.denied}</td>`);
      }
    }
    const client = await signedIn({ staffId: 'MOIS-OPS-01' });
    const mohw = rowsOf((await client.request({ url: '/console/statistics?lang=en' })).body).find((r) => r.includes('(MOHW)') && r.includes('family.children'))!;
    expect(mohw).toContain('<td>22</td><td>1</td><td>23</td>');
    const empty = await client.request({ url: '/console/statistics?month=2020-01&lang=en' });
    expect(empty.body).toContain('There were no exchange requests in this month.');
    expect(empty.body).toContain('<option value="2020-01" selected>');
    expect((await client.request({ url: '/console/statistics?month=2020-13' })).statusCode).toBe(400);
    const official = await signedIn({ staffId: 'MOHW-0001' });
    expect((await official.request({ url: '/console/statistics' })).statusCode).toBe(403);
  });
});
