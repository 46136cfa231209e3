// MyData consent over HTTP (inject): a resident grants a consent and gets a signed artefact that
// verifies with the served JWKS (and fails when tampered with); pause, resume, revoke and expiry
// switch the exchange off and on; an agreement that requires consent is served only with one (the
// use counted and named in the audit entry); the demo bank, with no agreement at all, reads under a
// consent (whole products) until it is revoked, and the refusal is in the resident's audit trail;
// a one-time consent is used up after one read; bad input names the field; nobody else sees or
// revokes my consent.
import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import type { Principal } from '../../core/auth';
import { AgreementsService, type AgreementContext } from '../agreements';
import type { RequestInput } from '../agreements/rules';
import { DirectoryService } from '../directory';
import { findDataProduct } from '../registry/data-products';
import { verifyConsentArtefact } from './service';
import { contextOf as contextFor, staff } from '../../../test/support/staff';

let platform: TestPlatform;
let agreements: AgreementsService;
let resident: TestClient;
let other: TestClient;
const secrets: Record<string, string> = {};

const ME = 6;
const SOMEONE_ELSE = 7;
const WELFARE = 'KR/GOV/MOHW/welfare-benefits';
const BANK = 'KR/COM/DEMOBANK/loans';
const BASIC = '/r1/KR/GOV/MOIS/resident-register/resident.basic';
const INCOME = '/r1/KR/GOV/NTS/hometax/tax.income-certificate';
const DISABILITY = '/r1/KR/GOV/MOHW/disability-register/disability.status';

const contextOf = (principal: Principal): AgreementContext => contextFor(principal, 'consent-setup');

async function activeAgreement(input: Partial<RequestInput> & Pick<RequestInput, 'clientSubsystem' | 'productId' | 'purposeCode' | 'fields'>) {
  const created = await agreements.request(contextOf(staff('official', 'MOHW', 'MOHW-0001')), {
    purposeText: `Test purpose for ${input.productId}`,
    legalBasis: 'Test Act art. 1',
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    consentRequired: false,
    ...input,
  });
  await agreements.decide(contextOf(staff('official', created.holderAgency, `${created.holderAgency}-0001`)), created.id, { decision: 'approve' });
  const active = await agreements.decide(contextOf(staff('operator', 'MOIS', 'MOIS-OPS-01')), created.id, { decision: 'approve' });
  expect(active.status).toBe('active');
  return active;
}

let messageNo = 0;
function exchange(path: string, options: { client: string; purpose: string; id?: string }): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = {
    'x-road-client': options.client,
    authorization: `Bearer ${secrets[options.client]}`,
    'x-road-purpose': options.purpose,
    'x-road-id': options.id ?? `consent-xroad-${(messageNo += 1)}`,
  };
  if (options.client.startsWith('KR/GOV/')) headers['x-road-userid'] = 'MOHW-0001';
  return platform.app.inject({ method: 'GET', url: path, headers });
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

function grantBody(overrides: Record<string, unknown> = {}) {
  return {
    recipient: BANK,
    purposeCode: 'LOAN-SCREENING',
    purposeText: 'Screening my housing loan application',
    dataTypes: ['resident.basic', 'tax.income-certificate'],
    consentExpiry: inDays(30),
    fetchType: 'PERIODIC',
    frequency: { unit: 'MONTH', value: 10 },
    dataLife: { unit: 'DAY', value: 30 },
    ...overrides,
  };
}

async function grant(client: TestClient, overrides: Record<string, unknown> = {}, requestId?: string) {
  const headers: Record<string, string> = { 'x-csrf-token': client.csrfToken! };
  if (requestId) headers['x-request-id'] = requestId;
  return client.request({ method: 'POST', url: '/api/v1/me/consents', json: grantBody(overrides), headers });
}

async function granted(overrides: Record<string, unknown> = {}) {
  const response = await grant(resident, overrides);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

function act(client: TestClient, id: string, action: 'pause' | 'resume' | 'revoke', requestId?: string) {
  const headers: Record<string, string> = { 'x-csrf-token': client.csrfToken! };
  if (requestId) headers['x-request-id'] = requestId;
  return client.request({ method: 'POST', url: `/api/v1/me/consents/${id}/${action}`, headers });
}

async function auditEntries(requestId: string) {
  await platform.audit.flush();
  const result = await platform.database.pool.query(
    `SELECT actor_id, actor_role, action, purpose, outcome, subject_resident_id, request_id, details FROM audit.entries WHERE request_id = $1 ORDER BY id`,
    [requestId],
  );
  return result.rows;
}

async function jwks(): Promise<JSONWebKeySet> {
  return (await platform.app.inject({ url: '/.well-known/jwks.json' })).json() as JSONWebKeySet;
}

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 40 });
  agreements = new AgreementsService(platform.database.pool, platform.audit, new DirectoryService(platform.database.pool));
  const operator = new TestClient(platform.app);
  expect((await operator.signIn({ staffId: 'MOIS-OPS-01' })).statusCode).toBe(303);
  for (const subsystemId of [WELFARE, BANK]) {
    const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId }, headers: { 'x-csrf-token': operator.csrfToken! } });
    expect(issued.statusCode, issued.body).toBe(201);
    secrets[subsystemId] = issued.json().secret;
  }
  resident = new TestClient(platform.app);
  expect((await resident.signIn({ residentId: ME })).statusCode).toBe(303);
  other = new TestClient(platform.app);
  expect((await other.signIn({ residentId: SOMEONE_ELSE })).statusCode).toBe(303);
});
afterAll(async () => {
  await platform?.close();
});

describe('granting a consent', () => {
  it('stores it, audits it and returns a signed artefact with the Account Aggregator fields that verifies with the JWKS', async () => {
    const response = await grant(resident, {}, 'consent-grant-1');
    expect(response.statusCode, response.body).toBe(201);
    const consent = response.json();
    expect(response.headers.location).toBe(`/api/v1/me/consents/${consent.id}`);
    expect(consent).toMatchObject({ state: 'ACTIVE', residentId: ME, recipient: BANK, useCount: 0, usedUp: false, recipientName: { en: 'Loan screening system' } });
    expect(consent.artefact).toMatchObject({
      consentId: consent.id,
      consentMode: 'STORE',
      fetchType: 'PERIODIC',
      frequency: { unit: 'MONTH', value: 10 },
      dataTypes: ['resident.basic', 'tax.income-certificate'],
      dataConsumer: { id: BANK, type: 'SUBSYSTEM' },
      customer: { id: String(ME) },
      purpose: { code: 'LOAN-SCREENING', text: 'Screening my housing loan application' },
      dataLife: { unit: 'DAY', value: 30 },
    });
    expect(Date.parse(consent.artefact.consentExpiry)).toBeGreaterThan(Date.parse(consent.artefact.consentStart));
    // The customer is the resident id only, never a resident registration number.
    expect(JSON.stringify(consent.artefact)).not.toMatch(/\d{6}-?\d{7}/);

    const keySet = await jwks();
    const { payload, protectedHeader } = await compactVerify(consent.signedConsent, createLocalJWKSet(keySet));
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: keySet.keys[0]!.kid });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(consent.artefact);
    const checked = await verifyConsentArtefact(consent.signedConsent, keySet);
    expect(checked).toMatchObject({ valid: true, artefact: consent.artefact });

    const [entry] = await auditEntries('consent-grant-1');
    expect(entry).toMatchObject({ action: 'consent.grant', outcome: 'allowed', subject_resident_id: ME, details: { consentId: consent.id, recipient: BANK } });

    const listed = (await resident.request({ url: '/api/v1/me/consents' })).json();
    expect(listed.items.map((c: { id: string }) => c.id)).toContain(consent.id);
  });

  it('the public verification endpoint verifies the stored artefact and reports the state; a tampered artefact fails', async () => {
    const consent = await granted();
    const verified = await platform.app.inject({ url: `/api/v1/consents/${consent.id}/verification` });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toMatchObject({ consentId: consent.id, signatureValid: true, state: 'ACTIVE', artefact: null, reason: null });

    const [header, payload, signature] = consent.signedConsent.split('.');
    const artefact = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...artefact, dataTypes: [...artefact.dataTypes, 'disability.status'] })).toString('base64url');
    const tampered = `${header}.${forged}.${signature}`;
    expect((await verifyConsentArtefact(tampered, await jwks())).valid).toBe(false);
    const refused = await platform.app.inject({ url: `/api/v1/consents/${consent.id}/verification?signedConsent=${encodeURIComponent(tampered)}` });
    expect(refused.json()).toMatchObject({ signatureValid: false, artefact: null });
    expect(refused.json().reason).toMatch(/signature/);
    const presented = await platform.app.inject({ url: `/api/v1/consents/${consent.id}/verification?signedConsent=${encodeURIComponent(consent.signedConsent)}` });
    expect(presented.json()).toMatchObject({ signatureValid: true, artefact: { consentId: consent.id } });

    expectProblem(await platform.app.inject({ url: '/api/v1/consents/CNS-00000000-0000-0000-0000-000000000000/verification' }), 404, 'NOT_FOUND');
    expectProblem(await platform.app.inject({ url: '/api/v1/consents/nonsense/verification' }), 400, 'VALIDATION_FAILED');
  });

  it('bad input → 400 naming each field', async () => {
    const fieldsOf = (response: LightMyRequestResponse) => expectProblem(response, 400, 'VALIDATION_FAILED').errors.map((e: { field: string }) => e.field);
    expect(fieldsOf(await grant(resident, { dataTypes: [] }))).toEqual(['/body/dataTypes']);
    expect(fieldsOf(await grant(resident, { recipient: 'KR/GOV/MOIS/resident-register' }))).toEqual(['/body/recipient']);
    expect(fieldsOf(await grant(resident, { dataTypes: ['business.registration'] }))).toEqual(['/body/dataTypes']);
    expect(fieldsOf(await grant(resident, { frequency: null }))).toEqual(['/body/frequency/unit', '/body/frequency/value']);
    expect(fieldsOf(await grant(resident, { consentExpiry: inDays(-1) }))).toEqual(['/body/consentExpiry']);
    expect(fieldsOf(await grant(resident, { purposeCode: 'LAW-ENFORCEMENT', dataLife: { unit: 'DAY', value: -1 } }))).toEqual(['/body/purposeCode', '/body/dataLife/value']);
    const missing = await resident.request({ method: 'POST', url: '/api/v1/me/consents', json: { ...grantBody(), consentExpiry: undefined }, headers: { 'x-csrf-token': resident.csrfToken! } });
    expect(fieldsOf(missing)).toContain('/body/consentExpiry');
  });

  it('only residents manage consents; signed-out callers are refused', async () => {
    const official = new TestClient(platform.app);
    await official.signIn({ staffId: 'MOHW-0001' });
    expectProblem(await official.request({ url: '/api/v1/me/consents' }), 403, 'FORBIDDEN');
    expectProblem(await platform.app.inject({ url: '/api/v1/me/consents' }), 401, 'UNAUTHENTICATED');
  });
});

describe('another resident', () => {
  it('can neither see nor revoke my consent (404), and both attempts are audited on my trail', async () => {
    const consent = await granted();
    const seen = await other.request({ url: `/api/v1/me/consents/${consent.id}`, headers: { 'x-request-id': 'consent-peek-1' } });
    expectProblem(seen, 404, 'NOT_FOUND');
    expectProblem(await act(other, consent.id, 'revoke', 'consent-steal-1'), 404, 'NOT_FOUND');
    expect(await auditEntries('consent-peek-1')).toEqual([expect.objectContaining({ action: 'consent.read', outcome: 'denied', subject_resident_id: ME })]);
    expect(await auditEntries('consent-steal-1')).toEqual([expect.objectContaining({ action: 'consent.revoke', outcome: 'denied', subject_resident_id: ME })]);
    expect((await other.request({ url: '/api/v1/me/consents' })).json().items).toEqual([]);
    expect((await resident.request({ url: `/api/v1/me/consents/${consent.id}` })).json().state).toBe('ACTIVE');
  });
});

describe('the MyData path: the demo bank without an agreement', () => {
  it('reads whole products under my consent, counted and audited with the consent; after revocation it is refused and I see the refusal', async () => {
    expectProblem(await exchange(`${BASIC}/${SOMEONE_ELSE}`, { client: BANK, purpose: 'LOAN-SCREENING' }), 403, 'AGREEMENT_MISSING');
    const consent = await granted();
    const response = await exchange(`${BASIC}/${ME}`, { client: BANK, purpose: 'LOAN-SCREENING', id: 'bank-read-1' });
    expect(response.statusCode, response.body).toBe(200);
    const allFields = findDataProduct('resident.basic')!.fields.map((f) => f.name);
    expect(Object.keys(response.json()).sort()).toEqual([...allFields].sort());
    expect(response.headers['x-road-signature']).toBeTruthy();
    const [entry] = await auditEntries('bank-read-1');
    expect(entry).toMatchObject({ action: 'exchange.read', outcome: 'allowed', subject_resident_id: ME, purpose: 'Screening my housing loan application' });
    expect(entry.details).toMatchObject({ consentId: consent.id, agreementId: null, productId: 'resident.basic', clientSubsystem: BANK, covert: false, denial: null });
    expect(entry.details.fields.sort()).toEqual([...allFields].sort());

    // Another product of the same consent, another purpose, another resident, a product not consented to.
    expect((await exchange(`${INCOME}/${ME}`, { client: BANK, purpose: 'LOAN-SCREENING' })).statusCode).toBe(200);
    expectProblem(await exchange(`${BASIC}/${ME}`, { client: BANK, purpose: 'CIVIL-PETITION' }), 403, 'CONSENT_REQUIRED');
    expectProblem(await exchange(`${BASIC}/${SOMEONE_ELSE}`, { client: BANK, purpose: 'LOAN-SCREENING' }), 403, 'AGREEMENT_MISSING');
    expectProblem(await exchange(`${DISABILITY}/${ME}`, { client: BANK, purpose: 'LOAN-SCREENING' }), 403, 'AGREEMENT_MISSING');

    const used = (await resident.request({ url: `/api/v1/me/consents/${consent.id}` })).json();
    expect(used.useCount).toBe(2);
    expect(used.lastUsedAt).not.toBeNull();

    const revoked = await act(resident, consent.id, 'revoke', 'consent-revoke-1');
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().state).toBe('REVOKED');
    expect(await auditEntries('consent-revoke-1')).toEqual([expect.objectContaining({ action: 'consent.revoke', outcome: 'allowed', subject_resident_id: ME })]);

    // Other consents granted by earlier tests to the bank are withdrawn too, so nothing else covers it.
    for (const c of (await resident.request({ url: '/api/v1/me/consents' })).json().items) {
      if (c.state === 'ACTIVE' || c.state === 'PAUSED') await act(resident, c.id, 'revoke');
    }
    const refused = await exchange(`${BASIC}/${ME}`, { client: BANK, purpose: 'LOAN-SCREENING', id: 'bank-after-revoke' });
    expectProblem(refused, 403, 'CONSENT_REQUIRED');
    expect(refused.headers['x-road-error']).toBe('Client.ConsentRequired');
    const [denied] = await auditEntries('bank-after-revoke');
    expect(denied).toMatchObject({ action: 'exchange.read', outcome: 'denied', subject_resident_id: ME });
    expect(denied.details).toMatchObject({ denial: 'Client.ConsentRequired', fields: [] });
    expect(denied.details).not.toHaveProperty('consentId');
    // …and the refusal is on my "who used my data" list.
    const usage = (await resident.request({ url: '/api/v1/me/data-usage?limit=100' })).json();
    expect(usage.items.some((u: { requestId: string | null; outcome: string }) => u.requestId === 'bank-after-revoke' && u.outcome === 'denied')).toBe(true);

    expectProblem(await act(resident, consent.id, 'revoke'), 409, 'CONFLICT');
    expectProblem(await act(resident, consent.id, 'resume'), 409, 'CONFLICT');
  });

  it('a one-time consent is used up after the first read', async () => {
    const consent = await granted({ dataTypes: ['disability.status'], fetchType: 'ONETIME', frequency: null });
    expect(consent.artefact).toMatchObject({ fetchType: 'ONETIME', frequency: null });
    expect((await exchange(`${DISABILITY}/${ME}`, { client: BANK, purpose: 'LOAN-SCREENING' })).statusCode).toBe(200);
    expectProblem(await exchange(`${DISABILITY}/${ME}`, { client: BANK, purpose: 'LOAN-SCREENING' }), 403, 'CONSENT_REQUIRED');
    expect((await resident.request({ url: `/api/v1/me/consents/${consent.id}` })).json()).toMatchObject({ state: 'ACTIVE', useCount: 1, usedUp: true });
  });

  it('a periodic consent allows at most its frequency per period', async () => {
    await granted({ dataTypes: ['family.children'], frequency: { unit: 'DAY', value: 2 } });
    const path = `/r1/KR/GOV/SCOURT/family-relations/family.children/${ME}`;
    expect((await exchange(path, { client: BANK, purpose: 'LOAN-SCREENING' })).statusCode).toBe(200);
    expect((await exchange(path, { client: BANK, purpose: 'LOAN-SCREENING' })).statusCode).toBe(200);
    expectProblem(await exchange(path, { client: BANK, purpose: 'LOAN-SCREENING' }), 403, 'CONSENT_REQUIRED');
  });
});

describe('an agreement that requires consent', () => {
  it('is served only with an active consent: use counted and named in the audit; pause, resume and expiry switch it', async () => {
    const agreement = await activeAgreement({ clientSubsystem: WELFARE, productId: 'resident.basic', purposeCode: 'WELFARE-ELIGIBILITY', fields: ['nameKo', 'birthDate'], consentRequired: true });
    const read = (id?: string) => exchange(`${BASIC}/${ME}`, { client: WELFARE, purpose: 'WELFARE-ELIGIBILITY', id });
    expectProblem(await read('welfare-no-consent'), 403, 'CONSENT_REQUIRED');
    const [noConsent] = await auditEntries('welfare-no-consent');
    expect(noConsent.details).toMatchObject({ agreementId: agreement.id, denial: 'Client.ConsentRequired' });
    expect(noConsent.details).not.toHaveProperty('consentId');

    const consent = await granted({ recipient: WELFARE, purposeCode: 'WELFARE-ELIGIBILITY', purposeText: 'My basic livelihood application', dataTypes: ['resident.basic'], consentExpiry: new Date(Date.now() + 4_000).toISOString() });
    const allowed = await read('welfare-with-consent');
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(Object.keys(allowed.json()).sort()).toEqual(['birthDate', 'nameKo']);
    const [entry] = await auditEntries('welfare-with-consent');
    expect(entry).toMatchObject({ outcome: 'allowed', purpose: `Test purpose for resident.basic` });
    expect(entry.details).toMatchObject({ agreementId: agreement.id, consentId: consent.id, fields: expect.arrayContaining(['nameKo', 'birthDate']) });
    expect((await resident.request({ url: `/api/v1/me/consents/${consent.id}` })).json().useCount).toBe(1);

    expect((await act(resident, consent.id, 'pause')).json().state).toBe('PAUSED');
    expectProblem(await read(), 403, 'CONSENT_REQUIRED');
    expect((await act(resident, consent.id, 'resume')).json().state).toBe('ACTIVE');
    expect((await read()).statusCode).toBe(200);

    await new Promise((done) => setTimeout(done, 4_200));
    expectProblem(await read('welfare-expired'), 403, 'CONSENT_REQUIRED');
    expect((await auditEntries('welfare-expired'))[0]).toMatchObject({ outcome: 'denied', subject_resident_id: ME });
    expect((await resident.request({ url: `/api/v1/me/consents/${consent.id}` })).json()).toMatchObject({ state: 'EXPIRED', useCount: 2 });
    expect((await platform.app.inject({ url: `/api/v1/consents/${consent.id}/verification` })).json()).toMatchObject({ signatureValid: true, state: 'EXPIRED' });
    expectProblem(await act(resident, consent.id, 'pause'), 409, 'CONFLICT');
  });
});
