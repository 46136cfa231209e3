// The residents' portal in a real browser with JavaScript switched off, as the site must work
// without scripts: every page passes axe (WCAG 2.2 AA) in Korean and English, a person signs in
// through the chooser and a simulated authenticator, reads their record, switches language,
// saves contact details and signs out; the skip link works from the keyboard.
//
// UPDATE_SCREENSHOT=1 also rewrites docs/screenshot.png (My information, English, 1280x900).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskRrn } from '../../src/modules/registry/population/identifiers';
import { axeAudit, expectAccessible, startBrowserHarness, type BrowserHarness } from './support';

const LOCALES = ['ko', 'en'] as const;
type Locale = (typeof LOCALES)[number];

const SCREENSHOT = fileURLToPath(new URL('../../docs/screenshot.png', import.meta.url));

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness();
});
afterAll(async () => {
  await harness?.close();
});

interface DemoPerson {
  residentId: number;
  label: string;
}

/** The options of the simulated authenticator's person select. */
async function demoPeople(page: Page): Promise<DemoPerson[]> {
  const options = page.locator('select#person option');
  const people: DemoPerson[] = [];
  for (let i = 0; i < (await options.count()); i++) {
    const value = (await options.nth(i).getAttribute('value')) ?? '';
    const label = ((await options.nth(i).textContent()) ?? '').trim();
    const match = /^resident:(\d+)$/.exec(value);
    if (match) people.push({ residentId: Number(match[1]), label });
  }
  return people;
}

/** Opens the Kakao (simulated) authenticator page through the sign-in chooser. */
async function openAuthenticator(page: Page, locale: Locale): Promise<void> {
  await page.goto(`/sign-in?lang=${locale}`);
  await page.locator('form:has(input[name="authenticator"][value="kakao"]) button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/simulated-authenticators/kakao/authorize');
}

/** Signs in through the real pages (structural selectors; the journey test uses visible names). */
async function signInAsResident(page: Page, choose: (people: DemoPerson[]) => DemoPerson | undefined): Promise<DemoPerson> {
  await openAuthenticator(page, 'ko');
  const person = choose(await demoPeople(page));
  if (!person) throw new Error('no suitable demo person on the authenticator page');
  await page.locator('select#person').selectOption(`resident:${person.residentId}`);
  await page.locator('form[action$="/authorize"] button[type="submit"]').click();
  await page.locator('form[action="/sign-in/callback"] button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === '/me');
  return person;
}

async function residentFacts(residentId: number) {
  const name = await harness.platform.registry.residentName(residentId);
  const rrn = await harness.platform.registry.rrnForSimulatedAuthenticator(residentId);
  if (!name || !rrn) throw new Error(`resident ${residentId} is not in the registry`);
  return { name, rrn, masked: maskRrn(rrn), digits: rrn.replace(/\D/g, '') };
}

/** The element that has focus, described by tag, id and class. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = (globalThis as unknown as { document: { activeElement: { tagName: string; id: string; className: string } | null } }).document.activeElement;
    return element ? `${element.tagName.toLowerCase()}#${element.id}.${element.className}` : 'none';
  });
}

it('the axe audit itself reports violations readably (a broken page is not waved through)', async () => {
  const context = await harness.newContext();
  const page = await context.newPage();
  const url = `${harness.baseUrl}/axe-self-test`;
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html lang="en"><head><title>Broken</title><link rel="stylesheet" href="/static/app.css"></head>' +
        '<body><main id="main"><h1>Broken</h1><img src="/static/app.css"><p style="color:#bbb">Faint text</p><a href="/"></a></main></body></html>',
    }),
  );
  await page.goto(url);
  const report = await axeAudit(page);
  expect(report.violations.map((v) => v.id).sort()).toEqual(['color-contrast', 'image-alt', 'link-name']);
  expect(report.summary).toContain('image-alt [critical]');
  expect(report.summary).toMatch(/at img: .*alt attribute/);
  await context.close();
});

describe.each(LOCALES)('every page passes axe (WCAG 2.2 AA) without JavaScript, lang=%s', (locale) => {
  let anonymous: BrowserContext;
  let resident: BrowserContext;

  beforeAll(async () => {
    anonymous = await harness.newContext();
    resident = await harness.newContext();
    await signInAsResident(await resident.newPage(), (people) => people[0]);
  });
  afterAll(async () => {
    await anonymous?.close();
    await resident?.close();
  });

  it.each(['/', '/sign-in', '/docs', '/problems/forbidden'])('%s', async (path) => {
    const page = await anonymous.newPage();
    const response = await page.goto(`${path}?lang=${locale}`);
    expect(response?.status()).toBe(200);
    await expectAccessible(page, locale);
  });

  it('the simulated authenticator page', async () => {
    const page = await anonymous.newPage();
    await openAuthenticator(page, locale);
    expect(await page.locator('select#person option').count()).toBeGreaterThan(0);
    await expectAccessible(page, locale);
  });

  it('an unknown path gets an HTML 404 page', async () => {
    const page = await anonymous.newPage();
    const response = await page.goto(`/no-such-page?lang=${locale}`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('text/html');
    await expect.poll(() => page.locator('main').textContent()).toContain('ROUTE_NOT_FOUND');
    await expectAccessible(page, locale);
  });

  it.each(['/', '/me'])('%s signed in as a resident', async (path) => {
    const page = await resident.newPage();
    const response = await page.goto(`${path}?lang=${locale}`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(path);
    await expectAccessible(page, locale);
  });
});

describe('a resident in a browser without JavaScript', () => {
  it('signs in as a person would, reads their record, switches to English and signs out', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto('/');
    expect(await page.locator('html').getAttribute('lang')).toBe('ko'); // Accept-Language: ko-KR

    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '로그인', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.getByRole('button', { name: '카카오 인증서 (모의)(으)로 로그인' }).click();

    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('카카오 인증서 (모의)');
    const people = await demoPeople(page);
    const person = people.find((p) => p.label.includes('성인')) ?? people[0]!;
    await page.getByLabel('시연용 인물').selectOption({ label: person.label });
    await page.getByRole('button', { name: '본인 확인' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('본인 확인 완료');
    await expectAccessible(page, 'ko');
    await page.getByRole('button', { name: 'OnceGov로 계속' }).click();

    const facts = await residentFacts(person.residentId);
    await page.waitForURL((url) => url.pathname === '/me');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('나의 정보');
    const record = page.locator('#resident-record');
    expect(await record.textContent()).toContain(facts.name.ko);
    expect(await record.textContent()).toContain(facts.masked);
    expect(facts.masked).toMatch(/^\d{6}-[1-8]\*{6}$/);
    expect(await page.getByRole('navigation', { name: '주 메뉴' }).textContent()).toContain(`${facts.name.ko} 님`);
    let markup = await page.content();
    expect(markup).not.toContain(facts.rrn);
    expect(markup).not.toContain(facts.digits);
    expect(markup).not.toContain(`${facts.digits.slice(0, 6)}-${facts.digits.slice(6)}`);

    await page.getByRole('navigation', { name: '언어 선택' }).getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(new URL(page.url()).pathname).toBe('/me');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('My information');
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Household members', 'Contact details']);
    expect(await record.textContent()).toContain(facts.name.en);
    expect(await record.textContent()).toContain(facts.masked);
    markup = await page.content();
    expect(markup).not.toContain(facts.digits);
    expect(markup).not.toContain(`${facts.digits.slice(0, 6)}-${facts.digits.slice(6)}`);

    // The language choice sticks (cookie) when the next link carries no ?lang.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('OnceGov digital platform government');
    expect(await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Sign in', exact: true }).count()).toBe(1);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('og_session');

    const afterSignOut = await page.goto('/me');
    expect(afterSignOut?.status()).toBe(200);
    const landed = new URL(page.url());
    expect(landed.pathname).toBe('/sign-in');
    expect(landed.searchParams.get('returnTo')).toBe('/me');
    await context.close();
  });

  it('saves contact details from the form on /me; a bad phone number is shown next to the field, nothing saved', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsResident(page, (people) => people.at(-1));
    await page.goto('/me?lang=en');

    await page.getByLabel('E-mail').fill('resident@example.org');
    await page.getByLabel('Mobile phone').fill('010-2345-6789');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((url) => url.pathname === '/me' && url.search === '?saved=1');
    expect(await page.getByRole('status').textContent()).toContain('Your contact details were saved.');
    expect(await page.getByLabel('E-mail').inputValue()).toBe('resident@example.org');
    expect(await page.getByLabel('Mobile phone').inputValue()).toBe('010-2345-6789');
    expect(await page.locator('main').textContent()).toContain('Last changed:');
    await expectAccessible(page, 'en');

    await page.goto('/me?lang=en');
    expect(await page.getByLabel('Mobile phone').inputValue()).toBe('010-2345-6789');
    await page.getByLabel('Mobile phone').fill('12345');
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/me/contact-details'),
      page.getByRole('button', { name: 'Save' }).click(),
    ]);
    expect(response.status()).toBe(400);
    expect(response.headers()['content-type']).toContain('text/html');
    expect(await page.title()).toMatch(/^Error: My information/);
    expect(await page.getByRole('alert').textContent()).toContain('Enter a mobile number like 010-1234-5678');
    // The summary links to the field, the field says what is wrong and keeps what was typed.
    expect(await page.getByRole('alert').getByRole('link').getAttribute('href')).toBe('#phone');
    const phone = page.getByLabel('Mobile phone');
    expect(await phone.getAttribute('aria-invalid')).toBe('true');
    expect(await phone.inputValue()).toBe('12345');
    expect(await page.locator('#phone-error').textContent()).toContain('Enter a mobile number');
    expect(await page.getByLabel('E-mail').inputValue()).toBe('resident@example.org');
    await expectAccessible(page, 'en');

    // Nothing was changed by the rejected form.
    await page.goto('/me?lang=en');
    expect(await page.getByLabel('Mobile phone').inputValue()).toBe('010-2345-6789');
    await context.close();
  });

  it('keyboard: the first Tab reaches the visible skip link, which moves focus to main', async () => {
    for (const locale of LOCALES) {
      const context = await harness.newContext();
      const page = await context.newPage();
      await page.goto(`/?lang=${locale}`);
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('a#.skip-link');
      expect(await page.locator('.skip-link').textContent()).toBe(locale === 'ko' ? '본문 바로가기' : 'Skip to main content');
      const box = await page.locator('.skip-link').boundingBox();
      expect(box && box.y >= 0 && box.height > 0, 'the focused skip link is on screen').toBe(true);

      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.hash === '#main');
      expect(await focused(page)).toBe('main#main.container');
      // The next Tab continues inside main, not back at the top of the page.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document;
        return Boolean(doc.activeElement?.closest('main'));
      })).toBe(true);
      await context.close();
    }
  });

  it.runIf(process.env.UPDATE_SCREENSHOT === '1')('writes docs/screenshot.png: My information in English at 1280x900', async () => {
    const context = await harness.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInAsResident(page, (people) => people.find((p) => /영아 부모/.test(p.label)) ?? people[0]);
    await page.goto('/me?lang=en');
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await context.close();
  });
});
