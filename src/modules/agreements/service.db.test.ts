// The agreement workflow against a real Postgres: both decisions in either order, rejection,
// suspension, expiry, findActiveAgreement and allowedMethods, every permission rule (refusals audited
// as denied), validation, and the history and audit entries each change writes in its transaction.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import { AppError } from '../../core/errors';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import type { Subsystem, SubsystemDirectory } from './ports';
import type { RequestInput } from './rules';
import { AgreementsService, type AgreementContext } from './service';

function subsystem(id: string, role: Subsystem['role']): Subsystem {
  const [instance, memberClass, memberCode, subsystemCode] = id.split('/') as [string, string, string, string];
  return { id, instance, memberClass, memberCode, subsystemCode, name: { ko: subsystemCode, en: subsystemCode }, role };
}

/** A directory with the subsystems these tests need (the real one is the directory module's). */
const SUBSYSTEMS = [
  subsystem('KR/GOV/MOIS/resident-register', 'provider'),
  subsystem('KR/GOV/SCOURT/family-relations', 'provider'),
  subsystem('KR/GOV/NTS/hometax', 'provider'),
  subsystem('KR/GOV/MOHW/welfare-benefits', 'consumer'),
  subsystem('KR/GOV/MOHW/disability-register', 'provider'),
  subsystem('KR/GOV/MOEL/employment-insurance', 'consumer'),
];
const directory: SubsystemDirectory = {
  listSubsystems: async () => SUBSYSTEMS,
  findSubsystem: async (id) => SUBSYSTEMS.find((s) => s.id === id),
};

const staff = (staffId: string, role: Principal['role'], agencyCode: string): Principal => ({
  accountId: `staff-${staffId}`,
  sessionId: 'test',
  role,
  residentId: null,
  agencyCode,
  displayName: { ko: staffId, en: staffId },
});
const MOHW = staff('MOHW-0001', 'official', 'MOHW');
const SCOURT = staff('SCOURT-0001', 'official', 'SCOURT');
const NTS = staff('NTS-0001', 'official', 'NTS');
const MOEL = staff('MOEL-0001', 'official', 'MOEL');
const OPERATOR = staff('MOIS-OPS-01', 'operator', 'MOIS');
const AUDITOR = staff('BAI-AUD-01', 'auditor', 'BAI');
const RESIDENT: Principal = { accountId: 'resident-7', sessionId: 'test', role: 'resident', residentId: 7, agencyCode: null, displayName: { ko: '', en: '' } };

let requestCounter = 0;
function as(principal: Principal): AgreementContext {
  requestCounter += 1;
  return {
    principal,
    actor: { id: principal.accountId, role: principal.role, org: principal.agencyCode },
    requestId: `agreements-db-${requestCounter}`,
    locale: 'en',
  };
}

const inAYear = () => new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString();
const childrenRequest = (overrides: Partial<RequestInput> = {}): RequestInput => ({
  clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
  productId: 'family.children',
  purposeCode: 'WELFARE-ELIGIBILITY',
  purposeText: 'Checking eligibility for the child allowance',
  legalBasis: 'Child Allowance Act art. 9',
  fields: ['childCount', 'children'],
  validUntil: inAYear(),
  consentRequired: true,
  ...overrides,
});

let database: TestDatabase;
let audit: AuditLog;
let service: AgreementsService;

beforeAll(async () => {
  database = await freshDatabase();
  audit = new AuditLog(database.pool);
  service = new AgreementsService(database.pool, audit, directory);
});
afterAll(async () => {
  await audit?.stopSealer();
  await database?.drop();
});

async function auditFor(requestId: string) {
  const result = await database.pool.query(
    'SELECT actor_id, actor_role, actor_org, action, purpose, resource, outcome, details FROM audit.entries WHERE request_id = $1 ORDER BY id',
    [requestId],
  );
  return result.rows;
}

async function expectError(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

/** Expects a 403 whose refusal was audited as denied under `action`. */
async function expectDenied(run: (context: AgreementContext) => Promise<unknown>, principal: Principal, action: string) {
  const context = as(principal);
  await expectError(run(context), 'FORBIDDEN');
  const entries = await auditFor(context.requestId);
  expect(entries).toEqual([expect.objectContaining({ action, outcome: 'denied', actor_id: principal.accountId, actor_role: principal.role })]);
  return entries[0];
}

describe('requesting', () => {
  it('records the request, its history row and its audit entry together', async () => {
    const context = as(MOHW);
    const agreement = await service.request(context, childrenRequest());
    expect(agreement.id).toMatch(/^AGR-\d{4}-\d{6}$/);
    expect(agreement).toMatchObject({
      status: 'requested',
      clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
      clientAgency: 'MOHW',
      providerSubsystem: 'KR/GOV/SCOURT/family-relations',
      holderAgency: 'SCOURT',
      fields: ['childCount', 'children'],
      consentRequired: true,
      covert: false,
      holderDecision: null,
      operatorDecision: null,
      requestedBy: 'staff-MOHW-0001',
    });
    expect(agreement.history).toEqual([
      expect.objectContaining({ action: 'request', capacity: 'client', actorId: 'staff-MOHW-0001', actorAgency: 'MOHW', statusAfter: 'requested' }),
    ]);
    expect(await auditFor(context.requestId)).toEqual([
      expect.objectContaining({
        action: 'agreements.request',
        outcome: 'allowed',
        actor_org: 'MOHW',
        resource: `agreements/${agreement.id}`,
        purpose: 'WELFARE-ELIGIBILITY: Checking eligibility for the child allowance',
      }),
    ]);
  });

  it('is for officials of the client subsystem\'s agency only; refusals are audited', async () => {
    const denied = await expectDenied((c) => service.request(c, childrenRequest()), NTS, 'agreements.request');
    expect(denied.details).toMatchObject({ clientSubsystem: 'KR/GOV/MOHW/welfare-benefits' });
    await expectDenied((c) => service.request(c, childrenRequest()), OPERATOR, 'agreements.request');
    await expectDenied((c) => service.request(c, childrenRequest()), AUDITOR, 'agreements.request');
    await expectDenied((c) => service.request(c, childrenRequest()), RESIDENT, 'agreements.request');
    await expectError(service.request({ ...as(MOHW), principal: null }, childrenRequest()), 'UNAUTHENTICATED');
  });

  it('names every invalid field, and stores nothing', async () => {
    const before = (await database.pool.query('SELECT count(*)::int AS n FROM agreements.agreements')).rows[0].n;
    const cases: Array<[Partial<RequestInput>, string[]]> = [
      [{ productId: 'no.such-product' }, ['/body/productId']],
      [{ clientSubsystem: 'KR/GOV/MOHW/no-such-system' }, ['/body/clientSubsystem']],
      [{ clientSubsystem: 'KR/GOV/MOHW/disability-register' }, ['/body/clientSubsystem']],
      [{ fields: ['childCount', 'rrn'] }, ['/body/fields']],
      [{ fields: [] }, ['/body/fields']],
      [{ validFrom: new Date(Date.now() + 86_400_000).toISOString(), validUntil: new Date().toISOString() }, ['/body/validUntil']],
      [{ validUntil: new Date(Date.now() + 6 * 365 * 86_400_000).toISOString() }, ['/body/validUntil']],
      [{ covert: true, consentRequired: false }, ['/body/covert']],
      [{ purposeCode: 'LAW-ENFORCEMENT', covert: true, consentRequired: true }, ['/body/consentRequired']],
    ];
    for (const [overrides, fields] of cases) {
      const error = await expectError(service.request(as(MOHW), childrenRequest(overrides)), 'VALIDATION_FAILED');
      expect(error.errors?.map((e) => e.field), JSON.stringify(overrides)).toEqual(fields);
    }
    const after = (await database.pool.query('SELECT count(*)::int AS n FROM agreements.agreements')).rows[0].n;
    expect(after).toBe(before);
  });

  it('allows a covert agreement for law enforcement', async () => {
    const agreement = await service.request(as(MOHW), childrenRequest({ purposeCode: 'LAW-ENFORCEMENT', covert: true, consentRequired: false }));
    expect(agreement).toMatchObject({ covert: true, purposeCode: 'LAW-ENFORCEMENT' });
  });

  it('the database itself refuses a covert agreement for another purpose and over-long validity', async () => {
    const insert = (purpose: string, covert: boolean, until: string) =>
      database.pool.query(
        `INSERT INTO agreements.agreements (id, client_subsystem, client_agency, product_id, provider_subsystem, holder_agency,
           purpose_code, purpose_text, legal_basis, fields, valid_from, valid_until, consent_required, covert, requested_by)
         VALUES ('AGR-2026-999999', 'a', 'A', 'p', 'b', 'B', $1, 't', 'l', '{x}', '2026-01-01', $3, false, $2, 'x')`,
        [purpose, covert, until],
      );
    await expect(insert('TAX-ASSESSMENT', true, '2027-01-01')).rejects.toThrow(/check constraint/);
    await expect(insert('TAX-ASSESSMENT', false, '2031-01-02')).rejects.toThrow(/check constraint/);
  });
});

describe('deciding', () => {
  it('is inactive until both the holder and the operator approved (holder first)', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    const query = { clientSubsystem: 'KR/GOV/MOHW/welfare-benefits', productId: 'family.children' };
    expect(await service.findActiveAgreement(database.pool, query)).toBeNull();

    const holder = as(SCOURT);
    const afterHolder = await service.decide(holder, id, { decision: 'approve' });
    expect(afterHolder).toMatchObject({ status: 'requested', holderDecision: 'approve', operatorDecision: null });
    expect(await service.findActiveAgreement(database.pool, query)).toBeNull();
    expect(await auditFor(holder.requestId)).toEqual([
      expect.objectContaining({ action: 'agreements.approve', outcome: 'allowed', actor_org: 'SCOURT', resource: `agreements/${id}` }),
    ]);

    const operator = as(OPERATOR);
    const active = await service.decide(operator, id, { decision: 'approve', reason: 'Purpose and fields are proportionate' });
    expect(active).toMatchObject({ status: 'active', holderDecision: 'approve', operatorDecision: 'approve' });
    expect(active.activatedAt).not.toBeNull();
    expect(active.history.map((h) => [h.action, h.capacity, h.statusAfter])).toEqual([
      ['request', 'client', 'requested'],
      ['approve', 'holder', 'requested'],
      ['approve', 'operator', 'active'],
    ]);
    expect(active.history[2]!.reason).toBe('Purpose and fields are proportionate');
    expect(await auditFor(operator.requestId)).toEqual([
      expect.objectContaining({ action: 'agreements.approve', outcome: 'allowed', actor_role: 'operator', details: expect.objectContaining({ status: 'active', capacity: 'operator' }) }),
    ]);

    const found = await service.findActiveAgreement(database.pool, { ...query, purposeCode: 'WELFARE-ELIGIBILITY' });
    expect(found).toMatchObject({ id, fields: ['childCount', 'children'], consentRequired: true, covert: false, purposeCode: 'WELFARE-ELIGIBILITY' });
    expect(found!.validUntil).toBeInstanceOf(Date);
    expect(await service.findActiveAgreement(database.pool, { ...query, purposeCode: 'TAX-ASSESSMENT' })).toBeNull();
    expect(await service.findActiveAgreement(database.pool, { ...query, clientSubsystem: 'KR/GOV/MOEL/employment-insurance' })).toBeNull();
  });

  it('works the other way round too (operator first)', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest({ productId: 'resident.basic', fields: ['nameKo', 'birthDate'] }));
    expect((await service.decide(as(OPERATOR), id, { decision: 'approve' })).status).toBe('requested');
    expect((await service.decide(as(staff('MOIS-0001', 'official', 'MOIS')), id, { decision: 'approve' })).status).toBe('active');
  });

  it('a rejection is final: never active afterwards', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest({ purposeText: 'to be rejected' }));
    await expectError(service.decide(as(SCOURT), id, { decision: 'reject' }), 'VALIDATION_FAILED');
    const rejected = await service.decide(as(SCOURT), id, { decision: 'reject', reason: 'Children of the applicant are already known to the welfare system' });
    expect(rejected.status).toBe('rejected');
    await expectError(service.decide(as(OPERATOR), id, { decision: 'approve' }), 'CONFLICT');
    await expectError(service.suspend(as(OPERATOR), id, 'x'), 'CONFLICT');
    await expectError(service.resume(as(OPERATOR), id), 'CONFLICT');
    const row = (await database.pool.query('SELECT status FROM agreements.agreements WHERE id = $1', [id])).rows[0];
    expect(row.status).toBe('rejected');
    const active = await service.findActiveAgreement(database.pool, { clientSubsystem: 'KR/GOV/MOHW/welfare-benefits', productId: 'family.children', purposeCode: 'WELFARE-ELIGIBILITY' });
    expect(active?.id).not.toBe(id);
  });

  it('the operator can reject after the holder approved', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    await service.decide(as(SCOURT), id, { decision: 'approve' });
    expect((await service.decide(as(OPERATOR), id, { decision: 'reject', reason: 'No legal basis for the children\'s names' })).status).toBe('rejected');
  });

  it('each party decides once', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    await service.decide(as(SCOURT), id, { decision: 'approve' });
    await expectError(service.decide(as(SCOURT), id, { decision: 'reject', reason: 'changed my mind' }), 'CONFLICT');
  });

  it('only the holder\'s officials and the operator decide; refusals are audited', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    await expectDenied((c) => service.decide(c, id, { decision: 'approve' }), MOHW, 'agreements.approve');
    await expectDenied((c) => service.decide(c, id, { decision: 'approve' }), NTS, 'agreements.approve');
    await expectDenied((c) => service.decide(c, id, { decision: 'reject', reason: 'x' }), AUDITOR, 'agreements.reject');
    await expectDenied((c) => service.decide(c, id, { decision: 'approve' }), RESIDENT, 'agreements.approve');
    expect((await service.get(as(AUDITOR), id)).status).toBe('requested');
  });

  it('an unknown agreement is 404', async () => {
    await expectError(service.decide(as(OPERATOR), 'AGR-2026-999998', { decision: 'approve' }), 'NOT_FOUND');
  });

  it('concurrent decisions never lose one', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    await Promise.all([service.decide(as(SCOURT), id, { decision: 'approve' }), service.decide(as(OPERATOR), id, { decision: 'approve' })]);
    expect((await service.get(as(AUDITOR), id)).status).toBe('active');
  });
});

async function activeAgreement(overrides: Partial<RequestInput> = {}) {
  const { id, holderAgency } = await service.request(as(MOHW), childrenRequest(overrides));
  await service.decide(as(staff(`${holderAgency}-0001`, 'official', holderAgency)), id, { decision: 'approve' });
  return service.decide(as(OPERATOR), id, { decision: 'approve' });
}

describe('suspension', () => {
  it('stops and restarts the agreement; holder officials and the operator only', async () => {
    const agreement = await service.request(as(MOEL), childrenRequest({ purposeCode: 'EMPLOYMENT-INSURANCE', clientSubsystem: 'KR/GOV/MOEL/employment-insurance' }));
    await service.decide(as(SCOURT), agreement.id, { decision: 'approve' });
    await service.decide(as(OPERATOR), agreement.id, { decision: 'approve' });
    const query = { clientSubsystem: 'KR/GOV/MOEL/employment-insurance', productId: 'family.children' };
    expect((await service.findActiveAgreement(database.pool, query))?.id).toBe(agreement.id);

    await expectDenied((c) => service.suspend(c, agreement.id, 'no'), MOEL, 'agreements.suspend');
    await expectDenied((c) => service.suspend(c, agreement.id, 'no'), AUDITOR, 'agreements.suspend');
    await expectError(service.suspend(as(SCOURT), agreement.id, '  '), 'VALIDATION_FAILED');

    const holder = as(SCOURT);
    const suspended = await service.suspend(holder, agreement.id, 'Suspicious volume of queries');
    expect(suspended.status).toBe('suspended');
    expect(await auditFor(holder.requestId)).toEqual([
      expect.objectContaining({ action: 'agreements.suspend', outcome: 'allowed', details: expect.objectContaining({ reason: 'Suspicious volume of queries' }) }),
    ]);
    expect(await service.findActiveAgreement(database.pool, query)).toBeNull();
    expect(await service.allowedMethods(query.clientSubsystem)).toEqual([]);
    await expectError(service.suspend(as(OPERATOR), agreement.id, 'again'), 'CONFLICT');

    await expectDenied((c) => service.resume(c, agreement.id), MOEL, 'agreements.resume');
    const operator = as(OPERATOR);
    const resumed = await service.resume(operator, agreement.id);
    expect(resumed.status).toBe('active');
    expect(await auditFor(operator.requestId)).toEqual([expect.objectContaining({ action: 'agreements.resume', outcome: 'allowed' })]);
    expect((await service.findActiveAgreement(database.pool, query))?.id).toBe(agreement.id);
    await expectError(service.resume(as(OPERATOR), agreement.id), 'CONFLICT');
    expect(resumed.history.map((h) => h.action)).toEqual(['request', 'approve', 'approve', 'suspend', 'resume']);
  });

  it('a request cannot be suspended', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    await expectError(service.suspend(as(OPERATOR), id, 'too early'), 'CONFLICT');
  });
});

describe('expiry', () => {
  it('findActiveAgreement never returns an agreement past its validity', async () => {
    const agreement = await activeAgreement({ productId: 'tax.income-certificate', fields: ['taxYear', 'earnedIncomeKrw'], purposeCode: 'LOAN-SCREENING' });
    const query = { clientSubsystem: 'KR/GOV/MOHW/welfare-benefits', productId: 'tax.income-certificate' };
    const until = new Date(agreement.validUntil);
    expect((await service.findActiveAgreement(database.pool, { ...query, at: new Date(until.getTime() - 1000) }))?.id).toBe(agreement.id);
    expect(await service.findActiveAgreement(database.pool, { ...query, at: until })).toBeNull();
    expect(await service.findActiveAgreement(database.pool, { ...query, at: new Date(until.getTime() + 86_400_000) })).toBeNull();
    // Nor before it starts.
    expect(await service.findActiveAgreement(database.pool, { ...query, at: new Date(Date.now() - 86_400_000) })).toBeNull();
  });

  it('an agreement whose validity ended reads as expired and cannot be changed', async () => {
    const agreement = await activeAgreement({ productId: 'disability.status', fields: ['registered'] });
    await database.pool.query(
      `UPDATE agreements.agreements SET valid_from = now() - interval '2 years', valid_until = now() - interval '1 second' WHERE id = $1`,
      [agreement.id],
    );
    expect((await service.get(as(AUDITOR), agreement.id)).status).toBe('expired');
    expect(await service.findActiveAgreement(database.pool, { clientSubsystem: 'KR/GOV/MOHW/welfare-benefits', productId: 'disability.status' })).toBeNull();
    expect((await service.allowedMethods('KR/GOV/MOHW/welfare-benefits')).map((m) => m.serviceCode)).not.toContain('disability.status');
    await expectError(service.suspend(as(OPERATOR), agreement.id, 'x'), 'CONFLICT');
    const expired = await service.list(as(OPERATOR), { status: 'expired' });
    expect(expired.items.map((a) => a.id)).toContain(agreement.id);
    const active = await service.list(as(OPERATOR), { status: 'active', limit: 100 });
    expect(active.items.map((a) => a.id)).not.toContain(agreement.id);
  });

  it('a request whose validity ended cannot be approved', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    await database.pool.query(`UPDATE agreements.agreements SET valid_from = now() - interval '2 years', valid_until = now() - interval '1 second' WHERE id = $1`, [id]);
    await expectError(service.decide(as(OPERATOR), id, { decision: 'approve' }), 'CONFLICT');
    expect((await service.list(as(OPERATOR), { awaitingMyDecision: true, limit: 100 })).items.map((a) => a.id)).not.toContain(id);
  });
});

describe('reading and listing', () => {
  let mine: string;

  beforeEach(async () => {
    mine = (await service.request(as(MOHW), childrenRequest({ purposeText: 'listing' }))).id;
  });

  it('officials see their agency\'s agreements as client or holder, nobody else\'s', async () => {
    const asClient = await service.list(as(MOHW), { side: 'client', limit: 100 });
    expect(asClient.items.every((a) => a.clientAgency === 'MOHW')).toBe(true);
    expect(asClient.items.map((a) => a.id)).toContain(mine);
    const asHolder = await service.list(as(SCOURT), { side: 'holder', limit: 100 });
    expect(asHolder.items.every((a) => a.holderAgency === 'SCOURT')).toBe(true);
    expect(asHolder.items.map((a) => a.id)).toContain(mine);
    const nts = await service.list(as(NTS), { limit: 100 });
    expect(nts.items.map((a) => a.id)).not.toContain(mine);
    await expectDenied((c) => service.get(c, mine), NTS, 'agreements.read');
    expect((await service.get(as(SCOURT), mine)).id).toBe(mine);
  });

  it('the operator and auditors see everything; residents nothing', async () => {
    const all = await service.list(as(AUDITOR), { limit: 5 });
    expect(all.total).toBeGreaterThan(5);
    expect(all.items).toHaveLength(5);
    const next = await service.list(as(AUDITOR), { limit: 5, offset: 5 });
    expect(next.items.map((a) => a.id)).not.toContain(all.items[0]!.id);
    expect((await service.get(as(OPERATOR), mine)).history).toHaveLength(1);
    await expectDenied((c) => service.list(c), RESIDENT, 'agreements.list');
    await expectDenied((c) => service.get(c, mine), RESIDENT, 'agreements.read');
  });

  it('lists the requests waiting for the caller\'s decision', async () => {
    const holderQueue = await service.list(as(SCOURT), { awaitingMyDecision: true, limit: 100 });
    expect(holderQueue.items.map((a) => a.id)).toContain(mine);
    expect(holderQueue.items.every((a) => a.status === 'requested' && a.holderDecision === null && a.holderAgency === 'SCOURT')).toBe(true);
    await service.decide(as(SCOURT), mine, { decision: 'approve' });
    expect((await service.list(as(SCOURT), { awaitingMyDecision: true, limit: 100 })).items.map((a) => a.id)).not.toContain(mine);
    const operatorQueue = await service.list(as(OPERATOR), { awaitingMyDecision: true, limit: 100 });
    expect(operatorQueue.items.map((a) => a.id)).toContain(mine);
    expect((await service.list(as(MOHW), { awaitingMyDecision: true })).items.map((a) => a.id)).not.toContain(mine);
    expect((await service.list(as(AUDITOR), { awaitingMyDecision: true })).items).toEqual([]);
  });

  it('tells a page which actions the viewer may take', async () => {
    const agreement = await service.get(as(OPERATOR), mine);
    expect(service.allowedActions(OPERATOR, agreement)).toEqual({ decideAs: 'operator', suspend: false, resume: false });
    expect(service.allowedActions(SCOURT, agreement)).toEqual({ decideAs: 'holder', suspend: false, resume: false });
    expect(service.allowedActions(MOHW, agreement)).toEqual({ decideAs: null, suspend: false, resume: false });
    expect(service.allowedActions(AUDITOR, agreement)).toEqual({ decideAs: null, suspend: false, resume: false });
    const active = await activeAgreement();
    expect(service.allowedActions(SCOURT, active)).toEqual({ decideAs: null, suspend: true, resume: false });
  });
});

describe('allowedMethods', () => {
  it('lists each product a client may use on a provider under active agreements, once', async () => {
    await activeAgreement();
    await activeAgreement({ purposeCode: 'CIVIL-PETITION' });
    await activeAgreement({ productId: 'family.relations', fields: ['relations'] });
    const onScourt = await service.allowedMethods('KR/GOV/MOHW/welfare-benefits', 'KR/GOV/SCOURT/family-relations');
    expect(onScourt.map((m) => m.serviceCode)).toEqual(['family.children', 'family.relations']);
    expect(onScourt.every((m) => m.providerSubsystem === 'KR/GOV/SCOURT/family-relations')).toBe(true);
    expect(await service.allowedMethods('KR/GOV/MOHW/welfare-benefits', 'KR/GOV/MOLIT/vehicle-register')).toEqual([]);
    expect(await service.allowedMethods('KR/GOV/NTS/hometax', 'KR/GOV/SCOURT/family-relations')).toEqual([]);
  });

  it('as the directory service: the client\'s officials, the operator and auditors may ask', async () => {
    const client = 'KR/GOV/MOHW/welfare-benefits';
    const provider = 'KR/GOV/SCOURT/family-relations';
    expect((await service.allowedMethodsFor(as(MOHW), client, provider)).length).toBeGreaterThan(0);
    expect((await service.allowedMethodsFor(as(AUDITOR), client, provider)).length).toBeGreaterThan(0);
    await expectDenied((c) => service.allowedMethodsFor(c, client, provider), NTS, 'agreements.allowed-methods');
    const malformed = await expectError(service.allowedMethodsFor(as(MOHW), 'KR/GOV/MOHW', provider), 'VALIDATION_FAILED');
    expect(malformed.errors?.[0]?.field).toBe('/headers/x-road-client');
    const unknownClient = await expectError(service.allowedMethodsFor(as(MOHW), 'KR/GOV/MOHW/nothing', provider), 'VALIDATION_FAILED');
    expect(unknownClient.errors?.[0]?.field).toBe('/headers/x-road-client');
    await expectError(service.allowedMethodsFor(as(MOHW), client, 'KR/GOV/SCOURT/nothing'), 'UNKNOWN_SUBSYSTEM');
  });
});

describe('history', () => {
  it('is append-only', async () => {
    const { id } = await service.request(as(MOHW), childrenRequest());
    await expect(database.pool.query('UPDATE agreements.decisions SET reason = $2 WHERE agreement_id = $1', [id, 'rewritten'])).rejects.toThrow(/append-only/);
    await expect(database.pool.query('DELETE FROM agreements.decisions WHERE agreement_id = $1', [id])).rejects.toThrow(/append-only/);
  });

  it('every change committed with its audit entry; the audit chain verifies', async () => {
    const changes = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM agreements.decisions');
    const entries = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit.entries WHERE action LIKE 'agreements.%' AND outcome = 'allowed'",
    );
    expect(entries.rows[0]!.n).toBe(changes.rows[0]!.n);
    await audit.flush();
    expect((await audit.verify()).ok).toBe(true);
  });
});
