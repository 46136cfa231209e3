// The rules API and console over HTTP, signed in through the real federated flow: the published
// seed rules, a draft refused with located problems (nothing stored), a new version saved and
// published (the old one superseded, both audited), agency and version rules, and one resident's
// decisions with explanations (audited as a read about that resident).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { seedRuleSources } from './seed';

let platform: TestPlatform;
const clients: Record<string, TestClient> = {};
let requestNo = 0;

async function signedIn(person: { staffId: string } | { residentId: number }): Promise<TestClient> {
  const client = new TestClient(platform.app);
  expect((await client.signIn(person)).statusCode).toBe(303);
  return client;
}

function send(client: TestClient, method: 'GET' | 'POST', url: string, json?: unknown) {
  requestNo += 1;
  return client.request({
    method,
    url,
    json,
    headers: { 'x-csrf-token': client.csrfToken ?? '', 'x-request-id': `rules-api-${requestNo}`, 'accept-language': 'en' },
  });
}

async function auditOf(requestId: string) {
  await platform.audit.flush();
  const result = await platform.database.pool.query(
    'SELECT actor_id, action, resource, outcome, subject_resident_id FROM audit.entries WHERE request_id = $1 ORDER BY id',
    [requestId],
  );
  return result.rows;
}

const childAllowance = seedRuleSources().find((s) => s.id === 'child-allowance')!.source;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 400 });
  await platform.eligibility.ensureSeedRules();
  clients.mohw = await signedIn({ staffId: 'MOHW-0001' });
  clients.nts = await signedIn({ staffId: 'NTS-0001' });
  clients.operator = await signedIn({ staffId: 'MOIS-OPS-01' });
  clients.auditor = await signedIn({ staffId: 'BAI-AUD-01' });
});
afterAll(async () => {
  await platform?.close();
});

describe('rules over the API', () => {
  it('lists the published seed rules to staff only', async () => {
    const list = await send(clients.auditor!, 'GET', '/api/v1/rules');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ ruleId: string; status: string }>;
    expect(items.length).toBeGreaterThanOrEqual(100);
    expect(items.every((i) => i.status === 'published')).toBe(true);
    expect(items.map((i) => i.ruleId)).toContain('first-meeting-voucher');
    expectProblem(await send(new TestClient(platform.app), 'GET', '/api/v1/rules'), 401, 'UNAUTHENTICATED');
    const resident = await signedIn({ residentId: 3 });
    expectProblem(await send(resident, 'GET', '/api/v1/rules'), 403, 'FORBIDDEN');
  });

  it('refuses an invalid rule with the field, line and column of each problem, and stores nothing', async () => {
    const broken = childAllowance.replace('variable: age_months', 'variable: age_in_months').replace('version: 1', 'version: 2');
    const response = await send(clients.mohw!, 'POST', '/api/v1/rules', { source: broken });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    const line = broken.split('\n').findIndex((l) => l.includes('age_in_months')) + 1;
    expect(problem.errors).toContainEqual({
      field: expect.stringMatching(new RegExp(`^/rule/conditions/0/expr/count/where/variable \\(line ${line}, column \\d+\\)$`)),
      message: expect.stringContaining('unknown variable age_in_months'),
    });
    const detail = await send(clients.mohw!, 'GET', '/api/v1/rules/child-allowance');
    expect(detail.json().versions.map((v: { version: number }) => v.version)).toEqual([1]);
    expect(detail.json().draft).toBeNull();
  });

  it('saves a new version as a draft and publishes it; the old version is superseded; both audited', async () => {
    const v2 = childAllowance.replace('version: 1', 'version: 2').replace(/value: 100000/, 'value: 150000').replace('amount: 200000', 'amount: 300000').replace('amount: 100000', 'amount: 150000');
    const saved = await send(clients.mohw!, 'POST', '/api/v1/rules', { source: v2 });
    expect(saved.statusCode).toBe(201);
    expect(saved.json()).toMatchObject({ ruleId: 'child-allowance', version: 2, status: 'draft', savedBy: expect.stringContaining('MOHW-0001') });
    expect(await auditOf(`rules-api-${requestNo}`)).toEqual([
      expect.objectContaining({ action: 'eligibility.rule.draft-saved', resource: 'eligibility/rules/child-allowance/versions/2', outcome: 'allowed' }),
    ]);
    // Engines still use version 1 until the draft is published.
    expect((await platform.eligibility.publishedRules()).find((r) => r.rule.id === 'child-allowance')!.rule.version).toBe(1);

    const published = await send(clients.mohw!, 'POST', '/api/v1/rules/child-allowance/versions/2/publication');
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ version: 2, status: 'published' });
    expect(await auditOf(`rules-api-${requestNo}`)).toEqual([expect.objectContaining({ action: 'eligibility.rule.published', outcome: 'allowed' })]);
    const detail = (await send(clients.operator!, 'GET', '/api/v1/rules/child-allowance')).json();
    expect(detail.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[2, 'published'], [1, 'superseded']]);
    expect(detail.published.source).toContain('value: 150000');
    const engine = (await platform.eligibility.publishedRules()).find((r) => r.rule.id === 'child-allowance')!;
    expect(engine.rule.version).toBe(2);
  });

  it('keeps rules to their agency and versions moving forward', async () => {
    const v3 = childAllowance.replace('version: 1', 'version: 3');
    const denied = await send(clients.nts!, 'POST', '/api/v1/rules', { source: v3 });
    expectProblem(denied, 403, 'FORBIDDEN');
    expect(await auditOf(`rules-api-${requestNo}`)).toEqual([expect.objectContaining({ action: 'eligibility.rule.draft-saved', outcome: 'denied' })]);
    const stale = await send(clients.operator!, 'POST', '/api/v1/rules', { source: childAllowance });
    expect(expectProblem(stale, 409, 'CONFLICT').errors).toEqual([{ field: '/rule/version', message: 'the version must be 3 or later' }]);
    expectProblem(await send(clients.mohw!, 'POST', '/api/v1/rules/child-allowance/versions/9/publication'), 404, 'NOT_FOUND');
    expectProblem(await send(clients.auditor!, 'POST', '/api/v1/rules', { source: v3 }), 403, 'FORBIDDEN');
  });

  it("decides every published rule for one resident with explanations, audited as a read about them", async () => {
    const found = await platform.database.pool.query(
      `SELECT p.id FROM registry.residents p
        WHERE p.household_role = 'head' AND p.deceased_on IS NULL AND EXISTS (
          SELECT 1 FROM registry.residents c WHERE c.household_id = p.household_id AND c.birth_date > DATE '2026-11-22' - INTERVAL '7 years')
        ORDER BY p.id LIMIT 1`,
    );
    const residentId = found.rows[0].id as number;
    const response = await send(clients.operator!, 'GET', `/api/v1/rules/decisions?residentId=${residentId}&date=2026-11-22`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.items.length).toBeGreaterThanOrEqual(100);
    const allowance = body.items.find((d: { ruleId: string }) => d.ruleId === 'child-allowance');
    expect(allowance).toMatchObject({ eligible: true, version: 2, period: 'month' });
    expect(allowance.amount % 150000).toBe(0);
    expect(allowance.explanation.summary.en).toMatch(/^eligible because: child under 8 \(\d children?\)/);
    expect(allowance.explanation.summary.ko).toMatch(/^대상입니다/);
    expect(await auditOf(`rules-api-${requestNo}`)).toEqual([
      expect.objectContaining({ action: 'eligibility.resident.evaluated', subject_resident_id: residentId, outcome: 'allowed' }),
    ]);
    const self = await signedIn({ residentId });
    expect((await send(self, 'GET', `/api/v1/rules/decisions?residentId=${residentId}&date=2026-11-22`)).statusCode).toBe(200);
    expectProblem(await send(self, 'GET', `/api/v1/rules/decisions?residentId=${residentId + 1}`), 403, 'FORBIDDEN');
    expectProblem(await send(clients.operator!, 'GET', '/api/v1/rules/decisions?residentId=99999999'), 404, 'SUBJECT_NOT_FOUND');
    expectProblem(await send(clients.operator!, 'GET', `/api/v1/rules/decisions?residentId=${residentId}&date=2026-02-30`), 400, 'VALIDATION_FAILED');
  });
});

describe('the rules console without JavaScript', () => {
  it('shows the problems next to the editor, keeps the text, and saves a valid rule', async () => {
    const page = await clients.mohw!.request({ url: '/console/rules?lang=en' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<textarea id="source" name="source"');
    expect(page.body).toContain('href="/console/rules/basic-pension"');

    const broken = childAllowance.replace('version: 1', 'version: 3').replace("op: \">=\"\n    value: 1", "op: \">=\"\n    value: lots");
    const refused = await clients.mohw!.request({ method: 'POST', url: '/console/rules?lang=en', form: { _csrf: clients.mohw!.csrfToken!, source: broken } });
    expect(refused.statusCode).toBe(400);
    const line = broken.split('\n').findIndex((l) => l.includes('value: lots')) + 1;
    expect(refused.body).toContain(`line ${line}, column 12, /conditions/0/value: a formula must be a number`);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toContain('aria-invalid="true"');
    expect(refused.body).toContain('value: lots');

    const fresh = seedRuleSources().find((s) => s.id === 'senior-dental-implant')!.source.replace('id: senior-dental-implant', 'id: senior-dental-checkup').replace('agency: NHIS', 'agency: MOHW');
    const saved = await clients.mohw!.request({ method: 'POST', url: '/console/rules', form: { _csrf: clients.mohw!.csrfToken!, source: fresh } });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/console/rules/senior-dental-checkup?done=saved');
    const detail = await clients.mohw!.request({ url: '/console/rules/senior-dental-checkup?done=saved&lang=ko' });
    expect(detail.body).toContain('초안을 저장했습니다.');
    const publish = await clients.mohw!.request({ method: 'POST', url: '/console/rules/senior-dental-checkup/publication', form: { _csrf: clients.mohw!.csrfToken!, version: '1' } });
    expect(publish.statusCode).toBe(303);
    expect((await platform.eligibility.publishedRules()).some((r) => r.rule.id === 'senior-dental-checkup')).toBe(true);
  });
});
