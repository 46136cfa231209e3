// The Mobile ID in a real browser with JavaScript switched off, two people at once: a resident on
// the simulated phone (/me/mobile-id) and a shop on the public verifier page (/verify/mobile-id).
// The resident gets a card, answers the shop's request showing only "aged 19 or over" (QR code and
// text), the shop pastes it and sees that one attribute and not the birth date; then a presentation
// made before a "report lost" is refused right after it. Every state passes axe in Korean and English.
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

async function createRequest(shop: Page, name: string, submit: string): Promise<string> {
  await shop.locator('#verifierName').fill(name);
  await shop.getByRole('button', { name: submit }).click();
  await shop.waitForURL((url) => url.pathname.startsWith('/verify/mobile-id/requests/'));
  return (await shop.locator('#request-code').textContent())!.trim();
}

async function presentOnPhone(phone: Page, code: string, submit: string): Promise<string> {
  await phone.locator('#requestCode').fill(code);
  await phone.getByRole('button', { name: submit }).click();
  await phone.waitForURL((url) => url.pathname === '/me/mobile-id/present');
  return (await phone.locator('#presentation-text').inputValue()).trim();
}

describe('Mobile ID, without JavaScript', () => {
  it('a resident shows a shop only "aged 19 or over", then reports the phone lost; axe passes in Korean and English', async () => {
    const phone = await (await harness.newContext()).newPage();
    const shop = await (await harness.newContext()).newPage();
    const residentId = await signInAsFirstResident(phone);
    const birthDate = (await harness.platform.database.pool.query<{ birth_date: string }>('SELECT birth_date FROM registry.residents WHERE id = $1', [residentId])).rows[0]!.birth_date;

    await phone.goto('/me/mobile-id?lang=ko');
    expect(await phone.getByRole('heading', { level: 1 }).textContent()).toBe('모바일 신분증 (시뮬레이션 휴대전화)');
    expect(await phone.locator('#simulated-notice').textContent()).toContain('서버가 대신 보관');
    expect(await phone.locator('#no-card').count()).toBe(1);
    await expectAccessible(phone, 'ko');

    await phone.getByRole('button', { name: '모바일 신분증 발급받기' }).click();
    await phone.waitForURL((url) => url.searchParams.get('done') === 'issued');
    expect(await phone.getByRole('status').textContent()).toContain('발급했습니다');
    expect(await phone.locator('#card-status').textContent()).toBe('유효');
    expect(await phone.locator('#card-attributes').textContent()).toContain(birthDate);
    await expectAccessible(phone, 'ko');

    await shop.goto('/verify/mobile-id?lang=ko');
    expect(await shop.getByRole('heading', { level: 1 }).textContent()).toBe('모바일 신분증 확인');
    expect(await shop.locator('#attribute-age_over_19').isChecked()).toBe(true);
    await expectAccessible(shop, 'ko');
    const code = await createRequest(shop, '한빛편의점 종로점', '확인 요청 만들기');
    expect(code).toMatch(/^MVR-/);
    expect(await shop.locator('#asked').textContent()).toBe('만 19세 이상');
    await expectAccessible(shop, 'ko');

    const presentation = await presentOnPhone(phone, code, '요청한 항목만 보여 주기');
    expect(await phone.locator('#shared-attributes dt').allTextContents()).toEqual(['만 19세 이상']);
    expect(await phone.locator('#hidden-attributes').textContent()).toContain('생년월일');
    expect(await phone.getByRole('img', { name: '모바일 신분증 제시 정보를 담은 QR 코드' }).count()).toBe(1);
    await expectAccessible(phone, 'ko');

    await shop.locator('#presentation').fill(presentation);
    await shop.getByRole('button', { name: '확인하기' }).click();
    await shop.waitForURL((url) => url.pathname === `/verify/mobile-id/requests/${code}`);
    const result = (await shop.locator('#verification-result').textContent())!;
    expect(result).toContain('유효한 모바일 신분증입니다');
    expect(await shop.locator('#verified-attributes dt').allTextContents()).toEqual(['만 19세 이상']);
    expect(await shop.content()).not.toContain(birthDate);
    await expectAccessible(shop, 'ko');

    // English: the answered request, a new request, and the phone.
    await shop.goto(`/verify/mobile-id/requests/${code}?lang=en`);
    expect(await shop.locator('#request-state').textContent()).toBe('Answered (valid)');
    await expectAccessible(shop, 'en');
    await shop.goto('/verify/mobile-id?lang=en');
    await expectAccessible(shop, 'en');
    const second = await createRequest(shop, 'Hanbit store', 'Create a request');

    await phone.goto('/me/mobile-id?lang=en');
    expect(await phone.getByRole('heading', { level: 1 }).textContent()).toBe('Mobile ID (simulated phone)');
    await expectAccessible(phone, 'en');
    const prepared = await presentOnPhone(phone, second, 'Show only what is asked');
    await expectAccessible(phone, 'en');

    await phone.goto('/me/mobile-id?lang=en');
    await phone.getByRole('button', { name: 'Report lost' }).click();
    await phone.waitForURL((url) => url.searchParams.get('done') === 'revoked');
    expect(await phone.getByRole('status').textContent()).toContain('Reported lost');
    expect(await phone.locator('#no-card').count()).toBe(1);
    expect(await phone.locator('#cards').textContent()).toContain('Revoked (reported lost)');
    await expectAccessible(phone, 'en');

    await shop.locator('#presentation').fill(prepared);
    const [refused] = await Promise.all([
      shop.waitForResponse((r) => new URL(r.url()).pathname === `/verify/mobile-id/requests/${second}` && r.request().method() === 'POST'),
      shop.getByRole('button', { name: 'Check' }).click(),
    ]);
    expect(refused.status()).toBe(422);
    const refusal = (await shop.locator('#verification-result').textContent())!;
    expect(refusal).toContain('This Mobile ID cannot be accepted');
    expect(refusal).toContain('MOBILE_ID_REVOKED');
    await expectAccessible(shop, 'en');

    // Pasting nothing is a form error, not a verification.
    await shop.goto('/verify/mobile-id?lang=en');
    await createRequest(shop, 'Hanbit store', 'Create a request');
    const [empty] = await Promise.all([
      shop.waitForResponse((r) => r.request().method() === 'POST'),
      shop.getByRole('button', { name: 'Check' }).click(),
    ]);
    expect(empty.status()).toBe(400);
    expect(await shop.getByRole('alert').textContent()).toContain('Paste the presentation');
    await expectAccessible(shop, 'en');
  });
});
