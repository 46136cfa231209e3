// Finding a government service in a real browser with JavaScript off: search in Korean, open the
// service, read which documents are fetched for you, switch to English; browse by life event and
// open the Happy Childbirth bundle. Every page passes axe (WCAG 2.2 AA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 20 });
});
afterAll(async () => {
  await harness?.close();
});

describe('/services', () => {
  it('searches in Korean without JavaScript, opens a service, and switches to English', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: '생애주기별 정부 서비스를 찾고 필요한 서류를 확인합니다.' }).click();
    await page.waitForURL((url) => url.pathname === '/services');
    await expectAccessible(page, 'ko');

    const search = page.getByRole('searchbox', { name: '찾는 서비스' });
    expect(await search.getAttribute('aria-describedby')).toBe('q-hint');
    await search.fill('아동 수당');
    await page.getByRole('button', { name: '검색' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === '아동 수당');
    expect(await page.title()).toContain('‘아동 수당’ 검색 결과');
    const results = page.locator('#search-results h3 a');
    expect(await results.first().textContent()).toBe('아동수당');
    await expectAccessible(page, 'ko');

    await results.first().click();
    await page.waitForURL((url) => url.pathname === '/services/child-allowance');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('아동수당');
    const documents = page.getByRole('table', { name: '아동수당: 필요한 서류와 준비 방법' });
    const childrenRow = documents.getByRole('row', { name: /자녀 정보/ });
    expect(await childrenRow.textContent()).toContain('제출하지 않으셔도 됩니다. 담당 기관이 직접 확인합니다.');
    expect(await childrenRow.textContent()).toContain('법원행정처');
    expect(await documents.getByRole('row', { name: /통장 사본/ }).textContent()).toContain('직접 제출하세요');
    await expectAccessible(page, 'ko');

    await page.getByRole('navigation', { name: '언어 선택' }).getByRole('link', { name: 'English' }).click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Child allowance');
    const english = page.getByRole('table', { name: 'Child allowance: documents and how each is provided' });
    expect(await english.getByRole('row', { name: /Family relations: children/ }).textContent()).toContain("We fetch this for you — you don't need to submit it.");
    expect(await page.locator('#service-facts').textContent()).toContain('Child Allowance Act');
    await expectAccessible(page, 'en');

    // The language sticks: a new search is answered in English, typos and all.
    await page.goto('/services');
    await page.getByRole('searchbox', { name: 'What are you looking for?' }).fill('pension basci');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'pension basci');
    expect(await page.locator('#search-results h3 a').first().textContent()).toBe('Basic pension');
    await context.close();
  });

  it('browses by life event to the Happy Childbirth bundle, and shows a search problem next to the field', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto('/services?lang=en');
    await page.locator('#life-events').getByRole('link', { name: 'Pregnancy and birth' }).click();
    await page.waitForURL((url) => url.pathname === '/services/life-events/birth');
    await expectAccessible(page, 'en');
    await page.getByRole('link', { name: 'Happy Childbirth one-stop service' }).click();
    await page.waitForURL((url) => url.pathname === '/services/bundles/happy-childbirth');
    expect(await page.locator('#bundle-services h3').allTextContents()).toEqual([
      'Child allowance',
      'Parental benefit',
      'First-meeting voucher',
      'National vaccination for children',
      'Local birth grant',
    ]);
    await expectAccessible(page, 'en');

    const response = await page.goto(`/services?lang=en&q=${'x'.repeat(250)}`);
    expect(response?.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('Enter at most 200 characters');
    expect(await page.getByRole('searchbox', { name: 'What are you looking for?' }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'en');
    await context.close();
  });
});
