// Access agreements in a real browser with JavaScript switched off: an official of the Ministry of
// Health and Welfare requests an agreement for two fields of family.children (first with a mistake,
// shown in an error summary), the data holder's official (National Court Administration) and the
// platform operator approve it, and it shows as active. Every console page passes axe (WCAG 2.2 AA)
// in Korean and English.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

const LOCALES = ['ko', 'en'] as const;
type Locale = (typeof LOCALES)[number];

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 50 });
});
afterAll(async () => {
  await harness?.close();
});

async function staffContext(staffId: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await harness.newContext();
  const page = await context.newPage();
  await signInAsStaff(page, staffId);
  return { context, page };
}

describe('an agreement from request to active, without JavaScript', () => {
  it('MOHW requests two fields of family.children; SCOURT and the operator approve; it is active', async () => {
    // The requesting official, in Korean.
    const official = await staffContext('MOHW-0001');
    let page = official.page;
    const nav = page.getByRole('navigation', { name: '주 메뉴' });
    expect(await nav.getByRole('link', { name: '업무 콘솔' }).getAttribute('href')).toBe('/console/agreements');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('정보 공동이용 협약');

    await page.getByLabel('이용할 데이터 상품').selectOption('family.children');
    await page.getByRole('button', { name: '다음' }).click();
    await page.waitForURL((url) => url.pathname === '/console/agreements/new');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('새 협약 신청');
    expect(await page.getByLabel('이용 시스템').inputValue()).toBe('KR/GOV/MOHW/welfare-benefits');

    // First without choosing any field and without a purpose: the errors are summarised and shown at the fields.
    await page.getByLabel('법적 근거').fill('아동수당법 제9조');
    const [invalid] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/console/agreements' && r.request().method() === 'POST'),
      page.getByRole('button', { name: '협약 신청' }).click(),
    ]);
    expect(invalid.status()).toBe(400);
    expect(await page.title()).toMatch(/^오류:/);
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain('이용할 항목을 하나 이상 선택하세요');
    expect(await alert.textContent()).toContain('이용 목적을 구체적으로 적어 주세요');
    expect(await alert.textContent()).toContain('목적 목록에서 이용 목적을 선택하세요');
    expect(await alert.getByRole('link').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#field-childCount', '#purposeCode', '#purposeText']);
    expect(await page.getByLabel('이용 목적 설명').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('법적 근거').inputValue()).toBe('아동수당법 제9조');
    await expectAccessible(page, 'ko');

    await page.getByRole('checkbox', { name: /childCount/ }).check();
    await page.getByRole('checkbox', { name: /children/ }).check();
    await page.getByLabel('이용 목적', { exact: true }).selectOption('WELFARE-ELIGIBILITY');
    await page.getByLabel('이용 목적 설명').fill('아동수당 지급 대상 확인을 위한 자녀 수 확인');
    await page.getByLabel('이용 기간', { exact: true }).selectOption('24');
    await page.getByRole('checkbox', { name: /동의 필요/ }).check();
    await page.getByRole('button', { name: '협약 신청' }).click();
    await page.waitForURL((url) => /^\/console\/agreements\/AGR-\d{4}-\d{6}$/.test(url.pathname));
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(await page.getByRole('status').textContent()).toContain('협약을 신청했습니다');
    expect(await page.locator('#agreement-status').textContent()).toBe('승인 대기');
    const facts = (await page.locator('#agreement-facts').textContent()) ?? '';
    expect(facts).toContain('childCount');
    expect(facts).toContain('children');
    expect(facts).toContain('아동수당법 제9조');
    // The requester cannot decide on their own request.
    expect(await page.getByRole('button', { name: '승인' }).count()).toBe(0);
    await expectAccessible(page, 'ko');

    // The data holder's official (family relations: National Court Administration), in English.
    const holder = await staffContext('SCOURT-0001');
    page = holder.page;
    await page.goto('/console/agreements?lang=en');
    const queue = page.getByRole('table', { name: 'Requests waiting for your decision' });
    await queue.getByRole('link', { name: id }).click();
    await page.waitForURL((url) => url.pathname === `/console/agreements/${id}`);
    expect(await page.locator('#agreement-status').textContent()).toBe('Requested');
    expect(await page.getByRole('heading', { level: 2, name: 'Decision' }).count()).toBe(1);
    await expectAccessible(page, 'en');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => url.pathname === `/console/agreements/${id}` && url.search === '?done=approve');
    expect(await page.getByRole('status').textContent()).toContain('You approved the request.');
    expect(await page.locator('#agreement-status').textContent()).toBe('Requested');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    // The platform operator, in Korean: approves with a reason.
    const operator = await staffContext('MOIS-OPS-01');
    page = operator.page;
    await page.getByRole('table', { name: '결정을 기다리는 신청' }).getByRole('link', { name: id }).click();
    await page.waitForURL((url) => url.pathname === `/console/agreements/${id}`);
    await page.getByLabel('사유').fill('목적과 항목이 적정함');
    await page.getByRole('button', { name: '승인' }).click();
    await page.waitForURL((url) => url.search === '?done=approve');
    expect(await page.locator('#agreement-status').textContent()).toBe('이용 중');
    const history = page.getByRole('table', { name: '처리 이력' });
    expect(await history.locator('tbody tr').count()).toBe(3);
    expect(await history.textContent()).toContain('목적과 항목이 적정함');
    // Now it can be suspended.
    expect(await page.getByRole('button', { name: '이용 중지' }).count()).toBe(1);
    await expectAccessible(page, 'ko');

    // The requester sees it active among their agency's agreements.
    page = official.page;
    await page.goto('/console/agreements?lang=en');
    const mine = page.getByRole('table', { name: 'Agreements under which your agency uses data' });
    const row = mine.locator('tr', { has: page.getByRole('link', { name: id }) });
    expect(await row.textContent()).toContain('Active');

    const { AgreementsService } = await import('../../src/modules/agreements/service');
    const { DirectoryService } = await import('../../src/modules/directory');
    const pool = harness.platform.database.pool;
    const service = new AgreementsService(pool, harness.platform.audit, new DirectoryService(pool));
    const active = await service.findActiveAgreement(pool, { clientSubsystem: 'KR/GOV/MOHW/welfare-benefits', productId: 'family.children' });
    expect(active).toMatchObject({ id, fields: ['childCount', 'children'], consentRequired: true, covert: false, purposeCode: 'WELFARE-ELIGIBILITY' });

    await Promise.all([official.context.close(), holder.context.close(), operator.context.close()]);
  });
});

describe.each(LOCALES)('every console page passes axe without JavaScript, lang=%s', (locale) => {
  let official: { context: BrowserContext; page: Page };
  let operator: { context: BrowserContext; page: Page };
  let auditor: { context: BrowserContext; page: Page };
  let id: string;

  beforeAll(async () => {
    official = await staffContext('MOHW-0001');
    operator = await staffContext('MOIS-OPS-01');
    auditor = await staffContext('BAI-AUD-01');
    const { AgreementsService } = await import('../../src/modules/agreements/service');
    const { DirectoryService } = await import('../../src/modules/directory');
    const pool = harness.platform.database.pool;
    const service = new AgreementsService(pool, harness.platform.audit, new DirectoryService(pool));
    const principal = { accountId: 'staff-MOHW-0001', sessionId: 'x', role: 'official' as const, residentId: null, agencyCode: 'MOHW', displayName: { ko: '', en: '' } };
    const agreement = await service.request(
      { principal, actor: { id: principal.accountId, role: 'official', org: 'MOHW' }, requestId: `axe-${locale}` },
      {
        clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
        productId: 'tax.income-certificate',
        purposeCode: 'WELFARE-ELIGIBILITY',
        purposeText: 'Income test for the basic livelihood benefit',
        legalBasis: 'National Basic Living Security Act art. 23',
        fields: ['taxYear', 'earnedIncomeKrw'],
        validUntil: new Date(Date.now() + 180 * 86_400_000).toISOString(),
        consentRequired: true,
      },
    );
    id = agreement.id;
  });
  afterAll(async () => {
    await Promise.all([official?.context.close(), operator?.context.close(), auditor?.context.close()]);
  });

  const pages = () => [
    { who: 'official', path: '/console/agreements' },
    { who: 'official', path: '/console/agreements/new?product=family.relations' },
    { who: 'official', path: `/console/agreements/${id}` },
    { who: 'operator', path: '/console/agreements' },
    { who: 'operator', path: `/console/agreements/${id}` },
    { who: 'auditor', path: '/console/agreements' },
    { who: 'auditor', path: `/console/agreements/${id}` },
  ];

  it('the list, the request form and an agreement, for an official, the operator and an auditor', async () => {
    for (const { who, path } of pages()) {
      const page = (who === 'official' ? official : who === 'operator' ? operator : auditor).page;
      const response = await page.goto(`${path}${path.includes('?') ? '&' : '?'}lang=${locale}`);
      expect(response?.status(), `${who} ${path}`).toBe(200);
      await expectAccessible(page, locale);
    }
  });

  it('an agreement with a decision error', async () => {
    const page = operator.page;
    await page.goto(`/console/agreements/${id}?lang=${locale}`);
    await page.getByRole('button', { name: locale === 'ko' ? '반려' : 'Reject' }).click();
    expect(await page.getByRole('alert').getByRole('link').getAttribute('href')).toBe('#decision-reason');
    expect(await page.locator('#decision-reason').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, locale);
  });
});
