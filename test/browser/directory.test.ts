// The public directory page of the once-only exchange in a real browser with JavaScript off:
// it passes axe (WCAG 2.2 AA) in Korean and English, and its tables are navigable by their
// captions and headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_PRODUCTS } from '../../src/modules/registry/data-products';
import { axeAudit, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 20 });
});
afterAll(async () => {
  await harness?.close();
});

describe('/directory', () => {
  for (const locale of ['ko', 'en'] as const) {
    it(`passes axe and exposes its tables by caption (${locale})`, async () => {
      const context = await harness.newContext();
      const page = await context.newPage();
      const response = await page.goto(`/directory?lang=${locale}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(locale === 'ko' ? '정보공동이용 디렉터리' : 'Once-only exchange directory');

      const tables = page.getByRole('table');
      expect(await tables.count()).toBe(2 + DATA_PRODUCTS.length);
      const members = page.getByRole('table', { name: locale === 'ko' ? '참여 기관 목록' : 'Organisations in the directory' });
      expect(await members.getByRole('columnheader').allTextContents()).toEqual(
        locale === 'ko' ? ['식별자', '이름', '기관 구분'] : ['Identifier', 'Name', 'Member class'],
      );
      expect(await members.getByRole('rowheader').allTextContents()).toContain('KR/GOV/MOLIT');
      const disability = page.getByRole('table', { name: locale === 'ko' ? '장애인 등록 여부: 항목' : 'Disability registration: fields' });
      expect(await disability.getByRole('row', { name: /registeredOn/ }).textContent()).toContain(locale === 'ko' ? '민감정보' : 'Sensitive');

      const report = await axeAudit(page);
      expect(report.violations.length, report.summary).toBe(0);
      expect(report.passed, 'axe passed hardly any rules: did it run on the real page?').toBeGreaterThan(10);
      await context.close();
    });
  }

  it('links each product from its subsystem, and to its OpenAPI description', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto('/directory?lang=en');
    await page.getByRole('link', { name: 'Vehicle registration', exact: true }).click();
    await page.waitForURL((url) => url.hash === '#product-vehicle-registration');
    const section = page.getByRole('region', { name: 'Vehicle registration (vehicle.registration)' });
    const described = await section.getByRole('link', { name: 'getOpenAPI?serviceCode=vehicle.registration' }).getAttribute('href');
    const openapi = await context.request.get(described!);
    expect(openapi.status()).toBe(200);
    expect((await openapi.json()).components.schemas['vehicle.registration'].properties.vehicles.items.properties.plateNumber['x-sensitivity']).toBe('personal');
    await context.close();
  });
});
