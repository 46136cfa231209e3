// Rationed distribution under load: sales per second through the HTTP server with the purchase-day
// and per-person limit checks, the stock update and the audit entry (POST
// /api/v1/rationing/programmes/1/sales, outlets' keys, many distinct buyers, a realistic mix with
// refusals) from a load generator thread, at 64, 128 and 256 connections; the best is the
// saturation figure (64 connections do not saturate the server: throughput grew with the
// connections, 2,519 → 3,596 → 5,316/s in one run, as the sale batches grew and their fixed costs
// were shared by more sales); then, with a background load running, the
// time from a sale's response to its stock change arriving at a connected server-sent-events
// client (p50/p99). Ends by checking that no one got more than the limit and that the stock,
// allowances, sales log and audit agree.
//
// The sale mix (clock fixed on a Wednesday, when birth years ending in 3 or 8 may buy): 72 % first
// purchases of 1 or 2 masks by people whose day it is, 12 % the same people again (mostly over
// the limit), 10 % people on the wrong day, 6 % at outlets that have run out. Each run is a week
// later than the one before (a Wednesday again), so everyone's weekly allowance starts afresh and
// the same sale list applies. requestsPerSecond counts sale requests decided (sold or refused);
// salesPerSecond counts the sales completed (201).
//
// Options: --residents N (300,000), --seconds S (10 a run), --warmup N (2,000),
// --concurrency L,L,… (64,128,256), --probes N (200, latency samples at 20 per second).
// BENCH_CPU_PROFILE=<file> writes a CPU profile of the server thread during the last run.
import { request as httpRequest, Agent } from 'node:http';
import { Worker } from 'node:worker_threads';
import { argument, integerArgument } from '../src/cli/common';
import { Random } from '../src/modules/registry/population/random';
import { cpuPerRequest, cpuSnapshot, machineCpuShare, machineCpuSnapshot } from './lib/cpu';
import { profiled } from './lib/profile';
import { benchDatabase, benchPlatform, machine, printResult } from './support';

const residents = integerArgument('residents', 300_000, 1_000, 2_000_000);
const seconds = integerArgument('seconds', 10, 1, 120);
const warmup = integerArgument('warmup', 2_000, 0, 100_000);
const levels = (argument('concurrency') ?? '64,128,256').split(',').map((level) => Number(level));
if (levels.some((level) => !Number.isInteger(level) || level < 1 || level > 1024)) throw new Error('--concurrency takes connection counts from 1 to 1024, separated by commas');
const probes = integerArgument('probes', 200, 10, 10_000);

const PROGRAMME = 1;
const WEDNESDAY = new Date('2026-11-25T10:00:00+09:00');
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

interface SaleEntry {
  path: string;
  headers: Record<string, string>;
  body: { residentId: number; quantity: number };
}

interface PostLoadResult {
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  seconds: number;
  next: number;
  latenciesUs: Float64Array;
}

function postLoad(job: { host: string; port: number; requests: SaleEntry[]; connections: number; seconds: number; maxRequests?: number; offset: number }) {
  return new Promise<PostLoadResult>((resolve, reject) => {
    const worker = new Worker(new URL('./lib/post-load-worker.mjs', import.meta.url), { workerData: job });
    worker.once('error', reject);
    worker.once('message', (result: PostLoadResult) => {
      resolve(result);
      void worker.terminate();
    });
  });
}

function summary(result: PostLoadResult) {
  const sorted = [...result.latenciesUs].sort((a, b) => a - b);
  return {
    requests: result.requests,
    seconds: round(result.seconds),
    requestsPerSecond: Math.round(result.requests / result.seconds),
    statuses: result.statuses,
    errors: result.errors,
    p50Ms: round(percentile(sorted, 50) / 1000),
    p99Ms: round(percentile(sorted, 99) / 1000),
  };
}

const db = await benchDatabase(24);
try {
  const platform = await benchPlatform(db, { residents });
  const rationing = platform.rationing;
  rationing.useClock(() => WEDNESDAY);

  // Every outlet gets a key and plenty of stock, except a few that have run out; one is kept
  // aside for the latency probes.
  const outlets = await rationing.listOutlets();
  const operator = { actor: { id: 'bench-operator', role: 'operator', org: 'MOIS' }, requestId: 'bench-setup' };
  const keys = new Map<number, string>();
  for (const outlet of outlets) keys.set(outlet.id, (await rationing.issueOutletKey(operator, outlet.id)).secret);
  const probeOutlet = outlets[0]!;
  const emptyOutlets = outlets.slice(1, 9);
  const stockedOutlets = outlets.slice(9);
  for (const outlet of outlets) {
    await rationing.reportStock(keys.get(outlet.id), PROGRAMME, { counted: emptyOutlets.includes(outlet) ? 0 : 1_000_000 }, 'bench-setup');
  }

  const people = await db.pool.query<{ id: number; digit: number }>(
    `SELECT id, (extract(year FROM birth_date)::int % 10) AS digit FROM registry.residents WHERE deceased_on IS NULL ORDER BY id`,
  );
  const random = new Random(7);
  const shuffle = <T>(items: T[]) => {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = random.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  const eligible = shuffle(people.rows.filter((p) => p.digit === 3 || p.digit === 8).map((p) => p.id));
  const ineligible = shuffle(people.rows.filter((p) => p.digit !== 3 && p.digit !== 8).map((p) => p.id));
  const probeBuyers = eligible.splice(0, probes + 10);
  const entries: SaleEntry[] = [];
  const recent: number[] = [];
  const sale = (outletId: number, residentId: number, quantity: number): SaleEntry => ({
    path: `/api/v1/rationing/programmes/${PROGRAMME}/sales`,
    headers: { authorization: `Bearer ${keys.get(outletId)}` },
    body: { residentId, quantity },
  });
  const pick = <T>(items: T[]) => items[random.int(0, items.length - 1)]!;
  let nextEligible = 0;
  let nextIneligible = 0;
  while (nextEligible < eligible.length && entries.length < 400_000) {
    const roll = random.next();
    if (roll < 0.72 || recent.length === 0) {
      const buyer = eligible[nextEligible++]!;
      recent.push(buyer);
      if (recent.length > 2_000) recent.shift();
      entries.push(sale(pick(stockedOutlets).id, buyer, random.chance(0.7) ? 2 : 1));
    } else if (roll < 0.84) {
      entries.push(sale(pick(stockedOutlets).id, pick(recent), 1));
    } else if (roll < 0.94) {
      entries.push(sale(pick(stockedOutlets).id, ineligible[nextIneligible++ % ineligible.length]!, 1));
    } else {
      entries.push(sale(pick(emptyOutlets).id, eligible[nextEligible++]!, 1));
    }
  }

  const address = new URL(await platform.app.listen({ host: '127.0.0.1', port: 0 }));
  const host = address.hostname;
  const port = Number(address.port);

  // Warm-up, then one saturation run per concurrency level, each in a week of its own (the clock
  // moves on a week, so everyone's allowance is new and the same sale list applies again).
  if (warmup > 0) await postLoad({ host, port, requests: entries, connections: levels[0]!, seconds: 60, maxRequests: warmup, offset: 0 });
  let week = 0;
  const inWeek = (n: number) => new Date(WEDNESDAY.getTime() + n * 7 * 86_400_000);
  const runs = [];
  for (const connections of levels) {
    week += 1;
    rationing.useClock(() => inWeek(week));
    const machineBefore = machineCpuSnapshot();
    const cpuBefore = await cpuSnapshot(db.pool);
    // What the database sessions wait on during the run (sampled every 5 ms): shows where the time goes.
    const waits = new Map<string, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const active = await db.pool.query<{ w: string }>(
          `SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') || ' in ' || left(query, 40) AS w
             FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = current_database()`,
        );
        for (const row of active.rows) waits.set(row.w, (waits.get(row.w) ?? 0) + 1);
        await new Promise((done) => setTimeout(done, 5));
      }
    })();
    const result = await profiled(() => postLoad({ host, port, requests: entries, connections, seconds, offset: 0 }));
    sampling = false;
    await sampler;
    if (result.requests >= entries.length) throw new Error(`${result.requests} requests used up the ${entries.length}-entry sale list: raise --residents or lower --seconds`);
    const sampled = [...waits.values()].reduce((sum, n) => sum + n, 0);
    const postgresWaits = Object.fromEntries([...waits].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([what, n]) => [what, `${Math.round((n / sampled) * 100)} %`]));
    runs.push({
      connections,
      ...summary(result),
      salesPerSecond: Math.round((result.statuses['201'] ?? 0) / result.seconds),
      cpu: cpuPerRequest(cpuBefore, await cpuSnapshot(db.pool), result.requests),
      machineCpu: machineCpuShare(machineBefore),
      postgresWaits,
    });
  }
  const saturation = runs.reduce((best, run) => (run.requestsPerSecond > best.requestsPerSecond ? run : best));

  // Latency: a stream client connected, a background load of 16 connections, and probe sales at
  // the probe outlet every 50 ms; each probe's latency runs from its response to the first event
  // showing the probe outlet's stock at or below the level the sale left.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const pending: Array<{ remaining: number; respondedAt: number }> = [];
  const latencies: number[] = [];
  let streamEvents = 0;
  const stream = await new Promise<{ close(): void }>((resolve, reject) => {
    const request = httpRequest({ host, port, path: `/api/v1/rationing/programmes/${PROGRAMME}/stock/stream`, headers: { accept: 'text/event-stream' } }, (response) => {
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        const arrivedAt = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes(': stock changes follow')) resolve({ close: () => request.destroy() });
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          streamEvents += 1;
          const change = (JSON.parse(data.slice(6)).outlets as Array<{ outletId: number; remaining: number }>).find((o) => o.outletId === probeOutlet.id);
          if (!change) continue;
          for (let i = pending.length - 1; i >= 0; i -= 1) {
            if (pending[i]!.remaining >= change.remaining) {
              latencies.push(arrivedAt - pending[i]!.respondedAt);
              pending.splice(i, 1);
            }
          }
        }
      });
    });
    request.on('error', (error) => ('code' in error && error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end();
  });
  const probeSale = (residentId: number) =>
    new Promise<{ status: number; remaining: number | null; respondedAt: number }>((resolve, reject) => {
      const body = JSON.stringify({ residentId, quantity: 1 });
      const request = httpRequest(
        { host, port, agent, method: 'POST', path: `/api/v1/rationing/programmes/${PROGRAMME}/sales`, headers: { authorization: `Bearer ${keys.get(probeOutlet.id)}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            const respondedAt = performance.now();
            const parsed = JSON.parse(text);
            resolve({ status: response.statusCode!, remaining: parsed.outletStock?.remaining ?? null, respondedAt });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  week += 1;
  rationing.useClock(() => inWeek(week));
  const background = postLoad({ host, port, requests: entries, connections: 16, seconds: probes / 20 + 2, offset: 0 });
  await new Promise((done) => setTimeout(done, 500));
  let probeFailures = 0;
  for (let i = 0; i < probes; i += 1) {
    const started = performance.now();
    const result = await probeSale(probeBuyers[i]!);
    if (result.status !== 201 || result.remaining === null) probeFailures += 1;
    else pending.push({ remaining: result.remaining, respondedAt: result.respondedAt });
    const wait = 50 - (performance.now() - started);
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
  }
  const backgroundResult = await background;
  await new Promise((done) => setTimeout(done, 1_500)); // events still on their way
  stream.close();
  agent.destroy();
  // An event that arrived before its own sale's response was read counts as 0 ms.
  const probeLatencies = latencies.map((ms) => Math.max(0, ms)).sort((a, b) => a - b);
  const eventsBeforeResponse = latencies.filter((ms) => ms < 0).length;

  // Consistency: nobody above the limit; stock, allowances, sales log and audit agree.
  await platform.audit.flush();
  const check = (
    await db.pool.query<{ over_limit: number; allowance_total: number; sales_total: number; stock_sold: number; audited_sales: number }>(
      `SELECT (SELECT count(*)::int FROM rationing.allowances WHERE bought > 2) AS over_limit,
              (SELECT coalesce(sum(bought), 0)::int FROM rationing.allowances) AS allowance_total,
              (SELECT coalesce(sum(quantity), 0)::int FROM rationing.sales) AS sales_total,
              (SELECT coalesce(sum(sold_total), 0)::int FROM rationing.stock) AS stock_sold,
              (SELECT count(*)::int FROM audit.entries WHERE action = 'rationing.sale' AND outcome = 'allowed') AS audited_sales`,
    )
  ).rows[0]!;
  const salesCount = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rationing.sales')).rows[0]!.n;
  await platform.app.close();

  printResult({
    benchmark: 'rationing',
    machine: machine(),
    residents,
    outlets: outlets.length,
    route: 'POST /api/v1/rationing/programmes/1/sales (outlet key; purchase day, per-person weekly limit and stock decided in Postgres; audited; group commit)',
    loadGenerator: 'raw keep-alive HTTP/1.1 POSTs in a worker thread of this process (bench/lib/post-load-worker.mjs), closed loop',
    mix: 'Wednesday: 72 % first purchases (1 or 2), 12 % repeat buyers, 10 % wrong day, 6 % at sold-out outlets',
    runs,
    saturation: { connections: saturation.connections, requestsPerSecond: saturation.requestsPerSecond, salesPerSecond: saturation.salesPerSecond },
    streamLatency: {
      what: 'sale response → stock event at a connected SSE client (coalescing window 100 ms), with 16 connections of background sales',
      probes: probeLatencies.length,
      probeFailures,
      eventsBeforeResponse,
      streamEvents,
      p50Ms: round(percentile(probeLatencies, 50)),
      p99Ms: round(percentile(probeLatencies, 99)),
      maxMs: round(probeLatencies.at(-1) ?? NaN),
      background: summary(backgroundResult),
    },
    targets: {
      atLeast3000SalesPerSecond: saturation.requestsPerSecond >= 3000,
      atLeast3000CompletedSalesPerSecond: saturation.salesPerSecond >= 3000,
      streamP99AtMost1s: percentile(probeLatencies, 99) <= 1000,
    },
    consistency: {
      peopleOverTheLimit: check.over_limit,
      itemsSold: { allowances: check.allowance_total, salesLog: check.sales_total, stock: check.stock_sold },
      salesLogged: salesCount,
      auditedAllowedSales: check.audited_sales,
    },
  });
  if (runs.some((run) => run.errors) || check.over_limit > 0 || check.allowance_total !== check.sales_total || check.sales_total !== check.stock_sold || salesCount !== check.audited_sales) {
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
