// The document wallet over HTTP (inject): a resident asks for certificates from the wallet page;
// agencies' officials issue over the VC-API (and nobody else may); every issued credential meets
// the VC Data Model 2.0's MUSTs and verifies independently of our verifier (RDFC-1.0 with
// rdf-canonize, SHA-256, Ed25519 with node:crypto, as the eddsa-rdfc-2022 spec says); one changed
// character, a revocation, an expiry are each refused with the reason; bad input is a clear 4xx;
// a bank fetches a shared certificate under a one-time MyData consent, once, and the resident
// sees all of it in "who used my data".
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';
import { contexts as bundledContexts } from '@digitalbazaar/credentials-context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { staff, contextOf } from '../../../test/support/staff';
import { pgBit } from './status-list';

let platform: TestPlatform;
let resident: TestClient;
let nts: TestClient;
let kdca: TestClient;
let mois: TestClient;
let bankSecret = '';
const ME = 6;
const OTHER = 7;
const BANK = 'KR/COM/DEMOBANK/loans';
const VC2 = 'https://www.w3.org/ns/credentials/v2';
type Credential = Record<string, any>;
const issued: Record<string, Credential> = {};

const api = (client: TestClient, method: 'GET' | 'POST', url: string, json?: unknown) =>
  client.request({ method, url, json, headers: client.csrfToken ? { 'x-csrf-token': client.csrfToken } : {} });
const verify = (credential: unknown) => platform.app.inject({ method: 'POST', url: '/credentials/verify', payload: { verifiableCredential: credential } });

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 60 });
  // Proofs checked in worker threads here (as in production); the browser test checks them in-process.
  platform.wallet.crypto.useWorkers(2);
  const operator = new TestClient(platform.app);
  await operator.signIn({ staffId: 'MOIS-OPS-01' });
  const bank = await api(operator, 'POST', '/api/v1/exchange/credentials', { subsystemId: BANK });
  expect(bank.statusCode, bank.body).toBe(201);
  bankSecret = bank.json().secret;
  resident = new TestClient(platform.app);
  expect((await resident.signIn({ residentId: ME })).statusCode).toBe(303);
  nts = new TestClient(platform.app);
  await nts.signIn({ staffId: 'NTS-0001' });
  kdca = new TestClient(platform.app);
  await kdca.signIn({ staffId: 'KDCA-0001' });
  mois = new TestClient(platform.app);
  await mois.signIn({ staffId: 'MOIS-0001' });
}, 120_000);
afterAll(async () => platform?.close());

describe('issuing', () => {
  it('a resident asks for each certificate they are entitled to from the wallet page, and finds them listed', async () => {
    await resident.request({ url: '/me/wallet' });
    for (const type of ['FamilyRelationCertificate', 'IncomeCertificate', 'ResidentRegistrationAbstract', 'ElectronicSealCertificate']) {
      const form: Record<string, string> = { _csrf: resident.csrfToken!, type };
      if (type === 'ElectronicSealCertificate') form.sealPurpose = 'property-sale';
      const response = await resident.request({ method: 'POST', url: '/me/wallet/request', form });
      expect(response.statusCode, response.body).toBe(303);
      const page = await resident.request({ url: response.headers.location as string });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<svg');
      expect(page.body).toContain('/verify?id=urn%3Aoncegov%3Adoc%3A');
    }
    const list = await resident.request({ url: '/api/v1/me/wallet' });
    expect(list.statusCode).toBe(200);
    for (const item of list.json().items) issued[item.type] = item.credential;
    expect(Object.keys(issued).sort()).toEqual(['ElectronicSealCertificate', 'FamilyRelationCertificate', 'IncomeCertificate', 'ResidentRegistrationAbstract']);
    expect(issued.ElectronicSealCertificate!.credentialSubject.sealPurpose).toBe('property-sale');
    const page = await resident.request({ url: '/me/wallet?lang=en' });
    expect(page.body).toContain('Income certificate');
  });

  it('claims come from the registries: the income certificate states the resident\'s own name and income', async () => {
    const db = platform.database.pool;
    const product = await platform.registry.readDataProduct(db, 'tax.income-certificate', ME);
    const basic = await platform.registry.readDataProduct(db, 'resident.basic', ME);
    const subject = issued.IncomeCertificate!.credentialSubject;
    expect(subject).toMatchObject({ id: `urn:oncegov:resident:${ME}`, nameKo: basic!.nameKo, taxYear: product!.taxYear, earnedIncomeKrw: product!.earnedIncomeKrw });
  });

  it('officials of the issuing agency issue over the VC-API (business registration by NTS, vaccination record by KDCA)', async () => {
    const brn = (await platform.database.pool.query<{ brn: string }>('SELECT brn FROM registry.businesses ORDER BY id LIMIT 1')).rows[0]!.brn;
    const business = await api(nts, 'POST', '/credentials/issue', { credential: { type: ['VerifiableCredential', 'BusinessRegistrationCertificate'], credentialSubject: { id: `urn:oncegov:business:${brn}` } } });
    expect(business.statusCode, business.body).toBe(201);
    issued.BusinessRegistrationCertificate = business.json().verifiableCredential;
    expect(issued.BusinessRegistrationCertificate!.credentialSubject.brn).toBe(brn);
    const vaccination = await api(kdca, 'POST', '/credentials/issue', {
      credential: { type: ['VerifiableCredential', 'VaccinationRecord'], credentialSubject: { id: `urn:oncegov:resident:${ME}`, vaccinations: [{ vaccineCode: 'MMR', doseNumber: 1, administeredOn: '2020-03-02' }] } },
    });
    expect(vaccination.statusCode, vaccination.body).toBe(201);
    issued.VaccinationRecord = vaccination.json().verifiableCredential;
  });

  it('nobody else issues: signed out 401, another agency 403, a resident for someone else 403, a resident for an official-only type 403', async () => {
    const body = { credential: { type: ['VerifiableCredential', 'IncomeCertificate'], credentialSubject: { id: `urn:oncegov:resident:${OTHER}` } } };
    expectProblem(await platform.app.inject({ method: 'POST', url: '/credentials/issue', payload: body }), 403, 'CSRF_TOKEN_INVALID');
    const anonymous = new TestClient(platform.app);
    await anonymous.request({ url: '/verify' });
    expectProblem(await api(anonymous, 'POST', '/credentials/issue', body), 401, 'UNAUTHENTICATED');
    expectProblem(await api(mois, 'POST', '/credentials/issue', body), 403, 'FORBIDDEN');
    expectProblem(await api(resident, 'POST', '/credentials/issue', body), 403, 'FORBIDDEN');
    expectProblem(
      await api(resident, 'POST', '/credentials/issue', { credential: { type: ['VerifiableCredential', 'VaccinationRecord'], credentialSubject: { id: `urn:oncegov:resident:${ME}`, vaccinations: [{ vaccineCode: 'MMR', doseNumber: 1, administeredOn: '2020-03-02' }] } } }),
      403,
      'FORBIDDEN',
    );
    expectProblem(await api(nts, 'POST', '/credentials/issue', { credential: { type: ['VerifiableCredential', 'IncomeCertificate'], credentialSubject: { id: 'urn:oncegov:resident:999999' } } }), 404, 'SUBJECT_NOT_FOUND');
    expectProblem(await api(nts, 'POST', '/credentials/issue', { credential: { type: ['VerifiableCredential', 'DriverLicence'], credentialSubject: { id: `urn:oncegov:resident:${ME}` } } }), 400, 'VALIDATION_FAILED');
  });
});

/** The VC Data Model 2.0's normative statements (MUST), checked on the credential as issued. */
function expectConformant(credential: Credential, baseUrl: string) {
  // §4.3 Contexts: @context MUST be an ordered set whose first item is the VC 2.0 context URL.
  expect(Array.isArray(credential['@context'])).toBe(true);
  expect(credential['@context'][0]).toBe(VC2);
  // §4.4 Identifiers: id, when present, MUST be a single URL.
  expect(credential.id).toMatch(/^urn:oncegov:doc:[A-Z]+-[A-Za-z]+-[0-9A-Z]{16}$/);
  // §4.5 Types: type MUST be present and MUST include VerifiableCredential.
  expect(credential.type).toContain('VerifiableCredential');
  // §4.7 Issuer: MUST be a URL (or an object with an id that is one).
  expect(() => new URL(credential.issuer)).not.toThrow();
  expect(credential.issuer.startsWith(`${baseUrl}/issuers/`)).toBe(true);
  // §4.8 Credential subject: MUST be present; each subject an object.
  expect(typeof credential.credentialSubject).toBe('object');
  // §4.9 Validity period: validFrom/validUntil, when present, MUST be an XML Schema dateTimeStamp.
  const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
  expect(credential.validFrom).toMatch(stamp);
  expect(credential.validUntil).toMatch(stamp);
  expect(Date.parse(credential.validUntil)).toBeGreaterThan(Date.parse(credential.validFrom));
  // §4.10 Status: credentialStatus MUST have a type; BitstringStatusListEntry's required properties.
  const status = credential.credentialStatus;
  expect(status).toMatchObject({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
  expect(status.statusListIndex).toMatch(/^\d+$/);
  expect(status.statusListCredential.startsWith(`${baseUrl}/credentials/status/`)).toBe(true);
  // §4.12 Securing: a Data Integrity proof (VC-DI-EdDSA: eddsa-rdfc-2022).
  const proof = credential.proof;
  expect(proof).toMatchObject({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' });
  expect(proof.verificationMethod.startsWith(`${credential.issuer}#`)).toBe(true);
  // proofValue MUST be multibase base58-btc ('z') of the 64-byte Ed25519 signature.
  expect(proof.proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]+$/);
  expect(base58(proof.proofValue.slice(1)).length).toBe(64);
  if (proof.created) expect(proof.created).toMatch(stamp);
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58(text: string): Buffer {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58.indexOf(char);
    if (digit < 0) throw new Error(`not base58: ${char}`);
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.unshift(Number(value % 256n));
    value /= 256n;
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.unshift(0);
  }
  return Buffer.from(bytes);
}

/** eddsa-rdfc-2022 verification (VC-DI-EdDSA §3.3), written from the spec: not our verifier, not the digitalbazaar suites. */
async function verifyIndependently(credential: Credential): Promise<boolean> {
  const get = async (url: string) => {
    if (bundledContexts.has(url)) return bundledContexts.get(url);
    const path = new URL(url).pathname;
    const response = await platform.app.inject({ url: path });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
    return response.json();
  };
  const documentLoader = async (url: string) => ({ contextUrl: null, documentUrl: url, document: await get(url) });
  const canonical = async (doc: object) =>
    rdfCanonize.canonize(await jsonld.toRDF(doc, { documentLoader, safe: true, rdfDirection: 'i18n-datatype', produceGeneralizedRdf: false }), { algorithm: 'RDFC-1.0' });
  const { proof, ...unsecured } = credential;
  const { proofValue, ...proofOptions } = proof;
  const proofConfig = { '@context': credential['@context'], ...proofOptions };
  const hashData = Buffer.concat([
    createHash('sha256').update(await canonical(proofConfig)).digest(),
    createHash('sha256').update(await canonical(unsecured)).digest(),
  ]);
  // Dereference the verification method: the issuer's controller document, over HTTP.
  const controller = await get(credential.issuer);
  expect(controller.assertionMethod).toContain(proof.verificationMethod);
  const method = controller.verificationMethod.find((vm: { id: string }) => vm.id === proof.verificationMethod);
  expect(method.type).toBe('Multikey');
  const multikey = base58(method.publicKeyMultibase.slice(1));
  expect([...multikey.subarray(0, 2)]).toEqual([0xed, 0x01]); // multicodec ed25519-pub
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: multikey.subarray(2).toString('base64url') }, format: 'jwk' });
  return verifySignature(null, hashData, key, base58(proofValue.slice(1)));
}

describe('conformance', () => {
  it('every issued credential meets the VC Data Model 2.0 MUSTs', () => {
    expect(Object.keys(issued)).toHaveLength(6);
    for (const credential of Object.values(issued)) expectConformant(credential, platform.config.publicBaseUrl);
  });

  it('each credential verifies independently (rdf-canonize RDFC-1.0 + SHA-256 + node Ed25519), and one changed character does not', async () => {
    for (const credential of Object.values(issued)) expect(await verifyIndependently(credential)).toBe(true);
    const changed = structuredClone(issued.IncomeCertificate!);
    changed.credentialSubject.earnedIncomeKrw += 1;
    expect(await verifyIndependently(changed)).toBe(false);
  });

  it('the document URI has the IssuerId-DocType-DocId form', () => {
    expect(issued.IncomeCertificate!.id).toMatch(/^urn:oncegov:doc:NTS-IncomeCertificate-[0-9A-Z]{16}$/);
    expect(issued.FamilyRelationCertificate!.id).toMatch(/^urn:oncegov:doc:SCOURT-FamilyRelationCertificate-/);
    expect(issued.VaccinationRecord!.id).toMatch(/^urn:oncegov:doc:KDCA-VaccinationRecord-/);
  });
});

describe('verifying', () => {
  it('a genuine credential verifies (VC-API shape)', async () => {
    const response = await verify(issued.ResidentRegistrationAbstract);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ verified: true, checks: ['proof', 'validity', 'status'], warnings: [], errors: [] });
    expect(platform.wallet.crypto.workersRunning()).toBe(2);
  });

  it('one changed character anywhere is refused as forged', async () => {
    const original = JSON.stringify(issued.FamilyRelationCertificate);
    const name = issued.FamilyRelationCertificate!.credentialSubject.nameKo as string;
    const renamed = original.replace(`"nameKo":"${name}"`, `"nameKo":"${name.slice(0, -1)}${name.endsWith('수') ? '민' : '수'}"`);
    expect(renamed).not.toBe(original);
    const problem = expectProblem(await verify(JSON.parse(renamed)), 422, 'VC_PROOF_INVALID');
    expect(problem.detail).toMatch(/signature does not match/);
    const later = structuredClone(issued.FamilyRelationCertificate!);
    later.validUntil = later.validUntil.replace(/\d(?=Z$)/, (d: string) => String((Number(d) + 1) % 10));
    expectProblem(await verify(later), 422, 'VC_PROOF_INVALID');
  });

  it('a revoked certificate fails right after the revoke call returns, and the published status list says so', async () => {
    const credential = issued.IncomeCertificate!;
    expect((await verify(credential)).statusCode).toBe(200);
    expectProblem(await api(mois, 'POST', '/credentials/status', { credentialId: credential.id, credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }], reason: 'Issued in error' }), 403, 'FORBIDDEN');
    const revoked = await api(nts, 'POST', '/credentials/status', { credentialId: credential.id, credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }], reason: 'Income corrected' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const problem = expectProblem(await verify(credential), 422, 'VC_REVOKED');
    expect(problem.detail).toMatch(/revoked/);
    const list = await platform.app.inject({ url: new URL(credential.credentialStatus.statusListCredential).pathname });
    expect(list.statusCode).toBe(200);
    const subject = list.json().credentialSubject;
    expect(subject.encodedList.startsWith('u')).toBe(true);
    const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
    const index = Number(credential.credentialStatus.statusListIndex);
    expect((bits[index >> 3]! >> (7 - (index & 7))) & 1).toBe(1);
    expect(pgBit(index) >> 3).toBe(index >> 3);
    // The list is itself a credential the agency signed.
    expect((await verify(list.json())).statusCode).toBe(200);
    expectProblem(await api(nts, 'POST', '/credentials/status', { credentialId: credential.id, credentialStatus: [{ type: 'BitstringStatusListCredential', status: 'revoked' }], reason: 'again' }), 409, 'CONFLICT');
    const page = await resident.request({ url: `/me/wallet/${encodeURIComponent(credential.id)}?lang=en` });
    expect(page.body).toMatch(/id="certificate-state">Revoked/);
  });

  it('an expired certificate fails with the reason', async () => {
    const past = new Date(Date.now() - 100 * 86_400_000);
    const old = await platform.wallet.issue(contextOf(staff('official', 'MOIS', 'MOIS-0001'), 'expired'), { type: 'ResidentRegistrationAbstract', residentId: ME }, { now: past });
    const problem = expectProblem(await verify(old.credential), 422, 'VC_EXPIRED');
    expect(problem.detail).toContain(`valid until ${old.credential.validUntil}`);
    const page = await platform.app.inject({ url: `/verify?id=${encodeURIComponent(old.id)}&lang=en` });
    expect(page.body).toContain('data-verdict="expired"');
  });

  it('bad input is a clear 4xx: not JSON, not a credential, unknown or inline context, wrong first context, undefined terms, wrong proof suite, oversized', async () => {
    const good = issued.ResidentRegistrationAbstract!;
    expectProblem(await platform.app.inject({ method: 'POST', url: '/credentials/verify', headers: { 'content-type': 'application/json' }, payload: '{"verifiableCredential": {' }), 400, 'MALFORMED_BODY');
    expectProblem(await verify('just a string'), 400, 'VC_MALFORMED');
    expectProblem(await verify({ ...good, '@context': [VC2, 'https://example.org/evil/v1'] }), 400, 'VC_CONTEXT_UNKNOWN');
    expectProblem(await verify({ ...good, '@context': [VC2, { nameKo: 'https://example.org/x' }] }), 400, 'VC_CONTEXT_UNKNOWN');
    expectProblem(await verify({ ...good, '@context': ['https://www.w3.org/2018/credentials/v1', ...good['@context'].slice(1)] }), 400, 'VC_MALFORMED');
    expectProblem(await verify({ ...good, validUntil: '2030-01-01' }), 400, 'VC_MALFORMED');
    const { type: _t, ...untyped } = good;
    expectProblem(await verify(untyped), 400, 'VC_MALFORMED');
    const extra = await verify({ ...good, credentialSubject: { ...good.credentialSubject, extraTerm: 'x' } });
    expect([400, 422]).toContain(extra.statusCode);
    expectProblem(await verify({ ...good, proof: { ...good.proof, cryptosuite: 'ecdsa-rdfc-2019' } }), 422, 'VC_PROOF_INVALID');
    expectProblem(await verify({ ...good, issuer: 'https://evil.example/issuers/NTS' }), 422, 'VC_PROOF_INVALID');
    const huge = { ...good, credentialSubject: { ...good.credentialSubject, padding: 'x'.repeat(70_000) } };
    expectProblem(await verify(huge), 413, 'BODY_TOO_LARGE');
  });

  it('presentations: all credentials verified; a revoked one refuses the lot; too many or too large is 413; holder proofs refused', async () => {
    const vp = (credentials: unknown[], extra: object = {}) => platform.app.inject({ method: 'POST', url: '/presentations/verify', payload: { verifiablePresentation: { '@context': [VC2], type: ['VerifiablePresentation'], verifiableCredential: credentials, ...extra } } });
    const ok = await vp([issued.ResidentRegistrationAbstract, issued.FamilyRelationCertificate]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().credentialResults).toHaveLength(2);
    const problem = expectProblem(await vp([issued.ResidentRegistrationAbstract, issued.IncomeCertificate]), 422, 'VC_REVOKED');
    expect(problem.errors[0].field).toContain('/verifiableCredential/1');
    expectProblem(await vp(Array.from({ length: 11 }, () => issued.ResidentRegistrationAbstract)), 413, 'BODY_TOO_LARGE');
    expectProblem(await vp(Array.from({ length: 40 }, () => issued.FamilyRelationCertificate)), 413, 'BODY_TOO_LARGE');
    expectProblem(await vp([issued.ResidentRegistrationAbstract], { proof: { type: 'DataIntegrityProof' } }), 400, 'VC_MALFORMED');
    expectProblem(await vp([issued.ResidentRegistrationAbstract], { '@context': [VC2, 'https://example.org/ctx'] }), 400, 'VC_CONTEXT_UNKNOWN');
  });

  it('the public verification page says valid or forged, with the reason, in Korean and English', async () => {
    const visitor = new TestClient(platform.app);
    const form = await visitor.request({ url: '/verify?lang=en' });
    expect(form.statusCode).toBe(200);
    const valid = await visitor.request({ method: 'POST', url: '/verify?lang=en', form: { _csrf: visitor.csrfToken!, credential: JSON.stringify(issued.ResidentRegistrationAbstract) } });
    expect(valid.body).toContain('data-verdict="valid"');
    const tampered = JSON.stringify(issued.ResidentRegistrationAbstract).replace('"sex":"', '"sex":"X');
    const forged = await visitor.request({ method: 'POST', url: '/verify?lang=ko', form: { _csrf: visitor.csrfToken!, credential: tampered } });
    expect(forged.statusCode).toBe(422);
    expect(forged.body).toContain('data-verdict="forged"');
    expect(forged.body).toContain('위조되었거나 변조된 증명서입니다');
    const notJson = await visitor.request({ method: 'POST', url: '/verify?lang=en', form: { _csrf: visitor.csrfToken!, credential: '{oops' } });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.body).toContain('This is not JSON');
    const revoked = await visitor.request({ url: `/verify?id=${encodeURIComponent(issued.IncomeCertificate!.id)}` });
    expect(revoked.body).toContain('data-verdict="revoked"');
  });
});

describe('sharing with a bank under MyData consent', () => {
  const fetchAsBank = (id: string, secret = bankSecret) =>
    platform.app.inject({ url: `/api/v1/wallet/shared-credentials/${encodeURIComponent(id)}`, headers: { 'x-road-client': BANK, authorization: `Bearer ${secret}`, 'x-road-purpose': 'LOAN-SCREENING' } });

  it('nothing before the resident shares; once after; nothing after the consent is used up or withdrawn; each use visible to the resident', async () => {
    const credential = issued.FamilyRelationCertificate!;
    expectProblem(await fetchAsBank(credential.id), 403, 'CONSENT_REQUIRED');
    const expiry = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    const bad = await resident.request({ method: 'POST', url: `/me/wallet/${encodeURIComponent(credential.id)}/share?lang=en`, form: { _csrf: resident.csrfToken!, recipient: '', purposeCode: 'LOAN-SCREENING', purposeText: 'x', consentExpiry: expiry } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose a recipient');
    const shared = await resident.request({ method: 'POST', url: `/me/wallet/${encodeURIComponent(credential.id)}/share`, form: { _csrf: resident.csrfToken!, recipient: BANK, purposeCode: 'LOAN-SCREENING', purposeText: 'Housing loan', consentExpiry: expiry } });
    expect(shared.statusCode, shared.body).toBe(303);
    expectProblem(await fetchAsBank(credential.id, 'ogx_wrongwrongwrongwrongwrongwrong'), 401, 'CLIENT_CREDENTIAL_INVALID');
    const fetched = await fetchAsBank(credential.id);
    expect(fetched.statusCode, fetched.body).toBe(200);
    expect(fetched.json()).toEqual(credential);
    expect((await fetchAsBank(credential.id)).statusCode).toBe(403); // one-time consent used up
    const page = await resident.request({ url: `/me/wallet/${encodeURIComponent(credential.id)}?lang=en` });
    expect(page.body).toMatch(/class="share-uses">1 time/);

    const abstract = issued.ResidentRegistrationAbstract!;
    await resident.request({ method: 'POST', url: `/me/wallet/${encodeURIComponent(abstract.id)}/share`, form: { _csrf: resident.csrfToken!, recipient: BANK, purposeCode: 'LOAN-SCREENING', purposeText: 'Housing loan', consentExpiry: expiry } });
    const consents = (await resident.request({ url: '/api/v1/me/consents' })).json().items as Array<{ id: string; state: string; dataTypes: string[] }>;
    for (const consent of consents.filter((c) => c.state === 'ACTIVE')) {
      expect((await api(resident, 'POST', `/api/v1/me/consents/${consent.id}/revoke`)).statusCode).toBe(200);
    }
    expectProblem(await fetchAsBank(abstract.id), 403, 'CONSENT_REQUIRED');
  });

  it('issuance, revocation, shares and fetches are in the resident\'s "who used my data", labelled', async () => {
    const usage = await resident.request({ url: '/api/v1/me/data-usage?limit=100&lang=en' });
    expect(usage.statusCode).toBe(200);
    const items = usage.json().items as Array<{ actionCode: string; action: { en: string }; outcome: string }>;
    const codes = new Set(items.map((i) => i.actionCode));
    for (const code of ['wallet.credential.issue', 'wallet.credential.revoke', 'wallet.share', 'wallet.share.fetch']) expect(codes, code).toContain(code);
    expect(items.find((i) => i.actionCode === 'wallet.credential.revoke')!.action.en).toBe('The issuing agency revoked an e-certificate');
    expect(items.some((i) => i.actionCode === 'wallet.share.fetch' && i.outcome === 'denied')).toBe(true);
  });
});
