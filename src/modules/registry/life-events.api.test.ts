// Recording life events in the registries over the API: a birth registered by a MOIS official
// joins the parent's household and family relations, gets a registration number, is audited and
// announced on the outbox (for the proactive benefits engine); the wrong officials and bad input
// are refused with clear problems, and nothing half-written stays behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { koreanDate } from '../../core/period';

let platform: TestPlatform;
let mois: TestClient;
let parents: { head: number; spouse: number; householdId: number };

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 60 });
  mois = new TestClient(platform.app);
  expect((await mois.signIn({ staffId: 'MOIS-0001' })).statusCode).toBe(303);
  const couple = await platform.database.pool.query<{ head: string; spouse: string; household_id: string }>(
    `SELECT h.id AS head, s.id AS spouse, h.household_id FROM registry.residents h
       JOIN registry.residents s ON s.household_id = h.household_id AND s.household_role = 'spouse'
      WHERE h.household_role = 'head' AND h.birth_date > '1980-01-01' ORDER BY h.id LIMIT 1`,
  );
  const row = couple.rows[0]!;
  parents = { head: Number(row.head), spouse: Number(row.spouse), householdId: Number(row.household_id) };
});
afterAll(async () => {
  await platform?.close();
});

const post = (client: TestClient, body: unknown, requestId?: string) =>
  client.request({ method: 'POST', url: '/api/v1/registry/births', json: body, headers: { 'x-csrf-token': client.csrfToken!, ...(requestId ? { 'x-request-id': requestId } : {}) } });

describe('birth registration', () => {
  it('adds the baby to the household and both parents, audited and announced', async () => {
    const before = await platform.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM registry.residents');
    const response = await post(mois, { parentResidentIds: [parents.head, parents.spouse], nameKo: '김하늘', nameRomanized: 'Kim Haneul', sex: 'F', birthDate: koreanDate() }, 'birth-register-1');
    expect(response.statusCode, response.body).toBe(201);
    const { childResidentId, householdId } = response.json();
    expect(householdId).toBe(parents.householdId);
    const child = await platform.database.pool.query('SELECT rrn, household_role, birth_date::text FROM registry.residents WHERE id = $1', [childResidentId]);
    expect(child.rows[0]).toMatchObject({ household_role: 'child', birth_date: koreanDate() });
    expect(child.rows[0].rrn).toMatch(/^\d{6}4\d{6}$/); // born in the 2000s, female → 4
    const relations = await platform.database.pool.query('SELECT resident_id::int, relation FROM registry.family_relations WHERE relative_id = $1 ORDER BY resident_id', [childResidentId]);
    expect(relations.rows).toEqual([
      { resident_id: Math.min(parents.head, parents.spouse), relation: 'child' },
      { resident_id: Math.max(parents.head, parents.spouse), relation: 'child' },
    ]);
    expect((await platform.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM registry.residents')).rows[0]!.n).toBe(before.rows[0]!.n + 1);

    // The parent sees the baby in their own record.
    const parent = new TestClient(platform.app);
    await parent.signIn({ residentId: parents.head });
    const record = (await parent.request({ url: '/api/v1/me/record' })).json();
    expect(record.householdMembers.map((m: { residentId: number }) => m.residentId)).toContain(childResidentId);

    await platform.audit.flush();
    const audit = await platform.database.pool.query(`SELECT action, outcome, subject_resident_id::int FROM audit.entries WHERE request_id = 'birth-register-1'`);
    expect(audit.rows).toEqual([{ action: 'registry.birth.register', outcome: 'allowed', subject_resident_id: childResidentId }]);
    const events = await platform.database.pool.query(`SELECT payload FROM events.outbox WHERE topic = 'registry.birth-registered'`);
    expect(events.rows.map((r) => r.payload)).toContainEqual({ childResidentId, householdId, parentResidentIds: [parents.head, parents.spouse], birthDate: koreanDate() });
  });

  it('only officials of MOIS or the courts register births; the refusal is audited', async () => {
    const mohw = new TestClient(platform.app);
    await mohw.signIn({ staffId: 'MOHW-0001' });
    expectProblem(await post(mohw, { parentResidentIds: [parents.head], nameKo: '김하나', nameRomanized: 'Kim Hana', sex: 'M', birthDate: koreanDate() }, 'birth-refused-1'), 403, 'FORBIDDEN');
    const resident = new TestClient(platform.app);
    await resident.signIn({ residentId: parents.head });
    expectProblem(await post(resident, { parentResidentIds: [parents.head], nameKo: '김하나', nameRomanized: 'Kim Hana', sex: 'M', birthDate: koreanDate() }), 403, 'FORBIDDEN');
    await platform.audit.flush();
    const audit = await platform.database.pool.query(`SELECT outcome FROM audit.entries WHERE request_id = 'birth-refused-1'`);
    expect(audit.rows).toEqual([{ outcome: 'denied' }]);
  });

  it('bad input is refused with the fields named, and nothing is written', async () => {
    const count = async () => (await platform.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM registry.residents')).rows[0]!.n;
    const before = await count();
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const bad = await post(mois, { parentResidentIds: [parents.head], nameKo: 'Kim', nameRomanized: '김', sex: 'M', birthDate: tomorrow });
    const problem = expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual(['/body/birthDate', '/body/nameKo', '/body/nameRomanized']);
    expectProblem(await post(mois, { parentResidentIds: [999_999], nameKo: '김하나', nameRomanized: 'Kim Hana', sex: 'M', birthDate: koreanDate() }), 400, 'VALIDATION_FAILED');
    expectProblem(await post(mois, { parentResidentIds: [parents.head], nameKo: '김하나', nameRomanized: 'Kim Hana', sex: 'X', birthDate: koreanDate() }), 400, 'VALIDATION_FAILED');
    expectProblem(await post(mois, { parentResidentIds: [parents.head], nameKo: '김하나', nameRomanized: 'Kim Hana', sex: 'M', birthDate: '2026-02-30' }), 400, 'VALIDATION_FAILED');
    expect(await count()).toBe(before);
  });
});

describe('disability registration', () => {
  it('is for MOHW officials, validated, audited and announced', async () => {
    const mohw = new TestClient(platform.app);
    await mohw.signIn({ staffId: 'MOHW-0001' });
    const url = '/api/v1/registry/disabilities';
    const send = (client: TestClient, json: unknown) => client.request({ method: 'POST', url, json, headers: { 'x-csrf-token': client.csrfToken! } });
    expectProblem(await send(mois, { residentId: parents.spouse, category: 'visual', severity: 'mild' }), 403, 'FORBIDDEN');
    expectProblem(await send(mohw, { residentId: parents.spouse, category: 'nope', severity: 'mild' }), 400, 'VALIDATION_FAILED');
    expectProblem(await send(mohw, { residentId: 999_999, category: 'visual', severity: 'mild' }), 404, 'SUBJECT_NOT_FOUND');
    const ok = await send(mohw, { residentId: parents.spouse, category: 'visual', severity: 'severe' });
    expect(ok.statusCode, ok.body).toBe(201);
    const events = await platform.database.pool.query(`SELECT payload FROM events.outbox WHERE topic = 'registry.disability-registered'`);
    expect(events.rows.map((r) => r.payload)).toContainEqual({ residentId: parents.spouse, householdId: parents.householdId });
  });
});

describe('moves and income assessments', () => {
  it('a MOIS official registers a household\'s move: new address for every member, audited, announced', async () => {
    const send = (client: TestClient, json: unknown) => client.request({ method: 'POST', url: '/api/v1/registry/moves', json, headers: { 'x-csrf-token': client.csrfToken! } });
    const move = { householdId: parents.householdId, districtCode: '11680', addressKo: '서울특별시 강남구 테헤란로 1', addressEn: '1 Teheran-ro, Gangnam-gu, Seoul', postalCode: '06236' };
    const bad = expectProblem(await send(mois, { ...move, districtCode: '99999', postalCode: '12' }), 400, 'VALIDATION_FAILED');
    expect(bad.errors.map((e: { field: string }) => e.field).sort()).toEqual(['/body/districtCode', '/body/postalCode']);
    expectProblem(await send(mois, { ...move, householdId: 999_999 }), 404, 'NOT_FOUND');
    const nts = new TestClient(platform.app);
    await nts.signIn({ staffId: 'NTS-0001' });
    expectProblem(await send(nts, move), 403, 'FORBIDDEN');
    const ok = await send(mois, move);
    expect(ok.statusCode, ok.body).toBe(201);
    const parent = new TestClient(platform.app);
    await parent.signIn({ residentId: parents.spouse });
    const record = (await parent.request({ url: '/api/v1/me/record' })).json();
    expect(record.address).toMatchObject({ ko: move.addressKo, postalCode: '06236', regionCode: '11', districtCode: '11680' });
    const events = await platform.database.pool.query(`SELECT payload FROM events.outbox WHERE topic = 'registry.address-changed'`);
    expect(events.rows.map((r) => r.payload.householdId)).toContain(parents.householdId);
  });

  it('an NTS official records a year\'s income: validated, audited, announced', async () => {
    const nts = new TestClient(platform.app);
    await nts.signIn({ staffId: 'NTS-0001' });
    const send = (client: TestClient, json: unknown) => client.request({ method: 'POST', url: '/api/v1/registry/incomes', json, headers: { 'x-csrf-token': client.csrfToken! } });
    expectProblem(await send(nts, { residentId: parents.head, taxYear: 2999, earnedIncomeKrw: 1, businessIncomeKrw: 0 }), 400, 'VALIDATION_FAILED');
    expectProblem(await send(mois, { residentId: parents.head, taxYear: 2025, earnedIncomeKrw: 1, businessIncomeKrw: 0 }), 403, 'FORBIDDEN');
    const ok = await send(nts, { residentId: parents.head, taxYear: 2025, earnedIncomeKrw: 12_000_000, businessIncomeKrw: 0 });
    expect(ok.statusCode, ok.body).toBe(201);
    const income = await platform.registry.readDataProduct(platform.database.pool, 'tax.income-certificate', parents.head);
    expect(income).toMatchObject({ taxYear: 2025, earnedIncomeKrw: 12_000_000 });
    const events = await platform.database.pool.query(`SELECT payload FROM events.outbox WHERE topic = 'registry.income-updated'`);
    expect(events.rows.map((r) => r.payload)).toContainEqual({ residentId: parents.head, householdId: parents.householdId });
  });
});
