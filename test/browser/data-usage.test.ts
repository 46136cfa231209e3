// "Who used my data" in a real browser with JavaScript switched off: a resident signs in, follows
// the main menu to the page, sees an agency's exchange read (written in the exchange module's
// audit format) in Korean and English, filters by period with the GET form, meets the empty state
// and a rejected period; every state passes axe (WCAG 2.2 AA).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPayload, type AuditEntry } from '../../src/core/audit';
import { expectAccessible, signInAsFirstResident, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;
let residentId: number;

function exchangeRead(subject: number, requestId: string, covert = false): AuditEntry {
  return {
    actor: { id: 'KR/GOV/MOHW/welfare-benefits', role: 'system', org: 'MOHW' },
    action: 'exchange.read',
    purpose: 'Checking eligibility for the basic livelihood allowance',
    resource: 'exchange/resident.basic',
    outcome: 'allowed',
    subjectResidentId: subject,
    requestId,
    details: {
      agreementId: 'AGR-2026-000042',
      productId: 'resident.basic',
      clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
      providerSubsystem: 'KR/GOV/MOIS/resident-register',
      purposeCode: covert ? 'LAW-ENFORCEMENT' : 'WELFARE-ELIGIBILITY',
      fields: ['nameKo', 'birthDate'],
      covert,
      userId: 'MOHW-0001',
      issue: 'CASE-1',
      denial: null,
    },
  };
}

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 30 });
});
afterAll(async () => {
  await harness?.close();
});

describe('who used my data, without JavaScript', () => {
  it('a resident finds the page from the menu and sees an agency\'s lookup, in Korean and English; axe passes', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    residentId = await signInAsFirstResident(page);
    const pool = harness.platform.database.pool;
    await pool.query('INSERT INTO audit.entries (payload) VALUES ($1)', [auditPayload(exchangeRead(residentId, 'xroad-browser-1'), Date.parse('2026-03-05T14:00:00+09:00'))]);
    await pool.query('INSERT INTO audit.entries (payload) VALUES ($1)', [auditPayload(exchangeRead(residentId, 'xroad-browser-covert', true), Date.parse('2026-03-06T14:00:00+09:00'))]);

    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '내 정보 이용 내역' }).click();
    await page.waitForURL((url) => url.pathname === '/me/data-usage');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('내 정보 이용 내역');
    const table = page.getByRole('table');
    expect(await table.locator('caption').textContent()).toMatch(/^내 정보 이용 내역: 전체 \d+건 중 1–\d+번째$/);
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['일시', '이용자', '시스템', '이용한 정보', '이유', '결과', '근거 협약', '요청 번호']);
    const row = table.getByRole('row').filter({ hasText: 'xroad-browser-1' });
    expect(await row.textContent()).toContain('보건복지부');
    expect(await row.textContent()).toContain('복지급여 자격 확인');
    expect(await row.textContent()).toContain('AGR-2026-000042');
    // My own sign-in is there too, as "본인"; the covert lookup is not.
    expect(await table.getByRole('row').filter({ hasText: '본인' }).count()).toBeGreaterThan(0);
    expect(await page.content()).not.toContain('xroad-browser-covert');
    await expectAccessible(page, 'ko');

    await page.getByRole('navigation', { name: '언어 선택' }).getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Who used my data');
    const enRow = page.getByRole('table').getByRole('row').filter({ hasText: 'xroad-browser-1' });
    expect(await enRow.textContent()).toContain('Ministry of Health and Welfare');
    expect(await enRow.textContent()).toContain('Checking eligibility for welfare benefits');
    expect(await enRow.textContent()).toContain('Resident register: basic record');
    await expectAccessible(page, 'en');
    await context.close();
  });

  it('filters by period with the form, shows the empty state and a rejected period next to its field; axe passes', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsFirstResident(page);
    await page.goto('/me/data-usage?lang=en');

    await page.getByLabel('From', { exact: true }).fill('2026-03-01');
    await page.getByLabel('To', { exact: true }).fill('2026-03-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('periodStart') === '2026-03-01');
    expect(await page.getByRole('table').locator('caption').textContent()).toContain('1–1 of 1');
    expect(await page.getByRole('table').getByRole('row').count()).toBe(2);
    await expectAccessible(page, 'en');

    await page.getByLabel('From', { exact: true }).fill('2020-01-01');
    await page.getByLabel('To', { exact: true }).fill('2020-01-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('periodStart') === '2020-01-01');
    expect(await page.locator('#data-usage-empty').textContent()).toBe('No one used your data in this period.');
    await expectAccessible(page, 'en');

    await page.getByLabel('From', { exact: true }).fill('2026-03-31');
    await page.getByLabel('To', { exact: true }).fill('2026-03-01');
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/me/data-usage'),
      page.getByRole('button', { name: 'Show' }).click(),
    ]);
    expect(response.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('The end date must be the same as or after the start date');
    expect(await page.getByLabel('To', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'en');

    await page.goto('/me/data-usage?lang=ko&periodStart=2026-03-31&periodEnd=2026-03-01');
    await expectAccessible(page, 'ko');
    await context.close();
  });
});
