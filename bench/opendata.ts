// The datastore's cost over HTTP: a 1,000,000-row synthetic table loaded through the datastore's
// own import path (CREATE TABLE, COPY, indexes, ANALYZE: DataStore.createResource), then CKAN
// datastore_search requests/s through the real HTTP server (socket, keep-alive connections from
// the load generator thread, bench/lib/load.ts) against the very same SQL (buildSearch: the
// filtered, sorted, limited page and its total) sent directly through the pg driver with the same
// concurrency, in one run, alternating rounds. The query is a realistic one: two exact filters
// (region and category, ~1/170 of the rows), sorted by amount descending, 20 rows, with the total.
//
// Options: --rows N (1,000,000), --seconds S (5 per round), --rounds N (2), --concurrency N (16), --warmup N (500).
import { integerArgument } from '../src/cli/common';
import type { Principal } from '../src/core/auth';
import { buildSearch, parseDatastoreSearch, type DataResource } from '../src/modules/opendata';
import { cpuPerRequest, cpuSnapshot } from './lib/cpu';
import { runLoad } from './lib/load';
import { benchDatabase, benchPlatform, machine, printResult, timed } from './support';

const rowCount = integerArgument('rows', 1_000_000, 1_000, 10_000_000);
const seconds = integerArgument('seconds', 5, 1, 120);
const rounds = integerArgument('rounds', 2, 1, 10);
const concurrency = integerArgument('concurrency', 16, 1, 256);
const warmup = integerArgument('warmup', 500, 0, 100_000);

const DATASET = 'mois-population-by-district';
const REGIONS = ['서울', '부산', '대구', '인천', '광주', '대전', '울산', '세종', '경기', '강원', '충북', '충남', '전북', '전남', '경북', '경남', '제주'];
const CATEGORIES = Array.from({ length: 10 }, (_, i) => `C${i}`);

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/** A small deterministic generator (mulberry32), so every run loads the same table. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* syntheticRows(count: number): Generator<Array<string | null>> {
  const next = random(20261122);
  const start = Date.UTC(2020, 0, 1);
  for (let i = 0; i < count; i++) {
    const region = REGIONS[Math.floor(next() * REGIONS.length)]!;
    const at = new Date(start + Math.floor(next() * 5 * 365 * 86_400) * 1000);
    yield [
      region,
      `${region}-${1 + Math.floor(next() * 25)}구`,
      String(at.getUTCFullYear()),
      String(at.getUTCMonth() + 1),
      CATEGORIES[Math.floor(next() * CATEGORIES.length)]!,
      (next() * 100_000).toFixed(2),
      at.toISOString().slice(0, 19),
      next() < 0.1 ? null : `측정소 ${i % 997}`,
    ];
  }
}

const db = await benchDatabase(concurrency * 2 + 4);
try {
  const platform = await benchPlatform(db);
  const official: Principal = { accountId: 'bench-MOIS-official', sessionId: 'bench', role: 'official', residentId: null, agencyCode: 'MOIS', displayName: { ko: 'bench', en: 'bench' } };
  const loaded = await timed(() =>
    platform.dataStore.createResource(
      { principal: official, actor: { id: official.accountId, role: 'official', org: 'MOIS' }, requestId: 'bench-load' },
      DATASET,
      {
        title: { ko: '합성 측정값', en: 'Synthetic measurements' },
        columns: [
          { name: 'region', type: 'text' },
          { name: 'district', type: 'text' },
          { name: 'year', type: 'integer' },
          { name: 'month', type: 'integer' },
          { name: 'category', type: 'text' },
          { name: 'amount', type: 'number' },
          { name: 'observed_at', type: 'timestamp' },
          { name: 'station', type: 'text' },
        ],
        rows: syntheticRows(rowCount),
      },
    ),
  );
  const resource: DataResource = loaded.result;

  // One query per region × category, the same list for both sides.
  const combos = REGIONS.flatMap((region) => CATEGORIES.map((category) => ({ region, category })));
  const inputs = combos.map(({ region, category }) => ({ resource_id: resource.id, filters: JSON.stringify({ region, category }), sort: 'amount desc', limit: '20' }));
  const statements = inputs.map((input) => buildSearch(resource, parseDatastoreSearch(input)));
  const paths = inputs.map((input) => ({ path: `/api/3/action/datastore_search?${new URLSearchParams(input)}`, headers: {} as Record<string, string> }));

  const address = new URL(await platform.app.listen({ host: '127.0.0.1', port: 0 }));
  // Sanity: the HTTP answer and the direct query agree.
  const check = await fetch(`${address.origin}${paths[0]!.path}`).then((r) => r.json() as Promise<{ success: boolean; result: { records: Array<{ _id: number }>; total: number } }>);
  const direct0 = await db.pool.query(statements[0]!.select);
  const count0 = await db.pool.query<{ total: number }>(statements[0]!.count!);
  if (!check.success || check.result.total !== count0.rows[0]!.total || check.result.records.map((r) => r._id).join() !== direct0.rows.map((r) => r.f0).join()) {
    throw new Error('the HTTP answer and the direct query disagree');
  }

  const http = async (options: { seconds: number; maxRequests?: number }) => {
    const before = await cpuSnapshot(db.pool);
    const summary = await runLoad({ host: address.hostname, port: Number(address.port), requests: paths, connections: concurrency, ...options });
    return { ...summary, cpu: cpuPerRequest(before, await cpuSnapshot(db.pool), summary.requests) };
  };
  const driver = async (options: { seconds: number; maxRequests?: number }) => {
    const before = await cpuSnapshot(db.pool);
    const deadline = performance.now() + options.seconds * 1000;
    let issued = 0;
    let completed = 0;
    let errors = 0;
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline && (options.maxRequests === undefined || issued < options.maxRequests)) {
          const statement = statements[issued++ % statements.length]!;
          const t0 = performance.now();
          try {
            await Promise.all([db.pool.query(statement.select), db.pool.query(statement.count!)]);
            completed++;
            latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN, 2);
    return {
      requests: completed,
      errors,
      seconds: round(elapsed, 2),
      requestsPerSecond: Math.round(completed / elapsed),
      p50Ms: pct(50),
      p99Ms: pct(99),
      cpu: cpuPerRequest(before, await cpuSnapshot(db.pool), completed),
    };
  };

  await driver({ seconds: 30, maxRequests: warmup });
  await http({ seconds: 30, maxRequests: warmup });
  const results: Array<{ http: Awaited<ReturnType<typeof http>>; driver: Awaited<ReturnType<typeof driver>> }> = [];
  for (let i = 0; i < rounds; i++) {
    // Alternate which side goes first, so neither always gets the warmer cache.
    if (i % 2 === 0) {
      const d = await driver({ seconds });
      const h = await http({ seconds });
      results.push({ http: h, driver: d });
    } else {
      const h = await http({ seconds });
      const d = await driver({ seconds });
      results.push({ http: h, driver: d });
    }
  }
  await platform.app.close();

  const httpRate = results.reduce((sum, r) => sum + r.http.requestsPerSecond, 0) / results.length;
  const driverRate = results.reduce((sum, r) => sum + r.driver.requestsPerSecond, 0) / results.length;
  const ratio = round(httpRate / driverRate);
  printResult({
    benchmark: 'opendata',
    machine: machine(),
    table: { rows: resource.rowCount, columns: resource.columns.map((c) => `${c.id}:${c.type}`), loadSeconds: round(loaded.seconds, 1), rowsPerSecond: Math.round(resource.rowCount / loaded.seconds) },
    query: { example: paths[0]!.path, sql: statements[0]!.select.text, countSql: statements[0]!.count!.text, variants: statements.length, matchingRowsExample: count0.rows[0]!.total },
    concurrency,
    rounds: results,
    mean: { httpRequestsPerSecond: Math.round(httpRate), driverQueriesPerSecond: Math.round(driverRate) },
    ratio,
    targets: { ratioAtLeast0_7: ratio >= 0.7 },
    loadGenerator: 'HTTP: raw keep-alive HTTP/1.1 in a worker thread of this process (bench/lib/load-worker.mjs); driver: `concurrency` loops in the main thread on the same pg pool, each sending the page query and the count query in parallel as the server does',
  });
  if (results.some((r) => r.http.non200 || r.http.errors || r.driver.errors)) process.exitCode = 1;
} finally {
  await db.close();
}
