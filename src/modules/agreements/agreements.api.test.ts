// The agreements API and console over HTTP, signed in through the real federated flow: the whole
// workflow (request → holder and operator decisions → active → suspended → active), every rule
// as a problem+json status (refusals audited as denied), field validation naming the field, the
// X-Road allowedMethods directory service, OpenAPI, and the console's forms without JavaScript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { DirectoryService } from '../directory';
import { AgreementsService } from './service';
import { expectProblem } from '../../../test/support/problems';

let platform: TestPlatform;
const clients: Record<string, TestClient> = {};

async function signedIn(staffId: string): Promise<TestClient> {
  const client = new TestClient(platform.app);
  const response = await client.signIn({ staffId });
  expect(response.statusCode, staffId).toBe(303);
  return client;
}

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 50 });
  for (const staffId of ['MOHW-0001', 'NTS-0001', 'SCOURT-0001', 'MOIS-0001', 'MOEL-0001', 'MOIS-OPS-01', 'BAI-AUD-01']) {
    clients[staffId] = await signedIn(staffId);
  }
  clients.resident = new TestClient(platform.app);
  await clients.resident.signIn({ residentId: 3 });
});
afterAll(async () => {
  await platform?.close();
});

const mohw = () => clients['MOHW-0001']!;
const scourt = () => clients['SCOURT-0001']!;
const operator = () => clients['MOIS-OPS-01']!;
const auditor = () => clients['BAI-AUD-01']!;

let requestNo = 0;
function send(client: TestClient, method: 'GET' | 'POST' | 'DELETE', url: string, json?: unknown, headers: Record<string, string> = {}) {
  requestNo += 1;
  return client.request({
    method,
    url,
    json,
    headers: { 'x-csrf-token': client.csrfToken ?? '', 'x-request-id': `agreements-api-${requestNo}`, 'accept-language': 'en', ...headers },
  });
}

async function auditOf(requestId: string) {
  await platform.audit.flush();
  const result = await platform.database.pool.query(
    'SELECT actor_id, actor_role, actor_org, action, purpose, resource, outcome FROM audit.entries WHERE request_id = $1 ORDER BY id',
    [requestId],
  );
  return result.rows;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const childrenRequest = (overrides: Record<string, unknown> = {}) => ({
  clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
  productId: 'family.children',
  purposeCode: 'WELFARE-ELIGIBILITY',
  purposeText: 'Child allowance: counting the applicant\'s children',
  legalBasis: 'Child Allowance Act art. 9',
  fields: ['childCount', 'children'],
  validUntil: inDays(365),
  consentRequired: false,
  ...overrides,
});

describe('the workflow over the API', () => {
  it('request → holder approves → operator approves → active; suspend and resume; each step audited', async () => {
    const created = await send(mohw(), 'POST', '/api/v1/agreements', childrenRequest());
    expect(created.statusCode).toBe(201);
    const agreement = created.json();
    expect(created.headers.location).toBe(`/api/v1/agreements/${agreement.id}`);
    expect(agreement).toMatchObject({ status: 'requested', holderAgency: 'SCOURT', clientAgency: 'MOHW', fields: ['childCount', 'children'] });
    expect(await auditOf(`agreements-api-${requestNo}`)).toEqual([
      expect.objectContaining({ actor_id: 'staff-MOHW-0001', actor_org: 'MOHW', action: 'agreements.request', outcome: 'allowed', resource: `agreements/${agreement.id}` }),
    ]);

    const directory = new DirectoryService(platform.database.pool);
    const service = new AgreementsService(platform.database.pool, platform.audit, directory);
    const query = { clientSubsystem: 'KR/GOV/MOHW/welfare-benefits', productId: 'family.children' };
    expect(await service.findActiveAgreement(platform.database.pool, query)).toBeNull();

    const holder = await send(scourt(), 'POST', `/api/v1/agreements/${agreement.id}/decisions`, { decision: 'approve' });
    expect(holder.statusCode).toBe(200);
    expect(holder.json()).toMatchObject({ status: 'requested', holderDecision: 'approve' });
    expect(await service.findActiveAgreement(platform.database.pool, query)).toBeNull();

    const approved = await send(operator(), 'POST', `/api/v1/agreements/${agreement.id}/decisions`, { decision: 'approve', reason: 'Proportionate' });
    expect(approved.json()).toMatchObject({ status: 'active', operatorDecision: 'approve' });
    expect(await auditOf(`agreements-api-${requestNo}`)).toEqual([
      expect.objectContaining({ actor_role: 'operator', action: 'agreements.approve', outcome: 'allowed', resource: `agreements/${agreement.id}` }),
    ]);
    expect(await service.findActiveAgreement(platform.database.pool, query)).toMatchObject({ id: agreement.id, fields: ['childCount', 'children'] });

    const again = await send(operator(), 'POST', `/api/v1/agreements/${agreement.id}/decisions`, { decision: 'approve' });
    expectProblem(again, 409, 'CONFLICT');

    const suspended = await send(scourt(), 'POST', `/api/v1/agreements/${agreement.id}/suspension`, { reason: 'Audit of query volumes' });
    expect(suspended.json().status).toBe('suspended');
    expect(await service.findActiveAgreement(platform.database.pool, query)).toBeNull();
    const resumed = await send(operator(), 'DELETE', `/api/v1/agreements/${agreement.id}/suspension`);
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json().status).toBe('active');
    const withReason = await send(scourt(), 'POST', `/api/v1/agreements/${agreement.id}/suspension`, { reason: 'Again' });
    expect(withReason.json().status).toBe('suspended');
    const resumedWithReason = await send(scourt(), 'DELETE', `/api/v1/agreements/${agreement.id}/suspension`, { reason: 'Volumes explained' });
    expect(resumedWithReason.json().status).toBe('active');

    const read = await send(auditor(), 'GET', `/api/v1/agreements/${agreement.id}`);
    expect(read.json().history.map((h: { action: string }) => h.action)).toEqual(['request', 'approve', 'approve', 'suspend', 'resume', 'suspend', 'resume']);
    expect(read.json().history.at(-1).reason).toBe('Volumes explained');
  });

  it('a rejected request never becomes active', async () => {
    const { id } = (await send(mohw(), 'POST', '/api/v1/agreements', childrenRequest({ purposeText: 'rejected one' }))).json();
    const noReason = expectProblem(await send(operator(), 'POST', `/api/v1/agreements/${id}/decisions`, { decision: 'reject' }), 400, 'VALIDATION_FAILED');
    expect(noReason.errors[0].field).toBe('/body/reason');
    const rejected = await send(operator(), 'POST', `/api/v1/agreements/${id}/decisions`, { decision: 'reject', reason: 'The children\'s names are not needed' });
    expect(rejected.json().status).toBe('rejected');
    expectProblem(await send(scourt(), 'POST', `/api/v1/agreements/${id}/decisions`, { decision: 'approve' }), 409, 'CONFLICT');
    expect((await send(auditor(), 'GET', `/api/v1/agreements/${id}`)).json().status).toBe('rejected');
  });
});

describe('rules', () => {
  let pending: string;

  beforeAll(async () => {
    pending = (await send(mohw(), 'POST', '/api/v1/agreements', childrenRequest({ purposeText: 'pending for the rules' }))).json().id;
  });

  it('signed-out callers get 401', async () => {
    const anonymous = new TestClient(platform.app);
    expectProblem(await send(anonymous, 'GET', '/api/v1/agreements'), 401, 'UNAUTHENTICATED');
    expectProblem(await send(anonymous, 'GET', `/api/v1/agreements/${pending}`), 401, 'UNAUTHENTICATED');
  });

  it('residents get nothing; the refusal is audited', async () => {
    const list = await send(clients.resident!, 'GET', '/api/v1/agreements');
    expectProblem(list, 403, 'FORBIDDEN');
    expect(await auditOf(`agreements-api-${requestNo}`)).toEqual([expect.objectContaining({ actor_role: 'resident', action: 'agreements.list', outcome: 'denied' })]);
    expectProblem(await send(clients.resident!, 'GET', `/api/v1/agreements/${pending}`), 403, 'FORBIDDEN');
    expectProblem(await send(clients.resident!, 'POST', '/api/v1/agreements', childrenRequest()), 403, 'FORBIDDEN');
  });

  it('an official may request only for their own agency\'s subsystem; audited as denied', async () => {
    const response = await send(clients['NTS-0001']!, 'POST', '/api/v1/agreements', childrenRequest());
    expectProblem(response, 403, 'FORBIDDEN');
    expect(await auditOf(`agreements-api-${requestNo}`)).toEqual([
      expect.objectContaining({ actor_id: 'staff-NTS-0001', action: 'agreements.request', outcome: 'denied', resource: 'agreements' }),
    ]);
    expectProblem(await send(operator(), 'POST', '/api/v1/agreements', childrenRequest()), 403, 'FORBIDDEN');
  });

  it('only the data holder\'s officials and the operator decide; audited as denied', async () => {
    for (const staffId of ['MOHW-0001', 'NTS-0001', 'MOIS-0001', 'BAI-AUD-01']) {
      const response = await send(clients[staffId]!, 'POST', `/api/v1/agreements/${pending}/decisions`, { decision: 'approve' });
      expectProblem(response, 403, 'FORBIDDEN');
      expect(await auditOf(`agreements-api-${requestNo}`), staffId).toEqual([expect.objectContaining({ action: 'agreements.approve', outcome: 'denied' })]);
    }
    expect((await send(auditor(), 'GET', `/api/v1/agreements/${pending}`)).json()).toMatchObject({ status: 'requested', holderDecision: null });
  });

  it('other agencies\' officials cannot read it; its parties, the operator and auditors can', async () => {
    expectProblem(await send(clients['NTS-0001']!, 'GET', `/api/v1/agreements/${pending}`), 403, 'FORBIDDEN');
    for (const client of [mohw(), scourt(), operator(), auditor()]) {
      expect((await send(client, 'GET', `/api/v1/agreements/${pending}`)).statusCode).toBe(200);
    }
    expectProblem(await send(auditor(), 'GET', '/api/v1/agreements/AGR-2026-999999'), 404, 'NOT_FOUND');
    expectProblem(await send(auditor(), 'GET', '/api/v1/agreements/not-an-id'), 400, 'VALIDATION_FAILED');
  });

  it('lists what the caller may see, with paging and a status filter', async () => {
    const mine = (await send(mohw(), 'GET', '/api/v1/agreements?side=client&limit=100')).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((a: { clientAgency: string }) => a.clientAgency === 'MOHW')).toBe(true);
    // NTS is party only to GOV24's standing income agreement (as its holder), not to MOHW's requests.
    const nts = (await send(clients['NTS-0001']!, 'GET', '/api/v1/agreements?limit=100')).json();
    expect(nts.items.map((a: { clientSubsystem: string; holderAgency: string }) => `${a.clientSubsystem} ${a.holderAgency}`)).toEqual(['KR/GOV/MOIS/gov24 NTS']);
    const queue = (await send(scourt(), 'GET', '/api/v1/agreements?awaitingMyDecision=true&limit=100')).json();
    expect(queue.items.map((a: { id: string }) => a.id)).toContain(pending);
    const all = (await send(auditor(), 'GET', '/api/v1/agreements?limit=1')).json();
    expect(all).toMatchObject({ limit: 1, offset: 0 });
    expect(all.items).toHaveLength(1);
    expect(all.total).toBeGreaterThanOrEqual(3);
    const active = (await send(operator(), 'GET', '/api/v1/agreements?status=active&limit=100')).json();
    expect(active.items.every((a: { status: string }) => a.status === 'active')).toBe(true);
    const bad = expectProblem(await send(operator(), 'GET', '/api/v1/agreements?status=pending&limit=1000'), 400, 'VALIDATION_FAILED');
    expect(bad.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/querystring/status', '/querystring/limit']));
  });

  it('needs the CSRF token to change anything', async () => {
    const response = await mohw().request({ method: 'POST', url: '/api/v1/agreements', json: childrenRequest() });
    expectProblem(response, 403, 'CSRF_TOKEN_INVALID');
  });
});

describe('validation names the field', () => {
  const fieldsOf = (problem: { errors: Array<{ field: string }> }) => problem.errors.map((e) => e.field);

  it.each([
    ['unknown product', { productId: 'no.such-product' }, ['/body/productId']],
    ['unknown subsystem', { clientSubsystem: 'KR/GOV/MOHW/nothing-here' }, ['/body/clientSubsystem']],
    ['malformed subsystem', { clientSubsystem: 'MOHW welfare' }, ['/body/clientSubsystem']],
    ['fields not in the product', { fields: ['childCount', 'rrn'] }, ['/body/fields']],
    ['no fields', { fields: [] }, ['/body/fields']],
    ['end before start', { validFrom: inDays(30), validUntil: inDays(10) }, ['/body/validUntil']],
    ['more than five years', { validUntil: inDays(5 * 366 + 2) }, ['/body/validUntil']],
    ['covert without law enforcement', { covert: true }, ['/body/covert']],
    ['unknown purpose', { purposeCode: 'CURIOSITY' }, ['/body/purposeCode']],
    ['empty purpose text', { purposeText: '  ' }, ['/body/purposeText']],
    ['not a date', { validUntil: 'next year' }, ['/body/validUntil']],
    ['unknown property', { role: 'operator' }, ['/body/role']],
  ])('%s', async (_name, overrides, fields) => {
    const problem = expectProblem(await send(mohw(), 'POST', '/api/v1/agreements', childrenRequest(overrides)), 400, 'VALIDATION_FAILED');
    expect(fieldsOf(problem)).toEqual(fields);
  });

  it('in the reader\'s language', async () => {
    const problem = expectProblem(await send(mohw(), 'POST', '/api/v1/agreements', childrenRequest({ fields: [] }), { 'accept-language': 'ko' }), 400, 'VALIDATION_FAILED');
    expect(problem.errors[0].message).toBe('이용할 항목을 하나 이상 선택하세요');
  });

  it('a covert law-enforcement agreement is accepted', async () => {
    const response = await send(mohw(), 'POST', '/api/v1/agreements', childrenRequest({ purposeCode: 'LAW-ENFORCEMENT', covert: true }));
    expect(response.statusCode).toBe(201);
    expect(response.json().covert).toBe(true);
  });
});

describe('X-Road allowedMethods', () => {
  const url = '/r1/KR/GOV/SCOURT/family-relations/allowedMethods';

  beforeAll(async () => {
    const { id } = (await send(mohw(), 'POST', '/api/v1/agreements', childrenRequest({ purposeCode: 'CIVIL-PETITION' }))).json();
    await send(scourt(), 'POST', `/api/v1/agreements/${id}/decisions`, { decision: 'approve' });
    expect((await send(operator(), 'POST', `/api/v1/agreements/${id}/decisions`, { decision: 'approve' })).json().status).toBe('active');
  });

  it('lists the services the client may call under active agreements', async () => {
    const response = await send(mohw(), 'GET', url, undefined, { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      service: [
        {
          object_type: 'SERVICE',
          xroad_instance: 'KR',
          member_class: 'GOV',
          member_code: 'SCOURT',
          subsystem_code: 'family-relations',
          service_code: 'family.children',
          service_type: 'OPENAPI',
          endpoint_list: [{ method: 'GET', path: '/*' }],
        },
      ],
    });
    const other = await send(mohw(), 'GET', '/r1/KR/GOV/NTS/hometax/allowedMethods', undefined, { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' });
    expect(other.json()).toEqual({ service: [] });
    const moel = await send(clients['MOEL-0001']!, 'GET', url, undefined, { 'x-road-client': 'KR/GOV/MOEL/employment-insurance' });
    expect(moel.json()).toEqual({ service: [] });
  });

  it('names a malformed or missing X-Road-Client header', async () => {
    for (const header of ['KR/GOV/MOHW', 'KR/GOV/MOHW/welfare benefits', 'KR//MOHW/x/y']) {
      const problem = expectProblem(await send(mohw(), 'GET', url, undefined, { 'x-road-client': header }), 400, 'VALIDATION_FAILED');
      expect(problem.errors[0].field, header).toBe('/headers/x-road-client');
    }
    const missing = expectProblem(await send(mohw(), 'GET', url), 400, 'VALIDATION_FAILED');
    expect(missing.errors[0].field).toBe('/headers/x-road-client');
    const unknown = expectProblem(await send(mohw(), 'GET', url, undefined, { 'x-road-client': 'KR/GOV/MOHW/nothing' }), 400, 'VALIDATION_FAILED');
    expect(unknown.errors[0].field).toBe('/headers/x-road-client');
  });

  it('answers only the client\'s own agency, the operator and auditors', async () => {
    expectProblem(await send(clients['NTS-0001']!, 'GET', url, undefined, { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' }), 403, 'FORBIDDEN');
    expect(await auditOf(`agreements-api-${requestNo}`)).toEqual([expect.objectContaining({ action: 'agreements.allowed-methods', outcome: 'denied' })]);
    expectProblem(await send(clients.resident!, 'GET', url, undefined, { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' }), 403, 'FORBIDDEN');
    expectProblem(await send(new TestClient(platform.app), 'GET', url, undefined, { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' }), 401, 'UNAUTHENTICATED');
    expect((await send(auditor(), 'GET', url, undefined, { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' })).statusCode).toBe(200);
    expectProblem(await send(operator(), 'GET', '/r1/KR/GOV/SCOURT/nothing/allowedMethods', undefined, { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' }), 404, 'UNKNOWN_SUBSYSTEM');
  });
});

describe('OpenAPI', () => {
  it('documents every agreements route', async () => {
    const spec = (await send(auditor(), 'GET', '/openapi.json')).json();
    const operations = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/v1/agreements',
        'GET /api/v1/agreements',
        'GET /api/v1/agreements/{id}',
        'POST /api/v1/agreements/{id}/decisions',
        'POST /api/v1/agreements/{id}/suspension',
        'DELETE /api/v1/agreements/{id}/suspension',
        'GET /r1/{xRoadInstance}/{memberClass}/{memberCode}/{subsystemCode}/allowedMethods',
        'GET /console/agreements',
        'POST /console/agreements',
        'GET /console/agreements/{id}',
      ]),
    );
    expect(spec.paths['/api/v1/agreements'].post.responses['201']).toBeDefined();
    expect(spec.paths['/api/v1/agreements'].post.responses['403']).toBeDefined();
  });
});

describe('the console without JavaScript', () => {
  const html = { accept: 'text/html' };

  it('sends signed-out visitors to sign in and refuses residents', async () => {
    const anonymous = await new TestClient(platform.app).request({ url: '/console/agreements', headers: html });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/sign-in?returnTo=%2Fconsole%2Fagreements');
    const resident = await clients.resident!.request({ url: '/console/agreements', headers: html });
    expect(resident.statusCode).toBe(403);
    expect(resident.headers['content-type']).toContain('text/html');
  });

  it('tells an official whose agency consumes no data that it cannot request', async () => {
    const page = await clients['NTS-0001']!.request({ url: '/console/agreements?lang=en', headers: html });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your agency has no consuming subsystem in the directory.');
    expect(page.body).not.toContain('action="/console/agreements/new"');
    const operatorForm = await operator().request({ url: '/console/agreements/new?product=family.children', headers: html });
    expect(operatorForm.statusCode).toBe(403);
  });

  it('shows the console link to staff only', async () => {
    expect((await mohw().request({ url: '/?lang=en' })).body).toContain('href="/console/agreements"');
    expect((await auditor().request({ url: '/?lang=en' })).body).toContain('href="/console/agreements"');
    expect((await clients.resident!.request({ url: '/?lang=en' })).body).not.toContain('href="/console/agreements"');
  });

  it('requests an agreement from the form; invalid input comes back with an error summary', async () => {
    const form = await mohw().request({ url: '/console/agreements/new?product=family.children&lang=en', headers: html });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="fields" value="childCount"');
    expect(form.body).toContain('<option value="KR/GOV/MOHW/welfare-benefits"');
    expect(form.body).not.toContain('KR/GOV/MOEL/employment-insurance');

    const base = {
      _csrf: mohw().csrfToken!,
      productId: 'family.children',
      clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
      purposeCode: 'WELFARE-ELIGIBILITY',
      legalBasis: 'Child Allowance Act art. 9',
      validFrom: new Date().toISOString().slice(0, 10),
      duration: '12',
    };
    const invalid = await mohw().request({ method: 'POST', url: '/console/agreements?lang=en', headers: html, form: { ...base, purposeText: '' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('class="error-summary"');
    expect(invalid.body).toContain('href="#field-childCount"');
    expect(invalid.body).toContain('choose at least one field');
    expect(invalid.body).toContain('href="#purposeText"');
    expect(invalid.body).toContain('aria-invalid="true"');
    expect(invalid.body).toContain('Child Allowance Act art. 9');

    const payload = new URLSearchParams({ ...base, purposeText: 'Child allowance' });
    payload.append('fields', 'childCount');
    payload.append('fields', 'children');
    payload.append('consentRequired', 'yes');
    const created = await mohw().request({
      method: 'POST',
      url: '/console/agreements',
      headers: { ...html, 'content-type': 'application/x-www-form-urlencoded' },
      payload: payload.toString(),
    });
    expect(created.statusCode).toBe(303);
    const location = created.headers.location as string;
    expect(location).toMatch(/^\/console\/agreements\/AGR-\d{4}-\d{6}\?done=request$/);
    const id = location.split('/')[3]!.split('?')[0]!;
    const agreement = (await send(mohw(), 'GET', `/api/v1/agreements/${id}`)).json();
    expect(agreement).toMatchObject({ fields: ['childCount', 'children'], consentRequired: true, covert: false, status: 'requested' });
    const months = (new Date(agreement.validUntil).getTime() - new Date(agreement.validFrom).getTime()) / 86_400_000;
    expect(months).toBeGreaterThanOrEqual(365);
    expect(months).toBeLessThanOrEqual(366);

    // The holder rejects without a reason: the page says so, next to the reason field.
    const noReason = await scourt().request({ method: 'POST', url: `/console/agreements/${id}/decisions?lang=en`, headers: html, form: { _csrf: scourt().csrfToken!, decision: 'reject', reason: '' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#decision-reason"');
    const approve = await scourt().request({ method: 'POST', url: `/console/agreements/${id}/decisions`, headers: html, form: { _csrf: scourt().csrfToken!, decision: 'approve', reason: '' } });
    expect(approve.statusCode).toBe(303);
    expect(approve.headers.location).toBe(`/console/agreements/${id}?done=approve`);
    // Someone who may not decide gets the 403 page.
    const denied = await mohw().request({ method: 'POST', url: `/console/agreements/${id}/decisions`, headers: html, form: { _csrf: mohw().csrfToken!, decision: 'approve' } });
    expect(denied.statusCode).toBe(403);
  });
});
