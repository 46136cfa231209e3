// Single sign-on end to end with a real relying party (openid-client) against the provider
// in-process: code + PKCE through the platform's sign-in and the consent screen, ID-token claims
// limited to the granted scopes, tampered tokens and bad PKCE refused, clear errors for unknown
// clients and redirect URIs, a denial reaching the RP as access_denied, key rotation keeping old
// tokens verifiable, logout, and client registration for the operator only.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertionIn, startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { buildPlatform } from '../../app';
import { createLogger } from '../../core/logger';
import { injectFetch } from './inject-fetch';

let platform: TestPlatform;
let operator: TestClient;
const RP_ORIGIN = 'https://rp.example.org';
const RESIDENT = 7;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 30 });
  operator = new TestClient(platform.app);
  await operator.signIn({ staffId: 'MOIS-OPS-01' });
});
afterAll(async () => {
  await platform?.close();
});

const issuerUrl = () => new URL(platform.sso.issuer);
const issuerHost = () => issuerUrl().host;

async function register(body: Record<string, unknown>, as: TestClient = operator): Promise<LightMyRequestResponse> {
  return as.request({ method: 'POST', url: '/api/v1/sso/clients', headers: { 'x-csrf-token': as.csrfToken ?? 'none' }, json: body });
}

let counter = 0;
async function registerClient(options: { type?: 'public' | 'confidential'; scopes?: string[]; origin?: string } = {}) {
  counter += 1;
  const clientId = `test-rp-${counter}`;
  const response = await register({
    clientId,
    nameKo: `시험 서비스 ${counter}`,
    nameEn: `Test service ${counter}`,
    kind: 'partner',
    redirectUris: [`${options.origin ?? RP_ORIGIN}/cb`],
    postLogoutRedirectUris: [`${options.origin ?? RP_ORIGIN}/bye`],
    scopes: options.scopes ?? ['openid', 'profile', 'birthdate', 'address', 'email', 'phone'],
    type: options.type ?? 'public',
  });
  expect(response.statusCode, response.body).toBe(201);
  const { clientSecret } = response.json() as { clientSecret?: string };
  return { clientId, clientSecret };
}

type Fetch = ReturnType<typeof injectFetch>;

/** The relying party verifies ID-token signatures itself (openid-client skips that by default for token-endpoint responses). */
function relyingParty(client: { clientId: string; clientSecret?: string }, fetch: Fetch = injectFetch(platform.app)) {
  return oidc.discovery(issuerUrl(), client.clientId, undefined, client.clientSecret ? oidc.ClientSecretBasic(client.clientSecret) : oidc.None(), {
    [oidc.customFetch]: fetch,
    execute: [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks],
  });
}

/** A browser request to a URL on the platform (absolute URLs keep their host for the provider). */
function visit(browser: TestClient, url: string, init: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {}) {
  const target = new URL(url, platform.sso.issuer);
  return browser.request({ method: init.method ?? 'GET', url: `${target.pathname}${target.search}`, headers: { host: target.host }, form: init.form });
}

/** Follows redirects within the platform; stops at a page or at a redirect to the relying party. */
async function follow(browser: TestClient, first: LightMyRequestResponse): Promise<{ response: LightMyRequestResponse; leftTo?: URL }> {
  let response = first;
  for (let hops = 0; hops < 12; hops += 1) {
    if (response.statusCode < 300 || response.statusCode >= 400) return { response };
    const location = new URL(response.headers.location as string, `http://${issuerHost()}`);
    if (location.host !== issuerHost()) return { response, leftTo: location };
    response = await visit(browser, location.href);
  }
  throw new Error('too many redirects');
}

interface Started {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

async function startAuthorization(config: oidc.Configuration, scope: string, extra: Record<string, string> = {}, redirectUri = `${RP_ORIGIN}/cb`): Promise<Started> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

async function residentBrowser(residentId = RESIDENT): Promise<TestClient> {
  const browser = new TestClient(platform.app);
  await browser.signIn({ residentId });
  return browser;
}

/** From the authorization request to the consent screen (the resident is signed in to the platform). */
async function toConsent(browser: TestClient, started: Started) {
  const { response } = await follow(browser, await visit(browser, started.url.href));
  expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
  const action = /action="(\/sso\/interaction\/[^"]+\/consent)"/.exec(response.body)?.[1];
  expect(action).toBeDefined();
  return { page: response, action: action! };
}

async function decide(browser: TestClient, action: string, decision: 'allow' | 'deny'): Promise<URL> {
  const { leftTo, response } = await follow(browser, await visit(browser, action, { method: 'POST', form: { _csrf: browser.csrfToken!, decision } }));
  expect(leftTo, response.body.slice(0, 500)).toBeDefined();
  return leftTo!;
}

/** The whole sign-in; the consent screen is answered with Allow when it comes (not when the grant exists already). */
async function signInThrough(config: oidc.Configuration, scope: string, browser?: TestClient, redirectUri?: string) {
  const started = await startAuthorization(config, scope, {}, redirectUri);
  const resident = browser ?? (await residentBrowser());
  const { response: page, leftTo } = await follow(resident, await visit(resident, started.url.href));
  const action = /action="(\/sso\/interaction\/[^"]+\/consent)"/.exec(page.body)?.[1];
  const callback = leftTo ?? (await decide(resident, action!, 'allow'));
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce, idTokenExpected: true });
  return { tokens, consentPage: page, browser: resident };
}

async function jwks(): Promise<JSONWebKeySet> {
  const response = await platform.app.inject({ url: '/oidc/jwks', headers: { host: issuerHost() } });
  expect(response.statusCode).toBe(200);
  return response.json() as JSONWebKeySet;
}

describe('sign-in with OnceGov (authorization code + PKCE)', () => {
  it('signs a resident in through the chooser and the consent screen; the ID token has only the granted attributes', async () => {
    const client = await registerClient();
    const config = await relyingParty(client);
    const started = await startAuthorization(config, 'openid profile birthdate');
    const browser = new TestClient(platform.app);

    // Not signed in to the platform: the login step is the authenticator chooser, with a way back.
    const toInteraction = await visit(browser, started.url.href);
    expect(toInteraction.headers.location).toMatch(/^\/sso\/interaction\//);
    const interaction = await visit(browser, toInteraction.headers.location as string);
    const signIn = new URL(interaction.headers.location as string, 'http://localhost');
    expect(signIn.pathname).toBe('/sign-in');
    const returnTo = signIn.searchParams.get('returnTo')!;
    expect(returnTo).toMatch(/^\/sso\/interaction\/[\w-]+$/);
    const authorizeUrl = await browser.beginSignIn('kakao', returnTo);
    const confirmed = await browser.confirmIdentity(authorizeUrl, `resident:${RESIDENT}`);
    const finished = await browser.finishSignIn(authorizeUrl, assertionIn(confirmed));
    expect(finished.headers.location).toBe(returnTo);

    const { response: consent } = await follow(browser, await visit(browser, returnTo));
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain('시험 서비스');
    const listed = [...consent.body.matchAll(/data-scope="(\w+)"/g)].map((m) => m[1]);
    expect(listed).toEqual(['openid', 'profile', 'birthdate']);
    const action = /action="(\/sso\/interaction\/[^"]+\/consent)"/.exec(consent.body)![1]!;
    const callback = await decide(browser, action, 'allow');
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    const name = await platform.registry.residentName(RESIDENT);
    expect(claims.sub).toMatch(/^[\w-]{43}$/);
    expect(claims.iss).toBe(platform.sso.issuer);
    expect(claims.aud).toBe(client.clientId);
    expect(claims.name).toBe(name!.ko);
    expect(claims.name_romanized).toBe(name!.en);
    expect(claims.birthdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Not granted, not sent (the client may ask for them, but did not this time).
    for (const absent of ['address', 'email', 'phone_number']) expect(claims).not.toHaveProperty(absent);
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('EdDSA');

    const releases = await platform.database.pool.query(
      "SELECT subject_resident_id, details FROM audit.entries WHERE action = 'sso.claims.release' AND actor_id = $1",
      [`sso-client:${client.clientId}`],
    );
    expect(releases.rowCount).toBeGreaterThan(0);
    expect(Number(releases.rows[0].subject_resident_id)).toBe(RESIDENT);
    const consents = await platform.database.pool.query("SELECT outcome FROM audit.entries WHERE action = 'sso.consent' AND resource = $1", [`sso/clients/${client.clientId}`]);
    expect(consents.rows.map((r) => r.outcome)).toEqual(['allowed']);
  });

  it('sends the address and contact details only when those scopes are granted, to a confidential client', async () => {
    const browser = await residentBrowser(8);
    const put = await browser.request({ method: 'PUT', url: '/api/v1/me/contact-details', headers: { 'x-csrf-token': browser.csrfToken! }, json: { email: 'resident8@example.org', phone: '010-1234-5678' } });
    expect(put.statusCode, put.body).toBe(200);
    const client = await registerClient({ type: 'confidential' });
    expect(client.clientSecret).toMatch(/^ogc_/);
    const { tokens } = await signInThrough(await relyingParty(client), 'openid address email', browser);
    const claims = tokens.claims()!;
    expect(claims.email).toBe('resident8@example.org');
    expect((claims.address as { postal_code?: string }).postal_code).toMatch(/^\d{5}$/);
    expect(claims).not.toHaveProperty('name');
    expect(claims).not.toHaveProperty('phone_number');
    expect(claims).not.toHaveProperty('birthdate');
  });

  it('gives each service its own, stable identifier for a resident, so services cannot link their users by it', async () => {
    const other = 'https://other-service.example.org';
    const first = await relyingParty(await registerClient());
    const second = await relyingParty(await registerClient({ origin: other }));
    const browser = await residentBrowser();
    const subOf = async (config: oidc.Configuration, redirectUri?: string) => (await signInThrough(config, 'openid', browser, redirectUri)).tokens.claims()!.sub;
    const a1 = await subOf(first);
    const b1 = await subOf(second, `${other}/cb`);
    const a2 = await subOf(first);
    expect(a1).not.toBe(b1);
    expect(a2).toBe(a1);
    // And another resident is someone else to the same service.
    expect((await signInThrough(first, 'openid', await residentBrowser(9))).tokens.claims()!.sub).not.toBe(a1);
  });

  it('answers with response_mode=form_post in a page whose policy lets it post to the relying party', async () => {
    const config = await relyingParty(await registerClient());
    const browser = await residentBrowser();
    const started = await startAuthorization(config, 'openid', { response_mode: 'form_post' });
    const { action } = await toConsent(browser, started);
    const decided = await visit(browser, action, { method: 'POST', form: { _csrf: browser.csrfToken!, decision: 'allow' } });
    const { response } = await follow(browser, decided);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`action="${RP_ORIGIN}/cb"`);
    expect(response.body).toMatch(/name="code" value="[\w-]+"/);
    const csp = String(response.headers['content-security-policy']);
    expect(csp).not.toContain('form-action');
    expect(csp).toMatch(/script-src 'self' 'sha256-/);
  });

  it('a confidential client with a wrong secret cannot redeem the code', async () => {
    const client = await registerClient({ type: 'confidential' });
    const config = await relyingParty(client);
    const started = await startAuthorization(config, 'openid');
    const browser = await residentBrowser();
    const callback = await decide(browser, (await toConsent(browser, started)).action, 'allow');
    const impostor = await relyingParty({ clientId: client.clientId, clientSecret: 'ogc_wrong' });
    await expect(oidc.authorizationCodeGrant(impostor, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state })).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: 'invalid_client' } }] });
  });

  it('rejects an ID token with one character changed, in the payload or in the signature', async () => {
    const client = await registerClient();
    for (const part of [1, 2] as const) {
      // The relying party's transport hands it a token response whose ID token was altered.
      const honest = injectFetch(platform.app);
      const tampering: Fetch = async (url, options) => {
        const response = await honest(url, options);
        if (!url.endsWith('/token')) return response;
        const body = (await response.json()) as { id_token: string };
        const parts = body.id_token.split('.');
        const segment = parts[part]!;
        const at = Math.floor(segment.length / 2);
        parts[part] = `${segment.slice(0, at)}${segment[at] === 'A' ? 'B' : 'A'}${segment.slice(at + 1)}`;
        return new Response(JSON.stringify({ ...body, id_token: parts.join('.') }), { status: response.status, headers: response.headers });
      };
      const config = await relyingParty(client, tampering);
      const started = await startAuthorization(config, 'openid profile');
      const browser = await residentBrowser();
      const callback = await decide(browser, (await toConsent(browser, started)).action, 'allow');
      await expect(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce })).rejects.toThrow();
    }
    // The untouched token verifies against the published keys, so it is the change that fails.
    const { tokens } = await signInThrough(await relyingParty(client), 'openid');
    await expect(jwtVerify(tokens.id_token!, createLocalJWKSet(await jwks()), { issuer: platform.sso.issuer })).resolves.toBeDefined();
  });

  it('refuses a code redeemed without the PKCE verifier or with the wrong one, and an authorization request without a challenge', async () => {
    const client = await registerClient();
    const config = await relyingParty(client);
    const redeem = (code: string, verifier?: string) =>
      platform.app.inject({
        method: 'POST',
        url: '/oidc/token',
        headers: { host: issuerHost(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${RP_ORIGIN}/cb`, client_id: client.clientId, ...(verifier ? { code_verifier: verifier } : {}) }).toString(),
      });
    for (const verifier of [undefined, oidc.randomPKCECodeVerifier()]) {
      const started = await startAuthorization(config, 'openid');
      const browser = await residentBrowser();
      const callback = await decide(browser, (await toConsent(browser, started)).action, 'allow');
      const response = await redeem(callback.searchParams.get('code')!, verifier);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid_grant' });
    }
    const browser = await residentBrowser();

    const withoutChallenge = new URL(`${platform.sso.issuer}/auth`);
    withoutChallenge.search = new URLSearchParams({ client_id: client.clientId, redirect_uri: `${RP_ORIGIN}/cb`, response_type: 'code', scope: 'openid', state: 'abc' }).toString();
    const refused = await visit(browser, withoutChallenge.href);
    const back = new URL(refused.headers.location as string);
    expect(back.origin).toBe(RP_ORIGIN);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);

    // The implicit flow is not offered at all.
    const implicit = new URL(withoutChallenge);
    implicit.searchParams.set('response_type', 'id_token');
    implicit.searchParams.set('nonce', 'n-0S6_WzA2Mj');
    const implicitAnswer = await visit(browser, implicit.href);
    // (an implicit request's error goes back in the fragment, as that flow would read it)
    expect(new URLSearchParams(new URL(implicitAnswer.headers.location as string).hash.slice(1)).get('error')).toBe('unsupported_response_type');
  });

  it('answers an unknown client or an unregistered redirect URI with a clear 400 page, never a redirect or a 5xx', async () => {
    const client = await registerClient();
    const browser = new TestClient(platform.app);
    const ask = (params: Record<string, string>) => {
      const url = new URL(`${platform.sso.issuer}/auth`);
      url.search = new URLSearchParams({ response_type: 'code', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...params }).toString();
      return browser.request({ url: `${url.pathname}${url.search}`, headers: { host: issuerHost(), accept: 'text/html' } });
    };
    const unknown = await ask({ client_id: 'no-such-client', redirect_uri: `${RP_ORIGIN}/cb` });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers.location).toBeUndefined();
    expect(unknown.body).toContain('invalid_client');
    expect(unknown.body).toContain('로그인을 시작할 수 없습니다');

    const wrongRedirect = await ask({ client_id: client.clientId, redirect_uri: 'https://evil.example.net/cb' });
    expect(wrongRedirect.statusCode).toBe(400);
    expect(wrongRedirect.headers.location).toBeUndefined();
    expect(wrongRedirect.body).toContain('invalid_redirect_uri');

    const expired = await browser.request({ url: '/sso/interaction/abcdefghijklmnop', headers: { accept: 'application/json' } });
    await expectProblem(expired, 404, 'SSO_INTERACTION_NOT_FOUND');
  });

  it('a resident who denies consent sends access_denied back, and the relying party gets nothing', async () => {
    const client = await registerClient();
    const config = await relyingParty(client);
    const started = await startAuthorization(config, 'openid profile');
    const browser = await residentBrowser();
    const callback = await decide(browser, (await toConsent(browser, started)).action, 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    await expect(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state })).rejects.toMatchObject({ error: 'access_denied' });
    const audited = await platform.database.pool.query("SELECT outcome FROM audit.entries WHERE action = 'sso.consent' AND resource = $1", [`sso/clients/${client.clientId}`]);
    expect(audited.rows.map((r) => r.outcome)).toEqual(['denied']);
  });

  it('after signing out of OnceGov, the next sign-in to a service goes through the login step again', async () => {
    const client = await registerClient();
    const config = await relyingParty(client);
    const { browser } = await signInThrough(config, 'openid');
    // Granted before and still signed in: straight back to the service, no page in between.
    const again = await startAuthorization(config, 'openid');
    expect((await follow(browser, await visit(browser, again.url.href))).leftTo?.searchParams.get('code')).toBeTruthy();

    const out = await browser.request({ method: 'POST', url: '/sign-out', form: { _csrf: browser.csrfToken! } });
    expect(out.statusCode).toBe(303);
    const afterSignOut = await startAuthorization(config, 'openid');
    const toInteraction = await visit(browser, afterSignOut.url.href);
    expect(toInteraction.headers.location).toMatch(/^\/sso\/interaction\//);
    expect((await visit(browser, toInteraction.headers.location as string)).headers.location).toMatch(/^\/sign-in\?returnTo=/);
    // A silent request (prompt=none) is answered login_required.
    const silent = await startAuthorization(config, 'openid', { prompt: 'none' });
    const { leftTo } = await follow(browser, await visit(browser, silent.url.href));
    expect(leftTo?.searchParams.get('error')).toBe('login_required');
  });

  it('government staff signed in to the platform are not signed in to relying parties', async () => {
    const client = await registerClient();
    const started = await startAuthorization(await relyingParty(client), 'openid');
    const official = new TestClient(platform.app);
    await official.signIn({ staffId: 'MOHW-0001' });
    const { response } = await follow(official, await visit(official, started.url.href));
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('/sign-in?returnTo=');
  });
});

describe('storage', () => {
  it('a code issued before a restart is redeemed by the next process, which signs with the same keys', async () => {
    const client = await registerClient();
    const config = await relyingParty(client);
    const started = await startAuthorization(config, 'openid profile');
    const browser = await residentBrowser();
    const callback = await decide(browser, (await toConsent(browser, started)).action, 'allow');

    // Another process on the same database (as after a restart, or behind a load balancer).
    const second = await buildPlatform({ config: platform.config, pool: platform.database.pool, logger: createLogger('silent') });
    try {
      const elsewhere = await relyingParty(client, injectFetch(second.app));
      const tokens = await oidc.authorizationCodeGrant(elsewhere, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
      expect(tokens.claims()?.sub).toMatch(/^[\w-]{43}$/);
      // The code is spent everywhere.
      await expect(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state })).rejects.toMatchObject({ error: 'invalid_grant' });
      // A key rotated by this process is in the other process's JWKS at once.
      const rotated = await operator.request({ method: 'POST', url: '/api/v1/sso/keys/rotate', headers: { 'x-csrf-token': operator.csrfToken! } });
      const kid = (rotated.json() as { kid: string }).kid;
      const elsewhereJwks = await second.app.inject({ url: '/oidc/jwks', headers: { host: issuerHost() } });
      expect((elsewhereJwks.json() as JSONWebKeySet).keys.map((k) => k.kid)).toContain(kid);
    } finally {
      await second.app.close();
    }
  });
});

describe('signing keys', () => {
  it('after a rotation new tokens use the new key, tokens signed before still verify until the old key is retired', async () => {
    const client = await registerClient();
    const before = (await signInThrough(await relyingParty(client), 'openid profile')).tokens.id_token!;
    const oldKid = decodeProtectedHeader(before).kid!;

    const resident = await residentBrowser();
    const refused = await resident.request({ method: 'POST', url: '/api/v1/sso/keys/rotate', headers: { 'x-csrf-token': resident.csrfToken! } });
    await expectProblem(refused, 403, 'FORBIDDEN');

    const rotated = await operator.request({ method: 'POST', url: '/api/v1/sso/keys/rotate', headers: { 'x-csrf-token': operator.csrfToken! } });
    expect(rotated.statusCode, rotated.body).toBe(201);
    const newKid = (rotated.json() as { kid: string; current: boolean }).kid;
    expect(newKid).not.toBe(oldKid);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));

    // A relying party that discovers afresh gets tokens from the new key, and the old token still verifies.
    const after = (await signInThrough(await relyingParty(client), 'openid profile')).tokens.id_token!;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    const options = { issuer: platform.sso.issuer, audience: client.clientId };
    await expect(jwtVerify(before, createLocalJWKSet(await jwks()), options)).resolves.toBeDefined();
    await expect(jwtVerify(after, createLocalJWKSet(await jwks()), options)).resolves.toBeDefined();

    const current = await operator.request({ method: 'POST', url: `/api/v1/sso/keys/${newKid}/retire`, headers: { 'x-csrf-token': operator.csrfToken! } });
    await expectProblem(current, 409, 'CONFLICT');
    const retired = await operator.request({ method: 'POST', url: `/api/v1/sso/keys/${oldKid}/retire`, headers: { 'x-csrf-token': operator.csrfToken! } });
    expect(retired.statusCode, retired.body).toBe(200);
    const published = (await jwks()).keys.map((k) => k.kid);
    expect(published).toContain(newKid);
    expect(published).not.toContain(oldKid);
    await expect(jwtVerify(before, createLocalJWKSet(await jwks()), options)).rejects.toThrow();

    const audited = await platform.database.pool.query(
      "SELECT action, resource FROM audit.entries WHERE action IN ('sso.key.rotate', 'sso.key.retire') AND actor_id = 'staff-MOIS-OPS-01' AND resource = ANY ($1) ORDER BY id",
      [[`sso/keys/${oldKid}`, `sso/keys/${newKid}`]],
    );
    // (the old key's own rotation, earlier, is recorded too)
    expect(audited.rows.slice(-2)).toEqual([
      { action: 'sso.key.rotate', resource: `sso/keys/${newKid}` },
      { action: 'sso.key.retire', resource: `sso/keys/${oldKid}` },
    ]);
  });
});

describe('logout', () => {
  it('RP-initiated logout asks for confirmation, ends the OnceGov session and returns to the relying party', async () => {
    const client = await registerClient();
    const config = await relyingParty(client);
    const { tokens, browser } = await signInThrough(config, 'openid');
    const endSession = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${RP_ORIGIN}/bye`, state: 'after-logout' });
    const confirm = await visit(browser, endSession.href);
    expect(confirm.statusCode).toBe(200);
    const form = /<form[^>]*id="op.logoutForm"[^>]*>/.exec(confirm.body)?.[0] ?? '';
    const action = /action="([^"]+)"/.exec(form)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1];
    expect(action && xsrf).toBeTruthy();
    const done = await visit(browser, action!, { method: 'POST', form: { xsrf: xsrf!, logout: 'yes' } });
    expect(done.statusCode).toBe(303);
    const back = new URL(done.headers.location as string);
    expect(`${back.origin}${back.pathname}`).toBe(`${RP_ORIGIN}/bye`);
    expect(back.searchParams.get('state')).toBe('after-logout');
    const session = await browser.request({ url: '/api/v1/session' });
    expect(session.json()).toMatchObject({ authenticated: false });
  });
});

describe('client registration', () => {
  const body = { clientId: 'mohw-portal', nameKo: '복지로', nameEn: 'Bokjiro', kind: 'agency', redirectUris: ['https://bokjiro.example.kr/oidc/cb'], scopes: ['openid', 'profile'], type: 'confidential' };

  it('is for the platform operator only', async () => {
    const anonymous = new TestClient(platform.app);
    await anonymous.request({ url: '/api/v1/session' });
    await expectProblem(await register(body, anonymous), 401, 'UNAUTHENTICATED');
    const official = new TestClient(platform.app);
    await official.signIn({ staffId: 'MOHW-0001' });
    await expectProblem(await register(body, official), 403, 'FORBIDDEN');
    await expectProblem(await register(body, await residentBrowser()), 403, 'FORBIDDEN');
    const auditor = new TestClient(platform.app);
    await auditor.signIn({ staffId: 'BAI-AUD-01' });
    await expectProblem(await register(body, auditor), 403, 'FORBIDDEN');

    const created = await register(body);
    expect(created.statusCode, created.body).toBe(201);
    const secret = (created.json() as { clientSecret: string }).clientSecret;
    expect(secret).toMatch(/^ogc_/);
    const list = await auditor.request({ url: '/api/v1/sso/clients' });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('mohw-portal');
    expect(list.body).not.toContain(secret);
    const audited = await platform.database.pool.query("SELECT actor_id FROM audit.entries WHERE action = 'sso.client.register' AND resource = 'sso/clients/mohw-portal'");
    expect(audited.rows).toEqual([{ actor_id: 'staff-MOIS-OPS-01' }]);

    await expectProblem(await register(body), 409, 'CONFLICT');
  });

  it('refuses unsafe redirect URIs and unknown scopes with field pointers', async () => {
    const bad = await register({ ...body, clientId: 'bad-one', redirectUris: ['http://bokjiro.example.kr/cb', 'https://ok.example.kr/cb#frag', 'not a url'], scopes: ['openid', 'profile'] });
    const problem = await expectProblem(bad, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((e: { field: string }) => e.field)).toEqual(['/body/redirectUris/0', '/body/redirectUris/1', '/body/redirectUris/2']);
    const scope = await register({ ...body, clientId: 'bad-two', scopes: ['openid', 'bank_account'] });
    await expectProblem(scope, 400, 'VALIDATION_FAILED');
    const twoSites = await register({ ...body, clientId: 'bad-four', redirectUris: ['https://a.example.kr/cb', 'https://b.example.kr/cb'] });
    expect((await expectProblem(twoSites, 400, 'VALIDATION_FAILED')).errors?.[0]?.field).toBe('/body/redirectUris');
    const noOpenid = await register({ ...body, clientId: 'bad-three', scopes: ['profile'] });
    expect((await expectProblem(noOpenid, 400, 'VALIDATION_FAILED')).errors?.[0]?.field).toBe('/body/scopes');
  });
});

describe('operator console', () => {
  it('registers a client from the form, shows its secret once, and marks a bad redirect URI', async () => {
    const page = await operator.request({ url: '/console/sso-clients?lang=en' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('demo-rp');
    expect(page.body).toContain('Rotate the signing key');

    const form = { _csrf: operator.csrfToken!, clientId: 'gov24-app', nameKo: '정부24 앱', nameEn: 'Gov24 app', kind: 'agency', redirectUris: 'https://app.gov24.example.kr/cb\nhttps://app.gov24.example.kr/cb2', scopes: 'openid', type: 'confidential' };
    const bad = await operator.request({ method: 'POST', url: '/console/sso-clients?lang=en', form: { ...form, redirectUris: 'http://app.gov24.example.kr/cb' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('class="error-summary"');
    expect(bad.body).toMatch(/id="redirectUris"[^>]*aria-invalid="true"/);
    expect(bad.body).toContain('value="gov24-app"');

    const created = await operator.request({ method: 'POST', url: '/console/sso-clients?lang=en', form });
    expect(created.statusCode).toBe(201);
    const secret = /id="registered-secret">([^<]+)</.exec(created.body)?.[1];
    expect(secret).toMatch(/^ogc_/);
    const again = await operator.request({ url: '/console/sso-clients?lang=en' });
    expect(again.body).toContain('gov24-app');
    expect(again.body).not.toContain(secret!);
    const registered = (await platform.sso.findClient('gov24-app'))!;
    expect(registered.redirectUris).toEqual(['https://app.gov24.example.kr/cb', 'https://app.gov24.example.kr/cb2']);
    expect(registered.scopes).toEqual(['openid']);

    const rotated = await operator.request({ method: 'POST', url: '/console/sso-clients/rotate-key', form: { _csrf: operator.csrfToken! } });
    expect(rotated.headers.location).toBe('/console/sso-clients?rotated=1');
  });

  it('is closed to residents and officials, and read-only for auditors', async () => {
    const resident = await residentBrowser();
    expect((await resident.request({ url: '/console/sso-clients', headers: { accept: 'text/html' } })).statusCode).toBe(403);
    const auditor = new TestClient(platform.app);
    await auditor.signIn({ staffId: 'BAI-AUD-01' });
    const page = await auditor.request({ url: '/console/sso-clients' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('action="/console/sso-clients"');
    const post = await auditor.request({ method: 'POST', url: '/console/sso-clients/rotate-key', form: { _csrf: auditor.csrfToken! }, headers: { accept: 'application/json' } });
    await expectProblem(post, 403, 'FORBIDDEN');
  });
});

describe('demo relying party', () => {
  it('signs a resident in through OnceGov and shows the verified claims', async () => {
    const browser = await residentBrowser();
    const start = await browser.request({ url: '/demo-rp/login?scope=profile&scope=birthdate' });
    expect(start.statusCode).toBe(303);
    const { response: consent } = await follow(browser, await visit(browser, start.headers.location as string));
    expect(consent.statusCode).toBe(200);
    expect(consent.body).toContain('한결은행');
    const action = /action="(\/sso\/interaction\/[^"]+\/consent)"/.exec(consent.body)![1]!;
    const decided = await visit(browser, action, { method: 'POST', form: { _csrf: browser.csrfToken!, decision: 'allow' } });
    let response = decided;
    while (response.statusCode === 303 && !new URL(response.headers.location as string, `http://${issuerHost()}`).pathname.startsWith('/demo-rp')) {
      response = await visit(browser, response.headers.location as string);
    }
    const callback = await visit(browser, response.headers.location as string);
    expect(callback.statusCode, callback.body.slice(0, 400)).toBe(303);
    const page = await visit(browser, '/demo-rp?lang=en');
    expect(page.body).toContain('Signed in with OnceGov');
    expect(page.body).toContain('<code>sub</code>');
    expect(page.body).not.toContain(`resident-${RESIDENT}`);
    expect(page.body).toContain('birthdate');
    expect(page.body).not.toContain('<code>address</code></th>');
  });
});
