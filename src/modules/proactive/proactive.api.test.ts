// The proactive engine end to end: an official registers a birth → within a second or so both
// parents find a notice for each benefit the household now qualifies for (Happy Childbirth
// services among them), each with its reasons and a link; nothing twice when evaluated again;
// a parent who opted out of child notices gets none; publishing a rule sweeps the population with
// progress, and a second sweep notifies nobody twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { koreanDate } from '../../core/period';

let platform: TestPlatform;
let mois: TestClient;

const HAPPY_CHILDBIRTH = ['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'infant-vaccination', 'local-birth-grant'];

async function couples(limit: number): Promise<Array<{ head: number; spouse: number }>> {
  const rows = await platform.database.pool.query<{ head: string; spouse: string }>(
    `SELECT h.id AS head, s.id AS spouse FROM registry.residents h
       JOIN registry.residents s ON s.household_id = h.household_id AND s.household_role = 'spouse'
      WHERE h.household_role = 'head' AND h.birth_date BETWEEN '1986-01-01' AND '2000-01-01'
      ORDER BY h.id LIMIT $1`,
    [limit],
  );
  return rows.rows.map((r) => ({ head: Number(r.head), spouse: Number(r.spouse) }));
}

async function inbox(residentId: number): Promise<Array<{ title: { en: string }; body: { en: string; ko: string }; link: string; reference: string; category: string }>> {
  const client = new TestClient(platform.app);
  await client.signIn({ residentId });
  const response = await client.request({ url: '/api/v1/me/notifications?limit=100' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

const registerBirth = async (parents: number[], nameKo: string) => {
  const response = await mois.request({
    method: 'POST',
    url: '/api/v1/registry/births',
    json: { parentResidentIds: parents, nameKo, nameRomanized: 'Baby Test', sex: 'M', birthDate: koreanDate() },
    headers: { 'x-csrf-token': mois.csrfToken! },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().childResidentId as number;
};

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 400 });
  await platform.eligibility.ensureSeedRules();
  await platform.proactive.warm();
  platform.events.start();
  mois = new TestClient(platform.app);
  await mois.signIn({ staffId: 'MOIS-0001' });
}, 60_000);
afterAll(async () => {
  await platform?.close();
});

describe('a birth registration brings the benefits to the parents', () => {
  it('both parents get a notice per Happy Childbirth benefit, with reasons and a link, and nothing twice', async () => {
    const [couple] = await couples(1);
    const olderChildren = (await platform.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM registry.family_relations WHERE resident_id = $1 AND relation = 'child'`, [couple!.head])).rows[0]!.n;
    const child = await registerBirth([couple!.head, couple!.spouse], '이하늘');
    const headInbox = await waitFor(() => inbox(couple!.head), (items) => HAPPY_CHILDBIRTH.every((id) => items.some((n) => n.reference === id)));
    for (const id of HAPPY_CHILDBIRTH) {
      const notice = headInbox.find((n) => n.reference === id);
      expect(notice, `notice for ${id} in ${JSON.stringify(headInbox).slice(0, 600)}`).toBeDefined();
      expect(notice!.link).toBe('/services/bundles/happy-childbirth/apply'); // one application for all of them
      expect(notice!.category).toBe(id === 'infant-vaccination' ? 'health' : 'child');
      expect(notice!.body.en).toMatch(/Why: .+/);
    }
    // 2,000,000 KRW for a first child, 3,000,000 for a second or later.
    expect(headInbox.find((n) => n.reference === 'first-meeting-voucher')!.body.en).toContain(olderChildren === 0 ? '2,000,000 KRW (once)' : '3,000,000 KRW (once)');
    const spouseInbox = await inbox(couple!.spouse);
    expect(HAPPY_CHILDBIRTH.every((id) => spouseInbox.some((n) => n.reference === id))).toBe(true);

    // The evaluation is on the residents' "who used my data" record.
    await platform.audit.flush();
    const audited = await platform.database.pool.query(`SELECT count(*)::int AS n FROM audit.entries WHERE action = 'proactive.evaluate' AND subject_resident_id = $1`, [child]);
    expect(audited.rows[0].n).toBeGreaterThan(0);

    // Evaluating the same household again (a redelivered event, a restart) notifies nobody twice.
    const again = await platform.proactive.evaluateAround([child], 'test: again');
    expect(again.created).toBe(0);
    expect(again.duplicates).toBeGreaterThan(0);
    expect((await inbox(couple!.head)).length).toBe(headInbox.length);
  });

  it('a parent who opted out of child notices gets none of them; the other parent still does', async () => {
    const [, couple] = await couples(2);
    const head = new TestClient(platform.app);
    await head.signIn({ residentId: couple!.head });
    const optOut = await head.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', json: { optedOut: ['child'] }, headers: { 'x-csrf-token': head.csrfToken! } });
    expect(optOut.statusCode, optOut.body).toBe(200);
    await registerBirth([couple!.head, couple!.spouse], '박바다');
    const spouseInbox = await waitFor(() => inbox(couple!.spouse), (items) => items.some((n) => n.reference === 'child-allowance'));
    expect(spouseInbox.some((n) => n.reference === 'child-allowance')).toBe(true);
    expect((await inbox(couple!.head)).filter((n) => n.category === 'child')).toEqual([]);
  });
});

describe('other life events', () => {
  it('an income assessment, a move and a disability registration each re-evaluate the household they touch', async () => {
    const [, , couple] = await couples(3);
    const official = async (staffId: string) => {
      const client = new TestClient(platform.app);
      await client.signIn({ staffId });
      return client;
    };
    const post = async (client: TestClient, url: string, json: unknown) => {
      const response = await client.request({ method: 'POST', url, json, headers: { 'x-csrf-token': client.csrfToken! } });
      expect(response.statusCode, response.body).toBe(201);
    };
    const household = (await platform.database.pool.query<{ household_id: string }>('SELECT household_id FROM registry.residents WHERE id = $1', [couple!.head])).rows[0]!.household_id;
    await post(await official('NTS-0001'), '/api/v1/registry/incomes', { residentId: couple!.head, taxYear: 2025, earnedIncomeKrw: 0, businessIncomeKrw: 0 });
    await post(await official('MOIS-0001'), '/api/v1/registry/moves', { householdId: Number(household), districtCode: '26110', addressKo: '부산광역시 중구 중앙대로 1', addressEn: '1 Jungang-daero, Jung-gu, Busan', postalCode: '48939' });
    await post(await official('MOHW-0001'), '/api/v1/registry/disabilities', { residentId: couple!.spouse, category: 'visual', severity: 'severe' });
    const causes = await waitFor(
      async () => {
        await platform.audit.flush();
        const rows = await platform.database.pool.query<{ cause: string }>(`SELECT DISTINCT details->>'cause' AS cause FROM audit.entries WHERE action = 'proactive.evaluate' AND subject_resident_id = $1`, [couple!.head]);
        return rows.rows.map((r) => r.cause.split(' ')[0]);
      },
      (found) => found.length >= 3,
    );
    expect(causes.sort()).toEqual(['registry.address-changed', 'registry.disability-registered', 'registry.income-updated']);
  });
});

describe('publishing a rule sweeps the population', () => {
  it('notifies the newly eligible with progress, and a second sweep notifies nobody twice', async () => {
    const operator = new TestClient(platform.app);
    await operator.signIn({ staffId: 'MOIS-OPS-01' });
    const started = await operator.request({ method: 'POST', url: '/api/v1/proactive/sweeps', json: { ruleId: 'basic-pension' }, headers: { 'x-csrf-token': operator.csrfToken!, 'x-request-id': 'sweep-started-by-hand' } });
    expect(started.statusCode, started.body).toBe(202);
    const id = started.json().id;
    await platform.audit.flush();
    const audited = await platform.database.pool.query(`SELECT actor_role, action, details->>'sweepId' AS sweep FROM audit.entries WHERE request_id = 'sweep-started-by-hand'`);
    expect(audited.rows).toEqual([{ actor_role: 'operator', action: 'proactive.sweep.start', sweep: String(id) }]);
    const status = async () => (await operator.request({ url: `/api/v1/proactive/sweeps/${id}` })).json();
    const done = await waitFor(status, (s) => s.status !== 'running', 30_000);
    expect(done).toMatchObject({ status: 'done', ruleId: 'basic-pension', error: null });
    expect(done.total).toBeGreaterThan(0);
    expect(done.processed).toBe(done.total);
    expect(done.created).toBe(done.total - done.suppressed - done.duplicates);

    const second = await operator.request({ method: 'POST', url: '/api/v1/proactive/sweeps', json: { ruleId: 'basic-pension' }, headers: { 'x-csrf-token': operator.csrfToken! } });
    const again = await waitFor(async () => (await operator.request({ url: `/api/v1/proactive/sweeps/${second.json().id}` })).json(), (s) => s.status !== 'running', 30_000);
    expect(again).toMatchObject({ status: 'done', created: 0, total: done.total });

    const resident = new TestClient(platform.app);
    await resident.signIn({ residentId: 1 });
    expect((await resident.request({ url: '/api/v1/proactive/sweeps' })).statusCode).toBe(403);
    expect((await operator.request({ method: 'POST', url: '/api/v1/proactive/sweeps', json: { ruleId: 'no-such-rule' }, headers: { 'x-csrf-token': operator.csrfToken! } })).statusCode).toBe(404);
  }, 60_000);
});
