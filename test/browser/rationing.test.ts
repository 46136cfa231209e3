// The public mask stock map in a real browser with JavaScript off, in Korean and English: the SVG
// map has a name, every outlet is in the tables, the region filter works as a plain form, and
// every page passes axe (WCAG 2.2 AA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 10 });
});
afterAll(async () => {
  await harness?.close();
});

describe('/rationing/map', () => {
  it('shows the map with its text alternative and filters by region without JavaScript (ko, then en)', async () => {
    const outlets = (await harness.platform.app.inject({ url: '/api/v1/rationing/outlets' })).json().items as unknown[];
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto('/rationing/map?lang=ko');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('공적 마스크 판매처 재고 지도');
    await expect(page.getByRole('img', { name: '전국 17개 시·도 판매처 재고 지도' }).count()).resolves.toBe(1);
    expect(await page.getByRole('table', { name: /판매처별 재고/ }).locator('tbody tr').count()).toBe(outlets.length);
    expect(await page.getByRole('table', { name: '시·도별 판매처 재고 수준' }).locator('tbody tr').count()).toBe(17);
    await expectAccessible(page, 'ko');

    await page.getByRole('combobox', { name: '시·도 선택' }).selectOption('50');
    await page.getByRole('button', { name: '보기' }).click();
    await page.waitForURL((url) => url.searchParams.get('region') === '50');
    const jeju = await page.getByRole('table', { name: /판매처별 재고/ }).locator('tbody tr th').allTextContents();
    expect(jeju.length).toBeGreaterThan(0);
    for (const name of jeju) expect(name).toContain('제주');
    await expectAccessible(page, 'ko');

    await page.getByRole('navigation', { name: '언어 선택' }).getByRole('link', { name: 'English' }).click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Public face masks: stock at outlets');
    await expect(page.getByRole('img', { name: 'Map of outlets and their stock in Korea\'s 17 regions' }).count()).resolves.toBe(1);
    expect(await page.locator('ul.legend li').allTextContents()).toEqual([
      expect.stringContaining('Plenty (100 or more)'),
      expect.stringContaining('Some (30 to 99)'),
      expect.stringContaining('Few (2 to 29)'),
      expect.stringContaining('Empty (0 or 1)'),
    ]);
    await expectAccessible(page, 'en');
    await context.close();
  });
});
