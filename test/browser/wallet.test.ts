// The document wallet and the public verification page in a real browser with JavaScript off: a
// resident asks for an income certificate, opens the printable page with its QR code, shares it
// with the demo bank (the form refuses an empty recipient first); a visitor checks it at /verify
// by the QR code's link and by pasting it (genuine, then with one character changed). Every state
// passes axe, in Korean and English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsFirstResident, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 30 });
});
afterAll(async () => {
  await harness?.close();
});

describe('document wallet and verification, without JavaScript', () => {
  it('a resident gets, prints and shares a certificate; a visitor verifies it; axe passes in Korean and English', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsFirstResident(page);

    await page.goto('/me/wallet?lang=ko');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('전자문서지갑');
    expect(await page.getByText('아직 발급받은 전자증명서가 없습니다.').count()).toBe(1);
    await expectAccessible(page, 'ko');

    await page.getByRole('button', { name: '소득금액증명 발급' }).click();
    await page.waitForURL((url) => decodeURIComponent(url.pathname).startsWith('/me/wallet/urn:oncegov:doc:NTS-IncomeCertificate-') && url.searchParams.get('done') === 'issued');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('소득금액증명');
    expect(await page.getByRole('status').textContent()).toContain('발급했습니다');
    expect(await page.locator('#certificate-state').textContent()).toBe('유효');
    expect(await page.getByRole('img', { name: '이 증명서의 진위 확인 주소를 담은 QR 코드' }).locator('svg').count()).toBe(1);
    const documentUri = (await page.locator('#document-uri').textContent())!;
    await expectAccessible(page, 'ko');

    // Printing hides the menus and forms but keeps the certificate and its QR code.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('form[action$="/share"]').isVisible()).toBe(false);
    expect(await page.locator('.certificate svg').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // Sharing with the bank: an empty recipient is refused with an error summary, then it works.
    await page.goto(`${new URL(page.url()).pathname}?lang=en`);
    await page.locator('#purposeText').fill('Housing loan');
    const [rejected] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/share') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Consent and share' }).click(),
    ]);
    expect(rejected.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('Choose a recipient');
    expect(await page.locator('#recipient').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'en');
    await page.locator('#recipient').selectOption('KR/COM/DEMOBANK/loans');
    await page.getByRole('button', { name: 'Consent and share' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'shared');
    expect(await page.locator('.share-uses').textContent()).toBe('0 time(s)');
    await expectAccessible(page, 'en');

    await page.goto('/me/wallet?lang=en');
    expect(await page.locator('#certificates').textContent()).toContain('Income certificate');
    await expectAccessible(page, 'en');

    // A visitor (another browser profile) opens the QR code's link, then pastes the credential.
    const credential = await (await context.request.get(`/me/wallet/${encodeURIComponent(documentUri)}/credential.json`)).text();
    const visitor = await (await harness.newContext()).newPage();
    await visitor.goto(`/verify?id=${encodeURIComponent(documentUri)}&lang=ko`);
    expect(await visitor.locator('#verdict').getAttribute('data-verdict')).toBe('valid');
    expect(await visitor.locator('#verdict').textContent()).toBe('유효한 증명서입니다');
    await expectAccessible(visitor, 'ko');

    await visitor.goto('/verify?lang=en');
    await expectAccessible(visitor, 'en');
    await visitor.locator('#credential').fill(credential);
    await visitor.getByRole('button', { name: 'Check' }).click();
    expect(await visitor.locator('#verdict').getAttribute('data-verdict')).toBe('valid');
    expect(await visitor.locator('#verdict').textContent()).toBe('Valid');
    await expectAccessible(visitor, 'en');

    const changed = credential.replace(/"earnedIncomeKrw":\s*(\d)/, (_m, d: string) => `"earnedIncomeKrw":${(Number(d) + 1) % 10}`);
    expect(changed).not.toBe(credential);
    await visitor.locator('#credential').fill(changed);
    const [forged] = await Promise.all([
      visitor.waitForResponse((r) => new URL(r.url()).pathname === '/verify' && r.request().method() === 'POST'),
      visitor.getByRole('button', { name: 'Check' }).click(),
    ]);
    expect(forged.status()).toBe(422);
    expect(await visitor.locator('#verdict').textContent()).toBe('Forged or changed');
    expect(await visitor.locator('#verdict-reason').textContent()).toContain('signature does not match');
    await expectAccessible(visitor, 'en');
  });
});
