// The data catalogue over HTTP: who sees which entries (pages, DCAT, CKAN), DCAT-AP 3.0.1's
// mandatory and recommended properties on every dataset in both JSON-LD and Turtle (read by the
// test's own parsers), paging, search and facets, CKAN's answer and error shapes, the official's
// "request access" path into the agreements console, and bad input answered 4xx, never 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { Graph, jsonLdTriples, NS, parseTurtle } from '../../../test/support/rdf';
import { agreeChildrenForWelfare } from '../../../test/support/agreements';
import { contextOf, staff } from '../../../test/support/staff';
import { DATA_PRODUCTS } from '../registry/data-products';
import { seedDatasets } from './seed';

let platform: TestPlatform;
let anonymous: TestClient;
let resident: TestClient;
let official: TestClient;
let otherOfficial: TestClient;
let operator: TestClient;
let auditor: TestClient;

const ALL = seedDatasets();
const PUBLIC = ALL.filter((d) => d.accessLevel === 'public');
const RDF_TYPE = `${NS.rdf}type`;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 10 });
  anonymous = new TestClient(platform.app);
  resident = new TestClient(platform.app);
  expect((await resident.signIn({ residentId: 3 })).statusCode).toBe(303);
  official = new TestClient(platform.app);
  expect((await official.signIn({ staffId: 'MOHW-0001' })).statusCode).toBe(303);
  otherOfficial = new TestClient(platform.app);
  expect((await otherOfficial.signIn({ staffId: 'MOEL-0001' })).statusCode).toBe(303);
  operator = new TestClient(platform.app);
  expect((await operator.signIn({ staffId: 'MOIS-OPS-01' })).statusCode).toBe(303);
  auditor = new TestClient(platform.app);
  expect((await auditor.signIn({ staffId: 'BAI-AUD-01' })).statusCode).toBe(303);
});
afterAll(async () => {
  await platform?.close();
});

const get = (client: TestClient, url: string) => client.request({ url });
const search = async (client: TestClient, params: string) => {
  const response = await get(client, `/api/3/action/package_search?${params}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().result;
};
const names = (result: { results: Array<{ name: string }> }) => result.results.map((p) => p.name);

/** Every page of a DCAT catalogue, followed through hydra:nextPage, as one graph. */
async function wholeCatalogue(client: TestClient, format: 'jsonld' | 'ttl', pageSize: number): Promise<{ graph: Graph; pages: number; total: number }> {
  const triples = [];
  let url: string | undefined = `/catalog.${format}?pageSize=${pageSize}`;
  let pages = 0;
  let total = -1;
  while (url) {
    const response = await get(client, url);
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['content-type'])).toContain(format === 'jsonld' ? 'application/ld+json' : 'text/turtle');
    const pageTriples = format === 'jsonld' ? jsonLdTriples(JSON.parse(response.body)) : parseTurtle(response.body);
    const page = new Graph(pageTriples);
    const [collection] = page.subjectsOfType(`${NS.hydra}PagedCollection`);
    expect(collection).toBeDefined();
    total = Number(/^"(\d+)"/.exec(page.objects(collection!, `${NS.hydra}totalItems`)[0]!)![1]);
    triples.push(...pageTriples);
    pages++;
    const next = page.objects(collection!, `${NS.hydra}nextPage`)[0];
    url = next ? new URL(next).pathname + new URL(next).search : undefined;
    expect(pages).toBeLessThan(50);
  }
  return { graph: new Graph(triples), pages, total };
}

describe('who sees what', () => {
  it('the public and residents see public entries only; the operator and auditors see every entry', async () => {
    for (const client of [anonymous, resident]) {
      expect((await search(client, 'rows=1000')).count).toBe(PUBLIC.length);
      expectProblem(await get(client, '/datasets/resident.basic.jsonld'), 404, 'DATASET_NOT_FOUND');
      expectProblem(await get(client, '/datasets/mois-gpki-certificate-ledger'), 404, 'DATASET_NOT_FOUND');
      const show = await get(client, '/api/3/action/package_show?id=resident.basic');
      expect(show.statusCode).toBe(404);
      expect(show.json()).toMatchObject({ success: false, error: { __type: 'Not Found Error' } });
      const html = (await get(client, '/catalog?lang=en')).body;
      expect(html).toContain(`of ${PUBLIC.length} datasets`);
      expect(html).not.toContain('/datasets/resident.basic');
    }
    for (const client of [operator, auditor]) {
      const all = await search(client, 'rows=1000');
      expect(all.count).toBe(ALL.length);
      expect(all.facets.access_level).toEqual({ public: PUBLIC.length, restricted: DATA_PRODUCTS.length, closed: ALL.length - PUBLIC.length - DATA_PRODUCTS.length });
      expect((await search(client, 'include_private=false&rows=0')).count).toBe(PUBLIC.length);
      const show = (await get(client, '/api/3/action/package_show?id=resident.basic')).json();
      expect(show).toMatchObject({ success: true, result: { name: 'resident.basic', private: true, access_level: 'restricted', organization: { name: 'mois' } } });
      const closed = await get(client, '/datasets/mois-gpki-certificate-ledger');
      expect(closed.statusCode).toBe(200);
      expect(closed.headers['cache-control']).toBe('private, no-store');
    }
    expect((await get(anonymous, '/catalog.ttl')).headers['cache-control']).toBe('public, max-age=300');
  });

  it("an official sees their own agency's restricted and closed entries, and another agency's restricted entry only under an active agreement", async () => {
    const own = ALL.filter((d) => d.accessLevel !== 'public' && d.publisher === 'MOHW').map((d) => d.id).sort();
    expect(own).toContain('disability.status');
    const notOwn = ALL.filter((d) => d.accessLevel !== 'public' && d.publisher !== 'MOHW');
    const nonPublic = async (client: TestClient) => names(await search(client, 'rows=1000&include_private=true')).filter((n: string) => !PUBLIC.some((p) => p.id === n)).sort();

    // Without an agreement: the courts' family data and the ministry's closed ledger do not exist for the welfare official.
    expect(await nonPublic(official)).toEqual(own);
    expectProblem(await get(official, '/datasets/family.children'), 404, 'DATASET_NOT_FOUND');
    expect((await get(official, '/api/3/action/package_show?id=family.children')).statusCode).toBe(404);
    expectProblem(await get(official, `/datasets/${notOwn.find((d) => d.accessLevel === 'closed')!.id}`), 404, 'DATASET_NOT_FOUND');
    expect((await get(official, '/catalog?lang=en')).body).not.toContain('/datasets/family.children"');

    const agreementId = await agreeChildrenForWelfare(platform.agreements);
    expect(await nonPublic(official)).toEqual([...own, 'family.children'].sort());
    expect((await get(official, '/datasets/family.children')).statusCode).toBe(200);
    expect((await get(official, '/api/3/action/package_show?id=family.children')).json()).toMatchObject({ success: true, result: { name: 'family.children' } });
    // Another agency's official, whose agency holds no agreement, still cannot see it.
    expectProblem(await get(otherOfficial, '/datasets/family.children'), 404, 'DATASET_NOT_FOUND');
    expect(await nonPublic(otherOfficial)).not.toContain('family.children');

    // A suspended agreement is no agreement.
    await platform.agreements.suspend(contextOf(staff('operator', 'MOIS', 'MOIS-OPS-01')), agreementId, 'Review of the purpose');
    expectProblem(await get(official, '/datasets/family.children'), 404, 'DATASET_NOT_FOUND');
    await platform.agreements.resume(contextOf(staff('operator', 'MOIS', 'MOIS-OPS-01')), agreementId);
    expect((await get(official, '/datasets/family.children')).statusCode).toBe(200);
  });

  it('lists every registry data product as a restricted entry held by its registry', async () => {
    const restricted = await search(operator, 'fq=access_level:restricted&rows=1000');
    expect(names(restricted).sort()).toEqual(DATA_PRODUCTS.map((p) => p.id).sort());
    for (const product of DATA_PRODUCTS) {
      const pkg = restricted.results.find((p: { name: string }) => p.name === product.id);
      expect(pkg.title_translated).toEqual(product.title);
      expect(pkg.organization.name).toBe(product.providerSubsystem.split('/')[2]!.toLowerCase());
      expect(pkg.resources[0].url).toBe(`${platform.config.publicBaseUrl}/r1/${product.providerSubsystem}/${product.id}`);
    }
  });

  it('gives an official under an agreement a button that opens a further agreement request for that product, prefilled', async () => {
    const page = await get(official, '/datasets/family.children?lang=en');
    expect(page.statusCode).toBe(200);
    const href = /id="request-access" href="([^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    expect(href).toBe('/console/agreements/new?product=family.children&lang=en');
    const form = await get(official, href!);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="productId" id="productId" value="family.children"');
    // The operator sees the entry but cannot request agreements: no button, an explanation instead.
    const forOperator = await get(operator, '/datasets/family.children?lang=en');
    expect(forOperator.body).not.toContain('id="request-access"');
    expect(forOperator.body).toContain('Officials of the agency that needs the data request the agreement.');
    // Nor does the holding agency get a button for its own data, nor do public datasets have one.
    expect((await get(official, '/datasets/disability.status')).body).not.toContain('id="request-access"');
    expect((await get(official, '/datasets/kma-earthquakes')).body).not.toContain('id="request-access"');
  });
});

describe('DCAT-AP 3 output', () => {
  it('every dataset carries the mandatory and recommended properties, in JSON-LD and in Turtle, over every page', async () => {
    for (const format of ['jsonld', 'ttl'] as const) {
      const { graph, pages, total } = await wholeCatalogue(operator, format, 10);
      expect(total).toBe(ALL.length);
      expect(pages).toBe(Math.ceil(ALL.length / 10));
      const [catalog] = graph.subjectsOfType(`${NS.dcat}Catalog`);
      expect(catalog).toBe(`${platform.config.publicBaseUrl}/catalog`);
      for (const property of ['title', 'description', 'publisher']) expect(graph.objects(catalog!, `${NS.dct}${property}`).length, property).toBeGreaterThan(0);
      const datasets = graph.subjectsOfType(`${NS.dcat}Dataset`);
      expect(new Set(graph.objects(catalog!, `${NS.dcat}dataset`))).toEqual(new Set(datasets));
      expect(datasets.map((iri) => decodeURIComponent(iri.split('/datasets/')[1]!)).sort()).toEqual(ALL.map((d) => d.id).sort());
      for (const dataset of datasets) {
        const titles = graph.objects(dataset, `${NS.dct}title`);
        expect(titles.some((t) => t.endsWith('@ko')) && titles.some((t) => t.endsWith('@en')), dataset).toBe(true);
        expect(graph.objects(dataset, `${NS.dct}description`).length, dataset).toBe(2);
        for (const recommended of [`${NS.dct}publisher`, `${NS.dcat}contactPoint`, `${NS.dcat}theme`, `${NS.dcat}keyword`, `${NS.dcat}distribution`, `${NS.dct}spatial`, `${NS.dct}accessRights`]) {
          expect(graph.objects(dataset, recommended).length, `${dataset} ${recommended}`).toBeGreaterThan(0);
        }
        const contact = graph.objects(dataset, `${NS.dcat}contactPoint`)[0]!;
        expect(graph.objects(contact, `${NS.vcard}hasEmail`)[0]).toMatch(/^mailto:/);
        for (const distribution of graph.objects(dataset, `${NS.dcat}distribution`)) {
          expect(graph.objects(distribution, RDF_TYPE)).toContain(`${NS.dcat}Distribution`);
          expect(graph.objects(distribution, `${NS.dcat}accessURL`), distribution).toHaveLength(1);
          for (const service of graph.objects(distribution, `${NS.dcat}accessService`)) {
            expect(graph.objects(service, `${NS.dct}title`).length).toBeGreaterThan(0);
            expect(graph.objects(service, `${NS.dcat}endpointURL`)).toHaveLength(1);
          }
        }
      }
    }
  });

  it('says the same in JSON-LD and in Turtle', async () => {
    for (const url of ['/catalog.%s?page=2&pageSize=7', '/datasets/resident.household.%s', '/datasets/seoul-bike-rentals.%s']) {
      const jsonld = new Graph(jsonLdTriples(JSON.parse((await get(operator, url.replace('%s', 'jsonld'))).body)));
      const turtle = new Graph(parseTurtle((await get(operator, url.replace('%s', 'ttl'))).body));
      expect(jsonld.triples.length).toBeGreaterThan(20);
      // Only the page's own URL differs (it names the format).
      expect(turtle.signature()).toEqual(jsonld.signature().map((line) => line.replaceAll('/catalog.jsonld?', '/catalog.ttl?')).sort());
    }
  });

  it('pages the public catalogue with first, previous, next and last pages', async () => {
    const { total, pages } = await wholeCatalogue(anonymous, 'ttl', 8);
    expect(total).toBe(PUBLIC.length);
    expect(pages).toBe(Math.ceil(PUBLIC.length / 8));
    const second = new Graph(parseTurtle((await get(anonymous, '/catalog.ttl?page=2&pageSize=8')).body));
    const [collection] = second.subjectsOfType(`${NS.hydra}PagedCollection`);
    const base = platform.config.publicBaseUrl;
    expect(second.objects(collection!, `${NS.hydra}firstPage`)).toEqual([`${base}/catalog.ttl?page=1&pageSize=8`]);
    expect(second.objects(collection!, `${NS.hydra}previousPage`)).toEqual([`${base}/catalog.ttl?page=1&pageSize=8`]);
    expect(second.objects(collection!, `${NS.hydra}nextPage`)).toEqual([`${base}/catalog.ttl?page=3&pageSize=8`]);
    expect(second.objects(collection!, `${NS.hydra}lastPage`)).toEqual([`${base}/catalog.ttl?page=${pages}&pageSize=8`]);
  });

  it('answers a harvester asking for RDF by Accept header', async () => {
    const redirect = await anonymous.request({ url: '/catalog', headers: { accept: 'text/turtle' } });
    expect(redirect.statusCode).toBe(303);
    expect(redirect.headers.location).toBe('/catalog.ttl');
    const dataset = await anonymous.request({ url: '/datasets/kma-earthquakes', headers: { accept: 'application/ld+json' } });
    expect(String(dataset.headers['content-type'])).toContain('application/ld+json');
    expect(jsonLdTriples(dataset.json()).length).toBeGreaterThan(20);
    const browser = await anonymous.request({ url: '/datasets/kma-earthquakes', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(String(browser.headers['content-type'])).toContain('text/html');
  });

  it('refuses bad paging and ids with problems', async () => {
    expectProblem(await get(anonymous, '/catalog.jsonld?page=0'), 400, 'VALIDATION_FAILED');
    expectProblem(await get(anonymous, '/catalog.ttl?pageSize=100000'), 400, 'VALIDATION_FAILED');
    expectProblem(await get(anonymous, '/datasets/NOT%20AN%20ID.ttl'), 400, 'VALIDATION_FAILED');
    expectProblem(await get(anonymous, '/datasets/no-such-dataset.jsonld'), 404, 'DATASET_NOT_FOUND');
  });
});

describe('search and facets', () => {
  it('finds datasets in Korean and English, despite spacing and typos', async () => {
    expect(names(await search(anonymous, `q=${encodeURIComponent('미세먼지')}`))[0]).toBe('me-air-quality-realtime');
    expect(names(await search(anonymous, `q=${encodeURIComponent('미세 먼지')}`))[0]).toBe('me-air-quality-realtime');
    expect(names(await search(anonymous, `q=${encodeURIComponent('지하철 승하차')}`))[0]).toBe('seoul-subway-ridership');
    expect(names(await search(anonymous, 'q=air+qualty'))[0]).toBe('me-air-quality-realtime');
    expect(names(await search(anonymous, 'q=earthquak'))[0]).toBe('kma-earthquakes');
    expect((await search(anonymous, 'q=zzzzqqqq')).count).toBe(0);
  });

  it('filters by every facet; facet counts describe the matches', async () => {
    const me = await search(anonymous, 'fq=organization:me&rows=100');
    expect(me.count).toBe(PUBLIC.filter((d) => d.publisher === 'ME').length);
    expect(me.facets.organization).toEqual({ me: me.count });
    const csvOrXlsx = await search(anonymous, `fq=${encodeURIComponent('res_format:(CSV OR XLSX)')}&rows=100`);
    expect(csvOrXlsx.count).toBe(PUBLIC.filter((d) => d.formats.includes('CSV') || d.formats.includes('XLSX')).length);
    const both = await search(anonymous, `fq=${encodeURIComponent('res_format:CSV +res_format:XLSX')}&rows=100`);
    expect(both.count).toBe(PUBLIC.filter((d) => d.formats.includes('CSV') && d.formats.includes('XLSX')).length);
    expect(both.count).toBeLessThan(csvOrXlsx.count);
    const cc = await search(anonymous, `fq=${encodeURIComponent('license_id:"CC-BY-4.0" AND groups:tran')}&rows=100`);
    expect(names(cc).sort()).toEqual(PUBLIC.filter((d) => d.licence === 'CC-BY-4.0' && d.themes.includes('TRAN')).map((d) => d.id).sort());
    expect(cc.count).toBeGreaterThan(0);
    for (const pkg of cc.results) expect(pkg.groups.map((g: { name: string }) => g.name)).toContain('tran');
    const envi = await search(anonymous, `q=${encodeURIComponent('수질')}&fq=groups:envi`);
    expect(names(envi)).toContain('me-water-quality-rivers');
    // Facet counts add up over the matches, not over the page.
    const page = await search(anonymous, 'rows=2');
    const total = Object.values(page.facets.access_level as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(PUBLIC.length);
  });

  it('pages and sorts like CKAN', async () => {
    const first = await search(anonymous, 'rows=10&start=0&sort=title_string+asc');
    const second = await search(anonymous, 'rows=10&start=10&sort=title_string+asc');
    expect(first.results).toHaveLength(10);
    expect(new Set([...names(first), ...names(second)]).size).toBe(20);
    const titles = [...first.results, ...second.results].map((p: { title: string }) => p.title);
    expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b, 'ko')));
    const newest = await search(anonymous, 'rows=100&sort=metadata_modified+desc');
    const modified = newest.results.map((p: { metadata_modified: string }) => p.metadata_modified);
    expect(modified).toEqual([...modified].sort().reverse());
    const english = await search(anonymous, 'q=bike&lang=en');
    expect(english.results[0]).toMatchObject({ name: 'seoul-bike-rentals', title: 'Seoul public bike (Ttareungyi) rentals' });
  });

  it('filters the HTML catalogue with facet checkboxes in a plain GET form', async () => {
    const page = (await get(anonymous, '/catalog?lang=en&publisher=KMA&format=JSON')).body;
    expect(page).toContain('<input type="checkbox" id="publisher-KMA" name="publisher" value="KMA" checked>');
    const expected = PUBLIC.filter((d) => d.publisher === 'KMA' && (d.formats.includes('JSON') || d.api));
    expect(page).toContain(`1–${expected.length} of ${expected.length} datasets`);
    for (const dataset of expected) expect(page).toContain(`href="/datasets/${dataset.id}"`);
    expect(page).not.toContain('href="/datasets/me-air-quality-realtime"');
    // The access-level facet is for officials only: the public sees public entries anyway.
    expect(page).not.toContain('name="access"');
    expect((await get(official, '/catalog?lang=en')).body).toContain('name="access" value="restricted"');
    const korean = (await get(anonymous, `/catalog?lang=ko&q=${encodeURIComponent('버스')}`)).body;
    expect(korean).toContain('href="/datasets/molit-bus-stops"');
    expect(korean).toContain('<html lang="ko">');
  });
});

describe('CKAN errors and bad input', () => {
  const invalid = async (params: string, field: string) => {
    const response = await get(anonymous, `/api/3/action/package_search?${params}`);
    expect(response.statusCode, params).toBe(409);
    const body = response.json();
    expect(body).toMatchObject({ success: false, error: { __type: 'Validation Error' } });
    expect(body.help).toContain('package_search');
    expect(Array.isArray(body.error[field]), JSON.stringify(body)).toBe(true);
  };

  it('answers bad parameters with a CKAN Validation Error naming the parameter (409, as CKAN does)', async () => {
    await invalid('rows=abc', 'rows');
    await invalid('rows=5000', 'rows');
    await invalid('start=-1', 'start');
    await invalid('sort=popularity+desc', 'sort');
    await invalid('sort=title_string+sideways', 'sort');
    await invalid('fq=owner:me', 'fq');
    await invalid(`fq=${encodeURIComponent('organization:(me OR')}`, 'fq');
    await invalid('facet.field=organization', 'facet.field');
    await invalid(`facet.field=${encodeURIComponent('["colour"]')}`, 'facet.field');
    await invalid(`q=${'a'.repeat(201)}`, 'q');
    await invalid('q=%01', 'q');
    await invalid('include_private=maybe', 'include_private');
    const twice = await get(anonymous, '/api/3/action/package_search?q=a&q=b');
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ success: false, error: { __type: 'Validation Error' } });
    const missing = await get(anonymous, '/api/3/action/package_show');
    expect(missing.statusCode).toBe(409);
    expect(missing.json()).toMatchObject({ success: false, error: { __type: 'Validation Error', id: ['Missing value'] } });
  });

  it('returns the facets asked for, and unknown facet values match nothing', async () => {
    const result = await search(anonymous, `facet.field=${encodeURIComponent('["res_format"]')}&facet.limit=2&rows=0`);
    expect(Object.keys(result.facets)).toEqual(['res_format']);
    expect(Object.keys(result.facets.res_format)).toHaveLength(2);
    expect(result.search_facets.res_format.items[0]).toMatchObject({ name: expect.any(String), display_name: expect.any(String), count: expect.any(Number) });
    expect((await search(anonymous, 'fq=organization:nosuchagency')).count).toBe(0);
  });

  it('answers nonsense on the pages with 4xx, never 5xx', async () => {
    const long = await anonymous.request({ url: `/catalog?q=${'가'.repeat(300)}`, headers: { accept: 'text/html' } });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('aria-invalid="true"');
    for (const url of ['/catalog?page=0', '/catalog?page=abc', '/catalog?theme=%3Cscript%3E', '/datasets/..%2F..%2Fetc', `/datasets/${'a'.repeat(300)}`, '/catalog.jsonld?page=x']) {
      const response = await get(anonymous, url);
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, url).toBeLessThan(500);
    }
  });

  it('documents the routes in the OpenAPI document', async () => {
    const paths = Object.keys((await get(anonymous, '/openapi.json')).json().paths);
    for (const path of ['/catalog', '/catalog.jsonld', '/catalog.ttl', '/datasets/{id}', '/api/3/action/package_search', '/api/3/action/package_show']) expect(paths).toContain(path);
  });
});
