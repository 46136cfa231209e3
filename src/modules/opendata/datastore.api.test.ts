// The datastore over HTTP: an official uploads a file (CP949 and UTF-8), previews the inferred
// types, confirms (with overrides) and the table becomes a distribution of the dataset (page, DCAT,
// package_show); malformed files and values that do not fit their type are rejected whole with
// line numbers and leave no table; datastore_search answers like CKAN against known data and
// refuses unknown names and injection attempts with a Validation Error; downloads round-trip;
// visibility follows the dataset's access level.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { parseCsv } from './upload';

let platform: TestPlatform;
let anonymous: TestClient;
let mois: TestClient;
let mohw: TestClient;
let resident: TestClient;

const OPEN_DATASET = 'mois-population-by-district';
const CLOSED_DATASET = 'mois-gpki-certificate-ledger';

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 10 });
  anonymous = new TestClient(platform.app);
  mois = new TestClient(platform.app);
  expect((await mois.signIn({ staffId: 'MOIS-0001' })).statusCode).toBe(303);
  mohw = new TestClient(platform.app);
  expect((await mohw.signIn({ staffId: 'MOHW-0001' })).statusCode).toBe(303);
  resident = new TestClient(platform.app);
  expect((await resident.signIn({ residentId: 2 })).statusCode).toBe(303);
});
afterAll(async () => {
  await platform?.close();
});

function upload(client: TestClient, datasetId: string, body: Buffer | string, options: { type?: string; query?: string } = {}) {
  return client.request({
    method: 'POST',
    url: `/api/v1/opendata/datasets/${datasetId}/uploads${options.query ? `?${options.query}` : ''}`,
    headers: { 'content-type': options.type ?? 'text/csv', 'x-csrf-token': client.csrfToken ?? '', 'accept-language': 'en' },
    payload: body,
  });
}

function confirm(client: TestClient, uploadId: string, body: unknown = {}) {
  return client.request({ method: 'POST', url: `/api/v1/opendata/uploads/${uploadId}/confirm`, headers: { 'x-csrf-token': client.csrfToken ?? '', 'accept-language': 'en' }, json: body });
}

async function importCsv(csv: Buffer | string, datasetId = OPEN_DATASET, types?: Record<string, string>): Promise<{ id: string; fields: Array<{ id: string; type: string }> }> {
  const preview = await upload(mois, datasetId, csv);
  expect(preview.statusCode, preview.body).toBe(201);
  const imported = await confirm(mois, preview.json().uploadId, types ? { types } : {});
  expect(imported.statusCode, imported.body).toBe(201);
  return imported.json();
}

async function datastoreTables(): Promise<number> {
  const { rows } = await platform.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'datastore' AND tablename LIKE 'r\\_%'`);
  return rows[0]!.n;
}

async function search(client: TestClient, params: Record<string, unknown>) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  return client.request({ url: `/api/3/action/datastore_search?${query}` });
}

describe('uploading a CP949 file', () => {
  it('decodes CP949-only syllables, infers types, imports, and the table shows on the dataset page, in DCAT and in package_show', async () => {
    const csv = '행정동,인구,기준일\n똠방각하동,1200,2024-01-31\n햏동,"3,400",2024-01-31\n';
    const preview = await upload(mois, OPEN_DATASET, iconv.encode(csv, 'cp949'), { type: 'text/csv', query: 'fileName=districts.csv' });
    expect(preview.statusCode, preview.body).toBe(201);
    const body = preview.json();
    expect(body.encoding).toBe('cp949');
    expect(body.rowCount).toBe(2);
    // "3,400" is text with a thousands separator, so the column is text unless the official says otherwise.
    expect(body.columns).toEqual([
      { name: '행정동', inferredType: 'text' },
      { name: '인구', inferredType: 'text' },
      { name: '기준일', inferredType: 'date' },
    ]);
    expect(body.sample[0]).toEqual({ line: 2, values: ['똠방각하동', '1200', '2024-01-31'] });

    const imported = await confirm(mois, body.uploadId, { title: { ko: '행정동별 인구', en: 'Population by district' } });
    expect(imported.statusCode, imported.body).toBe(201);
    const resource = imported.json();
    expect(resource.datasetId).toBe(OPEN_DATASET);
    expect(await platform.dataStore.datasetIdOf(resource.id)).toBe(OPEN_DATASET);

    const found = await search(anonymous, { resource_id: resource.id });
    expect(found.statusCode, found.body).toBe(200);
    expect(found.json().result.records.map((r: Record<string, unknown>) => r['행정동'])).toEqual(['똠방각하동', '햏동']);

    const page = await anonymous.request({ url: `/datasets/${OPEN_DATASET}?lang=ko` });
    expect(page.body).toContain(`/datasets/${OPEN_DATASET}/resources/${resource.id}/download.csv`);
    expect(page.body).toContain('데이터 검색 API(CKAN datastore_search)');
    const dcat = await anonymous.request({ url: `/datasets/${OPEN_DATASET}.jsonld` });
    expect(dcat.body).toContain(`/datasets/${OPEN_DATASET}/resources/${resource.id}/download.json`);
    const ckan = await anonymous.request({ url: `/api/3/action/package_show?id=${OPEN_DATASET}` });
    expect(ckan.json().result.resources.map((r: { id: string }) => r.id)).toContain(resource.id);

    const audited = await platform.database.pool.query(`SELECT actor_id, actor_org, details FROM audit.entries WHERE action = 'opendata.upload.import' AND resource LIKE $1`, [`%${resource.id}`]);
    expect(audited.rows).toMatchObject([{ actor_id: 'staff-MOIS-0001', actor_org: 'MOIS', details: { rows: 2 } }]);
  });

  it('imports UTF-8 with a byte-order mark and honours a type override', async () => {
    const csv = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('code,count\n0101,5\n0202,7\n')]);
    const preview = (await upload(mois, OPEN_DATASET, csv)).json();
    expect(preview.encoding).toBe('utf-8-bom');
    expect(preview.columns.map((c: { inferredType: string }) => c.inferredType)).toEqual(['integer', 'integer']);
    const imported = (await confirm(mois, preview.uploadId, { types: { code: 'text' } })).json();
    expect(imported.fields).toEqual([{ id: 'code', type: 'text' }, { id: 'count', type: 'integer' }]);
    const records = (await search(anonymous, { resource_id: imported.id })).json().result.records;
    // Kept as text, the leading zeros survive.
    expect(records.map((r: { code: string }) => r.code)).toEqual(['0101', '0202']);
  });
});

describe('rejected files', () => {
  it('rejects a malformed CSV whole, with every bad line, and creates nothing', async () => {
    const tablesBefore = await datastoreTables();
    const uploadsBefore = (await platform.database.pool.query('SELECT count(*)::int AS n FROM datastore.uploads')).rows[0].n;
    const lines = ['region,count', ...Array.from({ length: 20 }, (_, i) => `r${i},${i}`)];
    lines[6] = 'r5';
    lines[16] = 'r15,15,extra';
    const response = await upload(mois, OPEN_DATASET, `${lines.join('\n')}\n`);
    const problem = expectProblem(response, 422, 'UPLOAD_REJECTED');
    expect(problem.errors).toEqual([
      { field: '/body/lines/7', message: 'line 7, expected 2 fields but found 1' },
      { field: '/body/lines/17', message: 'line 17, expected 2 fields but found 3' },
    ]);
    expect(await datastoreTables()).toBe(tablesBefore);
    expect((await platform.database.pool.query('SELECT count(*)::int AS n FROM datastore.uploads')).rows[0].n).toBe(uploadsBefore);
  });

  it('rejects a confirmed type a value does not fit, naming line and column, imports nothing, and can be confirmed again', async () => {
    const lines = ['station,count', ...Array.from({ length: 20 }, (_, i) => `s${i},${i === 15 ? 'abc' : i}`)];
    const preview = (await upload(mois, OPEN_DATASET, lines.join('\r\n'))).json();
    expect(preview.columns[1]).toEqual({ name: 'count', inferredType: 'text' });
    const tablesBefore = await datastoreTables();
    const refused = await confirm(mois, preview.uploadId, { types: { count: 'integer' } });
    const problem = expectProblem(refused, 422, 'UPLOAD_REJECTED');
    expect(problem.errors).toEqual([{ field: '/body/lines/17/count', message: "line 17, column 'count': 'abc' is not an integer" }]);
    expect(await datastoreTables()).toBe(tablesBefore);
    const imported = await confirm(mois, preview.uploadId, {});
    expect(imported.statusCode).toBe(201);
    expect(await datastoreTables()).toBe(tablesBefore + 1);
    expectProblem(await confirm(mois, preview.uploadId, {}), 404, 'UPLOAD_NOT_FOUND');
  });

  it('answers in Korean for a Korean page and refuses bad headers and unknown override columns', async () => {
    const response = await mois.request({
      method: 'POST',
      url: `/api/v1/opendata/datasets/${OPEN_DATASET}/uploads?lang=ko`,
      headers: { 'content-type': 'text/csv', 'x-csrf-token': mois.csrfToken! },
      payload: 'a,a\n1,2\n',
    });
    expect(expectProblem(response, 422, 'UPLOAD_REJECTED').errors[0].message).toBe("1번째 줄, 열 제목 'a'이(가) 중복됩니다");
    const preview = (await upload(mois, OPEN_DATASET, 'a,b\n1,2\n')).json();
    expectProblem(await confirm(mois, preview.uploadId, { types: { nope: 'text' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await confirm(mois, preview.uploadId, { types: { a: 'money' } }), 400, 'VALIDATION_FAILED');
  });

  it('imports a JSON array of records and refuses a file over the size limit', async () => {
    const records = [{ name: '가', count: 1, ok: true }, { name: '나', count: 2, ok: false }];
    const preview = await upload(mois, OPEN_DATASET, JSON.stringify(records), { type: 'application/json' });
    expect(preview.statusCode, preview.body).toBe(201);
    expect(preview.json().columns).toEqual([{ name: 'name', inferredType: 'text' }, { name: 'count', inferredType: 'integer' }, { name: 'ok', inferredType: 'boolean' }]);
    const { id } = (await confirm(mois, preview.json().uploadId)).json();
    expect((await search(anonymous, { resource_id: id, fields: 'name,count,ok' })).json().result.records).toEqual(records);
    const tooLarge = Buffer.alloc(20 * 1024 * 1024 + 1, 'a');
    expectProblem(await upload(mois, OPEN_DATASET, tooLarge), 413, 'BODY_TOO_LARGE');
  });

  it('lets only officials of the publishing agency upload', async () => {
    expectProblem(await upload(mohw, OPEN_DATASET, 'a\n1\n'), 403, 'FORBIDDEN');
    expectProblem(await upload(resident, OPEN_DATASET, 'a\n1\n'), 403, 'FORBIDDEN');
    expectProblem(await upload(anonymous, OPEN_DATASET, 'a\n1\n'), 401, 'UNAUTHENTICATED');
    expectProblem(await upload(mois, 'no-such-dataset', 'a\n1\n'), 404, 'DATASET_NOT_FOUND');
    expectProblem(await upload(mois, OPEN_DATASET, 'a\n1\n', { type: 'application/pdf' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // Another agency's pending upload does not exist for them.
    const preview = (await upload(mois, OPEN_DATASET, 'a\n1\n')).json();
    expectProblem(await confirm(mohw, preview.uploadId), 404, 'UPLOAD_NOT_FOUND');
  });
});

describe('datastore_search', () => {
  const REGIONS = ['서울', 'Busan', 'Jeju'];
  const rows = Array.from({ length: 30 }, (_, i) => ({
    region: REGIONS[i % 3]!,
    year: 2020 + (i % 5),
    count: (i * 37) % 101,
    station: `station ${i}${i % 4 === 0 ? ' central' : ''}`,
    open: i % 2 === 0,
  }));
  let resourceId: string;

  beforeAll(async () => {
    const csv = ['region,year,count,station,open', ...rows.map((r) => `${r.region},${r.year},${r.count},${r.station},${r.open}`)].join('\n');
    resourceId = (await importCsv(csv)).id;
  });

  const ok = async (params: Record<string, unknown>, client = anonymous) => {
    const response = await search(client, { resource_id: resourceId, ...params });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.success).toBe(true);
    return body.result;
  };
  const withIds = rows.map((r, i) => ({ _id: i + 1, ...r }));

  it('answers with CKAN fields, records in _id order, total and _links', async () => {
    const result = await ok({});
    expect(result.fields).toEqual([
      { id: '_id', type: 'int' },
      { id: 'region', type: 'text' },
      { id: 'year', type: 'int8' },
      { id: 'count', type: 'int8' },
      { id: 'station', type: 'text' },
      { id: 'open', type: 'bool' },
    ]);
    expect(result.records).toEqual(withIds);
    expect(result.total).toBe(30);
    expect(result._links.start).toContain(`resource_id=${resourceId}`);
    expect(result._links.next).toContain('offset=100');
  });

  it('filters exactly, with lists as any-of, and combines filters, fields, sort, limit and offset', async () => {
    const expected = withIds
      .filter((r) => r.region === 'Busan' && [2021, 2023].includes(r.year))
      .sort((a, b) => b.count - a.count || a._id - b._id);
    const result = await ok({ filters: { region: 'Busan', year: [2021, 2023] }, fields: 'station,count', sort: 'count desc', limit: '2', offset: '1' });
    expect(result.total).toBe(expected.length);
    expect(result.records).toEqual(expected.slice(1, 3).map((r) => ({ station: r.station, count: r.count })));
    expect(result.fields.map((f: { id: string }) => f.id)).toEqual(['station', 'count']);
  });

  it('sorts by two fields', async () => {
    const result = await ok({ sort: 'year asc, count desc', fields: ['year', 'count'], limit: 5 });
    const expected = [...withIds].sort((a, b) => a.year - b.year || b.count - a.count).slice(0, 5).map((r) => ({ year: r.year, count: r.count }));
    expect(result.records).toEqual(expected);
  });

  it('searches text with q (all text columns, or per field) and filters booleans', async () => {
    const central = await ok({ q: 'central', fields: '_id' });
    expect(central.records.map((r: { _id: number }) => r._id)).toEqual(withIds.filter((r) => r.station.includes('central')).map((r) => r._id));
    const seoul = await ok({ q: { region: '서울' }, filters: { open: true }, include_total: 'false' });
    expect(seoul.total).toBeUndefined();
    expect(seoul.records).toEqual(withIds.filter((r) => r.region === '서울' && r.open));
  });

  it('returns distinct values', async () => {
    const result = await ok({ fields: 'region', distinct: 'true', sort: 'region' });
    expect(result.records.map((r: { region: string }) => r.region)).toEqual([...new Set(rows.map((r) => r.region))].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('answers the same through POST with a JSON body', async () => {
    const response = await anonymous.request({ method: 'POST', url: '/api/3/action/datastore_search', json: { resource_id: resourceId, filters: { region: ['Jeju'] }, sort: 'count asc', limit: 3 } });
    expect(response.statusCode, response.body).toBe(200);
    const expected = withIds.filter((r) => r.region === 'Jeju').sort((a, b) => a.count - b.count || a._id - b._id).slice(0, 3);
    expect(response.json().result.records).toEqual(expected);
  });

  it('refuses unknown field names and injection attempts with a CKAN Validation Error, never a 5xx', async () => {
    const attempts: Array<[Record<string, unknown>, string]> = [
      [{ fields: 'station,secret' }, 'fields'],
      [{ fields: 'count; DROP TABLE datastore.resources' }, 'fields'],
      [{ sort: 'count desc; SELECT 1' }, 'sort'],
      [{ sort: 'pg_sleep(1)' }, 'sort'],
      [{ sort: 'count sideways' }, 'sort'],
      [{ filters: { 'region" OR 1=1 --': 'x' } }, 'filters'],
      [{ filters: { year: "2020' OR '1'='1" } }, 'filters'],
      [{ filters: '[1,2]' }, 'filters'],
      [{ filters: '{not json' }, 'filters'],
      [{ q: { 'c1::text': 'x' } }, 'q'],
      [{ limit: '-1' }, 'limit'],
      [{ limit: '100000' }, 'limit'],
      [{ offset: 'x' }, 'offset'],
      [{ include_total: 'maybe' }, 'include_total'],
      [{ records_format: 'csv' }, 'records_format'],
      [{ unknown_param: '1' }, 'unknown_param'],
    ];
    for (const [params, field] of attempts) {
      const response = await search(anonymous, { resource_id: resourceId, ...params });
      expect(response.statusCode, `${JSON.stringify(params)} → ${response.body}`).toBe(409);
      const body = response.json();
      expect(body.success).toBe(false);
      expect(body.error.__type).toBe('Validation Error');
      expect(Object.keys(body.error)).toContain(field);
    }
    // The table is still whole.
    expect((await ok({})).total).toBe(30);
  });

  it('answers CKAN Not Found for unknown resources and a Validation Error without one', async () => {
    for (const id of ['3f0c7a52-2a9f-4b7e-9a44-000000000000', 'not-a-uuid', "'; DROP TABLE x; --"]) {
      const response = await search(anonymous, { resource_id: id });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.__type).toBe('Not Found Error');
    }
    const missing = await anonymous.request({ url: '/api/3/action/datastore_search' });
    expect(missing.statusCode).toBe(409);
    expect(missing.json().error.resource_id).toEqual(['Missing value']);
  });
});

describe('usage statistics', () => {
  it("counts each datastore_search in its dataset's usage, and a refused search not at all", async () => {
    const { id } = await importCsv('region,count\nSeoul,3\nBusan,4\n');
    await platform.openDataGuard.usage.flush();
    const before = (await anonymous.request({ url: `/api/v1/opendata/usage/${OPEN_DATASET}` })).json().requests as number;
    expect((await search(anonymous, { resource_id: id })).statusCode).toBe(200);
    expect((await search(anonymous, { resource_id: id, filters: { region: 'Seoul' } })).statusCode).toBe(200);
    expect((await search(anonymous, { resource_id: id, fields: 'no_such_field' })).statusCode).toBe(409);
    await platform.openDataGuard.usage.flush();
    expect((await anonymous.request({ url: `/api/v1/opendata/usage/${OPEN_DATASET}` })).json().requests).toBe(before + 2);
  });
});

describe('visibility and downloads', () => {
  it("hides the resources of a closed dataset from the public and other agencies' officials, and shows them to the publisher's officials", async () => {
    const { id } = await importCsv('serial,issued\nA1,2024-01-01\n', CLOSED_DATASET);
    const hidden = await search(anonymous, { resource_id: id });
    expect(hidden.statusCode).toBe(404);
    expectProblem(await anonymous.request({ url: `/datasets/${CLOSED_DATASET}/resources/${id}/download.csv` }), 404, 'DATA_RESOURCE_NOT_FOUND');
    expectProblem(await resident.request({ url: `/api/v1/opendata/resources/${id}` }), 404, 'DATA_RESOURCE_NOT_FOUND');
    expect((await search(mohw, { resource_id: id })).statusCode).toBe(404);
    expect((await search(mois, { resource_id: id })).json().result.records).toEqual([{ _id: 1, serial: 'A1', issued: '2024-01-01' }]);
  });

  it('downloads CSV and JSON that round-trip to the uploaded values and types', async () => {
    const original = [
      ['name', 'amount', 'ratio', 'active', 'day', 'at'],
      ['Kim, "Minji"', '12', '0.25', 'true', '2024-03-01', '2024-03-01T09:30:00'],
      ['똠\n두 줄', '-3', '1e2', 'false', '', '2024-03-02T00:00:00'],
    ];
    const csv = original.map((row) => row.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(',')).join('\r\n');
    const { id, fields } = await importCsv(csv);
    expect(fields.map((f) => f.type)).toEqual(['text', 'integer', 'number', 'boolean', 'date', 'timestamp']);

    const downloaded = await anonymous.request({ url: `/datasets/${OPEN_DATASET}/resources/${id}/download.csv` });
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    const records = parseCsv(downloaded.body).map((r) => r.fields);
    expect(records[0]).toEqual(original[0]);
    expect(records[1]).toEqual(['Kim, "Minji"', '12', '0.25', 'true', '2024-03-01', '2024-03-01T09:30:00']);
    expect(records[2]).toEqual(['똠\n두 줄', '-3', '1e2'.replace('1e2', '100'), 'false', '', '2024-03-02T00:00:00']);

    // The download re-uploads to the same types.
    const again = (await upload(mois, OPEN_DATASET, downloaded.rawPayload)).json();
    expect(again.columns.map((c: { inferredType: string }) => c.inferredType)).toEqual(['text', 'integer', 'number', 'boolean', 'date', 'timestamp']);

    const json = await anonymous.request({ url: `/datasets/${OPEN_DATASET}/resources/${id}/download.json` });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json()).toEqual([
      { name: 'Kim, "Minji"', amount: 12, ratio: 0.25, active: true, day: '2024-03-01', at: '2024-03-01T09:30:00' },
      { name: '똠\n두 줄', amount: -3, ratio: 100, active: false, day: null, at: '2024-03-02T00:00:00' },
    ]);
    expectProblem(await anonymous.request({ url: `/datasets/${CLOSED_DATASET}/resources/${id}/download.json` }), 404, 'DATA_RESOURCE_NOT_FOUND');
  });
});
