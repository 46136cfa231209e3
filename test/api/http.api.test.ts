import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertionIn, startTestPlatform, TestClient, type TestPlatform } from '../support/platform';
import { expectProblem } from '../support/problems';

let platform: TestPlatform;
let resident: TestClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  resident = new TestClient(platform.app);
  await resident.signIn({ residentId: 3 });
});
afterAll(async () => {
  await platform?.close();
});

describe('bad input gets problem+json 4xx, never 5xx', () => {
  const put = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    resident.request({
      method: 'PUT',
      url: '/api/v1/me/contact-details',
      headers: { 'content-type': 'application/json', 'x-csrf-token': resident.csrfToken!, ...headers },
      payload,
    });

  it('malformed JSON', async () => {
    expectProblem(await put('{"email": "a@b.kr",'), 400, 'MALFORMED_BODY');
    expectProblem(await put('not json at all'), 400, 'MALFORMED_BODY');
  });

  it('wrong types name the offending field', async () => {
    const problem = expectProblem(await put(JSON.stringify({ email: 42, phone: ['010'] })), 400, 'VALIDATION_FAILED');
    const fields = problem.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/body/email', '/body/phone']));
  });

  it('unknown fields and malformed values are named too', async () => {
    const unknown = expectProblem(await put(JSON.stringify({ email: 'a@b.kr', role: 'operator' })), 400, 'VALIDATION_FAILED');
    expect(unknown.errors[0].field).toBe('/body/role');
    const phone = expectProblem(await put(JSON.stringify({ phone: '12345' })), 400, 'VALIDATION_FAILED');
    expect(phone.errors[0].field).toBe('/body/phone');
  });

  it('validation messages follow the reader\'s language', async () => {
    const korean = await put(JSON.stringify({ phone: '12345' }), { 'accept-language': 'ko-KR,ko;q=0.9' });
    expect(korean.json().title).toBe('요청 내용이 올바르지 않습니다');
    const english = await put(JSON.stringify({ phone: '12345' }), { 'accept-language': 'en-GB,en;q=0.9' });
    expect(english.json().title).toBe('The request is not valid');
  });

  it('bodies over 1 MiB', async () => {
    const big = JSON.stringify({ email: `${'a'.repeat(1024 * 1024 + 10)}@b.kr` });
    expectProblem(await put(big), 413, 'BODY_TOO_LARGE');
  });

  it('unsupported content types', async () => {
    expectProblem(await put('<xml/>', { 'content-type': 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('unknown routes and methods', async () => {
    expectProblem(await resident.request({ url: '/api/v1/nothing-here' }), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await resident.request({ url: '/no/such/page?x=1' }), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await resident.request({ method: 'DELETE', url: '/health' }), 404, 'ROUTE_NOT_FOUND');
  });

  it('undecodable URLs and over-long path segments (refused by the router itself)', async () => {
    expectProblem(await resident.request({ url: '/api/v1/residents/%ZZ/record' }), 400, 'VALIDATION_FAILED');
    expectProblem(await resident.request({ url: `/api/v1/residents/${'9'.repeat(300)}/record` }), 414, 'URI_TOO_LONG');
  });

  it('browsers get an HTML error page with the same code', async () => {
    const response = await resident.request({ url: '/no/such/page', headers: { accept: 'text/html' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('ROUTE_NOT_FOUND');
  });

  it('oversize headers, over a real socket (Node parses them before Fastify)', async () => {
    await platform.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = platform.app.server.address() as AddressInfo;
    const response = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/health', headers: { 'x-padding': 'a'.repeat(64 * 1024) } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(response.status).toBe(431);
    expect(response.type).toContain('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
  });

  it('a burst of generated garbage never produces a 5xx', async () => {
    const payloads = ['', '{', '[]', 'null', '"x"', '{"email":null}', '{"email":{}}', '\u0000', '{"__proto__":{"x":1}}', '{"email":"\ud800"}'];
    const contentTypes = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];
    for (const payload of payloads) {
      for (const contentType of contentTypes) {
        const response = await put(payload, { 'content-type': contentType });
        expect(response.statusCode, `${contentType} ${JSON.stringify(payload)}`).toBeGreaterThanOrEqual(200);
        expect(response.statusCode, `${contentType} ${JSON.stringify(payload)}`).toBeLessThan(500);
      }
    }
  });
});

describe('CSRF protection', () => {
  it('refuses a state-changing request without the token', async () => {
    const response = await resident.request({ method: 'PUT', url: '/api/v1/me/contact-details', json: { email: 'x@y.kr' } });
    expectProblem(response, 403, 'CSRF_TOKEN_INVALID');
  });

  it('refuses a form posted with another token', async () => {
    const response = await resident.request({ method: 'POST', url: '/me/contact-details', form: { _csrf: 'x'.repeat(32), email: 'x@y.kr' } });
    expect(response.statusCode).toBe(403);
  });

  it('accepts the token, saves the change and audits it in the same transaction', async () => {
    const response = await resident.request({
      method: 'PUT',
      url: '/api/v1/me/contact-details',
      headers: { 'x-csrf-token': resident.csrfToken!, 'x-request-id': 'contact-update-1' },
      json: { email: 'resident3@example.kr', phone: '010-1234-5678' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ email: 'resident3@example.kr', phone: '010-1234-5678' });
    const read = await resident.request({ url: '/api/v1/me/contact-details', headers: { 'x-request-id': 'contact-read-1' } });
    expect(read.json().email).toBe('resident3@example.kr');
    await platform.audit.flush();
    const entries = await platform.database.pool.query(
      "SELECT action, outcome, subject_resident_id FROM audit.entries WHERE request_id IN ('contact-update-1', 'contact-read-1') ORDER BY id",
    );
    expect(entries.rows).toEqual([
      { action: 'identity.contact-details.update', outcome: 'allowed', subject_resident_id: 3 },
      { action: 'identity.contact-details.read', outcome: 'allowed', subject_resident_id: 3 },
    ]);
  });
});

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite, Secure session cookie', async () => {
    const client = new TestClient(platform.app);
    const response = await client.signIn({ residentId: 5 });
    const cookie = (response.cookies as Array<{ name: string; httpOnly?: boolean; sameSite?: string; secure?: boolean }>).find((c) => c.name === 'og_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true });
    const session = await client.request({ url: '/api/v1/session' });
    expect(session.json()).toMatchObject({ authenticated: true, role: 'resident', residentId: 5 });
  });

  it('gives staff their role and agency', async () => {
    const operator = new TestClient(platform.app);
    await operator.signIn({ staffId: 'MOIS-OPS-01' });
    expect((await operator.request({ url: '/api/v1/session' })).json()).toMatchObject({ role: 'operator', agencyCode: 'MOIS' });
  });

  it('rejects a tampered assertion and audits the denial', async () => {
    const client = new TestClient(platform.app);
    const url = await client.beginSignIn('naver');
    const assertion = assertionIn(await client.confirmIdentity(url, 'resident:4'));
    const [header, payload, signature] = assertion.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, rrn: 'someone else' })).toString('base64url');
    const response = await client.finishSignIn(url, `${header}.${forged}.${signature}`, { 'x-request-id': 'forged-sign-in-1' });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('AUTHENTICATION_FAILED');
    await platform.audit.flush();
    const entries = await platform.database.pool.query("SELECT outcome FROM audit.entries WHERE request_id = 'forged-sign-in-1'");
    expect(entries.rows).toEqual([{ outcome: 'denied' }]);
    expect((await client.request({ url: '/api/v1/session' })).json().authenticated).toBe(false);
  });

  it('refuses a callback whose state belongs to another browser', async () => {
    const victim = new TestClient(platform.app);
    const url = await victim.beginSignIn('pass');
    const assertion = assertionIn(await victim.confirmIdentity(url, 'resident:4'));
    const attacker = new TestClient(platform.app);
    expect((await attacker.finishSignIn(url, assertion)).statusCode).toBe(401);
  });

  it('does not let a private certificate sign in government staff', async () => {
    const client = new TestClient(platform.app);
    const url = await client.beginSignIn('toss');
    expect((await client.confirmIdentity(url, 'staff:MOIS-OPS-01')).statusCode).toBe(401);
  });

  it('never redirects off-site after sign-in', async () => {
    const client = new TestClient(platform.app);
    const url = await client.beginSignIn('kakao', '//evil.example/steal');
    const done = await client.finishSignIn(url, assertionIn(await client.confirmIdentity(url, 'resident:2')));
    expect(done.headers.location).toBe('/me');
  });

  it('signs out: the session stops working', async () => {
    const client = new TestClient(platform.app);
    await client.signIn({ residentId: 6 });
    expect((await client.request({ url: '/api/v1/me/record' })).statusCode).toBe(200);
    const out = await client.request({ method: 'POST', url: '/sign-out', form: { _csrf: client.csrfToken! } });
    expect(out.statusCode).toBe(303);
    expect((await client.request({ url: '/api/v1/me/record' })).statusCode).toBe(401);
  });
});

describe('operations', () => {
  it('answers liveness and readiness', async () => {
    expect((await resident.request({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await resident.request({ url: '/ready' })).json()).toMatchObject({ status: 'ready', database: 'ok' });
  });

  it('serves an OpenAPI 3.1 document in which every API route has schemas and documented problems', async () => {
    const spec = (await resident.request({ url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(spec.components.schemas.Problem).toBeDefined();
    const operations = Object.entries(spec.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual(
      expect.arrayContaining(['GET /api/v1/me/record', 'GET /api/v1/residents/{residentId}/record', 'PUT /api/v1/me/contact-details', 'GET /health', 'GET /ready']),
    );
    for (const { path, method, op } of operations) {
      const success = Object.keys(op.responses ?? {}).filter((status) => /^[23]\d\d$/.test(status));
      expect(success, `${method} ${path}`).toHaveLength(1);
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      if (path.includes('{')) expect((op.parameters ?? []).some((p: { in: string }) => p.in === 'path'), `${method} ${path}`).toBe(true);
    }
    // Pages are documented too, with their HTML responses.
    expect(spec.paths['/me'].get.responses['200'].content['text/html']).toBeDefined();
    expect(spec.paths['/sign-in/callback'].post.responses['303']).toBeDefined();
  });

  it('browsable docs list the API', async () => {
    const docs = await resident.request({ url: '/docs?lang=en' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('GET /api/v1/me/record');
  });

  it('lets auditors, not residents, verify the audit chain', async () => {
    expect((await resident.request({ url: '/api/v1/audit/verification' })).statusCode).toBe(403);
    const auditor = new TestClient(platform.app);
    await auditor.signIn({ staffId: 'BAI-AUD-01' });
    await platform.audit.flush();
    const report = (await auditor.request({ url: '/api/v1/audit/verification' })).json();
    expect(report).toMatchObject({ ok: true, firstBrokenPosition: null });
    expect(report.checked).toBeGreaterThan(5);
  });

  it('sets security headers and echoes a well-formed request id', async () => {
    const response = await resident.request({ url: '/health', headers: { 'x-request-id': 'trace-abc-123' } });
    expect(response.headers['x-request-id']).toBe('trace-abc-123');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});

describe('logs', () => {
  it('contain no resident registration number or personal fields, even when requests carry them', async () => {
    const rrn = (await platform.database.pool.query('SELECT rrn FROM registry.residents WHERE id = 3')).rows[0].rrn as string;
    await resident.request({ url: `/api/v1/residents/3/record?rrn=${rrn}&note=${rrn.slice(0, 6)}-${rrn.slice(6)}` });
    await resident.request({ url: `/no/such/${rrn}` });
    await resident.request({
      method: 'PUT',
      url: '/api/v1/me/contact-details',
      headers: { 'x-csrf-token': resident.csrfToken! },
      json: { email: `${rrn}@example.kr`, phone: rrn },
    });
    await resident.request({ url: '/me' });
    const logs = platform.logLines.join('');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).not.toContain(rrn);
    expect(logs).not.toContain(rrn.slice(6));
  });
});
