// The X-Road-style directory metaservices and the /directory page, over injected requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { DATA_PRODUCTS, dataProductsProvidedBy } from '../registry/data-products';
import { expectProblem } from '../../../test/support/problems';

let platform: TestPlatform;
let client: TestClient;

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 50 });
  client = new TestClient(platform.app);
});
afterAll(async () => {
  await platform?.close();
});

describe('GET /r1/listClients', () => {
  it('lists every member and subsystem in X-Road\'s shape, without signing in', async () => {
    const response = await client.request({ url: '/r1/listClients' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const { member } = response.json() as { member: Array<Record<string, any>> };
    expect(member).toContainEqual({
      id: { xroad_instance: 'KR', member_class: 'GOV', member_code: 'MOIS', object_type: 'MEMBER' },
      name: '행정안전부',
      names: { ko: '행정안전부', en: 'Ministry of the Interior and Safety' },
    });
    expect(member).toContainEqual({
      id: { xroad_instance: 'KR', member_class: 'COM', member_code: 'DEMOBANK', subsystem_code: 'loans', object_type: 'SUBSYSTEM' },
      name: '데모은행(가상)',
      subsystem_name: '대출 심사 시스템',
      names: { ko: '데모은행(가상)', en: 'Demo Bank (fictitious)' },
      subsystem_names: { ko: '대출 심사 시스템', en: 'Loan screening system' },
      role: 'consumer',
    });
    const subsystems = member
      .filter((m) => m.id.object_type === 'SUBSYSTEM')
      .map((m) => `${m.id.xroad_instance}/${m.id.member_class}/${m.id.member_code}/${m.id.subsystem_code}`);
    for (const product of DATA_PRODUCTS) expect(subsystems).toContain(product.providerSubsystem);
    expect(response.body).not.toMatch(/\d{13}/);
  });

  it('accepts a well-formed X-Road-Client header and names a malformed one', async () => {
    expect((await client.request({ url: '/r1/listClients', headers: { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits' } })).statusCode).toBe(200);
    const problem = expectProblem(await client.request({ url: '/r1/listClients', headers: { 'x-road-client': 'KR/GOV/MOHW' } }), 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(['/headers/x-road-client']);
  });
});

describe('GET /r1/{instance}/{class}/{member}/{subsystem}/listMethods', () => {
  it('lists the data products a provider offers as X-Road services', async () => {
    const response = await client.request({ url: '/r1/KR/GOV/SCOURT/family-relations/listMethods' });
    expect(response.statusCode).toBe(200);
    const { service } = response.json() as { service: Array<Record<string, unknown>> };
    expect(service.map((s) => s.service_code)).toEqual(['family.children', 'family.relations']);
    expect(service[0]).toEqual({
      xroad_instance: 'KR',
      member_class: 'GOV',
      member_code: 'SCOURT',
      subsystem_code: 'family-relations',
      service_code: 'family.children',
      object_type: 'SERVICE',
      service_type: 'OPENAPI',
      endpoint_list: [{ method: 'GET', path: '/*' }],
      title: { ko: '자녀 정보', en: 'Family relations: children' },
      subject: 'resident',
      sensitivity: 'personal',
    });
  });

  it('covers every product across the providers, and gives consumers an empty list', async () => {
    const providers = [...new Set(DATA_PRODUCTS.map((p) => p.providerSubsystem))];
    const listed: string[] = [];
    for (const provider of providers) {
      const response = await client.request({ url: `/r1/${provider}/listMethods` });
      expect(response.statusCode, provider).toBe(200);
      listed.push(...(response.json() as { service: Array<{ service_code: string }> }).service.map((s) => s.service_code));
    }
    expect(listed.sort()).toEqual(DATA_PRODUCTS.map((p) => p.id).sort());
    const consumer = await client.request({ url: '/r1/KR/COM/DEMOBANK/loans/listMethods' });
    expect(consumer.json()).toEqual({ service: [] });
  });

  it('answers 404 UNKNOWN_SUBSYSTEM for a subsystem not in the directory (ids are case-sensitive)', async () => {
    for (const url of ['/r1/KR/GOV/MOIS/nothing/listMethods', '/r1/KR/GOV/mois/resident-register/listMethods', '/r1/EE/GOV/MOIS/resident-register/listMethods']) {
      const problem = expectProblem(await client.request({ url }), 404, 'UNKNOWN_SUBSYSTEM');
      expect(problem.detail).toContain('is no subsystem');
    }
  });

  it('answers 400 naming the malformed part', async () => {
    const cases: Array<[string, string]> = [
      [`/r1/KR/GOV/MOIS/${'x'.repeat(65)}/listMethods`, '/params/subsystemCode'],
      ['/r1/KR/G%20V/MOIS/resident-register/listMethods', '/params/memberClass'],
      ['/r1/KR/GOV/M%C3%98IS/resident-register/listMethods', '/params/memberCode'],
      ['/r1/K:R/GOV/MOIS/resident-register/listMethods', '/params/xRoadInstance'],
    ];
    for (const [url, field] of cases) {
      const problem = expectProblem(await client.request({ url }), 400, 'VALIDATION_FAILED');
      expect(problem.errors.map((e: { field: string }) => e.field), url).toEqual([field]);
    }
  });

  it('does not match ids with missing or extra parts; an empty part is malformed', async () => {
    expectProblem(await client.request({ url: '/r1/KR/GOV/resident-register/listMethods' }), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await client.request({ url: '/r1/KR/GOV/MOIS/a/b/listMethods' }), 404, 'ROUTE_NOT_FOUND');
    const empty = expectProblem(await client.request({ url: '/r1/KR/GOV//resident-register/listMethods' }), 400, 'VALIDATION_FAILED');
    expect(empty.errors.map((e: { field: string }) => e.field)).toEqual(['/params/memberCode']);
  });
});

describe('GET /r1/{instance}/{class}/{member}/{subsystem}/getOpenAPI', () => {
  it('describes each product\'s response: fields, types, titles in both languages, sensitivity', async () => {
    for (const product of DATA_PRODUCTS) {
      const response = await client.request({ url: `/r1/${product.providerSubsystem}/getOpenAPI?serviceCode=${product.id}&lang=en` });
      expect(response.statusCode, product.id).toBe(200);
      const doc = response.json();
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.servers).toEqual([{ url: `/r1/${product.providerSubsystem}/${product.id}` }]);
      const schema = doc.components.schemas[product.id];
      expect(Object.keys(schema.properties)).toEqual(product.fields.map((f) => f.name));
      for (const field of product.fields) {
        expect(schema.properties[field.name]).toMatchObject({ title: field.title.en, 'x-title': field.title, 'x-sensitivity': field.sensitivity });
      }
      expect(doc.info['x-sensitivity']).toBe(product.sensitivity);
    }
  });

  it('follows the reader\'s language', async () => {
    // A fresh client: no language cookie left by earlier ?lang= requests.
    const fresh = new TestClient(platform.app);
    const korean = await fresh.request({ url: '/r1/KR/GOV/MOIS/resident-register/getOpenAPI?serviceCode=resident.basic', headers: { 'accept-language': 'ko' } });
    expect(korean.json().components.schemas['resident.basic'].properties.birthDate).toMatchObject({ title: '생년월일', type: 'string', format: 'date' });
    const english = await fresh.request({ url: '/r1/KR/GOV/MOIS/resident-register/getOpenAPI?serviceCode=resident.basic', headers: { 'accept-language': 'en' } });
    expect(english.json().components.schemas['resident.basic'].properties.birthDate.title).toBe('Date of birth');
  });

  it('answers 404 UNKNOWN_SERVICE for a product the subsystem does not provide', async () => {
    expectProblem(await client.request({ url: '/r1/KR/GOV/MOIS/resident-register/getOpenAPI?serviceCode=tax.income-certificate' }), 404, 'UNKNOWN_SERVICE');
    expectProblem(await client.request({ url: '/r1/KR/GOV/MOIS/resident-register/getOpenAPI?serviceCode=resident.everything' }), 404, 'UNKNOWN_SERVICE');
    expectProblem(await client.request({ url: '/r1/KR/GOV/MOHW/welfare-benefits/getOpenAPI?serviceCode=resident.basic' }), 404, 'UNKNOWN_SERVICE');
    expectProblem(await client.request({ url: '/r1/KR/GOV/MOIS/nothing/getOpenAPI?serviceCode=resident.basic' }), 404, 'UNKNOWN_SUBSYSTEM');
  });

  it('answers 400 naming a missing or malformed serviceCode', async () => {
    const missing = expectProblem(await client.request({ url: '/r1/KR/GOV/MOIS/resident-register/getOpenAPI' }), 400, 'VALIDATION_FAILED');
    expect(missing.errors.map((e: { field: string }) => e.field)).toEqual(['/querystring/serviceCode']);
    for (const bad of ['', 'resident%20basic', 'x'.repeat(65), 'a/b']) {
      const problem = expectProblem(await client.request({ url: `/r1/KR/GOV/MOIS/resident-register/getOpenAPI?serviceCode=${bad}` }), 400, 'VALIDATION_FAILED');
      expect(problem.errors.map((e: { field: string }) => e.field), bad).toEqual(['/querystring/serviceCode']);
    }
    const twice = await client.request({ url: '/r1/KR/GOV/MOIS/resident-register/getOpenAPI?serviceCode=resident.basic&serviceCode=resident.household' });
    expect(twice.statusCode).toBe(400);
  });
});

describe('GET /directory', () => {
  it('lists members, subsystems and every product with its fields and sensitivity, in Korean and English', async () => {
    const korean = await client.request({ url: '/directory?lang=ko', headers: { accept: 'text/html' } });
    expect(korean.statusCode).toBe(200);
    expect(korean.headers['content-type']).toContain('text/html');
    expect(korean.body).toContain('<html lang="ko">');
    expect(korean.body).toContain('<h1>정보공동이용 디렉터리</h1>');
    for (const text of ['행정안전부', '데모은행(가상)', 'KR/GOV/MOLIT/vehicle-register', '민감정보', '<caption>']) expect(korean.body).toContain(text);
    const english = await client.request({ url: '/directory?lang=en' });
    expect(english.body).toContain('<html lang="en">');
    for (const product of DATA_PRODUCTS) {
      expect(english.body).toContain(`<code>${product.id}</code>`);
      for (const field of product.fields) expect(english.body).toContain(`<code>${field.name}</code>`);
    }
    expect(english.body).toContain('<code>children[].birthDate</code>');
    expect(english.body).toContain('Sensitive');
    expect(english.body).toContain('href="/r1/KR/GOV/NTS/hometax/getOpenAPI?serviceCode=business.registration&amp;lang=en"');
    expect((english.body.match(/<table>/g) ?? []).length).toBe(2 + DATA_PRODUCTS.length);
  });

  it('links work: every listMethods and getOpenAPI link on the page answers 200', async () => {
    const page = await client.request({ url: '/directory?lang=en' });
    const links = [...page.body.matchAll(/href="(\/r1\/[^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
    expect(links.length).toBeGreaterThan(DATA_PRODUCTS.length);
    for (const link of links) expect((await client.request({ url: link })).statusCode, link).toBe(200);
    expect(dataProductsProvidedBy('KR/GOV/NTS/hometax').length).toBe(2);
  });

  it('is documented in the OpenAPI document, the metaservices as public', async () => {
    const spec = (await client.request({ url: '/openapi.json' })).json();
    for (const path of ['/r1/listClients', '/r1/{xRoadInstance}/{memberClass}/{memberCode}/{subsystemCode}/listMethods', '/r1/{xRoadInstance}/{memberClass}/{memberCode}/{subsystemCode}/getOpenAPI']) {
      expect(spec.paths[path]?.get?.security, path).toEqual([]);
      expect(spec.paths[path].get.tags).toEqual(['directory']);
    }
    expect(spec.paths['/directory'].get.tags).toEqual(['pages']);
  });
});
