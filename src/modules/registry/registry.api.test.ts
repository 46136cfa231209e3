import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';

async function auditRows(platform: TestPlatform, where: string, params: unknown[]) {
  await platform.audit.flush();
  const result = await platform.database.pool.query(`SELECT * FROM audit.entries WHERE ${where} ORDER BY id`, params);
  return result.rows;
}

describe('a resident reading resident-register records', () => {
  let platform: TestPlatform;
  let resident: TestClient;

  beforeAll(async () => {
    platform = await startTestPlatform();
    resident = new TestClient(platform.app);
    const signedIn = await resident.signIn({ residentId: 7 });
    expect(signedIn.statusCode).toBe(303);
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('reads their own record, masked, and the read is audited as allowed', async () => {
    const response = await resident.request({ url: '/api/v1/me/record', headers: { 'x-request-id': 'own-record-read-1' } });
    expect(response.statusCode).toBe(200);
    const record = response.json();
    expect(record.residentId).toBe(7);
    expect(record.rrnMasked).toMatch(/^\d{6}-[1-8]\*{6}$/);
    expect(JSON.stringify(record)).not.toMatch(/\d{13}/);
    const entries = await auditRows(platform, 'request_id = $1', ['own-record-read-1']);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor_id: 'resident-7',
      actor_role: 'resident',
      action: 'registry.resident-record.read',
      subject_resident_id: 7,
      outcome: 'allowed',
    });
  });

  it('gets 403 for another resident\'s record, and the attempt is audited as denied', async () => {
    const response = await resident.request({ url: '/api/v1/residents/8/record', headers: { 'x-request-id': 'other-record-read-1' } });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(response.body).not.toContain('nameKo');
    const entries = await auditRows(platform, 'request_id = $1', ['other-record-read-1']);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_id: 'resident-7', subject_resident_id: 8, outcome: 'denied' });
  });

  it('reads their own record through the id route too', async () => {
    const response = await resident.request({ url: '/api/v1/residents/7/record' });
    expect(response.statusCode).toBe(200);
    expect(response.json().residentId).toBe(7);
  });

  it('shows the record on the "My information" page in Korean and English, auditing each view', async () => {
    const before = (await auditRows(platform, "subject_resident_id = 7 AND action = 'registry.resident-record.read'", [])).length;
    const record = (await resident.request({ url: '/api/v1/me/record' })).json();
    const korean = await resident.request({ url: '/me?lang=ko', headers: { accept: 'text/html' } });
    expect(korean.statusCode).toBe(200);
    expect(korean.body).toContain('<html lang="ko">');
    expect(korean.body).toContain(record.nameKo);
    expect(korean.body).toContain('주민등록번호');
    const english = await resident.request({ url: '/me?lang=en', headers: { accept: 'text/html' } });
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain(record.nameRomanized);
    expect(english.body).toContain('Resident registration number');
    expect(english.body).not.toMatch(/\d{6}-?[1-8]\d{6}/);
    const after = (await auditRows(platform, "subject_resident_id = 7 AND action = 'registry.resident-record.read'", [])).length;
    expect(after - before).toBe(3);
  });

  it('refuses officials (they read registry data only through the exchange), audited as denied', async () => {
    const official = new TestClient(platform.app);
    await official.signIn({ staffId: 'MOHW-0001' });
    const response = await official.request({ url: '/api/v1/residents/7/record', headers: { 'x-request-id': 'official-read-1' } });
    expect(response.statusCode).toBe(403);
    const entries = await auditRows(platform, 'request_id = $1', ['official-read-1']);
    expect(entries[0]).toMatchObject({ actor_role: 'official', actor_org: 'MOHW', outcome: 'denied' });
  });

  it('asks anonymous callers to sign in (401) and sends anonymous browsers to the sign-in page', async () => {
    const anonymous = new TestClient(platform.app);
    const api = await anonymous.request({ url: '/api/v1/residents/7/record' });
    expect(api.statusCode).toBe(401);
    expect(api.json().code).toBe('UNAUTHENTICATED');
    const page = await anonymous.request({ url: '/me', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/sign-in?returnTo=%2Fme');
  });

  it('rejects ids that are not positive integers with a field-level problem', async () => {
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
      const response = await resident.request({ url: `/api/v1/residents/${bad}/record` });
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().errors[0].field).toBe('/params/residentId');
    }
  });
});
