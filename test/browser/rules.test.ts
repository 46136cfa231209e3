// Eligibility rules in a real browser with JavaScript switched off: an official of the Ministry of
// Health and Welfare opens the basic pension rule, saves a new version with a mistake (the problem
// is shown next to the editor with its line and column, the text kept), corrects it, saves and
// publishes. A parent of a newborn sees the benefits the household qualifies for, with reasons.
// Every page passes axe (WCAG 2.2 AA) in Korean and English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsFirstResident, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 50 });
  await harness.platform.eligibility.ensureSeedRules();
});
afterAll(async () => {
  await harness?.close();
});

describe('editing a rule without JavaScript', () => {
  it('refuses a broken version with its location, then saves and publishes the corrected one', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsStaff(page, 'MOHW-0001');

    await page.goto('/console/rules?lang=en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Eligibility rules');
    await expectAccessible(page, 'en');
    await page.getByRole('link', { name: 'Basic pension' }).click();
    await page.waitForURL((url) => url.pathname === '/console/rules/basic-pension');
    await expectAccessible(page, 'en');

    const editor = page.getByLabel('Rule (YAML)');
    const original = await editor.inputValue();
    expect(original).toContain('id: basic-pension');
    const broken = original.replace('version: 1', 'version: 2').replace('variable: age\n', 'variable: agee\n');
    await editor.fill(broken);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/console/rules' && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save draft' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    expect(await page.title()).toMatch(/^Error:/);
    const line = broken.split('\n').findIndex((l) => l.includes('variable: agee')) + 1;
    const alert = page.getByRole('alert');
    expect(await alert.textContent()).toContain(`line ${line}, column`);
    expect(await alert.textContent()).toContain('unknown variable agee');
    expect(await page.getByLabel('Rule (YAML)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Rule (YAML)').inputValue()).toBe(broken);
    await expectAccessible(page, 'en');

    await page.getByLabel('Rule (YAML)').fill(broken.replace('variable: agee\n', 'variable: age\n'));
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL((url) => url.pathname === '/console/rules/basic-pension' && url.searchParams.get('done') === 'saved');
    expect(await page.getByRole('status').textContent()).toContain('The draft was saved.');
    await page.getByRole('button', { name: 'Publish draft version 2' }).click();
    await page.waitForURL((url) => url.searchParams.get('done') === 'published');
    expect(await page.getByRole('status').textContent()).toContain('The rule was published.');

    await page.goto('/console/rules/basic-pension?lang=ko');
    expect(await page.locator('table').last().textContent()).toContain('게시됨');
    expect(await page.locator('table').last().textContent()).toContain('이전 버전');
    await expectAccessible(page, 'ko');
    await page.goto('/console/rules?lang=ko');
    await expectAccessible(page, 'ko');
    await context.close();
  });

  it('shows a resident the benefits they qualify for, each with its reasons', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsFirstResident(page);
    await page.getByRole('navigation', { name: '주 메뉴' }).getByRole('link', { name: '받을 수 있는 혜택' }).click();
    await page.waitForURL((url) => url.pathname === '/me/benefits');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('받을 수 있는 혜택');
    const heading = (await page.locator('#eligible-heading').textContent())!;
    const count = Number(/\((\d+)개\)/.exec(heading)?.[1]);
    expect(count).toBeGreaterThan(0);
    const items = page.locator('section[aria-labelledby="eligible-heading"] li.benefit');
    expect(await items.count()).toBe(count);
    for (const text of await items.allTextContents()) expect(text).toMatch(/대상입니다\. 충족한 조건: .+ — 충족/s);
    // The others are behind a disclosure that works without JavaScript, each with what is not met.
    await page.getByText('자격이 없는 혜택과 그 이유 보기').click();
    expect(await page.locator('details li.benefit').first().textContent()).toMatch(/대상이 아닙니다\. 충족하지 못한 조건: .+ — 미충족/s);
    await expectAccessible(page, 'ko');
    await page.goto('/me/benefits?lang=en');
    expect(await page.locator('section[aria-labelledby="eligible-heading"] li.benefit').first().textContent()).toContain('eligible because: ');
    await expectAccessible(page, 'en');
    await context.close();
  });
});
