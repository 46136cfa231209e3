// Notifications in a real browser with JavaScript switched off: from "My information" a resident
// opens the inbox (unread notices marked in words), reads a notice (its link, delivery status),
// marks another read from the list, and in the notification settings unticks a category and
// chooses English; every state passes axe in Korean and English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../src/core/db';
import { expectAccessible, signInAsFirstResident, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 30 });
});
afterAll(async () => {
  await harness?.close();
});

async function notify(residentId: number, key: string, serviceName: { ko: string; en: string }): Promise<string> {
  const result = await withTransaction(harness.platform.database.pool, (tx) =>
    harness.platform.notifications.send(tx, {
      residentId,
      category: 'child',
      templateId: 'benefit-eligible',
      personalisation: {
        serviceName,
        reason: { ko: '만 8세 미만 자녀가 있습니다', en: 'you have a child under 8' },
        amount: { ko: '월 100,000원', en: 'KRW 100,000 a month' },
        link: '/me/data-usage',
      },
      idempotencyKey: key,
      link: '/me/data-usage',
    }),
  );
  return result.notificationId!;
}

describe('inbox and notification settings, without JavaScript', () => {
  it('a resident reads a notice, marks another read and opts out of a category; axe passes in Korean and English', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    const residentId = await signInAsFirstResident(page);
    await notify(residentId, 'browser-1', { ko: '아동수당', en: 'Child allowance' });
    await notify(residentId, 'browser-2', { ko: '부모급여', en: 'Parental benefit' });

    await page.goto('/me');
    await page.getByRole('link', { name: '알림함: 정부가 보낸 알림 보기' }).click();
    await page.waitForURL((url) => url.pathname === '/me/inbox');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('알림함');
    expect(await page.locator('#unread-count').textContent()).toBe('읽지 않은 알림: 2건');
    const rows = page.locator('#inbox tbody tr');
    expect(await rows.count()).toBe(2);
    // Newest first, each unread one saying so in words.
    expect(await rows.nth(0).textContent()).toContain('부모급여 신청 대상입니다');
    expect(await rows.nth(0).locator('td').first().textContent()).toBe('읽지 않음');
    await expectAccessible(page, 'ko');

    await page.getByRole('link', { name: '아동수당 신청 대상입니다' }).click();
    await page.waitForURL((url) => /^\/me\/inbox\/NTF-/.test(url.pathname));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('아동수당 신청 대상입니다');
    expect(await page.locator('#notification-body').textContent()).toContain('확인된 이유: 만 8세 미만 자녀가 있습니다');
    expect(await page.getByRole('link', { name: '자세히 보기' }).getAttribute('href')).toBe('/me/data-usage');
    await expectAccessible(page, 'ko');

    await page.getByRole('link', { name: '알림함으로 돌아가기' }).click();
    await page.waitForURL((url) => url.pathname === '/me/inbox');
    expect(await page.locator('#unread-count').textContent()).toBe('읽지 않은 알림: 1건');
    await page.getByRole('button', { name: '읽음으로 표시: 부모급여 신청 대상입니다' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'read');
    expect(await page.getByRole('status').textContent()).toContain('읽음으로 표시했습니다');
    expect(await page.locator('#unread-count').textContent()).toBe('읽지 않은 알림: 0건');
    expect(await page.getByRole('button', { name: /읽음으로 표시/ }).count()).toBe(0);
    await expectAccessible(page, 'ko');

    await page.getByRole('link', { name: '알림 설정(받을 알림 분야, 언어)' }).click();
    await page.waitForURL((url) => url.pathname === '/me/notification-preferences');
    expect(await page.getByRole('checkbox', { name: '출산·육아' }).isChecked()).toBe(true);
    await expectAccessible(page, 'ko');
    await page.getByRole('checkbox', { name: '출산·육아' }).uncheck();
    await page.getByRole('radio', { name: 'English (영어)' }).check();
    await page.getByRole('button', { name: '저장' }).click();
    await page.waitForURL((url) => url.searchParams.get('saved') === '1');
    expect(await page.getByRole('status').textContent()).toContain('알림 설정을 저장했습니다');
    expect(await page.getByRole('checkbox', { name: '출산·육아' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: '건강' }).isChecked()).toBe(true);
    await expectAccessible(page, 'ko');

    // Opted out: a new child-care notice does not arrive.
    const suppressed = await withTransaction(harness.platform.database.pool, (tx) =>
      harness.platform.notifications.send(tx, {
        residentId,
        category: 'child',
        templateId: 'general-notice',
        personalisation: { subject: 'x', message: 'y' },
        idempotencyKey: 'browser-3',
      }),
    );
    expect(suppressed.status).toBe('suppressed');

    await page.getByRole('navigation', { name: '언어 선택' }).getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Notification settings');
    expect(await page.getByRole('radio', { name: 'English' }).isChecked()).toBe(true);
    await expectAccessible(page, 'en');

    await page.getByRole('link', { name: 'Back to the inbox' }).click();
    await page.waitForURL((url) => url.pathname === '/me/inbox');
    expect(await page.locator('#inbox tbody tr').count()).toBe(2);
    expect(await page.locator('#inbox').textContent()).toContain('You can get Child allowance');
    await expectAccessible(page, 'en');
    await page.getByRole('link', { name: 'You can get Parental benefit' }).click();
    await page.waitForURL((url) => /^\/me\/inbox\/NTF-/.test(url.pathname));
    expect(await page.locator('#deliveries').count()).toBe(0);
    await expectAccessible(page, 'en');
    await context.close();
  });
});
