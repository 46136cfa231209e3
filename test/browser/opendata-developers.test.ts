// The open data portal's developer and data-request pages in a real browser with JavaScript off,
// in Korean and English: a resident registers as a developer, issues a key (shown once), revokes
// it; files a data request that the agency refuses and the requester takes to mediation. Every
// page passes axe (WCAG 2.2 AA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsFirstResident, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 10 });
});
afterAll(async () => {
  await harness?.close();
});

describe('/developers', () => {
  it('registers a developer, issues a key shown once, and revokes it', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await page.goto('/developers?lang=ko');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('개발자 센터: API 키');
    await expectAccessible(page, 'ko');

    await signInAsFirstResident(page);
    await page.goto('/developers?lang=ko');
    await page.getByRole('button', { name: '등록하기' }).click();
    await page.waitForURL((url) => url.pathname === '/developers/register');
    expect(await page.getByRole('alert').textContent()).toContain('이메일 주소를 예: dev@example.com 형식으로 입력하세요');
    await expectAccessible(page, 'ko');

    await page.getByLabel('연락받을 이메일').fill('dev@example.com');
    await page.getByLabel('이용 목적').fill('동네 대기질 알림 앱');
    await page.getByRole('button', { name: '등록하기' }).click();
    await page.waitForURL((url) => url.pathname === '/developers' && url.searchParams.get('registered') === '1');
    expect(await page.locator('#registered-notice').textContent()).toContain('개발자로 등록했습니다');
    await expectAccessible(page, 'ko');

    await page.getByLabel('키 이름').fill('대기질 앱 서버');
    await page.getByRole('button', { name: '발급' }).click();
    const key = (await page.locator('#issued-key').textContent()) ?? '';
    expect(key).toMatch(/^odk_/);
    await expectAccessible(page, 'ko');

    const response = await page.request.get('/api/3/action/package_search?rows=1', { headers: { 'x-api-key': key } });
    expect(response.status()).toBe(200);
    expect(response.headers().ratelimit).toMatch(/^"key";r=\d+;t=\d+$/);

    await page.goto('/developers?lang=en');
    expect(await page.content()).not.toContain(key);
    await expectAccessible(page, 'en');
    await page.getByRole('button', { name: /^Revoke/ }).click();
    await page.waitForURL((url) => url.searchParams.has('revoked'));
    expect(await page.locator('#revoked-notice').textContent()).toContain('is revoked');
    expect(await page.locator('#api-keys').textContent()).toContain('Revoked');
    await expectAccessible(page, 'en');
    expect((await page.request.get('/api/3/action/package_search?rows=1', { headers: { 'x-api-key': key } })).status()).toBe(401);
    await context.close();
  });
});

describe('/data-requests', () => {
  it('files a request from a dataset page, and the agency\'s refusal goes to mediation', async () => {
    const resident = await harness.newContext();
    const page = await resident.newPage();
    await signInAsFirstResident(page);
    await page.goto('/datasets/me-air-quality-realtime?lang=ko');
    await page.locator('#data-request-link').click();
    await page.waitForURL((url) => url.pathname === '/data-requests/new');
    expect(await page.getByLabel('데이터를 가진 기관').inputValue()).toBe('ME');
    await expectAccessible(page, 'ko');
    await page.getByLabel('제목', { exact: true }).fill('측정소별 초미세먼지 1분 단위 원자료');
    await page.getByLabel('필요한 데이터와 쓰임새').fill('천식 환자용 알림 앱에 쓰려고 합니다.');
    await page.getByLabel('데이터를 가진 기관').selectOption('MOHW');
    await page.getByRole('button', { name: '요청 보내기' }).click();
    await page.waitForURL((url) => /^\/data-requests\/\d+$/.test(url.pathname));
    const requestPath = new URL(page.url()).pathname;
    expect(await page.locator('#data-request-state').textContent()).toBe('접수');
    await expectAccessible(page, 'ko');

    const agency = await harness.newContext();
    const official = await agency.newPage();
    await signInAsStaff(official, 'MOHW-0001');
    await official.goto(`${requestPath}?lang=en`);
    await official.getByRole('radio', { name: 'Refused' }).check();
    await official.getByRole('button', { name: 'Record answer' }).click();
    await official.waitForURL((url) => url.pathname === `${requestPath}/answer`);
    expect(await official.getByRole('alert').textContent()).toContain('Give a reason of 2 to 2000 characters');
    await expectAccessible(official, 'en');
    await official.getByRole('radio', { name: 'Refused' }).check();
    await official.getByLabel('Reason or note (required when refusing)').fill('Not data this ministry holds.');
    await official.getByRole('button', { name: 'Record answer' }).click();
    await official.waitForURL((url) => url.pathname === requestPath);
    expect(await official.locator('#data-request-state').textContent()).toBe('Refused');
    await expectAccessible(official, 'en');

    await page.goto(`${requestPath}?lang=en`);
    await page.getByLabel('Why the refusal should be reviewed').fill('The ministry of environment should take it over.');
    await page.getByRole('button', { name: 'Ask for mediation' }).click();
    await page.waitForURL((url) => url.pathname === requestPath);
    expect(await page.locator('#data-request-state').textContent()).toBe('In mediation');
    expect(await page.locator('#data-request-history li').count()).toBe(3);
    await expectAccessible(page, 'en');

    await page.goto('/data-requests?lang=ko');
    expect(await page.getByRole('table').textContent()).toContain('측정소별 초미세먼지 1분 단위 원자료');
    await expectAccessible(page, 'ko');
    await page.goto('/data-requests?lang=en');
    await expectAccessible(page, 'en');
    await resident.close();
    await agency.close();
  });
});
