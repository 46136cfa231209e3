// MyData consent in a real browser with JavaScript switched off: a resident follows the main menu
// to "My consents", submits the grant form empty (error summary, 400), gives the demo bank a
// consent, reads the receipt in Korean and English, and withdraws it; every state passes axe.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsFirstResident, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 30 });
});
afterAll(async () => {
  await harness?.close();
});

describe('my consents, without JavaScript', () => {
  it('a resident gives the demo bank a consent, sees the receipt and withdraws it; axe passes in Korean and English', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsFirstResident(page);

    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '내 동의 관리' }).click();
    await page.waitForURL((url) => url.pathname === '/me/consents');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('내 동의 관리');
    expect(await page.locator('#consents-empty').count()).toBe(1);
    await expectAccessible(page, 'ko');

    await page.getByRole('link', { name: '새 동의하기' }).click();
    await page.waitForURL((url) => url.pathname === '/me/consents/new');
    await expectAccessible(page, 'ko');

    // Submitted empty: the error summary lists every problem, each field is marked.
    const [rejected] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/me/consents' && r.request().method() === 'POST'),
      page.getByRole('button', { name: '동의하고 증표 받기' }).click(),
    ]);
    expect(rejected.status()).toBe(400);
    const summary = await page.getByRole('alert').textContent();
    expect(summary).toContain('받는 곳을 선택하세요');
    expect(summary).toContain('제공할 정보를 하나 이상 선택하세요');
    expect(summary).toContain('만료일을');
    expect(await page.locator('#recipient').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'ko');

    const expiry = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    await page.locator('#recipient').selectOption('KR/COM/DEMOBANK/loans');
    await page.locator('#purposeCode').selectOption('LOAN-SCREENING');
    await page.locator('#purposeText').fill('전세자금 대출 심사');
    await page.locator('#dataType-resident\\.basic').check();
    await page.locator('#dataType-tax\\.income-certificate').check();
    await page.locator('#consentExpiry').fill(expiry);
    await page.locator('#dataLifeDays').fill('30');
    await page.getByRole('button', { name: '동의하고 증표 받기' }).click();
    await page.waitForURL((url) => /^\/me\/consents\/CNS-/.test(url.pathname) && url.searchParams.get('done') === 'grant');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('동의 증표');
    expect(await page.getByRole('status').textContent()).toContain('동의했습니다');
    const receipt = await page.locator('#receipt').textContent();
    expect(receipt).toContain('대출 심사 시스템');
    expect(receipt).toContain('KR/COM/DEMOBANK/loans');
    expect(receipt).toContain('주민등록 기본사항');
    expect(receipt).toContain('전세자금 대출 심사');
    expect(receipt).toContain('30일');
    expect(await page.locator('#consent-state').textContent()).toBe('유효');
    expect(await page.getByRole('heading', { name: '철회하는 방법' }).count()).toBe(1);
    await expectAccessible(page, 'ko');

    await page.getByRole('navigation', { name: '언어 선택' }).getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Consent receipt');
    expect(await page.locator('#receipt').textContent()).toContain('Loan screening system');
    await expectAccessible(page, 'en');

    await page.getByRole('button', { name: 'Withdraw consent' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'revoke');
    expect(await page.locator('#consent-state').textContent()).toBe('Withdrawn');
    expect(await page.getByRole('button', { name: 'Withdraw consent' }).count()).toBe(0);
    await expectAccessible(page, 'en');

    await page.getByRole('link', { name: 'Back to my consents' }).click();
    await page.waitForURL((url) => url.pathname === '/me/consents');
    const row = page.getByRole('table').getByRole('row').filter({ hasText: 'KR/COM/DEMOBANK/loans' });
    expect(await row.textContent()).toContain('Withdrawn');
    await expectAccessible(page, 'en');
    await context.close();
  });
});
