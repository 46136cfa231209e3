// The single sign-on consent screen in a real browser with JavaScript switched off: a relying
// party sends a signed-out resident to OnceGov, the authenticator chooser signs them in, and the
// consent screen names the service and each attribute it will receive (axe, WCAG 2.2 AA, in
// Korean and English); Deny returns access_denied to the relying party, Allow returns a code.
import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextOf, staff } from '../support/staff';
import { expectAccessible, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;
let redirectUri: string;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 10 });
  redirectUri = `${harness.baseUrl}/rp-callback`;
  await harness.platform.sso.registerClient(contextOf(staff('operator', 'MOIS', 'MOIS-OPS-01')), {
    clientId: 'minwon-partner',
    nameKo: '민원 도우미 앱',
    nameEn: 'Civil Petition Helper',
    kind: 'partner',
    redirectUris: [redirectUri],
    scopes: ['openid', 'profile', 'birthdate', 'address'],
    type: 'public',
  });
});
afterAll(async () => {
  await harness?.close();
});

function authorizeUrl(scope: string): string {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    client_id: 'minwon-partner',
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  return `/oidc/auth?${params}`;
}

const atConsent = (page: Page) => page.waitForURL((url) => /^\/sso\/interaction\/[\w-]+$/.test(url.pathname));

describe('single sign-on consent screen without JavaScript', () => {
  it('names the service and each attribute, in Korean and English; Deny sends access_denied, Allow a code', async () => {
    const page = await (await harness.newContext()).newPage();
    await page.goto(authorizeUrl('openid profile birthdate'));
    // Signed out: the platform's authenticator chooser is the login step.
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.locator('form:has(input[name="authenticator"][value="kakao"]) button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/simulated-authenticators/kakao/authorize');
    await page.locator('form[action$="/authorize"] button[type="submit"]').click();
    await page.locator('form[action="/sign-in/callback"] button[type="submit"]').click();
    await atConsent(page);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('민원 도우미 앱');
    const attributes = await page.locator('#attributes li strong').allTextContents();
    expect(attributes).toEqual(['이 서비스용 OnceGov 이용자 식별자', '이름(한글, 로마자)', '생년월일']);
    expect(await page.content()).not.toContain('주소</strong>');
    await expectAccessible(page, 'ko');

    await page.goto(`${page.url()}?lang=en`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Share your information with Civil Petition Helper');
    expect(await page.locator('#attributes li strong').allTextContents()).toEqual([
      'Your OnceGov user identifier for this service',
      'Your name (Korean and romanised)',
      'Your date of birth',
    ]);
    await expectAccessible(page, 'en');

    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((url) => url.pathname === '/rp-callback');
    const denied = new URL(page.url());
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('code')).toBeNull();

    // Still signed in to the platform: straight to the consent screen, and Allow returns a code.
    await page.goto(authorizeUrl('openid address'));
    await atConsent(page);
    expect(await page.locator('#attributes li strong').allTextContents()).toEqual(['Your OnceGov user identifier for this service', 'Your address']);
    await page.getByRole('button', { name: 'Allow and continue' }).click();
    await page.waitForURL((url) => url.pathname === '/rp-callback');
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();

    // Logout (RP-initiated): OnceGov's confirmation page in the site's layout, then signed out.
    await page.goto('/oidc/session/end?client_id=minwon-partner');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign out of OnceGov?');
    await expectAccessible(page, 'en');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.pathname === '/oidc/session/end/success');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are signed out');
    await page.goto('/me');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('the operator registers a client on the console page; the provider\'s error page uses the site layout (axe)', async () => {
    const page = await (await harness.newContext()).newPage();
    await page.goto(authorizeUrl('openid').replace('minwon-partner', 'no-such-client'));
    expect(await page.locator('#oidc-error').textContent()).toBe('invalid_client');
    await expectAccessible(page, 'ko');

    await signInAsStaff(page, 'MOIS-OPS-01');
    await page.goto('/console/sso-clients');
    await expectAccessible(page, 'ko');
    await page.goto('/console/sso-clients?lang=en');
    await page.getByLabel('Client ID').fill('seoul-city-portal');
    await page.getByLabel('Name (Korean)').fill('서울시 통합 포털');
    await page.getByLabel('Name (English)').fill('Seoul city portal');
    await page.getByLabel('Redirect URIs (one per line)').fill('ftp://seoul.example.kr/cb');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('redirectUris');
    await expectAccessible(page, 'en');
    await page.getByLabel('Redirect URIs (one per line)').fill('https://seoul.example.kr/cb');
    await page.getByRole('button', { name: 'Register' }).click();
    expect(await page.locator('#registered-secret').textContent()).toMatch(/^ogc_/);
    await expectAccessible(page, 'en');

  });
});
