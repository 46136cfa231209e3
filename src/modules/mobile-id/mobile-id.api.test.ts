// The Mobile ID over HTTP with the holder library as the phone: issuance bound to the device key,
// selective disclosure (the verifier gets "over 19" and nothing else; the other disclosures are
// not even in the presentation), every way a presentation can be wrong (tampered, foreign
// disclosure, another device's key binding, wrong nonce or audience, stale, replayed, expired,
// malformed) as a 4xx problem with its own code, revocation effective on the very next check,
// re-issuance to a new device, the status list, and the audit trail in "who used my data".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { PlatformKeys } from '../../core/keys';
import { koreanDate } from '../../core/period';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { ageOn } from './attributes';
import { MobileIdHolder } from './holder';
import { createDisclosure, decodeDisclosure, joinSdJwt, splitSdJwt } from './sd-jwt';
import { MobileIdService } from './service';

let platform: TestPlatform;
let resident: TestClient;
let verifier: TestClient;
let adult: { id: number; birthDate: string; nameKo: string };

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 40 });
  const today = koreanDate();
  const rows = await platform.database.pool.query<{ id: number; birth_date: string; name_ko: string }>(
    'SELECT id, birth_date, name_ko FROM registry.residents WHERE deceased_on IS NULL ORDER BY id',
  );
  const found = rows.rows.find((r) => ageOn(r.birth_date, today) >= 25 && ageOn(r.birth_date, today) <= 60)!;
  adult = { id: found.id, birthDate: found.birth_date, nameKo: found.name_ko };
  resident = new TestClient(platform.app);
  expect((await resident.signIn({ residentId: adult.id })).statusCode).toBe(303);
  verifier = new TestClient(platform.app);
});
afterAll(async () => {
  await platform?.close();
});

async function issueTo(holder: MobileIdHolder, client = resident) {
  const response = await client.request({
    method: 'POST',
    url: '/api/v1/mobile-id/credentials',
    headers: { 'x-csrf-token': client.csrfToken! },
    json: { devicePublicJwk: holder.publicJwk, deviceLabel: 'test phone' },
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json();
  await holder.store(body.credential);
  return body as { id: string; credential: string; statusIndex: number; replaced: string | null };
}

async function newRequest(attributes: string[], audience?: string) {
  const response = await verifier.request({ method: 'POST', url: '/api/v1/mobile-id/verification-requests', json: { attributes, verifierName: '한빛편의점', ...(audience ? { audience } : {}) } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; nonce: string; audience: string; attributes: string[] };
}

function verify(requestId: string, presentation: string) {
  return verifier.request({ method: 'POST', url: '/api/v1/mobile-id/verify', headers: { 'accept-language': 'en' }, json: { requestId, presentation } });
}

/** The presentation with one character of the issuer-signed payload changed. */
function tamper(presentation: string): string {
  const [header, payload, signature] = presentation.split('~')[0]!.split('.') as [string, string, string];
  const at = Math.floor(payload.length / 2);
  const changed = `${payload.slice(0, at)}${payload[at] === 'A' ? 'B' : 'A'}${payload.slice(at + 1)}`;
  return presentation.replace(`${header}.${payload}.${signature}`, `${header}.${changed}.${signature}`);
}

describe('issuing a Mobile ID', () => {
  it('binds an SD-JWT VC signed by the platform to the device key, every attribute a salted disclosure', async () => {
    const phone = await MobileIdHolder.create();
    const issued = await issueTo(phone);
    const parts = splitSdJwt(issued.credential);
    expect(decodeProtectedHeader(parts.issuerJwt)).toMatchObject({ alg: 'EdDSA', typ: 'dc+sd-jwt' });
    const jwks = (await verifier.request({ url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(decodeProtectedHeader(parts.issuerJwt).kid);
    const payload = decodeJwt(parts.issuerJwt) as Record<string, any>;
    expect(payload.cnf.jwk).toEqual(phone.publicJwk);
    expect(payload._sd_alg).toBe('sha-256');
    expect(payload.status.status_list).toMatchObject({ idx: issued.statusIndex, uri: expect.stringMatching(/\/api\/v1\/mobile-id\/status-list$/) });
    // No attribute value is readable in the signed part: only digests.
    expect(JSON.stringify(payload)).not.toContain(adult.birthDate);
    expect(JSON.stringify(payload)).not.toContain(adult.nameKo);
    const disclosed = Object.fromEntries(parts.disclosures.map((d) => decodeDisclosure(d)).map((d) => [d.name, d.value]));
    expect(disclosed).toMatchObject({ name: adult.nameKo, birthdate: adult.birthDate, age_over_19: true, age_over_65: false });
    expect(Object.keys(disclosed).sort()).toEqual(['address', 'age_over_19', 'age_over_65', 'birthdate', 'name', 'name_romanized', 'region']);
    expect(payload._sd).toHaveLength(7);
  });

  it('refuses a device key with its private part, and anyone who is not a signed-in resident', async () => {
    const phone = await MobileIdHolder.create();
    const withPrivate = await resident.request({
      method: 'POST',
      url: '/api/v1/mobile-id/credentials',
      headers: { 'x-csrf-token': resident.csrfToken! },
      json: { devicePublicJwk: phone.state().privateJwk },
    });
    expect(expectProblem(withPrivate, 400, 'VALIDATION_FAILED').errors[0].field).toBe('/body/devicePublicJwk');
    await verifier.request({ url: '/verify/mobile-id' });
    const anonymous = await verifier.request({ method: 'POST', url: '/api/v1/mobile-id/credentials', headers: { 'x-csrf-token': verifier.csrfToken! }, json: { devicePublicJwk: phone.publicJwk } });
    expectProblem(anonymous, 401, 'UNAUTHENTICATED');
  });
});

describe('verifying a presentation', () => {
  let phone: MobileIdHolder;
  beforeAll(async () => {
    phone = await MobileIdHolder.create();
    await issueTo(phone);
  });

  it('shows only "over 19": the birth date is neither answered nor even inside the presentation', async () => {
    const request = await newRequest(['age_over_19']);
    const presentation = await phone.present(request);
    const parts = splitSdJwt(presentation);
    expect(parts.disclosures.map((d) => decodeDisclosure(d).name)).toEqual(['age_over_19']);
    expect(parts.keyBindingJwt).not.toBeNull();
    const everything = presentation.split(/[~.]/).map((part) => Buffer.from(part, 'base64url').toString('utf8')).join(' ');
    expect(everything).not.toContain(adult.birthDate);
    expect(everything).not.toContain(adult.nameKo);

    const response = await verify(request.id, presentation);
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result.valid).toBe(true);
    expect(result.attributes).toEqual({ age_over_19: true });
    expect(response.body).not.toContain(adult.birthDate);
  });

  it('answers only the requested attributes even when a holder shows more', async () => {
    const request = await newRequest(['region']);
    const presentation = await phone.present(request, { disclose: ['region', 'birthdate'] });
    const response = await verify(request.id, presentation);
    expect(response.statusCode, response.body).toBe(200);
    expect(Object.keys(response.json().attributes)).toEqual(['region']);
    expect(response.body).not.toContain(adult.birthDate);
  });

  it('refuses a credential with one changed character (issuer signature)', async () => {
    const request = await newRequest(['age_over_19']);
    const problem = expectProblem(await verify(request.id, tamper(await phone.present(request))), 422, 'MOBILE_ID_SIGNATURE_INVALID');
    expect(problem.detail).toMatch(/altered|signature/);
  });

  it('refuses a disclosure whose digest the issuer never signed, even with a valid key binding over it', async () => {
    const request = await newRequest(['age_over_65']);
    const issuerJwt = splitSdJwt(phone.credential!).issuerJwt;
    const forged = createDisclosure('age_over_65', true).encoded;
    const sdJwt = joinSdJwt(issuerJwt, [forged]);
    const presentation = `${sdJwt}${await phone.keyBinding(sdJwt, request)}`;
    expectProblem(await verify(request.id, presentation), 422, 'MOBILE_ID_DISCLOSURE_INVALID');
  });

  it('refuses a key binding signed by another device', async () => {
    const request = await newRequest(['age_over_19']);
    const thief = await MobileIdHolder.create();
    const sdJwt = splitSdJwt(await phone.present(request)).withoutKeyBinding;
    const presentation = `${sdJwt}${await thief.keyBinding(sdJwt, request)}`;
    expectProblem(await verify(request.id, presentation), 422, 'MOBILE_ID_KEY_BINDING_INVALID');
  });

  it('refuses a presentation without a key binding, or whose key binding covers other disclosures', async () => {
    const request = await newRequest(['age_over_19']);
    const parts = splitSdJwt(await phone.present(request));
    expectProblem(await verify(request.id, parts.withoutKeyBinding), 422, 'MOBILE_ID_KEY_BINDING_INVALID');
    // The same key binding with a disclosure added afterwards: sd_hash no longer matches.
    const second = await newRequest(['age_over_19']);
    const shown = splitSdJwt(await phone.present(second));
    const name = splitSdJwt(phone.credential!).disclosures.find((d) => decodeDisclosure(d).name === 'name')!;
    const added = `${shown.withoutKeyBinding}${name}~${shown.keyBindingJwt}`;
    expectProblem(await verify(second.id, added), 422, 'MOBILE_ID_KEY_BINDING_INVALID');
  });

  it('refuses another request\'s nonce, another verifier\'s audience, and a stale key binding', async () => {
    const first = await newRequest(['age_over_19']);
    const second = await newRequest(['age_over_19']);
    expectProblem(await verify(second.id, await phone.present(first)), 422, 'MOBILE_ID_NONCE_MISMATCH');

    const elsewhere = await newRequest(['age_over_19'], 'https://shop.example/verifier');
    expectProblem(await verify(elsewhere.id, await phone.present({ ...elsewhere, audience: 'https://other.example' })), 422, 'MOBILE_ID_KEY_BINDING_INVALID');

    const stale = await newRequest(['age_over_19']);
    const presentation = await phone.present(stale, { issuedAt: Math.floor(Date.now() / 1000) - 3600 });
    expect(expectProblem(await verify(stale.id, presentation), 422, 'MOBILE_ID_KEY_BINDING_INVALID').detail).toMatch(/fresh/);
  });

  it('refuses a replayed presentation: a request answers once', async () => {
    const request = await newRequest(['age_over_19']);
    const presentation = await phone.present(request);
    expect((await verify(request.id, presentation)).statusCode).toBe(200);
    expectProblem(await verify(request.id, presentation), 409, 'MOBILE_ID_REPLAYED');
    const state = (await verifier.request({ url: `/api/v1/mobile-id/verification-requests/${request.id}` })).json();
    expect(state).toMatchObject({ used: true, outcome: 'valid' });
    await platform.audit.flush();
    const attempts = await platform.database.pool.query<{ outcome: string; refusal: string | null }>(
      "SELECT outcome, details->>'refusal' AS refusal FROM audit.entries WHERE action = 'mobile-id.verify' AND details->>'verificationRequestId' = $1 ORDER BY id",
      [request.id],
    );
    expect(attempts.rows).toEqual([{ outcome: 'allowed', refusal: null }, { outcome: 'denied', refusal: 'MOBILE_ID_REPLAYED' }]);
  });

  it('refuses a presentation missing a requested attribute', async () => {
    const request = await newRequest(['age_over_19', 'region']);
    expectProblem(await verify(request.id, await phone.present(request, { disclose: ['age_over_19'] })), 422, 'MOBILE_ID_ATTRIBUTE_MISSING');
  });

  it('answers malformed input with 4xx problems, never 5xx', async () => {
    const request = await newRequest(['age_over_19']);
    expectProblem(await verify(request.id, 'not an sd-jwt'), 400, 'MOBILE_ID_PRESENTATION_MALFORMED');
    const again = await newRequest(['age_over_19']);
    expectProblem(await verify(again.id, 'a.b.c~%%%~'), 400, 'MOBILE_ID_PRESENTATION_MALFORMED');
    const third = await newRequest(['age_over_19']);
    const junkDisclosure = `${splitSdJwt(phone.credential!).issuerJwt}~${Buffer.from('"just a string"').toString('base64url')}~`;
    const kb = await phone.keyBinding(junkDisclosure, third);
    expectProblem(await verify(third.id, `${junkDisclosure}${kb}`), 422, 'MOBILE_ID_DISCLOSURE_INVALID');
    expectProblem(await verify('MVR-00000000-0000-4000-8000-000000000000', await phone.present(request)), 404, 'MOBILE_ID_REQUEST_NOT_FOUND');
    expectProblem(await verify('nonsense', 'x'), 400, 'VALIDATION_FAILED');
    const unknown = await verifier.request({ method: 'POST', url: '/api/v1/mobile-id/verification-requests', json: { attributes: ['shoe_size'] } });
    expect(expectProblem(unknown, 400, 'VALIDATION_FAILED').errors[0].field).toBe('/body/attributes');
  });

  it('refuses an expired card', async () => {
    // The same platform key and database, with the issuer's clock four years back.
    const past = Date.now() - 4 * 365 * 86_400_000;
    const oldIssuer = new MobileIdService(platform.database.pool, platform.audit, platform.registry, await PlatformKeys.load(platform.database.pool), {
      issuer: platform.config.publicBaseUrl,
      now: () => past,
    });
    const oldPhone = await MobileIdHolder.create();
    const rows = await platform.database.pool.query<{ id: number }>('SELECT id FROM registry.residents WHERE id <> $1 AND deceased_on IS NULL ORDER BY id LIMIT 1', [adult.id]);
    const otherId = rows.rows[0]!.id;
    const context = {
      principal: { accountId: `resident-${otherId}`, sessionId: 's', role: 'resident' as const, residentId: otherId, agencyCode: null, displayName: { ko: 'x', en: 'x' } },
      actor: { id: `resident-${otherId}`, role: 'resident' },
      requestId: 'expired-card-test',
    };
    const issued = await oldIssuer.issue(context, { devicePublicJwk: oldPhone.publicJwk });
    await oldPhone.store(issued.credential);
    expect(Date.parse(issued.summary.expiresAt)).toBeLessThan(Date.now());
    const request = await newRequest(['age_over_19']);
    expectProblem(await verify(request.id, await oldPhone.present(request)), 422, 'MOBILE_ID_EXPIRED');
  });
});

describe('reporting a Mobile ID lost', () => {
  it('fails the very next verification, shows in the status list, and a new device can be issued while the old stays revoked', async () => {
    const lostPhone = await MobileIdHolder.create();
    const lost = await issueTo(lostPhone);
    const before = await newRequest(['age_over_19']);
    expect((await verify(before.id, await lostPhone.present(before))).statusCode).toBe(200);

    // Prepared before the report, checked right after it returns.
    const after = await newRequest(['age_over_19']);
    const presentation = await lostPhone.present(after);
    const revoked = await resident.request({ method: 'POST', url: `/api/v1/mobile-id/${lost.id}/revoke`, headers: { 'x-csrf-token': resident.csrfToken! }, json: { reason: 'lost' } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'REVOKED', revocationReason: 'lost' });
    expectProblem(await verify(after.id, presentation), 422, 'MOBILE_ID_REVOKED');

    const list = await verifier.request({ url: '/api/v1/mobile-id/status-list' });
    expect(list.headers['content-type']).toContain('application/statuslist+jwt');
    const statusList = decodeJwt(list.body) as { status_list: { bits: number; lst: string } };
    const bits = inflateSync(Buffer.from(statusList.status_list.lst, 'base64url'));
    expect((bits[lost.statusIndex >> 3]! >> (lost.statusIndex & 7)) & 1).toBe(1);

    const newPhone = await MobileIdHolder.create();
    const reissued = await issueTo(newPhone);
    expect(reissued.replaced).toBeNull();
    const fresh = await newRequest(['age_over_19']);
    expect((await verify(fresh.id, await newPhone.present(fresh))).statusCode).toBe(200);
    const stillLost = await newRequest(['age_over_19']);
    expectProblem(await verify(stillLost.id, await lostPhone.present(stillLost)), 422, 'MOBILE_ID_REVOKED');
    expect((bits[reissued.statusIndex >> 3]! >> (reissued.statusIndex & 7)) & 1).toBe(0);
  });

  it('lets an operator revoke a card (e.g. reported lost at a local office)', async () => {
    const phone = await MobileIdHolder.create();
    const card = await issueTo(phone);
    const operator = new TestClient(platform.app);
    await operator.signIn({ staffId: 'MOIS-OPS-01' });
    const revoked = await operator.request({ method: 'POST', url: `/api/v1/mobile-id/${card.id}/revoke`, headers: { 'x-csrf-token': operator.csrfToken! }, json: { reason: 'stolen' } });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'REVOKED', revocationReason: 'stolen' });
    const request = await newRequest(['age_over_19']);
    expectProblem(await verify(request.id, await phone.present(request)), 422, 'MOBILE_ID_REVOKED');
  });

  it('lets no one else revoke a card (404, audited as denied)', async () => {
    const phone = await MobileIdHolder.create();
    const mine = await issueTo(phone);
    const someoneElse = new TestClient(platform.app);
    await someoneElse.signIn({ residentId: adult.id === 1 ? 2 : 1 });
    const refused = await someoneElse.request({ method: 'POST', url: `/api/v1/mobile-id/${mine.id}/revoke`, headers: { 'x-csrf-token': someoneElse.csrfToken! }, json: {} });
    expectProblem(refused, 404, 'MOBILE_ID_NOT_FOUND');
    const request = await newRequest(['age_over_19']);
    expect((await verify(request.id, await phone.present(request))).statusCode).toBe(200);
  });
});

describe('the audit trail', () => {
  it('lists issuance, each verification (with the verifier and only the disclosed attribute names) and the revocation in "who used my data"', async () => {
    await platform.audit.flush();
    const response = await resident.request({ url: '/api/v1/me/data-usage?limit=100', headers: { 'accept-language': 'en' } });
    expect(response.statusCode).toBe(200);
    const items = response.json().items as Array<{ actionCode: string; action: { ko: string; en: string }; fields: string[]; purpose: { text: string }; outcome: string }>;
    const verifications = items.filter((i) => i.actionCode === 'mobile-id.verify');
    expect(verifications.length).toBeGreaterThan(5);
    expect(verifications[0]!.action).toEqual({ ko: '모바일 신분증으로 신원·자격 확인', en: 'Checked your identity or age with your Mobile ID' });
    expect(verifications.some((v) => v.outcome === 'allowed' && v.fields.join() === 'age_over_19' && v.purpose.text.includes('한빛편의점'))).toBe(true);
    expect(verifications.some((v) => v.outcome === 'denied')).toBe(true);
    expect(items.some((i) => i.actionCode === 'mobile-id.issue')).toBe(true);
    expect(items.some((i) => i.actionCode === 'mobile-id.revoke' && i.outcome === 'allowed')).toBe(true);
    expect(JSON.stringify(verifications)).not.toContain(adult.birthDate);
  });
});
