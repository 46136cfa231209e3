// Rationed distribution over HTTP, as pharmacies and the public use it: an operator issues outlet
// keys; outlets report stock and sell; a person gets at most their weekly limit even when two
// pharmacies (and several server instances) sell to them at the same moment; the wrong day, the
// limit and an empty shelf are refused with stable codes; the open stock API and the event stream
// show each change; the buyer sees the sale under "who used my data"; the map lists every outlet.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { RationingService } from './service';

let platform: TestPlatform;
const keys = new Map<string, string>(); // outlet code → API key
let outletIds: Map<string, number>;
const PROGRAMME = 1;
const A = 'PH-11-001';
const B = 'PH-26-001';
const C = 'PH-41-001';

// Korean time. 2026-11-23 is a Monday, 2026-11-28 a Saturday.
const at = (iso: string) => () => new Date(iso);
const SATURDAY = at('2026-11-28T10:00:00+09:00');
const MONDAY = at('2026-11-23T10:00:00+09:00');

/** Residents not used by an earlier test, by the last digit of their birth year. */
let unused: Array<{ id: number; digit: number; rrn: string }>;
function takeResident(digit?: number): { id: number; rrn: string } {
  const index = unused.findIndex((r) => digit === undefined || r.digit === digit);
  if (index < 0) throw new Error(`no unused resident born in a year ending in ${digit}`);
  return unused.splice(index, 1)[0]!;
}

function sell(outlet: string, buyer: { residentId: number } | { rrn: string }, quantity = 1, key: string | null = keys.get(outlet) ?? null): Promise<LightMyRequestResponse> {
  return platform.app.inject({
    method: 'POST',
    url: `/api/v1/rationing/programmes/${PROGRAMME}/sales`,
    headers: key ? { authorization: `Bearer ${key}` } : {},
    payload: { ...buyer, quantity },
  });
}

function report(outlet: string, body: { delivered: number } | { counted: number }): Promise<LightMyRequestResponse> {
  return platform.app.inject({ method: 'POST', url: `/api/v1/rationing/programmes/${PROGRAMME}/stock`, headers: { authorization: `Bearer ${keys.get(outlet)}` }, payload: body });
}

async function stockOf(code: string) {
  const response = await platform.app.inject({ url: `/api/v1/rationing/programmes/${PROGRAMME}/stock` });
  expect(response.statusCode).toBe(200);
  return (response.json().outlets as Array<{ code: string; remaining: number; band: string; soldTotal: number; version: number }>).find((o) => o.code === code)!;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  platform.rationing.useClock(SATURDAY);
  const residents = await platform.database.pool.query<{ id: number; birth_date: string; rrn: string }>(
    'SELECT id, birth_date, rrn FROM registry.residents WHERE deceased_on IS NULL ORDER BY id',
  );
  unused = residents.rows.map((r) => ({ id: r.id, digit: Number(r.birth_date.slice(3, 4)), rrn: r.rrn }));
  const outlets = (await platform.app.inject({ url: '/api/v1/rationing/outlets' })).json().items as Array<{ id: number; code: string }>;
  outletIds = new Map(outlets.map((o) => [o.code, o.id]));
  const operator = new TestClient(platform.app);
  await operator.signIn({ staffId: 'MOIS-OPS-01' });
  for (const code of [A, B, C]) {
    const issued = await operator.request({ method: 'POST', url: `/api/v1/rationing/outlets/${outletIds.get(code)}/keys`, headers: { 'x-csrf-token': operator.csrfToken! } });
    expect(issued.statusCode).toBe(201);
    keys.set(code, issued.json().secret);
  }
});

afterAll(async () => {
  await platform?.close();
});

describe('outlets and keys', () => {
  it('lists the demo programme and pharmacies in all 17 regions', async () => {
    const programmes = (await platform.app.inject({ url: '/api/v1/rationing/programmes' })).json().items;
    expect(programmes[0]).toMatchObject({ id: PROGRAMME, slug: 'public-face-masks', limitPerPerson: 2, period: 'week', dayRule: { kind: 'birth-year-last-digit' } });
    const outlets = (await platform.app.inject({ url: '/api/v1/rationing/outlets' })).json().items as Array<{ regionCode: string }>;
    expect(new Set(outlets.map((o) => o.regionCode)).size).toBe(17);
  });

  it('lets only operators issue outlet keys, and refuses sales and reports without a valid key', async () => {
    const resident = new TestClient(platform.app);
    await resident.signIn({ residentId: 5 });
    const refused = await resident.request({ method: 'POST', url: `/api/v1/rationing/outlets/${outletIds.get(A)}/keys`, headers: { 'x-csrf-token': resident.csrfToken! } });
    expectProblem(refused, 403, 'FORBIDDEN');
    const buyer = takeResident();
    expectProblem(await sell(A, { residentId: buyer.id }, 1, null), 401, 'OUTLET_KEY_INVALID');
    expectProblem(await sell(A, { residentId: buyer.id }, 1, 'ogr_not-a-real-key'), 401, 'OUTLET_KEY_INVALID');
    // Without a valid key nobody learns whether a registration number exists.
    expectProblem(await sell(A, { rrn: buyer.rrn }, 1, 'ogr_not-a-real-key'), 401, 'OUTLET_KEY_INVALID');
    expectProblem(await sell(A, { rrn: '0001011999999' }, 1, 'ogr_not-a-real-key'), 401, 'OUTLET_KEY_INVALID');
    const badReport = await platform.app.inject({ method: 'POST', url: `/api/v1/rationing/programmes/${PROGRAMME}/stock`, headers: { authorization: 'Bearer ogr_nope' }, payload: { delivered: 5 } });
    expectProblem(badReport, 401, 'OUTLET_KEY_INVALID');
  });
});

describe('selling at the counter', () => {
  it('holds the weekly limit when two pharmacies and several server instances sell to one person at once', async () => {
    expect((await report(A, { counted: 500 })).statusCode).toBe(200);
    expect((await report(B, { counted: 500 })).statusCode).toBe(200);
    const before = { a: await stockOf(A), b: await stockOf(B) };
    // Other instances of the service on the same database, as separate server processes would be.
    const instances = Array.from({ length: 6 }, () => {
      const instance = new RationingService(platform.database.pool, platform.audit, platform.registry, { clock: SATURDAY });
      return instance;
    });
    const buyers = [takeResident(), takeResident(), takeResident()];
    const attempts: Array<Promise<{ status: number; code?: string }>> = [];
    for (const buyer of buyers) {
      for (let i = 0; i < 12; i += 1) {
        // Through the platform's HTTP API at pharmacy A …
        attempts.push(sell(A, { residentId: buyer.id }).then((r) => ({ status: r.statusCode, code: r.json().code })));
        // … and at pharmacy B through the other instances, each with its own transactions.
        const instance = instances[i % instances.length]!;
        attempts.push(
          instance
            .sell({ outletKey: keys.get(B), programmeId: PROGRAMME, buyer: { residentId: buyer.id }, quantity: 1, requestId: `concurrent-${buyer.id}-${i}` })
            .then(() => ({ status: 201 }))
            .catch((error: { status: number; code: string }) => ({ status: error.status, code: error.code })),
        );
      }
    }
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r.status === 201)).toHaveLength(buyers.length * 2);
    expect(results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.code === 'RATIONING_LIMIT_REACHED')).toBe(true);
    const after = { a: await stockOf(A), b: await stockOf(B) };
    expect(before.a.remaining + before.b.remaining - (after.a.remaining + after.b.remaining)).toBe(buyers.length * 2);
    expect(after.a.soldTotal - before.a.soldTotal + after.b.soldTotal - before.b.soldTotal).toBe(buyers.length * 2);
    const bought = await platform.database.pool.query<{ resident_id: number; bought: number; sales: number }>(
      `SELECT a.resident_id, a.bought, (SELECT sum(quantity)::int FROM rationing.sales s WHERE s.resident_id = a.resident_id) AS sales
         FROM rationing.allowances a WHERE a.resident_id = ANY($1::bigint[]) ORDER BY a.resident_id`,
      [buyers.map((b) => b.id)],
    );
    expect(bought.rows.map((r) => [r.bought, r.sales])).toEqual(buyers.map(() => [2, 2]));
    // Every attempt is on the buyers' audit trail: 2 allowed and 22 refused each.
    const audited = await platform.database.pool.query<{ subject_resident_id: number; outcome: string; n: number }>(
      `SELECT subject_resident_id, outcome, count(*)::int AS n FROM audit.entries
        WHERE action = 'rationing.sale' AND subject_resident_id = ANY($1::bigint[]) GROUP BY 1, 2 ORDER BY 1, 2`,
      [buyers.map((b) => b.id)],
    );
    expect(audited.rows).toEqual(buyers.flatMap((b) => [{ subject_resident_id: b.id, outcome: 'allowed', n: 2 }, { subject_resident_id: b.id, outcome: 'denied', n: 22 }]));
    await Promise.all(instances.map((i) => i.stop()));
  });

  it('refuses on the wrong weekday and over the limit, with codes, and opens a new allowance next week', async () => {
    platform.rationing.useClock(MONDAY);
    try {
      await report(C, { counted: 100 });
      const born2 = takeResident(2);
      const wrongDay = expectProblem(await sell(C, { residentId: born2.id }), 403, 'RATIONING_NOT_PURCHASE_DAY');
      expect(wrongDay.detail).toContain('Tuesday');
      const born1 = takeResident(1);
      const first = await sell(C, { residentId: born1.id }, 2);
      expect(first.statusCode).toBe(201);
      expect(first.json()).toMatchObject({ boughtThisPeriod: 2, limitPerPerson: 2, periodStart: '2026-11-23', periodEnd: '2026-11-29', outletStock: { remaining: 98, band: 'some' } });
      const over = expectProblem(await sell(C, { residentId: born1.id }, 1), 409, 'RATIONING_LIMIT_REACHED');
      expect(over.detail).toContain('Already bought 2 of 2');
      const tooMany = takeResident(6);
      expectProblem(await sell(C, { residentId: tooMany.id }, 3), 409, 'RATIONING_LIMIT_REACHED');
      // Korean messages for the person at the counter.
      const korean = await platform.app.inject({ method: 'POST', url: `/api/v1/rationing/programmes/${PROGRAMME}/sales?lang=ko`, headers: { authorization: `Bearer ${keys.get(C)}` }, payload: { residentId: born1.id, quantity: 1 } });
      expect(korean.json().title).toBe('이번 기간의 1인당 구매 한도를 이미 채웠습니다');
      platform.rationing.useClock(at('2026-11-30T09:00:00+09:00')); // the next Monday
      expect((await sell(C, { residentId: born1.id }, 2)).json()).toMatchObject({ boughtThisPeriod: 2, periodStart: '2026-11-30' });
    } finally {
      platform.rationing.useClock(SATURDAY);
    }
  });

  it('refuses when the shelf is empty without using up the person\'s allowance, and takes the buyer by registration number', async () => {
    await report(C, { counted: 1 });
    const buyer = takeResident();
    const empty = expectProblem(await sell(C, { rrn: buyer.rrn }, 2), 409, 'RATIONING_OUT_OF_STOCK');
    expect(empty.detail).toContain('1 left');
    const sold = await sell(C, { rrn: `${buyer.rrn.slice(0, 6)}-${buyer.rrn.slice(6)}` }, 1);
    expect(sold.statusCode).toBe(201);
    expect(sold.json()).toMatchObject({ residentId: buyer.id, boughtThisPeriod: 1, outletStock: { remaining: 0, band: 'empty' } });
    // A till with a bearer key is not a browser: no CSRF cookie on its answers (a page still gets one).
    expect(sold.headers['set-cookie']).toBeUndefined();
    expect(String((await platform.app.inject({ url: '/rationing/map' })).headers['set-cookie'])).toContain('og_csrf=');
    expectProblem(await sell(C, { residentId: 99_999_999 }), 404, 'SUBJECT_NOT_FOUND');
    const unknownNumber = expectProblem(await sell(C, { rrn: '0001011999999' }), 404, 'SUBJECT_NOT_FOUND');
    expect(unknownNumber.errors).toEqual([{ field: '/body/rrn', message: 'not in the resident register' }]);
    expectProblem(await sell(C, { residentId: buyer.id }, 0), 400, 'VALIDATION_FAILED');
    const both = await platform.app.inject({ method: 'POST', url: `/api/v1/rationing/programmes/${PROGRAMME}/sales`, headers: { authorization: `Bearer ${keys.get(C)}` }, payload: { residentId: buyer.id, rrn: buyer.rrn, quantity: 1 } });
    expectProblem(both, 400, 'VALIDATION_FAILED');
    expectProblem(await platform.app.inject({ method: 'POST', url: '/api/v1/rationing/programmes/999/sales', headers: { authorization: `Bearer ${keys.get(C)}` }, payload: { residentId: buyer.id, quantity: 1 } }), 404, 'PROGRAMME_NOT_FOUND');
  });

  it('gives back every unit of a person refused at an empty shelf, when several of their requests arrive together', async () => {
    await report(C, { counted: 0 });
    const buyer = takeResident();
    // The first sale (someone else's) keeps the outlet's queue busy, so the buyer's three land in one batch.
    const refused = await Promise.all([sell(C, { residentId: takeResident().id }), sell(C, { residentId: buyer.id }), sell(C, { residentId: buyer.id }), sell(C, { residentId: buyer.id }, 2)]);
    expect(refused.map((r) => r.statusCode)).toEqual([409, 409, 409, 409]);
    const sold = await sell(A, { residentId: buyer.id }, 2);
    expect(sold.statusCode).toBe(201);
    expect(sold.json().boughtThisPeriod).toBe(2);
  });

  it('shows the sale to the buyer under "who used my data", named by the pharmacy', async () => {
    const buyer = takeResident();
    await report(A, { delivered: 10 });
    expect((await sell(A, { residentId: buyer.id })).statusCode).toBe(201);
    const me = new TestClient(platform.app);
    await me.signIn({ residentId: buyer.id });
    const usage = (await me.request({ url: '/api/v1/me/data-usage?lang=en' })).json();
    const sale = usage.items.find((i: { actionCode: string }) => i.actionCode === 'rationing.sale');
    expect(sale).toMatchObject({ actorKind: 'system', receiverCode: 'MOHW', receiverSystem: `outlet:${A}`, outcome: 'allowed' });
    expect(sale.action.en).toContain('rationed sale');
    expect(sale.action.ko).toContain('구매 한도');
  });
});

describe('the open stock data', () => {
  it('reflects deliveries and sales in the stock API, with the 2020 bands', async () => {
    await report(B, { counted: 100 });
    const before = await stockOf(B);
    expect(before).toMatchObject({ remaining: 100, band: 'plenty' });
    const buyer = takeResident();
    expect((await sell(B, { residentId: buyer.id }, 2)).statusCode).toBe(201);
    const after = await stockOf(B);
    expect(after).toMatchObject({ remaining: 98, band: 'some', soldTotal: before.soldTotal + 2 });
    expect(after.version).toBeGreaterThan(before.version);
    const delivered = await report(B, { delivered: 50 });
    expect(delivered.json()).toMatchObject({ code: B, remaining: 148, band: 'plenty' });
    expectProblem(await report(B, { delivered: 0 }), 400, 'VALIDATION_FAILED');
    const catalogued = await platform.app.inject({ url: '/api/3/action/package_show?id=mohw-public-mask-stock' });
    expect(catalogued.statusCode).toBe(200);
    expect(JSON.stringify(catalogued.json())).toContain('/api/v1/rationing/programmes/1/stock');
  });

  it('pushes a stock change to a connected event-stream client after a sale, and resumes from Last-Event-ID', async () => {
    const address = await platform.app.listen({ host: '127.0.0.1', port: 0 });
    await report(A, { counted: 60 });
    const { version: before } = await stockOf(A);
    const stream = await openStream(`${address}/api/v1/rationing/programmes/${PROGRAMME}/stock/stream`);
    try {
      expect(stream.response.headers['content-type']).toContain('text/event-stream');
      const buyer = takeResident();
      expect((await sell(A, { residentId: buyer.id }, 2)).statusCode).toBe(201);
      const event = await stream.next((e) => e.data.outlets.some((o: { code: string }) => o.code === A));
      expect(event.event).toBe('stock');
      expect(event.data.outlets.find((o: { code: string }) => o.code === A)).toMatchObject({ remaining: 58, band: 'some' });
      expect(Number(event.id)).toBeGreaterThan(before);
    } finally {
      stream.close();
    }
    const resumed = await openStream(`${address}/api/v1/rationing/programmes/${PROGRAMME}/stock/stream`, { 'last-event-id': String(before) });
    try {
      const missed = await resumed.next((e) => e.data.outlets.some((o: { code: string }) => o.code === A));
      expect(missed.data.outlets.find((o: { code: string }) => o.code === A)).toMatchObject({ remaining: 58 });
    } finally {
      resumed.close();
    }
  });
});

describe('the public map', () => {
  it('draws the 17 regions and every outlet, with a legend in words and tables as its text alternative (en and ko)', async () => {
    const outlets = (await platform.app.inject({ url: '/api/v1/rationing/outlets' })).json().items as unknown[];
    const en = await platform.app.inject({ url: '/rationing/map?lang=en', headers: { accept: 'text/html' } });
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('<svg');
    expect(en.body).toMatch(/role="img" aria-labelledby="map-title map-desc"/);
    expect(en.body.match(/<path d="[^"]+" fill="[^"]+" stroke="#5f6b76"[^>]* data-region="\d\d"/g)).toHaveLength(17);
    expect(en.body.match(/<g class="outlet" data-outlet=/g)).toHaveLength(outlets.length);
    expect(en.body.match(/<tr data-outlet=/g)).toHaveLength(outlets.length);
    expect(en.body).toContain('Plenty (100 or more)');
    expect(en.body).toContain('approximate');
    // PH-11-001 (A) has 58 after the stream test: "Some".
    expect(en.body).toMatch(/<tr data-outlet="PH-11-001">.*<td>Some \(30 to 99\)<\/td><td>58<\/td>/);
    const ko = await platform.app.inject({ url: '/rationing/map?lang=ko&region=26', headers: { accept: 'text/html' } });
    expect(ko.body).toContain('공적 마스크 판매처 재고 지도');
    expect(ko.body).toContain('출생연도 끝자리 1, 6: 월, 토, 일');
    expect(ko.body.match(/<tr data-outlet="PH-26-/g)!.length).toBeGreaterThan(0);
    expect(ko.body.match(/<tr data-outlet="PH-(?!26-)/g)).toBeNull();
  });
});

interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/** A minimal event-stream client: collects events, `next` waits for one that matches. */
function openStream(url: string, headers: Record<string, string> = {}): Promise<{ response: IncomingMessage; next(match: (e: SseEvent) => boolean): Promise<SseEvent>; close(): void }> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const waiting: Array<{ match: (e: SseEvent) => boolean; done: (e: SseEvent) => void }> = [];
    const request = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      let buffer = '';
      let opened = false;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!opened) {
            opened = true; // the opening comment: the server is subscribed
            resolve({
              response,
              next: (match) =>
                new Promise((done) => {
                  const seen = events.find(match);
                  if (seen) done(seen);
                  else waiting.push({ match, done });
                }),
              close: () => request.destroy(),
            });
          }
          const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
          if (!fields.data) continue;
          const event: SseEvent = { id: fields.id ?? '', event: fields.event ?? '', data: JSON.parse(fields.data) };
          events.push(event);
          for (const w of [...waiting]) if (w.match(event)) (waiting.splice(waiting.indexOf(w), 1), w.done(event));
        }
      });
    });
    request.on('error', (error) => {
      if (!('code' in error && error.code === 'ECONNRESET')) reject(error);
    });
    request.end();
  });
}
