// Eligibility rules in a real browser with JavaScript switched off: an official of the Ministry of
// Health and Welfare opens the basic pension rule, saves a new version with a mistake (the problem
// is shown next to the editor with its line and column, the text kept), corrects it, saves and
// publishes. Every page passes axe (WCAG 2.2 AA) in Korean and English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

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
});
