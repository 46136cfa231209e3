// The exchange's console pages in a real browser with JavaScript switched off, with data present:
// an official's exchange log (as client and as data holder) and the operator's monthly statistics
// pass axe (WCAG 2.2 AA) in Korean and English, and are reachable from the main menu.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/platform';
import type { Principal } from '../../src/core/auth';
import { AgreementsService, type AgreementContext } from '../../src/modules/agreements';
import { DirectoryService } from '../../src/modules/directory';
import { expectAccessible, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';
import { contextOf as contextFor, staff } from '../support/staff';

const WELFARE = 'KR/GOV/MOHW/welfare-benefits';
let harness: BrowserHarness;

const contextOf = (principal: Principal): AgreementContext => contextFor(principal, 'browser-setup');

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 30 });
  const { platform } = harness;
  const agreements = new AgreementsService(platform.database.pool, platform.audit, new DirectoryService(platform.database.pool));
  const created = await agreements.request(contextOf(staff('official', 'MOHW', 'MOHW-0001')), {
    clientSubsystem: WELFARE,
    productId: 'family.children',
    purposeCode: 'WELFARE-ELIGIBILITY',
    purposeText: '아동수당 지급 대상 확인',
    legalBasis: '아동수당법 제9조',
    fields: ['childCount'],
    validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    consentRequired: false,
  });
  await agreements.decide(contextOf(staff('official', 'SCOURT', 'SCOURT-0001')), created.id, { decision: 'approve' });
  await agreements.decide(contextOf(staff('operator', 'MOIS', 'MOIS-OPS-01')), created.id, { decision: 'approve' });
  const operator = new TestClient(platform.app);
  await operator.signIn({ staffId: 'MOIS-OPS-01' });
  const issued = await operator.request({ method: 'POST', url: '/api/v1/exchange/credentials', json: { subsystemId: WELFARE }, headers: { 'x-csrf-token': operator.csrfToken! } });
  expect(issued.statusCode, issued.body).toBe(201);
  const secret = issued.json().secret as string;
  const read = (subject: number, purpose: string) =>
    platform.app.inject({
      url: `/r1/KR/GOV/SCOURT/family-relations/family.children/${subject}`,
      headers: { 'x-road-client': WELFARE, authorization: `Bearer ${secret}`, 'x-road-purpose': purpose, 'x-road-userid': 'MOHW-0001' },
    });
  for (const subject of [1, 2, 3]) expect((await read(subject, 'WELFARE-ELIGIBILITY')).statusCode).toBe(200);
  expect((await read(4, 'TAX-ASSESSMENT')).statusCode).toBe(403);
});
afterAll(async () => {
  await harness?.close();
});

async function signedInPage(staffId: string): Promise<Page> {
  const context = await harness.newContext();
  const page = await context.newPage();
  await signInAsStaff(page, staffId);
  return page;
}

describe('exchange console pages without JavaScript', () => {
  it('the exchange log: client and holder views, filter form, accessible in ko and en', async () => {
    const page = await signedInPage('MOHW-0001');
    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '정보공동이용 기록' }).click();
    await page.waitForURL((url) => url.pathname === '/console/exchange-log');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('정보공동이용 요청 기록');
    const table = page.getByRole('table', { name: /정보공동이용 요청: 전체 4건/ });
    expect(await table.locator('tbody tr').count()).toBe(4);
    await expectAccessible(page, 'ko');
    await page.goto('/console/exchange-log?lang=en');
    await expectAccessible(page, 'en');
    // The period filter works as a plain GET form; a bad date is summarised and marked.
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByLabel('To').fill('2020-01-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('periodStart') === '2020-01-01');
    expect(await page.locator('#exchange-log-empty').count()).toBe(1);
    await expectAccessible(page, 'en');
    await page.goto('/console/exchange-log?periodStart=2026-02-30&lang=en');
    expect(await page.getByRole('alert').count()).toBe(1);
    await expectAccessible(page, 'en');

    const holder = await signedInPage('SCOURT-0001');
    await holder.goto('/console/exchange-log?lang=en');
    expect(await holder.getByRole('table', { name: /of 4$/ }).locator('tbody tr').first().textContent()).toContain('Data holder');
    await expectAccessible(holder, 'en');
  });

  it('the statistics: per client agency × product, month selector, accessible in ko and en', async () => {
    const page = await signedInPage('MOIS-OPS-01');
    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '정보공동이용 통계' }).click();
    await page.waitForURL((url) => url.pathname === '/console/statistics');
    const table = page.getByRole('table', { name: /이용 기관·데이터 상품별 요청 수/ });
    const row = table.getByRole('row', { name: /MOHW/ });
    expect(await row.locator('td').allTextContents()).toEqual(expect.arrayContaining(['3', '1', '4']));
    await expectAccessible(page, 'ko');
    await page.goto('/console/statistics?lang=en');
    await expectAccessible(page, 'en');
    await page.getByLabel('Month', { exact: true }).selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.has('month'));
    expect(await page.locator('#statistics-empty').count()).toBe(1);
    await expectAccessible(page, 'en');
  });
});
