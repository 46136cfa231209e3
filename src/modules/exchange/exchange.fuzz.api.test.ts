// Fuzzing the exchange routes: 10,000+ generated requests from a seeded generator (the same ones
// every run), injected in parallel. Whatever comes in, the answer is a 200 with JSON or an RFC 9457
// problem, never a 5xx.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import type { Principal } from '../../core/auth';
import { AgreementsService } from '../agreements';
import { DirectoryService } from '../directory';

const SEED = 20261122;
const REQUESTS = 10_240;
const PARALLEL = 16;
/** Fastify's own answers to an undecodable URL or an over-long path parameter. */

/** mulberry32: a small, fast, seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let platform: TestPlatform;
let secret = '';

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 20 });
  const operator = new TestClient(platform.app);
  await operator.signIn({ staffId: 'MOIS-OPS-01' });
  const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: 'KR/GOV/MOHW/welfare-benefits' }, headers: { 'x-csrf-token': operator.csrfToken! } });
  secret = issued.json().secret;
  const agreements = new AgreementsService(platform.database.pool, platform.audit, new DirectoryService(platform.database.pool));
  const who = (role: Principal['role'], agencyCode: string): Principal => ({ accountId: `staff-${agencyCode}`, sessionId: 'x', role, residentId: null, agencyCode, displayName: { ko: 'x', en: 'x' } });
  const ctx = (principal: Principal) => ({ principal, actor: { id: principal.accountId, role: principal.role, org: principal.agencyCode }, requestId: 'fuzz-setup' });
  const created = await agreements.request(ctx(who('official', 'MOHW')), {
    clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
    productId: 'resident.basic',
    purposeCode: 'WELFARE-ELIGIBILITY',
    purposeText: 'fuzz',
    legalBasis: 'fuzz',
    fields: ['nameKo', 'birthDate'],
    validUntil: new Date(Date.now() + 86_400_000).toISOString(),
    consentRequired: false,
  });
  await agreements.decide(ctx(who('official', 'MOIS')), created.id, { decision: 'approve' });
  await agreements.decide(ctx(who('operator', 'MOIS')), created.id, { decision: 'approve' });
}, 120_000);
afterAll(async () => {
  await platform?.close();
});

describe('fuzzing the exchange', () => {
  it(`${REQUESTS} seeded requests: never a 5xx, always JSON or problem+json`, async () => {
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const chance = (p: number) => random() < p;
    const junk = (max: number) => {
      const alphabet = 'abcXYZ019._-/\\\'";:%$#@!?&=+*()[]{}<>|`~ 한글ü\u00ff';
      return Array.from({ length: Math.floor(random() * max) + 1 }, () => pick([...alphabet])).join('');
    };
    const segment = () =>
      chance(0.6)
        ? pick(['KR', 'GOV', 'COM', 'MOIS', 'SCOURT', 'resident-register', 'family-relations', 'hometax', 'resident.basic', 'family.children', 'business.registration', 'listMethods', 'getOpenAPI'])
        : chance(0.5)
          ? encodeURIComponent(junk(chance(0.1) ? 400 : 20))
          : pick(['..', '.', '%2F', '%00', '%ZZ', '%E0%A4%A', "'%20OR%201=1--", '%3Cscript%3E', 'a'.repeat(65), '%F0%9F%92%A9', 'NaN', '-1', '0', '1e9']);
    const subject = () => pick(['1', '7', '20', '999999', '0', '-1', '1.5', '9007199254740993', '123-45-67890', '1234567890', encodeURIComponent(junk(12)), '%27%3B--']);
    const headerValue = (good: string) => (chance(0.7) ? good : chance(0.5) ? junk(chance(0.05) ? 9000 : 40).replace(/[^\x20-\x7e]/g, '?') : '');

    const statuses = new Map<number, number>();
    let sent = 0;
    const one = async (): Promise<void> => {
      // One in five requests is well-formed apart from at most one mutated part, so the allowed
      // path and each single refusal are reached often; the rest is noise everywhere.
      const wellFormed = chance(0.2);
      const mutate = wellFormed ? Math.floor(random() * 8) : -1;
      const good = (index: number, value: string, bad: () => string) => (!wellFormed ? bad() : mutate === index ? bad() : value);
      const known = wellFormed || chance(0.5);
      const path = known
        ? `/r1/KR/GOV/MOIS/resident-register/${good(0, 'resident.basic', () => pick(['resident.basic', 'resident.household', 'nope', segment()]))}/${good(1, String(1 + Math.floor(random() * 20)), subject)}`
        : `/r1/${Array.from({ length: pick([4, 5, 5, 6]) }, segment).join('/')}/${subject()}`;
      const query = !wellFormed && chance(0.3) ? `?${pick(['purpose', 'lang', 'purpose[]', 'x'])}=${encodeURIComponent(headerValue('WELFARE-ELIGIBILITY'))}${chance(0.2) ? '&purpose=TAX-ASSESSMENT' : ''}` : '';
      const headers: Record<string, string> = {};
      const set = (index: number, name: string, value: string, present: number, bad: () => string) => {
        if (wellFormed ? mutate !== index || chance(0.5) : chance(present)) headers[name] = good(index, value, bad);
      };
      set(2, 'x-road-client', 'KR/GOV/MOHW/welfare-benefits', 0.9, () => headerValue(pick(['KR/GOV/MOHW/welfare-benefits', 'KR/COM/DEMOBANK/loans', 'KR/GOV/MOIS/resident-register'])));
      set(3, 'authorization', `Bearer ${secret}`, 0.8, () => (chance(0.5) ? `Bearer ${secret}` : headerValue(`Bearer ${secret.slice(0, -2)}xx`)));
      set(4, 'x-road-purpose', 'WELFARE-ELIGIBILITY', 0.85, () => headerValue(pick(['WELFARE-ELIGIBILITY', 'TAX-ASSESSMENT', 'LAW-ENFORCEMENT'])));
      set(5, 'x-road-userid', 'MOHW-0001', 0.8, () => headerValue('MOHW-0001'));
      set(6, 'x-road-issue', 'CASE-1', 0.3, () => headerValue('CASE-1'));
      set(7, 'x-road-id', `fuzz-${sent}`, 0.5, () => headerValue(`fuzz-${sent}`));
      if (chance(0.1)) headers.accept = pick(['text/html', 'application/xml', '*/*']);
      const method = wellFormed || chance(0.93) ? 'GET' : pick(['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'] as const);
      sent += 1;
      let response: LightMyRequestResponse;
      try {
        // From many addresses, so the wrong-credential throttle (20 a minute per address) is met now and then, not always.
        const remoteAddress = `10.${Math.floor(random() * 4)}.${Math.floor(random() * 256)}.1`;
        response = await platform.app.inject({ method, url: `${path}${query}`, headers, remoteAddress });
      } catch (error) {
        throw new Error(`inject failed for ${method} ${path}${query}: ${String(error)}`);
      }
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      const context = `${method} ${path}${query} ${JSON.stringify(headers).slice(0, 300)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
      if (response.statusCode >= 500) throw new Error(`5xx: ${context}`);
      const type = String(response.headers['content-type'] ?? '');
      if (response.statusCode === 200) {
        if (!type.startsWith('application/json')) throw new Error(`200 without JSON: ${context}`);
      } else if (!type.startsWith('application/problem+json') && !(headers.accept === 'text/html' && type.startsWith('text/html'))) {
        throw new Error(`error without problem+json: ${context}`);
      }
    };
    const started = performance.now();
    for (let i = 0; i < REQUESTS; i += PARALLEL) {
      await Promise.all(Array.from({ length: Math.min(PARALLEL, REQUESTS - i) }, one));
    }
    const seconds = (performance.now() - started) / 1000;
    expect(sent).toBe(REQUESTS);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    // The generator reaches the allowed path too, not only refusals.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(50);
    console.info(`exchange fuzz: ${REQUESTS} requests in ${seconds.toFixed(1)} s`, Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])));
  }, 120_000);
});
