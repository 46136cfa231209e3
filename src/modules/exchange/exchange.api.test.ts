// The once-only exchange over HTTP (inject): credentials, every refusal with its X-Road-Error and
// audit entry, minimisation to the agreement's fields, signatures verifiable with the served JWKS
// (and failing when body, request hash or signature is tampered with), public statistics.
import { createLocalJWKSet, flattenedVerify, type JSONWebKeySet } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import type { Principal } from '../../core/auth';
import { AgreementsService, type AgreementContext } from '../agreements';
import type { RequestInput } from '../agreements/rules';
import { DirectoryService } from '../directory';
import { requestHash, signedPayload } from './protocol';
import { currentMonth } from './service';
import { contextOf as contextFor, staff } from '../../../test/support/staff';

let platform: TestPlatform;
let agreements: AgreementsService;
let operator: TestClient;
const secrets: Record<string, string> = {};

const WELFARE = 'KR/GOV/MOHW/welfare-benefits';
const EMPLOYMENT = 'KR/GOV/MOEL/employment-insurance';
const BANK = 'KR/COM/DEMOBANK/loans';
const BASIC = '/r1/KR/GOV/MOIS/resident-register/resident.basic';
const CHILDREN = '/r1/KR/GOV/SCOURT/family-relations/family.children';

const contextOf = (principal: Principal): AgreementContext => contextFor(principal, 'exchange-setup');
const OPERATOR = staff('operator', 'MOIS', 'MOIS-OPS-01');
const HOLDERS: Record<string, Principal> = { MOIS: staff('official', 'MOIS', 'MOIS-0001'), SCOURT: staff('official', 'SCOURT', 'SCOURT-0001') };
const CLIENTS: Record<string, Principal> = {
  MOHW: staff('official', 'MOHW', 'MOHW-0001'),
  MOEL: staff('official', 'MOEL', 'MOEL-0001'),
  DEMOBANK: staff('official', 'DEMOBANK', 'DEMOBANK-0001'),
};

/** An agreement through the real workflow: the client's request, the holder's and the operator's approvals. */
async function activeAgreement(input: Partial<RequestInput> & Pick<RequestInput, 'clientSubsystem' | 'productId' | 'purposeCode' | 'fields'>) {
  const clientAgency = input.clientSubsystem.split('/')[2]!;
  const request: RequestInput = {
    purposeText: `Test purpose for ${input.productId}`,
    legalBasis: 'Test Act art. 1',
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    consentRequired: false,
    ...input,
  };
  const created = await agreements.request(contextOf(CLIENTS[clientAgency]!), request);
  await agreements.decide(contextOf(HOLDERS[created.holderAgency]!), created.id, { decision: 'approve' });
  const active = await agreements.decide(contextOf(OPERATOR), created.id, { decision: 'approve' });
  expect(active.status).toBe('active');
  return active;
}

let messageNo = 0;
function exchange(
  path: string,
  options: { client?: string; secret?: string | null; purpose?: string | null; userId?: string | null; issue?: string; id?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const client = options.client ?? WELFARE;
  const headers: Record<string, string> = { 'x-road-client': client, 'accept-language': 'en' };
  const secret = options.secret === undefined ? secrets[client] : options.secret;
  if (secret) headers.authorization = `Bearer ${secret}`;
  if (options.purpose !== null) headers['x-road-purpose'] = options.purpose ?? 'WELFARE-ELIGIBILITY';
  if (options.userId !== null) headers['x-road-userid'] = options.userId ?? 'MOHW-0001';
  if (options.issue) headers['x-road-issue'] = options.issue;
  headers['x-road-id'] = options.id ?? `exchange-test-${(messageNo += 1)}`;
  return platform.app.inject({ method: 'GET', url: path, headers: { ...headers, ...options.headers } });
}

async function auditEntries(requestId: string) {
  await platform.audit.flush();
  const result = await platform.database.pool.query(
    `SELECT actor_id, actor_role, actor_org, action, purpose, resource, outcome, subject_resident_id, request_id, details
       FROM audit.entries WHERE request_id = $1 ORDER BY id`,
    [requestId],
  );
  return result.rows;
}

function expectDenied(response: LightMyRequestResponse, status: number, code: string, xroad: string) {
  const problem = expectProblem(response, status, code);
  expect(response.headers['x-road-error']).toBe(xroad);
  return problem;
}

let agreementAB: string;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 40 });
  agreements = new AgreementsService(platform.database.pool, platform.audit, new DirectoryService(platform.database.pool));
  operator = new TestClient(platform.app);
  expect((await operator.signIn({ staffId: 'MOIS-OPS-01' })).statusCode).toBe(303);
  for (const subsystemId of [WELFARE, EMPLOYMENT, BANK]) {
    const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId }, headers: { 'x-csrf-token': operator.csrfToken! } });
    expect(issued.statusCode, issued.body).toBe(201);
    secrets[subsystemId] = issued.json().secret;
  }
  agreementAB = (await activeAgreement({ clientSubsystem: WELFARE, productId: 'resident.basic', purposeCode: 'WELFARE-ELIGIBILITY', fields: ['birthDate', 'nameKo'] })).id;
});
afterAll(async () => {
  await platform?.close();
});

describe('client credentials', () => {
  it('are issued by the operator only, audited, the secret shown once and stored only as a hash', async () => {
    const official = new TestClient(platform.app);
    await official.signIn({ staffId: 'MOHW-0001' });
    const refused = await official.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: WELFARE }, headers: { 'x-csrf-token': official.csrfToken!, 'x-request-id': 'cred-refused-1' } });
    expectProblem(refused, 403, 'FORBIDDEN');
    expect(await auditEntries('cred-refused-1')).toEqual([expect.objectContaining({ action: 'exchange.credentials.issue', outcome: 'denied', actor_id: 'staff-MOHW-0001' })]);
    const anonymous = await platform.app.inject({ method: 'POST', url: '/api/v1/exchange/credentials', payload: { subsystemId: WELFARE } });
    expect(anonymous.statusCode).toBeGreaterThanOrEqual(401);
    expect(anonymous.statusCode).toBeLessThan(404);

    const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: BANK }, headers: { 'x-csrf-token': operator.csrfToken!, 'x-request-id': 'cred-issued-1' } });
    expect(issued.statusCode).toBe(201);
    const body = issued.json();
    expect(body).toMatchObject({ subsystemId: BANK, id: expect.stringMatching(/^CRED-/) });
    expect(await auditEntries('cred-issued-1')).toEqual([expect.objectContaining({ action: 'exchange.credentials.issue', outcome: 'allowed', actor_role: 'operator', resource: `exchange/credentials/${body.id}` })]);
    const stored = await platform.database.pool.query('SELECT * FROM exchange.client_credentials WHERE id = $1', [body.id]);
    expect(JSON.stringify(stored.rows)).not.toContain(body.secret);

    expectProblem(await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: 'KR/GOV/NOPE/x' }, headers: { 'x-csrf-token': operator.csrfToken! } }), 404, 'UNKNOWN_SUBSYSTEM');
    expectProblem(await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: 'KR/GOV/MOIS/resident-register' }, headers: { 'x-csrf-token': operator.csrfToken! } }), 400, 'VALIDATION_FAILED');
  });

  it('a missing, unknown or another subsystem\'s credential is refused (401, audited)', async () => {
    expectDenied(await exchange(`${BASIC}/1`, { secret: null, id: 'no-cred-1' }), 401, 'CLIENT_CREDENTIAL_INVALID', 'Client.AuthenticationFailed');
    expectDenied(await exchange(`${BASIC}/1`, { secret: 'ogx_not-a-real-secret-at-all-000000000' }), 401, 'CLIENT_CREDENTIAL_INVALID', 'Client.AuthenticationFailed');
    const other = await exchange(`${BASIC}/1`, { secret: secrets[BANK] });
    expectDenied(other, 401, 'CLIENT_CREDENTIAL_INVALID', 'Client.AuthenticationFailed');
    expect(other.headers['www-authenticate']).toContain('Bearer');
    const [entry] = await auditEntries('no-cred-1');
    expect(entry).toMatchObject({ action: 'exchange.read', outcome: 'denied', actor_id: WELFARE, actor_role: 'system', actor_org: 'MOHW' });
    expect(entry.details).toMatchObject({ denial: 'Client.AuthenticationFailed', agreementId: null, fields: [] });
  });
});

describe('revoking credentials and throttling wrong ones', () => {
  it('the operator lists credentials without secrets and revokes one with a reason; its next request is refused', async () => {
    const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: WELFARE }, headers: { 'x-csrf-token': operator.csrfToken! } });
    const { id, secret } = issued.json();
    expect((await exchange(`${BASIC}/2`, { secret })).statusCode).toBe(200);

    const listed = await operator.request({ method: 'GET', url: '/api/v1/exchange/credentials' });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toContainEqual(expect.objectContaining({ id, subsystemId: WELFARE, revokedAt: null }));
    expect(listed.body).not.toContain(secret);

    const official = new TestClient(platform.app);
    await official.signIn({ staffId: 'MOHW-0001' });
    expectProblem(await official.request({ method: 'GET', url: '/api/v1/exchange/credentials' }), 403, 'FORBIDDEN');
    const refused = await official.request({ method: 'POST', url: `/api/v1/exchange/credentials/${id}/revoke`, json: { reason: 'mine' }, headers: { 'x-csrf-token': official.csrfToken!, 'x-request-id': 'revoke-refused-1' } });
    expectProblem(refused, 403, 'FORBIDDEN');
    expect(await auditEntries('revoke-refused-1')).toEqual([expect.objectContaining({ action: 'exchange.credentials.revoke', outcome: 'denied' })]);
    expectProblem(await operator.request({ method: 'POST', url: `/api/v1/exchange/credentials/${id}/revoke`, json: { reason: '  ' }, headers: { 'x-csrf-token': operator.csrfToken! } }), 400, 'VALIDATION_FAILED');
    expectProblem(await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials/CRED-nope/revoke', json: { reason: 'lost' }, headers: { 'x-csrf-token': operator.csrfToken! } }), 404, 'NOT_FOUND');

    const revoked = await operator.request({ method: 'POST', url: `/api/v1/exchange/credentials/${id}/revoke`, json: { reason: 'Laptop lost' }, headers: { 'x-csrf-token': operator.csrfToken!, 'x-request-id': 'revoke-1' } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ id, revokedBy: 'staff-MOIS-OPS-01', revocationReason: 'Laptop lost', revokedAt: expect.any(String) });
    expect(await auditEntries('revoke-1')).toEqual([expect.objectContaining({ action: 'exchange.credentials.revoke', outcome: 'allowed', resource: `exchange/credentials/${id}` })]);
    expectDenied(await exchange(`${BASIC}/2`, { secret }), 401, 'CLIENT_CREDENTIAL_INVALID', 'Client.AuthenticationFailed');
    expect((await exchange(`${BASIC}/2`)).statusCode).toBe(200); // the subsystem's other credential still works
    expectProblem(await operator.request({ method: 'POST', url: `/api/v1/exchange/credentials/${id}/revoke`, json: { reason: 'again' }, headers: { 'x-csrf-token': operator.csrfToken! } }), 409, 'CONFLICT');
  });

  it('a credential revoked straight in the database is refused on the next request too', async () => {
    const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: WELFARE }, headers: { 'x-csrf-token': operator.csrfToken! } });
    const { id, secret } = issued.json();
    expect((await exchange(`${BASIC}/3`, { secret })).statusCode).toBe(200);
    await platform.database.pool.query(`UPDATE exchange.client_credentials SET revoked_at = now(), revoked_by = 'dba', revocation_reason = 'by hand' WHERE id = $1`, [id]);
    expectDenied(await exchange(`${BASIC}/3`, { secret }), 401, 'CLIENT_CREDENTIAL_INVALID', 'Client.AuthenticationFailed');
  });

  it('after 20 wrong credentials from one address within a minute, that address is refused (429, Retry-After) and the block audited once', async () => {
    const from = (remoteAddress: string, options: { secret?: string } = {}) =>
      platform.app.inject({
        method: 'GET',
        url: `${BASIC}/4`,
        remoteAddress,
        headers: { 'x-road-client': WELFARE, authorization: `Bearer ${options.secret ?? secrets[WELFARE]}`, 'x-road-purpose': 'WELFARE-ELIGIBILITY', 'x-road-userid': 'MOHW-0001', 'x-road-id': `throttle-${(messageNo += 1)}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await from('10.20.30.40', { secret: `ogx_guess-${i}` })).statusCode);
    expect(statuses).toEqual(Array(20).fill(401));
    const blocked = await from('10.20.30.40', { secret: 'ogx_guess-21' });
    expectDenied(blocked, 429, 'TOO_MANY_REQUESTS', 'Client.TooManyFailures');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expectDenied(await from('10.20.30.40'), 429, 'TOO_MANY_REQUESTS', 'Client.TooManyFailures'); // even with the right credential
    expect((await from('10.20.30.41')).statusCode).toBe(200); // another address is not affected
    await platform.audit.flush();
    const throttled = await platform.database.pool.query(`SELECT details FROM audit.entries WHERE action = 'exchange.throttled' AND details->>'source' = '10.20.30.40'`);
    expect(throttled.rows).toHaveLength(1);
  });
});

describe('reads by the platform\'s own modules', () => {
  it('go through the same agreement check, minimisation and audit, without a bearer credential', async () => {
    const read = await platform.exchange.readForPlatform({ client: WELFARE, productId: 'resident.basic', subjectId: 6, purposeCode: 'WELFARE-ELIGIBILITY', userId: 'gov24', messageId: 'in-process-1' });
    expect(Object.keys(read.data).sort()).toEqual(['birthDate', 'nameKo']);
    const [entry] = await auditEntries('in-process-1');
    expect(entry).toMatchObject({ action: 'exchange.read', outcome: 'allowed', subject_resident_id: 6, actor_id: WELFARE });
    await expect(platform.exchange.readForPlatform({ client: EMPLOYMENT, productId: 'resident.basic', subjectId: 6, purposeCode: 'EMPLOYMENT-INSURANCE', userId: 'x' })).rejects.toMatchObject({ code: 'AGREEMENT_MISSING' });
    await expect(platform.exchange.readForPlatform({ client: WELFARE, productId: 'no.such', subjectId: 6, purposeCode: 'WELFARE-ELIGIBILITY', userId: 'x' })).rejects.toMatchObject({ code: 'UNKNOWN_SERVICE' });
  });
});

describe('concurrent requests', () => {
  it('each get their own answer and audit entry when served together', async () => {
    const KINDS = ['allowed', 'unknown-subject', 'no-agreement', 'wrong-credential'] as const;
    const kinds = Array.from({ length: 48 }, (_, i) => KINDS[i % 4]!);
    const responses = await Promise.all(
      kinds.map((kind, i) => {
        const id = `concurrent-${i}`;
        if (kind === 'allowed') return exchange(`${BASIC}/${1 + (i % 40)}`, { id });
        if (kind === 'unknown-subject') return exchange(`${BASIC}/999999`, { id });
        if (kind === 'no-agreement') return exchange(`${BASIC}/5`, { id, client: EMPLOYMENT, purpose: 'EMPLOYMENT-INSURANCE', userId: 'MOEL-0001' });
        return exchange(`${BASIC}/5`, { id, secret: 'ogx_wrong-secret-for-the-concurrency-test' });
      }),
    );
    const expected = { allowed: 200, 'unknown-subject': 404, 'no-agreement': 403, 'wrong-credential': 401 };
    expect(responses.map((r) => r.statusCode)).toEqual(kinds.map((k) => expected[k]));
    responses.forEach((response, i) => {
      if (kinds[i] === 'allowed') expect(Object.keys(response.json()).sort()).toEqual(['birthDate', 'nameKo']);
      expect(response.headers['x-road-id']).toBe(`concurrent-${i}`);
    });
    await platform.audit.flush();
    const audited = await platform.database.pool.query<{ request_id: string; outcome: string }>(
      `SELECT request_id, outcome FROM audit.entries WHERE action = 'exchange.read' AND request_id LIKE 'concurrent-%'`,
    );
    expect(audited.rows).toHaveLength(48);
    for (const row of audited.rows) expect(row.outcome).toBe(kinds[Number(row.request_id.split('-')[1])] === 'allowed' ? 'allowed' : 'denied');
  });
});

describe('serving data under an agreement', () => {
  it('answers exactly the agreement\'s fields, signed, and audits it in the tracker\'s format', async () => {
    const response = await exchange(`${BASIC}/7`, { id: 'allowed-1', issue: 'CASE-2026-0042', userId: 'MOHW-0001' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['birthDate', 'nameKo']);
    expect(response.headers['x-road-id']).toBe('allowed-1');
    expect(response.headers['x-road-request-hash']).toBe(
      requestHash({ method: 'GET', path: `${BASIC}/7`, client: WELFARE, purposeCode: 'WELFARE-ELIGIBILITY', userId: 'MOHW-0001', issue: 'CASE-2026-0042', messageId: 'allowed-1' }),
    );

    const entries = await auditEntries('allowed-1');
    expect(entries).toEqual([
      {
        actor_id: WELFARE,
        actor_role: 'system',
        actor_org: 'MOHW',
        action: 'exchange.read',
        purpose: 'Test purpose for resident.basic',
        resource: 'exchange/resident.basic',
        outcome: 'allowed',
        subject_resident_id: 7,
        request_id: 'allowed-1',
        details: {
          agreementId: agreementAB,
          productId: 'resident.basic',
          clientSubsystem: WELFARE,
          providerSubsystem: 'KR/GOV/MOIS/resident-register',
          purposeCode: 'WELFARE-ELIGIBILITY',
          fields: ['nameKo', 'birthDate'],
          covert: false,
          userId: 'MOHW-0001',
          issue: 'CASE-2026-0042',
          denial: null,
        },
      },
    ]);
  });

  it('generates an X-Road-Id when absent and accepts the purpose as a query parameter', async () => {
    const response = await platform.app.inject({
      method: 'GET',
      url: `${BASIC}/8?purpose=WELFARE-ELIGIBILITY`,
      headers: { 'x-road-client': WELFARE, authorization: `Bearer ${secrets[WELFARE]}`, 'x-road-userid': 'MOHW-0001' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-road-id']).toMatch(/^[0-9a-f-]{36}$/);
    const conflicting = await exchange(`${BASIC}/8?purpose=TAX-ASSESSMENT`);
    expectDenied(conflicting, 400, 'VALIDATION_FAILED', 'Client.BadRequest');
  });

  it('no agreement (or one for another purpose) → denied and audited', async () => {
    expectDenied(await exchange(`${CHILDREN}/7`, { id: 'no-agreement-1' }), 403, 'AGREEMENT_MISSING', 'Client.AgreementMissing');
    const [entry] = await auditEntries('no-agreement-1');
    expect(entry).toMatchObject({ outcome: 'denied', purpose: 'WELFARE-ELIGIBILITY', resource: 'exchange/family.children', subject_resident_id: 7 });
    expect(entry.details).toEqual({
      agreementId: null,
      productId: 'family.children',
      clientSubsystem: WELFARE,
      providerSubsystem: 'KR/GOV/SCOURT/family-relations',
      purposeCode: 'WELFARE-ELIGIBILITY',
      fields: [],
      covert: false,
      userId: 'MOHW-0001',
      issue: null,
      denial: 'Client.AgreementMissing',
    });
    expectDenied(await exchange(`${BASIC}/7`, { purpose: 'TAX-ASSESSMENT' }), 403, 'AGREEMENT_MISSING', 'Client.AgreementMissing');
  });

  it('a suspended agreement → denied', async () => {
    const agreement = await activeAgreement({ clientSubsystem: BANK, productId: 'resident.basic', purposeCode: 'LOAN-SCREENING', fields: ['nameKo'] });
    const bank = { client: BANK, purpose: 'LOAN-SCREENING', userId: null } as const;
    expect((await exchange(`${BASIC}/3`, bank)).statusCode).toBe(200);
    await agreements.suspend(contextOf(OPERATOR), agreement.id, 'Checking volumes');
    expectDenied(await exchange(`${BASIC}/3`, { ...bank, id: 'suspended-1' }), 403, 'AGREEMENT_MISSING', 'Client.AgreementMissing');
    expect((await auditEntries('suspended-1'))[0]).toMatchObject({ outcome: 'denied', actor_id: BANK, actor_org: 'DEMOBANK' });
  });

  it('an expired agreement → denied', async () => {
    await activeAgreement({
      clientSubsystem: WELFARE,
      productId: 'family.children',
      purposeCode: 'CIVIL-PETITION',
      fields: ['childCount'],
      validUntil: new Date(Date.now() + 2_500).toISOString(),
    });
    const petition = { purpose: 'CIVIL-PETITION' } as const;
    expect((await exchange(`${CHILDREN}/5`, petition)).statusCode).toBe(200);
    await new Promise((done) => setTimeout(done, 2_600));
    expectDenied(await exchange(`${CHILDREN}/5`, { ...petition, id: 'expired-1' }), 403, 'AGREEMENT_MISSING', 'Client.AgreementMissing');
    expect((await auditEntries('expired-1'))[0]).toMatchObject({ outcome: 'denied', resource: 'exchange/family.children' });
  });

  it('an agreement that needs consent, without the resident\'s consent → CONSENT_REQUIRED, audited with the agreement', async () => {
    const agreement = await activeAgreement({ clientSubsystem: EMPLOYMENT, productId: 'resident.basic', purposeCode: 'EMPLOYMENT-INSURANCE', fields: ['nameKo'], consentRequired: true });
    const response = await exchange(`${BASIC}/4`, { client: EMPLOYMENT, purpose: 'EMPLOYMENT-INSURANCE', userId: 'MOEL-0001', id: 'consent-1' });
    expectDenied(response, 403, 'CONSENT_REQUIRED', 'Client.ConsentRequired');
    expect(response.headers['x-road-id']).toBe('consent-1');
    const [entry] = await auditEntries('consent-1');
    expect(entry).toMatchObject({ outcome: 'denied', purpose: 'EMPLOYMENT-INSURANCE', actor_org: 'MOEL' });
    expect(entry.details).toMatchObject({ agreementId: agreement.id, fields: [], denial: 'Client.ConsentRequired' });
  });

  it('an unknown subject → 404 SUBJECT_NOT_FOUND, audited', async () => {
    expectDenied(await exchange(`${BASIC}/999999`, { id: 'no-subject-1' }), 404, 'SUBJECT_NOT_FOUND', 'Server.SubjectUnknown');
    expect((await auditEntries('no-subject-1'))[0]).toMatchObject({ outcome: 'denied', subject_resident_id: 999999 });
    expectDenied(await exchange(`${BASIC}/abc`), 400, 'VALIDATION_FAILED', 'Client.BadRequest');
  });
});

describe('signatures', () => {
  async function verifier() {
    const jwks = (await platform.app.inject({ url: '/.well-known/jwks.json' })).json() as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const keySet = createLocalJWKSet(jwks);
    return (signature: string, hash: string, body: Buffer) => {
      const [protectedHeader, empty, sig] = signature.split('.');
      expect(empty).toBe('');
      return flattenedVerify({ protected: protectedHeader!, payload: signedPayload(hash, body), signature: sig! }, keySet);
    };
  }

  it('verify against the served JWKS; a tampered body, request hash or signature does not', async () => {
    const verify = await verifier();
    const response = await exchange(`${BASIC}/9`);
    expect(response.statusCode).toBe(200);
    const signature = String(response.headers['x-road-signature']);
    const hash = String(response.headers['x-road-request-hash']);
    const body = response.rawPayload;
    const verified = await verify(signature, hash, body);
    expect(verified.protectedHeader).toMatchObject({ alg: 'EdDSA', b64: false, crit: ['b64'] });

    const tamperedBody = Buffer.from(body.toString('utf8').replace(/"nameKo":"[^"]*"/, '"nameKo":"홍길동"'));
    expect(tamperedBody.equals(body)).toBe(false);
    await expect(verify(signature, hash, tamperedBody)).rejects.toThrow();
    const otherHash = requestHash({ method: 'GET', path: `${BASIC}/10`, client: WELFARE, purposeCode: 'WELFARE-ELIGIBILITY', userId: 'MOHW-0001', issue: null, messageId: String(response.headers['x-road-id']) });
    await expect(verify(signature, otherHash, body)).rejects.toThrow();
    const sig = signature.split('.')[2]!;
    const flipped = `${signature.slice(0, -sig.length)}${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    await expect(verify(flipped, hash, body)).rejects.toThrow();
  });

  it('the platform key survives a restart (same kid from the database)', async () => {
    const { PlatformKeys } = await import('../../core/keys');
    const again = await PlatformKeys.load(platform.database.pool);
    const served = (await platform.app.inject({ url: '/.well-known/jwks.json' })).json();
    expect(again.kid).toBe(served.keys[0].kid);
  });
});

describe('bad input → clear 4xx with X-Road-Error, never 5xx', () => {
  it('unknown provider or service', async () => {
    // Decided from the path alone (the directory is public), before headers: no such route.
    expectDenied(await exchange('/r1/KR/GOV/NOPE/nothing/resident.basic/1'), 404, 'ROUTE_NOT_FOUND', 'Server.ServiceUnknown');
    expectDenied(await exchange('/r1/KR/GOV/MOIS/resident-register/no.such.service/1'), 404, 'ROUTE_NOT_FOUND', 'Server.ServiceUnknown');
    expectDenied(await exchange('/r1/KR/GOV/SCOURT/family-relations/resident.basic/1'), 404, 'ROUTE_NOT_FOUND', 'Server.ServiceUnknown');
    const bare = await platform.app.inject({ url: '/r1/KR/GOV/MOIS/a/b/listMethods' });
    expectDenied(bare, 404, 'ROUTE_NOT_FOUND', 'Server.ServiceUnknown');
  });

  it('malformed or missing X-Road headers', async () => {
    for (const client of ['KR/GOV/MOHW', 'KR/GOV/MOHW/welfare-benefits/extra', 'KR//MOHW/x', ' KR/GOV/MOHW/welfare-benefits', "KR/GOV/MOHW/x'--"]) {
      expectDenied(await exchange(`${BASIC}/1`, { client }), 400, 'VALIDATION_FAILED', 'Client.BadHeader');
    }
    const missing = await platform.app.inject({ url: `${BASIC}/1`, headers: { 'x-road-purpose': 'WELFARE-ELIGIBILITY' } });
    expectDenied(missing, 400, 'VALIDATION_FAILED', 'Client.BadHeader');
    expectDenied(await exchange(`${BASIC}/1`, { purpose: null }), 400, 'VALIDATION_FAILED', 'Client.PurposeMissing');
    expectDenied(await exchange(`${BASIC}/1`, { userId: null }), 400, 'VALIDATION_FAILED', 'Client.UserIdMissing');
    expectDenied(await exchange(`${BASIC}/1`, { purpose: 'welfare; DROP TABLE x' }), 400, 'VALIDATION_FAILED', 'Client.BadRequest');
    expectDenied(await exchange(`${BASIC}/1`, { id: 'bad id with spaces' }), 400, 'VALIDATION_FAILED', 'Client.BadHeader');
    expectDenied(await exchange(`${BASIC}/1`, { issue: 'line\u0001break' }), 400, 'VALIDATION_FAILED', 'Client.BadHeader');
  });

  it('injection attempts in path and query', async () => {
    const paths = [
      `${BASIC}/1%20OR%201=1`,
      `${BASIC}/1'%3B--`,
      `/r1/KR/GOV/MOIS/resident-register/resident.basic'%20OR%20'1'='1/1`,
      `/r1/KR/GOV/MOIS/..%2F..%2Fetc/resident.basic/1`,
      `/r1/KR/GOV/MOIS/%3Cscript%3E/resident.basic/1`,
      `${BASIC}/1?purpose=WELFARE-ELIGIBILITY'%20OR%201=1`,
      `${BASIC}/1?purpose[$ne]=x`,
      `${BASIC}/1?purpose=WELFARE-ELIGIBILITY&purpose=TAX-ASSESSMENT`,
    ];
    for (const url of paths) {
      const response = await exchange(url, { purpose: null });
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, url).toBeLessThan(500);
      expect(String(response.headers['content-type']), url).toContain('application/problem+json');
    }
  });

  it('oversize headers', async () => {
    const big = 'A'.repeat(20_000);
    expectDenied(await exchange(`${BASIC}/1`, { client: `KR/GOV/MOHW/${big}` }), 400, 'VALIDATION_FAILED', 'Client.BadHeader');
    expectDenied(await exchange(`${BASIC}/1`, { issue: big }), 400, 'VALIDATION_FAILED', 'Client.BadHeader');
    expectDenied(await exchange(`${BASIC}/1`, { id: big }), 400, 'VALIDATION_FAILED', 'Client.BadHeader');
    expectDenied(await exchange(`${BASIC}/1`, { headers: { authorization: `Bearer ${big}` } }), 401, 'CLIENT_CREDENTIAL_INVALID', 'Client.AuthenticationFailed');
  });
});

describe('monthly statistics', () => {
  it('are public, count allowed and denied per client and product, and hold no personal data', async () => {
    const response = await platform.app.inject({ url: '/api/v1/exchange/statistics' });
    expect(response.statusCode).toBe(200);
    const stats = response.json();
    expect(stats.month).toBe(currentMonth());
    const row = stats.rows.find((r: { clientSubsystem: string; productId: string }) => r.clientSubsystem === WELFARE && r.productId === 'resident.basic');
    expect(row).toMatchObject({ clientAgency: 'MOHW' });
    expect(row.allowed).toBeGreaterThanOrEqual(3);
    expect(row.denied).toBeGreaterThanOrEqual(1);
    expect(Object.keys(row).sort()).toEqual(['allowed', 'clientAgency', 'clientSubsystem', 'denied', 'productId']);
    expect((await platform.app.inject({ url: '/api/v1/exchange/statistics?month=2000-01' })).json()).toEqual({ month: '2000-01', rows: [] });
    expectProblem(await platform.app.inject({ url: '/api/v1/exchange/statistics?month=2026-13' }), 400, 'VALIDATION_FAILED');
  });

  it('the OpenAPI document lists the exchange routes', async () => {
    const doc = (await platform.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/r1/{xRoadInstance}/{memberClass}/{memberCode}/{subsystemCode}/{serviceCode}/{subjectId}', '/.well-known/jwks.json', '/api/v1/exchange/statistics']));
  });
});
