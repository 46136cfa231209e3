// The open-data upload console in a real browser with JavaScript off: an official uploads a
// malformed CSV and sees every bad line (nothing stored), uploads a CP949 file, overrides a column
// type in the preview, imports, and lands on the dataset page with the new CSV download; the same
// in English. Every page passes axe (WCAG 2.2 AA) in Korean and English.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 10 });
});
afterAll(async () => {
  await harness?.close();
});

const DATASET = 'mois-population-by-district';

describe('/console/opendata/uploads', () => {
  it('shows a malformed file\'s lines, then previews, overrides a type and imports a CP949 file (Korean)', async () => {
    const context = await harness.newContext();
    const page = await context.newPage();
    await signInAsStaff(page, 'MOIS-0001');
    await page.goto(`/datasets/${DATASET}?lang=ko`);
    await page.getByRole('link', { name: '이 데이터셋에 파일 올리기' }).click();
    await page.waitForURL((url) => url.pathname === '/console/opendata/uploads');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('공공데이터 파일 올리기');
    expect(await page.getByLabel('데이터셋').inputValue()).toBe(DATASET);
    await expectAccessible(page, 'ko');

    await page.getByLabel('파일(CSV 또는 JSON, 20MB 이하)').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('행정동,인구\n가동,1\n나동\n') });
    await page.getByRole('button', { name: '미리 보기' }).click();
    const summary = page.getByRole('alert');
    expect(await summary.textContent()).toContain('3번째 줄, 열이 2개여야 하는데 1개입니다');
    await expectAccessible(page, 'ko');

    const csv = iconv.encode('행정동,코드,인구\n똠방동,0101,1200\n햏동,0202,3400\n', 'cp949');
    await page.getByLabel('EUC-KR(CP949, 한글 엑셀 기본값)').check();
    await page.getByLabel('파일(CSV 또는 JSON, 20MB 이하)').setInputFiles({ name: 'districts.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('button', { name: '미리 보기' }).click();
    await page.waitForURL((url) => /^\/console\/opendata\/uploads\/[0-9a-f-]{36}$/.test(url.pathname));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('올린 파일 확인');
    const sample = page.getByRole('table', { name: '처음 2행' });
    expect(await sample.getByRole('row').nth(1).textContent()).toContain('똠방동');
    const columns = page.getByRole('table', { name: '열과 형식' });
    expect(await columns.getByRole('row', { name: /코드/ }).getByRole('cell').first().textContent()).toBe('정수');
    await expectAccessible(page, 'ko');

    await page.getByLabel('저장할 형식: 코드').selectOption('text');
    await page.getByLabel('이름(한국어)').fill('행정동별 인구');
    await page.getByLabel('이름(영어)').fill('Population by district');
    await page.getByRole('button', { name: '이 형식으로 저장' }).click();
    await page.waitForURL((url) => url.pathname === `/datasets/${DATASET}`);
    const download = page.locator('#distributions a[href$="/download.csv"]');
    expect(await download.count()).toBe(1);
    const href = (await download.getAttribute('href'))!;
    const response = await context.request.get(new URL(href).pathname);
    expect(await response.text()).toBe('행정동,코드,인구\r\n똠방동,0101,1200\r\n햏동,0202,3400\r\n');
    await expectAccessible(page, 'ko');
    await context.close();
  });

  it('works in English and refuses a type a value does not fit, naming the line', async () => {
    const context = await harness.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await signInAsStaff(page, 'MOIS-0001');
    await page.goto('/console/opendata/uploads?lang=en');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Upload open data');
    await expectAccessible(page, 'en');
    await page.getByLabel('Dataset').selectOption(DATASET);
    await page.getByLabel('File (CSV or JSON, at most 20 MB)').setInputFiles({ name: 'counts.csv', mimeType: 'text/csv', buffer: Buffer.from('station,count\na,1\nb,two\n') });
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/console/opendata/uploads/'));
    await expectAccessible(page, 'en');
    await page.getByLabel('Type to import as: count').selectOption('integer');
    await page.getByRole('button', { name: 'Import with these types' }).click();
    expect(await page.getByRole('alert').textContent()).toContain("line 3, column 'count': 'two' is not an integer");
    expect(await page.getByLabel('Type to import as: count').inputValue()).toBe('integer');
    await expectAccessible(page, 'en');
    await context.close();
  });
});
