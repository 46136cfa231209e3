// The data catalogue in a real browser with JavaScript off: search and filter with a facet checkbox
// in Korean, open a dataset, switch to English; an official under an agreement opens a restricted
// registry product and starts an access-agreement request for it. Every page passes axe (WCAG 2.2 AA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreeChildrenForWelfare } from '../support/agreements';
import { expectAccessible, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 10 });
});
afterAll(async () => {
  await harness?.close();
});

describe('/catalog', () => {
  it('filters by a facet without JavaScript, opens a dataset and switches to English', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto('/?lang=ko');
    await page.getByRole('link', { name: '모든 기관의 공공데이터를 찾고 내려받습니다.' }).click();
    await page.waitForURL((url) => url.pathname === '/catalog');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('데이터 목록');
    await expectAccessible(page, 'ko');

    await page.getByRole('searchbox', { name: '찾는 데이터' }).fill('대기');
    await page.getByRole('button', { name: '검색' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === '대기');
    const environment = page.getByRole('group', { name: '제공 기관' }).getByRole('checkbox', { name: /^환경부 \(\d+\)$/ });
    await environment.check();
    await page.getByRole('button', { name: '조건 적용' }).click();
    await page.waitForURL((url) => url.searchParams.get('publisher') === 'ME');
    expect(await page.getByRole('group', { name: '제공 기관' }).getByRole('checkbox', { name: /^환경부/ }).isChecked()).toBe(true);
    const results = page.locator('#search-results h3 a');
    const titles = await results.allTextContents();
    expect(titles[0]).toBe('실시간 대기오염 측정정보');
    for (const hint of await page.locator('#search-results .hint').allTextContents()) expect(hint).toMatch(/^환경부 ·/);
    await expectAccessible(page, 'ko');

    await results.first().click();
    await page.waitForURL((url) => url.pathname === '/datasets/me-air-quality-realtime');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('실시간 대기오염 측정정보');
    expect(await page.getByRole('table', { name: '실시간 대기오염 측정정보: 파일과 접근 주소' }).getByRole('row').count()).toBe(4);
    expect(await page.locator('#request-access').count()).toBe(0);
    await expectAccessible(page, 'ko');

    await page.getByRole('navigation', { name: '언어 선택' }).getByRole('link', { name: 'English' }).click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Real-time air quality');
    expect(await page.locator('#dataset-facts').textContent()).toContain('KOGL Type 1 (attribution)');
    await expectAccessible(page, 'en');

    await page.getByRole('link', { name: 'Back to the data catalogue' }).click();
    await page.waitForURL((url) => url.pathname === '/catalog');
    await expectAccessible(page, 'en');
    await context.close();
  });

  it('lets an official whose agency holds an agreement start a further access-agreement request from a restricted registry product', async () => {
    await agreeChildrenForWelfare(harness.platform.agreements);
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsStaff(page, 'MOHW-0001');
    await page.goto('/catalog?lang=ko&access=restricted');
    const restricted = page.locator('#search-results h3 a');
    // Its own ministry's disability register and the courts' family data it has agreed; nothing else restricted.
    expect((await restricted.allTextContents()).length).toBe(2);
    await restricted.filter({ hasText: '자녀 정보' }).click();
    await page.waitForURL((url) => url.pathname === '/datasets/family.children');
    await expectAccessible(page, 'ko');
    await page.getByRole('link', { name: '이 데이터의 이용 협약 신청하기' }).click();
    await page.waitForURL((url) => url.pathname === '/console/agreements/new');
    const product = new URL(page.url()).searchParams.get('product');
    expect(await page.locator('input[name="productId"]').getAttribute('value')).toBe(product);
    await context.close();
  });
});
