// The public service catalogue API over injected requests: search, filters, paging, single
// services and bundles, clear problems for bad input, and its place in the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { LIFE_EVENT_CODES } from './model';
import { SEED_SERVICES } from './seed';

let platform: TestPlatform;
let client: TestClient;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 20 });
  client = new TestClient(platform.app);
});
afterAll(async () => {
  await platform?.close();
});

const get = (url: string) => client.request({ url });
const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);

describe('GET /api/v1/services', () => {
  it('lists the whole catalogue in pages of 20 without signing in', async () => {
    const first = await get('/api/v1/services');
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(body).toMatchObject({ total: SEED_SERVICES.length, page: 1, pageSize: 20 });
    expect(ids(body)).toEqual(SEED_SERVICES.slice(0, 20).map((s) => s.id));
    const last = (await get(`/api/v1/services?page=${Math.ceil(SEED_SERVICES.length / 20)}`)).json();
    expect(last.items.length).toBe(SEED_SERVICES.length % 20 || 20);
    const beyond = (await get('/api/v1/services?page=50')).json();
    expect(beyond).toMatchObject({ items: [], total: SEED_SERVICES.length, page: 50 });
    const all = new Set<string>();
    for (let page = 1; page <= Math.ceil(SEED_SERVICES.length / 7); page++) for (const id of ids((await get(`/api/v1/services?pageSize=7&page=${page}`)).json())) all.add(id);
    expect(all.size).toBe(SEED_SERVICES.length);
  });

  it('searches in Korean with or without spaces, ranked', async () => {
    const spaced = (await get(`/api/v1/services?q=${encodeURIComponent('아동 수당')}`)).json();
    const joined = (await get(`/api/v1/services?q=${encodeURIComponent('아동수당')}`)).json();
    expect(ids(spaced)[0]).toBe('child-allowance');
    expect(ids(spaced)).toEqual(ids(joined));
    const birth = (await get(`/api/v1/services?q=${encodeURIComponent('출산')}&pageSize=100`)).json();
    expect(ids(birth)).toEqual(expect.arrayContaining(['birth-registration', 'parental-benefit', 'first-meeting-voucher', 'local-birth-grant']));
    expect(ids((await get(`/api/v1/services?q=${encodeURIComponent('기초연굼')}`)).json())[0]).toBe('basic-pension');
  });

  it('searches in English despite typos', async () => {
    expect(ids((await get('/api/v1/services?q=child+alowance')).json())[0]).toBe('child-allowance');
    expect(ids((await get('/api/v1/services?q=pension%20basci')).json())[0]).toBe('basic-pension');
  });

  it('filters by life event, agency and channel, alone and with a search', async () => {
    const deaths = (await get('/api/v1/services?lifeEvent=death&pageSize=100')).json();
    expect(deaths.total).toBe(SEED_SERVICES.filter((s) => s.lifeEvents.includes('death')).length);
    expect(ids(deaths)).toEqual(expect.arrayContaining(['death-report', 'safe-inheritance']));
    for (const service of deaths.items) expect(service.lifeEvents).toContain('death');

    const mohwOffice = (await get('/api/v1/services?agency=MOHW&channel=office&pageSize=100')).json();
    expect(mohwOffice.total).toBe(SEED_SERVICES.filter((s) => s.agency === 'MOHW' && s.channels.includes('office')).length);
    for (const service of mohwOffice.items) {
      expect(service.agency.code).toBe('MOHW');
      expect(service.channels).toContain('office');
    }

    const partnerOnly = (await get('/api/v1/services?channel=partner&pageSize=100')).json();
    expect(ids(partnerOnly)).toContain('youth-leap-account');
    expect(ids(partnerOnly)).not.toContain('move-in-report');

    const pensionsInOldAge = (await get('/api/v1/services?q=pension&lifeEvent=old-age')).json();
    expect(ids(pensionsInOldAge)[0]).toBe('basic-pension');
    expect(ids(pensionsInOldAge)).not.toContain('disability-pension');
  });

  it('treats an empty q as no search', async () => {
    expect((await get('/api/v1/services?q=')).json().total).toBe(SEED_SERVICES.length);
    expect((await get('/api/v1/services?q=%20%20')).json().total).toBe(SEED_SERVICES.length);
  });

  it('answers bad filters with a 400 problem naming the field', async () => {
    const lifeEvent = expectProblem(await get('/api/v1/services?lifeEvent=holidays'), 400, 'VALIDATION_FAILED');
    expect(lifeEvent.errors.map((e: { field: string }) => e.field)).toEqual(['/querystring/lifeEvent']);
    const agency = expectProblem(await get('/api/v1/services?agency=NOPE'), 400, 'VALIDATION_FAILED');
    expect(agency.errors.map((e: { field: string }) => e.field)).toEqual(['/querystring/agency']);
    const channel = expectProblem(await get('/api/v1/services?channel=fax'), 400, 'VALIDATION_FAILED');
    expect(channel.errors[0].field).toBe('/querystring/channel');
    for (const paging of ['page=0', 'pageSize=101', 'page=abc', 'pageSize=-1']) {
      const problem = expectProblem(await get(`/api/v1/services?${paging}`), 400, 'VALIDATION_FAILED');
      expect(problem.errors[0].field, paging).toBe(`/querystring/${paging.split('=')[0]}`);
    }
  });

  it('refuses a search text over 200 characters or with control characters, naming q', async () => {
    expect((await get(`/api/v1/services?q=${'a'.repeat(200)}`)).statusCode).toBe(200);
    const long = expectProblem(await get(`/api/v1/services?q=${'a'.repeat(201)}`), 400, 'VALIDATION_FAILED');
    expect(long.errors[0].field).toBe('/querystring/q');
    const control = expectProblem(await get('/api/v1/services?q=child%00allowance'), 400, 'VALIDATION_FAILED');
    expect(control.errors[0].field).toBe('/querystring/q');
    const newline = expectProblem(await get('/api/v1/services?q=child%0Aallowance'), 400, 'VALIDATION_FAILED');
    expect(newline.errors[0].field).toBe('/querystring/q');
  });
});

describe('GET /api/v1/services/{id}', () => {
  it('describes a service: documents the platform fetches versus uploads, fee, legal basis, contact', async () => {
    const response = await get('/api/v1/services/child-allowance');
    expect(response.statusCode).toBe(200);
    const service = response.json();
    expect(service).toMatchObject({
      id: 'child-allowance',
      agency: { code: 'MOHW', name: { ko: '보건복지부', en: 'Ministry of Health and Welfare' } },
      name: { ko: '아동수당', en: 'Child allowance' },
      lifeEvents: ['birth', 'childcare'],
      feeKrw: 0,
      category: 'child',
    });
    expect(service.requiredDocuments).toContainEqual({
      kind: 'data-product',
      dataProductId: 'family.children',
      name: { ko: '자녀 정보', en: 'Family relations: children' },
      fetchedByPlatform: true,
      heldBy: { ko: '법원행정처', en: 'National Court Administration' },
    });
    expect(service.requiredDocuments.filter((d: { kind: string }) => d.kind === 'upload')).toEqual([
      expect.objectContaining({ dataProductId: null, fetchedByPlatform: false, heldBy: null }),
    ]);
    expect(service.legalBasis.ko).toContain('아동수당법');
  });

  it('answers an unknown id with 404 CATALOGUE_SERVICE_NOT_FOUND, and a malformed one with 400', async () => {
    expectProblem(await get('/api/v1/services/no-such-service'), 404, 'CATALOGUE_SERVICE_NOT_FOUND');
    const malformed = expectProblem(await get('/api/v1/services/Child_Allowance'), 400, 'VALIDATION_FAILED');
    expect(malformed.errors[0].field).toBe('/params/id');
  });
});

describe('GET /api/v1/life-events', () => {
  it('lists the ten life events in order with the number of services of each', async () => {
    const { items } = (await get('/api/v1/life-events?lang=en')).json();
    expect(items.map((e: { code: string }) => e.code)).toEqual([...LIFE_EVENT_CODES]);
    for (const event of items) {
      expect(event.serviceCount, event.code).toBe(SEED_SERVICES.filter((s) => s.lifeEvents.includes(event.code)).length);
      expect(event.serviceCount).toBeGreaterThan(0);
    }
    expect(items[0].name).toEqual({ ko: '임신·출산', en: 'Pregnancy and birth' });
  });
});

describe('GET /api/v1/service-bundles', () => {
  it('lists the bundles and answers Happy Childbirth with its five services', async () => {
    const { items } = (await get('/api/v1/service-bundles')).json();
    expect(items.map((b: { id: string }) => b.id)).toContain('happy-childbirth');
    const bundle = (await get('/api/v1/service-bundles/happy-childbirth')).json();
    expect(bundle).toMatchObject({
      id: 'happy-childbirth',
      name: { ko: '행복출산 원스톱서비스' },
      lifeEvent: 'birth',
      serviceIds: ['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'infant-vaccination', 'local-birth-grant'],
    });
    expect(bundle.services.map((s: { agency: { code: string } }) => s.agency.code)).toEqual(['MOHW', 'MOHW', 'MOHW', 'KDCA', 'LOCAL']);
  });

  it('answers an unknown bundle with 404 SERVICE_BUNDLE_NOT_FOUND', async () => {
    expectProblem(await get('/api/v1/service-bundles/unhappy-childbirth'), 404, 'SERVICE_BUNDLE_NOT_FOUND');
  });
});

describe('the catalogue for other modules', () => {
  it('finds the services that need a data product, and the members of a bundle', () => {
    const needDisability = platform.catalogue.servicesRequiringProduct('disability.status').map((s) => s.id);
    expect(needDisability).toEqual(expect.arrayContaining(['disability-pension', 'disability-allowance']));
    expect(needDisability).not.toContain('basic-pension');
    expect(platform.catalogue.servicesRequiringProduct('no.such-product')).toEqual([]);
    const happy = platform.catalogue.bundle('happy-childbirth')!;
    expect(platform.catalogue.bundleServices(happy).map((s) => s.name.ko)).toEqual(['아동수당', '부모급여', '첫만남이용권', '국가예방접종(어린이)', '출산지원금']);
  });
});

describe('OpenAPI', () => {
  it('documents every catalogue route as public, with its problems', async () => {
    const spec = (await get('/openapi.json')).json();
    for (const path of ['/api/v1/services', '/api/v1/services/{id}', '/api/v1/life-events', '/api/v1/service-bundles', '/api/v1/service-bundles/{id}']) {
      expect(spec.paths[path]?.get?.security, path).toEqual([]);
      expect(spec.paths[path].get.tags).toEqual(['services']);
    }
    const parameters = spec.paths['/api/v1/services'].get.parameters.map((p: { name: string }) => p.name);
    expect(parameters).toEqual(expect.arrayContaining(['q', 'lifeEvent', 'agency', 'channel', 'page', 'pageSize']));
    expect(spec.paths['/api/v1/services/{id}'].get.responses['404']).toBeDefined();
    expect(spec.components.schemas.Problem.properties.code.enum).toEqual(expect.arrayContaining(['CATALOGUE_SERVICE_NOT_FOUND', 'SERVICE_BUNDLE_NOT_FOUND']));
  });
});

describe('pages', () => {
  const page = (url: string, headers: Record<string, string> = {}) => client.request({ url, headers: { accept: 'text/html', ...headers } });

  it('/services offers a labelled search form with a hint and the ten life events, in Korean and English', async () => {
    const ko = await page('/services?lang=ko');
    expect(ko.statusCode).toBe(200);
    expect(ko.body).toContain('<label for="q">찾는 서비스</label>');
    expect(ko.body).toMatch(/<input id="q" name="q" type="search"[^>]*aria-describedby="q-hint"/);
    const links = [...ko.body.matchAll(/href="\/services\/life-events\/([a-z-]+)"/g)].map((m) => m[1]);
    expect(links).toEqual([...LIFE_EVENT_CODES]);
    expect(ko.body).toContain('href="/services/bundles/happy-childbirth"');
    const en = await page('/services?lang=en');
    expect(en.body).toContain('<label for="q">What are you looking for?</label>');
    expect(en.body).toContain('Pregnancy and birth');
  });

  it('/services?q= shows ranked results and pages through them', async () => {
    const results = await page(`/services?q=${encodeURIComponent('아동 수당')}&lang=ko`);
    expect(results.statusCode).toBe(200);
    const found = [...results.body.matchAll(/<h3><a href="\/services\/([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(found[0]).toBe('child-allowance');
    expect(results.body).toContain('value="아동 수당"');
    const many = await page('/services?q=pension&lang=en');
    expect(many.body).toMatch(/of \d+ services for ‘pension’/);
    const none = await page('/services?q=zzzzqqq&lang=en');
    expect(none.body).toContain('id="no-results"');
    const birth = await page(`/services?q=${encodeURIComponent('출산')}&lang=ko`);
    const firstPage = [...birth.body.matchAll(/<h3><a href="\/services\/([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(firstPage.length).toBeGreaterThan(5);
  });

  it('refuses an over-long search on the form itself, with an error summary linked to the field', async () => {
    const response = await page(`/services?q=${'a'.repeat(201)}&lang=en`);
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('class="error-summary"');
    expect(response.body).toContain('href="#q"');
    expect(response.body).toContain('aria-invalid="true"');
    expect(response.body).not.toContain('id="search-results"');
    expect((await page('/services?q=a%00b&lang=en')).statusCode).toBe(400);
  });

  it('a life event page lists its services and bundles; an unknown one is a 404 page', async () => {
    const birth = await page('/services/life-events/birth?lang=en');
    expect(birth.statusCode).toBe(200);
    expect(birth.body).toContain('<h1>Services for Pregnancy and birth</h1>');
    expect(birth.body).toContain('href="/services/birth-registration"');
    expect(birth.body).toContain('href="/services/bundles/happy-childbirth"');
    expect(birth.body).not.toContain('href="/services/basic-pension"');
    const unknown = await page('/services/life-events/holidays');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('text/html');
  });

  it('a service page marks what the platform fetches apart from what you hand in', async () => {
    const ko = await page('/services/child-allowance?lang=ko');
    expect(ko.statusCode).toBe(200);
    const fetchedRows = [...ko.body.matchAll(/<tr class="document-fetched">\s*<th scope="row">([^<]+)<\/th>\s*<td><strong>([^<]+)<\/strong>/g)];
    expect(fetchedRows.map((m) => m[1])).toEqual(['세대 구성', '자녀 정보']);
    for (const row of fetchedRows) expect(row[2]).toBe('제출하지 않으셔도 됩니다. 담당 기관이 직접 확인합니다.');
    expect(ko.body).toMatch(/<tr class="document-upload">\s*<th scope="row">지급받을 통장 사본<\/th>/);
    expect(ko.body).toContain('「아동수당법」 제4조, 제6조');
    expect(ko.body).toContain('보건복지상담센터 129');
    expect(ko.body).toContain('무료');
    expect(ko.body).toContain('href="/services/bundles/happy-childbirth"');
    const en = await page('/services/fixed-date-confirmation?lang=en');
    expect(en.body).toContain("We fetch this for you — you don't need to submit it.".replace("'", '&#39;'));
    expect(en.body).toContain('600 KRW (500 KRW online)');
    expect(en.body).toContain('Housing Lease Protection Act, Article 3-6');
    expect(en.body).toContain('In person (community centre or agency office)');
  });

  it('an unknown service is a 404 page for browsers and a problem for API clients', async () => {
    const html = await page('/services/no-such-service?lang=en');
    expect(html.statusCode).toBe(404);
    expect(html.body).toContain('CATALOGUE_SERVICE_NOT_FOUND');
    expectProblem(await get('/services/no-such-service'), 404, 'CATALOGUE_SERVICE_NOT_FOUND');
  });

  it('the Happy Childbirth page lists its five services and the documents of all of them once', async () => {
    const response = await page('/services/bundles/happy-childbirth?lang=ko');
    expect(response.statusCode).toBe(200);
    const members = [...response.body.matchAll(/<h3><a href="\/services\/([a-z0-9-]+)">/g)].map((m) => m[1]);
    expect(members).toEqual(['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'infant-vaccination', 'local-birth-grant']);
    const rows = [...response.body.matchAll(/<th scope="row">([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows).toEqual(expect.arrayContaining(['자녀 정보', '지급받을 통장 사본']));
    expect((await page('/services/bundles/nothing-here')).statusCode).toBe(404);
  });

  it('the home page links to the services', async () => {
    expect((await page('/?lang=ko')).body).toContain('href="/services"');
  });
});
