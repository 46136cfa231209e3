// What the open-data API guard adds to a request: its one database round trip (check the key and
// count the request in a shared fixed window) against a bare `SELECT 1` on the same pool, one at a
// time and 16 in flight, and the cost of counting usage in memory. Prints JSON.
// Run: npm run bench -- rate-limits
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { benchDatabase, machine, printResult } from './support';
import { hashApiKey, OpenDataApiGuard, registerOpenDataApiGuard } from '../src/modules/opendata/rate-limits';
import { UsageStatistics } from '../src/modules/opendata/usage';

const SEQUENTIAL = Number(process.env.N ?? 3000);
const CONCURRENT = 16;

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3));
  return { meanMs: Number((samples.reduce((s, x) => s + x, 0) / samples.length).toFixed(3)), p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function sequential(work: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

async function throughput(work: () => Promise<unknown>) {
  const total = SEQUENTIAL * 2;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENT }, async () => {
    while (next++ < total) await work();
  }));
  return Math.round(total / ((performance.now() - started) / 1000));
}

const db = await benchDatabase(CONCURRENT + 4);
try {
  const key = `odk_${randomBytes(32).toString('base64url')}`;
  await db.pool.query(`INSERT INTO opendata.developers (account_id, name, email, purpose) VALUES ('bench', 'Bench', 'bench@example.com', 'benchmark')`);
  await db.pool.query(`INSERT INTO opendata.api_keys (id, account_id, label, secret_hash, hint) VALUES ('ODK-00000000000000be', 'bench', 'bench', $1, 'odk_…')`, [hashApiKey(key)]);
  const usage = new UsageStatistics(db.pool);
  const guard = new OpenDataApiGuard(db.pool, usage, { policies: { keyed: { name: 'key', quota: 1e9, windowSeconds: 60 }, anonymous: { name: 'anonymous', quota: 1e9, windowSeconds: 60 } } });
  let address = 0;

  const baseline = await sequential(() => db.pool.query('SELECT 1'));
  const keyed = await sequential(() => guard.admit(key, '10.0.0.1'));
  const anonymous = await sequential(() => guard.admit(null, `10.0.${(address++ >> 8) & 255}.${address & 255}`));
  const baselinePerSecond = await throughput(() => db.pool.query('SELECT 1'));
  const keyedPerSecond = await throughput(() => guard.admit(key, '10.0.0.1'));

  // The whole hook, end to end through Fastify (inject), on a trivial route under the API prefix.
  const apps = await Promise.all(
    [false, true].map(async (guarded) => {
      const app = Fastify();
      if (guarded) registerOpenDataApiGuard(app, guard);
      app.get('/api/3/action/ping', async () => ({ success: true }));
      await app.ready();
      return app;
    }),
  );
  const [bare, withGuard] = apps as [ReturnType<typeof Fastify>, ReturnType<typeof Fastify>];
  const keyedAgain = await sequential(() => guard.admit(key, '10.0.0.1'));
  const tuples = (await db.pool.query(`SELECT n_tup_upd, n_tup_hot_upd, n_dead_tup FROM pg_stat_user_tables WHERE relname = 'rate_windows'`)).rows[0];
  const injectBare = await sequential(() => bare.inject({ url: '/api/3/action/ping' }));
  const injectKeyed = await sequential(() => withGuard.inject({ url: '/api/3/action/ping', headers: { 'x-api-key': key } }));
  const injectAnonymous = await sequential(() => withGuard.inject({ url: '/api/3/action/ping' }));
  await Promise.all(apps.map((app) => app.close()));

  const records = 1_000_000;
  const started = performance.now();
  for (let i = 0; i < records; i++) usage.record(i % 2 ? 'ODK-00000000000000be' : null, `dataset-${i % 40}`);
  const recordNs = ((performance.now() - started) * 1e6) / records;
  const flushStarted = performance.now();
  await usage.flush();
  const flushMs = performance.now() - flushStarted;

  printResult({
    benchmark: 'opendata-rate-limits',
    machine: machine(),
    sequentialRequests: SEQUENTIAL,
    selectOneRoundTrip: baseline,
    guardKeyedAdmit: keyed,
    guardAnonymousAdmit: anonymous,
    concurrency: CONCURRENT,
    selectOnePerSecond: baselinePerSecond,
    guardKeyedAdmitsPerSecond: keyedPerSecond,
    guardKeyedAdmitAfterLoad: keyedAgain,
    rateWindowUpdates: tuples,
    injectTrivialRouteWithoutGuard: injectBare,
    injectTrivialRouteGuardKeyed: injectKeyed,
    injectTrivialRouteGuardAnonymous: injectAnonymous,
    usageRecordNs: Number(recordNs.toFixed(1)),
    usageFlushMs: { rows: 80, ms: Number(flushMs.toFixed(2)) },
  });
} finally {
  await db.close();
}
