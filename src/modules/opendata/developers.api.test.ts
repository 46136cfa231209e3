// Developers, API keys and the open-data API's rate limits over HTTP: registration and keys (shown
// once, never listed), the RateLimit fields counting down, 429 with Retry-After past the quota, a
// separate budget per key and for anonymous addresses, 401 for unknown and revoked keys, the guard
// covering download URLs nobody has routed yet, and usage statistics per dataset and per key
// (package_show, the open JSON, the dataset page, the developer's own view), all audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { seedDatasets } from './seed';

let platform: TestPlatform;
let developer: TestClient;
let stranger: TestClient;

const PUBLIC = seedDatasets().filter((d) => d.accessLevel === 'public');
const WINDOW = 3600;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 10 });
  developer = new TestClient(platform.app);
  expect((await developer.signIn({ residentId: 3 })).statusCode).toBe(303);
  stranger = new TestClient(platform.app);
  expect((await stranger.signIn({ residentId: 4 })).statusCode).toBe(303);
});
afterAll(async () => {
  await platform?.close();
});

/** A call to the open-data API as a program makes it: no cookies, its own address. */
function call(url: string, options: { headers?: Record<string, string>; address?: string } = {}): Promise<LightMyRequestResponse> {
  return platform.app.inject({ method: 'GET', url, headers: options.headers, remoteAddress: options.address ?? '192.0.2.1' });
}

const post = (client: TestClient, url: string, json: unknown) => client.request({ method: 'POST', url, json, headers: { 'x-csrf-token': client.csrfToken ?? '' } });

function parseRateLimit(response: LightMyRequestResponse): { policy: string; remaining: number; reset: number } {
  const match = /^"([a-z]+)";r=(\d+);t=(\d+)$/.exec(String(response.headers.ratelimit));
  expect(match, `RateLimit: ${response.headers.ratelimit}`).not.toBeNull();
  return { policy: match![1]!, remaining: Number(match![2]), reset: Number(match![3]) };
}

/** Fixed windows: start a counting test well inside one, so it cannot straddle two. */
async function awayFromWindowEdge(): Promise<void> {
  const left = WINDOW - ((Date.now() / 1000) % WINDOW);
  if (left < 15) await new Promise((done) => setTimeout(done, (left + 1) * 1000));
}

async function issueKey(client: TestClient, label: string): Promise<{ id: string; key: string }> {
  const response = await post(client, '/api/v1/developers/me/keys', { label });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

describe('registration and keys', () => {
  it('registers a developer once, issues keys shown only in the answer, and lists them without secrets', async () => {
    expectProblem(await platform.app.inject({ method: 'POST', url: '/api/v1/developers/me', payload: {} }), 403, 'CSRF_TOKEN_INVALID');
    expectProblem(await post(developer, '/api/v1/developers/me/keys', { label: 'too early' }), 409, 'DEVELOPER_NOT_REGISTERED');
    const invalid = expectProblem(await post(developer, '/api/v1/developers/me', { name: '', email: 'not-an-address', purpose: 'x' }), 400, 'VALIDATION_FAILED');
    expect(invalid.errors.map((e: { field: string }) => e.field).sort()).toEqual(['/body/email', '/body/name', '/body/purpose']);

    const registered = await post(developer, '/api/v1/developers/me', { name: '대기질 앱 팀', email: 'dev@example.com', purpose: '동네 대기질 알림 앱' });
    expect(registered.statusCode, registered.body).toBe(201);
    expectProblem(await post(developer, '/api/v1/developers/me', { name: 'again', email: 'dev@example.com', purpose: 'again' }), 409, 'DEVELOPER_ALREADY_REGISTERED');

    const first = await issueKey(developer, 'server');
    expect(first.key).toMatch(/^odk_[A-Za-z0-9_-]{43}$/);
    const profile = await developer.request({ url: '/api/v1/developers/me' });
    expect(profile.statusCode).toBe(200);
    expect(profile.json().developer).toMatchObject({ name: '대기질 앱 팀', email: 'dev@example.com' });
    expect(profile.json().keys.map((k: { id: string }) => k.id)).toContain(first.id);
    expect(profile.body).not.toContain(first.key);
    const stored = await platform.database.pool.query(`SELECT encode(secret_hash, 'hex') AS hash FROM opendata.api_keys WHERE id = $1`, [first.id]);
    expect(stored.rows[0].hash).not.toContain(first.key);

    // Someone else's key is not theirs to revoke.
    await post(stranger, '/api/v1/developers/me', { name: 'Other', email: 'other@example.com', purpose: 'another app' });
    expectProblem(await post(stranger, `/api/v1/developers/me/keys/${first.id}/revoke`, {}), 404, 'API_KEY_NOT_FOUND');

    const audited = await platform.database.pool.query(
      `SELECT action FROM audit.entries WHERE actor_id = (SELECT account_id FROM opendata.developers WHERE name = '대기질 앱 팀') AND action LIKE 'opendata.%' ORDER BY id`,
    );
    expect(audited.rows.map((r) => r.action)).toEqual(['opendata.developer.register', 'opendata.api-key.issue', 'opendata.developer.read']);
  });
});

describe('rate limits', () => {
  it('answers the RateLimit fields on every call, counting down per key, and 429 with Retry-After past the quota', async () => {
    platform.openDataGuard.policies = { keyed: { name: 'key', quota: 3, windowSeconds: WINDOW }, anonymous: { name: 'anonymous', quota: 2, windowSeconds: WINDOW } };
    await awayFromWindowEdge();
    const a = await issueKey(developer, 'limits A');
    const b = await issueKey(developer, 'limits B');

    const remainingA: number[] = [];
    for (let i = 0; i < 3; i++) {
      // CKAN clients send the bare key in Authorization.
      const response = await call('/api/3/action/package_search?rows=1', { headers: { authorization: a.key } });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['ratelimit-policy']).toBe(`"key";q=3;w=${WINDOW}`);
      const limit = parseRateLimit(response);
      expect(limit.policy).toBe('key');
      expect(limit.reset).toBeGreaterThan(0);
      expect(limit.reset).toBeLessThanOrEqual(WINDOW);
      remainingA.push(limit.remaining);
    }
    expect(remainingA).toEqual([2, 1, 0]);

    const refused = await call('/api/3/action/package_search?rows=1', { headers: { authorization: `Bearer ${a.key}` } });
    const problem = expectProblem(refused, 429, 'API_RATE_LIMIT_EXCEEDED');
    expect(problem.detail).toContain(a.id);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(parseRateLimit(refused)).toMatchObject({ remaining: 0, reset: retryAfter });
    expect(refused.headers['ratelimit-policy']).toBe(`"key";q=3;w=${WINDOW}`);

    // Key B has its own budget, sent the other way.
    const other = await call('/api/3/action/package_show?id=' + PUBLIC[0]!.id, { headers: { 'x-api-key': b.key } });
    expect(other.statusCode).toBe(200);
    expect(parseRateLimit(other).remaining).toBe(2);

    // Anonymous callers are limited per address, lower, and apart from keys.
    const here = ['198.51.100.7', '198.51.100.7', '198.51.100.7'].map((address) => () => call('/api/3/action/package_search?rows=1', { address }));
    const anonymous = [];
    for (const send of here) anonymous.push(await send());
    expect(anonymous.map((r) => r.statusCode)).toEqual([200, 200, 429]);
    expect(anonymous[0]!.headers['ratelimit-policy']).toBe(`"anonymous";q=2;w=${WINDOW}`);
    expect(parseRateLimit(anonymous[0]!)).toMatchObject({ policy: 'anonymous', remaining: 1 });
    expect(String(expectProblem(anonymous[2]!, 429, 'API_RATE_LIMIT_EXCEEDED').detail)).toContain('API key');
    const elsewhere = await call('/api/3/action/package_search?rows=1', { address: '198.51.100.8' });
    expect(elsewhere.statusCode).toBe(200);
    expect(parseRateLimit(elsewhere).remaining).toBe(1);
  });

  it('refuses unknown, malformed and revoked keys with 401, and covers download URLs whatever serves them', async () => {
    platform.openDataGuard.policies = { keyed: { name: 'key', quota: 100, windowSeconds: WINDOW }, anonymous: { name: 'anonymous', quota: 100, windowSeconds: WINDOW } };
    const key = await issueKey(developer, 'to revoke');
    expect((await call('/api/3/action/package_search', { headers: { 'x-api-key': key.key } })).statusCode).toBe(200);
    const revoked = await post(developer, `/api/v1/developers/me/keys/${key.id}/revoke`, { reason: 'leaked in a commit' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    expectProblem(await call('/api/3/action/package_search', { headers: { 'x-api-key': key.key } }), 401, 'API_KEY_REVOKED');
    expectProblem(await call('/api/3/action/package_search', { headers: { authorization: key.key } }), 401, 'API_KEY_REVOKED');
    expectProblem(await post(developer, `/api/v1/developers/me/keys/${key.id}/revoke`, {}), 409, 'API_KEY_ALREADY_REVOKED');
    expectProblem(await call('/api/3/action/package_search', { headers: { 'x-api-key': `odk_${'A'.repeat(43)}` } }), 401, 'API_KEY_INVALID');
    expectProblem(await call('/api/3/action/package_search', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, 'API_KEY_INVALID');
    // Guessing keys from one address is slowed down; other addresses are not affected.
    const guesses = [];
    for (let i = 0; i < 21; i++) guesses.push(await call('/api/3/action/package_search', { headers: { 'x-api-key': `odk_${String(i).padStart(43, 'B')}` }, address: '192.0.2.99' }));
    expect(guesses.slice(0, 20).every((r) => r.statusCode === 401)).toBe(true);
    expectProblem(guesses[20]!, 429, 'API_RATE_LIMIT_EXCEEDED');
    expect(Number(guesses[20]!.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(await call('/api/3/action/package_search', { headers: { 'x-api-key': `odk_${'C'.repeat(43)}` }, address: '192.0.2.100' }), 401, 'API_KEY_INVALID');

    // Downloads are under the guard before anyone routes them: a revoked key is refused there too,
    // and an anonymous answer (here 404, no such route yet) carries the fields.
    expectProblem(await call(`/datasets/${PUBLIC[0]!.id}/resources/r1/download.csv`, { headers: { 'x-api-key': key.key } }), 401, 'API_KEY_REVOKED');
    const download = await call(`/datasets/${PUBLIC[0]!.id}/resources/r1/download.csv`);
    expect(download.statusCode).toBe(404);
    expect(download.headers.ratelimit).toMatch(/^"anonymous";r=\d+;t=\d+$/);
    // The OpenAPI document tells clients, for routes others added too.
    const openapi = (await call('/openapi.json')).json();
    for (const path of ['/api/3/action/package_search', '/api/3/action/package_show']) {
      expect(Object.keys(openapi.paths[path].get.responses)).toEqual(expect.arrayContaining(['401', '429']));
      expect(openapi.paths[path].get.security).toEqual([{}, { openDataApiKey: [] }]);
    }
    // Pages outside the API are not limited.
    const page = await call(`/datasets/${PUBLIC[0]!.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers.ratelimit).toBeUndefined();
  });
});

describe('usage statistics', () => {
  it('counts requests per dataset and per key, shown in the open JSON, on the dataset page and to the key\'s developer', async () => {
    platform.openDataGuard.policies = { keyed: { name: 'key', quota: 100, windowSeconds: WINDOW }, anonymous: { name: 'anonymous', quota: 100, windowSeconds: WINDOW } };
    const [x, y] = [PUBLIC[1]!.id, PUBLIC[2]!.id];
    const key = await issueKey(developer, 'usage');
    const withKey = { headers: { 'x-api-key': key.key }, address: '203.0.113.5' };
    for (const url of [`/api/3/action/package_show?id=${x}`, `/api/3/action/package_show?id=${x}`, `/api/3/action/package_show?id=${y}`, '/api/3/action/package_search?q=air', '/api/3/action/package_show?id=no-such-dataset']) {
      await call(url, withKey);
    }
    await call(`/api/3/action/package_show?id=${x}`, { address: '203.0.113.6' });
    await platform.openDataGuard.usage.flush();

    const open = await call(`/api/v1/opendata/usage/${x}`);
    expect(open.statusCode).toBe(200);
    expect(open.json()).toMatchObject({ datasetId: x, requests: 3, keyedRequests: 2, keys: 1 });
    expect(open.json().daily).toHaveLength(1);
    const all = (await call('/api/v1/opendata/usage')).json().items as Array<{ datasetId: string; requests: number }>;
    expect(all.find((d) => d.datasetId === x)?.requests).toBe(3);
    expect(all.find((d) => d.datasetId === y)?.requests).toBe(1);
    expect(all.some((d) => d.datasetId === 'no-such-dataset')).toBe(false);

    // Officials' use of a restricted entry is counted, but the public never learns the entry exists.
    // (The resident register's own ministry sees its entry without an agreement.)
    const official = new TestClient(platform.app);
    await official.signIn({ staffId: 'MOIS-0001' });
    expect((await official.request({ url: '/api/3/action/package_show?id=resident.basic' })).statusCode).toBe(200);
    await platform.openDataGuard.usage.flush();
    expect(((await call('/api/v1/opendata/usage')).json().items as Array<{ datasetId: string }>).some((d) => d.datasetId === 'resident.basic')).toBe(false);
    expectProblem(await call('/api/v1/opendata/usage/resident.basic'), 404, 'DATASET_NOT_FOUND');
    expect((await official.request({ url: '/api/v1/opendata/usage/resident.basic' })).json().requests).toBe(1);

    const page = await call(`/datasets/${x}?lang=en`);
    expect(page.body).toContain('3 requests since');
    expect(page.body).toContain('(2 with an API key, 1 keys)');
    expect(page.body).toContain(`/data-requests/new?agency=${PUBLIC[1]!.publisher}`);

    const mine = (await developer.request({ url: '/api/v1/developers/me' })).json();
    const usage = mine.usage.find((u: { keyId: string }) => u.keyId === key.id);
    expect(usage.requests).toBe(5);
    expect(Object.fromEntries(usage.datasets.map((d: { datasetId: string; requests: number }) => [d.datasetId, d.requests]))).toEqual({ [x]: 2, [y]: 1, '': 2 });
    const html = (await developer.request({ url: '/developers?lang=en' })).body;
    expect(html).toContain(`<a href="/datasets/${x}?lang=en">${x}</a></td><td>2</td>`);
  });
});
