// One-stop applications in a real browser with JavaScript switched off: a parent of a baby opens
// Happy Childbirth, reads the consent-to-use screen (what is read, from whom, why), agrees, finds
// the form filled in from the registries, submits it empty of the account (error summary, 400),
// then complete, and follows the five cases on "My applications"; every page passes axe in Korean
// and English.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsFirstResident, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 300 });
});
afterAll(async () => {
  await harness?.close();
});

const APPLY = '/services/bundles/happy-childbirth/apply';

async function both(page: Page, path: string): Promise<void> {
  for (const locale of ['en', 'ko'] as const) {
    await page.goto(`${path}${path.includes('?') ? '&' : '?'}lang=${locale}`);
    await expectAccessible(page, locale);
  }
}

describe('Happy Childbirth, without JavaScript', () => {
  it('consent screen, pre-filled form and my applications work and pass axe in Korean and English', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    const residentId = await signInAsFirstResident(page);
    const children = await harness.platform.registry.readDataProduct(harness.platform.database.pool, 'family.children', residentId);
    const newest = [...((children?.children ?? []) as Array<{ nameKo: string; birthDate: string }>)].sort((a, b) => a.birthDate.localeCompare(b.birthDate)).at(-1);
    expect(newest, 'the first demo person is a parent of a baby').toBeDefined();

    // From the bundle's page to the consent screen: the three products, their holders, nothing read yet.
    await page.goto('/services/bundles/happy-childbirth?lang=ko');
    await page.getByRole('link', { name: '온라인으로 신청하기' }).click();
    await page.waitForURL((url) => url.pathname === APPLY);
    await both(page, APPLY);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('행정정보 공동이용 사전동의');
    expect(await page.locator('#products-to-read tbody tr').count()).toBe(3);
    expect(await page.locator('#products-to-read').textContent()).toContain('법원행정처');

    await page.getByRole('button', { name: '동의하고 신청서 작성' }).click();
    await page.waitForURL((url) => url.pathname === APPLY);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('행복출산 원스톱서비스 신청서');
    const childName = page.locator('[id="pf-child.nameKo"]');
    expect(await childName.inputValue()).toBe(newest!.nameKo);
    expect(await childName.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('[id="pf-child.birthDate"]').inputValue()).toBe(newest!.birthDate);
    await both(page, APPLY);

    // Submitted without the account or the confirmation: the form again, with the error summary.
    await page.goto(`${APPLY}?lang=ko`);
    const [rejected] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === APPLY && r.request().method() === 'POST'),
      page.getByRole('button', { name: '신청하기' }).click(),
    ]);
    expect(rejected.status()).toBe(400);
    const summary = await page.getByRole('alert').textContent();
    expect(summary).toContain('동의해야 제출할 수 있습니다');
    expect(summary).toContain('계좌번호를');
    await expectAccessible(page, 'ko');

    await page.locator('#consent').check();
    const [missingAccount] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === APPLY && r.request().method() === 'POST'),
      page.getByRole('button', { name: '신청하기' }).click(),
    ]);
    expect(missingAccount.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('지급받을 은행을 선택하세요');
    expect(await page.locator('#accountNumber').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'ko');

    await page.locator('#bankCode').selectOption('KAKAO');
    await page.locator('#accountNumber').fill('3333-01-2345678');
    await page.locator('#consent').check();
    await page.getByRole('button', { name: '신청하기' }).click();
    await page.waitForURL((url) => /^\/me\/applications\/APP-/.test(url.pathname));
    expect(await page.getByRole('status').textContent()).toContain('신청이 접수되었습니다');
    expect(await page.locator('#cases tbody tr').count()).toBe(5);
    await both(page, new URL(page.url()).pathname);

    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '내 신청 내역' }).click();
    await page.waitForURL((url) => url.pathname === '/me/applications');
    await both(page, '/me/applications');
    expect(await page.locator('#applications > li').count()).toBe(1);
    expect(await page.locator('#applications .case-status[data-status="received"]').count()).toBe(5);

    // The welfare official takes the child allowance case into review in the console.
    const staffPage = await (await harness.newContext()).newPage();
    await signInAsStaff(staffPage, 'MOHW-0001');
    await staffPage.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '신청 처리' }).click();
    await staffPage.waitForURL((url) => url.pathname === '/console/cases');
    await both(staffPage, '/console/cases');
    expect(await staffPage.locator('#cases tbody tr').count()).toBe(3);
    await staffPage.getByRole('link', { name: /^CASE-/ }).last().click();
    await staffPage.waitForURL((url) => /^\/console\/cases\/CASE-/.test(url.pathname));
    await both(staffPage, new URL(staffPage.url()).pathname);
    await staffPage.locator('#status').selectOption('rejected');
    const [noReason] = await Promise.all([
      staffPage.waitForResponse((r) => r.request().method() === 'POST'),
      staffPage.getByRole('button', { name: '저장' }).click(),
    ]);
    expect(noReason.status()).toBe(400);
    await expectAccessible(staffPage, 'ko');
    await staffPage.locator('#status').selectOption('in-review');
    await staffPage.getByRole('button', { name: '저장' }).click();
    await staffPage.waitForURL((url) => url.searchParams.get('done') === '1');
    expect(await staffPage.locator('#case-status').getAttribute('data-status')).toBe('in-review');

    await page.goto('/me/applications?lang=en');
    expect(await page.locator('#applications .case-status[data-status="in-review"]').count()).toBe(1);
  });
});
