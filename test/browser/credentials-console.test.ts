// The operator's credentials page in a real browser with JavaScript switched off: issue a
// credential (its secret shown once and never again), revoke it with a reason (a missing reason is
// summarised and marked), and the revoked credential refused by the exchange; axe (WCAG 2.2 AA)
// in Korean and English; auditors see the list without the forms.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

const WELFARE = 'KR/GOV/MOHW/welfare-benefits';
let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 10 });
});
afterAll(async () => {
  await harness?.close();
});

async function signedInPage(staffId: string): Promise<Page> {
  const page = await (await harness.newContext()).newPage();
  await signInAsStaff(page, staffId);
  return page;
}

const read = (secret: string) =>
  harness.platform.app.inject({
    url: '/r1/KR/GOV/MOIS/resident-register/resident.basic/1',
    headers: { 'x-road-client': WELFARE, authorization: `Bearer ${secret}`, 'x-road-purpose': 'WELFARE-ELIGIBILITY', 'x-road-userid': 'MOHW-0001' },
  });

describe('exchange credentials console without JavaScript', () => {
  it('the operator issues a credential, sees its secret once, and revokes it with a reason', async () => {
    const page = await signedInPage('MOIS-OPS-01');
    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '인증키 관리' }).click();
    await page.waitForURL((url) => url.pathname === '/console/credentials');
    await expectAccessible(page, 'ko');
    await page.goto('/console/credentials?lang=en');
    await page.getByLabel('Client system').selectOption(WELFARE);
    await page.getByRole('button', { name: 'Issue' }).click();
    const secret = (await page.locator('#issued-secret').textContent()) ?? '';
    expect(secret).toMatch(/^ogx_/);
    await expectAccessible(page, 'en');
    // The exchange knows the credential (no agreement yet: it authenticates, then is refused for that).
    expect((await read(secret)).headers['x-road-error']).toBe('Client.AgreementMissing');

    // Shown once: the list never contains it.
    await page.goto('/console/credentials?lang=en');
    expect(await page.content()).not.toContain(secret);
    const row = page.getByRole('row').filter({ hasText: WELFARE }).first();
    const id = ((await row.locator('th code').textContent()) ?? '').trim();
    expect(id).toMatch(/^CRED-/);

    // No reason: the form comes back with the error summarised and the field marked.
    await row.getByRole('button', { name: `Revoke ${id}` }).click();
    // The browser's own 'required' check stops an empty submission; an all-blank reason reaches the server.
    await row.getByLabel('Reason for revoking').fill('   ');
    await row.getByRole('button', { name: `Revoke ${id}` }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Enter why');
    expect(await page.locator(`#reason-${id}`).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'en');

    await page.locator(`#reason-${id}`).fill('Administrator laptop lost');
    await page.getByRole('button', { name: `Revoke ${id}` }).click();
    await page.waitForURL((url) => url.searchParams.get('revoked') === id);
    expect(await page.getByRole('status').textContent()).toContain(id);
    expect(await page.getByRole('row').filter({ hasText: id }).textContent()).toContain('Administrator laptop lost');
    await expectAccessible(page, 'en');
    expect((await read(secret)).headers['x-road-error']).toBe('Client.AuthenticationFailed');
  });

  it('auditors see the list without forms; officials are refused', async () => {
    const auditor = await signedInPage('BAI-AUD-01');
    await auditor.goto('/console/credentials?lang=en');
    expect(await auditor.getByRole('table').count()).toBe(1);
    expect(await auditor.getByRole('button', { name: /Issue|Revoke/ }).count()).toBe(0);
    await expectAccessible(auditor, 'en');
    const official = await signedInPage('MOHW-0001');
    const response = await official.goto('/console/credentials?lang=en');
    expect(response?.status()).toBe(403);
  });
});
